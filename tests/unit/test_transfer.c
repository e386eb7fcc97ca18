/* SPDX-License-Identifier: MIT */
/* Unit tests of closed-loop transfers (issue 18): the pure state of a transfer at the edges of
 * planned + slack (a hand-over exactly at it is done, a second later late; not handed over a
 * second past it, overdue or a gap), events after now, the check of the event times, the kinds'
 * names and the profile's [transfer]; then a small city built from CSV text: the import's rejects
 * (a hand-over before the stored pick-up too), a re-import, the event action's checks, role and
 * scope, and the list and the summary, worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/action.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/time.h"
#include "fk/transfer.h"
#include "fk/transfer_list.h"

#include "testutil.h"

#define P 1661652000 /* 2022-08-28T10:00:00+08:00, a planned time */
#define D (P + 3600) /* its deadline with the default slack of 60 minutes */

static void test_transfer__handed_over_at_the_edge(void **state)
{
    int64_t late = -1;

    (void)state;
    /* Exactly at planned + slack: on time. */
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, D, D + 7200, &late), FK_TRANSFER_DONE);
    assert_int_equal(late, 0);
    /* One second later: late, by one (rounded up) minute. */
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, D + 1, D + 7200, &late),
                     FK_TRANSFER_LATE);
    assert_int_equal(late, 1);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, D + 60, D + 7200, &late),
                     FK_TRANSFER_LATE);
    assert_int_equal(late, 1);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, D + 61, D + 7200, &late),
                     FK_TRANSFER_LATE);
    assert_int_equal(late, 2);
    /* Early is done; slack 0 makes the planned time itself the deadline. */
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, P - 60, D, NULL), FK_TRANSFER_DONE);
    assert_int_equal(fk_transfer_state_at(P, 0, P - 600, P, D, NULL), FK_TRANSFER_DONE);
    assert_int_equal(fk_transfer_state_at(P, 0, P - 600, P + 1, D, NULL), FK_TRANSFER_LATE);
}

static void test_transfer__not_handed_over(void **state)
{
    int64_t late = -1;

    (void)state;
    /* Never picked up: planned up to the deadline's very second, overdue from the next. */
    assert_int_equal(fk_transfer_state_at(P, 60, 0, 0, P - 3600, &late), FK_TRANSFER_PLANNED);
    assert_int_equal(fk_transfer_state_at(P, 60, 0, 0, D, &late), FK_TRANSFER_PLANNED);
    assert_int_equal(late, 0);
    assert_int_equal(fk_transfer_state_at(P, 60, 0, 0, D + 1, &late), FK_TRANSFER_OVERDUE);
    assert_int_equal(late, 1);
    /* Picked up: in transit up to the deadline, then a gap in the chain. */
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, 0, D, &late), FK_TRANSFER_IN_TRANSIT);
    assert_int_equal(late, 0);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, 0, D + 1, &late), FK_TRANSFER_GAP);
    assert_int_equal(late, 1);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, 0, D + 3600, &late), FK_TRANSFER_GAP);
    assert_int_equal(late, 60);
    /* Events after now are not known yet. */
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, P, P - 601, NULL), FK_TRANSFER_PLANNED);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, P, P - 1, NULL), FK_TRANSFER_IN_TRANSIT);
    assert_int_equal(fk_transfer_state_at(P, 60, P - 600, D + 5, D + 2, &late), FK_TRANSFER_GAP);
    assert_int_equal(late, 1);
}

static void test_transfer__check_and_names(void **state)
{
    int k = -1;

    (void)state;
    assert_int_equal(fk_transfer_check(0, 0), FK_TRANSFER_OK);
    assert_int_equal(fk_transfer_check(P, 0), FK_TRANSFER_OK);
    assert_int_equal(fk_transfer_check(P, P), FK_TRANSFER_OK);
    assert_int_equal(fk_transfer_check(P, P - 1), FK_TRANSFER_BEFORE_PICKUP);
    assert_int_equal(fk_transfer_check(0, P), FK_TRANSFER_NO_PICKUP);
    assert_int_equal(fk_transfer_from_parse((fk_slice){"Airport", 7}, &k), FK_OK);
    assert_int_equal(k, FK_TRANSFER_FROM_AIRPORT);
    assert_int_equal(fk_transfer_from_parse((fk_slice){"学校", 6}, &k), FK_OK);
    assert_int_equal(k, FK_TRANSFER_FROM_SCHOOL);
    assert_int_equal(fk_transfer_from_parse((fk_slice){"bus", 3}, &k), FK_EINVAL);
    assert_int_equal(fk_transfer_to_parse((fk_slice){"隔离点", 9}, &k), FK_OK);
    assert_int_equal(k, FK_TRANSFER_TO_ISOLATION_SITE);
    assert_int_equal(fk_transfer_to_parse((fk_slice){"home", 4}, &k), FK_OK);
    assert_int_equal(k, FK_TRANSFER_TO_HOME);
    assert_int_equal(fk_transfer_to_parse((fk_slice){"", 0}, &k), FK_EINVAL);
    assert_int_equal(fk_transfer_event_parse((fk_slice){"handed_over", 11}, &k), FK_OK);
    assert_int_equal(k, FK_TRANSFER_HANDED_OVER);
    assert_string_equal(fk_transfer_from_name(FK_TRANSFER_FROM_STATION), "station");
    assert_string_equal(fk_transfer_to_name(FK_TRANSFER_TO_HOSPITAL), "hospital");
    assert_string_equal(fk_transfer_to_name(FK_TRANSFER_NTO), "");
    assert_string_equal(fk_transfer_state_name(FK_TRANSFER_GAP), "gap");
    assert_string_equal(fk_transfer_state_name(FK_TRANSFER_IN_TRANSIT), "in_transit");
    assert_string_equal(fk_transfer_state_name(FK_TRANSFER_NSTATES), "");
}

static void test_transfer__profile(void **state)
{
    struct fk_profile p;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(p.transfer_slack_minutes, 60);
    assert_int_equal(fk_profile_parse("[transfer]\nslack_minutes = 30\n", &p, err, sizeof err),
                     FK_OK);
    assert_int_equal(p.transfer_slack_minutes, 30);
    assert_int_equal(fk_profile_parse("[transfer]\nslack_minutes = -1\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(p.transfer_slack_minutes, 30);
}

/* ---- a small city ----
 * Persons A and B live in 榆次区 (grids G1, G2), C in 太谷区 (H1). Task T1 (A, B) and T2 (C) are
 * planned at 10:00; as of 11:30 (deadline 11:00): A was handed over at 11:00:00 (done), B was
 * picked up and never handed over (gap, 30 min); C was never picked up (overdue, 30 min). */

#define NI 4

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NI][19]; /* A, B, C, a person in no task */
    int64_t pid[NI];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *grid[NI] = {TEST_G1, TEST_G2, TEST_H1, TEST_G1};
    char buf[4096], body[18];
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "transfer", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &f->sum, f->err,
                    sizeof f->err) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,grid\n");
    for (i = 0; i < NI; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,人%d,%s\n", f->id[i], i, grid[i]);
    }
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_PERSONS, buf, &f->sum, f->err,
                    sizeof f->err) != FK_OK ||
        find_persons(f->st, f->id, f->pid, NI) != 0)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_engine_free(f->eng);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(iso, strlen(iso), &t), FK_OK);
    return t;
}

#define HEAD "task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned"
#define PLAN ",airport,武宿机场,isolation_site,榆次隔离点,晋K001,张三,2022-08-28T10:00:00+08:00"

/* Imports the plan (no event columns) and a file of events. */
static void import_city(struct fixture *f)
{
    char buf[2048];

    snprintf(buf, sizeof buf, HEAD "\nT1,%s" PLAN "\nT1,%s" PLAN "\nT2,%s" PLAN "\n", f->id[0],
             f->id[1], f->id[2]);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_TRANSFERS, buf, &f->sum, f->err,
                                 sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 3);
    assert_int_equal(f->sum.rejected, 0);
    snprintf(buf, sizeof buf,
             HEAD ",picked_up,handed_over\n"
                  "T1,%s" PLAN ",2022-08-28T09:00:00+08:00,2022-08-28T11:00:00+08:00\n"
                  "T1,%s" PLAN ",2022-08-28T09:10:00+08:00,\n",
             f->id[0], f->id[1]);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_TRANSFERS, buf, &f->sum, f->err,
                                 sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 2);
    assert_int_equal(f->sum.updated, 2);
}

/* The row of ID number idn in t (column 1), or -1. */
static long row_of(const fk_table *t, const char *idn)
{
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++)
        if (strcmp(fk_table_get(t, i, 1), idn) == 0)
            return (long)i;
    return -1;
}

static void test_transfer__import(void **state)
{
    struct fixture *f = *state;
    char buf[2048];
    int64_t n = 0;

    import_city(f);
    /* The plan again: the events stay (the file has no such columns), nothing is added. */
    snprintf(buf, sizeof buf, HEAD "\nT1,%s" PLAN "\nT1,%s" PLAN "\nT2,%s" PLAN "\n", f->id[0],
             f->id[1], f->id[2]);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_TRANSFERS, buf, &f->sum, f->err,
                                 sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 0);
    assert_int_equal(f->sum.duplicate, 3);
    assert_int_equal(fk_store_count(f->st, "transfers", &n), FK_OK);
    assert_int_equal(n, 3);
}

static void test_transfer__rejects(void **state)
{
    struct fixture *f = *state;
    char buf[2048];

    import_city(f);
    snprintf(buf, sizeof buf,
             HEAD ",handed_over\n"
                  "T1,%s" PLAN ",2022-08-28T09:05:00+08:00\n"
                  "T2,%s" PLAN ",2022-08-28T11:00:00+08:00\n"
                  "T3,%s,bus,站,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,\n"
                  "T3,%s,station,站,moon,家,晋K1,李四,2022-08-28T10:00:00+08:00,\n"
                  "T3,110101199003070014,station,站,home,家,晋K1,李四,2022-08-28T10:00:00+08:00,\n"
                  "T1,%s" PLAN ",2022-08-28T09:10:00+08:00\n",
             f->id[1], f->id[2], f->id[3], f->id[3], f->id[1]);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_TRANSFERS, buf, &f->sum, f->err,
                                 sizeof f->err),
                     FK_OK);
    /* Rejected: before the stored pick-up, no pick-up, bad from_kind, bad to_kind, unknown person;
     * accepted: B handed over at the very second of the pick-up. */
    assert_int_equal(f->sum.rejected, 5);
    assert_int_equal(f->sum.accepted, 1);
}

/* Counts the transfer.event audit rows by yuci about B's grid into *ud. */
static int on_audit(void *ud, const struct fk_audit_row *a)
{
    if (strcmp(a->action, "transfer.event") == 0) {
        assert_string_equal(a->who, "yuci");
        assert_string_equal(a->region, TEST_G2);
        assert_non_null(strstr(a->detail, "task T1 handed_over at 2022-08-28T11:20:00+08:00"));
        (*(int64_t *)ud)++;
    }
    return 0;
}

static void test_transfer__event_action(void **state)
{
    static const struct fk_actor admin = {"chief", FK_ROLE_ADMIN, "1407"};
    static const struct fk_actor yuci = {"yuci", FK_ROLE_COUNTY, "140702"};
    static const struct fk_actor taigu = {"taigu", FK_ROLE_COUNTY, "140703"};
    static const struct fk_actor viewer = {"view", FK_ROLE_VIEWER, "140702"};
    struct fixture *f = *state;
    size_t rec = 99;
    int64_t n = 0;

    import_city(f);
    /* A hand-over before the pick-up, or with none. */
    assert_int_equal(fk_transfer_event(f->st, &admin, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T09:09:59+08:00"), &f->pid[1], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "before the pick-up"));
    assert_int_equal(rec, 0);
    assert_int_equal(fk_transfer_event(f->st, &admin, "T2", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:00:00+08:00"), NULL, 0, &rec, f->err,
                                       sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "no pick-up"));
    /* A second pick-up at another time; the same time again changes nothing. */
    assert_int_equal(fk_transfer_event(f->st, &admin, "T1", FK_TRANSFER_PICKED_UP,
                                       at("2022-08-28T09:20:00+08:00"), &f->pid[1], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_transfer_event(f->st, &admin, "T1", FK_TRANSFER_PICKED_UP,
                                       at("2022-08-28T09:10:00+08:00"), &f->pid[1], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_OK);
    assert_int_equal(rec, 0);
    /* Role and scope: a viewer may not; 太谷区 sees no T1 at all; a person not in the task. */
    assert_int_equal(fk_transfer_event(f->st, &viewer, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:20:00+08:00"), &f->pid[1], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_EPERM);
    assert_int_equal(fk_transfer_event(f->st, &taigu, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:20:00+08:00"), NULL, 0, &rec, f->err,
                                       sizeof f->err),
                     FK_ENOENT);
    assert_string_equal(f->err, "no transfer task T1");
    assert_int_equal(fk_transfer_event(f->st, &yuci, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:20:00+08:00"), &f->pid[3], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_ENOENT);
    assert_int_equal(fk_transfer_event(f->st, &admin, "T9", FK_TRANSFER_PICKED_UP,
                                       at("2022-08-28T11:20:00+08:00"), NULL, 0, &rec, f->err,
                                       sizeof f->err),
                     FK_ENOENT);
    /* All of T1's persons: A was handed over at 11:00 already, so another time conflicts and
     * nothing is written for B either. */
    assert_int_equal(fk_transfer_event(f->st, &yuci, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:20:00+08:00"), NULL, 0, &rec, f->err,
                                       sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_transfer_event(f->st, &yuci, "T1", FK_TRANSFER_HANDED_OVER,
                                       at("2022-08-28T11:20:00+08:00"), &f->pid[1], 1, &rec, f->err,
                                       sizeof f->err),
                     FK_OK);
    assert_int_equal(rec, 1);
    /* One audit row, about B's grid, by the county account. */
    assert_int_equal(fk_store_each_audit(f->st, 0, on_audit, &n), FK_OK);
    assert_int_equal(n, 1);
}

static void test_transfer__list_and_status(void **state)
{
    struct fixture *f = *state;
    struct fk_transfer_query q = {0, 0, NULL};
    int64_t now = at("2022-08-28T11:30:00+08:00");
    fk_table *t = NULL;
    long a, b, c;

    import_city(f);
    assert_int_equal(fk_transfer_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 3);
    a = row_of(t, f->id[0]);
    b = row_of(t, f->id[1]);
    c = row_of(t, f->id[2]);
    assert_true(a >= 0 && b >= 0 && c >= 0);
    assert_string_equal(fk_table_get(t, (size_t)a, 10), "done");
    assert_string_equal(fk_table_get(t, (size_t)a, 11), "0");
    assert_string_equal(fk_table_get(t, (size_t)b, 10), "gap");
    assert_string_equal(fk_table_get(t, (size_t)b, 11), "30");
    assert_string_equal(fk_table_get(t, (size_t)c, 10), "overdue");
    assert_string_equal(fk_table_get(t, (size_t)c, 2), "人2");
    /* The most urgent first: the gap, the overdue one, then the done one. */
    assert_true(b == 0 && c == 1 && a == 2);
    fk_table_free(t);
    q.open = 1;
    q.region = "140702";
    assert_int_equal(fk_transfer_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(fk_table_get(t, 0, 1), f->id[1]);
    fk_table_free(t);
    q.region = "999";
    assert_int_equal(fk_transfer_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_null(t);
    /* As of 10:59 nothing was late yet: A in transit, B in transit, C planned. */
    q.open = 0;
    q.overdue = 1;
    q.region = NULL;
    assert_int_equal(fk_transfer_list(f->st, f->eng, &f->prof, &q, at("2022-08-28T11:00:00+08:00"),
                                      &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    /* Per county: 榆次区 one task, two persons (done 1, gap 1); 太谷区 one task, one overdue. */
    assert_int_equal(fk_transfer_status(f->st, f->eng, &f->prof, NULL, FK_LEVEL_COUNTY, now, &t,
                                        f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 0), "140702");
    assert_string_equal(fk_table_get(t, 0, 2), "1");
    assert_string_equal(fk_table_get(t, 0, 3), "2");
    assert_string_equal(fk_table_get(t, 0, 4), "1"); /* done */
    assert_string_equal(fk_table_get(t, 0, 7), "1"); /* gap */
    assert_string_equal(fk_table_get(t, 1, 0), "140703");
    assert_string_equal(fk_table_get(t, 1, 6), "1"); /* overdue */
    fk_table_free(t);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transfer__handed_over_at_the_edge),
        cmocka_unit_test(test_transfer__not_handed_over),
        cmocka_unit_test(test_transfer__check_and_names),
        cmocka_unit_test(test_transfer__profile),
        T(test_transfer__import),
        T(test_transfer__rejects),
        T(test_transfer__event_action),
        T(test_transfer__list_and_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
