#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tracer snapshot beside the data file (issue 19) is a cache that a verb maps in place: the
# first trace builds the tracer from the store and writes it, the second maps it, and the answers
# (contacts with their reasons, an --explain chain, incident's chain) are byte for byte those of
# a tracer built from the store with no snapshot. An import of scans extends it (mapped by the
# next trace, and the new scans are in the answer); a byte flipped in an array or in the header,
# a truncated file and another companion slot in the profile are each caught, and the tracer
# built again.
. "$(dirname "$0")/lib.sh"
fk demo --people 3000 --seed 5 --out city --finished 2>/dev/null; expect_rc 0 demo
for t in regions persons venues scans pings cases; do
    fk import "$t" "city/$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
SNAP="$FANGKONG_DB.tracer"

# trace NAME [ARGS]: trace --depth 2 into NAME.csv, what it said into NAME.err
trace() {
    local name=$1
    shift
    fk trace --depth 2 "$@" >"$name.csv" 2>"$name.err"
    expect_rc 0 "trace $name"
}
# fresh NAME: the answer of a tracer built from the store, no snapshot before or after
fresh() {
    rm -f "$SNAP"
    trace "$@"
    rm -f "$SNAP"
}

fresh want
[ "$(wc -l <want.csv)" -gt 20 ] || fail "too few contacts to compare: $(wc -l <want.csv)"
grep -q ",companion," want.csv || fail "no companion (pings) among the contacts"
grep -q ",venue:" want.csv || fail "no venue contact among the contacts"
trace first
contains first.err "tracer built from the store"
[ -s "$SNAP" ] || fail "no snapshot written"
cmp -s want.csv first.csv || fail "the first trace differs from a fresh build"
trace second
contains second.err "tracer mapped from its snapshot"
cmp -s want.csv second.csv || { diff want.csv second.csv | sed -n 1,5p >&2; fail "the mapped tracer's answer differs"; }

# --explain and the chain of an incident read codes and names through the mapped tracer too
who=$(awk -F, '$3 == "secondary" { print $1; exit }' want.csv)
[ -n "$who" ] || fail "no secondary contact to explain"
rm -f "$SNAP"
fk trace --depth 2 --explain "$who" >explain-want.txt 2>/dev/null; expect_rc 0 "explain, built"
fk trace --depth 2 --explain "$who" >explain-got.txt 2>explain.err; expect_rc 0 "explain, mapped"
contains explain.err "tracer mapped from its snapshot"
cmp -s explain-want.txt explain-got.txt || fail "the explained chain differs when mapped"
grep -q "venue\|household\|cell" explain-got.txt || fail "the chain names no place: $(head -3 explain-got.txt)"

# An import of scans extends the snapshot with its rows: mapped, with the new scans in the answer.
# A resident nobody traced scans in where and when a close contact met a case.
IFS=, read -r venue when < <(awk -F, '$3 == "close" && $5 ~ /^venue:/ { sub(/^venue:/, "", $5); print $5 "," $6; exit }' want.csv)
[ -n "$venue" ] || fail "no close contact at a venue"
other=$(awk -F, 'NR > 1 { print $1 }' city/persons.csv | grep -E '^[0-9]{17}[0-9X]$' |
    grep -vxFf <(cut -d, -f1 want.csv city/cases.csv) | sed -n 1p)
printf 'id_number,venue,time\n%s,%s,%s\n' "$other" "$venue" "$when" >more-scans.csv
fk import scans more-scans.csv 2>import.err; expect_rc 0 "import more scans: $(cat import.err)"
contains import.err "snapshots: tracer extended"
trace after
contains after.err "tracer mapped from its snapshot"
fresh after-want
cmp -s after.csv after-want.csv || fail "after an import the trace differs from a fresh build"
grep -q "^$other," after.csv || fail "the scan imported at the case's venue and time put no contact: $other"

# Damage: a byte flipped in the middle (an array), then in the header; a truncated file.
rm -f "$SNAP"
trace written
contains written.err "tracer built from the store"
trace again
contains again.err "tracer mapped from its snapshot"
size=$(stat -c %s "$SNAP")
printf '\xff' | dd of="$SNAP" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
trace damaged
contains damaged.err "tracer built from the store"
cmp -s after-want.csv damaged.csv || fail "answers after a damaged snapshot"
printf '\x07' | dd of="$SNAP" bs=1 seek=20 conv=notrunc 2>/dev/null
trace header
contains header.err "tracer built from the store"
truncate -s $((size / 3)) "$SNAP"
trace truncated
contains truncated.err "tracer built from the store"
cmp -s after-want.csv truncated.csv || fail "answers after a truncated snapshot"

# Another companion slot in the profile: the cells' keys differ, so the snapshot is not used.
trace mapped
contains mapped.err "tracer mapped from its snapshot"
printf '[trace]\ncompanion_slot_minutes = 5\n' >slot.ini
fk trace --depth 2 --profile slot.ini >slot.csv 2>slot.err; expect_rc 0 "trace, another slot"
contains slot.err "tracer built from the store"
echo "tracer snapshot: mapped when current, rebuilt when stale, damaged or of another slot; the same answers"
