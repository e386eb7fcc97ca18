#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The 哨点预警 page (tests/web/sentinel.test.mjs) on city-3 with a month of synthetic sentinel
# signals (tests/e2e/sengen.py): its board against the CLI's, a firing cell's rows against the
# CLI's, the viewer of 140702 seeing only its county, in Chinese and English.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"

web_need
web_city
python3 "$FK_SRC/tests/e2e/sengen.py" regions.csv persons.csv >sentinels.csv
fk import sentinels sentinels.csv 2>/dev/null
expect_rc 0 "import sentinels"
web_serve
FK_DATE=2022-08-28 web_node sentinel.test.mjs
