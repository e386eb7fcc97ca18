#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a browser gets from fangkong serve besides the data (issue 13 §2): every kind of answer (the
# UI's files and its fallback page, API JSON, CSV and XLSX downloads, 401, 403, 404, 405, 413)
# carries the Content-Security-Policy, X-Frame-Options, Referrer-Policy and nosniff headers; the
# web UI's sign-in sets an HttpOnly, SameSite=Strict cookie (Secure behind a TLS proxy) and keeps
# the token out of the body, while API clients still get a bearer token; a cookie-signed request
# that changes state needs X-Fangkong-CSRF; sign-out clears the cookie and ends the session.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
: "${FK_BUILD:=$FK_SRC/build}"
DATA="$FK_SRC/tests/data/city-3"

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
IFS=, read -r R region start end <"$DATA/round.txt"
fk round create "$R" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
echo admin-password-1 | "$FANGKONG" user add chief --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add"
WEB=()
[ -f "$FK_BUILD/web/index.html" ] && WEB=(--web "$FK_BUILD/web")
start_server "${WEB[@]}"
TOKEN=$(login chief admin-password-1)
CSP="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

# req NAME CURL-ARGS...: one request; headers in $WORK/NAME.h, body in $WORK/NAME.b, status in
# $status.
req() {
    local name=$1
    shift
    status=$(curl -sS --max-time 30 -D "$WORK/$name.h" -o "$WORK/$name.b" -w '%{http_code}' "$@") ||
        status=000
}
# header NAME FIELD: the value of header FIELD in answer NAME (empty when absent).
header() {
    tr -d '\r' <"$WORK/$1.h" | awk -v f="$2" 'BEGIN { IGNORECASE = 1 } tolower($0) ~ "^" tolower(f) ":" { sub(/^[^:]*: */, ""); print }'
}
# secure NAME STATUS WHAT: answer NAME had STATUS and every security header.
secure() {
    [ "$status" = "$2" ] || fail "$3: status $status, expected $2"
    [ "$(header "$1" Content-Security-Policy)" = "$CSP" ] ||
        fail "$3: Content-Security-Policy is '$(header "$1" Content-Security-Policy)'"
    [ "$(header "$1" X-Frame-Options)" = DENY ] || fail "$3: no X-Frame-Options: DENY"
    [ "$(header "$1" Referrer-Policy)" = no-referrer ] || fail "$3: no Referrer-Policy: no-referrer"
    [ "$(header "$1" X-Content-Type-Options)" = nosniff ] || fail "$3: no X-Content-Type-Options: nosniff"
}

# ---- every kind of answer carries the headers
AUTH=(-H "Authorization: Bearer $TOKEN")
req index "$BASE/"
secure index 200 "the UI's page"
req fallback "$BASE/round?region=140702"
secure fallback 200 "the UI's page for one of its paths"
if [ ${#WEB[@]} -gt 0 ]; then
    asset=$(grep -o '/assets/[^"]*\.js' "$WORK/index.b" | sed -n 1p)
    req asset "$BASE$asset"
    secure asset 200 "a script of the UI ($asset)"
    req icon "$BASE/favicon.svg"
    secure icon 200 "the icon"
fi
req dotdot --path-as-is "$BASE/../etc/passwd"
secure dotdot 404 "a path with .."
req me "${AUTH[@]}" "$BASE/api/v1/me"
secure me 200 "GET /api/v1/me"
req cov "${AUTH[@]}" "$BASE/api/v1/coverage?round=$R&by=county"
secure cov 200 "coverage JSON"
req csv "${AUTH[@]}" "$BASE/api/v1/coverage?round=$R&by=county&format=csv"
secure csv 200 "coverage CSV download"
req xlsx "${AUTH[@]}" "$BASE/api/v1/coverage?round=$R&by=county&format=xlsx"
secure xlsx 200 "coverage XLSX download"
req anon "$BASE/api/v1/me"
secure anon 401 "401 without a session"
req noendpoint "${AUTH[@]}" "$BASE/api/v1/nothing"
secure noendpoint 404 "404 of the API"
req method "${AUTH[@]}" -X DELETE "$BASE/api/v1/me"
secure method 405 "405"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >big.json
req big "${AUTH[@]}" -X POST -H 'Content-Type: application/json' --data-binary @big.json "$BASE/api/v1/rounds"
secure big 413 "413"
req badlogin -X POST -d '{"name":"chief","password":"wrong-password"}' "$BASE/api/v1/login"
secure badlogin 401 "a failed sign-in"

# ---- API clients: a bearer token in the body, no cookie; their writes need no CSRF header
req apilogin -X POST -d '{"name":"chief","password":"admin-password-1"}' "$BASE/api/v1/login"
secure apilogin 200 "sign-in of an API client"
[ -z "$(header apilogin Set-Cookie)" ] || fail "an API client's sign-in sets a cookie: $(header apilogin Set-Cookie)"
grep -q '"token":"[0-9a-f]\{64\}"' "$WORK/apilogin.b" || fail "an API client's sign-in has no token: $(cat "$WORK/apilogin.b")"
req bearerpost "${AUTH[@]}" -X POST -d "{\"name\":\"R2\",\"region\":\"$region\",\"start\":\"$start\",\"end\":\"$end\"}" "$BASE/api/v1/rounds"
[ "$status" = 201 ] || fail "a bearer POST without X-Fangkong-CSRF answered $status: $(cat "$WORK/bearerpost.b")"

# ---- the web UI: the token only in an HttpOnly, SameSite=Strict cookie
req uilogin -X POST -H 'X-Fangkong-CSRF: 1' -d '{"name":"chief","password":"admin-password-1"}' "$BASE/api/v1/login"
secure uilogin 200 "sign-in of the web UI"
cookie=$(header uilogin Set-Cookie)
[[ $cookie =~ ^fk_session=([0-9a-f]{64})\; ]] || fail "the UI's sign-in sets no session cookie: '$cookie'"
SESSION=${BASH_REMATCH[1]:-none}
for attr in HttpOnly SameSite=Strict Path=/ Max-Age=43200; do
    [[ "; $cookie;" == *"; $attr;"* ]] || fail "the session cookie lacks $attr: $cookie"
done
[[ $cookie != *Secure* ]] || fail "the session cookie is Secure over plain HTTP: $cookie"
grep -q token "$WORK/uilogin.b" && fail "the UI's sign-in puts the token in the body: $(cat "$WORK/uilogin.b")"
contains "$WORK/uilogin.b" '"user":{"name":"chief"'
req tls -X POST -H 'X-Fangkong-CSRF: 1' -H 'X-Forwarded-Proto: https' \
    -d '{"name":"chief","password":"admin-password-1"}' "$BASE/api/v1/login"
[[ "$(header tls Set-Cookie)" == *"; Secure"* ]] || fail "behind a TLS proxy the cookie is not Secure: $(header tls Set-Cookie)"

COOKIE=(-H "Cookie: fk_session=$SESSION")
req cme "${COOKIE[@]}" "$BASE/api/v1/me"
secure cme 200 "GET /api/v1/me by the cookie"
contains "$WORK/cme.b" '"name":"chief"'
# a cookie-signed write without the header: refused before anything happens
body="{\"name\":\"R3\",\"region\":\"$region\",\"start\":\"$start\",\"end\":\"$end\"}"
req csrf "${COOKIE[@]}" -X POST -H 'Content-Type: application/json' -d "$body" "$BASE/api/v1/rounds"
secure csrf 403 "a cookie-signed POST without X-Fangkong-CSRF"
contains "$WORK/csrf.b" '"code":"csrf"'
contains "$WORK/csrf.b" 'X-Fangkong-CSRF'
grep -q '^R3,' <("$FANGKONG" round list 2>/dev/null) && fail "the refused POST created round R3"
req csrfok "${COOKIE[@]}" -X POST -H 'X-Fangkong-CSRF: 1' -d "$body" "$BASE/api/v1/rounds"
[ "$status" = 201 ] || fail "a cookie-signed POST with X-Fangkong-CSRF answered $status: $(cat "$WORK/csrfok.b")"
# a wrong bearer token is not made good by a cookie
req wrongbearer "${COOKIE[@]}" -H "Authorization: Bearer $(printf '0%.0s' $(seq 64))" "$BASE/api/v1/me"
[ "$status" = 401 ] || fail "a wrong bearer token with a good cookie answered $status"

# ---- sign-out: needs the header too, clears the cookie, ends the session
req outcsrf "${COOKIE[@]}" -X POST "$BASE/api/v1/logout"
[ "$status" = 403 ] || fail "a cookie-signed sign-out without X-Fangkong-CSRF answered $status"
req out "${COOKIE[@]}" -X POST -H 'X-Fangkong-CSRF: 1' "$BASE/api/v1/logout"
secure out 200 "sign-out by the cookie"
[[ "$(header out Set-Cookie)" == "fk_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict" ]] ||
    fail "sign-out does not clear the cookie: '$(header out Set-Cookie)'"
req ended "${COOKIE[@]}" "$BASE/api/v1/me"
secure ended 401 "GET /api/v1/me by the signed-out cookie"
[[ "$(header ended Set-Cookie)" == "fk_session=; Max-Age=0"* ]] || fail "an ended session's cookie is not cleared"
api "$TOKEN" GET /api/v1/me
expect_status 200 "the bearer session lives on after the UI's sign-out"
echo "session and security headers: all checks done"
