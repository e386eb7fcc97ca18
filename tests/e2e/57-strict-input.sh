#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a caller sends is taken as sent or refused, and what fangkong exports never runs as a
# formula. Integers in requests (limit, after, depth, days) and options (--port, --threads,
# --batch, --days, --people, --seed) are parsed strictly within their bounds: trailing text,
# empty, overflow and out of range answer 400 (exit 1 on the command line) naming the parameter
# and the range, never 500 and never a quietly clamped or cut value (days 2^32 + 5 extended by 5).
# CSV exports and rejects files put a ' before a cell starting with = + - @ TAB or CR (a resident
# named =HYPERLINK(…)); XLSX writes such a name as a string, not a formula.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
ID="$FK_SRC/tests/e2e/idgen.py"
IFS=, read -r R REGION START END <"$DATA/round.txt"

cp "$DATA"/*.csv .
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
done
fk round create "$R" --region "$REGION" --start "$START" --end "$END" 2>/dev/null
expect_rc 0 "round create"
echo "pw-admin-2022" | "$FANGKONG" user add admin --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add admin"
# A resident whose name is a formula; never sampled, so on the round's missing list.
EVIL=$(python3 "$ID" 140702 19900101 731)
printf 'id_number,name,phone,grid,household,tags\n%s,"=HYPERLINK(""http://x.invalid"",""点我"")",+8613800000000,140703001002G01,H09999,\n' \
    "$EVIL" >evil.csv
fk import persons evil.csv 2>/dev/null
expect_rc 0 "import the resident named =HYPERLINK"
start_server
ADMIN=$(login admin pw-admin-2022)
J=(-H 'Content-Type: application/json')

# ---- query integers: limit (paged lists), after (a numeric key) ----
api "$ADMIN" GET "/api/v1/missing?round=$R&limit=5"
expect_status 200 "limit=5"
[ "$(jq_py 'len(j["rows"])')" = 5 ] || fail "limit=5 gave $(jq_py 'len(j["rows"])') rows"
for bad in abc 5x x5 "" 0 -1 10001 99999999999999999999 "%205" "5%20" 0x10 1e3 4.0; do
    api "$ADMIN" GET "/api/v1/missing?round=$R&limit=$bad"
    expect_error bad_request 400 "limit='$bad'"
    contains "$WORK/body" "limit must be a whole number from 1 to 10000"
done
api "$ADMIN" GET "/api/v1/audit?limit=3&after=1"
expect_status 200 "audit after=1"
for bad in abc 1x "" 99999999999999999999; do
    api "$ADMIN" GET "/api/v1/audit?after=$bad"
    # An empty after is no after: the first page.
    if [ -z "$bad" ]; then
        expect_status 200 "audit after=''"
        continue
    fi
    expect_error bad_request 400 "audit after='$bad'"
    contains "$WORK/body" "after must be a whole number"
done

# ---- JSON integers: depth of from-trace, days of extend ----
for bad in 0 3 '"2"' 2.0 -1 4294967298 '[2]'; do
    api "$ADMIN" POST /api/v1/control/from-trace "${J[@]}" --data "{\"depth\":$bad,\"place\":\"home\"}"
    expect_error bad_request 400 "from-trace depth $bad"
    contains "$WORK/body" "depth must be a whole number from 1 to 2"
done
api "$ADMIN" POST /api/v1/control/from-trace "${J[@]}" \
    --data '{"depth":2,"place":"home","at":"2022-09-01T10:00:00+08:00"}'
expect_status 200 "from-trace depth 2"
fk control list --status all >list.csv 2>/dev/null
P=$(awk -F, 'NR == 2 { print $2 }' list.csv)
[ -n "$P" ] || fail "from-trace put nobody under control"
for bad in 4294967301 0 367 -5 '"7"' 7.5 true '{}'; do
    api "$ADMIN" POST /api/v1/control/extend "${J[@]}" --data "{\"id_number\":\"$P\",\"days\":$bad}"
    expect_error bad_request 400 "extend days $bad"
done
fk audit >audit.csv 2>/dev/null
if grep -q 'control.extend' audit.csv; then
    fail "a refused extend was carried out: $(grep control.extend audit.csv)"
fi
api "$ADMIN" POST /api/v1/control/extend "${J[@]}" --data "{\"id_number\":\"$P\",\"days\":2}"
expect_status 200 "extend days 2"
fk audit >audit.csv 2>/dev/null
contains audit.csv "by 2 days"

# ---- options on the command line ----
cli_bad() { # WHAT EXPECTED_MESSAGE ARGS...: exits 1 and says EXPECTED_MESSAGE
    local what=$1 msg=$2
    shift 2
    fk "$@" >out.txt 2>err.txt
    expect_rc 1 "$what"
    contains err.txt "$msg"
}
for bad in 0 65536 80x "" 99999999999999999999 -80; do
    cli_bad "serve --port '$bad'" "--port takes a whole number from 1 to 65535" serve --port "$bad"
done
cli_bad "serve --threads 0" "--threads takes a whole number from 1 to 256" serve --threads 0
cli_bad "import --batch 1x" "--batch takes a whole number from 1 to 10000000" \
    import persons evil.csv --batch 1x
for bad in 4294967301 0 367 7d; do
    cli_bad "extend --days $bad" "--days takes a whole number from 1 to 366" \
        control extend "$P" --days "$bad"
done
cli_bad "demo --people -1" "--people takes a whole number from 0 to 100000000" \
    demo --people -1 --out d
cli_bad "demo --seed 12x" "--seed takes a whole number from 0 to" demo --seed 12x --out d
cli_bad "demo --seed overflow" "--seed takes a whole number from 0 to" \
    demo --seed 99999999999999999999 --out d

# ---- exports: formulas neutralised ----
api "$ADMIN" GET "/api/v1/missing?round=$R&format=csv"
expect_status 200 "missing as CSV"
contains "$WORK/body" "$EVIL,\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"点我\"\")\""
contains "$WORK/body" "'+8613800000000"
if grep -q '^[^,]*,=\|,"=' "$WORK/body"; then
    fail "a CSV cell starts with = : $(grep -m1 '=' "$WORK/body")"
fi
fk missing "$R" --region 140700 >missing-cli.csv 2>/dev/null
contains missing-cli.csv "\"'=HYPERLINK("
api "$ADMIN" GET "/api/v1/missing?round=$R&format=xlsx"
expect_status 200 "missing as XLSX"
"$PY" - "$WORK/body" <<'PY' || fail "the XLSX export holds a formula or lost the name"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
text = "".join(z.read(n).decode("utf-8") for n in sheets)
strings = z.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in z.namelist() else ""
if "<f>" in text or "<f " in text:
    sys.exit("a cell is a formula")
if "=HYPERLINK(" not in strings + text:
    sys.exit("the name is not there as text")
PY
# A rejects file: a row whose raw text starts with = is written with a ' before it.
printf 'id_number,name,phone,grid,household,tags\n=1+2,x,1,140703001002G01,H1,\n' >bad.csv
api "$ADMIN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @bad.csv
expect_status 200 "import a row starting with ="
rej=$(jq_py 'j["rejects"]')
api "$ADMIN" GET "$rej"
expect_status 200 "the rejects file"
contains "$WORK/body" ",\"'=1+2,x,1,140703001002G01,H1,\""
