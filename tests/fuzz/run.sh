#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh BINARY NAME: runs the libFuzzer target BINARY for FK_FUZZ_SECONDS (default 20; `make fuzz`
# gives 60) from its seeds (made below from tests/data) and the corpus earlier runs grew beside
# the binary. A crash, a leak, a sanitizer report, a 10 s hang or a broken property (the target
# traps) fails the run; the input that did it is kept as BINARY-DIR/artifacts/NAME-crash-…, and
# `BINARY that-file` replays it.
set -euo pipefail
bin=$1
name=$2
secs=${FK_FUZZ_SECONDS:-20}
: "${FK_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
out=$(cd "$(dirname "$bin")" && pwd)
corpus=$out/corpus/$name
seeds=$(mktemp -d "${TMPDIR:-/tmp}/fk-fuzz-$name.XXXXXX")
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$corpus" "$out/artifacts"

n=0
seed() { # seed BYTES...: one seed file with printf-formatted BYTES
    n=$((n + 1))
    printf -- "$@" >"$seeds/$n"
}
data=$FK_SRC/tests/data
case $name in
csv)
    # The first two bytes pick the encoding and limits (fuzz_csv.c): plain, auto, and tight.
    for f in "$data"/*/*.csv; do
        for mode in '\000\000' '\003\000' '\004\007'; do
            seed "$mode"
            head -c 8192 "$f" >>"$seeds/$n"
        done
    done
    seed '\000\000a,"b ""c""",d\r\n1,2,3\r4,5,6\n'
    ;;
idcard)
    # A type byte (0 resident ... 4 other) and an ID; residents from the fixtures.
    for id in $(cut -d, -f1 "$data/city-3/persons.csv" | sed -n '2,40p'); do
        seed '\000%s' "$id"
    done
    seed '\000110101200110307120'
    seed '\000 11010120011030712x '
    seed '\001E12345678'
    seed '\002H12345678'
    seed '\00312345678'
    seed '\004ABC-123'
    ;;
time)
    for t in $(cut -d, -f3 "$data/city-3/samples.csv" | sed -n '2,20p'); do
        seed '%s' "$t"
    done
    for t in 2022-08-28 '2022-08-28 06:00' 2022-08-28T06:00:00.123Z 2022-08-28T06:00:00+0800 \
        2022-08-28T06:00+08 0001-01-01T08:00:00Z 9999-12-31T23:59:59+08:00 2020-02-29T23:59:60; do
        seed '%s' "$t"
    done
    seed '#\000\000\000\000\000\000\000\000'
    seed '#\377\377\377\377\377\377\377\377'
    ;;
json)
    # Bodies the API takes (docs/api.md), and numbers at their bounds.
    seed '{"name":"admin","password":"pass-admin-123"}'
    seed '{"name":"R1","region":"140702","start":"2022-08-28T06:00:00+08:00","end":"2022-08-29T06:00:00+08:00"}'
    seed '{"depth":2,"place":"home","at":"2022-09-01T10:00:00+08:00","cases":["110101200110307120"]}'
    seed '{"id_number":"110101200110307120","days":366}'
    seed '{"action":"ack","note":"已更换门磁"}'
    seed '{"days":4294967301,"depth":-1,"limit":1e3,"id":-9223372036854775808}'
    seed '[{"device":"D1","id_number":"x","time":"2022-09-01T10:00:00+08:00","event":"open"}]'
    seed '10000'
    seed '-0'
    seed '+0012'
    ;;
*)
    echo "run.sh: no seeds for $name" >&2
    exit 2
    ;;
esac

echo "fuzz $name: ${secs} s from $(ls "$corpus" | wc -l) corpus inputs and $n seeds"
dict=()
[ ! -f "$FK_SRC/tests/fuzz/$name.dict" ] || dict=(-dict="$FK_SRC/tests/fuzz/$name.dict")
# One worker; -rss_limit_mb and -timeout turn a blow-up or a hang into a failure with an input;
# value profiles steer it by the values compared, not only the branches taken (a year past 9999).
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -use_value_profile=1 "${dict[@]}" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$name-" "$corpus" "$seeds" 2>"$out/$name.log" || {
    status=$?
    tail -n 60 "$out/$name.log" >&2
    echo "fuzz $name FAILED (exit $status): the input is in $out/artifacts/" >&2
    exit 1
}
grep -E '^(Done|stat::number_of_executed_units)' "$out/$name.log" || true
