#!/usr/bin/env bash
# The issue's factors in headless Chromium, through the demo bank behind real nginx
# (examples/nginx.conf, examples/policy.conf): enrol a security key and a passkey with WebDriver
# virtual authenticators, approve transfers with each, with TOTP, SMS and recovery codes, and
# see a cloned credential and a wrong origin refused. Checks in tests/browser/bank_factors.py.
# Usage: tests/factors.sh PATH_TO_STEPGATE
#   FACTORS_SCREENSHOTS=DIR  writes a PNG of each page there (none otherwise)
#   FACTORS_WIDTH=390        the browser's viewport width in CSS pixels (default 1024; 390 is a phone)
#   FACTORS_KEEP=1           keeps the run's folder (server log, database, SMS sink) for a look afterwards
# Installs Debian's chromium and chromium-driver when missing, and Selenium into .build/browser-venv
# (the same as tests/browser.sh).
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)

missing=""
for p in chromium chromium-driver nginx; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
fi
venv="$root/.build/browser-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "selenium==4.51.0"
fi

work=$(mktemp -d)
pids=()
browser_pid=""
cleanup() {
  # The browser run is its own process group (setsid): end Python, chromedriver and Chromium together.
  if [ -n "$browser_pid" ]; then kill -- "-$browser_pid" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "${FACTORS_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Chromium leaves folders in TMPDIR; keep them inside this run's folder.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
nginx_port=$(free_port)
stepgate_port=$(free_port)
bank_port=$(free_port)
other_port=$(free_port)
# localhost: a secure context over http, and the WebAuthn RP ID (the issuer's host).
base="http://localhost:$nginx_port"
# Another origin whose pages the browser will still run a ceremony for RP ID localhost: the same
# nginx on a second port (a sibling host such as other.localhost is refused by Chromium itself,
# and 127.0.0.1 cannot use RP ID localhost). Cookies ignore ports, so the session is shared.
other="http://localhost:$other_port"
data="$work/data"
password="factors test passphrase"
secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
printf '%s\n' "$password" | "$bin" user add carol --data "$data" >/dev/null
"$bin" factor add carol totp --secret "$secret" --data "$data" >/dev/null

python3 "$root/scripts/nginx_conf.py" "$root/examples/nginx.conf" "127.0.0.1:$nginx_port" \
  "127.0.0.1:$stepgate_port" "127.0.0.1:$bank_port" >"$work/nginx.conf"
sed -i "s|^\( *\)listen 127.0.0.1:$nginx_port;|&\n\1listen 127.0.0.1:$other_port;|" "$work/nginx.conf"
grep -q "listen 127.0.0.1:$other_port;" "$work/nginx.conf" || { echo "FAIL no second listen in nginx.conf"; exit 1; }
nginx -p "$work" -c "$work/nginx.conf" -g "daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;" &
pids+=($!)
# Development sinks: each SMS and e-mail is one JSON line in these files, codes included.
STEPGATE_POLICY="$root/examples/policy.conf" STEPGATE_DEMO_BANK_LISTEN="127.0.0.1:$bank_port" \
  STEPGATE_DELIVERY_SMS="file:$work/sms.jsonl" STEPGATE_DELIVERY_EMAIL="file:$work/mail.jsonl" \
  "$bin" serve --data "$data" --listen "127.0.0.1:$stepgate_port" --issuer "$base" --demo 2>"$work/serve.log" &
pids+=($!)
server_pid=$!
ready=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$stepgate_port/healthz" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:$nginx_port/healthz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "FAIL servers did not start"
  tail -n 20 "$work/serve.log" "$work/nginx-error.log" 2>/dev/null || true
  echo "factors: 0 passed, 1 failed"
  exit 1
fi

status=0
setsid timeout 240 "$venv/bin/python" "$root/tests/browser/bank_factors.py" --base "$base" --other-origin "$other" \
  --user carol --password "$password" --totp-secret "$secret" --sms "$work/sms.jsonl" \
  --stepgate "$bin" --data "$data" --screenshots "${FACTORS_SCREENSHOTS:-}" --width "${FACTORS_WIDTH:-1024}" &
browser_pid=$!
wait "$browser_pid" || status=$?
browser_pid=""
if [ "$status" -eq 124 ] || [ "$status" -gt 128 ]; then
  # Python printed no summary: it was stopped by the timeout or a signal.
  echo "FAIL browser run stopped (exit $status)"
  echo "factors: 0 passed, 1 failed"
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server exited during the run" >&2
  status=1
fi
# No secret reached the server log: the password, the TOTP seed.
for value in "$password" "$secret"; do
  if grep -qF "$value" "$work/serve.log"; then echo "FAIL a secret reached the server log"; status=1; fi
done
if [ "$status" -ne 0 ]; then
  echo "--- stepgate log (last 20 lines)" >&2
  tail -n 20 "$work/serve.log" >&2
  echo "--- nginx error log" >&2
  tail -n 10 "$work/nginx-error.log" >&2 2>/dev/null || true
fi
exit "$status"
