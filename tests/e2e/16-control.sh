#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Control (管控) end to end on city-3: control from-trace (twice: nothing added twice), 四个查清
# summary counts against the lists behind them and against an independent count in Python,
# release refused by the rule and forced, transfer and extend, door events with rejects and
# alerts, alerts acknowledged and closed (audited), arrivals, risk areas, back-check with
# --control, the regime due list against its --by board, and the errors a user can make.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
PY=$(python3 -c 'import sys; print(sys.executable)')

mkdir c3
cp "$DATA"/*.csv c3/
for t in regions persons venues scans pings samples results cases; do
    fk import "$t" "c3/$t.csv" 2>/dev/null
done
T=2022-09-01T10:00:00+08:00

# From a trace: every contact under control once.
fk control from-trace --depth 2 --at "$T" 2>err.txt
expect_rc 0 "control from-trace"
fk trace --depth 2 >trace.csv 2>/dev/null
contacts=$(($(wc -l <trace.csv) - 1))
contains err.txt "$contacts contacts: $contacts put under home control, 0 already"
fk control from-trace --depth 2 --at 2022-09-02T10:00:00+08:00 2>err.txt
contains err.txt "0 put under home control, $contacts already under control"
fk control list >list.csv 2>/dev/null
expect_rc 0 "control list"
[ "$(($(wc -l <list.csv) - 1))" -eq "$contacts" ] || fail "list has not $contacts orders"

# Each contact's category is the trace's.
"$PY" - trace.csv list.csv <<'PY' || fail "categories differ from the trace"
import csv, sys
tr = {r["id_number"]: r["category"] for r in csv.DictReader(open(sys.argv[1]))}
ls = {r["id_number"]: r["category"] for r in csv.DictReader(open(sys.argv[2]))}
assert tr == ls, (len(tr), len(ls))
PY

# 四个查清: every summary count is the length of its list, at every level, and matches a count
# made here from the list and the regions file.
for by in city county township community grid; do
    fk control summary --by "$by" >sum.csv 2>/dev/null
    expect_rc 0 "control summary --by $by"
    while IFS=, read -r region name cat place status persons; do
        [ "$region" = region ] && continue
        fk control list --region "$region" --category "$cat" --place "$place" --status "$status" \
            >l.csv 2>/dev/null
        n=$(($(wc -l <l.csv) - 1))
        [ "$n" -eq "$persons" ] || fail "--by $by $region $cat/$place/$status: $persons vs $n rows"
    done <sum.csv
    "$PY" - sum.csv list.csv c3/regions.csv "$by" <<'PY' || fail "summary --by $by differs"
import csv, sys, collections
parent = {r["code"]: r["parent"] for r in csv.DictReader(open(sys.argv[3]))}
level = {r["code"]: r["level"] for r in csv.DictReader(open(sys.argv[3]))}
def up(g, lv):
    while g and level.get(g) != lv:
        g = parent.get(g, "")
    return g
want = collections.Counter()
for r in csv.DictReader(open(sys.argv[2])):
    want[(up(r["grid"], sys.argv[4]), r["category"], r["place"], "open")] += 1
got = collections.Counter({(r["region"], r["category"], r["place"], r["status"]): int(r["persons"])
                           for r in csv.DictReader(open(sys.argv[1]))})
assert got == want, (got - want, want - got)
PY
done

# Release: day 0 is too early (exit 1, the reason); --force releases; the order leaves the list.
P=$(sed -n 2p list.csv | cut -d, -f2)
fk control release "$P" --at 2022-09-02T10:00:00+08:00 2>err.txt
expect_rc 1 "release on day 1"
contains err.txt "day 1 of 7"
fk control release "$P" --at 2022-08-01 2>err.txt
expect_rc 1 "release before the start"
contains err.txt "before the control started"
fk control release "$P" --at 2022-09-09T10:00:00+08:00 --force 2>/dev/null
expect_rc 0 "forced release"
fk control release "$P" --force 2>err.txt
expect_rc 1 "second release"
contains err.txt "not under control"
fk control list --status released >rel.csv 2>/dev/null
contains rel.csv "$P,"
contains rel.csv "2022-09-09T10:00:00+08:00"

# Transfer and extend.
Q=$(sed -n 3p list.csv | cut -d, -f2)
fk control transfer "$Q" --place centralized --site 隔离酒店A --at 2022-09-03T09:00:00+08:00 2>/dev/null
expect_rc 0 "transfer"
fk control list --place centralized >c.csv 2>/dev/null
contains c.csv "$Q,"
contains c.csv "隔离酒店A"
fk control transfer "$Q" --place garden 2>err.txt
expect_rc 1 "transfer to a bad place"
fk control extend "$Q" --days 3 2>/dev/null
expect_rc 0 "extend"
fk control extend "$Q" --days 0 2>err.txt
expect_rc 1 "extend by 0"

# Door sensors: register one on Q's order, import events with two bad rows (exit 3), alerts.
cat >ctl.csv <<EOF
id_number,category,place,start,device
$Q,close,centralized,2022-09-03T09:00:00+08:00,DOOR-1
EOF
fk import controls ctl.csv 2>/dev/null
expect_rc 0 "import controls"
R=$(sed -n 4p list.csv | cut -d, -f2)
cat >door.csv <<EOF
device,id_number,time,event
DOOR-1,$Q,2022-09-03T22:00:00+08:00,tamper
DOOR-1,$Q,2022-09-03T23:00:00+08:00,offline
DOOR-1,$Q,2022-09-04T01:00:00+08:00,close
DOOR-9,$Q,2022-09-04T01:00:00+08:00,open
DOOR-1,$R,2022-09-04T01:00:00+08:00,open
EOF
fk import door_events door.csv 2>err.txt
expect_rc 3 "import door events with bad rows"
contains err.txt "2 alerts raised"
contains door.csv.rejects.csv "unregistered door sensor DOOR-9"
contains door.csv.rejects.csv "registered to another person"
fk alerts --open --now 2022-09-04T02:00:00+08:00 >alerts.csv 2>/dev/null
expect_rc 0 "alerts"
[ "$(($(wc -l <alerts.csv) - 1))" -eq 2 ] || fail "expected 2 open alerts"
contains alerts.csv "door_tamper"
contains alerts.csv "door_offline"
A=$(sed -n 2p alerts.csv | cut -d, -f1)
fk alerts ack "$A" 2>err.txt
expect_rc 1 "ack without a note"
contains err.txt "note"
fk alerts ack "$A" --note "网格员已上门核实" 2>/dev/null
expect_rc 0 "ack"
fk alerts close "$A" --note "已更换门磁" 2>/dev/null
fk alerts close "$A" --note again 2>err.txt
expect_rc 1 "close twice"
fk alerts --open >alerts2.csv 2>/dev/null
[ "$(($(wc -l <alerts2.csv) - 1))" -eq 1 ] || fail "expected 1 open alert after closing one"
# As of 02:00 (before it was closed, now) both were open.
fk alerts --open --now 2022-09-04T02:00:00+08:00 >alerts3.csv 2>/dev/null
[ "$(($(wc -l <alerts3.csv) - 1))" -eq 2 ] || fail "expected 2 alerts open as of 02:00"
fk audit >audit.csv 2>/dev/null
contains audit.csv "alert.close"
contains audit.csv "已更换门磁"
contains audit.csv "control.release"
contains audit.csv "control.transfer"

# Arrivals and risk areas: 倒查7天 and --control.
# Three residents under no control (accepted rows of persons.csv that are not on the list).
read -r A1 A2 A3 < <("$PY" - c3/persons.csv list.csv <<'PY'
import csv, os, sys
bad = {int(r["line"]) for r in csv.DictReader(open(sys.argv[1] + ".rejects.csv"))}
listed = {r["id_number"] for r in csv.DictReader(open(sys.argv[2]))}
free = [r["id_number"] for i, r in enumerate(csv.DictReader(open(sys.argv[1])), 2)
        if i not in bad and r["id_number"] not in listed]
print(*free[:3])
PY
)
cat >arr.csv <<EOF
id_number,arrived,origin,transport
$A1,2022-09-03T08:00:00+08:00,110105003,G1234
$A2,2022-09-02T23:59:59+08:00,110105,
$A3,2022-09-08T12:00:00+08:00,110106,
EOF
fk import arrivals arr.csv 2>/dev/null
expect_rc 0 "import arrivals"
cat >risk.csv <<EOF
area,level,start
110105,high,2022-09-10
EOF
fk import risk_areas risk.csv 2>/dev/null
expect_rc 0 "import risk areas"
fk backcheck 110105 >bc.csv 2>err.txt
expect_rc 0 "backcheck"
contains err.txt "1 arrivals from 110105 between 2022-09-03 and 2022-09-10"
contains bc.csv "$A1,"
fk backcheck 110105 --control --at 2022-09-10T09:00:00+08:00 >bc2.csv 2>err.txt
contains err.txt "1 put under home control"
contains bc2.csv "risk_area/home since 2022-09-10"
fk backcheck >areas.csv 2>/dev/null
expect_rc 0 "backcheck without an area"
contains areas.csv "110105,high,2022-09-10T00:00:00+08:00,,2022-09-03T00:00:00+08:00,2022-09-10T00:00:00+08:00"
fk backcheck 999999 2>err.txt
expect_rc 1 "backcheck of an unknown area"
contains err.txt "no risk period"
fk arrivals list >al.csv 2>/dev/null
[ "$(($(wc -l <al.csv) - 1))" -eq 3 ] || fail "expected 3 arrivals"

# Regimes: the list of tests and the board count the same tests.
fk regime due --date 2022-09-05 >due.csv 2>/dev/null
expect_rc 0 "regime due"
fk regime due --date 2022-09-05 --by county >board.csv 2>/dev/null
"$PY" - due.csv board.csv c3/regions.csv <<'PY' || fail "the board does not add up to the list"
import csv, sys, collections
parent = {r["code"]: r["parent"] for r in csv.DictReader(open(sys.argv[3]))}
level = {r["code"]: r["level"] for r in csv.DictReader(open(sys.argv[3]))}
def county(g):
    while g and level.get(g) != "county":
        g = parent.get(g, "")
    return g
want = collections.Counter()
for r in csv.DictReader(open(sys.argv[1])):
    want[(county(r["grid"]), r["state"])] += 1
for r in csv.DictReader(open(sys.argv[2])):
    for s in ("done", "due", "overdue"):
        assert int(r[s]) == want[(r["region"], s)], (r, s, want[(r["region"], s)])
PY
fk regime due --date 2022-09-05 --state overdue >od.csv 2>/dev/null
grep -qv '^id_number' <(grep -v ",overdue," od.csv) && fail "--state overdue lists other states"
fk arrivals check --date 2022-09-09 >ac.csv 2>/dev/null
contains ac.csv "$A3,"
fk regime due --state late 2>err.txt
expect_rc 1 "a bad --state"

# Bad arguments name what is wrong.
fk control list --category closer 2>err.txt
expect_rc 1 "bad category"
contains err.txt "closer"
fk control summary --by planet 2>err.txt
expect_rc 1 "bad level"
fk control release 110101190001011234 2>err.txt
expect_rc 1 "release of a stranger"
contains err.txt "no person"
fk control 2>/dev/null
expect_rc 1 "control without a subcommand"
exit 0
