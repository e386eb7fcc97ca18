#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The sampling table's page in a real browser (tests/web/sample.test.mjs; issue 21): a sampler of
# one grid fills a 10:1 tube on a phone-sized page, the server is killed mid-tube, sampling goes
# on (the entries wait on the phone, counted), the tube says it is full, a second tube is begun,
# the server is started again, and every entry arrives once: the samples' export holds exactly
# the 12 entries, whose tubes and ID numbers the test chose; the phone's queue sent again adds
# nothing. Screenshots in Chinese and English at 412 px (a phone).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
GRID=$(awk -F, 'NR == FNR { if (FNR > 1) s[$2] = 1; next } FNR > 1 && !($1 in s) { n[$4]++ }
    END { for (g in n) print n[g], g }' "$WEB_DATA/samples.csv" "$WEB_DATA/persons.csv" | sort -k1,1nr -k2 | awk 'NR == 1 { print $2 }')
awk -F, -v g="$GRID" 'NR == FNR { if (FNR > 1) s[$2] = 1; next }
    FNR > 1 && $4 == g && !($1 in s) && n++ < 11 { print $1 }' "$WEB_DATA/samples.csv" \
    "$WEB_DATA/persons.csv" >ids.txt
[ "$(wc -l <ids.txt)" = 11 ] || fail "the fixture has too few unsampled residents in $GRID"
echo "sampler-password-2" | "$FANGKONG" user add table9 --role sampler --scope "$GRID" >/dev/null 2>&1 ||
    fail "user add --role sampler"
web_serve
# The browser test kills the server and starts it again itself: that one is stopped here too.
trap 'st=$?; [ ! -s "$WORK/restarted.pid" ] || kill "$(cat "$WORK/restarted.pid")" 2>/dev/null; (exit $st); fk_cleanup' EXIT
export FK_SAMPLER=table9:sampler-password-2 FK_SAMPLE_IDS="$WORK/ids.txt" FK_SERVER_PID FK_WEB \
    FK_SERVE_LOG="$WORK/serve.log" FK_RESTARTED_PID="$WORK/restarted.pid"
web_node sample.test.mjs
# Independently of the page: the export holds each entry once.
"$FANGKONG" export samples 2>/dev/null | awk -F, '$1 ~ /^TW000[12]$/ { print $1 "," $2 }' | sort >got.txt
{ head -n 10 ids.txt | sed 's/^/TW0001,/'; tail -n 1 ids.txt | sed 's/^/TW0002,/'; } | sort >want.txt
same_rows want.txt got.txt "the samples the page sent"
echo "web sample: every entry arrived once; screenshots in $FK_BUILD/screenshots/sample"
