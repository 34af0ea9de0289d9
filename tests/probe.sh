#!/usr/bin/env bash
# `stepgate probe` against Stepgate itself: the demo bank behind real nginx (examples/nginx.conf),
# decisions by examples/policy.conf, the probe's client and three users set up as scripts/demo.sh
# does, and examples/probe-stepgate.yaml with its port and flow lifetime replaced. Every case must
# pass, be left to a person (human.*), or be skipped with a reason listed below.
# The JSON, JUnit and HTML reports go to PROBE_REPORT_DIR (default: the temporary work directory);
# PROBE_UI=html makes the probe answer Stepgate's HTML forms instead of its JSON login API.
# Usage: tests/probe.sh PATH_TO_STEPGATE
set -euo pipefail
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
random_password() { python3 -c 'import secrets; print(secrets.token_urlsafe(12))'; }
random_seed() { python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())'; }

export STEPGATE_PASSWORD_MEMORY_KIB=64 STEPGATE_PASSWORD_ITERATIONS=1
# The probe signs one user in about a hundred times in two minutes, and its load run sends
# hundreds of requests a second from one address: far past the default rate limits, which are
# set for people (docs/configuration.md). Raise them rather than turn them off, so the limits
# still run on every request.
export STEPGATE_RATE_LIMIT_IP_REQUESTS=1000000 STEPGATE_RATE_LIMIT_ACCOUNT_REQUESTS=1000000
# Short enough for stepup.expired_challenge to wait it out; long enough for every other flow.
flow_lifetime=8
reports=${PROBE_REPORT_DIR:-$work}
mkdir -p "$reports"
nginx_port=$(free_port)
stepgate_port=$(free_port)
bank_port=$(free_port)
base="http://localhost:$nginx_port"
data="$work/data"
PROBE_PASSWORD=$(random_password)
PROBE_TOTP_SECRET=$(random_seed)
PROBE_SECOND_PASSWORD=$(random_password)
PROBE_SECOND_TOTP_SECRET=$(random_seed)
PROBE_LOCKOUT_PASSWORD=$(random_password)
PROBE_LOCKOUT_TOTP_SECRET=$(random_seed)
export PROBE_LOCKOUT_PASSWORD PROBE_LOCKOUT_TOTP_SECRET
# A third user for the run over a degraded network: its TOTP steps are all unused then, so
# registering its passkey needs no wait for a step the first run spent.
PROBE_THIRD_PASSWORD=$(random_password)
PROBE_THIRD_TOTP_SECRET=$(random_seed)
export PROBE_PASSWORD PROBE_TOTP_SECRET PROBE_SECOND_PASSWORD PROBE_SECOND_TOTP_SECRET
export PROBE_THIRD_PASSWORD PROBE_THIRD_TOTP_SECRET
printf '%s\n' "$PROBE_PASSWORD" | "$bin" user add demo --data "$data" >/dev/null
printf '%s\n' "$PROBE_SECOND_PASSWORD" | "$bin" user add demo2 --data "$data" >/dev/null
printf '%s\n' "$PROBE_THIRD_PASSWORD" | "$bin" user add demo4 --data "$data" >/dev/null
"$bin" factor add demo totp --secret "$PROBE_TOTP_SECRET" --data "$data" >/dev/null
"$bin" factor add demo2 totp --secret "$PROBE_SECOND_TOTP_SECRET" --data "$data" >/dev/null
# demo3: the user bruteforce.across_challenges locks out (scripts/demo.sh makes it too).
printf '%s\n' "$PROBE_LOCKOUT_PASSWORD" | "$bin" user add demo3 --data "$data" >/dev/null
"$bin" factor add demo3 totp --secret "$PROBE_LOCKOUT_TOTP_SECRET" --data "$data" >/dev/null
"$bin" factor add demo4 totp --secret "$PROBE_THIRD_TOTP_SECRET" --data "$data" >/dev/null
"$bin" client add probe --public --redirect-uri "$base/probe/callback" --data "$data" >/dev/null

sed -e "s#localhost:8080#localhost:$nginx_port#g" -e "s#^flow_lifetime: .*#flow_lifetime: ${flow_lifetime}s#" \
  -e "s#^ui: .*#ui: ${PROBE_UI:-auto}#" \
  "$root/examples/probe-stepgate.yaml" >"$work/target.yaml"
python3 "$root/scripts/nginx_conf.py" "$root/examples/nginx.conf" "127.0.0.1:$nginx_port" \
  "127.0.0.1:$stepgate_port" "127.0.0.1:$bank_port" >"$work/nginx.conf"
nginx -p "$work" -c "$work/nginx.conf" -g "daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;" &
pids+=($!)
STEPGATE_FLOW_LIFETIME=${flow_lifetime}s STEPGATE_POLICY="$root/examples/policy.conf" \
  STEPGATE_DEMO_BANK_LISTEN="127.0.0.1:$bank_port" \
  "$bin" serve --data "$data" --listen "127.0.0.1:$stepgate_port" --issuer "$base" --demo 2>"$work/serve.log" &
pids+=($!)
ready=""
for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$stepgate_port/healthz" >/dev/null 2>&1 \
    && curl -fs "$base/healthz" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "probe: servers did not start"; cat "$work/serve.log" "$work/nginx-error.log" 2>/dev/null | tail -20
  exit 1
fi

status=0
"$bin" probe --target "$work/target.yaml" --json "$reports/probe-report.json" --junit "$reports/probe-junit.xml" \
  --html "$reports/probe-report.html" 2>"$work/probe.err" || status=$?
cat "$work/probe.err"
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
  echo "probe: stepgate probe exited $status"; tail -20 "$work/serve.log"; exit 1
fi

# Every case passed, went to a person, or was skipped for a reason this setup expects (none now).
python3 - "$reports/probe-report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
expected_skips = {}
problems = []
for result in report["results"]:
    case, verdict = result["case"]["id"], result["verdict"]
    status, reason = verdict["status"], verdict.get("reason", "")
    if status == "pass" or (status == "human" and case.startswith("human.")):
        continue
    if status == "skip" and case in expected_skips and expected_skips[case] in reason:
        continue
    problems.append(f"{case}: {status} {reason}")
for line in problems:
    print("FAIL " + line)
summary = report["summary"]
print(f"probe: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped, "
      f"{summary['human']} for a person; {len(problems)} unexpected")
sys.exit(1 if problems else 0)
PY

# No secret reached the reports, the probe's output or the server log.
for secret in "$PROBE_PASSWORD" "$PROBE_TOTP_SECRET" "$PROBE_SECOND_PASSWORD" "$PROBE_SECOND_TOTP_SECRET" \
  "$PROBE_LOCKOUT_PASSWORD" "$PROBE_LOCKOUT_TOTP_SECRET"; do
  for file in "$reports/probe-report.json" "$reports/probe-junit.xml" "$reports/probe-report.html" "$work/probe.err" \
    "$work/serve.log"; do
    if grep -qF -- "$secret" "$file"; then echo "FAIL a secret reached $(basename "$file")"; exit 1; fi
  done
done
if grep -qE 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.' "$reports/probe-report.json" "$reports/probe-junit.xml" \
  "$reports/probe-report.html"; then
  echo "FAIL a token reached the reports"; exit 1
fi
echo "probe: reports and logs hold no secret"

# Again over a degraded network (every exchange through the probe's fault proxy: latency and
# jitter): the network cases and a few others, then a short load run (--load) through it too,
# as the third user.
sed -e 's#username: demo$#username: demo4#' -e 's#PROBE_PASSWORD$#PROBE_THIRD_PASSWORD#' \
  -e 's#PROBE_TOTP_SECRET$#PROBE_THIRD_TOTP_SECRET#' "$work/target.yaml" >"$work/target-network.yaml"
printf 'network:\n  seed: 3\n  latency_ms: 15\n  jitter_ms: 10\n' >>"$work/target-network.yaml"
status=0
"$bin" probe --target "$work/target-network.yaml" --only 'network.*,stepup.happy,code.replay,acr.tampered' \
  --load 4:5s --json "$reports/probe-network.json" --html "$reports/probe-network.html" \
  --junit "$reports/probe-network-junit.xml" \
  2>"$work/probe-network.err" || status=$?
cat "$work/probe-network.err"
if [ "$status" -ne 0 ]; then
  echo "probe: the run over a degraded network exited $status"; tail -20 "$work/serve.log"; exit 1
fi
python3 - "$reports/probe-network.json" "$reports/probe-network.html" "$reports/probe-network-junit.xml" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
problems = [f"{r['case']['id']}: {r['verdict']['status']} {r['verdict'].get('reason', '')}"
            for r in report["results"] if r["verdict"]["status"] != "pass"]
ids = {r["case"]["id"] for r in report["results"]}
for case in ["network.drop_token_response", "network.drop_stepup_answer", "network.reset_mid_request",
             "network.latency_stepup", "network.stall_half_open"]:
    if case not in ids:
        problems.append(f"{case}: did not run")
load = report.get("load")
if not load or load["status"] != "ran":
    problems.append(f"load: did not run: {load and load.get('reason')}")
else:
    if not load["through_fault_proxy"]:
        problems.append("load: did not go through the fault proxy")
    if load["users"] != 4 or load["successes"] < 4:
        problems.append(f"load: {load['users']} users, {load['successes']} successful step-ups")
    if load["violation_count"] != 0:
        problems.append(f"load: {load['violation_count']} broken invariants: {load['violations'][:3]}")
    for key in ["throughput", "error_rate", "latency_ms", "errors", "histogram"]:
        if key not in load:
            problems.append(f"load: no {key}")
if "Load: complete step-ups" not in open(sys.argv[2]).read():
    problems.append("the HTML report has no load section")
if '<testcase classname="probe.load" name="load"' not in open(sys.argv[3]).read():
    problems.append("the JUnit report has no load test case")
for line in problems:
    print("FAIL " + line)
if load and load["status"] == "ran":
    print(f"probe: over the degraded network {len(ids)} cases; load {load['successes']}/{load['samples']} step-ups, "
          f"{load['throughput']:.1f}/s, p99 {load['latency_ms']['p99']:.0f} ms, "
          f"{load['violation_count']} broken invariants")
sys.exit(1 if problems else 0)
PY
for secret in "$PROBE_PASSWORD" "$PROBE_TOTP_SECRET" "$PROBE_SECOND_PASSWORD" "$PROBE_SECOND_TOTP_SECRET" \
  "$PROBE_THIRD_PASSWORD" "$PROBE_THIRD_TOTP_SECRET"; do
  for file in "$reports/probe-network.json" "$reports/probe-network.html" "$reports/probe-network-junit.xml" \
    "$work/probe-network.err"; do
    if grep -qF -- "$secret" "$file"; then echo "FAIL a secret reached $(basename "$file")"; exit 1; fi
  done
done
if grep -qE 'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.' "$reports/probe-network.json" "$reports/probe-network.html" \
  "$reports/probe-network-junit.xml"; then
  echo "FAIL a token reached the reports of the degraded run"; exit 1
fi
echo "probe: the degraded run's reports hold no secret"
