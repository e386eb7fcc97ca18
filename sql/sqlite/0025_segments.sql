-- SPDX-License-Identifier: MIT
-- The manifest of the segment files that hold the samples (issue 19): the store appends a batch's
-- samples to <data file>.samples.<seq>, synced, and names it here in the batch's own transaction,
-- so the batch and its samples commit together. A segment holds rows [base, base + rows) of the
-- numbering across segments; keys is how many samples there were once it committed (a row that
-- updates a sample is appended too, so rows alone does not count them). The samples table stays for data files written before: the store
-- moves its rows into a first segment when it next opens one (and empties it).
CREATE TABLE segments (
    seq  INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    base INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    keys INTEGER NOT NULL
);
CREATE INDEX segments_kind_base ON segments (kind, base);
