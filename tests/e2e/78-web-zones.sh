#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 风险区域 in a real browser (tests/web/zones.test.mjs): over the city-3 fixture, a lockdown zone
# over the first case's grid and a control zone over its community are declared here, and an older
# precaution zone over a community of 太谷区 is imported; the page's "may be lowered today" equals
# `fangkong zone review` (the precaution zone may be lifted, the lockdown zone not: its round
# missed residents), the map colours the lockdown grid red, the detail shows the rows behind, the
# declare form's overlap note, change and lift reach the CLI, and a viewer of 榆次区 sees only the
# zones touching it. Screenshots in Chinese and English at 1280 and 1920 px.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
c1=$(sed -n 2p "$WEB_DATA/cases.csv" | cut -d, -f1)
G=$(awk -F, -v id="$c1" '$1 == id { print $4 }' "$WEB_DATA/persons.csv")
COMM=$(awk -F, -v g="$G" '$1 == g { print $4 }' "$WEB_DATA/regions.csv")
OTHER=$(awk -F, '$3 == "community" && $1 ~ /^140703/ { print $1; exit }' "$WEB_DATA/regions.csv")
[ -n "$G" ] && [ -n "$COMM" ] && [ -n "$OTHER" ] || fail "the fixture's grid, community or 太谷区 community: '$G' '$COMM' '$OTHER'"
# The fixture's grids have no coordinates: the lockdown grid gets some inside 榆次区, so the map
# can draw it.
awk -F, -v g="$G" 'NR == 1 { print "code,name,level,parent,lon,lat" } $1 == g { print $0 ",112.7493,37.6744" }' \
    "$WEB_DATA/regions.csv" >regions-ll.csv
fk import regions regions-ll.csv 2>/dev/null
expect_rc 0 "import the lockdown grid's coordinates"
fk zone declare 封控-1 --level lockdown --regions "$G" --at 2022-08-25T12:00:00+08:00 --reason 病例所在网格 2>/dev/null
expect_rc 0 "zone declare lockdown"
fk zone declare 管控-1 --level control --regions "$COMM" --at 2022-08-25T12:00:00+08:00 2>/dev/null
expect_rc 0 "zone declare control"
printf 'name,level,regions,declared,lifted,reason\n防范-1,防范区,%s,2022-08-20T09:00:00+08:00,,周边\n' "$OTHER" >zones.csv
fk import zones zones.csv 2>/dev/null
expect_rc 0 "import zones"
export ZONE_GRID="$G"
web_serve
web_node zones.test.mjs
echo "web zones: all checks passed; screenshots in $FK_BUILD/screenshots/zones"
