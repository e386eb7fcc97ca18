/* SPDX-License-Identifier: MIT */
/* The cold-chain trace (see fk/coldchain.h): an index of the events by batch and by site, the
 * trace of one batch, the batch list and the page with the registry added.
 *
 * DESIGN NOTES
 * - Strings (batches, sites, ID numbers, products) are interned once into dense ids; an event is
 *   24 bytes. Events are sorted by (batch, time, event, site, person), so a batch's events are
 *   one run (bstart), and its visits are cut from that run.
 * - Every batch's visits (computed with no time cut) are kept sorted by (site, arrival), with
 *   the longest visit of each site: the visits at a site that can overlap [lo, hi] are those
 *   with arrival in [lo - longest, hi], found by binary search, so a trace reads only the visits
 *   near its own, never the whole history of a cold store.
 * - As of a time (now): the batch's own events after now are left out; a visit at a shared site
 *   that arrives after now is left out, and one whose departure is after now is cut again from
 *   its batch's events (rare: only when looking back). */
#include "fk/coldchain.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/coldevent.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

struct ev {
    int64_t time;
    int32_t batch, site, person; /* person -1: none */
    uint8_t event, result;
};

struct visit {
    int64_t arr, dep;
    int32_t batch, site;
    int32_t first, n; /* its events: ev[first .. first + n) */
};

struct fk_cold_index {
    fk_strmap *batches, *sites, *persons, *texts;
    struct ev *ev;
    size_t n, cap;
    int32_t *bprod, *borig; /* per batch: text ids, -1 none */
    size_t nbprod, nborig;
    size_t *bstart;       /* per batch: its events are ev[bstart[b] .. bstart[b + 1]) */
    struct visit *visits; /* by (site, arrival) */
    size_t nvisits;
    size_t *sstart; /* per site: its visits are visits[sstart[s] .. sstart[s + 1]) */
    int64_t *slong; /* per site: the longest visit (departure - arrival) */
    int built;
};

int fk_cold_index_new(fk_cold_index **out)
{
    fk_cold_index *ix = calloc(1, sizeof *ix);

    *out = NULL;
    if (!ix)
        return FK_ENOMEM;
    ix->batches = fk_strmap_new();
    ix->sites = fk_strmap_new();
    ix->persons = fk_strmap_new();
    ix->texts = fk_strmap_new();
    if (!ix->batches || !ix->sites || !ix->persons || !ix->texts) {
        fk_cold_index_free(ix);
        return FK_ENOMEM;
    }
    *out = ix;
    return FK_OK;
}

void fk_cold_index_free(fk_cold_index *ix)
{
    if (!ix)
        return;
    fk_strmap_free(ix->batches);
    fk_strmap_free(ix->sites);
    fk_strmap_free(ix->persons);
    fk_strmap_free(ix->texts);
    free(ix->ev);
    free(ix->bprod);
    free(ix->borig);
    free(ix->bstart);
    free(ix->visits);
    free(ix->sstart);
    free(ix->slong);
    free(ix);
}

size_t fk_cold_index_nevents(const fk_cold_index *ix)
{
    return ix ? ix->n : 0;
}

static int64_t intern(fk_strmap *m, const char *s)
{
    int added;

    return fk_strmap_intern(m, s ? s : "", s ? strlen(s) : 0, &added);
}

/* Sets per-batch text id slot b of *arr (growing it, new slots -1) to text s when empty. */
static int batch_text(fk_cold_index *ix, int32_t **arr, size_t *cap, int64_t b, const char *s)
{
    int64_t t;

    if ((size_t)b >= *cap) {
        size_t old = *cap, i;

        if (fk_vec_grow((void **)arr, cap, (size_t)b + 1, sizeof **arr) != FK_OK)
            return FK_ENOMEM;
        for (i = old; i < *cap; i++)
            (*arr)[i] = -1;
    }
    if (!s || !*s || (*arr)[b] >= 0)
        return FK_OK;
    t = intern(ix->texts, s);
    if (t < 0)
        return FK_ENOMEM;
    (*arr)[b] = (int32_t)t;
    return FK_OK;
}

int fk_cold_index_add(fk_cold_index *ix, const struct fk_cold_row *r)
{
    int64_t b, s, p = -1;
    struct ev *e;

    if (ix->built)
        return FK_EINVAL;
    b = intern(ix->batches, r->batch);
    s = intern(ix->sites, r->site);
    if (r->id_number && *r->id_number)
        p = intern(ix->persons, r->id_number);
    if (b < 0 || s < 0 || (r->id_number && *r->id_number && p < 0))
        return FK_ENOMEM;
    if (batch_text(ix, &ix->bprod, &ix->nbprod, b, r->product) != FK_OK ||
        batch_text(ix, &ix->borig, &ix->nborig, b, r->origin) != FK_OK)
        return FK_ENOMEM;
    if (fk_vec_grow((void **)&ix->ev, &ix->cap, ix->n + 1, sizeof *ix->ev) != FK_OK)
        return FK_ENOMEM;
    e = &ix->ev[ix->n++];
    e->time = r->time;
    e->batch = (int32_t)b;
    e->site = (int32_t)s;
    e->person = (int32_t)p;
    e->event = (uint8_t)r->event;
    e->result = (uint8_t)r->result;
    return FK_OK;
}

/* The order of events: by batch, time, event, site, person. Sites and persons compare by their
 * codes, not their ids, so the order does not depend on the order rows came in. */
static const fk_cold_index *sort_ix; /* qsort has no user pointer: set under sort_lock */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_ev(const void *pa, const void *pb)
{
    const struct ev *a = pa, *b = pb;
    int c;

    if (a->batch != b->batch)
        return a->batch < b->batch ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->event != b->event)
        return a->event < b->event ? -1 : 1;
    if (a->site != b->site) {
        c = strcmp(fk_strmap_key(sort_ix->sites, a->site), fk_strmap_key(sort_ix->sites, b->site));
        if (c)
            return c;
    }
    if (a->person != b->person)
        return a->person < b->person ? -1 : 1;
    return 0;
}

static int cmp_visit(const void *pa, const void *pb)
{
    const struct visit *a = pa, *b = pb;

    if (a->site != b->site)
        return a->site < b->site ? -1 : 1;
    if (a->arr != b->arr)
        return a->arr < b->arr ? -1 : 1;
    return a->batch < b->batch ? -1 : a->batch > b->batch;
}

/* Cuts the events ev[lo, hi) of one batch (time order) with time <= now into visits, appended to
 * *out (cap *cap, count *n). */
static int cut_visits(const struct ev *ev, size_t lo, size_t hi, int64_t now, struct visit **out,
                      size_t *n, size_t *cap)
{
    size_t i;
    struct visit *v = NULL;
    int64_t last = 0;

    for (i = lo; i < hi && ev[i].time <= now; i++) {
        if (!v || ev[i].site != v->site) {
            if (v)
                v->dep = ev[i].time;
            if (fk_vec_grow((void **)out, cap, *n + 1, sizeof **out) != FK_OK)
                return FK_ENOMEM;
            v = &(*out)[(*n)++];
            v->arr = ev[i].time;
            v->dep = ev[i].time;
            v->batch = ev[i].batch;
            v->site = ev[i].site;
            v->first = (int32_t)i;
            v->n = 0;
        }
        v->n++;
        last = ev[i].time;
    }
    if (v)
        v->dep = last;
    return FK_OK;
}

int fk_cold_index_build(fk_cold_index *ix)
{
    size_t nb = fk_strmap_size(ix->batches), ns = fk_strmap_size(ix->sites), i, cap = 0;
    int rc;

    if (ix->built)
        return FK_OK;
    pthread_mutex_lock(&sort_lock);
    sort_ix = ix;
    qsort(ix->ev, ix->n, sizeof *ix->ev, cmp_ev);
    sort_ix = NULL;
    pthread_mutex_unlock(&sort_lock);
    ix->bstart = calloc(nb + 1, sizeof *ix->bstart);
    ix->sstart = calloc(ns + 1, sizeof *ix->sstart);
    ix->slong = calloc(ns + 1, sizeof *ix->slong);
    if (!ix->bstart || !ix->sstart || !ix->slong)
        return FK_ENOMEM;
    if (batch_text(ix, &ix->bprod, &ix->nbprod, (int64_t)nb, NULL) != FK_OK ||
        batch_text(ix, &ix->borig, &ix->nborig, (int64_t)nb, NULL) != FK_OK)
        return FK_ENOMEM;
    for (i = 0; i < ix->n; i++)
        ix->bstart[ix->ev[i].batch + 1]++;
    for (i = 0; i < nb; i++)
        ix->bstart[i + 1] += ix->bstart[i];
    for (i = 0; i < nb; i++) {
        rc = cut_visits(ix->ev, ix->bstart[i], ix->bstart[i + 1], INT64_MAX, &ix->visits,
                        &ix->nvisits, &cap);
        if (rc != FK_OK)
            return rc;
    }
    qsort(ix->visits, ix->nvisits, sizeof *ix->visits, cmp_visit);
    for (i = 0; i < ix->nvisits; i++) {
        const struct visit *v = &ix->visits[i];

        ix->sstart[v->site + 1]++;
        if (v->dep - v->arr > ix->slong[v->site])
            ix->slong[v->site] = v->dep - v->arr;
    }
    for (i = 0; i < ns; i++)
        ix->sstart[i + 1] += ix->sstart[i];
    ix->built = 1;
    return FK_OK;
}

static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct fk_cold_row r;

    if (n < 8)
        return FK_EINVAL;
    r.batch = v[0].s;
    r.event = (int)v[1].i;
    r.time = v[2].i;
    r.site = v[3].s;
    r.product = v[4].s;
    r.origin = v[5].s;
    r.id_number = v[6].s;
    r.result = (int)v[7].i;
    return fk_cold_index_add(ud, &r);
}

int fk_cold_index_load(fk_store *st, fk_cold_index **out)
{
    fk_cold_index *ix = NULL;
    int rc = fk_cold_index_new(&ix);

    *out = NULL;
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_COLDCHAIN, load_row, ix);
    if (rc == FK_OK)
        rc = fk_cold_index_build(ix);
    if (rc != FK_OK) {
        fk_cold_index_free(ix);
        return rc;
    }
    *out = ix;
    return FK_OK;
}

static const char *text_of(const fk_cold_index *ix, const int32_t *arr, size_t cap, int32_t b)
{
    return (size_t)b < cap && arr[b] >= 0 ? fk_strmap_key(ix->texts, arr[b]) : "";
}

void fk_cold_trace_free(struct fk_cold_trace *t)
{
    if (!t)
        return;
    free(t->visits);
    free(t->touches);
    free(t->shared);
    free(t);
}

/* The first visit at site s (visits sorted by arrival) arriving at or after t. */
static size_t first_arriving(const fk_cold_index *ix, int32_t s, int64_t t)
{
    size_t lo = ix->sstart[s], hi = ix->sstart[s + 1];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (ix->visits[mid].arr < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The departure of visit v as of now: its own, or cut again from its batch's events. */
static int64_t departure_at(const fk_cold_index *ix, const struct visit *v, int64_t now)
{
    size_t i, end = ix->bstart[v->batch + 1];
    int64_t dep = v->arr;

    if (v->dep <= now)
        return v->dep;
    for (i = (size_t)v->first; i < end && ix->ev[i].time <= now; i++) {
        if (ix->ev[i].site != v->site)
            return ix->ev[i].time; /* the next visit's arrival, by now */
        dep = ix->ev[i].time;
    }
    return dep;
}

static int add_shared(struct fk_cold_trace *t, size_t *cap, const fk_cold_index *ix,
                      const struct visit *o, int64_t from, int64_t to)
{
    struct fk_cold_shared *s;

    if (fk_vec_grow((void **)&t->shared, cap, t->nshared + 1, sizeof *t->shared) != FK_OK)
        return FK_ENOMEM;
    s = &t->shared[t->nshared++];
    s->batch = fk_strmap_key(ix->batches, o->batch);
    s->site = fk_strmap_key(ix->sites, o->site);
    s->from = from;
    s->to = to;
    return FK_OK;
}

/* The batches that shared own visit v's site within window, as of now, into t. */
static int shared_at(const fk_cold_index *ix, const struct visit *v, int64_t window, int64_t now,
                     struct fk_cold_trace *t, size_t *cap)
{
    int64_t lo = v->arr - window, hi = v->dep + window;
    size_t i = first_arriving(ix, v->site, lo - ix->slong[v->site]), end = ix->sstart[v->site + 1];
    int rc;

    for (; i < end && ix->visits[i].arr <= hi; i++) {
        const struct visit *o = &ix->visits[i];
        int64_t dep;

        if (o->batch == v->batch || o->arr > now)
            continue;
        dep = departure_at(ix, o, now);
        if (dep < lo)
            continue;
        rc = add_shared(t, cap, ix, o, o->arr > lo ? o->arr : lo, dep < hi ? dep : hi);
        if (rc != FK_OK)
            return rc;
    }
    return FK_OK;
}

int fk_cold_trace_get(const fk_cold_index *ix, const char *batch, int64_t window, int64_t now,
                      struct fk_cold_trace **out)
{
    struct fk_cold_trace *t = NULL;
    struct visit *vs = NULL;
    size_t nv = 0, capv = 0, capt = 0, caps = 0, i, lo, hi;
    int64_t b = fk_strmap_find(ix->batches, batch, strlen(batch));
    int rc = FK_OK;

    *out = NULL;
    if (b < 0 || !ix->built)
        return FK_ENOENT;
    lo = ix->bstart[b];
    hi = ix->bstart[b + 1];
    if (lo == hi || ix->ev[lo].time > now)
        return FK_ENOENT;
    t = calloc(1, sizeof *t);
    if (!t)
        return FK_ENOMEM;
    t->batch = fk_strmap_key(ix->batches, b);
    t->product = text_of(ix, ix->bprod, ix->nbprod, (int32_t)b);
    t->origin = text_of(ix, ix->borig, ix->nborig, (int32_t)b);
    t->positive_site = "";
    t->first = ix->ev[lo].time;
    rc = cut_visits(ix->ev, lo, hi, now, &vs, &nv, &capv);
    for (i = lo; rc == FK_OK && i < hi && ix->ev[i].time <= now; i++) {
        const struct ev *e = &ix->ev[i];

        t->last = e->time;
        if (e->event == FK_COLD_RESULT && e->result == FK_COLD_POSITIVE && !t->positive) {
            t->positive = 1;
            t->positive_time = e->time;
            t->positive_site = fk_strmap_key(ix->sites, e->site);
        }
        if (e->person >= 0) {
            struct fk_cold_touch *k;

            if (fk_vec_grow((void **)&t->touches, &capt, t->ntouches + 1, sizeof *t->touches) !=
                FK_OK) {
                rc = FK_ENOMEM;
                break;
            }
            k = &t->touches[t->ntouches++];
            k->id_number = fk_strmap_key(ix->persons, e->person);
            k->site = fk_strmap_key(ix->sites, e->site);
            k->event = e->event;
            k->time = e->time;
        }
    }
    if (rc == FK_OK && nv) {
        t->visits = calloc(nv, sizeof *t->visits);
        if (!t->visits)
            rc = FK_ENOMEM;
    }
    for (i = 0; rc == FK_OK && i < nv; i++) {
        t->visits[i].site = fk_strmap_key(ix->sites, vs[i].site);
        t->visits[i].arrival = vs[i].arr;
        t->visits[i].departure = vs[i].dep;
        t->visits[i].events = vs[i].n;
        rc = shared_at(ix, &vs[i], window, now, t, &caps);
    }
    t->nvisits = nv;
    free(vs);
    if (rc != FK_OK) {
        fk_cold_trace_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the batch list ---- */

static const struct fk_col batch_cols[] = {
    {"batch", FK_COL_TEXT},     {"product", FK_COL_TEXT}, {"origin", FK_COL_TEXT},
    {"first", FK_COL_TEXT},     {"last", FK_COL_TEXT},    {"last_event", FK_COL_TEXT},
    {"last_site", FK_COL_TEXT}, {"sites", FK_COL_INT},    {"events", FK_COL_INT},
    {"positive", FK_COL_INT},
};

struct brow {
    int32_t b;
    int positive;
    int64_t last;
};

static int cmp_brow(const void *pa, const void *pb)
{
    const struct brow *a = pa, *b = pb;

    if (a->positive != b->positive)
        return a->positive > b->positive ? -1 : 1;
    if (a->last != b->last)
        return a->last > b->last ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

int fk_cold_batches(const fk_cold_index *ix, int64_t now, fk_table **out)
{
    size_t nb = fk_strmap_size(ix->batches), nrows = 0, i, j, k;
    struct brow *rows = calloc(nb + 1, sizeof *rows);
    int32_t *seen = NULL;
    fk_table *t = NULL;
    int rc;

    *out = NULL;
    if (!rows)
        return FK_ENOMEM;
    for (i = 0; i < nb; i++) {
        size_t lo = ix->bstart[i], hi = ix->bstart[i + 1];

        if (lo == hi || ix->ev[lo].time > now)
            continue;
        rows[nrows].b = (int32_t)i;
        for (j = lo; j < hi && ix->ev[j].time <= now; j++) {
            rows[nrows].last = ix->ev[j].time;
            if (ix->ev[j].event == FK_COLD_RESULT && ix->ev[j].result == FK_COLD_POSITIVE)
                rows[nrows].positive = 1;
        }
        nrows++;
    }
    qsort(rows, nrows, sizeof *rows, cmp_brow);
    rc = fk_table_new(batch_cols, sizeof batch_cols / sizeof batch_cols[0], &t);
    seen = calloc(fk_strmap_size(ix->sites) + 1, sizeof *seen);
    if (rc == FK_OK && !seen)
        rc = FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < nrows; i++) {
        int32_t b = rows[i].b;
        size_t lo = ix->bstart[b], hi = ix->bstart[b + 1], nsites = 0, nev = 0, lastj = lo;
        char first[FK_TIME_RENDER_MAX], last[FK_TIME_RENDER_MAX], ns[24], ne[24];
        const char *vals[10];

        for (j = lo; j < hi && ix->ev[j].time <= now; j++) {
            /* seen[site] holds the row number + 1 of the last batch that counted it */
            if (seen[ix->ev[j].site] != (int32_t)i + 1) {
                seen[ix->ev[j].site] = (int32_t)i + 1;
                nsites++;
            }
            nev++;
            lastj = j;
        }
        k = lastj;
        snprintf(ns, sizeof ns, "%zu", nsites);
        snprintf(ne, sizeof ne, "%zu", nev);
        vals[0] = fk_strmap_key(ix->batches, b);
        vals[1] = text_of(ix, ix->bprod, ix->nbprod, b);
        vals[2] = text_of(ix, ix->borig, ix->nborig, b);
        vals[3] = fk_time_render(ix->ev[lo].time, first);
        vals[4] = fk_time_render(ix->ev[k].time, last);
        vals[5] = fk_cold_event_name((enum fk_cold_event)ix->ev[k].event);
        vals[6] = fk_strmap_key(ix->sites, ix->ev[k].site);
        vals[7] = ns;
        vals[8] = ne;
        vals[9] = rows[i].positive ? "1" : "0";
        rc = fk_table_add(t, vals);
    }
    free(seen);
    free(rows);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the page ---- */

static const struct fk_col page_batch_cols[] = {
    {"batch", FK_COL_TEXT},         {"product", FK_COL_TEXT},       {"origin", FK_COL_TEXT},
    {"first", FK_COL_TEXT},         {"last", FK_COL_TEXT},          {"positive", FK_COL_INT},
    {"positive_time", FK_COL_TEXT}, {"positive_site", FK_COL_TEXT}, {"sites", FK_COL_INT},
    {"persons", FK_COL_INT},        {"shared", FK_COL_INT},         {"hidden", FK_COL_INT},
};
static const struct fk_col site_cols[] = {
    {"seq", FK_COL_INT},    {"site", FK_COL_TEXT},    {"name", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},  {"arrival", FK_COL_TEXT}, {"departure", FK_COL_TEXT},
    {"events", FK_COL_INT},
};
static const struct fk_col person_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"grid", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},     {"event", FK_COL_TEXT}, {"time", FK_COL_TEXT},
    {"site", FK_COL_TEXT},
};
static const struct fk_col shared_cols[] = {
    {"batch", FK_COL_TEXT}, {"site", FK_COL_TEXT},    {"from", FK_COL_TEXT},
    {"to", FK_COL_TEXT},    {"positive", FK_COL_INT},
};

/* The venues whose codes are sites of the trace: code -> index into names/grids. */
struct venues {
    fk_strmap *want;
    char **name, **grid;
};

static int on_venue(void *ud, const struct fk_venue_row *v)
{
    struct venues *vw = ud;
    int64_t i = fk_strmap_find(vw->want, v->code, strlen(v->code));

    if (i < 0 || vw->name[i])
        return 0;
    vw->name[i] = strdup(v->name);
    vw->grid[i] = strdup(v->grid);
    return vw->name[i] && vw->grid[i] ? 0 : FK_ENOMEM;
}

struct person_hit {
    int found;
    char name[256], grid[32], phone[64];
};

static int on_person(void *ud, const struct fk_person_row *p)
{
    struct person_hit *h = ud;

    h->found = 1;
    snprintf(h->name, sizeof h->name, "%s", p->name);
    snprintf(h->grid, sizeof h->grid, "%s", p->grid);
    snprintf(h->phone, sizeof h->phone, "%s", p->phone);
    return 1;
}

/* Whether batch's trace holds a positive result (for the shared list). */
static int batch_positive(const fk_cold_index *ix, const char *batch, int64_t now)
{
    int64_t b = fk_strmap_find(ix->batches, batch, strlen(batch));
    size_t i;

    for (i = b < 0 ? 0 : ix->bstart[b]; b >= 0 && i < ix->bstart[b + 1]; i++)
        if (ix->ev[i].time <= now && ix->ev[i].event == FK_COLD_RESULT &&
            ix->ev[i].result == FK_COLD_POSITIVE)
            return 1;
    return 0;
}

/* Whether grid code g lies inside the scope (grid range [glo, ghi)); no scope: always. */
static int in_scope(fk_engine *e, const char *g, int32_t glo, int32_t ghi)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name;

    if (glo < 0)
        return 1;
    if (!g || !*g || fk_engine_region_info(e, g, &lo, &hi, &lv, &name) != FK_OK)
        return 0;
    return lo >= glo && hi <= ghi && lo < hi;
}

int fk_cold_page_get(fk_store *st, fk_engine *e, const fk_cold_index *ix, const char *scope,
                     const char *batch, int64_t window, int64_t now, struct fk_cold_page *out,
                     char *err, size_t errlen)
{
    struct venues vw = {NULL, NULL, NULL};
    struct fk_cold_trace *t = NULL;
    size_t i, nsites = 0, npersons = 0;
    int32_t glo = -1, ghi = -1;
    fk_strmap *seen = NULL;
    int rc, hq = 1;

    memset(out, 0, sizeof *out);
    if (scope && *scope) {
        enum fk_level lv;
        const char *name;

        if (fk_engine_region_info(e, scope, &glo, &ghi, &lv, &name) != FK_OK) {
            snprintf(err, errlen, "unknown scope %s", scope);
            return FK_ENOENT;
        }
        hq = lv <= FK_LEVEL_CITY; /* the city's headquarters, who imports the cold chain */
    }
    rc = fk_cold_trace_get(ix, batch, window, now, &t);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "no cold-chain batch %s", batch);
        return rc;
    }
    if (rc != FK_OK)
        goto out;
    rc = fk_table_new(page_batch_cols, sizeof page_batch_cols / sizeof page_batch_cols[0],
                      &out->batch);
    if (rc == FK_OK)
        rc = fk_table_new(site_cols, sizeof site_cols / sizeof site_cols[0], &out->sites);
    if (rc == FK_OK)
        rc = fk_table_new(person_cols, sizeof person_cols / sizeof person_cols[0], &out->persons);
    if (rc == FK_OK)
        rc = fk_table_new(shared_cols, sizeof shared_cols / sizeof shared_cols[0], &out->shared);
    vw.want = fk_strmap_new();
    seen = fk_strmap_new();
    vw.name = calloc(t->nvisits + 1, sizeof *vw.name);
    vw.grid = calloc(t->nvisits + 1, sizeof *vw.grid);
    if (rc == FK_OK && (!vw.want || !seen || !vw.name || !vw.grid))
        rc = FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < t->nvisits; i++) {
        int added;

        if (fk_strmap_intern(vw.want, t->visits[i].site, strlen(t->visits[i].site), &added) < 0)
            rc = FK_ENOMEM;
        nsites += added;
    }
    if (rc == FK_OK)
        rc = fk_store_each_venue(st, on_venue, &vw);
    for (i = 0; rc == FK_OK && i < t->nvisits; i++) {
        char seq[24], arr[FK_TIME_RENDER_MAX], dep[FK_TIME_RENDER_MAX], nev[24];
        int64_t k = fk_strmap_find(vw.want, t->visits[i].site, strlen(t->visits[i].site));
        const char *vals[7];

        snprintf(seq, sizeof seq, "%zu", i + 1);
        snprintf(nev, sizeof nev, "%d", t->visits[i].events);
        vals[0] = seq;
        vals[1] = t->visits[i].site;
        vals[2] = vw.name[k];
        vals[3] = vw.grid[k];
        vals[4] = fk_time_render(t->visits[i].arrival, arr);
        vals[5] = fk_time_render(t->visits[i].departure, dep);
        vals[6] = nev;
        rc = fk_table_add(out->sites, vals);
    }
    for (i = 0; rc == FK_OK && i < t->ntouches; i++) {
        const struct fk_cold_touch *k = &t->touches[i];
        struct person_hit h;
        char when[FK_TIME_RENDER_MAX];
        const char *vals[7];
        int added;

        memset(&h, 0, sizeof h);
        rc = fk_store_search_persons(st, FK_PKEY_ID, k->id_number, NULL, on_person, &h);
        if (rc == 1)
            rc = FK_OK;
        if (rc != FK_OK)
            break;
        /* An unregistered worker or buyer lives in no region: the headquarters sees them. */
        if (h.found ? !in_scope(e, h.grid, glo, ghi) : !hq) {
            out->hidden++;
            continue;
        }
        if (fk_strmap_intern(seen, k->id_number, strlen(k->id_number), &added) < 0) {
            rc = FK_ENOMEM;
            break;
        }
        npersons += added;
        vals[0] = k->id_number;
        vals[1] = h.found ? h.name : NULL; /* an unregistered worker or buyer: empty cells */
        vals[2] = h.found ? h.grid : NULL;
        vals[3] = h.phone[0] ? h.phone : NULL;
        vals[4] = fk_cold_event_name((enum fk_cold_event)k->event);
        vals[5] = fk_time_render(k->time, when);
        vals[6] = k->site;
        rc = fk_table_add(out->persons, vals);
    }
    for (i = 0; rc == FK_OK && i < t->nshared; i++) {
        char from[FK_TIME_RENDER_MAX], to[FK_TIME_RENDER_MAX];
        const char *vals[5];

        vals[0] = t->shared[i].batch;
        vals[1] = t->shared[i].site;
        vals[2] = fk_time_render(t->shared[i].from, from);
        vals[3] = fk_time_render(t->shared[i].to, to);
        vals[4] = batch_positive(ix, t->shared[i].batch, now) ? "1" : "0";
        rc = fk_table_add(out->shared, vals);
    }
    if (rc == FK_OK) {
        char first[FK_TIME_RENDER_MAX], last[FK_TIME_RENDER_MAX], pt[FK_TIME_RENDER_MAX], ns[24],
            np[24], nsh[24], nh[24];
        const char *vals[12];

        snprintf(ns, sizeof ns, "%zu", nsites);
        snprintf(np, sizeof np, "%zu", npersons);
        snprintf(nsh, sizeof nsh, "%zu", t->nshared);
        snprintf(nh, sizeof nh, "%zu", out->hidden);
        vals[0] = t->batch;
        vals[1] = t->product;
        vals[2] = t->origin;
        vals[3] = fk_time_render(t->first, first);
        vals[4] = fk_time_render(t->last, last);
        vals[5] = t->positive ? "1" : "0";
        vals[6] = t->positive ? fk_time_render(t->positive_time, pt) : NULL;
        vals[7] = t->positive_site;
        vals[8] = ns;
        vals[9] = np;
        vals[10] = nsh;
        vals[11] = nh;
        rc = fk_table_add(out->batch, vals);
    }
out:
    for (i = 0; vw.name && i < t->nvisits; i++) {
        free(vw.name[i]);
        free(vw.grid[i]);
    }
    free(vw.name);
    free(vw.grid);
    fk_strmap_free(vw.want);
    fk_strmap_free(seen);
    if (rc != FK_OK) {
        fk_cold_trace_free(t);
        fk_cold_page_fini(out);
        if (rc == FK_EDB)
            snprintf(err, errlen, "cold chain: %s", fk_store_errmsg(st));
        else
            snprintf(err, errlen, "cold chain: %s", fk_strerror(rc));
        return rc;
    }
    out->trace = t;
    return FK_OK;
}

void fk_cold_page_fini(struct fk_cold_page *p)
{
    if (!p)
        return;
    fk_table_free(p->batch);
    fk_table_free(p->sites);
    fk_table_free(p->persons);
    fk_table_free(p->shared);
    fk_cold_trace_free(p->trace);
    memset(p, 0, sizeof *p);
}

int fk_cold_page_render(const struct fk_cold_page *p, enum fk_format f, fk_buf *b)
{
    const struct fk_table_block blocks[] = {
        {"batch", p->batch},
        {"sites", p->sites},
        {"persons", p->persons},
        {"shared", p->shared},
    };

    return fk_table_blocks_render(blocks, sizeof blocks / sizeof blocks[0], f, b);
}
