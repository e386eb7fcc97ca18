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
#include "fk/control.h"
#include "fk/engine.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/progress.h"
#include "fk/sentinel_board.h"
#include "fk/store.h"
#include "fk/tracer.h"
#include "fk/trace.h"
#include "fk/vaccination.h"

/* ---- accounts (lib/action/user.c) ---- */

/* An account to add: its name, role and scope (a region code), borrowed for the call. */
struct fk_user_new {
    const char *name;
    enum fk_role role;
    const char *scope;
};
/* Whether actor may add u: FK_PERM_USERS (FK_EPERM), the user-name rule (FK_EINVAL, "a user name
 * has 1 to 64 of a-z, 0-9, '.', '_' and '-', not 'NAME'"), with password not NULL the
 * weak-password rule (FK_EINVAL, fk_password_weak's reason), a known scope (FK_EINVAL, "unknown
 * region CODE (import regions first)"), inside the actor's (FK_EPERM, "region CODE is outside
 * your scope SCOPE"). Writes nothing: for checking before the password is hashed, which is slow. */
int fk_user_check(fk_store *st, const struct fk_actor *actor, const struct fk_user_new *u,
                  const char *password, char *err, size_t errlen);
/* Adds account u with the hash of its password (fk_password_hash), created at now, audited
 * (user.add): fk_user_check's codes, FK_ECONFLICT when the name is taken. */
int fk_user_add(fk_store *st, const struct fk_actor *actor, const struct fk_user_new *u,
                const char *pwhash, int64_t now, char *err, size_t errlen);
/* Disables the account named name and ends its sessions (its tokens are deleted), or enables it,
 * audited (user.disable, user.enable). FK_ENOENT "no user named 'NAME'" also for an account
 * outside the actor's scope, so names cannot be probed. */
int fk_user_disable(fk_store *st, const struct fk_actor *actor, const char *name, char *err,
                    size_t errlen);
int fk_user_enable(fk_store *st, const struct fk_actor *actor, const char *name, char *err,
                   size_t errlen);
/* Sets the account's password hash (the caller checked the password with fk_password_weak and
 * hashed it) and ends its sessions, audited (user.password). FK_ENOENT as above. */
int fk_user_password(fk_store *st, const struct fk_actor *actor, const char *name,
                     const char *pwhash, char *err, size_t errlen);

/* ---- rounds (lib/action/round.c) ---- */

/* Creates screening round r (name, region, start, end; r->id and r->created are set), audited
 * (round.create) about the round's region: FK_EPERM without FK_PERM_ROUNDS or when the region
 * lies outside the actor's scope ("region CODE is outside your scope SCOPE"); FK_EINVAL when
 * fk_round_check refuses it or the region is unknown ("unknown region CODE (import regions
 * first)"); FK_ECONFLICT when the name is taken. */
int fk_round_add(fk_store *st, const struct fk_actor *actor, struct fk_round *r, char *err,
                 size_t errlen);

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

/* What putting a list of persons under control did: how many the list had (persons), how many
 * went under control (added) and how many were already (already); for a back-check, its window
 * (from, to). */
struct fk_control_count {
    size_t persons, added, already;
    int64_t from, to;
};
/* 倒查 then control: the arrivals from risk area `area` (code or name) in its latest back-check
 * window (fk_risk_backcheck_window), inside region (NULL: all; the caller narrows it to the actor's
 * scope) as index x (borrowed) lists them, go under risk_area control at place from `at`,
 * audited with the area as target. FK_ENOENT when the area has no risk period; else as
 * fk_control_open_all. The command line and the API both call this, so they agree. */
int fk_control_backcheck(fk_store *st, const struct fk_actor *actor, fk_ctl *x,
                         const struct fk_profile *p, const char *area, const char *region,
                         int place, int64_t at, struct fk_control_count *out, char *err,
                         size_t errlen);
/* The arrivals x follows on local day `today` inside region that came from a risk area while it
 * was one (fk_ctl_risk_arrivals) go under risk_area control at place from `at` ("arrivals
 * check"). As fk_control_backcheck (from and to are 0). */
int fk_control_from_arrivals(fk_store *st, const struct fk_actor *actor, fk_ctl *x,
                             const char *region, int64_t today, int place, int64_t at,
                             struct fk_control_count *out, char *err, size_t errlen);

/* ---- cold chain (lib/action/coldchain.c, issue 16) ---- */

struct fk_cold_trace; /* fk/coldchain.h */
/* What putting a batch's persons under control did: distinct ID numbers that touched it
 * (persons), put under control (added), already under an open order (already), registered
 * outside the actor's scope (outside: left alone, not refused), not in the registry
 * (unregistered: no person to put under control). */
struct fk_cold_control_count {
    size_t persons, added, already, outside, unregistered;
};
/* Puts every person who touched the batch of trace t (fk_cold_trace_get) under control of
 * category coldchain at the profile's [coldchain] place and regime from `at`, unless already
 * under an open order; audited (control.open, target the batch). FK_EPERM when the role may not
 * (nothing written); FK_EDB. Re-running adds nothing twice. t is borrowed. */
int fk_cold_control(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                    const struct fk_cold_trace *t, int64_t at, struct fk_cold_control_count *out,
                    char *err, size_t errlen);
/* Raises one alert (kind coldchain) per positive cold-chain result (batch, result time) as of
 * now, its detail naming the batch, the site and the trace's counts (sites, persons, shared
 * batches within the profile's window); one raised before is not raised again (the alerts'
 * natural key: kind, person 0, the result time, the batch as device). *raised counts the new
 * ones. FK_OK, FK_ENOMEM, FK_EDB. */
int fk_cold_alerts(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised,
                   char *err, size_t errlen);

/* ---- imports (lib/action/import.c) ---- */

/* The snapshots an import keeps current (issue 19): the files beside the data file that a verb
 * maps (fk_engine_open, fk_tracer_open), so the first verb after an import answers at once
 * rather than building the index for seconds (minutes at 10 M). After the import committed, an
 * index whose inputs it changed (fk_store_index_generation moved) is built from the store and its
 * snapshot written: the tracer's only when it has one already, or for venues, scans, pings and
 * cases, so a city that never traces never pays for it. After samples or results the engine's,
 * after scans, pings or cases the tracer's is extended rather than built when it was current as
 * the import began and nobody else wrote meanwhile: the rows the import added are merged into
 * the snapshot's arrays, and the persons, samples, scans and pings are not read from the store
 * again (fk_engine_extend, fk_tracer_extend). The other snapshots stay current as they were: an
 * import of samples does not touch the tracer's. The roster (fk/roster.h) is what the import
 * itself reads: when current as it begins, the rows' persons are found in it rather than in the
 * store, and after an import that wrote persons, or looked them up without a current roster, it
 * is built again (a server's import leaves it stale). */
enum fk_snap_did {
    FK_SNAP_NONE = 0, /* nothing to do: no path, or the import changed nothing it holds */
    FK_SNAP_BUILT,    /* built from the store and written */
    FK_SNAP_EXTENDED, /* the snapshot before, with the rows the import added, written */
    FK_SNAP_STALE     /* could not be built or written: left for the next verb (why says why) */
};
struct fk_import_snapshots {
    const char *engine, *tracer;   /* the snapshots' paths; NULL: not kept */
    const char *roster;            /* the roster's path; NULL: neither read nor kept */
    /* A server's import (1): a snapshot is extended or left stale, never built in the import,
     * which must answer its client; the server's builder builds it in the background. */
    int extend_only;
    fk_build_progress_fn progress; /* the tracer's build; may be NULL */
    void *progress_ud;
    /* Out: what was done to each, in how long, and why one was left stale. */
    enum fk_snap_did engine_did, tracer_did, roster_did;
    double seconds;
    char why[512];
};
/* "built", "extended", "left stale" or "" (FK_SNAP_NONE). */
const char *fk_snap_did_name(enum fk_snap_did d);

/* How an import is on record (strings borrowed for the call), and the snapshots it keeps. */
struct fk_import_record {
    /* The detail of the "import" row that commits with the first batch, so an import killed
     * mid-way is on record; NULL: no such row. */
    const char *begun;
    /* The action of the row written when the import ends, when the begun row was written
     * ("import.done"); NULL, or no begun row: "import". Its detail is done_prefix, the counts
     * ("N read, N accepted, N duplicate, N rejected") and, when rows were rejected, done_suffix
     * (where the rejects are); NULL: nothing. */
    const char *done_action, *done_prefix, *done_suffix;
    /* The snapshots to keep current, and what became of them; NULL: none. */
    struct fk_import_snapshots *snapshots;
};
/* fk_import_file as actor (its role and scope checked by the ingest, before any row and on every
 * row; o->actor and o->first_batch are the action's), on record as rec says, the rows about the
 * handle's audit region. Returns as fk_import_file; after the rows committed, FK_EDB when the
 * ending row could not be written (err says the rows are in). */
int fk_import_run(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                  enum fk_import_type t, const char *path, const struct fk_import_opts *o,
                  const struct fk_import_record *rec, struct fk_import_summary *sum, char *err,
                  size_t errlen);
/* The same over n bytes of JSON rows (fk_import_json: header and ncols, NULL and 0 for the keys
 * the objects name; the rejected rows to *problems, which the caller frees with
 * fk_import_problems_free): the POST /api/v1/rows and /api/v1/door_events writes. */
int fk_import_run_json(fk_store *st, const struct fk_actor *actor, const struct fk_profile *p,
                       enum fk_import_type t, const char *json, size_t n, const char *const *header,
                       size_t ncols, const struct fk_import_opts *o,
                       const struct fk_import_record *rec, struct fk_import_summary *sum,
                       struct fk_import_problem **problems, size_t *nproblems, char *err,
                       size_t errlen);

/* ---- sampling tables (lib/action/sample.c, issue 21) ---- */

/* The largest pool a tube may hold (the sampling page offers 1, 5, 10 and 20). */
#define FK_SAMPLE_POOL_MAX 50

/* One entry a sampling table's phone sent: a member put in a tube (texts borrowed; NULL or empty
 * tube or ID number, or a NULL time, is rejected as incomplete). */
struct fk_sample_entry {
    const char *tube, *id_number, *time;
};
/* One phone's batch (POST /api/v1/sample/entries): its caller, site, pool size and entries
 * (borrowed), and what became of it. */
struct fk_sample_batch {
    const struct fk_actor *actor;
    const char *site;
    int pool;
    const struct fk_sample_entry *entries;
    size_t n;
    /* Out: FK_OK, or why the whole batch was refused or lost (err), leaving nothing stored;
     * the entries stored now (accepted) or before (duplicate); the rejected ones by entry index
     * (row) with the reason, in entry order (fk_sample_batch_free frees them); rows fed to the
     * import. */
    int rc;
    char err[256];
    uint64_t accepted, duplicate;
    struct fk_import_problem *rejects;
    size_t nrejects, rows;
};
/* Commits the batches b[0..n) of several phones as one import, one transaction: each batch's
 * entries as samples rows of its site checked against its own caller (the role that may import
 * samples, and its scope), its tubes held to its pool size (what the store holds in a tube and
 * the group's earlier entries together; an entry already there counts once; one past the pool
 * is rejected with the tube and its count), and its audit row with its counts written in the
 * same transaction. An entry sent twice is a duplicate, never a second sample. Times are
 * checked against now (0: the clock). FK_OK when the group committed (each batch's rc says
 * whether it was refused on its own); else the store's error in err, nothing committed, and
 * every batch's rc that code. */
int fk_sample_commit(fk_store *st, const struct fk_profile *p, struct fk_sample_batch *b, size_t n,
                     int64_t now, char *err, size_t errlen);
void fk_sample_batch_free(struct fk_sample_batch *b);

/* ---- alerts (lib/action/alert.c) ---- */

/* Raises the alerts that only time reveals: every door sensor whose last event is "offline" and
 * older than door_offline_minutes at `now`, of a person then under control, and every missed
 * check-in window (fk_checkin_alerts). *raised counts new
 * ones; an alert raised before is not raised again. The system's write, not an actor's: no audit
 * row (the alerts carry their time). */
int fk_alert_sweep(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised, char *err,
                   size_t errlen);
/* Raises one alert (kind checkin_missed) for every check-in window of a person under home or
 * centralized control that ended by now with no check-in (fk/checkins.h: expected windows, from
 * the first day any check-in was recorded, the last 7 days at most), its time the window's
 * start; one raised before is not raised again. Called by fk_alert_sweep. *raised counts new
 * ones. The system's write: no audit row. FK_OK, FK_ENOMEM, FK_EDB with err. (lib/action/checkin.c, issue 18) */
int fk_checkin_alerts(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised,
                      char *err, size_t errlen);
/* Acknowledges or closes alert id with a note, audited. FK_ENOENT; FK_ECONFLICT when closed
 * already; FK_EINVAL without a note. The alert's person must live inside the actor's scope (by
 * e's regions, borrowed): else FK_ENOENT, "no alert ID", as for an unknown alert, so alert
 * numbers cannot be probed. */
int fk_alert_set(fk_store *st, const struct fk_actor *actor, fk_engine *e, int64_t id, int status,
                 const char *note, int64_t now, char *err, size_t errlen);

/* ---- sentinel alerts (lib/action/sentinel.c, issue 16) ---- */

/* Raises one alert (kind sentinel) for every region of level `by` and kind that fires on local
 * day `day` on the board of b (borrowed), naming the region, kind, day, count, rule, baseline and
 * the number of rows behind it; the alert's key is (region/kind, the day's start), so running it
 * again raises nothing twice. now is the raised time. *raised counts new alerts. The system's
 * write, as fk_alert_sweep: no audit row. FK_OK, FK_ENOMEM, FK_EDB with err. */
int fk_sentinel_alerts(fk_store *st, const fk_senb *b, enum fk_level by, int64_t day,
                       int64_t now, size_t *raised, char *err, size_t errlen);
/* ---- response timers (lib/action/incident.c, issue 17) ---- */

/* Records response event `event` (enum fk_inc_event: onsite, activated) of the case person at
 * `at` with note (NULL: none; at most 255 bytes of text without control characters), audited
 * (incident.event) in the same event batch. The actor needs FK_PERM_CONTROL, and the case's grid
 * must lie in its scope (else FK_ENOENT as for an unknown person, so ID numbers cannot be
 * probed). FK_OK (*did, may be NULL: new, same or updated note), FK_EPERM, FK_ENOENT (no such
 * person, or not a case: err says which), FK_EINVAL (an unknown event, at before the case's start
 * (reported, else confirmed), a bad note), FK_EDB. Not thread-safe on one store connection. */
int fk_incident_event_add(fk_store *st, const struct fk_actor *actor, int64_t person, int event,
                          int64_t at, const char *note, enum fk_put *did, char *err,
                          size_t errlen);

/* ---- closed-loop transfers (lib/action/transfer.c, issue 18) ---- */

/* Records event `event` (enum fk_transfer_event: picked_up, handed_over) of transfer task `task`
 * at `at` for the persons named (npersons dense ids in persons), or for all the task's persons
 * when npersons is 0; audited (transfer.event, one row a person) in the same event batch. The
 * actor needs FK_PERM_CONTROL; each person's grid must lie in its scope: a task with none of its
 * persons in scope is FK_ENOENT as an unknown task, a named person outside it or not in the task
 * FK_ENOENT, and "all" over a task with persons outside the scope FK_EPERM. Every person is
 * checked before anything is written: a hand-over with no pick-up, or before it, is FK_EINVAL; a
 * second pick-up (or hand-over) at another time than the recorded one is FK_ECONFLICT; the same
 * time again changes nothing. *recorded (may be NULL) receives how many persons' rows changed.
 * FK_OK, FK_EPERM, FK_ENOENT, FK_EINVAL, FK_ECONFLICT, FK_EDB, FK_ENOMEM, with err. Not
 * thread-safe on one store connection. */
int fk_transfer_event(fk_store *st, const struct fk_actor *actor, const char *task, int event,
                      int64_t at, const int64_t *persons, size_t npersons, size_t *recorded,
                      char *err, size_t errlen);
/* ---- risk zones (lib/action/zone.c, issue 18) ---- */

/* Declares risk zone `name` (1 to 63 bytes of text) at `level` (enum fk_zone_level) over regions
 * (region codes separated by ',' or ';', each known and below the city) at `at`, with reason
 * (NULL: none; at most 255 bytes without control characters): the zone's row and the first row
 * of its history (zone_changes: at, level, the actor, the reason) and the audit row
 * (zone.declare), in one control batch (the control index follows a zone's residents). The actor
 * needs FK_PERM_CONTROL (FK_EPERM), and every region must lie inside its scope (FK_EPERM "region
 * CODE is outside your scope SCOPE"). FK_EINVAL: an unknown level, no region, an unknown region
 * ("unknown region CODE (import regions first)"), a city or above, a bad name or reason;
 * FK_ECONFLICT: the name is taken. A region also in an active zone (at `at`) of another level is
 * accepted (the stricter level applies to it): one line for each such region into notes
 * (noteslen bytes, may be NULL), "region R is also in lockdown zone Z; the stricter level
 * applies". Nothing is written on any failure. */
int fk_zone_declare(fk_store *st, const struct fk_actor *actor, const char *name, int level,
                    const char *regions, int64_t at, const char *reason, char *notes,
                    size_t noteslen, char *err, size_t errlen);
/* Changes zone `name` to `level` at `at` (its history gains the change; the row its level),
 * audited (zone.change) in one control batch. FK_ENOENT "no zone NAME" for an unknown zone or one
 * none of whose regions touches the actor's scope; FK_EPERM when the role may not or a region of
 * the zone lies outside the scope; FK_ECONFLICT when the zone is lifted at `at` ("zone Z was
 * lifted at T") or already at that level; FK_EINVAL: an unknown level, `at` before the zone's
 * present level began, a bad reason. notes as fk_zone_declare. */
int fk_zone_change(fk_store *st, const struct fk_actor *actor, const char *name, int level,
                   int64_t at, const char *reason, char *notes, size_t noteslen, char *err,
                   size_t errlen);
/* Lifts zone `name` at `at` (解封: the row's lifted time, a history row of level lifted), audited
 * (zone.lift) in one control batch. Codes as fk_zone_change; FK_ECONFLICT for a zone already
 * lifted. */
int fk_zone_lift(fk_store *st, const struct fk_actor *actor, const char *name, int64_t at,
                 const char *reason, char *err, size_t errlen);

/* ---- vaccination (lib/action/vaccination.c, issue 16) ---- */

/* Records that the catch-up list of community region (its residents 12 and over without a full
 * course at now, by v, borrowed) was pushed (点对点推送) at now by the actor, with its members,
 * so the page can say how many of them were vaccinated since; audited (vaccination.push). Needs
 * FK_PERM_CONTROL (FK_EPERM); a region that is not a community is FK_EINVAL; one outside the
 * actor's scope or unknown is FK_ENOENT, "unknown region CODE", alike. *members (may be NULL)
 * receives how many the list held, *id (may be NULL) the push's id. */
int fk_vax_push(fk_store *st, const struct fk_actor *actor, fk_vax *v, const char *region,
                int64_t now, size_t *members, int64_t *id, char *err, size_t errlen);

/* ---- supervision problems (lib/action/problem.c, issue 17) ---- */

/* Moves problem id to state `to` at time at, with note (may be empty but for closing and
 * reopening): open -> rectifying -> closed, rectifying -> open, closed -> open (fk/problem.h).
 * Closing sets the closed time to at and the note; reopening clears the closed time. One history
 * row (fk_store_add_problem_change) and the audit row (problem.status) in the same batch. Needs
 * FK_PERM_CONTROL (FK_EPERM); the problem's region must lie inside the actor's scope before and
 * after the change (it does not move), else FK_ENOENT "no problem ID", as for an unknown one, so
 * codes cannot be probed. A change the rules refuse is FK_ECONFLICT (not legal from the state it
 * is in) or FK_EINVAL (a note missing, at before it was found), err in a clerk's words (the
 * catalogue's problem.* messages). Thread-safe per store handle. */
int fk_problem_set_status(fk_store *st, const struct fk_actor *actor, const char *id, int to,
                          const char *note, int64_t at, char *err, size_t errlen);

/* ---- gate checks (lib/action/gate.c, issue 18) ---- */

/* Adds the n gate-check counts in rows (fk/gate_tally.h) to the store's, in one events batch (no
 * generation moves: counts feed no index) with one audit row (gate.counts: how many checks of how
 * many gates, by colour). A gate account adds only its own counts (a row of another gate is
 * FK_EPERM) in its own region; an account that manages users, or the local administrator (and
 * the server, as it), adds anyone's. FK_OK (n 0 writes nothing), FK_EPERM, FK_EINVAL (a row's
 * type out of range or a negative count), FK_EDB. */
int fk_gate_counts_add(fk_store *st, const struct fk_actor *actor,
                       const struct fk_gate_count_row *rows, size_t n, char *err, size_t errlen);

/* ---- moving a city between stores (fangkong migrate, issue 20) ---- */

/* A table as fk_store_migrate moved it: its rows and the checksum of their values, the same read
 * from the source and back from the target. */
struct fk_migrate_table {
    const char *name; /* static storage */
    int64_t rows;
    uint64_t sum;
};

/* Copies every table of fk_store_tables from the store from into the store to, which must hold
 * nothing (FK_ECONFLICT naming the table that holds rows), keeping ids, a batch every 50 000
 * rows; then reads each table back from to and compares its rows and checksum with what from
 * gave (FK_EDB naming the table when they differ). The last batch adds an audit row
 * (store.migrate) to to. Only the local administrator or an admin account (FK_EPERM). prog (may
 * be NULL) shows a stage a table and the rows so far. out (cap entries) holds one entry a table
 * moved, *nout of them, also on failure (the tables verified before it). A failure leaves the
 * tables before it in to: move again into an empty store. FK_OK, or an FK_E* code with err. */
int fk_store_migrate(fk_store *from, fk_store *to, const struct fk_actor *actor,
                     struct fk_progress *prog, struct fk_migrate_table *out, size_t cap,
                     size_t *nout, char *err, size_t errlen);

/* ---- gatherings and citizen requests (lib/action/gathering.c, request.c, issue 21) ---- */

/* Records the sign-off of gathering `code` at `at`: signoff FK_GATHERING_SIGNOFF_APPROVED or
 * _REFUSED (fk/gathering.h), with note (may be NULL or empty; at most 1000 bytes), by the actor,
 * and the audit row (gathering.signoff) in one events batch. Only a gathering the profile's rule
 * sends for sign-off as of `at` (its place's zones on its day, fk/gathering_list.h) takes one:
 * FK_ECONFLICT "gathering G needs no sign-off: …" names the rule's decision and reason; a second
 * sign-off of the same decision is FK_ECONFLICT too (another decision replaces the first, both
 * audited). Needs FK_PERM_CONTROL (FK_EPERM); a gathering whose region lies outside the actor's
 * scope answers FK_ENOENT "no gathering G", as an unknown one. FK_EINVAL: a bad signoff or
 * note. e: the regions and their nesting. */
int fk_gathering_signoff(fk_store *st, const struct fk_actor *actor, const fk_engine *e,
                         const struct fk_profile *p, const char *code, int signoff,
                         const char *note, int64_t at, char *err, size_t errlen);

/* Assigns citizen request `number` to unit (1 to 255 bytes of text) at `at`, audited
 * (request.assign) in one events batch: open -> assigned. A request assigned already goes to
 * another unit (a reassignment keeps the first assignment's time, the deadline's measure; `at`
 * must not be before it); to the same unit at the same time it changes nothing (*wrote 0), at
 * another time it is FK_ECONFLICT. FK_ECONFLICT also for a resolved request; FK_EINVAL for `at`
 * before the request was received, or a bad unit. Needs FK_PERM_CONTROL (FK_EPERM); a request
 * whose region lies outside the actor's scope answers FK_ENOENT "no request N". *wrote (may be
 * NULL): 1 when the request changed. */
int fk_request_assign(fk_store *st, const struct fk_actor *actor, const char *number,
                      const char *unit, int64_t at, int *wrote, char *err, size_t errlen);
/* Resolves request `number` at `at` with note (may be NULL; at most 1000 bytes), audited
 * (request.resolve) in one events batch: assigned -> resolved. FK_EINVAL for a request not
 * assigned yet ("resolved before it was assigned": assign it first) or `at` before its
 * assignment; a resolved request at the same time changes nothing (*wrote 0), at another time it
 * is FK_ECONFLICT. Role and scope as fk_request_assign. */
int fk_request_resolve(fk_store *st, const struct fk_actor *actor, const char *number,
                       const char *note, int64_t at, int *wrote, char *err, size_t errlen);

#endif
