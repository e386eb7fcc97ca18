/* SPDX-License-Identifier: MIT */
/* The check-in board (see fk/checkins.h): an index of the orders that ask for check-ins and of
 * the check-ins, and the day's answers over it.
 *
 * DESIGN NOTES
 * - orders[] holds only orders at a place that asks for check-ins (home, centralized), sorted by
 *   (grid, person, start): a person's orders are one run, a region's persons one run of grids.
 * - recs[] holds every check-in, sorted by (person, time); a person's day is found by binary
 *   search. A check-in counts only when one of the person's orders covers its time (the import
 *   checks it; an order changed later may no longer).
 * - A day is judged person by person (judge_day): at most 24 windows, so a day's state fits in
 *   a small struct on the stack. */
#include "fk/checkins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/checkin.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/regime.h"
#include "fk/time.h"
#include "fk/vec.h"

#define WINDOWS_MAX 24

struct order {
    int64_t person, start, end;
    int32_t grid;
    int place;
};

struct rec {
    int64_t person, time;
    int temp; /* tenths of a degree */
};

struct fk_checkins {
    fk_store *st;
    fk_engine *e;
    struct fk_profile prof;
    struct order *orders;
    size_t norders, caporders;
    struct rec *recs;
    size_t nrecs, caprecs;
    int64_t first; /* the earliest check-in's time; 0: none */
};

/* One person's day: per window, whether expected, the place, how many check-ins and the
 * highest one. */
struct day {
    int n; /* windows in the day */
    int64_t wstart[WINDOWS_MAX];
    int8_t expected[WINDOWS_MAX];
    int8_t place[WINDOWS_MAX];
    int nrep[WINDOWS_MAX];
    int max10[WINDOWS_MAX];
    int64_t max_t[WINDOWS_MAX];
    int nexpected, fever;
};

static int add_order(void *ud, const struct fk_control_row *k)
{
    fk_checkins *b = ud;
    struct order *o;

    if (!fk_checkin_place_counts(k->place))
        return 0;
    if (fk_vec_grow((void **)&b->orders, &b->caporders, b->norders + 1, sizeof *b->orders) != FK_OK)
        return FK_ENOMEM;
    o = &b->orders[b->norders++];
    o->person = k->person;
    o->start = k->start;
    o->end = k->end;
    o->grid = b->e ? fk_engine_person_grid(b->e, k->person) : -1;
    o->place = k->place;
    return 0;
}

static int add_rec(void *ud, const struct fk_record_value *v, size_t n)
{
    fk_checkins *b = ud;
    int64_t pid = 0;
    int temp = 0, rc;

    if (n < 3 || !v[0].s || !v[2].s)
        return FK_EDB;
    rc = fk_store_find_person(b->st, v[0].s, &pid);
    if (rc == FK_ENOENT)
        return 0;
    if (rc != FK_OK)
        return rc;
    if (fk_checkin_temp_parse((fk_slice){v[2].s, strlen(v[2].s)}, &temp) != FK_OK)
        return 0;
    if (fk_vec_grow((void **)&b->recs, &b->caprecs, b->nrecs + 1, sizeof *b->recs) != FK_OK)
        return FK_ENOMEM;
    b->recs[b->nrecs++] = (struct rec){pid, v[1].i, temp};
    if (!b->first || v[1].i < b->first)
        b->first = v[1].i;
    return 0;
}

static int cmp_order(const void *a, const void *b)
{
    const struct order *x = a, *y = b;

    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_rec(const void *a, const void *b)
{
    const struct rec *x = a, *y = b;

    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->time < y->time ? -1 : x->time > y->time;
}

int fk_checkins_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_checkins **out,
                      char *err, size_t errlen)
{
    fk_checkins *b = calloc(1, sizeof *b);
    int rc = FK_ENOMEM;

    *out = NULL;
    if (!b)
        goto out;
    b->st = st;
    b->e = e;
    b->prof = *p;
    rc = fk_store_each_control(st, -1, add_order, b);
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_CHECKINS, add_rec, b);
    if (rc != FK_OK)
        goto out;
    if (b->norders)
        qsort(b->orders, b->norders, sizeof *b->orders, cmp_order);
    if (b->nrecs)
        qsort(b->recs, b->nrecs, sizeof *b->recs, cmp_rec);
    *out = b;
    return FK_OK;
out:
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "checkins: out of memory");
    else
        snprintf(err, errlen, "checkins: %s", fk_store_errmsg(st));
    fk_checkins_free(b);
    return rc;
}

void fk_checkins_free(fk_checkins *b)
{
    if (!b)
        return;
    free(b->orders);
    free(b->recs);
    free(b);
}

/* ---- one person's day ---- */

/* The index of the first check-in of person at or after t. */
static size_t recs_from(const fk_checkins *b, int64_t person, int64_t t)
{
    size_t lo = 0, hi = b->nrecs;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct rec *r = &b->recs[mid];

        if (r->person < person || (r->person == person && r->time < t))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Judges day `day` of the person whose orders are orders[o0, o1) as of now: which windows are
 * expected, their check-ins up to now, and whether any of them was a fever. */
static void judge_day(const fk_checkins *b, size_t o0, size_t o1, int64_t day, int64_t now,
                      struct day *d)
{
    const struct fk_profile *p = &b->prof;
    int64_t len = fk_checkin_window_len(p), ds = fk_checkin_window_start(p, day, 0);
    int64_t person = b->orders[o0].person;
    size_t i, o;
    int k;

    memset(d, 0, sizeof *d);
    d->n = (int)(86400 / len);
    for (k = 0; k < d->n; k++) {
        d->wstart[k] = ds + k * len;
        for (o = o0; o < o1; o++) {
            if (fk_checkin_expected(d->wstart[k], b->orders[o].start, b->orders[o].end)) {
                d->expected[k] = 1;
                d->place[k] = (int8_t)b->orders[o].place;
            }
        }
    }
    for (i = recs_from(b, person, ds); i < b->nrecs; i++) {
        const struct rec *r = &b->recs[i];
        int covered = 0;

        if (r->person != person || r->time >= ds + 86400 || r->time > now)
            break; /* a check-in after now has not been made yet */
        k = (int)((r->time - ds) / len);
        for (o = o0; o < o1; o++) {
            if (fk_checkin_covers(r->time, b->orders[o].start, b->orders[o].end)) {
                covered = 1;
                if (!d->expected[k])
                    d->place[k] = (int8_t)b->orders[o].place;
            }
        }
        if (!covered)
            continue;
        d->expected[k] = 1;
        if (!d->nrep[k] || r->temp > d->max10[k]) {
            d->max10[k] = r->temp;
            d->max_t[k] = r->time;
        }
        d->nrep[k]++;
        if (fk_checkin_is_fever(p, r->temp))
            d->fever = 1;
    }
    for (k = 0; k < d->n; k++)
        d->nexpected += d->expected[k];
}

/* The end of the run of person orders[i]'s orders. */
static size_t person_end(const fk_checkins *b, size_t i)
{
    size_t j = i + 1;

    while (j < b->norders && b->orders[j].person == b->orders[i].person &&
           b->orders[j].grid == b->orders[i].grid)
        j++;
    return j;
}

/* 1 when one of orders[o0, o1) was open at some time of day `day`, or a check-in of it falls
 * there: the cheap filter before judge_day. */
static int touches_day(const fk_checkins *b, size_t o0, size_t o1, int64_t day)
{
    int64_t ds = fk_checkin_window_start(&b->prof, day, 0), de = ds + 86400;
    size_t o;

    for (o = o0; o < o1; o++)
        if (b->orders[o].start < de && (b->orders[o].end == 0 || b->orders[o].end > ds))
            return 1;
    return 0;
}

/* The first order whose grid is at least g. */
static size_t orders_from(const fk_checkins *b, int32_t g)
{
    size_t lo = 0, hi = b->norders;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b->orders[mid].grid < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- status ---- */

static const struct fk_col status_cols[] = {
    {"region", FK_COL_TEXT},  {"name", FK_COL_TEXT},    {"persons", FK_COL_INT},
    {"expected", FK_COL_INT}, {"reported", FK_COL_INT}, {"missed", FK_COL_INT},
    {"pending", FK_COL_INT},  {"fever", FK_COL_INT},    {"completeness", FK_COL_REAL},
};

struct status_walk {
    fk_checkins *b;
    fk_table *t;
    int64_t day, now;
};

static int status_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct status_walk *w = ud;
    fk_checkins *b = w->b;
    int64_t n[6] = {0, 0, 0, 0, 0, 0}; /* persons expected reported missed pending fever */
    char cell[6][24], pct[24];
    const char *vals[9];
    size_t i, j;
    int k;

    for (i = orders_from(b, glo); i < b->norders && b->orders[i].grid < ghi; i = j) {
        struct day d;

        j = person_end(b, i);
        if (b->orders[i].grid < 0 || !touches_day(b, i, j, w->day))
            continue;
        judge_day(b, i, j, w->day, w->now, &d);
        if (!d.nexpected)
            continue;
        n[0]++;
        n[5] += d.fever;
        for (k = 0; k < d.n; k++) {
            if (!d.expected[k])
                continue;
            n[1]++;
            switch (fk_checkin_judge(&b->prof, d.wstart[k], d.nrep[k], d.max10[k], w->now)) {
            case FK_CHECKIN_MISSED: n[3]++; break;
            case FK_CHECKIN_PENDING: n[4]++; break;
            default: n[2]++; break;
            }
        }
    }
    if (!n[0])
        return 0;
    vals[0] = code;
    vals[1] = name;
    for (k = 0; k < 6; k++) {
        snprintf(cell[k], sizeof cell[k], "%lld", (long long)n[k]);
        vals[k + 2] = cell[k];
    }
    vals[8] = NULL;
    if (n[2] + n[3]) {
        snprintf(pct, sizeof pct, "%.4f", (double)n[2] / (double)(n[2] + n[3]));
        vals[8] = pct;
    }
    return fk_table_add(w->t, vals);
}

static int no_engine(char *err, size_t errlen)
{
    snprintf(err, errlen, "checkins: the board needs the engine's regions");
    return FK_EINVAL;
}

int fk_checkins_status(fk_checkins *b, enum fk_level by, const char *within, int64_t day,
                       int64_t now, fk_table **out, char *err, size_t errlen)
{
    struct status_walk w = {b, NULL, day, now};
    int32_t glo, ghi;
    enum fk_level lv;
    const char *name;
    int rc;

    *out = NULL;
    if (!b->e)
        return no_engine(err, errlen);
    if (within && !*within)
        within = NULL;
    if (within && fk_engine_region_info(b->e, within, &glo, &ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    rc = fk_table_new(status_cols, 9, &w.t);
    if (rc == FK_OK)
        rc = fk_engine_each_region(b->e, within, by, status_region, &w);
    if (rc != FK_OK) {
        fk_table_free(w.t);
        snprintf(err, errlen, "checkin status: out of memory");
        return rc;
    }
    *out = w.t;
    return FK_OK;
}

/* ---- list ---- */

static const struct fk_col list_cols[] = {
    {"id_number", FK_COL_TEXT},   {"name", FK_COL_TEXT},   {"grid", FK_COL_TEXT},
    {"place", FK_COL_TEXT},       {"window", FK_COL_TEXT}, {"time", FK_COL_TEXT},
    {"temperature", FK_COL_TEXT}, {"state", FK_COL_TEXT},
};

static int list_person(fk_checkins *b, fk_table *t, size_t i, size_t j, int64_t day, int64_t now,
                       unsigned states)
{
    struct fk_person_row p;
    struct day d;
    char when[FK_TIME_RENDER_MAX], temp[FK_CHECKIN_TEMP_TEXT], win[32];
    const char *vals[8];
    int64_t len = fk_checkin_window_len(&b->prof);
    int k, rc, named = 0;

    judge_day(b, i, j, day, now, &d);
    for (k = 0; k < d.n; k++) {
        enum fk_checkin_state s;
        int64_t from, to;

        if (!d.expected[k])
            continue;
        s = fk_checkin_judge(&b->prof, d.wstart[k], d.nrep[k], d.max10[k], now);
        if (states && !(states >> s & 1))
            continue;
        if (!named) {
            rc = fk_store_get_person(b->st, b->orders[i].person, &p);
            if (rc != FK_OK)
                return rc;
            named = 1;
        }
        from = (int64_t)k * len / 60;
        to = from + len / 60;
        snprintf(win, sizeof win, "%02d:%02d-%02d:%02d", (int)(from / 60), (int)(from % 60),
                 (int)(to / 60), (int)(to % 60));
        vals[0] = p.id_number;
        vals[1] = p.name;
        vals[2] = p.grid;
        vals[3] = fk_ctl_place_name((enum fk_ctl_place)d.place[k]);
        vals[4] = win;
        vals[5] = d.nrep[k] ? fk_time_render(d.max_t[k], when) : NULL;
        vals[6] = d.nrep[k] ? fk_checkin_temp_render(d.max10[k], temp) : NULL;
        vals[7] = fk_checkin_state_name(s);
        rc = fk_table_add(t, vals);
        if (rc != FK_OK)
            return rc;
    }
    return FK_OK;
}

int fk_checkins_list(fk_checkins *b, const char *within, int64_t day, int64_t now, unsigned states,
                     fk_table **out, char *err, size_t errlen)
{
    static const size_t order_by[] = {2, 0, 4};
    int32_t glo = 0, ghi = INT32_MAX;
    enum fk_level lv;
    const char *name;
    fk_table *t = NULL;
    size_t i, j;
    int rc;

    *out = NULL;
    if (!b->e)
        return no_engine(err, errlen);
    if (within && !*within)
        within = NULL;
    if (within && fk_engine_region_info(b->e, within, &glo, &ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    rc = fk_table_new(list_cols, 8, &t);
    for (i = orders_from(b, glo); rc == FK_OK && i < b->norders && b->orders[i].grid < ghi; i = j) {
        j = person_end(b, i);
        if (b->orders[i].grid < 0 || !touches_day(b, i, j, day))
            continue;
        rc = list_person(b, t, i, j, day, now, states);
    }
    if (rc != FK_OK) {
        fk_table_free(t);
        if (rc == FK_ENOMEM)
            snprintf(err, errlen, "checkin list: out of memory");
        else
            snprintf(err, errlen, "checkin list: %s", fk_store_errmsg(b->st));
        return rc;
    }
    fk_table_sort(t, order_by, 3);
    *out = t;
    return FK_OK;
}

/* ---- the alert sweep's and the regime's walks ---- */

int fk_checkins_each_missed(fk_checkins *b, int64_t now, fk_checkins_missed_cb cb, void *ud)
{
    int64_t len = fk_checkin_window_len(&b->prof), first_day, last_day, day, from;
    size_t i, j;
    int k, rc;

    if (!b->first)
        return FK_OK;
    first_day = fk_local_day(b->first);
    last_day = fk_local_day(now);
    if (first_day < last_day - (FK_CHECKINS_MISSED_DAYS - 1))
        first_day = last_day - (FK_CHECKINS_MISSED_DAYS - 1);
    for (i = 0; i < b->norders; i = j) {
        struct day d;

        j = person_end(b, i);
        /* From the later of the first check-in's day and the person's first order's (the run
         * is by start). */
        from = fk_local_day(b->orders[i].start);
        if (from < first_day)
            from = first_day;
        for (day = from; day <= last_day; day++) {
            if (!touches_day(b, i, j, day))
                continue;
            judge_day(b, i, j, day, now, &d);
            for (k = 0; k < d.n; k++) {
                if (!d.expected[k] || fk_checkin_judge(&b->prof, d.wstart[k], d.nrep[k], d.max10[k],
                                                       now) != FK_CHECKIN_MISSED)
                    continue;
                rc = cb(ud, b->orders[i].person, d.wstart[k], d.wstart[k] + len);
                if (rc)
                    return rc;
            }
        }
    }
    return FK_OK;
}

int fk_checkins_each_fever(fk_checkins *b, fk_checkins_fever_cb cb, void *ud)
{
    size_t i;
    int rc;

    for (i = 0; i < b->nrecs; i++) {
        if (!fk_checkin_is_fever(&b->prof, b->recs[i].temp))
            continue;
        rc = cb(ud, b->recs[i].person, b->recs[i].time);
        if (rc)
            return rc;
    }
    return FK_OK;
}
