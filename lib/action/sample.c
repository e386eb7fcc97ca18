/* SPDX-License-Identifier: MIT */
/* The sampling tables' entries (fk/action.h, issue 21): the batches of many phones committed as
 * one import, a group commit. Every batch's rows are checked against its own caller (role and
 * scope, fk_import_set_actor), its tubes held to its pool size counting what the store and the
 * earlier batches of the group put in them, and its audit row, with its own counts, written in
 * the transaction that commits its rows. One transaction for the group: one commit, one sync of
 * the store and its segment files, shared by every phone that sent at that moment. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/vec.h"

/* A tube met in the group: the persons in it, the store's and the group's so far. */
struct tube {
    int64_t *pid;
    size_t n, cap;
};

struct group {
    fk_store *st;
    struct fk_sample_batch *b;
    size_t nb;
    /* per row fed to the import (its line): the batch and the entry */
    size_t *rb, *ri, nrows, caprb, capri;
    fk_strmap *tubes;
    struct tube *tv; /* by the tube's index in tubes */
    size_t ntv, captv;
    int nomem;
};

static int add_problem(struct fk_sample_batch *b, size_t index, const char *reason)
{
    char *copy = fk_slice_dup((fk_slice){reason, strlen(reason)});
    size_t cap = b->nrejects;

    if (!copy ||
        fk_vec_grow((void **)&b->rejects, &cap, b->nrejects + 1, sizeof *b->rejects) != FK_OK) {
        free(copy);
        return FK_ENOMEM;
    }
    b->rejects[b->nrejects].row = index;
    b->rejects[b->nrejects].reason = copy;
    b->nrejects++;
    return FK_OK;
}

static void on_reject(void *ud, uint64_t line, const char *reason, fk_slice raw)
{
    struct group *g = ud;

    (void)raw;
    if (line < g->nrows && add_problem(&g->b[g->rb[line]], g->ri[line], reason) != FK_OK)
        g->nomem = 1;
}

static void on_counted(void *ud, uint64_t line, enum fk_put did)
{
    struct group *g = ud;

    if (line >= g->nrows)
        return;
    if (did == FK_PUT_SAME)
        g->b[g->rb[line]].duplicate++;
    else
        g->b[g->rb[line]].accepted++;
}

/* Inside the group's transaction, after its rows: each batch's audit row, with its counts. */
static int on_committing(void *ud)
{
    struct group *g = ud;
    size_t k;
    int rc = FK_OK;

    for (k = 0; k < g->nb && rc == FK_OK; k++) {
        struct fk_sample_batch *b = &g->b[k];

        if (b->rc != FK_OK || !b->rows)
            continue;
        rc = fk__audit(g->st, b->actor, b->actor->scope, "import", "samples",
                       "sampling table at %.60s: %zu entries, %llu accepted, %llu duplicate, "
                       "%zu rejected",
                       b->site, b->n, (unsigned long long)b->accepted,
                       (unsigned long long)b->duplicate, b->nrejects);
    }
    return rc;
}

static int on_member(void *ud, const struct fk_sample_row *s)
{
    struct tube *t = ud;
    size_t cap = t->cap;

    if (fk_vec_grow((void **)&t->pid, &cap, t->n + 1, sizeof *t->pid) != FK_OK)
        return FK_ENOMEM;
    t->cap = cap;
    t->pid[t->n++] = s->person;
    return 0;
}

/* The tube's members so far, read from the store the first time the group meets it. */
static struct tube *tube_of(struct group *g, const char *name, int *rc)
{
    int added = 0;
    int64_t k = fk_strmap_intern(g->tubes, name, strlen(name), &added);

    *rc = FK_ENOMEM;
    if (k < 0)
        return NULL;
    if (added) {
        if (fk_vec_grow((void **)&g->tv, &g->captv, (size_t)k + 1, sizeof *g->tv) != FK_OK)
            return NULL;
        memset(&g->tv[k], 0, sizeof g->tv[k]);
        g->ntv = (size_t)k + 1;
        *rc = fk_store_each_tube_member(g->st, name, on_member, &g->tv[k]);
        if (*rc != FK_OK)
            return NULL;
    }
    *rc = FK_OK;
    return &g->tv[k];
}

static int holds(const struct tube *t, int64_t pid)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->pid[i] == pid)
            return 1;
    return 0;
}

/* Settles which entries of batch b go to the import: an entry without its texts is rejected, one
 * past its tube's pool is rejected with the tube and its count; the rest are rows (an unknown
 * person too: the import rejects it with its reason). */
static int plan_batch(struct group *g, size_t k)
{
    struct fk_sample_batch *b = &g->b[k];
    size_t i;
    int rc;

    for (i = 0; i < b->n; i++) {
        const struct fk_sample_entry *e = &b->entries[i];
        int64_t pid = -1;
        struct tube *t;
        char why[200];

        if (!e->tube || !*e->tube || !e->id_number || !*e->id_number || !e->time) {
            rc = add_problem(b, i, "an entry needs tube, id_number and time, as text");
            if (rc != FK_OK)
                return rc;
            continue;
        }
        rc = fk_store_find_person(g->st, e->id_number, &pid);
        if (rc != FK_OK && rc != FK_ENOENT)
            return rc;
        if (rc == FK_OK) {
            if (!(t = tube_of(g, e->tube, &rc)))
                return rc;
            if (!holds(t, pid)) {
                if (t->n >= (size_t)b->pool) {
                    snprintf(why, sizeof why,
                             "tube %.80s is full: it holds %zu of a pool of %d; start a new tube",
                             e->tube, t->n, b->pool);
                    rc = add_problem(b, i, why);
                    if (rc != FK_OK)
                        return rc;
                    continue;
                }
                rc = on_member(t, &(struct fk_sample_row){.person = pid});
                if (rc != FK_OK)
                    return rc;
            }
        }
        if (fk_vec_grow((void **)&g->rb, &g->caprb, g->nrows + 1, sizeof *g->rb) != FK_OK ||
            fk_vec_grow((void **)&g->ri, &g->capri, g->nrows + 1, sizeof *g->ri) != FK_OK)
            return FK_ENOMEM;
        g->rb[g->nrows] = k;
        g->ri[g->nrows] = i;
        g->nrows++;
        b->rows++;
    }
    return FK_OK;
}

/* 1 when the import checks rows of b as it checks rows of a: the same role and scope (the name
 * is only the audit row's, which each batch writes itself). */
static int same_checks(const struct fk_actor *a, const struct fk_actor *b)
{
    return a->role == b->role && strcmp(a->scope, b->scope) == 0;
}

static int by_row(const void *x, const void *y)
{
    const struct fk_import_problem *a = x, *b = y;

    return a->row < b->row ? -1 : a->row > b->row;
}

int fk_sample_commit(fk_store *st, const struct fk_profile *p, struct fk_sample_batch *b, size_t n,
                     int64_t now, char *err, size_t errlen)
{
    static const char *const header[] = {"tube", "id_number", "time", "site"};
    struct fk_import_opts o;
    struct fk_import_summary sum;
    struct group g;
    fk_import *imp = NULL;
    const struct fk_actor *cur = NULL;
    size_t k, r;
    int rc = FK_OK;

    memset(&g, 0, sizeof g);
    g.st = st;
    g.b = b;
    g.nb = n;
    for (k = 0; k < n; k++) {
        b[k].accepted = b[k].duplicate = 0;
        b[k].rows = 0;
        b[k].rejects = NULL;
        b[k].nrejects = 0;
        b[k].err[0] = '\0';
        b[k].rc = FK_OK;
        if (!b[k].actor || !b[k].actor->scope) {
            snprintf(b[k].err, sizeof b[k].err, "a sampling table signs in with an account");
            b[k].rc = FK_EPERM;
        } else if (b[k].pool < 1 || b[k].pool > FK_SAMPLE_POOL_MAX) {
            snprintf(b[k].err, sizeof b[k].err, "the pool size is 1 to %d, not %d",
                     FK_SAMPLE_POOL_MAX, b[k].pool);
            b[k].rc = FK_EINVAL;
        } else if (!b[k].site || !*b[k].site) {
            snprintf(b[k].err, sizeof b[k].err, "a batch names its sampling site");
            b[k].rc = FK_EINVAL;
        } else {
            b[k].rc =
                fk_import_permitted(st, FK_IMPORT_SAMPLES, b[k].actor, b[k].err, sizeof b[k].err);
        }
        if (b[k].rc == FK_EDB) {
            rc = FK_EDB;
            snprintf(err, errlen, "%s", b[k].err);
            goto out;
        }
    }
    g.tubes = fk_strmap_new();
    if (!g.tubes) {
        rc = FK_ENOMEM;
        goto out;
    }
    for (k = 0; k < n && rc == FK_OK; k++)
        if (b[k].rc == FK_OK)
            rc = plan_batch(&g, k);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        fk__fail(st, 0, rc, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (g.nrows) {
        memset(&o, 0, sizeof o);
        o.actor = b[g.rb[0]].actor;
        o.batch_rows = (int)(g.nrows + 1); /* one transaction */
        o.now = now;
        o.reject = on_reject;
        o.reject_ud = &g;
        o.counted = on_counted;
        o.counted_ud = &g;
        o.committing = on_committing;
        o.committing_ud = &g;
        rc = fk_import_begin(st, p, FK_IMPORT_SAMPLES, &o, header, 4, &imp, err, errlen);
        cur = o.actor;
        for (r = 0; r < g.nrows && rc == FK_OK; r++) {
            struct fk_sample_batch *x = &b[g.rb[r]];
            const struct fk_sample_entry *e = &x->entries[g.ri[r]];
            fk_slice f[4];

            /* every phone signs in as its own account, but a county's tables share role and
             * scope: the import's scope answers are kept while they stay the same */
            if (!same_checks(x->actor, cur)) {
                rc = fk_import_set_actor(imp, x->actor, err, errlen);
                if (rc != FK_OK)
                    break;
                cur = x->actor;
            }
            f[0] = (fk_slice){e->tube, strlen(e->tube)};
            f[1] = (fk_slice){e->id_number, strlen(e->id_number)};
            f[2] = (fk_slice){e->time, strlen(e->time)};
            f[3] = (fk_slice){x->site, strlen(x->site)};
            if (fk_import_row(imp, r, f, 4, (fk_slice){"", 0}) != FK_OK)
                break; /* fk_import_end says what, the group rolled back */
        }
        /* A store failure at a row: fk_import_end rolls back and says what; a caller that could
         * not be switched to: nothing of the group may commit. */
        if (imp && rc == FK_OK)
            rc = fk_import_end(imp, &sum, err, errlen);
        else
            fk_import_abort(imp);
        imp = NULL;
        if (rc == FK_OK && g.nomem)
            rc = FK_ENOMEM; /* committed; a reason could not be kept */
        if (rc == FK_ENOMEM)
            snprintf(err, errlen, "out of memory");
    }
    for (k = 0; k < n; k++)
        if (b[k].nrejects > 1)
            qsort(b[k].rejects, b[k].nrejects, sizeof *b[k].rejects, by_row);
out:
    if (rc != FK_OK)
        for (k = 0; k < n; k++)
            if (b[k].rc == FK_OK) {
                b[k].rc = rc;
                snprintf(b[k].err, sizeof b[k].err, "%s", err);
            }
    for (k = 0; k < g.ntv; k++)
        free(g.tv[k].pid);
    free(g.tv);
    fk_strmap_free(g.tubes);
    free(g.rb);
    free(g.ri);
    return rc;
}

void fk_sample_batch_free(struct fk_sample_batch *b)
{
    fk_import_problems_free(b->rejects, b->nrejects);
    b->rejects = NULL;
    b->nrejects = 0;
}
