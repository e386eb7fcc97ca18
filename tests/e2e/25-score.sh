#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# County scores (目标责任考核, issue 17) end to end on city-3's three counties: indicators and
# scores imported with their rejects (a weight of 0, an unknown category, a veto indicator
# without a target, an unknown indicator or region, a missing actual), then `fangkong score` and
# `--detail` compared with the same arithmetic written again in Python over the CSV files: the
# weighted ratios with the cap, lower-is-better with an actual of 0, the bonus cap, a veto
# forcing the lowest grade and the last rank, ties ranked by code, and the profile's thresholds.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"

cat >ind.csv <<'CSV'
code,name,category,weight,direction,veto
cov,核酸应检尽检率,专项工作,30,higher,0
tat,检测报告时长,专项工作,20,lower,0
safety,安全生产,高质量发展,10,higher,1
party,党建考核,党建,40,,
zero,零权重,党建,0,higher,0
odd,错类别,其他,1,higher,0
dir,错方向,党建,1,sideways,0
CSV
fk import indicators ind.csv 2>err.txt
expect_rc 3 "import indicators with rejects"
contains ind.csv.rejects.csv "weight 0 is not above 0"
contains ind.csv.rejects.csv "category '其他' is not 党建"
contains ind.csv.rejects.csv "direction 'sideways' is not higher or lower"
[ "$(($(wc -l <ind.csv.rejects.csv) - 1))" -eq 3 ] || fail "three indicator rows rejected"

# 140702: every target met, bonus 8 (capped at 5); 140703: tat at 0 hours (the cap) and the
# veto item below target; 140729: half of cov, tat twice the target.
cat >sc.csv <<'CSV'
indicator,region,period,target,actual,bonus
cov,140702,2022,90,95,3
tat,140702,2022,24,20,5
safety,140702,2022,100,100,
party,140702,2022,100,100,
cov,140703,2022,90,90,
tat,140703,2022,24,0,
safety,140703,2022,100,99.5,
party,140703,2022,100,100,
cov,140729,2022,90,45,1
tat,140729,2022,24,48,
safety,140729,2022,100,100,
party,140729,2022,100,80,
cov,140702,2021,90,45,
party,140702,2021,100,100,
safety,140703,2022x,0,1,
nope,140702,2022,1,1,
cov,999999,2022,1,1,
party,140729,2023,100,,
CSV
fk import scores sc.csv 2>err.txt
expect_rc 3 "import scores with rejects"
contains sc.csv.rejects.csv "indicator safety is a veto (一票否决) one: its target must be above 0"
contains sc.csv.rejects.csv "unknown indicator nope (import indicators first)"
contains sc.csv.rejects.csv "unknown region 999999 (import regions first)"
contains sc.csv.rejects.csv "actual is empty: only an indicator fangkong computes"
[ "$(($(wc -l <sc.csv.rejects.csv) - 1))" -eq 4 ] || fail "four score rows rejected"

# The same arithmetic, written again: the rows the import kept, the profile's defaults.
cat >score.py <<'PY'
import csv, sys
ind = {r["code"]: r for r in csv.DictReader(open("ind.csv", encoding="utf-8"))}
keep = {k: v for k, v in ind.items() if k not in ("zero", "odd", "dir")}
rows = [r for r in csv.DictReader(open("sc.csv", encoding="utf-8"))
        if r["indicator"] in keep and r["region"] != "999999" and r["actual"] != ""
        and not (r["indicator"] == "safety" and float(r["target"]) <= 0)]
period, cap, bcap = sys.argv[1], float(sys.argv[2]), 5.0
grades = [(90, "excellent"), (80, "good"), (60, "fair")]
names = {r["code"]: r["name"] for r in csv.DictReader(open(sys.argv[3], encoding="utf-8"))}
def ratio(i, t, a):
    if (keep[i]["direction"] or "higher") == "lower":
        r = cap if a <= 0 else t / a
    else:
        r = cap if t <= 0 else a / t
    return max(0.0, min(r, cap))
by = {}
for r in rows:
    if r["period"] == period:
        by.setdefault(r["region"], []).append(r)
out = []
for reg, items in by.items():
    sw = swr = bonus = 0.0
    veto = ""
    for r in sorted(items, key=lambda r: r["indicator"]):
        w = float(keep[r["indicator"]]["weight"] or 1)
        x = ratio(r["indicator"], float(r["target"]), float(r["actual"]))
        sw += w; swr += w * x; bonus += float(r["bonus"] or 0)
        if keep[r["indicator"]]["veto"] == "1" and x < 1 and not veto:
            veto = r["indicator"]
    cents = round((100 * swr / sw + min(bonus, bcap)) * 100)
    grade = "poor" if veto else next((g for m, g in grades if cents >= m * 100), "poor")
    out.append((1 if veto else 0, -cents, reg, cents, grade, veto))
out.sort()
print("rank,region,name,score,grade,veto")
for n, (v, _, reg, cents, grade, veto) in enumerate(out, 1):
    print(f"{n},{reg},{names[reg]},{cents // 100}.{cents % 100:02d},{grade},{veto}")
PY
python3 score.py 2022 1.0 "$DATA/regions.csv" >want.csv
fk score >got.csv 2>err.txt
expect_rc 0 "score"
diff want.csv got.csv || fail "score differs from the independent computation"
# the latest period is 2022x (text order) only for safety of 140703, whose row was rejected:
# the default period is the latest kept, 2022
contains got.csv "1,140702,"
contains got.csv ",140703,太谷区,"
grep -q ",poor,safety$" got.csv || fail "the veto on 140703 forces poor and names safety"
[ "$(tail -n 1 got.csv | cut -d, -f2)" = 140703 ] || fail "the vetoed county ranks last"

# another period, and the profile's cap: above-target work counts up to 120 %
python3 score.py 2021 1.0 "$DATA/regions.csv" >want21.csv
fk score --period 2021 >got21.csv 2>/dev/null
diff want21.csv got21.csv || fail "score of 2021 differs"
printf '[score]\ncap_pct = 120\n' >cap.ini
python3 score.py 2022 1.2 "$DATA/regions.csv" >want12.csv
fk score --profile cap.ini >got12.csv 2>/dev/null
diff want12.csv got12.csv || fail "score under cap_pct 120 differs"

# the detail: one row per region and indicator, r to 4 decimals
fk score --detail >detail.csv 2>/dev/null
expect_rc 0 "score --detail"
contains detail.csv "region,indicator,target,actual,r"
contains detail.csv "140703,tat,24,0,1.0000"
contains detail.csv "140729,tat,24,48,0.5000"
contains detail.csv "140703,safety,100,99.5,0.9950"
[ "$(($(wc -l <detail.csv) - 1))" -eq 12 ] || fail "detail has 12 rows"

# a re-import adds nothing, a period with no rows is an empty ranking, a bad level is refused
fk import scores sc.csv 2>err.txt
contains err.txt "0 accepted (0 updated), 14 duplicate, 4 rejected"
fk score --period 1999 >none.csv 2>/dev/null
expect_rc 0 "score of an empty period"
[ "$(wc -l <none.csv)" -eq 1 ] || fail "an empty period has only the header"
fk score --by planet 2>err.txt >/dev/null
expect_rc 1 "score --by planet"

# ---- the API: the same ranking for the headquarters, a county's own row for its account ----
for u in "hq admin 140700" "yuci county 140702"; do
    set -- $u
    echo "pw-$1-2022" | "$FANGKONG" user add "$1" --role "$2" --scope "$3" \
        >/dev/null 2>&1 || fail "user add $1"
done
start_server
hq=$(login hq pw-hq-2022)
yuci=$(login yuci pw-yuci-2022)
api "$hq" GET "/api/v1/score"
expect_status 200 "GET score as the headquarters"
"$PY" -c '
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
for r in rows:
    assert r["period"] == "2022", r
print("rank,region,name,score,grade,veto")
for r in rows:
    print("%d,%s,%s,%.2f,%s,%s" % (r["rank"], r["region"], r["name"], r["score"], r["grade"], r["veto"] or ""))
' "$WORK/body" >api.csv || fail "the score answer is not the rows expected"
diff want.csv api.csv || fail "the API's ranking differs from the CLI's"
api "$yuci" GET "/api/v1/score"
expect_status 200 "GET score as 榆次区"
[ "$(jq_py 'len(j["rows"])')" = 1 ] || fail "榆次区 sees one row"
[ "$(jq_py 'j["rows"][0]["region"]')" = 140702 ] || fail "榆次区 sees its own row"
api "$yuci" GET "/api/v1/score?detail=1"
[ "$(jq_py '",".join(sorted({r["region"] for r in j["rows"]}))')" = 140702 ] ||
    fail "榆次区's detail holds only its own indicators"
api "$hq" GET "/api/v1/score?by=planet"
expect_status 400 "GET score by an unknown level"
api "$hq" GET "/api/v1/score?period=2021"
[ "$(jq_py 'j["rows"][0]["score"]')" = "$(sed -n 2p want21.csv | cut -d, -f4)" ] ||
    fail "the API's 2021 score"
api "" GET "/api/v1/score"
expect_status 401 "GET score without a session"
echo "ok: scores"
