#!/usr/bin/env bash
# Records real WebAuthn registrations and assertions from headless Chromium's virtual
# authenticator into Tests/StepgateCoreTests/Fixtures/ (see scripts/record_webauthn.py for what
# each fixture holds). Run once by hand when the fixtures must change; never run by `make test`:
# the tests read the committed recordings, so they stay repeatable.
#
# Installs Debian's chromium and chromium-driver when missing, and Selenium into
# .build/record-venv. Usage: scripts/record-webauthn.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

missing=""
for p in chromium chromium-driver python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
venv="$root/.build/record-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "selenium==4.51.0"
fi

# Chromium leaves folders in TMPDIR; keep them in one place that is removed afterwards.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$root/Tests/StepgateCoreTests/Fixtures"
TMPDIR="$work" "$venv/bin/python" "$root/scripts/record_webauthn.py" "$root/Tests/StepgateCoreTests/Fixtures"
