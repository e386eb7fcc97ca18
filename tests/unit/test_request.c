/* SPDX-License-Identifier: MIT */
/* Unit tests of citizen requests (便民服务热线, issue 21): the pure state at the edges of a medical
 * request's deadlines (assigned exactly at 30 minutes and resolved exactly at 2 hours on time; a
 * second later, late by a minute; not assigned or not resolved a second past them, overdue),
 * events after now, the check of the times, the names and the profile's [request]; then a small
 * city built from CSV text: the import's rejects (resolved before it was assigned, in the file or
 * against the stored assignment, an unknown region, an assignment without a unit), a re-import
 * that keeps what the actions wrote, the caller under control matched by phone, the assign and
 * resolve actions' rules, role, scope and audit, and the list and the summary, worked out by
 * hand. */
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
#include "fk/request.h"
#include "fk/request_list.h"
#include "fk/time.h"

#include "testutil.h"

#define R 1661652000      /* 2022-08-28T10:00:00+08:00, a medical request's receipt */
#define AB (R + 30 * 60)  /* its assignment deadline */
#define RB (R + 120 * 60) /* its resolution deadline */

static void test_request__on_time_at_the_edges(void **state)
{
    struct fk_profile p;
    int64_t late = -1;
    int missed = -1;

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, RB, RB + 3600, &missed, &late),
        FK_REQUEST_S_ON_TIME);
    assert_int_equal(missed, FK_REQUEST_MISSED_NONE);
    assert_int_equal(late, 0);
    /* Resolved a second after its deadline: late by one (rounded up) minute. */
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, RB + 1, RB + 3600, &missed, &late),
        FK_REQUEST_S_LATE);
    assert_int_equal(missed, FK_REQUEST_MISSED_RESOLVE);
    assert_int_equal(late, 1);
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, RB + 61, RB + 3600, &missed, &late),
        FK_REQUEST_S_LATE);
    assert_int_equal(late, 2);
    /* Assigned a second late, resolved in time: late, the assignment missed. */
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB + 1, AB + 60, RB + 3600, &missed, &late),
        FK_REQUEST_S_LATE);
    assert_int_equal(missed, FK_REQUEST_MISSED_ASSIGN);
    assert_int_equal(late, 1);
    /* A medicine request has a day to be resolved. */
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICINE, R, R + 3600, RB + 1, RB + 3600, NULL, NULL),
        FK_REQUEST_S_ON_TIME);
}

static void test_request__open_and_overdue(void **state)
{
    struct fk_profile p;
    int64_t late = -1;
    int missed = -1;

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, 0, 0, AB, &missed, &late),
                     FK_REQUEST_S_OPEN);
    assert_int_equal(late, 0);
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, 0, 0, AB + 1, &missed, &late),
                     FK_REQUEST_S_OVERDUE);
    assert_int_equal(missed, FK_REQUEST_MISSED_ASSIGN);
    assert_int_equal(late, 1);
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, 0, RB, &missed, &late),
                     FK_REQUEST_S_ASSIGNED);
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, 0, RB + 1, &missed, &late),
                     FK_REQUEST_S_OVERDUE);
    assert_int_equal(missed, FK_REQUEST_MISSED_RESOLVE);
    assert_int_equal(late, 1);
    /* Assigned late and not resolved: overdue from the assignment's deadline. */
    assert_int_equal(
        fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB + 600, 0, AB + 900, &missed, &late),
        FK_REQUEST_S_OVERDUE);
    assert_int_equal(missed, FK_REQUEST_MISSED_ASSIGN);
    assert_int_equal(late, 10);
    /* Events after now are not known yet. */
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, RB, AB - 1, NULL, NULL),
                     FK_REQUEST_S_OPEN);
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, AB, RB, RB - 1, NULL, NULL),
                     FK_REQUEST_S_ASSIGNED);
    /* A resolution with no assignment is not one. */
    assert_int_equal(fk_request_state_at(&p, FK_REQUEST_MEDICAL, R, 0, RB, RB, NULL, NULL),
                     FK_REQUEST_S_OVERDUE);
}

static void test_request__check_and_names(void **state)
{
    int k = -1;

    (void)state;
    assert_int_equal(fk_request_check(R, 0, 0), FK_REQUEST_OK);
    assert_int_equal(fk_request_check(R, R, R), FK_REQUEST_OK);
    assert_int_equal(fk_request_check(R, R - 1, 0), FK_REQUEST_ASSIGNED_EARLY);
    assert_int_equal(fk_request_check(R, 0, R + 1), FK_REQUEST_NO_ASSIGNMENT);
    assert_int_equal(fk_request_check(R, R + 60, R + 59), FK_REQUEST_RESOLVED_EARLY);
    assert_int_equal(fk_request_status_of(0, 0), FK_REQUEST_OPEN);
    assert_int_equal(fk_request_status_of(R, 0), FK_REQUEST_ASSIGNED);
    assert_int_equal(fk_request_status_of(R, R), FK_REQUEST_RESOLVED);
    assert_int_equal(fk_request_kind_parse((fk_slice){"就医", 6}, &k), FK_OK);
    assert_int_equal(k, FK_REQUEST_MEDICAL);
    assert_int_equal(fk_request_kind_parse((fk_slice){"Food", 4}, &k), FK_OK);
    assert_int_equal(k, FK_REQUEST_FOOD);
    assert_int_equal(fk_request_kind_parse((fk_slice){"help", 4}, &k), FK_EINVAL);
    assert_int_equal(fk_request_channel_parse((fk_slice){"12345", 5}, &k), FK_OK);
    assert_int_equal(k, FK_REQUEST_HOTLINE);
    assert_int_equal(fk_request_channel_parse((fk_slice){"微信", 6}, &k), FK_OK);
    assert_int_equal(k, FK_REQUEST_WECHAT);
    assert_int_equal(fk_request_channel_parse((fk_slice){"fax", 3}, &k), FK_EINVAL);
    assert_string_equal(fk_request_kind_name(FK_REQUEST_COMPLAINT), "complaint");
    assert_string_equal(fk_request_channel_name(FK_REQUEST_WALK_IN), "walk_in");
    assert_string_equal(fk_request_state_name(FK_REQUEST_S_ON_TIME), "on_time");
    assert_string_equal(fk_request_missed_name(FK_REQUEST_MISSED_RESOLVE), "resolve");
    assert_string_equal(fk_request_status_name(FK_REQUEST_NSTATUS), "");
}

static void test_request__profile(void **state)
{
    struct fk_profile p;
    char err[256];
    int64_t ab, rb;

    (void)state;
    fk_profile_defaults(&p);
    fk_request_deadlines(&p, FK_REQUEST_MEDICAL, R, &ab, &rb);
    assert_int_equal(ab, AB);
    assert_int_equal(rb, RB);
    assert_int_equal(fk_profile_parse("[request]\nfood_assign_minutes = 15\n"
                                      "food_resolve_minutes = 60\n",
                                      &p, err, sizeof err),
                     FK_OK);
    fk_request_deadlines(&p, FK_REQUEST_FOOD, R, &ab, &rb);
    assert_int_equal(ab, R + 900);
    assert_int_equal(rb, R + 3600);
    assert_int_equal(
        fk_profile_parse("[request]\nmedical_resolve_minutes = 20\n", &p, err, sizeof err),
        FK_EINVAL);
    assert_non_null(strstr(err, "medical_resolve_minutes = 20 is below medical_assign_minutes"));
    assert_int_equal(
        fk_profile_parse("[request]\nmedical_assign_minutes = 0\n", &p, err, sizeof err),
        FK_EINVAL);
    assert_int_equal(p.request_assign_minutes[FK_REQUEST_MEDICAL], 30);
}

/* ---- a small city ----
 * A lives in G1 (榆次区) with phone 13900000001, under a home control order from
 * 2022-08-27T10:00; B in H1 (太谷区) with 13900000002, under none. */

#define NI 2

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NI][19];
};

static const struct fk_actor admin = {"chief", FK_ROLE_ADMIN, "1407"};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char buf[2048];

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "request", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &f->sum, f->err,
                    sizeof f->err) != FK_OK)
        return -1;
    make_id("14070219900101001", f->id[0]);
    make_id("14070319900101002", f->id[1]);
    snprintf(buf, sizeof buf,
             "id_number,name,phone,grid\n%s,甲,13900000001," TEST_G1 "\n%s,乙,13900000002," TEST_H1
             "\n",
             f->id[0], f->id[1]);
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_PERSONS, buf, &f->sum, f->err,
                    sizeof f->err) != FK_OK)
        return -1;
    snprintf(buf, sizeof buf,
             "id_number,category,place,start\n%s,close,home,2022-08-27T10:00:00+08:00\n", f->id[0]);
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_CONTROLS, buf, &f->sum, f->err,
                    sizeof f->err) != FK_OK ||
        f->sum.accepted != 1)
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

#define HEAD "number,received,channel,phone,region,kind,text"
#define T10 "2022-08-28T10:00:00+08:00"

/* N1 (A's phone, medical, open), N2 (medicine, assigned), N3 (B, medical, resolved a second
 * late), N4 (food, of the county, resolved on time), N5 (complaint, received the day before A's
 * order). */
static void import_city(struct fixture *f)
{
    assert_int_equal(
        import_text(f->st, &f->prof, f->dir, FK_IMPORT_REQUESTS,
                    HEAD ",unit,assigned,resolved\n"
                         "N1," T10 ",hotline,+86 139-0000-0001," TEST_G1 ",medical,发热就医,,,\n"
                         "N2," T10 ",wechat,13911112222," TEST_G2 ",medicine,降压药,社区,"
                         "2022-08-28T10:20:00+08:00,\n"
                         "N3," T10 ",热线,13900000002," TEST_H1 ",就医,透析,太谷医院,"
                         "2022-08-28T10:30:00+08:00,2022-08-28T12:00:01+08:00\n"
                         "N4," T10 ",online,13911113333,140702,food,买菜,街道,"
                         "2022-08-28T11:00:00+08:00,2022-08-28T20:00:00+08:00\n"
                         "N5,2022-08-26T09:00:00+08:00,walk_in,13900000001," TEST_G1
                         ",complaint,噪音,,,\n",
                    &f->sum, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(f->sum.accepted, 5);
    assert_int_equal(f->sum.rejected, 0);
}

static long row_of(const fk_table *t, const char *number)
{
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++)
        if (strcmp(fk_table_get(t, i, 0), number) == 0)
            return (long)i;
    return -1;
}

static void test_request__rejects(void **state)
{
    struct fixture *f = *state;

    import_city(f);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_REQUESTS,
                                 HEAD ",unit,assigned,resolved\n"
                                      "X1," T10 ",hotline,139," TEST_G1 ",medical,t,医院,"
                                      "2022-08-28T11:00:00+08:00,2022-08-28T10:59:59+08:00\n"
                                      "X2," T10 ",hotline,139," TEST_G1
                                      ",medical,t,,,2022-08-28T11:00:00+08:00\n"
                                      "X3," T10 ",hotline,139,999,medical,t,,,\n"
                                      "X4," T10 ",hotline,139," TEST_G1
                                      ",medical,t,,2022-08-28T11:00:00+08:00,\n"
                                      "X5," T10 ",hotline,139," TEST_G1 ",medical,t,医院,,\n"
                                      "X6," T10 ",fax,139," TEST_G1 ",help,t,,,\n"
                                      "X7," T10 ",hotline,," TEST_G1 ",medical,,,,\n"
                                      "X8," T10 ",hotline,139," TEST_G1 ",medical,t,医院,"
                                      "2022-08-28T09:59:59+08:00,\n"
                                      "X9," T10 ",hotline,139," TEST_G1 ",medical,t,医院,"
                                      "2022-08-28T11:00:00+08:00,2022-08-28T11:00:00+08:00\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    /* Rejected: resolved before it was assigned, resolved never assigned, an unknown region, an
     * assignment without a unit, a unit without an assignment, a bad channel and kind, no phone
     * and no text, assigned before received; accepted: resolved at the assignment's second. */
    assert_int_equal(f->sum.rejected, 8);
    assert_int_equal(f->sum.accepted, 1);
    /* A resolution alone: the stored assignment counts (one before it is refused). */
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_REQUESTS,
                                 HEAD ",resolved\n"
                                      "N2," T10 ",wechat,13911112222," TEST_G2
                                      ",medicine,降压药,2022-08-28T10:19:59+08:00\n"
                                      "N1," T10 ",hotline,+86 139-0000-0001," TEST_G1
                                      ",medical,发热就医,2022-08-28T11:00:00+08:00\n"
                                      "N2," T10 ",wechat,13911112222," TEST_G2
                                      ",medicine,降压药,2022-08-28T10:20:00+08:00\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.rejected, 2);
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(f->sum.updated, 1);
}

static void test_request__caller(void **state)
{
    struct fixture *f = *state;
    struct fk_request_caller c;
    int64_t now = at("2022-08-28T13:00:00+08:00");

    import_city(f);
    assert_int_equal(fk_request_caller(f->st, f->eng, "+86 139-0000-0001", at(T10), now, NULL, &c),
                     FK_OK);
    assert_int_equal(c.found, 1);
    assert_string_equal(c.id_number, f->id[0]);
    assert_string_equal(c.name, "甲");
    assert_int_equal(c.category, FK_CTL_CLOSE);
    /* Before the order began; outside the region asked; not under control; unknown. */
    assert_int_equal(fk_request_caller(f->st, f->eng, "13900000001",
                                       at("2022-08-27T09:59:59+08:00"), now, NULL, &c),
                     FK_OK);
    assert_int_equal(c.found, 0);
    assert_int_equal(fk_request_caller(f->st, f->eng, "13900000001", at(T10), now, "140703", &c),
                     FK_OK);
    assert_int_equal(c.found, 0);
    assert_int_equal(fk_request_caller(f->st, f->eng, "13900000002", at(T10), now, NULL, &c),
                     FK_OK);
    assert_int_equal(c.found, 0);
    assert_int_equal(fk_request_caller(f->st, f->eng, "110", at(T10), now, NULL, &c), FK_OK);
    assert_int_equal(c.found, 0);
}

static void test_request__list_and_status(void **state)
{
    struct fixture *f = *state;
    struct fk_request_query q = {0, 0, NULL, NULL};
    int64_t now = at("2022-08-28T13:00:00+08:00");
    fk_table *t = NULL;
    long n1, n2, n3, n4, n5;

    import_city(f);
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 5);
    n1 = row_of(t, "N1");
    n2 = row_of(t, "N2");
    n3 = row_of(t, "N3");
    n4 = row_of(t, "N4");
    n5 = row_of(t, "N5");
    /* The most urgent first: overdue N5 (received first), N1; assigned N2; late N3; N4 on time
     * (resolved after now: not known yet, so assigned, in time). */
    assert_true(n5 == 0 && n1 == 1);
    assert_string_equal(fk_table_get(t, (size_t)n1, 12), "overdue");
    assert_string_equal(fk_table_get(t, (size_t)n1, 13), "assign");
    assert_string_equal(fk_table_get(t, (size_t)n1, 14), "150");
    assert_string_equal(fk_table_get(t, (size_t)n1, 11), "open");
    assert_string_equal(fk_table_get(t, (size_t)n1, 17), f->id[0]);
    assert_string_equal(fk_table_get(t, (size_t)n1, 18), "甲");
    assert_string_equal(fk_table_get(t, (size_t)n1, 19), "close");
    assert_string_equal(fk_table_get(t, (size_t)n5, 17), "");
    assert_string_equal(fk_table_get(t, (size_t)n2, 12), "assigned");
    assert_string_equal(fk_table_get(t, (size_t)n2, 8), "社区");
    assert_string_equal(fk_table_get(t, (size_t)n3, 12), "late");
    assert_string_equal(fk_table_get(t, (size_t)n3, 13), "resolve");
    assert_string_equal(fk_table_get(t, (size_t)n3, 14), "1");
    assert_string_equal(fk_table_get(t, (size_t)n3, 11), "resolved");
    assert_string_equal(fk_table_get(t, (size_t)n3, 16), "2022-08-28T12:00:00+08:00");
    assert_string_equal(fk_table_get(t, (size_t)n4, 12), "assigned");
    assert_string_equal(fk_table_get(t, (size_t)n4, 10), "");
    assert_string_equal(fk_table_get(t, (size_t)n4, 5), "榆次区");
    assert_true(n2 < n3);
    fk_table_free(t);
    q.open = 1;
    q.region = "140702";
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 4);
    fk_table_free(t);
    q.open = 0;
    q.overdue = 1;
    q.region = NULL;
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    fk_table_free(t);
    /* As of 10:29, nothing was due yet, and N5 is of the day before. */
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, at("2022-08-28T10:30:00+08:00"),
                                     &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(fk_table_get(t, 0, 0), "N5");
    fk_table_free(t);
    q.region = "999";
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_ENOENT);
    /* Per county, as of 21:00: 榆次区 received 4 (N1, N2, N4, N5): open 2, assigned 1, resolved 1
     * on time, overdue 2 (N1; N2 not yet); 太谷区 1, resolved late. */
    assert_int_equal(fk_request_status(f->st, f->eng, &f->prof, NULL, FK_LEVEL_COUNTY,
                                       at("2022-08-28T21:00:00+08:00"), &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 0), "140702");
    assert_string_equal(fk_table_get(t, 0, 2), "4");
    assert_string_equal(fk_table_get(t, 0, 3), "2");
    assert_string_equal(fk_table_get(t, 0, 4), "1");
    assert_string_equal(fk_table_get(t, 0, 5), "1");
    assert_string_equal(fk_table_get(t, 0, 6), "1");
    assert_string_equal(fk_table_get(t, 0, 7), "0");
    assert_string_equal(fk_table_get(t, 0, 8), "2");
    assert_string_equal(fk_table_get(t, 1, 0), "140703");
    assert_string_equal(fk_table_get(t, 1, 2), "1");
    assert_string_equal(fk_table_get(t, 1, 7), "1");
    fk_table_free(t);
}

/* Counts the request.* audit rows into *ud. */
static int on_audit(void *ud, const struct fk_audit_row *a)
{
    if (strncmp(a->action, "request.", 8) == 0) {
        assert_string_equal(a->target, "N1");
        assert_string_equal(a->region, TEST_G1);
        (*(int64_t *)ud)++;
    }
    return 0;
}

static void test_request__actions(void **state)
{
    static const struct fk_actor yuci = {"yuci", FK_ROLE_COUNTY, "140702"};
    static const struct fk_actor taigu = {"taigu", FK_ROLE_COUNTY, "140703"};
    static const struct fk_actor viewer = {"view", FK_ROLE_VIEWER, "140702"};
    struct fixture *f = *state;
    struct fk_request_query q = {0, 0, NULL, "N1"};
    fk_table *t = NULL;
    int64_t n = 0;
    int wrote = -1;

    import_city(f);
    /* Resolved before it was assigned: refused. */
    assert_int_equal(fk_request_resolve(f->st, &yuci, "N1", "", at("2022-08-28T10:10:00+08:00"),
                                        &wrote, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "cannot be resolved before it is assigned"));
    assert_int_equal(wrote, 0);
    /* Role, scope, unknown, no unit, before its receipt. */
    assert_int_equal(fk_request_assign(f->st, &viewer, "N1", "医院",
                                       at("2022-08-28T10:10:00+08:00"), &wrote, f->err,
                                       sizeof f->err),
                     FK_EPERM);
    assert_int_equal(fk_request_assign(f->st, &taigu, "N1", "医院", at("2022-08-28T10:10:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_string_equal(f->err, "no request N1");
    assert_int_equal(fk_request_assign(f->st, &yuci, "N9", "医院", at("2022-08-28T10:10:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "", at("2022-08-28T10:10:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "医院", at("2022-08-28T09:59:59+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_EINVAL);
    /* Assigned at its deadline's very second; the same again changes nothing; another time
     * conflicts; another unit reassigns it, keeping the first time. */
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "医院", at("2022-08-28T10:30:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(wrote, 1);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "医院", at("2022-08-28T10:30:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(wrote, 0);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "医院", at("2022-08-28T10:31:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "120", at("2022-08-28T10:29:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_int_equal(fk_request_assign(f->st, &yuci, "N1", "120", at("2022-08-28T10:40:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_OK);
    /* Resolved a second after its deadline; a second resolution at another time conflicts; a
     * resolved request is not assigned again. */
    assert_int_equal(fk_request_resolve(f->st, &yuci, "N1", "已送医",
                                        at("2022-08-28T10:29:59+08:00"), &wrote, f->err,
                                        sizeof f->err),
                     FK_EINVAL);
    assert_int_equal(fk_request_resolve(f->st, &yuci, "N1", "已送医",
                                        at("2022-08-28T12:00:01+08:00"), &wrote, f->err,
                                        sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_request_resolve(f->st, &admin, "N1", "", at("2022-08-28T12:30:00+08:00"),
                                        &wrote, f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_request_assign(f->st, &admin, "N1", "x", at("2022-08-28T12:30:00+08:00"),
                                       &wrote, f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_request_list(f->st, f->eng, &f->prof, &q, at("2022-08-28T13:00:00+08:00"),
                                     &t, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(fk_table_get(t, 0, 8), "120");
    assert_string_equal(fk_table_get(t, 0, 9), "2022-08-28T10:30:00+08:00");
    assert_string_equal(fk_table_get(t, 0, 12), "late");
    assert_string_equal(fk_table_get(t, 0, 14), "1");
    assert_string_equal(fk_table_get(t, 0, 20), "已送医");
    fk_table_free(t);
    /* A re-import of the intake keeps the actions' unit and times. */
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_REQUESTS,
                                 HEAD "\nN1," T10 ",hotline,+86 139-0000-0001," TEST_G1
                                      ",medical,发热就医\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.duplicate, 1);
    /* Three audit rows: assign, reassign, resolve. */
    assert_int_equal(fk_store_each_audit(f->st, 0, on_audit, &n), FK_OK);
    assert_int_equal(n, 3);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request__on_time_at_the_edges),
        cmocka_unit_test(test_request__open_and_overdue),
        cmocka_unit_test(test_request__check_and_names),
        cmocka_unit_test(test_request__profile),
        T(test_request__rejects),
        T(test_request__caller),
        T(test_request__list_and_status),
        T(test_request__actions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
