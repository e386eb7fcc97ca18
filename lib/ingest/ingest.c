/* SPDX-License-Identifier: MIT */
/* Ingest (see fk/ingest.h): the row rules of every import type, fed rows by a reader (the CSV
 * file driver in csv_driver.c, JSON in json.c, XLSX in xlsx.c) through fk_import_begin, _row and
 * _end. The header is matched against the type's column list at begin; each row goes through
 * its type's check, which either fills a reason (the row goes to the reject callback) or makes
 * one store put. Rows are committed in batches of the profile's batch_rows; a batch is one
 * transaction, so a killed process loses at most the batch in flight, and every put is
 * idempotent, so running the same import again completes it.
 *
 * DESIGN NOTES
 * - Look-ups that a row needs (grid and parent codes, person ID numbers, venue codes) are loaded
 *   once from the store into hash maps, and kept current as this import adds to them, so a row
 *   costs one store write, not a read and a write.
 * - Persons, with a roster (fk_import_opts.find_person, a mapped file current with the store):
 *   found in the persons this import met or registered, else in the roster, so the registry is
 *   never read whole (1 s and 300 MB at 1 M residents). A roster that cannot answer (damaged)
 *   is dropped, and the import goes on as one without it.
 * - A regions file may list a child before its parent: such rows wait, and are retried when the
 *   file is done until no more can be placed; the rest are rejected with "unknown parent".
 * - Scope (fk_import_opts.actor): inside-ness comes from the store's region tree
 *   (fk_store_region_inside), asked once per grid code and kept; each person's and venue's grid is
 *   loaded with them and kept current as rows move them, so a row is checked where its record
 *   lives now and where it would live after. A record outside the scope that a row names only by
 *   its key is answered as an unknown one, so keys cannot be probed. */
#include "fk/ingest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fk/buf.h"
#include "fk/cadre.h"
#include "fk/checkin.h"
#include "fk/coldevent.h"
#include "fk/error.h"
#include "fk/gathering.h"
#include "fk/idcard.h"
#include "fk/incident.h"
#include "fk/zone.h"
#include "fk/msg.h"
#include "fk/problem.h"
#include "fk/region.h"
#include "fk/regime.h"
#include "fk/transfer.h"
#include "fk/report.h"
#include "fk/request.h"
#include "fk/score.h"
#include "fk/sentinel.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vaccine.h"
#include "fk/vec.h"

#define MAXCOLS FK_RECORD_MAXCOLS
#define TEXT_MAX 256

int fk_import_type_parse(const char *s, enum fk_import_type *out)
{
    const struct fk_record_type *rt = fk_record_find(s);

    if (!rt)
        return FK_EINVAL;
    *out = rt->id;
    return FK_OK;
}

const char *fk_import_type_name(enum fk_import_type t)
{
    const struct fk_record_type *rt = fk_record_get(t);

    return rt ? rt->name : "";
}

char *fk_import_type_list(char *buf, size_t cap)
{
    return fk_record_list(buf, cap, 0);
}

const char *fk_import_type_columns(enum fk_import_type t)
{
    return fk_record_columns_text(t);
}

/* A regions row that waits for its parent. */
struct pending_region {
    uint64_t line;
    char *code, *name, *parent, *raw;
    char *worker, *worker_phone; /* NULL: the file has no such column */
    int level;
    int coords; /* the file has lon,lat columns: lon and lat are set, else kept */
    char lon[FK_COORD_MAX], lat[FK_COORD_MAX];
};

struct ctx {
    fk_store *st;
    const struct fk_profile *prof;
    enum fk_import_type type;
    const fk_slice *fields; /* the row being checked, and where it comes from */
    size_t nfields;
    uint64_t line;
    fk_slice raw;
    int idx[MAXCOLS];
    fk_strmap *regions; /* code -> level */
    fk_strmap *persons; /* id_number -> person id */
    /* The persons are looked up in the store row by row and kept in persons as they are met
     * (lazy), until `lookups` reach lazy_persons_max: then the whole registry is read at once. */
    int lazy;
    uint64_t lookups;
    int64_t registry; /* persons in the store, counted at the lazy_persons_max-th look-up */
    /* The persons not in `persons` are found in the roster (o->find_person) rather than the
     * store, until it fails: then as without it. */
    int roster;
    fk_strmap *venues;  /* code -> venue id */
    fk_strmap *indicators; /* scores: indicator code -> 1 veto, 0 not */
    fk_strmap *inspections; /* problems: the inspections' codes */
    fk_strmap *cold_batches; /* coldchain: the batches this import has put so far */
    fk_strmap *units;        /* reports: the unit codes the store holds */
    /* gatherings, requests (issue 21): the stored rows' keys -> index into stored, with their
     * region (its index in grids, or -1) and a request's times, for the scope of an update and
     * the check of times a file leaves out; kept current as rows are put */
    fk_strmap *stored_keys;
    struct stored_row {
        int64_t region;
        int64_t assigned, resolved;
        char unit[256];
    } * stored;
    size_t nstored, capstored;
    /* Scope (with an actor): grid codes seen (grids), per grid 1 inside / 2 outside / 0 not yet
     * asked (grid_ok), person id -> grid index (pgrid), venue index in venues -> grid index
     * (vgrid); the scope as a clerk reads it, "榆次区 (140702)", and its level; a store failure
     * met while checking (fail), which stops the import. */
    const struct fk_import_opts *o;
    const struct fk_actor *actor;
    fk_strmap *grids;
    int32_t *pgrid;
    size_t npgrid;
    int32_t *vgrid;
    size_t nvgrid;
    uint8_t *grid_ok;
    size_t ngrid_ok;
    char scope_label[TEXT_MAX + 40];
    int scope_level;
    int fail;
    struct fk_import_summary *sum;
    char reason[512];
    int in_batch;
    struct pending_region *pending;
    size_t npending, cappending;
    char last_tube[TEXT_MAX]; /* results: the last tube found in the store */
    int64_t now;              /* event times and birth dates are checked against it */
    unsigned changed;         /* persons: fk_person_field bits of the last row's update */
    /* Scans, pings, samples and persons into a store that prefers them a batch at a time
     * (fk_store_prefers_bulk; issue 20): the batch's checked rows, counted and handed to the
     * hooks when commit() hands them over (flush()). Their texts lie in gtext, at the offsets
     * in goff (a cell, or a tube and a site) or gpoff (a person's texts; SIZE_MAX: none), made
     * pointers at the flush. */
    int gather;
    struct fk_event_row *gev;
    struct fk_sample_row *gsm;
    size_t (*goff)[2];
    struct fk_person_row *gps; /* persons only: the rows, their ids and changed fields */
    size_t (*gpoff)[7];
    int64_t *gpid;
    unsigned *gchg;
    /* The generic types gathered (gathers_records): each row's fields, gfields a row, a text's
     * offset in gtext in gvoff (SIZE_MAX: NULL). */
    struct fk_record_value *gval;
    size_t *gvoff;
    size_t gfields, capval;
    enum fk_put *gdid;
    uint64_t *gline; /* each gathered row's line, for the counted hook */
    size_t ngather, capgather;
    fk_buf gtext;
};

struct fk_import {
    struct ctx c;
    struct fk_import_summary sum;
    uint64_t batch, in_batch_rows; /* rows per batch, rows in the open one */
    int rc;                        /* the error that ended the import, FK_OK while it runs */
    char err[1024];                /* and what it was, for fk_import_end */
};

/* Header name f, trimmed; "" for a NULL name. */
static fk_slice header_name(const char *const *header, size_t f)
{
    const char *h = header[f] ? header[f] : "";

    return fk_slice_trim((fk_slice){h, strlen(h)});
}

/* ---- fields ---- */

/* Adds a reason to the row's reasons: a row is rejected with all its problems at once, so a clerk
 * fixes it in one go. */
static void why(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct ctx *c, const char *fmt, ...)
{
    size_t n = strlen(c->reason);
    va_list ap;

    if (n && n + 2 < sizeof c->reason) {
        c->reason[n++] = ';';
        c->reason[n++] = ' ';
        c->reason[n] = '\0';
    }
    va_start(ap, fmt);
    vsnprintf(c->reason + n, sizeof c->reason - n, fmt, ap);
    va_end(ap);
}

/* why() with message id of the catalogue (fk/msg.h), its arguments strings. */
static void whym(struct ctx *c, enum fk_msg_id id, ...)
{
    char text[600];
    va_list ap;

    va_start(ap, id);
    fk_msg_vrender(text, sizeof text, id, ap);
    va_end(ap);
    why(c, "%s", text);
}

/* whym() of a message whose one argument is the value s a row holds, quoted up to 40 bytes. */
static void whys(struct ctx *c, enum fk_msg_id id, fk_slice s)
{
    char v[48];
    size_t n = s.n > 40 ? 40 : s.n;

    memcpy(v, s.p, n);
    v[n] = '\0';
    whym(c, id, v);
}

/* whym() of a message whose one argument is the number n. */
static void whyn(struct ctx *c, enum fk_msg_id id, size_t n)
{
    char v[24];

    snprintf(v, sizeof v, "%zu", n);
    whym(c, id, v);
}

static fk_slice field(const struct ctx *c, int k)
{
    fk_slice s = {"", 0};

    if (c->idx[k] >= 0 && (size_t)c->idx[k] < c->nfields)
        s = c->fields[c->idx[k]];
    return fk_slice_trim(s);
}

/* The code point of a character no text field may hold at p (n bytes left), or 0: C0 controls
 * (TAB too: it has no place in a name and hides in a spreadsheet), DEL, C1 controls, and the
 * bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069, which make
 * text display in an order other than the one stored ("evil.exe" shown as "exe.live"). */
static unsigned forbidden(const unsigned char *p, size_t n)
{
    if (p[0] < 0x20 || p[0] == 0x7F)
        return p[0];
    if (p[0] == 0xC2 && n >= 2 && p[1] >= 0x80 && p[1] <= 0x9F)
        return p[1];
    if (p[0] == 0xE2 && n >= 3 && p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE)
        return 0x2000u + (p[2] - 0x80u);
    if (p[0] == 0xE2 && n >= 3 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
        return 0x2040u + (p[2] - 0x80u);
    return 0;
}

/* Copies column k into out (cap bytes). 0 with a reason, and out empty, when it is required and
 * empty, too long, or holds a control character or a bidirectional override (forbidden()).
 * fk_import_row has made sure it is valid UTF-8. */
static int text(struct ctx *c, int k, char *out, size_t cap, int required)
{
    fk_slice s = field(c, k);
    const char *name = fk_record_get(c->type)->cols[k].name;
    size_t i;
    unsigned cp;

    /* A refused field is empty: callers go on to read out for more reasons (a door event's
     * device is looked up when not empty), and had read what the stack held. */
    out[0] = '\0';
    if (required && s.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, name);
        return 0;
    }
    if (s.n >= cap) {
        char max[24];

        snprintf(max, sizeof max, "%zu", cap - 1);
        whym(c, FK_MSG_ROW_TOO_LONG, name, max);
        return 0;
    }
    for (i = 0; i < s.n; i++) {
        cp = forbidden((const unsigned char *)s.p + i, s.n - i);
        if (cp || (unsigned char)s.p[i] < 0x20) {
            char hex[16], at[24];

            snprintf(hex, sizeof hex, "%04X", cp);
            snprintf(at, sizeof at, "%zu", i + 1);
            whym(c, cp >= 0x2000 ? FK_MSG_ROW_BIDI : FK_MSG_ROW_CONTROL, name, hex, at);
            return 0;
        }
    }
    fk_slice_copy(out, cap, s);
    return 1;
}

#define TIME_FLOOR INT64_C(-2209017600) /* 1900-01-01T00:00:00+08:00 */
#define DAY        INT64_C(86400)

/* How far past now column k may lie: a day for what happened (event times, with room for clocks
 * that run ahead), a year for what is planned (the end of a control order, a risk area's
 * dates). */
static int64_t time_ahead(const struct ctx *c, int k)
{
    if (c->type == FK_IMPORT_RISK_AREAS || (c->type == FK_IMPORT_CONTROLS && k == 4) ||
        (c->type == FK_IMPORT_PROBLEMS && k == 5) || (c->type == FK_IMPORT_TRANSFERS && k == 8))
        return 366 * DAY;
    return DAY;
}

/* Parses column k as a time in 1900-01-01 .. now + time_ahead(): a mistyped year (2202 for
 * 2022) would otherwise stand as the newest result or scan, and every later correction would
 * look older than it. An empty optional column gives 0. */
static int time_col(struct ctx *c, int k, int64_t *out, int required)
{
    fk_slice s = field(c, k);
    const char *name = fk_record_get(c->type)->cols[k].name;
    char lim[FK_TIME_RENDER_MAX], val[64];
    int64_t ahead = time_ahead(c, k);

    *out = 0;
    snprintf(val, sizeof val, "%.*s", (int)(s.n > 60 ? 60 : s.n), s.p);
    if (s.n == 0) {
        if (required)
            whym(c, FK_MSG_ROW_EMPTY, name);
        return !required;
    }
    if (fk_time_parse(s.p, s.n, out) != FK_OK) {
        whym(c, FK_MSG_ROW_BAD_TIME, name, val);
        return 0;
    }
    if (*out < TIME_FLOOR) {
        whym(c, FK_MSG_ROW_TIME_EARLY, name, val);
        *out = 0;
        return 0;
    }
    if (*out > c->now + ahead) {
        whym(c, FK_MSG_ROW_TIME_LATE, name, val, fk_time_render(c->now + ahead, lim),
             ahead == DAY ? "now + 1 day" : "now + 1 year");
        *out = 0;
        return 0;
    }
    return 1;
}

/* ---- scope: where the actor may write ---- */

/* The index of grid code g in c->grids, room made for its verdict; -1 out of memory. */
static int64_t grid_index(struct ctx *c, const char *g)
{
    int added;
    int64_t i = fk_strmap_intern(c->grids, g, strlen(g), &added);

    if (i >= 0 && (size_t)i >= c->ngrid_ok) {
        size_t old = c->ngrid_ok;

        if (fk_vec_grow((void **)&c->grid_ok, &c->ngrid_ok, (size_t)i + 1, 1) != FK_OK)
            return -1;
        memset(c->grid_ok + old, 0, c->ngrid_ok - old);
    }
    return i;
}

/* 1 when region code g lies inside the actor's scope (always without an actor), else 0; a store
 * failure sets c->fail and answers 0. The answer is kept per code. */
static int grid_allowed(struct ctx *c, const char *g)
{
    int64_t i;
    int in;

    if (!c->actor)
        return 1;
    i = grid_index(c, g);
    if (i < 0) {
        c->fail = FK_ENOMEM;
        return 0;
    }
    if (c->grid_ok[i])
        return c->grid_ok[i] == 1;
    in = fk_store_region_inside(c->st, g, c->actor->scope);
    if (in < 0) {
        c->fail = in;
        return 0;
    }
    c->grid_ok[i] = in ? 1 : 2;
    return in;
}

/* Records that person pid now lives in grid g (with an actor only). */
static int set_pgrid(struct ctx *c, int64_t pid, const char *g)
{
    int64_t i;

    if (!c->grids)
        return FK_OK;
    i = grid_index(c, g);
    if (i < 0 || pid < 0)
        return FK_ENOMEM;
    if ((size_t)pid >= c->npgrid) {
        size_t k = c->npgrid;

        if (fk_vec_grow((void **)&c->pgrid, &c->npgrid, (size_t)pid + 1, sizeof *c->pgrid) != FK_OK)
            return FK_ENOMEM;
        for (; k < c->npgrid; k++)
            c->pgrid[k] = -1;
    }
    c->pgrid[pid] = (int32_t)i;
    return FK_OK;
}

static int set_vgrid(struct ctx *c, int64_t k, const char *g);

/* 1 when person pid lives inside the scope (always without an actor). */
static int person_allowed(struct ctx *c, int64_t pid)
{
    if (!c->actor)
        return 1;
    if (pid < 0 || (size_t)pid >= c->npgrid || c->pgrid[pid] < 0)
        return 0;
    return grid_allowed(c, fk_strmap_key(c->grids, c->pgrid[pid]));
}

/* "太谷区 (140703)": the region at the scope's level that holds region code g (g itself when
 * none does), for a reason that names the place the row itself names. */
static void where(struct ctx *c, const char *g, char *out, size_t cap)
{
    char cur[FK_REGION_CODE_MAX + 8];
    struct fk_region_row r;
    int depth;

    snprintf(out, cap, "%s", g);
    fk_strlcpy(cur, g, sizeof cur);
    for (depth = 0; depth < 16; depth++) {
        if (fk_store_get_region(c->st, cur, &r) != FK_OK)
            return;
        if (depth == 0 || r.level == c->scope_level)
            snprintf(out, cap, "%s (%s)", r.name, r.code);
        if (r.level <= c->scope_level || !r.parent || !*r.parent)
            return;
        fk_strlcpy(cur, r.parent, sizeof cur);
    }
}

/* A row that names grid g for a resident, venue or arrival: 1 when g is inside the scope, else 0
 * with the reason "WHAT lives in 太谷区 (140703), outside your scope 榆次区 (140702)". */
static int named_grid_allowed(struct ctx *c, const char *what, const char *g)
{
    char w[TEXT_MAX + 40];

    if (grid_allowed(c, g))
        return 1;
    where(c, g, w, sizeof w);
    whym(c, FK_MSG_ROW_OUTSIDE, what, w, c->scope_label);
    return 0;
}

/* A regions row: the region, where it is now and under the parent the row gives, inside the
 * scope. A scoped actor adds no root, and does not move its own scope. */
static int region_allowed(struct ctx *c, const char *code, const char *parent)
{
    char was[FK_REGION_CODE_MAX + 8] = "";
    struct fk_region_row r;
    int rc, in;

    if (!c->actor)
        return 1;
    rc = fk_store_get_region(c->st, code, &r);
    if (rc != FK_OK && rc != FK_ENOENT) {
        c->fail = rc;
        return 0;
    }
    if (rc == FK_OK) {
        fk_strlcpy(was, r.parent ? r.parent : "", sizeof was);
        in = fk_store_region_inside(c->st, code, c->actor->scope);
        if (in <= 0) {
            c->fail = in < 0 ? in : 0;
            whym(c, FK_MSG_ROW_REGION_OUTSIDE, code, c->scope_label);
            return 0;
        }
        if (strcmp(code, c->actor->scope) == 0) {
            if (strcmp(was, parent) == 0)
                return 1;
            whym(c, FK_MSG_ROW_REGION_IS_SCOPE, code);
            return 0;
        }
    }
    if (!*parent) {
        whym(c, FK_MSG_ROW_REGION_ROOT, code);
        return 0;
    }
    in = fk_store_region_inside(c->st, parent, c->actor->scope);
    if (in <= 0) {
        c->fail = in < 0 ? in : 0;
        whym(c, FK_MSG_ROW_PARENT_OUTSIDE, code, parent, c->scope_label);
        return 0;
    }
    return 1;
}

struct tube_scope {
    struct ctx *c;
    size_t in, out;
};

static int tube_member_scope(void *ud, const struct fk_sample_row *m)
{
    struct tube_scope *ts = ud;

    if (person_allowed(ts->c, m->person))
        ts->in++;
    else
        ts->out++;
    return ts->c->fail;
}

/* A results row: every person sampled into the tube lives inside the scope. A tube with no one
 * inside is reported as a tube nobody sampled into. */
static int tube_allowed(struct ctx *c, const char *tube)
{
    struct tube_scope ts = {c, 0, 0};
    int rc;

    if (!c->actor)
        return 1;
    rc = fk_store_each_tube_member(c->st, tube, tube_member_scope, &ts);
    if (rc != FK_OK) {
        c->fail = rc;
        return 0;
    }
    if (ts.in == 0) {
        whym(c, FK_MSG_ROW_NO_SAMPLE, tube);
        return 0;
    }
    if (ts.out) {
        whym(c, FK_MSG_ROW_TUBE_OUTSIDE, tube, c->scope_label);
        return 0;
    }
    return 1;
}

/* Whether actor a may import (verb) type t at all (the type's rule, fk_record_permitted); its
 * scope's name and code into label (cap bytes) and its level into *level. FK_OK, FK_EPERM with
 * err. */
static int permitted(fk_store *st, enum fk_import_type t, const struct fk_actor *a,
                     const char *verb, char *label, size_t cap, int *level, char *err,
                     size_t errlen)
{
    struct fk_region_row r;
    int rc = fk_store_get_region(st, a->scope, &r);

    if (rc != FK_OK) {
        snprintf(err, errlen, "your scope %s is not in the region tree: ask an admin", a->scope);
        return rc == FK_ENOENT ? FK_EPERM : rc;
    }
    snprintf(label, cap, "%s (%s)", r.name, a->scope);
    *level = r.level;
    return fk_record_permitted(fk_record_get(t), a->role, r.level, label, verb, err, errlen);
}

int fk_import_permitted(fk_store *st, enum fk_import_type t, const struct fk_actor *actor,
                        char *err, size_t errlen)
{
    return fk_import_may(st, t, actor, "import", err, errlen);
}

int fk_import_may(fk_store *st, enum fk_import_type t, const struct fk_actor *actor,
                  const char *verb, char *err, size_t errlen)
{
    char label[TEXT_MAX + 40];
    int level;

    if (!actor)
        return FK_OK;
    if ((int)t < 0 || t >= FK_IMPORT_NTYPES) {
        snprintf(err, errlen, "unknown import type");
        return FK_EINVAL;
    }
    return permitted(st, t, actor, verb, label, sizeof label, &level, err, errlen);
}

/* Look-ups in the store before an import thinks of reading the whole registry into memory
 * instead: a file of a few thousand rows should not pay for reading 10 M persons (14 s), and one
 * of millions should not pay a B-tree walk a row (fk__ingest_set_lazy_persons changes it, for
 * tests). */
static uint64_t lazy_persons_max = 65536;

void fk__ingest_set_lazy_persons(uint64_t n)
{
    lazy_persons_max = n;
}

static int load_person(void *ud, const struct fk_person_row *p);

/* The roster could not answer (a damaged block): the import goes on as one without it. A type
 * that reads the whole registry at begin reads it now, as the store holds it with this import's
 * own rows: the rows so far found only what it holds. FK_OK, FK_ENOMEM, FK_EDB. */
static int roster_drop(struct ctx *c)
{
    c->roster = 0;
    return c->lazy ? FK_OK : fk_store_each_person_key(c->st, load_person, c);
}

/* The person of ID number id as far as c knows without the store: one this import met or
 * registered (c->persons), else one the roster holds (its grid noted for the scope). 1 with *pid
 * set, 0 when neither holds it. A store failure sets c->fail and answers 0. */
static int person_known(struct ctx *c, const char *id, int64_t *pid)
{
    int64_t i = fk_strmap_find(c->persons, id, strlen(id));
    const char *grid;
    int rc;

    if (i < 0 && c->roster) {
        rc = c->o->find_person(c->o->find_person_ud, id, strlen(id), pid, &grid);
        if (rc == FK_ENOENT)
            return 0;
        if (rc == FK_OK) {
            rc = set_pgrid(c, *pid, grid);
            if (rc != FK_OK)
                c->fail = rc;
            return rc == FK_OK;
        }
        rc = roster_drop(c);
        if (rc != FK_OK) {
            c->fail = rc;
            return 0;
        }
        i = fk_strmap_find(c->persons, id, strlen(id));
    }
    if (i < 0)
        return 0;
    *pid = fk_strmap_value(c->persons, i);
    return 1;
}

/* The person of ID number id, when c looks persons up lazily and has not met it yet: from the
 * store, kept in c->persons (and its grid, for the scope); *k is its index there, -1 when the
 * store has no such person. FK_OK, FK_ENOMEM, FK_EDB. */
static int person_lookup(struct ctx *c, const char *id, int64_t *k)
{
    struct fk_person_row p;
    int64_t pid;
    int added, rc;

    *k = -1;
    /* A big file: the whole registry, once the look-ups would cost more than reading it (a
     * look-up in the store costs about what reading 16 persons does: 15 us against 1.1 s a
     * million, at 10 M). */
    if (++c->lookups > lazy_persons_max && !c->registry &&
        fk_store_count(c->st, "persons", &c->registry) != FK_OK)
        c->registry = 1;
    if (c->lookups > lazy_persons_max && c->lookups > (uint64_t)c->registry / 16) {
        c->lazy = 0;
        rc = fk_store_each_person_key(c->st, load_person, c);
        if (rc == FK_OK)
            *k = fk_strmap_find(c->persons, id, strlen(id));
        return rc;
    }
    rc = fk_store_find_person(c->st, id, &pid);
    if (rc == FK_ENOENT)
        return FK_OK;
    if (rc == FK_OK && c->actor)
        rc = fk_store_get_person(c->st, pid, &p);
    if (rc != FK_OK)
        return rc;
    *k = fk_strmap_intern(c->persons, id, strlen(id), &added);
    if (*k < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->persons, *k, pid);
    return c->actor ? set_pgrid(c, pid, p.grid) : FK_OK;
}

/* Reads column k as an ID number and finds the person; 0 with a reason when unknown. */
static int person_col(struct ctx *c, int k, int64_t *pid)
{
    fk_slice s = field(c, k);
    char id[64], idwhy[200];
    int64_t i;
    int known;

    if (s.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "id_number");
        return 0;
    }
    fk_id_normalize(s.p, s.n, id, sizeof id);
    known = person_known(c, id, pid);
    if (c->fail)
        return 0;
    /* Not met yet, and no roster to say it does not exist: the store. */
    if (!known && c->lazy && !c->roster) {
        int rc = person_lookup(c, id, &i);

        if (rc != FK_OK) {
            c->fail = rc; /* the store failed: the import stops, as on a failed put */
            return 0;
        }
        known = i >= 0;
        if (known)
            *pid = fk_strmap_value(c->persons, i);
    }
    /* Outside the scope: answered as if unknown, so ID numbers cannot be probed. */
    if (known && person_allowed(c, *pid))
        return 1;
    if (strlen(id) == 18 &&
        fk_id_check_at(id, 18, FK_ID_RESIDENT, c->now, idwhy, sizeof idwhy) != FK_OK)
        whym(c, FK_MSG_ROW_ID, id, idwhy);
    else
        whym(c, FK_MSG_ROW_UNKNOWN_PERSON, id);
    return 0;
}

/* Checks that code names a known grid-level region. */
static int grid_col(struct ctx *c, int k, char *out, size_t cap)
{
    int64_t i;

    if (!text(c, k, out, cap, 1))
        return 0;
    i = fk_strmap_find(c->regions, out, strlen(out));
    if (i < 0) {
        whym(c, FK_MSG_ROW_UNKNOWN_GRID, out);
        return 0;
    }
    if (fk_strmap_value(c->regions, i) != FK_LEVEL_GRID) {
        whym(c, FK_MSG_ROW_NOT_GRID, out,
             fk_level_name((enum fk_level)fk_strmap_value(c->regions, i)));
        return 0;
    }
    return 1;
}

/* ---- one row of each type: 1 put done (*did set), 0 rejected, < 0 store error ---- */

static int put_rc(int rc)
{
    return rc == FK_OK ? 1 : rc;
}

/* Records a region as placed in the map (code -> level). */
static int remember_region(struct ctx *c, const char *code, int level)
{
    int added;
    int64_t i = fk_strmap_intern(c->regions, code, strlen(code), &added);

    if (i < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->regions, i, level);
    return FK_OK;
}

/* Column k, optional, as a phone number (digits, '+', '-', ' ') into out: 1, or 0 after saying
 * why. The ' an export puts before a cell a spreadsheet would run as a formula ("'+86 139…",
 * fk_csv_formula_lead) is dropped, so an export imports back as it was. */
static int phone_col(struct ctx *c, int k, char *out, size_t cap)
{
    size_t i;

    if (!text(c, k, out, cap, 0))
        return 0;
    if (out[0] == '\'' && fk_csv_formula_lead(out + 1, strlen(out + 1)))
        memmove(out, out + 1, strlen(out));
    for (i = 0; out[i]; i++) {
        char ch = out[i];

        if (!((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == ' ')) {
            whym(c, FK_MSG_ROW_PHONE, fk_record_get(c->type)->cols[k].name, out);
            return 0;
        }
    }
    return 1;
}

/* 1 placed, 0 rejected, 2 parent unknown (wait), < 0 error. */
static int place_region(struct ctx *c, const struct fk_region_row *r, enum fk_put *did)
{
    const char *code = r->code, *parent = r->parent;
    int level = r->level;
    int64_t pi = -1;
    int plevel = FK_LEVEL_NONE, rc;

    if (*parent) {
        if (strcmp(parent, code) == 0) {
            whym(c, FK_MSG_ROW_OWN_PARENT, code);
            return 0;
        }
        pi = fk_strmap_find(c->regions, parent, strlen(parent));
        if (pi < 0)
            return 2;
        plevel = (int)fk_strmap_value(c->regions, pi);
    }
    if (fk_level_child_ok((enum fk_level)plevel, (enum fk_level)level) != FK_OK) {
        if (*parent)
            whym(c, FK_MSG_ROW_LEVEL_UNDER, fk_level_name((enum fk_level)level), parent,
                 fk_level_name((enum fk_level)plevel));
        else
            whym(c, FK_MSG_ROW_NO_PARENT);
        return 0;
    }
    if (!region_allowed(c, code, parent))
        return 0;
    rc = fk_store_put_region(c->st, r, did);
    if (rc == FK_OK)
        rc = remember_region(c, code, level);
    return put_rc(rc);
}

/* The row's lon,lat columns (descriptor columns k, k + 1) into lon and lat (FK_COORD_MAX bytes):
 * 1 checked (both "" when the row has none), 0 rejected with the reason. *coords says whether the
 * file has the columns at all: without them, the stored coordinates are kept. */
static int coords_cols(struct ctx *c, int k, char *lon, char *lat, int *coords)
{
    char why_[200];

    *coords = c->idx[k] >= 0 || c->idx[k + 1] >= 0;
    if (fk_coord_parse(field(c, k), field(c, k + 1), lon, lat, why_, sizeof why_) != FK_OK) {
        why(c, "%s", why_);
        return 0;
    }
    return 1;
}

static int row_region(struct ctx *c, enum fk_put *did)
{
    char code[FK_REGION_CODE_MAX + 8], name[TEXT_MAX], parent[FK_REGION_CODE_MAX + 8],
        lon[FK_COORD_MAX], lat[FK_COORD_MAX], worker[TEXT_MAX], wphone[64];
    enum fk_level level = FK_LEVEL_NONE;
    fk_slice lv = field(c, 2);
    struct fk_region_row r;
    int rc, ok, coords;

    ok = text(c, 0, code, sizeof code, 1);
    if (ok && fk_region_code_ok((fk_slice){code, strlen(code)}) != FK_OK) {
        whym(c, FK_MSG_ROW_REGION_CODE, code);
        ok = 0;
    }
    ok &= text(c, 1, name, sizeof name, 1);
    if (fk_level_parse(lv, &level) != FK_OK) {
        whys(c, FK_MSG_ROW_LEVEL, lv);
        ok = 0;
    }
    ok &= text(c, 3, parent, sizeof parent, 0);
    ok &= coords_cols(c, 4, lon, lat, &coords);
    ok &= text(c, 6, worker, sizeof worker, 0);
    ok &= phone_col(c, 7, wphone, sizeof wphone);
    if (!ok)
        return 0;
    /* Coordinates or a worker column the file does not have keep what the store already holds. */
    r = (struct fk_region_row){.code = code,
                               .name = name,
                               .parent = parent,
                               .level = (int)level,
                               .lon = coords ? lon : NULL,
                               .lat = coords ? lat : NULL,
                               .worker = c->idx[6] >= 0 ? worker : NULL,
                               .worker_phone = c->idx[7] >= 0 ? wphone : NULL};
    rc = place_region(c, &r, did);
    if (rc == 2) {
        struct pending_region *pr;

        if (fk_vec_grow((void **)&c->pending, &c->cappending, c->npending + 1,
                        sizeof *c->pending) != FK_OK)
            return FK_ENOMEM;
        pr = &c->pending[c->npending];
        pr->line = c->line;
        pr->level = (int)level;
        pr->code = fk_slice_dup((fk_slice){code, strlen(code)});
        pr->name = fk_slice_dup((fk_slice){name, strlen(name)});
        pr->parent = fk_slice_dup((fk_slice){parent, strlen(parent)});
        pr->raw = fk_slice_dup(c->raw);
        pr->coords = coords;
        memcpy(pr->lon, lon, sizeof pr->lon);
        memcpy(pr->lat, lat, sizeof pr->lat);
        pr->worker = r.worker ? fk_slice_dup((fk_slice){worker, strlen(worker)}) : NULL;
        pr->worker_phone = r.worker_phone ? fk_slice_dup((fk_slice){wphone, strlen(wphone)}) : NULL;
        c->npending++;
        if (!pr->code || !pr->name || !pr->parent || !pr->raw || (r.worker && !pr->worker) ||
            (r.worker_phone && !pr->worker_phone))
            return FK_ENOMEM;
        return 3; /* deferred: counted when placed */
    }
    return rc;
}

static int gather_person(struct ctx *c, const struct fk_person_row *p);
static int person_placed(struct ctx *c, const char *id, int64_t pid, const char *grid);

static int row_person(struct ctx *c, enum fk_put *did)
{
    char id[64], name[TEXT_MAX], grid[FK_REGION_CODE_MAX + 8], phone[64], household[TEXT_MAX],
        tags[TEXT_MAX], address[TEXT_MAX], idwhy[200];
    struct fk_person_row p;
    enum fk_id_type idt = FK_ID_RESIDENT;
    fk_slice s = field(c, 0), ts = field(c, 6);
    int64_t pid;
    int rc, ok = 1;

    if (fk_id_type_parse(ts.p, ts.n, &idt) != FK_OK) {
        whys(c, FK_MSG_ROW_ID_TYPE, ts);
        ok = 0;
    }
    fk_id_normalize(s.p, s.n, id, sizeof id);
    if (s.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "id_number");
        ok = 0;
    } else if (ok && fk_id_check_at(id, strlen(id), idt, c->now, idwhy, sizeof idwhy) != FK_OK) {
        whym(c, FK_MSG_ROW_ID, id, idwhy);
        ok = 0;
    }
    ok &= text(c, 1, name, sizeof name, 1);
    ok &= grid_col(c, 2, grid, sizeof grid);
    ok &= phone_col(c, 3, phone, sizeof phone);
    ok &= text(c, 4, household, sizeof household, 0);
    ok &= text(c, 5, tags, sizeof tags, 0);
    ok &= text(c, 7, address, sizeof address, 0);
    if (ok && c->actor) {
        char what[TEXT_MAX + 16];
        int64_t was = -1;

        snprintf(what, sizeof what, "resident %s", id);
        ok = named_grid_allowed(c, what, grid);
        if (ok && person_known(c, id, &was) && !person_allowed(c, was)) {
            whym(c, FK_MSG_ROW_RESIDENT_MOVES, id, c->scope_label);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    /* A column the file does not have keeps what the registry already holds. */
    p.id = 0;
    p.id_number = id;
    p.name = name;
    p.phone = c->idx[3] >= 0 ? phone : NULL;
    p.grid = grid;
    p.household = c->idx[4] >= 0 ? household : NULL;
    p.tags = c->idx[5] >= 0 ? tags : NULL;
    p.id_type = c->idx[6] >= 0 ? (int)idt : -1;
    p.address = c->idx[7] >= 0 ? address : NULL;
    if (c->gather)
        return gather_person(c, &p);
    rc = fk_store_put_person_changes(c->st, &p, &pid, did, &c->changed);
    if (rc == FK_OK)
        rc = person_placed(c, id, pid, grid);
    return put_rc(rc);
}

/* Keeps a person the import put (id number id, store id pid, in grid) where it looks persons up,
 * when it does. FK_OK or FK_ENOMEM. */
static int person_placed(struct ctx *c, const char *id, int64_t pid, const char *grid)
{
    int64_t k;
    int added;

    if (!c->persons)
        return FK_OK;
    k = fk_strmap_intern(c->persons, id, strlen(id), &added);
    if (k < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->persons, k, pid);
    return set_pgrid(c, pid, grid);
}

static int row_venue(struct ctx *c, enum fk_put *did)
{
    char code[TEXT_MAX], name[TEXT_MAX], grid[FK_REGION_CODE_MAX + 8], type[TEXT_MAX],
        lon[FK_COORD_MAX], lat[FK_COORD_MAX];
    struct fk_venue_row v;
    int64_t vid;
    int rc, added, ok, coords;

    ok = text(c, 0, code, 64, 1);
    ok &= text(c, 1, name, sizeof name, 1);
    ok &= grid_col(c, 2, grid, sizeof grid);
    ok &= text(c, 3, type, sizeof type, 0);
    ok &= coords_cols(c, 4, lon, lat, &coords);
    if (ok && c->actor) {
        char what[TEXT_MAX + 16];
        int64_t k = fk_strmap_find(c->venues, code, strlen(code));

        snprintf(what, sizeof what, "venue %s", code);
        ok = named_grid_allowed(c, what, grid);
        if (ok && k >= 0 &&
            ((size_t)k >= c->nvgrid || c->vgrid[k] < 0 ||
             !grid_allowed(c, fk_strmap_key(c->grids, c->vgrid[k])))) {
            whym(c, FK_MSG_ROW_VENUE_MOVES, code, c->scope_label);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    v.id = 0;
    v.code = code;
    v.name = name;
    v.type = c->idx[3] >= 0 ? type : NULL;
    v.grid = grid;
    v.lon = coords ? lon : NULL;
    v.lat = coords ? lat : NULL;
    rc = fk_store_put_venue(c->st, &v, &vid, did);
    if (rc == FK_OK && c->venues) {
        int64_t k = fk_strmap_intern(c->venues, code, strlen(code), &added);

        if (k < 0)
            return FK_ENOMEM;
        fk_strmap_set_value(c->venues, k, vid);
        rc = set_vgrid(c, k, grid);
    }
    return put_rc(rc);
}

/* Tells the caller's added hook (fk_import_opts) of a scan or ping the store added; returns rc. */
static int added(struct ctx *c, int rc, const enum fk_put *did, int64_t person, int64_t venue,
                 const char *cell, int64_t t)
{
    if (rc == FK_OK && *did == FK_PUT_NEW && c->o && c->o->added) {
        struct fk_event_row e = {person, venue, t, cell};

        c->o->added(c->o->added_ud, c->type, &e);
    }
    return rc;
}

static void count(struct ctx *c, uint64_t line, enum fk_put did);

/* Room for one more gathered row. FK_OK or FK_ENOMEM. */
static int gather_room(struct ctx *c)
{
    /* Every array grows from the same capacity to the same: fk_vec_grow sets *cap. */
    struct {
        void **p;
        size_t size;
    } a[] = {{(void **)&c->gev, sizeof *c->gev},     {(void **)&c->gsm, sizeof *c->gsm},
             {(void **)&c->goff, sizeof *c->goff},   {(void **)&c->gdid, sizeof *c->gdid},
             {(void **)&c->gline, sizeof *c->gline}, {(void **)&c->gps, sizeof *c->gps},
             {(void **)&c->gpoff, sizeof *c->gpoff}, {(void **)&c->gpid, sizeof *c->gpid},
             {(void **)&c->gchg, sizeof *c->gchg}};
    /* The persons' arrays (the last four) only for persons. */
    size_t i, n = c->type == FK_IMPORT_PERSONS ? 9 : 5, cap = c->capgather;

    if (c->ngather < c->capgather)
        return FK_OK;
    for (i = 0; i < n; i++) {
        cap = c->capgather;
        if (fk_vec_grow(a[i].p, &cap, c->ngather + 1, a[i].size) != FK_OK)
            return FK_ENOMEM;
    }
    c->capgather = cap;
    return FK_OK;
}

/* Keeps a checked scan (cell NULL, s NULL), ping (s NULL) or sample (s) for the batch's
 * fk_store_add_events. GATHERED, or FK_ENOMEM. */
#define GATHERED 2
static int gather(struct ctx *c, int64_t person, int64_t venue, const char *cell, int64_t t,
                  const struct fk_sample_row *s)
{
    size_t i = c->ngather, at;

    if (gather_room(c) != FK_OK)
        return FK_ENOMEM;
    at = c->gtext.len;
    c->gline[i] = c->line;
    c->goff[i][0] = c->goff[i][1] = at;
    if (s) {
        c->gsm[i] = *s;
        if (fk_buf_append(&c->gtext, s->tube, strlen(s->tube) + 1) != FK_OK)
            return FK_ENOMEM;
        c->goff[i][1] = c->gtext.len;
        if (fk_buf_append(&c->gtext, s->site, strlen(s->site) + 1) != FK_OK)
            return FK_ENOMEM;
    } else {
        c->gev[i] = (struct fk_event_row){person, venue, t, NULL};
        if (cell && fk_buf_append(&c->gtext, cell, strlen(cell) + 1) != FK_OK)
            return FK_ENOMEM;
    }
    c->ngather++;
    return GATHERED;
}

/* The generic types an import gathers for fk_store_put_records into a store that prefers batches:
 * their rows need nothing of the store after their put, and no later row of the file reads what
 * an earlier one put (lib/store/pg/pg.c merges() lists them too). */
static int gathers_records(enum fk_import_type t)
{
    return t == FK_IMPORT_VACCINATIONS || t == FK_IMPORT_SENTINELS;
}

/* Keeps a checked row of a generic type (its fields v, texts borrowed) for the batch's
 * fk_store_put_records, or puts it now when the type is not gathered. As a row function
 * returns: 1, GATHERED, or an error. */
static int put_record_row(struct ctx *c, const struct fk_record_value *v, enum fk_put *did)
{
    const struct fk_record_type *rt = fk_record_get((fk_record_id)c->type);
    size_t i = c->ngather, nf = c->gfields, k, cap;

    if (!c->gather || !nf)
        return put_rc(fk_store_put_record(c->st, (fk_record_id)c->type, v, NULL, did, NULL));
    if (gather_room(c) != FK_OK)
        return FK_ENOMEM;
    cap = c->capval;
    if (fk_vec_grow((void **)&c->gval, &cap, (i + 1) * nf, sizeof *c->gval) != FK_OK)
        return FK_ENOMEM;
    cap = c->capval;
    if (fk_vec_grow((void **)&c->gvoff, &cap, (i + 1) * nf, sizeof *c->gvoff) != FK_OK)
        return FK_ENOMEM;
    c->capval = cap;
    c->gline[i] = c->line;
    for (k = 0; k < nf; k++) {
        size_t at = i * nf + k;

        c->gval[at] = v[k];
        c->gvoff[at] = SIZE_MAX;
        if (rt->fields[k].kind == FK_RVAL_TEXT && v[k].s) {
            c->gvoff[at] = c->gtext.len;
            if (fk_buf_append(&c->gtext, v[k].s, strlen(v[k].s) + 1) != FK_OK)
                return FK_ENOMEM;
        }
        c->gval[at].s = NULL; /* made a pointer into gtext at the flush */
    }
    c->ngather++;
    return GATHERED;
}

/* The generic types' part of flush(): the rows to the store, then each counted in order. */
static int flush_records(struct ctx *c)
{
    size_t i, n = c->ngather * c->gfields;
    int rc;

    for (i = 0; i < n; i++)
        if (c->gvoff[i] != SIZE_MAX)
            c->gval[i].s = c->gtext.data + c->gvoff[i];
    rc = fk_store_put_records(c->st, (fk_record_id)c->type, c->gval, c->ngather, NULL, c->gdid,
                              NULL);
    for (i = 0; rc == FK_OK && i < c->ngather; i++)
        count(c, c->gline[i], c->gdid[i]);
    c->ngather = 0;
    fk_buf_reset(&c->gtext);
    return rc;
}

/* Keeps a checked person for the batch's fk_store_put_persons. GATHERED, or FK_ENOMEM. */
static int gather_person(struct ctx *c, const struct fk_person_row *p)
{
    const char *s[7] = {p->id_number, p->name,      p->phone,  p->grid,
                        p->household, p->tags,      p->address};
    size_t i = c->ngather;
    int k;

    if (gather_room(c) != FK_OK)
        return FK_ENOMEM;
    c->gline[i] = c->line;
    c->gps[i] = *p;
    for (k = 0; k < 7; k++) {
        c->gpoff[i][k] = s[k] ? c->gtext.len : SIZE_MAX;
        if (s[k] && fk_buf_append(&c->gtext, s[k], strlen(s[k]) + 1) != FK_OK)
            return FK_ENOMEM;
    }
    c->ngather++;
    return GATHERED;
}

/* The persons' part of flush(): their rows to the store, then each row's id where the import
 * keeps it, and its count, in the rows' order. */
static int flush_persons(struct ctx *c)
{
    size_t i, n = c->ngather;
    int rc;

    for (i = 0; i < n; i++) {
        const char **s[7] = {&c->gps[i].id_number, &c->gps[i].name,      &c->gps[i].phone,
                             &c->gps[i].grid,      &c->gps[i].household, &c->gps[i].tags,
                             &c->gps[i].address};
        int k;

        for (k = 0; k < 7; k++)
            *s[k] = c->gpoff[i][k] == SIZE_MAX ? NULL : c->gtext.data + c->gpoff[i][k];
    }
    rc = fk_store_put_persons(c->st, c->gps, n, c->gpid, c->gdid, c->gchg);
    for (i = 0; rc == FK_OK && i < n; i++) {
        rc = person_placed(c, c->gps[i].id_number, c->gpid[i], c->gps[i].grid);
        c->changed = c->gchg[i];
        if (rc == FK_OK)
            count(c, c->gline[i], c->gdid[i]);
    }
    c->ngather = 0;
    fk_buf_reset(&c->gtext);
    return rc;
}

/* Hands the batch's gathered rows to the store, then counts each and tells the hooks, in the
 * rows' order, as the rows one by one would have. */
static int flush(struct ctx *c)
{
    size_t i, n = c->ngather;
    int rc;

    if (n == 0)
        return FK_OK;
    if (c->type == FK_IMPORT_PERSONS)
        return flush_persons(c);
    if (c->gfields)
        return flush_records(c);
    for (i = 0; i < n; i++) {
        if (c->type == FK_IMPORT_SAMPLES) {
            c->gsm[i].tube = c->gtext.data + c->goff[i][0];
            c->gsm[i].site = c->gtext.data + c->goff[i][1];
        } else if (c->type == FK_IMPORT_PINGS) {
            c->gev[i].cell = c->gtext.data + c->goff[i][0];
        }
    }
    rc = fk_store_add_events(c->st, (fk_record_id)c->type, c->gev, c->gsm, n, c->gdid);
    for (i = 0; rc == FK_OK && i < n; i++) {
        count(c, c->gline[i], c->gdid[i]);
        if (c->type == FK_IMPORT_SAMPLES) {
            if (c->gdid[i] != FK_PUT_SAME && c->o && c->o->sampled)
                c->o->sampled(c->o->sampled_ud, &c->gsm[i], c->gdid[i]);
        } else {
            added(c, FK_OK, &c->gdid[i], c->gev[i].person, c->gev[i].venue, c->gev[i].cell,
                  c->gev[i].time);
        }
    }
    c->ngather = 0;
    fk_buf_reset(&c->gtext);
    return rc;
}

static int row_scan(struct ctx *c, enum fk_put *did)
{
    char venue[TEXT_MAX];
    int64_t pid, t, v = -1;
    int ok;

    ok = person_col(c, 0, &pid);
    if (text(c, 1, venue, 64, 1)) {
        v = fk_strmap_find(c->venues, venue, strlen(venue));
        if (v < 0) {
            whym(c, FK_MSG_ROW_UNKNOWN_VENUE, venue);
            ok = 0;
        }
    } else {
        ok = 0;
    }
    ok &= time_col(c, 2, &t, 1);
    if (!ok)
        return 0;
    if (c->gather)
        return gather(c, pid, fk_strmap_value(c->venues, v), NULL, t, NULL);
    return put_rc(added(c, fk_store_add_scan(c->st, pid, fk_strmap_value(c->venues, v), t, did),
                        did, pid, fk_strmap_value(c->venues, v), NULL, t));
}

static int row_ping(struct ctx *c, enum fk_put *did)
{
    char cell[TEXT_MAX];
    int64_t pid, t;
    int ok;

    ok = person_col(c, 0, &pid);
    ok &= text(c, 1, cell, 64, 1);
    ok &= time_col(c, 2, &t, 1);
    if (!ok)
        return 0;
    if (c->gather)
        return gather(c, pid, 0, cell, t, NULL);
    return put_rc(added(c, fk_store_add_ping(c->st, pid, cell, t, did), did, pid, 0, cell, t));
}

static int row_sample(struct ctx *c, enum fk_put *did)
{
    char tube[TEXT_MAX], site[TEXT_MAX];
    struct fk_sample_row s;
    int ok, rc;

    ok = text(c, 0, tube, 64, 1);
    ok &= person_col(c, 1, &s.person);
    ok &= time_col(c, 2, &s.time, 1);
    ok &= text(c, 3, site, sizeof site, 0);
    s.shipped = 0;
    ok &= time_col(c, 4, &s.shipped, 0);
    if (!ok)
        return 0;
    s.tube = tube;
    s.site = site;
    if (c->gather)
        return gather(c, 0, 0, NULL, 0, &s);
    rc = fk_store_add_sample(c->st, &s, did);
    if (rc == FK_OK && *did != FK_PUT_SAME && c->o && c->o->sampled)
        c->o->sampled(c->o->sampled_ud, &s, *did);
    return put_rc(rc);
}

static int parse_result(fk_slice s, int *out)
{
    static const struct {
        const char *word;
        int result;
    } words[] = {
        {"negative", FK_RESULT_NEGATIVE}, {"neg", FK_RESULT_NEGATIVE},
        {"阴性", FK_RESULT_NEGATIVE},     {"positive", FK_RESULT_POSITIVE},
        {"pos", FK_RESULT_POSITIVE},      {"阳性", FK_RESULT_POSITIVE},
        {"invalid", FK_RESULT_INVALID},   {"无效", FK_RESULT_INVALID},
    };
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (fk_slice_eqi(s, words[i].word)) {
            *out = words[i].result;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

/* ---- control: orders, arrivals, risk areas, door events, and the alerts rows raise ---- */

struct covering {
    int64_t t;
    int found, place;
};

static int find_covering(void *ud, const struct fk_control_row *k)
{
    struct covering *cv = ud;

    if (k->start <= cv->t && (k->end == 0 || k->end >= cv->t)) {
        cv->found = 1;
        cv->place = k->place; /* by start order: the latest order covering t wins */
    }
    return 0;
}

/* Whether person pid is under control at t: 0 no, 1 under home control, 2 under another. */
static int control_at(struct ctx *c, int64_t pid, int64_t t, int *how)
{
    struct covering cv = {t, 0, 0};
    int rc = fk_store_each_control(c->st, pid, find_covering, &cv);

    *how = !cv.found ? 0 : cv.place == FK_PLACE_HOME ? 1 : 2;
    return rc;
}

static int alert(struct ctx *c, int kind, int64_t pid, int64_t t, const char *device,
                 const char *detail)
{
    struct fk_alert_row a;
    enum fk_put did;
    int rc;

    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.person = pid;
    a.time = t;
    a.device = device;
    a.detail = detail;
    a.raised = (int64_t)time(NULL);
    rc = fk_store_add_alert(c->st, &a, &did);
    if (rc == FK_OK && did == FK_PUT_NEW)
        c->sum->alerts++;
    return rc;
}

struct positive {
    struct ctx *c;
    int64_t t;
    const char *tube;
    int rc;
};

static int positive_member(void *ud, const struct fk_sample_row *m)
{
    struct positive *ps = ud;
    char detail[128];
    int how;

    ps->rc = control_at(ps->c, m->person, ps->t, &how);
    if (ps->rc == FK_OK && how) {
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_POSITIVE, ps->tube);
        ps->rc = alert(ps->c, FK_ALERT_POSITIVE, m->person, ps->t, "", detail);
    }
    return ps->rc;
}

/* A positive result: every member of the tube under control at the result time raises an alert. */
static int raise_positive(struct ctx *c, const char *tube, int64_t t)
{
    struct positive ps = {c, t, tube, FK_OK};
    int rc = fk_store_each_tube_member(c->st, tube, positive_member, &ps);

    return rc != FK_OK ? rc : ps.rc;
}

static int row_control(struct ctx *c, enum fk_put *did)
{
    char regime[FK_NAME_MAX + 8], site[TEXT_MAX], device[TEXT_MAX];
    struct fk_control_row k;
    enum fk_ctl_category cat = FK_CTL_OTHER;
    enum fk_ctl_place place = FK_PLACE_HOME;
    fk_slice cs = field(c, 1), ps = field(c, 2);
    int64_t id, owner;
    int ok, rc;

    ok = person_col(c, 0, &k.person);
    if (fk_ctl_category_parse(cs, &cat) != FK_OK) {
        whys(c, FK_MSG_ROW_CATEGORY, cs);
        ok = 0;
    }
    if (fk_ctl_place_parse(ps, &place) != FK_OK) {
        whys(c, FK_MSG_ROW_PLACE, ps);
        ok = 0;
    }
    ok &= time_col(c, 3, &k.start, 1);
    ok &= time_col(c, 4, &k.end, 0);
    if (text(c, 5, regime, sizeof regime, 0)) {
        if (regime[0] && !fk_regime_find(c->prof, regime)) {
            whym(c, FK_MSG_ROW_REGIME, regime);
            ok = 0;
        }
    } else {
        ok = 0;
    }
    ok &= text(c, 6, site, sizeof site, 0);
    ok &= text(c, 7, device, 64, 0);
    if (ok && k.end && k.end < k.start) {
        whym(c, FK_MSG_ROW_END_BEFORE_START);
        ok = 0;
    }
    if (ok && device[0]) {
        rc = fk_store_find_device(c->st, device, &owner);
        if (rc != FK_OK && rc != FK_ENOENT)
            return rc;
        if (rc == FK_OK && owner != k.person) {
            whym(c, FK_MSG_ROW_SENSOR_TAKEN, device);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    k.category = (int)cat;
    k.place = (int)place;
    k.regime = regime[0] ? regime : NULL;
    k.site = c->idx[6] >= 0 ? site : NULL;
    k.device = device[0] ? device : NULL;
    k.extended = -1;
    return put_rc(fk_store_put_control(c->st, &k, &id, did));
}

static int row_arrival(struct ctx *c, enum fk_put *did)
{
    char origin[TEXT_MAX], grid[FK_REGION_CODE_MAX + 8] = "", transport[TEXT_MAX],
        name[TEXT_MAX], phone[64], id[64], idwhy[200];
    struct fk_arrival_row a;
    fk_slice is = field(c, 0);
    int64_t k = -1;
    int ok = 1, known, rc, added;

    fk_id_normalize(is.p, is.n, id, sizeof id);
    known = is.n && person_known(c, id, &k);
    ok &= time_col(c, 1, &a.arrived, 1);
    ok &= text(c, 2, origin, sizeof origin, 1);
    if (field(c, 3).n && grid_col(c, 3, grid, sizeof grid)) {
        char what[TEXT_MAX + 16];

        snprintf(what, sizeof what, "resident %s", id);
        ok &= named_grid_allowed(c, what, grid);
    } else if (field(c, 3).n) {
        ok = 0;
    }
    ok &= text(c, 4, transport, sizeof transport, 0);
    ok &= text(c, 5, name, sizeof name, 0);
    ok &= text(c, 6, phone, sizeof phone, 0);
    if (known && !person_allowed(c, k)) {
        /* Outside the scope: a row without name and grid hears what it would of an unknown
         * person; one with them, which would register an unknown person, cannot. */
        if (!grid[0] || !name[0])
            whym(c, FK_MSG_ROW_ARRIVAL_UNKNOWN, id);
        else
            whym(c, FK_MSG_ROW_RESIDENT_OUTSIDE, id, c->scope_label);
        ok = 0;
    } else if (known) {
        ok &= person_col(c, 0, &a.person);
    } else if (is.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "id_number");
        ok = 0;
    } else if (fk_id_check_at(id, strlen(id), FK_ID_RESIDENT, c->now, idwhy, sizeof idwhy) !=
               FK_OK) {
        whym(c, FK_MSG_ROW_ID, id, idwhy);
        ok = 0;
    } else if (!grid[0] || !name[0]) {
        whym(c, FK_MSG_ROW_ARRIVAL_UNKNOWN, id);
        ok = 0;
    }
    if (!ok)
        return 0;
    if (!known) {
        struct fk_person_row p = {0, id, name, phone, grid, NULL, NULL, FK_ID_RESIDENT, NULL};
        enum fk_put pdid;

        rc = fk_store_put_person(c->st, &p, &a.person, &pdid);
        if (rc != FK_OK)
            return rc;
        k = fk_strmap_intern(c->persons, id, strlen(id), &added);
        if (k < 0)
            return FK_ENOMEM;
        fk_strmap_set_value(c->persons, k, a.person);
        rc = set_pgrid(c, a.person, grid);
        if (rc != FK_OK)
            return rc;
    }
    a.origin = origin;
    a.grid = grid;
    a.transport = transport;
    return put_rc(fk_store_put_arrival(c->st, &a, did));
}

static int row_risk_area(struct ctx *c, enum fk_put *did)
{
    char area[TEXT_MAX], name[TEXT_MAX];
    struct fk_risk_area_row r;
    enum fk_risk_level level = FK_RISK_HIGH;
    fk_slice ls = field(c, 1);
    int ok;

    ok = text(c, 0, area, sizeof area, 1);
    ok &= text(c, 4, name, sizeof name, 0);
    if (fk_risk_level_parse(ls, &level) != FK_OK) {
        whys(c, FK_MSG_ROW_RISK_LEVEL, ls);
        ok = 0;
    }
    ok &= time_col(c, 2, &r.start, 1);
    ok &= time_col(c, 3, &r.end, 0);
    if (ok && r.end && r.end < r.start) {
        whym(c, FK_MSG_ROW_END_BEFORE_START);
        ok = 0;
    }
    if (!ok)
        return 0;
    r.area = area;
    r.level = (int)level;
    r.name = c->idx[4] >= 0 ? name : NULL; /* no name column: a stored name stays */
    return put_rc(fk_store_put_risk_area(c->st, &r, did));
}

/* The alerts a new door event raises: by itself (tamper, an open outside the allowed times) and,
 * when the sensor's previous event was "offline", for the silence in between. */
static int door_alerts(struct ctx *c, const struct fk_door_row *d)
{
    struct fk_door_row prev;
    char detail[128], mins[24];
    int how, kind, rc = control_at(c, d->person, d->time, &how);

    if (rc != FK_OK)
        return rc;
    kind = fk_door_event_alert(c->prof, (enum fk_door_event)d->event, d->time, how);
    if (kind >= 0) {
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_DOOR, fk_door_event_name(d->event),
                      d->device);
        rc = alert(c, kind, d->person, d->time, d->device, detail);
        if (rc != FK_OK)
            return rc;
    }
    rc = fk_store_door_before(c->st, d->device, d->time, &prev);
    if (rc == FK_ENOENT)
        return FK_OK;
    if (rc != FK_OK || prev.event != FK_DOOR_OFFLINE ||
        !fk_door_silent_too_long(c->prof, prev.time, d->time))
        return rc;
    rc = control_at(c, prev.person, prev.time, &how);
    if (rc != FK_OK || !how)
        return rc;
    snprintf(mins, sizeof mins, "%lld", (long long)((d->time - prev.time) / 60));
    fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_OFFLINE, d->device, mins);
    return alert(c, FK_ALERT_DOOR_OFFLINE, prev.person, prev.time, d->device, detail);
}

static int row_door_event(struct ctx *c, enum fk_put *did)
{
    char device[TEXT_MAX];
    struct fk_door_row d;
    enum fk_door_event ev = FK_DOOR_OPEN;
    fk_slice es = field(c, 3);
    int64_t owner;
    int ok, rc;

    ok = text(c, 0, device, 64, 1);
    ok &= person_col(c, 1, &d.person);
    ok &= time_col(c, 2, &d.time, 1);
    if (fk_door_event_parse(es, &ev) != FK_OK) {
        whys(c, FK_MSG_ROW_EVENT, es);
        ok = 0;
    }
    if (device[0]) {
        rc = fk_store_find_device(c->st, device, &owner);
        if (rc == FK_ENOENT) {
            whym(c, FK_MSG_ROW_SENSOR_UNKNOWN, device);
            ok = 0;
        } else if (rc != FK_OK) {
            return rc;
        } else if (ok && owner != d.person) {
            whym(c, FK_MSG_ROW_SENSOR_TAKEN, device);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    d.device = device;
    d.event = (int)ev;
    rc = fk_store_add_door_event(c->st, &d, did);
    if (rc == FK_OK && *did == FK_PUT_NEW)
        rc = door_alerts(c, &d);
    return put_rc(rc);
}

static int row_result(struct ctx *c, enum fk_put *did)
{
    char tube[TEXT_MAX], lab[TEXT_MAX];
    struct fk_result_row r;
    fk_slice rs = field(c, 1);
    int rc, ok, have_tube;

    ok = have_tube = text(c, 0, tube, 64, 1);
    if (parse_result(rs, &r.result) != FK_OK) {
        whys(c, FK_MSG_ROW_RESULT, rs);
        ok = 0;
    }
    ok &= time_col(c, 2, &r.time, 1);
    ok &= text(c, 3, lab, sizeof lab, 0);
    ok &= time_col(c, 4, &r.received, 0);
    if (have_tube && strcmp(tube, c->last_tube) != 0) {
        rc = fk_store_tube_exists(c->st, tube);
        if (rc == FK_ENOENT) {
            whym(c, FK_MSG_ROW_NO_SAMPLE, tube);
            ok = 0;
        } else if (rc != FK_OK) {
            return rc;
        } else if (tube_allowed(c, tube)) {
            fk_strlcpy(c->last_tube, tube, sizeof c->last_tube);
        } else {
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    r.tube = tube;
    r.lab = lab;
    rc = fk_store_put_result(c->st, &r, did);
    if (rc == FK_OK && r.result == FK_RESULT_POSITIVE &&
        (*did == FK_PUT_NEW || *did == FK_PUT_UPDATED))
        rc = raise_positive(c, tube, r.time);
    return put_rc(rc);
}

static int row_case(struct ctx *c, enum fk_put *did)
{
    struct fk_case_row k;
    fk_slice ks = field(c, 3);
    int ok;

    ok = person_col(c, 0, &k.person);
    ok &= time_col(c, 1, &k.confirmed, 1);
    ok &= time_col(c, 2, &k.onset, 0);
    ok &= time_col(c, 4, &k.isolated, 0);
    k.reported = -1; /* a file without the column keeps the stored time */
    if (c->idx[5] >= 0)
        ok &= time_col(c, 5, &k.reported, 0);
    if (ks.n == 0 || fk_slice_eqi(ks, "confirmed") || fk_slice_eq(ks, "确诊")) {
        k.kind = FK_CASE_CONFIRMED;
    } else if (fk_slice_eqi(ks, "asymptomatic") || fk_slice_eq(ks, "无症状")) {
        k.kind = FK_CASE_ASYMPTOMATIC;
    } else {
        whys(c, FK_MSG_ROW_KIND, ks);
        ok = 0;
    }
    if (ok && k.onset && k.onset > k.confirmed) {
        whym(c, FK_MSG_ROW_ONSET_AFTER);
        ok = 0;
    }
    if (!ok)
        return 0;
    return put_rc(fk_store_put_case(c->st, &k, did));
}

/* Column k as a decimal number (fk_score_number_parse) into *v and its normalised text into norm
 * (cap bytes). An empty optional column gives 1 with norm "" and *v 0. */
static int number_col(struct ctx *c, int k, double *v, char *norm, size_t cap, int required)
{
    fk_slice s = field(c, k);
    const char *name = fk_record_get(c->type)->cols[k].name;
    char val[64];

    *v = 0;
    norm[0] = '\0';
    if (s.n == 0) {
        if (required)
            whym(c, FK_MSG_ROW_EMPTY, name);
        return !required;
    }
    if (fk_score_number_parse(s, v, norm, cap) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(s.n > 40 ? 40 : s.n), s.p);
        whym(c, FK_MSG_ROW_NUMBER, name, val);
        return 0;
    }
    return 1;
}

/* An indicator of the assessment: code, name, category; weight (> 0, default 1), direction
 * (default higher), veto (0 or 1). */
static int row_indicator(struct ctx *c, enum fk_put *did)
{
    char code[TEXT_MAX], name[TEXT_MAX], weight[24], val[64];
    struct fk_record_value v[6];
    fk_slice cs = field(c, 2), ds = field(c, 4), vs = field(c, 5);
    double w = 1;
    int category = 0, lower = 0, veto = 0, ok;

    memset(v, 0, sizeof v);
    ok = text(c, 0, code, sizeof code, 1);
    ok &= text(c, 1, name, sizeof name, 1);
    if (fk_indicator_category_parse(cs, &category) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(cs.n > 40 ? 40 : cs.n), cs.p);
        whym(c, FK_MSG_ROW_IND_CATEGORY, val);
        ok = 0;
    }
    if (!number_col(c, 3, &w, weight, sizeof weight, 0)) {
        ok = 0;
    } else if (weight[0] && !(w > 0)) {
        whym(c, FK_MSG_ROW_WEIGHT, weight);
        ok = 0;
    }
    if (ds.n && fk_score_direction_parse(ds, &lower) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(ds.n > 40 ? 40 : ds.n), ds.p);
        whym(c, FK_MSG_ROW_IND_DIRECTION, val);
        ok = 0;
    }
    if (vs.n == 1 && (vs.p[0] == '0' || vs.p[0] == '1'))
        veto = vs.p[0] == '1';
    else if (vs.n) {
        snprintf(val, sizeof val, "%.*s", (int)(vs.n > 40 ? 40 : vs.n), vs.p);
        whym(c, FK_MSG_ROW_VETO_FLAG, val);
        ok = 0;
    }
    if (!ok)
        return 0;
    v[0].s = code;
    v[1].s = name;
    v[2].i = category;
    v[3].s = weight[0] ? weight : "1";
    v[4].i = lower;
    v[5].i = veto;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_INDICATORS, v, NULL, did, NULL));
}

/* A region's target, actual and bonus for an indicator and a period. The indicator must be
 * known (a veto one needs a target above 0), the region too; actual may be empty only for an
 * indicator fangkong computes. */
static int row_score(struct ctx *c, enum fk_put *did)
{
    char ind[TEXT_MAX], region[TEXT_MAX], period[TEXT_MAX], target[24], actual[24], bonus[24];
    struct fk_record_value v[6];
    double t = 0, a = 0, b = 0;
    int64_t i = -1;
    int ok, known;

    memset(v, 0, sizeof v);
    ok = text(c, 0, ind, sizeof ind, 1);
    ok &= text(c, 1, region, sizeof region, 1);
    ok &= text(c, 2, period, sizeof period, 1);
    known = ok;
    ok &= number_col(c, 3, &t, target, sizeof target, 1);
    ok &= number_col(c, 4, &a, actual, sizeof actual, 0);
    ok &= number_col(c, 5, &b, bonus, sizeof bonus, 0);
    if (known) {
        i = fk_strmap_find(c->indicators, ind, strlen(ind));
        if (i < 0) {
            whym(c, FK_MSG_ROW_UNKNOWN_INDICATOR, ind);
            ok = 0;
        } else if (fk_strmap_value(c->indicators, i) && target[0] && !(t > 0)) {
            whym(c, FK_MSG_ROW_VETO_TARGET, ind);
            ok = 0;
        }
        if (fk_strmap_find(c->regions, region, strlen(region)) < 0) {
            whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, region);
            ok = 0;
        }
        if (!field(c, 4).n && !fk_score_computed(ind)) {
            whym(c, FK_MSG_ROW_NO_ACTUAL, ind);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    v[0].s = ind;
    v[1].s = region;
    v[2].s = period;
    v[3].s = target;
    v[4].s = actual;
    v[5].s = bonus;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_SCORES, v, NULL, did, NULL));
}

/* A vaccination: the person, a dose number 1 to 9, and a time not before the birth date that a
 * resident ID carries (other documents carry none, so theirs is not checked). */
static int row_vaccination(struct ctx *c, enum fk_put *did)
{
    char vaccine[64], site[TEXT_MAX], id[64], when[FK_TIME_RENDER_MAX], born[16];
    struct fk_record_value v[5];
    fk_slice ds = field(c, 1), is = field(c, 0);
    int64_t pid = 0, t = 0, dose = 0;
    int32_t birth;
    int ok;

    ok = person_col(c, 0, &pid);
    if (fk_parse_i64(ds, &dose) != FK_OK || dose < 1 || dose > FK_VAX_DOSE_MAX) {
        char val[48];

        snprintf(val, sizeof val, "%.*s", (int)(ds.n > 40 ? 40 : ds.n), ds.p);
        whym(c, FK_MSG_ROW_BAD_DOSE, val);
        ok = 0;
    }
    ok &= time_col(c, 2, &t, 1);
    ok &= text(c, 3, vaccine, sizeof vaccine, 0);
    ok &= text(c, 4, site, sizeof site, 0);
    fk_id_normalize(is.p, is.n, id, sizeof id);
    birth = fk_vax_birth(id, strlen(id));
    if (t && birth && t < fk_vax_ymd_start(birth)) {
        snprintf(born, sizeof born, "%04d-%02d-%02d", (int)(birth / 10000),
                 (int)(birth / 100 % 100), (int)(birth % 100));
        whym(c, FK_MSG_ROW_BEFORE_BIRTH, "time", fk_time_render(t, when), born);
        ok = 0;
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].i = pid;
    v[1].i = dose;
    v[2].i = t;
    v[3].s = vaccine;
    v[4].s = site;
    return put_record_row(c, v, did);
}

/* A sentinel signal: a known grid inside the scope, a kind, a count of 1 (empty) to
 * FK_SEN_COUNT_MAX, and an optional resident ID that passes its check (a buyer need not be in
 * the registry: the regime lists such a person by ID). */
static int row_sentinel(struct ctx *c, enum fk_put *did)
{
    char source[TEXT_MAX], grid[FK_REGION_CODE_MAX + 8], idn[64] = "", idwhy[200], val[48];
    struct fk_record_value v[6];
    enum fk_sen_kind kind = FK_SEN_OTHER;
    fk_slice ks = field(c, 1), ns = field(c, 4), is = field(c, 5);
    int64_t t, n = 1;
    int ok;

    ok = text(c, 0, source, 64, 1);
    if (fk_sen_kind_parse(ks, &kind) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(ks.n > 40 ? 40 : ks.n), ks.p);
        whym(c, FK_MSG_ROW_SEN_KIND, val);
        ok = 0;
    }
    ok &= time_col(c, 2, &t, 1);
    if (grid_col(c, 3, grid, sizeof grid))
        ok &= named_grid_allowed(c, "sentinel", grid);
    else
        ok = 0;
    if (ns.n && (fk_parse_i64(ns, &n) != FK_OK || n < 1 || n > FK_SEN_COUNT_MAX)) {
        char max[24];

        snprintf(val, sizeof val, "%.*s", (int)(ns.n > 40 ? 40 : ns.n), ns.p);
        snprintf(max, sizeof max, "%d", FK_SEN_COUNT_MAX);
        whym(c, FK_MSG_ROW_SEN_COUNT, val, max);
        ok = 0;
    }
    if (is.n) {
        fk_id_normalize(is.p, is.n, idn, sizeof idn);
        if (fk_id_check_at(idn, strlen(idn), FK_ID_RESIDENT, c->now, idwhy, sizeof idwhy) !=
            FK_OK) {
            whym(c, FK_MSG_ROW_ID, idn, idwhy);
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = source;
    v[1].i = (int64_t)kind;
    v[2].i = t;
    v[3].s = grid;
    v[4].s = idn;
    v[5].i = n;
    return put_record_row(c, v, did);
}

/* ---- cold chain (issue 16) ---- */

/* A coldchain row: a batch's event at a site, the worker or buyer who touched it by ID number
 * (registered or not: a buyer from another city is still traced), and on a result event the
 * result. A result must name a batch the store holds or this file put earlier, so a mistyped
 * batch code does not start a chain of its own. */
static int row_coldchain(struct ctx *c, enum fk_put *did)
{
    char batch[TEXT_MAX], site[TEXT_MAX], product[TEXT_MAX], origin[TEXT_MAX], id[64] = "",
                                                                               idwhy[200];
    enum fk_cold_event ev = FK_COLD_ARRIVE;
    enum fk_cold_result res = FK_COLD_NONE;
    fk_slice es = field(c, 1), is = field(c, 6), rs = field(c, 7);
    struct fk_record_value v[8];
    int64_t t = 0;
    int ok, have_batch, have_ev, added, rc;

    ok = have_batch = text(c, 0, batch, 64, 1);
    have_ev = fk_cold_event_parse(es, &ev) == FK_OK;
    if (!have_ev) {
        char val[48];

        snprintf(val, sizeof val, "%.*s", (int)(es.n > 40 ? 40 : es.n), es.p);
        if (es.n == 0)
            whym(c, FK_MSG_ROW_EMPTY, "event");
        else
            whym(c, FK_MSG_COLD_EVENT, val);
        ok = 0;
    }
    ok &= time_col(c, 2, &t, 1);
    ok &= text(c, 3, site, 64, 1);
    ok &= text(c, 4, product, sizeof product, 0);
    ok &= text(c, 5, origin, sizeof origin, 0);
    if (is.n) {
        fk_id_normalize(is.p, is.n, id, sizeof id);
        if (fk_id_check_at(id, strlen(id), FK_ID_RESIDENT, c->now, idwhy, sizeof idwhy) !=
            FK_OK) {
            whym(c, FK_MSG_ROW_ID, id, idwhy);
            ok = 0;
        }
    }
    if (have_ev && ev == FK_COLD_RESULT) {
        if (rs.n == 0) {
            whym(c, FK_MSG_COLD_RESULT_MISSING);
            ok = 0;
        } else if (fk_cold_result_parse(rs, &res) != FK_OK) {
            char val[48];

            snprintf(val, sizeof val, "%.*s", (int)(rs.n > 40 ? 40 : rs.n), rs.p);
            whym(c, FK_MSG_COLD_RESULT, val);
            ok = 0;
        }
    } else if (have_ev && rs.n) {
        whym(c, FK_MSG_COLD_RESULT_NOT_RESULT, fk_cold_event_name(ev));
        ok = 0;
    }
    if (!c->cold_batches && !(c->cold_batches = fk_strmap_new()))
        return FK_ENOMEM;
    if (have_batch && have_ev && ev == FK_COLD_RESULT &&
        fk_strmap_find(c->cold_batches, batch, strlen(batch)) < 0) {
        rc = fk_store_coldchain_batch_known(c->st, batch);
        if (rc == FK_ENOENT) {
            whym(c, FK_MSG_COLD_NO_BATCH, batch);
            ok = 0;
        } else if (rc != FK_OK) {
            return rc;
        }
    }
    if (!ok)
        return 0;
    if (fk_strmap_intern(c->cold_batches, batch, strlen(batch), &added) < 0)
        return FK_ENOMEM;
    memset(v, 0, sizeof v);
    v[0].s = batch;
    v[1].i = (int64_t)ev;
    v[2].i = t;
    v[3].s = site;
    v[4].s = id;
    v[5].s = c->idx[4] >= 0 ? product : NULL; /* no such column: a stored value stays */
    v[6].s = c->idx[5] >= 0 ? origin : NULL;
    v[7].i = (int64_t)res;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_COLDCHAIN, v, NULL, did, NULL));
}

/* ---- 包保 (issue 17, t17-assign) ---- */

/* An assignment: a cadre (name and phone) with a role. A leader (四级包保) leads the row's region,
 * a known county, township, community or grid inside the scope, and names no person; a 五包一
 * role of the profile's [assign] roles looks after the person id_number (known, inside the
 * scope), the region then being the cadre's own unit (known; anywhere). */
static int row_assignment(struct ctx *c, enum fk_put *did)
{
    char cadre[TEXT_MAX], phone[64], role[FK_NAME_MAX], region[FK_REGION_CODE_MAX + 8], val[48],
        roles[FK_ASSIGN_ROLES_MAX * (FK_NAME_MAX + 4) + 16];
    fk_slice rs = field(c, 2), is = field(c, 4);
    struct fk_record_value v[6];
    int64_t pid = 0, ri = -1;
    int ok, have_region, index = -2;

    ok = text(c, 0, cadre, sizeof cadre, 1);
    if (text(c, 1, phone, sizeof phone, 1)) {
        if (!fk_cadre_phone_ok((fk_slice){phone, strlen(phone)})) {
            whym(c, FK_MSG_ROW_ASSIGN_PHONE, phone);
            ok = 0;
        }
    } else {
        ok = 0;
    }
    if (rs.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "role");
        ok = 0;
    } else if (fk_cadre_role_parse(c->prof, rs, role, sizeof role, &index) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(rs.n > 40 ? 40 : rs.n), rs.p);
        whym(c, FK_MSG_ROW_ASSIGN_ROLE, val, fk_cadre_roles_text(c->prof, roles, sizeof roles));
        ok = 0;
    }
    have_region = text(c, 3, region, sizeof region, 1);
    if (have_region) {
        ri = fk_strmap_find(c->regions, region, strlen(region));
        if (ri < 0) {
            whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, region);
            have_region = 0;
        }
    }
    ok &= have_region;
    if (index == FK_CADRE_ROLE_LEADER) {
        if (is.n) {
            whym(c, FK_MSG_ROW_ASSIGN_LEADER_PERSON);
            ok = 0;
        }
        if (have_region) {
            enum fk_level lv = (enum fk_level)fk_strmap_value(c->regions, ri);

            if (!fk_cadre_leader_level_ok(lv)) {
                whym(c, FK_MSG_ROW_ASSIGN_LEVEL, region, fk_level_name(lv));
                ok = 0;
            } else if (!grid_allowed(c, region)) {
                whym(c, FK_MSG_ROW_REGION_OUTSIDE, region, c->scope_label);
                ok = 0;
            }
        }
    } else if (index >= 0) {
        if (!is.n) {
            whym(c, FK_MSG_ROW_ASSIGN_NEEDS_PERSON, role);
            ok = 0;
        } else {
            ok &= person_col(c, 4, &pid);
        }
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = role;
    v[1].i = index == FK_CADRE_ROLE_LEADER ? 0 : pid;
    v[2].s = index == FK_CADRE_ROLE_LEADER ? region : "";
    v[3].s = cadre;
    v[4].s = phone;
    v[5].s = region;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_ASSIGNMENTS, v, NULL, did, NULL));
}

/* ---- duty and zero reports (issue 17, 值班与零报告) ---- */

/* Column k as a date YYYY-MM-DD: its text into out (11 bytes or more) and its day into *day; 1,
 * or 0 after saying why. */
static int date_col(struct ctx *c, int k, char *out, size_t cap, int32_t *day)
{
    fk_slice s = field(c, k);
    char val[48];

    if (!text(c, k, out, cap, 1))
        return 0;
    if (fk_report_date_parse(s, day) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(s.n > 40 ? 40 : s.n), s.p);
        whym(c, FK_MSG_ROW_BAD_DATE, fk_record_get(c->type)->cols[k].name, val);
        return 0;
    }
    return 1;
}

/* Column k names a known region: 1 (its level into *level), or 0 after saying why. */
static int region_col(struct ctx *c, int k, char *out, size_t cap, int *level)
{
    int64_t i;

    if (!text(c, k, out, cap, 1))
        return 0;
    i = fk_strmap_find(c->regions, out, strlen(out));
    if (i < 0) {
        whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, out);
        return 0;
    }
    *level = (int)fk_strmap_value(c->regions, i);
    return 1;
}

/* A reporting unit: code, name, a known region of any level, a kind (empty: other), a contact. */
static int row_unit(struct ctx *c, enum fk_put *did)
{
    char code[TEXT_MAX], name[TEXT_MAX], region[TEXT_MAX], contact[TEXT_MAX], val[48];
    struct fk_record_value v[5];
    fk_slice ks = field(c, 3);
    int kind = FK_UNIT_OTHER, level, ok;

    ok = text(c, 0, code, 64, 1);
    ok &= text(c, 1, name, sizeof name, 1);
    ok &= region_col(c, 2, region, sizeof region, &level);
    if (fk_unit_kind_parse(ks, &kind) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(ks.n > 40 ? 40 : ks.n), ks.p);
        whym(c, FK_MSG_ROW_UNIT_KIND, val);
        ok = 0;
    }
    ok &= text(c, 4, contact, sizeof contact, 0);
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = code;
    v[1].s = name;
    v[2].s = region;
    v[3].i = kind;
    v[4].s = contact;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_UNITS, v, NULL, did, NULL));
}

/* A unit's report of a day: a known unit, a date, a kind; a count of 0 or more (empty: 0, a zero
 * report), a note, and a submitted time not before the date's start. */
static int row_report(struct ctx *c, enum fk_put *did)
{
    char unit[TEXT_MAX], date[16], kind[TEXT_MAX], note[TEXT_MAX], val[48],
        when[FK_TIME_RENDER_MAX];
    struct fk_record_value v[6];
    fk_slice ns = field(c, 3);
    int64_t n = 0, sub = 0;
    int32_t day = 0;
    int ok, have_date;

    ok = text(c, 0, unit, 64, 1);
    if (ok && fk_strmap_find(c->units, unit, strlen(unit)) < 0) {
        whym(c, FK_MSG_ROW_UNKNOWN_UNIT, unit);
        ok = 0;
    }
    have_date = date_col(c, 1, date, sizeof date, &day);
    ok &= have_date;
    ok &= text(c, 2, kind, 64, 1);
    if (ns.n && (fk_parse_i64(ns, &n) != FK_OK || n < 0)) {
        snprintf(val, sizeof val, "%.*s", (int)(ns.n > 40 ? 40 : ns.n), ns.p);
        whym(c, FK_MSG_ROW_BAD_COUNT, val);
        ok = 0;
    }
    ok &= text(c, 4, note, sizeof note, 0);
    if (!time_col(c, 5, &sub, 0)) {
        ok = 0;
    } else if (have_date && sub && sub < fk_report_day_start(day)) {
        whym(c, FK_MSG_ROW_SUBMITTED_BEFORE, fk_time_render(sub, when), date);
        ok = 0;
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = unit;
    v[1].s = date;
    v[2].s = kind;
    v[3].i = n;
    v[4].s = note;
    v[5].i = sub;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_REPORTS, v, NULL, did, NULL));
}

/* One person on duty at a headquarters (a city, county or township region) on a date. */
static int row_duty(struct ctx *c, enum fk_put *did)
{
    char date[16], region[TEXT_MAX], person[TEXT_MAX], phone[64], role[TEXT_MAX];
    struct fk_record_value v[5];
    int32_t day;
    int ok, level = 0, have_region;

    ok = date_col(c, 0, date, sizeof date, &day);
    have_region = region_col(c, 1, region, sizeof region, &level);
    ok &= have_region;
    if (have_region && level != FK_LEVEL_CITY && level != FK_LEVEL_COUNTY &&
        level != FK_LEVEL_TOWNSHIP) {
        whym(c, FK_MSG_ROW_DUTY_LEVEL, region, fk_level_name((enum fk_level)level));
        ok = 0;
    }
    ok &= text(c, 2, person, 64, 1);
    ok &= phone_col(c, 3, phone, sizeof phone);
    ok &= text(c, 4, role, 64, 0);
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = date;
    v[1].s = region;
    v[2].s = person;
    v[3].s = phone;
    v[4].s = role;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_DUTY, v, NULL, did, NULL));
}

/* ---- supervision problems (issue 17, t17-prob) ---- */

/* Column k, a region code of any level: known, and inside the scope; what names the row's kind
 * in the reason. */
static int any_region_col(struct ctx *c, int k, const char *what, char *out, size_t cap)
{
    if (!text(c, k, out, cap, 1))
        return 0;
    if (fk_strmap_find(c->regions, out, strlen(out)) < 0) {
        whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, out);
        return 0;
    }
    return named_grid_allowed(c, what, out);
}

/* An inspection: its code, date, inspector and the region inspected. */
static int row_inspection(struct ctx *c, enum fk_put *did)
{
    char id[64], inspector[TEXT_MAX], region[TEXT_MAX];
    struct fk_record_value v[4];
    int64_t t;
    int ok;

    ok = text(c, 0, id, sizeof id, 1);
    ok &= time_col(c, 1, &t, 1);
    ok &= text(c, 2, inspector, sizeof inspector, 1);
    ok &= any_region_col(c, 3, "inspection", region, sizeof region);
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = id;
    v[1].i = t;
    v[2].s = inspector;
    v[3].s = region;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_INSPECTIONS, v, NULL, did, NULL));
}

/* A supervision problem: a known region inside the scope, a deadline not before it was found (a
 * date alone: the end of that day), a status (empty: open); a closed one has its closed time,
 * not before found, and a note; only a closed one has a closed time; the inspection, when named,
 * was imported before. */
static int row_problem(struct ctx *c, enum fk_put *did)
{
    char id[64], region[TEXT_MAX], desc[1001], unit[TEXT_MAX], insp[64] = "", note[1001], val[48];
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    struct fk_record_value v[10];
    enum fk_problem_status st = FK_PROBLEM_OPEN;
    fk_slice ss = field(c, 6), ds = field(c, 5);
    int64_t found = 0, deadline = 0, closed = 0;
    int ok, times;

    ok = text(c, 0, id, sizeof id, 1);
    times = time_col(c, 1, &found, 1);
    ok &= any_region_col(c, 2, "problem", region, sizeof region);
    ok &= text(c, 3, desc, sizeof desc, 1);
    ok &= text(c, 4, unit, sizeof unit, 0);
    times &= time_col(c, 5, &deadline, 0);
    if (deadline && fk_slice_trim(ds).n == 10)
        deadline += DAY - 1;
    if (ss.n && fk_problem_status_parse(ss, &st) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(ss.n > 40 ? 40 : ss.n), ss.p);
        whym(c, FK_MSG_PROBLEM_STATUS, val);
        ok = 0;
    }
    times &= time_col(c, 7, &closed, 0);
    ok &= text(c, 8, insp, sizeof insp, 0);
    ok &= text(c, 9, note, sizeof note, 0);
    ok &= times;
    if (times && deadline && deadline < found) {
        whym(c, FK_MSG_PROBLEM_DEADLINE, fk_time_render(deadline, a), fk_time_render(found, b));
        ok = 0;
    }
    if (times && closed && closed < found) {
        whym(c, FK_MSG_PROBLEM_CLOSED_EARLY, fk_time_render(closed, a), fk_time_render(found, b));
        ok = 0;
    }
    if (st == FK_PROBLEM_CLOSED) {
        if (field(c, 7).n == 0) {
            whym(c, FK_MSG_PROBLEM_NO_CLOSED);
            ok = 0;
        }
        if (fk_slice_trim(field(c, 9)).n == 0) {
            whym(c, FK_MSG_PROBLEM_NO_NOTE);
            ok = 0;
        }
    } else if (field(c, 7).n) {
        whym(c, FK_MSG_PROBLEM_CLOSED_NOT, fk_problem_status_name(st));
        ok = 0;
    }
    if (insp[0] && fk_strmap_find(c->inspections, insp, strlen(insp)) < 0) {
        whym(c, FK_MSG_PROBLEM_NO_INSPECTION, insp);
        ok = 0;
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = id;
    v[1].i = found;
    v[2].s = region;
    v[3].s = desc;
    v[4].s = unit;
    v[5].i = deadline;
    v[6].i = (int64_t)st;
    v[7].i = closed;
    v[8].s = insp;
    v[9].s = note;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_PROBLEMS, v, NULL, did, NULL));
}

/* A response event (issue 17): a case (a person in the cases file), onsite or activated, and a
 * time not before the case's start (its reported time when given, else its confirmation). */
static int row_incident_event(struct ctx *c, enum fk_put *did)
{
    char note[TEXT_MAX], when[FK_TIME_RENDER_MAX], start[FK_TIME_RENDER_MAX];
    struct fk_record_value v[4];
    struct fk_case_row k;
    fk_slice es = field(c, 1);
    int64_t pid = 0, t = 0;
    int ev = 0, known, ok, rc;

    ok = known = person_col(c, 0, &pid);
    if (fk_inc_event_parse(es, &ev) != FK_OK) {
        whys(c, FK_MSG_INC_EVENT, es);
        ok = 0;
    }
    ok &= time_col(c, 2, &t, 1);
    ok &= text(c, 3, note, sizeof note, 0);
    if (known) {
        rc = fk_store_get_case(c->st, pid, &k);
        if (rc == FK_ENOENT) {
            char id[64];

            fk_slice_copy(id, sizeof id, field(c, 0));
            whym(c, FK_MSG_INC_NOT_CASE, id);
            ok = 0;
        } else if (rc != FK_OK) {
            return rc;
        } else if (t && t < fk_inc_start(k.confirmed, k.reported)) {
            whym(c, FK_MSG_INC_BEFORE_START, fk_time_render(t, when),
                 fk_time_render(fk_inc_start(k.confirmed, k.reported), start));
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].i = pid;
    v[1].i = ev;
    v[2].i = t;
    v[3].s = note;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_INCIDENT_EVENTS, v, NULL, did, NULL));
}

/* A risk zone (issue 18): a name, a level (封控区 管控区 防范区 too), its regions (';'-separated,
 * each known and below the city: a zone over an unknown region is refused naming the code), when
 * declared and lifted (not before declared). The zones type is for headquarters only, so no
 * region needs a scope check here. */
static int row_zone(struct ctx *c, enum fk_put *did)
{
    char name[64], reason[TEXT_MAX], regions[1001], codes[FK_ZONE_REGIONS_MAX][FK_ZONE_CODE_MAX];
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    struct fk_record_value v[6];
    fk_slice ls = field(c, 1);
    int64_t declared = 0, lifted = 0;
    size_t n = 0, i, len = 0;
    int ok, times, level = 0, rc;

    ok = text(c, 0, name, sizeof name, 1);
    if (fk_zone_level_parse(ls, &level) != FK_OK) {
        whys(c, FK_MSG_ZONE_LEVEL, ls);
        ok = 0;
    }
    ok &= text(c, 2, regions, sizeof regions, 1);
    rc = fk_zone_regions_split((fk_slice){regions, strlen(regions)}, codes, FK_ZONE_REGIONS_MAX, &n);
    if (rc == FK_EINVAL) {
        whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, codes[n]);
        ok = 0;
    } else if (rc != FK_OK) {
        why(c, "more than %d regions", FK_ZONE_REGIONS_MAX);
        ok = 0;
    } else if (n == 0 && regions[0]) {
        whym(c, FK_MSG_ZONE_NO_REGIONS);
        ok = 0;
    }
    for (i = 0; rc == FK_OK && i < n; i++) {
        int64_t k = fk_strmap_find(c->regions, codes[i], strlen(codes[i]));
        enum fk_level lv;

        if (k < 0) {
            whym(c, FK_MSG_ERR_UNKNOWN_REGION_FIRST, codes[i]);
            ok = 0;
            continue;
        }
        lv = (enum fk_level)fk_strmap_value(c->regions, k);
        if (lv <= FK_LEVEL_CITY) {
            whym(c, FK_MSG_ZONE_REGION_LEVEL, codes[i], fk_level_name(lv));
            ok = 0;
        }
    }
    times = time_col(c, 3, &declared, 1);
    times &= time_col(c, 4, &lifted, 0);
    ok &= text(c, 5, reason, sizeof reason, 0);
    ok &= times;
    if (times && lifted && lifted < declared) {
        whym(c, FK_MSG_ZONE_LIFTED_EARLY, fk_time_render(lifted, a), fk_time_render(declared, b));
        ok = 0;
    }
    if (!ok)
        return 0;
    /* Kept as the codes joined by ';', whatever separated them in the file. */
    for (i = 0; i < n; i++) {
        size_t k = strlen(codes[i]);

        if (i)
            regions[len++] = ';';
        memcpy(regions + len, codes[i], k);
        len += k;
    }
    regions[len] = '\0';
    memset(v, 0, sizeof v);
    v[0].s = name;
    v[1].i = level;
    v[2].s = regions;
    v[3].i = declared;
    v[4].i = lifted;
    v[5].s = reason;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_ZONES, v, NULL, did, NULL));
}

/* The stored event times of one transfer (issue 18), for a file that leaves a column out. */
static int stored_times(void *ud, const struct fk_record_value *v, size_t n)
{
    int64_t *t = ud;

    if (n < FK_TRANSFER_NVALUES)
        return FK_OK;
    t[0] = v[FK_TRANSFER_V_PICKED_UP].i;
    t[1] = v[FK_TRANSFER_V_HANDED_OVER].i;
    return FK_OK;
}

/* A person of a closed-loop transfer task (issue 18): the kinds, the places, the vehicle and the
 * escort, the planned time, and the chain's events. A column the file leaves out keeps the stored
 * time, so the events are checked with it: a hand-over needs a pick-up at or before it. */
static int row_transfer(struct ctx *c, enum fk_put *did)
{
    char task[64], from[TEXT_MAX], to[TEXT_MAX], vehicle[64], escort[TEXT_MAX];
    char a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    struct fk_record_value v[11];
    fk_slice fs = field(c, 2), ts = field(c, 4);
    int64_t pid = 0, planned = 0, t[2] = {0, 0}, stored[2] = {0, 0};
    int fk = 0, tk = 0, ok, known, times, has[2], rc;

    ok = text(c, 0, task, sizeof task, 1);
    known = person_col(c, 1, &pid);
    if (fk_transfer_from_parse(fs, &fk) != FK_OK) {
        whys(c, FK_MSG_TRANSFER_FROM_KIND, fs);
        ok = 0;
    }
    ok &= text(c, 3, from, sizeof from, 1);
    if (fk_transfer_to_parse(ts, &tk) != FK_OK) {
        whys(c, FK_MSG_TRANSFER_TO_KIND, ts);
        ok = 0;
    }
    ok &= text(c, 5, to, sizeof to, 1);
    ok &= text(c, 6, vehicle, sizeof vehicle, 1);
    ok &= text(c, 7, escort, sizeof escort, 1);
    times = time_col(c, 8, &planned, 1);
    has[0] = c->idx[9] >= 0;
    has[1] = c->idx[10] >= 0;
    if (has[0])
        times &= time_col(c, 9, &t[0], 0);
    if (has[1])
        times &= time_col(c, 10, &t[1], 0);
    if (times && ok && known && (!has[0] || !has[1])) {
        rc = fk_store_each_transfer(c->st, task, pid, stored_times, stored);
        if (rc != FK_OK)
            return rc;
        if (!has[0])
            t[0] = stored[0];
        if (!has[1])
            t[1] = stored[1];
    }
    if (times) {
        switch (fk_transfer_check(t[0], t[1])) {
        case FK_TRANSFER_NO_PICKUP:
            whym(c, FK_MSG_TRANSFER_NO_PICKUP, fk_time_render(t[1], a));
            ok = 0;
            break;
        case FK_TRANSFER_BEFORE_PICKUP:
            whym(c, FK_MSG_TRANSFER_BEFORE_PICKUP, fk_time_render(t[1], a),
                 fk_time_render(t[0], b));
            ok = 0;
            break;
        default: break;
        }
    }
    if (!ok || !known || !times)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = task;
    v[1].i = pid;
    v[2].i = fk;
    v[3].s = from;
    v[4].i = tk;
    v[5].s = to;
    v[6].s = vehicle;
    v[7].s = escort;
    v[8].i = planned;
    v[9].i = t[0];
    v[9].absent = !has[0];
    v[10].i = t[1];
    v[10].absent = !has[1];
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_TRANSFERS, v, NULL, did, NULL));
}

/* issue 18, daily health check-ins: whether an order at a place that asks for check-ins
 * (fk_checkin_place_counts) covers the time (fk_checkin_covers). */
struct ck_cover {
    int64_t t;
    int found;
};

static int ck_covering(void *ud, const struct fk_control_row *k)
{
    struct ck_cover *cv = ud;

    if (fk_checkin_place_counts(k->place) && fk_checkin_covers(cv->t, k->start, k->end))
        cv->found = 1;
    return 0;
}

/* A check-in: a known person under home or centralized control at its time, a temperature of
 * 34.0 to 43.0 °C with at most one decimal, known symptom codes. A new (or changed) check-in at
 * or above the profile's fever raises a fever alert in the same batch. */
static int row_checkin(struct ctx *c, enum fk_put *did)
{
    char sym[TEXT_MAX], bad[48], when[FK_TIME_RENDER_MAX], tt[FK_CHECKIN_TEMP_TEXT];
    char detail[160];
    struct fk_record_value v[4];
    struct ck_cover cv = {0, 0};
    fk_slice ts = field(c, 2);
    int64_t pid = 0, t = 0;
    int temp = 0, ok, known, timed, rc;

    known = person_col(c, 0, &pid);
    timed = time_col(c, 1, &t, 1);
    ok = known && timed;
    if (ts.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "temperature");
        ok = 0;
    } else if (fk_checkin_temp_parse(ts, &temp) != FK_OK) {
        whys(c, FK_MSG_CHECKIN_TEMP, ts);
        ok = 0;
    } else if (!fk_checkin_temp_ok(temp)) {
        whym(c, FK_MSG_CHECKIN_RANGE, fk_checkin_temp_render(temp, tt));
        ok = 0;
    }
    if (text(c, 3, sym, sizeof sym, 0)) {
        if (fk_checkin_symptoms_check((fk_slice){sym, strlen(sym)}, bad, sizeof bad) != FK_OK) {
            whym(c, FK_MSG_CHECKIN_SYMPTOM, bad);
            ok = 0;
        }
    } else {
        ok = 0;
    }
    if (known && timed) {
        cv.t = t;
        rc = fk_store_each_control(c->st, pid, ck_covering, &cv);
        if (rc != FK_OK)
            return rc;
        if (!cv.found) {
            char id[64];

            fk_slice_copy(id, sizeof id, field(c, 0));
            whym(c, FK_MSG_CHECKIN_NOT_CONTROLLED, id, fk_time_render(t, when));
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].i = pid;
    v[1].i = t;
    v[2].i = temp;
    v[3].s = sym;
    rc = fk_store_put_record(c->st, FK_IMPORT_CHECKINS, v, NULL, did, NULL);
    if (rc == FK_OK && *did != FK_PUT_SAME && fk_checkin_is_fever(c->prof, temp)) {
        fk_msg_render(detail, sizeof detail, FK_MSG_ALERT_FEVER, fk_checkin_temp_render(temp, tt),
                      fk_time_render(t, when));
        rc = alert(c, FK_ALERT_FEVER, pid, t, "", detail);
    }
    return put_rc(rc);
}

/* A testing lab (issue 21): code, name, a declared capacity of 1 tube an hour or more (a lab
 * that can test nothing would make every plan's lab hours infinite), a known region. */
static int row_lab(struct ctx *c, enum fk_put *did)
{
    char code[TEXT_MAX], name[TEXT_MAX], region[TEXT_MAX], val[48];
    struct fk_record_value v[4];
    fk_slice cs = field(c, 2);
    int64_t cap = 0;
    int level, ok;

    ok = text(c, 0, code, 64, 1);
    ok &= text(c, 1, name, sizeof name, 1);
    if (fk_parse_int(cs, 1, 100000000, &cap) != FK_OK) {
        snprintf(val, sizeof val, "%.*s", (int)(cs.n > 40 ? 40 : cs.n), cs.p);
        whym(c, FK_MSG_LAB_CAPACITY, val);
        ok = 0;
    }
    ok &= region_col(c, 3, region, sizeof region, &level);
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = code;
    v[1].s = name;
    v[2].i = cap;
    v[3].s = region;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_LABS, v, NULL, did, NULL));
}

/* A tube's transport box (issue 21): the box, a tube sampled already (and, for an account with a
 * scope, every member of it inside the scope, as a results row), the box's shipped time. */
static int row_box(struct ctx *c, enum fk_put *did)
{
    char box[TEXT_MAX], tube[TEXT_MAX];
    struct fk_record_value v[3];
    int64_t shipped = 0;
    int rc, ok, have_tube;

    ok = text(c, 0, box, 64, 1);
    ok &= have_tube = text(c, 1, tube, 64, 1);
    ok &= time_col(c, 2, &shipped, 1);
    if (have_tube) {
        rc = fk_store_tube_exists(c->st, tube);
        if (rc == FK_ENOENT) {
            whym(c, FK_MSG_ROW_NO_SAMPLE, tube);
            ok = 0;
        } else if (rc != FK_OK) {
            return rc;
        } else if (!tube_allowed(c, tube)) {
            ok = 0;
        }
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = tube;
    v[1].s = box;
    v[2].i = shipped;
    return put_rc(fk_store_put_record(c->st, FK_IMPORT_BOXES, v, NULL, did, NULL));
}

/* ---- gatherings and citizen requests (issue 21) ---- */

/* The stored row of key (gatherings, requests), or NULL. */
static struct stored_row *stored_of(struct ctx *c, const char *key)
{
    int64_t i = c->stored_keys ? fk_strmap_find(c->stored_keys, key, strlen(key)) : -1;

    return i < 0 ? NULL : &c->stored[fk_strmap_value(c->stored_keys, i)];
}

/* Remembers the row of key as stored now: its region, and a request's unit and times. */
static int remember_stored(struct ctx *c, const char *key, const char *region, const char *unit,
                           int64_t assigned, int64_t resolved)
{
    struct stored_row *r;
    int64_t i, g = -1;
    int added;

    if (!c->stored_keys)
        return FK_OK;
    if (c->grids && (g = grid_index(c, region)) < 0)
        return FK_ENOMEM;
    i = fk_strmap_intern(c->stored_keys, key, strlen(key), &added);
    if (i < 0)
        return FK_ENOMEM;
    if (added) {
        if (fk_vec_grow((void **)&c->stored, &c->capstored, c->nstored + 1, sizeof *c->stored) !=
            FK_OK)
            return FK_ENOMEM;
        fk_strmap_set_value(c->stored_keys, i, (int64_t)c->nstored++);
    }
    r = &c->stored[fk_strmap_value(c->stored_keys, i)];
    r->region = g;
    r->assigned = assigned;
    r->resolved = resolved;
    fk_strlcpy(r->unit, unit ? unit : "", sizeof r->unit);
    return FK_OK;
}

/* A stored gathering (its export row, then the region, then the sign-off) or request (its export
 * row: number, received, channel, phone, region, kind, text, unit, assigned, resolved, note). */
static int load_stored(void *ud, const struct fk_record_value *v, size_t n)
{
    struct ctx *c = ud;

    if (!v[0].s)
        return FK_OK;
    if (c->type == FK_IMPORT_GATHERINGS)
        return n < 10 ? FK_OK : remember_stored(c, v[0].s, v[2].s ? v[2].s : "", NULL, 0, 0);
    return n < 11 ? FK_OK
                  : remember_stored(c, v[0].s, v[4].s ? v[4].s : "", v[7].s, v[8].i, v[9].i);
}

/* An update of a stored row of another region than the actor's scope is refused: what names the
 * row ("request R1"). 1 when allowed (no actor, a new row, or one inside the scope). */
static int stored_allowed(struct ctx *c, const struct stored_row *r, const char *what)
{
    char w[TEXT_MAX + 40];
    const char *g;

    if (!c->actor || !r || r->region < 0)
        return 1;
    g = fk_strmap_key(c->grids, r->region);
    if (grid_allowed(c, g))
        return 1;
    where(c, g, w, sizeof w);
    whym(c, FK_MSG_ROW_OUTSIDE, what, w, c->scope_label);
    return 0;
}

/* A gathering: its code, organiser, a known region inside the scope (of any level), a date, the
 * persons expected (1 to 1000000), a kind, whether an online alternative was considered, a
 * contact and a note. The decision is judged when listed, not here; a sign-off is kept. */
static int row_gathering(struct ctx *c, enum fk_put *did)
{
    char code[64], organiser[TEXT_MAX], region[TEXT_MAX], date[16], contact[TEXT_MAX], note[1001],
        what[80], val[48];
    struct fk_record_value v[13];
    fk_slice es = field(c, 4), ks = field(c, 5), os = field(c, 6);
    int64_t expected = 0;
    int32_t day = 0;
    int kind = 0, online = 0, ok, rc;

    ok = text(c, 0, code, sizeof code, 1);
    ok &= text(c, 1, organiser, sizeof organiser, 1);
    ok &= any_region_col(c, 2, "gathering", region, sizeof region);
    if (!date_col(c, 3, date, sizeof date, &day)) {
        ok = 0;
    } else if (fk_report_day_start(day) > c->now + 366 * DAY) {
        whym(c, FK_MSG_GATHERING_DATE_LATE, date);
        ok = 0;
    }
    if (es.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "expected");
        ok = 0;
    } else if (fk_parse_i64(es, &expected) != FK_OK || expected < 1 || expected > 1000000) {
        snprintf(val, sizeof val, "%.*s", (int)(es.n > 40 ? 40 : es.n), es.p);
        whym(c, FK_MSG_GATHERING_EXPECTED, val);
        ok = 0;
    }
    if (ks.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "kind");
        ok = 0;
    } else if (fk_gathering_kind_parse(ks, &kind) != FK_OK) {
        whys(c, FK_MSG_GATHERING_KIND, ks);
        ok = 0;
    }
    if (fk_gathering_online_parse(os, &online) != FK_OK) {
        whys(c, FK_MSG_GATHERING_ONLINE, os);
        ok = 0;
    }
    ok &= text(c, 7, contact, sizeof contact, 0);
    ok &= text(c, 8, note, sizeof note, 0);
    if (code[0]) {
        snprintf(what, sizeof what, "gathering %s", code);
        ok &= stored_allowed(c, stored_of(c, code), what);
    }
    if (!ok)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = code;
    v[1].s = organiser;
    v[2].s = region;
    v[3].s = date;
    v[4].i = expected;
    v[5].i = kind;
    v[6].i = online;
    v[7].s = contact;
    v[8].s = note;
    v[9].absent = v[10].absent = 1; /* the sign-off: kept; the texts' NULL keeps them too */
    rc = fk_store_put_record(c->st, FK_IMPORT_GATHERINGS, v, NULL, did, NULL);
    if (rc == FK_OK)
        rc = remember_stored(c, code, region, NULL, 0, 0);
    return put_rc(rc);
}

/* A citizen request: its number, when received, a channel, the caller's phone, a known region
 * inside the scope, a kind and the text; the unit it went to, when assigned (not before received;
 * with a unit), when resolved (after an assignment, not before it) and a note. A column the file
 * leaves out keeps the stored value, and the times are checked with it. */
static int row_request(struct ctx *c, enum fk_put *did)
{
    char number[64], phone[32], region[TEXT_MAX], txt[1001], unit[TEXT_MAX], note[1001], what[80],
        a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX];
    struct fk_record_value v[11];
    struct stored_row *sr = NULL;
    fk_slice cs = field(c, 2), ks = field(c, 5);
    int64_t received = 0, t[2] = {0, 0};
    int channel = 0, kind = 0, ok, times, has[4], rc;

    ok = text(c, 0, number, sizeof number, 1);
    times = time_col(c, 1, &received, 1);
    if (cs.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "channel");
        ok = 0;
    } else if (fk_request_channel_parse(cs, &channel) != FK_OK) {
        whys(c, FK_MSG_REQUEST_CHANNEL, cs);
        ok = 0;
    }
    if (field(c, 3).n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "phone");
        ok = 0;
    } else {
        ok &= phone_col(c, 3, phone, sizeof phone);
    }
    ok &= any_region_col(c, 4, "request", region, sizeof region);
    if (ks.n == 0) {
        whym(c, FK_MSG_ROW_EMPTY, "kind");
        ok = 0;
    } else if (fk_request_kind_parse(ks, &kind) != FK_OK) {
        whys(c, FK_MSG_REQUEST_KIND, ks);
        ok = 0;
    }
    ok &= text(c, 6, txt, sizeof txt, 1);
    has[0] = c->idx[7] >= 0;
    has[1] = c->idx[8] >= 0;
    has[2] = c->idx[9] >= 0;
    has[3] = c->idx[10] >= 0;
    unit[0] = note[0] = '\0';
    if (has[0])
        ok &= text(c, 7, unit, sizeof unit, 0);
    if (has[1])
        times &= time_col(c, 8, &t[0], 0);
    if (has[2])
        times &= time_col(c, 9, &t[1], 0);
    if (has[3])
        ok &= text(c, 10, note, sizeof note, 0);
    if (number[0]) {
        sr = stored_of(c, number);
        snprintf(what, sizeof what, "request %s", number);
        ok &= stored_allowed(c, sr, what);
    }
    /* What the file leaves out is as stored. */
    if (sr) {
        if (!has[0])
            fk_strlcpy(unit, sr->unit, sizeof unit);
        if (!has[1])
            t[0] = sr->assigned;
        if (!has[2])
            t[1] = sr->resolved;
    }
    if (times) {
        switch (fk_request_check(received, t[0], t[1])) {
        case FK_REQUEST_ASSIGNED_EARLY:
            whym(c, FK_MSG_REQUEST_ASSIGNED_EARLY, fk_time_render(t[0], a),
                 fk_time_render(received, b));
            ok = 0;
            break;
        case FK_REQUEST_NO_ASSIGNMENT:
            whym(c, FK_MSG_REQUEST_NO_ASSIGNMENT, fk_time_render(t[1], a));
            ok = 0;
            break;
        case FK_REQUEST_RESOLVED_EARLY:
            whym(c, FK_MSG_REQUEST_RESOLVED_EARLY, fk_time_render(t[1], a),
                 fk_time_render(t[0], b));
            ok = 0;
            break;
        default: break;
        }
        if (t[0] && !unit[0]) {
            whym(c, FK_MSG_REQUEST_NO_UNIT, fk_time_render(t[0], a));
            ok = 0;
        } else if (!t[0] && unit[0]) {
            whym(c, FK_MSG_REQUEST_UNIT_ALONE, unit);
            ok = 0;
        }
    }
    if (!ok || !times)
        return 0;
    memset(v, 0, sizeof v);
    v[0].s = number;
    v[1].i = received;
    v[2].i = channel;
    v[3].s = phone;
    v[4].s = region;
    v[5].i = kind;
    v[6].s = txt;
    v[7].s = has[0] ? unit : NULL;
    v[8].i = t[0];
    v[8].absent = !has[1];
    v[9].i = t[1];
    v[9].absent = !has[2];
    v[10].s = has[3] ? note : NULL;
    rc = fk_store_put_record(c->st, FK_IMPORT_REQUESTS, v, NULL, did, NULL);
    if (rc == FK_OK)
        rc = remember_stored(c, number, region, unit, t[0], t[1]);
    return put_rc(rc);
}

typedef int (*row_fn)(struct ctx *c, enum fk_put *did);

static const row_fn row_fns[FK_IMPORT_NTYPES] = {
    row_region,   row_person,    row_venue,       row_scan,       row_ping,      row_sample,
    row_result,   row_case,      row_control,     row_arrival,    row_risk_area, row_door_event,
    row_sentinel, row_coldchain, row_vaccination, row_indicator,  row_score,     row_assignment,
    row_unit,     row_report,    row_duty,        row_inspection, row_problem,   row_incident_event,
    row_zone,     row_transfer,  row_checkin,     row_lab,        row_box,       row_gathering,
    row_request,
};

/* ---- the loop ---- */

/* Counts a rejected row and hands it to the caller's reject callback. */
static void reject(struct ctx *c, uint64_t line, const char *reason, fk_slice raw)
{
    c->sum->rejected++;
    if (c->o && c->o->reject)
        c->o->reject(c->o->reject_ud, line, reason, raw);
}

static void count(struct ctx *c, uint64_t line, enum fk_put did)
{
    struct fk_import_summary *s = c->sum;
    unsigned ch = c->changed;

    c->changed = 0;
    if (c->o && c->o->counted)
        c->o->counted(c->o->counted_ud, line, did);
    switch (did) {
    case FK_PUT_NEW: s->accepted++; break;
    case FK_PUT_UPDATED:
        s->accepted++;
        s->updated++;
        s->changed_name += (ch & FK_PERSON_NAME) != 0;
        s->changed_phone += (ch & FK_PERSON_PHONE) != 0;
        s->changed_grid += (ch & FK_PERSON_GRID) != 0;
        s->changed_household += (ch & FK_PERSON_HOUSEHOLD) != 0;
        s->changed_tags += (ch & FK_PERSON_TAGS) != 0;
        s->changed_id_type += (ch & FK_PERSON_ID_TYPE) != 0;
        s->changed_address += (ch & FK_PERSON_ADDRESS) != 0;
        break;
    default: s->duplicate++; break;
    }
}

/* Opens a batch: a control batch for orders, sentinel signals, cold-chain events, risk zones and
 * check-ins (only the control index holds orders, the tests a buyer or a fever is due and a zone's
 * residents; the server's cold-chain index is read again when the control generation moves), an
 * event batch for what no index holds (door events and the alerts they raise, risk areas,
 * response events, 包保, problems, the assessment's rows, transfers: every answer about them
 * reads the store); units, reports and duty move the data generation, by which the server keeps
 * its reports index. */
static int begin(struct ctx *c)
{
    int rc;

    if (c->type == FK_IMPORT_CONTROLS || c->type == FK_IMPORT_SENTINELS ||
        c->type == FK_IMPORT_COLDCHAIN || c->type == FK_IMPORT_ZONES ||
        c->type == FK_IMPORT_CHECKINS)
        rc = fk_store_begin_control(c->st);
    else if (c->type == FK_IMPORT_RISK_AREAS || c->type == FK_IMPORT_DOOR_EVENTS ||
             c->type == FK_IMPORT_ASSIGNMENTS || c->type == FK_IMPORT_INSPECTIONS ||
             c->type == FK_IMPORT_PROBLEMS || c->type == FK_IMPORT_INCIDENT_EVENTS ||
             c->type == FK_IMPORT_INDICATORS || c->type == FK_IMPORT_SCORES ||
             c->type == FK_IMPORT_TRANSFERS || c->type == FK_IMPORT_LABS ||
             c->type == FK_IMPORT_BOXES || c->type == FK_IMPORT_GATHERINGS ||
             c->type == FK_IMPORT_REQUESTS)
        rc = fk_store_begin_events(c->st);
    else
        rc = fk_store_begin(c->st);
    /* The caller's first-batch writes (an audit row) commit with the first batch, or not at all. */
    if (rc == FK_OK && c->sum->batches == 0 && c->o && c->o->first_batch) {
        rc = c->o->first_batch(c->o->first_batch_ud);
        if (rc != FK_OK)
            fk_store_rollback(c->st);
    }
    return rc;
}

static int commit(struct ctx *c)
{
    int rc;

    if (!c->in_batch)
        return FK_OK;
    rc = flush(c);
    if (rc == FK_OK && c->o && c->o->committing)
        rc = c->o->committing(c->o->committing_ud);
    if (rc != FK_OK)
        return rc;
    rc = fk_store_commit(c->st);
    if (rc != FK_OK)
        return rc;
    c->in_batch = 0;
    c->sum->batches++;
    c->sum->kept_line = c->line;
    if (c->o && c->o->kept)
        *c->o->kept = *c->sum;
    return FK_OK;
}

/* Places waiting regions whose parents arrived, pass after pass; rejects the rest. */
static int settle_regions(struct ctx *c)
{
    size_t i;
    int progress = 1, rc = FK_OK;

    while (progress && rc == FK_OK) {
        progress = 0;
        for (i = 0; i < c->npending && rc == FK_OK; i++) {
            struct pending_region *pr = &c->pending[i];
            struct fk_region_row row;
            enum fk_put did;
            int r;

            if (!pr->code)
                continue;
            c->reason[0] = '\0';
            row = (struct fk_region_row){.code = pr->code,
                                         .name = pr->name,
                                         .parent = pr->parent,
                                         .level = pr->level,
                                         .lon = pr->coords ? pr->lon : NULL,
                                         .lat = pr->coords ? pr->lat : NULL,
                                         .worker = pr->worker,
                                         .worker_phone = pr->worker_phone};
            r = place_region(c, &row, &did);
            if (c->fail)
                r = c->fail;
            if (r == 2)
                continue;
            if (r == 1)
                count(c, pr->line, did);
            else if (r == 0)
                reject(c, pr->line, c->reason, (fk_slice){pr->raw, strlen(pr->raw)});
            else
                rc = r;
            free(pr->code);
            pr->code = NULL;
            progress = 1;
        }
    }
    for (i = 0; i < c->npending && rc == FK_OK; i++) {
        struct pending_region *pr = &c->pending[i];

        if (!pr->code)
            continue;
        c->reason[0] = '\0';
        whym(c, FK_MSG_ROW_UNKNOWN_PARENT, pr->parent);
        reject(c, pr->line, c->reason, (fk_slice){pr->raw, strlen(pr->raw)});
    }
    return rc;
}

static int load_region(void *ud, const struct fk_region_row *r)
{
    return remember_region(ud, r->code, r->level);
}

static int load_person(void *ud, const struct fk_person_row *p)
{
    struct ctx *c = ud;
    int added;
    int64_t i = fk_strmap_intern(c->persons, p->id_number, strlen(p->id_number), &added);

    if (i < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->persons, i, p->id);
    return set_pgrid(c, p->id, p->grid);
}

/* Records that the venue at index k of c->venues lies in grid g (with an actor only). */
static int set_vgrid(struct ctx *c, int64_t k, const char *g)
{
    int64_t i;

    if (!c->grids)
        return FK_OK;
    i = grid_index(c, g);
    if (i < 0 || k < 0)
        return FK_ENOMEM;
    if ((size_t)k >= c->nvgrid) {
        size_t j = c->nvgrid;

        if (fk_vec_grow((void **)&c->vgrid, &c->nvgrid, (size_t)k + 1, sizeof *c->vgrid) != FK_OK)
            return FK_ENOMEM;
        for (; j < c->nvgrid; j++)
            c->vgrid[j] = -1;
    }
    c->vgrid[k] = (int32_t)i;
    return FK_OK;
}

static int load_venue(void *ud, const struct fk_venue_row *v)
{
    struct ctx *c = ud;
    int added;
    int64_t i = fk_strmap_intern(c->venues, v->code, strlen(v->code), &added);

    if (i < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->venues, i, v->id);
    return set_vgrid(c, i, v->grid);
}

/* An indicator of the store (its export row: code, name, category, weight, direction, veto)
 * into c->indicators, code -> veto. */
static int load_indicator(void *ud, const struct fk_record_value *v, size_t n)
{
    struct ctx *c = ud;
    int added;
    int64_t i;

    if (n < 6 || !v[0].s)
        return FK_OK;
    i = fk_strmap_intern(c->indicators, v[0].s, strlen(v[0].s), &added);
    if (i < 0)
        return FK_ENOMEM;
    fk_strmap_set_value(c->indicators, i, v[5].i);
    return FK_OK;
}

/* For a reports import: the store's units, one row of fk_store_each_record, into c->units. */
static int load_unit(void *ud, const struct fk_record_value *v, size_t n)
{
    struct ctx *c = ud;
    int added;

    if (n < 1 || !v[0].s)
        return FK_OK;
    return fk_strmap_intern(c->units, v[0].s, strlen(v[0].s), &added) < 0 ? FK_ENOMEM : FK_OK;
}

/* An inspection of the store (its export row: id, date, inspector, region) into
 * c->inspections. */
static int load_inspection(void *ud, const struct fk_record_value *v, size_t n)
{
    struct ctx *c = ud;
    int added;

    if (n < 1 || !v[0].s)
        return FK_OK;
    return fk_strmap_intern(c->inspections, v[0].s, strlen(v[0].s), &added) < 0 ? FK_ENOMEM
                                                                                  : FK_OK;
}

/* The type's column that field f of the input holds, or NULL: for a reader's reason about a
 * field it could not read. */
const char *fk_import_field_name(const fk_import *imp, size_t f)
{
    const struct ctx *c = &imp->c;
    const char *name = NULL;
    int k;

    for (k = 0; k < MAXCOLS; k++)
        if (fk_record_get(c->type)->cols[k].name && c->idx[k] == (int)f)
            name = fk_record_get(c->type)->cols[k].name;
    return name;
}

int fk_import_id_field(const fk_import *imp)
{
    const struct ctx *c = &imp->c;
    int k;

    if (!c->roster)
        return -1;
    for (k = 0; k < MAXCOLS; k++)
        if (fk_record_get(c->type)->cols[k].name &&
            fk_record_get(c->type)->cols[k].kind == FK_RCOL_ID_NUMBER && c->idx[k] >= 0)
            return c->idx[k];
    return -1;
}

/* Matches the header row (nf names) to the type's columns. */
static int read_header(struct ctx *c, const char *const *header, size_t nf, char *err,
                       size_t errlen)
{
    const struct fk_record_type *sp = fk_record_get(c->type);
    size_t f;
    int k;
    fk_buf have;

    /* A column named twice: which one holds the data would be a guess. */
    for (f = 0; f < nf; f++) {
        fk_slice a = header_name(header, f);
        size_t g;

        for (g = f + 1; a.n && g < nf; g++) {
            fk_slice b = header_name(header, g);

            if (a.n == b.n && strncasecmp(a.p, b.p, a.n) == 0) {
                snprintf(err, errlen,
                         "the header names column '%.*s' twice (columns %zu and %zu): which one "
                         "holds the data is unclear; remove or rename one",
                         (int)(a.n > 64 ? 64 : a.n), a.p, f + 1, g + 1);
                return FK_EINVAL;
            }
        }
    }
    for (k = 0; k < MAXCOLS; k++) {
        c->idx[k] = -1;
        if (!sp->cols[k].name)
            continue;
        for (f = 0; f < nf; f++) {
            if (fk_slice_eqi(header_name(header, f), sp->cols[k].name)) {
                c->idx[k] = (int)f;
                break;
            }
        }
    }
    for (k = 0; k < sp->nreq && header; k++) {
        if (c->idx[k] >= 0)
            continue;
        fk_buf_init(&have, 4096);
        for (f = 0; f < nf; f++)
            fk_buf_printf(&have, "%s%s", f ? "," : "", header[f] ? header[f] : "");
        snprintf(err, errlen,
                 "missing required column '%s': a %s file needs %s; this header has: %s",
                 sp->cols[k].name, sp->name, fk_record_columns_text(c->type),
                 have.data ? have.data : "");
        fk_buf_fini(&have);
        return FK_EINVAL;
    }
    return FK_OK;
}

/* n with its digits grouped by threes with a space ("1 203"), into out (32 bytes). */
static const char *grouped(uint64_t n, char *out)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), i, k = 0;

    for (i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            out[k++] = ' ';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    return out;
}

const char *fk_import_updated_text(const struct fk_import_summary *s, char *out, size_t cap)
{
    struct {
        const char *name;
        uint64_t n;
    } f[7] = {{"name", s->changed_name},      {"grid", s->changed_grid},
              {"phone", s->changed_phone},    {"household", s->changed_household},
              {"tags", s->changed_tags},      {"id_type", s->changed_id_type},
              {"address", s->changed_address}};
    char num[32];
    fk_buf b;
    int i, j, first = 1;

    if (cap)
        out[0] = '\0';
    if (!s->updated || !cap)
        return out;
    /* Insertion sort by count, largest first; ties keep the order above (name first). */
    for (i = 1; i < 7; i++) {
        for (j = i; j > 0 && f[j].n > f[j - 1].n; j--) {
            const char *tn = f[j].name;
            uint64_t tc = f[j].n;

            f[j] = f[j - 1];
            f[j - 1].name = tn;
            f[j - 1].n = tc;
        }
    }
    fk_buf_init(&b, cap);
    fk_buf_printf(&b, "%s updated", grouped(s->updated, num));
    for (i = 0; i < 7 && f[i].n; i++) {
        fk_buf_printf(&b, "%s%s %s", first ? ": " : ", ", grouped(f[i].n, num), f[i].name);
        first = 0;
    }
    if (b.data)
        fk_strlcpy(out, b.data, cap);
    fk_buf_fini(&b);
    return out;
}

/* Loads what rows of type t look up: regions, persons, venues, each only for the types that need
 * them. */
static int load_maps(struct ctx *c)
{
    enum fk_import_type t = c->type;
    int rc;

    c->regions = fk_strmap_new();
    if (!c->regions)
        return FK_ENOMEM;
    if (t == FK_IMPORT_REGIONS || t == FK_IMPORT_PERSONS || t == FK_IMPORT_VENUES ||
        t == FK_IMPORT_ARRIVALS || t == FK_IMPORT_SENTINELS || t == FK_IMPORT_SCORES ||
        t == FK_IMPORT_ASSIGNMENTS || t == FK_IMPORT_UNITS || t == FK_IMPORT_DUTY ||
        t == FK_IMPORT_INSPECTIONS || t == FK_IMPORT_PROBLEMS || t == FK_IMPORT_ZONES ||
        t == FK_IMPORT_LABS || t == FK_IMPORT_GATHERINGS || t == FK_IMPORT_REQUESTS) {
        rc = fk_store_each_region(c->st, load_region, c);
        if (rc != FK_OK)
            return rc;
    }
    if (c->actor && !(c->grids = fk_strmap_new()))
        return FK_ENOMEM;
    /* Results need the persons only to know where the members of a tube live. */
    if (t != FK_IMPORT_REGIONS && t != FK_IMPORT_VENUES && t != FK_IMPORT_RISK_AREAS &&
        t != FK_IMPORT_SENTINELS && t != FK_IMPORT_COLDCHAIN && t != FK_IMPORT_INDICATORS &&
        t != FK_IMPORT_SCORES && t != FK_IMPORT_UNITS && t != FK_IMPORT_REPORTS &&
        t != FK_IMPORT_DUTY && t != FK_IMPORT_INSPECTIONS && t != FK_IMPORT_PROBLEMS &&
        t != FK_IMPORT_ZONES && t != FK_IMPORT_LABS && t != FK_IMPORT_GATHERINGS &&
        t != FK_IMPORT_REQUESTS && ((t != FK_IMPORT_RESULTS && t != FK_IMPORT_BOXES) || c->actor)) {
        c->persons = fk_strmap_new();
        rc = c->persons ? FK_OK : FK_ENOMEM;
        /* Only persons and arrivals rows (which add persons) and results (members of tubes)
         * read the registry other than through person_col: the others look up what they meet.
         * With a roster, persons and arrivals rows ask it too (person_known); results need
         * every person's grid by store id, which it does not index. */
        c->lazy = t != FK_IMPORT_PERSONS && t != FK_IMPORT_ARRIVALS && t != FK_IMPORT_RESULTS &&
                  t != FK_IMPORT_BOXES && lazy_persons_max > 0;
        c->roster = c->o && c->o->find_person && t != FK_IMPORT_RESULTS && t != FK_IMPORT_BOXES;
        if (rc == FK_OK && !c->lazy && !c->roster)
            rc = fk_store_each_person_key(c->st, load_person, c);
        if (rc != FK_OK)
            return rc;
    }
    if (t == FK_IMPORT_SCORES) {
        c->indicators = fk_strmap_new();
        rc = c->indicators ? fk_store_each_record(c->st, FK_IMPORT_INDICATORS, load_indicator, c)
                           : FK_ENOMEM;
        if (rc != FK_OK)
            return rc;
    }
    if (t == FK_IMPORT_GATHERINGS || t == FK_IMPORT_REQUESTS) {
        c->stored_keys = fk_strmap_new();
        rc = c->stored_keys ? fk_store_each_record(c->st, t, load_stored, c) : FK_ENOMEM;
        if (rc != FK_OK)
            return rc;
    }
    if (t == FK_IMPORT_REPORTS) {
        c->units = fk_strmap_new();
        rc = c->units ? fk_store_each_record(c->st, FK_IMPORT_UNITS, load_unit, c) : FK_ENOMEM;
        if (rc != FK_OK)
            return rc;
    }
    if (t == FK_IMPORT_PROBLEMS) {
        c->inspections = fk_strmap_new();
        rc = c->inspections
                 ? fk_store_each_record(c->st, FK_IMPORT_INSPECTIONS, load_inspection, c)
                 : FK_ENOMEM;
        if (rc != FK_OK)
            return rc;
    }
    if (t == FK_IMPORT_SCANS || t == FK_IMPORT_VENUES) {
        c->venues = fk_strmap_new();
        rc = c->venues ? fk_store_each_venue(c->st, load_venue, c) : FK_ENOMEM;
        if (rc != FK_OK)
            return rc;
    }
    return FK_OK;
}

static void import_free(fk_import *imp)
{
    struct ctx *c;
    size_t i;

    if (!imp)
        return;
    c = &imp->c;
    if (c->in_batch)
        fk_store_rollback(c->st);
    for (i = 0; i < c->npending; i++) {
        free(c->pending[i].code);
        free(c->pending[i].name);
        free(c->pending[i].parent);
        free(c->pending[i].raw);
        free(c->pending[i].worker);
        free(c->pending[i].worker_phone);
    }
    free(c->pending);
    fk_strmap_free(c->regions);
    fk_strmap_free(c->persons);
    fk_strmap_free(c->venues);
    fk_strmap_free(c->indicators);
    fk_strmap_free(c->inspections);
    fk_strmap_free(c->cold_batches);
    fk_strmap_free(c->units);
    fk_strmap_free(c->stored_keys);
    free(c->stored);
    fk_strmap_free(c->grids);
    free(c->pgrid);
    free(c->vgrid);
    free(c->grid_ok);
    free(c->gev);
    free(c->gsm);
    free(c->goff);
    free(c->gps);
    free(c->gpoff);
    free(c->gpid);
    free(c->gchg);
    free(c->gval);
    free(c->gvoff);
    free(c->gdid);
    free(c->gline);
    fk_buf_fini(&c->gtext);
    free(imp);
}

int fk_import_begin(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                    const struct fk_import_opts *o, const char *const *header, size_t ncols,
                    fk_import **out, char *err, size_t errlen)
{
    fk_import *imp = NULL;
    struct ctx *c;
    int rc;

    *out = NULL;
    if ((int)t < 0 || t >= FK_IMPORT_NTYPES) {
        snprintf(err, errlen, "unknown import type");
        return FK_EINVAL;
    }
    imp = calloc(1, sizeof *imp);
    if (!imp) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    c = &imp->c;
    c->st = st;
    c->prof = p;
    c->type = t;
    c->sum = &imp->sum;
    c->o = o;
    c->actor = o ? o->actor : NULL;
    c->now = o && o->now ? o->now : (int64_t)time(NULL);
    fk_buf_init(&c->gtext, 0);
    c->gather = fk_store_prefers_bulk(st) &&
                (t == FK_IMPORT_SCANS || t == FK_IMPORT_PINGS || t == FK_IMPORT_SAMPLES ||
                 t == FK_IMPORT_PERSONS || gathers_records(t));
    c->gfields =
        c->gather && gathers_records(t) ? (size_t)fk_record_get((fk_record_id)t)->nfields : 0;
    imp->batch = (uint64_t)(o && o->batch_rows ? o->batch_rows : p->batch_rows);
    if (c->actor) {
        rc = permitted(st, t, c->actor, "import", c->scope_label, sizeof c->scope_label,
                       &c->scope_level, err, errlen);
        if (rc != FK_OK)
            goto out;
    }
    rc = read_header(c, header, header ? ncols : 0, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = load_maps(c);
    if (rc != FK_OK) {
        snprintf(err, errlen, "before the first row: %s: %s", fk_strerror(rc), fk_store_errmsg(st));
        goto out;
    }
    *out = imp;
    imp = NULL;
out:
    import_free(imp);
    return rc;
}

int fk_import_set_actor(fk_import *imp, const struct fk_actor *a, char *err, size_t errlen)
{
    struct ctx *c = &imp->c;
    char label[sizeof c->scope_label];
    int rc, level;

    if (!c->actor || !a || !a->scope) {
        snprintf(err, errlen, "an import goes on as another caller only between scoped callers");
        return FK_EINVAL;
    }
    rc = permitted(c->st, c->type, a, "import", label, sizeof label, &level, err, errlen);
    if (rc != FK_OK)
        return rc;
    c->actor = a;
    memcpy(c->scope_label, label, sizeof label);
    c->scope_level = level;
    /* Which grids lie inside was the last caller's answer; where persons and venues live is not
     * the caller's and stays. */
    if (c->ngrid_ok)
        memset(c->grid_ok, 0, c->ngrid_ok);
    return FK_OK;
}

/* Ends the import with store error rc met at the current row: says so in imp->err, drops the
 * batch in flight. Returns rc. */
static int import_fail(fk_import *imp, int rc)
{
    struct ctx *c = &imp->c;

    snprintf(imp->err, sizeof imp->err,
             "near line %llu: %s: %s; %llu earlier batches are committed; run the same import "
             "again to finish (it adds nothing twice)",
             (unsigned long long)c->line, fk_strerror(rc), fk_store_errmsg(c->st),
             (unsigned long long)c->sum->batches);
    if (c->in_batch) {
        fk_store_rollback(c->st);
        c->in_batch = 0;
    }
    c->ngather = 0; /* rolled back with the batch: counted nowhere */
    imp->rc = rc;
    return rc;
}

/* Counts a row read at line and opens a batch for it when none is open. */
static int row_open(fk_import *imp, uint64_t line, fk_slice raw)
{
    struct ctx *c = &imp->c;
    int rc;

    c->line = line;
    c->raw = raw;
    c->sum->read++;
    if (c->in_batch)
        return FK_OK;
    rc = begin(c);
    if (rc != FK_OK)
        return import_fail(imp, rc);
    c->in_batch = 1;
    return FK_OK;
}

/* Commits the batch when it is full. */
static int row_close(fk_import *imp, int rc)
{
    if (rc != FK_OK)
        return import_fail(imp, rc);
    if (++imp->in_batch_rows >= imp->batch) {
        rc = commit(&imp->c);
        if (rc != FK_OK)
            return import_fail(imp, rc);
        imp->in_batch_rows = 0;
    }
    return FK_OK;
}

int fk_import_row(fk_import *imp, uint64_t line, const fk_slice *fields, size_t nfields,
                  fk_slice raw)
{
    struct ctx *c = &imp->c;
    enum fk_put did = FK_PUT_SAME;
    size_t i;
    int r, rc;

    if (imp->rc != FK_OK)
        return imp->rc;
    rc = row_open(imp, line, raw);
    if (rc != FK_OK)
        return rc;
    c->reason[0] = '\0';
    for (i = 0; i < nfields; i++) {
        if (!fk_utf8_valid(fields[i].p, fields[i].n, 0) || memchr(fields[i].p, '\0', fields[i].n)) {
            const char *name = fk_import_field_name(imp, i);

            if (name)
                whym(c, FK_MSG_ROW_UTF8, name);
            else
                whyn(c, FK_MSG_ROW_UTF8_N, i + 1);
        }
    }
    if (c->reason[0]) {
        reject(c, line, c->reason, raw);
        return row_close(imp, FK_OK);
    }
    c->fields = fields;
    c->nfields = nfields;
    r = row_fns[c->type](c, &did);
    c->fields = NULL;
    c->nfields = 0;
    if (c->fail)
        r = c->fail;
    if (r == 1)
        count(c, line, did);
    else if (r == GATHERED)
        ; /* counted when its batch is handed over (flush) */
    else if (r == 0)
        reject(c, line, c->reason, raw);
    else if (r < 0)
        rc = r;
    return row_close(imp, rc);
}

int fk_import_bad_row(fk_import *imp, uint64_t line, const char *reason, fk_slice raw)
{
    int rc;

    if (imp->rc != FK_OK)
        return imp->rc;
    rc = row_open(imp, line, raw);
    if (rc != FK_OK)
        return rc;
    reject(&imp->c, line, reason, raw);
    return row_close(imp, FK_OK);
}

const struct fk_import_summary *fk_import_counts(const fk_import *imp)
{
    return &imp->sum;
}

int fk_import_end(fk_import *imp, struct fk_import_summary *sum, char *err, size_t errlen)
{
    struct ctx *c = &imp->c;
    int rc = imp->rc;

    if (rc != FK_OK)
        goto out;
    if (c->npending) {
        if (!c->in_batch) {
            rc = begin(c);
            if (rc != FK_OK) {
                import_fail(imp, rc);
                goto out;
            }
            c->in_batch = 1;
        }
        rc = settle_regions(c);
        if (rc != FK_OK) {
            import_fail(imp, rc);
            goto out;
        }
    }
    rc = commit(c);
    if (rc != FK_OK)
        import_fail(imp, rc);
out:
    if (rc != FK_OK)
        snprintf(err, errlen, "%s", imp->err);
    if (sum)
        *sum = imp->sum;
    import_free(imp);
    return rc;
}

void fk_import_abort(fk_import *imp)
{
    import_free(imp);
}
