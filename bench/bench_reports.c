/* SPDX-License-Identifier: MIT */
/* The reports benchmark (issue 17, "speed": report status for 50 000 units x 30 days within
 * 10 ms warm): fk_reports_status by county and by township for the last day, warm in process,
 * against SQLite's GROUP BY over the same data file in the same run, answers compared row by row.
 * It makes its own city with a fixed seed in a data file under /tmp. A benchmark, not a test:
 * nothing runs it under ctest.
 *
 * usage: bench_reports [--units-per-community N] [--seed N] [--dir DIR] [--runs N]
 *        [--sql-runs N]
 * Exit status: 0; 3 when fangkong and SQLite disagree; 1 on a failure; 2 on a usage error.
 *
 * DESIGN NOTES
 * - The city: 1 city, 10 counties, 20 townships each, 10 communities each, and 25 units in each
 *   community (--units-per-community), kinds in turn: 50 000 units. For every unit and day of
 *   2026-11-01 .. 11-30 a report with probability 85 %, a count of 0 (零报告) with 70 %, and a
 *   submitted time between 08:00 and 20:00 (so some are late against 18:00): about 1.27 M rows.
 * - fangkong: the index is built once (timed), then the status of 2026-11-30 by county and by
 *   township is asked --runs times; median and maximum are reported.
 * - SQLite: the same file read-only, a scratch database with the unit -> county (township) map
 *   (one recursive CTE, timed apart), and per question one statement: the day's reports grouped
 *   per unit (sum of counts, first submission) left-joined to the map and grouped per region and
 *   kind. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

#define DAY 86400
#define MAX_RUNS 1000

static const char *prog = "bench_reports";

struct opts {
    int upc, runs, sql_runs;
    uint64_t seed;
    const char *dir;
};

static int usage(void)
{
    fprintf(stderr,
            "usage: %s [--units-per-community N] [--seed N] [--dir DIR] [--runs N] "
            "[--sql-runs N]\n",
            prog);
    return 2;
}

static int put_region(fk_store *st, const char *code, const char *name, const char *parent,
                      enum fk_level level)
{
    struct fk_region_row r;
    enum fk_put did;

    memset(&r, 0, sizeof r);
    r.code = code;
    r.name = name;
    r.parent = parent;
    r.level = (int)level;
    return fk_store_put_region(st, &r, &did);
}

/* Commits every 200 000 rows so a batch stays bounded. */
static int step(fk_store *st, uint64_t *in_batch, int rc)
{
    if (rc == FK_OK && ++*in_batch == 200000) {
        *in_batch = 0;
        rc = fk_store_commit(st);
        if (rc == FK_OK)
            rc = fk_store_begin(st);
    }
    return rc;
}

/* Regions, units and reports into the data file. */
static int generate(fk_store *st, const struct opts *o, int64_t day0, uint64_t *nrows)
{
    char county[16], town[32], comm[48], name[64], unit[64], date[16];
    uint64_t s = stream(o->seed, 1), in_batch = 0;
    int c, t, m, u, d, rc, n = 0;

    rc = fk_store_begin(st);
    if (rc == FK_OK)
        rc = put_region(st, "140700", "晋中市", "", FK_LEVEL_CITY);
    for (c = 0; c < 10 && rc == FK_OK; c++) {
        snprintf(county, sizeof county, "1407%02d", c + 1);
        snprintf(name, sizeof name, "县%02d", c + 1);
        rc = put_region(st, county, name, "140700", FK_LEVEL_COUNTY);
        for (t = 0; t < 20 && rc == FK_OK; t++) {
            snprintf(town, sizeof town, "%s%03d", county, t + 1);
            snprintf(name, sizeof name, "镇%02d%02d", c + 1, t + 1);
            rc = put_region(st, town, name, county, FK_LEVEL_TOWNSHIP);
            for (m = 0; m < 10 && rc == FK_OK; m++) {
                snprintf(comm, sizeof comm, "%s%03d", town, m + 1);
                snprintf(name, sizeof name, "社区%d", m + 1);
                rc = put_region(st, comm, name, town, FK_LEVEL_COMMUNITY);
                for (u = 0; u < o->upc && rc == FK_OK; u++) {
                    struct fk_record_value v[5];
                    enum fk_put did;

                    snprintf(unit, sizeof unit, "U%s%02d", comm, u + 1);
                    snprintf(name, sizeof name, "单位%d", ++n);
                    memset(v, 0, sizeof v);
                    v[0].s = unit;
                    v[1].s = name;
                    v[2].s = comm;
                    v[3].i = u % FK_UNIT_NKINDS;
                    v[4].s = "";
                    rc = fk_store_put_record(st, FK_IMPORT_UNITS, v, NULL, &did, NULL);
                    for (d = 0; d < 30 && rc == FK_OK; d++) {
                        struct fk_record_value r[6];
                        int64_t start = fk_report_day_start((int32_t)(day0 + d));

                        if (below(&s, 100) >= 85)
                            continue;
                        fk_date_render(start, date);
                        memset(r, 0, sizeof r);
                        r[0].s = unit;
                        r[1].s = date;
                        r[2].s = "daily";
                        r[3].i = below(&s, 100) < 70 ? 0 : 1 + (int64_t)below(&s, 5);
                        r[4].s = "";
                        r[5].i = start + 8 * 3600 + (int64_t)below(&s, 12 * 3600);
                        rc = fk_store_put_record(st, FK_IMPORT_REPORTS, r, NULL, &did, NULL);
                        ++*nrows;
                        rc = step(st, &in_batch, rc);
                    }
                }
            }
        }
    }
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median_of(double *v, int n, double *max)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *max = v[n - 1];
    return v[n / 2];
}

static const struct fk_col status_cols[] = {
    {"region", FK_COL_TEXT},  {"name", FK_COL_TEXT}, {"kind", FK_COL_TEXT}, {"units", FK_COL_INT},
    {"reported", FK_COL_INT}, {"zero", FK_COL_INT},  {"late", FK_COL_INT},  {"missing", FK_COL_INT},
};

/* The SQLite answer of the status of day (days since 1970) over map. */
static int sql_status(sqlite3 *db, const char *map, int64_t day, int deadline_min, fk_table **out)
{
    char sql[1400], date[16];
    sqlite3_stmt *q = NULL;
    int rc;

    snprintf(sql, sizeof sql,
             "SELECT g.region, g.name, CASE g.kind WHEN 0 THEN 'township' WHEN 1 THEN "
             "'hospital' WHEN 2 THEN 'clinic' WHEN 3 THEN 'pharmacy' WHEN 4 THEN 'school' WHEN 5 "
             "THEN 'enterprise' ELSE 'other' END, count(*), count(r.unit), "
             "sum(r.unit IS NOT NULL AND r.total = 0), sum(coalesce(r.first > ?2, 0)), "
             "count(*) - count(r.unit) FROM aux.%s g LEFT JOIN (SELECT unit, sum(count) AS "
             "total, min(submitted) AS first FROM reports WHERE date = ?1 GROUP BY unit) r ON "
             "r.unit = g.unit GROUP BY g.region, g.kind ORDER BY g.region, g.kind",
             map);
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: baseline: %s\n", prog, sqlite3_errmsg(db));
        return FK_EDB;
    }
    fk_date_render(fk_report_day_start((int32_t)day), date);
    sqlite3_bind_text(q, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 2, fk_report_deadline((int32_t)day, deadline_min));
    rc = run_query(prog, db, q, status_cols, 8, out);
    sqlite3_finalize(q);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = {25, 50, 5, 17, NULL};
    struct fk_profile prof;
    fk_store *st = NULL;
    fk_reports *x = NULL;
    sqlite3 *db = NULL;
    char dir[512], path[600], uri[700], aux[700], err[1024];
    double t0, gen_s = 0, idx_s, map_s, v[MAX_RUNS];
    int64_t day0 = fk_days_from_civil(2026, 11, 1), day = day0 + 29;
    uint64_t nrows = 0;
    size_t diffs = 0;
    int i, rc, status = 1, q;
    static const struct {
        const char *label, *map;
        enum fk_level level;
    } qs[2] = {{"status by county", "county_of", FK_LEVEL_COUNTY},
               {"status by township", "township_of", FK_LEVEL_TOWNSHIP}};

    err[0] = '\0';
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!val)
            return usage();
        if (strcmp(a, "--units-per-community") == 0)
            o.upc = (int)strtol(val, NULL, 10);
        else if (strcmp(a, "--seed") == 0)
            o.seed = strtoull(val, NULL, 10);
        else if (strcmp(a, "--dir") == 0)
            o.dir = val;
        else if (strcmp(a, "--runs") == 0)
            o.runs = (int)strtol(val, NULL, 10);
        else if (strcmp(a, "--sql-runs") == 0)
            o.sql_runs = (int)strtol(val, NULL, 10);
        else
            return usage();
        i++;
    }
    if (o.upc < 1 || o.upc > 99 || o.runs < 1 || o.runs > MAX_RUNS || o.sql_runs < 1 ||
        o.sql_runs > MAX_RUNS)
        return usage();
    if (!o.dir) {
        snprintf(dir, sizeof dir, "/tmp/fk-bench-reports-%d", o.upc);
        o.dir = dir;
    }
    if (mkdir(o.dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: %s: %s\n", prog, o.dir, strerror(errno));
        return 1;
    }
    snprintf(path, sizeof path, "%s/fangkong.db", o.dir);
    fk_profile_defaults(&prof);
    print_load("before");
    if (access(path, F_OK) != 0) {
        rc = fk_store_open(path, &st, err, sizeof err);
        t0 = fk_mono_seconds();
        if (rc == FK_OK)
            rc = generate(st, &o, day0, &nrows);
        gen_s = fk_mono_seconds() - t0;
        fk_store_close(st);
        st = NULL;
        if (rc != FK_OK) {
            fprintf(stderr, "%s: generating: %s\n", prog, fk_strerror(rc));
            unlink(path);
            return 1;
        }
        printf("generated %llu reports of %d units in %.1f s\n", (unsigned long long)nrows,
               2000 * o.upc, gen_s);
    }
    rc = fk_store_open(path, &st, err, sizeof err);
    if (rc != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    rc = fk_reports_build(st, &prof, &x, err, sizeof err);
    idx_s = fk_mono_seconds() - t0;
    if (rc != FK_OK)
        goto fail;
    printf("reports index built in %.2f s (%zu units, RSS %.0f MiB)\n", idx_s, fk_reports_units(x),
           mib(status_kib("VmRSS")));

    snprintf(uri, sizeof uri, "file:%s?mode=ro", path);
    snprintf(aux, sizeof aux, "ATTACH '%s/aux.db' AS aux", o.dir);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                        NULL) != SQLITE_OK ||
        exec_sql(prog, db, aux) != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    if (exec_sql(prog, db,
                 "DROP TABLE IF EXISTS aux.county_of; DROP TABLE IF EXISTS aux.township_of;"
                 "CREATE TABLE aux.county_of AS WITH RECURSIVE up(unit, kind, code) AS ("
                 " SELECT code, kind, region FROM units UNION ALL"
                 " SELECT up.unit, up.kind, r.parent FROM up JOIN regions r ON r.code = up.code"
                 " WHERE r.parent <> '') SELECT up.unit, up.kind, r.code AS region, r.name FROM up"
                 " JOIN regions r ON r.code = up.code WHERE r.level = 3;"
                 "CREATE TABLE aux.township_of AS WITH RECURSIVE up(unit, kind, code) AS ("
                 " SELECT code, kind, region FROM units UNION ALL"
                 " SELECT up.unit, up.kind, r.parent FROM up JOIN regions r ON r.code = up.code"
                 " WHERE r.parent <> '') SELECT up.unit, up.kind, r.code AS region, r.name FROM up"
                 " JOIN regions r ON r.code = up.code WHERE r.level = 4;"
                 "CREATE INDEX aux.county_of_unit ON county_of (unit);"
                 "CREATE INDEX aux.township_of_unit ON township_of (unit);") != FK_OK)
        goto fail;
    map_s = fk_mono_seconds() - t0;
    printf("SQLite setup (unit -> county and township maps): %.2f s\n\n", map_s);
    printf("%-20s %12s %12s %12s %12s %8s %6s\n", "question", "fk median", "fk max", "sql median",
           "sql max", "ratio", "rows");
    for (q = 0; q < 2; q++) {
        fk_table *a = NULL, *s = NULL;
        double fmed, fmax, smed, smax;

        for (i = 0; i < o.runs; i++) {
            fk_table_free(a);
            t0 = fk_mono_seconds();
            rc = fk_reports_status(x, qs[q].level, NULL, (int32_t)day, &a, err, sizeof err);
            v[i] = fk_mono_seconds() - t0;
            if (rc != FK_OK)
                goto fail;
        }
        fmed = median_of(v, o.runs, &fmax);
        for (i = 0; i < o.sql_runs; i++) {
            fk_table_free(s);
            t0 = fk_mono_seconds();
            rc = sql_status(db, qs[q].map, day, prof.reports_deadline_min, &s);
            v[i] = fk_mono_seconds() - t0;
            if (rc != FK_OK) {
                fk_table_free(a);
                goto fail;
            }
        }
        smed = median_of(v, o.sql_runs, &smax);
        diffs += compare_rows(prog, qs[q].label, a, s, 8);
        printf("%-20s %9.3f ms %9.3f ms %9.1f ms %9.1f ms %7.0fx %6zu\n", qs[q].label, fmed * 1e3,
               fmax * 1e3, smed * 1e3, smax * 1e3, smed / fmed, fk_table_nrows(a));
        fk_table_free(a);
        fk_table_free(s);
    }
    printf("\nanswers %s\n", diffs ? "DIFFER" : "identical");
    print_load("after");
    status = diffs ? 3 : 0;
    goto done;
fail:
    fprintf(stderr, "%s: %s\n", prog, err[0] ? err : "failed");
done:
    sqlite3_close(db);
    fk_reports_free(x);
    fk_store_close(st);
    return status;
}
