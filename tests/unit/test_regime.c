/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/regime.c and the [control] / [regime.NAME] profile sections: names in
 * English and Chinese, the tests a regime requires at the edges of their day windows (local days,
 * +08:00), release rules, door windows, offline limits and risk-area matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/profile.h"
#include "fk/regime.h"
#include "fk/screening.h"
#include "fk/time.h"

/* 2022-09-01T00:00:00+08:00 */
#define D0 INT64_C(1661961600)
#define DAY 86400
#define S(z) ((fk_slice){z, sizeof z - 1})

static void test_regime__names(void **state)
{
    enum fk_ctl_category c;
    enum fk_ctl_place p;
    enum fk_door_event e;
    enum fk_risk_level l;

    (void)state;
    assert_int_equal(fk_ctl_category_parse(S("close"), &c), FK_OK);
    assert_int_equal(c, FK_CTL_CLOSE);
    assert_int_equal(fk_ctl_category_parse(S("次密接"), &c), FK_OK);
    assert_int_equal(c, FK_CTL_SECONDARY);
    assert_int_equal(fk_ctl_category_parse(S(" Risk_Area "), &c), FK_OK);
    assert_int_equal(c, FK_CTL_RISK_AREA);
    assert_int_equal(fk_ctl_category_parse(S("closer"), &c), FK_EINVAL);
    assert_int_equal(fk_ctl_place_parse(S("集中隔离"), &p), FK_OK);
    assert_int_equal(p, FK_PLACE_CENTRALIZED);
    assert_int_equal(fk_ctl_place_parse(S("home"), &p), FK_OK);
    assert_int_equal(p, FK_PLACE_HOME);
    assert_int_equal(fk_ctl_place_parse(S(""), &p), FK_EINVAL);
    assert_int_equal(fk_door_event_parse(S("tamper"), &e), FK_OK);
    assert_int_equal(e, FK_DOOR_TAMPER);
    assert_int_equal(fk_door_event_parse(S("opened"), &e), FK_EINVAL);
    assert_int_equal(fk_risk_level_parse(S("中风险"), &l), FK_OK);
    assert_int_equal(l, FK_RISK_MEDIUM);
    assert_string_equal(fk_ctl_category_name(FK_CTL_COMPANION), "companion");
    assert_string_equal(fk_ctl_place_name(FK_PLACE_MONITORING), "monitoring");
    assert_string_equal(fk_alert_kind_name(FK_ALERT_POSITIVE), "positive");
    assert_string_equal(fk_ctl_category_name((enum fk_ctl_category)99), "");
}

static void test_regime__profile_defaults(void **state)
{
    struct fk_profile p;
    const struct fk_regime *r;

    (void)state;
    fk_profile_defaults(&p);
    r = fk_regime_find(&p, "land3");
    assert_non_null(r);
    assert_int_equal(r->days, 0xF);
    assert_ptr_equal(fk_regime_default(&p, FK_CTL_ARRIVAL), r);
    assert_string_equal(fk_regime_default(&p, FK_CTL_CLOSE)->name, "isolation7");
    assert_null(fk_regime_default(&p, FK_CTL_CASE));
    assert_string_equal(fk_regime_for_tags(&p, "school; coldchain")->name, "daily");
    assert_null(fk_regime_for_tags(&p, "school;cold"));
    assert_null(fk_regime_for_tags(&p, ""));
    assert_int_equal(p.door_offline_minutes, 30);
    assert_int_equal(p.backcheck_days, 7);
}

static void test_regime__profile_parse(void **state)
{
    struct fk_profile p;
    char err[256];
    const struct fk_regime *r;

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[regime.home14]\ndays = 1, 7,14\nduration = 14\n"
                                      "release_negatives = 2\n[control]\nclose_regime = home14\n"
                                      "door_allowed = 07:00-07:30, 18:00-18:30\n"
                                      "door_offline_minutes = 45\nbackcheck_days = 14\n"
                                      "[regime.daily]\ntags = port\n",
                                      &p, err, sizeof err),
                     FK_OK);
    r = fk_regime_find(&p, "home14");
    assert_non_null(r);
    assert_int_equal(r->days, (1u << 1) | (1u << 7) | (1u << 14));
    assert_int_equal(r->duration, 14);
    assert_ptr_equal(fk_regime_default(&p, FK_CTL_CLOSE), r);
    assert_int_equal(p.ndoor_windows, 2);
    assert_int_equal(p.door_windows[1][0], 18 * 60);
    assert_int_equal(p.door_offline_minutes, 45);
    assert_int_equal(p.backcheck_days, 14);
    /* An override keeps the rest of a default regime. */
    assert_int_equal(fk_regime_find(&p, "daily")->every, 1);
    assert_null(fk_regime_for_tags(&p, "coldchain"));

    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[control]\nclose_regime = nosuch\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "nosuch"));
    assert_int_equal(fk_profile_parse("[regime.x]\nduration = 3\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "neither"));
    assert_int_equal(fk_profile_parse("[regime.x]\ndays = 1\nevery = 2\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[regime.x]\ndays = 64\n", &p, err, sizeof err), FK_EINVAL);
    assert_int_equal(fk_profile_parse("[regime.x]\nweekly = 1\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[control]\ndoor_allowed = 7-8\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[control]\ndoor_allowed = 08:00-07:00\n", &p, err,
                                      sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[controls]\n", &p, err, sizeof err), FK_EINVAL);
    /* A failed parse changes nothing. */
    assert_int_equal(p.ndoor_windows, 0);
    assert_string_equal(fk_regime_default(&p, FK_CTL_CLOSE)->name, "isolation7");
}

static void test_regime__local_day(void **state)
{
    (void)state;
    assert_int_equal(fk_local_day(D0), fk_local_day(D0 + DAY - 1));
    assert_int_equal(fk_local_day(D0) + 1, fk_local_day(D0 + DAY));
    assert_int_equal(fk_local_day(D0 - 1) + 1, fk_local_day(D0));
    assert_int_equal(fk_local_day(-FK_TZ_OFFSET), 0);
    assert_int_equal(fk_local_day(-FK_TZ_OFFSET - 1), -1);
}

/* land3 from an arrival at 23:30 on day 0: tests on days 0..3 as calendar days. */
static void test_regime__fixed_days(void **state)
{
    struct fk_profile p;
    const struct fk_regime *r;
    struct fk_test t[8];
    int64_t start = D0 + 23 * 3600 + 1800, today = fk_local_day(D0) + 2;
    /* A sample at 23:59:59 of day 0 and one at 00:00:00 of day 2; none on day 1. */
    int64_t samples[] = {D0 + DAY - 1, D0 + 2 * DAY};
    size_t n;

    (void)state;
    fk_profile_defaults(&p);
    r = fk_regime_find(&p, "land3");
    n = fk_regime_tests(r, start, 0, today, samples, 2, 0, t, 8);
    assert_int_equal(n, 3); /* day 3 is after today: not listed */
    assert_int_equal(t[0].day, 0);
    assert_int_equal(t[0].state, FK_TEST_DONE);
    assert_int_equal(t[0].sampled, D0 + DAY - 1);
    assert_int_equal(t[1].state, FK_TEST_OVERDUE);
    assert_int_equal(t[2].state, FK_TEST_DONE);
    /* Without the day-2 sample, today's test is due, not overdue. */
    n = fk_regime_tests(r, start, 0, today, samples, 1, 0, t, 8);
    assert_int_equal(t[2].state, FK_TEST_DUE);
    /* A control ended on day 1 requires nothing after it. */
    n = fk_regime_tests(r, start, D0 + DAY + 60, today, samples, 1, 0, t, 8);
    assert_int_equal(n, 2);
    /* Before the start: nothing. */
    assert_int_equal(fk_regime_tests(r, start, 0, fk_local_day(D0) - 1, samples, 2, 0, t, 8), 0);
    /* The count is returned even when cap is smaller. */
    assert_int_equal(fk_regime_tests(r, start, 0, today + 10, samples, 2, 0, t, 1), 4);
    assert_int_equal(fk_regime_tests(NULL, start, 0, today, samples, 2, 0, t, 8), 0);
}

static void test_regime__periodic(void **state)
{
    struct fk_profile p;
    const struct fk_regime *r;
    struct fk_test t[16];
    int64_t d0 = fk_local_day(D0);
    int64_t samples[] = {D0 + 2 * DAY + 100}; /* day 2: inside window 0 (days 0-2) */
    size_t n;

    (void)state;
    fk_profile_defaults(&p);
    r = fk_regime_find(&p, "every3");
    n = fk_regime_tests(r, D0 + 3600, 0, d0 + 6, samples, 1, 0, t, 16);
    assert_int_equal(n, 3);
    assert_int_equal(t[0].first, d0);
    assert_int_equal(t[0].last, d0 + 2);
    assert_int_equal(t[0].state, FK_TEST_DONE);
    assert_int_equal(t[1].state, FK_TEST_OVERDUE); /* days 3-5, nothing */
    assert_int_equal(t[2].state, FK_TEST_DUE);     /* days 6-8 holds today */
    assert_int_equal(t[2].day, 6);
    /* recent: only the last two windows. */
    n = fk_regime_tests(r, D0 + 3600, 0, d0 + 6, samples, 1, 1, t, 16);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].first, d0 + 3);
    r = fk_regime_find(&p, "daily");
    n = fk_regime_tests(r, D0, 0, d0 + 2, samples, 1, 1, t, 16);
    assert_int_equal(n, 2);
    assert_int_equal(t[0].first, d0 + 1);
    assert_int_equal(t[0].state, FK_TEST_OVERDUE); /* yesterday: missed */
    assert_int_equal(t[1].state, FK_TEST_DONE);    /* today: the day-2 sample */
}

static void test_regime__release(void **state)
{
    struct fk_profile p;
    const struct fk_regime *r;
    char why[160];
    int64_t rt[3] = {D0 + 4 * DAY, D0 + 6 * DAY, D0 + 7 * DAY};
    int rs[3] = {FK_RESULT_NEGATIVE, FK_RESULT_NEGATIVE, FK_RESULT_NEGATIVE};

    (void)state;
    fk_profile_defaults(&p);
    r = fk_regime_find(&p, "isolation7");
    /* Day 6 of 7: too early. */
    assert_int_equal(fk_release_ok(r, D0 + 3600, 0, D0 + 6 * DAY + 3600, rt, rs, 3, why,
                                   sizeof why),
                     0);
    assert_non_null(strstr(why, "day 6 of 7"));
    assert_int_equal(fk_release_ok(r, D0 + 3600, 0, D0 + 7 * DAY + 3600, rt, rs, 3, why,
                                   sizeof why),
                     1);
    /* Extended by 2 days. */
    assert_int_equal(fk_release_ok(r, D0 + 3600, 2, D0 + 7 * DAY + 3600, rt, rs, 3, why,
                                   sizeof why),
                     0);
    /* The last result invalid: not two negatives in a row. */
    rs[2] = FK_RESULT_INVALID;
    assert_int_equal(fk_release_ok(r, D0 + 3600, 0, D0 + 8 * DAY, rt, rs, 3, why, sizeof why),
                     0);
    assert_non_null(strstr(why, "2 negative results"));
    /* A positive since the start blocks release; one before the start does not count. */
    rs[2] = FK_RESULT_NEGATIVE;
    rs[0] = FK_RESULT_POSITIVE;
    assert_int_equal(fk_release_ok(r, D0 + 3600, 0, D0 + 8 * DAY, rt, rs, 3, why, sizeof why),
                     0);
    assert_int_equal(fk_release_ok(r, D0 + 5 * DAY, 0, D0 + 12 * DAY, rt, rs, 3, why,
                                   sizeof why),
                     1);
    /* Before the start. */
    assert_int_equal(fk_release_ok(r, D0 + 3600, 0, D0, rt, rs, 3, why, sizeof why), 0);
    assert_non_null(strstr(why, "before"));
}

static void test_regime__door(void **state)
{
    struct fk_profile p;
    char err[128];

    (void)state;
    fk_profile_defaults(&p);
    /* No allowed window by default: every open under home control alerts. */
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_OPEN, D0 + 7 * 3600, 1), FK_ALERT_DOOR_OPEN);
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_OPEN, D0 + 7 * 3600, 2), -1);
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_OPEN, D0 + 7 * 3600, 0), -1);
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_CLOSE, D0, 1), -1);
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_TAMPER, D0, 2), FK_ALERT_DOOR_TAMPER);
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_TAMPER, D0, 0), -1);
    assert_int_equal(fk_profile_parse("[control]\ndoor_allowed = 07:00-07:30\n", &p, err,
                                      sizeof err),
                     FK_OK);
    assert_int_equal(fk_door_allowed(&p, D0 + 7 * 3600), 1);            /* 07:00:00 in */
    assert_int_equal(fk_door_allowed(&p, D0 + 7 * 3600 + 1799), 1);     /* 07:29:59 in */
    assert_int_equal(fk_door_allowed(&p, D0 + 7 * 3600 + 1800), 0);     /* 07:30:00 out */
    assert_int_equal(fk_door_allowed(&p, D0 + 7 * 3600 - 1), 0);        /* 06:59:59 out */
    assert_int_equal(fk_door_event_alert(&p, FK_DOOR_OPEN, D0 + 7 * 3600 + 60, 1), -1);
    /* Offline: more than 30 minutes. */
    assert_int_equal(fk_door_silent_too_long(&p, D0, D0 + 1800), 0);
    assert_int_equal(fk_door_silent_too_long(&p, D0, D0 + 1801), 1);
}

/* A pharmacy buyer at 10:00 on day 0 with a 48 h deadline (10:00 day 2): a sample counts at the
 * exact second of the purchase and of the deadline, not one second outside; the state follows
 * the deadline's day. */
static void test_regime__deadline(void **state)
{
    int64_t bought = D0 + 10 * 3600, deadline = bought + 48 * 3600, day0 = fk_local_day(D0);
    int64_t before[] = {bought - 1, deadline + 1}, at[] = {bought - 1, deadline};
    int64_t first[] = {bought};
    struct fk_test t;

    (void)state;
    assert_int_equal(fk_deadline_test(bought, deadline, day0 - 1, NULL, 0, &t), 0);
    assert_int_equal(fk_deadline_test(bought, deadline, day0, NULL, 0, &t), 1);
    assert_int_equal(t.first, day0);
    assert_int_equal(t.last, day0 + 2);
    assert_int_equal(t.state, FK_TEST_DUE);
    assert_int_equal(fk_deadline_test(bought, deadline, day0 + 2, before, 2, &t), 1);
    assert_int_equal(t.state, FK_TEST_DUE); /* the deadline's day: still due */
    assert_int_equal(fk_deadline_test(bought, deadline, day0 + 3, before, 2, &t), 1);
    assert_int_equal(t.state, FK_TEST_OVERDUE);
    assert_int_equal(t.sampled, 0);
    assert_int_equal(fk_deadline_test(bought, deadline, day0 + 3, at, 2, &t), 1);
    assert_int_equal(t.state, FK_TEST_DONE);
    assert_int_equal(t.sampled, deadline);
    assert_int_equal(fk_deadline_test(bought, deadline, day0 + 9, first, 1, &t), 1);
    assert_int_equal(t.sampled, bought);
    assert_int_equal(fk_deadline_test(bought, bought - 1, day0, NULL, 0, &t), 0);
}

static void test_regime__origin(void **state)
{
    (void)state;
    assert_int_equal(fk_origin_in_area("110105", "110105"), 1);
    assert_int_equal(fk_origin_in_area("110105003", "110105"), 1);
    assert_int_equal(fk_origin_in_area("11010", "110105"), 0);
    assert_int_equal(fk_origin_in_area("北京市朝阳区望京街道", "北京市朝阳区"), 1);
    assert_int_equal(fk_origin_in_area("北京市海淀区", "北京市朝阳区"), 0);
    assert_int_equal(fk_origin_in_area("110105", ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regime__names),        cmocka_unit_test(test_regime__profile_defaults),
        cmocka_unit_test(test_regime__profile_parse), cmocka_unit_test(test_regime__local_day),
        cmocka_unit_test(test_regime__fixed_days),   cmocka_unit_test(test_regime__periodic),
        cmocka_unit_test(test_regime__release),      cmocka_unit_test(test_regime__door),
        cmocka_unit_test(test_regime__origin),       cmocka_unit_test(test_regime__deadline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
