#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 健康监测 in a real browser (tests/web/checkins.test.mjs): the day's check-ins per region equal
# `fangkong checkin status` (missed and fever in red), a region's missed and fever windows equal
# `checkin list --missed` / `--fever` with each ID number a link to the person's page, the CSV
# download equals the CLI's list, and a viewer of 榆次区 sees its county only. Check-ins for the
# control fixture's persons at home or in centralized isolation are written here for 2022-08-27:
# every window but one (missed), and one fever. Screenshots in Chinese and English.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
awk -F, 'NR > 1 && ($3 == "home" || $3 == "centralized") { print $1 }' "$WEB_CONTROL/controls.csv" |
    sort -u | awk 'BEGIN { print "id_number,time,temperature,symptoms" }
        { am = NR == 2 ? "37.6" : "36.5"
          print $1 ",2022-08-27T08:" sprintf("%02d", NR % 60) ":00+08:00," am ",none"
          if (NR != 1) print $1 ",2022-08-27T15:" sprintf("%02d", NR % 60) ":00+08:00,36.7," }' >checkins.csv
fk import checkins checkins.csv 2>/dev/null
expect_rc 0 "import checkins"
web_serve
web_node checkins.test.mjs
echo "web checkins: all checks passed; screenshots in $FK_BUILD/screenshots/checkins"
