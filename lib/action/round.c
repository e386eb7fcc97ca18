/* SPDX-License-Identifier: MIT */
/* Round actions (see fk/action.h): create a screening round over a region. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/time.h"

int fk_round_add(fk_store *st, const struct fk_actor *actor, struct fk_round *r, char *err,
                 size_t errlen)
{
    char s[FK_TIME_RENDER_MAX], e[FK_TIME_RENDER_MAX];
    struct fk_region_row reg;
    int rc = fk__may(actor, FK_PERM_ROUNDS, "create screening rounds", err, errlen);

    if (rc != FK_OK)
        return rc;
    if (fk_round_check(r, err, errlen) != FK_OK)
        return FK_EINVAL;
    rc = fk_store_get_region(st, r->region, &reg);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "unknown region %s (import regions first)", r->region);
        return FK_EINVAL;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    if (fk__inside(st, actor, r->region) != 1) {
        snprintf(err, errlen, "region %s is outside your scope %s", r->region, actor->scope);
        return FK_EPERM;
    }
    rc = fk_store_begin(st);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    rc = fk_store_add_round(st, r);
    if (rc == FK_ECONFLICT) {
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
        return fk__fail(st, 1, rc, err, errlen);
    }
    /* The row is about the round's region, whoever creates it. */
    if (rc == FK_OK)
        rc = fk__audit(st, actor, r->region, "round.create", r->name, "region=%s start=%s end=%s",
                       r->region, fk_time_render(r->start, s), fk_time_render(r->end, e));
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}
