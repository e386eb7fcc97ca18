#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`: the screening benchmark. For each size it generates a synthetic city with a fixed
# seed under /tmp, imports it with the fangkong CLI and, as the baseline, with the sqlite3 shell's
# bare .import, then runs bench_screening (engine vs SQL, answers compared) and prints a summary
# with ratios, the goals and the machine. Data is deleted afterwards unless BENCH_KEEP=1.
# Usage: bench/run.sh BUILD [small|full|all]   (or BENCH_SIZE=small make bench)
#   small: 100 000 residents (a quick run); full: 10 000 000 residents (minutes, ~6 GB in /tmp).
set -euo pipefail

build=$(readlink -f "${1:?usage: bench/run.sh BUILD [small|full|all]}")
size=${2:-${BENCH_SIZE:-all}}
seed=${BENCH_SEED:-1}
root=${BENCH_TMP:-/tmp}
FK="$build/fangkong"
BENCH="$build/bench_screening"
top=$(cd "$(dirname "$0")/.." && pwd)

case "$size" in
small | full | all) ;;
*)
    echo "bench/run.sh: size is small, full or all, not '$size'" >&2
    exit 2
    ;;
esac
for f in "$FK" "$BENCH"; do
    if [ ! -x "$f" ]; then
        echo "bench/run.sh: $f is missing: run make build first" >&2
        exit 1
    fi
done
command -v sqlite3 >/dev/null || { echo "bench/run.sh: the sqlite3 shell is missing" >&2; exit 1; }
timer=()
if [ -x /usr/bin/time ]; then
    timer=(/usr/bin/time -f %M -o)
fi

now() { date +%s.%N; }
# calc EXPR: floating-point arithmetic (awk), printed with the given format.
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }

# timed NAME CMD...: runs CMD with its stderr in $dir/NAME.err, leaving its wall time in seconds
# in $dir/NAME.s and its peak RSS in KiB (ru_maxrss, via /usr/bin/time) in $dir/NAME.rss.
timed() {
    local name=$1 t0 t1 rc=0
    shift
    t0=$(now)
    if [ ${#timer[@]} -gt 0 ]; then
        "${timer[@]}" "$dir/$name.rss" "$@" 2>"$dir/$name.err" || rc=$?
    else
        "$@" 2>"$dir/$name.err" || rc=$?
        echo 0 >"$dir/$name.rss"
    fi
    t1=$(now)
    calc "%.3f" "$t1 - $t0" >"$dir/$name.s"
    # fangkong import exits 3 when it rejected rows; the benchmark data has none, so any
    # non-zero status is a failure here.
    if [ "$rc" -ne 0 ]; then
        echo "bench/run.sh: $name failed (exit $rc):" >&2
        cat "$dir/$name.err" >&2
        exit 1
    fi
    tail -n 1 "$dir/$name.err" | tr '\r' '\n' | tail -n 1
}

# The commit the binaries were built from, as near as the script can tell: HEAD when it starts,
# "+changes" when the working tree differs from it.
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null | head -n 1)" ]; then
    commit="$commit+changes"
fi

machine() {
    local cpu mem
    cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
    mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem RAM, $(uname -sr)"
    echo "date $(date '+%Y-%m-%d %H:%M %Z'), commit $commit, SQLite shell $(sqlite3 --version | cut -d' ' -f1)"
}

# run_size LABEL PEOPLE DIR: the whole benchmark at one size; leaves its summary in DIR.summary.
run_size() {
    local label=$1 people=$2 dir=$3 need_gb free_gb name region start end rows csv_mb
    need_gb=$(calc "%d" "$people * 700 / 1e9 + 1")
    mkdir -p "$root"
    free_gb=$(df -Pk "$root" | awk 'NR == 2 { printf "%d", $4 / 1048576 }')
    if [ "$free_gb" -lt "$need_gb" ]; then
        echo "bench/run.sh: $label needs about $need_gb GB in $root, which has $free_gb GB free" >&2
        exit 1
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "== $label: $people residents, seed $seed, in $dir"

    echo "-- generating the city"
    timed demo "$FK" demo --people "$people" --seed "$seed" --out "$dir/csv" --finished --scans 0 --pings 0 \
        >/dev/null
    rows=$(($(wc -l <"$dir/csv/samples.csv") - 1))
    csv_mb=$(calc "%.1f" "$(stat -c %s "$dir/csv/samples.csv") / 1048576")

    echo "-- fangkong import (validating, durable: WAL, synchronous=FULL, one transaction a batch)"
    export FANGKONG_DB="$dir/fangkong.db"
    for t in regions persons samples results; do
        timed "fk_$t" "$FK" import "$t" "$dir/csv/$t.csv"
    done

    echo "-- SQLite baseline: sqlite3 .import of the same files into fresh tables"
    sqlite3 "$dir/baseline.db" "CREATE TABLE samples(tube TEXT, id_number TEXT, time TEXT, site TEXT)"
    timed sq_samples sqlite3 "$dir/baseline.db" ".import --csv --skip 1 $dir/csv/samples.csv samples"
    echo "samples: $(cat "$dir/sq_samples.s") s"
    timed sq_other sqlite3 "$dir/baseline.db" ".import --csv $dir/csv/regions.csv regions" \
        ".import --csv $dir/csv/persons.csv persons"
    echo "regions and persons: $(cat "$dir/sq_other.s") s"

    IFS=, read -r name region start end <"$dir/csv/round.txt"
    "$FK" round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null 2>&1

    echo "-- bench_screening: engine vs SQL on the round $name"
    local rc=0
    # shellcheck disable=SC2086 # BENCH_ARGS is a list of options, split on purpose
    "$BENCH" "$dir/fangkong.db" "$name" "$dir/baseline.db" --summary "$dir/bench.sum" \
        ${BENCH_ARGS:-} || rc=$?
    if [ ! -f "$dir/bench.sum" ]; then
        echo "bench/run.sh: bench_screening failed (exit $rc)" >&2
        exit 1
    fi
    if [ "$rc" -ne 0 ]; then
        status=1 # answers differ: the summary says so, and make bench fails at the end
    fi

    summary "$label" "$people" "$dir" "$rows" "$csv_mb" >"$dir.summary"
    echo
    cat "$dir.summary"
    if [ "${BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$dir"
    fi
}

# v FILE KEY: a value from bench_screening's summary.
v() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

summary() {
    local label=$1 people=$2 dir=$3 rows=$4 csv_mb=$5 s="$3/bench.sum"
    local fk_s sq_s fk_rps sq_rps fk_own imp_ratio cw cc sc ms sm
    fk_s=$(cat "$dir/fk_samples.s")
    sq_s=$(cat "$dir/sq_samples.s")
    fk_rps=$(calc "%.0f" "$rows / $fk_s")
    sq_rps=$(calc "%.0f" "$rows / $sq_s")
    fk_own=$(grep -o '([0-9]* rows/s)' "$dir/fk_samples.err" | tr -d '()' | cut -d' ' -f1)
    imp_ratio=$(calc "%.2f" "$fk_rps / $sq_rps")
    cw=$(v "$s" cov_warm_ms)
    cc=$(v "$s" cov_cold_ms)
    sc=$(v "$s" sql_cov_ms)
    ms=$(v "$s" miss_ms)
    sm=$(v "$s" sql_miss_ms)
    met() { if [ "$(calc "%d" "$1")" = 1 ]; then echo yes; else echo NO; fi; }

    echo "== summary, $label: $people residents, $(v "$s" grids) grids, $rows samples ($csv_mb MiB of samples CSV), seed $seed"
    machine
    printf '%-40s %14s %14s %10s  %-24s %s\n' work fangkong SQLite ratio goal met
    printf '%-40s %14s %14s %10s  %-24s %s\n' "import samples CSV, rows/s (wall)" "$fk_rps" "$sq_rps" \
        "${imp_ratio}x" "fk >= 3x bare .import" "$(met "$fk_rps >= 3 * $sq_rps")"
    printf '%-40s %14s %14s %10s  %-24s %s\n' "coverage by grid, warm, ms (median)" "$cw" "$sc" \
        "$(calc "%.0fx" "$sc / $cw")" "<= 20 ms and >= 10x" "$(met "$cw <= 20 && $sc >= 10 * $cw")"
    printf '%-40s %14s %14s %10s  %-24s %s\n' "coverage by grid, bitset rebuilt, ms" "$cc" "$sc" \
        "$(calc "%.0fx" "$sc / $cc")" "(same goal)" "$(met "$cc <= 20 && $sc >= 10 * $cc")"
    printf '%-40s %14s %14s %10s  %-24s %s\n' "missing list, one grid, ms (median)" "$ms" "$sm" \
        "$(calc "%.2fx" "$sm / $ms")" "<= 1 ms" "$(met "$ms <= 1")"
    printf '%-40s %14s %14s\n' "engine build from the store, s" "$(v "$s" build_s)" "-"
    printf '%-40s %14s %14s\n' "SQLite indexes + ANALYZE, s" "-" "$(v "$s" sql_index_s)"
    printf '%-40s %14s %14s\n' "import regions+persons, s (wall)" \
        "$(calc "%.1f" "$(cat "$dir/fk_regions.s") + $(cat "$dir/fk_persons.s")")" \
        "$(cat "$dir/sq_other.s")"
    printf '%-40s %14s %14s\n' "peak RSS, import samples, MiB" \
        "$(calc "%.1f" "$(cat "$dir/fk_samples.rss") / 1024")" \
        "$(calc "%.1f" "$(cat "$dir/sq_samples.rss") / 1024")"
    printf '%-40s %14s %14s\n' "peak RSS, engine built + queried, MiB" "$(v "$s" rss_fk_mib)" "-"
    printf '%-40s %14s %14s\n' "peak RSS, bench process at the end, MiB" "-" "$(v "$s" rss_all_mib)"
    echo "ratio: fangkong's speed over SQLite's (import: rows/s over rows/s; queries: SQLite's time over fangkong's); goals are for 10 M residents"
    echo "fangkong's own import figure: ${fk_own:-?} rows/s (reading and batches, without process start)"
    echo "engine indexes: $(v "$s" engine_mib) MiB; missing list: grid $(v "$s" miss_grid), $(v "$s" miss_rows) residents (the grid with the most missing)"
    if [ "$(v "$s" identical)" = yes ]; then
        echo "answers: identical in fangkong and SQLite (residents and sampled of every grid; the missing list row by row)"
    else
        echo "answers: DIFFER between fangkong and SQLite (see bench_screening's messages above)"
    fi
}

status=0
summaries=()
if [ "$size" = small ] || [ "$size" = all ]; then
    run_size small 100000 "$root/fk-bench-100k"
    summaries+=("$root/fk-bench-100k.summary")
fi
if [ "$size" = full ] || [ "$size" = all ]; then
    run_size full 10000000 "$root/fk-bench-10m"
    summaries+=("$root/fk-bench-10m.summary")
fi
if [ ${#summaries[@]} -gt 1 ]; then
    echo
    echo "==== all sizes"
    for f in "${summaries[@]}"; do
        cat "$f"
        echo
    done
fi
rm -f "${summaries[@]}"
exit $status
