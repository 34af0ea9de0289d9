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

# stepgate with a user and a public client; argon2 at its default cost (logins are not measured).
port=$(free_port)
issuer="http://127.0.0.1:$port"
data="$work/data"
printf 'bench password 123\n' | "$bin" user add bench --data "$data" >/dev/null
"$bin" client add bench --public --redirect-uri http://localhost:9/cb --data "$data" >/dev/null
STEPGATE_LOG_LEVEL=warning STEPGATE_POLICY="$policy" \
  "$bin" serve --data "$data" --listen "127.0.0.1:$port" --issuer "$issuer" 2>"$work/serve.log" &
pids+=($!)
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
# the host, the client address, and the browser's own headers with its cookies. Stepgate trusts
# these headers from any caller (a known gap, see Decision/ForwardedRequest.swift): there is no
# trusted-proxy list to configure.
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

cat >"$work/decide.lua" <<'LUA'
local requests, index = {}, 0
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  for cookie in io.lines(args[1]) do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Cookie"] = cookie
    table.insert(requests, wrk.format("GET", "/decide", headers))
  end
  index = id -- threads start at different sessions
  if args[2] then pace(tonumber(args[2])) end
end
function request()
  if #requests == 0 then return wrk.format("GET", "/decide") end -- wrk's check before init
  index = index % #requests + 1
  return requests[index]
end
LUA
# Pacing, appended for the paced run only (a delay() function slows every wrk request). wrk
# waits delay() whole milliseconds between a response and the connection's next request; the
# wanted delay (connections * 1000 / rate, less the measured overhead) has a fraction, so each
# delay is the whole part plus one with the fraction's probability.
cp "$work/decide.lua" "$work/paced.lua"
cat >>"$work/paced.lua" <<'LUA'
local whole, fraction = 0, 0
function pace(milliseconds)
  whole = math.floor(milliseconds)
  fraction = milliseconds - whole
  math.randomseed(id)
end
function delay()
  if math.random() < fraction then return whole + 1 end
  return whole
end
LUA
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
