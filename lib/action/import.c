/* SPDX-License-Identifier: MIT */
/* The import action (see fk/action.h): fk_import_file or fk_import_json as an actor, on record.
 * The row saying the import began commits with its first batch, so an import killed mid-way is
 * on record; the row saying how it ended is written when it ends, in a batch of its own, and its
 * failure is told. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "action_int.h"
#include "fk/error.h"

struct begun {
    fk_store *st;
    const struct fk_actor *actor;
    const char *target, *detail;
    int written;
};

/* The first batch's hook: the begun row, inside that batch's transaction. */
static int write_begun(void *ud)
{
    struct begun *b = ud;
    int rc = fk__audit(b->st, b->actor, NULL, "import", b->target, "%s", b->detail);

    b->written = rc == FK_OK;
    return rc;
}

/* What an import reads: a file (path), or n bytes of JSON rows (header and ncols as
 * fk_import_json's; the rejected rows to *problems). */
struct source {
    const char *path;
    const char *json;
    size_t n;
    const char *const *header;
    size_t ncols;
    struct fk_import_problem **problems;
    size_t *nproblems;
};

/* The body of fk_import_run and fk_import_run_json: the import as actor, on record as rec says. */
static int run(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
               enum fk_import_type t, const struct source *src, const struct fk_import_opts *o,
               const struct fk_import_record *rec, struct fk_import_summary *sum, char *err,
               size_t errlen)
{
    struct begun b;
    struct fk_import_opts io;
    struct fk__follow fw;
    int rc;

    memset(&io, 0, sizeof io);
    if (o)
        io = *o;
    /* The ingest checks the type and every row against an actor with a scope. */
    io.actor = actor->scope ? actor : NULL;
    b.st = st;
    b.actor = actor;
    b.target = fk_import_type_name(t);
    b.detail = rec->begun;
    b.written = 0;
    if (rec->begun) {
        io.first_batch = write_begun;
        io.first_batch_ud = &b;
    }
    /* The snapshots it keeps: how the store stood, and the rows to extend them with. */
    fk__follow_begin(&fw, st, t, rec->snapshots, &io);
    if (src->path)
        rc = fk_import_file(st, p, t, src->path, &io, sum, err, errlen);
    else
        rc = fk_import_json(st, p, t, src->json, src->n, src->header, src->ncols, &io, sum,
                            src->problems, src->nproblems, err, errlen);
    if (rc != FK_OK) {
        fk__follow_end(&fw, st, p, 0, 0);
        return rc;
    }
    /* An import that went on after a lost connection showed the snapshots' collectors the rows
     * of the batch it lost as well: the snapshots are built, not extended. */
    if (sum->resumed)
        fw.failed[0] = fw.failed[1] = 1;
    rc = fk_store_begin_events(st);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, NULL, b.written && rec->done_action ? rec->done_action : "import",
                       b.target, "%s%llu read, %llu accepted, %llu duplicate, %llu rejected%s%s",
                       rec->done_prefix ? rec->done_prefix : "", (unsigned long long)sum->read,
                       (unsigned long long)sum->accepted, (unsigned long long)sum->duplicate,
                       (unsigned long long)sum->rejected,
                       rec->done_suffix && sum->rejected ? rec->done_suffix : "",
                       sum->resumed ? "; went on after the database connection was lost" : "");
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    if (rc != FK_OK) {
        fk__fail(st, 1, rc, err, errlen);
        snprintf(err + strlen(err), errlen - strlen(err),
                 " (the rows are imported; the audit row "
                 "saying so is not)");
    }
    /* Cold chain: the positive batches' alerts need the whole chain (lib/action/coldchain.c). */
    if (rc == FK_OK && t == FK_IMPORT_COLDCHAIN && sum->accepted) {
        size_t raised = 0;

        rc = fk_cold_alerts(st, p, io.now ? io.now : (int64_t)time(NULL), &raised, err, errlen);
        sum->alerts += raised;
    }
    fk__follow_end(&fw, st, p, rc == FK_OK, sum->batches);
    return rc;
}

int fk_import_run(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                  enum fk_import_type t, const char *path, const struct fk_import_opts *o,
                  const struct fk_import_record *rec, struct fk_import_summary *sum, char *err,
                  size_t errlen)
{
    struct source src;

    memset(&src, 0, sizeof src);
    src.path = path;
    return run(st, actor, p, t, &src, o, rec, sum, err, errlen);
}

int fk_import_run_json(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                       enum fk_import_type t, const char *json, size_t n, const char *const *header,
                       size_t ncols, const struct fk_import_opts *o,
                       const struct fk_import_record *rec, struct fk_import_summary *sum,
                       struct fk_import_problem **problems, size_t *nproblems, char *err,
                       size_t errlen)
{
    struct source src;

    memset(&src, 0, sizeof src);
    src.json = json;
    src.n = n;
    src.header = header;
    src.ncols = ncols;
    src.problems = problems;
    src.nproblems = nproblems;
    return run(st, actor, p, t, &src, o, rec, sum, err, errlen);
}
