/* SPDX-License-Identifier: MIT */
/* Citizen requests read from the store (fk/request_list.h). Requests are few (thousands a city at
 * the worst), so each answer loads them (the export walk of the requests type) and works on the
 * array; no index is kept. The caller of a listed request is looked up by phone (one index read
 * of the persons, fk_store_search_persons) and checked against that person's control orders. */
#include "fk/request_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/regime.h"
#include "fk/str.h"
#include "fk/vec.h"
#include "listing.h"

void fk_request_rows_free(struct fk_request_row *rows, size_t n)
{
    size_t i;

    if (!rows)
        return;
    for (i = 0; i < n; i++) {
        free(rows[i].number);
        free(rows[i].phone);
        free(rows[i].region);
        free(rows[i].text);
        free(rows[i].unit);
        free(rows[i].note);
    }
    free(rows);
}

struct load {
    const char *number;
    struct fk_request_row *rows;
    size_t n, cap;
};

/* A request's export row: number, received, channel, phone, region, kind, text, unit, assigned,
 * resolved, note (then the region again, for the scope). */
static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load *l = ud;
    struct fk_request_row *r;

    if (n < 11 || !v[0].s || (l->number && strcmp(l->number, v[0].s) != 0))
        return FK_OK;
    if (fk_vec_grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != FK_OK)
        return FK_ENOMEM;
    r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->number = fk__dup(v[0].s);
    r->received = v[1].i;
    r->channel = (int)v[2].i;
    r->phone = fk__dup(v[3].s);
    r->region = fk__dup(v[4].s);
    r->kind = (int)v[5].i;
    r->text = fk__dup(v[6].s);
    r->unit = fk__dup(v[7].s);
    r->assigned = v[8].i;
    r->resolved = v[9].i;
    r->note = fk__dup(v[10].s);
    if (!r->number || !r->phone || !r->region || !r->text || !r->unit || !r->note)
        return FK_ENOMEM;
    return FK_OK;
}

int fk_request_load(fk_store *st, const char *number, struct fk_request_row **out, size_t *n)
{
    struct load l = {number, NULL, 0, 0};
    int rc = fk_store_each_record(st, FK_IMPORT_REQUESTS, load_row, &l);

    *out = NULL;
    *n = 0;
    if (rc != FK_OK) {
        fk_request_rows_free(l.rows, l.n);
        return rc;
    }
    *out = l.rows;
    *n = l.n;
    return FK_OK;
}

/* ---- the caller ---- */

struct order_at {
    int64_t t, now;
    int found, category;
};

static int on_order(void *ud, const struct fk_control_row *k)
{
    struct order_at *o = ud;
    int64_t end = k->end > o->now ? 0 : k->end;

    if (!o->found && k->start <= o->t && (end == 0 || o->t < end)) {
        o->found = 1;
        o->category = k->category;
    }
    return 0;
}

struct caller_walk {
    fk_store *st;
    const fk_engine *e;
    const char *region;
    int64_t received, now;
    struct fk_request_caller *out;
    int rc;
};

static int on_person(void *ud, const struct fk_person_row *p)
{
    struct caller_walk *w = ud;
    struct order_at o = {w->received, w->now, 0, 0};

    if (w->out->found && strcmp(p->id_number, w->out->id_number) >= 0)
        return 0;
    if (w->region && !fk_engine_region_inside(w->e, p->grid, w->region))
        return 0;
    w->rc = fk_store_each_control(w->st, p->id, on_order, &o);
    if (w->rc != FK_OK)
        return 1;
    if (o.found) {
        w->out->found = 1;
        w->out->category = o.category;
        fk_strlcpy(w->out->id_number, p->id_number, sizeof w->out->id_number);
        fk_strlcpy(w->out->name, p->name ? p->name : "", sizeof w->out->name);
    }
    return 0;
}

/* The digits of phone, a mobile number's leading 86 dropped, into out (cap bytes). */
static void phone_digits(const char *phone, char *out, size_t cap)
{
    size_t n = 0;

    for (; *phone && n + 1 < cap; phone++)
        if (*phone >= '0' && *phone <= '9')
            out[n++] = *phone;
    out[n] = '\0';
    if (n == 13 && out[0] == '8' && out[1] == '6' && out[2] == '1')
        memmove(out, out + 2, n - 1);
}

int fk_request_caller(fk_store *st, const fk_engine *e, const char *phone, int64_t received,
                      int64_t now, const char *region, struct fk_request_caller *out)
{
    struct caller_walk w = {st, e, region, received, now, out, FK_OK};
    char digits[64];
    int rc;

    memset(out, 0, sizeof *out);
    phone_digits(phone ? phone : "", digits, sizeof digits);
    if (!digits[0])
        return FK_OK;
    rc = fk_store_search_persons(st, FK_PKEY_PHONE, digits, NULL, on_person, &w);
    if (rc == FK_OK && w.rc == FK_OK && strcmp(digits, phone) != 0)
        rc = fk_store_search_persons(st, FK_PKEY_PHONE, phone, NULL, on_person, &w);
    if (w.rc != FK_OK)
        return w.rc;
    return rc == 1 ? FK_OK : rc;
}

/* ---- the list ---- */

/* A request as listed: its row and its state as of now. */
struct item {
    const struct fk_request_row *r;
    int64_t assigned, resolved, late_by, assign_by, resolve_by;
    enum fk_request_state state;
    int missed;
};

static void judge(const struct fk_profile *p, const struct fk_request_row *r, int64_t now,
                  struct item *it)
{
    it->r = r;
    it->assigned = r->assigned <= now ? r->assigned : 0;
    it->resolved = it->assigned && r->resolved <= now ? r->resolved : 0;
    it->state = fk_request_state_at(p, r->kind, r->received, it->assigned, it->resolved, now,
                                    &it->missed, &it->late_by);
    fk_request_deadlines(p, r->kind, r->received, &it->assign_by, &it->resolve_by);
}

static int by_urgency(const void *a, const void *b)
{
    const struct item *x = a, *y = b;

    if (x->state != y->state)
        return x->state < y->state ? -1 : 1;
    if (x->r->received != y->r->received)
        return x->r->received < y->r->received ? -1 : 1;
    return strcmp(x->r->number, y->r->number);
}

static int loaded(fk_store *st, const fk_engine *e, const char *region,
                  struct fk_request_row **rows, size_t *n, char *err, size_t errlen)
{
    int rc;

    *rows = NULL;
    *n = 0;
    if (region && fk_engine_region_level(e, region) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    rc = fk_request_load(st, NULL, rows, n);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "reading the requests: %s", fk_store_errmsg(st));
    return rc;
}

static const struct fk_col list_cols[] = {
    {"number", FK_COL_TEXT},    {"received", FK_COL_TEXT},   {"channel", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},     {"region", FK_COL_TEXT},     {"region_name", FK_COL_TEXT},
    {"kind", FK_COL_TEXT},      {"text", FK_COL_TEXT},       {"unit", FK_COL_TEXT},
    {"assigned", FK_COL_TEXT},  {"resolved", FK_COL_TEXT},   {"status", FK_COL_TEXT},
    {"state", FK_COL_TEXT},     {"missed", FK_COL_TEXT},     {"late_by", FK_COL_INT},
    {"assign_by", FK_COL_TEXT}, {"resolve_by", FK_COL_TEXT}, {"person", FK_COL_TEXT},
    {"name", FK_COL_TEXT},      {"control", FK_COL_TEXT},    {"note", FK_COL_TEXT}};

int fk_request_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                    const struct fk_request_query *q, int64_t now, fk_table **out, char *err,
                    size_t errlen)
{
    struct fk_request_row *rows = NULL;
    struct item *items = NULL;
    fk_table *t = NULL;
    size_t n = 0, m = 0, i;
    int rc;

    *out = NULL;
    rc = loaded(st, e, q->region, &rows, &n, err, errlen);
    if (rc != FK_OK)
        goto out;
    items = calloc(n ? n : 1, sizeof *items);
    if (!items) {
        rc = FK_ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        if (rows[i].received > now || (q->number && strcmp(q->number, rows[i].number) != 0))
            continue;
        if (q->region && !fk_engine_region_inside(e, rows[i].region, q->region))
            continue;
        judge(p, &rows[i], now, &items[m]);
        if (q->open && items[m].resolved)
            continue;
        if (q->overdue && items[m].state != FK_REQUEST_S_OVERDUE)
            continue;
        m++;
    }
    if (m > 1)
        qsort(items, m, sizeof *items, by_urgency);
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < m; i++) {
        const struct item *it = &items[i];
        const struct fk_request_row *r = it->r;
        char rec[FK_TIME_RENDER_MAX], as[FK_TIME_RENDER_MAX], rs[FK_TIME_RENDER_MAX],
            ab[FK_TIME_RENDER_MAX], rb[FK_TIME_RENDER_MAX], late[24];
        struct fk_request_caller who;
        const char *vals[21];

        rc = fk_request_caller(st, e, r->phone, r->received, now, q->region, &who);
        if (rc != FK_OK) {
            snprintf(err, errlen, "reading the persons: %s", fk_store_errmsg(st));
            break;
        }
        snprintf(late, sizeof late, "%lld", (long long)it->late_by);
        vals[0] = r->number;
        vals[1] = fk__time_or_empty(r->received, rec);
        vals[2] = fk_request_channel_name(r->channel);
        vals[3] = r->phone;
        vals[4] = r->region;
        vals[5] = fk__region_name(e, r->region);
        vals[6] = fk_request_kind_name(r->kind);
        vals[7] = r->text;
        vals[8] = it->assigned ? r->unit : "";
        vals[9] = fk__time_or_empty(it->assigned, as);
        vals[10] = fk__time_or_empty(it->resolved, rs);
        vals[11] = fk_request_status_name(fk_request_status_of(it->assigned, it->resolved));
        vals[12] = fk_request_state_name(it->state);
        vals[13] = fk_request_missed_name(it->missed);
        vals[14] = late;
        vals[15] = fk__time_or_empty(it->assign_by, ab);
        vals[16] = fk__time_or_empty(it->resolve_by, rb);
        vals[17] = who.found ? who.id_number : "";
        vals[18] = who.found ? who.name : "";
        vals[19] = who.found ? fk_ctl_category_name((enum fk_ctl_category)who.category) : "";
        vals[20] = it->resolved ? r->note : "";
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
out:
    free(items);
    fk_request_rows_free(rows, n);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col sum_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},    {"received", FK_COL_INT},
    {"open", FK_COL_INT},    {"assigned", FK_COL_INT}, {"resolved", FK_COL_INT},
    {"on_time", FK_COL_INT}, {"late", FK_COL_INT},     {"overdue", FK_COL_INT}};

int fk_request_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                      const char *within, enum fk_level by, int64_t now, fk_table **out, char *err,
                      size_t errlen)
{
    struct fk_request_row *rows = NULL;
    struct fk__sum s;
    size_t n = 0, i;
    int rc;

    *out = NULL;
    memset(&s, 0, sizeof s);
    rc = loaded(st, e, within, &rows, &n, err, errlen);
    if (rc == FK_OK)
        rc = fk__sum_init(&s, e, within, by, err, errlen);
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct fk__sum_row *g;
        struct item it;

        if (rows[i].received > now ||
            (within && !fk_engine_region_inside(e, rows[i].region, within)))
            continue;
        g = fk__sum_row(&s, e, rows[i].region, &rc);
        if (!g)
            continue;
        judge(p, &rows[i], now, &it);
        g->n[0]++;
        g->n[1 + fk_request_status_of(it.assigned, it.resolved)]++;
        g->n[4] += it.state == FK_REQUEST_S_ON_TIME;
        g->n[5] += it.state == FK_REQUEST_S_LATE;
        g->n[6] += it.state == FK_REQUEST_S_OVERDUE;
    }
    if (rc == FK_OK)
        rc = fk__sum_table(&s, sum_cols, sizeof sum_cols / sizeof sum_cols[0], out);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    fk__sum_fini(&s);
    fk_request_rows_free(rows, n);
    return rc;
}
