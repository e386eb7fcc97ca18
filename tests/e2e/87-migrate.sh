#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fangkong migrate (issue 20) moves the demo city from SQLite into PostgreSQL and back into a new
# SQLite file. Each move prints table,rows,checksum, and the two moves print the same for every
# table but the audit trail, which gains the first move's row; the rows of each table are the
# ones sqlite3 counts in the source; and each store answers the trace, coverage, the control
# summary and exports as the source does. A move into a store that holds a city is refused naming
# the table, as are a missing source, a move without --to and one by a viewer account.
export FANGKONG_TEST_HASH_COST=min
. "$(dirname "$0")/lib.sh"
start_pg
NOW=2026-03-01T22:00:00+08:00
DEMO_OUT=$WORK/city DEMO_SERVE=0 NOW=$NOW bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 2000 \
    >demo.log 2>&1 || { tail -n 20 demo.log >&2; fail "demo.sh"; }
LITE=$WORK/city/fangkong.db

fk migrate --from "$LITE" --to "$PG" >to-pg.csv 2>to-pg.log; expect_rc 0 "migrate into PostgreSQL"
contains to-pg.log "moved and verified"
fk migrate --from "$PG" --to "$WORK/back.db" >back.csv 2>back.log; expect_rc 0 "migrate back"

# The rows of every table as sqlite3 counts them in the source (the samples: in segment files,
# as fangkong status counts them).
python3 - "$LITE" to-pg.csv "$(FANGKONG_DB=$LITE "$FANGKONG" status 2>/dev/null | awk -F, '$1 == "samples" { print $2 }')" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) >= 36, len(rows)
for r in rows:
    want = int(sys.argv[3]) if r["table"] == "samples" else \
        db.execute("SELECT count(*) FROM %s" % r["table"]).fetchone()[0]
    assert int(r["rows"]) == want, (r, want)
assert sum(int(r["rows"]) for r in rows) > 10000
PY
# Both moves give the same rows and checksums, but the audit trail's extra row.
grep -v '^audit,' to-pg.csv >a.csv
grep -v '^audit,' back.csv >b.csv
cmp -s a.csv b.csv || { diff a.csv b.csv | head >&2; fail "the two moves differ"; }
[ "$(awk -F, '$1 == "audit" { print $2 }' back.csv)" = \
    "$(($(awk -F, '$1 == "audit" { print $2 }' to-pg.csv) + 1))" ] ||
    fail "the move back should carry the first move's audit row"

for db in "$LITE" "$PG" "$WORK/back.db"; do
    tag=$(basename "${db%%\?*}")
    {
        FANGKONG_DB=$db "$FANGKONG" trace --depth 2 --now "$NOW"
        FANGKONG_DB=$db "$FANGKONG" coverage R1 --by grid
        FANGKONG_DB=$db "$FANGKONG" control summary --by county --now "$NOW"
        FANGKONG_DB=$db "$FANGKONG" export persons
        FANGKONG_DB=$db "$FANGKONG" export controls
    } >"answers-$tag.txt" 2>/dev/null
done
cmp -s "answers-fangkong.db.txt" "answers-postgres.txt" || fail "PostgreSQL answers differently after the move"
cmp -s "answers-fangkong.db.txt" "answers-back.db.txt" || fail "the file moved back answers differently"
[ "$(wc -l <answers-back.db.txt)" -gt 2000 ] || fail "the answers are too short to mean anything"

# Refusals, each with its reason.
fk migrate --from "$LITE" --to "$PG" >/dev/null 2>again.log; expect_rc 1 "a move into a full store"
contains again.log "holds regions already"
fk migrate --from "$WORK/no-such.db" --to "$WORK/new.db" 2>missing.log; expect_rc 1 "a missing source"
contains missing.log "no data file"
[ ! -e "$WORK/new.db" ] || fail "a refused move made its target"
fk migrate --from "$LITE" 2>no-to.log; expect_rc 1 "no --to"
contains no-to.log "give both stores"
echo "Viewer-e2e-2026-pass" | FANGKONG_DB=$LITE "$FANGKONG" user add watcher --role viewer \
    --scope 140700 >/dev/null 2>&1
fk migrate --from "$LITE" --to "$WORK/viewer.db" --as watcher 2>viewer.log >/dev/null
expect_rc 1 "a viewer's move"
contains viewer.log "only an administrator"
echo "moved $(awk -F, 'NR > 1 { n += $2 } END { print n }' to-pg.csv) rows there and back"
