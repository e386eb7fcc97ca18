#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Duty and zero reports (值班与零报告, issue 17) over the regions of the worked example city-3:
# units of every kind, five days of reports (zero reports, one exactly at the 18:00 deadline, one
# a second after it, units silent for days) and a duty roster with gaps are written here; bad rows
# are rejected with their reasons (unknown unit and region, bad kind and date, a negative count, a
# submission before the report's day, duty at a grid). The day's status by county and by township,
# the silent units with their days silent and the duty gaps are compared with an independent
# computation in Python over the CSV files; over the API the answers equal the command line's and
# a county viewer sees only its county (another county is 403), with CSV and XLSX downloads.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
DAY=2022-08-30

fk import regions "$DATA/regions.csv" >/dev/null 2>&1
expect_rc 0 "import regions"

# The files, the same every run: units per township and county of each kind, reports for
# 08-26 .. 08-30 chosen from the unit's number, a duty roster; bad rows in files of their own.
"$PY" - "$DATA/regions.csv" <<'PY'
import csv, sys
regions = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
kinds = ["township", "hospital", "clinic", "pharmacy", "school", "enterprise", "other"]
W = lambda name: csv.writer(open(name, "w", encoding="utf-8", newline=""), lineterminator="\n")
u = W("units.csv")
u.writerow(["code", "name", "region", "kind", "contact"])
units = []
n = 0
for r in regions:
    if r["level"] not in ("county", "township", "community"):
        continue
    for k in kinds[: (3 if r["level"] == "community" else 7)]:
        n += 1
        code = "U%03d" % n
        units.append((code, r["code"], k))
        u.writerow([code, "%s%s" % (r["name"], k), r["code"], k, "联系人%d 1380000%04d" % (n, n)])
rep = W("reports.csv")
rep.writerow(["unit", "date", "kind", "count", "note", "submitted"])
for i, (code, region, kind) in enumerate(units):
    for d in range(26, 31):
        m = (i * 7 + d) % 11
        if m in (0, 1) or i % 13 == 5:
            continue  # silent that day (i % 13 == 5: never reports)
        if i % 17 == 3 and d >= 28:
            continue  # silent the last three days
        date = "2022-08-%02d" % d
        sub = {2: "18:00:00", 3: "18:00:01", 4: "21:30:00", 5: ""}.get(m, "09:%02d:00" % m)
        submitted = "%sT%s+08:00" % (date, sub) if sub else ""
        count = 0 if m % 3 == 0 else m
        rep.writerow([code, date, "daily", count, "", submitted])
        if m == 6:  # a second kind the same day, later and with a count
            rep.writerow([code, date, "fever", 2, "发热", "%sT20:00:00+08:00" % date])
d = W("duty.csv")
d.writerow(["date", "region", "person", "phone", "role"])
hq = [r for r in regions if r["level"] in ("city", "county", "township")]
for i, r in enumerate(hq):
    if i % 4 == 2:
        continue  # nobody on the 30th
    d.writerow(["2022-08-30", r["code"], "值班员%d" % i, "0354-%07d" % i, "leader"])
    if i % 3 == 0:
        d.writerow(["2022-08-30", r["code"], "副班%d" % i, "", "staff"])
    d.writerow(["2022-08-29", r["code"], "昨日%d" % i, "", "leader"])
W("bad-units.csv").writerows([
    ["code", "name", "region", "kind"],
    ["B1", "银行", "140702001", "bank"],
    ["B2", "某店", "999999", "pharmacy"],
])
W("bad-reports.csv").writerows([
    ["unit", "date", "kind", "count", "note", "submitted"],
    ["NOPE", "2022-08-30", "daily", "0", "", ""],
    ["U001", "2022/08/30", "daily", "0", "", ""],
    ["U001", "2022-08-30", "daily", "-2", "", ""],
    ["U001", "2022-08-30", "daily", "0", "", "2022-08-29T23:00:00+08:00"],
])
W("bad-duty.csv").writerows([
    ["date", "region", "person", "phone", "role"],
    ["2022-08-30", "140702001001G01", "某人", "", ""],
])
PY
for t in units reports duty; do
    fk import "$t" "$t.csv" 2>"import-$t.log"
    expect_rc 0 "import $t"
    fk import "$t" "bad-$t.csv" 2>/dev/null
    expect_rc 3 "import bad-$t (all rejected)"
done
contains bad-units.csv.rejects.csv "kind 'bank' is not township, hospital, clinic, pharmacy, school, enterprise or other"
contains bad-units.csv.rejects.csv "unknown region 999999 (import regions first)"
contains bad-reports.csv.rejects.csv "unknown unit NOPE (import units first)"
contains bad-reports.csv.rejects.csv "date '2022/08/30' is not a date like 2022-08-28"
contains bad-reports.csv.rejects.csv "count '-2' is not a whole number, 0 or more"
contains bad-reports.csv.rejects.csv "submitted 2022-08-29T23:00:00+08:00 is before the report's date 2022-08-30"
contains bad-duty.csv.rejects.csv "region 140702001001G01 is a grid: duty is kept by a city, county or township headquarters"
fk import reports reports.csv 2>again.log
expect_rc 0 "import reports again"
contains again.log "0 accepted"

# The independent answer: status per region of a level and kind, the silent units, the duty.
"$PY" - "$DATA/regions.csv" "$DAY" <<'PY'
import csv, sys, datetime
regions = {r["code"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
day = sys.argv[2]
units = list(csv.DictReader(open("units.csv", encoding="utf-8")))
reports = list(csv.DictReader(open("reports.csv", encoding="utf-8")))
order = ["township", "hospital", "clinic", "pharmacy", "school", "enterprise", "other"]
depth = {"province": 1, "city": 2, "county": 3, "township": 4, "community": 5, "grid": 6}
def anc(code, level):
    c = code
    while c:
        if regions[c]["level"] == level:
            return c
        c = regions[c]["parent"]
    return None
by_unit_day = {}
for r in reports:
    by_unit_day.setdefault((r["unit"], r["date"]), []).append(r)
def late(rows):
    subs = [r["submitted"] for r in rows]
    if any(s == "" for s in subs):
        return False
    first = min(datetime.datetime.fromisoformat(s) for s in subs)
    return first > datetime.datetime.fromisoformat(rows[0]["date"] + "T18:00:00+08:00")
for level in ("county", "township"):
    cells = {}
    for u in units:
        g = anc(u["region"], level) or u["region"]
        c = cells.setdefault((g, u["kind"]), [0, 0, 0, 0])
        c[0] += 1
        rows = by_unit_day.get((u["code"], day))
        if rows:
            c[1] += 1
            c[2] += all(int(r["count"]) == 0 for r in rows)
            c[3] += late(rows)
    with open("want-status-%s.csv" % level, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "name", "kind", "units", "reported", "zero", "late", "missing"])
        for (g, k), c in sorted(cells.items(), key=lambda x: (x[0][0], order.index(x[0][1]))):
            w.writerow([g, regions[g]["name"], k, c[0], c[1], c[2], c[3], c[0] - c[1]])
start = min(r["date"] for r in reports)
D = datetime.date.fromisoformat(day)
silent = []
for u in units:
    if (u["code"], day) in by_unit_day:
        continue
    n, d = 0, D
    while d >= datetime.date.fromisoformat(start) and (u["code"], d.isoformat()) not in by_unit_day:
        n += 1
        d -= datetime.timedelta(days=1)
    silent.append((-n, u["region"], u["code"], u))
with open("want-missing.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["unit", "name", "kind", "region", "region_name", "contact", "days_silent"])
    for n, reg, code, u in sorted(silent):
        w.writerow([code, u["name"], u["kind"], reg, regions[reg]["name"], u["contact"], -n])
duty = [r for r in csv.DictReader(open("duty.csv", encoding="utf-8")) if r["date"] == day]
hq = sorted((r for r in regions.values() if r["level"] in ("city", "county", "township")),
            key=lambda r: (depth[r["level"]], r["code"]))
with open("want-duty.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["region", "name", "level", "person", "phone", "role"])
    for staffed in (False, True):
        for r in hq:
            on = sorted((d for d in duty if d["region"] == r["code"]), key=lambda d: d["person"])
            if bool(on) != staffed:
                continue
            for d in on or [None]:
                w.writerow([r["code"], r["name"], r["level"]] +
                           ([d["person"], d["phone"], d["role"]] if d else ["", "", ""]))
PY

for level in county township; do
    fk reports status --date "$DAY" --by "$level" >"status-$level.csv"
    expect_rc 0 "reports status --by $level"
    cmp -s "status-$level.csv" "want-status-$level.csv" ||
        { diff "status-$level.csv" "want-status-$level.csv" | head >&2; fail "status by $level differs from the independent computation"; }
done
fk reports status --date "$DAY" --missing >missing.csv
expect_rc 0 "reports status --missing"
cmp -s missing.csv want-missing.csv ||
    { diff missing.csv want-missing.csv | head >&2; fail "--missing differs from the independent computation"; }
grep -q ',3$' missing.csv || fail "no unit silent for three days"
fk duty status --date "$DAY" >duty-status.csv
expect_rc 0 "duty status"
cmp -s duty-status.csv want-duty.csv ||
    { diff duty-status.csv want-duty.csv | head >&2; fail "duty status differs from the independent computation"; }
# The deadline's edges are in the data: one day at exactly 18:00 and one a second later.
grep -q "T18:00:00+08:00" reports.csv && grep -q "T18:00:01+08:00" reports.csv ||
    fail "the fixture lost its deadline edges"
fk reports status --date 2022-13-01 2>bad-date.err
expect_rc 1 "reports status with a bad --date"
contains bad-date.err "--date takes a date like 2022-08-28"

# ---- the API, cut to the caller's scope ----
for u in chief:admin:140700 yuci:viewer:140702; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
api "$chief" GET "/api/v1/reports/status?date=$DAY&by=township&format=csv"
expect_status 200 "status as csv"
cmp -s "$WORK/body" status-township.csv || fail "the API's status differs from the CLI's"
fk reports status --date "$DAY" --by township --region 140702 >yuci-status.csv
api "$yuci" GET "/api/v1/reports/status?date=$DAY&by=township&format=csv"
expect_status 200 "status as the 榆次区 viewer"
cmp -s "$WORK/body" yuci-status.csv || fail "the viewer's status is not its county's"
grep -q '^140703' "$WORK/body" && fail "the 榆次区 viewer sees 太谷区"
api "$yuci" GET "/api/v1/reports/missing?date=$DAY&format=csv"
expect_status 200 "missing as the 榆次区 viewer"
cut -d, -f4 "$WORK/body" | tail -n +2 | grep -v '^140702' && fail "the viewer's silent units leave its county"
[ "$(wc -l <"$WORK/body")" -gt 1 ] || fail "the viewer's silent units are empty"
api "$yuci" GET "/api/v1/reports/missing?date=$DAY&region=140703"
expect_error forbidden 403 "another county's silent units"
api "$yuci" GET "/api/v1/reports/status?date=$DAY&region=140703"
expect_error forbidden 403 "another county's status"
api "$yuci" GET "/api/v1/duty?date=$DAY&region=140703"
expect_error forbidden 403 "another county's duty"
api "$yuci" GET "/api/v1/duty?date=$DAY&format=csv"
expect_status 200 "duty as the 榆次区 viewer"
grep -q '^140703\|^140700,' "$WORK/body" && fail "the 榆次区 viewer sees another headquarters' duty"
grep -q '^140702,' "$WORK/body" || fail "the 榆次区 viewer misses its own headquarters"
api "$chief" GET "/api/v1/duty?date=$DAY&format=csv"
cmp -s "$WORK/body" duty-status.csv || fail "the API's duty differs from the CLI's"
api "$chief" GET "/api/v1/reports/missing?date=$DAY&kind=pharmacy"
expect_status 200 "missing of one kind"
[ "$(jq_py 'sorted(set(r["kind"] for r in j["rows"]))')" = '["pharmacy"]' ] || fail "kind=pharmacy: $(head -c 300 "$WORK/body")"
api "$chief" GET "/api/v1/reports/missing?date=$DAY&format=xlsx"
expect_status 200 "missing as xlsx"
grep -q PK <(head -c 2 "$WORK/body") || fail "the xlsx download is not a workbook"
api "$chief" GET "/api/v1/reports/status?date=30-08-2022"
expect_error bad_request 400 "a bad date"
api "$chief" GET "/api/v1/reports/missing?kind=bank"
expect_error bad_request 400 "a bad kind"
api "" GET "/api/v1/reports/status"
expect_status 401 "status without a session"
# An import through the API is answered from a rebuilt index.
api "$chief" POST /api/v1/rows/reports -H 'Content-Type: application/json' \
    --data-binary "[{\"unit\":\"$(sed -n 2p want-missing.csv | cut -d, -f1)\",\"date\":\"$DAY\",\"kind\":\"daily\",\"count\":\"0\"}]"
expect_status 200 "POST /api/v1/rows/reports"
api "$chief" GET "/api/v1/reports/missing?date=$DAY&format=csv"
[ "$(wc -l <"$WORK/body")" -eq $(($(wc -l <want-missing.csv) - 1)) ] || fail "a report posted still shows its unit silent"
