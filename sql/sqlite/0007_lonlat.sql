-- SPDX-License-Identifier: MIT
-- Coordinates of grids and venues (schema version 7), the optional lon,lat columns of the regions
-- and venues files: decimal degrees as text ("112.7523"), '' for none. The web UI's map draws the
-- grids and venues that have them as points (GET /api/v1/map/points).
ALTER TABLE regions ADD COLUMN lon TEXT NOT NULL DEFAULT '';
ALTER TABLE regions ADD COLUMN lat TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN lon TEXT NOT NULL DEFAULT '';
ALTER TABLE venues ADD COLUMN lat TEXT NOT NULL DEFAULT '';
