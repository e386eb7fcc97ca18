/* SPDX-License-Identifier: MIT */
/* The county scores of a period (fk/assess.h): two walks of the store (indicators, then the
 * period's scores rows), items grouped per region, each region scored and the regions ranked by
 * lib/domain/score.c. The tables are small (a few dozen indicators, a few hundred rows per
 * period), so plain arrays and one string map serve. */
#include "fk/assess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/score.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/vec.h"

struct indicator {
    double weight;
    int lower, veto, category;
    char *name;     /* owned */
    char wtext[24]; /* the weight as stored */
};

/* One scores row of the period, for a region at the level scored. */
struct item {
    int64_t ind;    /* index in the indicators map */
    int64_t region; /* index in the regions map */
    double target, actual, bonus;
    char target_s[24], actual_s[24];
    const char *rcode, *icode; /* the codes, borrowed from the maps once both walks are done */
};

struct walk {
    fk_strmap *inds; /* code -> index into ind */
    struct indicator *ind;
    size_t nind, capind;
    const fk_engine *eng;
    enum fk_level by;
    const char *period; /* NULL on the first walk, which finds the latest */
    char latest[64];
    size_t nrows;       /* scores rows seen */
    fk_strmap *regions; /* region code -> index */
    struct item *items;
    size_t nitems, capitems;
    int rc;
};

static int num(const struct fk_record_value *v, double *out, char *norm)
{
    const char *s = v->s ? v->s : "";

    norm[0] = '\0';
    if (!*s) {
        *out = 0;
        return 0;
    }
    return fk_score_number_parse((fk_slice){s, strlen(s)}, out, norm, 24) == FK_OK;
}

static int on_indicator(void *ud, const struct fk_record_value *v, size_t n)
{
    struct walk *w = ud;
    int added;
    int64_t i;
    char norm[24];
    double weight;

    if (n < 6 || !v[0].s)
        return FK_OK;
    if (!num(&v[3], &weight, norm) || !(weight > 0))
        return FK_EINVAL;
    i = fk_strmap_intern(w->inds, v[0].s, strlen(v[0].s), &added);
    if (i < 0 || fk_vec_grow((void **)&w->ind, &w->capind, (size_t)i + 1, sizeof *w->ind) != FK_OK)
        return FK_ENOMEM;
    if (!added)
        free(w->ind[i].name);
    w->ind[i].name = strdup(v[1].s ? v[1].s : "");
    if (!w->ind[i].name)
        return FK_ENOMEM;
    fk_strlcpy(w->ind[i].wtext, norm, sizeof w->ind[i].wtext);
    w->ind[i].category = (int)v[2].i;
    w->ind[i].weight = weight;
    w->ind[i].lower = (int)v[4].i;
    w->ind[i].veto = (int)v[5].i;
    if ((size_t)i + 1 > w->nind)
        w->nind = (size_t)i + 1;
    return FK_OK;
}

static int on_score(void *ud, const struct fk_record_value *v, size_t n)
{
    struct walk *w = ud;
    struct item *it;
    enum fk_level level;
    int32_t glo, ghi;
    const char *name;
    int64_t ind, reg;
    int added;
    char norm[24];

    if (n < 6 || !v[0].s || !v[1].s || !v[2].s)
        return FK_OK;
    w->nrows++;
    if (!w->period) { /* the first walk: the latest period */
        if (strcmp(v[2].s, w->latest) > 0)
            fk_strlcpy(w->latest, v[2].s, sizeof w->latest);
        return FK_OK;
    }
    if (strcmp(v[2].s, w->period) != 0 || fk_score_computed(v[0].s))
        return FK_OK;
    ind = fk_strmap_find(w->inds, v[0].s, strlen(v[0].s));
    if (ind < 0 || fk_engine_region_info(w->eng, v[1].s, &glo, &ghi, &level, &name) != FK_OK ||
        level != w->by)
        return FK_OK;
    reg = fk_strmap_intern(w->regions, v[1].s, strlen(v[1].s), &added);
    if (reg < 0 ||
        fk_vec_grow((void **)&w->items, &w->capitems, w->nitems + 1, sizeof *w->items) != FK_OK)
        return FK_ENOMEM;
    it = &w->items[w->nitems++];
    memset(it, 0, sizeof *it);
    it->ind = ind;
    it->region = reg;
    num(&v[3], &it->target, it->target_s);
    num(&v[4], &it->actual, it->actual_s);
    num(&v[5], &it->bonus, norm);
    return FK_OK;
}

static const struct fk_col rank_cols[] = {
    {"rank", FK_COL_INT},   {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"score", FK_COL_REAL}, {"grade", FK_COL_TEXT},  {"veto", FK_COL_TEXT},
};
static const struct fk_col detail_cols[] = {
    {"region", FK_COL_TEXT},
    {"indicator", FK_COL_TEXT},
    {"target", FK_COL_REAL},
    {"actual", FK_COL_REAL},
    {"r", FK_COL_REAL},
    /* detail 2: what a page shows beside the codes */
    {"name", FK_COL_TEXT},
    {"category", FK_COL_TEXT},
    {"weight", FK_COL_REAL},
    {"direction", FK_COL_TEXT},
    {"veto", FK_COL_INT},
};

/* Orders the items by region code, then indicator code: the detail's order. */
static int item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    int c = strcmp(x->rcode, y->rcode);

    return c ? c : strcmp(x->icode, y->icode);
}

int fk_assess_score(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                    const char *period, enum fk_level by, int detail, char *period_out, size_t cap,
                    fk_table **out, char *err, size_t errlen)
{
    struct walk w;
    struct fk_score_rule rule;
    struct fk_score_item *si = NULL;
    struct fk_score_rank *rk = NULL;
    fk_table *t = NULL;
    size_t nreg = 0, i, j, k;
    int rc;

    *out = NULL;
    if (errlen)
        err[0] = '\0';
    memset(&w, 0, sizeof w);
    w.eng = eng;
    w.by = by;
    fk_score_rule_of(p, &rule);
    w.inds = fk_strmap_new();
    w.regions = fk_strmap_new();
    if (!w.inds || !w.regions) {
        rc = FK_ENOMEM;
        goto out;
    }
    rc = fk_store_each_record(st, FK_IMPORT_INDICATORS, on_indicator, &w);
    if (rc == FK_EINVAL) {
        snprintf(err, errlen, "an indicator's stored weight is not a number above 0");
        goto out;
    }
    if (rc != FK_OK)
        goto out;
    if (!period) {
        rc = fk_store_each_record(st, FK_IMPORT_SCORES, on_score, &w);
        if (rc != FK_OK)
            goto out;
        if (w.nrows == 0) {
            snprintf(err, errlen,
                     "no scores yet: import indicators and scores first (fangkong "
                     "import indicators FILE; fangkong import scores FILE)");
            rc = FK_ENOENT;
            goto out;
        }
        period = w.latest;
    }
    w.period = period;
    if (period_out)
        fk_strlcpy(period_out, period, cap);
    rc = fk_store_each_record(st, FK_IMPORT_SCORES, on_score, &w);
    if (rc != FK_OK)
        goto out;
    for (i = 0; i < w.nitems; i++) {
        w.items[i].rcode = fk_strmap_key(w.regions, w.items[i].region);
        w.items[i].icode = fk_strmap_key(w.inds, w.items[i].ind);
    }
    if (w.nitems > 1)
        qsort(w.items, w.nitems, sizeof *w.items, item_cmp);
    nreg = fk_strmap_size(w.regions);
    si = calloc(w.nitems ? w.nitems : 1, sizeof *si);
    rk = calloc(nreg ? nreg : 1, sizeof *rk);
    if (!si || !rk) {
        rc = FK_ENOMEM;
        goto out;
    }
    /* each region's run of items (sorted by region) scored into rk */
    for (i = 0, k = 0; i < w.nitems; i = j, k++) {
        double bonus = 0;

        for (j = i; j < w.nitems && w.items[j].region == w.items[i].region; j++) {
            const struct indicator *in = &w.ind[w.items[j].ind];

            si[j - i].weight = in->weight;
            si[j - i].lower = in->lower;
            si[j - i].veto = in->veto;
            si[j - i].target = w.items[j].target;
            si[j - i].actual = w.items[j].actual;
            bonus += w.items[j].bonus;
        }
        rk[k].region = w.items[i].rcode;
        rc = fk_score_region(si, j - i, bonus, &rule, &rk[k].res);
        if (rc != FK_OK) {
            snprintf(err, errlen, "region %s: a target or actual is not a number", rk[k].region);
            goto out;
        }
        if (rk[k].res.veto)
            rk[k].res.veto_item = (size_t)w.items[i + rk[k].res.veto_item].ind;
    }
    nreg = k;
    rc = detail ? fk_table_new(detail_cols, detail > 1 ? 10 : 5, &t)
                : fk_table_new(rank_cols, 6, &t);
    if (rc != FK_OK)
        goto out;
    if (detail) {
        for (i = 0; i < w.nitems && rc == FK_OK; i++) {
            const struct item *it = &w.items[i];
            struct fk_score_item one = {w.ind[it->ind].weight, w.ind[it->ind].lower,
                                        w.ind[it->ind].veto, it->target, it->actual};
            const struct indicator *in = &w.ind[it->ind];
            char r[32];
            const char *vals[10];

            snprintf(r, sizeof r, "%.4f", fk_score_ratio(&one, rule.cap));
            vals[0] = it->rcode;
            vals[1] = it->icode;
            vals[2] = it->target_s;
            vals[3] = it->actual_s;
            vals[4] = r;
            vals[5] = in->name;
            vals[6] = fk_indicator_category_name(in->category);
            vals[7] = in->wtext;
            vals[8] = fk_score_direction_name(in->lower);
            vals[9] = in->veto ? "1" : "0";
            rc = fk_table_add(t, vals);
        }
    } else {
        fk_score_rank_sort(rk, nreg);
        for (i = 0; i < nreg && rc == FK_OK; i++) {
            char rank[16], score[32];
            const char *vals[6], *name = "";
            enum fk_level level;
            int32_t glo, ghi;

            fk_engine_region_info(eng, rk[i].region, &glo, &ghi, &level, &name);
            snprintf(rank, sizeof rank, "%d", rk[i].rank);
            snprintf(score, sizeof score, "%s%lld.%02lld", rk[i].res.cents < 0 ? "-" : "",
                     (long long)(llabs(rk[i].res.cents) / 100),
                     (long long)(llabs(rk[i].res.cents) % 100));
            vals[0] = rank;
            vals[1] = rk[i].region;
            vals[2] = name ? name : "";
            vals[3] = score;
            vals[4] = fk_grade_name(rk[i].res.grade);
            vals[5] = rk[i].res.veto ? fk_strmap_key(w.inds, (int64_t)rk[i].res.veto_item) : "";
            rc = fk_table_add(t, vals);
        }
    }
    if (rc != FK_OK)
        goto out;
    *out = t;
    t = NULL;
out:
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == FK_EDB && !*err)
        snprintf(err, errlen, "the store failed while reading the scores");
    fk_table_free(t);
    free(si);
    free(rk);
    free(w.items);
    for (i = 0; i < w.nind; i++)
        free(w.ind[i].name);
    free(w.ind);
    fk_strmap_free(w.regions);
    fk_strmap_free(w.inds);
    return rc;
}
