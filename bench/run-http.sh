#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench-http`: the HTTP benchmark. It builds fangkong (Release), generates a demo city with a
# fixed seed under /tmp and imports it, creates an account, starts `fangkong serve` on loopback and
# runs wrk (keep-alive connections, --latency) against (1) the cached dashboard, (2) the computed
# per-grid coverage of the whole city, first idle, then (3) while `fangkong import` loads further
# days of samples into the same data file; then Debian's nginx serves the exact bytes of the
# dashboard answer as a static file (bench/http/nginx.conf.in) and wrk runs against it the same way.
# It prints a table (req/s, p50, p99, errors, ratio to nginx) and the goals, and stops everything
# it started on exit.
# Usage: bench/run-http.sh [--build DIR] [--people N] [--seed S] [--duration 30s]
#                          [--connections 200] [--threads N] [--days N]
#   BENCH_KEEP=1 keeps the imported city in /tmp (and a later run with the same --people and --seed
#   starts from it instead of importing again).
#   FK_HTTP_TIMING=1 (or N: also log requests of N ms or more) turns on the server's request
#   timers; each wrk run's figures go to $HTTP_TIMING_DIR/NAME.timing (default /tmp).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${HTTP_BUILD:-$top/build-release}
people=${HTTP_PEOPLE:-1000000}
seed=${HTTP_SEED:-1}
duration=${HTTP_DURATION:-30s}
conns=${HTTP_CONNECTIONS:-200}
wrk_threads=${HTTP_WRK_THREADS:-$(nproc)}
days=${HTTP_DAYS:-8}
port=${HTTP_PORT:-18080}
nginx_port=${HTTP_NGINX_PORT:-18081}
root=${BENCH_TMP:-/tmp}
password=bench-password-2026

usage() {
    sed -n '/^# Usage:/,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2 ;;
    --people) people=$2 ;;
    --seed) seed=$2 ;;
    --duration) duration=$2 ;;
    --connections) conns=$2 ;;
    --threads) wrk_threads=$2 ;;
    --days) days=$2 ;;
    *) usage ;;
    esac
    [ $# -ge 2 ] || usage
    shift 2
done
case "$people$seed$conns$wrk_threads$days" in
*[!0-9]*) echo "bench/run-http.sh: --people, --seed, --connections, --threads and --days are numbers" >&2
    exit 2 ;;
esac
[ "$days" -ge 1 ] || { echo "bench/run-http.sh: --days is at least 1" >&2; exit 2; }
build=$(readlink -m "$build")
FK="$build/fangkong"
data="$root/fk-http-$people-$seed"
run="$root/fk-http-run.$$"

say() { echo "== $*" >&2; }
die() { echo "bench/run-http.sh: $*" >&2; exit 1; }

# ---- what it needs: wrk and nginx (Debian packages wrk, nginx-light) ----
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
for c in curl cmake sqlite3; do command -v "$c" >/dev/null || need+=("$c"); done
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
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---- build (Release; the same CMake build as make, in its own folder) ----
say "building fangkong (Release) in $build"
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >"$root/fk-http-cmake.log" 2>&1 ||
        { cat "$root/fk-http-cmake.log" >&2; die "cmake failed"; }
fi
cmake --build "$build" -j "$(nproc)" --target fangkong_cli >"$root/fk-http-cmake.log" 2>&1 ||
    { cat "$root/fk-http-cmake.log" >&2; die "the build failed"; }
rm -f "$root/fk-http-cmake.log"

# ---- stop everything it started, whatever happens ----
server_pid='' nginx_pid='' importer_pid='' wrk_pid=''
cleanup() {
    local p
    for p in $wrk_pid $importer_pid $server_pid $nginx_pid; do
        kill "$p" 2>/dev/null || true
    done
    for p in $wrk_pid $importer_pid $server_pid $nginx_pid; do
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$run"
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$data"
    fi
}
# copy_store FROM TO: a data file and its samples' segment files (FROM.samples.N, issue 19), over
# whatever TO had.
copy_store() {
    rm -f "$2".samples.*
    for f in "$1" "$1".samples.*; do
        if [ -e "$f" ]; then cp "$f" "$2${f#"$1"}"; fi
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

calc() { awk "BEGIN { printf \"$1\", ($2) }"; }
now() { date +%s.%N; }

# ---- the city: generated with a fixed seed, imported as scripts/demo.sh does ----
export FANGKONG_DB="$data/fangkong.db"
if [ -f "$data/base.done" ] && [ "$(cat "$data/base.done")" = "$people $seed $days" ]; then
    say "reusing the city imported by an earlier run in $data"
else
    free_gb=$(df -Pk "$root" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
    need_gb=$(calc "%d" "$people * 2500 / 1e9 + 1")
    [ "$free_gb" -ge "$need_gb" ] || die "needs about $need_gb GB in $root, which has $free_gb GB"
    rm -rf "$data"
    mkdir -p "$data"
    say "generating a city of $people residents (seed $seed) in $data"
    "$FK" demo --people "$people" --seed "$seed" --finished --out "$data/csv" >/dev/null 2>"$data/demo.err" ||
        { cat "$data/demo.err" >&2; die "fangkong demo failed"; }
    t0=$(now)
    for t in regions persons venues scans pings cases samples results; do
        rc=0
        "$FK" import "$t" "$data/csv/$t.csv" 2>"$data/import-$t.err" || rc=$?
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
            cat "$data/import-$t.err" >&2
            die "import $t failed"
        fi
    done
    say "imported in $(calc "%.0f" "$(now) - $t0") s"
    # The further days: the same residents sampled again on each following day, as rounds R2...
    IFS=, read -r _ region start end <"$data/csv/round.txt"
    "$FK" round create R1 --region "$region" --start "$start" --end "$end" >/dev/null 2>&1 ||
        die "round create R1 failed"
    for d in $(seq 2 $((days + 1))); do
        awk -F, -v DAYS=$((d - 1)) -v PREFIX="D$d" -f "$top/bench/http/next-day.awk" \
            "$data/csv/samples.csv" >"$data/csv/samples-day$d.csv"
        # The round's window moves with the samples: the same shift applied to start and end.
        rs=$(printf 'tube,time\nx,%s\nx,%s\n' "$start" "$end" |
            awk -F, -v DAYS=$((d - 1)) -v PREFIX= -f "$top/bench/http/next-day.awk" | sed 1d |
            cut -d, -f2 | paste -sd,)
        "$FK" round create "R$d" --region "$region" --start "${rs%,*}" --end "${rs#*,}" \
            >/dev/null 2>&1 || die "round create R$d failed"
    done
    printf '%s\n' "$password" | "$FK" user add bench --role admin --scope "$region" \
        >/dev/null 2>&1 || die "user add failed"
    rm -f "$FANGKONG_DB.engine"
    copy_store "$FANGKONG_DB" "$data/base.db"
    echo "$people $seed $days" >"$data/base.done"
fi
# Every run starts from the same data: the city without the further days.
copy_store "$data/base.db" "$FANGKONG_DB"
rm -f "$FANGKONG_DB-wal" "$FANGKONG_DB-shm" "$FANGKONG_DB.engine"
IFS=, read -r _ region _ _ <"$data/csv/round.txt"
grids=$(($(grep -c 'G[0-9]*,' "$data/csv/regions.csv" || true)))

# ---- fangkong serve on loopback, an account's token ----
mkdir -p "$run"
serve_threads=$(nproc)
say "fangkong serve on 127.0.0.1:$port ($serve_threads threads)"
"$FK" serve --port "$port" --listen 127.0.0.1 --threads "$serve_threads" --max-per-address 1000 >"$run/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 600); do
    curl -s -o /dev/null --max-time 2 "$base/api/v1/me" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$run/serve.log" >&2; die "fangkong serve stopped"; }
    sleep 0.1
done
token=$(curl -s --max-time 30 -H 'Content-Type: application/json' \
    --data-binary "{\"name\":\"bench\",\"password\":\"$password\"}" "$base/api/v1/login" |
    sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || die "could not sign in"
auth="Authorization: Bearer $token"
dash_path="/api/v1/dashboard?round=R1"
cov_path="/api/v1/coverage?round=R1&by=grid"

# The first answers build the round's bitset, the tracer and the dashboard cache: not timed here.
curl -s -f --max-time 120 -H "$auth" -o "$run/dashboard.json" "$base$dash_path" ||
    die "GET $dash_path failed"
curl -s -f --max-time 120 -H "$auth" -o "$run/coverage.json" "$base$cov_path" ||
    die "GET $cov_path failed"

# bench NAME URL: wrk with the account's token; its output in $run/NAME.wrk.
bench() {
    local name=$1 url=$2 mark
    mark=$(($(wc -l <"$run/serve.log") + 1))
    say "wrk $name: $url, $conns connections, $wrk_threads threads, $duration"
    wrk -t "$wrk_threads" -c "$conns" -d "$duration" --timeout 10s --latency -H "$auth" "$url" \
        >"$run/$name.wrk" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || { cat "$run/$name.wrk" >&2; die "wrk failed"; }
    wrk_pid=''
    timers "$name" "$mark"
}
# timers NAME LINE: with FK_HTTP_TIMING set, the server's request timers for the run just ended
# (SIGUSR1 prints and resets them) and its log from LINE on, into $HTTP_TIMING_DIR/NAME.timing.
timers() {
    [ -n "${FK_HTTP_TIMING:-}" ] && [ -n "$server_pid" ] || return 0
    kill -USR1 "$server_pid"
    sleep 0.5
    mkdir -p "${HTTP_TIMING_DIR:-/tmp}"
    tail -n "+$2" "$run/serve.log" >"${HTTP_TIMING_DIR:-/tmp}/$1.timing"
}

bench dashboard "$base$dash_path"
bench coverage "$base$cov_path"

# ---- the computed coverage while an import runs ----
# The importer loads day after day of samples, each file in 50 000-row batches of one transaction
# (each bumping the store's generation), until the timed window is over.
gen() { sqlite3 "file:$FANGKONG_DB?mode=ro" "SELECT value FROM meta WHERE key = 'generation'"; }
gen0=$(gen)
(
    for d in $(seq 2 $((days + 1))); do
        [ -f "$run/stop" ] && break
        t0=$(now)
        rc=0
        "$FK" import samples "$data/csv/samples-day$d.csv" 2>"$run/import-day$d.err" || rc=$?
        echo "R$d $rc $(calc "%.1f" "$(now) - $t0") $(now)" >>"$run/imports.txt"
    done
) &
importer_pid=$!
sleep 1
t_start=$(now)
bench coverage-import "$base$cov_path"
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
last_round=$(tail -n 1 "$run/imports.txt" | cut -d' ' -f1)

# Freshness: once the import is over, the server's answer for the last round imported must equal
# the command line's (which reads the store itself); how long that took after the import ended.
want=$("$FK" coverage "$last_round" --by city 2>/dev/null | sed -n 2p | cut -d, -f4)
t_imp_end=$(tail -n 1 "$run/imports.txt" | cut -d' ' -f4)
fresh=''
t_check=$(now)
t_from=$(calc "%.3f" "$t_check > $t_imp_end ? $t_check : $t_imp_end")
for _ in $(seq 600); do
    got=$(curl -s --max-time 30 -H "$auth" "$base/api/v1/coverage?round=$last_round&by=city" |
        sed -n 's/.*"sampled":\([0-9]*\).*/\1/p')
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        fresh=$(calc "%.1f" "$(now) - $t_from")
        break
    fi
    sleep 0.1
done
[ -n "$fresh" ] || die "the server's coverage of $last_round never matched the CLI's ($got vs $want)"

kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=''

# ---- the baseline: the same bytes from Debian's nginx ----
ngx="$run/nginx"
mkdir -p "$ngx/html" "$ngx/tmp"
cp "$run/dashboard.json" "$ngx/html/dashboard.json"
chmod 755 "$run" "$ngx" "$ngx/html"
chmod 644 "$ngx/html/dashboard.json"
sed -e "s|@PREFIX@|$ngx|g" -e "s|@PORT@|$nginx_port|g" -e "s|@WORKERS@|$serve_threads|g" \
    "$top/bench/http/nginx.conf.in" >"$ngx/nginx.conf"
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$nginx_port ($serve_threads workers)"
"$NGINX" -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log" 2>"$ngx/start.err" &
nginx_pid=$!
for _ in $(seq 100); do
    curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$nginx_port/api/v1/dashboard" && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$ngx/start.err" "$ngx/error.log" >&2; die "nginx stopped"; }
    sleep 0.1
done
curl -s -f -o "$run/nginx.json" "http://127.0.0.1:$nginx_port$dash_path" || die "nginx answered no file"
cmp -s "$run/nginx.json" "$run/dashboard.json" || die "nginx's bytes differ from fangkong's"
bench nginx "http://127.0.0.1:$nginx_port$dash_path"
kill "$nginx_pid" 2>/dev/null || true
wait "$nginx_pid" 2>/dev/null || true
nginx_pid=''

# ---- the table ----
# ms VALUE: a wrk latency (850.00us, 1.23ms, 2.01s) in milliseconds.
ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}
# w NAME FIELD: rps, p50, p99 (ms), errors (non-2xx + socket errors), requests, kib (per answer).
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
nginx_rps=$(w nginx rps)
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
echo
echo "== HTTP benchmark: $people residents ($grids grids), seed $seed; wrk -t$wrk_threads -c$conns -d$duration --latency --timeout 10s"
echo "machine: $(nproc) cores (${cpu:-unknown CPU}; wrk, the server and the import share them), $(uname -sr)"
echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, fangkong serve --threads $serve_threads, nginx workers $serve_threads"
echo "answers: dashboard $(stat -c %s "$run/dashboard.json") bytes, coverage by grid $(stat -c %s "$run/coverage.json") bytes"
printf '%-44s %10s %10s %10s %8s %10s\n' endpoint "req/s" "p50 ms" "p99 ms" errors "vs nginx"
row() {
    printf '%-44s %10s %10s %10s %8s %10s\n' "$1" "$(w "$2" rps)" "$(w "$2" p50)" "$(w "$2" p99)" \
        "$(w "$2" errors)" "$(calc "%.3f" "$(w "$2" rps) / $nginx_rps")"
}
row "fangkong dashboard (cached JSON)" dashboard
row "fangkong coverage by grid (computed)" coverage
row "fangkong coverage by grid, import running" coverage-import
row "nginx, the dashboard's bytes as a file" nginx
echo "import during the window: $days_in_window day(s) of $(($(wc -l <"$data/csv/samples.csv") - 1)) samples" \
    "($days_done in all), store generation $gen0 -> $gen1 during wrk ($((gen1 - gen0)) commits)"
echo "rebuilt off the lock: engine $(grep -cE 'engine (rebuilt|mapped from its snapshot) at' "$run/serve.log" || true) times," \
    "tracer $(grep -cE 'tracer (rebuilt|mapped from its snapshot) at' "$run/serve.log" || true) times;" \
    "the server's answer matched the CLI's ${fresh} s after the import ended (or wrk did, if later)"
met() { if [ "$(calc "%d" "$1")" = 1 ]; then echo yes; else echo NO; fi; }
errs=$(($(w dashboard errors) + $(w coverage errors) + $(w coverage-import errors)))
echo "goals: dashboard >= 20 000 req/s: $(met "$(w dashboard rps) >= 20000");" \
    "coverage p99 during import <= 50 ms: $(met "$(w coverage-import p99) <= 50");" \
    "zero errors: $(met "$errs == 0")"
if [ "${HTTP_SHOW_LOG:-0}" = 1 ]; then
    cat "$run/serve.log"
fi
