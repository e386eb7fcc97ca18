/* SPDX-License-Identifier: MIT */
/* The tracer (see fk/trace.h): indexes over scans and pings so a case touches only its own venues
 * and cells, and the tracing rules applied over them.
 *
 * DESIGN NOTES
 * - Every event is held twice, 16 bytes in all: in person order (venue or cell int32 + time
 *   uint32: "where was this person") and in place order as one uint64 key per event, (time << 32 |
 *   person) for venues and (slot << 32 | person) for cells, sorted within each place ("who else was
 *   here then"). A venue's window [t - W, t + W] is then two binary searches and a contiguous run.
 * - Place order is built from person order by a counting sort on the place, then each place's run
 *   is sorted by key (insertion sort for short runs, LSD radix over the key bytes that vary for
 *   long ones, so a Zipf-popular venue with millions of scans costs linear time).
 * - A run keeps the best reason per person in an open-addressing map (person -> slot in a contact
 *   array): offers are many, contacts few. fk_contact_better decides, so the answer does not depend
 *   on the order in which cases or events are visited.
 * - Invariants: scan_start/ping_start are monotone with [npersons] = event count; every venue,
 *   cell and household index is < its count; keys within a place are ascending. */
#include "fk/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fk/error.h"
#include "fk/strmap.h"
#include "fk/time.h"

struct fk_tracer {
    struct fk_trace_input in;
    struct fk_profile prof;
    uint64_t *venue_start; /* nvenues + 1 */
    uint64_t *venue_key;   /* time << 32 | person */
    uint64_t *cell_start;  /* ncells + 1 */
    uint64_t *cell_key;    /* slot << 32 | person */
    uint32_t *hh_start;    /* nhouseholds + 1 */
    int32_t *hh_member;
    uint8_t *is_case;      /* npersons */
    /* Names, when built from a store. */
    fk_store *st;
    fk_strmap *households, *cells;
    int32_t *venue_code; /* venue index -> index in venues */
    fk_strmap *venues;
    double build_seconds;
};

static double mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void free_input(struct fk_trace_input *in)
{
    free(in->household);
    free(in->scan_start);
    free(in->scan_venue);
    free(in->scan_time);
    free(in->ping_start);
    free(in->ping_cell);
    free(in->ping_time);
    free(in->cases);
    memset(in, 0, sizeof *in);
}

void fk_tracer_free(fk_tracer *t)
{
    if (!t)
        return;
    free_input(&t->in);
    free(t->venue_start);
    free(t->venue_key);
    free(t->cell_start);
    free(t->cell_key);
    free(t->hh_start);
    free(t->hh_member);
    free(t->is_case);
    fk_strmap_free(t->households);
    fk_strmap_free(t->cells);
    fk_strmap_free(t->venues);
    free(t->venue_code);
    free(t);
}

/* ---- building ---- */

static void insertion_sort(uint64_t *a, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        uint64_t v = a[i];

        for (j = i; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* Sorts a[0..n) ascending using tmp[0..n): LSD radix by bytes, skipping bytes equal in all keys. */
static void radix_sort(uint64_t *a, uint64_t *tmp, size_t n)
{
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    size_t i, count[256];
    int byte;

    for (i = 0; i < n; i++) {
        all_or |= a[i];
        all_and &= a[i];
    }
    for (byte = 0; byte < 8; byte++) {
        int shift = byte * 8;
        size_t sum = 0;
        uint64_t *swap;

        if ((((all_or ^ all_and) >> shift) & 0xFF) == 0)
            continue; /* this byte is the same in every key */
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(a[i] >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];

            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0xFF]++] = a[i];
        swap = a;
        memcpy(swap, tmp, n * sizeof *a);
    }
}

/* From person-order events (place[], time[] by person CSR start[]) builds the place-order index:
 * *pstart (nplaces + 1) and *pkey, key = (time / div) << 32 | person. */
static int place_index(size_t npersons, const uint64_t *start, const int32_t *place,
                       const uint32_t *tm, size_t nplaces, uint32_t div, uint64_t **pstart,
                       uint64_t **pkey)
{
    size_t nev = start[npersons], p, v, maxrun = 0;
    uint64_t *ps = calloc(nplaces + 1, sizeof *ps), *key = NULL, *fill = NULL, *tmp = NULL;
    int rc = FK_ENOMEM;

    if (!ps)
        goto out;
    key = malloc((nev ? nev : 1) * sizeof *key);
    fill = malloc((nplaces + 1) * sizeof *fill);
    if (!key || !fill)
        goto out;
    for (p = 0; p < nev; p++) {
        if (place[p] < 0 || (size_t)place[p] >= nplaces) {
            rc = FK_EINVAL;
            goto out;
        }
        ps[place[p] + 1]++;
    }
    for (v = 0; v < nplaces; v++) {
        ps[v + 1] += ps[v];
        if (ps[v + 1] - ps[v] > maxrun)
            maxrun = ps[v + 1] - ps[v];
    }
    memcpy(fill, ps, (nplaces + 1) * sizeof *fill);
    for (p = 0; p < npersons; p++) {
        uint64_t e;

        for (e = start[p]; e < start[p + 1]; e++)
            key[fill[place[e]]++] = ((uint64_t)(tm[e] / div) << 32) | (uint64_t)p;
    }
    tmp = malloc((maxrun ? maxrun : 1) * sizeof *tmp);
    if (!tmp)
        goto out;
    for (v = 0; v < nplaces; v++) {
        size_t n = ps[v + 1] - ps[v];

        if (n <= 32)
            insertion_sort(key + ps[v], n);
        else
            radix_sort(key + ps[v], tmp, n);
    }
    *pstart = ps;
    *pkey = key;
    ps = NULL;
    key = NULL;
    rc = FK_OK;
out:
    free(ps);
    free(key);
    free(fill);
    free(tmp);
    return rc;
}

int fk_tracer_new(struct fk_trace_input *in, const struct fk_profile *p, fk_tracer **out)
{
    fk_tracer *t = calloc(1, sizeof *t);
    double t0 = mono();
    uint32_t *fill = NULL;
    size_t i;
    int rc = FK_ENOMEM;

    *out = NULL;
    if (!t) {
        free_input(in);
        return FK_ENOMEM;
    }
    t->in = *in;
    memset(in, 0, sizeof *in);
    t->prof = *p;
    rc = place_index(t->in.npersons, t->in.scan_start, t->in.scan_venue, t->in.scan_time,
                     t->in.nvenues, 1, &t->venue_start, &t->venue_key);
    if (rc == FK_OK)
        rc = place_index(t->in.npersons, t->in.ping_start, t->in.ping_cell, t->in.ping_time,
                         t->in.ncells, (uint32_t)p->companion_slot_minutes * 60, &t->cell_start,
                         &t->cell_key);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    t->hh_start = calloc(t->in.nhouseholds + 1, sizeof *t->hh_start);
    t->hh_member = malloc((t->in.npersons ? t->in.npersons : 1) * sizeof *t->hh_member);
    fill = malloc((t->in.nhouseholds + 1) * sizeof *fill);
    t->is_case = calloc(t->in.npersons ? t->in.npersons : 1, 1);
    if (!t->hh_start || !t->hh_member || !fill || !t->is_case)
        goto out;
    for (i = 0; i < t->in.npersons; i++) {
        int32_t h = t->in.household[i];

        if (h >= 0 && (size_t)h >= t->in.nhouseholds) {
            rc = FK_EINVAL; /* as the header promises, rather than a read past the index */
            goto out;
        }
        if (h >= 0)
            t->hh_start[h + 1]++;
    }
    for (i = 0; i < t->in.nhouseholds; i++)
        t->hh_start[i + 1] += t->hh_start[i];
    memcpy(fill, t->hh_start, (t->in.nhouseholds + 1) * sizeof *fill);
    for (i = 0; i < t->in.npersons; i++) {
        int32_t h = t->in.household[i];

        if (h >= 0 && (size_t)h < t->in.nhouseholds)
            t->hh_member[fill[h]++] = (int32_t)i;
    }
    for (i = 0; i < t->in.ncases; i++) {
        if (t->in.cases[i].person < 0 || (size_t)t->in.cases[i].person >= t->in.npersons) {
            rc = FK_EINVAL;
            goto out;
        }
        t->is_case[t->in.cases[i].person] = 1;
    }
    t->build_seconds = mono() - t0;
    *out = t;
    t = NULL;
    rc = FK_OK;
out:
    free(fill);
    fk_tracer_free(t);
    return rc;
}

/* Reading the store: persons (households), venues, cells, scans, pings, cases. */
struct load {
    fk_tracer *t; /* names only */
    struct fk_trace_input *in;
    size_t cap_persons, cap_scans, cap_pings, cap_cases;
    int rc;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t cap2 = *cap ? *cap : 1024;
    void *np;

    if (need <= *cap)
        return FK_OK;
    while (cap2 < need)
        cap2 *= 2;
    np = realloc(*p, cap2 * size);
    if (!np)
        return FK_ENOMEM;
    *p = np;
    *cap = cap2;
    return FK_OK;
}

static int on_person(void *ud, const struct fk_person_row *r)
{
    struct load *l = ud;
    size_t id = (size_t)r->id, cap = l->cap_persons, k;
    int added;

    if (r->id < 0 || r->id >= INT32_MAX)
        return l->rc = FK_EDB;
    if (grow((void **)&l->in->household, &l->cap_persons, id + 1, sizeof(int32_t)) != FK_OK)
        return l->rc = FK_ENOMEM;
    for (k = cap; k < l->cap_persons; k++)
        l->in->household[k] = -1;
    if (id + 1 > l->in->npersons)
        l->in->npersons = id + 1;
    if (r->household && *r->household) {
        int64_t h = fk_strmap_intern(l->t->households, r->household, strlen(r->household), &added);

        if (h < 0)
            return l->rc = FK_ENOMEM;
        l->in->household[id] = (int32_t)h;
    }
    return 0;
}

static int on_venue(void *ud, const struct fk_venue_row *v)
{
    struct load *l = ud;
    int added;
    int64_t i = fk_strmap_intern(l->t->venues, v->code, strlen(v->code), &added);
    size_t cap = l->in->nvenues, k;

    if (i < 0 || v->id < 0 || v->id >= INT32_MAX)
        return l->rc = FK_ENOMEM;
    if ((size_t)v->id >= cap) {
        size_t n = cap ? cap : 1024;
        int32_t *vc;

        while (n <= (size_t)v->id)
            n *= 2;
        vc = realloc(l->t->venue_code, n * sizeof *vc);
        if (!vc)
            return l->rc = FK_ENOMEM;
        for (k = cap; k < n; k++)
            vc[k] = -1;
        l->t->venue_code = vc;
        l->in->nvenues = n;
    }
    l->t->venue_code[v->id] = (int32_t)i;
    return 0;
}

/* Appends one event of a person to a person-order CSR being filled in person order: place and
 * time grow together, and start[person + 1] counts (prefix sums come at the end). */
static int add_event(struct load *l, uint64_t **start, int32_t **place, uint32_t **tm,
                     size_t *cap, size_t *nev, int64_t person, int32_t where, int64_t when)
{
    size_t old = *cap;

    if (person < 0 || (size_t)person >= l->in->npersons || when < 0 || when > UINT32_MAX)
        return 0; /* an event of an unknown person or outside uint32 time is not traceable */
    if (grow((void **)place, cap, *nev + 1, sizeof **place) != FK_OK)
        return FK_ENOMEM;
    if (*cap != old) {
        uint32_t *nt = realloc(*tm, *cap * sizeof **tm);

        if (!nt)
            return FK_ENOMEM;
        *tm = nt;
    }
    (*start)[person + 1]++;
    (*place)[*nev] = where;
    (*tm)[*nev] = (uint32_t)when;
    (*nev)++;
    return 0;
}

struct event_load {
    struct load *l;
    int pings;
    size_t cap, n;
};

static int on_event(void *ud, const struct fk_event_row *e)
{
    struct event_load *el = ud;
    struct load *l = el->l;
    int32_t where;
    int rc;

    if (el->pings) {
        int added;
        int64_t c = fk_strmap_intern(l->t->cells, e->cell, strlen(e->cell), &added);

        if (c < 0)
            return l->rc = FK_ENOMEM;
        where = (int32_t)c;
        rc = add_event(l, &l->in->ping_start, &l->in->ping_cell, &l->in->ping_time, &el->cap,
                       &el->n, e->person, where, e->time);
    } else {
        if (e->venue < 0 || (size_t)e->venue >= l->in->nvenues)
            return 0;
        where = (int32_t)e->venue;
        rc = add_event(l, &l->in->scan_start, &l->in->scan_venue, &l->in->scan_time, &el->cap,
                       &el->n, e->person, where, e->time);
    }
    return rc ? (l->rc = rc) : 0;
}

static int on_case(void *ud, const struct fk_case_row *c)
{
    struct load *l = ud;

    if (c->person < 0 || (size_t)c->person >= l->in->npersons)
        return 0;
    if (grow((void **)&l->in->cases, &l->cap_cases, l->in->ncases + 1, sizeof *l->in->cases) !=
        FK_OK)
        return l->rc = FK_ENOMEM;
    l->in->cases[l->in->ncases++] = *c;
    return 0;
}

int fk_tracer_build(fk_store *st, const struct fk_profile *p, fk_tracer **out, char *err,
                    size_t errlen)
{
    struct fk_trace_input in;
    fk_tracer names, *t = NULL;
    struct load l;
    struct event_load scans = {&l, 0, 0, 0}, pings = {&l, 1, 0, 0};
    double t0 = mono();
    size_t i;
    int rc;

    *out = NULL;
    memset(&in, 0, sizeof in);
    memset(&names, 0, sizeof names);
    memset(&l, 0, sizeof l);
    l.t = &names;
    l.in = &in;
    names.households = fk_strmap_new();
    names.cells = fk_strmap_new();
    names.venues = fk_strmap_new();
    rc = FK_ENOMEM;
    if (!names.households || !names.cells || !names.venues)
        goto out;
    rc = fk_store_each_person_key(st, on_person, &l);
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_venue(st, on_venue, &l);
    if (rc == FK_OK && !l.rc) {
        in.scan_start = calloc(in.npersons + 1, sizeof *in.scan_start);
        in.ping_start = calloc(in.npersons + 1, sizeof *in.ping_start);
        if (!in.scan_start || !in.ping_start)
            rc = FK_ENOMEM;
    }
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_scan(st, on_event, &scans);
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_ping(st, on_event, &pings);
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_case(st, on_case, &l);
    if (rc == FK_OK && l.rc)
        rc = l.rc;
    if (rc != FK_OK)
        goto out;
    for (i = 0; i < in.npersons; i++) {
        in.scan_start[i + 1] += in.scan_start[i];
        in.ping_start[i + 1] += in.ping_start[i];
    }
    in.nhouseholds = fk_strmap_size(names.households);
    in.ncells = fk_strmap_size(names.cells);
    rc = fk_tracer_new(&in, p, &t);
    if (rc != FK_OK)
        goto out;
    t->st = st;
    t->households = names.households;
    t->cells = names.cells;
    t->venues = names.venues;
    t->venue_code = names.venue_code;
    memset(&names, 0, sizeof names);
    t->build_seconds = mono() - t0;
    *out = t;
out:
    if (rc != FK_OK)
        snprintf(err, errlen, "building the tracer: %s%s%s", fk_strerror(rc),
                 rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(st) : "");
    free_input(&in);
    fk_strmap_free(names.households);
    fk_strmap_free(names.cells);
    fk_strmap_free(names.venues);
    free(names.venue_code);
    return rc;
}

void fk_tracer_stats(const fk_tracer *t, struct fk_tracer_stats *out)
{
    size_t ns = t->in.scan_start[t->in.npersons], np = t->in.ping_start[t->in.npersons];

    out->persons = t->in.npersons;
    out->scans = ns;
    out->pings = np;
    out->venues = t->in.nvenues;
    out->cells = t->in.ncells;
    out->cases = t->in.ncases;
    out->build_seconds = t->build_seconds;
    out->bytes = ns * 16 + np * 16 + (t->in.npersons + 1) * (2 * 8 + 4 + 4 + 1) +
                 (t->in.nvenues + t->in.ncells + 2) * 8 + (t->in.nhouseholds + 1) * 4;
}

/* ---- running ---- */

/* The best reason per person: an open-addressing map person -> index into a contact array. */
struct best {
    int32_t *slots; /* index + 1, 0 empty */
    size_t nslots;
    struct fk_contact *c;
    size_t n, cap;
};

static int best_offer(struct best *b, const struct fk_contact *k)
{
    size_t mask, i;

    if (b->n * 2 >= b->nslots) {
        size_t ns = b->nslots ? b->nslots * 2 : 1024, j;
        int32_t *s = calloc(ns, sizeof *s);

        if (!s)
            return FK_ENOMEM;
        for (j = 0; j < b->n; j++) {
            size_t h = ((uint32_t)b->c[j].person * 2654435761u) & (ns - 1);

            while (s[h])
                h = (h + 1) & (ns - 1);
            s[h] = (int32_t)j + 1;
        }
        free(b->slots);
        b->slots = s;
        b->nslots = ns;
    }
    mask = b->nslots - 1;
    for (i = ((uint32_t)k->person * 2654435761u) & mask;; i = (i + 1) & mask) {
        int32_t s = b->slots[i];

        if (s == 0)
            break;
        if (b->c[s - 1].person == k->person) {
            if (fk_contact_better(k, &b->c[s - 1]))
                b->c[s - 1] = *k;
            return FK_OK;
        }
    }
    if (grow((void **)&b->c, &b->cap, b->n + 1, sizeof *b->c) != FK_OK)
        return FK_ENOMEM;
    b->c[b->n] = *k;
    b->slots[i] = (int32_t)(++b->n);
    return FK_OK;
}

/* First key >= v in a[0..n). */
static size_t lower_bound(const uint64_t *a, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Offers everyone in src's household (but src) as category cat, exposed at `at`. */
static int offer_household(const fk_tracer *t, struct best *b, int32_t src, int32_t root,
                           int cat, int64_t at)
{
    int32_t h = t->in.household[src];
    uint32_t i;
    int rc = FK_OK;

    if (h < 0)
        return FK_OK;
    for (i = t->hh_start[h]; rc == FK_OK && i < t->hh_start[h + 1]; i++) {
        struct fk_contact k;

        if (t->hh_member[i] == src)
            continue;
        memset(&k, 0, sizeof k);
        k.person = t->hh_member[i];
        k.source = src;
        k.root = root;
        k.category = (uint8_t)cat;
        k.via = FK_VIA_HOUSEHOLD;
        k.via_id = h;
        k.exposure = at;
        k.source_time = at;
        k.contact_time = at;
        rc = best_offer(b, &k);
    }
    return rc;
}

/* Offers everyone who scanned a venue within the venue window of a scan by src made in
 * [from, to], as category cat. */
static int offer_venues(const fk_tracer *t, struct best *b, int32_t src, int32_t root, int cat,
                        int64_t from, int64_t to)
{
    int64_t w = (int64_t)t->prof.venue_window_minutes * 60;
    uint64_t e;
    int rc = FK_OK;

    for (e = t->in.scan_start[src]; rc == FK_OK && e < t->in.scan_start[src + 1]; e++) {
        int64_t ts = t->in.scan_time[e], lo_t = ts - w < 0 ? 0 : ts - w, hi_t = ts + w;
        int32_t v = t->in.scan_venue[e];
        const uint64_t *key = t->venue_key + t->venue_start[v];
        size_t n = t->venue_start[v + 1] - t->venue_start[v], i;

        if (ts < from || ts > to)
            continue;
        if (hi_t > UINT32_MAX)
            hi_t = UINT32_MAX;
        for (i = lower_bound(key, n, (uint64_t)lo_t << 32); rc == FK_OK && i < n; i++) {
            int64_t tc = (int64_t)(key[i] >> 32);
            int32_t p = (int32_t)(key[i] & 0xFFFFFFFFu);
            struct fk_contact k;

            if (tc > hi_t)
                break;
            if (p == src)
                continue;
            memset(&k, 0, sizeof k);
            k.person = p;
            k.source = src;
            k.root = root;
            k.category = (uint8_t)cat;
            k.via = FK_VIA_VENUE;
            k.via_id = v;
            k.exposure = tc > ts ? tc : ts;
            k.source_time = ts;
            k.contact_time = tc;
            rc = best_offer(b, &k);
        }
    }
    return rc;
}

/* Offers everyone with a ping in the same cell and slot as a ping of the case in [from, to]. */
static int offer_companions(const fk_tracer *t, struct best *b, int32_t src, int64_t from,
                            int64_t to)
{
    int64_t slot_len = (int64_t)t->prof.companion_slot_minutes * 60;
    uint64_t e;
    int rc = FK_OK;

    for (e = t->in.ping_start[src]; rc == FK_OK && e < t->in.ping_start[src + 1]; e++) {
        int64_t ts = t->in.ping_time[e];
        uint64_t slot = (uint64_t)(ts / slot_len);
        int32_t c = t->in.ping_cell[e];
        const uint64_t *key = t->cell_key + t->cell_start[c];
        size_t n = t->cell_start[c + 1] - t->cell_start[c], i;

        if (ts < from || ts > to)
            continue;
        for (i = lower_bound(key, n, slot << 32); rc == FK_OK && i < n; i++) {
            int32_t p = (int32_t)(key[i] & 0xFFFFFFFFu);
            struct fk_contact k;

            if ((key[i] >> 32) != slot)
                break;
            if (p == src)
                continue;
            memset(&k, 0, sizeof k);
            k.person = p;
            k.source = src;
            k.root = src;
            k.category = FK_CAT_COMPANION;
            k.via = FK_VIA_CELL;
            k.via_id = c;
            k.exposure = (int64_t)slot * slot_len;
            k.source_time = ts;
            k.contact_time = k.exposure;
            rc = best_offer(b, &k);
        }
    }
    return rc;
}

static int cmp_contact(const void *a, const void *b)
{
    const struct fk_contact *x = a, *y = b;

    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    if (x->exposure != y->exposure)
        return x->exposure < y->exposure ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

int fk_tracer_run(const fk_tracer *t, const struct fk_trace_opts *o, struct fk_contact **out,
                  size_t *n, char *err, size_t errlen)
{
    struct best b;
    size_t i, j, nclose;
    struct fk_contact *closes = NULL;
    int rc = FK_OK;

    *out = NULL;
    *n = 0;
    memset(&b, 0, sizeof b);
    if (o->depth != 1 && o->depth != 2) {
        snprintf(err, errlen, "depth is 1 (close contacts and companions) or 2 (and secondary)");
        return FK_EINVAL;
    }
    for (i = 0; i < o->ncases && o->cases; i++) {
        if (o->cases[i] < 0 || (size_t)o->cases[i] >= t->in.npersons ||
            !t->is_case[o->cases[i]]) {
            snprintf(err, errlen, "person %d is not a case (import cases first)", o->cases[i]);
            return FK_ENOENT;
        }
    }
    /* Close contacts and companions of every chosen case. */
    for (i = 0; rc == FK_OK && i < t->in.ncases; i++) {
        const struct fk_case_row *c = &t->in.cases[i];
        int32_t src = (int32_t)c->person;
        int64_t ws, we;

        if (o->cases) {
            for (j = 0; j < o->ncases && o->cases[j] != src; j++)
                ;
            if (j == o->ncases)
                continue;
        }
        if (o->since && c->confirmed < o->since)
            continue;
        fk_trace_window(c, &t->prof, &ws, &we);
        rc = offer_household(t, &b, src, src, FK_CAT_CLOSE, ws);
        if (rc == FK_OK)
            rc = offer_venues(t, &b, src, src, FK_CAT_CLOSE, ws, we);
        if (rc == FK_OK)
            rc = offer_companions(t, &b, src,
                                  c->confirmed - (int64_t)t->prof.companion_days * 86400,
                                  c->confirmed);
    }
    /* Secondary contacts from each close contact, from its exposure on. The close list is copied
     * first: offers below may add to the contact array while it is walked. */
    if (rc == FK_OK && o->depth == 2) {
        for (i = 0, nclose = 0; i < b.n; i++)
            nclose += b.c[i].category == FK_CAT_CLOSE && !t->is_case[b.c[i].person];
        closes = malloc((nclose ? nclose : 1) * sizeof *closes);
        if (!closes)
            rc = FK_ENOMEM;
        for (i = 0, j = 0; rc == FK_OK && i < b.n; i++)
            if (b.c[i].category == FK_CAT_CLOSE && !t->is_case[b.c[i].person])
                closes[j++] = b.c[i];
        for (i = 0; rc == FK_OK && i < nclose; i++) {
            const struct fk_contact *k = &closes[i];

            rc = offer_household(t, &b, k->person, k->root, FK_CAT_SECONDARY, k->exposure);
            if (rc == FK_OK)
                rc = offer_venues(t, &b, k->person, k->root, FK_CAT_SECONDARY, k->exposure,
                                  INT64_MAX);
        }
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "tracing: %s", fk_strerror(rc));
        goto out;
    }
    /* Cases are not listed. */
    for (i = 0, j = 0; i < b.n; i++)
        if (!t->is_case[b.c[i].person])
            b.c[j++] = b.c[i];
    if (j > 1)
        qsort(b.c, j, sizeof *b.c, cmp_contact); /* qsort(NULL, 0) is undefined */
    *out = b.c;
    *n = j;
    b.c = NULL;
out:
    free(closes);
    free(b.slots);
    free(b.c);
    return rc;
}

/* ---- rendering ---- */

const char *fk_tracer_via(const fk_tracer *t, const struct fk_contact *c, char *buf, size_t cap)
{
    const char *kind = c->via == FK_VIA_HOUSEHOLD ? "household"
                       : c->via == FK_VIA_VENUE   ? "venue"
                       : c->via == FK_VIA_CELL    ? "cell"
                                                  : "";
    const char *code = NULL;

    if (c->via == FK_VIA_HOUSEHOLD && t->households)
        code = fk_strmap_key(t->households, c->via_id);
    else if (c->via == FK_VIA_VENUE && t->venues && t->venue_code &&
             t->venue_code[c->via_id] >= 0)
        code = fk_strmap_key(t->venues, t->venue_code[c->via_id]);
    else if (c->via == FK_VIA_CELL && t->cells)
        code = fk_strmap_key(t->cells, c->via_id);
    if (code)
        snprintf(buf, cap, "%s:%s", kind, code);
    else
        snprintf(buf, cap, "%s:%d", kind, c->via_id);
    return buf;
}

/* A person's ID number and name, copied (the store's strings live until its next call). */
struct who {
    char id[64], name[256], phone[64], grid[64];
};

static int who(const fk_tracer *t, int32_t pid, struct who *w)
{
    struct fk_person_row p;
    int rc;

    memset(w, 0, sizeof *w);
    if (!t->st) {
        snprintf(w->id, sizeof w->id, "%d", pid);
        return FK_OK;
    }
    rc = fk_store_get_person(t->st, pid, &p);
    if (rc != FK_OK)
        return rc;
    fk_strlcpy(w->id, p.id_number, sizeof w->id);
    fk_strlcpy(w->name, p.name, sizeof w->name);
    fk_strlcpy(w->phone, p.phone, sizeof w->phone);
    fk_strlcpy(w->grid, p.grid, sizeof w->grid);
    return FK_OK;
}

static const struct fk_col trace_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},     {"category", FK_COL_TEXT},
    {"source", FK_COL_TEXT},    {"via", FK_COL_TEXT},      {"exposure", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},     {"grid", FK_COL_TEXT},
};

int fk_tracer_table(const fk_tracer *t, const struct fk_contact *c, size_t n, fk_table **out,
                    char *err, size_t errlen)
{
    fk_table *tb = NULL;
    size_t i;
    int rc = fk_table_new(trace_cols, 8, &tb);

    *out = NULL;
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who p, s;
        char via[96], when[FK_TIME_RENDER_MAX];
        const char *vals[8];

        rc = who(t, c[i].person, &p);
        if (rc == FK_OK)
            rc = who(t, c[i].source, &s);
        if (rc != FK_OK)
            break;
        vals[0] = p.id;
        vals[1] = p.name;
        vals[2] = fk_category_name(c[i].category);
        vals[3] = s.id;
        vals[4] = fk_tracer_via(t, &c[i], via, sizeof via);
        vals[5] = fk_time_render(c[i].exposure, when);
        vals[6] = p.phone;
        vals[7] = p.grid;
        rc = fk_table_add(tb, vals);
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "rendering contacts: %s", fk_strerror(rc));
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

static const struct fk_col explain_cols[] = {
    {"step", FK_COL_INT}, {"role", FK_COL_TEXT}, {"id_number", FK_COL_TEXT},
    {"name", FK_COL_TEXT}, {"via", FK_COL_TEXT}, {"time", FK_COL_TEXT},
    {"detail", FK_COL_TEXT},
};

static const struct fk_contact *find_contact(const struct fk_contact *c, size_t n, int32_t p)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (c[i].person == p)
            return &c[i];
    return NULL;
}

/* One explain row for contact k (reached from its source). */
static int explain_row(const fk_tracer *t, fk_table *tb, int step, const struct fk_contact *k)
{
    struct who p, s;
    char via[96], when[FK_TIME_RENDER_MAX], a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX],
        detail[512], num[8];
    const char *vals[7];
    int rc = who(t, k->person, &p);

    if (rc == FK_OK)
        rc = who(t, k->source, &s);
    if (rc != FK_OK)
        return rc;
    fk_tracer_via(t, k, via, sizeof via);
    fk_time_render(k->source_time, a);
    fk_time_render(k->contact_time, b);
    if (k->via == FK_VIA_HOUSEHOLD)
        snprintf(detail, sizeof detail, "same household as %s %s; exposed from %s, the start "
                 "of %s's %s", s.id, s.name, a, s.id, k->category == FK_CAT_CLOSE ? "infectious "
                 "window" : "exposure");
    else if (k->via == FK_VIA_VENUE)
        snprintf(detail, sizeof detail, "%s scanned %s at %s, this person at %s: %lld min apart "
                 "(limit %d)", s.id, via + 6, a, b,
                 (long long)((k->source_time > k->contact_time ? k->source_time - k->contact_time
                                                              : k->contact_time - k->source_time) /
                             60),
                 t->prof.venue_window_minutes);
    else
        snprintf(detail, sizeof detail, "%s's phone was in cell %s at %s; this person's in the "
                 "same %d-minute slot from %s", s.id, via + 5, a, t->prof.companion_slot_minutes,
                 b);
    snprintf(num, sizeof num, "%d", step);
    vals[0] = num;
    vals[1] = fk_category_name(k->category);
    vals[2] = p.id;
    vals[3] = p.name;
    vals[4] = via;
    vals[5] = fk_time_render(k->exposure, when);
    vals[6] = detail;
    return fk_table_add(tb, vals);
}

int fk_tracer_explain(const fk_tracer *t, const struct fk_contact *c, size_t n, int32_t person,
                      fk_table **out, char *err, size_t errlen)
{
    const struct fk_contact *k = find_contact(c, n, person), *mid = NULL;
    fk_table *tb = NULL;
    size_t i;
    int rc, step = 1;

    *out = NULL;
    if (!k) {
        snprintf(err, errlen, "this person is not on the contact list");
        return FK_ENOENT;
    }
    if (k->category == FK_CAT_SECONDARY)
        mid = find_contact(c, n, k->source);
    rc = fk_table_new(explain_cols, 7, &tb);
    if (rc == FK_OK) {
        struct who r;
        int64_t ws = 0, we = 0;
        char num[8], a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX], detail[256];
        const char *vals[7];

        for (i = 0; i < t->in.ncases; i++)
            if (t->in.cases[i].person == k->root)
                fk_trace_window(&t->in.cases[i], &t->prof, &ws, &we);
        rc = who(t, k->root, &r);
        snprintf(num, sizeof num, "%d", step++);
        snprintf(detail, sizeof detail, "case; infectious window %s to %s",
                 fk_time_render(ws, a), fk_time_render(we, b));
        vals[0] = num;
        vals[1] = "case";
        vals[2] = r.id;
        vals[3] = r.name;
        vals[4] = NULL;
        vals[5] = NULL;
        vals[6] = detail;
        if (rc == FK_OK)
            rc = fk_table_add(tb, vals);
    }
    if (rc == FK_OK && mid)
        rc = explain_row(t, tb, step++, mid);
    if (rc == FK_OK)
        rc = explain_row(t, tb, step, k);
    if (rc != FK_OK) {
        snprintf(err, errlen, "explain: %s", fk_strerror(rc));
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

static const struct fk_col edge_cols[] = {
    {"from", FK_COL_TEXT},     {"from_name", FK_COL_TEXT}, {"from_category", FK_COL_TEXT},
    {"to", FK_COL_TEXT},       {"to_name", FK_COL_TEXT},   {"category", FK_COL_TEXT},
    {"via", FK_COL_TEXT},      {"exposure", FK_COL_TEXT},
};

int fk_tracer_edges(const fk_tracer *t, const struct fk_contact *c, size_t n, fk_table **out,
                    char *err, size_t errlen)
{
    fk_table *tb = NULL;
    size_t i;
    int rc = fk_table_new(edge_cols, 8, &tb);

    *out = NULL;
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who p, s;
        char via[96], when[FK_TIME_RENDER_MAX];
        const char *vals[8];

        rc = who(t, c[i].person, &p);
        if (rc == FK_OK)
            rc = who(t, c[i].source, &s);
        if (rc != FK_OK)
            break;
        vals[0] = s.id;
        vals[1] = s.name;
        /* A secondary contact's source is a close contact; every other source is a case. */
        vals[2] = c[i].category == FK_CAT_SECONDARY ? fk_category_name(FK_CAT_CLOSE) : "case";
        vals[3] = p.id;
        vals[4] = p.name;
        vals[5] = fk_category_name(c[i].category);
        vals[6] = fk_tracer_via(t, &c[i], via, sizeof via);
        vals[7] = fk_time_render(c[i].exposure, when);
        rc = fk_table_add(tb, vals);
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "chain: %s", fk_strerror(rc));
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

/* Appends one node {"id","name","category"}. */
static int json_node(fk_buf *b, const struct who *w, const char *category, int first)
{
    int rc = fk_buf_puts(b, first ? "\n{\"id\":" : ",\n{\"id\":");

    if (rc == FK_OK)
        rc = fk_buf_json_string(b, w->id);
    if (rc == FK_OK)
        rc = fk_buf_puts(b, ",\"name\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(b, w->name);
    if (rc == FK_OK)
        rc = fk_buf_puts(b, ",\"category\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(b, category);
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '}');
    return rc;
}

int fk_tracer_graph_json(const fk_tracer *t, const struct fk_contact *c, size_t n, fk_buf *out,
                         char *err, size_t errlen)
{
    uint8_t *seen = calloc(t->in.npersons ? t->in.npersons : 1, 1);
    size_t i;
    int rc = seen ? fk_buf_puts(out, "{\"nodes\":[") : FK_ENOMEM, first = 1;

    /* Cases at the roots first, then every contact. */
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who w;

        if (seen[c[i].root])
            continue;
        seen[c[i].root] = 1;
        rc = who(t, c[i].root, &w);
        if (rc == FK_OK)
            rc = json_node(out, &w, "case", first);
        first = 0;
    }
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who w;

        rc = who(t, c[i].person, &w);
        if (rc == FK_OK)
            rc = json_node(out, &w, fk_category_name(c[i].category), first);
        first = 0;
    }
    if (rc == FK_OK)
        rc = fk_buf_puts(out, "],\n\"edges\":[");
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who p, s;
        char via[96], when[FK_TIME_RENDER_MAX];

        rc = who(t, c[i].person, &p);
        if (rc == FK_OK)
            rc = who(t, c[i].source, &s);
        if (rc == FK_OK)
            rc = fk_buf_puts(out, i ? ",\n{\"from\":" : "\n{\"from\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, s.id);
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"to\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, p.id);
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"category\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_category_name(c[i].category));
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"via\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_tracer_via(t, &c[i], via, sizeof via));
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"exposure\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_time_render(c[i].exposure, when));
        if (rc == FK_OK)
            rc = fk_buf_putc(out, '}');
    }
    if (rc == FK_OK)
        rc = fk_buf_puts(out, "]}\n");
    free(seen);
    if (rc != FK_OK)
        snprintf(err, errlen, "chain: %s", fk_strerror(rc));
    return rc;
}
