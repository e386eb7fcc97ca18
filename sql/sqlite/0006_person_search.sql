-- SPDX-License-Identifier: MIT
-- Finding a person (schema version 6): by name prefix (across the city, or inside one grid), by
-- the last 6 characters of the ID number, by the last 4 digits of the phone (a whole phone number
-- is looked up through them too), and a household's members. Measured against an engine-side
-- sorted index in bench/bench_person.c: each query reads a handful of index pages (bench/RESULTS.md).
CREATE INDEX persons_name ON persons (name);
CREATE INDEX persons_grid_name ON persons (grid, name);
CREATE INDEX persons_id6 ON persons (substr(id_number, -6));
CREATE INDEX persons_phone4 ON persons (substr(phone, -4)) WHERE phone <> '';
CREATE INDEX persons_household ON persons (household) WHERE household <> '';
