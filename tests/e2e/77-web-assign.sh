#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 包保责任 in the web UI (tests/web/assign.test.mjs): over the web fixture (city-3 and its control
# orders) with assignments written here — the five cadres for most persons at home, some missing a
# doctor or a volunteer, one with none, and a leader for every region but a township and two
# grids — the page's gaps, regions without a leader, load and a cadre's list must be the CLI's
# `fangkong assign` answers; a viewer of 榆次区 sees its county only; both languages, screenshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
"${PY:=$(python3 -c 'import sys; print(sys.executable)')}" - "$WEB_CONTROL/controls.csv" persons.csv regions.csv <<'PY'
import csv, sys
ctl = [c for c in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if c["place"] == "home" and not c["end"]]
grid = {p["id_number"]: p["grid"] for p in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
regs = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
out = csv.writer(open("assignments.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
out.writerow(["cadre", "phone", "role", "region", "id_number"])
roles = [("grid_worker", "网格员"), ("community_cadre", "社区干部"), ("doctor", "医生"), ("police", "民警"), ("volunteer", "志愿者")]
for i, c in enumerate(ctl):
    idn = c["id_number"]
    if idn not in grid or i == 1:
        continue  # the second person at home has nobody yet
    for r, (code, zh) in enumerate(roles):
        if (code == "doctor" and i % 3 == 0) or (code == "volunteer" and i % 4 == 2):
            continue
        n = (i + r) % 3
        out.writerow([f"{zh}{n}号", f"139{r:02d}{n:06d}", code, grid[idn], idn])
skip = {"140703002"}
grids = [r["code"] for r in regs if r["level"] == "grid"]
skip |= {grids[3], grids[11]}
for j, r in enumerate(regs):
    if r["level"] in ("county", "township", "community", "grid") and r["code"] not in skip:
        out.writerow([f"包保领导{j % 6}", f"1380000{j % 6:04d}", "leader", r["code"], ""])
PY
fk import assignments assignments.csv --rejects "$WORK/assignments.rejects.csv" 2>/dev/null
expect_rc 0 "import assignments"
web_serve
web_node assign.test.mjs
