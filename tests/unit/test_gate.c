/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/gate.c and the [gate] profile section: the colour at the window's
 * edge (48 h exactly green, 48 h + 1 s yellow), a sample taken after the moment asked, the red
 * reasons and their precedence, a positive cleared (and cleared only later), the windows per type
 * and from the profile, and the names. The expected answers are worked out by hand here. The
 * server's tally (lib/domain/gate_tally.c): thousands of gates checking in turn, counted per
 * gate, type and hour against counts kept here in a plain array; cleared and used again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/gate.h"
#include "fk/gate_tally.h"
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

#define GATES 3000

/* Checks at gates g0, g1, … in turn (two types, two hours, each colour), as a busy day's server
 * sees them, counted again here per (gate, type, hour, what): every row once, with its counts. */
static void test_gate__tally_many_gates(void **state)
{
    static int64_t want[GATES][2][2][4];
    static unsigned seen[GATES][2][2];
    fk_gate_tally *t = fk_gate_tally_new();
    const struct fk_gate_count_row *rows;
    size_t n, i, k, rounds;
    char gate[80];

    (void)state;
    assert_non_null(t);
    memset(want, 0, sizeof want);
    memset(seen, 0, sizeof seen);
    for (rounds = 0; rounds < 3; rounds++) {
        for (k = 0; k < 7 * GATES; k++) {
            size_t g = (k * 7919 + rounds) % GATES;
            int type = (int)(k % 2), hour = (int)((k / GATES) % 2), what = (int)(k % 4);

            snprintf(gate, sizeof gate, "gate-%zu", g);
            assert_int_equal(fk_gate_tally_add(t, gate, "140702", type, what,
                                               NOW + hour * H + (int64_t)(k % 3600)),
                             FK_OK);
            want[g][type][hour][what]++;
        }
    }
    fk_gate_tally_rows(t, &rows, &n);
    for (i = 0; i < n; i++) {
        size_t g = (size_t)strtoul(rows[i].gate + 5, NULL, 10);
        int hour = (int)((rows[i].hour - (NOW - NOW % H)) / H);

        assert_true(g < GATES && hour >= 0 && hour < 2);
        assert_int_equal(++seen[g][rows[i].type][hour], 1); /* one row each */
        assert_string_equal(rows[i].scope, "140702");
        for (k = 0; k < 4; k++)
            assert_int_equal(rows[i].n[k], want[g][rows[i].type][hour][k]);
    }
    for (i = k = 0; i < GATES * 4; i++)
        k += seen[i / 4][i % 4 / 2][i % 2];
    assert_int_equal(k, n);
    assert_int_equal(fk_gate_tally_total(t), 3 * 7 * GATES);
    /* cleared, the same gates count from nothing */
    fk_gate_tally_clear(t);
    fk_gate_tally_rows(t, &rows, &n);
    assert_int_equal(n, 0);
    assert_int_equal(fk_gate_tally_add(t, "gate-1", "140702", 0, 2, NOW), FK_OK);
    assert_int_equal(fk_gate_tally_add(t, "gate-1", "140702", 0, 2, NOW + 1), FK_OK);
    fk_gate_tally_rows(t, &rows, &n);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].n[2], 2);
    assert_int_equal(rows[0].last, NOW + 1);
    assert_int_equal(fk_gate_tally_add(t, "gate-1", "140702", 3, 0, NOW), FK_EINVAL);
    assert_int_equal(fk_gate_tally_add(t, "gate-1", "140702", 0, 4, NOW), FK_EINVAL);
    fk_gate_tally_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gate__window_edge),
        cmocka_unit_test(test_gate__red_first),
        cmocka_unit_test(test_gate__positive_cleared),
        cmocka_unit_test(test_gate__windows_and_names),
        cmocka_unit_test(test_gate__tally_many_gates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
