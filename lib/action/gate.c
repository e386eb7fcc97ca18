/* SPDX-License-Identifier: MIT */
/* Gate-check counts into the store (fk/action.h): what a server or a gate's offline upload
 * counted, per gate, hour and colour, added in one batch with its audit row. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/gate.h"

int fk_gate_counts_add(fk_store *st, const struct fk_actor *actor,
                       const struct fk_gate_count_row *rows, size_t n, char *err, size_t errlen)
{
    int64_t sum[4] = {0, 0, 0, 0};
    size_t i, gates = 0;
    int rc, k, anyone = !actor->scope || fk_role_can(actor->role, FK_PERM_USERS);

    rc = fk__may(actor, FK_PERM_GATE, "record gate checks", err, errlen);
    if (rc != FK_OK || n == 0)
        return rc;
    for (i = 0; i < n; i++) {
        if (rows[i].type < 0 || rows[i].type >= FK_GATE_NTYPES) {
            snprintf(err, errlen, "gate type %d is not scenic, station or other", rows[i].type);
            return FK_EINVAL;
        }
        for (k = 0; k < 4; k++) {
            if (rows[i].n[k] < 0) {
                snprintf(err, errlen, "a count of gate %s is negative", rows[i].gate);
                return FK_EINVAL;
            }
            sum[k] += rows[i].n[k];
        }
        if (!anyone && strcmp(rows[i].gate, actor->name) != 0) {
            snprintf(err, errlen, "a gate account records only its own checks, not gate %s's",
                     rows[i].gate);
            return FK_EPERM;
        }
        if (i == 0 || strcmp(rows[i].gate, rows[i - 1].gate) != 0)
            gates++;
    }
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct fk_gate_count_row r = rows[i];

        if (!anyone) /* a gate account counts where it stands */
            r.scope = actor->scope;
        rc = fk_store_add_gate_count(st, &r);
    }
    if (rc == FK_OK)
        rc = fk__audit(st, actor, NULL, "gate.counts", n == 1 ? rows[0].gate : "",
                       "%lld checks in %zu rows of %s%zu gate(s): %lld green, %lld yellow, %lld "
                       "red, %lld bad ID",
                       (long long)(sum[0] + sum[1] + sum[2] + sum[3]), n, gates > 1 ? "up to " : "",
                       gates, (long long)sum[0], (long long)sum[1], (long long)sum[2],
                       (long long)sum[3]);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    if (rc != FK_OK)
        return fk__fail(st, 1, rc, err, errlen);
    return FK_OK;
}
