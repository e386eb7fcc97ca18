/* SPDX-License-Identifier: MIT */
/* Finding a person and the person page (see fk/person.h).
 *
 * DESIGN NOTES
 * - The search index lives in SQLite (schema version 6: name, (grid, name), the ID number's last
 *   6, the phone's last 4, the household), not in the engine: the engine holds no names or phones
 *   (answers read them through the caller's connection, so they are as they are now), and an
 *   index in the data file costs no memory and no build time. bench/bench_person.c measured both;
 *   every key is one index range of a few pages.
 * - Scope is applied row by row (the grid inside the scope, by the engine's region tree) while
 *   the store walks the index, and the walk stops at limit + 1 rows. A name prefix is the one key
 *   that can match a large part of a city ("王"), so in a scope of at most SMALL_SCOPE grids it
 *   walks the (grid, name) index grid by grid instead (index-only, merged in name order, each
 *   grid read only up to the merge's last name), reading just the rows it keeps; in a larger
 *   scope it walks the name index for a budget of entries a grid and then turns grid by grid.
 * - The whole search is one read transaction: one WAL read lock, not one per statement (the
 *   rows' names and flags are a few statements each; locking per statement cost 20x).
 * - The page's control blocks come from the lists everyone uses (fk_ctl_list, fk_ctl_due,
 *   fk_alert_list, fk_ctl_arrivals) asked for the person's grid and cut to the person, so the
 *   person page and the lists can never disagree. */
#include "fk/person.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/regime.h"
#include "fk/region.h"
#include "fk/time.h"

#define SMALL_SCOPE 64 /* grids: a name prefix in a scope this small is looked up grid by grid */
/* A name prefix in a larger scope walks the name index (reading each entry's row for its grid)
 * for at most BUDGET entries a grid of the scope, then grid by grid: a scope holding a large
 * share of the city (a county, the city) finds its rows within a few hundred entries, a small one
 * holding few of a common surname's bearers (a township) would read thousands. An entry read
 * costs about half a grid's index seek (bench_person at 10 M: a county's 王 through the name
 * index 6 ms, grid by grid 29 ms), so a walk that gives up has cost at most what the grid walk
 * costs: never worse than twice the better of the two. */
#define BUDGET 2
#define STOP 1 /* a walk's callback: enough rows */
#define OVER 2 /* a walk's callback: the budget is spent */

static void say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int fk_person_query_parse(const char *q, enum fk_person_key *key, char *value, size_t cap,
                          char *err, size_t errlen)
{
    size_t n, i, digits = 0, alnum = 0, ascii = 1;
    const char *s = q ? q : "";

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0) {
        say(err, errlen, "the query is empty: give an ID number (18 characters or the last 6), a "
                         "name or its beginning, or a phone (11 digits or the last 4)");
        return FK_EINVAL;
    }
    if (n >= FK_PERSON_QUERY_MAX || n >= cap) {
        say(err, errlen, "the query is longer than %d bytes", FK_PERSON_QUERY_MAX - 1);
        return FK_EINVAL;
    }
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (ch < 0x20 || ch == 0x7f) {
            say(err, errlen, "the query holds a control character");
            return FK_EINVAL;
        }
        if (ch >= 0x80)
            ascii = 0;
        if (ch >= '0' && ch <= '9')
            digits++;
        if ((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))
            alnum++;
    }
    if (ascii && alnum == n && digits > 0) {
        /* Digits, or a document number: an ID number, its end, or a phone. */
        int only_digits = digits == n;
        int id_like = digits >= n - 1 && (s[n - 1] == 'x' || s[n - 1] == 'X' || only_digits);

        fk_id_normalize(s, n, value, cap);
        if (n == 18 && id_like) {
            *key = FK_PKEY_ID;
        } else if (n == 6 && id_like) {
            *key = FK_PKEY_ID6;
        } else if (n == 11 && only_digits && s[0] == '1') {
            *key = FK_PKEY_PHONE;
        } else if (n == 4 && only_digits) {
            *key = FK_PKEY_PHONE4;
        } else if (!only_digits && digits < n) {
            *key = FK_PKEY_ID; /* a passport or pass number, whole */
        } else {
            say(err, errlen,
                "%zu characters: give an ID number (18 characters or the last 6) or a phone (11 "
                "digits or the last 4)",
                n);
            return FK_EINVAL;
        }
        return FK_OK;
    }
    memcpy(value, s, n);
    value[n] = '\0';
    *key = FK_PKEY_NAME;
    return FK_OK;
}

/* ---- region names and flags of a person ---- */

/* The names around a grid: its own, and its township's and county's codes and names. */
struct place {
    char grid[FK_REGION_CODE_MAX];
    char grid_name[128];
    char township[FK_REGION_CODE_MAX], township_name[128];
    char county[FK_REGION_CODE_MAX], county_name[128];
};

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Regions read for one answer, so the townships and counties of its rows are read once. */
#define REGION_MEMO 32
struct region_memo {
    struct {
        char code[FK_REGION_CODE_MAX], parent[FK_REGION_CODE_MAX], name[128];
        int level;
    } r[REGION_MEMO];
    size_t n, next;
};

/* Region code into *out through the memo m (may be NULL). FK_OK, FK_ENOENT, FK_EDB. */
static int region_get(fk_store *st, struct region_memo *m, const char *code, int *at)
{
    struct fk_region_row r;
    size_t i;
    int rc;

    for (i = 0; m && i < m->n; i++) {
        if (strcmp(m->r[i].code, code) == 0) {
            *at = (int)i;
            return FK_OK;
        }
    }
    rc = fk_store_get_region(st, code, &r);
    if (rc != FK_OK)
        return rc;
    i = m->n < REGION_MEMO ? m->n++ : m->next++ % REGION_MEMO;
    copy(m->r[i].code, sizeof m->r[i].code, code);
    copy(m->r[i].parent, sizeof m->r[i].parent, r.parent);
    copy(m->r[i].name, sizeof m->r[i].name, r.name);
    m->r[i].level = r.level;
    *at = (int)i;
    return FK_OK;
}

/* Fills *pl for grid by walking the region tree up from it (through the memo m). FK_OK or
 * FK_EDB. */
static int place_of(fk_store *st, struct region_memo *m, const char *grid, struct place *pl)
{
    char code[FK_REGION_CODE_MAX];
    int depth, rc, at;

    if (strcmp(pl->grid, grid) == 0 && *pl->grid)
        return FK_OK;
    memset(pl, 0, sizeof *pl);
    copy(pl->grid, sizeof pl->grid, grid);
    copy(code, sizeof code, grid);
    for (depth = 0; depth < 8 && *code; depth++) {
        rc = region_get(st, m, code, &at);
        if (rc == FK_ENOENT)
            break;
        if (rc != FK_OK)
            return rc;
        if (depth == 0)
            copy(pl->grid_name, sizeof pl->grid_name, m->r[at].name);
        if (m->r[at].level == FK_LEVEL_TOWNSHIP) {
            copy(pl->township, sizeof pl->township, m->r[at].code);
            copy(pl->township_name, sizeof pl->township_name, m->r[at].name);
        } else if (m->r[at].level == FK_LEVEL_COUNTY) {
            copy(pl->county, sizeof pl->county, m->r[at].code);
            copy(pl->county_name, sizeof pl->county_name, m->r[at].name);
        }
        copy(code, sizeof code, m->r[at].parent);
    }
    return FK_OK;
}

static int by_person(const void *a, const void *b)
{
    const struct fk_contact *x = a, *y = b;

    return (x->person > y->person) - (x->person < y->person);
}

/* The status flags of a person: case kind, contact category, open control category. */
struct flags {
    const char *kase, *contact, *control;
    int64_t confirmed, onset;
};

/* The contact of person pid in k[0 .. n), sorted by person (binary search), or NULL. */
static const struct fk_contact *contact_of(const struct fk_contact *k, size_t n, int64_t pid)
{
    size_t lo = 0, hi = k ? n : 0;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (k[mid].person < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && k && k[lo].person == pid ? &k[lo] : NULL;
}

int fk_person_contacts_sort(struct fk_contact *k, size_t n)
{
    qsort(k, n, sizeof *k, by_person);
    return FK_OK;
}

static int flags_of(fk_store *st, int64_t pid, const struct fk_contact *k, size_t nk,
                    struct flags *f)
{
    struct fk_case_row c;
    const struct fk_contact *ct;
    int rc, category;

    memset(f, 0, sizeof *f);
    f->kase = f->contact = f->control = "";
    rc = fk_store_get_case(st, pid, &c);
    if (rc == FK_OK) {
        f->kase = c.kind == FK_CASE_ASYMPTOMATIC ? "asymptomatic" : "confirmed";
        f->confirmed = c.confirmed;
        f->onset = c.onset;
    } else if (rc != FK_ENOENT) {
        return rc;
    }
    ct = contact_of(k, nk, pid);
    if (ct)
        f->contact = fk_category_name(ct->category);
    rc = fk_store_open_control(st, pid, &category);
    if (rc == FK_OK)
        f->control = fk_ctl_category_name((enum fk_ctl_category)category);
    return rc == FK_ENOENT ? FK_OK : rc;
}

/* ---- the search ---- */

static const struct fk_col find_cols[] = {
    {"id_number", FK_COL_TEXT},  {"name", FK_COL_TEXT},       {"phone", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},       {"grid_name", FK_COL_TEXT},  {"township", FK_COL_TEXT},
    {"township_name", FK_COL_TEXT}, {"county", FK_COL_TEXT},  {"county_name", FK_COL_TEXT},
    {"household", FK_COL_TEXT},  {"tags", FK_COL_TEXT},       {"case", FK_COL_TEXT},
    {"contact", FK_COL_TEXT},    {"control", FK_COL_TEXT},
};

/* A found person, copied out of the store's walk (whose rows are borrowed for the call). */
struct hit {
    int64_t id;
    char id_number[40], name[128], phone[40], grid[FK_REGION_CODE_MAX], household[64],
        tags[128];
};

struct finder {
    fk_engine *e;
    const char *scope;
    struct hit *hits;
    size_t n, want; /* want: limit + 1 */
    size_t seen, budget; /* index entries read, and how many before giving up (0: no limit) */
};

static void keep_hit(struct hit *h, const struct fk_person_row *p)
{
    h->id = p->id;
    copy(h->id_number, sizeof h->id_number, p->id_number);
    copy(h->name, sizeof h->name, p->name);
    copy(h->phone, sizeof h->phone, p->phone);
    copy(h->grid, sizeof h->grid, p->grid);
    copy(h->household, sizeof h->household, p->household);
    copy(h->tags, sizeof h->tags, p->tags);
}

static int found(void *ud, const struct fk_person_row *p)
{
    struct finder *f = ud;

    if (f->budget && ++f->seen > f->budget)
        return OVER;
    if (f->scope && !fk_engine_region_inside(f->e, p->grid, f->scope))
        return 0;
    if (f->n >= f->want)
        return STOP;
    keep_hit(&f->hits[f->n++], p);
    return f->n >= f->want ? STOP : 0;
}

/* ---- a name prefix grid by grid ----
 * The scope's grids are a range of the engine's grid indexes; each grid's matches are read from
 * the (grid, name) index alone (ids and names, no table row) and merged into the first `want` by
 * name then id (the name index's order, so the answer and its `more` flag are the same whichever
 * walk found them). Once `want` are held, a grid is read only up to the last one's name, so most
 * grids cost one index seek. Only the rows kept are read at the end. */
struct cand {
    int64_t id;
    char name[128];
};

struct merge {
    struct cand *c;
    size_t n, want;
};

/* -1, 0, 1 as (name, id) sorts before, with, after c. */
static int cand_cmp(const char *name, int64_t id, const struct cand *c)
{
    int k = strcmp(name, c->name);

    return k ? (k > 0) - (k < 0) : (id > c->id) - (id < c->id);
}

static int merge_one(void *ud, int64_t id, const char *name)
{
    struct merge *m = ud;
    size_t lo = 0, hi = m->n;

    if (m->n == m->want && cand_cmp(name, id, &m->c[m->n - 1]) >= 0)
        return STOP; /* the grid's later ones sort after it too */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cand_cmp(name, id, &m->c[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (m->n < m->want)
        m->n++;
    memmove(&m->c[lo + 1], &m->c[lo], (m->n - 1 - lo) * sizeof *m->c);
    m->c[lo].id = id;
    copy(m->c[lo].name, sizeof m->c[lo].name, name);
    return 0;
}

/* The first f->want persons of grids [glo, ghi) whose name begins with prefix into f->hits.
 * FK_OK, FK_ENOMEM, FK_EDB. */
static int by_grid(fk_store *st, struct finder *f, const char *prefix, int32_t glo, int32_t ghi)
{
    struct merge m = {calloc(f->want, sizeof(struct cand)), 0, f->want};
    int32_t g;
    size_t i;
    int rc = FK_OK;

    if (!m.c)
        return FK_ENOMEM;
    for (g = glo; g < ghi && rc == FK_OK; g++) {
        const char *code = fk_engine_grid_code(f->e, g);
        char upto[sizeof m.c->name];

        if (!code || !*code)
            continue;
        if (m.n == m.want)
            copy(upto, sizeof upto, m.c[m.n - 1].name);
        rc = fk_store_grid_names(st, code, prefix, m.n == m.want ? upto : NULL, m.want, merge_one,
                                 &m);
        if (rc == STOP)
            rc = FK_OK;
    }
    f->n = 0;
    for (i = 0; rc == FK_OK && i < m.n; i++) {
        struct fk_person_row p;

        rc = fk_store_get_person(st, m.c[i].id, &p);
        if (rc == FK_ENOENT) {
            rc = FK_OK; /* not in this snapshot: cannot happen inside one read transaction */
            continue;
        }
        if (rc == FK_OK)
            keep_hit(&f->hits[f->n++], &p);
    }
    free(m.c);
    return rc;
}

int fk_person_find(fk_store *st, fk_engine *e, const struct fk_person_find_opts *o, fk_table **out,
                   int *more, char *err, size_t errlen)
{
    struct region_memo memo_s, *memo = &memo_s;
    struct finder f;
    enum fk_person_key key;
    char value[FK_PERSON_QUERY_MAX];
    fk_table *t = NULL;
    struct place pl;
    size_t i;
    int rc;

    *out = NULL;
    *more = 0;
    memo_s.n = memo_s.next = 0;
    memset(&f, 0, sizeof f);
    memset(&pl, 0, sizeof pl);
    if (o->limit < 1 || o->limit > FK_PERSON_FIND_MAX) {
        say(err, errlen, "limit is from 1 to %d", FK_PERSON_FIND_MAX);
        return FK_EINVAL;
    }
    rc = fk_person_query_parse(o->q, &key, value, sizeof value, err, errlen);
    if (rc != FK_OK)
        return rc;
    rc = fk_store_read_begin(st);
    if (rc != FK_OK)
        goto fail_db;
    f.e = e;
    f.scope = o->scope && *o->scope ? o->scope : NULL;
    f.want = o->limit + 1;
    f.hits = calloc(f.want, sizeof *f.hits);
    if (!f.hits) {
        rc = FK_ENOMEM;
        goto out;
    }
    if (f.scope) {
        int32_t glo, ghi;
        enum fk_level level;
        const char *name;

        if (fk_engine_region_info(e, f.scope, &glo, &ghi, &level, &name) != FK_OK) {
            say(err, errlen, "no region %s", f.scope);
            rc = FK_ENOENT;
            goto out;
        }
        if (key == FK_PKEY_NAME && ghi - glo <= SMALL_SCOPE) {
            rc = by_grid(st, &f, value, glo, ghi);
            if (rc == FK_ENOMEM)
                goto out;
            if (rc != FK_OK)
                goto fail_db;
            goto found_all;
        }
        if (key == FK_PKEY_NAME) {
            /* The name index, row by row, while it finds the scope's persons often enough;
             * then grid by grid (see BUDGET). */
            f.budget = (size_t)(ghi - glo) * BUDGET;
            rc = fk_store_search_persons(st, key, value, NULL, found, &f);
            if (rc == OVER)
                rc = by_grid(st, &f, value, glo, ghi);
            if (rc == FK_ENOMEM)
                goto out;
            if (rc != FK_OK && rc != STOP)
                goto fail_db;
            goto found_all;
        }
    }
    rc = fk_store_search_persons(st, key, value, NULL, found, &f);
    if (rc != FK_OK && rc != STOP)
        goto fail_db;
found_all:
    if (f.n > o->limit) {
        *more = 1;
        f.n = o->limit;
    }
    rc = fk_table_new(find_cols, sizeof find_cols / sizeof find_cols[0], &t);
    for (i = 0; rc == FK_OK && i < f.n; i++) {
        const struct hit *h = &f.hits[i];
        struct flags fl;
        const char *v[14];

        rc = place_of(st, memo, h->grid, &pl);
        if (rc == FK_OK)
            rc = flags_of(st, h->id, o->contacts, o->ncontacts, &fl);
        if (rc != FK_OK)
            goto fail_db;
        v[0] = h->id_number;
        v[1] = h->name;
        v[2] = h->phone;
        v[3] = h->grid;
        v[4] = pl.grid_name;
        v[5] = pl.township;
        v[6] = pl.township_name;
        v[7] = pl.county;
        v[8] = pl.county_name;
        v[9] = h->household;
        v[10] = h->tags;
        v[11] = fl.kase;
        v[12] = fl.contact;
        v[13] = fl.control;
        rc = fk_table_add(t, v);
    }
    if (rc != FK_OK)
        goto out;
    *out = t;
    t = NULL;
    goto out;
fail_db:
    say(err, errlen, "person search: %s", fk_store_errmsg(st));
out:
    fk_store_read_end(st);
    if (rc != FK_OK)
        *more = 0;
    fk_table_free(t);
    free(f.hits);
    return rc;
}

/* ---- the page ---- */

static const struct fk_col person_cols[] = {
    {"id_number", FK_COL_TEXT},     {"id_type", FK_COL_TEXT},   {"name", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},         {"grid", FK_COL_TEXT},      {"grid_name", FK_COL_TEXT},
    {"township", FK_COL_TEXT},      {"township_name", FK_COL_TEXT}, {"county", FK_COL_TEXT},
    {"county_name", FK_COL_TEXT},   {"household", FK_COL_TEXT}, {"tags", FK_COL_TEXT},
    {"case", FK_COL_TEXT},          {"confirmed", FK_COL_TEXT}, {"onset", FK_COL_TEXT},
    {"contact", FK_COL_TEXT},       {"control", FK_COL_TEXT},   {"address", FK_COL_TEXT},
};
static const struct fk_col household_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},    {"grid", FK_COL_TEXT},
    {"grid_name", FK_COL_TEXT}, {"case", FK_COL_TEXT},    {"contact", FK_COL_TEXT},
    {"control", FK_COL_TEXT},
};
static const struct fk_col sample_cols[] = {
    {"round", FK_COL_TEXT},       {"tube", FK_COL_TEXT},        {"time", FK_COL_TEXT},
    {"site", FK_COL_TEXT},        {"members", FK_COL_INT},      {"members_outside", FK_COL_INT},
    {"result", FK_COL_TEXT},      {"result_time", FK_COL_TEXT}, {"received", FK_COL_TEXT},
    {"lab", FK_COL_TEXT},
};
static const struct fk_col pool_cols[] = {
    {"tube", FK_COL_TEXT},
    {"id_number", FK_COL_TEXT},
    {"name", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},
};
static const struct fk_col contact_cols[] = {
    {"category", FK_COL_TEXT}, {"via", FK_COL_TEXT},  {"exposure", FK_COL_TEXT},
    {"source", FK_COL_TEXT},   {"source_name", FK_COL_TEXT}, {"root", FK_COL_TEXT},
    {"root_name", FK_COL_TEXT},
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

static const char *when(int64_t t, char *buf)
{
    return t ? fk_time_render(t, buf) : NULL;
}

static const char *result_name(int r)
{
    return r == FK_RESULT_POSITIVE   ? "positive"
           : r == FK_RESULT_NEGATIVE ? "negative"
           : r == FK_RESULT_INVALID  ? "invalid"
                                     : NULL;
}

/* The rows of t whose column col equals value, into a new table of the same columns (static in
 * the library, so they outlive both). Frees t. */
static int keep_rows(fk_table *t, const char *col, const char *value, fk_table **out)
{
    size_t nc = fk_table_ncols(t), c, r, k = nc;
    const char *vals[64];
    int rc;

    *out = NULL;
    for (c = 0; c < nc; c++)
        if (strcmp(fk_table_col(t, c)->name, col) == 0)
            k = c;
    if (k == nc || nc > 64) {
        fk_table_free(t);
        return FK_EINVAL;
    }
    rc = fk_table_new(fk_table_col(t, 0), nc, out);
    for (r = 0; rc == FK_OK && r < fk_table_nrows(t); r++) {
        const char *v = fk_table_get(t, r, k);

        if (!v || strcmp(v, value) != 0)
            continue;
        for (c = 0; c < nc; c++) {
            const char *x = fk_table_get(t, r, c);

            /* A view's text lives until its next read: copy it before the next get. */
            vals[c] = x ? strdup(x) : NULL;
            if (x && !vals[c])
                rc = FK_ENOMEM;
        }
        if (rc == FK_OK)
            rc = fk_table_add(*out, vals);
        for (c = 0; c < nc; c++)
            free((void *)vals[c]);
    }
    fk_table_free(t);
    if (rc != FK_OK) {
        fk_table_free(*out);
        *out = NULL;
    }
    return rc;
}

struct rounds {
    struct fk_round *r;
    size_t n, cap;
};

static int add_round(void *ud, const struct fk_round *r)
{
    struct rounds *rs = ud;

    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 16;
        struct fk_round *p = realloc(rs->r, cap * sizeof *p);

        if (!p)
            return FK_ENOMEM;
        rs->r = p;
        rs->cap = cap;
    }
    rs->r[rs->n++] = *r;
    return 0;
}

struct page_ctx {
    fk_store *st;
    fk_engine *e;
    const char *scope;
    int64_t pid;
    const char *grid;
    struct rounds rounds;
    struct fk_person_page *p;
    int rc;
};

static int in_scope(const struct page_ctx *x, const char *grid)
{
    return !x->scope || fk_engine_region_inside(x->e, grid, x->scope);
}

static int one_tube(void *ud, const struct fk_person_tube *t)
{
    struct page_ctx *x = ud;
    const struct fk_round *best = NULL;
    char tm[40], rt[40], rc_[40], members[24], outside_s[24];
    const char *v[NCOLS(sample_cols)];
    size_t i, outside = 0;
    int rc = FK_OK;

    for (i = 0; i < x->rounds.n; i++) {
        const struct fk_round *r = &x->rounds.r[i];

        if (fk_round_contains(r, t->time) && fk_engine_region_inside(x->e, x->grid, r->region) &&
            (!best || r->start > best->start))
            best = r;
    }
    for (i = 0; rc == FK_OK && i < t->nmembers; i++) {
        struct fk_person_row m;
        const char *pv[4];

        if (t->members[i] == x->pid)
            continue;
        rc = fk_store_get_person(x->st, t->members[i], &m);
        if (rc == FK_ENOENT) {
            rc = FK_OK;
            outside++;
            continue;
        }
        if (rc != FK_OK)
            break;
        if (!in_scope(x, m.grid)) {
            outside++;
            continue;
        }
        pv[0] = t->tube;
        pv[1] = m.id_number;
        pv[2] = m.name;
        pv[3] = m.grid;
        rc = fk_table_add(x->p->pool, pv);
    }
    if (rc != FK_OK) {
        x->rc = rc;
        return STOP;
    }
    snprintf(members, sizeof members, "%zu", t->nmembers);
    snprintf(outside_s, sizeof outside_s, "%zu", outside);
    v[0] = best ? best->name : NULL;
    v[1] = t->tube;
    v[2] = when(t->time, tm);
    v[3] = *t->site ? t->site : NULL;
    v[4] = members;
    v[5] = outside_s;
    v[6] = result_name(t->result);
    v[7] = when(t->rtime, rt);
    v[8] = when(t->received, rc_);
    v[9] = *t->lab ? t->lab : NULL;
    rc = fk_table_add(x->p->samples, v);
    if (rc != FK_OK) {
        x->rc = rc;
        return STOP;
    }
    return 0;
}

/* A household member copied out of the walk (the flags need the store again). */
struct member {
    int64_t id;
    char id_number[40], name[128], grid[FK_REGION_CODE_MAX];
};
struct members {
    struct member *m;
    size_t n, cap;
    const struct page_ctx *x;
};

static int add_member(void *ud, const struct fk_person_row *p)
{
    struct members *ms = ud;
    struct member *m;

    if (p->id == ms->x->pid || !in_scope(ms->x, p->grid))
        return 0;
    if (ms->n == ms->cap) {
        size_t cap = ms->cap ? 2 * ms->cap : 8;
        struct member *q = realloc(ms->m, cap * sizeof *q);

        if (!q)
            return FK_ENOMEM;
        ms->m = q;
        ms->cap = cap;
    }
    m = &ms->m[ms->n++];
    m->id = p->id;
    copy(m->id_number, sizeof m->id_number, p->id_number);
    copy(m->name, sizeof m->name, p->name);
    copy(m->grid, sizeof m->grid, p->grid);
    return 0;
}

/* The person's name when they live inside the scope ("" otherwise), for the contact block. */
static void named(const struct page_ctx *x, int32_t pid, char *id, size_t idcap, char *name,
                  size_t namecap)
{
    struct fk_person_row p;

    *id = *name = '\0';
    if (pid < 0 || fk_store_get_person(x->st, pid, &p) != FK_OK || !in_scope(x, p.grid))
        return;
    copy(id, idcap, p.id_number);
    copy(name, namecap, p.name);
}

void fk_person_page_fini(struct fk_person_page *p)
{
    if (!p)
        return;
    fk_table_free(p->person);
    fk_table_free(p->household);
    fk_table_free(p->samples);
    fk_table_free(p->pool);
    fk_table_free(p->contact);
    fk_table_free(p->controls);
    fk_table_free(p->tests);
    fk_table_free(p->alerts);
    fk_table_free(p->arrivals);
    memset(p, 0, sizeof *p);
}

int fk_person_page_get(fk_store *st, fk_engine *e, fk_ctl *c, const char *scope, int64_t pid,
                       int64_t today, const struct fk_contact *contacts, size_t ncontacts,
                       struct fk_person_page *out, char *err, size_t errlen)
{
    struct region_memo memo;
    struct page_ctx x;
    struct members ms;
    struct fk_person_row p;
    struct fk_ctl_filter filter = FK_CTL_FILTER_ALL;
    struct flags fl;
    struct place pl;
    char id_number[40], name[128], phone[40], grid[FK_REGION_CODE_MAX], household[64], tags[128];
    char address[512];
    char conf[40], onset[40], exp[40], src[40], src_name[128], root[40], root_name[128];
    const struct fk_contact *ct;
    const char *v[NCOLS(person_cols)];
    fk_table *t = NULL;
    size_t i;
    int rc;

    memset(out, 0, sizeof *out);
    memo.n = memo.next = 0;
    memset(&x, 0, sizeof x);
    memset(&ms, 0, sizeof ms);
    memset(&pl, 0, sizeof pl);
    rc = fk_store_get_person(st, pid, &p);
    if (rc == FK_OK && scope && *scope && !fk_engine_region_inside(e, p.grid, scope))
        rc = FK_ENOENT;
    if (rc == FK_ENOENT) {
        say(err, errlen, "no such person");
        goto out;
    }
    if (rc != FK_OK)
        goto fail_db;
    copy(id_number, sizeof id_number, p.id_number);
    copy(name, sizeof name, p.name);
    copy(phone, sizeof phone, p.phone);
    copy(grid, sizeof grid, p.grid);
    copy(household, sizeof household, p.household);
    copy(tags, sizeof tags, p.tags);
    copy(address, sizeof address, p.address);
    x.st = st;
    x.e = e;
    x.scope = scope && *scope ? scope : NULL;
    x.pid = pid;
    x.grid = grid;
    x.p = out;
    x.rc = FK_OK;

    /* The registry. */
    if ((rc = place_of(st, &memo, grid, &pl)) != FK_OK ||
        (rc = flags_of(st, pid, contacts, ncontacts, &fl)) != FK_OK)
        goto fail_db;
    if ((rc = fk_table_new(person_cols, NCOLS(person_cols), &out->person)) != FK_OK)
        goto out;
    v[0] = id_number;
    v[1] = fk_id_type_name((enum fk_id_type)p.id_type);
    v[2] = name;
    v[3] = phone;
    v[4] = grid;
    v[5] = pl.grid_name;
    v[6] = pl.township;
    v[7] = pl.township_name;
    v[8] = pl.county;
    v[9] = pl.county_name;
    v[10] = household;
    v[11] = tags;
    v[12] = fl.kase;
    v[13] = *fl.kase ? when(fl.confirmed, conf) : NULL;
    v[14] = *fl.kase ? when(fl.onset, onset) : NULL;
    v[15] = fl.contact;
    v[16] = fl.control;
    v[17] = address;
    if ((rc = fk_table_add(out->person, v)) != FK_OK)
        goto out;

    /* The household. */
    if ((rc = fk_table_new(household_cols, NCOLS(household_cols), &out->household)) != FK_OK)
        goto out;
    ms.x = &x;
    if (*household) {
        rc = fk_store_search_persons(st, FK_PKEY_HOUSEHOLD, household, NULL, add_member, &ms);
        if (rc == FK_ENOMEM)
            goto out;
        if (rc != FK_OK)
            goto fail_db;
    }
    for (i = 0; i < ms.n; i++) {
        struct place mp;
        const char *hv[NCOLS(household_cols)];

        memset(&mp, 0, sizeof mp);
        if ((rc = place_of(st, &memo, ms.m[i].grid, &mp)) != FK_OK ||
            (rc = flags_of(st, ms.m[i].id, contacts, ncontacts, &fl)) != FK_OK)
            goto fail_db;
        hv[0] = ms.m[i].id_number;
        hv[1] = ms.m[i].name;
        hv[2] = ms.m[i].grid;
        hv[3] = mp.grid_name;
        hv[4] = fl.kase;
        hv[5] = fl.contact;
        hv[6] = fl.control;
        if ((rc = fk_table_add(out->household, hv)) != FK_OK)
            goto out;
    }

    /* Samples, their tubes and pools, per round. */
    if ((rc = fk_table_new(sample_cols, NCOLS(sample_cols), &out->samples)) != FK_OK ||
        (rc = fk_table_new(pool_cols, NCOLS(pool_cols), &out->pool)) != FK_OK)
        goto out;
    rc = fk_store_each_round(st, add_round, &x.rounds);
    if (rc == FK_ENOMEM)
        goto out;
    if (rc != FK_OK)
        goto fail_db;
    rc = fk_engine_each_person_tube(e, pid, one_tube, &x);
    if (rc == STOP)
        rc = x.rc;
    if (rc != FK_OK)
        goto out;

    /* The contact status. */
    if ((rc = fk_table_new(contact_cols, NCOLS(contact_cols), &out->contact)) != FK_OK)
        goto out;
    ct = contact_of(contacts, ncontacts, pid);
    if (ct) {
        static const char *const via[] = {"", "household", "venue", "cell"};
        const char *cv[NCOLS(contact_cols)];

        named(&x, ct->source, src, sizeof src, src_name, sizeof src_name);
        named(&x, ct->root, root, sizeof root, root_name, sizeof root_name);
        cv[0] = fk_category_name(ct->category);
        cv[1] = ct->via < 4 ? via[ct->via] : "";
        cv[2] = when(ct->exposure, exp);
        cv[3] = src;
        cv[4] = src_name;
        cv[5] = root;
        cv[6] = root_name;
        if ((rc = fk_table_add(out->contact, cv)) != FK_OK)
            goto out;
    }

    /* Control orders, the regime's tests, alerts, arrivals: the lists of the grid, cut to the
     * person. */
    filter.region = grid;
    rc = fk_ctl_list(c, &filter, today, &t, err, errlen);
    if (rc == FK_OK)
        rc = keep_rows(t, "id_number", id_number, &out->controls);
    t = NULL;
    if (rc == FK_OK)
        rc = fk_ctl_due(c, grid, FK_DUE_ALL, 0, today, &t, err, errlen);
    if (rc == FK_OK)
        rc = keep_rows(t, "id_number", id_number, &out->tests);
    t = NULL;
    if (rc == FK_OK)
        rc = fk_alert_list(st, e, grid, -1, &t, err, errlen);
    if (rc == FK_OK)
        rc = keep_rows(t, "id_number", id_number, &out->alerts);
    t = NULL;
    if (rc == FK_OK)
        rc = fk_ctl_arrivals(c, grid, NULL, 0, 0, &t, err, errlen);
    if (rc == FK_OK)
        rc = keep_rows(t, "id_number", id_number, &out->arrivals);
    t = NULL;
    goto out;
fail_db:
    if (rc == FK_ENOMEM)
        say(err, errlen, "person: out of memory");
    else
        say(err, errlen, "person: %s", fk_store_errmsg(st));
out:
    fk_table_free(t);
    free(ms.m);
    free(x.rounds.r);
    if (rc != FK_OK)
        fk_person_page_fini(out);
    return rc;
}

int fk_person_page_render(const struct fk_person_page *p, enum fk_format f, fk_buf *b)
{
    const struct fk_table_block blocks[] = {
        {"person", p->person},     {"household", p->household}, {"samples", p->samples},
        {"pool", p->pool},         {"contact", p->contact},     {"controls", p->controls},
        {"tests", p->tests},       {"alerts", p->alerts},       {"arrivals", p->arrivals},
    };

    return fk_table_blocks_render(blocks, sizeof blocks / sizeof blocks[0], f, b);
}
