/* SPDX-License-Identifier: MIT */
/* The mass-screening plan and the pace of a round over the data (see fk/pace.h): the engine's
 * residents and samples, the store's zones, open orders and labs, and the pure arithmetic of
 * fk/plan.h. Nothing here writes. */
#include "fk/pace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/plan.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/zone.h"
#include "fk/zones.h"

/* ---- what both read: the regions of a level, the labs ---- */

struct region_row {
    char code[FK_REGION_CODE_MAX];
    const char *name; /* borrowed from the engine */
    int32_t glo, ghi;
    int zone; /* strictest zone level over its grids, -1 none */
    struct fk_plan_counts c;
    struct fk_plan_need need;
};

struct regions {
    struct region_row *v;
    size_t n, cap;
};

static int on_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct regions *rs = ud;
    struct region_row *nv;

    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 64;
        nv = realloc(rs->v, rs->cap * sizeof *nv);
        if (!nv)
            return FK_ENOMEM;
        rs->v = nv;
    }
    memset(&rs->v[rs->n], 0, sizeof rs->v[rs->n]);
    snprintf(rs->v[rs->n].code, sizeof rs->v[rs->n].code, "%s", code);
    rs->v[rs->n].name = name;
    rs->v[rs->n].glo = glo;
    rs->v[rs->n].ghi = ghi;
    rs->v[rs->n].zone = -1;
    rs->n++;
    return 0;
}

/* The regions of level by inside the round's region; FK_EINVAL with err when there is none. */
static int regions_of(fk_engine *e, const struct fk_round *r, enum fk_level by, struct regions *rs,
                      char *err, size_t errlen)
{
    int rc;

    memset(rs, 0, sizeof *rs);
    if (by == FK_LEVEL_NONE) /* the round's region itself */
        by = fk_engine_region_level(e, r->region);
    if (by == FK_LEVEL_NONE) {
        snprintf(err, errlen,
                 "round %s is for region %s, which is not in the region tree: import regions "
                 "first",
                 r->name, r->region);
        return FK_ENOENT;
    }
    rc = fk_engine_each_region(e, r->region, by, on_region, rs);
    if (rc != FK_OK) {
        snprintf(err, errlen, "regions: %s", fk_strerror(rc));
        return rc;
    }
    if (!rs->n) {
        snprintf(err, errlen, "round %s: region %s has no %s inside it to plan for", r->name,
                 r->region, fk_level_name(by));
        return FK_EINVAL;
    }
    return FK_OK;
}

struct lab {
    char code[64], name[256], region[FK_REGION_CODE_MAX];
    int64_t cap;
};

struct labs {
    fk_engine *e;
    const char *within; /* the round's region */
    struct lab *v;
    size_t n, cap;
    int64_t total_cap;
};

static int on_lab(void *ud, const struct fk_record_value *v, size_t n)
{
    struct labs *ls = ud;
    struct lab *nv;
    const char *region = n > 3 && v[3].s ? v[3].s : "";

    if (n < 4)
        return FK_OK;
    if (!fk_engine_region_inside(ls->e, region, ls->within) &&
        !fk_engine_region_inside(ls->e, ls->within, region))
        return FK_OK;
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? 2 * ls->cap : 16;
        nv = realloc(ls->v, ls->cap * sizeof *nv);
        if (!nv)
            return FK_ENOMEM;
        ls->v = nv;
    }
    snprintf(ls->v[ls->n].code, sizeof ls->v[ls->n].code, "%s", v[0].s ? v[0].s : "");
    snprintf(ls->v[ls->n].name, sizeof ls->v[ls->n].name, "%s", v[1].s ? v[1].s : "");
    snprintf(ls->v[ls->n].region, sizeof ls->v[ls->n].region, "%s", region);
    ls->v[ls->n].cap = v[2].i;
    ls->total_cap += v[2].i;
    ls->n++;
    return 0;
}

/* The labs serving the round (fk/pace.h), by code. */
static int labs_of(fk_engine *e, fk_store *st, const struct fk_round *r, struct labs *ls, char *err,
                   size_t errlen)
{
    int rc;

    memset(ls, 0, sizeof *ls);
    ls->e = e;
    ls->within = r->region;
    rc = fk_store_each_record(st, FK_IMPORT_LABS, on_lab, ls);
    if (rc != FK_OK)
        snprintf(err, errlen, "labs: %s", fk_strerror(rc));
    return rc;
}

static void i64(char *out, size_t cap, int64_t v)
{
    snprintf(out, cap, "%lld", (long long)v);
}

/* ---- the plan ---- */

struct ctl_walk {
    fk_engine *e;
    int64_t at, last;
    int32_t *per_grid;
};

static int on_control(void *ud, const struct fk_control_row *c)
{
    struct ctl_walk *w = ud;
    int32_t g;

    if (c->person == w->last || c->start > w->at || (c->end && c->end <= w->at))
        return 0;
    w->last = c->person; /* by person: a person with two open orders counts once */
    g = fk_engine_person_grid(w->e, c->person);
    if (g >= 0)
        w->per_grid[g]++;
    return 0;
}

static int zone_rank(int zone)
{
    return zone == FK_ZONE_LOCKDOWN ? 0 : zone == FK_ZONE_CONTROL ? 1 : 2;
}

static int plan_order(const void *a, const void *b)
{
    const struct region_row *x = a, *y = b;
    int rx = zone_rank(x->zone), ry = zone_rank(y->zone);

    return rx != ry ? rx - ry : strcmp(x->code, y->code);
}

/* Counts and sizes every region of rs at `at`. */
static int plan_count(fk_engine *e, fk_store *st, const struct fk_profile *p, struct regions *rs,
                      int hours, int64_t at, char *err, size_t errlen)
{
    struct ctl_walk w = {e, at, -1, NULL};
    int8_t *lv = NULL;
    size_t ngrids = 0, i;
    int32_t g;
    int rc;

    rc = fk_engine_verify(e, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_zone_grid_levels(st, e, at, &lv, &ngrids);
    if (rc == FK_OK) {
        w.per_grid = calloc(ngrids + 1, sizeof *w.per_grid);
        rc = w.per_grid ? fk_store_each_control(st, -1, on_control, &w) : FK_ENOMEM;
    }
    for (i = 0; rc == FK_OK && i < rs->n; i++) {
        struct region_row *x = &rs->v[i];

        for (g = x->glo; g < x->ghi && (size_t)g < ngrids; g++) {
            const int32_t *pids;
            int64_t res = (int64_t)fk_engine_grid_residents(e, g, g + 1, &pids),
                    ctl = w.per_grid[g] < res ? w.per_grid[g] : res;

            if (lv[g] >= 0 && (x->zone < 0 || lv[g] < x->zone))
                x->zone = lv[g];
            if (lv[g] == FK_ZONE_LOCKDOWN) {
                x->c.lockdown += res;
                continue;
            }
            x->c.controlled += ctl;
            if (lv[g] == FK_ZONE_CONTROL)
                x->c.control += res - ctl;
            else
                x->c.other += res - ctl;
        }
        rc = fk_plan_size(p, &x->c, hours, &x->need);
    }
    if (rc != FK_OK)
        snprintf(err, errlen, "plan: %s", fk_strerror(rc));
    free(lv);
    free(w.per_grid);
    return rc;
}

static int check_hours(int hours, char *err, size_t errlen)
{
    if (hours >= 1 && hours <= 720)
        return FK_OK;
    snprintf(err, errlen, "a round is planned in 1 to 720 hours, not %d", hours);
    return FK_EINVAL;
}

static const struct fk_col plan_cols[] = {
    {"region", FK_COL_TEXT},    {"name", FK_COL_TEXT},      {"zone", FK_COL_TEXT},
    {"hours", FK_COL_INT},      {"residents", FK_COL_INT},  {"lockdown", FK_COL_INT},
    {"controlled", FK_COL_INT}, {"control", FK_COL_INT},    {"other", FK_COL_INT},
    {"sites", FK_COL_INT},      {"tables", FK_COL_INT},     {"samplers", FK_COL_INT},
    {"tubes", FK_COL_INT},      {"lab_hours", FK_COL_REAL},
};

static int plan_row(fk_table *t, const char *code, const char *name, const char *zone, int hours,
                    const struct fk_plan_counts *c, const struct fk_plan_need *nd, int64_t cap)
{
    char s[11][24], lab[32];
    const char *vals[14];
    int64_t v[11] = {hours,     nd->residents, c->lockdown,  c->controlled, c->control, c->other,
                     nd->sites, nd->tables,    nd->samplers, nd->tubes,     0};
    int k;

    vals[0] = code;
    vals[1] = name;
    vals[2] = zone;
    for (k = 0; k < 10; k++) {
        i64(s[k], sizeof s[k], v[k]);
        vals[3 + k] = s[k];
    }
    snprintf(lab, sizeof lab, "%.2f", fk_plan_lab_hours(nd->tubes, cap));
    vals[13] = cap > 0 ? lab : NULL;
    return fk_table_add(t, vals);
}

int fk_plan_regions(fk_engine *e, fk_store *st, const struct fk_profile *p,
                    const struct fk_round *r, enum fk_level by, int hours, int64_t at,
                    fk_table **out, char *err, size_t errlen)
{
    struct regions rs = {0};
    struct labs ls = {0};
    struct fk_plan_counts tc = {0};
    struct fk_plan_need tn = {0};
    fk_table *t = NULL;
    size_t i;
    int rc;

    *out = NULL;
    rc = check_hours(hours, err, errlen);
    if (rc == FK_OK)
        rc = regions_of(e, r, by, &rs, err, errlen);
    if (rc == FK_OK)
        rc = labs_of(e, st, r, &ls, err, errlen);
    if (rc == FK_OK)
        rc = plan_count(e, st, p, &rs, hours, at, err, errlen);
    if (rc != FK_OK)
        goto out;
    qsort(rs.v, rs.n, sizeof *rs.v, plan_order);
    rc = fk_table_new(plan_cols, 14, &t);
    for (i = 0; rc == FK_OK && i < rs.n; i++) {
        const struct region_row *x = &rs.v[i];

        rc = plan_row(t, x->code, x->name, x->zone >= 0 ? fk_zone_level_name(x->zone) : "",
                      x->need.hours, &x->c, &x->need, ls.total_cap);
        tc.lockdown += x->c.lockdown;
        tc.controlled += x->c.controlled;
        tc.control += x->c.control;
        tc.other += x->c.other;
        tn.residents += x->need.residents;
        tn.sites += x->need.sites;
        tn.tables += x->need.tables;
        tn.samplers += x->need.samplers;
        tn.tubes += x->need.tubes;
    }
    if (rc == FK_OK)
        rc = plan_row(t, "(total)", "", "", hours, &tc, &tn, ls.total_cap);
    if (rc != FK_OK)
        snprintf(err, errlen, "plan: %s", fk_strerror(rc));
out:
    free(rs.v);
    free(ls.v);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col plan_lab_cols[] = {
    {"lab", FK_COL_TEXT},           {"name", FK_COL_TEXT}, {"region", FK_COL_TEXT},
    {"tubes_per_hour", FK_COL_INT}, {"tubes", FK_COL_INT}, {"hours", FK_COL_REAL},
};

int fk_plan_labs(fk_engine *e, fk_store *st, const struct fk_profile *p, const struct fk_round *r,
                 enum fk_level by, int hours, int64_t at, fk_table **out, char *err, size_t errlen)
{
    struct regions rs = {0};
    struct labs ls = {0};
    fk_table *t = NULL;
    int64_t tubes = 0, cum = 0, before = 0;
    size_t i;
    int rc;

    *out = NULL;
    rc = check_hours(hours, err, errlen);
    if (rc == FK_OK)
        rc = regions_of(e, r, by, &rs, err, errlen);
    if (rc == FK_OK)
        rc = labs_of(e, st, r, &ls, err, errlen);
    if (rc == FK_OK)
        rc = plan_count(e, st, p, &rs, hours, at, err, errlen);
    if (rc != FK_OK)
        goto out;
    /* The tubes are the regions' sum, as fk_plan_regions's total row at that level. */
    for (i = 0; i < rs.n; i++)
        tubes += rs.v[i].need.tubes;
    rc = fk_table_new(plan_lab_cols, 6, &t);
    for (i = 0; rc == FK_OK && i <= ls.n; i++) {
        char c[24], n[24], h[32];
        const char *vals[6];
        int64_t share;

        if (i < ls.n) {
            /* shares by capacity, rounded so that they add up to the tubes */
            cum += ls.v[i].cap;
            share = tubes * cum / ls.total_cap - before;
            before += share;
            vals[0] = ls.v[i].code;
            vals[1] = ls.v[i].name;
            vals[2] = ls.v[i].region;
            i64(c, sizeof c, ls.v[i].cap);
            snprintf(h, sizeof h, "%.2f", (double)share / (double)ls.v[i].cap);
        } else {
            share = tubes;
            vals[0] = "(total)";
            vals[1] = vals[2] = "";
            i64(c, sizeof c, ls.total_cap);
            snprintf(h, sizeof h, "%.2f", fk_plan_lab_hours(tubes, ls.total_cap));
        }
        i64(n, sizeof n, share);
        vals[3] = c;
        vals[4] = n;
        vals[5] = ls.total_cap > 0 ? h : NULL;
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK)
        snprintf(err, errlen, "plan: %s", fk_strerror(rc));
out:
    free(rs.v);
    free(ls.v);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the pace ---- */

int fk_pace_view_parse(const char *s, enum fk_pace_view *out)
{
    static const char *const names[] = {"regions", "hours", "labs", "transport"};
    int i;

    for (i = 0; s && i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum fk_pace_view)i;
            return FK_OK;
        }
    return FK_EINVAL;
}

static const struct fk_col pace_region_cols[] = {
    {"region", FK_COL_TEXT},   {"name", FK_COL_TEXT},       {"residents", FK_COL_INT},
    {"planned", FK_COL_INT},   {"sampled", FK_COL_INT},     {"tubes", FK_COL_INT},
    {"done", FK_COL_REAL},     {"rate", FK_COL_REAL},       {"state", FK_COL_TEXT},
    {"forecast", FK_COL_TEXT}, {"late_hours", FK_COL_REAL},
};

static const struct fk_col pace_hour_cols[] = {
    {"region", FK_COL_TEXT},       {"name", FK_COL_TEXT},         {"hour", FK_COL_TEXT},
    {"planned", FK_COL_INT},       {"sampled", FK_COL_INT},       {"tubes", FK_COL_INT},
    {"planned_total", FK_COL_INT}, {"sampled_total", FK_COL_INT}, {"done", FK_COL_REAL},
};

/* A region's sums over its grids: per hour (sampled, tubes), and sampled by now - 2 h. */
struct sums {
    int64_t res, before, sampled, tubes;
    int64_t *hs, *ht; /* nh each */
};

static void sum_region(fk_engine *e, const struct fk_engine_pace *pc, const struct region_row *x,
                       struct sums *s)
{
    int32_t g;
    int k;

    s->res = s->before = s->sampled = s->tubes = 0;
    memset(s->hs, 0, (size_t)pc->nh * sizeof *s->hs);
    memset(s->ht, 0, (size_t)pc->nh * sizeof *s->ht);
    for (g = x->glo; g < x->ghi; g++) {
        const int32_t *pids;
        const uint32_t *sr, *tr;

        if (g < pc->glo || g >= pc->ghi)
            continue;
        sr = pc->sampled + (size_t)(g - pc->glo) * (size_t)pc->nh;
        tr = pc->tubes + (size_t)(g - pc->glo) * (size_t)pc->nh;
        s->res += (int64_t)fk_engine_grid_residents(e, g, g + 1, &pids);
        s->before += pc->before[g - pc->glo];
        for (k = 0; k < pc->nh; k++) {
            s->hs[k] += sr[k];
            s->ht[k] += tr[k];
        }
    }
    for (k = 0; k < pc->nh; k++) {
        s->sampled += s->hs[k];
        s->tubes += s->ht[k];
    }
}

static int pace_regions(fk_engine *e, const struct fk_profile *p, const struct fk_round *r,
                        const struct regions *rs, const struct fk_engine_pace *pc, int64_t now,
                        fk_table *t)
{
    int64_t cut = now < r->end ? now : r->end;
    int kn = cut < r->start ? -1 : (int)((cut - r->start) / 3600); /* the hour holding now */
    struct sums s = {0};
    size_t i;
    int rc = FK_ENOMEM;

    s.hs = calloc((size_t)pc->nh, sizeof *s.hs);
    s.ht = calloc((size_t)pc->nh, sizeof *s.ht);
    if (!s.hs || !s.ht)
        goto out;
    rc = FK_OK;
    for (i = 0; rc == FK_OK && i < rs->n; i++) {
        const struct region_row *x = &rs->v[i];
        char c[8][24], eta_s[FK_TIME_RENDER_MAX];
        const char *vals[11];
        int64_t planned, eta = 0;
        enum fk_pace_state st;

        sum_region(e, pc, x, &s);
        planned = kn < 0 ? 0 : s.res * (kn + 1) / pc->nh;
        st = fk_pace_forecast(s.res, p->coverage_target_pct, s.sampled, s.before, cut, &eta);
        i64(c[0], sizeof c[0], s.res);
        i64(c[1], sizeof c[1], planned);
        i64(c[2], sizeof c[2], s.sampled);
        i64(c[3], sizeof c[3], s.tubes);
        snprintf(c[4], sizeof c[4], "%.4f", s.res ? (double)s.sampled / (double)s.res : 0.0);
        snprintf(c[5], sizeof c[5], "%.1f", (double)(s.sampled - s.before) / 2.0);
        snprintf(c[6], sizeof c[6], "%.1f", (double)(eta - r->end) / 3600.0);
        vals[0] = x->code;
        vals[1] = x->name;
        vals[2] = c[0];
        vals[3] = c[1];
        vals[4] = c[2];
        vals[5] = c[3];
        vals[6] = s.res ? c[4] : NULL;
        vals[7] = c[5];
        vals[8] = fk_pace_state_name(st);
        vals[9] = st == FK_PACE_ETA ? fk_time_render(eta, eta_s) : NULL;
        vals[10] = st == FK_PACE_ETA && eta > r->end ? c[6] : NULL;
        rc = fk_table_add(t, vals);
    }
out:
    free(s.hs);
    free(s.ht);
    return rc;
}

/* The hours view as a table view (fk/table.h): a row per region and hour is made when read, so
 * 20 000 grids x 24 hours are 20 000 sums, not half a million rows of text. The codes and names
 * are copied: a server renders the answer after it let go of the engine. */
struct hours_view {
    int nh, kn;
    int64_t start;
    size_t n;
    fk_buf text;      /* codes and names, NUL-separated */
    size_t *off;      /* per region: its code's and its name's offsets in text */
    int64_t *res;     /* per region */
    int64_t *hs, *ht; /* per region and hour: sampled and tubes */
};

static void hours_view_free(void *ud)
{
    struct hours_view *v = ud;

    if (!v)
        return;
    fk_buf_fini(&v->text);
    free(v->off);
    free(v->res);
    free(v->hs);
    free(v->ht);
    free(v);
}

static void hours_row(const void *ud, size_t row, const char **vals, char *scratch)
{
    const struct hours_view *v = ud;
    size_t i = row / (size_t)v->nh, k = row % (size_t)v->nh, j;
    const int64_t *hs = v->hs + i * (size_t)v->nh;
    int64_t res = v->res[i], pk = res * (int64_t)(k + 1) / v->nh, pp = res * (int64_t)k / v->nh,
            st = 0;
    int begun = (int)k <= v->kn;
    char *c = scratch;

    for (j = 0; j <= k; j++)
        st += hs[j];
    vals[0] = v->text.data + v->off[2 * i];
    vals[1] = v->text.data + v->off[2 * i + 1];
    vals[2] = fk_time_render(v->start + (int64_t)k * 3600, c);
    c += FK_TIME_RENDER_MAX;
    snprintf(c, 24, "%lld", (long long)(pk - pp));
    vals[3] = c;
    c += 24;
    snprintf(c, 24, "%lld", (long long)hs[k]);
    vals[4] = begun ? c : NULL;
    c += 24;
    snprintf(c, 24, "%lld", (long long)v->ht[i * (size_t)v->nh + k]);
    vals[5] = begun ? c : NULL;
    c += 24;
    snprintf(c, 24, "%lld", (long long)pk);
    vals[6] = c;
    c += 24;
    snprintf(c, 24, "%lld", (long long)st);
    vals[7] = begun ? c : NULL;
    c += 24;
    snprintf(c, 24, "%.4f", res ? (double)st / (double)res : 0.0);
    vals[8] = begun && res ? c : NULL;
}

static int pace_hours(fk_engine *e, const struct fk_round *r, const struct regions *rs,
                      const struct fk_engine_pace *pc, int64_t now, fk_table **out)
{
    int64_t cut = now < r->end ? now : r->end;
    struct hours_view *v = calloc(1, sizeof *v);
    struct sums s = {0};
    size_t i, nh = (size_t)pc->nh;
    int rc = FK_ENOMEM;

    if (!v)
        return FK_ENOMEM;
    fk_buf_init(&v->text, 0);
    v->nh = pc->nh;
    v->kn = cut < r->start ? -1 : (int)((cut - r->start) / 3600);
    v->start = r->start;
    v->n = rs->n;
    v->off = malloc((2 * rs->n + 1) * sizeof *v->off);
    v->res = malloc((rs->n + 1) * sizeof *v->res);
    v->hs = malloc((rs->n * nh + 1) * sizeof *v->hs);
    v->ht = malloc((rs->n * nh + 1) * sizeof *v->ht);
    if (!v->off || !v->res || !v->hs || !v->ht)
        goto out;
    rc = FK_OK;
    for (i = 0; rc == FK_OK && i < rs->n; i++) {
        s.hs = v->hs + i * nh;
        s.ht = v->ht + i * nh;
        sum_region(e, pc, &rs->v[i], &s);
        v->res[i] = s.res;
        v->off[2 * i] = v->text.len;
        rc = fk_buf_append(&v->text, rs->v[i].code, strlen(rs->v[i].code) + 1);
        v->off[2 * i + 1] = v->text.len;
        if (rc == FK_OK)
            rc = fk_buf_append(&v->text, rs->v[i].name, strlen(rs->v[i].name) + 1);
    }
    if (rc == FK_OK)
        return fk_table_new_view(pace_hour_cols, 9, rs->n * nh, hours_row, v, hours_view_free, out);
out:
    hours_view_free(v);
    return rc;
}

static const struct fk_col pace_lab_cols[] = {
    {"lab", FK_COL_TEXT},         {"name", FK_COL_TEXT},    {"tubes_per_hour", FK_COL_INT},
    {"received", FK_COL_INT},     {"resulted", FK_COL_INT}, {"queue", FK_COL_INT},
    {"queue_hours", FK_COL_REAL},
};

static int lab_row(fk_table *t, const char *code, const struct lab *l,
                   const struct fk_engine_lab_load *ld)
{
    char c[5][24], h[32];
    const char *vals[7];
    int64_t rec = ld ? ld->received : 0, res = ld ? ld->resulted : 0;

    i64(c[0], sizeof c[0], l ? l->cap : 0);
    i64(c[1], sizeof c[1], rec);
    i64(c[2], sizeof c[2], res);
    i64(c[3], sizeof c[3], rec - res);
    snprintf(h, sizeof h, "%.2f", l ? fk_plan_lab_hours(rec - res, l->cap) : 0.0);
    vals[0] = code;
    vals[1] = l ? l->name : NULL;
    vals[2] = l ? c[0] : NULL;
    vals[3] = c[1];
    vals[4] = c[2];
    vals[5] = c[3];
    vals[6] = l ? h : NULL;
    return fk_table_add(t, vals);
}

static int pace_labs(fk_engine *e, fk_store *st, const struct fk_round *r, int64_t now,
                     fk_table **out, char *err, size_t errlen)
{
    struct labs ls = {0};
    struct fk_engine_lab_load *ld = NULL;
    size_t nld = 0, i = 0, j = 0;
    fk_table *t = NULL;
    int rc = labs_of(e, st, r, &ls, err, errlen);

    if (rc == FK_OK)
        rc = fk_engine_lab_load(e, r, now, &ld, &nld, err, errlen);
    if (rc == FK_OK)
        rc = fk_table_new(pace_lab_cols, 7, &t);
    /* a merge of two lists by code */
    while (rc == FK_OK && (i < ls.n || j < nld)) {
        int c = i == ls.n ? 1 : j == nld ? -1 : strcmp(ls.v[i].code, ld[j].lab);

        if (c < 0) {
            rc = lab_row(t, ls.v[i].code, &ls.v[i], NULL);
            i++;
        } else if (c > 0) {
            rc = lab_row(t, ld[j].lab, NULL, &ld[j]);
            j++;
        } else {
            rc = lab_row(t, ls.v[i].code, &ls.v[i], &ld[j]);
            i++;
            j++;
        }
    }
    free(ls.v);
    free(ld);
    if (rc != FK_OK) {
        if (!*err)
            snprintf(err, errlen, "pace: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col transit_cols[] = {
    {"box", FK_COL_TEXT},  {"site", FK_COL_TEXT},  {"shipped", FK_COL_TEXT},
    {"tubes", FK_COL_INT}, {"hours", FK_COL_REAL},
};

/* One row of the transport: a box, or (box "") a site's unboxed tubes of one clock hour. */
struct transit_row {
    char box[64];
    const char *site; /* borrowed from the engine */
    int64_t shipped, tubes;
};

struct box_walk {
    fk_engine *e;
    const struct fk_round *r;
    int64_t now;
    fk_strmap *boxed;      /* the round's tubes in a box */
    struct transit_row *v; /* the boxes on the road */
    size_t n, cap;
    char last[64];
};

static int on_box(void *ud, const struct fk_record_value *v, size_t n)
{
    struct box_walk *w = ud;
    const char *box = n > 0 && v[0].s ? v[0].s : "", *tube = n > 1 && v[1].s ? v[1].s : "", *site;
    int64_t shipped = n > 2 ? v[2].i : 0;
    int in_round, arrived, added;
    struct transit_row *x;

    if (fk_engine_tube_at(w->e, w->r, tube, w->now, &site, &in_round, &arrived) != FK_OK ||
        !in_round)
        return 0;
    if (fk_strmap_intern(w->boxed, tube, strlen(tube), &added) < 0)
        return FK_ENOMEM;
    if (arrived || shipped > w->now)
        return 0;
    if (!w->n || strcmp(w->last, box) != 0) { /* the walk is by box, then tube */
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 64;
            x = realloc(w->v, w->cap * sizeof *x);
            if (!x)
                return FK_ENOMEM;
            w->v = x;
        }
        x = &w->v[w->n++];
        snprintf(x->box, sizeof x->box, "%s", box);
        snprintf(w->last, sizeof w->last, "%s", box);
        x->site = site;
        x->shipped = shipped;
        x->tubes = 0;
    }
    x = &w->v[w->n - 1];
    if (shipped < x->shipped)
        x->shipped = shipped;
    x->tubes++;
    return 0;
}

/* Oldest first, then by site, then by box. */
static int transit_order(const void *a, const void *b)
{
    const struct transit_row *x = a, *y = b;
    int c;

    if (x->shipped != y->shipped)
        return x->shipped < y->shipped ? -1 : 1;
    c = strcmp(x->site, y->site);
    return c ? c : strcmp(x->box, y->box);
}

static int pace_transport(fk_engine *e, fk_store *st, const struct fk_round *r, int64_t now,
                          fk_table **out, char *err, size_t errlen)
{
    struct box_walk w = {e, r, now, fk_strmap_new(), NULL, 0, 0, ""};
    struct fk_engine_transit *u = NULL;
    struct transit_row *all = NULL;
    size_t nu = 0, i, m = 0;
    fk_table *t = NULL;
    int rc = w.boxed ? fk_store_each_record(st, FK_IMPORT_BOXES, on_box, &w) : FK_ENOMEM;

    if (rc == FK_OK)
        rc = fk_engine_transit(e, r, now, w.boxed, &u, &nu, err, errlen);
    if (rc == FK_OK) {
        all = malloc((w.n + nu + 1) * sizeof *all);
        rc = all ? FK_OK : FK_ENOMEM;
    }
    for (i = 0; rc == FK_OK && i < w.n; i++)
        all[m++] = w.v[i];
    for (i = 0; rc == FK_OK && i < nu; i++) {
        all[m].box[0] = '\0';
        all[m].site = u[i].site;
        all[m].shipped = u[i].shipped;
        all[m++].tubes = u[i].tubes;
    }
    if (rc == FK_OK) {
        qsort(all, m, sizeof *all, transit_order);
        rc = fk_table_new(transit_cols, 5, &t);
    }
    for (i = 0; rc == FK_OK && i < m; i++) {
        char when[FK_TIME_RENDER_MAX], c[24], h[24];
        const char *vals[5] = {all[i].box[0] ? all[i].box : NULL, all[i].site,
                               fk_time_render(all[i].shipped, when), c, h};

        i64(c, sizeof c, all[i].tubes);
        snprintf(h, sizeof h, "%.1f", (double)(now - all[i].shipped) / 3600.0);
        rc = fk_table_add(t, vals);
    }
    fk_strmap_free(w.boxed);
    free(w.v);
    free(u);
    free(all);
    if (rc != FK_OK) {
        if (!*err)
            snprintf(err, errlen, "pace: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

int fk_pace(fk_engine *e, fk_store *st, const struct fk_profile *p, const struct fk_round *r,
            enum fk_level by, enum fk_pace_view view, int64_t now, fk_table **out, char *err,
            size_t errlen)
{
    struct fk_engine_pace pc = {0};
    struct regions rs = {0};
    fk_table *t = NULL;
    int rc;

    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (view == FK_PACE_LABS)
        return pace_labs(e, st, r, now, out, err, errlen);
    if (view == FK_PACE_TRANSPORT)
        return pace_transport(e, st, r, now, out, err, errlen);
    rc = regions_of(e, r, by, &rs, err, errlen);
    if (rc == FK_OK)
        rc = fk_engine_pace(e, r, now, &pc, err, errlen);
    if (rc == FK_OK) {
        if (view == FK_PACE_HOURS) {
            rc = pace_hours(e, r, &rs, &pc, now, &t);
        } else {
            rc = fk_table_new(pace_region_cols, 11, &t);
            if (rc == FK_OK)
                rc = pace_regions(e, p, r, &rs, &pc, now, t);
        }
        if (rc != FK_OK)
            snprintf(err, errlen, "pace: %s", fk_strerror(rc));
    }
    fk_engine_pace_fini(&pc);
    free(rs.v);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- the labs ---- */

static const struct fk_col lab_list_cols[] = {
    {"code", FK_COL_TEXT},
    {"name", FK_COL_TEXT},
    {"tubes_per_hour", FK_COL_INT},
    {"region", FK_COL_TEXT},
};

static int on_lab_row(void *ud, const struct fk_record_value *v, size_t n)
{
    char cap[24];
    const char *vals[4];

    if (n < 4)
        return FK_OK;
    i64(cap, sizeof cap, v[2].i);
    vals[0] = v[0].s;
    vals[1] = v[1].s;
    vals[2] = cap;
    vals[3] = v[3].s;
    return fk_table_add(ud, vals);
}

int fk_lab_list(fk_store *st, fk_table **out, char *err, size_t errlen)
{
    fk_table *t = NULL;
    int rc = fk_table_new(lab_list_cols, 4, &t);

    *out = NULL;
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_LABS, on_lab_row, t);
    if (rc != FK_OK) {
        snprintf(err, errlen, "labs: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}
