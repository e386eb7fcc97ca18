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
#include "fk/str.h"
#include "fk/time.h"

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

static const char *const cat_zh[FK_IND_NCATEGORIES] = {"党建", "高质量发展", "营商环境", "专项工作",
                                                       "差异化"};
static const char *const cat_en[FK_IND_NCATEGORIES] = {"party", "development", "business",
                                                       "special", "differentiated"};
static const char *const computed[] = {"screen_coverage", "lock24",          "tat_p90",
                                       "vax12_full",      "report_complete", "problems_on_time"};

const char *fk_indicator_category_name(int c)
{
    return c >= 0 && c < FK_IND_NCATEGORIES ? cat_zh[c] : "";
}

const char *fk_indicator_category_name_en(int c)
{
    return c >= 0 && c < FK_IND_NCATEGORIES ? cat_en[c] : "";
}

int fk_indicator_category_parse(fk_slice s, int *out)
{
    int c;

    s = fk_slice_trim(s);
    for (c = 0; c < FK_IND_NCATEGORIES; c++)
        if (fk_slice_eq(s, cat_zh[c]) || fk_slice_eqi(s, cat_en[c])) {
            *out = c;
            return FK_OK;
        }
    return FK_EINVAL;
}

const char *fk_score_direction_name(int lower)
{
    return lower ? "lower" : "higher";
}

int fk_score_direction_parse(fk_slice s, int *lower)
{
    s = fk_slice_trim(s);
    if (fk_slice_eqi(s, "higher") || fk_slice_eq(s, "越高越好"))
        *lower = 0;
    else if (fk_slice_eqi(s, "lower") || fk_slice_eq(s, "越低越好"))
        *lower = 1;
    else
        return FK_EINVAL;
    return FK_OK;
}

int fk_score_number_parse(fk_slice s, double *out, char *norm, size_t cap)
{
    char buf[24];
    size_t i = 0, int_start, int_end, frac_end, n = 0;
    int neg = 0, digits = 0;

    s = fk_slice_trim(s);
    if (s.n == 0 || s.n > 15 || cap < 17)
        return FK_EINVAL;
    if (s.p[0] == '-') {
        neg = 1;
        i = 1;
    }
    int_start = i;
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
        i++, digits++;
    int_end = i;
    frac_end = i;
    if (i < s.n && s.p[i] == '.') {
        i++;
        frac_end = i;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
            i++, digits++;
        frac_end = i;
    }
    if (i != s.n || digits == 0)
        return FK_EINVAL;
    memcpy(buf, s.p, s.n);
    buf[s.n] = '\0';
    *out = strtod(buf, NULL);
    /* the normalised text: integer part without leading zeros, fraction without trailing ones */
    while (int_start + 1 < int_end && s.p[int_start] == '0')
        int_start++;
    if (frac_end > int_end) /* "12.50" -> "12.5", "3." -> "3" */
        while (frac_end > int_end + 1 && s.p[frac_end - 1] == '0')
            frac_end--;
    if (frac_end == int_end + 1) /* a point with no digits left */
        frac_end = int_end;
    if (neg && *out != 0)
        norm[n++] = '-';
    if (int_end == int_start)
        norm[n++] = '0'; /* ".5" -> "0.5" */
    memcpy(norm + n, s.p + int_start, int_end - int_start);
    n += int_end - int_start;
    if (frac_end > int_end) {
        memcpy(norm + n, s.p + int_end, frac_end - int_end);
        n += frac_end - int_end;
    }
    norm[n] = '\0';
    if (*out == 0)
        fk_strlcpy(norm, "0", cap);
    return FK_OK;
}

int fk_score_computed(const char *code)
{
    size_t i;

    for (i = 0; i < sizeof computed / sizeof computed[0]; i++)
        if (strcmp(code, computed[i]) == 0)
            return 1;
    return 0;
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int fk_period_window(const char *period, int64_t *from, int64_t *to)
{
    size_t n = period ? strlen(period) : 0;
    int y = n >= 4 ? digits(period, 4) : -1, m0 = 1, months = 12, k;

    *from = *to = 0;
    if (y < 1900)
        return FK_EINVAL;
    if (n == 7 && period[4] == '-' && (period[5] == 'H' || period[5] == 'Q')) {
        k = digits(period + 6, 1);
        months = period[5] == 'H' ? 6 : 3;
        if (k < 1 || k > 12 / months)
            return FK_EINVAL;
        m0 = 1 + (k - 1) * months;
    } else if (n == 7 && period[4] == '-') {
        m0 = digits(period + 5, 2);
        months = 1;
        if (m0 < 1 || m0 > 12)
            return FK_EINVAL;
    } else if (n != 4) {
        return FK_EINVAL;
    }
    *from = fk_days_from_civil(y, (unsigned)m0, 1) * 86400 - FK_TZ_OFFSET;
    m0 += months;
    *to = (m0 > 12 ? fk_days_from_civil(y + 1, (unsigned)(m0 - 12), 1)
                   : fk_days_from_civil(y, (unsigned)m0, 1)) *
              86400 -
          FK_TZ_OFFSET;
    return FK_OK;
}
