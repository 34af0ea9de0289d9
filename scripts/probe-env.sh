#!/usr/bin/env bash
# Prints `export` lines for the probe's secrets from the demo's credentials file, for
#   eval "$(scripts/probe-env.sh data/demo)"
# PROBE_PASSWORD, PROBE_TOTP_SECRET (user demo), PROBE_SECOND_PASSWORD, PROBE_SECOND_TOTP_SECRET
# (user demo2), PROBE_LOCKOUT_PASSWORD, PROBE_LOCKOUT_TOTP_SECRET (user demo3, which the brute-force
# case locks out). The values are random URL-safe and base32 text, so they need no quoting.
set -euo pipefail
credentials="${1:-data/demo}/demo-credentials"
[ -r "$credentials" ] || { echo "probe-env: $credentials cannot be read (run make demo first)" >&2; exit 1; }
sed -n -e 's/^password=/export PROBE_PASSWORD=/p' -e 's/^secret=/export PROBE_TOTP_SECRET=/p' \
  -e 's/^second_password=/export PROBE_SECOND_PASSWORD=/p' -e 's/^second_secret=/export PROBE_SECOND_TOTP_SECRET=/p' \
  -e 's/^lockout_password=/export PROBE_LOCKOUT_PASSWORD=/p' -e 's/^lockout_secret=/export PROBE_LOCKOUT_TOTP_SECRET=/p' \
  "$credentials"
