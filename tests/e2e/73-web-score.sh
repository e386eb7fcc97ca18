#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 目标考核 in the web UI (tests/web/score.test.mjs): the ranking of city-3's three counties with
# grades and the veto as `fangkong score` gives them, a county's indicators as `--detail`, a
# viewer of 榆次区 seeing only its own row, both languages, screenshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
web_serve
web_node score.test.mjs
