/* SPDX-License-Identifier: MIT */
/* Unit tests of finding a person and the person page (lib/engine/person.c, with the store's
 * search_persons and get_case and the engine's each_person_tube): the query's keys and its
 * rejected forms, a search by each key, scope (a person outside it is never found, in a small
 * scope walked grid by grid as in a large one), the cap and its "more" flag, and the page's
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
