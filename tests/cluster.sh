#!/usr/bin/env bash
# Two Stepgate nodes behind nginx (round robin) sharing one PostgreSQL database and one master
# key: single-use values (codes, TOTP time-steps, challenges, refresh tokens, transaction grants)
# work once across nodes, also when the two uses race; a node killed mid-flow (SIGKILL) leaves
# the flow to the other; a database restart answers 503 and heals by itself; keys rotate across
# nodes. The checks are in tests/cluster/cluster_test.py (standard library Python).
# Usage: tests/cluster.sh PATH_TO_STEPGATE
#
# Runs itself under scripts/with-postgres.sh (a throwaway server it may stop and start: see
# STEPGATE_TEST_POSTGRES_CONTROL there) unless already under it. Everything listens on free
# loopback ports; the nodes, nginx and the database are stopped on exit, also on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "usage: $0 PATH_TO_STEPGATE" >&2; exit 2; }
if [ -z "${STEPGATE_TEST_POSTGRES_CONTROL:-}" ]; then
  exec "$root/scripts/with-postgres.sh" "$0" "$@"
fi
bin=$(realpath "$1")
work=$(mktemp -d)
nginx_pid=""
# Nodes are started by "$work/node" (the test restarts one), which keeps each pid in a file.
stop_pid() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  for file in "$work"/node-*.pid; do
    [ -f "$file" ] && stop_pid "$(cat "$file")"
  done
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
random_seed() { python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())'; }

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
# The test server trusts loopback, so this password is sent nowhere; it marks the URL, which
# must not reach any output.
db_password="cluster-pg-$RANDOM$RANDOM"
STEPGATE_DATABASE=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(netloc=(p.username or "postgres") + ":" + sys.argv[2] + "@" + p.hostname + ":" + str(p.port)).geturl())' "$STEPGATE_TEST_POSTGRES" "$db_password")
export STEPGATE_DATABASE

nginx_port=$(free_port)
node_a_port=$(free_port)
node_b_port=$(free_port)
bank_port=$(free_port)
base="http://localhost:$nginx_port"
# Each node has a data folder of its own; what they share is the database and the master key.
data_a="$work/data-a"
data_b="$work/data-b"

"$bin" migrate --data "$data_a" >"$work/migrate.out" 2>&1 || { cat "$work/migrate.out"; exit 1; }
password="cluster test passphrase $RANDOM"
# Users: each race or cross-node check spends TOTP time-steps of a user of its own, so no check
# waits for the clock. chal and twin* have two authenticator apps (two TOTP factors).
users=(cross race1 race2 race3 chal twin1 twin2 bank bound1 bound2 bound3 kill outage)
# The seeds go to a file in the private work folder (mktemp -d: mode 0700), never to the output.
echo "{" >"$work/users.json"
first=yes
for user in "${users[@]}"; do
  printf '%s\n' "$password" | "$bin" user add "$user" --data "$data_a" >/dev/null
  secret=$(random_seed)
  "$bin" factor add "$user" totp --secret "$secret" --data "$data_a" >/dev/null
  secrets="\"$secret\""
  if [[ $user == twin* || $user == chal ]]; then
    second=$(random_seed)
    "$bin" factor add "$user" totp --secret "$second" --data "$data_a" >/dev/null
    secrets="$secrets, \"$second\""
  fi
  [ -z "$first" ] && echo "," >>"$work/users.json"
  printf '"%s": [%s]' "$user" "$secrets" >>"$work/users.json"
  first=""
done
echo "}" >>"$work/users.json"
"$bin" client add app --public --redirect-uri http://localhost:9/cb --data "$data_a" >/dev/null
client_secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
printf '%s\n' "$client_secret" | "$bin" client add rp --secret-stdin --redirect-uri http://localhost:9/cb \
  --data "$data_a" >/dev/null
# The second node gets the same master key file (what an operator copies to every node).
mkdir -m 700 "$data_b"
install -m 600 "$data_a/master.key" "$data_b/master.key"

# nginx: examples/nginx.conf with its ports replaced, the Stepgate upstream round robin over
# both nodes. The demo bank runs inside node B (its accounts live in that process).
python3 "$root/scripts/nginx_conf.py" "$root/examples/nginx.conf" "127.0.0.1:$nginx_port" \
  "127.0.0.1:$node_a_port" "127.0.0.1:$bank_port" >"$work/nginx-one.conf"
python3 - "$work/nginx-one.conf" "127.0.0.1:$node_a_port" "127.0.0.1:$node_b_port" >"$work/nginx.conf" <<'PY'
import sys
text = open(sys.argv[1]).read()
one = "upstream stepgate { server %s; keepalive 32; }" % sys.argv[2]
if one not in text:
    sys.exit("cluster: the Stepgate upstream of examples/nginx.conf has changed")
sys.stdout.write(text.replace(one, "upstream stepgate { server %s; server %s; keepalive 32; }" % tuple(sys.argv[2:4])))
PY

# "$work/node a|b start" starts a node in the background (pid in node-X.pid, log appended to
# node-X.log); the test uses it to restart node A after killing it.
cat >"$work/node" <<EOF
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
  a) port=$node_a_port; data=$data_a; extra=() ;;
  b) port=$node_b_port; data=$data_b; extra=(--demo) ;;
  *) echo "usage: \$0 a|b" >&2; exit 2 ;;
esac
if [ "\$1" = b ]; then export STEPGATE_DEMO_BANK_LISTEN=127.0.0.1:$bank_port; fi
STEPGATE_POLICY=$(printf %q "$root/examples/policy.conf") STEPGATE_HTTP_THREADS=4 \\
  $(printf %q "$bin") serve --data "\$data" --listen "127.0.0.1:\$port" --issuer $base "\${extra[@]}" \\
  >>$(printf %q "$work")/node-\$1.log 2>&1 </dev/null &
echo \$! >$(printf %q "$work")/node-\$1.pid
EOF
chmod 755 "$work/node"

nginx -p "$work" -c "$work/nginx.conf" -g "daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;" &
nginx_pid=$!
"$work/node" a
"$work/node" b
ready=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$node_a_port/readyz" >/dev/null 2>&1 \
    && curl -fs "http://127.0.0.1:$node_b_port/readyz" >/dev/null 2>&1 \
    && curl -fs "$base/healthz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "cluster: servers did not start"
  tail -20 "$work/node-a.log" "$work/node-b.log" "$work/nginx-error.log" 2>/dev/null
  exit 1
fi

# In the background, so that a signal is handled at once (bash runs traps only between
# commands, and `wait` is one): the checks are stopped, then everything else.
CLUSTER_PASSWORD="$password" CLUSTER_CLIENT_SECRET="$client_secret" \
  python3 "$root/tests/cluster/cluster_test.py" --bin "$bin" --work "$work" --nginx "$base" \
  --node-a "127.0.0.1:$node_a_port" --node-b "127.0.0.1:$node_b_port" \
  --pg-control "$STEPGATE_TEST_POSTGRES_CONTROL" &
checks=$!
trap 'kill -TERM "$checks" 2>/dev/null || true; exit 130' INT
trap 'kill -TERM "$checks" 2>/dev/null || true; exit 143' TERM
status=0
wait "$checks" || status=$?
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "$status" -ne 0 ]; then
  echo "--- node A log (last lines)"; tail -15 "$work/node-a.log"
  echo "--- node B log (last lines)"; tail -15 "$work/node-b.log"
  echo "--- nginx error log"; tail -10 "$work/nginx-error.log" 2>/dev/null || true
  exit 1
fi

# No secret reached a log or the admin commands' output: the password, the TOTP seeds, the
# client secret, the master key, the database password.
master_key=$(cat "$data_a/master.key")
mapfile -t seeds < <(python3 -c 'import json,sys; [print(s) for v in json.load(open(sys.argv[1])).values() for s in v]' "$work/users.json")
for secret in "$password" "$client_secret" "$master_key" "$db_password" "${seeds[@]}"; do
  for file in "$work"/node-*.log "$work/migrate.out" "$work"/admin-*.out; do
    [ -f "$file" ] || continue
    if grep -qF -- "$secret" "$file"; then echo "FAIL a secret reached $(basename "$file")"; exit 1; fi
  done
done
echo "cluster: logs hold no secret"
