-- SPDX-License-Identifier: MIT
-- Testing labs and transport boxes (issue 21, the mass-screening plan). Labs: each lab's code (as
-- results name it), name, declared capacity in tubes an hour (1 or more) and the region it serves.
-- The plan sizes the lab hours of a round's tubes by it; pace sizes each lab's queue in hours.
CREATE TABLE labs (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    tubes_per_hour INTEGER NOT NULL CHECK (tubes_per_hour > 0),
    region         TEXT NOT NULL
) WITHOUT ROWID;
-- Transport boxes (送检箱): each tube shipped in a box, the box's code and when it left its site.
-- A tube travels in one box (key: tube); a later row moves it. The pace's transport stage lists
-- the boxes shipped whose tubes the lab has not received.
CREATE TABLE boxes (
    tube    TEXT PRIMARY KEY,
    box     TEXT NOT NULL,
    shipped INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX boxes_box ON boxes (box);
