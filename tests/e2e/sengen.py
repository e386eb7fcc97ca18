#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# sengen.py REGIONS PERSONS > sentinels.csv: a month (2022-08-01 .. 08-28) of synthetic sentinel
# signals for the grids of REGIONS (fixed seed): background noise of four kinds everywhere, half
# the times in UTC (16:00Z and later fall on the next local day), some pharmacy rows with the ID
# numbers of PERSONS; a pharmacy spike of 9 in the sixth grid on 08-28, a fever clinic reaching
# the threshold (20) exactly in the eleventh grid on 08-20, one cold-chain signal on 08-28.
# Used by tests/e2e/22-sentinel.sh and 69-web-sentinel.sh.
import csv, random, sys
rnd = random.Random(16)
grids = [r["code"] for r in csv.DictReader(open(sys.argv[1])) if r["level"] == "grid"]
ids = [r["id_number"] for r in csv.DictReader(open(sys.argv[2]))][:40]
kinds = ["fever_clinic", "pharmacy", "coldchain", "station", "school", "other"]
rows = []
for day in range(1, 29):
    for g in grids:
        for k in ("fever_clinic", "pharmacy", "station", "school"):
            if rnd.random() < 0.5:
                continue
            h, m = rnd.randrange(24), rnd.randrange(60)
            # Half the times in UTC: 16:00Z and later fall on the next local day.
            if rnd.random() < 0.5:
                t = "2022-08-%02dT%02d:%02d:00+08:00" % (day, h, m)
            else:
                t = "2022-08-%02dT%02d:%02d:00Z" % (day, h, m)
            n = rnd.choice(["", "1", "2", "3"])
            idn = rnd.choice(ids) if k == "pharmacy" and rnd.random() < 0.3 else ""
            rows.append(["S-%s-%s" % (k, g[-6:]), k, t, g, n, idn])
spike = grids[5]
for i in range(9):
    rows.append(["PH-SPIKE", "pharmacy", "2022-08-28T%02d:10:00+08:00" % (8 + i), spike, "1",
                 ids[i]])
for i in range(4):
    rows.append(["FC-20", "发热门诊", "2022-08-20T%02d:00:00+08:00" % (8 + i), grids[10], "5", ""])
rows.append(["CC-1", "coldchain", "2022-08-28T09:00:00+08:00", grids[20], "", ""])
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["source", "kind", "time", "grid", "count", "id_number"])
w.writerows(rows)
