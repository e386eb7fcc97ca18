#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Find anyone, and the person page, over the API and the command line: on city-3 with the control
# fixture (web-lib.sh's web_city), a person the test picks from persons.csv (under a control
# order, sampled into a pooled tube, in 榆次区) is found by each key (the whole ID number, its last
# 6, the name, the phone and its last 4) through GET /api/v1/persons and fangkong person --find;
# the page of GET /api/v1/persons/ID agrees with fangkong person --format json, and its samples
# with an independent count over samples.csv and results.csv. A viewer of 140702 gets 404 for a
# person of another county and never finds them; a bad query is a 400 with the reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
FK_KEEP_GOING=1
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

web_city
PROFILE=(--profile "$WEB_PROFILE")

# ---- the picks, and the independent answers, from the CSV files alone ----
"$PY" - "$WEB_DATA" "$WEB_CONTROL" >picks.env <<'PY'
import csv, sys
from collections import defaultdict
data, ctl = sys.argv[1], sys.argv[2]
persons = list(csv.DictReader(open(data + "/persons.csv", encoding="utf-8")))
by_id = {p["id_number"]: p for p in persons}
samples = list(csv.DictReader(open(data + "/samples.csv", encoding="utf-8")))
members = defaultdict(set)
for s in samples:
    members[s["tube"]].add(s["id_number"])
ordered = [r["id_number"] for r in csv.DictReader(open(ctl + "/controls.csv", encoding="utf-8"))]
def pooled(pid):
    return any(pid in m and len(m) > 1 for m in members.values())
pick = next(i for i in ordered if i in by_id and by_id[i]["grid"].startswith("140702")
            and pooled(i))
other = next(p["id_number"] for p in persons if p["grid"].startswith("140703") and p["phone"])
p = by_id[pick]
names = [q["name"] for q in persons]
print("PICK=%s" % pick)
print("PICK_NAME=%s" % p["name"])
print("PICK_PHONE=%s" % p["phone"])
print("OTHER=%s" % other)
print("OTHER_PHONE=%s" % by_id[other]["phone"])
PY
. ./picks.env
[ -n "$PICK" ] && [ -n "$OTHER" ] || fail "no person to pick"

"$PY" - "$WEB_DATA" "$PICK" >samples.expected <<'PY'
import csv, sys
data, pick = sys.argv[1], sys.argv[2]
samples = list(csv.DictReader(open(data + "/samples.csv", encoding="utf-8")))
results = {}
for r in csv.DictReader(open(data + "/results.csv", encoding="utf-8")):
    if r["tube"] not in results or r["time"] > results[r["tube"]][1]:
        results[r["tube"]] = (r["result"], r["time"])
count = {}
for s in samples:
    count[s["tube"]] = count.get(s["tube"], 0) + 1
for s in samples:
    if s["id_number"] == pick:
        print("%s,%d,%s" % (s["tube"], count[s["tube"]], results.get(s["tube"], ("",))[0]))
PY
[ -s samples.expected ] || fail "$PICK has no samples"

web_serve
ADMIN=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
VIEWER=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")

# ids FILE: the ID numbers of a search answer ({"rows":[…]}), one a line.
ids() { "$PY" -c 'import json, sys; [print(r["id_number"]) for r in json.load(open(sys.argv[1]))["rows"]]' "$1"; }
urlq() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# ---- search by each key: the API and the CLI find the pick, and agree ----
for q in "$PICK" "${PICK: -6}" "$(echo "$PICK" | tr X x)" "$PICK_NAME" "$PICK_PHONE" "${PICK_PHONE: -4}"; do
    api "$ADMIN" GET "/api/v1/persons?q=$(urlq "$q")&limit=200"
    [ "$status" = 200 ] || { cat "$WORK/body" >&2; fail "search '$q': status $status"; continue; }
    ids "$WORK/body" >api.ids
    grep -qx "$PICK" api.ids || fail "search '$q' does not find $PICK"
    fk person --find "$q" --limit 200 "${PROFILE[@]}" >cli.csv 2>/dev/null
    expect_rc 0 "person --find $q"
    tail -n +2 cli.csv | cut -d, -f1 >cli.ids
    diff api.ids cli.ids >/dev/null || fail "search '$q': the API and the CLI find different persons"
done
# The row says where and what: names of the grid, township and county, and the open control.
api "$ADMIN" GET "/api/v1/persons?q=$PICK"
"$PY" - "$WORK/body" <<'PY' || fail "the search row of $PICK lacks its places or control"
import json, sys
r = json.load(open(sys.argv[1]))["rows"][0]
assert r["county_name"] == "榆次区", r
assert r["grid_name"] and r["township_name"], r
assert r["control"] in ("close", "secondary", "companion", "case", "arrival", "risk_area", "other"), r
PY

# ---- the page: the API agrees with the CLI, and with the independent count ----
api "$ADMIN" GET "/api/v1/persons/$PICK"
[ "$status" = 200 ] || fail "page of $PICK: status $status"
cp "$WORK/body" page-api.json
fk person "$PICK" --format json "${PROFILE[@]}" >page-cli.json 2>/dev/null
expect_rc 0 "person $PICK"
"$PY" - page-api.json page-cli.json samples.expected <<'PY' || fail "the page of the API and the CLI disagree"
import json, sys
api, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
# The API's alerts carry the detail's message code and arguments too (for the UI's language).
for a in api["alerts"]:
    assert "code" in a and "args" in a, a
    a.pop("code", None); a.pop("args", None)
for k in api:
    assert api[k] == cli[k], "%s: %r != %r" % (k, api[k], cli[k])
assert set(cli) - set(api) == {"explain"}
want = sorted(l.strip().split(",") for l in open(sys.argv[3]))
got = sorted([s["tube"], str(s["members"]), s["result"] or ""] for s in api["samples"])
assert got == want, "samples %r, the CSV files say %r" % (got, want)
assert api["controls"], "no control order on the page"
assert all(t["id_number"] == api["person"]["id_number"] for t in api["tests"])
PY
# The CSV blocks of the CLI.
fk person "$PICK" "${PROFILE[@]}" >page.csv 2>/dev/null
for block in person household samples pool contact controls tests alerts arrivals explain; do
    contains page.csv "# $block"
done

# ---- scope: the viewer of 140702 ----
api "$VIEWER" GET "/api/v1/persons/$PICK"
[ "$status" = 200 ] || fail "the viewer cannot read $PICK of its county: $status"
api "$VIEWER" GET "/api/v1/persons/$OTHER"
[ "$status" = 404 ] || fail "the viewer reads $OTHER of 140703: status $status"
api "$VIEWER" GET "/api/v1/persons/110101000000000000"
[ "$status" = 404 ] || fail "unknown person: status $status"
for q in "$OTHER" "${OTHER: -6}" "$OTHER_PHONE"; do
    api "$VIEWER" GET "/api/v1/persons?q=$q&limit=200"
    [ "$status" = 200 ] || fail "viewer search '$q': $status"
    ids "$WORK/body" >viewer.ids
    ! grep -qx "$OTHER" viewer.ids || fail "the viewer finds $OTHER of 140703 by '$q'"
done
api "$VIEWER" GET "/api/v1/persons?q=$(urlq "$PICK_NAME")"
ids "$WORK/body" >viewer.ids
grep -qx "$PICK" viewer.ids || fail "the viewer does not find $PICK by name"
fk person "$OTHER" --as "${WEB_VIEWER%%:*}" "${PROFILE[@]}" >/dev/null 2>err.txt
expect_rc 1 "person of another county --as the viewer"
contains err.txt "no person with ID number $OTHER"
fk person --find "$OTHER" --as "${WEB_VIEWER%%:*}" >out.csv 2>/dev/null
[ "$(wc -l <out.csv)" -eq 1 ] || fail "the viewer finds $OTHER on the command line"

# ---- bad queries: 400 with the reason ----
api "$ADMIN" GET "/api/v1/persons?q=12345"
[ "$status" = 400 ] || fail "q=12345: status $status"
contains "$WORK/body" "5 characters"
api "$ADMIN" GET "/api/v1/persons"
[ "$status" = 400 ] || fail "no q: status $status"
contains "$WORK/body" "q is required"
api "$ADMIN" GET "/api/v1/persons?q=%20"
[ "$status" = 400 ] || fail "q=' ': status $status"
contains "$WORK/body" "empty"
api "$ADMIN" GET "/api/v1/persons?q=abc&limit=0"
[ "$status" = 400 ] || fail "limit=0: status $status"
api "" GET "/api/v1/persons?q=$PICK"
[ "$status" = 401 ] || fail "no session: status $status"
fk person --find 12345 >/dev/null 2>err.txt
expect_rc 1 "person --find 12345"
contains err.txt "5 characters"
echo "19-person: ok"
