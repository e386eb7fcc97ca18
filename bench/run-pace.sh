#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The pace benchmark of issue 21: `fangkong pace` by grid and hour against SQLite, in one run on
# data it generates itself. It writes a synthetic city with a fixed seed (`fangkong demo --people N
# --seed S --finished --scans 0 --pings 0`, a finished day, so that runs compare) under /tmp,
# imports regions, persons, samples and results with fangkong, and regions, persons and samples
# into a fresh baseline database with the sqlite3 shell's bare .import, creates the round, and runs
# bench_pace (the engine built once; pace by grid, hours view: the first call, which builds the
# round's hourly index, then warm, median of 15, and its rendering as CSV; the regions view with its
# forecast; the SQL over the baseline, median of 3; answers compared cell by cell). It
# prints a summary with the machine, the load, the commit and the date, and the line for
# bench/RESULTS.md. Data is deleted afterwards unless BENCH_KEEP=1.
# Usage: bench/run-pace.sh BUILD [PEOPLE]   (default 1 000 000 residents: a few minutes)
set -euo pipefail

build=$(readlink -f "${1:?usage: bench/run-pace.sh BUILD [PEOPLE]}")
people=${2:-1000000}
seed=${BENCH_SEED:-1}
root=${BENCH_TMP:-/tmp}
FK="$build/fangkong"
BENCH="$build/bench_pace"
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/fk-bench-pace-$people"

for f in "$FK" "$BENCH"; do
    [ -x "$f" ] || { echo "bench/run-pace.sh: $f is missing: build it first" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "bench/run-pace.sh: the sqlite3 shell is missing" >&2; exit 1; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

rm -rf "$dir"
mkdir -p "$dir"
echo "== pace: $people residents, seed $seed, in $dir"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$FK" demo --people "$people" --seed "$seed" --out "$dir/csv" --finished --scans 0 --pings 0 >/dev/null 2>&1
export FANGKONG_DB="$dir/fangkong.db"
t0=$(now)
for t in regions persons samples results; do
    "$FK" import "$t" "$dir/csv/$t.csv" >/dev/null 2>"$dir/import-$t.err" ||
        { cat "$dir/import-$t.err" >&2; exit 1; }
done
echo "fangkong import: $(calc "%.1f" "$(now) - $t0") s"
t0=$(now)
sqlite3 "$dir/baseline.db" "CREATE TABLE samples(tube TEXT, id_number TEXT, time TEXT, site TEXT, shipped TEXT)" \
    ".import --csv --skip 1 $dir/csv/samples.csv samples" \
    ".import --csv $dir/csv/regions.csv regions" ".import --csv $dir/csv/persons.csv persons"
echo "sqlite3 .import: $(calc "%.1f" "$(now) - $t0") s"
IFS=, read -r name region start end <"$dir/csv/round.txt"
"$FK" round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
rc=0
"$BENCH" "$dir/fangkong.db" "$name" "$dir/baseline.db" --summary "$dir/bench.sum" || rc=$?
[ -f "$dir/bench.sum" ] || { echo "bench/run-pace.sh: bench_pace failed (exit $rc)" >&2; exit 1; }
v() { awk -v k="$1" '$1 == k { print $2 }' "$dir/bench.sum"; }
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit+changes"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
grids=$(awk -F, '$3 == "grid"' "$dir/csv/regions.csv" | wc -l)
samples=$(($(wc -l <"$dir/csv/samples.csv") - 1))
echo
echo "== summary: $people residents, $grids grids, $samples samples, seed $seed"
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, SQLite $(sqlite3 --version | cut -d' ' -f1), load average at the start $load0, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %12s %12s %10s\n' work fangkong SQLite ratio
printf '%-44s %12s %12s %10s\n' "pace by grid and hour, warm, ms (median)" "$(v pace_hours_ms)" "$(v sql_ms)" \
    "$(calc "%.0fx" "$(v sql_ms) / $(v pace_hours_ms)")"
printf '%-44s %12s %12s\n' "pace by grid and hour, first call, ms" "$(v pace_cold_ms)" "-"
printf '%-44s %12s %12s\n' "  its rows rendered as CSV, ms" "$(v render_ms)" "-"
printf '%-44s %12s %12s\n' "pace by grid with the forecast, warm, ms" "$(v pace_regions_ms)" "-"
printf '%-44s %12s %12s\n' "engine build from the store, s" "$(v build_s)" "-"
printf '%-44s %12s %12s\n' "baseline index + ANALYZE, s" "-" "$(v sql_index_s)"
echo "answers: $([ "$(v identical)" = yes ] && echo "identical" || echo "DIFFER") ($(v cells) grid-hour cells with samples or tubes, $(v grids_hours) grid-hour rows)"
echo "goal: <= 50 ms warm at 10 M residents; at $people, $(v pace_hours_ms) ms"
echo
echo "| $(date '+%Y-%m-%d') | $people | $grids | $samples | $(v pace_hours_ms) ms | $(v pace_cold_ms) ms | $(v render_ms) ms | $(v pace_regions_ms) ms | $(v sql_ms) ms | $(v identical) | $(nproc) cores ${cpu:-?} | $load0 | $commit |"
exit "$rc"
