#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Risk zones (风险区域, issue 18) from the command line over the worked example city-3: a lockdown
# zone over the grid of the first case and a control zone over its community are declared (the
# second says the stricter level applies to the grid in both), an older precaution zone over
# another community is imported, and `fangkong zone review --now T` at several moments is compared
# with the same review computed again here in Python from the accepted rows: the residents (persons
# whose grid lies under the zone's regions), the last positive among them (a positive tube's
# result time, or a case's confirmation, known by now), days since it in local days from the later
# of the level's start and that positive, the latest round over the zone ended by now (complete,
# negative), may_lower and to by the default [zone] rule. Then: regime due lists a zone resident on
# the zone's daily regime, fangkong check answers red/lockdown for a resident of the lockdown
# zone, and bad input is refused with its reason and writes nothing.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
export FANGKONG_TEST_HASH_COST=min
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

cp "$DATA"/regions.csv "$DATA"/persons.csv "$DATA"/samples.csv "$DATA"/results.csv \
    "$DATA"/cases.csv .
for t in regions persons cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
IFS=, read -r RN RR RS RE <"$DATA/round.txt"
fk round create "$RN" --region "$RR" --start "$RS" --end "$RE" 2>/dev/null
expect_rc 0 "round create"

cat >accepted.py <<'PY'
import csv, os
def rows(name):
    """The rows of name.csv the import accepted (a tube's results: the latest time only)."""
    bad = set()
    if os.path.exists(name + ".csv.rejects.csv"):
        bad = {int(r["line"]) for r in csv.DictReader(open(name + ".csv.rejects.csv"))}
    out = [r for i, r in enumerate(csv.DictReader(open(name + ".csv")), 2) if i not in bad]
    if name == "results":
        latest = {}
        for r in out:
            if r["tube"] not in latest or r["time"] > latest[r["tube"]]["time"]:
                latest[r["tube"]] = r
        out = list(latest.values())
    return out
PY

# The zones: the first case's grid (lockdown), its community (control), and another community
# (precaution, declared 08-20, imported), chosen here from the files.
"$PY" - <<'PY'
import csv
from accepted import rows
grid = {r["id_number"]: r["grid"] for r in rows("persons")}
parent = {r["code"]: r["parent"] for r in csv.DictReader(open("regions.csv"))}
level = {r["code"]: r["level"] for r in csv.DictReader(open("regions.csv"))}
case = next(r["id_number"] for r in rows("cases") if r["id_number"] in grid)
g = grid[case]
comm = parent[g]
other = sorted(c for c, l in level.items() if l == "community" and c != comm)[-1]
open("zones.env", "w").write("G=%s\nCOMM=%s\nOTHER=%s\n" % (g, comm, other))
with open("zones.csv", "w") as f:
    f.write("name,level,regions,declared,lifted,reason\n")
    f.write("防范-%s,防范区,%s,2022-08-20T09:00:00+08:00,,周边\n" % (other, other))
PY
. ./zones.env
fk import zones zones.csv 2>import.err
expect_rc 0 "import zones"
fk zone declare 封控-1 --level lockdown --regions "$G" --at 2022-08-25T12:00:00+08:00 \
    --reason 病例所在网格 2>declare1.err
expect_rc 0 "zone declare lockdown"
if grep -q "also in" declare1.err; then fail "the first zone said it overlaps"; fi
fk zone declare 管控-1 --level 管控区 --regions "$COMM" --at 2022-08-25T12:00:00+08:00 2>declare2.err
expect_rc 0 "zone declare control"
contains declare2.err "note: region $COMM is also in lockdown zone 封控-1; the stricter level applies"

# ---- bad input: refused with the reason, nothing written ----
fk export zones --out before.csv 2>/dev/null
fk zone declare Z-bad --level control --regions "$G,1407999" --at 2022-08-26 2>bad1.err
expect_rc 1 "a zone over an unknown region"
contains bad1.err "unknown region 1407999 (import regions first)"
fk zone declare Z-bad --level red --regions "$G" --at 2022-08-26 2>bad2.err
expect_rc 1 "an unknown level"
contains bad2.err "level 'red' is not lockdown, control or precaution"
fk zone declare Z-bad --level control --regions 140700 --at 2022-08-26 2>bad3.err
expect_rc 1 "a zone over the city"
contains bad3.err "region 140700 is a city: a zone covers regions below the city"
fk zone change 封控-1 --level lockdown --at 2022-08-26 2>bad4.err
expect_rc 1 "a change to the same level"
contains bad4.err "zone 封控-1 is already at level lockdown"
fk zone declare 封控-1 --level control --regions "$G" --at 2022-08-26 2>bad5.err
expect_rc 1 "a name taken"
contains bad5.err "zone 封控-1 exists"
fk export zones --out after.csv 2>/dev/null
cmp -s before.csv after.csv || fail "a refused zone action changed the zones"
printf 'name,level,regions,declared,lifted,reason\nZ1,red,%s,2022-08-20,,\nZ2,control,1407999,2022-08-20,,\nZ3,control,%s,2022-08-20,2022-08-19,\n' \
    "$G" "$G" >bad.csv
fk import zones bad.csv 2>/dev/null
expect_rc 3 "import of bad zones"
contains bad.csv.rejects.csv "level 'red' is not lockdown, control or precaution"
contains bad.csv.rejects.csv "unknown region 1407999 (import regions first)"
contains bad.csv.rejects.csv "lifted 2022-08-19T00:00:00+08:00 is before declared 2022-08-20T00:00:00+08:00"

# ---- the review, against the computation here ----
for NOW in 2022-08-28T12:00:00+08:00 2022-09-01T00:00:00+08:00 2022-09-05T09:00:00+08:00; do
    fk zone review --now "$NOW" >review.csv 2>review.err
    expect_rc 0 "zone review --now $NOW"
    fk zone list --now "$NOW" >list.csv 2>/dev/null
    expect_rc 0 "zone list --now $NOW"
    "$PY" - "$NOW" "$RS" "$RE" "$RN" <<'PY' || fail "zone review --now $NOW differs from the computation here"
import csv, sys
from datetime import datetime
from accepted import rows
T = datetime.fromisoformat
now, rs, re_, rn = T(sys.argv[1]), T(sys.argv[2]), T(sys.argv[3]), sys.argv[4]
parent = {r["code"]: r["parent"] for r in csv.DictReader(open("regions.csv"))}
def under(g, code):
    while g:
        if g == code:
            return True
        g = parent.get(g, "")
    return False
grid = {r["id_number"]: r["grid"] for r in rows("persons")}
env = dict(l.strip().split("=", 1) for l in open("zones.env"))
zones = [  # name, level, regions, since
    ("封控-1", "lockdown", [env["G"]], T("2022-08-25T12:00:00+08:00")),
    ("管控-1", "control", [env["COMM"]], T("2022-08-25T12:00:00+08:00")),
    ("防范-" + env["OTHER"], "precaution", [env["OTHER"]], T("2022-08-20T09:00:00+08:00")),
]
need = {"lockdown": 7, "control": 3, "precaution": 3}
rnd = {"lockdown": True, "control": True, "precaution": False}
nxt = {"lockdown": "control", "control": "precaution", "precaution": "lifted"}
res = {r["tube"]: r for r in rows("results")}
samples = [r for r in rows("samples") if T(r["time"]) <= now]
pos = {}
for r in samples:
    t = res.get(r["tube"])
    if t and t["result"] == "positive" and T(t["time"]) <= now:
        pos[r["id_number"]] = max(pos.get(r["id_number"], T(t["time"])), T(t["time"]))
for r in rows("cases"):
    if r["id_number"] in grid and T(r["confirmed"]) <= now:
        pos[r["id_number"]] = max(pos.get(r["id_number"], T(r["confirmed"])), T(r["confirmed"]))
got = {r["name"]: r for r in csv.DictReader(open("review.csv"))}
listed = {r["name"]: r for r in csv.DictReader(open("list.csv"))}
assert set(got) == {z[0] for z in zones}, sorted(got)
for name, lv, regions, since in zones:
    who = {i for i, g in grid.items() if any(under(g, c) for c in regions)}
    lp = max((pos[i] for i in who if i in pos), default=None)
    frm = max(since.date(), lp.date()) if lp else since.date()
    days = max((now.date() - frm).days, 0)
    found = re_ <= now
    sampled, positive, resulted = set(), set(), set()
    for r in samples:
        if r["id_number"] in who and rs <= T(r["time"]) <= re_:
            sampled.add(r["id_number"])
            t = res.get(r["tube"])
            if t and T(t["time"]) <= now:
                resulted.add(r["id_number"])
                if t["result"] == "positive":
                    positive.add(r["id_number"])
    complete = found and who <= sampled
    negative = found and not positive and sampled <= resulted
    may = days >= need[lv] and (not rnd[lv] or not who or (complete and negative))
    g = got[name]
    want = {"level": lv, "since": since.isoformat(), "residents": str(len(who)),
            "days_since_positive": str(days),
            "last_positive_time": lp.isoformat() if lp else "",
            "latest_round": rn if found else "",
            "round_complete": ("yes" if complete else "no") if found else "",
            "round_negative": ("yes" if negative else "no") if found else "",
            "round_missing": str(len(who - sampled) if found else 0),
            "may_lower": "yes" if may else "no", "to": nxt[lv]}
    diff = {k: (g[k], v) for k, v in want.items() if g[k] != v}
    assert not diff, (name, diff)
    if lp:
        assert g["last_positive_id"] in {i for i in who if pos.get(i) == lp}, g
    assert listed[name]["residents"] == str(len(who)), listed[name]
    assert ("may" in g["reason"]) == may and g["reason"], g["reason"]
PY
done
# on the last day the precaution zone may be lifted, the lockdown zone not (its round missed some)
grep -q "^防范-$OTHER,precaution,.*,yes,lifted,.*may be lifted today" review.csv ||
    fail "the precaution zone may not be lifted on 09-05"
grep -q "^封控-1,lockdown,.*,no,control,not yet: round $RN missed" review.csv ||
    fail "the lockdown zone's review does not say its round missed residents"

# ---- the actions move the review: control goes down to precaution, the precaution is lifted ----
fk zone change 管控-1 --level precaution --at 2022-09-02T10:00:00+08:00 --reason 3天无新增 2>/dev/null
expect_rc 0 "zone change"
fk zone lift "防范-$OTHER" --at 2022-09-02T10:00:00+08:00 2>/dev/null
expect_rc 0 "zone lift"
fk zone lift "防范-$OTHER" --at 2022-09-03T10:00:00+08:00 2>lift2.err
expect_rc 1 "lifting a lifted zone"
contains lift2.err "zone 防范-$OTHER was lifted at 2022-09-02T10:00:00+08:00"
fk zone list --now 2022-09-03T00:00:00+08:00 >list2.csv 2>/dev/null
contains list2.csv "管控-1,precaution,$COMM,2022-08-25T12:00:00+08:00,2022-09-02T10:00:00+08:00,,"
contains list2.csv "防范-$OTHER,lifted,$OTHER,2022-08-20T09:00:00+08:00,2022-09-02T10:00:00+08:00,2022-09-02T10:00:00+08:00,"
fk zone review --now 2022-09-03T00:00:00+08:00 >review2.csv 2>/dev/null
if grep -q "^防范-" review2.csv; then fail "a lifted zone is reviewed"; fi

# ---- regime due and the gate ----
"$PY" - <<'PY'
import csv
from accepted import rows
env = dict(l.strip().split("=", 1) for l in open("zones.env"))
res = {r["tube"]: r for r in rows("results")}
bad = {r["id_number"] for r in rows("cases")}
bad |= {r["id_number"] for r in rows("samples") if res.get(r["tube"], {}).get("result") == "positive"}
who = sorted(r["id_number"] for r in rows("persons") if r["grid"] == env["G"] and r["id_number"] not in bad)
open("resident.txt", "w").write(who[0] + "\n")
PY
RES=$(cat resident.txt)
fk regime due --now 2022-08-26T12:00:00+08:00 >due.csv 2>/dev/null
expect_rc 0 "regime due"
grep -q "^$RES,.*,$G,zone,risk_area,daily,1,2022-08-26,2022-08-26," due.csv ||
    fail "regime due does not show the lockdown resident $RES on the zone's daily regime"
fk control summary --now 2022-08-26T12:00:00+08:00 >summary.csv 2>/dev/null
grep -q ",risk_area,home,open," summary.csv || fail "四个查清 has no risk_area row for the zones"
# every count of 四个查清 is traceable: its list has as many rows, the zone residents among them
while IFS=, read -r region _ category place status persons; do
    fk control list --now 2022-08-26T12:00:00+08:00 --region "$region" --category "$category" \
        --place "$place" --status "$status" >list.csv 2>/dev/null
    expect_rc 0 "control list of $region $category $place $status"
    [ $(($(wc -l <list.csv) - 1)) = "$persons" ] ||
        fail "四个查清 counts $persons for $region $category $place $status, its list has $(($(wc -l <list.csv) - 1)) rows"
done < <(tail -n +2 summary.csv)
fk control list --now 2022-08-26T12:00:00+08:00 --category risk_area >zlist.csv 2>/dev/null
awk -F, -v id="$RES" '$2 == id' zlist.csv >zrow.csv
[ "$(wc -l <zrow.csv)" = 1 ] || fail "the lockdown resident $RES is not once in the risk_area list"
# no order id, the zone's name as the site, its regime from the declaration, the day-0 test
# (2022-08-25, no sample) the earliest not done
IFS=, read -r zid _ _ _ zgrid zcat zplace zsite zstart zend zregime zday znext zstate _ <zrow.csv
[ "$zid,$zgrid,$zcat,$zplace,$zsite,$zstart,$zend,$zregime,$zday,$znext,$zstate" = \
    ",$G,risk_area,home,封控-1,2022-08-25T12:00:00+08:00,,daily,1,2022-08-25,overdue" ] ||
    fail "the lockdown resident's list row: $(cat zrow.csv)"
echo "$RES" | fk check --now 2022-08-26T12:00:00+08:00 >gate.csv 2>/dev/null
expect_rc 0 "check"
contains gate.csv "$RES,red,lockdown"
echo "$RES" | fk check --now 2022-08-25T11:59:59+08:00 >gate0.csv 2>/dev/null
if grep -q lockdown gate0.csv; then fail "lockdown before the zone's declaration"; fi

# ---- the API: the same answers, cut to the caller's scope ----
for u in chief:admin:140700 yuci:county:140702 tg:county:140703 view:viewer:140702; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
COUNTY=$(awk -F, -v g="$G" '$1 == g { print substr($4, 1, 6) }' regions.csv)
[ "$COUNTY" = 140702 ] || fail "the first case's grid is not in 榆次区: $COUNTY"
NOWQ=2022-09-05T09:00:00%2B08:00
fk zone review --now 2022-09-05T09:00:00+08:00 >cli-review.csv 2>/dev/null
fk zone list --now 2022-09-05T09:00:00+08:00 >cli-list.csv 2>/dev/null
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
tg=$(login tg pw-tg-2022-x)
view=$(login view pw-view-2022-x)
api "$chief" GET "/api/v1/zones/review?now=$NOWQ&format=csv"
expect_status 200 "zones/review as csv"
tr -d '\r' <"$WORK/body" >api-review.csv
diff -u cli-review.csv api-review.csv >&2 || fail "the API's review differs from the CLI's"
api "$chief" GET "/api/v1/zones?now=$NOWQ&format=csv"
expect_status 200 "zones as csv"
tr -d '\r' <"$WORK/body" >api-list.csv
diff -u cli-list.csv api-list.csv >&2 || fail "the API's list differs from the CLI's"
api "$yuci" GET "/api/v1/zones?now=$NOWQ"
expect_status 200 "zones as 榆次区"
[ "$(jq_py 'sorted(r["name"] for r in j["rows"])')" = '["封控-1", "管控-1"]' ] ||
    fail "榆次区 sees $(jq_py '[r["name"] for r in j["rows"]]')"
# 太谷区 sees neither zone of 榆次区, may not narrow to 榆次区, and cannot touch its zones
api "$tg" GET "/api/v1/zones/review?now=$NOWQ"
expect_status 200 "zones/review as 太谷区"
[ "$(jq_py 'len([r for r in j["rows"] if r["name"] in ("封控-1", "管控-1")])')" = 0 ] ||
    fail "太谷区 sees 榆次区's zones"
api "$tg" GET "/api/v1/zones?region=140702&now=$NOWQ"
expect_error forbidden 403 "zones of another county"
api "$tg" GET "/api/v1/zones/grids?now=$NOWQ"
expect_status 200 "zone grids as 太谷区"
if grep -q "$G" "$WORK/body"; then fail "太谷区 sees 榆次区's zone grids"; fi
api "$yuci" GET "/api/v1/zones/grids?now=2022-08-26T00:00:00%2B08:00"
expect_status 200 "zone grids as 榆次区"
contains "$WORK/body" "\"grid\":\"$G\",\"level\":\"lockdown\""
api "$tg" POST "/api/v1/zones/封控-1/lift" -H 'Content-Type: application/json' --data-binary '{}'
expect_error not_found 404 "lifting another county's zone"
api "$tg" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"TG-1\", \"level\": \"control\", \"regions\": [\"$G\"]}"
expect_error forbidden 403 "declaring over another county's grid"
api "$view" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"V-1\", \"level\": \"control\", \"regions\": [\"$G\"]}"
expect_error forbidden 403 "a viewer declaring"
# 榆次区 declares over its own grid, overlapping the lockdown: the answer says so
api "$yuci" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"YC-1\", \"level\": \"控\", \"regions\": [\"$G\"]}"
expect_error bad_request 400 "an unknown level"
api "$yuci" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"YC-1\", \"level\": \"precaution\", \"regions\": [\"$G\", \"1407999\"], \"at\": \"2022-09-05T08:00:00+08:00\"}"
expect_error bad_request 400 "a zone over an unknown region"
contains "$WORK/body" "unknown region 1407999"
api "$yuci" POST /api/v1/zones -H 'Content-Type: application/json' \
    --data-binary "{\"name\": \"YC-1\", \"level\": \"precaution\", \"regions\": [\"$G\"], \"at\": \"2022-09-05T08:00:00+08:00\", \"reason\": \"外围\"}"
expect_status 200 "declare as 榆次区"
[ "$(jq_py 'j["notes"]')" = "[\"region $G is also in lockdown zone 封控-1; the stricter level applies\"]" ] ||
    fail "the declaration's notes: $(jq_py 'j["notes"]')"
api "$yuci" POST "/api/v1/zones/YC-1/lift" -H 'Content-Type: application/json' \
    --data-binary '{"at": "2022-09-05T09:00:00+08:00"}'
expect_status 200 "lift as 榆次区"
api "$yuci" POST "/api/v1/zones/YC-1/lift" -H 'Content-Type: application/json' \
    --data-binary '{"at": "2022-09-05T10:00:00+08:00"}'
expect_error conflict 409 "lifting a lifted zone"
fk audit >audit.csv 2>/dev/null
contains audit.csv "zone.declare,YC-1"
contains audit.csv "zone.lift,YC-1"
echo "zones: declared, reviewed as computed here, in regime due, 四个查清, the gate and the API"
