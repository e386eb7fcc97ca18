/* SPDX-License-Identifier: MIT */
/* The contact-tracing benchmark (issue 4, "Speed"): W4, venue co-presence (close and secondary
 * contacts over scans with Zipf venue popularity), and W5, time-space companions (pings in the
 * same cell and slot). It makes its data with a fixed seed, straight into the person-order arrays
 * fk_tracer_new takes, times the tracer and, in the same run, the baselines (the same question as
 * SQL in SQLite, a naive nested loop), whose answers must be identical to the tracer's.
 * bench/run-trace.sh runs the sizes; it is a benchmark, not a test: nothing runs it under ctest.
 *
 * usage: bench_trace small|ci|mid|full|w5 [--seed N] [--persons N] [--places N] [--cases N]
 *        [--per-day N] [--zipf S] [--sql | --no-sql] [--sql-runs N] [--naive | --no-naive]
 *        [--depth2-limit SECONDS] [--tmp DIR] [--plan 0|1|2] [--threads N] [--runs N]
 *        [--compare-plans] [--dump FILE]
 * Exit status: 0, 3 when answers differ (or the tracer lists what it should not), 1 on a
 * failure, 2 on a usage error.
 *
 * DESIGN NOTES
 * - The city: each person scans --per-day venues a day (default 5) for 14 days from 2026-11-01
 *   (Asia/Shanghai), between 07:00 and 22:00; each scan's venue is drawn from a Zipf law
 *   (weight 1 / rank^s, Vose's alias method). ci, mid and full are one city at 1:100 steps:
 *   venues = persons / 50, so a venue sees the same number of scans at every size; small, for
 *   the naive loop, is a sparser town (persons / 10 venues). Nobody has a household, so the
 *   tracer's close contacts are exactly the venue rule and the baselines need no household part.
 * - Cases are confirmed on days 6 to 13; 80 % have an onset 1 to 3 days earlier, 10 % were
 *   isolated up to 12 hours before confirmation. The baselines compute each case's window
 *   themselves from these fields, as DESIGN.md states the rule, not with fk_trace_window.
 * - "Scan pairs" counts (case scan inside its window, another scan at that venue within the
 *   venue window): the offers the tracer must look at, and the rows the SQL join makes. It is
 *   counted here by a separate pass so that times can be read as a cost per pair.
 * - The tracer takes the arrays over, so everything that needs them (SQLite load, naive loop,
 *   pair count, W5 reference) runs before fk_tracer_new.
 * - Depth 2 runs in a forked child (the tracer is read-only, so copy-on-write shares it) with a
 *   time limit, because on a Zipf city it can outgrow any reasonable wait; a crash there is
 *   reported, not fatal.
 * - SQLite has the store's own table shape (WITHOUT ROWID, key person, venue, time), an index
 *   on (venue, time), ANALYZE, a 4 GiB page cache and mmap; load and index are timed apart from
 *   the query, which is run sql-runs times (the last one reported, warm). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/error.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/time.h"
#include "fk/tracer.h"
#include "fk/vec.h"

#define T0 1793462400LL /* 2026-11-01 00:00 Asia/Shanghai */
#define DAYS 14
#define SCAN_FROM_HOUR 7 /* venues are scanned from 07:00 ... */
#define SCAN_HOURS 15    /* ... to 22:00 */
#define SHOW_DIFFS 5     /* differences printed when answers disagree */
#define W5_CHECKED 3     /* W5 cases whose companions are checked against a direct pass */

struct opts {
    const char *preset, *tmp;
    int w5;
    uint64_t seed;
    size_t persons, places, cases;
    unsigned per_day;
    double zipf;
    int sql, sql_runs, naive;
    double depth2_limit;
    int plan, compare_plans; /* fk__tracer_set_plan; run both plans and compare them */
    int threads;             /* fk__tracer_set_threads (0: the tracer chooses) */
    int runs;                /* first-degree runs into the kept buffer (at least 3) */
    const char *dump;        /* write every contact of each answer here (FILE.1, FILE.2) */
};

/* Events in person order (the CSR of struct fk_trace_input) while the benchmark owns them. */
struct events {
    size_t npersons, n;
    uint64_t *start;
    int32_t *place;
    uint32_t *time;
};

/* A case's infectious window, computed here from the case row. */
struct window {
    int32_t person;
    int64_t from, to;
};

/* One answer row: a contact and its earliest exposure. */
struct hit {
    int32_t person;
    int64_t exposure;
};

/* Vose's alias table: a draw is one random number and two reads. */
struct alias {
    size_t n;
    double *prob;
    uint32_t *other;
};

/* ---- small tools ---- */

static void alias_free(struct alias *a)
{
    free(a->prob);
    free(a->other);
    memset(a, 0, sizeof *a);
}

/* Fills a for weights 1 / (k + 1)^s, k in [0, n). FK_OK or FK_ENOMEM. */
static int alias_zipf(struct alias *a, size_t n, double s)
{
    double *w = NULL, sum = 0.0;
    uint32_t *small = NULL, *large = NULL;
    size_t k, ns = 0, nl = 0;
    int rc = FK_ENOMEM;

    memset(a, 0, sizeof *a);
    a->n = n;
    a->prob = malloc(n * sizeof *a->prob);
    a->other = malloc(n * sizeof *a->other);
    w = malloc(n * sizeof *w);
    small = malloc(n * sizeof *small);
    large = malloc(n * sizeof *large);
    if (!a->prob || !a->other || !w || !small || !large)
        goto out;
    for (k = 0; k < n; k++) {
        w[k] = pow((double)(k + 1), -s);
        sum += w[k];
    }
    for (k = 0; k < n; k++) {
        w[k] = w[k] * (double)n / sum;
        if (w[k] < 1.0)
            small[ns++] = (uint32_t)k;
        else
            large[nl++] = (uint32_t)k;
    }
    while (ns && nl) {
        uint32_t l = small[--ns], g = large[--nl];

        a->prob[l] = w[l];
        a->other[l] = g;
        w[g] = (w[g] + w[l]) - 1.0;
        if (w[g] < 1.0)
            small[ns++] = g;
        else
            large[nl++] = g;
    }
    while (nl) {
        uint32_t g = large[--nl];

        a->prob[g] = 1.0;
        a->other[g] = g;
    }
    while (ns) {
        uint32_t l = small[--ns];

        a->prob[l] = 1.0;
        a->other[l] = l;
    }
    rc = FK_OK;
out:
    free(w);
    free(small);
    free(large);
    if (rc != FK_OK)
        alias_free(a);
    return rc;
}

static uint32_t alias_draw(const struct alias *a, uint64_t *rng)
{
    uint64_t r = next64(rng);
    uint32_t k = (uint32_t)(((r >> 32) * (uint64_t)a->n) >> 32);
    double u = (double)(r & 0xFFFFFFFFu) * (1.0 / 4294967296.0);

    return u < a->prob[k] ? k : a->other[k];
}

/* The share of all draws that fall on the most popular place, and sum of squared shares (the
 * chance that two random events share a place), for the report. */
static void zipf_shape(size_t n, double s, double *top, double *sumsq)
{
    double sum = 0.0, sq = 0.0;
    size_t k;

    for (k = 1; k <= n; k++) {
        double w = pow((double)k, -s);

        sum += w;
        sq += w * w;
    }
    *top = 1.0 / sum;
    *sumsq = sq / (sum * sum);
}

static void events_free(struct events *ev)
{
    free(ev->start);
    free(ev->place);
    free(ev->time);
    memset(ev, 0, sizeof *ev);
}

static int events_alloc(struct events *ev, size_t npersons, size_t n)
{
    memset(ev, 0, sizeof *ev);
    ev->npersons = npersons;
    ev->n = n;
    ev->start = malloc((npersons + 1) * sizeof *ev->start);
    ev->place = malloc((n ? n : 1) * sizeof *ev->place);
    ev->time = malloc((n ? n : 1) * sizeof *ev->time);
    if (!ev->start || !ev->place || !ev->time) {
        events_free(ev);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static int cmp_hit(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;

    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return (x->exposure > y->exposure) - (x->exposure < y->exposure);
}

/* First index in a[0..n) with a[i] >= v. */
static size_t lower_u32(const uint32_t *a, size_t n, int64_t v)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if ((int64_t)a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- the city ---- */

/* Picks ncases distinct persons as cases, confirmed on a day in [first_day, DAYS); onset and
 * isolation as the design notes say. *out (caller frees) and *is_case (npersons flags). */
static int make_cases(size_t npersons, size_t ncases, int first_day, uint64_t seed,
                      struct fk_case_row **out, uint8_t **is_case)
{
    struct fk_case_row *c = calloc(ncases ? ncases : 1, sizeof *c);
    uint8_t *flag = calloc(npersons ? npersons : 1, 1);
    uint64_t rng = stream(seed, 2);
    size_t i;

    *out = NULL;
    *is_case = NULL;
    if (!c || !flag || ncases > npersons) {
        free(c);
        free(flag);
        return c && flag ? FK_EINVAL : FK_ENOMEM;
    }
    for (i = 0; i < ncases; i++) {
        uint32_t p;

        do
            p = below(&rng, npersons);
        while (flag[p]);
        flag[p] = 1;
        c[i].person = p;
        c[i].confirmed =
            T0 + (int64_t)(first_day + (int)below(&rng, (uint64_t)(DAYS - first_day))) * 86400 +
            below(&rng, 86400);
        if (below(&rng, 10) < 8)
            c[i].onset = c[i].confirmed - 86400 - below(&rng, 2 * 86400);
        if (below(&rng, 10) == 0)
            c[i].isolated = c[i].confirmed - below(&rng, 12 * 3600);
        c[i].kind = FK_CASE_CONFIRMED;
    }
    *out = c;
    *is_case = flag;
    return FK_OK;
}

/* The infectious window of each case, by DESIGN.md "Tracing rules" (inclusive bounds). */
static void case_windows(const struct fk_case_row *c, size_t n, const struct fk_profile *p,
                         struct window *w)
{
    size_t i;

    for (i = 0; i < n; i++) {
        w[i].person = (int32_t)c[i].person;
        w[i].from =
            (c[i].onset ? c[i].onset : c[i].confirmed) - (int64_t)p->trace_lookback_days * 86400;
        w[i].to = c[i].isolated ? c[i].isolated : c[i].confirmed;
    }
}

/* W4 scans: per_day a day for DAYS days each, venue by Zipf, time in the scanning hours. */
static int gen_scans(const struct opts *o, const struct alias *venues, struct events *ev)
{
    uint64_t rng = stream(o->seed, 1);
    size_t p, e = 0;
    int rc = events_alloc(ev, o->persons, o->persons * DAYS * o->per_day);

    if (rc != FK_OK)
        return rc;
    for (p = 0; p < o->persons; p++) {
        int d;
        unsigned j;

        ev->start[p] = e;
        for (d = 0; d < DAYS; d++) {
            for (j = 0; j < o->per_day; j++) {
                ev->place[e] = (int32_t)alias_draw(venues, &rng);
                ev->time[e] = (uint32_t)(T0 + (int64_t)d * 86400 + SCAN_FROM_HOUR * 3600 +
                                         below(&rng, SCAN_HOURS * 3600));
                e++;
            }
        }
    }
    ev->start[o->persons] = e;
    return FK_OK;
}

/* W5 pings: per_day a day at uniform times; at home, at work (09-18 on weekdays), or (one ping
 * in five) out in a cell drawn by popularity. */
static int gen_pings(const struct opts *o, const struct alias *cells, struct events *ev)
{
    uint64_t rng = stream(o->seed, 3);
    size_t p, e = 0;
    int rc = events_alloc(ev, o->persons, o->persons * DAYS * o->per_day);

    if (rc != FK_OK)
        return rc;
    for (p = 0; p < o->persons; p++) {
        int32_t home = (int32_t)below(&rng, o->places), work = (int32_t)alias_draw(cells, &rng);
        int d;
        unsigned j;

        ev->start[p] = e;
        for (d = 0; d < DAYS; d++) {
            for (j = 0; j < o->per_day; j++) {
                uint32_t tod = below(&rng, 86400), hour = tod / 3600;
                int weekday = d % 7 >= 1 && d % 7 <= 5; /* 2026-11-01 is a Sunday */

                if (below(&rng, 5) == 0)
                    ev->place[e] = (int32_t)alias_draw(cells, &rng);
                else if (weekday && hour >= 9 && hour < 18)
                    ev->place[e] = work;
                else
                    ev->place[e] = home;
                ev->time[e] = (uint32_t)(T0 + (int64_t)d * 86400 + tod);
                e++;
            }
        }
    }
    ev->start[o->persons] = e;
    return FK_OK;
}

/* ---- W4 baselines and checks ---- */

/* Fills in for fk_tracer_new from ev, scans (pings 0) or pings (pings 1), with no households and
 * no events of the other kind, and a copy of the o->cases cases. The event arrays are handed
 * over: ev is empty afterwards. FK_OK, or FK_ENOMEM with ev and in as they were. */
static int hand_over(const struct opts *o, struct events *ev, int pings,
                     const struct fk_case_row *cases, struct fk_trace_input *in)
{
    int32_t *household = malloc(o->persons * sizeof *household);
    uint64_t *none = calloc(o->persons + 1, sizeof *none);
    struct fk_case_row *cs = malloc(o->cases * sizeof *cs);
    size_t k;

    if (!household || !none || !cs) {
        free(household);
        free(none);
        free(cs);
        return FK_ENOMEM;
    }
    for (k = 0; k < o->persons; k++)
        household[k] = -1;
    memcpy(cs, cases, o->cases * sizeof *cs);
    in->npersons = o->persons;
    in->household = household;
    in->cases = cs;
    in->ncases = o->cases;
    if (pings) {
        in->scan_start = none;
        in->ping_start = ev->start;
        in->ping_cell = ev->place;
        in->ping_time = ev->time;
        in->ncells = o->places;
    } else {
        in->ping_start = none;
        in->scan_start = ev->start;
        in->scan_venue = ev->place;
        in->scan_time = ev->time;
        in->nvenues = o->places;
    }
    memset(ev, 0, sizeof *ev);
    return FK_OK;
}

/* Counts scan pairs (see the design notes) and the case scans inside their windows. */
static int count_pairs(const struct events *ev, size_t nvenues, const struct window *w,
                       size_t ncases, int64_t win, uint64_t *nq_out, uint64_t *pairs_out)
{
    uint64_t *qs = calloc(nvenues + 1, sizeof *qs), *fill = NULL, nq = 0, pairs = 0;
    uint32_t *qt = NULL;
    size_t i, v, p;
    uint64_t e;
    int rc = FK_ENOMEM;

    if (!qs)
        goto out;
    for (i = 0; i < ncases; i++)
        for (e = ev->start[w[i].person]; e < ev->start[w[i].person + 1]; e++)
            if (ev->time[e] >= w[i].from && ev->time[e] <= w[i].to) {
                qs[ev->place[e] + 1]++;
                nq++;
            }
    for (v = 0; v < nvenues; v++)
        qs[v + 1] += qs[v];
    qt = malloc((nq ? nq : 1) * sizeof *qt);
    fill = malloc((nvenues + 1) * sizeof *fill);
    if (!qt || !fill)
        goto out;
    memcpy(fill, qs, (nvenues + 1) * sizeof *fill);
    for (i = 0; i < ncases; i++)
        for (e = ev->start[w[i].person]; e < ev->start[w[i].person + 1]; e++)
            if (ev->time[e] >= w[i].from && ev->time[e] <= w[i].to)
                qt[fill[ev->place[e]]++] = ev->time[e];
    for (v = 0; v < nvenues; v++)
        qsort(qt + qs[v], qs[v + 1] - qs[v], sizeof *qt, cmp_u32);
    for (p = 0; p < ev->npersons; p++) {
        for (e = ev->start[p]; e < ev->start[p + 1]; e++) {
            int32_t pv = ev->place[e];
            const uint32_t *a = qt + qs[pv];
            size_t n = qs[pv + 1] - qs[pv];
            int64_t t = ev->time[e];

            if (n)
                pairs += lower_u32(a, n, t + win + 1) - lower_u32(a, n, t - win);
        }
    }
    *nq_out = nq;
    *pairs_out = pairs - nq; /* each case scan pairs with itself */
    rc = FK_OK;
out:
    free(qs);
    free(qt);
    free(fill);
    return rc;
}

/* Close contacts by the venue rule, the naive way: for each case scan in the window, every scan
 * of every person who is not a case. *out sorted by person (caller frees). */
static int naive_close(const struct events *ev, const struct window *w, size_t ncases,
                       const uint8_t *is_case, int64_t win, struct hit **out, size_t *nout)
{
    int64_t *best = malloc((ev->npersons ? ev->npersons : 1) * sizeof *best);
    struct hit *h = NULL;
    size_t i, p, n = 0;
    uint64_t e, f;

    *out = NULL;
    *nout = 0;
    if (!best)
        return FK_ENOMEM;
    for (p = 0; p < ev->npersons; p++)
        best[p] = INT64_MAX;
    for (i = 0; i < ncases; i++) {
        for (e = ev->start[w[i].person]; e < ev->start[w[i].person + 1]; e++) {
            int64_t ts = ev->time[e];
            int32_t v = ev->place[e];

            if (ts < w[i].from || ts > w[i].to)
                continue;
            for (p = 0; p < ev->npersons; p++) {
                if (is_case[p])
                    continue;
                for (f = ev->start[p]; f < ev->start[p + 1]; f++) {
                    int64_t tc = ev->time[f], d = tc - ts, x = tc > ts ? tc : ts;

                    if (ev->place[f] == v && d >= -win && d <= win && x < best[p])
                        best[p] = x;
                }
            }
        }
    }
    for (p = 0; p < ev->npersons; p++)
        n += best[p] != INT64_MAX;
    h = malloc((n ? n : 1) * sizeof *h);
    if (!h) {
        free(best);
        return FK_ENOMEM;
    }
    for (p = 0, n = 0; p < ev->npersons; p++)
        if (best[p] != INT64_MAX) {
            h[n].person = (int32_t)p;
            h[n++].exposure = best[p];
        }
    free(best);
    *out = h;
    *nout = n;
    return FK_OK;
}

/* The tracer's contacts of one category as hits sorted by person; *other counts the rest. */
static int hits_of(const struct fk_contact *c, size_t n, int category, int via, struct hit **out,
                   size_t *nout, size_t *other)
{
    struct hit *h = malloc((n ? n : 1) * sizeof *h);
    size_t i, k = 0;

    *out = NULL;
    *nout = 0;
    *other = 0;
    if (!h)
        return FK_ENOMEM;
    for (i = 0; i < n; i++) {
        if (c[i].category == category && c[i].via == via) {
            h[k].person = c[i].person;
            h[k++].exposure = c[i].exposure;
        } else {
            (*other)++;
        }
    }
    qsort(h, k, sizeof *h, cmp_hit);
    *out = h;
    *nout = k;
    return FK_OK;
}

/* Prints "identical" or the first differences between two answers sorted by person; 0 when
 * identical. */
static int compare_hits(const char *an, const struct hit *a, size_t na, const char *bn,
                        const struct hit *b, size_t nb)
{
    size_t i = 0, j = 0, diffs = 0;

    while (i < na || j < nb) {
        char line[160] = "";

        if (j == nb || (i < na && a[i].person < b[j].person)) {
            snprintf(line, sizeof line, "person %d: %s exposure %lld, %s none", a[i].person, an,
                     (long long)a[i].exposure, bn);
            i++;
        } else if (i == na || b[j].person < a[i].person) {
            snprintf(line, sizeof line, "person %d: %s none, %s exposure %lld", b[j].person, an, bn,
                     (long long)b[j].exposure);
            j++;
        } else {
            if (a[i].exposure != b[j].exposure)
                snprintf(line, sizeof line, "person %d: %s exposure %lld, %s %lld", a[i].person, an,
                         (long long)a[i].exposure, bn, (long long)b[j].exposure);
            i++;
            j++;
        }
        if (line[0] && diffs++ < SHOW_DIFFS)
            printf("  differ: %s\n", line);
    }
    if (diffs == 0)
        printf("answers %s vs %s: identical (%zu contacts, the same exposure each)\n", an, bn, na);
    else
        printf("answers %s vs %s: DIFFER in %zu persons (%zu vs %zu contacts)\n", an, bn, diffs, na,
               nb);
    return diffs ? 1 : 0;
}

static int sql_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench_trace: SQLite: %s: %s\n", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return FK_EDB;
    }
    return FK_OK;
}

/* Loads scans and case windows into a fresh database, then indexes it; times both. */
static int sql_load(sqlite3 *db, const struct events *ev, const struct window *w, size_t ncases,
                    double *load_s, double *index_s)
{
    sqlite3_stmt *st = NULL;
    double t0 = fk_mono_seconds();
    size_t i, p;
    uint64_t e;
    int rc = FK_EDB;

    if (sql_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                     "PRAGMA cache_size=-4194304; PRAGMA mmap_size=8589934592; PRAGMA threads=2; "
                     "CREATE TABLE scans(person INTEGER NOT NULL, venue INTEGER NOT NULL, "
                     "time INTEGER NOT NULL, PRIMARY KEY (person, venue, time)) WITHOUT ROWID; "
                     "CREATE TABLE cases(person INTEGER PRIMARY KEY, wfrom INTEGER NOT NULL, "
                     "wto INTEGER NOT NULL); BEGIN") != FK_OK)
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO scans VALUES (?, ?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        goto out;
    for (p = 0; p < ev->npersons; p++) {
        for (e = ev->start[p]; e < ev->start[p + 1]; e++) {
            sqlite3_bind_int64(st, 1, (sqlite3_int64)p);
            sqlite3_bind_int64(st, 2, ev->place[e]);
            sqlite3_bind_int64(st, 3, ev->time[e]);
            if (sqlite3_step(st) != SQLITE_DONE)
                goto out;
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO cases VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
        goto out;
    for (i = 0; i < ncases; i++) {
        sqlite3_bind_int64(st, 1, w[i].person);
        sqlite3_bind_int64(st, 2, w[i].from);
        sqlite3_bind_int64(st, 3, w[i].to);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto out;
        sqlite3_reset(st);
    }
    if (sql_exec(db, "COMMIT") != FK_OK)
        goto out;
    *load_s = fk_mono_seconds() - t0;
    t0 = fk_mono_seconds();
    if (sql_exec(db, "CREATE INDEX scans_venue_time ON scans(venue, time); ANALYZE") != FK_OK)
        goto out;
    *index_s = fk_mono_seconds() - t0;
    rc = FK_OK;
out:
    if (rc != FK_OK)
        fprintf(stderr, "bench_trace: loading SQLite: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

/* The first-degree venue question in SQL: every non-case person with a scan at a venue within
 * ?1 seconds of a case's scan made inside the case's window, with the earliest exposure (the
 * later of the two scan times). */
static const char close_sql[] =
    "SELECT s2.person, MIN(MAX(s1.time, s2.time))\n"
    "  FROM cases AS c\n"
    "  JOIN scans AS s1 ON s1.person = c.person\n"
    "  JOIN scans AS s2 ON s2.venue = s1.venue\n"
    "                  AND s2.time BETWEEN s1.time - ?1 AND s1.time + ?1\n"
    " WHERE s1.time BETWEEN c.wfrom AND c.wto\n"
    "   AND s2.person NOT IN (SELECT person FROM cases)\n"
    " GROUP BY s2.person\n"
    " ORDER BY s2.person";

static void sql_plan(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    char q[1024];

    snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", close_sql);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW)
        printf("  SQLite plan: %s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
}

static int sql_close(sqlite3 *db, int64_t win, struct hit **out, size_t *nout, double *secs)
{
    sqlite3_stmt *st = NULL;
    struct hit *h = NULL;
    size_t n = 0, cap = 0;
    double t0 = fk_mono_seconds();
    int rc = FK_EDB, s;

    *out = NULL;
    *nout = 0;
    if (sqlite3_prepare_v2(db, close_sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, win);
    for (;;) {
        s = sqlite3_step(st);
        if (s != SQLITE_ROW)
            break;
        if (fk_vec_grow((void **)&h, &cap, n + 1, sizeof *h) != FK_OK) {
            rc = FK_ENOMEM;
            goto out;
        }
        h[n].person = (int32_t)sqlite3_column_int64(st, 0);
        h[n++].exposure = sqlite3_column_int64(st, 1);
    }
    if (s != SQLITE_DONE)
        goto out;
    *secs = fk_mono_seconds() - t0;
    qsort(h, n, sizeof *h, cmp_hit);
    *out = h;
    *nout = n;
    h = NULL;
    rc = FK_OK;
out:
    if (rc == FK_EDB)
        fprintf(stderr, "bench_trace: SQLite query: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    free(h);
    return rc;
}

/* ---- running the tracer ---- */

/* One fk_tracer_run, timed; *out as fk_tracer_run gives it (caller frees). */
static int trace_timed(const fk_tracer *t, const int32_t *cases, size_t ncases, int depth,
                       struct fk_contact **out, size_t *n, double *secs)
{
    struct fk_trace_opts to;
    char err[256] = "";
    double t0 = fk_mono_seconds();
    int rc;

    memset(&to, 0, sizeof to);
    to.cases = cases;
    to.ncases = ncases;
    to.depth = depth;
    rc = fk_tracer_run(t, &to, out, n, err, sizeof err);
    *secs = fk_mono_seconds() - t0;
    if (rc != FK_OK)
        fprintf(stderr, "bench_trace: fk_tracer_run: %s (%s)\n", err, fk_strerror(rc));
    return rc;
}

/* One fk_tracer_run_into every case at depth 1, timed, into the caller's buffer *buf (room for
 * *cap; kept across runs, caller frees). */
static int trace_timed_into(const fk_tracer *t, struct fk_contact **buf, size_t *cap, size_t *n,
                            double *secs)
{
    struct fk_trace_opts to;
    char err[256] = "";
    double t0 = fk_mono_seconds();
    int rc;

    memset(&to, 0, sizeof to);
    to.depth = 1;
    rc = fk_tracer_run_into(t, &to, buf, cap, n, err, sizeof err);
    *secs = fk_mono_seconds() - t0;
    if (rc != FK_OK)
        fprintf(stderr, "bench_trace: fk_tracer_run_into: %s (%s)\n", err, fk_strerror(rc));
    return rc;
}

/* Writes every field of every contact, one line each, to path (for cmp against another build).
 * FK_OK or FK_EIO. */
static int dump_contacts(const char *path, const struct fk_contact *c, size_t n)
{
    FILE *f = fopen(path, "w");
    size_t i;
    int bad;

    if (!f) {
        fprintf(stderr, "bench_trace: cannot write %s: %s\n", path, strerror(errno));
        return FK_EIO;
    }
    for (i = 0; i < n; i++)
        fprintf(f, "%d,%d,%d,%d,%d,%d,%lld,%lld,%lld\n", c[i].person, c[i].source, c[i].root,
                c[i].category, c[i].via, c[i].via_id, (long long)c[i].exposure,
                (long long)c[i].source_time, (long long)c[i].contact_time);
    bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? FK_EIO : FK_OK;
}

/* 0 when a and b hold the same contacts in the same order, field by field; else prints the first
 * difference and returns 1. */
static int same_contacts(const char *an, const struct fk_contact *a, size_t na, const char *bn,
                         const struct fk_contact *b, size_t nb)
{
    size_t i;

    for (i = 0; i < na && i < nb; i++) {
        const struct fk_contact *x = &a[i], *y = &b[i];

        if (x->person != y->person || x->source != y->source || x->root != y->root ||
            x->category != y->category || x->via != y->via || x->via_id != y->via_id ||
            x->exposure != y->exposure || x->source_time != y->source_time ||
            x->contact_time != y->contact_time) {
            printf("answers %s vs %s: DIFFER at row %zu (person %d vs %d)\n", an, bn, i, x->person,
                   y->person);
            return 1;
        }
    }
    if (na != nb) {
        printf("answers %s vs %s: DIFFER: %zu vs %zu contacts\n", an, bn, na, nb);
        return 1;
    }
    printf("answers %s vs %s: identical, every field of %zu contacts\n", an, bn, na);
    return 0;
}

/* The floor for any tracer that returns n contacts: allocate them and write each once (what the
 * answer costs before any tracing). */
static double write_floor(size_t n)
{
    double t0 = fk_mono_seconds();
    struct fk_contact *c = malloc((n ? n : 1) * sizeof *c);
    size_t i;
    volatile int32_t sink;

    if (!c)
        return -1;
    for (i = 0; i < n; i++) {
        memset(&c[i], 0, sizeof c[i]);
        c[i].person = (int32_t)i;
        c[i].exposure = (int64_t)i;
    }
    sink = c[n ? n - 1 : 0].person;
    (void)sink;
    free(c);
    return fk_mono_seconds() - t0;
}

struct depth2 {
    int rc; /* FK_OK, or the tracer's error */
    double secs;
    size_t close, secondary, other;
};

/* Depth 2 for every case in a child process, killed after limit seconds. Returns 1 when it
 * finished (r filled), 0 when it ran out of time, -1 when the child died (status in *why). */
static int depth2_limited(const fk_tracer *t, double limit, const char *dump, struct depth2 *r,
                          char *why, size_t whylen)
{
    struct pollfd pf;
    int fd[2], status = 0, pr, ret = -1;
    ssize_t got = 0;
    pid_t pid;

    memset(r, 0, sizeof *r);
    snprintf(why, whylen, "no result");
    if (pipe(fd) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        struct fk_contact *c = NULL;
        size_t n = 0, i;

        close(fd[0]);
        r->rc = trace_timed(t, NULL, 0, 2, &c, &n, &r->secs);
        for (i = 0; i < n; i++) {
            if (c[i].category == FK_CAT_CLOSE)
                r->close++;
            else if (c[i].category == FK_CAT_SECONDARY)
                r->secondary++;
            else
                r->other++;
        }
        if (dump && r->rc == FK_OK) {
            char path[4200];

            snprintf(path, sizeof path, "%s.2", dump);
            if (dump_contacts(path, c, n) != FK_OK)
                _exit(1);
        }
        if (write(fd[1], r, sizeof *r) != (ssize_t)sizeof *r)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    pf.fd = fd[0];
    pf.events = POLLIN;
    pf.revents = 0;
    do
        pr = poll(&pf, 1, (int)(limit * 1000.0));
    while (pr < 0 && errno == EINTR);
    if (pr > 0)
        got = read(fd[0], r, sizeof *r);
    if (pr == 0) {
        kill(pid, SIGKILL);
        ret = 0;
    } else if (got == (ssize_t)sizeof *r) {
        ret = 1;
    }
    waitpid(pid, &status, 0);
    close(fd[0]);
    if (ret < 0) {
        if (WIFSIGNALED(status))
            snprintf(why, whylen, "the child died of signal %d", WTERMSIG(status));
        else
            snprintf(why, whylen, "the child exited with status %d", WEXITSTATUS(status));
    }
    return ret;
}

/* Prints the verdict of one goal. */
static void goal(const char *what, const char *value, const char *target, int met)
{
    printf("goal  %-44s %-22s %-18s %s\n", what, value, target, met ? "met" : "NOT met");
}

/* ---- W4 ---- */

static int run_w4(const struct opts *o)
{
    struct fk_profile prof;
    struct alias venues;
    struct events ev;
    struct fk_trace_input in;
    struct fk_case_row *cases = NULL;
    uint8_t *is_case = NULL;
    struct window *win = NULL;
    struct hit *h_naive = NULL, *h_sql = NULL, *h_fk = NULL;
    size_t n_naive = 0, n_sql = 0, n_fk = 0, n_other = 0, nc = 0, ccap = 0;
    struct fk_contact *c = NULL;
    struct fk_tracer_stats stx;
    struct depth2 d2;
    fk_tracer *t = NULL;
    sqlite3 *db = NULL;
    char dbpath[4096] = "", why[128], buf[64], buf2[64];
    double t0, gen_s, naive_s = 0, sql_load_s = 0, sql_index_s = 0, sql_s = 0, cold_s = 0,
                      warm_s = 0, warm3_s = 0, fresh_s = 0, new_s, top, sumsq;
    uint64_t nq = 0, pairs = 0;
    long rss0 = status_kib("VmRSS"), rss_input, rss_pre, rss_built;
    double held, *warm_all = NULL;
    int64_t w;
    int rc = FK_ENOMEM, differ = 0, d2_state, i;

    memset(&venues, 0, sizeof venues);
    memset(&ev, 0, sizeof ev);
    memset(&in, 0, sizeof in);
    fk_profile_defaults(&prof);
    w = (int64_t)prof.venue_window_minutes * 60;
    zipf_shape(o->places, o->zipf, &top, &sumsq);
    printf("== W4 %s: %zu persons, %zu venues (Zipf s=%.2f: top venue %.2f %% of scans), "
           "%u scans a day for %d days = %zu scans, %zu cases, seed %llu\n",
           o->preset, o->persons, o->places, o->zipf, 100.0 * top, o->per_day, DAYS,
           o->persons * DAYS * o->per_day, o->cases, (unsigned long long)o->seed);

    print_load("at the start");
    t0 = fk_mono_seconds();
    rc = alias_zipf(&venues, o->places, o->zipf);
    if (rc == FK_OK)
        rc = gen_scans(o, &venues, &ev);
    if (rc == FK_OK)
        rc = make_cases(o->persons, o->cases, 6, o->seed, &cases, &is_case);
    if (rc != FK_OK)
        goto out;
    win = malloc((o->cases ? o->cases : 1) * sizeof *win);
    if (!win) {
        rc = FK_ENOMEM;
        goto out;
    }
    case_windows(cases, o->cases, &prof, win);
    gen_s = fk_mono_seconds() - t0;
    rss_input = status_kib("VmRSS");
    printf("generated in %.1f s; RSS with the input arrays %.0f MiB\n", gen_s, mib(rss_input));

    t0 = fk_mono_seconds();
    rc = count_pairs(&ev, o->places, win, o->cases, w, &nq, &pairs);
    if (rc != FK_OK)
        goto out;
    printf("case scans inside their windows: %llu; scan pairs within %d min: %llu "
           "(%.0f a case scan; counted in %.1f s)\n",
           (unsigned long long)nq, prof.venue_window_minutes, (unsigned long long)pairs,
           nq ? (double)pairs / (double)nq : 0.0, fk_mono_seconds() - t0);

    if (o->naive) {
        t0 = fk_mono_seconds();
        rc = naive_close(&ev, win, o->cases, is_case, w, &h_naive, &n_naive);
        if (rc != FK_OK)
            goto out;
        naive_s = fk_mono_seconds() - t0;
        printf("naive nested loop: %.3f s, %zu close contacts\n", naive_s, n_naive);
    }

    if (o->sql) {
        snprintf(dbpath, sizeof dbpath, "%s/fk-bench-trace-%ld.db", o->tmp, (long)getpid());
        unlink(dbpath);
        if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
            fprintf(stderr, "bench_trace: cannot open %s\n", dbpath);
            rc = FK_EDB;
            goto out;
        }
        rc = sql_load(db, &ev, win, o->cases, &sql_load_s, &sql_index_s);
        if (rc != FK_OK)
            goto out;
        printf("SQLite %s: loaded in %.1f s, index (venue, time) + ANALYZE in %.1f s\n",
               sqlite3_libversion(), sql_load_s, sql_index_s);
    }

    /* Hand the arrays over: from here on, only the tracer has the events. */
    rc = hand_over(o, &ev, 0, cases, &in);
    if (rc != FK_OK)
        goto out;
    rss_pre = status_kib("VmRSS");
    t0 = fk_mono_seconds();
    rc = fk_tracer_new(&in, &prof, &t);
    new_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "bench_trace: fk_tracer_new: %s\n", fk_strerror(rc));
        goto out;
    }
    fk_tracer_stats(t, &stx);
    rss_built = status_kib("VmRSS");
    held = (double)((rss_input - rss0) + (rss_built - rss_pre)) * 1024.0;
    printf("tracer built in %.2f s (fk_tracer_stats: %.2f s): %zu scans, %zu venues; "
           "%.1f MiB held = %.2f bytes a scan\n",
           new_s, stx.build_seconds, stx.scans, stx.venues, (double)stx.bytes / 1048576.0,
           (double)stx.bytes / (double)(stx.scans ? stx.scans : 1));
    printf("RSS: the input arrays took %.0f MiB, the build added %.0f MiB: %.2f bytes a scan "
           "resident; process RSS %.0f MiB, peak %.0f MiB so far\n",
           mib(rss_input - rss0), mib(rss_built - rss_pre),
           held / (double)(stx.scans ? stx.scans : 1), mib(rss_built), mib(status_kib("VmHWM")));

    fk__tracer_set_plan(t, o->plan);
    fk__tracer_set_threads(t, o->threads);
    /* Into one buffer kept across the runs (fk_tracer_run_into), as a server would. */
    warm_all = malloc((size_t)o->runs * sizeof *warm_all);
    if (!warm_all) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < o->runs; i++) {
        double s;

        rc = trace_timed_into(t, &c, &ccap, &nc, &s);
        if (rc != FK_OK)
            goto out;
        if (i == 0)
            cold_s = s;
        else if (i == 1)
            warm_s = s;
        else if (i == 2)
            warm3_s = s;
        warm_all[i] = s;
    }
    if (o->runs > 3) {
        qsort(warm_all + 1, (size_t)o->runs - 1, sizeof *warm_all, cmp_double);
        printf("first degree, warm runs 2 to %d into the kept buffer: min %.3f s, median %.3f s, "
               "max %.3f s\n",
               o->runs, warm_all[1], warm_all[1 + (o->runs - 1) / 2], warm_all[o->runs - 1]);
    }
    /* And with a fresh array, as fk_tracer_run gives it: the answer's pages are new. */
    {
        struct fk_contact *c2 = NULL;
        size_t n2 = 0;

        rc = trace_timed(t, NULL, 0, 1, &c2, &n2, &fresh_s);
        if (rc != FK_OK)
            goto out;
        printf("first degree with a fresh array (fk_tracer_run, fourth run): %.3f s\n", fresh_s);
        differ |= same_contacts("fk_tracer_run_into", c, nc, "fk_tracer_run", c2, n2);
        free(c2);
    }
    rc = hits_of(c, nc, FK_CAT_CLOSE, FK_VIA_VENUE, &h_fk, &n_fk, &n_other);
    if (rc != FK_OK)
        goto out;
    printf("first degree, %zu cases, into a kept buffer: first run %.3f s, warm (second run) "
           "%.3f s, third %.3f s; "
           "%zu close contacts (%.1f %% of the city; %.1f ns a scan pair, %.1f ns a contact); "
           "RSS peak %.0f MiB\n",
           o->cases, cold_s, warm_s, warm3_s, n_fk, 100.0 * (double)n_fk / (double)o->persons,
           pairs ? warm_s * 1e9 / (double)pairs : 0.0, n_fk ? warm_s * 1e9 / (double)n_fk : 0.0,
           mib(status_kib("VmHWM")));
    printf("the answer alone: allocating and writing %zu contacts of %zu bytes takes %.3f s\n", nc,
           sizeof *c, write_floor(nc));
    if (o->dump) {
        char path[4200];

        snprintf(path, sizeof path, "%s.1", o->dump);
        rc = dump_contacts(path, c, nc);
        if (rc != FK_OK)
            goto out;
    }
    if (o->compare_plans) {
        /* Each plan on one thread, on two, and on three (parts of unequal size). */
        static const int plans[6] = {1, 1, 1, 2, 2, 2}, threads[6] = {1, 2, 3, 1, 2, 3};
        static const char *const names[6] = {"plan offer, 1 thread",  "plan offer, 2 threads",
                                             "plan offer, 3 threads", "plan pass, 1 thread",
                                             "plan pass, 2 threads",  "plan pass, 3 threads"};
        int v;

        for (v = 0; v < 6; v++) {
            struct fk_contact *c2 = NULL;
            size_t n2 = 0;
            double s;

            fk__tracer_set_plan(t, plans[v]);
            fk__tracer_set_threads(t, threads[v]);
            rc = trace_timed(t, NULL, 0, 1, &c2, &n2, &s);
            if (rc != FK_OK)
                goto out;
            printf("first degree with %s forced: %.3f s\n", names[v], s);
            differ |= same_contacts("default plan", c, nc, names[v], c2, n2);
            free(c2);
        }
        fk__tracer_set_plan(t, o->plan);
        fk__tracer_set_threads(t, o->threads);
    }
    if (n_other) {
        printf("PROBLEM: %zu contacts that are not close via a venue, in a city with no "
               "households and no pings\n",
               n_other);
        differ = 1;
    }
    free(c);
    c = NULL;

    d2_state = depth2_limited(t, o->depth2_limit, o->dump, &d2, why, sizeof why);
    if (d2_state == 1 && d2.rc == FK_OK)
        printf("second degree (depth 2), %zu cases: %.3f s; %zu close + %zu secondary = %zu "
               "contacts (%.1f %% of the city)%s\n",
               o->cases, d2.secs, d2.close, d2.secondary, d2.close + d2.secondary,
               100.0 * (double)(d2.close + d2.secondary) / (double)o->persons,
               d2.other ? "; PROBLEM: other categories too" : "");
    else if (d2_state == 1)
        printf("second degree (depth 2): fk_tracer_run failed: %s\n", fk_strerror(d2.rc));
    else if (d2_state == 0)
        printf("second degree (depth 2), %zu cases: not finished in %.0f s (stopped)\n", o->cases,
               o->depth2_limit);
    else
        printf("second degree (depth 2): PROBLEM: %s\n", why);

    if (db) {
        int r;

        sql_plan(db);
        for (r = 0; r < o->sql_runs; r++) {
            free(h_sql);
            h_sql = NULL;
            rc = sql_close(db, w, &h_sql, &n_sql, &sql_s);
            if (rc != FK_OK)
                goto out;
            printf("SQLite first degree, run %d: %.3f s, %zu rows (%.0f ns a scan pair)\n", r + 1,
                   sql_s, n_sql, pairs ? sql_s * 1e9 / (double)pairs : 0.0);
        }
    }
    if (h_naive)
        differ |= compare_hits("tracer", h_fk, n_fk, "naive", h_naive, n_naive);
    if (db)
        differ |= compare_hits("tracer", h_fk, n_fk, "SQLite", h_sql, n_sql);

    snprintf(buf, sizeof buf, "%.3f s", warm_s);
    snprintf(why, sizeof why, "first degree, %zu cases, warm, kept buffer (goal at full)",
             o->cases);
    goal(why, buf, "<= 1 s", warm_s <= 1.0);
    snprintf(buf, sizeof buf, "%.3f s", fresh_s);
    snprintf(why, sizeof why, "first degree, %zu cases, fresh array (fk_tracer_run)", o->cases);
    goal(why, buf, "<= 1 s", fresh_s <= 1.0);
    if (db) {
        snprintf(buf2, sizeof buf2, "%.0fx (%.2f / %.3f s)", sql_s / warm_s, sql_s, warm_s);
        goal("first degree vs SQLite", buf2, ">= 100x", sql_s >= 100.0 * warm_s);
    } else {
        printf("goal  first degree vs SQLite: SQLite not run at this size\n");
    }
    print_load("at the end");
    rc = FK_OK;
out:
    if (rc != FK_OK)
        fprintf(stderr, "bench_trace: W4 failed: %s\n", fk_strerror(rc));
    sqlite3_close(db);
    if (dbpath[0]) {
        char j[4200];

        unlink(dbpath);
        snprintf(j, sizeof j, "%s-journal", dbpath);
        unlink(j);
    }
    fk_tracer_free(t);
    free(warm_all);
    free(c);
    free(h_fk);
    free(h_sql);
    free(h_naive);
    free(win);
    free(is_case);
    free(cases);
    events_free(&ev);
    alias_free(&venues);
    if (rc == FK_OK && differ)
        return 1;
    return rc;
}

/* ---- W5 ---- */

/* Companions of one case by a direct pass over every ping: the case's (cell, slot) pairs in its
 * look-back, then each ping of every other non-case person looked up among them. */
static int ref_companions(const struct events *ev, const struct fk_case_row *cs,
                          const uint8_t *is_case, const struct fk_profile *p, struct hit **out,
                          size_t *nout)
{
    int64_t slot_len = (int64_t)p->companion_slot_minutes * 60,
            from = cs->confirmed - (int64_t)p->companion_days * 86400, to = cs->confirmed;
    size_t nk = 0, n = 0, q;
    uint64_t *keys = NULL, e;
    int64_t *best = NULL;
    struct hit *h = NULL;
    int rc = FK_ENOMEM;

    *out = NULL;
    *nout = 0;
    keys = malloc((ev->start[cs->person + 1] - ev->start[cs->person] + 1) * sizeof *keys);
    best = malloc(ev->npersons * sizeof *best);
    if (!keys || !best)
        goto out;
    for (e = ev->start[cs->person]; e < ev->start[cs->person + 1]; e++)
        if (ev->time[e] >= from && ev->time[e] <= to)
            keys[nk++] = (uint64_t)ev->place[e] << 32 | (uint64_t)(ev->time[e] / slot_len);
    qsort(keys, nk, sizeof *keys, cmp_u64);
    for (q = 0; q < ev->npersons; q++) {
        best[q] = INT64_MAX;
        if (is_case[q])
            continue;
        for (e = ev->start[q]; e < ev->start[q + 1]; e++) {
            uint64_t slot = ev->time[e] / slot_len, k = (uint64_t)ev->place[e] << 32 | slot;

            if (bsearch(&k, keys, nk, sizeof *keys, cmp_u64) && (int64_t)slot * slot_len < best[q])
                best[q] = (int64_t)slot * slot_len;
        }
        n += best[q] != INT64_MAX;
    }
    h = malloc((n ? n : 1) * sizeof *h);
    if (!h)
        goto out;
    for (q = 0, n = 0; q < ev->npersons; q++)
        if (best[q] != INT64_MAX) {
            h[n].person = (int32_t)q;
            h[n++].exposure = best[q];
        }
    *out = h;
    *nout = n;
    h = NULL;
    rc = FK_OK;
out:
    free(keys);
    free(best);
    free(h);
    return rc;
}

static int run_w5(const struct opts *o)
{
    struct fk_profile prof;
    struct alias cells;
    struct events ev;
    struct fk_trace_input in;
    struct fk_case_row *cases = NULL;
    uint8_t *is_case = NULL;
    struct hit *ref[W5_CHECKED], *h = NULL;
    size_t nref[W5_CHECKED], nh = 0, n_other = 0, nc = 0, i, found = 0, nchecked;
    struct fk_contact *c = NULL;
    struct fk_tracer_stats stx;
    fk_tracer *t = NULL;
    double t0, gen_s, new_s, cold_s = 0, warm_s = 0, *per = NULL, sum = 0;
    char buf[64];
    int rc = FK_ENOMEM, differ = 0;

    memset(&cells, 0, sizeof cells);
    memset(&ev, 0, sizeof ev);
    memset(&in, 0, sizeof in);
    memset(ref, 0, sizeof ref);
    memset(nref, 0, sizeof nref);
    fk_profile_defaults(&prof);
    nchecked = o->cases < W5_CHECKED ? o->cases : W5_CHECKED;
    printf("== W5 %s: %zu persons, %zu cells (outings and workplaces Zipf s=%.2f), %u pings a "
           "day for %d days = %zu pings, %zu cases, seed %llu\n",
           o->preset, o->persons, o->places, o->zipf, o->per_day, DAYS,
           o->persons * DAYS * o->per_day, o->cases, (unsigned long long)o->seed);
    print_load("at the start");
    t0 = fk_mono_seconds();
    rc = alias_zipf(&cells, o->places, o->zipf);
    if (rc == FK_OK)
        rc = gen_pings(o, &cells, &ev);
    if (rc == FK_OK)
        rc = make_cases(o->persons, o->cases, 7, o->seed, &cases, &is_case);
    if (rc != FK_OK)
        goto out;
    gen_s = fk_mono_seconds() - t0;
    printf("generated in %.1f s; RSS with the input arrays %.0f MiB\n", gen_s,
           mib(status_kib("VmRSS")));
    t0 = fk_mono_seconds();
    for (i = 0; i < nchecked; i++) {
        rc = ref_companions(&ev, &cases[i], is_case, &prof, &ref[i], &nref[i]);
        if (rc != FK_OK)
            goto out;
    }
    printf("direct pass over every ping for %zu cases: %.1f s\n", nchecked, fk_mono_seconds() - t0);

    rc = hand_over(o, &ev, 1, cases, &in);
    if (rc != FK_OK)
        goto out;
    t0 = fk_mono_seconds();
    rc = fk_tracer_new(&in, &prof, &t);
    new_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "bench_trace: fk_tracer_new: %s\n", fk_strerror(rc));
        goto out;
    }
    fk_tracer_stats(t, &stx);
    printf("tracer built in %.2f s: %zu pings, %zu cells; %.1f MiB held = %.2f bytes a ping; "
           "RSS %.0f MiB, peak %.0f MiB\n",
           new_s, stx.pings, stx.cells, (double)stx.bytes / 1048576.0,
           (double)stx.bytes / (double)(stx.pings ? stx.pings : 1), mib(status_kib("VmRSS")),
           mib(status_kib("VmHWM")));

    for (i = 0; i < 2; i++) {
        double s;

        free(c);
        c = NULL;
        rc = trace_timed(t, NULL, 0, 1, &c, &nc, &s);
        if (rc != FK_OK)
            goto out;
        if (i == 0)
            cold_s = s;
        else
            warm_s = s;
    }
    printf("companions of all %zu cases in one run: first %.3f s, warm %.3f s; %zu companions\n",
           o->cases, cold_s, warm_s, nc);

    per = malloc((o->cases ? o->cases : 1) * sizeof *per);
    if (!per) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < o->cases; i++) {
        int32_t id = (int32_t)cases[i].person;

        free(c);
        c = NULL;
        rc = trace_timed(t, &id, 1, 1, &c, &nc, &per[i]);
        if (rc != FK_OK)
            goto out;
        sum += per[i];
        found += nc;
        if (i < nchecked) {
            char name[32];

            free(h);
            h = NULL;
            rc = hits_of(c, nc, FK_CAT_COMPANION, FK_VIA_CELL, &h, &nh, &n_other);
            if (rc != FK_OK)
                goto out;
            if (n_other) {
                printf("PROBLEM: case %d: %zu contacts that are not companions\n", id, n_other);
                differ = 1;
            }
            snprintf(name, sizeof name, "direct(case %d)", id);
            differ |= compare_hits("tracer", h, nh, name, ref[i], nref[i]);
        }
    }
    qsort(per, o->cases, sizeof *per, cmp_double);
    printf("one case at a time, %zu cases: total %.3f s; per case median %.2f ms, mean %.2f ms, "
           "max %.2f ms; %.0f companions a case on average\n",
           o->cases, sum, per[o->cases / 2] * 1e3, sum / (double)o->cases * 1e3,
           per[o->cases - 1] * 1e3, (double)found / (double)o->cases);
    snprintf(buf, sizeof buf, "%.2f ms max", per[o->cases - 1] * 1e3);
    goal("companions, time per case", buf, "<= 1 s", per[o->cases - 1] <= 1.0);
    print_load("at the end");
    rc = FK_OK;
out:
    if (rc != FK_OK)
        fprintf(stderr, "bench_trace: W5 failed: %s\n", fk_strerror(rc));
    fk_tracer_free(t);
    free(c);
    free(h);
    free(per);
    for (i = 0; i < W5_CHECKED; i++)
        free(ref[i]);
    free(is_case);
    free(cases);
    events_free(&ev);
    alias_free(&cells);
    if (rc == FK_OK && differ)
        return 1;
    return rc;
}

/* ---- arguments ---- */

static int parse_size(const char *s, size_t *out)
{
    char *end = NULL;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return FK_EINVAL;
    *out = (size_t)v;
    return FK_OK;
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end)
        return FK_EINVAL;
    *out = v;
    return FK_OK;
}

static int preset(const char *name, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->preset = name;
    o->tmp = "/tmp";
    o->seed = 1;
    o->per_day = 5;
    o->zipf = 1.0;
    o->cases = 1000;
    o->sql_runs = 2;
    o->depth2_limit = 300;
    o->runs = 3;
    if (strcmp(name, "small") == 0) {
        o->persons = 2860; /* 200 200 scans */
        o->places = 286;   /* a sparser town, so that not everyone is a contact */
        o->cases = 50;
        o->sql = 1;
        o->naive = 1;
        return FK_OK;
    } else if (strcmp(name, "ci") == 0) {
        o->persons = 100000; /* 7 M scans */
        o->sql = 1;
    } else if (strcmp(name, "mid") == 0) {
        o->persons = 1000000; /* 70 M scans */
        o->sql = 1;
        o->sql_runs = 1;
    } else if (strcmp(name, "full") == 0) {
        o->persons = 10000000; /* 700 M scans */
    } else if (strcmp(name, "w5") == 0) {
        o->w5 = 1;
        o->persons = 1000000;
        o->places = 50000;
        o->per_day = 10; /* 140 M pings */
        o->cases = 100;
        o->zipf = 0.8;
        return FK_OK;
    } else {
        return FK_EINVAL;
    }
    o->places = o->persons / 50;
    return FK_OK;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_trace small|ci|mid|full|w5 [--seed N] [--persons N] [--places N]\n"
            "       [--cases N] [--per-day N] [--zipf S] [--sql | --no-sql] [--sql-runs N]\n"
            "       [--naive | --no-naive] [--depth2-limit SECONDS] [--tmp DIR]\n"
            "       [--plan 0|1|2] [--threads N] [--runs N] [--compare-plans] [--dump FILE]\n"
            "  --plan: how the tracer finds venue contacts (0 by cost, 1 offer, 2 pass)\n"
            "  --threads: threads of plan pass (0: the tracer chooses, one a core)\n"
            "  --runs N: first-degree runs into the kept buffer (default 3; min and median)\n"
            "  --compare-plans: also run first degree with each plan forced; answers must match\n"
            "  --dump FILE: every field of every contact to FILE.1 (first degree), FILE.2\n"
            "  small: 2 860 persons, 286 venues, 200 k scans, 50 cases, naive loop and SQLite\n"
            "  ci:    100 k persons, 7 M scans, 1 k cases, SQLite\n"
            "  mid:   1 M persons, 70 M scans, 1 k cases, SQLite\n"
            "  full:  10 M persons, 700 M scans, 1 k cases (about 12 GB of RAM)\n"
            "  w5:    1 M persons, 140 M pings over 50 k cells, 100 cases\n");
}

int main(int argc, char **argv)
{
    struct opts o;
    size_t v;
    int i, rc;

    if (argc < 2 || preset(argv[1], &o) != FK_OK) {
        usage();
        return 2;
    }
    for (i = 2; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;

        if (strcmp(a, "--sql") == 0) {
            o.sql = 1;
            continue;
        } else if (strcmp(a, "--no-sql") == 0) {
            o.sql = 0;
            continue;
        } else if (strcmp(a, "--naive") == 0) {
            o.naive = 1;
            continue;
        } else if (strcmp(a, "--no-naive") == 0) {
            o.naive = 0;
            continue;
        } else if (strcmp(a, "--compare-plans") == 0) {
            o.compare_plans = 1;
            continue;
        }
        if (!val) {
            usage();
            return 2;
        }
        i++;
        if (strcmp(a, "--seed") == 0) {
            bad = parse_size(val, &v);
            o.seed = v;
        } else if (strcmp(a, "--persons") == 0) {
            bad = parse_size(val, &o.persons) || o.persons == 0 || o.persons >= INT32_MAX;
        } else if (strcmp(a, "--places") == 0) {
            bad = parse_size(val, &o.places) || o.places == 0 || o.places >= UINT32_MAX;
        } else if (strcmp(a, "--cases") == 0) {
            bad = parse_size(val, &o.cases) || o.cases == 0;
        } else if (strcmp(a, "--per-day") == 0) {
            bad = parse_size(val, &v) || v == 0 || v > 1000;
            o.per_day = (unsigned)v;
        } else if (strcmp(a, "--sql-runs") == 0) {
            bad = parse_size(val, &v) || v == 0 || v > 100;
            o.sql_runs = (int)v;
        } else if (strcmp(a, "--zipf") == 0) {
            bad = parse_double(val, &o.zipf) || o.zipf < 0 || o.zipf > 5;
        } else if (strcmp(a, "--depth2-limit") == 0) {
            bad =
                parse_double(val, &o.depth2_limit) || o.depth2_limit <= 0 || o.depth2_limit > 86400;
        } else if (strcmp(a, "--tmp") == 0) {
            o.tmp = val;
        } else if (strcmp(a, "--dump") == 0) {
            o.dump = val;
        } else if (strcmp(a, "--runs") == 0) {
            bad = parse_size(val, &v) || v < 3 || v > 1000;
            o.runs = (int)v;
        } else if (strcmp(a, "--threads") == 0) {
            bad = parse_size(val, &v) || v > FK__TRACE_MAX_THREADS;
            o.threads = (int)v;
        } else if (strcmp(a, "--plan") == 0) {
            bad = parse_size(val, &v) || v > 2;
            o.plan = (int)v;
        } else {
            bad = 1;
        }
        if (bad) {
            fprintf(stderr, "bench_trace: bad option %s %s\n", a, val);
            usage();
            return 2;
        }
    }
    if (o.cases > o.persons) {
        fprintf(stderr, "bench_trace: more cases than persons\n");
        return 2;
    }
    rc = o.w5 ? run_w5(&o) : run_w4(&o);
    if (rc < 0)
        return 1;
    return rc ? 3 : 0;
}
