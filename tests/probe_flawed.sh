#!/usr/bin/env bash
# Proof that `stepgate probe` can fail: tests/probe/flawed_target.py, an OpenID Connect provider
# with a protected resource, plants flaws named after the probe cases that must catch them.
#   1. control: with --flaws none, every planted flaw's case passes, and so do the other quick
#      cases (a probe case that fails a correct provider is a bug too);
#   2. all flaws at once: each planted flaw's case fails, by name;
#   3. flaw by flaw: the target with that flaw alone, and its case fails.
# A flaw whose case this probe does not have yet is reported as skipped. Each run gets a fresh
# target (a used TOTP step stays used). No secret may reach the reports, the probe's output or
# the target's log.
# KEEP_WORK=1 keeps the work directory (target files, reports, logs) to look at afterwards.
# Usage: tests/probe_flawed.sh PATH_TO_STEPGATE
set -uo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
flawed_target="$root/tests/probe/flawed_target.py"
work=$(mktemp -d)
target_pid=""
stop_target() {
  if [ -n "$target_pid" ]; then kill "$target_pid" 2>/dev/null; wait "$target_pid" 2>/dev/null; fi
  target_pid=""
}
cleanup() {
  stop_target
  if [ -n "${KEEP_WORK:-}" ]; then
    echo "probe_flawed: reports and logs kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
passed=0
failed=0
skipped=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

random_password() { python3 -c 'import secrets; print(secrets.token_urlsafe(12))'; }
random_seed() { python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())'; }
# The target reads the same variables as the probe's target file names.
PROBE_PASSWORD=$(random_password)
PROBE_TOTP_SECRET=$(random_seed)
PROBE_SECOND_PASSWORD=$(random_password)
PROBE_SECOND_TOTP_SECRET=$(random_seed)
PROBE_LOCKOUT_PASSWORD=$(random_password)
PROBE_LOCKOUT_TOTP_SECRET=$(random_seed)
export PROBE_PASSWORD PROBE_TOTP_SECRET PROBE_SECOND_PASSWORD PROBE_SECOND_TOTP_SECRET
export PROBE_LOCKOUT_PASSWORD PROBE_LOCKOUT_TOTP_SECRET

# start_target NAME FLAWS: a fresh target on a free loopback port and $work/NAME.yaml for it.
start_target() {
  local name=$1 flaws=$2
  stop_target
  rm -f "$work/ready"
  python3 "$flawed_target" --flaws "$flaws" --ready-file "$work/ready" 2>>"$work/target.log" &
  target_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/ready" ] && break; sleep 0.05; done
  if [ ! -s "$work/ready" ]; then
    fail "$name: the flawed target did not start"; tail -5 "$work/target.log"; return 1
  fi
  port=$(cat "$work/ready")
  base="http://127.0.0.1:$port"
  cat >"$work/$name.yaml" <<YAML
issuer: $base
client:
  id: probe
  redirect_uri: $base/callback
ui: html
user:
  username: alice
  password_env: PROBE_PASSWORD
  totp_secret_env: PROBE_TOTP_SECRET
second_user:
  username: bob
  password_env: PROBE_SECOND_PASSWORD
  totp_secret_env: PROBE_SECOND_TOTP_SECRET
lockout_user:
  username: carol
  password_env: PROBE_LOCKOUT_PASSWORD
  totp_secret_env: PROBE_LOCKOUT_TOTP_SECRET
resources:
  - name: transfer
    method: POST
    url: $base/api/transfer?amount=10.50&payee=Bob+Builder
    browser: false
    expects:
      acr: aal2
      max_age: 5m
timeout: 5s
YAML
}

# probe NAME IDS: runs the cases IDS (comma-separated) against $work/NAME.yaml into
# $work/NAME.json; the probe exits 1 when a case fails, which these runs expect.
probe() {
  local name=$1 ids=$2 status=0
  "$bin" probe --target "$work/$name.yaml" --only "$ids" --json "$work/$name.json" \
    2>"$work/$name.err" >/dev/null || status=$?
  cat "$work/$name.err" >>"$work/probe.log"
  if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    fail "$name: stepgate probe exited $status"
    sed 's/^/    /' "$work/$name.err" | tail -5
    return 1
  fi
  verdicts "$name"
}

# verdicts NAME: "ID STATUS REASON" per case of $work/NAME.json, into $work/NAME.verdicts.
verdicts() {
  python3 - "$work/$1.json" >"$work/$1.verdicts" <<'PY'
import json, sys
for result in json.load(open(sys.argv[1]))["results"]:
    verdict = result["verdict"]
    line = [result["case"]["id"], verdict["status"], verdict.get("reason", "").replace("\n", " ")]
    print(" ".join(part for part in line if part))
PY
}

# expect NAME ID STATUS LABEL: case ID of run NAME ended in STATUS (pass, fail or skip).
expect() {
  local line reason
  line=$(awk -v id="$2" '$1 == id { sub(/^[^ ]+ /, ""); print; exit }' "$work/$1.verdicts")
  line=${line:-missing}
  reason=${line#"${line%% *}"}
  reason=${reason# }
  if [ "${line%% *}" = "$3" ]; then
    ok "$4: $2 $([ "$3" = skip ] && echo skipped || echo "${3}ed")${reason:+: $reason}"
  else
    fail "$4: $2 should ${3}: $line"
  fi
}

# The flaws the target plants, and the case each one names: the flaw's name up to a ':' (a
# variant of the same flaw). A case this probe does not have (yet) cannot be selected.
mapfile -t flaws < <(python3 "$flawed_target" --list-flaws | cut -d' ' -f1)
"$bin" probe --list | cut -d' ' -f1 >"$work/cases"
present=()
missing=()
for flaw in "${flaws[@]}"; do
  if grep -qx -- "${flaw%%:*}" "$work/cases"; then present+=("$flaw"); else missing+=("$flaw"); fi
done
case_ids=$(printf '%s\n' "${present[@]%%:*}" | sort -u | paste -sd,)

# 1. Control: a correct target passes every case that must catch a flaw, and the other cases
# that apply to it (refresh.keeps_acr is left out: it waits up to 30 s for a fresh TOTP step).
control_ids=$case_ids
for id in stepup.happy stepup.challenge_shape code.race pkce.missing pkce.plain \
  redirect_uri.open_redirect session.state_swap session.flow_hijack acr.several_unknown \
  refresh.revoked stepup.sso_reentry totp.race jwt.alg_confusion jwt.unknown_kid jwt.wrong_audience \
  jwt.wrong_issuer jwt.expired jwt.not_yet_valid jwt.bad_signature token.replay_after_revoke \
  payload.truncated payload.bad_base64 payload.wrong_types payload.wrong_content_type payload.deep_nesting \
  factor.same_twice; do
  if grep -qx -- "$id" "$work/cases"; then control_ids+=",$id"; fi
done
if start_target control none && probe control "$control_ids"; then
  for id in ${control_ids//,/ }; do expect control "$id" pass control; done
fi

# 1b. The stale-session cases need a logout and a password change page, which this target does
# not have: on a correct target they skip with their reason, never fail.
stale_ids=stepup.stale_after_logout,stepup.stale_after_password_change
if start_target stale none && probe stale "$stale_ids"; then
  for id in ${stale_ids//,/ }; do expect stale "$id" skip control; done
fi

# 2. Every flaw at once: each planted flaw's case fails, by name.
if start_target all all && probe all "$case_ids"; then
  for id in ${case_ids//,/ }; do expect all "$id" fail "all flaws"; done
fi

# 3. Flaw by flaw: the case fails with that flaw alone.
for flaw in "${present[@]}"; do
  name="flaw-${flaw//[^a-z_.]/-}"
  if start_target "$name" "$flaw" && probe "$name" "${flaw%%:*}"; then
    expect "$name" "${flaw%%:*}" fail "$flaw alone"
  fi
done

# Flaws whose case this probe does not have yet: reported as skipped. Every flaw planted so
# far has its case, so the list is empty; a flaw added before its case shows up here.
for flaw in "${missing[@]}"; do
  skipped=$((skipped + 1))
  echo "skip $flaw: this probe has no case ${flaw%%:*} yet"
done
# These flaws' cases exist now: the runs above must have caught them by name.
for flaw in jwt.alg_none payload.oversized; do
  if printf '%s\n' "${present[@]}" | grep -qx -- "$flaw"; then
    ok "$flaw has its case"
  else
    fail "$flaw has no case"
  fi
done
stop_target

# No secret reached the reports, the probe's output or the target's log.
logs=("$work"/*.json "$work/probe.log" "$work/target.log")
secrets=("$PROBE_PASSWORD" "$PROBE_TOTP_SECRET" "$PROBE_SECOND_PASSWORD" "$PROBE_SECOND_TOTP_SECRET"
  "$PROBE_LOCKOUT_PASSWORD" "$PROBE_LOCKOUT_TOTP_SECRET")
leaked=""
for secret in "${secrets[@]}"; do
  if grep -qF -- "$secret" "${logs[@]}" 2>/dev/null; then leaked="a secret"; fi
done
if grep -qE 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.' "${logs[@]}" 2>/dev/null; then
  leaked="a token"
fi
if [ -z "$leaked" ]; then
  ok "no secret or token in the reports or logs"
else
  fail "$leaked reached the reports or logs"
fi

echo "probe_flawed: $passed passed, $failed failed, $skipped skipped (flaws with no probe case yet)"
[ "$failed" -eq 0 ]
