#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The control endpoints of fangkong serve on city-3: from-trace by the county desk of 140702 puts
# only its own county's contacts under control; 四个查清 summary and lists per scope, every count
# the length of its list; a viewer may read but not act; a device posts door events as JSON
# (rejected ones come back with their reason, alerts at once); alerts acknowledged with a note
# (400 without) and visible only in scope; regime due and board; arrivals and the back-check.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"

cp "$DATA"/*.csv .
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
done
for who in admin:admin:140700 desk:county:140702 taigu:county:140703 viewer:viewer:140702 \
    lab:lab:140700; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
start_server
# The control index is built and warmed at start, like the engine, not on the first request;
# so is the tracer, before the server listens (built on the first dashboard, it held every
# request up for as long as reading the scans takes): here mapped from the snapshot the imports
# wrote.
contains "$WORK/serve.log" "control index built in"
"$PY" - "$WORK/serve.log" <<'PY' || fail "the tracer was not ready before the server listened"
import sys
lines = open(sys.argv[1]).read().splitlines()
built = [i for i, l in enumerate(lines) if "tracer mapped from its snapshot in" in l]
listening = [i for i, l in enumerate(lines) if "fangkong serve: http://" in l]
sys.exit(0 if built and listening and built[0] < listening[0] else 1)
PY
ADMIN=$(login admin pw-admin-2022)
DESK=$(login desk pw-desk-2022)
TAIGU=$(login taigu pw-taigu-2022)
VIEWER=$(login viewer pw-viewer-2022)
LAB=$(login lab pw-lab-2022)
J=(-H 'Content-Type: application/json')

# A viewer may not act; the desk puts its county's contacts under control, twice.
api "$VIEWER" POST /api/v1/control/from-trace "${J[@]}" --data '{"depth":2}'
expect_error forbidden 403 "viewer from-trace"
api "$DESK" POST /api/v1/control/from-trace "${J[@]}" \
    --data '{"depth":2,"place":"home","at":"2022-09-01T10:00:00+08:00"}'
expect_status 200 "desk from-trace"
added=$(jq_py 'j["added"]')
[ "$added" -gt 0 ] || fail "from-trace added nothing"
api "$DESK" POST /api/v1/control/from-trace "${J[@]}" \
    --data '{"depth":2,"place":"home","at":"2022-09-02T10:00:00+08:00"}'
[ "$(jq_py 'j["added"]')" = 0 ] || fail "the second from-trace added again"
[ "$(jq_py 'j["already"]')" = "$added" ] || fail "the second from-trace: already != added"
api "$DESK" POST /api/v1/control/from-trace "${J[@]}" --data '{"place":"garden"}'
expect_error bad_request 400 "from-trace to a bad place"
api "$DESK" POST /api/v1/control/from-trace "${J[@]}" --data 'not json'
expect_error bad_request 400 "from-trace with a bad body"

# The CLI sees the same orders, all in 140702.
fk control list --status all >cli-list.csv 2>/dev/null
[ "$(($(wc -l <cli-list.csv) - 1))" = "$added" ] || fail "CLI list != added"
grep -qv '^140702' <(grep -v '^id,' cli-list.csv | cut -d, -f5) && fail "an order outside 140702"

# 四个查清 per scope: every count is the length of its list.
for tok in ADMIN DESK TAIGU VIEWER; do
    api "${!tok}" GET "/api/v1/control/summary?by=grid"
    expect_status 200 "$tok summary"
    cp "$WORK/body" "sum-$tok.json"
    "$PY" - "sum-$tok.json" >cells.txt <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["rows"]:
    print(r["region"], r["category"], r["place"], r["status"], r["persons"])
PY
    while read -r region cat place st persons; do
        api "${!tok}" GET "/api/v1/control/list?region=$region&category=$cat&place=$place&status=$st"
        [ "$(jq_py 'len(j["rows"])')" = "$persons" ] ||
            fail "$tok $region $cat/$place/$st: $persons vs $(jq_py 'len(j["rows"])')"
    done <cells.txt
done
[ "$(jq_py 'len(j["rows"])' sum-TAIGU.json)" = 0 ] || fail "太谷区 sees 榆次区's orders"
api "$TAIGU" GET "/api/v1/control/list?region=140702"
expect_error forbidden 403 "list outside the scope"

# Release by another county: the person is outside its scope.
P=$(sed -n 2p cli-list.csv | cut -d, -f2)
api "$TAIGU" POST /api/v1/control/release "${J[@]}" --data "{\"id_number\":\"$P\",\"force\":true}"
expect_error not_found 404 "release outside the scope: as for an unknown person"
api "$DESK" POST /api/v1/control/release "${J[@]}" \
    --data "{\"id_number\":\"$P\",\"at\":\"2022-09-02T10:00:00+08:00\"}"
expect_error conflict 409 "release too early"
api "$DESK" POST /api/v1/control/release "${J[@]}" \
    --data "{\"id_number\":\"$P\",\"at\":\"2022-09-09T10:00:00+08:00\",\"force\":true}"
expect_status 200 "forced release"
api "$DESK" POST /api/v1/control/extend "${J[@]}" --data "{\"id_number\":\"$P\",\"days\":2}"
expect_error not_found 404 "extend a released order"
api "$DESK" POST /api/v1/control/nothing "${J[@]}" --data '{}'
expect_error not_found 404 "unknown action"

# A door sensor on Q's order; the device posts events as JSON.
Q=$(sed -n 3p cli-list.csv | cut -d, -f2)
QS=$(sed -n 3p cli-list.csv | cut -d, -f9)
printf 'id_number,category,place,start,device\n%s,close,home,%s,DOOR-7\n' "$Q" "$QS" >ctl.csv
fk import controls ctl.csv 2>/dev/null
api "$DESK" POST /api/v1/door_events "${J[@]}" --data "[
 {\"device\":\"DOOR-7\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:10:00+08:00\",\"event\":\"open\"},
 {\"device\":\"DOOR-8\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:10:00+08:00\",\"event\":\"open\"},
 {\"device\":\"DOOR-7\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:20:00+08:00\",\"event\":\"wave\"}]"
expect_status 200 "door events"
[ "$(jq_py 'j["accepted"]')" = 1 ] || fail "door events: accepted"
[ "$(jq_py 'j["alerts"]')" = 1 ] || fail "door events: alerts"
[ "$(jq_py '[p["row"] for p in j["problems"]]')" = "[1, 2]" ] || fail "door events: problem rows"
contains "$WORK/body" "unregistered door sensor DOOR-8"
api "$DESK" POST /api/v1/door_events "${J[@]}" --data "{\"device\":\"DOOR-7\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:10:00+08:00\",\"event\":\"open\"}"
[ "$(jq_py 'j["duplicate"]')" = 1 ] && [ "$(jq_py 'j["alerts"]')" = 0 ] ||
    fail "the same event twice raised a second alert"
api "$VIEWER" POST /api/v1/door_events "${J[@]}" --data '{}'
expect_error forbidden 403 "viewer posts door events"

# Alerts: in scope only; ack needs a note; the audit trail has it.
api "$TAIGU" GET "/api/v1/alerts"
[ "$(jq_py 'len(j["rows"])')" = 0 ] || fail "太谷区 sees 榆次区's alert"
api "$DESK" GET "/api/v1/alerts?status=open"
[ "$(jq_py 'len(j["rows"])')" = 1 ] || fail "one open alert"
AID=$(jq_py 'j["rows"][0]["id"]')
[ "$(jq_py 'j["rows"][0]["kind"]')" = door_open ] || fail "alert kind"
api "$TAIGU" POST "/api/v1/alerts/$AID" "${J[@]}" --data '{"action":"ack","note":"x"}'
expect_error not_found 404 "ack outside the scope: as for an unknown alert"
api "$DESK" POST "/api/v1/alerts/$AID" "${J[@]}" --data '{"action":"ack"}'
expect_error bad_request 400 "ack without a note"
api "$DESK" POST "/api/v1/alerts/$AID" "${J[@]}" --data '{"action":"ack","note":"已电话核实"}'
expect_status 200 "ack"
api "$DESK" GET "/api/v1/alerts?status=acknowledged"
[ "$(jq_py 'j["rows"][0]["who"]')" = desk ] || fail "ack: who"
api "$DESK" GET "/api/v1/alerts?status=maybe"
expect_error bad_request 400 "bad alert status"
api "$ADMIN" GET "/api/v1/audit"
contains "$WORK/body" "alert.ack"
contains "$WORK/body" "已电话核实"
"$PY" - "$WORK/body" "$Q" "$P" <<'PY' || fail "audit rows of control actions do not name the ID number"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
for action, idn in (("alert.ack", sys.argv[2]), ("control.release", sys.argv[3])):
    got = [r for r in rows if r["action"] == action]
    assert got and all(r["target"] == idn for r in got), (action, got)
PY
"$PY" - "$WORK/body" <<'PY' || fail "POST /api/v1/door_events is not on the audit trail"
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["target"] == "door_events"]
assert [r["who"] for r in rows] == ["desk", "desk"], rows
assert any("3 read, 1 accepted, 0 duplicate, 2 rejected" in r["detail"] for r in rows), rows
PY

# Regime due: the board adds up the list, in scope.
api "$DESK" GET "/api/v1/regime/due?date=2022-09-05"
expect_status 200 "regime due"
cp "$WORK/body" due.json
api "$DESK" GET "/api/v1/regime/due?date=2022-09-05&by=county"
cp "$WORK/body" board.json
"$PY" - due.json board.json <<'PY' || fail "the regime board does not add up"
import json, sys, collections
due = json.load(open(sys.argv[1]))["rows"]
board = json.load(open(sys.argv[2]))["rows"]
assert all(r["grid"].startswith("140702") for r in due)
assert [r["region"] for r in board] == ["140702"], board
c = collections.Counter(r["state"] for r in due)
for s in ("done", "due", "overdue"):
    assert board[0][s] == c[s], (s, board[0][s], c[s])
PY
# The board of one state counts only tests in it (and persons with one).
api "$DESK" GET "/api/v1/regime/due?date=2022-09-05&by=county&state=overdue"
cp "$WORK/body" board-od.json
"$PY" - due.json board-od.json <<'PY' || fail "the regime board ignores state"
import json, sys
due = [r for r in json.load(open(sys.argv[1]))["rows"] if r["state"] == "overdue"]
b = json.load(open(sys.argv[2]))["rows"]
assert due and b[0]["overdue"] == len(due) and b[0]["done"] == 0 and b[0]["due"] == 0, b
assert b[0]["persons"] == len({(r["id_number"], r["source"]) for r in due}), b
PY
# Orders as of a day before the first: none.
api "$DESK" GET "/api/v1/control/list?date=2022-08-31"
[ "$(jq_py 'len(j["rows"])')" = 0 ] || fail "control list as of 08-31 lists later orders"
api "$DESK" GET "/api/v1/control/summary?date=2022-08-31"
[ "$(jq_py 'len(j["rows"])')" = 0 ] || fail "control summary as of 08-31 counts later orders"
# A lab account reads counts, never names.
api "$LAB" GET "/api/v1/regime/due?date=2022-09-05&by=county"
expect_status 200 "lab reads the board"
api "$LAB" GET "/api/v1/regime/due?date=2022-09-05"
expect_error forbidden 403 "lab lists persons due"
api "$LAB" GET "/api/v1/control/list"
expect_error forbidden 403 "lab lists persons under control"
api "$DESK" GET "/api/v1/regime/due?state=late"
expect_error bad_request 400 "bad state"

# A sample imported through the API meets an overdue test: the builder makes the control index
# with the new engine (the log says so) and the next list shows the test done.
read -r OD ODAY < <("$PY" - due.json <<'PY'
import json, sys
r = next(r for r in json.load(open(sys.argv[1]))["rows"] if r["state"] == "overdue")
print(r["id_number"], r["window_start"])
PY
)
[ -n "$OD" ] || fail "no overdue test to meet"
printf 'tube,id_number,time\nOD-1,%s,%sT09:00:00+08:00\n' "$OD" "$ODAY" >od.csv
api "$ADMIN" POST /api/v1/import/samples -H 'Content-Type: text/csv' --data-binary @od.csv
expect_status 200 "import the sample that meets the overdue test"
api "$DESK" GET "/api/v1/regime/due?date=2022-09-05"
"$PY" - "$WORK/body" "$OD" "$ODAY" <<'PY' || fail "the imported sample does not show on the due list"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
r = [r for r in rows if r["id_number"] == sys.argv[2] and r["window_start"] == sys.argv[3]]
assert r and r[0]["state"] == "done" and r[0]["sampled"].startswith(sys.argv[3]), r
PY
contains "$WORK/serve.log" "control index rebuilt"
# A rebuild that worked says so once, with no failure line after it (an else on the wrong if
# printed "rebuilding the engine: <garbage> (answers stay as they were)" after each). The import
# of samples extended the engine's snapshot, so the server mapped it rather than building.
contains "$WORK/serve.log" "engine mapped from its snapshot at generation"
grep -a "answers stay as they were" "$WORK/serve.log" >&2 &&
    fail "a successful rebuild logged a failure"
# An unknown import type: the hint names them all.
api "$ADMIN" POST /api/v1/import/people -H 'Content-Type: text/csv' --data-binary @od.csv
expect_error not_found 404 "import of an unknown type"
[ "$(jq_py 'j["hint"]')" = "regions, persons, venues, scans, pings, samples, results, cases, \
controls, arrivals, risk_areas, door_events, sentinels, coldchain, vaccinations, indicators, scores, assignments, units, reports, duty, inspections, problems, incident_events, zones, transfers, checkins, labs, boxes, gatherings or requests" ] || fail "unknown type hint: $(jq_py 'j["hint"]')"

# Arrivals and the back-check.
A=$(grep -v -f <(cut -d, -f2 cli-list.csv) persons.csv | grep ',140702' | sed -n 3p | cut -d, -f1)
printf 'id_number,arrived,origin\n%s,2022-09-05T08:00:00+08:00,310101\n' "$A" >arr.csv
# Through the API, whose answer waits for the engine and control index that include it (an
# import from the command line shows up one build later).
api "$ADMIN" POST /api/v1/import/arrivals -H 'Content-Type: text/csv' --data-binary @arr.csv
expect_status 200 "import the arrival"
printf 'area,level,start,name\n310101,high,2022-09-06,上海市黄浦区\n' >risk.csv
fk import risk_areas risk.csv 2>/dev/null
api "$LAB" GET "/api/v1/risk_areas"
expect_status 200 "risk areas"
[ "$(jq_py 'j["rows"][0]["backcheck_from"]')" = "2022-08-30T00:00:00+08:00" ] || fail "risk area window"
api "$DESK" GET "/api/v1/backcheck?area=310101"
expect_status 200 "backcheck"
[ "$(jq_py 'j["rows"][0]["id_number"]')" = "$A" ] || fail "backcheck lists the arrival"
api "$TAIGU" GET "/api/v1/backcheck?area=310101"
[ "$(jq_py 'len(j["rows"])')" = 0 ] || fail "backcheck leaks across counties"
api "$DESK" GET "/api/v1/backcheck?area=999999"
expect_error not_found 404 "backcheck of an unknown area"
# The command line's back-check with control is the same library call as the API's: on a twin
# of the data file, as the same account, it puts the same persons under the same control.
"$PY" -c 'import sqlite3; sqlite3.connect("fangkong.db").backup(sqlite3.connect("twin.db"))'
# the samples live in segment files beside the data file: a copy takes them too
for f in fangkong.db.samples.*; do cp "$f" "twin.db${f#fangkong.db}"; done
api "$DESK" POST /api/v1/backcheck "${J[@]}" --data '{"area":"310101","place":"centralized"}'
expect_status 200 "backcheck control"
[ "$(jq_py 'j["added"]')" = 1 ] || fail "backcheck control added"
cp "$WORK/body" bc-api.json
fk backcheck 310101 --control --place centralized --as desk --db twin.db >bc-cli.csv 2>bc-cli.txt
expect_rc 0 "CLI backcheck --control on the twin"
"$PY" - bc-api.json bc-cli.txt <<'EOF' || fail "the CLI and the API back-check with control differ"
import json, re, sqlite3, sys
api = json.load(open(sys.argv[1], encoding="utf-8"))
m = re.search(r"^(\d+) arrivals from 310101 .*; (\d+) put under centralized control, (\d+) already",
              open(sys.argv[2], encoding="utf-8").read(), re.M)
assert m and [int(g) for g in m.groups()] == [api["arrivals"], api["added"], api["already"]], (m, api)
q = "SELECT person, category, place, site FROM controls WHERE \"end\" = 0 ORDER BY person, category"
orders = [sqlite3.connect(f).execute(q).fetchall() for f in ("fangkong.db", "twin.db")]
assert orders[0] == orders[1], orders
q = "SELECT who, action, target, detail, region FROM audit WHERE action = 'control.open'"
rows = [sqlite3.connect(f).execute(q).fetchall() for f in ("fangkong.db", "twin.db")]
assert rows[0] == rows[1] and rows[0], rows
EOF
api "$DESK" GET "/api/v1/arrivals"
contains "$WORK/body" "risk_area/centralized"
api "$DESK" GET "/api/v1/control/list?category=risk_area&format=csv"
expect_status 200 "csv export"
contains "$WORK/body" "$A,"
# By the area's name too; an arrival while 310101 is a risk area is flagged and can be locked.
api "$DESK" GET "/api/v1/backcheck?area=上海市黄浦区"
expect_status 200 "backcheck by name"
[ "$(jq_py 'j["rows"][0]["id_number"]')" = "$A" ] || fail "backcheck by name lists the arrival"
A2=$(grep -v -f <(cut -d, -f2 cli-list.csv) persons.csv | grep ',140702' | sed -n 4p | cut -d, -f1)
printf 'id_number,arrived,origin\n%s,2022-09-07T08:00:00+08:00,310101\n' "$A2" >arr2.csv
api "$ADMIN" POST /api/v1/import/arrivals -H 'Content-Type: text/csv' --data-binary @arr2.csv
expect_status 200 "import the arrival from a current risk area"
api "$DESK" GET "/api/v1/regime/due?source=arrivals&date=2022-09-08"
"$PY" - "$WORK/body" "$A2" <<'PY' || fail "the arrival from a current risk area is not flagged"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
mine = [r for r in rows if r["id_number"] == sys.argv[2]]
assert mine and all(r["risk_area"].startswith("from a current risk area: 310101") for r in mine), mine
assert all(not r["risk_area"] for r in rows if r["id_number"] != sys.argv[2]), rows
PY
api "$VIEWER" POST /api/v1/control/from-arrivals "${J[@]}" --data '{}'
expect_error forbidden 403 "viewer from-arrivals"
api "$DESK" POST /api/v1/control/from-arrivals "${J[@]}" --data '{"at":"2022-09-08T10:00:00+08:00"}'
expect_status 200 "from-arrivals"
[ "$(jq_py 'j["added"]')" = 1 ] || fail "from-arrivals added $(cat "$WORK/body")"
api "$DESK" GET "/api/v1/control/list?category=risk_area&format=csv"
contains "$WORK/body" "$A2,"
exit 0
