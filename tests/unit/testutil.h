/* SPDX-License-Identifier: MIT */
/* Fixture tools the unit tests share: valid resident IDs from 17 digits (the check digit worked
 * out here, not by the library under test), and temporary folders under $TMPDIR for stores and
 * files, copied and removed, and a new store in one. Header-only (static inline): each test is one
 * program. */
#ifndef FK_TESTUTIL_H
#define FK_TESTUTIL_H

#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/store.h"

/* A valid 18-character resident ID: the 17 digits of body and their GB 11643 check digit. */
static inline void make_id(const char *body, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int i, sum = 0;

    for (i = 0; i < 17; i++) {
        sum += (body[i] - '0') * w[i];
        out[i] = body[i];
    }
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* Makes a fresh folder $TMPDIR/fk-test-WHAT-XXXXXX (default /tmp) into dir (cap bytes). 0, or -1
 * with dir empty. */
static inline int make_dir(char *dir, size_t cap, const char *what)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, cap, "%s/fk-test-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", what);
    if (mkdtemp(dir))
        return 0;
    dir[0] = '\0';
    return -1;
}

/* Copies the file from to the file to. 0 or -1. */
static inline int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;

    while (rc == 0 && (n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    return rc;
}

/* Copies a data file and the segment files that hold its samples (from.samples.N, named by its
 * manifest) to to and to.samples.N. 0 or -1. */
static inline int copy_store(const char *from, const char *to)
{
    char pat[4200], dst[4200];
    size_t i, n = strlen(from);
    glob_t gl;
    int rc = copy_file(from, to);

    snprintf(pat, sizeof pat, "%s.samples.*", from);
    if (rc != 0 || glob(pat, 0, NULL, &gl) != 0)
        return rc;
    for (i = 0; rc == 0 && i < gl.gl_pathc; i++) {
        snprintf(dst, sizeof dst, "%s%s", to, gl.gl_pathv[i] + n);
        rc = copy_file(gl.gl_pathv[i], dst);
    }
    globfree(&gl);
    return rc;
}

/* The whole file at path in a new block (the caller frees it), its length in *n; NULL when it
 * cannot be read. */
static inline char *read_file(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    char *b = NULL;
    long z;

    if (fp && fseek(fp, 0, SEEK_END) == 0 && (z = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0 &&
        (b = malloc(z ? (size_t)z : 1)) && fread(b, 1, (size_t)z, fp) == (size_t)z) {
        *n = (size_t)z;
    } else {
        free(b);
        b = NULL;
    }
    if (fp)
        fclose(fp);
    return b;
}

/* 1 when the file at path holds exactly the n bytes of want, 0 when not (or unreadable). */
static inline int file_equals(const char *path, const void *want, size_t n)
{
    size_t got = 0;
    char *b = read_file(path, &got);
    int same = b && got == n && memcmp(b, want, n) == 0;

    free(b);
    return same;
}

/* Turns byte at of the file at path into its complement (a damaged file). 0, or -1 when the file
 * cannot be changed so. */
static inline int flip_byte(const char *path, unsigned long at)
{
    FILE *fp = fopen(path, "r+b");
    int c = EOF, rc = -1;

    if (fp && fseek(fp, (long)at, SEEK_SET) == 0 && (c = fgetc(fp)) != EOF &&
        fseek(fp, (long)at, SEEK_SET) == 0 && fputc(~c & 0xff, fp) != EOF)
        rc = 0;
    if (fp && fclose(fp) != 0)
        rc = -1;
    return rc;
}

/* Removes every file in dir, then dir. */
static inline void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[600];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* The PostgreSQL database the store tests run against instead of a data file (issue 20): the
 * URI in FK_TEST_PG, which scripts/pg-cluster.sh sets for the tests it runs; NULL: SQLite. */
static inline const char *test_pg(void)
{
    const char *uri = getenv("FK_TEST_PG");

    return uri && *uri ? uri : NULL;
}

/* Makes a fresh folder $TMPDIR/fk-test-WHAT-XXXXXX into dir (dircap bytes) and opens a new store
 * at dir/fangkong.db (that path into path, pathcap bytes) into *st; or, when FK_TEST_PG names a
 * database, empties that database and opens it (its URI into path). 0, or -1 with the reason on
 * stderr and no folder left. */
static inline int open_test_store(char *dir, size_t dircap, const char *what, char *path,
                                  size_t pathcap, fk_store **st)
{
    char err[256] = "";

    if (make_dir(dir, dircap, what) != 0)
        return -1;
    snprintf(path, pathcap, "%s/fangkong.db", dir);
#ifdef FK_WITH_POSTGRES
    if (test_pg()) {
        snprintf(path, pathcap, "%s", test_pg());
        if (fk__store_pg_reset(path, err, sizeof err) != FK_OK) {
            fprintf(stderr, "emptying %s: %s\n", path, err);
            remove_dir(dir);
            return -1;
        }
    }
#endif
    if (fk_store_open(path, st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "open %s: %s\n", path, err);
        remove_dir(dir);
        return -1;
    }
    return 0;
}

/* Looks up the store ids of the n persons whose resident IDs are id[0 .. n-1] into pid. 0, or -1
 * when one is missing. */
static inline int find_persons(fk_store *st, char (*id)[19], int64_t *pid, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (fk_store_find_person(st, id[i], &pid[i]) != FK_OK)
            return -1;
    return 0;
}

/* The region tree of the control, person and write tests: 山西省 › 晋中市 › 榆次区 (140702) with
 * grids G1 and G2 in one community, and 太谷区 (140703) with grid H1. */
#define TEST_G1 "140702001001001"
#define TEST_G2 "140702001001002"
#define TEST_H1 "140703001001001"
#define TWO_COUNTIES_CSV                                                                          \
    "code,name,level,parent\n"                                                                    \
    "14,山西省,province,\n"                                                                       \
    "1407,晋中市,city,14\n"                                                                       \
    "140702,榆次区,county,1407\n"                                                                 \
    "140702001,锦纶街道,township,140702\n"                                                        \
    "140702001001,锦纶社区,community,140702001\n" TEST_G1 ",一网格,grid,140702001001\n" TEST_G2    \
    ",二网格,grid,140702001001\n"                                                                 \
    "140703,太谷区,county,1407\n"                                                                 \
    "140703001,明星镇,township,140703\n"                                                          \
    "140703001001,明星村,community,140703001\n" TEST_H1 ",太谷一网格,grid,140703001001\n"

/* Writes text to dir/TYPE.csv and imports it as type t with no options (the local
 * administrator): fk_import_file's code, or FK_EIO when the file could not be written. */
static inline int import_text(fk_store *st, const struct fk_profile *prof, const char *dir,
                              enum fk_import_type t, const char *text,
                              struct fk_import_summary *sum, char *err, size_t errlen)
{
    char path[400];
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s.csv", dir, fk_import_type_name(t));
    fp = fopen(path, "wb");
    if (!fp)
        return FK_EIO;
    if (fputs(text, fp) < 0) {
        fclose(fp);
        return FK_EIO;
    }
    if (fclose(fp) != 0)
        return FK_EIO;
    return fk_import_file(st, prof, t, path, NULL, sum, err, errlen);
}

/* A new, empty store in a temporary folder: the fixture of tests that need nothing else. */
struct store_fixture {
    char dir[256];
    char path[300];
    fk_store *st;
};

/* A cmocka setup: *state becomes a store_fixture with a new store in $TMPDIR/fk-test-WHAT-XXXXXX.
 * 0 or -1. Free it with store_fixture_close. */
static inline int store_fixture_open(void **state, const char *what)
{
    struct store_fixture *f = calloc(1, sizeof *f);

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, what, f->path, sizeof f->path, &f->st) != 0) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* A cmocka teardown for store_fixture_open: closes the store, removes the folder. Returns 0. */
static inline int store_fixture_close(void **state)
{
    struct store_fixture *f = *state;

    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

#endif
