/* SPDX-License-Identifier: MIT */
/* Unit tests of the tracing rules that need no data (lib/domain/trace.c): a case's infectious
 * window under the profile, which of two reasons wins, and the category names. The tracer that
 * applies them over a city is tested in test_tracer.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/profile.h"
#include "fk/store.h"
#include "fk/trace.h"

/* 2022-08-20T00:00:00+08:00: a local midnight. */
#define T0 INT64_C(1660924800)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

static struct fk_profile prof;

static int setup(void **state)
{
    (void)state;
    fk_profile_defaults(&prof);
    return 0;
}

static void test_trace__window(void **state)
{
    struct fk_case_row c;
    int64_t s, e;

    (void)state;
    memset(&c, 0, sizeof c);
    c.confirmed = T0 + 6 * DAY + 9 * HOUR;
    fk_trace_window(&c, &prof, &s, &e); /* no onset: from confirmation - 4 days */
    assert_int_equal(s, T0 + 2 * DAY + 9 * HOUR);
    assert_int_equal(e, c.confirmed);
    c.onset = T0 + 5 * DAY; /* a date: 00:00 local */
    fk_trace_window(&c, &prof, &s, &e);
    assert_int_equal(s, T0 + DAY);
    assert_int_equal(e, c.confirmed);
    c.isolated = T0 + 5 * DAY + 15 * HOUR; /* isolated before confirmation: ends there */
    fk_trace_window(&c, &prof, &s, &e);
    assert_int_equal(s, T0 + DAY);
    assert_int_equal(e, T0 + 5 * DAY + 15 * HOUR);
    c.isolated = c.confirmed + 2 * HOUR; /* isolated after confirmation: ends at isolation */
    fk_trace_window(&c, &prof, &s, &e);
    assert_int_equal(e, c.confirmed + 2 * HOUR);
    prof.trace_lookback_days = 7; /* the number comes from the profile */
    fk_trace_window(&c, &prof, &s, &e);
    assert_int_equal(s, T0 + 5 * DAY - 7 * DAY);
    prof.trace_lookback_days = 0;
    fk_trace_window(&c, &prof, &s, &e);
    assert_int_equal(s, T0 + 5 * DAY);
}

static void test_trace__contact_better(void **state)
{
    struct fk_contact a, b;

    (void)state;
    memset(&a, 0, sizeof a);
    a.person = 7;
    a.category = FK_CAT_SECONDARY;
    a.exposure = T0 + HOUR;
    a.source = 5;
    a.via = FK_VIA_VENUE;
    a.via_id = 3;
    b = a;
    assert_false(fk_contact_better(&a, &b)); /* equal: neither replaces the other */
    assert_false(fk_contact_better(&b, &a));
    /* Category first, even against an earlier exposure and a lower source. */
    b.category = FK_CAT_CLOSE;
    b.exposure = T0 + 2 * HOUR;
    b.source = 9;
    assert_true(fk_contact_better(&b, &a));
    assert_false(fk_contact_better(&a, &b));
    b.category = FK_CAT_COMPANION;
    b.exposure = T0;
    assert_true(fk_contact_better(&a, &b));
    assert_false(fk_contact_better(&b, &a));
    /* Same category: the earlier exposure, even from a higher source. */
    b = a;
    b.exposure = T0 + HOUR - 1;
    b.source = 9;
    assert_true(fk_contact_better(&b, &a));
    assert_false(fk_contact_better(&a, &b));
    /* Same exposure: the lower source, then the via kind, then the via id. */
    b = a;
    b.source = 4;
    b.via = FK_VIA_CELL;
    assert_true(fk_contact_better(&b, &a));
    assert_false(fk_contact_better(&a, &b));
    b = a;
    b.via = FK_VIA_HOUSEHOLD;
    b.via_id = 99;
    assert_true(fk_contact_better(&b, &a));
    assert_false(fk_contact_better(&a, &b));
    b = a;
    b.via_id = 2;
    assert_true(fk_contact_better(&b, &a));
    assert_false(fk_contact_better(&a, &b));
}

static void test_trace__category_names(void **state)
{
    (void)state;
    assert_string_equal(fk_category_name(FK_CAT_CLOSE), "close");
    assert_string_equal(fk_category_name(FK_CAT_SECONDARY), "secondary");
    assert_string_equal(fk_category_name(FK_CAT_COMPANION), "companion");
    assert_string_equal(fk_category_name(FK_CAT_NONE), "");
    assert_string_equal(fk_category_name(42), "");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, setup)
    const struct CMUnitTest tests[] = {
        T(test_trace__window),
        T(test_trace__contact_better),
        T(test_trace__category_names),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
