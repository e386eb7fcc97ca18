/* SPDX-License-Identifier: MIT */
/* The cold-chain trace benchmark (issue 16: one batch's trace over 10 M events in <= 5 ms): N
 * events (default 10 M, fixed seed) of batches that each land at one of 20 ports, stay at one of
 * 80 cold stores, and go to one of 400 markets, over 180 days, with workers and buyers. The
 * engine's index (fk/coldchain.h) is built from them and fk_cold_trace_get timed for Q batches;
 * the baseline is SQLite on a file under /tmp with the same table and indexes as migration 0012
 * (primary key by batch and time, index by site and time): the batch's events by its key, then
 * per visit the events at the site in [arrival - window - the longest stay, departure + window]
 * by the site index and each candidate batch's events by its key, cut into visits by the same
 * rule in plain C here. The answers (sites, persons, shared batches and overlaps) are compared
 * for every batch. A benchmark, not a test: nothing runs it under ctest.
 *
 * usage: bench_coldchain [--events N] [--seed S] [--queries Q] [--dir DIR] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/coldchain.h"
#include "fk/coldevent.h"
#include "fk/str.h"
#include "fk/fk.h"

#define DAYS 180
#define HOUR INT64_C(3600)
#define T0 INT64_C(1654012800)   /* 2022-06-01T00:00:00+08:00 */
#define LONGEST (12 * 24 * HOUR) /* no stay in the data is longer (the baseline's bound) */
#define WINDOW (24 * HOUR)

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct row {
    char batch[16], site[12], id[20];
    int event;
    int64_t time;
};

/* The events of batch b: arrive at a port, store, sample, result, dispatch from a cold store,
 * arrive and sell at a market; about 10 a batch. */
static size_t batch_rows(uint64_t *s, uint64_t b, struct row *out)
{
    int64_t t = T0 + (int64_t)(next64(s) % (DAYS * 24)) * HOUR;
    char port[12], store[12], market[12];
    size_t n = 0;
    int k, sells = 2 + (int)(next64(s) % 4);

    snprintf(port, sizeof port, "P%02u", (unsigned)(next64(s) % 20));
    snprintf(store, sizeof store, "C%02u", (unsigned)(next64(s) % 80));
    snprintf(market, sizeof market, "M%03u", (unsigned)(next64(s) % 400));
#define ADD(ev, where, dt, who)                                                                    \
    do {                                                                                           \
        t += (dt);                                                                                 \
        snprintf(out[n].batch, sizeof out[n].batch, "B%07llu", (unsigned long long)b);             \
        snprintf(out[n].site, sizeof out[n].site, "%s", where);                                    \
        out[n].event = ev;                                                                         \
        out[n].time = t;                                                                           \
        if (who)                                                                                   \
            snprintf(out[n].id, sizeof out[n].id, "W%08u", (unsigned)(next64(s) % 2000000));       \
        else                                                                                       \
            out[n].id[0] = '\0';                                                                   \
        n++;                                                                                       \
    } while (0)
    ADD(FK_COLD_ARRIVE, port, 0, 1);
    ADD(FK_COLD_STORE, store, (int64_t)(6 + next64(s) % 40) * HOUR, 1);
    ADD(FK_COLD_SAMPLE, store, 3 * HOUR, 0);
    ADD(FK_COLD_RESULT, store, 24 * HOUR, 0);
    ADD(FK_COLD_DISPATCH, store, (int64_t)(next64(s) % (8 * 24)) * HOUR, 1);
    ADD(FK_COLD_ARRIVE, market, (int64_t)(1 + next64(s) % 6) * HOUR, 0);
    for (k = 0; k < sells; k++)
        ADD(FK_COLD_SELL, market, (int64_t)(1 + next64(s) % 20) * HOUR, 1);
#undef ADD
    return n;
}

/* ---- the baseline's own visits (the rule of fk/coldchain.h, written again) ---- */

struct ev {
    char batch[16], site[12], id[20];
    int event;
    int64_t time;
};
struct visit {
    char site[12];
    int64_t arr, dep;
};

static size_t visits_of(const struct ev *e, size_t n, struct visit *v)
{
    size_t i, nv = 0;

    for (i = 0; i < n; i++) {
        if (!nv || strcmp(v[nv - 1].site, e[i].site) != 0) {
            if (nv)
                v[nv - 1].dep = e[i].time;
            snprintf(v[nv].site, sizeof v[nv].site, "%s", e[i].site);
            v[nv].arr = v[nv].dep = e[i].time;
            nv++;
        }
        v[nv - 1].dep = e[i].time;
    }
    return nv;
}

static size_t batch_events(sqlite3_stmt *q, const char *batch, struct ev *e, size_t cap)
{
    size_t n = 0;

    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, batch, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW && n < cap) {
        const char *site = (const char *)sqlite3_column_text(q, 2),
                   *id = (const char *)sqlite3_column_text(q, 3);

        /* fk_strlcpy: a Release build's -Wformat-truncation refused snprintf's "%s" here */
        fk_strlcpy(e[n].batch, batch, sizeof e[n].batch);
        e[n].event = sqlite3_column_int(q, 0);
        e[n].time = sqlite3_column_int64(q, 1);
        fk_strlcpy(e[n].site, site ? site : "", sizeof e[n].site);
        fk_strlcpy(e[n].id, id ? id : "", sizeof e[n].id);
        n++;
    }
    return n;
}

struct hit {
    int64_t arr;
    char batch[24];
    int64_t from, to;
};

static int cmp_hit(const void *pa, const void *pb)
{
    const struct hit *a = pa, *b = pb;

    if (a->arr != b->arr)
        return a->arr < b->arr ? -1 : 1;
    return strcmp(a->batch, b->batch);
}

#define MAXHITS (1 << 18)

/* The baseline's answer as text: "sites|persons|shared batch@site from-to;…" */
static void sql_trace(sqlite3_stmt *qb, sqlite3_stmt *qs, const char *batch, char *out, size_t cap)
{
    static struct ev e[64], o[64];
    static struct hit found[MAXHITS];
    struct visit v[16], ov[16];
    size_t n = batch_events(qb, batch, e, 64), nv = visits_of(e, n, v), i, len = 0, k, np = 0;

    for (i = 0; i < n; i++)
        np += e[i].id[0] != 0;
    len += (size_t)snprintf(out + len, cap - len, "%zu|%zu|", nv, np);
    for (k = 0; k < nv; k++) {
        int64_t lo = v[k].arr - WINDOW, hi = v[k].dep + WINDOW;
        size_t nf = 0, a;

        /* the candidates: batches with an event at the site from the longest stay before the
         * widened visit to its end, each once (SQLite dedupes) */
        sqlite3_reset(qs);
        sqlite3_bind_text(qs, 1, v[k].site, -1, SQLITE_STATIC);
        sqlite3_bind_int64(qs, 2, lo - LONGEST);
        sqlite3_bind_int64(qs, 3, hi);
        while (sqlite3_step(qs) == SQLITE_ROW) {
            char ob[24];
            size_t on, onv, j;

            snprintf(ob, sizeof ob, "%s", (const char *)sqlite3_column_text(qs, 0));
            if (strcmp(ob, batch) == 0)
                continue;
            on = batch_events(qb, ob, o, 64);
            onv = visits_of(o, on, ov);
            for (j = 0; j < onv && nf < MAXHITS; j++) {
                if (strcmp(ov[j].site, v[k].site) != 0 || ov[j].arr > hi || ov[j].dep < lo)
                    continue;
                found[nf].arr = ov[j].arr;
                snprintf(found[nf].batch, sizeof found[nf].batch, "%s", ob);
                found[nf].from = ov[j].arr > lo ? ov[j].arr : lo;
                found[nf].to = ov[j].dep < hi ? ov[j].dep : hi;
                nf++;
            }
        }
        /* by arrival, then batch (the engine's order: its batch ids follow first sight, which
         * for this data is the code's order) */
        qsort(found, nf, sizeof *found, cmp_hit);
        for (a = 0; a < nf && len < cap; a++)
            len += (size_t)snprintf(out + len, cap - len, "%s@%s %lld-%lld;", found[a].batch,
                                    v[k].site, (long long)found[a].from, (long long)found[a].to);
    }
}

static void fk_trace_text(const struct fk_cold_trace *t, char *out, size_t cap)
{
    size_t i, len = (size_t)snprintf(out, cap, "%zu|%zu|", t->nvisits, t->ntouches);

    for (i = 0; i < t->nshared && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s@%s %lld-%lld;", t->shared[i].batch,
                                t->shared[i].site, (long long)t->shared[i].from,
                                (long long)t->shared[i].to);
}

int main(int argc, char **argv)
{
    uint64_t events = 10000000, seed = 16, queries = 200, s, b, nb = 0, total = 0;
    const char *dir = "/tmp";
    static char a[1 << 24], bsql[1 << 24];
    char path[512];
    static struct row rows[16];
    fk_cold_index *ix = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *ins, *qb, *qs;
    struct timing tf = {NULL, 0}, ts = {NULL, 0};
    double t0;
    size_t i, diffs = 0;
    int k;

    for (k = 1; k + 1 < argc; k += 2) {
        if (strcmp(argv[k], "--events") == 0)
            events = strtoull(argv[k + 1], NULL, 10);
        else if (strcmp(argv[k], "--seed") == 0)
            seed = strtoull(argv[k + 1], NULL, 10);
        else if (strcmp(argv[k], "--queries") == 0)
            queries = strtoull(argv[k + 1], NULL, 10);
        else if (strcmp(argv[k], "--dir") == 0)
            dir = argv[k + 1];
    }
    print_load("at start");
    snprintf(path, sizeof path, "%s/bench-coldchain-%d.db", dir, (int)getpid());
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK || fk_cold_index_new(&ix) != FK_OK)
        return 1;
    sqlite3_exec(db,
                 "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                 "CREATE TABLE coldchain (batch TEXT NOT NULL, event INTEGER NOT NULL, time "
                 "INTEGER NOT NULL, site TEXT NOT NULL, id_number TEXT NOT NULL DEFAULT '', "
                 "product TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL DEFAULT '', result "
                 "INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (batch, time, event, site, id_number)) "
                 "WITHOUT ROWID; BEGIN",
                 NULL, NULL, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT OR IGNORE INTO coldchain (batch, event, time, site, id_number) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
                       -1, &ins, NULL);
    s = seed;
    t0 = now_s();
    for (b = 0; total < events; b++, nb++) {
        size_t n = batch_rows(&s, b, rows);

        for (i = 0; i < n; i++) {
            struct fk_cold_row r = {rows[i].batch, rows[i].site,  "", "",
                                    rows[i].id,    rows[i].event, 0,  rows[i].time};

            if (fk_cold_index_add(ix, &r) != FK_OK)
                return 1;
            sqlite3_reset(ins);
            sqlite3_bind_text(ins, 1, rows[i].batch, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 2, rows[i].event);
            sqlite3_bind_int64(ins, 3, rows[i].time);
            sqlite3_bind_text(ins, 4, rows[i].site, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 5, rows[i].id, -1, SQLITE_STATIC);
            sqlite3_step(ins);
        }
        total += n;
    }
    sqlite3_finalize(ins);
    printf("%llu events of %llu batches generated and loaded in %.1f s\n",
           (unsigned long long)total, (unsigned long long)nb, now_s() - t0);
    t0 = now_s();
    sqlite3_exec(db, "COMMIT; CREATE INDEX coldchain_site ON coldchain (site, time)", NULL, NULL,
                 NULL);
    printf("SQLite: site index built in %.1f s\n", now_s() - t0);
    t0 = now_s();
    if (fk_cold_index_build(ix) != FK_OK)
        return 1;
    printf("fangkong: index built in %.2f s, RSS %.0f MiB\n", now_s() - t0,
           mib(status_kib("VmRSS")));
    sqlite3_prepare_v2(db,
                       "SELECT event, time, site, id_number FROM coldchain WHERE batch = ?1 "
                       "ORDER BY time, event, site, id_number",
                       -1, &qb, NULL);
    sqlite3_prepare_v2(
        db, "SELECT DISTINCT batch FROM coldchain WHERE site = ?1 AND time BETWEEN ?2 AND ?3", -1,
        &qs, NULL);
    tf.v = calloc(queries, sizeof *tf.v);
    ts.v = calloc(queries, sizeof *ts.v);
    s = seed ^ 0x5eed;
    for (i = 0; i < queries; i++) {
        char batch[24];
        struct fk_cold_trace *t = NULL;

        snprintf(batch, sizeof batch, "B%07llu", (unsigned long long)(next64(&s) % nb));
        t0 = now_s();
        if (fk_cold_trace_get(ix, batch, WINDOW, INT64_MAX, &t) != FK_OK)
            return 1;
        tf.v[tf.n++] = now_s() - t0;
        fk_trace_text(t, a, sizeof a);
        fk_cold_trace_free(t);
        t0 = now_s();
        sql_trace(qb, qs, batch, bsql, sizeof bsql);
        ts.v[ts.n++] = now_s() - t0;
        if (strcmp(a, bsql) != 0 && diffs++ < SHOW_DIFFS)
            printf("DIFF %s:\n  fangkong %.300s\n  sqlite   %.300s\n", batch, a, bsql);
    }
    printf("trace of one batch, median of %llu: fangkong %.3f ms, SQLite %.3f ms (%.1fx); "
           "answers %s\n",
           (unsigned long long)queries, t_median(&tf) * 1e3, t_median(&ts) * 1e3,
           t_median(&ts) / t_median(&tf), diffs ? "DIFFER" : "identical");
    print_load("at end");
    sqlite3_finalize(qb);
    sqlite3_finalize(qs);
    sqlite3_close(db);
    unlink(path);
    fk_cold_index_free(ix);
    free(tf.v);
    free(ts.v);
    return diffs ? 1 : 0;
}
