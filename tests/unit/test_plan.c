/* SPDX-License-Identifier: MIT */
/* Unit tests of the mass-screening plan's arithmetic and the pace forecast (issue 21): a region
 * of 2 499, 2 500 and 2 501 residents against one site per 2 500, one table per 700 and a sampler
 * per 360 in 24 h; tubes by pool class; the zones' shorter hours; the [plan] profile; and the
 * forecast with a flat, a rising and a stalled pace, a target reached, and an ETA past the
 * round's end. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/plan.h"
#include "fk/profile.h"

static struct fk_plan_need size_other(const struct fk_profile *p, int64_t n, int hours)
{
    struct fk_plan_counts c = {0, 0, 0, n};
    struct fk_plan_need o;

    assert_int_equal(fk_plan_size(p, &c, hours, &o), FK_OK);
    return o;
}

static void test_plan__site_edges(void **state)
{
    struct fk_profile p;
    struct fk_plan_need o;

    (void)state;
    fk_profile_defaults(&p);
    o = size_other(&p, 2499, 24);
    assert_int_equal(o.residents, 2499);
    assert_int_equal(o.sites, 1);
    assert_int_equal(o.tables, 4);   /* 2499 / 700 = 3.57 */
    assert_int_equal(o.samplers, 7); /* 2499 / 360 = 6.94 */
    assert_int_equal(o.tubes, 250);  /* 2499 / 10 = 249.9 */
    assert_int_equal(o.hours, 24);
    o = size_other(&p, 2500, 24);
    assert_int_equal(o.sites, 1);
    assert_int_equal(o.tables, 4);
    assert_int_equal(o.samplers, 7);
    assert_int_equal(o.tubes, 250);
    o = size_other(&p, 2501, 24);
    assert_int_equal(o.sites, 2);
    assert_int_equal(o.tables, 4);
    assert_int_equal(o.samplers, 7); /* 2501 / 360 = 6.95 */
    assert_int_equal(o.tubes, 251);
    /* the other edges: 700 tables, 360 samplers, 2 520 = 7 x 360 */
    assert_int_equal(size_other(&p, 700, 24).tables, 1);
    assert_int_equal(size_other(&p, 701, 24).tables, 2);
    assert_int_equal(size_other(&p, 2520, 24).samplers, 7);
    assert_int_equal(size_other(&p, 2521, 24).samplers, 8);
    /* nobody needs nothing; one person needs one of each */
    o = size_other(&p, 0, 24);
    assert_int_equal(o.sites + o.tables + o.samplers + o.tubes, 0);
    o = size_other(&p, 1, 24);
    assert_int_equal(o.sites + o.tables + o.samplers + o.tubes, 4);
}

static void test_plan__hours(void **state)
{
    struct fk_profile p;

    (void)state;
    fk_profile_defaults(&p);
    /* twice the time, half the samplers (rounded up); a 12-hour round, twice as many */
    assert_int_equal(size_other(&p, 2520, 48).samplers, 4); /* 3.5 */
    assert_int_equal(size_other(&p, 2520, 12).samplers, 14);
    assert_int_equal(size_other(&p, 2520, 1).samplers, 168);
    /* sites and tables do not depend on the hours */
    assert_int_equal(size_other(&p, 2520, 48).sites, 2);
    assert_int_equal(size_other(&p, 2520, 48).tables, 4);
}

static void test_plan__pools_and_zones(void **state)
{
    struct fk_profile p;
    struct fk_plan_counts c = {11, 3, 26, 101};
    struct fk_plan_need o;

    (void)state;
    fk_profile_defaults(&p);
    /* 11 single + 3 single + ceil(26 / 5) + ceil(101 / 10) = 11 + 3 + 6 + 11 */
    assert_int_equal(fk_plan_size(&p, &c, 72, &o), FK_OK);
    assert_int_equal(o.residents, 141);
    assert_int_equal(o.tubes, 31);
    /* lockdown residents: 24 h, not the round's 72 */
    assert_int_equal(o.hours, 24);
    assert_int_equal(o.samplers, 1); /* 141 x 24 / (360 x 24) */
    /* control-zone residents only: 48 h */
    c = (struct fk_plan_counts){0, 0, 26, 0};
    assert_int_equal(fk_plan_size(&p, &c, 72, &o), FK_OK);
    assert_int_equal(o.hours, 48);
    assert_int_equal(o.tubes, 6);
    /* a round shorter than the zone's hours keeps its own */
    assert_int_equal(fk_plan_size(&p, &c, 12, &o), FK_OK);
    assert_int_equal(o.hours, 12);
    /* a control zone's 25 and 26 persons: 5 and 6 tubes */
    c.control = 25;
    assert_int_equal(fk_plan_size(&p, &c, 24, &o), FK_OK);
    assert_int_equal(o.tubes, 5);
    /* bad input */
    assert_int_equal(fk_plan_size(&p, &c, 0, &o), FK_EINVAL);
    assert_int_equal(fk_plan_size(&p, &c, 721, &o), FK_EINVAL);
    c.other = -1;
    assert_int_equal(fk_plan_size(&p, &c, 24, &o), FK_EINVAL);
    assert_int_equal(o.residents, 0);
}

static void test_plan__profile(void **state)
{
    struct fk_profile p;
    struct fk_plan_counts c = {0, 0, 0, 2001};
    struct fk_plan_need o;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[plan]\nsite_per = 1000\npool_other = 20\n"
                                      "sampler_per = 500\n",
                                      &p, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_plan_size(&p, &c, 24, &o), FK_OK);
    assert_int_equal(o.sites, 3);
    assert_int_equal(o.tubes, 101);
    assert_int_equal(o.samplers, 5);
    assert_int_equal(fk_profile_parse("[plan]\npool_other = 0\n", &p, err, sizeof err), FK_EINVAL);
    assert_int_equal(fk_profile_parse("[plan]\nsite_each = 3\n", &p, err, sizeof err), FK_EINVAL);
}

static void test_plan__lab_hours(void **state)
{
    (void)state;
    assert_true(fk_plan_lab_hours(1000, 400) == 2.5);
    assert_true(fk_plan_lab_hours(0, 400) == 0);
    assert_true(fk_plan_lab_hours(1000, 0) < 0);
}

#define NOW 1661652000 /* 2022-08-28T10:00:00+08:00 */

static void test_plan__forecast(void **state)
{
    int64_t eta = -1;

    (void)state;
    /* 1 000 residents, target 90 %: 900 wanted. Flat pace: 100 an hour over both hours, 500
     * sampled, 400 to go: 4 h. */
    assert_int_equal(fk_pace_forecast(1000, 90, 500, 300, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + 4 * 3600);
    /* A rising pace: 50 then 250 (300 in the last two hours, 150 an hour): 400 / 150 h,
     * 9 600 s. */
    assert_int_equal(fk_pace_forecast(1000, 90, 500, 200, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + 9600);
    /* rounded up to the second: 1 left at 3 in 2 h = 2 400 s; 1 left at 7 in 2 h: 1028.57 */
    assert_int_equal(fk_pace_forecast(1000, 90, 899, 896, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + 2400);
    assert_int_equal(fk_pace_forecast(1000, 90, 899, 892, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + 1029);
    /* nobody in the last two hours: not at this pace */
    assert_int_equal(fk_pace_forecast(1000, 90, 500, 500, NOW, &eta), FK_PACE_STALLED);
    assert_int_equal(eta, 0);
    /* reached, exactly (900 of 1 000) and past it, even with no pace */
    assert_int_equal(fk_pace_forecast(1000, 90, 900, 900, NOW, &eta), FK_PACE_REACHED);
    assert_int_equal(fk_pace_forecast(1000, 90, 950, 100, NOW, &eta), FK_PACE_REACHED);
    /* the target rounds up: 90 % of 1 001 is 900.9, so 901 */
    assert_int_equal(fk_pace_forecast(1001, 90, 900, 899, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + 7200);
    /* a region with nobody has reached it */
    assert_int_equal(fk_pace_forecast(0, 90, 0, 0, NOW, &eta), FK_PACE_REACHED);
    /* a slow pace gives an ETA days away: still an ETA (the caller says how late) */
    assert_int_equal(fk_pace_forecast(100000, 100, 0, 0, NOW, &eta), FK_PACE_STALLED);
    assert_int_equal(fk_pace_forecast(100000, 100, 2, 0, NOW, &eta), FK_PACE_ETA);
    assert_int_equal(eta, NOW + (int64_t)99998 * 3600);
    assert_string_equal(fk_pace_state_name(FK_PACE_STALLED), "stalled");
    assert_string_equal(fk_pace_state_name(FK_PACE_REACHED), "reached");
    assert_string_equal(fk_pace_state_name(FK_PACE_ETA), "eta");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan__site_edges),      cmocka_unit_test(test_plan__hours),
        cmocka_unit_test(test_plan__pools_and_zones), cmocka_unit_test(test_plan__profile),
        cmocka_unit_test(test_plan__lab_hours),       cmocka_unit_test(test_plan__forecast),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
