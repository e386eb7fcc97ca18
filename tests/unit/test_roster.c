/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/engine/roster.c (issue 19) over a store of two counties' grids and 2 000
 * residents put by hand: a roster written from it finds every one of them with its store id and
 * grid and nobody else, also when ID numbers share a hash; it shows each by store id as the store
 * does (ID number, name, phone, grid), whether the ids are dense, have holes or lie far apart;
 * it is refused once a person is written after it, when damaged, and when of version 1; a
 * damaged block of what it shows answers FK_EIO, never another person. And through the ingest:
 * imports of samples, arrivals and persons that find their persons in a current roster store the
 * same rows and reject the same rows with the same reasons as imports that read the store, one
 * by one or the whole registry, and as one whose roster turns out damaged. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/export.h"
#include "fk/idcard.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/roster.h"
#include "fk/snapfile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "ingest/ahead.h"

#include "testutil.h"

#define NPERSONS 2000
#define NLONG 20 /* and documents of type other with ID numbers too long to keep in an entry */

static const char *const grids[3] = {TEST_G1, TEST_G2, TEST_H1};

struct fixture {
    char dir[256], db[300], roster[320];
    fk_store *st;
    struct fk_profile prof;
    char id[NPERSONS][19];
    int64_t pid[NPERSONS];
    char longid[NLONG][40];
    int64_t longpid[NLONG];
};

/* Resident i's ID number: born on day 1 + i / 1000 of January 1990, sequence i % 1000. */
static void resident_id(int i, char out[19])
{
    char body[24];

    snprintf(body, sizeof body, "140702199001%02u%03u", (1u + (unsigned)i / 1000u) % 100u,
             (unsigned)i % 1000u);
    make_id(body, out);
}

/* The two counties' regions, NPERSONS residents, resident i in grid i % 3, and NLONG holders of
 * long documents in grid G1. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct fk_import_summary sum;
    struct fk_person_row p;
    enum fk_put did;
    char err[256];
    int i, rc;

    if (!f || open_test_store(f->dir, sizeof f->dir, "roster", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    snprintf(f->roster, sizeof f->roster, "%s.roster", f->db);
    rc = import_text(f->st, &f->prof, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &sum, err,
                     sizeof err);
    if (rc == FK_OK)
        rc = fk_store_begin(f->st);
    for (i = 0; rc == FK_OK && i < NPERSONS; i++) {
        resident_id(i, f->id[i]);
        memset(&p, 0, sizeof p);
        p.id_number = f->id[i];
        p.name = "居民";
        p.grid = grids[i % 3];
        rc = fk_store_put_person(f->st, &p, &f->pid[i], &did);
    }
    for (i = 0; rc == FK_OK && i < NLONG; i++) {
        snprintf(f->longid[i], sizeof f->longid[i], "WORK-PERMIT-%03d-%016d", i, i * 7);
        memset(&p, 0, sizeof p);
        p.id_number = f->longid[i];
        p.id_type = FK_ID_OTHER;
        p.name = "外籍";
        p.grid = TEST_G1;
        rc = fk_store_put_person(f->st, &p, &f->longpid[i], &did);
    }
    if (rc == FK_OK)
        rc = fk_store_commit(f->st);
    *state = f;
    return rc == FK_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk__roster_set_hash_bits(0);
    fk__snap_set_block(0);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* Writes the roster of f's store and maps it, whatever the generation. */
static fk_roster *write_and_map(struct fixture *f)
{
    char err[512] = "";
    fk_roster *r = NULL;

    assert_int_equal(fk_roster_write(f->st, f->roster, err, sizeof err), FK_OK);
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_OK);
    assert_non_null(r);
    return r;
}

/* Every resident of f is found with its store id and grid; ID numbers nobody has, and texts
 * that are a stored one's beginning or one longer, are not. */
static void expect_everyone(struct fixture *f, fk_roster *r)
{
    static const char *const strangers[] = {"", "1", "E1234567", "14070219900101"};
    char unknown[19], longer[20];
    const char *grid;
    int64_t pid;
    size_t i;

    assert_int_equal(fk_roster_count(r), NPERSONS + NLONG);
    for (i = 0; i < NPERSONS; i++) {
        assert_int_equal(fk_roster_find(r, f->id[i], 18, &pid, &grid), FK_OK);
        assert_int_equal(pid, f->pid[i]);
        assert_string_equal(grid, grids[i % 3]);
    }
    for (i = 0; i < NLONG; i++) {
        assert_int_equal(fk_roster_find(r, f->longid[i], strlen(f->longid[i]), &pid, &grid), FK_OK);
        assert_int_equal(pid, f->longpid[i]);
        assert_string_equal(grid, TEST_G1);
        assert_int_equal(fk_roster_find(r, f->longid[i], strlen(f->longid[i]) - 1, &pid, &grid),
                         FK_ENOENT);
    }
    for (i = 0; i < sizeof strangers / sizeof *strangers; i++) {
        assert_int_equal(fk_roster_find(r, strangers[i], strlen(strangers[i]), &pid, &grid),
                         FK_ENOENT);
        assert_int_equal(pid, -1);
        assert_null(grid);
    }
    for (i = NPERSONS; i < NPERSONS + 50; i++) {
        resident_id((int)i, unknown);
        assert_int_equal(fk_roster_find(r, unknown, 18, &pid, &grid), FK_ENOENT);
    }
    snprintf(longer, sizeof longer, "%sX", f->id[7]);
    assert_int_equal(fk_roster_find(r, longer, 19, &pid, &grid), FK_ENOENT);
    assert_int_equal(fk_roster_find(r, f->id[7], 17, &pid, &grid), FK_ENOENT);
}

/* A roster written from the store finds every resident (and every holder of a long document)
 * and nobody else, and every block of it is intact. */
static void test_roster__finds_every_person(void **state)
{
    struct fixture *f = *state;
    fk_roster *r = write_and_map(f);

    expect_everyone(f, r);
    assert_int_equal(fk_roster_verify(r), FK_OK);
    fk_roster_close(r);
}

/* ID numbers hashed to a few bits share their hashes (with 2 000 residents and 1 bit, a thousand
 * to a hash; with 12 bits, a few hundred pairs): each is still found by its own text, and in
 * 64-byte blocks every block a look-up reads is checked on the way. */
static void test_roster__shared_hashes_are_told_apart(void **state)
{
    static const unsigned bits[] = {1, 3, 12, 64};
    struct fixture *f = *state;
    size_t i;

    fk__snap_set_block(64);
    for (i = 0; i < sizeof bits / sizeof *bits; i++) {
        fk_roster *r;

        fk__roster_set_hash_bits(bits[i]);
        r = write_and_map(f);
        /* The width is the file's: a reader needs no hook. */
        fk__roster_set_hash_bits(0);
        expect_everyone(f, r);
        fk_roster_close(r);
    }
}

/* An empty registry gives a roster that finds nobody and shows nobody. */
static void test_roster__empty_store(void **state)
{
    struct fixture *f = *state;
    char path[320], err[512] = "";
    struct fk_roster_who w;
    fk_store *st = NULL;
    fk_roster *r = NULL;
    const char *grid;
    int64_t pid;

    snprintf(path, sizeof path, "%s/empty.db", f->dir);
    assert_int_equal(fk_store_open(path, &st, err, sizeof err), FK_OK);
    snprintf(path, sizeof path, "%s/empty.roster", f->dir);
    assert_int_equal(fk_roster_write(st, path, err, sizeof err), FK_OK);
    assert_int_equal(fk_roster_map(path, &r, NULL, err, sizeof err), FK_OK);
    assert_int_equal(fk_roster_count(r), 0);
    assert_int_equal(fk_roster_find(r, f->id[0], 18, &pid, &grid), FK_ENOENT);
    assert_int_equal(fk_roster_person(r, 1, &w), FK_ENOENT);
    assert_int_equal(fk_roster_person(r, 0, &w), FK_ENOENT);
    assert_null(w.name);
    fk_roster_close(r);
    fk_store_close(st);
}

/* Opens f's roster against its store: FK_OK or the refusal, its reason in err. */
static int open_roster(struct fixture *f, char *err, size_t errlen)
{
    fk_roster *r = NULL;
    int rc = fk_roster_open(f->st, f->roster, &r, err, errlen);

    assert_true((rc == FK_OK) == (r != NULL));
    fk_roster_close(r);
    return rc;
}

/* Writes text as a CSV of type t and imports it; FK_OK expected. */
static void import_ok(struct fixture *f, enum fk_import_type t, const char *text)
{
    struct fk_import_summary sum;
    char err[512] = "";

    assert_int_equal(import_text(f->st, &f->prof, f->dir, t, text, &sum, err, sizeof err), FK_OK);
}

/* The roster is current while no person is written after it: samples and an arrival of a known
 * person leave it so, a new resident or an arrival that registers one makes it stale, and a
 * roster written again is current again. Missing, it is refused too. */
static void test_roster__stale_is_refused(void **state)
{
    struct fixture *f = *state;
    char err[512] = "", csv[600], stranger[19];
    fk_roster *r = write_and_map(f);

    fk_roster_close(r);
    assert_int_equal(open_roster(f, err, sizeof err), FK_OK);
    snprintf(csv, sizeof csv,
             "tube,id_number,time\nT1,%s,2022-08-28T08:00:00+08:00\n"
             "T2,%s,2022-08-28T08:00:00+08:00\n",
             f->id[0], f->id[1]);
    import_ok(f, FK_IMPORT_SAMPLES, csv);
    snprintf(csv, sizeof csv, "id_number,arrived,origin\n%s,2022-08-27T08:00:00+08:00,上海\n",
             f->id[2]);
    import_ok(f, FK_IMPORT_ARRIVALS, csv);
    assert_int_equal(open_roster(f, err, sizeof err), FK_OK);
    /* An arrival that registers a person. */
    resident_id(NPERSONS, stranger);
    snprintf(csv, sizeof csv,
             "id_number,arrived,origin,grid,name\n%s,2022-08-27T09:00:00+08:00,上海," TEST_G1
             ",新来\n",
             stranger);
    import_ok(f, FK_IMPORT_ARRIVALS, csv);
    assert_int_equal(open_roster(f, err, sizeof err), FK_ENOENT);
    assert_non_null(strstr(err, "persons changed"));
    r = write_and_map(f);
    fk_roster_close(r);
    assert_int_equal(open_roster(f, err, sizeof err), FK_OK);
    /* A resident who moves. */
    snprintf(csv, sizeof csv, "id_number,name,grid\n%s,居民," TEST_G2 "\n", f->id[0]);
    import_ok(f, FK_IMPORT_PERSONS, csv);
    assert_int_equal(open_roster(f, err, sizeof err), FK_ENOENT);
    assert_non_null(strstr(err, "persons changed"));
    remove(f->roster);
    assert_int_equal(open_roster(f, err, sizeof err), FK_ENOENT);
}

/* A damaged header, or a damaged byte in the one block of a small roster, is refused at open, and
 * so is a file cut short. In 64-byte blocks, a damaged block of entries makes the look-ups that
 * read it (those whose search spans it) answer FK_EIO (the caller asks the store), never a wrong
 * person, while the others still answer; verify says so. */
static void test_roster__damaged_is_refused(void **state)
{
    struct fixture *f = *state;
    char err[512] = "", *good;
    fk_roster *r = write_and_map(f);
    uint64_t off, len;
    size_t n = 0, i, eio = 0;
    const char *grid;
    int64_t pid;

    fk_roster_close(r);
    good = read_file(f->roster, &n);
    assert_non_null(good);
    assert_int_equal(flip_byte(f->roster, 16), 0); /* the generation */
    r = NULL;
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_ENOENT);
    assert_null(r);
    assert_non_null(strstr(err, "damaged"));
    assert_int_equal(flip_byte(f->roster, 16), 0);
    assert_true(file_equals(f->roster, good, n));
    assert_int_equal(fk__roster_section(f->roster, "entry", &off, &len), FK_OK);
    assert_int_equal(flip_byte(f->roster, (unsigned long)(off + len / 2)), 0);
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_ENOENT);
    assert_non_null(strstr(err, "damaged"));
    assert_int_equal(truncate(f->roster, (off_t)(n - 8)), 0);
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_ENOENT);
    free(good);
    /* In 64-byte blocks: only the look-ups that read the damaged block fail. */
    fk__snap_set_block(64);
    r = write_and_map(f);
    fk_roster_close(r);
    assert_int_equal(fk__roster_section(f->roster, "entry", &off, &len), FK_OK);
    assert_int_equal(flip_byte(f->roster, (unsigned long)(off + len / 2)), 0);
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_OK);
    for (i = 0; i < NPERSONS; i++) {
        int rc = fk_roster_find(r, f->id[i], 18, &pid, &grid);

        if (rc == FK_EIO) {
            assert_int_equal(pid, -1);
            assert_null(grid);
            eio++;
            continue;
        }
        assert_int_equal(rc, FK_OK);
        assert_int_equal(pid, f->pid[i]);
        assert_string_equal(grid, grids[i % 3]);
    }
    assert_true(eio > 0 && eio < NPERSONS / 2);
    assert_int_equal(fk_roster_verify(r), FK_EIO);
    fk_roster_close(r);
}

/* ---- what output shows ---- */

/* Puts persons whose texts are the edge cases of a record: no name, no phone, both empty, a name
 * of 400 bytes, quotes and a comma in the phone, a long document number. */
static void put_odd_persons(struct fixture *f)
{
    static const char *const odd[][3] = {
        {"", "13900000001"},
        {"无电话", NULL},
        {"", ""},
        {NULL, "139,\"0002\""},
    };
    char name[401], idn[19], longid[64];
    struct fk_person_row p;
    enum fk_put did;
    int64_t id;
    size_t i;

    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    for (i = 0; i < sizeof odd / sizeof *odd; i++) {
        resident_id(NPERSONS + 100 + (int)i, idn);
        memset(&p, 0, sizeof p);
        p.id_number = idn;
        p.name = odd[i][0] ? odd[i][0] : name;
        p.phone = odd[i][1];
        p.grid = grids[i % 3];
        assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    }
    snprintf(longid, sizeof longid, "RESIDENCE-PERMIT-%040d", 7);
    memset(&p, 0, sizeof p);
    p.id_number = longid;
    p.id_type = FK_ID_OTHER;
    p.name = "长证件";
    p.phone = "13900000003";
    p.grid = TEST_H1;
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
}

/* The store ids of f's persons, ascending, into *ids (caller frees); returns how many. */
static size_t person_ids(struct fixture *f, int64_t **ids)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    size_t n = 0, cap = 0;

    *ids = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT id FROM persons ORDER BY id", -1, &q, NULL),
                     SQLITE_OK);
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            *ids = realloc(*ids, cap * sizeof **ids);
            assert_non_null(*ids);
        }
        (*ids)[n++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    return n;
}

/* Runs sql on f's data file through a connection of its own (what the store's API cannot do:
 * choose ids, delete persons), as a batch would, so that f's store sees it on its next read. */
static void exec_sql(struct fixture *f, const char *sql)
{
    sqlite3 *h = NULL;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
    if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(h);
}

/* Store id `id` is shown by r as the store shows it: the same four texts, or FK_ENOENT for an id
 * no person has, with every field NULL. Returns the answer. */
static int expect_shown_id(struct fixture *f, fk_roster *r, int64_t id)
{
    struct fk_roster_who w;
    struct fk_person_row p;
    int want = fk_store_get_person(f->st, id, &p);

    assert_true(want == FK_OK || want == FK_ENOENT);
    assert_int_equal(fk_roster_person(r, id, &w), want);
    if (want == FK_ENOENT) {
        assert_null(w.id_number);
        assert_null(w.name);
        assert_null(w.phone);
        assert_null(w.grid);
        return want;
    }
    assert_string_equal(w.id_number, p.id_number);
    assert_string_equal(w.name, p.name);
    assert_string_equal(w.phone, p.phone);
    assert_string_equal(w.grid, p.grid);
    return want;
}

/* Every person of f, the ids beside each, and those in extra[] are shown by r as the store shows
 * them (expect_shown_id); how many persons there are goes to *shown. */
static void expect_shown(struct fixture *f, fk_roster *r, const int64_t *extra, size_t nextra,
                         size_t *shown)
{
    int64_t *ids;
    size_t n = person_ids(f, &ids), i;

    for (i = 0; i < n; i++) {
        assert_int_equal(expect_shown_id(f, r, ids[i]), FK_OK);
        expect_shown_id(f, r, ids[i] - 1);
        expect_shown_id(f, r, ids[i] + 1);
    }
    for (i = 0; i < nextra; i++)
        expect_shown_id(f, r, extra[i]);
    *shown = n;
    free(ids);
}

/* The roster shows every person by store id as the store does, with empty names and phones, a
 * name of 400 bytes and a long document number among them; ids no person has (0, negative, past
 * the last) are FK_ENOENT. Store ids are dense here: the slots are indexed by id, no list. */
static void test_roster__shows_every_person(void **state)
{
    static const int64_t extra[] = {INT64_MIN, -1, 0, INT64_MAX};
    struct fixture *f = *state;
    uint64_t off, len;
    size_t shown;
    fk_roster *r;

    put_odd_persons(f);
    r = write_and_map(f);
    expect_shown(f, r, extra, sizeof extra / sizeof *extra, &shown);
    assert_int_equal(shown, NPERSONS + NLONG + 5);
    assert_int_equal(fk__roster_section(f->roster, "who_id", &off, &len), FK_OK);
    assert_int_equal(len, 0);
    fk_roster_close(r);
}

/* Store ids need not be dense: with holes (persons deleted, one put at a negative id) the slots
 * stay indexed by id, a hole showing nobody; with ids far apart (one past 2^32) the roster lists
 * the ids and bisects them. Either way it shows exactly what the store does; and with hashes of a
 * few bits and 64-byte blocks, every block it reads is checked on the way. */
static void test_roster__shows_holes_and_far_ids(void **state)
{
    static const int64_t far[] = {INT64_C(5000000000),
                                  INT64_C(4999999999),
                                  INT64_C(5000000001),
                                  INT64_C(1000000),
                                  INT64_C(999999),
                                  INT64_MAX,
                                  -8,
                                  -7,
                                  -6};
    struct fixture *f = *state;
    char sql[512], idn[19];
    uint64_t off, len;
    size_t shown;
    fk_roster *r;

    put_odd_persons(f);
    resident_id(NPERSONS + 200, idn);
    snprintf(sql, sizeof sql,
             "DELETE FROM persons WHERE id BETWEEN 100 AND 199 OR id = 7;"
             "INSERT INTO persons (id, id_number, name, phone, grid) VALUES (-7, '%s', '负号', "
             "'', '%s')",
             idn, TEST_G2);
    exec_sql(f, sql);
    r = write_and_map(f);
    expect_shown(f, r, far, sizeof far / sizeof *far, &shown);
    assert_int_equal(shown, NPERSONS + NLONG + 5 - 101 + 1);
    assert_int_equal(fk__roster_section(f->roster, "who_id", &off, &len), FK_OK);
    assert_int_equal(len, 0); /* still slots by id */
    fk_roster_close(r);

    fk__snap_set_block(64);
    fk__roster_set_hash_bits(3);
    resident_id(NPERSONS + 201, idn);
    snprintf(sql, sizeof sql,
             "INSERT INTO persons (id, id_number, name, phone, grid) VALUES (5000000000, '%s', "
             "'远号', '13900000005', '%s'); INSERT INTO persons (id, id_number, name, grid) "
             "VALUES (1000000, 'E1234567', 'far', '%s')",
             idn, TEST_H1, TEST_G1);
    exec_sql(f, sql);
    r = write_and_map(f);
    fk__roster_set_hash_bits(0);
    assert_int_equal(fk__roster_section(f->roster, "who_id", &off, &len), FK_OK);
    assert_int_equal(len, (NPERSONS + NLONG + 5 - 101 + 1 + 2) * sizeof(int64_t));
    expect_shown(f, r, far, sizeof far / sizeof *far, &shown);
    assert_int_equal(shown, NPERSONS + NLONG + 5 - 101 + 1 + 2);
    fk_roster_close(r);
}

/* Damages the byte `first` bytes into section name of f's roster (written in 64-byte blocks) and
 * every `step` bytes after it, and checks that each person is then shown rightly or answers
 * FK_EIO (every field NULL), never another's texts, that some do each, and that verify says
 * so. */
static void expect_damage_seen(struct fixture *f, const char *name, uint64_t first, uint64_t step,
                               size_t npersons)
{
    uint64_t off, len, at;
    size_t i, eio = 0, ok = 0;
    fk_roster *r;
    char err[512] = "";

    assert_int_equal(fk__roster_section(f->roster, name, &off, &len), FK_OK);
    assert_true(len > 256);
    for (at = off + first; at < off + len; at += step)
        assert_int_equal(flip_byte(f->roster, (unsigned long)at), 0);
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_OK);
    for (i = 0; i < npersons; i++) {
        struct fk_roster_who w;
        struct fk_person_row p;
        int64_t id = i < NPERSONS ? f->pid[i] : f->longpid[i - NPERSONS];
        int rc = fk_roster_person(r, id, &w);

        if (rc == FK_EIO) {
            assert_null(w.id_number);
            assert_null(w.name);
            assert_null(w.phone);
            assert_null(w.grid);
            eio++;
            continue;
        }
        assert_int_equal(rc, FK_OK);
        assert_int_equal(fk_store_get_person(f->st, id, &p), FK_OK);
        assert_string_equal(w.id_number, p.id_number);
        assert_string_equal(w.name, p.name);
        assert_string_equal(w.phone, p.phone);
        assert_string_equal(w.grid, p.grid);
        ok++;
    }
    assert_true(eio > 0);
    assert_true(ok > 0);
    assert_int_equal(fk_roster_verify(r), FK_EIO);
    /* Finding persons by ID number reads neither section: it still answers. */
    {
        const char *grid;
        int64_t pid;

        assert_int_equal(fk_roster_find(r, f->id[5], 18, &pid, &grid), FK_OK);
        assert_int_equal(pid, f->pid[5]);
    }
    fk_roster_close(r);
}

/* In 64-byte blocks, a damaged block of the slots, of the records or of the id list makes the
 * look-ups that read it answer FK_EIO (the caller asks the store), never a wrong person. */
static void test_roster__damaged_shows_nobody(void **state)
{
    struct fixture *f = *state;
    char sql[256], idn[19];
    fk_roster *r;

    fk__snap_set_block(64);
    r = write_and_map(f);
    fk_roster_close(r);
    expect_damage_seen(f, "who_off", 64, 4 * 64, NPERSONS + NLONG);
    r = write_and_map(f);
    fk_roster_close(r);
    expect_damage_seen(f, "who_text", 64, 4 * 64, NPERSONS + NLONG);
    /* Ids far apart: the list of ids. */
    resident_id(NPERSONS + 201, idn);
    snprintf(sql, sizeof sql,
             "INSERT INTO persons (id, id_number, name, grid) VALUES (5000000000, '%s', 'far', "
             "'%s')",
             idn, TEST_G1);
    exec_sql(f, sql);
    r = write_and_map(f);
    fk_roster_close(r);
    /* Its last block: a bisection for the smaller ids never reads it. */
    {
        uint64_t off, len;

        assert_int_equal(fk__roster_section(f->roster, "who_id", &off, &len), FK_OK);
        expect_damage_seen(f, "who_id", len - 1, len, NPERSONS + NLONG);
    }
}

/* A roster of version 1 (ID numbers and grids only) is refused as of another version, by map and
 * by open: the caller reads the store, and the next import that looks persons up writes it anew
 * (lib/action/snapshots.c). */
static void test_roster__version_1_is_refused(void **state)
{
    struct fixture *f = *state;
    char err[512] = "";
    fk_roster *r = write_and_map(f);
    uint32_t v = 1;
    FILE *fp;

    fk_roster_close(r);
    assert_int_equal(open_roster(f, err, sizeof err), FK_OK);
    /* The version follows the 8 bytes of the magic. */
    fp = fopen(f->roster, "r+b");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 8, SEEK_SET), 0);
    assert_int_equal(fwrite(&v, sizeof v, 1, fp), 1);
    assert_int_equal(fclose(fp), 0);
    r = NULL;
    assert_int_equal(fk_roster_map(f->roster, &r, NULL, err, sizeof err), FK_ENOENT);
    assert_null(r);
    assert_non_null(strstr(err, "not a snapshot of this version"));
    assert_int_equal(open_roster(f, err, sizeof err), FK_ENOENT);
    assert_non_null(strstr(err, "not a snapshot of this version"));
}

/* ---- through the ingest ---- */

/* The roster hook of an import, counting what it answered (from two threads when read ahead). */
struct hook {
    fk_roster *r;
    _Atomic int calls, damaged;
};

static int hook_find(void *ud, const char *id, size_t n, int64_t *person, const char **grid)
{
    struct hook *h = ud;
    int rc = fk_roster_find(h->r, id, n, person, grid);

    h->calls++;
    h->damaged += rc == FK_EIO;
    return rc;
}

/* How a run finds its persons: AHEAD_ modes find them in the roster from a second thread that
 * reads the file ahead of the import (ahead.h), the import waiting for each answer. */
enum mode {
    BY_ROSTER,
    ONE_BY_ONE,
    WHOLE_REGISTRY,
    DAMAGED_ROSTER,
    AHEAD_ROSTER,
    AHEAD_DAMAGED,
    NMODES
};

/* What a run left: the summary, the rejects file and the stored rows of the three types, and
 * what the read-ahead answered. */
struct outcome {
    struct fk_import_summary sum;
    char *rejects, *rows;
    size_t nrejects;
    struct hook hook;
    uint64_t taken, asked;
};

static int dump_sample(void *ud, const struct fk_sample_row *r)
{
    fk_buf_printf(ud, "%s,%lld,%lld,%s,%lld\n", r->tube, (long long)r->person, (long long)r->time,
                  r->site ? r->site : "", (long long)r->shipped);
    return 0;
}

/* Appends the CSV export of type t in st to b (samples, which have no export: their rows). */
static void dump(fk_store *st, enum fk_import_type t, fk_buf *b)
{
    fk_table *tab = NULL;
    char err[256] = "";

    if (t == FK_IMPORT_SAMPLES) {
        assert_int_equal(fk_store_each_sample(st, dump_sample, b), FK_OK);
        return;
    }
    if (fk_export_table(st, t, NULL, &tab, err, sizeof err) != FK_OK)
        fail_msg("export %s: %s", fk_import_type_name(t), err);
    assert_int_equal(fk_table_render(tab, FK_FORMAT_CSV, 0, fk_table_nrows(tab), b), FK_OK);
    fk_table_free(tab);
}

/* Damages every block of the entries of the roster at path (written in 64-byte blocks) but the
 * first, which the fences, checked at open, may share: the first look-up reads a damaged one. */
static void damage_entries(const char *path)
{
    uint64_t off, len, at;

    assert_int_equal(fk__roster_section(path, "entry", &off, &len), FK_OK);
    assert_true(len > 128);
    for (at = off + 64; at < off + len; at += 64)
        assert_int_equal(flip_byte(path, (unsigned long)at), 0);
}

/* Imports text as type t into a copy of base (a closed data file with its roster beside it) as
 * actor (NULL: the local administrator), finding persons as mode says, into *out. */
static void run(struct fixture *f, const char *base, enum fk_import_type t, const char *text,
                const struct fk_actor *actor, enum mode mode, struct outcome *out)
{
    static int runs;
    char db[400], roster[420], csv[420], rej[420], err[512] = "";
    struct fk_import_opts o;
    fk_store *st = NULL;
    fk_buf b;
    FILE *fp;

    /* A data file of its own (the samples' segment files are named after it). */
    memset(out, 0, sizeof *out);
    runs++;
    snprintf(db, sizeof db, "%s/run%d.db", f->dir, runs);
    snprintf(roster, sizeof roster, "%s.roster", db);
    snprintf(csv, sizeof csv, "%s/run%d.csv", f->dir, runs);
    snprintf(rej, sizeof rej, "%s/run%d.rejects.csv", f->dir, runs);
    assert_int_equal(copy_file(base, db), 0);
    assert_int_equal(fk_store_open(db, &st, err, sizeof err), FK_OK);
    fp = fopen(csv, "wb");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    memset(&o, 0, sizeof o);
    o.actor = actor;
    o.rejects_path = rej;
    if (mode == BY_ROSTER || mode == DAMAGED_ROSTER || mode == AHEAD_ROSTER ||
        mode == AHEAD_DAMAGED) {
        char from[420];

        snprintf(from, sizeof from, "%s.roster", base);
        assert_int_equal(copy_file(from, roster), 0);
        if (mode == DAMAGED_ROSTER || mode == AHEAD_DAMAGED)
            damage_entries(roster);
        if (fk_roster_open(st, roster, &out->hook.r, err, sizeof err) != FK_OK)
            fail_msg("roster: %s", err);
        o.find_person = hook_find;
        o.find_person_ud = &out->hook;
    }
    fk__ingest_set_lazy_persons(mode == WHOLE_REGISTRY ? 0 : 65536);
    /* The small files here are read ahead only when asked; never otherwise. */
    fk__ingest_set_ahead_min(mode == AHEAD_ROSTER || mode == AHEAD_DAMAGED ? 0 : UINT64_MAX);
    fk__ahead_set_wait(1);
    assert_int_equal(fk_import_file(st, &f->prof, t, csv, &o, &out->sum, err, sizeof err), FK_OK);
    fk__ahead_set_wait(0);
    fk__ahead_last_counts(&out->taken, &out->asked);
    fk__ingest_set_ahead_min(1u << 20);
    fk__ingest_set_lazy_persons(65536);
    fk_roster_close(out->hook.r);
    out->hook.r = NULL;
    out->rejects = read_file(rej, &out->nrejects);
    fk_buf_init(&b, 0);
    dump(st, FK_IMPORT_PERSONS, &b);
    dump(st, FK_IMPORT_ARRIVALS, &b);
    dump(st, FK_IMPORT_SAMPLES, &b);
    out->rows = strdup(b.data);
    fk_buf_fini(&b);
    fk_store_close(st);
}

/* Imports text as type t in every mode from base: each stores the same rows and rejects the same
 * rows with the same reasons as the whole registry read at once; the roster was asked, and the
 * damaged one once (then dropped). The read-ahead answered every look-up but `nlong`, of ID
 * numbers longer than it keeps. */
static void expect_same(struct fixture *f, const char *base, enum fk_import_type t,
                        const char *text, const struct fk_actor *actor, uint64_t nlong)
{
    struct outcome o[NMODES], *want = &o[WHOLE_REGISTRY];
    int m;

    for (m = 0; m < NMODES; m++)
        run(f, base, t, text, actor, (enum mode)m, &o[m]);
    assert_true(want->sum.accepted > 0);
    assert_true(want->sum.rejected > 0);
    for (m = 0; m < NMODES; m++) {
        assert_int_equal(o[m].sum.read, want->sum.read);
        assert_int_equal(o[m].sum.accepted, want->sum.accepted);
        assert_int_equal(o[m].sum.updated, want->sum.updated);
        assert_int_equal(o[m].sum.duplicate, want->sum.duplicate);
        assert_int_equal(o[m].sum.rejected, want->sum.rejected);
        assert_string_equal(o[m].rows, want->rows);
        assert_non_null(o[m].rejects);
        assert_int_equal(o[m].nrejects, want->nrejects);
        assert_memory_equal(o[m].rejects, want->rejects, want->nrejects);
    }
    assert_true(o[BY_ROSTER].hook.calls > 0);
    assert_int_equal(o[BY_ROSTER].hook.damaged, 0);
    assert_int_equal(o[DAMAGED_ROSTER].hook.damaged, 1);
    assert_int_equal(o[DAMAGED_ROSTER].hook.calls, 1);
    /* Read ahead: every look-up the import made was answered ahead (a row that asks twice, as
     * arrivals do, takes the same answer), from the roster, but those of long ID numbers. */
    assert_true(o[AHEAD_ROSTER].asked > 0);
    assert_int_equal(o[AHEAD_ROSTER].taken + nlong, o[AHEAD_ROSTER].asked);
    assert_int_equal(o[AHEAD_ROSTER].hook.damaged, 0);
    assert_true(o[AHEAD_ROSTER].hook.calls > 0);
    /* Damaged: the first answer said so, and the import went on without the roster. */
    assert_int_equal(o[AHEAD_DAMAGED].asked, 1);
    assert_int_equal(o[AHEAD_DAMAGED].taken, 1);
    for (m = 0; m < NMODES; m++) {
        free(o[m].rejects);
        free(o[m].rows);
    }
}

/* Appends the samples rows of the comparison to b: residents 0 .. 59 in tubes of ten, one again
 * (a duplicate), one whose check character is X written as x, a long document, one nobody has,
 * one with a wrong check character, an empty one and a passport number nobody has. */
static void samples_csv(struct fixture *f, fk_buf *b)
{
    char bad[19], stranger[19];
    int i;

    fk_buf_puts(b, "tube,id_number,time,site\n");
    for (i = 0; i < 60; i++)
        fk_buf_printf(b, "T%d,%s,2022-08-28T08:%02d:00+08:00,S1\n", i / 10, f->id[i], i);
    fk_buf_printf(b, "T0,%s,2022-08-28T08:00:00+08:00,S1\n", f->id[0]);
    for (i = 60; i < NPERSONS && f->id[i][17] != 'X'; i++)
        ;
    assert_true(i < NPERSONS);
    fk_buf_printf(b, "T9,%.17sx,2022-08-28T09:00:00+08:00,S1\n", f->id[i]);
    fk_buf_printf(b, "T9,%s,2022-08-28T09:00:00+08:00,S1\n", f->longid[3]);
    resident_id(NPERSONS + 1, stranger);
    snprintf(bad, sizeof bad, "%s", f->id[61]);
    bad[17] = bad[17] == '0' ? '1' : '0';
    fk_buf_printf(b,
                  "T9,%s,2022-08-28T09:00:00+08:00,S1\nT9,%s,2022-08-28T09:00:00+08:00,S1\n"
                  "T9,,2022-08-28T09:00:00+08:00,S1\nT9,E1234567,2022-08-28T09:00:00+08:00,S1\n",
                  stranger, bad);
}

/* Arrivals: residents 0 .. 5 (3 and so on live in the other county), a stranger registered with
 * name and grid and met again, one without a name, a wrong ID. */
static void arrivals_csv(struct fixture *f, fk_buf *b)
{
    char stranger[19], other[19];
    int i;

    resident_id(NPERSONS + 2, stranger);
    resident_id(NPERSONS + 3, other);
    fk_buf_puts(b, "id_number,arrived,origin,grid,name\n");
    for (i = 0; i < 6; i++)
        fk_buf_printf(b, "%s,2022-08-27T08:00:00+08:00,上海,%s,%s\n", f->id[i],
                      i == 2 ? TEST_G1 : "", i == 2 ? "某人" : "");
    fk_buf_printf(b,
                  "%s,2022-08-27T09:00:00+08:00,上海," TEST_G1 ",新来\n"
                  "%s,2022-08-27T10:00:00+08:00,北京,,\n"
                  "%s,2022-08-27T09:00:00+08:00,上海,,\n"
                  "1407021990010100X9,2022-08-27T09:00:00+08:00,上海,,\n",
                  stranger, stranger, other);
}

/* Persons as a county clerk: one moves inside the county, one of the other county is renamed
 * into it, one of the other county stays there, one is new. */
static void persons_csv(struct fixture *f, fk_buf *b)
{
    char newcomer[19];

    resident_id(NPERSONS + 4, newcomer);
    fk_buf_printf(b,
                  "id_number,name,grid\n%s,居民," TEST_G2 "\n%s,改名," TEST_G1 "\n%s,居民," TEST_H1
                  "\n%s,新人," TEST_G1 "\n",
                  f->id[0], f->id[2], f->id[5], newcomer);
}

/* Imports that find their persons in a current roster (issue 19) store and reject exactly what
 * those that read the store do: samples as the local administrator and as a county clerk (the
 * residents of the other county are unknown to it), arrivals likewise, persons as the clerk. */
static void test_roster__import_is_the_same(void **state)
{
    static const struct fk_actor county = {"clerk", FK_ROLE_COUNTY, "140702"};
    struct fixture *f = *state;
    char base[320];
    fk_roster *r;
    fk_buf b;

    fk__snap_set_block(64); /* so a damaged block is not the whole file (damage_entries) */
    r = write_and_map(f);
    fk_roster_close(r);
    fk_store_close(f->st); /* the base is copied whole */
    f->st = NULL;
    snprintf(base, sizeof base, "%s", f->db);
    fk_buf_init(&b, 0);
    samples_csv(f, &b);
    expect_same(f, base, FK_IMPORT_SAMPLES, b.data, NULL, 1);
    expect_same(f, base, FK_IMPORT_SAMPLES, b.data, &county, 1);
    fk_buf_reset(&b);
    arrivals_csv(f, &b);
    expect_same(f, base, FK_IMPORT_ARRIVALS, b.data, NULL, 0);
    expect_same(f, base, FK_IMPORT_ARRIVALS, b.data, &county, 0);
    fk_buf_reset(&b);
    persons_csv(f, &b);
    expect_same(f, base, FK_IMPORT_PERSONS, b.data, &county, 0);
    fk_buf_fini(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_roster__finds_every_person),   T(test_roster__shared_hashes_are_told_apart),
        T(test_roster__empty_store),          T(test_roster__stale_is_refused),
        T(test_roster__damaged_is_refused),   T(test_roster__import_is_the_same),
        T(test_roster__shows_every_person),   T(test_roster__shows_holes_and_far_ids),
        T(test_roster__damaged_shows_nobody), T(test_roster__version_1_is_refused),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
