/* SPDX-License-Identifier: MIT */
/* The gathering's sign-off (fk/action.h, issue 21): an official approves or refuses a gathering
 * the profile's rule sends for sign-off. The gathering is read, and judged against the zones over
 * its place on its day as of the sign-off's time, inside the batch that writes it, so two
 * sign-offs at once cannot both pass on the same old row. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/gathering_list.h"
#include "fk/time.h"

int fk_gathering_signoff(fk_store *st, const struct fk_actor *actor, const fk_engine *e,
                         const struct fk_profile *p, const char *code, int signoff,
                         const char *note, int64_t at, char *err, size_t errlen)
{
    struct fk_gathering_row *rows = NULL, *g;
    struct fk_gathering_verdict v;
    struct fk_record_value val[13];
    struct fk_zone *z = NULL;
    char reason[300], when[FK_TIME_RENDER_MAX];
    const char *nt = note ? note : "", *zone = "", *who = actor->name ? actor->name : "";
    size_t n = 0, nz = 0;
    enum fk_put did;
    int rc, in_batch = 0, level;

    rc = fk__may(actor, FK_PERM_CONTROL, "sign off gatherings", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (signoff != FK_GATHERING_SIGNOFF_APPROVED && signoff != FK_GATHERING_SIGNOFF_REFUSED) {
        snprintf(err, errlen, "a sign-off approves or refuses");
        return FK_EINVAL;
    }
    if (!fk__text_ok(nt, 1000, 0)) {
        snprintf(err, errlen, "the note is longer than 1000 bytes or holds a control character");
        return FK_EINVAL;
    }
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        goto out;
    in_batch = 1;
    rc = code && *code ? fk_gathering_load(st, code, &rows, &n) : FK_OK;
    if (rc == FK_OK && n == 1)
        rc = fk__inside(st, actor, rows[0].region);
    if (rc < 0)
        goto out;
    if (n != 1 || rc == 0) {
        snprintf(err, errlen, "no gathering %s", code ? code : "");
        rc = FK_ENOENT;
        goto out;
    }
    g = &rows[0];
    rc = fk_zones_load(st, &z, &nz);
    if (rc != FK_OK)
        goto out;
    fk_gathering_place_level(e, z, nz, g->region, g->day, at, &level, &zone);
    fk_gathering_judge(p, level, g->kind, g->expected, g->online, &v);
    fk_gathering_reason(&v, level, g->kind, g->expected, zone, reason, sizeof reason);
    if (v.decision != FK_GATHERING_SIGNOFF) {
        snprintf(err, errlen, "gathering %s needs no sign-off: %s (%s)", g->code,
                 v.decision == FK_GATHERING_APPROVE ? "approved" : "refused", reason);
        rc = FK_ECONFLICT;
        goto out;
    }
    if (g->signoff == signoff) {
        snprintf(err, errlen, "gathering %s was signed off (%s) by %s at %s already", g->code,
                 fk_gathering_signoff_name(signoff), g->signed_by,
                 fk_time_render(g->signed_at, when));
        rc = FK_ECONFLICT;
        goto out;
    }
    memset(val, 0, sizeof val);
    val[0].s = g->code;
    val[1].s = g->organiser;
    val[2].s = g->region;
    val[3].s = g->date;
    val[4].i = g->expected;
    val[5].i = g->kind;
    val[6].i = g->online;
    val[7].s = g->contact;
    val[8].s = g->note;
    val[9].i = signoff;
    val[10].i = at;
    val[11].s = who;
    val[12].s = nt;
    rc = fk_store_put_record(st, FK_IMPORT_GATHERINGS, val, NULL, &did, NULL);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, g->region, "gathering.signoff", g->code,
                       "gathering %s on %s: %s at %s (%s)%s%s", g->code, g->date,
                       fk_gathering_signoff_name(signoff), fk_time_render(at, when), reason,
                       *nt ? ": " : "", nt);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    in_batch = rc != FK_OK;
out:
    fk_zones_free(z, nz);
    fk_gathering_rows_free(rows, n);
    if (rc != FK_OK)
        return fk__fail(st, in_batch, rc, err, errlen);
    return FK_OK;
}
