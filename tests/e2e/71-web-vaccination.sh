#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 疫苗接种 in a real browser (tests/web/vaccination.test.mjs): the coverage grid of county × age
# band equals the CLI's counts with 12+ highlighted, the catch-up per community equals the CLI's,
# a community's list and its CSV download equal `fangkong vaccination catchup`, the push button
# records a push the table then shows, and a county viewer sees its county only and no push.
# Doses for the city-3 fixture are written here (deterministic, from the ID numbers). Screenshots
# in Chinese and English at 1280 and 1920 px.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
python3 - <<'PY'
import csv
out = open("vaccinations.csv", "w", encoding="utf-8", newline="")
w = csv.writer(out, lineterminator="\n")
w.writerow(["id_number", "dose", "time", "vaccine", "site"])
for r in csv.DictReader(open("persons.csv", encoding="utf-8")):
    idn = r["id_number"]
    if len(idn) != 18 or not idn[:17].isdigit() or idn[6:10] > "2018":
        continue
    k = int(idn[14:17]) % 10
    if k == 0 or (r["grid"].startswith("140702001002") and k < 6):
        continue  # 140702001002 lags behind
    w.writerow([idn, 1, "2021-06-01T09:00:00+08:00", "CoronaVac", "接种点1"])
    if k >= 3:
        w.writerow([idn, 2, "2021-07-01T09:00:00+08:00", "CoronaVac", "接种点1"])
    if k >= 8:
        w.writerow([idn, 3, "2022-01-10T09:00:00+08:00", "CoronaVac", "接种点2"])
out.close()
PY
fk import vaccinations vaccinations.csv 2>/dev/null
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import vaccinations exited $rc"
web_serve
FK_COMMUNITY=140702001001 web_node vaccination.test.mjs
echo "web vaccination: all checks passed; screenshots in $FK_BUILD/screenshots/vaccination"
