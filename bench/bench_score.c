/* SPDX-License-Identifier: MIT */
/* The county-score benchmark (issue 17, 目标责任考核): the ranking of a period with every
 * indicator fangkong computes itself, over a data file bench/run-score.sh fills from the demo
 * city (10 M residents by default). The indexes a server keeps (engine, tracer, vaccination and
 * reports indexes) are built once (timed), then the ranking is asked --runs times warm (median
 * and worst) and the detail once, and the computed actuals of every county are asked of SQLite on
 * the same file, one statement an indicator, and compared (to the hundredth, as the score shows
 * them). A benchmark, not a test: nothing runs it under ctest.
 *
 * usage: bench_score DATAFILE --now T [--period P] [--profile FILE] [--runs N] [--summary FILE]
 *
 * DESIGN NOTES
 * - The SQLite side reads the same tables fangkong's store holds. Its region -> county map (a
 *   recursive CTE over regions), its index on samples(person, time) and its table of vaccine
 *   courses (fk_vax_course of each vaccine in the data, under the same profile) are made in a
 *   scratch schema, timed apart and not counted in any query: the engine's equivalents are part of
 *   its build.
 * - Five of the six computed indicators are one SQL statement each: screen_coverage (residents
 *   with a sample in the round's window), tat_p90 (the tubes of the county's residents sampled in
 *   the round, hours from the first member's sampling to the result, as of now: SQL gives each
 *   county's hours sorted, C takes the 90th percentile as fk_quantile_sorted does), vax12_full,
 *   report_complete (every unit-day from the first reported day, by the deadline) and
 *   problems_on_time. lock24 needs close contacts, which is contact tracing (bench/bench_trace.c
 *   measures the tracer against SQL): the SQLite side leaves it out, fangkong's time includes
 *   it, so the ratio printed understates fangkong's lead.
 * - The period's window ends at now (as a server scores the current year); the ranking is asked
 *   with now fixed, so that every run answers the same question. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/assess.h"
#include "fk/fk.h"
#include "fk/problem_list.h"
#include "fk/response.h"
#include "fk/report.h"
#include "fk/score.h"
#include "fk/screening.h"
#include "fk/vaccine.h"

#define MAX_RUNS 1000
#define MAX_COUNTIES 64

static const char *prog = "bench_score";

static int usage(void)
{
    fprintf(stderr, "usage: bench_score DATAFILE --now T [--period P] [--profile FILE] [--runs N] "
                    "[--summary FILE]\n");
    return 2;
}

/* The prebuilt indexes, handed to the scoring as a server does. */
struct kept {
    fk_vax *vax;
    fk_tracer *tr;
    fk_reports *rep;
};

static int get_vax(void *ud, fk_vax **out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    *out = ((struct kept *)ud)->vax;
    return FK_OK;
}

static int get_tracer(void *ud, fk_tracer **out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    *out = ((struct kept *)ud)->tr;
    return FK_OK;
}

static int get_reports(void *ud, fk_reports **out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    *out = ((struct kept *)ud)->rep;
    return FK_OK;
}

/* ---- the SQLite side ---- */

/* The scratch schema: region -> county, the samples' person index, the vaccines' courses. */
static const char PREP[] =
    "CREATE TEMP TABLE rc AS WITH RECURSIVE t(code, county) AS (SELECT code, code FROM regions "
    "WHERE level = ?1 UNION ALL SELECT r.code, t.county FROM regions r JOIN t ON r.parent = "
    "t.code) SELECT code, county FROM t";

static const char COVERAGE[] =
    "SELECT rc.county, count(*), sum(EXISTS (SELECT 1 FROM samples s WHERE s.person = p.id AND "
    "s.time BETWEEN ?1 AND ?2)) FROM persons p JOIN rc ON rc.code = p.grid GROUP BY rc.county";

static const char TAT[] =
    "WITH t AS (SELECT tube, min(time) AS sampled FROM samples GROUP BY tube), "
    "c AS (SELECT DISTINCT rc.county, s.tube FROM samples s JOIN persons p ON p.id = s.person "
    "JOIN rc ON rc.code = p.grid WHERE s.time BETWEEN ?1 AND ?2) "
    "SELECT c.county, (r.time - t.sampled) / 3600.0 AS h FROM c JOIN t ON t.tube = c.tube JOIN "
    "results r ON r.tube = c.tube WHERE t.sampled <= ?3 AND r.time <= ?3 ORDER BY c.county, h";

/* ?1 the time, ?2 its local date as yyyymmdd, ?3 the default course */
static const char VAX[] =
    "WITH d AS (SELECT person, dose, vaccine, row_number() OVER (PARTITION BY person ORDER BY "
    "time, dose) AS rn FROM vaccinations WHERE time <= ?1), "
    "l AS (SELECT person, max(max(dose, rn)) AS level FROM d GROUP BY person), "
    "f AS (SELECT person, vaccine FROM d WHERE rn = 1) "
    "SELECT rc.county, count(*), sum(coalesce(l.level, 0) >= coalesce(k.course, ?3)) FROM "
    "persons p JOIN rc ON rc.code = p.grid LEFT JOIN l ON l.person = p.id LEFT JOIN f ON "
    "f.person = p.id LEFT JOIN temp.courses k ON k.vaccine = f.vaccine WHERE p.id_type = 0 AND "
    "length(p.id_number) = 18 AND (?2 - CAST(substr(p.id_number, 7, 8) AS INTEGER)) / 10000 >= 12 "
    "GROUP BY rc.county";

/* ?1 the first day, ?2 the last (YYYY-MM-DD), ?3 the deadline in seconds after the day's start */
static const char REPORTS[] =
    "WITH RECURSIVE days(d) AS (SELECT ?1 UNION ALL SELECT date(d, '+1 day') FROM days WHERE d "
    "< ?2), "
    "f AS (SELECT unit, date, min(CASE WHEN submitted = 0 THEN 0 ELSE max(submitted - "
    "(CAST(strftime('%s', date) AS INTEGER) - 28800), 0) END) AS sub FROM reports GROUP BY unit, "
    "date) "
    "SELECT rc.county, count(*), sum(f.unit IS NOT NULL AND f.sub <= ?3) FROM units u JOIN rc ON "
    "rc.code = u.region CROSS JOIN days LEFT JOIN f ON f.unit = u.code AND f.date = days.d "
    "GROUP BY rc.county";

static const char PROBLEMS[] =
    "SELECT rc.county, count(*), sum(status = 2 AND closed <= deadline) FROM problems JOIN rc ON "
    "rc.code = problems.region WHERE deadline > 0 AND deadline >= ?1 AND deadline < ?2 GROUP BY "
    "rc.county";

enum { I_COVERAGE, I_TAT, I_VAX, I_REPORTS, I_PROBLEMS, I_LOCK24, NIND };
static const char *const codes[NIND] = {"screen_coverage", "tat_p90",          "vax12_full",
                                        "report_complete", "problems_on_time", "lock24"};

/* Each county's actual of each indicator (have: 0 no data). */
struct sq {
    char county[MAX_COUNTIES][16];
    double actual[MAX_COUNTIES][NIND];
    int have[MAX_COUNTIES][NIND];
    size_t n;
};

static size_t county_slot(struct sq *q, const char *code)
{
    size_t i;

    for (i = 0; i < q->n; i++)
        if (strcmp(q->county[i], code) == 0)
            return i;
    if (q->n == MAX_COUNTIES)
        return MAX_COUNTIES;
    snprintf(q->county[q->n], sizeof q->county[0], "%s", code);
    return q->n++;
}

/* A share statement (county, den, num) into column ind, as the percentage of num in den. */
static int run_share(sqlite3 *db, sqlite3_stmt *st, struct sq *q, int ind)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t c = county_slot(q, (const char *)sqlite3_column_text(st, 0));
        int64_t den = sqlite3_column_int64(st, 1), num = sqlite3_column_int64(st, 2);

        if (c < MAX_COUNTIES && den > 0) {
            q->have[c][ind] = 1;
            q->actual[c][ind] = 100.0 * (double)num / (double)den;
        }
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "%s: %s: %s\n", prog, codes[ind], sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_reset(st);
    return 0;
}

/* The tat statement: each county's sorted hours, the 90th percentile taken here. */
static int run_tat(sqlite3 *db, sqlite3_stmt *st, struct sq *q)
{
    double *h = NULL;
    size_t n = 0, cap = 0;
    char cur[16] = "";
    int rc, done = 0;

    while (!done) {
        const char *c = NULL;

        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            c = (const char *)sqlite3_column_text(st, 0);
        else if (rc == SQLITE_DONE)
            done = 1;
        else
            break;
        if ((done || strcmp(c, cur) != 0) && n > 0) {
            size_t k = county_slot(q, cur);

            if (k < MAX_COUNTIES) {
                q->have[k][I_TAT] = 1;
                q->actual[k][I_TAT] = fk_quantile_sorted(h, n, 0.9);
            }
            n = 0;
        }
        if (done)
            break;
        snprintf(cur, sizeof cur, "%s", c);
        if (n == cap) {
            double *m = realloc(h, (cap = cap ? 2 * cap : 1 << 16) * sizeof *h);

            if (!m) {
                free(h);
                return 1;
            }
            h = m;
        }
        h[n++] = sqlite3_column_double(st, 1);
    }
    free(h);
    if (!done) {
        fprintf(stderr, "%s: tat_p90: %s\n", prog, sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_reset(st);
    return 0;
}

/* The scratch schema; the vaccines' courses come from fk_vax_course under p. */
static int prepare_side(sqlite3 *db, const struct fk_profile *p)
{
    sqlite3_stmt *st = NULL, *ins = NULL;
    int rc = 1;

    if (exec_sql(prog, db, "PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY") != FK_OK ||
        sqlite3_prepare_v2(db, PREP, -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int(st, 1, FK_LEVEL_COUNTY);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    if (exec_sql(prog, db,
                 "CREATE INDEX temp.rc_code ON rc (code); "
                 "CREATE TEMP TABLE courses (vaccine TEXT PRIMARY KEY, course INTEGER)") != FK_OK ||
        sqlite3_prepare_v2(db, "SELECT DISTINCT vaccine FROM vaccinations", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO temp.courses VALUES (?1, ?2)", -1, &ins, NULL) !=
            SQLITE_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);

        sqlite3_bind_text(ins, 1, v, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 2, fk_vax_course(p, v));
        if (sqlite3_step(ins) != SQLITE_DONE)
            goto out;
        sqlite3_reset(ins);
    }
    /* the samples' index by person, in the main file: it is dropped again at the end. No
     * ANALYZE: its statistics would stay in the file and change the store's own plans next run */
    if (exec_sql(prog, db,
                 "CREATE INDEX IF NOT EXISTS bench_samples_person ON samples (person, time)") !=
        FK_OK)
        goto out;
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "%s: the SQLite side: %s\n", prog, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    return rc;
}

/* The window's days for report_complete as YYYY-MM-DD: from the first whole day at or after from
 * (not before the first day any report names) to the last whose deadline is at or before to. 0
 * when there is no such day. */
static int report_days(sqlite3 *db, int64_t from, int64_t to, int deadline_min, char *d1, char *d2)
{
    sqlite3_stmt *st = NULL;
    int32_t first, last, d0 = -1;

    if (sqlite3_prepare_v2(db,
                           "SELECT min(date) FROM reports WHERE unit IN (SELECT code FROM "
                           "units)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *s = (const char *)sqlite3_column_text(st, 0);

        if (fk_report_date_parse((fk_slice){s, strlen(s)}, &d0) != FK_OK)
            d0 = -1;
    }
    sqlite3_finalize(st);
    if (d0 < 0)
        return 0;
    first = fk_report_day_of(from);
    if (fk_report_day_start(first) < from)
        first++;
    if (first < d0)
        first = d0;
    for (last = first - 1; fk_report_deadline(last + 1, deadline_min) <= to; last++)
        ;
    if (last < first)
        return 0;
    fk_date_render(fk_report_day_start(first), d1);
    fk_date_render(fk_report_day_start(last), d2);
    return 1;
}

static int read_file(const char *path, char **out)
{
    FILE *f = fopen(path, "rb");
    long n;

    *out = NULL;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(*out = calloc(1, (size_t)n + 1)) || fread(*out, 1, (size_t)n, f) != (size_t)n) {
        if (f)
            fclose(f);
        free(*out);
        *out = NULL;
        return 1;
    }
    fclose(f);
    return 0;
}

/* The round the engine scores screen_coverage and tat_p90 from: the latest that started in the
 * window (the demo has one, over the city). */
static int the_round(sqlite3 *db, int64_t from, int64_t to, int64_t *start, int64_t *end)
{
    sqlite3_stmt *st = NULL;
    int ok = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT start, \"end\" FROM rounds WHERE start >= ?1 AND start < ?2 "
                           "ORDER BY start DESC, name DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *start = sqlite3_column_int64(st, 0);
            *end = sqlite3_column_int64(st, 1);
            ok = 1;
        }
    }
    sqlite3_finalize(st);
    return ok;
}

/* ---- where fangkong's time goes: each computed indicator over every county, as the scoring
 * asks it (the library calls behind assess.c's calcs) ---- */

struct one_round {
    int64_t from, to;
    struct fk_round r;
    int found;
};

static int keep_latest(void *ud, const struct fk_round *r)
{
    struct one_round *o = ud;

    if (r->start >= o->from && r->start < o->to &&
        (!o->found || r->start > o->r.start ||
         (r->start == o->r.start && strcmp(r->name, o->r.name) > 0))) {
        o->r = *r;
        o->found = 1;
    }
    return 0;
}

/* Seconds for indicator ind over the counties of rank (median of 3). */
static double time_one(int ind, fk_store *st, fk_engine *e, const struct fk_profile *p,
                       const struct kept *kp, const fk_table *rank, const struct one_round *o)
{
    double t[3], t0;
    struct timing tm = {t, 0};
    int run;

    for (run = 0; run < 3; run++) {
        size_t i;

        t0 = fk_mono_seconds();
        for (i = 0; i < fk_table_nrows(rank); i++) {
            const char *c = fk_table_get(rank, i, 1);
            struct fk_round r = o->r;
            fk_table *x = NULL;
            int64_t num, den;
            char err[256];

            fk_strlcpy(r.region, c, sizeof r.region);
            if (ind == I_COVERAGE && o->found)
                fk_engine_coverage(e, &r, FK_LEVEL_COUNTY, &x, err, sizeof err);
            else if (ind == I_TAT && o->found && i == 0) /* every county in one pass */
                fk_engine_tat_by(e, &o->r, FK_LEVEL_COUNTY, o->to - 1, &x, err, sizeof err);
            else if (ind == I_VAX)
                fk_vax_coverage(kp->vax, FK_LEVEL_COUNTY, c, o->to - 1, &x, err, sizeof err);
            else if (ind == I_REPORTS)
                fk_reports_complete(kp->rep, c, o->from, o->to, &num, &den, NULL, err, sizeof err);
            else if (ind == I_PROBLEMS)
                fk_problems_on_time_indicator(st, e, p, c, o->from, o->to, &num, &den, NULL, err,
                                              sizeof err);
            else if (ind == I_LOCK24)
                fk_lock24_indicator_tr(st, e, kp->tr, p, c, o->from, o->to, &num, &den, NULL, err,
                                       sizeof err);
            fk_table_free(x);
        }
        t[tm.n++] = fk_mono_seconds() - t0;
    }
    return t_median(&tm);
}

int main(int argc, char **argv)
{
    const char *path = NULL, *period = NULL, *profile = NULL, *summary = NULL, *now_s = NULL;
    int runs = 20, i, rc = 1;
    struct fk_profile prof;
    struct kept kept = {NULL, NULL, NULL};
    struct fk_assess_src src = {&kept, get_vax, get_tracer, get_reports};
    struct fk_assess_ask ask;
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_table *rank = NULL, *detail = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *q[5] = {NULL, NULL, NULL, NULL, NULL};
    static struct sq sq;
    static double t_all[MAX_RUNS];
    struct timing ta = {t_all, 0};
    double t0, t_eng, t_tr, t_vax, t_rep, t_prep = 0, t_sql = 0, t_detail;
    char err[512], scored[64], d1[16], d2[16], text[4096];
    int64_t now = 0, from, to, rstart = 0, rend = 0;
    size_t k, diffs = 0, compared = 0;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
            now_s = argv[++i];
        else if (strcmp(argv[i], "--period") == 0 && i + 1 < argc)
            period = argv[++i];
        else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            profile = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            runs = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--summary") == 0 && i + 1 < argc)
            summary = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            return usage();
    }
    if (!path || !now_s || runs < 1 || runs > MAX_RUNS)
        return usage();
    if (fk_time_parse(now_s, strlen(now_s), &now) != FK_OK) {
        fprintf(stderr, "%s: --now %s is not a time like 2022-08-28T12:00:00+08:00\n", prog, now_s);
        return 2;
    }
    fk_profile_defaults(&prof);
    if (profile) {
        char *ini;

        if (read_file(profile, &ini) != 0) {
            fprintf(stderr, "%s: %s: cannot read it\n", prog, profile);
            return 1;
        }
        i = fk_profile_parse(ini, &prof, err, sizeof err);
        free(ini);
        if (i != FK_OK) {
            fprintf(stderr, "%s: %s: %s\n", prog, profile, err);
            return 1;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows in a log as it comes */
    print_load("before");
    /* fangkong: the indexes a server keeps, each built once */
    if (fk_store_open(path, &st, err, sizeof err) != FK_OK)
        goto fail;
    t0 = fk_mono_seconds();
    if (fk_engine_build(st, &prof, &e, err, sizeof err) != FK_OK)
        goto fail;
    t_eng = fk_mono_seconds() - t0;
    t0 = fk_mono_seconds();
    if (fk_tracer_build(st, &prof, &kept.tr, err, sizeof err) != FK_OK)
        goto fail;
    t_tr = fk_mono_seconds() - t0;
    t0 = fk_mono_seconds();
    if (fk_vax_build(st, e, &prof, &kept.vax, err, sizeof err) != FK_OK)
        goto fail;
    t_vax = fk_mono_seconds() - t0;
    t0 = fk_mono_seconds();
    if (fk_reports_build(st, &prof, &kept.rep, err, sizeof err) != FK_OK)
        goto fail;
    t_rep = fk_mono_seconds() - t0;
    printf("built: engine %.1f s, tracer %.1f s, vaccination index %.1f s, reports index %.2f s; "
           "RSS %.0f MiB\n",
           t_eng, t_tr, t_vax, t_rep, mib(status_kib("VmRSS")));

    /* the ranking, warm: once to settle, then timed */
    memset(&ask, 0, sizeof ask);
    ask.period = period;
    ask.by = FK_LEVEL_COUNTY;
    ask.now = now;
    ask.src = &src;
    if (fk_assess_score(st, e, &prof, &ask, scored, sizeof scored, &rank, err, sizeof err) != FK_OK)
        goto fail;
    for (i = 0; i < runs; i++) {
        fk_table_free(rank);
        rank = NULL;
        t0 = fk_mono_seconds();
        if (fk_assess_score(st, e, &prof, &ask, scored, sizeof scored, &rank, err, sizeof err) !=
            FK_OK)
            goto fail;
        t_all[ta.n++] = fk_mono_seconds() - t0;
    }
    ask.detail = 1;
    t0 = fk_mono_seconds();
    if (fk_assess_score(st, e, &prof, &ask, scored, sizeof scored, &detail, err, sizeof err) !=
        FK_OK)
        goto fail;
    t_detail = fk_mono_seconds() - t0;

    /* the SQLite side, on the same file */
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", prog, sqlite3_errmsg(db));
        goto out;
    }
    t0 = fk_mono_seconds();
    if (prepare_side(db, &prof) != 0)
        goto out;
    t_prep = fk_mono_seconds() - t0;
    if (fk_period_window(scored, &from, &to) != FK_OK) {
        fprintf(stderr, "%s: period %s is no window\n", prog, scored);
        goto out;
    }
    if (now < to)
        to = now + 1;
    if (!the_round(db, from, to, &rstart, &rend))
        fprintf(stderr, "%s: no round started in %s: screen_coverage and tat_p90 have no data\n",
                prog, scored);
    if (!report_days(db, from, to, prof.reports_deadline_min, d1, d2))
        d1[0] = d2[0] = '\0';
    if (sqlite3_prepare_v2(db, COVERAGE, -1, &q[0], NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, TAT, -1, &q[1], NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, VAX, -1, &q[2], NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, REPORTS, -1, &q[3], NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, PROBLEMS, -1, &q[4], NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", prog, sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_int64(q[0], 1, rstart);
    sqlite3_bind_int64(q[0], 2, rend);
    sqlite3_bind_int64(q[1], 1, rstart);
    sqlite3_bind_int64(q[1], 2, rend);
    sqlite3_bind_int64(q[1], 3, to - 1);
    sqlite3_bind_int64(q[2], 1, to - 1);
    sqlite3_bind_int64(q[2], 2, fk_vax_ymd(to - 1));
    sqlite3_bind_int(q[2], 3, fk_vax_course(&prof, NULL));
    sqlite3_bind_text(q[3], 1, d1, -1, SQLITE_STATIC);
    sqlite3_bind_text(q[3], 2, d2, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q[3], 3, (int64_t)prof.reports_deadline_min * 60);
    sqlite3_bind_int64(q[4], 1, from);
    sqlite3_bind_int64(q[4], 2, to);
    for (i = 0; i < 2; i++) { /* the second run is the warm one */
        memset(&sq, 0, sizeof sq);
        t0 = fk_mono_seconds();
        if ((rstart && (run_share(db, q[0], &sq, I_COVERAGE) || run_tat(db, q[1], &sq))) ||
            run_share(db, q[2], &sq, I_VAX) || (d1[0] && run_share(db, q[3], &sq, I_REPORTS)) ||
            run_share(db, q[4], &sq, I_PROBLEMS))
            goto out;
        t_sql = fk_mono_seconds() - t0;
    }

    /* the computed actuals compared, county by county */
    for (k = 0; k < fk_table_nrows(detail); k++) {
        const char *county = fk_table_get(detail, k, 0), *ind = fk_table_get(detail, k, 1);
        double got = strtod(fk_table_get(detail, k, 3), NULL);
        size_t c;
        int x;

        for (x = 0; x < I_LOCK24 && strcmp(codes[x], ind) != 0; x++)
            ;
        if (x == I_LOCK24)
            continue;
        c = county_slot(&sq, county);
        compared++;
        if (c == MAX_COUNTIES || !sq.have[c][x] || fabs(sq.actual[c][x] - got) > 0.005 + 1e-9) {
            if (diffs++ < 10)
                fprintf(stderr, "%s: %s %s: fangkong %.2f, SQLite %s%.4f\n", prog, county, ind, got,
                        c < MAX_COUNTIES && sq.have[c][x] ? "" : "(no data) ",
                        c < MAX_COUNTIES ? sq.actual[c][x] : 0);
        }
    }
    {
        double w_all = 0, m_all;

        for (k = 0; k < ta.n; k++)
            w_all = t_all[k] > w_all ? t_all[k] : w_all;
        m_all = t_median(&ta);
        snprintf(text, sizeof text,
                 "period %s, %zu counties, %zu computed actuals compared (lock24 aside): %s\n"
                 "fangkong, the ranking with all six computed indicators: %.1f ms median, %.1f ms "
                 "worst of %d (goal <= 100 ms warm); the detail %.1f ms\n"
                 "SQLite, the five SQL-shaped actuals (lock24 aside): %.0f ms warm (its scratch "
                 "map, courses and samples index %.1f s apart); ratio %.0fx\n",
                 scored, fk_table_nrows(rank), compared, diffs ? "DIFFER" : "identical",
                 m_all * 1e3, w_all * 1e3, runs, t_detail * 1e3, t_sql * 1e3, t_prep,
                 t_sql / m_all);
        fputs(text, stdout);
        if (summary && write_summary(prog, summary, text) != FK_OK)
            goto out;
    }
    /* where the time goes */
    {
        struct one_round o;
        int x;

        memset(&o, 0, sizeof o);
        fk_period_window(scored, &o.from, &o.to);
        if (now < o.to)
            o.to = now + 1;
        fk_store_each_round(st, keep_latest, &o);
        printf("each computed indicator over the %zu counties (median of 3):",
               fk_table_nrows(rank));
        for (x = 0; x < NIND; x++)
            printf(" %s %.1f ms%s", codes[x], 1e3 * time_one(x, st, e, &prof, &kept, rank, &o),
                   x + 1 < NIND ? "," : "\n");
    }
    print_load("after");
    rc = diffs || compared == 0 ? 1 : 0;
    goto out;
fail:
    fprintf(stderr, "%s: %s\n", prog, err);
out:
    for (i = 0; i < 5; i++)
        sqlite3_finalize(q[i]);
    if (db)
        exec_sql(prog, db, "DROP INDEX IF EXISTS bench_samples_person");
    sqlite3_close(db);
    fk_table_free(rank);
    fk_table_free(detail);
    fk_reports_free(kept.rep);
    fk_vax_free(kept.vax);
    fk_tracer_free(kept.tr);
    fk_engine_free(e);
    fk_store_close(st);
    return rc;
}
