#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 四个查清 as a grid in a real browser (tests/web/control.test.mjs): city-3 and the control fixture,
# the grid's cells against the CLI's `control summary --pivot category` and the lists they open,
# paging, the release-due-today and past-end lists, alerts with phone and grid worker, and the
# county viewer's scope. Screenshots in $FK_BUILD/screenshots/control.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
# The grids get workers (网格员) and phones: the regions file again, with the optional columns.
python3 - "$WEB_DATA/regions.csv" >regions-workers.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["code", "name", "level", "parent", "worker", "worker_phone"])
for i, r in enumerate(rows):
    grid = r["level"] == "grid"
    w.writerow([r["code"], r["name"], r["level"], r["parent"],
                "网格员%d" % i if grid else "", "1370000%04d" % i if grid else ""])
PY
fk import regions regions-workers.csv 2>/dev/null
expect_rc 0 "import regions with workers"
# A lockdown zone over one grid of 榆次区, declared before the test's day: its residents count as
# risk_area at home, open, and that cell's list must hold them too.
ZG=$(awk -F, '$4 ~ /^140702/ { print $4; exit }' "$WEB_DATA/persons.csv")
fk zone declare 封控-web --level lockdown --regions "$ZG" --at 2022-08-30T08:00:00+08:00 2>zone.err
expect_rc 0 "zone declare: $(cat zone.err)"
web_serve
web_node control.test.mjs
echo "control grid: all checks passed; screenshots in $FK_BUILD/screenshots/control"
