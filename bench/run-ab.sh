#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two fangkong binaries side by side on the same data: an old build and a new one (a redesign
# must not make anything slower). It generates a demo city with a fixed seed under /tmp, then,
# for each of RUNS rounds and in turn old, new, old, new …: imports the city into a fresh data
# file (rows/s of the whole import and of the samples file alone), and asks the same questions of
# each binary's own data file: coverage by grid, the missing list of the county with the most
# residents, a depth-2 trace of every case, the control due list (after the same
# `control from-trace` on both), and the HTTP dashboard (wrk, keep-alive, after one warm-up
# answer). Medians of the rounds, with the ratio new/old (above 1 means the new one is slower
# for times, faster for rates). Answers are compared byte for byte: a difference fails the run.
# Usage: bench/run-ab.sh OLD_FANGKONG NEW_FANGKONG [--people N] [--seed S] [--runs N]
#                        [--duration 10s] [--connections 50]
#   BENCH_KEEP=1 keeps the data under $BENCH_TMP (default /tmp) afterwards.
set -euo pipefail

usage() {
    sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
[ $# -ge 2 ] || usage
old=$(readlink -f "$1")
new=$(readlink -f "$2")
shift 2
people=200000
seed=1
runs=3
duration=10s
conns=50
while [ $# -gt 0 ]; do
    case $1 in
    --people) people=$2 ;;
    --seed) seed=$2 ;;
    --runs) runs=$2 ;;
    --duration) duration=$2 ;;
    --connections) conns=$2 ;;
    *) usage ;;
    esac
    shift 2
done
for b in "$old" "$new"; do
    [ -x "$b" ] || { echo "bench/run-ab.sh: $b is not an executable" >&2; exit 1; }
done
for c in curl wrk; do
    command -v "$c" >/dev/null || { echo "bench/run-ab.sh: needs $c (apt-get install $c)" >&2; exit 1; }
done

root=${BENCH_TMP:-/tmp}/fk-ab-$people-$seed
password=bench-password-2026
port=18090
server_pid=''
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$root"
}
trap cleanup EXIT
say() { printf '%s\n' "$*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }

mkdir -p "$root"
if [ ! -f "$root/csv/round.txt" ]; then
    say "generating a city of $people residents, seed $seed"
    "$new" demo --people "$people" --seed "$seed" --finished --out "$root/csv" >/dev/null 2>&1
fi
IFS=, read -r round region start end <"$root/csv/round.txt"
types="regions persons venues scans pings cases samples results controls arrivals risk_areas door_events"
prof="$root/csv/profile.ini"
total_rows=0
for t in $types; do
    total_rows=$((total_rows + $(wc -l <"$root/csv/$t.csv") - 1))
done
samples_rows=$(($(wc -l <"$root/csv/samples.csv") - 1))

# record NAME SIDE VALUE: one measurement, appended to $root/NAME.SIDE.
record() { echo "$3" >>"$root/$1.$2"; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed NAME SIDE CMD...: wall seconds of CMD into NAME.SIDE; its stdout into $root/NAME.SIDE.out.
timed() {
    local name=$1 side=$2 t0 t1
    shift 2
    t0=$(now)
    "$@" >"$root/$name.$side.out" 2>>"$root/$side.err" || {
        say "bench/run-ab.sh: $name ($side) failed: $*"
        tail -n 5 "$root/$side.err" >&2
        exit 1
    }
    t1=$(now)
    record "$name" "$side" "$(calc %.4f "$t1 - $t0")"
}

# import_city SIDE BIN: a fresh data file, the whole city imported; rates recorded.
import_city() {
    local side=$1 fk=$2 db="$root/$1.db" t0 t1 s0 s1 rc
    rm -f "$db" "$db"-* "$db.engine"
    export FANGKONG_DB=$db
    t0=$(now)
    for t in $types; do
        [ "$t" = samples ] && s0=$(now)
        rc=0
        "$fk" import "$t" "$root/csv/$t.csv" --profile "$prof" >/dev/null 2>>"$root/$side.err" ||
            rc=$?
        # 3: done with rejected rows (the demo city has a few on purpose).
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
            say "bench/run-ab.sh: import $t ($side) failed (exit $rc)"
            exit 1
        fi
        [ "$t" = samples ] && s1=$(now)
    done
    t1=$(now)
    record import_rows_s "$side" "$(calc %.0f "$total_rows / ($t1 - $t0)")"
    record samples_rows_s "$side" "$(calc %.0f "$samples_rows / ($s1 - $s0)")"
    "$fk" round create "$round" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1
    printf '%s\n' "$password" | "$fk" user add bench --role admin --scope "$region" \
        >/dev/null 2>&1
    # The same controls on both sides: every contact of every case, opened at a fixed time.
    "$fk" control from-trace --at "$end" --profile "$prof" >/dev/null 2>>"$root/$side.err"
}

# queries SIDE BIN: the questions, each answered once untimed (it builds the snapshot) and then
# timed.
queries() {
    local side=$1 fk=$2 county
    export FANGKONG_DB="$root/$side.db"
    county=$(cat "$root/county")
    "$fk" coverage "$round" --by grid >/dev/null 2>&1
    timed coverage_s "$side" "$fk" coverage "$round" --by grid
    timed missing_s "$side" "$fk" missing "$round" --region "$county"
    timed trace_s "$side" "$fk" trace --depth 2
    timed due_s "$side" "$fk" regime due --date "${end%%T*}" --profile "$prof"
}

# http SIDE BIN: requests per second of the dashboard.
http() {
    local side=$1 fk=$2 base="http://127.0.0.1:$port" token rps
    FANGKONG_DB="$root/$side.db" "$fk" serve --port "$port" --listen 127.0.0.1 \
        --max-per-address 1000 >"$root/$side.serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1200); do
        curl -s -o /dev/null --max-time 2 "$base/api/v1/me" && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$root/$side.serve.log" >&2; exit 1; }
        sleep 0.1
    done
    token=$(curl -s --max-time 60 -H 'Content-Type: application/json' \
        --data-binary "{\"name\":\"bench\",\"password\":\"$password\"}" "$base/api/v1/login" |
        sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
    [ -n "$token" ] || { say "bench/run-ab.sh: could not sign in ($side)"; exit 1; }
    curl -s -f --max-time 300 -H "Authorization: Bearer $token" \
        -o "$root/dashboard.$side.json" "$base/api/v1/dashboard?round=$round"
    rps=$(wrk -t 2 -c "$conns" -d "$duration" -H "Authorization: Bearer $token" \
        "$base/api/v1/dashboard?round=$round" | awk '/Requests\/sec/ { print $2 }')
    record dashboard_req_s "$side" "$rps"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=''
}

rm -f "$root"/*.old "$root"/*.new "$root"/*.err
say "old: $old"
say "new: $new"
for r in $(seq "$runs"); do
    say "round $r of $runs: import"
    import_city old "$old"
    import_city new "$new"
done
# The county with the most residents (the persons' grids start with its code).
FANGKONG_DB="$root/new.db" "$new" coverage "$round" --by county --format csv 2>/dev/null |
    awk -F, 'NR > 1 { print $3 "," $1 }' | sort -t, -k1,1nr | head -n 1 | cut -d, -f2 \
    >"$root/county"
for r in $(seq "$runs"); do
    say "round $r of $runs: questions and dashboard"
    queries old "$old"
    queries new "$new"
    http old "$old"
    http new "$new"
done
status=0
for q in coverage_s missing_s trace_s due_s; do
    if ! cmp -s "$root/$q.old.out" "$root/$q.new.out"; then
        say "bench/run-ab.sh: the answers of $q differ between old and new"
        status=1
    fi
done

printf '\n%s residents, seed %s, %s rows imported, %s rounds, %s on %s cores, %s\n' \
    "$people" "$seed" "$total_rows" "$runs" "$(date '+%Y-%m-%d %H:%M %Z')" "$(nproc)" \
    "load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| work | old | new | new/old |\n| --- | ---: | ---: | ---: |\n'
for q in import_rows_s samples_rows_s coverage_s missing_s trace_s due_s dashboard_req_s; do
    a=$(median "$root/$q.old")
    b=$(median "$root/$q.new")
    printf '| %s | %s | %s | %s |\n' "$q" "$a" "$b" "$(calc %.2f "$b / $a")"
done
exit $status
