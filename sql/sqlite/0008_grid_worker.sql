-- SPDX-License-Identifier: MIT
-- Regions, schema version 6: a grid's worker (网格员) and the worker's phone, optional columns of the
-- regions contract, so a list of persons to act on (alerts) can say whom to call on the spot.
ALTER TABLE regions ADD COLUMN worker TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN worker_phone TEXT NOT NULL DEFAULT '';
