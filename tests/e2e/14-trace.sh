#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Contact tracing end to end: fangkong trace on city-3 against its known answers, and on a generated
# city against a brute-force computation written here in Python straight from the rules of DESIGN.md
# (also with a custom profile); --case and --since; --explain of close, secondary and companion
# contacts checked against the raw files; chain as JSON and Graphviz; the errors a user can make.
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"
# The interpreter itself, not a version manager's shim that costs a second a call.
PY=$(python3 -c 'import sys; print(sys.executable)')

# tr.py, the independent side, imported by the checks below: City(DIR) reads the files fangkong
# accepted; brute() applies the rules literally; same() compares a list with a set of (id_number,
# category, exposure instant); reasons() checks that every row's source, via and exposure hold in
# the files; explain() checks one --explain answer against the list and the files.
cat >tr.py <<'PY'
import csv, os, re, sys
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
DAY = 86400
LOOKBACK, SLOT, COMPANION = 4, 10, 14
RANK = {"close": 1, "secondary": 2, "companion": 3}


def ts(s):
    """An ISO 8601 time or date as Unix seconds; no offset means +08:00, a date 00:00."""
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=CST)
    return int(d.timestamp())


def rows(path):
    """The rows of a data file that fangkong accepted: lines in FILE.rejects.csv are left out."""
    bad = set()
    if os.path.exists(path + ".rejects.csv"):
        bad = {int(r["line"]) for r in csv.DictReader(open(path + ".rejects.csv", newline=""))}
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        for row in r:
            if r.line_num not in bad:
                yield row


class City:
    def __init__(self, d):
        self.hh, self.members = {}, {}
        for p in rows(d + "/persons.csv"):
            self.hh[p["id_number"].upper()] = p.get("household") or None
        for p, h in self.hh.items():
            if h:
                self.members.setdefault(h, []).append(p)
        venues = {v["code"] for v in rows(d + "/venues.csv")}
        # Events by place, {(person, time)}, and by person, {(place, time)}.
        self.scans, self.pscans, self.pings, self.ppings = {}, {}, {}, {}
        for s in rows(d + "/scans.csv"):
            i, t = s["id_number"].upper(), ts(s["time"])
            if i in self.hh and s["venue"] in venues:
                self.scans.setdefault(s["venue"], set()).add((i, t))
                self.pscans.setdefault(i, set()).add((s["venue"], t))
        for s in rows(d + "/pings.csv"):
            i, t = s["id_number"].upper(), ts(s["time"])
            if i in self.hh:
                self.pings.setdefault(s["cell"], set()).add((i, t))
                self.ppings.setdefault(i, set()).add((s["cell"], t))
        self.cases = {}
        for c in rows(d + "/cases.csv"):
            i = c["id_number"].upper()
            if i in self.hh:
                self.cases[i] = (ts(c["confirmed"]), ts(c["onset"]) if c.get("onset") else None,
                                 ts(c["isolated"]) if c.get("isolated") else None)

    def window(self, case):
        conf, onset, iso = self.cases[case]
        return (onset or conf) - LOOKBACK * DAY, iso or conf


def brute(city, depth, win=30, since=None, chosen=None):
    """DESIGN.md "Tracing rules", literally: {(id_number, category, exposure)}."""
    best = {}

    def offer(p, cat, at):
        if p not in best or (RANK[cat], at) < (RANK[best[p][0]], best[p][1]):
            best[p] = (cat, at)

    def household(src, cat, at):
        for p in city.members.get(city.hh[src], ()):
            if p != src:
                offer(p, cat, at)

    def venues(src, cat, lo, hi):
        for v, t in city.pscans.get(src, ()):
            if lo <= t <= hi:
                for q, u in city.scans[v]:
                    if q != src and abs(u - t) <= win * 60:
                        offer(q, cat, max(t, u))

    for case, (conf, _, _) in city.cases.items():
        if (chosen and case not in chosen) or (since is not None and conf < since):
            continue
        start, end = city.window(case)
        household(case, "close", start)
        venues(case, "close", start, end)
        for c, t in city.ppings.get(case, ()):
            if conf - COMPANION * DAY <= t <= conf:
                for q, u in city.pings[c]:
                    if q != case and u // (SLOT * 60) == t // (SLOT * 60):
                        offer(q, "companion", t // (SLOT * 60) * SLOT * 60)
    if depth == 2:
        for m, (cat, at) in list(best.items()):
            if cat == "close" and m not in city.cases:
                household(m, "secondary", at)
                venues(m, "secondary", at, float("inf"))
    return {(p, cat, at) for p, (cat, at) in best.items() if p not in city.cases}


def load(path):
    with open(path, newline="") as f:
        return {r["id_number"]: r for r in csv.DictReader(f)}


def as_set(path):
    return {(r["id_number"], r["category"], ts(r["exposure"])) for r in load(path).values()}


def same(got, want, what):
    """The list in file got holds exactly the set want (or the list in file want)."""
    a, b = as_set(got), want if isinstance(want, set) else as_set(want)
    for x in sorted(a - b)[:10]:
        print("  only in fangkong's answer: %s" % (x,), file=sys.stderr)
    for x in sorted(b - a)[:10]:
        print("  only in the expected answer: %s" % (x,), file=sys.stderr)
    if a != b:
        sys.exit("%s: %d rows, expected %d, %d in common" % (what, len(a), len(b), len(a & b)))


def reasons(city, got, win=30):
    """Every row's reason holds: the events it names exist and satisfy the rule."""
    lst = load(got)
    for r in lst.values():
        p, src, cat, at = r["id_number"], r["source"], r["category"], ts(r["exposure"])
        kind, _, code = r["via"].partition(":")
        if cat == "secondary":
            assert lst.get(src, {}).get("category") == "close", ("source not close", r)
            lo, hi = ts(lst[src]["exposure"]), float("inf")
        else:
            assert src in city.cases, ("source not a case", r)
            lo, hi = city.window(src)
        if kind == "household":
            assert cat != "companion" and city.hh[p] == code == city.hh[src] and at == lo, r
        elif kind == "venue":
            mine = [u for v, u in city.pscans[p] if v == code]
            assert cat != "companion" and any(
                v == code and lo <= t <= hi and abs(u - t) <= win * 60 and max(t, u) == at
                for v, t in city.pscans[src] for u in mine), r
        else:
            conf, slot = city.cases[src][0], SLOT * 60
            assert kind == "cell" and cat == "companion" and at % slot == 0, r
            assert any(c == code and t // slot * slot == at and conf - COMPANION * DAY <= t <= conf
                       for c, t in city.ppings[src]), r
            assert any(c == code and u // slot * slot == at for c, u in city.ppings[p]), r


def times(s):
    return [ts(x) for x in re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s)]


def explain(city, got, path, who):
    """The --explain rows of who name the case, the close contact in between for a secondary,
    the venue, cell or household, and the times, all as in the list and the files."""
    lst = load(got)
    with open(path, newline="") as f:
        ex = list(csv.DictReader(f))
    me = lst[who]
    chain = [lst[me["source"]], me] if me["category"] == "secondary" else [me]
    assert [r["step"] for r in ex] == [str(i + 1) for i in range(len(chain) + 1)], ex
    assert ex[0]["role"] == "case" and ex[0]["id_number"] == chain[0]["source"], ex[0]
    assert times(ex[0]["detail"]) == list(city.window(ex[0]["id_number"])), ex[0]
    for step, k in zip(ex[1:], chain):
        src, at = k["source"], ts(k["exposure"])
        kind, _, code = k["via"].partition(":")
        t = times(step["detail"])
        assert (step["role"], step["id_number"], step["via"]) == \
            (k["category"], k["id_number"], k["via"]), (step, k)
        assert ts(step["time"]) == at and src in step["detail"], (step, k)
        if kind == "venue":  # the case's (or close contact's) scan, then this person's
            assert code in step["detail"] and len(t) == 2 and max(t) == at, step
            assert (src, t[0]) in city.scans[code], step
            assert (k["id_number"], t[1]) in city.scans[code], step
        elif kind == "cell":  # the case's ping, then the slot's start
            assert code in step["detail"] and len(t) == 2 and t[1] == at, step
            assert (src, t[0]) in city.pings[code] and t[0] // 600 * 600 == at, step
        else:
            assert city.hh[src] == code and t[0] == at, step
PY

# first_id FILE [N]: the first column (id_number) of data row N (default 1) of a CSV file.
first_id() {
    sed -n "$((${2:-1} + 1))p" "$1" | cut -d, -f1
}

# first_row FILE CATEGORY VIA_KIND: the id_number of the first contact of that kind.
first_row() {
    awk -F, -v c="$2" -v v="$3:" '$3 == c && index($5, v) == 1 { print $1; exit }' "$1"
}

# (a) city-3: the known answers at depth 1 and 2; one case alone; --since.
mkdir c3
cp "$DATA"/*.csv c3/
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "c3/$t.csv" 2>/dev/null
    case $t in
        persons|scans|samples|results) expect_rc 3 "import $t" ;;
        *) expect_rc 0 "import $t" ;;
    esac
done
for d in 1 2; do
    fk trace --depth "$d" >"c3-depth$d.csv" 2>"c3-depth$d.log"
    expect_rc 0 "trace --depth $d"
done
fk trace >c3-default.csv 2>/dev/null
cmp -s c3-default.csv c3-depth1.csv || fail "trace without --depth is not depth 1"
case1=$(first_id c3/cases.csv)
fk trace --case "$case1" --depth 2 >c3-one.csv 2>/dev/null
expect_rc 0 "trace --case $case1"
fk trace --since 2022-08-27 --depth 2 >c3-since.csv 2>/dev/null
expect_rc 0 "trace --since"
"$PY" - "$DATA" "$case1" <<'PY' || fail "city-3 (above)"
import sys
from tr import *
data, case = sys.argv[1:]
c3 = City("c3")
for d in (1, 2):
    same("c3-depth%d.csv" % d, "%s/expected/trace-depth%d.csv" % (data, d),
         "city-3 trace --depth %d vs expected/trace-depth%d.csv" % (d, d))
    reasons(c3, "c3-depth%d.csv" % d)
# One case: a subset of the full list whose sources are that case or its close contacts.
one, full = load("c3-one.csv"), load("c3-depth2.csv")
assert 0 < len(one) < len(full) and set(one) <= set(full), (len(one), len(full))
closes = {i for i, r in one.items() if r["category"] == "close"}
assert closes, "no close contact of %s" % case
for r in one.values():
    assert r["source"] in (closes if r["category"] == "secondary" else {case}), r
for i in closes:  # in the full list they stay close, exposed no later
    assert full[i]["category"] == "close" and ts(full[i]["exposure"]) <= ts(one[i]["exposure"]), i
same("c3-one.csv", brute(c3, 2, chosen={case}), "city-3 trace --case %s" % case)
since = brute(c3, 2, since=ts("2022-08-27"))
same("c3-since.csv", since, "city-3 trace --since 2022-08-27")
assert 0 < len(since) < len(full), len(since)
PY
contains c3-depth2.log "43 contacts: 18 close, 24 secondary, 1 companions"

# (b) a generated city, in a data file of its own, against the brute force at depth 1 and 2;
# (f) with a venue window of 0 minutes (the demo's times are whole minutes: the same minute only).
export FANGKONG_DB="$WORK/city.db"
fk demo --people 4000 --seed 3 --out city --cases 8 --finished 2>/dev/null
expect_rc 0 demo
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "city/$t.csv" 2>/dev/null
    expect_rc 0 "import demo $t"
done
for d in 1 2; do
    fk trace --depth "$d" >"city-depth$d.csv" 2>/dev/null
    expect_rc 0 "demo trace --depth $d"
done
printf '[trace]\nvenue_window_minutes = 0\n' >strict.ini
fk trace --profile strict.ini --depth 2 >city-strict.csv 2>/dev/null
expect_rc 0 "trace --profile strict.ini"

# (c) --explain of close, secondary and companion contacts, by venue, cell and household.
explained=
for kind in close,venue secondary,venue companion,cell close,household secondary,household; do
    who=$(first_row city-depth2.csv "${kind%,*}" "${kind#*,}")
    [ -n "$who" ] || fail "the demo city has no $kind contact: the comparison proves too little"
    fk trace --explain "$who" >"explain-$who.csv" 2>/dev/null
    expect_rc 0 "trace --explain $who ($kind)"
    explained="$explained $who"
done

# (d) chain as JSON and as Graphviz.
fk chain --format json >chain.json 2>/dev/null
expect_rc 0 "chain --format json"
fk chain --format dot >chain.dot 2>/dev/null
expect_rc 0 "chain --format dot"
[ "$(head -c 7 chain.dot)" = digraph ] || fail "chain --format dot does not start with digraph"
[ "$(tail -n 1 chain.dot)" = "}" ] || fail "chain --format dot is not closed"
[ "$(grep -c -- '" -> "' chain.dot)" -eq "$(($(wc -l <city-depth2.csv) - 1))" ] ||
    fail "chain --format dot: not one edge a contact"

"$PY" - $explained <<'PY' || fail "demo city (above)"
import json, sys
from tr import *
city = City("city")
for d in (1, 2):
    same("city-depth%d.csv" % d, brute(city, d), "demo city trace --depth %d" % d)
reasons(city, "city-depth2.csv")
same("city-strict.csv", brute(city, 2, win=0), "demo city, venue window 0")
reasons(city, "city-strict.csv", win=0)
strict = sum(r["category"] == "close" for r in load("city-strict.csv").values())
default = sum(r["category"] == "close" for r in load("city-depth2.csv").values())
assert 0 < strict < default, (strict, default)
for who in sys.argv[1:]:
    explain(city, "city-depth2.csv", "explain-%s.csv" % who, who)
# chain: every contact a node of its category and the head of one edge from its source.
g, lst = json.load(open("chain.json")), load("city-depth2.csv")
nodes = {n["id"]: n["category"] for n in g["nodes"]}
edges = {(e["from"], e["to"]): e for e in g["edges"]}
assert len(g["nodes"]) == len(nodes) and len(g["edges"]) == len(edges) == len(lst)
for r in lst.values():
    assert nodes.get(r["id_number"]) == r["category"] and r["source"] in nodes, r
    e = edges[(r["source"], r["id_number"])]
    assert (e["category"], e["via"], e["exposure"]) == (r["category"], r["via"], r["exposure"]), e
for i, c in nodes.items():
    assert (c == "case") == (i in city.cases), (i, c)
PY

# --explain of a person not on the list, and of a case: exit 1, a message, nothing on stdout.
nobody=$(awk -F, 'FNR == 1 { next } FILENAME != ARGV[3] { seen[$1] = 1; next }
                  !($1 in seen) { print $1; exit }' city-depth2.csv city/cases.csv city/persons.csv)
[ -n "$nobody" ] || fail "everybody in the demo city is a case or a contact"
fk_err() {
    fk "$@" >out.txt 2>err.txt
    expect_rc 1 "$*"
    [ ! -s out.txt ] || fail "$* wrote to stdout"
}
fk_err trace --explain "$nobody"
contains err.txt "$nobody is not on the contact list"
fk_err trace --explain "$(first_id city/cases.csv)"
contains err.txt "is not on the contact list"

# (e) errors.
noncase=$(first_id city-depth2.csv)
fk_err trace --depth 3
contains err.txt "--depth takes 1 or 2"
fk_err chain --depth 3
contains err.txt "--depth takes 1 or 2"
fk_err trace --case "$noncase"
contains err.txt "$noncase is not a case"
fk_err trace --case 110101199001011237
contains err.txt "no person with ID number 110101199001011237"
fk_err trace --since yesterday
contains err.txt "--since 'yesterday' is not an ISO 8601 time"
# Nothing to trace is an empty list, not an error.
fk trace --since 2030-01-01 >out.txt 2>err.txt
expect_rc 0 "trace --since 2030-01-01 ($(head -c 300 err.txt))"
[ "$(cat out.txt)" = "id_number,name,category,source,via,exposure,phone,grid" ] ||
    fail "trace with nothing to trace: $(cat out.txt)"
contains err.txt "0 contacts"
# Last, as it fails today: with several --case, the message names the one that is not a case.
fk_err trace --case "$noncase" --case "$(first_id city/cases.csv)"
contains err.txt "$noncase is not a case"
echo "trace: city-3 and a demo city match; explain, chain, errors and profiles hold"
