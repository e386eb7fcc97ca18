/* SPDX-License-Identifier: MIT */
/* The vaccination resource (疫苗接种, issue 16): coverage per region and age band, the catch-up
 * lists (JSON, CSV or XLSX through reply_table, whose CSV guards formulas), the communities'
 * lists and pushes, a push, and vaccination rows as JSON. Every answer is cut to the caller's
 * scope: a community's account sees its own list only.
 *
 * DESIGN NOTES
 * - The vaccination index (fk_vax) reads the engine, so it is kept here for the engine it was
 *   built over and that engine's generation, and built again, under the server lock, on the
 *   first request after the builder swapped a new engine in. It holds 16 bytes a resident; a
 *   build reads the persons and the doses once (seconds at 10 M residents). A push moves no
 *   generation (an event batch) and is read from the store by each answer, so it needs no
 *   rebuild. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server.h"

static fk_vax *vax;              /* under the server lock, as every handler */
static const fk_engine *vax_eng; /* the engine it was built over, compared, never read */
static int64_t vax_gen = -1;

/* The index over the current engine, or NULL with an answer set (server.h). */
fk_vax *srv_vax(struct req *r)
{
    fk_engine *e = srv_engine(r);
    struct fk_engine_stats es;
    fk_vax *v = NULL;
    char err[512];
    int rc;

    if (!e)
        return NULL;
    fk_engine_stats(e, &es);
    if (vax && vax_eng == e && vax_gen == es.generation)
        return vax;
    rc = fk_vax_build(srv_store(r), e, srv_profile(r), &v, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    fk_vax_free(vax);
    vax = v;
    vax_eng = e;
    vax_gen = es.generation;
    return vax;
}

void api_vaccination_coverage_get(struct req *r)
{
    const char *by = req_arg(r, "by");
    enum fk_level level = FK_LEVEL_COUNTY;
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    int64_t now;
    int asked, rc;
    fk_vax *v;

    if (by && (fk_level_parse((fk_slice){by, strlen(by)}, &level) != FK_OK ||
               level == FK_LEVEL_PROVINCE)) {
        reply_error(r, 400, "bad_request", "grid, community, township, county or city",
                    "unknown level '%s'", by);
        return;
    }
    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within))
        return;
    v = srv_vax(r);
    if (!v)
        return;
    rc = fk_vax_coverage(v, level, within, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "vaccination-coverage", REPLY_PAGE_OFFSET);
}

/* A list of the vaccination index for the asked region at ?now= (catch-up, communities), answered
 * as a paged table called name: the one shape of both GETs. */
typedef int (*vax_list_fn)(fk_vax *v, fk_store *st, const char *within, int64_t now, fk_table **out,
                           char *err, size_t errlen);
static void vax_list(struct req *r, vax_list_fn list, const char *name)
{
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    int64_t now;
    int asked, rc;
    fk_vax *v;

    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within))
        return;
    v = srv_vax(r);
    if (!v)
        return;
    rc = list(v, srv_store(r), within, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, name, REPLY_PAGE_OFFSET);
}

void api_vaccination_catchup_get(struct req *r)
{
    vax_list(r, fk_vax_catchup, "catchup");
}

void api_vaccination_communities_get(struct req *r)
{
    vax_list(r, fk_vax_communities, "catchup-communities");
}

/* POST /api/v1/vaccination/push {"region": COMMUNITY}: records the push of that community's
 * list as it is now, audited; answers {"region","members","id"}. */
void api_vaccination_push_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r), *reg;
    char err[512], out[160];
    size_t members = 0;
    int64_t now, id = 0;
    int asked, rc, n;
    fk_vax *v;

    if (!j)
        return;
    reg = json_object_get(j, "region");
    if (!json_is_string(reg) || !*json_string_value(reg)) {
        reply_error(r, 400, "bad_request", "{\"region\": \"a community code\"}",
                    "region is missing");
        goto out;
    }
    if (!req_now(r, &now, &asked))
        goto out;
    v = srv_vax(r);
    if (!v)
        goto out;
    rc = fk_vax_push(srv_store(r), &actor, v, json_string_value(reg), now, &members, &id, err,
                     sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    n = snprintf(out, sizeof out, "{\"region\":\"%s\",\"members\":%zu,\"id\":%lld}",
                 json_string_value(reg), members, (long long)id);
    reply_json(r, out, (size_t)n);
out:
    json_decref(j);
}

/* POST /api/v1/vaccinations: JSON rows, as POST /api/v1/rows/vaccinations. */
void api_vaccinations_post(struct req *r)
{
    fk_strlcpy(r->param_buf, "vaccinations", sizeof r->param_buf);
    r->param = r->param_buf;
    api_rows_post(r);
}

const struct route api_vaccination_routes[] = {
    {"GET", "/api/v1/vaccination/coverage", api_vaccination_coverage_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/vaccination/catchup", api_vaccination_catchup_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/vaccination/communities", api_vaccination_communities_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/vaccination/push", api_vaccination_push_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/vaccinations", api_vaccinations_post, FK_PERM_IMPORT, 0},
    {NULL, NULL, NULL, 0, 0},
};
