/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/engine/engine.c over a small store built by hand: a province, a city, two
 * counties, townships, communities and four grids (one empty), twelve residents, samples inside,
 * outside and exactly on the edges of a round's window, pooled and single tubes with positive,
 * negative and missing results. Each answer (coverage, missing, retest, turnaround, overdue) is
 * compared as the exact CSV the CLI would print; sync is checked to rebuild after a committed
 * batch and only then. */
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

#include "fk/buf.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/profile.h"
#include "fk/snapfile.h"
#include "fk/region.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/time.h"

#include "testutil.h"

/* The round window: 2022-08-28T00:00:00+08:00 to 23:59:59, inclusive. */
#define T_START INT64_C(1661616000)
#define T_END (T_START + 86399)
#define HOUR 3600

#define G1 "140702001001001"
#define G2 "140702001001002"
#define G3 "140702001001003"
#define H1 "140703001001001"

static const struct {
    const char *code, *name, *parent;
    enum fk_level level;
} regions[] = {
    {"14", "山西省", "", FK_LEVEL_PROVINCE},
    {"1407", "晋中市", "14", FK_LEVEL_CITY},
    {"140702", "榆次区", "1407", FK_LEVEL_COUNTY},
    {"140703", "太谷区", "1407", FK_LEVEL_COUNTY},
    {"140702001", "锦纶街道", "140702", FK_LEVEL_TOWNSHIP},
    {"140702001001", "锦纶社区", "140702001", FK_LEVEL_COMMUNITY},
    {G1, "一网格", "140702001001", FK_LEVEL_GRID},
    {G2, "二网格", "140702001001", FK_LEVEL_GRID},
    {G3, "三网格", "140702001001", FK_LEVEL_GRID},
    {"140703001", "明星镇", "140703", FK_LEVEL_TOWNSHIP},
    {"140703001001", "明星村", "140703001", FK_LEVEL_COMMUNITY},
    {H1, "太谷一网格", "140703001001", FK_LEVEL_GRID},
};

/* Persons, named P1 … P12, listed (and stored) in this order: grid G2 first and P11 last, so
 * that no order in an answer is an accident of insertion. */
enum { P6, P7, P8, P12, P1, P2, P3, P4, P5, P9, P10, P11, NPERSONS };

static const struct {
    const char *body, *name, *phone, *grid;
} persons[NPERSONS] = {
    [P6] = {"14070219860606006", "赵六", "13900000006", G2},
    [P7] = {"14070219870707007", "钱七", "13900000007", G2},
    [P8] = {"14070219880808008", "孙八", "13900000008", G2},
    [P12] = {"14070219921212012", "冯十二", "", G2},
    [P1] = {"14070219810101001", "张一", "13900000001", G1},
    [P2] = {"14070219820202002", "王二", "13900000002", G1},
    [P3] = {"14070219830303003", "李三", "13900000003", G1},
    [P4] = {"14070219840404004", "周四", "13900000004", G1},
    [P5] = {"14070219850505005", "吴五", "13900000005", G1},
    [P9] = {"14070319890909009", "郑九", "13900000009", H1},
    [P10] = {"14070319901010010", "陈十", "13900000010", H1},
    [P11] = {"14070219701111011", "褚十一", "13900000011", G1},
};

/* Samples: tube, person, time, site. */
static const struct {
    const char *tube;
    int person;
    int64_t time;
    const char *site;
} samples[] = {
    {"A001", P1, T_START, "S1"},       /* exactly at the start: inside */
    {"A001", P2, T_START + 600, "S1"}, /* A001: pooled tube of 3, positive */
    {"A001", P3, T_START + 600, "S1"},
    {"B001", P4, T_START + 2 * HOUR, "S1"}, /* single tube, positive: not a retest */
    {"B002", P5, T_START - 1, "S1"},        /* one second early: outside */
    {"C001", P6, T_START + 4 * HOUR, "S2"}, /* pooled negative */
    {"C001", P7, T_START + 4 * HOUR, "S2"},
    {"C002", P8, T_END + 1, "S2"},          /* one second late: outside */
    {"E001", P12, T_END, "S2"},             /* exactly at the end: inside; no result */
    {"F001", P2, T_START + 2 * HOUR, "S1"}, /* P2's second sample; no result */
    {"D001", P9, T_START + HOUR, "S3"},     /* the other county: pooled positive */
    {"D001", P10, T_START + HOUR, "S3"},
    {"H001", P3, T_END + 2 * HOUR, "S1"}, /* P3 re-tested alone after the round: negative */
};

/* Results: tube, result, hours after the tube's first sample, lab, received (0: not given). */
static const struct {
    const char *tube;
    int result;
    int64_t time, received;
    const char *lab;
} results[] = {
    {"A001", FK_RESULT_POSITIVE, T_START + 5 * HOUR, T_START + HOUR, "LabA"},
    {"B001", FK_RESULT_POSITIVE, T_START + 16 * HOUR, T_START + 3 * HOUR, "LabB"}, /* 14 h */
    {"C001", FK_RESULT_NEGATIVE, T_START + 7 * HOUR, 0, "LabA"},                   /* 3 h */
    {"D001", FK_RESULT_POSITIVE, T_START + 3 * HOUR, T_START + 2 * HOUR, "LabB"},
    {"H001", FK_RESULT_NEGATIVE, T_END + 5 * HOUR, T_END + 3 * HOUR, "LabA"},
};

struct fixture {
    char dir[256];
    char path[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    int64_t pid[NPERSONS];
    char idn[NPERSONS][19];
    fk_table *t; /* the table under test; freed by teardown */
    fk_buf b;
};

/* Households and addresses: P5 and P11, both of G1 and never sampled in the round, live in
 * households ordered against their ID numbers (P11's is the smaller ID, P5's the first
 * household), so the missing list's household order shows. */
static const char *household_of(int p)
{
    return p == P5 ? "H1" : p == P11 ? "H2" : "";
}

static const char *address_of(int p)
{
    return p == P5 ? "平安街1号1单元101室" : p == P11 ? "顺城街2号" : "";
}

/* Shipped times (送检): A001 half an hour after the window opens, C001 at 5 h; the others have
 * none recorded, so LabB's tubes and those with no result yet show "not recorded". */
static int64_t shipped_of(const char *tube)
{
    return strcmp(tube, "A001") == 0 ? T_START + HOUR / 2
           : strcmp(tube, "C001") == 0 ? T_START + 5 * HOUR
                                       : 0;
}

static int fill_store(struct fixture *f)
{
    enum fk_put did;
    size_t i;
    int rc = fk_store_begin(f->st);

    for (i = 0; rc == FK_OK && i < sizeof regions / sizeof regions[0]; i++) {
        struct fk_region_row r = {regions[i].code, regions[i].name, regions[i].parent,
                                  (int)regions[i].level, NULL, NULL, NULL, NULL};

        rc = fk_store_put_region(f->st, &r, &did);
    }
    for (i = 0; rc == FK_OK && i < NPERSONS; i++) {
        struct fk_person_row p;

        memset(&p, 0, sizeof p);
        make_id(persons[i].body, f->idn[i]);
        p.id_number = f->idn[i];
        p.name = persons[i].name;
        p.phone = persons[i].phone;
        p.grid = persons[i].grid;
        p.household = household_of((int)i);
        p.address = address_of((int)i);
        rc = fk_store_put_person(f->st, &p, &f->pid[i], &did);
    }
    for (i = 0; rc == FK_OK && i < sizeof samples / sizeof samples[0]; i++) {
        struct fk_sample_row s = {samples[i].tube, samples[i].site, f->pid[samples[i].person],
                                  samples[i].time, shipped_of(samples[i].tube)};

        rc = fk_store_add_sample(f->st, &s, &did);
    }
    for (i = 0; rc == FK_OK && i < sizeof results / sizeof results[0]; i++) {
        struct fk_result_row r = {results[i].tube, results[i].lab, results[i].result,
                                  results[i].time, results[i].received};

        rc = fk_store_put_result(f->st, &r, &did);
    }
    if (rc == FK_OK)
        rc = fk_store_commit(f->st);
    return rc;
}

/* The store every test starts from, built once by group_setup and copied per test (copying a
 * closed SQLite file is cheap; building it costs fsyncs). */
static char template_dir[256], template_path[300];

static int group_setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256] = "";
    int rc = -1;

    (void)state;
    if (!f || make_dir(template_dir, sizeof template_dir, "engine") != 0)
        goto out;
    snprintf(template_path, sizeof template_path, "%s/template.db", template_dir);
    if (fk_store_open(template_path, &f->st, err, sizeof err) != FK_OK || fill_store(f) != FK_OK) {
        fprintf(stderr, "group setup: %s\n", err);
        goto out;
    }
    rc = 0;
out:
    if (f)
        fk_store_close(f->st); /* closing checkpoints the WAL into the file */
    free(f);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    if (template_dir[0])
        remove_dir(template_dir);
    return 0;
}

/* Learns the store's person id of each of the fixture's persons. */
static int on_person_key(void *ud, const struct fk_person_row *p)
{
    struct fixture *f = ud;
    size_t i;

    for (i = 0; i < NPERSONS; i++)
        if (strcmp(f->idn[i], p->id_number) == 0)
            f->pid[i] = p->id;
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256] = "";
    size_t i;

    if (!f)
        return -1;
    *state = f;
    fk_buf_init(&f->b, 0);
    fk_profile_defaults(&f->prof);
    if (make_dir(f->dir, sizeof f->dir, "engine") != 0)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/fangkong.db", f->dir);
    if (copy_store(template_path, f->path) != 0 ||
        fk_store_open(f->path, &f->st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    for (i = 0; i < NPERSONS; i++)
        make_id(persons[i].body, f->idn[i]);
    if (fk_store_each_person_key(f->st, on_person_key, f) != FK_OK)
        return -1;
    for (i = 0; i < NPERSONS; i++)
        if (f->pid[i] <= 0)
            return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, err, sizeof err) != FK_OK) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_table_free(f->t);
    fk_buf_fini(&f->b);
    fk_engine_free(f->eng);
    fk_store_close(f->st);
    if (f->dir[0])
        remove_dir(f->dir);
    free(f);
    return 0;
}

static struct fk_round round_of(int64_t id, const char *region)
{
    struct fk_round r;

    memset(&r, 0, sizeof r);
    r.id = id;
    snprintf(r.name, sizeof r.name, "R%lld", (long long)id);
    snprintf(r.region, sizeof r.region, "%s", region);
    r.start = T_START;
    r.end = T_END;
    return r;
}

/* Asserts that f->t renders as exactly want (CSV), then frees it. */
static void expect_csv(struct fixture *f, const char *want)
{
    assert_non_null(f->t);
    fk_buf_reset(&f->b);
    assert_int_equal(fk_table_render(f->t, FK_FORMAT_CSV, 0, fk_table_nrows(f->t), &f->b), FK_OK);
    if (strcmp(f->b.data, want) != 0)
        fail_msg("got\n%s\nwant\n%s", f->b.data, want);
    fk_table_free(f->t);
    f->t = NULL;
}

/* The CSV lines of the missing list: id_number,name,phone,grid,household,address for the persons
 * given. */
static const char *missing_csv(struct fixture *f, const int *who, size_t n)
{
    static char out[2048];
    size_t i, len;

    len = (size_t)snprintf(out, sizeof out, "id_number,name,phone,grid,household,address\n");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s,%s,%s,%s,%s,%s\n", f->idn[who[i]],
                                persons[who[i]].name, persons[who[i]].phone, persons[who[i]].grid,
                                household_of(who[i]), address_of(who[i]));
    return out;
}

static void test_engine__stats_and_lookups(void **state)
{
    struct fixture *f = *state;
    struct fk_engine_stats s;
    int64_t g;

    fk_engine_stats(f->eng, &s);
    assert_int_equal(s.regions, 12);
    assert_int_equal(s.grids, 4);
    assert_int_equal(s.persons, 12);
    assert_int_equal(s.samples, 13);
    assert_int_equal(s.tubes, 9);
    assert_int_equal(s.results, 5);
    assert_int_equal(fk_store_generation(f->st, &g), FK_OK);
    assert_int_equal(s.generation, g);
    assert_int_equal(fk_engine_region_level(f->eng, "140702"), FK_LEVEL_COUNTY);
    assert_int_equal(fk_engine_region_level(f->eng, G3), FK_LEVEL_GRID);
    assert_int_equal(fk_engine_region_level(f->eng, "14"), FK_LEVEL_PROVINCE);
    assert_int_equal(fk_engine_region_level(f->eng, "nope"), FK_LEVEL_NONE);
    assert_int_equal(fk_engine_region_inside(f->eng, G1, "14"), 1);
    assert_int_equal(fk_engine_region_inside(f->eng, G1, "140702"), 1);
    assert_int_equal(fk_engine_region_inside(f->eng, G1, G1), 1);
    assert_int_equal(fk_engine_region_inside(f->eng, H1, "140702"), 0);
    assert_int_equal(fk_engine_region_inside(f->eng, "140703", "140702"), 0);
    assert_int_equal(fk_engine_region_inside(f->eng, "14", G1), 0);
    assert_int_equal(fk_engine_region_inside(f->eng, "nope", "14"), 0);
    assert_int_equal(fk_engine_region_inside(f->eng, G1, "nope"), 0);
}

static void test_engine__coverage_by_grid(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    /* G1: P1..P4 sampled of six (P5 a second early, P11 never); G2: P6, P7 and P12 (at the very
     * end) of four; G3 has no residents: empty coverage. H1 is outside the round's county. */
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001001001,一网格,6,4,0.6667\n"
                  "140702001001002,二网格,4,3,0.7500\n"
                  "140702001001003,三网格,0,0,\n");
}

static void test_engine__coverage_upper_levels(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702"), city = round_of(2, "1407");
    char err[256] = "";

    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_COMMUNITY, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001001,锦纶社区,10,7,0.7000\n");
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_TOWNSHIP, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001,锦纶街道,10,7,0.7000\n");
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_COUNTY, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702,榆次区,10,7,0.7000\n");
    /* The city is not inside the county round: nothing to list. */
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_CITY, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n");
    /* A city-wide round lists both counties, and the city itself. */
    assert_int_equal(fk_engine_coverage(f->eng, &city, FK_LEVEL_COUNTY, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702,榆次区,10,7,0.7000\n"
                  "140703,太谷区,2,2,1.0000\n");
    assert_int_equal(fk_engine_coverage(f->eng, &city, FK_LEVEL_CITY, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "1407,晋中市,12,9,0.7500\n");
    assert_int_equal(fk_engine_coverage(f->eng, &city, FK_LEVEL_GRID, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001001001,一网格,6,4,0.6667\n"
                  "140702001001002,二网格,4,3,0.7500\n"
                  "140702001001003,三网格,0,0,\n"
                  "140703001001001,太谷一网格,2,2,1.0000\n");
}

static void test_engine__coverage_window_edges(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(3, G1);
    char err[256] = "";

    /* Widened by one second at each end, P5 (start - 1) comes in; P11 never does. */
    r.start = T_START - 1;
    r.end = T_END + 1;
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,5,0.8333\n");
    /* Narrowed by one second at each end: P1 (at the start) drops out. */
    r.id = 4;
    r.start = T_START + 1;
    r.end = T_END - 1;
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,3,0.5000\n");
}

static void test_engine__coverage_unknown_round_region(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "999999");
    char err[256] = "";
    static int dummy;
    fk_table *t = (fk_table *)(void *)&dummy; /* must come back NULL */

    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &t, err, sizeof err), FK_ENOENT);
    assert_null(t);
    assert_non_null(strstr(err, "999999"));
}

static void test_engine__missing(void **state)
{
    /* by grid, then household, then id_number: P5's household H1 before P11's H2, although
     * P11's ID number is the smaller */
    static const int want[] = {P5, P11, P8};
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, "140702", &f->t, err, sizeof err), FK_OK);
    expect_csv(f, missing_csv(f, want, 3));
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, G1, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, missing_csv(f, want, 2));
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, G2, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, missing_csv(f, want + 2, 1));
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, G3, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "id_number,name,phone,grid,household,address\n");
}

/* Names come through the caller's connection, not the one the engine was built on (issue 14 §4):
 * an engine built on a connection of its own answers after that connection is closed, and shows
 * a name changed since the build, read through the connection it is given. */
static void test_engine__names_through_callers_store(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    struct fk_person_row p;
    fk_store *own = NULL;
    fk_engine *e = NULL;
    enum fk_put did;
    int64_t id;
    char err[256] = "";

    assert_int_equal(fk_store_open(f->path, &own, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_build(own, &f->prof, &e, err, sizeof err), FK_OK);
    fk_store_close(own);
    memset(&p, 0, sizeof p);
    p.id_number = f->idn[P11];
    p.name = "改名";
    p.phone = "13900009999";
    p.grid = persons[P11].grid;
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_engine_missing(e, f->st, &r, G1, &f->t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(fk_table_get(f->t, 1, 0), f->idn[P11]);
    assert_string_equal(fk_table_get(f->t, 1, 1), "改名");
    assert_string_equal(fk_table_get(f->t, 1, 2), "13900009999");
    fk_engine_free(e);
}

static void test_engine__missing_region_errors(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, H1, &f->t, err, sizeof err), FK_EINVAL);
    assert_null(f->t);
    assert_non_null(strstr(err, H1));
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, "1407", &f->t, err, sizeof err),
                     FK_EINVAL);
    assert_null(f->t);
    err[0] = '\0';
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, "nope", &f->t, err, sizeof err),
                     FK_ENOENT);
    assert_null(f->t);
    assert_non_null(strstr(err, "nope"));
    r = round_of(1, "999999");
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, G1, &f->t, err, sizeof err), FK_ENOENT);
    assert_null(f->t);
}

static void test_engine__retest(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702"), city = round_of(2, "1407");
    char err[256] = "", want[1024], when[FK_TIME_RENDER_MAX], when2[FK_TIME_RENDER_MAX];
    int n;

    assert_int_equal(fk_engine_retest(f->eng, f->st, &r, &f->t, err, sizeof err), FK_OK);
    /* A001 only: B001 is a single tube, C001 negative, D001 in the other county. Since, P1 has
     * not been sampled again, P2 alone in F001 (no result yet), P3 alone in H001: negative. */
    n = snprintf(want, sizeof want, "tube,id_number,name,phone,grid,retest_state,retest_tube,"
                                    "retest_sampled,retest_result\n");
    n += snprintf(want + n, sizeof want - (size_t)n,
                  "A001,%s,张一,13900000001,140702001001001,not_sampled,,,\n", f->idn[P1]);
    n += snprintf(want + n, sizeof want - (size_t)n,
                  "A001,%s,王二,13900000002,140702001001001,waiting,F001,%s,\n", f->idn[P2],
                  fk_time_render(T_START + 2 * HOUR, when));
    snprintf(want + n, sizeof want - (size_t)n,
             "A001,%s,李三,13900000003,140702001001001,retested,H001,%s,negative\n", f->idn[P3],
             fk_time_render(T_END + 2 * HOUR, when2));
    expect_csv(f, want);

    assert_int_equal(fk_engine_retest(f->eng, f->st, &city, &f->t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 5);
    assert_string_equal(fk_table_get(f->t, 3, 0), "D001");
    assert_string_equal(fk_table_get(f->t, 3, 1), f->idn[P9]);
    assert_string_equal(fk_table_get(f->t, 4, 1), f->idn[P10]);
    fk_table_free(f->t);
    f->t = NULL;
}

/* As of (fk_round_cut, fk_engine_retest_at): samples after now do not exist, a positive result
 * recorded after now is not known yet. */
static void test_engine__as_of(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(5, "140702");
    char err[256] = "";

    /* At start + 1 h only A001 (P1, P2, P3) is sampled: 3 of G1's 6, none of G2's 4. */
    fk_round_cut(&r, T_START + HOUR);
    assert_int_equal(r.end, T_START + HOUR);
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001001001,一网格,6,3,0.5000\n"
                  "140702001001002,二网格,4,0,0.0000\n"
                  "140702001001003,三网格,0,0,\n");
    assert_int_equal(fk_engine_missing(f->eng, f->st, &r, G2, &f->t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 4);
    fk_table_free(f->t);
    f->t = NULL;
    /* A001's positive result comes at start + 5 h: not known at start + 1 h, known at + 5 h. */
    assert_int_equal(fk_engine_retest_at(f->eng, f->st, &r, T_START + HOUR, &f->t, err,
                                         sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
    fk_table_free(f->t);
    f->t = NULL;
    assert_int_equal(fk_engine_retest_at(f->eng, f->st, &r, T_START + 5 * HOUR, &f->t, err,
                                         sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3);
    fk_table_free(f->t);
    f->t = NULL;
    /* Before the round: an empty window, and still an hourly view of one hour. */
    r = round_of(6, "140702");
    fk_round_cut(&r, T_START - 3 * HOUR);
    assert_int_equal(r.end, T_START - 1);
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_COUNTY, &f->t, err, sizeof err),
                     FK_OK);
    assert_string_equal(fk_table_get(f->t, 0, 3), "0");
    fk_table_free(f->t);
    f->t = NULL;
    assert_int_equal(fk_engine_hourly(f->eng, &r, &f->t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 1);
    assert_string_equal(fk_table_get(f->t, 0, 1), "0");
    fk_table_free(f->t);
    f->t = NULL;
    /* After the end: nothing changes. */
    r = round_of(7, "140702");
    fk_round_cut(&r, T_END + HOUR);
    assert_int_equal(r.end, T_END);
}

static void test_engine__retest_pool_min_from_profile(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    struct fk_profile p = f->prof;
    fk_engine *e = NULL;
    char err[256] = "";

    /* With pool_min 4, a tube of three is not pooled. */
    p.pool_min = 4;
    assert_int_equal(fk_engine_build(f->st, &p, &e, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_retest(e, f->st, &r, &f->t, err, sizeof err), FK_OK);
    fk_engine_free(e);
    expect_csv(f, "tube,id_number,name,phone,grid,retest_state,retest_tube,retest_sampled,"
                  "retest_result\n");
}

static void test_engine__tat_by_site(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    /* At 13 h after the window, E001 (sampled at the very end) has waited 13 h: overdue, like
     * F001. Hours resulted: S1 {5, 14}, S2 {3}. C001 has a result but no receipt time: it was
     * received all the same. */
    assert_int_equal(
        fk_engine_tat(f->eng, &r, FK_TAT_SITE, T_END + 13 * HOUR, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "site,tubes,received,resulted,pending,overdue,late,median_hours,p90_hours,shipped\n"
                  "S1,3,2,2,1,1,1,9.50,13.10,2\n"
                  "S2,2,1,1,1,1,0,3.00,3.00,1\n"
                  "(total),5,3,3,2,2,1,5.00,12.20,3\n");
}

static void test_engine__tat_now_boundary(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    /* Exactly 12 h of waiting is not yet overdue; one second more is. */
    assert_int_equal(
        fk_engine_tat(f->eng, &r, FK_TAT_SITE, T_END + 12 * HOUR, &f->t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3);
    assert_string_equal(fk_table_get(f->t, 1, 0), "S2");
    assert_string_equal(fk_table_get(f->t, 1, 5), "0");
    assert_string_equal(fk_table_get(f->t, 2, 5), "1");
    fk_table_free(f->t);
    f->t = NULL;
    assert_int_equal(
        fk_engine_tat(f->eng, &r, FK_TAT_SITE, T_END + 12 * HOUR + 1, &f->t, err, sizeof err),
        FK_OK);
    assert_string_equal(fk_table_get(f->t, 1, 5), "1");
    assert_string_equal(fk_table_get(f->t, 2, 5), "2");
    fk_table_free(f->t);
    f->t = NULL;
    /* As of the round's start only A001 has been sampled (at that very second) and no result is
     * known yet: now is a true "as of", later samples and results do not exist then. */
    assert_int_equal(fk_engine_tat(f->eng, &r, FK_TAT_SITE, T_START, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "site,tubes,received,resulted,pending,overdue,late,median_hours,p90_hours,shipped\n"
                  "S1,1,0,0,1,0,0,,,0\n" /* A001 is shipped later: 0, not "not recorded" */
                  "(total),1,0,0,1,0,0,,,0\n");
}

/* tat_p90 of every region of a level in one pass equals the chain's total row of the round
 * narrowed to each region (a pooled tube counts in each region of its members). */
static void test_engine__tat_by_region(void **state)
{
    static const enum fk_level levels[] = {FK_LEVEL_COUNTY, FK_LEVEL_TOWNSHIP, FK_LEVEL_GRID};
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    fk_table *one = NULL;
    char err[256] = "";
    size_t l, i, rows = 0;

    assert_int_equal(
        fk_engine_tat_by(f->eng, &r, FK_LEVEL_COUNTY, T_END + 13 * HOUR, &f->t, err, sizeof err),
        FK_OK);
    expect_csv(f, "region,resulted,p90_hours\n"
                  "140702,3,12.20\n");
    for (l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        assert_int_equal(
            fk_engine_tat_by(f->eng, &r, levels[l], T_END + 13 * HOUR, &f->t, err, sizeof err),
            FK_OK);
        for (i = 0; i < fk_table_nrows(f->t); i++, rows++) {
            struct fk_round n = r;
            size_t last;

            fk_strlcpy(n.region, fk_table_get(f->t, i, 0), sizeof n.region);
            assert_int_equal(
                fk_engine_tat(f->eng, &n, FK_TAT_SITE, T_END + 13 * HOUR, &one, err, sizeof err),
                FK_OK);
            last = fk_table_nrows(one) - 1;
            assert_string_equal(fk_table_get(one, last, 3), fk_table_get(f->t, i, 1));
            assert_string_equal(fk_table_get(one, last, 8), fk_table_get(f->t, i, 2));
            fk_table_free(one);
            one = NULL;
        }
        fk_table_free(f->t);
        f->t = NULL;
    }
    assert_true(rows >= 3); /* the county, a township, the grids with results */
    /* Before any result: no row. */
    assert_int_equal(fk_engine_tat_by(f->eng, &r, FK_LEVEL_GRID, T_START, &f->t, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
    fk_strlcpy(r.region, "999999", sizeof r.region);
    fk_table_free(f->t);
    f->t = NULL;
    assert_int_equal(fk_engine_tat_by(f->eng, &r, FK_LEVEL_GRID, T_END, &f->t, err, sizeof err),
                     FK_ENOENT);
}

static void test_engine__tat_by_lab(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    assert_int_equal(
        fk_engine_tat(f->eng, &r, FK_TAT_LAB, T_END + 13 * HOUR, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "lab,tubes,received,resulted,pending,overdue,late,median_hours,p90_hours,shipped\n"
                  "(no result yet),2,0,0,2,2,0,,,\n" /* shipped not recorded */
                  "LabB,1,1,1,0,0,1,14.00,14.00,\n" /* worst first: LabB was late */
                  "LabA,2,2,2,0,0,0,4.00,4.80,2\n"
                  "(total),5,3,3,2,2,1,5.00,12.20,3\n");
}

static void test_engine__tat_limit_from_profile(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    struct fk_profile p = f->prof;
    fk_engine *e = NULL;
    char err[256] = "";

    /* With a 4 h limit, A001 (5 h) is late too, and E001 is overdue 5 h after the window. */
    p.tat_limit_hours = 4;
    assert_int_equal(fk_engine_build(f->st, &p, &e, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_tat(e, &r, FK_TAT_SITE, T_END + 5 * HOUR, &f->t, err, sizeof err),
                     FK_OK);
    fk_engine_free(e);
    expect_csv(f, "site,tubes,received,resulted,pending,overdue,late,median_hours,p90_hours,shipped\n"
                  "S1,3,2,2,1,1,2,9.50,13.10,2\n"
                  "S2,2,1,1,1,1,0,3.00,3.00,1\n"
                  "(total),5,3,3,2,2,2,5.00,12.20,3\n");
}

static void test_engine__tat_overdue(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char err[256] = "";

    /* Oldest first: F001 (02:00) before E001 (23:59:59), though E001 sorts first by name. */
    assert_int_equal(fk_engine_tat_overdue(f->eng, &r, T_END + 13 * HOUR, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "tube,site,sampled,members,hours_waiting\n"
                  "F001,S1,2022-08-28T02:00:00+08:00,1,35.0\n"
                  "E001,S2,2022-08-28T23:59:59+08:00,1,13.0\n");
    assert_int_equal(fk_engine_tat_overdue(f->eng, &r, T_END + 12 * HOUR, &f->t, err, sizeof err),
                     FK_OK);
    expect_csv(f, "tube,site,sampled,members,hours_waiting\n"
                  "F001,S1,2022-08-28T02:00:00+08:00,1,34.0\n");
    assert_int_equal(fk_engine_tat_overdue(f->eng, &r, T_START, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "tube,site,sampled,members,hours_waiting\n");
}

static void test_engine__tat_unknown_round_region(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "999999");
    char err[256] = "";

    assert_int_equal(fk_engine_tat(f->eng, &r, FK_TAT_SITE, T_END, &f->t, err, sizeof err),
                     FK_ENOENT);
    assert_null(f->t);
    assert_int_equal(fk_engine_tat_overdue(f->eng, &r, T_END, &f->t, err, sizeof err), FK_ENOENT);
    assert_null(f->t);
    assert_int_equal(fk_engine_retest(f->eng, f->st, &r, &f->t, err, sizeof err), FK_ENOENT);
    assert_null(f->t);
}

/* Adds a sample of person P5 inside the window, in tube G001; commits when commit is 1. */
static void add_p5_sample(struct fixture *f, int commit)
{
    struct fk_sample_row s = {"G001", "S1", f->pid[P5], T_START + 3 * HOUR, 0};
    enum fk_put did;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    if (commit)
        assert_int_equal(fk_store_commit(f->st), FK_OK);
}

/* An engine extended with the samples a store added since it was built (new tubes among the old
 * codes, new members of old tubes ahead of the old ones, new sites) and the results posted since,
 * from the engine built or from its snapshot mapped, is the engine a build gives now: the same
 * snapshot, byte for byte. A shipped time changed in place sends the caller to a build. */
static void test_engine__extend_is_a_build(void **state)
{
    struct fixture *f = *state;
    static const struct {
        const char *tube;
        int person;
        int64_t time;
        const char *site;
    } more[] = {
        {"A0005", P6, T_START + 3 * HOUR, "S9"}, /* a new tube between A001 and B001 */
        {"A0005", P8, T_START + 3 * HOUR, "S9"},
        {"C001", P12, T_START + 5 * HOUR, "S7"}, /* a new member of an old tube */
        {"0A", P11, T_START + HOUR, "S0"},       /* before every code */
        {"ZZ9", P5, T_END - 10, "S1"},           /* after every code */
        {"D001", P1, T_START - 3 * HOUR, "S8"},  /* earlier than D001's members */
        {"A00", P7, T_START + HOUR, "S9"},       /* the start of A0005 */
        {"B0007", P9, T_START + HOUR, "S9"},     /* members come in falling person order */
        {"B0007", P2, T_START + HOUR, "S9"},
        /* Codes longer than 16 bytes that share their first 16: the delta sorts them by those
         * and the person first, which puts B's P2 before A's P3. */
        {"TUBE-2022-08-28-B", P2, T_START + HOUR, "S9"},
        {"TUBE-2022-08-28-A", P3, T_START + HOUR, "S9"},
        {"TUBE-2022-08-28-A", P1, T_START + HOUR, "S9"},
        {"TUBE-2022-08-28-", P4, T_START + HOUR, "S9"}, /* those 16 bytes alone */
        {"TUBE-2022-08-28-A1", P9, T_START + HOUR, "S9"},
    };
    struct fk_result_row res[] = {
        {"A0005", "LabC", FK_RESULT_NEGATIVE, T_START + 9 * HOUR, 0},
        {"E001", "LabA", FK_RESULT_INVALID, T_END + HOUR, T_END},
        {"A001", "LabB", FK_RESULT_NEGATIVE, T_START + 20 * HOUR, 0}, /* a later one replaces */
    };
    char built[400], before[400], extended[400], err[256] = "";
    fk_engine_delta *d = fk_engine_delta_new();
    fk_engine *fresh = NULL, *ext = NULL, *mapped = NULL;
    size_t i, nb = 0;
    char *fb;
    enum fk_put did;
    int64_t g, at;

    assert_non_null(d);
    snprintf(built, sizeof built, "%s/built.engine", f->dir);
    snprintf(before, sizeof before, "%s/before.engine", f->dir);
    snprintf(extended, sizeof extended, "%s/extended.engine", f->dir);
    assert_int_equal(fk_engine_save(f->eng, before, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    for (i = 0; i < sizeof more / sizeof more[0]; i++) {
        struct fk_sample_row s = {more[i].tube, more[i].site, f->pid[more[i].person], more[i].time,
                                  more[i].person == P6 ? T_START + 4 * HOUR : 0};

        assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
        assert_int_equal(did, FK_PUT_NEW);
        assert_int_equal(fk_engine_delta_add(d, &s, did), FK_OK);
    }
    for (i = 0; i < sizeof res / sizeof res[0]; i++)
        assert_int_equal(fk_store_put_result(f->st, &res[i], &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_engine_delta_size(d), sizeof more / sizeof more[0]);
    assert_int_equal(fk_store_generation(f->st, &g), FK_OK);
    assert_int_equal(fk_engine_build(f->st, &f->prof, &fresh, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_save(fresh, built, err, sizeof err), FK_OK);
    fb = read_file(built, &nb);
    assert_non_null(fb);
    /* from the engine built */
    assert_int_equal(fk_engine_extend(f->eng, d, f->st, &ext, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_save(ext, extended, err, sizeof err), FK_OK);
    assert_true(file_equals(extended, fb, nb));
    fk_engine_free(ext);
    ext = NULL;
    /* from its snapshot, mapped */
    assert_int_equal(fk_engine_map(f->st, &f->prof, before, &mapped, &at, err, sizeof err), FK_OK);
    assert_true(at < g);
    assert_int_equal(fk_engine_extend(mapped, d, f->st, &ext, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_save(ext, extended, err, sizeof err), FK_OK);
    assert_true(file_equals(extended, fb, nb));
    free(fb);
    fk_engine_free(ext);
    ext = NULL;
    /* A shipped time changed in place: not extended. */
    {
        struct fk_sample_row s = {"C001", "S2", f->pid[P6], T_START + 4 * HOUR,
                                  T_START + 6 * HOUR};

        assert_int_equal(fk_store_begin(f->st), FK_OK);
        assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
        assert_int_equal(did, FK_PUT_UPDATED);
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        assert_int_equal(fk_engine_delta_add(d, &s, did), FK_OK);
        assert_int_equal(fk_engine_extend(mapped, d, f->st, &ext, err, sizeof err), FK_EINVAL);
        assert_null(ext);
    }
    fk_engine_free(mapped);
    fk_engine_free(fresh);
    fk_engine_delta_free(d);
}

/* The CSV of table t (taken), in a new string the caller frees. */
static char *csv_of(fk_table *t)
{
    fk_buf b;
    char *s;

    fk_buf_init(&b, 0);
    assert_non_null(t);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), &b), FK_OK);
    s = strdup(b.data);
    fk_buf_fini(&b);
    fk_table_free(t);
    return s;
}

/* Damages byte at of the file at path. */
static void flip(const char *path, uint64_t at)
{
    assert_int_equal(flip_byte(path, (unsigned long)at), 0);
}

/* A mapped engine checks its blocks as it reads them (issue 19). With 64-byte blocks every
 * section has blocks of its own. A damaged block in a column that coverage and missing do not
 * read (the samples' person ids): both answer from the mapping, and the file stays as it is;
 * retest reads everything, so the engine is built again from the store, answers as the built
 * one does and writes the snapshot again. A damaged block in the residents' sample times, which
 * missing reads: missing builds again and answers the same. A damaged region section: the load
 * refuses the file. */
static void test_engine__mapped_checks_what_it_reads(void **state)
{
    static const int want[] = {P5, P11, P8};
    static const char *const lazy[] = {"s_pid", "o_time"};
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    char path[400], err[256] = "", *good, *a, *b;
    fk_engine *e = NULL;
    fk_table *t = NULL;
    uint64_t off, len;
    size_t n = 0, i;

    fk__snap_set_block(64);
    snprintf(path, sizeof path, "%s/lazy.engine", f->dir);
    assert_int_equal(fk_engine_save(f->eng, path, err, sizeof err), FK_OK);
    good = read_file(path, &n);
    assert_non_null(good);
    assert_int_equal(fk_engine_retest(f->eng, f->st, &r, &t, err, sizeof err), FK_OK);
    a = csv_of(t);
    for (i = 0; i < 2; i++) {
        assert_int_equal(fk__engine_snap_section(path, lazy[i], &off, &len), FK_OK);
        assert_true(len > 0);
        flip(path, off);
        assert_int_equal(fk_engine_load(f->st, &f->prof, path, &e, err, sizeof err), FK_OK);
        if (i == 0) {
            assert_int_equal(fk_engine_coverage(e, &r, FK_LEVEL_GRID, &f->t, err, sizeof err),
                             FK_OK);
            expect_csv(f, "region,name,residents,sampled,coverage\n"
                          "140702001001001,一网格,6,4,0.6667\n"
                          "140702001001002,二网格,4,3,0.7500\n"
                          "140702001001003,三网格,0,0,\n");
        }
        assert_int_equal(fk_engine_missing(e, f->st, &r, "140702", &f->t, err, sizeof err), FK_OK);
        expect_csv(f, missing_csv(f, want, 3));
        /* s_pid: still the damaged file (nothing read it); o_time: written again */
        assert_int_equal(file_equals(path, good, n), i == 1);
        if (i == 0) {
            assert_int_equal(fk_engine_retest(e, f->st, &r, &t, err, sizeof err), FK_OK);
            b = csv_of(t);
            assert_string_equal(b, a);
            free(b);
            assert_true(file_equals(path, good, n));
        }
        fk_engine_free(e);
        e = NULL;
    }
    /* A section read at load: the snapshot is refused (and so built again by fk_engine_open). */
    assert_int_equal(fk__engine_snap_section(path, "reg", &off, &len), FK_OK);
    flip(path, off + len - 1);
    assert_int_equal(fk_engine_load(f->st, &f->prof, path, &e, err, sizeof err), FK_ENOENT);
    assert_null(e);
    assert_non_null(strstr(err, "damaged"));
    free(a);
    free(good);
    fk__snap_set_block(0);
}

/* The mapped engine's missing list (each resident's sample times) is the built one's (the
 * round's bitset), for windows that take in and leave out samples exactly at their ends. */
static void test_engine__mapped_missing_is_built(void **state)
{
    static const int64_t widen[][2] = {{0, 0}, {-1, 1}, {1, -1}, {-86400, 0}, {0, 86400}};
    struct fixture *f = *state;
    char path[400], err[256] = "";
    fk_engine *e = NULL;
    size_t i, k;

    snprintf(path, sizeof path, "%s/missing.engine", f->dir);
    assert_int_equal(fk_engine_save(f->eng, path, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_load(f->st, &f->prof, path, &e, err, sizeof err), FK_OK);
    for (i = 0; i < sizeof widen / sizeof widen[0]; i++) {
        static const char *const where[] = {"140702", G1, G2, G3, "1407"};
        struct fk_round r = round_of((int64_t)(10 + i), "1407");

        r.start += widen[i][0];
        r.end += widen[i][1];
        for (k = 0; k < sizeof where / sizeof where[0]; k++) {
            fk_table *x = NULL, *y = NULL;
            char *a, *b;

            assert_int_equal(fk_engine_missing(f->eng, f->st, &r, where[k], &x, err, sizeof err),
                             FK_OK);
            assert_int_equal(fk_engine_missing(e, f->st, &r, where[k], &y, err, sizeof err), FK_OK);
            a = csv_of(x);
            b = csv_of(y);
            assert_string_equal(b, a);
            free(a);
            free(b);
        }
    }
    fk_engine_free(e);
}

static void test_engine__sync_rebuilds_after_commit(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, G1);
    struct fk_engine_stats s0, s1;
    char err[256] = "";

    fk_engine_stats(f->eng, &s0);
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,4,0.6667\n");
    add_p5_sample(f, 1);
    /* Before sync the engine still answers from its build. */
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,4,0.6667\n");
    assert_int_equal(fk_engine_sync(f->eng, err, sizeof err), FK_OK);
    fk_engine_stats(f->eng, &s1);
    assert_int_equal(s1.generation, s0.generation + 1);
    assert_int_equal(s1.samples, s0.samples + 1);
    assert_int_equal(s1.tubes, s0.tubes + 1);
    /* Same round id and window as before: a cached answer would be stale. */
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,5,0.8333\n");
}

static void test_engine__sync_noop_without_commit(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, G1);
    struct fk_engine_stats s0, s1;
    char err[256] = "";

    fk_engine_stats(f->eng, &s0);
    assert_int_equal(fk_engine_sync(f->eng, err, sizeof err), FK_OK);
    fk_engine_stats(f->eng, &s1);
    assert_int_equal(s1.generation, s0.generation);
    assert_int_equal(s1.samples, s0.samples);
    /* With a batch open (not committed), the generation has not moved, so sync must not
     * rebuild: a rebuild on this connection would see the uncommitted sample. */
    add_p5_sample(f, 0);
    assert_int_equal(fk_engine_sync(f->eng, err, sizeof err), FK_OK);
    fk_engine_stats(f->eng, &s1);
    assert_int_equal(s1.generation, s0.generation);
    assert_int_equal(s1.samples, s0.samples);
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n140702001001001,一网格,6,4,0.6667\n");
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    assert_int_equal(fk_engine_sync(f->eng, err, sizeof err), FK_OK);
    fk_engine_stats(f->eng, &s1);
    assert_int_equal(s1.samples, s0.samples);
}

static void test_engine__person_moves_grid(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    struct fk_person_row p;
    enum fk_put did;
    int64_t id;
    char err[256] = "";

    /* P11 (never sampled) moves from G1 to G3: G1 loses a resident, G3 gains a missing one. */
    memset(&p, 0, sizeof p);
    p.id_number = f->idn[P11];
    p.name = persons[P11].name;
    p.phone = persons[P11].phone;
    p.grid = G3;
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(id, f->pid[P11]);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_engine_sync(f->eng, err, sizeof err), FK_OK);
    assert_int_equal(fk_engine_coverage(f->eng, &r, FK_LEVEL_GRID, &f->t, err, sizeof err), FK_OK);
    expect_csv(f, "region,name,residents,sampled,coverage\n"
                  "140702001001001,一网格,5,4,0.8000\n"
                  "140702001001002,二网格,4,3,0.7500\n"
                  "140702001001003,三网格,1,0,0.0000\n");
}

static void test_engine__empty_store(void **state)
{
    struct fixture *f = *state;
    struct fk_round r = round_of(1, "140702");
    struct fk_engine_stats s;
    fk_store *st = NULL;
    fk_engine *e = NULL;
    char path[400], err[256] = "";
    int rc;

    memset(&s, 0, sizeof s);
    snprintf(path, sizeof path, "%s/empty.db", f->dir);
    assert_int_equal(fk_store_open(path, &st, err, sizeof err), FK_OK);
    rc = fk_engine_build(st, &f->prof, &e, err, sizeof err);
    if (rc == FK_OK) {
        fk_engine_stats(e, &s);
        rc = fk_engine_coverage(e, &r, FK_LEVEL_GRID, &f->t, err, sizeof err);
    }
    fk_engine_free(e);
    fk_store_close(st);
    assert_int_equal(rc, FK_ENOENT);
    assert_null(f->t);
    assert_int_equal(s.regions, 0);
    assert_int_equal(s.persons, 0);
    assert_int_equal(s.samples, 0);
    assert_int_equal(s.generation, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_engine__stats_and_lookups),
        T(test_engine__coverage_by_grid),
        T(test_engine__coverage_upper_levels),
        T(test_engine__coverage_window_edges),
        T(test_engine__coverage_unknown_round_region),
        T(test_engine__missing),
        T(test_engine__names_through_callers_store),
        T(test_engine__missing_region_errors),
        T(test_engine__retest),
        T(test_engine__retest_pool_min_from_profile),
        T(test_engine__as_of),
        T(test_engine__tat_by_site),
        T(test_engine__tat_now_boundary),
        T(test_engine__tat_by_region),
        T(test_engine__tat_by_lab),
        T(test_engine__tat_limit_from_profile),
        T(test_engine__tat_overdue),
        T(test_engine__tat_unknown_round_region),
        T(test_engine__extend_is_a_build),
        T(test_engine__mapped_checks_what_it_reads),
        T(test_engine__mapped_missing_is_built),
        T(test_engine__sync_rebuilds_after_commit),
        T(test_engine__sync_noop_without_commit),
        T(test_engine__person_moves_grid),
        T(test_engine__empty_store),
    };
#undef T

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
