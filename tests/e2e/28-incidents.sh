#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Response timers (响应时限, issue 17) on the worked example city-3: one case gets a reported time
# (its timers start there), response events are imported with bad rows that must be rejected with
# their reasons (not a case, an unknown event, a time before the case's start, an unknown
# person), control orders are written for the close contacts `fangkong trace` finds for each case
# (in time, exactly at 24 h, a second late, never, or an order that ended before the case), and a
# round over the city begins. `fangkong incident list` is compared, row by row, with the timers
# computed again here in Python from those files and the trace (lock24 at 100 % and, through a
# profile, at 50 %); --open keeps only the cases with a deadline not met. The event action is
# audited and checked for role and scope on the command line and over the API, whose list equals
# the command line's and is cut to the caller's county.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-08-28T11:20:00+08:00
NOWQ=2022-08-28T11:20:00%2B08:00

for t in regions persons venues scans pings cases; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done
# The first case was reported 20 minutes before its confirmation: an old-style cases file (no
# reported column) then changes nothing.
c1=$(sed -n 2p "$DATA/cases.csv" | cut -d, -f1)
c2=$(sed -n 3p "$DATA/cases.csv" | cut -d, -f1)
c3=$(sed -n 4p "$DATA/cases.csv" | cut -d, -f1)
c4=$(sed -n 5p "$DATA/cases.csv" | cut -d, -f1)
c5=$(sed -n 6p "$DATA/cases.csv" | cut -d, -f1)
printf 'id_number,confirmed,onset,kind,isolated,reported\n%s,,2022-08-25T08:40:00+08:00\n' "$(sed -n 2p "$DATA/cases.csv" | tr -d '\r')" >reported.csv
fk import cases reported.csv >/dev/null 2>rep.err
expect_rc 0 "import cases with reported"
fk import cases "$DATA/cases.csv" >/dev/null 2>old.err
expect_rc 0 "import the old cases file again"
contains old.err "0 accepted"
fk round create R1 --region 140700 --start 2022-08-28T06:00:00+08:00 --end 2022-08-29T06:00:00+08:00 >/dev/null 2>&1
expect_rc 0 "round create"

# ---- the close contacts of each case, from the trace, and control orders for them ----
for c in "$c1" "$c2" "$c3" "$c4" "$c5"; do
    fk trace --case "$c" 2>/dev/null | awk -F, -v c="$c" 'NR > 1 && $3 == "close" { print c "," $1 }'
done >contacts.csv
[ "$(wc -l <contacts.csv)" -ge 6 ] || fail "the fixture's cases have only $(wc -l <contacts.csv) close contacts"
"$PY" - "$DATA/cases.csv" reported.csv <<'PY'
import csv, sys
from datetime import datetime, timedelta
start = {r["id_number"]: r["confirmed"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
for r in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    start[r["id_number"]] = r["reported"]
out = csv.writer(open("controls.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
out.writerow(["id_number", "category", "place", "start", "end"])
seen = set()
for i, (case, person) in enumerate(csv.reader(open("contacts.csv", encoding="utf-8"))):
    if person in seen:
        continue
    seen.add(person)
    s = datetime.fromisoformat(start[case])
    k = i % 5
    f = lambda t: t.isoformat()
    if k == 0:
        out.writerow([person, "close", "centralized", f(s + timedelta(hours=2)), ""])
    elif k == 1:
        out.writerow([person, "close", "centralized", f(s + timedelta(hours=24)), ""])
    elif k == 2:
        out.writerow([person, "close", "home", f(s + timedelta(hours=24, seconds=1)), ""])
    elif k == 4:  # an order that had ended before the case: not locked by it
        out.writerow([person, "other", "home", f(s - timedelta(days=10)), f(s - timedelta(days=5))])
PY
fk import controls controls.csv >/dev/null 2>ctl.err
expect_rc 0 "import controls"

# ---- the events, with the rows that must be rejected ----
notcase=$(sed -n 1p contacts.csv | cut -d, -f2)
stranger=$("$PY" "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 999)
cat >incident_events.csv <<EOF
case,event,time,note
$c1,onsite,2022-08-25T09:10:00+08:00,exactly 30 minutes after the report
$c1,activated,2022-08-25T09:40:01+08:00,a second late
$c2,到场,2022-08-26T14:20:00+08:00,
$c2,activated,2022-08-26T14:50:00+08:00,
$c2,onsite,2022-08-26T14:25:00+08:00,a later one: the first counts
$c3,onsite,2022-08-27T08:45:00+08:00,late
$c5,activated,2022-08-28T11:30:00+08:00,after NOW: not yet
$notcase,onsite,2022-08-26T10:00:00+08:00,
$c2,arrived,2022-08-26T14:20:00+08:00,
$c2,onsite,2022-08-26T13:59:59+08:00,
$stranger,onsite,2022-08-26T10:00:00+08:00,
EOF
fk import incident_events incident_events.csv >/dev/null 2>ev.err
expect_rc 3 "import incident_events with bad rows"
rej=incident_events.csv.rejects.csv
[ "$(($(wc -l <"$rej") - 1))" -eq 4 ] || fail "rejects: $(cat "$rej")"
contains "$rej" "$notcase is not a case (import it in a cases file first)"
contains "$rej" "event 'arrived' is not onsite or activated"
contains "$rej" "time 2022-08-26T13:59:59+08:00 is before the case's start 2022-08-26T14:00:00+08:00"
contains "$rej" "unknown person $stranger"
head -n 8 incident_events.csv >good-events.csv

# ---- the timers, computed here from the files and the trace ----
expected() { # PCT NOW OPEN
    "$PY" - "$DATA/cases.csv" reported.csv "$DATA/persons.csv" "$DATA/regions.csv" contacts.csv \
        controls.csv good-events.csv "$1" "$2" "$3" <<'PY'
import csv, sys
from datetime import datetime
cases_f, rep_f, persons_f, regions_f, contacts_f, controls_f, events_f, pct, now, open_only = sys.argv[1:]
pct, open_only = int(pct), open_only == "1"
ts = lambda s: int(datetime.fromisoformat(s).timestamp())
iso = lambda t: datetime.fromtimestamp(t).astimezone().isoformat() if t else ""
now = ts(now)
rd = lambda f: list(csv.DictReader(open(f, encoding="utf-8")))
regions = {r["code"]: r for r in rd(regions_f)}
grid = {r["id_number"]: r["grid"] for r in rd(persons_f)}
def county(g):
    while g and regions[g]["level"] != "county":
        g = regions[g]["parent"]
    return g
def ancestors(g):
    out = []
    while g:
        out.append(g)
        g = regions[g]["parent"]
    return out
rep = {r["id_number"]: ts(r["reported"]) for r in rd(rep_f)}
cases = [(rep.get(r["id_number"], ts(r["confirmed"])), r["id_number"]) for r in rd(cases_f)]
contacts = {}
for c, p in csv.reader(open(contacts_f, encoding="utf-8")):
    contacts.setdefault(c, []).append(p)
orders = {}
for r in rd(controls_f):
    orders.setdefault(r["id_number"], []).append((ts(r["start"]), ts(r["end"]) if r["end"] else 0))
events = {}
for r in rd(events_f):
    ev = {"到场": "onsite"}.get(r["event"], r["event"])
    t = ts(r["time"])
    if t <= now:
        k = (r["case"], ev)
        events[k] = min(events.get(k, t), t)
rounds = [(ts("2022-08-28T06:00:00+08:00"), "140700")]
INF = float("inf")
def judge(start, limit, at):
    due = start + limit
    if at and at <= due:
        return "met", at, (due - at) // 60
    if not at and now <= due:
        return "open", 0, (due - now) // 60
    x = at or now
    return "missed", at, -((x - due + 59) // 60)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow("case,region,region_name,start,deadline,limit_min,due,state,at,margin_min".split(","))
for start, c in sorted(cases):
    if start > now:
        continue
    cty = county(grid[c])
    rows = []
    for name, limit in (("onsite", 1800), ("activated", 3600)):
        rows.append((name, limit) + judge(start, limit, events.get((c, name), 0)))
    locked = []
    for p in contacts.get(c, []):
        ok = [s for s, e in orders.get(p, []) if s <= now and (e == 0 or e >= start)]
        locked.append(min(ok) if ok else INF)
    locked.sort()
    if not locked:
        at = start
    else:
        k = max(1, (len(locked) * pct + 99) // 100)
        at = locked[k - 1]
        at = 0 if at == INF else max(at, start)
    rows.append(("lock24", 86400) + judge(start, 86400, at))
    rs = [s for s, reg in rounds if s >= start and s <= now and reg in ancestors(cty)]
    rows.append(("screen72", 259200) + judge(start, 259200, min(rs) if rs else 0))
    if open_only and all(r[2] == "met" for r in rows):
        continue
    for name, limit, state, at, margin in rows:
        w.writerow([c, cty, regions[cty]["name"], iso(start), name, limit // 60, iso(start + limit),
                    state, iso(at), margin])
PY
}
TZ=Asia/Shanghai expected 100 "$NOW" 0 >want.csv
fk incident list --now "$NOW" >got.csv 2>list.err
expect_rc 0 "incident list"
diff -u want.csv got.csv >&2 || fail "incident list differs from the independent computation"
grep -q ",missed," got.csv || fail "no deadline missed in the fixture"
grep -q ",open," got.csv || fail "no deadline open in the fixture"
grep -q ",met," got.csv || fail "no deadline met in the fixture"
contains got.csv "$c1,140702,榆次区,2022-08-25T08:40:00+08:00,onsite,30,2022-08-25T09:10:00+08:00,met,2022-08-25T09:10:00+08:00,0"
contains got.csv "$c1,140702,榆次区,2022-08-25T08:40:00+08:00,activated,60,2022-08-25T09:40:00+08:00,missed,2022-08-25T09:40:01+08:00,-1"
[ "$(grep -c ",lock24," got.csv)" -eq 5 ] || fail "lock24 rows: $(grep -c ",lock24," got.csv)"
TZ=Asia/Shanghai expected 100 "$NOW" 1 >want-open.csv
fk incident list --open --now "$NOW" >got-open.csv 2>/dev/null
diff -u want-open.csv got-open.csv >&2 || fail "incident list --open differs"
printf '[incident]\nlock_pct = 50\n' >half.ini
TZ=Asia/Shanghai expected 50 "$NOW" 0 >want-half.csv
fk incident list --now "$NOW" --profile half.ini >got-half.csv 2>/dev/null
diff -u want-half.csv got-half.csv >&2 || fail "incident list at lock_pct 50 differs"
cmp -s got.csv got-half.csv && fail "lock_pct 50 changed nothing: the fixture does not test it"

# The contacts behind lock24 are the trace's close contacts.
fk incident contacts "$c1" --now "$NOW" >c1.csv 2>/dev/null
expect_rc 0 "incident contacts"
[ "$(($(wc -l <c1.csv) - 1))" -eq "$(grep -c "^$c1," contacts.csv)" ] || fail "contacts of $c1: $(cat c1.csv)"

# ---- the event action: role, scope, audit ----
for u in chief:admin:140700 yuci:viewer:140702 tg:county:140703; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
c4county=$(awk -F, -v id="$c4" '$1 == id { print $2; exit }' got.csv)
[ "$c4county" = 140703 ] || fail "the fixture's fourth case is not in 太谷区: $c4county"
fk incident event "$c4" onsite --at 2022-08-27T20:25:00+08:00 --note "县指挥部到场" --as tg 2>ev1.err
expect_rc 0 "incident event as the county account"
fk incident event "$c1" onsite --at 2022-08-25T09:05:00+08:00 --as tg 2>ev2.err
expect_rc 1 "incident event outside the scope"
contains ev2.err "no person with ID number $c1"
fk incident event "$c1" onsite --at 2022-08-25T09:05:00+08:00 --as yuci 2>ev3.err
expect_rc 1 "incident event as a viewer"
contains ev3.err "may not record response events"
fk incident event "$c4" activated --at 2022-08-27T19:59:59+08:00 2>ev4.err
expect_rc 1 "incident event before the start"
contains ev4.err "before the case's start"
fk audit >audit.csv 2>/dev/null
contains audit.csv "incident.event,$c4"
contains audit.csv "县指挥部到场"
fk incident list --now "$NOW" >after.csv 2>/dev/null
contains after.csv "$c4,140703,太谷区,2022-08-27T20:00:00+08:00,onsite,30,2022-08-27T20:30:00+08:00,met,2022-08-27T20:25:00+08:00,5"

# ---- the API ----
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
tg=$(login tg pw-tg-2022-x)
api "$chief" GET "/api/v1/incidents?now=$NOWQ&format=csv"
expect_status 200 "incidents as csv"
tr -d '\r' <"$WORK/body" >api.csv
diff -u after.csv api.csv >&2 || fail "the API's list differs from the CLI's"
api "$chief" GET "/api/v1/incidents?now=$NOWQ&open=1"
expect_status 200 "incidents open=1"
fk incident list --open --now "$NOW" >after-open.csv 2>/dev/null
[ "$(jq_py 'j["total"]')" -eq "$(($(wc -l <after-open.csv) - 1))" ] || fail "open=1 total $(jq_py 'j["total"]')"
api "$yuci" GET "/api/v1/incidents?now=$NOWQ&format=csv"
expect_status 200 "incidents as the 榆次区 viewer"
tr -d '\r' <"$WORK/body" >api-yuci.csv
fk incident list --region 140702 --now "$NOW" >cli-yuci.csv 2>/dev/null
diff -u cli-yuci.csv api-yuci.csv >&2 || fail "the viewer's list differs from --region 140702"
grep -q ",140703,\|,140729," api-yuci.csv && fail "the 榆次区 viewer sees another county's case"
[ "$(($(wc -l <api-yuci.csv) - 1))" -gt 0 ] || fail "the viewer sees no case"
api "$yuci" GET "/api/v1/incidents?region=140703&now=$NOWQ"
expect_error forbidden 403 "another county's incidents"
api "$yuci" GET "/api/v1/incidents/$c4?now=$NOWQ"
expect_error not_found 404 "another county's case"
api "$yuci" GET "/api/v1/incidents/$c1?now=$NOWQ"
expect_status 200 "the viewer's own case"
[ "$(jq_py 'len(j["timers"])')" -eq 4 ] || fail "timers of $c1: $(head -c 300 "$WORK/body")"
[ "$(jq_py 'j["case"]["start"]')" = 2022-08-25T08:40:00+08:00 ] || fail "start of $c1: $(jq_py 'j["case"]')"
[ "$(jq_py 'len(j["contacts"])')" -eq "$(grep -c "^$c1," contacts.csv)" ] || fail "contacts of $c1 over the API"
api "$yuci" POST "/api/v1/incidents/$c1/events" -H 'Content-Type: application/json' \
    --data-binary '{"event":"onsite","at":"2022-08-25T09:05:00+08:00"}'
expect_error forbidden 403 "a viewer posting an event"
api "$tg" POST "/api/v1/incidents/$c1/events" -H 'Content-Type: application/json' \
    --data-binary '{"event":"onsite","at":"2022-08-25T09:05:00+08:00"}'
expect_error not_found 404 "an event of another county's case"
api "$tg" POST "/api/v1/incidents/$c4/events" -H 'Content-Type: application/json' \
    --data-binary '{"event":"arrived","at":"2022-08-27T20:40:00+08:00"}'
expect_error bad_request 400 "an unknown event"
api "$tg" POST "/api/v1/incidents/$c4/events" -H 'Content-Type: application/json' \
    --data-binary '{"event":"activated","at":"2022-08-27T19:00:00+08:00"}'
expect_error bad_request 400 "an event before the start"
api "$tg" POST "/api/v1/incidents/$c4/events" -H 'Content-Type: application/json' \
    --data-binary '{"event":"activated","at":"2022-08-27T20:40:00+08:00","note":"启动"}'
expect_status 200 "an event of the county's own case"
[ "$(jq_py 'j["did"]')" = new ] || fail "the event's answer: $(cat "$WORK/body")"
api "$chief" GET "/api/v1/incidents/$c4?now=$NOWQ"
expect_status 200 "the case after its event"
[ "$(jq_py '[t["state"] for t in j["timers"] if t["deadline"] == "activated"][0]')" = met ] ||
    fail "activated of $c4 after the event: $(head -c 400 "$WORK/body")"
fk audit >audit2.csv 2>/dev/null
[ "$(grep -c "incident.event,$c4" audit2.csv)" -eq 2 ] || fail "audit rows of $c4: $(grep "incident.event" audit2.csv)"
