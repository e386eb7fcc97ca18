/* SPDX-License-Identifier: MIT */
/* Sentinel alerts (see fk/action.h): one alert per region, kind and day whose board cell fires,
 * raised by `fangkong sentinel alerts` and by the server after a sentinel import. Like the door
 * sweep, it is the system's write: the alert carries its time, no audit row. */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/regime.h"
#include "fk/sentinel.h"
#include "fk/time.h"
#include "fk/vec.h"

struct firing {
    char device[FK_REGION_CODE_MAX + 24];
    char detail[400];
};

struct collect {
    struct firing *f;
    size_t n, cap;
};

static int collect_firing(void *ud, const struct fk_senb_cell *c)
{
    struct collect *co = ud;
    struct firing *f;
    char where[300], date[16], count[24], mean[32], sd[32], rows[24];

    if (c->v.fires == FK_SEN_QUIET)
        return 0;
    if (fk_vec_grow((void **)&co->f, &co->cap, co->n + 1, sizeof *co->f) != FK_OK)
        return FK_ENOMEM;
    f = &co->f[co->n++];
    snprintf(f->device, sizeof f->device, "%s/%s", c->region, fk_sen_kind_name(c->kind));
    snprintf(where, sizeof where, "%s (%s)", c->name, c->region);
    fk_date_render(c->day * 86400, date);
    snprintf(count, sizeof count, "%lld", (long long)c->v.count);
    snprintf(rows, sizeof rows, "%lld", (long long)c->rows);
    if (c->v.baseline) {
        snprintf(mean, sizeof mean, "%.2f", c->v.mean);
        snprintf(sd, sizeof sd, "%.2f", c->v.sd);
    } else {
        snprintf(mean, sizeof mean, "-");
        snprintf(sd, sizeof sd, "-");
    }
    fk_msg_render(f->detail, sizeof f->detail, FK_MSG_ALERT_SENTINEL, fk_sen_kind_name(c->kind),
                  where, date, count, fk_sen_fires_name(c->v.fires), mean, sd, rows);
    return 0;
}

int fk_sentinel_alerts(fk_store *st, const fk_senb *b, enum fk_level by, int64_t day,
                       int64_t now, size_t *raised, char *err, size_t errlen)
{
    struct collect co = {NULL, 0, 0};
    size_t i;
    int rc, in_batch = 0;

    *raised = 0;
    rc = fk_senb_each(b, NULL, by, day, collect_firing, &co);
    if (rc == FK_OK && co.n) {
        rc = fk_store_begin_events(st);
        in_batch = rc == FK_OK;
    }
    for (i = 0; rc == FK_OK && i < co.n; i++) {
        struct fk_alert_row a;
        enum fk_put did;

        memset(&a, 0, sizeof a);
        a.kind = FK_ALERT_SENTINEL;
        a.person = 0;
        a.time = day * 86400 - FK_TZ_OFFSET;
        a.device = co.f[i].device;
        a.detail = co.f[i].detail;
        a.raised = now;
        rc = fk_store_add_alert(st, &a, &did);
        *raised += rc == FK_OK && did == FK_PUT_NEW;
    }
    if (rc == FK_OK && in_batch) {
        rc = fk_store_commit(st);
        in_batch = rc != FK_OK;
    }
    free(co.f);
    if (rc == FK_ENOMEM) {
        snprintf(err, errlen, "sentinel alerts: out of memory");
        if (in_batch)
            fk_store_rollback(st);
        *raised = 0;
        return rc;
    }
    if (rc != FK_OK)
        *raised = 0;
    return rc == FK_OK ? FK_OK : fk__fail(st, in_batch, rc, err, errlen);
}
