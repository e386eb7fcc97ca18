#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 四个查清 as a grid on city-3 with the control fixture (tests/data/control): the API's
# summary?pivot=category and `control summary --pivot category` give the same grid, every cell the
# length of the list behind it; the lists page (?offset&limit with a total) in a stable order;
# "release due today" (?end=today) and "past their end, still open" (?end=past) against a count
# made here from controls.csv; a viewer of 140702 sees only its county and gets 403 for another's.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
CONTROL="$FK_SRC/tests/data/control"
PY=$(python3 -c 'import sys; print(sys.executable)')

cp "$DATA"/*.csv .
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
done
fk import controls "$CONTROL/controls.csv" 2>/dev/null
expect_rc 0 "import controls"
for who in admin:admin:140700 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done

# The independent answer: each order's planned end is its start day (Asia/Shanghai) plus its
# category's default regime's duration (isolation7: 7 days, land3: 3, every3 and cases: none);
# due today: open on the day and ending on it; past: open and ending before it.
cat >expect.py <<'PY'
import csv, datetime, sys
days = {"close": 7, "secondary": 7, "companion": 3, "arrival": 3, "risk_area": 3}
d = datetime.date.fromisoformat(sys.argv[2])
ids = {"today": [], "past": []}
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    tz = datetime.timezone(datetime.timedelta(hours=8))
    start = datetime.datetime.fromisoformat(r["start"]).astimezone(tz).date()
    end = datetime.datetime.fromisoformat(r["end"]).astimezone(tz).date() if r["end"] else None
    if start > d or (end and end <= d) or r["category"] not in days:
        continue
    planned = start + datetime.timedelta(days=days[r["category"]])
    if planned == d:
        ids["today"].append(r["id_number"])
    elif planned < d:
        ids["past"].append(r["id_number"])
print(len(ids[sys.argv[3]]))
print("\n".join(sorted(ids[sys.argv[3]])), file=open(sys.argv[4], "w"))
PY

# The CLI: due today and past their end, as counted here, on three days.
for D in 2022-08-27 2022-08-31 2022-09-01; do
    for end in today past; do
        want=$("$PY" expect.py "$CONTROL/controls.csv" "$D" "$end" "want-$end.txt")
        fk control list --end "$end" --date "$D" >l.csv 2>/dev/null
        expect_rc 0 "control list --end $end --date $D"
        "$PY" -c 'import csv, sys; print("\n".join(sorted(r["id_number"] for r in csv.DictReader(open(sys.argv[1])))))' \
            l.csv >got.txt
        cmp -s got.txt "want-$end.txt" || fail "--end $end --date $D: $(wc -l <got.txt) rows, $want expected"
    done
done
[ "$("$PY" expect.py "$CONTROL/controls.csv" 2022-09-01 past /dev/null)" -gt 0 ] ||
    fail "the fixture has no order past its end on 2022-09-01"
[ "$("$PY" expect.py "$CONTROL/controls.csv" 2022-09-01 today /dev/null)" -gt 0 ] ||
    fail "the fixture has no release due on 2022-09-01"
fk control list --end soon >/dev/null 2>err.txt
expect_rc 1 "control list --end soon"
contains err.txt "--end takes any, today"

D=2022-09-01
start_server
ADMIN=$(login admin pw-admin-2022)
VIEWER=$(login viewer pw-viewer-2022)

# The grid: the CLI's CSV is the API's rows; every cell is the length of its list, the total
# row the region's whole list; with ?end= and ?place= as well.
for q in "by=county" "by=township&status=open" "by=grid&end=past" "by=county&end=today&place=home" \
    "by=township&region=140702&status=all"; do
    api "$ADMIN" GET "/api/v1/control/summary?pivot=category&date=$D&$q"
    expect_status 200 "grid $q"
    cp "$WORK/body" grid.json
    args=$("$PY" -c 'import sys, urllib.parse
q = dict(urllib.parse.parse_qsl(sys.argv[1]))
print(" ".join("--%s %s" % kv for kv in q.items()))' "$q")
    # shellcheck disable=SC2086
    fk control summary --pivot category --date "$D" $args >grid.csv 2>/dev/null
    expect_rc 0 "control summary --pivot category $args"
    "$PY" - grid.json grid.csv <<'PY' || fail "the CLI's grid differs from the API's ($q)"
import csv, json, sys
api = [{k: str(v) for k, v in r.items()} for r in json.load(open(sys.argv[1]))["rows"]]
cli = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert api == cli, (api[:2], cli[:2])
assert list(cli[0].keys()) == ["region", "name", "case", "close", "secondary", "companion",
                               "arrival", "risk_area", "other", "coldchain", "total"], list(cli[0].keys())
assert cli[-1]["region"] == "" and cli[-1]["name"] == "total"
PY
    region=$("$PY" -c 'import sys, urllib.parse; print(dict(urllib.parse.parse_qsl(sys.argv[1])).get("region", ""))' "$q")
    # The list behind a cell has the grid's filters (a grid counts every status unless told).
    filt=$("$PY" -c 'import sys, urllib.parse
q = dict(urllib.parse.parse_qsl(sys.argv[1])); q.pop("by"); q.pop("region", None)
q.setdefault("status", "all")
print(urllib.parse.urlencode(q))' "$q")
    # One request per cell, from here (a Python per cell would take minutes).
    cells=$("$PY" - grid.json "$region" "$filt" "$BASE" "$ADMIN" "$D" <<'PY'
import json, sys, urllib.parse, urllib.request
grid, region, filt, base, token, day = sys.argv[1:]
n = 0
for r in json.load(open(grid))["rows"]:
    for cat in ["case", "close", "secondary", "companion", "arrival", "risk_area", "other", "coldchain", "total"]:
        q = "date=%s&region=%s&category=%s&%s&limit=1" % (
            day, r["region"] or region, "" if cat == "total" else cat, filt)
        req = urllib.request.Request(base + "/api/v1/control/list?" + q,
                                     headers={"Authorization": "Bearer " + token})
        got = json.load(urllib.request.urlopen(req))["total"]
        if got != r[cat]:
            sys.exit("%s/%s is %s, its list (%s) %s" % (r["region"], cat, r[cat], q, got))
        n += 1
print(n)
PY
    ) || fail "grid $q: a cell is not the length of its list"
    [ "$cells" -gt 8 ] || fail "grid $q: only $cells cells"
done
api "$ADMIN" GET "/api/v1/control/summary?pivot=place"
expect_error bad_request 400 "pivot=place"
api "$ADMIN" GET "/api/v1/control/list?end=soon"
expect_error bad_request 400 "end=soon"

# Paging: pages of 7 put together are the whole list, in the same order, each with the total.
api "$ADMIN" GET "/api/v1/control/list?date=$D&status=all"
cp "$WORK/body" whole.json
total=$(jq_py 'j["total"]')
[ "$total" = "$(jq_py 'len(j["rows"])')" ] || fail "a list without limit is not whole"
[ "$total" -gt 14 ] || fail "the fixture has too few orders to page"
: >pages.txt
off=0
while :; do
    api "$ADMIN" GET "/api/v1/control/list?date=$D&status=all&offset=$off&limit=7"
    expect_status 200 "page at $off"
    [ "$(jq_py 'j["total"]')" = "$total" ] || fail "page at $off: another total"
    jq_py '"\n".join(str(r["id"]) for r in j["rows"])' >>pages.txt
    next=$(jq_py 'j["next"]')
    [ "$next" = null ] && break
    [ "$next" = $((off + 7)) ] || fail "page at $off: next is $next"
    off=$next
done
jq_py '"\n".join(str(r["id"]) for r in j["rows"])' whole.json >whole.txt
cmp -s pages.txt whole.txt || fail "the pages are not the whole list in its order"
api "$ADMIN" GET "/api/v1/control/list?date=$D&offset=-1"
expect_error bad_request 400 "offset=-1"
api "$ADMIN" GET "/api/v1/control/list?date=$D&status=all&offset=100000&limit=5"
[ "$(jq_py 'len(j["rows"])')" = 0 ] && [ "$(jq_py 'j["total"]')" = "$total" ] ||
    fail "an offset past the end is not an empty page"

# The API's due-today and past lists are the CLI's.
for end in today past; do
    fk control list --end "$end" --date "$D" >l.csv 2>/dev/null
    api "$ADMIN" GET "/api/v1/control/list?date=$D&end=$end"
    [ "$(jq_py 'j["total"]')" = "$(($(wc -l <l.csv) - 1))" ] || fail "API end=$end != CLI"
done

# Scope: the viewer of 140702 sees only its county, and not another county's list.
api "$VIEWER" GET "/api/v1/control/summary?pivot=category&by=grid&date=$D"
expect_status 200 "viewer grid"
"$PY" - "$WORK/body" <<'PY' || fail "the viewer's grid shows another county"
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
assert rows and all(r["region"].startswith("140702") for r in rows[:-1]), rows[:3]
PY
vt=$(jq_py 'j["rows"][-1]["total"]')
api "$VIEWER" GET "/api/v1/control/list?date=$D&status=all&limit=5"
expect_status 200 "viewer list"
[ "$(jq_py 'j["total"]')" = "$vt" ] || fail "the viewer's total row is not its list"
grep -q true <(jq_py 'all(r["grid"].startswith("140702") for r in j["rows"])') ||
    fail "the viewer lists another county's orders"
for p in "list?region=140703" "list?region=140703&end=past" "summary?pivot=category&region=140703"; do
    api "$VIEWER" GET "/api/v1/control/$p"
    expect_error forbidden 403 "viewer $p"
done
exit 0
