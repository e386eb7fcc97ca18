-- SPDX-License-Identifier: MIT
-- When a tube left its sampling site for the lab (送检), schema version 10: the transport stage of
-- the 采送检报 funnel. Optional in the data contract; 0 is "not recorded", as for every row from
-- before this version.
ALTER TABLE samples ADD COLUMN shipped INTEGER NOT NULL DEFAULT 0;
