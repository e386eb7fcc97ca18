#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lists people can act on (issue 15 §6), against answers computed here from the CSV files: the
# missing list with household and address in door-to-door order (the persons file gains an
# optional address column; the old file without it imported first, unchanged), the regions below
# target with their county's and township's names (CLI and API, the API cut to the scope and
# downloadable as CSV), and the 采送检报 tables worst first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
GRID=140703001

web_city
name=$WEB_ROUND
IFS=, read -r _ _ start end <"$WEB_DATA/round.txt"

# Addresses for the residents of township 140703001: a persons file of the key and the new column
# only (a column the file lacks keeps the stored value).
python3 - <<'PY'
import csv
rows = [r for r in csv.DictReader(open("persons.csv", encoding="utf-8"))]
with open("addr.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id_number", "name", "grid", "address"])
    for r in rows:
        if r["grid"].startswith("140703001") and r["household"]:
            w.writerow([r["id_number"], r["name"], r["grid"], "幸福路%s号" % r["household"][1:]])
PY
fk import persons addr.csv 2>/dev/null
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import of the addresses exited $rc"

# The accepted residents (the fixture's persons file holds rows that are rejected).
fk export persons --out accepted.csv 2>/dev/null
expect_rc 0 "export persons"
fk missing "$name" --region "$GRID" >missing.csv 2>/dev/null
expect_rc 0 "missing"
fk coverage "$name" --by grid --below 90 >below.csv
expect_rc 0 "coverage --below 90"
fk coverage "$name" --by township --below 95 >below-town.csv
expect_rc 0 "coverage --by township --below 95"
fk coverage "$name" --below 0 2>err.txt
expect_rc 1 "coverage --below 0"
contains err.txt "--below takes a percentage from 1 to 100"
# 复检: two members of positive pools sampled alone after the round, one of them with a result.
fk retest "$name" >retest-before.csv 2>/dev/null
m1=$(sed -n 2p retest-before.csv | cut -d, -f2)
m2=$(sed -n 3p retest-before.csv | cut -d, -f2)
[ -n "$m1" ] && [ -n "$m2" ] && [ "$m1" != "$m2" ] || fail "the fixture has no pooled positives"
{
    echo "tube,id_number,time,site"
    echo "RT0001,$m1,2022-08-29T09:00:00+08:00,SITE1"
    echo "RT0002,$m2,2022-08-29T10:00:00+08:00,SITE1"
} >retest-samples.csv
printf 'tube,result,time,lab
RT0001,negative,2022-08-29T15:00:00+08:00,LAB1
' >retest-results.csv
fk import samples retest-samples.csv 2>/dev/null
expect_rc 0 "import the single samples"
fk import results retest-results.csv 2>/dev/null
expect_rc 0 "import the single result"
fk retest "$name" >retest.csv 2>/dev/null
expect_rc 0 retest

NOW=2022-08-29T12:00:00+08:00
fk tat "$name" --by site --now "$NOW" >tat-site.csv
fk tat "$name" --by lab --now "$NOW" >tat-lab.csv
# 送检: the fixture's samples record no shipped time: the stage is "not recorded" (empty), not 0.
[ "$(awk -F, '$1 == "(total)" { print $10 }' tat-site.csv)" = "" ] ||
    fail "shipped without shipped times: $(grep total tat-site.csv)"
# SITE1's rows again, with a shipped time half an hour after each tube's first sample: the stored
# rows get it (nothing is added twice), and the stage is counted.
shipped_times samples.csv shipped.csv
before=$(count samples)
fk import samples shipped.csv 2>/dev/null
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import of shipped times exited $rc"
[ "$(count samples)" = "$before" ] || fail "the shipped times added sample rows: $before -> $(count samples)"
fk tat "$name" --by site --now "$NOW" >tat-shipped.csv

python3 - "$start" "$end" "$GRID" <<'PY' || fail "the lists differ from the independent answer"
import csv, sys
from datetime import datetime
ts = lambda s: datetime.fromisoformat(s).timestamp()
start, end, grid = ts(sys.argv[1]), ts(sys.argv[2]), sys.argv[3]
rows = lambda f: list(csv.DictReader(open(f, encoding="utf-8")))
R = {r["code"]: r for r in rows("regions.csv")}
P = {}
for r in rows("accepted.csv"):
    P[r["id_number"]] = r
addr = {r["id_number"]: r["address"] for r in rows("addr.csv")}
sampled = set()
for s in rows("samples.csv"):
    try:
        if start <= ts(s["time"]) <= end:
            sampled.add(s["id_number"])
    except ValueError:
        pass
def up(c, level):
    while c and c in R:
        if R[c]["level"] == level:
            return c
        c = R[c]["parent"]
    return ""
ok = True
def same(what, got, want):
    global ok
    if got != want:
        print("%s:\n got  %r\n want %r" % (what, got[:5], want[:5]), file=sys.stderr)
        ok = False
# missing: every unsampled resident of the township, with household and address, in visit order
want = sorted(([i, p["name"], p["phone"], p["grid"], p["household"], addr[i] if i in addr else ""]
               for i, p in P.items() if p["grid"] in R and p["grid"].startswith(grid) and i not in sampled),
              key=lambda r: (r[3], r[4], r[0]))
got = [[r[k] for k in ("id_number", "name", "phone", "grid", "household", "address")]
       for r in rows("missing.csv")]
same("missing list", got, want)
assert any(r[5] for r in got), "no address shown"
# below target: names and order
for f, level, pct in (("below.csv", "grid", 90), ("below-town.csv", "township", 95)):
    n, k = {}, {}
    for i, p in P.items():
        c = p["grid"]
        while c in R:
            n[c] = n.get(c, 0) + 1
            k[c] = k.get(c, 0) + (i in sampled)
            c = R[c]["parent"]
    want = []
    for c, r in R.items():
        if r["level"] != level or not n.get(c) or k[c] * 100 >= pct * n[c]:
            continue
        co, tw = up(c, "county"), up(c, "township")
        want.append([co, R[co]["name"], tw, R[tw]["name"], c, r["name"], str(n[c]), str(k[c]),
                     str(n[c] - k[c]), "%.4f" % (k[c] / n[c])])
    want.sort(key=lambda r: (int(r[7]) / int(r[6]), r[4]))
    got = [list(r.values()) for r in rows(f)]
    same(f, got, want)
    if not want:
        print("%s: nothing below %d %% to compare" % (f, pct), file=sys.stderr); ok = False
# 采送检报: worst first (overdue, pending, late descending), the total last
for f in ("tat-site.csv", "tat-lab.csv"):
    t = rows(f)
    same(f + " total last", t[-1][list(t[-1])[0]], "(total)")
    keys = [(-int(r["overdue"]), -int(r["pending"]), -int(r["late"])) for r in t[:-1]]
    same(f + " worst first", keys, sorted(keys))
# 送检 counted: SITE1 every tube (all shipped by now), SITE2 not recorded, the total SITE1's tubes
# and SITE2's received or resulted by now
now = ts("2022-08-29T12:00:00+08:00")
T = {}
for r in rows("samples.csv"):
    try:
        t = ts(r["time"])
    except ValueError:
        continue
    if r["id_number"] in P:
        T.setdefault(r["tube"], []).append((t, r["site"], r["id_number"]))
lab = {}
for r in rows("results.csv"):
    try:
        rt = ts(r["time"])
        rc = ts(r["received"]) if r.get("received") else None
    except ValueError:
        continue
    if r["result"] in ("negative", "positive", "invalid") and r["tube"] in T:
        lab[r["tube"]] = (rt, rc)
def in_round(ms):
    return any(start <= t <= end and P[i]["grid"] in R for t, _, i in ms)
site1 = sum(1 for u, ms in T.items() if in_round(ms) and ms[0][1] == "SITE1")
site2 = sum(1 for u, ms in T.items() if in_round(ms) and ms[0][1] == "SITE2" and u in lab
            and (lab[u][0] <= now or (lab[u][1] or now + 1) <= now))
t = {r["site"]: r["shipped"] for r in rows("tat-shipped.csv")}
same("shipped per site", [t["SITE1"], t["SITE2"], t["(total)"]], [str(site1), "", str(site1 + site2)])
# 复检: each member's latest sample alone after the pooled one, and its result
tubes, res = {}, {}
for f in ("samples.csv", "retest-samples.csv"):
    for r in rows(f):
        try:
            t = ts(r["time"])
        except ValueError:
            continue
        if r["id_number"] in P:
            tubes.setdefault(r["tube"], []).append((r["id_number"], t, r["time"]))
for f in ("results.csv", "retest-results.csv"):
    for r in rows(f):
        try:
            t = ts(r["time"])
        except ValueError:
            continue
        if r["result"] in ("negative", "positive", "invalid") and r["tube"] in tubes:
            if r["tube"] not in res or t > res[r["tube"]][0]:
                res[r["tube"]] = (t, r["result"])
states = set()
for r in rows("retest.csv"):
    mine = [m for m in tubes[r["tube"]] if m[0] == r["id_number"]][0]
    later = sorted((m[1], u, m[2]) for u, ms in tubes.items() if len(ms) == 1
                   for m in ms if m[0] == r["id_number"] and m[1] > mine[1])
    if not later:
        want = ["not_sampled", "", "", ""]
    else:
        _, u, when = later[-1]
        want = ["retested" if u in res else "waiting", u, datetime.fromisoformat(when).isoformat(),
                res[u][1] if u in res else ""]
    states.add(want[0])
    same("retest " + r["id_number"], [r[k] for k in ("retest_state", "retest_tube", "retest_sampled",
                                                  "retest_result")], want)
same("retest states", sorted(states), ["not_sampled", "retested", "waiting"])
sys.exit(0 if ok else 1)
PY

# The API: the same below-target rows, cut to the scope, and as a CSV download.
echo "viewer-password-2" | "$FANGKONG" user add taigu --role viewer --scope 140703 >/dev/null 2>&1
web_serve
ADMIN=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
VIEWER=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")
api "$ADMIN" GET "/api/v1/below?round=$name&by=grid&pct=90&format=csv"
expect_status 200 "below as CSV"
cp "$WORK/body" api-below.csv
cmp -s api-below.csv below.csv || { diff api-below.csv below.csv | head >&2; fail "the API's below-target CSV differs from the CLI's"; }
api "$ADMIN" GET "/api/v1/below?round=$name&by=grid&pct=90&format=xlsx"
expect_status 200 "below as Excel"
grep -q PK <(head -c 2 "$WORK/body") || fail "the Excel download is not a workbook"
api "$VIEWER" GET "/api/v1/below?round=$name&by=grid&pct=90"
expect_status 200 "below for the viewer of 140702"
[ "$(jq_py 'sorted({r["county"] for r in j["rows"]})')" = '["140702"]' ] ||
    fail "the viewer of 140702 sees other counties' grids: $(head -c 300 "$WORK/body")"
[ "$(jq_py 'len(j["rows"])')" = "$(awk -F, 'NR > 1 && $1 == "140702"' below.csv | wc -l)" ] ||
    fail "the viewer of 140702 does not see all of its grids below target"
api "$VIEWER" GET "/api/v1/below?round=$name&pct=0"
expect_error bad_request 400 "pct=0"
# The missing list's pages run in visit order and carry household and address.
api "$ADMIN" GET "/api/v1/missing?round=$name&region=$GRID&limit=10000"
expect_status 200 missing
[ "$(jq_py '[[r["id_number"], r["household"], r["address"]] for r in j["rows"]]')" = \
  "$(python3 -c 'import csv, json; print(json.dumps([[r["id_number"], r["household"], r["address"]] for r in csv.DictReader(open("missing.csv", encoding="utf-8"))], ensure_ascii=False))')" ] ||
    fail "the API's missing list differs from the CLI's (order, household or address)"
echo "lists: missing with household and address, below target with names, TAT worst first"
