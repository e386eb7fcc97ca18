#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# An API import killed mid-way (SIGKILL of the server during a large import) is on record and
# leaves nothing behind: its audit row is written with its first batch, not after the last; the
# upload it was reading is removed when the server starts again. Rejects files (raw rows of
# residents) expire after 24 h: removed at start and on each import, and no longer served.
. "$(dirname "$0")/lib.sh"
FK_KEEP_GOING=1
DATA="$FK_SRC/tests/data/city-3"
UPLOADS="$WORK/fangkong.db.uploads"
N=100000

fk import regions "$DATA/regions.csv" 2>/dev/null
expect_rc 0 "import regions"
echo "pw-admin-2022" | "$FANGKONG" user add admin --role admin --scope 140700 >/dev/null 2>&1 ||
    fail "user add admin"
# Many small batches, so the import is long and its first batch commits at once.
printf '[import]\nbatch_rows = 100\n' >profile.ini
python3 - "$FK_SRC/tests/e2e" "$N" <<'PY'
import datetime, sys
sys.path.insert(0, sys.argv[1])
from idgen import make
n, d0 = int(sys.argv[2]), datetime.date(1950, 1, 1)
with open("big.csv", "w") as f:
    f.write("id_number,name,phone,grid,household,tags\n")
    for i in range(n):
        b = (d0 + datetime.timedelta(days=i // 1000)).strftime("%Y%m%d")
        f.write("%s,居民%d,139%08d,140703001002G01,H%06d,\n" % (make("140702", b, i % 1000), i, i, i // 3))
PY

sql() { sqlite3 -readonly fangkong.db "$1" 2>/dev/null || echo 0; }
import_begun() { [ "$(sql "SELECT count(*) FROM audit WHERE who = 'admin' AND action = 'import'")" -gt 0 ]; }

# ---- killed mid-import ----
start_server --profile profile.ini
ADMIN=$(login admin pw-admin-2022)
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/csv' \
    --data-binary @big.csv "$BASE/api/v1/import/persons" &
client=$!
wait_for 60 "the import's first batch" import_begun
kill -KILL "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
wait "$client" 2>/dev/null || true
persons=$(sql "SELECT count(*) FROM persons")
echo "killed with $persons of $N persons committed"
[ "$persons" -lt "$N" ] || fail "the import finished before it was killed: make the file larger"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'import.done'")" = 0 ] ||
    fail "an import.done row for an import that was killed"
ls "$UPLOADS" >left.txt
grep -q '^upload-' left.txt || fail "no upload file while the import ran: $(tr '\n' ' ' <left.txt)"

start_server --profile profile.ini
contains "$WORK/serve.log" "removed 1 upload file a stopped server left"
ls "$UPLOADS" >left.txt
if grep -q '^upload-' left.txt; then
    fail "the upload of the killed import is still there: $(tr '\n' ' ' <left.txt)"
fi
ADMIN=$(login admin pw-admin-2022)
api "$ADMIN" GET "/api/v1/audit?format=csv"
expect_status 200 "the audit trail"
contains "$WORK/body" ",admin,import,persons,begun: "

# A whole import has its row from the first batch and one at the end.
printf 'id_number,name,phone,grid,household,tags\n%s,居民甲,13900000001,140703001002G01,H1,\nbad,x,1,140703001002G01,H1,\n' \
    "$(python3 "$FK_SRC/tests/e2e/idgen.py" 140702 19800101 1)" >small.csv
api "$ADMIN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @small.csv
expect_status 200 "a small import"
old=$(jq_py 'j["rejects"]')
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'import.done'")" = 1 ] ||
    fail "no import.done row after a whole import"
[ "$(ls "$UPLOADS" | grep -c '^upload-')" = 0 ] || fail "an upload file is left after an import"

# ---- rejects expire after 24 h ----
api "$ADMIN" GET "$old"
expect_status 200 "fresh rejects"
id=${old##*/}
touch -d '25 hours ago' "$UPLOADS/$id.rejects.csv" "$UPLOADS/$id.owner"
api "$ADMIN" GET "$old"
expect_error not_found 404 "rejects older than 24 h"
api "$ADMIN" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @small.csv
expect_status 200 "a second small import"
fresh=$(jq_py 'j["rejects"]')
[ ! -e "$UPLOADS/$id.rejects.csv" ] || fail "an import left rejects older than 24 h"
[ ! -e "$UPLOADS/$id.owner" ] || fail "an import left the owner of rejects older than 24 h"
[ -e "$UPLOADS/${fresh##*/}.rejects.csv" ] || fail "the fresh rejects are gone"
# At start: an old one goes, a fresh one stays.
kill "$FK_SERVER_PID"
wait "$FK_SERVER_PID" 2>/dev/null || true
FK_SERVER_PID=
touch -d '25 hours ago' "$UPLOADS/${fresh##*/}.rejects.csv"
touch -d '23 hours ago' "$UPLOADS/${fresh##*/}.owner"
start_server --profile profile.ini
[ ! -e "$UPLOADS/${fresh##*/}.rejects.csv" ] || fail "rejects older than 24 h survived a restart"
[ -e "$UPLOADS/${fresh##*/}.owner" ] || fail "a file younger than 24 h was removed at start"
contains "$WORK/serve.log" "removed 1 rejects file older than 24 h"
