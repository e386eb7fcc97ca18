#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 包保 (issue 17): cadres assigned to regions (四级包保, role leader) and to persons under home
# control (五包一) for the worked example city-3. Control orders (home and not, open, released,
# starting later) and assignments are written here; rows that must be rejected say why (an unknown
# role, an unknown region, a leader of a city, a person's role without id_number, a leader with
# one, a bad phone, an unknown person); the gaps and each cadre's load are compared with an
# independent computation in Python over the CSV files, whole and cut to a county (--as and the
# API, whose viewer of another county is refused); a reassignment replaces, a re-import adds
# nothing; a cadre's own list carries each person's control state; the profile's roles change
# what is missing.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-09-01T12:00:00+08:00
NOWQ=2022-09-01T12:00:00%2B08:00

for t in regions persons; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done
fk export persons --out accepted.csv 2>/dev/null
expect_rc 0 "export persons"

# Orders and assignments, chosen from each person's place in the registry so the files are the
# same every run: every 4th of the first 200 persons at home (open), the next released, the next
# centralized, the next home from after NOW; the home ones get some of the five roles.
"$PY" - "$DATA/regions.csv" <<'PY'
import csv, sys
people = list(csv.DictReader(open("accepted.csv", encoding="utf-8")))[:200]
regs = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
ctl = open("controls.csv", "w", encoding="utf-8", newline="")
w = csv.writer(ctl, lineterminator="\n")
w.writerow(["id_number", "category", "place", "start", "end"])
asg = open("assign.csv", "w", encoding="utf-8", newline="")
a = csv.writer(asg, lineterminator="\n")
a.writerow(["cadre", "phone", "role", "region", "id_number"])
# the file writes one role in Chinese (社区干部): the import reads it as community_cadre
written = ["grid_worker", "社区干部", "doctor", "police", "volunteer"]
zh = ["网格员", "社区干部", "医生", "民警", "志愿者"]
for i, p in enumerate(people):
    idn, grid = p["id_number"], p["grid"]
    k = i % 4
    if k == 0:
        w.writerow([idn, "close", "home", "2022-08-28T10:00:00+08:00", ""])
        if i % 8 == 0:  # a second, later open home order: the first one's start is reported
            w.writerow([idn, "secondary", "home", "2022-08-30T10:00:00+08:00", ""])
    elif k == 1:
        w.writerow([idn, "close", "home", "2022-08-20T10:00:00+08:00", "2022-08-27T10:00:00+08:00"])
    elif k == 2:
        w.writerow([idn, "close", "centralized", "2022-08-28T10:00:00+08:00", ""])
    else:
        w.writerow([idn, "close", "home", "2022-09-02T10:00:00+08:00", ""])
    if i % 12 == 0:
        continue  # nobody at all
    for r in range(5):
        if (i + r) % 7 == 0:
            continue  # this role is missing
        n = (i // 4 + r) % 9  # 9 cadres per role
        a.writerow([zh[r] + str(n), "139%02d%06d" % (r, n), written[r], grid, idn])
# leaders: every county, township, community and grid but a few, five cadres in turn
for j, r in enumerate(regs):
    if r["level"] not in ("county", "township", "community", "grid"):
        continue
    if (r["level"] == "grid" and j % 9 == 4) or r["code"] == "140703002":
        continue
    a.writerow(["领导%d" % (j % 5), "1380000%04d" % (j % 5), "leader", r["code"], ""])
PY
fk import controls controls.csv >/dev/null 2>err.txt
expect_rc 0 "import controls"
fk assign import assign.csv 2>err.txt
expect_rc 0 "assign import"
contains err.txt "assignments assign.csv:"

# ---- rejects, each with its reason ----
someone=$(sed -n 2p accepted.csv | cut -d, -f1)
stranger=$("$PY" "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 999)
cat >bad.csv <<CSV
cadre,phone,role,region,id_number
甲,13800009999,mayor,140702,$someone
乙,13800009999,doctor,140702,
丙,13800009999,leader,140700,
丁,13800009999,leader,140702001,$someone
戊,12ab,police,140702,$someone
己,13800009999,police,999999,$someone
庚,13800009999,police,140702,$stranger
辛,123,leader,140702001,
CSV
fk import assignments bad.csv 2>err.txt
expect_rc 3 "import bad assignments"
contains bad.csv.rejects.csv "role 'mayor' is not leader or one of the profile's roles: leader, grid_worker, community_cadre, doctor, police or volunteer"
contains bad.csv.rejects.csv "role doctor looks after a person under home control (五包一): id_number is required"
contains bad.csv.rejects.csv "a leader leads a county, township, community or grid; 140700 is a city"
contains bad.csv.rejects.csv "a leader (四级包保) leads a region: id_number must be empty"
contains bad.csv.rejects.csv "phone '12ab' is not a phone number"
contains bad.csv.rejects.csv "phone '123' is not a phone number"
contains bad.csv.rejects.csv "unknown region 999999 (import regions first)"
contains bad.csv.rejects.csv "unknown person $stranger"
[ "$(($(wc -l <bad.csv.rejects.csv) - 1))" -eq 8 ] || fail "eight rows rejected"

# ---- the independent computation: gaps and load from the CSV files ----
# want.py gaps|load NOW SCOPE ROLES REGIONS ASSIGNMENTS...
cat >want.py <<'PY'
import csv, sys
what, now, scope, roles = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
regions = {r["code"]: r for r in csv.DictReader(open(sys.argv[5], encoding="utf-8"))}
persons = {p["id_number"]: p for p in csv.DictReader(open("accepted.csv", encoding="utf-8"))}
inside = lambda code: code.startswith(scope)  # city-3's codes nest by prefix
home = {}
for c in csv.DictReader(open("controls.csv", encoding="utf-8")):
    if c["place"] == "home" and c["start"] <= now and (c["end"] == "" or c["end"] > now):
        if c["id_number"] not in home or c["start"] < home[c["id_number"]]:
            home[c["id_number"]] = c["start"]
alias = {"社区干部": "community_cadre"}
kept = {}  # the key replaces: (role, region) of a leader, (role, person) of a person's cadre
for f in sys.argv[6:]:
    for a in csv.DictReader(open(f, encoding="utf-8")):
        role = alias.get(a["role"], a["role"])
        kept[(role, a["region"] if role == "leader" else a["id_number"])] = (a["cadre"], a["phone"])
if what == "gaps":
    have, leaders = {}, set()
    for (role, key), _ in kept.items():
        if role == "leader":
            leaders.add(key)
        else:
            have.setdefault(key, set()).add(role)
    rows = []
    for idn, start in home.items():
        p = persons[idn]
        if not inside(p["grid"]):
            continue
        missing = [r for r in roles if r not in have.get(idn, set())]
        if missing:
            rows.append((p["grid"], idn, p["name"], regions[p["grid"]]["name"], start, ";".join(missing)))
    print("# persons")
    print("id_number,name,grid,grid_name,control_start,missing")
    for g, idn, name, gname, start, miss in sorted(rows):
        print(f"{idn},{name},{g},{gname},{start},{miss}")
    print()
    print("# regions")
    print("region,name,level")
    for lv in ("county", "township", "community", "grid"):
        for code in sorted(c for c, r in regions.items() if r["level"] == lv):
            if inside(code) and code not in leaders:
                print(f"{code},{regions[code]['name']},{lv}")
else:
    load = {}
    for (role, key), (cadre, phone) in kept.items():
        if role not in roles and role != "leader":
            continue
        code = key if role == "leader" else persons[key]["grid"]
        if not inside(code):
            continue
        c = load.setdefault((phone, cadre), [set(), 0, 0])
        c[0].add(role)
        if role == "leader":
            c[2] += 1
        elif key in home:
            c[1] += 1
    print("cadre,phone,roles,persons,regions")
    order = ["leader"] + roles
    for (phone, cadre), (rs, np, nr) in sorted(load.items(), key=lambda kv: (-kv[1][1], -kv[1][2], kv[0][0], kv[0][1])):
        print(f"{cadre},{phone},{';'.join(r for r in order if r in rs)},{np},{nr}")
PY
ROLES=grid_worker,community_cadre,doctor,police,volunteer
"$PY" want.py gaps "$NOW" 1407 "$ROLES" "$DATA/regions.csv" assign.csv >want-gaps.csv
fk assign gaps --now "$NOW" >got-gaps.csv 2>err.txt
expect_rc 0 "assign gaps"
diff -u want-gaps.csv got-gaps.csv || fail "the gaps differ from the independent computation"
grep -q ',community_cadre' got-gaps.csv || fail "the roles written 社区干部 count as community_cadre"
[ "$(grep -c ',grid$' got-gaps.csv)" -ge 2 ] || fail "grids without a leader are listed"
contains got-gaps.csv "140703002,太谷区第2街道,township"
[ "$(sed -n '/^# persons/,/^$/p' got-gaps.csv | wc -l)" -ge 8 ] || fail "some persons lack roles"
"$PY" want.py load "$NOW" 1407 "$ROLES" "$DATA/regions.csv" assign.csv >want-load.csv
fk assign load --now "$NOW" >got-load.csv 2>err.txt
expect_rc 0 "assign load"
diff -u want-load.csv got-load.csv || fail "the load differs from the independent computation"

# ---- a county's view: --as its viewer, and the same over the API ----
for u in chief:admin:140700 yuci:viewer:140702 lab1:lab:140700 yc:county:140702; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
"$PY" want.py gaps "$NOW" 140702 "$ROLES" "$DATA/regions.csv" assign.csv >want-gaps-yuci.csv
fk assign gaps --now "$NOW" --as yuci >got-gaps-yuci.csv 2>err.txt
expect_rc 0 "assign gaps --as yuci"
diff -u want-gaps-yuci.csv got-gaps-yuci.csv || fail "the 榆次区 gaps differ"
"$PY" want.py load "$NOW" 140702 "$ROLES" "$DATA/regions.csv" assign.csv >want-load-yuci.csv
fk assign load --now "$NOW" --as yuci >got-load-yuci.csv 2>err.txt
diff -u want-load-yuci.csv got-load-yuci.csv || fail "the 榆次区 load differs"
fk assign gaps --now "$NOW" --as yuci --region 140703 >/dev/null 2>err.txt
expect_rc 1 "the 榆次区 viewer asking for 太谷区's gaps"

# a county account may import assignments only inside its county
tg=$(awk -F, 'NR > 1 && $3 ~ /^140703/ { print $1; exit }' accepted.csv)
printf 'cadre,phone,role,region,id_number\n壬,13800008888,leader,140703001,\n癸,13800008888,doctor,140702,%s\n' "$tg" >out.csv
fk import assignments out.csv --as yc 2>err.txt
expect_rc 3 "a county account's assignments outside its county"
contains out.csv.rejects.csv "region 140703001 lies outside your scope"
contains out.csv.rejects.csv "unknown person $tg"

start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
lab=$(login lab1 pw-lab1-2022-x)
# the API's tables are the CLI's blocks: persons, then regions
api "$chief" GET "/api/v1/assign/gaps?now=$NOWQ&format=csv"
expect_status 200 "gaps as csv"
sed -n '/^# persons/,/^$/p' got-gaps.csv | sed '1d;/^$/d' >cli-persons.csv
tr -d '\r' <"$WORK/body" >api-persons.csv
diff -u cli-persons.csv api-persons.csv || fail "the API's gap persons differ from the CLI's"
api "$chief" GET "/api/v1/assign/gaps?now=$NOWQ&part=regions&format=csv"
sed -n '/^# regions/,$p' got-gaps.csv | sed '1d' >cli-regions.csv
tr -d '\r' <"$WORK/body" >api-regions.csv
diff -u cli-regions.csv api-regions.csv || fail "the API's regions without a leader differ"
api "$yuci" GET "/api/v1/assign/gaps?now=$NOWQ&limit=10000"
expect_status 200 "the 榆次区 viewer's gaps"
[ "$(jq_py 'sorted(set(r["grid"][:6] for r in j["rows"]))')" = '["140702"]' ] ||
    fail "the 榆次区 viewer's gaps name persons outside 140702"
api "$yuci" GET "/api/v1/assign/gaps?now=$NOWQ&region=140703"
expect_error forbidden 403 "the 榆次区 viewer asking for 太谷区's gaps"
api "$yuci" GET "/api/v1/assign/load?now=$NOWQ&format=csv"
tr -d '\r' <"$WORK/body" >api-load-yuci.csv
diff -u want-load-yuci.csv api-load-yuci.csv || fail "the 榆次区 viewer's load differs"
api "$lab" GET "/api/v1/assign/gaps?now=$NOWQ"
expect_error forbidden 403 "a lab reading the gaps (named persons)"
api "$chief" GET "/api/v1/assign/gaps?now=$NOWQ&part=everything"
expect_error bad_request 400 "an unknown part"
api "$chief" GET "/api/v1/assign/gaps?now=$NOWQ&format=xlsx"
expect_status 200 "gaps as xlsx"
grep -q PK <(head -c 2 "$WORK/body") || fail "the xlsx download is not a zip"

# ---- one cadre's list: its persons with their control state ----
# the doctor of the fifth person, who is at home (i = 4): the cadre's persons are in every state
fifth=$(sed -n 6p accepted.csv | cut -d, -f1)
dphone=$(awk -F, -v p="$fifth" '$3 == "doctor" && $5 == p { print $2; exit }' assign.csv)
[ -n "$dphone" ] || fail "the fifth person has a doctor"
fk assign list "$dphone" --now "$NOW" >list.csv 2>err.txt
expect_rc 0 "assign list"
contains list.csv "# persons"
"$PY" - "$dphone" "$NOW" <<'PY' || fail "the cadre's list differs from the files"
import csv, sys
phone, now = sys.argv[1], sys.argv[2]
text = open("list.csv", encoding="utf-8").read().split("# persons\n")[1]
got = list(csv.DictReader(text.splitlines()))
want = {a["id_number"] for a in csv.DictReader(open("assign.csv", encoding="utf-8")) if a["phone"] == phone}
assert {r["id_number"] for r in got} == want, (len(got), len(want))
ctl = {}
for c in csv.DictReader(open("controls.csv", encoding="utf-8")):
    ctl.setdefault(c["id_number"], []).append(c)
states = set()
for r in got:
    orders = [c for c in ctl.get(r["id_number"], []) if c["start"] <= now]
    opened = [c for c in orders if c["end"] == "" or c["end"] > now]
    state = min(opened, key=lambda c: c["start"])["place"] if opened else "released" if orders else "none"
    assert r["control"] == state, (r, state)
    assert r["role"] == "doctor"
    states.add(state)
assert states == {"home", "released", "centralized", "none"}, states
PY
api "$chief" GET "/api/v1/assign/cadre?who=$dphone&now=$NOWQ&format=csv"
expect_status 200 "a cadre's list"
tr -d '\r' <"$WORK/body" >api-list.csv
sed -n '/^# persons/,$p' list.csv | sed '1d' >cli-list.csv
diff -u cli-list.csv api-list.csv || fail "the API's cadre list differs from the CLI's"
api "$yuci" GET "/api/v1/assign/cadre?who=$dphone&now=$NOWQ&limit=1000"
expect_status 200 "the 榆次区 viewer's view of a cadre"
[ "$(jq_py 'sorted(set(r["grid"][:6] for r in j["rows"]))')" = '["140702"]' ] ||
    fail "the 榆次区 viewer sees the cadre's persons outside 140702"
fk assign list 无此人 2>err.txt >/dev/null
expect_rc 1 "an unknown cadre"
contains err.txt "no cadre named or with phone 无此人"
api "$chief" GET "/api/v1/assign/cadre?who=%E6%97%A0&now=$NOWQ"
expect_error not_found 404 "an unknown cadre over the API"
api "$chief" GET "/api/v1/assign/cadre?now=$NOWQ"
expect_error bad_request 400 "no ?who="

# ---- a reassignment replaces, a re-import adds nothing ----
fk import assignments assign.csv 2>err.txt
contains err.txt ", 0 accepted (0 updated),"
printf 'cadre,phone,role,region,id_number\n新领导,13800001234,leader,140702001001,\n' >re.csv
fk import assignments re.csv 2>err.txt
contains err.txt "1 accepted (1 updated)"
fk assign list 新领导 >re-list.csv 2>/dev/null
contains re-list.csv "新领导,13800001234,140702001001,榆次区1-1社区,community"
"$PY" want.py load "$NOW" 1407 "$ROLES" "$DATA/regions.csv" assign.csv re.csv >want-load2.csv
fk assign load --now "$NOW" >got-load2.csv 2>/dev/null
diff -u want-load2.csv got-load2.csv || fail "the load after a reassignment differs"

# ---- the profile names the roles: with three, fewer are missing ----
printf '[assign]\nroles = grid_worker,doctor,police\n' >three.ini
"$PY" want.py gaps "$NOW" 1407 grid_worker,doctor,police "$DATA/regions.csv" assign.csv re.csv >want-gaps3.csv
fk assign gaps --now "$NOW" --profile three.ini >got-gaps3.csv 2>/dev/null
diff -u want-gaps3.csv got-gaps3.csv || fail "the gaps under a three-role profile differ"
printf '[assign]\nroles = grid_worker,leader\n' >bad.ini
fk assign gaps --profile bad.ini >/dev/null 2>err.txt
expect_rc 1 "a profile naming leader among the five"
contains err.txt "leader is the role of 四级包保"
echo "ok: assign"
