-- SPDX-License-Identifier: MIT
-- 督查问题清单 (issue 17): inspections, the problems they found, and each problem's history of
-- state changes (one row per change made through fangkong problem update or the API; an import
-- writes none: its audit row says what it loaded). Times are Unix seconds, 0 for none; status is
-- enum fk_problem_status (0 open, 1 rectifying, 2 closed).
CREATE TABLE inspections (
    id        TEXT PRIMARY KEY,
    date      INTEGER NOT NULL,
    inspector TEXT NOT NULL,
    region    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE problems (
    id          TEXT PRIMARY KEY,
    found       INTEGER NOT NULL,
    region      TEXT NOT NULL,
    description TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    deadline    INTEGER NOT NULL DEFAULT 0,
    status      INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    inspection  TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX problems_region ON problems (region);

CREATE TABLE problem_history (
    id      INTEGER PRIMARY KEY,
    problem TEXT NOT NULL,
    time    INTEGER NOT NULL,
    user    TEXT NOT NULL,
    "from"  INTEGER NOT NULL,
    "to"    INTEGER NOT NULL,
    note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX problem_history_problem ON problem_history (problem, id);
