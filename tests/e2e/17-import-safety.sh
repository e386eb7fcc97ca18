#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No silent corruption on import (issue 13, part 3), against the real binary: --rejects never
# deletes or overwrites a file fangkong did not write, nor the input; a re-import that renames
# residents says so; a UTF-8 file with a stray byte stays UTF-8 and loses only that row; UTF-16
# is refused; CR-only line ends are line ends; a column named twice rejects the file; a mistyped
# year is rejected; the API's import answer counts the changed fields.
. "$(dirname "$0")/lib.sh"
id() { python3 "$FK_SRC/tests/e2e/idgen.py" "$@"; }
A=$(id 140702 19800101 1); B=$(id 140702 19800101 2); C=$(id 140702 19900315 3)
D=$(id 140702 19751231 4)

cat >regions.csv <<CSV
code,name,level,parent
P,山西省,province,
X,晋中市,city,P
K,榆次区,county,X
T,街道,township,K
C1,社区,community,T
G1,网格一,grid,C1
G2,网格二,grid,C1
CSV
fk import regions regions.csv 2>/dev/null; expect_rc 0 "regions"

cat >persons.csv <<CSV
id_number,name,grid,phone
$A,甲,G1,13900000001
$B,乙,G1,13900000002
$C,丙,G2,13900000003
NOPE,丁,G1,
CSV
cp persons.csv persons.orig

# --rejects naming the input: refused before any row, the input untouched.
fk import persons persons.csv --rejects persons.csv 2>log.txt; expect_rc 1 "--rejects = input"
contains log.txt "is the input file"
cmp -s persons.csv persons.orig || fail "--rejects = input changed the input"
[ "$(count persons)" = 0 ] || fail "a refused import imported rows"
# ... or someone else's file: refused, the file untouched.
printf 'my notes, not rejects\n' >notes.csv
cp notes.csv notes.orig
fk import persons persons.csv --rejects notes.csv 2>log.txt; expect_rc 1 "--rejects = foreign"
contains log.txt "fangkong did not write it"
cmp -s notes.csv notes.orig || fail "--rejects overwrote a file fangkong did not write"
# The default path held by a file fangkong did not write: the rejects go beside it.
printf 'line,note\nkept\n' >persons.csv.rejects.csv
cp persons.csv.rejects.csv foreign.orig
fk import persons persons.csv 2>log.txt; expect_rc 3 "persons with one bad row"
cmp -s persons.csv.rejects.csv foreign.orig || fail "the import overwrote a foreign rejects file"
contains log.txt "persons.csv.rejects-2.csv"
contains persons.csv.rejects-2.csv "line,reason,raw"
contains persons.csv.rejects-2.csv "NOPE"
# An explicit path fangkong wrote before is its own: replaced.
fk import persons persons.csv --rejects mine.csv 2>/dev/null; expect_rc 3 "--rejects new path"
fk import persons persons.csv --rejects mine.csv 2>/dev/null; expect_rc 3 "--rejects own file again"
[ "$(grep -c NOPE mine.csv)" = 1 ] || fail "own rejects file not replaced: $(cat mine.csv)"

# A re-import that renames residents says so: B and C renamed, A and B with a new phone.
cat >renamed.csv <<CSV
id_number,name,grid,phone
$A,甲,G1,13800000001
$B,乙二,G1,13800000002
$C,丙二,G2,13900000003
CSV
fk import persons renamed.csv 2>log.txt; expect_rc 0 "renaming re-import"
contains log.txt "3 accepted (3 updated)"
contains log.txt "persons renamed.csv: 3 updated: 2 name, 2 phone"

# A UTF-8 file with one stray Latin-1 byte (a name typed on another machine): UTF-8, and only
# that row is rejected, naming the field and the byte. The head decided before, so the whole
# file was taken for GB18030 and every name stored garbled.
printf 'id_number,name,grid\n%s,caf\xe9,G1\n%s,丁,G2\n' "$D" "$(id 140702 19660606 9)" >stray.csv
fk import persons stray.csv 2>log.txt; expect_rc 3 "UTF-8 with a stray byte"
contains log.txt "utf-8"
contains stray.csv.rejects.csv "invalid UTF-8 in field name at byte 4"
[ "$(count persons)" = 4 ] || fail "the good row of stray.csv was not imported"

# UTF-16 (as Excel's "Unicode text" saves it) is refused, with what to do.
printf 'id_number,name,grid\n%s,戊,G1\n' "$D" | iconv -f UTF-8 -t UTF-16 >u16.csv
fk import persons u16.csv 2>log.txt; expect_rc 1 "UTF-16"
contains log.txt "UTF-16 is not supported: save as UTF-8 or GBK"

# CR-only line ends (Excel for Mac before 2011) are line ends.
printf 'id_number,name,grid\r%s,戊,G1\r' "$D" >mac.csv
fk import persons mac.csv 2>log.txt; expect_rc 0 "CR-only line ends"
contains log.txt "1 read, 1 accepted"

# A column named twice rejects the file, naming it.
printf 'id_number,name,grid,NAME\n%s,戊,G1,己\n' "$D" >twice.csv
fk import persons twice.csv 2>log.txt; expect_rc 1 "a column named twice"
contains log.txt "the header names column 'name' twice"

# A mistyped year is rejected, so it cannot stand as the newest result over the correction.
printf 'tube,id_number,time\nT1,%s,2022-08-28T08:00:00+08:00\n' "$A" >samples.csv
fk import samples samples.csv 2>/dev/null; expect_rc 0 "samples"
printf 'tube,result,time\nT1,negative,2202-08-28T12:00:00+08:00\nT1,positive,2022-08-28T12:00:00+08:00\n' >results.csv
fk import results results.csv 2>log.txt; expect_rc 3 "results with a mistyped year"
contains log.txt "1 accepted"
contains results.csv.rejects.csv "a mistyped year?"

# The API's import answer counts the changed fields.
echo 'Qx7-vTr9-kpL2-wZm4' | "$FANGKONG" user add chief --role admin --scope X >/dev/null 2>&1 ||
    fail "user add chief"
start_server
TOKEN=$(login chief 'Qx7-vTr9-kpL2-wZm4')
printf 'id_number,name,grid\n%s,甲三,G1\n' "$A" >api.csv
api "$TOKEN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @api.csv
expect_status 200 "import persons"
[ "$(jq_py 'j["changed"]["name"]')" = 1 ] || fail "changed.name: $(cat "$WORK/body")"
[ "$(jq_py 'j["changed"]["phone"]')" = 0 ] || fail "changed.phone: $(cat "$WORK/body")"
echo "import safety: all pass"
