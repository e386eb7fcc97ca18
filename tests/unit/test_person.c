/* SPDX-License-Identifier: MIT */
/* Unit tests of finding a person and the person page (lib/engine/person.c, with the store's
 * search_persons and get_case and the engine's each_person_tube): the query's keys and its
 * rejected forms, a search by each key, scope (a person outside it is never found, in a small
 * scope walked grid by grid as in a large one; many grids merged in name order, checked against
 * plain SQL at the limit boundaries), the cap and its "more" flag, and the page's
 * blocks (household, samples with their pools, members outside the scope counted, not named; a
 * person outside the scope is unknown). A small city of two counties built from CSV text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fk/control.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/person.h"
#include "fk/regime.h"

#include "testutil.h"

#define G1 TEST_G1
#define G2 TEST_G2
#define H1 TEST_H1

static const char regions_csv[] = TWO_COUNTIES_CSV;

#define NP 6
/* Names, phones, grids and households of the persons P0 .. P5. */
static const char *const NAMES[NP] = {"张三", "张三丰", "李四", "张伟", "王五", "张三"};
static const char *const PHONES[NP] = {"13900001234", "13900005678", "13811111234",
                                       "13922223333", "", "13700001234"};
static const char *const GRIDS[NP] = {G1, G1, G2, G2, G1, H1};
static const char *const HOUSES[NP] = {"H1", "H1", "H2", "", "H1", "H9"};

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    fk_ctl *ctl;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NP][19];
    int64_t pid[NP];
    fk_table *t;
};

static int import(struct fixture *f, enum fk_import_type t, const char *text)
{
    return import_text(f->st, &f->prof, f->dir, t, text, &f->sum, f->err, sizeof f->err);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char buf[4096], body[18];
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "person", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import(f, FK_IMPORT_REGIONS, regions_csv) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,phone,grid,household\n");
    for (i = 0; i < NP; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,%s,%s,%s,%s\n", f->id[i], NAMES[i],
                              PHONES[i], GRIDS[i], HOUSES[i]);
    }
    if (import(f, FK_IMPORT_PERSONS, buf) != FK_OK || f->sum.accepted != NP ||
        find_persons(f->st, f->id, f->pid, NP) != 0)
        return -1;
    /* Tube T1 pools P0, P2 and P5 (P5 in the other county); T2 is P0's single tube. */
    snprintf(buf, sizeof buf,
             "tube,id_number,time,site\n"
             "T1,%s,2022-09-01T08:00:00+08:00,S1\n"
             "T1,%s,2022-09-01T08:00:00+08:00,S1\n"
             "T1,%s,2022-09-01T08:00:00+08:00,S1\n"
             "T2,%s,2022-09-02T09:00:00+08:00,S2\n",
             f->id[0], f->id[2], f->id[5], f->id[0]);
    if (import(f, FK_IMPORT_SAMPLES, buf) != FK_OK ||
        import(f, FK_IMPORT_RESULTS, "tube,result,time,lab\n"
                                     "T1,positive,2022-09-01T20:00:00+08:00,L1\n") != FK_OK)
        return -1;
    snprintf(buf, sizeof buf, "id_number,confirmed,kind\n%s,2022-09-02T12:00:00+08:00,confirmed\n",
             f->id[1]);
    if (import(f, FK_IMPORT_CASES, buf) != FK_OK)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK ||
        fk_ctl_build(f->st, f->eng, &f->prof, &f->ctl, f->err, sizeof f->err) != FK_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_table_free(f->t);
    fk_ctl_free(f->ctl);
    fk_engine_free(f->eng);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* Searches q in scope (NULL: all) with limit; the table in f->t, *more set. Returns the code. */
static int find(struct fixture *f, const char *q, const char *scope, size_t limit, int *more)
{
    struct fk_person_find_opts o;

    fk_table_free(f->t);
    f->t = NULL;
    memset(&o, 0, sizeof o);
    o.q = q;
    o.scope = scope;
    o.limit = limit;
    return fk_person_find(f->st, f->eng, &o, &f->t, more, f->err, sizeof f->err);
}

/* The ID numbers of f->t, comma-separated. */
static const char *ids(struct fixture *f)
{
    static char out[1024];
    size_t i, n = 0;

    out[0] = '\0';
    for (i = 0; f->t && i < fk_table_nrows(f->t); i++)
        n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? "," : "",
                              fk_table_get(f->t, i, 0));
    return out;
}

static void test_person__query_keys(void **state)
{
    enum fk_person_key key;
    char v[FK_PERSON_QUERY_MAX], err[256];
    char longq[100];

    (void)state;
    assert_int_equal(fk_person_query_parse(" 14070219900101001x ", &key, v, sizeof v, err,
                                           sizeof err),
                     FK_OK);
    assert_int_equal(key, FK_PKEY_ID);
    assert_string_equal(v, "14070219900101001X");
    assert_int_equal(fk_person_query_parse("01001x", &key, v, sizeof v, err, sizeof err), FK_OK);
    assert_int_equal(key, FK_PKEY_ID6);
    assert_string_equal(v, "01001X");
    assert_int_equal(fk_person_query_parse("1234", &key, v, sizeof v, err, sizeof err), FK_OK);
    assert_int_equal(key, FK_PKEY_PHONE4);
    assert_int_equal(fk_person_query_parse("13900001234", &key, v, sizeof v, err, sizeof err),
                     FK_OK);
    assert_int_equal(key, FK_PKEY_PHONE);
    assert_int_equal(fk_person_query_parse("张", &key, v, sizeof v, err, sizeof err), FK_OK);
    assert_int_equal(key, FK_PKEY_NAME);
    assert_int_equal(fk_person_query_parse("E12345678", &key, v, sizeof v, err, sizeof err),
                     FK_OK);
    assert_int_equal(key, FK_PKEY_ID);
    /* Refused, with a reason. */
    assert_int_equal(fk_person_query_parse("  ", &key, v, sizeof v, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "empty"));
    assert_int_equal(fk_person_query_parse("12345", &key, v, sizeof v, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "5 characters"));
    assert_int_equal(fk_person_query_parse("张\t三\x01", &key, v, sizeof v, err, sizeof err),
                     FK_EINVAL);
    memset(longq, 'a', sizeof longq - 1);
    longq[sizeof longq - 1] = '\0';
    assert_int_equal(fk_person_query_parse(longq, &key, v, sizeof v, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "longer"));
}

static void test_person__find_by_each_key(void **state)
{
    struct fixture *f = *state;
    char want[512];
    int more;

    /* The whole ID number, and its last 6. */
    assert_int_equal(find(f, f->id[3], NULL, 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[3]);
    assert_int_equal(find(f, f->id[3] + 12, NULL, 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[3]);
    /* A name prefix: every 张 by name (张三 P0 and P5 by ID), then 张三丰, 张伟 (byte order). */
    assert_int_equal(find(f, "张", NULL, 50, &more), FK_OK);
    snprintf(want, sizeof want, "%s,%s,%s,%s", f->id[0], f->id[5], f->id[1], f->id[3]);
    assert_string_equal(ids(f), want);
    assert_int_equal(more, 0);
    assert_int_equal(find(f, "张三丰", NULL, 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[1]);
    /* The phone's last 4, and the whole phone. */
    assert_int_equal(find(f, "1234", NULL, 50, &more), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3);
    assert_int_equal(find(f, "13811111234", NULL, 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[2]);
    /* Nobody: an empty table, not an error. */
    assert_int_equal(find(f, "赵", NULL, 50, &more), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
    /* The row: names of the grid, township and county, and the case flag. */
    assert_int_equal(find(f, f->id[1], NULL, 50, &more), FK_OK);
    assert_string_equal(fk_table_get(f->t, 0, 4), "一网格");
    assert_string_equal(fk_table_get(f->t, 0, 6), "锦纶街道");
    assert_string_equal(fk_table_get(f->t, 0, 8), "榆次区");
    assert_string_equal(fk_table_get(f->t, 0, 11), "confirmed");
    assert_int_equal(find(f, "12345", NULL, 50, &more), FK_EINVAL);
    assert_int_equal(find(f, "张", NULL, 0, &more), FK_EINVAL);
}

static void test_person__scope(void **state)
{
    struct fixture *f = *state;
    char want[512];
    int more;

    /* P5 lives in 140703: never found from 140702, by any key. */
    assert_int_equal(find(f, f->id[5], "140702", 50, &more), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
    assert_int_equal(find(f, "13700001234", "140702", 50, &more), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
    assert_int_equal(find(f, f->id[5], "140703", 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[5]);
    /* A name prefix in a county (two grids: walked grid by grid) and in a grid. */
    assert_int_equal(find(f, "张三", "140702", 50, &more), FK_OK);
    snprintf(want, sizeof want, "%s,%s", f->id[0], f->id[1]);
    assert_string_equal(ids(f), want);
    /* Grid by grid, the first by name across the grids, not the first grid's: 张三 of G1 and of
     * H1 before 张三丰 of G1. */
    assert_int_equal(find(f, "张", "1407", 2, &more), FK_OK);
    snprintf(want, sizeof want, "%s,%s", f->id[0], f->id[5]);
    assert_string_equal(ids(f), want);
    assert_int_equal(more, 1);
    assert_int_equal(find(f, "张", G2, 50, &more), FK_OK);
    assert_string_equal(ids(f), f->id[3]);
    assert_int_equal(find(f, "张", "99", 50, &more), FK_ENOENT);
}

static void test_person__limit_and_more(void **state)
{
    struct fixture *f = *state;
    char want[512];
    int more;

    assert_int_equal(find(f, "张", NULL, 2, &more), FK_OK);
    snprintf(want, sizeof want, "%s,%s", f->id[0], f->id[5]);
    assert_string_equal(ids(f), want);
    assert_int_equal(more, 1);
    assert_int_equal(find(f, "张", NULL, 4, &more), FK_OK);
    assert_int_equal(more, 0);
}

/* The value of column name in row 0 of t. */
static const char *cell(const fk_table *t, size_t row, const char *name)
{
    size_t c;

    for (c = 0; c < fk_table_ncols(t); c++)
        if (strcmp(fk_table_col(t, c)->name, name) == 0)
            return fk_table_get(t, row, c);
    fail_msg("no column %s", name);
    return NULL;
}

static void test_person__page(void **state)
{
    struct fixture *f = *state;
    struct fk_person_page pg;
    int64_t today = fk_local_day(INT64_C(1662048000)); /* 2022-09-02 */
    fk_buf b;

    /* P0 seen from the county: one household member of P0's H1 per other person there. */
    assert_int_equal(fk_person_page_get(f->st, f->eng, f->ctl, "140702", f->pid[0], today, NULL, 0,
                                        &pg, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(cell(pg.person, 0, "name"), "张三");
    assert_string_equal(cell(pg.person, 0, "township_name"), "锦纶街道");
    assert_int_equal(fk_table_nrows(pg.household), 2); /* P1, P4 */
    assert_string_equal(cell(pg.household, 0, "case"), "confirmed");
    /* Two samples, oldest first: T1 pooled with P2 (named) and P5 (outside: counted). */
    assert_int_equal(fk_table_nrows(pg.samples), 2);
    assert_string_equal(cell(pg.samples, 0, "tube"), "T1");
    assert_string_equal(cell(pg.samples, 0, "members"), "3");
    assert_string_equal(cell(pg.samples, 0, "members_outside"), "1");
    assert_string_equal(cell(pg.samples, 0, "result"), "positive");
    assert_string_equal(cell(pg.samples, 1, "tube"), "T2");
    assert_null(cell(pg.samples, 1, "result"));
    assert_int_equal(fk_table_nrows(pg.pool), 1);
    assert_string_equal(cell(pg.pool, 0, "id_number"), f->id[2]);
    /* No order, test, alert or arrival of P0: empty blocks, there all the same. */
    assert_int_equal(fk_table_nrows(pg.controls), 0);
    assert_int_equal(fk_table_nrows(pg.tests), 0);
    assert_int_equal(fk_table_nrows(pg.alerts), 0);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_person_page_render(&pg, FK_FORMAT_JSON, &b), FK_OK);
    assert_non_null(strstr(b.data, "{\"person\":{\"id_number\":"));
    assert_non_null(strstr(b.data, "\"arrivals\":[]}"));
    fk_buf_fini(&b);
    fk_person_page_fini(&pg);
    /* Unscoped, P5 is named in the pool. */
    assert_int_equal(fk_person_page_get(f->st, f->eng, f->ctl, NULL, f->pid[0], today, NULL, 0, &pg,
                                        f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(pg.pool), 2);
    assert_string_equal(cell(pg.samples, 0, "members_outside"), "0");
    fk_person_page_fini(&pg);
    /* P5 from 140702: as unknown. */
    assert_int_equal(fk_person_page_get(f->st, f->eng, f->ctl, "140702", f->pid[5], today, NULL, 0,
                                        &pg, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_null(pg.person);
}

/* The contact column: from a trace's contacts, sorted by person. */
static void test_person__contact_flag(void **state)
{
    struct fixture *f = *state;
    struct fk_contact k[2];
    struct fk_person_find_opts o;
    int more;

    memset(k, 0, sizeof k);
    k[0].person = (int32_t)f->pid[4];
    k[0].source = (int32_t)f->pid[1];
    k[0].root = (int32_t)f->pid[1];
    k[0].category = FK_CAT_CLOSE;
    k[0].via = FK_VIA_HOUSEHOLD;
    k[1].person = (int32_t)f->pid[0];
    k[1].category = FK_CAT_SECONDARY;
    assert_int_equal(fk_person_contacts_sort(k, 2), FK_OK);
    memset(&o, 0, sizeof o);
    o.q = "王五";
    o.limit = 5;
    o.contacts = k;
    o.ncontacts = 2;
    assert_int_equal(fk_person_find(f->st, f->eng, &o, &f->t, &more, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(cell(f->t, 0, "contact"), "close");
}

/* The store's look-ups behind them. */
static void test_person__store_household_and_case(void **state)
{
    struct fixture *f = *state;
    struct fk_case_row c;

    assert_int_equal(fk_store_get_case(f->st, f->pid[1], &c), FK_OK);
    assert_int_equal(c.kind, FK_CASE_CONFIRMED);
    assert_int_equal(fk_store_get_case(f->st, f->pid[0], &c), FK_ENOENT);
    assert_int_equal(fk_store_search_persons(f->st, (enum fk_person_key)99, "x", NULL, NULL, NULL),
                     FK_EINVAL);
}

static int count_tubes(void *ud, const struct fk_person_tube *t)
{
    size_t *n = ud;

    assert_true(t->nmembers >= 1);
    (*n)++;
    return 0;
}

static void test_person__engine_tubes(void **state)
{
    struct fixture *f = *state;
    size_t n = 0;

    assert_int_equal(fk_engine_each_person_tube(f->eng, f->pid[0], count_tubes, &n), FK_OK);
    assert_int_equal(n, 2);
    n = 0;
    assert_int_equal(fk_engine_each_person_tube(f->eng, f->pid[3], count_tubes, &n), FK_OK);
    assert_int_equal(n, 0);
}

/* ---- many grids: the grid-by-grid walk and its merge ----
 * A county of two townships: A with 80 grids (more than the 64 walked grid by grid at once), B
 * with 3. B's 330 persons are all 王一, first in name order, so a search for 王 in A reads more
 * name-index entries outside A than its budget (4 a grid) and turns grid by grid; the same search
 * in the county finds its rows through the name index. Persons are imported with the grids
 * interleaved, so ids do not follow the grids, and equal names lie in many grids (ties by id).
 * Every answer is compared with the same question asked of the data file in plain SQL. */
#define NA 80
#define NB 3
#define B_PERSONS 330

struct many {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    fk_table *t;
};

static int many_import(struct many *m, enum fk_import_type t, const char *text)
{
    char path[400];
    FILE *fp;

    snprintf(path, sizeof path, "%s/%s.csv", m->dir, fk_import_type_name(t));
    fp = fopen(path, "wb");
    if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0)
        return FK_EIO;
    return fk_import_file(m->st, &m->prof, t, path, NULL, &m->sum, m->err, sizeof m->err);
}

static int setup_many(void **state)
{
    static const char *const GIVEN[5] = {"二", "三", "五", "六", "七"};
    struct many *m = calloc(1, sizeof *m);
    size_t cap = 1 << 16, n;
    char *buf = malloc(cap), body[18], id[19];
    int k, i, rc = -1;
    unsigned seq = 0;

    if (!m || !buf)
        goto out;
    *state = m;
    if (open_test_store(m->dir, sizeof m->dir, "person-many", m->db, sizeof m->db, &m->st) != 0)
        goto out;
    fk_profile_defaults(&m->prof);
    n = (size_t)snprintf(buf, cap,
                         "code,name,level,parent\n14,山西省,province,\n1407,晋中市,city,14\n"
                         "140702,榆次区,county,1407\n140702001,甲街道,township,140702\n"
                         "140702001001,甲社区,community,140702001\n"
                         "140702002,乙街道,township,140702\n"
                         "140702002001,乙社区,community,140702002\n");
    for (k = 1; k <= NA; k++)
        n += (size_t)snprintf(buf + n, cap - n, "140702001001%03d,甲%d,grid,140702001001\n", k, k);
    for (k = 1; k <= NB; k++)
        n += (size_t)snprintf(buf + n, cap - n, "140702002001%03d,乙%d,grid,140702002001\n", k, k);
    if (many_import(m, FK_IMPORT_REGIONS, buf) != FK_OK)
        goto out;
    n = (size_t)snprintf(buf, cap, "id_number,name,phone,grid,household\n");
    /* A's grids in the order 1, 41, 2, 42, ... (ids do not follow the grids), three persons a
     * grid: a 王 whose given name turns with the grid, 王二 in every fourth grid, and a 张. */
    for (i = 0; i < NA; i++) {
        int g = i % 2 ? NA / 2 + i / 2 + 1 : i / 2 + 1;
        const char *names[3] = {GIVEN[(g * 7) % 5], g % 4 == 0 ? "二" : NULL, GIVEN[(g * 3) % 5]};

        for (k = 0; k < 3; k++) {
            if (!names[k])
                continue;
            snprintf(body, sizeof body, "14070219900101%03u", seq++ % 1000u);
            make_id(body, id);
            n += (size_t)snprintf(buf + n, cap - n, "%s,%s%s,,140702001001%03d,\n", id,
                                  k == 2 ? "张" : "王", names[k], g);
        }
    }
    for (i = 0; i < B_PERSONS; i++) {
        snprintf(body, sizeof body, "14070219900102%03d", i % 1000);
        make_id(body, id);
        n += (size_t)snprintf(buf + n, cap - n, "%s,王一,,140702002001%03d,\n", id, i % NB + 1);
    }
    if (many_import(m, FK_IMPORT_PERSONS, buf) != FK_OK ||
        fk_engine_build(m->st, &m->prof, &m->eng, m->err, sizeof m->err) != FK_OK)
        goto out;
    rc = 0;
out:
    free(buf);
    return rc;
}

static int teardown_many(void **state)
{
    struct many *m = *state;

    fk_table_free(m->t);
    fk_engine_free(m->eng);
    fk_store_close(m->st);
    remove_dir(m->dir);
    free(m);
    return 0;
}

/* The answer computed independently: the ID numbers of the persons whose name begins with q and
 * whose grid lies in scope (its code begins with the scope's: the codes here are hierarchical),
 * by name then id (the documented order), at most limit, comma-separated; *total the matches. */
static void sql_answer(const char *db, const char *q, const char *scope, size_t limit, char *out,
                       size_t cap, size_t *total)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    size_t n = 0;

    *out = '\0';
    *total = 0;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT id_number FROM persons "
                                        "WHERE substr(name, 1, length(?1)) = ?1 "
                                        "AND substr(grid, 1, length(?2)) = ?2 ORDER BY name, id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, scope ? scope : "", -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*total < limit)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "",
                                  (const char *)sqlite3_column_text(st, 0));
        ++*total;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* fk_person_find's ID numbers, comma-separated, and its more flag. */
static void fk_answer(struct many *m, const char *q, const char *scope, size_t limit, char *out,
                      size_t cap, int *more)
{
    struct fk_person_find_opts o;
    size_t i, n = 0;

    fk_table_free(m->t);
    m->t = NULL;
    memset(&o, 0, sizeof o);
    o.q = q;
    o.scope = scope;
    o.limit = limit;
    assert_int_equal(fk_person_find(m->st, m->eng, &o, &m->t, more, m->err, sizeof m->err), FK_OK);
    *out = '\0';
    for (i = 0; i < fk_table_nrows(m->t); i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "", fk_table_get(m->t, i, 0));
}

static void test_person__many_grids(void **state)
{
    struct many *m = *state;
    static const char *const SCOPES[] = {"140702001",       "140702", "1407",           "140702002",
                                         "140702001001041", NULL,     "140702001001004"};
    static const char *const QS[] = {"王", "王二", "王三", "张", "王一", "李"};
    static char want[20000], got[20000];
    size_t s, q, total, k;
    int more;

    if (test_pg())
        skip(); /* the answer is computed by sqlite3 on the data file */
    for (s = 0; s < sizeof SCOPES / sizeof SCOPES[0]; s++) {
        for (q = 0; q < sizeof QS / sizeof QS[0]; q++) {
            size_t limits[6] = {1, 2, 50, 0, 0, 0};

            sql_answer(m->db, QS[q], SCOPES[s], 1000, want, sizeof want, &total);
            /* The boundary: exactly all of them, one fewer, one more. */
            limits[3] = total > 1 ? total - 1 : 1;
            limits[4] = total ? total : 1;
            limits[5] = total + 1;
            for (k = 0; k < 6; k++) {
                size_t lim = limits[k] > FK_PERSON_FIND_MAX ? FK_PERSON_FIND_MAX : limits[k];
                size_t all;

                sql_answer(m->db, QS[q], SCOPES[s], lim, want, sizeof want, &all);
                fk_answer(m, QS[q], SCOPES[s], lim, got, sizeof got, &more);
                if (strcmp(want, got) != 0 || more != (all > lim))
                    fail_msg("%s in %s, limit %zu: fangkong [%s] more %d, SQL [%s] of %zu", QS[q],
                             SCOPES[s] ? SCOPES[s] : "(all)", lim, got, more, want, all);
            }
        }
    }
    /* The fixture is what it claims: A holds 80 王 and 20 王二 across its grids, B 330 王一. */
    sql_answer(m->db, "王", "140702001", 1000, want, sizeof want, &total);
    assert_int_equal(total, NA + NA / 4);
    sql_answer(m->db, "王一", "140702002", 1000, want, sizeof want, &total);
    assert_int_equal(total, B_PERSONS);
}

/* The walks of the types far smaller than the registry read their own table first: without
 * statistics a plain JOIN walked every resident by ID number to skip a sort (10 M look-ups for a
 * handful of cases at a city's size). */
static void test_person__small_walks_start_small(void **state)
{
    static const enum fk_import_type small[] = {FK_IMPORT_CASES, FK_IMPORT_CONTROLS,
                                                FK_IMPORT_ARRIVALS, FK_IMPORT_INCIDENT_EVENTS};
    struct fixture *f = *state;
    sqlite3 *h = NULL;
    size_t i;

    if (test_pg())
        skip(); /* SQLite's query plans */
    assert_int_equal(sqlite3_open_v2(f->db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    for (i = 0; i < sizeof small / sizeof small[0]; i++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)small[i]);
        sqlite3_stmt *st = NULL;
        char sql[1024];

        snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", rt->sqlite.all);
        assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
        /* the first row of the plan is the outer loop */
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (strstr((const char *)sqlite3_column_text(st, 3), "SCAN p ") ||
            strstr((const char *)sqlite3_column_text(st, 3), "persons"))
            fail_msg("%s walks persons first: %s", rt->name, sqlite3_column_text(st, 3));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_person__query_keys),
        cmocka_unit_test_setup_teardown(test_person__find_by_each_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__limit_and_more, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__contact_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__store_household_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__engine_tubes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__small_walks_start_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person__many_grids, setup_many, teardown_many),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
