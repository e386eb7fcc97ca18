-- SPDX-License-Identifier: MIT
-- 目标责任考核 (issue 17): the assessment's indicators and each region's target, actual and bonus
-- per period. Numbers are kept as the file wrote them, normalised (fk_score_number_parse), so an
-- export gives back what was imported; enumerations as their enum values (fk/score.h).
CREATE TABLE indicators (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    category  INTEGER NOT NULL,
    weight    TEXT NOT NULL DEFAULT '1',
    direction INTEGER NOT NULL DEFAULT 0,   -- 0 higher is better, 1 lower
    veto      INTEGER NOT NULL DEFAULT 0    -- 1: 一票否决
) WITHOUT ROWID;

CREATE TABLE scores (
    indicator TEXT NOT NULL,
    region    TEXT NOT NULL,
    period    TEXT NOT NULL,
    target    TEXT NOT NULL,
    actual    TEXT NOT NULL DEFAULT '',     -- '' for an indicator fangkong computes
    bonus     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (indicator, region, period)
) WITHOUT ROWID;
CREATE INDEX scores_period ON scores (period, region);
