#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fangkong serve --threads N shares the connections out between its N threads: many kept-alive
# connections opened at once are answered by every thread in a fair share, not mostly by one
# (libmicrohttpd's thread pool let whichever thread woke first accept them: 3 to 1 under load,
# and the connections of the busy thread waited three times as long). The threads listen on
# sockets of their own (SO_REUSEPORT), yet a second server on the same port is still refused.
# The per-thread counts come from the request timers (FK_HTTP_TIMING, printed on SIGUSR1).
. "$(dirname "$0")/lib.sh"
DATA="$FK_SRC/tests/data/city-3"

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
echo "pass-admin-123" | "$FANGKONG" user add admin --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add admin"
export FK_HTTP_TIMING=1
start_server --threads 2
ADMIN=$(login admin pass-admin-123)

# ---- a second server on the same port is refused, and the first one goes on ----
set +e
timeout 20 "$FANGKONG" serve --port "$PORT" --threads 2 >second.log 2>&1
second=$?
set -e
[ "$second" != 0 ] && [ "$second" != 124 ] || fail "a second server on port $PORT exited $second"
contains second.log "in use"
api "$ADMIN" GET /api/v1/me
expect_status 200 "me after the second server was refused"

# ---- 40 kept-alive connections at once, 25 requests each ----
# The kernel hashes each connection to one of the threads' sockets: a fair pool leaves each
# thread at least 10 of the 40 (250 answers) most of the time, and a CI run saw 9 once by chance.
# So up to three bursts are tried: one fair burst passes, while a pool that favours one thread
# fails all three.
burst() {
    local lines
    lines=$(wc -l <serve.log)
    kill -USR1 "$FK_SERVER_PID" # zero the timers: only the requests below count
    wait_for 10 "the timers to be reset" log_after serve.log "$lines" "timing end (reset)"
    lines=$(wc -l <serve.log)
    "$PY" - "$PORT" "$ADMIN" <<'PY' || fail "the concurrent requests did not all answer 200"
import http.client, sys, threading
port, token = int(sys.argv[1]), sys.argv[2]
start = threading.Barrier(40)
bad = []
def client():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.connect()
    start.wait()
    for _ in range(25):
        c.request("GET", "/api/v1/regions", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        r.read()
        if r.status != 200:
            bad.append(r.status)
    c.close()
ts = [threading.Thread(target=client) for _ in range(40)]
for t in ts:
    t.start()
for t in ts:
    t.join()
sys.exit(1 if bad else 0)
PY
    kill -USR1 "$FK_SERVER_PID"
    wait_for 10 "the timers after SIGUSR1" log_after serve.log "$lines" "timing end (reset)"
    tail -n "+$((lines + 1))" serve.log | awk '/timing thread/ { print $(NF) }' >threads.txt
    [ "$(wc -l <threads.txt)" = 2 ] ||
        fail "expected answers from 2 threads: $(tail -n "+$((lines + 1))" serve.log | grep timing)"
    "$PY" - <<'PY'
n = [int(x) for x in open("threads.txt")]
total = sum(n)
print("answers per thread:", n)
# 1 000 requests on 40 connections: a fair share is 500 each, at least 250 (10 connections)
raise SystemExit(0 if total == 1000 and min(n) >= 0.25 * total else 1)
PY
}
fair=0
for try in 1 2 3; do
    if burst; then
        fair=1
        break
    fi
done
[ "$fair" = 1 ] || fail "the threads' shares were unfair in three bursts: $(tr '\n' ' ' <threads.txt)"
echo "http threads: done"
