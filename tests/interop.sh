#!/usr/bin/env bash
# Runs Authlib, an OpenID Connect client library that is not ours, against a real `stepgate serve`.
# Usage: tests/interop.sh PATH_TO_STEPGATE
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.build/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import authlib, requests' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "authlib==1.9.10" "requests>=2.31" "cryptography>=42"
fi
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
issuer="http://127.0.0.1:$port"
secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
printf 'interop password\n' | "$bin" user add ivy --data "$work" >/dev/null
"$bin" factor add ivy totp --secret "$secret" --data "$work" >/dev/null
"$bin" client add authlib --public --redirect-uri http://localhost:9/callback --data "$work" >/dev/null
"$bin" serve --data "$work" --listen "127.0.0.1:$port" --issuer "$issuer" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "$issuer/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
"$venv/bin/python" "$root/tests/interop/oidc_client.py" "$issuer" authlib http://localhost:9/callback ivy \
  "interop password" "$secret"
