/* SPDX-License-Identifier: MIT */
/* The small tools every benchmark under bench/ shares: repeated timings and their median, the
 * process's memory from /proc, the load average (other work on the machine inflates times), a
 * splitmix64 stream for synthetic data, the --summary file, and the SQLite baseline's statements
 * run into tables and compared with fangkong's answers row by row, and the synthetic city's
 * regions. Header-only (static inline):
 * each benchmark is one .c built into its own program. */
#ifndef FK_BENCH_H
#define FK_BENCH_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fk/error.h"
#include "fk/store.h"
#include "fk/screening.h"
#include "fk/table.h"

#define SHOW_DIFFS 5 /* differing rows printed when the answers disagree */

/* Times of repeated runs of one question, in seconds. */
struct timing {
    double *v;
    size_t n;
};

/* Median; sorts the times in place. */
static inline double t_median(struct timing *t)
{
    fk_sort_doubles(t->v, t->n);
    return fk_quantile_sorted(t->v, t->n, 0.5);
}

/* A field of /proc/self/status in KiB ("VmRSS", "RssAnon", "VmHWM"), or -1. */
static inline long status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t klen = strlen(key);
    long v = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            v = strtol(line + klen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static inline double mib(long kib)
{
    return (double)kib / 1024.0;
}

/* Prints the 1-minute load average: on a 2-core machine shared with other work, a load well
 * above the cores the benchmark uses means its times are inflated. */
static inline void print_load(const char *when)
{
    double la[3];

    if (getloadavg(la, 3) == 3)
        printf("load average %s: %.2f %.2f %.2f\n", when, la[0], la[1], la[2]);
}

/* splitmix64: fast, and good enough for synthetic data. */
static inline uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), n < 2^32 (multiply-shift; the bias is far below what matters here). */
static inline uint32_t below(uint64_t *s, uint64_t n)
{
    return (uint32_t)(((next64(s) >> 32) * n) >> 32);
}

/* The first draw of stream `which` of a seed: independent streams from one seed. */
static inline uint64_t stream(uint64_t seed, uint64_t which)
{
    uint64_t s = seed * 0x100000001B3ull + which;

    return next64(&s);
}

/* Writes text to path (the --summary file); on failure says so on stderr as "prog: path: why".
 * FK_OK or FK_EIO. */
static inline int write_summary(const char *prog, const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    int rc = FK_OK;

    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return FK_EIO;
    }
    if (fputs(text, f) == EOF)
        rc = FK_EIO;
    if (fclose(f) != 0)
        rc = FK_EIO;
    return rc;
}

/* ---- the SQLite baseline (every message on stderr starts with prog) ---- */

/* Runs sql (one or more statements) on the baseline. FK_OK or FK_EDB. */
static inline int exec_sql(const char *prog, sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: baseline: %.80s…: %s\n", prog, sql, msg ? msg : "?");
        sqlite3_free(msg);
        return FK_EDB;
    }
    return FK_OK;
}

/* Runs the prepared statement st (parameters bound) to the end, collecting its first ncols (at
 * most 12) text columns into a new table with columns cols. Caller frees *out with
 * fk_table_free(). FK_OK, FK_EDB, FK_ENOMEM. */
static inline int run_query(const char *prog, sqlite3 *db, sqlite3_stmt *st,
                            const struct fk_col *cols, size_t ncols, fk_table **out)
{
    fk_table *t = NULL;
    const char *vals[12];
    int rc, s = SQLITE_DONE;
    size_t c;

    *out = NULL;
    if (ncols > 12)
        ncols = 12;
    rc = fk_table_new(cols, ncols, &t);
    while (rc == FK_OK) {
        s = sqlite3_step(st);
        if (s != SQLITE_ROW)
            break;
        for (c = 0; c < ncols; c++)
            vals[c] = (const char *)sqlite3_column_text(st, (int)c);
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_OK && s != SQLITE_DONE) {
        fprintf(stderr, "%s: baseline: %s\n", prog, sqlite3_errmsg(db));
        rc = FK_EDB;
    }
    sqlite3_reset(st);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- comparing answers ---- */

static inline int cell_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Compares the first ncols columns of a (fangkong) and b (SQLite) row by row; prints up to
 * SHOW_DIFFS differing rows. Returns the number of differing rows plus the difference in row
 * counts. */
static inline size_t compare_rows(const char *prog, const char *what, const fk_table *a,
                                  const fk_table *b, size_t ncols)
{
    size_t na = fk_table_nrows(a), nb = fk_table_nrows(b), n = na < nb ? na : nb, i, c, diff = 0;

    if (na != nb)
        fprintf(stderr, "%s: %s: fangkong has %zu rows, SQLite %zu\n", prog, what, na, nb);
    for (i = 0; i < n; i++) {
        for (c = 0; c < ncols; c++)
            if (!cell_eq(fk_table_get(a, i, c), fk_table_get(b, i, c)))
                break;
        if (c == ncols)
            continue;
        if (diff < SHOW_DIFFS) {
            fprintf(stderr, "%s: %s row %zu differs (fangkong|SQLite):", prog, what, i + 1);
            for (c = 0; c < ncols; c++)
                fprintf(stderr, " %s|%s", fk_table_get(a, i, c) ? fk_table_get(a, i, c) : "",
                        fk_table_get(b, i, c) ? fk_table_get(b, i, c) : "");
            fputc('\n', stderr);
        }
        diff++;
    }
    return diff + (na > nb ? na - nb : nb - na);
}

/* Writes the synthetic city's regions into the data file at path: 山西省, 晋中市, `counties`
 * counties 14070c, each with `townships` townships of one community of `grids` grids
 * (14070cTTT001Gnn). 0, or 1 with a message naming prog. */
static inline int bench_regions(const char *prog, const char *path, int counties, int townships,
                                int grids)
{
    fk_store *st = NULL;
    char err[512], code[64], parent[64], name[64];
    struct fk_region_row r;
    enum fk_put did;
    int c, t, g, rc;

    if (fk_store_open(path, &st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        return 1;
    }
    fk_store_begin(st);
    r = (struct fk_region_row){
        .code = "14", .name = "山西省", .parent = "", .level = FK_LEVEL_PROVINCE};
    fk_store_put_region(st, &r, &did);
    r = (struct fk_region_row){
        .code = "1407", .name = "晋中市", .parent = "14", .level = FK_LEVEL_CITY};
    fk_store_put_region(st, &r, &did);
    for (c = 0; c < counties; c++) {
        snprintf(code, sizeof code, "14070%d", c);
        snprintf(name, sizeof name, "第%d区", c);
        r = (struct fk_region_row){
            .code = code, .name = name, .parent = "1407", .level = FK_LEVEL_COUNTY};
        fk_store_put_region(st, &r, &did);
        for (t = 0; t < townships; t++) {
            snprintf(parent, sizeof parent, "14070%d", c);
            snprintf(code, sizeof code, "14070%d%03d", c, t + 1);
            r = (struct fk_region_row){
                .code = code, .name = "街道", .parent = parent, .level = FK_LEVEL_TOWNSHIP};
            fk_store_put_region(st, &r, &did);
            snprintf(parent, sizeof parent, "%.40s", code);
            snprintf(code, sizeof code, "%.40s001", parent);
            r = (struct fk_region_row){
                .code = code, .name = "社区", .parent = parent, .level = FK_LEVEL_COMMUNITY};
            fk_store_put_region(st, &r, &did);
            snprintf(parent, sizeof parent, "%.40s", code);
            for (g = 0; g < grids; g++) {
                snprintf(code, sizeof code, "%.40sG%02d", parent, g);
                r = (struct fk_region_row){
                    .code = code, .name = "网格", .parent = parent, .level = FK_LEVEL_GRID};
                fk_store_put_region(st, &r, &did);
            }
        }
    }
    rc = fk_store_commit(st) == FK_OK ? 0 : 1;
    fk_store_close(st);
    return rc;
}

#endif
