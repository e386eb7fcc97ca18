#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sampling table's API (issue 21): a sampler account of one grid checks ID numbers (check
# digit, registered in its grid, already sampled this round) and sends its table's entries. A
# tube takes at most the pool size (the 11th of a 10:1 tube is refused, with the tube and count),
# a batch sent twice adds nothing the second time (tube + ID number), a resident of another grid
# is refused as the import refuses him, and nothing else is stored: the samples' export holds
# exactly the accepted entries, and the audit trail the import. A sampler reads
# nothing else; a viewer may not sample. The expected answers are worked out here from the
# fixture's files, not asked of fangkong.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_city
# The grid with the most residents the fixture never sampled.
GRID=$(awk -F, 'NR == FNR { if (FNR > 1) s[$2] = 1; next } FNR > 1 && !($1 in s) { n[$4]++ }
    END { for (g in n) print n[g], g }' "$WEB_DATA/samples.csv" "$WEB_DATA/persons.csv" | sort -k1,1nr -k2 | awk 'NR == 1 { print $2 }')
# Residents of the grid not sampled in the fixture, and one who was (with the tube).
mapfile -t fresh < <(awk -F, -v g=$GRID 'NR == FNR { if (FNR > 1) s[$2] = $1; next }
    FNR > 1 && $4 == g && !($1 in s) && n++ < 11 { print $1 }' "$WEB_DATA/samples.csv" "$WEB_DATA/persons.csv")
[ "${#fresh[@]}" = 11 ] || fail "the fixture has only ${#fresh[@]} unsampled residents in $GRID"
read -r done_id done_tube < <(awk -F, -v g=$GRID 'NR == FNR { if (FNR > 1) s[$2] = $1; next }
    FNR > 1 && $4 == g && ($1 in s) { print $1, s[$1]; exit }' "$WEB_DATA/samples.csv" "$WEB_DATA/persons.csv")
other=$(awk -F, -v g=$GRID 'FNR > 1 && $4 != g && $4 ~ /^140702/ { print $1; exit }' "$WEB_DATA/persons.csv")
echo "sampler-password-1" | "$FANGKONG" user add table1 --role sampler --scope $GRID >/dev/null 2>&1 ||
    fail "user add --role sampler"
web_serve --now 2022-08-28T20:00:00+08:00
token=$(login table1 sampler-password-1)

# The checks.
check() { api "$token" GET "/api/v1/sample/check?id=$1"; expect_status 200; }
check "${fresh[0]}"
"$PY" - body "${fresh[0]}" "$WEB_DATA/persons.csv" $GRID <<'PY' || fail "check of a fresh resident"
import csv, json, sys
a = json.load(open(sys.argv[1]))
name = next(r["name"] for r in csv.DictReader(open(sys.argv[3])) if r["id_number"] == sys.argv[2])
assert a["valid"] and a["registered"] and not a["sampled"], a
assert a["grid"] == sys.argv[4] and a["round"] == "R1", a
assert a["name"] == name[0] + "*", (a["name"], name)
PY
check "$done_id"
contains body '"sampled":true'
contains body "\"tube\":\"$done_tube\""
# The same ID number with another check digit.
last=${fresh[1]:17:1}
case $last in X) bad=${fresh[1]:0:17}0 ;; 9) bad=${fresh[1]:0:17}X ;; *) bad=${fresh[1]:0:17}$((last + 1)) ;; esac
check "$bad"
contains body '"valid":false'
contains body 'check digit'
check "$other"
contains body '"registered":false'

# Entries: 11 into a 10:1 tube; the 11th is refused.
entries() { # TUBE ID... -> JSON body
    local tube=$1 id first=1
    shift
    printf '{"site":"SITE-T1","pool":10,"entries":['
    for id in "$@"; do
        [ $first = 1 ] || printf ','
        first=0
        printf '{"tube":"%s","id_number":"%s","time":"2022-08-28T19:00:00+08:00"}' "$tube" "$id"
    done
    printf ']}'
}
entries TNEW01 "${fresh[@]:0:11}" >batch.json
api "$token" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary @batch.json
expect_status 200
"$PY" - body <<'PY' || fail "the first batch"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["accepted"] == 10 and a["duplicate"] == 0 and a["rejected"] == 1, a
assert a["rejects"][0]["index"] == 10 and "tube TNEW01 is full" in a["rejects"][0]["reason"], a
PY
# The phone lost the answer and sends the same batch again: nothing is added.
api "$token" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary @batch.json
expect_status 200
contains body '"accepted":0,"duplicate":10,"rejected":1'
# Another grid's resident and a bad entry refused with reasons; the 11th, into a new tube, stored.
printf '{"site":"SITE-T1","pool":10,"entries":[{"tube":"TNEW02","id_number":"%s","time":"2022-08-28T19:05:00+08:00"},{"tube":"TNEW02","id_number":"%s","time":"2022-08-28T19:05:00+08:00"},{"tube":"TNEW02","time":"2022-08-28T19:05:00+08:00"}]}' \
    "$other" "${fresh[10]}" >mixed.json
api "$token" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary @mixed.json
expect_status 200
"$PY" - body <<'PY' || fail "the mixed batch"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["accepted"] == 1 and a["rejected"] == 2, a
why = {r["index"]: r["reason"] for r in a["rejects"]}
assert set(why) == {0, 2}, why
assert "needs tube, id_number and time" in why[2], why
PY
api "$token" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary '{"site":"S","pool":0,"entries":[]}'
expect_status 400
api "$token" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary '{"pool":10'
expect_status 400

# What the store holds, read with sqlite3: exactly the 11 accepted entries.
got=$("$FANGKONG" export samples 2>/dev/null | grep -c '^TNEW0[12],')
[ "$got" = 11 ] || fail "$got samples stored in the new tubes, 11 accepted"
check "${fresh[0]}"
contains body '"sampled":true'
contains body '"tube":"TNEW01"'
"$FANGKONG" audit >audit.csv 2>/dev/null || fail "fangkong audit"
contains audit.csv "sampling table"

# A sampler reads nothing else; a viewer may not sample.
api "$token" GET "/api/v1/coverage?round=R1&by=county"
expect_status 403
viewer=$(login yuci viewer-password-1)
api "$viewer" POST /api/v1/sample/entries -H 'Content-Type: application/json' --data-binary @batch.json
expect_status 403
api "$viewer" GET "/api/v1/sample/check?id=${fresh[0]}"
expect_status 403
echo "sample api: checks, a full tube refused, a batch sent twice added once, 11 stored"
