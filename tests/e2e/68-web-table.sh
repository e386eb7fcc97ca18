#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Paging and sorting of the web UI's tables (tests/web/table.test.mjs): a persons file of 123 rows
# whose check digits are all wrong is dropped on the Import page, and its rejects must page 50 at a
# time and sort by line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
bad=123
python3 - "$bad" >persons-bad.csv <<'PY'
import sys
n = int(sys.argv[1])
print("id_number,name,phone,grid,household,tags")
for i in range(n):
    # 17 digits and a check digit that is never right (the right one of these is not 'Y')
    print(f"14070319900101{i % 1000:03d}Y,坏号码{i},1390000{i:04d},140703001001G01,H{i:05d},")
PY
web_serve
FK_BADFILE="$WORK/persons-bad.csv" FK_BAD_ROWS=$bad web_node table.test.mjs
