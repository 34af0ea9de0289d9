#!/usr/bin/env bash
# The decision endpoint through real nginx: examples/nginx.conf (ports replaced) in front of the
# demo bank, Stepgate deciding with examples/policy.conf. Browser and API flows in
# tests/forward_auth/bank_flow.py (standard library Python).
# Usage: tests/forward_auth.sh [--postgres] PATH_TO_STEPGATE
# With --postgres, Stepgate keeps its state in the PostgreSQL server of STEPGATE_TEST_POSTGRES
# (scripts/with-postgres.sh sets it), reached by a URL with a password, which must not reach
# any output; the schema is made by `stepgate migrate` first.
set -euo pipefail
database=sqlite
if [ "${1:-}" = --postgres ]; then database=postgres; shift; fi
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
db_password=""
if [ "$database" = postgres ]; then
  : "${STEPGATE_TEST_POSTGRES:?--postgres needs STEPGATE_TEST_POSTGRES (run under scripts/with-postgres.sh)}"
  # The test server trusts loopback, so the password is sent nowhere; it marks the URL.
  db_password="pg-pass-$RANDOM$RANDOM"
  STEPGATE_DATABASE=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(netloc=(p.username or "postgres") + ":" + sys.argv[2] + "@" + p.hostname + ":" + str(p.port)).geturl())' "$STEPGATE_TEST_POSTGRES" "$db_password")
  export STEPGATE_DATABASE
fi
nginx_port=$(free_port)
stepgate_port=$(free_port)
bank_port=$(free_port)
# localhost, not 127.0.0.1: one origin for the bank and Stepgate's pages, as a browser sees it.
base="http://localhost:$nginx_port"
data="$work/data"
if [ "$database" = postgres ]; then
  "$bin" migrate --data "$data" >"$work/migrate.out" 2>&1 || { cat "$work/migrate.out"; exit 1; }
  if grep -qF "$db_password" "$work/migrate.out"; then echo "FAIL migrate printed the database password"; exit 1; fi
fi
password="forward auth passphrase"
secret_alice=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
secret_bob=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
for user in alice bob; do printf '%s\n' "$password" | "$bin" user add "$user" --data "$data" >/dev/null; done
"$bin" factor add alice totp --secret "$secret_alice" --data "$data" >/dev/null
"$bin" factor add bob totp --secret "$secret_bob" --data "$data" >/dev/null
"$bin" client add bank-api --public --redirect-uri http://localhost:9/cb --data "$data" >/dev/null

python3 "$root/scripts/nginx_conf.py" "$root/examples/nginx.conf" "127.0.0.1:$nginx_port" \
  "127.0.0.1:$stepgate_port" "127.0.0.1:$bank_port" >"$work/nginx.conf"
nginx -p "$work" -c "$work/nginx.conf" -g "daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;" &
pids+=($!)
STEPGATE_POLICY="$root/examples/policy.conf" STEPGATE_DEMO_BANK_LISTEN="127.0.0.1:$bank_port" \
  "$bin" serve --data "$data" --listen "127.0.0.1:$stepgate_port" --issuer "$base" --demo 2>"$work/serve.log" &
pids+=($!)
ready=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$stepgate_port/healthz" >/dev/null 2>&1 \
    && curl -fs "$base/healthz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "forward-auth: servers did not start"; cat "$work/serve.log" "$work/nginx-error.log" 2>/dev/null | tail -20
  exit 1
fi
if ! python3 "$root/tests/forward_auth/bank_flow.py" "$base" "$secret_alice" "$secret_bob" "$password"; then
  echo "--- stepgate log (last lines)"; tail -20 "$work/serve.log"
  echo "--- nginx error log"; tail -20 "$work/nginx-error.log" 2>/dev/null || true
  exit 1
fi
# A burst against /token from one client address meets the default per-address limit (300 a
# minute, docs/configuration.md): 601 requests span at most two windows, so one is refused with
# 429, Retry-After and an OAuth error. The address is one no other request here used.
if ! python3 - "127.0.0.1" "$stepgate_port" <<'PY'
import http.client, json, sys
connection = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=10)
for count in range(1, 602):
    connection.request("POST", "/token", body="grant_type=authorization_code&client_id=nobody",
                       headers={"Content-Type": "application/x-www-form-urlencoded", "X-Real-IP": "192.0.2.55"})
    response = connection.getresponse()
    body = response.read()
    if response.status == 429:
        retry = int(response.getheader("Retry-After", "0"))
        error = json.loads(body).get("error")
        if not 1 <= retry <= 60 or error != "slow_down":
            sys.exit(f"429 with Retry-After {retry} and error {error}")
        print(f"forward-auth: burst against /token refused at request {count} (Retry-After {retry} s)")
        sys.exit(0)
    if response.status != 401:
        sys.exit(f"request {count} answered {response.status}")
sys.exit("601 requests and no 429")
PY
then
  echo "FAIL the /token burst"; exit 1
fi
# No secret reached the log: the passwords, the TOTP seeds, the database password.
for secret in "$password" "$secret_alice" "$secret_bob" $db_password; do
  if grep -qF "$secret" "$work/serve.log"; then echo "FAIL a secret reached the server log"; exit 1; fi
done
echo "forward-auth ($database): log holds no secret"
