#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 场所核验 in a real browser (tests/web/gates.test.mjs): two gate accounts, one in 榆次区 and one in
# 太谷区, upload a day of checks (a gate's offline log, "ID,time" lines of the fixture's residents and
# a few misread ones) with `fangkong check --as`; the page's totals, rows and chart equal `fangkong
# gates`, checks made now through the API show on today's page, and a viewer of 榆次区 sees its
# county's gate only. Screenshots in Chinese and English.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
DAY=2022-08-29
for g in east:140702001:scenic:1 west:140703001:station:2; do
    IFS=: read -r name scope type seed <<<"$g"
    echo "Gate-web-$name-2026" | "$FANGKONG" user add "gate-$name" --role gate --scope "$scope" \
        >/dev/null 2>&1 || fail "user add gate-$name"
    awk -F, -v d="$DAY" -v seed="$seed" 'NR > 1 && $1 ~ /^[0-9]/ { ids[m++] = $1 }
        END { srand(seed)
              for (k = 0; k < 400; k++) {
                  s = 32400 + int(rand() * 43200); id = ids[int(rand() * m)]
                  if (rand() < 0.03) id = substr(id, 1, 17) (substr(id, 18, 1) == "0" ? "1" : "0")
                  printf "%s,%sT%02d:%02d:%02d+08:00\n", id, d, int(s / 3600), int(s % 3600 / 60), s % 60 } }' \
        persons.csv >"checks-$name.txt"
    fk check --gate "$type" --as "gate-$name" <"checks-$name.txt" >/dev/null 2>&1
    expect_rc 0 "check --as gate-$name"
done
web_serve
FK_GATE_DAY="$DAY" FK_GATE="gate-east:Gate-web-east-2026" web_node gates.test.mjs
echo "web gates: all checks passed; screenshots in $FK_BUILD/screenshots/gates"
