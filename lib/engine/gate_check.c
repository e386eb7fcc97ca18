/* SPDX-License-Identifier: MIT */
/* Gate checks over the data (fk/gate_check.h): one person's samples from the engine's per-person
 * index, their orders from the store. */
#include "fk/gate_check.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/screening.h"
#include "fk/zones.h"

struct open_walk {
    int64_t now;
    int open;
};

static int on_order(void *ud, const struct fk_control_row *c)
{
    struct open_walk *w = ud;

    if (c->start <= w->now && (c->end == 0 || c->end > w->now))
        w->open = 1;
    return 0;
}

/* Risk zones (issue 18): lockdown when the person's grid lies in a lockdown zone active at now. */
static int zone_facts(fk_store *st, fk_engine *e, int64_t pid, int64_t now,
                      struct fk_gate_facts *out)
{
    int level = -1;
    int rc = fk_zone_grid_level(st, e, fk_engine_person_grid(e, pid), now, &level);

    out->lockdown = rc == FK_OK && level == FK_ZONE_LOCKDOWN;
    return rc;
}

int fk_gate_facts_of(fk_store *st, fk_engine *e, const char *id_number, int64_t now,
                     struct fk_gate_facts *out)
{
    struct fk_person_sample few[16], *s = few;
    struct open_walk w = {now, 0};
    struct fk_case_row kase;
    int64_t pid;
    size_t n, i;
    int rc;

    memset(out, 0, sizeof *out);
    rc = fk_store_find_person(st, id_number, &pid);
    if (rc == FK_ENOENT)
        return FK_OK;
    if (rc != FK_OK)
        return rc;
    if (fk_engine_person_index(e) != FK_OK)
        return FK_ENOMEM;
    n = fk_engine_person_samples(e, pid, few, sizeof few / sizeof few[0]);
    if (n > sizeof few / sizeof few[0]) { /* a person sampled more often than most */
        s = malloc(n * sizeof *s);
        if (!s)
            return FK_ENOMEM;
        n = fk_engine_person_samples(e, pid, s, n);
    }
    for (i = 0; i < n; i++) {
        if (s[i].result < 0 || s[i].rtime > now || s[i].time > now)
            continue;
        if (s[i].result == FK_RESULT_POSITIVE && s[i].rtime > out->positive)
            out->positive = s[i].rtime;
        else if (s[i].result == FK_RESULT_NEGATIVE && s[i].time > out->negative)
            out->negative = s[i].time;
    }
    if (s != few)
        free(s);
    /* a case (confirmed or asymptomatic) is positive from its confirmation, whatever the
     * samples the engine holds say */
    rc = fk_store_get_case(st, pid, &kase);
    if (rc == FK_OK && kase.confirmed <= now && kase.confirmed > out->positive)
        out->positive = kase.confirmed;
    if (rc != FK_OK && rc != FK_ENOENT)
        return rc;
    rc = fk_store_each_control(st, pid, on_order, &w);
    out->controlled = w.open;
    if (rc == FK_OK)
        rc = zone_facts(st, e, pid, now, out);
    return rc;
}
