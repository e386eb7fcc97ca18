#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The county-score benchmark (issue 17, 目标责任考核): generates the demo city of PEOPLE residents
# (default 10 000 000; seed 1, a fixed past moment, no scans or pings: close contacts come from
# households) under /tmp/fk-score-PEOPLE, imports what the six computed indicators read (persons,
# cases, samples and results with their round, control orders, vaccinations, incident events,
# units and reports, inspections and problems, indicators and scores) with the fangkong CLI, then runs
# bench_score: the ranking with every computed indicator timed warm over the indexes a server
# keeps, and the same actuals asked of SQLite on the same file, compared. The data is deleted
# afterwards unless BENCH_KEEP=1 (a kept city is reused by the next run).
# Usage: bench/run-score.sh BUILD [PEOPLE]
set -euo pipefail

build=$(readlink -f "${1:?usage: bench/run-score.sh BUILD [PEOPLE]}")
people=${2:-10000000}
dir=${BENCH_TMP:-/tmp}/fk-score-$people
now=2022-08-28T20:00:00+08:00
FK="$build/fangkong"
for f in "$FK" "$build/bench_score"; do
    [ -x "$f" ] || { echo "bench/run-score.sh: $f is missing: run make build first" >&2; exit 1; }
done
export FANGKONG_DB="$dir/fangkong.db"

# import TYPE [OPTIONS]: one file of the city, timed; the demo's files have no bad row.
import() {
    local t=$1 t0
    shift
    t0=$(date +%s.%N)
    "$FK" import "$t" "$dir/city/$t.csv" "$@" >"$dir/import-$t.log" 2>&1 ||
        { echo "bench/run-score.sh: import $t failed:" >&2; tail -5 "$dir/import-$t.log" >&2; exit 1; }
    printf '  %-16s %8.1f s\n' "$t" "$(echo "$(date +%s.%N) - $t0" | bc)"
}

if [ ! -f "$dir/ready" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "== the demo city of $people residents at $now (seed 1)"
    "$FK" demo --people "$people" --seed 1 --out "$dir/city" --now "$now" --scans 0 --pings 0 >/dev/null
    echo "== importing into $FANGKONG_DB"
    for t in regions persons cases samples results; do import "$t"; done
    for t in controls vaccinations incident_events; do import "$t" --profile "$dir/city/profile.ini"; done
    for t in indicators scores inspections problems units reports; do import "$t"; done
    IFS=, read -r name region start end <"$dir/city/round.txt"
    "$FK" round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null
    touch "$dir/ready"
fi
echo "== bench_score ($(nproc) cores, commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ))"
rc=0
"$build/bench_score" "$FANGKONG_DB" --now "$now" --profile "$dir/city/profile.ini" \
    --summary "$dir/summary.txt" || rc=$?
[ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
exit "$rc"
