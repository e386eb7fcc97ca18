/* SPDX-License-Identifier: MIT */
/* GET /api/v1/score?period=&by=&detail=1|table=1: the assessment (目标责任考核) of a period, the
 * library's fk_assess_score answer as the CLI prints it, cut to the caller's scope: an account of a
 * county receives its own county's row with its rank among all, the city's headquarters every row.
 * Each row carries the period scored (the latest when none is asked) in a last column, "period". */
#include <string.h>

#include "fk/assess.h"
#include "fk/buf.h"
#include "server.h"

/* The indexes the server keeps, handed to the scoring when a computed indicator asks for one
 * (built at 10 M residents they take seconds to minutes; none is built when no indicator needs
 * it). A getter that fails has set the answer: the caller replies only when none is set. */
static int got(const void *index, char *err, size_t errlen)
{
    if (index)
        return FK_OK;
    snprintf(err, errlen, "an index failed (answered)");
    return FK_EDB;
}

static int get_vax(void *ud, fk_vax **out, char *err, size_t errlen)
{
    return got(*out = srv_vax(ud), err, errlen);
}

static int get_tracer(void *ud, fk_tracer **out, char *err, size_t errlen)
{
    return got(*out = srv_tracer(ud), err, errlen);
}

static int get_reports(void *ud, fk_reports **out, char *err, size_t errlen)
{
    return got(*out = srv_reports(ud), err, errlen);
}

/* The answer of a failed scoring, unless a getter has set one. */
static void reply_failed(struct req *r, int rc, const char *err)
{
    if (!r->status)
        reply_fk(r, rc, err);
}

/* The question both answers share: the period (checked), now, the store and engine, and where
 * the indexes come from (src, the caller's). 0 with an answer set on failure. */
static int ask_of(struct req *r, struct fk_assess_ask *ask, struct fk_assess_src *src,
                  fk_store **st, fk_engine **e)
{
    const char *period = req_arg(r, "period");
    int asked;

    memset(ask, 0, sizeof *ask);
    if (period && (!*period || strlen(period) > 15)) {
        reply_error(r, 400, "bad_request", "a period as the scores file writes it: 2022, 2022-H1",
                    "period '%s' is not a period", period);
        return 0;
    }
    if (!req_now(r, &ask->now, &asked) || !(*st = srv_store(r)) || !(*e = srv_engine(r)))
        return 0;
    ask->period = period;
    ask->by = FK_LEVEL_COUNTY;
    ask->within = r->who.scope;
    *src = (struct fk_assess_src){r, get_vax, get_tracer, get_reports};
    ask->src = src;
    return 1;
}

/* The library's ranking and detail columns, each with the period scored after them. */
static const struct fk_col rank_cols[] = {
    {"rank", FK_COL_INT},   {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"score", FK_COL_REAL},
    {"grade", FK_COL_TEXT}, {"veto", FK_COL_TEXT},   {"period", FK_COL_TEXT}};
static const struct fk_col detail_cols[] = {
    {"region", FK_COL_TEXT},   {"indicator", FK_COL_TEXT}, {"target", FK_COL_REAL},
    {"actual", FK_COL_REAL},   {"r", FK_COL_REAL},         {"name", FK_COL_TEXT},
    {"category", FK_COL_TEXT}, {"weight", FK_COL_REAL},    {"direction", FK_COL_TEXT},
    {"veto", FK_COL_INT},      {"computed", FK_COL_INT},   {"period", FK_COL_TEXT}};

/* The rows of all whose column rcol is a region inside the caller's scope, each with period in a
 * last column, into *out (cols: all's columns, then "period"). FK_OK or FK_ENOMEM. */
static int scoped_with_period(struct req *r, const fk_table *all, size_t rcol,
                              const struct fk_col *cols, const char *period, fk_table **out)
{
    size_t i, c, nc = fk_table_ncols(all);
    int rc = fk_table_new(cols, nc + 1, out);

    for (i = 0; rc == FK_OK && i < fk_table_nrows(all); i++) {
        const char *vals[13];

        if (!in_scope(r, fk_table_get(all, i, rcol)))
            continue;
        for (c = 0; c < nc; c++)
            vals[c] = fk_table_get(all, i, c);
        vals[nc] = period;
        rc = fk_table_add(*out, vals);
    }
    return rc;
}

void api_score_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *detail = req_arg(r, "detail"), *table = req_arg(r, "table");
    fk_table *all = NULL, *t = NULL;
    struct fk_assess_ask ask;
    struct fk_assess_src src;
    fk_store *st;
    fk_engine *e;
    char err[512], scored[64];
    int rc, det = detail && strcmp(detail, "1") == 0, meet = table && strcmp(table, "1") == 0;

    if (!ask_of(r, &ask, &src, &st, &e) || !req_level(r, by, &ask.by))
        return;
    ask.detail = meet ? 3 : det ? 2 : 0;
    rc = fk_assess_score(st, e, srv_profile(r), &ask, scored, sizeof scored, &all, err, sizeof err);
    if (rc != FK_OK) {
        reply_failed(r, rc, err);
        return;
    }
    if (meet) { /* cut to the scope by the library */
        reply_table(r, all, "score-table", -1);
        return;
    }
    /* the rows of regions inside the caller's scope, with the period scored */
    rc = scoped_with_period(r, all, det ? 0 : 1, det ? detail_cols : rank_cols, scored, &t);
    fk_table_free(all);
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, "out of memory");
        return;
    }
    reply_table(r, t, det ? "score-detail" : "score", -1);
}

/* 1 when t has a column named id_number (rows that name persons). */
static int names_persons(const fk_table *t)
{
    size_t c;

    for (c = 0; t && c < fk_table_ncols(t); c++)
        if (strcmp(fk_table_col(t, c)->name, "id_number") == 0)
            return 1;
    return 0;
}

/* GET /api/v1/score/explain?region=R[&period=P]: why region R scores what it does, one object:
 * {"score": its ranking row with the period, "items": its indicators (detail 2), then per
 * computed indicator the rows behind its actual}. R must lie in the caller's scope (403); the rows
 * that name persons (lock24's contacts) only for an account that reads persons. */
void api_score_explain_get(struct req *r)
{
    const char *region = req_arg(r, "region");
    struct fk_assess_ask ask;
    struct fk_assess_src src;
    struct fk_assess_explain x;
    struct fk_table_block blocks[2 + FK_ASSESS_EXPLAIN_MAX];
    fk_table *one = NULL;
    fk_store *st;
    fk_engine *e;
    fk_buf b;
    char err[512];
    size_t i, n = 0;
    int rc;

    if (!region || !*region) {
        reply_error(r, 400, "bad_request", "?region=CODE of a county", "region is required");
        return;
    }
    if (!in_scope(r, region)) {
        reply_error(r, 403, "forbidden", "a region inside your scope",
                    "region %s is outside your scope", region);
        return;
    }
    if (!ask_of(r, &ask, &src, &st, &e))
        return;
    rc = fk_assess_explain(st, e, srv_profile(r), &ask, region, &x, err, sizeof err);
    if (rc != FK_OK) {
        reply_failed(r, rc, err);
        return;
    }
    /* the ranking row with the period scored (region is inside the scope) */
    rc = scoped_with_period(r, x.rank, 1, rank_cols, x.period, &one);
    fk_buf_init(&b, 0);
    blocks[n++] = (struct fk_table_block){"score", one};
    blocks[n++] = (struct fk_table_block){"items", x.items};
    for (i = 0; i < x.n; i++)
        if (!names_persons(x.rows[i]) || fk_role_can(r->who.role, FK_PERM_READ_PERSONS))
            blocks[n++] = (struct fk_table_block){x.name[i], x.rows[i]};
    if (rc == FK_OK)
        rc = fk_table_blocks_render(blocks, n, FK_FORMAT_JSON, &b);
    if (rc == FK_OK)
        reply_json(r, b.data, b.len);
    else
        reply_fk(r, rc, "out of memory");
    fk_buf_fini(&b);
    fk_table_free(one);
    fk_assess_explain_fini(&x);
}

/* The routes of the assessment (http.c walks this table; see struct route). */
const struct route api_assess_routes[] = {
    {"GET", "/api/v1/score", api_score_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/score/explain", api_score_explain_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
