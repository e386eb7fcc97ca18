/* SPDX-License-Identifier: MIT */
/* Cold-chain actions (see fk/action.h): putting the persons who touched a batch under control,
 * and the alerts positive batches raise.
 *
 * Why the alerts are raised here and not row by row in the import, as door alerts are: an alert
 * names the trace's counts (sites, persons, batches that shared a site), which only the whole
 * chain gives (a result row usually comes before the dispatch and sale rows of the same file),
 * and the trace is the engine's, which the ingest layer does not reach. So they are raised right
 * after the import commits, from every positive result the store holds, the way the door sweep
 * (fk_alert_sweep) raises what only time reveals: through fk_store_add_alert, whose natural key
 * (kind, person, time, device) makes a second raise of the same alert a no-op. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/coldchain.h"
#include "fk/coldevent.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/regime.h"
#include "fk/strmap.h"

struct found_person {
    int64_t id;
    char grid[64];
};

static int on_person(void *ud, const struct fk_person_row *p)
{
    struct found_person *f = ud;

    f->id = p->id;
    snprintf(f->grid, sizeof f->grid, "%s", p->grid);
    return 1;
}

int fk_cold_control(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                    const struct fk_cold_trace *t, int64_t at, struct fk_cold_control_count *out,
                    char *err, size_t errlen)
{
    fk_strmap *seen = NULL;
    size_t i;
    int rc, in_batch = 0;

    memset(out, 0, sizeof *out);
    rc = fk__may(actor, FK_PERM_CONTROL, "put persons under control", err, errlen);
    if (rc != FK_OK)
        return rc;
    seen = fk_strmap_new();
    if (!seen) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    rc = fk_store_begin_control(st);
    in_batch = rc == FK_OK;
    for (i = 0; rc == FK_OK && i < t->ntouches; i++) {
        const char *idn = t->touches[i].id_number;
        struct found_person f = {-1, ""};
        struct fk__open o;
        struct fk_control_row k;
        enum fk_put did;
        int64_t id;
        int added, in;

        if (fk_strmap_intern(seen, idn, strlen(idn), &added) < 0) {
            rc = FK_ENOMEM;
            break;
        }
        if (!added)
            continue;
        out->persons++;
        rc = fk_store_search_persons(st, FK_PKEY_ID, idn, NULL, on_person, &f);
        if (rc == 1)
            rc = FK_OK;
        if (rc != FK_OK)
            break;
        if (f.id < 0) {
            out->unregistered++;
            continue;
        }
        in = fk__inside(st, actor, f.grid);
        if (in < 0) {
            rc = in;
            break;
        }
        if (!in) {
            out->outside++;
            continue;
        }
        rc = fk__find_open(st, f.id, &o);
        if (rc == FK_OK) {
            out->already++;
            continue;
        }
        if (rc != FK_ENOENT)
            break;
        memset(&k, 0, sizeof k);
        k.person = f.id;
        k.category = FK_CTL_COLDCHAIN;
        k.place = p->coldchain_place;
        k.start = at;
        k.regime = p->coldchain_regime;
        k.site = "";
        k.device = "";
        rc = fk_store_put_control(st, &k, &id, &did);
        if (rc == FK_OK && did == FK_PUT_NEW)
            out->added++;
        else if (rc == FK_OK)
            out->already++;
    }
    if (rc == FK_OK && out->added)
        rc = fk__audit(st, actor, NULL, "control.open", t->batch,
                       "cold-chain batch %s: %zu put under %s control, %zu already under control, "
                       "%zu outside the scope, %zu not registered",
                       t->batch, out->added,
                       fk_ctl_place_name((enum fk_ctl_place)p->coldchain_place), out->already,
                       out->outside, out->unregistered);
    if (rc == FK_OK && in_batch) {
        rc = fk_store_commit(st);
        in_batch = rc != FK_OK;
    }
    fk_strmap_free(seen);
    if (rc != FK_OK) {
        memset(out, 0, sizeof *out); /* rolled back: nothing was added */
        if (rc == FK_ENOMEM) {
            snprintf(err, errlen, "out of memory");
            if (in_batch)
                fk_store_rollback(st);
            return rc;
        }
        return fk__fail(st, in_batch, rc, err, errlen);
    }
    return FK_OK;
}

/* The distinct ID numbers among a trace's touches. */
static size_t distinct_persons(const struct fk_cold_trace *t)
{
    fk_strmap *m = fk_strmap_new();
    size_t i, n = 0;
    int added;

    for (i = 0; m && i < t->ntouches; i++)
        if (fk_strmap_intern(m, t->touches[i].id_number, strlen(t->touches[i].id_number), &added) >=
            0)
            n += added;
    fk_strmap_free(m);
    return n;
}

/* A positive result: the batch and when. */
struct positive {
    char *batch, *site;
    int64_t time;
};

struct positives {
    struct positive *v;
    size_t n, cap;
};

static int collect_positive(void *ud, const struct fk_record_value *v, size_t n)
{
    struct positives *ps = ud;
    struct positive *q;

    if (n < 8 || v[1].i != FK_COLD_RESULT || v[7].i != FK_COLD_POSITIVE)
        return 0;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 8;
        struct positive *nv = realloc(ps->v, cap * sizeof *nv);

        if (!nv)
            return FK_ENOMEM;
        ps->v = nv;
        ps->cap = cap;
    }
    q = &ps->v[ps->n];
    q->batch = strdup(v[0].s ? v[0].s : "");
    q->site = strdup(v[3].s ? v[3].s : "");
    q->time = v[2].i;
    if (!q->batch || !q->site) {
        free(q->batch);
        free(q->site);
        return FK_ENOMEM;
    }
    ps->n++;
    return 0;
}

int fk_cold_alerts(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised, char *err,
                   size_t errlen)
{
    struct positives ps = {NULL, 0, 0};
    fk_cold_index *ix = NULL;
    size_t i;
    int rc, in_batch = 0;

    *raised = 0;
    /* The positives first (few), so a store with none builds no index. */
    rc = fk_store_each_record(st, FK_IMPORT_COLDCHAIN, collect_positive, &ps);
    if (rc == FK_OK && ps.n)
        rc = fk_cold_index_load(st, &ix);
    if (rc == FK_OK && ps.n) {
        rc = fk_store_begin_events(st);
        in_batch = rc == FK_OK;
    }
    for (i = 0; rc == FK_OK && i < ps.n; i++) {
        struct fk_cold_trace *t = NULL;
        struct fk_alert_row a;
        char detail[300], nsites[24], npersons[24], nshared[24];
        enum fk_put did;
        size_t k, sites = 0;

        rc = fk_cold_trace_get(ix, ps.v[i].batch, (int64_t)p->coldchain_window_hours * 3600,
                               INT64_MAX, &t);
        if (rc != FK_OK)
            break;
        /* Distinct sites: a batch may come back to one. */
        for (k = 0; k < t->nvisits; k++) {
            size_t j;
            int again = 0;

            for (j = 0; j < k && !again; j++)
                again = strcmp(t->visits[j].site, t->visits[k].site) == 0;
            sites += !again;
        }
        snprintf(nsites, sizeof nsites, "%zu", sites);
        snprintf(npersons, sizeof npersons, "%zu", distinct_persons(t));
        snprintf(nshared, sizeof nshared, "%zu", t->nshared);
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_COLDCHAIN, ps.v[i].batch, ps.v[i].site,
                      nsites, npersons, nshared);
        fk_cold_trace_free(t);
        memset(&a, 0, sizeof a);
        a.kind = FK_ALERT_COLDCHAIN;
        a.person = -1; /* no person: a batch; no county's list shows it, the city's does */
        a.time = ps.v[i].time;
        a.device = ps.v[i].batch;
        a.detail = detail;
        a.raised = now;
        rc = fk_store_add_alert(st, &a, &did);
        *raised += rc == FK_OK && did == FK_PUT_NEW;
    }
    if (rc == FK_OK && in_batch) {
        rc = fk_store_commit(st);
        in_batch = rc != FK_OK;
    }
    for (i = 0; i < ps.n; i++) {
        free(ps.v[i].batch);
        free(ps.v[i].site);
    }
    free(ps.v);
    fk_cold_index_free(ix);
    if (rc != FK_OK) {
        *raised = 0;
        if (rc == FK_ENOMEM) {
            snprintf(err, errlen, "cold-chain alerts: out of memory");
            if (in_batch)
                fk_store_rollback(st);
            return rc;
        }
        return fk__fail(st, in_batch, rc, err, errlen);
    }
    return FK_OK;
}
