-- SPDX-License-Identifier: MIT
-- Cold chain (冷链追溯), schema 12: the events of imported cold-chain goods, keyed so that a file
-- imported twice adds nothing. event and result are enum fk_cold_event and fk_cold_result
-- (fk/coldevent.h); id_number is the worker or buyer as written (registered or not), '' for
-- none. The primary key leads with (batch, time): a batch's events in time order; by_site
-- finds the batches that passed a site.
CREATE TABLE coldchain (
    batch     TEXT NOT NULL,
    event     INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    site      TEXT NOT NULL,
    id_number TEXT NOT NULL DEFAULT '',
    product   TEXT NOT NULL DEFAULT '',
    origin    TEXT NOT NULL DEFAULT '',
    result    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch, time, event, site, id_number)
) WITHOUT ROWID;
CREATE INDEX coldchain_site ON coldchain (site, time);
