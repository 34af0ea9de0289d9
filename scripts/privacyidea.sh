#!/usr/bin/env bash
# privacyIDEA on loopback for make bench's TOTP comparison, set up as the measurement it is
# compared with was (docs/benchmarks.md, "privacyIDEA"): version 3.14 from PyPI with the
# dependency versions of that measurement pinned, SQLite, a passwd-file resolver with one user
# (alice) holding one TOTP token (SHA-1, 6 digits, 30 s, the RFC 6238 test seed), its failure
# counter limit raised to 10^9, and gunicorn with 2 sync workers.
#
#   privacyidea.sh install           the virtualenv under $STEPGATE_BENCH_CACHE (default
#                                    .build/bench-cache), only when it is missing or incomplete
#   privacyidea.sh setup DIR         configuration, keys, tables, resolver, realm, admin in DIR,
#                                    only when DIR holds no complete setup (it takes a minute)
#   privacyidea.sh serve DIR PORT    gunicorn in the foreground (exec), on 127.0.0.1:PORT
#   privacyidea.sh enrol DIR PORT    the TOTP token for alice (again), its failure limit and
#                                    counter reset, through the running server's API
#
# Exits non-zero with one line on standard error saying why. The admin password is random, kept
# in DIR (mode 0600) and never printed; neither are the JWT or any code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${STEPGATE_BENCH_CACHE:-$root/.build/bench-cache}
venv="$cache/privacyidea-3.14"
# The versions of the reference measurement; the privacyidea wheel pins none of them.
pins=("privacyidea==3.14" "gunicorn==27.0.1" "gevent==26.9.0" "Flask==3.1.3" "SQLAlchemy==2.1.9"
  "cryptography==50.0.2" packaging)
seed_hex=3132333435363738393031323334353637383930 # "12345678901234567890", RFC 6238's SHA-1 seed

fail() { echo "privacyidea: $*" >&2; exit 1; }

install() {
  [ -f "$venv/.complete" ] && return 0
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" || fail "python3 -m venv failed"
  "$venv/bin/pip" install -q --disable-pip-version-check "${pins[@]}" >"$cache/pip.log" 2>&1 ||
    fail "pip install ${pins[*]} failed (see $cache/pip.log): $(tail -n 1 "$cache/pip.log")"
  touch "$venv/.complete"
}

setup() {
  local dir=$1
  [ -f "$dir/.complete" ] && return 0
  rm -rf "$dir"
  mkdir -p "$dir/data" "$dir/log"
  dir=$(cd "$dir" && pwd)
  cat >"$dir/pi.cfg" <<CFG
import logging
SQLALCHEMY_DATABASE_URI = 'sqlite:///$dir/data/pi.sqlite'
SECRET_KEY = '$(python3 -c 'import secrets; print(secrets.token_hex(24))')'
PI_PEPPER = '$(python3 -c 'import secrets; print(secrets.token_hex(24))')'
PI_ENCFILE = '$dir/data/enckey'
PI_AUDIT_KEY_PRIVATE = '$dir/data/private.pem'
PI_AUDIT_KEY_PUBLIC = '$dir/data/public.pem'
PI_AUDIT_SQL_TRUNCATE = True
PI_UUID_FILE = '$dir/data/uuid.txt'
PI_NODE = 'bench'
PI_LOGFILE = '$dir/log/privacyidea.log'
PI_LOGLEVEL = logging.WARNING
CFG
  chmod 600 "$dir/pi.cfg"
  python3 -c 'import secrets; print("Bench-" + secrets.token_urlsafe(18))' >"$dir/admin.password"
  chmod 600 "$dir/admin.password"
  printf 'alice:x:1001:1001:Alice Bench,,,:/tmp:/bin/sh\n' >"$dir/data/users.passwd"
  echo "{'fileName': '$dir/data/users.passwd'}" >"$dir/data/resolver.conf"
  (
    cd "$dir"
    export PRIVACYIDEA_CONFIGFILE="$dir/pi.cfg" PI_CONFIG_NAME=production
    {
      "$venv/bin/pi-manage" setup create_enckey
      "$venv/bin/pi-manage" setup create_audit_keys
      "$venv/bin/pi-manage" setup create_tables
      "$venv/bin/pi-manage" config resolver create benchres passwdresolver data/resolver.conf
      "$venv/bin/pi-manage" config realm create benchrealm benchres
      "$venv/bin/pi-manage" config realm set_default benchrealm
      "$venv/bin/pi-manage" admin add admin -p "$(cat "$dir/admin.password")"
    } >"$dir/log/setup.log" 2>&1
  ) || fail "pi-manage setup failed (see $dir/log/setup.log)"
  touch "$dir/.complete"
}

serve() {
  local dir
  dir=$(cd "$1" && pwd)
  cd "$dir"
  export PRIVACYIDEA_CONFIGFILE="$dir/pi.cfg" PI_CONFIG_NAME=production
  exec "$venv/bin/gunicorn" -b "127.0.0.1:$2" -w 2 -k sync --log-level warning \
    "privacyidea.app:create_app(config_name='production', config_file='$dir/pi.cfg', silent=True)"
}

enrol() {
  local dir=$1 url="http://127.0.0.1:$2" jwt
  jwt=$(tr -d '\n' <"$dir/admin.password" | curl -s -X POST "$url/auth" -d username=admin --data-urlencode "password@-" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["result"]["value"]["token"])' 2>/dev/null) ||
    fail "POST /auth did not return a token"
  curl -s -X POST "$url/token/init" -H "Authorization: $jwt" -d type=totp -d serial=TOTPBENCH1 \
    -d otpkey=$seed_hex -d genkey=0 -d otplen=6 -d timeStep=30 -d hashlib=sha1 -d user=alice \
    -d realm=benchrealm | grep -q '"status": *true' || fail "POST /token/init failed"
  curl -s -X POST "$url/token/set" -H "Authorization: $jwt" -d serial=TOTPBENCH1 \
    -d max_failcount=1000000000 | grep -q '"status": *true' || fail "POST /token/set failed"
  curl -s -X POST "$url/token/reset" -H "Authorization: $jwt" -d serial=TOTPBENCH1 |
    grep -q '"status": *true' || fail "POST /token/reset failed"
}

case "${1:-}" in
  install) install ;;
  setup) [ $# -eq 2 ] || fail "usage: setup DIR"; setup "$2" ;;
  serve) [ $# -eq 3 ] || fail "usage: serve DIR PORT"; serve "$2" "$3" ;;
  enrol) [ $# -eq 3 ] || fail "usage: enrol DIR PORT"; enrol "$2" "$3" ;;
  *) fail "usage: $0 install | setup DIR | serve DIR PORT | enrol DIR PORT" ;;
esac
