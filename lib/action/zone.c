/* SPDX-License-Identifier: MIT */
/* The risk-zone writes (fk/action.h): declare, change, lift. Each reads the zones inside the
 * control batch that writes, so two clerks acting on one zone at once cannot both pass the checks
 * on the same old state; the zone's row, its history row and the audit row commit together. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/msg.h"
#include "fk/record.h"
#include "fk/region.h"
#include "fk/time.h"
#include "fk/zone.h"
#include "fk/zones.h"

static const char *scope_of(const struct fk_actor *a)
{
    return a && a->scope ? a->scope : "";
}

/* Each code known, below the city and inside the actor's scope. */
static int check_regions(fk_store *st, const struct fk_actor *actor,
                         char (*codes)[FK_ZONE_CODE_MAX], size_t n, char *err, size_t errlen)
{
    struct fk_region_row r;
    size_t i;
    int rc;

    if (n == 0) {
        fk_msg_render(err, errlen, FK_MSG_ZONE_NO_REGIONS);
        return FK_EINVAL;
    }
    for (i = 0; i < n; i++) {
        rc = fk_store_get_region(st, codes[i], &r);
        if (rc == FK_ENOENT) {
            fk_msg_render(err, errlen, FK_MSG_ERR_UNKNOWN_REGION_FIRST, codes[i]);
            return FK_EINVAL;
        }
        if (rc != FK_OK)
            return rc;
        if (r.level <= FK_LEVEL_CITY) {
            fk_msg_render(err, errlen, FK_MSG_ZONE_REGION_LEVEL, codes[i],
                          fk_level_name((enum fk_level)r.level));
            return FK_EINVAL;
        }
        rc = fk__inside(st, actor, codes[i]);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(err, errlen, "region %s is outside your scope %s", codes[i], scope_of(actor));
            return FK_EPERM;
        }
    }
    return FK_OK;
}

/* 1 when regions a and b overlap (one lies in the other), 0 not, < 0 a store failure. */
static int overlap(fk_store *st, const char *a, const char *b)
{
    int rc = fk_store_region_inside(st, a, b);

    if (rc == 0)
        rc = fk_store_region_inside(st, b, a);
    return rc;
}

/* The overlap notes of a zone `self` at level over codes, at `at`, against the other active
 * zones of another level, into notes (one line each). */
static int overlap_notes(fk_store *st, const struct fk_zone *z, size_t nz, const char *self,
                         char (*codes)[FK_ZONE_CODE_MAX], size_t n, int level, int64_t at,
                         char *notes, size_t noteslen)
{
    size_t i, j, k, used = 0;
    int rc;

    if (notes && noteslen)
        notes[0] = '\0';
    for (i = 0; i < nz; i++) {
        struct fk_zone_seg seg;

        if (strcmp(z[i].name, self) == 0 || !fk_zone_at(&z[i], at, &seg) || seg.level == level)
            continue;
        for (j = 0; j < n; j++) {
            for (k = 0; k < z[i].nregions; k++) {
                char line[300];
                int len;

                rc = overlap(st, codes[j], z[i].codes[k]);
                if (rc < 0)
                    return rc;
                if (!rc)
                    continue;
                len = (int)fk_msg_render(line, sizeof line, FK_MSG_ZONE_OVERLAP, codes[j],
                                         fk_zone_level_name(seg.level), z[i].name);
                if (notes && used + (size_t)len + 2 < noteslen) {
                    snprintf(notes + used, noteslen - used, "%s%s", used ? "\n" : "", line);
                    used += (size_t)len + (used ? 1 : 0);
                }
                break;
            }
        }
    }
    return FK_OK;
}

/* Writes zone z's row with level and lifted as given. */
static int put_row(fk_store *st, const struct fk_zone *z, int level, int64_t lifted)
{
    struct fk_record_value v[6];
    enum fk_put did;

    memset(v, 0, sizeof v);
    v[0].s = z->name;
    v[1].i = level;
    v[2].s = z->regions;
    v[3].i = z->declared;
    v[4].i = lifted;
    v[5].s = z->reason;
    return fk_store_put_record(st, FK_IMPORT_ZONES, v, NULL, &did, NULL);
}

static int add_change(fk_store *st, const struct fk_actor *actor, const char *zone, int64_t at,
                      int level, const char *reason)
{
    struct fk_zone_change h;

    memset(&h, 0, sizeof h);
    h.zone = zone;
    h.at = at;
    h.level = level;
    h.actor = actor && actor->name ? actor->name : "";
    h.reason = reason;
    return fk_store_add_zone_change(st, &h);
}

int fk_zone_declare(fk_store *st, const struct fk_actor *actor, const char *name, int level,
                    const char *regions, int64_t at, const char *reason, char *notes,
                    size_t noteslen, char *err, size_t errlen)
{
    char codes[FK_ZONE_REGIONS_MAX][FK_ZONE_CODE_MAX], when[FK_TIME_RENDER_MAX];
    struct fk_zone *z = NULL, nz;
    size_t n = 0, nc = 0, i, len = 0;
    int rc, in_batch = 0;
    const char *rs = reason ? reason : "";

    if (notes && noteslen)
        notes[0] = '\0';
    rc = fk__may(actor, FK_PERM_CONTROL, "declare risk zones", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (!name || !fk__text_ok(name, 63, 1)) {
        snprintf(err, errlen, "a zone's name has 1 to 63 bytes and no control character");
        return FK_EINVAL;
    }
    if (level < 0 || level >= FK_ZONE_NLEVELS) {
        snprintf(err, errlen, "level must be lockdown, control or precaution");
        return FK_EINVAL;
    }
    if (!fk__text_ok(rs, 255, 0)) {
        snprintf(err, errlen, "the reason is longer than 255 bytes or holds a control character");
        return FK_EINVAL;
    }
    rc = fk_zone_regions_split((fk_slice){regions ? regions : "", regions ? strlen(regions) : 0},
                               codes, FK_ZONE_REGIONS_MAX, &nc);
    if (rc == FK_EINVAL) {
        fk_msg_render(err, errlen, FK_MSG_ERR_UNKNOWN_REGION_FIRST, codes[nc]);
        return rc;
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "a zone covers at most %d regions", FK_ZONE_REGIONS_MAX);
        return FK_EINVAL;
    }
    rc = fk_store_begin_control(st);
    if (rc != FK_OK)
        goto out;
    in_batch = 1;
    rc = check_regions(st, actor, codes, nc, err, errlen);
    if (rc == FK_OK)
        rc = fk_zones_load(st, &z, &n);
    if (rc != FK_OK)
        goto out;
    for (i = 0; i < n; i++) {
        if (strcmp(z[i].name, name) == 0) {
            snprintf(err, errlen, "zone %s exists (declared %s)", name,
                     fk_time_render(z[i].declared, when));
            rc = FK_ECONFLICT;
            goto out;
        }
    }
    rc = overlap_notes(st, z, n, name, codes, nc, level, at, notes, noteslen);
    if (rc != FK_OK)
        goto out;
    memset(&nz, 0, sizeof nz);
    fk_strlcpy(nz.name, name, sizeof nz.name);
    for (i = 0; i < nc; i++) {
        len += (size_t)snprintf(nz.regions + len, sizeof nz.regions - len, "%s%s", i ? ";" : "",
                                codes[i]);
        if (len >= sizeof nz.regions) {
            snprintf(err, errlen, "the regions are longer than 1000 bytes");
            rc = FK_EINVAL;
            goto out;
        }
    }
    nz.declared = at;
    fk_strlcpy(nz.reason, rs, sizeof nz.reason);
    rc = put_row(st, &nz, level, 0);
    if (rc == FK_OK)
        rc = add_change(st, actor, name, at, level, rs);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor && actor->scope ? codes[0] : NULL, "zone.declare", name,
                       "%s over %s at %s%s%s", fk_zone_level_name(level), nz.regions,
                       fk_time_render(at, when), rs[0] ? ": " : "", rs);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    in_batch = rc != FK_OK;
out:
    fk_zones_free(z, n);
    if (rc != FK_OK) {
        if (notes && noteslen)
            notes[0] = '\0';
        return fk__fail(st, in_batch, rc, err, errlen);
    }
    return FK_OK;
}

/* The zone called name, checked against the actor's scope (see fk_zone_change), in *zi. */
static int find_zone(fk_store *st, const struct fk_actor *actor, struct fk_zone *z, size_t n,
                     const char *name, struct fk_zone **zi, char *err, size_t errlen)
{
    size_t i, k;
    int rc, touches = 0;

    *zi = NULL;
    for (i = 0; name && i < n; i++)
        if (strcmp(z[i].name, name) == 0)
            *zi = &z[i];
    if (*zi && actor && actor->scope) {
        for (k = 0; k < (*zi)->nregions; k++) {
            rc = overlap(st, (*zi)->codes[k], actor->scope);
            if (rc < 0)
                return rc;
            touches |= rc;
        }
        if (!touches)
            *zi = NULL;
    }
    if (!*zi) {
        snprintf(err, errlen, "no zone %s", name ? name : "");
        return FK_ENOENT;
    }
    for (k = 0; k < (*zi)->nregions; k++) {
        rc = fk__inside(st, actor, (*zi)->codes[k]);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            snprintf(err, errlen, "region %s of zone %s is outside your scope %s", (*zi)->codes[k],
                     name, scope_of(actor));
            return FK_EPERM;
        }
    }
    return FK_OK;
}

/* Moves zone name to level (FK_ZONE_LIFTED: lifts it) at `at`: fk_zone_change and fk_zone_lift. */
static int move(fk_store *st, const struct fk_actor *actor, const char *name, int level, int64_t at,
                const char *reason, char *notes, size_t noteslen, char *err, size_t errlen)
{
    char when[FK_TIME_RENDER_MAX], since[FK_TIME_RENDER_MAX];
    struct fk_zone *z = NULL, *zi = NULL;
    struct fk_zone_seg seg;
    size_t n = 0, k;
    int rc, in_batch = 0;
    const char *rs = reason ? reason : "";

    if (notes && noteslen)
        notes[0] = '\0';
    rc = fk__may(actor, FK_PERM_CONTROL,
                 level == FK_ZONE_LIFTED ? "lift risk zones" : "change risk zones", err, errlen);
    if (rc != FK_OK)
        return rc;
    if (level < 0 || level > FK_ZONE_LIFTED) {
        snprintf(err, errlen, "level must be lockdown, control or precaution");
        return FK_EINVAL;
    }
    if (!fk__text_ok(rs, 255, 0)) {
        snprintf(err, errlen, "the reason is longer than 255 bytes or holds a control character");
        return FK_EINVAL;
    }
    rc = fk_store_begin_control(st);
    if (rc != FK_OK)
        goto out;
    in_batch = 1;
    rc = fk_zones_load(st, &z, &n);
    if (rc == FK_OK)
        rc = find_zone(st, actor, z, n, name, &zi, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (!fk_zone_at(zi, at, &seg)) {
        int64_t lifted = 0;

        for (k = 0; k < zi->nsegs; k++)
            if (zi->segs[k].end && zi->segs[k].end <= at && zi->segs[k].end > lifted)
                lifted = zi->segs[k].end;
        if (lifted)
            snprintf(err, errlen, "zone %s was lifted at %s", name, fk_time_render(lifted, when));
        else
            snprintf(err, errlen, "zone %s is not declared yet at %s", name,
                     fk_time_render(at, when));
        rc = lifted ? FK_ECONFLICT : FK_EINVAL;
        goto out;
    }
    if (seg.end) { /* a later change exists: history is written in order */
        snprintf(err, errlen, "zone %s changes again at %s: act at or after it", name,
                 fk_time_render(seg.end, when));
        rc = FK_EINVAL;
        goto out;
    }
    if (seg.level == level) {
        snprintf(err, errlen, "zone %s is already at level %s (since %s)", name,
                 fk_zone_level_name(level), fk_time_render(seg.start, since));
        rc = FK_ECONFLICT;
        goto out;
    }
    if (level != FK_ZONE_LIFTED)
        rc = overlap_notes(st, z, n, name, zi->codes, zi->nregions, level, at, notes, noteslen);
    /* An imported zone has no history yet: its row's stretch becomes the first change. */
    if (rc == FK_OK && !zi->history)
        rc = add_change(st, NULL, zi->name, seg.start, seg.level, "");
    if (rc == FK_OK)
        rc = put_row(st, zi, level == FK_ZONE_LIFTED ? seg.level : level,
                     level == FK_ZONE_LIFTED ? at : 0);
    if (rc == FK_OK)
        rc = add_change(st, actor, zi->name, at, level, rs);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, actor && actor->scope ? zi->codes[0] : NULL,
                       level == FK_ZONE_LIFTED ? "zone.lift" : "zone.change", zi->name,
                       "%s -> %s at %s%s%s", fk_zone_level_name(seg.level),
                       fk_zone_level_name(level), fk_time_render(at, when), rs[0] ? ": " : "", rs);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    in_batch = rc != FK_OK;
out:
    fk_zones_free(z, n);
    if (rc != FK_OK) {
        if (notes && noteslen)
            notes[0] = '\0';
        return fk__fail(st, in_batch, rc, err, errlen);
    }
    return FK_OK;
}

int fk_zone_change(fk_store *st, const struct fk_actor *actor, const char *name, int level,
                   int64_t at, const char *reason, char *notes, size_t noteslen, char *err,
                   size_t errlen)
{
    if (level < 0 || level >= FK_ZONE_NLEVELS) {
        snprintf(err, errlen, "level must be lockdown, control or precaution");
        return FK_EINVAL;
    }
    return move(st, actor, name, level, at, reason, notes, noteslen, err, errlen);
}

int fk_zone_lift(fk_store *st, const struct fk_actor *actor, const char *name, int64_t at,
                 const char *reason, char *err, size_t errlen)
{
    return move(st, actor, name, FK_ZONE_LIFTED, at, reason, NULL, 0, err, errlen);
}
