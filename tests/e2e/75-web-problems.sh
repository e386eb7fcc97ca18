#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# 督查问题清单 in the web UI (tests/web/problems.test.mjs): city-3 with the small problem list of
# tests/data/problems; the page's summary and list must be `fangkong problem summary` and `list`,
# overdue rows red, a problem closed through its card (note required) shows in `problem history`,
# and a viewer of 榆次区 sees its own county only, with no buttons. Both languages, screenshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web-lib.sh"
web_need
web_city
for t in inspections problems; do
    fk import "$t" "$FK_SRC/tests/data/problems/$t.csv" --rejects "$WORK/$t.rejects.csv" 2>/dev/null
    expect_rc 0 "import $t"
done
web_serve
web_node problems.test.mjs
