-- SPDX-License-Identifier: MIT
-- The generation of the last batch that wrote a person (issue 19): the roster (DATA.roster, the
-- ID numbers an import finds persons by) built at generation G is current while no batch after G
-- wrote a person, so an import of samples or scans leaves it current. Start at the current
-- generation: a roster older than now is stale once.
INSERT INTO meta (key, value) SELECT 'roster_generation', value FROM meta WHERE key = 'generation';
