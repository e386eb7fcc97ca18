/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/screening.c: round checks (name, window), the inclusive window, and
 * the R-7 quantiles the turnaround report prints (median and p90 of sampling-to-result hours). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/screening.h"

static struct fk_round round_of(const char *name, int64_t start, int64_t end)
{
    struct fk_round r;

    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.region, sizeof r.region, "140702");
    r.start = start;
    r.end = end;
    return r;
}

static void test_screening__round_check_ok(void **state)
{
    struct fk_round r = round_of("R1", 100, 200);
    char reason[128] = "untouched";

    (void)state;
    assert_int_equal(fk_round_check(&r, reason, sizeof reason), FK_OK);
    r = round_of("第一轮 全员筛查", 100, 100); /* a one-second window is a window */
    assert_int_equal(fk_round_check(&r, reason, sizeof reason), FK_OK);
    r = round_of("R-2022.08.28 (a)", -500, 500);
    assert_int_equal(fk_round_check(&r, reason, sizeof reason), FK_OK);
}

static void expect_bad_round(const struct fk_round *r, const char *why)
{
    char reason[256] = "";

    assert_int_equal(fk_round_check(r, reason, sizeof reason), FK_EINVAL);
    if (!strstr(reason, why))
        fail_msg("reason '%s' does not say '%s'", reason, why);
}

static void test_screening__round_check_rejects(void **state)
{
    struct fk_round r;

    (void)state;
    r = round_of("", 1, 2);
    expect_bad_round(&r, "name");
    r = round_of("a,b", 1, 2);
    expect_bad_round(&r, "comma");
    r = round_of("say \"x\"", 1, 2);
    expect_bad_round(&r, "quote");
    r = round_of("tab\there", 1, 2);
    expect_bad_round(&r, "control");
    r = round_of("nl\n", 1, 2);
    expect_bad_round(&r, "control");
    r = round_of("del\x7f", 1, 2);
    expect_bad_round(&r, "control");
    r = round_of("R1", 200, 199);
    expect_bad_round(&r, "ends before it starts");
}

static void test_screening__round_contains_inclusive(void **state)
{
    struct fk_round r = round_of("R1", 1000, 2000);

    (void)state;
    assert_int_equal(fk_round_contains(&r, 999), 0);
    assert_int_equal(fk_round_contains(&r, 1000), 1);
    assert_int_equal(fk_round_contains(&r, 1500), 1);
    assert_int_equal(fk_round_contains(&r, 2000), 1);
    assert_int_equal(fk_round_contains(&r, 2001), 0);
    assert_int_equal(fk_round_contains(&r, INT64_MIN), 0);
    assert_int_equal(fk_round_contains(&r, INT64_MAX), 0);
    r = round_of("R0", 5, 5);
    assert_int_equal(fk_round_contains(&r, 5), 1);
    assert_int_equal(fk_round_contains(&r, 4), 0);
    assert_int_equal(fk_round_contains(&r, 6), 0);
}

static void test_screening__quantile_r7(void **state)
{
    static const double four[] = {1, 2, 3, 4};
    static const double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const double three[] = {10, 20, 30};

    (void)state;
    assert_float_equal(fk_quantile_sorted(four, 4, 0.5), 2.5, 1e-12);
    assert_float_equal(fk_quantile_sorted(ten, 10, 0.9), 9.1, 1e-9);
    assert_float_equal(fk_quantile_sorted(ten, 10, 0.5), 5.5, 1e-12);
    assert_float_equal(fk_quantile_sorted(ten, 10, 0.25), 3.25, 1e-12);
    assert_float_equal(fk_quantile_sorted(three, 3, 0.25), 15.0, 1e-12);
    assert_float_equal(fk_quantile_sorted(three, 3, 0.5), 20.0, 1e-12);
    /* the ends are the extremes */
    assert_float_equal(fk_quantile_sorted(ten, 10, 0.0), 1.0, 0);
    assert_float_equal(fk_quantile_sorted(ten, 10, 1.0), 10.0, 0);
}

/* The selection gives the sorted quantile to the bit, for any order, duplicates and sizes. */
static void test_screening__quantile_select(void **state)
{
    static const double qs[] = {0, 0.1, 0.5, 0.9, 0.95, 1};
    double v[257], sorted[257];
    uint64_t s = 17;
    size_t n, i, k, round;

    (void)state;
    assert_true(isnan(fk_quantile_select(v, 0, 0.9)));
    for (round = 0; round < 200; round++) {
        n = 1 + round % 257;
        for (i = 0; i < n; i++) {
            s = s * 6364136223846793005u + 1442695040888963407u;
            /* few distinct values on even rounds: runs of duplicates */
            sorted[i] = (double)((s >> 33) % (round % 2 ? 100000u : 7u)) / 8.0;
        }
        fk_sort_doubles(sorted, n);
        for (k = 0; k < sizeof qs / sizeof qs[0]; k++) {
            memcpy(v, sorted, n * sizeof *v);
            for (i = n; i > 1; i--) { /* the same values, shuffled (Fisher-Yates) */
                size_t j;
                double t;

                s = s * 6364136223846793005u + 1442695040888963407u;
                j = (size_t)((s >> 33) % i);
                t = v[i - 1], v[i - 1] = v[j], v[j] = t;
            }
            assert_true(fk_quantile_select(v, n, qs[k]) == fk_quantile_sorted(sorted, n, qs[k]));
        }
    }
}

static void test_screening__quantile_edge_sizes(void **state)
{
    static const double one[] = {7.25};
    static const double two[] = {1, 3};

    (void)state;
    assert_true(isnan(fk_quantile_sorted(NULL, 0, 0.5)));
    assert_true(isnan(fk_quantile_sorted(one, 0, 0.9)));
    assert_float_equal(fk_quantile_sorted(one, 1, 0.0), 7.25, 0);
    assert_float_equal(fk_quantile_sorted(one, 1, 0.5), 7.25, 0);
    assert_float_equal(fk_quantile_sorted(one, 1, 0.9), 7.25, 0);
    assert_float_equal(fk_quantile_sorted(one, 1, 1.0), 7.25, 0);
    assert_float_equal(fk_quantile_sorted(two, 2, 0.5), 2.0, 1e-12);
    assert_float_equal(fk_quantile_sorted(two, 2, 0.9), 2.8, 1e-12);
}

static void test_screening__sort_doubles(void **state)
{
    double v[] = {3.5, -1, 2, 10, 2, 0};
    double w[] = {42};

    (void)state;
    fk_sort_doubles(v, 6);
    assert_float_equal(v[0], -1, 0);
    assert_float_equal(v[1], 0, 0);
    assert_float_equal(v[2], 2, 0);
    assert_float_equal(v[3], 2, 0);
    assert_float_equal(v[4], 3.5, 0);
    assert_float_equal(v[5], 10, 0);
    fk_sort_doubles(w, 1);
    assert_float_equal(w[0], 42, 0);
    fk_sort_doubles(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screening__round_check_ok),
        cmocka_unit_test(test_screening__round_check_rejects),
        cmocka_unit_test(test_screening__round_contains_inclusive),
        cmocka_unit_test(test_screening__quantile_r7),
        cmocka_unit_test(test_screening__quantile_select),
        cmocka_unit_test(test_screening__quantile_edge_sizes),
        cmocka_unit_test(test_screening__sort_doubles),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
