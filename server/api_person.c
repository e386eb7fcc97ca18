/* SPDX-License-Identifier: MIT */
/* Persons over HTTP: the search (GET /api/v1/persons?q=) and the person page (GET
 * /api/v1/persons/ID), each one library call (fk/person.h) cut to the caller's scope. A person
 * outside the scope is answered as an unknown one (404), and never found.
 *
 * The contact column needs the trace's contacts: every case at depth 2, run once per tracer and
 * kept here sorted by person (handlers run under the server lock, which guards the copy), so a
 * search typed letter by letter runs no trace. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* The contacts of the tracer they were computed from (compared by address and statistics: a new
 * build is a new tracer). Under the server lock. */
static struct {
    const fk_tracer *tr;
    struct fk_tracer_stats stats;
    struct fk_contact *k;
    size_t n;
} kept;

static int same_tracer(const fk_tracer *tr)
{
    struct fk_tracer_stats s;

    if (kept.tr != tr)
        return 0;
    memset(&s, 0, sizeof s);
    fk_tracer_stats(tr, &s);
    return memcmp(&s, &kept.stats, sizeof s) == 0;
}

/* The contacts of every case at depth 2, sorted by person, into *k and *n (borrowed until the
 * next request): 1, or 0 with an answer set. */
static int contacts(struct req *r, const struct fk_contact **k, size_t *n)
{
    struct fk_trace_opts o;
    struct fk_contact *c = NULL;
    fk_tracer *tr = srv_tracer(r);
    size_t nc = 0;
    char err[512];
    int rc;

    if (!tr)
        return 0;
    if (!same_tracer(tr)) {
        memset(&o, 0, sizeof o);
        o.depth = 2;
        rc = fk_tracer_run(tr, &o, &c, &nc, err, sizeof err);
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            return 0;
        }
        fk_person_contacts_sort(c, nc);
        free(kept.k);
        kept.k = c;
        kept.n = nc;
        kept.tr = tr;
        /* Kept with padding bytes zeroed, for the memcmp of same_tracer. */
        memset(&kept.stats, 0, sizeof kept.stats);
        fk_tracer_stats(tr, &kept.stats);
    }
    *k = kept.k;
    *n = kept.n;
    return 1;
}

/* GET /api/v1/persons?q=QUERY&limit=N: {"rows":[…],"more":true|false}. */
void api_persons_get(struct req *r)
{
    struct fk_person_find_opts o;
    const struct fk_contact *k = NULL;
    fk_table *t = NULL;
    fk_engine *e;
    int64_t limit;
    size_t n = 0;
    char err[512];
    int more = 0, rc;
    fk_buf b;

    memset(&o, 0, sizeof o);
    o.q = req_arg(r, "q");
    if (!o.q) {
        reply_error(r, 400, "bad_request", "?q=ID_NUMBER|LAST_6|NAME|PHONE|LAST_4",
                    "whom to find? q is required");
        return;
    }
    if (!req_int(r, "limit", 1, FK_PERSON_FIND_MAX, 50, &limit) || !(e = srv_engine(r)) ||
        !contacts(r, &k, &n))
        return;
    o.scope = r->who.scope;
    o.limit = (size_t)limit;
    o.contacts = k;
    o.ncontacts = n;
    rc = fk_person_find(srv_store(r), e, &o, &t, &more, err, sizeof err);
    if (rc == FK_EINVAL) {
        reply_error(r, 400, "bad_request",
                    "an ID number (18 characters or the last 6), a name or its beginning, or a "
                    "phone (11 digits or the last 4)",
                    "%s", err);
        return;
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_puts(&b, "{\"rows\":");
    if (rc == FK_OK)
        rc = fk_table_json_rows(t, 0, fk_table_nrows(t), &b);
    while (rc == FK_OK && b.len && b.data[b.len - 1] == '\n')
        b.len--;
    if (rc == FK_OK)
        rc = fk_buf_printf(&b, ",\"more\":%s}\n", more ? "true" : "false");
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, rc, "persons: out of memory");
    fk_buf_fini(&b);
    fk_table_free(t);
}

/* GET /api/v1/persons/ID_NUMBER?date=D: the person page (fk_person_page_render's object). */
void api_person_get(struct req *r)
{
    struct fk_person_page pg;
    const struct fk_contact *k = NULL;
    const char *d = req_arg(r, "date");
    int64_t pid, t = (int64_t)time(NULL);
    char id[64], err[512];
    fk_engine *e;
    fk_ctl *c;
    size_t n = 0;
    fk_buf b;
    int rc;

    fk_id_normalize(r->param, strlen(r->param), id, sizeof id);
    /* Unknown and outside the scope answer alike, so ID numbers cannot be probed. */
    if (!person_in_scope(r, id, &pid)) {
        if (!r->status)
            reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return;
    }
    if (d && fk_time_parse(d, strlen(d), &t) != FK_OK) {
        reply_error(r, 400, "bad_request", "like 2022-09-01", "date '%s' is not a date", d);
        return;
    }
    if (!(e = srv_engine(r)) || !(c = srv_ctl(r)) || !contacts(r, &k, &n))
        return;
    memset(&pg, 0, sizeof pg);
    rc = fk_person_page_get(srv_store(r), e, c, r->who.scope, pid, fk_local_day(t), k, n, &pg,
                            err, sizeof err);
    if (rc == FK_ENOENT) {
        reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return;
    }
    if (rc == FK_OK && api_alert_messages(&pg.alerts) != FK_OK) {
        rc = FK_ENOMEM;
        snprintf(err, sizeof err, "person: out of memory");
    }
    if (rc != FK_OK) {
        fk_person_page_fini(&pg);
        reply_fk(r, rc, err);
        return;
    }
    fk_buf_init(&b, 0);
    rc = fk_person_page_render(&pg, FK_FORMAT_JSON, &b);
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, rc, "person: out of memory");
    fk_buf_fini(&b);
    fk_person_page_fini(&pg);
}

/* The routes of persons (http.c walks this table; see struct route). */
const struct route api_person_routes[] = {
    {"GET", "/api/v1/persons", api_persons_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/persons/{}", api_person_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
