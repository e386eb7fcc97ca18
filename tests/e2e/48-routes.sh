#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The route tables are complete (issue 14 §4): each api_<resource>.c lists its own routes and
# http.c walks the list of tables. Every endpoint docs/api.md names answers something other than
# 404 or 405 when asked without a session (401, or 400 for a sign-in without a body), and every
# route in a table is named in docs/api.md: a table left out of http.c's list, a route dropped in
# a move, or an endpoint nobody documented fails here.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

# The documented endpoints as "METHOD PATH" with a placeholder segment (TYPE, NAME, ID, {id}) made
# concrete; and, on stderr as "FAIL: …", every route of the tables no documented endpoint matches.
"$PY" - "$FK_SRC/docs/api.md" "$FK_SRC"/server/*.c >"$WORK/endpoints" 2>"$WORK/undocumented" <<'PY'
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
seen = []
for m, p in re.findall(r"`(GET|POST) (/api/v1/[^`?\[\s]*)", doc):
    p = re.sub(r"/(\{[a-z]+\}|[A-Z]+)$", "/x", p)
    if (m, p) not in seen:
        seen.append((m, p))
for m, p in seen:
    print(m, p)
routes = []
for f in sys.argv[2:]:
    routes += re.findall(r'\{"(GET|POST)", "(/api/v1/[^"]*)"', open(f, encoding="utf-8").read())
if len(routes) < 30:
    print("FAIL: only %d routes found in server/*.c" % len(routes), file=sys.stderr)
for m, p in routes:
    if "{}" in p:
        # "{}" is one path segment, with or without a suffix after it (…/{}/control).
        pre, suf = p.split("{}", 1)
        seg = re.compile(re.escape(pre) + r"[^/]+" + re.escape(suf))
        ok = any(dm == m and (seg.fullmatch(dp) or (not suf and dp.startswith(pre) and
                                                    "/" not in dp[len(pre):] and dp != pre))
                 for dm, dp in seen)
    else:
        ok = (m, p) in seen
    if not ok:
        print("FAIL: route %s %s is not in docs/api.md" % (m, p), file=sys.stderr)
PY
if [ -s "$WORK/undocumented" ]; then
    cat "$WORK/undocumented" >&2
    fail "routes missing from docs/api.md"
fi
[ "$(wc -l <"$WORK/endpoints")" -ge 30 ] || fail "docs/api.md names only $(wc -l <"$WORK/endpoints") endpoints"

fk import regions "$FK_SRC/tests/data/city-3/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
start_server
while read -r method path; do
    api "" "$method" "$path"
    case "$status" in
    401 | 400) ;;
    *) fail "$method $path without a session answered $status, expected 401 (or 400): $(head -c 200 "$WORK/body")" ;;
    esac
done <"$WORK/endpoints"
# The control: an unknown endpoint is 404, a known path with another method 405.
api "" GET /api/v1/no-such-thing
expect_error not_found 404 "an unknown endpoint"
api "" DELETE /api/v1/rounds
expect_error method_not_allowed 405 "DELETE on a known path"
