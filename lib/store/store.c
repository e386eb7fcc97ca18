/* SPDX-License-Identifier: MIT */
/* The store facade: picks the backend from the URI and forwards each call through the vtable in
 * store_int.h. Nothing here knows SQL. */
#include "fk/store.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/region.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "store_int.h"

int fk_store_is_pg(const char *uri)
{
    return strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0;
}

/* Appends the n bytes at s to buf (cap bytes, *len used), cut short at cap - 1. */
static void put_cut(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

const char *fk_store_shown(const char *uri, char *buf, size_t cap)
{
    const char *p = uri, *end, *at, *colon, *q;
    size_t len = 0;

    if (!cap)
        return buf;
    buf[0] = '\0';
    if (!fk_store_is_pg(uri)) {
        put_cut(buf, cap, &len, uri, strlen(uri));
        return buf;
    }
    /* user:password@ in the authority, which ends at the first '/', '?' or '#'. */
    p = strstr(uri, "://") + 3;
    end = p + strcspn(p, "/?#");
    /* the last '@': a password may hold one */
    for (at = end; at > p && at[-1] != '@'; at--)
        ;
    at = at > p ? at - 1 : NULL;
    colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
    if (colon) {
        put_cut(buf, cap, &len, uri, (size_t)(colon + 1 - uri));
        put_cut(buf, cap, &len, "***", 3);
        p = at;
    } else {
        p = uri;
    }
    /* password=VALUE among the parameters (after '?' or '&'), up to the next '&' or '#'. */
    for (;;) {
        q = strstr(p, "password=");
        while (q && q[-1] != '?' && q[-1] != '&')
            q = strstr(q + 1, "password=");
        if (!q) {
            put_cut(buf, cap, &len, p, strlen(p));
            return buf;
        }
        put_cut(buf, cap, &len, p, (size_t)(q + 9 - p));
        put_cut(buf, cap, &len, "***", 3);
        p = q + 9 + strcspn(q + 9, "&#");
    }
}

void fk__prefix_end(const char *prefix, char *out, size_t cap)
{
    size_t n = strlen(prefix);

    if (n >= cap)
        n = cap - 1;
    memcpy(out, prefix, n);
    out[n] = '\0';
    while (n > 0 && (unsigned char)out[n - 1] == 0xff)
        out[--n] = '\0';
    if (n > 0)
        out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
    else if (cap > 1)
        memcpy(out, "\xff", 2);
}

const char *fk_store_backends(void)
{
#ifdef FK_WITH_POSTGRES
    return "sqlite, postgresql";
#else
    return "sqlite";
#endif
}

const char *fk_store_local_path(const char *uri, const char *state, const char *kind, char *buf,
                                size_t cap)
{
    int n;

    if (fk_store_is_pg(uri) && !(state && *state))
        return NULL;
    if (strcmp(uri, ":memory:") == 0)
        return NULL;
    n = fk_store_is_pg(uri) ? snprintf(buf, cap, "%s/fangkong.%s", state, kind)
                            : snprintf(buf, cap, "%s.%s", uri, kind);
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

int fk_store_open(const char *uri, fk_store **out, char *err, size_t errlen)
{
    *out = NULL;
    if (fk_store_is_pg(uri)) {
#ifdef FK_WITH_POSTGRES
        return fk__store_pg_open(uri, out, err, errlen);
#else
        snprintf(err, errlen,
                 "this fangkong was built without PostgreSQL (libpq-dev was missing "
                 "when it was built); use a data file path");
        return FK_EINVAL;
#endif
    }
    return fk__store_sqlite_open(uri, out, err, errlen);
}

void fk_store_close(fk_store *st)
{
    if (st)
        st->ops->close(st);
}

const char *fk_store_errmsg(fk_store *st)
{
    return st->ops->errmsg(st);
}

/* Notes that the open batch wrote a record of type t, and so what the indexes its descriptor
 * feeds read (fk_store_index_generation), when the put succeeded and changed something; returns
 * rc. */
static int wrote(fk_store *st, fk_record_id t, int rc, const enum fk_put *did)
{
    const struct fk_record_type *rt = fk_record_get(t);

    if (rc == FK_OK && rt && (*did == FK_PUT_NEW || *did == FK_PUT_UPDATED))
        st->touched |= rt->feeds;
    return rc;
}

const struct fk_store_table fk_store_tables[] = {
    {"regions", "code"},
    {"persons", "id"},
    {"venues", "id"},
    {"scans", "person, venue, time"},
    {"pings", "person, cell, time"},
    {"samples", "tube, person"},
    {"results", "tube"},
    {"cases", "person"},
    {"rounds", "id"},
    {"users", "id"},
    {"audit", "id"},
    {"controls", "id"},
    {"arrivals", "person, arrived"},
    {"risk_areas", "area, start"},
    {"door_events", "device, time, event"},
    {"alerts", "id"},
    {"sentinels", "source, kind, time, grid, id_number"},
    {"coldchain", "batch, time, event, site, id_number"},
    {"vaccinations", "person, dose"},
    {"vaccination_pushes", "id"},
    {"vaccination_push_members", "push, person"},
    {"indicators", "code"},
    {"scores", "indicator, region, period"},
    {"units", "code"},
    {"reports", "unit, date, kind"},
    {"duty", "date, region, person"},
    {"inspections", "id"},
    {"problems", "id"},
    {"problem_history", "id"},
    {"incident_events", "person, event, time"},
    {"assignments", "role, person, lead"},
    {"zones", "name"},
    {"zone_changes", "id"},
    {"transfers", "task, person"},
    {"checkins", "person, time"},
    {"gate_counts", "gate, type, hour"},
    {"labs", "code"},
    {"boxes", "tube"},
    {"gatherings", "code"},
    {"requests", "number"},
    {NULL, NULL},
};

/* The entry of fk_store_tables named name, or NULL. */
static const struct fk_store_table *table_named(const char *name)
{
    const struct fk_store_table *t;

    for (t = fk_store_tables; name && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

int fk_store_watch(fk_store *st, int ms, int64_t *generation)
{
    *generation = -1;
    return st->ops->watch ? st->ops->watch(st, ms, generation) : FK_EINVAL;
}

unsigned fk_store_reconnects(const fk_store *st, char *server, size_t cap)
{
    if (server && cap)
        fk_strlcpy(server, st->server, cap);
    return st->reconnects;
}

int fk_store_lost(const fk_store *st)
{
    return st->ops->lost ? st->ops->lost(st) : 0;
}

int fk_store_dump(fk_store *st, const char *table, fk_table_cb cb, void *ud)
{
    const struct fk_store_table *t = table_named(table);

    return t ? st->ops->dump(st, t, cb, ud) : FK_EINVAL;
}

int fk_store_load(fk_store *st, const char *table, const char *const *names,
                  const struct fk_record_value *v, size_t n)
{
    const struct fk_store_table *t = table_named(table);
    int rc = t ? st->ops->load(st, t, names, v, n) : FK_EINVAL;

    if (rc == FK_OK)
        st->touched |= FK_FEEDS_ENGINE | FK_FEEDS_TRACER | FK_FEEDS_ROSTER;
    return rc;
}

int fk_store_load_end(fk_store *st, const char *table)
{
    const struct fk_store_table *t = table_named(table);

    return t ? st->ops->load_end(st, t) : FK_EINVAL;
}

int fk_store_begin(fk_store *st)
{
    st->touched = 0;
    return st->ops->begin(st);
}

int fk_store_commit(fk_store *st)
{
    int rc = st->ops->commit(st);

    if (rc == FK_OK)
        st->touched = 0;
    return rc;
}

int fk_store_rollback(fk_store *st)
{
    st->touched = 0;
    return st->ops->rollback(st);
}

int fk_store_index_generation(fk_store *st, unsigned feeds, int64_t *out)
{
    return st->ops->index_generation(st, feeds, out);
}

int fk_store_generation(fk_store *st, int64_t *out)
{
    return st->ops->generation(st, out);
}

int fk_store_begin_control(fk_store *st)
{
    st->touched = 0;
    return st->ops->begin_control(st);
}

int fk_store_begin_events(fk_store *st)
{
    st->touched = 0;
    return st->ops->begin_events(st);
}

int fk_store_read_begin(fk_store *st)
{
    return st->ops->read_begin(st);
}

int fk_store_read_end(fk_store *st)
{
    return st->ops->read_end(st);
}

int fk_store_control_generation(fk_store *st, int64_t *out)
{
    return st->ops->control_generation(st, out);
}

/* The keyed rows with a struct of their own are the generic put of their descriptor's fields
 * (fk/record.h), in the fields' order; every backend has that one put. */
#define RV_S(x)                                                                                    \
    {                                                                                              \
        (x), 0, 0                                                                                  \
    }
#define RV_I(x)                                                                                    \
    {                                                                                              \
        NULL, (x), 0                                                                               \
    }

int fk_store_put_region(fk_store *st, const struct fk_region_row *r, enum fk_put *did)
{
    const struct fk_record_value v[] = {RV_S(r->code),   RV_S(r->name),        RV_I(r->level),
                                        RV_S(r->parent), RV_S(r->lon),         RV_S(r->lat),
                                        RV_S(r->worker), RV_S(r->worker_phone)};

    return fk_store_put_record(st, FK_IMPORT_REGIONS, v, NULL, did, NULL);
}

int fk_store_put_person(fk_store *st, const struct fk_person_row *p, int64_t *id, enum fk_put *did)
{
    unsigned changed;

    return fk_store_put_person_changes(st, p, id, did, &changed);
}

/* A person's fields as the descriptor orders them. */
#define PERSON_FIELDS 8
static void person_values(const struct fk_person_row *p, struct fk_record_value *v)
{
    const struct fk_record_value w[PERSON_FIELDS] = {
        RV_S(p->id_number), {NULL, p->id_type, p->id_type < 0},
        RV_S(p->name),      RV_S(p->phone),
        RV_S(p->grid),      RV_S(p->household),
        RV_S(p->tags),      RV_S(p->address)};

    memcpy(v, w, sizeof w);
}

/* The bits of the fields a put changed (1 << index in the descriptor's fields) as enum
 * fk_person_field bits. */
static unsigned person_changes(unsigned diff)
{
    static const unsigned bit[PERSON_FIELDS] = {0,
                                                FK_PERSON_ID_TYPE,
                                                FK_PERSON_NAME,
                                                FK_PERSON_PHONE,
                                                FK_PERSON_GRID,
                                                FK_PERSON_HOUSEHOLD,
                                                FK_PERSON_TAGS,
                                                FK_PERSON_ADDRESS};
    unsigned out = 0;
    int k;

    for (k = 0; k < PERSON_FIELDS; k++)
        if (diff & (1u << k))
            out |= bit[k];
    return out;
}

int fk_store_put_person_changes(fk_store *st, const struct fk_person_row *p, int64_t *id,
                                enum fk_put *did, unsigned *changed)
{
    struct fk_record_value v[PERSON_FIELDS];
    unsigned diff = 0;
    int rc;

    person_values(p, v);
    rc = fk_store_put_record(st, FK_IMPORT_PERSONS, v, id, did, &diff);
    *changed = person_changes(diff);
    return rc;
}

int fk_store_put_persons(fk_store *st, const struct fk_person_row *p, size_t n, int64_t *ids,
                         enum fk_put *did, unsigned *changed)
{
    struct fk_record_value *v;
    size_t i;
    int rc;

    if (n == 0)
        return FK_OK;
    if (n > SIZE_MAX / (PERSON_FIELDS * sizeof *v) || !(v = malloc(n * PERSON_FIELDS * sizeof *v)))
        return FK_ENOMEM;
    for (i = 0; i < n; i++)
        person_values(&p[i], &v[i * PERSON_FIELDS]);
    rc = fk_store_put_records(st, FK_IMPORT_PERSONS, v, n, ids, did, changed);
    for (i = 0; changed && i < n; i++)
        changed[i] = rc == FK_OK ? person_changes(changed[i]) : 0;
    free(v);
    return rc;
}

int fk_store_put_venue(fk_store *st, const struct fk_venue_row *v, int64_t *id, enum fk_put *did)
{
    const struct fk_record_value r[] = {RV_S(v->code), RV_S(v->name), RV_S(v->type),
                                        RV_S(v->grid), RV_S(v->lon),  RV_S(v->lat)};

    return fk_store_put_record(st, FK_IMPORT_VENUES, r, id, did, NULL);
}

int fk_store_add_scan(fk_store *st, int64_t person, int64_t venue, int64_t time, enum fk_put *did)
{
    return wrote(st, FK_IMPORT_SCANS, st->ops->add_scan(st, person, venue, time, did), did);
}

int fk_store_add_ping(fk_store *st, int64_t person, const char *cell, int64_t time,
                      enum fk_put *did)
{
    return wrote(st, FK_IMPORT_PINGS, st->ops->add_ping(st, person, cell, time, did), did);
}

int fk_store_add_sample(fk_store *st, const struct fk_sample_row *s, enum fk_put *did)
{
    return wrote(st, FK_IMPORT_SAMPLES, st->ops->add_sample(st, s, did), did);
}

int fk_store_add_events(fk_store *st, fk_record_id type, const struct fk_event_row *e,
                        const struct fk_sample_row *s, size_t n, enum fk_put *did)
{
    size_t i;
    int rc = FK_OK;

    if (type != FK_IMPORT_SCANS && type != FK_IMPORT_PINGS && type != FK_IMPORT_SAMPLES)
        return FK_EINVAL;
    if (st->ops->add_events) {
        rc = st->ops->add_events(st, type, e, s, n, did);
        for (i = 0; rc == FK_OK && i < n; i++)
            wrote(st, type, rc, &did[i]);
        return rc;
    }
    for (i = 0; rc == FK_OK && i < n; i++) {
        if (type == FK_IMPORT_SCANS)
            rc = fk_store_add_scan(st, e[i].person, e[i].venue, e[i].time, &did[i]);
        else if (type == FK_IMPORT_PINGS)
            rc = fk_store_add_ping(st, e[i].person, e[i].cell, e[i].time, &did[i]);
        else
            rc = fk_store_add_sample(st, &s[i], &did[i]);
    }
    return rc;
}

int fk_store_put_records(fk_store *st, fk_record_id t, const struct fk_record_value *v, size_t n,
                         int64_t *ids, enum fk_put *did, unsigned *changed)
{
    const struct fk_record_type *rt = fk_record_get(t);
    size_t i;
    int rc = FK_OK;

    if (!rt || !(rt->flags & FK_RECORD_GENERIC))
        return FK_EINVAL;
    if (st->ops->put_records) {
        rc = st->ops->put_records(st, t, v, n, ids, did, changed);
        for (i = 0; rc == FK_OK && i < n; i++)
            wrote(st, t, rc, &did[i]);
        return rc;
    }
    for (i = 0; rc == FK_OK && i < n; i++)
        rc = fk_store_put_record(st, t, &v[i * (size_t)rt->nfields], ids ? &ids[i] : NULL, &did[i],
                                 changed ? &changed[i] : NULL);
    return rc;
}

int fk_store_prefers_bulk(const fk_store *st)
{
    return st->ops->add_events != NULL;
}

int fk_store_put_result(fk_store *st, const struct fk_result_row *r, enum fk_put *did)
{
    return wrote(st, FK_IMPORT_RESULTS, st->ops->put_result(st, r, did), did);
}

int fk_store_put_case(fk_store *st, const struct fk_case_row *c, enum fk_put *did)
{
    struct fk_record_value v[] = {RV_I(c->person), RV_I(c->confirmed), RV_I(c->onset),
                                  RV_I(c->kind),   RV_I(c->isolated),  RV_I(c->reported)};

    /* reported < 0: the row did not say (an old file), so the stored time stays. */
    v[5].absent = c->reported < 0;
    v[5].i = c->reported < 0 ? 0 : c->reported;
    return fk_store_put_record(st, FK_IMPORT_CASES, v, NULL, did, NULL);
}

int fk_store_get_person(fk_store *st, int64_t id, struct fk_person_row *out)
{
    return st->ops->get_person(st, id, out);
}

int fk_store_find_person(fk_store *st, const char *id_number, int64_t *id)
{
    return st->ops->find_person(st, id_number, id);
}

int fk_store_each_case(fk_store *st, fk_case_cb cb, void *ud)
{
    return st->ops->each_case(st, cb, ud);
}

int fk_store_each_scan(fk_store *st, fk_event_cb cb, void *ud)
{
    return st->ops->each_scan(st, cb, ud);
}

int fk_store_each_ping(fk_store *st, fk_event_cb cb, void *ud)
{
    return st->ops->each_ping(st, cb, ud);
}

int fk_store_get_region(fk_store *st, const char *code, struct fk_region_row *out)
{
    return st->ops->get_region(st, code, out);
}

int fk_store_tube_exists(fk_store *st, const char *tube)
{
    return st->ops->tube_exists(st, tube);
}

int fk_store_each_region(fk_store *st, fk_region_cb cb, void *ud)
{
    return st->ops->each_region(st, cb, ud);
}

int fk_store_each_person_key(fk_store *st, fk_person_cb cb, void *ud)
{
    return st->ops->each_person_key(st, cb, ud);
}

int fk_store_each_person_shown(fk_store *st, fk_person_cb cb, void *ud)
{
    return st->ops->each_person_shown(st, cb, ud);
}

int fk_store_each_venue(fk_store *st, fk_venue_cb cb, void *ud)
{
    return st->ops->each_venue(st, cb, ud);
}

int fk_store_each_sample(fk_store *st, fk_sample_cb cb, void *ud)
{
    return st->ops->each_sample(st, cb, ud);
}

int fk_store_each_result(fk_store *st, fk_result_cb cb, void *ud)
{
    return st->ops->each_result(st, cb, ud);
}

int fk_store_count(fk_store *st, const char *table, int64_t *out)
{
    /* The tables that may be counted. A backend puts the name it is handed into its SQL: it is
     * always one of these, never the caller's text. */
    static const char *const tables[] = {
        "regions",     "persons",         "venues",    "scans",     "pings",        "samples",
        "results",     "cases",           "rounds",    "controls",  "arrivals",     "risk_areas",
        "door_events", "alerts",          "sentinels", "coldchain", "vaccinations", "indicators",
        "scores",      "assignments",     "units",     "reports",   "duty",         "inspections",
        "problems",    "incident_events", "zones",     "transfers", "checkins",     "labs",
        "boxes",       "gatherings",      "requests"};
    size_t i;

    *out = 0;
    for (i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(table, tables[i]) == 0)
            return st->ops->count(st, tables[i], out);
    return FK_EINVAL;
}

int fk_store_add_round(fk_store *st, struct fk_round *r)
{
    return st->ops->add_round(st, r);
}

int fk_store_get_round(fk_store *st, const char *name, struct fk_round *out)
{
    return st->ops->get_round(st, name, out);
}

int fk_store_each_round(fk_store *st, fk_round_cb cb, void *ud)
{
    return st->ops->each_round(st, cb, ud);
}

int fk_store_add_user(fk_store *st, const struct fk_user *u)
{
    return st->ops->add_user(st, u);
}

int fk_store_update_user(fk_store *st, const struct fk_user *u)
{
    return st->ops->update_user(st, u);
}

int fk_store_get_user(fk_store *st, const char *name, struct fk_user *out)
{
    return st->ops->get_user(st, name, out);
}

int fk_store_get_user_by_id(fk_store *st, int64_t id, struct fk_user *out)
{
    return st->ops->get_user_by_id(st, id, out);
}

int fk_store_each_user(fk_store *st, fk_user_cb cb, void *ud)
{
    return st->ops->each_user(st, cb, ud);
}

int fk_store_add_token(fk_store *st, const char *hash, int64_t user, int64_t created,
                       int64_t expires)
{
    return st->ops->add_token(st, hash, user, created, expires);
}

int fk_store_get_token(fk_store *st, const char *hash, int64_t *user, int64_t *expires)
{
    return st->ops->get_token(st, hash, user, expires);
}

int fk_store_del_token(fk_store *st, const char *hash)
{
    return st->ops->del_token(st, hash);
}

int fk_store_del_user_tokens(fk_store *st, int64_t user)
{
    return st->ops->del_user_tokens(st, user);
}

int fk_store_add_audit(fk_store *st, const struct fk_audit_row *a)
{
    struct fk_audit_row b = *a;

    if (!b.region)
        b.region = st->audit_region;
    return st->ops->add_audit(st, &b);
}

void fk_store_set_audit_region(fk_store *st, const char *region)
{
    fk_strlcpy(st->audit_region, region ? region : "", sizeof st->audit_region);
}

int fk_store_region_inside(fk_store *st, const char *inner, const char *outer)
{
    char cur[FK_REGION_CODE_MAX];
    struct fk_region_row r;
    int depth, rc;

    if (strlen(inner) >= sizeof cur || !*outer)
        return 0;
    fk_strlcpy(cur, inner, sizeof cur);
    /* A region tree has six levels; the bound stops a cycle a damaged file might hold. */
    for (depth = 0; depth < 16; depth++) {
        if (strcmp(cur, outer) == 0)
            return 1;
        rc = fk_store_get_region(st, cur, &r);
        if (rc == FK_ENOENT)
            return 0;
        if (rc != FK_OK)
            return rc;
        if (!r.parent || !*r.parent || strlen(r.parent) >= sizeof cur)
            return 0;
        fk_strlcpy(cur, r.parent, sizeof cur);
    }
    return 0;
}

/* The audit cut: rows go through to cb when the reader may see them. A verdict per region code is
 * kept, so a long trail costs a few look-ups per region, not per row. */
struct audit_cut {
    fk_store *st;
    const char *scope, *who;
    int root;        /* a city or above: it sees rows about no region */
    fk_strmap *seen; /* region code -> 1 inside, 2 outside */
    fk_audit_cb cb;
    void *ud;
};

static int audit_cut_row(void *ud, const struct fk_audit_row *a)
{
    struct audit_cut *x = ud;
    const char *region = a->region ? a->region : "";
    int64_t i;
    int added, in;

    if (x->who && a->who && strcmp(a->who, x->who) == 0)
        return x->cb(x->ud, a);
    if (!*region)
        return x->root ? x->cb(x->ud, a) : 0;
    i = fk_strmap_intern(x->seen, region, strlen(region), &added);
    if (i < 0)
        return FK_ENOMEM;
    if (added) {
        /* The row is borrowed until the next store call: the look-ups below are such calls, so
         * the row is copied first. */
        struct fk_audit_row copy;
        fk_buf keep[6];
        int k, rc = FK_OK;
        const char *src[6] = {a->who, a->action, a->target, a->detail, region, ""};

        for (k = 0; k < 6; k++) {
            fk_buf_init(&keep[k], 0);
            if (rc == FK_OK)
                rc = fk_buf_puts(&keep[k], src[k] ? src[k] : "");
            if (rc == FK_OK)
                rc = fk_buf_reserve(&keep[k], 1);
        }
        copy = *a;
        if (rc == FK_OK) {
            in = fk_store_region_inside(x->st, region, x->scope);
            rc = in < 0 ? in : FK_OK;
            if (rc == FK_OK) {
                fk_strmap_set_value(x->seen, i, in ? 1 : 2);
                copy.who = keep[0].data ? keep[0].data : "";
                copy.action = keep[1].data ? keep[1].data : "";
                copy.target = keep[2].data ? keep[2].data : "";
                copy.detail = keep[3].data ? keep[3].data : "";
                copy.region = keep[4].data ? keep[4].data : "";
                if (in)
                    rc = x->cb(x->ud, &copy);
            }
        }
        for (k = 0; k < 6; k++)
            fk_buf_fini(&keep[k]);
        return rc;
    }
    return fk_strmap_value(x->seen, i) == 1 ? x->cb(x->ud, a) : 0;
}

int fk_store_each_audit_in(fk_store *st, int64_t since, const char *scope, const char *who,
                           fk_audit_cb cb, void *ud)
{
    struct audit_cut x;
    struct fk_region_row r;
    int rc;

    if (!scope)
        return st->ops->each_audit(st, since, cb, ud);
    memset(&x, 0, sizeof x);
    x.st = st;
    x.scope = scope;
    x.who = who;
    x.cb = cb;
    x.ud = ud;
    rc = fk_store_get_region(st, scope, &r);
    if (rc != FK_OK && rc != FK_ENOENT)
        return rc;
    x.root = rc == FK_OK && r.level <= FK_LEVEL_CITY;
    x.seen = fk_strmap_new();
    if (!x.seen)
        return FK_ENOMEM;
    rc = st->ops->each_audit(st, since, audit_cut_row, &x);
    fk_strmap_free(x.seen);
    return rc;
}

int fk_store_each_audit(fk_store *st, int64_t since, fk_audit_cb cb, void *ud)
{
    return st->ops->each_audit(st, since, cb, ud);
}

int fk_store_audit(fk_store *st, const char *who, const char *action, const char *target,
                   const char *fmt, ...)
{
    struct fk_audit_row a;
    char detail[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    a.id = 0;
    a.time = 0;
    a.who = who;
    a.action = action;
    a.target = target;
    a.detail = detail;
    a.region = st->audit_region;
    return st->ops->add_audit(st, &a);
}

int fk_store_put_control(fk_store *st, const struct fk_control_row *c, int64_t *id, enum fk_put *did)
{
    const struct fk_record_value v[] = {
        RV_I(c->person), RV_I(c->start),  RV_I(c->category),
        RV_I(c->place),  RV_I(c->end),    RV_S(c->regime),
        RV_S(c->site),   RV_S(c->device), {NULL, c->extended, c->extended < 0}};

    return st->ops->put_record(st, FK_IMPORT_CONTROLS, v, id, did, NULL);
}

int fk_store_put_record(fk_store *st, fk_record_id t, const struct fk_record_value *v,
                        int64_t *id, enum fk_put *did, unsigned *changed)
{
    return wrote(st, t, st->ops->put_record(st, t, v, id, did, changed), did);
}

int fk_store_each_record(fk_store *st, fk_record_id t, fk_record_cb cb, void *ud)
{
    return st->ops->each_record(st, t, cb, ud);
}

int fk_store_put_arrival(fk_store *st, const struct fk_arrival_row *a, enum fk_put *did)
{
    const struct fk_record_value v[] = {RV_I(a->person), RV_I(a->arrived), RV_S(a->origin),
                                        RV_S(a->grid), RV_S(a->transport)};

    return st->ops->put_record(st, FK_IMPORT_ARRIVALS, v, NULL, did, NULL);
}

int fk_store_put_risk_area(fk_store *st, const struct fk_risk_area_row *r, enum fk_put *did)
{
    /* A NULL name: the file had no name column, the stored name stays. */
    const struct fk_record_value v[] = {RV_S(r->area), RV_I(r->start), RV_I(r->level), RV_I(r->end),
                                        RV_S(r->name)};

    return st->ops->put_record(st, FK_IMPORT_RISK_AREAS, v, NULL, did, NULL);
}

int fk_store_add_door_event(fk_store *st, const struct fk_door_row *d, enum fk_put *did)
{
    return st->ops->add_door_event(st, d, did);
}

int fk_store_add_alert(fk_store *st, const struct fk_alert_row *a, enum fk_put *did)
{
    return st->ops->add_alert(st, a, did);
}

int fk_store_update_alert(fk_store *st, int64_t id, int status, const char *who, const char *note, int64_t updated)
{
    return st->ops->update_alert(st, id, status, who, note, updated);
}

int fk_store_get_control(fk_store *st, int64_t id, struct fk_control_row *out)
{
    return st->ops->get_control(st, id, out);
}

int fk_store_get_alert(fk_store *st, int64_t id, struct fk_alert_row *out)
{
    return st->ops->get_alert(st, id, out);
}

int fk_store_find_device(fk_store *st, const char *device, int64_t *person)
{
    return st->ops->find_device(st, device, person);
}

int fk_store_coldchain_batch_known(fk_store *st, const char *batch)
{
    return st->ops->coldchain_batch_known(st, batch);
}

int fk_store_door_before(fk_store *st, const char *device, int64_t t, struct fk_door_row *out)
{
    return st->ops->door_before(st, device, t, out);
}

int fk_store_each_control(fk_store *st, int64_t person, fk_control_cb cb, void *ud)
{
    return st->ops->each_control(st, person, cb, ud);
}

int fk_store_each_arrival(fk_store *st, fk_arrival_cb cb, void *ud)
{
    return st->ops->each_arrival(st, cb, ud);
}

int fk_store_each_risk_area(fk_store *st, fk_risk_area_cb cb, void *ud)
{
    return st->ops->each_risk_area(st, cb, ud);
}

int fk_store_each_alert(fk_store *st, int status, fk_alert_cb cb, void *ud)
{
    return st->ops->each_alert(st, status, cb, ud);
}

int fk_store_each_silent_device(fk_store *st, int64_t before, fk_door_cb cb, void *ud)
{
    return st->ops->each_silent_device(st, before, cb, ud);
}

int fk_store_each_sentinel(fk_store *st, int64_t from, int64_t to, int kind, fk_sentinel_cb cb,
                           void *ud)
{
    return st->ops->each_sentinel(st, from, to, kind, cb, ud);
}

int fk_store_each_tube_member(fk_store *st, const char *tube, fk_sample_cb cb, void *ud)
{
    return st->ops->each_tube_member(st, tube, cb, ud);
}

void fk_store_set_busy_wait(fk_store *st, int ms)
{
    st->ops->set_busy_wait(st, ms);
}

int fk_store_add_gate_count(fk_store *st, const struct fk_gate_count_row *r)
{
    return st->ops->add_gate_count(st, r);
}

int fk_store_each_gate_count(fk_store *st, int64_t from, fk_gate_count_cb cb, void *ud)
{
    return st->ops->each_gate_count(st, from, cb, ud);
}

int fk_store_each_person_tagged(fk_store *st, fk_person_cb cb, void *ud)
{
    return st->ops->each_person_tagged(st, cb, ud);
}

int fk_store_search_persons(fk_store *st, enum fk_person_key key, const char *value,
                            const char *grid, fk_person_cb cb, void *ud)
{
    return st->ops->search_persons(st, key, value, grid, cb, ud);
}

int fk_store_grid_names(fk_store *st, const char *grid, const char *prefix, const char *upto,
                        size_t limit, fk_person_name_cb cb, void *ud)
{
    return st->ops->grid_names(st, grid, prefix, upto, limit, cb, ud);
}

int fk_store_get_case(fk_store *st, int64_t person, struct fk_case_row *out)
{
    return st->ops->get_case(st, person, out);
}

int fk_store_open_control(fk_store *st, int64_t person, int *category)
{
    return st->ops->open_control(st, person, category);
}

int fk_store_each_vaccination(fk_store *st, int64_t person, fk_vax_cb cb, void *ud)
{
    return st->ops->each_vaccination(st, person, cb, ud);
}

int fk_store_add_vax_push(fk_store *st, const char *region, int64_t time, const char *who,
                          const int64_t *members, size_t n, int64_t *id)
{
    return st->ops->add_vax_push(st, region, time, who, members, n, id);
}

int fk_store_each_vax_push(fk_store *st, int64_t now, fk_vax_push_cb cb, void *ud)
{
    return st->ops->each_vax_push(st, now, cb, ud);
}

int fk_store_add_problem_change(fk_store *st, const struct fk_problem_change *h)
{
    return st->ops->add_problem_change(st, h);
}

int fk_store_each_problem_change(fk_store *st, const char *problem, fk_problem_change_cb cb,
                                 void *ud)
{
    return st->ops->each_problem_change(st, problem, cb, ud);
}

int fk_store_add_zone_change(fk_store *st, const struct fk_zone_change *h)
{
    return st->ops->add_zone_change(st, h);
}

int fk_store_each_zone_change(fk_store *st, fk_zone_change_cb cb, void *ud)
{
    return st->ops->each_zone_change(st, cb, ud);
}

int fk_store_each_transfer(fk_store *st, const char *task, int64_t person, fk_record_cb cb,
                           void *ud)
{
    return st->ops->each_transfer(st, task, person, cb, ud);
}
