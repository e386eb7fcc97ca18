#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Pharmacy buyers and fever-clinic visitors (issue 16) on city-3: sentinel rows with an ID number
# put that person on a test by a deadline (48 h after a purchase of the 四类药品, the end of the
# day of a fever-clinic visit). `regime due` lists them with their source on three days, compared
# with an independent computation here from the sentinel and sample files (exact times for the
# window, local days for the state); a buyer outside the registry is listed by ID in the
# pharmacy's grid; rows without an ID or of other kinds add nothing; the API's source=buyers
# answers the same rows, cut to the caller's county.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/regions.csv "$DATA"/persons.csv "$DATA"/samples.csv .
for t in regions persons samples; do
    fk import "$t" "$t.csv" 2>/dev/null
done

# Who buys: two sampled residents of 140702 and two unsampled ones of 140703, a visitor sampled
# before the visit (that sample does not count), and one ID outside the registry.
"$PY" - "$FK_SRC/tests/e2e" >sentinels.csv <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
from idgen import make
persons = {r["id_number"]: r for r in csv.DictReader(open("persons.csv"))}
first = {}
for r in csv.DictReader(open("samples.csv")):
    if r["id_number"] in persons and r["time"]:
        first[r["id_number"]] = min(first.get(r["id_number"], r["time"]), r["time"])
sampled = sorted(i for i in first if persons[i]["grid"].startswith("140702"))
unsampled = sorted(i for i in persons if i not in first and persons[i]["grid"].startswith("140703"))
a, c, d = sampled[:3]
b, e = unsampled[:2]
outside = make("110101", "19800101", 7)
assert outside not in persons
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["source", "kind", "time", "grid", "count", "id_number"])
w.writerow(["药店A", "pharmacy", "2022-08-27T10:00:00+08:00", persons[a]["grid"], "", a])
w.writerow(["药店B", "pharmacy", "2022-08-28T09:00:00+08:00", persons[b]["grid"], "", b])
w.writerow(["发热门诊1", "fever_clinic", "2022-08-28T08:00:00+08:00", persons[c]["grid"], "", c])
w.writerow(["发热门诊1", "发热门诊", "2022-08-28T23:00:00+08:00", persons[d]["grid"], "", d])
w.writerow(["药店B", "pharmacy", "2022-08-30T16:00:00+08:00", persons[e]["grid"], "2", e])
w.writerow(["药店C", "pharmacy", "2022-08-29T12:00:00+08:00", "140703001002G01", "", outside])
w.writerow(["药店C", "pharmacy", "2022-08-29T12:30:00+08:00", "140703001002G01", "3", ""])
w.writerow(["车站", "station", "2022-08-29T12:30:00+08:00", "140703001002G01", "", a])
PY
fk import sentinels sentinels.csv >/dev/null 2>imp.err
expect_rc 0 "import sentinels"
contains imp.err "8 read, 8 accepted"

expected() { # DATE: the buyers' rows of regime due, computed here
    "$PY" - "$1" <<'PY'
import csv, sys
from datetime import datetime, timedelta, timezone
cst = timezone(timedelta(hours=8))
def t(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))
today = datetime.strptime(sys.argv[1], "%Y-%m-%d").date()
persons = {r["id_number"]: r for r in csv.DictReader(open("persons.csv"))}
samples = {}
for r in csv.DictReader(open("samples.csv")):
    if r["time"]:
        samples.setdefault(r["id_number"], []).append(t(r["time"]))
out = []
for r in csv.DictReader(open("sentinels.csv")):
    kind = {"发热门诊": "fever_clinic"}.get(r["kind"], r["kind"])
    if not r["id_number"] or kind not in ("pharmacy", "fever_clinic"):
        continue
    at = t(r["time"])
    if kind == "pharmacy":
        deadline = at + timedelta(hours=48)
    else:  # the end of the visit's local day
        d = at.astimezone(cst).date()
        deadline = datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=cst)
    first, last = at.astimezone(cst).date(), deadline.astimezone(cst).date()
    if first > today or today > last + timedelta(days=7):
        continue
    got = sorted(s for s in samples.get(r["id_number"], []) if at <= s <= deadline)
    state = "done" if got else "overdue" if last < today else "due"
    p = persons.get(r["id_number"])
    out.append(",".join([r["id_number"], p["name"] if p else "", p["grid"] if p else r["grid"],
                         kind, first.isoformat(), last.isoformat(), state]))
print("\n".join(sorted(out)))
PY
}
got() { # DATE: the same columns of fangkong's answer
    fk regime due --date "$1" >"due-$1.csv" 2>/dev/null
    expect_rc 0 "regime due $1"
    "$PY" - "due-$1.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["source"] in ("pharmacy", "fever_clinic")]
for r in rows:
    assert r["regime"] == "" and r["category"] == "", r
print("\n".join(sorted(",".join([r["id_number"], r["name"], r["grid"], r["source"],
                                 r["window_start"], r["window_end"], r["state"]]) for r in rows)))
PY
}
for day in 2022-08-28 2022-08-29 2022-08-31 2022-09-06 2022-09-08; do
    expected "$day" >"want-$day.txt"
    got "$day" >"got-$day.txt"
    same_rows "want-$day.txt" "got-$day.txt" "buyers due on $day"
done
# The computation above is not empty where it matters: every state shows on 08-31.
for s in done due overdue; do
    grep -q ",$s\$" want-2022-08-31.txt || fail "no $s buyer on 2022-08-31: the fixture is wrong"
done
grep -q '^110101198001010' want-2022-08-29.txt || fail "the buyer outside the registry is not expected"
# Past the deadline's day by more than seven days, a buyer is no longer listed.
[ "$(grep -c 'fever_clinic' want-2022-09-06.txt)" = 0 ] || fail "fixture: visitors still due on 09-06"

# ---- the API: source=buyers, in scope ----
echo "pw-desk-2022" | "$FANGKONG" user add desk --role county --scope 140702 >/dev/null 2>&1 ||
    fail "user add desk"
echo "pw-admin-2022" | "$FANGKONG" user add admin --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add admin"
start_server
ADMIN=$(login admin pw-admin-2022)
DESK=$(login desk pw-desk-2022)
api "$ADMIN" GET "/api/v1/regime/due?date=2022-08-31&source=buyers"
expect_status 200 "regime due source=buyers"
"$PY" - "$WORK/body" want-2022-08-31.txt <<'PY' || fail "the API's buyers differ from the CLI's"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
got = sorted(",".join([r["id_number"], r["name"], r["grid"], r["source"], r["window_start"],
                       r["window_end"], r["state"]]) for r in rows)
want = open(sys.argv[2]).read().split()
assert got == sorted(want), (got, want)
PY
api "$DESK" GET "/api/v1/regime/due?date=2022-08-31&source=buyers"
expect_status 200 "regime due source=buyers, county"
"$PY" - "$WORK/body" <<'PY' || fail "a county account sees another county's buyers"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
assert rows and all(r["grid"].startswith("140702") for r in rows), rows
PY
api "$DESK" GET "/api/v1/regime/due?date=2022-08-31&source=buyer"
expect_error bad_request 400 "an unknown source"
