#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The map and the wall screen in a real browser (tests/web/map.test.mjs): the city-3 fixture's
# counties filled on the dashboard's map, the colours by cases and persons under control equal to
# the CLI's, a click on a county drilling down, the wall screen's 四个查清 totals and open alerts
# equal to `fangkong control summary` and `fangkong alerts --open`, and its clock on Beijing time in
# a browser set to New York. Screenshots (zh and en, 1280 and 1920 px) go to
# $FK_BUILD/screenshots/map.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
web_serve
web_node map.test.mjs
echo "map: all checks passed; screenshots in $FK_BUILD/screenshots/map"
