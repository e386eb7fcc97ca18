/* SPDX-License-Identifier: MIT */
/* The transfer resource (闭环转运, issue 18): each person's closed-loop transfer with its state as
 * of ?now= (JSON, CSV or XLSX), the summary per region, and a task's picked_up or handed_over
 * event recorded through the action (audited). The answers are cut to the caller's scope (a
 * county sees the persons who live in it); a task with none of its persons in scope answers as
 * an unknown task. They read the store; an event moves no generation (an event batch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server.h"

#define MAX_PERSONS 1000

/* GET /api/v1/transfers?open=1&overdue=1&region=&now=T&format=: fk_transfer_list within the
 * scope. */
static void api_transfers_get(struct req *r)
{
    struct fk_transfer_query q = {0, 0, NULL};
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_flag(r, "open", &q.open) || !req_flag(r, "overdue", &q.overdue) || !req_cut(r, 0, &c))
        return;
    q.region = c.region;
    rc = fk_transfer_list(srv_store(r), c.e, srv_profile(r), &q, c.now, &t, err, sizeof err);
    reply_rc_table(r, rc, err, t, "transfers");
}

/* GET /api/v1/transfers/status?by=county&region=&now=T&format=: per region. */
static void api_transfers_status_get(struct req *r)
{
    struct req_cut c;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_cut(r, 1, &c))
        return;
    rc = fk_transfer_status(srv_store(r), c.e, srv_profile(r), c.region, c.by, c.now, &t, err,
                            sizeof err);
    reply_rc_table(r, rc, err, t, "transfers-status");
}

/* POST /api/v1/transfers/TASK/event {"event": "picked_up"|"handed_over", "at": T, "persons":
 * ["ID_NUMBER", …] (absent or empty: all the task's persons)}: records the event
 * (fk_transfer_event, audited transfer.event); answers {"task","event","at","recorded":N}. */
static void api_transfer_event_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r), *ev, *at, *persons;
    char err[512], when[FK_TIME_RENDER_MAX], id[64];
    int64_t *pids = NULL, t;
    size_t recorded = 0, n = 0, i;
    fk_buf b;
    int event, rc;

    if (!j)
        return;
    ev = json_object_get(j, "event");
    at = json_object_get(j, "at");
    persons = json_object_get(j, "persons");
    if (!json_is_string(ev) ||
        fk_transfer_event_parse((fk_slice){json_string_value(ev), strlen(json_string_value(ev))},
                                &event) != FK_OK) {
        reply_error(r, 400, "bad_request", "{\"event\": \"picked_up\" or \"handed_over\"}",
                    "event is not picked_up or handed_over");
        goto out;
    }
    if (!json_is_string(at) ||
        fk_time_parse(json_string_value(at), strlen(json_string_value(at)), &t) != FK_OK) {
        reply_error(r, 400, "bad_request", "{\"at\": \"2022-08-25T09:30:00+08:00\"}",
                    "at is missing or not an ISO 8601 time");
        goto out;
    }
    if (persons && !json_is_null(persons)) {
        if (!json_is_array(persons) || json_array_size(persons) > MAX_PERSONS) {
            reply_error(r, 400, "bad_request", "{\"persons\": [\"ID_NUMBER\", …]}",
                        "persons is not a list of at most %d ID numbers", MAX_PERSONS);
            goto out;
        }
        n = json_array_size(persons);
        pids = n ? calloc(n, sizeof *pids) : NULL;
        if (n && !pids) {
            reply_fk(r, FK_ENOMEM, "out of memory");
            goto out;
        }
        for (i = 0; i < n; i++) {
            const char *s = json_string_value(json_array_get(persons, i));

            if (!s) {
                reply_error(r, 400, "bad_request", "{\"persons\": [\"ID_NUMBER\", …]}",
                            "persons[%zu] is not an ID number", i);
                goto out;
            }
            fk_id_normalize(s, strlen(s), id, sizeof id);
            /* Unknown and outside the scope answer alike, so ID numbers cannot be probed. */
            if (!person_in_scope(r, id, &pids[i])) {
                if (!r->status)
                    reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
                goto out;
            }
        }
    }
    rc = fk_transfer_event(srv_store(r), &actor, r->param, event, t, pids, n, &recorded, err,
                           sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_puts(&b, "{\"task\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(&b, r->param);
    if (rc == FK_OK)
        rc = fk_buf_printf(&b, ",\"event\":\"%s\",\"at\":\"%s\",\"recorded\":%zu}",
                           fk_transfer_event_name(event), fk_time_render(t, when), recorded);
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
    fk_buf_fini(&b);
out:
    free(pids);
    json_decref(j);
}

const struct route api_transfer_routes[] = {
    {"GET", "/api/v1/transfers", api_transfers_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/transfers/status", api_transfers_status_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/transfers/{}/event", api_transfer_event_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
