/* SPDX-License-Identifier: MIT */
/* The read-ahead of a file import (lib/ingest/ahead.h): the answers come for the right lines and
 * ID numbers, in order, across a full ring; records without an ID number are passed over; an ID
 * number the line does not hold is not answered; stopping at any moment ends the thread. The
 * look-up is a function of the ID number computed here, so every answer can be checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/buf.h"
#include "fk/csv.h"
#include "fk/error.h"
#include "ingest/ahead.h"
#include "testutil.h"

/* More rows than the ring holds (16 K) three times over. */
#define NROWS 50000

/* Every 997th row has no ID number; every 1009th a quoted one over two lines. */
#define EMPTY_EVERY 997
#define QUOTED_EVERY 1009

static const char *const GRID = "140702001001";

/* The look-up: "p12345678" is person 12345678, whose grid is GRID; "NOBODY" is unknown. */
static _Atomic int lookups;

static int find(void *ud, const char *id, size_t n, int64_t *person, const char **grid)
{
    (void)ud;
    atomic_fetch_add(&lookups, 1);
    *person = -1;
    *grid = NULL;
    if (n != 9 || id[0] != 'P')
        return FK_ENOENT;
    *person = strtoll(id + 1, NULL, 10);
    *grid = GRID;
    return FK_OK;
}

struct fixture {
    char dir[256], path[300];
    uint64_t line[NROWS]; /* the line each row starts on; 0: no ID number */
};

/* Writes the file: a header, then NROWS rows "tube,id,time", the IDs in lower case (the reader
 * normalises them as the import does). */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    uint64_t line = 2;
    FILE *fp;
    int i;

    if (!f || make_dir(f->dir, sizeof f->dir, "ahead") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/rows.csv", f->dir);
    fp = fopen(f->path, "w");
    if (!fp)
        return -1;
    fputs("tube,id_number,time\n", fp);
    for (i = 0; i < NROWS; i++) {
        if (i % EMPTY_EVERY == 5) {
            fprintf(fp, "T%d,,t\n", i);
            line++;
        } else if (i % QUOTED_EVERY == 7) {
            /* A record over two lines: the ID number trimmed of its spaces. */
            fprintf(fp, "\"T%d\n\", p%08d ,t\n", i, i);
            f->line[i] = line;
            line += 2;
        } else {
            fprintf(fp, "T%d,p%08d,t\n", i, i);
            f->line[i] = line++;
        }
    }
    if (fclose(fp) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk__ahead_set_wait(0);
    remove_dir(f->dir);
    free(f);
    return 0;
}

static fk_ahead *start(const struct fixture *f)
{
    struct fk_csv_opts o = {NULL, 0, 0};
    fk_ahead *a = NULL;

    assert_int_equal(fk_ahead_start(f->path, &o, 1, find, NULL, &a), FK_OK);
    assert_non_null(a);
    return a;
}

static void id_of(int i, char *out, size_t cap)
{
    snprintf(out, cap, "P%08d", i);
}

/* Every row with an ID number is answered, right, on its own line, though the ring filled and
 * emptied three times; the rows without one were not looked up. */
static void test_ahead__answers_every_row(void **state)
{
    struct fixture *f = *state;
    uint64_t taken, asked, want = 0;
    fk_ahead *a;
    int i;

    atomic_store(&lookups, 0);
    fk__ahead_set_wait(1);
    a = start(f);
    for (i = 0; i < NROWS; i++) {
        char id[16];
        const char *grid = NULL;
        int64_t person = -1;
        int rc = -1;

        if (!f->line[i])
            continue;
        want++;
        id_of(i, id, sizeof id);
        assert_int_equal(fk_ahead_take(a, f->line[i], id, strlen(id), &rc, &person, &grid), 1);
        assert_int_equal(rc, FK_OK);
        assert_int_equal(person, i);
        assert_string_equal(grid, GRID);
    }
    fk_ahead_stop(a);
    fk__ahead_last_counts(&taken, &asked);
    assert_int_equal(taken, want);
    assert_int_equal(asked, want);
    assert_int_equal(atomic_load(&lookups), (int)want);
}

/* A line asked with an ID number it does not hold is not answered (the caller looks it up); the
 * same line asked again with its own is; a line past the file's end is not; NOBODY is answered
 * as the look-up answered it. */
static void test_ahead__answers_only_the_line_and_id(void **state)
{
    struct fixture *f = *state;
    const char *grid;
    int64_t person;
    char id[16];
    fk_ahead *a;
    int rc;

    fk__ahead_set_wait(1);
    a = start(f);
    id_of(11, id, sizeof id);
    assert_int_equal(fk_ahead_take(a, f->line[10], id, strlen(id), &rc, &person, &grid), 0);
    id_of(10, id, sizeof id);
    assert_int_equal(fk_ahead_take(a, f->line[10], id, strlen(id), &rc, &person, &grid), 1);
    assert_int_equal(person, 10);
    assert_int_equal(fk_ahead_take(a, f->line[10], id, strlen(id), &rc, &person, &grid), 1);
    /* The row without an ID number: its line has no answer. */
    assert_int_equal(f->line[5], 0);
    assert_int_equal(fk_ahead_take(a, f->line[4] + 1, "P00000005", 9, &rc, &person, &grid), 0);
    assert_int_equal(fk_ahead_take(a, 1u << 30, id, strlen(id), &rc, &person, &grid), 0);
    fk_ahead_stop(a);
}

/* Stopping ends the thread wherever it is: before it read a row, while it waits for room in a
 * full ring, after it read the file. */
static void test_ahead__stops_at_any_moment(void **state)
{
    struct fixture *f = *state;
    const char *grid;
    int64_t person;
    char id[16];
    fk_ahead *a;
    int rc, k;

    for (k = 0; k < 4; k++) {
        a = start(f);
        fk_ahead_stop(a);
    }
    /* Its first answer taken: the thread runs, and soon waits for room, the ring full. */
    fk__ahead_set_wait(1);
    a = start(f);
    id_of(0, id, sizeof id);
    assert_int_equal(fk_ahead_take(a, f->line[0], id, strlen(id), &rc, &person, &grid), 1);
    fk_ahead_stop(a);
    /* The file read to its end: nothing is left to answer. */
    a = start(f);
    id_of(NROWS - 1, id, sizeof id);
    assert_int_equal(fk_ahead_take(a, f->line[NROWS - 1], id, strlen(id), &rc, &person, &grid), 1);
    assert_int_equal(fk_ahead_take(a, f->line[NROWS - 1] + 1, id, strlen(id), &rc, &person, &grid),
                     0);
    fk_ahead_stop(a);
    fk_ahead_stop(NULL);
}

/* A file that cannot be read, or holds a header only, starts no thread, or one with nothing to
 * say. */
static void test_ahead__empty_or_missing_file(void **state)
{
    struct fixture *f = *state;
    struct fk_csv_opts o = {NULL, 0, 0};
    char path[320];
    const char *grid;
    int64_t person;
    fk_ahead *a = NULL;
    FILE *fp;
    int rc;

    snprintf(path, sizeof path, "%s/none.csv", f->dir);
    assert_int_equal(fk_ahead_start(path, &o, 1, find, NULL, &a), FK_EIO);
    assert_null(a);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("tube,id_number,time\n", fp);
    assert_int_equal(fclose(fp), 0);
    fk__ahead_set_wait(1);
    assert_int_equal(fk_ahead_start(path, &o, 1, find, NULL, &a), FK_OK);
    assert_int_equal(fk_ahead_take(a, 2, "P00000000", 9, &rc, &person, &grid), 0);
    fk_ahead_stop(a);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_ahead__answers_every_row),
        T(test_ahead__answers_only_the_line_and_id),
        T(test_ahead__stops_at_any_moment),
        T(test_ahead__empty_or_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
