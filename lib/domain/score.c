/* SPDX-License-Identifier: MIT */
/* County scores (目标责任考核): the arithmetic of fk/score.h. The rounded score (cents) is what the
 * meeting's table shows, so the grade and the ranking read it, not the unrounded double: a county
 * shown at 90.00 is 优秀 and two counties shown with the same score are tied (then ranked by
 * code), whatever the digits beyond the second. */
#include "fk/score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

static const char *const grade_en[FK_NGRADES] = {"excellent", "good", "fair", "poor"};
static const char *const grade_zh[FK_NGRADES] = {"优秀", "良好", "一般", "较差"};

void fk_score_rule_defaults(struct fk_score_rule *r)
{
    r->cap = 1.0;
    r->bonus_cap = 5.0;
    r->grade_min[FK_GRADE_EXCELLENT] = 90.0;
    r->grade_min[FK_GRADE_GOOD] = 80.0;
    r->grade_min[FK_GRADE_FAIR] = 60.0;
}

void fk_score_rule_of(const struct fk_profile *p, struct fk_score_rule *r)
{
    int g;

    r->cap = p->score_cap_pct / 100.0;
    r->bonus_cap = p->score_bonus_cap;
    for (g = 0; g < FK_NGRADES - 1; g++)
        r->grade_min[g] = p->score_grade_min[g];
}

double fk_score_ratio(const struct fk_score_item *it, double cap)
{
    double r;

    if (it->lower) {
        if (it->actual <= 0)
            return cap;
        r = it->target / it->actual;
    } else {
        if (it->target <= 0)
            return cap;
        r = it->actual / it->target;
    }
    if (r < 0)
        r = 0;
    return r < cap ? r : cap;
}

enum fk_grade fk_score_grade(int64_t cents, const struct fk_score_rule *rule)
{
    int g;

    for (g = FK_GRADE_EXCELLENT; g < FK_GRADE_POOR; g++)
        if (cents >= llround(rule->grade_min[g] * 100.0))
            return (enum fk_grade)g;
    return FK_GRADE_POOR;
}

int fk_score_region(const struct fk_score_item *items, size_t n, double bonus,
                    const struct fk_score_rule *rule, struct fk_score_result *out)
{
    double sw = 0, swr = 0, r;
    size_t i;

    memset(out, 0, sizeof *out);
    if (n == 0 || !isfinite(bonus))
        return FK_EINVAL;
    for (i = 0; i < n; i++) {
        const struct fk_score_item *it = &items[i];

        if (!isfinite(it->weight) || it->weight <= 0 || !isfinite(it->target) ||
            !isfinite(it->actual))
            return FK_EINVAL;
        r = fk_score_ratio(it, rule->cap);
        sw += it->weight;
        swr += it->weight * r;
        if (it->veto && r < 1.0 && !out->veto) {
            out->veto = 1;
            out->veto_item = i;
        }
    }
    out->score = 100.0 * swr / sw + (bonus < rule->bonus_cap ? bonus : rule->bonus_cap);
    out->cents = llround(out->score * 100.0);
    out->grade = out->veto ? FK_GRADE_POOR : fk_score_grade(out->cents, rule);
    return FK_OK;
}

const char *fk_grade_name(enum fk_grade g)
{
    return (int)g >= 0 && g < FK_NGRADES ? grade_en[g] : "";
}

const char *fk_grade_name_zh(enum fk_grade g)
{
    return (int)g >= 0 && g < FK_NGRADES ? grade_zh[g] : "";
}

static int rank_cmp(const void *a, const void *b)
{
    const struct fk_score_rank *x = a, *y = b;

    if (x->res.veto != y->res.veto)
        return x->res.veto - y->res.veto;
    if (x->res.cents != y->res.cents)
        return x->res.cents > y->res.cents ? -1 : 1;
    return strcmp(x->region, y->region);
}

void fk_score_rank_sort(struct fk_score_rank *rows, size_t n)
{
    size_t i;

    if (n > 1)
        qsort(rows, n, sizeof *rows, rank_cmp);
    for (i = 0; i < n; i++)
        rows[i].rank = (int)i + 1;
}
