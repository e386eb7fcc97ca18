-- SPDX-License-Identifier: MIT
-- Response timers (issue 17): a case may carry the time it was reported (the timers start there
-- when given, else at the confirmation), and the incident's events, on site and activated, each
-- with its time and a note. The event is its enum value (fk/incident.h).
ALTER TABLE cases ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;

CREATE TABLE incident_events (
    person INTEGER NOT NULL,            -- the case
    event  INTEGER NOT NULL,            -- 0 onsite, 1 activated
    time   INTEGER NOT NULL,
    note   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person, event, time)
) WITHOUT ROWID;
