/* SPDX-License-Identifier: MIT */
/* fangkong migrate (issue 20; see fk/action.h): every table of one store copied into another,
 * empty one (SQLite to PostgreSQL when a city outgrows one machine, and back), then verified
 * table by table: the same rows and the same checksum of their values, read back from the target.
 *
 * DESIGN NOTES
 * - Through the store interface only (fk_store_dump, fk_store_load), so either backend is either
 *   end, and the samples move whatever each store keeps them in (segment files or a table).
 * - Rows keep their ids: every table that names a person, a push or a problem by id stays right.
 * - A batch every BATCH_ROWS rows, so a table of 70 M scans is not one transaction; a migration
 *   killed part way leaves a target that is not empty, which the next one refuses: start again
 *   from an empty database (the message says which table holds rows).
 * - The checksum is XXH3 over each row's columns in name order ("name=value", a NULL as its
 *   own mark, the int/text kind in the mark), rows in key order, which both stores walk
 *   bytewise alike: a row lost, added, changed or moved changes it. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "action_int.h"
#include "fk/error.h"

/* Rows a batch of the target holds. */
#define BATCH_ROWS 50000

/* A table's rows and checksum as one walk saw them. */
struct tally {
    XXH3_state_t *h;
    int64_t rows;
    size_t order[32]; /* column k in name order: order[k] */
    size_t ncols;
};

static int by_name(const char *const *names, size_t a, size_t b)
{
    return strcmp(names[a], names[b]);
}

/* Adds a row to t: its columns in name order (sorted once, at the first row). */
static void tally_row(struct tally *t, const char *const *names, const struct fk_record_value *v,
                      size_t n)
{
    size_t i, j;

    if (t->rows == 0 || t->ncols != n) {
        t->ncols = n < 32 ? n : 32;
        for (i = 0; i < t->ncols; i++) {
            size_t k = i;

            for (j = i; j > 0 && by_name(names, t->order[j - 1], k) > 0; j--)
                t->order[j] = t->order[j - 1];
            t->order[j] = k;
        }
    }
    for (i = 0; i < t->ncols; i++) {
        const struct fk_record_value *x = &v[t->order[i]];
        char num[32];
        int len;

        XXH3_64bits_update(t->h, names[t->order[i]], strlen(names[t->order[i]]) + 1);
        if (x->absent) {
            XXH3_64bits_update(t->h, "\x01N", 2);
        } else if (x->s) {
            XXH3_64bits_update(t->h, "\x01T", 2);
            XXH3_64bits_update(t->h, x->s, strlen(x->s) + 1);
        } else {
            len = snprintf(num, sizeof num, "\x01I%lld", (long long)x->i);
            XXH3_64bits_update(t->h, num, (size_t)len + 1);
        }
    }
    XXH3_64bits_update(t->h, "\x1e", 1);
    t->rows++;
}

/* The copy of one table: the target, the batch's rows so far, the source's tally. */
struct copy {
    fk_store *to;
    const char *table;
    struct tally src;
    int64_t in_batch;
    struct fk_progress *prog;
    int64_t *done;
    int target_failed; /* the error is the target's (a load or a commit), not the source's */
};

static int copy_row(void *ud, const char *const *names, const struct fk_record_value *v, size_t n)
{
    struct copy *c = ud;
    int rc = fk_store_load(c->to, c->table, names, v, n);

    if (rc != FK_OK) {
        c->target_failed = 1;
        return rc;
    }
    tally_row(&c->src, names, v, n);
    (*c->done)++;
    if (++c->in_batch == BATCH_ROWS) {
        c->in_batch = 0;
        rc = fk_store_commit(c->to);
        if (rc == FK_OK)
            rc = fk_store_begin(c->to);
        c->target_failed = rc != FK_OK;
        if (c->prog)
            fk_progress_update(c->prog, 0, 0, (uint64_t)*c->done);
    }
    return rc;
}

static int tally_walk(void *ud, const char *const *names, const struct fk_record_value *v, size_t n)
{
    tally_row(ud, names, v, n);
    return FK_OK;
}

/* 1 at the first row: a table that is not empty. */
static int any_row(void *ud, const char *const *names, const struct fk_record_value *v, size_t n)
{
    (void)ud;
    (void)names;
    (void)v;
    (void)n;
    return 1;
}

int fk_store_migrate(fk_store *from, fk_store *to, const struct fk_actor *actor,
                     struct fk_progress *prog, struct fk_migrate_table *out, size_t cap,
                     size_t *nout, char *err, size_t errlen)
{
    const struct fk_store_table *t;
    struct copy c;
    struct tally back;
    int64_t done = 0;
    size_t k = 0;
    int rc = FK_OK, began = 0;

    *nout = 0;
    memset(&c, 0, sizeof c);
    memset(&back, 0, sizeof back);
    if (actor->scope && actor->role != FK_ROLE_ADMIN) {
        snprintf(err, errlen, "only an administrator may move a city between stores");
        return FK_EPERM;
    }
    /* The target must hold nothing: a row there already would be refused half way, or counted
     * twice. */
    for (t = fk_store_tables; t->name; t++) {
        rc = fk_store_dump(to, t->name, any_row, NULL);
        if (rc == 1) {
            snprintf(err, errlen, "the target store holds %s already: migrate into an empty one",
                     t->name);
            return FK_ECONFLICT;
        }
        if (rc != FK_OK)
            return fk__fail(to, 0, rc, err, errlen);
    }
    c.src.h = XXH3_createState();
    back.h = XXH3_createState();
    if (!c.src.h || !back.h) {
        rc = FK_ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    c.to = to;
    c.prog = prog;
    c.done = &done;
    for (t = fk_store_tables; rc == FK_OK && t->name; t++, k++) {
        struct fk_migrate_table *m = &out[k];

        if (k == cap) {
            snprintf(err, errlen, "room for %zu tables, and there are more", cap);
            rc = FK_EINVAL;
            break;
        }
        if (prog)
            fk_progress_stage(prog, t->name);
        c.table = t->name;
        c.src.rows = back.rows = 0;
        c.in_batch = 0;
        XXH3_64bits_reset(c.src.h);
        XXH3_64bits_reset(back.h);
        rc = fk_store_begin(to);
        began = rc == FK_OK;
        c.target_failed = 1;
        if (rc == FK_OK) {
            c.target_failed = 0;
            rc = fk_store_dump(from, t->name, copy_row, &c);
        }
        if (rc == FK_OK) {
            c.target_failed = 1;
            rc = fk_store_load_end(to, t->name);
        }
        if (rc == FK_OK && t[1].name == NULL)
            rc = fk_store_audit(to, actor->name ? actor->name : "cli", "store.migrate", "",
                                "%lld rows in %zu tables, verified", (long long)done, k + 1);
        if (rc == FK_OK)
            rc = fk_store_commit(to);
        if (rc != FK_OK) {
            const char *why = c.target_failed ? fk_store_errmsg(to) : fk_store_errmsg(from);

            snprintf(err, errlen, "moving %s: %s", t->name, why);
            if (began)
                fk_store_rollback(to);
            break;
        }
        began = 0;
        /* Read back from the target: the same rows, the same values, the same order. */
        rc = fk_store_dump(to, t->name, tally_walk, &back);
        if (rc != FK_OK) {
            snprintf(err, errlen, "reading %s back: %s", t->name, fk_store_errmsg(to));
            break;
        }
        m->name = t->name;
        m->rows = c.src.rows;
        m->sum = XXH3_64bits_digest(c.src.h);
        *nout = k + 1;
        if (back.rows != c.src.rows || XXH3_64bits_digest(back.h) != m->sum) {
            snprintf(err, errlen,
                     "%s differs after the move: %lld rows read, %lld found, checksums %016llx "
                     "and %016llx",
                     t->name, (long long)c.src.rows, (long long)back.rows,
                     (unsigned long long)m->sum, (unsigned long long)XXH3_64bits_digest(back.h));
            rc = FK_EDB;
        }
    }
out:
    XXH3_freeState(c.src.h);
    XXH3_freeState(back.h);
    return rc;
}
