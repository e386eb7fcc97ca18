-- SPDX-License-Identifier: MIT
-- Persons' home address (schema version 9), for the door-to-door visits of a missing list.
-- Optional in the data contract: rows from before this version, and files without the column,
-- have none.
ALTER TABLE persons ADD COLUMN address TEXT NOT NULL DEFAULT '';
