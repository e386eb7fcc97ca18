#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Export (fangkong export TYPE, GET /api/v1/export/TYPE): every exportable type of the worked
# example city-3 (plus a few controls, arrivals and risk areas) is exported and imported back, and
# the re-import adds nothing (the round trip); a county account exports exactly the rows whose
# grid code lies under its county (computed here from the codes, not by fangkong), through the
# command line with --as and through the API, as CSV and XLSX; the headquarters-only types are
# refused to it; an unknown type or one with no export answers with the list of types; exports
# are audited with their row counts.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

for t in regions persons venues cases; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done
# Two residents of 榆次区 (140702) and one of 太谷区 (140703), from the registry.
y1=$(awk -F, '$4 ~ /^140702/ { print $1; exit }' "$DATA/persons.csv")
y2=$(awk -F, '$4 ~ /^140702/ { n++; if (n == 2) { print $1; exit } }' "$DATA/persons.csv")
t1=$(awk -F, '$4 ~ /^140703/ { print $1; exit }' "$DATA/persons.csv")
g1=$(awk -F, '$4 ~ /^140702/ { print $4; exit }' "$DATA/persons.csv")
cat >controls.csv <<EOF2
id_number,category,place,start,end,regime,site,device
$y1,close,centralized,2022-08-20T14:59:00+08:00,2022-08-28T02:59:00+08:00,,集中隔离点03,
$y2,secondary,home,2022-08-26T20:52:00+08:00,,,,D001
$t1,close,home,2022-08-26T08:00:00+08:00,,,,
EOF2
cat >arrivals.csv <<EOF2
id_number,arrived,origin,grid,transport
$y1,2022-08-23T04:44:00+08:00,110105,$g1,飞机
$t1,2022-08-24T06:29:00+08:00,310115,,火车
EOF2
cat >risk_areas.csv <<'EOF2'
area,level,start,end,name
110105,high,2022-08-25T00:00:00+08:00,,北京市朝阳区
310115,medium,2022-08-10T00:00:00+08:00,2022-08-21T00:00:00+08:00,上海市浦东新区
EOF2
cat >sentinels.csv <<EOF2
source,kind,time,grid,count,id_number
PH01,pharmacy,2022-08-27T10:15:00+08:00,$g1,,$y1
FC01,发热门诊,2022-08-27T09:00:00+08:00,$g1,4,
EOF2
cat >coldchain.csv <<EOF2
batch,event,time,site,product,origin,id_number,result
CC1,arrive,2022-08-20T08:00:00+08:00,PORT1,带鱼,厄瓜多尔,$t1,
CC1,store,2022-08-21T09:00:00+08:00,CS1,带鱼,,,
CC1,result,2022-08-22T09:00:00+08:00,CS1,,,,positive
EOF2
# A case of the fixture and two response events after its confirmation (issue 17).
c1=$(sed -n 2p "$DATA/cases.csv" | cut -d, -f1)
cat >incident_events.csv <<EOF2
case,event,time,note
$c1,onsite,2022-08-25T09:20:00+08:00,流调组到场
$c1,activated,2022-08-25T09:50:00+08:00,
EOF2
# A risk zone over two counties, with its level's Chinese name (issue 18).
cat >zones.csv <<'EOF2'
name,level,regions,declared,lifted,reason
Z1,封控区,140702;140703,2022-08-25,,
EOF2
# A closed-loop transfer of two persons, one handed over (issue 18).
cat >transfers.csv <<EOF2
task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned,picked_up,handed_over
TR1,$y1,airport,武宿机场,isolation_site,"榆次区隔离点, 3 号楼",晋K12345,张三 13900000000,2022-08-27T10:00:00+08:00,2022-08-27T09:00:00+08:00,2022-08-27T10:30:00+08:00
TR1,$t1,机场,武宿机场,居家,家,晋K12345,张三,2022-08-27T10:00:00+08:00,,
EOF2
# Check-ins of the persons under home or centralized control (issue 18).
cat >checkins.csv <<EOF2
id_number,time,temperature,symptoms
$y1,2022-08-21T08:00:00+08:00,36.5,
$y1,2022-08-21T15:00:00+08:00,37.30,cough;fatigue
$t1,2022-08-26T09:00:00+08:00,37,none
EOF2
# Two testing labs (issue 21).
cat >labs.csv <<EOF2
code,name,tubes_per_hour,region
LAB1,"晋中市疾控中心, 实验室",400,140702
LAB2,第三方检测,1200,140703
EOF2
# Gatherings and citizen requests (issue 21), with Chinese kinds and channels.
cat >gatherings.csv <<'EOF2'
code,organiser,region,date,expected,kind,online,contact,note
GA1,某公司,140702,2022-08-30,300,会议,是,"王五, 13800000000",年会
GA2,张家,140703,2022-08-31,80,wedding,,,
EOF2
cat >requests.csv <<'EOF2'
number,received,channel,phone,region,kind,text,unit,assigned,resolved,note
RQ1,2022-08-28T10:00:00+08:00,12345,+86 139-0000-0001,140702,就医,"发热, 需就医",榆次区医院,2022-08-28T10:20:00+08:00,2022-08-28T11:00:00+08:00,已送医
RQ2,2022-08-28T11:00:00+08:00,wechat,13900000002,140703,food,买菜,,,,
EOF2
cat >vaccinations.csv <<EOF2
id_number,dose,time,vaccine,site
$y1,1,2021-04-01T09:00:00+08:00,CoronaVac,榆次区疾控中心
$y1,2,2021-05-01T09:00:00+08:00,CoronaVac,
$t1,1,2021-06-01T10:30:00+08:00,,
EOF2
cat >indicators.csv <<'EOF2'
code,name,category,weight,direction,veto
cov,核酸应检尽检率,专项工作,30.50,higher,0
tat,检测报告时长,专项工作,20,lower,1
EOF2
cat >scores.csv <<'EOF2'
indicator,region,period,target,actual,bonus
cov,140702,2022,90,95.0,3
tat,140702,2022,24,20,
EOF2
cat >assignments.csv <<EOF2
cadre,phone,role,region,id_number
张伟,13800000001,leader,140702,
李娜,138-0000-0002,医生,140702001,$y2
EOF2
cat >units.csv <<'EOF2'
code,name,region,kind,contact
U1,榆次区医院,140702,医院,"王五, 13800000000"
U2,药店,140702001,pharmacy,
EOF2
cat >reports.csv <<'EOF2'
unit,date,kind,count,note,submitted
U1,2022-08-28,daily,3,三例,2022-08-28T18:00:00+08:00
U2,2022-08-28,daily,,,
EOF2
cat >duty.csv <<'EOF2'
date,region,person,phone,role
2022-08-28,140702,张三,0354-1234567,leader
EOF2
cat >inspections.csv <<'EOF2'
id,date,inspector,region
I1,2022-08-20T09:00:00+08:00,市督查组,140700
EOF2
cat >problems.csv <<'EOF2'
id,found,region,description,unit,deadline,status,closed,inspection,note
P1,2022-08-20T10:00:00+08:00,140702,核酸点未设一米线,榆次区卫健局,2022-08-25,closed,2022-08-24T09:00:00+08:00,I1,"已整改, 照片 3 张"
P2,2022-08-20T10:00:00+08:00,140703,隔离点台账不全,,,,,,
EOF2
for t in controls arrivals risk_areas sentinels coldchain vaccinations indicators scores assignments units reports duty inspections problems incident_events zones transfers checkins labs gatherings requests; do
    fk import "$t" "$t.csv" >/dev/null 2>"$t.import.err"
    expect_rc 0 "import $t"
done

# ---- the round trip: export every type, import it back: nothing is added or changed ----
for t in regions persons venues cases controls arrivals risk_areas sentinels coldchain vaccinations indicators scores assignments units reports duty inspections problems incident_events zones transfers checkins labs gatherings requests; do
    fk export "$t" --out "out-$t.csv" 2>"out-$t.err"
    expect_rc 0 "export $t"
    rows=$(($(wc -l <"out-$t.csv") - 1))
    [ "$rows" -eq "$(count "$t")" ] || fail "export $t wrote $rows rows, the store holds $(count "$t")"
    contains "out-$t.err" "$t: $rows exported to out-$t.csv"
    fk import "$t" "out-$t.csv" >/dev/null 2>"back-$t.err"
    expect_rc 0 "re-import of the $t export"
    contains "back-$t.err" "$rows read, 0 accepted (0 updated), $rows duplicate, 0 rejected"
done
grep -qx 'id_number,name,grid,phone,household,tags,id_type,address' <(head -n 1 out-persons.csv) ||
    fail "persons export header: $(head -n 1 out-persons.csv)"
contains out-controls.csv "$y2,secondary,home,2022-08-26T20:52:00+08:00,,,,D001"
contains out-checkins.csv "$y1,2022-08-21T15:00:00+08:00,37.3,cough;fatigue"
contains out-checkins.csv "$t1,2022-08-26T09:00:00+08:00,37.0,none"
contains out-vaccinations.csv "$y1,2,2021-05-01T09:00:00+08:00,CoronaVac,"
contains out-labs.csv 'LAB1,"晋中市疾控中心, 实验室",400,140702'
contains out-sentinels.csv "FC01,fever_clinic,2022-08-27T09:00:00+08:00,$g1,4,"
contains out-sentinels.csv "PH01,pharmacy,2022-08-27T10:15:00+08:00,$g1,1,$y1"
contains out-risk_areas.csv "310115,medium,2022-08-10T00:00:00+08:00,2022-08-21T00:00:00+08:00,上海市浦东新区"
contains out-indicators.csv "cov,核酸应检尽检率,专项工作,30.5,higher,0"
contains out-indicators.csv "tat,检测报告时长,专项工作,20,lower,1"
contains out-scores.csv "cov,140702,2022,90,95,3"
contains out-assignments.csv "张伟,13800000001,leader,140702,"
contains out-assignments.csv "李娜,138-0000-0002,doctor,140702001,$y2"
contains out-units.csv 'U1,榆次区医院,140702,hospital,"王五, 13800000000"'
contains out-reports.csv "U1,2022-08-28,daily,3,三例,2022-08-28T18:00:00+08:00"
contains out-reports.csv "U2,2022-08-28,daily,0,,"
contains out-duty.csv "2022-08-28,140702,张三,0354-1234567,leader"
contains out-problems.csv 'P1,2022-08-20T10:00:00+08:00,140702,核酸点未设一米线,榆次区卫健局,2022-08-25T23:59:59+08:00,closed,2022-08-24T09:00:00+08:00,I1,"已整改, 照片 3 张"'
contains out-problems.csv "P2,2022-08-20T10:00:00+08:00,140703,隔离点台账不全,,,open,,,"
contains out-incident_events.csv "$c1,onsite,2022-08-25T09:20:00+08:00,流调组到场"
contains out-zones.csv "Z1,lockdown,140702;140703,2022-08-25T00:00:00+08:00,,"
contains out-transfers.csv "TR1,$y1,airport,武宿机场,isolation_site,\"榆次区隔离点, 3 号楼\",晋K12345,张三 13900000000,2022-08-27T10:00:00+08:00,2022-08-27T09:00:00+08:00,2022-08-27T10:30:00+08:00"
contains out-transfers.csv "TR1,$t1,airport,武宿机场,home,家,晋K12345,张三,2022-08-27T10:00:00+08:00,,"
contains out-coldchain.csv "CC1,result,2022-08-22T09:00:00+08:00,CS1,,,,positive"
contains out-gatherings.csv 'GA1,某公司,140702,2022-08-30,300,meeting,yes,"王五, 13800000000",年会'
contains out-gatherings.csv "GA2,张家,140703,2022-08-31,80,wedding,no,,"
contains out-requests.csv "RQ1,2022-08-28T10:00:00+08:00,hotline,'+86 139-0000-0001,140702,medical,\"发热, 需就医\",榆次区医院,2022-08-28T10:20:00+08:00,2022-08-28T11:00:00+08:00,已送医"
contains out-requests.csv "RQ2,2022-08-28T11:00:00+08:00,wechat,13900000002,140703,food,买菜,,,,"
# An export never writes over a file.
fk export persons --out out-persons.csv 2>again.err
expect_rc 1 "export over an existing file"
contains again.err "out-persons.csv exists"
# Unknown types, and types with no export, name the ones there are.
fk export people 2>people.err
expect_rc 1 "export people"
contains people.err "unknown type 'people': one of regions, persons, venues, samples, cases, controls, arrivals, risk_areas, sentinels, coldchain, vaccinations, indicators, scores, assignments, units, reports, duty, inspections, problems, incident_events, zones, transfers, checkins, labs, gatherings or requests"
fk export scans 2>scans.err
expect_rc 1 "export scans"
contains scans.err "cannot export type 'scans'"

# ---- scope: a county account exports only its county ----
for who in hq:commander:140700 desk:county:140702 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022-export" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
# What the county may see, from the full exports by the codes: persons and venues by grid, the
# rest by the person's grid (and an arrival's own grid).
"$PY" - <<'PY'
import csv
grid = {r["id_number"]: r["grid"] for r in csv.DictReader(open("out-persons.csv", encoding="utf-8"))}
def keep(t, r):
    if t in ("persons", "venues"):
        return r["grid"].startswith("140702")
    ok = grid[r["id_number"]].startswith("140702")
    if t == "arrivals" and r["grid"]:
        ok = ok and r["grid"].startswith("140702")
    return ok
for t in ("persons", "venues", "cases", "controls", "arrivals"):
    rows = list(csv.reader(open("out-%s.csv" % t, encoding="utf-8")))
    head, dicts = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    with open("want-%s.csv" % t, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for r, d in zip(rows[1:], dicts):
            if keep(t, d):
                w.writerow(r)
PY
for t in persons venues cases controls arrivals; do
    fk export "$t" --as desk --out "desk-$t.csv" 2>/dev/null
    expect_rc 0 "export $t --as desk"
    same_rows "desk-$t.csv" "want-$t.csv" "the county's $t export is not its county's rows"
done
[ "$(wc -l <desk-persons.csv)" -gt 100 ] || fail "the county's persons export is nearly empty"
[ "$(wc -l <desk-persons.csv)" -lt "$(wc -l <out-persons.csv)" ] || fail "the county exported everyone"
fk export regions --as desk 2>desk-regions.err
expect_rc 1 "export regions --as desk"
contains desk-regions.err "a county account of 榆次区 (140702) may not export regions"
fk export persons --as viewer 2>viewer.err
expect_rc 1 "export persons --as viewer"
contains viewer.err "a viewer account may not export persons"
fk export regions --as hq --out hq-regions.csv 2>/dev/null
expect_rc 0 "export regions --as hq"
# The city's headquarters: its city and everything under it, not the province above.
grep -v '^140000,' out-regions.csv >want-regions.csv
same_rows hq-regions.csv want-regions.csv "the city headquarters' regions export"

# ---- the API ----
start_server
desk=$(login desk pw-desk-2022-export)
hq=$(login hq pw-hq-2022-export)
viewer=$(login viewer pw-viewer-2022-export)
for t in persons venues cases controls arrivals; do
    api "$desk" GET "/api/v1/export/$t?format=csv"
    expect_status 200 "GET export/$t as the county"
    # The HTTP export is the CLI's, byte for byte (CRLF aside).
    tr -d '\r' <"$WORK/body" >"api-desk-$t.csv"
    same_rows "api-desk-$t.csv" "want-$t.csv" "the county's $t export over the API"
done
api "$hq" GET "/api/v1/export/risk_areas?format=csv"
expect_status 200 "GET export/risk_areas as the headquarters"
tr -d '\r' <"$WORK/body" >api-risk.csv
same_rows api-risk.csv out-risk_areas.csv "the risk areas over the API"
api "$desk" GET "/api/v1/export/persons?format=xlsx"
expect_status 200 "GET export/persons?format=xlsx"
grep -q PK <(head -c 2 "$WORK/body") || fail "the xlsx export is not a zip file"
api "$desk" GET "/api/v1/export/regions?format=csv"
expect_error forbidden 403 "the county exporting regions"
api "$viewer" GET "/api/v1/export/persons?format=csv"
expect_error forbidden 403 "a viewer exporting persons"
api "$desk" GET "/api/v1/export/people?format=csv"
expect_error not_found 404 "an unknown export type"
[ "$(jq_py 'j["hint"]')" = "regions, persons, venues, samples, cases, controls, arrivals, risk_areas, sentinels, coldchain, vaccinations, indicators, scores, assignments, units, reports, duty, inspections, problems, incident_events, zones, transfers, checkins, labs, gatherings or requests" ] ||
    fail "the unknown type's hint: $(jq_py 'j["hint"]')"
api "$desk" GET "/api/v1/export/scans?format=csv"
expect_error not_found 404 "a type with no export"
api "$desk" GET "/api/v1/export/persons"
expect_error bad_request 400 "an export without a format"
api "" GET "/api/v1/export/persons?format=csv"
expect_status 401 "an export without a session"

# ---- audited: who exported what, how many rows ----
fk audit >audit.csv 2>/dev/null
expect_rc 0 audit
n_desk=$(($(wc -l <want-persons.csv) - 1))
contains audit.csv "desk,export,persons,$n_desk rows as csv"
contains audit.csv "desk,export,persons,$n_desk rows to desk-persons.csv"
