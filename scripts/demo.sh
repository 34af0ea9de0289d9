#!/usr/bin/env bash
# make demo: the demo bank behind nginx, with Stepgate deciding every request to it
# (examples/nginx.conf, examples/policy.conf), and a demo user (password + TOTP) on first run.
# nginx listens on LISTEN (default 127.0.0.1:8080); Stepgate on its port + 10, the bank on + 11.
set -euo pipefail
data=${1:-data/demo}
listen=${2:-127.0.0.1:8080}
host=${listen%:*}
port=${listen##*:}
stepgate_port=$((port + 10))
bank_port=$((port + 11))
issuer="http://localhost:$port"
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/release/stepgate"
credentials="$data/demo-credentials"

mkdir -p "$data"
chmod 700 "$data"
if [ ! -f "$credentials" ]; then
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
  printf '%s\n' "$password" | "$bin" user add demo --data "$data" >/dev/null
  uri=$("$bin" factor add demo totp --secret "$secret" --data "$data")
  "$bin" client add demo --public --redirect-uri "$issuer/demo/callback" --data "$data" >/dev/null
  umask 077
  printf 'password=%s\nsecret=%s\nuri=%s\n' "$password" "$secret" "$uri" > "$credentials"
fi
# The probe's public client and a second user (examples/probe-stepgate.yaml, docs/probe.md), once.
if ! grep -q '^second_password=' "$credentials"; then
  second_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  second_secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
  printf '%s\n' "$second_password" | "$bin" user add demo2 --data "$data" >/dev/null
  "$bin" factor add demo2 totp --secret "$second_secret" --data "$data" >/dev/null
  "$bin" client add probe --public --redirect-uri "$issuer/probe/callback" --data "$data" >/dev/null
  (umask 077; printf 'second_password=%s\nsecond_secret=%s\n' "$second_password" "$second_secret" >> "$credentials")
fi
# A third user for the probe's brute-force case, which locks it out on purpose, once.
if ! grep -q '^lockout_password=' "$credentials"; then
  lockout_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  lockout_secret=$(python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())')
  printf '%s\n' "$lockout_password" | "$bin" user add demo3 --data "$data" >/dev/null
  "$bin" factor add demo3 totp --secret "$lockout_secret" --data "$data" >/dev/null
  (umask 077; printf 'lockout_password=%s\nlockout_secret=%s\n' "$lockout_password" "$lockout_secret" >> "$credentials")
fi
password=$(sed -n 's/^password=//p' "$credentials")
secret=$(sed -n 's/^secret=//p' "$credentials")
uri=$(sed -n 's/^uri=//p' "$credentials")

# nginx with the example configuration, only the ports replaced; its pid and logs in the data folder.
nginx_dir="$(cd "$data" && pwd)/nginx"
mkdir -p "$nginx_dir"
python3 "$root/scripts/nginx_conf.py" "$root/examples/nginx.conf" "$host:$port" "127.0.0.1:$stepgate_port" \
  "127.0.0.1:$bank_port" > "$nginx_dir/nginx.conf"
nginx -p "$nginx_dir" -c "$nginx_dir/nginx.conf" \
  -g "daemon off; pid $nginx_dir/nginx.pid; error_log $nginx_dir/error.log;" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null || true; wait $nginx_pid 2>/dev/null || true' EXIT

cat <<MSG

  Stepgate demo: a bank behind nginx, every request decided by Stepgate
  ---------------------------------------------------------------------
  Open:           $issuer/bank/
  User:           demo
  Password:       $password
  TOTP secret:    $secret
  otpauth URI:    $uri
  Current code:   python3 scripts/totp.py $secret

  Try: view the balance (password), send 25 EUR (a second factor for exactly that transfer,
  once), add a payee (a second factor from the last 5 minutes). Under "Sign-in methods"
  ($issuer/account) add a passkey, a security key, an authenticator app (QR code) or
  recovery codes, and approve a transfer with each; 2,000 EUR needs a passkey or security key
  that verifies you (aal3).
  The policy is examples/policy.conf; see why with
    $bin audit tail --data $data
  Probe it (second user demo2, demo3 to lock out, client probe; examples/probe-stepgate.yaml expects port 8080):
    eval "\$(scripts/probe-env.sh $data)"; $bin probe --target examples/probe-stepgate.yaml

  Discovery:      $issuer/.well-known/openid-configuration
  Data folder:    $data (delete it to start over)
  E-mail and SMS: printed below as JSON lines (development sinks, codes included)
  Stop with Ctrl-C.

MSG
# E-mail and SMS go to the console sinks (development only: they print codes) unless set otherwise.
# The demo is also the target of `stepgate probe` (examples/probe-stepgate.yaml), which signs one
# user in about a hundred times in two minutes and spends a few failed answers on purpose: the
# rate limits and the failure budget are raised so that runs can follow one another. Set these
# variables to try the defaults (docs/configuration.md).
export STEPGATE_RATE_LIMIT_IP_REQUESTS="${STEPGATE_RATE_LIMIT_IP_REQUESTS:-100000}"
export STEPGATE_RATE_LIMIT_ACCOUNT_REQUESTS="${STEPGATE_RATE_LIMIT_ACCOUNT_REQUESTS:-10000}"
export STEPGATE_ACCOUNT_MAX_FAILURES="${STEPGATE_ACCOUNT_MAX_FAILURES:-40}"
STEPGATE_POLICY="$root/examples/policy.conf" STEPGATE_DEMO_BANK_LISTEN="127.0.0.1:$bank_port" \
  STEPGATE_DELIVERY_EMAIL="${STEPGATE_DELIVERY_EMAIL:-console}" STEPGATE_DELIVERY_SMS="${STEPGATE_DELIVERY_SMS:-console}" \
  "$bin" serve --data "$data" --listen "127.0.0.1:$stepgate_port" --issuer "$issuer" --demo
