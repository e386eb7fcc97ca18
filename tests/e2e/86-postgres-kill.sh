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

python3 - "$N" "$K" <<'PY'
import sys
sys.path.insert(0, __import__("os").environ["FK_SRC"] + "/tests/e2e")
from idgen import make
n, k = int(sys.argv[1]), int(sys.argv[2])
with open("regions.csv", "w") as f:
    f.write("code,name,level,parent\nX,市,city,\nK,区,county,X\nT,街道,township,K\n"
            "C,社区,community,T\nG,网格,grid,C\n")
ids = [make("140702", "19%02d%02d%02d" % (50 + i % 50, 1 + i % 12, 1 + i % 28), i % 1000)
       for i in range(n)]
with open("persons.csv", "w") as f:
    f.write("id_number,name,grid\n")
    for i, p in enumerate(ids):
        f.write("%s,居民%d,G\n" % (p, i))
with open("samples.csv", "w") as f:
    f.write("tube,id_number,time,site\n")
    for j in range(k):
        for i, p in enumerate(ids):
            f.write("T%02d%06d,%s,2022-08-%02dT08:00:00+08:00,S1\n" % (j, i // 10, p, 1 + j % 28))
PY
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
