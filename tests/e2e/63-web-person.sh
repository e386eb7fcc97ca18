#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Find anyone in a real browser: the city-3 fixture (web-lib.sh), a person picked from persons.csv
# (under a control order, in 榆次区, in a pooled tube) and one of 太谷区, then
# tests/web/person.test.mjs searches from the top bar by each key and compares the person page with
# `fangkong person`. Screenshots go to $FK_BUILD/screenshots/person.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

web_need
web_city
"$PY" - "$WEB_DATA" "$WEB_CONTROL" >picks.env <<'PY'
import csv, sys
from collections import defaultdict
data, ctl = sys.argv[1], sys.argv[2]
persons = list(csv.DictReader(open(data + "/persons.csv", encoding="utf-8")))
by_id = {p["id_number"]: p for p in persons}
members = defaultdict(set)
for s in csv.DictReader(open(data + "/samples.csv", encoding="utf-8")):
    members[s["tube"]].add(s["id_number"])
ordered = [r["id_number"] for r in csv.DictReader(open(ctl + "/controls.csv", encoding="utf-8"))]
pick = next(i for i in ordered if i in by_id and by_id[i]["grid"].startswith("140702")
            and any(i in m and len(m) > 1 for m in members.values()))
other = next(p["id_number"] for p in persons if p["grid"].startswith("140703"))
print("PICK=%s\nPICK_NAME=%s\nPICK_PHONE=%s\nOTHER=%s" % (pick, by_id[pick]["name"],
                                                         by_id[pick]["phone"], other))
PY
. ./picks.env
web_serve
export FK_PICK=$PICK FK_PICK_NAME=$PICK_NAME FK_PICK_PHONE=$PICK_PHONE FK_OTHER=$OTHER
web_node person.test.mjs
