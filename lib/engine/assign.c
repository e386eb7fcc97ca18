/* SPDX-License-Identifier: MIT */
/* 包保 answers (fk/assign.h): gaps, load and a cadre's list, read from the store's assignments,
 * controls and persons and the engine's regions.
 *
 * DESIGN NOTES
 * - The persons that matter are those under an open home control inside the region asked: one
 *   walk of the controls (by person, then start) finds them, one look-up each reads their ID
 *   number and name, and a map from ID number to their slot lets the walk of the assignments
 *   (the export walk, which names persons by ID number) mark the roles each one has without a
 *   store call a row. Regions come from the engine, which lists them by level inside a region.
 * - Store walks never call the store from inside their callback: rows are gathered, copied,
 *   and looked up after the walk ends. */
#include "fk/assign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/cadre.h"
#include "fk/error.h"
#include "fk/regime.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

/* A person under an open home control inside the region asked. */
struct homep {
    int64_t pid, start;
    int32_t grid;
    unsigned have; /* bit i: p->assign_roles[i] is assigned */
    char *id_number, *name;
};

struct homes {
    const fk_engine *e;
    int64_t now;
    int32_t glo, ghi;
    struct homep *v;
    size_t n, cap;
    fk_strmap *by_id; /* ID number -> index into v */
};

static void homes_fini(struct homes *h)
{
    size_t i;

    for (i = 0; i < h->n; i++) {
        free(h->v[i].id_number);
        free(h->v[i].name);
    }
    free(h->v);
    fk_strmap_free(h->by_id);
}

static int open_at(const struct fk_control_row *k, int64_t now)
{
    return k->start <= now && (k->end == 0 || k->end > now);
}

static int on_control(void *ud, const struct fk_control_row *k)
{
    struct homes *h = ud;
    int32_t g;

    if (k->place != FK_PLACE_HOME || !open_at(k, h->now))
        return 0;
    if (h->n && h->v[h->n - 1].pid == k->person)
        return 0; /* the person's earliest open home order is kept */
    g = fk_engine_person_grid(h->e, k->person);
    if (g < h->glo || g >= h->ghi)
        return 0;
    if (fk_vec_grow((void **)&h->v, &h->cap, h->n + 1, sizeof *h->v) != FK_OK)
        return FK_ENOMEM;
    memset(&h->v[h->n], 0, sizeof h->v[0]);
    h->v[h->n].pid = k->person;
    h->v[h->n].start = k->start;
    h->v[h->n].grid = g;
    h->n++;
    return 0;
}

/* The range of grids of within (everything for NULL) into h. FK_OK or FK_ENOENT with err. */
static int range(const fk_engine *e, const char *within, int32_t *glo, int32_t *ghi, char *err,
                 size_t errlen)
{
    enum fk_level lv;
    const char *name;

    *glo = 0;
    *ghi = INT32_MAX;
    if (!within)
        return FK_OK;
    if (fk_engine_region_info(e, within, glo, ghi, &lv, &name) != FK_OK) {
        snprintf(err, errlen, "unknown region %s", within);
        return FK_ENOENT;
    }
    return FK_OK;
}

/* The persons under an open home control inside within at now, with ID numbers and names. */
static int homes_load(struct homes *h, fk_store *st, const fk_engine *e, const char *within,
                      int64_t now, char *err, size_t errlen)
{
    struct fk_person_row pr;
    size_t i;
    int rc, added;

    memset(h, 0, sizeof *h);
    h->e = e;
    h->now = now;
    rc = range(e, within, &h->glo, &h->ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    h->by_id = fk_strmap_new();
    if (!h->by_id)
        goto nomem;
    rc = fk_store_each_control(st, -1, on_control, h);
    if (rc != FK_OK)
        goto fail;
    for (i = 0; i < h->n; i++) {
        int64_t k;

        rc = fk_store_get_person(st, h->v[i].pid, &pr);
        if (rc != FK_OK)
            goto fail;
        h->v[i].id_number = strdup(pr.id_number ? pr.id_number : "");
        h->v[i].name = strdup(pr.name ? pr.name : "");
        if (!h->v[i].id_number || !h->v[i].name)
            goto nomem;
        k = fk_strmap_intern(h->by_id, h->v[i].id_number, strlen(h->v[i].id_number), &added);
        if (k < 0)
            goto nomem;
        fk_strmap_set_value(h->by_id, k, (int64_t)i);
    }
    return FK_OK;
nomem:
    rc = FK_ENOMEM;
fail:
    snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
    return rc;
}

/* ---- gaps ---- */

struct gap_walk {
    const struct fk_profile *p;
    struct homes *h;
    fk_strmap *leaders; /* region codes with a leader */
};

/* An assignment row of the export walk: cadre, phone, role, region, id_number, scope code. */
static int on_gap_assignment(void *ud, const struct fk_record_value *v, size_t n)
{
    struct gap_walk *w = ud;
    const char *role = n > 2 && v[2].s ? v[2].s : "", *id = n > 4 && v[4].s ? v[4].s : "";
    int idx = fk_cadre_role_index(w->p, role), added;
    int64_t k;

    if (n < 6)
        return FK_EDB;
    if (idx == FK_CADRE_ROLE_LEADER) {
        if (v[3].s && fk_strmap_intern(w->leaders, v[3].s, strlen(v[3].s), &added) < 0)
            return FK_ENOMEM;
        return 0;
    }
    if (idx < 0 || !*id)
        return 0;
    k = fk_strmap_find(w->h->by_id, id, strlen(id));
    if (k >= 0)
        w->h->v[fk_strmap_value(w->h->by_id, k)].have |= 1u << idx;
    return 0;
}

static int cmp_home(const void *a, const void *b)
{
    const struct homep *x = a, *y = b;

    if (x->grid != y->grid)
        return x->grid < y->grid ? -1 : 1;
    return strcmp(x->id_number, y->id_number);
}

struct region_walk {
    fk_strmap *leaders;
    fk_table *t;
    const char *level;
    int rc;
};

static int on_region(void *ud, const char *code, const char *name, int32_t glo, int32_t ghi)
{
    struct region_walk *w = ud;
    const char *vals[3] = {code, name, w->level};

    (void)glo;
    (void)ghi;
    if (fk_strmap_find(w->leaders, code, strlen(code)) >= 0)
        return 0;
    w->rc = fk_table_add(w->t, vals);
    return w->rc;
}

int fk_assign_gaps(fk_store *st, const fk_engine *e, const struct fk_profile *p, const char *within,
                   int64_t now, fk_table **persons, fk_table **regions, char *err, size_t errlen)
{
    static const struct fk_col pcols[] = {
        {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},          {"grid", FK_COL_TEXT},
        {"grid_name", FK_COL_TEXT}, {"control_start", FK_COL_TEXT}, {"missing", FK_COL_TEXT}};
    static const struct fk_col rcols[] = {
        {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"level", FK_COL_TEXT}};
    static const enum fk_level levels[] = {FK_LEVEL_COUNTY, FK_LEVEL_TOWNSHIP, FK_LEVEL_COMMUNITY,
                                           FK_LEVEL_GRID};
    struct homes h;
    struct gap_walk w = {p, &h, NULL};
    struct region_walk rw;
    fk_table *pt = NULL, *rt = NULL;
    char missing[FK_ASSIGN_ROLES_MAX * (FK_NAME_MAX + 1)], when[FK_TIME_RENDER_MAX];
    size_t i, l;
    int rc;

    *persons = *regions = NULL;
    rc = homes_load(&h, st, e, within, now, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    w.leaders = fk_strmap_new();
    if (!w.leaders || fk_table_new(pcols, 6, &pt) != FK_OK || fk_table_new(rcols, 3, &rt) != FK_OK)
        goto nomem;
    rc = fk_store_each_record(st, FK_IMPORT_ASSIGNMENTS, on_gap_assignment, &w);
    if (rc != FK_OK)
        goto fail;
    if (h.n)
        qsort(h.v, h.n, sizeof *h.v, cmp_home);
    for (i = 0; i < h.n; i++) {
        const char *gcode = fk_engine_grid_code(e, h.v[i].grid), *gname = "", *vals[6];
        int32_t glo, ghi;
        enum fk_level lv;

        if (fk_cadre_missing(p, h.v[i].have, missing, sizeof missing) == 0)
            continue;
        if (fk_engine_region_info(e, gcode, &glo, &ghi, &lv, &gname) != FK_OK)
            gname = "";
        vals[0] = h.v[i].id_number;
        vals[1] = h.v[i].name;
        vals[2] = gcode;
        vals[3] = gname;
        vals[4] = fk_time_render(h.v[i].start, when);
        vals[5] = missing;
        if (fk_table_add(pt, vals) != FK_OK)
            goto nomem;
    }
    for (l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        rw = (struct region_walk){w.leaders, rt, fk_level_name(levels[l]), FK_OK};
        rc = fk_engine_each_region(e, within, levels[l], on_region, &rw);
        if (rc != FK_OK)
            goto nomem;
    }
    rc = FK_OK;
    goto out;
nomem:
    rc = FK_ENOMEM;
fail:
    snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
out:
    if (rc == FK_OK) {
        *persons = pt;
        *regions = rt;
    } else {
        fk_table_free(pt);
        fk_table_free(rt);
    }
    if (w.leaders)
        fk_strmap_free(w.leaders);
    homes_fini(&h);
    return rc;
}

/* ---- load ---- */

struct cadre {
    char *cadre, *phone;
    unsigned roles; /* bit 0 leader, bit i + 1 p->assign_roles[i] */
    int64_t persons, regions;
};

struct load_walk {
    const struct fk_profile *p;
    const fk_engine *e;
    const char *within;
    struct homes *h;
    fk_strmap *keys; /* "phone\ncadre" -> index into c */
    struct cadre *c;
    size_t n, cap;
};

static int on_load_assignment(void *ud, const struct fk_record_value *v, size_t n)
{
    struct load_walk *w = ud;
    const char *cadre, *phone, *role, *id, *code;
    char key[512];
    int idx, added, len;
    int64_t k;
    struct cadre *c;

    if (n < 6)
        return FK_EDB;
    cadre = v[0].s ? v[0].s : "";
    phone = v[1].s ? v[1].s : "";
    role = v[2].s ? v[2].s : "";
    id = v[4].s ? v[4].s : "";
    code = v[5].s ? v[5].s : "";
    idx = fk_cadre_role_index(w->p, role);
    if (idx == -2 || (w->within && fk_engine_region_inside(w->e, code, w->within) != 1))
        return 0;
    len = snprintf(key, sizeof key, "%s\n%s", phone, cadre);
    if (len < 0 || (size_t)len >= sizeof key)
        return 0;
    k = fk_strmap_intern(w->keys, key, (size_t)len, &added);
    if (k < 0)
        return FK_ENOMEM;
    if (added) {
        if (fk_vec_grow((void **)&w->c, &w->cap, w->n + 1, sizeof *w->c) != FK_OK)
            return FK_ENOMEM;
        c = &w->c[w->n];
        memset(c, 0, sizeof *c);
        c->cadre = strdup(cadre);
        c->phone = strdup(phone);
        fk_strmap_set_value(w->keys, k, (int64_t)w->n++);
        if (!c->cadre || !c->phone)
            return FK_ENOMEM;
    }
    c = &w->c[fk_strmap_value(w->keys, k)];
    c->roles |= 1u << (idx + 1);
    if (idx == FK_CADRE_ROLE_LEADER)
        c->regions++;
    else if (*id && fk_strmap_find(w->h->by_id, id, strlen(id)) >= 0)
        c->persons++;
    return 0;
}

static int cmp_cadre(const void *a, const void *b)
{
    const struct cadre *x = a, *y = b;
    int d;

    if (x->persons != y->persons)
        return x->persons > y->persons ? -1 : 1;
    if (x->regions != y->regions)
        return x->regions > y->regions ? -1 : 1;
    d = strcmp(x->phone, y->phone);
    return d ? d : strcmp(x->cadre, y->cadre);
}

/* The roles of bits (bit 0 leader, bit i + 1 role i) ';'-joined into out. */
static const char *roles_text(const struct fk_profile *p, unsigned bits, char *out, size_t cap)
{
    size_t len = 0;
    int i, w;

    out[0] = '\0';
    for (i = -1; i < p->nassign_roles && len < cap; i++) {
        if (!(bits & (1u << (i + 1))))
            continue;
        w = snprintf(out + len, cap - len, "%s%s", len ? ";" : "",
                     i < 0 ? FK_CADRE_LEADER : p->assign_roles[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return out;
}

int fk_assign_load(fk_store *st, const fk_engine *e, const struct fk_profile *p, const char *within,
                   int64_t now, fk_table **out, char *err, size_t errlen)
{
    static const struct fk_col cols[] = {{"cadre", FK_COL_TEXT},
                                         {"phone", FK_COL_TEXT},
                                         {"roles", FK_COL_TEXT},
                                         {"persons", FK_COL_INT},
                                         {"regions", FK_COL_INT}};
    struct homes h;
    struct load_walk w;
    fk_table *t = NULL;
    char roles[(FK_ASSIGN_ROLES_MAX + 1) * (FK_NAME_MAX + 1)], np[24], nr[24];
    size_t i;
    int rc;

    *out = NULL;
    memset(&w, 0, sizeof w);
    rc = homes_load(&h, st, e, within, now, err, errlen);
    if (rc != FK_OK) {
        homes_fini(&h);
        return rc;
    }
    w.p = p;
    w.e = e;
    w.within = within;
    w.h = &h;
    rc = FK_ENOMEM;
    w.keys = fk_strmap_new();
    if (!w.keys || fk_table_new(cols, 5, &t) != FK_OK)
        goto fail;
    rc = fk_store_each_record(st, FK_IMPORT_ASSIGNMENTS, on_load_assignment, &w);
    if (rc != FK_OK)
        goto fail;
    if (w.n)
        qsort(w.c, w.n, sizeof *w.c, cmp_cadre);
    for (i = 0; i < w.n; i++) {
        const char *vals[5] = {w.c[i].cadre, w.c[i].phone,
                               roles_text(p, w.c[i].roles, roles, sizeof roles), np, nr};

        snprintf(np, sizeof np, "%lld", (long long)w.c[i].persons);
        snprintf(nr, sizeof nr, "%lld", (long long)w.c[i].regions);
        rc = fk_table_add(t, vals);
        if (rc != FK_OK)
            goto fail;
    }
    rc = FK_OK;
fail:
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
        fk_table_free(t);
        t = NULL;
    }
    for (i = 0; i < w.n; i++) {
        free(w.c[i].cadre);
        free(w.c[i].phone);
    }
    free(w.c);
    fk_strmap_free(w.keys);
    homes_fini(&h);
    *out = t;
    return rc;
}

/* ---- one cadre's list ---- */

struct mine {
    char *cadre, *phone, *role, *region, *id_number;
    int idx; /* role index: FK_CADRE_ROLE_LEADER or a profile role */
};

struct cadre_walk {
    const struct fk_profile *p;
    const fk_engine *e;
    const char *within, *who;
    struct mine *m;
    size_t n, cap;
};

static int on_cadre_assignment(void *ud, const struct fk_record_value *v, size_t n)
{
    struct cadre_walk *w = ud;
    const char *cadre, *phone, *code;
    struct mine *m;
    int idx;

    if (n < 6)
        return FK_EDB;
    cadre = v[0].s ? v[0].s : "";
    phone = v[1].s ? v[1].s : "";
    code = v[5].s ? v[5].s : "";
    if (strcmp(cadre, w->who) != 0 && strcmp(phone, w->who) != 0)
        return 0;
    idx = fk_cadre_role_index(w->p, v[2].s ? v[2].s : "");
    if (idx == -2 || (w->within && fk_engine_region_inside(w->e, code, w->within) != 1))
        return 0;
    if (fk_vec_grow((void **)&w->m, &w->cap, w->n + 1, sizeof *w->m) != FK_OK)
        return FK_ENOMEM;
    m = &w->m[w->n++];
    m->idx = idx;
    m->cadre = strdup(cadre);
    m->phone = strdup(phone);
    m->role = strdup(v[2].s ? v[2].s : "");
    m->region = strdup(v[3].s ? v[3].s : "");
    m->id_number = strdup(v[4].s ? v[4].s : "");
    if (!m->cadre || !m->phone || !m->role || !m->region || !m->id_number)
        return FK_ENOMEM;
    return 0;
}

static int cmp_mine(const void *a, const void *b)
{
    const struct mine *x = a, *y = b;

    if (x->idx != y->idx)
        return x->idx < y->idx ? -1 : 1;
    if (x->idx == FK_CADRE_ROLE_LEADER)
        return strcmp(x->region, y->region);
    return strcmp(x->id_number, y->id_number);
}

/* A person's control state at now: the open order's place and start, else the last order. */
struct state {
    int64_t now, since;
    int open, place, any;
};

static int on_state(void *ud, const struct fk_control_row *k)
{
    struct state *s = ud;

    if (k->start > s->now)
        return 0;
    if (open_at(k, s->now)) {
        if (!s->open || k->start < s->since) {
            s->open = 1;
            s->place = k->place;
            s->since = k->start;
        }
    } else if (!s->open && (!s->any || k->end > s->since)) {
        s->since = k->end;
    }
    s->any = 1;
    return 0;
}

int fk_assign_cadre(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                    const char *within, const char *who, int64_t now, fk_table **regions,
                    fk_table **persons, char *err, size_t errlen)
{
    static const struct fk_col rcols[] = {{"cadre", FK_COL_TEXT},
                                          {"phone", FK_COL_TEXT},
                                          {"region", FK_COL_TEXT},
                                          {"name", FK_COL_TEXT},
                                          {"level", FK_COL_TEXT}};
    static const struct fk_col pcols[] = {
        {"cadre", FK_COL_TEXT},     {"phone", FK_COL_TEXT},   {"role", FK_COL_TEXT},
        {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},    {"grid", FK_COL_TEXT},
        {"grid_name", FK_COL_TEXT}, {"control", FK_COL_TEXT}, {"since", FK_COL_TEXT}};
    struct cadre_walk w;
    fk_table *rt = NULL, *pt = NULL;
    char whot[256], name[256], grid[64], when[FK_TIME_RENDER_MAX];
    int32_t glo, ghi;
    size_t i;
    int rc;

    *regions = *persons = NULL;
    memset(&w, 0, sizeof w);
    fk_slice_copy(whot, sizeof whot,
                  fk_slice_trim((fk_slice){who ? who : "", who ? strlen(who) : 0}));
    if (!whot[0]) {
        snprintf(err, errlen, "name a cadre: a phone or a name");
        return FK_EINVAL;
    }
    rc = range(e, within, &glo, &ghi, err, errlen);
    if (rc != FK_OK)
        return rc;
    w.p = p;
    w.e = e;
    w.within = within;
    w.who = whot;
    rc = FK_ENOMEM;
    if (fk_table_new(rcols, 5, &rt) != FK_OK || fk_table_new(pcols, 9, &pt) != FK_OK)
        goto fail;
    rc = fk_store_each_record(st, FK_IMPORT_ASSIGNMENTS, on_cadre_assignment, &w);
    if (rc != FK_OK)
        goto fail;
    if (w.n == 0) {
        rc = FK_ENOENT;
        snprintf(err, errlen, "no cadre named or with phone %s%s%s", whot, within ? " inside " : "",
                 within ? within : "");
        goto fail;
    }
    if (w.n > 1)
        qsort(w.m, w.n, sizeof *w.m, cmp_mine);
    for (i = 0; i < w.n; i++) {
        struct mine *m = &w.m[i];

        if (m->idx == FK_CADRE_ROLE_LEADER) {
            const char *rname = "", *vals[5];
            enum fk_level lv = FK_LEVEL_NONE;

            if (fk_engine_region_info(e, m->region, &glo, &ghi, &lv, &rname) != FK_OK)
                rname = "";
            vals[0] = m->cadre;
            vals[1] = m->phone;
            vals[2] = m->region;
            vals[3] = rname;
            vals[4] = fk_level_name(lv);
            rc = fk_table_add(rt, vals);
        } else {
            struct fk_person_row pr;
            struct state s = {now, 0, 0, 0, 0};
            const char *gname = "", *vals[9];
            enum fk_level lv;
            int64_t pid;

            name[0] = grid[0] = '\0';
            rc = fk_store_find_person(st, m->id_number, &pid);
            if (rc == FK_OK)
                rc = fk_store_get_person(st, pid, &pr);
            if (rc != FK_OK)
                goto fail;
            fk_strlcpy(name, pr.name ? pr.name : "", sizeof name);
            fk_strlcpy(grid, pr.grid ? pr.grid : "", sizeof grid);
            rc = fk_store_each_control(st, pid, on_state, &s);
            if (rc != FK_OK)
                goto fail;
            if (fk_engine_region_info(e, grid, &glo, &ghi, &lv, &gname) != FK_OK)
                gname = "";
            vals[0] = m->cadre;
            vals[1] = m->phone;
            vals[2] = m->role;
            vals[3] = m->id_number;
            vals[4] = name;
            vals[5] = grid;
            vals[6] = gname;
            vals[7] = s.open  ? fk_ctl_place_name((enum fk_ctl_place)s.place)
                      : s.any ? "released"
                              : "none";
            vals[8] = s.open || (s.any && s.since) ? fk_time_render(s.since, when) : NULL;
            rc = fk_table_add(pt, vals);
        }
        if (rc != FK_OK)
            goto fail;
    }
    rc = FK_OK;
fail:
    if (rc != FK_OK) {
        if (rc != FK_ENOENT)
            snprintf(err, errlen, "%s", rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(st));
        fk_table_free(rt);
        fk_table_free(pt);
        rt = pt = NULL;
    }
    for (i = 0; i < w.n; i++) {
        free(w.m[i].cadre);
        free(w.m[i].phone);
        free(w.m[i].role);
        free(w.m[i].region);
        free(w.m[i].id_number);
    }
    free(w.m);
    *regions = rt;
    *persons = pt;
    return rc;
}
