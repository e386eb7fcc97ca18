/* SPDX-License-Identifier: MIT */
/* The samples kept as segment files (lib/store/segments.c behind the SQLite store): what a batch
 * commits is in a synced file the manifest names, what it rolls back is nowhere, a second handle
 * sees the first's batches, small batches share a file, a data file of the old layout is moved,
 * and a damaged file is refused with its name. The samples are checked against a model kept in the
 * test: every key with its latest shipped time, sorted by (tube, person) bytewise as SQLite did. */
#include <glob.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fk/error.h"
#include "fk/store.h"
#include "store/segments.h"

#include "testutil.h"

static int setup(void **state)
{
    return store_fixture_open(state, "segments");
}

static int teardown(void **state)
{
    fk__sg_weak_hash(0); /* also after a failed test that set it */
    return store_fixture_close(state);
}

/* The model: samples by key, as the store must hold them. */
struct model_row {
    char tube[24], site[24];
    int64_t person, time, shipped;
};

struct model {
    struct model_row *r;
    size_t n, cap;
};

static struct model_row *model_find(struct model *m, const char *tube, int64_t person)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->r[i].tube, tube) == 0 && m->r[i].person == person)
            return &m->r[i];
    return NULL;
}

/* What the store must answer to the row; the model follows it. */
static enum fk_put model_add(struct model *m, const struct fk_sample_row *s)
{
    struct model_row *had = model_find(m, s->tube, s->person);

    if (had) {
        if (s->shipped == 0 || s->shipped == had->shipped)
            return FK_PUT_SAME;
        had->shipped = s->shipped;
        return FK_PUT_UPDATED;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->r = realloc(m->r, m->cap * sizeof *m->r);
        assert_non_null(m->r);
    }
    memset(&m->r[m->n], 0, sizeof m->r[m->n]);
    snprintf(m->r[m->n].tube, sizeof m->r[m->n].tube, "%s", s->tube);
    snprintf(m->r[m->n].site, sizeof m->r[m->n].site, "%s", s->site);
    m->r[m->n].person = s->person;
    m->r[m->n].time = s->time;
    m->r[m->n].shipped = s->shipped;
    m->n++;
    return FK_PUT_NEW;
}

static int by_key(const void *a, const void *b)
{
    const struct model_row *x = a, *y = b;
    int c = strcmp(x->tube, y->tube);

    return c ? c : (x->person > y->person) - (x->person < y->person);
}

/* Adds a sample to the open batch, checks what the store did against the model. */
static void add(fk_store *st, struct model *m, const char *tube, int64_t person, int64_t t,
                const char *site, int64_t shipped)
{
    struct fk_sample_row s = {tube, site, person, t, shipped};
    enum fk_put did = (enum fk_put)99, want = m ? model_add(m, &s) : FK_PUT_NEW;

    assert_int_equal(fk_store_add_sample(st, &s, &did), FK_OK);
    if (m)
        assert_int_equal(did, want);
}

struct seen {
    struct model_row *r;
    size_t n, cap;
};

static int on_sample(void *ud, const struct fk_sample_row *s)
{
    struct seen *v = ud;

    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->r = realloc(v->r, v->cap * sizeof *v->r);
        assert_non_null(v->r);
    }
    memset(&v->r[v->n], 0, sizeof v->r[v->n]);
    snprintf(v->r[v->n].tube, sizeof v->r[v->n].tube, "%s", s->tube);
    snprintf(v->r[v->n].site, sizeof v->r[v->n].site, "%s", s->site);
    v->r[v->n].person = s->person;
    v->r[v->n].time = s->time;
    v->r[v->n].shipped = s->shipped;
    v->n++;
    return FK_OK;
}

/* The store holds exactly the model: every sample in order, the count, each tube's members. */
static void expect_model(fk_store *st, struct model *m)
{
    struct seen v = {0};
    int64_t n = -1;
    size_t i;

    if (m->n)
        qsort(m->r, m->n, sizeof *m->r, by_key);
    assert_int_equal(fk_store_each_sample(st, on_sample, &v), FK_OK);
    assert_int_equal(v.n, m->n);
    for (i = 0; i < m->n; i++) {
        assert_string_equal(v.r[i].tube, m->r[i].tube);
        assert_int_equal(v.r[i].person, m->r[i].person);
        assert_int_equal(v.r[i].time, m->r[i].time);
        assert_string_equal(v.r[i].site, m->r[i].site);
        assert_int_equal(v.r[i].shipped, m->r[i].shipped);
    }
    assert_int_equal(fk_store_count(st, "samples", &n), FK_OK);
    assert_int_equal(n, (int64_t)m->n);
    for (i = 0; i < m->n; i++) {
        struct seen t = {0};
        size_t j, k = 0;

        if (i > 0 && strcmp(m->r[i - 1].tube, m->r[i].tube) == 0)
            continue;
        assert_int_equal(fk_store_tube_exists(st, m->r[i].tube), FK_OK);
        assert_int_equal(fk_store_each_tube_member(st, m->r[i].tube, on_sample, &t), FK_OK);
        for (j = i; j < m->n && strcmp(m->r[j].tube, m->r[i].tube) == 0; j++, k++) {
            assert_true(k < t.n);
            assert_int_equal(t.r[k].person, m->r[j].person);
        }
        assert_int_equal(t.n, k);
        free(t.r);
    }
    assert_int_equal(fk_store_tube_exists(st, "NO-SUCH-TUBE"), FK_ENOENT);
    free(v.r);
}

static size_t segment_files(const char *path)
{
    char pat[400];
    glob_t gl;
    size_t n = 0;

    snprintf(pat, sizeof pat, "%s.samples.*", path);
    if (glob(pat, 0, NULL, &gl) == 0)
        n = gl.gl_pathc;
    if (n)
        globfree(&gl);
    return n;
}

/* Batches of pooled tubes in an order no key follows, duplicates and shipped times among them,
 * across a reopen: the store matches the model throughout. */
static void test_segments__batches_match_a_model(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    char err[256], tube[24];
    int b, i;

    for (b = 0; b < 5; b++) {
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        for (i = 0; i < 3000; i++) {
            int k = (i * 7919 + b * 104729) % 6000;

            /* tubes of up to ten persons; T10 sorts before T2, bytewise */
            snprintf(tube, sizeof tube, "T%d", k / 10);
            add(f->st, &m, tube, 1000 - k % 10 - (k % 3) * 100, 5000 + i, k % 2 ? "S1" : "",
                (b == 3 && i % 5 == 0) ? 9000 + b : 0);
        }
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        expect_model(f->st, &m);
    }
    fk_store_close(f->st);
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    expect_model(f->st, &m);
    free(m.r);
}

/* Tubes whose hashes share their bits (16 values in all): the key, a tube's members and a tube's
 * existence are told apart by the rows themselves, across a reopen and a rollback. */
static void test_segments__colliding_hashes(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    char err[256], tube[24];
    int b, i;

    fk__sg_weak_hash(1);
    for (b = 0; b < 3; b++) {
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        for (i = 0; i < 700; i++) {
            snprintf(tube, sizeof tube, "W%d", (i * 31 + b * 7) % 300);
            add(f->st, &m, tube, (i * 17) % 40, 100, "S", b == 2 ? 555 : 0);
        }
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        expect_model(f->st, &m);
    }
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add(f->st, NULL, "W-new", 1, 100, "S", 0);
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    fk_store_close(f->st);
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    expect_model(f->st, &m);
    fk__sg_weak_hash(0);
    free(m.r);
}

/* A batch rolled back leaves no row and no file; its keys are new to the next batch, also when
 * the index grew during the rolled-back batch. */
static void test_segments__rollback_leaves_nothing(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    char tube[24];
    int i;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add(f->st, &m, "A1", 1, 10, "S", 0);
    add(f->st, &m, "A1", 2, 10, "S", 0);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(segment_files(f->path), 1);
    /* small: the slots changed are put back */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add(f->st, NULL, "A2", 1, 10, "S", 0);
    add(f->st, NULL, "A1", 1, 10, "S", 77); /* an update, undone */
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    expect_model(f->st, &m);
    /* large: the table grows, so the index is built again */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    for (i = 0; i < 5000; i++) {
        snprintf(tube, sizeof tube, "B%d", i);
        add(f->st, NULL, tube, i, 10, "S", 0);
    }
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    expect_model(f->st, &m);
    assert_int_equal(segment_files(f->path), 1);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add(f->st, &m, "A2", 1, 10, "S", 0);
    add(f->st, &m, "B7", 7, 10, "S", 0);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    expect_model(f->st, &m);
    free(m.r);
}

/* Small batches go into the small segments at the end (a few files, not one a batch), and a
 * second handle opened before them sees every batch of the first, as each commits. */
static void test_segments__small_batches_share_a_file(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    fk_store *other = NULL;
    char err[256], tube[24];
    int b;

    assert_int_equal(fk_store_open(f->path, &other, err, sizeof err), FK_OK);
    expect_model(other, &m);
    for (b = 0; b < 20; b++) {
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        snprintf(tube, sizeof tube, "P%d", b);
        add(f->st, &m, tube, b + 1, 100 + b, "S", 0);
        add(f->st, &m, "P0", b + 1, 100 + b, "S", b == 19 ? 500 : 0);
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        expect_model(other, &m);
    }
    assert_true(segment_files(f->path) <= 3);
    /* the other handle writes too, and the first sees it */
    assert_int_equal(fk_store_begin(other), FK_OK);
    add(other, &m, "Q1", 1, 1, "", 0);
    assert_int_equal(fk_store_commit(other), FK_OK);
    expect_model(f->st, &m);
    fk_store_close(other);
    free(m.r);
}

/* The sampling tables' groups (issue 21): 1 500 batches of 3 samples. The small segments at the
 * end are merged geometrically: the files stay few, and every row is written some twenty times at
 * most, where rewriting the last small segment for each batch wrote the 4 500 rows about 750
 * times each (3.4 M rows). A second handle follows each batch as it commits (the merged files
 * replace the ones it mapped), and both hold the model at the end. */
static void test_segments__small_batches_merge_geometrically(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    fk_store *other = NULL;
    char err[256], tube[24];
    uint64_t before = fk__sg_rows_written(), written;
    int64_t n = -1;
    int b, k;

    assert_int_equal(fk_store_open(f->path, &other, err, sizeof err), FK_OK);
    expect_model(other, &m);
    for (b = 0; b < 1500; b++) {
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        snprintf(tube, sizeof tube, "G%04d", b);
        for (k = 0; k < 3; k++)
            add(f->st, &m, tube, b * 3 + k + 1, 1000 + b, "S", 0);
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        assert_int_equal(fk_store_tube_exists(other, tube), FK_OK);
        assert_int_equal(fk_store_count(other, "samples", &n), FK_OK);
        assert_int_equal(n, (b + 1) * 3);
    }
    written = fk__sg_rows_written() - before;
    assert_true(written >= 4500);
    assert_true(written <= 20 * 4500);
    assert_true(segment_files(f->path) <= 12);
    expect_model(other, &m);
    expect_model(f->st, &m);
    fk_store_close(other);
    free(m.r);
}

/* A data file written before the segments: the rows of its samples table move into a segment at
 * the next open, and the table is emptied. */
static void test_segments__old_table_moves(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    sqlite3 *db = NULL;
    char err[256];
    struct fk_sample_row rows[] = {
        {"T2", "S1", 5, 100, 0}, {"T1", "S2", 7, 200, 300}, {"T1", "", 6, 200, 0}};
    size_t i;

    fk_store_close(f->st);
    f->st = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    for (i = 0; i < 3; i++) {
        char sql[256];

        snprintf(sql, sizeof sql,
                 "INSERT INTO samples (tube, person, time, site, shipped) VALUES "
                 "('%s', %lld, %lld, '%s', %lld)",
                 rows[i].tube, (long long)rows[i].person, (long long)rows[i].time, rows[i].site,
                 (long long)rows[i].shipped);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
        model_add(&m, &rows[i]);
    }
    sqlite3_close(db);
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    expect_model(f->st, &m);
    assert_int_equal(segment_files(f->path), 1);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    {
        sqlite3_stmt *q = NULL;

        assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM samples", -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(q, 0), 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    free(m.r);
}

/* A damaged segment is refused with its file's name, and nothing is read from it; a file the
 * manifest does not name (a batch killed before its commit) is never read and is overwritten. */
static void test_segments__damage_and_leftovers(void **state)
{
    struct store_fixture *f = *state;
    struct model m = {0};
    char err[256], file[400];
    int64_t n = 0;
    FILE *fp;

    /* a leftover of a killed batch, where the next segment goes */
    snprintf(file, sizeof file, "%s.samples.1", f->path);
    fp = fopen(file, "wb");
    assert_non_null(fp);
    fputs("half a segment", fp);
    fclose(fp);
    expect_model(f->st, &m);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add(f->st, &m, "T1", 1, 10, "S", 0);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    fk_store_close(f->st);
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    expect_model(f->st, &m);
    fk_store_close(f->st);
    assert_int_equal(flip_byte(file, 200), 0);
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    /* the count is the manifest's; reading the samples maps the file */
    assert_int_equal(fk_store_count(f->st, "samples", &n), FK_OK);
    assert_int_equal(n, 1);
    assert_int_equal(fk_store_tube_exists(f->st, "T1"), FK_EIO);
    assert_non_null(strstr(fk_store_errmsg(f->st), ".samples.1"));
    free(m.r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_segments__batches_match_a_model),
        T(test_segments__colliding_hashes),
        T(test_segments__rollback_leaves_nothing),
        T(test_segments__small_batches_share_a_file),
        T(test_segments__old_table_moves),
        T(test_segments__damage_and_leftovers),
        T(test_segments__small_batches_merge_geometrically),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
