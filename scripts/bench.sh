#!/usr/bin/env bash
# make bench: discovery, JWKS and the token endpoint (refresh grant) of a release stepgate
# against nginx returning a fixed 200, in one run, plus ES256 against `openssl speed`.
# Prints figures and ratios; never fails on them. Loopback only; every server it starts is
# stopped on exit.
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

# stepgate with a user and a public client; argon2 at its default cost (logins are not measured).
port=$(free_port)
issuer="http://127.0.0.1:$port"
data="$work/data"
printf 'bench password 123\n' | "$bin" user add bench --data "$data" >/dev/null
"$bin" client add bench --public --redirect-uri http://localhost:9/cb --data "$data" >/dev/null
STEPGATE_LOG_LEVEL=warning "$bin" serve --data "$data" --listen "127.0.0.1:$port" --issuer "$issuer" 2>"$work/serve.log" &
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

run() { # run NAME URL [SCRIPT ARGS...]
  local name=$1 url=$2
  shift 2
  local out
  if [ $# -gt 0 ]; then
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$1" "$url" -- "${@:2}" 2>&1)
  else
    out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency "$url" 2>&1)
  fi
  local rps p50 p99 non2xx
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$name $rps $p50 $p99 ${non2xx:-0}"
}

echo "measuring ${duration}s per target, 2 wrk threads, $connections connections; rounds interleave with nginx"
results=()
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")
results+=("$(run discovery "$issuer/.well-known/openid-configuration")")
results+=("$(run jwks "$issuer/jwks.json")")
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")
results+=("$(run token-refresh "$issuer/token" "$work/refresh.lua" "$work/tokens" 2)")
results+=("$(run nginx "http://127.0.0.1:$nginx_port/")")

nginx_rps=$(printf '%s\n' "${results[@]}" | awk '$1 == "nginx" {sum += $2; n++} END {printf "%.0f", sum / n}')
printf '\n%-14s %12s %10s %10s %8s %16s\n' target "req/s" p50 p99 non-2xx "ratio to nginx"
for line in "${results[@]}"; do
  read -r name rps p50 p99 non2xx <<<"$line"
  ratio=$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN {printf "%.3f", a / b}')
  printf '%-14s %12s %10s %10s %8s %16s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "$ratio"
done
echo "(nginx mean of its rounds: $nginx_rps req/s; targets: discovery and JWKS >= 0.6)"

echo
ours=$("$root/.build/release/stepgate-bench" 3)
theirs=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa/ {print $(NF-1), $NF}')
read -r openssl_sign openssl_verify <<<"$theirs"
our_sign=$(echo "$ours" | awk '/es256_sign_per_s/ {print $2}')
our_verify=$(echo "$ours" | awk '/es256_verify_per_s/ {print $2}')
printf '%-14s %12s %12s %8s\n' ES256 stepgate openssl ratio
printf '%-14s %12s %12s %8s\n' "sign/s" "$our_sign" "$openssl_sign" "$(awk -v a="$our_sign" -v b="$openssl_sign" 'BEGIN {printf "%.3f", a / b}')"
printf '%-14s %12s %12s %8s\n' "verify/s" "$our_verify" "$openssl_verify" "$(awk -v a="$our_verify" -v b="$openssl_verify" 'BEGIN {printf "%.3f", a / b}')"
echo "(targets: >= 0.9 of openssl speed ecdsap256)"
echo "$ours" | awk '/totp_check_per_s/ {print "TOTP checks/s (3 steps each, one core):", $2}'
echo "$ours" | awk '/risk_evaluate_us/ {print "Risk evaluation per decision (us, one core):", $2, "(target < 20)"}'
