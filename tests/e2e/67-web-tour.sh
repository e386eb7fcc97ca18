#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The screenshot tour: the city-3 fixture and its accounts (web-lib.sh), then tests/web/tour.test.mjs
# visits every page as the admin and as the county viewer, in Chinese and English at 1 280 px
# (and as the admin in Chinese at 1 920 px), saving build/screenshots/tour/PAGE-LANG-WIDTH.png, and fails on Latin words in the
# Chinese UI (naming page and words) or a top bar on more than one line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
web_serve
web_node tour.test.mjs
echo "web tour: every page in both languages at two widths; screenshots in $FK_BUILD/screenshots/tour"
