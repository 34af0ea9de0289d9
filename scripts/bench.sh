#!/usr/bin/env bash
# make bench: discovery, JWKS, the token endpoint (refresh grant) and the decision endpoint
# (/decide, as nginx auth_request calls it) of a release stepgate against nginx returning a
# fixed 200, in one run; the decision endpoint's latency at half its maximum rate; ES256 against
# `openssl speed`; the in-process figures of stepgate-bench. Prints figures and ratios; never
# fails on them (it stops only when /decide does not answer 200, so that no figure is measured on
# error responses). Loopback only; every server it starts is stopped on exit. docs/benchmarks.md
# explains each figure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/release/stepgate"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
duration=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# nginx: return 200 on its own port, logs off.
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$nginx_port; location / { return 200 "ok"; } }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

# The decision policy: the demo bank's (examples/policy.conf) and 44 more actions in the shape
# of a real API, 50 in all; the same text as DecisionBenchmark.policyText in stepgate-bench.
policy="$work/policy.conf"
cp "$root/examples/policy.conf" "$policy"
methods=(GET POST PUT DELETE)
for ((n = 0; n < 44; n++)); do
  printf '\n[action.extra%d]\nmethod = %s\npath = /api/r%d/item%d/{id}\n' \
    "$n" "${methods[n % 4]}" $((n % 13)) "$n" >>"$policy"
  printf 'level = aal%d\nrule = risk >= 50 -> level aal3\n' $((1 + n % 2)) >>"$policy"
done
policy_summary=$("$bin" policy check "$policy")

# stepgate with a user and a public client. Sign-ins are not measured: argon2 runs at its lowest
# cost, so that the TOTP rounds can start thousands of sign-ins quickly (the server would rehash
# a cheaper hash to its configured cost at each sign-in). A flow allows 100 answers and an account
# 10,000 failures per window (the maximums), as privacyIDEA's token had its failure limit raised.
# The rate limits stay on (their counting is part of each request's cost) at their maximums,
# 1,000,000 per address and per account per window: wrk sends every request from one address.
port=$(free_port)
issuer="http://127.0.0.1:$port"
data="$work/data"
export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
export STEPGATE_RATE_LIMIT_IP_REQUESTS=1000000 STEPGATE_RATE_LIMIT_ACCOUNT_REQUESTS=1000000
printf 'bench password 123\n' | "$bin" user add bench --data "$data" >/dev/null
"$bin" client add bench --public --redirect-uri http://localhost:9/cb --data "$data" >/dev/null
STEPGATE_LOG_LEVEL=warning STEPGATE_POLICY="$policy" STEPGATE_FLOW_MAX_ATTEMPTS=100 \
  STEPGATE_ACCOUNT_MAX_FAILURES=10000 \
  "$bin" serve --data "$data" --listen "127.0.0.1:$port" --issuer "$issuer" 2>"$work/serve.log" &
pids+=($!)
server_pid=$!
for _ in $(seq 1 100); do
  curl -fs "$issuer/healthz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$nginx_port/" >/dev/null 2>&1 && break
  sleep 0.1
done

# One refresh-token family per connection: each answer carries the next token. wrk calls
# request() once per thread before it starts, to check the script: one more token per thread.
python3 "$root/scripts/bench_seed.py" "$issuer" bench "bench password 123" $((connections + 2)) > "$work/tokens"

cat > "$work/refresh.lua" <<'LUA'
local tokens, queue = {}, {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  local threads = tonumber(args[2])
  local index = 0
  for line in io.lines(args[1]) do
    if index % threads == id - 1 then table.insert(queue, line) end
    index = index + 1
  end
end
function request()
  local token = table.remove(queue, 1) or "exhausted"
  return wrk.format("POST", "/token", {["Content-Type"] = "application/x-www-form-urlencoded"},
    "grant_type=refresh_token&client_id=bench&refresh_token=" .. token)
end
function response(status, headers, body)
  local token = body:match('"refresh_token":"([^"]+)"')
  if token then table.insert(queue, token) end
end
LUA

# /decide as nginx auth_request sends it (examples/nginx.conf): the original method and URI,
# the host, the client address, and the browser's own headers with its cookies. wrk runs on
# loopback, which `http.trusted_proxies` trusts by default, as it would trust nginx there.
# Each request carries the next of a few signed-in aal1 sessions, as nginx's keep-alive
# connections to Stepgate carry many users' requests. The cookies stay in $work, never printed.
sessions=8
python3 "$root/scripts/bench_seed.py" "$issuer" bench "bench password 123" "$sessions" session \
  >"$work/sessions"
decide_headers=(
  -H "X-Original-Method: GET" -H "X-Original-URI: /bank/" -H "X-Forwarded-Host: localhost"
  -H "X-Real-IP: 127.0.0.1" -H "Host: stepgate"
  -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
  -H "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
  -H "Accept-Language: en-GB,en;q=0.5"
)
printf '%s\n' "${decide_headers[@]}" | grep -v '^-H$' >"$work/decide.headers" # for bench_cluster.sh
# Every session must be allowed under the policy's action (not as an unmatched request), or
# the figures would measure refusals.
while IFS= read -r cookie; do
  answer=$(curl -s -o /dev/null -D - -w '%{http_code}' "${decide_headers[@]}" -H "Cookie: $cookie" \
    "$issuer/decide" | tr -d '\r')
  status=$(tail -n 1 <<<"$answer")
  decision=$(awk -F': ' 'tolower($1) == "x-stepgate-decision" {print $2}' <<<"$answer")
  action=$(awk -F': ' 'tolower($1) == "x-stepgate-action" {print $2}' <<<"$answer")
  if [ "$status" != 200 ] || [ "$decision" != allow ] || [ "$action" != view_balance ]; then
    echo "bench: GET /decide for a seeded session answered $status (decision '${decision:-none}'," \
      "action '${action:-none}'), expected 200 allow view_balance; not measuring error responses." >&2
    echo "bench: the last lines of the server's log:" >&2
    tail -n 5 "$work/serve.log" >&2 || true
    exit 1
  fi
done <"$work/sessions"

cp "$root/scripts/lua/decide.lua" "$work/decide.lua"
# Pacing, appended for the paced run only (a delay() function slows every wrk request). wrk
# waits delay() whole milliseconds between a response and the connection's next request; the
# wanted delay (connections * 1000 / rate, less the measured overhead) has a fraction, so each
# delay is the whole part plus one with the fraction's probability.
cat "$work/decide.lua" "$root/scripts/lua/pace.lua" >"$work/paced.lua"
# run NAME URL [WRK OPTIONS...] [-- SCRIPT ARGS...]: one wrk round of $duration seconds;
# prints "NAME req/s p50 p99 non-2xx".
run() {
  local name=$1 url=$2
  shift 2
  local options=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    options+=("$1")
    shift
  done
  local out
  out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "${options[@]}" "$url" "$@" 2>&1)
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$name ${rps:-0} ${p50:--} ${p99:--} ${non2xx:-0}"
}
milliseconds() { # wrk's latency (850.00us, 1.20ms, 1.01s) in ms
  awk -v t="$1" 'BEGIN {
    v = t + 0
    if (t ~ /us$/) v /= 1000
    else if (t ~ /m$/) v *= 60000
    else if (t ~ /[^m]s$/) v *= 1000
    printf "%.3f", v }'
}
decide=(-s "$work/decide.lua" "${decide_headers[@]}" -- "$work/sessions")

echo "policy: ${policy_summary#"$policy": }; $sessions signed-in aal1 sessions, one per request in turn"
echo "measuring ${duration}s per target, 2 wrk threads, $connections connections; rounds interleave with nginx"
results=()
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")
results+=("$(run discovery "$issuer/.well-known/openid-configuration")")
results+=("$(run jwks "$issuer/jwks.json")")
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")
results+=("$(run token-refresh "$issuer/token" -s "$work/refresh.lua" -- "$work/tokens" 2)")
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")
results+=("$(run decide "$issuer/decide" "${decide[@]}")")
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")

nginx_rps=$(printf '%s\n' "${results[@]}" | awk '$1 == "nginx" {sum += $2; n++} END {printf "%.0f", sum / n}')
printf '\n%-14s %12s %10s %10s %8s %16s\n' target "req/s" p50 p99 non-2xx "ratio to nginx"
for line in "${results[@]}"; do
  read -r name rps p50 p99 non2xx <<<"$line"
  ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.3f", a / b}')
  printf '%-14s %12s %10s %10s %8s %16s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "$ratio"
  [ "$non2xx" = 0 ] || echo "  warning: $name had $non2xx non-2xx answers; its figures include them"
done
echo "(nginx mean of its rounds: $nginx_rps req/s; targets: discovery, JWKS and decide >= 0.6)"

# The decision endpoint at half its maximum rate. wrk has no fixed-rate mode: paced.lua waits
# between a response and the connection's next request. A short first run measures what each
# request adds to that wait (latency, timer); the measured run subtracts it.
decide_max=$(printf '%s\n' "${results[@]}" | awk '$1 == "decide" {print $2}')
target=$(awk -v r="$decide_max" 'BEGIN {printf "%.0f", r / 2}')
wait_ms=$(awk -v c="$connections" -v r="$target" 'BEGIN {printf "%.3f", c * 1000 / r}')
calibration=$(duration=3 run calibration "$issuer/decide" -s "$work/paced.lua" "${decide_headers[@]}" \
  -- "$work/sessions" "$wait_ms")
read -r _ calibrated _ <<<"$calibration"
overhead=$(awk -v c="$connections" -v a="$calibrated" -v w="$wait_ms" \
  'BEGIN {o = 0; if (a > 0) o = c * 1000 / a - w; if (o < 0) o = 0; printf "%.3f", o}')
wait_ms=$(awk -v w="$wait_ms" -v o="$overhead" 'BEGIN {w -= o; if (w < 0) w = 0; printf "%.3f", w}')
paced=$(run decide-paced "$issuer/decide" -s "$work/paced.lua" "${decide_headers[@]}" \
  -- "$work/sessions" "$wait_ms")
read -r _ paced_rps paced_p50 paced_p99 paced_non2xx <<<"$paced"
p99_ms=$(milliseconds "$paced_p99")
echo
echo "decide at half its maximum rate: target $target req/s (half of $decide_max), achieved $paced_rps req/s"
printf '  p50 %s ms, p99 %s ms, non-2xx %s (target: p99 < 2 ms)\n' "$(milliseconds "$paced_p50")" "$p99_ms" \
  "$paced_non2xx"
[ "$paced_non2xx" = 0 ] || echo "  warning: $paced_non2xx non-2xx answers; the figures include them"
echo "  (paced with a wrk delay() of $wait_ms ms on average per connection between a response and the next"
echo "   request: $connections connections x 1000 / target, less $overhead ms per request measured in a 3 s"
echo "   calibration run; wrk waits whole ms, so each wait rounds up at random with the fraction's"
echo "   probability. Latency runs from send to response; wrk does not correct for coordinated omission.)"

echo
ours=$(cd "$root" && .build/release/stepgate-bench 3)
theirs=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa/ {print $(NF-1), $NF}')
read -r openssl_sign openssl_verify <<<"$theirs"
our_sign=$(echo "$ours" | awk '/es256_sign_per_s/ {print $2}')
our_verify=$(echo "$ours" | awk '/es256_verify_per_s/ {print $2}')
printf '%-14s %12s %12s %8s\n' ES256 stepgate openssl ratio
printf '%-14s %12s %12s %8s\n' "sign/s" "$our_sign" "$openssl_sign" "$(awk -v a="$our_sign" -v b="$openssl_sign" 'BEGIN {printf "%.3f", a / b}')"
printf '%-14s %12s %12s %8s\n' "verify/s" "$our_verify" "$openssl_verify" "$(awk -v a="$our_verify" -v b="$openssl_verify" 'BEGIN {printf "%.3f", a / b}')"
echo "(targets: >= 0.9 of openssl speed ecdsap256)"
echo "$ours" | awk '/totp_check_per_s/ {print "TOTP checks/s (3 steps each, one core):", $2}'

figure() { echo "$ours" | awk -v key="$1" '$1 == key {print $2}'; }
handler_us=$(figure decision_handler_us)
policy_10=$(figure policy_decision_ns_10_actions)
policy_100=$(figure policy_decision_ns_100_actions)
policy_1000=$(figure policy_decision_ns_1000_actions)
echo
echo "In process, one thread (stepgate-bench; no network, no HTTP parsing):"
printf '  %-52s %10s us  (%s per second)\n' "decision handler, aal1 session, 50 actions" "$handler_us" \
  "$(awk -v u="$handler_us" 'BEGIN {printf "%.0f", 1e6 / u}')"
printf '  %-52s %10s us  (target < 20)\n' "risk evaluation alone" "$(figure risk_evaluate_us)"
printf '  %-52s %10s ns\n' "policy decision (match, rules, decide), 10 actions" "$policy_10"
printf '  %-52s %10s ns\n' "policy decision, 100 actions" "$policy_100"
printf '  %-52s %10s ns\n' "policy decision, 1,000 actions" "$policy_1000"
printf '  %-52s %10s     (target: nearly flat, about 1)\n' "policy decision, ratio 1,000 / 10 actions" \
  "$(awk -v a="$policy_1000" -v b="$policy_10" 'BEGIN {printf "%.2f", a / b}')"

# --- The TOTP check: Stepgate's answer to a TOTP step against privacyIDEA's /validate/check ---
# Measured as privacyIDEA's reference measurement was (docs/benchmarks.md, "privacyIDEA"): wrk
# -t2 -c16 --timeout 10s, 15 s rounds (BENCH_PI_SECONDS) after a 3 s warm-up that is discarded,
# a fixed wrong code that is not valid within +-20 min, and nginx measured with the same POST
# script. Both sides check the same RFC 6238 seed. The answers are counted by kind in Lua.
echo
echo "TOTP check: Stepgate's TOTP answer (POST /api/login) and privacyIDEA 3.14's /validate/check"
pi_duration=${BENCH_PI_SECONDS:-15}
totp_users=${BENCH_TOTP_USERS:-2000}
totp_secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ # base32 of RFC 6238's SHA-1 seed "12345678901234567890"
# The code of the current step (valid), and one that no step within +-20 min has (wrong).
totp_codes() {
  python3 - <<'PY'
import hmac, struct, time
key = b"12345678901234567890"
def code(step):
    digest = hmac.new(key, struct.pack(">Q", step), "sha1").digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
now = int(time.time()) // 30
near = {code(step) for step in range(now - 40, now + 41)}
wrong = next("%06d" % n for n in range(123456, 1000000) if "%06d" % n not in near)
print(code(now), wrong)
PY
}
read -r valid_code wrong_code <<<"$(totp_codes)"

cat >"$work/answers.lua" <<'LUA'
-- Counts the answers by kind in each thread; done() sums them. Sets the request from the
-- script's arguments: MODE FILE CODE THREADS, MODE being stepgate-valid, stepgate-wrong or
-- privacyidea (FILE and THREADS unused then: the body is fixed).
local threads, counter = {}, 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
local function uptime()
  local file = io.open("/proc/uptime")
  local seconds = file:read("*n")
  file:close()
  return seconds
end
local flows, sent, mode, code, stopped = {}, 0, nil, nil, false
function init(args)
  mode, code = args[1], args[3]
  accepted, rejected, other, first, last = 0, 0, 0, uptime(), 0
  if mode == "privacyidea" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.body = "user=alice&realm=benchrealm&pass=" .. code
    return
  end
  local count, index = tonumber(args[4]), 0
  for line in io.lines(args[2]) do
    if index % count == id - 1 then
      local cookie, flow = line:match("^(.-)\t(.+)$")
      table.insert(flows, {cookie, flow})
    end
    index = index + 1
  end
end
function request()
  if mode == nil or mode == "privacyidea" then return wrk.format() end
  -- A valid code completes its flow: each flow is answered once. A wrong one costs one of the
  -- flow's 100 attempts: each flow is answered 99 times, in turn.
  local limit = mode == "stepgate-valid" and #flows or #flows * 99
  if sent >= limit then
    stopped = true
    wrk.thread:stop()
    return wrk.format("GET", "/healthz")
  end
  local flow = flows[sent % #flows + 1]
  sent = sent + 1
  return wrk.format("POST", "/api/login", {["Content-Type"] = "application/json", ["Cookie"] = flow[1]},
    '{"flow":"' .. flow[2] .. '","otp":"' .. code .. '"}')
end
function response(status, headers, body)
  if stopped then return end
  if body:find('"authentication":%s*"ACCEPT"') or (status == 200 and body:find('"status":"complete"', 1, true)) then
    accepted = accepted + 1
  elseif body:find('"authentication":%s*"REJECT"') or (status == 400 and body:find("authentication_failed", 1, true)) then
    rejected = rejected + 1
  else
    other = other + 1
  end
  last = uptime()
end
function done(summary, latency, requests)
  local a, r, o, from, to = 0, 0, 0, math.huge, 0
  for _, thread in ipairs(threads) do
    a, r, o = a + thread:get("accepted"), r + thread:get("rejected"), o + thread:get("other")
    from, to = math.min(from, thread:get("first")), math.max(to, thread:get("last"))
  end
  io.write(string.format("answers accepted %d rejected %d other %d seconds %.2f\n", a, r, o, to - from))
end
LUA
# answers NAME URL SECONDS MODE [FILE]: one wrk round; prints "NAME answers/s accepted rejected
# other p50 p99 non-2xx". The rate counts answers between the first request and the last response
# (/proc/uptime, 10 ms steps), so a round whose flows run out early is still right.
answers() {
  local name=$1 url=$2 seconds=$3 mode=$4 file=${5:-none} out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s "$work/answers.lua" "$url" \
    -- "$mode" "$file" "$code" 2 2>&1)
  awk -v name="$name" '
    /^answers/ {a = $3; r = $5; o = $7; s = $9}
    $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} /Non-2xx/ {n = $5}
    /Requests\/sec/ {rps = $2}
    END {
      total = a + r + o
      rate = (s > 0) ? total / s : rps + 0
      printf "%s %.1f %d %d %d %s %s %d\n", name, rate, a, r, o, (p50 ? p50 : "-"), (p99 ? p99 : "-"), n + 0 }' <<<"$out"
}
totp=()
code=$wrong_code
totp+=("$(answers nginx-post "http://127.0.0.1:$nginx_port/validate/check" "$pi_duration" privacyidea)")

# Stepgate: users t0000... with a TOTP factor on the shared seed (stepgate-bench seed, beside the
# running server), then per user one aal2 sign-in at its TOTP step for the valid round and one for
# the wrong round. One valid code per user and step: a second use is a replay.
printf 'bench password 123\n' | "$root/.build/release/stepgate-bench" seed users "$data" "$totp_users" t "$totp_secret"
for kind in valid wrong; do
  printf 'bench password 123\n' | python3 "$root/scripts/bench_flows.py" "$issuer" bench t "$totp_users" 0 \
    >"$work/flows-$kind"
done
read -r valid_code _ <<<"$(totp_codes)" # now: seeding took a while
code=$valid_code
totp+=("$(answers stepgate-valid "$issuer/api/login" "$duration" stepgate-valid "$work/flows-valid")")
code=$wrong_code
totp+=("$(answers stepgate-wrong "$issuer/api/login" "$duration" stepgate-wrong "$work/flows-wrong")")

# Complete step-ups (a new browser: /authorize, password, TOTP, code exchanged at /token), as
# many as scripts/soak_driver.py gets through with 8 threads in $duration seconds. Its users
# have a code of their own per step: enough of them that none comes twice.
stepup_users=$((duration * 800))
printf 'bench password 123\n' | "$root/.build/release/stepgate-bench" seed users "$data" "$stepup_users" f "$totp_secret"
printf 'bench password 123\n' | python3 "$root/scripts/soak_driver.py" "$issuer" bench f "$stepup_users" \
  "$duration" 0 8 "$work/stepups.json" >/dev/null
read -r sg_complete sg_complete_failed < <(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print(r["rate"], r["failed"])' "$work/stepups.json")
echo "complete step-ups (password, TOTP, code, token; 8 Python threads): $sg_complete/s, $sg_complete_failed failed"

# privacyIDEA: installed and set up once in the cache (STEPGATE_BENCH_CACHE); its token is
# enrolled again and its failure counter reset before each run. 2 sync workers.
pi_status="not measured"
pi_site="${STEPGATE_BENCH_CACHE:-$root/.build/bench-cache}/privacyidea-site"
if pi_reason=$("$root/scripts/privacyidea.sh" install 2>&1) && pi_reason=$("$root/scripts/privacyidea.sh" setup "$pi_site" 2>&1); then
  pi_port=$(free_port)
  "$root/scripts/privacyidea.sh" serve "$pi_site" "$pi_port" 2>"$work/gunicorn.log" &
  pids+=($!)
  for _ in $(seq 1 300); do curl -fs -o /dev/null "http://127.0.0.1:$pi_port/" 2>/dev/null && break; sleep 0.1; done
  if pi_reason=$("$root/scripts/privacyidea.sh" enrol "$pi_site" "$pi_port" 2>&1); then
    check=$(curl -s -X POST "http://127.0.0.1:$pi_port/validate/check" -d user=alice -d realm=benchrealm \
      -d "pass=$wrong_code")
    if grep -q '"authentication": *"REJECT"' <<<"$check"; then
      answers warm-up "http://127.0.0.1:$pi_port/validate/check" 3 privacyidea >/dev/null
      totp+=("$(answers privacyidea-wrong "http://127.0.0.1:$pi_port/validate/check" "$pi_duration" privacyidea)")
      pi_status=measured
    else
      pi_reason="a wrong code was not answered with REJECT"
    fi
  fi
fi
[ "$pi_status" = measured ] || echo "privacyIDEA not measured: $pi_reason"
totp+=("$(answers nginx-post "http://127.0.0.1:$nginx_port/validate/check" "$pi_duration" privacyidea)")

nginx_post=$(printf '%s\n' "${totp[@]}" | awk '$1 == "nginx-post" {sum += $2; n++} END {printf "%.0f", sum / n}')
printf '\n%-18s %10s %9s %9s %7s %9s %9s %8s %14s\n' target "answers/s" accepted rejected other p50 p99 \
  non-2xx "x nginx POST"
for line in "${totp[@]}"; do
  read -r name rate accepted rejected other p50 p99 non2xx <<<"$line"
  printf '%-18s %10s %9s %9s %7s %9s %9s %8s %14s\n' "$name" "$rate" "$accepted" "$rejected" "$other" "$p50" \
    "$p99" "$non2xx" "$(awk -v a="$rate" -v b="$nginx_post" 'BEGIN {printf "%.5f", a / b}')"
done
figure_of() { printf '%s\n' "${totp[@]}" | awk -v n="$1" '$1 == n {print $2}'; }
sg_valid=$(figure_of stepgate-valid)
sg_wrong=$(figure_of stepgate-wrong)
pi_wrong=$(figure_of privacyidea-wrong)
echo "(nginx POST: the mean of its rounds, $nginx_post req/s, with privacyIDEA's wrong-code script;"
echo " stepgate-valid completes one aal2 sign-in per answer: $totp_users users, one flow each)"
if [ -n "$pi_wrong" ]; then
  echo "Stepgate wrong / privacyIDEA wrong: $(awk -v a="$sg_wrong" -v b="$pi_wrong" 'BEGIN {printf "%.0f", a / b}') x;" \
    "Stepgate valid (complete) / privacyIDEA wrong: $(awk -v a="$sg_valid" -v b="$pi_wrong" 'BEGIN {printf "%.0f", a / b}') x"
fi

# --- Memory per 100,000 active sessions ---
# Sessions live in the store, not in the server's memory: this measures what holding and using
# them costs the server process (RSS) and the database. stepgate-bench inserts the sessions
# beside the running server (signed in with a password, aal1); one decide round then cycles
# through all of them, so every session is read at least once.
echo
memory_sessions=${BENCH_SESSIONS:-100000}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
db_kib() { du -sk "$data"/stepgate.db* | awk '{sum += $1} END {print sum}'; }
rss_before=$(rss_kib "$server_pid")
db_before=$(db_kib)
seed_start=$(date +%s.%N)
"$root/.build/release/stepgate-bench" seed sessions "$data" "$memory_sessions" bench "$work/many-sessions" \
  "$memory_sessions"
seed_seconds=$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
db_after=$(db_kib) # before the round, whose audit records would count too
memory_round=$(run decide-100k "$issuer/decide" -s "$work/decide.lua" "${decide_headers[@]}" -- "$work/many-sessions")
rss_after=$(rss_kib "$server_pid")
read -r _ memory_rps _ _ memory_non2xx <<<"$memory_round"
rss_per_100k=$(awk -v a="$rss_before" -v b="$rss_after" -v n="$memory_sessions" 'BEGIN {printf "%.1f", (b - a) / 1024 * 100000 / n}')
db_per_100k=$(awk -v a="$db_before" -v b="$db_after" -v n="$memory_sessions" 'BEGIN {printf "%.1f", (b - a) / 1024 * 100000 / n}')
echo "Memory: $memory_sessions sessions inserted in ${seed_seconds}s, then decide cycling through all of them:" \
  "$memory_rps req/s, non-2xx $memory_non2xx"
echo "  server RSS $((rss_before / 1024)) MiB -> $((rss_after / 1024)) MiB: $rss_per_100k MiB per 100,000 sessions"
echo "  database (SQLite file and WAL) $((db_before / 1024)) MiB -> $((db_after / 1024)) MiB: $db_per_100k MiB per 100,000 sessions"
[ "$memory_non2xx" = 0 ] || echo "  warning: $memory_non2xx non-2xx answers (sessions not allowed?)"

# --- One node and two nodes on PostgreSQL ---
# Both behind nginx (round robin over keep-alive upstream connections), so the proxy's cost is in
# both figures; one node without nginx for reference. On a 2-core machine a second node shares
# the same two cores with the first, nginx, PostgreSQL and wrk: it cannot double the throughput.
echo
echo "One node and two nodes on PostgreSQL (behind nginx, round robin):"
cluster=()
if cluster_out=$("$root/scripts/with-postgres.sh" "$root/scripts/bench_cluster.sh" "$work" 2>"$work/cluster.err"); then
  mapfile -t cluster <<<"$cluster_out"
  printf '%-26s %12s %10s %10s %8s\n' round "req/s" p50 p99 non-2xx
  for line in "${cluster[@]}"; do
    read -r name rps p50 p99 non2xx <<<"$line"
    printf '%-26s %12s %10s %10s %8s\n' "$name" "$rps" "$p50" "$p99" "$non2xx"
  done
else
  echo "  not measured: $(tail -n 1 "$work/cluster.err")"
fi
cluster_of() { printf '%s\n' "${cluster[@]}" | awk -v n="$1" '$1 == n {print $2}'; }
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN {if (a == "" || b == "" || b + 0 == 0) print "-"; else printf f, a / b}'; }
cluster_decide_1=$(cluster_of cluster-decide-1)
cluster_decide_2=$(cluster_of cluster-decide-2)
cluster_refresh_1=$(cluster_of cluster-refresh-1)
cluster_refresh_2=$(cluster_of cluster-refresh-2)
[ ${#cluster[@]} -eq 0 ] || echo "  two nodes / one node: decide $(ratio "$cluster_decide_2" "$cluster_decide_1" %.2f) x," \
  "token-refresh $(ratio "$cluster_refresh_2" "$cluster_refresh_1" %.2f) x (2 cores: a second node cannot double it)"

# --- The results, one table ---
of() { printf '%s\n' "${results[@]}" | awk -v n="$1" '$1 == n {print $2}'; }
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {if (v == "" || v == "-") {print "-"; exit}
  ok = (op == ">=") ? (v + 0 >= t) : (v + 0 < t); print ok ? "yes" : "no"}'; }
rows=()
row() { rows+=("$1|$2|$3|$4|$5"); }
discovery_rps=$(of discovery)
jwks_rps=$(of jwks)
refresh_rps=$(of token-refresh)
row "nginx return 200 (mean of rounds)" "$nginx_rps req/s" 1 baseline -
row "discovery" "$discovery_rps req/s" "$(ratio "$discovery_rps" "$nginx_rps")" ">= 0.6" \
  "$(met "$(ratio "$discovery_rps" "$nginx_rps")" ">=" 0.6)"
row "JWKS" "$jwks_rps req/s" "$(ratio "$jwks_rps" "$nginx_rps")" ">= 0.6" "$(met "$(ratio "$jwks_rps" "$nginx_rps")" ">=" 0.6)"
row "token-refresh" "$refresh_rps req/s" "$(ratio "$refresh_rps" "$nginx_rps")" "figure only" -
row "decide, 50 actions" "$decide_max req/s" "$(ratio "$decide_max" "$nginx_rps")" ">= 0.6" \
  "$(met "$(ratio "$decide_max" "$nginx_rps")" ">=" 0.6)"
row "decide p99 at half max ($paced_rps req/s)" "$p99_ms ms" - "< 2 ms" "$(met "$p99_ms" "<" 2)"
row "ES256 sign" "$our_sign /s" "$(ratio "$our_sign" "$openssl_sign")" ">= 0.9 x openssl" \
  "$(met "$(ratio "$our_sign" "$openssl_sign")" ">=" 0.9)"
row "ES256 verify" "$our_verify /s" "$(ratio "$our_verify" "$openssl_verify")" ">= 0.9 x openssl" \
  "$(met "$(ratio "$our_verify" "$openssl_verify")" ">=" 0.9)"
row "TOTP checks, in process" "$(figure totp_check_per_s) /s" - "figure only" -
row "decision handler, in process" "$handler_us us" - "figure only" -
row "risk evaluation" "$(figure risk_evaluate_us) us" - "< 20 us" "$(met "$(figure risk_evaluate_us)" "<" 20)"
row "policy 1,000 / 10 actions" "$(ratio "$policy_1000" "$policy_10" %.2f)" - "about 1" -
row "nginx POST (privacyIDEA's script)" "$nginx_post req/s" 1 baseline -
row "Stepgate TOTP answer, valid (step-up completes)" "$sg_valid /s" "$(ratio "$sg_valid" "$nginx_post" %.4f)" \
  "figure only" -
row "Stepgate TOTP answer, wrong code" "$sg_wrong /s" "$(ratio "$sg_wrong" "$nginx_post" %.4f)" "figure only" -
row "privacyIDEA /validate/check, wrong code" "${pi_wrong:-not measured} /s" "$(ratio "$pi_wrong" "$nginx_post" %.5f)" \
  "figure only" -
row "Stepgate complete step-ups (Python driver)" "$sg_complete /s" "$(ratio "$sg_complete" "$nginx_post" %.4f)" \
  "figure only" -
row "Stepgate wrong / privacyIDEA wrong" "$(ratio "$sg_wrong" "$pi_wrong" %.0f) x" - "figure only" -
row "Stepgate valid (complete) / privacyIDEA wrong" "$(ratio "$sg_valid" "$pi_wrong" %.0f) x" - "figure only" -
row "Stepgate complete step-ups / privacyIDEA wrong" "$(ratio "$sg_complete" "$pi_wrong" %.0f) x" - "figure only" -
row "RSS per 100,000 sessions" "$rss_per_100k MiB" - "figure only" -
row "database per 100,000 sessions" "$db_per_100k MiB" - "figure only" -
row "PostgreSQL decide, 1 node / 2 nodes" "${cluster_decide_1:--} / ${cluster_decide_2:--} req/s" \
  "$(ratio "$cluster_decide_2" "$cluster_decide_1" %.2f)" "figure only (2 cores)" -
row "PostgreSQL token-refresh, 1 node / 2 nodes" "${cluster_refresh_1:--} / ${cluster_refresh_2:--} req/s" \
  "$(ratio "$cluster_refresh_2" "$cluster_refresh_1" %.2f)" "figure only (2 cores)" -
echo
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
memory_gib=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
echo "Results ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($cpu_model), $memory_gib GiB," \
  "commit $(cd "$root" && git rev-parse --short HEAD)):"
printf '%-48s %-30s %-8s %-22s %s\n' figure value ratio target met?
for line in "${rows[@]}"; do
  IFS='|' read -r a b c d e <<<"$line"
  printf '%-48s %-30s %-8s %-22s %s\n' "$a" "$b" "$c" "$d" "$e"
done
