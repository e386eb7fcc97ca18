#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GET /api/v1/types on city-3: every record type with its titles, and for each account whether
# it may import and export it. The import flag is checked against what the server does: a POST
# of no rows to /api/v1/rows/TYPE answers 403 exactly for the types the flag says no (for an
# admin, a county desk, a grid worker and a lab); a lab imports results only; export needs the
# right to read persons (a viewer exports nothing).
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
grid=$(awk -F, '$3 == "grid" && $1 ~ /^140702/ { print $1; exit }' "$DATA/regions.csv")
for who in admin:admin:140700 desk:county:140702 worker:grid:$grid lab:lab:140700 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
start_server
ntypes=$(fk contract --markdown 2>/dev/null | tail -n +3 | wc -l)
for name in admin desk worker lab viewer; do
    tok=$(login "$name" "pw-$name-2022")
    api "$tok" GET /api/v1/types
    expect_status 200 "types as $name"
    cp "$WORK/body" "types-$name.json"
    [ "$(jq_py "len(j['rows'])")" = "$ntypes" ] ||
        fail "$name: $(jq_py 'len(j["rows"])') types"
    [ "$(jq_py 'all(r["title_zh"] and r["title_en"] for r in j["rows"])')" = true ] ||
        fail "$name: a type without its titles"
    for t in $(jq_py '" ".join(r["type"] for r in j["rows"])' "types-$name.json"); do
        may=$(jq_py "[r['import'] for r in j['rows'] if r['type'] == '$t'][0]" "types-$name.json")
        api "$tok" POST "/api/v1/rows/$t" -H 'Content-Type: application/json' --data '[]'
        if [ "$may" = 1 ]; then
            [ "$status" != 403 ] || fail "$name may import $t by /types, but rows/$t answered 403"
        else
            [ "$status" = 403 ] || fail "$name may not import $t by /types, but rows/$t answered $status"
        fi
    done
done
[ "$(jq_py '[r["type"] for r in j["rows"] if r["import"]]' types-lab.json)" = '["results"]' ] ||
    fail "the lab imports: $(jq_py '[r["type"] for r in j["rows"] if r["import"]]' types-lab.json)"
[ "$(jq_py 'sum(r["import"] for r in j["rows"])' types-admin.json)" -gt 20 ] ||
    fail "the admin imports only $(jq_py 'sum(r["import"] for r in j["rows"])' types-admin.json) types"
[ "$(jq_py '[r["type"] for r in j["rows"] if r["import"] and r["type"] == "regions"]' types-worker.json)" = '[]' ] ||
    fail "a grid worker may import regions"
[ "$(jq_py 'sum(r["export"] for r in j["rows"])' types-viewer.json)" = 0 ] ||
    fail "a viewer may export"
[ "$(jq_py '[r["title_zh"] for r in j["rows"] if r["type"] == "persons"]' types-admin.json)" != '[]' ] ||
    fail "persons has no title"
api "" GET /api/v1/types
expect_status 401 "types without a session"
