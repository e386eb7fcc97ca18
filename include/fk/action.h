/* SPDX-License-Identifier: MIT */
/* Every write to the store, one function per write: fk_<resource>_<verb>(store, actor, input,
 * results, err). Each validates its input, checks the actor's role and scope (where the record is
 * now and where it would be after), begins one batch, writes, writes its audit row in the same
 * batch, and commits; on any failure it rolls back, so an audit row is there exactly when the
 * write is. The command line and the server parse, call one action and render its answer; the
 * engine and the control index only read.
 *
 * The actor (fk/access.h) is borrowed for the call. Its name is the audit row's "who"; a NULL
 * scope is the local administrator at the machine (the command line without --as), who may do
 * everything everywhere. err (errlen bytes) says why on failure, in words fit for the user.
 *
 * Return codes: FK_OK; FK_EPERM when the role may not (err "a ROLE account may not …");
 * FK_ENOENT for a record that does not exist or lies outside the actor's scope (told alike, so
 * records cannot be probed); FK_EINVAL, FK_ECONFLICT as each says; FK_ENOMEM; FK_EDB.
 *
 * Thread-safety: one thread at a time per store handle (the store's rule). */
#ifndef FK_ACTION_H
#define FK_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "fk/access.h"
#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/trace.h"

/* ---- control orders (lib/action/control.c) ---- */

/* Puts each person under a new open control (category, place, start `at`, the category's default
 * regime) unless already under an open one; why is the audit row's target. *added and *already
 * say how many of each; re-running adds nothing twice. Every person must live inside the actor's
 * scope: one outside refuses the whole batch (FK_EPERM, nothing written). */
int fk_control_open_many(fk_store *st, const struct fk_actor *actor, const int64_t *persons,
                         const int *categories, size_t n, int place, int64_t at, const char *why,
                         size_t *added, size_t *already, char *err, size_t errlen);
/* The same with one category for every person (the arrivals of a back-check or from a current
 * risk area go under risk_area control). */
int fk_control_open_all(fk_store *st, const struct fk_actor *actor, const int64_t *persons,
                        size_t n, int category, int place, int64_t at, const char *why,
                        size_t *added, size_t *already, char *err, size_t errlen);
/* From a trace: every listed contact, with its category (close, secondary, companion). */
int fk_control_from_trace(fk_store *st, const struct fk_actor *actor, const struct fk_contact *cs,
                          size_t n, int place, int64_t at, size_t *added, size_t *already,
                          char *err, size_t errlen);
/* Releases the person's open control at `at`: FK_ENOENT when none is open, FK_EINVAL when `at`
 * is before its start, FK_ECONFLICT when the release rule is not met (err says why) and force
 * is 0. The rule reads the person's results from e (borrowed). */
int fk_control_release(fk_store *st, const struct fk_actor *actor, fk_engine *e,
                       const struct fk_profile *p, int64_t person, int64_t at, int force, char *err,
                       size_t errlen);
/* Moves the person's open control to another place (and site, NULL: none) at `at`: the order
 * ends and a new one of the same category, regime and device starts. FK_ENOENT, FK_EINVAL. */
int fk_control_transfer(fk_store *st, const struct fk_actor *actor, int64_t person, int place,
                        const char *site, int64_t at, char *err, size_t errlen);
/* Adds days (1 to 366) to the person's open control's duration. FK_ENOENT, FK_EINVAL. */
int fk_control_extend(fk_store *st, const struct fk_actor *actor, int64_t person, int days,
                      char *err, size_t errlen);

/* ---- alerts (lib/action/alert.c) ---- */

/* Raises the alerts that only time reveals: every door sensor whose last event is "offline" and
 * older than door_offline_minutes at `now`, of a person then under control. *raised counts new
 * ones; an alert raised before is not raised again. The system's write, not an actor's: no audit
 * row (the alerts carry their time). */
int fk_alert_sweep(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised, char *err,
                   size_t errlen);
/* Acknowledges or closes alert id with a note, audited. FK_ENOENT; FK_ECONFLICT when closed
 * already; FK_EINVAL without a note. The alert's person must live inside the actor's scope (by
 * e's regions, borrowed): else FK_ENOENT, "no alert ID", as for an unknown alert, so alert
 * numbers cannot be probed. */
int fk_alert_set(fk_store *st, const struct fk_actor *actor, fk_engine *e, int64_t id, int status,
                 const char *note, int64_t now, char *err, size_t errlen);

#endif
