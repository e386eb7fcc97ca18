/* SPDX-License-Identifier: MIT */
/* GET /api/v1/score?period=&by=&detail=1|table=1: the assessment (目标责任考核) of a period, the
 * library's fk_assess_score answer as the CLI prints it, cut to the caller's scope: an account of a
 * county receives its own county's row with its rank among all, the city's headquarters every row.
 * Each row carries the period scored (the latest when none is asked) in a last column, "period". */
#include <string.h>

#include "fk/assess.h"
#include "fk/buf.h"
#include "server.h"

static int is_code(void *ud, const struct fk_record_value *v, size_t n)
{
    return n > 0 && v[0].s && strcmp(v[0].s, (const char *)ud) == 0 ? 1 : 0;
}

/* 1 when a scores row of the computed indicator code exists (the walk stops at the first). */
static int has_rows(fk_store *st, const char *code)
{
    return fk_store_each_record(st, FK_IMPORT_SCORES, is_code, (void *)code) == 1;
}

/* The question both answers share: the period (checked), now, the store and engine, and the
 * indexes a computed indicator needs. 0 with an answer set on failure. */
static int ask_of(struct req *r, struct fk_assess_ask *ask, fk_store **st, fk_engine **e)
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
    /* the vaccination index and the tracer only when a computed vax12_full or lock24 row may
     * need them: built at 10 M residents they take seconds to minutes; the server keeps both */
    if ((has_rows(*st, "vax12_full") && !(ask->vax = srv_vax(r))) ||
        (has_rows(*st, "lock24") && !(ask->tracer = srv_tracer(r))))
        return 0;
    return 1;
}

void api_score_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *detail = req_arg(r, "detail"), *table = req_arg(r, "table");
    fk_table *all = NULL, *t = NULL;
    struct fk_assess_ask ask;
    fk_store *st;
    fk_engine *e;
    char err[512], scored[64];
    size_t i, c, nc, rcol;
    int rc, det = detail && strcmp(detail, "1") == 0, meet = table && strcmp(table, "1") == 0;

    if (!ask_of(r, &ask, &st, &e) || !req_level(r, by, &ask.by))
        return;
    ask.detail = meet ? 3 : det ? 2 : 0;
    rc = fk_assess_score(st, e, srv_profile(r), &ask, scored, sizeof scored, &all, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    if (meet) { /* cut to the scope by the library */
        reply_table(r, all, "score-table", -1);
        return;
    }
    /* the rows of regions inside the caller's scope, with the period scored */
    {
        static const struct fk_col rank_cols[] = {{"rank", FK_COL_INT},   {"region", FK_COL_TEXT},
                                                  {"name", FK_COL_TEXT},  {"score", FK_COL_REAL},
                                                  {"grade", FK_COL_TEXT}, {"veto", FK_COL_TEXT},
                                                  {"period", FK_COL_TEXT}};
        static const struct fk_col detail_cols[] = {
            {"region", FK_COL_TEXT},   {"indicator", FK_COL_TEXT}, {"target", FK_COL_REAL},
            {"actual", FK_COL_REAL},   {"r", FK_COL_REAL},         {"name", FK_COL_TEXT},
            {"category", FK_COL_TEXT}, {"weight", FK_COL_REAL},    {"direction", FK_COL_TEXT},
            {"veto", FK_COL_INT},      {"computed", FK_COL_INT},   {"period", FK_COL_TEXT}};

        nc = fk_table_ncols(all);
        rcol = det ? 0 : 1;
        rc = fk_table_new(det ? detail_cols : rank_cols, nc + 1, &t);
        for (i = 0; rc == FK_OK && i < fk_table_nrows(all); i++) {
            const char *vals[13];

            if (!in_scope(r, fk_table_get(all, i, rcol)))
                continue;
            for (c = 0; c < nc; c++)
                vals[c] = fk_table_get(all, i, c);
            vals[nc] = scored;
            rc = fk_table_add(t, vals);
        }
    }
    fk_table_free(all);
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, "out of memory");
        return;
    }
    reply_table(r, t, det ? "score-detail" : "score", -1);
}

static const struct fk_col one_rank_cols[] = {
    {"rank", FK_COL_INT},   {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"score", FK_COL_REAL},
    {"grade", FK_COL_TEXT}, {"veto", FK_COL_TEXT},   {"period", FK_COL_TEXT}};

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
    struct fk_assess_explain x;
    struct fk_table_block blocks[2 + FK_ASSESS_EXPLAIN_MAX];
    fk_table *all = NULL, *one = NULL;
    fk_store *st;
    fk_engine *e;
    fk_buf b;
    char err[512], scored[64];
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
    if (!ask_of(r, &ask, &st, &e))
        return;
    ask.by = fk_engine_region_level(e, region);
    ask.within = region;
    rc = fk_assess_explain(st, e, srv_profile(r), &ask, region, &x, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    ask.period = x.period;
    rc = fk_assess_score(st, e, srv_profile(r), &ask, scored, sizeof scored, &all, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_table_new(one_rank_cols, 7, &one);
    for (i = 0; rc == FK_OK && i < fk_table_nrows(all); i++) {
        const char *v[7];
        size_t c;

        if (strcmp(fk_table_get(all, i, 1), region) != 0)
            continue;
        for (c = 0; c < 6; c++)
            v[c] = fk_table_get(all, i, c);
        v[6] = scored;
        rc = fk_table_add(one, v);
    }
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
        reply_fk(r, rc, rc == FK_ENOMEM ? "out of memory" : err);
    fk_buf_fini(&b);
    fk_table_free(one);
    fk_table_free(all);
    fk_assess_explain_fini(&x);
}

/* The routes of the assessment (http.c walks this table; see struct route). */
const struct route api_assess_routes[] = {
    {"GET", "/api/v1/score", api_score_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/score/explain", api_score_explain_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
