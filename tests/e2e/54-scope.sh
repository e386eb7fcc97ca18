#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every write is checked against the caller's scope. Each role (admin, commander, county,
# township, grid, lab, viewer) imports each type (regions persons venues scans pings samples
# results cases controls arrivals risk_areas door_events) with one row inside its scope and one
# outside, through the API and through the command line with --as: the answer (refused, or one
# row in and one rejected with a clerk's reason) is computed here from the roles and the region
# tree, independently of fangkong. Then: a resident outside the scope answers exactly as an
# unknown one (API look-ups by ID number and alert number, import rejects, the CLI), and the
# audit trail is cut to the reader's scope and own rows.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

# ---- the fixture: city-3's regions plus 太原市 (outside 晋中市), accounts, and per channel
# (a: API, c: CLI) and role one resident inside the role's scope and one outside, with what the
# door events and results rows need ----
{
    cat "$DATA/regions.csv"
    echo "140100,太原市,city,140000"
    echo "140105,小店区,county,140100"
    echo "140105001,小店区第1街道,township,140105"
    echo "140105001001,小店区1-1社区,community,140105001"
    echo "140105001001G01,网格9000,grid,140105001001"
} >regions.csv
cat >accounts.txt <<'EOF'
admin admin 140700
commander commander 140700
county county 140702
township township 140702001
grid grid 140702001001G01
lab lab 140702
viewer viewer 140702
EOF
"$PY" - "$FK_SRC/tests/e2e" <<'PY'
import csv, os, sys
sys.path.insert(0, sys.argv[1])
from idgen import make

regions = {r["code"]: r for r in csv.DictReader(open("regions.csv", encoding="utf-8"))}
LEVELS = ["province", "city", "county", "township", "community", "grid"]

def chain(code):
    out = []
    while code:
        out.append(code)
        code = regions[code]["parent"]
    return out

def inside(inner, outer):
    return outer in chain(inner)

def label(code):
    return "%s (%s)" % (regions[code]["name"], code)

def where(grid, scope):
    """The region at the scope's level holding grid, as a clerk reads it."""
    lv = regions[scope]["level"]
    for c in chain(grid):
        if regions[c]["level"] == lv:
            return label(c)
    return label(grid)

IMPORT = {"admin", "commander", "county", "township", "grid"}
RESULTS = IMPORT | {"lab"}
TYPES = ["regions", "persons", "venues", "scans", "pings", "samples", "results", "cases",
         "controls", "arrivals", "risk_areas", "door_events"]
IN_GRID = "140702001001G01"

def allowed(role, scope, t):
    if t in ("regions", "risk_areas"):
        return role in ("admin", "commander") and LEVELS.index(regions[scope]["level"]) <= 1
    return role in (RESULTS if t == "results" else IMPORT)

seq = [0]
def new_id(grid):
    seq[0] += 1
    return make(grid[:6] if grid[:6] != "140100" else "140105", "19800101", seq[0])

accounts = [l.split() for l in open("accounts.txt")]
setup = {k: [] for k in ("persons", "venues", "samples", "controls")}
setup["venues"].append(["VBASE", "基础场所", IN_GRID])
expected = open("expected.txt", "w", encoding="utf-8")
unknown_reason = "unknown person %s: not in the population registry (import persons first)"
for ch in ("a", "c"):
    os.makedirs(ch, exist_ok=True)
    for name, role, scope in accounts:
        out_grid = "140105001001G01" if regions[scope]["level"] == "city" else "140703001001G01"
        assert inside(IN_GRID, scope) and not inside(out_grid, scope)
        tag = "%s%s" % (ch, name)
        pin, pout = new_id(IN_GRID), new_id(out_grid)
        setup["persons"] += [[pin, "内" + tag, IN_GRID], [pout, "外" + tag, out_grid]]
        setup["samples"] += [["R%sIN" % tag, pin, "2022-08-28T08:00:00+08:00"],
                             ["R%sOUT" % tag, pout, "2022-08-28T08:00:00+08:00"]]
        setup["controls"] += [[pin, "close", "home", "2022-08-25T09:00:00+08:00", "D%sIN" % tag],
                              [pout, "close", "home", "2022-08-25T09:00:00+08:00", "D%sOUT" % tag]]
        nin, nout = new_id(IN_GRID), new_id(out_grid)
        T = "2022-08-27T10:00:00+08:00"
        files = {
            "regions": ("code,name,level,parent",
                        ["X%sIN,新网格,grid,140702001001" % tag,
                         "X%sOUT,外网格,grid,140105001001" % tag],
                        "region X%sOUT: its parent 140105001001 lies outside your scope %s"
                        % (tag, label(scope))),
            "persons": ("id_number,name,grid", ["%s,新人,%s" % (nin, IN_GRID),
                                                "%s,外人,%s" % (nout, out_grid)],
                        "resident %s lives in %s, outside your scope %s"
                        % (nout, where(out_grid, scope), label(scope))),
            "venues": ("code,name,grid", ["V%sIN,内场所,%s" % (tag, IN_GRID),
                                          "V%sOUT,外场所,%s" % (tag, out_grid)],
                       "venue V%sOUT lives in %s, outside your scope %s"
                       % (tag, where(out_grid, scope), label(scope))),
            "scans": ("id_number,venue,time", ["%s,VBASE,%s" % (pin, T), "%s,VBASE,%s" % (pout, T)],
                      unknown_reason % pout),
            "pings": ("id_number,cell,time", ["%s,C1,%s" % (pin, T), "%s,C1,%s" % (pout, T)],
                      unknown_reason % pout),
            "samples": ("tube,id_number,time", ["S%sIN,%s,%s" % (tag, pin, T),
                                                "S%sOUT,%s,%s" % (tag, pout, T)],
                        unknown_reason % pout),
            "results": ("tube,result,time", ["R%sIN,negative,2022-08-28T12:00:00+08:00" % tag,
                                             "R%sOUT,negative,2022-08-28T12:00:00+08:00" % tag],
                        "no sample was taken in tube R%sOUT (import samples first)" % tag),
            "cases": ("id_number,confirmed", ["%s,%s" % (pin, T), "%s,%s" % (pout, T)],
                      unknown_reason % pout),
            "controls": ("id_number,category,place,start",
                         ["%s,close,centralized,2022-08-28T09:00:00+08:00" % pin,
                          "%s,close,centralized,2022-08-28T09:00:00+08:00" % pout],
                         unknown_reason % pout),
            "arrivals": ("id_number,arrived,origin",
                         ["%s,2022-08-26T08:00:00+08:00,310115" % pin,
                          "%s,2022-08-26T08:00:00+08:00,310115" % pout],
                         "unknown person %s: give name and grid to register the arrival" % pout),
            "risk_areas": ("area,level,start", ["A%s,high,2022-08-20" % tag], ""),
            "door_events": ("device,id_number,time,event",
                            ["D%sIN,%s,%s,close" % (tag, pin, T), "D%sOUT,%s,%s,close" % (tag, pout, T)],
                            unknown_reason % pout),
        }
        assert sorted(files) == sorted(TYPES)
        for t in TYPES:
            header, rows, reason = files[t]
            path = "%s/%s-%s.csv" % (ch, name, t)
            with open(path, "w", encoding="utf-8") as f:
                f.write(header + "\n" + "".join(r + "\n" for r in rows))
            ok = allowed(role, scope, t)
            # channel account type file allowed read accepted rejected reason
            expected.write("\t".join([ch, name, t, path, "1" if ok else "0", str(len(rows)),
                                      "1" if ok else "0", str(len(rows) - 1) if ok else "0",
                                      reason]) + "\n")
        # For the probe checks: a resident outside this account's scope, and an unknown one.
        with open("probe-%s-%s.txt" % (ch, name), "w") as f:
            f.write("%s %s %s\n" % (pin, pout, new_id(out_grid)))
for k, cols in (("persons", "id_number,name,grid"), ("venues", "code,name,grid"),
                ("samples", "tube,id_number,time"),
                ("controls", "id_number,category,place,start,device")):
    with open("setup-%s.csv" % k, "w", encoding="utf-8") as f:
        f.write(cols + "\n" + "".join(",".join(r) + "\n" for r in setup[k]))
PY
fk import regions regions.csv 2>/dev/null
expect_rc 0 "import regions"
for t in persons venues samples controls; do
    fk import "$t" "setup-$t.csv" 2>/dev/null
    expect_rc 0 "import setup $t"
done
while read -r name role scope; do
    echo "pw-$name-2022-scope" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done <accounts.txt
# Two more readers of the audit trail, a commander of 太谷区 and one of 榆次区; an admin of 榆次区.
for who in taigu-cmd:commander:140703 yuci-cmd:commander:140702 yuci-admin:admin:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022-scope" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
echo "pw-gone-2022-scope" | "$FANGKONG" user add gone --role county --scope 140702 >/dev/null 2>&1
"$FANGKONG" user disable gone >/dev/null 2>&1 || fail "user disable gone"

start_server
declare -A TOKEN
while read -r name role scope; do
    TOKEN[$name]=$(login "$name" "pw-$name-2022-scope")
done <accounts.txt

# check_rejects FILE REASON: the rejects file has exactly one row, whose reason is REASON.
check_rejects() {
    "$PY" - "$1" "$2" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
if len(rows) != 1 or rows[0]["reason"] != sys.argv[2]:
    sys.exit("rejects %s, expected one with reason %r" % ([r["reason"] for r in rows], sys.argv[2]))
PY
}

# ---- each role x each type, in and out of scope, through the API ----
while IFS=$'\t' read -r ch name type path ok nread nacc nrej reason; do
    [ "$ch" = a ] || continue
    what="API: $name imports $type"
    api "${TOKEN[$name]}" POST "/api/v1/import/$type" -H 'Content-Type: text/csv' \
        --data-binary @"$path"
    if [ "$ok" = 0 ]; then
        expect_error forbidden 403 "$what"
        continue
    fi
    expect_status 200 "$what"
    got=$(jq_py '"%s %s %s" % (j["read"], j["accepted"], j["rejected"])')
    [ "$got" = "$nread $nacc $nrej" ] || fail "$what: read/accepted/rejected $got, expected $nread $nacc $nrej"
    if [ "$nrej" -gt 0 ]; then
        link=$(jq_py 'j["rejects"]')
        api "${TOKEN[$name]}" GET "$link"
        expect_status 200 "$what: its rejects"
        cp "$WORK/body" rej.csv
        check_rejects rej.csv "$reason" || fail "$what: the reject's reason"
    fi
done <expected.txt

# ---- the same through the command line, --as each account ----
while IFS=$'\t' read -r ch name type path ok nread nacc nrej reason; do
    [ "$ch" = c ] || continue
    what="CLI: $name imports $type"
    fk import "$type" "$path" --as "$name" 2>err.txt
    if [ "$ok" = 0 ]; then
        expect_rc 1 "$what"
        contains err.txt "may not import $type"
        continue
    fi
    expect_rc $([ "$nrej" -gt 0 ] && echo 3 || echo 0) "$what"
    contains err.txt "$nread read, $nacc accepted"
    contains err.txt ", $nrej rejected"
    if [ "$nrej" -gt 0 ]; then
        check_rejects "$path.rejects.csv" "$reason" || fail "$what: the reject's reason"
    fi
done <expected.txt

# What went in: every accepted row and none other (counted independently of the answers above).
"$PY" - <<'PY' >want-counts.txt
rows = [l.rstrip("\n").split("\t") for l in open("expected.txt", encoding="utf-8")]
acc = {}
for ch, name, t, path, ok, nread, nacc, nrej, reason in rows:
    acc[t] = acc.get(t, 0) + int(nacc)
base = {"persons": 28, "venues": 1}  # setup: 2 residents per channel and account; one venue
for t in ("persons", "venues", "cases", "arrivals", "scans", "pings", "results", "risk_areas"):
    print(t, base.get(t, 0) + acc.get(t, 0))
PY
while read -r t want; do
    [ "$(count "$t")" = "$want" ] || fail "$t: $(count "$t") rows, expected $want"
done <want-counts.txt

# ---- --as: an unknown or disabled account is an error; nothing is written ----
before=$(count persons)
fk import persons a/county-persons.csv --as nobody 2>err.txt
expect_rc 1 "--as an unknown account"
contains err.txt "--as nobody: no such account"
fk import persons a/county-persons.csv --as gone 2>err.txt
expect_rc 1 "--as a disabled account"
contains err.txt "--as gone: the account is disabled"
[ "$(count persons)" = "$before" ] || fail "an import --as a bad account wrote rows"

# ---- the permission comes first: a county account learns nothing of the file it may not import --
fk import regions "$WORK/nonexistent.csv" --as yuci-admin 2>err.txt
expect_rc 1 "--as a county admin, regions from a path that does not exist"
contains err.txt "may not import regions"
printf 'not,a,regions,header\n' >not-regions.csv
fk import regions not-regions.csv --as yuci-admin 2>err.txt
expect_rc 1 "--as a county admin, regions from a file that is no regions CSV"
contains err.txt "may not import regions"

# ---- probes: a resident outside the scope answers exactly as an unknown one ----
read -r PIN POUT PNONE <probe-a-county.txt
J=(-H 'Content-Type: application/json')
# same_answer WHAT OUTSIDER UNKNOWN METHOD PATH-WITH-@ [BODY-WITH-@]: the answers for the outsider
# and for the unknown ID number are the same status and, with the ID number blanked, the same body.
same_answer() {
    local what=$1 o=$2 u=$3 method=$4 path=$5 body=${6:-} k
    for k in o u; do
        local id=${!k}
        if [ -n "$body" ]; then
            api "${TOKEN[county]}" "$method" "${path//@/$id}" "${J[@]}" --data "${body//@/$id}"
        else
            api "${TOKEN[county]}" "$method" "${path//@/$id}"
        fi
        echo "$status $(sed "s/$id/ID/g" "$WORK/body")" >"probe-$k.txt"
    done
    cmp -s probe-o.txt probe-u.txt ||
        fail "$what: outside $(cat probe-o.txt) vs unknown $(cat probe-u.txt)"
    grep -q '^404 ' probe-o.txt || fail "$what: not a 404: $(cat probe-o.txt)"
}
same_answer "release" "$POUT" "$PNONE" POST /api/v1/control/release '{"id_number":"@","force":true}'
same_answer "transfer" "$POUT" "$PNONE" POST /api/v1/control/transfer '{"id_number":"@","place":"home"}'
same_answer "extend" "$POUT" "$PNONE" POST /api/v1/control/extend '{"id_number":"@","days":2}'
same_answer "from-trace case" "$POUT" "$PNONE" POST /api/v1/control/from-trace '{"cases":["@"]}'
same_answer "explain" "$POUT" "$PNONE" GET "/api/v1/explain?id=@"
same_answer "trace case" "$POUT" "$PNONE" GET "/api/v1/trace?case=@"
# Alert numbers: an alert about a resident of 太谷区 vs a number with no alert.
printf 'device,id_number,time,event\nDcadminOUT,%s,2022-08-27T23:00:00+08:00,tamper\n' \
    "$(cut -d' ' -f2 probe-c-admin.txt)" >tamper.csv
fk import door_events tamper.csv 2>/dev/null
"$FANGKONG" alerts --open --format json >alerts.json 2>/dev/null
AOUT=$(jq_py '[r["id"] for r in (j["rows"] if isinstance(j, dict) else j) if r["grid"].startswith("140105")][0]' alerts.json)
api "${TOKEN[county]}" POST "/api/v1/alerts/$AOUT" "${J[@]}" --data '{"action":"ack","note":"x"}'
echo "$status $(sed "s/$AOUT/N/g" "$WORK/body")" >probe-o.txt
api "${TOKEN[county]}" POST "/api/v1/alerts/99999" "${J[@]}" --data '{"action":"ack","note":"x"}'
echo "$status $(sed "s/99999/N/g" "$WORK/body")" >probe-u.txt
cmp -s probe-o.txt probe-u.txt || fail "alert: outside $(cat probe-o.txt) vs unknown $(cat probe-u.txt)"
# Account names: an account of 太谷区 vs no such account, to an admin of 榆次区.
YADMIN=$(login yuci-admin pw-yuci-admin-2022-scope)
for k in taigu-cmd nobody; do
    api "$YADMIN" POST "/api/v1/users/$k" "${J[@]}" --data '{"disabled":true}'
    echo "$status $(sed "s/$k/NAME/g" "$WORK/body")" >"probe-$k.txt"
done
cmp -s probe-taigu-cmd.txt probe-nobody.txt ||
    fail "user: outside $(cat probe-taigu-cmd.txt) vs unknown $(cat probe-nobody.txt)"
# The command line with --as says the same of both.
read -r CIN COUT CNONE <probe-c-county.txt
for k in COUT CNONE; do
    fk control release "${!k}" --force --as county 2>err.txt
    expect_rc 1 "CLI release of $k"
    sed "s/${!k}/ID/g" err.txt >"probe-$k.txt"
done
cmp -s probe-COUT.txt probe-CNONE.txt ||
    fail "CLI release: outside '$(cat probe-COUT.txt)' vs unknown '$(cat probe-CNONE.txt)'"
fk control release "$CIN" --force --as county 2>err.txt
expect_rc 0 "CLI release of a resident inside the scope"
fk control list --region 140703 --as county 2>err.txt >/dev/null
expect_rc 1 "CLI control list outside the scope"
contains err.txt "region 140703 is outside your scope 140702"
fk control list --status all --as county 2>/dev/null >list.csv
grep -qv '^140702' <(grep -v '^id,' list.csv | cut -d, -f5) && fail "CLI list --as county shows an order outside 140702"
fk control list --as lab 2>err.txt >/dev/null
expect_rc 1 "CLI control list as a lab"
contains err.txt "a lab account may not list persons"
fk round create R1 --region 140700 --start 2022-08-28T00:00 --end 2022-08-29T00:00 --as county \
    2>err.txt >/dev/null
expect_rc 1 "CLI round create over the city as a county account"
contains err.txt "region 140700 is outside your scope 140702"
fk round create R1 --region 140700 --start 2022-08-28T00:00 --end 2022-08-29T00:00 2>/dev/null \
    >/dev/null
fk missing R1 --region 140703 --as county 2>err.txt >/dev/null
expect_rc 1 "CLI missing of 太谷区 as a county account of 榆次区"
contains err.txt "region 140703 is outside your scope 140702"
fk missing R1 --region 140700 --as county 2>/dev/null >missing.csv
expect_rc 0 "CLI missing of the city as a county account"
grep -qv '^140702' <(grep -v '^id_number,' missing.csv | cut -d, -f4) &&
    fail "CLI missing --as county lists residents outside 140702"
grep -q '^id_number,' missing.csv && [ "$(wc -l <missing.csv)" -gt 1 ] ||
    fail "CLI missing --as county lists nobody"
fk audit --as county 2>err.txt >/dev/null
expect_rc 1 "CLI audit as a county account"
contains err.txt "a county account may not read the audit trail"

# ---- the audit trail, cut to the reader's scope and own rows ----
TOKEN[taigu-cmd]=$(login taigu-cmd pw-taigu-cmd-2022-scope)
TOKEN[yuci-cmd]=$(login yuci-cmd pw-yuci-cmd-2022-scope)
# An import of 太谷区's own, so its commander has a row of its own.
printf 'id_number,name,grid\n%s,太谷新人,140703001001G02\n' "$(python3 "$FK_SRC/tests/e2e/idgen.py" 140703 19900101 777)" >taigu.csv
api "${TOKEN[taigu-cmd]}" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @taigu.csv
expect_status 200 "taigu-cmd imports a resident of 太谷区"
fk audit --format json >audit-all.json 2>/dev/null
for reader in admin taigu-cmd yuci-cmd; do
    api "${TOKEN[$reader]}" GET "/api/v1/audit?limit=10000"
    expect_status 200 "$reader reads the audit trail"
    cp "$WORK/body" "audit-api-$reader.json"
    fk audit --as "$reader" --format json >"audit-cli-$reader.json" 2>/dev/null
    expect_rc 0 "CLI audit --as $reader"
done
"$PY" - <<'PY' || fail "the audit trail is not cut to the reader's scope"
import csv, json, sys
regions = {r["code"]: r for r in csv.DictReader(open("regions.csv", encoding="utf-8"))}
scopes = {l.split()[0]: l.split()[2] for l in open("accounts.txt")}
scopes.update({"taigu-cmd": "140703", "yuci-cmd": "140702", "gone": "140702",
               "yuci-admin": "140702"})
def inside(inner, outer):
    while inner:
        if inner == outer:
            return True
        inner = regions[inner]["parent"]
    return False
def rows(path):
    j = json.load(open(path, encoding="utf-8"))
    return j["rows"] if isinstance(j, dict) else j
def key(r):
    return (r["time"], r["who"], r["action"], r["target"], r["detail"], r["region"])
every = rows("audit-all.json")
bad = []
# Each row is about the region its writer acted in: an account's imports its scope, a round its
# region, the local administrator's other rows none.
for r in every:
    if r["action"] == "import" and r["who"] in scopes and r["region"] != scopes[r["who"]]:
        bad.append("an import by %s is about %r, not its scope" % (r["who"], r["region"]))
    if r["action"] == "round.create" and r["region"] != "140700":
        bad.append("the round of 140700 is about %r" % r["region"])
    if r["who"].startswith("cli:") and r["action"] != "round.create" and r["region"] != "":
        bad.append("a row of the local administrator is about %r" % r["region"])
for reader, scope in (("admin", "140700"), ("taigu-cmd", "140703"), ("yuci-cmd", "140702")):
    city = regions[scope]["level"] in ("province", "city")
    want = sorted(key(r) for r in every
                  if r["who"] == reader
                  or (r["region"] == "" and city)
                  or (r["region"] != "" and inside(r["region"], scope)))
    for how in ("api", "cli"):
        got = sorted(key(r) for r in rows("audit-%s-%s.json" % (how, reader)))
        if got != want:
            bad.append("%s %s: %d rows, expected %d; extra %s; missing %s" % (
                how, reader, len(got), len(want), [g for g in got if g not in want][:3],
                [w for w in want if w not in got][:3]))
    if reader == "taigu-cmd" and any(r["who"] in ("county", "township", "grid")
                                     for r in rows("audit-api-taigu-cmd.json")):
        bad.append("太谷区's commander sees 榆次区's imports")
    if reader == "taigu-cmd" and not any(r["who"] == "taigu-cmd"
                                         for r in rows("audit-api-taigu-cmd.json")):
        bad.append("太谷区's commander does not see its own import")
    if reader == "yuci-cmd" and not any(r["who"] == "county" for r in rows("audit-api-yuci-cmd.json")):
        bad.append("榆次区's commander does not see its county's imports")
if bad:
    sys.exit("\n".join(bad))
PY
