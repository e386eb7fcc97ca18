#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sampling tables' endpoint under load (issue 21, "the sampling endpoint takes ≥ 5 000
# entries/s from many phones at once, durable when answered"): a city of N residents
# (`fangkong demo --finished --people N --seed 1`, its regions and persons imported), fangkong
# serve on loopback, and wrk (keep-alive, bench/http/sample.lua) as PHONES phones at once, each
# sending registered residents' entries, BATCH a request, and waiting for each answer before the
# next, for DURATION per batch size. The server commits the batches queued at one moment as one
# group (fk_sample_commit). The baseline, in the same script: a bare SQLite table keyed on (tube,
# ID number) taking the same batches from one thread, one durable transaction (WAL,
# synchronous=FULL) a batch. Durable when answered: the server is then killed with SIGKILL and
# the stored entries counted from the command line: every answered entry is there.
# Usage: bench/run-sample.sh [--build DIR] [--people N] [--phones N] [--batches "1 10 100"]
#                            [--duration 10s]
#   defaults: build/, 200 000 residents, 64 phones. Data under
#   ${BENCH_TMP:-/tmp}/fk-sample-bench-N, deleted afterwards unless BENCH_KEEP=1.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
people=200000
phones=64
batches="1 10 100"
duration=10s
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
    case $1 in
    --build) build=$2 ;;
    --people) people=$2 ;;
    --phones) phones=$2 ;;
    --batches) batches=$2 ;;
    --duration) duration=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
command -v wrk >/dev/null || { echo "bench/run-sample.sh: needs wrk (apt-get install wrk)" >&2; exit 1; }
dir=${BENCH_TMP:-/tmp}/fk-sample-bench-$people
rm -rf "$dir"
mkdir -p "$dir"
cp "$build/fangkong" "$dir/fangkong"
FK=$dir/fangkong
server=
cleanup() {
    [ -z "$server" ] || kill -9 "$server" 2>/dev/null || true
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"
"$FK" demo --people "$people" --seed 1 --finished --out city >/dev/null 2>&1
export FANGKONG_DB=$dir/city.db
for t in regions persons; do "$FK" import "$t" "city/$t.csv" >/dev/null 2>&1; done
IFS=, read -r round region start end <city/round.txt
"$FK" round create "$round" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
echo "bench-sample-password-1" | "$FK" user add bench --role admin --scope "$region" >/dev/null 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$FK" serve --port "$port" >serve.log 2>&1 &
server=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/me"; do
    kill -0 "$server" || { cat serve.log >&2; exit 1; }
    sleep 0.1
done
token=$(curl -s -H 'Content-Type: application/json' -d '{"name":"bench","password":"bench-sample-password-1"}' \
    "http://127.0.0.1:$port/api/v1/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
awk -F, 'NR > 1 { print $1 }' city/persons.csv | head -n "$people" >ids.txt
echo "== $people residents, $phones phones (wrk, 2 threads), $duration a batch size; commit $(git -C "$top" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%8s %14s %10s %10s %14s %8s\n' batch "entries/s" "p50" "p99" "sqlite3 e/s" ratio
declare -A answered
for b in $batches; do
    out=$(SAMPLE_IDS=$dir/ids.txt SAMPLE_BATCH=$b SAMPLE_THREADS=2 SAMPLE_TAG=$b wrk -t 2 -c "$phones" \
        -d "$duration" --latency -s "$top/bench/http/sample.lua" -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port" 2>&1)
    ! grep -q "Non-2xx" <<<"$out" || { echo "$out" >&2; echo "answers other than 200" >&2; exit 1; }
    reqs=$(awk '/requests in/ { print $1 }' <<<"$out")
    secs=$(awk '/requests in/ { sub(/s,$/, "", $4); print $4 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    answered[$b]=$((reqs * b))
    lite=$(python3 - "$dir/ids.txt" "$b" "$dir/baseline-$b.db" <<'PY'
import sqlite3, sys, time
ids = [l.strip() for l in open(sys.argv[1])][:50000]
b = int(sys.argv[2])
db = sqlite3.connect(sys.argv[3], isolation_level=None)
db.executescript("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                 "CREATE TABLE samples (tube TEXT, id_number TEXT, time TEXT, site TEXT,"
                 " PRIMARY KEY (tube, id_number)) WITHOUT ROWID")
t0 = time.monotonic()
for i in range(0, len(ids), b):
    db.execute("BEGIN")
    db.executemany("INSERT OR IGNORE INTO samples VALUES (?, ?, '2022-08-28T10:00:00+08:00', 'S')",
                   [("T%d" % (k // 10), x) for k, x in enumerate(ids[i:i + b], i)])
    db.execute("COMMIT")
print("%.0f" % (len(ids) / (time.monotonic() - t0)))
PY
)
    rate=$(python3 -c "print('%.0f' % ($reqs * $b / float('$secs')))")
    printf '%8s %14s %10s %10s %14s %8s\n' "$b" "$rate" "$p50" "$p99" "$lite" \
        "$(python3 -c "print('%.2f' % ($rate / $lite))")"
done
# Durable when answered: killed at once, the store holds every answered entry (and at most the
# ones in flight when wrk stopped besides).
kill -9 "$server"
wait "$server" 2>/dev/null || true
server=
for b in $batches; do
    stored=$("$FK" export samples 2>/dev/null | awk -F, -v p="W$b-" 'index($1, p) == 1 { n++ } END { print n + 0 }')
    echo "batch $b: after SIGKILL of the server, $stored entries stored, ${answered[$b]} answered"
    if [ $((answered[$b] * 2)) -gt "$people" ]; then
        echo "  (not compared: the phones went round the residents and sent some twice)"
    elif [ "$stored" -lt "${answered[$b]}" ]; then
        echo "answered entries lost" >&2
        exit 1
    fi
done
