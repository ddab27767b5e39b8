#!/usr/bin/env bash
# The whole suite RUNS times in a row, stopping at the first failure: how a flaky test is
# found, and how "passes N runs in a row" is shown. Each run's log goes to
# test-results/soak/run-K.log and one line per run to test-results/soak/summary.txt.
#   tools/soak.sh RUNS [pytest arguments...]
# With TEST_DATABASE_URL set, the suite runs on that PostgreSQL database (as `.ci/run`'s
# second pass: add --ignore=tests/browser); CI=true makes missing chromium a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:?how many runs}"
shift
out=test-results/soak
mkdir -p "$out"
for run in $(seq 1 "$runs"); do
    began=$(date +%s)
    .venv/bin/python -m pytest "$@" >"$out/run-$run.log" 2>&1
    status=$?
    line="run $run of $runs: $(tail -n 1 "$out/run-$run.log" | tr -d '=') ($(( $(date +%s) - began )) s, load $(cut -d' ' -f1 /proc/loadavg), exit $status)"
    echo "$line" | tee -a "$out/summary.txt"
    if [ "$status" -ne 0 ]; then
        echo "run $run failed: $out/run-$run.log" >&2
        exit "$status"
    fi
done
echo "$runs runs in a row passed"
