-- SPDX-License-Identifier: MIT
-- Risk zones (风险区域, issue 18): a zone by its name, its present level (fk/zone.h: 0 lockdown,
-- 1 control, 2 precaution), the regions it covers (';'-separated region codes below the city,
-- as the file gives them), when it was declared and lifted (0: still on), and why. Each change of
-- level written by an action (declare, change, lift) is kept in zone_changes (level 3: lifted),
-- so a review can tell since when a zone has been at its level.
CREATE TABLE zones (
    name     TEXT PRIMARY KEY,
    level    INTEGER NOT NULL,
    regions  TEXT NOT NULL,
    declared INTEGER NOT NULL,
    lifted   INTEGER NOT NULL DEFAULT 0,
    reason   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE zone_changes (
    id     INTEGER PRIMARY KEY,
    zone   TEXT NOT NULL,
    at     INTEGER NOT NULL,
    level  INTEGER NOT NULL,
    actor  TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX zone_changes_zone ON zone_changes (zone, at);
