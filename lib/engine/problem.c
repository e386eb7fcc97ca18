/* SPDX-License-Identifier: MIT */
/* Supervision problems read from the store (fk/problem_list.h): the list, the summary per region,
 * the history and the problems_on_time indicator. Problems are few (hundreds a city), so each
 * answer loads them from the store (the export walk of the problems type) and works on the array;
 * no index is kept. Regions' names, levels and nesting come from the engine: a region is a range
 * of grid indexes, so the region of level `by` that holds a problem's region is the one whose
 * range holds its first grid. */
#include "fk/problem_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/time.h"
#include "fk/vec.h"

static char *dup_or_empty(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *d = malloc(n + 1);

    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void fk_problem_rows_free(struct fk_problem_row *rows, size_t n)
{
    size_t i;

    if (!rows)
        return;
    for (i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].region);
        free(rows[i].description);
        free(rows[i].unit);
        free(rows[i].inspection);
        free(rows[i].note);
    }
    free(rows);
}

struct load {
    const char *id;
    struct fk_problem_row *rows;
    size_t n, cap;
};

/* A problem's export row: id, found, region, description, unit, deadline, status, closed,
 * inspection, note (then the scope's region). */
static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load *l = ud;
    struct fk_problem_row *r;

    if (n < 10 || !v[0].s || (l->id && strcmp(l->id, v[0].s) != 0))
        return FK_OK;
    if (fk_vec_grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != FK_OK)
        return FK_ENOMEM;
    r = &l->rows[l->n];
    memset(r, 0, sizeof *r);
    l->n++;
    r->id = dup_or_empty(v[0].s);
    r->found = v[1].i;
    r->region = dup_or_empty(v[2].s);
    r->description = dup_or_empty(v[3].s);
    r->unit = dup_or_empty(v[4].s);
    r->deadline = v[5].i;
    r->status = v[6].i >= 0 && v[6].i < FK_PROBLEM_NSTATUS ? (enum fk_problem_status)v[6].i
                                                           : FK_PROBLEM_OPEN;
    r->closed = v[7].i;
    r->inspection = dup_or_empty(v[8].s);
    r->note = dup_or_empty(v[9].s);
    if (!r->id || !r->region || !r->description || !r->unit || !r->inspection || !r->note)
        return FK_ENOMEM;
    return FK_OK;
}

int fk_problem_load(fk_store *st, const char *id, struct fk_problem_row **out, size_t *n)
{
    struct load l = {id, NULL, 0, 0};
    int rc = fk_store_each_record(st, FK_IMPORT_PROBLEMS, load_row, &l);

    *out = NULL;
    *n = 0;
    if (rc != FK_OK) {
        fk_problem_rows_free(l.rows, l.n);
        return rc;
    }
    *out = l.rows;
    *n = l.n;
    return FK_OK;
}

static int loaded(fk_store *st, struct fk_problem_row **rows, size_t *n, char *err, size_t errlen)
{
    int rc = fk_problem_load(st, NULL, rows, n);

    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "reading the problems: %s", fk_store_errmsg(st));
    return rc;
}

static char *time_or_empty(int64_t t, char *buf)
{
    if (!t) {
        buf[0] = '\0';
        return buf;
    }
    return fk_time_render(t, buf);
}

static const char *region_name(const fk_engine *e, const char *code)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name = NULL;

    if (fk_engine_region_info(e, code, &lo, &hi, &lv, &name) != FK_OK || !name)
        return "";
    return name;
}

static const struct fk_col list_cols[] = {
    {"id", FK_COL_TEXT},       {"found", FK_COL_TEXT},       {"region", FK_COL_TEXT},
    {"region_name", FK_COL_TEXT}, {"unit", FK_COL_TEXT},     {"description", FK_COL_TEXT},
    {"deadline", FK_COL_TEXT}, {"status", FK_COL_TEXT},      {"closed", FK_COL_TEXT},
    {"overdue", FK_COL_INT},   {"days_over", FK_COL_INT}};

int fk_problem_list(fk_store *st, const fk_engine *e, const struct fk_problem_query *q,
                    int64_t now, fk_table **out, char *err, size_t errlen)
{
    struct fk_problem_row *rows = NULL;
    fk_table *t = NULL;
    size_t n = 0, i;
    int rc;

    *out = NULL;
    if (q->region && fk_engine_region_level(e, q->region) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", q->region);
        return FK_ENOENT;
    }
    rc = loaded(st, &rows, &n, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const struct fk_problem_row *r = &rows[i];
        char f[FK_TIME_RENDER_MAX], d[FK_TIME_RENDER_MAX], c[FK_TIME_RENDER_MAX], od[4], days[24];
        const char *vals[11];
        int64_t over;
        int late;

        if (r->found > now || (q->status >= 0 && (int)r->status != q->status) ||
            (q->id && strcmp(q->id, r->id) != 0))
            continue;
        if (q->region && !fk_engine_region_inside(e, r->region, q->region))
            continue;
        late = fk_problem_overdue(r->deadline, r->status, r->closed, now, &over);
        if (q->overdue && !late)
            continue;
        snprintf(od, sizeof od, "%d", late);
        snprintf(days, sizeof days, "%lld", (long long)over);
        vals[0] = r->id;
        vals[1] = time_or_empty(r->found, f);
        vals[2] = r->region;
        vals[3] = region_name(e, r->region);
        vals[4] = r->unit;
        vals[5] = r->description;
        vals[6] = time_or_empty(r->deadline, d);
        vals[7] = fk_problem_status_name(r->status);
        vals[8] = r->status == FK_PROBLEM_CLOSED ? time_or_empty(r->closed, c) : "";
        vals[9] = od;
        vals[10] = days;
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
out:
    fk_problem_rows_free(rows, n);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the summary ---- */

struct sum_region {
    char code[FK_REGION_CODE_MAX], name[256];
    int32_t lo, hi;
    int64_t found, on_time, late, open, overdue;
};

struct sum {
    struct sum_region *r;
    size_t n, cap;
};

static int add_region(struct sum *s, const char *code, const char *name, int32_t lo, int32_t hi)
{
    struct sum_region *r;

    if (fk_vec_grow((void **)&s->r, &s->cap, s->n + 1, sizeof *s->r) != FK_OK)
        return FK_ENOMEM;
    r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", code);
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    r->lo = lo;
    r->hi = hi;
    return FK_OK;
}

static int each_level_region(void *ud, const char *code, const char *name, int32_t glo,
                             int32_t ghi)
{
    return add_region(ud, code, name, glo, ghi);
}

/* The row of s that holds problem region code (of level lv, grid range [lo, hi)), adding a row of
 * its own for a region above the summary's level; -1 when none (outside within) or no memory
 * (*rc set). */
static long row_of(struct sum *s, size_t nlevel, const fk_engine *e, const char *code,
                   enum fk_level by, int *rc)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name = NULL;
    size_t i;

    if (fk_engine_region_info(e, code, &lo, &hi, &lv, &name) != FK_OK)
        return -1;
    if (lv >= by) {
        for (i = 0; i < nlevel; i++) {
            if (lo < hi ? (lo >= s->r[i].lo && lo < s->r[i].hi)
                        : fk_engine_region_inside(e, code, s->r[i].code))
                return (long)i;
        }
        return -1;
    }
    for (i = nlevel; i < s->n; i++)
        if (strcmp(s->r[i].code, code) == 0)
            return (long)i;
    *rc = add_region(s, code, name, lo, hi);
    return *rc == FK_OK ? (long)s->n - 1 : -1;
}

static const struct fk_col sum_cols[] = {
    {"region", FK_COL_TEXT},       {"name", FK_COL_TEXT},        {"found", FK_COL_INT},
    {"closed_on_time", FK_COL_INT}, {"closed_late", FK_COL_INT}, {"open", FK_COL_INT},
    {"overdue", FK_COL_INT}};

int fk_problem_summary(fk_store *st, const fk_engine *e, const char *within, enum fk_level by,
                       int64_t now, fk_table **out, char *err, size_t errlen)
{
    struct fk_problem_row *rows = NULL;
    struct sum s = {NULL, 0, 0};
    fk_table *t = NULL;
    size_t n = 0, i, nlevel;
    int rc;

    *out = NULL;
    if (within && fk_engine_region_level(e, within) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    rc = fk_engine_each_region(e, within, by, each_level_region, &s);
    nlevel = s.n;
    if (rc == FK_OK)
        rc = loaded(st, &rows, &n, err, errlen);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const struct fk_problem_row *r = &rows[i];
        struct sum_region *g;
        long k;

        if (r->found > now || (within && !fk_engine_region_inside(e, r->region, within)))
            continue;
        k = row_of(&s, nlevel, e, r->region, by, &rc);
        if (k < 0)
            continue;
        g = &s.r[k];
        g->found++;
        if (r->status == FK_PROBLEM_CLOSED) {
            if (fk_problem_overdue(r->deadline, r->status, r->closed, now, NULL))
                g->late++;
            else
                g->on_time++;
        } else {
            g->open++;
            g->overdue += fk_problem_overdue(r->deadline, r->status, r->closed, now, NULL);
        }
    }
    if (rc == FK_OK)
        rc = fk_table_new(sum_cols, sizeof sum_cols / sizeof sum_cols[0], &t);
    for (i = 0; rc == FK_OK && i < s.n; i++) {
        char num[5][24];
        const char *vals[7] = {s.r[i].code, s.r[i].name, num[0], num[1], num[2], num[3], num[4]};

        snprintf(num[0], sizeof num[0], "%lld", (long long)s.r[i].found);
        snprintf(num[1], sizeof num[1], "%lld", (long long)s.r[i].on_time);
        snprintf(num[2], sizeof num[2], "%lld", (long long)s.r[i].late);
        snprintf(num[3], sizeof num[3], "%lld", (long long)s.r[i].open);
        snprintf(num[4], sizeof num[4], "%lld", (long long)s.r[i].overdue);
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    fk_problem_rows_free(rows, n);
    free(s.r);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the history ---- */

static const struct fk_col hist_cols[] = {{"time", FK_COL_TEXT},
                                          {"user", FK_COL_TEXT},
                                          {"from", FK_COL_TEXT},
                                          {"to", FK_COL_TEXT},
                                          {"note", FK_COL_TEXT}};

static int add_change(void *ud, const struct fk_problem_change *h)
{
    char at[FK_TIME_RENDER_MAX];
    const char *vals[5] = {fk_time_render(h->time, at), h->user, fk_problem_status_name(h->from),
                           fk_problem_status_name(h->to), h->note};

    return fk_table_add(ud, vals);
}

int fk_problem_history(fk_store *st, const char *id, fk_table **out, char *err, size_t errlen)
{
    fk_table *t = NULL;
    int rc;

    *out = NULL;
    rc = fk_table_new(hist_cols, sizeof hist_cols / sizeof hist_cols[0], &t);
    if (rc == FK_OK)
        rc = fk_store_each_problem_change(st, id, add_change, t);
    if (rc != FK_OK) {
        if (rc == FK_ENOMEM)
            snprintf(err, errlen, "out of memory");
        else
            snprintf(err, errlen, "reading the history: %s", fk_store_errmsg(st));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the indicator ---- */

static const struct fk_col ind_cols[] = {
    {"id", FK_COL_TEXT},       {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"deadline", FK_COL_TEXT}, {"status", FK_COL_TEXT}, {"closed", FK_COL_TEXT},
    {"counted", FK_COL_TEXT}};

static int by_deadline(const void *a, const void *b)
{
    const struct fk_problem_row *x = *(const struct fk_problem_row *const *)a,
                                *y = *(const struct fk_problem_row *const *)b;

    if (x->deadline != y->deadline)
        return x->deadline < y->deadline ? -1 : 1;
    return strcmp(x->id, y->id);
}

int fk_problems_on_time_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                                  const char *region, int64_t from, int64_t to, int64_t *num,
                                  int64_t *den, fk_table **rows, char *err, size_t errlen)
{
    struct fk_problem_row *all = NULL;
    const struct fk_problem_row **in = NULL;
    fk_table *t = NULL;
    size_t n = 0, k = 0, i;
    int rc;

    (void)p;
    *num = 0;
    *den = 0;
    if (rows)
        *rows = NULL;
    rc = loaded(st, &all, &n, err, errlen);
    if (rc != FK_OK)
        goto out;
    in = malloc((n ? n : 1) * sizeof *in);
    if (!in) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < n; i++) {
        const struct fk_problem_row *r = &all[i];

        if (!r->deadline || r->deadline < from || r->deadline >= to)
            continue;
        if (region && !fk_engine_region_inside(eng, r->region, region))
            continue;
        in[k++] = r;
        (*den)++;
        if (r->status == FK_PROBLEM_CLOSED && r->closed <= r->deadline)
            (*num)++;
    }
    if (!rows)
        goto out;
    if (k > 1)
        qsort(in, k, sizeof *in, by_deadline);
    rc = fk_table_new(ind_cols, sizeof ind_cols / sizeof ind_cols[0], &t);
    for (i = 0; rc == FK_OK && i < k; i++) {
        const struct fk_problem_row *r = in[i];
        char d[FK_TIME_RENDER_MAX], c[FK_TIME_RENDER_MAX];
        int closed = r->status == FK_PROBLEM_CLOSED;
        const char *vals[7] = {r->id,
                               r->region,
                               region_name(eng, r->region),
                               fk_time_render(r->deadline, d),
                               fk_problem_status_name(r->status),
                               closed ? time_or_empty(r->closed, c) : "",
                               !closed ? "open" : r->closed <= r->deadline ? "on_time" : "late"};

        rc = fk_table_add(t, vals);
    }
out:
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    free(in);
    fk_problem_rows_free(all, n);
    if (rc != FK_OK) {
        fk_table_free(t);
        *num = 0;
        *den = 0;
        return rc;
    }
    if (rows)
        *rows = t;
    return FK_OK;
}
