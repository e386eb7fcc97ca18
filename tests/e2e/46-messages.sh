#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The server's messages come as codes with arguments besides their English text (include/fk/msg.h,
# issue 15 "one language at a time"): every explain step (code and args whose values are in the
# English detail, which stays what the CLI prints), every alert of the fixture (code alert.* and
# its device), a rows import's reasons (a bad check digit: row.id with the nested id.check_digit
# and the check digit idgen.py computes), and the chain's venue names (the venues file's).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_city
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
"$FANGKONG" trace --depth 2 --format json >all.json 2>/dev/null || fail "trace"
web_serve
tok=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
J=(-H 'Content-Type: application/json')

# Explain: one contact of each way (household, venue, cell) and a secondary one.
for who in $("$PY" - all.json <<'PY'
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
seen = {}
for r in rows:
    k = (r["category"], r["via"].split(":")[0])
    seen.setdefault(k, r["id_number"])
print(" ".join(seen.values()))
PY
); do
    api "$tok" GET "/api/v1/explain?id=$who"
    expect_status 200 "explain $who"
    cp "$WORK/body" "explain-$who.json"
    "$FANGKONG" trace --explain "$who" >"explain-$who.csv" 2>/dev/null || fail "trace --explain $who"
    "$PY" - "explain-$who.json" "explain-$who.csv" <<'PY' || fail "explain of $who carries no codes (above)"
import csv, json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))["rows"]
cli = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert [r["detail"] for r in rows] == [r["detail"] for r in cli], "the English detail changed"
for r in rows:
    assert r["code"] and r["code"].startswith("trace."), r
    assert isinstance(r["args"], dict) and r["args"], r
    for k, v in r["args"].items():
        assert v in r["detail"], (k, v, r["detail"])
assert rows[0]["code"] == "trace.case", rows[0]
want = {"venue": "trace.venue", "cell": "trace.cell"}
for r in rows[1:]:
    kind = r["via"].split(":")[0]
    assert r["code"] == want.get(kind, r["code"]), r
    if kind == "venue":
        assert r["args"]["venue"] == r["via"].split(":", 1)[1], r
PY
done

# Alerts: every one of the fixture's has a code of the alert family naming its device or tube.
api "$tok" GET "/api/v1/alerts?status=all"
expect_status 200 "alerts"
"$PY" - "$WORK/body" <<'PY' || fail "alerts carry no codes (above)"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))["rows"]
assert rows, "the fixture raised no alerts"
for r in rows:
    assert r["code"] and r["code"].startswith("alert."), r
    if r["device"]:
        assert r["args"].get("device") == r["device"], r
PY

# A rows import with a bad check digit.
good=$(python3 "$FK_SRC/tests/e2e/idgen.py" 140702 19900101 321)
want=${good:17:1}
bad=${good:0:17}$([ "$want" = 0 ] && echo 1 || echo 0)
api "$tok" POST /api/v1/rows/persons "${J[@]}" --data \
    "[{\"id_number\":\"$bad\",\"name\":\"坏号码\",\"phone\":\"13900000321\",\"grid\":\"140702001001G01\",\"household\":\"H09990\"}]"
expect_status 200 "rows with a bad check digit"
"$PY" - "$WORK/body" "$bad" "$want" <<'PY' || fail "the reject carries no code (above)"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
p = j["problems"][0]
m = p["messages"][0]
assert m["code"] == "row.id" and m["args"]["id"] == sys.argv[2], p
r = m["args"]["reason"]
assert r == {"code": "id.check_digit", "args": {"want": sys.argv[3], "got": sys.argv[2][17]}}, p
assert p["reason"] == "id_number %s: check digit should be %s, not %s" % (sys.argv[2], sys.argv[3], sys.argv[2][17]), p
PY

# The chain's venue names.
api "$tok" GET "/api/v1/chain"
expect_status 200 "chain"
"$PY" - "$WORK/body" "$WEB_DATA/venues.csv" <<'PY' || fail "the chain names no venue (above)"
import csv, json, sys
names = {r["code"]: r["name"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
edges = [e for e in json.load(open(sys.argv[1], encoding="utf-8"))["edges"] if e["via"].startswith("venue:")]
assert edges, "no contact met at a venue"
for e in edges:
    assert e.get("via_name") == names[e["via"][6:]], e
PY
echo "messages: explain steps, alerts and rejects carry codes and arguments; the chain names venues"
