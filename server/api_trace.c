/* SPDX-License-Identifier: MIT */
/* Contact tracing over HTTP: the contact list, one person's chain, and the transmission graph,
 * each cut to the caller's scope (a contact is shown when the grid they live in is inside it). A
 * case or close contact that put an in-scope contact on the list but lives outside the scope is
 * not named: its ID number becomes OUTSIDE and its name is dropped, in the list's source column,
 * in the chain's steps and in the graph (where all of them are one node of category "outside").
 * A case outside the scope is the exception in the graph: it stays a case of its own, named by
 * a token "outside-N" (N the store's row number of the person, no ID number), so that a county
 * sees the contacts in its county of every case, wherever the case lives: ?case= takes the token
 * back. Without it a county whose cases all live elsewhere had an empty 流调 page (issue 15).
 * The persons are read from the store (srv_store), not from the roster the command line shows
 * them from (fk_tracer_use_roster): a server's imports leave the roster stale (its builder does
 * not write it), so after the first import of persons it could not be used anyway. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define MAX_CASES 1000
#define OUTSIDE "(outside scope)"
#define OUTSIDE_CASE "outside-"

/* The one OUTSIDE string, so that it can be told by its address. */
static const char outside_node[] = OUTSIDE;

/* The token naming case pid outside the scope, in buf (at least 32 bytes). */
static const char *outside_case(int32_t pid, char *buf, size_t cap)
{
    snprintf(buf, cap, OUTSIDE_CASE "%d", (int)pid);
    return buf;
}

/* The person of an "outside-N" token at p (len bytes) in *pid: 1, or 0 when it is not one. */
static int outside_case_parse(const char *p, size_t len, int32_t *pid)
{
    size_t k = strlen(OUTSIDE_CASE), i;
    long v = 0;

    if (len <= k || len > k + 10 || strncmp(p, OUTSIDE_CASE, k) != 0)
        return 0;
    for (i = k; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (p[i] - '0');
    }
    if (v > INT32_MAX)
        return 0;
    *pid = (int32_t)v;
    return 1;
}

/* Who lives outside the caller's scope, looked up once a person (dense id). */
struct scope_memo {
    struct req *r;
    uint8_t *state; /* 0 not looked up, 1 inside, 2 outside */
    size_t npersons;
};

static int memo_init(struct scope_memo *m, struct req *r, const fk_tracer *tr)
{
    struct fk_tracer_stats ts;

    fk_tracer_stats(tr, &ts);
    m->r = r;
    m->npersons = ts.persons;
    m->state = calloc(ts.persons ? ts.persons : 1, 1);
    return m->state != NULL;
}

/* 1 when person pid lives outside the scope, or cannot be found (never named, then). */
static int outside(struct scope_memo *m, int32_t pid)
{
    struct fk_person_row p;
    int out;

    if (pid >= 0 && (size_t)pid < m->npersons && m->state[pid])
        return m->state[pid] == 2;
    out = fk_store_get_person(srv_store(m->r), pid, &p) != FK_OK || !in_scope(m->r, p.grid);
    if (pid >= 0 && (size_t)pid < m->npersons)
        m->state[pid] = out ? 2 : 1;
    return out;
}

/* The column of t named name, or -1. */
static int column(const fk_table *t, const char *name)
{
    size_t c;

    for (c = 0; c < fk_table_ncols(t); c++) {
        if (strcmp(fk_table_col(t, c)->name, name) == 0)
            return (int)c;
    }
    return -1;
}

/* A copy of t with cell (row, col) replaced by the answer of fix, or the same cell when fix
 * returns it; *t is replaced (and the old table freed) on success. The columns are the tracer's
 * static ones, borrowed again. FK_OK or FK_ENOMEM. */
typedef const char *(*fix_fn)(void *ud, const fk_table *t, size_t row, size_t col, fk_buf *tmp);

static int rewrite(fk_table **t, fix_fn fix, void *ud)
{
    size_t nc = fk_table_ncols(*t), row, c;
    const char **vals = calloc(nc ? nc : 1, sizeof *vals);
    fk_buf *tmp = calloc(nc ? nc : 1, sizeof *tmp);
    fk_table *nt = NULL;
    int rc = vals && tmp ? fk_table_new(fk_table_col(*t, 0), nc, &nt) : FK_ENOMEM;

    for (c = 0; tmp && c < nc; c++)
        fk_buf_init(&tmp[c], 0);
    for (row = 0; rc == FK_OK && row < fk_table_nrows(*t); row++) {
        for (c = 0; c < nc; c++) {
            fk_buf_reset(&tmp[c]);
            vals[c] = fix(ud, *t, row, c, &tmp[c]);
        }
        rc = fk_table_add(nt, vals);
    }
    for (c = 0; tmp && c < nc; c++)
        fk_buf_fini(&tmp[c]);
    free(tmp);
    free(vals);
    if (rc != FK_OK) {
        fk_table_free(nt);
        return rc;
    }
    fk_table_free(*t);
    *t = nt;
    return FK_OK;
}

/* The tracer's answers go into one buffer kept across requests (fk_tracer_run_into): at 10 M
 * persons an answer is about 480 MB, and writing it into fresh pages took about as long as the
 * tracing itself (2 s against 1 s). Handlers run one at a time under the server lock, but the
 * buffer has a lock of its own so that it stays right without that: a run that finds it taken
 * writes into a fresh array instead. The buffer is held until the process ends, at the size of
 * the largest answer so far. */
static struct {
    pthread_mutex_t lock;
    struct fk_contact *c;
    size_t cap;
} answer_buf = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

/* A run's contacts c[0..n): in the kept buffer (is_kept: its lock is held) or in a fresh array.
 * Release with answer_done. */
struct answer {
    struct fk_contact *c;
    size_t n, cap;
    int is_kept;
};

static void answer_done(struct answer *a)
{
    if (a->is_kept)
        pthread_mutex_unlock(&answer_buf.lock);
    else
        free(a->c);
    memset(a, 0, sizeof *a);
}

/* fk_tracer_run_into tr with o into the kept buffer when it is free, else a fresh array. On
 * failure a is released (and err says why). */
static int answer_run(fk_tracer *tr, const struct fk_trace_opts *o, struct answer *a, char *err,
                      size_t errlen)
{
    double t0 = srv_clock();
    int rc;

    memset(a, 0, sizeof *a);
    if (pthread_mutex_trylock(&answer_buf.lock) == 0) {
        a->is_kept = 1;
        a->c = answer_buf.c;
        a->cap = answer_buf.cap;
    }
    rc = fk_tracer_run_into(tr, o, &a->c, &a->cap, &a->n, err, errlen);
    if (a->is_kept) {
        /* Replaced when the answer did not fit, and the caller's (here, kept) either way. */
        answer_buf.c = a->c;
        answer_buf.cap = a->cap;
    }
    srv_note_trace(t0);
    if (rc != FK_OK)
        answer_done(a);
    return rc;
}

/* Keeps the contacts of a that live inside the caller's scope, in order. Where a person lives
 * comes from the engine (the scope is a range of its grid indexes), and from the store only for
 * a person the engine does not know yet: a store look-up a contact took about 7.5 of the 8.9 s
 * of a dashboard's depth-2 trace for a city of 1 M persons and 20 M scans (673 832 contacts; the
 * tracer's run itself 1.3 s). */
static void answer_in_scope(struct req *r, struct answer *a)
{
    fk_engine *e = srv_engine(r);
    int32_t glo = 0, ghi = 0;
    enum fk_level level;
    const char *name;
    int ranged = e && fk_engine_region_info(e, r->who.scope, &glo, &ghi, &level, &name) == FK_OK;
    size_t i, j;

    for (i = 0, j = 0; i < a->n; i++) {
        int32_t g = ranged ? fk_engine_person_grid(e, a->c[i].person) : -1;
        struct fk_person_row p;

        if (g >= 0 ? g >= glo && g < ghi
                   : fk_store_get_person(srv_store(r), a->c[i].person, &p) == FK_OK &&
                         in_scope(r, p.grid))
            a->c[j++] = a->c[i];
    }
    a->n = j;
}

/* Runs the tracer for ?case=ID,ID…&depth=&since= and keeps the contacts inside the caller's
 * scope (all of them with all set: a chain passes through people outside it) in *a, released
 * with answer_done. 0 with an answer set on failure. */
static int run(struct req *r, int default_depth, int all, fk_tracer **tr, struct answer *a)
{
    const char *cases = req_arg(r, "case"), *depth = req_arg(r, "depth"),
               *since = req_arg(r, "since");
    int32_t ids[MAX_CASES];
    struct fk_trace_opts o;
    char err[512];
    int rc, asked;

    memset(a, 0, sizeof *a);
    memset(&o, 0, sizeof o);
    o.depth = default_depth;
    if (!req_now(r, &o.until, &asked))
        return 0;
    if (!asked)
        o.until = 0; /* as of ?now=: cases confirmed later are not cases yet */
    if (depth) {
        if (strcmp(depth, "1") != 0 && strcmp(depth, "2") != 0) {
            reply_error(r, 400, "bad_request", NULL, "depth is 1 or 2, not '%s'", depth);
            return 0;
        }
        o.depth = depth[0] - '0';
    }
    if (since && fk_time_parse(since, strlen(since), &o.since) != FK_OK) {
        reply_error(r, 400, "bad_request", NULL, "since '%s' is not an ISO 8601 time", since);
        return 0;
    }
    if (cases && *cases) {
        const char *p = cases;

        while (*p && o.ncases < MAX_CASES) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char id[64];
            int64_t pid;
            int32_t opid;

            if (outside_case_parse(p, len, &opid)) {
                /* A case named by its token: the tracer refuses a person who is no case. */
                ids[o.ncases++] = opid;
                p = comma ? comma + 1 : p + len;
                continue;
            }
            fk_id_normalize(p, len, id, sizeof id);
            if (!person_in_scope(r, id, &pid)) {
                reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
                return 0;
            }
            ids[o.ncases++] = (int32_t)pid;
            p = comma ? comma + 1 : p + len;
        }
        o.cases = ids;
    }
    *tr = srv_tracer(r);
    if (!*tr)
        return 0;
    rc = answer_run(*tr, &o, a, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return 0;
    }
    if (!all)
        answer_in_scope(r, a);
    return 1;
}

/* The contacts in scope are copied out of the kept buffer into an array of their own, which the
 * caller frees: never bigger than fk_tracer_run's array of every contact, and smaller when the
 * scope is. */
int trace_in_scope(struct req *r, const struct fk_trace_opts *o, fk_tracer **tr,
                   struct fk_contact **out, size_t *n)
{
    struct answer a;
    char err[512];
    int rc;

    *out = NULL;
    *n = 0;
    *tr = srv_tracer(r);
    if (!*tr)
        return 0;
    rc = answer_run(*tr, o, &a, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return 0;
    }
    answer_in_scope(r, &a);
    *out = malloc((a.n ? a.n : 1) * sizeof **out);
    if (!*out) {
        answer_done(&a);
        reply_fk(r, FK_ENOMEM, "trace: out of memory");
        return 0;
    }
    if (a.n)
        memcpy(*out, a.c, a.n * sizeof **out);
    *n = a.n;
    answer_done(&a);
    return 1;
}

/* ---- the list: its source column ---- */

struct source_fix {
    struct scope_memo m;
    const struct fk_contact *k;
    int col;
};

static const char *fix_source(void *ud, const fk_table *t, size_t row, size_t col, fk_buf *tmp)
{
    struct source_fix *f = ud;

    (void)tmp;
    if ((int)col == f->col && outside(&f->m, f->k[row].source))
        return OUTSIDE;
    return fk_table_get(t, row, col);
}

void api_trace_get(struct req *r)
{
    fk_tracer *tr;
    struct answer a;
    const struct fk_contact *k;
    struct source_fix f = {{NULL, NULL, 0}, NULL, -1};
    fk_table *t = NULL;
    size_t n;
    char err[512];
    int rc;

    if (!run(r, 1, 0, &tr, &a))
        return;
    k = a.c;
    n = a.n;
    rc = fk_tracer_table(tr, srv_store(r), k, n, &t, err, sizeof err);
    /* Rows follow the contacts one for one: a row's source is its contact's. */
    if (rc == FK_OK) {
        f.k = k;
        f.col = column(t, "source");
        rc = memo_init(&f.m, r, tr) ? FK_OK : FK_ENOMEM;
        if (rc == FK_OK && f.col >= 0 && fk_table_nrows(t) != n)
            rc = FK_EIO; /* never: the tracer renders a row a contact */
        if (rc == FK_OK && f.col >= 0)
            rc = rewrite(&t, fix_source, &f);
        if (rc != FK_OK)
            snprintf(err, sizeof err, "trace: %s", fk_strerror(rc));
    }
    free(f.m.state);
    answer_done(&a);
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, err);
        return;
    }
    reply_table(r, t, "contacts", -1);
}

/* ---- the chain of one person ---- */

/* People of a chain who live outside the scope (a chain has at most three people). */
struct chain_fix {
    struct {
        char id[64], name[256];
    } who[3];
    int n;
    int id_col, name_col;
};

static void add_outsider(struct chain_fix *f, struct scope_memo *m, int32_t pid)
{
    struct fk_person_row p;
    int i;

    if (pid < 0 || !outside(m, pid) || fk_store_get_person(srv_store(m->r), pid, &p) != FK_OK)
        return;
    for (i = 0; i < f->n; i++) {
        if (strcmp(f->who[i].id, p.id_number) == 0)
            return;
    }
    if (f->n == 3)
        return;
    fk_strlcpy(f->who[f->n].id, p.id_number, sizeof f->who[f->n].id);
    fk_strlcpy(f->who[f->n].name, p.name ? p.name : "", sizeof f->who[f->n].name);
    f->n++;
}

/* Length of the outsider named at s ("ID NAME", "ID" or "NAME"), or 0. */
static size_t outsider_at(const struct chain_fix *f, const char *s)
{
    int i;

    for (i = 0; i < f->n; i++) {
        size_t li = strlen(f->who[i].id), ln = strlen(f->who[i].name);

        if (li && strncmp(s, f->who[i].id, li) == 0) {
            if (ln && s[li] == ' ' && strncmp(s + li + 1, f->who[i].name, ln) == 0)
                return li + 1 + ln;
            return li;
        }
        if (ln && strncmp(s, f->who[i].name, ln) == 0)
            return ln;
    }
    return 0;
}

static const char *fix_chain(void *ud, const fk_table *t, size_t row, size_t col, fk_buf *tmp)
{
    struct chain_fix *f = ud;
    const char *v = fk_table_get(t, row, col), *id = NULL;
    int i, rc = FK_OK;

    if (f->id_col >= 0)
        id = fk_table_get(t, row, (size_t)f->id_col);
    for (i = 0; id && i < f->n; i++) {
        if (strcmp(id, f->who[i].id) != 0)
            continue;
        if ((int)col == f->id_col)
            return OUTSIDE;
        if ((int)col == f->name_col)
            return NULL;
    }
    if (!v || (int)col == f->id_col || (int)col == f->name_col)
        return v;
    /* Free text (the detail) names the source: its ID number, and for a household its name. */
    while (rc == FK_OK && *v) {
        size_t len = outsider_at(f, v);

        if (len) {
            rc = fk_buf_puts(tmp, OUTSIDE);
            v += len;
        } else {
            rc = fk_buf_putc(tmp, *v++);
        }
    }
    return rc != FK_OK ? OUTSIDE : tmp->len ? tmp->data : "";
}

void api_explain_get(struct req *r)
{
    const char *id_s = req_arg(r, "id");
    fk_tracer *tr;
    struct answer a;
    const struct fk_contact *k;
    struct scope_memo m = {NULL, NULL, 0};
    struct chain_fix f;
    fk_table *t = NULL;
    size_t n, i;
    char id[64], err[512];
    int64_t pid;
    int rc;

    if (!id_s) {
        reply_error(r, 400, "bad_request", "?id=ID_NUMBER", "whose chain? id is required");
        return;
    }
    fk_id_normalize(id_s, strlen(id_s), id, sizeof id);
    /* Unknown and outside the scope answer alike, so ID numbers cannot be probed. */
    if (!person_in_scope(r, id, &pid)) {
        reply_error(r, 404, "not_found", NULL, "no person with ID number %s", id);
        return;
    }
    /* Every contact, not only the caller's: a secondary contact's chain passes through its close
     * contact, who may live elsewhere (and is then shown, unnamed). */
    if (!run(r, 2, 1, &tr, &a))
        return;
    k = a.c;
    n = a.n;
    rc = fk_tracer_explain(tr, srv_store(r), k, n, (int32_t)pid, &t, err, sizeof err);
    if (rc != FK_OK) {
        answer_done(&a);
        reply_error(r, 404, "not_found", NULL, "%s is not on the contact list", id);
        return;
    }
    memset(&f, 0, sizeof f);
    rc = memo_init(&m, r, tr) ? FK_OK : FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < n; i++) {
        if (k[i].person != (int32_t)pid)
            continue;
        add_outsider(&f, &m, k[i].root);
        add_outsider(&f, &m, k[i].source);
    }
    f.id_col = column(t, "id_number");
    f.name_col = column(t, "name");
    if (rc == FK_OK && f.n)
        rc = rewrite(&t, fix_chain, &f);
    free(m.state);
    answer_done(&a);
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, "explain: out of memory");
        return;
    }
    reply_table(r, t, "explain", -1);
}

/* ---- the graph ---- */

/* The outsiders of a graph: ids, the ID numbers of people outside the scope, and of those the
 * cases (case[i] set for ids' key i) with their person (pid[i]), who keep a node of their own. */
struct outsiders {
    fk_strmap *ids;
    uint8_t *is_case;
    int32_t *pid;
    size_t cap;
};

/* What an outsider's ID number id becomes: its case token (in buf) or OUTSIDE; NULL when id is
 * not an outsider. */
static const char *outsider_id(const struct outsiders *o, const char *id, char *buf, size_t cap)
{
    int64_t i = id ? fk_strmap_find(o->ids, id, strlen(id)) : -1;

    if (!id)
        return outside_node;
    if (i < 0)
        return NULL;
    return o->is_case[i] ? outside_case(o->pid[i], buf, cap) : outside_node;
}

/* The graph's JSON with every person in o replaced: a case by a node of its own named by its
 * token (no name), everybody else by one node OUTSIDE, of category "outside" and no name; the
 * edges from them drawn from those. FK_OK or FK_ENOMEM. */
static int graph_fix(const char *json, size_t len, const struct outsiders *o, fk_buf *out)
{
    json_t *g = json_loadb(json, len, 0, NULL), *nodes, *edges, *kept = json_array(), *v;
    size_t i;
    int rc = FK_ENOMEM, have = 0;
    char *text = NULL, tok[32];

    nodes = json_object_get(g, "nodes");
    edges = json_object_get(g, "edges");
    if (!g || !kept || !json_is_array(nodes) || !json_is_array(edges))
        goto out;
    json_array_foreach(nodes, i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));
        const char *as = outsider_id(o, id, tok, sizeof tok);

        if (!as) {
            if (json_array_append(kept, v) != 0)
                goto out;
            continue;
        }
        if (as != outside_node) {
            if (json_array_append_new(kept, json_pack("{s:s, s:n, s:s, s:b}", "id", as, "name",
                                                      "category", "case", "outside", 1)) != 0)
                goto out;
            continue;
        }
        if (have++)
            continue;
        if (json_array_append_new(kept, json_pack("{s:s, s:n, s:s}", "id", OUTSIDE, "name",
                                                  "category", "outside")) != 0)
            goto out;
    }
    json_array_foreach(edges, i, v) {
        const char *keys[2] = {"from", "to"};
        int e;

        for (e = 0; e < 2; e++) {
            const char *id = json_string_value(json_object_get(v, keys[e]));
            const char *as = outsider_id(o, id, tok, sizeof tok);

            if (!as)
                continue;
            if (json_object_set_new(v, keys[e], json_string(as)) != 0)
                goto out;
            if (as == outside_node && !have++ &&
                json_array_append_new(kept, json_pack("{s:s, s:n, s:s}", "id", OUTSIDE, "name",
                                                      "category", "outside")) != 0)
                goto out;
        }
    }
    if (json_object_set(g, "nodes", kept) != 0)
        goto out;
    text = json_dumps(g, JSON_COMPACT);
    if (!text)
        goto out;
    fk_buf_reset(out);
    rc = fk_buf_puts(out, text);
    if (rc == FK_OK)
        rc = fk_buf_putc(out, '\n');
out:
    free(text);
    json_decref(kept);
    json_decref(g);
    return rc;
}

void api_chain_get(struct req *r)
{
    fk_tracer *tr;
    struct answer a;
    const struct fk_contact *k;
    struct scope_memo m = {NULL, NULL, 0};
    struct outsiders o = {NULL, NULL, NULL, 0};
    size_t n, i;
    char err[512];
    fk_buf b;
    int rc;

    if (!run(r, 2, 0, &tr, &a))
        return;
    k = a.c;
    n = a.n;
    fk_buf_init(&b, 0);
    rc = fk_tracer_graph_json(tr, srv_store(r), k, n, &b, err, sizeof err);
    if (rc == FK_OK) {
        o.ids = fk_strmap_new();
        o.cap = 2 * n + 1;
        o.is_case = calloc(o.cap, 1);
        o.pid = calloc(o.cap, sizeof *o.pid);
        rc = o.ids && o.is_case && o.pid && memo_init(&m, r, tr) ? FK_OK : FK_ENOMEM;
    }
    /* The contacts are the caller's; their cases and sources need not be. */
    for (i = 0; rc == FK_OK && i < 2 * n; i++) {
        int32_t pid = i % 2 ? k[i / 2].source : k[i / 2].root;
        struct fk_person_row p;
        int added;
        int64_t at;

        if (!outside(&m, pid))
            continue;
        if (fk_store_get_person(srv_store(r), pid, &p) != FK_OK)
            continue; /* nameless already: the tracer could not name them either */
        at = fk_strmap_intern(o.ids, p.id_number, strlen(p.id_number), &added);
        if (at < 0 || (size_t)at >= o.cap) {
            rc = FK_ENOMEM;
            break;
        }
        o.pid[at] = pid;
        if (pid == k[i / 2].root)
            o.is_case[at] = 1;
    }
    if (rc == FK_OK && fk_strmap_size(o.ids))
        rc = graph_fix(b.data, b.len, &o, &b);
    if (rc != FK_OK)
        reply_fk(r, FK_ENOMEM, "chain: out of memory");
    else
        reply_json(r, b.data, b.len);
    fk_strmap_free(o.ids);
    free(o.is_case);
    free(o.pid);
    free(m.state);
    fk_buf_fini(&b);
    answer_done(&a);
}

/* The routes of tracing (http.c walks this table; see struct route). */
const struct route api_trace_routes[] = {
    {"GET", "/api/v1/trace", api_trace_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/explain", api_explain_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/chain", api_chain_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
