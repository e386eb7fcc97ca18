/* SPDX-License-Identifier: MIT */
/* Risk zones over the data (fk/zones.h). Zones are few (tens, a few hundred at most), so each
 * answer loads them from the store (the export walk of the zones type and the zone_changes
 * history) and works on the array; no index is kept. A zone's residents are the engine's
 * residents of its regions' grid ranges (merged, so nested regions count once); their samples
 * come from the engine's per-person index, their cases from the store, read once per review. */
#include "fk/zones.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/region.h"
#include "fk/regime.h"
#include "fk/screening.h"
#include "fk/time.h"
#include "fk/vec.h"

void fk_zones_free(struct fk_zone *z, size_t n)
{
    size_t i;

    if (!z)
        return;
    for (i = 0; i < n; i++)
        free(z[i].segs);
    free(z);
}

struct load {
    struct fk_zone *z;
    size_t n, cap;
};

/* A zone's export row: name, level, regions, declared, lifted, reason. */
static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load *l = ud;
    struct fk_zone *z;
    const char *regions = v[2].s ? v[2].s : "";

    if (n < 6 || !v[0].s)
        return FK_OK;
    if (fk_vec_grow((void **)&l->z, &l->cap, l->n + 1, sizeof *l->z) != FK_OK)
        return FK_ENOMEM;
    z = &l->z[l->n++];
    memset(z, 0, sizeof *z);
    fk_strlcpy(z->name, v[0].s, sizeof z->name);
    z->level = v[1].i >= 0 && v[1].i < FK_ZONE_NLEVELS ? (int)v[1].i : FK_ZONE_LOCKDOWN;
    fk_strlcpy(z->regions, regions, sizeof z->regions);
    z->declared = v[3].i;
    z->lifted = v[4].i;
    fk_strlcpy(z->reason, v[5].s ? v[5].s : "", sizeof z->reason);
    /* Stored rows were split on the way in; a bad one keeps the codes before the fault. */
    fk_zone_regions_split((fk_slice){z->regions, strlen(z->regions)}, z->codes, FK_ZONE_REGIONS_MAX,
                          &z->nregions);
    return FK_OK;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct fk_zone *)a)->name, ((const struct fk_zone *)b)->name);
}

static struct fk_zone *find(struct fk_zone *z, size_t n, const char *name)
{
    struct fk_zone key;

    fk_strlcpy(key.name, name, sizeof key.name);
    return n ? bsearch(&key, z, n, sizeof *z, cmp_name) : NULL;
}

/* Appends stretch [start, end) at level to z. */
static int add_seg(struct fk_zone *z, int64_t start, int64_t end, int level)
{
    struct fk_zone_seg *s = realloc(z->segs, (z->nsegs + 1) * sizeof *s);

    if (!s)
        return FK_ENOMEM;
    z->segs = s;
    s[z->nsegs++] = (struct fk_zone_seg){start, end, level};
    return FK_OK;
}

/* A change of a zone's history (by zone, then time): ends the zone's open stretch and, unless
 * it lifts the zone, opens one at its level. */
static int load_change(void *ud, const struct fk_zone_change *h)
{
    struct load *l = ud;
    struct fk_zone *z = find(l->z, l->n, h->zone);

    if (!z)
        return FK_OK;
    if (!z->history) { /* the row's own stretch gives way to the history */
        z->history = 1;
        z->nsegs = 0;
    }
    if (z->nsegs && z->segs[z->nsegs - 1].end == 0)
        z->segs[z->nsegs - 1].end = h->at;
    if (h->level >= 0 && h->level < FK_ZONE_NLEVELS)
        return add_seg(z, h->at, 0, h->level);
    return FK_OK;
}

int fk_zones_load(fk_store *st, struct fk_zone **out, size_t *n)
{
    struct load l = {NULL, 0, 0};
    size_t i;
    int rc = fk_store_each_record(st, FK_IMPORT_ZONES, load_row, &l);

    *out = NULL;
    *n = 0;
    if (rc == FK_OK && l.n)
        qsort(l.z, l.n, sizeof *l.z, cmp_name);
    for (i = 0; rc == FK_OK && i < l.n; i++)
        rc = add_seg(&l.z[i], l.z[i].declared, l.z[i].lifted, l.z[i].level);
    if (rc == FK_OK)
        rc = fk_store_each_zone_change(st, load_change, &l);
    if (rc != FK_OK) {
        fk_zones_free(l.z, l.n);
        return rc;
    }
    *out = l.z;
    *n = l.n;
    return FK_OK;
}

int fk_zone_at(const struct fk_zone *z, int64_t t, struct fk_zone_seg *seg)
{
    size_t i;

    for (i = z->nsegs; i-- > 0;) {
        const struct fk_zone_seg *s = &z->segs[i];

        if (s->start <= t && (s->end == 0 || t < s->end)) {
            *seg = *s;
            return 1;
        }
    }
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    const int32_t *x = a, *y = b;

    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

size_t fk_zone_ranges(const fk_engine *e, const struct fk_zone *z, int32_t (*out)[2], size_t cap)
{
    size_t i, n = 0, k = 0;

    for (i = 0; i < z->nregions && n < cap; i++) {
        int32_t lo, hi;
        enum fk_level lv;
        const char *name;

        if (fk_engine_region_info(e, z->codes[i], &lo, &hi, &lv, &name) != FK_OK || hi <= lo)
            continue;
        out[n][0] = lo;
        out[n][1] = hi;
        n++;
    }
    if (!n)
        return 0;
    qsort(out, n, sizeof *out, cmp_range);
    for (i = 1; i < n; i++) {
        if (out[i][0] <= out[k][1]) {
            if (out[i][1] > out[k][1])
                out[k][1] = out[i][1];
        } else {
            k++;
            out[k][0] = out[i][0];
            out[k][1] = out[i][1];
        }
    }
    return k + 1;
}

int fk_zone_touches(const fk_engine *e, const struct fk_zone *z, const char *scope)
{
    int32_t r[FK_ZONE_REGIONS_MAX][2], lo, hi;
    enum fk_level lv;
    const char *name;
    size_t n, i;

    if (!scope || !*scope)
        return 1;
    if (fk_engine_region_info(e, scope, &lo, &hi, &lv, &name) != FK_OK)
        return 0;
    n = fk_zone_ranges(e, z, r, FK_ZONE_REGIONS_MAX);
    for (i = 0; i < n; i++)
        if (r[i][0] < hi && lo < r[i][1])
            return 1;
    return 0;
}

/* The number of residents of z's grid ranges r (n of them). */
static int64_t residents_of(const fk_engine *e, int32_t (*r)[2], size_t n)
{
    const int32_t *pids;
    int64_t total = 0;
    size_t i;

    for (i = 0; i < n; i++)
        total += (int64_t)fk_engine_grid_residents(e, r[i][0], r[i][1], &pids);
    return total;
}

int fk_zone_grid_levels(fk_store *st, const fk_engine *e, int64_t now, int8_t **out, size_t *ngrids)
{
    struct fk_engine_stats es;
    struct fk_zone *z = NULL;
    size_t n = 0, i, k;
    int8_t *lv;
    int32_t g;
    int rc;

    *out = NULL;
    *ngrids = 0;
    fk_engine_stats(e, &es);
    lv = malloc(es.grids ? es.grids : 1);
    if (!lv)
        return FK_ENOMEM;
    memset(lv, -1, es.grids ? es.grids : 1);
    rc = fk_zones_load(st, &z, &n);
    for (i = 0; rc == FK_OK && i < n; i++) {
        int32_t r[FK_ZONE_REGIONS_MAX][2];
        struct fk_zone_seg s;
        size_t nr;

        if (!fk_zone_at(&z[i], now, &s))
            continue;
        nr = fk_zone_ranges(e, &z[i], r, FK_ZONE_REGIONS_MAX);
        for (k = 0; k < nr; k++)
            for (g = r[k][0]; g < r[k][1] && (size_t)g < es.grids; g++)
                if (lv[g] < 0 || s.level < lv[g])
                    lv[g] = (int8_t)s.level;
    }
    fk_zones_free(z, n);
    if (rc != FK_OK) {
        free(lv);
        return rc;
    }
    *out = lv;
    *ngrids = es.grids;
    return FK_OK;
}

int fk_zone_grid_level(fk_store *st, const fk_engine *e, int32_t g, int64_t now, int *level)
{
    struct fk_zone *z = NULL;
    size_t n = 0, i, k;
    int rc;

    *level = -1;
    if (g < 0)
        return FK_OK;
    rc = fk_zones_load(st, &z, &n);
    for (i = 0; rc == FK_OK && i < n; i++) {
        int32_t r[FK_ZONE_REGIONS_MAX][2];
        struct fk_zone_seg s;
        size_t nr;

        if (!fk_zone_at(&z[i], now, &s))
            continue;
        nr = fk_zone_ranges(e, &z[i], r, FK_ZONE_REGIONS_MAX);
        for (k = 0; k < nr; k++)
            if (g >= r[k][0] && g < r[k][1] && (*level < 0 || s.level < *level))
                *level = s.level;
    }
    fk_zones_free(z, n);
    return rc;
}

int fk_zone_lockdown_grids(fk_store *st, const fk_engine *e, int64_t now, uint64_t **bits,
                           size_t *ngrids)
{
    int8_t *lv = NULL;
    size_t n = 0, g;
    uint64_t *b;
    int rc = fk_zone_grid_levels(st, e, now, &lv, &n);

    *bits = NULL;
    *ngrids = 0;
    if (rc != FK_OK)
        return rc;
    b = calloc(n / 64 + 1, sizeof *b);
    if (!b) {
        free(lv);
        return FK_ENOMEM;
    }
    for (g = 0; g < n; g++)
        if (lv[g] == FK_ZONE_LOCKDOWN)
            b[g / 64] |= (uint64_t)1 << (g % 64);
    free(lv);
    *bits = b;
    *ngrids = n;
    return FK_OK;
}

static char *time_or_empty(int64_t t, char *buf)
{
    if (!t) {
        buf[0] = '\0';
        return buf;
    }
    return fk_time_render(t, buf);
}

static int scope_ok(const fk_engine *e, const char *scope, char *err, size_t errlen)
{
    if (scope && *scope && fk_engine_region_level(e, scope) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", scope);
        return FK_ENOENT;
    }
    return FK_OK;
}

static int failed(int rc, fk_store *st, const char *what, char *err, size_t errlen)
{
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "%s: out of memory", what);
    else
        snprintf(err, errlen, "%s: %s", what, fk_store_errmsg(st));
    return rc;
}

static const struct fk_col list_cols[] = {{"name", FK_COL_TEXT},     {"level", FK_COL_TEXT},
                                          {"regions", FK_COL_TEXT},  {"declared", FK_COL_TEXT},
                                          {"since", FK_COL_TEXT},    {"lifted", FK_COL_TEXT},
                                          {"residents", FK_COL_INT}, {"reason", FK_COL_TEXT}};

int fk_zone_list(fk_store *st, const fk_engine *e, const char *scope, int64_t now, fk_table **out,
                 char *err, size_t errlen)
{
    struct fk_zone *z = NULL;
    fk_table *t = NULL;
    size_t n = 0, i;
    int rc;

    *out = NULL;
    rc = scope_ok(e, scope, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_zones_load(st, &z, &n);
    if (rc != FK_OK)
        return failed(rc, st, "zones", err, errlen);
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const struct fk_zone *zi = &z[i];
        char d[FK_TIME_RENDER_MAX], s[FK_TIME_RENDER_MAX], l[FK_TIME_RENDER_MAX], res[24];
        int32_t r[FK_ZONE_REGIONS_MAX][2];
        struct fk_zone_seg seg = {0, 0, FK_ZONE_LOCKDOWN};
        const char *vals[8];
        int64_t lifted = 0;
        size_t k;

        if (!zi->nsegs || zi->segs[0].start > now || !fk_zone_touches(e, zi, scope))
            continue;
        if (!fk_zone_at(zi, now, &seg)) { /* lifted by now: when, the latest end before now */
            for (k = 0; k < zi->nsegs; k++)
                if (zi->segs[k].end && zi->segs[k].end <= now && zi->segs[k].end > lifted)
                    lifted = zi->segs[k].end;
        }
        snprintf(res, sizeof res, "%lld",
                 (long long)residents_of(e, r, fk_zone_ranges(e, zi, r, FK_ZONE_REGIONS_MAX)));
        vals[0] = zi->name;
        vals[1] = lifted ? "lifted" : fk_zone_level_name(seg.level);
        vals[2] = zi->regions;
        vals[3] = fk_time_render(zi->segs[0].start, d);
        vals[4] = fk_time_render(lifted ? lifted : seg.start, s);
        vals[5] = time_or_empty(lifted, l);
        vals[6] = res;
        vals[7] = zi->reason;
        rc = fk_table_add(t, vals);
    }
    fk_zones_free(z, n);
    if (rc != FK_OK) {
        fk_table_free(t);
        snprintf(err, errlen, "zone list: %s", fk_strerror(rc));
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the review ---- */

struct kase {
    int64_t person, confirmed;
};

struct cases {
    struct kase *k;
    size_t n, cap;
};

static int add_case(void *ud, const struct fk_case_row *c)
{
    struct cases *cs = ud;

    if (fk_vec_grow((void **)&cs->k, &cs->cap, cs->n + 1, sizeof *cs->k) != FK_OK)
        return FK_ENOMEM;
    cs->k[cs->n++] = (struct kase){c->person, c->confirmed};
    return 0;
}

static int64_t case_confirmed(const struct cases *cs, int64_t pid)
{
    size_t lo = 0, hi = cs->n;

    while (lo < hi) { /* each_case walks by person */
        size_t mid = lo + (hi - lo) / 2;

        if (cs->k[mid].person < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cs->n && cs->k[lo].person == pid ? cs->k[lo].confirmed : 0;
}

/* What one resident's samples say, as of now: the latest positive (time and tube) and, for the
 * round window [rs, re] (rs > re: no round), whether sampled, positive, without a result. */
struct resident {
    int64_t now, rs, re;
    int64_t positive;
    char tube[64];
    int sampled, round_pos, resulted;
};

static int on_tube(void *ud, const struct fk_person_tube *t)
{
    struct resident *r = ud;
    int known = t->result >= 0 && t->rtime <= r->now;

    if (t->time > r->now)
        return 0;
    if (known && t->result == FK_RESULT_POSITIVE && t->rtime > r->positive) {
        r->positive = t->rtime;
        fk_strlcpy(r->tube, t->tube ? t->tube : "", sizeof r->tube);
    }
    if (t->time >= r->rs && t->time <= r->re) {
        r->sampled = 1;
        if (known)
            r->resulted = 1;
        if (known && t->result == FK_RESULT_POSITIVE)
            r->round_pos = 1;
    }
    return 0;
}

struct round_pick {
    const fk_engine *e;
    int32_t (*r)[2];
    size_t nr;
    int64_t now;
    struct fk_round best;
    int found;
};

/* 1 when every range of the zone lies inside the round's region. */
static int round_covers(const struct round_pick *p, const struct fk_round *rd)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name;
    size_t i;

    if (fk_engine_region_info(p->e, rd->region, &lo, &hi, &lv, &name) != FK_OK)
        return 0;
    for (i = 0; i < p->nr; i++)
        if (p->r[i][0] < lo || p->r[i][1] > hi)
            return 0;
    return p->nr > 0;
}

static int on_round(void *ud, const struct fk_round *rd)
{
    struct round_pick *p = ud;

    if (rd->end > p->now || !round_covers(p, rd))
        return 0;
    if (!p->found || rd->end > p->best.end ||
        (rd->end == p->best.end && strcmp(rd->name, p->best.name) > 0)) {
        p->best = *rd;
        p->found = 1;
    }
    return 0;
}

static const struct fk_col review_cols[] = {
    {"name", FK_COL_TEXT},
    {"level", FK_COL_TEXT},
    {"since", FK_COL_TEXT},
    {"residents", FK_COL_INT},
    {"days_since_positive", FK_COL_INT},
    {"last_positive_id", FK_COL_TEXT},
    {"last_positive_time", FK_COL_TEXT},
    {"last_positive_row", FK_COL_TEXT},
    {"latest_round", FK_COL_TEXT},
    {"round_start", FK_COL_TEXT},
    {"round_end", FK_COL_TEXT},
    {"round_complete", FK_COL_TEXT},
    {"round_negative", FK_COL_TEXT},
    {"round_missing", FK_COL_INT},
    {"round_positive", FK_COL_INT},
    {"round_no_result", FK_COL_INT},
    {"may_lower", FK_COL_TEXT},
    {"to", FK_COL_TEXT},
    {"reason", FK_COL_TEXT},
    {"why", FK_COL_TEXT},
    {"need_days", FK_COL_INT},
};
#define REVIEW_NCOLS (sizeof review_cols / sizeof review_cols[0])

/* enum fk_zone_why as the review's why column names it, for clients that word the reason. */
static const char *const whys[] = {"ok", "days", "no_round", "incomplete", "positive", "no_result"};

/* One zone's review row, as of now. */
static int review_zone(fk_store *st, fk_engine *e, const struct fk_profile *p,
                       const struct cases *cs, const struct fk_zone *z,
                       const struct fk_zone_seg *seg, int64_t now, fk_table *t)
{
    int32_t r[FK_ZONE_REGIONS_MAX][2];
    struct round_pick pick;
    struct fk_zone_facts f;
    struct fk_zone_verdict v;
    char since[FK_TIME_RENDER_MAX], lp[FK_TIME_RENDER_MAX], rs[FK_TIME_RENDER_MAX],
        re[FK_TIME_RENDER_MAX], res[24], days[24], miss[24], pos[24], nores[24], need[24],
        idn[64] = "", row[96] = "", reason[400];
    const char *vals[REVIEW_NCOLS];
    int64_t lastpid = -1, missing = 0, positive = 0, noresult = 0;
    size_t nr, k, j;
    int rc;

    memset(&f, 0, sizeof f);
    nr = fk_zone_ranges(e, z, r, FK_ZONE_REGIONS_MAX);
    memset(&pick, 0, sizeof pick);
    pick.e = e;
    pick.r = r;
    pick.nr = nr;
    pick.now = now;
    rc = fk_store_each_round(st, on_round, &pick);
    if (rc != FK_OK)
        return rc;
    for (k = 0; k < nr; k++) {
        const int32_t *pids;
        size_t np = fk_engine_grid_residents(e, r[k][0], r[k][1], &pids);

        for (j = 0; j < np; j++) {
            struct resident w;
            int64_t conf = case_confirmed(cs, pids[j]);

            memset(&w, 0, sizeof w);
            w.now = now;
            w.rs = pick.found ? pick.best.start : 1;
            w.re = pick.found ? pick.best.end : 0;
            rc = fk_engine_each_person_tube(e, pids[j], on_tube, &w);
            if (rc != FK_OK)
                return rc;
            f.residents++;
            if (conf && conf <= now && conf > w.positive) {
                w.positive = conf;
                fk_strlcpy(w.tube, "", sizeof w.tube);
            }
            if (w.positive && w.positive > f.last_positive) {
                f.last_positive = w.positive;
                lastpid = pids[j];
                if (w.tube[0])
                    snprintf(row, sizeof row, "tube %s", w.tube);
                else
                    snprintf(row, sizeof row, "case");
            }
            missing += !w.sampled;
            positive += w.round_pos;
            noresult += w.sampled && !w.resulted;
        }
    }
    if (lastpid >= 0) {
        struct fk_person_row pr;

        rc = fk_store_get_person(st, lastpid, &pr);
        if (rc == FK_OK)
            fk_strlcpy(idn, pr.id_number, sizeof idn);
        else if (rc != FK_ENOENT)
            return rc;
    }
    f.now = now;
    f.level = seg->level;
    f.since = seg->start;
    f.has_round = pick.found;
    f.complete = pick.found && missing == 0;
    f.negative = pick.found && positive == 0;
    f.unresulted = (int)noresult;
    f.missing = missing;
    f.positives = positive;
    fk_zone_judge(p, &f, &v);
    fk_zone_reason(&f, &v, pick.found ? pick.best.name : "", reason, sizeof reason);
    snprintf(res, sizeof res, "%lld", (long long)f.residents);
    snprintf(days, sizeof days, "%lld", (long long)v.days);
    snprintf(miss, sizeof miss, "%lld", (long long)(pick.found ? missing : 0));
    snprintf(pos, sizeof pos, "%lld", (long long)(pick.found ? positive : 0));
    snprintf(nores, sizeof nores, "%lld", (long long)(pick.found ? noresult : 0));
    vals[0] = z->name;
    vals[1] = fk_zone_level_name(seg->level);
    vals[2] = fk_time_render(seg->start, since);
    vals[3] = res;
    vals[4] = days;
    vals[5] = idn;
    vals[6] = time_or_empty(f.last_positive, lp);
    vals[7] = row;
    vals[8] = pick.found ? pick.best.name : "";
    vals[9] = pick.found ? fk_time_render(pick.best.start, rs) : "";
    vals[10] = pick.found ? fk_time_render(pick.best.end, re) : "";
    vals[11] = !pick.found ? "" : f.complete ? "yes" : "no";
    vals[12] = !pick.found ? "" : f.negative && !noresult ? "yes" : "no";
    vals[13] = miss;
    vals[14] = pos;
    vals[15] = nores;
    vals[16] = v.may_lower ? "yes" : "no";
    vals[17] = fk_zone_level_name(v.to);
    vals[18] = reason;
    vals[19] = whys[v.why >= 0 && v.why <= FK_ZONE_WHY_NO_RESULT ? v.why : 0];
    snprintf(need, sizeof need, "%lld", (long long)v.need);
    vals[20] = need;
    return fk_table_add(t, vals);
}

int fk_zone_review(fk_store *st, fk_engine *e, const struct fk_profile *p, const char *scope,
                   int64_t now, fk_table **out, char *err, size_t errlen)
{
    struct cases cs = {NULL, 0, 0};
    struct fk_zone *z = NULL;
    fk_table *t = NULL;
    size_t n = 0, i;
    int rc;

    *out = NULL;
    rc = scope_ok(e, scope, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_zones_load(st, &z, &n);
    if (rc == FK_OK)
        rc = fk_store_each_case(st, add_case, &cs);
    if (rc == FK_OK)
        rc = fk_engine_person_index(e);
    if (rc == FK_OK)
        rc = fk_table_new(review_cols, REVIEW_NCOLS, &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct fk_zone_seg seg;

        if (!fk_zone_at(&z[i], now, &seg) || !fk_zone_touches(e, &z[i], scope))
            continue;
        rc = review_zone(st, e, p, &cs, &z[i], &seg, now, t);
    }
    fk_zones_free(z, n);
    free(cs.k);
    if (rc != FK_OK) {
        fk_table_free(t);
        return failed(rc, st, "zone review", err, errlen);
    }
    *out = t;
    return FK_OK;
}
