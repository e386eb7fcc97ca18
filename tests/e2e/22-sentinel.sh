#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sentinels (哨点, issue 16) on city-3: a month of synthetic signals (fixed seed, written here) is
# imported; the board for three days and two levels is compared with an independent computation
# in this script (local days from the times' own offsets, the region tree walked from
# regions.csv, the EARS C2 rule written out again); alerts are raised once and not twice; bad
# rows are rejected with their reasons and the rest kept; re-importing adds nothing.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/regions.csv "$DATA"/persons.csv .
for t in regions persons; do
    fk import "$t" "$t.csv" 2>/dev/null
done

# ---- a month of signals: background noise everywhere, a pharmacy spike in one grid on 08-28,
# a fever-clinic count that reaches the threshold (20) exactly on 08-20 ----
"$PY" "$FK_SRC/tests/e2e/sengen.py" regions.csv persons.csv >sentinels.csv
fk import sentinels sentinels.csv >/dev/null 2>imp.err
expect_rc 0 "import sentinels"
n=$(($(wc -l <sentinels.csv) - 1))
contains imp.err "$n read, $n accepted"
fk import sentinels sentinels.csv >/dev/null 2>again.err
expect_rc 0 "import sentinels again"
contains again.err "$n read, 0 accepted (0 updated), $n duplicate, 0 rejected"

# ---- the board, fangkong against the computation here ----
board_py() { # DATE LEVEL: the expected board
    "$PY" - "$1" "$2" <<'PY'
import csv, math, sys
from datetime import datetime, timedelta, timezone
date, level = sys.argv[1], sys.argv[2]
regions = {r["code"]: r for r in csv.DictReader(open("regions.csv"))}
def up(code):
    while code and regions[code]["level"] != level:
        code = regions[code]["parent"]
    return code
cst = timezone(timedelta(hours=8))
kinds = ["fever_clinic", "pharmacy", "coldchain", "station", "school", "other"]
zh = {"发热门诊": "fever_clinic"}
def local_day(t):
    return datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(cst).date()
D = datetime.strptime(date, "%Y-%m-%d").date()
count, start, gcount = {}, {}, {}
for r in csv.DictReader(open("sentinels.csv")):
    k = zh.get(r["kind"], r["kind"])
    d = local_day(r["time"])
    start[k] = min(start.get(k, d), d)
    key = (up(r["grid"]), k, d)
    count[key] = count.get(key, 0) + int(r["count"] or 1)
    gkey = (r["grid"], k, d)
    gcount[gkey] = gcount.get(gkey, 0) + int(r["count"] or 1)
threshold = {"fever_clinic": 20, "pharmacy": 30, "coldchain": 1, "station": 5, "school": 10,
             "other": 0}
out = []
for code in sorted(c for c, r in regions.items() if r["level"] == level):
    for k in kinds:
        c = [count.get((code, k, D - timedelta(days=9 - i)), 0) for i in range(10)]
        known = k in start and (D - start[k]).days + 1 >= 10
        mean = sd = ""
        fires = ""
        if known:
            m = sum(float(x) for x in c[:7]) / 7
            s = math.sqrt(sum((x - m) * (x - m) for x in c[:7]) / 6)
            mean, sd = "%.2f" % m, "%.2f" % s
        # a fixed threshold is one grid's count of the day: a region above the grid level fires by
        # it when one of its grids does
        grid_hit = any(n >= threshold[k] for (g, kk, dd), n in gcount.items()
                       if kk == k and dd == D and up(g) == code)
        if threshold[k] and grid_hit:
            fires = "threshold"
        elif known and (c[9] - m) / max(s, 1.0) > 3:
            fires = "baseline"
        out.append([code, regions[code]["name"], k, date, str(c[9]), mean, sd, fires])
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["region", "name", "kind", "date", "count", "mean", "sd", "fires"])
w.writerows(out)
PY
}
for case in 2022-08-28:county 2022-08-20:township 2022-08-05:county 2022-08-28:grid; do
    IFS=: read -r d by <<<"$case"
    fk sentinel board --date "$d" --by "$by" >"board-$d-$by.csv" 2>"board-$d-$by.err"
    expect_rc 0 "sentinel board --date $d --by $by"
    board_py "$d" "$by" >"want-$d-$by.csv"
    if ! cmp -s "board-$d-$by.csv" "want-$d-$by.csv"; then
        diff "want-$d-$by.csv" "board-$d-$by.csv" | head -n 10 >&2
        fail "the board for $d by $by differs from the computation here"
    fi
done
grep -qx 'region,name,kind,date,count,mean,sd,fires' <(head -n 1 board-2022-08-28-county.csv) ||
    fail "board header: $(head -n 1 board-2022-08-28-county.csv)"
# The spike, the exact threshold and the cold-chain signal fire; a short history has no baseline.
grep -q ',pharmacy,2022-08-28,[0-9]*,[0-9.]*,[0-9.]*,baseline$' board-2022-08-28-grid.csv ||
    fail "the pharmacy spike does not fire by the baseline"
grep -q ',fever_clinic,2022-08-20,[0-9]*,[0-9.]*,[0-9.]*,threshold$' board-2022-08-20-township.csv ||
    fail "the fever clinic at its threshold does not fire"
grep -q ',coldchain,2022-08-28,1,,,threshold$' board-2022-08-28-county.csv ||
    fail "one cold-chain signal does not fire (its history is one day: no mean)"
[ "$(grep -c ',2022-08-05,[0-9]*,,,' board-2022-08-05-county.csv)" -eq 18 ] ||
    fail "a day with 5 days of history has a baseline"

# ---- the rows behind a cell ----
spike=$(awk -F, '$1 == "PH-SPIKE" { print $4; exit }' sentinels.csv)
fk sentinel rows --region "$spike" --kind pharmacy --date 2022-08-28 >rows.csv 2>rows.err
expect_rc 0 "sentinel rows"
[ "$(grep -c '^PH-SPIKE,pharmacy,2022-08-28T' rows.csv)" -eq 9 ] || fail "rows: $(cat rows.csv)"
grep -qx 'source,kind,time,grid,count,id_number' <(head -n 1 rows.csv) || fail "rows header"

# ---- alerts: one per firing region, kind and day; once ----
want=$(awk -F, 'NR > 1 && $8 != ""' want-2022-08-28-grid.csv | wc -l)
[ "$want" -ge 2 ] || fail "the fixture fires only $want grid cells on 08-28"
fk sentinel alerts --date 2022-08-28 --by grid 2>al.err
expect_rc 0 "sentinel alerts"
contains al.err "sentinel alerts: $want raised"
fk sentinel alerts --date 2022-08-28 --by grid 2>al2.err
contains al2.err "sentinel alerts: 0 raised"
fk alerts --now 2022-08-29T00:00:00+08:00 >alerts.csv 2>/dev/null
[ "$(grep -c ',sentinel,' alerts.csv)" -eq "$want" ] || fail "alerts lists $(grep -c ',sentinel,' alerts.csv) sentinel alerts, not $want"
grep -q "$spike/pharmacy,\"pharmacy signals in .* ($spike) on 2022-08-28: 9 (baseline; mean" alerts.csv ||
    fail "the pharmacy spike's alert does not name its region, count and rule"

# ---- bad rows: rejected with reasons, the rest kept ----
g=$(awk -F, '$3 == "grid" { print $1; exit }' regions.csv)
c=$(awk -F, '$3 == "community" { print $1; exit }' regions.csv)
cat >bad.csv <<EOF2
source,kind,time,grid,count,id_number
B1,hospital,2022-08-27T10:00:00+08:00,$g,1,
B2,school,2022-08-27T10:00:00+08:00,9999,1,
B3,school,2022-08-27T10:00:00+08:00,$c,1,
B4,school,2022-08-27T10:00:00+08:00,$g,0,
B5,pharmacy,2022-08-27T10:00:00+08:00,$g,1,140702199001011230
B6,school,2022-08-27T10:00:00+08:00,$g,2,
EOF2
fk import sentinels bad.csv >/dev/null 2>bad.err
expect_rc 3 "import of bad sentinel rows"
contains bad.err "6 read, 1 accepted (0 updated), 0 duplicate, 5 rejected"
contains bad.csv.rejects.csv "kind 'hospital' is not fever_clinic, pharmacy, coldchain, station, school or other"
contains bad.csv.rejects.csv "unknown grid 9999"
contains bad.csv.rejects.csv "is a community, not a grid"
contains bad.csv.rejects.csv "count '0' is not a whole number from 1 to 100000"
contains bad.csv.rejects.csv "id_number 140702199001011230"

# ---- the API: the board and the rows cut to the caller's scope; posting rows raises alerts ----
export FANGKONG_TEST_HASH_COST=min
for who in admin:admin:140700 desk:county:140702 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
start_server
ADMIN=$(login admin pw-admin-2022)
DESK=$(login desk pw-desk-2022)
VIEWER=$(login viewer pw-viewer-2022)
api "$ADMIN" GET "/api/v1/sentinel/board?date=2022-08-28&by=county&limit=1000"
expect_status 200 "the board as the headquarters"
"$PY" - "$WORK/body" want-2022-08-28-county.csv <<'PY' || fail "the API board is not the CLI's"
import csv, json, sys
rows = json.load(open(sys.argv[1]))["rows"]
want = list(csv.DictReader(open(sys.argv[2])))
def norm(r):
    return [str(r[k]) if r[k] is not None else "" for k in
            ("region", "name", "kind", "date", "count", "mean", "sd", "fires")]
got = [norm(r) for r in rows]
exp = [[w["region"], w["name"], w["kind"], w["date"], w["count"], w["mean"], w["sd"], w["fires"]]
       for w in want]
def num(v):
    try:
        return "%.2f" % float(v)
    except ValueError:
        return v
got = [[num(x) if i in (5, 6) else x for i, x in enumerate(r)] for r in got]
sys.exit(0 if got == exp else "got %s\nwant %s" % (got[:3], exp[:3]))
PY
# A viewer of 榆次区 (140702) sees its townships only, and no other county's.
api "$VIEWER" GET "/api/v1/sentinel/board?date=2022-08-28&by=township&limit=1000"
expect_status 200 "the board as a viewer of 140702"
[ "$(jq_py 'sorted({r["region"][:6] for r in j["rows"]})')" = '["140702"]' ] ||
    fail "a viewer of 140702 sees $(jq_py 'sorted({r["region"] for r in j["rows"]})')"
[ "$(jq_py 'len(j["rows"])')" -eq $((6 * $(awk -F, '$3 == "township" && $4 ~ /^140702/' regions.csv | wc -l))) ] ||
    fail "the viewer's board has $(jq_py 'len(j["rows"])') rows"
api "$VIEWER" GET "/api/v1/sentinel/board?date=2022-08-28&region=140703"
expect_error forbidden 403 "a viewer of 140702 asking for 140703's board"
other=$(awk -F, '$3 == "grid" && $1 !~ /^140702/ { print $1; exit }' regions.csv)
api "$DESK" GET "/api/v1/sentinel/rows?region=$other&date=2022-08-28"
expect_error forbidden 403 "the desk of 140702 asking for another county's rows"
api "$VIEWER" GET "/api/v1/sentinel/rows?region=140703&date=2022-08-28"
expect_error forbidden 403 "a viewer of 140702 asking for 140703's rows"
api "$DESK" GET "/api/v1/sentinel/rows?region=140702&kind=pharmacy&date=2022-08-28&limit=1000"
expect_status 200 "the rows of 140702 as its desk"
[ "$(jq_py 'sorted({r["grid"][:6] for r in j["rows"]})')" = '["140702"]' ] ||
    fail "the desk's rows: $(jq_py '[r["grid"] for r in j["rows"]]')"
# Posting rows: in scope accepted, outside rejected with the reason; a spike raises its alert.
g702=$(awk -F, '$3 == "grid" && $1 ~ /^140702/ { print $1; exit }' regions.csv)
"$PY" - "$g702" "$other" >post.json <<'PY'
import json, sys
rows = [{"source": "API-FC", "kind": "fever_clinic", "time": "2022-08-29T10:%02d:00+08:00" % i,
         "grid": sys.argv[1], "count": 5} for i in range(5)]
rows.append({"source": "API-X", "kind": "school", "time": "2022-08-29T10:00:00+08:00",
             "grid": sys.argv[2]})
print(json.dumps(rows))
PY
api "$DESK" POST "/api/v1/sentinels?now=2022-08-29T12:00:00%2B08:00" -H 'Content-Type: application/json' --data-binary @post.json
expect_status 200 "POST sentinels"
[ "$(jq_py '[j["accepted"], j["rejected"]]')" = "[5, 1]" ] || fail "post: $(cat "$WORK/body")"
contains "$WORK/body" "outside your scope"
[ "$(jq_py 'j["alerts"]')" -ge 1 ] || fail "the fever clinic's 25 signals raised no alert: $(cat "$WORK/body")"
api "$DESK" POST "/api/v1/sentinels?now=2022-08-29T12:00:00%2B08:00" -H 'Content-Type: application/json' --data-binary @post.json
[ "$(jq_py '[j["accepted"], j["duplicate"], j["alerts"]]')" = "[0, 5, 0]" ] || fail "post again: $(cat "$WORK/body")"
api "$DESK" GET "/api/v1/alerts?status=all&now=2022-08-30T00:00:00%2B08:00"
expect_status 200 "alerts as the desk of 140702"
[ "$(jq_py '[r["device"] for r in j["rows"] if r["kind"] == "sentinel" and not r["device"].startswith("140702")]')" = "[]" ] ||
    fail "the desk sees other counties' sentinel alerts"
[ "$(jq_py '[r["code"] for r in j["rows"] if r["device"] == "140702/fever_clinic"]')" = '["alert.sentinel"]' ] ||
    fail "the desk's fever-clinic alert: $(jq_py '[r for r in j["rows"] if r["kind"] == "sentinel"]')"
# The desk handles its own county's sentinel alert (it names no person: the region is its
# scope), and another county's is answered as unknown.
mine=$(jq_py '[r["id"] for r in j["rows"] if r["device"] == "140702/fever_clinic"][0]')
api "$ADMIN" GET "/api/v1/alerts?status=all&now=2022-08-30T00:00:00%2B08:00"
theirs=$(jq_py '([r["id"] for r in j["rows"] if r["kind"] == "sentinel" and not r["device"].startswith("140702")] + [""])[0]')
[ -n "$theirs" ] || fail "no sentinel alert outside 140702 to try: $(jq_py '[r["device"] for r in j["rows"]]')"
api "$DESK" POST "/api/v1/alerts/$mine" -H 'Content-Type: application/json' --data '{"action":"ack","note":"已派流调队"}'
expect_status 200 "the desk acknowledges its own sentinel alert"
api "$DESK" POST "/api/v1/alerts/$theirs" -H 'Content-Type: application/json' --data '{"action":"ack","note":"x"}'
expect_error not_found 404 "the desk acknowledging another county's sentinel alert"
api "$DESK" GET "/api/v1/alerts?status=acknowledged&now=2099-01-01T00:00:00%2B08:00"
[ "$(jq_py '[r["who"] for r in j["rows"] if r["id"] == '"$mine"']')" = '["desk"]' ] ||
    fail "the acknowledged sentinel alert: $(cat "$WORK/body")"
