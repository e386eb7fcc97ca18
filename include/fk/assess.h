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
#include "fk/reports.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/tracer.h"
#include "fk/vaccination.h"

/* Where the indexes some computed indicators read come from (vax12_full the vaccination index
 * over eng, lock24 a tracer of the store, report_complete the reports index). A getter is called
 * only when an indicator scored needs its index, at most once a call; it returns FK_OK with an
 * index the source keeps (valid until the call returns) or an error with err. A NULL getter: the
 * index is built from the store for the call and freed after it. A server passes the indexes it
 * keeps, so that a ranking does not build one again, nor one no indicator reads. */
struct fk_assess_src {
    void *ud;
    int (*vax)(void *ud, fk_vax **out, char *err, size_t errlen);
    int (*tracer)(void *ud, fk_tracer **out, char *err, size_t errlen);
    int (*reports)(void *ud, fk_reports **out, char *err, size_t errlen);
};

/* What is asked of an assessment. */
struct fk_assess_ask {
    const char *period; /* NULL: the latest period, by text order, of any scores row */
    enum fk_level by;   /* the level scored (county) */
    int detail;         /* 0: the ranking; 1: one row per region and indicator; 2: with names;
                           3: the meeting's table (below) */
    const char *within; /* detail 3: the rows of regions inside it only (NULL: all) */
    int64_t now;        /* the computed indicators use data up to min(now, the period's end) */
    const struct fk_assess_src *src; /* where the indexes come from (NULL: built for the call) */
};

/* The ranking of the regions of level `by` that have scores rows for the period, as a table
 * rank,region,name,score,grade,veto (score to 2 decimals; grade excellent|good|fair|poor; veto
 * the code of the first veto indicator below its target, empty when none), or with detail one
 * row per region and indicator: region,indicator,target,actual,r,computed (r to 4 decimals;
 * computed 1 when fangkong computed the actual); detail 2 adds the indicator's
 * name,category,weight,direction,veto,computed. With detail 3 the meeting's table, one row per
 * region in rank order with the indicators across: rank,region,name, then one column per
 * indicator scored, headed by its name, holding the points it earned (100 × w × r / Σw of the
 * region, 2 decimals; empty without an item), then bonus (capped),score,grade,veto; rows of
 * regions outside a->within are left out (their ranks stay). *period_out (cap bytes, may be NULL)
 * receives the period scored.
 *
 * The indicators fangkong computes (fk_score_computed) take the target of their scores row and
 * an actual computed for the region over the period's window (fk_period_window; up to now):
 * screen_coverage (the coverage % of the latest screening round over the region that started
 * in the window), tat_p90 (that round's 90th percentile hours from sampling to result, the
 * region's tubes), vax12_full (the % of residents 12 and over with a full course at the window's
 * end), report_complete (unit-days reported by the deadline, %), problems_on_time (problems
 * due in the window closed by their deadline, %), lock24 (close contacts of the window's cases
 * under control within 24 h, %). One without data for the region (no round, no resident, no
 * unit, no problem due, no case; a period that is no window) is left out of the region's
 * score. A scores row of an
 * unknown indicator is skipped (the import refuses them). FK_OK (a table with no rows when
 * nothing is scored), FK_ENOENT (no scores rows at all: err says to import them), FK_EINVAL (an
 * indicator's stored weight is unusable), FK_ENOMEM, FK_EDB. Caller frees *out with
 * fk_table_free. Not thread-safe with writes on the same store connection. */
int fk_assess_score(fk_store *st, fk_engine *eng, const struct fk_profile *p,
                    const struct fk_assess_ask *a, char *period_out, size_t cap, fk_table **out,
                    char *err, size_t errlen);

/* Why a region scores what it scores (score --explain): rank is its ranking row
 * (rank,region,name,score,grade,veto) among the regions of its level, scored in the same pass;
 * items is its detail (region,indicator,target,actual,r,name,category,weight,direction,veto,
 * computed), and for each computed indicator one table of the rows behind its actual (the round
 * and its counts, the tubes' hours, the residents by band), named by the indicator's code. */
#define FK_ASSESS_EXPLAIN_MAX 8
struct fk_assess_explain {
    char period[64];
    fk_table *rank;
    fk_table *items;
    size_t n;
    char name[FK_ASSESS_EXPLAIN_MAX][32];
    fk_table *rows[FK_ASSESS_EXPLAIN_MAX];
};
/* The level scored is the region's own (a->by is not read). FK_OK, FK_ENOENT (no scores rows,
 * or none of the region in the period: err says which), and as fk_assess_score. Free with
 * fk_assess_explain_fini. */
int fk_assess_explain(fk_store *st, fk_engine *eng, const struct fk_profile *p,
                      const struct fk_assess_ask *a, const char *region,
                      struct fk_assess_explain *out, char *err, size_t errlen);
void fk_assess_explain_fini(struct fk_assess_explain *x);

#endif
