#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# As of (历史回看) on city-3 and the control fixture: the clock-dependent verbs with --now at three
# times answer what an independent count over the CSV files says (samples sampled by then, results
# and cases known by then, orders started by then, alerts and arrivals by then); FANGKONG_NOW is
# --now; the API with ?now= equals the CLI with --now, and FANGKONG_NOW on serve sets its default.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
FK_KEEP_GOING=1
PY=$(python3 -c 'import sys; print(sys.executable)')
web_city
T1=2022-08-25T12:00:00+08:00 # before the round: one case known, no sample
T2=2022-08-28T21:00:00+08:00 # inside the round: part sampled, no result, two alerts
T3=2022-08-29T09:00:00+08:00 # after it: every result known

# expect T: prints the independent counts at T as name=value lines, from the CSV files alone.
expect() {
    "$PY" - "$WEB_DATA" "$WEB_CONTROL" "$1" <<'PY'
import csv, sys
from collections import defaultdict
from datetime import datetime
data, ctl, t = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
rows = lambda p: list(csv.DictReader(open(p, encoding="utf-8")))
at = datetime.fromisoformat
name, region, start, end = open(data + "/round.txt").read().strip().split(",")
start, end = at(start), min(at(end), t)
people = {p["id_number"] for p in rows(data + "/persons.csv")}
samples = rows(data + "/samples.csv")
sampled = {s["id_number"] for s in samples
           if s["id_number"] in people and start <= at(s["time"]) <= end}
tubes = defaultdict(list)
for s in samples:
    tubes[s["tube"]].append(s)
res = {r["tube"]: r for r in rows(data + "/results.csv")}
retest = 0
for tube, m in tubes.items():
    r = res.get(tube)
    if (r and r["result"] == "positive" and at(r["time"]) <= t and len(m) >= 2 and
            any(s["id_number"] in people and start <= at(s["time"]) <= end for s in m)):
        retest += sum(s["id_number"] in people for s in m)
print("sampled=%d" % len(sampled))
print("retest=%d" % retest)
print("tubes=%d" % sum(any(s["id_number"] in people and start <= at(s["time"]) <= end for s in m)
                      for m in tubes.values()))
print("cases='%s'" % " ".join(c["id_number"] for c in rows(data + "/cases.csv")
                               if at(c["confirmed"]) <= t))
# 四个查清 is kept per local day: an order started on T's day is there.
print("orders=%d" % sum(at(c["start"]).date() <= t.date() for c in rows(ctl + "/controls.csv")))
print("arrivals=%d" % sum(at(a["arrived"]) <= t for a in rows(ctl + "/arrivals.csv")))
PY
}
# rows FILE: data rows of a CSV file.
nrows() { echo $(($(wc -l <"$1") - 1)); }

for T in $T1 $T2 $T3; do
    expect "$T" >exp.txt
    # shellcheck disable=SC1091
    . ./exp.txt
    fk coverage "$WEB_ROUND" --by city --now "$T" >cov.csv 2>/dev/null
    expect_rc 0 "coverage --now $T"
    [ "$(tail -n 1 cov.csv | cut -d, -f4)" = "$sampled" ] || fail "coverage as of $T: $(tail -n 1 cov.csv), expected $sampled sampled"
    missing=$(($(tail -n 1 cov.csv | cut -d, -f3) - sampled))
    fk missing "$WEB_ROUND" --region 140700 --now "$T" >miss.csv 2>/dev/null
    [ "$(nrows miss.csv)" = "$missing" ] || fail "missing as of $T: $(nrows miss.csv), expected $missing"
    fk retest "$WEB_ROUND" --now "$T" >retest.csv 2>/dev/null
    [ "$(nrows retest.csv)" = "$retest" ] || fail "retest as of $T: $(nrows retest.csv), expected $retest"
    fk tat "$WEB_ROUND" --now "$T" >tat.csv 2>/dev/null
    got=$(awk -F, '$1 == "(total)" { print $2 }' tat.csv)
    [ "${got:-0}" = "$tubes" ] || fail "tat as of $T: $(tail -n 1 tat.csv), expected $tubes tubes"
    # A trace as of T is the trace of the cases confirmed by T.
    fk trace --depth 2 --now "$T" >trace.csv 2>/dev/null
    args=()
    for c in $cases; do args+=(--case "$c"); done
    fk trace --depth 2 "${args[@]}" >want.csv 2>/dev/null
    same_rows trace.csv want.csv "trace as of $T is not the trace of the cases confirmed by then"
    [ "$(nrows trace.csv)" -gt 0 ] || fail "trace as of $T is empty"
    fk control list --status all --now "$T" >ctl.csv 2>/dev/null
    [ "$(nrows ctl.csv)" = "$orders" ] || fail "control list as of $T: $(nrows ctl.csv), expected $orders"
    fk arrivals list --now "$T" >arr.csv 2>/dev/null
    [ "$(nrows arr.csv)" = "$arrivals" ] || fail "arrivals as of $T: $(nrows arr.csv), expected $arrivals"
    # FANGKONG_NOW is --now.
    FANGKONG_NOW=$T fk coverage "$WEB_ROUND" --by city >env.csv 2>/dev/null
    same_rows cov.csv env.csv "FANGKONG_NOW=$T is not --now $T"
done

# Alerts as of T are those about events by T; one handled after T was open then.
fk alerts --profile "$WEB_PROFILE" >all.csv 2>/dev/null
fk alerts --profile "$WEB_PROFILE" --now "$T2" >t2.csv 2>/dev/null
"$PY" - all.csv t2.csv "$T2" <<'PY' || fail "alerts as of $T2 are not those about events by then"
import csv, sys
from datetime import datetime
at = datetime.fromisoformat
want = [r["id"] for r in csv.DictReader(open(sys.argv[1])) if at(r["time"]) <= at(sys.argv[3])]
got = [r["id"] for r in csv.DictReader(open(sys.argv[2]))]
assert want == got and len(got) == 2, (want, got)
PY
first=$(sed -n 2p t2.csv | cut -d, -f1)
fk alerts ack "$first" --note "checked by phone" 2>/dev/null
expect_rc 0 "alerts ack"
fk alerts --open --now "$T2" >t2open.csv 2>/dev/null
[ "$(nrows t2open.csv)" = 2 ] || fail "an alert acknowledged now was not open as of $T2"
fk alerts --open >open.csv 2>/dev/null
grep -q "^$first," open.csv && fail "the acknowledged alert is still open now"
fk tat "$WEB_ROUND" --now yesterday 2>err.txt
expect_rc 1 "--now yesterday"
contains err.txt "--now 'yesterday' is not an ISO 8601 time"
FANGKONG_NOW=soon fk coverage "$WEB_ROUND" 2>err.txt
expect_rc 1 "FANGKONG_NOW=soon"
contains err.txt "FANGKONG_NOW 'soon' is not an ISO 8601 time"

# The API: FANGKONG_NOW on serve is the default clock, ?now= asks for another.
FANGKONG_NOW=$T2 web_serve
TOKEN=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
# get PATH CSV: the answer of GET PATH (as CSV) equals the CLI's CSV.
same_as_cli() {
    api "$TOKEN" GET "$1"
    expect_status 200 "GET $1"
    cp "$WORK/body" api.csv
    same_rows api.csv "$2" "GET $1 differs from the command line"
}
fk coverage "$WEB_ROUND" --by county --now "$T2" >cli.csv 2>/dev/null
same_as_cli "/api/v1/coverage?by=county&format=csv" cli.csv
for T in $T1 $T3; do
    q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$T")
    fk coverage "$WEB_ROUND" --by county --now "$T" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/coverage?by=county&format=csv&now=$q" cli.csv
    fk retest "$WEB_ROUND" --now "$T" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/retest?format=csv&now=$q" cli.csv
    fk tat "$WEB_ROUND" --by lab --now "$T" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/tat?by=lab&format=csv&now=$q" cli.csv
    fk control summary --by county --status all --now "$T" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/control/summary?by=county&status=all&format=csv&now=$q" cli.csv
    fk regime due --by county --now "$T" --profile "$WEB_PROFILE" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/regime/due?by=county&format=csv&now=$q" cli.csv
    fk arrivals list --now "$T" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/arrivals?format=csv&now=$q" cli.csv
    fk trace --depth 2 --now "$T" --as "${WEB_ADMIN%%:*}" >cli.csv 2>/dev/null
    same_as_cli "/api/v1/trace?depth=2&format=csv&now=$q" cli.csv
    # The dashboard's numbers as of T.
    expect "$T" >exp.txt
    . ./exp.txt
    api "$TOKEN" GET "/api/v1/dashboard?now=$q"
    expect_status 200 "dashboard as of $T"
    [ "$(jq_py 'j["coverage"][0]["sampled"]')" = "$sampled" ] || fail "dashboard sampled as of $T"
    [ "$(jq_py 'j["cases"]')" = "$(wc -w <<<"$cases")" ] || fail "dashboard cases as of $T"
    [ "$(jq_py '(j["tat"] or [{"tubes": 0}])[0]["tubes"]')" = "$tubes" ] || fail "dashboard tubes as of $T"
done
api "$TOKEN" GET "/api/v1/coverage?now=yesterday"
expect_error bad_request 400 "?now=yesterday"
