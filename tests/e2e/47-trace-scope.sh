#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The 流调 answers of a county viewer (issue 15: "the county viewer's 流调 page is empty although
# 230 contacts live there"). The viewer yuci of 榆次区 (140702) must find in the graph
# (/api/v1/chain) every case that has contacts living in 140702, wherever the case lives: a case
# outside the county is a case node of its own, unnamed (no ID number, no name), and
# /api/v1/trace?case=NODE&depth=2 answers exactly that case's contacts living in 140702. The
# expected cases and contacts come from the CLI (`trace --case ID --depth 2`, unscoped) and the
# persons file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_city
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
mkdir -p per-case
for c in $(tail -n +2 "$WEB_DATA/cases.csv" | cut -d, -f1); do
    "$FANGKONG" trace --case "$c" --depth 2 --format json >"per-case/$c.json" 2>/dev/null ||
        fail "trace --case $c"
done
web_serve
tok=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")
api "$tok" GET "/api/v1/chain"
expect_status 200 "chain as the viewer"
cp "$WORK/body" chain.json
"$PY" - chain.json >nodes.txt <<'PY' || fail "chain of the viewer (above)"
import json, sys
for n in json.load(open(sys.argv[1], encoding="utf-8"))["nodes"]:
    if n["category"] == "case":
        print(n["id"])
PY
: >got.txt
for n in $(cat nodes.txt); do
    api "$tok" GET "/api/v1/trace?case=$n&depth=2"
    expect_status 200 "trace of case node $n as the viewer"
    jq_py '" ".join(sorted(r["id_number"] for r in j["rows"]))' >>got.txt
done
"$PY" - "$WEB_DATA/persons.csv" "$WEB_DATA/cases.csv" chain.json got.txt <<'PY' || fail "the viewer's cases (above)"
import csv, json, sys
persons = {r["id_number"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
cases = [r["id_number"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))]
mine = lambda pid: persons[pid]["grid"].startswith("140702")
want = {}
for c in cases:
    rows = json.load(open("per-case/%s.json" % c, encoding="utf-8"))
    ids = sorted(r["id_number"] for r in rows if mine(r["id_number"]))
    if ids:
        want[c] = " ".join(ids)
assert any(not mine(c) for c in want), "the fixture has no case outside 140702 with contacts in it"
got = [l.strip() for l in open(sys.argv[4], encoding="utf-8")]
assert sorted(got) == sorted(want.values()), "case nodes' contacts %s, want %s" % (got, want)
chain = json.load(open(sys.argv[3], encoding="utf-8"))
text = json.dumps(chain, ensure_ascii=False)
for c in want:
    if not mine(c):
        assert c not in text and persons[c]["name"] not in text, "outside case %s is named" % c
print("%d cases, %d of them outside 140702" % (len(want), sum(not mine(c) for c in want)))
PY
echo "trace scope: the viewer of 140702 finds every case with contacts there, and only those contacts"
