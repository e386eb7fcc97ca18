#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A province on several servers (issue 20): one PostgreSQL holds the demo city; three servers on
# it, each started with --region for one of three of its counties (standing in for a province's
# cities: the servers and the roll-up do not care at which level a region is), and a province
# server (--region 140700 --cities URL,URL,URL, a SQLite store of its own for its accounts) that
# answers the roll-ups by asking the three through their API as a service account. Its coverage
# and control summaries equal, row for row, one server's answers over the whole data cut to the
# three counties, and its totals equal the sums computed here. A region's server cuts every
# caller to its region and refuses a caller from elsewhere; a county account may not read the
# province roll-up. With one city's server stopped the answer names it and says partial.
. "$(dirname "$0")/lib.sh"
start_pg
export NOW=2026-03-01T22:00:00+08:00
DEMO_DB=$PG DEMO_SERVE=0 DEMO_OUT=$WORK/city bash "$FK_SRC/scripts/demo.sh" "$FANGKONG" 600 \
    >demo.log 2>&1 || { tail -n 20 demo.log >&2; fail "demo.sh into PostgreSQL"; }
CITIES=(140702 140703 140721)
svc=province-service-password-1
echo "$svc" | FANGKONG_DB=$PG "$FANGKONG" user add province-svc --role viewer --scope 140000 \
    >/dev/null 2>&1 || fail "user add province-svc"
echo "county-password-1" | FANGKONG_DB=$PG "$FANGKONG" user add taigu --role viewer \
    --scope 140703 >/dev/null 2>&1 || fail "user add taigu"

# The whole data through one server: the answers the province must give.
FANGKONG_DB=$PG FANGKONG_STATE=$WORK/state-all start_server --now "$NOW"
ALL_BASE=$BASE ALL_PID=$FK_SERVER_PID
token=$(login province-svc "$svc")
api "$token" GET "/api/v1/coverage?round=R1&by=county"
expect_status 200
cp body all-coverage.json
api "$token" GET "/api/v1/control/summary?by=county"
expect_status 200
cp body all-control.json

# The three regional servers.
urls=()
pids=()
for c in "${CITIES[@]}"; do
    FANGKONG_DB=$PG FANGKONG_STATE=$WORK/state-$c start_server --now "$NOW" --region "$c"
    urls+=("$BASE")
    pids+=("$FK_SERVER_PID")
done
# A regional server cuts a province account to its region, and refuses a county from elsewhere.
BASE=${urls[0]}
token=$(login province-svc "$svc")
api "$token" GET /api/v1/me
expect_status 200
contains body '"scope":"140702"'
taigu=$(login taigu county-password-1)
api "$taigu" GET "/api/v1/coverage?round=R1&by=county"
expect_status 403
contains body "serves region 140702 only"

# The province server: a store of its own with the regions and its accounts.
export FANGKONG_DB=$WORK/province.db
fk import regions city/regions.csv 2>/dev/null
expect_rc 0 "import regions into the province's store"
echo "province-chief-password-1" | "$FANGKONG" user add chief --role viewer --scope 140700 >/dev/null 2>&1
echo "county-password-2" | "$FANGKONG" user add yuci --role viewer --scope 140702 >/dev/null 2>&1
list=$(IFS=,; echo "${urls[*]}")
FANGKONG_SERVICE_PASSWORD=$svc start_server --now "$NOW" --region 140700 --cities "$list" \
    --service province-svc
chief=$(login chief province-chief-password-1)
api "$chief" GET "/api/v1/province/coverage?round=R1&by=county"
expect_status 200
cp body province-coverage.json
api "$chief" GET "/api/v1/province/control?by=county"
expect_status 200
cp body province-control.json

# The same rows as one server over the whole data, cut to the three; totals summed here.
"$PY" - all-coverage.json province-coverage.json all-control.json province-control.json \
    "${CITIES[@]}" <<'PY' || fail "the province's answers differ from one server's"
import json, sys
allc, provc, allk, provk = (json.load(open(f)) for f in sys.argv[1:5])
cities = set(sys.argv[5:])
def cut(rows):
    return sorted((r for r in rows if r["region"] in cities), key=lambda r: r["region"])
want = cut(allc["rows"])
assert len(want) == 3, want
assert provc["rows"] == want, (provc["rows"], want)
res = sum(r["residents"] for r in want)
smp = sum(r["sampled"] for r in want)
assert provc["province"]["residents"] == res and provc["province"]["sampled"] == smp, provc["province"]
assert provc["partial"] is False and provc["missing"] == [], provc
assert all(c["ok"] for c in provc["cities"]), provc["cities"]
k = cut(allk["rows"])
got = sorted(provk["rows"], key=lambda r: (r["region"], json.dumps(r, sort_keys=True)))
k = sorted(k, key=lambda r: (r["region"], json.dumps(r, sort_keys=True)))
assert k and got == k, (got, k)
print(f"province coverage: {len(want)} regions, {smp} of {res} sampled, same as one server")
PY

# Warm: the roll-up's own time over the three servers, as the answer reports it.
for i in 1 2 3 4 5; do api "$chief" GET "/api/v1/province/coverage?round=R1&by=county"; done
"$PY" -c 'import json,sys; print("province roll-up, warm: %.1f ms" % json.load(open(sys.argv[1]))["ms"])' body

# Scope: a county account of the province server may not read the roll-up.
yuci=$(login yuci county-password-2)
api "$yuci" GET "/api/v1/province/coverage?round=R1&by=county"
expect_status 403
api "$chief" GET "/api/v1/province/coverage?by=county"
expect_status 400
api "$chief" GET "/api/v1/province/coverage?round=R1&by=county%26x=1"
expect_status 400

# One city's server gone: the answer names it and is marked partial.
kill "${pids[1]}"
wait "${pids[1]}" 2>/dev/null || true
api "$chief" GET "/api/v1/province/coverage?round=R1&by=county"
expect_status 200
"$PY" - body "${urls[1]}" <<'PY' || fail "a missing city is not named"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["partial"] is True and a["missing"] == [sys.argv[2]], a
assert sorted(r["region"] for r in a["rows"]) == ["140702", "140721"], a["rows"]
PY
for p in "${pids[0]}" "${pids[2]}" "$ALL_PID"; do kill "$p" 2>/dev/null || true; done
echo "province: roll-ups equal one server's; a missing city is named"
