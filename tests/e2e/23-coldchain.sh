#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Cold-chain traceability (冷链追溯, issue 16) end to end, on the city-3 fixture. A positive batch
# P1 goes port → cold store → market (venue V0000) with workers and buyers (four registered, two
# of them in 榆次区 140702, and one not registered), batches share its sites (one at the window's
# very edge, one a second past it), and twenty batches of noise come from a fixed seed. Checked:
# the rows with bad input are rejected with their reasons and the rest kept; `coldchain trace`
# equals an independent computation written here over the CSV (visits, persons with the
# registry's name, grid and phone, shared batches and their overlap); the positive result raises
# one alert, and importing again raises nothing twice; --control adds the four registered
# persons, then finds them already under control; over HTTP the headquarters gets the CLI's
# answer, the viewer of 140702 only the persons registered there (the rest counted as hidden),
# and may neither put them under control nor post rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
web_city

# ---- the file: the story above, noise from seed 16, and six bad rows at the end ----
"$PY" - "$WEB_DATA/persons.csv" "$WEB_CONTROL/controls.csv" "$FK_SRC/tests/e2e" >coldchain.csv <<'PY'
import csv, random, sys
from datetime import datetime, timedelta, timezone
sys.path.insert(0, sys.argv[3])
import idgen
persons = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
controlled = {r["id_number"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
free = [p for p in persons if p["id_number"] not in controlled]
yuci = [p["id_number"] for p in free if p["grid"].startswith("140702")]
other = [p["id_number"] for p in free if not p["grid"].startswith("140702")]
a1, c1 = yuci[0], yuci[1]
b1, d1 = other[0], other[1]
u = idgen.make("110101", "19900101", 777)
tz = timezone(timedelta(hours=8))
t = lambda s: datetime.fromisoformat(s).replace(tzinfo=tz)
iso = lambda d: d.isoformat()
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["batch", "event", "time", "site", "product", "origin", "id_number", "result"])
rows = [
    ("P1", "arrive", "2022-08-20T08:00", "PORT-TJ", "带鱼", "厄瓜多尔", a1, ""),
    ("P1", "store", "2022-08-21T09:00", "CS-01", "带鱼", "", b1, ""),
    ("P1", "sample", "2022-08-22T10:00", "CS-01", "", "", "", ""),
    ("P1", "result", "2022-08-23T10:00", "CS-01", "", "", "", "positive"),
    ("P1", "disinfect", "2022-08-23T12:00", "CS-01", "", "", "", ""),
    ("P1", "dispatch", "2022-08-24T08:00", "CS-01", "", "", b1, ""),
    ("P1", "arrive", "2022-08-24T10:00", "V0000", "", "", "", ""),
    ("P1", "sell", "2022-08-24T15:00", "V0000", "", "", c1, ""),
    ("P1", "sell", "2022-08-24T16:00", "V0000", "", "", d1, ""),
    ("P1", "sell", "2022-08-24T17:00", "V0000", "", "", u, ""),
    # S1 leaves the cold store when it reaches V0001, inside P1's widened stay there
    ("S1", "store", "2022-08-19T08:00", "CS-01", "冻虾", "", "", ""),
    ("S1", "dispatch", "2022-08-20T06:00", "CS-01", "", "", "", ""),
    ("S1", "arrive", "2022-08-20T09:30", "V0001", "", "", "", ""),
    # S2 arrives exactly 24 h after P1 left (its arrival at V0000); S3 a second later
    ("S2", "store", "2022-08-25T10:00", "CS-01", "牛肉", "", "", ""),
    ("S3", "store", "2022-08-25T10:00:01", "CS-01", "牛肉", "", "", ""),
    # S4 at the port within a day of P1's stay there
    ("S4", "arrive", "2022-08-21T07:00", "PORT-TJ", "冻鸡", "巴西", "", ""),
]
rng = random.Random(16)
sites = ["PORT-TJ", "CS-01", "CS-02", "V0000", "V0001", "V0002"]
for b in range(20):
    d = t("2022-08-10T00:00") + timedelta(hours=rng.randrange(0, 24 * 20))
    for k in range(rng.randrange(1, 5)):
        d += timedelta(hours=rng.randrange(1, 60))
        who = rng.choice(other + yuci[2:10]) if rng.random() < 0.3 else ""
        rows.append(("N%02d" % b, rng.choice(["arrive", "store", "dispatch", "sell"]),
                     iso(d)[:16], rng.choice(sites), "", "", who, ""))
for r in rows:
    w.writerow(r)
# bad rows: lines 2 + len(rows) onwards
w.writerow(["P1", "thaw", "2022-08-24T18:00", "V0000", "", "", "", ""])
w.writerow(["P1", "result", "2022-08-24T18:00", "CS-01", "", "", "", ""])
w.writerow(["P1", "result", "2022-08-24T18:00", "CS-01", "", "", "", "maybe"])
w.writerow(["ZZ9", "result", "2022-08-24T18:00", "CS-01", "", "", "", "positive"])
w.writerow(["P1", "sell", "2022-08-24T18:00", "V0000", "", "", u[:17] + ("1" if u[17] != "1" else "2"), ""])
w.writerow(["P1", "store", "2022-08-24T18:00", "CS-01", "", "", "", "negative"])
PY
good=$(($(wc -l <coldchain.csv) - 1 - 6))
fk import coldchain coldchain.csv 2>import.err
expect_rc 3 "import coldchain with bad rows"
contains import.err "$good accepted"
contains import.err "6 rejected"
rej=coldchain.csv.rejects.csv
contains "$rej" "event 'thaw' is not arrive, store, sample, result, disinfect, dispatch or sell"
contains "$rej" "a result event needs a result: positive or negative"
contains "$rej" "result 'maybe' is not positive or negative"
contains "$rej" "result for batch ZZ9, which was never seen"
contains "$rej" "check digit"
contains "$rej" "a store event carries no result"
[ "$(count coldchain)" -eq "$good" ] || fail "the store holds $(count coldchain) events, want $good"

# ---- one alert, and not twice ----
alerts_of() {
    "$FANGKONG" alerts --format json 2>/dev/null | "$PY" -c '
import json, sys
print(json.dumps([a for a in json.load(sys.stdin) if a["kind"] == "coldchain"], ensure_ascii=False))'
}
alerts_of >alerts1.json
fk import coldchain coldchain.csv 2>import2.err
expect_rc 3 "the same file again"
contains import2.err "0 accepted"
alerts_of >alerts2.json
"$PY" - alerts1.json alerts2.json <<'PY' || fail "the coldchain alert (above)"
import json, sys
a, b = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:])
assert len(a) == 1, a
assert a == b, (a, b)
assert a[0]["device"] == "P1" and a[0]["time"] == "2022-08-23T10:00:00+08:00", a
assert a[0]["detail"].startswith("batch P1 positive at CS-01: 3 sites, 5 persons, "), a
PY

# ---- the trace against an independent computation over the CSV ----
fk coldchain trace P1 --format json >trace.json 2>trace.err
expect_rc 0 "coldchain trace P1"
"$PY" - coldchain.csv "$WEB_DATA/persons.csv" "$WEB_DATA/venues.csv" trace.json 24 6 <<'PY' || fail "the trace differs from the independent one (above)"
import csv, json, sys
from datetime import datetime, timedelta, timezone
tz = timezone(timedelta(hours=8))
def when(s):
    d = datetime.fromisoformat(s)
    return d if d.tzinfo else d.replace(tzinfo=tz)
iso = lambda d: d.astimezone(tz).isoformat()
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[: -int(sys.argv[6])]
persons = {r["id_number"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
venues = {r["code"]: r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8"))}
got = json.load(open(sys.argv[4], encoding="utf-8"))
W = timedelta(hours=int(sys.argv[5]))
evorder = ["arrive", "store", "sample", "result", "disinfect", "dispatch", "sell"]
by = {}
for r in rows:
    by.setdefault(r["batch"], []).append(r)
def visits(b):
    """A batch's visits: runs of its events at one site; a visit departs when the next one
    arrives, the last one at its last event."""
    ev = sorted(by[b], key=lambda r: (when(r["time"]), evorder.index(r["event"]), r["site"], r["id_number"]))
    out = []
    for r in ev:
        if not out or out[-1]["site"] != r["site"]:
            if out:
                out[-1]["dep"] = when(r["time"])
            out.append({"site": r["site"], "arr": when(r["time"]), "n": 0})
        out[-1]["n"] += 1
    out[-1]["dep"] = when(ev[-1]["time"])
    return out, ev
vs, ev = visits("P1")
want_sites = [{"seq": i + 1, "site": v["site"], "name": venues.get(v["site"], {}).get("name"),
               "grid": venues.get(v["site"], {}).get("grid"), "arrival": iso(v["arr"]),
               "departure": iso(v["dep"]), "events": v["n"]} for i, v in enumerate(vs)]
assert got["sites"] == want_sites, (got["sites"], want_sites)
want_persons = [{"id_number": r["id_number"], "name": persons.get(r["id_number"], {}).get("name"),
                 "grid": persons.get(r["id_number"], {}).get("grid"),
                 "phone": persons.get(r["id_number"], {}).get("phone") or None,
                 "event": r["event"], "time": iso(when(r["time"])), "site": r["site"]}
                for r in ev if r["id_number"]]
assert got["persons"] == want_persons, (got["persons"], want_persons)
positive = lambda b: int(any(r["event"] == "result" and r["result"] == "positive" for r in by[b]))
want_shared = []
for v in vs:
    lo, hi = v["arr"] - W, v["dep"] + W
    found = []
    for b in by:
        if b == "P1":
            continue
        for o in visits(b)[0]:
            if o["site"] == v["site"] and o["arr"] <= hi and o["dep"] >= lo:
                found.append((o["arr"], b, {"batch": b, "site": o["site"], "from": iso(max(o["arr"], lo)),
                                             "to": iso(min(o["dep"], hi)), "positive": positive(b)}))
    want_shared += [f[2] for f in sorted(found, key=lambda f: (f[0], f[1]))]
assert got["shared"] == want_shared, (got["shared"], want_shared)
names = [s["batch"] for s in want_shared]
assert "S1" in names and "S2" in names and "S4" in names and "S3" not in names, names
b = got["batch"]
assert b["batch"] == "P1" and b["positive"] == 1 and b["positive_site"] == "CS-01", b
assert b["sites"] == 3 and b["persons"] == 5 and b["shared"] == len(want_shared) and b["hidden"] == 0, b
print("P1: %d sites, %d touches, %d shared batches, as computed here" % (len(vs), len(want_persons), len(want_shared)))
PY
# CSV blocks like fangkong person.
fk coldchain trace P1 >trace.csv 2>/dev/null
expect_rc 0 "coldchain trace P1 as CSV"
contains trace.csv "# sites"
contains trace.csv "seq,site,name,grid,arrival,departure,events"
fk coldchain trace NOPE 2>nope.err
expect_rc 1 "an unknown batch"
contains nope.err "no cold-chain batch NOPE"
fk coldchain batches --format json >batches.json 2>/dev/null
expect_rc 0 "coldchain batches"
[ "$(jq_py 'j[0]["batch"]' batches.json)" = P1 ] || fail "the positive batch is not first"
[ "$(jq_py 'len(j)' batches.json)" = 25 ] || fail "$(jq_py 'len(j)' batches.json) batches, want 25"

# ---- --control: added, then already ----
fk coldchain trace P1 --control >/dev/null 2>control1.err
expect_rc 0 "coldchain trace --control"
contains control1.err "batch P1: 5 persons touched it; 4 put under home control, 0 already under control, 0 outside your scope, 1 not registered"
fk coldchain trace P1 --control >/dev/null 2>control2.err
expect_rc 0 "coldchain trace --control again"
contains control2.err "0 put under home control, 4 already under control"
fk control list --category coldchain --format json >ctl.json 2>/dev/null
expect_rc 0 "control list --category coldchain"
[ "$(jq_py 'len(j)' ctl.json)" = 4 ] || fail "$(jq_py 'len(j)' ctl.json) coldchain orders, want 4"

# ---- over HTTP: the same answer, cut to the viewer's scope ----
web_serve
admin=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
viewer=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")
api "$admin" GET /api/v1/coldchain/trace/P1
expect_status 200 "trace as the headquarters"
cp "$WORK/body" api-admin.json
"$PY" - trace.json api-admin.json <<'PY' || fail "the API's trace differs from the CLI's"
import json, sys
a, b = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:])
assert a == b, (a, b)
PY
api "$viewer" GET /api/v1/coldchain/trace/P1
expect_status 200 "trace as the viewer of 140702"
cp "$WORK/body" api-viewer.json
"$PY" - trace.json api-viewer.json <<'PY' || fail "the viewer's trace (above)"
import json, sys
full, mine = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:])
inside = [p for p in full["persons"] if (p["grid"] or "").startswith("140702")]
assert inside and len(inside) < len(full["persons"]), full["persons"]
assert mine["persons"] == inside, mine["persons"]
assert mine["batch"]["hidden"] == len(full["persons"]) - len(inside), mine["batch"]
text = json.dumps(mine, ensure_ascii=False)
for p in full["persons"]:
    if p not in inside:
        assert p["id_number"] not in text, p["id_number"]
        assert not p["name"] or p["name"] not in text, p["name"]
assert mine["sites"] == full["sites"] and mine["shared"] == full["shared"]
PY
api "$viewer" GET "/api/v1/coldchain/batches?limit=5"
expect_status 200 "batches as the viewer"
[ "$(jq_py 'j["rows"][0]["batch"]')" = P1 ] || fail "the viewer's list: $(head -c 200 "$WORK/body")"
[ "$(jq_py 'j["total"]')" = 25 ] || fail "total $(jq_py 'j["total"]')"
api "$viewer" POST /api/v1/coldchain/trace/P1/control -H 'Content-Type: application/json' --data-binary '{}'
expect_error forbidden 403 "the viewer putting persons under control"
api "$viewer" POST /api/v1/coldchain -H 'Content-Type: application/json' \
    --data-binary '{"batch":"S4","event":"result","time":"2022-08-22T09:00:00+08:00","site":"PORT-TJ","result":"negative"}'
expect_error forbidden 403 "the viewer posting cold-chain rows"
api "$admin" POST /api/v1/coldchain/trace/P1/control -H 'Content-Type: application/json' --data-binary '{}'
expect_status 200 "control over HTTP"
[ "$(jq_py '[j["persons"], j["added"], j["already"], j["unregistered"]]')" = "[5, 0, 4, 1]" ] ||
    fail "control again over HTTP: $(cat "$WORK/body")"
api "$admin" GET /api/v1/coldchain/trace/S4
expect_status 200 "S4's trace before its result"
cp "$WORK/body" s4-before.json
api "$admin" POST /api/v1/coldchain -H 'Content-Type: application/json' \
    --data-binary '{"batch":"S4","event":"result","time":"2022-08-22T09:00:00+08:00","site":"PORT-TJ","result":"negative"}'
expect_status 200 "cold-chain rows over HTTP"
[ "$(jq_py 'j["accepted"]')" = 1 ] || fail "rows over HTTP: $(cat "$WORK/body")"
# The server keeps its cold-chain index between requests: the row just written is in the next
# answer, as the CLI (which reads the store afresh) says.
api "$admin" GET /api/v1/coldchain/trace/S4
expect_status 200 "S4's trace after its result"
cp "$WORK/body" s4-after.json
fk coldchain trace S4 --format json >s4-cli.json 2>/dev/null
"$PY" - s4-before.json s4-after.json s4-cli.json <<'PY' || fail "the server's trace missed the row just written"
import json, sys
before, after, cli = (json.load(open(f, encoding="utf-8")) for f in sys.argv[1:])
assert before != after, "unchanged"
assert after == cli, (after, cli)
PY
# The alert: the headquarters' list has it (it names no person), the county viewer's not.
api "$admin" GET "/api/v1/alerts?status=all"
expect_status 200 "alerts as the headquarters"
[ "$(jq_py '[a["device"] for a in j["rows"] if a["kind"] == "coldchain"]')" = '["P1"]' ] ||
    fail "the headquarters' alerts lack the cold-chain one"
api "$viewer" GET "/api/v1/alerts?status=all"
expect_status 200 "alerts as the viewer"
[ "$(jq_py '[a for a in j["rows"] if a["kind"] == "coldchain"]')" = '[]' ] ||
    fail "the viewer of 140702 sees the city's cold-chain alert"
api "$admin" GET /api/v1/coldchain/trace/NOPE
expect_error not_found 404 "an unknown batch over HTTP"
echo "cold chain: rejects, trace = independent computation, one alert, control added then already, scope"
