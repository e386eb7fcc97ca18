#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Imports from Excel: city-3's regions, persons, samples and cases imported once as CSV and once
# as .xlsx workbooks made by tests/e2e/mkxlsx.py (shared strings and inline strings; times and
# dates as Excel serials with date formats; phones as numbers; the persons on a second sheet
# picked by --sheet, with empty rows, so sheet rows are not CSV lines) give the same store; a
# rejected row is reported with its sheet row, in FILE.xlsx.rejects.csv; an unknown sheet lists
# the sheets, an old .xls is told to be saved as .xlsx or .csv; the upload API takes a workbook
# with a "sheet" form field.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
MK="$FK_SRC/tests/e2e/mkxlsx.py"

cp "$DATA"/regions.csv "$DATA"/persons.csv "$DATA"/samples.csv "$DATA"/cases.csv .
# One resident with a wrong check character: rejected both ways.
BAD=$("$PY" "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 777)
BAD="${BAD:0:17}$([ "${BAD:17}" = 0 ] && echo 1 || echo 0)"
echo "$BAD,坏号,13800000000,140702001001G01,H9," >>persons.csv
BADLINE=$(grep -n "^$BAD," persons.csv | cut -d: -f1)
printf '说明\n这张表是封面\n' >cover.csv

"$PY" "$MK" regions.xlsx "regions=regions.csv"
"$PY" "$MK" 人员.xlsx "封面=cover.csv" "人员=persons.csv:gap,numbers=phone"
"$PY" "$MK" samples.xlsx "samples=samples.csv:dates=time,inline"
"$PY" "$MK" cases.xlsx "cases=cases.csv:dates=confirmed+onset,gap"
BADROW=$(awk -v l="$BADLINE" '$1 == l { print $2 }' 人员.xlsx.rows)
[ -n "$BADROW" ] && [ "$BADROW" != "$BADLINE" ] || fail "the sheet row of the bad row: '$BADROW'"

export FANGKONG_DB="$WORK/csv.db"
fk import regions regions.csv 2>/dev/null
expect_rc 0 "CSV regions"
fk import persons persons.csv 2>/dev/null
expect_rc 3 "CSV persons (one rejected)"
fk import samples samples.csv 2>/dev/null
expect_rc 3 "CSV samples (city-3 has rows to reject)"
fk import cases cases.csv 2>/dev/null
expect_rc 0 "CSV cases"

export FANGKONG_DB="$WORK/xlsx.db"
fk import regions regions.xlsx 2>err.txt
expect_rc 0 "XLSX regions"
# The first sheet is the cover: no id_number column.
fk import persons 人员.xlsx 2>err.txt
expect_rc 1 "XLSX persons from the cover sheet"
contains err.txt "missing required column 'id_number'"
fk import persons 人员.xlsx --sheet 名单 2>err.txt
expect_rc 1 "an unknown sheet"
contains err.txt "has no sheet named '名单'; its sheets are '封面', '人员'"
fk import persons 人员.xlsx --sheet 人员 2>err.txt
expect_rc 3 "XLSX persons (one rejected)"
contains err.txt "rejected rows, with line and reason: 人员.xlsx.rejects.csv"
[ "$(stat -c %a 人员.xlsx.rejects.csv)" = 600 ] || fail "the rejects file is not 0600"
grep -qx 'line,reason,raw' <(head -1 人员.xlsx.rejects.csv) || fail "the rejects file's mark"
grep -q "^$BADROW,\"id_number $BAD: " 人员.xlsx.rejects.csv ||
    { cat 人员.xlsx.rejects.csv >&2; fail "the reject is not at sheet row $BADROW"; }
fk import samples samples.xlsx 2>/dev/null
expect_rc 3 "XLSX samples"
fk import cases cases.xlsx 2>/dev/null
expect_rc 0 "XLSX cases"
# Every row the CSV import rejected is rejected from the sheet for the same reason, at its
# sheet row.
"$PY" - persons.csv.rejects.csv 人员.xlsx.rejects.csv 人员.xlsx.rows <<'PY' || fail "the rejects differ"
import csv, sys
rows = dict(l.split() for l in open(sys.argv[3]))
a = [(rows[r["line"]], r["reason"]) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
b = [(r["line"], r["reason"]) for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))]
if len(a) < 2 or a != b:
    sys.exit("CSV %s\nXLSX %s" % (a[:3], b[:3]))
PY
# Again: the same rejects file is replaced, nothing is added twice.
fk import persons 人员.xlsx --sheet 人员 2>err.txt
expect_rc 3 "XLSX persons again"
contains err.txt "0 accepted"
[ ! -e 人员.xlsx.rejects-2.csv ] || fail "a second rejects file"

# A CSV from a pipe is read as CSV (its head is not taken for a zip's): all duplicates.
fk import cases <(cat cases.csv) 2>err.txt
expect_rc 0 "cases from a pipe"
contains err.txt "$(($(wc -l <cases.csv) - 1)) duplicate"

# The same store both ways.
dump() {
    sqlite3 "$1" "SELECT code, name, level, parent FROM regions ORDER BY code;
        SELECT id_number, id_type, name, phone, grid, household, tags FROM persons ORDER BY id_number;
        SELECT p.id_number, c.confirmed, c.onset, c.kind, c.isolated FROM cases c
            JOIN persons p ON p.id = c.person ORDER BY 1;"
    # the samples are in segment files, not a table: their export, in (tube, person) order
    FANGKONG_DB="$1" "$FANGKONG" export samples
}
dump "$WORK/csv.db" >csv.txt
dump "$WORK/xlsx.db" >xlsx.txt
[ "$(wc -l <csv.txt)" -gt 5000 ] || fail "the CSV store is nearly empty"
cmp -s csv.txt xlsx.txt || { diff csv.txt xlsx.txt | head -10 >&2; fail "the XLSX store differs"; }

# Not a workbook.
printf '\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an OLE2 file' >old.xlsx
fk import persons old.xlsx 2>err.txt
expect_rc 1 "an .xls named .xlsx"
contains err.txt "old Excel workbook (.xls)"
contains err.txt "save it as .xlsx or .csv"

# Through the upload API, the sheet as a form field.
echo "pw-admin-2022-xlsx" | "$FANGKONG" user add admin --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add admin"
start_server
ADMIN=$(login admin pw-admin-2022-xlsx)
api "$ADMIN" POST /api/v1/import/persons -F "file=@人员.xlsx" -F "sheet=人员"
expect_status 200 "upload a workbook"
NREJ=$(($(wc -l <人员.xlsx.rejects.csv) - 1))
NROWS=$(($(wc -l <persons.csv) - 1))
[ "$(jq_py '[j["read"], j["duplicate"], j["rejected"]]')" = "[$NROWS, $((NROWS - NREJ)), $NREJ]" ] ||
    fail "upload a workbook: $(cat "$WORK/body")"
api "$ADMIN" GET "$(jq_py 'j["rejects"]')"
grep -q "^$BADROW,\"id_number $BAD: " "$WORK/body" || fail "the upload's reject row"
api "$ADMIN" POST /api/v1/import/persons -F "file=@人员.xlsx"
expect_error bad_request 400 "upload a workbook whose first sheet is a cover"
api "$ADMIN" POST "/api/v1/import/persons?sheet=%E4%BA%BA%E5%91%98" -H 'Content-Type: application/octet-stream' \
    --data-binary @人员.xlsx
expect_status 200 "a raw workbook body with ?sheet="
api "$ADMIN" POST /api/v1/import/persons -F "file=@人员.xlsx" -F "sheet=名单"
expect_error bad_request 400 "upload a workbook with an unknown sheet"
contains "$WORK/body" "its sheets are '封面', '人员'"
