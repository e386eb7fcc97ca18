#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The same demo city imported by scripts/demo.sh into SQLite and, with DEMO_DB, into a throwaway
# PostgreSQL cluster (issue 20) answers every verb byte for byte the same: status, coverage at
# every level, a county's missing list, retests, turnaround, tracing at both depths and the
# chain, control, arrivals and the back-check, sentinels, vaccination, reports, duty, check-ins,
# problems, incidents, transfers, scores, zones, alerts, gates, the plan, the labs' pace,
# gatherings (with the demo's sign-offs) and citizen requests, and the export of every type that
# has one. Then a second import of the samples into PostgreSQL adds nothing, a person's changed
# name is told apart from the same row, and demo.sh refuses a database that holds a city already.
. "$(dirname "$0")/lib.sh"
start_pg
NOW=2026-03-01T22:00:00+08:00
export NOW DEMO_SERVE=0

DEMO_OUT=$WORK/lite bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 3000 >lite.log 2>&1 ||
    { tail -n 20 lite.log >&2; fail "demo.sh into SQLite"; }
DEMO_DB=$PG DEMO_OUT=$WORK/pg bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 3000 >pg.log 2>&1 ||
    { tail -n 20 pg.log >&2; fail "demo.sh into PostgreSQL"; }
cmp -s lite/persons.csv pg/persons.csv || fail "the two demo cities differ: the comparison means nothing"

# answers DB DIR [core]: every answer of the store DB into DIR, one file a question, with its exit
# status; with core, the first 14 only (coverage, missing, retest, turnaround, trace, control).
answers() {
    local db=$1 dir=$2 core=${3:-} level t
    mkdir "$dir"
    ask() { # NAME ARGS...
        local name=$1
        shift
        set +e
        FANGKONG_DB=$db "$FANGKONG" "$@" --now "$NOW" >"$dir/$name.out" 2>/dev/null
        echo "exit $?" >>"$dir/$name.out"
        set -e
    }
    FANGKONG_DB=$db "$FANGKONG" status >"$dir/status.out" 2>/dev/null
    for level in city county township community grid; do ask "coverage-$level" coverage R1 --by "$level"; done
    ask missing missing R1 --region 140702
    ask retest retest R1
    ask tat-site tat R1 --by site
    ask tat-lab tat R1 --by lab
    ask trace1 trace --depth 1
    ask trace2 trace --depth 2
    ask chain chain --depth 2
    ask control-summary control summary --by county
    [ -z "$core" ] || return 0
    ask control-list control list --status all
    ask regime regime due --by county
    ask alerts alerts
    ask arrivals arrivals list
    ask arrivals-check arrivals check --by county
    ask backcheck backcheck 110105
    ask sentinel sentinel board --by county
    ask vaccination vaccination coverage --by county
    ask catchup vaccination catchup
    ask reports reports status --by county
    ask checkins checkin status --by county
    ask duty duty status
    ask problems problem list
    ask incidents incident list
    ask transfers transfer list
    ask score score
    ask zones zone list
    ask gates gates --by gate
    ask assign assign gaps
    ask plan plan R1 --by county # issue 21: the plan reads the labs, zones and orders
    ask pace-labs pace R1 --view labs
    ask labs lab list
    ask gatherings gathering list
    ask gathering-status gathering status --by county
    ask requests request list
    ask request-status request status --by county
    for t in regions persons venues cases controls arrivals risk_areas coldchain samples \
        vaccinations checkins transfers zones problems labs gatherings requests; do
        ask "export-$t" export "$t"
    done
}
answers "$WORK/lite/fangkong.db" lite-answers
answers "$PG" pg-answers
# status names its data file on stderr only; every answer must be there and be the same.
[ "$(ls lite-answers | wc -l)" -ge 40 ] || fail "only $(ls lite-answers | wc -l) answers"
contains lite-answers/coverage-county.out "140702"
contains lite-answers/trace2.out "exit 0"
if ! diff -r lite-answers pg-answers >answers.diff; then
    head -n 40 answers.diff >&2
    fail "PostgreSQL answered differently from SQLite"
fi

# With FANGKONG_STATE the snapshots of a PostgreSQL store go to that folder (made when missing),
# and the core answers from them are the same again. (Some answers write: asking for alerts raises
# the ones due, so the second round is compared with SQLite's second round.)
answers "$WORK/lite/fangkong.db" lite-answers-2 core
FANGKONG_STATE=$WORK/state answers "$PG" pg-state-answers core
[ -s state/fangkong.engine ] || fail "no engine snapshot in FANGKONG_STATE"
[ -s state/fangkong.tracer ] || fail "no tracer snapshot in FANGKONG_STATE"
if ! diff -r lite-answers-2 pg-state-answers >state.diff; then
    head -n 40 state.diff >&2
    fail "PostgreSQL with its snapshots answered differently from SQLite"
fi

# The server on PostgreSQL: it needs a folder of its own, and answers as the command line does.
set +e
FANGKONG_DB=$PG "$FANGKONG" serve --port 1 >serve-nostate.log 2>&1
rc=$?
set -e
expect_rc 1 "serve on PostgreSQL without FANGKONG_STATE"
contains serve-nostate.log "set FANGKONG_STATE=DIR"
echo "pg-e2e-password-1" | FANGKONG_DB=$PG "$FANGKONG" user add chief --role admin --scope 140700 \
    >/dev/null 2>&1
FANGKONG_DB=$PG FANGKONG_STATE=$WORK/state start_server --now "$NOW" --profile pg/profile.ini
token=$(login chief pg-e2e-password-1)
api "$token" GET "/api/v1/coverage?round=R1&by=county"
expect_status 200
"$PY" - "$WORK/body" lite-answers/coverage-county.out <<'PY'
import csv, json, sys
got = json.load(open(sys.argv[1]))
rows = got["rows"] if isinstance(got, dict) else got
want = list(csv.DictReader(l for l in open(sys.argv[2]) if not l.startswith("exit ")))
assert len(rows) == len(want), (len(rows), len(want))
for g, w in zip(rows, want):
    assert (g["region"], str(g["residents"]), str(g["sampled"])) == \
        (w["region"], w["residents"], w["sampled"]), (g, w)
PY

# Two servers on one database: a round created through the other one is announced to this one
# (LISTEN/NOTIFY), with no request to it, and it lists the round. How long that took is printed,
# not asserted (a loaded machine is slower; bench/ measures).
PORT_B=$PORT BASE_B=$BASE
PORT_A=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FANGKONG_DB=$PG FANGKONG_STATE=$WORK/state-a "$FANGKONG" serve --port "$PORT_A" --now "$NOW" \
    --profile pg/profile.ini >serve-a.log 2>&1 &
SERVER_A=$!
a_up() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT_A/api/v1/me"; }
wait_for 60 "the second server" a_up
BASE=http://127.0.0.1:$PORT_A
token_a=$(login chief pg-e2e-password-1)
lines=$(wc -l <"$WORK/serve.log")
t0=$(date +%s%N)
api "$token_a" POST /api/v1/rounds -H 'Content-Type: application/json' \
    --data-binary '{"name":"R2","region":"140700","start":"2026-03-01T06:00:00+08:00","end":"2026-03-02T06:00:00+08:00"}'
expect_status 201
heard() { log_after "$WORK/serve.log" "$lines" "announced by the store"; }
wait_for 20 "the other server's announcement" heard
echo "the other server heard of the round in $((($(date +%s%N) - t0) / 1000000)) ms"
kill "$SERVER_A"
wait "$SERVER_A" 2>/dev/null || true
BASE=$BASE_B PORT=$PORT_B
api "$token" GET /api/v1/rounds
expect_status 200
contains "$WORK/body" '"name":"R2"'

# A second import of the samples adds nothing; a changed name is one update.
FANGKONG_DB=$PG "$FANGKONG" status >before.csv 2>/dev/null
FANGKONG_DB=$PG fk import samples pg/samples.csv 2>again.log; expect_rc 0 "samples again"
FANGKONG_DB=$PG "$FANGKONG" status >after.csv 2>/dev/null
grep -v '^generation' before.csv >before-rows.csv
grep -v '^generation' after.csv >after-rows.csv
same_rows before-rows.csv after-rows.csv "a second import of the samples changed a count"
contains again.log " 0 accepted (0 updated), $(($(wc -l <pg/samples.csv) - 1)) duplicate"
{ head -n 1 pg/persons.csv; sed -n 2p pg/persons.csv | awk -F, -v OFS=, '{ $2 = $2 "改"; print }'; } >renamed.csv
FANGKONG_DB=$PG fk import persons renamed.csv 2>renamed.log; expect_rc 0 "renamed person"
contains renamed.log "1 accepted (1 updated)"

# demo.sh never imports over a city.
set +e
DEMO_DB=$PG DEMO_OUT=$WORK/again bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 3000 >again-demo.log 2>&1
rc=$?
set -e
expect_rc 1 "demo.sh into a database that holds a city"
contains again-demo.log "give an empty database"
echo "PostgreSQL and SQLite answered $(ls lite-answers | wc -l) questions the same"
