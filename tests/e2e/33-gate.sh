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
    f.write("x,y\n")                              # no ID number
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
gate, now = sys.argv[1], datetime.fromisoformat(sys.argv[2])
window = timedelta(hours={"scenic": 48, "station": 48, "other": 72}[gate])
T = datetime.fromisoformat
res = {r["tube"]: r for r in rows("results")}
pos, neg = {}, {}
for r in rows("samples"):
    t = res.get(r["tube"])
    if not t or T(r["time"]) > now or T(t["time"]) > now:
        continue
    if t["result"] == "positive":
        pos[r["id_number"]] = max(pos.get(r["id_number"], T(t["time"])), T(t["time"]))
    elif t["result"] == "negative":
        neg[r["id_number"]] = max(neg.get(r["id_number"], T(r["time"])), T(r["time"]))
for r in rows("cases"):  # a case is positive from its confirmation
    if T(r["confirmed"]) <= now:
        pos[r["id_number"]] = max(pos.get(r["id_number"], T(r["confirmed"])), T(r["confirmed"]))
open_ = set()
for r in csv.DictReader(open("controls.csv")):
    if T(r["start"]) <= now and (not r["end"] or T(r["end"]) > now):
        open_.add(r["id_number"])
known = {r["id_number"] for r in rows("persons")}
want = [["id_number", "colour", "reason"]]
for line in open("ids.txt").read().split("\n")[:-1]:
    if not line or "," in line:
        want.append(["", "", "bad_id"])
    elif line in known and line in pos:
        want.append([line, "red", "positive"])
    elif line in known and line in open_:
        want.append([line, "red", "controlled"])
    elif line in known and line in neg and now - neg[line] <= window:
        want.append([line, "green", "negative"])
    else:
        want.append([line, "yellow", "no_test"])
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
# no name leaves the check
if grep -q "居民" got-*.csv; then fail "a name in the check's answer"; fi
# a gate type that does not exist
fk check --gate airport --now "$NOW" <ids.txt >/dev/null 2>err.txt
expect_rc 1 "check --gate airport"
contains err.txt "--gate takes scenic, station or other"
echo "gate: check answers every resident as computed here, at the window's edge too"
