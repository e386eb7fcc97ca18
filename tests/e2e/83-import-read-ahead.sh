#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A samples file of more than 1 MiB imported with a current roster is read ahead on a second
# thread, which looks up its persons (issue 19, lib/ingest/ahead.c). The import stores, counts
# and rejects exactly what the same import does without a roster, and what the file itself says:
# every good row stored, one duplicate, and each bad row rejected on its own line. The bad rows
# lie past the read-ahead's first ring of answers (16 384 rows): an unknown ID number, a wrong
# check digit, an empty one, and a long document number nobody has, after a good record over
# two lines (its tube's line end is trimmed), which shifts every line number after it.
. "$(dirname "$0")/lib.sh"
fk demo --people 30000 --seed 3 --out city --finished 2>/dev/null; expect_rc 0 demo

# The file: the demo's samples with the bad rows and a duplicate put in; the lines they start on
# (counting the header as line 1) into bad-lines.txt, as the rejects file must give them.
awk -F, -v OFS=, '
    NR == 1 { print; line = 1; next }
    {
        print; line++
        if (NR == 2) first = $0
        if (NR == 17000) { print "BAD1,140702199001010015,2022-08-28T10:00:00+08:00,SITE0001,"; line++; print line > "bad-lines.txt" }
        if (NR == 18000) { id = $2; last = substr(id, 18, 1); id = substr(id, 1, 17) (last == "1" ? "2" : "1")
                           print "BAD2," id ",2022-08-28T10:00:00+08:00,SITE0001,"; line++; print line > "bad-lines.txt" }
        if (NR == 19000) { print "BAD3,,2022-08-28T10:00:00+08:00,SITE0001,"; line++; print line > "bad-lines.txt" }
        if (NR == 20000) { print "\"TWO-LINES\n\"," $2 ",2022-08-28T10:00:00+08:00,SITE0001,"; line += 2 }
        if (NR == 21000) { print "BAD5,WORK-PERMIT-000-0000000000000001,2022-08-28T10:00:00+08:00,SITE0001,"; line++; print line > "bad-lines.txt" }
        if (NR == 22000) { print first; line++ }
    }' city/samples.csv >samples.csv
good=$(($(wc -l <city/samples.csv) - 1 + 1)) # and the one over two lines
[ "$(wc -l <bad-lines.txt)" -eq 4 ] || fail "the test file has $(wc -l <bad-lines.txt) bad rows"
[ "$(stat -c %s samples.csv)" -gt 1048576 ] || fail "the test file is under 1 MiB: it is not read ahead"
mkdir -p with without
cp samples.csv with/samples.csv
cp samples.csv without/samples.csv

# load DB: regions and persons into DB (which writes its roster)
load() {
    for t in regions persons; do
        FANGKONG_DB="$1" fk import "$t" "city/$t.csv" 2>/dev/null; expect_rc 0 "import $t into $1"
    done
    [ -s "$1.roster" ] || fail "the persons import wrote no roster for $1"
}
load "$WORK/with.db"
load "$WORK/without.db"
rm "$WORK/without.db.roster" # this import reads the registry from the store

for d in with without; do
    FANGKONG_DB="$WORK/$d.db" fk import samples "$d/samples.csv" 2>"$d.err"
    [ "$rc" -eq 3 ] || fail "the $d import exited $rc (3: rows rejected): $(cat "$d.err")"
    FANGKONG_DB="$WORK/$d.db" fk export samples >"$d-export.csv"; expect_rc 0 "export ($d)"
done
contains with.err "$good accepted (0 updated), 1 duplicate, 4 rejected"
contains without.err "$good accepted (0 updated), 1 duplicate, 4 rejected"
[ "$(($(wc -l <with-export.csv) - 1))" -eq "$good" ] || fail "the export holds $(wc -l <with-export.csv) lines, not $good rows and a header"
cmp -s with-export.csv without-export.csv || { diff with-export.csv without-export.csv | head -5 >&2; fail "the samples stored read ahead differ"; }
cmp -s with/samples.csv.rejects.csv without/samples.csv.rejects.csv || { diff with/samples.csv.rejects.csv without/samples.csv.rejects.csv | head -5 >&2; fail "the rejects read ahead differ"; }
tail -n +2 with/samples.csv.rejects.csv | cut -d, -f1 >rejected-lines.txt
cmp -s rejected-lines.txt bad-lines.txt || { paste rejected-lines.txt bad-lines.txt >&2; fail "the rejected lines are not the bad ones"; }
echo "a samples file read ahead: $good rows stored, 4 rejected on their lines, as without a roster"
