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
NOW=2022-08-29T12:00:00+08:00
fk tat "$name" --by site --now "$NOW" >tat-site.csv
fk tat "$name" --by lab --now "$NOW" >tat-lab.csv

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
head -c 2 "$WORK/body" | grep -q PK || fail "the Excel download is not a workbook"
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
