-- SPDX-License-Identifier: MIT
-- Testing labs (issue 21, the mass-screening plan): each lab's code (as results name it), name,
-- declared capacity in tubes an hour (1 or more) and the region it serves. The plan sizes the lab
-- hours of a round's tubes by it; pace sizes each lab's queue in hours of work.
CREATE TABLE labs (
    code           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    tubes_per_hour INTEGER NOT NULL CHECK (tubes_per_hour > 0),
    region         TEXT NOT NULL
) WITHOUT ROWID;
