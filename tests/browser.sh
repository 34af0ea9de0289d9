#!/usr/bin/env bash
# Drives the demo bank in headless Chromium against a real `stepgate serve --demo`: sign-in by
# autocomplete attributes, TOTP step-up, a wrong code, CSP (console), session reuse and logout.
# Usage: tests/browser.sh PATH_TO_STEPGATE     (BROWSER_SCREENSHOTS=DIR keeps the screenshots)
# Installs Debian's chromium and chromium-driver when missing, and Selenium into .build/browser-venv.
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)

missing=""
for p in chromium chromium-driver; do
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
server_pid=""
browser_pid=""
cleanup() {
  # The browser run is its own process group (setsid): end Python, chromedriver and Chromium together.
  if [ -n "$browser_pid" ]; then kill -- "-$browser_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Chromium leaves folders in TMPDIR; keep them inside this run's folder.
mkdir -p "$work/tmp" "$work/data"
export TMPDIR="$work/tmp"
shots=${BROWSER_SCREENSHOTS:-$work/screenshots}
mkdir -p "$shots"

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# localhost, not 127.0.0.1: the browser must see one origin for the issuer and the demo.
issuer="http://localhost:$port"
password="browser test passphrase"
secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
data="$work/data"
printf '%s\n' "$password" | "$bin" user add demo --data "$data" >/dev/null
"$bin" factor add demo totp --secret "$secret" --data "$data" >/dev/null
"$bin" client add demo --public --redirect-uri "$issuer/demo/callback" --data "$data" >/dev/null
# A second public client on another origin (same server, other host name): the browser must be
# allowed to follow the sign-in form's redirect there.
other_redirect="http://127.0.0.1:$port/rp/callback"
"$bin" client add rp --public --redirect-uri "$other_redirect" --data "$data" >/dev/null
"$bin" serve --data "$data" --listen "127.0.0.1:$port" --issuer "$issuer" --demo 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "$issuer/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! curl -fs "$issuer/healthz" >/dev/null 2>&1; then
  echo "FAIL server did not answer /healthz"
  tail -n 20 "$work/serve.log" >&2
  echo "browser: 0 passed, 1 failed"
  exit 1
fi

status=0
setsid timeout 300 "$venv/bin/python" "$root/tests/browser/demo_flow.py" "$issuer" "$password" "$secret" \
  "$shots" "$other_redirect" &
browser_pid=$!
wait "$browser_pid" || status=$?
browser_pid=""
if [ "$status" -eq 124 ] || [ "$status" -gt 128 ]; then
  # Python printed no summary: it was stopped by the timeout or a signal.
  echo "FAIL browser run stopped (exit $status)"
  echo "browser: 0 passed, 1 failed"
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "the server exited during the run" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "server log (last 20 lines):" >&2
  tail -n 20 "$work/serve.log" >&2
fi
exit "$status"
