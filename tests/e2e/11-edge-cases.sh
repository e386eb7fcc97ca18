#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hidden edge cases a real city has, each against the real binary: an exact duplicate row, a
# sample outside the round window and samples exactly on its bounds, a pooled tube whose result
# comes twice, a grid with no residents, a person who moves to another grid, a GBK file from Excel,
# a BOM with CRLF line ends, a missing required column, unknown and reordered columns.
. "$(dirname "$0")/lib.sh"
id() { python3 "$FK_SRC/tests/e2e/idgen.py" "$@"; }
A=$(id 140702 19800101 1); B=$(id 140702 19800101 2); C=$(id 140702 19900315 3)
D=$(id 140703 20000229 4); E=$(id 140703 19751231 5)

cat >regions.csv <<CSV
code,name,level,parent
G3,网格三,grid,C1
G1,网格一,grid,C1
P,山西省,province,
X,晋中市,city,P
K,榆次区,county,X
T,街道,township,K
C1,社区,community,T
G2,网格二,grid,C1
CSV
fk import regions regions.csv 2>/dev/null; expect_rc 0 "regions in child-first order"

# Columns in another order, an unknown column, and an exact duplicate row of C.
cat >persons.csv <<CSV
grid,name,id_number,shoe_size,phone
G1,甲,$A,42,13900000001
G1,乙,$B,40,13900000002
G2,丙,$C,41,13900000003
G2,丙,$C,41,13900000003
G2,丁,$D,39,13900000004
CSV
fk import persons persons.csv 2>log.txt; expect_rc 0 "persons"
contains log.txt "5 read, 4 accepted (0 updated), 1 duplicate, 0 rejected"

# Samples: A inside the window, B exactly at its start, C exactly at its end, D one second after
# it; A, B, C share pooled tube T1; D is alone in S1.
cat >samples.csv <<CSV
tube,id_number,time,site
T1,$A,2022-08-28T12:00:00+08:00,SITE1
T1,$B,2022-08-28T06:00:00+08:00,SITE1
T1,$C,2022-08-29T06:00:00+08:00,SITE1
S1,$D,2022-08-29T06:00:01+08:00,SITE2
CSV
fk import samples samples.csv 2>/dev/null; expect_rc 0 "samples"
fk round create R1 --region X --start 2022-08-28T06:00:00+08:00 --end 2022-08-29T06:00:00 \
    >/dev/null 2>&1
expect_rc 0 "round create (end without offset is +08:00)"

fk coverage R1 --by grid >cov.csv
cat >want.csv <<CSV
region,name,residents,sampled,coverage
G1,网格一,2,2,1.0000
G2,网格二,2,1,0.5000
G3,网格三,0,0,
CSV
same_rows cov.csv want.csv "window bounds are inclusive; the empty grid has residents 0"
fk missing R1 --region G2 >miss.csv 2>/dev/null
[ "$(tail -n +2 miss.csv | cut -d, -f1)" = "$D" ] || fail "missing G2 should be D only"

# A pooled tube whose result comes twice: negative at 10:00, then positive at 12:00 (later wins);
# then a stale negative at 09:00 arrives and changes nothing.
printf 'tube,result,time,lab\nT1,negative,2022-08-29T10:00:00+08:00,L1\n' >r1.csv
printf 'tube,result,time,lab\nT1,positive,2022-08-29T12:00:00+08:00,L1\n' >r2.csv
printf 'tube,result,time,lab\nT1,negative,2022-08-29T09:00:00+08:00,L1\n' >r3.csv
fk import results r1.csv 2>/dev/null
fk retest R1 >rt.csv 2>/dev/null
[ "$(wc -l <rt.csv)" -eq 1 ] || fail "negative pooled tube: no retest"
fk import results r2.csv 2>log.txt
contains log.txt "1 accepted (1 updated)"
fk import results r3.csv 2>log.txt
contains log.txt "1 duplicate"
fk retest R1 >rt.csv 2>/dev/null
[ "$(tail -n +2 rt.csv | cut -d, -f2 | sort | tr '\n' ' ')" = "$(printf '%s\n' "$A" "$B" "$C" | sort | tr '\n' ' ')" ] ||
    fail "positive pooled tube: A, B, C to retest; got $(cat rt.csv)"

# A person moves: D re-imported in G1. The registry is current: G1 has 3 residents, G2 one.
printf 'id_number,name,grid,phone\n%s,丁,G1,13900000004\n' "$D" >move.csv
fk import persons move.csv 2>log.txt
contains log.txt "1 accepted (1 updated)"
fk coverage R1 --by grid >cov.csv
contains cov.csv "G1,网格一,3,2,0.6667"
contains cov.csv "G2,网格二,1,1,1.0000"

# A GBK file from Excel, detected without being told; and with --encoding.
printf 'id_number,name,grid\n%s,张三,G3\n' "$E" | iconv -f UTF-8 -t GB18030 >gbk.csv
fk import persons gbk.csv 2>log.txt; expect_rc 0 "GBK persons"
contains log.txt "gb18030"
fk missing R1 --region G3 >miss.csv 2>/dev/null
contains miss.csv "$E,张三"
fk import persons gbk.csv --encoding gbk 2>log.txt; expect_rc 0 "GBK with --encoding"
contains log.txt "1 duplicate"

# A UTF-8 BOM and CRLF line ends.
printf '\xef\xbb\xbfid_number,name,grid\r\n%s,甲,G1\r\n' "$A" >bom.csv
fk import persons bom.csv 2>log.txt; expect_rc 0 "BOM + CRLF"
contains log.txt "1 duplicate"

# A missing required column rejects the file before any row, and says which.
printf 'id_number,name\n%s,戊\n' "$(id 140702 19660606 9)" >nogrid.csv
fk import persons nogrid.csv 2>log.txt; expect_rc 1 "missing column"
contains log.txt "missing required column 'grid'"
[ "$(count persons)" = 5 ] || fail "a rejected file imported rows"
[ ! -e nogrid.csv.rejects.csv ] || fail "a rejected file left a rejects file"

# A row with several problems names all of them, so a clerk fixes it in one go.
printf 'id_number,name,grid,phone\n140702199001011234,,NOPE,12a\n' >bad.csv
fk import persons bad.csv 2>/dev/null; expect_rc 3 "a bad row"
contains bad.csv.rejects.csv '2,"id_number 140702199001011234: check digit should be 1, not 4; name is empty; unknown grid NOPE (import regions first); phone '"'12a'"' may hold only digits'
printf 'id_number,venue,time\n%s,NOVENUE,not-a-time\n' "$A" >badscan.csv
fk import scans badscan.csv 2>/dev/null; expect_rc 3 "a bad scan"
contains badscan.csv.rejects.csv "unknown venue NOVENUE (import venues first); time 'not-a-time' is not an ISO 8601 time"

# Files that cannot be read, and the wrong type.
fk import persons no-such.csv 2>log.txt; expect_rc 1 "no such file"
fk import people persons.csv 2>log.txt; expect_rc 1 "unknown type"
contains log.txt "unknown type 'people'"
echo "edge cases: all pass"
