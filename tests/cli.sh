#!/usr/bin/env bash
# Command-line contract of `stepgate`: exit codes, one-line reasons, and serve's start and stop.
# Usage: tests/cli.sh PATH_TO_STEPGATE
set -uo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0

check() { # check NAME EXPECTED_STATUS COMMAND...
  local name=$1 expected=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local status=$?
  if [ "$status" -eq "$expected" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: status $status, expected $expected"
    sed 's/^/    /' "$work/out" "$work/err" | head -10
  fi
}
contains() { # contains NAME FILE TEXT
  if grep -q -- "$3" "$work/$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: '$3' not in $2"; fi
}
one_line() { # one_line NAME: stderr is exactly one line (usage errors may add help after it)
  if [ "$(head -1 "$work/err" | grep -c '^stepgate: ')" -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $1: no one-line reason"; fi
}

data="$work/data"
export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1

check "help" 0 "$bin" --help
contains "help lists serve" out "serve"
for sub in serve user factor client keys migrate audit policy notify probe; do check "$sub --help" 0 "$bin" $sub --help; done
check "no command" 2 "$bin"
one_line "no command"
check "unknown command" 2 "$bin" frobnicate
one_line "unknown command"
check "unknown option" 2 "$bin" user add bob --colour red --data "$data"
contains "unknown option named" err "unknown option --colour"

check "migrate" 0 "$bin" migrate --data "$data"
contains "migrate names the file" out "database schema up to date: $data/stepgate.db"
check "migrate again" 0 "$bin" migrate --data "$data"
check "migrate positional" 2 "$bin" migrate now --data "$data"
check "user add" 0 sh -c "printf 'a long passphrase\n' | '$bin' user add alice --data '$data'"
check "user add again" 1 sh -c "printf 'a long passphrase\n' | '$bin' user add alice --data '$data'"
one_line "user add again"
contains "taken" err "already taken"
check "user add short password" 1 sh -c "printf 'short\n' | '$bin' user add bob --data '$data'"
contains "password rule" err "8 to 1024"
check "user add no password" 2 sh -c "'$bin' user add carol --data '$data' </dev/null"
check "user add bad name" 1 sh -c "printf 'a long passphrase\n' | '$bin' user add 'bad name' --data '$data'"
if grep -q "a long passphrase" "$work/err" "$work/out"; then failed=$((failed + 1)); echo "FAIL password echoed"; else passed=$((passed + 1)); fi

check "factor add" 0 "$bin" factor add alice totp --secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP --data "$data"
contains "otpauth uri" out "otpauth://totp/"
check "factor add random" 0 "$bin" factor add alice totp --data "$data"
check "factor add bad secret" 2 "$bin" factor add alice totp --secret 'not base32!' --data "$data"
check "factor add unknown user" 1 "$bin" factor add nobody totp --data "$data"
check "factor add unknown kind" 2 "$bin" factor add alice sms --data "$data"

check "client add public" 0 "$bin" client add app --public --redirect-uri http://localhost:3000/cb --data "$data"
check "client add confidential" 0 "$bin" client add shop --redirect-uri https://shop.example/cb --data "$data"
contains "secret shown" out "client secret (shown once)"
check "client add stdin" 0 sh -c "printf '0123456789abcdef0123456789abcdef\n' | '$bin' client add rp --secret-stdin --redirect-uri https://rp.example/cb --data '$data'"
check "client add short secret" 1 sh -c "printf 'short\n' | '$bin' client add rp2 --secret-stdin --redirect-uri https://rp.example/cb --data '$data'"
check "client add no redirect" 2 "$bin" client add x --public --data "$data"
check "client add http redirect" 1 "$bin" client add y --public --redirect-uri http://evil.example/cb --data "$data"
check "client add dpop" 0 "$bin" client add strict --public --dpop --redirect-uri http://localhost:3000/cb --data "$data"
check "client add both" 2 "$bin" client add z --public --secret-stdin --redirect-uri https://z.example/cb --data "$data"

check "keys rotate" 0 "$bin" keys rotate --data "$data"
contains "kid" out "new signing key"
# The first rotation made the first key (none existed); replacing a key that replaced none is
# safe at once, replacing one that a rotation made less than a minute ago is not.
check "keys rotate a first key" 0 "$bin" keys rotate --data "$data"
check "keys rotate again within a minute" 1 "$bin" keys rotate --data "$data"
one_line "rotate again refused in one line"
contains "rotate again refused" err "pass --force"
check "keys rotate --force" 0 "$bin" keys rotate --force --data "$data"
# A signed-in session of alice (as the server would store it), then an administrator's new
# password: the session ends with it.
python3 - "$data/stepgate.db" <<'PY'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
(user,) = db.execute("SELECT id FROM users WHERE name = 'alice'").fetchone()
now = int(time.time())
db.execute("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
           (os.urandom(32), user, now, now, now + 3600))
db.commit()
PY
check "user password" 0 sh -c "printf 'another long passphrase\n' | '$bin' user password alice --data '$data'"
contains "user password ends sessions" out "1 sessions ended"
check "user password again ends none" 0 sh -c "printf 'a third long passphrase\n' | '$bin' user password alice --data '$data'"
contains "no session left" out "0 sessions ended"
check "user password short" 1 sh -c "printf 'short\n' | '$bin' user password alice --data '$data'"
one_line "user password short"
check "user password unknown" 1 sh -c "printf 'another long passphrase\n' | '$bin' user password nobody --data '$data'"
check "user password no password" 2 sh -c "'$bin' user password alice --data '$data' </dev/null"
if grep -q "another long passphrase" "$work/out" "$work/err"; then
  failed=$((failed + 1)); echo "FAIL password echoed"
else passed=$((passed + 1)); fi
check "user disable" 0 "$bin" user disable alice --data "$data"
check "user disable unknown" 1 "$bin" user disable nobody --data "$data"

printf 'listen = nowhere\ncolour = blue\n' > "$work/bad.conf"
check "serve bad config" 2 "$bin" serve --config "$work/bad.conf" --data "$data"
contains "names listen" err "listen"
contains "names colour" err "colour"
check "serve bad listen" 2 "$bin" serve --listen nowhere --data "$data"
check "serve missing config" 2 "$bin" serve --config "$work/none.conf" --data "$data"

chmod 644 "$data/master.key"
check "world-readable master key" 1 "$bin" keys rotate --data "$data"
chmod 600 "$data/master.key"

policy="$root/examples/policy.conf"
cases="$root/examples/policy-cases.conf"
check "policy check ok" 0 "$bin" policy check "$policy"
contains "policy summary" out "6 actions"
printf '[action.a]\nmethod = post\npath = /x\nlevel = aal9\n[action.b]\nmethod = GET\npath = /x\nlevel = aal1\nrule = risk > 500 -> deny\n' >"$work/bad-policy.conf"
check "policy check bad" 1 "$bin" policy check "$work/bad-policy.conf"
one_line "policy check bad"
contains "policy bad method line" err "line 2: action a: method"
contains "policy unknown level line" err "line 4: action a: level"
contains "policy bad rule line" err "line 9: action b: rule"
check "policy check no file" 2 "$bin" policy check
check "policy check unreadable" 2 "$bin" policy check "$work/none.conf"
check "policy unknown action" 2 "$bin" policy frobnicate "$policy"
check "policy test pass" 0 "$bin" policy test "$policy" "$cases"
contains "policy test summary" out "0 failed"
sed 's/^rule = amount > 1000 -> level aal3/rule = amount > 5000 -> level aal3/' "$policy" >"$work/changed-policy.conf"
check "policy test changed decision" 1 "$bin" policy test "$work/changed-policy.conf" "$cases"
contains "policy test names the case" out "FAIL transfer_large"
one_line "policy test changed decision"
printf '[case.x]\nmethod = GET\nexpected = maybe\n' >"$work/bad-cases.conf"
check "policy test bad cases" 1 "$bin" policy test "$policy" "$work/bad-cases.conf"
contains "policy bad case line" err "line 3: case x: expected"
check "policy explain payee" 0 "$bin" policy explain "$policy" method=POST path=/bank/payees acr=aal1
contains "policy explain action" out "action       add_payee"
contains "policy explain signals" out "device.new"
contains "policy explain decision" out "decision     step_up aal2 300"
check "policy explain deny" 0 "$bin" policy explain "$policy" method=POST \
  "path=/bank/transfer?amount=10&currency=EUR&payee=A" acr=aal2 device=absent country=BR \
  location=-23.5,-46.6 last_location=52.5,13.4 last_seen=1h countries=DE
contains "policy explain fired rule" out "risk >= 70 -> deny  \\[fired\\]"
contains "policy explain denied" out "decision     deny rule"
check "policy explain bad words" 1 "$bin" policy explain "$policy" path=/bank device=stolen hunter2
contains "policy explain names the key" err "device: expected known, remembered, unknown or absent"
contains "policy explain bare word" err "word 3: expected KEY=VALUE"
if grep -q hunter2 "$work/err"; then failed=$((failed + 1)); echo "FAIL policy explain echoes a bare word"; else passed=$((passed + 1)); fi
check "policy explain no request" 2 "$bin" policy explain "$policy"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --data "$data" --listen "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
if curl -fs "http://127.0.0.1:$port/.well-known/openid-configuration" | grep -q '"issuer":"http://localhost:'"$port"'"'; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL serve answers discovery"; cat "$work/serve.err"
fi
# Two challenges and one wrong password, for the audit checks below.
challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
authorize="http://127.0.0.1:$port/authorize?response_type=code&client_id=app&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb&scope=openid&code_challenge=$challenge&code_challenge_method=S256&state=s"
curl -s -o /dev/null "$authorize"
flow=$(curl -s -o /dev/null -c "$work/jar" -w '%{redirect_url}' "$authorize" | sed 's/.*flow=//')
curl -s -o /dev/null -b "$work/jar" -H 'Content-Type: application/json' \
  -d '{"flow":"'"$flow"'","username":"alice","password":"wrong-passphrase-xyz"}' "http://127.0.0.1:$port/api/login"
kill -TERM "$server_pid"
wait "$server_pid"
status=$?
server_pid=""
if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL serve stops on SIGTERM (status $status)"; fi
if grep -q '"message":"server stopped"' "$work/serve.err"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL stop logged"; fi
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]' "$work/serve.err"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL log lines are JSON"
fi

# The audit log: written before serve stopped, verified, tampered with, printed.
check "audit verify intact" 0 "$bin" audit verify --data "$data"
contains "audit intact" out "audit: 3 records, chain intact"
check "audit tail" 0 "$bin" audit tail -n 2 --data "$data"
if python3 -c 'import json,sys; lines=open(sys.argv[1]).read().splitlines(); assert len(lines) == 2; [json.loads(l)["hash"] for l in lines]' "$work/out"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL audit tail prints JSON lines"
fi
contains "audit tail kinds" out '"kind":"stepup.failed"'
if grep -q "wrong-passphrase-xyz" "$work/out"; then failed=$((failed + 1)); echo "FAIL password in audit log"; else passed=$((passed + 1)); fi
check "audit tail bad -n" 2 "$bin" audit tail -n 0 --data "$data"
check "audit unknown action" 2 "$bin" audit frobnicate --data "$data"
check "audit no database" 1 "$bin" audit verify --data "$work/nowhere"
one_line "audit no database"
# Someone with write access to the file drops the guard trigger and edits record 2.
python3 - "$data/stepgate.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("DROP TRIGGER audit_records_no_update")
db.execute("""UPDATE audit_records SET fields = replace(fields, '"app"', '"evil"') WHERE seq = 2""")
db.commit()
PY
check "audit verify tampered" 1 "$bin" audit verify --data "$data"
contains "audit names record" out "audit: record 2 broken: hash does not match its content"

check "notify without channel" 2 "$bin" notify test --to alice@example.test --data "$data"
one_line "notify without channel"
check "notify unconfigured channel" 1 "$bin" notify test --channel email --to alice@example.test --data "$data"
one_line "notify unconfigured channel"
contains "notify names the keys" err "delivery.email"
check "notify bad recipient" 1 env STEPGATE_DELIVERY_SMS=file:"$work/sms.jsonl" \
  "$bin" notify test --channel sms --to 0151-12345678 --data "$data"
one_line "notify bad recipient"
check "notify file sink" 0 env STEPGATE_DELIVERY_SMS=file:"$work/sms.jsonl" \
  "$bin" notify test --channel sms --to +4915112345678 --data "$data"
contains "notify file sink wrote" sms.jsonl '"to":"+4915112345678"'
if [ "$(stat -c %a "$work/sms.jsonl")" = 600 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL sink mode"; fi

# http.trusted_proxies over a real socket: a bad entry stops serve at start naming the key; with
# `none`, /decide refuses the caller (403 untrusted_proxy, its address logged) and the per-address
# limit counts the connection, not the X-Real-IP it claims.
check "trusted proxies bad entry" 2 env STEPGATE_HTTP_TRUSTED_PROXIES=10.0.0.1/8 "$bin" serve --data "$data" --listen 127.0.0.1:1
contains "trusted proxies names the key" err "http.trusted_proxies entry 1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its own data folder: the counters of the server above still run in this minute.
STEPGATE_HTTP_TRUSTED_PROXIES=none STEPGATE_RATE_LIMIT_IP_REQUESTS=2 \
  "$bin" serve --data "$work/proxies" --listen "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
decided=$(curl -s -w ' %{http_code}' -H 'X-Original-Method: GET' -H 'X-Original-URI: /' -H 'X-Real-IP: 127.0.0.1' \
  "http://127.0.0.1:$port/decide")
if [ "$decided" = '{"error":"untrusted_proxy"} 403' ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL /decide from an untrusted caller answered: $decided"; fi
statuses=""
for address in 192.0.2.1 192.0.2.2 192.0.2.3; do
  statuses="$statuses $(curl -s -o /dev/null -w '%{http_code}' -H "X-Real-IP: $address" \
    -d 'grant_type=authorization_code&client_id=nobody' "http://127.0.0.1:$port/token")"
done
if [ "$statuses" = " 401 401 429" ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL the per-address limit counted the claimed addresses:$statuses"; fi
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
contains "untrusted caller logged" serve.err '"net.peer.address":"127.0.0.1"'

# stepgate probe: usage and target-file errors are 2, a failed case is 1, reports are written.
check "probe without target" 2 "$bin" probe
one_line "probe without target"
check "probe unknown case" 2 "$bin" probe --only nothing.here --list
contains "probe names the pattern" err "no case matches nothing.here"
check "probe list" 0 "$bin" probe --list --only 'code.*,pkce.missing'
contains "probe lists cases" out "code.replay"
check "probe missing file" 2 "$bin" probe --target "$work/nowhere.yaml"
printf 'issuer: ftp://x\nclient: {id: c}\nuser: {username: u, password: inline-probe-secret}\nextra: 1\n' >"$work/bad.yaml"
check "probe bad target" 2 "$bin" probe --target "$work/bad.yaml"
contains "probe names the key and line" err "extra (line 4): unknown key"
if grep -q "inline-probe-secret" "$work/err" "$work/out"; then failed=$((failed + 1)); echo "FAIL probe echoed a secret"; else passed=$((passed + 1)); fi
check "probe unset variable" 2 env -u PROBE_CLI_PASSWORD "$bin" probe --list --target /dev/stdin <<'YAML'
issuer: http://127.0.0.1:1
client: {id: c, redirect_uri: "http://127.0.0.1:1/cb"}
user: {username: u, password_env: PROBE_CLI_PASSWORD}
YAML
contains "probe names the variable" err "PROBE_CLI_PASSWORD is not set"
printf 'issuer: http://127.0.0.1:1\nclient: {id: c, redirect_uri: "http://127.0.0.1:1/cb"}\nuser: {username: u, password: inline-probe-secret}\n' >"$work/closed.yaml"
check "probe failing case" 1 "$bin" probe --target "$work/closed.yaml" --only code.replay --junit "$work/junit.xml" --out "$work/reports"
contains "probe reports the failure" err "FAIL  code.replay"
contains "probe writes junit" junit.xml 'failures="1"'
contains "probe writes the json report" reports/report.json '"status" : "fail"'
contains "probe writes the html report" reports/report.html '<h1>stepgate probe report</h1>'
if grep -rq "inline-probe-secret" "$work/err" "$work/junit.xml" "$work/reports"; then failed=$((failed + 1)); echo "FAIL probe leaked a secret"; else passed=$((passed + 1)); fi

# --baseline: an unusable file is one line and status 2 before anything runs or is written; a
# case that passed in the baseline and fails now is a regression, summarised and in both reports.
printf 'not json\n' >"$work/bad-baseline.json"
check "probe bad baseline" 2 "$bin" probe --target "$work/closed.yaml" --only code.replay \
  --baseline "$work/bad-baseline.json" --out "$work/not-written" --html "$work/not-written.html"
one_line "probe bad baseline"
contains "probe names the bad baseline" err "bad-baseline.json: is not a stepgate probe JSON report (not JSON)"
if [ -e "$work/not-written" ] || [ -e "$work/not-written.html" ]; then
  failed=$((failed + 1)); echo "FAIL probe wrote a report despite a bad baseline"
else passed=$((passed + 1)); fi
check "probe missing baseline" 2 "$bin" probe --target "$work/closed.yaml" --baseline "$work/nowhere.json"
contains "probe cannot read the baseline" err "nowhere.json: cannot be read"
sed 's/"status" : "fail"/"status" : "pass"/' "$work/reports/report.json" >"$work/passed-baseline.json"
check "probe regression" 1 "$bin" probe --target "$work/closed.yaml" --only code.replay \
  --baseline "$work/passed-baseline.json" --out "$work/compared"
contains "probe summarises the baseline" err "since the baseline of .*: 1 regression, 0 fixed"
contains "probe names the regression" err "regressed: code.replay"
contains "probe html shows the baseline" compared/report.html '<h2>Since the baseline</h2>'
contains "probe json carries the baseline" compared/report.json '"regressions" : \['
check "probe unchanged since the baseline" 1 "$bin" probe --target "$work/closed.yaml" --only code.replay \
  --baseline "$work/reports/report.json"
contains "probe says nothing changed" err "0 regressions, 0 fixed, 0 new, 0 not run, 1 unchanged"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
