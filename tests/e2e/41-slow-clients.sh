#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Slow clients cannot starve fangkong serve (issue 13): one address holds at most
# --max-per-address connections (per thread), more are closed at once, and a connection that
# sends nothing for --idle-timeout seconds (a slowloris's half-sent header) is closed; meanwhile
# the server answers the others. A connection that has not sent its whole request header
# --header-timeout seconds after it opened (or after its last answer) is closed even when it
# trickles a byte at a time, but a slow request body is not cut. Bad values of the flags are
# refused.
. "$(dirname "$0")/lib.sh"

fk import regions "$FK_SRC/tests/data/city-3/regions.csv" >/dev/null 2>&1
expect_rc 0 "import regions"
for bad in "--max-per-address 0" "--max-per-address x" "--idle-timeout 0" "--idle-timeout 99999" \
    "--header-timeout 0" "--header-timeout 3601" "--header-timeout x"; do
    # shellcheck disable=SC2086
    fk serve --port 1 $bad >bad.log 2>&1
    expect_rc 1 "serve $bad"
    contains bad.log "takes"
done
start_server --threads 1 --max-per-address 8 --idle-timeout 2

# Twenty connections from 127.0.0.5, each with a half-sent header and then silence.
"$PY" - "$PORT" <<'PY' || fail "slow clients starved the server or were not dropped"
import select, socket, sys, time, urllib.error, urllib.request
port = int(sys.argv[1])
socks = []
for _ in range(20):
    s = socket.socket()
    s.bind(("127.0.0.5", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    socks.append(s)

def drop_closed(open_socks, wait):
    """The sockets of open_socks still open after waiting up to wait s for any to close."""
    ready, _, _ = select.select(open_socks, [], [], wait)
    for s in ready:
        try:
            gone = s.recv(1) == b""
        except OSError:
            gone = True
        if gone:
            open_socks = [o for o in open_socks if o is not s]
    return open_socks

t0 = time.monotonic()
held = socks
while len(held) > 8 and time.monotonic() - t0 < 1.0:
    held = drop_closed(held, 0.1)
at_once = 20 - len(held)
# The others are answered meanwhile, at once.
for _ in range(5):
    t = time.monotonic()
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/api/v1/me" % port, timeout=5)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    if code != 401 or time.monotonic() - t > 1.0:
        sys.exit("another client: %d in %.2f s" % (code, time.monotonic() - t))
# The eight held ones are closed after two idle seconds (libmicrohttpd looks about every second).
while held and time.monotonic() - t0 < 10:
    held = drop_closed(held, 0.2)
print("closed at once: %d of 20; still open %.1f s later: %d"
      % (at_once, time.monotonic() - t0, len(held)))
sys.exit(0 if at_once == 12 and not held else 1)
PY
api "" GET /api/v1/me
expect_error unauthorized 401 "me after the slow clients"

# A slowloris that sends one header byte every 0.5 s is never idle, but it is closed about
# --header-timeout seconds after it connected; a normal client is answered meanwhile, and a
# request whose header is complete may send its body slowly (the idle timeout covers bodies).
kill "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
start_server --threads 1 --header-timeout 2 --idle-timeout 10
"$PY" - "$PORT" <<'PY' || fail "a slowloris outlived --header-timeout, or a slow body was cut"
import json, select, socket, sys, time, urllib.error, urllib.request
port = int(sys.argv[1])


def trickle(s, t0, after_first=None):
    """Sends the rest of a header on s one byte at a time, for at most 6 s from t0; returns the
    seconds from t0 at which the server closed s, or None. after_first() runs after the first
    byte."""
    for i, b in enumerate(b"X-Slow: " + b"a" * 100):
        if time.monotonic() - t0 > 6:
            return None
        try:
            s.sendall(bytes([b]))
        except OSError:
            return time.monotonic() - t0
        # Wait 0.5 s for the server to close the socket, the pacing of the bytes.
        if select.select([s], [], [], 0.5)[0]:
            try:
                gone = s.recv(1) == b""
            except OSError:
                gone = True
            if gone:
                return time.monotonic() - t0
        if i == 0 and after_first:
            after_first()
    return None


def normal_client():
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/api/v1/me" % port, timeout=5)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    if code != 401:
        sys.exit("a normal client beside the slowloris: %d" % code)


s = socket.socket()
s.connect(("127.0.0.1", port))
t0 = time.monotonic()
s.sendall(b"GET /api/v1/me HTTP/1.1\r\n")
closed_at = trickle(s, t0, normal_client)
print("slowloris closed after %s s" % (closed_at and "%.2f" % closed_at))
if closed_at is None or closed_at < 1.5:
    sys.exit(1)

# On a kept-alive connection the next header is due --header-timeout after the last answer,
# not after the connection opened: the first request comes 1.2 s after connecting.
s = socket.socket()
s.connect(("127.0.0.1", port))
select.select([s], [], [], 1.2)
s.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
got = b""
while b"unauthorized" not in got:
    part = s.recv(4096)
    if not part:
        sys.exit("the kept-alive connection closed before its answer")
    got += part
t0 = time.monotonic()
s.sendall(b"GET /api/v1/me HTTP/1.1\r\n")
closed_at = trickle(s, t0)
print("kept-alive slowloris closed %s s after its answer" % (closed_at and "%.2f" % closed_at))
if closed_at is None or closed_at < 1.5:
    sys.exit(1)

# A slow body: the header at once, then the body over 4 s, twice --header-timeout.
body = json.dumps({"name": "nobody", "password": "x" * 64}).encode()
s = socket.socket()
s.connect(("127.0.0.1", port))
s.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body))
t0 = time.monotonic()
parts = [body[i:i + 5] for i in range(0, len(body), 5)]
pace = 4.0 / len(parts)
for i, part in enumerate(parts):
    s.sendall(part)
    time.sleep(max(0, t0 + (i + 1) * pace - time.monotonic()))
s.settimeout(10)
answer = s.recv(4096)
print("slow body answered after %.1f s: %s" % (time.monotonic() - t0, answer[:40]))
sys.exit(0 if answer.startswith(b"HTTP/1.1 401") else 1)
PY
contains serve.log "no complete request header"
echo "slow clients: done"
