#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A command-line trace shows its persons from the roster beside the data file when it is current
# (issue 19, item 3): the contact list, --explain of a close and of a secondary contact, the chain
# (CSV, JSON, Graphviz) and a contact's page are the same byte for byte as with no roster, and
# stderr says that every person shown came from the roster, none from the store; with the roster
# removed, all from the store. A damaged roster, a stale one (put back from before a rename) and
# one of version 1 are not used: the output is the store's, the new name included; the next
# import that looks persons up writes the roster of version 1 anew.
. "$(dirname "$0")/lib.sh"
fk demo --people 4000 --seed 5 --out city --cases 6 --finished 2>/dev/null; expect_rc 0 demo
for t in regions persons venues scans pings cases; do
    fk import "$t" "city/$t.csv" 2>"import-$t.err"
    expect_rc 0 "import $t: $(cat "import-$t.err")"
done
ROS="$FANGKONG_DB.roster"
[ -s "$ROS" ] || fail "the imports wrote no roster"

# run NAME ARGS...: fangkong ARGS, stdout into NAME.out and stderr into NAME.err
run() {
    local name=$1
    shift
    fk "$@" >"$name.out" 2>"$name.err"
    [ "$rc" -eq 0 ] || fail "fangkong $* exited $rc: $(cat "$name.err")"
}
# named NAME: "ROSTER STORE", the persons NAME's verb showed from the roster and from the store
named() {
    sed -n 's/^persons shown: \([0-9]*\) from the roster, \([0-9]*\) read from the store$/\1 \2/p' \
        "$1.err"
}
# verbs SET: every verb under test, into SET-VERB.out and .err
verbs() {
    run "$1-trace" trace --depth 2
    run "$1-close" trace --explain "$CLOSE"
    run "$1-secondary" trace --explain "$SECONDARY"
    run "$1-chain" chain
    run "$1-json" chain --format json
    run "$1-dot" chain --format dot
    run "$1-page" person "$CLOSE"
}
# same SET: SET's output is the first set's byte for byte
same() {
    local v
    for v in trace close secondary chain json dot page; do
        cmp -s "with-$v.out" "$1-$v.out" ||
            { diff "with-$v.out" "$1-$v.out" | head -5 >&2; fail "$v: the output $1 differs"; }
    done
}
# shown SET ROSTER|STORE: every verb of SET that names persons showed them all from one source
shown() {
    local v r s
    for v in trace close secondary chain json dot; do
        read -r r s <<<"$(named "$1-$v")"
        [ -n "$r" ] || fail "$1-$v: stderr says nothing of the persons shown: $(cat "$1-$v.err")"
        if [ "$2" = ROSTER ]; then
            [ "$r" -gt 0 ] && [ "$s" -eq 0 ] || fail "$1-$v: $r persons from the roster, $s from the store"
        else
            [ "$r" -eq 0 ] && [ "$s" -gt 0 ] || fail "$1-$v: $r persons from the roster, $s from the store"
        fi
    done
}

fk trace --depth 2 >first.csv 2>/dev/null; expect_rc 0 "the first trace"
CLOSE=$(awk -F, '$3 == "close" { print $1; exit }' first.csv)
SECONDARY=$(awk -F, '$3 == "secondary" { print $1; exit }' first.csv)
[ -n "$CLOSE" ] && [ -n "$SECONDARY" ] || fail "the demo city has no close or no secondary contact"
cp "$ROS" roster.kept

# With the roster: every person from it. Without: every one from the store, the same output.
verbs with
shown with ROSTER
rm "$ROS"
verbs without
same without
shown without STORE
read -r r _ <<<"$(named with-trace)"
read -r _ s <<<"$(named without-trace)"
[ "$r" -eq "$s" ] || fail "the trace showed $r persons from the roster but read $s from the store"

# Damaged (a byte of its records, in the middle of the file): not used.
cp roster.kept "$ROS"
printf 'X' | dd of="$ROS" bs=1 seek=$(($(stat -c %s "$ROS") / 2)) conv=notrunc status=none
verbs damaged
same damaged
shown damaged STORE

# Stale: a contact renamed, then the roster from before the rename put back: not used, and the
# new name is shown.
awk -F, -v id="$CLOSE" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
    $c["id_number"] == id { $c["name"] = "改名测试"; print }' OFS=, city/persons.csv >rename.csv
fk import persons rename.csv 2>import-rename.err; expect_rc 0 "import rename.csv: $(cat import-rename.err)"
contains import-rename.err "roster built"
cp roster.kept "$ROS"
run stale trace --explain "$CLOSE"
contains stale.out "改名测试"
read -r r s <<<"$(named stale)"
[ "$r" -eq 0 ] && [ "$s" -gt 0 ] || fail "a stale roster was used: $r persons from it, $s from the store"

# Of version 1 (the version follows the 8 bytes of the magic): not used, and written anew by the
# next import that looks persons up.
fk import persons rename.csv 2>/dev/null; expect_rc 0 "import rename.csv again"
fk import cases city/cases.csv 2>/dev/null; expect_rc 0 "import cases again"
run current trace --explain "$CLOSE"
read -r r s <<<"$(named current)"
[ "$r" -gt 0 ] && [ "$s" -eq 0 ] || fail "the roster written after the rename is not used: $r, $s"
printf '\001\000\000\000' | dd of="$ROS" bs=1 seek=8 conv=notrunc status=none
run v1 trace --explain "$CLOSE"
cmp -s current.out v1.out || fail "the output with a roster of version 1 differs"
read -r r s <<<"$(named v1)"
[ "$r" -eq 0 ] && [ "$s" -gt 0 ] || fail "a roster of version 1 was used: $r persons from it, $s from the store"
fk import cases city/cases.csv 2>import-v1.err; expect_rc 0 "import cases: $(cat import-v1.err)"
contains import-v1.err "roster built"
run v2 trace --explain "$CLOSE"
cmp -s current.out v2.out || fail "the output with the roster written anew differs"
read -r r s <<<"$(named v2)"
[ "$r" -gt 0 ] && [ "$s" -eq 0 ] || fail "the roster written anew is not used: $r, $s"
echo "trace, explain, chain and person pages from the roster: as from the store, byte for byte"
