#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Closed-loop transfers (闭环转运, 点对点, issue 18) on the worked example city-3: a plan of transfer
# tasks (arrivals from the airport and the station, students from a school) is generated here with
# a file of events (pick-ups and hand-overs: on time, exactly at planned + slack, a second late,
# never, after NOW), imported in two files (the plan has no event columns, so a second import of
# it keeps the events), and `fangkong transfer list` (all, --open, --overdue, --region) and
# `transfer status` (by county and township) are compared with the states computed again here in
# Python from the files. Bad rows are rejected with their line and reason; a re-import adds
# nothing. The event action is checked for its rules, role, scope and audit on the command line
# and over the API, whose answers equal the command line's and are cut to the caller's county.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-08-28T12:00:00+08:00
NOWQ=2022-08-28T12:00:00%2B08:00

for t in regions persons; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done

# ---- the plan and its events, generated ----
"$PY" - "$DATA/persons.csv" "$NOW" <<'PY'
import csv, random, sys
from datetime import datetime, timedelta
persons = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
now = datetime.fromisoformat(sys.argv[2])
rnd = random.Random(18)
f = lambda t: t.isoformat() if t else ""
SLACK = timedelta(minutes=60)
plan = csv.writer(open("plan.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
ev = csv.writer(open("events.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
head = ["task", "id_number", "from_kind", "from", "to_kind", "to", "vehicle", "escort", "planned"]
plan.writerow(head)
ev.writerow(head + ["picked_up", "handed_over"])
froms = [("airport", "武宿机场"), ("station", "太原南站"), ("school", "榆次一中"), ("机场", "武宿机场 T2")]
tos = [("isolation_site", "榆次区集中隔离点"), ("home", "居家"), ("隔离点", "太谷区隔离酒店")]
pool = rnd.sample(persons, 60)
i = 0
for k in range(14):
    task = "T%03d" % (k + 1)
    fk, fp = froms[k % len(froms)]
    tk, tp = tos[k % len(tos)]
    planned = now + timedelta(minutes=rnd.randrange(-360, 180))
    if k == 0:
        planned = now - SLACK - timedelta(minutes=30)
    vehicle, escort = "晋K%05d" % rnd.randrange(100000), "护送员%d 139%08d" % (k, rnd.randrange(10 ** 8))
    for _ in range(rnd.randrange(2, 6)):
        p = pool[i]
        i += 1
        row = [task, p["id_number"], fk, fp, tk, tp, vehicle, escort, f(planned)]
        plan.writerow(row)
        deadline = planned + SLACK
        s = 8 if k in (6, 11) else rnd.randrange(9) if k else i % 4
        pu = ho = None
        if s == 0:   # on time
            pu, ho = planned - timedelta(minutes=50), planned - timedelta(minutes=rnd.randrange(0, 40))
        elif s == 1: # exactly at planned + slack
            pu, ho = planned - timedelta(minutes=30), deadline
        elif s == 2: # a second late
            pu, ho = planned - timedelta(minutes=30), deadline + timedelta(seconds=1)
        elif s == 3: # picked up only
            pu = planned - timedelta(minutes=rnd.randrange(5, 60))
        elif s == 4: # late by minutes
            pu, ho = planned, deadline + timedelta(minutes=rnd.randrange(1, 90), seconds=rnd.randrange(60))
        elif s == 5: # events after NOW are not known yet
            pu, ho = now + timedelta(minutes=5), now + timedelta(minutes=20)
        if pu and pu > now + timedelta(hours=23):
            continue
        if pu or ho:
            ev.writerow(row + [f(pu), f(ho)])
PY
fk import transfers plan.csv >/dev/null 2>plan.err
expect_rc 0 "import the plan"
fk import transfers events.csv >/dev/null 2>events.err
expect_rc 0 "import the events"
n=$(($(wc -l <plan.csv) - 1))
[ "$(count transfers)" -eq "$n" ] || fail "the store holds $(count transfers) transfers, the plan $n"
# The plan again keeps the events (it has no such columns) and adds nothing; so do the events.
fk import transfers plan.csv >/dev/null 2>plan2.err
expect_rc 0 "re-import the plan"
contains plan2.err "$n read, 0 accepted (0 updated), $n duplicate, 0 rejected"
fk import transfers events.csv >/dev/null 2>events2.err
contains events2.err "0 accepted (0 updated)"
[ "$(count transfers)" -eq "$n" ] || fail "a re-import added rows: $(count transfers)"

# ---- bad rows, each with its line and reason ----
a=$(sed -n 2p plan.csv | cut -d, -f1-2)
b=$(awk -F, 'NR > 1 && $10 != "" && $11 == "" { print $1 "," $2; exit }' events.csv)
rest=",airport,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00"
stranger=$("$PY" "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 999)
p1=$(sed -n 62p "$DATA/persons.csv" | cut -d, -f1)
cat >bad.csv <<EOF
task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned,picked_up,handed_over
X1,$p1,airport,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,2022-08-28T09:00:00+08:00,2022-08-28T08:59:59+08:00
X1,$p1,airport,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,,2022-08-28T09:00:00+08:00
X2,$stranger,airport,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,,
X3,$p1,bus,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,,
X4,$p1,airport,武宿机场,moon,家,晋K1,李四,2022-08-28T10:00:00+08:00,,
X5,$p1,airport,武宿机场,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,2022-08-28T09:00:00+08:00,2022-08-28T09:00:00+08:00
EOF
fk import transfers bad.csv >/dev/null 2>bad.err
expect_rc 3 "import transfers with bad rows"
rej=bad.csv.rejects.csv
[ "$(($(wc -l <"$rej") - 1))" -eq 5 ] || fail "rejects: $(cat "$rej")"
contains "$rej" '2,"handed over at 2022-08-28T08:59:59+08:00, before the pick-up at 2022-08-28T09:00:00+08:00"'
contains "$rej" "3,handed over at 2022-08-28T09:00:00+08:00 but never picked up"
contains "$rej" "4,unknown person $stranger"
contains "$rej" "5,\"from_kind 'bus' is not airport, station, school, address or other\""
contains "$rej" "6,\"to_kind 'moon' is not isolation_site, home, hospital or other\""
# A hand-over alone: the stored pick-up counts (one before it is refused), so the valid one stays.
btime=$(awk -F, -v k="$b" 'NR > 1 && ($1 "," $2) == k { print $10 }' events.csv)
bearly=$("$PY" -c 'import sys; from datetime import datetime, timedelta; print((datetime.fromisoformat(sys.argv[1]) - timedelta(seconds=1)).isoformat())' "$btime")
printf 'task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned,handed_over\n%s\n' \
    "$(grep "^$b," plan.csv),$bearly" >hand.csv
fk import transfers hand.csv >/dev/null 2>hand.err
expect_rc 3 "a hand-over before the stored pick-up"
contains hand.csv.rejects.csv "before the pick-up at $btime"
# X5 (handed over at the second of the pick-up) was accepted: drop it, it is not in the files.
fk export transfers --out all.csv 2>/dev/null
grep -q '^X5,' all.csv || fail "X5 (a hand-over at the pick-up's second) was not accepted"
grep -v '^X5,' all.csv >truth.csv

# ---- the states, computed here from the files ----
expected() { # KIND NOW [ARG]
    "$PY" - "$DATA/persons.csv" "$DATA/regions.csv" plan.csv events.csv "$@" <<'PY'
import csv, sys
from datetime import datetime
persons_f, regions_f, plan_f, events_f, kind, now = sys.argv[1:7]
arg = sys.argv[7] if len(sys.argv) > 7 else ""
ts = lambda s: int(datetime.fromisoformat(s).timestamp()) if s else 0
iso = lambda t: datetime.fromtimestamp(t).astimezone().isoformat() if t else ""
now = ts(now)
rd = lambda f: list(csv.DictReader(open(f, encoding="utf-8")))
regions = {r["code"]: r for r in rd(regions_f)}
people = {r["id_number"]: r for r in rd(persons_f)}
FROM = {"机场": "airport"}
TO = {"隔离点": "isolation_site"}
rows = {}
for r in rd(plan_f):
    rows[(r["task"], r["id_number"])] = dict(r, picked_up="", handed_over="")
for r in rd(events_f):
    rows[(r["task"], r["id_number"])] = r
def up(g, level):
    while g and regions[g]["level"] != level:
        g = regions[g]["parent"]
    return g
def inside(g, region):
    while g:
        if g == region:
            return True
        g = regions[g]["parent"]
    return False
RANK = ["gap", "overdue", "in_transit", "planned", "late", "done"]
out = []
for (task, idn), r in rows.items():
    planned = ts(r["planned"])
    pu, ho = ts(r["picked_up"]), ts(r["handed_over"])
    pu = pu if pu <= now else 0
    ho = ho if ho <= now else 0
    deadline = planned + 3600
    late = 0
    if ho:
        state = "done" if ho <= deadline else "late"
        if state == "late":
            late = -((deadline - ho) // 60)
    elif now > deadline:
        state = "gap" if pu else "overdue"
        late = -((deadline - now) // 60)
    else:
        state = "in_transit" if pu else "planned"
    g = people[idn]["grid"]
    out.append((RANK.index(state), planned, task, idn, [task, idn, people[idn]["name"], r["from"], r["to"],
                r["vehicle"], r["escort"], iso(planned), iso(pu), iso(ho), state, late,
                FROM.get(r["from_kind"], r["from_kind"]), TO.get(r["to_kind"], r["to_kind"]), g]))
out.sort(key=lambda x: x[:4])
w = csv.writer(sys.stdout, lineterminator="\n")
if kind == "status":
    level = arg
    w.writerow("region,name,tasks,persons,done,in_transit,overdue,gap,late,planned".split(","))
    for code in sorted(c for c, x in regions.items() if x["level"] == level):
        mine = [o[4] for o in out if up(o[4][14], level) == code]
        n = lambda s: sum(1 for m in mine if m[10] == s)
        w.writerow([code, regions[code]["name"], len({m[0] for m in mine}), len(mine), n("done"),
                    n("in_transit"), n("overdue"), n("gap"), n("late"), n("planned")])
    sys.exit(0)
w.writerow("task,id_number,name,from,to,vehicle,escort,planned,picked_up,handed_over,state,late_by,from_kind,to_kind,grid".split(","))
for *_, v in out:
    if kind == "open" and v[9]:
        continue
    if kind == "overdue" and v[10] not in ("overdue", "gap"):
        continue
    if kind == "region" and not inside(v[14], arg):
        continue
    w.writerow(v)
PY
}
TZ=Asia/Shanghai expected list "$NOW" >want.csv
fk transfer list --now "$NOW" >got-all.csv 2>list.err
expect_rc 0 "transfer list"
grep -v '^X5,' got-all.csv >got.csv
diff -u want.csv got.csv >&2 || fail "transfer list differs from the independent computation"
for s in done late in_transit planned overdue gap; do
    grep -q ",$s,[0-9]*,[a-z_]*,[a-z_]*,[0-9A-Z]*$" got.csv || fail "no transfer $s in the fixture"
done
grep -q ",late,1,[a-z_]*,[a-z_]*,[0-9A-Z]*$" got.csv || fail "no transfer a second late in the fixture"
TZ=Asia/Shanghai expected open "$NOW" >want-open.csv
fk transfer list --open --now "$NOW" 2>/dev/null | grep -v '^X5,' >got-open.csv
diff -u want-open.csv got-open.csv >&2 || fail "transfer list --open differs"
TZ=Asia/Shanghai expected overdue "$NOW" >want-overdue.csv
fk transfer list --overdue --now "$NOW" 2>/dev/null | grep -v '^X5,' >got-overdue.csv
diff -u want-overdue.csv got-overdue.csv >&2 || fail "transfer list --overdue differs"
TZ=Asia/Shanghai expected region "$NOW" 140702 >want-yuci.csv
fk transfer list --region 140702 --now "$NOW" 2>/dev/null | grep -v '^X5,' >got-yuci.csv
diff -u want-yuci.csv got-yuci.csv >&2 || fail "transfer list --region 140702 differs"
# Another clock: three hours earlier, fewer are late and the later events are not known.
EARLY=2022-08-28T09:00:00+08:00
TZ=Asia/Shanghai expected list "$EARLY" >want-early.csv
fk transfer list --now "$EARLY" 2>/dev/null | grep -v '^X5,' >got-early.csv
diff -u want-early.csv got-early.csv >&2 || fail "transfer list as of $EARLY differs"
# The summary: X5 is a done transfer of one person: take it out of its region's counts.
x5grid=$(awk -F, -v p="$p1" '$1 == p { print $4 }' "$DATA/persons.csv")
for level in county township; do
    TZ=Asia/Shanghai expected status "$NOW" "$level" >want-$level.csv
    fk transfer status --by "$level" --now "$NOW" >got-$level.csv 2>/dev/null
    expect_rc 0 "transfer status --by $level"
    "$PY" - got-$level.csv "$x5grid" >got-$level-nox.csv <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(rows[0])
for r in rows[1:]:
    if sys.argv[2].startswith(r[0]):
        r[2], r[3], r[4] = str(int(r[2]) - 1), str(int(r[3]) - 1), str(int(r[4]) - 1)
    w.writerow(r)
PY
    diff -u want-$level.csv got-$level-nox.csv >&2 || fail "transfer status --by $level differs"
done

# ---- the event action: rules, role, scope, audit ----
for u in chief:admin:140700 yuci:viewer:140702 tg:county:140703 yc:county:140702; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
# A task of one county whose persons have no event yet (none in the file, none after NOW), and
# a county account of it and of another county.
pt=$(cut -d, -f1 plan.csv | tail -n +2 | sort -u | while read -r t; do
    grep -q "^$t," events.csv && continue
    cs=$(awk -F, -v t="$t" '$1 == t { print substr($15, 1, 6) }' got.csv | sort -u | wc -l)
    [ "$cs" -eq 1 ] && { echo "$t"; break; }
done)
[ -n "$pt" ] || fail "no task without events within one county in the fixture"
ptc=$(awk -F, -v t="$pt" '$1 == t { print substr($15, 1, 6); exit }' got.csv)
oc=$([ "$ptc" = 140703 ] && echo 140702 || echo 140703)
for u in mine:county:$ptc other:county:$oc; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
mine=mine
other=other
pid1=$(awk -F, -v t="$pt" '$1 == t { print $2; exit }' got.csv)
fk transfer event "$pt" handed_over --at 2022-08-28T11:00:00+08:00 2>e1.err
expect_rc 1 "a hand-over with no pick-up"
contains e1.err "has no pick-up"
fk transfer event "$pt" picked_up --at 2022-08-28T11:10:00+08:00 --as "$other" 2>e2.err
expect_rc 1 "a pick-up outside the scope"
contains e2.err "no transfer task $pt"
fk transfer event "$pt" picked_up --at 2022-08-28T11:10:00+08:00 --as yuci 2>e3.err
expect_rc 1 "a pick-up as a viewer"
contains e3.err "may not record transfer events"
fk transfer event "$pt" picked_up --at 2022-08-28T11:10:00+08:00 --as "$mine" 2>e4.err
expect_rc 0 "a pick-up of all the task's persons as its county"
np=$(awk -F, -v t="$pt" '$1 == t' got.csv | wc -l)
contains e4.err "task $pt picked_up recorded for $np person"
fk transfer event "$pt" picked_up --at 2022-08-28T11:15:00+08:00 --person "$pid1" 2>e5.err
expect_rc 1 "a second pick-up at another time"
contains e5.err "was picked up at 2022-08-28T11:10:00+08:00 already"
fk transfer event "$pt" handed_over --at 2022-08-28T11:09:59+08:00 --person "$pid1" 2>e6.err
expect_rc 1 "a hand-over before the pick-up"
contains e6.err "is before the pick-up at 2022-08-28T11:10:00+08:00"
fk transfer event "$pt" handed_over --at 2022-08-28T11:40:00+08:00 --person "$pid1" --as "$mine" 2>e7.err
expect_rc 0 "a hand-over of one person"
fk audit >audit.csv 2>/dev/null
[ "$(grep -c "transfer.event,$pid1" audit.csv)" -eq 2 ] || fail "audit rows of $pid1: $(grep transfer.event audit.csv)"
contains audit.csv "task $pt handed_over at 2022-08-28T11:40:00+08:00"
fk transfer list --now "$NOW" >after.csv 2>/dev/null
grep -q ",2022-08-28T11:10:00+08:00,2022-08-28T11:40:00+08:00,done,0," <(grep "^$pt,$pid1," after.csv) ||
    fail "$pid1 after the events: $(grep "^$pt,$pid1," after.csv)"

# ---- the API: the same answers, cut to the caller's scope ----
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
tg=$(login tg pw-tg-2022-x)
api "$chief" GET "/api/v1/transfers?now=$NOWQ&format=csv"
expect_status 200 "transfers as csv"
tr -d '\r' <"$WORK/body" >api.csv
diff -u after.csv api.csv >&2 || fail "the API's list differs from the CLI's"
api "$chief" GET "/api/v1/transfers?now=$NOWQ&overdue=1"
expect_status 200 "transfers overdue=1"
fk transfer list --overdue --now "$NOW" >after-overdue.csv 2>/dev/null
[ "$(jq_py 'j["total"]')" -eq "$(($(wc -l <after-overdue.csv) - 1))" ] || fail "overdue=1 total $(jq_py 'j["total"]')"
api "$chief" GET "/api/v1/transfers?now=$NOWQ&open=2"
expect_error bad_request 400 "open=2"
api "$yuci" GET "/api/v1/transfers?now=$NOWQ&format=csv"
expect_status 200 "transfers as the 榆次区 viewer"
tr -d '\r' <"$WORK/body" >api-yuci.csv
fk transfer list --region 140702 --now "$NOW" >cli-yuci.csv 2>/dev/null
diff -u cli-yuci.csv api-yuci.csv >&2 || fail "the viewer's list differs from --region 140702"
grep -q . <(awk -F, 'NR > 1 && $15 !~ /^140702/' api-yuci.csv) && fail "the 榆次区 viewer sees another county's person"
[ "$(($(wc -l <api-yuci.csv) - 1))" -gt 0 ] || fail "the viewer sees no transfer"
api "$yuci" GET "/api/v1/transfers?region=140703&now=$NOWQ"
expect_error forbidden 403 "another county's transfers"
api "$yuci" GET "/api/v1/transfers/status?now=$NOWQ&by=county&format=csv"
expect_status 200 "status as the viewer"
tr -d '\r' <"$WORK/body" >api-status.csv
[ "$(cut -d, -f1 api-status.csv | tail -n +2 | tr '\n' ' ')" = "140702 " ] || fail "the viewer's status: $(cat api-status.csv)"
fk transfer status --region 140702 --now "$NOW" >cli-status.csv 2>/dev/null
diff -u cli-status.csv api-status.csv >&2 || fail "the viewer's status differs from the CLI's"
api "$yuci" GET "/api/v1/transfers/status?region=140703&now=$NOWQ"
expect_error forbidden 403 "another county's status"
# Events: a viewer may not; another county's task is unknown; a bad event; a good one.
ot=$(awk -F, 'NR > 1 && $11 == "planned" && $15 ~ /^140702/ { print $1 "," $2 }' after.csv |
    while read -r k; do grep -q "^$k," events.csv || { echo "$k"; break; }; done)
[ -n "$ot" ] || fail "no planned person of 榆次区 without events in the fixture"
ott=${ot%%,*}
otp=${ot#*,}
api "$yuci" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary '{"event":"picked_up","at":"2022-08-28T11:50:00+08:00"}'
expect_error forbidden 403 "a viewer posting an event"
api "$tg" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary "{\"event\":\"picked_up\",\"at\":\"2022-08-28T11:50:00+08:00\",\"persons\":[\"$otp\"]}"
expect_error not_found 404 "a person of another county"
api "$chief" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary '{"event":"arrived","at":"2022-08-28T11:50:00+08:00"}'
expect_error bad_request 400 "an unknown event"
api "$chief" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary "{\"event\":\"handed_over\",\"at\":\"2022-08-28T11:50:00+08:00\",\"persons\":[\"$otp\"]}"
expect_error bad_request 400 "a hand-over with no pick-up"
api "$chief" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary "{\"event\":\"picked_up\",\"at\":\"2022-08-28T11:50:00+08:00\",\"persons\":[\"$otp\"]}"
expect_status 200 "a pick-up over the API"
[ "$(jq_py 'j["recorded"]')" = 1 ] || fail "the event's answer: $(cat "$WORK/body")"
api "$chief" POST "/api/v1/transfers/$ott/event" -H 'Content-Type: application/json' \
    --data-binary "{\"event\":\"picked_up\",\"at\":\"2022-08-28T11:51:00+08:00\",\"persons\":[\"$otp\"]}"
expect_error conflict 409 "a second pick-up at another time"
api "$chief" GET "/api/v1/transfers?now=$NOWQ&open=1&format=csv"
grep -q ",2022-08-28T11:50:00+08:00,,in_transit," <(tr -d '\r' <"$WORK/body" | grep "^$ott,$otp,") ||
    fail "$otp after the API's pick-up: $(tr -d '\r' <"$WORK/body" | grep "^$ott,$otp,")"
