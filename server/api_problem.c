/* SPDX-License-Identifier: MIT */
/* The supervision problem resource (督查问题清单, issue 17): the list with what is overdue, the
 * summary per region (JSON, CSV or XLSX through reply_table), one problem with its history, and
 * its change of state (the rectification loop). Every answer is cut to the caller's scope: a
 * county's account sees and changes its county's problems only; a problem outside the scope is
 * answered as an unknown one (404), so codes cannot be probed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "fk/problem_list.h"
#include "server.h"

/* GET /api/v1/problems?status=&overdue=1&region=&now=: the list. */
static void api_problems_get(struct req *r)
{
    const char *status = req_arg(r, "status"), *over = req_arg(r, "overdue");
    struct fk_problem_query q = {-1, 0, NULL, NULL};
    char within[FK_REGION_CODE_MAX], err[512];
    enum fk_problem_status s;
    fk_table *t = NULL;
    fk_engine *e;
    int64_t now;
    int asked, rc;

    if (status && *status) {
        if (fk_problem_status_parse((fk_slice){status, strlen(status)}, &s) != FK_OK) {
            reply_error(r, 400, "bad_request", "open, rectifying or closed", "unknown status '%s'",
                        status);
            return;
        }
        q.status = (int)s;
    }
    q.overdue = over && (strcmp(over, "1") == 0 || strcmp(over, "true") == 0);
    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within))
        return;
    if (!(e = srv_engine(r)))
        return;
    q.region = within[0] ? within : NULL;
    rc = fk_problem_list(srv_store(r), e, &q, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "problems", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/problems/summary?by=county&region=&now=: per region. */
static void api_problems_summary_get(struct req *r)
{
    const char *by = req_arg(r, "by");
    enum fk_level level = FK_LEVEL_COUNTY;
    char within[FK_REGION_CODE_MAX], err[512];
    fk_table *t = NULL;
    fk_engine *e;
    int64_t now;
    int asked, rc;

    if (by && *by && !req_level(r, by, &level))
        return;
    if (!req_now(r, &now, &asked) || !req_region(r, within, sizeof within))
        return;
    if (!(e = srv_engine(r)))
        return;
    rc = fk_problem_summary(srv_store(r), e, within[0] ? within : NULL, level, now, &t, err,
                            sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "problems-summary", REPLY_PAGE_OFFSET);
}

/* 1 when problem id exists and lies inside the caller's scope; else 0 with a 404 answer set (or
 * a 500 when the store fails). */
static int visible(struct req *r, const char *id)
{
    struct fk_problem_row *rows = NULL;
    size_t n = 0;
    int rc, in = 0;

    rc = fk_problem_load(srv_store(r), id, &rows, &n);
    if (rc != FK_OK) {
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        return 0;
    }
    if (n == 1)
        in = !r->who.scope[0] ||
             fk_store_region_inside(srv_store(r), rows[0].region, r->who.scope) == 1;
    fk_problem_rows_free(rows, n);
    if (!in)
        reply_error(r, 404, "not_found", NULL, "no problem %s", id);
    return in;
}

/* GET /api/v1/problems/{id}: {"problem": the list's row, "history": [time,user,from,to,note]}. */
static void api_problem_get(struct req *r)
{
    struct fk_problem_query q = {-1, 0, NULL, r->param};
    fk_table *t = NULL, *h = NULL;
    char err[512];
    fk_engine *e;
    int64_t now;
    int asked, rc;
    fk_buf b;

    if (!req_now(r, &now, &asked) || !visible(r, r->param) || !(e = srv_engine(r)))
        return;
    fk_buf_init(&b, 0);
    /* As of now: a problem found after an asked now is null, as in the list. */
    rc = fk_problem_list(srv_store(r), e, &q, now, &t, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_problem_history(srv_store(r), r->param, &h, err, sizeof err);
    if (rc == FK_OK) {
        struct fk_table_block blocks[2] = {{"problem", t}, {"history", h}};

        rc = fk_table_blocks_render(blocks, 2, FK_FORMAT_JSON, &b);
        if (rc != FK_OK)
            snprintf(err, sizeof err, "out of memory");
    }
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, rc, err);
    fk_table_free(t);
    fk_table_free(h);
    fk_buf_fini(&b);
}

/* POST /api/v1/problems/{id}/status {"status", "note", "at"}: the change of state, audited with a
 * history row; answers {"id","status"}. */
static void api_problem_status_post(struct req *r)
{
    struct fk_actor a = req_actor(r);
    json_t *j = req_json_object(r);
    const char *status, *note, *at_s;
    enum fk_problem_status to;
    char err[600], out[200];
    int64_t at = (int64_t)time(NULL);
    int rc, n;

    if (!j)
        return;
    status = json_string_value(json_object_get(j, "status"));
    note = json_string_value(json_object_get(j, "note"));
    at_s = json_string_value(json_object_get(j, "at"));
    if (!status || fk_problem_status_parse((fk_slice){status, strlen(status)}, &to) != FK_OK) {
        reply_error(r, 400, "bad_request", "{\"status\": \"open|rectifying|closed\", \"note\": …}",
                    "status must be open, rectifying or closed");
        goto out;
    }
    if (at_s && fk_time_parse(at_s, strlen(at_s), &at) != FK_OK) {
        reply_error(r, 400, "bad_request", "ISO 8601, like 2022-09-01T10:00:00+08:00",
                    "at '%s' is not a time", at_s);
        goto out;
    }
    rc = fk_problem_set_status(srv_store(r), &a, r->param, (int)to, note ? note : "", at, err,
                               sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    n = snprintf(out, sizeof out, "{\"id\":\"%s\",\"status\":\"%s\"}\n", r->param,
                 fk_problem_status_name(to));
    reply_json(r, out, (size_t)n);
out:
    json_decref(j);
}

/* The routes of the supervision problems (http.c walks this table; see struct route). The
 * summary comes before /problems/{} so that it is not read as a problem called "summary". */
const struct route api_problem_routes[] = {
    {"GET", "/api/v1/problems", api_problems_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/problems/summary", api_problems_summary_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/problems/{}", api_problem_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/problems/{}/status", api_problem_status_post, FK_PERM_CONTROL, 0},
    {NULL, NULL, NULL, 0, 0},
};
