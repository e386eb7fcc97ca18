#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The control benchmark (issue 6, speed): runs bench_control at each size (it makes its city with
# a fixed seed, loads it into a fangkong data file under BENCH_TMP, times fk_ctl_summary,
# fk_ctl_due_by and fk_ctl_due warm against the same questions in SQLite, and compares the
# answers), then times the CLI verbs end to end on the same data file (a fresh process each:
# store open, engine snapshot, control index build, query, CSV to /dev/null). Prints the machine
# and a summary; the data is deleted afterwards unless BENCH_KEEP=1.
# Usage: bench/run-control.sh BUILD [quick|mid|full|all] [-- bench_control options]
#   quick: 1 M residents (about a minute); mid: 3 M; full: 10 M (about 10 minutes, ~5 GB in
#   BENCH_TMP); all: quick, mid and full. BENCH_SEED (default 1), BENCH_TMP (default /tmp).
set -euo pipefail

build=$(readlink -f "${1:?usage: bench/run-control.sh BUILD [quick|mid|full|all] [-- options]}")
size=${2:-full}
shift $(($# >= 2 ? 2 : 1))
if [ "${1:-}" = "--" ]; then
    shift
fi
extra=("$@")
seed=${BENCH_SEED:-1}
tmp=${BENCH_TMP:-/tmp}
BENCH="$build/bench_control"
FK="$build/fangkong"
top=$(cd "$(dirname "$0")/.." && pwd)
today=2026-11-23T12:00:00+08:00

case "$size" in
quick | mid | full | all) ;;
*)
    echo "bench/run-control.sh: size is quick, mid, full or all, not '$size'" >&2
    exit 2
    ;;
esac
for f in "$BENCH" "$FK"; do
    if [ ! -x "$f" ]; then
        echo "bench/run-control.sh: $f is missing: run cmake --build $build first" >&2
        exit 1
    fi
done
mkdir -p "$tmp"

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit+changes"
fi
machine() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM, $(uname -sr)"
    echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, seed $seed," \
        "SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
}
now() { date +%s.%N; }
disk_gb() { df -Pk "$tmp" | awk 'NR == 2 { printf "%d", $4 / 1048576 }'; }

log=$(mktemp "$tmp/fk-bench-control-log.XXXXXX")
trap 'rm -f "$log"' EXIT
status=0

# cli NAME ARGS...: one CLI run with the data file of $dir, its wall time appended to the log.
cli() {
    local name=$1 t0 t1 rc=0
    shift
    t0=$(now)
    FANGKONG_DB="$dir/fangkong.db" "$FK" "$@" >/dev/null 2>"$dir/cli.err" || rc=$?
    t1=$(now)
    if [ "$rc" -ne 0 ]; then
        echo "bench/run-control.sh: fangkong $* failed (exit $rc):" >&2
        cat "$dir/cli.err" >&2
        status=1
        return
    fi
    awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "cli %-44s %8.3f s\n", n, b - a }' |
        tee -a "$log"
}

# run LABEL PEOPLE: bench_control and the CLI verbs at one size.
run() {
    local label=$1 people=$2 rc=0 need
    dir="$tmp/fk-bench-control-$people"
    need=$((people / 2000000 + 2))
    if [ "$(disk_gb)" -lt "$need" ]; then
        echo "bench/run-control.sh: $label needs about $need GB in $tmp, $(disk_gb) GB free" >&2
        exit 1
    fi
    echo
    echo "== $label: $people residents, seed $seed, in $dir" | tee -a "$log"
    set +e
    "$BENCH" --people "$people" --seed "$seed" --dir "$dir" --summary "$dir.sum" "${extra[@]}" \
        2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" -ne 0 ]; then
        echo "bench/run-control.sh: bench_control exited with $rc" | tee -a "$log" >&2
        status=1
        [ "$rc" -eq 3 ] || return
    fi
    echo "-- the CLI verbs, a fresh process each (the first builds the engine snapshot)"
    cli "control summary (first: engine snapshot written)" control summary --by county
    for _ in 1 2 3; do
        cli "control summary --by county" control summary --by county
    done
    for _ in 1 2 3; do
        cli "regime due --by grid" regime due --by grid --date "$today"
    done
    for _ in 1 2; do
        cli "regime due (full list, CSV)" regime due --date "$today"
    done
    rm -f "$dir.sum"
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$dir"
    fi
}

machine | tee -a "$log"
case "$size" in
quick) run quick 1000000 ;;
mid) run mid 3000000 ;;
full) run full 10000000 ;;
all)
    run quick 1000000
    run mid 3000000
    run full 10000000
    ;;
esac

echo
echo "==== summary"
machine
grep -E '^(== |query |control summary|regime due|\(SQLite|first calls|due list|builds|memory|rendering|answers|load average|cli |bench/run-control.sh)|^  (persons|samples|loaded)' \
    "$log" || true
exit $status
