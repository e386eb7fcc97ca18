/* SPDX-License-Identifier: MIT */
/* The mass-screening plan and the pace of a round over HTTP (issue 21): GET
 * /api/v1/rounds/ROUND/plan (?hours=, ?by=, ?view=regions|labs), /pace (?by=,
 * ?view=regions|hours|labs|transport, ?now=) and /api/v1/labs, JSON, CSV or XLSX. A round's
 * region is narrowed to the deeper of it and the caller's scope, so a county plans and watches
 * its own county, whatever it asks; a round wholly outside the scope is 403. Read-only. */
#include <stdio.h>
#include <string.h>

#include "server.h"

/* The round of the path, narrowed to the caller's scope, in *out: 0 with an answer set when
 * there is no such round or it lies outside the scope. */
static int path_round(struct req *r, struct fk_round *out)
{
    char region[FK_REGION_CODE_MAX];
    int rc = srv_round(r, r->param, out);

    if (rc == FK_ENOENT) {
        reply_error(r, 404, "not_found", "GET /api/v1/rounds lists them", "no round named '%s'",
                    r->param);
        return 0;
    }
    if (rc != FK_OK)
        return 0; /* answered */
    if (!srv_engine(r) || !scope_within(r, out->region, region, sizeof region))
        return 0;
    fk_strlcpy(out->region, region, sizeof out->region);
    return 1;
}

/* GET /api/v1/rounds/ROUND/plan?hours=24&by=grid&view=regions|labs&now=T: fk_plan_regions or
 * fk_plan_labs, with the zones and orders at the round's start (at now once it has begun). */
static void api_plan_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *hs = req_arg(r, "hours"), *view = req_arg(r, "view");
    enum fk_level level = FK_LEVEL_GRID;
    struct fk_round rd;
    fk_table *t = NULL;
    int64_t now, hours = 24, at;
    char err[512];
    int asked, rc;

    if (by && strcmp(by, "round") == 0)
        level = FK_LEVEL_NONE; /* the round's region itself */
    else if (by && *by && !req_level(r, by, &level))
        return;
    if (hs && *hs && fk_parse_int((fk_slice){hs, strlen(hs)}, 1, 720, &hours) != FK_OK) {
        reply_error(r, 400, "bad_request", "a whole number of hours from 1 to 720",
                    "hours '%s' is not a whole number from 1 to 720", hs);
        return;
    }
    if (view && *view && strcmp(view, "regions") != 0 && strcmp(view, "labs") != 0) {
        reply_error(r, 400, "bad_request", "regions or labs", "unknown view '%s'", view);
        return;
    }
    if (!req_now(r, &now, &asked) || !path_round(r, &rd))
        return;
    at = now < rd.start ? rd.start : now > rd.end ? rd.end : now;
    if (view && strcmp(view, "labs") == 0)
        rc = fk_plan_labs(srv_engine(r), srv_store(r), srv_profile(r), &rd, level, (int)hours, at,
                          &t, err, sizeof err);
    else
        rc = fk_plan_regions(srv_engine(r), srv_store(r), srv_profile(r), &rd, level, (int)hours,
                             at, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "plan", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/rounds/ROUND/pace?by=grid&view=regions|hours|labs|transport&now=T: fk_pace. */
static void api_pace_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *vs = req_arg(r, "view");
    enum fk_level level = FK_LEVEL_GRID;
    enum fk_pace_view view = FK_PACE_REGIONS;
    struct fk_round rd;
    fk_table *t = NULL;
    int64_t now;
    char err[512];
    int asked, rc;

    if (by && strcmp(by, "round") == 0)
        level = FK_LEVEL_NONE; /* the round's region itself */
    else if (by && *by && !req_level(r, by, &level))
        return;
    if (vs && *vs && fk_pace_view_parse(vs, &view) != FK_OK) {
        reply_error(r, 400, "bad_request", "regions, hours, labs or transport", "unknown view '%s'",
                    vs);
        return;
    }
    if (!req_now(r, &now, &asked) || !path_round(r, &rd))
        return;
    rc = fk_pace(srv_engine(r), srv_store(r), srv_profile(r), &rd, level, view, now, &t, err,
                 sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "pace", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/labs: fk_lab_list (the labs are the city's: no person, no scope to cut). */
static void api_labs_get(struct req *r)
{
    fk_table *t = NULL;
    char err[512];
    int rc = fk_lab_list(srv_store(r), &t, err, sizeof err);

    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "labs", REPLY_PAGE_OFFSET);
}

const struct route api_plan_routes[] = {
    {"GET", "/api/v1/rounds/{}/plan", api_plan_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/rounds/{}/pace", api_pace_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/labs", api_labs_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
