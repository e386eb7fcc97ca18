#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The web UI in a real browser: imports tests/data/city-3 and the control fixture tests/data/control
# (control orders, arrivals, risk areas, door events), creates round R1 and two accounts (an admin
# of 晋中市 and a viewer of 榆次区), starts `fangkong serve` on a free loopback port with the built
# UI, and runs tests/web/ui.test.mjs (playwright-core driving Debian's chromium) with the CLI's own
# answers to compare against. Screenshots of every page go to $FK_BUILD/screenshots/ui.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
GRID=140703001001G01

web_need
web_city
name=$WEB_ROUND

# The CLI's answers, which the pages must show.
"$FANGKONG" coverage "$name" --by city >cov-city.csv
"$FANGKONG" coverage "$name" --by county >cov-county.csv
"$FANGKONG" coverage "$name" --by township >cov-township.csv
"$FANGKONG" coverage "$name" --by grid >cov-grid.csv
"$FANGKONG" missing "$name" --region "$GRID" >missing.csv 2>/dev/null
"$FANGKONG" chain --format json >chain.json 2>/dev/null
[ "$(wc -l <missing.csv)" -gt 1 ] || fail "grid $GRID has no missing residents to show"
"$FANGKONG" control summary --by county --status open >control.csv
"$FANGKONG" alerts --open --profile "$WEB_PROFILE" >alerts.csv 2>/dev/null
"$FANGKONG" backcheck 110105 >backcheck.csv 2>/dev/null
[ "$(wc -l <backcheck.csv)" -gt 1 ] || fail "back-check of 110105 finds nobody"

# A persons file with one good new resident and, on line 3, a bad check digit.
good=$(python3 "$FK_SRC/tests/e2e/idgen.py" 140703 19900101 123)
{
    echo "id_number,name,phone,grid,household,tags"
    echo "$good,新居民,13900000123,$GRID,H09998,"
    echo "140729199403074850,坏号码,13900000124,$GRID,H09999,"
} >persons-bad.csv
# The same rows as an Excel workbook (made by Python's zipfile, independent of fangkong's reader):
# the page uploads it on its second sheet, named 人员.
python3 "$FK_SRC/tests/e2e/mkxlsx.py" persons-bad.xlsx 说明=persons-bad.csv 人员=persons-bad.csv ||
    fail "cannot make the workbook"

python3 - "$GRID" >expect.json <<'EOF'
import csv, json, sys
grid = sys.argv[1]
def rows(f):
    out = []
    for r in csv.DictReader(open(f, encoding="utf-8")):
        r["residents"] = int(r["residents"]); r["sampled"] = int(r["sampled"])
        r["coverage"] = float(r["coverage"]) if r["coverage"] else None
        out.append(r)
    return out
grids = rows("cov-grid.csv")
chain = json.load(open("chain.json", encoding="utf-8"))
print(json.dumps({
    "city": rows("cov-city.csv")[0],
    "county": rows("cov-county.csv"),
    "townships": len(rows("cov-township.csv")),
    "grids_below_target": sum(1 for r in grids if r["coverage"] is not None and r["coverage"] * 100 < 90),
    "grid": grid,
    "drill": [grid[:6], grid[:9], grid[:12], grid],
    "missing": [r["id_number"] for r in csv.DictReader(open("missing.csv", encoding="utf-8"))],
    "cases": sum(1 for n in chain["nodes"] if n["category"] == "case"),
    "reject": {"read": 2, "line": 3, "reason": "校验码应为 X，而不是 0"},
    "other": {"region": "140703", "name": "太谷区"},
    "control": {
        "open": sum(int(r["persons"]) for r in csv.DictReader(open("control.csv", encoding="utf-8"))),
        "alerts": len(list(csv.DictReader(open("alerts.csv", encoding="utf-8")))),
        "area": "110105",
        "backcheck": [r["id_number"] for r in csv.DictReader(open("backcheck.csv", encoding="utf-8"))],
        "date": "2022-08-28",
    },
}, ensure_ascii=False))
EOF

web_serve
FK_EXPECT="$WORK/expect.json" FK_BADFILE="$WORK/persons-bad.csv" FK_BADXLSX="$WORK/persons-bad.xlsx" \
    web_node ui.test.mjs
echo "web UI: all checks passed; screenshots in $FK_BUILD/screenshots/ui"
