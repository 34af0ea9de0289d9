#!/usr/bin/env bash
# E-mail delivery through the outbox against a real SMTP server (Python's aiosmtpd): STARTTLS with
# a certificate from a test CA made here with openssl, AUTH after TLS, and the refusals that keep
# mail from going out in clear. Each case runs `stepgate notify test` on its own data folder.
# Usage: tests/delivery.sh PATH_TO_STEPGATE
set -uo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.build/smtp-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q "aiosmtpd==1.4.6" || { echo "cannot install aiosmtpd"; exit 1; }
fi
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

# A test CA and a server certificate for 127.0.0.1 and localhost, valid for two days.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=Stepgate test CA" \
  -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/ext" -out "$work/server.pem" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start_smtp() { # start_smtp NAME PORT [--cert ... --key ... --user ...]: runs until the trap stops it
  local name=$1 port=$2
  shift 2
  mkdir -p "$work/$name"
  "$venv/bin/python" "$root/tests/delivery/smtp_server.py" --port "$port" --outdir "$work/$name" \
    --ready "$work/$name.ready" "$@" 2>"$work/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do [ -e "$work/$name.ready" ] && return 0; sleep 0.1; done
  echo "SMTP server $name did not start"; cat "$work/$name.log"; exit 1
}

smtp_password="smtp-pass-$RANDOM-$RANDOM-$RANDOM"
export SMTP_TEST_PASSWORD="$smtp_password"
tls_port=$(free_port)
start_smtp tls "$tls_port" --cert "$work/server.pem" --key "$work/server.key" --user stepgate-mailer
plain_port=$(free_port)
start_smtp plain "$plain_port"
unset SMTP_TEST_PASSWORD

sender=stepgate@stepgate.test
recipient=alice@example.test
notify() { # notify CASE CONFIG_LINES...: runs `notify test` with a fresh data folder and this config
  local name=$1
  shift
  printf '%s\n' "$@" >"$work/$name.conf"
  "$bin" notify test --channel email --to "$recipient" --config "$work/$name.conf" --data "$work/data-$name" \
    >"$work/$name.out" 2>"$work/$name.err"
}
smtp_keys=("delivery.email_from = $sender" "delivery.smtp_username = stepgate-mailer" "delivery.timeout = 10s")

# 1. STARTTLS offered and taken (smtp_tls = try), certificate verified against the test CA,
#    AUTH after TLS with the password from the environment: one message, correct headers.
if STEPGATE_DELIVERY_SMTP_PASSWORD="$smtp_password" notify starttls \
  "delivery.email = smtp://127.0.0.1:$tls_port" "delivery.smtp_ca_file = $work/ca.pem" "${smtp_keys[@]}"; then
  pass
else
  fail "starttls: notify test exited non-zero: $(cat "$work/starttls.err")"
fi
id=$(sed -n 's/^notify: message \([A-Za-z0-9_-]*\) sent by email$/\1/p' "$work/starttls.out")
[ -n "$id" ] && pass || fail "starttls: no message ID in: $(cat "$work/starttls.out")"
if problems=$("$venv/bin/python" "$root/tests/delivery/check_message.py" "$work/tls" "$id" "$sender" "$recipient"); then
  pass
else
  fail "starttls: $problems"
fi
if grep -q -- "$smtp_password" "$work/starttls.out" "$work/starttls.err" "$work/starttls.conf"; then
  fail "the SMTP password was printed"
else
  pass
fi

# 2. smtp_tls = require against a server without STARTTLS: refused before anything is sent,
#    the message stays in the outbox for a retry.
notify require "delivery.email = smtp://127.0.0.1:$plain_port" "delivery.smtp_tls = require" \
  "delivery.email_from = $sender"
status=$?
[ "$status" -eq 1 ] && pass || fail "require: exit status $status, expected 1"
[ "$(wc -l <"$work/require.err")" -eq 1 ] && pass || fail "require: expected a one-line reason"
grep -q "not delivered (tls_unavailable); it stays in the outbox" "$work/require.err" && pass ||
  fail "require: unexpected reason: $(cat "$work/require.err")"
[ -z "$(ls "$work/plain")" ] && pass || fail "require: the plain server received a message in clear"

# 3. Opportunistic STARTTLS with a certificate the client cannot verify (no smtp_ca_file, so the
#    system CAs): the handshake fails and nothing falls back to clear text.
STEPGATE_DELIVERY_SMTP_PASSWORD="$smtp_password" notify untrusted \
  "delivery.email = smtp://127.0.0.1:$tls_port" "${smtp_keys[@]}"
status=$?
[ "$status" -eq 1 ] && pass || fail "untrusted: exit status $status, expected 1"
grep -q "not delivered (tls_failed)" "$work/untrusted.err" && pass ||
  fail "untrusted: unexpected reason: $(cat "$work/untrusted.err")"

# 4. A wrong password is refused by the server and reported with its code.
STEPGATE_DELIVERY_SMTP_PASSWORD="wrong-$smtp_password" notify badauth \
  "delivery.email = smtp://127.0.0.1:$tls_port" "delivery.smtp_ca_file = $work/ca.pem" "${smtp_keys[@]}"
status=$?
[ "$status" -eq 1 ] && pass || fail "badauth: exit status $status, expected 1"
grep -q "not delivered (authentication_failed)" "$work/badauth.err" && pass ||
  fail "badauth: unexpected reason: $(cat "$work/badauth.err")"

# 5. A password is never sent in clear: with credentials, smtp_tls = try still requires STARTTLS.
STEPGATE_DELIVERY_SMTP_PASSWORD="$smtp_password" notify cleartext \
  "delivery.email = smtp://127.0.0.1:$plain_port" "${smtp_keys[@]}"
status=$?
[ "$status" -eq 1 ] && pass || fail "cleartext: exit status $status, expected 1"
grep -q "not delivered (tls_unavailable)" "$work/cleartext.err" && pass ||
  fail "cleartext: unexpected reason: $(cat "$work/cleartext.err")"
[ -z "$(ls "$work/plain")" ] && pass || fail "cleartext: the plain server received a message"

[ "$(ls "$work/tls"/*.eml | wc -l)" -eq 1 ] && pass || fail "the TLS server received more than the one message"

echo "delivery: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
