/* SPDX-License-Identifier: MIT */
/* Export (see fk/export.h): one walk of the type's export statement (fk_store_each_record), each
 * row cut to the actor's scope and rendered by the kinds of its descriptor's columns.
 *
 * DESIGN NOTES
 * - Inside-ness is asked of the store's region tree once per region code and kept in a map, so a
 *   registry of millions of persons costs a few thousand look-ups (one per grid).
 * - The table's columns are the descriptor's names, all text: an ID number or a code must never
 *   be read back as a number. */
#include "fk/export.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/region.h"
#include "fk/strmap.h"
#include "fk/time.h"

/* The table columns of every type, made once (a table borrows its columns). */
static struct fk_col table_cols[FK_IMPORT_NTYPES][FK_RECORD_MAXCOLS];
static pthread_once_t cols_once = PTHREAD_ONCE_INIT;

static void cols_init(void)
{
    int t, k;

    for (t = 0; t < FK_IMPORT_NTYPES; t++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)t);

        for (k = 0; k < rt->nexport; k++) {
            table_cols[t][k].name = rt->cols[rt->export_cols[k]].name;
            table_cols[t][k].type = FK_COL_TEXT;
        }
    }
}

struct walk {
    fk_store *st;
    const struct fk_record_type *rt;
    const char *scope; /* NULL: every row */
    fk_strmap *seen;   /* region code -> 1 inside, 2 outside */
    fk_table *t;
};

/* 1 when code lies inside the walk's scope (an empty code: nothing to check), 0 when not, or a
 * negative FK_E* code. */
static int inside(struct walk *w, const char *code)
{
    int64_t i;
    int added, in;

    if (!code || !*code)
        return 1;
    i = fk_strmap_intern(w->seen, code, strlen(code), &added);
    if (i < 0)
        return FK_ENOMEM;
    if (!added)
        return fk_strmap_value(w->seen, i) == 1;
    in = fk_store_region_inside(w->st, code, w->scope);
    if (in < 0)
        return in;
    fk_strmap_set_value(w->seen, i, in ? 1 : 2);
    return in;
}

static int row(void *ud, const struct fk_record_value *v, size_t n)
{
    struct walk *w = ud;
    const struct fk_record_type *rt = w->rt;
    char cell[FK_RECORD_MAXCOLS][FK_TIME_RENDER_MAX];
    const char *vals[FK_RECORD_MAXCOLS];
    int k, in;

    if (n < (size_t)(rt->nexport + rt->nscope))
        return FK_EDB;
    for (k = 0; w->scope && k < rt->nscope; k++) {
        in = inside(w, v[rt->nexport + k].s);
        if (in <= 0)
            return in; /* outside: 0, the walk goes on */
    }
    for (k = 0; k < rt->nexport; k++) {
        const struct fk_record_col *c = &rt->cols[rt->export_cols[k]];

        vals[k] = NULL;
        if (v[k].absent)
            continue;
        if (c->kind == FK_RCOL_TIME) {
            if (v[k].i)
                vals[k] = fk_time_render(v[k].i, cell[k]);
        } else if (c->kind == FK_RCOL_ENUM) {
            vals[k] = c->enum_name((int)v[k].i);
        } else if (v[k].s) {
            vals[k] = v[k].s;
        } else {
            snprintf(cell[k], sizeof cell[k], "%" PRId64, v[k].i);
            vals[k] = cell[k];
        }
    }
    return fk_table_add(w->t, vals);
}

int fk_export_table(fk_store *st, enum fk_import_type t, const struct fk_actor *a, fk_table **out,
                    char *err, size_t errlen)
{
    const struct fk_record_type *rt = fk_record_get(t);
    struct walk w = {st, rt, NULL, NULL, NULL};
    char list[512];
    int rc;

    *out = NULL;
    if (!rt || !rt->nexport) {
        snprintf(err, errlen, "%s cannot be exported: export %s", rt ? rt->name : "this type",
                 fk_record_list(list, sizeof list, 1));
        return FK_EINVAL;
    }
    if (a) {
        /* The rule is the import's; the words say what was asked. */
        rc = fk_import_may(st, t, a, "export", err, errlen);
        if (rc != FK_OK)
            return rc;
        w.scope = a->scope;
    }
    pthread_once(&cols_once, cols_init);
    if (fk_table_new(table_cols[t], (size_t)rt->nexport, &w.t) != FK_OK ||
        !(w.seen = fk_strmap_new())) {
        rc = FK_ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = fk_store_each_record(st, t, row, &w);
    if (rc != FK_OK)
        snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
out:
    fk_strmap_free(w.seen);
    if (rc != FK_OK) {
        fk_table_free(w.t);
        return rc;
    }
    *out = w.t;
    return FK_OK;
}
