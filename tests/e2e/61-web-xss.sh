#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Nothing in the data runs as script in the web UI (issue 13 §2). Imports tests/data/city-3 and the
# control fixture with every name a clerk's file could carry turned into markup that runs script or
# fetches something when a page treats it as HTML: residents, households, venues, regions, sites,
# labs, isolation sites, arrivals. Then tests/web/xss.test.mjs (playwright-core, Debian's chromium)
# signs in, visits every page, hovers every chart, and fails on a dialog, a console error (a CSP
# violation is one), a script error, a request the payload makes, or an element the payload
# planted; it also checks that the session token is nowhere page script can read it and that a
# cookie-signed POST without X-Fangkong-CSRF is refused. FK_WEB overrides the UI served (to show
# the test failing on an older build). Screenshots go to $FK_BUILD/screenshots-xss.
. "$(dirname "$0")/lib.sh"
: "${FK_BUILD:=$FK_SRC/build}"
: "${FK_WEB:=$FK_BUILD/web}"
DATA="$FK_SRC/tests/data/city-3"
CONTROL="$FK_SRC/tests/data/control"
PROFILE="$CONTROL/profile.ini"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

[ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing: run scripts/install-deps.sh (Debian package chromium)"
command -v node >/dev/null || fail "node is missing: run scripts/install-deps.sh"
[ -f "$FK_WEB/index.html" ] || fail "$FK_WEB is not built: run make (or make web BUILD=$FK_BUILD)"
if [ ! -d "$FK_SRC/tests/web/node_modules/playwright-core" ]; then
    npm ci --prefix "$FK_SRC/tests/web" --no-audit --no-fund >"$WORK/npm.log" 2>&1 ||
        { cat "$WORK/npm.log" >&2; fail "npm ci --prefix tests/web failed"; }
fi

# The fixtures with their names swapped for payloads. Each payload, run or parsed as HTML, shows a
# dialog, fetches /x or attacker.invalid, or plants an element the browser test looks for.
python3 - "$DATA" "$CONTROL" <<'EOF'
import csv, sys
data, control = sys.argv[1], sys.argv[2]
P = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "\"><svg onload=alert(3)>",
    "'><img src=http://attacker.invalid/p.png>",
    "<iframe src=javascript:alert(4)></iframe>",
    "</title><img src=x onerror=alert(5)>",
    "<a href=//attacker.invalid/>link</a><b>bold</b>",
    "javascript:alert(6)",
    "x\" onmouseover=\"alert(7)",
    "<details open ontoggle=alert(8)>",
]
def load(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
def save(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
def swap(rows, col, keep=lambda r: False, mapping=None):
    for i, r in enumerate(rows):
        if not r.get(col) or keep(r):
            continue
        if mapping is not None:
            r[col] = mapping.setdefault(r[col], P[len(mapping) % len(P)] + str(len(mapping)))
        else:
            r[col] = P[i % len(P)] + str(i)
    return rows
# Regions below the city: the names every chart's axis and tooltip shows.
save("regions.csv", swap(load(f"{data}/regions.csv"), "name", keep=lambda r: r["level"] in ("province", "city")))
save("persons.csv", swap(swap(load(f"{data}/persons.csv"), "name"), "household", mapping={}))
save("venues.csv", swap(load(f"{data}/venues.csv"), "name"))
save("samples.csv", swap(load(f"{data}/samples.csv"), "site", mapping={}))
save("results.csv", swap(load(f"{data}/results.csv"), "lab", mapping={}))
for t in ("scans", "pings", "cases"):
    save(f"{t}.csv", load(f"{data}/{t}.csv"))
save("controls.csv", swap(load(f"{control}/controls.csv"), "site", mapping={}))
save("arrivals.csv", swap(swap(load(f"{control}/arrivals.csv"), "name"), "transport", mapping={}))
for t in ("risk_areas", "door_events"):
    save(f"{t}.csv", load(f"{control}/{t}.csv"))
# An import with a rejected row whose fields are payloads: the rejects table shows them.
with open("persons-bad.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id_number", "name", "phone", "grid", "household", "tags"])
    w.writerow(["<img src=x onerror=alert(10)>", P[0], "13900000124", "<svg onload=alert(11)>", P[2], ""])
EOF

for t in regions persons venues scans pings cases samples results; do
    fk import "$t" "$t.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
for t in controls arrivals risk_areas door_events; do
    fk import "$t" "$t.csv" --profile "$PROFILE" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
    [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
done
IFS=, read -r name region start end <"$DATA/round.txt"
fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
echo admin-password-1 | "$FANGKONG" user add chief --role admin --scope 140700 >/dev/null 2>&1
# The payloads reached the data file, so the pages will have them to show.
"$FANGKONG" missing "$name" --region 140703001 >missing.csv 2>/dev/null
contains missing.csv "onerror=alert"

start_server --web "$FK_WEB" --profile "$PROFILE"
rm -rf "$FK_BUILD/screenshots-xss"
FK_URL="$BASE" FK_SHOTS="$FK_BUILD/screenshots-xss" FK_ADMIN=chief:admin-password-1 \
    FK_BADFILE="$WORK/persons-bad.csv" CHROMIUM="$CHROMIUM" \
    node "$FK_SRC/tests/web/xss.test.mjs" || { tail -n 20 "$WORK/serve.log" >&2; fail "web UI with script-bearing data"; }
echo "web UI: no payload ran; screenshots in $FK_BUILD/screenshots-xss"
