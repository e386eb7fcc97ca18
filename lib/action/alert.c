/* SPDX-License-Identifier: MIT */
/* Alert actions (see fk/action.h): the sweep that raises the alerts only time reveals (a door
 * sensor gone silent), and acknowledging or closing an alert with the actor's note. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/regime.h"
#include "fk/vec.h"

struct silent {
    fk_store *st;
    const struct fk_profile *p;
    int64_t now;
    struct fk_door_row *rows;
    size_t n, cap;
};

static int collect_silent(void *ud, const struct fk_door_row *d)
{
    struct silent *s = ud;

    if (!fk_door_silent_too_long(s->p, d->time, s->now))
        return 0;
    if (fk_vec_grow((void **)&s->rows, &s->cap, s->n + 1, sizeof *s->rows) != FK_OK)
        return FK_ENOMEM;
    s->rows[s->n] = *d;
    s->rows[s->n].device = strdup(d->device);
    if (!s->rows[s->n].device)
        return FK_ENOMEM;
    s->n++;
    return 0;
}

/* Adds the missed check-in windows' alerts (issue 18) to the sweep's count. */
static int sweep_checkins(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised,
                          char *err, size_t errlen)
{
    size_t missed = 0;
    int rc = fk_checkin_alerts(st, p, now, &missed, err, errlen);

    *raised += missed;
    return rc;
}

int fk_alert_sweep(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised, char *err,
                   size_t errlen)
{
    struct silent s = {st, p, now, NULL, 0, 0};
    size_t i;
    int rc, in_batch = 0;

    *raised = 0;
    rc = fk_store_each_silent_device(st, now, collect_silent, &s);
    if (rc == FK_OK && s.n) {
        rc = fk_store_begin_events(st);
        in_batch = rc == FK_OK;
    }
    for (i = 0; rc == FK_OK && i < s.n; i++) {
        struct fk__open o;
        struct fk_alert_row a;
        char detail[160], mins[24];
        enum fk_put did;

        rc = fk__find_open(st, s.rows[i].person, &o);
        if (rc == FK_ENOENT || (rc == FK_OK && o.row.start > s.rows[i].time)) {
            rc = FK_OK;
            continue;
        }
        if (rc != FK_OK)
            break;
        memset(&a, 0, sizeof a);
        snprintf(mins, sizeof mins, "%lld", (long long)((now - s.rows[i].time) / 60));
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_SILENT, s.rows[i].device, mins);
        a.kind = FK_ALERT_DOOR_OFFLINE;
        a.person = s.rows[i].person;
        a.time = s.rows[i].time;
        a.device = s.rows[i].device;
        a.detail = detail;
        a.raised = now;
        rc = fk_store_add_alert(st, &a, &did);
        *raised += rc == FK_OK && did == FK_PUT_NEW;
    }
    if (rc == FK_OK && in_batch) {
        rc = fk_store_commit(st);
        in_batch = rc != FK_OK;
    }
    for (i = 0; i < s.n; i++)
        free((char *)s.rows[i].device);
    free(s.rows);
    if (rc == FK_ENOMEM) {
        snprintf(err, errlen, "alerts: out of memory");
        if (in_batch)
            fk_store_rollback(st);
        return rc;
    }
    if (rc != FK_OK) {
        *raised = 0;
        return fk__fail(st, in_batch, rc, err, errlen);
    }
    return sweep_checkins(st, p, now, raised, err, errlen);
}

int fk_alert_set(fk_store *st, const struct fk_actor *actor, fk_engine *e, int64_t id, int status,
                 const char *note, int64_t now, char *err, size_t errlen)
{
    struct fk_alert_row a;
    char idn[64];
    int rc, kind;

    rc = fk__may(actor, FK_PERM_CONTROL, "handle alerts", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (!note || !*note) {
        snprintf(err, errlen, "say what was done: a note is required");
        return FK_EINVAL;
    }
    if (status != FK_ALERT_ACKNOWLEDGED && status != FK_ALERT_CLOSED) {
        snprintf(err, errlen, "an alert can be acknowledged or closed");
        return FK_EINVAL;
    }
    rc = fk_store_get_alert(st, id, &a);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "no alert %lld", (long long)id);
        return rc;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    if (actor->scope && *actor->scope) {
        int32_t glo, ghi;
        enum fk_level lv;
        const char *name;

        if (fk_engine_region_info(e, actor->scope, &glo, &ghi, &lv, &name) != FK_OK ||
            !fk_alert_inside(e, &a, glo, ghi, lv <= FK_LEVEL_CITY)) {
            /* Answered as an unknown alert, so alert numbers cannot be probed. */
            snprintf(err, errlen, "no alert %lld", (long long)id);
            return FK_ENOENT;
        }
    }
    if (a.status == FK_ALERT_CLOSED) {
        snprintf(err, errlen, "alert %lld is closed already", (long long)id);
        return FK_ECONFLICT;
    }
    kind = a.kind; /* a is the store's until its next call */
    rc = fk__person_names(st, a.person, idn, sizeof idn, NULL);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    rc = fk_store_begin_events(st);
    if (rc == FK_OK)
        rc = fk_store_update_alert(st, id, status, actor->name, note, now);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, NULL, status == FK_ALERT_CLOSED ? "alert.close" : "alert.ack",
                       idn, "alert %lld (%s): %s", (long long)id,
                       fk_alert_kind_name((enum fk_alert_kind)kind), note);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}
