# SPDX-License-Identifier: MIT
# Shared helpers of the end-to-end tests: a scratch folder removed on exit, the binary under test
# ($FANGKONG, set by ctest), and assertions that print what differed.
set -euo pipefail

: "${FANGKONG:?set FANGKONG to the fangkong binary (ctest does)}"
: "${FK_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fk-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export FANGKONG_DB="$WORK/fangkong.db"
cd "$WORK"

fail() {
    echo "FAIL: $*" >&2
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
