/* SPDX-License-Identifier: MIT */
/* Control actions (see fk/action.h): put persons under control, release, transfer and extend an
 * order. Each is one control batch (fk_store_begin_control, so the control index knows only
 * orders changed) with its audit row inside. The orders are read from the store, not from the
 * control index, so an action is right even when the index is stale. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/regime.h"
#include "fk/region.h"
#include "fk/str.h"
#include "fk/time.h"

#define SAMPLES_MAX 256

/* 1 when order b carries on order a of the same person: a transfer ended a as b started. */
static int carries_on(const struct fk_control_row *a, const struct fk_control_row *b)
{
    return a->person == b->person && a->end != 0 && a->end == b->start &&
           a->category == b->category;
}

static int keep_open(void *ud, const struct fk_control_row *k)
{
    struct fk__open *o = ud;
    int64_t first =
        o->prev.person == k->person && carries_on(&o->prev, k) ? o->prev_first : k->start;

    memset(&o->prev, 0, sizeof o->prev);
    o->prev.person = k->person;
    o->prev.start = k->start;
    o->prev.end = k->end;
    o->prev.category = k->category;
    o->prev_first = first;
    if (k->end == 0) {
        o->found = 1;
        o->first = first;
        o->row = *k;
        fk_strlcpy(o->regime, k->regime, sizeof o->regime);
        fk_strlcpy(o->site, k->site, sizeof o->site);
        fk_strlcpy(o->device, k->device, sizeof o->device);
        o->row.regime = o->regime;
        o->row.site = o->site;
        o->row.device = o->device;
    }
    return 0;
}

int fk__find_open(fk_store *st, int64_t person, struct fk__open *o)
{
    int rc;

    memset(o, 0, sizeof *o);
    o->prev.person = -1;
    rc = fk_store_each_control(st, person, keep_open, o);
    if (rc != FK_OK)
        return rc;
    return o->found ? FK_OK : FK_ENOENT;
}

/* The person's open order for an action at `at` (what: "release", "transfer", "change") by the
 * actor, with the person's ID number (idn, 64 bytes) and grid (FK_REGION_CODE_MAX bytes): FK_OK;
 * FK_EPERM when the role may not; FK_ENOENT when the person lives outside the actor's scope or
 * none is open, FK_EINVAL when at is before its start, FK_EDB; err says which. */
static int open_for(fk_store *st, const struct fk_actor *a, int64_t person, int64_t at,
                    const char *what, struct fk__open *o, char *idn, char *grid, char *err,
                    size_t errlen)
{
    char when[FK_TIME_RENDER_MAX];
    int rc = fk__may(a, FK_PERM_CONTROL, "change control orders", err, errlen);

    if (rc != FK_OK)
        return rc;
    rc = fk__person_names(st, person, idn, 64, grid);
    if (rc == FK_OK && fk__inside(st, a, grid) != 1) {
        /* As an unknown person, so ID numbers cannot be probed. */
        snprintf(err, errlen, "no person with ID number %s", idn);
        return FK_ENOENT;
    }
    if (rc == FK_OK)
        rc = fk__find_open(st, person, o);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "the person is not under control");
        return rc;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    if (at < o->row.start) {
        snprintf(err, errlen, "the %s time is before the control started (%s)", what,
                 fk_time_render(o->row.start, when));
        return FK_EINVAL;
    }
    return FK_OK;
}

/* fk_control_open_many and fk_control_open_all: person i's category is categories[i], or
 * category when categories is NULL. */
static int open_many(fk_store *st, const struct fk_actor *a, const int64_t *persons,
                     const int *categories, int category, size_t n, int place, int64_t at,
                     const char *why, size_t *added, size_t *already, char *err, size_t errlen)
{
    char grid[FK_REGION_CODE_MAX], idn[64], last[FK_REGION_CODE_MAX] = "";
    struct fk__open o;
    size_t i;
    int rc;

    *added = *already = 0;
    rc = fk__may(a, FK_PERM_CONTROL, "put persons under control", err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_store_begin_control(st);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    for (i = 0; i < n; i++) {
        struct fk_control_row k;
        enum fk_put did;
        int64_t id;

        if (a->scope) {
            /* Neighbours share a grid: ask the region tree once per grid run. */
            rc = fk__person_names(st, persons[i], idn, sizeof idn, grid);
            if (rc != FK_OK)
                return fk__fail(st, 1, rc, err, errlen);
            if (strcmp(grid, last) != 0) {
                if (fk__inside(st, a, grid) != 1) {
                    snprintf(err, errlen, "the person %s lives outside your scope %s", idn,
                             a->scope);
                    return fk__fail(st, 1, FK_EPERM, err, errlen);
                }
                fk_strlcpy(last, grid, sizeof last);
            }
        }
        rc = fk__find_open(st, persons[i], &o);
        if (rc == FK_OK) {
            (*already)++;
            continue;
        }
        if (rc != FK_ENOENT)
            return fk__fail(st, 1, rc, err, errlen);
        memset(&k, 0, sizeof k);
        k.person = persons[i];
        k.category = categories ? categories[i] : category;
        k.place = place;
        k.start = at;
        k.regime = "";
        k.site = "";
        k.device = "";
        rc = fk_store_put_control(st, &k, &id, &did);
        if (rc != FK_OK)
            return fk__fail(st, 1, rc, err, errlen);
        *added += did == FK_PUT_NEW;
        *already += did != FK_PUT_NEW;
    }
    rc = FK_OK;
    if (*added)
        rc = fk__audit(st, a, NULL, "control.open", why,
                       "%zu put under %s control, %zu already under control", *added,
                       fk_ctl_place_name((enum fk_ctl_place)place), *already);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

int fk_control_open_many(fk_store *st, const struct fk_actor *actor, const int64_t *persons,
                         const int *categories, size_t n, int place, int64_t at, const char *why,
                         size_t *added, size_t *already, char *err, size_t errlen)
{
    int rc = open_many(st, actor, persons, categories, 0, n, place, at, why, added, already, err,
                       errlen);

    if (rc != FK_OK)
        *added = *already = 0; /* rolled back: nothing was added */
    return rc;
}

int fk_control_open_all(fk_store *st, const struct fk_actor *actor, const int64_t *persons,
                        size_t n, int category, int place, int64_t at, const char *why,
                        size_t *added, size_t *already, char *err, size_t errlen)
{
    int rc = open_many(st, actor, persons, NULL, category, n, place, at, why, added, already, err,
                       errlen);

    if (rc != FK_OK)
        *added = *already = 0;
    return rc;
}

int fk_control_from_trace(fk_store *st, const struct fk_actor *actor, const struct fk_contact *cs,
                          size_t n, int place, int64_t at, size_t *added, size_t *already,
                          char *err, size_t errlen)
{
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    int *cats = malloc((n ? n : 1) * sizeof *cats);
    size_t i;
    int rc = FK_ENOMEM;

    *added = *already = 0;
    if (!ids || !cats) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        ids[i] = cs[i].person;
        cats[i] = cs[i].category == FK_CAT_CLOSE       ? FK_CTL_CLOSE
                  : cs[i].category == FK_CAT_SECONDARY ? FK_CTL_SECONDARY
                                                       : FK_CTL_COMPANION;
    }
    rc = fk_control_open_many(st, actor, ids, cats, n, place, at, "trace", added, already, err,
                              errlen);
out:
    free(ids);
    free(cats);
    return rc;
}

int fk_control_release(fk_store *st, const struct fk_actor *actor, fk_engine *e,
                       const struct fk_profile *p, int64_t person, int64_t at, int force, char *err,
                       size_t errlen)
{
    struct fk_person_sample samp[SAMPLES_MAX];
    struct fk__open o;
    int64_t rt[SAMPLES_MAX], id;
    int rs[SAMPLES_MAX];
    const struct fk_regime *r;
    size_t n, i, k = 0;
    char why[160], when[FK_TIME_RENDER_MAX], idn[64], grid[FK_REGION_CODE_MAX];
    enum fk_put did;
    int rc = open_for(st, actor, person, at, "release", &o, idn, grid, err, errlen);

    if (rc != FK_OK)
        return rc;
    r = o.regime[0] ? fk_regime_find(p, o.regime)
                    : fk_regime_default(p, (enum fk_ctl_category)o.row.category);
    n = fk_engine_person_samples(e, person, samp, SAMPLES_MAX);
    if (n > SAMPLES_MAX)
        n = SAMPLES_MAX;
    /* Results in result-time order (insertion: a person has a few). */
    for (i = 0; i < n; i++) {
        size_t j;

        if (samp[i].result < 0)
            continue;
        for (j = k; j > 0 && rt[j - 1] > samp[i].rtime; j--) {
            rt[j] = rt[j - 1];
            rs[j] = rs[j - 1];
        }
        rt[j] = samp[i].rtime;
        rs[j] = samp[i].result;
        k++;
    }
    /* The rule counts from the first order of a chain of transfers: a move is no new start. */
    if (!fk_release_ok(r, o.first, o.row.extended, at, rt, rs, k, why, sizeof why) && !force) {
        snprintf(err, errlen, "the release rule of %s is not met: %s (--force releases anyway)",
                 r ? r->name : "the control", why);
        return FK_ECONFLICT;
    }
    o.row.end = at;
    rc = fk_store_begin_control(st);
    if (rc == FK_OK)
        rc = fk_store_put_control(st, &o.row, &id, &did);
    /* The row is about the person's grid, for an account; the local administrator's are not. */
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor->scope ? grid : NULL, "control.release", idn,
                       "released at %s%s", fk_time_render(at, when),
                       force && why[0] ? " (forced)" : "");
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

int fk_control_transfer(fk_store *st, const struct fk_actor *actor, int64_t person, int place,
                        const char *site, int64_t at, char *err, size_t errlen)
{
    struct fk__open o;
    struct fk_control_row next;
    char when[FK_TIME_RENDER_MAX], idn[64], grid[FK_REGION_CODE_MAX];
    enum fk_put did;
    int64_t id;
    int rc = open_for(st, actor, person, at, "transfer", &o, idn, grid, err, errlen), from_place;

    if (rc != FK_OK)
        return rc;
    from_place = o.row.place;
    next = o.row;
    next.place = place;
    next.site = site ? site : "";
    next.start = at;
    next.end = 0;
    rc = fk_store_begin_control(st);
    if (rc == FK_OK && at > o.row.start) {
        o.row.end = at;
        rc = fk_store_put_control(st, &o.row, &id, &did);
    }
    if (rc == FK_OK)
        rc = fk_store_put_control(st, &next, &id, &did);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor->scope ? grid : NULL, "control.transfer", idn,
                       "from %s to %s at %s", fk_ctl_place_name((enum fk_ctl_place)from_place),
                       fk_ctl_place_name((enum fk_ctl_place)place), fk_time_render(at, when));
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

int fk_control_extend(fk_store *st, const struct fk_actor *actor, int64_t person, int days,
                      char *err, size_t errlen)
{
    struct fk__open o;
    enum fk_put did;
    int64_t id;
    char idn[64], grid[FK_REGION_CODE_MAX];
    int rc = open_for(st, actor, person, INT64_MAX, "change", &o, idn, grid, err, errlen);

    if (rc != FK_OK)
        return rc;
    if (days <= 0 || days > 366) {
        snprintf(err, errlen, "extend by 1 to 366 days");
        return FK_EINVAL;
    }
    o.row.extended += days;
    rc = fk_store_begin_control(st);
    if (rc == FK_OK)
        rc = fk_store_put_control(st, &o.row, &id, &did);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor->scope ? grid : NULL, "control.extend", idn,
                       "by %d days (now %d)", days, o.row.extended);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

/* Zeroes *out and checks that actor may put persons under control: FK_OK or fk__may()'s code
 * with err set. */
static int may_count(const struct fk_actor *actor, struct fk_control_count *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    return fk__may(actor, FK_PERM_CONTROL, "put persons under control", err, errlen);
}

/* Puts the n persons of ids under risk-area control at place from at, why being the reason,
 * counting them into *out; frees ids. Returns fk_control_open_all()'s code. */
static int open_found(fk_store *st, const struct fk_actor *actor, int64_t *ids, size_t n, int place,
                      int64_t at, const char *why, struct fk_control_count *out, char *err,
                      size_t errlen)
{
    int rc = fk_control_open_all(st, actor, ids, n, FK_CTL_RISK_AREA, place, at, why, &out->added,
                                 &out->already, err, errlen);

    out->persons = n;
    free(ids);
    return rc;
}

int fk_control_backcheck(fk_store *st, const struct fk_actor *actor, fk_ctl *x,
                         const struct fk_profile *p, const char *area, const char *region,
                         int place, int64_t at, struct fk_control_count *out, char *err,
                         size_t errlen)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = may_count(actor, out, err, errlen);

    if (rc == FK_OK)
        rc = fk_risk_backcheck_window(st, p, area, &out->from, &out->to, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_ctl_arrival_persons(x, region, area, out->from, out->to, &ids, &n);
    if (rc != FK_OK) {
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    return open_found(st, actor, ids, n, place, at, area, out, err, errlen);
}

int fk_control_from_arrivals(fk_store *st, const struct fk_actor *actor, fk_ctl *x,
                             const char *region, int64_t today, int place, int64_t at,
                             struct fk_control_count *out, char *err, size_t errlen)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = may_count(actor, out, err, errlen);

    if (rc == FK_OK)
        rc = fk_ctl_risk_arrivals(x, region, today, &ids, &n, err, errlen);
    if (rc != FK_OK)
        return rc;
    return open_found(st, actor, ids, n, place, at, "arrivals check", out, err, errlen);
}
