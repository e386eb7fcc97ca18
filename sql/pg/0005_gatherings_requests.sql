-- SPDX-License-Identifier: MIT
-- The PostgreSQL schema, continued (see 0001_init.sql): gatherings and citizen requests (issue
-- 21), as sql/sqlite/0027_gatherings_requests.sql says.
CREATE TABLE gatherings (
    code         text COLLATE "C" PRIMARY KEY,
    organiser    text COLLATE "C" NOT NULL,
    region       text COLLATE "C" NOT NULL,
    date         text COLLATE "C" NOT NULL,
    expected     bigint NOT NULL,
    kind         bigint NOT NULL,   -- 0 meeting, 1 wedding, 2 funeral, 3 exhibition, 4 training
    online       bigint NOT NULL DEFAULT 0,
    contact      text COLLATE "C" NOT NULL DEFAULT '',
    note         text COLLATE "C" NOT NULL DEFAULT '',
    signoff      bigint NOT NULL DEFAULT 0,
    signed_at    bigint NOT NULL DEFAULT 0,
    signed_by    text COLLATE "C" NOT NULL DEFAULT '',
    signoff_note text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX gatherings_date ON gatherings (date);
CREATE TABLE requests (
    number   text COLLATE "C" PRIMARY KEY,
    received bigint NOT NULL,
    channel  bigint NOT NULL,   -- 0 hotline, 1 wechat, 2 online, 3 walk_in, 4 other
    phone    text COLLATE "C" NOT NULL,
    region   text COLLATE "C" NOT NULL,
    kind     bigint NOT NULL,   -- 0 medicine, 1 medical, 2 food, 3 complaint, 4 other
    text     text COLLATE "C" NOT NULL,
    unit     text COLLATE "C" NOT NULL DEFAULT '',
    assigned bigint NOT NULL DEFAULT 0,
    resolved bigint NOT NULL DEFAULT 0,
    note     text COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX requests_received ON requests (received);
