#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 四个查清 as a grid in a real browser (tests/web/control.test.mjs): city-3 and the control fixture,
# the grid's cells against the CLI's `control summary --pivot category` and the lists they open,
# paging, the release-due-today and past-end lists, alerts with phone and grid worker, and the
# county viewer's scope. Screenshots in $FK_BUILD/screenshots/control.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
web_serve
web_node control.test.mjs
echo "control grid: all checks passed; screenshots in $FK_BUILD/screenshots/control"
