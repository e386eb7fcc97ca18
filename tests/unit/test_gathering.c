/* SPDX-License-Identifier: MIT */
/* Unit tests of gatherings (会议活动管理, issue 21): the pure rule at its edges (the cap exactly
 * and one above it, the max exactly and one above it, no online alternative for a meeting, lockdown
 * and control refusing all), a sign-off's decision, the kinds' and yes/no names and the profile's
 * [gathering]; then a small city built from CSV text: the import's rejects (an unknown region, a
 * bad date, count, kind or online), a re-import that keeps a sign-off, the place's level on the
 * day (a zone declared at 15:00 counts for the whole day, as of a later now only; a zone over a
 * community for its grid and over a grid for its county; one lifted at midnight not for the next
 * day), the list and its filters, the summary, and the sign-off action's rules, role, scope and
 * audit, worked out by hand. */
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
#include "fk/gathering.h"
#include "fk/gathering_list.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/report.h"
#include "fk/time.h"
#include "fk/zone.h"

#include "testutil.h"

static void test_gathering__rule_edges(void **state)
{
    struct fk_gathering_verdict v;
    struct fk_profile p;

    (void)state;
    fk_profile_defaults(&p);
    /* Elsewhere: cap 200, no ceiling. */
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 200, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_APPROVE);
    assert_int_equal(v.rule, FK_GATHERING_RULE_WITHIN);
    assert_int_equal(v.cap, 200);
    assert_int_equal(v.max, 0);
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 201, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_SIGNOFF);
    assert_int_equal(v.rule, FK_GATHERING_RULE_OVER_CAP);
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 1000000, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_SIGNOFF);
    /* A meeting above the cap with no online alternative is refused; with one, signed off. */
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_MEETING, 201, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_REFUSE);
    assert_int_equal(v.rule, FK_GATHERING_RULE_NO_ONLINE);
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_TRAINING, 201, 1, &v);
    assert_int_equal(v.decision, FK_GATHERING_SIGNOFF);
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_MEETING, 200, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_APPROVE);
    /* A precaution zone: cap 50, max 200; the max exactly is signed off, one above refused. */
    fk_gathering_judge(&p, FK_ZONE_PRECAUTION, FK_GATHERING_FUNERAL, 50, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_APPROVE);
    fk_gathering_judge(&p, FK_ZONE_PRECAUTION, FK_GATHERING_FUNERAL, 51, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_SIGNOFF);
    fk_gathering_judge(&p, FK_ZONE_PRECAUTION, FK_GATHERING_FUNERAL, 200, 0, &v);
    assert_int_equal(v.decision, FK_GATHERING_SIGNOFF);
    fk_gathering_judge(&p, FK_ZONE_PRECAUTION, FK_GATHERING_FUNERAL, 201, 1, &v);
    assert_int_equal(v.decision, FK_GATHERING_REFUSE);
    assert_int_equal(v.rule, FK_GATHERING_RULE_OVER_MAX);
    assert_int_equal(v.max, 200);
    /* Lockdown and control: none at all, however small. */
    fk_gathering_judge(&p, FK_ZONE_LOCKDOWN, FK_GATHERING_FUNERAL, 1, 1, &v);
    assert_int_equal(v.decision, FK_GATHERING_REFUSE);
    assert_int_equal(v.rule, FK_GATHERING_RULE_LEVEL);
    assert_int_equal(v.cap, -1);
    fk_gathering_judge(&p, FK_ZONE_CONTROL, FK_GATHERING_EXHIBITION, 1, 1, &v);
    assert_int_equal(v.decision, FK_GATHERING_REFUSE);
    /* An out-of-range level reads as none. */
    fk_gathering_judge(&p, 9, FK_GATHERING_EXHIBITION, 10, 1, &v);
    assert_int_equal(v.decision, FK_GATHERING_APPROVE);
}

static void test_gathering__signoff_and_reason(void **state)
{
    struct fk_gathering_verdict v;
    struct fk_profile p;
    char buf[200];

    (void)state;
    fk_profile_defaults(&p);
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 300, 0, &v);
    assert_int_equal(fk_gathering_decided(&v, FK_GATHERING_SIGNOFF_NONE), FK_GATHERING_SIGNOFF);
    assert_int_equal(fk_gathering_decided(&v, FK_GATHERING_SIGNOFF_APPROVED), FK_GATHERING_APPROVE);
    assert_int_equal(fk_gathering_decided(&v, FK_GATHERING_SIGNOFF_REFUSED), FK_GATHERING_REFUSE);
    assert_string_equal(fk_gathering_reason(&v, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 300, "",
                                            buf, sizeof buf),
                        "expected 300 > cap 200: needs sign-off");
    /* A sign-off never overrides the rule's own refusal or approval. */
    fk_gathering_judge(&p, FK_ZONE_CONTROL, FK_GATHERING_WEDDING, 300, 0, &v);
    assert_int_equal(fk_gathering_decided(&v, FK_GATHERING_SIGNOFF_APPROVED), FK_GATHERING_REFUSE);
    assert_string_equal(fk_gathering_reason(&v, FK_ZONE_CONTROL, FK_GATHERING_WEDDING, 300,
                                            "管控区-1", buf, sizeof buf),
                        "no gatherings in a control zone (管控区-1)");
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 30, 0, &v);
    assert_int_equal(fk_gathering_decided(&v, FK_GATHERING_SIGNOFF_REFUSED), FK_GATHERING_APPROVE);
    assert_string_equal(
        fk_gathering_reason(&v, FK_GATHERING_NORMAL, FK_GATHERING_WEDDING, 30, "", buf, sizeof buf),
        "expected 30 <= cap 200");
    fk_gathering_judge(&p, FK_GATHERING_NORMAL, FK_GATHERING_MEETING, 300, 0, &v);
    assert_string_equal(fk_gathering_reason(&v, FK_GATHERING_NORMAL, FK_GATHERING_MEETING, 300, "",
                                            buf, sizeof buf),
                        "expected 300 > cap 200 and no online alternative considered for a "
                        "meeting");
}

static void test_gathering__names(void **state)
{
    int k = -1;

    (void)state;
    assert_int_equal(fk_gathering_kind_parse((fk_slice){"Meeting", 7}, &k), FK_OK);
    assert_int_equal(k, FK_GATHERING_MEETING);
    assert_int_equal(fk_gathering_kind_parse((fk_slice){"婚宴", 6}, &k), FK_OK);
    assert_int_equal(k, FK_GATHERING_WEDDING);
    assert_int_equal(fk_gathering_kind_parse((fk_slice){"丧事", 6}, &k), FK_OK);
    assert_int_equal(k, FK_GATHERING_FUNERAL);
    assert_int_equal(fk_gathering_kind_parse((fk_slice){"party", 5}, &k), FK_EINVAL);
    assert_string_equal(fk_gathering_kind_name(FK_GATHERING_EXHIBITION), "exhibition");
    assert_string_equal(fk_gathering_kind_name(FK_GATHERING_NKINDS), "");
    assert_int_equal(fk_gathering_online_parse((fk_slice){"是", 3}, &k), FK_OK);
    assert_int_equal(k, 1);
    assert_int_equal(fk_gathering_online_parse((fk_slice){"", 0}, &k), FK_OK);
    assert_int_equal(k, 0);
    assert_int_equal(fk_gathering_online_parse((fk_slice){"NO", 2}, &k), FK_OK);
    assert_int_equal(k, 0);
    assert_int_equal(fk_gathering_online_parse((fk_slice){"maybe", 5}, &k), FK_EINVAL);
    assert_string_equal(fk_gathering_level_name(FK_GATHERING_NORMAL), "none");
    assert_string_equal(fk_gathering_decision_name(FK_GATHERING_SIGNOFF), "signoff");
    assert_string_equal(fk_gathering_rule_name(FK_GATHERING_RULE_NO_ONLINE), "no_online");
    assert_string_equal(fk_gathering_signoff_name(FK_GATHERING_SIGNOFF_REFUSED), "refused");
}

static void test_gathering__profile(void **state)
{
    struct fk_profile p;
    char err[256];

    (void)state;
    fk_profile_defaults(&p);
    assert_true(p.gathering_refuse[0] && p.gathering_refuse[1]);
    assert_false(p.gathering_refuse[2] || p.gathering_refuse[3]);
    assert_int_equal(p.gathering_cap[2], 50);
    assert_int_equal(p.gathering_max[2], 200);
    assert_int_equal(p.gathering_cap[3], 200);
    assert_int_equal(p.gathering_max[3], 0);
    assert_int_equal(fk_profile_parse("[gathering]\ncontrol = allow\ncontrol_cap = 10\n"
                                      "control_max = 20\nonline_kinds = training, 展会\n",
                                      &p, err, sizeof err),
                     FK_OK);
    assert_false(p.gathering_refuse[1]);
    assert_int_equal(p.gathering_cap[1], 10);
    assert_int_equal(p.gathering_online_kinds,
                     (1u << FK_GATHERING_TRAINING) | (1u << FK_GATHERING_EXHIBITION));
    assert_int_equal(fk_profile_parse("[gathering]\nnormal_max = 100\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "normal_max = 100 is below normal_cap = 200"));
    assert_int_equal(fk_profile_parse("[gathering]\nlockdown = maybe\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "is not refuse or allow"));
    assert_int_equal(fk_profile_parse("[gathering]\nonline_kinds = party\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[gathering]\ncap = 3\n", &p, err, sizeof err), FK_EINVAL);
    /* Nothing of a refused profile stays. */
    assert_int_equal(p.gathering_cap[3], 200);
}

/* ---- a small city ----
 * 榆次区 (140702): grids G1, G2 in community 140702001001; 太谷区 (140703): grid H1. A control zone
 * over the community declared 2022-08-28T15:00; a lockdown zone over H1 from 2022-08-20 lifted at
 * 2022-08-27T00:00. */

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
};

static const struct fk_actor admin = {"chief", FK_ROLE_ADMIN, "1407"};

static int64_t at(const char *iso)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(iso, strlen(iso), &t), FK_OK);
    return t;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "gathering", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &f->sum, f->err,
                    sizeof f->err) != FK_OK)
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

#define HEAD "code,organiser,region,date,expected,kind,online,contact,note\n"

static void import_city(struct fixture *f)
{
    int64_t declared = at("2022-08-28T15:00:00+08:00");

    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_ZONES,
                                 "name,level,regions,declared,lifted\n"
                                 "封控区-1,lockdown," TEST_H1 ",2022-08-20T09:00:00+08:00,"
                                 "2022-08-27T00:00:00+08:00\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(fk_zone_declare(f->st, &admin, "管控区-1", FK_ZONE_CONTROL, "140702001001",
                                     declared, "病例周边", NULL, 0, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_GATHERINGS,
                                 HEAD "A1,某公司," TEST_G1 ",2022-08-28,30,meeting,no,,\n"
                                      "A2,张家," TEST_G2 ",2022-08-29,300,婚礼,,139,\n"
                                      "B1,县政府,140702,2022-08-28,300,training,yes,,\n"
                                      "C1,李家," TEST_H1 ",2022-08-26,20,funeral,,,\n"
                                      "C2,李家," TEST_H1 ",2022-08-27,250,funeral,是,,\n"
                                      "C3,某校,140703,2022-08-27,500,meeting,no,,\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 6);
    assert_int_equal(f->sum.rejected, 0);
}

/* The row of code in t (column 0), or -1. */
static long row_of(const fk_table *t, const char *code)
{
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++)
        if (strcmp(fk_table_get(t, i, 0), code) == 0)
            return (long)i;
    return -1;
}

static void test_gathering__rejects(void **state)
{
    struct fixture *f = *state;

    import_city(f);
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_GATHERINGS,
                                 HEAD "X1,某,999,2022-08-28,30,meeting,,,\n"
                                      "X2,某," TEST_G1 ",2022-13-01,30,meeting,,,\n"
                                      "X3,某," TEST_G1 ",2022-08-28,0,meeting,,,\n"
                                      "X4,某," TEST_G1 ",2022-08-28,30,party,,,\n"
                                      "X5,某," TEST_G1 ",2022-08-28,30,meeting,maybe,,\n"
                                      "X6,某," TEST_G1 ",2099-08-28,30,meeting,,,\n"
                                      "X7,某," TEST_G1 ",2022-08-28,1000000,exhibition,,,\n",
                                 &f->sum, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.rejected, 6);
    assert_int_equal(f->sum.accepted, 1);
}

static void test_gathering__place_level(void **state)
{
    struct fixture *f = *state;
    struct fk_zone *z = NULL;
    const char *zone = NULL;
    int32_t d28, d26, d27;
    size_t nz = 0;
    int level = -1;

    import_city(f);
    assert_int_equal(fk_zones_load(f->st, &z, &nz), FK_OK);
    assert_int_equal(nz, 2);
    d26 = fk_report_day_of(at("2022-08-26T12:00:00+08:00"));
    d27 = d26 + 1;
    d28 = d26 + 2;
    /* The control zone declared at 15:00 counts for the whole of the 28th, once known. */
    fk_gathering_place_level(f->eng, z, nz, TEST_G1, d28, at("2022-08-28T15:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_ZONE_CONTROL);
    assert_string_equal(zone, "管控区-1");
    fk_gathering_place_level(f->eng, z, nz, TEST_G1, d28, at("2022-08-28T14:59:59+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_GATHERING_NORMAL);
    assert_string_equal(zone, "");
    /* Not on the day before; on every day after, while it is on. */
    fk_gathering_place_level(f->eng, z, nz, TEST_G1, d27, at("2022-08-28T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_GATHERING_NORMAL);
    fk_gathering_place_level(f->eng, z, nz, TEST_G2, d28 + 5, at("2022-08-28T16:00:00+08:00"),
                             &level, &zone);
    assert_int_equal(level, FK_ZONE_CONTROL);
    /* The county holds the zone's community: it counts for a gathering of the county. */
    fk_gathering_place_level(f->eng, z, nz, "140702", d28, at("2022-08-28T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_ZONE_CONTROL);
    /* The lockdown over H1 lifted at midnight: the 26th is in it, the 27th not. */
    fk_gathering_place_level(f->eng, z, nz, TEST_H1, d26, at("2022-08-28T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_ZONE_LOCKDOWN);
    fk_gathering_place_level(f->eng, z, nz, TEST_H1, d27, at("2022-08-28T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_GATHERING_NORMAL);
    /* As of the 25th, the lift is not known yet: the 27th is still in it. */
    fk_gathering_place_level(f->eng, z, nz, TEST_H1, d27, at("2022-08-25T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_ZONE_LOCKDOWN);
    fk_gathering_place_level(f->eng, z, nz, "999", d27, at("2022-08-25T16:00:00+08:00"), &level,
                             &zone);
    assert_int_equal(level, FK_GATHERING_NORMAL);
    fk_zones_free(z, nz);
}

static void test_gathering__list_and_status(void **state)
{
    struct fixture *f = *state;
    struct fk_gathering_query q = {NULL, NULL, -1, NULL};
    int64_t now = at("2022-08-28T16:00:00+08:00");
    fk_table *t = NULL;
    long a1, a2, b1, c1, c2, c3;

    import_city(f);
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 6);
    a1 = row_of(t, "A1");
    a2 = row_of(t, "A2");
    b1 = row_of(t, "B1");
    c1 = row_of(t, "C1");
    c2 = row_of(t, "C2");
    c3 = row_of(t, "C3");
    /* By date, then code. */
    assert_true(c1 == 0 && c2 == 1 && c3 == 2 && a1 == 3 && b1 == 4 && a2 == 5);
    /* The day the control zone was declared: refused, the rule named. */
    assert_string_equal(fk_table_get(t, (size_t)a1, 8), "control");
    assert_string_equal(fk_table_get(t, (size_t)a1, 9), "管控区-1");
    assert_string_equal(fk_table_get(t, (size_t)a1, 10), "refuse");
    assert_string_equal(fk_table_get(t, (size_t)a1, 11), "level");
    assert_string_equal(fk_table_get(t, (size_t)a1, 12),
                        "no gatherings in a control zone (管控区-1)");
    assert_string_equal(fk_table_get(t, (size_t)a1, 13), "");
    assert_string_equal(fk_table_get(t, (size_t)a1, 3), "一网格");
    assert_string_equal(fk_table_get(t, (size_t)a2, 10), "refuse");
    assert_string_equal(fk_table_get(t, (size_t)b1, 10), "refuse");
    /* In the lockdown zone the day before it was lifted; a day later, in none. */
    assert_string_equal(fk_table_get(t, (size_t)c1, 8), "lockdown");
    assert_string_equal(fk_table_get(t, (size_t)c1, 10), "refuse");
    assert_string_equal(fk_table_get(t, (size_t)c2, 8), "none");
    assert_string_equal(fk_table_get(t, (size_t)c2, 10), "signoff");
    assert_string_equal(fk_table_get(t, (size_t)c2, 12), "expected 250 > cap 200: needs sign-off");
    assert_string_equal(fk_table_get(t, (size_t)c2, 13), "200");
    assert_string_equal(fk_table_get(t, (size_t)c2, 14), "");
    assert_string_equal(fk_table_get(t, (size_t)c2, 7), "yes");
    assert_string_equal(fk_table_get(t, (size_t)c3, 10), "refuse");
    assert_string_equal(fk_table_get(t, (size_t)c3, 11), "no_online");
    fk_table_free(t);
    /* An hour before the declaration, the 28th's gatherings in 榆次区 were judged without it. */
    q.date = "2022-08-28";
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, at("2022-08-28T14:00:00+08:00"),
                                       &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 0), "A1");
    assert_string_equal(fk_table_get(t, 0, 10), "approve");
    assert_string_equal(fk_table_get(t, 1, 0), "B1");
    assert_string_equal(fk_table_get(t, 1, 10), "signoff");
    fk_table_free(t);
    /* Filters: a region, a decision; an unknown region, a bad date. */
    q.date = NULL;
    q.region = "140703";
    q.decision = FK_GATHERING_SIGNOFF;
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(fk_table_get(t, 0, 0), "C2");
    fk_table_free(t);
    q.region = "999";
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_null(t);
    q.region = NULL;
    q.date = "2022-8-28";
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_EINVAL);
    /* Per county: 榆次区 3 gatherings of 630 persons, all refused; 太谷区 3: one sign-off. */
    assert_int_equal(fk_gathering_status(f->st, f->eng, &f->prof, NULL, FK_LEVEL_COUNTY, NULL, now,
                                         &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 0), "140702");
    assert_string_equal(fk_table_get(t, 0, 2), "3");
    assert_string_equal(fk_table_get(t, 0, 3), "630");
    assert_string_equal(fk_table_get(t, 0, 6), "3");
    assert_string_equal(fk_table_get(t, 1, 0), "140703");
    assert_string_equal(fk_table_get(t, 1, 5), "1");
    assert_string_equal(fk_table_get(t, 1, 6), "2");
    fk_table_free(t);
    /* By grid: B1 (of the county) gets a row of its own, after the grids. */
    assert_int_equal(fk_gathering_status(f->st, f->eng, &f->prof, "140702", FK_LEVEL_GRID,
                                         "2022-08-28", now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 3);
    assert_string_equal(fk_table_get(t, 0, 0), TEST_G1);
    assert_string_equal(fk_table_get(t, 0, 2), "1");
    assert_string_equal(fk_table_get(t, 1, 2), "0");
    assert_string_equal(fk_table_get(t, 2, 0), "140702");
    assert_string_equal(fk_table_get(t, 2, 3), "300");
    fk_table_free(t);
}

/* Counts the gathering.signoff audit rows into *ud, checking the one of C2. */
static int on_audit(void *ud, const struct fk_audit_row *a)
{
    if (strcmp(a->action, "gathering.signoff") == 0) {
        assert_string_equal(a->target, "C2");
        assert_string_equal(a->region, TEST_H1);
        assert_non_null(strstr(a->detail, "gathering C2 on 2022-08-27: "));
        (*(int64_t *)ud)++;
    }
    return 0;
}

static void test_gathering__signoff_action(void **state)
{
    static const struct fk_actor taigu = {"taigu", FK_ROLE_COUNTY, "140703"};
    static const struct fk_actor yuci = {"yuci", FK_ROLE_COUNTY, "140702"};
    static const struct fk_actor viewer = {"view", FK_ROLE_VIEWER, "140703"};
    struct fixture *f = *state;
    struct fk_gathering_query q = {NULL, NULL, -1, "C2"};
    int64_t now = at("2022-08-26T18:00:00+08:00"), n = 0;
    fk_table *t = NULL;

    import_city(f);
    /* Role, scope, an unknown gathering, one that needs none. */
    assert_int_equal(fk_gathering_signoff(f->st, &viewer, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now, f->err,
                                          sizeof f->err),
                     FK_EPERM);
    assert_int_equal(fk_gathering_signoff(f->st, &yuci, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now, f->err,
                                          sizeof f->err),
                     FK_ENOENT);
    assert_string_equal(f->err, "no gathering C2");
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C9",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now, f->err,
                                          sizeof f->err),
                     FK_ENOENT);
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C1",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now, f->err,
                                          sizeof f->err),
                     FK_ECONFLICT);
    assert_non_null(strstr(f->err, "needs no sign-off: refused (no gatherings in a lockdown"));
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C2", 7, "", now, f->err,
                                          sizeof f->err),
                     FK_EINVAL);
    /* As of the 26th the lift was not known: C2 (the 27th) was in the lockdown zone then. */
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now, f->err,
                                          sizeof f->err),
                     FK_ECONFLICT);
    now = at("2022-08-27T08:00:00+08:00");
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_APPROVED, "减至 150 人", now, f->err,
                                          sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_gathering_signoff(f->st, &taigu, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_APPROVED, "", now + 60, f->err,
                                          sizeof f->err),
                     FK_ECONFLICT);
    assert_non_null(strstr(f->err, "signed off (approved) by taigu at 2022-08-27T08:00:00+08:00"));
    /* Before the sign-off it is not known; after it, approved. */
    assert_int_equal(
        fk_gathering_list(f->st, f->eng, &f->prof, &q, now - 1, &t, f->err, sizeof f->err), FK_OK);
    assert_string_equal(fk_table_get(t, 0, 10), "signoff");
    assert_string_equal(fk_table_get(t, 0, 15), "");
    fk_table_free(t);
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(fk_table_get(t, 0, 10), "approve");
    assert_string_equal(fk_table_get(t, 0, 15), "approved");
    assert_string_equal(fk_table_get(t, 0, 16), "taigu");
    assert_string_equal(fk_table_get(t, 0, 17), "2022-08-27T08:00:00+08:00");
    fk_table_free(t);
    /* A re-import of the register keeps the sign-off. */
    assert_int_equal(import_text(f->st, &f->prof, f->dir, FK_IMPORT_GATHERINGS,
                                 HEAD "C2,李家," TEST_H1 ",2022-08-27,250,funeral,是,,\n", &f->sum,
                                 f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.duplicate, 1);
    assert_int_equal(fk_gathering_list(f->st, f->eng, &f->prof, &q, now, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(fk_table_get(t, 0, 10), "approve");
    fk_table_free(t);
    /* Another decision replaces it. */
    assert_int_equal(fk_gathering_signoff(f->st, &admin, f->eng, &f->prof, "C2",
                                          FK_GATHERING_SIGNOFF_REFUSED, "", now + 60, f->err,
                                          sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_store_each_audit(f->st, 0, on_audit, &n), FK_OK);
    assert_int_equal(n, 2);
}

/* An import by a county account: its own regions only, and not over another county's row. */
static void test_gathering__import_scope(void **state)
{
    static const struct fk_actor yuci = {"yuci", FK_ROLE_COUNTY, "140702"};
    struct fixture *f = *state;
    struct fk_import_opts o;
    char path[400];
    FILE *fp;

    import_city(f);
    snprintf(path, sizeof path, "%s/mine.csv", f->dir);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    fputs(HEAD "Y1,某," TEST_G1 ",2022-08-30,20,meeting,,,\n"
               "Y2,某," TEST_H1 ",2022-08-30,20,meeting,,,\n"
               "C3,某校," TEST_G1 ",2022-08-27,500,meeting,no,,\n",
          fp);
    fclose(fp);
    memset(&o, 0, sizeof o);
    o.actor = &yuci;
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_GATHERINGS, path, &o, &f->sum,
                                    f->err, sizeof f->err),
                     FK_OK);
    /* Y2 lies in 太谷区; C3 is 太谷区's already, and stays so. */
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(f->sum.rejected, 2);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gathering__rule_edges),
        cmocka_unit_test(test_gathering__signoff_and_reason),
        cmocka_unit_test(test_gathering__names),
        cmocka_unit_test(test_gathering__profile),
        T(test_gathering__rejects),
        T(test_gathering__place_level),
        T(test_gathering__list_and_status),
        T(test_gathering__signoff_action),
        T(test_gathering__import_scope),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
