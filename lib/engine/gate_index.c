/* SPDX-License-Identifier: MIT */
/* The gate-check index (fk/gate_index.h): ID numbers to persons in a table of packed keys, three
 * sample times a person, cases and orders as sorted arrays. */
#include "fk/gate_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/screening.h"
#include "fk/strmap.h"
#include "fk/zones.h"

#define SLOW UINT32_MAX /* last[]: the person's times do not fit; always the store's path */

/* One person: the packed ID number (0: an empty slot), the person's id and grid, the sampling
 * time of the latest negative, the result time of the latest positive, the latest time known
 * (SLOW: see above); 0 none. 32 bytes, two to a cache line. */
struct slot {
    uint64_t key;
    uint32_t pid;
    int32_t grid;
    uint32_t neg, pos, last, spare;
};

struct order {
    uint32_t pid;
    int64_t start, end;
};
struct kase {
    uint32_t pid;
    int64_t confirmed;
};

struct fk_gate_index {
    fk_engine *e;
    /* ID numbers: packed resident IDs (key 0: empty slot) in slots, mask + 1 of them, each with
     * its person's facts, so that a check is one cache miss; the other documents in other (value:
     * the index of their slot in oslots, nother of them). */
    struct slot *slots;
    size_t mask, nkeys;
    fk_strmap *other;
    struct slot *oslots;
    size_t nother, capother;
    size_t npid;
    struct kase *cases;
    size_t ncases, capcases;
    struct order *orders;
    size_t norders;
    struct fk_gate_lockdown *ld;
    size_t nld;
};

/* A resident ID (17 digits and a digit or X) as one integer, never 0; 0 when id is not one. */
static uint64_t pack_id(const char *id, size_t n)
{
    uint64_t k = 0;
    size_t i;
    unsigned c;

    if (n != 18)
        return 0;
    for (i = 0; i < 17; i++) {
        if (id[i] < '0' || id[i] > '9')
            return 0;
        k = k * 10 + (uint64_t)(id[i] - '0');
    }
    if (id[17] >= '0' && id[17] <= '9')
        c = (unsigned)(id[17] - '0');
    else if (id[17] == 'X')
        c = 10;
    else
        return 0;
    return k * 11 + c + 1;
}

static size_t slot_of(uint64_t k, size_t mask)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k & mask;
}

static const struct slot *find_slot(const fk_gate_index *g, const char *id, size_t n)
{
    uint64_t k = pack_id(id, n);
    size_t i;

    if (!k) {
        int64_t s = g->other ? fk_strmap_find(g->other, id, n) : -1;

        return s >= 0 ? &g->oslots[fk_strmap_value(g->other, s)] : NULL;
    }
    for (i = slot_of(k, g->mask); g->slots[i].key; i = (i + 1) & g->mask)
        if (g->slots[i].key == k)
            return &g->slots[i];
    return NULL;
}

struct build {
    fk_gate_index *g;
    int rc;
};

/* Persons: counted first (the table's size), then put. */
static int count_person(void *ud, const struct fk_person_row *p)
{
    struct build *b = ud;

    b->g->nkeys++;
    if (p->id >= 0 && (size_t)p->id + 1 > b->g->npid)
        b->g->npid = (size_t)p->id + 1;
    return 0;
}

static int put_person(void *ud, const struct fk_person_row *p)
{
    struct build *b = ud;
    fk_gate_index *g = b->g;
    size_t n = strlen(p->id_number), i;
    uint64_t k = pack_id(p->id_number, n);
    int added;
    int64_t s;

    if (p->id < 0 || (size_t)p->id >= g->npid)
        return 0;
    if (!k) {
        if (!g->other && !(g->other = fk_strmap_new()))
            goto nomem;
        s = fk_strmap_intern(g->other, p->id_number, n, &added);
        if (s < 0)
            goto nomem;
        if (added) {
            if (g->nother == g->capother) {
                size_t cap = g->capother ? g->capother * 2 : 16;
                struct slot *v = realloc(g->oslots, cap * sizeof *v);

                if (!v)
                    goto nomem;
                g->oslots = v;
                g->capother = cap;
            }
            memset(&g->oslots[g->nother], 0, sizeof g->oslots[0]);
            fk_strmap_set_value(g->other, s, (int64_t)g->nother++);
        }
        i = (size_t)fk_strmap_value(g->other, s);
        g->oslots[i].pid = (uint32_t)p->id;
        g->oslots[i].grid = fk_engine_person_grid(g->e, p->id);
        return 0;
    }
    for (i = slot_of(k, g->mask); g->slots[i].key && g->slots[i].key != k; i = (i + 1) & g->mask)
        ;
    g->slots[i].key = k;
    g->slots[i].pid = (uint32_t)p->id;
    g->slots[i].grid = fk_engine_person_grid(g->e, p->id);
    return 0;
nomem:
    b->rc = FK_ENOMEM;
    return 1;
}

static int put_case(void *ud, const struct fk_case_row *c)
{
    struct build *b = ud;
    fk_gate_index *g = b->g;
    struct kase *v;

    if (c->person < 0 || (size_t)c->person >= g->npid)
        return 0;
    if (g->ncases == g->capcases) {
        size_t cap = g->capcases ? g->capcases * 2 : 64;

        v = realloc(g->cases, cap * sizeof *v);
        if (!v) {
            b->rc = FK_ENOMEM;
            return 1;
        }
        g->cases = v;
        g->capcases = cap;
    }
    g->cases[g->ncases].pid = (uint32_t)c->person;
    g->cases[g->ncases++].confirmed = c->confirmed;
    return 0;
}

struct order_load {
    struct order *v;
    size_t n, cap, npid;
    int rc;
};

static int put_order(void *ud, const struct fk_control_row *c)
{
    struct order_load *o = ud;

    if (c->person < 0 || (size_t)c->person >= o->npid)
        return 0;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        struct order *v = realloc(o->v, cap * sizeof *v);

        if (!v) {
            o->rc = FK_ENOMEM;
            return 1;
        }
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n].pid = (uint32_t)c->person;
    o->v[o->n].start = c->start;
    o->v[o->n++].end = c->end;
    return 0;
}

static int by_case_pid(const void *a, const void *b)
{
    const struct kase *x = a, *y = b;

    return (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_order_pid(const void *a, const void *b)
{
    const struct order *x = a, *y = b;

    return (x->pid > y->pid) - (x->pid < y->pid);
}

static uint32_t fit(int64_t t, int *slow)
{
    if (t <= 0 || t >= (int64_t)SLOW) {
        *slow = 1;
        return 0;
    }
    return (uint32_t)t;
}

static void copy_times(struct slot *s, const uint32_t *t)
{
    s->neg = t[3 * s->pid];
    s->pos = t[3 * s->pid + 1];
    s->last = t[3 * s->pid + 2];
}

/* The three times of every person from the engine's per-person samples, worked out in person
 * order (the engine's index is walked in its own order) and then put in the persons' slots. */
static int fill_samples(fk_gate_index *g)
{
    struct fk_person_sample few[16], *s = few, *big = NULL;
    size_t pid, n, i, cap = sizeof few / sizeof few[0];
    uint32_t *t = calloc(3 * (g->npid + 1), sizeof *t);

    if (!t || fk_engine_person_index(g->e) != FK_OK) {
        free(t);
        return FK_ENOMEM;
    }
    for (pid = 0; pid < g->npid; pid++) {
        int64_t neg = 0, pos = 0, last = 0;
        int slow = 0;

        n = fk_engine_person_samples(g->e, (int64_t)pid, s, cap);
        if (n > cap) {
            struct fk_person_sample *v = realloc(big, n * sizeof *v);

            if (!v) {
                free(big);
                free(t);
                return FK_ENOMEM;
            }
            big = s = v;
            cap = n;
            n = fk_engine_person_samples(g->e, (int64_t)pid, s, cap);
        }
        for (i = 0; i < n; i++) {
            if (s[i].result < 0) /* no answer at any moment uses a sample without a result */
                continue;
            if (s[i].time > last)
                last = s[i].time;
            if (s[i].rtime > last)
                last = s[i].rtime;
            if (s[i].result == FK_RESULT_POSITIVE && s[i].rtime > pos)
                pos = s[i].rtime;
            else if (s[i].result == FK_RESULT_NEGATIVE && s[i].time > neg)
                neg = s[i].time;
        }
        if (!last)
            continue;
        t[3 * pid] = neg ? fit(neg, &slow) : 0;
        t[3 * pid + 1] = pos ? fit(pos, &slow) : 0;
        t[3 * pid + 2] = fit(last, &slow);
        if (slow)
            t[3 * pid + 2] = SLOW;
    }
    for (i = 0; i <= g->mask; i++)
        if (g->slots[i].key)
            copy_times(&g->slots[i], t);
    for (i = 0; i < g->nother; i++)
        copy_times(&g->oslots[i], t);
    free(big);
    free(t);
    return FK_OK;
}

int fk_gate_index_build(fk_store *st, fk_engine *e, fk_gate_index **out, char *err, size_t errlen)
{
    fk_gate_index *g = calloc(1, sizeof *g);
    struct build b = {g, FK_OK};
    size_t slots = 16;
    int rc;

    *out = NULL;
    if (!g)
        return FK_ENOMEM;
    g->e = e;
    rc = fk_store_each_person_key(st, count_person, &b);
    if (rc != FK_OK)
        goto db;
    while (slots < g->nkeys + g->nkeys / 2 + 1) /* at most two thirds full */
        slots *= 2;
    g->mask = slots - 1;
    /* two slots to a cache line, never one across two */
    g->slots = aligned_alloc(64, slots * sizeof *g->slots);
    if (!g->slots)
        goto nomem;
    memset(g->slots, 0, slots * sizeof *g->slots);
    rc = fk_store_each_person_key(st, put_person, &b);
    if (b.rc != FK_OK)
        goto nomem;
    if (rc != FK_OK)
        goto db;
    rc = fk_store_each_case(st, put_case, &b);
    if (b.rc != FK_OK)
        goto nomem;
    if (rc != FK_OK)
        goto db;
    if (g->ncases)
        qsort(g->cases, g->ncases, sizeof *g->cases, by_case_pid);
    rc = fk_gate_index_load_orders(g, st);
    if (rc == FK_OK)
        rc = fk_gate_index_load_lockdown(g, st);
    if (rc == FK_ENOMEM)
        goto nomem;
    if (rc != FK_OK)
        goto db;
    if (fill_samples(g) != FK_OK)
        goto nomem;
    *out = g;
    return FK_OK;
db:
    snprintf(err, errlen, "gate index: %s", fk_store_errmsg(st));
    fk_gate_index_free(g);
    return FK_EDB;
nomem:
    snprintf(err, errlen, "gate index: out of memory");
    fk_gate_index_free(g);
    return FK_ENOMEM;
}

void fk_gate_index_free(fk_gate_index *g)
{
    if (!g)
        return;
    free(g->slots);
    fk_strmap_free(g->other);
    free(g->oslots);
    free(g->cases);
    free(g->orders);
    free(g->ld);
    free(g);
}

int fk_gate_index_load_orders(fk_gate_index *g, fk_store *st)
{
    struct order_load o = {NULL, 0, 0, g->npid, FK_OK};
    int rc = fk_store_each_control(st, -1, put_order, &o);

    if (o.rc != FK_OK || rc != FK_OK) {
        free(o.v);
        return o.rc != FK_OK ? o.rc : FK_EDB;
    }
    /* The store walks by person then start; sorted again all the same, as the search needs */
    if (o.n) /* qsort takes no NULL, even for no rows */
        qsort(o.v, o.n, sizeof *o.v, by_order_pid);
    free(g->orders);
    g->orders = o.v;
    g->norders = o.n;
    return FK_OK;
}

int fk_gate_index_load_lockdown(fk_gate_index *g, fk_store *st)
{
    struct fk_zone *z = NULL;
    struct fk_gate_lockdown *v = NULL;
    int32_t (*r)[2] = NULL;
    size_t nz = 0, n = 0, cap = 0, i, j, k, nr;
    int rc = fk_zones_load(st, &z, &nz);

    if (rc != FK_OK)
        return rc;
    r = malloc(FK_ZONE_REGIONS_MAX * sizeof *r);
    if (!r && nz)
        rc = FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < nz; i++) {
        nr = fk_zone_ranges(g->e, &z[i], r, FK_ZONE_REGIONS_MAX);
        for (j = 0; rc == FK_OK && j < z[i].nsegs; j++) {
            if (z[i].segs[j].level != FK_ZONE_LOCKDOWN)
                continue;
            for (k = 0; k < nr; k++) {
                if (n == cap) {
                    size_t c2 = cap ? cap * 2 : 16;
                    struct fk_gate_lockdown *w = realloc(v, c2 * sizeof *w);

                    if (!w) {
                        rc = FK_ENOMEM;
                        break;
                    }
                    v = w;
                    cap = c2;
                }
                v[n].glo = r[k][0];
                v[n].ghi = r[k][1];
                v[n].from = z[i].segs[j].start;
                v[n++].until = z[i].segs[j].end;
            }
        }
    }
    if (rc == FK_OK) { /* handed over, not copied as fk_gate_index_set_lockdown does */
        free(g->ld);
        g->ld = v;
        g->nld = n;
        v = NULL;
    }
    free(v);
    free(r);
    fk_zones_free(z, nz);
    return rc;
}

int fk_gate_index_set_lockdown(fk_gate_index *g, const struct fk_gate_lockdown *ld, size_t n)
{
    struct fk_gate_lockdown *v = NULL;

    if (n) {
        v = malloc(n * sizeof *v);
        if (!v)
            return FK_ENOMEM;
        memcpy(v, ld, n * sizeof *v);
    }
    free(g->ld);
    g->ld = v;
    g->nld = n;
    return FK_OK;
}

/* The first index of v[0 .. n) whose pid is not below pid. */
#define LOWER_BOUND(v, n, want, out)                                                               \
    do {                                                                                           \
        size_t lo_ = 0, hi_ = (n);                                                                 \
        while (lo_ < hi_) {                                                                        \
            size_t mid_ = lo_ + (hi_ - lo_) / 2;                                                   \
            if ((v)[mid_].pid < (want))                                                            \
                lo_ = mid_ + 1;                                                                    \
            else                                                                                   \
                hi_ = mid_;                                                                        \
        }                                                                                          \
        (out) = lo_;                                                                               \
    } while (0)

int fk_gate_index_facts(const fk_gate_index *g, const char *id, size_t n, int64_t now,
                        struct fk_gate_facts *out)
{
    const struct slot *s = find_slot(g, id, n);
    uint32_t p;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!s)
        return 1;
    p = s->pid;
    if (s->last == SLOW || (int64_t)s->last > now)
        return 0;
    /* the samples' times count only when known by now, which the test above ensures */
    out->negative = s->neg;
    out->positive = s->pos;
    LOWER_BOUND(g->cases, g->ncases, p, i);
    if (i < g->ncases && g->cases[i].pid == p && g->cases[i].confirmed <= now &&
        g->cases[i].confirmed > out->positive)
        out->positive = g->cases[i].confirmed;
    LOWER_BOUND(g->orders, g->norders, p, i);
    for (; i < g->norders && g->orders[i].pid == p; i++)
        if (g->orders[i].start <= now && (g->orders[i].end == 0 || g->orders[i].end > now))
            out->controlled = 1;
    if (g->nld) {
        for (i = 0; i < g->nld; i++)
            if (s->grid >= g->ld[i].glo && s->grid < g->ld[i].ghi && g->ld[i].from <= now &&
                (g->ld[i].until == 0 || g->ld[i].until > now))
                out->lockdown = 1;
    }
    return 1;
}

size_t fk_gate_index_persons(const fk_gate_index *g)
{
    return g->nkeys;
}

size_t fk_gate_index_bytes(const fk_gate_index *g)
{
    return (g->mask + 1 + g->capother) * sizeof *g->slots + g->ncases * sizeof *g->cases +
           g->norders * sizeof *g->orders;
}
