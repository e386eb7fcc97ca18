#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# "As of" in the web UI (tests/web/asof.test.mjs): the top bar's time picker shows the banner, the
# dashboard and the round page then equal the CLI's answers with --now, the address carries
# ?asof= (and a shared link opens as of that time), and "back to now" restores the present.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
ASOF=2022-08-28T12:00 # Asia/Shanghai, as the picker gives it
for when in now asof; do
    args=()
    [ "$when" = now ] || args=(--now "$ASOF:00+08:00")
    "$FANGKONG" coverage "$WEB_ROUND" --by city "${args[@]}" --format json >"cov-city-$when.json"
    "$FANGKONG" coverage "$WEB_ROUND" --by county "${args[@]}" --format json >"cov-county-$when.json"
done
python3 - "$ASOF" >expect.json <<'PY'
import json, sys
load = lambda f: json.load(open(f, encoding="utf-8"))
print(json.dumps({
    "time": sys.argv[1],
    **{w: {"city": load("cov-city-%s.json" % w)[0], "county": load("cov-county-%s.json" % w)}
       for w in ("now", "asof")},
}, ensure_ascii=False))
PY
web_serve
FK_EXPECT="$WORK/expect.json" web_node asof.test.mjs
