/* SPDX-License-Identifier: MIT */
/* The snapshots an import keeps current (issue 19; see fk_import_snapshots in fk/action.h).
 *
 * DESIGN NOTES
 * - Before the rows: the store's generation and each index's (fk_store_index_generation), and,
 *   when the index has a snapshot and the type is one whose rows can be merged in (samples and
 *   results for the engine; scans, pings and cases for the tracer), a delta that the ingest's
 *   hooks fill with the rows the store added.
 * - After them: an index whose generation did not move is current as it was. One that moved is
 *   extended when its snapshot was current as the import began and the store's generation moved
 *   by the import's own batches alone (nobody else wrote meanwhile); else it is built from the
 *   store. Either way its snapshot is written at the store's generation now. An extension is the
 *   build's result byte for byte (fk_engine_extend, fk_tracer_extend), only without reading the
 *   persons, samples, scans and pings again.
 * - A failure to extend or write is not the import's: the snapshot is then left for the next
 *   verb to build, and why says why. A server's import only extends (extend_only): what it
 *   cannot extend, its builder builds in the background.
 * - The roster is the import's own reading: opened before the rows when current (and the type's
 *   rows name persons), so the ingest finds persons in it rather than in the store; closed after
 *   them, and written again from the store when the persons' generation moved, or when the
 *   rows name persons and it was missing or stale. A server's import leaves it stale (its
 *   builder does not build it): the next command-line import that looks persons up writes it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "action_int.h"
#include "fk/action.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/roster.h"
#include "fk/time.h"

const char *fk_snap_did_name(enum fk_snap_did d)
{
    switch (d) {
    case FK_SNAP_BUILT: return "built";
    case FK_SNAP_EXTENDED: return "extended";
    case FK_SNAP_STALE: return "left stale";
    default: return "";
    }
}

/* The indexes' generations (engine, tracer) as the store holds them; -1 when unreadable. */
static void index_generations(fk_store *st, int64_t g[2])
{
    if (fk_store_index_generation(st, FK_FEEDS_ENGINE, &g[0]) != FK_OK)
        g[0] = -1;
    if (fk_store_index_generation(st, FK_FEEDS_TRACER, &g[1]) != FK_OK)
        g[1] = -1;
}

static void on_added(void *ud, enum fk_import_type t, const struct fk_event_row *e)
{
    struct fk__follow *f = ud;

    if (!f->failed[1] && fk_trace_delta_add(f->tracer, e, t == FK_IMPORT_PINGS) != FK_OK)
        f->failed[1] = 1;
}

static void on_sampled(void *ud, const struct fk_sample_row *r, enum fk_put did)
{
    struct fk__follow *f = ud;

    if (!f->failed[0] && fk_engine_delta_add(f->engine, r, did) != FK_OK)
        f->failed[0] = 1;
}

/* Whether rows of type t name persons by ID number, which the roster finds. */
static int names_persons(enum fk_import_type t)
{
    const struct fk_record_type *rt = fk_record_get(t);
    int i;

    for (i = 0; rt && i < rt->ncols; i++)
        if (strcmp(rt->cols[i].name, "id_number") == 0)
            return 1;
    return 0;
}

static int find_person(void *ud, const char *id, size_t n, int64_t *person, const char **grid)
{
    return fk_roster_find(ud, id, n, person, grid);
}

/* The roster, when current and the rows name persons: the ingest finds them in it. One missing,
 * stale or damaged is not used (the ingest reads the store, as without one). */
static void open_roster(struct fk__follow *f, fk_store *st, struct fk_import_opts *io)
{
    char why[512];

    f->roster_was = -1;
    if (!f->s->roster || fk_store_index_generation(st, FK_FEEDS_ROSTER, &f->roster_was) != FK_OK) {
        f->roster_was = -1;
        return;
    }
    if (!names_persons(f->type) ||
        fk_roster_open(st, f->s->roster, &f->roster, why, sizeof why) != FK_OK)
        return;
    io->find_person = find_person;
    io->find_person_ud = f->roster;
    f->roster_current = 1;
}

void fk__follow_begin(struct fk__follow *f, fk_store *st, enum fk_import_type t,
                      struct fk_import_snapshots *s, struct fk_import_opts *io)
{
    memset(f, 0, sizeof *f);
    f->s = s;
    f->type = t;
    if (!s)
        return;
    s->engine_did = s->tracer_did = s->roster_did = FK_SNAP_NONE;
    s->seconds = 0;
    s->why[0] = 0;
    index_generations(st, f->was);
    open_roster(f, st, io);
    if (fk_store_generation(st, &f->g0) != FK_OK)
        return;
    /* Samples and results extend the engine's snapshot, scans, pings and cases the tracer's,
     * when there is one: the rows added are collected as they are (results and cases are read
     * again, a row a tube or a case). */
    if (s->engine && access(s->engine, F_OK) == 0 &&
        (t == FK_IMPORT_SAMPLES || t == FK_IMPORT_RESULTS)) {
        f->engine = fk_engine_delta_new();
        if (f->engine && t == FK_IMPORT_SAMPLES) {
            io->sampled = on_sampled;
            io->sampled_ud = f;
        }
    }
    if (s->tracer && access(s->tracer, F_OK) == 0 &&
        (t == FK_IMPORT_SCANS || t == FK_IMPORT_PINGS || t == FK_IMPORT_CASES)) {
        f->tracer = fk_trace_delta_new();
        if (f->tracer && t != FK_IMPORT_CASES) {
            io->added = on_added;
            io->added_ud = f;
        }
    }
}

/* Index k's snapshot (0 engine, 1 tracer) at path, extended with what the import added, when it
 * was current as the import began and the store moved from g0 to g1 by the import's own batches
 * alone. FK_OK, or anything else: build instead. */
static int extend(const struct fk__follow *f, fk_store *st, const struct fk_profile *p, int k,
                  const char *path, int64_t g1, uint64_t batches)
{
    char err[512];
    int64_t at;
    int rc;

    if (f->failed[k] || g1 - f->g0 != (int64_t)batches)
        return FK_ECONFLICT;
    if (f->s->progress)
        f->s->progress(f->s->progress_ud, k ? "tracer" : "engine", 0, 0);
    if (k) {
        fk_tracer *old = NULL, *t = NULL;

        rc = fk_tracer_map(path, p, &old, &at, err, sizeof err);
        if (rc == FK_OK && !fk_index_current(at, f->was[1], f->g0))
            rc = FK_ECONFLICT; /* stale before the import began */
        if (rc == FK_OK)
            rc = fk_tracer_extend(old, f->tracer, st, p, &t, err, sizeof err);
        if (rc == FK_OK)
            rc = fk_tracer_save(t, g1, path, err, sizeof err);
        fk_tracer_free(t);
        fk_tracer_free(old);
    } else {
        fk_engine *old = NULL, *e = NULL;

        rc = fk_engine_map(st, p, path, &old, &at, err, sizeof err);
        if (rc == FK_OK && !fk_index_current(at, f->was[0], f->g0))
            rc = FK_ECONFLICT;
        if (rc == FK_OK)
            rc = fk_engine_extend(old, f->engine, st, &e, err, sizeof err);
        if (rc == FK_OK)
            rc = fk_engine_save(e, path, err, sizeof err);
        fk_engine_free(e);
        fk_engine_free(old);
    }
    return rc;
}

/* Index k's snapshot at path built from the store and written. */
static enum fk_snap_did build(const struct fk__follow *f, fk_store *st, const struct fk_profile *p,
                              int k, const char *path)
{
    struct fk_import_snapshots *s = f->s;
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
        s->progress(s->progress_ud, k ? "tracer" : "engine", 0, 0);
    if (k) {
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

/* Adds "roster: what" to why. */
static void roster_why(struct fk_import_snapshots *s, const char *what)
{
    size_t at = strlen(s->why);

    snprintf(s->why + at, sizeof s->why - at, "%sroster: %s", at ? "; " : "", what);
}

/* The roster after an import whose rows committed: written again when it wrote persons (the
 * persons' generation moved), or when its rows name persons and it was missing or stale (a data
 * file older than the roster, a server's import of persons: the next command-line import that
 * looks persons up writes it once, as it builds a missing engine), else current as it was. */
static void keep_roster(const struct fk__follow *f, fk_store *st)
{
    struct fk_import_snapshots *s = f->s;
    char err[512];
    int64_t now;

    if (!s->roster || f->roster_was < 0 ||
        fk_store_index_generation(st, FK_FEEDS_ROSTER, &now) != FK_OK)
        return;
    if (now == f->roster_was && (f->roster_current || !names_persons(f->type)))
        return;
    if (s->extend_only) {
        if (access(s->roster, F_OK) == 0) {
            s->roster_did = FK_SNAP_STALE;
            roster_why(s, "left stale: the next import from the command line writes it");
        }
        return;
    }
    if (s->progress)
        s->progress(s->progress_ud, "roster", 0, 0);
    if (fk_roster_write(st, s->roster, err, sizeof err) == FK_OK) {
        s->roster_did = FK_SNAP_BUILT;
        return;
    }
    s->roster_did = FK_SNAP_STALE;
    roster_why(s, err);
}

void fk__follow_end(struct fk__follow *f, fk_store *st, const struct fk_profile *p, int ok,
                    uint64_t batches)
{
    struct fk_import_snapshots *s = f->s;
    double t0 = fk_mono_seconds();
    int64_t now[2], g1 = -1;
    int k;

    fk_roster_close(f->roster);
    f->roster = NULL;
    if (ok && s) {
        index_generations(st, now);
        if (fk_store_generation(st, &g1) != FK_OK)
            g1 = -1;
        for (k = 0; k < 2; k++) {
            const char *path = k ? s->tracer : s->engine;
            enum fk_snap_did *did = k ? &s->tracer_did : &s->engine_did;
            void *delta = k ? (void *)f->tracer : (void *)f->engine;

            if (!path || now[k] == f->was[k])
                continue; /* nothing it holds changed: current as it was */
            /* The tracer is built for a city that traces: one with a tracer snapshot already,
             * or whose import is of what only tracing reads. */
            if (k && access(path, F_OK) != 0 && f->type != FK_IMPORT_VENUES &&
                f->type != FK_IMPORT_SCANS && f->type != FK_IMPORT_PINGS &&
                f->type != FK_IMPORT_CASES)
                continue;
            if (delta && g1 >= 0 && extend(f, st, p, k, path, g1, batches) == FK_OK)
                *did = FK_SNAP_EXTENDED;
            else if (!s->extend_only)
                *did = build(f, st, p, k, path);
            else if (access(path, F_OK) == 0) {
                *did = FK_SNAP_STALE;
                snprintf(s->why, sizeof s->why, "not extended: left for the server to build");
            }
        }
        keep_roster(f, st);
        s->seconds = fk_mono_seconds() - t0;
    }
    fk_engine_delta_free(f->engine);
    fk_trace_delta_free(f->tracer);
    f->engine = NULL;
    f->tracer = NULL;
}
