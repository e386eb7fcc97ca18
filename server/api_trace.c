/* SPDX-License-Identifier: MIT */
/* Contact tracing over HTTP: the contact list, one person's chain, and the transmission graph,
 * each cut to the caller's scope (a contact is shown when the grid they live in is inside it). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define MAX_CASES 1000

/* Runs the tracer for ?case=ID,ID…&depth=&since= and keeps the contacts inside the caller's
 * scope. 0 with an answer set on failure. */
static int run(struct req *r, int default_depth, fk_tracer **tr, struct fk_contact **out,
               size_t *n)
{
    const char *cases = req_arg(r, "case"), *depth = req_arg(r, "depth"),
               *since = req_arg(r, "since");
    int32_t ids[MAX_CASES];
    struct fk_trace_opts o;

    memset(&o, 0, sizeof o);
    o.depth = default_depth;
    if (depth) {
        if (strcmp(depth, "1") != 0 && strcmp(depth, "2") != 0) {
            reply_error(r, 400, "bad_request", NULL, "depth is 1 or 2, not '%s'", depth);
            return 0;
        }
        o.depth = depth[0] - '0';
    }
    if (since && fk_time_parse(since, strlen(since), &o.since) != FK_OK) {
        reply_error(r, 400, "bad_request", NULL, "since '%s' is not an ISO 8601 time", since);
        return 0;
    }
    if (cases && *cases) {
        const char *p = cases;

        while (*p && o.ncases < MAX_CASES) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char id[64];
            int64_t pid;

            fk_id_normalize(p, len, id, sizeof id);
            if (fk_store_find_person(srv_store(r), id, &pid) != FK_OK) {
                reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
                return 0;
            }
            ids[o.ncases++] = (int32_t)pid;
            p = comma ? comma + 1 : p + len;
        }
        o.cases = ids;
    }
    return trace_in_scope(r, &o, tr, out, n);
}

int trace_in_scope(struct req *r, const struct fk_trace_opts *o, fk_tracer **tr,
                   struct fk_contact **out, size_t *n)
{
    struct fk_contact *k = NULL;
    size_t nk = 0, i, j;
    char err[512];
    int rc;

    *out = NULL;
    *n = 0;
    *tr = srv_tracer(r);
    if (!*tr)
        return 0;
    rc = fk_tracer_run(*tr, o, &k, &nk, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return 0;
    }
    for (i = 0, j = 0; i < nk; i++) {
        struct fk_person_row p;

        if (fk_store_get_person(srv_store(r), k[i].person, &p) == FK_OK && in_scope(r, p.grid))
            k[j++] = k[i];
    }
    *out = k;
    *n = j;
    return 1;
}

void api_trace_get(struct req *r)
{
    fk_tracer *tr;
    struct fk_contact *k = NULL;
    fk_table *t = NULL;
    size_t n;
    char err[512];
    int rc;

    if (!run(r, 1, &tr, &k, &n))
        return;
    rc = fk_tracer_table(tr, k, n, &t, err, sizeof err);
    free(k);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "contacts", -1);
}

void api_explain_get(struct req *r)
{
    const char *id_s = req_arg(r, "id");
    fk_tracer *tr;
    struct fk_contact *k = NULL;
    struct fk_person_row p;
    fk_table *t = NULL;
    size_t n;
    char id[64], err[512];
    int64_t pid;
    int rc;

    if (!id_s) {
        reply_error(r, 400, "bad_request", "?id=ID_NUMBER", "whose chain? id is required");
        return;
    }
    fk_id_normalize(id_s, strlen(id_s), id, sizeof id);
    if (fk_store_find_person(srv_store(r), id, &pid) != FK_OK ||
        fk_store_get_person(srv_store(r), pid, &p) != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return;
    }
    if (!in_scope(r, p.grid)) {
        reply_error(r, 403, "forbidden", NULL, "this person lives outside your scope");
        return;
    }
    if (!run(r, 2, &tr, &k, &n))
        return;
    rc = fk_tracer_explain(tr, k, n, (int32_t)pid, &t, err, sizeof err);
    free(k);
    if (rc != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "%s is not on the contact list", id);
        return;
    }
    reply_table(r, t, "explain", -1);
}

void api_chain_get(struct req *r)
{
    fk_tracer *tr;
    struct fk_contact *k = NULL;
    size_t n;
    char err[512];
    fk_buf b;

    if (!run(r, 2, &tr, &k, &n))
        return;
    fk_buf_init(&b, 0);
    if (fk_tracer_graph_json(tr, k, n, &b, err, sizeof err) != FK_OK)
        reply_fk(r, FK_ENOMEM, err);
    else
        reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
    free(k);
}
