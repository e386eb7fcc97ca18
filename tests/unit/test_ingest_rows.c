/* SPDX-License-Identifier: MIT */
/* Unit tests of ingest's row interface (fk_import_begin/_row/_end, lib/ingest/ingest.c) and its
 * JSON driver (fk_import_json, lib/ingest/json.c): header matching at begin, rejects through the
 * callback with the caller's line numbers, batches and the first-batch hook, rows a reader could
 * not read, text that is not UTF-8; JSON rows with numbers, nulls and values of other kinds, one
 * object or an array, the header made of every key, and the caller's scope. Resident IDs get
 * their GB 11643 check character computed here, independently of lib/domain/idcard.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/access.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/store.h"

#include "testutil.h"

#define G1 "140702001001001"
#define TG "140703001001001"

static const char regions_json[] =
    "[{\"code\":\"14\",\"name\":\"山西省\",\"level\":\"province\",\"parent\":\"\"},"
    "{\"code\":\"1407\",\"name\":\"晋中市\",\"level\":\"city\",\"parent\":\"14\"},"
    "{\"code\":\"140702\",\"name\":\"榆次区\",\"level\":\"county\",\"parent\":\"1407\"},"
    "{\"code\":\"140702001\",\"name\":\"锦纶街道\",\"level\":\"township\",\"parent\":\"140702\"},"
    "{\"code\":\"140702001001\",\"name\":\"锦纶社区\",\"level\":\"community\","
    "\"parent\":\"140702001\"},"
    "{\"code\":\"" G1 "\",\"name\":\"一网格\",\"level\":\"grid\",\"parent\":\"140702001001\"},"
    /* a child before its parent: waits for it */
    "{\"code\":\"" TG "\",\"name\":\"太谷网格\",\"level\":\"grid\",\"parent\":\"140703001001\"},"
    "{\"code\":\"140703001001\",\"name\":\"太谷社区\",\"level\":\"community\","
    "\"parent\":\"140703001\"},"
    "{\"code\":\"140703001\",\"name\":\"太谷街道\",\"level\":\"township\",\"parent\":\"140703\"},"
    "{\"code\":\"140703\",\"name\":\"太谷区\",\"level\":\"county\",\"parent\":\"1407\"}]";

struct fixture {
    char dir[256];
    fk_store *st;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char ids[4][19];
    /* what the reject callback saw */
    uint64_t lines[16];
    char reasons[16][512];
    size_t nrej;
    int first_batches;
};

static void on_reject(void *ud, uint64_t line, const char *reason, fk_slice raw)
{
    struct fixture *f = ud;

    (void)raw;
    if (f->nrej < 16) {
        f->lines[f->nrej] = line;
        snprintf(f->reasons[f->nrej], sizeof f->reasons[0], "%s", reason);
    }
    f->nrej++;
}

static int on_first_batch(void *ud)
{
    struct fixture *f = ud;

    f->first_batches++;
    return FK_OK;
}

static int setup(void **state)
{
    static const char *bodies[4] = {"14070219900101123", "14070219850708007", "14070319560418660",
                                    "14070219700101001"};
    struct fixture *f = calloc(1, sizeof *f);
    struct fk_import_problem *probs = NULL;
    size_t nprobs = 0;
    char path[400];
    int i, rc;

    if (!f)
        return -1;
    *state = f;
    fk_profile_defaults(&f->prof);
    for (i = 0; i < 4; i++)
        make_id(bodies[i], f->ids[i]);
    if (open_test_store(f->dir, sizeof f->dir, "rows", path, sizeof path, &f->st) != 0)
        return -1;
    rc = fk_import_json(f->st, &f->prof, FK_IMPORT_REGIONS, regions_json, strlen(regions_json),
                        NULL, 0, NULL, &f->sum, &probs, &nprobs, f->err, sizeof f->err);
    fk_import_problems_free(probs, nprobs);
    if (rc != FK_OK || f->sum.accepted != 10 || nprobs) {
        fprintf(stderr, "setup: %d %s (%llu accepted)\n", rc, f->err,
                (unsigned long long)f->sum.accepted);
        return -1;
    }
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

/* The registry's row of the person with ID number idn (borrowed until the next store call). */
static void get_person(struct fixture *f, const char *idn, struct fk_person_row *p)
{
    int64_t id = -1;

    assert_int_equal(fk_store_find_person(f->st, idn, &id), FK_OK);
    assert_int_equal(fk_store_get_person(f->st, id, p), FK_OK);
}

static fk_slice S(const char *s)
{
    return (fk_slice){s, strlen(s)};
}

static void test_rows__header_checked_at_begin(void **state)
{
    static const char *const missing[] = {"id_number", "name"};
    static const char *const twice[] = {"id_number", "name", "grid", " NAME "};
    static const char *const ok[] = {" Grid", "extra", "NAME", "id_number"};
    struct fixture *f = *state;
    fk_import *imp = (fk_import *)1;

    assert_int_equal(fk_import_begin(f->st, &f->prof, FK_IMPORT_PERSONS, NULL, missing, 2, &imp,
                                     f->err, sizeof f->err),
                     FK_EINVAL);
    assert_null(imp);
    assert_non_null(strstr(f->err, "missing required column 'grid'"));
    assert_non_null(strstr(f->err, "this header has: id_number,name"));
    assert_int_equal(fk_import_begin(f->st, &f->prof, FK_IMPORT_PERSONS, NULL, twice, 4, &imp,
                                     f->err, sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "the header names column 'name' twice (columns 2 and 4)"));
    /* Any order, any case, spaces around, unknown columns ignored. */
    assert_int_equal(fk_import_begin(f->st, &f->prof, FK_IMPORT_PERSONS, NULL, ok, 4, &imp, f->err,
                                     sizeof f->err),
                     FK_OK);
    assert_string_equal(fk_import_field_name(imp, 0), "grid");
    assert_null(fk_import_field_name(imp, 1));
    assert_string_equal(fk_import_field_name(imp, 3), "id_number");
    fk_import_abort(imp);
}

/* Begins an import of persons in the columns id_number, name, grid with the options o. */
static fk_import *begin_persons(struct fixture *f, const struct fk_import_opts *o)
{
    static const char *const header[] = {"id_number", "name", "grid"};
    fk_import *imp = NULL;

    assert_int_equal(fk_import_begin(f->st, &f->prof, FK_IMPORT_PERSONS, o, header, 3, &imp, f->err,
                                     sizeof f->err),
                     FK_OK);
    return imp;
}

static void test_rows__rows_rejects_batches(void **state)
{
    struct fixture *f = *state;
    struct fk_import_opts o;
    struct fk_person_row p;
    fk_import *imp;
    fk_slice row[3];
    int64_t n = -1;

    memset(&o, 0, sizeof o);
    o.batch_rows = 2;
    o.reject = on_reject;
    o.reject_ud = f;
    o.first_batch = on_first_batch;
    o.first_batch_ud = f;
    imp = begin_persons(f, &o);
    row[0] = S(f->ids[0]), row[1] = S("张三"), row[2] = S(G1);
    assert_int_equal(fk_import_row(imp, 7, row, 3, S("raw 7")), FK_OK);
    /* Line numbers are the caller's; a short row has its missing values empty. */
    assert_int_equal(fk_import_row(imp, 9, row, 2, S("raw 9")), FK_OK);
    assert_int_equal(fk_import_bad_row(imp, 11, "a quoted field never closes", S("raw 11")), FK_OK);
    row[0] = S(f->ids[1]), row[1] = S("\xE6\x9D"), row[2] = S(G1); /* cut UTF-8 */
    assert_int_equal(fk_import_row(imp, 12, row, 3, S("raw 12")), FK_OK);
    row[1] = S("李四");
    assert_int_equal(fk_import_row(imp, 13, row, 3, S("raw 13")), FK_OK);
    assert_int_equal(fk_import_counts(imp)->read, 5);
    assert_int_equal(fk_import_counts(imp)->batches, 2);
    assert_int_equal(fk_import_end(imp, &f->sum, f->err, sizeof f->err), FK_OK);
    assert_int_equal(f->sum.read, 5);
    assert_int_equal(f->sum.accepted, 2);
    assert_int_equal(f->sum.rejected, 3);
    assert_int_equal(f->sum.batches, 3);
    assert_int_equal(f->first_batches, 1);
    assert_int_equal(f->nrej, 3);
    assert_int_equal(f->lines[0], 9);
    assert_non_null(strstr(f->reasons[0], "grid is empty"));
    assert_int_equal(f->lines[1], 11);
    assert_string_equal(f->reasons[1], "a quoted field never closes");
    assert_int_equal(f->lines[2], 12);
    assert_string_equal(f->reasons[2], "name is not valid UTF-8 text");
    get_person(f, f->ids[1], &p);
    assert_string_equal(p.name, "李四");
    assert_int_equal(fk_store_count(f->st, "persons", &n), FK_OK);
    assert_int_equal(n, 2);
}

static void test_rows__abort_keeps_no_half_batch(void **state)
{
    struct fixture *f = *state;
    struct fk_import_opts o;
    fk_import *imp;
    fk_slice row[3];
    int64_t n = -1;

    memset(&o, 0, sizeof o);
    o.batch_rows = 2;
    imp = begin_persons(f, &o);
    row[0] = S(f->ids[0]), row[1] = S("张三"), row[2] = S(G1);
    assert_int_equal(fk_import_row(imp, 2, row, 3, S("")), FK_OK);
    row[0] = S(f->ids[1]);
    assert_int_equal(fk_import_row(imp, 3, row, 3, S("")), FK_OK); /* batch 1 committed */
    row[0] = S(f->ids[3]);
    assert_int_equal(fk_import_row(imp, 4, row, 3, S("")), FK_OK);
    fk_import_abort(imp); /* the reader failed: row 4 is not kept */
    assert_int_equal(fk_store_count(f->st, "persons", &n), FK_OK);
    assert_int_equal(n, 2);
    fk_import_abort(NULL);
}

static void test_rows__permission_at_begin(void **state)
{
    struct fixture *f = *state;
    struct fk_actor viewer = {"v", FK_ROLE_VIEWER, "140702"};
    struct fk_import_opts o;
    fk_import *imp = (fk_import *)1;

    memset(&o, 0, sizeof o);
    o.actor = &viewer;
    /* No header (no rows at all): the permission is still checked. */
    assert_int_equal(fk_import_begin(f->st, &f->prof, FK_IMPORT_PERSONS, &o, NULL, 0, &imp, f->err,
                                     sizeof f->err),
                     FK_EPERM);
    assert_null(imp);
    assert_non_null(strstr(f->err, "may not import persons"));
}

static void test_rows__json_values(void **state)
{
    struct fixture *f = *state;
    struct fk_import_problem *probs = NULL;
    struct fk_person_row p;
    size_t nprobs = 0;
    char json[1200];

    snprintf(json, sizeof json,
             "[{\"id_number\":\"%s\",\"name\":\"张三\",\"grid\":\"%s\",\"phone\":13800138000},"
             " 5,"
             " {\"id_number\":\"%s\",\"name\":true,\"grid\":\"%s\",\"tags\":[1]},"
             " {\"id_number\":\"%s\",\"name\":\"王五\",\"grid\":\"%s\",\"phone\":null},"
             " {\"id_number\":\"%s\",\"name\":\"赵六\",\"grid\":\"nowhere\"}]",
             f->ids[0], G1, f->ids[1], G1, f->ids[3], G1, f->ids[2]);
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, json, strlen(json), NULL, 0,
                                    NULL, &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.read, 5);
    assert_int_equal(f->sum.accepted, 2);
    assert_int_equal(f->sum.rejected, 3);
    assert_int_equal(nprobs, 3);
    assert_int_equal(probs[0].row, 1);
    assert_non_null(strstr(probs[0].reason, "not a JSON object"));
    assert_int_equal(probs[1].row, 2);
    assert_string_equal(probs[1].reason, "name is true or false: give text or a number; tags is "
                                         "an array: give text or a number");
    assert_int_equal(probs[2].row, 4);
    assert_non_null(strstr(probs[2].reason, "unknown grid nowhere"));
    fk_import_problems_free(probs, nprobs);
    /* A number is its text; null is empty. */
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.phone, "13800138000");
    get_person(f, f->ids[3], &p);
    assert_string_equal(p.name, "王五");
    /* One object, a real number, keys in another case. */
    snprintf(json, sizeof json,
             "{\"ID_NUMBER\":\"%s\",\"Name\":\"张三\",\"grid\":\"%s\","
             "\"phone\":12.5}",
             f->ids[0], G1);
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, json, strlen(json), NULL, 0,
                                    NULL, &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.read, 1);
    assert_int_equal(f->sum.rejected, 1);
    assert_int_equal(probs[0].row, 0);
    assert_non_null(strstr(probs[0].reason, "phone '12.5' may hold only digits"));
    fk_import_problems_free(probs, nprobs);
}

static void test_rows__json_shapes(void **state)
{
    static const char *const door[] = {"device", "id_number", "time", "event"};
    struct fixture *f = *state;
    struct fk_import_problem *probs = (struct fk_import_problem *)1;
    size_t nprobs = 9;

    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, "[1,", 3, NULL, 0, NULL,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_null(probs);
    assert_int_equal(nprobs, 0);
    assert_non_null(strstr(f->err, "the body is not JSON: "));
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, "\"x\"", 3, NULL, 0, NULL,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_EINVAL);
    /* No rows: nothing to do. Rows without the required keys: the header lacks them. */
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, "[]", 2, NULL, 0, NULL,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.read, 0);
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, "[{}]", 4, NULL, 0, NULL,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "missing required column 'id_number'"));
    /* A fixed header: an object without the keys is a row of empty values. */
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_DOOR_EVENTS, "{}", 2, door, 4, NULL,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(nprobs, 1);
    assert_non_null(strstr(probs[0].reason, "device is empty"));
    fk_import_problems_free(probs, nprobs);
}

static void test_rows__json_scope(void **state)
{
    struct fixture *f = *state;
    struct fk_actor county = {"yuci", FK_ROLE_COUNTY, "140702"};
    struct fk_import_opts o;
    struct fk_import_problem *probs = NULL;
    size_t nprobs = 0;
    char json[600];

    memset(&o, 0, sizeof o);
    o.actor = &county;
    snprintf(json, sizeof json,
             "[{\"id_number\":\"%s\",\"name\":\"张三\",\"grid\":\"%s\"},"
             "{\"id_number\":\"%s\",\"name\":\"赵六\",\"grid\":\"%s\"}]",
             f->ids[0], G1, f->ids[2], TG);
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_PERSONS, json, strlen(json), NULL, 0,
                                    &o, &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(nprobs, 1);
    assert_int_equal(probs[0].row, 1);
    assert_non_null(strstr(probs[0].reason, "lives in 太谷区 (140703), outside your scope 榆次区 "
                                            "(140702)"));
    fk_import_problems_free(probs, nprobs);
    /* Regions: only the city's headquarters. */
    assert_int_equal(fk_import_json(f->st, &f->prof, FK_IMPORT_REGIONS, "[]", 2, NULL, 0, &o,
                                    &f->sum, &probs, &nprobs, f->err, sizeof f->err),
                     FK_EPERM);
}

/* The committing hook that ends every session on the database (as a server restart or a failover
 * would) before the third commit, once. */
struct cut {
    int commits, done;
};

static int cut_third(void *ud)
{
    struct cut *c = ud;
    char err[256];

    if (++c->commits == 3 && !c->done) {
        c->done = 1;
        assert_int_equal(fk__store_pg_cut(test_pg(), err, sizeof err), FK_OK);
    }
    return FK_OK;
}

/* A file import whose store loses its server at its third commit (PostgreSQL only: SQLite never
 * loses its file) goes on from the two batches stored, on a new connection: it counts every row
 * of the file once, writes each broken row to the rejects file once (the lost batch has one, read
 * again), runs its first-batch hook once, says it went on, and the registry holds every valid
 * person of the file. */
static void test_rows__file_import_goes_on_after_a_lost_server(void **state)
{
    struct fixture *f = *state;
    struct fk_import_opts o;
    struct cut c = {0, 0};
    char path[400], rejects[450], body[18], id[19], *text, *grown;
    int64_t n = -1;
    size_t len = 0, k;
    FILE *fp;
    int i, broken = 0;

    if (!test_pg())
        return;
    snprintf(path, sizeof path, "%s/persons.csv", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("id_number,name,grid\n", fp);
    for (i = 0; i < 50; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", 100 + i);
        make_id(body, id);
        /* every 7th row's ID number broken: lines 9, 16, 23, ... */
        fprintf(fp, "%s%s,居民%d," G1 "\n", i % 7 == 6 ? "X" : "", id, i);
        broken += i % 7 == 6;
    }
    assert_int_equal(fclose(fp), 0);
    memset(&o, 0, sizeof o);
    o.batch_rows = 10;
    o.committing = cut_third;
    o.committing_ud = &c;
    o.first_batch = on_first_batch;
    o.first_batch_ud = f;
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_PERSONS, path, &o, &f->sum, f->err,
                                    sizeof f->err),
                     FK_OK);
    assert_true(c.done);
    assert_int_equal(f->sum.resumed, 1);
    assert_non_null(strstr(f->sum.resumed_why, "2 earlier batches"));
    assert_int_equal(f->sum.read, 50);
    assert_int_equal(f->sum.rejected, (uint64_t)broken);
    assert_int_equal(f->sum.accepted, (uint64_t)(50 - broken));
    assert_int_equal(f->sum.duplicate, 0);
    assert_int_equal(f->sum.kept_line, 51);
    assert_int_equal(f->first_batches, 1);
    assert_int_equal(fk_store_count(f->st, "persons", &n), FK_OK);
    assert_int_equal(n, 50 - broken);
    /* the rejects file: its header, then each broken line once, in order */
    snprintf(rejects, sizeof rejects, "%s.rejects.csv", path);
    assert_string_equal(f->sum.rejects_path, rejects);
    text = read_file(rejects, &len); /* not NUL-terminated: one added for strstr */
    assert_non_null(text);
    grown = realloc(text, len + 1);
    assert_non_null(grown);
    text = grown;
    text[len] = '\0';
    for (i = 6, k = 0; i < 50; i += 7) {
        char want[16];
        char *at;

        snprintf(want, sizeof want, "\n%d,", i + 2);
        at = strstr(text, want);
        assert_non_null(at);
        assert_null(strstr(at + 1, want));
        k++;
    }
    assert_int_equal(k, (size_t)broken);
    for (i = 0, k = 0; (size_t)i < len; i++)
        k += text[i] == '\n';
    assert_int_equal(k, (size_t)broken + 1); /* and nothing else but the header */
    free(text);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rows__header_checked_at_begin),
        T(test_rows__rows_rejects_batches),
        T(test_rows__abort_keeps_no_half_batch),
        T(test_rows__permission_at_begin),
        T(test_rows__json_values),
        T(test_rows__json_shapes),
        T(test_rows__json_scope),
        T(test_rows__file_import_goes_on_after_a_lost_server),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
