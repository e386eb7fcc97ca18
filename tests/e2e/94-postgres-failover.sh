#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Losing the database's machine (issue 20): a primary with a synchronous streaming standby
# (scripts/pg-cluster.sh standby, SYNC=1), and fangkong given both in one multi-host URI with
# target_session_attrs=read-write. The server takes rounds through the API; the primary is killed
# with SIGKILL and the standby promoted; a request sent while no primary answers is answered once
# the standby is promoted, the server's connections are made again to it (the log says so) and it
# goes on taking rounds; the command line finds the new primary too. Every round the API
# acknowledged is in the promoted standby, read there by psql: nothing acknowledged is lost. An
# import of persons on the command line, in small batches, is running when the primary is killed: it
# goes on by itself from the batches stored, on the promoted standby, counts every row of the
# file once and stores every person of it.
. "$(dirname "$0")/lib.sh"
# PostgreSQL's own durability: synchronous_commit on, so a commit waits for the standby.
export PG_DURABLE=1
start_pg
FK_PG_STANDBY=$(mktemp -u "${TMPDIR:-/tmp}/fk-pg.XXXXXX")
SYNC=1 bash "$FK_SRC/scripts/pg-cluster.sh" standby "$FK_PG_DIR" "$FK_PG_STANDBY" >/dev/null
BOTH="postgresql:///postgres?host=$FK_PG_DIR,$FK_PG_STANDBY&user=fk&target_session_attrs=read-write"
export NOW=2026-03-01T22:00:00+08:00

DEMO_DB=$BOTH DEMO_SERVE=0 DEMO_OUT=$WORK/city bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 200 \
    >demo.log 2>&1 || { tail -n 20 demo.log >&2; fail "demo.sh into the primary"; }
echo "failover-e2e-password-1" | FANGKONG_DB=$BOTH "$FANGKONG" user add chief --role admin \
    --scope 140700 >/dev/null 2>&1 || fail "user add"
FANGKONG_DB=$BOTH FANGKONG_STATE=$WORK/state start_server --now "$NOW"
token=$(login chief failover-e2e-password-1)

# round N: asks the server for round FN; its name goes to acked when the answer is 201.
round() {
    api "$token" POST /api/v1/rounds -H 'Content-Type: application/json' \
        --data-binary "{\"name\":\"F$1\",\"region\":\"140700\",\"start\":\"2026-03-01T06:00:00+08:00\",\"end\":\"2026-03-02T06:00:00+08:00\"}"
    [ "$status" != 201 ] || echo "F$1" >>acked
    echo "F$1 $status" >>asked
}
for i in $(seq 1 10); do round "$i"; done
[ "$(wc -l <acked)" = 10 ] || fail "only $(wc -l <acked) of 10 rounds taken before the failure"

# An import running when the machine is lost: a registry of its own, in batches of 100 rows.
"$FANGKONG" demo --people 20000 --seed 7 --out big --now "$NOW" >/dev/null 2>&1 || fail "demo --people 20000"
FANGKONG_DB=$BOTH fk import regions big/regions.csv 2>/dev/null; expect_rc 0 "import the regions"
# Every 97th row's ID number broken: the rejects of the batch the loss cut short come again when
# the import goes on, and the rejects file must hold each once.
python3 - big/persons.csv <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for i in range(97, len(lines), 97):
    lines[i] = "X" + lines[i]
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
people=$(($(wc -l <big/persons.csv) - 1))
FANGKONG_DB=$BOTH "$FANGKONG" import persons big/persons.csv --batch 100 >/dev/null \
    2>import.log &
importer=$!
stored_some() {
    [ "$(bash "$FK_SRC/scripts/pg-cluster.sh" sql "$FK_PG_DIR" \
        "SELECT count(*) FROM persons" 2>/dev/null || echo 0)" -ge 2200 ]
}
wait_for 60 "the import's first batches" stored_some
kill -0 "$importer" 2>/dev/null || fail "the import ended before the failover: $(cat import.log)"

# The machine is lost: a request while no primary answers, then the standby is promoted.
lines=$(wc -l <serve.log)
bash "$FK_SRC/scripts/pg-cluster.sh" kill "$FK_PG_DIR"
round 11 &
asker=$!
bash "$FK_SRC/scripts/pg-cluster.sh" promote "$FK_PG_STANDBY"
wait "$asker"
grep -qx "F11 201" asked || fail "the round asked for during the failover: $(grep F11 asked)"
rc=0
wait "$importer" || rc=$?
[ "$rc" = 3 ] || { cat import.log >&2; fail "the import cut by the failover exited $rc, not 3 (rows rejected)"; }
tr '\r' '\n' <import.log | grep -v '%' >import.out
contains import.out "the connection to the database was lost 1 time and the import went on"
contains import.out "on a new connection to $FK_PG_STANDBY"
# Every row of the file counted once (read, and accepted, duplicate or rejected), every broken row
# in the rejects file once, and every other person of the file stored in the promoted standby.
python3 - big/persons.csv import.out big/persons.csv.rejects.csv <<'PY' || fail "the import's counts"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
broken = [i + 2 for i, r in enumerate(rows) if r["id_number"].startswith("X")]
m = re.search(r"(\d+) read, (\d+) accepted \((\d+) updated\), (\d+) duplicate, (\d+) rejected",
              open(sys.argv[2]).read())
read, accepted, updated, duplicate, rejected = map(int, m.groups())
assert read == len(rows) and accepted + duplicate + rejected == read, m.groups()
assert rejected == len(broken) > 100, (rejected, len(broken))
lines = [int(r[0]) for r in csv.reader(open(sys.argv[3], encoding="utf-8")) if r and r[0].isdigit()]
assert lines == broken, (len(lines), len(broken))
PY
grep -v '^X' big/persons.csv | cut -d, -f1 | tail -n +2 | sort -u >want.ids
bash "$FK_SRC/scripts/pg-cluster.sh" sql "$FK_PG_STANDBY" "SELECT id_number FROM persons" |
    sort >have.ids
[ "$(comm -23 want.ids have.ids | wc -l)" = 0 ] ||
    fail "$(comm -23 want.ids have.ids | wc -l) persons of the file not stored"
grep "went on" import.out >&2
for i in $(seq 12 20); do round "$i"; done
made_again() { log_after serve.log "$lines" "requests' connection to the database is made again, to $FK_PG_STANDBY"; }
wait_for 10 "the log line of the requests' new connection" made_again
watched() { log_after serve.log "$lines" "announcements' connection to the database is made again"; }
wait_for 10 "the log line of the watcher's new connection" watched
built() { log_after serve.log "$lines" "builder's connection to the database is made again"; }
wait_for 10 "the log line of the builder's new connection" built
[ "$(grep -c ' 201$' asked)" = 20 ] || { cat asked >&2; fail "rounds refused after the failover"; }
api "$token" GET /api/v1/rounds
expect_status 200
contains body '"name":"F20"'

# The command line, with the same URI, finds the promoted standby.
FANGKONG_DB=$BOTH fk import samples city/samples.csv 2>again.log
expect_rc 0 "import after the failover"
contains again.log " 0 accepted (0 updated)"

# Nothing acknowledged is lost: every acknowledged round is in the new primary, read by psql.
bash "$FK_SRC/scripts/pg-cluster.sh" sql "$FK_PG_STANDBY" \
    "SELECT name FROM rounds WHERE name LIKE 'F%'" | sort >stored
sort acked >acked.sorted
missing=$(comm -23 acked.sorted stored | wc -l)
[ "$missing" = 0 ] || fail "$missing acknowledged round(s) lost: $(comm -23 acked.sorted stored | tr '\n' ' ')"
[ "$(wc -l <stored)" = 20 ] || fail "$(wc -l <stored) rounds stored, 20 acknowledged"
echo "failover: 20 rounds acknowledged, 20 in the promoted standby; the server and the command line went on; an import of $people persons went on after the loss"
