/* SPDX-License-Identifier: MIT */
/* Unit tests of risk zones (issue 18): the pure lowering rule at its edges (the 7th day exactly
 * may lower, a positive on day 6 may not, an incomplete round may not, precaution is lifted after
 * 3 days), the level names and the regions text; then a small city in which zones are declared,
 * changed and lifted through the actions (overlap notes, refusals that write nothing, scope),
 * and the review, the grids under lockdown, regime due and 四个查清 are worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/action.h"
#include "fk/control.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/regime.h"
#include "fk/time.h"
#include "fk/zone.h"
#include "fk/zones.h"

#include "testutil.h"

static int64_t at(const char *iso)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(iso, strlen(iso), &t), FK_OK);
    return t;
}

static void test_zone__days_since(void **state)
{
    int64_t since = at("2022-08-20T15:00:00+08:00");

    (void)state;
    /* Local days from the level's start day: the hours do not matter. */
    assert_int_equal(fk_zone_days_since(since, 0, at("2022-08-27T00:00:00+08:00")), 7);
    assert_int_equal(fk_zone_days_since(since, 0, at("2022-08-26T23:59:59+08:00")), 6);
    assert_int_equal(fk_zone_days_since(since, 0, at("2022-08-20T23:00:00+08:00")), 0);
    /* A positive after the start counts from its day; one before it does not move the start. */
    assert_int_equal(
        fk_zone_days_since(since, at("2022-08-26T10:00:00+08:00"), at("2022-08-27T09:00:00+08:00")),
        1);
    assert_int_equal(
        fk_zone_days_since(since, at("2022-08-18T10:00:00+08:00"), at("2022-08-27T09:00:00+08:00")),
        7);
    /* A positive after now is not known yet. */
    assert_int_equal(
        fk_zone_days_since(since, at("2022-08-28T10:00:00+08:00"), at("2022-08-27T09:00:00+08:00")),
        7);
}

static void facts(struct fk_zone_facts *f, int level, const char *since, const char *now)
{
    memset(f, 0, sizeof *f);
    f->level = level;
    f->since = at(since);
    f->now = at(now);
    f->has_round = f->complete = f->negative = 1;
    f->residents = 10;
}

static void test_zone__judge_edges(void **state)
{
    struct fk_profile p;
    struct fk_zone_facts f;
    struct fk_zone_verdict v;
    char why[400];

    (void)state;
    fk_profile_defaults(&p);
    /* The 7th day exactly: lockdown may go down to control. */
    facts(&f, FK_ZONE_LOCKDOWN, "2022-08-20T10:00:00+08:00", "2022-08-27T00:00:00+08:00");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.days, 7);
    assert_int_equal(v.may_lower, 1);
    assert_int_equal(v.to, FK_ZONE_CONTROL);
    fk_zone_reason(&f, &v, "R1", why, sizeof why);
    assert_non_null(strstr(why, "may go down to control today"));
    /* The day before: not yet. */
    f.now = at("2022-08-26T23:59:59+08:00");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.may_lower, 0);
    assert_int_equal(v.why, FK_ZONE_WHY_DAYS);
    /* A positive on day 6: one day since it on day 7. */
    facts(&f, FK_ZONE_LOCKDOWN, "2022-08-20T10:00:00+08:00", "2022-08-27T08:00:00+08:00");
    f.last_positive = at("2022-08-26T18:00:00+08:00");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.days, 1);
    assert_int_equal(v.may_lower, 0);
    assert_int_equal(v.why, FK_ZONE_WHY_DAYS);
    fk_zone_reason(&f, &v, "R1", why, sizeof why);
    assert_string_equal(why, "not yet: positive 1 days ago (need 7 without one)");
    /* The round incomplete, positive, without results, or none at all: not. */
    facts(&f, FK_ZONE_LOCKDOWN, "2022-08-20T10:00:00+08:00", "2022-08-27T08:00:00+08:00");
    f.complete = 0;
    f.missing = 2;
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.why, FK_ZONE_WHY_INCOMPLETE);
    fk_zone_reason(&f, &v, "R1", why, sizeof why);
    assert_string_equal(why, "not yet: round R1 missed 2 of the zone's 10 residents");
    f.complete = 1;
    f.negative = 0;
    f.positives = 1;
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.why, FK_ZONE_WHY_POSITIVE);
    f.negative = 1;
    f.unresulted = 3;
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.why, FK_ZONE_WHY_NO_RESULT);
    fk_zone_reason(&f, &v, "R1", why, sizeof why);
    assert_string_equal(why, "not yet: 3 residents sampled in round R1 have no result yet");
    f.unresulted = 0;
    f.has_round = 0;
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.why, FK_ZONE_WHY_NO_ROUND);
    /* Control after 3 days goes to precaution; precaution after 3 more is lifted, no round. */
    facts(&f, FK_ZONE_CONTROL, "2022-08-27T09:00:00+08:00", "2022-08-30T00:00:00+08:00");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.may_lower, 1);
    assert_int_equal(v.to, FK_ZONE_PRECAUTION);
    facts(&f, FK_ZONE_PRECAUTION, "2022-08-30T09:00:00+08:00", "2022-09-02T00:00:00+08:00");
    f.has_round = 0;
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.may_lower, 1);
    assert_int_equal(v.to, FK_ZONE_LIFTED);
    f.now = at("2022-09-01T23:59:59+08:00");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.may_lower, 0);
    /* The profile's [zone] changes the rule. */
    assert_int_equal(fk_profile_parse("[zone]\nlockdown_days = 14\nprecaution_round = 1\n"
                                      "control_regime = every3\n",
                                      &p, why, sizeof why),
                     FK_OK);
    assert_int_equal(p.zone_days[FK_ZONE_LOCKDOWN], 14);
    assert_string_equal(p.zone_regime[FK_ZONE_CONTROL], "every3");
    fk_zone_judge(&p, &f, &v);
    assert_int_equal(v.why, FK_ZONE_WHY_DAYS);
    assert_int_equal(fk_profile_parse("[zone]\nlockdown_regime = weekly\n", &p, why, sizeof why),
                     FK_EINVAL);
    assert_non_null(strstr(why, "there is no [regime.weekly]"));
}

static void test_zone__names(void **state)
{
    char codes[FK_ZONE_REGIONS_MAX][FK_ZONE_CODE_MAX];
    size_t n;
    int lv;

    (void)state;
    assert_int_equal(fk_zone_level_parse((fk_slice){"封控区", strlen("封控区")}, &lv), FK_OK);
    assert_int_equal(lv, FK_ZONE_LOCKDOWN);
    assert_int_equal(fk_zone_level_parse((fk_slice){"Control", 7}, &lv), FK_OK);
    assert_int_equal(lv, FK_ZONE_CONTROL);
    assert_int_equal(fk_zone_level_parse((fk_slice){"防范区", strlen("防范区")}, &lv), FK_OK);
    assert_int_equal(lv, FK_ZONE_PRECAUTION);
    assert_int_equal(fk_zone_level_parse((fk_slice){"lifted", 6}, &lv), FK_EINVAL);
    assert_int_equal(fk_zone_level_parse((fk_slice){"red", 3}, &lv), FK_EINVAL);
    assert_true(fk_zone_stricter(FK_ZONE_LOCKDOWN, FK_ZONE_CONTROL));
    assert_false(fk_zone_stricter(FK_ZONE_PRECAUTION, FK_ZONE_CONTROL));
    assert_int_equal(fk_zone_next(FK_ZONE_PRECAUTION), FK_ZONE_LIFTED);
    assert_string_equal(fk_zone_level_name(FK_ZONE_LIFTED), "lifted");
    assert_int_equal(fk_zone_regions_split((fk_slice){"A; B,A ;;C", 10}, codes, 8, &n), FK_OK);
    assert_int_equal(n, 3);
    assert_string_equal(codes[2], "C");
    assert_int_equal(fk_zone_regions_split((fk_slice){"A;B C", 5}, codes, 8, &n), FK_EINVAL);
    assert_int_equal(fk_zone_regions_split((fk_slice){"A;B;C", 5}, codes, 2, &n), FK_ETOOBIG);
}

/* ---- a small city ----
 *
 * P1, P2 in grid G1 and P3 in G2 (one community, 榆次区), P4 in H1 (太谷区). Z1: lockdown over G1
 * from 08-20 10:00; Z2: control over the community (G1 and G2) from the same time, so P1 and P2
 * are in both and follow the stricter (lockdown). Round R1 over the city on 08-25 08:00-20:00:
 * P1, P2, P4 negative, P3 positive (result 08-25 22:00). As of 08-27 09:00: Z1 has had 7 days
 * with no positive among P1, P2 and its round is complete and negative: may go down to control;
 * Z2's last positive is P3's on 08-25: 2 days, not the 3 control needs. */

#define NP 4

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024], notes[1024];
    char id[NP][19];
    int64_t pid[NP];
};

static const struct fk_actor U = {"u", FK_ROLE_ADMIN, NULL};

static int import(struct fixture *f, enum fk_import_type t, const char *text)
{
    int rc = import_text(f->st, &f->prof, f->dir, t, text, &f->sum, f->err, sizeof f->err);

    return rc == FK_OK && f->sum.rejected ? FK_EINVAL : rc;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *grid[NP] = {TEST_G1, TEST_G1, TEST_G2, TEST_H1};
    char buf[4096], body[18];
    struct fk_round r;
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "zone", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import(f, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,grid\n");
    for (i = 0; i < NP; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,人%d,%s\n", f->id[i], i, grid[i]);
    }
    if (import(f, FK_IMPORT_PERSONS, buf) != FK_OK || find_persons(f->st, f->id, f->pid, NP) != 0)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "tube,id_number,time\n");
    for (i = 0; i < NP; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "T%d,%s,2022-08-25T10:00:00+08:00\n", i,
                              f->id[i]);
    if (import(f, FK_IMPORT_SAMPLES, buf) != FK_OK ||
        import(f, FK_IMPORT_RESULTS,
               "tube,result,time\nT0,negative,2022-08-25T22:00:00+08:00\n"
               "T1,negative,2022-08-25T22:00:00+08:00\nT2,positive,2022-08-25T22:00:00+08:00\n"
               "T3,negative,2022-08-25T22:00:00+08:00\n") != FK_OK)
        return -1;
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "R1");
    snprintf(r.region, sizeof r.region, "1407");
    r.start = at("2022-08-25T08:00:00+08:00");
    r.end = at("2022-08-25T20:00:00+08:00");
    if (fk_round_add(f->st, &U, &r, f->err, sizeof f->err) != FK_OK)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK)
        return -1;
    if (fk_zone_declare(f->st, &U, "Z1", FK_ZONE_LOCKDOWN, TEST_G1, at("2022-08-20T10:00:00+08:00"),
                        "病例所在网格", f->notes, sizeof f->notes, f->err, sizeof f->err) != FK_OK)
        return -1;
    if (f->notes[0])
        return -1;
    if (fk_zone_declare(f->st, &U, "Z2", FK_ZONE_CONTROL, "140702001001",
                        at("2022-08-20T10:00:00+08:00"), NULL, f->notes, sizeof f->notes, f->err,
                        sizeof f->err) != FK_OK)
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

static int64_t count(struct fixture *f, const char *table)
{
    int64_t n = -1;

    assert_int_equal(fk_store_count(f->st, table, &n), FK_OK);
    return n;
}

static int64_t changes(struct fixture *f)
{
    struct fk_zone *z = NULL;
    size_t n = 0, i;
    int64_t k = 0;

    assert_int_equal(fk_zones_load(f->st, &z, &n), FK_OK);
    for (i = 0; i < n; i++)
        k += (int64_t)z[i].nsegs;
    fk_zones_free(z, n);
    return k;
}

static void test_zone__declare_overlap_and_refusals(void **state)
{
    struct fixture *f = *state;
    const struct fk_actor taigu = {"tg", FK_ROLE_COUNTY, "140703"};
    int64_t t = at("2022-08-21T10:00:00+08:00"), segs = changes(f);

    /* The second declaration said so (setup kept its notes). */
    assert_string_equal(f->notes, "region 140702001001 is also in lockdown zone Z1; the stricter "
                                  "level applies");
    assert_int_equal(count(f, "zones"), 2);
    /* Refusals write nothing. */
    assert_int_equal(fk_zone_declare(f->st, &U, "Z3", FK_ZONE_CONTROL, "140799", t, NULL, NULL, 0,
                                     f->err, sizeof f->err),
                     FK_EINVAL);
    assert_string_equal(f->err, "unknown region 140799 (import regions first)");
    assert_int_equal(fk_zone_declare(f->st, &U, "Z3", FK_ZONE_CONTROL, TEST_H1 ",140799", t, NULL,
                                     NULL, 0, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_int_equal(fk_zone_declare(f->st, &U, "Z3", FK_ZONE_CONTROL, "1407", t, NULL, NULL, 0,
                                     f->err, sizeof f->err),
                     FK_EINVAL);
    assert_string_equal(f->err, "region 1407 is a city: a zone covers regions below the city");
    assert_int_equal(
        fk_zone_declare(f->st, &U, "Z3", 7, TEST_H1, t, NULL, NULL, 0, f->err, sizeof f->err),
        FK_EINVAL);
    assert_int_equal(fk_zone_declare(f->st, &U, "Z1", FK_ZONE_CONTROL, TEST_H1, t, NULL, NULL, 0,
                                     f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(
        fk_zone_change(f->st, &U, "Z1", FK_ZONE_LOCKDOWN, t, NULL, NULL, 0, f->err, sizeof f->err),
        FK_ECONFLICT);
    assert_non_null(strstr(f->err, "zone Z1 is already at level lockdown"));
    assert_int_equal(
        fk_zone_change(f->st, &U, "Z9", FK_ZONE_CONTROL, t, NULL, NULL, 0, f->err, sizeof f->err),
        FK_ENOENT);
    /* A county account of 太谷区: not over 榆次区's grids, and Z1 is not its to see. */
    assert_int_equal(fk_zone_declare(f->st, &taigu, "Z3", FK_ZONE_CONTROL, TEST_G2, t, NULL, NULL,
                                     0, f->err, sizeof f->err),
                     FK_EPERM);
    assert_string_equal(f->err, "region " TEST_G2 " is outside your scope 140703");
    assert_int_equal(fk_zone_lift(f->st, &taigu, "Z1", t, NULL, f->err, sizeof f->err), FK_ENOENT);
    assert_int_equal(count(f, "zones"), 2);
    assert_int_equal(changes(f), segs);
}

static void test_zone__change_and_lift(void **state)
{
    struct fixture *f = *state;
    struct fk_zone_seg s;
    struct fk_zone *z = NULL;
    size_t n = 0;

    /* A third zone over 太谷区's grid, changed and lifted: its history tells the stretches. */
    assert_int_equal(fk_zone_declare(f->st, &U, "Z3", FK_ZONE_CONTROL, TEST_H1,
                                     at("2022-08-21T10:00:00+08:00"), NULL, f->notes,
                                     sizeof f->notes, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_zone_change(f->st, &U, "Z3", FK_ZONE_PRECAUTION,
                                    at("2022-08-24T10:00:00+08:00"), "3天无新增", f->notes,
                                    sizeof f->notes, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(
        fk_zone_lift(f->st, &U, "Z3", at("2022-08-27T10:00:00+08:00"), NULL, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(
        fk_zone_lift(f->st, &U, "Z3", at("2022-08-28T10:00:00+08:00"), NULL, f->err, sizeof f->err),
        FK_ECONFLICT);
    assert_string_equal(f->err, "zone Z3 was lifted at 2022-08-27T10:00:00+08:00");
    assert_int_equal(fk_zones_load(f->st, &z, &n), FK_OK);
    assert_int_equal(n, 3);
    assert_string_equal(z[2].name, "Z3");
    assert_int_equal(z[2].nsegs, 2);
    assert_true(fk_zone_at(&z[2], at("2022-08-25T00:00:00+08:00"), &s));
    assert_int_equal(s.level, FK_ZONE_PRECAUTION);
    assert_int_equal(s.start, at("2022-08-24T10:00:00+08:00"));
    assert_false(fk_zone_at(&z[2], at("2022-08-27T10:00:00+08:00"), &s));
    assert_int_equal(z[2].lifted, at("2022-08-27T10:00:00+08:00"));
    fk_zones_free(z, n);
}

static void test_zone__stricter_grid_and_gate_grids(void **state)
{
    struct fixture *f = *state;
    int8_t *lv = NULL;
    uint64_t *bits = NULL;
    size_t ng = 0;
    int32_t g1 = fk_engine_person_grid(f->eng, f->pid[0]), g2, h1;
    int level;

    g2 = fk_engine_person_grid(f->eng, f->pid[2]);
    h1 = fk_engine_person_grid(f->eng, f->pid[3]);
    assert_int_equal(fk_zone_grid_levels(f->st, f->eng, at("2022-08-22T00:00:00+08:00"), &lv, &ng),
                     FK_OK);
    assert_int_equal(lv[g1], FK_ZONE_LOCKDOWN); /* in Z1 and Z2: the stricter */
    assert_int_equal(lv[g2], FK_ZONE_CONTROL);
    assert_int_equal(lv[h1], -1);
    free(lv);
    assert_int_equal(fk_zone_grid_level(f->st, f->eng, g1, at("2022-08-20T09:59:59+08:00"), &level),
                     FK_OK);
    assert_int_equal(level, -1); /* not yet declared */
    assert_int_equal(
        fk_zone_lockdown_grids(f->st, f->eng, at("2022-08-22T00:00:00+08:00"), &bits, &ng), FK_OK);
    assert_true(bits[g1 / 64] >> (g1 % 64) & 1);
    assert_false(bits[g2 / 64] >> (g2 % 64) & 1);
    free(bits);
}

static void test_zone__review(void **state)
{
    struct fixture *f = *state;
    fk_table *t = NULL;

    assert_int_equal(fk_zone_review(f->st, f->eng, &f->prof, NULL, at("2022-08-27T09:00:00+08:00"),
                                    &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    /* Z1: P1, P2; 7 days; R1 complete and negative. */
    assert_string_equal(fk_table_get(t, 0, 0), "Z1");
    assert_string_equal(fk_table_get(t, 0, 3), "2");
    assert_string_equal(fk_table_get(t, 0, 4), "7");
    assert_string_equal(fk_table_get(t, 0, 8), "R1");
    assert_string_equal(fk_table_get(t, 0, 11), "yes");
    assert_string_equal(fk_table_get(t, 0, 12), "yes");
    assert_string_equal(fk_table_get(t, 0, 16), "yes");
    assert_string_equal(fk_table_get(t, 0, 17), "control");
    /* Z2: P3's positive on 08-25 (tube T2): 2 days. */
    assert_string_equal(fk_table_get(t, 1, 0), "Z2");
    assert_string_equal(fk_table_get(t, 1, 3), "3");
    assert_string_equal(fk_table_get(t, 1, 4), "2");
    assert_string_equal(fk_table_get(t, 1, 5), f->id[2]);
    assert_string_equal(fk_table_get(t, 1, 6), "2022-08-25T22:00:00+08:00");
    assert_string_equal(fk_table_get(t, 1, 7), "tube T2");
    assert_string_equal(fk_table_get(t, 1, 12), "no");
    assert_string_equal(fk_table_get(t, 1, 16), "no");
    assert_string_equal(fk_table_get(t, 1, 18),
                        "not yet: positive 2 days ago (need 3 without one)");
    fk_table_free(t);
    /* A county account of 太谷区 sees neither. */
    assert_int_equal(fk_zone_review(f->st, f->eng, &f->prof, "140703",
                                    at("2022-08-27T09:00:00+08:00"), &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
}

static void test_zone__regime_due_and_summary(void **state)
{
    struct fixture *f = *state;
    int64_t today = fk_local_day(at("2022-08-22T12:00:00+08:00"));
    struct fk_ctl_filter all = FK_CTL_FILTER_ALL;
    fk_ctl *c = NULL;
    fk_table *t = NULL;
    size_t i, p1 = 0;

    assert_int_equal(fk_ctl_build(f->st, f->eng, &f->prof, &c, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_due(c, NULL, FK_DUE_ZONES, 0, today, &t, f->err, sizeof f->err), FK_OK);
    /* P1, P2, P3 daily from 08-20: three windows each; P1 once although in two zones. */
    assert_int_equal(fk_table_nrows(t), 9);
    for (i = 0; i < fk_table_nrows(t); i++) {
        assert_string_equal(fk_table_get(t, i, 4), "zone");
        assert_string_equal(fk_table_get(t, i, 5), "risk_area");
        assert_string_equal(fk_table_get(t, i, 6), "daily");
        p1 += strcmp(fk_table_get(t, i, 0), f->id[0]) == 0;
    }
    assert_int_equal(p1, 3);
    fk_table_free(t);
    assert_int_equal(fk_ctl_summary(c, &all, FK_LEVEL_COUNTY, today, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(fk_table_get(t, 0, 0), "140702");
    assert_string_equal(fk_table_get(t, 0, 2), "risk_area");
    assert_string_equal(fk_table_get(t, 0, 3), "home");
    assert_string_equal(fk_table_get(t, 0, 5), "3");
    fk_table_free(t);
    /* Before the declaration: nobody. */
    assert_int_equal(fk_ctl_due(c, NULL, FK_DUE_ZONES, 0, today - 3, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    fk_ctl_free(c);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_zone__days_since),
        cmocka_unit_test(test_zone__judge_edges),
        cmocka_unit_test(test_zone__names),
    };
    /* Each data test gets a city of its own. */
    const struct CMUnitTest city[] = {
        cmocka_unit_test_setup_teardown(test_zone__declare_overlap_and_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone__change_and_lift, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone__stricter_grid_and_gate_grids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone__review, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zone__regime_due_and_summary, setup, teardown),
    };

    return cmocka_run_group_tests(pure, NULL, NULL) | cmocka_run_group_tests(city, NULL, NULL);
}
