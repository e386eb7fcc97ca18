-- SPDX-License-Identifier: MIT
-- Daily health check-ins (健康监测, issue 18): a person under home or centralized control reports
-- a temperature and symptoms, twice a day by default (the profile's [checkin]). The temperature
-- is kept in tenths of a degree Celsius (365 for 36.5), symptoms as the ';'-separated codes the
-- row gave (fk/checkin.h). One row per person and time.
CREATE TABLE checkins (
    person   INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    temp     INTEGER NOT NULL,          -- tenths of a degree Celsius
    symptoms TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person, time)
) WITHOUT ROWID;
CREATE INDEX checkins_time ON checkins (time);
