/* SPDX-License-Identifier: MIT */
/* The gathering resource (会议活动管理, issue 21): each gathering with the decision the profile's
 * [gathering] rule makes of it by the risk zones over its place on its day (JSON, CSV or XLSX),
 * the count per region, and an official's sign-off of one that needs it, through the action
 * (audited). The answers are cut to the caller's scope (a county sees the gatherings of its
 * regions); a gathering outside it answers as an unknown one. They read the store; a sign-off
 * moves no generation (an event batch). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "fk/gathering_list.h"
#include "server.h"

/* ?decision= into *out (absent or empty: -1, any): 1, or 0 with a 400 answer. */
static int decision_arg(struct req *r, int *out)
{
    const char *v = req_arg(r, "decision");
    int i;

    *out = -1;
    if (!v || !*v)
        return 1;
    for (i = 0; i < FK_GATHERING_NDECISIONS; i++)
        if (strcmp(v, fk_gathering_decision_name(i)) == 0) {
            *out = i;
            return 1;
        }
    reply_error(r, 400, "bad_request", "approve, signoff or refuse", "decision '%s' is unknown", v);
    return 0;
}

/* ?date= as given (NULL: any day); the library checks it. */
static const char *date_arg(struct req *r)
{
    const char *v = req_arg(r, "date");

    return v && *v ? v : NULL;
}

/* GET /api/v1/gatherings?date=D&decision=&region=&now=T&format=: fk_gathering_list within the
 * scope. */
static void api_gatherings_get(struct req *r)
{
    struct fk_gathering_query q = {NULL, NULL, -1, NULL};
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!decision_arg(r, &q.decision) || !req_cut(r, 0, &c))
        return;
    q.date = date_arg(r);
    q.region = c.region;
    rc = fk_gathering_list(srv_store(r), c.e, srv_profile(r), &q, c.now, &t, err, sizeof err);
    reply_rc_table(r, rc, err, t, "gatherings");
}

/* GET /api/v1/gatherings/status?by=county&date=D&region=&now=T&format=: per region. */
static void api_gatherings_status_get(struct req *r)
{
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_cut(r, 1, &c))
        return;
    rc = fk_gathering_status(srv_store(r), c.e, srv_profile(r), c.region, c.by, date_arg(r), c.now,
                             &t, err, sizeof err);
    reply_rc_table(r, rc, err, t, "gatherings-status");
}

/* POST /api/v1/gatherings/CODE/signoff {"decision": "approve"|"refuse", "note": …, "at": T
 * (absent: now)}: fk_gathering_signoff, audited gathering.signoff; answers
 * {"code","signoff","at"}. */
static void api_gathering_signoff_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r);
    const char *decision, *note, *at_s;
    char err[600], when[FK_TIME_RENDER_MAX];
    int64_t at;
    fk_engine *e;
    int asked, s, rc;
    fk_buf b;

    if (!j)
        return;
    decision = json_string_value(json_object_get(j, "decision"));
    note = json_string_value(json_object_get(j, "note"));
    at_s = json_string_value(json_object_get(j, "at"));
    if (!decision || (strcmp(decision, "approve") != 0 && strcmp(decision, "refuse") != 0)) {
        reply_error(r, 400, "bad_request", "{\"decision\": \"approve\" or \"refuse\"}",
                    "decision must be approve or refuse");
        goto out;
    }
    s = strcmp(decision, "approve") == 0 ? FK_GATHERING_SIGNOFF_APPROVED
                                         : FK_GATHERING_SIGNOFF_REFUSED;
    if (!req_now(r, &at, &asked))
        goto out;
    if (at_s && fk_time_parse(at_s, strlen(at_s), &at) != FK_OK) {
        reply_error(r, 400, "bad_request", "ISO 8601, like 2022-09-01T10:00:00+08:00",
                    "at '%s' is not a time", at_s);
        goto out;
    }
    if (!(e = srv_engine(r)))
        goto out;
    rc = fk_gathering_signoff(srv_store(r), &actor, e, srv_profile(r), r->param, s, note, at, err,
                              sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_puts(&b, "{\"code\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(&b, r->param);
    if (rc == FK_OK)
        rc = fk_buf_printf(&b, ",\"signoff\":\"%s\",\"at\":\"%s\"}", fk_gathering_signoff_name(s),
                           fk_time_render(at, when));
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
    fk_buf_fini(&b);
out:
    json_decref(j);
}

/* The routes of the gatherings (http.c walks this table; see struct route). */
const struct route api_gathering_routes[] = {
    {"GET", "/api/v1/gatherings", api_gatherings_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/gatherings/status", api_gatherings_status_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/gatherings/{}/signoff", api_gathering_signoff_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
