/* SPDX-License-Identifier: MIT */
/* The citizen request resource (便民服务热线, issue 21): each request with its status and its state
 * against its kind's deadlines as of ?now= (JSON, CSV or XLSX), the count per region, and a
 * request's assignment and resolution through the actions (audited). The answers are cut to the
 * caller's scope (a county sees the requests of its regions); a request outside it answers as an
 * unknown one. They read the store; a change moves no generation (an event batch). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "fk/request_list.h"
#include "server.h"

/* GET /api/v1/requests?open=1&overdue=1&region=&now=T&format=: fk_request_list within the
 * scope. */
static void api_requests_get(struct req *r)
{
    struct fk_request_query q = {0, 0, NULL, NULL};
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_flag(r, "open", &q.open) || !req_flag(r, "overdue", &q.overdue) || !req_cut(r, 0, &c))
        return;
    q.region = c.region;
    rc = fk_request_list(srv_store(r), c.e, srv_profile(r), &q, c.now, &t, err, sizeof err);
    reply_rc_table(r, rc, err, t, "requests");
}

/* GET /api/v1/requests/status?by=county&region=&now=T&format=: per region. */
static void api_requests_status_get(struct req *r)
{
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_cut(r, 1, &c))
        return;
    rc = fk_request_status(srv_store(r), c.e, srv_profile(r), c.region, c.by, c.now, &t, err,
                           sizeof err);
    reply_rc_table(r, rc, err, t, "requests-status");
}

/* POST /api/v1/requests/NUMBER/assign {"unit": U, "at": T} and …/resolve {"note": …, "at": T}
 * (at absent: now): fk_request_assign or fk_request_resolve, audited; answers {"number","status",
 * "changed"}. */
static void move_on(struct req *r, int assign)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r);
    const char *unit, *note, *at_s;
    char err[600];
    int64_t at;
    int asked, wrote = 0, rc;
    fk_buf b;

    if (!j)
        return;
    unit = json_string_value(json_object_get(j, "unit"));
    note = json_string_value(json_object_get(j, "note"));
    at_s = json_string_value(json_object_get(j, "at"));
    if (assign && !unit) {
        reply_error(r, 400, "bad_request", "{\"unit\": \"…\", \"at\": \"…\"}",
                    "an assignment needs a unit");
        goto out;
    }
    if (!req_now(r, &at, &asked))
        goto out;
    if (at_s && fk_time_parse(at_s, strlen(at_s), &at) != FK_OK) {
        reply_error(r, 400, "bad_request", "ISO 8601, like 2022-09-01T10:00:00+08:00",
                    "at '%s' is not a time", at_s);
        goto out;
    }
    rc =
        assign
            ? fk_request_assign(srv_store(r), &actor, r->param, unit, at, &wrote, err, sizeof err)
            : fk_request_resolve(srv_store(r), &actor, r->param, note, at, &wrote, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_puts(&b, "{\"number\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(&b, r->param);
    if (rc == FK_OK)
        rc = fk_buf_printf(&b, ",\"status\":\"%s\",\"changed\":%s}",
                           assign ? "assigned" : "resolved", wrote ? "true" : "false");
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
    fk_buf_fini(&b);
out:
    json_decref(j);
}

static void api_request_assign_post(struct req *r)
{
    move_on(r, 1);
}

static void api_request_resolve_post(struct req *r)
{
    move_on(r, 0);
}

/* The routes of the citizen requests (http.c walks this table; see struct route). */
const struct route api_request_routes[] = {
    {"GET", "/api/v1/requests", api_requests_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/requests/status", api_requests_status_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/requests/{}/assign", api_request_assign_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/requests/{}/resolve", api_request_resolve_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
