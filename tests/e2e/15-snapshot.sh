#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The engine snapshot beside the data file is a cache: the import writes it and the first verb
# loads it; a missing one is built by the first verb and loaded by the second; one that other
# writes made stale, a damaged, truncated or deleted one is built again, and the answers never
# change because of it.
. "$(dirname "$0")/lib.sh"
fk demo --people 3000 --seed 5 --out city --finished 2>/dev/null; expect_rc 0 demo
for t in regions persons samples results; do fk import "$t" "city/$t.csv" 2>/dev/null; done
IFS=, read -r name region start end <city/round.txt
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
status() { "$FANGKONG" status 2>&1 >/dev/null; }

[ -s "$FANGKONG_DB.engine" ] || fail "the imports wrote no snapshot"
grep -q "loaded from its snapshot" <(status) || fail "the first verb after the imports should load"
rm -f "$FANGKONG_DB.engine"
grep -q "built from the store" <(status) || fail "the first verb with no snapshot should build"
[ -s "$FANGKONG_DB.engine" ] || fail "no snapshot written"
grep -q "loaded from its snapshot" <(status) || fail "second verb should load the snapshot"
fk coverage "$name" --by county >a.csv

# Re-importing the same persons changes nothing the engine holds: still current, same answer.
fk import persons city/persons.csv 2>/dev/null
grep -q "loaded from its snapshot" <(status) || fail "a re-import of the same rows made it stale"
fk coverage "$name" --by county >b.csv
same_rows a.csv b.csv "re-importing the same persons changes nothing"

# Stale: the snapshot of before a write that changed the engine's data (here an older copy put
# back) is not loaded, but built again.
cp "$FANGKONG_DB.engine" old.engine
awk -F, 'NR == 2 { $2 = $2 "改" } 1' OFS=, city/persons.csv >renamed.csv
fk import persons renamed.csv 2>/dev/null
cp old.engine "$FANGKONG_DB.engine"
grep -q "built from the store" <(status) || fail "a stale snapshot was used after an import"

# Damage: one byte flipped in the middle; the checksum catches it.
size=$(stat -c %s "$FANGKONG_DB.engine")
printf '\xff' | dd of="$FANGKONG_DB.engine" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
grep -q "built from the store" <(status) || fail "a damaged snapshot was loaded"
fk coverage "$name" --by county >c.csv
same_rows a.csv c.csv "answers after a damaged snapshot"

# Truncated, then deleted.
truncate -s 100 "$FANGKONG_DB.engine"
grep -q "built from the store" <(status) || fail "a truncated snapshot was loaded"
rm -f "$FANGKONG_DB.engine"
fk coverage "$name" --by county >d.csv
same_rows a.csv d.csv "answers with no snapshot"
echo "engine snapshot: loaded when current, rebuilt when stale, damaged or missing"
