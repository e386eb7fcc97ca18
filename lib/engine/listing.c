/* SPDX-License-Identifier: MIT */
/* The pieces the engine's short lists share (listing.h): copies, rendered times, region names,
 * and the summary rows per region of a level. A region is a range of grid indexes, so the row of
 * level `by` that holds a region is the one whose range holds the region's first grid. */
#include "listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/vec.h"

char *fk__dup(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *d = malloc(n + 1);

    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *fk__time_or_empty(int64_t t, char *buf)
{
    if (!t) {
        buf[0] = '\0';
        return buf;
    }
    return fk_time_render(t, buf);
}

const char *fk__region_name(const fk_engine *e, const char *code)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name = NULL;

    if (fk_engine_region_info(e, code, &lo, &hi, &lv, &name) != FK_OK || !name)
        return "";
    return name;
}

static int add_row(struct fk__sum *s, const char *code, const char *name, int32_t lo, int32_t hi)
{
    struct fk__sum_row *r;

    if (fk_vec_grow((void **)&s->r, &s->cap, s->n + 1, sizeof *s->r) != FK_OK)
        return FK_ENOMEM;
    r = &s->r[s->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", code);
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    r->lo = lo;
    r->hi = hi;
    return FK_OK;
}

static int on_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    return add_row(ud, code, name, glo, ghi);
}

int fk__sum_init(struct fk__sum *s, const fk_engine *e, const char *within, enum fk_level by,
                 char *err, size_t errlen)
{
    int rc;

    memset(s, 0, sizeof *s);
    s->by = by;
    if (within && fk_engine_region_level(e, within) == FK_LEVEL_NONE) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    rc = fk_engine_each_region(e, within, by, on_region, s);
    s->nlevel = s->n;
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    return rc;
}

struct fk__sum_row *fk__sum_row(struct fk__sum *s, const fk_engine *e, const char *code, int *rc)
{
    int32_t lo, hi;
    enum fk_level lv;
    const char *name = NULL;
    size_t i;

    if (fk_engine_region_info(e, code, &lo, &hi, &lv, &name) != FK_OK)
        return NULL;
    if (lv >= s->by) {
        for (i = 0; i < s->nlevel; i++)
            if (lo < hi ? (lo >= s->r[i].lo && lo < s->r[i].hi)
                        : fk_engine_region_inside(e, code, s->r[i].code))
                return &s->r[i];
        return NULL;
    }
    for (i = s->nlevel; i < s->n; i++)
        if (strcmp(s->r[i].code, code) == 0)
            return &s->r[i];
    *rc = add_row(s, code, name, lo, hi);
    return *rc == FK_OK ? &s->r[s->n - 1] : NULL;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(((const struct fk__sum_row *)a)->code, ((const struct fk__sum_row *)b)->code);
}

int fk__sum_table(struct fk__sum *s, const struct fk_col *cols, size_t ncols, fk_table **out)
{
    fk_table *t = NULL;
    size_t i, k;
    int rc;

    *out = NULL;
    if (ncols < 2 || ncols - 2 > FK__SUM_MAX)
        return FK_EINVAL;
    if (s->n > s->nlevel + 1)
        qsort(s->r + s->nlevel, s->n - s->nlevel, sizeof *s->r, by_code);
    rc = fk_table_new(cols, ncols, &t);
    for (i = 0; rc == FK_OK && i < s->n; i++) {
        char num[FK__SUM_MAX][24];
        const char *vals[FK__SUM_MAX + 2] = {s->r[i].code, s->r[i].name};

        for (k = 0; k + 2 < ncols; k++) {
            snprintf(num[k], sizeof num[k], "%lld", (long long)s->r[i].n[k]);
            vals[k + 2] = num[k];
        }
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

void fk__sum_fini(struct fk__sum *s)
{
    free(s->r);
    memset(s, 0, sizeof *s);
}
