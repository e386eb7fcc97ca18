-- SPDX-License-Identifier: MIT
-- The generation of the last batch that wrote what each in-memory index reads (issue 19): the
-- engine (regions, persons, samples, results) and the tracer (persons, venues, scans, pings,
-- cases). A snapshot of an index built at generation G is current while no batch after G wrote
-- its inputs, so an import of samples leaves the tracer's snapshot current, a round or a user
-- leaves both. Start at the current generation: every snapshot older than now is stale once.
INSERT INTO meta (key, value) SELECT 'engine_generation', value FROM meta WHERE key = 'generation';
INSERT INTO meta (key, value) SELECT 'tracer_generation', value FROM meta WHERE key = 'generation';
