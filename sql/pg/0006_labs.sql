-- SPDX-License-Identifier: MIT
-- Testing labs (issue 21; see sql/sqlite/0028_labs.sql): code, name, declared capacity in tubes
-- an hour, the region served.
CREATE TABLE labs (
    code           text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL,
    tubes_per_hour bigint NOT NULL CHECK (tubes_per_hour > 0),
    region         text COLLATE "C" NOT NULL
);
