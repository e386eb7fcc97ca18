/* SPDX-License-Identifier: MIT */
/* Duty and zero reports (see fk/reports.h): the read-only index over the region tree, the units
 * and their reports, and the answers read from it.
 *
 * DESIGN NOTES
 * - Texts (codes, names, contacts, persons) are interned in string maps that stop growing once
 *   the build is done, so a borrowed key stays valid for the index's life.
 * - The grid of unit-days is day-major (cells[(d - d0) * nunits + u]) so a day's status reads one
 *   contiguous row; days silent walk back a unit's column only for the silent units.
 * - Each unit keeps its ancestor at every level (itself at its own), so "inside region R" is one
 *   compare and the group of a unit at level `by` is one load. */
#include "fk/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/record.h"
#include "fk/report.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

#define NLEVELS 7 /* enum fk_level, FK_LEVEL_NONE .. FK_LEVEL_GRID */

#define TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z */

#define CELL_REPORTED 1u
#define CELL_COUNT 2u /* some report of the day counted more than 0 */

struct region {
    int64_t name; /* in pool */
    int32_t parent;
    int level;
};

struct unit {
    int64_t name, contact; /* in pool */
    int32_t region;
    int kind;
    int32_t anc[NLEVELS]; /* ancestor region at each level (-1: none) */
};

struct duty {
    int32_t day, region;
    int64_t person, phone, role; /* in pool */
};

struct fk_reports {
    int64_t generation;
    int deadline_min;
    fk_strmap *rcodes, *ucodes, *pool;
    struct region *regions;
    size_t nregions, cregions;
    struct unit *units;
    size_t nunits, cunits;
    struct duty *duty;
    size_t nduty, cduty;
    int32_t d0, ndays; /* the days the reports span: [d0, d0 + ndays) */
    uint8_t *flags;    /* ndays * nunits */
    int32_t *sub;      /* seconds after the day's 00:00 of its first submission (0: none given) */
    /* scratch of the status: per region a slot (-1: none yet) */
    int32_t *slot;
};

struct build {
    fk_reports *r;
    int pass; /* reports: 0 span, 1 fill */
    int32_t dmin, dmax;
    int rc;
};

static int64_t pool_add(fk_reports *r, const char *s)
{
    int added;

    return fk_strmap_intern(r->pool, s ? s : "", s ? strlen(s) : 0, &added);
}

static const char *pool_text(const fk_reports *r, int64_t i)
{
    return fk_strmap_key(r->pool, i);
}

static const char *rcode(const fk_reports *r, int32_t i)
{
    return fk_strmap_key(r->rcodes, i);
}

static int on_region(void *ud, const struct fk_region_row *row)
{
    struct build *b = ud;
    fk_reports *r = b->r;
    int added;
    int64_t i = fk_strmap_intern(r->rcodes, row->code, strlen(row->code), &added), name;

    if (i < 0)
        return FK_ENOMEM;
    if (fk_vec_grow((void **)&r->regions, &r->cregions, (size_t)i + 1, sizeof *r->regions) != FK_OK)
        return FK_ENOMEM;
    name = pool_add(r, row->name);
    if (name < 0)
        return FK_ENOMEM;
    r->regions[i].name = name;
    r->regions[i].level = row->level;
    /* The parent's code waits in the pool until every region is known. */
    r->regions[i].parent = (int32_t)pool_add(r, row->parent);
    if (r->regions[i].parent < 0)
        return FK_ENOMEM;
    if ((size_t)i + 1 > r->nregions)
        r->nregions = (size_t)i + 1;
    return FK_OK;
}

static int32_t region_of(const fk_reports *r, const char *code)
{
    return code ? (int32_t)fk_strmap_find(r->rcodes, code, strlen(code)) : -1;
}

/* The ancestors of region i at every level, itself at its own. */
static void ancestors(const fk_reports *r, int32_t i, int32_t anc[NLEVELS])
{
    int k, depth;

    for (k = 0; k < NLEVELS; k++)
        anc[k] = -1;
    for (depth = 0; i >= 0 && depth < 16; depth++) {
        int lv = r->regions[i].level;

        if (lv > 0 && lv < NLEVELS && anc[lv] < 0)
            anc[lv] = i;
        i = r->regions[i].parent;
    }
}

static int on_unit(void *ud, const struct fk_record_value *v, size_t n)
{
    struct build *b = ud;
    fk_reports *r = b->r;
    struct unit *u;
    int added;
    int64_t i;
    int32_t reg;

    if (n < 5 || !v[0].s)
        return FK_EDB;
    reg = region_of(r, v[2].s);
    if (reg < 0)
        return FK_OK; /* its region was removed since: not counted anywhere */
    i = fk_strmap_intern(r->ucodes, v[0].s, strlen(v[0].s), &added);
    if (i < 0)
        return FK_ENOMEM;
    if (fk_vec_grow((void **)&r->units, &r->cunits, (size_t)i + 1, sizeof *r->units) != FK_OK)
        return FK_ENOMEM;
    u = &r->units[i];
    u->name = pool_add(r, v[1].s);
    u->contact = pool_add(r, v[4].s);
    if (u->name < 0 || u->contact < 0)
        return FK_ENOMEM;
    u->region = reg;
    u->kind = v[3].i >= 0 && v[3].i < FK_UNIT_NKINDS ? (int)v[3].i : FK_UNIT_OTHER;
    ancestors(r, reg, u->anc);
    if ((size_t)i + 1 > r->nunits)
        r->nunits = (size_t)i + 1;
    return FK_OK;
}

static int on_report(void *ud, const struct fk_record_value *v, size_t n)
{
    struct build *b = ud;
    fk_reports *r = b->r;
    int64_t u, off;
    int32_t d;
    size_t cell;

    if (n < 6 || !v[0].s || !v[1].s)
        return FK_EDB;
    if (fk_report_date_parse((fk_slice){v[1].s, strlen(v[1].s)}, &d) != FK_OK)
        return FK_OK;
    u = fk_strmap_find(r->ucodes, v[0].s, strlen(v[0].s));
    if (u < 0)
        return FK_OK;
    if (b->pass == 0) {
        if (b->dmax < b->dmin) {
            b->dmin = b->dmax = d;
        } else {
            b->dmin = d < b->dmin ? d : b->dmin;
            b->dmax = d > b->dmax ? d : b->dmax;
        }
        return FK_OK;
    }
    cell = (size_t)(d - r->d0) * r->nunits + (size_t)u;
    off = v[5].i ? v[5].i - fk_report_day_start(d) : 0;
    if (off < 0)
        off = 0;
    if (off > INT32_MAX)
        off = INT32_MAX;
    if (!(r->flags[cell] & CELL_REPORTED) || off < r->sub[cell])
        r->sub[cell] = (int32_t)off;
    r->flags[cell] |= CELL_REPORTED;
    if (v[3].i > 0)
        r->flags[cell] |= CELL_COUNT;
    return FK_OK;
}

static int on_duty(void *ud, const struct fk_record_value *v, size_t n)
{
    struct build *b = ud;
    fk_reports *r = b->r;
    struct duty *d;
    int32_t day, reg;

    if (n < 5 || !v[0].s)
        return FK_EDB;
    if (fk_report_date_parse((fk_slice){v[0].s, strlen(v[0].s)}, &day) != FK_OK)
        return FK_OK;
    reg = region_of(r, v[1].s);
    if (reg < 0)
        return FK_OK;
    if (fk_vec_grow((void **)&r->duty, &r->cduty, r->nduty + 1, sizeof *r->duty) != FK_OK)
        return FK_ENOMEM;
    d = &r->duty[r->nduty];
    d->day = day;
    d->region = reg;
    d->person = pool_add(r, v[2].s);
    d->phone = pool_add(r, v[3].s);
    d->role = pool_add(r, v[4].s);
    if (d->person < 0 || d->phone < 0 || d->role < 0)
        return FK_ENOMEM;
    r->nduty++;
    return FK_OK;
}

int fk_reports_build(fk_store *st, const struct fk_profile *p, fk_reports **out, char *err,
                     size_t errlen)
{
    struct build b;
    fk_reports *r = calloc(1, sizeof *r);
    size_t i, ncells;
    int rc;

    *out = NULL;
    memset(&b, 0, sizeof b);
    b.r = r;
    b.dmin = 1;
    b.dmax = 0;
    if (!r || !(r->rcodes = fk_strmap_new()) || !(r->ucodes = fk_strmap_new()) ||
        !(r->pool = fk_strmap_new())) {
        rc = FK_ENOMEM;
        goto out;
    }
    r->deadline_min = p->reports_deadline_min;
    rc = fk_store_generation(st, &r->generation);
    if (rc == FK_OK)
        rc = fk_store_each_region(st, on_region, &b);
    if (rc != FK_OK)
        goto out;
    /* Parents: from the pooled code to the region's index. */
    for (i = 0; i < r->nregions; i++)
        r->regions[i].parent = region_of(r, pool_text(r, r->regions[i].parent));
    rc = fk_store_each_record(st, FK_IMPORT_UNITS, on_unit, &b);
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_REPORTS, on_report, &b);
    if (rc != FK_OK)
        goto out;
    if (b.dmax >= b.dmin) {
        r->d0 = b.dmin;
        r->ndays = b.dmax - b.dmin + 1;
    }
    ncells = (size_t)r->ndays * r->nunits;
    r->flags = calloc(ncells ? ncells : 1, 1);
    r->sub = calloc(ncells ? ncells : 1, sizeof *r->sub);
    r->slot = malloc((r->nregions ? r->nregions : 1) * sizeof *r->slot);
    if (!r->flags || !r->sub || !r->slot) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < r->nregions; i++)
        r->slot[i] = -1;
    b.pass = 1;
    if (ncells)
        rc = fk_store_each_record(st, FK_IMPORT_REPORTS, on_report, &b);
    if (rc == FK_OK)
        rc = fk_store_each_record(st, FK_IMPORT_DUTY, on_duty, &b);
out:
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s",
                 rc == FK_ENOMEM ? "out of memory"
                 : st            ? fk_store_errmsg(st)
                                 : "no store");
        fk_reports_free(r);
        return rc;
    }
    *out = r;
    return FK_OK;
}

void fk_reports_free(fk_reports *r)
{
    if (!r)
        return;
    fk_strmap_free(r->rcodes);
    fk_strmap_free(r->ucodes);
    fk_strmap_free(r->pool);
    free(r->regions);
    free(r->units);
    free(r->duty);
    free(r->flags);
    free(r->sub);
    free(r->slot);
    free(r);
}

int64_t fk_reports_generation(const fk_reports *r)
{
    return r->generation;
}

size_t fk_reports_units(const fk_reports *r)
{
    return r->nunits;
}

/* The region asked for: its index into *w (-1 for NULL: everywhere). FK_OK or FK_ENOENT. */
static int asked(const fk_reports *r, const char *within, int32_t *w, char *err, size_t errlen)
{
    *w = -1;
    if (!within || !*within)
        return FK_OK;
    *w = region_of(r, within);
    if (*w < 0) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    return FK_OK;
}

/* 1 when unit u lies inside region w (-1: everywhere). */
static int unit_inside(const fk_reports *r, const struct unit *u, int32_t w)
{
    int lv;

    if (w < 0)
        return 1;
    lv = r->regions[w].level;
    return lv > 0 && lv < NLEVELS && u->anc[lv] == w;
}

/* The flags and first submission of unit u on day d (0 flags outside the span). */
static unsigned cell_flags(const fk_reports *r, size_t u, int32_t d, int32_t *sub)
{
    size_t c;

    *sub = 0;
    if (d < r->d0 || d >= r->d0 + r->ndays)
        return 0;
    c = (size_t)(d - r->d0) * r->nunits + u;
    *sub = r->sub[c];
    return r->flags[c];
}

static enum fk_report_state day_state(const fk_reports *r, unsigned fl, int32_t sub)
{
    if (!(fl & CELL_REPORTED))
        return FK_REPORT_MISSING;
    return (int64_t)sub > (int64_t)r->deadline_min * 60 ? FK_REPORT_LATE : FK_REPORT_ON_TIME;
}

static const struct fk_col status_cols[] = {
    {"region", FK_COL_TEXT},  {"name", FK_COL_TEXT}, {"kind", FK_COL_TEXT}, {"units", FK_COL_INT},
    {"reported", FK_COL_INT}, {"zero", FK_COL_INT},  {"late", FK_COL_INT},  {"missing", FK_COL_INT},
};

struct group {
    int32_t region;
    int32_t n[FK_UNIT_NKINDS][4]; /* units, reported, zero, late */
};

static const fk_reports *sort_r; /* for qsort's compare; under the one-thread rule */

static int group_cmp(const void *a, const void *b)
{
    const struct group *x = a, *y = b;

    return strcmp(rcode(sort_r, x->region), rcode(sort_r, y->region));
}

int fk_reports_status(fk_reports *r, enum fk_level by, const char *within, int32_t date,
                      fk_table **out, char *err, size_t errlen)
{
    struct group *g = NULL;
    size_t ng = 0, cg = 0, u, i;
    fk_table *t = NULL;
    int32_t w;
    int rc, k;

    *out = NULL;
    rc = asked(r, within, &w, err, errlen);
    if (rc != FK_OK)
        return rc;
    if (by <= FK_LEVEL_NONE || by > FK_LEVEL_GRID)
        by = FK_LEVEL_COUNTY;
    for (u = 0; u < r->nunits; u++) {
        const struct unit *un = &r->units[u];
        int32_t grp, sub;
        unsigned fl;
        struct group *gp;

        if (!unit_inside(r, un, w))
            continue;
        grp = un->anc[by] >= 0 ? un->anc[by] : un->region;
        if (r->slot[grp] < 0) {
            if (fk_vec_grow((void **)&g, &cg, ng + 1, sizeof *g) != FK_OK) {
                rc = FK_ENOMEM;
                goto out;
            }
            memset(&g[ng], 0, sizeof g[ng]);
            g[ng].region = grp;
            r->slot[grp] = (int32_t)ng++;
        }
        gp = &g[r->slot[grp]];
        fl = cell_flags(r, u, date, &sub);
        gp->n[un->kind][0]++;
        if (fl & CELL_REPORTED) {
            gp->n[un->kind][1]++;
            gp->n[un->kind][2] += !(fl & CELL_COUNT);
            gp->n[un->kind][3] += day_state(r, fl, sub) == FK_REPORT_LATE;
        }
    }
    for (i = 0; i < ng; i++)
        r->slot[g[i].region] = -1;
    sort_r = r;
    if (ng > 1)
        qsort(g, ng, sizeof *g, group_cmp);
    rc = fk_table_new(status_cols, sizeof status_cols / sizeof status_cols[0], &t);
    for (i = 0; rc == FK_OK && i < ng; i++) {
        for (k = 0; rc == FK_OK && k < FK_UNIT_NKINDS; k++) {
            const int32_t *n = g[i].n[k];
            char num[5][16];
            const char *vals[8];
            int j;

            if (!n[0])
                continue;
            for (j = 0; j < 4; j++)
                snprintf(num[j], sizeof num[j], "%d", (int)n[j]);
            snprintf(num[4], sizeof num[4], "%d", (int)(n[0] - n[1]));
            vals[0] = rcode(r, g[i].region);
            vals[1] = pool_text(r, r->regions[g[i].region].name);
            vals[2] = fk_unit_kind_name(k);
            for (j = 0; j < 5; j++)
                vals[3 + j] = num[j];
            rc = fk_table_add(t, vals);
        }
    }
out:
    free(g);
    if (rc != FK_OK) {
        fk_table_free(t);
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col missing_cols[] = {
    {"unit", FK_COL_TEXT},       {"name", FK_COL_TEXT},        {"kind", FK_COL_TEXT},
    {"region", FK_COL_TEXT},     {"region_name", FK_COL_TEXT}, {"contact", FK_COL_TEXT},
    {"days_silent", FK_COL_INT},
};

struct silent {
    int32_t unit, days;
};

static int silent_cmp(const void *a, const void *b)
{
    const struct silent *x = a, *y = b;
    const struct unit *ux = &sort_r->units[x->unit], *uy = &sort_r->units[y->unit];
    int c;

    if (x->days != y->days)
        return x->days > y->days ? -1 : 1;
    c = strcmp(rcode(sort_r, ux->region), rcode(sort_r, uy->region));
    return c ? c
             : strcmp(fk_strmap_key(sort_r->ucodes, x->unit),
                      fk_strmap_key(sort_r->ucodes, y->unit));
}

/* Days silent of unit u up to day d (fk_report_days_silent). */
static int32_t days_silent(const fk_reports *r, size_t u, int32_t d)
{
    int32_t day = d < r->d0 + r->ndays - 1 ? d : r->d0 + r->ndays - 1, sub;

    for (; day >= r->d0; day--)
        if (cell_flags(r, u, day, &sub) & CELL_REPORTED)
            return fk_report_days_silent(d, day, r->d0);
    return fk_report_days_silent(d, -1, r->ndays ? r->d0 : d);
}

int fk_reports_missing(fk_reports *r, const char *within, int32_t date, int kind, fk_table **out,
                       char *err, size_t errlen)
{
    struct silent *s = NULL;
    size_t ns = 0, cs = 0, u, i;
    fk_table *t = NULL;
    int32_t w, sub;
    int rc;

    *out = NULL;
    rc = asked(r, within, &w, err, errlen);
    if (rc != FK_OK)
        return rc;
    for (u = 0; u < r->nunits; u++) {
        const struct unit *un = &r->units[u];

        if ((kind >= 0 && un->kind != kind) || !unit_inside(r, un, w) ||
            (cell_flags(r, u, date, &sub) & CELL_REPORTED))
            continue;
        if (fk_vec_grow((void **)&s, &cs, ns + 1, sizeof *s) != FK_OK) {
            rc = FK_ENOMEM;
            goto out;
        }
        s[ns].unit = (int32_t)u;
        s[ns++].days = days_silent(r, u, date);
    }
    sort_r = r;
    if (ns > 1)
        qsort(s, ns, sizeof *s, silent_cmp);
    rc = fk_table_new(missing_cols, sizeof missing_cols / sizeof missing_cols[0], &t);
    for (i = 0; rc == FK_OK && i < ns; i++) {
        const struct unit *un = &r->units[s[i].unit];
        char days[16];
        const char *vals[7];

        snprintf(days, sizeof days, "%d", (int)s[i].days);
        vals[0] = fk_strmap_key(r->ucodes, s[i].unit);
        vals[1] = pool_text(r, un->name);
        vals[2] = fk_unit_kind_name(un->kind);
        vals[3] = rcode(r, un->region);
        vals[4] = pool_text(r, r->regions[un->region].name);
        vals[5] = pool_text(r, un->contact);
        vals[6] = days;
        rc = fk_table_add(t, vals);
    }
out:
    free(s);
    if (rc != FK_OK) {
        fk_table_free(t);
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col duty_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"level", FK_COL_TEXT},
    {"person", FK_COL_TEXT}, {"phone", FK_COL_TEXT}, {"role", FK_COL_TEXT},
};

struct hq {
    int32_t region;
    int staffed;
};

static int hq_cmp(const void *a, const void *b)
{
    const struct hq *x = a, *y = b;
    int lx = sort_r->regions[x->region].level, ly = sort_r->regions[y->region].level;

    if (x->staffed != y->staffed)
        return x->staffed - y->staffed;
    if (lx != ly)
        return lx - ly;
    return strcmp(rcode(sort_r, x->region), rcode(sort_r, y->region));
}

int fk_reports_duty(fk_reports *r, const char *within, int32_t date, fk_table **out, char *err,
                    size_t errlen)
{
    struct hq *h = NULL;
    size_t nh = 0, i, k;
    fk_table *t = NULL;
    int32_t w, anc[NLEVELS];
    int rc, wl;

    *out = NULL;
    rc = asked(r, within, &w, err, errlen);
    if (rc != FK_OK)
        return rc;
    wl = w >= 0 ? r->regions[w].level : 0;
    h = calloc(r->nregions ? r->nregions : 1, sizeof *h);
    if (!h) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < r->nregions; i++) {
        int lv = r->regions[i].level;

        if (lv != FK_LEVEL_CITY && lv != FK_LEVEL_COUNTY && lv != FK_LEVEL_TOWNSHIP)
            continue;
        if (w >= 0) {
            ancestors(r, (int32_t)i, anc);
            if (wl <= 0 || wl >= NLEVELS || anc[wl] != w)
                continue;
        }
        r->slot[i] = (int32_t)nh;
        h[nh].region = (int32_t)i;
        h[nh++].staffed = 0;
    }
    for (k = 0; k < r->nduty; k++)
        if (r->duty[k].day == date && r->slot[r->duty[k].region] >= 0)
            h[r->slot[r->duty[k].region]].staffed = 1;
    for (i = 0; i < nh; i++)
        r->slot[h[i].region] = -1;
    sort_r = r;
    if (nh > 1)
        qsort(h, nh, sizeof *h, hq_cmp);
    rc = fk_table_new(duty_cols, sizeof duty_cols / sizeof duty_cols[0], &t);
    for (i = 0; rc == FK_OK && i < nh; i++) {
        const struct region *rg = &r->regions[h[i].region];
        const char *vals[6] = {rcode(r, h[i].region),
                               pool_text(r, rg->name),
                               fk_level_name((enum fk_level)rg->level),
                               "",
                               "",
                               ""};

        if (!h[i].staffed) {
            rc = fk_table_add(t, vals);
            continue;
        }
        for (k = 0; rc == FK_OK && k < r->nduty; k++) {
            if (r->duty[k].day != date || r->duty[k].region != h[i].region)
                continue;
            vals[3] = pool_text(r, r->duty[k].person);
            vals[4] = pool_text(r, r->duty[k].phone);
            vals[5] = pool_text(r, r->duty[k].role);
            rc = fk_table_add(t, vals);
        }
    }
out:
    free(h);
    if (rc != FK_OK) {
        fk_table_free(t);
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col complete_cols[] = {
    {"unit", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"region", FK_COL_TEXT},
    {"date", FK_COL_TEXT}, {"state", FK_COL_TEXT}, {"submitted", FK_COL_TEXT},
};

int fk_reports_complete(fk_reports *r, const char *region, int64_t from, int64_t to, int64_t *num,
                        int64_t *den, fk_table **rows, char *err, size_t errlen)
{
    fk_table *t = NULL;
    int32_t w, d, first, sub;
    size_t u;
    int rc;

    *num = *den = 0;
    if (rows)
        *rows = NULL;
    rc = asked(r, region, &w, err, errlen);
    if (rc != FK_OK)
        return rc;
    if (rows) {
        rc = fk_table_new(complete_cols, sizeof complete_cols / sizeof complete_cols[0], &t);
        if (rc != FK_OK)
            goto out;
    }
    if (r->ndays == 0)
        goto out; /* no report ever: reporting has not started */
    /* Bounded to the years 1970 .. 9999, so an open window (INT64_MAX) ends. */
    from = from < 0 ? 0 : from > TIME_MAX ? TIME_MAX : from;
    to = to < 0 ? 0 : to > TIME_MAX ? TIME_MAX : to;
    first = fk_report_day_of(from);
    if (fk_report_day_start(first) < from)
        first++;
    if (first < r->d0)
        first = r->d0;
    for (d = first; fk_report_deadline(d, r->deadline_min) <= to && rc == FK_OK; d++) {
        char date[16];

        fk_date_render(fk_report_day_start(d), date);
        for (u = 0; u < r->nunits && rc == FK_OK; u++) {
            const struct unit *un = &r->units[u];
            unsigned fl;
            enum fk_report_state s;

            if (!unit_inside(r, un, w))
                continue;
            fl = cell_flags(r, u, d, &sub);
            s = day_state(r, fl, sub);
            (*den)++;
            *num += s == FK_REPORT_ON_TIME;
            if (t) {
                char when[FK_TIME_RENDER_MAX];
                const char *vals[6] = {fk_strmap_key(r->ucodes, (int64_t)u),
                                       pool_text(r, un->name),
                                       rcode(r, un->region),
                                       date,
                                       fk_report_state_name(s),
                                       ""};

                if ((fl & CELL_REPORTED) && sub)
                    vals[5] = fk_time_render(fk_report_day_start(d) + sub, when);
                rc = fk_table_add(t, vals);
            }
        }
    }
out:
    if (rc != FK_OK) {
        fk_table_free(t);
        *num = *den = 0;
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    if (rows)
        *rows = t;
    return FK_OK;
}

int fk_report_complete_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                                 const char *region, int64_t from, int64_t to, int64_t *num,
                                 int64_t *den, fk_table **rows, char *err, size_t errlen)
{
    fk_reports *r = NULL;
    int rc;

    (void)eng;
    *num = *den = 0;
    if (rows)
        *rows = NULL;
    rc = fk_reports_build(st, p, &r, err, errlen);
    if (rc == FK_OK)
        rc = fk_reports_complete(r, region, from, to, num, den, rows, err, errlen);
    fk_reports_free(r);
    return rc;
}
