/* SPDX-License-Identifier: MIT */
/* Unit tests of the sampling tables' group commit (fk_sample_commit, issue 21): the batches of
 * four phones at once, of two counties' samplers and a viewer, committed as one import. Each
 * batch's entries are checked against its own caller (a 太谷 sampler cannot sample a 榆次
 * resident that a 榆次 sampler can, in the same group), each tube is held to its pool counting
 * the earlier batches of the group, an entry the group already holds is a duplicate, a refused
 * caller stores nothing, and each batch has its own audit row with its own counts, all in one
 * transaction. The counts are worked out by hand. */
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
#include "fk/ingest.h"
#include "fk/profile.h"

#include "testutil.h"

#define NI 4
#define T0 "2022-08-28T10:00:00+08:00"

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NI][19]; /* A, B, D in 榆次 (G1, G1, G2), C in 太谷 (H1) */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char buf[2048];

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "sample", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &f->sum, f->err,
                    sizeof f->err) != FK_OK)
        return -1;
    make_id("14070219900101001", f->id[0]);
    make_id("14070219900101002", f->id[1]);
    make_id("14070319900101003", f->id[2]);
    make_id("14070219900101004", f->id[3]);
    snprintf(buf, sizeof buf,
             "id_number,name,grid\n%s,甲," TEST_G1 "\n%s,乙," TEST_G1 "\n%s,丙," TEST_H1
             "\n%s,丁," TEST_G2 "\n",
             f->id[0], f->id[1], f->id[2], f->id[3]);
    if (import_text(f->st, &f->prof, f->dir, FK_IMPORT_PERSONS, buf, &f->sum, f->err,
                    sizeof f->err) != FK_OK ||
        f->sum.accepted != NI)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

struct audits {
    int n;
    char who[4][16], detail[4][200];
};

static int on_audit(void *ud, const struct fk_audit_row *a)
{
    struct audits *w = ud;

    if (strcmp(a->action, "import") == 0 && strcmp(a->target, "samples") == 0 && w->n < 4) {
        snprintf(w->who[w->n], sizeof w->who[0], "%s", a->who);
        snprintf(w->detail[w->n], sizeof w->detail[0], "%s", a->detail);
        w->n++;
    }
    return 0;
}

static int count_samples(void *ud, const struct fk_sample_row *s)
{
    (void)s;
    (*(int *)ud)++;
    return 0;
}

static void test_sample__group_commit(void **state)
{
    static const struct fk_actor yuci = {"yuci", FK_ROLE_SAMPLER, "140702"};
    static const struct fk_actor taigu = {"taigu", FK_ROLE_SAMPLER, "140703"};
    static const struct fk_actor viewer = {"view", FK_ROLE_VIEWER, "140702"};
    struct fixture *f = *state;
    struct fk_sample_entry e0[] = {
        {"T1", f->id[0], T0}, {"T1", f->id[1], T0}, {NULL, f->id[3], T0}};
    /* 太谷's sampler: C is hers, A is not (a 榆次 resident, whom 榆次's sampler just sampled) */
    struct fk_sample_entry e1[] = {{"T2", f->id[2], T0}, {"T3", f->id[0], T0}};
    /* T1 is full (A and B of the first batch); A in T1 again is a duplicate */
    struct fk_sample_entry e2[] = {{"T1", f->id[3], T0}, {"T1", f->id[0], T0}};
    struct fk_sample_entry e3[] = {{"T4", f->id[3], T0}};
    struct fk_sample_batch b[4];
    struct audits w;
    int n = 0, k;

    memset(b, 0, sizeof b);
    b[0] =
        (struct fk_sample_batch){.actor = &yuci, .site = "站1", .pool = 2, .entries = e0, .n = 3};
    b[1] =
        (struct fk_sample_batch){.actor = &taigu, .site = "站2", .pool = 2, .entries = e1, .n = 2};
    b[2] =
        (struct fk_sample_batch){.actor = &yuci, .site = "站1", .pool = 2, .entries = e2, .n = 2};
    b[3] =
        (struct fk_sample_batch){.actor = &viewer, .site = "站1", .pool = 2, .entries = e3, .n = 1};
    assert_int_equal(fk_sample_commit(f->st, &f->prof, b, 4, 0, f->err, sizeof f->err), FK_OK);

    assert_int_equal(b[0].rc, FK_OK);
    assert_int_equal(b[0].accepted, 2);
    assert_int_equal(b[0].duplicate, 0);
    assert_int_equal(b[0].nrejects, 1);
    assert_int_equal(b[0].rejects[0].row, 2);
    assert_string_equal(b[0].rejects[0].reason, "an entry needs tube, id_number and time, as text");

    assert_int_equal(b[1].rc, FK_OK);
    assert_int_equal(b[1].accepted, 1);
    assert_int_equal(b[1].nrejects, 1);
    assert_int_equal(b[1].rejects[0].row, 1); /* checked against 太谷's scope, not 榆次's */

    assert_int_equal(b[2].rc, FK_OK);
    assert_int_equal(b[2].accepted, 0);
    assert_int_equal(b[2].duplicate, 1);
    assert_int_equal(b[2].nrejects, 1);
    assert_int_equal(b[2].rejects[0].row, 0);
    assert_string_equal(b[2].rejects[0].reason,
                        "tube T1 is full: it holds 2 of a pool of 2; start a new tube");

    assert_int_equal(b[3].rc, FK_EPERM);
    assert_int_equal(b[3].accepted, 0);

    /* Three samples stored: A and B in T1, C in T2; D nowhere. */
    assert_int_equal(fk_store_each_tube_member(f->st, "T1", count_samples, &n), FK_OK);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(fk_store_each_tube_member(f->st, "T2", count_samples, &n), FK_OK);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(fk_store_each_tube_member(f->st, "T4", count_samples, &n), FK_OK);
    assert_int_equal(n, 0);

    /* One audit row a batch that reached the import, as its own caller, with its own counts. */
    memset(&w, 0, sizeof w);
    assert_int_equal(fk_store_each_audit(f->st, 0, on_audit, &w), FK_OK);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.who[0], "yuci");
    assert_string_equal(w.detail[0],
                        "sampling table at 站1: 3 entries, 2 accepted, 0 duplicate, 1 rejected");
    assert_string_equal(w.who[1], "taigu");
    assert_string_equal(w.detail[1],
                        "sampling table at 站2: 2 entries, 1 accepted, 0 duplicate, 1 rejected");
    assert_string_equal(w.who[2], "yuci");
    assert_string_equal(w.detail[2],
                        "sampling table at 站1: 2 entries, 0 accepted, 1 duplicate, 1 rejected");

    /* The same batches again (the phones lost the answers): nothing new, nothing lost. */
    for (k = 0; k < 4; k++)
        fk_sample_batch_free(&b[k]);
    assert_int_equal(fk_sample_commit(f->st, &f->prof, b, 3, 0, f->err, sizeof f->err), FK_OK);
    assert_int_equal(b[0].accepted, 0);
    assert_int_equal(b[0].duplicate, 2);
    assert_int_equal(b[1].duplicate, 1);
    for (k = 0; k < 4; k++)
        fk_sample_batch_free(&b[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sample__group_commit, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
