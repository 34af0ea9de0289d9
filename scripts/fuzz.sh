#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each for SECONDS (default 30), one after another;
# with `--runs N`, each runs N inputs (fewer for the slow targets in `max_runs`) from a fixed seed
# instead (repeatable: what `make test` uses).
# Prints one line per target and a final `fuzz: N passed, M failed`; exits 1 when any target
# crashed (or broke a property) and 2 when the build failed. Inputs that crash are saved under
# Fuzz/.build/fuzz-crashes/; the corpus each target grows is kept in Fuzz/.build/fuzz-corpus/.
# FUZZ_TARGETS="FuzzPolicy FuzzForwarded" runs only those targets.
# Usage: scripts/fuzz.sh [SECONDS | --runs N]
set -uo pipefail

if [ "${1:-}" = "--runs" ]; then
    limit=(-runs="${2:?--runs needs a count}" -seed=1)
else
    limit=(-max_total_time="${1:-30}")
fi
cd "$(dirname "$0")/.."

# Longest input per target, in bytes: a little over what each parser accepts or needs.
declare -A max_len=(
    [FuzzJSON]=4096 [FuzzBase]=1024 [FuzzJWS]=4096 [FuzzJWK]=4096 [FuzzDPoP]=4096
    [FuzzPassword]=320 [FuzzForm]=4096 [FuzzHeaders]=4096 [FuzzConfig]=4096
    [FuzzCBOR]=4096 [FuzzWebAuthn]=4096 [FuzzProbeTarget]=4096 [FuzzProbeHTML]=8192 [FuzzProbeChallenge]=2048
    [FuzzProbeTokens]=4096 [FuzzPolicy]=4096 [FuzzPolicyCases]=4096 [FuzzAuthorizationDetails]=4096
    [FuzzForwarded]=2048
)
targets=(FuzzJSON FuzzBase FuzzJWS FuzzJWK FuzzDPoP FuzzPassword FuzzForm FuzzHeaders FuzzConfig FuzzCBOR FuzzWebAuthn
    FuzzProbeTarget FuzzProbeHTML FuzzProbeChallenge FuzzProbeTokens FuzzPolicy FuzzPolicyCases
    FuzzAuthorizationDetails FuzzForwarded)
if [ -n "${FUZZ_TARGETS:-}" ]; then read -ra targets <<<"$FUZZ_TARGETS"; fi

# With `--runs N`, the slow targets (each input loads a policy or a case file several times, or
# reads every line as headers, addresses and networks, or a whole HTML page) run at most this
# many inputs, so that `make test`'s smoke of every target stays under about two minutes on
# 2 cores. Timed runs (`make fuzz`) give every target the same time.
declare -A max_runs=([FuzzPolicy]=10000 [FuzzPolicyCases]=5000 [FuzzForwarded]=20000 [FuzzProbeHTML]=30000)

build=Fuzz/.build
mkdir -p "$build/fuzz-crashes" "$build/fuzz-logs"

# `--sanitize=fuzzer` alone links libFuzzer but, with Swift 6.3, adds no coverage
# instrumentation: without the explicit `-sanitize-coverage` libFuzzer runs blind.
if ! swift build -c release --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    --package-path Fuzz >"$build/fuzz-logs/build.log" 2>&1; then
    grep -E "error" "$build/fuzz-logs/build.log" | head -20 >&2
    echo "fuzz: build failed (log: $build/fuzz-logs/build.log)"
    exit 2
fi

passed=0
failed=0
for target in "${targets[@]}"; do
    corpus="$build/fuzz-corpus/$target"
    log="$build/fuzz-logs/$target.log"
    mkdir -p "$corpus"
    run_limit=("${limit[@]}")
    if [ "${1:-}" = "--runs" ] && [ -n "${max_runs[$target]:-}" ] && [ "${max_runs[$target]}" -lt "$2" ]; then
        run_limit=(-runs="${max_runs[$target]}" -seed=1)
    fi
    # The first directory receives new inputs; the seeds in Fuzz/corpus are only read.
    SWIFT_BACKTRACE=enable=no "$build/release/$target" "$corpus" "Fuzz/corpus/$target" \
        "${run_limit[@]}" -max_len="${max_len[$target]}" -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="$build/fuzz-crashes/$target-" \
        -print_final_stats=1 >"$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    coverage=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        echo "$target: passed (${runs:-?} runs, ${coverage:-cov: ?})"
    else
        failed=$((failed + 1))
        artifact=$(sed -n 's/.*Test unit written to //p' "$log" | head -1)
        reason=$(grep -m1 -E 'ERROR: |Fatal error|property violated' "$log")
        echo "$target: FAILED ($reason; input ${artifact:-not saved}; log $log)"
    fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
