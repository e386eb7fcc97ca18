/* SPDX-License-Identifier: MIT */
/* The map over HTTP: what the web UI colours the county and township shapes by (coverage of a
 * round, cases, persons under control) and the grids and venues it draws as points. Every answer
 * is cut to the caller's scope, like the dashboard's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

struct map_case_walk {
    int64_t *person;
    size_t n, cap;
    int rc;
};

static int map_add_case(void *ud, const struct fk_case_row *c)
{
    struct map_case_walk *w = ud;

    if (fk_vec_grow((void **)&w->person, &w->cap, w->n + 1, sizeof *w->person) != FK_OK)
        return w->rc = FK_ENOMEM;
    w->person[w->n++] = c->person;
    return 0;
}

/* Adds each case whose person lives in the region of row i of cov to cases[i]. */
static int count_cases_by(struct req *r, const fk_table *cov, size_t *cases, char *err,
                          size_t errlen)
{
    struct map_case_walk w = {NULL, 0, 0, FK_OK};
    size_t i, j, n = fk_table_nrows(cov);
    int rc = fk_store_each_case(srv_store(r), map_add_case, &w);

    if (rc == FK_OK)
        rc = w.rc;
    for (i = 0; rc == FK_OK && i < w.n; i++) {
        struct fk_person_row p;

        if (fk_store_get_person(srv_store(r), w.person[i], &p) != FK_OK)
            continue;
        for (j = 0; j < n; j++)
            if (fk_engine_region_inside(srv_engine(r), p.grid, fk_table_get(cov, j, 0))) {
                cases[j]++;
                break;
            }
    }
    if (rc != FK_OK)
        snprintf(err, errlen, "cases: %s",
                 rc == FK_ENOMEM ? fk_strerror(rc) : fk_store_errmsg(srv_store(r)));
    free(w.person);
    return rc;
}

/* Adds the open control orders of today in each region of cov to ctl[i] (a summary by level is
 * in region order, one row per category and place). */
static int count_controlled_by(fk_ctl *x, const char *region, enum fk_level by, const fk_table *cov,
                               size_t *ctl, char *err, size_t errlen)
{
    struct fk_ctl_filter f = FK_CTL_FILTER_ALL;
    fk_table *s = NULL;
    size_t i, j, n = fk_table_nrows(cov);
    int rc;

    f.region = region;
    f.status = FK_CTL_STATUS_OPEN;
    rc = fk_ctl_summary(x, &f, by, fk_local_day((int64_t)time(NULL)), &s, err, errlen);
    for (i = 0; rc == FK_OK && i < fk_table_nrows(s); i++) {
        const char *code = fk_table_get(s, i, 0), *persons = fk_table_get(s, i, 5);

        for (j = 0; j < n; j++)
            if (code && strcmp(code, fk_table_get(cov, j, 0)) == 0) {
                ctl[j] += persons ? strtoul(persons, NULL, 10) : 0;
                break;
            }
    }
    fk_table_free(s);
    return rc;
}

static const struct fk_col map_cols[] = {
    {"region", FK_COL_TEXT},    {"name", FK_COL_TEXT},     {"residents", FK_COL_INT},
    {"sampled", FK_COL_INT},    {"coverage", FK_COL_REAL}, {"cases", FK_COL_INT},
    {"controlled", FK_COL_INT},
};

/* GET /api/v1/map?round=R&by=county|township|community|grid: one row per region of the level
 * (default: the one below the round's region cut to the scope) inside the round's region cut to
 * the scope: region,name,residents,sampled,coverage,cases,controlled. */
void api_map_get(struct req *r)
{
    const char *name = req_arg(r, "round"), *by_s = req_arg(r, "by");
    char region[FK_REGION_CODE_MAX], err[512], nc[32], nk[32];
    struct fk_round rd;
    enum fk_level by = FK_LEVEL_NONE;
    fk_table *cov = NULL, *t = NULL;
    size_t *cases = NULL, *ctl = NULL, i, n;
    fk_engine *e;
    fk_ctl *x;
    int rc;

    if (by_s &&
        (fk_level_parse((fk_slice){by_s, strlen(by_s)}, &by) != FK_OK || by < FK_LEVEL_COUNTY)) {
        reply_error(r, 400, "bad_request", "county, township, community or grid",
                    "by '%s' is not a level for the map", by_s);
        return;
    }
    rc = srv_round(r, name, &rd);
    if (rc == FK_ENOENT) {
        reply_error(r, 404, "not_found", "GET /api/v1/rounds lists them", "no round named '%s'",
                    name ? name : "(latest)");
        return;
    }
    if (rc != FK_OK || !(e = srv_engine(r)) || !(x = srv_ctl(r)) ||
        !scope_within(r, rd.region, region, sizeof region))
        return; /* answered */
    fk_strlcpy(rd.region, region, sizeof rd.region);
    if (by == FK_LEVEL_NONE) {
        by = (enum fk_level)(fk_engine_region_level(e, rd.region) + 1);
        if (by < FK_LEVEL_COUNTY)
            by = FK_LEVEL_COUNTY;
        if (by > FK_LEVEL_GRID)
            by = FK_LEVEL_GRID;
    }
    rc = fk_engine_coverage(e, &rd, by, &cov, err, sizeof err);
    if (rc != FK_OK)
        goto out;
    n = fk_table_nrows(cov);
    cases = calloc(n + 1, sizeof *cases);
    ctl = calloc(n + 1, sizeof *ctl);
    if (!cases || !ctl) {
        rc = FK_ENOMEM;
        snprintf(err, sizeof err, "%s", fk_strerror(rc));
        goto out;
    }
    rc = count_cases_by(r, cov, cases, err, sizeof err);
    if (rc == FK_OK)
        rc = count_controlled_by(x, rd.region, by, cov, ctl, err, sizeof err);
    if (rc == FK_OK)
        rc = fk_table_new(map_cols, sizeof map_cols / sizeof map_cols[0], &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const char *v[7];

        snprintf(nc, sizeof nc, "%zu", cases[i]);
        snprintf(nk, sizeof nk, "%zu", ctl[i]);
        v[0] = fk_table_get(cov, i, 0);
        v[1] = fk_table_get(cov, i, 1);
        v[2] = fk_table_get(cov, i, 2);
        v[3] = fk_table_get(cov, i, 3);
        v[4] = fk_table_get(cov, i, 4);
        v[5] = nc;
        v[6] = nk;
        rc = fk_table_add(t, v);
        if (rc != FK_OK)
            snprintf(err, sizeof err, "%s", fk_strerror(rc));
    }
out:
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
    } else {
        reply_table(r, t, "map", -1);
        t = NULL;
    }
    fk_table_free(t);
    fk_table_free(cov);
    free(cases);
    free(ctl);
}

static const struct fk_col point_cols[] = {
    {"kind", FK_COL_TEXT}, {"code", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"grid", FK_COL_TEXT}, {"lon", FK_COL_REAL},  {"lat", FK_COL_REAL},
};

struct point_walk {
    fk_engine *e;
    const char *scope;
    fk_table *t;
    int rc;
};

static int add_grid_point(void *ud, const struct fk_region_row *g)
{
    struct point_walk *w = ud;
    const char *v[6] = {"grid", g->code, g->name, g->code, g->lon, g->lat};

    if (g->level == FK_LEVEL_GRID && g->lon && *g->lon && g->lat && *g->lat &&
        fk_engine_region_inside(w->e, g->code, w->scope))
        w->rc = fk_table_add(w->t, v);
    return w->rc;
}

static int add_venue_point(void *ud, const struct fk_venue_row *x)
{
    struct point_walk *w = ud;
    const char *v[6] = {"venue", x->code, x->name, x->grid, x->lon, x->lat};

    if (x->lon && *x->lon && x->lat && *x->lat && fk_engine_region_inside(w->e, x->grid, w->scope))
        w->rc = fk_table_add(w->t, v);
    return w->rc;
}

/* GET /api/v1/map/points?kind=grids|venues (default both): the grids and venues inside the
 * caller's scope that have coordinates, grids first, each in code order:
 * kind,code,name,grid,lon,lat. */
void api_map_points_get(struct req *r)
{
    const char *kind = req_arg(r, "kind");
    struct point_walk w = {NULL, r->who.scope, NULL, FK_OK};
    int grids = 1, venues = 1, rc;

    if (kind && *kind) {
        grids = strcmp(kind, "grids") == 0;
        venues = strcmp(kind, "venues") == 0;
        if (!grids && !venues) {
            reply_error(r, 400, "bad_request", "grids or venues", "kind '%s' is unknown", kind);
            return;
        }
    }
    if (!(w.e = srv_engine(r)))
        return; /* answered */
    rc = fk_table_new(point_cols, sizeof point_cols / sizeof point_cols[0], &w.t);
    if (rc == FK_OK && grids)
        rc = fk_store_each_region(srv_store(r), add_grid_point, &w);
    if (rc == FK_OK && venues)
        rc = fk_store_each_venue(srv_store(r), add_venue_point, &w);
    if (rc == FK_OK)
        rc = w.rc;
    if (rc == FK_OK) {
        /* "grid" before "venue"; the store walks venues in id order */
        static const size_t by[] = {0, 1};

        fk_table_sort(w.t, by, 2);
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, rc == FK_ENOMEM ? fk_strerror(rc) : fk_store_errmsg(srv_store(r)));
        fk_table_free(w.t);
        return;
    }
    reply_table(r, w.t, "map-points", -1);
}

/* The routes of the map (http.c walks this table; see struct route). */
const struct route api_map_routes[] = {
    {"GET", "/api/v1/map", api_map_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/map/points", api_map_points_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
