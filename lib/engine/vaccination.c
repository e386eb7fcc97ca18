/* SPDX-License-Identifier: MIT */
/* The vaccination index (fk/vaccination.h): residents grouped by grid, each with a birth date and
 * the times a first dose, a full course and a booster were reached, built once from the store;
 * coverage, catch-up lists and the community table read it.
 *
 * DESIGN NOTES
 * - Struct of arrays, residents sorted by the engine's grid index (a counting sort), so a region
 *   is a contiguous run [goff[glo], goff[ghi]) and coverage of every county is one pass over the
 *   residents: 16 bytes a resident (birth yyyymmdd, three times), 160 MB at 10 M, read in order.
 * - Times are kept as unsigned 32-bit Unix seconds (1970 to 2106; an earlier dose counts as
 *   1970), UINT32_MAX for "never", so "reached by now" is one compare; the age comes from the
 *   yyyymmdd numbers (fk_vax_age), the band from a table by age.
 * - The levels are fk_vax_status's, computed once a person at build from the doses in the store
 *   (one walk in person order). What a list shows beyond them (doses so far, the last dose, name
 *   and phone) is read through the caller's store connection for the persons listed only. */
#include "fk/vaccination.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/time.h"
#include "fk/vaccine.h"
#include "fk/vec.h"

#define NEVER UINT32_MAX

struct fk_vax {
    fk_engine *e;
    struct fk_profile prof;
    int64_t generation;
    size_t n, ngrids;
    uint32_t *goff;         /* ngrids + 1: residents of grid g are [goff[g], goff[g + 1]) */
    int32_t *birth;         /* yyyymmdd */
    uint32_t *t1, *tf, *tb; /* first dose, full course, booster reached; NEVER */
    int64_t *pid;           /* dense person id */
    int32_t *slot;          /* person id -> resident index, -1 not a resident (npid entries) */
    size_t npid;
    int8_t band_of[256]; /* age -> band, -1 under 3 */
};

static uint32_t t32(int64_t t)
{
    if (t == FK_VAX_NEVER)
        return NEVER;
    if (t <= 0)
        return 0;
    return t >= (int64_t)NEVER ? NEVER - 1 : (uint32_t)t;
}

void fk_vax_free(fk_vax *v)
{
    if (!v)
        return;
    free(v->goff);
    free(v->birth);
    free(v->t1);
    free(v->tf);
    free(v->tb);
    free(v->pid);
    free(v->slot);
    free(v);
}

/* ---- build ---- */

struct gather {
    fk_vax *v;
    int64_t *pid;
    int32_t *grid, *birth;
    size_t n, cap;
    int64_t maxpid;
};

static int on_person(void *ud, const struct fk_person_row *p)
{
    struct gather *g = ud;
    int32_t grid = fk_engine_person_grid(g->v->e, p->id);
    int32_t birth = fk_vax_birth(p->id_number, strlen(p->id_number));

    if (grid < 0 || !birth)
        return 0;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        int64_t *a = realloc(g->pid, cap * sizeof *a);
        int32_t *b, *c;

        if (!a)
            return FK_ENOMEM;
        g->pid = a;
        b = realloc(g->grid, cap * sizeof *b);
        if (!b)
            return FK_ENOMEM;
        g->grid = b;
        c = realloc(g->birth, cap * sizeof *c);
        if (!c)
            return FK_ENOMEM;
        g->birth = c;
        g->cap = cap;
    }
    g->pid[g->n] = p->id;
    g->grid[g->n] = grid;
    g->birth[g->n] = birth;
    g->n++;
    if (p->id > g->maxpid)
        g->maxpid = p->id;
    return 0;
}

/* The doses of one person as the walk gathers them. */
struct doses {
    fk_vax *v;
    int64_t person;
    struct fk_vax_dose d[32];
    size_t n;
    char vaccine[64]; /* the first dose's (the walk gives doses by time) */
};

static void settle(struct doses *w)
{
    int64_t reach[3];
    int32_t s;

    if (w->n == 0 || w->person < 0 || (size_t)w->person >= w->v->npid)
        return;
    s = w->v->slot[w->person];
    if (s < 0)
        return;
    fk_vax_status(&w->v->prof, w->d, w->n, reach, NULL);
    w->v->t1[s] = t32(reach[0]);
    w->v->tf[s] = t32(reach[1]);
    w->v->tb[s] = t32(reach[2]);
}

static int on_dose(void *ud, const struct fk_vax_row *r)
{
    struct doses *w = ud;

    if (r->person != w->person) {
        settle(w);
        w->person = r->person;
        w->n = 0;
        fk_strlcpy(w->vaccine, r->vaccine ? r->vaccine : "", sizeof w->vaccine);
    }
    if (w->n < sizeof w->d / sizeof w->d[0]) {
        w->d[w->n].dose = r->dose;
        w->d[w->n].time = r->time;
        w->d[w->n].vaccine = w->n == 0 ? w->vaccine : NULL;
        w->n++;
    }
    return 0;
}

int fk_vax_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_vax **out, char *err,
                 size_t errlen)
{
    struct fk_engine_stats es;
    struct gather g = {NULL, NULL, NULL, NULL, 0, 0, -1};
    struct doses w;
    fk_vax *v = NULL;
    size_t i, a;
    int rc = FK_ENOMEM;

    *out = NULL;
    v = calloc(1, sizeof *v);
    if (!v)
        goto out;
    v->e = e;
    v->prof = *p;
    fk_engine_stats(e, &es);
    v->generation = es.generation;
    v->ngrids = es.grids;
    for (a = 0; a < sizeof v->band_of; a++)
        v->band_of[a] = (int8_t)fk_vax_band((int)a);
    g.v = v;
    rc = fk_store_each_person_key(st, on_person, &g);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    v->n = g.n;
    v->npid = (size_t)(g.maxpid + 1);
    v->goff = calloc(v->ngrids + 2, sizeof *v->goff);
    v->birth = malloc((g.n ? g.n : 1) * sizeof *v->birth);
    v->t1 = malloc((g.n ? g.n : 1) * sizeof *v->t1);
    v->tf = malloc((g.n ? g.n : 1) * sizeof *v->tf);
    v->tb = malloc((g.n ? g.n : 1) * sizeof *v->tb);
    v->pid = malloc((g.n ? g.n : 1) * sizeof *v->pid);
    v->slot = malloc((v->npid ? v->npid : 1) * sizeof *v->slot);
    if (!v->goff || !v->birth || !v->t1 || !v->tf || !v->tb || !v->pid || !v->slot)
        goto out;
    /* Counting sort by grid; persons keep their id order inside a grid. */
    for (i = 0; i < g.n; i++)
        v->goff[g.grid[i] + 2]++;
    for (i = 2; i < v->ngrids + 2; i++)
        v->goff[i] += v->goff[i - 1];
    for (i = 0; i < v->npid; i++)
        v->slot[i] = -1;
    for (i = 0; i < g.n; i++) {
        uint32_t s = v->goff[g.grid[i] + 1]++;

        v->birth[s] = g.birth[i];
        v->pid[s] = g.pid[i];
        v->t1[s] = v->tf[s] = v->tb[s] = NEVER;
        v->slot[g.pid[i]] = (int32_t)s;
    }
    memset(&w, 0, sizeof w);
    w.v = v;
    w.person = -1;
    rc = fk_store_each_vaccination(st, -1, on_dose, &w);
    if (rc != FK_OK)
        goto out;
    settle(&w);
    *out = v;
    v = NULL;
out:
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory building the vaccination index");
    else if (rc != FK_OK)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
    free(g.pid);
    free(g.grid);
    free(g.birth);
    fk_vax_free(v);
    return rc;
}

const fk_engine *fk_vax_engine(const fk_vax *v)
{
    return v->e;
}

int64_t fk_vax_generation(const fk_vax *v)
{
    return v->generation;
}

size_t fk_vax_residents(const fk_vax *v)
{
    return v->n;
}

/* ---- coverage ---- */

/* Counts of one region: per band residents, dose1, full, booster. */
struct counts {
    uint64_t c[FK_VAX_NBANDS][4];
};

static int band_at(const fk_vax *v, int32_t birth, int32_t ymd)
{
    int age = fk_vax_age(birth, ymd);

    if (age < 0)
        return -1;
    return age > 255 ? FK_VAX_80_UP : v->band_of[age];
}

/* One pass over the residents of grids [glo, ghi). */
static void count_range(const fk_vax *v, int32_t glo, int32_t ghi, int32_t ymd, uint32_t now,
                        struct counts *k)
{
    uint32_t i, lo = v->goff[glo], hi = v->goff[ghi];

    memset(k, 0, sizeof *k);
    for (i = lo; i < hi; i++) {
        int b = band_at(v, v->birth[i], ymd);

        if (b < 0)
            continue;
        k->c[b][0]++;
        k->c[b][1] += v->t1[i] <= now;
        k->c[b][2] += v->tf[i] <= now;
        k->c[b][3] += v->tb[i] <= now;
    }
    for (i = 0; i < 4; i++)
        k->c[FK_VAX_12_UP][i] = k->c[FK_VAX_12_17][i] + k->c[FK_VAX_18_59][i] +
                                k->c[FK_VAX_60_79][i] + k->c[FK_VAX_80_UP][i];
}

static const struct fk_col coverage_cols[] = {
    {"region", FK_COL_TEXT},   {"name", FK_COL_TEXT}, {"band", FK_COL_TEXT},
    {"residents", FK_COL_INT}, {"dose1", FK_COL_INT}, {"full", FK_COL_INT},
    {"booster", FK_COL_INT},
};

struct cov_walk {
    const fk_vax *v;
    fk_table *t;
    int32_t ymd;
    uint32_t now;
};

static int cov_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct cov_walk *w = ud;
    struct counts k;
    char num[4][24];
    int b, j, rc;

    if (glo < 0 || ghi < glo || (size_t)ghi > w->v->ngrids)
        return 0;
    count_range(w->v, glo, ghi, w->ymd, w->now, &k);
    for (b = 0; b < FK_VAX_NBANDS; b++) {
        const char *vals[7] = {code, name, fk_vax_band_name(b), num[0], num[1], num[2], num[3]};

        for (j = 0; j < 4; j++)
            snprintf(num[j], sizeof num[j], "%llu", (unsigned long long)k.c[b][j]);
        rc = fk_table_add(w->t, vals);
        if (rc != FK_OK)
            return rc;
    }
    return 0;
}

int fk_vax_coverage(fk_vax *v, enum fk_level by, const char *within, int64_t now, fk_table **out,
                    char *err, size_t errlen)
{
    struct cov_walk w = {v, NULL, fk_vax_ymd(now), t32(now)};
    int rc;

    *out = NULL;
    rc = fk_table_new(coverage_cols, 7, &w.t);
    if (rc != FK_OK)
        goto out;
    rc = fk_engine_each_region(v->e, within, by, cov_region, &w);
out:
    if (rc == FK_ENOENT)
        snprintf(err, errlen, "unknown region %s", within ? within : "");
    else if (rc != FK_OK)
        snprintf(err, errlen, "out of memory");
    if (rc != FK_OK) {
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}

/* ---- catch-up ---- */

/* 1 when resident i is on the catch-up list at ymd, now: 12 or older, no full course. */
static int on_list(const fk_vax *v, uint32_t i, int32_t ymd, uint32_t now)
{
    int age = fk_vax_age(v->birth[i], ymd);

    return age >= 12 && v->tf[i] > now;
}

static int region_range(const fk_vax *v, const char *region, int32_t *glo, int32_t *ghi, char *err,
                        size_t errlen)
{
    enum fk_level lv;
    const char *name;

    if (!region) {
        *glo = 0;
        *ghi = (int32_t)v->ngrids;
        return FK_OK;
    }
    if (fk_engine_region_info(v->e, region, glo, ghi, &lv, &name) != FK_OK || *glo < 0 ||
        *ghi < *glo || (size_t)*ghi > v->ngrids) {
        snprintf(err, errlen, "unknown region %s", region ? region : "");
        return FK_ENOENT;
    }
    return FK_OK;
}

int fk_vax_catchup_members(fk_vax *v, const char *region, int64_t now, int64_t **pids, size_t *n,
                           char *err, size_t errlen)
{
    int32_t glo, ghi, ymd = fk_vax_ymd(now);
    uint32_t i, t = t32(now);
    int64_t *a = NULL;
    size_t k = 0;
    int rc;

    *pids = NULL;
    *n = 0;
    rc = region_range(v, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    a = malloc(((size_t)(v->goff[ghi] - v->goff[glo]) + 1) * sizeof *a);
    if (!a) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    for (i = v->goff[glo]; i < v->goff[ghi]; i++)
        if (on_list(v, i, ymd, t))
            a[k++] = v->pid[i];
    *pids = a;
    *n = k;
    return FK_OK;
}

static const struct fk_col catchup_cols[] = {
    {"grid", FK_COL_TEXT}, {"grid_name", FK_COL_TEXT}, {"id_number", FK_COL_TEXT},
    {"name", FK_COL_TEXT}, {"phone", FK_COL_TEXT},     {"age", FK_COL_INT},
    {"doses", FK_COL_INT}, {"last_dose", FK_COL_TEXT},
};

struct person_doses {
    struct fk_vax_dose d[32];
    size_t n;
};

static int on_own_dose(void *ud, const struct fk_vax_row *r)
{
    struct person_doses *pd = ud;

    if (pd->n < sizeof pd->d / sizeof pd->d[0]) {
        pd->d[pd->n].dose = r->dose;
        pd->d[pd->n].time = r->time;
        pd->d[pd->n].vaccine = NULL;
        pd->n++;
    }
    return 0;
}

int fk_vax_catchup(fk_vax *v, fk_store *st, const char *region, int64_t now, fk_table **out,
                   char *err, size_t errlen)
{
    static const size_t order[2] = {0, 2};
    int32_t glo, ghi, g, ymd = fk_vax_ymd(now);
    uint32_t i, t = t32(now);
    fk_table *tb = NULL;
    int rc, in_read = 0;

    *out = NULL;
    rc = region_range(v, region, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_table_new(catchup_cols, 8, &tb);
    if (rc != FK_OK)
        goto out;
    rc = fk_store_read_begin(st);
    if (rc != FK_OK)
        goto out;
    in_read = 1;
    for (g = glo; g < ghi && rc == FK_OK; g++) {
        const char *gcode = fk_engine_grid_code(v->e, g), *gname = "";
        int32_t a, b;
        enum fk_level lv;
        char gcopy[64], gname_copy[256];

        fk_engine_region_info(v->e, gcode, &a, &b, &lv, &gname);
        fk_strlcpy(gcopy, gcode, sizeof gcopy);
        fk_strlcpy(gname_copy, gname ? gname : "", sizeof gname_copy);
        for (i = v->goff[g]; i < v->goff[g + 1] && rc == FK_OK; i++) {
            struct fk_person_row p;
            struct person_doses pd;
            char age[16], doses[16], last[FK_TIME_RENDER_MAX];
            int64_t lt = 0;
            int level;

            if (!on_list(v, i, ymd, t))
                continue;
            rc = fk_store_get_person(st, v->pid[i], &p);
            if (rc != FK_OK)
                break;
            {
                char idn[64], name[256], phone[64];
                const char *vals[8];

                fk_strlcpy(idn, p.id_number ? p.id_number : "", sizeof idn);
                fk_strlcpy(name, p.name ? p.name : "", sizeof name);
                fk_strlcpy(phone, p.phone ? p.phone : "", sizeof phone);
                pd.n = 0;
                rc = fk_store_each_vaccination(st, v->pid[i], on_own_dose, &pd);
                if (rc != FK_OK)
                    break;
                level = fk_vax_level_at(pd.d, pd.n, now, &lt);
                snprintf(age, sizeof age, "%d", fk_vax_age(v->birth[i], ymd));
                snprintf(doses, sizeof doses, "%d", level);
                vals[0] = gcopy;
                vals[1] = gname_copy;
                vals[2] = idn;
                vals[3] = name;
                vals[4] = phone;
                vals[5] = age;
                vals[6] = doses;
                vals[7] = lt ? fk_time_render(lt, last) : NULL;
                rc = fk_table_add(tb, vals);
            }
        }
    }
    if (rc == FK_OK)
        fk_table_sort(tb, order, 2);
out:
    if (in_read)
        fk_store_read_end(st);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
    if (rc != FK_OK) {
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

/* ---- communities ---- */

static const struct fk_col community_cols[] = {
    {"community", FK_COL_TEXT},     {"name", FK_COL_TEXT},   {"residents12", FK_COL_INT},
    {"on_list", FK_COL_INT},        {"pushed", FK_COL_TEXT}, {"pushed_by", FK_COL_TEXT},
    {"pushed_members", FK_COL_INT}, {"since", FK_COL_INT},
};

/* The last pushes, as the store gives them, by region code. */
struct push {
    char region[32], who[72];
    int64_t time, members, since;
};
struct pushes {
    struct push *a;
    size_t n, cap;
};

static int on_push(void *ud, const struct fk_vax_push_row *r)
{
    struct pushes *ps = ud;
    struct push *x;

    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 64;
        struct push *a = realloc(ps->a, cap * sizeof *a);

        if (!a)
            return FK_ENOMEM;
        ps->a = a;
        ps->cap = cap;
    }
    x = &ps->a[ps->n++];
    fk_strlcpy(x->region, r->region ? r->region : "", sizeof x->region);
    fk_strlcpy(x->who, r->who ? r->who : "", sizeof x->who);
    x->time = r->time;
    x->members = r->members;
    x->since = r->since;
    return 0;
}

struct com_walk {
    const fk_vax *v;
    fk_table *t;
    const struct pushes *ps;
    int32_t ymd;
    uint32_t now;
};

static int com_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct com_walk *w = ud;
    const struct push *p = NULL;
    uint64_t twelve = 0, listed = 0;
    char num[4][24], when[FK_TIME_RENDER_MAX];
    const char *vals[8];
    uint32_t i;
    size_t k;

    if (glo < 0 || ghi < glo || (size_t)ghi > w->v->ngrids)
        return 0;
    for (i = w->v->goff[glo]; i < w->v->goff[ghi]; i++) {
        int age = fk_vax_age(w->v->birth[i], w->ymd);

        if (age < 12)
            continue;
        twelve++;
        listed += w->v->tf[i] > w->now;
    }
    for (k = 0; k < w->ps->n; k++)
        if (strcmp(w->ps->a[k].region, code) == 0)
            p = &w->ps->a[k];
    snprintf(num[0], sizeof num[0], "%llu", (unsigned long long)twelve);
    snprintf(num[1], sizeof num[1], "%llu", (unsigned long long)listed);
    vals[0] = code;
    vals[1] = name;
    vals[2] = num[0];
    vals[3] = num[1];
    vals[4] = vals[5] = vals[6] = vals[7] = NULL;
    if (p) {
        snprintf(num[2], sizeof num[2], "%lld", (long long)p->members);
        snprintf(num[3], sizeof num[3], "%lld", (long long)p->since);
        vals[4] = fk_time_render(p->time, when);
        vals[5] = p->who;
        vals[6] = num[2];
        vals[7] = num[3];
    }
    return fk_table_add(w->t, vals);
}

int fk_vax_communities(fk_vax *v, fk_store *st, const char *within, int64_t now, fk_table **out,
                       char *err, size_t errlen)
{
    struct pushes ps = {NULL, 0, 0};
    struct com_walk w = {v, NULL, &ps, fk_vax_ymd(now), t32(now)};
    int rc;

    *out = NULL;
    rc = fk_store_each_vax_push(st, now, on_push, &ps);
    if (rc != FK_OK) {
        if (rc != FK_ENOMEM)
            snprintf(err, errlen, "%s", fk_store_errmsg(st));
        else
            snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = fk_table_new(community_cols, 8, &w.t);
    if (rc == FK_OK)
        rc = fk_engine_each_region(v->e, within, FK_LEVEL_COMMUNITY, com_region, &w);
    if (rc == FK_ENOENT)
        snprintf(err, errlen, "unknown region %s", within ? within : "");
    else if (rc != FK_OK)
        snprintf(err, errlen, "out of memory");
out:
    free(ps.a);
    if (rc != FK_OK) {
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}
