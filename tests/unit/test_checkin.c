/* SPDX-License-Identifier: MIT */
/* Unit tests of daily health check-ins: lib/domain/checkin.c (temperatures and their range,
 * symptom codes, the half-day windows with a check-in at exactly 12:00:00 in the afternoon, 37.3
 * a fever and 37.2 not, a window missed once it has ended and not a second before, an order that
 * starts mid-day), the [checkin] profile, and the board of lib/engine/checkins.c on a small store
 * (status, list, missed windows, fevers) against answers worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/checkin.h"
#include "fk/checkins.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/regime.h"
#include "fk/time.h"

#include "testutil.h"

static int64_t at(const char *s)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(s, strlen(s), &t), FK_OK);
    return t;
}

static int temp(const char *s)
{
    int t = -1;

    assert_int_equal(fk_checkin_temp_parse((fk_slice){s, strlen(s)}, &t), FK_OK);
    return t;
}

static void test_checkin__temperatures(void **state)
{
    char out[FK_CHECKIN_TEMP_TEXT];
    int t;

    (void)state;
    assert_int_equal(temp("36.5"), 365);
    assert_int_equal(temp("37"), 370);
    assert_int_equal(temp(" 37.30 "), 373);
    assert_int_equal(fk_checkin_temp_parse((fk_slice){"36.55", 5}, &t), FK_EINVAL);
    assert_int_equal(fk_checkin_temp_parse((fk_slice){"", 0}, &t), FK_EINVAL);
    assert_int_equal(fk_checkin_temp_parse((fk_slice){"36,5", 4}, &t), FK_EINVAL);
    assert_int_equal(fk_checkin_temp_parse((fk_slice){"-36", 3}, &t), FK_EINVAL);
    /* 34.0 and 43.0 are allowed, 33.9 and 43.1 not. */
    assert_true(fk_checkin_temp_ok(temp("34.0")));
    assert_true(fk_checkin_temp_ok(temp("43.0")));
    assert_false(fk_checkin_temp_ok(temp("33.9")));
    assert_false(fk_checkin_temp_ok(temp("43.1")));
    assert_string_equal(fk_checkin_temp_render(373, out), "37.3");
    assert_string_equal(fk_checkin_temp_render(370, out), "37.0");
}

static void test_checkin__fever_edge_and_profile(void **state)
{
    struct fk_profile p;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(p.checkin_per_day, 2);
    assert_int_equal(p.checkin_fever10, 373);
    assert_true(fk_checkin_is_fever(&p, temp("37.3")));
    assert_false(fk_checkin_is_fever(&p, temp("37.2")));
    assert_int_equal(
        fk_profile_parse("[checkin]\nfever = 37.5\nper_day = 1\n", &p, err, sizeof err), FK_OK);
    assert_int_equal(p.checkin_fever10, 375);
    assert_int_equal(p.checkin_per_day, 1);
    assert_false(fk_checkin_is_fever(&p, temp("37.4")));
    assert_int_equal(fk_profile_parse("[checkin]\nper_day = 5\n", &p, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "divisor of 24"));
    assert_int_equal(fk_profile_parse("[checkin]\nfever = 37.35\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[checkin]\nfever = 50\n", &p, err, sizeof err), FK_EINVAL);
}

static void test_checkin__symptoms(void **state)
{
    char bad[32];

    (void)state;
    assert_int_equal(fk_checkin_symptoms_check((fk_slice){"", 0}, bad, sizeof bad), FK_OK);
    assert_int_equal(fk_checkin_symptoms_check((fk_slice){"cough; Fever;;", 14}, bad, sizeof bad),
                     FK_OK);
    assert_int_equal(fk_checkin_symptoms_check((fk_slice){"cough;sneeze", 12}, bad, sizeof bad),
                     FK_EINVAL);
    assert_string_equal(bad, "sneeze");
}

/* A check-in at exactly 12:00:00 belongs to the afternoon window; 11:59:59 to the morning. */
static void test_checkin__noon_boundary(void **state)
{
    struct fk_profile p;
    int64_t day, start;

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_checkin_window_len(&p), 12 * 3600);
    assert_int_equal(fk_checkin_window_of(&p, at("2022-08-28T12:00:00+08:00"), &day, &start), 1);
    assert_int_equal(start, at("2022-08-28T12:00:00+08:00"));
    assert_int_equal(fk_checkin_window_of(&p, at("2022-08-28T11:59:59+08:00"), NULL, &start), 0);
    assert_int_equal(start, at("2022-08-28T00:00:00+08:00"));
    assert_int_equal(fk_checkin_window_of(&p, at("2022-08-28T00:00:00+08:00"), NULL, NULL), 0);
    assert_int_equal(fk_checkin_window_of(&p, at("2022-08-28T23:59:59+08:00"), NULL, NULL), 1);
    assert_int_equal(fk_checkin_window_start(&p, day, 1), at("2022-08-28T12:00:00+08:00"));
    p.checkin_per_day = 1;
    assert_int_equal(fk_checkin_window_of(&p, at("2022-08-28T12:00:00+08:00"), NULL, &start), 0);
    assert_int_equal(start, at("2022-08-28T00:00:00+08:00"));
}

/* A window with no check-in is pending until it ends and missed from its end on. */
static void test_checkin__missed_once_ended(void **state)
{
    struct fk_profile p;
    int64_t w = at("2022-08-28T00:00:00+08:00");

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_checkin_judge(&p, w, 0, 0, at("2022-08-28T11:59:59+08:00")),
                     FK_CHECKIN_PENDING);
    assert_int_equal(fk_checkin_judge(&p, w, 0, 0, at("2022-08-28T12:00:00+08:00")),
                     FK_CHECKIN_MISSED);
    assert_int_equal(fk_checkin_judge(&p, w, 1, 366, at("2022-08-28T09:00:00+08:00")),
                     FK_CHECKIN_REPORTED);
    assert_int_equal(fk_checkin_judge(&p, w, 2, 373, at("2022-08-29T00:00:00+08:00")),
                     FK_CHECKIN_FEVER);
    assert_string_equal(fk_checkin_state_name(FK_CHECKIN_MISSED), "missed");
    assert_string_equal(fk_checkin_state_name(FK_CHECKIN_NSTATES), "");
}

/* An order that starts at 09:00 does not make the morning expected; one open at 12:00:00 makes
 * the afternoon expected; one ended at 12:00:00 does not. */
static void test_checkin__order_mid_day(void **state)
{
    int64_t am = at("2022-08-28T00:00:00+08:00"), pm = at("2022-08-28T12:00:00+08:00");
    int64_t nine = at("2022-08-28T09:00:00+08:00");

    (void)state;
    assert_false(fk_checkin_expected(am, nine, 0));
    assert_true(fk_checkin_expected(pm, nine, 0));
    assert_true(fk_checkin_expected(pm, pm, 0));
    assert_false(fk_checkin_expected(pm, am - 86400, pm));
    assert_true(fk_checkin_expected(am, am - 86400, pm));
    assert_true(fk_checkin_covers(nine, nine, 0));
    assert_false(fk_checkin_covers(nine - 1, nine, 0));
    assert_false(fk_checkin_covers(pm, am, pm));
    assert_true(fk_checkin_place_counts(FK_PLACE_HOME));
    assert_true(fk_checkin_place_counts(FK_PLACE_CENTRALIZED));
    assert_false(fk_checkin_place_counts(FK_PLACE_HOSPITAL));
    assert_false(fk_checkin_place_counts(FK_PLACE_MONITORING));
}

/* ---- the board on a small store ---- */

static const char regions[] = "code,name,level,parent\n"
                              "14,山西省,province,\n"
                              "1407,晋中市,city,14\n"
                              "140702,榆次区,county,1407\n"
                              "140703,太谷区,county,1407\n"
                              "140702001,锦纶街道,township,140702\n"
                              "140702001001,锦纶社区,community,140702001\n"
                              "140702001001G01,一网格,grid,140702001001\n"
                              "140703001,明星镇,township,140703\n"
                              "140703001001,明星社区,community,140703001\n"
                              "140703001001G01,二网格,grid,140703001001\n";

struct fix {
    char dir[256], path[300];
    char a[19], b[19], c[19], d[19];
    fk_store *st;
    fk_engine *e;
    struct fk_profile p;
    fk_checkins *k;
};

static int import(struct fix *f, enum fk_import_type t, const char *text, uint64_t rejected)
{
    struct fk_import_summary sum;
    char err[512] = "";

    if (import_text(f->st, &f->p, f->dir, t, text, &sum, err, sizeof err) != FK_OK ||
        sum.rejected != rejected) {
        fprintf(stderr, "import: %s (%llu rejected)\n", err, (unsigned long long)sum.rejected);
        return -1;
    }
    return 0;
}

/* A (home from 08-26 09:00) checks in on 08-28 at 08:00 and at 12:00:00 with 37.3; B
 * (centralized from 08-28 09:00, mid-day) checks in at 10:00 (the morning counts by its
 * check-in) and not in the afternoon; C (home, 08-20 .. 08-28 12:00:00) checks in at 11:59:59
 * with 37.2; D (hospital) is not asked, in 太谷区. */
static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    char persons[512], controls[1024], checkins[1024], err[512];

    if (!f || open_test_store(f->dir, sizeof f->dir, "checkin", f->path, sizeof f->path, &f->st))
        return -1;
    *state = f;
    fk_profile_defaults(&f->p);
    make_id("14070219800101001", f->a);
    make_id("14070219800101002", f->b);
    make_id("14070219800101003", f->c);
    make_id("14070319800101004", f->d);
    snprintf(persons, sizeof persons,
             "id_number,name,grid\n%s,甲,140702001001G01\n%s,乙,140702001001G01\n"
             "%s,丙,140702001001G01\n%s,丁,140703001001G01\n",
             f->a, f->b, f->c, f->d);
    snprintf(controls, sizeof controls,
             "id_number,category,place,start,end\n"
             "%s,close,home,2022-08-26T09:00:00+08:00,\n"
             "%s,close,centralized,2022-08-28T09:00:00+08:00,\n"
             "%s,secondary,home,2022-08-20T09:00:00+08:00,2022-08-28T12:00:00+08:00\n"
             "%s,case,hospital,2022-08-27T09:00:00+08:00,\n",
             f->a, f->b, f->c, f->d);
    /* The last two rows are rejected: D is in hospital, B's 08:00 is before its order. */
    snprintf(checkins, sizeof checkins,
             "id_number,time,temperature\n"
             "%s,2022-08-28T08:00:00+08:00,36.5\n"
             "%s,2022-08-28T12:00:00+08:00,37.3\n"
             "%s,2022-08-28T10:00:00+08:00,36.8\n"
             "%s,2022-08-28T11:59:59+08:00,37.2\n"
             "%s,2022-08-28T10:00:00+08:00,36.6\n"
             "%s,2022-08-28T08:00:00+08:00,36.6\n",
             f->a, f->a, f->b, f->c, f->d, f->b);
    if (import(f, FK_IMPORT_REGIONS, regions, 0) || import(f, FK_IMPORT_PERSONS, persons, 0) ||
        import(f, FK_IMPORT_CONTROLS, controls, 0) || import(f, FK_IMPORT_CHECKINS, checkins, 2))
        return -1;
    if (fk_engine_build(f->st, &f->p, &f->e, err, sizeof err) != FK_OK ||
        fk_checkins_build(f->st, f->e, &f->p, &f->k, err, sizeof err) != FK_OK) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    fk_checkins_free(f->k);
    fk_engine_free(f->e);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static char *csv_of(fk_table *t)
{
    fk_buf b;
    char *s;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), &b), FK_OK);
    assert_int_equal(fk_buf_putc(&b, '\0'), FK_OK);
    s = strdup(b.data);
    fk_buf_fini(&b);
    fk_table_free(t);
    return s;
}

static int64_t day28(void)
{
    return fk_local_day(at("2022-08-28T00:00:00+08:00"));
}

/* At 18:00 A has both windows (the afternoon a fever), B the morning by its check-in and the
 * afternoon pending, C the morning only (its order ended at 12:00:00). At 24:00 B's afternoon is
 * missed. */
static void test_checkin__board_status(void **state)
{
    struct fix *f = *state;
    fk_table *t = NULL;
    char err[256], *s;

    assert_int_equal(fk_checkins_status(f->k, FK_LEVEL_COUNTY, NULL, day28(),
                                        at("2022-08-28T18:00:00+08:00"), &t, err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "region,name,persons,expected,reported,missed,pending,fever,"
                           "completeness\n140702,榆次区,3,5,4,0,1,1,1.0000\n");
    free(s);
    assert_int_equal(fk_checkins_status(f->k, FK_LEVEL_COUNTY, "", day28(),
                                        at("2022-08-29T00:00:00+08:00"), &t, err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "region,name,persons,expected,reported,missed,pending,fever,"
                           "completeness\n140702,榆次区,3,5,4,1,0,1,0.8000\n");
    free(s);
    assert_int_equal(fk_checkins_status(f->k, FK_LEVEL_COUNTY, "140703", day28(),
                                        at("2022-08-29T00:00:00+08:00"), &t, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    assert_int_equal(
        fk_checkins_status(f->k, FK_LEVEL_COUNTY, "999", day28(), 0, &t, err, sizeof err),
        FK_ENOENT);
}

static void test_checkin__board_list(void **state)
{
    struct fix *f = *state;
    fk_table *t = NULL;
    char err[256], want[1024], *s;

    assert_int_equal(fk_checkins_list(f->k, NULL, day28(), at("2022-08-29T00:00:00+08:00"),
                                      FK_CHECKINS_ALL, &t, err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    snprintf(want, sizeof want,
             "id_number,name,grid,place,window,time,temperature,state\n"
             "%s,甲,140702001001G01,home,00:00-12:00,2022-08-28T08:00:00+08:00,36.5,reported\n"
             "%s,甲,140702001001G01,home,12:00-24:00,2022-08-28T12:00:00+08:00,37.3,fever\n"
             "%s,乙,140702001001G01,centralized,00:00-12:00,2022-08-28T10:00:00+08:00,36.8,"
             "reported\n"
             "%s,乙,140702001001G01,centralized,12:00-24:00,,,missed\n"
             "%s,丙,140702001001G01,home,00:00-12:00,2022-08-28T11:59:59+08:00,37.2,reported\n",
             f->a, f->a, f->b, f->b, f->c);
    assert_string_equal(s, want);
    free(s);
    assert_int_equal(fk_checkins_list(f->k, NULL, day28(), at("2022-08-29T00:00:00+08:00"),
                                      1u << FK_CHECKIN_MISSED | 1u << FK_CHECKIN_FEVER, &t, err,
                                      sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 7), "fever");
    assert_string_equal(fk_table_get(t, 1, 7), "missed");
    fk_table_free(t);
}

struct seen {
    int64_t person[16], from[16];
    int n;
};

static int on_missed(void *ud, int64_t person, int64_t from, int64_t to)
{
    struct seen *s = ud;

    assert_int_equal(to - from, 12 * 3600);
    if (s->n < 16) {
        s->person[s->n] = person;
        s->from[s->n] = from;
    }
    s->n++;
    return 0;
}

/* Check-ins began on 08-28, so only that day's windows can be missed: B's afternoon once it has
 * ended, not a second before. */
static void test_checkin__missed_walk(void **state)
{
    struct fix *f = *state;
    struct seen s = {{0}, {0}, 0};

    assert_int_equal(fk_checkins_each_missed(f->k, at("2022-08-28T23:59:59+08:00"), on_missed, &s),
                     FK_OK);
    assert_int_equal(s.n, 0);
    assert_int_equal(fk_checkins_each_missed(f->k, at("2022-08-29T00:00:00+08:00"), on_missed, &s),
                     FK_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.from[0], at("2022-08-28T12:00:00+08:00"));
}

static int on_fever(void *ud, int64_t person, int64_t time)
{
    int *n = ud;

    (void)person;
    assert_int_equal(time, at("2022-08-28T12:00:00+08:00"));
    (*n)++;
    return 0;
}

static void test_checkin__fevers(void **state)
{
    struct fix *f = *state;
    int n = 0;

    assert_int_equal(fk_checkins_each_fever(f->k, on_fever, &n), FK_OK);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkin__temperatures),
        cmocka_unit_test(test_checkin__fever_edge_and_profile),
        cmocka_unit_test(test_checkin__symptoms),
        cmocka_unit_test(test_checkin__noon_boundary),
        cmocka_unit_test(test_checkin__missed_once_ended),
        cmocka_unit_test(test_checkin__order_mid_day),
        cmocka_unit_test_setup_teardown(test_checkin__board_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkin__board_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkin__missed_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkin__fevers, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
