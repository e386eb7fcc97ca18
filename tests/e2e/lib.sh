# SPDX-License-Identifier: MIT
# Shared helpers of the end-to-end tests: a scratch folder removed on exit, the binary under test
# ($FANGKONG, set by ctest), and assertions that print what differed.
set -euo pipefail

: "${FANGKONG:?set FANGKONG to the fangkong binary (ctest does)}"
: "${FK_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fk-e2e.XXXXXX")
FK_SERVER_PID=
FK_SERVER_PIDS= # every server start_server started, for the clean-up
FK_FAILURES=0
# On exit: stop the server a test started (start_server), remove the scratch folder, and fail the
# script when a check failed under FK_KEEP_GOING.
fk_cleanup() {
    local status=$?
    local pgdir pid
    # Every server this test started (start_server), then the database under them.
    for pid in $FK_SERVER_PIDS $FK_SERVER_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for pgdir in ${FK_PG_DIR:-} ${FK_PG_STANDBY:-}; do
        bash "$FK_SRC/scripts/pg-cluster.sh" stop "$pgdir"
    done
    # a failed script shows the end of the server's log: a server that died says why here (CI
    # keeps nothing else of the scratch folder)
    if { [ "$status" -ne 0 ] || [ "$FK_FAILURES" -gt 0 ]; } && [ -s "$WORK/serve.log" ]; then
        echo "---- the last lines of the server's log ($WORK/serve.log) ----" >&2
        tail -n 40 "$WORK/serve.log" >&2
    fi
    rm -rf "$WORK"
    if [ "$FK_FAILURES" -gt 0 ]; then
        echo "$FK_FAILURES check(s) failed" >&2
        [ "$status" -ne 0 ] || status=1
    fi
    exit "$status"
}
trap fk_cleanup EXIT
export FANGKONG_DB="$WORK/fangkong.db"
cd "$WORK"

# fail MESSAGE: stops the script; with FK_KEEP_GOING=1 it counts the failure and goes on to the
# next check, and the script still exits 1 at the end.
fail() {
    echo "FAIL: $*" >&2
    if [ -n "${FK_KEEP_GOING:-}" ]; then
        FK_FAILURES=$((FK_FAILURES + 1))
        return 0
    fi
    exit 1
}

# fk ARGS...: runs fangkong; the exit status is kept in $rc and never aborts the script.
fk() {
    set +e
    "$FANGKONG" "$@"
    rc=$?
    set -e
    return 0
}

expect_rc() {
    [ "$rc" -eq "$1" ] || fail "${2:-command} exited $rc, expected $1"
}

# same_rows A B: the two CSV files hold the same rows, in any order.
same_rows() {
    if ! diff <(sort "$1") <(sort "$2") >"$WORK/diff.txt"; then
        echo "--- $1 vs $2:" >&2
        head -n 20 "$WORK/diff.txt" >&2
        fail "${3:-$1 and $2 differ}"
    fi
}

# contains FILE TEXT: FILE holds TEXT.
contains() {
    grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; head -n 20 "$1" >&2; fail "$1 lacks '$2'"; }
}

# count TABLE: rows of a table in the data file, from fangkong status.
count() {
    "$FANGKONG" status 2>/dev/null | awk -F, -v t="$1" '$1 == t { print $2 }'
}

# start_pg: a throwaway PostgreSQL cluster for this test (scripts/pg-cluster.sh; issue 20), its
# URI in $PG, stopped and deleted on exit. A fangkong built without PostgreSQL skips the test.
start_pg() {
    if ! grep -q postgresql <("$FANGKONG" version); then
        echo "skipped: this fangkong was built without PostgreSQL"
        exit 0
    fi
    FK_PG_DIR=$(mktemp -u "${TMPDIR:-/tmp}/fk-pg.XXXXXX")
    PG=$(bash "$FK_SRC/scripts/pg-cluster.sh" start "$FK_PG_DIR")
}

# ---- waiting for a state, never a fixed sleep ----

# wait_for SECONDS WHAT CMD [ARGS...]: runs CMD every 50 ms until it succeeds, and stops the script
# naming WHAT when SECONDS (whole) pass first.
wait_for() {
    local secs=$1 what=$2 deadline
    shift 2
    deadline=$(($(date +%s%N) + secs * 1000000000))
    until "$@"; do
        if [ "$(date +%s%N)" -ge "$deadline" ]; then
            FK_KEEP_GOING= fail "waited ${secs} s for $what"
        fi
        sleep 0.05
    done
}

# log_after FILE N TEXT: a line after the first N lines of FILE holds TEXT (a log line written
# since the test counted N lines with wc -l).
log_after() {
    grep -qF -- "$3" <(tail -n "+$(($2 + 1))" "$1")
}

# conns_to PORT: the established client connections to 127.0.0.1:PORT (from /proc/net/tcp).
conns_to() {
    awk -v p="$(printf ':%04X' "$1")" '$3 ~ p "$" && $4 == "01" { n++ } END { print n + 0 }' \
        /proc/net/tcp
}

# ---- fangkong serve (tests 40, 50, 60) ----

# start_server [ARGS...]: starts `fangkong serve` on a free loopback port with the extra ARGS, waits
# until it answers, and sets $PORT and $BASE (http://127.0.0.1:PORT). Its log is $WORK/serve.log;
# it is stopped on exit. Sets $PY, the python3 the helpers below use, when unset.
start_server() {
    local try i
    # The interpreter itself, not a version manager's shim that costs half a second a call.
    : "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"
    for try in 1 2 3; do
        PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        BASE="http://127.0.0.1:$PORT"
        "$FANGKONG" serve --port "$PORT" "$@" >>"$WORK/serve.log" 2>&1 &
        FK_SERVER_PID=$!
        FK_SERVER_PIDS="$FK_SERVER_PIDS $!"
        for i in $(seq 100); do
            if curl -s -o /dev/null --max-time 2 "$BASE/api/v1/me"; then
                return 0
            fi
            kill -0 "$FK_SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$FK_SERVER_PID" 2>/dev/null || true
        wait "$FK_SERVER_PID" 2>/dev/null || true
        FK_SERVER_PID=
    done
    cat "$WORK/serve.log" >&2
    FK_KEEP_GOING= fail "fangkong serve did not start"
}

# api TOKEN METHOD PATH [CURL ARGS...]: one request to the server (TOKEN may be empty: no
# Authorization header). The answer's body is in $WORK/body, its status in $status.
api() {
    local token=$1 method=$2 path=$3
    shift 3
    local auth=()
    [ -z "$token" ] || auth=(-H "Authorization: Bearer $token")
    status=$(curl -sS --max-time 30 -o "$WORK/body" -w '%{http_code}' -X "$method" "${auth[@]}" \
        "$@" "$BASE$path") || status=000
}

# expect_status CODE [WHAT]: the last api answer had status CODE.
expect_status() {
    if [ "$status" != "$1" ]; then
        echo "--- answer:" >&2
        head -c 600 "$WORK/body" >&2
        echo >&2
        fail "${2:-request} answered $status, expected $1"
    fi
}

# jq_py EXPR [FILE]: evaluates the Python expression EXPR with j = the JSON in FILE (default: the
# last answer's body) and prints it (strings as they are, anything else as JSON).
jq_py() {
    "$PY" - "${2:-$WORK/body}" "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
PY
}

# expect_error CODE STATUS [WHAT]: the last answer is STATUS with a JSON body
# {"code": CODE, "error": a sentence, "hint": a string}.
expect_error() {
    expect_status "$2" "${3:-request}"
    "$PY" - "$WORK/body" "$1" <<'PY' || fail "${3:-request}: not a {\"code\":\"$1\",\"error\",\"hint\"} answer"
import json, sys
try:
    j = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError:
    sys.exit("not JSON: " + open(sys.argv[1], errors="replace").read()[:300])
ok = (isinstance(j, dict) and j.get("code") == sys.argv[2] and isinstance(j.get("error"), str)
      and j["error"] != "" and isinstance(j.get("hint"), str))
sys.exit(0 if ok else "got " + json.dumps(j, ensure_ascii=False)[:300])
PY
}

# login NAME PASSWORD: signs in and prints the session token.
login() {
    local out
    out=$(curl -sS --max-time 30 -X POST -H 'Content-Type: application/json' \
        --data-binary "$("$PY" -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "password": sys.argv[2]}))' "$1" "$2")" \
        "$BASE/api/v1/login") || true
    "$PY" -c 'import json, sys; print(json.loads(sys.argv[1])["token"])' "$out" 2>/dev/null ||
        FK_KEEP_GOING= fail "login $1: $out"
}

# shipped_times SAMPLES OUT: writes OUT, a samples file of SAMPLES' rows of site SITE1 again with a
# shipped time half an hour after each tube's first sample (rows without a readable time left out).
shipped_times() {
    "${PY:-python3}" - "$1" "$2" <<'PY'
import csv, sys
from datetime import datetime, timedelta
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
first = {}
for r in rows:
    try:
        t = datetime.fromisoformat(r["time"])
    except ValueError:
        continue
    first[r["tube"]] = min(first.get(r["tube"], t), t)
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["tube", "id_number", "time", "site", "shipped"])
    for r in rows:
        if r["site"] == "SITE1" and r["tube"] in first:
            w.writerow([r["tube"], r["id_number"], r["time"], r["site"],
                        (first[r["tube"]] + timedelta(minutes=30)).isoformat()])
PY
}
