#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A generated city (fangkong demo, 6 000 residents) imported file by file, then coverage at every
# level, the missing list of a county, retest and turnaround by site and by lab compared with the
# same answers computed independently from the CSV files by a short Python program; then the control
# files import without a rejected row (door events with the demo's profile) and the back-check of
# its risk area 110105 lists the arrivals the files say it should.
. "$(dirname "$0")/lib.sh"
# The epidemic lives at NOW: the round from 06:00 that day, sampled and resulted up to NOW.
NOW=2026-03-01T22:00:00+08:00
fk demo --people 6000 --seed 7 --now "$NOW" --out city 2>/dev/null; expect_rc 0 demo
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "city/$t.csv" 2>/dev/null; expect_rc 0 "import $t"
done
IFS=, read -r name region start end <city/round.txt
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
for level in city county township community grid; do
    fk coverage "$name" --by "$level" >"got-coverage-$level.csv"
done
county=$(sed -n 2p got-coverage-county.csv | cut -d, -f1)
fk missing "$name" --region "$county" >got-missing.csv 2>/dev/null
fk retest "$name" >got-retest.csv 2>/dev/null
fk tat "$name" --by site --now "$NOW" >got-tat-site.csv
fk tat "$name" --by lab --now "$NOW" >got-tat-lab.csv
fk tat "$name" --overdue --now "$NOW" >got-overdue.csv 2>/dev/null

python3 - "$start" "$end" "$NOW" "$county" <<'PY'
import csv, sys
from datetime import datetime
def ts(s): return datetime.fromisoformat(s).timestamp() if "T" in s else None
start, end, now, county = ts(sys.argv[1]), ts(sys.argv[2]), ts(sys.argv[3]), sys.argv[4]
R = {r["code"]: r for r in csv.DictReader(open("city/regions.csv"))}
def ancestors(c):
    while c:
        yield c
        c = R[c]["parent"]
P = {r["id_number"]: r for r in csv.DictReader(open("city/persons.csv"))}
S = list(csv.DictReader(open("city/samples.csv")))
res = {r["tube"]: r for r in csv.DictReader(open("city/results.csv"))}
sampled = {s["id_number"] for s in S if start <= ts(s["time"]) <= end}
def out(name, header, rows):
    with open(name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n"); w.writerow(header); w.writerows(rows)
for level in ["city", "county", "township", "community", "grid"]:
    n, k = {}, {}
    for p in P.values():
        for a in ancestors(p["grid"]):
            n[a] = n.get(a, 0) + 1
            k[a] = k.get(a, 0) + (p["id_number"] in sampled)
    rows = [[c, r["name"], n.get(c, 0), k.get(c, 0),
             "%.4f" % (k[c] / n[c]) if n.get(c) else ""]
            for c, r in R.items() if r["level"] == level]
    out("want-coverage-%s.csv" % level, ["region", "name", "residents", "sampled", "coverage"], rows)
out("want-missing.csv", ["id_number", "name", "phone", "grid", "household", "address"],
    [[i, p["name"], p["phone"], p["grid"], p["household"], p["address"]] for i, p in P.items()
     if i not in sampled and county in ancestors(p["grid"])])
tubes = {}
for s in S:
    tubes.setdefault(s["tube"], []).append(s)
def in_round(t): return any(start <= ts(s["time"]) <= end for s in tubes[t])
alone = {}  # person -> [(time, tube)] of the tubes holding them alone
for t, ss in tubes.items():
    if len(ss) == 1:
        alone.setdefault(ss[0]["id_number"], []).append((ts(ss[0]["time"]), t, ss[0]["time"]))
def since(s):
    later = [a for a in alone.get(s["id_number"], []) if a[0] > ts(s["time"])]
    if not later:
        return ["not_sampled", "", "", ""]
    _, u, when = max(later)
    r = res.get(u)
    return ["retested" if r else "waiting", u, datetime.fromisoformat(when).isoformat(),
            r["result"] if r else ""]
out("want-retest.csv", ["tube", "id_number", "name", "phone", "grid", "retest_state",
                        "retest_tube", "retest_sampled", "retest_result"],
    [[t, s["id_number"], P[s["id_number"]]["name"], P[s["id_number"]]["phone"],
      P[s["id_number"]]["grid"]] + since(s)
     for t in tubes if len(tubes[t]) >= 2 and in_round(t) and t in res
     and res[t]["result"] == "positive" for s in tubes[t]])
def q(v, p):
    v = sorted(v); h = (len(v) - 1) * p; i = int(h)
    return v[i] + (h - i) * (v[min(i + 1, len(v) - 1)] - v[i])
for by in ["site", "lab"]:
    g = {}
    for t, ss in tubes.items():
        if not in_round(t): continue
        sampled_at = min(ts(s["time"]) for s in ss)
        if sampled_at > now: continue  # as of now: not sampled yet
        r = res.get(t)
        # As of now: a result or receipt recorded later is not known yet.
        got = bool(r) and (ts(r["time"]) <= now or bool(r.get("received")) and
                           ts(r["received"]) <= now)
        if r and ts(r["time"]) > now: r = None
        key = ss[0]["site"] if by == "site" else (r["lab"] if r else "(no result yet)")
        shipped = [ts(s["shipped"]) for s in ss if s.get("shipped")]
        for k in (key, "(total)"):
            a = g.setdefault(k, [0, 0, 0, 0, 0, 0, [], 0, False])
            a[0] += 1
            a[1] += got  # received: a receipt time, or a result at all
            # shipped (送检): a shipped time by now, or the lab has it; recorded at all?
            a[7] += bool(shipped and max(shipped) <= now) or got or bool(r)
            a[8] = a[8] or bool(shipped)
            if r:
                a[2] += 1
                h = ts(r["time"]) - sampled_at
                a[5] += h > 12 * 3600; a[6].append(h / 3600)
            else:
                a[3] += 1; a[4] += now - sampled_at > 12 * 3600
    rows = [[k] + a[:6] + (["%.2f" % q(a[6], .5), "%.2f" % q(a[6], .9)] if a[6] else ["", ""])
            + [a[7] if a[8] else ""] for k, a in sorted(g.items())]
    out("want-tat-%s.csv" % by, [by, "tubes", "received", "resulted", "pending", "overdue",
                                 "late", "median_hours", "p90_hours", "shipped"], rows)
PY
for f in coverage-city coverage-county coverage-township coverage-community coverage-grid \
         missing retest tat-site tat-lab; do
    same_rows "got-$f.csv" "want-$f.csv" "$f"
done
[ "$(wc -l <got-overdue.csv)" -eq "$(awk -F, '$1 == "(total)" { print $6 + 1 }' got-tat-site.csv)" ] ||
    fail "overdue list length differs from the overdue count"
[ "$(wc -l <got-retest.csv)" -gt 1 ] || fail "the demo city should have positive pooled tubes"

# Control, after the screening answers (arrivals register newcomers, which would change them).
for t in controls arrivals risk_areas door_events; do
    fk import "$t" "city/$t.csv" --profile city/profile.ini 2>/dev/null; expect_rc 0 "import $t"
done
fk backcheck 110105 >got-backcheck.csv 2>/dev/null; expect_rc 0 "backcheck 110105"
python3 - <<'PY'
import csv
from datetime import datetime, timedelta
area = next(r for r in csv.DictReader(open("city/risk_areas.csv")) if r["area"] == "110105")
start = datetime.fromisoformat(area["start"])
want = sorted(r["id_number"] for r in csv.DictReader(open("city/arrivals.csv"))
              if r["origin"].startswith("110105")
              and start - timedelta(days=7) <= datetime.fromisoformat(r["arrived"]) <= start)
got = sorted(r["id_number"] for r in csv.DictReader(open("got-backcheck.csv")))
assert want and got == want, (got, want)
PY
[ "$(fk alerts --open --profile city/profile.ini 2>/dev/null | wc -l)" -ge 3 ] ||
    fail "the demo's door events should raise the offline and tamper alerts"
# The README's missing example names a region every demo city has (built-in or real regions).
readme=$(grep -o 'fangkong missing R1 --region [0-9A-Z]*' "$FK_SRC/README.md" | awk '{ print $5 }')
[ -n "$readme" ] || fail "no missing example in the README"
fk missing "$name" --region "$readme" >readme-missing.csv 2>/dev/null
expect_rc 0 "the README's missing example ($readme)"
[ "$(wc -l <readme-missing.csv)" -gt 1 ] || fail "the README's missing example lists nobody"
echo "demo city: coverage, missing, retest and tat match an independent computation; control imports"
