# SPDX-License-Identifier: MIT
# Shared set-up of the browser tests (60-web and the 6N-web-* scripts): sourced after lib.sh.
#   web_need            fails unless chromium, node, the built UI and playwright-core are there
#   web_city            imports tests/data/city-3 and the control fixture, creates its round, and
#                       the accounts chief (admin of 140700) and yuci (viewer of 140702)
#   web_serve [ARGS..]  starts `fangkong serve` with the built UI and the fixture's profile
#   web_node TEST.test.mjs  runs tests/web/TEST.test.mjs against it, screenshots going to
#                       $FK_BUILD/screenshots/TEST, with the environment every browser test
#                       reads: FK_URL, FK_SHOTS, FK_ADMIN, FK_VIEWER, CHROMIUM, and FANGKONG,
#                       FANGKONG_DB, FK_PROFILE, FK_ROUND so a test can ask the CLI for its answers
: "${FK_BUILD:=$FK_SRC/build}"
: "${FK_WEB:=$FK_BUILD/web}"
WEB_DATA="$FK_SRC/tests/data/city-3"
WEB_CONTROL="$FK_SRC/tests/data/control"
WEB_PROFILE="$WEB_CONTROL/profile.ini"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
WEB_ADMIN=chief:admin-password-1
WEB_VIEWER=yuci:viewer-password-1

web_need() {
    [ -x "$CHROMIUM" ] || fail "$CHROMIUM is missing: run scripts/install-deps.sh (Debian package chromium)"
    command -v node >/dev/null || fail "node is missing: run scripts/install-deps.sh"
    [ -f "$FK_WEB/index.html" ] || fail "$FK_WEB is not built: run make (or make web BUILD=$FK_BUILD)"
    if [ ! -d "$FK_SRC/tests/web/node_modules/playwright-core" ]; then
        npm ci --prefix "$FK_SRC/tests/web" --no-audit --no-fund >"$WORK/npm.log" 2>&1 ||
            { cat "$WORK/npm.log" >&2; fail "npm ci --prefix tests/web failed"; }
    fi
}

web_city() {
    local t name region start end
    cp "$WEB_DATA"/*.csv .
    for t in regions persons venues scans pings cases samples results; do
        fk import "$t" "$t.csv" 2>/dev/null
        [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || fail "import $t exited $rc"
    done
    # Control: orders, arrivals, risk areas, then the door events (their alerts need the orders,
    # and the profile's door_allowed windows).
    for t in controls arrivals risk_areas door_events; do
        fk import "$t" "$WEB_CONTROL/$t.csv" --profile "$WEB_PROFILE" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
        expect_rc 0 "import $t"
    done
    # 目标考核: the three counties' indicators and scores of 2022 (tests/data/assess).
    for t in indicators scores; do
        fk import "$t" "$FK_SRC/tests/data/assess/$t.csv" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
        expect_rc 0 "import $t"
    done
    # 值班与零报告: units, three days of reports and a duty roster with gaps (tests/data/reports).
    for t in units reports duty; do
        fk import "$t" "$FK_SRC/tests/data/reports/$t.csv" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
        expect_rc 0 "import $t"
    done
    IFS=, read -r name region start end <"$WEB_DATA/round.txt"
    fk round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
    expect_rc 0 "round create"
    WEB_ROUND=$name
    echo "${WEB_ADMIN#*:}" | "$FANGKONG" user add "${WEB_ADMIN%%:*}" --role admin --scope 140700 >/dev/null 2>&1
    echo "${WEB_VIEWER#*:}" | "$FANGKONG" user add "${WEB_VIEWER%%:*}" --role viewer --scope 140702 >/dev/null 2>&1
}

web_serve() {
    start_server --web "$FK_WEB" --profile "$WEB_PROFILE" "$@"
}

web_node() {
    local test=$1 shots
    shift
    shots="$FK_BUILD/screenshots/${test%.test.mjs}"
    rm -rf "$shots"
    FK_URL="$BASE" FK_SHOTS="$shots" FK_ADMIN="$WEB_ADMIN" \
        FK_VIEWER="$WEB_VIEWER" CHROMIUM="$CHROMIUM" FANGKONG="$FANGKONG" FANGKONG_DB="$FANGKONG_DB" \
        FK_PROFILE="$WEB_PROFILE" FK_ROUND="${WEB_ROUND:-}" "$@" \
        node "$FK_SRC/tests/web/$test" || { tail -n 20 "$WORK/serve.log" >&2; fail "web test $test"; }
}
