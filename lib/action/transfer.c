/* SPDX-License-Identifier: MIT */
/* The closed-loop transfer write (fk/action.h): a task's picked_up or handed_over event for some
 * or all of its persons, checked person by person (a hand-over needs a pick-up at or before it;
 * a recorded time is not silently replaced by another) before anything is written, then written
 * and audited, one row a person, in the same event batch (no in-memory index holds transfers). */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/time.h"
#include "fk/transfer.h"
#include "fk/vec.h"

/* One person of the task as stored: the row's values, its texts copied into text. */
struct trow {
    struct fk_record_value v[11];
    char text[6][256]; /* task, from, to, vehicle, escort, and the ID number */
    char grid[FK_REGION_CODE_MAX];
    int chosen, write;
};

struct tload {
    struct trow *r;
    size_t n, cap;
};

static int on_row(void *ud, const struct fk_record_value *v, size_t n)
{
    static const int texts[5] = {FK_TRANSFER_V_TASK, FK_TRANSFER_V_FROM, FK_TRANSFER_V_TO,
                                 FK_TRANSFER_V_VEHICLE, FK_TRANSFER_V_ESCORT};
    /* The store fields (task, person, from_kind, from, to_kind, to, vehicle, escort, planned,
     * picked_up, handed_over) from the walk's values. */
    static const int field_of[11] = {
        FK_TRANSFER_V_TASK,      FK_TRANSFER_V_PERSON,     FK_TRANSFER_V_FROM_KIND,
        FK_TRANSFER_V_FROM,      FK_TRANSFER_V_TO_KIND,    FK_TRANSFER_V_TO,
        FK_TRANSFER_V_VEHICLE,   FK_TRANSFER_V_ESCORT,     FK_TRANSFER_V_PLANNED,
        FK_TRANSFER_V_PICKED_UP, FK_TRANSFER_V_HANDED_OVER};
    struct tload *l = ud;
    struct trow *r;
    int k, j;

    if (n < FK_TRANSFER_NVALUES)
        return FK_OK;
    if (fk_vec_grow((void **)&l->r, &l->cap, l->n + 1, sizeof *l->r) != FK_OK)
        return FK_ENOMEM;
    r = &l->r[l->n++];
    memset(r, 0, sizeof *r);
    for (k = 0; k < 11; k++)
        r->v[k].i = v[field_of[k]].i;
    for (j = 0; j < 5; j++) {
        snprintf(r->text[j], sizeof r->text[j], "%s", v[texts[j]].s ? v[texts[j]].s : "");
        for (k = 0; k < 11; k++)
            if (field_of[k] == texts[j])
                r->v[k].s = r->text[j];
    }
    snprintf(r->text[5], sizeof r->text[5], "%s",
             v[FK_TRANSFER_V_ID_NUMBER].s ? v[FK_TRANSFER_V_ID_NUMBER].s : "");
    snprintf(r->grid, sizeof r->grid, "%s", v[FK_TRANSFER_V_GRID].s ? v[FK_TRANSFER_V_GRID].s : "");
    return FK_OK;
}

/* Chooses the rows the event is for: the persons named, each of the task and in the actor's
 * scope, or all the task's persons when none is named (all must be in the scope). */
static int choose(fk_store *st, const struct fk_actor *actor, const char *task, struct tload *l,
                  const int64_t *persons, size_t npersons, char *err, size_t errlen)
{
    size_t i, j, inside = 0;
    int in;

    for (i = 0; i < l->n; i++) {
        in = fk__inside(st, actor, l->r[i].grid);
        if (in < 0)
            return fk__fail(st, 0, in, err, errlen);
        l->r[i].chosen = in ? 1 : -1; /* -1: outside the scope */
        inside += in == 1;
    }
    if (!inside) {
        /* As an unknown task, so codes cannot be probed. */
        snprintf(err, errlen, "no transfer task %s", task);
        return FK_ENOENT;
    }
    if (npersons == 0) {
        if (inside < l->n) {
            snprintf(err, errlen,
                     "task %s has persons outside your scope: name yours with --person", task);
            return FK_EPERM;
        }
        return FK_OK;
    }
    for (i = 0; i < l->n; i++)
        l->r[i].chosen = l->r[i].chosen == 1 ? 0 : -1;
    for (j = 0; j < npersons; j++) {
        for (i = 0; i < l->n; i++)
            if (l->r[i].v[1].i == persons[j] && l->r[i].chosen >= 0)
                break;
        if (i == l->n) {
            char idn[64];
            int rc = fk__person_names(st, persons[j], idn, sizeof idn, NULL);

            if (rc != FK_OK)
                return fk__fail(st, 0, rc, err, errlen);
            snprintf(err, errlen, "%s is not in transfer task %s", idn, task);
            return FK_ENOENT;
        }
        l->r[i].chosen = 1;
    }
    for (i = 0; i < l->n; i++)
        if (l->r[i].chosen < 0)
            l->r[i].chosen = 0;
    return FK_OK;
}

/* Checks event at `at` against row r's times; sets r->write when it changes the row. */
static int check(struct trow *r, int event, int64_t at, char *err, size_t errlen)
{
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    int64_t pu = r->v[9].i, ho = r->v[10].i;
    const char *idn = r->text[5];

    if (event == FK_TRANSFER_PICKED_UP) {
        if (pu && pu != at) {
            snprintf(err, errlen, "%s was picked up at %s already, not at %s", idn,
                     fk_time_render(pu, a), fk_time_render(at, b));
            return FK_ECONFLICT;
        }
        if (ho && ho < at) {
            snprintf(err, errlen, "%s was handed over at %s, before a pick-up at %s", idn,
                     fk_time_render(ho, a), fk_time_render(at, b));
            return FK_EINVAL;
        }
        r->write = pu != at;
        r->v[9].i = at;
        return FK_OK;
    }
    if (!pu) {
        snprintf(err, errlen, "%s has no pick-up: record picked_up first", idn);
        return FK_EINVAL;
    }
    if (fk_transfer_check(pu, at) == FK_TRANSFER_BEFORE_PICKUP) {
        snprintf(err, errlen, "a hand-over of %s at %s is before the pick-up at %s", idn,
                 fk_time_render(at, a), fk_time_render(pu, b));
        return FK_EINVAL;
    }
    if (ho && ho != at) {
        snprintf(err, errlen, "%s was handed over at %s already, not at %s", idn,
                 fk_time_render(ho, a), fk_time_render(at, b));
        return FK_ECONFLICT;
    }
    r->write = ho != at;
    r->v[10].i = at;
    return FK_OK;
}

int fk_transfer_event(fk_store *st, const struct fk_actor *actor, const char *task, int event,
                      int64_t at, const int64_t *persons, size_t npersons, size_t *recorded,
                      char *err, size_t errlen)
{
    struct tload l = {NULL, 0, 0};
    char when[FK_TIME_RENDER_MAX];
    size_t i, done = 0;
    enum fk_put did;
    int rc, in_batch = 0;

    if (recorded)
        *recorded = 0;
    rc = fk__may(actor, FK_PERM_CONTROL, "record transfer events", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (event < 0 || event >= FK_TRANSFER_NEVENTS) {
        snprintf(err, errlen, "event %d is not picked_up or handed_over", event);
        return FK_EINVAL;
    }
    if (!task || !task[0]) {
        snprintf(err, errlen, "no transfer task named");
        return FK_EINVAL;
    }
    if (at <= 0) {
        snprintf(err, errlen, "the event needs a time");
        return FK_EINVAL;
    }
    rc = fk_store_each_transfer(st, task, -1, on_row, &l);
    if (rc != FK_OK) {
        rc = fk__fail(st, 0, rc, err, errlen);
        goto out;
    }
    if (l.n == 0) {
        snprintf(err, errlen, "no transfer task %s", task);
        rc = FK_ENOENT;
        goto out;
    }
    rc = choose(st, actor, task, &l, persons, npersons, err, errlen);
    for (i = 0; rc == FK_OK && i < l.n; i++)
        if (l.r[i].chosen)
            rc = check(&l.r[i], event, at, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = fk_store_begin_events(st);
    if (rc != FK_OK) {
        rc = fk__fail(st, 0, rc, err, errlen);
        goto out;
    }
    in_batch = 1;
    for (i = 0; rc == FK_OK && i < l.n; i++) {
        if (!l.r[i].chosen || !l.r[i].write)
            continue;
        rc = fk_store_put_record(st, FK_IMPORT_TRANSFERS, l.r[i].v, NULL, &did, NULL);
        /* The row is about the person's grid, for an account; the local administrator's are
         * not. */
        if (rc == FK_OK)
            rc = fk__audit(st, actor, actor && actor->scope ? l.r[i].grid : NULL, "transfer.event",
                           l.r[i].text[5], "task %s %s at %s", task, fk_transfer_event_name(event),
                           fk_time_render(at, when));
        done += rc == FK_OK;
    }
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    if (rc != FK_OK) {
        rc = fk__fail(st, in_batch, rc, err, errlen);
        goto out;
    }
    if (recorded)
        *recorded = done;
out:
    free(l.r);
    return rc;
}
