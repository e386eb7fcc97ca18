-- SPDX-License-Identifier: MIT
-- Sentinel signals (哨点, issue 16), schema version 11: one row per signal a sentinel reports
-- (a fever-clinic visit, a pharmacy sale of the 四类药品, a cold-chain or station signal), keyed by
-- everything but its count, so re-importing a file adds nothing. kind is enum fk_sen_kind;
-- id_number is the resident ID as written ('' for none): a buyer outside the registry is kept.
-- Written in control batches (the control index derives the buyers' tests from them).
CREATE TABLE sentinels (
    source    TEXT NOT NULL,
    kind      INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    grid      TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    count     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (source, kind, time, grid, id_number)
) WITHOUT ROWID;
CREATE INDEX sentinels_time ON sentinels (time);
CREATE INDEX sentinels_person ON sentinels (id_number) WHERE id_number <> '';
