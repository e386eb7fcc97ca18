#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An import into PostgreSQL killed with SIGKILL (issue 20), three times at different moments,
# leaves committed batches whole and nothing of the batch under way; the re-run finishes the job,
# and the store's samples then equal, row for row, those of the same file imported without
# interruption into a second database.
. "$(dirname "$0")/lib.sh"
start_pg
psql -q "$PG" -c "CREATE DATABASE clean" >/dev/null
CLEAN=${PG/postgresql:\/\/\/postgres/postgresql:\/\/\/clean}
export FANGKONG_DB=$PG
N=3000     # persons
K=40       # samples per person: 120 000 rows
BATCH=1000

python3 "$FK_SRC/tests/e2e/killcity.py" "$N" "$K"
rows=$((N * K))
for db in "$PG" "$CLEAN"; do
    FANGKONG_DB=$db fk import regions regions.csv 2>/dev/null; expect_rc 0 regions
    FANGKONG_DB=$db fk import persons persons.csv 2>/dev/null; expect_rc 0 persons
done
[ "$(count persons)" = "$N" ] || fail "persons not all imported"

# Each kill waits until more batches are committed than at the last one: a different moment.
partial=0
for round in 1 2 3; do
    "$FANGKONG" import samples samples.csv --batch $BATCH 2>/dev/null &
    pid=$!
    want=$((partial + round * BATCH))
    more() { [ "$(count samples)" -ge "$want" ] || ! kill -0 "$pid" 2>/dev/null; }
    wait_for 120 "batch $want of the import" more
    kill -KILL $pid 2>/dev/null || true
    wait $pid 2>/dev/null || true
    partial=$(count samples)
    echo "kill $round: $partial of $rows samples committed"
    [ "$partial" -lt "$rows" ] || fail "the import finished before kill $round: make the file larger"
    [ $((partial % BATCH)) -eq 0 ] || fail "a partial batch is committed: $partial rows"
done

fk import samples samples.csv --batch $BATCH 2>log.txt; expect_rc 0 "re-run"
contains log.txt "$rows read, $((rows - partial)) accepted (0 updated), $partial duplicate"
[ "$(count samples)" = "$rows" ] || fail "after the re-run: $(count samples) samples, want $rows"
FANGKONG_DB=$CLEAN fk import samples samples.csv 2>/dev/null; expect_rc 0 "clean import"
fk export samples >resumed.csv 2>/dev/null; expect_rc 0 "export resumed"
FANGKONG_DB=$CLEAN fk export samples >clean.csv 2>/dev/null; expect_rc 0 "export clean"
[ "$(wc -l <clean.csv)" -eq $((rows + 1)) ] || fail "the clean export has $(wc -l <clean.csv) lines"
cmp -s resumed.csv clean.csv || fail "the killed and resumed import differs from a clean one"
echo "three kills, each at a batch boundary; the resumed store equals a clean import"
