/* SPDX-License-Identifier: MIT */
/* The supervision problem's state change (fk/action.h): the rectification loop of 督查问题清单.
 * The problem is read inside the batch that writes it, so two clerks changing it at once cannot
 * both pass the transition check on the same old state. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/problem.h"
#include "fk/problem_list.h"
#include "fk/time.h"

int fk_problem_set_status(fk_store *st, const struct fk_actor *actor, const char *id, int to,
                          const char *note, int64_t at, char *err, size_t errlen)
{
    struct fk_problem_row *rows = NULL;
    struct fk_record_value v[10];
    struct fk_problem_change h;
    enum fk_problem_status from;
    enum fk_msg_id why;
    enum fk_put did;
    size_t n = 0;
    int rc, in_batch = 0;
    const char *nt = note ? note : "";

    rc = fk__may(actor, FK_PERM_CONTROL, "update supervision problems", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (to < 0 || to >= FK_PROBLEM_NSTATUS) {
        snprintf(err, errlen, "status must be open, rectifying or closed");
        return FK_EINVAL;
    }
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        goto out;
    in_batch = 1;
    rc = id && *id ? fk_problem_load(st, id, &rows, &n) : FK_OK;
    if (rc != FK_OK)
        goto out;
    if (n == 1) {
        rc = fk__inside(st, actor, rows[0].region);
        if (rc < 0)
            goto out;
    }
    if (n != 1 || rc == 0) {
        snprintf(err, errlen, "no problem %s", id ? id : "");
        rc = FK_ENOENT;
        goto out;
    }
    from = rows[0].status;
    if (fk_problem_transition(from, (enum fk_problem_status)to, strlen(nt), &why)) {
        fk_msg_render(err, errlen, why, fk_problem_status_name(from), fk_problem_status_name(to));
        rc = why == FK_MSG_PROBLEM_SAME || why == FK_MSG_PROBLEM_TRANSITION ? FK_ECONFLICT
                                                                            : FK_EINVAL;
        goto out;
    }
    if (at < rows[0].found) {
        char a[FK_TIME_RENDER_MAX], f[FK_TIME_RENDER_MAX];

        fk_msg_render(err, errlen, FK_MSG_PROBLEM_CLOSED_EARLY, fk_time_render(at, a),
                      fk_time_render(rows[0].found, f));
        rc = FK_EINVAL;
        goto out;
    }
    memset(v, 0, sizeof v);
    v[0].s = rows[0].id;
    v[1].i = rows[0].found;
    v[2].s = rows[0].region;
    v[3].s = rows[0].description;
    v[4].s = rows[0].unit;
    v[5].i = rows[0].deadline;
    v[6].i = to;
    v[7].i = to == FK_PROBLEM_CLOSED ? at : 0;
    v[8].s = rows[0].inspection;
    v[9].s = *nt ? nt : rows[0].note;
    rc = fk_store_put_record(st, FK_IMPORT_PROBLEMS, v, NULL, &did, NULL);
    if (rc != FK_OK)
        goto out;
    memset(&h, 0, sizeof h);
    h.problem = rows[0].id;
    h.time = at;
    h.user = actor && actor->name ? actor->name : "";
    h.from = (int)from;
    h.to = to;
    h.note = nt;
    rc = fk_store_add_problem_change(st, &h);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, rows[0].region, "problem.status", rows[0].id,
                       "problem %s: %s -> %s: %s", rows[0].id, fk_problem_status_name(from),
                       fk_problem_status_name(to), nt);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    in_batch = rc != FK_OK;
out:
    fk_problem_rows_free(rows, n);
    if (rc != FK_OK)
        return fk__fail(st, in_batch, rc, err, errlen);
    return FK_OK;
}
