#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Gatherings (会议活动管理, issue 21) on the worked example city-3: risk zones are declared, changed
# and imported (a lockdown over a grid declared at 15:00 on the day of a gathering there, a
# control zone over a community changed to precaution at noon, a precaution zone over a township
# lifted tomorrow, a lockdown over a grid lifted at midnight), a register of gatherings is
# generated here over grids, communities, townships and counties, days and sizes at the profile's
# caps, and `fangkong gathering list` (all, --date, --decision, --region, at two clocks) and
# `gathering status` are compared with the decisions computed again here in Python from the
# files. Bad rows are rejected with their line and reason; a re-import adds nothing and keeps a
# sign-off. The sign-off is checked for its rules, role, scope and audit on the command line and
# over the API, whose answers equal the command line's and are cut to the caller's county.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-08-28T16:00:00+08:00
NOWQ=2022-08-28T16:00:00%2B08:00
EARLY=2022-08-28T14:00:00+08:00

for t in regions persons; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done

# ---- the zones ----
cat >zones.csv <<'EOF'
name,level,regions,declared,lifted,reason
防范区-1,precaution,140729001,2022-08-25T10:00:00+08:00,2022-08-29T00:00:00+08:00,周边
封控区-旧,lockdown,140729002001G01,2022-08-22T08:00:00+08:00,2022-08-27T00:00:00+08:00,已解封
EOF
fk import zones zones.csv >/dev/null 2>zones.err
expect_rc 0 "import zones"
fk zone declare 管控区-1 --level control --regions 140702002001 --at 2022-08-20T09:00:00+08:00 2>/dev/null
expect_rc 0 "declare the control zone"
fk zone change 管控区-1 --level precaution --at 2022-08-28T12:00:00+08:00 2>/dev/null
expect_rc 0 "lower the control zone at noon"
fk zone declare 封控区-1 --level lockdown --regions 140703001002G01 --at 2022-08-28T15:00:00+08:00 2>/dev/null
expect_rc 0 "declare the lockdown zone at 15:00"

# ---- the register, generated ----
"$PY" - "$DATA/regions.csv" <<'PY'
import csv, random, sys
rnd = random.Random(21)
regions = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
places = [r["code"] for r in regions if r["level"] in ("grid", "community", "township", "county")]
# the zones' own places, many times over, and the edges of the caps
hot = ["140703001002G01", "140703001002", "140702002001G02", "140702002001", "140729001001G03",
       "140729001", "140729002001G01", "140729002001", "140702", "140703", "140729"]
kinds = ["meeting", "wedding", "funeral", "exhibition", "training", "会议", "婚宴", "丧事"]
sizes = [1, 20, 49, 50, 51, 120, 199, 200, 201, 250, 300, 900, 5000]
w = csv.writer(open("gatherings.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
w.writerow(["code", "organiser", "region", "date", "expected", "kind", "online", "contact", "note"])
for i in range(160):
    place = rnd.choice(hot) if i % 2 else rnd.choice(places)
    day = "2022-08-%02d" % rnd.randrange(25, 32)
    w.writerow(["G%03d" % (i + 1), "主办方%d" % i, place, day, rnd.choice(sizes), rnd.choice(kinds),
                rnd.choice(["yes", "no", "", "是", "否"]), "139%08d" % rnd.randrange(10 ** 8), ""])
# The day the lockdown zone is declared, in its grid: refused as of 16:00, approved at 14:00.
w.writerow(["G900", "某公司", "140703001002G01", "2022-08-28", 30, "meeting", "no", "", "当天封控"])
PY
fk import gatherings gatherings.csv >/dev/null 2>g.err
expect_rc 0 "import the register"
n=$(($(wc -l <gatherings.csv) - 1))
[ "$(count gatherings)" -eq "$n" ] || fail "the store holds $(count gatherings) gatherings, the file $n"
fk import gatherings gatherings.csv >/dev/null 2>g2.err
contains g2.err "$n read, 0 accepted (0 updated), $n duplicate, 0 rejected"

# ---- bad rows, each with its line and reason ----
cat >bad.csv <<'EOF'
code,organiser,region,date,expected,kind,online,contact,note
B1,某,140799,2022-08-28,30,meeting,,,
B2,某,140702001001G01,2022-02-30,30,meeting,,,
B3,某,140702001001G01,2022-08-28,0,meeting,,,
B4,某,140702001001G01,2022-08-28,30,party,,,
B5,某,140702001001G01,2022-08-28,30,meeting,maybe,,
B6,某,140702001001G01,2032-08-28,30,meeting,,,
B7,,140702001001G01,2022-08-28,30,meeting,,,
EOF
fk import gatherings bad.csv >/dev/null 2>bad.err
expect_rc 3 "import gatherings with bad rows"
rej=bad.csv.rejects.csv
[ "$(($(wc -l <"$rej") - 1))" -eq 7 ] || fail "rejects: $(cat "$rej")"
contains "$rej" "2,unknown region 140799 (import regions first)"
contains "$rej" "3,date '2022-02-30' is not a date like 2022-08-28"
contains "$rej" "4,expected '0' is not a number of persons from 1 to 1000000"
contains "$rej" "5,\"kind 'party' is not meeting, wedding, funeral, exhibition or training\""
contains "$rej" "6,online 'maybe' is not yes or no"
contains "$rej" "7,date 2032-08-28 is more than a year after now"
contains "$rej" "8,organiser is empty"
[ "$(count gatherings)" -eq "$n" ] || fail "bad rows were stored"

# ---- the decisions, computed here from the files ----
# The zones' stretches as the actions above and the file made them (level 0 lockdown, 1 control,
# 2 precaution; end None: on).
cat >segs.json <<'EOF'
[["防范区-1", "140729001", 2, "2022-08-25T10:00:00+08:00", "2022-08-29T00:00:00+08:00"],
 ["封控区-旧", "140729002001G01", 0, "2022-08-22T08:00:00+08:00", "2022-08-27T00:00:00+08:00"],
 ["管控区-1", "140702002001", 1, "2022-08-20T09:00:00+08:00", "2022-08-28T12:00:00+08:00"],
 ["管控区-1", "140702002001", 2, "2022-08-28T12:00:00+08:00", null],
 ["封控区-1", "140703001002G01", 0, "2022-08-28T15:00:00+08:00", null]]
EOF
expected() { # KIND NOW [ARG]
    "$PY" - "$DATA/regions.csv" gatherings.csv segs.json signoffs.csv "$@" <<'PY'
import csv, json, os, sys
from datetime import datetime, timedelta
regions_f, g_f, segs_f, so_f, kind, now = sys.argv[1:7]
arg = sys.argv[7] if len(sys.argv) > 7 else ""
ts = lambda s: datetime.fromisoformat(s).timestamp() if s else None
now = ts(now)
regions = {r["code"]: r for r in csv.DictReader(open(regions_f, encoding="utf-8"))}
def inside(g, region):
    while g:
        if g == region:
            return True
        g = regions[g]["parent"]
    return False
def up(g, level):
    while g and regions[g]["level"] != level:
        g = regions[g]["parent"]
    return g
has_grid = {c: any(r["level"] == "grid" and inside(g, c) for g, r in regions.items()) for c in regions}
LEVELS = ["lockdown", "control", "precaution", "none"]
CAP = {2: 50, 3: 200}
MAX = {2: 200, 3: 0}
KIND = {"会议": "meeting", "婚宴": "wedding", "丧事": "funeral"}
signed = {}
if os.path.exists(so_f):
    for r in csv.DictReader(open(so_f, encoding="utf-8")):
        signed[r["code"]] = r
def level_of(place, day):
    ds = datetime.fromisoformat(day + "T00:00:00+08:00").timestamp()
    de = ds + 86400
    best, zone = 3, ""
    if not has_grid[place]:
        return best, zone
    for name, reg, lv, s, e in json.load(open(segs_f, encoding="utf-8")):
        s, e = ts(s), ts(e)
        if not (inside(place, reg) or inside(reg, place)):
            continue
        if s > now:
            continue
        if e is not None and e > now:
            e = None
        if s < de and (e is None or e > ds) and lv < best:
            best, zone = lv, name
    return best, zone
rows = []
for r in csv.DictReader(open(g_f, encoding="utf-8")):
    k = KIND.get(r["kind"], r["kind"])
    online = r["online"] in ("yes", "是")
    n = int(r["expected"])
    lv, zone = level_of(r["region"], r["date"])
    cap, mx = "", ""
    if lv in (0, 1):
        dec, rule, reason = "refuse", "level", "no gatherings in a %s zone (%s)" % (LEVELS[lv], zone)
    else:
        cap = str(CAP[lv])
        mx = str(MAX[lv]) if MAX[lv] else ""
        if n <= CAP[lv]:
            dec, rule, reason = "approve", "within_cap", "expected %d <= cap %d" % (n, CAP[lv])
        elif MAX[lv] and n > MAX[lv]:
            dec, rule, reason = "refuse", "over_max", "expected %d > max %d" % (n, MAX[lv])
        elif not online and k in ("meeting", "training"):
            dec, rule, reason = "refuse", "no_online", "expected %d > cap %d and no online alternative considered for a %s" % (n, CAP[lv], k)
        else:
            dec, rule, reason = "signoff", "over_cap", "expected %d > cap %d: needs sign-off" % (n, CAP[lv])
    so = signed.get(r["code"])
    sname, sby, sat = "", "", ""
    if so and ts(so["at"]) <= now:
        sname, sby, sat = so["signoff"], so["by"], so["at"]
        if dec == "signoff":
            dec = "approve" if sname == "approved" else "refuse"
    rows.append([r["code"], r["date"], r["region"], regions[r["region"]]["name"], r["organiser"], k,
                 n, "yes" if online else "no", LEVELS[lv], zone, dec, rule, reason, cap, mx,
                 sname, sby, sat, r["contact"], r["note"]])
rows.sort(key=lambda x: (x[1], x[0]))
w = csv.writer(sys.stdout, lineterminator="\n")
if kind == "status":
    date = sys.argv[8] if len(sys.argv) > 8 else ""
    w.writerow("region,name,gatherings,expected,approve,signoff,refuse".split(","))
    for code in sorted(c for c, x in regions.items() if x["level"] == arg):
        mine = [x for x in rows if up(x[2], arg) == code and (not date or x[1] == date)]
        w.writerow([code, regions[code]["name"], len(mine), sum(x[6] for x in mine)] +
                   [sum(1 for x in mine if x[10] == d) for d in ("approve", "signoff", "refuse")])
    # a gathering of a region above the level: a row of its own, in code order
    above = sorted({x[2] for x in rows if regions[x[2]]["level"] != arg and not up(x[2], arg)
                    and (not date or x[1] == date)})
    for code in above:
        mine = [x for x in rows if x[2] == code and (not date or x[1] == date)]
        w.writerow([code, regions[code]["name"], len(mine), sum(x[6] for x in mine)] +
                   [sum(1 for x in mine if x[10] == d) for d in ("approve", "signoff", "refuse")])
    sys.exit(0)
w.writerow("code,date,region,region_name,organiser,kind,expected,online,level,zone,decision,rule,reason,cap,max,signoff,signed_by,signed_at,contact,note".split(","))
for x in rows:
    if kind == "date" and x[1] != arg:
        continue
    if kind == "decision" and x[10] != arg:
        continue
    if kind == "region" and not inside(x[2], arg):
        continue
    w.writerow(x)
PY
}
TZ=Asia/Shanghai expected list "$NOW" >want.csv
fk gathering list --now "$NOW" >got.csv 2>list.err
expect_rc 0 "gathering list"
diff -u want.csv got.csv >&2 || fail "gathering list differs from the independent computation"
for d in approve signoff refuse; do
    grep -q ",$d," got.csv || fail "no gathering decided $d in the fixture"
done
for r in level within_cap over_max no_online over_cap; do
    grep -q ",$r," got.csv || fail "no gathering under the rule $r in the fixture"
done
for l in lockdown control precaution none; do
    grep -q ",$l,[^,]*,[a-z]*,[a-z_]*," got.csv || fail "no gathering at level $l in the fixture"
done
# The day the lockdown zone was declared: its grid's gathering refused, with the rule named; two
# hours earlier, before the declaration, approved.
contains got.csv "G900,2022-08-28,140703001002G01,网格1010,某公司,meeting,30,no,lockdown,封控区-1,refuse,level,no gatherings in a lockdown zone (封控区-1)"
fk gathering list --now "$EARLY" --date 2022-08-28 >got-early.csv 2>/dev/null
TZ=Asia/Shanghai expected date "$EARLY" 2022-08-28 >want-early.csv
diff -u want-early.csv got-early.csv >&2 || fail "gathering list --date as of $EARLY differs"
contains got-early.csv "G900,2022-08-28,140703001002G01,网格1010,某公司,meeting,30,no,none,,approve,within_cap,expected 30 <= cap 200"
for d in 2022-08-26 2022-08-27 2022-08-29; do
    TZ=Asia/Shanghai expected date "$NOW" "$d" >want-d.csv
    fk gathering list --date "$d" --now "$NOW" >got-d.csv 2>/dev/null
    diff -u want-d.csv got-d.csv >&2 || fail "gathering list --date $d differs"
done
TZ=Asia/Shanghai expected decision "$NOW" signoff >want-s.csv
fk gathering list --decision signoff --now "$NOW" >got-s.csv 2>/dev/null
diff -u want-s.csv got-s.csv >&2 || fail "gathering list --decision signoff differs"
TZ=Asia/Shanghai expected region "$NOW" 140729 >want-r.csv
fk gathering list --region 140729 --now "$NOW" >got-r.csv 2>/dev/null
diff -u want-r.csv got-r.csv >&2 || fail "gathering list --region 140729 differs"
fk gathering list --date 2022-8-28 2>derr.txt >/dev/null
expect_rc 1 "a bad --date"
contains derr.txt "is not a date like 2022-08-28"
fk gathering list --decision maybe 2>derr.txt >/dev/null
expect_rc 1 "a bad --decision"
for level in county township; do
    TZ=Asia/Shanghai expected status "$NOW" "$level" >want-$level.csv
    fk gathering status --by "$level" --now "$NOW" >got-$level.csv 2>/dev/null
    expect_rc 0 "gathering status --by $level"
    diff -u want-$level.csv got-$level.csv >&2 || fail "gathering status --by $level differs"
done
TZ=Asia/Shanghai expected status "$NOW" county 2022-08-28 >want-c28.csv
fk gathering status --date 2022-08-28 --now "$NOW" >got-c28.csv 2>/dev/null
diff -u want-c28.csv got-c28.csv >&2 || fail "gathering status --date 2022-08-28 differs"

# ---- the sign-off: rules, role, scope, audit ----
for u in chief:admin:140700 yuci:viewer:140702 tg:county:140703 yc:county:140702 lsx:county:140729; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
# Two gatherings that need sign-off, in two counties, and one the rule refuses.
pick() { # COUNTY: a gathering of the county that needs sign-off
    awk -F, -v c="$1" 'NR > 1 && $11 == "signoff" && substr($3, 1, 6) == c { print $1; exit }' got.csv
}
s1=$(pick 140702)
s2=$(pick 140729)
[ -n "$s1" ] && [ -n "$s2" ] || fail "no gathering to sign off in 140702 and 140729"
r1=$(awk -F, 'NR > 1 && $11 == "refuse" && $12 == "level" { print $1; exit }' got.csv)
fk gathering signoff "$r1" approve --at "$NOW" 2>e1.err
expect_rc 1 "a sign-off of a gathering the rule refuses"
contains e1.err "gathering $r1 needs no sign-off: refused (no gatherings in a"
fk gathering signoff "$s1" approve --at "$NOW" --as yuci 2>e2.err
expect_rc 1 "a sign-off as a viewer"
contains e2.err "may not sign off gatherings"
fk gathering signoff "$s1" approve --at "$NOW" --as lsx 2>e3.err
expect_rc 1 "a sign-off of another county's gathering"
contains e3.err "no gathering $s1"
fk gathering signoff "$s1" maybe 2>e4.err
expect_rc 1 "a sign-off that is neither"
fk gathering signoff "$s1" approve --at 2022-08-28T15:30:00+08:00 --note "缩减规模，落实扫码测温" --as yc 2>e5.err
expect_rc 0 "a sign-off by the county"
fk gathering signoff "$s1" approve --at 2022-08-28T15:40:00+08:00 --as yc 2>e6.err
expect_rc 1 "the same sign-off again"
contains e6.err "was signed off (approved) by yc at 2022-08-28T15:30:00+08:00 already"
fk audit >audit.csv 2>/dev/null
[ "$(grep -c "gathering.signoff,$s1," audit.csv)" -eq 1 ] || fail "audit rows of $s1: $(grep gathering.signoff audit.csv)"
contains audit.csv "缩减规模，落实扫码测温"
printf 'code,signoff,by,at\n%s,approved,yc,2022-08-28T15:30:00+08:00\n' "$s1" >signoffs.csv
TZ=Asia/Shanghai expected list "$NOW" >want2.csv
fk gathering list --now "$NOW" >got2.csv 2>/dev/null
diff -u want2.csv got2.csv >&2 || fail "gathering list after the sign-off differs"
grep -q "^$s1,.*,approve,over_cap,.*,approved,yc,2022-08-28T15:30:00+08:00," got2.csv ||
    fail "$s1 after the sign-off: $(grep "^$s1," got2.csv)"
# Before the sign-off's time it is not known.
fk gathering list --now 2022-08-28T15:29:59+08:00 --decision signoff >got-pre.csv 2>/dev/null
grep -q "^$s1," got-pre.csv || fail "$s1 signed off before its sign-off's time"
# A re-import of the register keeps the sign-off.
fk import gatherings gatherings.csv >/dev/null 2>g3.err
contains g3.err "$n duplicate"
fk gathering list --now "$NOW" >got3.csv 2>/dev/null
diff -u got2.csv got3.csv >&2 || fail "a re-import changed the list"

# ---- the API: the same answers, cut to the caller's scope ----
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
tg=$(login tg pw-tg-2022-x)
lsx=$(login lsx pw-lsx-2022-x)
api "$chief" GET "/api/v1/gatherings?now=$NOWQ&format=csv"
expect_status 200 "gatherings as csv"
tr -d '\r' <"$WORK/body" >api.csv
diff -u got2.csv api.csv >&2 || fail "the API's list differs from the CLI's"
api "$chief" GET "/api/v1/gatherings?now=$NOWQ&decision=refuse"
expect_status 200 "gatherings decision=refuse"
[ "$(jq_py 'j["total"]')" -eq "$(awk -F, 'NR > 1 && $11 == "refuse"' got2.csv | wc -l)" ] ||
    fail "decision=refuse total $(jq_py 'j["total"]')"
api "$chief" GET "/api/v1/gatherings?now=$NOWQ&decision=maybe"
expect_error bad_request 400 "decision=maybe"
api "$chief" GET "/api/v1/gatherings?now=$NOWQ&date=28-08-2022"
expect_error bad_request 400 "a bad date"
api "$yuci" GET "/api/v1/gatherings?now=$NOWQ&format=csv"
expect_status 200 "gatherings as the 榆次区 viewer"
tr -d '\r' <"$WORK/body" >api-yuci.csv
fk gathering list --region 140702 --now "$NOW" >cli-yuci.csv 2>/dev/null
diff -u cli-yuci.csv api-yuci.csv >&2 || fail "the viewer's list differs from --region 140702"
grep -q . <(awk -F, 'NR > 1 && $3 !~ /^140702/' api-yuci.csv) && fail "the 榆次区 viewer sees another county's gathering"
[ "$(($(wc -l <api-yuci.csv) - 1))" -gt 0 ] || fail "the viewer sees no gathering"
api "$yuci" GET "/api/v1/gatherings?region=140703&now=$NOWQ"
expect_error forbidden 403 "another county's gatherings"
api "$yuci" GET "/api/v1/gatherings/status?now=$NOWQ&by=township&format=csv"
expect_status 200 "status as the viewer"
tr -d '\r' <"$WORK/body" >api-status.csv
fk gathering status --by township --region 140702 --now "$NOW" >cli-status.csv 2>/dev/null
diff -u cli-status.csv api-status.csv >&2 || fail "the viewer's status differs from the CLI's"
api "$chief" GET "/api/v1/gatherings/status?now=$NOWQ&format=csv"
tr -d '\r' <"$WORK/body" >api-status-all.csv
fk gathering status --now "$NOW" >cli-status-all.csv 2>/dev/null
diff -u cli-status-all.csv api-status-all.csv >&2 || fail "the status differs from the CLI's"
# Sign-offs: a viewer may not; another county's gathering is unknown; the rule's refusal; a
# refusal; the same again.
api "$yuci" POST "/api/v1/gatherings/$s2/signoff" -H 'Content-Type: application/json' \
    --data-binary '{"decision":"refuse"}'
expect_error forbidden 403 "a viewer signing off"
api "$tg" POST "/api/v1/gatherings/$s2/signoff" -H 'Content-Type: application/json' \
    --data-binary '{"decision":"refuse"}'
expect_error not_found 404 "another county's gathering"
api "$lsx" POST "/api/v1/gatherings/$s2/signoff" -H 'Content-Type: application/json' \
    --data-binary '{"decision":"later"}'
expect_error bad_request 400 "a decision that is neither"
api "$chief" POST "/api/v1/gatherings/$r1/signoff" -H 'Content-Type: application/json' \
    --data-binary "{\"decision\":\"approve\",\"at\":\"$NOW\"}"
expect_error conflict 409 "a gathering the rule refuses"
api "$lsx" POST "/api/v1/gatherings/$s2/signoff" -H 'Content-Type: application/json' \
    --data-binary "{\"decision\":\"refuse\",\"note\":\"规模过大\",\"at\":\"2022-08-28T15:50:00+08:00\"}"
expect_status 200 "a refusal by the county"
[ "$(jq_py 'j["signoff"]')" = refused ] || fail "the sign-off's answer: $(cat "$WORK/body")"
api "$lsx" POST "/api/v1/gatherings/$s2/signoff" -H 'Content-Type: application/json' \
    --data-binary "{\"decision\":\"refuse\",\"at\":\"2022-08-28T15:55:00+08:00\"}"
expect_error conflict 409 "the same refusal again"
api "$lsx" GET "/api/v1/gatherings?now=$NOWQ&format=csv"
grep -q "^$s2,.*,refuse,over_cap,.*,refused,lsx,2022-08-28T15:50:00+08:00," <(tr -d '\r' <"$WORK/body") ||
    fail "$s2 after the refusal: $(tr -d '\r' <"$WORK/body" | grep "^$s2,")"
# A gathering posted as a JSON row lands in the register with the import's checks.
yc=$(login yc pw-yc-2022-x)
api "$yc" POST "/api/v1/rows/gatherings" -H 'Content-Type: application/json' --data-binary \
    '[{"code":"J1","organiser":"社区","region":"140702001001G01","date":"2022-08-30","expected":"20","kind":"培训"},{"code":"J2","organiser":"社区","region":"140703001001G01","date":"2022-08-30","expected":"20","kind":"培训"}]'
expect_status 200 "gatherings as JSON rows"
[ "$(jq_py 'j["accepted"]')" = 1 ] && [ "$(jq_py 'j["rejected"]')" = 1 ] ||
    fail "JSON rows: $(cat "$WORK/body")"
