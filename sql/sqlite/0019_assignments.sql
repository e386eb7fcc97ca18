-- SPDX-License-Identifier: MIT
-- 包保 (issue 17): cadres assigned to a region (四级包保: role 'leader', one per county, township,
-- community and grid) or to a person under home control (五包一: one cadre per role of the
-- profile's [assign] roles). The key is (role, person, lead): a leader row has person 0 and lead
-- the region it leads; a person's row has the person's dense id and lead ''. region is the row's
-- region as the file gave it: the region led, or the cadre's own unit for a person's row.
CREATE TABLE assignments (
    role   TEXT NOT NULL,
    person INTEGER NOT NULL DEFAULT 0,
    lead   TEXT NOT NULL DEFAULT '',
    cadre  TEXT NOT NULL,
    phone  TEXT NOT NULL,
    region TEXT NOT NULL,
    PRIMARY KEY (role, person, lead)
) WITHOUT ROWID;
CREATE INDEX assignments_phone ON assignments (phone, cadre);
