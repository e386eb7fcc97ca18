-- SPDX-License-Identifier: MIT
-- Vaccinations (issue 16): one row per person and dose, and the catch-up lists pushed to
-- communities with the members each list held when it was pushed (点对点推送), so the page can
-- say how many of them were vaccinated since. The number is fixed at 0013 so the three parts of
-- issue 16 merge without colliding (sentinels 0011, cold chain 0012).
CREATE TABLE vaccinations (
    person INTEGER NOT NULL,
    dose INTEGER NOT NULL,
    time INTEGER NOT NULL,
    vaccine TEXT NOT NULL DEFAULT '',
    site TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person, dose)
) WITHOUT ROWID;
CREATE TABLE vaccination_pushes (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    time INTEGER NOT NULL,
    who TEXT NOT NULL DEFAULT '',
    members INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX vaccination_pushes_region ON vaccination_pushes (region, time);
CREATE TABLE vaccination_push_members (
    push INTEGER NOT NULL,
    person INTEGER NOT NULL,
    PRIMARY KEY (push, person)
) WITHOUT ROWID;
