-- SPDX-License-Identifier: MIT
-- Accounts, sessions and the audit trail (schema version 2). Passwords are argon2id strings from
-- libsodium; tokens are stored as their BLAKE2b hashes, never as themselves.
CREATE TABLE users (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    role     TEXT NOT NULL,
    scope    TEXT NOT NULL,
    pwhash   TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created  INTEGER NOT NULL
);

CREATE TABLE tokens (
    hash    TEXT PRIMARY KEY,
    user    INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL,
    who    TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_time ON audit (time);
