#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 闭环转运 in a real browser (tests/web/transfers.test.mjs): the page's rows and states equal
# `fangkong transfer list` (done, late, in transit, planned, overdue and a gap all show), open and
# overdue first, overdue and gaps in red with the minutes past; the filters equal --open and
# --overdue, the summary equals `transfer status`, the CSV download equals the CLI's list, a name
# opens the person's page, and a viewer of 榆次区 sees its county only. The transfers of the
# city-3 fixture's residents are written here relative to a fixed clock (FANGKONG_NOW, which the
# server and the CLI both read). Screenshots in Chinese and English at 1280 and 1920 px.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
export FANGKONG_NOW=2022-08-28T12:00:00+08:00
mapfile -t y < <(awk -F, 'n < 8 && $4 ~ /^140702/ { print $1; n++ }' "$WEB_DATA/persons.csv")
mapfile -t g < <(awk -F, 'n < 4 && $4 ~ /^140703/ { print $1; n++ }' "$WEB_DATA/persons.csv")
A="airport,太原武宿国际机场,isolation_site,榆次区集中隔离点"
S="station,太原南站,home,居家"
C="school,晋中市第一中学,home,居家（家长接收）"
cat >transfers.csv <<EOF
task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned,picked_up,handed_over
ZY-01,${y[0]},$A,晋K10001,王磊 13900000001,2022-08-28T08:00:00+08:00,2022-08-28T07:10:00+08:00,2022-08-28T07:55:00+08:00
ZY-01,${y[1]},$A,晋K10001,王磊 13900000001,2022-08-28T08:00:00+08:00,2022-08-28T07:10:00+08:00,2022-08-28T09:00:00+08:00
ZY-01,${y[2]},$A,晋K10001,王磊 13900000001,2022-08-28T08:00:00+08:00,2022-08-28T07:10:00+08:00,2022-08-28T09:00:01+08:00
ZY-02,${y[3]},$S,晋K10002,李娜 13900000002,2022-08-28T12:30:00+08:00,2022-08-28T11:40:00+08:00,
ZY-02,${g[0]},$S,晋K10002,李娜 13900000002,2022-08-28T12:30:00+08:00,2022-08-28T11:40:00+08:00,
ZY-03,${y[4]},$A,晋K10003,张伟 13900000003,2022-08-28T10:20:00+08:00,,
ZY-04,${g[1]},$S,晋K10004,刘洋 13900000004,2022-08-28T09:30:00+08:00,2022-08-28T09:00:00+08:00,
XS-05,${y[5]},$C,晋K10005,陈静 13900000005,2022-08-28T09:00:00+08:00,2022-08-28T08:20:00+08:00,2022-08-28T08:50:00+08:00
XS-05,${y[6]},$C,晋K10005,陈静 13900000005,2022-08-28T09:00:00+08:00,2022-08-28T08:20:00+08:00,2022-08-28T08:52:00+08:00
XS-05,${g[2]},$C,晋K10005,陈静 13900000005,2022-08-28T09:00:00+08:00,2022-08-28T08:20:00+08:00,2022-08-28T08:55:00+08:00
ZY-06,${y[7]},$A,晋K10006,赵强 13900000006,2022-08-28T15:00:00+08:00,,
EOF
fk import transfers transfers.csv 2>/dev/null
expect_rc 0 "import transfers"
web_serve
web_node transfers.test.mjs
echo "web transfers: all checks passed; screenshots in $FK_BUILD/screenshots/transfers"
