/* SPDX-License-Identifier: MIT */
/* The sentinel benchmark (issue 16, "speed"): the sentinel board (fk_senb_board) for 20 000 grids
 * x 6 kinds x 30 days of rows, warm in process, against SQLite's GROUP BY over the same data file
 * in the same run, answers compared row by row. It makes its own city with a fixed seed in a
 * data file under /tmp. A benchmark, not a test: nothing runs it under ctest.
 *
 * usage: bench_sentinel [--grids-per-community N] [--fill PCT] [--seed N] [--dir DIR] [--runs N]
 *        [--sql-runs N]
 * Exit status: 0; 3 when fangkong and SQLite disagree; 1 on a failure; 2 on a usage error.
 *
 * DESIGN NOTES
 * - The city: 1 city, 10 counties, 20 townships each, 10 communities each, and 10 grids each
 *   (--grids-per-community): 20 000 grids. For every grid, kind and day of 2026-11-01 .. 11-30,
 *   a row with probability --fill % (default 50) and a count of 1 to 5, at a time of day drawn
 *   over the whole 24 h (so the local day matters); about 1.8 M rows.
 * - fangkong: the engine and the sentinel index are built once (timed), then the board of
 *   2026-11-30 by county and by township is asked --runs times; the median and maximum are
 *   reported.
 * - SQLite: the same file read-only, a scratch database with the grid -> county (or township)
 *   map (one recursive CTE, timed apart), and per question one statement: the counts per
 *   (region, kind, local day) of the ten days the rule reads (GROUP BY over the time index) and
 *   each kind's first day. The rule itself (fk_sen_eval) and the rendering are the same C for
 *   both sides, so the comparison is of the counting, which is the work; the SQL side's time
 *   includes them. */
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
#include "fk/sentinel_board.h"

#define DAY 86400
#define MAX_RUNS 1000
#define NKINDS 6

static const char *prog = "bench_sentinel";

struct opts {
    int gpc, fill, runs, sql_runs;
    uint64_t seed;
    const char *dir;
};

static int usage(void)
{
    fprintf(stderr, "usage: %s [--grids-per-community N] [--fill PCT] [--seed N] [--dir DIR] "
                    "[--runs N] [--sql-runs N]\n", prog);
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

/* Regions and rows into the data file. */
static int generate(fk_store *st, const struct opts *o, int64_t day0, uint64_t *nrows)
{
    char county[16], town[32], comm[48], grid[64], name[32];
    uint64_t s = stream(o->seed, 1);
    int c, t, m, g, rc, k, d;
    uint64_t in_batch = 0;

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
                for (g = 0; g < o->gpc && rc == FK_OK; g++) {
                    snprintf(grid, sizeof grid, "%sG%02d", comm, g + 1);
                    snprintf(name, sizeof name, "网格%d", g + 1);
                    rc = put_region(st, grid, name, comm, FK_LEVEL_GRID);
                }
            }
        }
    }
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    if (rc == FK_OK)
        rc = fk_store_begin_control(st);
    for (c = 0; c < 10 && rc == FK_OK; c++)
        for (t = 0; t < 20 && rc == FK_OK; t++)
            for (m = 0; m < 10 && rc == FK_OK; m++)
                for (g = 0; g < o->gpc && rc == FK_OK; g++) {
                    snprintf(grid, sizeof grid, "1407%02d%03d%03dG%02d", c + 1, t + 1, m + 1,
                             g + 1);
                    for (k = 0; k < NKINDS && rc == FK_OK; k++)
                        for (d = 0; d < 30 && rc == FK_OK; d++) {
                            struct fk_record_value v[6];
                            enum fk_put did;

                            if ((int)below(&s, 100) >= o->fill)
                                continue;
                            memset(v, 0, sizeof v);
                            v[0].s = grid;
                            v[1].i = k;
                            v[2].i = (day0 + d) * DAY - 8 * 3600 + (int64_t)below(&s, DAY);
                            v[3].s = grid;
                            v[4].s = "";
                            v[5].i = 1 + (int64_t)below(&s, 5);
                            rc = fk_store_put_record(st, FK_IMPORT_SENTINELS, v, NULL, &did,
                                                     NULL);
                            ++*nrows;
                            if (rc == FK_OK && ++in_batch == 200000) {
                                in_batch = 0;
                                rc = fk_store_commit(st);
                                if (rc == FK_OK)
                                    rc = fk_store_begin_control(st);
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

static const struct fk_col board_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"kind", FK_COL_TEXT},
    {"date", FK_COL_TEXT},   {"count", FK_COL_INT}, {"mean", FK_COL_REAL},
    {"sd", FK_COL_REAL},     {"fires", FK_COL_TEXT},
};

/* The SQLite answer: counts by (region, kind, day) in the window, then the same rule. */
static int sql_board(sqlite3 *db, const char *map, const struct fk_profile *p, int64_t day,
                     fk_table **out)
{
    char sql[1024], date[16];
    sqlite3_stmt *qr = NULL, *qc = NULL, *qs = NULL;
    int64_t start[NKINDS], *cnt = NULL;
    char **codes = NULL, **names = NULL;
    size_t nreg = 0, cap = 0, i;
    int rc = FK_EDB, k;
    fk_table *t = NULL;

    *out = NULL;
    for (k = 0; k < NKINDS; k++)
        start[k] = INT64_MAX;
    snprintf(sql, sizeof sql, "SELECT DISTINCT region, name FROM aux.%s ORDER BY region", map);
    if (sqlite3_prepare_v2(db, sql, -1, &qr, NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(qr) == SQLITE_ROW) {
        if (nreg == cap) {
            cap = cap ? cap * 2 : 64;
            codes = realloc(codes, cap * sizeof *codes);
            names = realloc(names, cap * sizeof *names);
            if (!codes || !names)
                goto out;
        }
        codes[nreg] = strdup((const char *)sqlite3_column_text(qr, 0));
        names[nreg] = strdup((const char *)sqlite3_column_text(qr, 1));
        nreg++;
    }
    if (sqlite3_prepare_v2(db, "SELECT kind, min(time) FROM sentinels GROUP BY kind", -1, &qs,
                           NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(qs) == SQLITE_ROW) {
        k = sqlite3_column_int(qs, 0);
        if (k >= 0 && k < NKINDS)
            start[k] = (sqlite3_column_int64(qs, 1) + 8 * 3600) / DAY;
    }
    snprintf(sql, sizeof sql,
             "SELECT m.region, s.kind, (s.time + 28800) / 86400 AS day, sum(s.count) "
             "FROM sentinels s JOIN aux.%s m ON m.grid = s.grid "
             "WHERE s.time BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3 ORDER BY 1",
             map);
    if (sqlite3_prepare_v2(db, sql, -1, &qc, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(qc, 1, (day - 9) * DAY - 8 * 3600);
    sqlite3_bind_int64(qc, 2, (day + 1) * DAY - 8 * 3600 - 1);
    cnt = calloc(nreg * NKINDS * FK_SEN_WINDOW + 1, sizeof *cnt);
    if (!cnt)
        goto out;
    i = 0;
    while (sqlite3_step(qc) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(qc, 0);
        int64_t d = sqlite3_column_int64(qc, 2) - (day - 9);

        while (i < nreg && strcmp(codes[i], r) < 0)
            i++;
        k = sqlite3_column_int(qc, 1);
        if (i < nreg && strcmp(codes[i], r) == 0 && k >= 0 && k < NKINDS && d >= 0 &&
            d < FK_SEN_WINDOW)
            cnt[(i * NKINDS + (size_t)k) * FK_SEN_WINDOW + (size_t)d] += sqlite3_column_int64(qc, 3);
    }
    if (fk_table_new(board_cols, 8, &t) != FK_OK)
        goto out;
    fk_date_render(day * DAY, date);
    for (i = 0; i < nreg; i++)
        for (k = 0; k < NKINDS; k++) {
            struct fk_sen_verdict v;
            int64_t have = start[k] == INT64_MAX ? 0 : day - start[k] + 1;
            char count[24], mean[32], sd[32];
            const char *vals[8];

            have = have < 0 ? 0 : have > FK_SEN_WINDOW ? FK_SEN_WINDOW : have;
            fk_sen_eval(p, k, &cnt[(i * NKINDS + (size_t)k) * FK_SEN_WINDOW], (int)have, &v);
            snprintf(count, sizeof count, "%lld", (long long)v.count);
            snprintf(mean, sizeof mean, "%.2f", v.mean);
            snprintf(sd, sizeof sd, "%.2f", v.sd);
            vals[0] = codes[i];
            vals[1] = names[i];
            vals[2] = fk_sen_kind_name(k);
            vals[3] = date;
            vals[4] = count;
            vals[5] = v.baseline ? mean : NULL;
            vals[6] = v.baseline ? sd : NULL;
            vals[7] = fk_sen_fires_name(v.fires);
            if (fk_table_add(t, vals) != FK_OK)
                goto out;
        }
    *out = t;
    t = NULL;
    rc = FK_OK;
out:
    if (rc != FK_OK)
        fprintf(stderr, "%s: baseline: %s\n", prog, sqlite3_errmsg(db));
    sqlite3_finalize(qr);
    sqlite3_finalize(qs);
    sqlite3_finalize(qc);
    for (i = 0; i < nreg; i++) {
        free(codes[i]);
        free(names[i]);
    }
    free(codes);
    free(names);
    free(cnt);
    fk_table_free(t);
    return rc;
}

int main(int argc, char **argv)
{
    struct opts o = {10, 50, 20, 3, 16, NULL};
    struct fk_profile prof;
    struct fk_engine_stats es;
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_senb *b = NULL;
    sqlite3 *db = NULL;
    char dir[512], path[600], uri[700], aux[700], err[1024];
    double t0, gen_s = 0, eng_s, idx_s, map_s, v[MAX_RUNS];
    int64_t day0 = fk_days_from_civil(2026, 11, 1), day = day0 + 29;
    uint64_t nrows = 0;
    size_t diffs = 0;
    int i, rc, status = 1, q;

    err[0] = '\0';
    static const struct {
        const char *label, *map;
        enum fk_level level;
    } qs[2] = {{"board by county", "county_of", FK_LEVEL_COUNTY},
               {"board by township", "township_of", FK_LEVEL_TOWNSHIP}};

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (!val)
            return usage();
        if (strcmp(a, "--grids-per-community") == 0)
            o.gpc = (int)strtol(val, NULL, 10);
        else if (strcmp(a, "--fill") == 0)
            o.fill = (int)strtol(val, NULL, 10);
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
    if (o.gpc < 1 || o.gpc > 99 || o.fill < 1 || o.fill > 100 || o.runs < 1 ||
        o.runs > MAX_RUNS || o.sql_runs < 1 || o.sql_runs > MAX_RUNS)
        return usage();
    if (!o.dir) {
        snprintf(dir, sizeof dir, "/tmp/fk-bench-sentinel-%d-%d", o.gpc, o.fill);
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
        printf("generated %llu sentinel rows for %d grids in %.1f s\n",
               (unsigned long long)nrows, 2000 * o.gpc, gen_s);
    }
    rc = fk_store_open(path, &st, err, sizeof err);
    if (rc != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    rc = fk_engine_build(st, &prof, &e, err, sizeof err);
    eng_s = fk_mono_seconds() - t0;
    if (rc != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    rc = fk_senb_build(st, e, &prof, &b, err, sizeof err);
    idx_s = fk_mono_seconds() - t0;
    if (rc != FK_OK)
        goto fail;
    fk_engine_stats(e, &es);
    printf("engine built in %.2f s (%zu grids); sentinel index built in %.2f s\n", eng_s,
           es.grids, idx_s);

    snprintf(uri, sizeof uri, "file:%s?mode=ro", path);
    snprintf(aux, sizeof aux, "ATTACH '%s/aux.db' AS aux", o.dir);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
        exec_sql(prog, db, aux) != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    if (exec_sql(prog, db,
                 "DROP TABLE IF EXISTS aux.county_of; DROP TABLE IF EXISTS aux.township_of;"
                 "CREATE TABLE aux.county_of AS WITH RECURSIVE up(grid, code) AS ("
                 " SELECT code, code FROM regions WHERE level = 6 UNION ALL"
                 " SELECT up.grid, r.parent FROM up JOIN regions r ON r.code = up.code"
                 " WHERE r.parent <> '') SELECT up.grid, r.code AS region, r.name FROM up"
                 " JOIN regions r ON r.code = up.code WHERE r.level = 3;"
                 "CREATE TABLE aux.township_of AS WITH RECURSIVE up(grid, code) AS ("
                 " SELECT code, code FROM regions WHERE level = 6 UNION ALL"
                 " SELECT up.grid, r.parent FROM up JOIN regions r ON r.code = up.code"
                 " WHERE r.parent <> '') SELECT up.grid, r.code AS region, r.name FROM up"
                 " JOIN regions r ON r.code = up.code WHERE r.level = 4;"
                 "CREATE INDEX aux.county_of_grid ON county_of (grid);"
                 "CREATE INDEX aux.township_of_grid ON township_of (grid);") != FK_OK)
        goto fail;
    map_s = fk_mono_seconds() - t0;
    printf("SQLite setup (grid -> county and township maps): %.2f s\n\n", map_s);
    printf("%-20s %12s %12s %12s %12s %8s %6s\n", "question", "fk median", "fk max", "sql median",
           "sql max", "ratio", "rows");
    for (q = 0; q < 2; q++) {
        fk_table *a = NULL, *s = NULL;
        double fmed, fmax, smed, smax;

        for (i = 0; i < o.runs; i++) {
            fk_table_free(a);
            t0 = fk_mono_seconds();
            rc = fk_senb_board(b, NULL, qs[q].level, day, &a, err, sizeof err);
            v[i] = fk_mono_seconds() - t0;
            if (rc != FK_OK)
                goto fail;
        }
        fmed = median_of(v, o.runs, &fmax);
        for (i = 0; i < o.sql_runs; i++) {
            fk_table_free(s);
            t0 = fk_mono_seconds();
            rc = sql_board(db, qs[q].map, &prof, day, &s);
            v[i] = fk_mono_seconds() - t0;
            if (rc != FK_OK) {
                fk_table_free(a);
                goto fail;
            }
        }
        smed = median_of(v, o.sql_runs, &smax);
        diffs += compare_rows(prog, qs[q].label, a, s, 8);
        printf("%-20s %9.3f ms %9.3f ms %9.1f ms %9.1f ms %7.0fx %6zu\n", qs[q].label,
               fmed * 1e3, fmax * 1e3, smed * 1e3, smax * 1e3, smed / fmed, fk_table_nrows(a));
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
    fk_senb_free(b);
    fk_engine_free(e);
    fk_store_close(st);
    return status;
}
