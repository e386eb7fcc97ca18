/* SPDX-License-Identifier: MIT */
/* Screening over HTTP: regions (drill-down), rounds, coverage, missing, retest, turnaround and the
 * dashboard. Every answer is cut to the caller's scope: a round's region is narrowed to the
 * deeper of it and the scope (scope_within), so a county desk's coverage, missing list and tube
 * counts are its county's, whatever it asks. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

/* The round named by ?round= (or the latest one), narrowed to the caller's scope and cut to the
 * answer's clock (req_now: samples after it do not exist yet), in *out; the clock in *now, and
 * the end of the round's window before the cut in *end when end is not NULL. 0 with an answer set
 * when there is none, it is outside the scope, or ?now= is bad. */
static int scoped_round(struct req *r, struct fk_round *out, int64_t *now, int64_t *end)
{
    const char *name = req_arg(r, "round");
    char region[FK_REGION_CODE_MAX];
    int rc, asked;

    if (!req_now(r, now, &asked))
        return 0;
    rc = srv_round(r, name, out);
    if (rc == FK_ENOENT) {
        if (name)
            reply_error(r, 404, "not_found", "GET /api/v1/rounds lists them",
                        "no round named '%s'", name);
        else
            reply_error(r, 404, "not_found", "create one with POST /api/v1/rounds",
                        "no screening round yet");
        return 0;
    }
    if (rc != FK_OK)
        return 0; /* answered */
    if (!srv_engine(r) || !scope_within(r, out->region, region, sizeof region))
        return 0;
    fk_strlcpy(out->region, region, sizeof out->region);
    if (end)
        *end = out->end;
    if (asked)
        fk_round_cut(out, *now);
    return 1;
}

int req_level(struct req *r, const char *by, enum fk_level *level)
{
    if (by && (fk_level_parse((fk_slice){by, strlen(by)}, level) != FK_OK ||
               *level == FK_LEVEL_PROVINCE)) {
        reply_error(r, 400, "bad_request", "grid, community, township, county or city",
                    "unknown level '%s'", by);
        return 0;
    }
    return 1;
}

void api_regions_get(struct req *r)
{
    const char *parent = req_arg(r, "parent");
    fk_engine *e = srv_engine(r);
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!e)
        return;
    if (!parent) {
        /* No parent: the children of the caller's own scope, where a drill-down starts. */
        rc = fk_engine_children(e, r->who.scope, &t, err, sizeof err);
    } else if (!in_scope(r, parent)) {
        reply_error(r, 403, "forbidden", "ask for a region inside your scope",
                    "region %s is outside your scope %s", parent, r->who.scope);
        return;
    } else {
        rc = fk_engine_children(e, parent, &t, err, sizeof err);
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "regions", -1);
}

static const struct fk_col round_cols[] = {
    {"name", FK_COL_TEXT}, {"region", FK_COL_TEXT}, {"start", FK_COL_TEXT},
    {"end", FK_COL_TEXT},  {"created", FK_COL_TEXT},
};

struct round_walk {
    struct req *r;
    fk_table *t;
};

static int add_round(void *ud, const struct fk_round *rd)
{
    struct round_walk *w = ud;
    char s[FK_TIME_RENDER_MAX], e[FK_TIME_RENDER_MAX], c[FK_TIME_RENDER_MAX];
    const char *vals[5] = {rd->name, rd->region, fk_time_render(rd->start, s),
                           fk_time_render(rd->end, e), fk_time_render(rd->created, c)};
    fk_engine *eng = srv_engine(w->r);

    /* A round is the caller's when its region and the scope overlap. */
    if (!eng || !(fk_engine_region_inside(eng, rd->region, w->r->who.scope) ||
                  fk_engine_region_inside(eng, w->r->who.scope, rd->region)))
        return 0;
    return fk_table_add(w->t, vals);
}

void api_rounds_get(struct req *r)
{
    struct round_walk w = {r, NULL};
    int rc = fk_table_new(round_cols, 5, &w.t);

    if (rc == FK_OK)
        rc = fk_store_each_round(srv_store(r), add_round, &w);
    if (rc != FK_OK) {
        fk_table_free(w.t);
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        return;
    }
    reply_table(r, w.t, "rounds", -1);
}

void api_rounds_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *name, *region, *start, *end;
    struct fk_actor a = req_actor(r);
    struct fk_round rd;
    char why[256];
    int rc;

    if (!j)
        return;
    name = json_string_value(json_object_get(j, "name"));
    region = json_string_value(json_object_get(j, "region"));
    start = json_string_value(json_object_get(j, "start"));
    end = json_string_value(json_object_get(j, "end"));
    memset(&rd, 0, sizeof rd);
    if (!name || !region || !start || !end) {
        reply_error(r, 400, "bad_request", "send {\"name\",\"region\",\"start\",\"end\"}",
                    "a field is missing");
    } else if (strlen(name) >= sizeof rd.name || strlen(region) >= sizeof rd.region) {
        reply_error(r, 400, "bad_request", NULL, "the name or region is too long");
    } else if (fk_time_parse(start, strlen(start), &rd.start) != FK_OK ||
               fk_time_parse(end, strlen(end), &rd.end) != FK_OK) {
        reply_error(r, 400, "bad_request", "like 2022-08-28T06:00:00+08:00",
                    "start and end must be ISO 8601 times");
    } else if (!srv_engine(r)) {
        /* answered */
    } else {
        /* The rules (the window, a known region inside the caller's scope) are the action's. */
        fk_strlcpy(rd.name, name, sizeof rd.name);
        fk_strlcpy(rd.region, region, sizeof rd.region);
        rc = fk_round_add(srv_store(r), &a, &rd, why, sizeof why);
        if (rc != FK_OK) {
            reply_fk(r, rc, why);
        } else {
            srv_invalidate(r);
            r->status = 201;
            reply_json(r, "{\"ok\":true}\n", 12);
        }
    }
    json_decref(j);
}

void api_coverage_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *format = req_arg(r, "format");
    int64_t now;
    char key[200];
    fk_buf b;
    int plain;
    struct fk_round rd;
    enum fk_level level = FK_LEVEL_GRID;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!req_level(r, by, &level))
        return;
    if (!scoped_round(r, &rd, &now, NULL))
        return;
    /* The JSON answer is cached per engine generation (srv_cache_get), as the dashboard is: every
     * open page asks for it, and between two rebuilds the answer cannot change. */
    plain = !format || strcmp(format, "json") == 0;
    snprintf(key, sizeof key, "coverage|%lld|%lld|%lld|%s|%d|%s", (long long)rd.id,
             (long long)rd.start, (long long)rd.end, rd.region, (int)level, r->who.scope);
    if (plain && srv_cache_reply(r, key))
        return;
    rc = fk_engine_coverage(srv_engine(r), &rd, level, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    if (!plain) {
        reply_table(r, t, "coverage", -1);
        return;
    }
    fk_buf_init(&b, 0);
    fk_buf_puts(&b, "{\"rows\":");
    fk_table_json_rows(t, 0, fk_table_nrows(t), &b);
    fk_buf_printf(&b, ",\"total\":%zu,\"next\":null}\n", fk_table_nrows(t));
    fk_table_free(t);
    if (b.data) {
        srv_cache_put_reply(r, key, b.data, b.len);
    } else {
        reply_error(r, 500, "internal", NULL, "out of memory");
    }
    fk_buf_fini(&b);
}

/* The regions below the coverage target (?pct=, default the profile's target), lowest first,
 * with their county's and township's names; CSV and XLSX through reply_table, whose cells are
 * neutralised against formulas as every export's are. The round is cut to the scope. */
void api_below_get(struct req *r)
{
    const char *by = req_arg(r, "by");
    enum fk_level level = FK_LEVEL_GRID;
    struct fk_round rd;
    fk_table *t = NULL;
    int64_t pct, now;
    char err[512];
    int rc;

    if (!req_level(r, by, &level))
        return;
    if (!req_int(r, "pct", 1, 100, srv_profile(r)->coverage_target_pct, &pct) ||
        !scoped_round(r, &rd, &now, NULL))
        return;
    rc = fk_engine_below(srv_engine(r), &rd, level, (int)pct, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "below", -1);
}

/* The missing list in door-to-door order, paged: a column `visit` ("grid/household/id_number")
 * is appended and the rows sorted by it, so a household's members are one run, and the column is
 * the page key (it never repeats, and keyset pages stay right while residents are sampled).
 * Takes *t and replaces it; on failure *t is freed and NULL. FK_OK or FK_ENOMEM. */
static int visit_order(fk_table **t)
{
    static const struct fk_col cols[] = {
        {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},      {"phone", FK_COL_TEXT},
        {"grid", FK_COL_TEXT},      {"household", FK_COL_TEXT}, {"address", FK_COL_TEXT},
        {"visit", FK_COL_TEXT},
    };
    static const size_t by_visit[] = {6};
    fk_table *v = NULL;
    fk_buf key;
    size_t i, c;
    int rc = fk_table_new(cols, 7, &v);

    fk_buf_init(&key, 0);
    for (i = 0; rc == FK_OK && i < fk_table_nrows(*t); i++) {
        const char *vals[7];

        for (c = 0; c < 6; c++)
            vals[c] = fk_table_get(*t, i, c);
        fk_buf_reset(&key);
        rc = fk_buf_printf(&key, "%s/%s/%s", vals[3] ? vals[3] : "", vals[4] ? vals[4] : "",
                           vals[0] ? vals[0] : "");
        vals[6] = key.data;
        if (rc == FK_OK)
            rc = fk_table_add(v, vals);
    }
    fk_buf_fini(&key);
    fk_table_free(*t);
    *t = NULL;
    if (rc != FK_OK) {
        fk_table_free(v);
        return FK_ENOMEM;
    }
    fk_table_sort(v, by_visit, 1);
    *t = v;
    return FK_OK;
}

void api_missing_get(struct req *r)
{
    const char *region = req_arg(r, "region");
    int64_t now;
    struct fk_round rd;
    char within[FK_REGION_CODE_MAX];
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!scoped_round(r, &rd, &now, NULL))
        return;
    if (region) {
        if (!scope_within(r, region, within, sizeof within))
            return;
        region = within;
    } else {
        region = rd.region;
    }
    rc = fk_engine_missing(srv_engine(r), srv_store(r), &rd, region, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    rc = visit_order(&t);
    if (rc != FK_OK) {
        reply_fk(r, rc, "missing: out of memory");
        return;
    }
    reply_table(r, t, "missing", 6);
}

void api_retest_get(struct req *r)
{
    int64_t now;
    struct fk_round rd;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!scoped_round(r, &rd, &now, NULL))
        return;
    rc = fk_engine_retest_at(srv_engine(r), srv_store(r), &rd, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    /* A pooled tube may hold people from beyond the scope: show only the caller's own. */
    {
        fk_table *mine = NULL;
        size_t i, c, nc = fk_table_ncols(t) < 9 ? fk_table_ncols(t) : 9;

        /* the engine's columns are static storage: the copy may point at them */
        rc = fk_table_new(fk_table_col(t, 0), nc, &mine);
        for (i = 0; rc == FK_OK && i < fk_table_nrows(t); i++) {
            const char *vals[9];

            if (!in_scope(r, fk_table_get(t, i, 4)))
                continue;
            for (c = 0; c < nc; c++)
                vals[c] = fk_table_get(t, i, c);
            rc = fk_table_add(mine, vals);
        }
        fk_table_free(t);
        if (rc != FK_OK) {
            fk_table_free(mine);
            reply_fk(r, rc, "retest: out of memory");
            return;
        }
        t = mine;
    }
    reply_table(r, t, "retest", -1);
}

void api_tat_get(struct req *r)
{
    const char *by = req_arg(r, "by"), *overdue = req_arg(r, "overdue");
    int64_t now;
    enum fk_tat_by tb = FK_TAT_SITE;
    struct fk_round rd;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (by && strcmp(by, "lab") == 0) {
        tb = FK_TAT_LAB;
    } else if (by && strcmp(by, "site") != 0) {
        reply_error(r, 400, "bad_request", "site or lab", "unknown grouping '%s'", by);
        return;
    }
    if (!scoped_round(r, &rd, &now, NULL))
        return;
    if (overdue && strcmp(overdue, "1") == 0)
        rc = fk_engine_tat_overdue(srv_engine(r), &rd, now, &t, err, sizeof err);
    else
        rc = fk_engine_tat(srv_engine(r), &rd, tb, now, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, overdue ? "overdue" : "tat", -1);
}

/* Appends "key": and the table's rows as a JSON array. */
static void put_rows(fk_buf *b, const char *key, const fk_table *t)
{
    fk_buf_printf(b, ",\"%s\":", key);
    if (t)
        fk_table_json_rows(t, 0, fk_table_nrows(t), b);
    else
        fk_buf_puts(b, "[]");
}

struct case_walk {
    int64_t until; /* cases confirmed later are not cases yet */
    int64_t last;  /* the latest confirmation up to until, when a case comes later; else 0 */
    int later;
    int64_t *person;
    size_t n, cap;
    int rc;
};

static int add_case(void *ud, const struct fk_case_row *c)
{
    struct case_walk *w = ud;

    if (c->confirmed > w->until) {
        w->later = 1;
        return 0;
    }
    if (c->confirmed > w->last)
        w->last = c->confirmed;
    if (fk_vec_grow((void **)&w->person, &w->cap, w->n + 1, sizeof *w->person) != FK_OK)
        return w->rc = FK_ENOMEM;
    w->person[w->n++] = c->person;
    return 0;
}

/* The cases confirmed by until whose person lives inside region (the round's region, already cut
 * to the caller's scope), in *out; in *cut, the trace's until that gives the contacts as of until
 * (fk_trace_opts): 0 when no case comes later, else the latest confirmation up to until, so that
 * every time between two confirmations shares one. The persons are looked up after the walk: a
 * store's rows are borrowed only until its next call. */
static int count_cases(struct req *r, const char *region, int64_t until, size_t *out,
                       int64_t *cut, char *err, size_t errlen)
{
    struct case_walk w = {until, 0, 0, NULL, 0, 0, FK_OK};
    size_t i;
    int rc = fk_store_each_case(srv_store(r), add_case, &w);

    *out = 0;
    if (rc == FK_OK)
        rc = w.rc;
    for (i = 0; rc == FK_OK && i < w.n; i++) {
        struct fk_person_row p;

        if (fk_store_get_person(srv_store(r), w.person[i], &p) == FK_OK &&
            fk_engine_region_inside(srv_engine(r), p.grid, region))
            ++*out;
    }
    *cut = w.later ? w.last : 0;
    if (w.later && !w.last)
        *cut = INT64_MIN + 1; /* no case yet: a time before every confirmation */
    if (rc != FK_OK)
        snprintf(err, errlen, "cases: %s",
                 rc == FK_ENOMEM ? fk_strerror(rc) : fk_store_errmsg(srv_store(r)));
    free(w.person);
    return rc;
}

/* The dashboard: the round, its coverage at the caller's level and the two below, sampling by
 * hour, the tube chain's totals, cases and contacts, and the alerts a desk acts on. */
void api_dashboard_get(struct req *r)
{
    static const enum fk_level below[] = {FK_LEVEL_CITY, FK_LEVEL_COUNTY, FK_LEVEL_TOWNSHIP,
                                          FK_LEVEL_COMMUNITY, FK_LEVEL_GRID};
    struct fk_round rd;
    fk_engine *e;
    fk_tracer *tr;
    fk_table *self = NULL, *lv1 = NULL, *lv2 = NULL, *grids = NULL, *hourly = NULL, *tat = NULL;
    struct fk_contact *k = NULL;
    struct fk_trace_opts o;
    enum fk_level mine, l1 = FK_LEVEL_NONE, l2 = FK_LEVEL_NONE;
    int64_t now, round_end, until = 0;
    int asked;
    size_t nk = 0, i, low = 0, cats[4] = {0, 0, 0, 0}, ncases = 0;
    char key[160], ckey[96], err[512], s[FK_TIME_RENDER_MAX], en[FK_TIME_RENDER_MAX];
    fk_buf b;
    int rc = FK_OK;

    if (!req_now(r, &now, &asked) || !scoped_round(r, &rd, &now, &round_end))
        return;
    e = srv_engine(r);
    /* Every number below depends on the round, its region cut to the scope, the scope itself
     * (contacts) and the time: an asked time to the second, the clock's to the minute. */
    snprintf(key, sizeof key, "dash|%s|%s|%s|%s%lld", rd.name, rd.region, r->who.scope,
             asked ? "t" : "m", (long long)(asked ? now : now / 60));
    if (srv_cache_reply(r, key))
        return;
    mine = fk_engine_region_level(e, rd.region);
    for (i = 0; i < sizeof below / sizeof below[0]; i++) {
        if (below[i] > mine && l1 == FK_LEVEL_NONE)
            l1 = below[i];
        else if (below[i] > mine && l2 == FK_LEVEL_NONE)
            l2 = below[i];
    }
    rc = fk_engine_coverage(e, &rd, mine, &self, err, sizeof err);
    if (rc == FK_OK && l1)
        rc = fk_engine_coverage(e, &rd, l1, &lv1, err, sizeof err);
    if (rc == FK_OK && l2)
        rc = fk_engine_coverage(e, &rd, l2, &lv2, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_engine_coverage(e, &rd, FK_LEVEL_GRID, &grids, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_engine_hourly(e, &rd, &hourly, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_engine_tat(e, &rd, FK_TAT_SITE, now, &tat, err, sizeof err);
    if (rc == FK_OK)
        rc = count_cases(r, rd.region, asked ? now : INT64_MAX, &ncases, &until, err, sizeof err);
    if (rc != FK_OK)
        goto out;
    /* The contacts depend on the tracer, the scope and which cases are confirmed by now, not on
     * the round or the minute: counted once a tracer, scope and last case (a depth-2 trace of
     * every case takes seconds for a city of millions, and the answer above is computed again
     * every minute). */
    snprintf(ckey, sizeof ckey, "dashboard contacts|%s|%lld", r->who.scope, (long long)until);
    if (!srv_tracer(r))
        goto out;
    if (!srv_tracer_memo_get(r, ckey, cats, sizeof cats)) {
        memset(&o, 0, sizeof o);
        o.depth = 2;
        o.until = until; /* as of now: later cases are not cases yet */
        if (!trace_in_scope(r, &o, &tr, &k, &nk))
            goto out;
        for (i = 0; i < nk; i++)
            cats[k[i].category & 3]++;
        srv_tracer_memo_put(r, ckey, cats, sizeof cats);
    }
    for (i = 0; i < fk_table_nrows(grids); i++) {
        const char *c = fk_table_get(grids, i, 4);

        if (c && strtod(c, NULL) * 100 < srv_profile(r)->coverage_target_pct)
            low++;
    }
    fk_buf_init(&b, 0);
    fk_buf_puts(&b, "{\"round\":{\"name\":");
    fk_buf_json_string(&b, rd.name);
    fk_buf_puts(&b, ",\"region\":");
    fk_buf_json_string(&b, rd.region);
    fk_buf_printf(&b, ",\"start\":\"%s\",\"end\":\"%s\"}", fk_time_render(rd.start, s),
                  fk_time_render(round_end, en));
    fk_buf_printf(&b, ",\"target\":%d", srv_profile(r)->coverage_target_pct);
    put_rows(&b, "coverage", self);
    put_rows(&b, "by_level1", lv1);
    put_rows(&b, "by_level2", lv2);
    fk_buf_printf(&b, ",\"level1\":\"%s\",\"level2\":\"%s\"", fk_level_name(l1),
                  fk_level_name(l2));
    put_rows(&b, "hourly", hourly);
    fk_buf_puts(&b, ",\"tat\":");
    if (fk_table_nrows(tat))
        fk_table_json_rows(tat, fk_table_nrows(tat) - 1, fk_table_nrows(tat), &b);
    else
        fk_buf_puts(&b, "[]");
    fk_buf_printf(&b, ",\"cases\":%zu,\"contacts\":{\"close\":%zu,\"secondary\":%zu,"
                  "\"companion\":%zu}", ncases, cats[FK_CAT_CLOSE], cats[FK_CAT_SECONDARY],
                  cats[FK_CAT_COMPANION]);
    fk_buf_printf(&b, ",\"grids_below_target\":%zu,\"grids\":%zu", low,
                  fk_table_nrows(grids));
    fk_buf_puts(&b, "}\n");
    srv_cache_put_reply(r, key, b.data, b.len);
    fk_buf_fini(&b);
out:
    if (rc != FK_OK)
        reply_fk(r, rc, err);
    free(k);
    fk_table_free(self);
    fk_table_free(lv1);
    fk_table_free(lv2);
    fk_table_free(grids);
    fk_table_free(hourly);
    fk_table_free(tat);
}

/* The routes of regions, rounds and the screening answers (http.c walks this table; see struct
 * route). */
const struct route api_screening_routes[] = {
    {"GET", "/api/v1/regions", api_regions_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/dashboard", api_dashboard_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/rounds", api_rounds_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/rounds", api_rounds_post, FK_PERM_ROUNDS, 0},
    {"GET", "/api/v1/coverage", api_coverage_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/below", api_below_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/tat", api_tat_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/missing", api_missing_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/retest", api_retest_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
