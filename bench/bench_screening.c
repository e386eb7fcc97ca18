/* SPDX-License-Identifier: MIT */
/* The screening benchmark's query half: builds the engine from a fangkong data file, times
 * coverage by grid for the whole round and the missing list of one grid, runs the same questions
 * as SQL on a baseline SQLite file (plain tables made by the shell's .import), checks that both
 * give the same answers, and prints them side by side. bench/run.sh makes the data and calls it;
 * it is a benchmark, not a test, and nothing runs it under ctest.
 *
 * usage: bench_screening DATAFILE ROUND BASELINE.db [--runs N] [--sql-runs N]
 *        [--missing-runs N] [--grid CODE] [--summary FILE]
 *
 * DESIGN NOTES
 * - Same question on both sides: residents of a grid are the persons whose grid column names it;
 *   sampled are those of them with at least one sample whose time lies in the round's window,
 *   both ends included. The baseline compares the CSV's time text with the window rendered the
 *   same way (YYYY-MM-DDTHH:MM:SS+08:00), which orders like the times themselves as long as
 *   every time carries the +08:00 offset, as the generator writes them.
 * - Grids "inside the round's region" are found by a recursive walk down regions.parent in SQL,
 *   as the engine finds them by its depth-first numbering.
 * - The engine caches the round's bitset (who was sampled) for the last round asked. So coverage
 *   is timed twice: with the bitset rebuilt from the samples on every call (a fresh round id each
 *   time) and warm (the same round again, bitset cached), the figure a server answering the same
 *   round all day sees.
 * - The baseline gets its indexes (and ANALYZE) here, timed on their own and not counted in any
 *   query time, and a 1 GiB page cache, so its queries run warm from memory as the engine does.
 * - Peak memory is ru_maxrss, read once after the fangkong half (engine built and queried) and
 *   once at the end (with SQLite's page cache on top). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

#define MAX_RUNS 100000

struct opts {
    const char *datafile, *round, *baseline, *grid, *summary;
    int runs, sql_runs, missing_runs;
};

/* Peak resident set size of this process so far, in KiB (Linux reports ru_maxrss in KiB). */
static long peak_rss_kib(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss;
}

static double t_min(const struct timing *t)
{
    double m = t->n ? t->v[0] : 0.0;
    size_t i;

    for (i = 1; i < t->n; i++)
        if (t->v[i] < m)
            m = t->v[i];
    return m;
}

static int parse_count(const char *name, const char *s, int *out)
{
    int64_t v;

    if (fk_parse_i64((fk_slice){s, strlen(s)}, &v) != FK_OK || v < 1 || v > MAX_RUNS) {
        fprintf(stderr, "bench_screening: %s takes a whole number from 1 to %d, not '%s'\n", name,
                MAX_RUNS, s);
        return FK_EINVAL;
    }
    *out = (int)v;
    return FK_OK;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_screening DATAFILE ROUND BASELINE.db [--runs N] [--sql-runs N] "
                    "[--missing-runs N] [--grid CODE] [--summary FILE]\n");
    return FK_EINVAL;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    int i, npos = 0;

    memset(o, 0, sizeof *o);
    o->runs = 15;
    o->sql_runs = 3;
    o->missing_runs = 201;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = FK_OK;

        if (strncmp(a, "--", 2) != 0) {
            if (npos == 0)
                o->datafile = a;
            else if (npos == 1)
                o->round = a;
            else if (npos == 2)
                o->baseline = a;
            else
                return usage();
            npos++;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        if (strcmp(a, "--runs") == 0)
            rc = parse_count(a, argv[++i], &o->runs);
        else if (strcmp(a, "--sql-runs") == 0)
            rc = parse_count(a, argv[++i], &o->sql_runs);
        else if (strcmp(a, "--missing-runs") == 0)
            rc = parse_count(a, argv[++i], &o->missing_runs);
        else if (strcmp(a, "--grid") == 0)
            o->grid = argv[++i];
        else if (strcmp(a, "--summary") == 0)
            o->summary = argv[++i];
        else
            return usage();
        if (rc != FK_OK)
            return rc;
    }
    return npos == 3 ? FK_OK : usage();
}

/* ---- the fangkong half ---- */

/* The grid with the most residents missing from coverage table t (region, name, residents,
 * sampled, …), the first in code order on a tie; NULL when t has no rows. Borrowed from t. */
static const char *worst_grid(const fk_table *t)
{
    const char *best = NULL;
    long long most = -1;
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++) {
        const char *res = fk_table_get(t, i, 2), *smp = fk_table_get(t, i, 3);
        long long miss = strtoll(res ? res : "0", NULL, 10) - strtoll(smp ? smp : "0", NULL, 10);

        if (miss > most) {
            most = miss;
            best = fk_table_get(t, i, 0);
        }
    }
    return best;
}

/* ---- the SQLite half ---- */

static const char *const index_sql[] = {
    "CREATE UNIQUE INDEX IF NOT EXISTS regions_code ON regions(code)",
    "CREATE INDEX IF NOT EXISTS regions_parent ON regions(parent)",
    "CREATE INDEX IF NOT EXISTS persons_grid ON persons(grid, id_number)",
    "CREATE INDEX IF NOT EXISTS samples_person_time ON samples(id_number, time)",
    "ANALYZE",
};

/* Coverage by grid: grids under the round's region (?1) with their residents and how many of
 * them have a sample in [?2, ?3]. */
static const char coverage_sql[] =
    "WITH RECURSIVE sub(code) AS ("
    "  SELECT code FROM regions WHERE code = ?1"
    "  UNION ALL SELECT r.code FROM regions r JOIN sub ON r.parent = sub.code)"
    " SELECT g.code, g.name, count(p.id_number),"
    "  count(p.id_number) FILTER (WHERE EXISTS (SELECT 1 FROM samples s"
    "    WHERE s.id_number = p.id_number AND s.time BETWEEN ?2 AND ?3))"
    " FROM sub JOIN regions g ON g.code = sub.code"
    " LEFT JOIN persons p ON p.grid = g.code"
    " WHERE g.level = 'grid' GROUP BY g.code ORDER BY g.code";

/* Missing list of one grid (?1): residents with no sample in [?2, ?3]. */
static const char missing_sql[] = "SELECT p.id_number, p.name, p.phone, p.grid FROM persons p"
                                  " WHERE p.grid = ?1 AND NOT EXISTS (SELECT 1 FROM samples s"
                                  "   WHERE s.id_number = p.id_number AND s.time BETWEEN ?2 AND ?3)"
                                  " ORDER BY p.grid, p.id_number";

static const struct fk_col sql_coverage_cols[] = {
    {"region", FK_COL_TEXT},
    {"name", FK_COL_TEXT},
    {"residents", FK_COL_INT},
    {"sampled", FK_COL_INT},
};
static const struct fk_col sql_missing_cols[] = {
    {"id_number", FK_COL_TEXT},
    {"name", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},
};

/* Creates the baseline's indexes unless all are there; *seconds is the time taken, or -1 when
 * they already existed. */
static int make_indexes(sqlite3 *db, double *seconds)
{
    sqlite3_stmt *st = NULL;
    double t0;
    size_t i;
    int have, rc = FK_EDB;

    *seconds = -1;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                           "('regions_code', 'regions_parent', 'persons_grid', "
                           "'samples_person_time')",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        fprintf(stderr, "bench_screening: baseline: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    have = sqlite3_column_int(st, 0);
    rc = FK_OK;
    if (have == 4)
        goto out;
    t0 = fk_mono_seconds();
    for (i = 0; rc == FK_OK && i < sizeof index_sql / sizeof index_sql[0]; i++)
        rc = exec_sql("bench_screening", db, index_sql[i]);
    *seconds = fk_mono_seconds() - t0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Runs st n times, timing each run; *last keeps the answer of the last run. */
static int time_query(sqlite3 *db, sqlite3_stmt *st, const struct fk_col *cols, size_t ncols,
                      struct timing *tm, fk_table **last)
{
    size_t i;
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i < tm->n; i++) {
        double t0 = fk_mono_seconds();

        fk_table_free(*last);
        *last = NULL;
        rc = run_query("bench_screening", db, st, cols, ncols, last);
        tm->v[i] = fk_mono_seconds() - t0;
    }
    return rc;
}

/* ---- output ---- */

static void print_row(const char *work, double fk_s, double sql_s)
{
    printf("%-44s %12.3f ms %12.3f ms %10.1f x\n", work, fk_s * 1e3, sql_s * 1e3,
           fk_s > 0 ? sql_s / fk_s : 0.0);
}

int main(int argc, char **argv)
{
    struct opts o;
    struct fk_profile prof;
    struct fk_round round, fresh;
    struct fk_engine_stats es;
    struct timing cov_cold = {NULL, 0}, cov_warm = {NULL, 0}, miss = {NULL, 0};
    struct timing sql_cov = {NULL, 0}, sql_miss = {NULL, 0};
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_table *fk_cov = NULL, *fk_miss = NULL, *sq_cov = NULL, *sq_miss = NULL, *tmp = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q_cov = NULL, *q_miss = NULL;
    fk_buf sum;
    char err[1024], wstart[FK_TIME_RENDER_MAX], wend[FK_TIME_RENDER_MAX], label[128];
    char grid[FK_REGION_CODE_MAX];
    const char *g;
    double t0, build_s, index_s = -1, cov_cold_med, cov_warm_med, miss_med, sql_cov_med,
                        sql_miss_med;
    long rss_fk, rss_all;
    size_t i, cov_diff, miss_diff;
    int rc, status = EXIT_FAILURE;

    fk_buf_init(&sum, 0);
    if (parse_args(argc, argv, &o) != FK_OK)
        goto out;
    cov_cold.n = cov_warm.n = (size_t)o.runs;
    miss.n = sql_miss.n = (size_t)o.missing_runs;
    sql_cov.n = (size_t)o.sql_runs;
    cov_cold.v = calloc(cov_cold.n, sizeof *cov_cold.v);
    cov_warm.v = calloc(cov_warm.n, sizeof *cov_warm.v);
    miss.v = calloc(miss.n, sizeof *miss.v);
    sql_miss.v = calloc(sql_miss.n, sizeof *sql_miss.v);
    sql_cov.v = calloc(sql_cov.n, sizeof *sql_cov.v);
    if (!cov_cold.v || !cov_warm.v || !miss.v || !sql_miss.v || !sql_cov.v) {
        fprintf(stderr, "bench_screening: out of memory\n");
        goto out;
    }

    /* fangkong: open, build, ask. */
    rc = fk_store_open(o.datafile, &st, err, sizeof err);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_screening: %s: %s\n", o.datafile, err);
        goto out;
    }
    rc = fk_store_get_round(st, o.round, &round);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_screening: round %s: %s\n", o.round,
                rc == FK_ENOENT ? "no such round" : fk_store_errmsg(st));
        goto out;
    }
    fk_profile_defaults(&prof);
    t0 = fk_mono_seconds();
    rc = fk_engine_build(st, &prof, &e, err, sizeof err);
    build_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "bench_screening: %s\n", err);
        goto out;
    }
    fk_engine_stats(e, &es);

    /* Coverage with the round's bitset rebuilt each call: a round id never seen before. */
    fresh = round;
    for (i = 0; i < cov_cold.n; i++) {
        fresh.id = INT64_MAX - (int64_t)i;
        t0 = fk_mono_seconds();
        rc = fk_engine_coverage(e, &fresh, FK_LEVEL_GRID, &tmp, err, sizeof err);
        cov_cold.v[i] = fk_mono_seconds() - t0;
        fk_table_free(tmp);
        tmp = NULL;
        if (rc != FK_OK) {
            fprintf(stderr, "bench_screening: %s\n", err);
            goto out;
        }
    }
    /* Warm: one call to cache the bitset, then the timed runs; the last answer is kept. */
    for (i = 0; i <= cov_warm.n; i++) {
        fk_table_free(fk_cov);
        fk_cov = NULL;
        t0 = fk_mono_seconds();
        rc = fk_engine_coverage(e, &round, FK_LEVEL_GRID, &fk_cov, err, sizeof err);
        if (i > 0)
            cov_warm.v[i - 1] = fk_mono_seconds() - t0;
        if (rc != FK_OK) {
            fprintf(stderr, "bench_screening: %s\n", err);
            goto out;
        }
    }
    g = o.grid ? o.grid : worst_grid(fk_cov);
    if (!g) {
        fprintf(stderr, "bench_screening: round %s has no grids\n", round.name);
        goto out;
    }
    fk_strlcpy(grid, g, sizeof grid);
    for (i = 0; i < miss.n; i++) {
        fk_table_free(fk_miss);
        fk_miss = NULL;
        t0 = fk_mono_seconds();
        rc = fk_engine_missing(e, st, &round, grid, &fk_miss, err, sizeof err);
        miss.v[i] = fk_mono_seconds() - t0;
        if (rc != FK_OK) {
            fprintf(stderr, "bench_screening: %s\n", err);
            goto out;
        }
    }
    rss_fk = peak_rss_kib();

    /* SQLite: indexes (timed apart), then the same two questions. */
    if (sqlite3_open_v2(o.baseline, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_screening: %s: %s\n", o.baseline,
                db ? sqlite3_errmsg(db) : "cannot open");
        goto out;
    }
    if (exec_sql("bench_screening", db,
                 "PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY") != FK_OK ||
        make_indexes(db, &index_s) != FK_OK)
        goto out;
    fk_time_render(round.start, wstart);
    fk_time_render(round.end, wend);
    if (sqlite3_prepare_v2(db, coverage_sql, -1, &q_cov, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, missing_sql, -1, &q_miss, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_screening: baseline: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(q_cov, 1, round.region, -1, SQLITE_STATIC);
    sqlite3_bind_text(q_cov, 2, wstart, -1, SQLITE_STATIC);
    sqlite3_bind_text(q_cov, 3, wend, -1, SQLITE_STATIC);
    sqlite3_bind_text(q_miss, 1, grid, -1, SQLITE_STATIC);
    sqlite3_bind_text(q_miss, 2, wstart, -1, SQLITE_STATIC);
    sqlite3_bind_text(q_miss, 3, wend, -1, SQLITE_STATIC);
    if (time_query(db, q_cov, sql_coverage_cols, 4, &sql_cov, &sq_cov) != FK_OK ||
        time_query(db, q_miss, sql_missing_cols, 4, &sql_miss, &sq_miss) != FK_OK)
        goto out;
    rss_all = peak_rss_kib();

    cov_diff = compare_rows("bench_screening", "coverage", fk_cov, sq_cov, 4);
    miss_diff = compare_rows("bench_screening", "missing", fk_miss, sq_miss, 4);

    cov_cold_med = t_median(&cov_cold);
    cov_warm_med = t_median(&cov_warm);
    miss_med = t_median(&miss);
    sql_cov_med = t_median(&sql_cov);
    sql_miss_med = t_median(&sql_miss);

    printf("round %s: region %s, window %s .. %s\n", round.name, round.region, wstart, wend);
    printf("engine: %zu regions, %zu grids, %zu residents, %zu samples in %zu tubes, "
           "%zu results; indexes hold %.1f MiB\n",
           es.regions, es.grids, es.persons, es.samples, es.tubes, es.results,
           (double)es.bytes / 1048576.0);
    printf("engine build from the store: %.2f s\n", build_s);
    if (index_s >= 0)
        printf("SQLite baseline indexes (4) + ANALYZE: %.2f s, not counted below\n", index_s);
    else
        printf("SQLite baseline indexes: already present, not rebuilt\n");
    printf("\n%-44s %15s %15s %12s\n", "work (median)", "fangkong", "SQLite", "SQLite/fk");
    print_row("coverage by grid, bitset rebuilt each call", cov_cold_med, sql_cov_med);
    print_row("coverage by grid, warm (bitset cached)", cov_warm_med, sql_cov_med);
    snprintf(label, sizeof label, "missing list of grid %s (%zu)", grid, fk_table_nrows(fk_miss));
    print_row(label, miss_med, sql_miss_med);
    printf("\nruns: coverage %d + %d fangkong (min %.3f / %.3f ms), %d SQLite (min %.1f ms); "
           "missing %d each\n",
           o.runs, o.runs, t_min(&cov_cold) * 1e3, t_min(&cov_warm) * 1e3, o.sql_runs,
           t_min(&sql_cov) * 1e3, o.missing_runs);
    printf("peak RSS (ru_maxrss): %.1f MiB after the engine half, %.1f MiB with SQLite's cache\n",
           (double)rss_fk / 1024.0, (double)rss_all / 1024.0);
    if (cov_diff == 0 && miss_diff == 0)
        printf("answers: IDENTICAL: residents and sampled of all %zu grids, and the %zu rows of "
               "the missing list, equal in fangkong and SQLite\n",
               fk_table_nrows(fk_cov), fk_table_nrows(fk_miss));
    else
        printf("answers: DIFFER: %zu grid rows and %zu missing rows disagree (see stderr)\n",
               cov_diff, miss_diff);

    rc = fk_buf_printf(&sum,
                       "regions %zu\ngrids %zu\nresidents %zu\nsamples %zu\ntubes %zu\n"
                       "engine_mib %.1f\nbuild_s %.3f\nsql_index_s %.3f\n"
                       "cov_cold_ms %.3f\ncov_warm_ms %.3f\ncov_warm_min_ms %.3f\n"
                       "sql_cov_ms %.3f\nmiss_grid %s\nmiss_rows %zu\nmiss_ms %.3f\n"
                       "sql_miss_ms %.3f\nrss_fk_mib %.1f\nrss_all_mib %.1f\nidentical %s\n",
                       es.regions, es.grids, es.persons, es.samples, es.tubes,
                       (double)es.bytes / 1048576.0, build_s, index_s, cov_cold_med * 1e3,
                       cov_warm_med * 1e3, t_min(&cov_warm) * 1e3, sql_cov_med * 1e3, grid,
                       fk_table_nrows(fk_miss), miss_med * 1e3, sql_miss_med * 1e3,
                       (double)rss_fk / 1024.0, (double)rss_all / 1024.0,
                       cov_diff == 0 && miss_diff == 0 ? "yes" : "no");
    if (rc != FK_OK ||
        (o.summary && write_summary("bench_screening", o.summary, sum.data) != FK_OK))
        goto out;
    status = cov_diff == 0 && miss_diff == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
out:
    sqlite3_finalize(q_cov);
    sqlite3_finalize(q_miss);
    sqlite3_close(db);
    fk_table_free(tmp);
    fk_table_free(fk_cov);
    fk_table_free(fk_miss);
    fk_table_free(sq_cov);
    fk_table_free(sq_miss);
    fk_engine_free(e);
    fk_store_close(st);
    free(cov_cold.v);
    free(cov_warm.v);
    free(miss.v);
    free(sql_cov.v);
    free(sql_miss.v);
    fk_buf_fini(&sum);
    return status;
}
