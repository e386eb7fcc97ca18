#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lists people can act on, in a real browser (tests/web/lists.test.mjs): the missing list of a grid
# shows household and address in door-to-door order, the below-target list has county and
# township names and its CSV download holds the CLI's rows, the 采送检报 tables run worst first with
# the lab table on top. The township 140703001's residents get addresses first (a persons file of
# the key and the new column). Screenshots in Chinese and English.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
python3 - <<'PY'
import csv
with open("addr.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id_number", "name", "grid", "address"])
    for r in csv.DictReader(open("persons.csv", encoding="utf-8")):
        if r["grid"].startswith("140703001") and r["household"]:
            w.writerow([r["id_number"], r["name"], r["grid"], "幸福路%s号" % r["household"][1:]])
PY
fk import persons addr.csv 2>/dev/null
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import of the addresses exited $rc"
# 复检: two members of positive pools sampled alone after the round, one with a result.
"$FANGKONG" retest "$WEB_ROUND" 2>/dev/null | sed -n '2,3p' | cut -d, -f2 >members.txt
[ "$(sort -u members.txt | wc -l)" -eq 2 ] || fail "the fixture has no pooled positives"
{
    echo "tube,id_number,time,site"
    echo "RT0001,$(sed -n 1p members.txt),2022-08-29T09:00:00+08:00,SITE1"
    echo "RT0002,$(sed -n 2p members.txt),2022-08-29T10:00:00+08:00,SITE1"
} >retest-samples.csv
printf 'tube,result,time,lab\nRT0001,negative,2022-08-29T15:00:00+08:00,LAB1\n' >retest-results.csv
fk import samples retest-samples.csv 2>/dev/null
expect_rc 0 "import the single samples"
fk import results retest-results.csv 2>/dev/null
expect_rc 0 "import the single result"
# Shipped times for SITE1's tubes, which the browser test imports half-way (the stage is first
# "not recorded", then counted).
shipped_times samples.csv shipped.csv
web_serve
FK_GRID=140703001001G01 FK_SHIPPED="$WORK/shipped.csv" web_node lists.test.mjs
echo "web lists: all checks passed; screenshots in $FK_BUILD/screenshots/lists"
