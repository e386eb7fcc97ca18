/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/snapfile.c: a snapshot written in sections with block sums, mapped, and
 * checked block by block as it is read. The file's layout is re-derived here from the contract
 * in fk/snapfile.h (sections at 64-byte boundaries after the header, then one XXH3 per block,
 * the header sealed by its last 8 bytes), so a writer that drifted from it fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/snapfile.h"

#include "testutil.h"

#define MAGIC "FKTSTSN1"
#define BLOCK 256

/* A kind of snapshot for the test: the prefix, three sections, the block sums, the seal. */
struct head {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
    struct fk_snap_sect sect[3];
    struct fk_snap_blocks blocks;
    uint64_t sum;
};

struct fixture {
    char dir[300], path[400];
    unsigned char a[1000], b[37], c[600]; /* the sections' bytes */
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    size_t i;

    if (!f || make_dir(f->dir, sizeof f->dir, "snapfile") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/x.snap", f->dir);
    for (i = 0; i < sizeof f->a; i++)
        f->a[i] = (unsigned char)(i * 7 + 1);
    for (i = 0; i < sizeof f->b; i++)
        f->b[i] = (unsigned char)(i + 100);
    for (i = 0; i < sizeof f->c; i++)
        f->c[i] = (unsigned char)(i * 13);
    fk__snap_set_block(BLOCK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk__snap_set_block(0);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* Writes the three sections; their places in *h. */
static void write_snap(struct fixture *f, struct head *h)
{
    struct fk_snapwriter w;
    char err[256];

    memset(h, 0, sizeof *h);
    assert_int_equal(fk_snapwriter_open(&w, f->path, sizeof *h, err, sizeof err), FK_OK);
    fk_snapwriter_put(&w, &h->sect[0], f->a, sizeof f->a);
    fk_snapwriter_put(&w, &h->sect[1], f->b, sizeof f->b);
    fk_snapwriter_put(&w, &h->sect[2], f->c, sizeof f->c);
    memcpy(h->magic, MAGIC, 8);
    h->version = 7;
    h->endian = FK_SNAP_ENDIAN;
    h->generation = 42;
    assert_int_equal(fk_snapwriter_close(&w, h, sizeof *h, &h->blocks, err, sizeof err), FK_OK);
}

static int open_snap(struct fixture *f, struct fk_snapmap *m)
{
    char err[256];

    return fk_snapmap_open(m, f->path, MAGIC, 7, sizeof(struct head), offsetof(struct head, blocks),
                           err, sizeof err);
}

/* Damages byte at of the file at path. */
static void flip(const char *path, uint64_t at)
{
    assert_int_equal(flip_byte(path, (unsigned long)at), 0);
}

/* The layout the contract promises, computed here: sections at 64-byte boundaries after the
 * header, their bytes as given, zero padding, a sum per BLOCK bytes, the header sealed. */
static void test_snapfile__layout(void **state)
{
    struct fixture *f = *state;
    struct head h, disk;
    size_t n = 0;
    unsigned char *file;
    uint64_t at = sizeof h, k, nsums;

    write_snap(f, &h);
    file = (unsigned char *)read_file(f->path, &n);
    assert_non_null(file);
    at = (at + 63) / 64 * 64;
    assert_int_equal(h.sect[0].off, at);
    at = (at + sizeof f->a + 63) / 64 * 64;
    assert_int_equal(h.sect[1].off, at);
    at = (at + sizeof f->b + 63) / 64 * 64;
    assert_int_equal(h.sect[2].off, at);
    at = (at + sizeof f->c + 7) / 8 * 8;
    assert_int_equal(h.blocks.end, at);
    assert_int_equal(h.blocks.block, BLOCK);
    nsums = (at - sizeof h + BLOCK - 1) / BLOCK;
    assert_int_equal(h.blocks.nsums, nsums);
    assert_int_equal(n, at + nsums * 8);
    assert_memory_equal(file + h.sect[0].off, f->a, sizeof f->a);
    assert_memory_equal(file + h.sect[1].off, f->b, sizeof f->b);
    assert_memory_equal(file + h.sect[2].off, f->c, sizeof f->c);
    for (k = 0; k < nsums; k++) {
        uint64_t lo = sizeof h + k * BLOCK, len = at - lo < BLOCK ? at - lo : BLOCK, sum;

        memcpy(&sum, file + at + k * 8, 8);
        assert_true(sum == XXH3_64bits(file + lo, (size_t)len));
    }
    memcpy(&disk, file, sizeof disk);
    assert_memory_equal(&disk, &h, sizeof h);
    assert_true(disk.sum == XXH3_64bits(file, sizeof h - 8));
    free(file);
}

/* Mapped, the sections are where the header says, whole; need and need_all pass. */
static void test_snapfile__map_and_need(void **state)
{
    struct fixture *f = *state;
    struct fk_snapmap m;
    struct head h;
    const unsigned char *a, *c;

    write_snap(f, &h);
    assert_int_equal(open_snap(f, &m), FK_OK);
    a = fk_snapmap_sect(&m, &h.sect[0], sizeof f->a);
    c = fk_snapmap_sect(&m, &h.sect[2], UINT64_MAX);
    assert_non_null(a);
    assert_non_null(c);
    assert_null(fk_snapmap_sect(&m, &h.sect[1], sizeof f->b + 1)); /* not that length */
    assert_memory_equal(a, f->a, sizeof f->a);
    assert_memory_equal(c, f->c, sizeof f->c);
    assert_true(fk_snapmap_need(&m, a, sizeof f->a));
    assert_true(fk_snapmap_need(&m, c + 10, 5));
    assert_true(fk_snapmap_need(&m, c, 0));
    assert_false(fk_snapmap_need(&m, m.base, 8)); /* the header is not among the checked bytes */
    assert_false(fk_snapmap_need(&m, c, sizeof f->c + 4096)); /* past the end */
    assert_true(fk_snapmap_need_all(&m));
    assert_int_equal(fk_snapmap_check_start(&m), FK_OK);
    assert_true(fk_snapmap_check_join(&m));
    fk_snapmap_close(&m);
}

/* One damaged byte fails its block only: the other sections still read as intact, need over
 * the damaged block fails, and so does need_all, on one thread or in the background. */
static void test_snapfile__damage_is_found_where_read(void **state)
{
    struct fixture *f = *state;
    struct fk_snapmap m;
    struct head h;
    const unsigned char *a, *c;

    write_snap(f, &h);
    flip(f->path, h.sect[2].off + sizeof f->c - 1); /* the last block of section c */
    assert_int_equal(open_snap(f, &m), FK_OK);
    a = fk_snapmap_sect(&m, &h.sect[0], sizeof f->a);
    c = fk_snapmap_sect(&m, &h.sect[2], sizeof f->c);
    assert_true(fk_snapmap_need(&m, a, sizeof f->a));
    assert_true(fk_snapmap_need(&m, c, 16)); /* c's first block is another */
    assert_false(fk_snapmap_need(&m, c + sizeof f->c - 1, 1));
    assert_false(fk_snapmap_need(&m, c, sizeof f->c));
    assert_false(fk_snapmap_need_all(&m));
    fk_snapmap_close(&m);
    assert_int_equal(open_snap(f, &m), FK_OK);
    assert_int_equal(fk_snapmap_check_start(&m), FK_OK);
    assert_false(fk_snapmap_check_join(&m));
    fk_snapmap_close(&m);
}

/* What is checked at open: the prefix (kind, version, byte order), the seal, the sums and their
 * place; any of them damaged, or the file cut short or grown, and the file is refused. */
static void test_snapfile__refused_at_open(void **state)
{
    struct fixture *f = *state;
    struct fk_snapmap m;
    struct head h;
    char err[256];
    uint64_t at[] = {0,
                     8,
                     offsetof(struct head, generation),
                     offsetof(struct head, sect),
                     offsetof(struct head, blocks) + 8,
                     sizeof h - 1,
                     0};
    size_t i;
    FILE *fp;

    write_snap(f, &h);
    at[6] = h.blocks.end + 3; /* a sum */
    for (i = 0; i < sizeof at / sizeof at[0]; i++) {
        write_snap(f, &h);
        flip(f->path, at[i]);
        assert_int_equal(open_snap(f, &m), FK_ENOENT);
        assert_null(m.base);
    }
    /* another version of the kind */
    write_snap(f, &h);
    assert_int_equal(fk_snapmap_open(&m, f->path, MAGIC, 8, sizeof h, offsetof(struct head, blocks),
                                     err, sizeof err),
                     FK_ENOENT);
    assert_non_null(strstr(err, "version"));
    /* cut short, and grown */
    assert_int_equal(truncate(f->path, (off_t)(h.blocks.end + h.blocks.nsums * 8 - 8)), 0);
    assert_int_equal(open_snap(f, &m), FK_ENOENT);
    write_snap(f, &h);
    fp = fopen(f->path, "ab");
    assert_non_null(fp);
    fputs("more", fp);
    fclose(fp);
    assert_int_equal(open_snap(f, &m), FK_ENOENT);
    /* none at all */
    unlink(f->path);
    assert_int_equal(fk_snapmap_open(&m, f->path, MAGIC, 7, sizeof h, offsetof(struct head, blocks),
                                     err, sizeof err),
                     FK_ENOENT);
    assert_non_null(strstr(err, "no snapshot"));
}

/* A large file is checked on two threads: the same verdicts (1 MiB blocks, 40 of them). */
static void test_snapfile__two_threads(void **state)
{
    struct fixture *f = *state;
    struct fk_snapwriter w;
    struct fk_snapmap m;
    struct head h;
    char err[256];
    size_t n = 40u << 20;
    unsigned char *big = malloc(n);

    assert_non_null(big);
    memset(big, 0x5a, n);
    fk__snap_set_block(0);
    memset(&h, 0, sizeof h);
    assert_int_equal(fk_snapwriter_open(&w, f->path, sizeof h, err, sizeof err), FK_OK);
    fk_snapwriter_put(&w, &h.sect[0], big, n);
    memcpy(h.magic, MAGIC, 8);
    h.version = 7;
    h.endian = FK_SNAP_ENDIAN;
    assert_int_equal(fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, sizeof err), FK_OK);
    assert_int_equal(h.blocks.nsums, 41); /* 40 MiB after a header: the last block is short */
    assert_int_equal(open_snap(f, &m), FK_OK);
    assert_true(fk_snapmap_need_all(&m));
    fk_snapmap_close(&m);
    flip(f->path, h.sect[0].off + n - 1); /* in the second thread's half */
    assert_int_equal(open_snap(f, &m), FK_OK);
    assert_false(fk_snapmap_need_all(&m));
    fk_snapmap_close(&m);
    free(big);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_snapfile__layout),
        T(test_snapfile__map_and_need),
        T(test_snapfile__damage_is_found_where_read),
        T(test_snapfile__refused_at_open),
        T(test_snapfile__two_threads),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
