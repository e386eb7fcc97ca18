#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# The city of the kill tests (e2e/12 into SQLite, e2e/86 into PostgreSQL): one grid, N persons
# with synthetic resident IDs (idgen.py) and K samples each, 10 persons a tube, written as
# regions.csv, persons.csv and samples.csv in the current folder: a samples file large enough
# to kill an import in the middle of.
# Usage: python3 killcity.py N K
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idgen import make  # noqa: E402

n, k = int(sys.argv[1]), int(sys.argv[2])
with open("regions.csv", "w") as f:
    f.write("code,name,level,parent\nX,市,city,\nK,区,county,X\nT,街道,township,K\n"
            "C,社区,community,T\nG,网格,grid,C\n")
ids = [make("140702", "19%02d%02d%02d" % (50 + i % 50, 1 + i % 12, 1 + i % 28), i % 1000)
       for i in range(n)]
with open("persons.csv", "w") as f:
    f.write("id_number,name,grid\n")
    for i, p in enumerate(ids):
        f.write("%s,居民%d,G\n" % (p, i))
with open("samples.csv", "w") as f:
    f.write("tube,id_number,time,site\n")
    for j in range(k):
        for i, p in enumerate(ids):
            f.write("T%02d%06d,%s,2022-08-%02dT08:00:00+08:00,S1\n" % (j, i // 10, p, 1 + j % 28))
