#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 值班与零报告 in the web UI (tests/web/reports.test.mjs): the day's status per region and unit
# kind, a row's silent units and the duty roster with its gaps first, each as `fangkong reports
# status` / `--missing` / `duty status` give them for the fixture of tests/data/reports; the CSV
# download; a viewer of 榆次区 seeing its county only; both languages, screenshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
web_serve
web_node reports.test.mjs
