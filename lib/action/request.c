/* SPDX-License-Identifier: MIT */
/* A citizen request's assignment and resolution (fk/action.h, issue 21): open -> assigned ->
 * resolved, each audited. The request is read inside the batch that writes it, so two clerks at
 * once cannot both pass the checks on the same old row. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/request_list.h"
#include "fk/time.h"

/* Begins the events batch (*in_batch 1) and reads request number into *rows (one row), inside
 * the actor's scope: FK_OK, FK_ENOENT "no request N" (unknown, or outside), or the store's
 * code. */
static int find(fk_store *st, const struct fk_actor *actor, const char *number,
                struct fk_request_row **rows, size_t *n, int *in_batch, char *err, size_t errlen)
{
    int rc = fk_store_begin_events(st);

    if (rc != FK_OK)
        return rc;
    *in_batch = 1;
    rc = number && *number ? fk_request_load(st, number, rows, n) : FK_OK;
    if (rc == FK_OK && *n == 1)
        rc = fk__inside(st, actor, (*rows)[0].region);
    if (rc < 0)
        return rc;
    if (*n != 1 || rc == 0) {
        snprintf(err, errlen, "no request %s", number ? number : "");
        return FK_ENOENT;
    }
    return FK_OK;
}

/* Writes request r with unit, assigned, resolved and note as given, and its audit row; commits. */
static int put_request(fk_store *st, const struct fk_actor *actor, const struct fk_request_row *r,
                       const char *unit, int64_t assigned, int64_t resolved, const char *note,
                       const char *action, const char *detail)
{
    struct fk_record_value v[11];
    enum fk_put did;
    int rc;

    memset(v, 0, sizeof v);
    v[0].s = r->number;
    v[1].i = r->received;
    v[2].i = r->channel;
    v[3].s = r->phone;
    v[4].s = r->region;
    v[5].i = r->kind;
    v[6].s = r->text;
    v[7].s = unit;
    v[8].i = assigned;
    v[9].i = resolved;
    v[10].s = note;
    rc = fk_store_put_record(st, FK_IMPORT_REQUESTS, v, NULL, &did, NULL);
    if (rc == FK_OK)
        rc =
            fk__audit(st, actor, r->region, action, r->number, "request %s: %s", r->number, detail);
    return rc == FK_OK ? fk_store_commit(st) : rc;
}

/* What an assignment or a resolution makes of a request: its new unit, times and note, and the
 * audit row's words; same 1 when it changes nothing (the same event again). */
struct change {
    const char *unit, *note;
    int64_t assigned, resolved;
    char detail[1200];
    int same;
};

/* Checks an assignment of r to unit at `at` into *c: FK_OK, or a refusal with err. */
static int judge_assign(const struct fk_request_row *r, const char *unit, int64_t at,
                        struct change *c, char *err, size_t errlen)
{
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];

    if (r->resolved) {
        snprintf(err, errlen, "request %s was resolved at %s already", r->number,
                 fk_time_render(r->resolved, a));
        return FK_ECONFLICT;
    }
    if (at < r->received) {
        snprintf(err, errlen, "an assignment at %s is before the request was received at %s",
                 fk_time_render(at, a), fk_time_render(r->received, b));
        return FK_EINVAL;
    }
    if (r->assigned && strcmp(r->unit, unit) == 0) {
        c->same = 1;
        if (r->assigned == at)
            return FK_OK;
        snprintf(err, errlen, "request %s was assigned to %s at %s already", r->number, r->unit,
                 fk_time_render(r->assigned, a));
        return FK_ECONFLICT;
    }
    if (r->assigned && at < r->assigned) {
        snprintf(err, errlen, "a reassignment at %s is before the assignment at %s",
                 fk_time_render(at, a), fk_time_render(r->assigned, b));
        return FK_EINVAL;
    }
    if (r->assigned)
        snprintf(c->detail, sizeof c->detail, "reassigned from %s to %s at %s", r->unit, unit,
                 fk_time_render(at, a));
    else
        snprintf(c->detail, sizeof c->detail, "assigned to %s at %s", unit, fk_time_render(at, a));
    c->unit = unit;
    c->assigned = r->assigned ? r->assigned : at; /* a reassignment keeps the first time */
    c->resolved = 0;
    c->note = r->note;
    return FK_OK;
}

/* Checks a resolution of r at `at` with note into *c: FK_OK, or a refusal with err. */
static int judge_resolve(const struct fk_request_row *r, const char *note, int64_t at,
                         struct change *c, char *err, size_t errlen)
{
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];

    if (!r->assigned) {
        snprintf(err, errlen,
                 "request %s is not assigned: it cannot be resolved before it is assigned "
                 "(assign it first)",
                 r->number);
        return FK_EINVAL;
    }
    if (at < r->assigned) {
        snprintf(err, errlen, "a resolution at %s is before the assignment at %s",
                 fk_time_render(at, a), fk_time_render(r->assigned, b));
        return FK_EINVAL;
    }
    if (r->resolved) {
        c->same = 1;
        if (r->resolved == at)
            return FK_OK;
        snprintf(err, errlen, "request %s was resolved at %s already", r->number,
                 fk_time_render(r->resolved, a));
        return FK_ECONFLICT;
    }
    snprintf(c->detail, sizeof c->detail, "resolved by %s at %s%s%s", r->unit,
             fk_time_render(at, a), *note ? ": " : "", note);
    c->unit = r->unit;
    c->assigned = r->assigned;
    c->resolved = at;
    c->note = *note ? note : r->note;
    return FK_OK;
}

/* fk_request_assign (assign 1, text the unit) and fk_request_resolve (text the note). */
static int move_on(fk_store *st, const struct fk_actor *actor, const char *number, int assign,
                   const char *text, int64_t at, int *wrote, char *err, size_t errlen)
{
    struct fk_request_row *rows = NULL;
    struct change c;
    size_t n = 0;
    int rc, in_batch = 0;

    if (wrote)
        *wrote = 0;
    memset(&c, 0, sizeof c);
    rc = fk__may(actor, FK_PERM_CONTROL,
                 assign ? "assign citizen requests" : "resolve citizen requests", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (assign && !fk__text_ok(text, 255, 1)) {
        snprintf(err, errlen, "a unit has 1 to 255 bytes and no control character");
        return FK_EINVAL;
    }
    if (!assign && !fk__text_ok(text, 1000, 0)) {
        snprintf(err, errlen, "the note is longer than 1000 bytes or holds a control character");
        return FK_EINVAL;
    }
    rc = find(st, actor, number, &rows, &n, &in_batch, err, errlen);
    if (rc == FK_OK)
        rc = assign ? judge_assign(&rows[0], text, at, &c, err, errlen)
                    : judge_resolve(&rows[0], text, at, &c, err, errlen);
    if (rc == FK_OK && !c.same) {
        rc = put_request(st, actor, &rows[0], c.unit, c.assigned, c.resolved, c.note,
                         assign ? "request.assign" : "request.resolve", c.detail);
        if (rc == FK_OK) {
            in_batch = 0;
            if (wrote)
                *wrote = 1;
        }
    }
    fk_request_rows_free(rows, n);
    if (rc != FK_OK)
        return fk__fail(st, in_batch, rc, err, errlen);
    if (in_batch) /* the same event again: nothing to write */
        fk_store_rollback(st);
    return FK_OK;
}

int fk_request_assign(fk_store *st, const struct fk_actor *actor, const char *number,
                      const char *unit, int64_t at, int *wrote, char *err, size_t errlen)
{
    return move_on(st, actor, number, 1, unit ? unit : "", at, wrote, err, errlen);
}

int fk_request_resolve(fk_store *st, const struct fk_actor *actor, const char *number,
                       const char *note, int64_t at, int *wrote, char *err, size_t errlen)
{
    return move_on(st, actor, number, 0, note ? note : "", at, wrote, err, errlen);
}
