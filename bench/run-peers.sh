#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fangkong against its peers from the command line (issue 19, "Speed goals"): DuckDB
# (@duckdb/node-api, run by node, bench/peers/duckdb.mjs) and the sqlite3 shell, on the same
# generated CSV files, every question a whole process of each (fangkong VERB, node duckdb.mjs
# QUESTION, sqlite3 FILE.db < QUERY.sql) started afresh, the answers compared.
#   1. import samples (rows/s), from a copy of the demo's samples.csv shuffled with a fixed seed
#      (random order, not tube order): fangkong into a data file that already holds the city
#      (validating, de-duplicating, durable, and whatever else its import does, such as writing
#      snapshots), sqlite3 .import into a table with PRIMARY KEY (tube, id_number), DuckDB
#      CREATE TABLE AS SELECT * FROM read_csv (typed columns) into a plain table;
#   2. coverage ROUND --by grid: fangkong's first call after the import, then a second call;
#      the peers in SQL over regions, persons and samples (sqlite3 with bench/run.sh's indexes,
#      comparing times as text, which holds while every time carries +08:00, as the demo's do);
#   3. missing ROUND --region GRID for the grid with the most residents missing;
#   4. trace of every case, depth 1 (fangkong's first call after the import, then a second) and
#      depth 2, against DuckDB only: the whole rules of lib/engine/tracer.c in SQL (household,
#      venue window, companions by cell and slot, secondary contacts, and the tie-breaks that
#      pick each person's one reason), so the lists are compared in full, every column, row for
#      row. The trace profile is fangkong's default ([trace] 4 days, 30 min, 10 min, 14 days).
# The times are wall seconds of the process (median of RUNS for all but a first call), peak RSS
# is /usr/bin/time's %M (mapped file pages included). Any answer that differs fails the run; the
# peers take every row, so a row fangkong rejects shows up as a difference (and as a warning).
# Setup (not timed as a question): the city from `fangkong demo --finished` (default --scans 7
# and one case a 10 000 residents: 70 M scans and 1 000 cases at 10 M, as the issue measured),
# fangkong's import of the other files and the round, sqlite3's bare .import of regions and
# persons, DuckDB's typed tables (bench/peers/duckdb.mjs load), sqlite3's indexes after its import.
# fangkong is copied from BUILD first, so a rebuild during the run changes nothing measured.
# Then fangkong's verbs once more, untimed, their peak private (RssAnon) and mapped-file (RssFile)
# bytes read apart from /proc (issue 19 asks for both: the snapshots are mapped files).
# At the end: a Markdown table for bench/RESULTS.md with the machine, load, commit and sizes.
# Usage: bench/run-peers.sh [--build DIR] [--people N] [--seed S] [--cases N] [--scans N]
#                           [--runs N] [--depth 1|2]
#   --build defaults to build/ (cmake --build build -j2 --target fangkong_cli); --people to
#   200 000; 10 000 000 takes about half an hour and 30 GB in $BENCH_TMP; --depth 1 skips depth 2.
#   Needs node and npm (bench/peers' node_modules is installed when missing) and the sqlite3
#   shell (apt-get install sqlite3). Data goes to ${BENCH_TMP:-/tmp}/fk-peers-N-S and is deleted
#   afterwards unless BENCH_KEEP=1 (the next run with the same city options reuses its CSVs).
set -euo pipefail

usage() {
    sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
top=$(cd "$(dirname "$0")/.." && pwd)
peers=$top/bench/peers
build=$top/build
people=200000
seed=1
cases=''
scans=7
runs=3
depth=2
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case $1 in
    --build) build=$2 ;;
    --people) people=$2 ;;
    --seed) seed=$2 ;;
    --cases) cases=$2 ;;
    --scans) scans=$2 ;;
    --runs) runs=$2 ;;
    --depth) depth=$2 ;;
    *) usage ;;
    esac
    shift 2
done
for v in "$people" "$seed" "$scans" "$runs" ${cases:+"$cases"}; do
    case $v in '' | *[!0-9]*) usage ;; esac
done
[ "$depth" = 1 ] || [ "$depth" = 2 ] || usage
[ "$runs" -ge 1 ] || usage
# One case a 10 000 residents (1 000 at 10 M, as in the issue), at least 5 (the demo's default).
[ -n "$cases" ] || cases=$((people / 10000 > 5 ? people / 10000 : 5))

say() { printf '%s\n' "$*" >&2; }
die() {
    say "bench/run-peers.sh: $*"
    exit 1
}
now() {
    local t=${EPOCHREALTIME:-}
    [ -n "$t" ] || t=$(date +%s.%N)
    echo "${t/,/.}"
}
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }

built=$(readlink -f "$build")/fangkong
[ -x "$built" ] || die "$built is missing: build it first (cmake --build build -j2 --target fangkong_cli)"
for c in node npm; do
    command -v "$c" >/dev/null || die "needs node and npm (apt-get install nodejs npm)"
done
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing: apt-get install sqlite3"
command -v shuf >/dev/null || die "needs shuf (coreutils)"
timer=()
if [ -x /usr/bin/time ]; then
    timer=(/usr/bin/time -f %M -o)
else
    say "bench/run-peers.sh: /usr/bin/time is missing (apt-get install time): no peak RSS"
fi
if [ ! -d "$peers/node_modules/@duckdb/node-api" ]; then
    say "installing @duckdb/node-api into bench/peers/node_modules"
    (cd "$peers" && npm install --no-audit --no-fund >&2)
fi
DUCK=(node "$peers/duckdb.mjs")

dir=${BENCH_TMP:-/tmp}/fk-peers-$people-$seed
csv=$dir/csv
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

# timed NAME CMD...: runs CMD once, its stdout into $dir/NAME.out and its stderr into
# $dir/NAME.err, and appends its wall seconds to $dir/NAME.s and its peak RSS (KiB) to
# $dir/NAME.rss. Exit status 3 (fangkong: done with rejected rows) is left to the caller, in
# $dir/NAME.rc; any other non-zero status fails the run. The clock is bash's own, read around
# /usr/bin/time and the command, so no other process is counted.
timed() {
    local name=$1 t0 t1 rc=0
    shift
    t0=${EPOCHREALTIME/,/.}
    if [ ${#timer[@]} -gt 0 ]; then
        "${timer[@]}" "$dir/$name.rss1" "$@" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
    else
        "$@" >"$dir/$name.out" 2>"$dir/$name.err" || rc=$?
    fi
    t1=${EPOCHREALTIME/,/.}
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        say "bench/run-peers.sh: $name failed (exit $rc): $*"
        tail -n 20 "$dir/$name.err" >&2
        exit 1
    fi
    echo "$rc" >"$dir/$name.rc"
    calc '%.4f\n' "$t1 - $t0" >>"$dir/$name.s"
    if [ ${#timer[@]} -gt 0 ]; then
        tail -n 1 "$dir/$name.rss1" >>"$dir/$name.rss"
    else
        echo 0 >>"$dir/$name.rss"
    fi
}
# The median of a NAME.s file, the largest of a NAME.rss in MiB, the only value of a NAME.s.
median() {
    sort -g "$dir/$1.s" |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rss() { sort -g "$dir/$1.rss" | awk 'END { printf "%.0f", $1 / 1024 }'; }
once() { cat "$dir/$1.s"; }

# fk_import TYPE FILE NAME: fangkong import, timed as NAME; rejected rows are reported (the peers
# load every row, so the answers could then differ).
fk_import() {
    timed "$3" "$FK" import "$1" "$2"
    if [ "$(cat "$dir/$3.rc")" = 3 ]; then
        say "warning: fangkong rejected rows of $1: $(tr '\r' '\n' <"$dir/$3.err" | tail -n 1)"
    fi
}

# same WHAT A B: 1 when files A and B hold the same text once CSV quotes and carriage returns are
# dropped (sqlite3 quotes texts with spaces and empty texts, and ends lines with CRLF; the columns
# compared hold no comma); else says where they part and records the difference.
differ=()
same() {
    local what=$1 a=$2 b=$3
    if cmp -s <(tr -d '"\r' <"$a") <(tr -d '"\r' <"$b"); then
        return 0
    fi
    say "bench/run-peers.sh: ANSWERS DIFFER: $what ($(wc -l <"$a") and $(wc -l <"$b") lines;" \
        "the first differences, < fangkong, > peer):"
    diff <(tr -d '"\r' <"$a") <(tr -d '"\r' <"$b") >"$dir/diff.txt" || true
    sed -n 1,10p "$dir/diff.txt" >&2
    differ+=("$what")
    return 1
}

# The commit the binary was built from, as near as the script can tell: HEAD when it starts,
# "+changes" when the working tree (bench/ aside) differs from it.
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no -- . ':!bench' 2>/dev/null)" ]; then
    commit="$commit+changes"
fi

# ---- the city ----
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$dir"
# A copy of the binary, so that a rebuild during the run does not change what is measured.
FK=$dir/fangkong
cp "$built" "$FK"
demo=(--people "$people" --seed "$seed" --cases "$cases" --scans "$scans" --finished)
if [ "$(cat "$csv/demo.args" 2>/dev/null || true)" != "${demo[*]}" ]; then
    need_gb=$(calc %d "$people * 3000 / 1e9 + 1")
    free_gb=$(df -Pk "$dir" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
    [ "$free_gb" -ge "$need_gb" ] ||
        die "$people residents need about $need_gb GB in $dir, which has $free_gb GB free"
    rm -rf "$csv"
    say "generating the city: fangkong demo ${demo[*]}"
    "$FK" demo "${demo[@]}" --out "$csv" >/dev/null 2>"$dir/demo.err" ||
        { cat "$dir/demo.err" >&2; die "fangkong demo failed"; }
    echo "${demo[*]}" >"$csv/demo.args"
fi
IFS=, read -r round region start end <"$csv/round.txt"
rm -f "$dir"/*.s "$dir"/*.rss "$dir"/*.rss1 "$dir"/*.out "$dir"/*.err "$dir"/*.rc
# Random order with a fixed seed: shuf's random bytes come from `yes`, the same every run.
shuffled=$dir/samples-shuffled.csv
{
    sed -n 1p "$csv/samples.csv"
    tail -n +2 "$csv/samples.csv" | shuf --random-source=<(yes)
} >"$shuffled"
rows=$(($(wc -l <"$shuffled") - 1))
count() { echo $(($(wc -l <"$csv/$1.csv") - 1)); }

# ---- setup: everything but the samples, and the round ----
say "setup: fangkong imports regions, persons, venues, scans, pings and cases; creates $round"
export FANGKONG_DB=$dir/fangkong.db
rm -f "$FANGKONG_DB" "$FANGKONG_DB"-* "$FANGKONG_DB".*
t0=$(now)
for t in regions persons venues scans pings cases; do
    fk_import "$t" "$csv/$t.csv" "setup_fk_$t"
done
"$FK" round create "$round" --region "$region" --start "$start" --end "$end" >/dev/null \
    2>"$dir/round.err" || { cat "$dir/round.err" >&2; die "fangkong round create failed"; }
fk_setup_s=$(calc %.1f "$(now) - $t0")

say "setup: sqlite3 .import of regions and persons, and a keyed samples table"
sq=$dir/sqlite.db
rm -f "$sq"
t0=$(now)
sqlite3 "$sq" ".import --csv $csv/regions.csv regions" ".import --csv $csv/persons.csv persons" \
    "CREATE TABLE samples($(sed -n '1{s/\r$//; s/,/ TEXT, /g; p}' "$shuffled") TEXT,
                          PRIMARY KEY (tube, id_number))"
sq_setup_s=$(calc %.1f "$(now) - $t0")

say "setup: DuckDB loads regions, persons, venues, scans, pings and cases into typed tables"
dk=$dir/duckdb.db
rm -f "$dk" "$dk".wal
t0=$(now)
"${DUCK[@]}" load "$dk" "$csv"
dk_setup_s=$(calc %.1f "$(now) - $t0")

# ---- 1. import samples ----
say "1. import samples: $rows rows in random order"
fk_import samples "$shuffled" fk_import
timed sq_import sqlite3 "$sq" ".import --csv --skip 1 $shuffled samples"
if [ -s "$dir/sq_import.err" ]; then
    say "sqlite3 .import said:"
    sed -n 1,5p "$dir/sq_import.err" >&2
fi
timed dk_import "${DUCK[@]}" import "$dk" "$shuffled"
t0=$(now)
sqlite3 "$sq" "CREATE UNIQUE INDEX regions_code ON regions(code)" \
    "CREATE INDEX regions_parent ON regions(parent)" \
    "CREATE INDEX persons_grid ON persons(grid, id_number)" \
    "CREATE INDEX samples_person_time ON samples(id_number, time)" "ANALYZE"
sq_index_s=$(calc %.1f "$(now) - $t0")

# ---- 2. coverage by grid ----
say "2. coverage $round --by grid"
# The window's ends as text: every time in the files carries +08:00, as round.txt's do, so text
# order is time order (bench/bench_screening.c does the same).
cat >"$dir/coverage.sql" <<EOF
.headers on
.mode csv
WITH RECURSIVE sub(code) AS (
  SELECT code FROM regions WHERE code = '$region'
  UNION ALL SELECT r.code FROM regions r JOIN sub ON r.parent = sub.code)
SELECT g.code AS region, g.name AS name, count(p.id_number) AS residents,
  count(p.id_number) FILTER (WHERE EXISTS (SELECT 1 FROM samples s
    WHERE s.id_number = p.id_number AND s.time BETWEEN '$start' AND '$end')) AS sampled
FROM sub JOIN regions g ON g.code = sub.code
LEFT JOIN persons p ON p.grid = g.code
WHERE g.level = 'grid' GROUP BY g.code ORDER BY g.code;
EOF
timed fk_cov1 "$FK" coverage "$round" --by grid
for _ in $(seq "$runs"); do
    timed fk_cov "$FK" coverage "$round" --by grid
    timed dk_cov "${DUCK[@]}" coverage "$dk" "$dir/dk_cov.csv" "$region" "$start" "$end"
    timed sq_cov sqlite3 "$sq" <"$dir/coverage.sql"
done
cut -d, -f1-4 "$dir/fk_cov1.out" >"$dir/fk_cov.csv"
grids=$(($(wc -l <"$dir/fk_cov.csv") - 1))
same "coverage, fangkong's first and second calls" "$dir/fk_cov1.out" "$dir/fk_cov.out" || true
same "coverage, fangkong vs DuckDB" "$dir/fk_cov.csv" "$dir/dk_cov.csv" || true
same "coverage, fangkong vs sqlite3" "$dir/fk_cov.csv" "$dir/sq_cov.out" || true

# ---- 3. missing, the grid with the most residents missing (the first in code order on a tie) ----
grid=$(awk -F, 'NR > 1 && $3 - $4 > most { most = $3 - $4; g = $1 } END { print g }' \
    "$dir/fk_cov.csv")
[ -n "$grid" ] || die "no grid has a resident missing from $round"
say "3. missing $round --region $grid"
cat >"$dir/missing.sql" <<EOF
.headers on
.mode csv
SELECT p.id_number, p.name, p.phone, p.grid, p.household, p.address FROM persons p
WHERE p.grid = '$grid' AND NOT EXISTS (SELECT 1 FROM samples s
  WHERE s.id_number = p.id_number AND s.time BETWEEN '$start' AND '$end')
ORDER BY p.grid, p.household, p.id_number;
EOF
for _ in $(seq "$runs"); do
    timed fk_miss "$FK" missing "$round" --region "$grid"
    timed dk_miss "${DUCK[@]}" missing "$dk" "$dir/dk_miss.csv" "$grid" "$start" "$end"
    timed sq_miss sqlite3 "$sq" <"$dir/missing.sql"
done
missing=$(($(wc -l <"$dir/fk_miss.out") - 1))
# id_number, name, phone, grid, household (the address, last, is left out of the comparison).
for side in fk_miss.out dk_miss.csv sq_miss.out; do
    tr -d '"\r' <"$dir/$side" | cut -d, -f1-5 >"$dir/cmp_$side"
done
same "missing, fangkong vs DuckDB" "$dir/cmp_fk_miss.out" "$dir/cmp_dk_miss.csv" || true
same "missing, fangkong vs sqlite3" "$dir/cmp_fk_miss.out" "$dir/cmp_sq_miss.out" || true

# ---- 4. trace ----
# fangkong's default profile, lib/domain/profile.c: lookback days, venue window minutes,
# companion slot minutes, companion days.
profile=(4 30 10 14)
say "4. trace of all $(count cases) cases, depth 1$([ "$depth" = 2 ] && echo ' and 2')"
timed fk_tr1_first "$FK" trace
for _ in $(seq "$runs"); do
    timed fk_tr1 "$FK" trace
    timed dk_tr1 "${DUCK[@]}" trace "$dk" "$dir/dk_tr1.csv" 1 "${profile[@]}"
done
contacts1=$(($(wc -l <"$dir/fk_tr1.out") - 1))
same "trace depth 1, fangkong's first and second calls" "$dir/fk_tr1_first.out" \
    "$dir/fk_tr1.out" || true
same "trace depth 1, fangkong vs DuckDB" "$dir/fk_tr1.out" "$dir/dk_tr1.csv" || true
contacts2=''
if [ "$depth" = 2 ]; then
    for _ in $(seq "$runs"); do
        timed fk_tr2 "$FK" trace --depth 2
        timed dk_tr2 "${DUCK[@]}" trace "$dk" "$dir/dk_tr2.csv" 2 "${profile[@]}"
    done
    contacts2=$(($(wc -l <"$dir/fk_tr2.out") - 1))
    same "trace depth 2, fangkong vs DuckDB" "$dir/fk_tr2.out" "$dir/dk_tr2.csv" || true
fi

# ---- memory: fangkong's private and mapped bytes apart (the store and the snapshots are mapped
# files, so peak RSS alone says little), each verb run once more, not timed ----
# memory NAME CMD...: runs CMD, reading /proc/PID/status about every 5 ms (bash builtins only, so
# the poller forks nothing but its sleep), and writes the largest RssAnon (private) and RssFile
# (mapped file pages) seen, in KiB, to $dir/NAME.mem. A short peak can fall between two looks:
# these are lower bounds, close for verbs of a second or more (a city of millions).
memory() {
    local name=$1 pid k v pa=0 pf=0
    shift
    "$@" >/dev/null 2>&1 &
    pid=$!
    while [ -r "/proc/$pid/status" ] && kill -0 "$pid" 2>/dev/null; do
        while read -r k v _; do
            case $k in
            RssAnon:) [ "$v" -gt "$pa" ] && pa=$v ;;
            RssFile:) [ "$v" -gt "$pf" ] && pf=$v ;;
            esac
        done <"/proc/$pid/status" 2>/dev/null || true
        sleep 0.005
    done
    wait "$pid" || true
    echo "$pa $pf" >"$dir/$name.mem"
}
say "5. memory of fangkong's verbs (private and mapped apart)"
memory fk_cov "$FK" coverage "$round" --by grid
memory fk_miss "$FK" missing "$round" --region "$grid"
memory fk_tr1 "$FK" trace
[ "$depth" = 1 ] || memory fk_tr2 "$FK" trace --depth 2

# ---- summary ----
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
duck_version=$("${DUCK[@]}" version)
sq_version=$(sqlite3 --version | cut -d' ' -f1)

rows_s() { calc %.0f "$rows / $1"; }
fk_rs=$(rows_s "$(once fk_import)")
dk_rs=$(rows_s "$(once dk_import)")
sq_rs=$(rows_s "$(once sq_import)")
fk_own=$(tr '\r' '\n' <"$dir/fk_import.err" | grep -o '([0-9]* rows/s)' | tail -n 1 | tr -d '()' |
    cut -d' ' -f1 || true)
yes_no() { if [ "$(calc %d "$1")" = 1 ]; then echo yes; else echo no; fi; }
# speed FK PEER...: the best peer's time over fangkong's (above 1: fangkong is faster); "-" is
# a peer not asked.
speed() {
    local fk=$1 best
    shift
    best=$(printf '%s\n' "$@" | grep -v '^-$' | sort -g | sed -n 1p)
    calc %.2f "$best / $fk"
}
# row WORK FK DUCKDB SQLITE RATIO GOAL MET RSS: one line of the table.
table=()
row() { table+=("| $1 | $2 | $3 | $4 | $5× | $6 | $7 | $8 |"); }
s3() { calc %.3f "$1"; }
row "import samples, rows/s (sqlite3: keyed)" "$fk_rs" "$dk_rs" "$sq_rs" \
    "$(calc %.2f "$fk_rs / ($dk_rs > $sq_rs ? $dk_rs : $sq_rs)")" \
    "≥ 2.5× sqlite3 keyed, ≥ 1.5× DuckDB" \
    "$(yes_no "$fk_rs >= 2.5 * $sq_rs && $fk_rs >= 1.5 * $dk_rs")" \
    "$(rss fk_import) / $(rss dk_import) / $(rss sq_import)"
fk=$(once fk_cov1) dk=$(median dk_cov) sq=$(median sq_cov)
row "coverage --by grid, first call after the import, s" "$(s3 "$fk")" "$(s3 "$dk")" \
    "$(s3 "$sq")" "$(speed "$fk" "$dk" "$sq")" "≥ 10× DuckDB" "$(yes_no "$dk >= 10 * $fk")" \
    "$(rss fk_cov1) / $(rss dk_cov) / $(rss sq_cov)"
fk=$(median fk_cov)
row "coverage --by grid, second call, s" "$(s3 "$fk")" "$(s3 "$dk")" "$(s3 "$sq")" \
    "$(speed "$fk" "$dk" "$sq")" "-" "-" "$(rss fk_cov) / $(rss dk_cov) / $(rss sq_cov)"
fk=$(median fk_miss) dk=$(median dk_miss) sq=$(median sq_miss)
row "missing, one grid ($missing residents), s" "$(s3 "$fk")" "$(s3 "$dk")" "$(s3 "$sq")" \
    "$(speed "$fk" "$dk" "$sq")" "faster than sqlite3" "$(yes_no "$sq > $fk")" \
    "$(rss fk_miss) / $(rss dk_miss) / $(rss sq_miss)"
fk=$(once fk_tr1_first) dk=$(median dk_tr1)
row "trace depth 1 ($contacts1 contacts), first call after the import, s" "$(s3 "$fk")" \
    "$(s3 "$dk")" "-" "$(speed "$fk" "$dk")" "≥ 5× DuckDB" "$(yes_no "$dk >= 5 * $fk")" \
    "$(rss fk_tr1_first) / $(rss dk_tr1) / -"
fk=$(median fk_tr1)
row "trace depth 1, second call, s" "$(s3 "$fk")" "$(s3 "$dk")" "-" "$(speed "$fk" "$dk")" "-" \
    "-" "$(rss fk_tr1) / $(rss dk_tr1) / -"
if [ "$depth" = 2 ]; then
    fk=$(median fk_tr2) dk=$(median dk_tr2)
    row "trace depth 2 ($contacts2 contacts), s" "$(s3 "$fk")" "$(s3 "$dk")" "-" \
        "$(speed "$fk" "$dk")" "-" "-" "$(rss fk_tr2) / $(rss dk_tr2) / -"
fi

if [ ${#differ[@]} -eq 0 ]; then
    answers="identical: coverage of $grids grids (residents, sampled), the missing list of grid"
    answers="$answers $grid row for row, the trace lists (every column, row for row) at depth 1"
    [ "$depth" = 1 ] || answers="$answers and 2"
else
    answers="DIFFER: $(printf '%s; ' "${differ[@]}" | sed 's/; $//')"
fi
echo
echo "### fangkong and its peers from the command line (bench/run-peers.sh), $people residents"
echo
echo "$(date '+%Y-%m-%d %H:%M %Z'); machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM," \
    "$(uname -sr); load $load_start at the start, $load_end at the end; fangkong $commit" \
    "(${build_type:-unknown} build), DuckDB $duck_version with node $(node --version), sqlite3 $sq_version."
echo
echo "City: \`fangkong demo ${demo[*]}\`: $(count persons) residents in $grids grids (round $round" \
    "over $region), $rows samples (shuffled), $(count scans) scans, $(count pings) pings," \
    "$(count cases) cases. Whole processes; medians of $runs runs, but a first call is one run."
echo
echo "| question | fangkong | DuckDB | sqlite3 | fangkong ÷ best peer | goal | met | peak RSS MiB (fk / DuckDB / sqlite3) |"
echo "| --- | ---: | ---: | ---: | ---: | --- | --- | --- |"
printf '%s\n' "${table[@]}"
echo
echo "Memory of fangkong's verbs, peak resident MiB seen every 5 ms (lower bounds): private"
echo "(RssAnon), and file pages mapped (RssFile: the data file and the snapshots, shared with the"
echo "page cache). Issue 19's goal for the engine: at most 60 bytes a resident private."
echo
echo "| verb | private MiB | private bytes a resident | mapped file MiB |"
echo "| --- | ---: | ---: | ---: |"
for m in "coverage --by grid:fk_cov" "missing, one grid:fk_miss" "trace depth 1:fk_tr1" \
    "trace depth 2:fk_tr2"; do
    [ -s "$dir/${m##*:}.mem" ] || continue
    read -r a f <"$dir/${m##*:}.mem"
    echo "| ${m%:*} | $(calc %.0f "$a / 1024") | $(calc %.0f "$a * 1024 / $people") | $(calc %.0f "$f / 1024") |"
done
echo
echo "Answers: $answers."
echo "Setup, not in the table: fangkong imports the other files and the round in $fk_setup_s s;" \
    "sqlite3 .imports regions and persons in $sq_setup_s s and makes its 4 indexes + ANALYZE after" \
    "its samples in $sq_index_s s; DuckDB loads its typed tables in $dk_setup_s s." \
    "fangkong's own import figure: ${fk_own:-?} rows/s (without process start)."
[ ${#differ[@]} -eq 0 ] || exit 1
