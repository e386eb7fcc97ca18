/* SPDX-License-Identifier: MIT */
/* The vaccination-coverage benchmark (issue 16): a city of N residents (default 10 M, fixed seed)
 * with about 2.4 doses each written into a fangkong data file under /tmp, then the vaccination
 * index built (timed) and coverage by county and age band at one time asked Q times (median and
 * worst, warm), beside the same question as one SQL query on the same file (the baseline: window
 * function over the doses, join to the persons, group by county and band), with the answers
 * compared row by row and the ratio printed. A benchmark, not a test: nothing runs it under ctest.
 *
 * usage: bench_vaccine [--people N] [--seed S] [--dir DIR] [--queries Q] [--keep]
 *
 * DESIGN NOTES
 * - Persons and doses are written with plain INSERTs into the schema fangkong made (a bulk load,
 *   not an import). ID numbers are unique by construction: the county's area code i mod 10, then
 *   the birth day (1930-2022, j * 7919 mod D for j = i / 10, a bijection) and the sequence
 *   from j / D; the check character is GB 11643's.
 * - Every dose is of one two-dose vaccine, so the baseline's course is the constant 2; the level
 *   rule (the most of dose number and rank by time) is the same in both. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

#define COUNTIES 10
#define TOWNSHIPS 10 /* per county */
#define GRIDS 100    /* per township (one community each) */

static double now_s(void)
{
    return fk_mono_seconds();
}

/* Person i: ID number, grid code, and doses (count, times). */
static void person(uint64_t seed, uint64_t i, char *id, char *grid, int *ndoses, int64_t t[4])
{
    static const int64_t day0 = -14610;  /* 1930-01-01 */
    static const uint64_t ndays = 33968; /* to 2022-12-31 */
    uint64_t s = stream(seed, i), d = (i / COUNTIES) * 7919 % ndays,
             seq = (i / COUNTIES / ndays) % 1000;
    int64_t y;
    unsigned m, dd;
    int c = (int)(i % COUNTIES), k, j;

    fk_civil_from_days(day0 + (int64_t)d, &y, &m, &dd);
    snprintf(id, 19, "14070%d%04d%02u%02u%03u", c, (int)y, m, dd, (unsigned)seq);
    id[17] = fk_id_check_char(id);
    id[18] = '\0';
    snprintf(grid, 32, "14070%d%03u001G%02u", c, below(&s, TOWNSHIPS) + 1, below(&s, GRIDS));
    k = (int)below(&s, 20); /* 1 none, 2 one dose, 7 two, 8 three, 2 four: 2.4 on average */
    *ndoses = k < 1 ? 0 : k < 3 ? 1 : k < 10 ? 2 : k < 18 ? 3 : 4;
    t[0] = INT64_C(1609430400) + (int64_t)below(&s, 400) * 86400 + (int64_t)below(&s, 36000);
    for (j = 1; j < *ndoses; j++)
        t[j] = t[j - 1] + (21 + (int64_t)below(&s, 200)) * 86400;
    /* never before birth: the young get their doses after their third birthday */
    {
        int64_t birth = (day0 + (int64_t)d) * 86400 + 3 * 366 * 86400;

        for (j = 0; j < *ndoses; j++)
            if (t[j] < birth)
                t[j] = birth + j * 30 * 86400;
    }
}

static int load_people(const char *path, uint64_t seed, uint64_t n, uint64_t *doses)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *pi = NULL, *vi = NULL;
    char id[20], grid[32];
    int64_t t[4];
    uint64_t i;
    int nd, j, rc = 1;
    double t0 = now_s();

    *doses = 0;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        exec_sql("bench_vaccine", db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
                 "DROP INDEX persons_name; DROP INDEX persons_grid_name; DROP INDEX persons_id6;"
                 "DROP INDEX persons_phone4; DROP INDEX persons_household; BEGIN") != 0 ||
        sqlite3_prepare_v2(
            db, "INSERT INTO persons (id, id_number, name, grid) VALUES (?1, ?2, '某', ?3)", -1,
            &pi, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO vaccinations (person, dose, time, vaccine) VALUES (?1, ?2, "
                           "?3, 'CoronaVac')",
                           -1, &vi, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_vaccine: %s\n", db ? sqlite3_errmsg(db) : "open");
        goto out;
    }
    for (i = 0; i < n; i++) {
        person(seed, i, id, grid, &nd, t);
        sqlite3_bind_int64(pi, 1, (int64_t)i + 1);
        sqlite3_bind_text(pi, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(pi, 3, grid, -1, SQLITE_STATIC);
        if (sqlite3_step(pi) != SQLITE_DONE)
            goto out;
        sqlite3_reset(pi);
        for (j = 0; j < nd; j++) {
            sqlite3_bind_int64(vi, 1, (int64_t)i + 1);
            sqlite3_bind_int(vi, 2, j + 1);
            sqlite3_bind_int64(vi, 3, t[j]);
            if (sqlite3_step(vi) != SQLITE_DONE)
                goto out;
            sqlite3_reset(vi);
            (*doses)++;
        }
    }
    /* the person-search indexes dropped for the load, made again as migration 0006 makes them:
     * the store's statements name one of them (INDEXED BY) */
    if (exec_sql("bench_vaccine", db,
                 "COMMIT; CREATE INDEX persons_name ON persons (name); "
                 "CREATE INDEX persons_grid_name ON persons (grid, name); "
                 "CREATE INDEX persons_id6 ON persons (substr(id_number, -6)); "
                 "CREATE INDEX persons_phone4 ON persons (substr(phone, -4)) WHERE phone <> ''; "
                 "CREATE INDEX persons_household ON persons (household) WHERE household <> ''; "
                 "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE") != 0)
        goto out;
    printf("written: %llu persons, %llu doses in %.1f s\n", (unsigned long long)n,
           (unsigned long long)*doses, now_s() - t0);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "bench_vaccine: load: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(pi);
    sqlite3_finalize(vi);
    sqlite3_close(db);
    return rc;
}

/* The baseline: ?1 the time, ?2 its local date as yyyymmdd. */
static const char BASELINE[] =
    "WITH d AS (SELECT person, max(lv) AS level FROM (SELECT person, max(dose, row_number() "
    "OVER (PARTITION BY person ORDER BY time, dose)) AS lv FROM vaccinations WHERE time <= ?1) "
    "GROUP BY person), "
    "p AS (SELECT substr(grid, 1, 6) AS county, (?2 - CAST(substr(id_number, 7, 8) AS INTEGER)) "
    "/ 10000 AS age, coalesce(d.level, 0) AS level FROM persons LEFT JOIN d ON d.person = "
    "persons.id WHERE ?2 >= CAST(substr(id_number, 7, 8) AS INTEGER)), "
    "b AS (SELECT county, CASE WHEN age < 3 THEN -1 WHEN age <= 11 THEN 0 WHEN age <= 17 THEN 1 "
    "WHEN age <= 59 THEN 2 WHEN age <= 79 THEN 3 ELSE 4 END AS band, level FROM p), "
    "c AS (SELECT county, band, count(*) AS n, sum(level >= 1) AS d1, sum(level >= 2) AS f, "
    "sum(level >= 3) AS bo FROM b WHERE band >= 0 GROUP BY county, band UNION ALL "
    "SELECT county, 5, count(*), sum(level >= 1), sum(level >= 2), sum(level >= 3) FROM b "
    "WHERE band >= 1 GROUP BY county) "
    "SELECT c.county, r.name, CASE band WHEN 0 THEN '3-11' WHEN 1 THEN '12-17' WHEN 2 THEN "
    "'18-59' WHEN 3 THEN '60-79' WHEN 4 THEN '80+' ELSE '12+' END, n, d1, f, bo FROM c JOIN "
    "regions r ON r.code = c.county ORDER BY c.county, band";

int main(int argc, char **argv)
{
    static const struct fk_col cols[] = {{"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
                                         {"band", FK_COL_TEXT},   {"residents", FK_COL_INT},
                                         {"dose1", FK_COL_INT},   {"full", FK_COL_INT},
                                         {"booster", FK_COL_INT}};
    uint64_t people = 10000000, seed = 16, doses = 0;
    const char *dir = "/tmp";
    int queries = 20, keep = 0, i, rc = 1;
    char path[512], err[512];
    struct fk_profile prof;
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_vax *v = NULL;
    fk_table *a = NULL, *b = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    double times[100], t0, tb = 0, tbuild, teng;
    struct timing tm = {times, 0};
    int64_t now = INT64_C(1661990400); /* 2022-09-01T08:00:00+08:00 */

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--people") == 0 && i + 1 < argc)
            people = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: bench_vaccine [--people N] [--seed S] [--dir DIR] "
                            "[--queries Q] [--keep]\n");
            return 2;
        }
    }
    if (queries < 1 || queries > 100)
        queries = 20;
    snprintf(path, sizeof path, "%s/bench-vaccine-%llu.db", dir, (unsigned long long)people);
    print_load("before");
    if (access(path, F_OK) != 0) {
        if (bench_regions("bench_vaccine", path, COUNTIES, TOWNSHIPS, GRIDS) != 0 ||
            load_people(path, seed, people, &doses) != 0)
            goto out;
    }
    fk_profile_defaults(&prof);
    if (fk_store_open(path, &st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_vaccine: %s\n", err);
        goto out;
    }
    t0 = now_s();
    if (fk_engine_build(st, &prof, &e, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_vaccine: %s\n", err);
        goto out;
    }
    teng = now_s() - t0;
    t0 = now_s();
    if (fk_vax_build(st, e, &prof, &v, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_vaccine: %s\n", err);
        goto out;
    }
    tbuild = now_s() - t0;
    printf("engine built in %.1f s; vaccination index over %zu residents in %.1f s, RSS %.0f MiB\n",
           teng, fk_vax_residents(v), tbuild, mib(status_kib("VmRSS")));
    fk_vax_coverage(v, FK_LEVEL_COUNTY, NULL, now, &a, err, sizeof err); /* warm */
    fk_table_free(a);
    a = NULL;
    for (i = 0; i < queries; i++) {
        t0 = now_s();
        if (fk_vax_coverage(v, FK_LEVEL_COUNTY, NULL, now, &a, err, sizeof err) != FK_OK) {
            fprintf(stderr, "bench_vaccine: %s\n", err);
            goto out;
        }
        times[tm.n++] = now_s() - t0;
        if (i + 1 < queries) {
            fk_table_free(a);
            a = NULL;
        }
    }
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, BASELINE, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_vaccine: baseline: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    exec_sql("bench_vaccine", db, "PRAGMA cache_size=-1048576");
    sqlite3_bind_int64(q, 1, now);
    sqlite3_bind_int64(q, 2, fk_vax_ymd(now));
    for (i = 0; i < 2; i++) { /* the second run is the warm one */
        fk_table_free(b);
        b = NULL;
        t0 = now_s();
        if (run_query("bench_vaccine", db, q, cols, 7, &b) != FK_OK)
            goto out;
        tb = now_s() - t0;
    }
    {
        double worst = 0, med;
        size_t k, diff;

        for (k = 0; k < tm.n; k++)
            worst = times[k] > worst ? times[k] : worst;
        med = t_median(&tm);
        diff = compare_rows("bench_vaccine", "coverage by county", a, b, 7);
        printf("coverage by county and band at 2022-09-01, %zu rows: fangkong %.2f ms median, "
               "%.2f ms worst of %d; SQLite %.0f ms (warm); ratio %.0fx; answers %s\n",
               fk_table_nrows(a), med * 1e3, worst * 1e3, queries, tb * 1e3, tb / med,
               diff ? "DIFFER" : "identical");
        rc = diff ? 1 : 0;
    }
    print_load("after");
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    fk_table_free(a);
    fk_table_free(b);
    fk_vax_free(v);
    fk_engine_free(e);
    fk_store_close(st);
    if (!keep)
        unlink(path);
    return rc;
}
