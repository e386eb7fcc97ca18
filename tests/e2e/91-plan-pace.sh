#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The mass-screening plan and its pace (issue 21) on a city generated here: two counties, four
# grids of 2 499, 2 501, 300 and 420 residents (a lockdown zone, a control zone, open and closed
# control orders), labs (one rejected for a capacity of 0, one serving another city), and a
# round whose samples run at a flat pace, a rising one, one that reached the target and one that
# stalled. `fangkong plan` (by grid and county, 24 and 72 hours, --labs) and `fangkong pace` (its
# four views, as of two clocks) are compared byte for byte with the answers computed again here
# in Python from the generated files; bad input is refused with its reason; the API answers as
# the command line does, cut to the caller's county.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
export FANGKONG_TEST_HASH_COST=min
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
START=2022-09-01T08:00:00+08:00
END=2022-09-02T07:59:59+08:00
NOW=2022-09-01T18:30:00+08:00
NOWQ=2022-09-01T18:30:00%2B08:00

# ---- the city, its zones, orders, labs and samples, generated ----
"$PY" - "$FK_SRC/tests/e2e" "$START" "$NOW" <<'PY'
import csv, random, sys
from datetime import datetime, timedelta
sys.path.insert(0, sys.argv[1])
import idgen
start, now = datetime.fromisoformat(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
rnd = random.Random(21)
W = lambda n: csv.writer(open(n, "w", encoding="utf-8", newline=""), lineterminator="\n")
iso = lambda t: t.isoformat()
r = W("regions.csv")
r.writerow(["code", "name", "level", "parent"])
r.writerows([["140000", "山西省", "province", ""], ["140700", "晋中市", "city", "140000"],
             ["140100", "太原市", "city", "140000"]])
grids = {"A1": 2499, "A2": 2501, "B1": 300, "B2": 420}
code = {}
for c, cn, g in (("140702", "榆次区", ("A1", "A2")), ("140703", "太谷区", ("B1", "B2"))):
    r.writerow([c, cn, "county", "140700"])
    r.writerow([c + "001", cn + "一街道", "township", c])
    r.writerow([c + "001001", cn + "一社区", "community", c + "001"])
    for k, name in enumerate(g):
        code[name] = "%s001001%03d" % (c, k + 1)
        r.writerow([code[name], "网格" + name, "grid", c + "001001"])
json_g = open("grids.txt", "w")
for name in grids:
    json_g.write("%s %s\n" % (name, code[name]))
p = W("persons.csv")
p.writerow(["id_number", "name", "grid"])
people = {}
seq = 0
for name, n in grids.items():
    people[name] = []
    for i in range(n):
        seq += 1
        birth = "19%02d%02d%02d" % (40 + seq % 60, 1 + seq % 12, 1 + seq % 28)
        idn = idgen.make(code[name][:6], birth, seq % 1000)
        while idn in people.get("_all", set()):
            seq += 1
            idn = idgen.make(code[name][:6], birth, seq % 1000)
        people.setdefault("_all", set()).add(idn)
        people[name].append(idn)
        p.writerow([idn, "居民%d" % seq, code[name]])
z = W("zones.csv")
z.writerow(["name", "level", "regions", "declared", "lifted", "reason"])
z.writerow(["封控-A1", "lockdown", code["A1"], iso(start - timedelta(days=1)), "", "病例所在网格"])
z.writerow(["管控-B1", "control", code["B1"], iso(start - timedelta(days=1)), "", ""])
z.writerow(["已解除", "control", code["A2"], iso(start - timedelta(days=3)),
            iso(start - timedelta(days=1)), ""])
c = W("controls.csv")
c.writerow(["id_number", "category", "place", "start", "end"])
for i in range(7):  # open at the round: 7 in A2, 3 in B2 (and 2 in A1, inside the lockdown zone)
    c.writerow([people["A2"][i], "close", "home", iso(start - timedelta(hours=5)), ""])
c.writerow([people["A2"][7], "close", "home", iso(start - timedelta(days=9)),
            iso(start - timedelta(hours=1))])  # ended before: not controlled
c.writerow([people["A2"][8], "secondary", "home", iso(now + timedelta(hours=1)), ""])  # later
for i in range(3):
    c.writerow([people["B2"][i], "arrival", "home", iso(start - timedelta(days=1)), ""])
c.writerow([people["B2"][0], "close", "centralized", iso(start - timedelta(hours=2)), ""])  # twice
for i in range(2):
    c.writerow([people["A1"][i], "close", "home", iso(start - timedelta(days=1)), ""])
l = W("labs.csv")
l.writerow(["code", "name", "tubes_per_hour", "region"])
l.writerows([["LAB1", "晋中市疾控中心", 400, "140700"], ["LAB2", "检测能力为零", 0, "140702"],
             ["LAB3", "太原实验室", 900, "140100"], ["LAB5", "榆次区实验室", 600, "140702"],
             ["LAB6", "写错的区域", 100, "149999"]])
# Samples: per grid the persons of each hour, pooled by the zone's rule here (any pooling will
# do: the pace counts what was done); a tube's members share a site and a shipped time.
s = W("samples.csv")
s.writerow(["tube", "id_number", "time", "site", "shipped"])
res = W("results.csv")
res.writerow(["tube", "result", "time", "lab", "received"])
pace = {"A1": [150] * 11, "A2": [20 * (h + 1) for h in range(11)], "B1": [60] * 5,
        "B2": [25, 25]}
pool = {"A1": 1, "A2": 10, "B1": 5, "B2": 10}
bx = W("boxes.csv")
bx.writerow(["box", "tube", "shipped"])
nt = 0
for name, per in pace.items():
    left = list(people[name])
    rnd.shuffle(left)
    for h, n in enumerate(per):
        who, left = left[:n], left[n:]
        for k in range(0, len(who), pool[name]):
            nt += 1
            tube = "T%05d" % nt
            t0 = start + timedelta(hours=h, seconds=rnd.randrange(3600 - 600))
            site = "S-" + name
            ship = t0 + timedelta(minutes=40) if 5 <= h <= 10 else None
            if 5 <= h <= 7 or h == 10:  # boxes of a site's hour; the hour holding now's leaves later
                bship = start + timedelta(hours=h, minutes=55 if h < 10 else 95)
                bx.writerow(["BX-%s-%02d" % (name, h), "T%05d" % (nt + 0), iso(bship)])
            for m, idn in enumerate(who[k:k + pool[name]]):
                t = t0 + timedelta(seconds=m * 30)
                if h == 10 and t > now:
                    t = now  # the hour holding now: exactly at it counts
                s.writerow([tube, idn, iso(t), site, iso(ship) if ship else ""])
            if h == 6 and nt % 4 == 0:  # a boxed tube the lab has received: not on the road
                res.writerow([tube, "negative", iso(t0 + timedelta(hours=3)), "LAB1",
                              iso(t0 + timedelta(hours=2))])
            if h < 5 and nt % 3:
                lab = "LAB1" if nt % 2 else "LAB4"  # LAB4 is named by results, never declared
                res.writerow([tube, "negative", iso(t0 + timedelta(hours=5 + nt % 3)), lab,
                              iso(t0 + timedelta(hours=1))])
# A second sample of someone sampled already (the first counts), one before the round, one
# after now, and one of a person of the other city's nobody (no resident: ignored).
a = people["A1"]
s.writerow(["X00001", people["B1"][0], iso(start + timedelta(hours=6)), "S-B1", ""])
s.writerow(["X00002", people["B2"][400], iso(start - timedelta(minutes=1)), "S-B2", ""])
s.writerow(["X00003", people["B2"][401], iso(now + timedelta(seconds=1)), "S-B2", ""])
bx.writerow(["BX-NONE", "NO-SUCH-TUBE", iso(start + timedelta(hours=6))])
PY
for t in regions persons zones controls samples results boxes; do
    fk import "$t" "$t.csv" >/dev/null 2>"import-$t.err"
    expect_rc "$([ $t = boxes ] && echo 3 || echo 0)" "import $t"
done
contains boxes.csv.rejects.csv "no sample was taken in tube NO-SUCH-TUBE (import samples first)"
fk import boxes boxes.csv 2>again-boxes.err
contains again-boxes.err "0 accepted (0 updated)"
fk import labs labs.csv >/dev/null 2>import-labs.err
expect_rc 3 "import labs with two bad rows"
contains labs.csv.rejects.csv "3,\"tubes_per_hour '0' is not a whole number of tubes, 1 or more: a lab that tests nothing cannot be planned with\""
contains labs.csv.rejects.csv "6,"
contains labs.csv.rejects.csv "149999"
fk round create R1 --region 140700 --start "$START" --end "$END" >/dev/null 2>&1
expect_rc 0 "round create"
fk round create TY --region 140100 --start "$START" --end "$END" >/dev/null 2>&1
expect_rc 0 "round create TY"

# ---- the answers, computed again from the files ----
"$PY" - "$START" "$END" "$NOW" <<'PY'
import csv, sys
from collections import defaultdict
from datetime import datetime, timedelta, timezone
TZ = timezone(timedelta(hours=8))
ts = lambda s: int(datetime.fromisoformat(s).timestamp())
iso = lambda t: datetime.fromtimestamp(t, TZ).isoformat()
START, END, NOW = (ts(x) for x in sys.argv[1:4])
R = lambda n: list(csv.DictReader(open(n, encoding="utf-8")))
cdiv = lambda a, b: -(-a // b) if a > 0 else 0
regions = R("regions.csv")
name = {r["code"]: r["name"] for r in regions}
grids = sorted(r["code"] for r in regions if r["level"] == "grid")
county = {g: g[:6] for g in grids}
home = {p["id_number"]: p["grid"] for p in R("persons.csv")}
res = defaultdict(int)
for g in home.values():
    res[g] += 1

def plan(at, hours, by, out):
    zlv = {}
    for z in R("zones.csv"):
        lv = {"lockdown": 0, "control": 1, "precaution": 2}[z["level"]]
        if ts(z["declared"]) <= at and (not z["lifted"] or at < ts(z["lifted"])):
            for g in z["regions"].split(";"):
                zlv[g] = min(zlv.get(g, 9), lv)
    ctl = defaultdict(set)
    for c in R("controls.csv"):
        if ts(c["start"]) <= at and (not c["end"] or ts(c["end"]) > at):
            ctl[home[c["id_number"]]].add(c["id_number"])
    rows = {}
    for g in grids:
        k = g if by == "grid" else county[g]
        x = rows.setdefault(k, {"zone": 9, "c": [0, 0, 0, 0]})
        lv = zlv.get(g, 9)
        x["zone"] = min(x["zone"], lv)
        if lv == 0:
            x["c"][0] += res[g]
            continue
        x["c"][1] += len(ctl[g])
        x["c"][2 if lv == 1 else 3] += res[g] - len(ctl[g])
    cap = sum(int(l["tubes_per_hour"]) for l in R("labs.csv")
              if int(l["tubes_per_hour"] or 0) > 0 and l["region"] in ("140700", "140702"))
    w = csv.writer(open(out, "w", encoding="utf-8", newline=""), lineterminator="\n")
    w.writerow("region,name,zone,hours,residents,lockdown,controlled,control,other,sites,"
               "tables,samplers,tubes,lab_hours".split(","))
    tot = [0] * 9
    for k in sorted(rows, key=lambda k: (min(rows[k]["zone"], 2), k)):
        x = rows[k]
        lk, ct, cz, ot = x["c"]
        n = lk + ct + cz + ot
        h = hours
        if lk and 24 < h:
            h = 24
        if cz and 48 < h:
            h = 48
        need = [n, lk, ct, cz, ot, cdiv(n, 2500), cdiv(n, 700), cdiv(n * 24, 360 * h),
                cdiv(lk, 1) + cdiv(ct, 1) + cdiv(cz, 5) + cdiv(ot, 10)]
        tot = [a + b for a, b in zip(tot, need)]
        zn = {0: "lockdown", 1: "control", 2: "precaution"}.get(x["zone"], "")
        w.writerow([k, name[k], zn, h] + need + ["%.2f" % (need[8] / cap)])
    w.writerow(["(total)", "", "", hours] + tot + ["%.2f" % (tot[8] / cap)])
    return tot[8], cap

tubes, cap = plan(NOW, 24, "grid", "want-plan-grid.csv")
plan(NOW, 24, "county", "want-plan-county.csv")
plan(NOW, 72, "county", "want-plan-county-72.csv")
labs = [l for l in R("labs.csv") if int(l["tubes_per_hour"] or 0) > 0 and l["region"] in ("140700", "140702")]
w = csv.writer(open("want-plan-labs.csv", "w", encoding="utf-8", newline=""), lineterminator="\n")
w.writerow(["lab", "name", "region", "tubes_per_hour", "tubes", "hours"])
cum = before = 0
for l in sorted(labs, key=lambda l: l["code"]):
    cum += int(l["tubes_per_hour"])
    share = tubes * cum // cap - before
    before += share
    w.writerow([l["code"], l["name"], l["region"], l["tubes_per_hour"], share,
                "%.2f" % (share / int(l["tubes_per_hour"]))])
w.writerow(["(total)", "", "", cap, tubes, "%.2f" % (tubes / cap)])

samples = R("samples.csv")
results = {r["tube"]: r for r in R("results.csv")}
def pace(now, tag):
    cut = min(now, END)
    nh = (END - START) // 3600 + 1
    kn = (cut - START) // 3600 if cut >= START else -1
    first, early, tmin = {}, set(), {}
    for s in samples:
        t, p = ts(s["time"]), s["id_number"]
        if p not in home or not (START <= t <= cut):
            continue
        first[p] = min(first.get(p, t), t)
        if t <= cut - 7200:
            early.add(p)
        if s["tube"] not in tmin or t < tmin[s["tube"]][0]:
            tmin[s["tube"]] = (t, home[p])
    hs, ht = defaultdict(int), defaultdict(int)
    for p, t in first.items():
        hs[(home[p], (t - START) // 3600)] += 1
    for tube, (t, g) in tmin.items():
        ht[(g, (t - START) // 3600)] += 1
    for by in ("grid", "county", "round"):
        keys = grids if by == "grid" else ["140700"] if by == "round" else sorted(set(county.values()))
        mem = lambda k: [g for g in grids if g == k or county[g] == k or k == "140700"]
        w = csv.writer(open("want-pace-%s-%s.csv" % (by, tag), "w", encoding="utf-8", newline=""), lineterminator="\n")
        w.writerow("region,name,residents,planned,sampled,tubes,done,rate,state,forecast,late_hours".split(","))
        wh = csv.writer(open("want-hours-%s-%s.csv" % (by, tag), "w", encoding="utf-8", newline=""), lineterminator="\n")
        wh.writerow("region,name,hour,planned,sampled,tubes,planned_total,sampled_total,done".split(","))
        for k in keys:
            gs = mem(k)
            n = sum(res[g] for g in gs)
            sampled = sum(1 for p in first if home[p] in gs)
            tb = sum(v for (g, h), v in ht.items() if g in gs)
            before = sum(1 for p in early if home[p] in gs)
            planned = n * (kn + 1) // nh if kn >= 0 else 0
            want = cdiv(n * 90, 100)
            left, gained = want - sampled, sampled - before
            eta, late = "", ""
            if left <= 0:
                state = "reached"
            elif gained <= 0:
                state = "stalled"
            else:
                state = "eta"
                e = cut + cdiv(left * 7200, gained)
                eta = iso(e)
                late = "%.1f" % ((e - END) / 3600) if e > END else ""
            w.writerow([k, name[k], n, planned, sampled, tb, "%.4f" % (sampled / n),
                        "%.1f" % (gained / 2), state, eta, late])
            pt = st = 0
            for h in range(nh):
                pk = n * (h + 1) // nh
                a = sum(hs[(g, h)] for g in gs)
                b = sum(ht[(g, h)] for g in gs)
                st += a
                begun = h <= kn
                wh.writerow([k, name[k], iso(START + 3600 * h), pk - pt, a if begun else "",
                             b if begun else "", pk, st if begun else "",
                             "%.4f" % (st / n) if begun else ""])
                pt = pk
    # labs: a tube counts at the lab of its result once sampled by now
    tube_first = defaultdict(lambda: 1 << 62)
    in_round = set()
    for s in samples:
        t = ts(s["time"])
        tube_first[s["tube"]] = min(tube_first[s["tube"]], t)
        if START <= t <= END and s["id_number"] in home:
            in_round.add(s["tube"])
    lab = defaultdict(lambda: [0, 0])
    for tube, r in results.items():
        if tube_first[tube] > now or tube not in in_round:
            continue
        done = ts(r["time"]) <= now
        lab[r["lab"]][0] += 1 if done or ts(r["received"]) <= now else 0
        lab[r["lab"]][1] += 1 if done else 0
    decl = {l["code"]: l for l in labs}
    w = csv.writer(open("want-labs-%s.csv" % tag, "w", encoding="utf-8", newline=""), lineterminator="\n")
    w.writerow("lab,name,tubes_per_hour,received,resulted,queue,queue_hours".split(","))
    for code in sorted(set(decl) | {k for k, v in lab.items() if v[0]}):
        rc, rs = lab[code] if code in lab else (0, 0)
        if code in decl:
            cp = int(decl[code]["tubes_per_hour"])
            w.writerow([code, decl[code]["name"], cp, rc, rs, rc - rs, "%.2f" % ((rc - rs) / cp)])
        else:
            w.writerow([code, "", "", rc, rs, rc - rs, ""])
    # transport: the boxes shipped by now with tubes of the round not arrived; then the unboxed
    # tubes shipped by now and not arrived, a site's clock hour a row
    arrived = lambda tube: tube in results and (ts(results[tube]["received"]) <= now or ts(results[tube]["time"]) <= now)
    site_of = {s["tube"]: s["site"] for s in samples}
    boxes = [b for b in R("boxes.csv") if b["tube"] in site_of]
    boxed = {b["tube"] for b in boxes}
    rows = {}
    for b in sorted(boxes, key=lambda b: (b["box"], b["tube"])):
        t, tube = ts(b["shipped"]), b["tube"]
        if tube not in in_round or tube_first[tube] > now or arrived(tube) or t > now:
            continue
        x = rows.setdefault(("", b["box"]), [b["box"], site_of[tube], t, 0])
        x[2] = min(x[2], t)
        x[3] += 1
    ship = {}
    for s in samples:
        if s["shipped"]:
            ship[s["tube"]] = (ts(s["shipped"]), s["site"])
    for tube, (t, site) in ship.items():
        if t > now or tube not in in_round or tube in boxed or arrived(tube):
            continue
        x = rows.setdefault((site, t - t % 3600), ["", site, t, 0])
        x[2] = min(x[2], t)
        x[3] += 1
    w = csv.writer(open("want-transport-%s.csv" % tag, "w", encoding="utf-8", newline=""), lineterminator="\n")
    w.writerow(["box", "site", "shipped", "tubes", "hours"])
    for box, site, t, n in sorted(rows.values(), key=lambda x: (x[2], x[1], x[0])):
        w.writerow([box, site, iso(t), n, "%.1f" % ((now - t) / 3600)])

pace(NOW, "now")
pace(NOW + 4 * 3600, "later")
PY

same() { # same WANT GOT WHAT
    diff -u "$1" "$2" >"$2.diff" 2>&1 || { cat "$2.diff" >&2; fail "$3 differs from the independent computation"; }
}
fk plan R1 --now "$NOW" >plan-grid.csv 2>/dev/null
expect_rc 0 "plan by grid"
same want-plan-grid.csv plan-grid.csv "plan by grid"
fk plan R1 --by county --now "$NOW" >plan-county.csv 2>/dev/null
same want-plan-county.csv plan-county.csv "plan by county"
fk plan R1 --by county --hours 72 --now "$NOW" >plan-county-72.csv 2>/dev/null
same want-plan-county-72.csv plan-county-72.csv "plan by county in 72 hours"
fk plan R1 --labs --now "$NOW" >plan-labs.csv 2>/dev/null
same want-plan-labs.csv plan-labs.csv "plan --labs"
# the edges at the default rules: 2 499 and 2 501 residents, one and two sites
grep -q "^$(awk '$1 == "A1" { print $2 }' grids.txt),网格A1,lockdown,24,2499,2499,0,0,0,1,4,7,2499," plan-grid.csv ||
    fail "A1 (2 499, lockdown): $(grep 网格A1 plan-grid.csv)"
grep -q "^$(awk '$1 == "A2" { print $2 }' grids.txt),网格A2,,24,2501,0,7,0,2494,2,4,7,257," plan-grid.csv ||
    fail "A2 (2 501, 7 controlled): $(grep 网格A2 plan-grid.csv)"
for tag in now later; do
    when=$([ $tag = now ] && echo "$NOW" || echo 2022-09-01T22:30:00+08:00)
    for by in grid county round; do
        fk pace R1 --by $by --now "$when" >pace-$by-$tag.csv 2>/dev/null
        expect_rc 0 "pace by $by ($tag)"
        same want-pace-$by-$tag.csv pace-$by-$tag.csv "pace by $by ($tag)"
        fk pace R1 --by $by --view hours --now "$when" >hours-$by-$tag.csv 2>/dev/null
        same want-hours-$by-$tag.csv hours-$by-$tag.csv "pace hours by $by ($tag)"
    done
    fk pace R1 --view labs --now "$when" >labs-$tag.csv 2>/dev/null
    same want-labs-$tag.csv labs-$tag.csv "pace labs ($tag)"
    fk pace R1 --view transport --now "$when" >transport-$tag.csv 2>/dev/null
    same want-transport-$tag.csv transport-$tag.csv "pace transport ($tag)"
done
# the four kinds of pace are there: flat, rising, reached, stalled
cut -d, -f9 pace-grid-now.csv | tail -n +2 | sort | uniq -c | tr -s ' ' | tr '\n' ';' >states.txt
[ "$(cat states.txt)" = " 2 eta; 1 reached; 1 stalled;" ] || fail "pace states: $(cat states.txt)"
# the pace's sampled at the end equals coverage's
fk pace R1 --by county --now "$END" | cut -d, -f1,5 | tail -n +2 >pace-end.csv
fk coverage R1 --by county | cut -d, -f1,4 | tail -n +2 >cov-end.csv
diff -u cov-end.csv pace-end.csv >&2 || fail "pace's sampled at the round's end is not coverage's"
fk lab list >labs-list.csv
[ "$(cut -d, -f1 labs-list.csv | tr '\n' ' ')" = "code LAB1 LAB3 LAB5 " ] || fail "lab list: $(cat labs-list.csv)"

# ---- bad input ----
fk plan R1 --hours 0 2>bad1.err
expect_rc 1 "plan in 0 hours"
contains bad1.err "--hours takes a whole number from 1 to 720, not '0'"
fk plan TY 2>bad2.err
expect_rc 1 "plan of a round over a city with no grid"
contains bad2.err "round TY: region 140100 has no grid inside it to plan for"
fk plan NOPE 2>bad3.err
expect_rc 1 "plan of no round"
fk pace R1 --view boxes 2>bad4.err
expect_rc 1 "pace --view boxes"
contains bad4.err "--view takes regions, hours, labs or transport, not 'boxes'"

# ---- the API: the same answers, cut to the caller's scope ----
for u in chief:admin:140000 yuci:viewer:140702; do
    IFS=: read -r uname role scope <<<"$u"
    echo "pw-$uname-2022-x" | "$FANGKONG" user add "$uname" --role "$role" --scope "$scope" >/dev/null 2>&1 ||
        fail "user add $uname"
done
start_server
chief=$(login chief pw-chief-2022-x)
yuci=$(login yuci pw-yuci-2022-x)
api "$chief" GET "/api/v1/rounds/R1/plan?by=county&now=$NOWQ&format=csv"
expect_status 200 "plan as csv"
tr -d '\r' <"$WORK/body" >api-plan.csv
same want-plan-county.csv api-plan.csv "the API's plan"
api "$chief" GET "/api/v1/rounds/R1/pace?by=grid&now=$NOWQ&format=csv"
tr -d '\r' <"$WORK/body" >api-pace.csv
same want-pace-grid-now.csv api-pace.csv "the API's pace"
api "$chief" GET "/api/v1/rounds/R1/pace?view=labs&now=$NOWQ&format=csv"
tr -d '\r' <"$WORK/body" >api-labs.csv
same want-labs-now.csv api-labs.csv "the API's labs"
api "$chief" GET "/api/v1/rounds/R1/pace?by=city&view=hours&now=$NOWQ"
expect_status 200 "pace hours as json"
[ "$(jq_py 'j["total"]')" = 24 ] || fail "a 24-hour round's hours: $(jq_py 'j["total"]')"
api "$yuci" GET "/api/v1/rounds/R1/plan?by=grid&now=$NOWQ&format=csv"
expect_status 200 "plan as the 榆次区 viewer"
tr -d '\r' <"$WORK/body" >api-yuci.csv
[ "$(cut -d, -f1 api-yuci.csv | tail -n +2 | cut -c1-6 | sort -u | tr '\n' ' ')" = "(total 140702 " ] ||
    fail "the viewer's plan: $(cat api-yuci.csv)"
api "$yuci" GET "/api/v1/rounds/R1/pace?by=county&now=$NOWQ&format=csv"
tr -d '\r' <"$WORK/body" >api-yuci-pace.csv
[ "$(tail -n +2 api-yuci-pace.csv)" = "$(grep '^140702,' pace-county-now.csv)" ] || fail "the viewer's pace: $(cat api-yuci-pace.csv)"
api "$yuci" GET "/api/v1/rounds/TY/plan"
expect_error forbidden 403 "another city's round"
api "$chief" GET "/api/v1/rounds/NOPE/pace"
expect_error not_found 404 "an unknown round"
api "$chief" GET "/api/v1/rounds/R1/pace?view=boxes"
expect_error bad_request 400 "an unknown view"
api "$chief" GET "/api/v1/rounds/R1/plan?hours=0"
expect_error bad_request 400 "hours=0"
api "$chief" GET "/api/v1/rounds/TY/plan"
expect_error bad_request 400 "a round with no grid"
api "$yuci" GET "/api/v1/labs?format=csv"
expect_status 200 "labs as a viewer"
api "" GET "/api/v1/rounds/R1/pace"
expect_status 401 "pace with no session"
