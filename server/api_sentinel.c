/* SPDX-License-Identifier: MIT */
/* Sentinels over HTTP (issue 16): signals posted as JSON rows, the board (哨点预警) for a day per
 * region of a level inside the caller's scope, and the rows behind one cell, scope-cut.
 *
 * The board's index (fk_senb) is kept here, under the server lock the handlers run under, and
 * rebuilt when the engine or the store's control generation (sentinel rows come in control
 * batches) moved since it was built. A post raises the alerts of the days it touched at once,
 * county by county, as door events raise theirs. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#include "fk/sentinel_board.h"

static fk_senb *board; /* under the server lock */

/* The index, current with the engine and the store; NULL with an answer set. */
static fk_senb *srv_senb(struct req *r)
{
    fk_engine *e = srv_engine(r);
    struct fk_engine_stats es;
    int64_t g, cg, store_cg;
    fk_senb *b = NULL;
    char err[512];
    int rc;

    if (!e)
        return NULL;
    rc = fk_store_control_generation(srv_store(r), &store_cg);
    if (rc != FK_OK) {
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        return NULL;
    }
    fk_engine_stats(e, &es);
    if (board) {
        fk_senb_built_at(board, &g, &cg);
        if (fk_senb_engine(board) == e && g == es.generation && cg == store_cg)
            return board;
    }
    rc = fk_senb_build(srv_store(r), e, srv_profile(r), &b, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    fk_senb_free(board);
    board = b;
    return b;
}

/* ?date= as a local day (default: today as of ?now=); 0 with an answer set. */
static int date_arg(struct req *r, int64_t *day)
{
    const char *d = req_arg(r, "date");
    int64_t t;
    int asked;

    if (!req_now(r, &t, &asked))
        return 0;
    if (d && *d && fk_time_parse(d, strlen(d), &t) != FK_OK) {
        reply_error(r, 400, "bad_request", "like 2022-09-01", "date '%s' is not a date", d);
        return 0;
    }
    *day = fk_local_day(t);
    return 1;
}

/* GET /api/v1/sentinel/board?date=&by=&region=: region,name,kind,date,count,mean,sd,fires for
 * every region of level by (default county) inside the caller's scope (or ?region= within it). */
void api_sentinel_board_get(struct req *r)
{
    const char *by = req_arg(r, "by");
    char within[FK_REGION_CODE_MAX], err[512];
    enum fk_level level;
    fk_table *t = NULL;
    int64_t day;
    fk_senb *b;
    int rc;

    if (!by || !*by)
        by = "county";
    if (fk_level_parse((fk_slice){by, strlen(by)}, &level) != FK_OK ||
        level == FK_LEVEL_PROVINCE) {
        reply_error(r, 400, "bad_request", "grid, community, township, county or city",
                    "by '%s' is not a region level", by);
        return;
    }
    if (!req_region(r, within, sizeof within) ||
        !date_arg(r, &day) || !(b = srv_senb(r)))
        return;
    rc = fk_senb_board(b, within, level, day, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "sentinel-board", REPLY_PAGE_OFFSET);
}

/* GET /api/v1/sentinel/rows?region=&kind=&date=: the rows behind one cell of the board,
 * source,kind,time,grid,count,id_number, for a region inside the caller's scope. */
void api_sentinel_rows_get(struct req *r)
{
    const char *ks = req_arg(r, "kind");
    char within[FK_REGION_CODE_MAX], err[512];
    enum fk_sen_kind kind = FK_SEN_OTHER;
    fk_table *t = NULL;
    int64_t day;
    fk_senb *b;
    int rc;

    if (ks && *ks && fk_sen_kind_parse((fk_slice){ks, strlen(ks)}, &kind) != FK_OK) {
        reply_error(r, 400, "bad_request", "fever_clinic, pharmacy, coldchain, station, school "
                    "or other", "kind '%s' is unknown", ks);
        return;
    }
    if (!req_region(r, within, sizeof within) ||
        !date_arg(r, &day) || !(b = srv_senb(r)))
        return;
    rc = fk_senb_rows(b, srv_store(r), within, ks && *ks ? (int)kind : -1, day, &t, err,
                      sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "sentinel-rows", REPLY_PAGE_OFFSET);
}

/* POST /api/v1/sentinels: sentinel signals as JSON rows (one object or an array of
 * {"source","kind","time","grid","count","id_number"}), through the checks of an import, as
 * POST /api/v1/rows/sentinels; then the alerts of today (as of ?now=) are raised county by
 * county, so a firing is seen as soon as its rows arrive. Answer as rows/sentinels, its alerts
 * the new sentinel alerts. */
void api_sentinels_post(struct req *r)
{
    struct fk_import_problem *probs = NULL;
    struct fk_import_summary sum;
    struct fk_actor actor = req_actor(r);
    struct fk_import_record rec;
    char err[1024], begun[96];
    size_t nprobs = 0, raised = 0;
    int64_t day;
    fk_senb *b;
    int rc;

    if (!date_arg(r, &day) || !srv_engine(r))
        goto out;
    snprintf(begun, sizeof begun, "begun: %zu bytes of JSON rows", r->body.len);
    memset(&rec, 0, sizeof rec);
    rec.begun = begun;
    rec.done_action = "import.done";
    rec.done_prefix = "sentinels: ";
    rc = fk_import_run_json(srv_store(r), &actor, srv_profile(r), FK_IMPORT_SENTINELS,
                            r->body.data, r->body.len, NULL, 0, NULL, &rec, &sum, &probs, &nprobs,
                            err, sizeof err);
    if (rc == FK_EINVAL) {
        reply_error(r, 400, "bad_request", "a signal object or an array of them", "%s", err);
        goto out;
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    if (sum.accepted) {
        if (!(b = srv_senb(r)))
            goto out;
        rc = fk_sentinel_alerts(srv_store(r), b, FK_LEVEL_COUNTY, day, (int64_t)time(NULL),
                                &raised, err, sizeof err);
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            goto out;
        }
        sum.alerts += raised;
    }
    reply_rows(r, &sum, probs, nprobs, 1);
out:
    fk_import_problems_free(probs, nprobs);
}

/* The routes of sentinels (http.c walks this table; see struct route). */
const struct route api_sentinel_routes[] = {
    {"GET", "/api/v1/sentinel/board", api_sentinel_board_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/sentinel/rows", api_sentinel_rows_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/sentinels", api_sentinels_post, FK_PERM_POST_RESULTS, 0},
    {NULL, NULL, NULL, 0, 0},
};
