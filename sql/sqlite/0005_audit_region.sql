-- SPDX-License-Identifier: MIT
-- The region an audit row is about (schema version 4): the record's region when one record was
-- written, else the scope of the account that wrote. The audit trail is cut to the reader's
-- scope by it; rows from before this version, and the local administrator's, have none.
ALTER TABLE audit ADD COLUMN region TEXT NOT NULL DEFAULT '';
