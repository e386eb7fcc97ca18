/* SPDX-License-Identifier: MIT */
/* The county scores of a period (fk/assess.h): two walks of the store (indicators, then the
 * period's scores rows), items grouped per region, each region scored and the regions ranked by
 * lib/domain/score.c. The tables are small (a few dozen indicators, a few hundred rows per
 * period), so plain arrays and one string map serve. A computed indicator's actual (see
 * fk/assess.h) is asked of the engine's own answers (coverage, the 采送检报 chain, the
 * vaccination index) for the region alone, once per row. */
#include "fk/assess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/problem_list.h"
#include "fk/reports.h"
#include "fk/response.h"
#include "fk/score.h"
#include "fk/screening.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

#define EXPLAIN_ROWS 64 /* the items of one region whose rows behind are kept */

struct indicator {
    double weight;
    int lower, veto, category;
    char *name;     /* owned */
    char wtext[24]; /* the weight as stored */
};

/* One scores row of the period, for a region at the level scored. */
struct item {
    int64_t ind;    /* index in the indicators map */
    int64_t region; /* index in the regions map */
    double target, actual, bonus;
    char target_s[24], actual_s[24];
    int computed;              /* the actual is fangkong's (calcs[computed - 1]) */
    const char *rcode, *icode; /* the codes, borrowed from the maps once both walks are done */
};

struct walk {
    fk_strmap *inds; /* code -> index into ind */
    struct indicator *ind;
    size_t nind, capind;
    const fk_engine *eng;
    enum fk_level by;
    const char *period; /* NULL on the first walk, which finds the latest */
    char latest[64];
    size_t nrows;       /* scores rows seen */
    fk_strmap *regions; /* region code -> index */
    struct item *items;
    size_t nitems, capitems;
    int rc;
};

static int num(const struct fk_record_value *v, double *out, char *norm)
{
    const char *s = v->s ? v->s : "";

    norm[0] = '\0';
    if (!*s) {
        *out = 0;
        return 0;
    }
    return fk_score_number_parse((fk_slice){s, strlen(s)}, out, norm, 24) == FK_OK;
}

static int on_indicator(void *ud, const struct fk_record_value *v, size_t n)
{
    struct walk *w = ud;
    int added;
    int64_t i;
    char norm[24];
    double weight;

    if (n < 6 || !v[0].s)
        return FK_OK;
    if (!num(&v[3], &weight, norm) || !(weight > 0))
        return FK_EINVAL;
    i = fk_strmap_intern(w->inds, v[0].s, strlen(v[0].s), &added);
    if (i < 0 || fk_vec_grow((void **)&w->ind, &w->capind, (size_t)i + 1, sizeof *w->ind) != FK_OK)
        return FK_ENOMEM;
    if (!added)
        free(w->ind[i].name);
    w->ind[i].name = strdup(v[1].s ? v[1].s : "");
    if (!w->ind[i].name)
        return FK_ENOMEM;
    fk_strlcpy(w->ind[i].wtext, norm, sizeof w->ind[i].wtext);
    w->ind[i].category = (int)v[2].i;
    w->ind[i].weight = weight;
    w->ind[i].lower = (int)v[4].i;
    w->ind[i].veto = (int)v[5].i;
    if ((size_t)i + 1 > w->nind)
        w->nind = (size_t)i + 1;
    return FK_OK;
}

/* ---- the computed indicators ---- */

struct calc {
    fk_store *st;
    fk_engine *eng;
    const struct fk_profile *p;
    int window;       /* the period is a window: from, to */
    int64_t from, to; /* to cut at now */
    struct fk_round *rounds;
    size_t nrounds, caprounds;
    int rounds_read;
    const struct fk_round *picked; /* pick_round's round, its own region */
    fk_table *tat;                 /* tat_p90 of every region of a level, for one round: */
    int64_t tat_round;             /* its id */
    enum fk_level tat_level;
    const struct fk_assess_src *src; /* NULL: each index is built here */
    fk_vax *vax;                     /* each index once asked for; own_*: built here, freed */
    fk_tracer *tracer;
    fk_reports *reports;
    int own_vax, own_tracer, own_reports;
};

/* The indexes, each asked of the source or built the first time an indicator needs it. */
static int need_vax(struct calc *k, char *err, size_t errlen)
{
    int rc;

    if (k->vax)
        return FK_OK;
    if (k->src && k->src->vax)
        return k->src->vax(k->src->ud, &k->vax, err, errlen);
    rc = fk_vax_build(k->st, k->eng, k->p, &k->vax, err, errlen);
    k->own_vax = rc == FK_OK;
    return rc;
}

static int need_tracer(struct calc *k, char *err, size_t errlen)
{
    int rc;

    if (k->tracer)
        return FK_OK;
    if (k->src && k->src->tracer)
        return k->src->tracer(k->src->ud, &k->tracer, err, errlen);
    rc = fk_tracer_build(k->st, k->p, &k->tracer, err, errlen);
    k->own_tracer = rc == FK_OK;
    return rc;
}

static int need_reports(struct calc *k, char *err, size_t errlen)
{
    int rc;

    if (k->reports)
        return FK_OK;
    if (k->src && k->src->reports)
        return k->src->reports(k->src->ud, &k->reports, err, errlen);
    rc = fk_reports_build(k->st, k->p, &k->reports, err, errlen);
    k->own_reports = rc == FK_OK;
    return rc;
}

/* A computed actual of region: *have 0 when there are no data for it; rows (NULL: not wanted)
 * receives the rows behind it. FK_OK or an error with err. */
typedef int (*calc_fn)(struct calc *k, const char *region, double *actual, int *have,
                       fk_table **rows, char *err, size_t errlen);

static int keep_round(void *ud, const struct fk_round *r)
{
    struct calc *k = ud;

    if (fk_vec_grow((void **)&k->rounds, &k->caprounds, k->nrounds + 1, sizeof *k->rounds) != FK_OK)
        return FK_ENOMEM;
    k->rounds[k->nrounds++] = *r;
    return 0;
}

/* The latest screening round over region (its region is the region or contains it) that started
 * in the window, with its region narrowed to region: 1, or 0 when there is none. */
static int pick_round(struct calc *k, const char *region, struct fk_round *out, int *rc)
{
    const struct fk_round *best = NULL;
    size_t i;

    *rc = FK_OK;
    if (!k->rounds_read) {
        *rc = fk_store_each_round(k->st, keep_round, k);
        k->rounds_read = 1;
        if (*rc != FK_OK)
            return 0;
    }
    for (i = 0; i < k->nrounds; i++) {
        const struct fk_round *r = &k->rounds[i];

        if (r->start >= k->from && r->start < k->to &&
            fk_engine_region_inside(k->eng, region, r->region) &&
            (!best || r->start > best->start ||
             (r->start == best->start && strcmp(r->name, best->name) > 0)))
            best = r;
    }
    if (!best)
        return 0;
    k->picked = best;
    *out = *best;
    fk_strlcpy(out->region, region, sizeof out->region);
    return 1;
}

/* The row of t whose column col is code, or -1. */
static long row_of(const fk_table *t, size_t col, const char *code)
{
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++) {
        const char *v = fk_table_get(t, i, col);

        if (v && strcmp(v, code) == 0)
            return (long)i;
    }
    return -1;
}

static double cell_num(const fk_table *t, size_t row, size_t col)
{
    const char *v = fk_table_get(t, row, col);

    return v && *v ? strtod(v, NULL) : 0;
}

static const struct fk_col round_cols[] = {
    {"round", FK_COL_TEXT},  {"start", FK_COL_TEXT},    {"end", FK_COL_TEXT},
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},     {"residents", FK_COL_INT},
    {"sampled", FK_COL_INT}, {"coverage", FK_COL_REAL},
};

/* screen_coverage: residents sampled in the latest round over the region, %. */
static int calc_coverage(struct calc *k, const char *region, double *actual, int *have,
                         fk_table **rows, char *err, size_t errlen)
{
    struct fk_round r;
    fk_table *t = NULL;
    long i;
    int rc;

    *have = 0;
    if (!pick_round(k, region, &r, &rc))
        return rc;
    rc = fk_engine_coverage(k->eng, &r, fk_engine_region_level(k->eng, region), &t, err, errlen);
    if (rc != FK_OK)
        return rc;
    i = row_of(t, 0, region);
    if (i >= 0 && cell_num(t, (size_t)i, 2) > 0) {
        *have = 1;
        *actual = 100.0 * cell_num(t, (size_t)i, 3) / cell_num(t, (size_t)i, 2);
    }
    if (rows && i >= 0) {
        char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
        const char *v[8] = {r.name,
                            fk_time_render(r.start, a),
                            fk_time_render(r.end, b),
                            fk_table_get(t, (size_t)i, 0),
                            fk_table_get(t, (size_t)i, 1),
                            fk_table_get(t, (size_t)i, 2),
                            fk_table_get(t, (size_t)i, 3),
                            fk_table_get(t, (size_t)i, 4)};

        rc = fk_table_new(round_cols, 8, rows);
        if (rc == FK_OK)
            rc = fk_table_add(*rows, v);
    }
    fk_table_free(t);
    return rc;
}

/* tat_p90: the 90th percentile of hours from sampling to result of the region's tubes in the
 * latest round over it (the total row of the chain by site). Without rows, every region of the
 * level is computed in one pass the first time the round is asked (fk_engine_tat_by: the same
 * number), so a ranking reads the tubes once, not once per county. */
static int calc_tat(struct calc *k, const char *region, double *actual, int *have, fk_table **rows,
                    char *err, size_t errlen)
{
    struct fk_round r;
    fk_table *t = NULL;
    size_t n;
    const char *p90;
    enum fk_level lv = fk_engine_region_level(k->eng, region);
    long i;
    int rc;

    *have = 0;
    if (!pick_round(k, region, &r, &rc))
        return rc;
    if (!rows) {
        if (!k->tat || k->tat_round != k->picked->id || k->tat_level != lv) {
            fk_table_free(k->tat);
            k->tat = NULL;
            rc = fk_engine_tat_by(k->eng, k->picked, lv, k->to - 1, &k->tat, err, errlen);
            if (rc != FK_OK)
                return rc;
            k->tat_round = k->picked->id;
            k->tat_level = lv;
        }
        i = row_of(k->tat, 0, region);
        if (i >= 0) {
            *have = 1;
            *actual = cell_num(k->tat, (size_t)i, 2);
        }
        return FK_OK;
    }
    rc = fk_engine_tat(k->eng, &r, FK_TAT_SITE, k->to - 1, &t, err, errlen);
    if (rc != FK_OK)
        return rc;
    n = fk_table_nrows(t);
    p90 = n ? fk_table_get(t, n - 1, 8) : NULL;
    if (p90 && *p90) {
        *have = 1;
        *actual = strtod(p90, NULL);
    }
    if (rows)
        *rows = t;
    else
        fk_table_free(t);
    return FK_OK;
}

/* vax12_full: residents 12 and over with a full course at the window's end, %. */
static int calc_vax(struct calc *k, const char *region, double *actual, int *have, fk_table **rows,
                    char *err, size_t errlen)
{
    fk_table *t = NULL;
    long i;
    int rc;

    *have = 0;
    rc = need_vax(k, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_vax_coverage(k->vax, fk_engine_region_level(k->eng, region), region, k->to - 1, &t, err,
                         errlen);
    if (rc != FK_OK)
        return rc;
    i = row_of(t, 2, "12+");
    if (i >= 0 && cell_num(t, (size_t)i, 3) > 0) {
        *have = 1;
        *actual = 100.0 * cell_num(t, (size_t)i, 5) / cell_num(t, (size_t)i, 3);
    }
    if (rows)
        *rows = t;
    else
        fk_table_free(t);
    return FK_OK;
}

/* A share in % from a numerator and denominator (no data when den is 0). */
static void share(int64_t num, int64_t den, double *actual, int *have)
{
    *have = den > 0;
    if (*have)
        *actual = 100.0 * (double)num / (double)den;
}

/* report_complete: unit-days reported by the deadline, % (fk/reports.h). */
static int calc_reports(struct calc *k, const char *region, double *actual, int *have,
                        fk_table **rows, char *err, size_t errlen)
{
    int64_t num = 0, den = 0;
    int rc = need_reports(k, err, errlen);

    if (rows)
        *rows = NULL;
    if (rc == FK_OK)
        rc = fk_reports_complete(k->reports, region, k->from, k->to, &num, &den, rows, err, errlen);
    share(num, den, actual, have);
    return rc;
}

/* problems_on_time: problems due in the window closed by their deadline, % (fk/problem_list.h). */
static int calc_problems(struct calc *k, const char *region, double *actual, int *have,
                         fk_table **rows, char *err, size_t errlen)
{
    int64_t num = 0, den = 0;
    int rc = fk_problems_on_time_indicator(k->st, k->eng, k->p, region, k->from, k->to, &num, &den,
                                           rows, err, errlen);

    share(num, den, actual, have);
    return rc;
}

/* lock24: close contacts of the window's cases under control within 24 h, % (fk/response.h). */
static int calc_lock24(struct calc *k, const char *region, double *actual, int *have,
                       fk_table **rows, char *err, size_t errlen)
{
    int64_t num = 0, den = 0;
    int rc = need_tracer(k, err, errlen);

    if (rc != FK_OK)
        return rc;
    rc = fk_lock24_indicator_tr(k->st, k->eng, k->tracer, k->p, region, k->from, k->to, &num, &den,
                                rows, err, errlen);
    share(num, den, actual, have);
    return rc;
}

/* The computed indicators. */
static const struct {
    const char *code;
    calc_fn fn;
} calcs[] = {
    {"screen_coverage", calc_coverage},
    {"tat_p90", calc_tat},
    {"vax12_full", calc_vax},
    {"report_complete", calc_reports},
    {"problems_on_time", calc_problems},
    {"lock24", calc_lock24},
};

/* 1 + the index in calcs of code, or 0 when fangkong does not compute it (yet). */
static int calc_of(const char *code)
{
    size_t i;

    for (i = 0; i < sizeof calcs / sizeof calcs[0]; i++)
        if (strcmp(code, calcs[i].code) == 0)
            return (int)i + 1;
    return 0;
}

static void calc_fini(struct calc *k)
{
    free(k->rounds);
    fk_table_free(k->tat);
    if (k->own_vax)
        fk_vax_free(k->vax);
    if (k->own_tracer)
        fk_tracer_free(k->tracer);
    if (k->own_reports)
        fk_reports_free(k->reports);
}

static int on_score(void *ud, const struct fk_record_value *v, size_t n)
{
    struct walk *w = ud;
    struct item *it;
    enum fk_level level;
    int32_t glo, ghi;
    const char *name;
    int64_t ind, reg;
    int added;
    char norm[24];

    if (n < 6 || !v[0].s || !v[1].s || !v[2].s)
        return FK_OK;
    w->nrows++;
    if (!w->period) { /* the first walk: the latest period */
        if (strcmp(v[2].s, w->latest) > 0)
            fk_strlcpy(w->latest, v[2].s, sizeof w->latest);
        return FK_OK;
    }
    if (strcmp(v[2].s, w->period) != 0 || (fk_score_computed(v[0].s) && !calc_of(v[0].s)))
        return FK_OK;
    ind = fk_strmap_find(w->inds, v[0].s, strlen(v[0].s));
    if (ind < 0 || fk_engine_region_info(w->eng, v[1].s, &glo, &ghi, &level, &name) != FK_OK ||
        level != w->by)
        return FK_OK;
    reg = fk_strmap_intern(w->regions, v[1].s, strlen(v[1].s), &added);
    if (reg < 0 ||
        fk_vec_grow((void **)&w->items, &w->capitems, w->nitems + 1, sizeof *w->items) != FK_OK)
        return FK_ENOMEM;
    it = &w->items[w->nitems++];
    memset(it, 0, sizeof *it);
    it->ind = ind;
    it->region = reg;
    num(&v[3], &it->target, it->target_s);
    it->computed = calc_of(v[0].s);
    if (!it->computed) /* a computed one's actual in the file is ignored */
        num(&v[4], &it->actual, it->actual_s);
    num(&v[5], &it->bonus, norm);
    return FK_OK;
}

static const struct fk_col rank_cols[] = {
    {"rank", FK_COL_INT},   {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"score", FK_COL_REAL}, {"grade", FK_COL_TEXT},  {"veto", FK_COL_TEXT},
};
static const struct fk_col detail_cols[] = {
    {"region", FK_COL_TEXT},
    {"indicator", FK_COL_TEXT},
    {"target", FK_COL_REAL},
    {"actual", FK_COL_REAL},
    {"r", FK_COL_REAL},
    /* detail 2: what a page shows beside the codes, and whether fangkong computed the actual */
    {"name", FK_COL_TEXT},
    {"category", FK_COL_TEXT},
    {"weight", FK_COL_REAL},
    {"direction", FK_COL_TEXT},
    {"veto", FK_COL_INT},
    {"computed", FK_COL_INT},
};

/* Orders the items by region code, then indicator code: the detail's order. */
static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    int c = strcmp(x->rcode, y->rcode);

    return c ? c : strcmp(x->icode, y->icode);
}

static int detail_rows(const struct walk *w, const struct fk_score_rule *rule, fk_table *t);

static void walk_fini(struct walk *w)
{
    size_t i;

    free(w->items);
    for (i = 0; i < w->nind; i++)
        free(w->ind[i].name);
    free(w->ind);
    fk_strmap_free(w->regions);
    fk_strmap_free(w->inds);
}

/* The period's items of level a->by into w, sorted by region then indicator, their computed
 * actuals filled (an item without data dropped). With explain (a region code) the rows behind
 * each of its items go to rows[] (EXPLAIN_ROWS; in the order of its items kept, NULL for one not
 * computed). */
static int collect(fk_store *st, fk_engine *eng, const struct fk_profile *p,
                   const struct fk_assess_ask *a, const char *explain, struct walk *w,
                   char *period_out, size_t cap, fk_table **rows, char *err, size_t errlen)
{
    const char *period = a->period;
    struct calc k;
    size_t i, kept, nx = 0;
    int rc;

    memset(w, 0, sizeof *w);
    memset(&k, 0, sizeof k);
    w->eng = eng;
    w->by = a->by;
    w->inds = fk_strmap_new();
    w->regions = fk_strmap_new();
    if (!w->inds || !w->regions)
        return FK_ENOMEM;
    rc = fk_store_each_record(st, FK_IMPORT_INDICATORS, on_indicator, w);
    if (rc == FK_EINVAL)
        snprintf(err, errlen, "an indicator's stored weight is not a number above 0");
    if (rc != FK_OK)
        return rc;
    if (!period) {
        rc = fk_store_each_record(st, FK_IMPORT_SCORES, on_score, w);
        if (rc != FK_OK)
            return rc;
        if (w->nrows == 0) {
            snprintf(err, errlen,
                     "no scores yet: import indicators and scores first (fangkong "
                     "import indicators FILE; fangkong import scores FILE)");
            return FK_ENOENT;
        }
        period = w->latest;
    }
    w->period = period;
    if (period_out)
        fk_strlcpy(period_out, period, cap);
    rc = fk_store_each_record(st, FK_IMPORT_SCORES, on_score, w);
    if (rc != FK_OK)
        return rc;
    for (i = 0; i < w->nitems; i++) {
        w->items[i].rcode = fk_strmap_key(w->regions, w->items[i].region);
        w->items[i].icode = fk_strmap_key(w->inds, w->items[i].ind);
    }
    if (w->nitems > 1)
        qsort(w->items, w->nitems, sizeof *w->items, item_cmp);
    /* the computed actuals, over the period's window up to now */
    k.st = st;
    k.eng = eng;
    k.p = p;
    k.src = a->src;
    k.window = fk_period_window(period, &k.from, &k.to) == FK_OK;
    if (k.window && a->now && a->now < k.to)
        k.to = a->now + 1;
    for (i = kept = 0; rc == FK_OK && i < w->nitems; i++) {
        struct item *it = &w->items[i];
        int have = 0, mine = rows && explain && strcmp(it->rcode, explain) == 0;

        if (it->computed && k.window) {
            fk_table **behind = mine && nx < EXPLAIN_ROWS ? &rows[nx] : NULL;

            rc = calcs[it->computed - 1].fn(&k, it->rcode, &it->actual, &have, behind, err, errlen);
            snprintf(it->actual_s, sizeof it->actual_s, "%.2f", it->actual);
            if (rc == FK_OK && !have && behind) {
                fk_table_free(*behind);
                *behind = NULL;
            }
        }
        if (it->computed && !have)
            continue;
        nx += mine;
        w->items[kept++] = *it;
    }
    w->nitems = kept;
    calc_fini(&k);
    return rc;
}

/* A score in cents as shown: 2 decimals, exact. */
static void cents_text(int64_t cents, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%lld.%02lld", cents < 0 ? "-" : "", (long long)(llabs(cents) / 100),
             (long long)(llabs(cents) % 100));
}

/* The meeting's table (detail 3): a view that owns its columns (one per indicator scored, named
 * by the indicator's name) and its cells. */
struct meeting {
    struct fk_col *cols;
    char **names; /* the indicator columns' names, owned */
    size_t ncols;
    char **cells; /* nrows × ncols, owned; NULL: empty */
    size_t nrows;
};

static void meeting_free(void *ud)
{
    struct meeting *m = ud;
    size_t i;

    if (!m)
        return;
    for (i = 0; m->cells && i < m->nrows * m->ncols; i++)
        free(m->cells[i]);
    for (i = 0; m->names && i < m->ncols; i++)
        free(m->names[i]);
    free(m->names);
    free(m->cells);
    free(m->cols);
    free(m);
}

static void meeting_row(const void *ud, size_t row, const char **v, char *scratch)
{
    const struct meeting *m = ud;
    size_t c;

    (void)scratch;
    for (c = 0; c < m->ncols; c++)
        v[c] = m->cells[row * m->ncols + c];
}

static int put_cell(struct meeting *m, size_t row, size_t col, const char *text)
{
    char **cell = &m->cells[row * m->ncols + col];

    free(*cell);
    *cell = strdup(text ? text : "");
    return *cell ? FK_OK : FK_ENOMEM;
}

static const struct fk_col meeting_head[] = {
    {"rank", FK_COL_INT}, {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}};
static const struct fk_col meeting_tail[] = {
    {"bonus", FK_COL_REAL}, {"score", FK_COL_REAL}, {"grade", FK_COL_TEXT}, {"veto", FK_COL_TEXT}};

/* rank,region,name, then per indicator (in the indicators' order, those with items) the points
 * it earned (100 × w × r / Σw of the region, 2 decimals; empty when the region has no item of
 * it), then bonus (capped), score, grade, veto; rows in rank order (rk sorted). */
static int meeting_table(const struct walk *w, const struct fk_score_rank *rk, size_t nreg,
                         const struct fk_score_rule *rule, const fk_engine *eng, const char *within,
                         fk_table **out)
{
    struct meeting *m = calloc(1, sizeof *m);
    size_t *colof = calloc(w->nind + 1, sizeof *colof), i, r, j, k, nind = 0;
    int rc = m && colof ? FK_OK : FK_ENOMEM;

    for (i = 0; rc == FK_OK && i < w->nitems; i++)
        colof[w->items[i].ind] = 1;
    for (i = 0; rc == FK_OK && i < w->nind; i++)
        if (colof[i])
            colof[i] = 3 + nind++;
    if (rc == FK_OK) {
        m->ncols = 3 + nind + 4;
        m->cols = calloc(m->ncols, sizeof *m->cols);
        m->cells = calloc(m->ncols * (nreg ? nreg : 1), sizeof *m->cells);
        m->names = calloc(m->ncols, sizeof *m->names);
        rc = m->cols && m->cells && m->names ? FK_OK : FK_ENOMEM;
    }
    if (rc == FK_OK) {
        memcpy(m->cols, meeting_head, sizeof meeting_head);
        for (i = 0; rc == FK_OK && i < w->nind; i++) {
            if (!colof[i])
                continue;
            m->names[colof[i]] = strdup(w->ind[i].name);
            if (!m->names[colof[i]])
                rc = FK_ENOMEM;
            else
                m->cols[colof[i]] = (struct fk_col){m->names[colof[i]], FK_COL_REAL};
        }
        memcpy(m->cols + 3 + nind, meeting_tail, sizeof meeting_tail);
    }
    for (r = 0, k = 0; rc == FK_OK && r < nreg; r++) {
        double sw = 0, bonus = 0;
        const char *name = "";
        enum fk_level level;
        int32_t glo, ghi;
        char num[48];

        if (within && *within && !fk_engine_region_inside(eng, rk[r].region, within))
            continue;
        m->nrows = ++k;
        for (j = 0; j < w->nitems; j++)
            if (strcmp(w->items[j].rcode, rk[r].region) == 0)
                sw += w->ind[w->items[j].ind].weight;
        for (j = 0; rc == FK_OK && j < w->nitems; j++) {
            const struct item *it = &w->items[j];
            const struct indicator *in = &w->ind[it->ind];
            struct fk_score_item one = {in->weight, in->lower, in->veto, it->target, it->actual};

            if (strcmp(it->rcode, rk[r].region) != 0)
                continue;
            bonus += it->bonus;
            snprintf(num, sizeof num, "%.2f",
                     sw > 0 ? 100 * in->weight * fk_score_ratio(&one, rule->cap) / sw : 0);
            rc = put_cell(m, k - 1, colof[it->ind], num);
        }
        fk_engine_region_info(eng, rk[r].region, &glo, &ghi, &level, &name);
        snprintf(num, sizeof num, "%d", rk[r].rank);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 0, num);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 1, rk[r].region);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 2, name);
        snprintf(num, sizeof num, "%.2f", bonus < rule->bonus_cap ? bonus : rule->bonus_cap);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 3 + nind, num);
        cents_text(rk[r].res.cents, num, sizeof num);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 4 + nind, num);
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 5 + nind, fk_grade_name(rk[r].res.grade));
        if (rc == FK_OK)
            rc = put_cell(m, k - 1, 6 + nind,
                          rk[r].res.veto ? fk_strmap_key(w->inds, (int64_t)rk[r].res.veto_item)
                                         : "");
    }
    free(colof);
    if (rc != FK_OK) {
        meeting_free(m);
        return rc;
    }
    return fk_table_new_view(m->cols, m->ncols, m->nrows, meeting_row, m, meeting_free, out);
}

/* Each region's run of items (w sorted by region) scored, then ranked: *rk (*nreg of them, the
 * caller frees it) in rank order. */
static int rank_regions(const struct walk *w, const struct fk_score_rule *rule,
                        struct fk_score_rank **rk_out, size_t *nreg, char *err, size_t errlen)
{
    struct fk_score_item *si = calloc(w->nitems ? w->nitems : 1, sizeof *si);
    struct fk_score_rank *rk = calloc(fk_strmap_size(w->regions) + 1, sizeof *rk);
    size_t i, j, k;
    int rc = si && rk ? FK_OK : FK_ENOMEM;

    for (i = 0, k = 0; rc == FK_OK && i < w->nitems; i = j, k++) {
        double bonus = 0;

        for (j = i; j < w->nitems && w->items[j].region == w->items[i].region; j++) {
            const struct indicator *in = &w->ind[w->items[j].ind];

            si[j - i] = (struct fk_score_item){in->weight, in->lower, in->veto, w->items[j].target,
                                               w->items[j].actual};
            bonus += w->items[j].bonus;
        }
        rk[k].region = w->items[i].rcode;
        rc = fk_score_region(si, j - i, bonus, rule, &rk[k].res);
        if (rc != FK_OK)
            snprintf(err, errlen, "region %s: a target or actual is not a number", rk[k].region);
        else if (rk[k].res.veto)
            rk[k].res.veto_item = (size_t)w->items[i + rk[k].res.veto_item].ind;
    }
    free(si);
    if (rc != FK_OK) {
        free(rk);
        return rc;
    }
    fk_score_rank_sort(rk, k);
    *rk_out = rk;
    *nreg = k;
    return FK_OK;
}

/* The ranking row of rk into t (rank_cols). */
static int add_rank_row(fk_table *t, const struct walk *w, const struct fk_score_rank *rk)
{
    char rank[16], score[32];
    const char *vals[6], *name = "";
    enum fk_level level;
    int32_t glo, ghi;

    fk_engine_region_info(w->eng, rk->region, &glo, &ghi, &level, &name);
    snprintf(rank, sizeof rank, "%d", rk->rank);
    cents_text(rk->res.cents, score, sizeof score);
    vals[0] = rank;
    vals[1] = rk->region;
    vals[2] = name ? name : "";
    vals[3] = score;
    vals[4] = fk_grade_name(rk->res.grade);
    vals[5] = rk->res.veto ? fk_strmap_key(w->inds, (int64_t)rk->res.veto_item) : "";
    return fk_table_add(t, vals);
}

/* The message of an error the functions below return. */
static void fail_text(int rc, char *err, size_t errlen)
{
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == FK_EDB && !*err)
        snprintf(err, errlen, "the store failed while reading the scores");
}

int fk_assess_score(fk_store *st, fk_engine *eng, const struct fk_profile *p,
                    const struct fk_assess_ask *a, char *period_out, size_t cap, fk_table **out,
                    char *err, size_t errlen)
{
    struct walk w;
    struct fk_score_rule rule;
    struct fk_score_rank *rk = NULL;
    fk_table *t = NULL;
    size_t nreg = 0, i;
    int rc;

    *out = NULL;
    if (errlen)
        err[0] = '\0';
    fk_score_rule_of(p, &rule);
    rc = collect(st, eng, p, a, NULL, &w, period_out, cap, NULL, err, errlen);
    if (rc == FK_OK)
        rc = rank_regions(&w, &rule, &rk, &nreg, err, errlen);
    if (rc == FK_OK && a->detail == 3)
        rc = meeting_table(&w, rk, nreg, &rule, eng, a->within, &t);
    else if (rc == FK_OK && a->detail)
        rc = fk_table_new(detail_cols, a->detail > 1 ? 11 : 5, &t);
    else if (rc == FK_OK)
        rc = fk_table_new(rank_cols, 6, &t);
    if (rc == FK_OK && a->detail && a->detail != 3)
        rc = detail_rows(&w, &rule, t);
    for (i = 0; rc == FK_OK && !a->detail && i < nreg; i++)
        rc = add_rank_row(t, &w, &rk[i]);
    if (rc == FK_OK) {
        *out = t;
        t = NULL;
    }
    fail_text(rc, err, errlen);
    fk_table_free(t);
    free(rk);
    walk_fini(&w);
    return rc;
}

/* One detail row per item (11 columns; t may have the first 5 only). */
static int detail_rows(const struct walk *w, const struct fk_score_rule *rule, fk_table *t)
{
    size_t i;
    int rc = FK_OK;

    for (i = 0; i < w->nitems && rc == FK_OK; i++) {
        const struct item *it = &w->items[i];
        const struct indicator *in = &w->ind[it->ind];
        struct fk_score_item one = {in->weight, in->lower, in->veto, it->target, it->actual};
        char r[32];
        const char *vals[11];

        snprintf(r, sizeof r, "%.4f", fk_score_ratio(&one, rule->cap));
        vals[0] = it->rcode;
        vals[1] = it->icode;
        vals[2] = it->target_s;
        vals[3] = it->actual_s;
        vals[4] = r;
        vals[5] = in->name;
        vals[6] = fk_indicator_category_name(in->category);
        vals[7] = in->wtext;
        vals[8] = fk_score_direction_name(in->lower);
        vals[9] = in->veto ? "1" : "0";
        vals[10] = it->computed ? "1" : "0";
        rc = fk_table_add(t, vals);
    }
    return rc;
}

int fk_assess_explain(fk_store *st, fk_engine *eng, const struct fk_profile *p,
                      const struct fk_assess_ask *a, const char *region,
                      struct fk_assess_explain *out, char *err, size_t errlen)
{
    struct fk_assess_ask own = *a;
    struct walk w;
    struct fk_score_rule rule;
    struct fk_score_rank *rk = NULL;
    fk_table *rows[EXPLAIN_ROWS];
    size_t i, first, j = 0, nreg = 0;
    int rc;

    memset(out, 0, sizeof *out);
    memset(rows, 0, sizeof rows);
    if (errlen)
        err[0] = '\0';
    fk_score_rule_of(p, &rule);
    /* every region of its level, scored once: its rank among them, its items and rows behind */
    own.by = fk_engine_region_level(eng, region);
    rc = collect(st, eng, p, &own, region, &w, out->period, sizeof out->period, rows, err, errlen);
    if (rc == FK_OK)
        rc = rank_regions(&w, &rule, &rk, &nreg, err, errlen);
    for (i = 0; rc == FK_OK && i < nreg && strcmp(rk[i].region, region) != 0; i++)
        ;
    if (rc == FK_OK && i == nreg) {
        snprintf(err, errlen, "no scores of %s in period %s (fangkong score --detail lists them)",
                 region, out->period);
        rc = FK_ENOENT;
    }
    if (rc == FK_OK)
        rc = fk_table_new(rank_cols, 6, &out->rank);
    if (rc == FK_OK)
        rc = add_rank_row(out->rank, &w, &rk[i]);
    if (rc == FK_OK)
        rc = fk_table_new(detail_cols, 11, &out->items);
    /* the region's items: a run of the sorted items, the rows behind them in the same order */
    for (first = 0; first < w.nitems && strcmp(w.items[first].rcode, region) != 0; first++)
        ;
    while (rc == FK_OK && first + j < w.nitems && strcmp(w.items[first + j].rcode, region) == 0)
        j++;
    if (rc == FK_OK) {
        struct walk mine = w;

        mine.items = w.items + first;
        mine.nitems = j;
        rc = detail_rows(&mine, &rule, out->items);
    }
    for (i = 0; i < EXPLAIN_ROWS; i++) {
        if (rc == FK_OK && rows[i] && out->n < FK_ASSESS_EXPLAIN_MAX && i < j) {
            fk_strlcpy(out->name[out->n], w.items[first + i].icode, sizeof out->name[0]);
            out->rows[out->n++] = rows[i];
        } else {
            fk_table_free(rows[i]);
        }
    }
    free(rk);
    walk_fini(&w);
    if (rc != FK_OK) {
        fail_text(rc, err, errlen);
        fk_assess_explain_fini(out);
    }
    return rc;
}

void fk_assess_explain_fini(struct fk_assess_explain *x)
{
    size_t i;

    fk_table_free(x->rank);
    fk_table_free(x->items);
    for (i = 0; i < x->n; i++)
        fk_table_free(x->rows[i]);
    memset(x, 0, sizeof *x);
}
