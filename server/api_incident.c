/* SPDX-License-Identifier: MIT */
/* The incident resource (响应时限, issue 17): every case's response timers as of ?now= (JSON,
 * CSV or XLSX), one case with its timers and the close contacts behind lock24, and an onsite or
 * activated event recorded through the action (audited). The list is cut to the caller's scope
 * (a county sees its own cases); a case outside it answers as an unknown person. The answers
 * read the store and the server's tracer; an event moves no generation (an event batch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server.h"

/* GET /api/v1/incidents?open=1&region=&now=T&format=: fk_response_list within the scope. */
void api_incidents_get(struct req *r)
{
    const char *region = req_arg(r, "region"), *open = req_arg(r, "open");
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_engine *e;
    fk_tracer *tr;
    int64_t now;
    int asked, rc;

    if (open && strcmp(open, "0") != 0 && strcmp(open, "1") != 0) {
        reply_error(r, 400, "bad_request", "open=1 or open=0", "open '%s' is not 0 or 1", open);
        return;
    }
    if (!req_now(r, &now, &asked))
        return;
    if (!region || !*region)
        fk_strlcpy(within, r->who.scope, sizeof within);
    else if (!scope_within(r, region, within, sizeof within))
        return;
    if (!(e = srv_engine(r)) || !(tr = srv_tracer(r)))
        return;
    rc = fk_response_list(srv_store(r), e, tr, srv_profile(r), within[0] ? within : NULL, now,
                          open && strcmp(open, "1") == 0, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "incidents", REPLY_PAGE_OFFSET);
}

static const struct fk_col case_cols[] = {
    {"case", FK_COL_TEXT},        {"name", FK_COL_TEXT},  {"region", FK_COL_TEXT},
    {"region_name", FK_COL_TEXT}, {"start", FK_COL_TEXT},
};

/* GET /api/v1/incidents/ID_NUMBER?now=T: {"case": {case,name,region,region_name,start},
 * "timers": [four rows of the list], "contacts": [the close contacts behind lock24]}. */
void api_incident_get(struct req *r)
{
    struct fk_person_row pr;
    fk_table *timers = NULL, *contacts = NULL, *head = NULL;
    char id[64], err[512], name[128];
    int64_t pid, now;
    fk_engine *e;
    fk_tracer *tr;
    int asked, rc;
    fk_buf b;

    fk_id_normalize(r->param, strlen(r->param), id, sizeof id);
    /* Unknown and outside the scope answer alike, so ID numbers cannot be probed. */
    if (!person_in_scope(r, id, &pid)) {
        if (!r->status)
            reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return;
    }
    if (!req_now(r, &now, &asked) || !(e = srv_engine(r)) || !(tr = srv_tracer(r)))
        return;
    rc = fk_response_case(srv_store(r), e, tr, srv_profile(r), pid, now, &timers, err, sizeof err);
    if (rc == FK_ENOENT) {
        reply_error(r, 404, "not_found", "import it in a cases file first", "%s is not a case", id);
        return;
    }
    if (rc == FK_OK)
        rc = fk_response_contacts(srv_store(r), e, tr, srv_profile(r), pid, now, &contacts, err,
                                  sizeof err);
    name[0] = '\0';
    if (rc == FK_OK && fk_store_get_person(srv_store(r), pid, &pr) == FK_OK)
        fk_strlcpy(name, pr.name ? pr.name : "", sizeof name);
    if (rc == FK_OK)
        rc = fk_table_new(case_cols, sizeof case_cols / sizeof case_cols[0], &head);
    if (rc == FK_OK) {
        const char *vals[5] = {id, name, fk_table_get(timers, 0, 1), fk_table_get(timers, 0, 2),
                               fk_table_get(timers, 0, 3)};

        rc = fk_table_add(head, vals);
    }
    if (rc == FK_OK) {
        const struct fk_table_block blocks[] = {
            {"case", head}, {"timers", timers}, {"contacts", contacts}};

        fk_buf_init(&b, 0);
        rc = fk_table_blocks_render(blocks, 3, FK_FORMAT_JSON, &b);
        if (rc == FK_OK)
            reply_json(r, b.data, b.len);
        fk_buf_fini(&b);
        if (rc != FK_OK)
            snprintf(err, sizeof err, "incident: out of memory");
    }
    if (rc != FK_OK)
        reply_fk(r, rc, err);
    fk_table_free(head);
    fk_table_free(contacts);
    fk_table_free(timers);
}

/* POST /api/v1/incidents/ID_NUMBER/events {"event": "onsite"|"activated", "at": T, "note": "…"}:
 * records the event (fk_incident_event_add, audited incident.event); answers
 * {"case","event","at","did":"new"|"same"|"updated"}. */
void api_incident_event_post(struct req *r)
{
    struct fk_actor actor = req_actor(r);
    json_t *j = req_json_object(r), *ev, *at, *note;
    char id[64], err[512], out[256], when[FK_TIME_RENDER_MAX];
    int64_t pid, t;
    enum fk_put did;
    int event, rc, n;

    if (!j)
        return;
    fk_id_normalize(r->param, strlen(r->param), id, sizeof id);
    if (!person_in_scope(r, id, &pid)) {
        if (!r->status)
            reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        goto out;
    }
    ev = json_object_get(j, "event");
    at = json_object_get(j, "at");
    note = json_object_get(j, "note");
    if (!json_is_string(ev) ||
        fk_inc_event_parse((fk_slice){json_string_value(ev), strlen(json_string_value(ev))},
                           &event) != FK_OK) {
        reply_error(r, 400, "bad_request", "{\"event\": \"onsite\" or \"activated\"}",
                    "event is not onsite or activated");
        goto out;
    }
    if (!json_is_string(at) ||
        fk_time_parse(json_string_value(at), strlen(json_string_value(at)), &t) != FK_OK) {
        reply_error(r, 400, "bad_request", "{\"at\": \"2022-08-25T09:30:00+08:00\"}",
                    "at is missing or not an ISO 8601 time");
        goto out;
    }
    if (note && !json_is_string(note) && !json_is_null(note)) {
        reply_error(r, 400, "bad_request", "{\"note\": \"text\"}", "note is not text");
        goto out;
    }
    rc = fk_incident_event_add(srv_store(r), &actor, pid, event, t,
                               json_is_string(note) ? json_string_value(note) : NULL, &did, err,
                               sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    n = snprintf(out, sizeof out, "{\"case\":\"%s\",\"event\":\"%s\",\"at\":\"%s\",\"did\":\"%s\"}",
                 id, fk_inc_event_name(event), fk_time_render(t, when),
                 did == FK_PUT_NEW       ? "new"
                 : did == FK_PUT_UPDATED ? "updated"
                                         : "same");
    reply_json(r, out, (size_t)n);
out:
    json_decref(j);
}

const struct route api_incident_routes[] = {
    {"GET", "/api/v1/incidents", api_incidents_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/incidents/{}", api_incident_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/incidents/{}/events", api_incident_event_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
