/* SPDX-License-Identifier: MIT */
/* Supervision problems (issue 17): the transitions between states, the overdue rule at its edges
 * (closed at the deadline's second, one second after, no deadline), the state change as an
 * action (history row, audit row, scope), and the problems_on_time indicator on a fixture whose
 * answer is worked out by hand below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/fk.h"
#include "fk/problem.h"
#include "fk/problem_list.h"
#include "testutil.h"

static void test_problem__transitions(void **state)
{
    enum fk_msg_id why;

    (void)state;
    assert_int_equal(fk_problem_transition(FK_PROBLEM_OPEN, FK_PROBLEM_RECTIFYING, 0, &why), 0);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_RECTIFYING, FK_PROBLEM_CLOSED, 3, &why), 0);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_RECTIFYING, FK_PROBLEM_OPEN, 0, &why), 0);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_CLOSED, FK_PROBLEM_OPEN, 2, &why), 0);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_OPEN, FK_PROBLEM_CLOSED, 5, &why), 1);
    assert_int_equal(why, FK_MSG_PROBLEM_TRANSITION);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_CLOSED, FK_PROBLEM_RECTIFYING, 5, &why), 1);
    assert_int_equal(why, FK_MSG_PROBLEM_TRANSITION);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_OPEN, FK_PROBLEM_OPEN, 5, &why), 1);
    assert_int_equal(why, FK_MSG_PROBLEM_SAME);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_RECTIFYING, FK_PROBLEM_CLOSED, 0, &why), 1);
    assert_int_equal(why, FK_MSG_PROBLEM_NOTE_CLOSE);
    assert_int_equal(fk_problem_transition(FK_PROBLEM_CLOSED, FK_PROBLEM_OPEN, 0, &why), 1);
    assert_int_equal(why, FK_MSG_PROBLEM_NOTE_REOPEN);
}

static void test_problem__status_names(void **state)
{
    enum fk_problem_status s;

    (void)state;
    assert_int_equal(fk_problem_status_parse((fk_slice){"Rectifying", 10}, &s), FK_OK);
    assert_int_equal(s, FK_PROBLEM_RECTIFYING);
    assert_int_equal(fk_problem_status_parse((fk_slice){"已销号", strlen("已销号")}, &s), FK_OK);
    assert_int_equal(s, FK_PROBLEM_CLOSED);
    assert_int_equal(fk_problem_status_parse((fk_slice){"done", 4}, &s), FK_EINVAL);
    assert_string_equal(fk_problem_status_name(FK_PROBLEM_OPEN), "open");
    assert_string_equal(fk_problem_status_name(7), "");
}

static void test_problem__overdue_edges(void **state)
{
    const int64_t d = 1661140800; /* 2022-08-22T12:00:00+08:00 */
    int64_t days;

    (void)state;
    /* Closed at the deadline's very second: on time; one second after: late, by one day. */
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_CLOSED, d, d + 99 * 86400, &days), 0);
    assert_int_equal(days, 0);
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_CLOSED, d + 1, d, &days), 1);
    assert_int_equal(days, 1);
    /* Open: at the deadline not yet; one second past it overdue; a day and a second: 2 days. */
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_OPEN, 0, d, &days), 0);
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_RECTIFYING, 0, d + 1, &days), 1);
    assert_int_equal(days, 1);
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_OPEN, 0, d + 86401, &days), 1);
    assert_int_equal(days, 2);
    assert_int_equal(fk_problem_overdue(d, FK_PROBLEM_OPEN, 0, d + 86400, &days), 1);
    assert_int_equal(days, 1);
    /* No deadline: never overdue. */
    assert_int_equal(fk_problem_overdue(0, FK_PROBLEM_OPEN, 0, d, &days), 0);
    assert_int_equal(fk_problem_overdue(0, FK_PROBLEM_CLOSED, d, d, NULL), 0);
}

struct pfix {
    struct store_fixture s;
    struct fk_profile prof;
    fk_engine *eng;
};

static int pfix_open(void **state)
{
    struct pfix *f = calloc(1, sizeof *f);
    struct fk_import_summary sum;
    char err[512];

    if (!f)
        return -1;
    if (open_test_store(f->s.dir, sizeof f->s.dir, "problem", f->s.path, sizeof f->s.path,
                        &f->s.st) != 0) {
        free(f);
        return -1;
    }
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &sum, err,
                    sizeof err) != FK_OK)
        return -1;
    /* Deadlines in August 2022 (the window below is [08-01, 09-01)):
     *   A 榆次区 grid, deadline 08-10 12:00, closed 08-10 12:00        -> on_time
     *   B 榆次区,      deadline 08-20,       closed 08-21 00:00        -> late (after 23:59:59)
     *   C 榆次区 town, deadline 08-31 23:59:59, rectifying            -> open
     *   D 太谷区,      deadline 08-15,       closed 08-15 09:00        -> on_time
     *   E 榆次区,      deadline 09-01 00:00 (outside the window), closed late: not counted
     *   F 榆次区,      no deadline: not counted
     * For 晋中市 (1407): num 2 (A, D), den 4 (A, B, C, D): 50 %. For 榆次区: num 1, den 3. For
     * 太谷区: 1 of 1. For 明星镇 (140703001): no data. */
    if (import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_PROBLEMS,
                    "id,found,region,description,deadline,status,closed,note\n"
                    "A,2022-08-01," TEST_G1 ",a,2022-08-10T12:00:00,closed,2022-08-10T12:00:00,ok\n"
                    "B,2022-08-01,140702,b,2022-08-20,closed,2022-08-21T00:00:00,ok\n"
                    "C,2022-08-01,140702001,c,2022-08-31,rectifying,,\n"
                    "D,2022-08-01,140703,d,2022-08-15,closed,2022-08-15T09:00:00,ok\n"
                    "E,2022-08-01,140702,e,2022-09-01T00:00:00,closed,2022-09-01T00:00:01,ok\n"
                    "F,2022-08-01,140702,f,,open,,\n",
                    &sum, err, sizeof err) != FK_OK ||
        sum.accepted != 6)
        return -1;
    if (fk_engine_build(f->s.st, &f->prof, &f->eng, err, sizeof err) != FK_OK)
        return -1;
    return 0;
}

static int pfix_close(void **state)
{
    struct pfix *f = *state;

    if (!f)
        return 0;
    fk_engine_free(f->eng);
    fk_store_close(f->s.st);
    remove_dir(f->s.dir);
    free(f);
    return 0;
}

static void test_problem__indicator(void **state)
{
    struct pfix *f = *state;
    int64_t from, to, num, den;
    fk_table *rows = NULL;
    char err[256];

    assert_int_equal(fk_time_parse("2022-08-01", 10, &from), FK_OK);
    assert_int_equal(fk_time_parse("2022-09-01", 10, &to), FK_OK);
    assert_int_equal(fk_problems_on_time_indicator(f->s.st, f->eng, &f->prof, "1407", from, to,
                                                   &num, &den, &rows, err, sizeof err),
                     FK_OK);
    assert_int_equal(num, 2);
    assert_int_equal(den, 4);
    /* The rows behind it, by deadline: A, D, B, C. */
    assert_int_equal(fk_table_nrows(rows), 4);
    assert_string_equal(fk_table_get(rows, 0, 0), "A");
    assert_string_equal(fk_table_get(rows, 0, 6), "on_time");
    assert_string_equal(fk_table_get(rows, 1, 0), "D");
    assert_string_equal(fk_table_get(rows, 1, 2), "太谷区");
    assert_string_equal(fk_table_get(rows, 2, 0), "B");
    assert_string_equal(fk_table_get(rows, 2, 6), "late");
    assert_string_equal(fk_table_get(rows, 3, 0), "C");
    assert_string_equal(fk_table_get(rows, 3, 6), "open");
    assert_true(!fk_table_get(rows, 3, 5) || !*fk_table_get(rows, 3, 5));
    fk_table_free(rows);
    assert_int_equal(fk_problems_on_time_indicator(f->s.st, f->eng, &f->prof, "140702", from, to,
                                                   &num, &den, NULL, err, sizeof err),
                     FK_OK);
    assert_int_equal(num, 1);
    assert_int_equal(den, 3);
    assert_int_equal(fk_problems_on_time_indicator(f->s.st, f->eng, &f->prof, "140703", from, to,
                                                   &num, &den, NULL, err, sizeof err),
                     FK_OK);
    assert_int_equal(num, 1);
    assert_int_equal(den, 1);
    assert_int_equal(fk_problems_on_time_indicator(f->s.st, f->eng, &f->prof, "140703001", from,
                                                   to, &num, &den, NULL, err, sizeof err),
                     FK_OK);
    assert_int_equal(den, 0);
}

static void test_problem__set_status(void **state)
{
    struct pfix *f = *state;
    struct fk_actor other = {"taigu", FK_ROLE_COUNTY, "140703"},
                    clerk = {"yuci", FK_ROLE_COUNTY, "140702"},
                    viewer = {"v", FK_ROLE_VIEWER, "140702"};
    struct fk_problem_row *rows = NULL;
    fk_table *h = NULL;
    size_t n = 0;
    int64_t at;
    char err[400];

    assert_int_equal(fk_time_parse("2022-08-25T10:00", 16, &at), FK_OK);
    /* Another county's account: answered as an unknown problem. */
    assert_int_equal(fk_problem_set_status(f->s.st, &other, "C", FK_PROBLEM_CLOSED, "done", at, err,
                                           sizeof err),
                     FK_ENOENT);
    assert_string_equal(err, "no problem C");
    assert_int_equal(fk_problem_set_status(f->s.st, &viewer, "C", FK_PROBLEM_CLOSED, "done", at,
                                           err, sizeof err),
                     FK_EPERM);
    assert_int_equal(fk_problem_set_status(f->s.st, &clerk, "F", FK_PROBLEM_CLOSED, "done", at,
                                           err, sizeof err),
                     FK_ECONFLICT);
    assert_int_equal(fk_problem_set_status(f->s.st, &clerk, "C", FK_PROBLEM_CLOSED, "", at, err,
                                           sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_problem_set_status(f->s.st, &clerk, "C", FK_PROBLEM_CLOSED, "照片", at, err,
                                           sizeof err),
                     FK_OK);
    assert_int_equal(fk_problem_load(f->s.st, "C", &rows, &n), FK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].status, FK_PROBLEM_CLOSED);
    assert_int_equal(rows[0].closed, at);
    assert_string_equal(rows[0].note, "照片");
    fk_problem_rows_free(rows, n);
    assert_int_equal(fk_problem_history(f->s.st, "C", &h, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(h), 1);
    assert_string_equal(fk_table_get(h, 0, 1), "yuci");
    assert_string_equal(fk_table_get(h, 0, 2), "rectifying");
    assert_string_equal(fk_table_get(h, 0, 3), "closed");
    fk_table_free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problem__transitions),
        cmocka_unit_test(test_problem__status_names),
        cmocka_unit_test(test_problem__overdue_edges),
        cmocka_unit_test_setup_teardown(test_problem__indicator, pfix_open, pfix_close),
        cmocka_unit_test_setup_teardown(test_problem__set_status, pfix_open, pfix_close),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
