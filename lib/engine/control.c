/* SPDX-License-Identifier: MIT */
/* Control answers (see fk/control.h); the actions that write are in lib/action/control.c.
 *
 * DESIGN NOTES
 * - The index holds every control order (open and released), every arrival and every person on an
 *   occupation regime as fixed-size records; strings (site, device, origin, transport) live in one
 *   buffer. Orders and occupation persons are sorted by the engine's grid index, so the orders of
 *   any region are one contiguous run (the engine numbers grids so that a region is a grid
 *   range), and a region's 四个查清 counts are one pass over its run.
 * - A person's samples and results come from the engine's per-person sample index; the index
 *   never reads the samples table itself.
 * - Arrivals follow the arrival regime only while they are not under an open order (the order's
 *   regime then applies) and until the regime's last test day has passed by one day; occupation
 *   regimes are periodic and have no start, so only their last two windows count (yesterday's
 *   missed test is overdue, today's is due).
 * - A transfer ends an order and starts one at the new place at the same moment: such a chain
 *   (an order that starts when the person's previous one of the same category ended) is one
 *   control, whose day count and regime run from the first order's start (item.first).
 * - Pharmacy buyers and fever-clinic visitors (sentinel rows with an ID number) owe one test by
 *   a deadline (fk_sen_test_deadline); they are derived from the sentinel rows, read again with
 *   the orders (a sentinel import is a control batch), rather than written as control orders: a
 *   purchase is not a control, and a changed profile deadline applies to every row at once. A
 *   buyer under an open order follows the order's regime. A buyer outside the registry has a
 *   pseudo person id (below -1, one per ID number) so the lists show them by ID; they have no
 *   samples, so their test stays due, then overdue. A buyer is listed from the purchase day until
 *   BUYER_KEEP_DAYS after the deadline's day.
 * - Risk zones (issue 18): each stretch of a zone at a level whose regime ([zone] <level>_regime)
 *   is not empty gives each of its residents a zone record (struct zres: the stretch's start and
 *   end, its level and regime), read from the store at every build (zones move the control
 *   generation). On a day, a resident follows the strictest of their records active that day
 *   (the stretch begun on or before it and not ended by it), unless under an open order (the
 *   order then applies); in 四个查清 they count once, as risk_area at home, open.
 * - Invariant: items[] is sorted by (grid, person, start); open[] has a bit per person id with an
 *   open order; zres[] is sorted by (grid, person, start). */
#include "fk/control.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fk/checkin.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/sentinel.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"
#include "fk/zones.h"

#define TESTS_MAX 80
#define SAMPLES_MAX 256
#define NOT_READ UINT32_MAX
#define BUYER_KEEP_DAYS 7

/* Where a followed person's sample times are in c->times: read from the engine on first use and
 * kept, so a second answer reads them in order instead of one random look-up per person. */
struct sref {
    uint32_t off, n; /* off NOT_READ: not read yet */
};

struct item {
    int64_t id, person, start, end;
    int64_t first; /* the start of the chain of transfers it ends (see DESIGN NOTES) */
    int32_t grid;
    uint8_t category, place, status;
    int16_t regime; /* index in prof.regimes, -1: none */
    int32_t extended;
    size_t site, device; /* offsets in strs */
    struct sref s;
    uint32_t who; /* index in who[], once named */
};

struct arrival {
    int64_t person, arrived;
    int32_t grid;
    size_t origin, transport;
    struct sref s;
    uint32_t who;
};

/* A pharmacy buyer's or fever-clinic visitor's test (see DESIGN NOTES). */
struct buyer {
    int64_t person; /* below -1: outside the registry, -2 - the ID number's index in c->outside */
    int64_t time, deadline;
    int32_t grid;
    int8_t kind; /* enum fk_sen_kind */
    struct sref s;
    uint32_t who;
};

struct occ {
    int64_t person;
    int32_t grid;
    int16_t regime;
    struct sref s;
    uint32_t who;
};

/* A resident of a risk zone during one stretch of its level (see DESIGN NOTES). */
struct zres {
    int64_t person, start, end; /* end 0: still on */
    size_t zone;                /* the zone's name, in strs */
    int32_t grid;
    int8_t level;
    int16_t regime;
    struct sref s;
    uint32_t who;
};

/* A person the records name, with what lists show of them (offsets in names) and the rank of
 * their ID number among all of them (equal numbers share a rank). */
struct who {
    int64_t person;
    uint32_t idn, name, phone, rank;
};

/* What lists show of the persons the records name and of the grids: filled once per index, on
 * its first list, and never changed after. The index and every due list made from it hold a
 * reference, so a list can be rendered after its index is gone (the server renders outside its
 * lock, while an import may replace the index and the engine). */
struct roster {
    atomic_int refs;
    struct who *who; /* sorted by person */
    size_t nwho;
    fk_buf names;    /* ID numbers, names, phones and grid codes */
    uint32_t *grank; /* grid index -> 1 + its rank by code */
    uint32_t *gcode; /* grid index -> its code's offset in names */
    size_t ngrids;
    uint32_t nogrid; /* the offset of "" in names */
};

/* One test of the due list: what its row shows, in 40 bytes. */
struct drec {
    uint32_t who;
    int32_t grid;
    int32_t first, last; /* local day numbers */
    int64_t sampled;
    int32_t day;
    int8_t regime, source, category, state, recent;
    uint16_t risk; /* 1 + the risk period an arrival came from while it lasted; 0: none */
};

/* A risk period, as an arrival's origin is matched against it. */
struct rperiod {
    char area[64], name[128];
    int level;
    int64_t start, end;
};

/* The sort key of a listed row: grid code, ID number, then lo; idx is the row. */
struct skey {
    uint64_t hi, lo;
    size_t idx;
};

struct fk_ctl {
    fk_store *st;
    fk_engine *e;
    struct fk_profile prof;
    int64_t generation, control_generation;
    struct item *items;
    size_t nitems, capitems;
    struct arrival *arr;
    size_t narr, caparr;
    struct occ *occ;
    size_t nocc, capocc;
    struct buyer *buy;
    size_t nbuy, capbuy;
    struct zres *zres; /* residents of risk zones, by (grid, person, start) */
    size_t nzres, capzres;
    fk_strmap *outside; /* the ID numbers of buyers outside the registry */
    uint64_t *open; /* bit per person id: under an open order */
    size_t npid;
    fk_buf strs;
    struct fk_person_sample samp[SAMPLES_MAX];
    int64_t stimes[SAMPLES_MAX];
    int64_t *times; /* kept sample times (struct sref) */
    size_t ntimes, captimes;
    struct roster *ros; /* NULL until the first list */
    struct drec *drows; /* the due walk's rows and sort keys, kept for the next walk */
    size_t ndrows, capdrows, capkeys, capktmp;
    struct skey *keys, *ktmp;
    struct rperiod *risk; /* the risk periods, read again for each due walk (load_risks) */
    size_t nrisk, caprisk;
};

static const char *const status_names[] = {"open", "released"};
static const char *const end_names[] = {"any", "today", "past"};

static void roster_unref(struct roster *r)
{
    if (!r || atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    free(r->who);
    free(r->grank);
    free(r->gcode);
    fk_buf_fini(&r->names);
    free(r);
}

const char *fk_ctl_status_name(int s)
{
    return s >= 0 && s < 2 ? status_names[s] : "";
}

const char *fk_ctl_end_name(int e)
{
    return e >= 0 && e <= FK_CTL_END_PAST ? end_names[e] : "";
}

int fk_ctl_end_parse(fk_slice s, int *out)
{
    int i;

    for (i = 0; i <= FK_CTL_END_PAST; i++)
        if (fk_slice_eq(s, end_names[i])) {
            *out = i;
            return FK_OK;
        }
    return FK_EINVAL;
}

int fk_ctl_status_parse(fk_slice s, int *out)
{
    s = fk_slice_trim(s);
    if (fk_slice_eqi(s, "open") || fk_slice_eq(s, "在管")) {
        *out = FK_CTL_STATUS_OPEN;
        return FK_OK;
    }
    if (fk_slice_eqi(s, "released") || fk_slice_eq(s, "解除")) {
        *out = FK_CTL_STATUS_RELEASED;
        return FK_OK;
    }
    return FK_EINVAL;
}

/* ---- building ---- */

/* Keeps s in strs; returns its offset, or (size_t)-1 when out of memory. */
static size_t keep(fk_ctl *c, const char *s)
{
    size_t off = c->strs.len;

    if (fk_buf_append(&c->strs, s, strlen(s) + 1) != FK_OK)
        return (size_t)-1;
    return off;
}

static const char *str(const fk_ctl *c, size_t off)
{
    return c->strs.data ? c->strs.data + off : "";
}

static int16_t regime_index(const struct fk_profile *p, const struct fk_regime *r)
{
    return r ? (int16_t)(r - p->regimes) : -1;
}

static int add_control(void *ud, const struct fk_control_row *k)
{
    fk_ctl *c = ud;
    struct item *it;
    const struct fk_regime *r;

    if (fk_vec_grow((void **)&c->items, &c->capitems, c->nitems + 1, sizeof *c->items) != FK_OK)
        return FK_ENOMEM;
    it = &c->items[c->nitems];
    memset(it, 0, sizeof *it);
    it->id = k->id;
    it->person = k->person;
    it->start = k->start;
    it->end = k->end;
    it->grid = fk_engine_person_grid(c->e, k->person);
    it->category = (uint8_t)k->category;
    it->place = (uint8_t)k->place;
    it->status = k->end ? FK_CTL_STATUS_RELEASED : FK_CTL_STATUS_OPEN;
    r = k->regime[0] ? fk_regime_find(&c->prof, k->regime)
                     : fk_regime_default(&c->prof, (enum fk_ctl_category)k->category);
    it->regime = regime_index(&c->prof, r);
    it->extended = k->extended;
    it->site = keep(c, k->site);
    it->device = keep(c, k->device);
    it->s.off = NOT_READ;
    if (it->site == (size_t)-1 || it->device == (size_t)-1)
        return FK_ENOMEM;
    if (!k->end && k->person >= 0 && (size_t)k->person < c->npid)
        c->open[k->person / 64] |= (uint64_t)1 << (k->person % 64);
    c->nitems++;
    return 0;
}

static int add_arrival(void *ud, const struct fk_arrival_row *a)
{
    fk_ctl *c = ud;
    struct arrival *ar;
    int32_t glo = -1, ghi;
    enum fk_level lv;
    const char *name;

    if (fk_vec_grow((void **)&c->arr, &c->caparr, c->narr + 1, sizeof *c->arr) != FK_OK)
        return FK_ENOMEM;
    ar = &c->arr[c->narr];
    ar->person = a->person;
    ar->arrived = a->arrived;
    if (!a->grid[0] || fk_engine_region_info(c->e, a->grid, &glo, &ghi, &lv, &name) != FK_OK ||
        lv != FK_LEVEL_GRID)
        glo = fk_engine_person_grid(c->e, a->person);
    ar->grid = glo;
    ar->origin = keep(c, a->origin);
    ar->transport = keep(c, a->transport);
    ar->s.off = NOT_READ;
    if (ar->origin == (size_t)-1 || ar->transport == (size_t)-1)
        return FK_ENOMEM;
    c->narr++;
    return 0;
}

static int add_occupation(void *ud, const struct fk_person_row *p)
{
    fk_ctl *c = ud;
    const struct fk_regime *r = fk_regime_for_tags(&c->prof, p->tags);

    if (!r)
        return 0;
    if (fk_vec_grow((void **)&c->occ, &c->capocc, c->nocc + 1, sizeof *c->occ) != FK_OK)
        return FK_ENOMEM;
    c->occ[c->nocc].person = p->id;
    c->occ[c->nocc].grid = fk_engine_person_grid(c->e, p->id);
    c->occ[c->nocc].regime = regime_index(&c->prof, r);
    c->occ[c->nocc].s.off = NOT_READ;
    c->nocc++;
    return 0;
}

static int add_buyer(void *ud, const struct fk_sentinel_row *r)
{
    fk_ctl *c = ud;
    struct buyer *b;
    int64_t pid = -1, deadline = fk_sen_test_deadline(&c->prof, r->kind, r->time);
    int32_t glo = -1, ghi;
    enum fk_level lv;
    const char *name;
    int rc, added;

    if (!r->id_number[0] || !deadline)
        return 0;
    rc = fk_store_find_person(c->st, r->id_number, &pid);
    if (rc == FK_ENOENT) {
        if (!c->outside && !(c->outside = fk_strmap_new()))
            return FK_ENOMEM;
        pid = fk_strmap_intern(c->outside, r->id_number, strlen(r->id_number), &added);
        if (pid < 0)
            return FK_ENOMEM;
        pid = -2 - pid;
    } else if (rc != FK_OK) {
        return rc;
    }
    if (fk_vec_grow((void **)&c->buy, &c->capbuy, c->nbuy + 1, sizeof *c->buy) != FK_OK)
        return FK_ENOMEM;
    /* Listed in the grid where the person lives; outside the registry, the sentinel's grid. */
    if (pid >= 0)
        glo = fk_engine_person_grid(c->e, pid);
    if (glo < 0 && (fk_engine_region_info(c->e, r->grid, &glo, &ghi, &lv, &name) != FK_OK ||
                    lv != FK_LEVEL_GRID))
        glo = -1;
    b = &c->buy[c->nbuy++];
    *b = (struct buyer){pid, r->time, deadline, glo, (int8_t)r->kind, {NOT_READ, 0}, 0};
    return 0;
}

/* The buyers and fever-clinic visitors of the sentinel rows, by time. */
static int load_buyers(fk_ctl *c)
{
    int rc = fk_store_each_sentinel(c->st, INT64_MIN, INT64_MAX, FK_SEN_PHARMACY, add_buyer, c);

    if (rc == FK_OK)
        rc = fk_store_each_sentinel(c->st, INT64_MIN, INT64_MAX, FK_SEN_FEVER_CLINIC, add_buyer, c);
    return rc;
}

static int load_zones(fk_ctl *c);

static int cmp_item(const void *a, const void *b)
{
    const struct item *x = a, *y = b;

    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

static int cmp_arrival(const void *a, const void *b)
{
    const struct arrival *x = a, *y = b;

    if (x->arrived != y->arrived)
        return x->arrived < y->arrived ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

static int cmp_occ(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;

    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

void fk_ctl_free(fk_ctl *c)
{
    if (!c)
        return;
    free(c->items);
    free(c->arr);
    free(c->occ);
    free(c->buy);
    free(c->zres);
    fk_strmap_free(c->outside);
    free(c->open);
    free(c->times);
    roster_unref(c->ros);
    free(c->drows);
    free(c->keys);
    free(c->ktmp);
    free(c->risk);
    fk_buf_fini(&c->strs);
    free(c);
}

/* 1 when order b carries on order a of the same person: a transfer ended a as b started. */
static int carries_on(const struct fk_control_row *a, const struct fk_control_row *b)
{
    return a->person == b->person && a->end != 0 && a->end == b->start &&
           a->category == b->category;
}

/* Each item's chain start (items sorted: a person's orders are adjacent, by start). */
static void chain_firsts(fk_ctl *c)
{
    size_t i;

    for (i = 0; i < c->nitems; i++) {
        struct item *it = &c->items[i], *pv = i ? &c->items[i - 1] : NULL;
        struct fk_control_row a, b;

        it->first = it->start;
        if (!pv)
            continue;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        a.person = pv->person;
        a.end = pv->end;
        a.category = pv->category;
        b.person = it->person;
        b.start = it->start;
        b.category = it->category;
        if (carries_on(&a, &b))
            it->first = pv->first;
    }
}

/* The arrivals and occupation records of prev, and the texts they point at, into c (empty so
 * far): what a control batch cannot change. Their samples and names are read again, or taken
 * over by fk_ctl_adopt. */
static int copy_rest(fk_ctl *c, const fk_ctl *prev)
{
    size_t i;

    if (fk_buf_append(&c->strs, prev->strs.data ? prev->strs.data : "", prev->strs.len) != FK_OK)
        return FK_ENOMEM;
    c->arr = malloc((prev->narr ? prev->narr : 1) * sizeof *c->arr);
    c->occ = malloc((prev->nocc ? prev->nocc : 1) * sizeof *c->occ);
    if (!c->arr || !c->occ)
        return FK_ENOMEM;
    if (prev->narr) /* a NULL source is undefined even for no bytes */
        memcpy(c->arr, prev->arr, prev->narr * sizeof *c->arr);
    if (prev->nocc)
        memcpy(c->occ, prev->occ, prev->nocc * sizeof *c->occ);
    c->narr = c->caparr = prev->narr;
    c->nocc = c->capocc = prev->nocc;
    for (i = 0; i < c->narr; i++)
        c->arr[i].s = (struct sref){NOT_READ, 0};
    for (i = 0; i < c->nocc; i++)
        c->occ[i].s = (struct sref){NOT_READ, 0};
    return FK_OK;
}

/* fk_ctl_build, and fk_ctl_rebuild when prev is not NULL: prev's arrivals and occupation records
 * are taken when it was built over e at the store's present generation. */
/* issue 18, daily health check-ins: a fever at a check-in puts one test on the person's regime,
 * due the day of the fever and done by a sample that day. It is kept as a buyer of kind
 * KIND_FEVER (one a person and day), so it is named, sampled and listed as buyers are. */
#define KIND_FEVER ((int8_t)-1)

static int add_fever(void *ud, const struct fk_record_value *v, size_t n)
{
    fk_ctl *c = ud;
    int64_t pid = 0, day;
    int temp = 0, rc;

    if (n < 3 || !v[0].s || !v[2].s ||
        fk_checkin_temp_parse((fk_slice){v[2].s, strlen(v[2].s)}, &temp) != FK_OK ||
        !fk_checkin_is_fever(&c->prof, temp))
        return 0;
    rc = fk_store_find_person(c->st, v[0].s, &pid);
    if (rc != FK_OK)
        return rc == FK_ENOENT ? 0 : rc;
    day = fk_local_day_start(v[1].i);
    if (c->nbuy && c->buy[c->nbuy - 1].kind == KIND_FEVER &&
        c->buy[c->nbuy - 1].person == pid && c->buy[c->nbuy - 1].time == day)
        return 0; /* the walk is by person then time: one test a person and day */
    if (fk_vec_grow((void **)&c->buy, &c->capbuy, c->nbuy + 1, sizeof *c->buy) != FK_OK)
        return FK_ENOMEM;
    c->buy[c->nbuy++] = (struct buyer){pid,        day, day + 86399, fk_engine_person_grid(c->e, pid),
                                       KIND_FEVER, {NOT_READ, 0}, 0};
    return 0;
}

static int load_fevers(fk_ctl *c)
{
    return fk_store_each_record(c->st, FK_IMPORT_CHECKINS, add_fever, c);
}

static int build(fk_store *st, fk_engine *e, const struct fk_profile *p, const fk_ctl *prev,
                 fk_ctl **out, char *err, size_t errlen)
{
    fk_ctl *c = calloc(1, sizeof *c);
    struct fk_engine_stats es;
    int64_t npersons = 0;
    int rc = FK_ENOMEM, reuse;

    *out = NULL;
    if (!c)
        goto out;
    c->st = st;
    c->e = e;
    c->prof = *p;
    fk_buf_init(&c->strs, 0);
    fk_engine_stats(e, &es);
    rc = fk_store_generation(st, &c->generation);
    if (rc == FK_OK)
        rc = fk_store_control_generation(st, &c->control_generation);
    if (rc != FK_OK)
        goto db;
    reuse = prev && prev->e == e && prev->generation == c->generation;
    /* Person ids are dense from 1; the engine's person count bounds them, plus a margin for
     * persons registered by arrivals after the engine was built. */
    c->npid = reuse ? prev->npid : es.persons + 2;
    rc = reuse ? FK_OK : fk_store_count(st, "persons", &npersons);
    if (rc != FK_OK)
        goto db;
    if ((size_t)npersons + 2 > c->npid)
        c->npid = (size_t)npersons + 2;
    c->open = calloc(c->npid / 64 + 1, sizeof *c->open);
    rc = FK_ENOMEM;
    if (!c->open || (reuse && copy_rest(c, prev) != FK_OK))
        goto out;
    rc = fk_store_each_control(st, -1, add_control, c);
    if (rc == FK_OK && !reuse)
        rc = fk_store_each_arrival(st, add_arrival, c);
    if (rc == FK_OK && !reuse)
        rc = fk_store_each_person_tagged(st, add_occupation, c);
    if (rc == FK_OK)
        rc = load_buyers(c);
    if (rc == FK_OK)
        rc = load_zones(c);
    if (rc == FK_OK)
        rc = load_fevers(c);
    if (rc != FK_OK)
        goto db;
    if (c->nitems)
        qsort(c->items, c->nitems, sizeof *c->items, cmp_item);
    chain_firsts(c);
    if (c->nocc)
        qsort(c->occ, c->nocc, sizeof *c->occ, cmp_occ);
    if (c->narr)
        qsort(c->arr, c->narr, sizeof *c->arr, cmp_arrival);
    rc = fk_engine_person_index(e);
    if (rc != FK_OK)
        goto out;
    if (reuse && (rc = fk_ctl_adopt(c, prev)) != FK_OK)
        goto db;
    *out = c;
    return FK_OK;
db:
    if (rc == FK_ENOMEM)
        goto out;
    snprintf(err, errlen, "control: %s", fk_store_errmsg(st));
    fk_ctl_free(c);
    return rc;
out:
    snprintf(err, errlen, "control: out of memory");
    fk_ctl_free(c);
    return FK_ENOMEM;
}

int fk_ctl_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_ctl **out, char *err,
                 size_t errlen)
{
    return build(st, e, p, NULL, out, err, errlen);
}

int fk_ctl_rebuild(const fk_ctl *prev, fk_store *st, fk_ctl **out, char *err, size_t errlen)
{
    return build(st, prev->e, &prev->prof, prev, out, err, errlen);
}

int fk_ctl_stale(const fk_ctl *c)
{
    int64_t g = -1, cg = -1;

    fk_store_generation(c->st, &g);
    fk_store_control_generation(c->st, &cg);
    return g != c->generation || cg != c->control_generation;
}

void fk_ctl_set_store(fk_ctl *c, fk_store *st)
{
    c->st = st;
}

void fk_ctl_built_at(const fk_ctl *c, int64_t *generation, int64_t *control_generation)
{
    *generation = c->generation;
    *control_generation = c->control_generation;
}

/* ---- helpers ---- */

/* The grid range of region (NULL: everything); FK_ENOENT with err for an unknown code. */
static int region_range(const fk_ctl *c, const char *region, int32_t *glo, int32_t *ghi, char *err,
                        size_t errlen)
{
    enum fk_level lv;
    const char *name;

    if (!region || !*region) {
        *glo = -1; /* persons without a grid count only city-wide */
        *ghi = INT32_MAX;
        return FK_OK;
    }
    if (fk_engine_region_info(c->e, region, glo, ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    return FK_OK;
}

/* First item with grid >= g. */
static size_t items_from(const fk_ctl *c, int32_t g)
{
    size_t lo = 0, hi = c->nitems;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->items[mid].grid < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int is_open(const fk_ctl *c, int64_t pid)
{
    return pid >= 0 && (size_t)pid < c->npid && (c->open[pid / 64] >> (pid % 64) & 1);
}

/* The order's status as it stood at the end of local day `today`: -1 when it starts after that
 * day (it was no order yet), open, or released (on that day or before). */
static int status_on(const struct item *it, int64_t today)
{
    if (fk_local_day(it->start) > today)
        return -1;
    return it->end && fk_local_day(it->end) <= today ? FK_CTL_STATUS_RELEASED : FK_CTL_STATUS_OPEN;
}

static const struct fk_regime *regime_at(const fk_ctl *c, int16_t i);

/* The local day of the order's planned end (the chain's first start day plus its regime's
 * duration and the days added), or -1 when its regime has none. */
static int64_t planned_end(const fk_ctl *c, const struct item *it)
{
    const struct fk_regime *r = regime_at(c, it->regime);

    if (!r || r->duration <= 0)
        return -1;
    return fk_local_day(it->first) + r->duration + it->extended;
}

static int item_matches(const fk_ctl *c, const struct item *it, const struct fk_ctl_filter *f,
                        int64_t today)
{
    int s = status_on(it, today);
    int64_t pe;

    if (s < 0 || (f->category >= 0 && it->category != f->category) ||
        (f->place >= 0 && it->place != f->place) || (f->status >= 0 && s != f->status))
        return 0;
    if (f->end == FK_CTL_END_ANY)
        return 1;
    pe = planned_end(c, it);
    if (s != FK_CTL_STATUS_OPEN || pe < 0)
        return 0;
    return f->end == FK_CTL_END_TODAY ? pe == today : pe < today;
}

/* The person's sample times, sorted, in *out (valid until the next call); returns how many. The
 * first call for a record reads them from the engine and keeps them in c->times (or, with no
 * memory to keep them, in the scratch c->stimes). */
static size_t sample_times(fk_ctl *c, int64_t pid, struct sref *ref, const int64_t **out)
{
    size_t n, i;

    if (ref->off != NOT_READ) {
        *out = c->times + ref->off;
        return ref->n;
    }
    n = fk_engine_person_samples(c->e, pid, c->samp, SAMPLES_MAX);
    if (n > SAMPLES_MAX)
        n = SAMPLES_MAX;
    for (i = 0; i < n; i++)
        c->stimes[i] = c->samp[i].time;
    *out = c->stimes;
    if (c->ntimes + n >= NOT_READ ||
        fk_vec_grow((void **)&c->times, &c->captimes, c->ntimes + n + 1, sizeof *c->times) != FK_OK)
        return n;
    memcpy(c->times + c->ntimes, c->stimes, n * sizeof *c->times);
    ref->off = (uint32_t)c->ntimes;
    ref->n = (uint32_t)n;
    c->ntimes += n;
    return n;
}

static const struct fk_regime *regime_at(const fk_ctl *c, int16_t i)
{
    return i >= 0 && i < c->prof.nregimes ? &c->prof.regimes[i] : NULL;
}

/* ---- names: who the lists show ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* The index in who[] of pid, which the records name. */
static uint32_t who_of(const struct roster *r, int64_t pid)
{
    size_t lo = 0, hi = r->nwho;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r->who[mid].person < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

static const char *name_at(const struct roster *r, uint32_t off)
{
    return r->names.data ? r->names.data + off : "";
}

/* Keeps s in names at *off. */
static int keep_name(struct roster *r, const char *s, uint32_t *off)
{
    size_t n = strlen(s) + 1;

    if (r->names.len + n > UINT32_MAX)
        return FK_ENOMEM;
    *off = (uint32_t)r->names.len;
    return fk_buf_append(&r->names, s, n);
}

/* A text and whose it is, for ranking persons by ID number and grids by code. */
struct ranked {
    const char *text;
    uint32_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    int r = strcmp(x->text, y->text);

    return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* Reads the ID numbers, names and phones not taken from a previous index (idn NOT_READ) from the
 * store, in person order inside one read transaction, and the grids' codes from the engine. */
static int read_names(fk_ctl *c, struct roster *r)
{
    size_t i;
    int rc = fk_store_read_begin(c->st);

    for (i = 0; rc == FK_OK && i < r->nwho; i++) {
        struct who *w = &r->who[i];
        struct fk_person_row p;

        if (w->idn != NOT_READ)
            continue;
        if (w->person < -1) { /* a buyer outside the registry: the ID number only */
            rc = keep_name(r, c->outside ? fk_strmap_key(c->outside, -2 - w->person) : "", &w->idn);
            if (rc == FK_OK)
                rc = keep_name(r, "", &w->name);
            if (rc == FK_OK)
                rc = keep_name(r, "", &w->phone);
            continue;
        }
        rc = fk_store_get_person(c->st, w->person, &p);
        if (rc == FK_ENOENT) {
            p.id_number = p.name = p.phone = "";
            rc = FK_OK;
        }
        if (rc == FK_OK)
            rc = keep_name(r, p.id_number, &w->idn);
        if (rc == FK_OK)
            rc = keep_name(r, p.name, &w->name);
        if (rc == FK_OK)
            rc = keep_name(r, p.phone, &w->phone);
    }
    fk_store_read_end(c->st);
    for (i = 0; rc == FK_OK && i < r->ngrids; i++)
        rc = keep_name(r, fk_engine_grid_code(c->e, (int32_t)i), &r->gcode[i]);
    if (rc == FK_OK)
        rc = keep_name(r, "", &r->nogrid);
    return rc;
}

/* Ranks the persons by ID number (who[].rank) and the grids by code (grank). */
static int rank_names(struct roster *ro)
{
    struct ranked *r;
    size_t i, n = ro->nwho > ro->ngrids ? ro->nwho : ro->ngrids;
    uint32_t rank = 0;

    r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return FK_ENOMEM;
    for (i = 0; i < ro->nwho; i++)
        r[i] = (struct ranked){name_at(ro, ro->who[i].idn), (uint32_t)i};
    qsort(r, ro->nwho, sizeof *r, cmp_ranked);
    for (i = 0; i < ro->nwho; i++) {
        if (i && strcmp(r[i].text, r[i - 1].text) != 0)
            rank++;
        ro->who[r[i].i].rank = rank;
    }
    for (i = 0; i < ro->ngrids; i++)
        r[i] = (struct ranked){name_at(ro, ro->gcode[i]), (uint32_t)i};
    qsort(r, ro->ngrids, sizeof *r, cmp_ranked);
    for (i = 0; i < ro->ngrids; i++)
        ro->grank[r[i].i] = (uint32_t)i + 1;
    free(r);
    return FK_OK;
}

/* A new roster of the persons the records name (sorted, each once), with room for the grids. */
static struct roster *roster_new(const fk_ctl *c)
{
    size_t n = c->nitems + c->narr + c->nocc + c->nbuy + c->nzres, i, k = 0;
    struct fk_engine_stats es;
    struct roster *r;
    int64_t *ids;

    if (n >= UINT32_MAX || !(r = calloc(1, sizeof *r)))
        return NULL;
    atomic_init(&r->refs, 1);
    fk_buf_init(&r->names, 0);
    fk_engine_stats(c->e, &es);
    r->ngrids = es.grids;
    r->grank = calloc(es.grids + 1, sizeof *r->grank);
    r->gcode = calloc(es.grids + 1, sizeof *r->gcode);
    ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids || !r->grank || !r->gcode) {
        free(ids);
        roster_unref(r);
        return NULL;
    }
    for (i = 0; i < c->nitems; i++)
        ids[k++] = c->items[i].person;
    for (i = 0; i < c->narr; i++)
        ids[k++] = c->arr[i].person;
    for (i = 0; i < c->nocc; i++)
        ids[k++] = c->occ[i].person;
    for (i = 0; i < c->nbuy; i++)
        ids[k++] = c->buy[i].person;
    for (i = 0; i < c->nzres; i++)
        ids[k++] = c->zres[i].person;
    qsort(ids, n, sizeof *ids, cmp_i64);
    for (i = k = 0; i < n; i++)
        if (!k || ids[i] != ids[k - 1])
            ids[k++] = ids[i];
    r->who = calloc(k ? k : 1, sizeof *r->who);
    if (!r->who) {
        free(ids);
        roster_unref(r);
        return NULL;
    }
    for (i = 0; i < k; i++)
        r->who[i] = (struct who){ids[i], NOT_READ, NOT_READ, NOT_READ, 0};
    r->nwho = k;
    free(ids);
    return r;
}

/* Makes r, filled, the index's roster: each record learns its person's place in it. */
static void attach(fk_ctl *c, struct roster *r)
{
    size_t i;

    for (i = 0; i < c->nitems; i++)
        c->items[i].who = who_of(r, c->items[i].person);
    for (i = 0; i < c->narr; i++)
        c->arr[i].who = who_of(r, c->arr[i].person);
    for (i = 0; i < c->nocc; i++)
        c->occ[i].who = who_of(r, c->occ[i].person);
    for (i = 0; i < c->nbuy; i++)
        c->buy[i].who = who_of(r, c->buy[i].person);
    for (i = 0; i < c->nzres; i++)
        c->zres[i].who = who_of(r, c->zres[i].person);
    c->ros = r;
}

/* Fills the roster once per index, on the first list that shows names: a list of millions of
 * tests then reads no row of the store and is ordered by integer keys. The records name at most
 * a few persons each, so the roster is small beside the city. */
static int ensure_names(fk_ctl *c)
{
    struct roster *r;
    int rc;

    if (c->ros)
        return FK_OK;
    r = roster_new(c);
    if (!r)
        return FK_ENOMEM;
    rc = read_names(c, r);
    if (rc == FK_OK)
        rc = rank_names(r);
    if (rc != FK_OK) {
        roster_unref(r);
        return rc;
    }
    attach(c, r);
    return FK_OK;
}

/* The names of the persons r and prev's roster both name, copied from prev (their ranks too,
 * when every person is one prev names: ranks keep their order in a subset). map[i] is person
 * i's index in prev's roster, or NOT_READ. 1 when every person was found. */
static int names_from(struct roster *r, const struct roster *prev, uint32_t *map, int *rc)
{
    size_t i;
    int all = 1;

    *rc = FK_OK;
    for (i = 0; *rc == FK_OK && i < r->nwho; i++) {
        struct who *w = &r->who[i];
        uint32_t j = who_of(prev, w->person);
        const struct who *pw = j < prev->nwho ? &prev->who[j] : NULL;

        map[i] = NOT_READ;
        /* A pseudo id (outside the registry) may name another ID number in each index. */
        if (!pw || pw->person != w->person || w->person < -1) {
            all = 0;
            continue;
        }
        map[i] = j;
        w->rank = pw->rank;
        *rc = keep_name(r, name_at(prev, pw->idn), &w->idn);
        if (*rc == FK_OK)
            *rc = keep_name(r, name_at(prev, pw->name), &w->name);
        if (*rc == FK_OK)
            *rc = keep_name(r, name_at(prev, pw->phone), &w->phone);
    }
    return all;
}

/* The sample times of a record of c's person who into *s: copied from prev's (had, through map)
 * on the person's first record, shared by the next ones (got); NOT_READ when prev had none. */
static int take_times(fk_ctl *c, const fk_ctl *prev, const uint32_t *map, const struct sref *had,
                      struct sref *got, uint32_t who, struct sref *s)
{
    const struct sref *h = map[who] != NOT_READ ? &had[map[who]] : NULL;

    if (got[who].off == NOT_READ && h && h->off != NOT_READ) {
        if (c->ntimes + h->n >= NOT_READ ||
            fk_vec_grow((void **)&c->times, &c->captimes, c->ntimes + h->n + 1, sizeof *c->times) !=
                FK_OK)
            return FK_ENOMEM;
        memcpy(c->times + c->ntimes, prev->times + h->off, h->n * sizeof *c->times);
        got[who] = (struct sref){(uint32_t)c->ntimes, h->n};
        c->ntimes += h->n;
    }
    *s = got[who];
    return FK_OK;
}

/* Each record's sample times, copied from prev's (through map, as names_from made it) for the
 * persons prev had read them for. */
static int times_from(fk_ctl *c, const fk_ctl *prev, const uint32_t *map)
{
    struct sref *had = malloc((prev->ros->nwho ? prev->ros->nwho : 1) * sizeof *had);
    struct sref *got = malloc((c->ros->nwho ? c->ros->nwho : 1) * sizeof *got);
    size_t i;
    int rc = had && got ? FK_OK : FK_ENOMEM;

    for (i = 0; rc == FK_OK && i < prev->ros->nwho; i++)
        had[i].off = NOT_READ;
    for (i = 0; rc == FK_OK && i < c->ros->nwho; i++)
        got[i].off = NOT_READ;
    for (i = 0; rc == FK_OK && i < prev->nitems; i++)
        if (prev->items[i].s.off != NOT_READ)
            had[prev->items[i].who] = prev->items[i].s;
    for (i = 0; rc == FK_OK && i < prev->narr; i++)
        if (prev->arr[i].s.off != NOT_READ)
            had[prev->arr[i].who] = prev->arr[i].s;
    for (i = 0; rc == FK_OK && i < prev->nocc; i++)
        if (prev->occ[i].s.off != NOT_READ)
            had[prev->occ[i].who] = prev->occ[i].s;
    for (i = 0; rc == FK_OK && i < c->nitems; i++)
        rc = take_times(c, prev, map, had, got, c->items[i].who, &c->items[i].s);
    for (i = 0; rc == FK_OK && i < c->narr; i++)
        rc = take_times(c, prev, map, had, got, c->arr[i].who, &c->arr[i].s);
    for (i = 0; rc == FK_OK && i < c->nocc; i++)
        rc = take_times(c, prev, map, had, got, c->occ[i].who, &c->occ[i].s);
    for (i = 0; rc == FK_OK && i < c->nbuy; i++)
        rc = take_times(c, prev, map, had, got, c->buy[i].who, &c->buy[i].s);
    for (i = 0; rc == FK_OK && i < c->nzres; i++)
        rc = take_times(c, prev, map, had, got, c->zres[i].who, &c->zres[i].s);
    free(had);
    free(got);
    return rc;
}

int fk_ctl_adopt(fk_ctl *c, const fk_ctl *prev)
{
    struct roster *r;
    uint32_t *map;
    int rc, all;

    if (!prev || !prev->ros || c->ros || prev->e != c->e || prev->generation != c->generation)
        return FK_OK;
    r = roster_new(c);
    map = r ? malloc((r->nwho ? r->nwho : 1) * sizeof *map) : NULL;
    if (!map) {
        roster_unref(r);
        return FK_ENOMEM;
    }
    all = names_from(r, prev->ros, map, &rc);
    if (rc == FK_OK)
        rc = read_names(c, r);
    if (rc == FK_OK && all)
        memcpy(r->grank, prev->ros->grank, (r->ngrids + 1) * sizeof *r->grank);
    else if (rc == FK_OK)
        rc = rank_names(r);
    if (rc != FK_OK) {
        free(map);
        roster_unref(r);
        return rc;
    }
    attach(c, r);
    rc = times_from(c, prev, map);
    free(map);
    return rc;
}

int fk_ctl_warm(fk_ctl *c)
{
    const int64_t *times;
    size_t i;
    int rc = ensure_names(c);

    if (rc != FK_OK)
        return rc;
    /* Without memory to keep them, sample_times reads them again next time: no failure. */
    for (i = 0; i < c->nitems; i++)
        if (c->items[i].status == FK_CTL_STATUS_OPEN)
            sample_times(c, c->items[i].person, &c->items[i].s, &times);
    for (i = 0; i < c->narr; i++)
        sample_times(c, c->arr[i].person, &c->arr[i].s, &times);
    for (i = 0; i < c->nocc; i++)
        sample_times(c, c->occ[i].person, &c->occ[i].s, &times);
    for (i = 0; i < c->nbuy; i++)
        sample_times(c, c->buy[i].person, &c->buy[i].s, &times);
    for (i = 0; i < c->nzres; i++)
        sample_times(c, c->zres[i].person, &c->zres[i].s, &times);
    return FK_OK;
}

static uint64_t key_hi(const fk_ctl *c, int32_t grid, uint32_t who)
{
    uint64_t g = grid >= 0 && c->ros->grank ? c->ros->grank[grid] : 0;

    return g << 32 | c->ros->who[who].rank;
}

/* A signed value as an unsigned key of the same order. */
static uint64_t key_lo(int64_t v)
{
    return (uint64_t)v ^ (uint64_t)1 << 63;
}

/* Sorts k[0..n) by (hi, lo), stably (equal keys keep their order): a least-significant-digit
 * radix sort on bytes, skipping every byte all keys share, so a list of millions is ordered in a
 * few passes with no comparison. tmp has room for n keys. */
static void sort_keys(struct skey *k, struct skey *tmp, size_t n)
{
    size_t count[16][256], i, d;
    struct skey *src = k, *dst = tmp;

    memset(count, 0, sizeof count);
    for (i = 0; i < n; i++)
        for (d = 0; d < 8; d++) {
            count[d][k[i].lo >> (8 * d) & 0xff]++;
            count[8 + d][k[i].hi >> (8 * d) & 0xff]++;
        }
    for (d = 0; d < 16; d++) {
        size_t pos[256], sum = 0, b;
        unsigned shift = (unsigned)(8 * (d % 8));
        struct skey *t;

        for (b = 0; b < 256 && count[d][b] != n; b++)
            ;
        if (b < 256) /* every key has the same byte here: nothing to order */
            continue;
        for (b = 0; b < 256; b++) {
            pos[b] = sum;
            sum += count[d][b];
        }
        for (i = 0; i < n; i++) {
            uint64_t v = d < 8 ? src[i].lo : src[i].hi;

            dst[pos[v >> shift & 0xff]++] = src[i];
        }
        t = src;
        src = dst;
        dst = t;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
}

static char *date_of_day(int64_t day, char *out)
{
    return fk_date_render(day * 86400 - FK_TZ_OFFSET, out);
}

static int fail_table(fk_table *t, int rc, const char *what, char *err, size_t errlen)
{
    fk_table_free(t);
    snprintf(err, errlen, "%s: %s", what, fk_strerror(rc));
    return rc;
}

/* ---- risk zones (issue 18; see DESIGN NOTES) ---- */

static int cmp_zres(const void *a, const void *b)
{
    const struct zres *x = a, *y = b;

    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return (x->start > y->start) - (x->start < y->start);
}

/* Adds a zone record for each resident of z's regions during stretch s, on regime r. */
static int add_zone_stretch(fk_ctl *c, const struct fk_zone *z, const struct fk_zone_seg *s,
                            int16_t regime)
{
    int32_t r[FK_ZONE_REGIONS_MAX][2];
    size_t nr = fk_zone_ranges(c->e, z, r, FK_ZONE_REGIONS_MAX), k, j, name = keep(c, z->name);

    if (name == (size_t)-1)
        return FK_ENOMEM;
    for (k = 0; k < nr; k++) {
        const int32_t *pids;
        size_t np = fk_engine_grid_residents(c->e, r[k][0], r[k][1], &pids);

        if (fk_vec_grow((void **)&c->zres, &c->capzres, c->nzres + np + 1, sizeof *c->zres) !=
            FK_OK)
            return FK_ENOMEM;
        for (j = 0; j < np; j++)
            c->zres[c->nzres++] = (struct zres){pids[j],
                                                s->start,
                                                s->end,
                                                name,
                                                fk_engine_person_grid(c->e, pids[j]),
                                                (int8_t)s->level,
                                                regime,
                                                {NOT_READ, 0},
                                                0};
    }
    return FK_OK;
}

/* The residents of every stretch of every zone whose level has a regime, sorted. */
static int load_zones(fk_ctl *c)
{
    struct fk_zone *z = NULL;
    size_t n = 0, i, k;
    int rc = fk_zones_load(c->st, &z, &n);

    for (i = 0; rc == FK_OK && i < n; i++) {
        for (k = 0; rc == FK_OK && k < z[i].nsegs; k++) {
            const struct fk_zone_seg *s = &z[i].segs[k];
            const struct fk_regime *r = fk_regime_find(&c->prof, c->prof.zone_regime[s->level]);

            if (r)
                rc = add_zone_stretch(c, &z[i], s, regime_index(&c->prof, r));
        }
    }
    fk_zones_free(z, n);
    if (rc == FK_OK && c->nzres)
        qsort(c->zres, c->nzres, sizeof *c->zres, cmp_zres);
    return rc;
}

/* First zone record with grid >= g. */
static size_t zres_from(const fk_ctl *c, int32_t g)
{
    size_t lo = 0, hi = c->nzres;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (c->zres[mid].grid < g)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The record the person of the run starting at zres[*i] follows on `today`: the strictest
 * active that day (the earliest of equals), or NULL; *i moves past the run. */
static struct zres *zone_pick(fk_ctl *c, size_t *i, int64_t today)
{
    struct zres *best = NULL;
    int64_t pid = c->zres[*i].person;

    for (; *i < c->nzres && c->zres[*i].person == pid; (*i)++) {
        struct zres *z = &c->zres[*i];

        if (fk_local_day(z->start) > today || (z->end && fk_local_day(z->end) <= today))
            continue;
        if (!best || z->level < best->level)
            best = z;
    }
    return best;
}

/* Whether filter f admits zone residents, who count as risk_area, at home, open, never with a
 * planned end. */
static int zone_admits(const struct fk_ctl_filter *f)
{
    return (f->category < 0 || f->category == FK_CTL_RISK_AREA) &&
           (f->place < 0 || f->place == FK_PLACE_HOME) &&
           (f->status < 0 || f->status == FK_CTL_STATUS_OPEN) && f->end == FK_CTL_END_ANY;
}

/* The zone record each zone resident inside grids [glo, ghi) (glo < 0: all) follows on `today`
 * under filter f, one a person, when not under an open order: what 四个查清 counts and lists.
 * Call with *i = 0 first; returns NULL at the end. */
static struct zres *zone_next(fk_ctl *c, const struct fk_ctl_filter *f, int64_t today, int32_t glo,
                              int32_t ghi, size_t *i)
{
    if (!zone_admits(f))
        return NULL;
    if (*i == 0 && glo >= 0)
        *i = zres_from(c, glo);
    while (*i < c->nzres && c->zres[*i].grid < ghi) {
        struct zres *z = zone_pick(c, i, today);

        if (z && !is_open(c, z->person))
            return z;
    }
    return NULL;
}

/* The zone residents 四个查清 counts on `today` inside grids [glo, ghi) under filter f. */
static uint32_t zone_count(fk_ctl *c, const struct fk_ctl_filter *f, int64_t today, int32_t glo,
                           int32_t ghi)
{
    uint32_t n = 0;
    size_t i = 0;

    while (zone_next(c, f, today, glo, ghi, &i))
        n++;
    return n;
}

/* ---- 四个查清 ---- */

static const struct fk_col summary_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},   {"category", FK_COL_TEXT},
    {"place", FK_COL_TEXT},  {"status", FK_COL_TEXT}, {"persons", FK_COL_INT},
};

struct summary_walk {
    fk_ctl *c;
    const struct fk_ctl_filter *f;
    int64_t today;
    fk_table *t;
};

static int summary_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct summary_walk *w = ud;
    uint32_t n[FK_CTL_NCATEGORIES][FK_PLACE_NPLACES][2];
    size_t i;
    int a, b, s, rc = FK_OK;

    memset(n, 0, sizeof n);
    for (i = items_from(w->c, glo); i < w->c->nitems && w->c->items[i].grid < ghi; i++) {
        const struct item *it = &w->c->items[i];

        if (item_matches(w->c, it, w->f, w->today) && it->category < FK_CTL_NCATEGORIES &&
            it->place < FK_PLACE_NPLACES)
            n[it->category][it->place][status_on(it, w->today)]++;
    }
    n[FK_CTL_RISK_AREA][FK_PLACE_HOME][FK_CTL_STATUS_OPEN] +=
        zone_count(w->c, w->f, w->today, glo, ghi);
    for (a = 0; a < FK_CTL_NCATEGORIES && rc == FK_OK; a++) {
        for (b = 0; b < FK_PLACE_NPLACES && rc == FK_OK; b++) {
            for (s = 0; s < 2 && rc == FK_OK; s++) {
                char cnt[16];
                const char *vals[6];

                if (!n[a][b][s])
                    continue;
                snprintf(cnt, sizeof cnt, "%u", n[a][b][s]);
                vals[0] = code;
                vals[1] = name;
                vals[2] = fk_ctl_category_name((enum fk_ctl_category)a);
                vals[3] = fk_ctl_place_name((enum fk_ctl_place)b);
                vals[4] = fk_ctl_status_name(s);
                vals[5] = cnt;
                rc = fk_table_add(w->t, vals);
            }
        }
    }
    return rc;
}

int fk_ctl_summary(fk_ctl *c, const struct fk_ctl_filter *f, enum fk_level by, int64_t today,
                   fk_table **out, char *err, size_t errlen)
{
    struct summary_walk w = {c, f, today, NULL};
    int rc;

    *out = NULL;
    rc = fk_table_new(summary_cols, 6, &w.t);
    if (rc == FK_OK)
        rc = fk_engine_each_region(c->e, f->region && *f->region ? f->region : NULL, by,
                                   summary_region, &w);
    if (rc == FK_ENOENT) {
        fk_table_free(w.t);
        snprintf(err, errlen, "unknown region %s", f->region);
        return rc;
    }
    if (rc != FK_OK)
        return fail_table(w.t, rc, "control summary", err, errlen);
    *out = w.t;
    return FK_OK;
}

/* The 四个查清 grid: categories across, as fk_ctl_grid says. */
#define GRID_COLS (FK_CTL_NCATEGORIES + 3)

/* In enum fk_ctl_category order (fk_ctl_category_name), checked by the unit test. */
static const struct fk_col grid_cols[GRID_COLS] = {
    {"region", FK_COL_TEXT},   {"name", FK_COL_TEXT},     {"case", FK_COL_INT},
    {"close", FK_COL_INT},     {"secondary", FK_COL_INT}, {"companion", FK_COL_INT},
    {"arrival", FK_COL_INT},   {"risk_area", FK_COL_INT}, {"other", FK_COL_INT},
    {"coldchain", FK_COL_INT}, {"total", FK_COL_INT},
};

struct grid_walk {
    fk_ctl *c;
    struct fk_ctl_filter f; /* the caller's, with any category */
    int64_t today;
    fk_table *t;
};

/* Adds the row of counts per category of the items of grids [glo, ghi). */
static int grid_row(struct grid_walk *w, const char *code, const char *name, int32_t glo,
                    int32_t ghi)
{
    uint32_t n[FK_CTL_NCATEGORIES], total = 0;
    char cnt[FK_CTL_NCATEGORIES + 1][16];
    const char *vals[GRID_COLS];
    size_t i;
    int a;

    memset(n, 0, sizeof n);
    for (i = glo < 0 ? 0 : items_from(w->c, glo); i < w->c->nitems && w->c->items[i].grid < ghi;
         i++) {
        const struct item *it = &w->c->items[i];

        if (item_matches(w->c, it, &w->f, w->today) && it->category < FK_CTL_NCATEGORIES) {
            n[it->category]++;
            total++;
        }
    }
    a = (int)zone_count(w->c, &w->f, w->today, glo, ghi);
    n[FK_CTL_RISK_AREA] += (uint32_t)a;
    total += (uint32_t)a;
    vals[0] = code;
    vals[1] = name;
    for (a = 0; a < FK_CTL_NCATEGORIES; a++) {
        snprintf(cnt[a], sizeof cnt[a], "%u", n[a]);
        vals[2 + a] = cnt[a];
    }
    snprintf(cnt[FK_CTL_NCATEGORIES], sizeof cnt[0], "%u", total);
    vals[2 + FK_CTL_NCATEGORIES] = cnt[FK_CTL_NCATEGORIES];
    return fk_table_add(w->t, vals);
}

static int grid_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    return grid_row(ud, code, name, glo, ghi);
}

int fk_ctl_grid(fk_ctl *c, const struct fk_ctl_filter *f, enum fk_level by, int64_t today,
                fk_table **out, char *err, size_t errlen)
{
    struct grid_walk w = {c, *f, today, NULL};
    int32_t glo, ghi;
    int rc;

    *out = NULL;
    w.f.category = -1;
    rc = region_range(c, f->region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_table_new(grid_cols, GRID_COLS, &w.t);
    if (rc == FK_OK)
        rc = fk_engine_each_region(c->e, f->region && *f->region ? f->region : NULL, by,
                                   grid_region, &w);
    /* The total row counts the region's range as fk_ctl_list reads it, so it is the length of
     * the region's list (city-wide it also holds the persons without a grid). */
    if (rc == FK_OK)
        rc = grid_row(&w, "", "total", glo, ghi);
    if (rc != FK_OK)
        return fail_table(w.t, rc, "control grid", err, errlen);
    *out = w.t;
    return FK_OK;
}

/* The earliest test not done yet of regime r followed from first to end (0: still on): its first
 * day and state (due, overdue, upcoming), or state -1 when none is left. */
static void next_test(fk_ctl *c, const struct fk_regime *r, int64_t person, int64_t first,
                      int64_t end, struct sref *s, int64_t today, int64_t *day, int *state)
{
    struct fk_test tests[TESTS_MAX];
    const int64_t *times;
    size_t n, k, ns;

    *state = -1;
    *day = 0;
    if (!r)
        return;
    ns = sample_times(c, person, s, &times);
    /* Look a window ahead of today, so the next upcoming test shows too. */
    n = fk_regime_tests(r, first, end, today + (r->every > 0 ? r->every : 63), times, ns, 0, tests,
                        TESTS_MAX);
    if (n > TESTS_MAX)
        n = TESTS_MAX;
    for (k = 0; k < n; k++) {
        if (tests[k].state == FK_TEST_DONE)
            continue;
        *day = tests[k].first;
        *state = tests[k].last < today     ? FK_TEST_OVERDUE
                 : tests[k].first <= today ? FK_TEST_DUE
                                           : FK_TEST_UPCOMING;
        return;
    }
}

static const struct fk_col list_cols[] = {
    {"id", FK_COL_INT},         {"id_number", FK_COL_TEXT},  {"name", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},     {"grid", FK_COL_TEXT},       {"category", FK_COL_TEXT},
    {"place", FK_COL_TEXT},     {"site", FK_COL_TEXT},       {"start", FK_COL_TEXT},
    {"end", FK_COL_TEXT},       {"regime", FK_COL_TEXT},     {"day", FK_COL_INT},
    {"next_test", FK_COL_TEXT}, {"test_state", FK_COL_TEXT}, {"device", FK_COL_TEXT},
    {"planned_end", FK_COL_TEXT},
};

/* A list key's idx for a zone resident's row: the zres index with this bit set. */
#define LIST_ZONE ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* One row of the list: an order it, or a zone resident z (it NULL), who has no order id, follows
 * the zone's regime from the stretch's start, has no planned end, and shows the zone's name as
 * the site. */
static int list_row(fk_ctl *c, struct item *it, struct zres *z, int64_t today, fk_table *t)
{
    const struct fk_regime *r = regime_at(c, it ? it->regime : z->regime);
    const struct who *wh = &c->ros->who[it ? it->who : z->who];
    char id[24] = "", start[FK_TIME_RENDER_MAX], end[FK_TIME_RENDER_MAX], day[16], next[16] = "",
         pend[16] = "";
    const char *vals[16];
    int64_t nd, pe = it ? planned_end(c, it) : -1, first = it ? it->first : z->start,
                end_at = it ? it->end : z->end;
    int ns = -1;

    if (!it || status_on(it, today) == FK_CTL_STATUS_OPEN)
        next_test(c, r, it ? it->person : z->person, first, end_at, it ? &it->s : &z->s, today, &nd,
                  &ns);
    if (ns >= 0)
        date_of_day(nd, next);
    if (pe >= 0)
        date_of_day(pe, pend);
    if (it)
        snprintf(id, sizeof id, "%lld", (long long)it->id);
    snprintf(day, sizeof day, "%lld", (long long)(today - fk_local_day(first)));
    vals[0] = id;
    vals[1] = name_at(c->ros, wh->idn);
    vals[2] = name_at(c->ros, wh->name);
    vals[3] = name_at(c->ros, wh->phone);
    vals[4] = fk_engine_grid_code(c->e, it ? it->grid : z->grid);
    vals[5] = fk_ctl_category_name(it ? (enum fk_ctl_category)it->category : FK_CTL_RISK_AREA);
    vals[6] = fk_ctl_place_name(it ? (enum fk_ctl_place)it->place : FK_PLACE_HOME);
    vals[7] = str(c, it ? it->site : z->zone);
    vals[8] = fk_time_render(it ? it->start : z->start, start);
    vals[9] = end_at ? fk_time_render(end_at, end) : "";
    vals[10] = r ? r->name : "";
    vals[11] = day;
    vals[12] = next;
    vals[13] = ns >= 0 ? fk_test_state_name((enum fk_test_state)ns) : "none";
    vals[14] = it ? str(c, it->device) : "";
    vals[15] = pend;
    return fk_table_add(t, vals);
}

int fk_ctl_list(fk_ctl *c, const struct fk_ctl_filter *f, int64_t today, fk_table **out, char *err,
                size_t errlen)
{
    fk_table *t = NULL;
    struct skey *k = NULL, *tmp;
    struct zres *z;
    int32_t glo, ghi;
    size_t i, j, n = 0, cap = 0;
    int rc;

    *out = NULL;
    rc = region_range(c, f->region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_table_new(list_cols, 16, &t);
    if (rc == FK_OK)
        rc = ensure_names(c);
    for (i = glo < 0 ? 0 : items_from(c, glo); rc == FK_OK && i < c->nitems; i++) {
        const struct item *it = &c->items[i];

        if (it->grid >= ghi)
            break;
        if (!item_matches(c, it, f, today))
            continue;
        if (fk_vec_grow((void **)&k, &cap, n + 1, sizeof *k) != FK_OK)
            rc = FK_ENOMEM;
        else
            k[n++] = (struct skey){key_hi(c, it->grid, it->who), key_lo(it->start), i};
    }
    /* The zone residents 四个查清 counts beside the orders (zone_count), so each count has its
     * rows. */
    for (i = 0; rc == FK_OK && (z = zone_next(c, f, today, glo, ghi, &i)) != NULL;) {
        if (fk_vec_grow((void **)&k, &cap, n + 1, sizeof *k) != FK_OK)
            rc = FK_ENOMEM;
        else
            k[n++] = (struct skey){key_hi(c, z->grid, z->who), key_lo(z->start),
                                   (size_t)(z - c->zres) | LIST_ZONE};
    }
    tmp = rc == FK_OK ? malloc((n ? n : 1) * sizeof *tmp) : NULL;
    if (rc == FK_OK && !tmp)
        rc = FK_ENOMEM;
    if (rc == FK_OK)
        sort_keys(k, tmp, n);
    for (j = 0; rc == FK_OK && j < n; j++)
        rc = k[j].idx & LIST_ZONE ? list_row(c, NULL, &c->zres[k[j].idx & ~LIST_ZONE], today, t)
                                  : list_row(c, &c->items[k[j].idx], NULL, today, t);
    free(tmp);
    free(k);
    if (rc != FK_OK)
        return fail_table(t, rc, "control list", err, errlen);
    *out = t;
    return FK_OK;
}

/* ---- regimes: the tests due ---- */

/* One person's followed regime: what the due walk visits. */
struct followed {
    int64_t person, start, end;
    int32_t grid;
    const struct fk_regime *r;
    int recent;
    int source;   /* index in source_names */
    int category; /* -1 for occupations */
    struct sref *s;
    uint32_t who; /* once named */
    int risk;     /* arrivals: 1 + the risk period it came from while it lasted; else 0 */
};

enum {
    SRC_CONTROL = 0,
    SRC_ARRIVAL,
    SRC_OCCUPATION,
    SRC_PHARMACY,
    SRC_FEVER_CLINIC,
    SRC_ZONE,
    SRC_FEVER, /* issue 18: a fever at a check-in */
    NSOURCES
};
static const char *const source_names[NSOURCES] = {
    "control", "arrival", "occupation", "pharmacy", "fever_clinic", "zone", "fever"};

typedef int (*followed_cb)(fk_ctl *c, const struct followed *fw, void *ud);

static int keep_risk(void *ud, const struct fk_risk_area_row *r)
{
    fk_ctl *c = ud;
    struct rperiod *p;

    if (c->nrisk >= UINT16_MAX - 1)
        return 0;
    if (fk_vec_grow((void **)&c->risk, &c->caprisk, c->nrisk + 1, sizeof *c->risk) != FK_OK)
        return FK_ENOMEM;
    p = &c->risk[c->nrisk++];
    fk_strlcpy(p->area, r->area, sizeof p->area);
    fk_strlcpy(p->name, r->name, sizeof p->name);
    p->level = r->level;
    p->start = r->start;
    p->end = r->end;
    return 0;
}

/* Reads the risk periods into c->risk. They are not part of the index: a risk-area import moves
 * no generation, so the index is not rebuilt for it; there are a few hundred at most. */
static int load_risks(fk_ctl *c)
{
    c->nrisk = 0;
    return fk_store_each_risk_area(c->st, keep_risk, c);
}

/* 1 + the risk period the arrival came from while it lasted (its origin inside the area, given by
 * code or name, and the arrival between the period's start and end), or 0. */
static int arrival_risk(const fk_ctl *c, const struct arrival *a)
{
    const char *origin = str(c, a->origin);
    size_t i;

    for (i = 0; i < c->nrisk; i++) {
        const struct rperiod *p = &c->risk[i];

        if (a->arrived >= p->start && (!p->end || a->arrived < p->end) &&
            (fk_origin_in_area(origin, p->area) ||
             (p->name[0] && fk_origin_in_area(origin, p->name))))
            return (int)i + 1;
    }
    return 0;
}

static int in_range(int32_t g, int32_t glo, int32_t ghi)
{
    return glo < 0 || (g >= glo && g < ghi);
}

/* Calls cb for each zone resident inside [glo, ghi) not under an open order, on the regime of
 * the zone record they follow on `today` (zone_next), from its stretch's start to its end. */
static int each_zone_followed(fk_ctl *c, int64_t today, int32_t glo, int32_t ghi, followed_cb cb,
                              void *ud)
{
    const struct fk_ctl_filter all = FK_CTL_FILTER_ALL;
    struct zres *z;
    size_t i = 0;
    int rc;

    while ((z = zone_next(c, &all, today, glo, ghi, &i)) != NULL) {
        struct followed fw;

        fw = (struct followed){z->person, z->start, z->end, z->grid, regime_at(c, z->regime),
                               0,         SRC_ZONE, FK_CTL_RISK_AREA, &z->s,  z->who,
                               0};
        rc = cb(c, &fw, ud);
        if (rc)
            return rc;
    }
    return FK_OK;
}

/* The source of buyer b's test when sources follow it, else -1: a fever's test (FK_DUE_FEVERS)
 * stands beside the person's order; a buyer's (FK_DUE_BUYERS) only when not under an open
 * order (the order's regime applies). */
static int buyer_source(const fk_ctl *c, const struct buyer *b, unsigned sources)
{
    if (b->kind == KIND_FEVER)
        return sources & FK_DUE_FEVERS ? SRC_FEVER : -1;
    if (!(sources & FK_DUE_BUYERS) || is_open(c, b->person))
        return -1;
    return b->kind == FK_SEN_PHARMACY ? SRC_PHARMACY : SRC_FEVER_CLINIC;
}

/* Calls cb for every followed person-regime of the sources inside [glo, ghi). */
static int each_followed(fk_ctl *c, unsigned sources, int64_t today, int32_t glo, int32_t ghi,
                         followed_cb cb, void *ud)
{
    size_t i;
    int rc;

    if (sources & FK_DUE_CONTROLS) {
        for (i = glo < 0 ? 0 : items_from(c, glo); i < c->nitems; i++) {
            struct item *it = &c->items[i];
            struct followed fw;

            if (it->grid >= ghi)
                break;
            if (it->status != FK_CTL_STATUS_OPEN || !regime_at(c, it->regime))
                continue;
            fw = (struct followed){
                it->person, it->first,   it->end,      it->grid, regime_at(c, it->regime),
                0,          SRC_CONTROL, it->category, &it->s,   it->who, 0};
            rc = cb(c, &fw, ud);
            if (rc)
                return rc;
        }
    }
    if (sources & FK_DUE_ARRIVALS) {
        const struct fk_regime *r = fk_regime_default(&c->prof, FK_CTL_ARRIVAL);
        int last = 0, d;

        for (d = 0; r && d < 64; d++)
            if (r->days >> d & 1)
                last = d;
        if (r && r->duration > last)
            last = r->duration;
        for (i = 0; r && i < c->narr; i++) {
            struct arrival *a = &c->arr[i];
            int64_t d0 = fk_local_day(a->arrived);
            struct followed fw;

            if (d0 > today || today > d0 + last + 1 || !in_range(a->grid, glo, ghi) ||
                is_open(c, a->person))
                continue;
            fw = (struct followed){a->person,   a->arrived,     0,     a->grid, r, 0,
                                   SRC_ARRIVAL, FK_CTL_ARRIVAL, &a->s, a->who, 0};
            fw.risk = arrival_risk(c, a);
            rc = cb(c, &fw, ud);
            if (rc)
                return rc;
        }
    }
    if (sources & FK_DUE_OCCUPATIONS) {
        for (i = 0; i < c->nocc; i++) {
            struct occ *o = &c->occ[i];
            struct followed fw;

            if (!in_range(o->grid, glo, ghi) || is_open(c, o->person))
                continue;
            /* Periodic windows aligned on day 0 of the Unix epoch, local time. */
            fw = (struct followed){o->person, -FK_TZ_OFFSET,  0,  o->grid, regime_at(c, o->regime),
                                   1,         SRC_OCCUPATION, -1, &o->s,   o->who, 0};
            rc = cb(c, &fw, ud);
            if (rc)
                return rc;
        }
    }
    if (sources & FK_DUE_ZONES) {
        rc = each_zone_followed(c, today, glo, ghi, cb, ud);
        if (rc)
            return rc;
    }
    if (sources & (FK_DUE_BUYERS | FK_DUE_FEVERS)) {
        for (i = 0; i < c->nbuy; i++) {
            struct buyer *b = &c->buy[i];
            struct followed fw;
            int source = buyer_source(c, b, sources);

            if (source < 0 || fk_local_day(b->time) > today ||
                today > fk_local_day(b->deadline) + BUYER_KEEP_DAYS || !in_range(b->grid, glo, ghi))
                continue;
            /* No regime: one test between the purchase (the fever's day) and the deadline
             * (fw.end). */
            fw = (struct followed){b->person, b->time, b->deadline, b->grid, NULL,  0, source,
                                   -1,        &b->s,   b->who,      0};
            rc = cb(c, &fw, ud);
            if (rc)
                return rc;
        }
    }
    return FK_OK;
}

/* The tests fw requires on `today` (see fk_regime_tests): its regime's, or with none the one test
 * by its deadline (fw->end). */
static size_t followed_tests(const struct followed *fw, int64_t today, const int64_t *times,
                             size_t ns, struct fk_test *out, size_t cap)
{
    if (fw->r)
        return fk_regime_tests(fw->r, fw->start, fw->end, today, times, ns, fw->recent, out, cap);
    return cap ? (size_t)fk_deadline_test(fw->start, fw->end, today, times, ns, out) : 0;
}

static const struct fk_col due_cols[] = {
    {"id_number", FK_COL_TEXT},  {"name", FK_COL_TEXT},   {"phone", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},       {"source", FK_COL_TEXT}, {"category", FK_COL_TEXT},
    {"regime", FK_COL_TEXT},     {"day", FK_COL_INT},     {"window_start", FK_COL_TEXT},
    {"window_end", FK_COL_TEXT}, {"state", FK_COL_TEXT},  {"sampled", FK_COL_TEXT},
    {"risk_area", FK_COL_TEXT},
};

struct due_walk {
    unsigned states;
    int64_t today;
};

/* Appends the tests of one followed person, of the states asked for, to c->drows. */
static int due_row(fk_ctl *c, const struct followed *fw, void *ud)
{
    const struct due_walk *w = ud;
    struct fk_test tests[TESTS_MAX];
    const int64_t *times;
    size_t n, k, ns = sample_times(c, fw->person, fw->s, &times);
    int8_t regime = (int8_t)regime_index(&c->prof, fw->r);

    n = followed_tests(fw, w->today, times, ns, tests, TESTS_MAX);
    if (n > TESTS_MAX)
        n = TESTS_MAX;
    if (fk_vec_grow((void **)&c->drows, &c->capdrows, c->ndrows + n + 1, sizeof *c->drows) != FK_OK)
        return FK_ENOMEM;
    for (k = 0; k < n; k++) {
        if (!(w->states >> tests[k].state & 1))
            continue;
        c->drows[c->ndrows++] = (struct drec){fw->who,
                                              fw->grid,
                                              (int32_t)tests[k].first,
                                              (int32_t)tests[k].last,
                                              tests[k].sampled,
                                              (int32_t)tests[k].day,
                                              regime,
                                              (int8_t)fw->source,
                                              (int8_t)fw->category,
                                              (int8_t)tests[k].state,
                                              (int8_t)fw->recent,
                                              (uint16_t)fw->risk};
    }
    return FK_OK;
}

/* A due list: its tests in list order and what their rows show; the rows are made when read. */
struct due_answer {
    struct roster *ros;
    struct drec *rows;
    char regime[FK_REGIMES_MAX][FK_NAME_MAX];
    char (*risk)[256]; /* what the risk_area column says of each risk period */
};

static void due_answer_free(void *ud)
{
    struct due_answer *a = ud;

    roster_unref(a->ros);
    free(a->rows);
    free(a->risk);
    free(a);
}

/* d in decimal at out (16 bytes); by hand, as it is written on millions of rows. */
static const char *day_text(int32_t d, char *out)
{
    char *p = out + 15;
    uint32_t v = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;

    *p = '\0';
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (d < 0)
        *--p = '-';
    return p;
}

/* The cells of a due list's row (fk_table_row_fn). */
static void due_cells(const void *ud, size_t row, const char **v, char *scratch)
{
    const struct due_answer *a = ud;
    const struct drec *d = &a->rows[row];
    const struct roster *r = a->ros;
    const struct who *wh = &r->who[d->who];
    char *day = scratch, *first = scratch + 16, *last = scratch + 32, *when = scratch + 48;

    v[0] = name_at(r, wh->idn);
    v[1] = name_at(r, wh->name);
    v[2] = name_at(r, wh->phone);
    v[3] = name_at(r, d->grid >= 0 && (size_t)d->grid < r->ngrids ? r->gcode[d->grid] : r->nogrid);
    v[4] = source_names[d->source];
    v[5] = d->category >= 0 ? fk_ctl_category_name((enum fk_ctl_category)d->category) : "";
    v[6] = d->regime >= 0 && d->regime < FK_REGIMES_MAX ? a->regime[d->regime] : "";
    v[7] = d->recent ? "" : day_text(d->day, day);
    v[8] = date_of_day(d->first, first);
    v[9] = date_of_day(d->last, last);
    v[10] = fk_test_state_name((enum fk_test_state)d->state);
    v[11] = d->sampled ? fk_time_render(d->sampled, when) : "";
    v[12] = d->risk ? a->risk[d->risk - 1] : "";
}

/* The walk's rows in list order (grid code, ID number, window; ties in walk order), in a new
 * answer that shares the roster. The sort keys are the index's, kept for the next list. */
static int due_answer_new(fk_ctl *c, struct due_answer **out)
{
    size_t n = c->ndrows, i;
    struct due_answer *a;
    int16_t g;

    *out = NULL;
    if (fk_vec_grow((void **)&c->keys, &c->capkeys, n + 1, sizeof *c->keys) != FK_OK ||
        fk_vec_grow((void **)&c->ktmp, &c->capktmp, n + 1, sizeof *c->ktmp) != FK_OK)
        return FK_ENOMEM;
    a = calloc(1, sizeof *a);
    if (a) {
        a->rows = malloc((n ? n : 1) * sizeof *a->rows);
        a->risk = malloc((c->nrisk ? c->nrisk : 1) * sizeof *a->risk);
    }
    if (!a || !a->rows || !a->risk) {
        if (a) {
            free(a->rows);
            free(a->risk);
        }
        free(a);
        return FK_ENOMEM;
    }
    for (i = 0; i < c->nrisk; i++) {
        const struct rperiod *p = &c->risk[i];
        char d[16];

        snprintf(a->risk[i], sizeof a->risk[i], "from a current risk area: %s%s%s (%s since %s)",
                 p->area, p->name[0] ? " " : "", p->name,
                 fk_risk_level_name((enum fk_risk_level)p->level), fk_date_render(p->start, d));
    }
    for (i = 0; i < n; i++) {
        const struct drec *d = &c->drows[i];

        c->keys[i] = (struct skey){key_hi(c, d->grid, d->who), key_lo(d->first), i};
    }
    sort_keys(c->keys, c->ktmp, n);
    for (i = 0; i < n; i++)
        a->rows[i] = c->drows[c->keys[i].idx];
    for (g = 0; g < c->prof.nregimes && g < FK_REGIMES_MAX; g++)
        memcpy(a->regime[g], c->prof.regimes[g].name, FK_NAME_MAX);
    atomic_fetch_add(&c->ros->refs, 1);
    a->ros = c->ros;
    *out = a;
    return FK_OK;
}

int fk_ctl_due(fk_ctl *c, const char *region, unsigned sources, unsigned states, int64_t today,
               fk_table **out, char *err, size_t errlen)
{
    struct due_walk w = {states ? states : 7u, today};
    struct due_answer *a = NULL;
    int32_t glo, ghi;
    int rc;

    *out = NULL;
    rc = region_range(c, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    c->ndrows = 0;
    rc = ensure_names(c);
    if (rc == FK_OK)
        rc = load_risks(c);
    if (rc == FK_OK)
        rc = each_followed(c, sources, today, glo, ghi, due_row, &w);
    if (rc == FK_OK)
        rc = due_answer_new(c, &a);
    if (rc == FK_OK)
        rc = fk_table_new_view(due_cols, 13, c->ndrows, due_cells, a, due_answer_free, out);
    if (rc != FK_OK)
        return fail_table(NULL, rc, "regime due", err, errlen);
    return FK_OK;
}

struct risk_walk_ids {
    int64_t *ids;
    size_t n, cap;
};

static int risk_person(fk_ctl *c, const struct followed *fw, void *ud)
{
    struct risk_walk_ids *w = ud;

    (void)c;
    if (!fw->risk)
        return FK_OK;
    if (fk_vec_grow((void **)&w->ids, &w->cap, w->n + 1, sizeof *w->ids) != FK_OK)
        return FK_ENOMEM;
    w->ids[w->n++] = fw->person;
    return FK_OK;
}

int fk_ctl_risk_arrivals(fk_ctl *c, const char *region, int64_t today, int64_t **out, size_t *n,
                         char *err, size_t errlen)
{
    struct risk_walk_ids w = {NULL, 0, 0};
    int32_t glo, ghi;
    int rc;

    *out = NULL;
    *n = 0;
    rc = region_range(c, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = load_risks(c);
    if (rc == FK_OK)
        rc = each_followed(c, FK_DUE_ARRIVALS, today, glo, ghi, risk_person, &w);
    if (rc != FK_OK) {
        free(w.ids);
        snprintf(err, errlen, "arrivals: %s",
                 rc == FK_EDB ? fk_store_errmsg(c->st) : fk_strerror(rc));
        return rc;
    }
    *out = w.ids;
    *n = w.n;
    return FK_OK;
}

struct by_walk {
    int64_t today;
    unsigned states;
    uint32_t *persons, *done, *due, *overdue; /* per grid */
    int32_t ngrid;
    fk_table *t;
};

static int by_count(fk_ctl *c, const struct followed *fw, void *ud)
{
    struct by_walk *w = ud;
    struct fk_test tests[TESTS_MAX];
    const int64_t *times;
    size_t n, k, ns;

    if (fw->grid < 0 || fw->grid >= w->ngrid)
        return FK_OK;
    ns = sample_times(c, fw->person, fw->s, &times);
    n = followed_tests(fw, w->today, times, ns, tests, TESTS_MAX);
    if (n > TESTS_MAX)
        n = TESTS_MAX;
    /* With states asked for, a person counts when one of their tests is in one of them. */
    for (k = 0; w->states != 7u && k < n && !(w->states >> tests[k].state & 1); k++)
        ;
    if (k == n && w->states != 7u)
        return FK_OK;
    w->persons[fw->grid]++;
    for (k = 0; k < n; k++) {
        if (!(w->states >> tests[k].state & 1))
            continue;
        if (tests[k].state == FK_TEST_DONE)
            w->done[fw->grid]++;
        else if (tests[k].state == FK_TEST_DUE)
            w->due[fw->grid]++;
        else if (tests[k].state == FK_TEST_OVERDUE)
            w->overdue[fw->grid]++;
    }
    return FK_OK;
}

static const struct fk_col by_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"persons", FK_COL_INT},
    {"done", FK_COL_INT},    {"due", FK_COL_INT},   {"overdue", FK_COL_INT},
};

static int by_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct by_walk *w = ud;
    uint64_t sum[4] = {0, 0, 0, 0};
    char v[4][24];
    const char *vals[6];
    int32_t g;
    int i;

    for (g = glo; g < ghi && g < w->ngrid; g++) {
        sum[0] += w->persons[g];
        sum[1] += w->done[g];
        sum[2] += w->due[g];
        sum[3] += w->overdue[g];
    }
    vals[0] = code;
    vals[1] = name;
    for (i = 0; i < 4; i++) {
        snprintf(v[i], sizeof v[i], "%llu", (unsigned long long)sum[i]);
        vals[2 + i] = v[i];
    }
    return fk_table_add(w->t, vals);
}

int fk_ctl_due_by(fk_ctl *c, const char *region, enum fk_level by, unsigned sources,
                  unsigned states, int64_t today, fk_table **out, char *err, size_t errlen)
{
    struct fk_engine_stats es;
    struct by_walk w;
    int32_t glo, ghi;
    int rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    rc = region_range(c, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    fk_engine_stats(c->e, &es);
    w.today = today;
    w.states = states ? states & 7u : 7u;
    w.ngrid = (int32_t)es.grids;
    w.persons = calloc(es.grids + 1, sizeof *w.persons);
    w.done = calloc(es.grids + 1, sizeof *w.done);
    w.due = calloc(es.grids + 1, sizeof *w.due);
    w.overdue = calloc(es.grids + 1, sizeof *w.overdue);
    rc = w.persons && w.done && w.due && w.overdue ? fk_table_new(by_cols, 6, &w.t) : FK_ENOMEM;
    if (rc == FK_OK)
        rc = each_followed(c, sources, today, glo, ghi, by_count, &w);
    if (rc == FK_OK)
        rc = fk_engine_each_region(c->e, region && *region ? region : NULL, by, by_region, &w);
    free(w.persons);
    free(w.done);
    free(w.due);
    free(w.overdue);
    if (rc != FK_OK)
        return fail_table(w.t, rc, "regime due", err, errlen);
    *out = w.t;
    return FK_OK;
}

/* ---- arrivals and 倒查 ---- */

static const struct fk_col arrival_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},    {"phone", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},      {"arrived", FK_COL_TEXT}, {"origin", FK_COL_TEXT},
    {"transport", FK_COL_TEXT}, {"control", FK_COL_TEXT},
};

/* What an area given by a user stands for: the text itself and the code and name of every risk
 * area whose code or name it is, so "北京市朝阳区" finds the arrivals from 110105 and back. */
#define AREA_KEYS_MAX 8
struct area_keys {
    char key[AREA_KEYS_MAX][128];
    int n;
};

static void add_key(struct area_keys *k, const char *s)
{
    int i;

    if (!*s || k->n == AREA_KEYS_MAX || strlen(s) >= sizeof k->key[0])
        return;
    for (i = 0; i < k->n; i++)
        if (strcmp(k->key[i], s) == 0)
            return;
    fk_strlcpy(k->key[k->n++], s, sizeof k->key[0]);
}

static int collect_keys(void *ud, const struct fk_risk_area_row *r)
{
    struct area_keys *k = ud;

    if (strcmp(r->area, k->key[0]) == 0 || (r->name[0] && strcmp(r->name, k->key[0]) == 0)) {
        add_key(k, r->area);
        add_key(k, r->name);
    }
    return 0;
}

/* The keys of area (NULL: none, k->n 0). FK_OK or the store's error. */
static int area_keys(fk_store *st, const char *area, struct area_keys *k)
{
    k->n = 0;
    if (!area)
        return FK_OK;
    add_key(k, area);
    return k->n ? fk_store_each_risk_area(st, collect_keys, k) : FK_OK;
}

static int origin_in(const char *origin, const struct area_keys *k)
{
    int i;

    for (i = 0; i < k->n; i++)
        if (fk_origin_in_area(origin, k->key[i]))
            return 1;
    return 0;
}

static int arrival_in(const fk_ctl *c, const struct arrival *a, int32_t glo, int32_t ghi,
                      const struct area_keys *area, int64_t from, int64_t to)
{
    return in_range(a->grid, glo, ghi) && (!from || a->arrived >= from) &&
           (!to || a->arrived <= to) && (!area->n || origin_in(str(c, a->origin), area));
}

/* "category/place since DATE" of the person's open control, or "". */
static void open_control(const fk_ctl *c, int64_t pid, char *out, size_t cap)
{
    size_t i;

    out[0] = '\0';
    if (!is_open(c, pid))
        return;
    for (i = items_from(c, fk_engine_person_grid(c->e, pid)); i < c->nitems; i++) {
        const struct item *it = &c->items[i];
        char d[16];

        if (it->grid != fk_engine_person_grid(c->e, pid))
            break;
        if (it->person != pid || it->status != FK_CTL_STATUS_OPEN)
            continue;
        snprintf(out, cap, "%s/%s since %s",
                 fk_ctl_category_name((enum fk_ctl_category)it->category),
                 fk_ctl_place_name((enum fk_ctl_place)it->place), fk_date_render(it->start, d));
        return;
    }
    snprintf(out, cap, "open");
}

int fk_ctl_arrivals(fk_ctl *c, const char *region, const char *area, int64_t from, int64_t to,
                    fk_table **out, char *err, size_t errlen)
{
    struct area_keys ak;
    fk_table *t = NULL;
    int32_t glo, ghi;
    size_t i;
    int rc;

    *out = NULL;
    rc = region_range(c, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    if (area_keys(c->st, area, &ak) != FK_OK) {
        snprintf(err, errlen, "risk areas: %s", fk_store_errmsg(c->st));
        return FK_EDB;
    }
    rc = fk_table_new(arrival_cols, 8, &t);
    if (rc == FK_OK)
        rc = ensure_names(c);
    for (i = 0; rc == FK_OK && i < c->narr; i++) {
        const struct arrival *a = &c->arr[i];
        const struct who *wh = &c->ros->who[a->who];
        char when[FK_TIME_RENDER_MAX], ctl[96];
        const char *vals[8];

        if (!arrival_in(c, a, glo, ghi, &ak, from, to))
            continue;
        open_control(c, a->person, ctl, sizeof ctl);
        vals[0] = name_at(c->ros, wh->idn);
        vals[1] = name_at(c->ros, wh->name);
        vals[2] = name_at(c->ros, wh->phone);
        vals[3] = fk_engine_grid_code(c->e, a->grid);
        vals[4] = fk_time_render(a->arrived, when);
        vals[5] = str(c, a->origin);
        vals[6] = str(c, a->transport);
        vals[7] = ctl;
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK)
        return fail_table(t, rc, "arrivals", err, errlen);
    *out = t;
    return FK_OK;
}

int fk_ctl_arrival_persons(fk_ctl *c, const char *region, const char *area, int64_t from,
                           int64_t to, int64_t **out, size_t *n)
{
    char err[128];
    struct area_keys ak;
    int32_t glo, ghi;
    size_t i, k = 0;
    int64_t *ids;
    int rc = region_range(c, region, &glo, &ghi, err, sizeof err);

    *out = NULL;
    *n = 0;
    if (rc != FK_OK)
        return rc;
    if (area_keys(c->st, area, &ak) != FK_OK)
        return FK_EDB;
    ids = malloc((c->narr ? c->narr : 1) * sizeof *ids);
    if (!ids)
        return FK_ENOMEM;
    for (i = 0; i < c->narr; i++)
        if (arrival_in(c, &c->arr[i], glo, ghi, &ak, from, to))
            ids[k++] = c->arr[i].person;
    *out = ids;
    *n = k;
    return FK_OK;
}

struct latest_area {
    const char *area;
    int found;
    int64_t start;
};

static int find_area(void *ud, const struct fk_risk_area_row *r)
{
    struct latest_area *la = ud;

    if ((strcmp(r->area, la->area) == 0 || (r->name[0] && strcmp(r->name, la->area) == 0)) &&
        (!la->found || r->start > la->start)) {
        la->found = 1;
        la->start = r->start;
    }
    return 0;
}

int fk_risk_backcheck_window(fk_store *st, const struct fk_profile *p, const char *area,
                             int64_t *from, int64_t *to, char *err, size_t errlen)
{
    struct latest_area la = {area, 0, 0};
    int rc = fk_store_each_risk_area(st, find_area, &la);

    *from = *to = 0;
    if (rc != FK_OK) {
        snprintf(err, errlen, "risk areas: %s", fk_store_errmsg(st));
        return rc;
    }
    if (!la.found) {
        snprintf(err, errlen, "no risk period of area %s (import risk_areas first)", area);
        return FK_ENOENT;
    }
    *from = la.start - (int64_t)p->backcheck_days * 86400;
    *to = la.start;
    return FK_OK;
}

static const struct fk_col risk_cols[] = {
    {"area", FK_COL_TEXT}, {"level", FK_COL_TEXT},          {"start", FK_COL_TEXT},
    {"end", FK_COL_TEXT},  {"backcheck_from", FK_COL_TEXT}, {"backcheck_to", FK_COL_TEXT},
    {"name", FK_COL_TEXT},
};

struct risk_walk {
    const struct fk_profile *p;
    fk_table *t;
};

static int risk_row(void *ud, const struct fk_risk_area_row *r)
{
    struct risk_walk *w = ud;
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX], c[FK_TIME_RENDER_MAX], d[FK_TIME_RENDER_MAX];
    const char *vals[7];

    vals[0] = r->area;
    vals[1] = fk_risk_level_name((enum fk_risk_level)r->level);
    vals[2] = fk_time_render(r->start, a);
    vals[3] = r->end ? fk_time_render(r->end, b) : "";
    vals[4] = fk_time_render(r->start - (int64_t)w->p->backcheck_days * 86400, c);
    vals[5] = fk_time_render(r->start, d);
    vals[6] = r->name;
    return fk_table_add(w->t, vals);
}

int fk_risk_area_list(fk_store *st, const struct fk_profile *p, fk_table **out, char *err,
                      size_t errlen)
{
    struct risk_walk w = {p, NULL};
    int rc = fk_table_new(risk_cols, 7, &w.t);

    *out = NULL;
    if (rc == FK_OK)
        rc = fk_store_each_risk_area(st, risk_row, &w);
    if (rc != FK_OK) {
        snprintf(err, errlen, "risk areas: %s",
                 rc == FK_EDB ? fk_store_errmsg(st) : fk_strerror(rc));
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}

/* ---- alerts ---- */

static const struct fk_col alert_cols[] = {
    {"id", FK_COL_INT},      {"kind", FK_COL_TEXT},   {"id_number", FK_COL_TEXT},
    {"name", FK_COL_TEXT},   {"grid", FK_COL_TEXT},   {"time", FK_COL_TEXT},
    {"device", FK_COL_TEXT}, {"detail", FK_COL_TEXT}, {"status", FK_COL_TEXT},
    {"who", FK_COL_TEXT},    {"note", FK_COL_TEXT},   {"updated", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},  {"worker", FK_COL_TEXT}, {"worker_phone", FK_COL_TEXT},
};

struct alert_walk {
    fk_engine *e;
    int64_t now;
    int status;
    int32_t glo, ghi;
    int hq; /* the region is a city or above: alerts of no person (a cold-chain batch) too */
    fk_table *t;
    struct fk_alert_row *rows;
    size_t n, cap;
    fk_buf strs;
};

/* A sentinel alert's region (its device is "REGION/KIND"): its grid range into *glo, *ghi;
 * 0 when the region is unknown. */
static int sentinel_alert_range(const fk_engine *e, const char *device, int32_t *glo,
                                int32_t *ghi)
{
    char code[FK_REGION_CODE_MAX + 8];
    const char *slash = strchr(device, '/'), *name;
    enum fk_level lv;

    if (!slash || (size_t)(slash - device) >= sizeof code)
        return 0;
    memcpy(code, device, (size_t)(slash - device));
    code[slash - device] = '\0';
    return fk_engine_region_info(e, code, glo, ghi, &lv, &name) == FK_OK;
}

int fk_alert_inside(const fk_engine *e, const struct fk_alert_row *a, int32_t glo, int32_t ghi,
                    int hq)
{
    int32_t g, lo, hi;

    if (glo < 0)
        return 1;
    if (a->kind == FK_ALERT_SENTINEL)
        return sentinel_alert_range(e, a->device, &lo, &hi) && lo >= glo && hi <= ghi && lo < hi;
    if (a->person < 0)
        return hq; /* a cold-chain batch names no person: the city's headquarters handles it */
    g = fk_engine_person_grid(e, a->person);
    return g >= glo && g < ghi;
}

static int collect_alert(void *ud, const struct fk_alert_row *a)
{
    struct alert_walk *w = ud;
    struct fk_alert_row *r;
    int rc;

    if (!fk_alert_inside(w->e, a, w->glo, w->ghi, w->hq) || a->time > w->now)
        return 0;
    /* As of now: one handled later was still open then. */
    if (w->status >= 0 && (a->updated > w->now ? FK_ALERT_OPEN : a->status) != w->status)
        return 0;
    if (fk_vec_grow((void **)&w->rows, &w->cap, w->n + 1, sizeof *w->rows) != FK_OK)
        return FK_ENOMEM;
    r = &w->rows[w->n];
    *r = *a;
    /* Strings as offsets into strs for now; turned into pointers once the walk is over. */
    r->device = (const char *)(uintptr_t)w->strs.len;
    rc = fk_buf_append(&w->strs, a->device, strlen(a->device) + 1);
    r->detail = (const char *)(uintptr_t)w->strs.len;
    rc |= fk_buf_append(&w->strs, a->detail, strlen(a->detail) + 1);
    r->who = (const char *)(uintptr_t)w->strs.len;
    rc |= fk_buf_append(&w->strs, a->who, strlen(a->who) + 1);
    r->note = (const char *)(uintptr_t)w->strs.len;
    rc |= fk_buf_append(&w->strs, a->note, strlen(a->note) + 1);
    if (rc != FK_OK)
        return FK_ENOMEM;
    if (a->updated > w->now) {
        /* Handled after now: open then, by nobody yet (the note's final NUL: an empty string). */
        r->status = FK_ALERT_OPEN;
        r->who = r->note = (const char *)(uintptr_t)(w->strs.len - 1);
        r->updated = 0;
    }
    w->n++;
    return 0;
}

int fk_alert_list(fk_store *st, fk_engine *e, const char *region, int status, fk_table **out,
                  char *err, size_t errlen)
{
    return fk_alert_list_at(st, e, region, status, INT64_MAX, out, err, errlen);
}

int fk_alert_list_at(fk_store *st, fk_engine *e, const char *region, int status, int64_t now,
                     fk_table **out, char *err, size_t errlen)
{
    struct alert_walk w;
    enum fk_level lv;
    const char *rname;
    size_t i;
    int rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    w.e = e;
    w.now = now;
    w.status = status;
    w.glo = -1;
    fk_buf_init(&w.strs, 0);
    if (region && *region &&
        fk_engine_region_info(e, region, &w.glo, &w.ghi, &lv, &rname) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    w.hq = region && *region && lv <= FK_LEVEL_CITY;
    /* Open as of now includes those handled since: the status is filtered after the cut. */
    rc = fk_store_each_alert(st, status == FK_ALERT_OPEN && now != INT64_MAX ? -1 : status,
                             collect_alert, &w);
    if (rc == FK_OK)
        rc = fk_table_new(alert_cols, 15, &w.t);
    for (i = w.n; rc == FK_OK && i-- > 0;) {
        const struct fk_alert_row *a = &w.rows[i];
        char id[24], idn[64], name[256], when[FK_TIME_RENDER_MAX], upd[FK_TIME_RENDER_MAX],
            phone[64], worker[256], wphone[64];
        const char *grid = fk_engine_grid_code(e, fk_engine_person_grid(e, a->person));
        struct fk_person_row p;
        struct fk_region_row g;
        const char *vals[15];

        idn[0] = name[0] = phone[0] = worker[0] = wphone[0] = '\0';
        rc = fk_store_get_person(st, a->person, &p);
        if (rc == FK_OK) {
            fk_strlcpy(idn, p.id_number, sizeof idn);
            fk_strlcpy(name, p.name, sizeof name);
            fk_strlcpy(phone, p.phone, sizeof phone);
        } else if (rc != FK_ENOENT) {
            break;
        }
        /* Whom to call on the spot: the person's grid worker, when the regions file names one. */
        rc = grid && *grid ? fk_store_get_region(st, grid, &g) : FK_ENOENT;
        if (rc == FK_OK) {
            fk_strlcpy(worker, g.worker, sizeof worker);
            fk_strlcpy(wphone, g.worker_phone, sizeof wphone);
        } else if (rc != FK_ENOENT) {
            break;
        }
        snprintf(id, sizeof id, "%lld", (long long)a->id);
        vals[0] = id;
        vals[1] = fk_alert_kind_name((enum fk_alert_kind)a->kind);
        vals[2] = idn;
        vals[3] = name;
        vals[4] = grid;
        vals[5] = fk_time_render(a->time, when);
        vals[6] = w.strs.data + (uintptr_t)a->device;
        vals[7] = w.strs.data + (uintptr_t)a->detail;
        vals[8] = fk_alert_status_name((enum fk_alert_status)a->status);
        vals[9] = w.strs.data + (uintptr_t)a->who;
        vals[10] = w.strs.data + (uintptr_t)a->note;
        vals[11] = a->updated ? fk_time_render(a->updated, upd) : "";
        vals[12] = phone;
        vals[13] = worker;
        vals[14] = wphone;
        rc = fk_table_add(w.t, vals);
    }
    free(w.rows);
    fk_buf_fini(&w.strs);
    if (rc != FK_OK) {
        if (rc == FK_EDB)
            snprintf(err, errlen, "alerts: %s", fk_store_errmsg(st));
        else
            snprintf(err, errlen, "alerts: %s", fk_strerror(rc));
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}
