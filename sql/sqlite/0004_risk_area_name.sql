-- SPDX-License-Identifier: MIT
-- Risk areas, schema version 4: the area's name beside its code ("110105" and "北京市朝阳区"), so a
-- back-check may name the area either way and finds the arrivals whose origin gives either.
ALTER TABLE risk_areas ADD COLUMN name TEXT NOT NULL DEFAULT '';
