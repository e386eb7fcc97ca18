#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gate checks (场所核验, issue 18) from the command line over the worked example city-3: its
# persons, cases, samples and results, and control orders written here (one open, one ended, one
# that starts later). `fangkong check --gate G --now T` answers every resident, two ID numbers not in
# the registry and bad lines, line for line; the colours are computed again here in Python from
# the files: red for a positive result known by now or an order open at now, green for a negative
# sample taken within the window before now (48 h for scenic and station, 72 h for other; the
# edge counts: a resident whose latest negative was sampled exactly 48 h before is green, a second
# later yellow), yellow otherwise; a case is red from its confirmation. Never a name in the answer.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/regions.csv "$DATA"/persons.csv "$DATA"/samples.csv "$DATA"/results.csv .
# the example's files hold rows that must be rejected (exit 3): the computation below reads the
# rows the import accepted, those not in FILE.rejects.csv
cp "$DATA"/cases.csv .
for t in regions persons cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
cat >accepted.py <<'PY'
import csv, os
def rows(name):
    """The rows of name.csv the import accepted (a tube's results: the latest time only)."""
    bad = set()
    if os.path.exists(name + ".csv.rejects.csv"):
        bad = {int(r["line"]) for r in csv.DictReader(open(name + ".csv.rejects.csv"))}
    out = [r for i, r in enumerate(csv.DictReader(open(name + ".csv")), 2) if i not in bad]
    if name == "results":
        latest = {}
        for r in out:
            if r["tube"] not in latest or r["time"] > latest[r["tube"]]["time"]:
                latest[r["tube"]] = r
        out = list(latest.values())
    return out
PY

# Orders for three residents sampled negative, the edge resident and the moments asked: the
# resident whose latest negative sample is the latest of all (EDGE), the moment 48 h after it.
"$PY" - "$FK_SRC/tests/e2e" <<'PY'
import csv, sys
from datetime import datetime, timedelta
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, ".")
from idgen import make
from accepted import rows
res = {r["tube"]: r for r in rows("results")}
neg = {}
for r in rows("samples"):
    t = res.get(r["tube"])
    if t and t["result"] == "negative" and r["time"] > neg.get(r["id_number"], ""):
        neg[r["id_number"]] = r["time"]
edge = max(neg, key=lambda i: (neg[i], i))
now = datetime.fromisoformat(neg[edge]) + timedelta(hours=48)
others = sorted(i for i in neg if i != edge)[:3]
with open("controls.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id_number", "category", "place", "start", "end"])
    w.writerow([others[0], "close", "home", "2022-08-27T10:00:00+08:00", ""])
    w.writerow([others[1], "close", "home", "2022-08-20T10:00:00+08:00", "2022-08-27T10:00:00+08:00"])
    w.writerow([others[2], "close", "home", (now + timedelta(seconds=1)).isoformat(), ""])
open("now.txt", "w").write(now.isoformat() + "\n")
open("now1.txt", "w").write((now + timedelta(seconds=1)).isoformat() + "\n")
open("edge.txt", "w").write(edge + "\n")
with open("ids.txt", "w") as f:
    for r in csv.DictReader(open("persons.csv")):  # the rejected ones too: not in the registry
        f.write(r["id_number"] + "\n")
    f.write(make("110101", "19800101", 7) + "\n")  # not in the registry
    f.write("\n")                                 # an empty line
    f.write("x,y\n")                              # an ID number, no time
    f.write("a-b\n")                              # no ID number
    bad = make("110101", "19800101", 8)
    f.write(bad[:17] + ("0" if bad[17] != "0" else "1") + "\n")  # a misread check character
    # lines with their own time (a gate's offline log): the edge resident at 48 h, and long before
    f.write(edge + "," + (datetime.fromisoformat(neg[edge]) + timedelta(hours=48)).isoformat() + "\n")
    f.write(edge + ",2000-01-01T00:00:00+08:00\n")
PY
fk import controls controls.csv 2>/dev/null
expect_rc 0 "import controls"
NOW=$(cat now.txt)
EDGE=$(cat edge.txt)

for gate in scenic other; do
    for at in now now1; do
        t=$(cat "$at.txt")
        fk check --gate "$gate" --now "$t" <ids.txt >"got-$gate-$at.csv" 2>err.txt
        expect_rc 0 "check --gate $gate --now $t"
        contains err.txt "green"
        "$PY" - "$gate" "$t" "got-$gate-$at.csv" <<'PY' || fail "check --gate $gate --now $t differs from the computation here"
import csv, sys
from datetime import datetime, timedelta
sys.path.insert(0, ".")
from accepted import rows
gate, now0 = sys.argv[1], datetime.fromisoformat(sys.argv[2])
window = timedelta(hours={"scenic": 48, "station": 48, "other": 72}[gate])
T = datetime.fromisoformat
res = {r["tube"]: r for r in rows("results")}
known = {r["id_number"] for r in rows("persons")}
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ALNUM = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

def no_id(s):  # what a gate cannot take for an ID number
    u = s.strip().upper()
    if not u or len(u) > 32 or not set(u) <= ALNUM:
        return True
    if len(u) == 18 and u[:17].isdigit():
        return "10X98765432"[sum(int(c) * w for c, w in zip(u, W)) % 11] != u[17]
    return False

def plain(s):
    return 0 < len(s) <= 32 and set(s.upper()) <= ALNUM

by_id = {}
for r in rows("samples"):
    by_id.setdefault(r["id_number"], []).append(r)
cases = {r["id_number"]: r for r in rows("cases")}
orders = list(csv.DictReader(open("controls.csv")))

def colour(idn, now):
    pos = neg = None
    for r in by_id.get(idn, []):
        t = res.get(r["tube"])
        if not t or T(r["time"]) > now or T(t["time"]) > now:
            continue
        if t["result"] == "positive":
            pos = max(pos or T(t["time"]), T(t["time"]))
        elif t["result"] == "negative":
            neg = max(neg or T(r["time"]), T(r["time"]))
    r = cases.get(idn)  # a case is positive from its confirmation
    if r and T(r["confirmed"]) <= now:
        pos = max(pos or T(r["confirmed"]), T(r["confirmed"]))
    open_ = any(r["id_number"] == idn and T(r["start"]) <= now and (not r["end"] or T(r["end"]) > now)
                for r in orders)
    if idn in known and pos:
        return "red", "positive"
    if idn in known and open_:
        return "red", "controlled"
    if idn in known and neg and now - neg <= window:
        return "green", "negative"
    return "yellow", "no_test"

want = [["id_number", "colour", "reason"]]
for line in open("ids.txt").read().split("\n")[:-1]:
    idn, comma, when = line.partition(",")
    if no_id(idn):
        want.append([idn if plain(idn) else "", "", "bad_id"])
        continue
    try:
        now = T(when) if comma else now0
    except ValueError:
        want.append([idn if plain(idn) else "", "", "bad_time"])
        continue
    want.append([idn.strip().upper(), *colour(idn.strip().upper(), now)])
got = list(csv.reader(open(sys.argv[3])))
assert len(got) == len(want), (len(got), len(want))
bad = [(g, w) for g, w in zip(got, want) if g != w]
assert not bad, bad[:5]
colours = {w[1] for w in want[1:]}
assert {"red", "yellow"} <= colours, colours
PY
    done
done
# the edge: sampled exactly 48 h before --now is green at a scenic gate, a second later yellow
grep -qx "$EDGE,green,negative" got-scenic-now.csv || fail "the edge resident is not green at 48 h"
grep -qx "$EDGE,yellow,no_test" got-scenic-now1.csv || fail "the edge resident is not yellow at 48 h + 1 s"
grep -qx "$EDGE,green,negative" got-other-now1.csv || fail "the edge resident is not green at an other gate (72 h)"
# and every colour shows at the other gate
for c in green yellow red; do grep -q ",$c," got-other-now.csv || fail "no $c at the other gate"; done
grep -q ",red,controlled$" got-other-now1.csv || fail "no resident red for an open order"
# a line with its own time is checked then, whatever --now says
[ "$(grep -c "^$EDGE,green,negative$" got-scenic-now1.csv)" -eq 1 ] ||
    fail "the edge resident's line timed at 48 h is not green once"
grep -qx ",,bad_id" got-other-now.csv || fail "a line of no ID number is not bad_id"
grep -qx "x,,bad_time" got-other-now.csv || fail "a line with no time after its comma is not bad_time"
# no name leaves the check
if grep -q "居民" got-*.csv; then fail "a name in the check's answer"; fi
# a gate type that does not exist
fk check --gate airport --now "$NOW" <ids.txt >/dev/null 2>err.txt
expect_rc 1 "check --gate airport"
contains err.txt "--gate takes scenic, station or other"

# ---- a gate account's checks are counted, per hour and colour, never per person ----
SCOPE=$(awk -F, 'NR > 1 && $3 == "county" { print $1; exit }' regions.csv)
echo 'Gk7-vTr9-kpL2-wZm4' | "$FANGKONG" user add gate-east --role gate --scope "$SCOPE" >/dev/null 2>&1 ||
    fail "user add gate-east --role gate"
echo 'Vw7-vTr9-kpL2-wZm4' | "$FANGKONG" user add look --role viewer --scope "$SCOPE" >/dev/null 2>&1 ||
    fail "user add look"
fk check --gate scenic --now "$NOW" --as look <ids.txt >/dev/null 2>err.txt
expect_rc 1 "check --as a viewer"
contains err.txt "a viewer account may not check at a gate"
fk check --gate scenic --now "$NOW" --as gate-east <ids.txt >got-counted.csv 2>err.txt
expect_rc 0 "check --as gate-east"
contains err.txt "counted as gate gate-east"
fk gates --by hour --date "${NOW:0:10}" >hours.csv 2>err.txt
expect_rc 0 "gates --by hour"
fk gates --date "${NOW:0:10}" >bygate.csv 2>err.txt
expect_rc 0 "gates"
"$PY" - "$NOW" <<'PY' || fail "the gate's counts differ from its answers"
import csv, sys
from datetime import datetime
now = datetime.fromisoformat(sys.argv[1])
lines = open("ids.txt").read().split("\n")[:-1]
got = list(csv.reader(open("got-counted.csv")))[1:]
want = {}  # hour -> [green, yellow, red, bad] of the lines checked on now's day
for line, (idn, colour, reason) in zip(lines, got):
    _, comma, when = line.partition(",")
    if reason == "bad_time":
        continue  # no time, no hour to count it in
    at = datetime.fromisoformat(when) if comma else now
    if at.date() != now.date():
        continue
    h = at.replace(minute=0, second=0, microsecond=0).isoformat()
    k = {"green": 0, "yellow": 1, "red": 2}.get(colour, 3)
    want.setdefault(h, [0, 0, 0, 0])[k] += 1
hours = {r["hour"]: [int(r[c]) for c in ("green", "yellow", "red", "bad")]
         for r in csv.DictReader(open("hours.csv"))}
assert len(hours) == 24, len(hours)
for h, v in hours.items():
    assert v == want.get(h, [0, 0, 0, 0]), (h, v, want.get(h))
assert sum(map(sum, want.values())) > 100, want
g = list(csv.DictReader(open("bygate.csv")))
assert len(g) == 1 and g[0]["gate"] == "gate-east" and g[0]["type"] == "scenic", g
assert int(g[0]["total"]) == sum(map(sum, want.values())), g
PY
grep -q "gate.counts" <("$FANGKONG" audit 2>/dev/null) || fail "the counts are not in the audit trail"
echo "gate: check answers every resident as computed here, at the window's edge too; a gate's checks are counted"
