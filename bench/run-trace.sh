#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The contact-tracing benchmark (issue 4): runs bench_trace at each size, side by side with its
# baselines, and prints the machine and a summary of the goals. bench_trace makes its own data in
# memory with a fixed seed; SQLite's files go under BENCH_TMP and are deleted afterwards.
#   ci:   small (tracer vs naive loop vs SQLite, 200 k scans), ci (7 M scans vs SQLite) and w5
#         (companions over 140 M pings); a few minutes, under 3 GB of RAM. small and ci also run
#         first degree with each of the tracer's two plans forced, on 1, 2 and 3 threads: every
#         field must match.
#   First degree runs 9 times into a buffer kept across runs (fk_tracer_run_into; the median of
#   runs 2-9 is given beside the second), then once into a fresh array (fk_tracer_run).
#   full: full (700 M scans, 10 M persons, tracer only: about 12 GB of RAM, skipped with a message
#         below 15 GiB available), the same with Zipf s = 0.6 (a less head-heavy city; labelled
#         "full-s0.6"), and mid (70 M scans vs SQLite, to show how the ratio scales).
# Usage: bench/run-trace.sh BUILD [ci|full|all] [-- bench_trace options, e.g. --zipf 0.6]
#   BENCH_SEED (default 1), BENCH_TMP (default /tmp).
set -euo pipefail

build=$(readlink -f "${1:?usage: bench/run-trace.sh BUILD [ci|full|all] [-- options]}")
size=${2:-all}
shift $(($# >= 2 ? 2 : 1))
if [ "${1:-}" = "--" ]; then
    shift
fi
extra=("$@")
seed=${BENCH_SEED:-1}
tmp=${BENCH_TMP:-/tmp}
BENCH="$build/bench_trace"
top=$(cd "$(dirname "$0")/.." && pwd)

case "$size" in
ci | full | all) ;;
*)
    echo "bench/run-trace.sh: size is ci, full or all, not '$size'" >&2
    exit 2
    ;;
esac
if [ ! -x "$BENCH" ]; then
    echo "bench/run-trace.sh: $BENCH is missing: run cmake --build $build first" >&2
    exit 1
fi
mkdir -p "$tmp"

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit+changes"
fi
avail_gib() { awk '/MemAvailable/ { printf "%d", $2 / 1048576 }' /proc/meminfo; }
disk_gib() { df -Pk "$tmp" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }
machine() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM ($(avail_gib) GiB available)," \
        "$(uname -sr)"
    echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, seed $seed${extra[*]:+, options ${extra[*]}}"
}

log=$(mktemp "$tmp/fk-bench-trace-log.XXXXXX")
trap 'rm -f "$log"' EXIT
status=0

# step NAME [bench_trace arguments...]: one run, its output shown and kept for the summary.
# Arguments after the caller's own come last, so that options given to this script win.
step() {
    local rc=0 t0 t1
    echo
    t0=$(date +%s)
    set +e
    "$BENCH" "$@" --seed "$seed" --tmp "$tmp" ${extra[@]+"${extra[@]}"} 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
    set -e
    t1=$(date +%s)
    echo "($1: $((t1 - t0)) s wall)"
    if [ "$rc" -ne 0 ]; then
        echo "bench/run-trace.sh: bench_trace $1 exited with $rc" | tee -a "$log" >&2
        status=1
    fi
}

# skip NAME REASON
skip() { echo "bench/run-trace.sh: $1 skipped: $2" | tee -a "$log"; }

machine
if [ "$size" = ci ] || [ "$size" = all ]; then
    step small --compare-plans --runs 9
    step ci --compare-plans --runs 9
    step w5
fi
if [ "$size" = full ] || [ "$size" = all ]; then
    if [ "$(avail_gib)" -lt 15 ]; then
        skip full "needs about 15 GiB of available RAM, $(avail_gib) GiB available"
    else
        step full --runs 9
        echo "== full-s0.6: the same full size, a less head-heavy city (an additional row)" |
            tee -a "$log"
        step full --zipf 0.6 --runs 9
    fi
    if [ "$(avail_gib)" -lt 6 ]; then
        skip mid "needs about 6 GiB of available RAM, $(avail_gib) GiB available"
    elif [ "$(disk_gib)" -lt 8 ]; then
        skip mid "needs about 8 GB free in $tmp for SQLite, $(disk_gib) GB free"
    else
        step mid --runs 9
    fi
fi

echo
echo "==== summary"
machine
grep -E '^(== |goal |answers |PROBLEM|load average|bench/run-trace.sh)|^first degree|^second degree|^SQLite first|^tracer built|^one case|^the answer alone' "$log" || true
exit $status
