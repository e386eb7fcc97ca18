/* SPDX-License-Identifier: MIT */
/* Gate checks (场所核验, 数字哨兵, issue 18): GET /api/v1/check/ID answers a colour and a reason
 * code, never a name, from the gate index (fk/gate_index.h) in microseconds, or from the store for
 * a moment the index cannot answer exactly (as of the past). Each check is counted per gate (the
 * account), type, hour and colour, never logged per person; the counts go to the store every
 * minute and on stop (fk_gate_counts_add, audited). GET /api/v1/gates answers the counts by gate
 * or by hour, with each gate's checks in the last minute, cut to the caller's scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "state.h"

#define FLUSH_SECONDS 60.0
#define LIVE_MAX 100000 /* gates whose last minute is kept */

/* One gate's checks in the current minute and the one before (for the live rate). */
struct gate_live {
    char gate[72];
    int64_t minute;
    uint32_t cur, prev;
};

/* The gate's entry (through live_ix, whose dense index is the entry's), or NULL. */
static struct gate_live *live_find(const struct server *s, const char *gate)
{
    int64_t i = fk_strmap_find(s->live_ix, gate, strnlen(gate, sizeof s->live[0].gate - 1));

    return i >= 0 ? &s->live[i] : NULL;
}

/* The gate's entry, made when new; NULL past LIVE_MAX gates or out of memory. */
static struct gate_live *live_of(struct server *s, const char *gate)
{
    struct gate_live *l = live_find(s, gate);
    int added;

    if (l)
        return l;
    if (s->nlive == s->caplive) {
        size_t cap = s->caplive ? s->caplive * 2 : 64;
        struct gate_live *v;

        if (cap > LIVE_MAX)
            return NULL;
        v = realloc(s->live, cap * sizeof *v);
        if (!v)
            return NULL;
        s->live = v;
        s->caplive = cap;
    }
    if (fk_strmap_intern(s->live_ix, gate, strnlen(gate, sizeof s->live[0].gate - 1), &added) !=
        (int64_t)s->nlive)
        return NULL;
    memset(&s->live[s->nlive], 0, sizeof s->live[0]);
    fk_strlcpy(s->live[s->nlive].gate, gate, sizeof s->live[0].gate);
    return &s->live[s->nlive++];
}

/* Checks of gate in the last whole minute before `minute` (the current one). */
static uint32_t live_rate(const struct gate_live *l, int64_t minute)
{
    if (!l)
        return 0;
    if (l->minute == minute)
        return l->prev;
    return l->minute == minute - 1 ? l->cur : 0;
}

static void live_count(struct server *s, const char *gate, int64_t at)
{
    struct gate_live *l = live_of(s, gate);
    int64_t minute = at / 60;

    if (!l)
        return;
    if (l->minute != minute) {
        l->prev = l->minute == minute - 1 ? l->cur : 0;
        l->cur = 0;
        l->minute = minute;
    }
    l->cur++;
}

double gate_flush_seconds(void)
{
    const char *e = getenv("FANGKONG_GATE_FLUSH");
    double v = e && *e ? strtod(e, NULL) : 0;

    return v > 0 ? v : FLUSH_SECONDS;
}

/* Adds the tally's counts to the store when force or a minute has passed since the last time.
 * Under the lock. A failure keeps the counts for the next time and says so in the log. */
void gate_flush(struct server *s, int force)
{
    const struct fk_gate_count_row *rows;
    struct fk_actor as = {"fangkong serve", FK_ROLE_ADMIN, NULL};
    double now = srv_clock();
    char err[512];
    size_t n;
    int rc;

    if (!s->tally || (!force && now - s->tally_at < s->tally_every))
        return;
    s->tally_at = now;
    fk_gate_tally_rows(s->tally, &rows, &n);
    if (!n)
        return;
    /* Under the lock every request waits for this write: while another process imports (and
     * holds the data file's write lock for a batch) it is not waited for but tried again in a
     * minute; the counts stay here meanwhile. On stop it waits as any write does. */
    if (!force)
        fk_store_set_busy_wait(s->st, 0);
    rc = fk_gate_counts_add(s->st, &as, rows, n, err, sizeof err);
    if (!force)
        fk_store_set_busy_wait(s->st, 10000);
    if (rc != FK_OK) {
        fprintf(stderr, "fangkong serve: gate counts kept for later: %s\n", err);
        return;
    }
    fk_gate_tally_clear(s->tally);
}

/* The gate index over the current engine with its orders as the store's (read again at most
 * every 100 ms, at once after a write through the API), or NULL with an answer set. */
static fk_gate_index *srv_gate(struct req *r)
{
    struct server *s = r->srv;
    fk_engine *e = srv_engine(r);
    int64_t cg;
    char err[512];
    int rc;

    if (!e)
        return NULL;
    s->gate_used = 1; /* the builder builds one with each engine from now on */
    if (!s->gate || s->gate_eng != e) {
        /* the builder makes one with every engine; this is its first use after a failure */
        fk_gate_index_free(s->gate);
        s->gate = NULL;
        s->gate_eng = NULL;
        rc = fk_store_control_generation(s->st, &s->gate_cg);
        if (rc == FK_OK)
            rc = fk_gate_index_build(s->st, e, &s->gate, err, sizeof err);
        else
            snprintf(err, sizeof err, "%s", fk_store_errmsg(s->st));
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            return NULL;
        }
        s->gate_eng = e;
        s->gate_cg_at = srv_clock();
    }
    if (srv_clock() - s->gate_cg_at >= 0.1) {
        s->gate_cg_at = srv_clock();
        rc = fk_store_control_generation(s->st, &cg);
        if (rc == FK_OK && cg != s->gate_cg) {
            rc = fk_gate_index_load_orders(s->gate, s->st);
            if (rc == FK_OK) /* zone writes are control batches too */
                rc = fk_gate_index_load_lockdown(s->gate, s->st);
            if (rc == FK_OK)
                s->gate_cg = cg;
        }
        if (rc != FK_OK) {
            reply_fk(r, rc, fk_store_errmsg(s->st));
            return NULL;
        }
    }
    return s->gate;
}

/* GET /api/v1/check/ID_NUMBER?gate=scenic|station|other&now=T: {"colour","reason","gate",
 * "hours"}; 400 bad_id for what is no ID number (counted as such). */
static void api_check_get(struct req *r)
{
    const char *gate = req_arg(r, "gate");
    enum fk_gate_type type = FK_GATE_OTHER;
    enum fk_gate_reason why;
    enum fk_gate_colour col;
    struct fk_gate_facts f;
    fk_gate_index *gi;
    char id[40], body[160];
    int64_t now, window;
    size_t n;
    int asked, rc, len;

    if (gate && fk_gate_type_parse((fk_slice){gate, strlen(gate)}, &type) != FK_OK) {
        reply_error(r, 400, "bad_request", "gate=scenic, station or other",
                    "gate type '%.40s' is not scenic, station or other", gate);
        return;
    }
    if (!req_now(r, &now, &asked))
        return;
    n = fk_gate_id(r->param, strlen(r->param), id, sizeof id);
    if (!n) {
        fk_gate_tally_add(r->srv->tally, r->who.name, r->who.scope, type, FK_GATE_BAD_ID, now);
        reply_error(r, 400, "bad_id", "scan the code again or type the ID number",
                    "that is no ID number");
        return;
    }
    if (!(gi = srv_gate(r)))
        return;
    if (!fk_gate_index_facts(gi, id, n, now, &f)) {
        rc = fk_gate_facts_of(srv_store(r), srv_engine(r), id, now, &f);
        if (rc != FK_OK) {
            reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
            return;
        }
    }
    window = fk_gate_window(srv_profile(r), type);
    col = fk_gate_check(&f, window, now, &why);
    fk_gate_tally_add(r->srv->tally, r->who.name, r->who.scope, type, (int)col, now);
    live_count(r->srv, r->who.name, now);
    gate_flush(r->srv, 0);
    len = snprintf(body, sizeof body,
                   "{\"colour\":\"%s\",\"reason\":\"%s\",\"gate\":\"%s\","
                   "\"hours\":%lld}",
                   fk_gate_colour_name(col), fk_gate_reason_name(why), fk_gate_type_name(type),
                   (long long)(window / 3600));
    reply_json(r, body, (size_t)len);
}

/* GET /api/v1/gates?date=D&by=gate|hour&region=: the day's counts of the gates inside the
 * caller's scope, with each gate's checks in the last minute (per_minute) and the whole scope's
 * ({"rows":[…],"per_minute":N} in JSON; the column in CSV and XLSX). */
static void api_gates_get(struct req *r)
{
    const char *by = req_arg(r, "by");
    const struct fk_gate_count_row *extra;
    char within[FK_REGION_CODE_MAX];
    fk_table *t = NULL, *u = NULL;
    int64_t now, from, to, minute;
    size_t n, i, nrows;
    int asked, rc, by_hour;
    int32_t day;
    fk_engine *e;

    if (by && strcmp(by, "gate") != 0 && strcmp(by, "hour") != 0) {
        reply_error(r, 400, "bad_request", "by=gate or by=hour", "by '%.20s' is not gate or hour",
                    by);
        return;
    }
    by_hour = by && strcmp(by, "hour") == 0;
    if (!req_now(r, &now, &asked) || !req_day(r, &day, NULL) ||
        !req_region(r, within, sizeof within) || !(e = srv_engine(r)))
        return;
    from = fk_report_day_start(day);
    to = from + 86400;
    fk_gate_tally_rows(r->srv->tally, &extra, &n);
    rc = fk_gate_counts_table(srv_store(r), e, within, from, to, by_hour, extra, n, &t);
    if (rc != FK_OK) {
        reply_fk(r, rc, rc == FK_EDB ? fk_store_errmsg(srv_store(r)) : "cannot count the gates");
        return;
    }
    if (by_hour) {
        reply_table(r, t, "gates-by-hour", REPLY_PAGE_OFFSET);
        return;
    }
    /* the live rate beside each gate: checks in the last whole minute of the real clock */
    {
        static const struct fk_col cols[] = {
            {"gate", FK_COL_TEXT}, {"region", FK_COL_TEXT},    {"name", FK_COL_TEXT},
            {"type", FK_COL_TEXT}, {"green", FK_COL_INT},      {"yellow", FK_COL_INT},
            {"red", FK_COL_INT},   {"bad", FK_COL_INT},        {"total", FK_COL_INT},
            {"last", FK_COL_TEXT}, {"per_minute", FK_COL_INT},
        };

        minute = (asked ? now : (int64_t)time(NULL)) / 60;
        rc = fk_table_new(cols, 11, &u);
        nrows = fk_table_nrows(t);
        for (i = 0; rc == FK_OK && i < nrows; i++) {
            const char *v[11];
            char rate[16];
            size_t k;

            for (k = 0; k < 10; k++)
                v[k] = fk_table_get(t, i, k);
            snprintf(rate, sizeof rate, "%u", live_rate(live_find(r->srv, v[0]), minute));
            v[10] = rate;
            rc = fk_table_add(u, v);
        }
        fk_table_free(t);
        if (rc != FK_OK) {
            fk_table_free(u);
            reply_fk(r, rc, "cannot count the gates");
            return;
        }
    }
    reply_table(r, u, "gates", REPLY_PAGE_OFFSET);
}

const struct route api_gate_routes[] = {
    {"GET", "/api/v1/check/{}", api_check_get, FK_PERM_GATE, 0},
    {"GET", "/api/v1/gates", api_gates_get, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};
