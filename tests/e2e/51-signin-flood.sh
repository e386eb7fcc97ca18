#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sign-ins under a flood (issues 5 and 13): failures are limited per name, from however many
# addresses, and per address, so a flood of wrong names from one address is cut short and cannot
# lock the other accounts out; a name the full table does not hold is refused unchecked. Account
# rules (names, cracklib, 10 to 1 024 bytes, 400 never 500), the audit of every checked sign-in,
# and control characters escaped in the log. Passwords are hashed at the test-only minimum cost
# (FANGKONG_TEST_HASH_COST=min), so the hundreds of sign-ins take a second, not half a minute.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
export FANGKONG_TEST_HASH_COST=min

fk import regions "$FK_SRC/tests/data/city-3/regions.csv" >/dev/null 2>&1
expect_rc 0 "import regions"
for name in target other victim crowd chief; do
    echo "Lantern-$name-Harbor-58" | "$FANGKONG" user add "$name" --role admin --scope 140700 \
        >user.log 2>&1 || fail "user add $name: $(cat user.log)"
done
contains user.log "WARNING: FANGKONG_TEST_HASH_COST=min"

# ---- account rules on the command line: one function with the API's ----
useradd() { # NAME PASSWORD: fangkong user add, its stderr in user.log, its status in $rc
    fk user add "$1" --role viewer --scope 140700 >user.log 2>&1 <<<"$2"
}
useradd 'a/b' 'Lantern-slash-Harbor-58'
expect_rc 1 "user add a/b"
contains user.log "a user name has 1 to 64 of a-z"
cp user.log slash-cli.log
useradd 'Upper' 'Lantern-upper-Harbor-58'
expect_rc 1 "user add Upper"
useradd "$(printf 'n%.0s' $(seq 65))" 'Lantern-long-Harbor-58'
expect_rc 1 "user add with a 65-byte name"
useradd shorty 'short-pw1'
expect_rc 1 "user add with a 9-character password"
contains user.log "at least 10 characters"
useradd simple 'abcdefghijkl'
expect_rc 1 "user add with a systematic password"
contains user.log "too easy to guess"
useradd longpw "$(printf 'k%.0s' $(seq 1025))"
expect_rc 1 "user add with a 1 025-byte password"
contains user.log "at most 1024 bytes"

start_server
contains serve.log "WARNING: FANGKONG_TEST_HASH_COST=min"
CHIEF=$(login chief Lantern-chief-Harbor-58)

# signin NAME PASSWORD [ADDRESS]: one sign-in from ADDRESS (default 127.0.0.1); status in $status.
signin() {
    api "" POST /api/v1/login -H 'Content-Type: application/json' \
        --interface "${3:-127.0.0.1}" -D headers.txt \
        --data-binary "$("$PY" -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2")"
}

# ---- account rules through the API, and over-long passwords: 400, never 500 ----
adduser() { # BODY
    api "$CHIEF" POST /api/v1/users -H 'Content-Type: application/json' --data-binary "$1"
}
adduser '{"name":"a/b","role":"viewer","scope":"140700","password":"Lantern-api-Harbor-58"}'
expect_error bad_request 400 "API: a name with a slash"
# One user-name rule, in the library: the command line and the API refuse a/b in the same words.
"$PY" - slash-cli.log "$WORK/body" <<'EOF' || fail "user add a/b: the CLI and the API differ"
import json, sys
cli = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if "user name" in l]
api = json.load(open(sys.argv[2], encoding="utf-8"))["error"]
if len(cli) != 1 or not cli[0].endswith(": " + api) or "'a/b'" not in api:
    sys.exit("the CLI says %r, the API %r" % (cli, api))
EOF
adduser '{"name":"shorty","role":"viewer","scope":"140700","password":"short-pw1"}'
expect_error bad_request 400 "API: a 9-character password"
adduser '{"name":"simple","role":"viewer","scope":"140700","password":"abcdefghijkl"}'
expect_error bad_request 400 "API: a systematic password"
"$PY" -c 'import json; print(json.dumps({"name": "longpw", "role": "viewer", "scope": "140700", "password": "k" * 1025}))' >long.json
adduser @long.json
expect_error bad_request 400 "API: a 1 025-byte password"
adduser '{"name":"desk.2","role":"viewer","scope":"140700","password":"Lantern-desk-Harbor-58"}'
expect_status 201 "API: a good account"
signin desk.2 Lantern-desk-Harbor-58
expect_status 200 "the account made through the API signs in"
# A new password from the command line (the library's fk_user_password): the account signs in
# with it, and the sessions the old one opened end (the server trusts its cache 10 s at most).
D2=$(jq_py 'j["token"]')
fk user password desk.2 >pw.log 2>&1 <<<"Lantern-new-Harbor-77"
expect_rc 0 "user password desk.2"
contains pw.log "password set; its sessions are ended"
old_session_ended() { api "$D2" GET /api/v1/me; [ "$status" = 401 ]; }
wait_for 30 "the session of the old password to end" old_session_ended
signin desk.2 Lantern-new-Harbor-77
expect_status 200 "desk.2 signs in with its new password"
fk user password nobody.here >pw.log 2>&1 <<<"Lantern-new-Harbor-77"
expect_rc 1 "user password of an unknown account"
contains pw.log "no user named 'nobody.here'"
"$PY" -c 'import json; print(json.dumps({"name": "other", "password": "k" * 1025}))' >long.json
api "" POST /api/v1/login -H 'Content-Type: application/json' --data-binary @long.json
expect_error bad_request 400 "sign-in with a 1 025-byte password"

# ---- one name: five failures, from five addresses, pause it for every address ----
for i in 1 2 3 4 5; do
    signin victim "wrong-$i" "127.0.0.1$i"
    expect_error unauthorized 401 "wrong password $i for victim from 127.0.0.1$i"
done
signin victim Lantern-victim-Harbor-58 127.0.0.16
expect_error too_many_attempts 429 "victim's right password from a sixth address"
grep -qi '^retry-after: [0-9]' headers.txt || fail "a 429 without Retry-After: $(cat headers.txt)"
# Ten at once against one name, from ten addresses: still five checked at most (a sign-in counts
# as failed from the moment its password is handed to be checked).
"$PY" - "$PORT" <<'PY' >once.txt || fail "ten at once for one name: $(cat once.txt)"
import http.client, json, sys, threading
port = int(sys.argv[1])
go = threading.Barrier(10)
seen = []
def one(k):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60,
                                   source_address=("127.0.4.%d" % (k + 1), 0))
    c.connect()
    go.wait()
    c.request("POST", "/api/v1/login", json.dumps({"name": "crowd", "password": "wrong-%d" % k}),
              {"Content-Type": "application/json"})
    seen.append(c.getresponse().status)
ts = [threading.Thread(target=one, args=(k,)) for k in range(10)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(seen))
sys.exit(0 if seen.count(401) <= 5 and set(seen) <= {401, 429, 503} else 1)
PY
for i in 1 2 3 4 5; do
    signin target "wrong-$i"
    expect_error unauthorized 401 "wrong password $i for target"
done
signin target Lantern-target-Harbor-58
expect_error too_many_attempts 429 "target after five failures"

# ---- 300 wrong names from one address: cut short after 30, and the others still sign in ----
"$PY" - "$BASE" 127.0.0.2 flood 300 >flood.txt <<'PY' || fail "the flood did not run"
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60, source_address=(sys.argv[2], 0))
seen = {}
for i in range(int(sys.argv[4])):
    c.request("POST", "/api/v1/login",
              json.dumps({"name": "%s%03d" % (sys.argv[3], i), "password": "x"}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    seen[r.status] = seen.get(r.status, 0) + 1
print(json.dumps(seen, sort_keys=True))
PY
[ "$(cat flood.txt)" = '{"401": 30, "429": 270}' ] ||
    fail "300 wrong names from one address: $(cat flood.txt), expected 30 checked, 270 refused"
signin other Lantern-other-Harbor-58
expect_status 200 "another account signs in from another address after the flood"
signin other Lantern-other-Harbor-58 127.0.0.2
expect_error too_many_attempts 429 "the flooding address, right password"
signin target Lantern-target-Harbor-58
expect_error too_many_attempts 429 "target after the flood, right password"

# A name with control characters, to see them escaped in the audit and the log below.
signin "$(printf 'evil\nfangkong serve: forged\033[1m')" wrong-password 127.0.2.2
expect_error unauthorized 401 "a name with control characters"

# ---- wrong names from ten addresses fill the table of 256 names: a new name is refused ----
for a in 3 4 5 6 7 8 9 10 11 12; do
    "$PY" - "$BASE" "127.0.1.$a" "fill$a-" 30 >>fill.txt <<'PY' || fail "the fill did not run"
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60, source_address=(sys.argv[2], 0))
for i in range(int(sys.argv[4])):
    c.request("POST", "/api/v1/login",
              json.dumps({"name": "%s%03d" % (sys.argv[3], i), "password": "x"}),
              {"Content-Type": "application/json"})
    c.getresponse().read()
PY
done
signin desk.2 wrong-password 127.0.2.1
expect_error too_many_attempts 429 "a new name while the table is full"

# ---- every checked sign-in is audited, with the address; control characters escaped ----
api "$CHIEF" GET "/api/v1/audit?format=csv"
expect_status 200 "audit"
cp "$WORK/body" audit.csv
contains audit.csv ',other,signin,other,from 127.0.0.1'
contains audit.csv ',anonymous,signin.fail,victim,from 127.0.0.13'
contains audit.csv 'signin.fail,evil\x0afangkong serve: forged\x1b[1m,from 127.0.2.2'
contains serve.log "failed sign-in for 'evil\\x0afangkong serve: forged\\x1b[1m' from 127.0.2.2"
if grep -q '^fangkong serve: forged' serve.log || grep -q $'\033' serve.log; then
    fail "a control character from a request reached the log raw"
fi
echo "signin flood: done"
