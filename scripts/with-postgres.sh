#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, then stops and removes it.
# Usage: scripts/with-postgres.sh CMD [ARG...]
#
# The server runs from a temporary folder on a free port of 127.0.0.1 (and a Unix socket in that
# folder), with fsync off and trust authentication; nothing outside the folder is touched. The
# command gets STEPGATE_TEST_POSTGRES, a libpq URL of the server's `postgres` database as the
# `postgres` user (tests create their own schemas in it), and STEPGATE_TEST_POSTGRES_CONTROL, a
# script that takes `stop` (a fast shutdown: open connections are cut) or `start` (the same folder,
# port and settings), for tests of a database restart. The server is stopped and the folder
# removed when the command ends, fails, or the script is interrupted. As root, the server runs as
# the `postgres` system user (PostgreSQL refuses to run as root). The command's status is the
# script's status.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 CMD [ARG...]" >&2; exit 2; }

pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$pgbin/initdb" ] || { echo "with-postgres: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/stepgate-pg.XXXXXX)
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  run_as=(runuser -u postgres --)
fi

started=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$started" ]; then
    "${run_as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port: bind port 0 and read back what the kernel chose (a small race remains until the
# server binds it; pg_ctl then fails and the script with it).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

"${run_as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync --no-locale -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
started=yes
options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
# The control script: every value is quoted with %q, so the folder's name cannot break it.
{
  echo '#!/usr/bin/env bash'
  echo 'set -euo pipefail'
  printf 'pg_ctl=('; printf '%q ' "${run_as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30
  echo ')'
  echo 'case "${1:-}" in'
  echo '  stop) "${pg_ctl[@]}" -m fast stop >/dev/null ;;'
  printf '  start) "${pg_ctl[@]}" -o %q start >/dev/null ;;\n' "$options"
  echo '  *) echo "usage: $0 stop|start" >&2; exit 2 ;;'
  echo 'esac'
} >"$dir/control"
chmod 755 "$dir/control"
"$dir/control" start || { cat "$dir/server.log" >&2; exit 1; }

export STEPGATE_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
export STEPGATE_TEST_POSTGRES_CONTROL="$dir/control"
# The command runs in the background so that a signal to this script is handled at once (bash
# runs traps only between commands, and `wait` is one): the command is stopped (SIGTERM; a
# background job ignores SIGINT), then the server.
"$@" &
child=$!
stop_child() { kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit "$1"; }
trap 'stop_child 130' INT
trap 'stop_child 143' TERM
status=0
wait "$child" || status=$?
exit "$status"
