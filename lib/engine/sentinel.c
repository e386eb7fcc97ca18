/* SPDX-License-Identifier: MIT */
/* The sentinel board (see fk/sentinel_board.h): daily counts by grid, kind and local day, summed
 * into the regions of one level for the ten days the EARS C2 rule reads.
 *
 * DESIGN NOTES
 * - One cell per (day, grid, kind) that has a row, sorted by day then grid, with a day index
 *   (days[], first[]): a board reads only the cells of its ten days, adding each into the region
 *   its grid lies in (a grid -> region table made per answer from the engine's grid ranges), so it
 *   costs the cells of ten days, not the history; 20 000 grids x 6 kinds x 10 days is 1.2 M cells
 *   at most.
 * - The data start of a kind (its earliest day with a row, store-wide) tells the rule how many of
 *   the ten days are known (fk_sen_eval): before it a day is unknown, not zero.
 * - The rows behind a cell are read from the store by time (its time index), filtered to the
 *   region's grids through the engine: the index keeps counts, not rows. */
#include "fk/sentinel_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/regime.h"
#include "fk/sentinel.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

struct cell {
    int32_t day; /* local day number */
    int32_t grid;
    uint32_t count; /* saturates at UINT32_MAX */
    uint16_t kind;
    uint16_t rows; /* saturates at UINT16_MAX */
};

struct fk_senb {
    fk_engine *e;
    struct fk_profile p;
    int64_t generation, control_generation;
    size_t ngrids;
    struct cell *cells;
    size_t ncells;
    int32_t *days;   /* distinct days, ascending */
    size_t *first;   /* cells of days[i]: [first[i], first[i + 1]) */
    size_t ndays;
    int64_t start[FK_SEN_NKINDS]; /* the kind's first day with a row; INT64_MAX: none */
};

struct builder {
    fk_senb *b;
    fk_strmap *grid_of; /* grid code -> grid index + 1, or 0 when the engine has no such grid */
    struct cell *cells;
    size_t n, cap;
    int rc;
};

static int grid_index(struct builder *bd, const char *code, int32_t *g)
{
    int added;
    int64_t i = fk_strmap_intern(bd->grid_of, code, strlen(code), &added);
    int32_t glo, ghi;
    enum fk_level level;
    const char *name;

    if (i < 0)
        return FK_ENOMEM;
    if (added) {
        int64_t v = 0;

        if (fk_engine_region_info(bd->b->e, code, &glo, &ghi, &level, &name) == FK_OK &&
            level == FK_LEVEL_GRID && ghi == glo + 1)
            v = (int64_t)glo + 1;
        fk_strmap_set_value(bd->grid_of, i, v);
    }
    *g = (int32_t)fk_strmap_value(bd->grid_of, i) - 1;
    return FK_OK;
}

static int add_row(void *ud, const struct fk_sentinel_row *r)
{
    struct builder *bd = ud;
    struct cell *c;
    int32_t g;
    int rc;

    if (r->kind < 0 || r->kind >= FK_SEN_NKINDS)
        return FK_OK;
    rc = grid_index(bd, r->grid, &g);
    if (rc != FK_OK || g < 0)
        return rc;
    if (bd->n == bd->cap &&
        fk_vec_grow((void **)&bd->cells, &bd->cap, bd->n + 1, sizeof *bd->cells) != FK_OK)
        return FK_ENOMEM;
    c = &bd->cells[bd->n++];
    c->day = (int32_t)fk_local_day(r->time);
    c->grid = g;
    c->kind = (uint16_t)r->kind;
    c->count = r->count > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)r->count;
    c->rows = 1;
    return FK_OK;
}

static int cmp_cell(const void *a, const void *b)
{
    const struct cell *x = a, *y = b;

    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/* Sorts the cells, merges equal (day, grid, kind) and makes the day index. */
static int finish(fk_senb *b, struct cell *cells, size_t n)
{
    size_t i, k = 0, d = 0;

    if (n)
        qsort(cells, n, sizeof *cells, cmp_cell);
    for (i = 0; i < n; i++) {
        if (k && cmp_cell(&cells[k - 1], &cells[i]) == 0) {
            struct cell *c = &cells[k - 1];

            c->count = UINT32_MAX - c->count < cells[i].count ? UINT32_MAX
                                                                : c->count + cells[i].count;
            c->rows = c->rows == UINT16_MAX ? UINT16_MAX : (uint16_t)(c->rows + 1);
            continue;
        }
        cells[k++] = cells[i];
        if (cells[i].day < b->start[cells[i].kind])
            b->start[cells[i].kind] = cells[i].day;
    }
    b->cells = cells;
    b->ncells = k;
    for (i = 0; i < k; i++)
        d += i == 0 || cells[i].day != cells[i - 1].day;
    b->days = malloc((d ? d : 1) * sizeof *b->days);
    b->first = malloc((d + 1) * sizeof *b->first);
    if (!b->days || !b->first)
        return FK_ENOMEM;
    for (i = 0, d = 0; i < k; i++) {
        if (i == 0 || cells[i].day != cells[i - 1].day) {
            b->days[d] = cells[i].day;
            b->first[d++] = i;
        }
    }
    b->first[d] = k;
    b->ndays = d;
    return FK_OK;
}

int fk_senb_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_senb **out,
                  char *err, size_t errlen)
{
    struct builder bd;
    struct fk_engine_stats es;
    fk_senb *b = calloc(1, sizeof *b);
    int rc = FK_ENOMEM, k;

    *out = NULL;
    memset(&bd, 0, sizeof bd);
    if (!b)
        goto out;
    b->e = e;
    b->p = *p;
    for (k = 0; k < FK_SEN_NKINDS; k++)
        b->start[k] = INT64_MAX;
    fk_engine_stats(e, &es);
    b->ngrids = es.grids;
    b->generation = es.generation;
    rc = fk_store_control_generation(st, &b->control_generation);
    if (rc != FK_OK)
        goto out;
    bd.b = b;
    bd.grid_of = fk_strmap_new();
    if (!bd.grid_of) {
        rc = FK_ENOMEM;
        goto out;
    }
    rc = fk_store_each_sentinel(st, INT64_MIN, INT64_MAX, -1, add_row, &bd);
    if (rc != FK_OK)
        goto out;
    rc = finish(b, bd.cells, bd.n);
    bd.cells = NULL; /* b's now */
    if (rc != FK_OK)
        goto out;
    *out = b;
    b = NULL;
out:
    if (rc != FK_OK)
        snprintf(err, errlen, "sentinel index: %s%s%s", fk_strerror(rc),
                 rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(st) : "");
    free(bd.cells);
    fk_strmap_free(bd.grid_of);
    fk_senb_free(b);
    return rc;
}

void fk_senb_free(fk_senb *b)
{
    if (!b)
        return;
    free(b->cells);
    free(b->days);
    free(b->first);
    free(b);
}

void fk_senb_built_at(const fk_senb *b, int64_t *generation, int64_t *control_generation)
{
    *generation = b->generation;
    *control_generation = b->control_generation;
}

const fk_engine *fk_senb_engine(const fk_senb *b)
{
    return b->e;
}

/* ---- answers ---- */

struct region {
    const char *code, *name;
};

struct regions {
    struct region *r;
    size_t n, cap;
    int32_t *of; /* grid -> region index, -1 */
};

static int add_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct regions *rs = ud;
    int32_t g;

    if (rs->n == rs->cap && fk_vec_grow((void **)&rs->r, &rs->cap, rs->n + 1, sizeof *rs->r))
        return FK_ENOMEM;
    rs->r[rs->n].code = code;
    rs->r[rs->n].name = name;
    for (g = glo; g < ghi; g++)
        rs->of[g] = (int32_t)rs->n;
    rs->n++;
    return FK_OK;
}

/* The index of day in b->days, or -1. */
static long find_day(const fk_senb *b, int64_t day)
{
    size_t lo = 0, hi = b->ndays;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (b->days[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->ndays && b->days[lo] == day ? (long)lo : -1;
}

int fk_senb_each(const fk_senb *b, const char *within, enum fk_level by, int64_t day,
                 fk_senb_cell_cb cb, void *ud)
{
    struct regions rs;
    struct fk_profile q;
    unsigned char *hit = NULL; /* per region and kind: one of its grids reached the threshold */
    int64_t *cnt = NULL, *nrows = NULL, d;
    size_t i, k, per = (size_t)FK_SEN_NKINDS * FK_SEN_WINDOW;
    int rc = FK_ENOMEM;

    memset(&rs, 0, sizeof rs);
    rs.of = malloc((b->ngrids ? b->ngrids : 1) * sizeof *rs.of);
    if (!rs.of)
        goto out;
    for (i = 0; i < b->ngrids; i++)
        rs.of[i] = -1;
    rc = fk_engine_each_region(b->e, within, by, add_region, &rs);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    cnt = calloc(rs.n ? rs.n * per : 1, sizeof *cnt);
    nrows = calloc(rs.n ? rs.n * FK_SEN_NKINDS : 1, sizeof *nrows);
    hit = calloc(rs.n ? rs.n * FK_SEN_NKINDS : 1, 1);
    if (!cnt || !nrows || !hit)
        goto out;
    /* A fixed threshold is one sentinel grid's count of a day (20 fever-clinic visits at one
     * clinic), not a county's sum of hundreds of them: above the grid level a region fires by
     * threshold when one of its grids does, and its own sum is judged by the baseline only. */
    q = b->p;
    if (by != FK_LEVEL_GRID)
        for (k = 0; k < FK_SEN_NKINDS; k++)
            q.sen_threshold[k] = 0;
    for (d = 0; d < FK_SEN_WINDOW; d++) {
        long di = find_day(b, day - (FK_SEN_WINDOW - 1) + d);

        if (di < 0)
            continue;
        for (i = b->first[di]; i < b->first[di + 1]; i++) {
            const struct cell *c = &b->cells[i];
            int32_t r = (size_t)c->grid < b->ngrids ? rs.of[c->grid] : -1;

            if (r < 0)
                continue;
            cnt[(size_t)r * per + (size_t)c->kind * FK_SEN_WINDOW + (size_t)d] += c->count;
            if (d == FK_SEN_WINDOW - 1) {
                nrows[(size_t)r * FK_SEN_NKINDS + c->kind] += c->rows;
                if (b->p.sen_threshold[c->kind] > 0 && c->count >= (uint32_t)b->p.sen_threshold[c->kind])
                    hit[(size_t)r * FK_SEN_NKINDS + c->kind] = 1;
            }
        }
    }
    rc = FK_OK;
    for (i = 0; i < rs.n && rc == FK_OK; i++) {
        for (k = 0; k < FK_SEN_NKINDS && rc == FK_OK; k++) {
            struct fk_senb_cell c;
            int64_t have = b->start[k] == INT64_MAX ? 0 : day - b->start[k] + 1;

            if (have < 0)
                have = 0;
            if (have > FK_SEN_WINDOW)
                have = FK_SEN_WINDOW;
            c.region = rs.r[i].code;
            c.name = rs.r[i].name;
            c.kind = (int)k;
            c.day = day;
            c.rows = nrows[i * FK_SEN_NKINDS + k];
            fk_sen_eval(&q, (int)k, &cnt[i * per + k * FK_SEN_WINDOW], (int)have, &c.v);
            if (hit[i * FK_SEN_NKINDS + k])
                c.v.fires = FK_SEN_THRESHOLD;
            rc = cb(ud, &c);
        }
    }
out:
    free(hit);
    free(cnt);
    free(nrows);
    free(rs.r);
    free(rs.of);
    return rc;
}

static const struct fk_col board_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"kind", FK_COL_TEXT},
    {"date", FK_COL_TEXT},   {"count", FK_COL_INT}, {"mean", FK_COL_REAL},
    {"sd", FK_COL_REAL},     {"fires", FK_COL_TEXT},
};

struct board_walk {
    fk_table *t;
    char date[16];
};

static int board_row(void *ud, const struct fk_senb_cell *c)
{
    struct board_walk *w = ud;
    char count[24], mean[32], sd[32];
    const char *v[8];

    snprintf(count, sizeof count, "%lld", (long long)c->v.count);
    snprintf(mean, sizeof mean, "%.2f", c->v.mean);
    snprintf(sd, sizeof sd, "%.2f", c->v.sd);
    v[0] = c->region;
    v[1] = c->name;
    v[2] = fk_sen_kind_name(c->kind);
    v[3] = w->date;
    v[4] = count;
    v[5] = c->v.baseline ? mean : NULL;
    v[6] = c->v.baseline ? sd : NULL;
    v[7] = fk_sen_fires_name(c->v.fires);
    return fk_table_add(w->t, v);
}

int fk_senb_board(const fk_senb *b, const char *within, enum fk_level by, int64_t day,
                  fk_table **out, char *err, size_t errlen)
{
    struct board_walk w;
    int rc;

    *out = NULL;
    rc = fk_table_new(board_cols, sizeof board_cols / sizeof board_cols[0], &w.t);
    if (rc != FK_OK)
        return rc;
    fk_date_render(day * 86400, w.date);
    rc = fk_senb_each(b, within, by, day, board_row, &w);
    if (rc != FK_OK) {
        snprintf(err, errlen, rc == FK_ENOENT ? "unknown region %s" : "sentinel board: %s",
                 rc == FK_ENOENT ? within : fk_strerror(rc));
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}

static const struct fk_col rows_cols[] = {
    {"source", FK_COL_TEXT}, {"kind", FK_COL_TEXT}, {"time", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},   {"count", FK_COL_INT}, {"id_number", FK_COL_TEXT},
};

struct rows_walk {
    const fk_senb *b;
    fk_table *t;
    int32_t glo, ghi;
};

static int rows_row(void *ud, const struct fk_sentinel_row *r)
{
    struct rows_walk *w = ud;
    char tm[FK_TIME_RENDER_MAX], count[24];
    const char *v[6];
    int32_t glo, ghi;
    enum fk_level level;
    const char *name;

    if (fk_engine_region_info(w->b->e, r->grid, &glo, &ghi, &level, &name) != FK_OK ||
        level != FK_LEVEL_GRID || glo < w->glo || glo >= w->ghi)
        return FK_OK;
    snprintf(count, sizeof count, "%lld", (long long)r->count);
    v[0] = r->source;
    v[1] = fk_sen_kind_name(r->kind);
    v[2] = fk_time_render(r->time, tm);
    v[3] = r->grid;
    v[4] = count;
    v[5] = r->id_number;
    return fk_table_add(w->t, v);
}

int fk_senb_rows(const fk_senb *b, fk_store *st, const char *region, int kind, int64_t day,
                 fk_table **out, char *err, size_t errlen)
{
    struct rows_walk w;
    enum fk_level level;
    const char *name;
    int64_t from = day * 86400 - FK_TZ_OFFSET;
    int rc;

    *out = NULL;
    w.b = b;
    if (fk_engine_region_info(b->e, region, &w.glo, &w.ghi, &level, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    rc = fk_table_new(rows_cols, sizeof rows_cols / sizeof rows_cols[0], &w.t);
    if (rc != FK_OK)
        return rc;
    rc = fk_store_each_sentinel(st, from, from + 86399, kind, rows_row, &w);
    if (rc != FK_OK) {
        snprintf(err, errlen, "sentinel rows: %s%s%s", fk_strerror(rc), rc == FK_EDB ? ": " : "",
                 rc == FK_EDB ? fk_store_errmsg(st) : "");
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}
