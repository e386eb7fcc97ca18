#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Vaccination (issue 16): doses for the residents of the worked example city-3 are written here
# (one, two or three doses, a one-dose vaccine, mixed schedules, a dose 3 alone), with bad rows
# that must be rejected with their reasons (dose 0 and 10, an unknown person, a dose before birth);
# coverage per county and per township and age band, and a community's catch-up list, are
# compared with an independent computation in Python over the CSV files; the list shrinks after
# a member's doses arrive, and the push's "since" counts them; over the API, coverage and lists
# equal the command line's, a community account sees only its own list (another community's is
# 403, its push 404), a county viewer only its county, the list downloads as CSV and XLSX.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-09-01T12:00:00+08:00
LATER=2022-09-20T12:00:00+08:00
NOWQ=2022-09-01T12:00:00%2B08:00 # the same in a query string
LATERQ=2022-09-20T12:00:00%2B08:00
C1=140702001001
C2=140702001002
printf '[vaccine]\ndoses.Ad5-nCoV = 1\n' >profile.ini
export P=profile.ini

for t in regions persons; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done
fk export persons --out accepted.csv 2>/dev/null
expect_rc 0 "export persons"
stranger=$("$PY" "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 999)

# The doses, chosen from the ID number's digits so the file is the same every run.
"$PY" - "$stranger" <<'PY'
import csv, sys
rows = list(csv.DictReader(open("accepted.csv", encoding="utf-8")))
out = open("vaccinations.csv", "w", encoding="utf-8", newline="")
w = csv.writer(out, lineterminator="\n")
w.writerow(["id_number", "dose", "time", "vaccine", "site"])
first_resident = None
for r in rows:
    idn = r["id_number"]
    if len(idn) != 18 or not idn[6:14].isdigit():
        continue
    birth = idn[6:14]
    if birth > "20201231":
        continue
    first_resident = first_resident or idn
    k = int(idn[14:17]) % 10
    if k == 0:
        continue  # never vaccinated
    if k == 1:
        w.writerow([idn, 1, "2021-05-01T09:00:00+08:00", "Ad5-nCoV", "S1"])  # one-dose course
    elif k == 2:
        w.writerow([idn, 1, "2021-05-01T09:00:00+08:00", "Ad5-nCoV", "S1"])
        w.writerow([idn, 2, "2022-02-01T09:00:00+08:00", "CoronaVac", "S1"])  # booster
    elif k == 3:
        w.writerow([idn, 3, "2022-03-01T09:00:00+08:00", "CoronaVac", "S1"])  # dose 3 alone
    elif k == 4:
        w.writerow([idn, 1, "2021-06-01", "CoronaVac", ""])  # one of two
    elif k == 5:
        w.writerow([idn, 1, "2021-06-01", "CoronaVac", ""])
        w.writerow([idn, 2, "2022-09-01T12:00:00+08:00", "CoronaVac", ""])  # full exactly at NOW
    elif k == 6:
        w.writerow([idn, 1, "2021-06-01", "CoronaVac", ""])
        w.writerow([idn, 2, "2022-09-01T12:00:01+08:00", "CoronaVac", ""])  # a second after NOW
    else:
        w.writerow([idn, 1, "2021-04-01", "CoronaVac", ""])
        w.writerow([idn, 2, "2021-05-01", "Ad5-nCoV", ""])  # mixed: the first dose's course
        if k >= 8:
            w.writerow([idn, 3, "2022-01-10", "CoronaVac", ""])
bad_birth = first_resident[6:10] + "-" + first_resident[10:12] + "-" + first_resident[12:14]
w.writerow([first_resident, 0, "2021-06-01", "", ""])
w.writerow([first_resident, 10, "2021-06-01", "", ""])
w.writerow([sys.argv[1], 1, "2021-06-01", "", ""])
w.writerow([first_resident, 4, bad_birth + "T00:00:00+08:00", "", ""])  # on the birth day: kept
w.writerow([first_resident, 5, "%04d-12-31" % (int(first_resident[6:10]) - 1), "", ""])
out.close()
PY
lines=$(wc -l <vaccinations.csv)
fk import vaccinations vaccinations.csv --profile "$P" >/dev/null 2>import.err
expect_rc 3 "import vaccinations with bad rows"
contains import.err "4 rejected"
rej=vaccinations.csv.rejects.csv
contains "$rej" "$((lines - 4)),dose '0' is not a dose number from 1 to 9"
contains "$rej" "$((lines - 3)),dose '10' is not a dose number from 1 to 9"
contains "$rej" "$((lines - 2)),unknown person $stranger"
contains "$rej" "$lines,time "
contains "$rej" "is before the person's birth date"
fk import vaccinations vaccinations.csv --profile "$P" >/dev/null 2>again.err
contains again.err "0 accepted"

# ---- the independent answer ----
# expect.py LEVEL_LEN NOW: coverage per region whose code is the grid's first LEVEL_LEN characters
# (county 6, township 9), as fangkong's CSV; or with "catchup COMMUNITY NOW" the catch-up list.
cat >expect.py <<'PY'
import csv, sys
from datetime import datetime, timedelta, timezone
CST = timezone(timedelta(hours=8))
def t(s):
    d = datetime.fromisoformat(s)
    return d if d.tzinfo else d.replace(tzinfo=CST)
course = {"Ad5-nCoV": 1}
persons = list(csv.DictReader(open("accepted.csv", encoding="utf-8")))
doses = {}
import os
files = ["vaccinations.csv"] + (["late.csv"] if os.path.exists("late.csv") else [])
for r in (r for f in files for r in csv.DictReader(open(f, encoding="utf-8"))):
    try:
        d = int(r["dose"]); when = t(r["time"])
    except ValueError:
        continue
    doses.setdefault(r["id_number"], {})[d] = (when, r["vaccine"])  # a later row replaces
regs = list(csv.DictReader(open(sys.argv[-1], encoding="utf-8")))
names = {r["code"]: r["name"] for r in regs}
def age(idn, now):
    b = idn[6:14]
    y, m, d = int(b[:4]), int(b[4:6]), int(b[6:8])
    local = now.astimezone(CST)
    a = local.year - y - ((local.month, local.day) < (m, d))
    return a
def resident(idn):
    if len(idn) != 18 or not idn[:17].isdigit():
        return False
    try:
        datetime(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return True
def valid_dose(idn, when):
    b = idn[6:14]
    return when >= datetime(int(b[:4]), int(b[4:6]), int(b[6:8]), tzinfo=CST)
def levels(idn, now):
    ds = sorted(((w, d, v) for d, (w, v) in doses.get(idn, {}).items()
                 if 1 <= d <= 9 and valid_dose(idn, w)), key=lambda x: (x[0], x[1]))
    need = course.get(ds[0][2], 2) if ds else 2
    level = 0
    for i, (w, d, v) in enumerate(ds):
        if w > now:
            break
        level = max(level, d, i + 1)
    return level, need
def band(a):
    if a < 3: return None
    if a <= 11: return "3-11"
    if a <= 17: return "12-17"
    if a <= 59: return "18-59"
    if a <= 79: return "60-79"
    return "80+"
now = t(sys.argv[2])
if sys.argv[1] == "catchup":
    w = csv.writer(sys.stdout, lineterminator="\n")
    for p in sorted(persons, key=lambda p: (p["grid"], p["id_number"])):
        if not p["grid"].startswith(sys.argv[3]) or not resident(p["id_number"]):
            continue
        a = age(p["id_number"], now)
        lv, need = levels(p["id_number"], now)
        if a >= 12 and lv < need:
            w.writerow([p["grid"], p["id_number"], a, lv])
    sys.exit(0)
n = int(sys.argv[1])
counts = {}
for p in persons:
    idn = p["id_number"]
    if not resident(idn):
        continue
    a = age(idn, now)
    b = band(a)
    if b is None:
        continue
    lv, need = levels(idn, now)
    row = [1, lv >= 1, lv >= need, lv > need]
    for key in (b, "12+") if a >= 12 else (b,):
        c = counts.setdefault((p["grid"][:n], key), [0, 0, 0, 0])  # codes nest by prefix
        for i in range(4):
            c[i] += row[i]
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["region", "name", "band", "residents", "dose1", "full", "booster"])
level = {6: "county", 9: "township"}[n]
regions = sorted(r["code"] for r in regs if r["level"] == level)
for code in regions:
    for b in ("3-11", "12-17", "18-59", "60-79", "80+", "12+"):
        c = counts.get((code, b), [0, 0, 0, 0])
        w.writerow([code, names[code], b] + [int(x) for x in c])
PY

for by in county:6 township:9; do
    fk vaccination coverage --by "${by%%:*}" --now "$NOW" --profile "$P" >"cov-${by%%:*}.csv"
    expect_rc 0 "vaccination coverage --by ${by%%:*}"
    "$PY" expect.py "${by##*:}" "$NOW" "$DATA/regions.csv" >"want-${by%%:*}.csv"
    if ! diff -u "want-${by%%:*}.csv" "cov-${by%%:*}.csv" >cov.diff; then
        head -n 30 cov.diff >&2
        fail "coverage by ${by%%:*} differs from the independent computation"
    fi
done
grep -qx 'region,name,band,residents,dose1,full,booster' <(head -n 1 cov-county.csv) ||
    fail "coverage header: $(head -n 1 cov-county.csv)"

# ---- the catch-up list of a community, before and after a member's doses arrive ----
catchup() { # catchup COMMUNITY NOW OUT: fangkong's list as grid,id_number,age,doses
    fk vaccination catchup --region "$1" --now "$2" --profile "$P" >"$3.full"
    expect_rc 0 "vaccination catchup $1 at $2"
    tail -n +2 "$3.full" | awk -F, '{ print $1 "," $3 "," $6 "," $7 }' >"$3"
}
catchup "$C1" "$NOW" got1.csv
grep -qx 'grid,grid_name,id_number,name,phone,age,doses,last_dose' <(head -n 1 got1.csv.full) ||
    fail "catchup header: $(head -n 1 got1.csv.full)"
"$PY" expect.py catchup "$NOW" "$C1" "$DATA/regions.csv" >want1.csv
[ -s want1.csv ] || fail "the independent catch-up list of $C1 is empty"
diff -u want1.csv got1.csv >catchup.diff || { head -n 20 catchup.diff >&2; fail "catch-up list of $C1 differs"; }
fk vaccination push --region "$C1" --now "$NOW" --profile "$P" 2>push.err
expect_rc 0 "vaccination push"
contains push.err "with $(wc -l <want1.csv) residents pushed"
fk vaccination push --region 140702001 --now "$NOW" 2>push2.err
expect_rc 1 "push to a township"
contains push2.err "is a township: a catch-up list is pushed to a community"
# A member with no dose gets two after the push.
m=$(awk -F, '$4 == 0 { print $2; exit }' got1.csv)
[ -n "$m" ] || fail "no member of $C1's list without a dose"
printf 'id_number,dose,time,vaccine\n%s,1,2022-09-05T10:00:00+08:00,CoronaVac\n%s,2,2022-09-15T10:00:00+08:00,CoronaVac\n' "$m" "$m" >late.csv
fk import vaccinations late.csv >/dev/null 2>&1
expect_rc 0 "import the late doses"
catchup "$C1" "$LATER" got2.csv
"$PY" expect.py catchup "$LATER" "$C1" "$DATA/regions.csv" >want2.csv
diff -u want2.csv got2.csv >catchup2.diff || { head -n 20 catchup2.diff >&2; fail "later catch-up list of $C1 differs"; }
grep -q ",$m," got2.csv && fail "$m is still on the list after two doses"
fk vaccination communities --region 140702001 --now "$LATER" --profile "$P" >com.csv
expect_rc 0 "vaccination communities"
row=$(grep "^$C1," com.csv)
[ "$(echo "$row" | cut -d, -f4)" = "$(wc -l <got2.csv)" ] || fail "on_list of $C1: $row"
[ "$(echo "$row" | cut -d, -f7)" = "$(wc -l <want1.csv)" ] || fail "pushed_members of $C1: $row"
# since: members of the pushed list with a dose after NOW and by LATER, from the files.
since=$("$PY" - "$NOW" "$LATER" <<'PY'
import csv, sys
from datetime import datetime, timedelta, timezone
def t(s):
    d = datetime.fromisoformat(s)
    return d if d.tzinfo else d.replace(tzinfo=timezone(timedelta(hours=8)))
now, later = t(sys.argv[1]), t(sys.argv[2])
members = {l.split(",")[1] for l in open("got1.csv", encoding="utf-8")}
n = set()
for f in ("vaccinations.csv", "late.csv"):
    for r in csv.DictReader(open(f, encoding="utf-8")):
        try:
            w = t(r["time"])
        except ValueError:
            continue
        if r["id_number"] in members and now < w <= later:
            n.add(r["id_number"])
print(len(n))
PY
)
[ "$since" -ge 1 ] || fail "no member of the pushed list was vaccinated since (the test's data)"
[ "$(echo "$row" | cut -d, -f8)" = "$since" ] || fail "since of $C1 (want $since): $row"
[ "$(echo "$row" | cut -d, -f5)" = "$NOW" ] || fail "pushed time of $C1: $row"
[ -z "$(grep "^$C2," com.csv | cut -d, -f5)" ] || fail "$C2 was never pushed: $(grep "^$C2," com.csv)"
fk audit >audit.csv 2>/dev/null
contains audit.csv "vaccination.push,$C1"

# ---- the API, cut to the caller's scope ----
for u in chief:admin:140700 sq:grid:$C1 yuci:viewer:140702 lab1:lab:140700; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
start_server --profile "$P"
chief=$(login chief pw-chief-2022-x)
sq=$(login sq pw-sq-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
lab=$(login lab1 pw-lab1-2022-x)
api "$chief" GET "/api/v1/vaccination/coverage?by=county&now=$NOWQ&format=csv"
expect_status 200 "coverage as csv"
cp "$WORK/body" api-cov.csv
diff -u cov-county.csv api-cov.csv >/dev/null || fail "the API's coverage differs from the CLI's"
api "$yuci" GET "/api/v1/vaccination/coverage?by=county&now=$NOWQ&format=csv"
expect_status 200 "coverage as the 榆次区 viewer"
[ "$(tail -n +2 "$WORK/body" | cut -d, -f1 | sort -u)" = "140702" ] ||
    fail "the 榆次区 viewer's coverage names other regions: $(cut -d, -f1 "$WORK/body" | sort -u | tr '\n' ' ')"
api "$sq" GET "/api/v1/vaccination/catchup?now=$LATERQ&format=csv"
expect_status 200 "the community's own list"
cp "$WORK/body" api-c1.csv
diff -u got2.csv.full api-c1.csv >/dev/null || fail "the community account's list differs from the CLI's"
api "$sq" GET "/api/v1/vaccination/catchup?region=140702&now=$LATERQ&format=csv"
expect_status 200 "the community's list asked by county"
diff -u got2.csv.full "$WORK/body" >/dev/null || fail "a community account asking for its county got more than its own list"
api "$sq" GET "/api/v1/vaccination/catchup?region=$C2&now=$LATERQ"
expect_error forbidden 403 "a community account asking for another community's list"
api "$yuci" GET "/api/v1/vaccination/catchup?region=140703&now=$LATERQ"
expect_error forbidden 403 "the 榆次区 viewer asking for 太谷区's list"
api "$yuci" GET "/api/v1/vaccination/catchup?now=$LATERQ&limit=10000"
expect_status 200 "the 榆次区 viewer's list"
[ "$(jq_py 'sorted(set(r["grid"][:6] for r in j["rows"]))')" = '["140702"]' ] ||
    fail "the 榆次区 viewer's list names residents outside 140702"
api "$lab" GET "/api/v1/vaccination/catchup?now=$LATERQ"
expect_error forbidden 403 "a lab reading a catch-up list"
api "$sq" GET "/api/v1/vaccination/catchup?now=$LATERQ&format=xlsx"
expect_status 200 "the list as xlsx"
grep -q PK <(head -c 2 "$WORK/body") || fail "the xlsx download is not a zip"
api "$sq" GET "/api/v1/vaccination/communities?now=$LATERQ"
expect_status 200 "communities as the community account"
[ "$(jq_py '[r["community"] for r in j["rows"]]')" = "[\"$C1\"]" ] ||
    fail "the community account sees other communities: $(jq_py '[r["community"] for r in j["rows"]]')"
[ "$(jq_py 'j["rows"][0]["since"]')" = "$since" ] || fail "since over the API: $(jq_py 'j["rows"][0]')"
api "$sq" POST "/api/v1/vaccination/push?now=$LATERQ" -H 'Content-Type: application/json' --data-binary "{\"region\":\"$C2\"}"
expect_error not_found 404 "a community account pushing another community's list"
api "$yuci" POST /api/v1/vaccination/push -H 'Content-Type: application/json' --data-binary "{\"region\":\"$C1\"}"
expect_error forbidden 403 "a viewer pushing"
api "$sq" POST "/api/v1/vaccination/push?now=$LATERQ" -H 'Content-Type: application/json' --data-binary "{\"region\":\"$C1\"}"
expect_status 200 "the community account pushing its list"
[ "$(jq_py 'j["members"]')" = "$(wc -l <got2.csv)" ] || fail "push answer: $(cat "$WORK/body")"
api "$sq" GET "/api/v1/vaccination/communities?now=$LATERQ"
[ "$(jq_py 'j["rows"][0]["since"]')" = "0" ] || fail "since after a new push: $(jq_py 'j["rows"][0]')"
# Rows as JSON: a dose before birth is rejected with its reason, a good one kept.
kid=$(awk -F, '$3 ~ /^140702/ && substr($1, 7, 4) + 0 >= 2012 { print $1; exit }' accepted.csv)
[ -n "$kid" ] || fail "no resident of 140702 born since 2012 in the fixture"
api "$chief" POST /api/v1/vaccinations -H 'Content-Type: application/json' \
    --data-binary "[{\"id_number\":\"$kid\",\"dose\":\"1\",\"time\":\"2005-01-01\"},{\"id_number\":\"$kid\",\"dose\":\"1\",\"time\":\"2022-08-01\"}]"
expect_status 200 "POST /api/v1/vaccinations"
[ "$(jq_py 'j["accepted"]')" = "1" ] && [ "$(jq_py 'j["rejected"]')" = "1" ] ||
    fail "JSON rows: $(cat "$WORK/body")"
grep -q "before the person's birth date" "$WORK/body" || fail "the JSON reject names no reason: $(cat "$WORK/body")"
