#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A process killed mid-import (SIGKILL: no chance to clean up) leaves every committed batch whole
# and no partial batch; re-running the same import finishes the job with the same final counts as
# an import that was never interrupted, and the data file passes SQLite's integrity check.
. "$(dirname "$0")/lib.sh"
N=20000    # persons
K=40       # samples per person: 800 000 rows
BATCH=5000

python3 "$FK_SRC/tests/e2e/killcity.py" "$N" "$K"
rows=$((N * K))
fk import regions regions.csv 2>/dev/null; expect_rc 0 regions
fk import persons persons.csv 2>/dev/null; expect_rc 0 persons
[ "$(count persons)" = "$N" ] || fail "persons not all imported"

"$FANGKONG" import samples samples.csv --batch $BATCH 2>/dev/null &
pid=$!
# Wait until at least one batch is committed, then kill without warning.
for _ in $(seq 1 2000); do
    n=$(count samples || echo 0)
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.01
done
kill -KILL $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
partial=$(count samples)
echo "killed with $partial of $rows samples committed"
[ "$partial" -gt 0 ] || fail "the import was not under way when killed"
[ "$partial" -lt "$rows" ] || fail "the import finished before it was killed: make the file larger"
[ $((partial % BATCH)) -eq 0 ] || fail "a partial batch is committed: $partial rows"

# A snapshot writer killed before its rename leaves a temporary file: the next writer removes it
# (one of a process still running stays).
sh -c 'exit 0' &
dead=$!
wait $dead
: >"$FANGKONG_DB.engine.tmp$dead"
: >"$FANGKONG_DB.engine.tmp$$"

fk import samples samples.csv --batch $BATCH 2>log.txt; expect_rc 0 "re-run"
contains log.txt "$rows read, $((rows - partial)) accepted (0 updated), $partial duplicate"
[ "$(count samples)" = "$rows" ] || fail "after the re-run: $(count samples) samples, want $rows"
[ -e "$FANGKONG_DB.engine.tmp$dead" ] && fail "a killed writer's temporary snapshot was left behind"
[ -e "$FANGKONG_DB.engine.tmp$$" ] || fail "a running process's temporary snapshot was removed"
rm -f "$FANGKONG_DB.engine.tmp$$"
# The snapshot the killed and resumed imports left answers as a fresh build does.
engine_line() { "$FANGKONG" status 2>&1 >/dev/null | awk '/^data file/ { sub(/, [0-9.]+ MB, .*$/, ""); print }'; }
kept=$(engine_line)
rm -f "$FANGKONG_DB.engine"
[ "$(engine_line)" = "$kept" ] || fail "the kept engine differs from a fresh build: $kept vs $(engine_line)"

# The same file imported without interruption into a second data file gives the same answer.
FANGKONG_DB="$WORK/clean.db" "$FANGKONG" import regions regions.csv 2>/dev/null
FANGKONG_DB="$WORK/clean.db" "$FANGKONG" import persons persons.csv 2>/dev/null
FANGKONG_DB="$WORK/clean.db" "$FANGKONG" import samples samples.csv 2>/dev/null
[ "$(FANGKONG_DB="$WORK/clean.db" count samples)" = "$rows" ] || fail "clean import count"
[ "$(sqlite3 "$FANGKONG_DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity check"
# The samples live in segment files the manifest names (issue 19): every one it names is there,
# and the killed import's batches are whole in them (the export reads and checks every file).
for seq in $(sqlite3 "$FANGKONG_DB" "SELECT seq FROM segments WHERE kind = 'samples'"); do
    [ -s "$FANGKONG_DB.samples.$seq" ] || fail "the manifest names a missing segment $seq"
done
fk export samples >killed.csv; expect_rc 0 "export of the killed and resumed samples"
FANGKONG_DB="$WORK/clean.db" fk export samples >clean.csv; expect_rc 0 "export of the clean samples"
[ "$(($(wc -l <clean.csv) - 1))" = "$rows" ] || fail "the clean export has $(wc -l <clean.csv) lines"
cmp -s killed.csv clean.csv || { diff killed.csv clean.csv | head -5 >&2; fail "killed+resumed samples differ from the clean ones"; }
echo "kill -9 mid-import: whole batches only, resumed to identical counts"
