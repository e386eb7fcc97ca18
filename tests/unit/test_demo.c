/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/demo/demo.c: a 3,000-resident city written into a temporary folder, checked
 * for determinism, valid and unique resident IDs, a consistent region tree with exactly one empty
 * grid, summary counts equal to the files' rows, a realistic sampled share, 10合1 tubes, the
 * regions-file path (the city's subtree kept, the rest left out), and the control files: orders
 * of residents with a sensor for each home order, arrivals of residents that the back-check of a
 * risk area finds, and door events of registered sensors only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/demo.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/time.h"
#include "fk/vec.h"
#include "testutil.h"

#define PEOPLE 3000

static const char *const names[] = {
    "regions.csv", "persons.csv", "venues.csv", "scans.csv", "pings.csv",
    "samples.csv", "results.csv", "cases.csv",  "round.txt",    "controls.csv",
    "arrivals.csv", "risk_areas.csv", "door_events.csv", "profile.ini", "sentinels.csv",
    "vaccinations.csv", "incident_events.csv", "zones.csv", "transfers.csv", "gatherings.csv",
    "requests.csv",
};
#define NFILES (sizeof names / sizeof names[0])

/* A file's bytes, NUL-terminated; NULL when it cannot be read. Caller frees. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

/* The rows of a CSV file without quotes, header dropped: rows[i][k] is field k of row i. */
struct table {
    char *text;
    char ***rows;
    size_t n;
};

static void table_load(struct table *t, const char *dir, const char *name, size_t nfields)
{
    char *p, *nl;
    size_t cap = 1024, k;

    t->text = slurp(dir, name, NULL);
    assert_non_null(t->text);
    t->rows = malloc(cap * sizeof *t->rows);
    assert_non_null(t->rows);
    t->n = 0;
    p = strchr(t->text, '\n');
    assert_non_null(p);
    for (p = p + 1; *p; p = nl + 1) {
        char **f = calloc(nfields, sizeof *f);

        assert_non_null(f);
        nl = strchr(p, '\n');
        assert_non_null(nl);
        *nl = '\0';
        for (k = 0; k < nfields; k++) {
            char *c = strchr(p, ',');

            f[k] = p;
            if (k + 1 < nfields) {
                assert_non_null(c);
                *c = '\0';
                p = c + 1;
            } else {
                assert_null(c);
            }
        }
        assert_int_equal(fk_vec_grow((void **)&t->rows, &cap, t->n + 1, sizeof *t->rows), FK_OK);
        t->rows[t->n++] = f;
    }
}

static void table_free(struct table *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        free(t->rows[i]);
    free(t->rows);
    free(t->text);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The values of column k of t, sorted (borrowed from t). Caller frees the array. */
static char **column_sorted(const struct table *t, size_t k)
{
    char **v = malloc((t->n + 1) * sizeof *v);
    size_t i;

    assert_non_null(v);
    for (i = 0; i < t->n; i++)
        v[i] = t->rows[i][k];
    qsort(v, t->n, sizeof *v, cmp_str);
    return v;
}

static int has(char **sorted, size_t n, const char *s)
{
    return bsearch(&s, sorted, n, sizeof *sorted, cmp_str) != NULL;
}

static size_t distinct(char **sorted, size_t n)
{
    size_t i, d = 0;

    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(sorted[i], sorted[i - 1]) != 0)
            d++;
    return d;
}

struct fixture {
    char dir[64];
    struct fk_demo_summary sum;
};

static int write_city(const char *dir, uint64_t seed, struct fk_demo_summary *sum)
{
    struct fk_demo_opts o;
    char err[256];
    int rc;

    fk_demo_defaults(&o);
    o.people = PEOPLE;
    o.seed = seed;
    o.out_dir = dir;
    rc = fk_demo_write(&o, sum, err, sizeof err);
    if (rc != FK_OK)
        print_error("fk_demo_write: %s\n", err);
    return rc;
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);

    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/fk_demo_XXXXXX");
    if (!mkdtemp(fx->dir) || write_city(fx->dir, 42, &fx->sum) != FK_OK) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    remove_dir(fx->dir);
    free(fx);
    return 0;
}

static void test_demo__same_seed_same_bytes(void **state)
{
    struct fixture *fx = *state;
    struct fk_demo_summary sum;
    char dir[64];
    size_t i, la, lb;

    snprintf(dir, sizeof dir, "/tmp/fk_demo_XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(write_city(dir, 42, &sum), FK_OK);
    for (i = 0; i < NFILES; i++) {
        char *a = slurp(fx->dir, names[i], &la), *b = slurp(dir, names[i], &lb);

        assert_non_null(a);
        assert_non_null(b);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
    assert_memory_equal(&sum, &fx->sum, sizeof sum);
    remove_dir(dir);
}

/* The fixture's bytes, pinned: FNV-1a 64 of every file of the 3,000-resident city of seed 42. A
 * change that alters the generated data (a draw added, reordered or reformatted) fails here; when
 * it is meant, regenerate the city and update the numbers in the same commit. */
static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * UINT64_C(0x100000001b3);
    return h;
}

static void test_demo__bytes_pinned(void **state)
{
    static const struct {
        const char *name;
        uint64_t hash;
    } pinned[] = {
        {"regions.csv", UINT64_C(0x4e2681f1314ecafe)},
        {"persons.csv", UINT64_C(0x706275f1d6ff3fce)},
        {"venues.csv", UINT64_C(0xc51e1f6a7bcfdc6d)},
        {"scans.csv", UINT64_C(0x739148e8b04496d7)},
        {"pings.csv", UINT64_C(0xe9f447b02f542393)},
        {"samples.csv", UINT64_C(0x1ddff302f63b4249)},
        {"results.csv", UINT64_C(0xe6510d6da8f909a2)},
        {"cases.csv", UINT64_C(0x8a1bfedcd36a6d7c)},
        {"round.txt", UINT64_C(0xa9807e2e1ac2eb61)},
        {"controls.csv", UINT64_C(0xd1049da8bb1b2076)},
        {"arrivals.csv", UINT64_C(0xc0d76382e35869bc)},
        {"risk_areas.csv", UINT64_C(0x1efc475a5a12eb72)},
        {"door_events.csv", UINT64_C(0x0159684975f39105)},
        {"profile.ini", UINT64_C(0x457aa3ad700f2063)},
        {"sentinels.csv", UINT64_C(0xdae5fb40a62b2a67)}, /* its stream is S_SENTINEL, after S_VACCINE */
        {"vaccinations.csv", UINT64_C(0x2ce868691ef487e9)},
        {"incident_events.csv", UINT64_C(0x17501ad384f9c0c5)}, /* its stream is S_INCIDENT */
        {"zones.csv", UINT64_C(0x5e690b1d88db824b)}, /* its stream is S_ZONE (issue 18) */
        {"transfers.csv", UINT64_C(0x10e20763cc31022c)}, /* its stream is S_TRANSFER (issue 18), after S_ZONE */
        {"gatherings.csv", UINT64_C(0x3b644f01326db731)}, /* its stream is S_GATHERING (issue 21) */
        {"requests.csv", UINT64_C(0xac69803728dc6d1c)}, /* its stream is S_REQUEST (issue 21) */
    };
    struct fixture *fx = *state;
    size_t i, n;

    assert_int_equal(sizeof pinned / sizeof pinned[0], NFILES);
    for (i = 0; i < NFILES; i++) {
        char *text = slurp(fx->dir, pinned[i].name, &n);
        uint64_t h;

        assert_non_null(text);
        h = fnv1a(text, n);
        if (h != pinned[i].hash)
            fail_msg("%s: FNV-1a 0x%016llx, pinned 0x%016llx", pinned[i].name,
                     (unsigned long long)h, (unsigned long long)pinned[i].hash);
        free(text);
    }
}

/* zones.csv (issue 18): a lockdown zone whose regions hold every case's grid, a control zone and
 * a precaution zone, in that order. */
static void test_demo__zones(void **state)
{
    struct fixture *fx = *state;
    char *zones = slurp(fx->dir, "zones.csv", NULL), *cases = slurp(fx->dir, "cases.csv", NULL);
    char *persons = slurp(fx->dir, "persons.csv", NULL), *lock, *eol, *p;

    assert_non_null(zones);
    assert_non_null(cases);
    assert_non_null(persons);
    lock = strstr(zones, "\n封控区-1,lockdown,");
    assert_non_null(lock);
    assert_non_null(strstr(zones, "\n管控区-1,control,"));
    assert_non_null(strstr(zones, "\n防范区-1,precaution,"));
    eol = strchr(lock + 1, '\n');
    assert_non_null(eol);
    *eol = '\0';
    for (p = strchr(cases, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        char id[20], want[40], *row, *grid, *end;

        memcpy(id, p + 1, 18);
        id[18] = '\0';
        snprintf(want, sizeof want, "\n%s,", id);
        row = strstr(persons, want);
        assert_non_null(row);
        grid = strchr(strchr(strchr(row + 1, ',') + 1, ',') + 1, ',') + 1;
        end = strchr(grid, ',');
        assert_non_null(end);
        *end = '\0';
        assert_non_null(strstr(lock, grid));
        *end = ',';
    }
    free(zones);
    free(cases);
    free(persons);
}

static void test_demo__different_seed_differs(void **state)
{
    struct fixture *fx = *state;
    struct fk_demo_summary sum;
    char dir[64], *a, *b;

    snprintf(dir, sizeof dir, "/tmp/fk_demo_XXXXXX");
    assert_non_null(mkdtemp(dir));
    assert_int_equal(write_city(dir, 43, &sum), FK_OK);
    a = slurp(fx->dir, "persons.csv", NULL);
    b = slurp(dir, "persons.csv", NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(strcmp(a, b) != 0);
    free(a);
    free(b);
    a = slurp(fx->dir, "samples.csv", NULL);
    b = slurp(dir, "samples.csv", NULL);
    assert_true(strcmp(a, b) != 0);
    free(a);
    free(b);
    remove_dir(dir);
}

static void test_demo__person_ids_valid_and_unique(void **state)
{
    struct fixture *fx = *state;
    struct table p;
    char reason[128], **ids;
    size_t i;

    table_load(&p, fx->dir, "persons.csv", 7);
    assert_int_equal(p.n, PEOPLE);
    for (i = 0; i < p.n; i++) {
        const char *id = p.rows[i][0];

        if (fk_id_check(id, strlen(id), FK_ID_RESIDENT, reason, sizeof reason) != FK_OK)
            fail_msg("row %zu: %s: %s", i + 2, id, reason);
        assert_memory_equal(p.rows[i][2], "139", 3);
        assert_int_equal(strlen(p.rows[i][2]), 11);
        assert_int_equal(p.rows[i][4][0], 'H');
    }
    ids = column_sorted(&p, 0);
    assert_int_equal(distinct(ids, p.n), p.n);
    free(ids);
    table_free(&p);
}

/* 1 when the lon,lat cells lie inside 晋中市 (its extent, 111.4-114.2 E, 36.6-38.2 N), each a
 * number with 4 decimals as the import takes them. */
static int in_jinzhong(const char *lon, const char *lat)
{
    char *e1, *e2;
    double x = strtod(lon, &e1), y = strtod(lat, &e2);

    return *lon && *lat && !*e1 && !*e2 && x > 111.4 && x < 114.2 && y > 36.6 && y < 38.2 &&
           strlen(strchr(lon, '.')) == 5 && strlen(strchr(lat, '.')) == 5;
}

static int cmp_point(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Every grid and venue has coordinates inside the city, the other regions none, and the grids
 * are spread (no two grids at one point). */
static void test_demo__grids_and_venues_on_the_map(void **state)
{
    struct fixture *fx = *state;
    struct table r, v;
    size_t i, grids = 0;
    char (*pts)[40];

    table_load(&r, fx->dir, "regions.csv", 8);
    table_load(&v, fx->dir, "venues.csv", 6);
    pts = calloc(r.n, sizeof *pts);
    assert_non_null(pts);
    for (i = 0; i < r.n; i++) {
        if (strcmp(r.rows[i][2], "grid") == 0) {
            if (!in_jinzhong(r.rows[i][4], r.rows[i][5]))
                fail_msg("grid %s at %s,%s", r.rows[i][0], r.rows[i][4], r.rows[i][5]);
            snprintf(pts[grids++], sizeof pts[0], "%s,%s", r.rows[i][4], r.rows[i][5]);
        } else if (*r.rows[i][4] || *r.rows[i][5]) {
            fail_msg("%s %s has coordinates", r.rows[i][2], r.rows[i][0]);
        }
    }
    assert_true(grids > 10);
    qsort(pts, grids, sizeof *pts, cmp_point);
    for (i = 1; i < grids; i++)
        if (strcmp(pts[i - 1], pts[i]) == 0)
            fail_msg("two grids at %s", pts[i]);
    for (i = 0; i < v.n; i++)
        if (!in_jinzhong(v.rows[i][4], v.rows[i][5]))
            fail_msg("venue %s at %s,%s", v.rows[i][0], v.rows[i][4], v.rows[i][5]);
    free(pts);
    table_free(&r);
    table_free(&v);
}

static void test_demo__regions_tree_is_ordered(void **state)
{
    struct fixture *fx = *state;
    struct table r;
    char **seen;
    size_t i, roots = 0, grids = 0;

    table_load(&r, fx->dir, "regions.csv", 8);
    seen = malloc(r.n * sizeof *seen);
    assert_non_null(seen);
    assert_string_equal(r.rows[0][0], "140000");
    assert_string_equal(r.rows[1][0], "140700");
    for (i = 0; i < r.n; i++) {
        size_t k;
        int found = 0;

        if (r.rows[i][3][0] == '\0') {
            roots++;
        } else {
            for (k = 0; k < i && !found; k++)
                found = strcmp(seen[k], r.rows[i][3]) == 0;
            if (!found)
                fail_msg("region %s: parent %s does not come before it", r.rows[i][0],
                         r.rows[i][3]);
        }
        if (strcmp(r.rows[i][2], "grid") == 0) {
            grids++;
            assert_non_null(strstr(r.rows[i][0], "G"));
            assert_memory_equal(r.rows[i][0], r.rows[i][3], strlen(r.rows[i][3]));
        }
        seen[i] = r.rows[i][0];
    }
    assert_int_equal(roots, 1);
    assert_int_equal(grids, fx->sum.grids);
    assert_true(grids >= 11); /* at least one per community, 11 counties */
    free(seen);
    table_free(&r);
}

static void test_demo__person_grids_exist_one_empty(void **state)
{
    struct fixture *fx = *state;
    struct table r, p;
    char **grids, **used;
    size_t i, ng = 0, empty = 0;

    table_load(&r, fx->dir, "regions.csv", 8);
    table_load(&p, fx->dir, "persons.csv", 7);
    grids = malloc(r.n * sizeof *grids);
    assert_non_null(grids);
    for (i = 0; i < r.n; i++)
        if (strcmp(r.rows[i][2], "grid") == 0)
            grids[ng++] = r.rows[i][0];
    qsort(grids, ng, sizeof *grids, cmp_str);
    for (i = 0; i < p.n; i++)
        if (!has(grids, ng, p.rows[i][3]))
            fail_msg("person %s: grid %s is not in regions.csv", p.rows[i][0], p.rows[i][3]);
    used = column_sorted(&p, 3);
    for (i = 0; i < ng; i++)
        empty += !has(used, p.n, grids[i]);
    assert_int_equal(empty, 1);
    free(used);
    free(grids);
    table_free(&p);
    table_free(&r);
}

static void test_demo__summary_matches_files(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *name;
        size_t nfields;
        size_t off;
    } counts[] = {
        {"regions.csv", 8, offsetof(struct fk_demo_summary, regions)},
        {"persons.csv", 7, offsetof(struct fk_demo_summary, persons)},
        {"venues.csv", 6, offsetof(struct fk_demo_summary, venues)},
        {"scans.csv", 3, offsetof(struct fk_demo_summary, scans)},
        {"pings.csv", 3, offsetof(struct fk_demo_summary, pings)},
        {"samples.csv", 5, offsetof(struct fk_demo_summary, samples)},
        {"results.csv", 5, offsetof(struct fk_demo_summary, results)},
        {"cases.csv", 4, offsetof(struct fk_demo_summary, cases)},
        {"controls.csv", 8, offsetof(struct fk_demo_summary, controls)},
        {"arrivals.csv", 7, offsetof(struct fk_demo_summary, arrivals)},
        {"risk_areas.csv", 5, offsetof(struct fk_demo_summary, risk_areas)},
        {"door_events.csv", 4, offsetof(struct fk_demo_summary, door_events)},
        {"sentinels.csv", 6, offsetof(struct fk_demo_summary, sentinels)},
        {"assignments.csv", 5, offsetof(struct fk_demo_summary, assignments)},
        {"gatherings.csv", 9, offsetof(struct fk_demo_summary, gatherings)},
        {"requests.csv", 11, offsetof(struct fk_demo_summary, requests)},
    };
    struct table t;
    char **tubes, *round;
    char want[128], a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    size_t i;

    for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        uint64_t n;

        memcpy(&n, (const char *)&fx->sum + counts[i].off, sizeof n);
        table_load(&t, fx->dir, counts[i].name, counts[i].nfields);
        if (t.n != n)
            fail_msg("%s has %zu rows, the summary says %llu", counts[i].name, t.n,
                     (unsigned long long)n);
        table_free(&t);
    }
    table_load(&t, fx->dir, "samples.csv", 5);
    tubes = column_sorted(&t, 0);
    assert_int_equal(distinct(tubes, t.n), fx->sum.tubes);
    free(tubes);
    table_free(&t);
    assert_int_equal(fx->sum.cases, 5);
    assert_true(fx->sum.scans > PEOPLE * 3 && fx->sum.pings > PEOPLE * 3);

    round = slurp(fx->dir, "round.txt", NULL);
    assert_non_null(round);
    snprintf(want, sizeof want, "%s,%s,%s,%s\n", fx->sum.round_name, fx->sum.round_region,
             fk_time_render(fx->sum.round_start, a), fk_time_render(fx->sum.round_end, b));
    assert_string_equal(round, want);
    assert_string_equal(round, "R1,140700,2022-08-28T06:00:00+08:00,2022-08-29T06:00:00+08:00\n");
    free(round);
}

static void test_demo__sampled_share_realistic(void **state)
{
    struct fixture *fx = *state;
    struct table s;
    char **ids;
    double share;

    table_load(&s, fx->dir, "samples.csv", 5);
    ids = column_sorted(&s, 1);
    share = (double)distinct(ids, s.n) / PEOPLE;
    if (share < 0.85 || share > 0.99)
        fail_msg("sampled share %.4f is outside 0.85..0.99", share);
    free(ids);
    table_free(&s);
}

static void test_demo__tubes_pool_ten_at_one_site(void **state)
{
    struct fixture *fx = *state;
    struct table s;
    size_t i = 0, j, singles = 0, full = 0;

    table_load(&s, fx->dir, "samples.csv", 5);
    while (i < s.n) {
        const char *tube = s.rows[i][0];

        assert_true(tube[0] == 'T' || tube[0] == 'S');
        assert_int_equal(strlen(tube), 8);
        for (j = i; j < s.n && strcmp(s.rows[j][0], tube) == 0; j++)
            assert_string_equal(s.rows[j][3], s.rows[i][3]);
        if (tube[0] == 'S') {
            assert_int_equal(j - i, 1);
            singles++;
        } else {
            assert_true(j - i <= 10);
            full += j - i == 10;
        }
        i = j;
    }
    assert_true(singles > 0);
    assert_true(full > 200);
    table_free(&s);
}

static void test_demo__times_render_like_fk_time_render(void **state)
{
    struct fixture *fx = *state;
    struct table s, r;
    char again[FK_TIME_RENDER_MAX];
    int64_t t, recv;
    size_t i, positive = 0;

    table_load(&s, fx->dir, "samples.csv", 5);
    for (i = 0; i < s.n; i++) {
        assert_int_equal(fk_time_parse(s.rows[i][2], strlen(s.rows[i][2]), &t), FK_OK);
        assert_string_equal(fk_time_render(t, again), s.rows[i][2]);
        assert_true(t >= fx->sum.round_start && t <= fx->sum.round_end);
    }
    table_free(&s);
    table_load(&r, fx->dir, "results.csv", 5);
    for (i = 0; i < r.n; i++) {
        assert_int_equal(fk_time_parse(r.rows[i][2], strlen(r.rows[i][2]), &t), FK_OK);
        assert_string_equal(fk_time_render(t, again), r.rows[i][2]);
        assert_int_equal(fk_time_parse(r.rows[i][4], strlen(r.rows[i][4]), &recv), FK_OK);
        assert_true(recv <= t);
        assert_memory_equal(r.rows[i][3], "LAB0", 4);
        positive += strcmp(r.rows[i][1], "positive") == 0;
        assert_true(strcmp(r.rows[i][1], "positive") == 0 ||
                    strcmp(r.rows[i][1], "negative") == 0 || strcmp(r.rows[i][1], "invalid") == 0);
    }
    assert_true(positive >= 3 && positive <= 5);
    table_free(&r);
}

static int64_t when(const char *s)
{
    int64_t t = 0;

    if (fk_time_parse(s, strlen(s), &t) != FK_OK)
        fail_msg("'%s' is not a time", s);
    return t;
}

static void test_demo__control_files_valid(void **state)
{
    static const char *const cats[] = {"close", "secondary", "companion", "arrival", "other"};
    struct fixture *fx = *state;
    struct table p, k, a, ra, d;
    char **ids, **devices, *profile;
    size_t i, j, released = 0, homes = 0, backchecked = 0, offline = 0,
                 tamper = 0, night = 0;
    int64_t from = fx->sum.round_start - 10 * 86400, risk_start = 0;

    table_load(&p, fx->dir, "persons.csv", 7);
    table_load(&k, fx->dir, "controls.csv", 8);
    table_load(&a, fx->dir, "arrivals.csv", 7);
    table_load(&ra, fx->dir, "risk_areas.csv", 5);
    table_load(&d, fx->dir, "door_events.csv", 4);
    ids = column_sorted(&p, 0);
    devices = calloc(k.n + 1, sizeof *devices);
    assert_non_null(devices);

    /* orders: residents, known categories, home with a sensor, begun in the 10 days before */
    assert_true(k.n >= 10 && k.n <= 40);
    for (i = 0; i < k.n; i++) {
        char **f = k.rows[i];
        int known = 0;

        assert_true(has(ids, p.n, f[0]));
        for (j = 0; j < sizeof cats / sizeof cats[0]; j++)
            known |= strcmp(f[1], cats[j]) == 0;
        assert_true(known);
        assert_true(when(f[3]) >= from && when(f[3]) < fx->sum.round_start);
        if (f[4][0]) {
            assert_true(when(f[4]) > when(f[3]));
            released++;
        }
        if (strcmp(f[2], "home") == 0) {
            assert_memory_equal(f[7], "DM", 2);
            assert_string_equal(f[6], "");
            devices[homes++] = f[7];
        } else {
            assert_string_equal(f[2], "centralized");
            assert_string_equal(f[7], "");
            assert_non_null(strstr(f[6], "集中隔离点"));
        }
    }
    assert_true(homes > 0 && homes < k.n);
    assert_true(released > 0);
    qsort(devices, homes, sizeof *devices, cmp_str);
    assert_int_equal(distinct(devices, homes), homes);

    /* risk areas: 110105 opened within the arrivals' 10 days */
    assert_int_equal(ra.n, 3);
    assert_string_equal(ra.rows[0][0], "110105");
    risk_start = when(ra.rows[0][2]);
    assert_true(risk_start > from && risk_start < fx->sum.round_start);

    /* arrivals: 1 to 2 % of the residents, residents only (no grid, name or phone to register
     * anyone), so the round's residents stay the same */
    assert_true(a.n >= PEOPLE / 100 && a.n <= PEOPLE * 2 / 100);
    for (i = 0; i < a.n; i++) {
        char **f = a.rows[i];
        int64_t t = when(f[1]);

        assert_true(t >= from && t < fx->sum.round_start);
        assert_true(has(ids, p.n, f[0]));
        assert_string_equal(f[3], "");
        assert_string_equal(f[5], "");
        assert_true(f[2][0] != '\0' && f[4][0] != '\0');
        if (strncmp(f[2], "110105", 6) == 0 && t < risk_start && t >= risk_start - 7 * 86400)
            backchecked++;
    }
    assert_true(backchecked > 0);

    /* door events: sensors of home orders, one offline gap, one tamper */
    assert_true(d.n > 0);
    for (i = 0; i < d.n; i++) {
        char **f = d.rows[i];
        const char *tm = f[2] + 11;

        assert_true(has(devices, homes, f[0]));
        for (j = 0; j < k.n && strcmp(k.rows[j][7], f[0]) != 0; j++)
            ;
        assert_string_equal(k.rows[j][0], f[1]);
        assert_true(when(f[2]) > when(k.rows[j][3]));
        offline += strcmp(f[3], "offline") == 0;
        tamper += strcmp(f[3], "tamper") == 0;
        if (strcmp(f[3], "open") == 0 && strncmp(tm, "07:", 3) != 0 && strncmp(tm, "18:", 3) != 0)
            night++;
        assert_true(strcmp(f[3], "open") == 0 || strcmp(f[3], "close") == 0 ||
                    strcmp(f[3], "offline") == 0 || strcmp(f[3], "tamper") == 0);
    }
    assert_int_equal(offline, 1);
    assert_int_equal(tamper, 1);
    assert_true(night <= d.n / 10);
    profile = slurp(fx->dir, "profile.ini", NULL);
    assert_non_null(profile);
    assert_non_null(strstr(profile, "door_allowed = 07:00-07:30,18:00-18:30"));
    free(profile);

    free(devices);
    free(ids);
    table_free(&d);
    table_free(&ra);
    table_free(&a);
    table_free(&k);
    table_free(&p);
}

/* ---- --now: the epidemic lives at a given moment ---- */

#define NOW_TEXT "2026-03-01T10:00:00+08:00"

/* A city of seed 42 written into a new temporary folder (its name into dir) as of now. */
static void write_city_at(char dir[64], int64_t now, struct fk_demo_summary *sum)
{
    struct fk_demo_opts o;
    char err[256];

    snprintf(dir, 64, "/tmp/fk_demo_XXXXXX");
    assert_non_null(mkdtemp(dir));
    fk_demo_defaults(&o);
    o.people = PEOPLE;
    o.seed = 42;
    o.out_dir = dir;
    o.now = now;
    if (fk_demo_write(&o, sum, err, sizeof err) != FK_OK)
        fail_msg("fk_demo_write: %s", err);
}

/* Every time of column k of file name (empty cells skipped) is at most now; the earliest into
 * *lo when lo is not NULL. The number of times seen. */
static size_t times_upto(const char *dir, const char *name, size_t nfields, size_t k, int64_t now,
                         int64_t *lo)
{
    struct table t;
    size_t i, n = 0;

    table_load(&t, dir, name, nfields);
    for (i = 0; i < t.n; i++) {
        int64_t v;

        if (!t.rows[i][k][0])
            continue;
        v = when(t.rows[i][k]);
        if (v > now)
            fail_msg("%s line %zu: %s is after now (%s)", name, i + 2, t.rows[i][k], NOW_TEXT);
        if (lo && (n == 0 || v < *lo))
            *lo = v;
        n++;
    }
    table_free(&t);
    return n;
}

static void test_demo__now_dates_everything(void **state)
{
    struct fk_demo_summary sum;
    char dir[64], *round, **resulted;
    int64_t now = when(NOW_TEXT), lo = 0, day = 86400;
    struct table s, r, k;
    size_t i, pending = 0, open = 0, due_today = 0, past_end = 0;

    (void)state;
    write_city_at(dir, now, &sum);
    assert_true(sum.now == now);
    /* the round of the day of now: from 06:00 that day to 06:00 the next */
    round = slurp(dir, "round.txt", NULL);
    assert_non_null(round);
    assert_string_equal(round, "R1,140700,2026-03-01T06:00:00+08:00,2026-03-02T06:00:00+08:00\n");
    free(round);
    assert_true(sum.round_start == when("2026-03-01T06:00:00+08:00"));

    /* nothing after now, and each kind of event in its days before it */
    assert_true(times_upto(dir, "scans.csv", 3, 2, now, &lo) > PEOPLE * 3);
    assert_true(lo >= now - 15 * day);
    assert_true(times_upto(dir, "pings.csv", 3, 2, now, &lo) > PEOPLE * 3);
    assert_true(lo >= now - 15 * day);
    assert_true(times_upto(dir, "samples.csv", 5, 2, now, &lo) > PEOPLE / 2);
    times_upto(dir, "samples.csv", 5, 4, now, NULL); /* shipped: none after now either */
    assert_true(lo >= sum.round_start);
    assert_true(times_upto(dir, "results.csv", 5, 2, now, NULL) > 0);
    times_upto(dir, "results.csv", 5, 4, now, NULL);
    assert_int_equal(times_upto(dir, "cases.csv", 4, 1, now, &lo), 5);
    assert_true(lo >= now - 5 * day); /* confirmed in the last days */
    assert_true(times_upto(dir, "controls.csv", 8, 3, now, &lo) >= 10);
    assert_true(lo >= now - 11 * day); /* day numbers well under 30 */
    times_upto(dir, "controls.csv", 8, 4, now, NULL);
    assert_true(times_upto(dir, "arrivals.csv", 7, 1, now, &lo) > 0);
    assert_true(lo >= now - 8 * day); /* the last week */
    assert_true(times_upto(dir, "door_events.csv", 4, 2, now, &lo) > 0);
    assert_true(lo >= now - 4 * day);
    assert_true(times_upto(dir, "sentinels.csv", 6, 2, now, &lo) > 100);
    assert_true(lo >= now - 31 * day); /* 30 days of signals */
    /* 值班与零报告 (issue 17): a week of reports, none submitted after now */
    assert_true(times_upto(dir, "reports.csv", 6, 5, now, &lo) > 50);
    assert_true(lo >= now - 7 * day);
    times_upto(dir, "risk_areas.csv", 5, 2, now, NULL);
    times_upto(dir, "risk_areas.csv", 5, 3, now, NULL);
    /* incident events (issue 17): none after now */
    times_upto(dir, "incident_events.csv", 4, 2, now, NULL);
    /* transfers (issue 18): no pick-up or hand-over after now; one person overdue (never picked
     * up, planned more than the hour's slack ago) and one gap (picked up, never handed over) */
    assert_true(times_upto(dir, "transfers.csv", 11, 9, now, NULL) >= 10);
    assert_true(times_upto(dir, "transfers.csv", 11, 10, now, NULL) >= 8);
    {
        struct table x;
        size_t overdue = 0, gap = 0;

        table_load(&x, dir, "transfers.csv", 11);
        for (i = 0; i < x.n; i++) {
            int64_t late = when(x.rows[i][8]) + 3600;

            overdue += !x.rows[i][9][0] && !x.rows[i][10][0] && late < now;
            gap += x.rows[i][9][0] && !x.rows[i][10][0] && late < now;
        }
        assert_int_equal(overdue, 1);
        assert_int_equal(gap, 1);
        table_free(&x);
    }
    /* citizen requests (issue 21): received, assigned and resolved by now; some open, some not
     * assigned by their kind's deadline (overdue), some resolved after it (late), and callers
     * under control among them */
    assert_int_equal(times_upto(dir, "requests.csv", 11, 1, now, &lo), 36);
    assert_true(lo >= now - 5 * day);
    times_upto(dir, "requests.csv", 11, 8, now, NULL);
    times_upto(dir, "requests.csv", 11, 9, now, NULL);
    {
        static const char *const kinds[] = {"medicine", "medical", "food", "complaint", "other"};
        static const int assign[] = {60, 30, 120, 240, 240},
                         resolve[] = {1440, 120, 1440, 4320, 4320};
        struct table x, c, p;
        size_t waiting = 0, overdue = 0, late = 0, callers = 0, j, m, q;

        table_load(&x, dir, "requests.csv", 11);
        table_load(&c, dir, "controls.csv", 8);
        table_load(&p, dir, "persons.csv", 7);
        for (i = 0; i < x.n; i++) {
            int64_t rec = when(x.rows[i][1]);

            for (q = 0; q < 5 && strcmp(x.rows[i][5], kinds[q]) != 0; q++)
                ;
            assert_true(q < 5);
            waiting += !x.rows[i][8][0] && now <= rec + assign[q] * 60;
            overdue += !x.rows[i][8][0] && now > rec + assign[q] * 60;
            late += x.rows[i][9][0] && when(x.rows[i][9]) > rec + resolve[q] * 60;
            /* a caller under an order open at now, by the registry's phone */
            for (j = 0; j < p.n; j++) {
                if (strcmp(p.rows[j][2], x.rows[i][3]) != 0)
                    continue;
                for (m = 0; m < c.n; m++)
                    callers += strcmp(c.rows[m][0], p.rows[j][0]) == 0 && !c.rows[m][4][0];
            }
        }
        assert_true(waiting >= 3 && overdue >= 3 && late >= 3);
        assert_true(callers >= 5);
        table_free(&p);
        table_free(&c);
        table_free(&x);
    }
    /* health check-ins (issue 18): from the orders' starts (at most 11 days back), none after now */
    assert_true(times_upto(dir, "checkins.csv", 4, 1, now, &lo) > 10);
    assert_true(lo >= fk_local_day_start(now) - 11 * day);
    /* vaccinations: most residents, none after now, none before the third birthday */
    assert_true(times_upto(dir, "vaccinations.csv", 5, 2, now, NULL) > PEOPLE);
    {
        struct table v;
        size_t first = 0;

        table_load(&v, dir, "vaccinations.csv", 5);
        for (i = 0; i < v.n; i++) {
            char birth[11];
            const char *id = v.rows[i][0];

            snprintf(birth, sizeof birth, "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
            if (when(v.rows[i][2]) < when(birth) + 3 * 365 * day)
                fail_msg("vaccinations.csv line %zu: %s before %s's third birthday", i + 2,
                         v.rows[i][2], id);
            first += strcmp(v.rows[i][1], "1") == 0;
        }
        assert_true(first > PEOPLE * 7 / 10); /* about 90 % of those 3 and older */
        table_free(&v);
    }

    /* tubes still waiting: sampled before now, no result yet */
    table_load(&s, dir, "samples.csv", 5);
    table_load(&r, dir, "results.csv", 5);
    resulted = column_sorted(&r, 0);
    for (i = 0; i < s.n; i++)
        if (i == 0 || strcmp(s.rows[i][0], s.rows[i - 1][0]) != 0)
            pending += !has(resulted, r.n, s.rows[i][0]);
    assert_true(pending > 10);
    assert_true(r.n > 0); /* 3 hours at least after sampling: few at 10:00 */
    free(resulted);
    table_free(&r);
    table_free(&s);

    /* control orders: 7 days of isolation due to end today, and some open past their 7 days */
    table_load(&k, dir, "controls.csv", 8);
    for (i = 0; i < k.n; i++) {
        int64_t d = (fk_local_day_start(now) - fk_local_day_start(when(k.rows[i][3]))) / day;

        if (k.rows[i][4][0])
            continue;
        open++;
        due_today += d == 7;
        past_end += d > 7;
    }
    assert_true(open > 0 && due_today > 0 && past_end > 0);
    table_free(&k);
    remove_dir(dir);
}

/* The same seed and now give the same bytes; a later now gives other files, in which the samples
 * and results of the earlier one all are (it only adds rows). */
static void test_demo__now_deterministic(void **state)
{
    struct fk_demo_summary a, b, c;
    char da[64], db[64], dc[64];
    int64_t now = when(NOW_TEXT);
    size_t i, la, lb;

    (void)state;
    write_city_at(da, now, &a);
    write_city_at(db, now, &b);
    write_city_at(dc, now + 8 * 3600, &c);
    assert_memory_equal(&a, &b, sizeof a);
    for (i = 0; i < NFILES; i++) {
        char *x = slurp(da, names[i], &la), *y = slurp(db, names[i], &lb);

        assert_non_null(x);
        assert_non_null(y);
        assert_int_equal(la, lb);
        assert_memory_equal(x, y, la);
        free(x);
        free(y);
    }
    assert_true(c.samples > a.samples && c.results > a.results);
    for (i = 0; i < 2; i++) {
        const char *name = i ? "results.csv" : "samples.csv";
        char *early = slurp(da, name, NULL), *late = slurp(dc, name, NULL), *p, *nl;

        assert_non_null(early);
        assert_non_null(late);
        for (p = early; *p; p = nl + 1) {
            nl = strchr(p, '\n');
            assert_non_null(nl);
            *nl = '\0';
            if (!strstr(late, p)) /* a whole row: every row starts with a tube code */
                fail_msg("%s: '%s' of the earlier now is not in the later one", name, p);
        }
        free(late);
        free(early);
    }
    remove_dir(da);
    remove_dir(db);
    remove_dir(dc);
}

/* Before 06:00 the round of now is the one that began at 06:00 the day before. */
static void test_demo__now_before_six(void **state)
{
    struct fk_demo_summary sum;
    char dir[64];

    (void)state;
    write_city_at(dir, when("2026-03-01T05:30:00+08:00"), &sum);
    assert_true(sum.round_start == when("2026-02-28T06:00:00+08:00"));
    assert_true(sum.round_end == when("2026-03-01T06:00:00+08:00"));
    remove_dir(dir);
}

static void test_demo__zero_scans_and_pings(void **state)
{
    struct fk_demo_opts o;
    struct fk_demo_summary sum;
    char dir[64], err[256], *scans;

    (void)state;
    snprintf(dir, sizeof dir, "/tmp/fk_demo_XXXXXX");
    assert_non_null(mkdtemp(dir));
    fk_demo_defaults(&o);
    o.people = 500;
    o.out_dir = dir;
    o.scans_per_person = 0;
    o.pings_per_person = 0;
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_OK);
    assert_int_equal(sum.scans, 0);
    assert_int_equal(sum.pings, 0);
    assert_int_equal(sum.persons, 500);
    scans = slurp(dir, "scans.csv", NULL);
    assert_string_equal(scans, "id_number,venue,time\n");
    free(scans);
    remove_dir(dir);
}

/* Writes text as DIR/regions-in.csv (its path into path; dir is made first when "") and readies
 * o for a city of people residents from it, written into dir. */
static void regions_city(struct fk_demo_opts *o, char dir[64], char path[128], const char *text,
                         uint64_t people)
{
    FILE *f;

    if (!dir[0]) {
        snprintf(dir, 64, "/tmp/fk_demo_XXXXXX");
        assert_non_null(mkdtemp(dir));
    }
    snprintf(path, 128, "%s/regions-in.csv", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    fk_demo_defaults(o);
    o->people = people;
    o->out_dir = dir;
    o->regions_csv = path;
}

/* Writes the city o is readied for and returns its regions.csv. Caller frees. */
static char *regions_written(const struct fk_demo_opts *o, struct fk_demo_summary *sum)
{
    char err[256], *out;

    if (fk_demo_write(o, sum, err, sizeof err) != FK_OK)
        fail_msg("fk_demo_write: %s", err);
    out = slurp(o->out_dir, "regions.csv", NULL);
    assert_non_null(out);
    return out;
}

static void test_demo__regions_file_keeps_the_city(void **state)
{
    static const char regions[] = "code,name,level,parent\r\n"
                                  "140000,山西省,province,\r\n"
                                  "140100,太原市,city,140000\r\n"
                                  "140105,小店区,county,140100\r\n"
                                  "140700,晋中市,city,140000\r\n"
                                  "140702,榆次区,county,140700\r\n"
                                  "140702001,\"北关街道, 老城\",township,140702\r\n"
                                  "140702001002,羊毫街社区,community,140702001\r\n"
                                  "140702001002G01,旧网格,grid,140702001002\r\n"
                                  "140702001003,桥西社区,community,140702001\r\n"
                                  "140727,祁县,county,140700\r\n"
                                  "140727100,昭馀镇,township,140727\r\n"
                                  "140727100201,东关村委会,community,140727100\r\n";
    struct fk_demo_opts o;
    struct fk_demo_summary sum;
    char dir[64] = "", path[128], err[256], *out;

    (void)state;
    regions_city(&o, dir, path, regions, 2000);
    out = regions_written(&o, &sum);
    assert_string_equal(out, "code,name,level,parent,lon,lat,worker,worker_phone\n"
                             "140000,山西省,province,,,,,\n"
                             "140700,晋中市,city,140000,,,,\n"
                             "140702,榆次区,county,140700,,,,\n"
                             "140702001,\"北关街道, 老城\",township,140702,,,,\n"
                             "140702001002,羊毫街社区,community,140702001,,,,\n"
                             "140702001002G01,网格0001,grid,140702001002,112.6665,37.6587,杨网格员5,13700000005\n"
                             "140702001003,桥西社区,community,140702001,,,,\n"
                             "140702001003G01,网格0002,grid,140702001003,112.7490,37.7214,黄网格员7,13700000007\n"
                             "140727,祁县,county,140700,,,,\n"
                             "140727100,昭馀镇,township,140727,,,,\n"
                             "140727100201,东关村委会,community,140727100,,,,\n"
                             "140727100201G01,网格0003,grid,140727100201,112.3148,37.3946,孙网格员11,13700000011\n"
                             "140727100201G02,网格0004,grid,140727100201,112.3126,37.3717,胡网格员12,13700000012\n");
    /* 2,000 residents want 4 grids: one per community, the extra one to the last */
    assert_int_equal(sum.grids, 4);
    assert_int_equal(sum.regions, 13);
    free(out);

    o.city = "140800";
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "140800"));
    remove_dir(dir);
}

/* A regions file is read as CSV like any import: GBK from Chinese Excel comes out as UTF-8, and a
 * malformed record is an error that names its line, not a row read some other way. */
static void test_demo__regions_file_read_as_csv(void **state)
{
    /* 山西省, 晋中市, 榆次区 and 羊毫街社区 in GBK */
    static const char gbk[] = "code,name,level,parent\r\n"
                              "140000,\xC9\xBD\xCE\xF7\xCA\xA1,province,\r\n"
                              "140700,\xBD\xFA\xD6\xD0\xCA\xD0,city,140000\r\n"
                              "140702,\xD3\xDC\xB4\xCE\xC7\xF8,county,140700\r\n"
                              "140702001002,\xD1\xF2\xBA\xC1\xBD\xD6\xC9\xE7\xC7\xF8,"
                              "community,140702\r\n";
    static const char broken[] = "code,name,level,parent\n"
                                 "140000,山西省,province,\n"
                                 "140700,晋中市,city,140000\n"
                                 "140702,\"榆次\"区,county,140700\n"
                                 "140702001002,羊毫街社区,community,140702\n";
    struct fk_demo_opts o;
    struct fk_demo_summary sum;
    char dir[64] = "", path[128], err[256], *out;

    (void)state;
    regions_city(&o, dir, path, gbk, 500);
    out = regions_written(&o, &sum);
    assert_string_equal(out, "code,name,level,parent,lon,lat,worker,worker_phone\n"
                             "140000,山西省,province,,,,,\n"
                             "140700,晋中市,city,140000,,,,\n"
                             "140702,榆次区,county,140700,,,,\n"
                             "140702001002,羊毫街社区,community,140702,,,,\n"
                             "140702001002G01,网格0001,grid,140702001002,112.6665,37.6587,陈网格员4,13700000004\n");
    free(out);

    regions_city(&o, dir, path, broken, 500);
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "line 4"));
    remove_dir(dir);
}

static void test_demo__bad_options_rejected(void **state)
{
    struct fk_demo_opts o;
    struct fk_demo_summary sum;
    char err[256];

    (void)state;
    fk_demo_defaults(&o);
    o.out_dir = "/nonexistent-fk-test/never";
    o.people = 0;
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "people"));
    o.people = 100;
    o.city = "990000";
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    o.city = "140100";
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "regions file"));
    o.city = "140700";
    o.cases = 101;
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    o.cases = 5;
    o.now = -1;
    assert_int_equal(fk_demo_write(&o, &sum, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "now"));
}

/* 包保 (issue 17): leaders of known regions from county to grid, every township but one led; the
 * cadres of persons at home (open orders) only, of the five roles, most with all five and some
 * lacking a doctor or a volunteer. */
static void test_demo__assignments(void **state)
{
    static const char *const five[] = {"grid_worker", "community_cadre", "doctor", "police",
                                       "volunteer"};
    struct fixture *fx = *state;
    struct table ctl, asg, reg;
    size_t i, j, k, leaders = 0, towns = 0, towns_led = 0, home = 0, full = 0, short_dv = 0;

    table_load(&ctl, fx->dir, "controls.csv", 8);
    table_load(&asg, fx->dir, "assignments.csv", 5);
    table_load(&reg, fx->dir, "regions.csv", 8);
    for (i = 0; i < asg.n; i++) {
        char **a = asg.rows[i];
        int known = 0;

        assert_true(strlen(a[0]) > 0 && strlen(a[1]) == 11);
        if (strcmp(a[2], "leader") == 0) {
            leaders++;
            assert_string_equal(a[4], "");
            for (j = 0; j < reg.n; j++)
                known |=
                    strcmp(reg.rows[j][0], a[3]) == 0 && (strcmp(reg.rows[j][2], "city") != 0 &&
                                                          strcmp(reg.rows[j][2], "province") != 0);
            assert_true(known);
            continue;
        }
        for (k = 0; k < 5; k++)
            known |= strcmp(a[2], five[k]) == 0;
        assert_true(known);
        /* a person at home whose order is open */
        for (known = 0, j = 0; j < ctl.n; j++)
            known |= strcmp(ctl.rows[j][0], a[4]) == 0 && strcmp(ctl.rows[j][2], "home") == 0 &&
                     ctl.rows[j][4][0] == '\0';
        if (!known)
            fail_msg("assignments.csv line %zu: %s is not at home", i + 2, a[4]);
    }
    for (j = 0; j < ctl.n; j++) {
        unsigned have = 0;

        if (strcmp(ctl.rows[j][2], "home") != 0 || ctl.rows[j][4][0])
            continue;
        home++;
        for (i = 0; i < asg.n; i++)
            for (k = 0; k < 5; k++)
                if (strcmp(asg.rows[i][4], ctl.rows[j][0]) == 0 &&
                    strcmp(asg.rows[i][2], five[k]) == 0)
                    have |= 1u << k;
        full += have == 0x1F;
        short_dv += !(have & (1u << 2)) || !(have & (1u << 4));
    }
    for (j = 0; j < reg.n; j++) {
        if (strcmp(reg.rows[j][2], "township") != 0)
            continue;
        towns++;
        for (i = 0; i < asg.n; i++)
            if (strcmp(asg.rows[i][2], "leader") == 0 &&
                strcmp(asg.rows[i][3], reg.rows[j][0]) == 0) {
                towns_led++;
                break;
            }
    }
    assert_true(home >= 4);
    assert_true(full * 2 >= home);
    assert_true(short_dv >= 1);
    assert_true(towns >= 2 && towns_led == towns - 1);
    assert_true(leaders > towns);
    table_free(&ctl);
    table_free(&asg);
    table_free(&reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo__same_seed_same_bytes),
        cmocka_unit_test(test_demo__bytes_pinned),
        cmocka_unit_test(test_demo__different_seed_differs),
        cmocka_unit_test(test_demo__zones),
        cmocka_unit_test(test_demo__person_ids_valid_and_unique),
        cmocka_unit_test(test_demo__regions_tree_is_ordered),
        cmocka_unit_test(test_demo__grids_and_venues_on_the_map),
        cmocka_unit_test(test_demo__person_grids_exist_one_empty),
        cmocka_unit_test(test_demo__summary_matches_files),
        cmocka_unit_test(test_demo__sampled_share_realistic),
        cmocka_unit_test(test_demo__tubes_pool_ten_at_one_site),
        cmocka_unit_test(test_demo__times_render_like_fk_time_render),
        cmocka_unit_test(test_demo__control_files_valid),
        cmocka_unit_test(test_demo__assignments),
        cmocka_unit_test(test_demo__now_dates_everything),
        cmocka_unit_test(test_demo__now_deterministic),
        cmocka_unit_test(test_demo__now_before_six),
        cmocka_unit_test(test_demo__zero_scans_and_pings),
        cmocka_unit_test(test_demo__regions_file_keeps_the_city),
        cmocka_unit_test(test_demo__regions_file_read_as_csv),
        cmocka_unit_test(test_demo__bad_options_rejected),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
