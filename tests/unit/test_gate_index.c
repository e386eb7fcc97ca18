/* SPDX-License-Identifier: MIT */
/* The gate-check index against the store's path (fk_gate_facts_of): a small city with negatives,
 * a pooled positive, a case, orders opened and closed and a passport holder, checked at moments
 * before, between and after its events; the index must give the same facts whenever it answers,
 * and must decline (0) a moment before a person's latest result is known. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fk/engine.h"
#include "fk/gate_check.h"
#include "fk/gate_index.h"
#include "fk/profile.h"
#include "fk/time.h"
#include "testutil.h"

#define NP 6

struct fx {
    struct store_fixture s;
    struct fk_profile prof;
    fk_engine *e;
    fk_gate_index *g;
    char id[NP][19];
};

static int64_t at(const char *iso)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(iso, strlen(iso), &t), FK_OK);
    return t;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct fk_import_summary sum;
    char err[512], csv[4096];
    int i;

    assert_non_null(f);
    assert_int_equal(open_test_store(f->s.dir, sizeof f->s.dir, "gate-index", f->s.path,
                                     sizeof f->s.path, &f->s.st),
                     0);
    fk_profile_defaults(&f->prof);
    for (i = 0; i < NP; i++) {
        char body[18];

        snprintf(body, sizeof body, "1407021990010100%d", i);
        make_id(body, f->id[i]);
    }
    assert_int_equal(import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV,
                                 &sum, err, sizeof err),
                     FK_OK);
    snprintf(csv, sizeof csv,
             "id_number,name,grid,id_type\n%s,甲,%s,\n%s,乙,%s,\n%s,丙,%s,\n%s,丁,%s,\n%s,戊,%s,\n"
             "%s,己,%s,\nE12345678,庚,%s,passport\n",
             f->id[0], TEST_G1, f->id[1], TEST_G1, f->id[2], TEST_G2, f->id[3], TEST_G2, f->id[4],
             TEST_H1, f->id[5], TEST_H1, TEST_H1);
    assert_int_equal(
        import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_PERSONS, csv, &sum, err, sizeof err),
        FK_OK);
    /* 0: negative on the 1st, negative again on the 3rd; 1 and 2: one pooled tube, positive;
     * 3: sampled, no result; 4: a case; 5: nothing; the passport holder: negative */
    snprintf(csv, sizeof csv,
             "tube,id_number,time\nT1,%s,2026-11-01T08:00:00\nT2,%s,2026-11-03T08:00:00\n"
             "P1,%s,2026-11-02T09:00:00\nP1,%s,2026-11-02T09:00:00\nT3,%s,2026-11-03T10:00:00\n"
             "T4,E12345678,2026-11-02T10:00:00\n",
             f->id[0], f->id[0], f->id[1], f->id[2], f->id[3]);
    assert_int_equal(
        import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_SAMPLES, csv, &sum, err, sizeof err),
        FK_OK);
    assert_int_equal(import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_RESULTS,
                                 "tube,result,time\nT1,negative,2026-11-01T20:00:00\n"
                                 "T2,negative,2026-11-03T20:00:00\n"
                                 "P1,positive,2026-11-02T21:00:00\n"
                                 "T4,negative,2026-11-02T22:00:00\n",
                                 &sum, err, sizeof err),
                     FK_OK);
    snprintf(csv, sizeof csv, "id_number,confirmed\n%s,2026-11-02T12:00:00\n", f->id[4]);
    assert_int_equal(
        import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_CASES, csv, &sum, err, sizeof err),
        FK_OK);
    /* 2: under control from the 3rd, released on the 5th; 5: an order still open */
    snprintf(csv, sizeof csv,
             "id_number,category,place,start,end\n%s,close,home,2026-11-03T00:00:00,"
             "2026-11-05T00:00:00\n%s,close,centralized,2026-11-04T00:00:00,\n",
             f->id[2], f->id[5]);
    assert_int_equal(
        import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_CONTROLS, csv, &sum, err, sizeof err),
        FK_OK);
    /* a lockdown zone over grid G2 (persons 2 and 3) from the 4th to noon on the 5th */
    assert_int_equal(import_text(f->s.st, &f->prof, f->s.dir, FK_IMPORT_ZONES,
                                 "name,level,regions,declared,lifted\nZ1,lockdown," TEST_G2
                                 ",2026-11-04T00:00:00,2026-11-05T12:00:00\n",
                                 &sum, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_engine_build(f->s.st, &f->prof, &f->e, err, sizeof err), FK_OK);
    assert_int_equal(fk_gate_index_build(f->s.st, f->e, &f->g, err, sizeof err), FK_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    fk_gate_index_free(f->g);
    fk_engine_free(f->e);
    fk_store_close(f->s.st);
    remove_dir(f->s.dir);
    free(f);
    return 0;
}

static void same_facts(struct fx *f, const char *id, int64_t now, int expect_answer)
{
    struct fk_gate_facts a, b;
    int answered = fk_gate_index_facts(f->g, id, strlen(id), now, &a);

    assert_int_equal(fk_gate_facts_of(f->s.st, f->e, id, now, &b), FK_OK);
    assert_int_equal(answered, expect_answer);
    if (!answered)
        return;
    assert_int_equal(a.negative, b.negative);
    assert_int_equal(a.positive, b.positive);
    assert_int_equal(a.controlled, b.controlled);
    assert_int_equal(a.lockdown, b.lockdown);
}

/* After every event, the index answers every person, as the store's path does. */
static void test_gate_index__same_as_the_store(void **state)
{
    struct fx *f = *state;
    const char *moments[] = {"2026-11-04T12:00:00", "2026-11-05T00:00:00", "2026-11-06T00:00:00",
                             "2026-11-03T20:00:00", "2026-11-05T11:59:59", "2026-11-05T12:00:00"};
    size_t m;
    int i;

    assert_int_equal(fk_gate_index_persons(f->g), NP + 1);
    for (m = 0; m < sizeof moments / sizeof moments[0]; m++) {
        for (i = 0; i < NP; i++)
            same_facts(f, f->id[i], at(moments[m]), 1);
        same_facts(f, "E12345678", at(moments[m]), 1);
        same_facts(f, "110101199001010011", at(moments[m]), 1); /* not registered */
    }
}

static void test_gate_index__what_it_knows(void **state)
{
    struct fx *f = *state;
    struct fk_gate_facts x;

    assert_int_equal(fk_gate_index_facts(f->g, f->id[0], 18, at("2026-11-04T12:00:00"), &x), 1);
    assert_int_equal(x.negative, at("2026-11-03T08:00:00"));
    assert_int_equal(x.positive, 0);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[1], 18, at("2026-11-04T12:00:00"), &x), 1);
    assert_int_equal(x.positive, at("2026-11-02T21:00:00"));
    /* the order of person 2 is open on the 4th, closed at its end on the 5th */
    assert_int_equal(fk_gate_index_facts(f->g, f->id[2], 18, at("2026-11-04T12:00:00"), &x), 1);
    assert_int_equal(x.controlled, 1);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[2], 18, at("2026-11-05T00:00:00"), &x), 1);
    assert_int_equal(x.controlled, 0);
    /* a case is positive from its confirmation, without a sample */
    assert_int_equal(fk_gate_index_facts(f->g, f->id[4], 18, at("2026-11-02T11:59:59"), &x), 1);
    assert_int_equal(x.positive, 0);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[4], 18, at("2026-11-02T12:00:00"), &x), 1);
    assert_int_equal(x.positive, at("2026-11-02T12:00:00"));
    assert_int_equal(fk_gate_index_facts(f->g, "E12345678", 9, at("2026-11-04T12:00:00"), &x), 1);
    assert_int_equal(x.negative, at("2026-11-02T10:00:00"));
    assert_int_equal(fk_gate_index_facts(f->g, "not an id", 9, at("2026-11-04T12:00:00"), &x), 1);
    assert_int_equal(x.negative + x.positive + x.controlled + x.lockdown, 0);
}

/* A moment before a person's latest result is known is the store's to answer: person 0's second
 * negative is resulted at 20:00 on the 3rd. Persons with nothing later answer at any moment. */
static void test_gate_index__declines_the_past(void **state)
{
    struct fx *f = *state;
    struct fk_gate_facts x;

    assert_int_equal(fk_gate_index_facts(f->g, f->id[0], 18, at("2026-11-03T19:59:59"), &x), 0);
    same_facts(f, f->id[0], at("2026-11-03T19:59:59"), 0);
    same_facts(f, f->id[0], at("2026-11-03T20:00:00"), 1);
    same_facts(f, f->id[5], at("2026-10-01T00:00:00"), 1);
    same_facts(f, f->id[3], at("2026-10-01T00:00:00"), 1); /* no result: nothing to wait for */
}

/* Lockdown periods over a grid range, at their edges. */
static void test_gate_index__lockdown(void **state)
{
    struct fx *f = *state;
    struct fk_gate_lockdown ld;
    struct fk_gate_facts x;
    int32_t grid;
    int64_t pid;

    assert_int_equal(fk_store_find_person(f->s.st, f->id[5], &pid), FK_OK);
    grid = fk_engine_person_grid(f->e, pid);
    ld.glo = grid;
    ld.ghi = grid + 1;
    ld.from = at("2026-11-05T00:00:00");
    ld.until = at("2026-11-08T00:00:00");
    assert_int_equal(fk_gate_index_set_lockdown(f->g, &ld, 1), FK_OK);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[5], 18, at("2026-11-04T23:59:59"), &x), 1);
    assert_int_equal(x.lockdown, 0);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[5], 18, at("2026-11-05T00:00:00"), &x), 1);
    assert_int_equal(x.lockdown, 1);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[5], 18, at("2026-11-08T00:00:00"), &x), 1);
    assert_int_equal(x.lockdown, 0);
    /* persons 0 and 1 live in another county's grid */
    assert_int_equal(fk_gate_index_facts(f->g, f->id[0], 18, at("2026-11-06T00:00:00"), &x), 1);
    assert_int_equal(x.lockdown, 0);
    /* the zone's own period again, from the store */
    assert_int_equal(fk_gate_index_load_lockdown(f->g, f->s.st), FK_OK);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[3], 18, at("2026-11-05T11:59:59"), &x), 1);
    assert_int_equal(x.lockdown, 1);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[3], 18, at("2026-11-05T12:00:00"), &x), 1);
    assert_int_equal(x.lockdown, 0);
    assert_int_equal(fk_gate_index_facts(f->g, f->id[5], 18, at("2026-11-06T00:00:00"), &x), 1);
    assert_int_equal(x.lockdown, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gate_index__same_as_the_store),
        cmocka_unit_test(test_gate_index__what_it_knows),
        cmocka_unit_test(test_gate_index__declines_the_past),
        cmocka_unit_test(test_gate_index__lockdown),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
