#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fangkong on PostgreSQL against its baselines (issue 20, "Speed"), in one run on the same files,
# every figure a whole process:
#   0. import persons (rows/s), the registry: fangkong into an empty PostgreSQL store (validating,
#      one transaction a batch), against psql's \copy of the file into a bare table, and against
#      fangkong into a SQLite data file;
#   1. import samples (rows/s): fangkong into a PostgreSQL store that holds the city (validating,
#      de-duplicating, one transaction a batch), against psql's \copy of the same file into a bare
#      table (text columns, no key) on the same cluster, and against fangkong into a SQLite data
#      file that holds the same city;
#   2. the engine built from the store (the first coverage ROUND --by county with no snapshot):
#      from PostgreSQL against from SQLite, median of RUNS;
#   3. fangkong migrate of the SQLite city into a new PostgreSQL database (rows/s, every table
#      read back and verified), against pg_dump | psql of the PostgreSQL city into another.
# The city is `fangkong demo --finished --people N --seed 1`. The cluster is scripts/pg-cluster.sh
# with PostgreSQL's own settings (PG_DURABLE=1: fsync on), on a socket; fangkong is copied from
# BUILD first. Imports are timed once (a second one would find every row there).
# Usage: bench/run-pg.sh [--build DIR] [--people N] [--runs N] [--migrate 0|1]
#   --build defaults to build/, --people to 200 000, --runs to 3, --migrate to 1 (0 leaves part 3
#   out: at 10 M it moves 120 M rows). Data goes to
#   ${BENCH_TMP:-/tmp}/fk-pg-bench-N and is deleted afterwards unless BENCH_KEEP=1.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
people=200000
runs=3
migrate=1
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
    case $1 in
    --build) build=$2 ;;
    --people) people=$2 ;;
    --runs) runs=$2 ;;
    --migrate) migrate=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
dir=${BENCH_TMP:-/tmp}/fk-pg-bench-$people
rm -rf "$dir"
mkdir -p "$dir"
cp "$build/fangkong" "$dir/fangkong"
FK=$dir/fangkong
grep -q postgresql <("$FK" version) || { echo "this fangkong has no PostgreSQL store" >&2; exit 1; }
pgdir=$(mktemp -u "${TMPDIR:-/tmp}/fk-pg.XXXXXX")
cleanup() {
    bash "$top/scripts/pg-cluster.sh" stop "$pgdir"
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
PG=$(PG_DURABLE=1 bash "$top/scripts/pg-cluster.sh" start "$pgdir")
cd "$dir"

# seconds CMD...: the wall seconds of one run of CMD (its output dropped).
seconds() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}
# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "== the city: $people residents"
"$FK" demo --people "$people" --seed 1 --finished --out city >/dev/null 2>&1
rows=$(($(wc -l <city/samples.csv) - 1))
IFS=, read -r round region start end <city/round.txt
persons=$(($(wc -l <city/persons.csv) - 1))
echo "== import persons: $persons rows"
psql -q "$PG" -c "CREATE TABLE bare_persons (id_number text, name text, phone text, grid text,
    household text, tags text, address text)"
pcopy_s=$(seconds psql -q "$PG" -c "\\copy bare_persons FROM 'city/persons.csv' WITH (FORMAT csv, HEADER)")
for db in "$PG" "$dir/city.db"; do
    FANGKONG_DB=$db "$FK" import regions city/regions.csv >/dev/null 2>&1
done
ppg_s=$(FANGKONG_DB=$PG seconds "$FK" import persons city/persons.csv)
plite_s=$(FANGKONG_DB=$dir/city.db seconds "$FK" import persons city/persons.csv)
[ "$(psql -Atq "$PG" -c 'SELECT count(*) FROM persons')" = "$persons" ] ||
    { echo "fangkong stored $(psql -Atq "$PG" -c 'SELECT count(*) FROM persons') of $persons persons" >&2; exit 1; }
for db in "$PG" "$dir/city.db"; do
    FANGKONG_DB=$db "$FK" round create "$round" --region "$region" --start "$start" --end "$end" \
        >/dev/null 2>&1
done

echo "== import samples: $rows rows"
psql -q "$PG" -c "CREATE TABLE bare (tube text, id_number text, time text, site text, shipped text)"
copy_s=$(seconds psql -q "$PG" -c "\\copy bare FROM 'city/samples.csv' WITH (FORMAT csv, HEADER)")
pg_s=$(FANGKONG_DB=$PG seconds "$FK" import samples city/samples.csv)
lite_s=$(FANGKONG_DB=$dir/city.db seconds "$FK" import samples city/samples.csv)
[ "$(psql -Atq "$PG" -c 'SELECT count(*) FROM samples')" = "$rows" ] ||
    { echo "fangkong stored $(psql -Atq "$PG" -c 'SELECT count(*) FROM samples') of $rows samples" >&2; exit 1; }

echo "== engine built from the store: coverage $round --by county, $runs runs"
a=$(FANGKONG_DB=$PG "$FK" coverage "$round" --by county 2>/dev/null)
b=$(FANGKONG_DB=$dir/city.db "$FK" coverage "$round" --by county 2>/dev/null)
[ "$a" = "$b" ] || { echo "the two stores answer differently" >&2; exit 1; }
pg_b=$(for _ in $(seq "$runs"); do FANGKONG_DB=$PG seconds "$FK" coverage "$round" --by county; done | median)
lite_b=$(for _ in $(seq "$runs"); do
    rm -f "$dir/city.db.engine"
    FANGKONG_DB=$dir/city.db seconds "$FK" coverage "$round" --by county
done | median)

if [ "$migrate" = 1 ]; then
    echo "== migrate the SQLite city into a new database"
    psql -q "$PG" -c "CREATE DATABASE moved" -c "CREATE DATABASE dumped"
    moved=${PG/\/postgres\?//moved?}
    dumped=${PG/\/postgres\?//dumped?}
    mig_s=$(seconds bash -c "'$FK' migrate --from '$dir/city.db' --to '$moved' >moved.csv")
    "$FK" migrate --from "$dir/city.db" --to "$moved" >/dev/null 2>&1 &&
        { echo "a second migrate into the moved city was not refused" >&2; exit 1; }
    moved_rows=$(awk -F, 'NR > 1 { n += $2 } END { print n }' moved.csv)
    [ "$moved_rows" -gt "$rows" ] || { echo "migrate moved $moved_rows rows" >&2; exit 1; }
    dump_s=$(seconds bash -c "pg_dump --no-owner -T bare -T bare_persons '$PG' | psql -q '$dumped'")
fi

rate() { awk -v n="${2:-$rows}" -v s="$1" 'BEGIN { printf "%d\n", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }
cat <<MD

| ${persons} persons | seconds | rows/s | against psql \\copy |
| --- | ---: | ---: | ---: |
| psql \\copy into a bare table | $pcopy_s | $(rate "$pcopy_s" "$persons") | 1.00 |
| fangkong import persons, PostgreSQL | $ppg_s | $(rate "$ppg_s" "$persons") | $(ratio "$pcopy_s" "$ppg_s") |
| fangkong import persons, SQLite | $plite_s | $(rate "$plite_s" "$persons") | $(ratio "$pcopy_s" "$plite_s") |

| ${people} residents, ${rows} samples | seconds | rows/s | against psql \\copy |
| --- | ---: | ---: | ---: |
| psql \\copy into a bare table | $copy_s | $(rate "$copy_s") | 1.00 |
| fangkong import samples, PostgreSQL | $pg_s | $(rate "$pg_s") | $(ratio "$copy_s" "$pg_s") |
| fangkong import samples, SQLite | $lite_s | $(rate "$lite_s") | $(ratio "$copy_s" "$lite_s") |

| engine from the store, coverage by county | seconds (median of $runs) | PostgreSQL ÷ SQLite time |
| --- | ---: | ---: |
| from SQLite | $lite_b | 1.00 |
| from PostgreSQL | $pg_b | $(ratio "$pg_b" "$lite_b") |
MD
[ "$migrate" = 1 ] && cat <<MD

| the city into a new database, $moved_rows rows | seconds | rows/s | against pg_dump \| psql |
| --- | ---: | ---: | ---: |
| pg_dump \| psql (PostgreSQL to PostgreSQL) | $dump_s | $(rate "$dump_s" "$moved_rows") | 1.00 |
| fangkong migrate, SQLite to PostgreSQL, verified | $mig_s | $(rate "$mig_s" "$moved_rows") | $(ratio "$dump_s" "$mig_s") |
MD
cat <<MD

machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; load $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$top" rev-parse --short HEAD); $(date -u +%F)
MD
