-- SPDX-License-Identifier: MIT
-- Closed-loop transfers (issue 18): one row per person of a transfer task (点对点): where from and
-- to (kinds are enum values, fk/transfer.h; the places are text), the vehicle and the escort, the
-- planned time and the chain's two events, picked up and handed over (0: not yet). The places'
-- columns are from_place and to_place: FROM and TO are SQL keywords.
CREATE TABLE transfers (
    task        TEXT NOT NULL,
    person      INTEGER NOT NULL,
    from_kind   INTEGER NOT NULL,   -- 0 airport, 1 station, 2 school, 3 address, 4 other
    from_place  TEXT NOT NULL DEFAULT '',
    to_kind     INTEGER NOT NULL,   -- 0 isolation_site, 1 home, 2 hospital, 3 other
    to_place    TEXT NOT NULL DEFAULT '',
    vehicle     TEXT NOT NULL DEFAULT '',
    escort      TEXT NOT NULL DEFAULT '',
    planned     INTEGER NOT NULL,
    picked_up   INTEGER NOT NULL DEFAULT 0,
    handed_over INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task, person)
) WITHOUT ROWID;
