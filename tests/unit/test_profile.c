/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/profile.c: the documented defaults, INI overrides section by section,
 * and the errors that keep a typo from silently keeping a default (unknown key or section, a
 * value out of range or not a number, a line that is not INI), each naming its line and leaving
 * the profile exactly as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/profile.h"

/* The defaults with ini parsed over them, which must parse. */
static struct fk_profile parsed(const char *ini)
{
    struct fk_profile p;
    char err[128] = "";

    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse(ini, &p, err, sizeof err), FK_OK);
    return p;
}

/* Checks the [trace] values of p. */
static void expect_trace(const struct fk_profile *p, int lookback_days, int venue_window_minutes,
                         int companion_slot_minutes, int companion_days)
{
    assert_int_equal(p->trace_lookback_days, lookback_days);
    assert_int_equal(p->venue_window_minutes, venue_window_minutes);
    assert_int_equal(p->companion_slot_minutes, companion_slot_minutes);
    assert_int_equal(p->companion_days, companion_days);
}

static void test_profile__defaults(void **state)
{
    struct fk_profile p;

    (void)state;
    memset(&p, 0x5a, sizeof p);
    fk_profile_defaults(&p);
    assert_int_equal(p.tat_limit_hours, 12);
    assert_int_equal(p.coverage_target_pct, 90);
    assert_int_equal(p.pool_min, 2);
    assert_int_equal(p.batch_rows, 50000);
    expect_trace(&p, 4, 30, 10, 14);
}

static void test_profile__override(void **state)
{
    const char *ini = "; a comment\n"
                      "[screening]\n"
                      "tat_limit_hours = 24\n"
                      "pool_min=10\n"
                      "\n"
                      "[import]\n"
                      "batch_rows = 2\n";
    struct fk_profile p = parsed(ini);

    (void)state;
    assert_int_equal(p.tat_limit_hours, 24);
    assert_int_equal(p.pool_min, 10);
    assert_int_equal(p.batch_rows, 2);
    /* the rest keep their defaults */
    assert_int_equal(p.coverage_target_pct, 90);
    expect_trace(&p, 4, 30, 10, 14);
}

/* [coldchain] (issue 16): defaults for an empty profile, each key, and the errors. */
static void test_profile__coldchain(void **state)
{
    struct fk_profile p;
    char err[200];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(p.coldchain_window_hours, 24);
    assert_int_equal(p.coldchain_place, 1); /* home */
    assert_string_equal(p.coldchain_regime, "land3");
    assert_string_equal(p.category_regime[7], "land3"); /* [control] coldchain_regime */
    p = parsed("[coldchain]\nwindow_hours = 48\nplace = 集中隔离\nregime = every3\n");
    assert_int_equal(p.coldchain_window_hours, 48);
    assert_int_equal(p.coldchain_place, 0); /* centralized */
    assert_string_equal(p.coldchain_regime, "every3");
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[coldchain]\nplace = hotel\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "place = 'hotel'"));
    assert_int_equal(fk_profile_parse("[coldchain]\nregime = weekly\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "there is no [regime.weekly]"));
    assert_int_equal(fk_profile_parse("[coldchain]\nwindow_hours = -1\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(p.coldchain_window_hours, 24); /* a failed parse changes nothing */
}

static void test_profile__override_trace(void **state)
{
    const char *ini = "[trace]\n"
                      "lookback_days = 7\n"
                      "venue_window_minutes = 15\n"
                      "companion_slot_minutes = 5\n"
                      "companion_days = 21\n";
    struct fk_profile p = parsed(ini);

    (void)state;
    expect_trace(&p, 7, 15, 5, 21);
    assert_int_equal(p.tat_limit_hours, 12);
}

static void test_profile__applies_over_given_values(void **state)
{
    struct fk_profile p;
    char err[128];

    (void)state;
    fk_profile_defaults(&p);
    p.batch_rows = 7;
    assert_int_equal(fk_profile_parse("[screening]\ntat_limit_hours = 6\n", &p, err, sizeof err),
                     FK_OK);
    assert_int_equal(p.tat_limit_hours, 6);
    assert_int_equal(p.batch_rows, 7); /* untouched, not reset to the default */
    assert_int_equal(fk_profile_parse("", &p, err, sizeof err), FK_OK);
    assert_int_equal(p.tat_limit_hours, 6);
}

/* Parses ini over the defaults, expects FK_EINVAL with "line N" in err and p unchanged. */
static void expect_error(const char *ini, int line, const char *also)
{
    struct fk_profile p, before;
    char err[256] = "", want[32];

    fk_profile_defaults(&p);
    p.batch_rows = 1234; /* not a default, to see that nothing resets it either */
    before = p;
    if (fk_profile_parse(ini, &p, err, sizeof err) != FK_EINVAL)
        fail_msg("accepted:\n%s", ini);
    snprintf(want, sizeof want, "line %d", line);
    if (!strstr(err, want))
        fail_msg("error '%s' does not say '%s'", err, want);
    if (also && !strstr(err, also))
        fail_msg("error '%s' does not say '%s'", err, also);
    assert_memory_equal(&p, &before, sizeof p);
}

static void test_profile__unknown_key(void **state)
{
    (void)state;
    /* The valid line 2 before the bad line 3 must not stick either. */
    expect_error("[screening]\ntat_limit_hours = 24\ntat_limit_hour = 24\n", 3, "tat_limit_hour");
    expect_error("[import]\n\n\nbatchrows = 10\n", 4, "batchrows");
}

static void test_profile__key_in_wrong_section(void **state)
{
    (void)state;
    expect_error("[import]\ntat_limit_hours = 24\n", 2, "tat_limit_hours");
    expect_error("tat_limit_hours = 24\n", 1, "tat_limit_hours");
}

static void test_profile__unknown_section(void **state)
{
    (void)state;
    expect_error("[screenning]\ntat_limit_hours = 24\n", 1, "screenning");
}

/* An unknown section is an error even with no keys under it (the header promises it, and a
 * misspelt section followed by a correct one is a typo someone should hear about). */
static void test_profile__unknown_empty_section(void **state)
{
    (void)state;
    expect_error("[screening]\ntat_limit_hours = 5\n[screenning]\n", 3, "screenning");
}

static void test_profile__out_of_range(void **state)
{
    (void)state;
    expect_error("[screening]\ntat_limit_hours = 0\n", 2, "tat_limit_hours");
    expect_error("[screening]\ntat_limit_hours = -5\n", 2, NULL);
    expect_error("[screening]\ntat_limit_hours = 100000\n", 2, NULL);
    expect_error("[screening]\ncoverage_target_pct = 101\n", 2, NULL);
    expect_error("[screening]\npool_min = 1\n", 2, NULL);
    expect_error("[import]\nbatch_rows = 0\n", 2, NULL);
    expect_error("[trace]\ncompanion_slot_minutes = 0\n", 2, NULL);
    expect_error("[screening]\ntat_limit_hours = 99999999999999999999\n", 2, NULL);
}

static void test_profile__not_a_number(void **state)
{
    (void)state;
    expect_error("[screening]\ntat_limit_hours = twelve\n", 2, "twelve");
    expect_error("[screening]\ntat_limit_hours = 12.5\n", 2, NULL);
    expect_error("[screening]\ntat_limit_hours = 12h\n", 2, NULL);
    expect_error("[screening]\ntat_limit_hours =\n", 2, NULL);
}

static void test_profile__not_ini(void **state)
{
    (void)state;
    expect_error("[screening]\ntat_limit_hours 24\n", 2, NULL);
    expect_error("[screening\n", 1, NULL);
}

static void test_profile__bounds_inclusive(void **state)
{
    struct fk_profile p = parsed("[screening]\ntat_limit_hours = 1\ncoverage_target_pct = 100\n"
                                 "[import]\nbatch_rows = 1\n");

    (void)state;
    assert_int_equal(p.tat_limit_hours, 1);
    assert_int_equal(p.coverage_target_pct, 100);
    assert_int_equal(p.batch_rows, 1);
}

static void test_profile__error_truncated_to_errlen(void **state)
{
    struct fk_profile p;
    char err[8];

    (void)state;
    fk_profile_defaults(&p);
    memset(err, 'z', sizeof err);
    assert_int_equal(fk_profile_parse("[x]\ny=1\n", &p, err, sizeof err), FK_EINVAL);
    assert_int_equal(strlen(err), 7);
    assert_string_equal(err, "line 1:"); /* the unknown section's own line */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile__defaults),
        cmocka_unit_test(test_profile__override),
        cmocka_unit_test(test_profile__override_trace),
        cmocka_unit_test(test_profile__coldchain),
        cmocka_unit_test(test_profile__applies_over_given_values),
        cmocka_unit_test(test_profile__unknown_key),
        cmocka_unit_test(test_profile__key_in_wrong_section),
        cmocka_unit_test(test_profile__unknown_section),
        cmocka_unit_test(test_profile__unknown_empty_section),
        cmocka_unit_test(test_profile__out_of_range),
        cmocka_unit_test(test_profile__not_a_number),
        cmocka_unit_test(test_profile__not_ini),
        cmocka_unit_test(test_profile__bounds_inclusive),
        cmocka_unit_test(test_profile__error_truncated_to_errlen),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
