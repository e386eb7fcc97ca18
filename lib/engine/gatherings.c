/* SPDX-License-Identifier: MIT */
/* Gatherings read from the store (fk/gathering_list.h). Gatherings and zones are few (hundreds,
 * tens), so each answer loads both and works on the arrays; no index is kept. A place's level is
 * found from the grid ranges of its region and of each zone's regions (the engine's), and the
 * zone's stretches of level (fk_zones_load) cut to what is known as of now. */
#include "fk/gathering_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/report.h"
#include "fk/vec.h"
#include "listing.h"

void fk_gathering_rows_free(struct fk_gathering_row *rows, size_t n)
{
    size_t i;

    if (!rows)
        return;
    for (i = 0; i < n; i++) {
        free(rows[i].code);
        free(rows[i].organiser);
        free(rows[i].region);
        free(rows[i].date);
        free(rows[i].contact);
        free(rows[i].note);
        free(rows[i].signed_by);
        free(rows[i].signoff_note);
    }
    free(rows);
}

struct load {
    const char *code;
    struct fk_gathering_row *rows;
    size_t n, cap;
};

/* A gathering's export row (code, organiser, region, date, expected, kind, online, contact,
 * note), the region again, then the sign-off (signoff, signed_at, signed_by, signoff_note). */
static int load_row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load *l = ud;
    struct fk_gathering_row *r;
    const char *date = v[3].s ? v[3].s : "";

    if (n < 14 || !v[0].s || (l->code && strcmp(l->code, v[0].s) != 0))
        return FK_OK;
    if (fk_vec_grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != FK_OK)
        return FK_ENOMEM;
    r = &l->rows[l->n++];
    memset(r, 0, sizeof *r);
    r->code = fk__dup(v[0].s);
    r->organiser = fk__dup(v[1].s);
    r->region = fk__dup(v[2].s);
    r->date = fk__dup(date);
    r->expected = v[4].i;
    r->kind = (int)v[5].i;
    r->online = v[6].i != 0;
    r->contact = fk__dup(v[7].s);
    r->note = fk__dup(v[8].s);
    r->signoff = (int)v[10].i;
    r->signed_at = v[11].i;
    r->signed_by = fk__dup(v[12].s);
    r->signoff_note = fk__dup(v[13].s);
    if (!r->code || !r->organiser || !r->region || !r->date || !r->contact || !r->note ||
        !r->signed_by || !r->signoff_note)
        return FK_ENOMEM;
    /* Stored dates were checked on the way in. */
    if (fk_report_date_parse((fk_slice){date, strlen(date)}, &r->day) != FK_OK)
        r->day = 0;
    return FK_OK;
}

int fk_gathering_load(fk_store *st, const char *code, struct fk_gathering_row **out, size_t *n)
{
    struct load l = {code, NULL, 0, 0};
    int rc = fk_store_each_record(st, FK_IMPORT_GATHERINGS, load_row, &l);

    *out = NULL;
    *n = 0;
    if (rc != FK_OK) {
        fk_gathering_rows_free(l.rows, l.n);
        return rc;
    }
    *out = l.rows;
    *n = l.n;
    return FK_OK;
}

void fk_gathering_place_level(const fk_engine *e, const struct fk_zone *z, size_t n,
                              const char *region, int32_t day, int64_t now, int *level,
                              const char **zone)
{
    int64_t ds = fk_report_day_start(day), de = fk_report_day_start(day + 1);
    int32_t lo, hi, r[FK_ZONE_REGIONS_MAX][2];
    enum fk_level lv;
    const char *name;
    size_t i, k, nr;

    *level = FK_GATHERING_NORMAL;
    *zone = "";
    if (fk_engine_region_info(e, region, &lo, &hi, &lv, &name) != FK_OK || hi <= lo)
        return;
    for (i = 0; i < n; i++) {
        int over = 0;

        nr = fk_zone_ranges(e, &z[i], r, FK_ZONE_REGIONS_MAX);
        for (k = 0; k < nr && !over; k++)
            over = r[k][0] < hi && lo < r[k][1];
        if (!over)
            continue;
        for (k = 0; k < z[i].nsegs; k++) {
            const struct fk_zone_seg *s = &z[i].segs[k];
            int64_t end = s->end > now ? 0 : s->end;

            if (s->start > now || s->start >= de || (end && end <= ds))
                continue;
            if (s->level < *level) {
                *level = s->level;
                *zone = z[i].name;
            }
        }
    }
}

/* What the list shows of one gathering, judged. */
struct judged {
    int level, decision, signoff;
    const char *zone;
    struct fk_gathering_verdict v;
};

static void judge(const fk_engine *e, const struct fk_profile *p, const struct fk_zone *z,
                  size_t nz, const struct fk_gathering_row *r, int64_t now, struct judged *j)
{
    fk_gathering_place_level(e, z, nz, r->region, r->day, now, &j->level, &j->zone);
    fk_gathering_judge(p, j->level, r->kind, r->expected, r->online, &j->v);
    j->signoff = r->signed_at && r->signed_at <= now ? r->signoff : FK_GATHERING_SIGNOFF_NONE;
    j->decision = fk_gathering_decided(&j->v, j->signoff);
}

/* Loads the gatherings and the zones; checks the query's date and region. */
static int load_all(fk_store *st, const fk_engine *e, const char *date, const char *region,
                    struct fk_gathering_row **rows, size_t *n, struct fk_zone **z, size_t *nz,
                    char *err, size_t errlen)
{
    int32_t day;
    int rc;

    *rows = NULL;
    *z = NULL;
    *n = *nz = 0;
    if (date && fk_report_date_parse((fk_slice){date, strlen(date)}, &day) != FK_OK) {
        snprintf(err, errlen, "date '%s' is not a date like 2022-08-28", date);
        return FK_EINVAL;
    }
    if (region && fk_engine_region_level(e, region) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    rc = fk_gathering_load(st, NULL, rows, n);
    if (rc == FK_OK)
        rc = fk_zones_load(st, z, nz);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "reading the gatherings: %s", fk_store_errmsg(st));
    return rc;
}

/* 1 when gathering r is of day date (NULL: any) and lies in region (NULL: anywhere). */
static int kept(const fk_engine *e, const struct fk_gathering_row *r, const char *date,
                const char *region)
{
    if (date && strcmp(r->date, date) != 0)
        return 0;
    return !region || fk_engine_region_inside(e, r->region, region);
}

static int by_date(const void *a, const void *b)
{
    const struct fk_gathering_row *x = a, *y = b;
    int c = strcmp(x->date, y->date);

    return c ? c : strcmp(x->code, y->code);
}

static const struct fk_col list_cols[] = {
    {"code", FK_COL_TEXT},        {"date", FK_COL_TEXT},      {"region", FK_COL_TEXT},
    {"region_name", FK_COL_TEXT}, {"organiser", FK_COL_TEXT}, {"kind", FK_COL_TEXT},
    {"expected", FK_COL_INT},     {"online", FK_COL_TEXT},    {"level", FK_COL_TEXT},
    {"zone", FK_COL_TEXT},        {"decision", FK_COL_TEXT},  {"rule", FK_COL_TEXT},
    {"reason", FK_COL_TEXT},      {"cap", FK_COL_INT},        {"max", FK_COL_INT},
    {"signoff", FK_COL_TEXT},     {"signed_by", FK_COL_TEXT}, {"signed_at", FK_COL_TEXT},
    {"contact", FK_COL_TEXT},     {"note", FK_COL_TEXT}};

int fk_gathering_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                      const struct fk_gathering_query *q, int64_t now, fk_table **out, char *err,
                      size_t errlen)
{
    struct fk_gathering_row *rows = NULL;
    struct fk_zone *z = NULL;
    fk_table *t = NULL;
    size_t n = 0, nz = 0, i;
    int rc;

    *out = NULL;
    rc = load_all(st, e, q->date, q->region, &rows, &n, &z, &nz, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (n > 1)
        qsort(rows, n, sizeof *rows, by_date);
    rc = fk_table_new(list_cols, sizeof list_cols / sizeof list_cols[0], &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const struct fk_gathering_row *r = &rows[i];
        char exp[24], cap[24] = "", max[24] = "", reason[300], when[FK_TIME_RENDER_MAX];
        const char *vals[20];
        struct judged j;

        if (!kept(e, r, q->date, q->region) || (q->code && strcmp(q->code, r->code) != 0))
            continue;
        judge(e, p, z, nz, r, now, &j);
        if (q->decision >= 0 && j.decision != q->decision)
            continue;
        snprintf(exp, sizeof exp, "%lld", (long long)r->expected);
        if (j.v.cap >= 0)
            snprintf(cap, sizeof cap, "%lld", (long long)j.v.cap);
        if (j.v.cap >= 0 && j.v.max)
            snprintf(max, sizeof max, "%lld", (long long)j.v.max);
        fk_gathering_reason(&j.v, j.level, r->kind, r->expected, j.zone, reason, sizeof reason);
        vals[0] = r->code;
        vals[1] = r->date;
        vals[2] = r->region;
        vals[3] = fk__region_name(e, r->region);
        vals[4] = r->organiser;
        vals[5] = fk_gathering_kind_name(r->kind);
        vals[6] = exp;
        vals[7] = r->online ? "yes" : "no";
        vals[8] = fk_gathering_level_name(j.level);
        vals[9] = j.zone;
        vals[10] = fk_gathering_decision_name(j.decision);
        vals[11] = fk_gathering_rule_name(j.v.rule);
        vals[12] = reason;
        vals[13] = cap;
        vals[14] = max;
        vals[15] = fk_gathering_signoff_name(j.signoff);
        vals[16] = j.signoff ? r->signed_by : "";
        vals[17] = j.signoff ? fk__time_or_empty(r->signed_at, when) : "";
        vals[18] = r->contact;
        vals[19] = r->note;
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
out:
    fk_gathering_rows_free(rows, n);
    fk_zones_free(z, nz);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col sum_cols[] = {{"region", FK_COL_TEXT},    {"name", FK_COL_TEXT},
                                         {"gatherings", FK_COL_INT}, {"expected", FK_COL_INT},
                                         {"approve", FK_COL_INT},    {"signoff", FK_COL_INT},
                                         {"refuse", FK_COL_INT}};

int fk_gathering_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                        const char *within, enum fk_level by, const char *date, int64_t now,
                        fk_table **out, char *err, size_t errlen)
{
    struct fk_gathering_row *rows = NULL;
    struct fk__sum s;
    struct fk_zone *z = NULL;
    size_t n = 0, nz = 0, i;
    int rc;

    *out = NULL;
    memset(&s, 0, sizeof s);
    rc = load_all(st, e, date, within, &rows, &n, &z, &nz, err, errlen);
    if (rc == FK_OK)
        rc = fk__sum_init(&s, e, within, by, err, errlen);
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct fk__sum_row *g;
        struct judged j;

        if (!kept(e, &rows[i], date, within))
            continue;
        g = fk__sum_row(&s, e, rows[i].region, &rc);
        if (!g)
            continue;
        judge(e, p, z, nz, &rows[i], now, &j);
        g->n[0]++;
        g->n[1] += rows[i].expected;
        g->n[2 + j.decision]++; /* approve, signoff, refuse: the columns' order */
    }
    if (rc == FK_OK)
        rc = fk__sum_table(&s, sum_cols, sizeof sum_cols / sizeof sum_cols[0], out);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    fk__sum_fini(&s);
    fk_gathering_rows_free(rows, n);
    fk_zones_free(z, nz);
    return rc;
}
