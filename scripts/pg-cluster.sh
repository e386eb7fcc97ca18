#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A throwaway PostgreSQL cluster for the tests (issue 20): initdb into a new folder, the server
# listening on a socket in that folder only (no TCP port, so parallel tests never collide), and
# everything deleted when it stops. Debian's postgresql-15 (scripts/install-deps.sh).
#
#   pg-cluster.sh run CMD [ARG...]   starts a cluster, runs CMD with FK_TEST_PG set to its URI,
#                                    stops and deletes the cluster, exits with CMD's status
#   pg-cluster.sh start DIR          starts a cluster in the new folder DIR; prints its URI
#   pg-cluster.sh stop DIR           stops the cluster of DIR and deletes DIR
#   pg-cluster.sh standby FROM DIR   a streaming standby of the cluster in FROM (pg_basebackup -R)
#                                    started in the new folder DIR; with SYNC=1 the primary then
#                                    waits for it at every commit (synchronous_standby_names);
#                                    prints its URI once it streams
#   pg-cluster.sh kill DIR           SIGKILLs the server of DIR, as a machine that is lost
#   pg-cluster.sh promote DIR        promotes the standby of DIR to a primary (waits for it)
#   pg-cluster.sh sql DIR SQL        prints SQL's answer (unaligned) from the cluster of DIR
#
# initdb and the server refuse to run as root: as root (CI), they run as the postgres account
# the Debian package made, in a folder handed to it. The cluster trades durability for speed
# (fsync off): the tests kill fangkong, never the server. PG_DURABLE=1 keeps PostgreSQL's own
# settings (fsync on), as a benchmark must.
set -euo pipefail

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        if [ -x "$d/initdb" ]; then
            echo "$d"
            # 0 said, not implied: in the EXIT trap a bare return gives the status the script
            # exits with, and a failed test's cluster was left running.
            return 0
        fi
    done
    echo "pg-cluster: no PostgreSQL server found (apt-get install postgresql-15)" >&2
    exit 1
}

# as_owner CMD...: runs CMD as the cluster's owner (postgres when we are root), from /, since the
# caller's folder may be closed to that account.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

start() {
    local dir=$1 bin
    bin=$(pg_bin)
    mkdir "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U fk --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    local fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${PG_DURABLE:-0}" = 0 ] || fast=""
    # -w waits until the server accepts connections: no sleep.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir $fast" start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&user=fk"
}

# sql DIR SQL: one statement's answer, unaligned, from the cluster of DIR.
sql() {
    as_owner "$(pg_bin)/psql" -X -qAt -h "$1" -U fk -d postgres -c "$2"
}

standby() {
    local from=$1 dir=$2 bin i
    bin=$(pg_bin)
    mkdir "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    as_owner "$bin/pg_basebackup" -h "$from" -U fk -D "$dir/data" -R -X stream -c fast \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $dir -c cluster_name=fk_standby" start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    if [ "${SYNC:-0}" = 1 ]; then
        sql "$from" "ALTER SYSTEM SET synchronous_standby_names = 'fk_standby'" >/dev/null
        sql "$from" "SELECT pg_reload_conf()" >/dev/null
    fi
    # Streaming (and, with SYNC=1, synchronous) before the URI is given: a state, not a sleep.
    for i in $(seq 1 600); do
        case "$(sql "$from" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'fk_standby' AND state = 'streaming'")" in
        sync) break ;;
        async | potential) [ "${SYNC:-0}" = 1 ] || break ;;
        esac
        [ "$i" -lt 600 ] || { echo "pg-cluster: the standby in $dir never streamed" >&2; exit 1; }
        sleep 0.05
    done
    echo "postgresql:///postgres?host=$dir&user=fk"
}

kill_server() {
    local pid
    pid=$(head -1 "$1/data/postmaster.pid")
    kill -KILL "$pid"
    # Gone when the process is (or is a zombie nobody reaps yet): its backends notice and end
    # on their own.
    while kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
        sleep 0.05
    done
}

promote() {
    as_owner "$(pg_bin)/pg_ctl" -D "$1/data" -w -t 60 promote >/dev/null
}

stop() {
    local dir=$1 bin
    bin=$(pg_bin)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
start)
    start "$2"
    ;;
stop)
    stop "$2"
    ;;
standby)
    standby "$2" "$3"
    ;;
kill)
    kill_server "$2"
    ;;
promote)
    promote "$2"
    ;;
sql)
    sql "$2" "$3"
    ;;
run)
    shift
    dir=$(mktemp -u "${TMPDIR:-/tmp}/fk-pg.XXXXXX")
    trap 'stop "$dir"' EXIT
    FK_TEST_PG=$(start "$dir")
    export FK_TEST_PG
    status=0
    "$@" || status=$?
    exit "$status"
    ;;
*)
    echo "usage: pg-cluster.sh run CMD [ARG...] | start DIR | stop DIR | standby FROM DIR | kill DIR | promote DIR | sql DIR SQL" >&2
    exit 2
    ;;
esac
