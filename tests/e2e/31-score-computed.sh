#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# County scores with the indicators fangkong computes (issue 17) on city-3: screen_coverage from
# the round over the county that started in the period (checked against the expected coverage
# file of city-3, written independently of fangkong), tat_p90 from the county's tubes (checked
# against `fangkong tat` of a round narrowed to the county), vax12_full with no doses (0 %); an
# actual written in the file for a computed indicator is ignored; a period without a round
# leaves the indicator out; the score is the arithmetic again in Python; --explain names the
# round and the tubes behind each computed actual; the API's detail says which are computed.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/*.csv .
for t in regions persons samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
done
IFS=, read -r name region start end <"$DATA/round.txt"
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"

cat >ind.csv <<'CSV'
code,name,category,weight,direction,veto
screen_coverage,核酸应检尽检率,专项工作,50,higher,0
tat_p90,检测报告时长P90,专项工作,30,lower,0
vax12_full,12岁以上全程接种率,专项工作,10,higher,0
party,党建考核,党建,10,higher,0
CSV
fk import indicators ind.csv 2>/dev/null
expect_rc 0 "import indicators"
{
    echo "indicator,region,period,target,actual,bonus"
    for c in 140702 140703 140729; do
        echo "screen_coverage,$c,2022-08,95,100,"
        echo "tat_p90,$c,2022-08,12,,"
        echo "vax12_full,$c,2022-08,90,,"
        echo "party,$c,2022-08,100,90,"
        echo "screen_coverage,$c,2022-07,95,,"
        echo "party,$c,2022-07,100,100,"
    done
} >sc.csv
fk import scores sc.csv 2>err.txt
expect_rc 0 "import scores"

fk score --period 2022-08 --detail >detail.csv 2>err.txt
expect_rc 0 "score --detail"
# the rounds narrowed to each county, for tat's own answer (made after scoring, so the score
# above saw the city's round only)
for c in 140702 140703 140729; do
    fk round create "R-$c" --region "$c" --start "$start" --end "$end" >/dev/null 2>&1
    fk tat "R-$c" >"tat-$c.csv" 2>/dev/null
    expect_rc 0 "tat R-$c"
done
"$PY" - "$DATA/expected/coverage-county.csv" detail.csv <<'PY' || fail "the computed actuals differ"
import csv, sys
cov = {r["region"]: 100 * int(r["sampled"]) / int(r["residents"])
       for r in csv.DictReader(open(sys.argv[1]))}
got = {(r["region"], r["indicator"]): r for r in csv.DictReader(open(sys.argv[2]))}
for c in ("140702", "140703", "140729"):
    a = float(got[(c, "screen_coverage")]["actual"])
    assert abs(a - round(cov[c], 2)) < 0.006, (c, a, cov[c])
    tat = list(csv.DictReader(open("tat-%s.csv" % c)))[-1]
    assert got[(c, "tat_p90")]["actual"] == "%.2f" % float(tat["p90_hours"]), (c, tat)
    assert got[(c, "vax12_full")]["actual"] == "0.00", got[(c, "vax12_full")]
    assert got[(c, "party")]["actual"] == "90"
PY

# the score: the same arithmetic over the actuals above (cap 1, weights, lower-is-better)
fk score --period 2022-08 >got.csv 2>/dev/null
"$PY" - detail.csv regions.csv <<'PY' >want.csv
import csv, sys
w = {"screen_coverage": 50, "tat_p90": 30, "vax12_full": 10, "party": 10}
names = {r["code"]: r["name"] for r in csv.DictReader(open(sys.argv[2]))}
by = {}
for r in csv.DictReader(open(sys.argv[1])):
    t, a = float(r["target"]), float(r["actual"])
    x = (1.0 if a <= 0 else t / a) if r["indicator"] == "tat_p90" else a / t
    by.setdefault(r["region"], []).append((w[r["indicator"]], max(0.0, min(x, 1.0))))
out = sorted((-round(100 * sum(a * b for a, b in v) / sum(a for a, _ in v) * 100), c)
             for c, v in by.items())
print("rank,region,name,score,grade,veto")
for n, (m, c) in enumerate(out, 1):
    cents = -m
    grade = next((g for t, g in ((90, "excellent"), (80, "good"), (60, "fair")) if cents >= t * 100), "poor")
    print(f"{n},{c},{names[c]},{cents // 100}.{cents % 100:02d},{grade},")
PY
diff want.csv got.csv || fail "the score with computed actuals differs from the computation here"

# the meeting's table: indicators across as points (100 w r / sum w), bonus, score, grade, rank
fk score --period 2022-08 --table >table.csv 2>/dev/null
expect_rc 0 "score --table"
"$PY" - detail.csv got.csv table.csv <<'PY' || fail "the meeting's table differs from the detail and the ranking"
import csv, sys
w = {"screen_coverage": 50, "tat_p90": 30, "vax12_full": 10, "party": 10}
names = {"screen_coverage": "核酸应检尽检率", "tat_p90": "检测报告时长P90",
         "vax12_full": "12岁以上全程接种率", "party": "党建考核"}
detail = list(csv.DictReader(open(sys.argv[1])))
rank = list(csv.DictReader(open(sys.argv[2])))
table = list(csv.DictReader(open(sys.argv[3])))
assert [r["region"] for r in table] == [r["region"] for r in rank], (table, rank)
head = open(sys.argv[3]).readline().strip().split(",")
assert head[:3] == ["rank", "region", "name"] and head[-4:] == ["bonus", "score", "grade", "veto"], head
for t, k in zip(table, rank):
    assert (t["rank"], t["score"], t["grade"], t["veto"]) == (k["rank"], k["score"], k["grade"], k["veto"]), (t, k)
    for d in (d for d in detail if d["region"] == t["region"]):
        want = 100 * w[d["indicator"]] * float(d["r"]) / sum(w.values())
        assert abs(float(t[names[d["indicator"]]]) - want) < 0.006, (d, t)
PY

# July has no round: screen_coverage is left out, party alone scores
fk score --period 2022-07 --detail >july.csv 2>/dev/null
[ "$(grep -c screen_coverage july.csv)" = 0 ] || fail "a period without a round scored screen_coverage"
[ "$(($(wc -l <july.csv) - 1))" = 3 ] || fail "july: $(cat july.csv)"

# --explain: the region's ranking row and items, then the round and the tubes behind the computed ones
fk score --period 2022-08 --explain 140702 >explain.txt 2>err.txt
expect_rc 0 "score --explain"
contains explain.txt "# items"
contains explain.txt "# score"
grep -qxF "$(grep ',140702,' got.csv)" explain.txt || fail "--explain: the ranking row of 140702 as the ranking has it"
contains explain.txt "# screen_coverage"
contains explain.txt "$name,"
contains explain.txt "# tat_p90"
contains explain.txt "# vax12_full"
fk score --period 2022-08 --explain 140799 >/dev/null 2>err.txt
expect_rc 1 "score --explain of a region without scores"
contains err.txt "no scores of 140799 in period 2022-08"
fk score --detail --explain 140702 >/dev/null 2>err.txt
expect_rc 1 "--detail with --explain"

# ---- report_complete, problems_on_time and lock24 (2022-Q3, 140702 and 140703) ----
for t in cases scans pings venues; do
    fk import "$t" "$t.csv" 2>/dev/null
done
for t in units reports; do
    fk import "$t" "$FK_SRC/tests/data/reports/$t.csv" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
    expect_rc 0 "import $t"
done
cat >problems.csv <<'CSV'
id,found,region,description,unit,deadline,status,closed,inspection,note
P1,2022-08-01T10:00:00+08:00,140702,一米线,,2022-08-10T18:00:00+08:00,closed,2022-08-10T18:00:00+08:00,,已整改
P2,2022-08-01T10:00:00+08:00,140702,台账,,2022-08-10T18:00:00+08:00,closed,2022-08-10T18:00:01+08:00,,已整改
P3,2022-08-01T10:00:00+08:00,140702001,消杀,,2022-08-20T18:00:00+08:00,rectifying,,,
P4,2022-08-01T10:00:00+08:00,140703,扫码,,2022-10-20T18:00:00+08:00,open,,,
CSV
fk import problems problems.csv 2>/dev/null
expect_rc 0 "import problems"
cat >ind3.csv <<'CSV'
code,name,category,weight,direction,veto
report_complete,零报告按时率,专项工作,40,higher,0
problems_on_time,问题按期整改率,专项工作,30,higher,0
lock24,密接24小时管控率,专项工作,30,higher,0
CSV
fk import indicators ind3.csv 2>/dev/null
{
    echo "indicator,region,period,target,actual,bonus"
    for c in 140702 140703; do
        for i in report_complete problems_on_time lock24; do echo "$i,$c,2022-Q3,100,,"; done
    done
} >sc3.csv
fk import scores sc3.csv 2>/dev/null
expect_rc 0 "import the Q3 scores"
fk score --period 2022-Q3 --detail >q3.csv 2>err.txt
expect_rc 0 "score --detail of 2022-Q3"
fk score --period 2022-Q3 --explain 140702 --format json >q3-explain.json 2>err.txt
expect_rc 0 "score --explain 140702 of 2022-Q3"
"$PY" - "$FK_SRC/tests/data/reports" q3.csv q3-explain.json <<'PY' || fail "the Q3 computed actuals differ"
import csv, json, sys
from datetime import date, datetime, timedelta, timezone
cst = timezone(timedelta(hours=8))
got = {(r["region"], r["indicator"]): r["actual"] for r in csv.DictReader(open(sys.argv[2]))}
# report_complete written again: every unit of the county, every day from the first day any unit
# reported to the window's last (2022-09-30, its 18:00 long past), on time when the day's first
# report was submitted by 18:00 (no submitted time counts as on time)
units = list(csv.DictReader(open(sys.argv[1] + "/units.csv")))
reps = list(csv.DictReader(open(sys.argv[1] + "/reports.csv")))
first = min(date.fromisoformat(r["date"]) for r in reps)
def ontime(u, d):
    sub = [r["submitted"] for r in reps if r["unit"] == u and r["date"] == d.isoformat()]
    if not sub:
        return False
    if any(s == "" for s in sub):
        return True
    deadline = datetime(d.year, d.month, d.day, 18, 0, tzinfo=cst)
    return min(datetime.fromisoformat(s) for s in sub) <= deadline
for c in ("140702", "140703"):
    mine = [u["code"] for u in units if u["region"].startswith(c)]
    days = [first + timedelta(days=k) for k in range((date(2022, 9, 30) - first).days + 1)]
    num = sum(ontime(u, d) for u in mine for d in days)
    den = len(mine) * len(days)
    want = "%.2f" % (100 * num / den) if den else None
    assert got.get((c, "report_complete")) == want, (c, got.get((c, "report_complete")), want)
# problems_on_time: P1 at its deadline's second (on time), P2 one second late, P3 still open past
# its deadline: 1 of 3 in 140702; P4's deadline is after the window: 140703 has none (left out)
assert got[("140702", "problems_on_time")] == "33.33", got
assert ("140703", "problems_on_time") not in got, got
# lock24: the share of the rows behind it that counted
x = json.load(open(sys.argv[3]))
rows = x["lock24"]
assert rows, x.keys()
want = "%.2f" % (100 * sum(1 for r in rows if str(r["ok"]) == "1") / len(rows))
assert got[("140702", "lock24")] == want, (got[("140702", "lock24")], want)
assert x["problems_on_time"] and x["report_complete"], x.keys()
PY

# the API: the detail says which actuals are computed
echo "pw-hq-2022" | "$FANGKONG" user add hq --role admin --scope 140700 >/dev/null 2>&1 || fail "user add"
start_server
hq=$(login hq pw-hq-2022)
api "$hq" GET "/api/v1/score?period=2022-08&detail=1"
expect_status 200 "GET score detail"
[ "$(jq_py 'sorted({r["indicator"] for r in j["rows"] if r["computed"] == 1})')" = '["screen_coverage", "tat_p90", "vax12_full"]' ] ||
    fail "computed flags: $(head -c 400 "$WORK/body")"
# report_complete and lock24 over the indexes the server keeps, problems_on_time from the store:
# the actuals the command line computed (checked against Python above)
api "$hq" GET "/api/v1/score?period=2022-Q3&detail=1"
expect_status 200 "GET score detail of 2022-Q3"
"$PY" - "$WORK/body" q3.csv <<'PY' || fail "the API's Q3 actuals differ from the command line's"
import csv, json, sys
api = {(r["region"], r["indicator"]): float(r["actual"]) for r in json.load(open(sys.argv[1]))["rows"]}
cli = {(r["region"], r["indicator"]): float(r["actual"]) for r in csv.DictReader(open(sys.argv[2]))}
assert api == cli and {i for _, i in cli} == {"report_complete", "problems_on_time", "lock24"}, (api, cli)
PY
# the meeting's table as a county sees it (its own row, its rank among all) and as a spreadsheet
echo "pw-yuci-2022" | "$FANGKONG" user add yuci --role county --scope 140702 >/dev/null 2>&1 || fail "user add yuci"
yuci=$(login yuci pw-yuci-2022)
api "$yuci" GET "/api/v1/score?period=2022-08&table=1"
expect_status 200 "GET the meeting's table as 榆次区"
[ "$(jq_py '[(r["region"], str(r["rank"])) for r in j["rows"]]')" = "[[\"140702\", \"$(grep ',140702,' got.csv | cut -d, -f1)\"]]" ] ||
    fail "榆次区's table: $(cat "$WORK/body")"
api "$hq" GET "/api/v1/score?period=2022-08&table=1&format=xlsx"
expect_status 200 "the meeting's table as XLSX"
"$PY" - "$WORK/body" <<'PY' || fail "the XLSX is not the meeting's table"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
text = z.read("xl/sharedStrings.xml").decode("utf-8")
for s in ("核酸应检尽检率", "检测报告时长P90", "140702", "140729", "grade"):
    assert s in text, s
PY
# the rows behind the numbers over HTTP, in scope
api "$yuci" GET "/api/v1/score/explain?region=140702&period=2022-08"
expect_status 200 "explain 140702 as 榆次区"
[ "$(jq_py '[j["score"]["region"], j["score"]["period"], sorted(k for k in j if k not in ("score", "items"))]')" = '["140702", "2022-08", ["screen_coverage", "tat_p90", "vax12_full"]]' ] ||
    fail "explain: $(head -c 400 "$WORK/body")"
[ "$(jq_py 'j["screen_coverage"][0]["round"]')" = "$name" ] || fail "explain names the round"
[ "$(jq_py 'j["score"]["rank"]')" = "$(grep ',140702,' got.csv | cut -d, -f1)" ] || fail "explain: the rank among all"
api "$yuci" GET "/api/v1/score/explain?region=140703&period=2022-08"
expect_error forbidden 403 "explain another county"
api "$hq" GET "/api/v1/score/explain?region=140702001&period=2022-08"
expect_error not_found 404 "explain a region without scores"
api "$hq" GET "/api/v1/score/explain?period=2022-08"
expect_error bad_request 400 "explain without a region"
