#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rows as JSON, without a file: POST /api/v1/door_events answers as before while the upload
# folder cannot hold a file at all (it is a plain file here), so no temporary CSV is written;
# POST /api/v1/rows/{type} takes any import type as JSON with the import's permissions and scope
# (a county account's row outside its county is refused with the same reason the CSV import
# gives, the row inside is written), answers the counts and problems by row, and is audited.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
IDGEN="$FK_SRC/tests/e2e/idgen.py"

cp "$DATA"/regions.csv "$DATA"/persons.csv .
fk import regions regions.csv 2>/dev/null
fk import persons persons.csv 2>/dev/null
for who in admin:admin:140700 desk:county:140702 lab:lab:140700 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022-rows" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
Q=$(awk -F, '/,140702001001G01,/ { print $1; exit }' persons.csv)
printf 'id_number,category,place,start,device\n%s,close,home,2022-09-01T10:00:00+08:00,DOOR-1\n' \
    "$Q" >ctl.csv
fk import controls ctl.csv 2>/dev/null
expect_rc 0 "import the control order"
start_server
ADMIN=$(login admin pw-admin-2022-rows)
DESK=$(login desk pw-desk-2022-rows)
LAB=$(login lab pw-lab-2022-rows)
VIEWER=$(login viewer pw-viewer-2022-rows)
J=(-H 'Content-Type: application/json')

# ---- door events: no temporary file, the same answer ----
UP="$WORK/fangkong.db.uploads"
[ -d "$UP" ] || fail "no upload folder $UP"
rm -rf "$UP"
: >"$UP" # a file where the folder was: nothing can be created under it
api "$DESK" POST /api/v1/door_events "${J[@]}" --data "[
 {\"device\":\"DOOR-1\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:10:00+08:00\",\"event\":\"open\"},
 {\"device\":\"DOOR-9\",\"id_number\":\"$Q\",\"time\":\"2022-09-02T23:10:00+08:00\",\"event\":\"open\"}]"
expect_status 200 "door events without an upload folder"
[ "$(jq_py 'sorted(j)')" = '["accepted", "alerts", "duplicate", "problems", "rejected"]' ] ||
    fail "door events answer keys: $(jq_py 'sorted(j)')"
[ "$(jq_py '[j["accepted"], j["duplicate"], j["rejected"], j["alerts"]]')" = "[1, 0, 1, 1]" ] ||
    fail "door events counts: $(cat "$WORK/body")"
# (each problem has its reasons as codes too, "messages": e2e/46 checks them)
[ "$(jq_py '[{"row": p["row"], "reason": p["reason"]} for p in j["problems"]]')" = '[{"row": 1, "reason": "unregistered door sensor DOOR-9 (name it in the person'"'"'s control order, column device)"}]' ] ||
    fail "door events problems: $(jq_py 'j["problems"]')"
api "$DESK" POST /api/v1/door_events "${J[@]}" --data 'not json'
expect_error bad_request 400 "door events with a bad body"
[ "$(jq_py 'j["hint"]')" = "an event object or an array of them" ] || fail "door events hint"
[ -f "$UP" ] || fail "the upload folder's stand-in was touched"
rm -f "$UP"
mkdir -m 700 "$UP"

# ---- rows/{type}: the import's permissions and scope, row by row ----
IN=$("$PY" "$IDGEN" 140702 19800101 901)
OUT=$("$PY" "$IDGEN" 140703 19800101 902)
ROWS="[{\"id_number\":\"$IN\",\"name\":\"新甲\",\"grid\":\"140702001001G02\",\"phone\":13800138000},
 {\"id_number\":\"$OUT\",\"name\":\"新乙\",\"grid\":\"140703001001G01\"}]"
before=$(count persons)
api "$DESK" POST /api/v1/rows/persons "${J[@]}" --data "$ROWS"
expect_status 200 "rows/persons by the county desk"
[ "$(jq_py 'sorted(j)')" = '["accepted", "alerts", "duplicate", "problems", "read", "rejected", "updated"]' ] ||
    fail "rows answer keys: $(jq_py 'sorted(j)')"
[ "$(jq_py '[j["read"], j["accepted"], j["rejected"]]')" = "[2, 1, 1]" ] ||
    fail "rows counts: $(cat "$WORK/body")"
[ "$(jq_py '[p["row"] for p in j["problems"]]')" = "[1]" ] || fail "rows problem row"
jq_py 'j["problems"][0]["reason"]' >rows-reason.txt
[ "$(count persons)" = $((before + 1)) ] || fail "rows/persons wrote $(($(count persons) - before))"
# The same rows as a CSV import: the same reason for the row outside.
printf 'id_number,name,grid\n%s,新乙,140703001001G01\n' "$OUT" >out.csv
api "$DESK" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @out.csv
expect_status 200 "the CSV import of the row outside"
api "$DESK" GET "$(jq_py 'j["rejects"]')"
sed -n 2p "$WORK/body" >csv-reject.txt
contains csv-reject.txt "$(cat rows-reason.txt)"
contains rows-reason.txt "outside your scope 榆次区 (140702)"
# Again: nothing new.
api "$DESK" POST /api/v1/rows/persons "${J[@]}" --data "$ROWS"
[ "$(jq_py '[j["accepted"], j["duplicate"], j["rejected"]]')" = "[0, 1, 1]" ] ||
    fail "rows again: $(cat "$WORK/body")"
# One object is one row, number 0.
api "$DESK" POST /api/v1/rows/persons "${J[@]}" \
    --data "{\"id_number\":\"$OUT\",\"name\":\"新乙\",\"grid\":\"140703001001G01\"}"
[ "$(jq_py '[p["row"] for p in j["problems"]]')" = "[0]" ] || fail "one object: problem row"
# Who may: a lab account imports no persons, a viewer nothing; regions only the city's desk.
api "$LAB" POST /api/v1/rows/persons "${J[@]}" --data "$ROWS"
expect_error forbidden 403 "lab posts persons rows"
api "$VIEWER" POST /api/v1/rows/persons "${J[@]}" --data "$ROWS"
expect_error forbidden 403 "viewer posts rows"
api "$DESK" POST /api/v1/rows/regions "${J[@]}" --data '[]'
expect_error forbidden 403 "a county posts regions rows"
api "$DESK" POST /api/v1/rows/people "${J[@]}" --data '[]'
expect_error not_found 404 "rows of an unknown type"
api "$DESK" POST /api/v1/rows/persons "${J[@]}" --data '[{"name":"x"}]'
expect_error bad_request 400 "rows without a required column"
contains "$WORK/body" "missing required column 'id_number'"
api "$DESK" POST /api/v1/rows/persons "${J[@]}" --data '[1,'
expect_error bad_request 400 "rows that are not JSON"
# The JSON body limit of every POST.
"$PY" -c 'import json; print(json.dumps([{"id_number": "x" * 60, "name": "n", "grid": "g"}] * 20000))' >big.json
api "$DESK" POST /api/v1/rows/persons "${J[@]}" --data-binary @big.json
expect_error too_large 413 "rows over the body limit"
# On record like an import.
api "$ADMIN" GET "/api/v1/audit?limit=50"
"$PY" - "$WORK/body" <<'PY' || fail "rows/persons is not on the audit trail"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
rows = j["rows"] if isinstance(j, dict) else j
ok = [r for r in rows if r.get("action") == "import.done" and r.get("target") == "persons"
      and "JSON rows: 2 read, 1 accepted" in r.get("detail", "")]
sys.exit(0 if ok else "audit: %s" % json.dumps(rows[:6], ensure_ascii=False))
PY
