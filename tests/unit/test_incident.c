/* SPDX-License-Identifier: MIT */
/* Unit tests of the response timers (issue 17): the pure judgment of a deadline at its edges
 * (exactly at the limit is met, a second later missed), the start (reported when given), the
 * share of contacts, the profile's [incident]; then a small city built from CSV text in which
 * the timers of one case and the lock24 indicator are worked out by hand below. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/action.h"
#include "fk/error.h"
#include "fk/incident.h"
#include "fk/ingest.h"
#include "fk/response.h"
#include "fk/time.h"

#include "testutil.h"

/* The local administrator, who has no scope. */
static const struct fk_actor U = {"u", FK_ROLE_ADMIN, NULL};

#define S 1661391000 /* 2022-08-25T09:30:00+08:00, a start */

static void test_incident__judge_edges(void **state)
{
    struct fk_inc_timer t;

    (void)state;
    /* Exactly 30 minutes: met, nothing to spare. */
    fk_inc_judge(S, 1800, S + 1800, S + 86400, &t);
    assert_int_equal(t.state, FK_INC_MET);
    assert_int_equal(t.deadline, S + 1800);
    assert_int_equal(t.at, S + 1800);
    assert_int_equal(t.margin, 0);
    /* 30 minutes and a second: missed, by a (whole, rounded up) minute, still shown. */
    fk_inc_judge(S, 1800, S + 1801, S + 86400, &t);
    assert_int_equal(t.state, FK_INC_MISSED);
    assert_int_equal(t.at, S + 1801);
    assert_int_equal(t.margin, -1);
    /* 29 min 59 s to spare is 29 minutes; an event before the start is met. */
    fk_inc_judge(S, 1800, S + 1, S + 86400, &t);
    assert_int_equal(t.state, FK_INC_MET);
    assert_int_equal(t.margin, 29);
    /* No event: open up to and at the deadline, then missed by now. */
    fk_inc_judge(S, 1800, 0, S + 1800, &t);
    assert_int_equal(t.state, FK_INC_OPEN);
    assert_int_equal(t.margin, 0);
    fk_inc_judge(S, 1800, 0, S + 60, &t);
    assert_int_equal(t.state, FK_INC_OPEN);
    assert_int_equal(t.margin, 29);
    fk_inc_judge(S, 1800, 0, S + 1801, &t);
    assert_int_equal(t.state, FK_INC_MISSED);
    assert_int_equal(t.at, 0);
    assert_int_equal(t.margin, -1);
    fk_inc_judge(S, 1800, 0, S + 1800 + 3600, &t);
    assert_int_equal(t.margin, -60);
    /* An event after now is not known yet. */
    fk_inc_judge(S, 1800, S + 600, S + 300, &t);
    assert_int_equal(t.state, FK_INC_OPEN);
    assert_int_equal(t.at, 0);
    assert_int_equal(t.margin, 25);
    assert_string_equal(fk_inc_state_name(FK_INC_MISSED), "missed");
    assert_string_equal(fk_inc_deadline_name(FK_INC_D_SCREEN72), "screen72");
    assert_string_equal(fk_inc_deadline_name(FK_INC_ND), "");
}

static void test_incident__start_and_events(void **state)
{
    int e = -1;

    (void)state;
    assert_int_equal(fk_inc_start(S, 0), S);
    assert_int_equal(fk_inc_start(S, S - 1800), S - 1800);
    assert_int_equal(fk_inc_event_parse((fk_slice){"ONSITE", 6}, &e), FK_OK);
    assert_int_equal(e, FK_INC_ONSITE);
    assert_int_equal(fk_inc_event_parse((fk_slice){"启动", strlen("启动")}, &e), FK_OK);
    assert_int_equal(e, FK_INC_ACTIVATED);
    assert_int_equal(fk_inc_event_parse((fk_slice){"closed", 6}, &e), FK_EINVAL);
    assert_string_equal(fk_inc_event_name(FK_INC_ACTIVATED), "activated");
    assert_string_equal(fk_inc_event_name(2), "");
}

static void test_incident__share(void **state)
{
    const int64_t l[3] = {10, 20, INT64_MAX};

    (void)state;
    assert_int_equal(fk_inc_share_at(l, 3, 100, 5), INT64_MAX); /* one never locked */
    assert_int_equal(fk_inc_share_at(l, 3, 67, 5), INT64_MAX);  /* ceil(2.01) = 3 */
    assert_int_equal(fk_inc_share_at(l, 3, 66, 5), 20);         /* ceil(1.98) = 2 */
    assert_int_equal(fk_inc_share_at(l, 3, 33, 5), 10);         /* ceil(0.99) = 1 */
    assert_int_equal(fk_inc_share_at(l, 3, 1, 5), 10);
    assert_int_equal(fk_inc_share_at(l, 0, 100, 5), 5); /* nothing to lock */
}

static void test_incident__profile(void **state)
{
    struct fk_profile p;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("", &p, err, sizeof err), FK_OK);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_ONSITE), 30 * 60);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_ACTIVATED), 60 * 60);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_LOCK24), 24 * 3600);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_SCREEN72), 72 * 3600);
    assert_int_equal(p.inc_lock_pct, 100);
    assert_int_equal(fk_profile_parse("[incident]\nonsite_minutes = 15\nlock_pct = 80\n"
                                      "screen_hours = 48\n",
                                      &p, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_ONSITE), 15 * 60);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_SCREEN72), 48 * 3600);
    assert_int_equal(fk_inc_limit(&p, FK_INC_D_ACTIVATED), 60 * 60);
    assert_int_equal(p.inc_lock_pct, 80);
    assert_int_equal(fk_profile_parse("[incident]\nlock_pct = 0\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[incident]\nlock_pct = 101\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[incident]\nlock_minutes = 5\n", &p, err, sizeof err),
                     FK_EINVAL);
}

/* ---- a small city ----
 * Case A (榆次区, grid G1) confirmed 2022-08-25 09:00 and reported 08:30: its timers start at
 * 08:30. A scanned venue V1 on 08-24 at 10:00; C1, C2, C3 scanned it 10, 20 and 25 minutes later
 * (close contacts: within 30 minutes); D scanned it at 11:00 (not a contact). Control orders:
 * C1 from 08-25 20:00 (11.5 h), C2 from 08-26 08:30 (exactly 24 h), C3 from 08-26 08:30:01
 * (24 h and a second), D from 08-25 10:00 (no contact, not counted). Case B (太谷区, H1) confirmed
 * 08-26 12:00, no contacts. Events of A: onsite 09:00 (exactly 30 min after 08:30), activated
 * 09:30:01 (60 min and a second). A round over the city begins 08-28 08:30 (exactly 72 h).
 *
 * So by hand: lock24 of 榆次区 for cases confirmed on 08-25: C1 and C2 of 3, num 2, den 3; of
 * 太谷区: B has no contacts, den 0; for 08-26 in 榆次区: no case, den 0. A's timers as of 08-29:
 * onsite met (margin 0), activated missed (-1), lock24 at 100 %: missed at 08:30:01 (-1), at
 * 66 %: met at 08:30 (0), screen72 met (0). */

#define NI 6

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    fk_tracer *tr;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NI][19]; /* A, C1, C2, C3, D, B */
    int64_t pid[NI];
};

static int import(struct fixture *f, enum fk_import_type t, const char *text)
{
    int rc = import_text(f->st, &f->prof, f->dir, t, text, &f->sum, f->err, sizeof f->err);

    if (rc == FK_OK && f->sum.rejected) {
        fprintf(stderr, "%s: %llu rejected\n", fk_import_type_name(t),
                (unsigned long long)f->sum.rejected);
        return FK_EINVAL;
    }
    return rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *grid[NI] = {TEST_G1, TEST_G1, TEST_G2, TEST_H1, TEST_G1, TEST_H1};
    char buf[4096], body[18];
    struct fk_round r;
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "incident", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import(f, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,grid\n");
    for (i = 0; i < NI; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,人%d,%s\n", f->id[i], i, grid[i]);
    }
    if (import(f, FK_IMPORT_PERSONS, buf) != FK_OK || find_persons(f->st, f->id, f->pid, NI) != 0)
        return -1;
    if (import(f, FK_IMPORT_VENUES, "code,name,grid\nV1,超市," TEST_G1 "\n") != FK_OK)
        return -1;
    snprintf(buf, sizeof buf,
             "id_number,venue,time\n%s,V1,2022-08-24T10:00:00+08:00\n"
             "%s,V1,2022-08-24T10:10:00+08:00\n%s,V1,2022-08-24T10:20:00+08:00\n"
             "%s,V1,2022-08-24T10:25:00+08:00\n%s,V1,2022-08-24T11:00:00+08:00\n",
             f->id[0], f->id[1], f->id[2], f->id[3], f->id[4]);
    if (import(f, FK_IMPORT_SCANS, buf) != FK_OK)
        return -1;
    snprintf(
        buf, sizeof buf,
        "id_number,confirmed,reported\n%s,2022-08-25T09:00:00+08:00,2022-08-25T08:30:00+08:00\n"
        "%s,2022-08-26T12:00:00+08:00,\n",
        f->id[0], f->id[5]);
    if (import(f, FK_IMPORT_CASES, buf) != FK_OK)
        return -1;
    snprintf(buf, sizeof buf,
             "id_number,category,place,start\n%s,close,centralized,2022-08-25T20:00:00+08:00\n"
             "%s,close,centralized,2022-08-26T08:30:00+08:00\n"
             "%s,close,home,2022-08-26T08:30:01+08:00\n"
             "%s,other,home,2022-08-25T10:00:00+08:00\n",
             f->id[1], f->id[2], f->id[3], f->id[4]);
    if (import(f, FK_IMPORT_CONTROLS, buf) != FK_OK)
        return -1;
    snprintf(buf, sizeof buf,
             "case,event,time,note\n%s,onsite,2022-08-25T09:00:00+08:00,到场\n"
             "%s,activated,2022-08-25T09:30:01+08:00,\n"
             "%s,onsite,2022-08-25T09:20:00+08:00,later than the first\n",
             f->id[0], f->id[0], f->id[0]);
    if (import(f, FK_IMPORT_INCIDENT_EVENTS, buf) != FK_OK)
        return -1;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "R1");
    snprintf(r.region, sizeof r.region, "1407");
    if (fk_time_parse("2022-08-28T08:30:00+08:00", 25, &r.start) != FK_OK ||
        fk_time_parse("2022-08-29T08:30:00+08:00", 25, &r.end) != FK_OK ||
        fk_round_add(f->st, &U, &r, f->err, sizeof f->err) != FK_OK)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK ||
        fk_tracer_build(f->st, &f->prof, &f->tr, f->err, sizeof f->err) != FK_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_tracer_free(f->tr);
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

/* The row of deadline d of the case with ID number idn in list t; -1 when none. */
static long row_of(const fk_table *t, const char *idn, const char *d)
{
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++)
        if (strcmp(fk_table_get(t, i, 0), idn) == 0 && strcmp(fk_table_get(t, i, 4), d) == 0)
            return (long)i;
    return -1;
}

static void expect_timer(const fk_table *t, const char *idn, const char *d, const char *state,
                         const char *when, const char *margin)
{
    long r = row_of(t, idn, d);

    assert_true(r >= 0);
    assert_string_equal(fk_table_get(t, (size_t)r, 7), state);
    assert_string_equal(fk_table_get(t, (size_t)r, 8) ? fk_table_get(t, (size_t)r, 8) : "", when);
    assert_string_equal(fk_table_get(t, (size_t)r, 9), margin);
}

static void test_incident__list(void **state)
{
    struct fixture *f = *state;
    fk_table *t = NULL;

    assert_int_equal(fk_response_list(f->st, f->eng, f->tr, &f->prof, NULL,
                                      at("2022-08-29T00:00:00+08:00"), 0, &t, f->err,
                                      sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 8); /* two cases, four deadlines each */
    assert_string_equal(fk_table_get(t, 0, 0), f->id[0]);
    assert_string_equal(fk_table_get(t, 0, 1), "140702");
    assert_string_equal(fk_table_get(t, 0, 2), "榆次区");
    assert_string_equal(fk_table_get(t, 0, 3), "2022-08-25T08:30:00+08:00"); /* reported */
    assert_string_equal(fk_table_get(t, 0, 6), "2022-08-25T09:00:00+08:00");
    expect_timer(t, f->id[0], "onsite", "met", "2022-08-25T09:00:00+08:00", "0");
    expect_timer(t, f->id[0], "activated", "missed", "2022-08-25T09:30:01+08:00", "-1");
    expect_timer(t, f->id[0], "lock24", "missed", "2022-08-26T08:30:01+08:00", "-1");
    expect_timer(t, f->id[0], "screen72", "met", "2022-08-28T08:30:00+08:00", "0");
    /* B: no contacts (met at its start), no events, the round began before 72 h were out. */
    expect_timer(t, f->id[5], "lock24", "met", "2022-08-26T12:00:00+08:00", "1440");
    expect_timer(t, f->id[5], "onsite", "missed", "", "-3570");
    expect_timer(t, f->id[5], "screen72", "met", "2022-08-28T08:30:00+08:00", "1650");
    fk_table_free(t);
    t = NULL;

    /* As of a time before C3's order and A's activation: lock24 and activated still open. */
    assert_int_equal(fk_response_list(f->st, f->eng, f->tr, &f->prof, "140702",
                                      at("2022-08-25T09:20:00+08:00"), 1, &t, f->err,
                                      sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 4); /* B is in 太谷区, and not a case yet */
    expect_timer(t, f->id[0], "onsite", "met", "2022-08-25T09:00:00+08:00", "0");
    expect_timer(t, f->id[0], "activated", "open", "", "10");
    expect_timer(t, f->id[0], "lock24", "open", "", "1390");
    expect_timer(t, f->id[0], "screen72", "open", "", "4270");
    fk_table_free(t);
    t = NULL;

    /* lock_pct 66: two of three suffice, the second locked exactly at 24 h. */
    f->prof.inc_lock_pct = 66;
    assert_int_equal(fk_response_list(f->st, f->eng, f->tr, &f->prof, NULL,
                                      at("2022-08-29T00:00:00+08:00"), 0, &t, f->err,
                                      sizeof f->err),
                     FK_OK);
    expect_timer(t, f->id[0], "lock24", "met", "2022-08-26T08:30:00+08:00", "0");
    fk_table_free(t);
    t = NULL;
    f->prof.inc_lock_pct = 100;

    /* --open keeps A (a deadline missed), drops B only when all are met: B missed onsite. */
    assert_int_equal(fk_response_list(f->st, f->eng, f->tr, &f->prof, "140703",
                                      at("2022-08-29T00:00:00+08:00"), 1, &t, f->err,
                                      sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 4);
    fk_table_free(t);
    t = NULL;
    assert_int_equal(
        fk_response_list(f->st, f->eng, f->tr, &f->prof, "999", S, 0, &t, f->err, sizeof f->err),
        FK_ENOENT);
    assert_null(t);
}

static void test_incident__contacts(void **state)
{
    struct fixture *f = *state;
    fk_table *t = NULL;

    assert_int_equal(fk_response_contacts(f->st, f->eng, f->tr, &f->prof, f->pid[0],
                                          at("2022-08-29T00:00:00+08:00"), &t, f->err,
                                          sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 3);
    /* In lock order: C1, C2, C3. */
    assert_string_equal(fk_table_get(t, 0, 1), f->id[1]);
    assert_string_equal(fk_table_get(t, 0, 5), "11.5");
    assert_string_equal(fk_table_get(t, 0, 6), "1");
    assert_string_equal(fk_table_get(t, 1, 1), f->id[2]);
    assert_string_equal(fk_table_get(t, 1, 5), "24.0");
    assert_string_equal(fk_table_get(t, 1, 6), "1");
    assert_string_equal(fk_table_get(t, 2, 1), f->id[3]);
    assert_string_equal(fk_table_get(t, 2, 4), "2022-08-26T08:30:01+08:00");
    assert_string_equal(fk_table_get(t, 2, 6), "0");
    fk_table_free(t);
    t = NULL;
    assert_int_equal(fk_response_contacts(f->st, f->eng, f->tr, &f->prof, f->pid[1],
                                          at("2022-08-29T00:00:00+08:00"), &t, f->err,
                                          sizeof f->err),
                     FK_ENOENT);
}

static void test_incident__lock24_indicator(void **state)
{
    struct fixture *f = *state;
    fk_table *rows = NULL;
    int64_t num = -1, den = -1;

    assert_int_equal(fk_lock24_indicator_tr(
                         f->st, f->eng, f->tr, &f->prof, "140702", at("2022-08-25T00:00:00+08:00"),
                         at("2022-08-26T00:00:00+08:00"), &num, &den, &rows, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(num, 2);
    assert_int_equal(den, 3);
    assert_int_equal(fk_table_nrows(rows), 3);
    assert_string_equal(fk_table_get(rows, 2, 0), f->id[0]);
    assert_string_equal(fk_table_get(rows, 2, 6), "0");
    fk_table_free(rows);
    rows = NULL;
    /* The whole city through the tracer it builds itself: the same. */
    assert_int_equal(fk_lock24_indicator(
                         f->st, f->eng, &f->prof, "1407", at("2022-08-01T00:00:00+08:00"),
                         at("2022-09-01T00:00:00+08:00"), &num, &den, NULL, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(num, 2);
    assert_int_equal(den, 3);
    /* 太谷区: B has no close contacts: no data. */
    assert_int_equal(fk_lock24_indicator_tr(
                         f->st, f->eng, f->tr, &f->prof, "140703", at("2022-08-01T00:00:00+08:00"),
                         at("2022-09-01T00:00:00+08:00"), &num, &den, NULL, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(den, 0);
    /* The window is half open: A confirmed at 09:00 on 08-25 is not in [08-25 09:00:01, …). */
    assert_int_equal(fk_lock24_indicator_tr(
                         f->st, f->eng, f->tr, &f->prof, "140702", at("2022-08-25T09:00:01+08:00"),
                         at("2022-09-01T00:00:00+08:00"), &num, &den, NULL, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(num, 0);
    assert_int_equal(den, 0);
}

/* The event action: audited, scoped, refused before the start. */
static void test_incident__event_action(void **state)
{
    static const struct fk_actor taigu = {"taigu", FK_ROLE_COUNTY, "140703"};
    static const struct fk_actor viewer = {"view", FK_ROLE_VIEWER, "140702"};
    struct fixture *f = *state;
    enum fk_put did;

    assert_int_equal(fk_incident_event_add(f->st, &U, f->pid[0], FK_INC_ACTIVATED,
                                           at("2022-08-25T09:10:00+08:00"), "指挥部启动", &did,
                                           f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_incident_event_add(f->st, &U, f->pid[0], FK_INC_ACTIVATED,
                                           at("2022-08-25T09:10:00+08:00"), "指挥部启动", &did,
                                           f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_incident_event_add(f->st, &U, f->pid[0], FK_INC_ONSITE,
                                           at("2022-08-25T08:29:59+08:00"), NULL, &did, f->err,
                                           sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "before the case's start 2022-08-25T08:30:00+08:00"));
    assert_int_equal(fk_incident_event_add(f->st, &U, f->pid[1], FK_INC_ONSITE,
                                           at("2022-08-25T09:10:00+08:00"), NULL, &did, f->err,
                                           sizeof f->err),
                     FK_ENOENT);
    assert_non_null(strstr(f->err, "is not a case"));
    /* A county account of 太谷区 sees no person of 榆次区; a viewer may not write. */
    assert_int_equal(fk_incident_event_add(f->st, &taigu, f->pid[0], FK_INC_ONSITE,
                                           at("2022-08-25T09:10:00+08:00"), NULL, &did, f->err,
                                           sizeof f->err),
                     FK_ENOENT);
    assert_int_equal(fk_incident_event_add(f->st, &viewer, f->pid[0], FK_INC_ONSITE,
                                           at("2022-08-25T09:10:00+08:00"), NULL, &did, f->err,
                                           sizeof f->err),
                     FK_EPERM);
    assert_int_equal(fk_incident_event_add(f->st, &taigu, f->pid[5], FK_INC_ONSITE,
                                           at("2022-08-26T12:10:00+08:00"), "ok", &did, f->err,
                                           sizeof f->err),
                     FK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_incident__judge_edges),
        cmocka_unit_test(test_incident__start_and_events),
        cmocka_unit_test(test_incident__share),
        cmocka_unit_test(test_incident__profile),
        cmocka_unit_test_setup_teardown(test_incident__list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident__contacts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident__lock24_indicator, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incident__event_action, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
