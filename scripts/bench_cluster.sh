#!/usr/bin/env bash
# make bench's cluster figures: the decision endpoint and the refresh grant with one node and with
# two nodes on one PostgreSQL database, behind nginx (round robin, keep-alive upstream
# connections). Run by scripts/bench.sh under scripts/with-postgres.sh, which sets
# STEPGATE_TEST_POSTGRES; WORK is bench.sh's folder (policy.conf, decide.lua, refresh.lua,
# decide.headers). Prints one line per round: "NAME req/s p50 p99 non-2xx". Every process it
# starts is stopped on exit.
#
# Usage: bench_cluster.sh WORK
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.build/release/stepgate"
work=$1
dir="$work/cluster"
mkdir -p "$dir/nginx/logs"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
duration=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mapfile -t header_lines <"$work/decide.headers"
decide_headers=()
for line in "${header_lines[@]}"; do decide_headers+=(-H "$line"); done

export STEPGATE_DATABASE=$STEPGATE_TEST_POSTGRES STEPGATE_LOG_LEVEL=warning STEPGATE_POLICY="$work/policy.conf"
one_port=$(free_port)
two_port=$(free_port)
issuer="http://127.0.0.1:$two_port"
printf 'bench password 123\n' | "$bin" user add bench --data "$dir/data" >/dev/null
"$bin" client add bench --public --redirect-uri http://localhost:9/cb --data "$dir/data" >/dev/null
node_ports=()
for node in a b; do
  node_port=$(free_port)
  node_ports+=("$node_port")
  "$bin" serve --data "$dir/data" --listen "127.0.0.1:$node_port" --issuer "$issuer" 2>"$dir/serve-$node.log" &
  pids+=($!)
done

# nginx: port one_port proxies to node a only, two_port to a and b in turn.
cat >"$dir/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  upstream one { server 127.0.0.1:${node_ports[0]}; keepalive 32; }
  upstream two { server 127.0.0.1:${node_ports[0]}; server 127.0.0.1:${node_ports[1]}; keepalive 32; }
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host \$http_host;
  server { listen 127.0.0.1:$one_port; location / { proxy_pass http://one; } }
  server { listen 127.0.0.1:$two_port; location / { proxy_pass http://two; } }
}
CONF
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for port in "${node_ports[@]}" "$one_port" "$two_port"; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done

python3 "$root/scripts/bench_seed.py" "$issuer" bench "bench password 123" 8 session >"$dir/sessions"
for name in one two; do
  python3 "$root/scripts/bench_seed.py" "$issuer" bench "bench password 123" $((connections + 2)) >"$dir/tokens-$name"
done
while IFS= read -r cookie; do
  for port in "${node_ports[@]}"; do
    decision=$(curl -s -o /dev/null -D - "${decide_headers[@]}" -H "Cookie: $cookie" "http://127.0.0.1:$port/decide" |
      tr -d '\r' | awk -F': ' 'tolower($1) == "x-stepgate-decision" {print $2}')
    [ "$decision" = allow ] || { echo "bench_cluster: a seeded session was not allowed on a node" >&2; exit 1; }
  done
done <"$dir/sessions"

# run NAME URL [WRK OPTIONS...] [-- SCRIPT ARGS...]
run() {
  local name=$1 url=$2 out options=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    options+=("$1")
    shift
  done
  out=$( (wrk -t2 -c"$connections" -d"${duration}s" --latency "${options[@]}" "$url" "$@" 2>&1 || true) |
    awk '/Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} /Non-2xx/ {n = $5}
      END {printf "%s %s %s %d\n", r + 0, (p50 ? p50 : "-"), (p99 ? p99 : "-"), n + 0}')
  echo "$name $out"
}
decide=(-s "$work/decide.lua" "${decide_headers[@]}" -- "$dir/sessions")
run cluster-decide-1-direct "http://127.0.0.1:${node_ports[0]}/decide" "${decide[@]}"
run cluster-decide-1 "http://127.0.0.1:$one_port/decide" "${decide[@]}"
run cluster-decide-2 "http://127.0.0.1:$two_port/decide" "${decide[@]}"
run cluster-refresh-1 "http://127.0.0.1:$one_port/token" -s "$work/refresh.lua" -- "$dir/tokens-one" 2
run cluster-refresh-2 "http://127.0.0.1:$two_port/token" -s "$work/refresh.lua" -- "$dir/tokens-two" 2
