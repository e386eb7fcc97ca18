/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/gate.c and the [gate] profile section: the colour at the window's
 * edge (48 h exactly green, 48 h + 1 s yellow), a sample taken after the moment asked, the red
 * reasons and their precedence, a positive cleared (and cleared only later), the windows per type
 * and from the profile, and the names. The expected answers are worked out by hand here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/gate.h"
#include "fk/profile.h"

#define H INT64_C(3600)
#define NOW INT64_C(1661680800) /* 2022-08-28T18:00:00+08:00 */

static enum fk_gate_colour check(const struct fk_gate_facts *f, int64_t window, int64_t now,
                                 enum fk_gate_reason want_why)
{
    enum fk_gate_reason why = FK_GATE_NREASONS;
    enum fk_gate_colour c = fk_gate_check(f, window, now, &why);

    assert_int_equal(why, want_why);
    return c;
}

static void test_gate__window_edge(void **state)
{
    struct fk_gate_facts f = {0, 0, 0, 0, NOW - 48 * H};

    (void)state;
    /* sampled 48 h before: green exactly at the edge, yellow a second later */
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NEGATIVE), FK_GATE_GREEN);
    assert_int_equal(check(&f, 48 * H, NOW + 1, FK_GATE_NO_TEST), FK_GATE_YELLOW);
    /* the same sample at an "other" gate (72 h) is still green */
    assert_int_equal(check(&f, 72 * H, NOW + 1, FK_GATE_NEGATIVE), FK_GATE_GREEN);
    /* sampled at the very moment: green; a second after the moment asked: not yet known */
    f.negative = NOW;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NEGATIVE), FK_GATE_GREEN);
    assert_int_equal(check(&f, 48 * H, NOW - 1, FK_GATE_NO_TEST), FK_GATE_YELLOW);
    /* never tested */
    f.negative = 0;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NO_TEST), FK_GATE_YELLOW);
}

static void test_gate__red_first(void **state)
{
    struct fk_gate_facts f = {1, 1, NOW - 2 * H, 0, NOW - H};

    (void)state;
    /* a fresh negative does not outweigh any red reason; a positive comes first */
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_POSITIVE), FK_GATE_RED);
    f.positive = 0;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_CONTROLLED), FK_GATE_RED);
    f.controlled = 0;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_LOCKDOWN), FK_GATE_RED);
    f.lockdown = 0;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NEGATIVE), FK_GATE_GREEN);
}

static void test_gate__positive_cleared(void **state)
{
    struct fk_gate_facts f = {0, 0, NOW - 10 * 24 * H, NOW - 2 * H, NOW - 3 * H};

    (void)state;
    /* cleared before now: the negative since decides */
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NEGATIVE), FK_GATE_GREEN);
    /* asked before the clearance: still red */
    assert_int_equal(check(&f, 48 * H, NOW - 2 * H - 1, FK_GATE_POSITIVE), FK_GATE_RED);
    /* a clearance older than a later positive does not clear it */
    f.positive = NOW - H;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_POSITIVE), FK_GATE_RED);
    /* a positive known only after the moment asked is not known yet */
    f.positive = NOW + 1;
    assert_int_equal(check(&f, 48 * H, NOW, FK_GATE_NEGATIVE), FK_GATE_GREEN);
}

static void test_gate__windows_and_names(void **state)
{
    struct fk_profile p;
    enum fk_gate_type t;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_gate_window(&p, FK_GATE_SCENIC), 48 * H);
    assert_int_equal(fk_gate_window(&p, FK_GATE_STATION), 48 * H);
    assert_int_equal(fk_gate_window(&p, FK_GATE_OTHER), 72 * H);
    assert_int_equal(
        fk_profile_parse("[gate]\nscenic_hours = 24\nother_hours = 168\n", &p, err, sizeof err),
        FK_OK);
    assert_int_equal(fk_gate_window(&p, FK_GATE_SCENIC), 24 * H);
    assert_int_equal(fk_gate_window(&p, FK_GATE_STATION), 48 * H);
    assert_int_equal(fk_gate_window(&p, FK_GATE_OTHER), 168 * H);
    assert_int_equal(fk_profile_parse("[gate]\nscenic_hours = 0\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[gate]\nairport_hours = 24\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_gate_type_parse((fk_slice){"station", 7}, &t), FK_OK);
    assert_int_equal(t, FK_GATE_STATION);
    assert_int_equal(fk_gate_type_parse((fk_slice){" Scenic ", 8}, &t), FK_OK);
    assert_int_equal(t, FK_GATE_SCENIC);
    assert_int_equal(fk_gate_type_parse((fk_slice){"景区", strlen("景区")}, &t), FK_OK);
    assert_int_equal(t, FK_GATE_SCENIC);
    assert_int_equal(fk_gate_type_parse((fk_slice){"airport", 7}, &t), FK_EINVAL);
    assert_string_equal(fk_gate_type_name(FK_GATE_OTHER), "other");
    assert_string_equal(fk_gate_type_name(3), "");
    assert_string_equal(fk_gate_colour_name(FK_GATE_YELLOW), "yellow");
    assert_string_equal(fk_gate_reason_name(FK_GATE_LOCKDOWN), "lockdown");
    assert_string_equal(fk_gate_reason_name(FK_GATE_NREASONS), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gate__window_edge),
        cmocka_unit_test(test_gate__red_first),
        cmocka_unit_test(test_gate__positive_cleared),
        cmocka_unit_test(test_gate__windows_and_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
