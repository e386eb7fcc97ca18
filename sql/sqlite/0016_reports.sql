-- SPDX-License-Identifier: MIT
-- 值班与零报告 (issue 17): the reporting units, their daily reports (count 0 is a zero report) and
-- the headquarters' duty roster. Dates are local calendar dates as 'YYYY-MM-DD' text; submitted
-- is Unix seconds (0: the file gave no time); a unit's kind is enum fk_unit_kind (fk/report.h).
CREATE TABLE units (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    region  TEXT NOT NULL,
    kind    INTEGER NOT NULL DEFAULT 6,     -- other
    contact TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE reports (
    unit      TEXT NOT NULL,
    date      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    note      TEXT NOT NULL DEFAULT '',
    submitted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit, date, kind)
) WITHOUT ROWID;
CREATE INDEX reports_date ON reports (date, unit);

CREATE TABLE duty (
    date   TEXT NOT NULL,
    region TEXT NOT NULL,
    person TEXT NOT NULL,
    phone  TEXT NOT NULL DEFAULT '',
    role   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (date, region, person)
) WITHOUT ROWID;
