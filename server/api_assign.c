/* SPDX-License-Identifier: MIT */
/* The 包保 resource (issue 17): the gaps (persons under home control lacking a 五包一 role,
 * regions without a leader), each cadre's load, and one cadre's list, as the library's
 * fk/assign.h answers them, cut to the caller's scope: ?region= (default the scope) must lie
 * inside it or hold it. Two-table answers give one table a request, chosen by ?part=, so each
 * pages and downloads (CSV, XLSX) like any list. Assignment rows come in through POST
 * /api/v1/rows/assignments and /api/v1/import/assignments. */
#include <stdlib.h>
#include <string.h>

#include "fk/assign.h"
#include "server.h"

/* ?part= as 0 (first) or 1 (second) of the two names; 0 with a 400 answer for another word. */
static int asked_part(struct req *r, const char *first, const char *second, int *part)
{
    const char *p = req_arg(r, "part");

    *part = 0;
    if (!p || !*p || strcmp(p, first) == 0)
        return 1;
    if (strcmp(p, second) == 0) {
        *part = 1;
        return 1;
    }
    reply_error(r, 400, "bad_request", "", "part '%s' is not %s or %s", p, first, second);
    return 0;
}

/* Answers the table of the two that part names (1: regions, 0: persons) and frees the other. */
static void reply_part(struct req *r, int part, fk_table *regions, fk_table *persons,
                       const char *regions_name, const char *persons_name)
{
    fk_table_free(part ? persons : regions);
    reply_table(r, part ? regions : persons, part ? regions_name : persons_name, REPLY_PAGE_OFFSET);
}

void api_assign_gaps_get(struct req *r)
{
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *persons = NULL, *regions = NULL;
    fk_engine *e;
    int64_t now;
    int asked, part, rc;

    if (!asked_part(r, "persons", "regions", &part) || !req_now(r, &now, &asked) ||
        !req_region(r, within, sizeof within))
        return;
    if (!(e = srv_engine(r)))
        return;
    rc = fk_assign_gaps(srv_store(r), e, srv_profile(r), within, now, &persons, &regions, err,
                        sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_part(r, part, regions, persons, "assign-gaps-regions", "assign-gaps-persons");
}

void api_assign_load_get(struct req *r)
{
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_engine *e;
    int64_t now;
    int asked, rc;

    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within))
        return;
    if (!(e = srv_engine(r)))
        return;
    rc = fk_assign_load(srv_store(r), e, srv_profile(r), within, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "assign-load", REPLY_PAGE_OFFSET);
}

void api_assign_cadre_get(struct req *r)
{
    const char *who = req_arg(r, "who");
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *regions = NULL, *persons = NULL;
    fk_engine *e;
    int64_t now;
    int asked, part, rc;

    if (!who || !*who) {
        reply_error(r, 400, "bad_request", "?who=PHONE or ?who=NAME", "name a cadre with ?who=");
        return;
    }
    if (!asked_part(r, "persons", "regions", &part) || !req_now(r, &now, &asked) ||
        !req_region(r, within, sizeof within))
        return;
    if (!(e = srv_engine(r)))
        return;
    rc = fk_assign_cadre(srv_store(r), e, srv_profile(r), within, who, now, &regions, &persons, err,
                         sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_part(r, part, regions, persons, "assign-cadre-regions", "assign-cadre-persons");
}

/* The routes of 包保 (http.c walks this table; see struct route). */
const struct route api_assign_routes[] = {
    {"GET", "/api/v1/assign/gaps", api_assign_gaps_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/assign/load", api_assign_load_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/assign/cadre", api_assign_cadre_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
