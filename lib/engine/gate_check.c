/* SPDX-License-Identifier: MIT */
/* Gate checks over the data (fk/gate_check.h): one person's samples from the engine's per-person
 * index, their orders from the store; and the gates' counts by gate or by hour. */
#include "fk/gate_check.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/screening.h"
#include "fk/zones.h"
#include "fk/str.h"
#include "fk/time.h"

struct open_walk {
    int64_t now;
    int open;
};

static int on_order(void *ud, const struct fk_control_row *c)
{
    struct open_walk *w = ud;

    if (c->start <= w->now && (c->end == 0 || c->end > w->now))
        w->open = 1;
    return 0;
}

/* Risk zones (issue 18): lockdown when the person's grid lies in a lockdown zone active at now. */
static int zone_facts(fk_store *st, fk_engine *e, int64_t pid, int64_t now,
                      struct fk_gate_facts *out)
{
    int level = -1;
    int rc = fk_zone_grid_level(st, e, fk_engine_person_grid(e, pid), now, &level);

    out->lockdown = rc == FK_OK && level == FK_ZONE_LOCKDOWN;
    return rc;
}

int fk_gate_facts_of(fk_store *st, fk_engine *e, const char *id_number, int64_t now,
                     struct fk_gate_facts *out)
{
    struct fk_person_sample few[16], *s = few;
    struct open_walk w = {now, 0};
    struct fk_case_row kase;
    int64_t pid;
    size_t n, i;
    int rc;

    memset(out, 0, sizeof *out);
    rc = fk_store_find_person(st, id_number, &pid);
    if (rc == FK_ENOENT)
        return FK_OK;
    if (rc != FK_OK)
        return rc;
    if (fk_engine_person_index(e) != FK_OK)
        return FK_ENOMEM;
    n = fk_engine_person_samples(e, pid, few, sizeof few / sizeof few[0]);
    if (n > sizeof few / sizeof few[0]) { /* a person sampled more often than most */
        s = malloc(n * sizeof *s);
        if (!s)
            return FK_ENOMEM;
        n = fk_engine_person_samples(e, pid, s, n);
    }
    for (i = 0; i < n; i++) {
        if (s[i].result < 0 || s[i].rtime > now || s[i].time > now)
            continue;
        if (s[i].result == FK_RESULT_POSITIVE && s[i].rtime > out->positive)
            out->positive = s[i].rtime;
        else if (s[i].result == FK_RESULT_NEGATIVE && s[i].time > out->negative)
            out->negative = s[i].time;
    }
    if (s != few)
        free(s);
    /* a case (confirmed or asymptomatic) is positive from its confirmation, whatever the
     * samples the engine holds say */
    rc = fk_store_get_case(st, pid, &kase);
    if (rc == FK_OK && kase.confirmed <= now && kase.confirmed > out->positive)
        out->positive = kase.confirmed;
    if (rc != FK_OK && rc != FK_ENOENT)
        return rc;
    rc = fk_store_each_control(st, pid, on_order, &w);
    out->controlled = w.open;
    if (rc == FK_OK)
        rc = zone_facts(st, e, pid, now, out);
    return rc;
}

/* ---- counts ---- */

#define MAX_HOURS (31 * 24)

struct gate_sum {
    char gate[72], scope[32];
    int type;
    int64_t n[4], last;
};

struct counts {
    fk_engine *e;
    const char *scope;
    int64_t from, to;
    int by_hour;
    struct gate_sum *g; /* by gate */
    size_t ng, cap;
    int64_t (*h)[4]; /* by hour: (hour - from) / 3600 */
    int rc;
};

static int count_row(void *ud, const struct fk_gate_count_row *r)
{
    struct counts *c = ud;
    size_t i;
    int k;

    if (r->hour < c->from || r->hour >= c->to)
        return 0;
    if (c->scope && *c->scope && !fk_engine_region_inside(c->e, r->scope, c->scope))
        return 0;
    if (c->by_hour) {
        for (k = 0; k < 4; k++)
            c->h[(r->hour - c->from) / 3600][k] += r->n[k];
        return 0;
    }
    for (i = 0; i < c->ng; i++)
        if (c->g[i].type == r->type && strcmp(c->g[i].gate, r->gate) == 0)
            break;
    if (i == c->ng) {
        if (c->ng == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 32;
            struct gate_sum *v = realloc(c->g, cap * sizeof *v);

            if (!v) {
                c->rc = FK_ENOMEM;
                return 1;
            }
            c->g = v;
            c->cap = cap;
        }
        memset(&c->g[i], 0, sizeof c->g[i]);
        fk_strlcpy(c->g[i].gate, r->gate, sizeof c->g[i].gate);
        c->g[i].type = r->type;
        c->ng++;
    }
    fk_strlcpy(c->g[i].scope, r->scope, sizeof c->g[i].scope); /* where it stood last */
    for (k = 0; k < 4; k++)
        c->g[i].n[k] += r->n[k];
    if (r->last > c->g[i].last)
        c->g[i].last = r->last;
    return 0;
}

static int64_t total_of(const int64_t *n)
{
    return n[0] + n[1] + n[2] + n[3];
}

static int busiest_first(const void *a, const void *b)
{
    const struct gate_sum *x = a, *y = b;
    int64_t tx = total_of(x->n), ty = total_of(y->n);
    int c = (ty > tx) - (ty < tx);

    return c ? c : strcmp(x->gate, y->gate) ? strcmp(x->gate, y->gate) : x->type - y->type;
}

static const struct fk_col gate_cols[] = {
    {"gate", FK_COL_TEXT},  {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"type", FK_COL_TEXT},  {"green", FK_COL_INT},   {"yellow", FK_COL_INT},
    {"red", FK_COL_INT},    {"bad", FK_COL_INT},     {"total", FK_COL_INT},
    {"last", FK_COL_TEXT},
};
static const struct fk_col hour_cols[] = {
    {"hour", FK_COL_TEXT}, {"green", FK_COL_INT}, {"yellow", FK_COL_INT},
    {"red", FK_COL_INT},   {"bad", FK_COL_INT},   {"total", FK_COL_INT},
};

int fk_gate_counts_table(fk_store *st, fk_engine *e, const char *scope, int64_t from, int64_t to,
                         int by_hour, const struct fk_gate_count_row *extra, size_t n,
                         fk_table **out)
{
    struct counts c;
    fk_table *t = NULL;
    size_t i, nh = 0;
    int rc;

    *out = NULL;
    memset(&c, 0, sizeof c);
    from -= ((from % 3600) + 3600) % 3600; /* whole hours */
    if (to < from)
        to = from;
    c.e = e;
    c.scope = scope;
    c.from = from;
    c.to = to;
    c.by_hour = by_hour;
    if (by_hour) {
        nh = (size_t)((to - from + 3599) / 3600);
        if (nh > MAX_HOURS)
            return FK_EINVAL;
        c.h = calloc(nh + 1, sizeof *c.h);
        if (!c.h)
            return FK_ENOMEM;
    }
    rc = fk_store_each_gate_count(st, from, count_row, &c);
    for (i = 0; rc == FK_OK && c.rc == FK_OK && i < n; i++)
        count_row(&c, &extra[i]);
    if (c.rc != FK_OK)
        rc = c.rc;
    if (rc == FK_OK)
        rc = fk_table_new(by_hour ? hour_cols : gate_cols, by_hour ? 6 : 10, &t);
    if (rc == FK_OK && by_hour) {
        for (i = 0; rc == FK_OK && i < nh; i++) {
            char hour[FK_TIME_RENDER_MAX], v[5][24];
            const char *vals[6] = {fk_time_render(from + (int64_t)i * 3600, hour), v[0], v[1],
                                   v[2], v[3], v[4]};
            int k;

            for (k = 0; k < 4; k++)
                snprintf(v[k], sizeof v[k], "%lld", (long long)c.h[i][k]);
            snprintf(v[4], sizeof v[4], "%lld", (long long)total_of(c.h[i]));
            rc = fk_table_add(t, vals);
        }
    } else if (rc == FK_OK) {
        if (c.ng)
            qsort(c.g, c.ng, sizeof *c.g, busiest_first);
        for (i = 0; rc == FK_OK && i < c.ng; i++) {
            const struct gate_sum *g = &c.g[i];
            const char *name = "";
            char last[FK_TIME_RENDER_MAX], v[5][24];
            const char *vals[10] = {g->gate, g->scope, name, fk_gate_type_name(g->type),
                                    v[0],    v[1],     v[2], v[3],
                                    v[4],    g->last ? fk_time_render(g->last, last) : ""};
            int32_t glo, ghi;
            enum fk_level lv;
            int k;

            if (fk_engine_region_info(e, g->scope, &glo, &ghi, &lv, &name) == FK_OK)
                vals[2] = name;
            for (k = 0; k < 4; k++)
                snprintf(v[k], sizeof v[k], "%lld", (long long)g->n[k]);
            snprintf(v[4], sizeof v[4], "%lld", (long long)total_of(g->n));
            rc = fk_table_add(t, vals);
        }
    }
    free(c.g);
    free(c.h);
    if (rc != FK_OK) {
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}
