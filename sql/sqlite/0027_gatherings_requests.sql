-- SPDX-License-Identifier: MIT
-- Gatherings (会议活动管理) and citizen requests (便民服务热线), issue 21.
-- A gathering: who organises it, where (a region of any level), the day (YYYY-MM-DD, local), the
-- persons expected, its kind (fk/gathering.h), whether an online alternative was considered, and
-- the sign-off an official recorded for one the rule sends for sign-off (signoff 0 none, 1
-- approved, 2 refused; only the action writes these four). The decision itself is not stored:
-- it is judged as of now from the risk zones over the place on the day.
CREATE TABLE gatherings (
    code         TEXT PRIMARY KEY,
    organiser    TEXT NOT NULL,
    region       TEXT NOT NULL,
    date         TEXT NOT NULL,
    expected     INTEGER NOT NULL,
    kind         INTEGER NOT NULL,   -- 0 meeting, 1 wedding, 2 funeral, 3 exhibition, 4 training
    online       INTEGER NOT NULL DEFAULT 0,
    contact      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    signoff      INTEGER NOT NULL DEFAULT 0,
    signed_at    INTEGER NOT NULL DEFAULT 0,
    signed_by    TEXT NOT NULL DEFAULT '',
    signoff_note TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX gatherings_date ON gatherings (date);
-- A request: its number, when received, by which channel (fk/request.h), the caller's phone (a
-- person of the registry with that phone under control links to their page), where, its kind
-- and text; the unit it was assigned to and when, when it was resolved (0: not yet) and a note.
-- The status follows the times: open, assigned, resolved.
CREATE TABLE requests (
    number   TEXT PRIMARY KEY,
    received INTEGER NOT NULL,
    channel  INTEGER NOT NULL,   -- 0 hotline, 1 wechat, 2 online, 3 walk_in, 4 other
    phone    TEXT NOT NULL,
    region   TEXT NOT NULL,
    kind     INTEGER NOT NULL,   -- 0 medicine, 1 medical, 2 food, 3 complaint, 4 other
    text     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    assigned INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    note     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX requests_received ON requests (received);
