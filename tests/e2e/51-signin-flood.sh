#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The failed sign-in limit of fangkong serve holds under a flood (issue 5): five failures for a
# name, then failures for 300 other names (more than the server's table of 256 names holds), and
# the name is still paused, right password or not; so is a name that is new to the full table.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1

fk import regions "$FK_SRC/tests/data/city-3/regions.csv" >/dev/null 2>&1
expect_rc 0 "import regions"
for name in target other; do
    echo "pw-$name-2022" | "$FANGKONG" user add "$name" --role viewer --scope 140700 \
        >/dev/null 2>&1 || fail "user add $name"
done
start_server

# signin NAME PASSWORD: one sign-in; the status is in $status.
signin() {
    api "" POST /api/v1/login -H 'Content-Type: application/json' \
        --data-binary "{\"name\":\"$1\",\"password\":\"$2\"}"
}

for i in 1 2 3 4 5; do
    signin target "wrong-$i"
    expect_error unauthorized 401 "wrong password $i for target"
done
signin target pw-target-2022
expect_error too_many_attempts 429 "target after five failures"

# 300 other names, one failure each, on one connection (the server checks each in turn).
"$PY" - "$BASE" >flood.txt <<'PY' || fail "the flood did not run"
import http.client, json, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
seen = {}
for i in range(300):
    c.request("POST", "/api/v1/login", json.dumps({"name": "flood%03d" % i, "password": "x"}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    seen[r.status] = seen.get(r.status, 0) + 1
print(json.dumps(seen, sort_keys=True))
PY
# Each flood name either failed (401) or, once the table was full, was refused (429).
"$PY" - flood.txt <<'PY' || fail "flood answers: $(cat flood.txt)"
import json, sys
seen = json.load(open(sys.argv[1]))
sys.exit(0 if set(seen) <= {"401", "429"} and sum(seen.values()) == 300 else 1)
PY

signin target pw-target-2022
expect_error too_many_attempts 429 "target after the flood, right password"
signin target wrong-6
expect_error too_many_attempts 429 "target after the flood, wrong password"
# While the table is full of recent failures, a name it does not hold is refused before its
# password is checked (else it could be guessed without limit).
signin other wrong-password
expect_error too_many_attempts 429 "a new name while the table is full"
echo "signin flood: done"
