/* SPDX-License-Identifier: MIT */
/* What the action files share and nobody else sees: the actor's role and scope checks, the audit
 * row written inside the action's batch, the store-failure wording, and a person's open control
 * order (control actions and the alert sweep both look for it). */
#ifndef FK_ACTION_INT_H
#define FK_ACTION_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fk/access.h"
#include "fk/action.h"
#include "fk/profile.h"
#include "fk/roster.h"
#include "fk/store.h"

/* FK_OK when the actor's role holds every permission in perm; else FK_EPERM with err "a ROLE
 * account may not WHAT" (the words the command line and the API have always used). An actor
 * without a scope (the local administrator) may do everything. */
int fk__may(const struct fk_actor *a, unsigned perm, const char *what, char *err, size_t errlen);
/* 1 when region lies inside the actor's scope (always, for an actor without one), 0 when not or
 * when region is unknown, a negative FK_E* code when the store fails. */
int fk__inside(fk_store *st, const struct fk_actor *a, const char *region);
/* Writes the audit row of an action as the actor, in the batch the caller has begun: about region
 * (NULL: the handle's fk_store_set_audit_region). FK_OK or the store's code. */
int fk__audit(fk_store *st, const struct fk_actor *a, const char *region, const char *action,
              const char *target, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* 1 when s has 0 .. max bytes (at least 1 with need) and no control character: a name, a reason
 * or a note an action stores as given. */
int fk__text_ok(const char *s, size_t max, int need);
/* Fills err with the store's message unless rc is a refusal whose err is already written
 * (FK_EINVAL, FK_ENOENT, FK_ECONFLICT, FK_EPERM); rolls back when in_batch. Returns rc. */
int fk__fail(fk_store *st, int in_batch, int rc, char *err, size_t errlen);
/* The person's ID number into out, what an audit row names them by: the internal number means
 * nothing to whoever reads the trail. FK_OK, FK_EDB; an unknown person is "#id". With grid not
 * NULL, the person's grid into it too (FK_REGION_CODE_MAX bytes; "" when unknown). */
int fk__person_names(fk_store *st, int64_t person, char *out, size_t cap, char *grid);

/* A person's open control order, as the store holds it, with where its chain of transfers
 * started. */
struct fk__open {
    int found;
    struct fk_control_row row;
    int64_t first;              /* the start of the chain of transfers the open order ends */
    struct fk_control_row prev; /* the walk's previous order (numbers only) and its chain start */
    int64_t prev_first;
    char regime[FK_NAME_MAX + 8], site[256], device[128];
};
/* The person's open control (the latest when there are several) and where its chain of transfers
 * started (o->first). FK_OK, FK_ENOENT, FK_EDB. */
int fk__find_open(fk_store *st, int64_t person, struct fk__open *o);

/* The snapshots an import keeps (lib/action/snapshots.c): begun before its rows (the store's
 * generations, hooks in io that collect the rows to extend a snapshot with, and the roster io
 * finds persons in), ended after them (ok: the rows committed, in `batches` batches: each
 * snapshot the import changed is extended or built and written; else only freed). s NULL:
 * nothing kept. */
struct fk__follow {
    struct fk_import_snapshots *s;
    enum fk_import_type type;
    int64_t g0, was[2]; /* the store's generation, and the engine's and the tracer's */
    int64_t roster_was; /* the persons' generation; -1 unreadable */
    fk_engine_delta *engine;
    fk_trace_delta *tracer;
    fk_roster *roster; /* current as the import began: the ingest finds persons in it */
    int roster_current; /* the roster was current as the import began */
    int failed[2];     /* out of memory collecting: build instead */
};
void fk__follow_begin(struct fk__follow *f, fk_store *st, enum fk_import_type t,
                      struct fk_import_snapshots *s, struct fk_import_opts *io);
void fk__follow_end(struct fk__follow *f, fk_store *st, const struct fk_profile *p, int ok,
                    uint64_t batches);

#endif
