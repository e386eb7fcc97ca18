/* SPDX-License-Identifier: MIT */
/* The import action (see fk/action.h): fk_import_file or fk_import_json as an actor, on record.
 * The row saying the import began commits with its first batch, so an import killed mid-way is
 * on record; the row saying how it ended is written when it ends, in a batch of its own, and its
 * failure is told. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/time.h"

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

const char *fk_snap_did_name(enum fk_snap_did d)
{
    switch (d) {
    case FK_SNAP_BUILT: return "built";
    case FK_SNAP_EXTENDED: return "extended";
    case FK_SNAP_STALE: return "left stale";
    default: return "";
    }
}

/* One index's snapshot after an import that moved its generation (see fk/action.h). */
static enum fk_snap_did build_one(fk_store *st, const struct fk_profile *p, int tracer,
                                  const char *path, struct fk_import_snapshots *s)
{
    char err[512];
    int64_t gen;
    int rc;

    /* The generation before the build: a write while it reads makes it stale, never wrongly
     * current. */
    rc = fk_store_generation(st, &gen);
    if (rc != FK_OK) {
        snprintf(s->why, sizeof s->why, "%s", fk_store_errmsg(st));
        return FK_SNAP_STALE;
    }
    if (s->progress) /* the engine's build tells nothing until it is done */
        s->progress(s->progress_ud, tracer ? "tracer" : "engine", 0, 0);
    if (tracer) {
        fk_tracer *t = NULL;

        rc = fk_tracer_build_progress(st, p, s->progress, s->progress_ud, &t, err, sizeof err);
        if (rc == FK_OK)
            rc = fk_tracer_save(t, gen, path, err, sizeof err);
        fk_tracer_free(t);
    } else {
        fk_engine *e = NULL;

        rc = fk_engine_build(st, p, &e, err, sizeof err);
        if (rc == FK_OK)
            rc = fk_engine_save(e, path, err, sizeof err);
        fk_engine_free(e);
    }
    if (rc == FK_OK)
        return FK_SNAP_BUILT;
    snprintf(s->why, sizeof s->why, "%s", err);
    return FK_SNAP_STALE;
}

/* The rows an import of scans or pings added, for the tracer's snapshot: where it began. */
struct growth {
    fk_trace_delta *d; /* NULL: none collected (another type, or no tracer to extend) */
    int failed;        /* out of memory while collecting: build instead */
    int64_t g0, i0;    /* the store's and the tracer's generations as the import began */
};

static void on_added(void *ud, enum fk_import_type t, const struct fk_event_row *e)
{
    struct growth *gr = ud;

    if (!gr->failed && fk_trace_delta_add(gr->d, e, t == FK_IMPORT_PINGS) != FK_OK)
        gr->failed = 1;
}

/* The tracer's snapshot at path extended with what the import added, when it was current as
 * the import began (at i0 or later) and the store moved from g0 to g1 by the import's own
 * `batches` alone. FK_OK, or anything else: build instead. */
static int extend_tracer(fk_store *st, const struct fk_profile *p, const char *path,
                         const struct growth *gr, int64_t g1, uint64_t batches,
                         struct fk_import_snapshots *s)
{
    fk_tracer *old = NULL, *t = NULL;
    char err[512];
    int64_t at;
    int rc;

    if (gr->failed || g1 - gr->g0 != (int64_t)batches)
        return FK_ECONFLICT;
    rc = fk_tracer_map(path, p, &old, &at, err, sizeof err);
    if (rc == FK_OK && (at < gr->i0 || at > gr->g0))
        rc = FK_ECONFLICT; /* stale before the import began */
    if (rc == FK_OK && s->progress)
        s->progress(s->progress_ud, "tracer", 0, 0);
    if (rc == FK_OK)
        rc = fk_tracer_extend(old, gr->d, st, p, &t, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_tracer_save(t, g1, path, err, sizeof err);
    fk_tracer_free(t);
    fk_tracer_free(old);
    return rc;
}

/* The indexes' generations (engine, tracer) as the store holds them; -1 when unreadable. */
static void index_generations(fk_store *st, int64_t g[2])
{
    if (fk_store_index_generation(st, FK_FEEDS_ENGINE, &g[0]) != FK_OK)
        g[0] = -1;
    if (fk_store_index_generation(st, FK_FEEDS_TRACER, &g[1]) != FK_OK)
        g[1] = -1;
}

/* Builds the snapshots of s whose index's inputs the import of type t wrote: their generation
 * moved from was[]. The others are current as they were (fk_store_index_generation). */
static void follow(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const int64_t was[2], const struct growth *gr, uint64_t batches,
                   struct fk_import_snapshots *s)
{
    double t0 = fk_mono_seconds();
    int64_t now[2], g1;

    index_generations(st, now);
    if (s->engine && now[0] != was[0])
        s->engine_did = build_one(st, p, 0, s->engine, s);
    /* The tracer is built for a city that traces: one with a tracer snapshot already, or whose
     * import is of what only tracing reads. */
    if (s->tracer && now[1] != was[1] &&
        (access(s->tracer, F_OK) == 0 || t == FK_IMPORT_VENUES || t == FK_IMPORT_SCANS ||
         t == FK_IMPORT_PINGS || t == FK_IMPORT_CASES)) {
        if (gr->d && fk_store_generation(st, &g1) == FK_OK &&
            extend_tracer(st, p, s->tracer, gr, g1, batches, s) == FK_OK)
            s->tracer_did = FK_SNAP_EXTENDED;
        else
            s->tracer_did = build_one(st, p, 1, s->tracer, s);
    }
    s->seconds = fk_mono_seconds() - t0;
}

/* The body of fk_import_run and fk_import_run_json: the import as actor, on record as rec says. */
static int run(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
               enum fk_import_type t, const struct source *src, const struct fk_import_opts *o,
               const struct fk_import_record *rec, struct fk_import_summary *sum, char *err,
               size_t errlen)
{
    struct begun b;
    struct fk_import_opts io;
    struct growth gr;
    int64_t was[2];
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
    if (rec->snapshots) {
        rec->snapshots->engine_did = rec->snapshots->tracer_did = FK_SNAP_NONE;
        rec->snapshots->seconds = 0;
        rec->snapshots->why[0] = 0;
        index_generations(st, was);
    }
    /* Scans, pings and cases extend the tracer's snapshot when there is one: the rows added are
     * collected as they are (cases are read again, a few rows). */
    memset(&gr, 0, sizeof gr);
    if (rec->snapshots && rec->snapshots->tracer && access(rec->snapshots->tracer, F_OK) == 0 &&
        (t == FK_IMPORT_SCANS || t == FK_IMPORT_PINGS || t == FK_IMPORT_CASES) &&
        fk_store_generation(st, &gr.g0) == FK_OK) {
        gr.i0 = was[1];
        gr.d = fk_trace_delta_new();
        if (gr.d && t != FK_IMPORT_CASES) {
            io.added = on_added;
            io.added_ud = &gr;
        }
    }
    if (src->path)
        rc = fk_import_file(st, p, t, src->path, &io, sum, err, errlen);
    else
        rc = fk_import_json(st, p, t, src->json, src->n, src->header, src->ncols, &io, sum,
                            src->problems, src->nproblems, err, errlen);
    if (rc != FK_OK) {
        fk_trace_delta_free(gr.d);
        return rc;
    }
    rc = fk_store_begin_events(st);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, NULL, b.written && rec->done_action ? rec->done_action : "import",
                       b.target, "%s%llu read, %llu accepted, %llu duplicate, %llu rejected%s",
                       rec->done_prefix ? rec->done_prefix : "", (unsigned long long)sum->read,
                       (unsigned long long)sum->accepted, (unsigned long long)sum->duplicate,
                       (unsigned long long)sum->rejected,
                       rec->done_suffix && sum->rejected ? rec->done_suffix : "");
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
    if (rc == FK_OK && rec->snapshots)
        follow(st, p, t, was, &gr, sum->batches, rec->snapshots);
    fk_trace_delta_free(gr.d);
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
