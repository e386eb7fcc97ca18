/* SPDX-License-Identifier: MIT */
/* Duty and zero reports (值班与零报告, issue 17): the day's status per region and unit kind, the
 * silent units with their contact and days silent, and each headquarters' duty roster, as JSON,
 * CSV or XLSX (reply_table), every answer cut to the caller's scope (?region= narrows it; a
 * region outside the scope is 403).
 *
 * DESIGN NOTES
 * - The reports index (fk_reports) is read from the store alone (regions, units, reports, duty),
 *   so it is kept here for the store generation it was built at and built again, under the
 *   server lock, by the first request after an import moved the generation. It holds a byte and
 *   an int a unit-day: 50 000 units x 30 days is 7.5 MB. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

static fk_reports *reports; /* under the server lock, as every handler */
static int64_t reports_gen = -1;

/* The index as of the store's generation now, or NULL with an answer set (server.h). */
fk_reports *srv_reports(struct req *r)
{
    fk_store *st = srv_store(r);
    fk_reports *x = NULL;
    int64_t gen = -1;
    char err[512];
    int rc;

    if (!st)
        return NULL;
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK && reports && reports_gen == gen)
        return reports;
    if (rc == FK_OK)
        rc = fk_reports_build(st, srv_profile(r), &x, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(st));
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    fk_reports_free(reports);
    reports = x;
    reports_gen = fk_reports_generation(x);
    return reports;
}

/* ?date= into *day (req_day); ?region= cut to the scope (default the scope) into within. 0 with
 * an answer set. */
static int day_and_region(struct req *r, int32_t *day, char *within, size_t cap)
{
    return req_day(r, day, NULL) && req_region(r, within, cap);
}

/* GET /api/v1/reports/status?date=&by=&region=: region,name,kind,units,reported,zero,late,
 * missing (fk_reports_status). */
void api_reports_status_get(struct req *r)
{
    enum fk_level level = FK_LEVEL_COUNTY;
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_reports *x;
    int32_t day;
    int rc;

    if (!req_level(r, req_arg(r, "by"), &level) ||
        !day_and_region(r, &day, within, sizeof within) || !(x = srv_reports(r)))
        return;
    rc = fk_reports_status(x, level, within, day, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "reports-status", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/reports/missing?date=&region=&kind=: the silent units (fk_reports_missing). */
void api_reports_missing_get(struct req *r)
{
    const char *kind = req_arg(r, "kind");
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_reports *x;
    int32_t day;
    int rc, k = -1;

    if (kind && *kind && fk_unit_kind_parse((fk_slice){kind, strlen(kind)}, &k) != FK_OK) {
        reply_error(r, 400, "bad_request",
                    "township, hospital, clinic, pharmacy, school, enterprise or other",
                    "unknown unit kind '%s'", kind);
        return;
    }
    if (!day_and_region(r, &day, within, sizeof within) || !(x = srv_reports(r)))
        return;
    rc = fk_reports_missing(x, within, day, k, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "reports-missing", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/duty?date=&region=: each headquarters with who is on duty (fk_reports_duty). */
void api_duty_get(struct req *r)
{
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_reports *x;
    int32_t day;
    int rc;

    if (!day_and_region(r, &day, within, sizeof within) || !(x = srv_reports(r)))
        return;
    rc = fk_reports_duty(x, within, day, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "duty", REPLY_PAGE_OFFSET);
}

/* The routes of duty and zero reports (http.c walks this table; see struct route). */
const struct route api_reports_routes[] = {
    {"GET", "/api/v1/reports/status", api_reports_status_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/reports/missing", api_reports_missing_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/duty", api_duty_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
