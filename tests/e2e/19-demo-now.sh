#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The demo lives at its --now (issue 15): scripts/demo.sh, run as `make demo` runs it but with a
# fixed NOW and without the server, imports a city whose control lists count days under 30 (the
# trace's contacts start at their case's confirmation, not when the script ran), whose overdue
# tubes have waited less than a day, and in which nothing is dated after NOW: checked against the
# files and the CLI's answers by a short Python program.
. "$(dirname "$0")/lib.sh"
NOW=2026-03-01T20:00:00+08:00
TODAY=${NOW%%T*}
DEMO_OUT="$WORK/demo" DEMO_SERVE=0 NOW="$NOW" bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 6000 \
    >demo.log 2>&1 || {
    cat demo.log >&2
    fail "scripts/demo.sh"
}
export FANGKONG_DB="$WORK/demo/fangkong.db"
grep -q "put under home control" demo.log || fail "the demo put no contact under control"
fk control list --status all --date "$TODAY" >list.csv 2>/dev/null; expect_rc 0 "control list"
fk control summary --status all --date "$TODAY" >summary.csv 2>/dev/null
expect_rc 0 "control summary"
fk regime due --date "$TODAY" >due.csv 2>/dev/null; expect_rc 0 "regime due"
fk tat R1 --now "$NOW" >tat.csv 2>/dev/null; expect_rc 0 "tat"
fk tat R1 --overdue --now "$NOW" >overdue.csv 2>/dev/null; expect_rc 0 "tat --overdue"
fk alerts --open --now "$NOW" --profile demo/profile.ini >alerts.csv 2>/dev/null
expect_rc 0 "alerts"
# Who each case's trace finds (depth 2, as control from-trace puts under control), for the
# independent answer to when each contact was found.
tail -n +2 demo/cases.csv | while IFS=, read -r id confirmed _; do
    fk trace --case "$id" --depth 2 2>/dev/null | tail -n +2 | sed "s/^/$confirmed,/"
done >found.csv
[ -s found.csv ] || fail "the cases' traces found nobody"

python3 - "$NOW" <<'PY'
import csv, glob, sys
from datetime import datetime, timedelta
now = datetime.fromisoformat(sys.argv[1])
def rows(f): return list(csv.DictReader(open(f)))
def ts(s): return datetime.fromisoformat(s)
bad = []
# Nothing in the demo's files after now (risk areas and orders may end later; none does), but a
# supervision problem's deadline and a transfer's planned time, which are plans: the ones with
# time left lie after now.
for f in glob.glob("demo/*.csv"):
    for i, r in enumerate(rows(f), 2):
        for k, v in r.items():
            if v and k not in ("deadline", "planned") and len(v) == 25 and v[10] == "T" and ts(v) > now:
                bad.append("%s line %d: %s %s" % (f, i, k, v))
cases = {r["id_number"]: ts(r["confirmed"]) for r in rows("demo/cases.csv")}
assert cases and all(now - timedelta(days=5) <= t < now for t in cases.values()), cases
# The control list: every start at or before now, every day number under 30, and the trace's
# contacts among the orders, each from the earliest confirmation of a case that found it (the
# demo's own orders aside).
L = rows("list.csv")
assert len(L) > len(rows("demo/controls.csv")), "the trace's contacts are not under control"
for r in L:
    if ts(r["start"]) > now or (r["end"] and ts(r["end"]) > now):
        bad.append("control of %s dated after now: %s %s" % (r["id_number"], r["start"], r["end"]))
    if not 0 <= int(r["day"]) < 30:
        bad.append("control of %s on day %s" % (r["id_number"], r["day"]))
assert max(int(r["day"]) for r in L) >= 5, "no order from the days before"
own = {(r["id_number"], ts(r["start"])) for r in rows("demo/controls.csv")}
found = {}
for line in csv.reader(open("found.csv")):
    t, p = ts(line[0]), line[1]
    found[p] = min(found.get(p, t), t)
# Rows without an order id are the residents of the demo's risk zones, the zone's name as the site.
zones = {r["name"] for r in rows("demo/zones.csv")}
assert all(r["site"] in zones for r in L if not r["id"]), "a row without an order id outside a zone"
traced = [r for r in L if r["id"] and (r["id_number"], ts(r["start"])) not in own]
assert traced, "no traced order"
for r in traced:
    if ts(r["start"]) != found.get(r["id_number"]):
        bad.append("order of %s starts %s, its contact was found %s" %
                   (r["id_number"], r["start"], found[r["id_number"]]))
for r in rows("summary.csv") + rows("due.csv"):
    if "day" in r and r["day"] and not 0 <= int(r["day"]) < 30:
        bad.append("regime due day %s" % r["day"])
# Turnaround: tubes sampled today, some still waiting, none for a day.
T = {r[next(iter(r))]: r for r in rows("tat.csv")}["(total)"]
assert int(T["pending"]) > 0 and int(T["resulted"]) > 0, T
assert T["median_hours"] and float(T["median_hours"]) < 24, T
O = rows("overdue.csv")
assert len(O) == int(T["overdue"]), (len(O), T["overdue"])
for r in O:
    if not 0 <= float(r["hours_waiting"]) < 24:
        bad.append("tube %s waited %s h" % (r["tube"], r["hours_waiting"]))
    if ts(r["sampled"]) > now:
        bad.append("tube %s sampled after now" % r["tube"])
# Alerts: the fresh tamper among them, none raised after now.
A = rows("alerts.csv")
assert A, "no open alert"
for r in A:
    for k, v in r.items():
        if v and len(v) == 25 and v[10] == "T" and ts(v) > now:
            bad.append("alert %s: %s %s after now" % (r.get("id"), k, v))
assert any(now - ts(v) < timedelta(hours=2)
           for r in A for v in r.values() if v and len(v) == 25 and v[10] == "T"), \
    "no alert from the last hours"
assert not bad, "\n".join(bad[:20]) + "\n(%d in all)" % len(bad)
PY
echo "demo at --now: control days under 30, tubes waiting under a day, nothing after now"
