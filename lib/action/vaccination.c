/* SPDX-License-Identifier: MIT */
/* The vaccination write (fk/action.h): a community's catch-up list pushed, with its members, in
 * one event batch with its audit row. The list itself is the index's (fk/vaccination.h). */
#include "fk/action.h"

#include <stdio.h>
#include <stdlib.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/region.h"

int fk_vax_push(fk_store *st, const struct fk_actor *actor, fk_vax *v, const char *region,
                int64_t now, size_t *members, int64_t *id, char *err, size_t errlen)
{
    const fk_engine *e = fk_vax_engine(v);
    int64_t *pids = NULL, pid = 0;
    size_t n = 0;
    int32_t glo, ghi;
    enum fk_level lv;
    const char *name;
    int rc, in_batch = 0;

    if (members)
        *members = 0;
    if (id)
        *id = 0;
    rc = fk__may(actor, FK_PERM_CONTROL, "push catch-up lists", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (!region || fk_engine_region_info(e, region, &glo, &ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", region ? region : "");
        return FK_ENOENT;
    }
    rc = fk__inside(st, actor, region);
    if (rc < 0)
        return fk__fail(st, 0, rc, err, errlen);
    if (rc == 0) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    if (lv != FK_LEVEL_COMMUNITY) {
        snprintf(err, errlen, "region %s is a %s: a catch-up list is pushed to a community", region,
                 fk_level_name(lv));
        return FK_EINVAL;
    }
    rc = fk_vax_catchup_members(v, region, now, &pids, &n, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        goto out;
    in_batch = 1;
    rc = fk_store_add_vax_push(st, region, now, actor ? actor->name : "", pids, n, &pid);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, region, "vaccination.push", region,
                       "the catch-up list of %s (%s) with %zu residents", name, region, n);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    in_batch = rc != FK_OK;
out:
    free(pids);
    if (rc != FK_OK)
        return fk__fail(st, in_batch, rc, err, errlen);
    if (members)
        *members = n;
    if (id)
        *id = pid;
    return FK_OK;
}
