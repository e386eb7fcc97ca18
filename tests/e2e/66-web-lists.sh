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
web_serve
FK_GRID=140703001001G01 web_node lists.test.mjs
echo "web lists: all checks passed; screenshots in $FK_BUILD/screenshots/lists"
