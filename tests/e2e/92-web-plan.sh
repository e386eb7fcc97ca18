#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 筛查计划与进度 in a real browser (tests/web/plan.test.mjs): the page's forecast, pace per
# county, plan per county, hourly chart and labs equal `fangkong pace` and `fangkong plan` on the
# city-3 fixture with two labs, two boxes and a lockdown zone, as of a clock in the middle of its round
# (FANGKONG_NOW, read by the server and the CLI alike); the dashboard shows the same planned and
# actual lines and the forecast; a viewer of 榆次区 sees its county only. Screenshots in Chinese
# at 1280 px and English at 1920 px.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
export FANGKONG_NOW=2022-08-28T14:30:00+08:00
cat >labs.csv <<EOF2
code,name,tubes_per_hour,region
LAB1,晋中市疾控中心实验室,120,140700
LAB2,榆次区人民医院检验科,60,140702
EOF2
fk import labs labs.csv 2>/dev/null
expect_rc 0 "import labs"
# two boxes of tubes sampled before the clock: one on the road at it, one that has not left
mapfile -t tubes < <(awk -F, 'NR > 1 && $3 < "2022-08-28T13" && !seen[$1]++ { print $1; if (++n == 6) exit }' "$WEB_DATA/samples.csv")
{
    echo "box,tube,shipped"
    for t in "${tubes[@]:0:4}"; do echo "BX-YC-01,$t,2022-08-28T13:30:00+08:00"; done
    for t in "${tubes[@]:4:2}"; do echo "BX-YC-02,$t,2022-08-28T15:00:00+08:00"; done
} >boxes.csv
fk import boxes boxes.csv 2>/dev/null
expect_rc 0 "import boxes"
g=$(awk -F, '$3 == "grid" && $1 ~ /^140702/ { print $1; exit }' "$WEB_DATA/regions.csv")
fk zone declare 封控-1 --level lockdown --regions "$g" --at 2022-08-27T12:00:00+08:00 >/dev/null 2>&1
expect_rc 0 "zone declare"
web_serve
web_node plan.test.mjs
echo "web plan: all checks passed; screenshots in $FK_BUILD/screenshots/plan"
