-- SPDX-License-Identifier: MIT
-- fangkong's SQLite schema, version 1: the data contract's tables with their natural keys.
-- Times are Unix seconds. Persons get a dense integer id (the engine's person index); events refer
-- to persons and venues by that id, which keeps the event tables small.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 0);

CREATE TABLE regions (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    level  INTEGER NOT NULL,
    parent TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE persons (
    id        INTEGER PRIMARY KEY,
    id_number TEXT NOT NULL UNIQUE,
    id_type   INTEGER NOT NULL DEFAULT 0,
    name      TEXT NOT NULL,
    phone     TEXT NOT NULL DEFAULT '',
    grid      TEXT NOT NULL,
    household TEXT NOT NULL DEFAULT '',
    tags      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE venues (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT '',
    grid TEXT NOT NULL
);

CREATE TABLE scans (
    person INTEGER NOT NULL,
    venue  INTEGER NOT NULL,
    time   INTEGER NOT NULL,
    PRIMARY KEY (person, venue, time)
) WITHOUT ROWID;

CREATE TABLE pings (
    person INTEGER NOT NULL,
    cell   TEXT NOT NULL,
    time   INTEGER NOT NULL,
    PRIMARY KEY (person, cell, time)
) WITHOUT ROWID;

CREATE TABLE samples (
    tube   TEXT NOT NULL,
    person INTEGER NOT NULL,
    time   INTEGER NOT NULL,
    site   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tube, person)
) WITHOUT ROWID;

CREATE TABLE results (
    tube     TEXT PRIMARY KEY,
    result   INTEGER NOT NULL,
    time     INTEGER NOT NULL,
    lab      TEXT NOT NULL DEFAULT '',
    received INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE cases (
    person    INTEGER PRIMARY KEY,
    confirmed INTEGER NOT NULL,
    onset     INTEGER NOT NULL DEFAULT 0,
    kind      INTEGER NOT NULL DEFAULT 0,
    isolated  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE rounds (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    region  TEXT NOT NULL,
    start   INTEGER NOT NULL,
    "end"   INTEGER NOT NULL,
    created INTEGER NOT NULL
);
