#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sampling tables' endpoint under load (issue 21, "the sampling endpoint takes ≥ 5 000
# entries/s from many phones at once, durable when answered"): a city of N residents
# (`fangkong demo --finished --people N --seed 1`, its regions and persons imported), fangkong
# serve on loopback, PHONES phones sending every resident once in batches (bench/sample/phones.py),
# against a bare SQLite table taking the same batches (the baseline, same script). Durable when
# answered: the server is then killed with SIGKILL and the entries counted in the store from the
# command line: every accepted entry is there.
# Usage: bench/run-sample.sh [--build DIR] [--people N] [--phones N] [--batch N]
#   defaults: build/, 200 000 residents, 16 phones, batches of 50. Data under
#   ${BENCH_TMP:-/tmp}/fk-sample-bench-N, deleted afterwards unless BENCH_KEEP=1.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
people=200000
phones=16
batch=50
while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || { sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
    case $1 in
    --build) build=$2 ;;
    --people) people=$2 ;;
    --phones) phones=$2 ;;
    --batch) batch=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
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
echo "== $people residents, $phones phones, batches of $batch; commit $(git -C "$top" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$top/bench/sample/phones.py" "http://127.0.0.1:$port" bench bench-sample-password-1 \
    city/persons.csv "$people" "$phones" "$batch" "$dir/baseline.db"
# Durable when answered: killed at once, the store holds every accepted entry.
kill -9 "$server"
wait "$server" 2>/dev/null || true
server=
stored=$("$FK" export samples 2>/dev/null | awk -F, '$1 ~ /^BT/ { n++ } END { print n + 0 }')
echo "after SIGKILL of the server: $stored entries in the store (of $people sent)"
[ "$stored" = "$people" ] || { echo "entries lost" >&2; exit 1; }
