#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The worked example of shared/examples/city-3 (copied to tests/data/city-3): import every file in
# the documented order, create round R1 from round.txt, and compare coverage at every level,
# missing, and retest with the answers computed independently of fangkong. Also checks the rejects
# (line and reason) and that importing everything a second time adds nothing.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
cp "$DATA"/*.csv .

for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>"import-$t.log"
    case $t in
        persons|scans|samples|results) expect_rc 3 "import $t (has bad rows)" ;;
        *) expect_rc 0 "import $t" ;;
    esac
done

# The rows a real city sends that must be rejected, each with its line and a usable reason.
contains persons.csv.rejects.csv '3002,"id_number 140729199403074850: check digit should be X, not 0"'
contains persons.csv.rejects.csv '3003,id_number 140702201302300012: birth date 20130230 does not exist'
contains persons.csv.rejects.csv '3004,unknown grid NOPE'
contains scans.csv.rejects.csv 'unknown venue NOVENUE'
contains results.csv.rejects.csv "result 'maybe' is not negative, positive or invalid"
contains samples.csv.rejects.csv '2816,'
contains import-persons.log '3004 read, 3000 accepted (0 updated), 1 duplicate, 3 rejected'
[ "$(count persons)" = 3000 ] || fail "persons: $(count persons), expected 3000"

IFS=, read -r name region start end < "$DATA/round.txt"
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>err.txt
expect_rc 1 "round create (twice)"
contains err.txt "already exists"

for level in city county township community grid; do
    fk coverage "$name" --by "$level" >"coverage-$level.csv"
    expect_rc 0 "coverage --by $level"
    same_rows "coverage-$level.csv" "$DATA/expected/coverage-$level.csv" "coverage by $level"
done
fk missing "$name" --region 140703001 >missing-all.csv 2>/dev/null
# the expected file's columns (the list goes on with household and address)
cut -d, -f1-4 missing-all.csv >missing.csv
same_rows missing.csv "$DATA/expected/missing-140703001.csv" "missing 140703001"
fk retest "$name" >retest-all.csv 2>/dev/null
cut -d, -f1-5 retest-all.csv >retest.csv # the expected file's columns
same_rows retest.csv "$DATA/expected/retest.csv" "retest"

# Idempotent: a second import of every file adds nothing.
before=$(for t in regions persons venues scans pings cases samples results; do count $t; done)
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
done
after=$(for t in regions persons venues scans pings cases samples results; do count $t; done)
[ "$before" = "$after" ] || fail "re-import changed the counts: $before vs $after"
fk coverage "$name" --by city >again.csv
same_rows again.csv "$DATA/expected/coverage-city.csv" "coverage after re-import"
echo "city-3: all answers match"
