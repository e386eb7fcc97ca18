#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Coordinates of grids and venues (the optional lon,lat columns) and the map's endpoints:
# - import: good rows are taken; a pair out of China's extent, one the wrong way round, and one
#   column without the other are rejected with their line and a clerk's reason; a file without
#   the columns (city-3's own) imports unchanged and keeps the stored coordinates; the export
#   carries them and imports again as duplicates;
# - GET /api/v1/map/points: the grids and venues with coordinates, cut to the scope (a viewer of
#   140702 sees only its county's), equal to what this script put in;
# - GET /api/v1/map: per county the coverage of `fangkong coverage --by county`, the cases counted
#   here from the exported cases and persons, and the persons under control of `fangkong control
#   summary --by county --status open`; a viewer of 140702 gets its county and its townships only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
FK_KEEP_GOING=1
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

web_city

# ---- import: three good grids, then bad rows on lines 5, 6 and 7 ----
cat >grids.csv <<'EOF'
code,name,level,parent,lon,lat
140702001001G01,网格1,grid,140702001001,112.7523,37.6970
140703001001G01,网格13,grid,140703001001,112.5512,37.4213
140729001001G01,网格25,grid,140729001001,111.7786,36.8479
140702001001G02,网格2,grid,140702001001,37.6970,112.7523
140702002001G01,网格4,grid,140702002001,112.75,
140702002001G02,网格5,grid,140702002001,200,37.69
EOF
# The grids' names and parents as city-3 has them, so only the coordinates change.
"$PY" - "$WEB_DATA/regions.csv" grids.csv <<'PY'
import csv, sys
known = {r["code"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["code", "name", "level", "parent", "lon", "lat"], lineterminator="\n")
    w.writeheader()
    for r in rows:
        k = known[r["code"]]
        r["name"], r["parent"] = k["name"], k["parent"]
        w.writerow(r)
PY
fk import regions grids.csv 2>import.log
expect_rc 3 "import regions with coordinates"
contains grids.csv.rejects.csv '5,lon 37.6970 is outside 73 to 136 (east longitude): are lon and lat the wrong way round?'
contains grids.csv.rejects.csv '6,lat is empty but lon is 112.75: give both or neither'
contains grids.csv.rejects.csv '7,lon 200 is outside 73 to 136 (east longitude)'
[ "$(($(wc -l <grids.csv.rejects.csv) - 1))" -eq 3 ] || fail "3 rejects expected: $(cat grids.csv.rejects.csv)"

cat >venues-xy.csv <<'EOF'
code,name,grid,type,lon,lat
V0000,场所0,140729002001G02,supermarket,111.80,36.85
V0001,场所1,140703001001G02,restaurant,112.56,37.43
V0002,场所2,140702001001G01,,112.76,37.70
V0003,场所3,140702001001G01,,,37.70
V0004,场所4,140702001001G01,,abc,37.70
EOF
# The venues' grids and types as city-3 has them.
"$PY" - "$WEB_DATA/venues.csv" venues-xy.csv <<'PY'
import csv, sys
known = {r["code"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["code", "name", "grid", "type", "lon", "lat"], lineterminator="\n")
    w.writeheader()
    for r in rows:
        k = known[r["code"]]
        r["name"], r["grid"], r["type"] = k["name"], k["grid"], k["type"]
        w.writerow(r)
PY
fk import venues venues-xy.csv 2>import.log
expect_rc 3 "import venues with coordinates"
contains venues-xy.csv.rejects.csv '5,lon is empty but lat is 37.70: give both or neither'
contains venues-xy.csv.rejects.csv "6,lon 'abc' is not a number of degrees (like 112.7523)"
[ "$(($(wc -l <venues-xy.csv.rejects.csv) - 1))" -eq 2 ] || fail "2 rejects expected: $(cat venues-xy.csv.rejects.csv)"

# ---- old files import unchanged and keep the coordinates; the export carries them ----
fk import regions "$WEB_DATA/regions.csv" 2>old.log
expect_rc 0 "re-import of city-3's regions (no lon,lat columns)"
fk import venues "$WEB_DATA/venues.csv" 2>old.log
expect_rc 0 "re-import of city-3's venues (no lon,lat columns)"
fk export venues --out venues-out.csv 2>/dev/null
expect_rc 0 "export venues"
grep -qx 'code,name,grid,type,lon,lat' <(head -1 venues-out.csv) || fail "venues export header: $(head -1 venues-out.csv)"
"$PY" - venues-out.csv <<'PY' >venue-points.txt
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["lon"]:
        print("venue", r["code"], r["grid"], r["lon"], r["lat"])
PY
printf '%s\n' "venue V0000 140729002001G02 111.8 36.85" "venue V0001 140703001001G02 112.56 37.43" \
    "venue V0002 140702001002G02 112.76 37.7" >want-venues.txt
same_rows venue-points.txt want-venues.txt "venues with coordinates after the old file came again"
fk export regions --out regions-out.csv 2>/dev/null
expect_rc 0 "export regions"
"$PY" - regions-out.csv <<'PY' >grid-points.txt
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["lon"]:
        print("grid", r["code"], r["code"], r["lon"], r["lat"])
PY
printf '%s\n' "grid 140702001001G01 140702001001G01 112.7523 37.697" \
    "grid 140703001001G01 140703001001G01 112.5512 37.4213" \
    "grid 140729001001G01 140729001001G01 111.7786 36.8479" >want-grids.txt
same_rows grid-points.txt want-grids.txt "grids with coordinates after the old file came again"
fk import venues venues-out.csv 2>again.log
expect_rc 0 "the export imports again"
grep -q 'updated' again.log && grep -qE '[1-9][0-9]* updated' again.log && fail "the export imported again changed rows: $(cat again.log)"

# ---- the server: points and counts, cut to the scope ----
web_serve
CHIEF=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
YUCI=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")

points() { # TOKEN PREFIX: the points answer as "kind code grid lon lat" lines, and the wanted ones
    api "$1" GET "/api/v1/map/points"
    expect_status 200 "map/points"
    jq_py '"\n".join("%s %s %s %s %s" % (r["kind"], r["code"], r["grid"], r["lon"], r["lat"]) for r in j["rows"])' >got.txt
    cat want-grids.txt want-venues.txt | awk -v p="$2" '$3 ~ "^" p' >want.txt
    same_rows got.txt want.txt "map/points of scope $2"
}
points "$CHIEF" 1407
points "$YUCI" 140702
api "$YUCI" GET "/api/v1/map/points?kind=venues"
[ "$(jq_py '[r["code"] for r in j["rows"]]')" = '["V0002"]' ] || fail "viewer's venues: $(cat "$WORK/body")"
api "$CHIEF" GET "/api/v1/map/points?kind=shops"
expect_error bad_request 400 "an unknown kind"

# /map by county: the CLI's coverage, the cases counted here, the CLI's open orders
"$FANGKONG" coverage "$WEB_ROUND" --by county >cov.csv 2>/dev/null
"$FANGKONG" export cases --out out-cases.csv 2>/dev/null
"$FANGKONG" export persons --out out-persons.csv 2>/dev/null
"$FANGKONG" control summary --by county --status open >ctl.csv 2>/dev/null
"$PY" - >want-map.txt <<'PY'
import csv
grid = {p["id_number"]: p["grid"] for p in csv.DictReader(open("out-persons.csv", encoding="utf-8"))}
cases, ctl = {}, {}
for c in csv.DictReader(open("out-cases.csv", encoding="utf-8")):
    k = grid[c["id_number"]][:6]
    cases[k] = cases.get(k, 0) + 1
for r in csv.DictReader(open("ctl.csv", encoding="utf-8")):
    ctl[r["region"]] = ctl.get(r["region"], 0) + int(r["persons"])
for r in csv.DictReader(open("cov.csv", encoding="utf-8")):
    print(r["region"], r["residents"], r["sampled"], r["coverage"], cases.get(r["region"], 0), ctl.get(r["region"], 0))
PY
api "$CHIEF" GET "/api/v1/map?by=county"
expect_status 200 "map by county"
jq_py '"\n".join("%s %s %s %.4f %s %s" % (r["region"], r["residents"], r["sampled"], r["coverage"], r["cases"], r["controlled"]) for r in j["rows"])' >got-map.txt
same_rows got-map.txt want-map.txt "map by county equals the CLI's answers"
api "$YUCI" GET "/api/v1/map?by=county"
[ "$(jq_py '[r["region"] for r in j["rows"]]')" = '["140702"]' ] || fail "viewer's map by county: $(cat "$WORK/body")"
api "$YUCI" GET "/api/v1/map?by=township"
[ "$(jq_py 'all(r["region"].startswith("140702") for r in j["rows"]) and len(j["rows"]) > 0')" = true ] ||
    fail "viewer's map by township leaves 140702: $(cat "$WORK/body")"
api "$YUCI" GET "/api/v1/map"
[ "$(jq_py 'sorted(set(len(r["region"]) for r in j["rows"]))')" = '[9]' ] ||
    fail "a county viewer's default level is the township: $(cat "$WORK/body")"
api "$CHIEF" GET "/api/v1/map?by=city"
expect_error bad_request 400 "a level above the county"
api "" GET "/api/v1/map/points"
expect_status 401 "map/points without a session"

echo "lon,lat: import checks, export and the map endpoints within scope"
