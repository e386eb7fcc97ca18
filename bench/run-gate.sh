#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench-gate`: the gate-check benchmark of issue 18 (数字哨兵). It builds fangkong and
# bench_gate (Release), runs bench_gate --keep (a city of N residents with a screening's samples,
# results, cases and control orders, written into a fangkong data file under /tmp, and the
# in-process checks/s; a later run with the same N and seed reuses the city), then on a copy of
# that data file creates a gate account, starts `fangkong serve` on loopback and runs wrk
# (keep-alive, --latency, bench/http/gate.lua: a random registered ID number a request) against
# GET /api/v1/check/ID?gate=scenic, first idle, then while `fangkong import samples` loads day
# after day of samples (bench_gate's day.csv, renamed tubes) into the same file, from its first
# commit on. It prints a table (req/s, p50, p99, errors) and the goals, and stops everything it
# started on exit.
# Usage: bench/run-gate.sh [--build DIR] [--people N] [--seed S] [--duration 30s]
#                          [--connections 100] [--threads 2] [--skip-inprocess]
#   BENCH_KEEP=0 removes the city afterwards (kept by default: the 10 M load takes minutes).
#   FK_HTTP_TIMING=1 (or N: also log requests of N ms or more) turns on the server's request
#   timers; each wrk run's figures go to $HTTP_TIMING_DIR/gate-NAME.timing (default /tmp).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${GATE_BUILD:-$top/build-release}
people=${GATE_PEOPLE:-1000000}
seed=${GATE_SEED:-18}
duration=${GATE_DURATION:-30s}
conns=${GATE_CONNECTIONS:-100}
wrk_threads=${GATE_WRK_THREADS:-2}
port=${GATE_PORT:-18082}
root=${BENCH_TMP:-/tmp}
skip_inprocess=0
password=gate-password-2026

usage() {
    sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --skip-inprocess) skip_inprocess=1; shift; continue ;;
    --build) build=$2 ;;
    --people) people=$2 ;;
    --seed) seed=$2 ;;
    --duration) duration=$2 ;;
    --connections) conns=$2 ;;
    --threads) wrk_threads=$2 ;;
    *) usage ;;
    esac
    [ $# -ge 2 ] || usage
    shift 2
done
case "$people$seed$conns$wrk_threads" in
*[!0-9]*) echo "bench/run-gate.sh: --people, --seed, --connections and --threads are numbers" >&2
    exit 2 ;;
esac
build=$(readlink -m "$build")
FK="$build/fangkong"
city="$root/fk-gate-$people-$seed"
run="$root/fk-gate-run.$$"

say() { echo "== $*" >&2; }
die() { echo "bench/run-gate.sh: $*" >&2; exit 1; }

# ---- what it needs: wrk (Debian package wrk), installed as run-http.sh does when root ----
need=()
for c in wrk curl cmake sqlite3; do command -v "$c" >/dev/null || need+=("$c"); done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        say "installing ${need[*]}"
        apt-get install -y -q "${need[@]}" >/dev/null ||
            { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; } ||
            die "apt-get install ${need[*]} failed"
    else
        die "missing ${need[*]}: install with: sudo apt-get install ${need[*]}"
    fi
fi

# ---- build (Release; the same CMake build as make, in its own folder) ----
say "building fangkong and bench_gate (Release) in $build"
mkdir -p "$root"
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$root/fk-gate-cmake.log" 2>&1 ||
        { cat "$root/fk-gate-cmake.log" >&2; die "cmake failed"; }
fi
cmake --build "$build" -j "$(nproc)" --target fangkong_cli bench_gate >"$root/fk-gate-cmake.log" 2>&1 ||
    { cat "$root/fk-gate-cmake.log" >&2; die "the build failed"; }
rm -f "$root/fk-gate-cmake.log"

# ---- stop everything it started, whatever happens ----
server_pid='' importer_pid='' wrk_pid=''
cleanup() {
    local p
    touch "$run/stop" 2>/dev/null || true
    for p in $wrk_pid $importer_pid $server_pid; do
        kill "$p" 2>/dev/null || true
    done
    for p in $wrk_pid $importer_pid $server_pid; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$run"
    if [ "${BENCH_KEEP:-1}" = 0 ]; then
        rm -rf "$city"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

calc() { awk "BEGIN { printf \"$1\", ($2) }"; }
now() { date +%s.%N; }

# ---- the city and the in-process numbers ----
mkdir -p "$run"
if [ "$skip_inprocess" = 1 ] && [ -f "$city/now.txt" ]; then
    say "reusing $city, in-process run skipped"
else
    say "bench_gate --people $people --seed $seed (in-process checks)"
    "$build/bench_gate" --people "$people" --seed "$seed" --dir "$root" --keep | tee "$run/inprocess.txt" ||
        die "bench_gate failed"
fi
[ -f "$city/now.txt" ] && [ -f "$city/ids.txt" ] && [ -f "$city/day.csv" ] ||
    die "$city lacks what bench_gate writes"

# Every run works on a copy: the import adds to it, the kept city stays as written.
export FANGKONG_DB="$run/fangkong.db"
# The samples are in segment files beside the data file (issue 19): copied with it.
rm -f "$FANGKONG_DB".samples.*
for f in "$city/fangkong.db" "$city"/fangkong.db.samples.*; do
    [ -e "$f" ] && cp "$f" "$FANGKONG_DB${f#"$city/fangkong.db"}"
done
printf '%s\n' "$password" | "$FK" user add gate1 --role gate --scope 1407 >/dev/null 2>"$run/user.err" ||
    { cat "$run/user.err" >&2; die "user add failed"; }
# The days imported during wrk: day.csv with its tubes renamed (D2N…, D3N…), made before wrk.
for d in 2 3 4 5 6 7; do
    awk -F, -v DAYS=0 -v PREFIX="D$d" -f "$top/bench/http/next-day.awk" "$city/day.csv" \
        >"$run/day$d.csv"
done
day_rows=$(($(wc -l <"$city/day.csv") - 1))

# ---- fangkong serve on loopback, the gate's token ----
serve_threads=$(nproc)
say "fangkong serve on 127.0.0.1:$port ($serve_threads threads)"
t0=$(now)
"$FK" serve --port "$port" --listen 127.0.0.1 --threads "$serve_threads" --max-per-address 1000 >"$run/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
# It says where it listens once the engine and the indexes are built.
until grep -q "^fangkong serve: http://127.0.0.1:$port/" "$run/serve.log"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$run/serve.log" >&2; die "fangkong serve stopped"; }
    sleep 0.2
done
t_ready=$(calc "%.1f" "$(now) - $t0")
token=$(curl -s --max-time 30 -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"gate1\",\"password\":\"$password\"}" "$base/api/v1/login" |
    sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || die "could not sign in"
auth="Authorization: Bearer $token"
first_id=$(head -n 1 "$city/ids.txt")
curl -s -f --max-time 60 -H "$auth" -o "$run/first.json" "$base/api/v1/check/$first_id?gate=scenic" ||
    die "GET /api/v1/check/$first_id failed"

# bench NAME: wrk with the gate's token and gate.lua; its output in $run/NAME.wrk.
# cpu_ticks PID: the user and system CPU time of a process (all its threads) in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
bench() {
    local name=$1 mark c0
    mark=$(($(wc -l <"$run/serve.log") + 1))
    c0=$(cpu_ticks "$server_pid")
    say "wrk $name: $conns connections, $wrk_threads threads, $duration"
    GATE_IDS="$city/ids.txt" wrk -t "$wrk_threads" -c "$conns" -d "$duration" --timeout 10s \
        --latency -H "$auth" -s "$top/bench/http/gate.lua" "$base" >"$run/$name.wrk" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { cat "$run/$name.wrk" >&2; die "wrk failed"; }
    wrk_pid=''
    echo $(($(cpu_ticks "$server_pid") - c0)) >"$run/$name.cpu"
    timers "$name" "$mark"
}
# timers NAME LINE: with FK_HTTP_TIMING set, the server's request timers for the run just ended
# (SIGUSR1 prints and resets them) and its log from LINE on, into $HTTP_TIMING_DIR/gate-NAME.timing.
timers() {
    [ -n "${FK_HTTP_TIMING:-}" ] && [ -n "$server_pid" ] || return 0
    kill -USR1 "$server_pid"
    sleep 0.5
    mkdir -p "${HTTP_TIMING_DIR:-/tmp}"
    tail -n "+$2" "$run/serve.log" >"${HTTP_TIMING_DIR:-/tmp}/gate-$1.timing"
}

bench idle

# ---- the checks while an import runs ----
gen() { sqlite3 "file:$FANGKONG_DB?mode=ro" "SELECT value FROM meta WHERE key = 'generation'"; }
gen0=$(gen)
t0_import=$(now)
(
    for d in 2 3 4 5 6 7; do
        [ -f "$run/stop" ] && break
        t1=$(now)
        rc=0
        "$FK" import samples "$run/day$d.csv" 2>"$run/import-day$d.err" || rc=$?
        echo "D$d $rc $(calc "%.1f" "$(now) - $t1") $(now)" >>"$run/imports.txt"
    done
) &
importer_pid=$!
# wrk starts at the import's first commit: before it, fangkong import reads the registry and
# parses (about 30 s at 10 M residents on a loaded machine) and the data file does not change.
until [ "$(gen)" != "$gen0" ] || [ -f "$run/imports.txt" ]; do
    kill -0 "$importer_pid" 2>/dev/null || break
    sleep 0.2
done
t_first=$(calc "%.1f" "$(now) - $t0_import")
gen0=$(gen)
t_start=$(now)
up_start=$(cut -d' ' -f1 /proc/uptime)
bench import
t_end=$(now)
touch "$run/stop"
gen1=$(gen)
wait "$importer_pid" || true
importer_pid=''
[ -f "$run/imports.txt" ] || die "the importer imported nothing"
awk '$2 != 0 && $2 != 3 { bad = 1 } END { exit bad }' "$run/imports.txt" ||
    { cat "$run"/import-day*.err >&2; die "an import during the benchmark failed"; }
days_done=$(wc -l <"$run/imports.txt")
days_in_window=$(awk -v s="$t_start" '$4 > s' "$run/imports.txt" | wc -l)
import_secs=$(awk '{ printf "%s%s s", (NR > 1 ? ", " : ""), $3 }' "$run/imports.txt")

# The server stores its gate counts once a minute (a store write under its lock): when, in the
# import window, as seconds from its start; and the longest request then (FK_HTTP_TIMING).
flushes=$(sqlite3 "file:$FANGKONG_DB?mode=ro" "SELECT group_concat('+' || (time - ${t_start%.*}) || ' s', ', ')
    FROM audit WHERE action = 'gate.counts' AND time >= ${t_start%.*} AND time <= ${t_end%.*} + 1")
longest=''
if [ -f "${HTTP_TIMING_DIR:-/tmp}/gate-import.timing" ]; then
    longest=$(awk -v u="$up_start" '$3 == "slow" { for (i = 1; i < NF; i++) if ($i == "life") l = $(i + 1) + 0
        if (l > m) { m = l; at = $4 - u } }
        END { if (m) printf "%.0f ms at +%.0f s", m, at }' "${HTTP_TIMING_DIR:-/tmp}/gate-import.timing")
fi

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=''

# ---- the table ----
# ms VALUE: a wrk latency (850.00us, 1.23ms, 2.01s) in milliseconds.
ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}
# w NAME FIELD: rps, p50, p99 (ms), errors (non-2xx + socket errors), requests.
w() {
    local f="$run/$1.wrk"
    case $2 in
    rps) awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$f" ;;
    p50) ms "$(awk '$1 == "50%" { print $2 }' "$f")" ;;
    p99) ms "$(awk '$1 == "99%" { print $2 }' "$f")" ;;
    errors)
        awk '/Non-2xx or 3xx responses:/ { e += $NF }
             /Socket errors:/ { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
             END { print e + 0 }' "$f" ;;
    requests) awk '/requests in/ { print $1 }' "$f" ;;
    esac
}
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit+changes"
fi
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo
if [ -f "$run/inprocess.txt" ]; then
    echo "== in-process (bench_gate)"
    cat "$run/inprocess.txt"
fi
echo
echo "== HTTP gate checks: $people residents, seed $seed; wrk -t$wrk_threads -c$conns -d$duration --latency --timeout 10s"
echo "machine: $(nproc) cores (${cpu:-unknown CPU}; wrk, the server and the import share them), $(uname -sr)"
echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, fangkong serve --threads $serve_threads, ready ${t_ready} s after start, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "first answer: $(cat "$run/first.json")"
printf '%-40s %10s %10s %10s %10s %8s %12s\n' run "requests" "req/s" "p50 ms" "p99 ms" errors \
    "server CPU"
# The server's CPU time over the run (all its threads: during the import the builder's too) per
# answer, in microseconds.
row() {
    printf '%-40s %10s %10s %10s %10s %8s %9s us\n' "$1" "$(w "$2" requests)" "$(w "$2" rps)" \
        "$(w "$2" p50)" "$(w "$2" p99)" "$(w "$2" errors)" \
        "$(calc "%.1f" "$(cat "$run/$2.cpu") * 1e6 / $(getconf CLK_TCK) / $(w "$2" requests)")"
}
row "GET /api/v1/check/ID, idle" idle
row "GET /api/v1/check/ID, import running" import
echo "import during the window: $days_in_window file(s) of $day_rows samples ($days_done in all: $import_secs;" \
    "the first commit ${t_first} s after the start, when wrk started), store generation $gen0 -> $gen1 during wrk" \
    "($((gen1 - gen0)) commits)"
echo "rebuilt off the lock: engine $(grep -cE 'engine (rebuilt|mapped from its snapshot) at' "$run/serve.log" || true) times;" \
    "gate counts stored in the import window at: ${flushes:-none}${longest:+; the longest request lived $longest}"
met() { if [ "$(calc "%d" "$1")" = 1 ]; then echo yes; else echo NO; fi; }
errs=$(($(w idle errors) + $(w import errors)))
echo "goals: >= 20 000 checks/s during the import: $(met "$(w import rps) >= 20000");" \
    "p99 <= 10 ms during the import: $(met "$(w import p99) <= 10");" \
    "zero errors: $(met "$errs == 0")"
if [ "${GATE_SHOW_LOG:-0}" = 1 ]; then
    cat "$run/serve.log"
fi
