#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One language at a time for reject reasons and errors (issue 15): every reject reason, file error
# and error answer has a catalogue code (include/fk/msg.h) with a Chinese template in
# web/src/i18n.js; the server's error answers carry the code and arguments of their sentence and
# hint ("message", "hint_message") besides the English; and in a real browser
# (tests/web/rejects.test.mjs) an import of one file per type, each row with another reason, shows
# its rejects in Chinese without a Latin word, and in English as the server wrote them, while a 400
# (an empty upload, an old .xls workbook) and a 403 (a viewer asking for another county) read in
# Chinese in the error box. Screenshots go to $FK_BUILD/screenshots/rejects.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
: "${PY:=$(python3 -c 'import sys; print(sys.executable)')}"

# Every code of the catalogue has a Chinese template, read from the two sources.
"$PY" - "$FK_SRC/lib/domain/msg.c" "$FK_SRC/web/src/i18n.js" <<'PY' || fail "codes without a Chinese template (above)"
import re, sys
codes = re.findall(r'\[FK_MSG_[A-Z0-9_]+\] = \{"([a-z0-9_.]+)"', open(sys.argv[1], encoding="utf-8").read())
js = open(sys.argv[2], encoding="utf-8").read()
zh = js[: js.index("const en")]
missing = [c for c in codes if "'msg.%s':" % c not in zh]
assert len(codes) > 150, len(codes)
assert not missing, missing
PY

web_need
web_city
idgen() { python3 "$FK_SRC/tests/e2e/idgen.py" "$@"; }
good=$(idgen 140702 19900101 711)
bad=${good:0:17}$([ "${good:17:1}" = 0 ] && echo 1 || echo 0)
known=$(sed -n 2p "$WEB_DATA/persons.csv" | cut -d, -f1)
tube=$(sed -n 2p "$WEB_DATA/samples.csv" | cut -d, -f1)
G=140702001001G01
C=${G:0:12}

# One file a type; each row rejected for a reason of its own. expect.json: per type, the file,
# and per line the English reason the importer writes (the text the CLI and rejects files keep)
# and a piece of its Chinese rendering.
"$PY" - "$good" "$bad" "$known" "$tube" "$G" "$C" "$(idgen 140702 19910202 712)" \
    "$(idgen 140702 19920303 713)" "$(idgen 140702 19930404 714)" >expect.json <<'PY'
import json, sys
good, bad, known, tube, G, C, id2, id3, id4 = sys.argv[1:]
T = "2022-08-28T09:00:00+08:00"
files = {
    "regions": ("code,name,level,parent,lon,lat", [
        ("区划甲,甲区,乡镇,140702,,", "code '区划甲' must be 1 to 31 letters, digits, '-', '_' or '.'", "须为 1 至 31 个字母"),
        ("140702901,镇子区,镇子,140702,,", "level '镇子' is not province, city, county, township, community or grid", "层级“镇子”不是省、市"),
        ("140702902,自己,乡镇,140702902,,", "region 140702902 is its own parent", "的上级是它自己"),
        ("140702001001G77,网格七,区县,%s,," % G, "a county cannot sit under %s, a grid" % G, "区县不能位于网格 %s 之下" % G),
        ("140702903,无上级,乡镇,,,", "parent is empty: only a province or a city may be a root", "只有省或市可以作为根区划"),
        ("149900,新市,市,,,", "region 149900 would be a root of the region tree: only the local administrator adds one", "将成为区划树的根"),
        ("140702001001G88,网格八,网格,%s,32.1,112.5" % C, "lon 32.1 is outside 73 to 136 (east longitude): are lon and lat the wrong way round?", "经纬度是否填反了"),
        ("140702001001G89,网格九,网格,%s,112.5," % C, "lat is empty but lon is 112.5: give both or neither", "纬度 为空，而 经度 为 112.5"),
        ("140702001001G90,网格十,网格,%s,东经112,37.7" % C, "lon '东经112' is not a number of degrees (like 112.7523)", "经度“东经112”不是度数"),
        ("140702001001G91,名\t字,网格,%s,," % C, "name holds a control character U+0009 at byte 4", "姓名 第 4 字节是控制字符"),
        ("140702001001G92,名\u202e字,网格,%s,," % C, "name holds a bidirectional control U+202E at byte 4", "姓名 第 4 字节是双向控制字符"),
    ]),
    "persons": ("id_number,name,grid,phone,id_type", [
        ("%s,甲,%s,13900000711,驾照" % (good, G), "id_type '驾照' is not resident, passport, hk_macao, taiwan or other", "证件类型“驾照”不是居民身份证"),
        ("%s,乙,%s,电话一三九," % (id2, G), "phone '电话一三九' may hold only digits, '+', '-'", "电话“电话一三九”只能包含数字"),
        ("%s,丙,%s,13900000713," % (bad, G), "id_number %s: check digit should be %s, not %s" % (bad, good[17], bad[17]), "校验码应为 %s" % good[17]),
        ("%s,,%s,13900000714," % (id3, G), "name is empty", "姓名 为空"),
        ("%s,丁,140702009999G99,13900000715," % id4, "unknown grid 140702009999G99 (import regions first)", "未知网格 140702009999G99"),
    ]),
    "controls": ("id_number,category,place,start,end,regime", [
        ("%s,路人,居家,%s,," % (known, T), "category '路人' is not case, close, secondary, companion, arrival, risk_area, other or coldchain", "类别“路人”不是病例"),
        ("%s,密接,酒店,%s,," % (known, T), "place '酒店' is not centralized, home, hospital or monitoring", "管控方式“酒店”不是集中隔离"),
        ("%s,密接,居家,%s,,两日一检" % (known, T), "unknown regime 两日一检 (the profile has no [regime.两日一检])", "未知检测方案 两日一检"),
        ("%s,密接,居家,%s,2022-08-20T09:00:00+08:00," % (known, T), "end is before start", "结束时间早于开始时间"),
        ("%s,密接,居家,昨天,," % known, "start '昨天' is not an ISO 8601 time (like 2022-08-28T14:18:00+08:00 or 2022-08-28)", "开始时间 “昨天” 不是"),
    ]),
    "door_events": ("device,id_number,time,event", [
        ("DS9999,%s,%s,敲门" % (known, T), "event '敲门' is not open, close, offline or tamper", "事件“敲门”不是开门"),
        ("DS9998,%s,%s,开门" % (known, T), "unregistered door sensor DS9998 (name it in the person's control order, column device)", "门磁 DS9998 未登记"),
    ]),
    "results": ("tube,result,time", [
        ("%s,可疑,%s" % (tube, T), "result '可疑' is not negative, positive or invalid", "结果“可疑”不是阴性"),
        ("无此管,阴性,%s" % T, "no sample was taken in tube 无此管 (import samples first)", "试管 无此管 没有采样记录"),
    ]),
    "cases": ("id_number,confirmed,onset,kind", [
        ("%s,%s,,疑似" % (known, T), "kind '疑似' is not confirmed or asymptomatic", "类型“疑似”不是确诊或无症状"),
        ("%s,2022-08-20T09:00:00+08:00,2022-08-25,确诊" % known, "onset is after confirmed", "发病日期晚于确诊时间"),
    ]),
    "risk_areas": ("area,level,start", [
        ("110105,极高,%s" % T, "level '极高' is not high, medium or low", "风险等级“极高”不是高、中或低"),
    ]),
    "arrivals": ("id_number,arrived,origin", [
        ("%s,%s,110105" % (id4, T), "unknown person %s: give name and grid to register the arrival" % id4, "登记入境人员须填写姓名和网格"),
    ]),
}
out = []
for t, (head, rows) in files.items():
    name = "bad-%s.csv" % t
    with open(name, "w", encoding="utf-8", newline="") as f:
        f.write(head + "\n" + "".join(r[0] + "\n" for r in rows))
    out.append({"type": t, "file": name, "page": t in ("regions", "persons", "results", "cases"),
                "rows": [{"line": i + 2, "en": r[1], "zh": r[2]} for i, r in enumerate(rows)]})
print(json.dumps(out, ensure_ascii=False))
PY
[ -s expect.json ] || fail "cannot write the files"
printf '' >empty.csv
printf '\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1old-workbook' >old.xlsx

web_serve
tok=$(login "${WEB_ADMIN%%:*}" "${WEB_ADMIN#*:}")
vtok=$(login "${WEB_VIEWER%%:*}" "${WEB_VIEWER#*:}")

# The error answers: the English as before, and its code and arguments besides it.
check_error() { # STATUS CODE HINTCODE ARGS-JSON WHAT
    "$PY" - "$WORK/body" "$@" <<'PY' || fail "$5: the error answer carries no code (above)"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
_, _, code, hint, args = sys.argv[1:6]
assert j["error"] and j["code"], j
assert j["message"]["code"] == code, j
assert j["message"]["args"] == json.loads(args), j
for v in j["message"]["args"].values():
    assert v in j["error"], (v, j)
if hint:
    assert j["hint_message"]["code"] == hint, j
else:
    assert "hint_message" not in j, j
PY
}
api "$vtok" GET "/api/v1/alerts?region=140703"
expect_status 403 "a viewer of 140702 asks for 140703"
check_error 403 err.scope hint.scope '{"region":"140703","scope":"140702"}' "403 scope"
api "$tok" GET "/api/v1/audit?limit=5x"
expect_status 400 "limit=5x"
check_error 400 err.whole_not "" '{"name":"limit","min":"1","max":"10000","value":"5x"}' "400 limit"
api "$tok" GET "/api/v1/nothing-here"
expect_status 404 "an unknown endpoint"
check_error 404 err.no_endpoint hint.docs '{"url":"/api/v1/nothing-here"}' "404 endpoint"
api "$tok" POST /api/v1/import/persons -H 'Content-Type: text/csv' --data-binary @empty.csv
expect_status 400 "an empty upload"
check_error 400 err.upload_empty hint.send_file '{}' "400 empty upload"

# The types the import page does not take (control orders, door events, risk areas, arrivals):
# their rejects through the API, each reason with a code (whose Chinese template is checked
# above) and its English as expected.
for t in $("$PY" -c 'import json, sys; print(" ".join(f["type"] for f in json.load(open(sys.argv[1])) if not f["page"]))' expect.json); do
    api "$tok" POST "/api/v1/import/$t" -H 'Content-Type: text/csv' --data-binary @"bad-$t.csv"
    expect_status 200 "import $t"
    link=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["rejects"])' "$WORK/body")
    api "$tok" GET "$link?format=json"
    expect_status 200 "the rejects of $t"
    "$PY" - "$WORK/body" expect.json "$t" <<'PY' || fail "the rejects of $t (above)"
import json, sys
rows = {int(r["line"]): r for r in json.load(open(sys.argv[1], encoding="utf-8"))["rows"]}
f = next(f for f in json.load(open(sys.argv[2], encoding="utf-8")) if f["type"] == sys.argv[3])
assert sorted(rows) == [r["line"] for r in f["rows"]], (sorted(rows), f)
for want in f["rows"]:
    got = rows[want["line"]]
    assert want["en"] in got["reason"].split("; "), (want, got)
    assert got["messages"] and all(m.get("code") for m in got["messages"]), got
PY
done

FK_EXPECT="$WORK/expect.json" FK_EMPTY="$WORK/empty.csv" FK_OLD="$WORK/old.xlsx" FK_OTHER_GRID=140703001001G01 \
    web_node rejects.test.mjs
echo "rejects and errors: one language at a time; screenshots in $FK_BUILD/screenshots/rejects"
