#!/usr/bin/env bash
# make demo: a server with a demo user (password + TOTP) and the demo client, on first run.
set -euo pipefail
data=${1:-data/demo}
listen=${2:-127.0.0.1:8080}
port=${listen##*:}
issuer="http://localhost:$port"
bin=.build/release/stepgate
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
password=$(sed -n 's/^password=//p' "$credentials")
secret=$(sed -n 's/^secret=//p' "$credentials")
uri=$(sed -n 's/^uri=//p' "$credentials")

cat <<MSG

  Stepgate demo
  -------------
  Open:           $issuer/demo
  User:           demo
  Password:       $password
  TOTP secret:    $secret
  otpauth URI:    $uri
  Current code:   python3 scripts/totp.py $secret

  Discovery:      $issuer/.well-known/openid-configuration
  Data folder:    $data (delete it to start over)
  Stop with Ctrl-C.

MSG
exec "$bin" serve --data "$data" --listen "$listen" --issuer "$issuer" --demo
