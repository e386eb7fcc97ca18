/* SPDX-License-Identifier: MIT */
/* The pace benchmark (issue 21): `fangkong pace ROUND --by grid --view hours` in-process, warm
 * (the engine built once, then one untimed call and RUNS timed ones; the median), and the regions
 * view with its forecast, against the SQLite baseline asked the same question with SQL over the
 * same files (bench/run-pace.sh imports them with the sqlite3 shell): per grid and hour of the
 * round, the residents first sampled in that hour and the tubes whose first member sample fell in
 * it, as of the round's middle. The answers are compared cell by cell; a difference fails the run.
 * A benchmark, not a test: nothing runs it in ctest.
 *
 * usage: bench_pace DATAFILE ROUND BASELINE [--runs N] [--summary FILE] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

static const char *prog = "bench_pace";

/* The first sample of each resident in [start, cut] by grid and hour, and the tubes by the grid
 * and hour of their first member sample in it; only the cells with something, by grid, hour. */
static const char pace_sql[] =
    "WITH s2 AS (SELECT s.tube AS tube, s.time AS time, p.grid AS grid, s.id_number AS who "
    "FROM samples s JOIN persons p ON p.id_number = s.id_number WHERE s.time BETWEEN ?1 AND ?2), "
    "f AS (SELECT grid, (unixepoch(min(time)) - ?3) / 3600 AS h FROM s2 GROUP BY who), "
    "t AS (SELECT grid, (unixepoch(min(time)) - ?3) / 3600 AS h FROM s2 GROUP BY tube) "
    "SELECT grid, h, sum(a), sum(b) FROM (SELECT grid, h, count(*) AS a, 0 AS b FROM f GROUP BY "
    "grid, h UNION ALL SELECT grid, h, 0, count(*) FROM t GROUP BY grid, h) GROUP BY grid, h "
    "ORDER BY grid, h";

static const struct fk_col cells_cols[] = {
    {"grid", FK_COL_TEXT}, {"hour", FK_COL_INT}, {"sampled", FK_COL_INT}, {"tubes", FK_COL_INT}};

/* fangkong's hours rows (region,name,hour,planned,sampled,tubes,…) as the cells the SQL gives:
 * grid, hour index, sampled, tubes, for the cells with something. */
static int cells_of(const fk_table *t, int64_t start, fk_table **out)
{
    size_t i, n = fk_table_nrows(t);
    fk_table *c = NULL;
    int rc = fk_table_new(cells_cols, 4, &c);

    for (i = 0; rc == FK_OK && i < n; i++) {
        const char *s = fk_table_get(t, i, 4), *b = fk_table_get(t, i, 5),
                   *hour = fk_table_get(t, i, 2);
        char h[24];
        const char *vals[4];
        int64_t at = 0;

        if (!s || !b || (strcmp(s, "0") == 0 && strcmp(b, "0") == 0))
            continue;
        if (fk_time_parse(hour, strlen(hour), &at) != FK_OK)
            return FK_EINVAL;
        snprintf(h, sizeof h, "%lld", (long long)((at - start) / 3600));
        vals[0] = fk_table_get(t, i, 0);
        vals[1] = h;
        vals[2] = s;
        vals[3] = b;
        rc = fk_table_add(c, vals);
    }
    if (rc != FK_OK) {
        fk_table_free(c);
        return rc;
    }
    *out = c;
    return FK_OK;
}

int main(int argc, char **argv)
{
    struct fk_profile prof;
    struct fk_round round;
    struct timing hours = {NULL, 0}, regions = {NULL, 0}, sql = {NULL, 3};
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_table *fk_hours = NULL, *fk_cells = NULL, *sq_cells = NULL, *tmp = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    fk_buf sum;
    char err[1024], wstart[FK_TIME_RENDER_MAX], wcut[FK_TIME_RENDER_MAX];
    const char *summary = NULL;
    double t0, build_s, index_s, cold_s = 0, render_s;
    int64_t now;
    size_t i, diff = 0;
    int runs = 15, rc, status = EXIT_FAILURE;

    fk_buf_init(&sum, 0);
    if (argc < 4) {
        fprintf(stderr, "usage: %s DATAFILE ROUND BASELINE [--runs N] [--summary FILE]\n", prog);
        return 2;
    }
    for (i = 4; i + 1 < (size_t)argc; i += 2) {
        int64_t n;

        if (strcmp(argv[i], "--runs") == 0 &&
            fk_parse_int((fk_slice){argv[i + 1], strlen(argv[i + 1])}, 1, 10000, &n) == FK_OK)
            runs = (int)n;
        else if (strcmp(argv[i], "--summary") == 0)
            summary = argv[i + 1];
    }
    hours.n = regions.n = (size_t)runs;
    hours.v = calloc(hours.n, sizeof *hours.v);
    regions.v = calloc(regions.n, sizeof *regions.v);
    sql.v = calloc(sql.n, sizeof *sql.v);
    if (!hours.v || !regions.v || !sql.v)
        goto out;

    rc = fk_store_open(argv[1], &st, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_store_get_round(st, argv[2], &round);
    if (rc != FK_OK) {
        fprintf(stderr, "%s: %s: %s\n", prog, argv[1], rc == FK_ENOENT ? "no such round" : err);
        goto out;
    }
    fk_profile_defaults(&prof);
    t0 = fk_mono_seconds();
    rc = fk_engine_build(st, &prof, &e, err, sizeof err);
    build_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto out;
    }
    now = round.start + (round.end - round.start) / 2; /* the round's middle: a live round */
    /* warm: one call, then the timed ones; the last answer is kept */
    for (i = 0; i <= hours.n; i++) {
        fk_table_free(fk_hours);
        fk_hours = NULL;
        t0 = fk_mono_seconds();
        rc = fk_pace(e, st, &prof, &round, FK_LEVEL_GRID, FK_PACE_HOURS, now, &fk_hours, err,
                     sizeof err);
        if (i)
            hours.v[i - 1] = fk_mono_seconds() - t0;
        else
            cold_s = fk_mono_seconds() - t0; /* the first: the round's hourly index is built */
        if (rc != FK_OK) {
            fprintf(stderr, "%s: %s\n", prog, err);
            goto out;
        }
    }
    for (i = 0; i <= regions.n; i++) {
        t0 = fk_mono_seconds();
        rc = fk_pace(e, st, &prof, &round, FK_LEVEL_GRID, FK_PACE_REGIONS, now, &tmp, err,
                     sizeof err);
        if (i)
            regions.v[i - 1] = fk_mono_seconds() - t0;
        fk_table_free(tmp);
        tmp = NULL;
        if (rc != FK_OK) {
            fprintf(stderr, "%s: %s\n", prog, err);
            goto out;
        }
    }
    /* the hours answer rendered as CSV, as `fangkong pace` writes it (its rows are made here) */
    {
        fk_buf csv;

        fk_buf_init(&csv, 0);
        t0 = fk_mono_seconds();
        rc = fk_table_render(fk_hours, FK_FORMAT_CSV, 0, fk_table_nrows(fk_hours), &csv);
        render_s = fk_mono_seconds() - t0;
        fk_buf_fini(&csv);
        if (rc != FK_OK)
            goto out;
    }
    if (cells_of(fk_hours, round.start, &fk_cells) != FK_OK)
        goto out;

    /* the baseline: an index for the join (timed apart), then the same question in SQL */
    if (sqlite3_open(argv[3], &db) != SQLITE_OK)
        goto out;
    t0 = fk_mono_seconds();
    if (exec_sql(prog, db,
                 "CREATE INDEX IF NOT EXISTS persons_id ON persons(id_number); "
                 "PRAGMA cache_size = -1048576; ANALYZE") != FK_OK)
        goto out;
    index_s = fk_mono_seconds() - t0;
    if (sqlite3_prepare_v2(db, pace_sql, -1, &q, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: baseline: %s\n", prog, sqlite3_errmsg(db));
        goto out;
    }
    fk_time_render(round.start, wstart);
    fk_time_render(now, wcut);
    sqlite3_bind_text(q, 1, wstart, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, wcut, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, round.start);
    for (i = 0; i < sql.n; i++) {
        fk_table_free(sq_cells);
        sq_cells = NULL;
        t0 = fk_mono_seconds();
        if (run_query(prog, db, q, cells_cols, 4, &sq_cells) != FK_OK)
            goto out;
        sql.v[i] = fk_mono_seconds() - t0;
    }
    diff = compare_rows(prog, "pace by grid and hour", fk_cells, sq_cells, 4);

    print_load("end");
    fk_buf_printf(&sum,
                  "grids_hours %zu\ncells %zu\nbuild_s %.2f\npace_hours_ms %.2f\n"
                  "pace_cold_ms %.1f\nrender_ms %.1f\n"
                  "pace_regions_ms %.2f\nsql_ms %.1f\nsql_index_s %.2f\nidentical %s\n",
                  fk_table_nrows(fk_hours), fk_table_nrows(fk_cells), build_s,
                  t_median(&hours) * 1e3, cold_s * 1e3, render_s * 1e3, t_median(&regions) * 1e3,
                  t_median(&sql) * 1e3, index_s, diff ? "no" : "yes");
    fputs(sum.data, stdout);
    if (summary && write_summary(prog, summary, sum.data) != 0)
        goto out;
    status = diff ? EXIT_FAILURE : EXIT_SUCCESS;
out:
    sqlite3_finalize(q);
    sqlite3_close(db);
    fk_table_free(fk_hours);
    fk_table_free(fk_cells);
    fk_table_free(sq_cells);
    fk_engine_free(e);
    fk_store_close(st);
    free(hours.v);
    free(regions.v);
    free(sql.v);
    fk_buf_fini(&sum);
    return status;
}
