#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fangkong serve and the snapshots (issue 19): an import of results over the API keeps the tracer
# (nothing it reads changed: no rebuild) and extends the engine's snapshot, which the server then
# maps; an import of scans extends the tracer's snapshot, which the server maps rather than
# reading the store again; a build that caught up with the store writes its snapshot beside the
# data file, so the command line (and the next start) maps what the server holds, and the
# answers are those of a fresh build.
. "$(dirname "$0")/lib.sh"
fk demo --people 3000 --seed 9 --out city --finished 2>/dev/null; expect_rc 0 demo
for t in regions persons venues scans pings cases samples; do
    fk import "$t" "city/$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
IFS=, read -r name region start end <city/round.txt
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
echo 'Qx7-vTr9-kpL2-wZm4' | "$FANGKONG" user add chief --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add chief"
ENG="$FANGKONG_DB.engine"
TRC="$FANGKONG_DB.tracer"
# store_gen: the data file's generation; snap_gen FILE: the one a snapshot was built at (its
# header's 8 bytes at offset 16), neither read through fangkong, which would build what is stale
store_gen() { "$PY" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT value FROM meta WHERE key = ?", ("generation",)).fetchone()[0])' "$FANGKONG_DB"; }
snap_gen() { od -An -t d8 -j 16 -N 8 "$1" 2>/dev/null | tr -d ' ' || true; }
at_store() { [ "$(snap_gen "$1")" = "$(store_gen)" ]; }

fk trace --depth 2 >before.csv 2>/dev/null; expect_rc 0 "trace before"
start_server
ADMIN=$(login chief Qx7-vTr9-kpL2-wZm4)
api "$ADMIN" GET "/api/v1/trace?depth=2"
expect_status 200 "trace"

# Results over the API: the tracer is kept (its data unchanged), not rebuilt.
n=$(wc -l <"$WORK/serve.log")
api "$ADMIN" POST /api/v1/import/results -H 'Content-Type: text/csv' --data-binary @city/results.csv
expect_status 200 "import results"
api "$ADMIN" GET "/api/v1/trace?depth=2"
expect_status 200 "trace after results"
wait_for 30 "the tracer kept" log_after "$WORK/serve.log" "$n" "tracer kept at generation"
log_after "$WORK/serve.log" "$n" "tracer rebuilt" && fail "an import of results rebuilt the tracer"
at_store "$ENG" || fail "the import of results did not extend the engine's snapshot to the store"
wait_for 30 "the engine mapped" log_after "$WORK/serve.log" "$n" "engine mapped from its snapshot"
log_after "$WORK/serve.log" "$n" "engine rebuilt" && fail "the server rebuilt the engine the import extended"

# Scans over the API: the tracer is rebuilt, and its snapshot written once it caught up.
# (a resident nobody traced, where and when a close contact met a case)
IFS=, read -r venue when < <(awk -F, '$3 == "close" && $5 ~ /^venue:/ { sub(/^venue:/, "", $5); print $5 "," $6; exit }' before.csv)
[ -n "$venue" ] || fail "no close contact at a venue"
other=$(awk -F, 'NR > 1 { print $1 }' city/persons.csv | grep -E '^[0-9]{17}[0-9X]$' |
    grep -vxFf <(cut -d, -f1 before.csv city/cases.csv) | sed -n 5p)
printf 'id_number,venue,time\n%s,%s,%s\n' "$other" "$venue" "$when" >one-scan.csv
n=$(wc -l <"$WORK/serve.log")
api "$ADMIN" POST /api/v1/import/scans -H 'Content-Type: text/csv' --data-binary @one-scan.csv
expect_status 200 "import scans"
api "$ADMIN" GET "/api/v1/trace?depth=2"
expect_status 200 "trace after scans"
at_store "$TRC" || fail "the import of scans did not extend the tracer's snapshot to the store"
wait_for 30 "the tracer mapped" log_after "$WORK/serve.log" "$n" "tracer mapped from its snapshot"
log_after "$WORK/serve.log" "$n" "tracer rebuilt" && fail "the server rebuilt the tracer the import extended"
fk trace --depth 2 >served.csv 2>served.err; expect_rc 0 "trace from the server's snapshot"
contains served.err "tracer mapped from its snapshot"
grep -q "^$other," served.csv || fail "the scan imported over the API put no contact: $other"
grep -q "engine: .*loaded from its snapshot" <("$FANGKONG" status 2>&1 >/dev/null) ||
    fail "the engine's snapshot the server wrote is not current"
kill -TERM "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=

rm -f "$TRC"
fk trace --depth 2 >fresh.csv 2>/dev/null; expect_rc 0 "trace, fresh"
cmp -s served.csv fresh.csv || { diff served.csv fresh.csv | sed -n 1,5p >&2; fail "the server's snapshot answers otherwise than a fresh build"; }
echo "serve: the tracer kept through results; the snapshots extended by the API's imports and mapped by the server and the command line"
