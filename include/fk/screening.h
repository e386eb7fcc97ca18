/* SPDX-License-Identifier: MIT */
/* Screening rounds (核酸筛查轮次) and the arithmetic on them: what falls in a round's window,
 * coverage ratios, and the quantiles of turnaround times. Pure. */
#ifndef FK_SCREENING_H
#define FK_SCREENING_H

#include <stddef.h>
#include <stdint.h>

#include "fk/region.h"

/* A test result (the data contract's negative, positive, invalid). */
enum fk_result { FK_RESULT_NEGATIVE = 0, FK_RESULT_POSITIVE = 1, FK_RESULT_INVALID = 2 };

#define FK_ROUND_NAME_MAX 64

struct fk_round {
    int64_t id;
    char name[FK_ROUND_NAME_MAX];
    char region[FK_REGION_CODE_MAX];
    int64_t start, end; /* Unix seconds; the window is inclusive at both ends */
    int64_t created;
};

/* FK_OK when the round's fields are usable (a name of printable characters, start <= end),
 * else FK_EINVAL with a reason. */
int fk_round_check(const struct fk_round *r, char *reason, size_t cap);
/* 1 when t lies inside the round's window (inclusive). */
static inline int fk_round_contains(const struct fk_round *r, int64_t t)
{
    return t >= r->start && t <= r->end;
}
/* Round r as it stood at `now` (as of, 历史回看): a sample taken after now does not exist yet, so
 * the window ends at now when now falls before its end (and is empty, end = start - 1, when the
 * round had not started). Coverage, missing and hourly counts over the cut round are the answers
 * as of now. */
static inline void fk_round_cut(struct fk_round *r, int64_t now)
{
    if (now < r->end)
        r->end = now < r->start ? r->start - 1 : now;
}
/* The q-quantile (0..1) of n sorted values, by linear interpolation between closest ranks (the
 * "R-7" definition of spreadsheets and numpy). NaN when n is 0. */
double fk_quantile_sorted(const double *v, size_t n, double q);
/* The same quantile of n values in any order, by selection (linear time, no sort): v is
 * reordered. NaN when n is 0. */
double fk_quantile_select(double *v, size_t n, double q);
/* Sorts n doubles ascending in place. */
void fk_sort_doubles(double *v, size_t n);

#endif
