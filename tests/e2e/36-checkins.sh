#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Daily health check-ins (健康监测, issue 18) on the worked example city-3: control orders at every
# place (home, centralized, hospital, monitoring; some ended, some starting mid-day, some
# transferred home -> centralized) and four days of check-ins up to --now, with the window's edges
# (11:59:59, exactly 12:00:00) and the fever's (37.2, 37.3), are written here; bad rows are
# rejected with their lines and reasons (not under home or centralized control, 33.9 and 43.1 °C,
# an unknown person, two decimals, an unknown symptom) and a re-import adds nothing. `fangkong
# checkin status` by county and township and `checkin list` (all, --missed, --fever) are compared
# with an independent computation in Python over the CSV files, and so are the alerts the day
# raises (fever, checkin_missed) and the fever tests in regime due. Over the API the answers equal
# the command line's, a county viewer sees only its county (another county is 403), a lab account
# may read the counts but not the names, and a check-in posted as a JSON row is counted.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
NOW=2022-08-30T15:30:00+08:00
NOWQ=2022-08-30T15:30:00%2B08:00
DAY=2022-08-30

for t in regions persons; do
    fk import "$t" "$DATA/$t.csv" >/dev/null 2>&1
done

# The files, the same every run (a seeded generator).
"$PY" - "$DATA/persons.csv" "$NOW" <<'PY'
import csv, random, sys
from datetime import datetime, timedelta
rng = random.Random(18)
persons = [p for p in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if len(p["id_number"]) == 18]
now = datetime.fromisoformat(sys.argv[2])
tz = now.tzinfo
W = lambda name: csv.writer(open(name, "w", encoding="utf-8", newline=""), lineterminator="\n")
iso = lambda t: t.isoformat()
chosen = rng.sample(persons, 160)
orders = []  # (id, place, start, end)
for i, p in enumerate(chosen):
    place = ["home", "centralized", "home", "centralized", "hospital", "monitoring"][i % 6]
    start = datetime(2022, 8, 25, tzinfo=tz) + timedelta(minutes=rng.randrange(0, 5 * 24 * 60))
    if i % 17 == 0:
        start = datetime(2022, 8, 30, 9, 0, tzinfo=tz)  # mid-day today
    if start >= now:
        start = now - timedelta(hours=2)
    end = None
    if i % 5 == 0:
        end = start + timedelta(minutes=rng.randrange(60, 3 * 24 * 60))
        if end > now:
            end = None
    if i % 11 == 3 and end is None and place == "home":
        # transferred: home until a point, centralized from the same moment
        mid = start + (now - start) / 2
        orders.append((p["id_number"], "home", start, mid))
        orders.append((p["id_number"], "centralized", mid, None))
        continue
    if i % 13 == 7:  # ends exactly at 12:00:00 on the 29th
        start = min(start, datetime(2022, 8, 28, 8, tzinfo=tz))
        end = datetime(2022, 8, 29, 12, tzinfo=tz)
    orders.append((p["id_number"], place, start, end))
c = W("controls.csv")
c.writerow(["id_number", "category", "place", "start", "end"])
for idn, place, s, e in orders:
    c.writerow([idn, "close", place, iso(s), iso(e) if e else ""])
counting = {}
for idn, place, s, e in orders:
    if place in ("home", "centralized"):
        counting.setdefault(idn, []).append((s, e))
def covered(idn, t):
    return any(s <= t and (e is None or t < e) for s, e in counting.get(idn, []))
k = W("checkins.csv")
k.writerow(["id_number", "time", "temperature", "symptoms"])
n = 0
for idn in sorted(counting):
    for d in range(27, 31):
        for w in (0, 1):
            ws = datetime(2022, 8, d, 12 * w, tzinfo=tz)
            n += 1
            if rng.random() < 0.22:
                continue  # no check-in in this window
            for rep in range(1 + (n % 9 == 0)):
                edge = n % 10
                if edge == 1:
                    t = ws + timedelta(hours=12) - timedelta(seconds=1)  # 11:59:59 / 23:59:59
                elif edge == 2:
                    t = ws  # exactly 00:00:00 / 12:00:00
                else:
                    t = ws + timedelta(minutes=rng.randrange(0, 12 * 60))
                if t >= now or not covered(idn, t):
                    continue
                temp = "%.1f" % (36.0 + rng.randrange(0, 11) / 10)
                if n % 23 == 0:
                    temp = "37.3"
                elif n % 23 == 1:
                    temp = "37.2"
                elif n % 31 == 4:
                    temp = "38.1"
                sym = ["", "none", "cough;fatigue", "fever;sore_throat"][n % 4]
                k.writerow([idn, iso(t + timedelta(seconds=(-7 if edge == 1 else 7) * rep)), temp, sym])
# Bad rows: each alone on its line, in this order.
hosp = next(idn for idn, place, s, e in orders if place == "hospital" and e is None)
mon = next(idn for idn, place, s, e in orders if place == "monitoring" and e is None)
free = next(p["id_number"] for p in persons if p["id_number"] not in counting
            and all(p["id_number"] != o[0] for o in orders))
good = next(idn for idn in sorted(counting) if covered(idn, now - timedelta(minutes=1)))
body = "11010119900307001"
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
unknown = body + "10X98765432"[sum(int(a) * b for a, b in zip(body, w)) % 11]
t = iso(now - timedelta(minutes=1))
W("bad-checkins.csv").writerows([
    ["id_number", "time", "temperature", "symptoms"],
    [hosp, t, "36.5", ""],
    [mon, t, "36.5", ""],
    [free, t, "36.5", ""],
    [good, t, "33.9", ""],
    [good, t, "43.1", ""],
    [unknown, t, "36.5", ""],
    [good, t, "36.55", ""],
    [good, t, "36.5", "sneeze"],
])
open("bad-ids.txt", "w").write("\n".join([hosp, mon, free, good, unknown, t]) + "\n")
PY
{ read -r HOSP; read -r MON; read -r FREE; read -r GOOD; read -r UNKNOWN; read -r BADT; } <bad-ids.txt

fk import controls controls.csv 2>import-controls.log
expect_rc 0 "import controls"
fk import checkins checkins.csv 2>import-checkins.log
expect_rc 0 "import checkins"
grep -q "T12:00:00+08:00" checkins.csv && grep -q "T11:59:59+08:00" checkins.csv &&
    grep -q ",37.3," checkins.csv && grep -q ",37.2," checkins.csv ||
    fail "the fixture lost its edges (12:00:00, 11:59:59, 37.3, 37.2)"
fk import checkins checkins.csv 2>again.log
expect_rc 0 "import checkins again"
contains again.log "0 accepted"
rows=$(($(wc -l <checkins.csv) - 1))
[ "$(count checkins)" -eq "$rows" ] || fail "the store holds $(count checkins) check-ins, the file $rows"

fk import checkins bad-checkins.csv 2>/dev/null
expect_rc 3 "import bad-checkins (all rejected)"
rej=bad-checkins.csv.rejects.csv
[ "$(($(wc -l <"$rej") - 1))" -eq 8 ] || fail "bad-checkins: $(($(wc -l <"$rej") - 1)) rejects, not 8"
contains "$rej" "2,$HOSP is not under home or centralized control at $BADT (import the control order first)"
contains "$rej" "3,$MON is not under home or centralized control at $BADT"
contains "$rej" "4,$FREE is not under home or centralized control at $BADT"
contains "$rej" "5,temperature 33.9 °C is outside 34.0 to 43.0 °C"
contains "$rej" "6,temperature 43.1 °C is outside 34.0 to 43.0 °C"
contains "$rej" "7,unknown person $UNKNOWN"
contains "$rej" "8,\"temperature '36.55' is not a number of degrees Celsius with at most one decimal"
contains "$rej" "9,\"symptom 'sneeze' is not one of fever, cough"
[ "$(count checkins)" -eq "$rows" ] || fail "rejected rows were stored"

# The independent answer.
"$PY" - "$DATA/regions.csv" "$DATA/persons.csv" "$NOW" "$DAY" <<'PY'
import csv, sys
from datetime import datetime, timedelta, date
regions = {r["code"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
persons = {p["id_number"]: p for p in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
now = datetime.fromisoformat(sys.argv[3])
tz = now.tzinfo
D = date.fromisoformat(sys.argv[4])
T = lambda s: datetime.fromisoformat(s)
orders = {}
for o in csv.DictReader(open("controls.csv", encoding="utf-8")):
    if o["place"] in ("home", "centralized"):
        orders.setdefault(o["id_number"], []).append(
            (T(o["start"]), T(o["end"]) if o["end"] else None, o["place"]))
checks = {}
for c in csv.DictReader(open("checkins.csv", encoding="utf-8")):
    checks.setdefault(c["id_number"], []).append((T(c["time"]), round(float(c["temperature"]) * 10)))
first = min(t for v in checks.values() for t, _ in v)

def judge(idn, day):
    """[(window, expected, place, reports [(t, temp)], state)] of one person's day."""
    out = []
    os_ = orders.get(idn, [])
    for k in (0, 1):
        ws = datetime(day.year, day.month, day.day, 12 * k, tzinfo=tz)
        we = ws + timedelta(hours=12)
        place = None
        for s, e, pl in os_:
            if s <= ws and (e is None or ws < e):
                place = pl
        reps = []
        for t, temp in sorted(checks.get(idn, [])):
            if ws <= t < we and t <= now:
                cov = [pl for s, e, pl in os_ if s <= t and (e is None or t < e)]
                if cov:
                    reps.append((t, temp))
                    if place is None:
                        place = cov[-1]
        if place is None:
            continue
        if reps:
            state = "fever" if max(x for _, x in reps) >= 373 else "reported"
        else:
            state = "missed" if now >= we else "pending"
        out.append((k, place, reps, state))
    return out

def anc(code, level):
    c = code
    while c:
        if regions[c]["level"] == level:
            return c
        c = regions[c]["parent"]
    return None

for level in ("county", "township"):
    cells = {}
    for idn in orders:
        ws = judge(idn, D)
        if not ws:
            continue
        g = anc(persons[idn]["grid"], level)
        c = cells.setdefault(g, [0, 0, 0, 0, 0, 0])
        c[0] += 1
        c[1] += len(ws)
        c[2] += sum(1 for w in ws if w[3] in ("reported", "fever"))
        c[3] += sum(1 for w in ws if w[3] == "missed")
        c[4] += sum(1 for w in ws if w[3] == "pending")
        c[5] += any(x >= 373 for w in ws for _, x in w[2])
    with open("want-status-%s.csv" % level, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "name", "persons", "expected", "reported", "missed", "pending",
                    "fever", "completeness"])
        for g in sorted(cells):
            c = cells[g]
            comp = "%.4f" % (c[2] / (c[2] + c[3])) if c[2] + c[3] else ""
            w.writerow([g, regions[g]["name"]] + c + [comp])
rows = []
for idn in orders:
    p = persons[idn]
    for k, place, reps, state in judge(idn, D):
        best = None
        for t, x in reps:
            if best is None or x > best[1]:
                best = (t, x)
        rows.append([idn, p["name"], p["grid"], place, ["00:00-12:00", "12:00-24:00"][k],
                     best[0].isoformat() if best else "",
                     "%d.%d" % (best[1] // 10, best[1] % 10) if best else "", state])
rows.sort(key=lambda r: (r[2].encode(), r[0].encode(), r[4].encode()))
hdr = ["id_number", "name", "grid", "place", "window", "time", "temperature", "state"]
for name, keep in (("all", None), ("missed", {"missed"}), ("fever", {"fever"}),
                   ("both", {"missed", "fever"})):
    with open("want-list-%s.csv" % name, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(hdr)
        w.writerows(r for r in rows if keep is None or r[7] in keep)
# Alerts as of now: a fever per fever check-in; a missed window on every day from the first
# check-in's day up to now.
fevers = sum(1 for v in checks.values() for t, x in v if x >= 373)
missed = 0
d = max(first.date(), now.date() - timedelta(days=6))  # the sweep looks 7 days back at most
while d <= now.date():
    for idn in orders:
        if min(s for s, _, _ in orders[idn]).date() > d:
            continue
        missed += sum(1 for w in judge(idn, d) if w[3] == "missed")
    d += timedelta(days=1)
# Fever tests due: one per person and fever day, listed up to 7 days after.
fdays = {(i, t.date()) for i, v in checks.items() for t, x in v if x >= 373}
open("want-alerts.txt", "w").write("%d %d %d\n" % (fevers, missed, len(fdays)))
PY

for level in county township; do
    fk checkin status --date "$DAY" --by "$level" --now "$NOW" >"status-$level.csv"
    expect_rc 0 "checkin status --by $level"
    cmp -s "status-$level.csv" "want-status-$level.csv" ||
        { diff "status-$level.csv" "want-status-$level.csv" | head >&2; fail "status by $level differs from the independent computation"; }
done
for f in all missed fever both; do
    case $f in
    all) args=() ;; missed) args=(--missed) ;; fever) args=(--fever) ;; both) args=(--missed --fever) ;;
    esac
    fk checkin list --date "$DAY" --now "$NOW" "${args[@]}" >"list-$f.csv"
    expect_rc 0 "checkin list $f"
    cmp -s "list-$f.csv" "want-list-$f.csv" ||
        { diff "list-$f.csv" "want-list-$f.csv" | head >&2; fail "checkin list ($f) differs from the independent computation"; }
done
[ "$(wc -l <want-list-missed.csv)" -gt 1 ] && [ "$(wc -l <want-list-fever.csv)" -gt 1 ] &&
    grep -q ',pending$' want-list-all.csv || fail "the fixture has no missed, fever or pending window today"
# --now before the afternoon ends: its empty windows are pending, not missed.
fk checkin list --date 2022-08-29 --now 2022-08-29T23:59:59+08:00 --missed >early.csv
fk checkin list --date 2022-08-29 --now 2022-08-30T00:00:00+08:00 --missed >late.csv
grep -q ',12:00-24:00,' early.csv && fail "an afternoon window is missed before it has ended"
grep -q ',12:00-24:00,' late.csv || fail "no afternoon window is missed once it has ended"
fk checkin status --date 2022-13-01 2>bad-date.err
expect_rc 1 "checkin status with a bad --date"
contains bad-date.err "--date takes a date like 2022-08-28"

# The alerts and the fever tests.
read -r FEVERS MISSED FTESTS <want-alerts.txt
fk alerts --now "$NOW" >alerts.csv
expect_rc 0 "alerts"
[ "$(grep -c ',fever,' alerts.csv)" -eq "$FEVERS" ] || fail "$(grep -c ',fever,' alerts.csv) fever alerts, want $FEVERS"
[ "$(grep -c ',checkin_missed,' alerts.csv)" -eq "$MISSED" ] ||
    fail "$(grep -c ',checkin_missed,' alerts.csv) checkin_missed alerts, want $MISSED"
fk alerts --now "$NOW" >alerts-again.csv
[ "$(grep -c ',checkin_missed,' alerts-again.csv)" -eq "$MISSED" ] || fail "a second sweep raised missed alerts twice"
fk regime due --now "$NOW" >due.csv
expect_rc 0 "regime due"
[ "$(awk -F, '$5 == "fever"' due.csv | wc -l)" -eq "$FTESTS" ] ||
    fail "$(awk -F, '$5 == "fever"' due.csv | wc -l) fever tests in regime due, want $FTESTS"

# ---- the API, cut to the caller's scope ----
for u in chief:admin:140700 yuci:viewer:140702 lab:lab:140700; do
    IFS=: read -r name role scope <<<"$u"
    echo "pw-$name-2022-x" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $name"
done
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
lab=$(login lab pw-lab-2022-x)
api "$chief" GET "/api/v1/checkins/status?date=$DAY&by=township&now=$NOWQ&format=csv"
expect_status 200 "status as csv"
cmp -s "$WORK/body" status-township.csv || fail "the API's status differs from the CLI's"
api "$chief" GET "/api/v1/checkins?date=$DAY&now=$NOWQ&format=csv"
expect_status 200 "list as csv"
cmp -s "$WORK/body" list-all.csv || fail "the API's list differs from the CLI's"
api "$chief" GET "/api/v1/checkins?date=$DAY&now=$NOWQ&missed=1&fever=1&format=csv"
cmp -s "$WORK/body" list-both.csv || fail "the API's missed and fever list differs from the CLI's"
api "$chief" GET "/api/v1/checkins?date=$DAY&now=$NOWQ&format=xlsx"
expect_status 200 "list as xlsx"
grep -q PK <(head -c 2 "$WORK/body") || fail "the xlsx download is not a workbook"
fk checkin status --date "$DAY" --by township --region 140702 --now "$NOW" >yuci-status.csv
api "$yuci" GET "/api/v1/checkins/status?date=$DAY&by=township&now=$NOWQ&format=csv"
expect_status 200 "status as the 榆次区 viewer"
cmp -s "$WORK/body" yuci-status.csv || fail "the viewer's status is not its county's"
grep -q '^140703\|^140729' "$WORK/body" && fail "the 榆次区 viewer sees another county"
[ "$(wc -l <"$WORK/body")" -gt 1 ] || fail "the viewer's status is empty"
api "$yuci" GET "/api/v1/checkins?date=$DAY&now=$NOWQ&format=csv"
expect_status 200 "list as the 榆次区 viewer"
cut -d, -f3 "$WORK/body" | tail -n +2 | grep -v '^140702' && fail "the viewer's list leaves its county"
[ "$(wc -l <"$WORK/body")" -gt 1 ] || fail "the viewer's list is empty"
api "$yuci" GET "/api/v1/checkins/status?date=$DAY&region=140703"
expect_error forbidden 403 "another county's status"
api "$yuci" GET "/api/v1/checkins?date=$DAY&region=140703"
expect_error forbidden 403 "another county's list"
api "$lab" GET "/api/v1/checkins/status?date=$DAY&now=$NOWQ&format=csv"
expect_status 200 "the lab reads the counts"
api "$lab" GET "/api/v1/checkins?date=$DAY"
expect_status 403 "the lab may not read the names"
api "$chief" GET "/api/v1/checkins/status?date=30-08-2022"
expect_error bad_request 400 "a bad date"
# the fevers' tests alone, as the command line lists them among the others; in scope only
awk -F, 'NR == 1 || $5 == "fever"' due.csv >fever-due.csv
[ "$(wc -l <fever-due.csv)" -gt 1 ] || fail "no fever test to ask the API for"
api "$chief" GET "/api/v1/regime/due?source=fevers&now=$NOWQ&format=csv"
expect_status 200 "regime due, the fevers' tests"
same_rows fever-due.csv "$WORK/body" "the API's fever tests differ from regime due's"
fk regime due --region 140702 --now "$NOW" >yuci-due.csv
awk -F, 'NR == 1 || $5 == "fever"' yuci-due.csv >yuci-fever-due.csv
[ "$(wc -l <yuci-fever-due.csv)" -lt "$(wc -l <fever-due.csv)" ] ||
    fail "every fever test lies in 榆次区: the scope is not tested"
api "$yuci" GET "/api/v1/regime/due?source=fevers&now=$NOWQ&format=csv"
expect_status 200 "regime due, the fevers' tests, as the 榆次区 viewer"
same_rows yuci-fever-due.csv "$WORK/body" "the viewer's fever tests are not its county's"
api "$chief" GET "/api/v1/regime/due?source=fever"
expect_error bad_request 400 "an unknown source"
api "" GET "/api/v1/checkins/status"
expect_status 401 "status without a session"
# A check-in posted as a JSON row (the record type's write) is counted, scope-checked.
P=$(awk -F, '$8 == "pending" && $3 ~ /^140702/ { print $1; exit }' list-all.csv)
[ -n "$P" ] || fail "no pending window in 榆次区 today"
api "$yuci" POST /api/v1/rows/checkins -H 'Content-Type: application/json' \
    --data-binary "[{\"id_number\":\"$P\",\"time\":\"2022-08-30T15:00:00+08:00\",\"temperature\":\"36.6\"}]"
[ "$status" = 403 ] || fail "a viewer posted a check-in ($status)"
api "$chief" POST /api/v1/rows/checkins -H 'Content-Type: application/json' \
    --data-binary "[{\"id_number\":\"$P\",\"time\":\"2022-08-30T15:00:00+08:00\",\"temperature\":\"36.6\"}]"
expect_status 200 "POST /api/v1/rows/checkins"
api "$chief" GET "/api/v1/checkins?date=$DAY&now=$NOWQ&format=csv"
grep -q "^$P,.*,12:00-24:00,2022-08-30T15:00:00+08:00,36.6,reported$" "$WORK/body" ||
    fail "the posted check-in is not on the list"
