/* SPDX-License-Identifier: MIT */
/* Cold chain over HTTP (冷链追溯, issue 16): the batch list, one batch's trace (the page of
 * fangkong coldchain trace), putting the persons who touched it under control, and the rows of
 * cold-chain events as JSON. The cold-chain index (fk_cold_index_load, about 1.3 s a million
 * events) is kept here between requests and read again when the store's control generation
 * moved: a cold-chain import is a control batch for this reason. A scoped caller sees batches and sites
 * (no personal data) and only the persons registered inside its scope; the others are counted
 * (hidden), never named. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fk/action.h"
#include "fk/coldchain.h"
#include "fk/error.h"
#include "fk/regime.h"
#include "fk/time.h"
#include "server.h"

static fk_cold_index *cold;   /* under the server lock, as every handler */
static int64_t cold_gen = -1; /* the store's control generation it was read at */

/* The index as of the store's present control generation, or NULL with an error answer set.
 * Borrowed: valid until the next request reads it again. */
static fk_cold_index *index_of(struct req *r)
{
    fk_cold_index *ix = NULL;
    int64_t gen = -1;
    int rc = fk_store_control_generation(srv_store(r), &gen);

    if (rc == FK_OK && cold && gen == cold_gen)
        return cold;
    if (rc == FK_OK)
        rc = fk_cold_index_load(srv_store(r), &ix);
    if (rc != FK_OK) {
        reply_fk(r, rc, rc == FK_EDB ? fk_store_errmsg(srv_store(r)) : fk_strerror(rc));
        return NULL;
    }
    fk_cold_index_free(cold);
    cold = ix;
    cold_gen = gen;
    return cold;
}

/* GET /api/v1/coldchain/batches?now&offset&limit: the batches as of now, positive ones first. */
static void api_coldchain_batches_get(struct req *r)
{
    fk_cold_index *ix;
    fk_table *t = NULL;
    int64_t now;
    int asked, rc;

    if (!req_now(r, &now, &asked) || !(ix = index_of(r)))
        return;
    rc = fk_cold_batches(ix, now, &t);
    if (rc != FK_OK) {
        reply_fk(r, rc, "out of memory");
        return;
    }
    reply_table(r, t, "coldchain-batches", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/coldchain/trace/{batch}?now: the batch's page as one JSON object, cut to the
 * caller's scope. */
static void api_coldchain_trace_get(struct req *r)
{
    struct fk_cold_page pg;
    fk_cold_index *ix;
    fk_engine *e = NULL;
    char err[512];
    int64_t now;
    int asked, rc;
    fk_buf b;

    if (!req_now(r, &now, &asked))
        return;
    if (r->who.scope[0] && !(e = srv_engine(r)))
        return;
    if (!(ix = index_of(r)))
        return;
    fk_buf_init(&b, 0);
    rc = fk_cold_page_get(srv_store(r), e, ix, r->who.scope, r->param,
                          (int64_t)srv_profile(r)->coldchain_window_hours * 3600, now, &pg, err,
                          sizeof err);
    if (rc == FK_OK)
        rc = fk_cold_page_render(&pg, FK_FORMAT_JSON, &b);
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, rc, err);
    fk_cold_page_fini(&pg);
    fk_buf_fini(&b);
}

/* POST /api/v1/coldchain/trace/{batch}/control {"at"}: every registered person who touched the
 * batch, inside the caller's scope and not under control already, goes under coldchain control
 * at the profile's place and regime. Answer: {"persons","added","already","outside",
 * "unregistered"}. */
static void api_coldchain_control_post(struct req *r)
{
    struct fk_cold_control_count k;
    struct fk_cold_trace *t = NULL;
    struct fk_actor a = req_actor(r);
    fk_cold_index *ix = NULL;
    json_t *j = req_json_object(r);
    const char *at_s;
    char err[512], out[256];
    int64_t at = (int64_t)time(NULL), now;
    int asked, rc, n;

    if (!j)
        return;
    at_s = json_string_value(json_object_get(j, "at"));
    if (at_s && fk_time_parse(at_s, strlen(at_s), &at) != FK_OK) {
        reply_error(r, 400, "bad_request", "ISO 8601, like 2022-09-01T10:00:00+08:00",
                    "at '%s' is not a time", at_s);
        goto out;
    }
    if (!req_now(r, &now, &asked) || !(ix = index_of(r)))
        goto out;
    rc = fk_cold_trace_get(ix, r->param, (int64_t)srv_profile(r)->coldchain_window_hours * 3600,
                           now, &t);
    if (rc != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "no cold-chain batch %s", r->param);
        goto out;
    }
    rc = fk_cold_control(srv_store(r), &a, srv_profile(r), t, at, &k, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    srv_invalidate(r);
    n = snprintf(out, sizeof out,
                 "{\"persons\":%zu,\"added\":%zu,\"already\":%zu,\"outside\":%zu,"
                 "\"unregistered\":%zu}\n",
                 k.persons, k.added, k.already, k.outside, k.unregistered);
    reply_json(r, out, (size_t)n);
out:
    fk_cold_trace_free(t);
    json_decref(j);
}

/* POST /api/v1/coldchain: rows of cold-chain events as JSON, as POST /api/v1/rows/coldchain. */
static void api_coldchain_post(struct req *r)
{
    r->param = "coldchain";
    api_rows_post(r);
}

/* The routes of the cold chain (http.c walks this table; see struct route). */
const struct route api_coldchain_routes[] = {
    {"GET", "/api/v1/coldchain/batches", api_coldchain_batches_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/coldchain/trace/{}", api_coldchain_trace_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/coldchain/trace/{}/control", api_coldchain_control_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/coldchain", api_coldchain_post, FK_PERM_POST_RESULTS, 0},
    {NULL, NULL, NULL, 0, 0},
};
