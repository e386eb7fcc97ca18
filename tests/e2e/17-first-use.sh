#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The defects a new user hit in a first afternoon, each against the real binary on city-3: a
# mistyped data file is not created by a verb that only reads it; an unknown import type lists
# every type; control list --date D as of that day; regime due --by with --state; tat --now as
# of that time; transfer keeps the day count; arrivals from a risk area during its risk period;
# backcheck by area name; the audit rows of control actions name the person by ID number.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
PY=$(python3 -c 'import sys; print(sys.executable)')

# ---- a data file that does not exist: only import and user add make one ----
for verb in status "round list" "coverage R1" "tat R1" "control list" "regime due" "audit" \
    "user list" "arrivals list" "backcheck" "serve --listen 192.0.2.1"; do
    # shellcheck disable=SC2086
    fk $verb --db "$WORK/typo.db" 2>err.txt
    expect_rc 1 "$verb on a missing data file"
    contains err.txt "no data file at $WORK/typo.db"
    [ ! -e "$WORK/typo.db" ] || fail "$verb created $WORK/typo.db"
done
fk import nonsense "$DATA/regions.csv" --db "$WORK/typo.db" 2>/dev/null
[ ! -e "$WORK/typo.db" ] || fail "an import of an unknown type created the data file"

# ---- an unknown import type names all twelve ----
fk import people "$DATA/persons.csv" 2>err.txt
expect_rc 1 "unknown type"
for t in regions persons venues scans pings samples results cases controls arrivals risk_areas \
    door_events; do
    contains err.txt "$t"
done

mkdir c3
cp "$DATA"/*.csv c3/
for t in regions persons venues scans pings samples results cases; do
    fk import "$t" "c3/$t.csv" 2>/dev/null
done
[ -e "$FANGKONG_DB" ] || fail "import did not create the data file"

# ---- tat --now T: as of T (tubes sampled later and results reported later are not there) ----
IFS=, read -r rname rregion rstart rend <"$DATA/round.txt"
fk round create "$rname" --region "$rregion" --start "$rstart" --end "$rend" >/dev/null 2>&1
expect_rc 0 "round create"
total() { fk tat R1 --now "$1" >tat.csv 2>/dev/null; grep '^(total),' tat.csv; }
IFS=, read -r _ t_all _ res_all _ < <(total 2022-08-30T07:00:00+08:00)
[ "$res_all" -gt 0 ] || fail "no result by 08-30"
IFS=, read -r _ tubes received resulted pending overdue late _ < <(total 2022-08-29T07:00:00+08:00)
[ "$resulted" = 0 ] && [ "$received" = 0 ] && [ "$late" = 0 ] && [ "$pending" = "$tubes" ] ||
    fail "tat --now 08-29T07:00 counts the results of 08:00: $(tail -1 tat.csv)"
[ "$overdue" -gt 0 ] || fail "tat --now 08-29T07:00: nothing overdue"
IFS=, read -r _ tubes_noon _ < <(total 2022-08-28T12:00:00+08:00)
[ "$tubes_noon" -gt 0 ] && [ "$tubes_noon" -lt "$t_all" ] ||
    fail "tat --now 08-28T12:00 counts tubes sampled later ($tubes_noon of $t_all)"
fk tat R1 --overdue --now 2022-08-29T07:00:00+08:00 >od-tubes.csv 2>/dev/null
[ "$(($(wc -l <od-tubes.csv) - 1))" = "$overdue" ] || fail "tat --overdue differs from the count"

# ---- control list --date D: as of D ----
fk control from-trace --depth 2 --at 2022-09-01T10:00:00+08:00 2>/dev/null
expect_rc 0 "control from-trace"
fk control from-trace --depth 2 --at 2022-09-03T10:00:00+08:00 2>/dev/null
fk control list --date 2022-09-03 >l3.csv 2>/dev/null
n=$(($(wc -l <l3.csv) - 1))
[ "$n" -gt 2 ] || fail "nobody under control on 09-03"
fk control list --date 2022-08-31 >l0.csv 2>/dev/null
[ "$(wc -l <l0.csv)" -eq 1 ] || fail "control list --date 08-31 lists orders that start on 09-01"
fk control summary --date 2022-08-31 >s0.csv 2>/dev/null
[ "$(wc -l <s0.csv)" -eq 1 ] || fail "control summary --date 08-31 counts orders that start later"
# A release on 09-05: open on 09-04, released from 09-05 on.
P=$(sed -n 2p l3.csv | cut -d, -f2)
fk control release "$P" --at 2022-09-05T10:00:00+08:00 --force 2>/dev/null
expect_rc 0 "release"
fk control list --date 2022-09-04 >l4.csv 2>/dev/null
contains l4.csv "$P,"
[ "$(($(wc -l <l4.csv) - 1))" -eq "$n" ] || fail "09-04 lists not every order open that day"
fk control list --date 2022-09-05 >l5.csv 2>/dev/null
grep -q "$P," l5.csv && fail "09-05 lists the order released that day"
grep -q -- '^-' <(cut -d, -f12 l3.csv l4.csv) && fail "a negative day number"

# ---- a transfer carries on the day count; the audit names persons by ID number ----
Q=$(awk -F, 'NR > 2 && $9 ~ /^2022-09-01/ { print $2; exit }' l3.csv)
[ -n "$Q" ] && [ "$Q" != "$P" ] || fail "no order of 09-01 to transfer"
fk control transfer "$Q" --place centralized --site 隔离酒店A --at 2022-09-03T09:00:00+08:00 \
    2>/dev/null
expect_rc 0 "transfer"
fk control list --date 2022-09-04 --place centralized >c4.csv 2>/dev/null
[ "$(grep "^[0-9]*,$Q," c4.csv | cut -d, -f12)" = 3 ] ||
    fail "the transfer restarted the day count: $(grep "$Q," c4.csv)"
fk control release "$Q" --at 2022-09-06T09:00:00+08:00 2>err.txt
expect_rc 1 "release on day 5"
contains err.txt "day 5 of 7"
fk control extend "$Q" --days 2 2>/dev/null
expect_rc 0 "extend"
printf 'id_number,category,place,start,device\n%s,close,centralized,2022-09-03T09:00:00+08:00,DOOR-Q\n' \
    "$Q" >ctl.csv
fk import controls ctl.csv 2>/dev/null
printf 'device,id_number,time,event\nDOOR-Q,%s,2022-09-03T22:00:00+08:00,tamper\n' "$Q" >door.csv
fk import door_events door.csv 2>/dev/null
fk alerts >alerts.csv 2>/dev/null
AL=$(awk -F, 'NR == 2 { print $1 }' alerts.csv)
fk alerts close "$AL" --note 已更换门磁 2>/dev/null
expect_rc 0 "alert close"
fk audit >audit.csv 2>/dev/null
"$PY" - audit.csv "$P" "$Q" <<'PY' || fail "audit rows do not name persons by ID number"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = {"control.release": sys.argv[2], "control.transfer": sys.argv[3],
        "control.extend": sys.argv[3], "alert.close": sys.argv[3]}
for action, idn in want.items():
    got = [r for r in rows if r["action"] == action]
    assert got, "no %s row" % action
    for r in got:
        assert r["target"] == idn, r
        assert not re.search(r"\bperson \d", r["detail"]), r
PY

# ---- backcheck by the area's code or name; arrivals from a current risk area ----
fk control list --status all >all.csv 2>/dev/null
read -r B1 B2 B3 < <("$PY" - c3/persons.csv all.csv <<'PY'
import csv, sys
bad = {int(r["line"]) for r in csv.DictReader(open(sys.argv[1] + ".rejects.csv"))}
listed = {r["id_number"] for r in csv.DictReader(open(sys.argv[2]))}
free = [r["id_number"] for i, r in enumerate(csv.DictReader(open(sys.argv[1])), 2)
        if i not in bad and r["id_number"] not in listed]
print(*free[:3])
PY
)
cat >arr.csv <<EOF
id_number,arrived,origin
$B1,2022-09-03T08:00:00+08:00,110105
$B2,2022-09-04T08:00:00+08:00,北京市朝阳区望京街道
$B3,2022-09-11T08:00:00+08:00,110105003
EOF
fk import arrivals arr.csv 2>/dev/null
expect_rc 0 "import arrivals"
printf 'area,level,start,name\n110105,high,2022-09-10,北京市朝阳区\n' >risk.csv
fk import risk_areas risk.csv 2>/dev/null
expect_rc 0 "import risk areas with a name"
for area in 北京市朝阳区 110105; do
    fk backcheck "$area" >bc.csv 2>err.txt
    expect_rc 0 "backcheck $area"
    contains bc.csv "$B1,"
    contains bc.csv "$B2,"
    grep -q "$B3," bc.csv && fail "backcheck $area lists an arrival after the period started"
done
fk backcheck 北京市朝阳区 --control --at 2022-09-10T09:00:00+08:00 >bc2.csv 2>err.txt
expect_rc 0 "backcheck by name --control" # (under ASan: the engine opened twice leaked)
contains err.txt "2 put under home control"
fk backcheck >areas.csv 2>/dev/null
contains areas.csv ",北京市朝阳区"
# B3 came while 110105 was a risk area: arrivals check says so, and --control locks B3.
fk arrivals check --date 2022-09-12 >ac.csv 2>err.txt
expect_rc 0 "arrivals check"
contains err.txt "1 arrivals from a current risk area not under control"
grep -q "^$B3,.*,from a current risk area: 110105 北京市朝阳区 (high since 2022-09-10)$" ac.csv ||
    fail "arrivals check does not flag $B3: $(grep "$B3" ac.csv)"
grep -qv "^$B3," <(grep "from a current risk area" ac.csv) && fail "another arrival flagged"
fk arrivals check --date 2022-09-12 --control --at 2022-09-12T09:00:00+08:00 >ac2.csv 2>err.txt
expect_rc 0 "arrivals check --control"
contains err.txt "1 arrivals from a current risk area: 1 put under home control, 0 already"
grep -q "^$B3,.*,arrival," ac2.csv && fail "$B3 is still followed as an arrival"
fk control list --category risk_area --date 2022-09-12 >rl.csv 2>/dev/null
contains rl.csv ",$B3,"
fk regime due --control 2>err.txt
expect_rc 1 "regime due --control"

# ---- regime due --by LEVEL --state S counts only tests in S ----
fk regime due --date 2022-09-05 --state overdue >od.csv 2>/dev/null
fk regime due --date 2022-09-05 --by city --state overdue >odb.csv 2>/dev/null
expect_rc 0 "regime due --by city --state overdue"
"$PY" - od.csv odb.csv <<'PY' || fail "regime due --by --state ignores --state"
import csv, sys
od = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert od, "no overdue test to count"
assert len(b) == 1 and int(b[0]["overdue"]) == len(od), (b, len(od))
assert b[0]["done"] == "0" and b[0]["due"] == "0", b
# persons: each person once per source that follows them (an arrival may also be a worker)
assert int(b[0]["persons"]) == len({(r["id_number"], r["source"]) for r in od}), b
PY
echo "first use: all pass"
