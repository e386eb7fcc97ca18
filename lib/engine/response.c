/* SPDX-License-Identifier: MIT */
/* Response timers, the read side (fk/response.h): gathers each case's start, its earliest onsite
 * and activated events, its close contacts' lock times and its county's rounds from the store,
 * the tracer and the engine, and judges the four deadlines with fk/incident.h.
 *
 * DESIGN NOTES
 * - A case's close contacts are those of a depth-1 run of the tracer on that case alone: a run
 *   over many cases gives each contact once, under the case that reached it first, and a contact
 *   of two cases must count for both.
 * - Nothing here writes; times after `now` (events, orders, rounds) are treated as not yet
 *   happened, so an answer as of a past time is what the headquarters saw then. */
#include "fk/response.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/incident.h"
#include "fk/record.h"
#include "fk/str.h"
#include "fk/time.h"
#include "fk/trace.h"
#include "fk/vec.h"

struct kase {
    int64_t person, confirmed, start;
    char idn[64];
    int32_t grid;
    int county; /* index into counties, or -1 */
};

struct event {
    char idn[64];
    int event;
    int64_t time;
};

struct county {
    char code[FK_REGION_CODE_MAX];
    char name[128];
    int32_t glo, ghi;
};

struct round {
    char region[FK_REGION_CODE_MAX];
    int64_t start;
};

struct gather {
    const fk_engine *eng;
    int32_t glo, ghi; /* the region's grids; glo < 0: everywhere */
    int64_t now;
    int64_t only; /* one case (its dense id), or -1: all */
    struct kase *cases;
    size_t ncases, capcases;
    struct event *events;
    size_t nevents, capevents;
    struct county *counties;
    size_t ncounties, capcounties;
    struct round *rounds;
    size_t nrounds, caprounds;
};

/* A contact of one case with its lock time. */
struct lock {
    int64_t person, locked; /* locked: INT64_MAX when not locked */
};

static void gather_free(struct gather *g)
{
    free(g->cases);
    free(g->events);
    free(g->counties);
    free(g->rounds);
}

static int on_case(void *ud, const struct fk_case_row *c)
{
    struct gather *g = ud;
    struct kase *k;
    int32_t grid = fk_engine_person_grid(g->eng, c->person);
    int64_t start = fk_inc_start(c->confirmed, c->reported);

    if (start > g->now || (g->only >= 0 && c->person != g->only))
        return 0;
    if (g->glo >= 0 && (grid < g->glo || grid >= g->ghi))
        return 0;
    if (fk_vec_grow((void **)&g->cases, &g->capcases, g->ncases + 1, sizeof *g->cases) != FK_OK)
        return FK_ENOMEM;
    k = &g->cases[g->ncases++];
    memset(k, 0, sizeof *k);
    k->person = c->person;
    k->confirmed = c->confirmed;
    k->start = start;
    k->grid = grid;
    k->county = -1;
    return 0;
}

static int on_event(void *ud, const struct fk_record_value *v, size_t n)
{
    struct gather *g = ud;
    struct event *e;

    if (n < 3 || !v[0].s || v[2].i > g->now)
        return 0;
    if (fk_vec_grow((void **)&g->events, &g->capevents, g->nevents + 1, sizeof *g->events) != FK_OK)
        return FK_ENOMEM;
    e = &g->events[g->nevents++];
    fk_strlcpy(e->idn, v[0].s, sizeof e->idn);
    e->event = (int)v[1].i;
    e->time = v[2].i;
    return 0;
}

static int on_county(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct gather *g = ud;
    struct county *c;

    if (fk_vec_grow((void **)&g->counties, &g->capcounties, g->ncounties + 1,
                    sizeof *g->counties) != FK_OK)
        return FK_ENOMEM;
    c = &g->counties[g->ncounties++];
    fk_strlcpy(c->code, code, sizeof c->code);
    fk_strlcpy(c->name, name ? name : "", sizeof c->name);
    c->glo = glo;
    c->ghi = ghi;
    return 0;
}

static int on_round(void *ud, const struct fk_round *r)
{
    struct gather *g = ud;
    struct round *x;

    if (r->start > g->now)
        return 0;
    if (fk_vec_grow((void **)&g->rounds, &g->caprounds, g->nrounds + 1, sizeof *g->rounds) != FK_OK)
        return FK_ENOMEM;
    x = &g->rounds[g->nrounds++];
    fk_strlcpy(x->region, r->region, sizeof x->region);
    x->start = r->start;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const struct kase *x = a, *y = b;

    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->idn, y->idn);
}

/* Reads what the timers need. region NULL: everywhere. FK_OK, FK_ENOENT, FK_ENOMEM, FK_EDB. */
static int gather(fk_store *st, const fk_engine *eng, const char *region, int64_t now, int64_t only,
                  struct gather *g, char *err, size_t errlen)
{
    struct fk_person_row pr;
    enum fk_level lv;
    const char *name;
    size_t i, j;
    int rc;

    memset(g, 0, sizeof *g);
    g->eng = eng;
    g->now = now;
    g->only = only;
    g->glo = -1;
    if (region && fk_engine_region_info(eng, region, &g->glo, &g->ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    rc = fk_store_each_case(st, on_case, g);
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_INCIDENT_EVENTS, on_event, g);
    if (rc == FK_OK)
        rc = fk_store_each_round(st, on_round, g);
    if (rc == FK_OK)
        rc = fk_engine_each_region(eng, NULL, FK_LEVEL_COUNTY, on_county, g);
    for (i = 0; rc == FK_OK && i < g->ncases; i++) {
        struct kase *k = &g->cases[i];

        rc = fk_store_get_person(st, k->person, &pr);
        if (rc == FK_OK)
            fk_strlcpy(k->idn, pr.id_number, sizeof k->idn);
        else if (rc == FK_ENOENT)
            snprintf(k->idn, sizeof k->idn, "#%" PRId64, k->person);
        rc = rc == FK_ENOENT ? FK_OK : rc;
        for (j = 0; j < g->ncounties; j++)
            if (k->grid >= g->counties[j].glo && k->grid < g->counties[j].ghi)
                k->county = (int)j;
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
        return rc;
    }
    if (g->ncases > 1) /* qsort takes no NULL, even for no rows */
        qsort(g->cases, g->ncases, sizeof *g->cases, by_start);
    return FK_OK;
}

/* The earliest event ev of case idn known as of now; 0 when none. */
static int64_t first_event(const struct gather *g, const char *idn, int ev)
{
    int64_t best = 0;
    size_t i;

    for (i = 0; i < g->nevents; i++)
        if (g->events[i].event == ev && strcmp(g->events[i].idn, idn) == 0 &&
            (!best || g->events[i].time < best))
            best = g->events[i].time;
    return best;
}

/* The earliest round begun at or after start over a region holding the case's county; 0: none. */
static int64_t first_round(const struct gather *g, const struct kase *k)
{
    const char *county = k->county >= 0 ? g->counties[k->county].code : NULL;
    int64_t best = 0;
    size_t i;

    if (!county)
        return 0;
    for (i = 0; i < g->nrounds; i++)
        if (g->rounds[i].start >= k->start && (!best || g->rounds[i].start < best) &&
            fk_engine_region_inside(g->eng, county, g->rounds[i].region))
            best = g->rounds[i].start;
    return best;
}

struct lockwalk {
    int64_t since, now, best;
};

static int on_control(void *ud, const struct fk_control_row *c)
{
    struct lockwalk *w = ud;

    if (c->start <= w->now && (c->end == 0 || c->end >= w->since) && c->start < w->best)
        w->best = c->start;
    return 0;
}

static int by_locked(const void *a, const void *b)
{
    const struct lock *x = a, *y = b;

    return x->locked < y->locked ? -1 : x->locked > y->locked;
}

/* The close contacts of case k with their lock times as of now, sorted by lock time, into *out
 * (caller frees) and *n. A case the tracer does not know has none. */
static int case_locks(fk_store *st, const fk_tracer *tr, const struct kase *k, int64_t now,
                      struct lock **out, size_t *n, char *err, size_t errlen)
{
    struct fk_trace_opts o;
    struct fk_contact *cs = NULL;
    struct lock *l = NULL;
    int32_t id = (int32_t)k->person;
    size_t nc = 0, i, m = 0;
    int rc;

    *out = NULL;
    *n = 0;
    memset(&o, 0, sizeof o);
    o.cases = &id;
    o.ncases = 1;
    o.depth = 1;
    rc = fk_tracer_run(tr, &o, &cs, &nc, err, errlen);
    if (rc == FK_ENOENT)
        return FK_OK;
    if (rc != FK_OK)
        return rc;
    l = nc ? calloc(nc, sizeof *l) : NULL;
    if (nc && !l) {
        free(cs);
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    for (i = 0; i < nc && rc == FK_OK; i++) {
        struct lockwalk w = {k->start, now, INT64_MAX};

        if (cs[i].category != FK_CAT_CLOSE)
            continue;
        rc = fk_store_each_control(st, cs[i].person, on_control, &w);
        l[m].person = cs[i].person;
        l[m++].locked = w.best;
    }
    free(cs);
    if (rc != FK_OK) {
        free(l);
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
        return rc;
    }
    if (m > 1)
        qsort(l, m, sizeof *l, by_locked);
    *out = l;
    *n = m;
    return FK_OK;
}

/* Judges the four deadlines of case k. */
static int judge_case(fk_store *st, const fk_tracer *tr, const struct fk_profile *p,
                      const struct gather *g, const struct kase *k, int64_t now,
                      struct fk_inc_timer *t, char *err, size_t errlen)
{
    struct lock *l = NULL;
    int64_t *times = NULL, at;
    size_t n = 0, i;
    int rc;

    fk_inc_judge(k->start, fk_inc_limit(p, FK_INC_D_ONSITE), first_event(g, k->idn, FK_INC_ONSITE),
                 now, &t[FK_INC_D_ONSITE]);
    fk_inc_judge(k->start, fk_inc_limit(p, FK_INC_D_ACTIVATED),
                 first_event(g, k->idn, FK_INC_ACTIVATED), now, &t[FK_INC_D_ACTIVATED]);
    fk_inc_judge(k->start, fk_inc_limit(p, FK_INC_D_SCREEN72), first_round(g, k), now,
                 &t[FK_INC_D_SCREEN72]);
    rc = case_locks(st, tr, k, now, &l, &n, err, errlen);
    if (rc != FK_OK)
        return rc;
    times = n ? malloc(n * sizeof *times) : NULL;
    if (n && !times) {
        free(l);
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    for (i = 0; i < n; i++)
        times[i] = l[i].locked;
    at = fk_inc_share_at(times, n, p->inc_lock_pct, k->start);
    if (at == INT64_MAX)
        at = 0;
    else if (at < k->start)
        at = k->start;
    fk_inc_judge(k->start, fk_inc_limit(p, FK_INC_D_LOCK24), at, now, &t[FK_INC_D_LOCK24]);
    free(times);
    free(l);
    return FK_OK;
}

static const struct fk_col list_cols[] = {
    {"case", FK_COL_TEXT},      {"region", FK_COL_TEXT},   {"region_name", FK_COL_TEXT},
    {"start", FK_COL_TEXT},     {"deadline", FK_COL_TEXT}, {"limit_min", FK_COL_INT},
    {"due", FK_COL_TEXT},       {"state", FK_COL_TEXT},    {"at", FK_COL_TEXT},
    {"margin_min", FK_COL_INT},
};

/* fk_response_list of every case (only < 0) or of the one case only. */
static int list(fk_store *st, const fk_engine *eng, const fk_tracer *tr, const struct fk_profile *p,
                const char *region, int64_t only, int64_t now, int open_only, fk_table **out,
                char *err, size_t errlen)
{
    struct gather g;
    fk_table *t = NULL;
    size_t i;
    int d, rc;

    *out = NULL;
    rc = gather(st, eng, region, now, only, &g, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (only >= 0 && g.ncases == 0) {
        snprintf(err, errlen, "not a case");
        rc = FK_ENOENT;
        goto out;
    }
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < g.ncases; i++) {
        const struct kase *k = &g.cases[i];
        const struct county *c = k->county >= 0 ? &g.counties[k->county] : NULL;
        struct fk_inc_timer tm[FK_INC_ND];
        char start[FK_TIME_RENDER_MAX], due[FK_TIME_RENDER_MAX], at[FK_TIME_RENDER_MAX];
        char lim[24], margin[24];
        int all_met = 1;

        rc = judge_case(st, tr, p, &g, k, now, tm, err, errlen);
        for (d = 0; rc == FK_OK && d < FK_INC_ND; d++)
            all_met &= tm[d].state == FK_INC_MET;
        if (rc != FK_OK || (open_only && all_met))
            continue;
        fk_time_render(k->start, start);
        for (d = 0; rc == FK_OK && d < FK_INC_ND; d++) {
            const char *vals[10];

            snprintf(lim, sizeof lim, "%" PRId64, fk_inc_limit(p, d) / 60);
            snprintf(margin, sizeof margin, "%" PRId64, tm[d].margin);
            vals[0] = k->idn;
            vals[1] = c ? c->code : "";
            vals[2] = c ? c->name : "";
            vals[3] = start;
            vals[4] = fk_inc_deadline_name(d);
            vals[5] = lim;
            vals[6] = fk_time_render(tm[d].deadline, due);
            vals[7] = fk_inc_state_name(tm[d].state);
            vals[8] = tm[d].at ? fk_time_render(tm[d].at, at) : "";
            vals[9] = margin;
            rc = fk_table_add(t, vals);
        }
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
out:
    gather_free(&g);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

int fk_response_list(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                     const struct fk_profile *p, const char *region, int64_t now, int open_only,
                     fk_table **out, char *err, size_t errlen)
{
    return list(st, eng, tr, p, region, -1, now, open_only, out, err, errlen);
}

int fk_response_case(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                     const struct fk_profile *p, int64_t person, int64_t now, fk_table **out,
                     char *err, size_t errlen)
{
    return list(st, eng, tr, p, NULL, person < 0 ? INT64_MAX : person, now, 0, out, err, errlen);
}

static const struct fk_col contact_cols[] = {
    {"case", FK_COL_TEXT}, {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"grid", FK_COL_TEXT}, {"locked_at", FK_COL_TEXT}, {"hours", FK_COL_REAL},
    {"ok", FK_COL_INT},
};

/* Adds the rows of case k's contacts l[0..n) to t; *ok counts those locked by the deadline. */
static int contact_rows(fk_store *st, fk_table *t, const struct kase *k, int64_t limit,
                        const struct lock *l, size_t n, int64_t *ok)
{
    struct fk_person_row pr;
    size_t i;
    int rc = FK_OK;

    for (i = 0; i < n && rc == FK_OK; i++) {
        char idn[64], name[128], grid[FK_REGION_CODE_MAX], when[FK_TIME_RENDER_MAX], hours[32];
        const char *vals[7];
        int64_t at = l[i].locked < k->start ? k->start : l[i].locked;
        int good = l[i].locked != INT64_MAX && at <= k->start + limit;

        rc = fk_store_get_person(st, l[i].person, &pr);
        if (rc == FK_ENOENT) {
            snprintf(idn, sizeof idn, "#%" PRId64, l[i].person);
            name[0] = grid[0] = '\0';
            rc = FK_OK;
        } else if (rc == FK_OK) {
            fk_strlcpy(idn, pr.id_number, sizeof idn);
            fk_strlcpy(name, pr.name ? pr.name : "", sizeof name);
            fk_strlcpy(grid, pr.grid ? pr.grid : "", sizeof grid);
        } else {
            break;
        }
        if (l[i].locked != INT64_MAX)
            snprintf(hours, sizeof hours, "%.1f", (double)(at - k->start) / 3600.0);
        else
            hours[0] = '\0';
        vals[0] = k->idn;
        vals[1] = idn;
        vals[2] = name;
        vals[3] = grid;
        vals[4] = l[i].locked != INT64_MAX ? fk_time_render(l[i].locked, when) : "";
        vals[5] = hours;
        vals[6] = good ? "1" : "0";
        *ok += good;
        rc = fk_table_add(t, vals);
    }
    return rc;
}

int fk_response_contacts(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                         const struct fk_profile *p, int64_t person, int64_t now, fk_table **out,
                         char *err, size_t errlen)
{
    struct gather g;
    struct lock *l = NULL;
    fk_table *t = NULL;
    int64_t ok = 0;
    size_t i, n = 0;
    int rc;

    *out = NULL;
    rc = gather(st, eng, NULL, now, person < 0 ? INT64_MAX : person, &g, err, errlen);
    if (rc != FK_OK)
        goto out;
    for (i = 0; i < g.ncases && g.cases[i].person != person; i++)
        ;
    if (i == g.ncases) {
        snprintf(err, errlen, "not a case");
        rc = FK_ENOENT;
        goto out;
    }
    rc = case_locks(st, tr, &g.cases[i], now, &l, &n, err, errlen);
    if (rc == FK_OK)
        rc = fk_table_new(contact_cols, sizeof contact_cols / sizeof contact_cols[0], &t);
    if (rc == FK_OK)
        rc = contact_rows(st, t, &g.cases[i], fk_inc_limit(p, FK_INC_D_LOCK24), l, n, &ok);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == FK_EDB)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
out:
    free(l);
    gather_free(&g);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

int fk_lock24_indicator_tr(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                           const struct fk_profile *p, const char *region, int64_t from, int64_t to,
                           int64_t *num, int64_t *den, fk_table **rows, char *err, size_t errlen)
{
    struct gather g;
    fk_table *t = NULL;
    int64_t ok = 0, all = 0;
    size_t i;
    int rc;

    *num = *den = 0;
    if (rows)
        *rows = NULL;
    /* As of the end of time: a contact locked after the window still counts if within 24 h. */
    rc = gather(st, eng, region, INT64_MAX, -1, &g, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = fk_table_new(contact_cols, sizeof contact_cols / sizeof contact_cols[0], &t);
    for (i = 0; rc == FK_OK && i < g.ncases; i++) {
        const struct kase *k = &g.cases[i];
        struct lock *l = NULL;
        size_t n = 0;

        if (k->confirmed < from || k->confirmed >= to)
            continue;
        rc = case_locks(st, tr, k, INT64_MAX, &l, &n, err, errlen);
        if (rc == FK_OK)
            rc = contact_rows(st, t, k, fk_inc_limit(p, FK_INC_D_LOCK24), l, n, &ok);
        all += (int64_t)n;
        free(l);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == FK_EDB)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
out:
    gather_free(&g);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *num = ok;
    *den = all;
    if (rows)
        *rows = t;
    else
        fk_table_free(t);
    return FK_OK;
}

int fk_lock24_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                        const char *region, int64_t from, int64_t to, int64_t *num, int64_t *den,
                        fk_table **rows, char *err, size_t errlen)
{
    fk_tracer *tr = NULL;
    int rc;

    *num = *den = 0;
    if (rows)
        *rows = NULL;
    rc = fk_tracer_build(st, p, &tr, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_lock24_indicator_tr(st, eng, tr, p, region, from, to, num, den, rows, err, errlen);
    fk_tracer_free(tr);
    return rc;
}
