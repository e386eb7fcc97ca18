#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The data contract cannot drift: the table of docs/data.md between its contract markers is
# exactly what `fangkong contract --markdown` makes from the record-type descriptors. The check
# is first shown to catch a hand edit of one cell, so it cannot pass by comparing nothing.
. "$(dirname "$0")/lib.sh"

# table FILE: the lines between the contract markers of FILE.
table() {
    awk '/^<!-- \/contract -->/ { on = 0 } on && !/^     / { print } /^<!-- contract:/ { on = 1 }' "$1"
}

fk contract --markdown >made.md
expect_rc 0 "contract --markdown"
[ "$(wc -l <made.md)" -eq $((2 + 31)) ] || fail "contract --markdown: $(wc -l <made.md) lines, not a header and 31 types"

# A hand edit is caught.
sed 's/^| venues | code, name, grid; type, lon, lat;/| venues | code, name, grid; type, kind, lon, lat;/' \
    "$FK_SRC/docs/data.md" >edited.md
cmp -s "$FK_SRC/docs/data.md" edited.md && fail "the hand edit of the test changed nothing"
table edited.md >edited-table.md
[ -s edited-table.md ] || fail "no contract markers in docs/data.md"
cmp -s edited-table.md made.md && fail "a hand-edited contract table passed the drift check"

# The real one matches.
table "$FK_SRC/docs/data.md" >doc-table.md
if ! diff -u doc-table.md made.md >drift.diff; then
    cat drift.diff >&2
    fail "docs/data.md's contract table differs from fangkong contract --markdown: change lib/domain/record.c and paste its output between the markers"
fi

# The CSV form: one row a column, with kind and key.
fk contract >contract.csv
expect_rc 0 contract
contains contract.csv "type,column,required,kind,max_bytes,key,help"
contains contract.csv "persons,id_number,1,id_number,63,1,"
contains contract.csv "controls,start,1,time,,1,when control began"
