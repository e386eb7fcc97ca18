#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The map and the wall screen in a real browser (tests/web/map.test.mjs): the city-3 fixture's
# counties filled on the dashboard's map, the colours by cases and persons under control equal to
# the CLI's, a click on a county drilling down, the wall screen's 四个查清 totals and open alerts
# equal to `fangkong control summary` and `fangkong alerts --open`, and its clock on Beijing time in
# a browser set to New York; the grids and venues with coordinates drawn as points. Screenshots (zh and en, 1280 and 1920 px) go to
# $FK_BUILD/screenshots/map.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

web_need
web_city
# Coordinates for every grid and every second venue, near their county's seat, so the map has
# points (the test reads the CLI's export for the answer).
"$PY" - "$WEB_DATA" <<'PY'
import csv, sys
seat = {"140702": (112.7082, 37.6978), "140703": (112.5513, 37.4213), "140729": (111.7786, 36.8479)}
regions = list(csv.DictReader(open(sys.argv[1] + "/regions.csv", encoding="utf-8")))
venues = list(csv.DictReader(open(sys.argv[1] + "/venues.csv", encoding="utf-8")))
def near(code, i):
    x, y = seat[code[:6]]
    return "%.4f" % (x + (i % 7 - 3) * 0.03), "%.4f" % (y + (i // 7 % 5 - 2) * 0.025)
with open("grids-xy.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent", "lon", "lat"])
    for i, r in enumerate(r for r in regions if r["level"] == "grid"):
        w.writerow([r["code"], r["name"], r["level"], r["parent"], *near(r["code"], i)])
with open("venues-xy.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["code", "name", "grid", "type", "lon", "lat"])
    for i, v in enumerate(venues):
        w.writerow([v["code"], v["name"], v["grid"], v["type"], *(near(v["grid"], i + 3) if i % 2 == 0 else ("", ""))])
PY
fk import regions grids-xy.csv 2>/dev/null
expect_rc 0 "import grids with coordinates"
fk import venues venues-xy.csv 2>/dev/null
expect_rc 0 "import venues with coordinates"
web_serve
web_node map.test.mjs
echo "map: all checks passed; screenshots in $FK_BUILD/screenshots/map"
