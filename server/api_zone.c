/* SPDX-License-Identifier: MIT */
/* The zone resource (风险区域, issue 18): the zones with their residents and the review (which may
 * be lowered today, and why) as of ?now= (JSON, CSV or XLSX), cut to the caller's scope (an
 * account sees the zones touching it), and the declare, change and lift actions (audited, in a
 * control batch: the control index follows the zones' residents). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fk/zone.h"
#include "fk/zones.h"
#include "server.h"

/* GET /api/v1/zones and /api/v1/zones/review ?region=&now=&format=. */
static void zones_get(struct req *r, int review)
{
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_engine *e;
    int64_t now;
    int asked, rc;

    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within) || !(e = srv_engine(r)))
        return;
    if (review)
        rc = fk_zone_review(srv_store(r), e, srv_profile(r), within[0] ? within : NULL, now, &t,
                            err, sizeof err);
    else
        rc = fk_zone_list(srv_store(r), e, within[0] ? within : NULL, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, review ? "zone-review" : "zones", REPLY_PAGE_OFFSET);
}

void api_zones_get(struct req *r)
{
    zones_get(r, 0);
}

void api_zones_review_get(struct req *r)
{
    zones_get(r, 1);
}

static const struct fk_col grid_cols[] = {{"grid", FK_COL_TEXT}, {"level", FK_COL_TEXT}};

/* GET /api/v1/zones/grids?now=&region=: each grid inside the scope under a zone active at now,
 * with the strictest level over it (grid,level, by grid index): for the map. */
void api_zones_grids_get(struct req *r)
{
    char within[FK_REGION_CODE_MAX], err[128];
    int32_t lo = 0, hi = INT32_MAX;
    enum fk_level lv;
    const char *name;
    int8_t *levels = NULL;
    fk_table *t = NULL;
    fk_engine *e;
    size_t n = 0, g;
    int64_t now;
    int asked, rc;

    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within) || !(e = srv_engine(r)))
        return;
    if (within[0] && fk_engine_region_info(e, within, &lo, &hi, &lv, &name) != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "unknown region %s", within);
        return;
    }
    rc = fk_zone_grid_levels(srv_store(r), e, now, &levels, &n);
    if (rc == FK_OK)
        rc = fk_table_new(grid_cols, 2, &t);
    for (g = 0; rc == FK_OK && g < n; g++) {
        const char *vals[2];

        if (levels[g] < 0 || (int32_t)g < lo || (int32_t)g >= hi)
            continue;
        vals[0] = fk_engine_grid_code(e, (int32_t)g);
        vals[1] = fk_zone_level_name(levels[g]);
        rc = fk_table_add(t, vals);
    }
    free(levels);
    if (rc != FK_OK) {
        fk_table_free(t);
        snprintf(err, sizeof err, "zone grids: %s", fk_strerror(rc));
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "zone-grids", REPLY_PAGE_OFFSET);
}

/* The body's optional "at" (default: the clock) and "reason" (text or null); 0 with a 400 answer
 * set when either is bad. */
static int body_at_reason(struct req *r, json_t *j, int64_t *at, const char **reason)
{
    json_t *a = json_object_get(j, "at"), *re = json_object_get(j, "reason");

    *at = (int64_t)time(NULL);
    *reason = NULL;
    if (a && !json_is_null(a) &&
        (!json_is_string(a) ||
         fk_time_parse(json_string_value(a), strlen(json_string_value(a)), at) != FK_OK)) {
        reply_error(r, 400, "bad_request", "{\"at\": \"2022-08-25T09:30:00+08:00\"}",
                    "at is not an ISO 8601 time");
        return 0;
    }
    if (re && !json_is_null(re) && !json_is_string(re)) {
        reply_error(r, 400, "bad_request", "{\"reason\": \"text\"}", "reason is not text");
        return 0;
    }
    *reason = json_is_string(re) ? json_string_value(re) : NULL;
    return 1;
}

/* The body's "level"; 0 with a 400 answer set when it is missing or unknown. */
static int body_level(struct req *r, json_t *j, int *level)
{
    json_t *l = json_object_get(j, "level");

    if (!json_is_string(l) ||
        fk_zone_level_parse((fk_slice){json_string_value(l), strlen(json_string_value(l))},
                            level) != FK_OK) {
        reply_error(r, 400, "bad_request", "lockdown, control or precaution",
                    "level '%s' is not lockdown, control or precaution",
                    json_is_string(l) ? json_string_value(l) : "");
        return 0;
    }
    return 1;
}

/* Answers {"name","level","at","notes":[…]} after a write. */
static void reply_done(struct req *r, const char *name, const char *level, int64_t at,
                       const char *notes)
{
    json_t *o = json_object(), *a = json_array();
    char when[FK_TIME_RENDER_MAX], *s = NULL;
    const char *p = notes;

    while (o && a && p && *p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);

        json_array_append_new(a, json_stringn(p, n));
        p = eol ? eol + 1 : p + n;
    }
    if (o && a) {
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "level", json_string(level));
        json_object_set_new(o, "at", json_string(fk_time_render(at, when)));
        json_object_set(o, "notes", a);
        s = json_dumps(o, JSON_COMPACT);
    }
    if (s)
        reply_json(r, s, strlen(s));
    else
        reply_error(r, 500, "internal", NULL, "out of memory");
    free(s);
    json_decref(a);
    json_decref(o);
}

/* POST /api/v1/zones {"name","level","regions": "R1,R2" or ["R1","R2"],"at","reason"}:
 * fk_zone_declare. */
void api_zones_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r), *name, *regions;
    char err[512], notes[4096], list[1100];
    const char *reason;
    size_t used = 0, i;
    int64_t at;
    int level, rc;

    if (!j)
        return;
    name = json_object_get(j, "name");
    regions = json_object_get(j, "regions");
    if (!json_is_string(name)) {
        reply_error(r, 400, "bad_request", "{\"name\": \"封控区1\"}", "name is missing");
        goto out;
    }
    if (!body_level(r, j, &level) || !body_at_reason(r, j, &at, &reason))
        goto out;
    list[0] = '\0';
    if (json_is_string(regions)) {
        fk_strlcpy(list, json_string_value(regions), sizeof list);
    } else if (json_is_array(regions)) {
        for (i = 0; i < json_array_size(regions); i++) {
            json_t *c = json_array_get(regions, i);

            if (!json_is_string(c) || used + strlen(json_string_value(c)) + 2 >= sizeof list)
                break;
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "," : "",
                                     json_string_value(c));
        }
        if (i < json_array_size(regions))
            regions = NULL;
    }
    if (!list[0] || !regions) {
        reply_error(r, 400, "bad_request", "{\"regions\": [\"140702001001\"]}",
                    "regions is missing or not a list of region codes");
        goto out;
    }
    rc = fk_zone_declare(srv_store(r), &actor, json_string_value(name), level, list, at, reason,
                         notes, sizeof notes, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    reply_done(r, json_string_value(name), fk_zone_level_name(level), at, notes);
out:
    json_decref(j);
}

/* POST /api/v1/zones/NAME/change {"level","at","reason"}: fk_zone_change. */
void api_zone_change_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r);
    char err[512], notes[4096];
    const char *reason;
    int64_t at;
    int level, rc;

    if (!j)
        return;
    if (!body_level(r, j, &level) || !body_at_reason(r, j, &at, &reason))
        goto out;
    rc = fk_zone_change(srv_store(r), &actor, r->param, level, at, reason, notes, sizeof notes, err,
                        sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    reply_done(r, r->param, fk_zone_level_name(level), at, notes);
out:
    json_decref(j);
}

/* POST /api/v1/zones/NAME/lift {"at","reason"}: fk_zone_lift. */
void api_zone_lift_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r);
    char err[512];
    const char *reason;
    int64_t at;
    int rc;

    if (!j)
        return;
    if (!body_at_reason(r, j, &at, &reason))
        goto out;
    rc = fk_zone_lift(srv_store(r), &actor, r->param, at, reason, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    reply_done(r, r->param, "lifted", at, "");
out:
    json_decref(j);
}

const struct route api_zone_routes[] = {
    {"GET", "/api/v1/zones", api_zones_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/zones/review", api_zones_review_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/zones/grids", api_zones_grids_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/zones", api_zones_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/zones/{}/change", api_zone_change_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/zones/{}/lift", api_zone_lift_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
