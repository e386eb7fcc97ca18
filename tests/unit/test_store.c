/* SPDX-License-Identifier: MIT */
/* Unit tests of the store (include/fk/store.h) over its SQLite backend, each in a fresh data file
 * in a mkdtemp folder: schema creation, what every put reports (new, same, updated, older), batch
 * semantics (rollback leaves nothing, commit bumps the generation), rounds, iteration order,
 * durability across close and open, and clean failure on a file that is not a database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/action.h"
#include "fk/error.h"
#include "fk/region.h"
#include "fk/store.h"

#include "testutil.h"

static int setup(void **state)
{
    return store_fixture_open(state, "store");
}

static int teardown(void **state)
{
    return store_fixture_close(state);
}

/* A value no put reports, to see that each sets *did. */
#define UNSET ((enum fk_put)99)

/* A non-NULL store pointer, to see that a failed open sets *out to NULL. */
static fk_store *not_null(void)
{
    static int dummy;

    return (fk_store *)(void *)&dummy;
}

static int64_t count(fk_store *st, const char *table)
{
    int64_t n = -1;

    assert_int_equal(fk_store_count(st, table, &n), FK_OK);
    return n;
}

static int64_t generation(fk_store *st)
{
    int64_t g = -1;

    assert_int_equal(fk_store_generation(st, &g), FK_OK);
    return g;
}

static enum fk_put put_region(fk_store *st, const char *code, const char *name, int level,
                              const char *parent)
{
    struct fk_region_row r = {code, name, parent, level, NULL, NULL, NULL, NULL};
    enum fk_put did = UNSET;

    assert_int_equal(fk_store_put_region(st, &r, &did), FK_OK);
    return did;
}

static enum fk_put put_person(fk_store *st, const char *idn, const char *name, const char *grid,
                              const char *phone, int64_t *id)
{
    struct fk_person_row p;
    enum fk_put did = UNSET;

    memset(&p, 0, sizeof p);
    p.id_number = idn;
    p.name = name;
    p.grid = grid;
    p.phone = phone;
    assert_int_equal(fk_store_put_person(st, &p, id, &did), FK_OK);
    return did;
}

static enum fk_put add_sample(fk_store *st, const char *tube, int64_t person, int64_t t,
                              const char *site)
{
    struct fk_sample_row s = {tube, site, person, t, 0};
    enum fk_put did = UNSET;

    assert_int_equal(fk_store_add_sample(st, &s, &did), FK_OK);
    return did;
}

static enum fk_put put_result(fk_store *st, const char *tube, int result, int64_t t,
                              const char *lab, int64_t received)
{
    struct fk_result_row r = {tube, lab, result, t, received};
    enum fk_put did = UNSET;

    assert_int_equal(fk_store_put_result(st, &r, &did), FK_OK);
    return did;
}

static void test_store__open_creates_schema(void **state)
{
    static const char *tables[] = {"regions", "persons", "venues", "scans", "pings",
                                   "samples", "results", "cases",  "rounds"};
    struct store_fixture *f = *state;
    int64_t n = 99;
    size_t i;

    for (i = 0; i < sizeof tables / sizeof tables[0]; i++)
        assert_int_equal(count(f->st, tables[i]), 0);
    assert_int_equal(generation(f->st), 0);
    if (!test_pg())
        assert_int_equal(access(f->path, F_OK), 0);
    assert_int_equal(fk_store_count(f->st, "sqlite_master", &n), FK_EINVAL);
    assert_int_equal(fk_store_count(f->st, "persons; DROP TABLE persons", &n), FK_EINVAL);
    assert_int_equal(count(f->st, "persons"), 0);
}

/* A PostgreSQL URI is refused by a build without PostgreSQL, and a server that is not there is
 * named in the error of one with it; either way nothing is opened. */
static void test_store__postgres_uri(void **state)
{
    const char *uri = "postgresql:///fk?host=/nonexistent/fk-no-server&connect_timeout=2";
    fk_store *st = not_null();
    char err[512] = "";
    int rc = fk_store_open(uri, &st, err, sizeof err);

    assert_null(st);
#ifdef FK_WITH_POSTGRES
    assert_int_equal(rc, FK_EIO);
    assert_non_null(strstr(err, "cannot connect"));
    assert_non_null(strstr(err, uri));
#else
    assert_int_equal(rc, FK_EINVAL);
    assert_non_null(strstr(err, "PostgreSQL"));
#endif
    assert_int_equal(fk_store_is_pg("postgres://h/db"), 1);
    assert_int_equal(fk_store_is_pg("/tmp/postgresql.db"), 0);
}

static void test_store__put_region(void **state)
{
    struct store_fixture *f = *state;
    struct fk_region_row r;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, ""), FK_PUT_NEW);
    assert_int_equal(put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700"), FK_PUT_NEW);
    assert_int_equal(put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700"), FK_PUT_SAME);
    assert_int_equal(put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, NULL), FK_PUT_SAME);
    assert_int_equal(put_region(f->st, "140702", "榆次", FK_LEVEL_COUNTY, "140700"),
                     FK_PUT_UPDATED);
    assert_int_equal(put_region(f->st, "140702", "榆次", FK_LEVEL_TOWNSHIP, "140700"),
                     FK_PUT_UPDATED);
    assert_int_equal(put_region(f->st, "140702", "榆次", FK_LEVEL_TOWNSHIP, "14"), FK_PUT_UPDATED);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "regions"), 2);
    assert_int_equal(fk_store_get_region(f->st, "140702", &r), FK_OK);
    assert_string_equal(r.code, "140702");
    assert_string_equal(r.name, "榆次");
    assert_int_equal(r.level, FK_LEVEL_TOWNSHIP);
    assert_string_equal(r.parent, "14");
    assert_int_equal(fk_store_get_region(f->st, "140700", &r), FK_OK);
    assert_string_equal(r.name, "晋中市");
    assert_int_equal(r.level, FK_LEVEL_CITY);
    assert_string_equal(r.parent, "");
    assert_int_equal(fk_store_get_region(f->st, "999999", &r), FK_ENOENT);
}

static void test_store__put_person(void **state)
{
    struct store_fixture *f = *state;
    struct fk_person_row p;
    int64_t id = -1, id2 = -1, again = -1;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_person(f->st, "140702199001011231", "张三", "G1", "13800000000", &id),
                     FK_PUT_NEW);
    assert_true(id > 0);
    assert_int_equal(put_person(f->st, "140702199001011231", "张三", "G1", "13800000000", &again),
                     FK_PUT_SAME);
    assert_int_equal(again, id);
    assert_int_equal(put_person(f->st, "11010519491231002X", "李四", "G1", NULL, &id2), FK_PUT_NEW);
    assert_true(id2 > 0);
    assert_true(id2 != id);
    /* A NULL and an empty optional string are the same thing. */
    assert_int_equal(put_person(f->st, "11010519491231002X", "李四", "G1", "", &again),
                     FK_PUT_SAME);
    assert_int_equal(again, id2);
    /* A new grid moves the person: same id, new grid. */
    assert_int_equal(put_person(f->st, "140702199001011231", "张三", "G2", "13800000000", &again),
                     FK_PUT_UPDATED);
    assert_int_equal(again, id);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "persons"), 2);
    assert_int_equal(fk_store_get_person(f->st, id, &p), FK_OK);
    assert_int_equal(p.id, id);
    assert_string_equal(p.id_number, "140702199001011231");
    assert_string_equal(p.name, "张三");
    assert_string_equal(p.grid, "G2");
    assert_string_equal(p.phone, "13800000000");
    assert_string_equal(p.household, "");
    assert_string_equal(p.tags, "");
    assert_int_equal(p.id_type, 0);
    assert_int_equal(fk_store_get_person(f->st, id2, &p), FK_OK);
    assert_string_equal(p.name, "李四");
    assert_string_equal(p.phone, "");
    assert_int_equal(fk_store_get_person(f->st, id2 + 1000, &p), FK_ENOENT);
}

static void test_store__put_person_each_field_counts(void **state)
{
    struct store_fixture *f = *state;
    struct fk_person_row p;
    enum fk_put did;
    int64_t id, id0;

    memset(&p, 0, sizeof p);
    p.id_number = "P1234567";
    p.name = "A";
    p.grid = "G1";
    p.id_type = 1;
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_person(f->st, &p, &id0, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    p.household = "H1";
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    p.tags = "coldchain;driver";
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    p.id_type = 4;
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(id, id0);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_get_person(f->st, id0, &p), FK_OK);
    assert_string_equal(p.household, "H1");
    assert_string_equal(p.tags, "coldchain;driver");
    assert_int_equal(p.id_type, 4);
}

static void test_store__put_venue(void **state)
{
    struct store_fixture *f = *state;
    struct fk_venue_row v = {0, "V001", "超市", "market", "G1", NULL, NULL};
    enum fk_put did;
    int64_t id = -1, again = -1;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_venue(f->st, &v, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_true(id > 0);
    assert_int_equal(fk_store_put_venue(f->st, &v, &again, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(again, id);
    v.grid = "G2";
    assert_int_equal(fk_store_put_venue(f->st, &v, &again, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(again, id);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "venues"), 1);
}

static int venue_coords(void *ud, const struct fk_venue_row *v)
{
    char *out = ud;

    snprintf(out, 64, "%s %s,%s", v->code, v->lon, v->lat);
    return 0;
}

/* A venue's lon,lat: set by a put that gives them, kept by one that does not (NULL: a file
 * without the columns), cleared by one that gives "" (a file with the columns left empty). */
static void test_store__venue_coords_kept(void **state)
{
    struct store_fixture *f = *state;
    struct fk_venue_row v = {0, "V1", "超市", "market", "G1", "112.75", "37.69"};
    enum fk_put did;
    int64_t id;
    char seen[64];

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_venue(f->st, &v, &id, &did), FK_OK);
    v.lon = v.lat = NULL;
    v.name = "超市二";
    assert_int_equal(fk_store_put_venue(f->st, &v, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_each_venue(f->st, venue_coords, seen), FK_OK);
    assert_string_equal(seen, "V1 112.75,37.69");
    v.lon = v.lat = "";
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_venue(f->st, &v, &id, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_each_venue(f->st, venue_coords, seen), FK_OK);
    assert_string_equal(seen, "V1 ,");
}

static void test_store__events_duplicate_same(void **state)
{
    struct store_fixture *f = *state;
    enum fk_put did;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_add_scan(f->st, 1, 2, 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_store_add_scan(f->st, 1, 2, 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_store_add_scan(f->st, 1, 2, 1001, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_store_add_ping(f->st, 1, "C1", 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_store_add_ping(f->st, 1, "C1", 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_store_add_ping(f->st, 1, "C2", 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(add_sample(f->st, "T1", 1, 1000, "S1"), FK_PUT_NEW);
    assert_int_equal(add_sample(f->st, "T1", 1, 1000, "S1"), FK_PUT_SAME);
    /* A sample's key is (tube, person): the same pair at another time is still the same. */
    assert_int_equal(add_sample(f->st, "T1", 1, 2000, "S1"), FK_PUT_SAME);
    assert_int_equal(add_sample(f->st, "T1", 2, 1000, "S1"), FK_PUT_NEW);
    assert_int_equal(add_sample(f->st, "T10", 1, 1000, "S1"), FK_PUT_NEW);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "scans"), 2);
    assert_int_equal(count(f->st, "pings"), 2);
    assert_int_equal(count(f->st, "samples"), 3);
    assert_int_equal(fk_store_tube_exists(f->st, "T1"), FK_OK);
    assert_int_equal(fk_store_tube_exists(f->st, "T10"), FK_OK);
    assert_int_equal(fk_store_tube_exists(f->st, "T100"), FK_ENOENT);
}

struct results {
    size_t n;
    char tube[8][16], lab[8][16];
    int result[8];
    int64_t time[8], received[8];
};

static int on_result(void *ud, const struct fk_result_row *r)
{
    struct results *rs = ud;

    if (rs->n < 8) {
        snprintf(rs->tube[rs->n], sizeof rs->tube[0], "%s", r->tube);
        snprintf(rs->lab[rs->n], sizeof rs->lab[0], "%s", r->lab);
        rs->result[rs->n] = r->result;
        rs->time[rs->n] = r->time;
        rs->received[rs->n] = r->received;
    }
    rs->n++;
    return 0;
}

static void test_store__put_result_later_wins(void **state)
{
    struct store_fixture *f = *state;
    struct results rs;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_NEGATIVE, 5000, "LabA", 4000), FK_PUT_NEW);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_NEGATIVE, 5000, "LabA", 4000), FK_PUT_SAME);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_POSITIVE, 6000, "LabB", 4500),
                     FK_PUT_UPDATED);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_INVALID, 5999, "LabC", 0), FK_PUT_OLDER);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_NEGATIVE, 1, "LabA", 4000), FK_PUT_OLDER);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_POSITIVE, 6000, "LabB", 4500), FK_PUT_SAME);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    memset(&rs, 0, sizeof rs);
    assert_int_equal(fk_store_each_result(f->st, on_result, &rs), FK_OK);
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.tube[0], "T1");
    assert_int_equal(rs.result[0], FK_RESULT_POSITIVE);
    assert_int_equal(rs.time[0], 6000);
    assert_string_equal(rs.lab[0], "LabB");
    assert_int_equal(rs.received[0], 4500);
    assert_int_equal(count(f->st, "results"), 1);
}

static void test_store__put_case(void **state)
{
    struct store_fixture *f = *state;
    struct fk_case_row c = {7, 10000, 0, 0, FK_CASE_CONFIRMED, 0};
    enum fk_put did;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    c.onset = 9000;
    assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    c.kind = FK_CASE_ASYMPTOMATIC;
    assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    /* A reported time (issue 17) is stored; a row that does not say (< 0) keeps it. */
    {
        struct fk_case_row got;

        c.reported = 9500;
        assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
        assert_int_equal(did, FK_PUT_UPDATED);
        c.reported = -1;
        assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
        assert_int_equal(did, FK_PUT_SAME);
        assert_int_equal(fk_store_get_case(f->st, 7, &got), FK_OK);
        assert_int_equal(got.reported, 9500);
        c.reported = 0;
        assert_int_equal(fk_store_put_case(f->st, &c, &did), FK_OK);
        assert_int_equal(did, FK_PUT_UPDATED);
        c.reported = -1;
    }
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "cases"), 1);
}

static void test_store__rollback_leaves_nothing(void **state)
{
    struct store_fixture *f = *state;
    struct fk_region_row r;
    int64_t id;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(generation(f->st), 1);

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700"), FK_PUT_NEW);
    assert_int_equal(put_region(f->st, "140700", "改名", FK_LEVEL_CITY, ""), FK_PUT_UPDATED);
    assert_int_equal(put_person(f->st, "140702199001011231", "张三", "G1", NULL, &id), FK_PUT_NEW);
    assert_int_equal(add_sample(f->st, "T1", id, 1000, ""), FK_PUT_NEW);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_NEGATIVE, 2000, "", 0), FK_PUT_NEW);
    assert_int_equal(fk_store_rollback(f->st), FK_OK);

    assert_int_equal(count(f->st, "regions"), 1);
    assert_int_equal(count(f->st, "persons"), 0);
    assert_int_equal(count(f->st, "samples"), 0);
    assert_int_equal(count(f->st, "results"), 0);
    assert_int_equal(generation(f->st), 1);
    assert_int_equal(fk_store_get_region(f->st, "140702", &r), FK_ENOENT);
    assert_int_equal(fk_store_get_region(f->st, "140700", &r), FK_OK);
    assert_string_equal(r.name, "晋中市");
    /* A rollback with no batch open does nothing and is not an error. */
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    /* The store is usable after a rollback. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700"), FK_PUT_NEW);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "regions"), 2);
    assert_int_equal(generation(f->st), 2);
}

static void test_store__commit_bumps_generation(void **state)
{
    struct store_fixture *f = *state;
    int64_t i;

    assert_int_equal(generation(f->st), 0);
    for (i = 1; i <= 3; i++) {
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
        /* Not counted until it commits. */
        assert_int_equal(generation(f->st), i - 1);
        assert_int_equal(fk_store_commit(f->st), FK_OK);
        assert_int_equal(generation(f->st), i);
    }
}

static int64_t index_generation(fk_store *st, unsigned feeds)
{
    int64_t g = -1;

    assert_int_equal(fk_store_index_generation(st, feeds, &g), FK_OK);
    return g;
}

/* Each index's generation (issue 19) moves with a commit that changed what that index reads, and
 * with nothing else: a snapshot of the tracer outlives samples, both outlive a round, and the
 * roster (persons alone) outlives samples and scans. */
static void test_store__index_generations(void **state)
{
    struct store_fixture *f = *state;
    struct fk_venue_row v = {0, "V1", "超市", "", "G1", NULL, NULL};
    struct fk_round r;
    enum fk_put did;
    int64_t pid, vid, g;

    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 0);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 0);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ROSTER), 0);
    assert_int_equal(fk_store_index_generation(f->st, 8u, &g), FK_EINVAL);
    /* A person: all three. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "G1", "一格", FK_LEVEL_GRID, "");
    put_person(f->st, "140702199001011231", "张三", "G1", NULL, &pid);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 1);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 1);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ROSTER), 1);
    /* A sample: the engine's alone. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add_sample(f->st, "T1", pid, 1000, "");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 2);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 1);
    /* A venue and a scan: the tracer's alone. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_venue(f->st, &v, &vid, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(f->st, pid, vid, 1000, &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(generation(f->st), 3);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 2);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 3);
    /* The same rows again change nothing: neither moves, though the generation does. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(add_sample(f->st, "T1", pid, 1000, ""), FK_PUT_SAME);
    assert_int_equal(fk_store_add_scan(f->st, pid, vid, 1000, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(generation(f->st), 4);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 2);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 3);
    /* A round moves neither. */
    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "R1");
    snprintf(r.region, sizeof r.region, "G1");
    r.start = 0;
    r.end = 2000;
    assert_int_equal(fk_store_add_round(f->st, &r), FK_OK);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 2);
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 3);
    /* A rolled-back write moves nothing, and leaves no mark on the next batch. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    add_sample(f->st, "T2", pid, 1100, "");
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), 2);
    /* A result: the engine's, at the generation of its commit. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_result(f->st, "T1", FK_RESULT_NEGATIVE, 2000, "", 0);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ENGINE), generation(f->st));
    assert_int_equal(index_generation(f->st, FK_FEEDS_TRACER), 3);
    assert_int_equal(index_generation(f->st, FK_FEEDS_ROSTER), 1);
}

/* A samples row that brings a shipped time to a stored row fills it in and says so (updated, not
 * added: an index extended with the rows added must not add it twice); the same row again is
 * the same; a row without a shipped time never clears one. */
static void test_store__sample_shipped_is_an_update(void **state)
{
    struct fk_sample_row s = {"T1", "S1", 0, 1000, 0};
    struct store_fixture *f = *state;
    enum fk_put did;
    int64_t pid;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_person(f->st, "140702199001011231", "张三", "G1", NULL, &pid);
    s.person = pid;
    assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    s.shipped = 1800;
    assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    s.shipped = 0;
    assert_int_equal(fk_store_add_sample(f->st, &s, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "samples"), 1);
}

/* A commit with no batch open is an error and must not count as a batch. */
static void test_store__commit_without_batch_changes_nothing(void **state)
{
    struct store_fixture *f = *state;

    assert_int_equal(generation(f->st), 0);
    assert_int_not_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(generation(f->st), 0);
}

/* What get_person gives back is what was put, however long. */
static void test_store__get_person_long_fields_whole(void **state)
{
    struct store_fixture *f = *state;
    struct fk_person_row p;
    char name[401], tags[1001];
    int64_t id;

    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memset(tags, 't', sizeof tags - 1);
    tags[sizeof tags - 1] = '\0';
    memset(&p, 0, sizeof p);
    p.id_number = "140702199001011231";
    p.name = name;
    p.grid = "G1";
    p.tags = tags;
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    {
        enum fk_put did;

        assert_int_equal(fk_store_put_person(f->st, &p, &id, &did), FK_OK);
    }
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_get_person(f->st, id, &p), FK_OK);
    assert_int_equal(strlen(p.name), 400);
    assert_int_equal(strlen(p.tags), 1000);
}

struct rounds {
    size_t n;
    char names[4][FK_ROUND_NAME_MAX];
    int64_t ids[4];
};

static int on_round(void *ud, const struct fk_round *r)
{
    struct rounds *rs = ud;

    if (rs->n < 4) {
        snprintf(rs->names[rs->n], sizeof rs->names[0], "%s", r->name);
        rs->ids[rs->n] = r->id;
    }
    rs->n++;
    return 0;
}

static struct fk_round make_round(const char *name, const char *region, int64_t start, int64_t end)
{
    struct fk_round r;

    memset(&r, 0, sizeof r);
    snprintf(r.name, sizeof r.name, "%s", name);
    snprintf(r.region, sizeof r.region, "%s", region);
    r.start = start;
    r.end = end;
    return r;
}

static void test_store__rounds(void **state)
{
    struct store_fixture *f = *state;
    struct fk_round a = make_round("R1", "140702", 1000, 2000);
    struct fk_round b = make_round("第二轮", "140700", 3000, 4000);
    struct fk_round dup = make_round("R1", "140700", 5, 6);
    struct fk_round got;
    struct rounds rs;
    int64_t before = (int64_t)time(NULL);

    assert_int_equal(fk_store_add_round(f->st, &a), FK_OK);
    assert_true(a.id > 0);
    assert_true(a.created >= before && a.created <= (int64_t)time(NULL));
    assert_int_equal(fk_store_add_round(f->st, &b), FK_OK);
    assert_true(b.id > a.id);
    assert_int_equal(fk_store_add_round(f->st, &dup), FK_ECONFLICT);
    assert_non_null(strstr(fk_store_errmsg(f->st), "R1"));
    assert_int_equal(count(f->st, "rounds"), 2);

    assert_int_equal(fk_store_get_round(f->st, "R1", &got), FK_OK);
    assert_int_equal(got.id, a.id);
    assert_string_equal(got.name, "R1");
    assert_string_equal(got.region, "140702");
    assert_int_equal(got.start, 1000);
    assert_int_equal(got.end, 2000);
    assert_int_equal(got.created, a.created);
    assert_int_equal(fk_store_get_round(f->st, "第二轮", &got), FK_OK);
    assert_string_equal(got.region, "140700");
    assert_int_equal(fk_store_get_round(f->st, "R3", &got), FK_ENOENT);

    memset(&rs, 0, sizeof rs);
    assert_int_equal(fk_store_each_round(f->st, on_round, &rs), FK_OK);
    assert_int_equal(rs.n, 2);
    assert_string_equal(rs.names[0], "R1");
    assert_string_equal(rs.names[1], "第二轮");
    assert_int_equal(rs.ids[0], a.id);
    assert_int_equal(rs.ids[1], b.id);
}

struct codes {
    size_t n;
    char code[8][24];
    int64_t id[8];
    int stop_at; /* return 42 on this row (1-based); 0 never */
};

static int on_region_code(void *ud, const struct fk_region_row *r)
{
    struct codes *c = ud;

    if (c->n < 8)
        snprintf(c->code[c->n], sizeof c->code[0], "%s", r->code);
    c->n++;
    return c->stop_at && (int)c->n == c->stop_at ? 42 : 0;
}

static int on_person_key(void *ud, const struct fk_person_row *p)
{
    struct codes *c = ud;

    if (c->n < 8) {
        snprintf(c->code[c->n], sizeof c->code[0], "%s/%s", p->id_number, p->grid);
        c->id[c->n] = p->id;
    }
    c->n++;
    return 0;
}

static int on_sample_key(void *ud, const struct fk_sample_row *s)
{
    struct codes *c = ud;

    if (c->n < 8) {
        snprintf(c->code[c->n], sizeof c->code[0], "%s/%lld/%s", s->tube, (long long)s->person,
                 s->site);
        c->id[c->n] = s->time;
    }
    c->n++;
    return 0;
}

static void test_store__each_in_key_order(void **state)
{
    struct store_fixture *f = *state;
    struct codes c;
    int64_t id1, id2;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "B", "b", FK_LEVEL_CITY, "");
    put_region(f->st, "A", "a", FK_LEVEL_CITY, "");
    put_region(f->st, "C", "c", FK_LEVEL_CITY, "");
    put_person(f->st, "X2", "x2", "G9", NULL, &id1);
    put_person(f->st, "X1", "x1", "G8", NULL, &id2);
    add_sample(f->st, "T2", id1, 30, "S2");
    add_sample(f->st, "T1", id2, 20, "S1");
    add_sample(f->st, "T1", id1, 10, "S1");
    assert_int_equal(fk_store_commit(f->st), FK_OK);

    memset(&c, 0, sizeof c);
    assert_int_equal(fk_store_each_region(f->st, on_region_code, &c), FK_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.code[0], "A");
    assert_string_equal(c.code[1], "B");
    assert_string_equal(c.code[2], "C");

    /* A non-zero return stops the walk and comes back. */
    memset(&c, 0, sizeof c);
    c.stop_at = 2;
    assert_int_equal(fk_store_each_region(f->st, on_region_code, &c), 42);
    assert_int_equal(c.n, 2);

    memset(&c, 0, sizeof c);
    assert_int_equal(fk_store_each_person_key(f->st, on_person_key, &c), FK_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.code[0], "X2/G9"); /* by id: X2 came first */
    assert_int_equal(c.id[0], id1);
    assert_string_equal(c.code[1], "X1/G8");
    assert_int_equal(c.id[1], id2);

    memset(&c, 0, sizeof c);
    assert_int_equal(fk_store_each_sample(f->st, on_sample_key, &c), FK_OK);
    assert_int_equal(c.n, 3);
    /* (tube, person) order */
    {
        char want[3][24];

        snprintf(want[0], sizeof want[0], "T1/%lld/S1", (long long)id1);
        snprintf(want[1], sizeof want[1], "T1/%lld/S1", (long long)id2);
        snprintf(want[2], sizeof want[2], "T2/%lld/S2", (long long)id1);
        assert_string_equal(c.code[0], want[0]);
        assert_string_equal(c.code[1], want[1]);
        assert_string_equal(c.code[2], want[2]);
        assert_int_equal(c.id[0], 10);
        assert_int_equal(c.id[1], 20);
        assert_int_equal(c.id[2], 30);
    }
}

/* What fk_store_each_person_shown gave: each person's fields as get_person would show them. */
struct shown {
    size_t n;
    int64_t id[4];
    char row[4][600];
    int stop_at; /* return 42 on this row (1-based); 0 never */
};

static int on_person_shown(void *ud, const struct fk_person_row *p)
{
    struct shown *sh = ud;

    /* Only what output shows is filled: the household and tags are the engine's. */
    assert_null(p->household);
    assert_null(p->tags);
    if (sh->n < 4) {
        sh->id[sh->n] = p->id;
        snprintf(sh->row[sh->n], sizeof sh->row[0], "%s|%s|%s|%s", p->id_number, p->name, p->phone,
                 p->grid);
    }
    sh->n++;
    return sh->stop_at && (int)sh->n == sh->stop_at ? 42 : 0;
}

/* The walk of what output shows (the roster's source) gives every person by id with the ID
 * number, name, phone and grid get_person gives: an empty phone as "", a long name whole; a
 * non-zero return stops it. */
static void test_store__each_person_shown(void **state)
{
    struct store_fixture *f = *state;
    struct fk_person_row p;
    struct shown sh;
    char name[401], want[600];
    int64_t id[3];
    size_t i;

    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_person(f->st, "X2", "李四", "G9", "13900000002", &id[0]);
    put_person(f->st, "X1", "", "G8", NULL, &id[1]);
    put_person(f->st, "X3", name, "G9", "", &id[2]);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    memset(&sh, 0, sizeof sh);
    assert_int_equal(fk_store_each_person_shown(f->st, on_person_shown, &sh), FK_OK);
    assert_int_equal(sh.n, 3);
    for (i = 0; i < 3; i++) {
        assert_int_equal(sh.id[i], id[i]); /* by id: in the order they were put */
        assert_int_equal(fk_store_get_person(f->st, id[i], &p), FK_OK);
        snprintf(want, sizeof want, "%s|%s|%s|%s", p.id_number, p.name, p.phone, p.grid);
        assert_string_equal(sh.row[i], want);
    }
    assert_string_equal(sh.row[0], "X2|李四|13900000002|G9");
    assert_string_equal(sh.row[1], "X1|||G8");
    memset(&sh, 0, sizeof sh);
    sh.stop_at = 2;
    assert_int_equal(fk_store_each_person_shown(f->st, on_person_shown, &sh), 42);
    assert_int_equal(sh.n, 2);
}

/* Everything committed is there after close and open; an uncommitted batch is not. */
static void test_store__reopen_keeps_everything(void **state)
{
    struct store_fixture *f = *state;
    struct fk_round r = make_round("R1", "140700", 100, 200), got;
    struct fk_person_row p;
    char err[256] = "";
    int64_t id, vid;
    enum fk_put did;
    struct fk_venue_row v = {0, "V1", "venue", "", "G1", NULL, NULL};
    struct fk_case_row k = {1, 500, 0, 0, 0, 0};

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    put_person(f->st, "140702199001011231", "张三", "G1", "138", &id);
    assert_int_equal(fk_store_put_venue(f->st, &v, &vid, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(f->st, id, vid, 100, &did), FK_OK);
    assert_int_equal(fk_store_add_ping(f->st, id, "C1", 100, &did), FK_OK);
    add_sample(f->st, "T1", id, 150, "S1");
    put_result(f->st, "T1", FK_RESULT_POSITIVE, 180, "L1", 160);
    assert_int_equal(fk_store_put_case(f->st, &k, &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_add_round(f->st, &r), FK_OK);
    /* A batch left open at close is lost. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700");

    fk_store_close(f->st);
    f->st = NULL;
    assert_int_equal(fk_store_open(f->path, &f->st, err, sizeof err), FK_OK);
    assert_non_null(f->st);

    assert_int_equal(generation(f->st), 1);
    assert_int_equal(count(f->st, "regions"), 1);
    assert_int_equal(count(f->st, "persons"), 1);
    assert_int_equal(count(f->st, "venues"), 1);
    assert_int_equal(count(f->st, "scans"), 1);
    assert_int_equal(count(f->st, "pings"), 1);
    assert_int_equal(count(f->st, "samples"), 1);
    assert_int_equal(count(f->st, "results"), 1);
    assert_int_equal(count(f->st, "cases"), 1);
    assert_int_equal(count(f->st, "rounds"), 1);
    assert_int_equal(fk_store_get_person(f->st, id, &p), FK_OK);
    assert_string_equal(p.name, "张三");
    assert_string_equal(p.grid, "G1");
    assert_int_equal(fk_store_get_round(f->st, "R1", &got), FK_OK);
    assert_int_equal(got.start, 100);
    assert_int_equal(got.end, 200);
    /* The reopened store reports the same puts as identical. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_person(f->st, "140702199001011231", "张三", "G1", "138", &id),
                     FK_PUT_SAME);
    assert_int_equal(put_result(f->st, "T1", FK_RESULT_NEGATIVE, 170, "L1", 160), FK_PUT_OLDER);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(generation(f->st), 2);
}

static void test_store__open_garbage_fails_cleanly(void **state)
{
    struct store_fixture *f = *state;
    char path[400], err[512];
    fk_store *st = not_null();
    FILE *fp;
    int i, rc;

    if (test_pg())
        skip(); /* a data file's failure */
    snprintf(path, sizeof path, "%s/garbage.db", f->dir);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    for (i = 0; i < 8192; i++)
        fputc((i * 7919 + 13) & 0xff, fp);
    assert_int_equal(fclose(fp), 0);
    err[0] = '\0';
    rc = fk_store_open(path, &st, err, sizeof err);
    assert_true(rc == FK_EDB || rc == FK_EIO);
    assert_null(st);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "not a"));
}

static void test_store__open_missing_folder_fails(void **state)
{
    struct store_fixture *f = *state;
    char path[400], err[512] = "";
    fk_store *st = not_null();
    int rc;

    if (test_pg())
        skip(); /* a data file's failure */
    snprintf(path, sizeof path, "%s/no/such/folder/fangkong.db", f->dir);
    rc = fk_store_open(path, &st, err, sizeof err);
    assert_int_not_equal(rc, FK_OK);
    assert_null(st);
    assert_non_null(strstr(err, path));
}

/* Region inside-ness walks the store's tree; the audit trail is cut to a reader's scope. */
static void test_store__region_inside(void **state)
{
    struct store_fixture *f = *state;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, "");
    put_region(f->st, "1407", "晋中市", FK_LEVEL_CITY, "14");
    put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "1407");
    put_region(f->st, "140703", "太谷区", FK_LEVEL_COUNTY, "1407");
    put_region(f->st, "140702001", "街道", FK_LEVEL_TOWNSHIP, "140702");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_region_inside(f->st, "140702001", "140702"), 1);
    assert_int_equal(fk_store_region_inside(f->st, "140702001", "14"), 1);
    assert_int_equal(fk_store_region_inside(f->st, "140702", "140702"), 1);
    assert_int_equal(fk_store_region_inside(f->st, "140702001", "140703"), 0);
    assert_int_equal(fk_store_region_inside(f->st, "1407", "140702"), 0);
    assert_int_equal(fk_store_region_inside(f->st, "999", "14"), 0);
    assert_int_equal(fk_store_region_inside(f->st, "140702", "999"), 0);
}

static int audit_whos(void *ud, const struct fk_audit_row *a)
{
    char *out = ud;
    size_t n = strlen(out);

    snprintf(out + n, 256 - n, "%s%s@%s", n ? " " : "", a->who, a->region);
    return 0;
}

static void test_store__audit_cut_to_scope(void **state)
{
    struct store_fixture *f = *state;
    char got[256];

    test_store__region_inside(state);
    fk_store_set_audit_region(f->st, "140702001");
    assert_int_equal(fk_store_audit(f->st, "yuci-desk", "import", "persons", "%s", ""), FK_OK);
    fk_store_set_audit_region(f->st, "140703");
    assert_int_equal(fk_store_audit(f->st, "taigu", "import", "persons", "%s", ""), FK_OK);
    fk_store_set_audit_region(f->st, NULL);
    assert_int_equal(fk_store_audit(f->st, "cli:root", "import", "regions", "%s", ""), FK_OK);
    {
        struct fk_audit_row a = {0, 0, "taigu", "user.add", "x", "", "140702"};

        assert_int_equal(fk_store_add_audit(f->st, &a), FK_OK); /* its own, about 榆次区 */
    }
    got[0] = '\0';
    assert_int_equal(fk_store_each_audit_in(f->st, 0, NULL, NULL, audit_whos, got), FK_OK);
    assert_string_equal(got, "yuci-desk@140702001 taigu@140703 cli:root@ taigu@140702");
    got[0] = '\0';
    assert_int_equal(fk_store_each_audit_in(f->st, 0, "140702", "yuci", audit_whos, got), FK_OK);
    assert_string_equal(got, "yuci-desk@140702001 taigu@140702");
    got[0] = '\0';
    assert_int_equal(fk_store_each_audit_in(f->st, 0, "140703", "taigu", audit_whos, got), FK_OK);
    assert_string_equal(got, "taigu@140703 taigu@140702");
    got[0] = '\0';
    assert_int_equal(fk_store_each_audit_in(f->st, 0, "1407", "chief", audit_whos, got), FK_OK);
    assert_string_equal(got, "yuci-desk@140702001 taigu@140703 cli:root@ taigu@140702");
}

/* Rows of a table as text, one line a row: "name=value;..." (dump order). */
static int dump_text(void *ud, const char *const *names, const struct fk_record_value *v, size_t n)
{
    char *out = ud;
    size_t k, len = strlen(out);

    for (k = 0; k < n; k++) {
        if (v[k].absent)
            len += (size_t)snprintf(out + len, 4096 - len, "%s=NULL;", names[k]);
        else if (v[k].s)
            len += (size_t)snprintf(out + len, 4096 - len, "%s='%s';", names[k], v[k].s);
        else
            len += (size_t)snprintf(out + len, 4096 - len, "%s=%lld;", names[k], (long long)v[k].i);
    }
    snprintf(out + len, 4096 - len, "\n");
    return 0;
}

static void dump_of(fk_store *st, const char *table, char *out)
{
    out[0] = '\0';
    assert_int_equal(fk_store_dump(st, table, dump_text, out), FK_OK);
}

/* fangkong migrate's store calls: the fixture's store (SQLite, or PostgreSQL under FK_TEST_PG)
 * moved into a new SQLite file table by table, ids kept, verified; the copy dumps every table as
 * the source does, numbers its next person after the moved ones, refuses a second move and a
 * row loaded twice; an unknown table is refused. */
static void test_store__migrate(void **state)
{
    struct store_fixture *f = *state;
    struct fk_actor admin = {"test", FK_ROLE_ADMIN, NULL}, viewer = {"v", FK_ROLE_VIEWER, "14"};
    struct fk_migrate_table moved[64];
    struct fk_round r = make_round("R1", "140700", 100, 200);
    char path[400], err[512], a[4096], b[4096];
    const struct fk_store_table *t;
    int64_t id1, id2, id3;
    fk_store *copy = NULL;
    enum fk_put did;
    size_t n = 0, k;
    struct fk_venue_row v = {0, "V1", "venue", "", "G1", NULL, NULL};
    int64_t vid;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    put_person(f->st, "140702199001011231", "张三", "G1", "138", &id1);
    put_person(f->st, "140702199001011232", "李四", "G1", "", &id2);
    assert_int_equal(fk_store_put_venue(f->st, &v, &vid, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(f->st, id2, vid, 100, &did), FK_OK);
    add_sample(f->st, "T1", id1, 150, "S1");
    add_sample(f->st, "T1", id2, 151, "S1");
    assert_int_equal(fk_store_audit(f->st, "who", "x", "y", "%s", "d"), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_add_round(f->st, &r), FK_OK);

    snprintf(path, sizeof path, "%s/copy.db", f->dir);
    assert_int_equal(fk_store_open(path, &copy, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_migrate(f->st, copy, &viewer, NULL, moved, 64, &n, err, sizeof err),
                     FK_EPERM);
    assert_int_equal(fk_store_migrate(f->st, copy, &admin, NULL, moved, 64, &n, err, sizeof err),
                     FK_OK);
    for (t = fk_store_tables, k = 0; t->name; t++, k++) {
        dump_of(f->st, t->name, a);
        dump_of(copy, t->name, b);
        if (strcmp(t->name, "audit") != 0)
            assert_string_equal(a, b);
        assert_string_equal(moved[k].name, t->name);
    }
    assert_int_equal(n, k);
    dump_of(copy, "samples", b);
    assert_string_equal(b, "tube='T1';person=1;time=150;site='S1';shipped=0;\n"
                           "tube='T1';person=2;time=151;site='S1';shipped=0;\n");
    assert_int_equal(count(copy, "persons"), 2);
    /* the copy numbers new persons after the moved ones */
    assert_int_equal(fk_store_begin(copy), FK_OK);
    put_person(copy, "140702199001011233", "王五", "G1", "", &id3);
    assert_true(id3 > id2);
    assert_int_equal(fk_store_commit(copy), FK_OK);
    /* a row loaded twice is an error, never skipped; a second move is refused */
    {
        static const char *const names[] = {"code", "name", "level",  "parent",
                                            "lon",  "lat",  "worker", "worker_phone"};
        const struct fk_record_value row[8] = {{"140700", 0, 0}, {"x", 0, 0}, {NULL, 2, 0},
                                               {"", 0, 0},       {"", 0, 0},  {"", 0, 0},
                                               {"", 0, 0},       {"", 0, 0}};

        const struct fk_record_value fresh[8] = {{"140701", 0, 0}, {"y", 0, 0}, {NULL, 3, 0},
                                                 {"140700", 0, 0}, {"", 0, 0},  {"", 0, 0},
                                                 {"", 0, 0},       {"", 0, 0}};
        int rc;

        assert_int_equal(fk_store_begin(copy), FK_OK);
        assert_int_equal(fk_store_load(copy, "regions", names, row, 8), FK_EDB);
        assert_int_equal(fk_store_load(copy, "no_such_table", names, row, 8), FK_EINVAL);
        fk_store_rollback(copy);
        /* The same into the fixture's store, which may send its rows later (PostgreSQL's COPY):
         * the error comes at the end of the table at the latest, names the table and the key,
         * and the new row before it is rolled back with the batch. */
        assert_int_equal(fk_store_begin(f->st), FK_OK);
        rc = fk_store_load(f->st, "regions", names, fresh, 8);
        assert_int_equal(rc, FK_OK);
        rc = fk_store_load(f->st, "regions", names, row, 8);
        if (rc == FK_OK)
            rc = fk_store_load_end(f->st, "regions");
        assert_int_equal(rc, FK_EDB);
        if (test_pg()) {
            assert_non_null(strstr(fk_store_errmsg(f->st), "table regions"));
            assert_non_null(strstr(fk_store_errmsg(f->st), "(code)=(140700) already exists"));
        }
        fk_store_rollback(f->st);
        assert_int_equal(count(f->st, "regions"), 1);
    }
    assert_int_equal(fk_store_migrate(f->st, copy, &admin, NULL, moved, 64, &n, err, sizeof err),
                     FK_ECONFLICT);
    assert_non_null(strstr(err, "holds regions already"));
    assert_int_equal(fk_store_dump(copy, "sqlite_master", dump_text, a), FK_EINVAL);
    fk_store_close(copy);
}

/* A batch committed through one handle is announced to another that watches (PostgreSQL's
 * LISTEN/NOTIFY); a rolled-back one is not; SQLite announces nothing. */
static void test_store__watch(void **state)
{
    struct store_fixture *f = *state;
    fk_store *w = NULL;
    char err[512];
    int64_t g = 0;

    if (!test_pg()) {
        assert_int_equal(fk_store_watch(f->st, 0, &g), FK_EINVAL);
        return;
    }
    assert_int_equal(fk_store_open(f->path, &w, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_watch(w, 0, &g), FK_ENOENT); /* listening from here */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    assert_int_equal(fk_store_watch(w, 200, &g), FK_ENOENT);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_watch(w, 5000, &g), FK_OK);
    assert_int_equal(g, generation(f->st));
    assert_int_equal(fk_store_watch(w, 0, &g), FK_ENOENT); /* heard once */
    fk_store_close(w);
}

/* A server that drops every session (as a restart, or a failover, would): a handle with no batch
 * open connects again at its next call and goes on, with its watch; a batch the drop cut short
 * fails at every call until it is rolled back, stores nothing, and the next batch is whole. */
static void test_store__reconnect(void **state)
{
    struct store_fixture *f = *state;
    fk_store *w = NULL;
    char err[512], server[160];
    int64_t g = 0, n;

    if (!test_pg()) {
        assert_int_equal(fk_store_reconnects(f->st, server, sizeof server), 0);
        return;
    }
#ifdef FK_WITH_POSTGRES
    assert_int_equal(fk_store_open(f->path, &w, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_watch(w, 0, &g), FK_ENOENT);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140700", "晋中市", FK_LEVEL_CITY, "");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    n = generation(f->st);
    assert_int_equal(fk_store_watch(w, 5000, &g), FK_OK);
    assert_int_equal(g, n);
    assert_int_equal(fk_store_reconnects(f->st, NULL, 0), 0);

    /* Cut with no batch open: the next call connects again and answers. */
    assert_int_equal(fk__store_pg_cut(f->path, err, sizeof err), FK_OK);
    assert_int_equal(generation(f->st), n);
    assert_int_equal(fk_store_reconnects(f->st, server, sizeof server), 1);
    assert_non_null(strstr(server, ":"));

    /* Cut inside a batch: the batch fails, says so, and stores nothing. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700");
    assert_int_equal(fk__store_pg_cut(f->path, err, sizeof err), FK_OK);
    {
        struct fk_region_row r = {"140703", "太谷区", "140700", FK_LEVEL_COUNTY,
                                  NULL,     NULL,     NULL,     NULL};
        enum fk_put did;

        assert_int_not_equal(fk_store_put_region(f->st, &r, &did), FK_OK);
        assert_int_not_equal(fk_store_put_region(f->st, &r, &did), FK_OK);
        assert_non_null(strstr(fk_store_errmsg(f->st), "lost inside a batch"));
    }
    assert_int_not_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
    assert_int_equal(count(f->st, "regions"), 1);
    assert_int_equal(fk_store_reconnects(f->st, NULL, 0), 2);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "140702", "榆次区", FK_LEVEL_COUNTY, "140700"), FK_PUT_NEW);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(count(f->st, "regions"), 2);

    /* The watch was cut too: it connects again and announces the generation it missed. */
    assert_int_equal(fk_store_watch(w, 1000, &g), FK_EIO); /* hears the cut */
    g = 0;
    assert_int_equal(fk_store_watch(w, 5000, &g), FK_OK);
    assert_int_equal(g, generation(f->st));
    assert_int_equal(fk_store_reconnects(w, NULL, 0), 1);
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    put_region(f->st, "140703", "太谷区", FK_LEVEL_COUNTY, "140700");
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_watch(w, 5000, &g), FK_OK); /* listening again */
    assert_int_equal(g, generation(f->st));
    fk_store_close(w);
#endif
}

/* A store's name as messages show it: a PostgreSQL password never, a file path as it is. */
static void test_store__shown_without_password(void **state)
{
    char b[128], tiny[12];

    (void)state;
    assert_string_equal(fk_store_shown("/tmp/a:b@c.db", b, sizeof b), "/tmp/a:b@c.db");
    assert_string_equal(fk_store_shown("postgresql://u:pw@h:5432/db", b, sizeof b),
                        "postgresql://u:***@h:5432/db");
    assert_string_equal(fk_store_shown("postgres://u@h/db?password=x&sslmode=require", b, sizeof b),
                        "postgres://u@h/db?password=***&sslmode=require");
    assert_string_equal(fk_store_shown("postgresql://u:a@b@h/db?x=1&password=p", b, sizeof b),
                        "postgresql://u:***@h/db?x=1&password=***");
    assert_string_equal(
        fk_store_shown("postgresql:///db?host=/x&user=fk&app=mypassword=1", b, sizeof b),
        "postgresql:///db?host=/x&user=fk&app=mypassword=1");
    assert_string_equal(fk_store_shown("postgresql://u:pw@h/db", tiny, sizeof tiny), "postgresql:");
}

/* A new SQLite file beside the fixture's store: the calls one by one that a batch call of the
 * fixture's store (PostgreSQL's COPY under FK_TEST_PG) is compared with. */
static fk_store *open_ref(struct store_fixture *f)
{
    char path[400], err[512];
    fk_store *ref = NULL;

    snprintf(path, sizeof path, "%s/ref.db", f->dir);
    assert_int_equal(fk_store_open(path, &ref, err, sizeof err), FK_OK);
    return ref;
}

static void begin_both(fk_store *a, fk_store *b)
{
    assert_int_equal(fk_store_begin(a), FK_OK);
    assert_int_equal(fk_store_begin(b), FK_OK);
}

static void commit_both(fk_store *a, fk_store *b)
{
    assert_int_equal(fk_store_commit(a), FK_OK);
    assert_int_equal(fk_store_commit(b), FK_OK);
}

/* Two batches of scans, pings and samples through fk_store_add_events, the fixture's store
 * (PostgreSQL's COPY under FK_TEST_PG), against the same rows added one call at a time to a new
 * SQLite file: every row's answer and every stored row are the same. The batches hold a key twice,
 * keys stored by the first batch, a shipped time filled in, and a cell and a tube with a tab and
 * a backslash (COPY's escapes). */
static void test_store__add_events_as_one_by_one(void **state)
{
    struct store_fixture *f = *state;
    static const struct fk_event_row scans[2][5] = {{{1, 7, 100, NULL},
                                                     {2, 7, 100, NULL},
                                                     {1, 7, 100, NULL},
                                                     {1, 8, 100, NULL},
                                                     {3, 7, 90, NULL}},
                                                    {{1, 7, 100, NULL},
                                                     {4, 7, 100, NULL},
                                                     {4, 7, 100, NULL},
                                                     {2, 7, 100, NULL},
                                                     {5, 9, 1, NULL}}};
    static const struct fk_event_row pings[2][5] = {{{1, 0, 100, "C1"},
                                                     {1, 0, 100, "C\t1"},
                                                     {1, 0, 100, "C1"},
                                                     {2, 0, 5, "C\\2"},
                                                     {2, 0, 5, "c2"}},
                                                    {{2, 0, 5, "C\\2"},
                                                     {3, 0, 5, "C\\2"},
                                                     {1, 0, 100, "C\t1"},
                                                     {3, 0, 5, "C\\2"},
                                                     {1, 0, 101, "C1"}}};
    static const struct fk_sample_row samples[2][6] = {{{"T1", "S1", 1, 100, 0},
                                                        {"T1", "S1", 2, 100, 0},
                                                        {"T1", "S2", 1, 101, 0},
                                                        {"T\t2", "S\\1", 1, 100, 0},
                                                        {"T3", "S1", 3, 100, 0},
                                                        {"T3", "S1", 3, 100, 500}},
                                                       {{"T1", "S1", 1, 100, 600},
                                                        {"T1", "S1", 2, 100, 0},
                                                        {"T4", "S1", 4, 100, 0},
                                                        {"T4", "S1", 4, 100, 700},
                                                        {"T4", "S1", 4, 100, 700},
                                                        {"T3", "S1", 3, 100, 500}}};
    enum fk_put bulk[6], one[6];
    char a[4096], b[4096];
    fk_store *ref = NULL;
    int batch;
    size_t i;

    ref = open_ref(f);
    for (batch = 0; batch < 2; batch++) {
        begin_both(f->st, ref);
        assert_int_equal(fk_store_add_events(f->st, FK_IMPORT_SCANS, scans[batch], NULL, 5, bulk),
                         FK_OK);
        for (i = 0; i < 5; i++)
            assert_int_equal(fk_store_add_scan(ref, scans[batch][i].person, scans[batch][i].venue,
                                               scans[batch][i].time, &one[i]),
                             FK_OK);
        assert_memory_equal(bulk, one, 5 * sizeof bulk[0]);
        assert_int_equal(fk_store_add_events(f->st, FK_IMPORT_PINGS, pings[batch], NULL, 5, bulk),
                         FK_OK);
        for (i = 0; i < 5; i++)
            assert_int_equal(fk_store_add_ping(ref, pings[batch][i].person, pings[batch][i].cell,
                                               pings[batch][i].time, &one[i]),
                             FK_OK);
        assert_memory_equal(bulk, one, 5 * sizeof bulk[0]);
        assert_int_equal(
            fk_store_add_events(f->st, FK_IMPORT_SAMPLES, NULL, samples[batch], 6, bulk), FK_OK);
        for (i = 0; i < 6; i++)
            assert_int_equal(fk_store_add_sample(ref, &samples[batch][i], &one[i]), FK_OK);
        assert_memory_equal(bulk, one, 6 * sizeof bulk[0]);
        commit_both(f->st, ref);
    }
    /* the answers were not all alike: the test has something to tell apart */
    assert_int_equal(one[0], FK_PUT_UPDATED);
    assert_int_equal(one[2], FK_PUT_NEW);
    assert_int_equal(one[5], FK_PUT_SAME);
    dump_of(f->st, "scans", a);
    dump_of(ref, "scans", b);
    assert_string_equal(a, b);
    dump_of(f->st, "pings", a);
    dump_of(ref, "pings", b);
    assert_string_equal(a, b);
    dump_of(f->st, "samples", a);
    dump_of(ref, "samples", b);
    assert_string_equal(a, b);
    assert_int_equal(fk_store_add_events(f->st, FK_IMPORT_SAMPLES, NULL, samples[0], 6, bulk),
                     FK_EDB); /* outside a batch */
    assert_int_equal(fk_store_add_events(f->st, FK_IMPORT_PERSONS, NULL, NULL, 0, bulk), FK_EINVAL);
    fk_store_close(ref);
}

/* Two batches of persons through fk_store_put_persons, the fixture's store (PostgreSQL's COPY and
 * merge under FK_TEST_PG), against the same rows put one call at a time into a new SQLite file,
 * and against the answers worked out by hand: new, the same, a field changed, an absent (NULL)
 * field kept, a key twice in one batch, and a name with a tab and a backslash. Every row's answer,
 * id and changed fields, and every stored row, are the same. */
static void test_store__put_persons_as_one_by_one(void **state)
{
    struct store_fixture *f = *state;
    static const struct fk_person_row rows[2][6] = {
        {{0, "A", "甲", "138", "G1", "", "", 1, ""},
         {0, "B", "乙", "", "G1", "H1", "", 1, ""},
         {0, "A", "甲二", "138", "G1", "", "", 1, ""},
         {0, "C", "丙", NULL, "G2", NULL, NULL, -1, NULL},
         {0, "B", "乙", "", "G1", "H1", "", 1, ""}},
        {{0, "A", "甲二", NULL, "G1", "", "", -1, NULL},
         {0, "C", "丙", "139", "G2", "", "", 0, ""},
         {0, "D", "丁\t\\", "", "G1", "", "", 1, ""},
         {0, "D", "丁\t\\", "", "G3", NULL, "", 1, ""},
         {0, "B", "乙", "", "G1", "H1", "", 2, ""},
         {0, "E", "戊", "", "G1", "", "", 1, ""}}};
    static const size_t n[2] = {5, 6};
    static const enum fk_put want[2][6] = {
        {FK_PUT_NEW, FK_PUT_NEW, FK_PUT_UPDATED, FK_PUT_NEW, FK_PUT_SAME},
        {FK_PUT_SAME, FK_PUT_UPDATED, FK_PUT_NEW, FK_PUT_UPDATED, FK_PUT_UPDATED, FK_PUT_NEW}};
    static const int64_t want_id[2][6] = {{1, 2, 1, 3, 2}, {1, 3, 4, 4, 2, 5}};
    static const unsigned want_changed[2][6] = {
        {0, 0, FK_PERSON_NAME, 0, 0}, {0, FK_PERSON_PHONE, 0, FK_PERSON_GRID, FK_PERSON_ID_TYPE, 0}};
    enum fk_put bulk[6], one[6];
    int64_t ids[6], one_id[6];
    unsigned changed[6], one_changed[6];
    char a[4096], b[4096];
    fk_store *ref = NULL;
    int batch;
    size_t i;

    ref = open_ref(f);
    for (batch = 0; batch < 2; batch++) {
        begin_both(f->st, ref);
        assert_int_equal(fk_store_put_persons(f->st, rows[batch], n[batch], ids, bulk, changed),
                         FK_OK);
        for (i = 0; i < n[batch]; i++) {
            assert_int_equal(fk_store_put_person_changes(ref, &rows[batch][i], &one_id[i], &one[i],
                                                         &one_changed[i]),
                             FK_OK);
            assert_int_equal(bulk[i], want[batch][i]);
            assert_int_equal(one[i], want[batch][i]);
            assert_int_equal(ids[i], want_id[batch][i]);
            assert_int_equal(one_id[i], want_id[batch][i]);
            assert_int_equal(changed[i], want_changed[batch][i]);
            assert_int_equal(one_changed[i], want_changed[batch][i]);
        }
        commit_both(f->st, ref);
    }
    dump_of(f->st, "persons", a);
    dump_of(ref, "persons", b);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "name='丁\t\\';"));
    assert_non_null(strstr(a, "grid='G3';"));
    if (test_pg()) /* outside a batch */
        assert_int_equal(fk_store_put_persons(f->st, rows[0], 5, ids, bulk, changed), FK_EDB);
    fk_store_close(ref);
}

/* The generic records through fk_store_put_records (vaccinations: key person and dose; PostgreSQL
 * merges them under FK_TEST_PG), against the calls one by one into SQLite and the answers worked
 * out by hand: new, the same, changed, a key twice in the batch, a text with a tab. */
static void test_store__put_records_as_one_by_one(void **state)
{
    struct store_fixture *f = *state;
#define VAX(p, d, t, v, s)                                                                         \
    {NULL, (p), 0}, {NULL, (d), 0}, {NULL, (t), 0}, {(v), 0, 0},                                   \
    {                                                                                              \
        (s), 0, 0                                                                                  \
    }
    static const struct fk_record_value rows[2][5 * 5] = {
        {VAX(1, 1, 100, "科兴", "S1"), VAX(1, 2, 200, "科兴", "S1"), VAX(2, 1, 100, "国药", "S\t2"),
         VAX(1, 1, 100, "科兴", "S9"), VAX(1, 2, 200, "科兴", "S1")},
        {VAX(1, 1, 100, "科兴", "S9"), VAX(2, 1, 150, "国药", "S\t2"), VAX(3, 1, 100, "", ""),
         VAX(3, 1, 100, "", ""), VAX(2, 2, 300, "智飞", "S2")}};
#undef VAX
    static const enum fk_put want[2][5] = {
        {FK_PUT_NEW, FK_PUT_NEW, FK_PUT_NEW, FK_PUT_UPDATED, FK_PUT_SAME},
        {FK_PUT_SAME, FK_PUT_UPDATED, FK_PUT_NEW, FK_PUT_SAME, FK_PUT_NEW}};
    enum fk_put bulk[5], one[5];
    char a[4096], b[4096];
    fk_store *ref = NULL;
    int batch;
    size_t i;

    ref = open_ref(f);
    for (batch = 0; batch < 2; batch++) {
        begin_both(f->st, ref);
        assert_int_equal(
            fk_store_put_records(f->st, FK_IMPORT_VACCINATIONS, rows[batch], 5, NULL, bulk, NULL),
            FK_OK);
        for (i = 0; i < 5; i++) {
            assert_int_equal(fk_store_put_record(ref, FK_IMPORT_VACCINATIONS, &rows[batch][i * 5],
                                                 NULL, &one[i], NULL),
                             FK_OK);
            assert_int_equal(bulk[i], want[batch][i]);
            assert_int_equal(one[i], want[batch][i]);
        }
        commit_both(f->st, ref);
    }
    dump_of(f->st, "vaccinations", a);
    dump_of(ref, "vaccinations", b);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "time=150;vaccine='国药';site='S\t2';"));
    assert_int_equal(count(f->st, "vaccinations"), 5);
    fk_store_close(ref);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_store__open_creates_schema),
        cmocka_unit_test(test_store__postgres_uri),
        T(test_store__put_region),
        T(test_store__put_person),
        T(test_store__put_person_each_field_counts),
        T(test_store__put_venue),
        T(test_store__venue_coords_kept),
        T(test_store__events_duplicate_same),
        T(test_store__put_result_later_wins),
        T(test_store__put_case),
        T(test_store__rollback_leaves_nothing),
        T(test_store__commit_bumps_generation),
        T(test_store__index_generations),
        T(test_store__sample_shipped_is_an_update),
        T(test_store__commit_without_batch_changes_nothing),
        T(test_store__get_person_long_fields_whole),
        T(test_store__rounds),
        T(test_store__each_in_key_order),
        T(test_store__each_person_shown),
        T(test_store__reopen_keeps_everything),
        T(test_store__open_garbage_fails_cleanly),
        T(test_store__open_missing_folder_fails),
        T(test_store__region_inside),
        T(test_store__audit_cut_to_scope),
        T(test_store__migrate),
        T(test_store__watch),
        T(test_store__reconnect),
        T(test_store__add_events_as_one_by_one),
        T(test_store__put_persons_as_one_by_one),
        T(test_store__put_records_as_one_by_one),
        cmocka_unit_test(test_store__shown_without_password),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
