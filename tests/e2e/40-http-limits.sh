#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The limits of fangkong serve, from the outside: no endpoint but login answers without a valid
# token; bodies over 1 MiB get 413 and the server lives on; malformed JSON, unknown paths and wrong
# methods get the documented JSON errors; static files never escape the web folder; failed
# sign-ins are rate limited per name; a 500 never shows internals; a slow client does not hold up
# the others; and 200 sequential and 50 concurrent requests all answer.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
IFS=, read -r round region start end <"$DATA/round.txt"
fk round create "$round" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
expect_rc 0 "round create"
for who in admin:admin:140700 other:viewer:140700 spare:viewer:140702; do
    IFS=: read -r name role scope <<<"$who"
    echo "pass-$name-123" | "$FANGKONG" user add "$name" --role "$role" --scope "$scope" \
        >/dev/null 2>&1 || fail "user add $name"
done

# A web folder of our own, so the static-file checks have something to escape from.
mkdir -p web/assets
echo '<!doctype html><title>fk-index-marker</title>' >web/index.html
echo 'fk-asset-marker' >web/assets/app.js
start_server --web "$WORK/web" --threads 2
ADMIN=$(login admin pass-admin-123)

# ---- 401 on every endpoint but login, without a token and with a made-up one ----
endpoints=(
    "POST /api/v1/logout"
    "GET /api/v1/me"
    "GET /api/v1/regions"
    "GET /api/v1/regions?parent=140700"
    "GET /api/v1/dashboard"
    "GET /api/v1/rounds"
    "POST /api/v1/rounds"
    "GET /api/v1/coverage?round=R1&by=county"
    "GET /api/v1/coverage?round=R1&by=county&format=csv"
    "GET /api/v1/missing?round=R1&region=140703001"
    "GET /api/v1/retest?round=R1"
    "GET /api/v1/tat?round=R1&by=site"
    "GET /api/v1/trace?depth=2"
    "GET /api/v1/explain?id=140702194303211391"
    "GET /api/v1/chain"
    "POST /api/v1/import/persons"
    "POST /api/v1/import/results"
    "GET /api/v1/imports/0123456789abcdef"
    "GET /api/v1/users"
    "POST /api/v1/users"
    "POST /api/v1/users/other"
    "GET /api/v1/audit"
)
round_body='{"name":"SNEAK","region":"140702","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
user_body='{"name":"sneak","role":"admin","scope":"140700","password":"sneak-password"}'
fake=$(printf 'ab%.0s' $(seq 32))
mkdir answers
n=0
for ep in "${endpoints[@]}"; do
    read -r method path <<<"$ep"
    body=()
    case $path in
        */rounds) body=(-H 'Content-Type: application/json' --data-binary "$round_body") ;;
        */users) body=(-H 'Content-Type: application/json' --data-binary "$user_body") ;;
        */users/other) body=(-H 'Content-Type: application/json' --data-binary '{"disabled":true}') ;;
        */import/*) body=(-H 'Content-Type: text/csv' --data-binary "@$DATA/regions.csv") ;;
    esac
    for token in none "$fake" short; do
        auth=()
        [ "$token" = none ] || auth=(-H "Authorization: Bearer $token")
        n=$((n + 1))
        code=$(curl -s -o "answers/$n.json" -w '%{http_code}' -X "$method" "${auth[@]}" \
            "${body[@]}" "$BASE$path") || code=000
        printf '%s\t%s\t%s %s with token %s\n' "$n" "$code" "$method" "$path" "$token" >>answers/index
    done
done
# Every one of them: 401 {"code":"unauthorized","error":…,"hint":…}.
"$PY" - <<'PY' || fail "requests without a valid token were not all refused with 401"
import json, sys
bad = 0
for line in open("answers/index", encoding="utf-8"):
    n, code, what = line.rstrip("\n").split("\t")
    try:
        j = json.load(open("answers/%s.json" % n, encoding="utf-8"))
    except ValueError:
        j = None
    if not (code == "401" and isinstance(j, dict) and j.get("code") == "unauthorized"
            and isinstance(j.get("error"), str) and j["error"] and isinstance(j.get("hint"), str)):
        print("%s: %s %s" % (what, code, open("answers/%s.json" % n, errors="replace").read()[:200]),
              file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
PY
[ "$n" = $((${#endpoints[@]} * 3)) ] || fail "only $n unauthenticated requests were made"
# Nothing those requests sent took effect.
api "$ADMIN" GET /api/v1/rounds
expect_status 200 "rounds"
[ "$(jq_py '[r["name"] for r in j["rows"]]')" = '["R1"]' ] || fail "a round was created without a token: $(cat body)"
api "$ADMIN" GET /api/v1/users
[ "$(jq_py 'sorted(r["name"] + ":" + str(r["disabled"]) for r in j["rows"])')" = \
    '["admin:0", "other:0", "spare:0"]' ] || fail "accounts changed without a token: $(cat body)"
api "$ADMIN" GET /api/v1/me
expect_status 200 "me with a real token"
[ "$(jq_py 'j["name"] + "," + j["role"] + "," + j["scope"]')" = admin,admin,140700 ] ||
    fail "me: $(cat body)"

# ---- bodies over 1 MiB, malformed JSON, unknown paths, wrong methods ----
"$PY" -c 'import json; print(json.dumps({"name": "admin", "password": "x" * (1 << 20)}))' >big.json
api "" POST /api/v1/login -H 'Content-Type: application/json' --data-binary @big.json
expect_error too_large 413 "a login body over 1 MiB"
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary @big.json
expect_error too_large 413 "a rounds body over 1 MiB"
api "$ADMIN" GET /api/v1/me
expect_status 200 "me after the 413s"
api "" POST /api/v1/login -H 'Content-Type: application/json' --data-binary '{"name": "admin", "password": '
expect_error bad_request 400 "malformed JSON to login"
api "" POST /api/v1/login -H 'Content-Type: application/json' --data-binary '["admin", "pw"]'
expect_error bad_request 400 "a JSON array to login"
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary '{"name":"R9",'
expect_error bad_request 400 "malformed JSON to rounds"
api "$ADMIN" POST /api/v1/users -H 'Content-Type: application/json' --data-binary 'name=x'
expect_error bad_request 400 "a form body to users"
api "$ADMIN" GET /api/v1/nope
expect_error not_found 404 "an unknown endpoint"
api "" GET /api/v1/nope
expect_error not_found 404 "an unknown endpoint without a token"
api "$ADMIN" DELETE /api/v1/rounds
expect_error method_not_allowed 405 "DELETE /api/v1/rounds"
api "$ADMIN" PUT /api/v1/coverage
expect_error method_not_allowed 405 "PUT /api/v1/coverage"

# ---- static files stay inside the web folder ----
api "" GET /assets/app.js
expect_status 200 "a static file"
contains body fk-asset-marker
for path in /../../etc/passwd /../../../../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd \
    /%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd /assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd \
    /..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd /assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd \
    //etc/passwd /%2fetc%2fpasswd /assets/../../../../../../etc/passwd; do
    api "" GET "$path" --path-as-is
    if grep -q 'root:' body; then
        fail "GET $path returned /etc/passwd"
    fi
    case $status in 200|400|403|404) ;; *) fail "GET $path answered $status" ;; esac
done

# ---- five wrong passwords for a name, then the right one: 429; another name still signs in ----
for i in 1 2 3 4 5; do
    api "" POST /api/v1/login -H 'Content-Type: application/json' \
        --data-binary '{"name":"admin","password":"wrong-password"}'
    expect_error unauthorized 401 "wrong password $i"
done
api "" POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary '{"name":"admin","password":"pass-admin-123"}'
expect_error too_many_attempts 429 "the right password after five wrong ones"
api "" POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary '{"name":"other","password":"pass-other-123"}'
expect_status 200 "another name signs in during admin's lockout"
[ "$(jq_py 'len(j["token"])')" = 64 ] || fail "login of other: $(cat body)"
# Sessions begun before the lockout go on.
api "$ADMIN" GET /api/v1/me
expect_status 200 "admin's earlier session during the lockout"

# ---- a slow or half-sent request does not hold up the others ----
# A sign-in's own time with no slow client (argon2id; slower under the sanitizers and on a loaded
# machine): the sign-in beside the slow ones below may take it three times over, never more.
t=$(curl -s -o /dev/null -w '%{time_total}' --max-time 30 -X POST \
    -H 'Content-Type: application/json' --data-binary '{"name":"other","password":"pass-other-123"}' \
    "$BASE/api/v1/login")
login_limit=$("$PY" -c "print(max(3.0, 3 * float('$t')))")
"$PY" -c 'import json; print(json.dumps({"name": "spare", "password": "y" * 200000}))' >slow.json
slow=()
for i in 1 2 3; do
    curl -s -o /dev/null --limit-rate 1K -X POST -H 'Content-Type: application/json' \
        --data-binary @slow.json "$BASE/api/v1/login" &
    slow+=($!)
done
curl -s -o /dev/null --limit-rate 1K -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: text/csv' --data-binary @"$DATA/persons.csv" "$BASE/api/v1/import/persons" &
slow+=($!)
# Two half-sent requests that never finish: headers promising a body that does not come.
"$PY" - "$PORT" >half.log 2>&1 <<'PY' &
import socket, sys, time
socks = []
for path in ("/api/v1/login", "/api/v1/rounds"):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 5000\r\n\r\n{\"name\":" % path).encode())
    socks.append(s)
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthori")
socks.append(s)
time.sleep(30)
PY
slow+=($!)
# Seven slow connections: three sign-ins, one import, three half-sent requests.
seven_slow() { [ "$(conns_to "$PORT")" -ge 7 ]; }
wait_for 10 "the slow connections to be open" seven_slow
for i in 1 2 3; do
    t=$(curl -s -o body -w '%{http_code} %{time_total}' -H "Authorization: Bearer $ADMIN" \
        --max-time 10 "$BASE/api/v1/coverage?round=R1&by=county")
    read -r code secs <<<"$t"
    [ "$code" = 200 ] || fail "a normal request beside slow ones answered $code"
    "$PY" -c "import sys; sys.exit(0 if float('$secs') < 2 else 1)" ||
        fail "a normal request beside slow ones took $secs s"
done
t=$(curl -s -o body -w '%{http_code} %{time_total}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' --data-binary '{"name":"other","password":"pass-other-123"}' \
    "$BASE/api/v1/login")
read -r code secs <<<"$t"
[ "$code" = 200 ] || fail "a login beside slow ones answered $code"
"$PY" -c "import sys; sys.exit(0 if float('$secs') < float('$login_limit') else 1)" ||
    fail "a login beside slow ones took $secs s (alone $t s)"
for p in "${slow[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
done

# ---- 200 sequential and 50 concurrent requests ----
# One client, one request after the other on a kept-alive connection.
urls=()
for i in $(seq 200); do
    urls+=(-o /dev/null "$BASE/api/v1/coverage?round=R1&by=township&n=$i")
done
curl -s -w '%{http_code}\n' -H "Authorization: Bearer $ADMIN" "${urls[@]}" >seq.txt
[ "$(grep -cx 200 seq.txt)" = 200 ] || fail "200 sequential requests: $(sort seq.txt | uniq -c | tr '\n' ' ')"
seq 50 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
    -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/coverage?round=R1&by=grid&n={}" >par.txt
[ "$(grep -cx 200 par.txt)" = 50 ] || fail "50 concurrent requests: $(sort par.txt | uniq -c | tr '\n' ' ')"
seq 50 | xargs -P 50 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
    -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/dashboard?round=R1&n={}" >par.txt
[ "$(grep -cx 200 par.txt)" = 50 ] || fail "50 concurrent dashboards: $(sort par.txt | uniq -c | tr '\n' ' ')"

# ---- a 500 never shows internals ----
# check_500 WHAT: the last answer is a 500 'internal' error naming no SQL, file or path.
check_500() {
    expect_error internal 500 "$1"
    if grep -qiE 'sqlite|sql|no such table|\.db|\.uploads|/tmp|fk-e2e|/etc|/work' body ||
        grep -qF "$WORK" body; then
        fail "$1: the 500 shows internals: $(cat body)"
    fi
}
# The folder where uploads and exports are written disappears.
mv fangkong.db.uploads uploads.away
api "$ADMIN" POST /api/v1/import/regions -H 'Content-Type: text/csv' --data-binary @"$DATA/regions.csv"
check_500 "an import with no upload folder"
api "$ADMIN" GET "/api/v1/coverage?round=R1&by=county&format=xlsx"
check_500 "an xlsx export with no upload folder"
mv uploads.away fangkong.db.uploads
# Tables vanish under the running server (python's sqlite3, as a broken disk would). The server
# keeps a round it read until it next reads the store's generation, at most 100 ms later (as it
# notices a write from the command line): the requests below come after that.
"$PY" -c 'import sqlite3; c = sqlite3.connect("fangkong.db"); c.execute("DROP TABLE rounds"); c.execute("DROP TABLE audit"); c.commit()'
round_gone() {
    api "$ADMIN" GET "/api/v1/coverage?round=R1"
    [ "$status" != 200 ]
}
wait_for 5 "the server to read the store again" round_gone
for ep in "GET /api/v1/rounds" "GET /api/v1/coverage?round=R1" "GET /api/v1/missing?round=R1" \
    "GET /api/v1/tat?round=R1" "GET /api/v1/dashboard" "GET /api/v1/audit"; do
    read -r method path <<<"$ep"
    api "$ADMIN" "$method" "$path"
    check_500 "$ep with its table gone"
done
api "$ADMIN" POST /api/v1/rounds -H 'Content-Type: application/json' --data-binary \
    '{"name":"R2","region":"140702","start":"2022-08-30T06:00:00+08:00","end":"2022-08-31T06:00:00+08:00"}'
check_500 "POST /api/v1/rounds with its table gone"
contains serve.log "no such table: rounds"
# Still serving.
api "$ADMIN" GET /api/v1/me
expect_status 200 "me after the 500s"
echo "http limits: done"
