#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gate checks over HTTP (GET /api/v1/check/ID, issue 18) on city-3: a gate account (role gate)
# gets, for every resident and at two moments, the colour and reason `fangkong check` answers (that
# verb is checked against an independent computation in e2e/33), never a name; it may call nothing
# else; a viewer may not check. An order opened through the API turns its person red at the next
# check (the server's index reads the orders again). Each check is counted per gate, never per
# person: GET /api/v1/gates shows the gate's counts and its last minute to an account whose scope
# holds the gate, nothing to another county's; on stop the counts are in the store (fangkong
# gates) and in the audit trail.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/regions.csv "$DATA"/persons.csv "$DATA"/samples.csv "$DATA"/results.csv \
    "$DATA"/cases.csv .
for t in regions persons cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
for who in admin:admin:140700 east:gate:140702 west:county:140703 desk:county:140702 \
    viewer:viewer:140700; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022-gate" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
# the moments: the latest sample's day at noon, and two days later
NOW=$("$PY" -c '
import csv
t = max(r["time"] for r in csv.DictReader(open("samples.csv")) if r["time"][:4].isdigit())
print(t[:10] + "T12:00:00+08:00")')
LATER=$("$PY" -c 'import sys; from datetime import datetime, timedelta
print((datetime.fromisoformat(sys.argv[1]) + timedelta(days=2)).isoformat())' "$NOW")
# some residents and every case (red)
{
    awk -F, 'NR > 1 { print $1 }' persons.csv | grep -E '^[0-9]{17}[0-9X]$' | sort -u | awk 'NR <= 300'
    awk -F, 'NR > 1 { print $1 }' cases.csv | grep -E '^[0-9]{17}[0-9X]$'
} | sort -u >ids.txt
[ "$(wc -l <ids.txt)" -gt 100 ] || fail "too few residents to check"

start_server
contains "$WORK/serve.log" "gate index of"
ADMIN=$(login admin pw-admin-2022-gate)
EAST=$(login east pw-east-2022-gate)
WEST=$(login west pw-west-2022-gate)
DESK=$(login desk pw-desk-2022-gate)
VIEWER=$(login viewer pw-viewer-2022-gate)

# ---- no gate has asked yet: an engine rebuilt (a round made through the API is answered once it
# is) builds no gate index with it, as a mass screening's server, rebuilding every second or two
# while the sampling tables commit, should not read every person again each time ----
gate_round() { # NAME: a round through the API, answered once the engine reflects it
    api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary \
        "{\"name\":\"$1\",\"region\":\"140702\",\"start\":\"2022-08-30T06:00:00+08:00\",\"end\":\"2022-08-31T06:00:00+08:00\"}"
    expect_status 201 "round $1"
}
gate_round gate-idle
grep -Eq "engine (rebuilt|mapped from its snapshot) at generation" "$WORK/serve.log" ||
    fail "no new engine after the round"
[ "$(grep -c 'gate index of' "$WORK/serve.log")" -eq 1 ] ||
    fail "a rebuild with no gate check yet built a gate index: $(grep 'gate index of' "$WORK/serve.log")"

# ---- every resident, as the command line answers ----
for at in "$NOW" "$LATER"; do
    fk check --gate station --now "$at" <ids.txt >want.csv 2>/dev/null
    expect_rc 0 "check --now $at"
    # one keep-alive connection, as a gate's device keeps
    "$PY" - "$PORT" "$EAST" "$at" >got.csv <<'PY' || fail "a check at $at: not a colour and a reason only"
import http.client, json, sys, urllib.parse
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
print("id_number,colour,reason")
for idn in open("ids.txt").read().split():
    conn.request("GET", "/api/v1/check/%s?gate=station&now=%s" % (idn, urllib.parse.quote(sys.argv[3])),
                 headers={"Authorization": "Bearer " + sys.argv[2]})
    res = conn.getresponse()
    j = json.loads(res.read())
    assert res.status == 200, (idn, res.status, j)
    assert set(j) == {"colour", "reason", "gate", "hours"}, j
    assert j["gate"] == "station" and j["hours"] == 48, j
    print(idn + "," + j["colour"] + "," + j["reason"])
PY
    cmp -s want.csv got.csv || { diff want.csv got.csv | head >&2; fail "the API's colours differ from fangkong check's at $at"; }
done
grep -qx red <(cut -d, -f2 want.csv | sort -u) || fail "no red among the residents checked"
# gates ask now: the next engine comes with its index, built off the lock
gate_round gate-busy
[ "$(grep -c 'gate index of' "$WORK/serve.log")" -eq 2 ] ||
    fail "a rebuild after gate checks built no gate index with the engine"

# ---- an order opened through the API turns the person red at once ----
ID=$(awk -F, '$2 == "yellow" && $3 == "no_test" { print $1; exit }' got.csv)
[ -n "$ID" ] || fail "no yellow resident to put under control"
api "$ADMIN" POST /api/v1/rows/controls -H 'Content-Type: application/json' \
    --data "[{\"id_number\":\"$ID\",\"category\":\"close\",\"place\":\"home\",\"start\":\"$NOW\"}]"
expect_status 200 "open an order"
enc=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$LATER")
api "$EAST" GET "/api/v1/check/$ID?gate=station&now=$enc"
[ "$(jq_py 'j["colour"] + "," + j["reason"]')" = "red,controlled" ] ||
    fail "the person put under control is not red at the next check: $(cat "$WORK/body")"

# ---- a lockdown zone declared through the API turns its residents red at once, lifted not ----
ID2=$(grep ",yellow,no_test$" got.csv | sed -n 2p | cut -d, -f1)
GRID=$(awk -F, -v id="$ID2" '$1 == id { print $4 }' persons.csv)
[ -n "$GRID" ] || fail "no grid for $ID2"
api "$ADMIN" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data "{\"name\":\"封控-1\",\"level\":\"lockdown\",\"regions\":[\"$GRID\"],\"at\":\"$NOW\"}"
expect_status 200 "declare a lockdown zone"
api "$EAST" GET "/api/v1/check/$ID2?gate=station&now=$enc"
[ "$(jq_py 'j["colour"] + "," + j["reason"]')" = "red,lockdown" ] ||
    fail "a resident of the lockdown zone is not red at the next check: $(cat "$WORK/body")"
api "$ADMIN" POST "/api/v1/zones/$("$PY" -c 'import urllib.parse; print(urllib.parse.quote("封控-1"))')/lift" \
    -H 'Content-Type: application/json' --data "{\"at\":\"$LATER\"}"
expect_status 200 "lift the zone"
api "$EAST" GET "/api/v1/check/$ID2?gate=station&now=$enc"
[ "$(jq_py 'j["reason"]')" != "lockdown" ] || fail "the zone lifted at $LATER still locks its residents down"

# ---- what a gate account may not do, and who may not check ----
for path in /api/v1/coverage /api/v1/persons?q=1 /api/v1/gates /api/v1/control/summary; do
    api "$EAST" GET "$path"
    expect_error forbidden 403 "a gate account GET $path"
done
api "$VIEWER" GET "/api/v1/check/$ID"
expect_error forbidden 403 "a viewer checks"
api "" GET "/api/v1/check/$ID"
expect_status 401 "a check without a session"
api "$EAST" GET "/api/v1/check/$ID?gate=airport"
expect_error bad_request 400 "an unknown gate type"
api "$EAST" GET "/api/v1/check/a-b"
expect_error bad_id 400 "no ID number"
bad=$("$PY" -c 'import sys; i = sys.argv[1]; print(i[:17] + ("1" if i[17] != "1" else "2"))' "$ID")
api "$EAST" GET "/api/v1/check/$bad"
expect_error bad_id 400 "a misread check character"
if grep -q "居民" "$WORK/body" got.csv; then fail "a name in a gate's answer"; fi

# ---- the counts: the gate's own, live, in its county's scope only ----

api "$ADMIN" GET "/api/v1/gates?date=${LATER:0:10}"
expect_status 200 "gates, by the admin"
"$PY" - "$WORK/body" <<'PY' || fail "the live counts are not the checks made"
import json, sys
j = json.load(open(sys.argv[1]))
rows = [r for r in j["rows"] if r["gate"] == "east"]
assert len(rows) == 1, j
r = rows[0]
# the checks at LATER fall on its day: the residents once, the controlled one, and the bad IDs
assert r["region"] == "140702" and r["type"] == "station", r
assert r["bad"] == 0 and r["total"] == r["green"] + r["yellow"] + r["red"], r
PY
later_checks=$(($(wc -l <ids.txt) + 3)) # the residents, the one put under control, the zone resident twice
[ "$(jq_py '[r["total"] for r in j["rows"] if r["gate"] == "east"][0]')" = "$later_checks" ] ||
    fail "gate east counts $(jq_py 'j["rows"]') on ${LATER:0:10}, expected $later_checks"
api "$DESK" GET "/api/v1/gates?date=${LATER:0:10}"
expect_status 200 "gates, by the desk of 140702"
[ "$(jq_py 'len([r for r in j["rows"] if r["gate"] == "east"])')" = 1 ] || fail "the desk of the gate's county does not see it"
api "$WEST" GET "/api/v1/gates?date=${LATER:0:10}"
expect_status 200 "gates, by another county"
[ "$(jq_py 'len(j["rows"])')" = 0 ] || fail "another county sees the gate: $(cat "$WORK/body")"
api "$WEST" GET "/api/v1/gates?region=140702"
expect_error forbidden 403 "another county asks for 140702's gates"
api "$ADMIN" GET "/api/v1/gates?date=${LATER:0:10}&by=hour"
expect_status 200 "gates by hour"
[ "$(jq_py 'len(j["rows"])')" = 24 ] || fail "gates by hour: not 24 hours"
[ "$(jq_py 'sum(r["total"] for r in j["rows"])')" = "$later_checks" ] || fail "gates by hour: the hours do not add up"
api "$ADMIN" GET "/api/v1/gates?date=someday"
expect_error bad_request 400 "gates on no day"

# ---- on stop the counts are stored, and audited ----
kill -TERM "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
fk gates --date "${NOW:0:10}" >now-gates.csv 2>/dev/null
expect_rc 0 "gates on ${NOW:0:10}"
fk gates --date "${LATER:0:10}" >later-gates.csv 2>/dev/null
"$PY" - "$(($(wc -l <ids.txt)))" "$later_checks" <<'PY' || fail "the stored counts are not the checks made"
import csv, sys
a = list(csv.DictReader(open("now-gates.csv")))
b = list(csv.DictReader(open("later-gates.csv")))
assert [r["gate"] for r in a] == ["east"] and int(a[0]["total"]) == int(sys.argv[1]), a
assert [r["gate"] for r in b] == ["east"] and int(b[0]["total"]) == int(sys.argv[2]), b
PY
fk audit >audit.csv 2>/dev/null
grep -q "gate.counts" audit.csv || fail "the stored counts are not audited"

# ---- another process holding the write lock never stalls the checks ----
# The server stores its counts every second here (FANGKONG_GATE_FLUSH=1); while an importer holds
# the data file's write lock, that write is tried again later, not waited for under the server's
# lock (it waited up to 10 s, and every check with it). Nothing counted is lost.
before=$(fk gates --date "${LATER:0:10}" 2>/dev/null | awk -F, 'NR == 2 { print $9 }')
FANGKONG_GATE_FLUSH=1 start_server
EAST=$(login east pw-east-2022-gate)
"$PY" - "$PORT" "$EAST" "$LATER" "$FANGKONG_DB" <<'PY' || fail "checks stalled while another process held the write lock"
import http.client, sqlite3, sys, time, urllib.parse
port, token, at, db = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ids = open("ids.txt").read().split()
lock = sqlite3.connect(db, isolation_level=None, timeout=30)
lock.execute("BEGIN IMMEDIATE")  # an importer's batch, held for 3 s
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
worst, n, t0 = 0.0, 0, time.monotonic()
while time.monotonic() - t0 < 3.0:
    s = time.monotonic()
    conn.request("GET", "/api/v1/check/%s?gate=station&now=%s" % (ids[n % len(ids)], urllib.parse.quote(at)),
                 headers={"Authorization": "Bearer " + token})
    res = conn.getresponse()
    res.read()
    assert res.status == 200, res.status
    worst = max(worst, time.monotonic() - s)
    n += 1
lock.execute("ROLLBACK")
lock.close()
open("locked-checks.txt", "w").write(str(n))
assert worst < 1.0, "a check took %.2f s while the write lock was held" % worst
PY
contains "$WORK/serve.log" "gate counts kept for later"
kill -TERM "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
after=$(fk gates --date "${LATER:0:10}" 2>/dev/null | awk -F, 'NR == 2 { print $9 }')
[ "$after" = $((before + $(cat locked-checks.txt))) ] ||
    fail "checks made while the lock was held: stored $((after - before)), made $(cat locked-checks.txt)"
echo "gate API: every resident as fangkong check answers, red at once after an order, only the check for a gate account, counts per gate in scope"
