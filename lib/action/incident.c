/* SPDX-License-Identifier: MIT */
/* The response-timer write (fk/action.h): one onsite or activated event of a case, checked as the
 * incident_events import checks a row, and audited in the same event batch (no in-memory index
 * holds these rows, so no generation moves). */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/incident.h"
#include "fk/record.h"
#include "fk/time.h"

/* 1 when note is short enough and holds no control character (the import's text rule). */
static int note_ok(const char *note)
{
    const unsigned char *p = (const unsigned char *)note;

    if (strlen(note) > 255)
        return 0;
    for (; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

int fk_incident_event_add(fk_store *st, const struct fk_actor *actor, int64_t person, int event,
                          int64_t at, const char *note, enum fk_put *did, char *err, size_t errlen)
{
    char idn[64], grid[FK_REGION_CODE_MAX], when[FK_TIME_RENDER_MAX], start[FK_TIME_RENDER_MAX];
    struct fk_record_value v[4];
    struct fk_case_row k;
    enum fk_put done = FK_PUT_SAME;
    int64_t t0;
    int rc;

    if (did)
        *did = FK_PUT_SAME;
    if (!note)
        note = "";
    rc = fk__may(actor, FK_PERM_CONTROL, "record response events", err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk__person_names(st, person, idn, sizeof idn, grid);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    if (!grid[0] || fk__inside(st, actor, grid) != 1) {
        /* As an unknown person, so ID numbers cannot be probed. */
        snprintf(err, errlen, "no person with ID number %s", idn);
        return FK_ENOENT;
    }
    rc = fk_store_get_case(st, person, &k);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "%s is not a case (import it in a cases file first)", idn);
        return rc;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    if (event < 0 || event >= FK_INC_NEVENTS) {
        snprintf(err, errlen, "event %d is not onsite or activated", event);
        return FK_EINVAL;
    }
    t0 = fk_inc_start(k.confirmed, k.reported);
    if (at < t0) {
        snprintf(err, errlen, "time %s is before the case's start %s", fk_time_render(at, when),
                 fk_time_render(t0, start));
        return FK_EINVAL;
    }
    if (!note_ok(note)) {
        snprintf(err, errlen, "the note is longer than 255 bytes or holds a control character");
        return FK_EINVAL;
    }
    memset(v, 0, sizeof v);
    v[0].i = person;
    v[1].i = event;
    v[2].i = at;
    v[3].s = note;
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    rc = fk_store_put_record(st, FK_IMPORT_INCIDENT_EVENTS, v, NULL, &done, NULL);
    /* The row is about the case's grid, for an account; the local administrator's are not. */
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor && actor->scope ? grid : NULL, "incident.event", idn,
                       "%s at %s%s%s", fk_inc_event_name(event), fk_time_render(at, when),
                       note[0] ? ": " : "", note);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    if (rc != FK_OK)
        return fk__fail(st, 1, rc, err, errlen);
    if (did)
        *did = done;
    return FK_OK;
}
