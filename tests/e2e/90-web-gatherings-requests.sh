#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 会议活动管理 and 便民服务热线 in a real browser (tests/web/gatherings.test.mjs,
# tests/web/requests.test.mjs): each page's rows, decisions and states equal `fangkong gathering
# list` and `request list` (approved, sent for sign-off and refused with the rule in words;
# overdue in red with the deadline missed and by how long), the filters equal --date, --decision,
# --open and --overdue, the summaries equal `gathering status` and `request status`, the CSV
# downloads equal the CLI's lists, a caller under control opens their person page, a sign-off, an
# assignment and a resolution made on the page are what the CLI then lists, and a viewer of 榆次区
# sees its county only. The fixture is written here on city-3 relative to a fixed clock
# (FANGKONG_NOW, which the server and the CLI both read): a lockdown zone declared at 15:00 over a
# grid with a gathering that day, a control zone and a precaution zone; requests from persons of
# the control fixture and from strangers. Screenshots in Chinese and English at 1280 and 1920 px.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
export FANGKONG_NOW=2022-08-28T16:00:00+08:00
fk zone declare 封控区-1 --level lockdown --regions 140703001002G01 --at 2022-08-28T15:00:00+08:00 2>/dev/null
expect_rc 0 "declare the lockdown zone"
cat >zones.csv <<'EOF2'
name,level,regions,declared,lifted,reason
管控区-1,control,140702002001,2022-08-20T09:00:00+08:00,,病例周边
防范区-1,precaution,140729001,2022-08-25T10:00:00+08:00,,周边防范
EOF2
fk import zones zones.csv 2>/dev/null
expect_rc 0 "import zones"
cat >gatherings.csv <<'EOF2'
code,organiser,region,date,expected,kind,online,contact,note
HD-01,某公司,140703001002G01,2022-08-28,30,meeting,no,13700000001,当天封控
HD-02,王家,140702001001G01,2022-08-29,260,wedding,no,13700000002,婚宴
HD-03,李家,140702001002G02,2022-08-30,350,funeral,no,13700000003,丧事
HD-04,区教育局,140729002001G01,2022-08-29,300,training,no,13700000004,教师培训
HD-05,社区卫生服务中心,140729001001G01,2022-08-28,30,training,yes,13700000005,健康讲座
HD-06,张家,140729001002,2022-08-29,120,wedding,no,13700000006,婚礼
HD-07,某商场,140729001,2022-08-29,400,exhibition,no,13700000007,促销
HD-08,赵家,140702002001G02,2022-08-29,60,wedding,no,13700000008,订婚宴
HD-09,某企业,140703002001G01,2022-08-27,90,meeting,no,13700000009,安全培训
HD-10,村委会,140702002002G01,2022-08-31,210,meeting,yes,13700000010,村民议事会
EOF2
fk import gatherings gatherings.csv 2>/dev/null
expect_rc 0 "import gatherings"
# Requests: callers among the persons under control (their phone from the registry) and strangers.
mapfile -t ctl < <(tail -n +2 "$WEB_CONTROL/controls.csv" | awk -F, '$5 == "" { print $1 }')
phone() { awk -F, -v id="$1" '$1 == id { print $3 }' "$WEB_DATA/persons.csv"; }
grid() { awk -F, -v id="$1" '$1 == id { print $4 }' "$WEB_DATA/persons.csv"; }
cat >requests.csv <<EOF2
number,received,channel,phone,region,kind,text,unit,assigned,resolved,note
RX01,2022-08-28T15:00:00+08:00,hotline,$(phone "${ctl[0]}"),$(grid "${ctl[0]}"),medical,发热需要就医,,,,
RX02,2022-08-28T10:00:00+08:00,hotline,13800000002,140702001001G01,medical,透析需要就医,120急救中心,2022-08-28T10:30:00+08:00,2022-08-28T12:00:01+08:00,已送医
RX03,2022-08-28T09:00:00+08:00,wechat,$(phone "${ctl[1]}"),$(grid "${ctl[1]}"),medicine,需要降压药,社区卫生服务中心,2022-08-28T09:20:00+08:00,2022-08-28T11:00:00+08:00,已送药
RX04,2022-08-28T14:30:00+08:00,online,13800000004,140702002001,food,家中缺少米面,,,,
RX05,2022-08-28T08:00:00+08:00,hotline,13800000005,140703001001G01,complaint,核酸点排队过长,,,,
RX06,2022-08-28T13:00:00+08:00,walk_in,$(phone "${ctl[2]}"),$(grid "${ctl[2]}"),food,独居老人需要物资,街道保供专班,2022-08-28T13:30:00+08:00,,
RX07,2022-08-28T11:00:00+08:00,hotline,13800000007,140729001001G02,medical,老人胸闷,120急救中心,2022-08-28T11:20:00+08:00,,
RX08,2022-08-28T15:40:00+08:00,12345,13800000008,140702001002,other,咨询出行政策,,,,
RX09,2022-08-27T09:00:00+08:00,hotline,$(phone "${ctl[3]}"),$(grid "${ctl[3]}"),other,咨询解除隔离时间,社区居委会,2022-08-27T10:00:00+08:00,2022-08-27T16:00:00+08:00,已答复
RX10,2022-08-28T15:10:00+08:00,hotline,13800000010,140702002002G01,medicine,孩子退烧药,,,,
EOF2
fk import requests requests.csv 2>/dev/null
expect_rc 0 "import requests"
web_serve
web_node gatherings.test.mjs
web_node requests.test.mjs
echo "web gatherings and requests: all checks passed; screenshots in $FK_BUILD/screenshots/gatherings and requests"
