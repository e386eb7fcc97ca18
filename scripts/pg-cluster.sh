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
    echo "usage: pg-cluster.sh run CMD [ARG...] | start DIR | stop DIR" >&2
    exit 2
    ;;
esac
