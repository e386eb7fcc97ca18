/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/score.c: the ratio at the cap, lower-is-better with an actual of 0, the
 * weighted score worked out by hand, the bonus cap, a veto forcing the lowest grade, the grade at
 * its thresholds on the rounded score, and the ranking's order and ties. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/profile.h"
#include "fk/score.h"

#define EPS 1e-9

static struct fk_score_item higher(double w, double target, double actual)
{
    struct fk_score_item it = {w, 0, 0, target, actual};
    return it;
}

static struct fk_score_item lower(double w, double target, double actual)
{
    struct fk_score_item it = {w, 1, 0, target, actual};
    return it;
}

static void test_score__ratio(void **state)
{
    struct fk_score_item it;

    (void)state;
    it = higher(1, 90, 45);
    assert_true(fabs(fk_score_ratio(&it, 1.0) - 0.5) < EPS);
    it = higher(1, 90, 99); /* above target: capped */
    assert_true(fabs(fk_score_ratio(&it, 1.0) - 1.0) < EPS);
    assert_true(fabs(fk_score_ratio(&it, 1.2) - 1.1) < EPS); /* under a higher cap: 99/90 */
    it = higher(1, 0, 3);                                    /* no target: met */
    assert_true(fabs(fk_score_ratio(&it, 1.0) - 1.0) < EPS);
    it = lower(1, 24, 48); /* twice the hours allowed: half */
    assert_true(fabs(fk_score_ratio(&it, 1.0) - 0.5) < EPS);
    it = lower(1, 24, 0); /* nothing at all on a lower-is-better indicator: the cap */
    assert_true(fabs(fk_score_ratio(&it, 1.0) - 1.0) < EPS);
    assert_true(fabs(fk_score_ratio(&it, 1.5) - 1.5) < EPS);
    it = lower(1, 0, 2); /* target 0, two problems: nothing */
    assert_true(fabs(fk_score_ratio(&it, 1.0)) < EPS);
    it = higher(1, 10, -5); /* a negative actual is no completion, not a negative one */
    assert_true(fabs(fk_score_ratio(&it, 1.0)) < EPS);
}

static void test_score__weighted(void **state)
{
    struct fk_score_rule rule;
    struct fk_score_result res;
    /* w 2 at 0.5, w 3 at 1 (capped), w 5 at 0.8 (lower: 24/30) → (1 + 3 + 4) / 10 = 80 % */
    struct fk_score_item items[3] = {higher(2, 90, 45), higher(3, 90, 95), lower(5, 24, 30)};

    (void)state;
    fk_score_rule_defaults(&rule);
    assert_int_equal(fk_score_region(items, 3, 0, &rule, &res), FK_OK);
    assert_true(fabs(res.score - 80.0) < EPS);
    assert_int_equal(res.cents, 8000);
    assert_int_equal(res.grade, FK_GRADE_GOOD);
    assert_int_equal(res.veto, 0);
    /* bonus 3 adds 3; bonus 8 adds only the cap, 5; a deduction is not capped */
    assert_int_equal(fk_score_region(items, 3, 3, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 8300);
    assert_int_equal(fk_score_region(items, 3, 8, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 8500);
    assert_int_equal(fk_score_region(items, 3, -30, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 5000);
    assert_int_equal(res.grade, FK_GRADE_POOR);
    /* with bonus the score may pass 100 */
    items[0] = higher(2, 90, 90);
    items[2] = lower(5, 24, 0);
    assert_int_equal(fk_score_region(items, 3, 5, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 10500);
    assert_int_equal(res.grade, FK_GRADE_EXCELLENT);
}

static void test_score__veto(void **state)
{
    struct fk_score_rule rule;
    struct fk_score_result res;
    struct fk_score_item items[2] = {higher(9, 90, 90), higher(1, 100, 99.99)};

    (void)state;
    fk_score_rule_defaults(&rule);
    items[1].veto = 1;
    /* 99.999 % shown as 100.00 would be 优秀, but the veto item is below its target */
    assert_int_equal(fk_score_region(items, 2, 5, &rule, &res), FK_OK);
    assert_true(res.cents >= 10000);
    assert_int_equal(res.veto, 1);
    assert_int_equal(res.veto_item, 1);
    assert_int_equal(res.grade, FK_GRADE_POOR);
    /* exactly at its target the veto item passes */
    items[1].actual = 100;
    assert_int_equal(fk_score_region(items, 2, 0, &rule, &res), FK_OK);
    assert_int_equal(res.veto, 0);
    assert_int_equal(res.grade, FK_GRADE_EXCELLENT);
    /* a lower-is-better veto item with actual 0 is met (the cap) */
    items[1] = lower(1, 0, 0);
    items[1].veto = 1;
    assert_int_equal(fk_score_region(items, 2, 0, &rule, &res), FK_OK);
    assert_int_equal(res.veto, 0);
}

static void test_score__grades(void **state)
{
    struct fk_score_rule rule;
    struct fk_score_result res;
    struct fk_score_item it = higher(1, 100, 89.994);

    (void)state;
    fk_score_rule_defaults(&rule);
    assert_int_equal(fk_score_grade(9000, &rule), FK_GRADE_EXCELLENT);
    assert_int_equal(fk_score_grade(8999, &rule), FK_GRADE_GOOD);
    assert_int_equal(fk_score_grade(8000, &rule), FK_GRADE_GOOD);
    assert_int_equal(fk_score_grade(7999, &rule), FK_GRADE_FAIR);
    assert_int_equal(fk_score_grade(6000, &rule), FK_GRADE_FAIR);
    assert_int_equal(fk_score_grade(5999, &rule), FK_GRADE_POOR);
    /* the grade reads the score as shown: 89.994 → 89.99 (良好), 89.995 → 90.00 (优秀) */
    assert_int_equal(fk_score_region(&it, 1, 0, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 8999);
    assert_int_equal(res.grade, FK_GRADE_GOOD);
    it.actual = 89.9951;
    assert_int_equal(fk_score_region(&it, 1, 0, &rule, &res), FK_OK);
    assert_int_equal(res.cents, 9000);
    assert_int_equal(res.grade, FK_GRADE_EXCELLENT);
    /* the profile's thresholds */
    rule.grade_min[FK_GRADE_EXCELLENT] = 95;
    assert_int_equal(fk_score_grade(9400, &rule), FK_GRADE_GOOD);
    assert_string_equal(fk_grade_name(FK_GRADE_FAIR), "fair");
    assert_string_equal(fk_grade_name_zh(FK_GRADE_POOR), "较差");
    assert_string_equal(fk_grade_name((enum fk_grade)7), "");
}

static void test_score__invalid(void **state)
{
    struct fk_score_rule rule;
    struct fk_score_result res;
    struct fk_score_item it = higher(0, 100, 50);

    (void)state;
    fk_score_rule_defaults(&rule);
    assert_int_equal(fk_score_region(&it, 1, 0, &rule, &res), FK_EINVAL); /* weight 0 */
    it.weight = -1;
    assert_int_equal(fk_score_region(&it, 1, 0, &rule, &res), FK_EINVAL);
    it.weight = 1;
    it.actual = NAN;
    assert_int_equal(fk_score_region(&it, 1, 0, &rule, &res), FK_EINVAL);
    assert_int_equal(res.cents, 0);
    assert_int_equal(fk_score_region(&it, 0, 0, &rule, &res), FK_EINVAL); /* nothing to score */
}

static void test_score__rank(void **state)
{
    struct fk_score_rank rows[5];
    const char *codes[5] = {"140703", "140702", "140705", "140704", "140701"};
    int64_t cents[5] = {8512, 8512, 9100, 7000, 9999};
    int veto[5] = {0, 0, 0, 0, 1};
    int i;

    (void)state;
    memset(rows, 0, sizeof rows);
    for (i = 0; i < 5; i++) {
        rows[i].region = codes[i];
        rows[i].res.cents = cents[i];
        rows[i].res.veto = veto[i];
    }
    fk_score_rank_sort(rows, 5);
    /* 91.00 first; the tie at 85.12 by code; 70.00; the vetoed 99.99 last */
    assert_string_equal(rows[0].region, "140705");
    assert_string_equal(rows[1].region, "140702");
    assert_string_equal(rows[2].region, "140703");
    assert_string_equal(rows[3].region, "140704");
    assert_string_equal(rows[4].region, "140701");
    for (i = 0; i < 5; i++)
        assert_int_equal(rows[i].rank, i + 1);
    fk_score_rank_sort(rows, 0); /* nothing to rank: no crash */
}

static void test_score__profile(void **state)
{
    struct fk_profile p;
    struct fk_score_rule def, r;
    char err[256];

    (void)state;
    fk_score_rule_defaults(&def);
    fk_profile_defaults(&p);
    fk_score_rule_of(&p, &r);
    assert_memory_equal(&def, &r, sizeof r); /* the profile's defaults are the rule's */
    assert_int_equal(fk_profile_parse("[score]\ncap_pct = 120\nbonus_cap = 3\nexcellent = 95\n", &p,
                                      err, sizeof err),
                     FK_OK);
    fk_score_rule_of(&p, &r);
    assert_true(fabs(r.cap - 1.2) < EPS);
    assert_true(fabs(r.bonus_cap - 3) < EPS);
    assert_true(fabs(r.grade_min[FK_GRADE_EXCELLENT] - 95) < EPS);
    assert_true(fabs(r.grade_min[FK_GRADE_GOOD] - 80) < EPS);
    /* thresholds out of order, a cap below 100 %, an unknown key: refused with the reason */
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[score]\ngood = 91\n", &p, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "excellent > good > fair"));
    assert_int_equal(fk_profile_parse("[score]\ncap_pct = 90\n", &p, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "cap_pct"));
    assert_int_equal(fk_profile_parse("[score]\nveto = 1\n", &p, err, sizeof err), FK_EINVAL);
}

static void test_score__parse(void **state)
{
    static const struct {
        const char *in, *norm;
        double v;
    } good[] = {
        {"92.5", "92.5", 92.5},   {"90", "90", 90},   {"007", "7", 7},  {"12.50", "12.5", 12.5},
        {"3.", "3", 3},           {".5", "0.5", 0.5}, {"-2", "-2", -2}, {"-0.0", "0", 0},
        {" 1.25 ", "1.25", 1.25}, {"0", "0", 0}};
    static const char *const bad[] = {
        "", "-", ".", "1e3", "1,5", "+1", "1.2.3", "abc", "1234567890123456", "９０"};
    char norm[24];
    double v;
    size_t i;
    int c, lower;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(fk_score_number_parse((fk_slice){good[i].in, strlen(good[i].in)}, &v, norm,
                                               sizeof norm),
                         FK_OK);
        assert_string_equal(norm, good[i].norm);
        assert_true(fabs(v - good[i].v) < EPS);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            fk_score_number_parse((fk_slice){bad[i], strlen(bad[i])}, &v, norm, sizeof norm),
            FK_EINVAL);
    assert_int_equal(fk_indicator_category_parse((fk_slice){"专项工作", strlen("专项工作")}, &c),
                     FK_OK);
    assert_int_equal(c, FK_IND_SPECIAL);
    assert_int_equal(fk_indicator_category_parse((fk_slice){"Party", 5}, &c), FK_OK);
    assert_int_equal(c, FK_IND_PARTY);
    assert_int_equal(fk_indicator_category_parse((fk_slice){"其他", strlen("其他")}, &c),
                     FK_EINVAL);
    assert_string_equal(fk_indicator_category_name(FK_IND_DIFFERENTIATED), "差异化");
    assert_string_equal(fk_indicator_category_name(9), "");
    assert_int_equal(fk_score_direction_parse((fk_slice){"lower", 5}, &lower), FK_OK);
    assert_int_equal(lower, 1);
    assert_int_equal(fk_score_direction_parse((fk_slice){"越高越好", strlen("越高越好")}, &lower),
                     FK_OK);
    assert_int_equal(lower, 0);
    assert_int_equal(fk_score_direction_parse((fk_slice){"up", 2}, &lower), FK_EINVAL);
    assert_int_equal(fk_score_computed("lock24"), 1);
    assert_int_equal(fk_score_computed("lock"), 0);
}

/* Periods as local (+08:00) windows: 2026-01-01T00:00+08:00 is 1767196800. */
static void test_score__period(void **state)
{
    int64_t from, to;

    (void)state;
    assert_int_equal(fk_period_window("2026", &from, &to), FK_OK);
    assert_int_equal(from, INT64_C(1767196800));
    assert_int_equal(to, INT64_C(1767196800) + 365 * 86400);
    assert_int_equal(fk_period_window("2026-12", &from, &to), FK_OK);
    assert_int_equal(from, INT64_C(1767196800) + 334 * 86400);
    assert_int_equal(to, INT64_C(1767196800) + 365 * 86400);
    assert_int_equal(fk_period_window("2026-Q2", &from, &to), FK_OK);
    assert_int_equal(from, INT64_C(1767196800) + 90 * 86400);
    assert_int_equal(to, INT64_C(1767196800) + 181 * 86400);
    assert_int_equal(fk_period_window("2026-H2", &from, &to), FK_OK);
    assert_int_equal(from, INT64_C(1767196800) + 181 * 86400);
    assert_int_equal(fk_period_window("2024-02", &from, &to), FK_OK);
    assert_int_equal(to - from, 29 * 86400); /* a leap February */
    assert_int_equal(fk_period_window("2026-Q5", &from, &to), FK_EINVAL);
    assert_int_equal(fk_period_window("2026-H3", &from, &to), FK_EINVAL);
    assert_int_equal(fk_period_window("2026-13", &from, &to), FK_EINVAL);
    assert_int_equal(fk_period_window("2026年", &from, &to), FK_EINVAL);
    assert_int_equal(fk_period_window("", &from, &to), FK_EINVAL);
    assert_int_equal(fk_period_window(NULL, &from, &to), FK_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_score__ratio),   cmocka_unit_test(test_score__weighted),
        cmocka_unit_test(test_score__veto),    cmocka_unit_test(test_score__grades),
        cmocka_unit_test(test_score__invalid), cmocka_unit_test(test_score__rank),
        cmocka_unit_test(test_score__profile), cmocka_unit_test(test_score__parse),
        cmocka_unit_test(test_score__period),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
