/* SPDX-License-Identifier: MIT */
/* Closed-loop transfers read from the store (fk/transfer_list.h): the list and the summary per
 * region. Transfers are few (thousands a city at the worst), so each answer walks them once with
 * the persons' names and grids joined in (fk_store_each_transfer) and works on the array; no index
 * is kept. Regions' names and nesting come from the engine: a region is a range of grid indexes,
 * so the region of level `by` that holds a person is the one whose range holds the person's
 * grid. */
#include "fk/transfer_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/time.h"
#include "fk/vec.h"

/* One person of a task, its strings its own. */
struct row {
    char *task, *idn, *name, *from, *to, *vehicle, *escort, *grid;
    int from_kind, to_kind;
    int64_t planned, picked_up, handed_over, late_by;
    enum fk_transfer_state state;
};

struct load {
    const struct fk_profile *p;
    int64_t now;
    struct row *rows;
    size_t n, cap;
};

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

static void rows_free(struct row *rows, size_t n)
{
    size_t i;

    for (i = 0; rows && i < n; i++) {
        free(rows[i].task);
        free(rows[i].idn);
        free(rows[i].name);
        free(rows[i].from);
        free(rows[i].to);
        free(rows[i].vehicle);
        free(rows[i].escort);
        free(rows[i].grid);
    }
    free(rows);
}

static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load *l = ud;
    struct row *r;

    if (n < FK_TRANSFER_NVALUES)
        return FK_OK;
    if (fk_vec_grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != FK_OK)
        return FK_ENOMEM;
    r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->task = dup_or_empty(v[FK_TRANSFER_V_TASK].s);
    r->idn = dup_or_empty(v[FK_TRANSFER_V_ID_NUMBER].s);
    r->name = dup_or_empty(v[FK_TRANSFER_V_NAME].s);
    r->from = dup_or_empty(v[FK_TRANSFER_V_FROM].s);
    r->to = dup_or_empty(v[FK_TRANSFER_V_TO].s);
    r->vehicle = dup_or_empty(v[FK_TRANSFER_V_VEHICLE].s);
    r->escort = dup_or_empty(v[FK_TRANSFER_V_ESCORT].s);
    r->grid = dup_or_empty(v[FK_TRANSFER_V_GRID].s);
    if (!r->task || !r->idn || !r->name || !r->from || !r->to || !r->vehicle || !r->escort ||
        !r->grid)
        return FK_ENOMEM;
    r->from_kind = (int)v[FK_TRANSFER_V_FROM_KIND].i;
    r->to_kind = (int)v[FK_TRANSFER_V_TO_KIND].i;
    r->planned = v[FK_TRANSFER_V_PLANNED].i;
    /* What happened after now is not known as of now. */
    r->picked_up = v[FK_TRANSFER_V_PICKED_UP].i <= l->now ? v[FK_TRANSFER_V_PICKED_UP].i : 0;
    r->handed_over = v[FK_TRANSFER_V_HANDED_OVER].i <= l->now ? v[FK_TRANSFER_V_HANDED_OVER].i : 0;
    r->state = fk_transfer_state_at(r->planned, l->p->transfer_slack_minutes, r->picked_up,
                                    r->handed_over, l->now, &r->late_by);
    return FK_OK;
}

/* Every transfer with its state as of now, in the store's order (task, ID number). */
static int load(fk_store *st, const struct fk_profile *p, int64_t now, struct load *l, char *err,
                size_t errlen)
{
    int rc;

    memset(l, 0, sizeof *l);
    l->p = p;
    l->now = now;
    rc = fk_store_each_transfer(st, NULL, -1, load_row, l);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "reading the transfers: %s", fk_store_errmsg(st));
    return rc;
}

static int by_urgency(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c;

    if (x->state != y->state)
        return x->state < y->state ? -1 : 1;
    if (x->planned != y->planned)
        return x->planned < y->planned ? -1 : 1;
    c = strcmp(x->task, y->task);
    return c ? c : strcmp(x->idn, y->idn);
}

static char *time_or_empty(int64_t t, char *buf)
{
    if (!t) {
        buf[0] = '\0';
        return buf;
    }
    return fk_time_render(t, buf);
}

static const struct fk_col list_cols[] = {
    {"task", FK_COL_TEXT},        {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"from", FK_COL_TEXT},        {"to", FK_COL_TEXT},        {"vehicle", FK_COL_TEXT},
    {"escort", FK_COL_TEXT},      {"planned", FK_COL_TEXT},   {"picked_up", FK_COL_TEXT},
    {"handed_over", FK_COL_TEXT}, {"state", FK_COL_TEXT},     {"late_by", FK_COL_INT},
    {"from_kind", FK_COL_TEXT},   {"to_kind", FK_COL_TEXT},   {"grid", FK_COL_TEXT}};

int fk_transfer_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                     const struct fk_transfer_query *q, int64_t now, fk_table **out, char *err,
                     size_t errlen)
{
    struct load l;
    fk_table *t = NULL;
    size_t i;
    int rc;

    *out = NULL;
    memset(&l, 0, sizeof l);
    if (q->region && fk_engine_region_level(e, q->region) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", q->region);
        return FK_ENOENT;
    }
    rc = load(st, p, now, &l, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (l.n > 1)
        qsort(l.rows, l.n, sizeof *l.rows, by_urgency);
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < l.n; i++) {
        const struct row *r = &l.rows[i];
        char pl[FK_TIME_RENDER_MAX], pu[FK_TIME_RENDER_MAX], ho[FK_TIME_RENDER_MAX], late[24];
        const char *vals[15];

        if (q->open && r->handed_over)
            continue;
        if (q->overdue && r->state != FK_TRANSFER_OVERDUE && r->state != FK_TRANSFER_GAP)
            continue;
        if (q->region && !fk_engine_region_inside(e, r->grid, q->region))
            continue;
        snprintf(late, sizeof late, "%lld", (long long)r->late_by);
        vals[0] = r->task;
        vals[1] = r->idn;
        vals[2] = r->name;
        vals[3] = r->from;
        vals[4] = r->to;
        vals[5] = r->vehicle;
        vals[6] = r->escort;
        vals[7] = time_or_empty(r->planned, pl);
        vals[8] = time_or_empty(r->picked_up, pu);
        vals[9] = time_or_empty(r->handed_over, ho);
        vals[10] = fk_transfer_state_name(r->state);
        vals[11] = late;
        vals[12] = fk_transfer_from_name(r->from_kind);
        vals[13] = fk_transfer_to_name(r->to_kind);
        vals[14] = r->grid;
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
out:
    rows_free(l.rows, l.n);
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
    size_t last_task; /* the number of the last task counted here, 0 for none */
    int64_t tasks, persons, state[FK_TRANSFER_NSTATES];
};

struct sum {
    struct sum_region *r;
    size_t n, cap;
};

static int each_level_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct sum *s = ud;
    struct sum_region *r;

    if (fk_vec_grow((void **)&s->r, &s->cap, s->n + 1, sizeof *s->r) != FK_OK)
        return FK_ENOMEM;
    r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", code);
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    r->lo = glo;
    r->hi = ghi;
    return FK_OK;
}

/* The row of s whose grid range holds grid code g, or -1. */
static long row_of(const struct sum *s, const fk_engine *e, const char *g)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name = NULL;
    size_t i;

    if (fk_engine_region_info(e, g, &lo, &hi, &lv, &name) != FK_OK)
        return -1;
    for (i = 0; i < s->n; i++)
        if (lo >= s->r[i].lo && lo < s->r[i].hi)
            return (long)i;
    return -1;
}

static const struct fk_col sum_cols[] = {{"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
                                         {"tasks", FK_COL_INT},   {"persons", FK_COL_INT},
                                         {"done", FK_COL_INT},    {"in_transit", FK_COL_INT},
                                         {"overdue", FK_COL_INT}, {"gap", FK_COL_INT},
                                         {"late", FK_COL_INT},    {"planned", FK_COL_INT}};

int fk_transfer_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                       const char *within, enum fk_level by, int64_t now, fk_table **out, char *err,
                       size_t errlen)
{
    /* The summary's state columns, in their order. */
    static const enum fk_transfer_state shown[6] = {FK_TRANSFER_DONE,    FK_TRANSFER_IN_TRANSIT,
                                                    FK_TRANSFER_OVERDUE, FK_TRANSFER_GAP,
                                                    FK_TRANSFER_LATE,    FK_TRANSFER_PLANNED};
    struct sum s = {NULL, 0, 0};
    struct load l;
    fk_table *t = NULL;
    size_t i, k, task_no = 0;
    int rc;

    *out = NULL;
    memset(&l, 0, sizeof l);
    if (within && fk_engine_region_level(e, within) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    rc = fk_engine_each_region(e, within, by, each_level_region, &s);
    if (rc == FK_OK)
        rc = load(st, p, now, &l, err, errlen);
    for (i = 0; rc == FK_OK && i < l.n; i++) {
        const struct row *r = &l.rows[i];
        struct sum_region *g;
        long j;

        /* The walk is in task order: a new task code starts a new task number. */
        if (i == 0 || strcmp(r->task, l.rows[i - 1].task) != 0)
            task_no++;
        j = row_of(&s, e, r->grid);
        if (j < 0)
            continue;
        g = &s.r[j];
        if (g->last_task != task_no) {
            g->last_task = task_no;
            g->tasks++;
        }
        g->persons++;
        g->state[r->state]++;
    }
    if (rc == FK_OK)
        rc = fk_table_new(sum_cols, sizeof sum_cols / sizeof sum_cols[0], &t);
    for (i = 0; rc == FK_OK && i < s.n; i++) {
        char num[8][24];
        const char *vals[10] = {s.r[i].code, s.r[i].name};

        snprintf(num[0], sizeof num[0], "%lld", (long long)s.r[i].tasks);
        snprintf(num[1], sizeof num[1], "%lld", (long long)s.r[i].persons);
        for (k = 0; k < 6; k++)
            snprintf(num[k + 2], sizeof num[k + 2], "%lld", (long long)s.r[i].state[shown[k]]);
        for (k = 0; k < 8; k++)
            vals[k + 2] = num[k];
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    rows_free(l.rows, l.n);
    free(s.r);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}
