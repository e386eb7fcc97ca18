#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The JSON API of fangkong serve on city-3 (imported by the command line, round R1), as six
# accounts: admin and commander (140700), a county desk (140702), a grid worker
# (140703001001G01), a lab (140700) and a viewer (140702). The answers equal the known answers of
# tests/data/city-3/expected, cut to each account's scope; every request outside a scope or role
# is a 403 and leaks no row (lists, pages, CSV and XLSX exports, explain); imports over HTTP (raw,
# multipart, GBK, scope-filtered rows, rejects link); rounds, accounts, the audit trail, and the
# dashboard against the coverage endpoint and the CLI's tat.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
EXP="$DATA/expected"
NOW=2022-08-29T12:00:00+08:00
NOW_Q=2022-08-29T12:00:00%2B08:00

cp "$DATA"/*.csv .
for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
    case $t in
        persons|scans|samples|results) expect_rc 3 "import $t (has bad rows)" ;;
        *) expect_rc 0 "import $t" ;;
    esac
done
IFS=, read -r R region start end <"$DATA/round.txt"
fk round create "$R" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
for who in admin:admin:140700 commander:commander:140700 desk:county:140702 \
    gridw:grid:140703001001G01 lab:lab:140700 viewer:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done
# The CLI's answer for the dashboard check, computed before the server starts.
fk tat "$R" --now "$NOW" >tat-cli.csv 2>/dev/null
expect_rc 0 "tat --now"

# The request timers count the tracer's runs (the dashboard check below).
export FK_HTTP_TIMING=1
start_server
unset FK_HTTP_TIMING
ADMIN=$(login admin pw-admin-2022)
COMMANDER=$(login commander pw-commander-2022)
DESK=$(login desk pw-desk-2022)
GRID=$(login gridw pw-gridw-2022)
LAB=$(login lab pw-lab-2022)
VIEWER=$(login viewer pw-viewer-2022)

# check.py NAME ARGS... [+ NAME ARGS...]: the checks that compare answers (files fetched below)
# with the expected CSV files; each prints what differed, and the exit status is 1 if any failed.
cat >check.py <<'PY'
import csv, json, math, os, re, sys, zipfile
from datetime import datetime

EXP = os.environ["EXP"]
DATA = os.environ["DATA"]


def load(path):
    return json.load(open(path, encoding="utf-8"))


def rows_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cov_typed(r):
    c = r["coverage"]
    if isinstance(c, str):
        c = float(c) if c != "" else None
    return (r["region"], r["name"], int(r["residents"]), int(r["sampled"]), c)


def same(what, got, want):
    if got != want:
        g, w = set(got), set(want)
        print("%s: %d rows, expected %d" % (what, len(got), len(want)), file=sys.stderr)
        for x in sorted(w - g, key=str)[:8]:
            print("  missing: %s" % (x,), file=sys.stderr)
        for x in sorted(g - w, key=str)[:8]:
            print("  extra:   %s" % (x,), file=sys.stderr)
        if g == w:
            print("  (same rows, repeated or in another multiplicity)", file=sys.stderr)
        return False
    return True


def grids():
    """Where each resident lives, from persons.csv (first row of an ID wins)."""
    g = {}
    for r in rows_csv(DATA + "/persons.csv"):
        g.setdefault(r["id_number"].upper(), r["grid"])
    return g


def instant(s):
    return datetime.fromisoformat(s).timestamp()


def trace_key(r):
    return (r["id_number"], r["category"], instant(r["exposure"]))


def cmd_coverage(level, answer, prefix=""):
    """The coverage answer equals expected/coverage-LEVEL.csv (the rows under prefix)."""
    j = load(answer)
    got = sorted(cov_typed(r) for r in j["rows"])
    want = sorted(cov_typed(r) for r in rows_csv("%s/coverage-%s.csv" % (EXP, level))
                  if r["region"].startswith(prefix))
    ok = same("coverage by %s %s" % (level, prefix or "(all)"), got, want)
    if j["total"] != len(j["rows"]):
        print("coverage by %s: total %s for %d rows" % (level, j["total"], len(j["rows"])),
              file=sys.stderr)
        ok = False
    return ok


def cmd_prefix(answer, field, prefix):
    """Every row of the answer has field starting with prefix."""
    j = load(answer)
    bad = [r for r in j["rows"] if not str(r[field]).startswith(prefix)]
    for r in bad[:8]:
        print("outside %s: %s" % (prefix, r), file=sys.stderr)
    return not bad


def cmd_missing_pages(want_total, limit, *pages):
    """Pages of missing 140703001: none longer than limit, no ID twice, the union equals
    expected/missing-140703001.csv, every page says the same total, the last has next null;
    the rows run in door-to-door order (grid, household, ID)."""
    ok, seen, got, households = True, set(), [], []
    for i, p in enumerate(pages):
        j = load(p)
        if len(j["rows"]) > int(limit) or not j["rows"]:
            print("page %d has %d rows (limit %s)" % (i + 1, len(j["rows"]), limit), file=sys.stderr)
            ok = False
        if j["total"] != int(want_total):
            print("page %d: total %s, expected %s" % (i + 1, j["total"], want_total), file=sys.stderr)
            ok = False
        if (j["next"] is None) != (i == len(pages) - 1):
            print("page %d: next %r" % (i + 1, j["next"]), file=sys.stderr)
            ok = False
        for r in j["rows"]:
            if r["id_number"] in seen:
                print("page %d repeats %s" % (i + 1, r["id_number"]), file=sys.stderr)
                ok = False
            seen.add(r["id_number"])
            got.append(tuple(r[k] for k in ("id_number", "name", "phone", "grid")))
            households.append(r["household"])
    want = [tuple(r[k] for k in ("id_number", "name", "phone", "grid"))
            for r in rows_csv(EXP + "/missing-140703001.csv")]
    if int(want_total) != len(want):
        print("expected file has %d rows" % len(want), file=sys.stderr)
        ok = False
    if len(pages) != math.ceil(len(want) / int(limit)):
        print("%d pages for %d rows by %s" % (len(pages), len(want), limit), file=sys.stderr)
        ok = False
    keys = [(g[3], h, g[0]) for g, h in zip(got, households)]
    if keys != sorted(keys):
        print("pages are not in visit order (grid, household, ID)", file=sys.stderr)
        ok = False
    return same("missing 140703001 (all pages)", sorted(got), sorted(want)) and ok


def cmd_missing(answer, grid_prefix):
    """The answer (JSON or CSV) equals the expected missing rows whose grid starts with prefix."""
    if answer.endswith(".csv"):
        rows = rows_csv(answer)
    else:
        rows = load(answer)["rows"]
    got = sorted(tuple(r[k] for k in ("id_number", "name", "phone", "grid")) for r in rows)
    want = sorted(tuple(r[k] for k in ("id_number", "name", "phone", "grid"))
                  for r in rows_csv(EXP + "/missing-140703001.csv")
                  if r["grid"].startswith(grid_prefix))
    return same("missing %s" % grid_prefix, got, want)


def cmd_retest(answer, prefix=""):
    """The retest answer equals expected/retest.csv (its rows living under prefix)."""
    if answer.endswith(".csv"):
        rows = rows_csv(answer)
    else:
        rows = load(answer)["rows"]
    cols = ("tube", "id_number", "name", "phone", "grid")
    got = sorted(tuple(r[k] for k in cols) for r in rows)
    want = sorted(tuple(r[k] for k in cols) for r in rows_csv(EXP + "/retest.csv")
                  if r["grid"].startswith(prefix))
    return same("retest %s" % (prefix or "(all)"), got, want)


def cmd_trace(answer, prefix=""):
    """Trace depth 2 equals expected/trace-depth2.csv on (id_number, category, exposure), cut to
    the contacts living under prefix (by persons.csv); the grid column agrees."""
    j = load(answer)
    g = grids()
    got = sorted(trace_key(r) for r in j["rows"])
    want = sorted(trace_key(r) for r in rows_csv(EXP + "/trace-depth2.csv")
                  if g[r["id_number"]].startswith(prefix))
    ok = same("trace depth 2 %s" % (prefix or "(all)"), got, want)
    for r in j["rows"]:
        if r["grid"] != g[r["id_number"]]:
            print("trace: %s has grid %s, persons.csv %s" % (r["id_number"], r["grid"],
                                                           g[r["id_number"]]), file=sys.stderr)
            ok = False
    return ok


def cmd_pick_contact(prefix):
    """Prints one contact of expected/trace-depth2.csv living under prefix."""
    g = grids()
    for r in rows_csv(EXP + "/trace-depth2.csv"):
        if g[r["id_number"]].startswith(prefix):
            print(r["id_number"])
            return True
    return False


def cmd_ids(out):
    """Writes every ID number of the expected files to out, one a line (for grep -F -f)."""
    ids = {r["id_number"] for f in ("missing-140703001.csv", "retest.csv", "trace-depth2.csv")
           for r in rows_csv(EXP + "/" + f)}
    open(out, "w").write("".join(i + "\n" for i in sorted(ids)))
    return bool(ids)


def cmd_explain(answer, person):
    """An explain answer: a chain from a case (step 1) to person (the last step)."""
    rows = load(answer)["rows"]
    ok = bool(rows) and rows[0]["role"] == "case" and rows[-1]["id_number"] == person
    ok = ok and [r["step"] for r in rows] == list(range(1, len(rows) + 1))
    if not ok:
        print("explain of %s: %s" % (person, rows), file=sys.stderr)
    return ok


def cmd_export_csv(path, prefix, field, want_rows):
    """A CSV download: every row's field starts with prefix, and it holds want_rows rows (-1: any
    number)."""
    rows = rows_csv(path)
    ok = True
    for r in rows:
        if not r[field].startswith(prefix):
            print("csv export: row outside %s: %s" % (prefix, r), file=sys.stderr)
            ok = False
    if int(want_rows) >= 0 and len(rows) != int(want_rows):
        print("csv export: %d rows, expected %s" % (len(rows), want_rows), file=sys.stderr)
        ok = False
    return ok


def cmd_export_xlsx(path, prefix, other, want_rows):
    """An XLSX download: the sheet holds want_rows data rows, prefix appears, other never."""
    z = zipfile.ZipFile(path)
    text = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                   if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml")
    sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    nrows = len(re.findall(r"<row ", sheet)) - 1
    ok = True
    if other in text:
        print("xlsx export names %s" % other, file=sys.stderr)
        ok = False
    if prefix not in text:
        print("xlsx export lacks %s" % prefix, file=sys.stderr)
        ok = False
    if nrows != int(want_rows):
        print("xlsx export: %d data rows, expected %s" % (nrows, want_rows), file=sys.stderr)
        ok = False
    return ok


def cmd_count_expected(level, prefix):
    print(sum(1 for r in rows_csv("%s/coverage-%s.csv" % (EXP, level))
              if r["region"].startswith(prefix)))
    return True


def num(v):
    return float(v) if v not in ("", None) else None


def cmd_dashboard(answer, city, county, township, grid, tat_csv, prefix):
    """The dashboard equals the coverage endpoint's answers, the CLI's tat totals row (admin:
    tat_csv, '-' to skip), and the contacts of expected/trace-depth2.csv under prefix."""
    d = load(answer)
    ok = True

    def eq(what, got, want):
        nonlocal ok
        if got != want:
            print("dashboard %s: %s, expected %s" % (what, got, want), file=sys.stderr)
            ok = False

    cov = lambda f: [cov_typed(r) for r in load(f)["rows"]]
    top = cov(city) if city != "-" else cov(county)
    eq("coverage", [cov_typed(r) for r in d["coverage"]], top)
    eq("by_level1", [cov_typed(r) for r in d["by_level1"]], cov(county if city != "-" else township))
    if city != "-":
        eq("by_level2", [cov_typed(r) for r in d["by_level2"]], cov(township))
        eq("levels", (d["level1"], d["level2"]), ("county", "township"))
    g = cov(grid)
    eq("grids", d["grids"], len(g))
    eq("grids_below_target", d["grids_below_target"],
       sum(1 for r in g if r[4] is not None and r[4] * 100 < d["target"]))
    if tat_csv != "-":
        total = [r for r in rows_csv(tat_csv) if r["site"] == "(total)"]
        eq("tat rows", len(d["tat"]), 1)
        if total and d["tat"]:
            t = d["tat"][0]
            eq("tat", {k: num(t[k]) if k != "site" else t[k] for k in total[0]},
               {k: num(v) if k != "site" else v for k, v in total[0].items()})
    gr = grids()
    cats = {"close": 0, "secondary": 0, "companion": 0}
    for r in rows_csv(EXP + "/trace-depth2.csv"):
        if gr[r["id_number"]].startswith(prefix):
            cats[r["category"]] += 1
    eq("contacts", d["contacts"], cats)
    eq("cases", d["cases"], cases_under(prefix))
    return ok


def cases_under(prefix):
    """The cases living under prefix (cases.csv, persons.csv)."""
    gr = grids()
    return sum(1 for r in rows_csv(DATA + "/cases.csv")
               if gr.get(r["id_number"].upper(), "").startswith(prefix))


def cmd_contacts(answer, prefix, round_region):
    """A dashboard for round_region whose contacts are those of expected/trace-depth2.csv living
    under prefix (the caller's scope)."""
    d = load(answer)
    gr = grids()
    cats = {"close": 0, "secondary": 0, "companion": 0}
    for r in rows_csv(EXP + "/trace-depth2.csv"):
        if gr[r["id_number"]].startswith(prefix):
            cats[r["category"]] += 1
    ok = d["contacts"] == cats and d["round"]["region"] == round_region
    if not ok:
        print("dashboard of %s for scope %s: contacts %s, expected %s" % (
            d["round"]["region"], prefix or "(all)", d["contacts"], cats), file=sys.stderr)
    if d["cases"] != cases_under(round_region):
        print("dashboard of %s for scope %s: %s cases, expected the %d living in %s" % (
            d["round"]["region"], prefix or "(all)", d["cases"], cases_under(round_region),
            round_region), file=sys.stderr)
        ok = False
    return ok


def cmd_import(answer, read, accepted, updated, duplicate, rejected, encoding):
    """An import summary with these counts; a rejects link when something was rejected."""
    j = load(answer)
    want = {"read": int(read), "accepted": int(accepted), "updated": int(updated),
            "duplicate": int(duplicate), "rejected": int(rejected), "encoding": encoding}
    got = {k: j.get(k) for k in want}
    ok = got == want
    if not ok:
        print("import summary: %s, expected %s" % (got, want), file=sys.stderr)
    link = j.get("rejects")
    if int(rejected):
        if not (isinstance(link, str) and re.fullmatch(r"/api/v1/imports/[0-9a-f]{16}", link)):
            print("import: rejects link %r" % (link,), file=sys.stderr)
            ok = False
        else:
            print(link)
    elif link is not None:
        print("import: rejects link %r with nothing rejected" % (link,), file=sys.stderr)
        ok = False
    return ok


def cmd_rejects(path, line, reason_part):
    """A rejects CSV (line,reason,raw) with a row for line whose reason contains reason_part."""
    rows = rows_csv(path)
    hit = [r for r in rows if r["line"] == line and reason_part in r["reason"]]
    if not hit:
        print("rejects: no line %s with '%s': %s" % (line, reason_part, rows), file=sys.stderr)
    return bool(hit)


def cmd_audit(answer, *want):
    """The audit rows hold each WHO:ACTION:TARGET given (at least N times with a :N suffix)."""
    rows = rows_csv(answer) if answer.endswith(".csv") else load(answer)["rows"]
    ok = True
    for w in want:
        parts = w.split(":")
        n = int(parts[3]) if len(parts) > 3 else 1
        have = sum(1 for r in rows if (r["who"], r["action"], r["target"]) == tuple(parts[:3]))
        if have < n:
            print("audit: %d rows %s, expected at least %d" % (have, parts[:3], n), file=sys.stderr)
            ok = False
    return ok


def cmd_audit_none(answer, who, *targets):
    """No audit row is by who or names one of targets (requests that were refused), but for
    sign-ins, which are all audited."""
    rows = rows_csv(answer) if answer.endswith(".csv") else load(answer)["rows"]
    bad = [r for r in rows if not r["action"].startswith("signin")
           and (r["who"] == who or r["target"] in targets)]
    for r in bad:
        print("audit: a refused request left %s" % r, file=sys.stderr)
    return not bad


OUTSIDE = "(outside scope)"


def rows_any(answer):
    return rows_csv(answer) if answer.endswith(".csv") else load(answer)["rows"]


def outsiders(prefix):
    """ID numbers of the residents living outside prefix (persons.csv)."""
    return {i for i, g in grids().items() if not g.startswith(prefix)}


def cmd_no_outsiders(answer, prefix):
    """The answer (JSON, CSV or XLSX) names no resident living outside prefix."""
    if answer.endswith(".xlsx"):
        z = zipfile.ZipFile(answer)
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist()).upper()
    else:
        text = open(answer, encoding="utf-8").read().upper()
    named = sorted(i for i in outsiders(prefix) if i in text)
    for i in named[:8]:
        print("%s names %s, who lives outside %s" % (answer, i, prefix), file=sys.stderr)
    return not named


def cmd_sources(answer, admin_answer, prefix, min_outside):
    """Each contact's source in answer (the list as a caller of scope prefix sees it) is the
    admin's source when that lives under prefix, else the marker; at least min_outside rows have
    the marker."""
    g = grids()
    admin = {r["id_number"]: r["source"] for r in rows_any(admin_answer)}
    ok, marked = True, 0
    for r in rows_any(answer):
        want = admin[r["id_number"]]
        if not g.get(want, "").startswith(prefix):
            want = OUTSIDE
        marked += want == OUTSIDE
        if r["source"] != want:
            print("%s: %s has source %r, expected %r" % (answer, r["id_number"], r["source"], want),
                  file=sys.stderr)
            ok = False
    if marked < int(min_outside):
        print("%s: %d sources outside %s, expected at least %s" % (answer, marked, prefix,
                                                                  min_outside), file=sys.stderr)
        ok = False
    return ok


def cmd_explain_scoped(answer, person, prefix, admin_answer):
    """An explain answer for a caller of scope prefix: the admin's chain, step for step, with every
    step of a person living outside prefix unnamed (the marker, no name) and no outsider named."""
    rows, want = load(answer)["rows"], load(admin_answer)["rows"]
    g, ok = grids(), cmd_explain(answer, person) and cmd_no_outsiders(answer, prefix)
    if len(rows) != len(want):
        print("explain %s: %d steps, the admin's %d" % (person, len(rows), len(want)),
              file=sys.stderr)
        return False
    for r, w in zip(rows, want):
        out = not g.get(w["id_number"], "").startswith(prefix)
        exp = (OUTSIDE, None) if out else (w["id_number"], w["name"])
        got = (r["id_number"], r["name"], r["role"], r["via"], r["time"])
        if got != exp + (w["role"], w["via"], w["time"]):
            print("explain %s step %s: %s, the admin's %s" % (person, r["step"], r, w),
                  file=sys.stderr)
            ok = False
        if out and w["name"] and any(w["name"] in (x["detail"] or "") for x in rows):
            print("explain %s: a detail names %s" % (person, w["name"]), file=sys.stderr)
            ok = False
    return ok


def cmd_chain(answer, prefix, min_outside):
    """A graph for a caller of scope prefix: no outsider named, unique node ids, every edge
    between nodes, and the people outside the scope as one unnamed node "outside" (when there are
    at least min_outside edges from it)."""
    j = load(answer)
    ok = cmd_no_outsiders(answer, prefix)
    ids = [n["id"] for n in j["nodes"]]
    if len(ids) != len(set(ids)):
        print("chain: repeated nodes", file=sys.stderr)
        ok = False
    for e in j["edges"]:
        if e["from"] not in ids or e["to"] not in ids:
            print("chain: edge %s -> %s between no nodes" % (e["from"], e["to"]), file=sys.stderr)
            ok = False
    out = [n for n in j["nodes"] if n["id"] == OUTSIDE]
    n_out = sum(1 for e in j["edges"] if e["from"] == OUTSIDE)
    if n_out < int(min_outside) or (out and out[0] != {"id": OUTSIDE, "name": None,
                                                       "category": "outside"}):
        print("chain: %d edges from %s, node %s" % (n_out, OUTSIDE, out), file=sys.stderr)
        ok = False
    return ok


def cmd_tat_received(tat_csv):
    """city-3's results carry no receipt time: every tube with a result counts as received."""
    total = [r for r in rows_csv(tat_csv) if r["site"] == "(total)"]
    ok = bool(total) and total[0]["received"] == total[0]["resulted"] != "0"
    if not ok:
        print("tat: %s: received should equal resulted" % total, file=sys.stderr)
    return ok


def cmd_json(path):
    """The file is valid JSON."""
    try:
        json.load(open(path, encoding="utf-8"))
        return True
    except ValueError as e:
        print("%s: %s: %s" % (path, e, open(path, encoding="utf-8").read()[:160]), file=sys.stderr)
        return False


if __name__ == "__main__":
    # NAME ARGS... [+ NAME ARGS...]...: every check runs; the exit status says whether all held.
    ok, args = True, sys.argv[1:]
    while args:
        cut = args.index("+") if "+" in args else len(args)
        ok = globals()["cmd_" + args[0]](*args[1:cut]) and ok
        args = args[cut + 1:]
    sys.exit(0 if ok else 1)
PY
export EXP DATA
check() {
    "$PY" check.py "$@" >/dev/null || fail "check $*"
}
# get TOKEN PATH FILE [WHAT]: a GET that must answer 200; the body is kept in FILE.
get() {
    api "$1" GET "$2"
    expect_status 200 "${4:-GET $2}"
    cp "$WORK/body" "$3"
}
# refused TOKEN METHOD PATH WHAT [CURL ARGS...]: a 403 {"code":"forbidden",…} that names no
# resident of the expected files.
refused() {
    local token=$1 method=$2 path=$3 what=$4
    shift 4
    api "$token" "$method" "$path" "$@"
    expect_error forbidden 403 "$what"
    if grep -qF -f ids.txt "$WORK/body"; then
        fail "$what: the refusal names residents"
    fi
}
check ids ids.txt
# city-3's results carry no receipt time: a tube with a result was received all the same.
check tat_received tat-cli.csv

# ---- the admin's answers equal the expected files ----
checks=()
for level in city county township community grid; do
    get "$ADMIN" "/api/v1/coverage?round=$R&by=$level" "cov-admin-$level.json"
    checks+=(+ coverage "$level" "cov-admin-$level.json")
done
check "${checks[@]:1}"
# missing for 140703001, seven at a time, following next.
after=
pages=()
for i in $(seq 20); do
    get "$ADMIN" "/api/v1/missing?round=$R&region=140703001&limit=7${after:+&after=$after}" "miss-$i.json"
    pages+=("miss-$i.json")
    after=$(jq_py 'j["next"] or ""' "miss-$i.json")
    [ -n "$after" ] || break
done
check missing_pages 26 7 "${pages[@]}"
get "$ADMIN" "/api/v1/missing?round=$R&region=140703001&format=csv" miss-admin.csv
check missing miss-admin.csv 140703001
get "$ADMIN" "/api/v1/retest?round=$R" retest-admin.json
check retest retest-admin.json
get "$ADMIN" "/api/v1/trace?depth=2" trace-admin.json
check trace trace-admin.json
OUTSIDER=$("$PY" check.py pick_contact 140703) || fail "no contact lives in 140703"
INSIDER=$("$PY" check.py pick_contact 140702) || fail "no contact lives in 140702"
get "$ADMIN" "/api/v1/explain?id=$OUTSIDER" explain-admin.json
check explain explain-admin.json "$OUTSIDER"
# The list contract: next is null only when the rows are all there, whatever ?limit says.
for path in "/api/v1/coverage?round=$R&by=grid&limit=3" "/api/v1/trace?depth=2&limit=5" \
    "/api/v1/missing?round=$R&limit=5"; do
    get "$ADMIN" "$path" list.json
    [ "$(jq_py 'len(j["rows"]) == j["total"] or j["next"] is not None' list.json)" = true ] ||
        fail "GET $path: $(jq_py '[len(j["rows"]), j["total"], j["next"]]' list.json) (rows, total, next): rows are cut off with no next"
done
get "$COMMANDER" "/api/v1/coverage?round=$R&by=county" cov-commander.json
check coverage county cov-commander.json

# ---- the county desk sees its county, and only its county ----
checks=()
for level in county township community grid; do
    get "$DESK" "/api/v1/coverage?round=$R&by=$level" "cov-desk-$level.json"
    checks+=(+ prefix "cov-desk-$level.json" region 140702 + coverage "$level" "cov-desk-$level.json" 140702)
done
get "$DESK" "/api/v1/coverage?round=$R&by=city" cov-desk-city.json
check "${checks[@]:1}" + prefix cov-desk-city.json region 140702
get "$DESK" "/api/v1/trace?depth=2" trace-desk.json
check trace trace-desk.json 140702 + prefix trace-desk.json grid 140702
get "$DESK" "/api/v1/retest?round=$R" retest-desk.json
check prefix retest-desk.json grid 140702 + retest retest-desk.json 140702
get "$DESK" "/api/v1/missing?round=$R" miss-desk.json
check prefix miss-desk.json grid 140702
[ "$(jq_py 'len(j["rows"]) == j["total"] and j["total"] == 978 - 923')" = true ] ||
    fail "desk missing: $(jq_py 'j["total"]') rows, expected 978 - 923 = 55"
get "$DESK" "/api/v1/explain?id=$INSIDER" explain-desk.json
check explain explain-desk.json "$INSIDER"
get "$DESK" /api/v1/regions regions-desk.json
check prefix regions-desk.json region 140702
refused "$DESK" GET "/api/v1/missing?round=$R&region=140703001" "desk: missing of 140703001"
refused "$DESK" GET "/api/v1/missing?round=$R&region=140703001&format=csv" "desk: missing of 140703001 as CSV"
# A resident outside the scope is answered as an unknown one (IDs cannot be probed).
api "$DESK" GET "/api/v1/explain?id=$OUTSIDER"
expect_error not_found 404 "desk: explain of a resident of 140703"
contains body "no person with ID number $OUTSIDER"
refused "$DESK" GET "/api/v1/regions?parent=140703" "desk: regions of 140703"
refused "$DESK" GET "/api/v1/regions?parent=140703001" "desk: regions of 140703001"
# Exports: every row of the county, none of 140703.
ngrids=$("$PY" check.py count_expected grid 140702)
get "$DESK" "/api/v1/coverage?round=$R&by=grid&format=csv" cov-desk.csv
check export_csv cov-desk.csv 140702 region "$ngrids"
grep -q 140703 cov-desk.csv && fail "desk coverage CSV names 140703"
get "$DESK" "/api/v1/coverage?round=$R&by=grid&format=xlsx" cov-desk.xlsx
check export_xlsx cov-desk.xlsx 140702001001G01 140703 "$ngrids"
get "$DESK" "/api/v1/coverage?round=$R&by=township&format=xlsx" cov-desk-t.xlsx
check export_xlsx cov-desk-t.xlsx 140702001 140703 2
get "$DESK" "/api/v1/missing?round=$R&format=csv" miss-desk.csv
check export_csv miss-desk.csv 140702 grid 55
get "$DESK" "/api/v1/retest?round=$R&format=csv" retest-desk.csv
check export_csv retest-desk.csv 140702 grid -1
get "$DESK" "/api/v1/trace?depth=2&format=csv" trace-desk.csv
check export_csv trace-desk.csv 140702 grid "$(jq_py 'len(j["rows"])' trace-desk.json)"

# A contact of the desk put on the list by a case or close contact living elsewhere: the source
# is shown as "(outside scope)", never named, in the list, its CSV and XLSX, each chain and the
# graph (issue 5).
get "$DESK" "/api/v1/trace?depth=2&format=xlsx" trace-desk.xlsx
check sources trace-desk.json trace-admin.json 140702 1 \
    + sources trace-desk.csv trace-admin.json 140702 1 + no_outsiders trace-desk.json 140702 \
    + no_outsiders trace-desk.csv 140702 + no_outsiders trace-desk.xlsx 140702
get "$DESK" /api/v1/chain chain-desk.json
check chain chain-desk.json 140702 1
checks=()
for c in $(jq_py '" ".join(r["id_number"] for r in j["rows"])' trace-desk.json); do
    get "$DESK" "/api/v1/explain?id=$c" "explain-desk-$c.json"
    get "$ADMIN" "/api/v1/explain?id=$c" "explain-admin-$c.json"
    checks+=(+ explain_scoped "explain-desk-$c.json" "$c" 140702 "explain-admin-$c.json")
done
[ ${#checks[@]} -gt 0 ] && check "${checks[@]:1}"
[ "$(grep -lF '(outside scope)' explain-desk-*.json | wc -l)" -gt 0 ] ||
    fail "no chain of the desk passes through someone outside 140702: the check above tests nothing"

# ---- the grid worker sees its grid ----
get "$GRID" "/api/v1/missing?round=$R" miss-grid.json
check missing miss-grid.json 140703001001G01
get "$GRID" "/api/v1/missing?round=$R&region=140703001" miss-grid-up.json
check missing miss-grid-up.json 140703001001G01
refused "$GRID" GET "/api/v1/missing?round=$R&region=140703001001G02" "grid: missing of another grid"
refused "$GRID" GET "/api/v1/missing?round=$R&region=140702001001G01" "grid: missing of a grid of another county"
get "$GRID" "/api/v1/coverage?round=$R&by=grid" cov-grid.json
check coverage grid cov-grid.json 140703001001G01

# ---- the lab: counts and results, never residents ----
for path in "/api/v1/missing?round=$R" "/api/v1/missing?round=$R&format=csv" "/api/v1/retest?round=$R" \
    "/api/v1/trace?depth=2" "/api/v1/explain?id=$INSIDER" "/api/v1/chain" /api/v1/users \
    /api/v1/audit; do
    refused "$LAB" GET "$path" "lab: GET $path"
done
refused "$LAB" POST /api/v1/import/persons "lab: import persons" -H 'Content-Type: text/csv' \
    --data-binary @"$DATA/persons.csv"
get "$LAB" "/api/v1/coverage?round=$R&by=county" cov-lab.json
check coverage county cov-lab.json
head -n 3 "$DATA/results.csv" >lab-results.csv
api "$LAB" POST /api/v1/import/results -H 'Content-Type: text/csv' --data-binary @lab-results.csv
expect_status 200 "lab: import results"
check import body 2 0 0 2 0 utf-8

# ---- the viewer reads and writes nothing ----
get "$VIEWER" "/api/v1/coverage?round=$R&by=county" cov-viewer.json
check coverage county cov-viewer.json 140702
refused "$VIEWER" POST /api/v1/rounds "viewer: create a round" -H 'Content-Type: application/json' \
    --data-binary '{"name":"RV","region":"140702","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
refused "$VIEWER" POST /api/v1/import/persons "viewer: import persons" -H 'Content-Type: text/csv' \
    --data-binary @"$DATA/persons.csv"
refused "$VIEWER" POST /api/v1/import/results "viewer: import results" -H 'Content-Type: text/csv' \
    --data-binary @lab-results.csv
refused "$VIEWER" POST /api/v1/import/persons "viewer: import persons (multipart)" \
    -F "file=@$DATA/persons.csv"

# ---- the dashboard equals the coverage endpoint and the CLI ----
get "$ADMIN" "/api/v1/dashboard?round=$R&now=$NOW_Q" dash-admin.json
check dashboard dash-admin.json cov-admin-city.json cov-admin-county.json cov-admin-township.json \
    cov-admin-grid.json tat-cli.csv ""
get "$DESK" "/api/v1/dashboard?round=$R&now=$NOW_Q" dash-desk.json
check dashboard dash-desk.json - cov-desk-county.json cov-desk-township.json cov-desk-grid.json - 140702

# A later minute's dashboard is computed again, but its contacts are not traced again: they
# depend on the tracer and the scope alone (a depth-2 trace of every case is seconds for a city
# of millions). Counted by the request timers, reset and printed on SIGUSR1.
lines=$(wc -l <"$WORK/serve.log")
kill -USR1 "$FK_SERVER_PID"
wait_for 10 "the timers to be reset" log_after "$WORK/serve.log" "$lines" "timing end (reset)"
lines=$(wc -l <"$WORK/serve.log")
LATER=2022-08-29T12:07:00%2B08:00
get "$ADMIN" "/api/v1/dashboard?round=$R&now=$LATER" dash-admin-later.json
get "$DESK" "/api/v1/dashboard?round=$R&now=$LATER" dash-desk-later.json
kill -USR1 "$FK_SERVER_PID"
wait_for 10 "the timers after SIGUSR1" log_after "$WORK/serve.log" "$lines" "timing end (reset)"
grep -q 'timing lock hold' <(tail -n "+$((lines + 1))" "$WORK/serve.log") ||
    fail "no request timers after SIGUSR1"
if tail -n "+$((lines + 1))" "$WORK/serve.log" | grep 'timing trace run'; then
    fail "the later dashboards traced again"
fi
"$PY" - dash-admin.json dash-admin-later.json dash-desk.json dash-desk-later.json <<'PY' ||
import json, sys
a, b, c, d = (json.load(open(p))["contacts"] for p in sys.argv[1:])
sys.exit(0 if a == b and c == d and a != c else 1)
PY
    fail "the later dashboards' contacts differ from the first ones"

# ---- imports over HTTP (these change the data: after every read check) ----
id() { "$PY" "$FK_SRC/tests/e2e/idgen.py" "$@"; }
P1=$(id 140702 19900101 901)
P2=$(id 140702 19900101 902)
P3=$(id 140702 19900101 903)
BAD=${P2%?}$([ "${P2: -1}" = 0 ] && echo 1 || echo 0) # the same ID, a wrong check character
{
    echo 'id_number,name,phone,grid,household,tags'
    echo "$P1,新居民一,13900000901,140702001001G01,HN901,"
    echo "$BAD,新居民二,13900000902,140702001001G01,HN902,"
    echo "$P3,新居民三,13900000903,140702001001G02,HN903,"
} >new-persons.csv
api "$ADMIN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @new-persons.csv
expect_status 200 "import persons (raw body)"
link=$("$PY" check.py import body 3 2 0 0 1 utf-8) || fail "import persons (raw body): $(cat body)"
link_admin=$link
if [ -n "$link" ]; then
    api "$ADMIN" GET "$link"
    expect_status 200 "GET the rejects link"
    cp body rejects-1.csv
    check rejects rejects-1.csv 3 "check digit"
    contains rejects-1.csv "$BAD,新居民二,13900000902"
fi
api "$ADMIN" POST /api/v1/import/persons -F "file=@new-persons.csv"
expect_status 200 "import persons (multipart)"
check import body 3 0 0 2 1 utf-8
# GBK: a new resident whose name must come through as 居民 characters.
P4=$(id 140702 19910202 904)
printf 'id_number,name,phone,grid,household,tags\n%s,国标居民,13900000904,140702002001G01,HN904,\n' \
    "$P4" | iconv -f UTF-8 -t GBK >gbk-persons.csv
api "$ADMIN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @gbk-persons.csv
expect_status 200 "import persons (GBK)"
check import body 1 1 0 0 0 gb18030
api "$ADMIN" GET "/api/v1/missing?round=$R&region=140702002001G01&format=csv"
expect_status 200 "missing after the GBK import"
contains body "$P4,国标居民,13900000904,140702002001G01"
# A county desk's rows outside its county are rejected; a regions file is refused whole.
P5=$(id 140702 19920303 905)
P6=$(id 140702 19920303 906)
{
    echo 'id_number,name,phone,grid,household,tags'
    echo "$P5,县内居民,13900000905,140702001002G01,HN905,"
    echo "$P6,县外居民,13900000906,140703001001G01,HN906,"
} >desk-persons.csv
api "$DESK" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @desk-persons.csv
expect_status 200 "desk: import persons"
link=$("$PY" check.py import body 2 1 0 0 1 utf-8) || fail "desk: import persons: $(cat body)"
if [ -n "$link" ]; then
    api "$DESK" GET "$link"
    expect_status 200 "desk: GET its rejects link"
    cp body rejects-desk.csv
    check rejects rejects-desk.csv 3 "outside your scope"
fi
# Rejects hold raw rows: only the account that ran the import, or an admin, may fetch them.
link_desk=$link
if [ -n "$link_admin" ] && [ -n "$link_desk" ]; then
    refused "$DESK" GET "$link_admin" "desk: the admin's rejects"
    refused "$VIEWER" GET "$link_admin" "viewer: the admin's rejects"
    refused "$LAB" GET "$link_desk" "lab: the desk's rejects"
    refused "$COMMANDER" GET "$link_desk" "commander: the desk's rejects"
    api "$ADMIN" GET "$link_desk"
    expect_status 200 "admin: the desk's rejects"
    cmp -s body rejects-desk.csv || fail "admin: the desk's rejects differ from what the desk got"
else
    fail "no rejects links to check their owner with"
fi
api "$ADMIN" GET "/api/v1/missing?round=$R&region=140703001001G01&format=csv"
grep -q "$P6" body && fail "the desk's row for 140703 was imported"
api "$ADMIN" GET "/api/v1/missing?round=$R&region=140702001002G01&format=csv"
contains body "$P5,县内居民"
refused "$DESK" POST /api/v1/import/regions "desk: import regions" -H 'Content-Type: text/csv' \
    --data-binary @"$DATA/regions.csv"
refused "$GRID" POST /api/v1/import/regions "grid: import regions" -F "file=@$DATA/regions.csv"

# ---- rounds ----
R2='{"name":"R2","region":"140702","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary "$R2"
expect_status 201 "create round R2"
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary "$R2"
expect_error conflict 409 "create round R2 again"
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary \
    '{"name":"R4","region":"140703","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
expect_status 201 "create round R4 for 140703"
refused "$DESK" POST /api/v1/rounds "desk: a round for 140703" -H 'Content-Type: application/json' \
    --data-binary '{"name":"RX","region":"140703","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
api "$DESK" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary \
    '{"name":"R3","region":"140702001","start":"2022-09-01T06:00:00+08:00","end":"2022-09-02T06:00:00+08:00"}'
expect_status 201 "desk: a round for its own township"
get "$ADMIN" /api/v1/rounds rounds-admin.json
[ "$(jq_py 'sorted((r["name"], r["region"], r["start"], r["end"]) for r in j["rows"])' rounds-admin.json)" = \
    '[["R1", "140700", "2022-08-28T06:00:00+08:00", "2022-08-29T06:00:00+08:00"], ["R2", "140702", "2022-08-30T06:00:00+08:00", "2022-08-31T06:00:00+08:00"], ["R3", "140702001", "2022-09-01T06:00:00+08:00", "2022-09-02T06:00:00+08:00"], ["R4", "140703", "2022-08-30T06:00:00+08:00", "2022-08-31T06:00:00+08:00"]]' ] ||
    fail "admin's rounds: $(cat rounds-admin.json)"
get "$DESK" /api/v1/rounds rounds-desk.json
[ "$(jq_py 'sorted(r["name"] for r in j["rows"])' rounds-desk.json)" = '["R1", "R2", "R3"]' ] ||
    fail "desk's rounds: $(cat rounds-desk.json)"
refused "$DESK" GET "/api/v1/coverage?round=R4&by=grid" "desk: coverage of the 140703 round"
# R2 (140702) narrows to the same region for the admin and the desk, but their contacts differ:
# each must get its own dashboard, whoever asks first.
get "$ADMIN" "/api/v1/dashboard?round=R2&now=$NOW_Q" dash-r2-admin.json
get "$DESK" "/api/v1/dashboard?round=R2&now=$NOW_Q" dash-r2-desk.json
get "$DESK" "/api/v1/dashboard?round=R2&now=2022-08-30T12:00:00%2B08:00" dash-r2-desk2.json
get "$ADMIN" "/api/v1/dashboard?round=R2&now=2022-08-30T12:00:00%2B08:00" dash-r2-admin2.json
check contacts dash-r2-admin.json "" 140702 + contacts dash-r2-desk.json 140702 140702 \
    + contacts dash-r2-desk2.json 140702 140702 + contacts dash-r2-admin2.json "" 140702

# ---- accounts ----
api "$ADMIN" POST /api/v1/users -H 'Content-Type: application/json' --data-binary \
    '{"name":"watcher","role":"viewer","scope":"140702","password":"watcher-pw-1"}'
expect_status 201 "admin creates a viewer"
WATCHER=$(login watcher watcher-pw-1)
api "$WATCHER" GET /api/v1/me
expect_status 200 "the new viewer's me"
[ "$(jq_py 'j["name"] + "," + j["role"] + "," + j["scope"]')" = watcher,viewer,140702 ] ||
    fail "the new viewer's me: $(cat body)"
get "$ADMIN" /api/v1/users users-admin.json
[ "$(jq_py '[(r["role"], r["scope"], r["disabled"]) for r in j["rows"] if r["name"] == "watcher"]' users-admin.json)" = \
    '[["viewer", "140702", 0]]' ] || fail "users lists watcher: $(cat users-admin.json)"
api "$ADMIN" POST /api/v1/users/watcher -H 'Content-Type: application/json' --data-binary '{"disabled":true}'
expect_status 200 "admin disables watcher"
api "$WATCHER" GET "/api/v1/coverage?round=$R&by=county"
expect_error unauthorized 401 "a disabled account's token"
api "" POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary '{"name":"watcher","password":"watcher-pw-1"}'
expect_error unauthorized 401 "a disabled account signs in"
refused "$COMMANDER" GET /api/v1/users "commander: users"
refused "$DESK" GET /api/v1/users "desk: users"
refused "$DESK" POST /api/v1/users "desk: create a user" -H 'Content-Type: application/json' \
    --data-binary '{"name":"deskmade","role":"admin","scope":"140700","password":"deskmade-pw"}'
# Signing out ends the session.
SHORT=$(login viewer pw-viewer-2022)
api "$SHORT" POST /api/v1/logout
expect_status 200 "logout"
api "$SHORT" GET /api/v1/me
expect_error unauthorized 401 "a token after logout"
api "$VIEWER" GET /api/v1/me
expect_status 200 "the viewer's other session after a logout"

# ---- the audit trail ----
get "$ADMIN" "/api/v1/audit?limit=10000" audit-admin.json
check json audit-admin.json
get "$ADMIN" "/api/v1/audit?format=csv" audit-admin.csv
check audit audit-admin.csv admin:import:persons:3 desk:import:persons lab:import:results \
    admin:round.create:R2 admin:round.create:R4 desk:round.create:R3 admin:user.add:watcher \
    admin:user.disable:watcher + audit_none audit-admin.csv viewer RX RV deskmade
get "$COMMANDER" "/api/v1/audit?format=csv" audit-commander.csv
cmp -s audit-admin.csv audit-commander.csv || fail "the commander's audit differs from the admin's"
refused "$VIEWER" GET /api/v1/audit "viewer: audit"
refused "$DESK" GET /api/v1/audit "desk: audit"

# ---- after a restart, a rejects file still has its owner ----
kill "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
start_server
if [ -n "$link_admin" ] && [ -n "$link_desk" ]; then
    api "$DESK" GET "$link_desk"
    expect_status 200 "desk: its rejects after a restart"
    refused "$DESK" GET "$link_admin" "desk: the admin's rejects after a restart"
fi
echo "api: done"
