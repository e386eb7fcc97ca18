/* SPDX-License-Identifier: MIT */
/* Daily health check-ins (健康监测, issue 18): the day's status per region and the persons window
 * by window, as JSON, CSV or XLSX (reply_table), every answer cut to the caller's scope
 * (?region= narrows it; a region outside the scope is 403). The rows come in through the record
 * type (POST /api/v1/rows/checkins, POST /api/v1/import/checkins).
 *
 * DESIGN NOTES
 * - The board (fk_checkins) is built from the store for each request: it holds only the orders
 *   at home or in centralized isolation and their check-ins (a few per person and day), and a
 *   check-in import moves the control generation, not the data generation, so an index kept by
 *   generation would need both; a build per answer is simpler and fast at a county's scale. */
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* ?date= into *day and the clock the windows are judged at into *now (req_day); ?region= cut
 * to the scope (default the scope) into within. 0 with an answer set. */
static int day_and_region(struct req *r, int32_t *day, int64_t *now, char *within, size_t cap)
{
    return req_day(r, day, now) && req_region(r, within, cap);
}

/* The board over the request's store and engine, or NULL with an answer set. */
static fk_checkins *board(struct req *r)
{
    fk_engine *e = srv_engine(r);
    fk_checkins *b = NULL;
    char err[512];
    int rc;

    if (!e)
        return NULL;
    rc = fk_checkins_build(srv_store(r), e, srv_profile(r), &b, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    return b;
}

/* GET /api/v1/checkins/status?date=&by=&region=&now=: region,name,persons,expected,reported,
 * missed,pending,fever,completeness (fk_checkins_status). */
void api_checkins_status_get(struct req *r)
{
    enum fk_level level = FK_LEVEL_COUNTY;
    char within[FK_REGION_CODE_MAX], err[512];
    fk_checkins *b = NULL;
    fk_table *t = NULL;
    int64_t now;
    int32_t day;
    int rc;

    if (!req_level(r, req_arg(r, "by"), &level) ||
        !day_and_region(r, &day, &now, within, sizeof within) || !(b = board(r)))
        return;
    rc = fk_checkins_status(b, level, within, day, now, &t, err, sizeof err);
    fk_checkins_free(b);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "checkins-status", REPLY_PAGE_OFFSET);
}

/* 1 when ?NAME= is set and not "0" or "false". */
static int flag(struct req *r, const char *name)
{
    const char *v = req_arg(r, name);

    return v && *v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

/* GET /api/v1/checkins?date=&region=&missed=1&fever=1&now=: the persons' expected windows
 * (fk_checkins_list). */
void api_checkins_get(struct req *r)
{
    char within[FK_REGION_CODE_MAX], err[512];
    unsigned states = FK_CHECKINS_ALL;
    fk_checkins *b = NULL;
    fk_table *t = NULL;
    int64_t now;
    int32_t day;
    int rc;

    if (flag(r, "missed"))
        states |= 1u << FK_CHECKIN_MISSED;
    if (flag(r, "fever"))
        states |= 1u << FK_CHECKIN_FEVER;
    if (!day_and_region(r, &day, &now, within, sizeof within) || !(b = board(r)))
        return;
    rc = fk_checkins_list(b, within, day, now, states, &t, err, sizeof err);
    fk_checkins_free(b);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "checkins", REPLY_PAGE_OFFSET);
}

/* The routes of the check-ins (http.c walks this table; see struct route): the counts need
 * FK_PERM_READ, the list of names and ID numbers FK_PERM_READ_PERSONS. */
const struct route api_checkin_routes[] = {
    {"GET", "/api/v1/checkins/status", api_checkins_status_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/checkins", api_checkins_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
