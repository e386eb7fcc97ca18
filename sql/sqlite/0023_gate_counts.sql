-- SPDX-License-Identifier: MIT
-- Gate checks (场所核验, issue 18) are answers, not rows: a gate's checks are counted per hour and
-- colour (never per person) and the server adds its counts here every minute and on stop. gate is
-- the gate account's name, scope its region then; type the gate type (fk/gate.h); hour the Unix
-- time of the hour's start; bad counts ID numbers that were none; last the latest check's time.
CREATE TABLE gate_counts (
    gate   TEXT NOT NULL,
    type   INTEGER NOT NULL,
    hour   INTEGER NOT NULL,
    scope  TEXT NOT NULL DEFAULT '',
    green  INTEGER NOT NULL DEFAULT 0,
    yellow INTEGER NOT NULL DEFAULT 0,
    red    INTEGER NOT NULL DEFAULT 0,
    bad    INTEGER NOT NULL DEFAULT 0,
    last   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (gate, type, hour)
) WITHOUT ROWID;
CREATE INDEX gate_counts_hour ON gate_counts (hour);
