#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The 冷链追溯 page in a real browser (tests/web/coldchain.test.mjs): on the city-3 fixture, a
# positive batch P1 through a port, a cold store and a market (venue V0000) touched by two
# residents of 榆次区 (140702), two of other counties and one unregistered buyer, with batches
# sharing its sites. The page's list, counts, graph and lists equal `fangkong coldchain`'s
# answers; the 管控 button (after its confirmation) adds the registered persons, then finds them
# already under control; the viewer of 140702 sees only its residents and no button. Screenshots
# (zh and en, 1280 and 1920 px) go to $FK_BUILD/screenshots/coldchain.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

web_need
web_city
"$PY" - "$WEB_DATA/persons.csv" "$WEB_CONTROL/controls.csv" "$FK_SRC/tests/e2e" >coldchain.csv <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[3])
import idgen
persons = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
controlled = {r["id_number"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
free = [p for p in persons if p["id_number"] not in controlled]
yuci = [p["id_number"] for p in free if p["grid"].startswith("140702")]
other = [p["id_number"] for p in free if not p["grid"].startswith("140702")]
u = idgen.make("110101", "19900101", 777)
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["batch", "event", "time", "site", "product", "origin", "id_number", "result"])
for r in [
    ("P1", "arrive", "2022-08-20T08:00", "PORT-TJ", "带鱼", "厄瓜多尔", yuci[0], ""),
    ("P1", "store", "2022-08-21T09:00", "CS-01", "", "", other[0], ""),
    ("P1", "sample", "2022-08-22T10:00", "CS-01", "", "", "", ""),
    ("P1", "result", "2022-08-23T10:00", "CS-01", "", "", "", "positive"),
    ("P1", "dispatch", "2022-08-24T08:00", "CS-01", "", "", other[0], ""),
    ("P1", "arrive", "2022-08-24T10:00", "V0000", "", "", "", ""),
    ("P1", "sell", "2022-08-24T15:00", "V0000", "", "", yuci[1], ""),
    ("P1", "sell", "2022-08-24T16:00", "V0000", "", "", other[1], ""),
    ("P1", "sell", "2022-08-24T17:00", "V0000", "", "", u, ""),
    ("S1", "store", "2022-08-20T08:00", "CS-01", "冻虾", "巴西", "", ""),
    ("S1", "dispatch", "2022-08-22T08:00", "CS-01", "", "", other[2], ""),
    ("S2", "arrive", "2022-08-24T20:00", "V0000", "牛肉", "阿根廷", "", ""),
    ("S3", "arrive", "2022-08-10T08:00", "PORT-TJ", "冻鸡", "巴西", "", ""),
]:
    w.writerow(r)
PY
fk import coldchain coldchain.csv 2>import.err
expect_rc 0 "import coldchain"
web_serve
web_node coldchain.test.mjs
echo "cold chain page: all checks passed; screenshots in $FK_BUILD/screenshots/coldchain"
