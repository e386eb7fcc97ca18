/* SPDX-License-Identifier: MIT */
/* The county scores of a period (目标责任考核) from the store's indicators and scores rows, read
 * only: each region's items are scored by fk/score.h under the profile's [score] rule and
 * ranked. Region names and levels come from the engine's region tree. */
#ifndef FK_ASSESS_H
#define FK_ASSESS_H

#include <stddef.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/region.h"
#include "fk/store.h"
#include "fk/table.h"

/* The ranking of the regions of level `by` that have scores rows for period (NULL: the latest
 * period, by text order, of any row), as a table rank,region,name,score,grade,veto (score to 2
 * decimals; grade excellent|good|fair|poor; veto the code of the first veto indicator below its
 * target, empty when none), or with detail one row per region and indicator:
 * region,indicator,target,actual,r (r to 4 decimals); detail 2 adds the indicator's
 * name,category,weight,direction,veto. *period_out (cap bytes, may be NULL)
 * receives the period scored.
 *
 * Indicators fangkong computes (fk_score_computed) are left out until their data sources exist;
 * a scores row of an unknown indicator is skipped (the import refuses them). FK_OK (a table with
 * no rows when nothing is scored), FK_ENOENT (no scores rows at all: err says to import them),
 * FK_EINVAL (an indicator's stored weight is unusable), FK_ENOMEM, FK_EDB. Caller frees *out
 * with fk_table_free. Not thread-safe with writes on the same store connection. */
int fk_assess_score(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                    const char *period, enum fk_level by, int detail, char *period_out, size_t cap,
                    fk_table **out, char *err, size_t errlen);

#endif
