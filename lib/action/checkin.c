/* SPDX-License-Identifier: MIT */
/* Check-in alerts (issue 18, see fk/action.h): the missed check-in windows that only time
 * reveals, raised by the alert sweep as door sensors gone silent are. A fever's alert is raised by
 * the import, in the check-in's own batch (lib/ingest/ingest.c). */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/checkins.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/regime.h"
#include "fk/time.h"
#include "fk/vec.h"

struct missed {
    int64_t person, from, to;
};

struct missed_list {
    struct missed *rows;
    size_t n, cap;
};

static int collect_missed(void *ud, int64_t person, int64_t from, int64_t to)
{
    struct missed_list *l = ud;

    if (fk_vec_grow((void **)&l->rows, &l->cap, l->n + 1, sizeof *l->rows) != FK_OK)
        return FK_ENOMEM;
    l->rows[l->n++] = (struct missed){person, from, to};
    return 0;
}

int fk_checkin_alerts(fk_store *st, const struct fk_profile *p, int64_t now, size_t *raised,
                      char *err, size_t errlen)
{
    struct missed_list l = {NULL, 0, 0};
    fk_checkins *b = NULL;
    int64_t n = 0;
    size_t i;
    int rc, in_batch = 0;

    *raised = 0;
    rc = fk_store_count(st, "checkins", &n);
    if (rc != FK_OK || n == 0) /* check-ins have not begun: nobody missed one */
        return rc == FK_OK ? FK_OK : fk__fail(st, 0, rc, err, errlen);
    rc = fk_checkins_build(st, NULL, p, &b, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_checkins_each_missed(b, now, collect_missed, &l);
    if (rc == FK_OK && l.n) {
        rc = fk_store_begin_events(st);
        in_batch = rc == FK_OK;
    }
    for (i = 0; rc == FK_OK && i < l.n; i++) {
        struct fk_alert_row a;
        char detail[160], from[FK_TIME_RENDER_MAX], to[FK_TIME_RENDER_MAX];
        enum fk_put did;

        memset(&a, 0, sizeof a);
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_CHECKIN_MISSED,
                      fk_time_render(l.rows[i].from, from), fk_time_render(l.rows[i].to, to));
        a.kind = FK_ALERT_CHECKIN_MISSED;
        a.person = l.rows[i].person;
        a.time = l.rows[i].from;
        a.device = "";
        a.detail = detail;
        a.raised = now;
        rc = fk_store_add_alert(st, &a, &did);
        *raised += rc == FK_OK && did == FK_PUT_NEW;
    }
    if (rc == FK_OK && in_batch) {
        rc = fk_store_commit(st);
        in_batch = rc != FK_OK;
    }
    free(l.rows);
    fk_checkins_free(b);
    if (rc == FK_ENOMEM) {
        snprintf(err, errlen, "checkin alerts: out of memory");
        if (in_batch)
            fk_store_rollback(st);
        *raised = 0;
        return rc;
    }
    if (rc != FK_OK)
        *raised = 0;
    return rc == FK_OK ? FK_OK : fk__fail(st, in_batch, rc, err, errlen);
}
