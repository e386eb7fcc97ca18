-- SPDX-License-Identifier: MIT
-- Testing labs and transport boxes (issue 21; see sql/sqlite/0028_labs_boxes.sql): a lab's code,
-- name, declared capacity in tubes an hour and the region it serves.
CREATE TABLE labs (
    code           text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL,
    tubes_per_hour bigint NOT NULL CHECK (tubes_per_hour > 0),
    region         text COLLATE "C" NOT NULL
);
-- Transport boxes (送检箱): a tube's box and when the box was shipped.
CREATE TABLE boxes (
    tube    text COLLATE "C" PRIMARY KEY,
    box     text COLLATE "C" NOT NULL,
    shipped bigint NOT NULL
);
CREATE INDEX boxes_box ON boxes (box);
