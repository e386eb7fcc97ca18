-- SPDX-License-Identifier: MIT
-- Control (管控), schema version 3: control orders, arrivals, risk areas, door-sensor events and
-- the alerts they raise. Enumerations are stored as their enum values (fk/regime.h). Batches
-- that write only these move control_generation, not generation (the engine holds none of it).
INSERT INTO meta (key, value) VALUES ('control_generation', 0);
CREATE TABLE controls (
    id       INTEGER PRIMARY KEY,
    person   INTEGER NOT NULL,
    category INTEGER NOT NULL,
    place    INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL DEFAULT 0,   -- 0 while open
    regime   TEXT NOT NULL DEFAULT '',
    site     TEXT NOT NULL DEFAULT '',
    device   TEXT NOT NULL DEFAULT '',     -- the door sensor of a home control
    extended INTEGER NOT NULL DEFAULT 0,   -- days added to the regime's duration
    UNIQUE (person, start)
);
CREATE INDEX controls_device ON controls (device) WHERE device <> '';

CREATE TABLE arrivals (
    person    INTEGER NOT NULL,
    arrived   INTEGER NOT NULL,
    origin    TEXT NOT NULL,
    grid      TEXT NOT NULL DEFAULT '',
    transport TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person, arrived)
) WITHOUT ROWID;
CREATE INDEX arrivals_arrived ON arrivals (arrived);

CREATE TABLE risk_areas (
    area  TEXT NOT NULL,
    start INTEGER NOT NULL,
    level INTEGER NOT NULL,
    "end" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (area, start)
) WITHOUT ROWID;

CREATE TABLE door_events (
    device TEXT NOT NULL,
    time   INTEGER NOT NULL,
    event  INTEGER NOT NULL,
    person INTEGER NOT NULL,
    PRIMARY KEY (device, time, event)
) WITHOUT ROWID;

CREATE TABLE alerts (
    id      INTEGER PRIMARY KEY,
    kind    INTEGER NOT NULL,
    person  INTEGER NOT NULL,
    time    INTEGER NOT NULL,
    device  TEXT NOT NULL DEFAULT '',
    detail  TEXT NOT NULL DEFAULT '',
    status  INTEGER NOT NULL DEFAULT 0,    -- 0 open, 1 acknowledged, 2 closed
    raised  INTEGER NOT NULL,
    who     TEXT NOT NULL DEFAULT '',
    note    TEXT NOT NULL DEFAULT '',
    updated INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, person, time, device)
);
