/* SPDX-License-Identifier: MIT */
/* See segments.h.
 *
 * DESIGN NOTES
 * - Why files and not the SQLite table: a keyed B-tree takes a random-order samples file at
 *   138 k rows/s at 10 M (the sqlite3 shell's own .import), and an import must be several times
 *   that. Appending columns to a file and checking the key in memory costs a hash probe a row.
 * - The index is one open-addressing table of the rows by the hash of their tube: a slot holds 24
 *   bits of the hash, 8 of the person's and the row's number plus one (0: empty). A tube's members
 * lie on one probe run, so the same table answers the key (tube, person), a tube's members and
 * whether a tube exists. Built as the segments are first mapped (about a second at 10 M), then
 * kept.
 * - Rows are never moved: a small batch merged with the small segments at the end keeps their
 *   row numbers and adds its own after them, so the index of another process stays valid when it
 *   maps the replacing file. Any other change of the manifest rebuilds the index.
 * - Which small segments a small batch takes with it (merge_from): each from the last backwards
 *   while it holds at most MERGE_RATIO times the rows after it. The small segments at the end
 *   then grow geometrically, like a binary counter's digits: a row is written again about
 *   log2(SMALL_SEGMENT / batch) times, and the end holds about that many small files. Rewriting
 *   the last small segment for every small batch, as before, wrote each row up to
 *   SMALL_SEGMENT / batch times, and bounded the sampling tables' endpoint (issue 21).
 * - The open batch's rows live in memory and are in the index at once (a row later in the batch
 *   with the same key is a duplicate). Each slot the batch changed is noted, so a rollback puts
 *   them back in reverse order (exact for linear probing without deletes); when the table grew
 *   during the batch the index is rebuilt instead.
 * - Files are written under a temporary name, synced, renamed and the directory synced before
 *   the backend commits the manifest row naming them: a file the manifest names is whole, and a
 *   file it does not name (a batch killed before its commit) is never read and is overwritten by
 *   the next batch, which takes the same seq. */
#include "store/segments.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/snapfile.h"
#include "fk/vec.h"

#define SG_MAGIC "FKSAMPL1"
#define SG_VERSION 1u
#define SMALL_BATCH 4096    /* a batch this small is merged into the small segments before it */
#define SMALL_SEGMENT 65536 /* a segment smaller than this takes small batches */
#define MERGE_RATIO 2       /* a small segment is merged when at most this times what follows */
#define ROWNO_BITS 32       /* a slot: 24 bits of the tube's hash, 8 of the person's, the row + 1 */
#define ROWNO_MASK ((UINT64_C(1) << ROWNO_BITS) - 1)
#define TUBE_SHIFT 40

enum { C_PERSON, C_TIME, C_SHIPPED, C_TUBE_OFF, C_TUBE, C_SITE_OFF, C_SITE, C_N };

struct sg_head {
    struct fk_snap_prefix pre; /* generation: the seq */
    int64_t base, rows;
    struct fk_snap_sect sect[C_N];
    struct fk_snap_blocks blocks;
    uint64_t seal;
};

/* Columns of rows [base, base + rows): a mapped segment's, or the open batch's. Texts are
 * NUL-terminated; off has rows + 1 entries. */
struct view {
    const int64_t *person, *time, *shipped;
    const uint32_t *tube_off, *site_off;
    const char *tube, *site;
    int64_t base, rows;
};

struct seg {
    struct fk_snapmap m;
    int64_t seq;
    struct view v;
};

/* The open batch's rows. */
struct batch {
    int64_t *person, *time, *shipped;
    size_t cap;
    uint32_t *tube_off, *site_off; /* n + 1 entries, cap + 1 allocated */
    fk_buf tube, site;
    size_t n;
};

struct undo {
    size_t pos;
    uint64_t old;
};

struct sg_samples {
    char path[4096];
    struct seg *segs;
    size_t nsegs, capsegs;
    int64_t total; /* committed rows: the open batch's are numbered from here */
    struct batch b;
    uint64_t *slot;
    size_t mask;
    unsigned bits; /* log2 of the table's size */
    int64_t keys;
    int dirty; /* the index must be rebuilt before use */
    struct undo *undo;
    size_t nundo, capundo;
    int grew;           /* the table was rehashed during the batch */
    int64_t keys_begin; /* keys when the batch began */
    int written;        /* sg_write wrote wfile, not committed yet */
    char wfile[4200];
    struct sg_entry went;
    size_t wfrom; /* wfile holds segs[wfrom..nsegs) and the batch (nsegs: the batch alone) */
};

static _Atomic uint64_t rows_written; /* by sg_write, the merged ones again too (tests) */

void sg_file(char *out, size_t cap, const char *path, int64_t seq)
{
    snprintf(out, cap, "%s.samples.%lld", path, (long long)seq);
}

int sg_open(struct sg_samples **out, const char *path)
{
    struct sg_samples *g = calloc(1, sizeof *g);

    *out = g;
    if (!g)
        return FK_ENOMEM;
    snprintf(g->path, sizeof g->path, "%s", path);
    fk_buf_init(&g->b.tube, 0);
    fk_buf_init(&g->b.site, 0);
    return FK_OK;
}

static void unmap_all(struct sg_samples *g)
{
    size_t i;

    for (i = 0; i < g->nsegs; i++)
        fk_snapmap_close(&g->segs[i].m);
    g->nsegs = 0;
    g->total = 0;
}

/* Drops the mapped segments and marks the index stale: the next sg_sync maps and indexes every
 * segment the manifest names. */
static void forget(struct sg_samples *g)
{
    unmap_all(g);
    g->dirty = 1;
}

void sg_remove(struct sg_samples *g)
{
    char file[4200];
    size_t i;

    for (i = 0; g && i < g->nsegs; i++) {
        sg_file(file, sizeof file, g->path, g->segs[i].seq);
        unlink(file);
    }
}

void sg_close(struct sg_samples *g)
{
    if (!g)
        return;
    if (g->written)
        unlink(g->wfile);
    unmap_all(g);
    free(g->segs);
    free(g->b.person);
    free(g->b.time);
    free(g->b.shipped);
    free(g->b.tube_off);
    free(g->b.site_off);
    fk_buf_fini(&g->b.tube);
    fk_buf_fini(&g->b.site);
    free(g->slot);
    free(g->undo);
    free(g);
}

/* ---- rows ---- */

static struct view batch_view(const struct sg_samples *g)
{
    struct view v = {g->b.person,    g->b.time,      g->b.shipped, g->b.tube_off,  g->b.site_off,
                     g->b.tube.data, g->b.site.data, g->total,     (int64_t)g->b.n};
    return v;
}

/* The view holding row r (committed or the batch's). */
static struct view view_of(const struct sg_samples *g, int64_t r)
{
    size_t lo = 0, hi = g->nsegs;

    if (r >= g->total)
        return batch_view(g);
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (g->segs[mid].v.base <= r)
            lo = mid;
        else
            hi = mid;
    }
    return g->segs[lo].v;
}

static void row_at(const struct sg_samples *g, int64_t r, struct fk_sample_row *out)
{
    struct view v = view_of(g, r);
    int64_t i = r - v.base;

    out->tube = v.tube + v.tube_off[i];
    out->site = v.site + v.site_off[i];
    out->person = v.person[i];
    out->time = v.time[i];
    out->shipped = v.shipped[i];
}

static const char *tube_at(const struct sg_samples *g, int64_t r, int64_t *person)
{
    struct view v = view_of(g, r);
    int64_t i = r - v.base;

    *person = v.person[i];
    return v.tube + v.tube_off[i];
}

static int64_t person_at(const struct sg_samples *g, int64_t r)
{
    struct view v = view_of(g, r);

    return v.person[r - v.base];
}

/* ---- the index ---- */

static int weak_hash; /* tests: fk__sg_weak_hash */

void fk__sg_weak_hash(int on)
{
    weak_hash = on;
}

static uint64_t tube_hash(const char *tube)
{
    uint64_t h = XXH3_64bits(tube, strlen(tube));

    return weak_hash ? h & ~((UINT64_C(1) << 60) - 1) : h;
}

/* The slot of row r of key (tube of hash h, person). */
static uint64_t slot_of(uint64_t h, int64_t person, int64_t r)
{
    uint64_t pt = weak_hash ? (uint64_t)person & 1
                            : ((uint64_t)person * UINT64_C(0x9E3779B97F4A7C15)) >> 56;

    return (h >> TUBE_SHIFT) << TUBE_SHIFT | pt << ROWNO_BITS | (uint64_t)(r + 1);
}

/* The slot a hash starts at: its top bits, so a table up to 2^24 slots finds it from the 24 bits
 * a slot keeps, and doubles without reading a tube. */
static size_t home(const struct sg_samples *g, uint64_t h)
{
    return (size_t)(h >> (64 - g->bits));
}

static int64_t slot_row(uint64_t s)
{
    return (int64_t)(s & ROWNO_MASK) - 1;
}

/* 1 when slot s may hold a row of the tube of hash h. */
static int same_tag(uint64_t s, uint64_t h)
{
    return (s >> TUBE_SHIFT) == (h >> TUBE_SHIFT);
}

/* The slot of key (tube, person), or of the first empty one on its run; *found says which. */
static size_t probe(const struct sg_samples *g, const char *tube, uint64_t h, int64_t person,
                    int *found)
{
    uint64_t key = slot_of(h, person, -1);
    size_t i = home(g, h);

    for (;; i = (i + 1) & g->mask) {
        uint64_t s = g->slot[i];
        int64_t p;

        if (s == 0) {
            *found = 0;
            return i;
        }
        /* A pooled tube's members share the tube's bits and mostly differ in the person's, so
         * a new key reads no row. */
        if ((s >> ROWNO_BITS) == (key >> ROWNO_BITS) && person_at(g, slot_row(s)) == person &&
            strcmp(tube_at(g, slot_row(s), &p), tube) == 0) {
            *found = 1;
            return i;
        }
    }
}

static void set_cap(struct sg_samples *g, size_t cap)
{
    g->mask = cap - 1;
    for (g->bits = 0; ((size_t)1 << g->bits) < cap; g->bits++)
        ;
}

static int alloc_table(struct sg_samples *g, size_t cap)
{
    uint64_t *t = calloc(cap, sizeof *t);

    if (!t)
        return FK_ENOMEM;
    fk_mem_hugepages(t, cap * sizeof *t);
    free(g->slot);
    g->slot = t;
    set_cap(g, cap);
    g->keys = 0;
    return FK_OK;
}

/* Room for one more key: the table doubles past three quarters full. */
static int room(struct sg_samples *g)
{
    uint64_t *old = g->slot;
    size_t cap = g->mask + 1, i;

    if ((size_t)(g->keys + 1) * 4 <= cap * 3)
        return FK_OK;
    g->slot = calloc(cap * 2, sizeof *g->slot);
    if (!g->slot) {
        g->slot = old;
        return FK_ENOMEM;
    }
    fk_mem_hugepages(g->slot, cap * 2 * sizeof *g->slot);
    set_cap(g, cap * 2);
    for (i = 0; i < cap; i++) {
        int64_t p;
        uint64_t h;
        size_t j;

        if (!old[i])
            continue;
        /* up to 2^24 slots the home is in the slot's own bits: no text read */
        h = g->bits <= 64 - TUBE_SHIFT ? old[i] >> TUBE_SHIFT << TUBE_SHIFT
                                       : tube_hash(tube_at(g, slot_row(old[i]), &p));
        for (j = home(g, h); g->slot[j]; j = (j + 1) & g->mask)
            ;
        g->slot[j] = old[i];
    }
    free(old);
    g->grew = 1;
    return FK_OK;
}

/* Indexes committed row r, a later version of its key replacing an earlier one. */
static int index_row(struct sg_samples *g, int64_t r)
{
    int64_t person;
    const char *tube = tube_at(g, r, &person);
    uint64_t h = tube_hash(tube);
    int found;
    size_t i;

    if (room(g) != FK_OK)
        return FK_ENOMEM;
    i = probe(g, tube, h, person, &found);
    g->slot[i] = slot_of(h, person, r);
    g->keys += !found;
    return FK_OK;
}

static int index_rows(struct sg_samples *g, int64_t from, int64_t to)
{
    int64_t r;

    for (r = from; r < to; r++)
        if (index_row(g, r) != FK_OK)
            return FK_ENOMEM;
    return FK_OK;
}

static size_t table_for(int64_t rows)
{
    size_t cap = 1024;

    while ((size_t)rows * 4 > cap * 3)
        cap *= 2;
    return cap;
}

/* ---- mapping ---- */

static int check_texts(const uint32_t *off, const char *txt, int64_t rows, uint64_t len)
{
    int64_t i;

    if (off[0] != 0 || off[rows] != len)
        return 0;
    for (i = 0; i < rows; i++)
        if (off[i + 1] <= off[i] || txt[off[i + 1] - 1] != '\0')
            return 0;
    return 1;
}

static int map_seg(struct sg_samples *g, const struct sg_entry *e, struct seg *s, char *err,
                   size_t errlen)
{
    char file[4200];
    const struct sg_head *h;
    uint64_t n8, n4;
    int ok;

    sg_file(file, sizeof file, g->path, e->seq);
    memset(s, 0, sizeof *s);
    if (fk_snapmap_open(&s->m, file, SG_MAGIC, SG_VERSION, sizeof *h,
                        offsetof(struct sg_head, blocks), err, errlen) != FK_OK)
        goto bad;
    h = s->m.base;
    n8 = (uint64_t)e->rows * 8;
    n4 = (uint64_t)(e->rows + 1) * 4;
    s->seq = e->seq;
    s->v.base = e->base;
    s->v.rows = e->rows;
    s->v.person = fk_snapmap_sect(&s->m, &h->sect[C_PERSON], n8);
    s->v.time = fk_snapmap_sect(&s->m, &h->sect[C_TIME], n8);
    s->v.shipped = fk_snapmap_sect(&s->m, &h->sect[C_SHIPPED], n8);
    s->v.tube_off = fk_snapmap_sect(&s->m, &h->sect[C_TUBE_OFF], n4);
    s->v.site_off = fk_snapmap_sect(&s->m, &h->sect[C_SITE_OFF], n4);
    s->v.tube = fk_snapmap_sect(&s->m, &h->sect[C_TUBE], UINT64_MAX);
    s->v.site = fk_snapmap_sect(&s->m, &h->sect[C_SITE], UINT64_MAX);
    ok = h->base == e->base && h->rows == e->rows && h->pre.generation == e->seq && s->v.person &&
         s->v.time && s->v.shipped && s->v.tube_off && s->v.site_off && s->v.tube && s->v.site &&
         fk_snapmap_need_all(&s->m);
    if (ok)
        ok = check_texts(s->v.tube_off, s->v.tube, e->rows, h->sect[C_TUBE].len) &&
             check_texts(s->v.site_off, s->v.site, e->rows, h->sect[C_SITE].len);
    if (ok)
        return FK_OK;
    snprintf(err, errlen,
             "the samples file %s is damaged or not the one the data file names (%lld rows "
             "from row %lld): restore it from a backup of the data file and its samples files",
             file, (long long)e->rows, (long long)e->base);
bad:
    fk_snapmap_close(&s->m);
    return FK_EIO;
}

static int add_seg(struct sg_samples *g, const struct seg *s)
{
    if (fk_vec_grow((void **)&g->segs, &g->capsegs, g->nsegs + 1, sizeof *g->segs) != FK_OK)
        return FK_ENOMEM;
    g->segs[g->nsegs++] = *s;
    g->total = s->v.base + s->v.rows;
    return FK_OK;
}

/* How many of the mapped segments the manifest holds as they are, when it holds the rest (from
 * that one on) as one longer file from the same row, and what came after: the writer merged the
 * small segments at the end with its batch (merge_from). -1 when it changed otherwise (another
 * process replaced segments some other way): everything is mapped and indexed again. */
static long extends(const struct sg_samples *g, const struct sg_entry *man, size_t n)
{
    size_t i;

    if (g->dirty)
        return -1;
    for (i = 0; i < g->nsegs; i++) {
        const struct seg *s = &g->segs[i];

        if (i < n && man[i].seq == s->seq && man[i].base == s->v.base && man[i].rows == s->v.rows)
            continue;
        if (i < n && man[i].base == s->v.base && man[i].base + man[i].rows >= g->total)
            return (long)i;
        return -1;
    }
    return (long)g->nsegs;
}

int sg_sync(struct sg_samples *g, const struct sg_entry *man, size_t n, char *err, size_t errlen)
{
    long kept = g->slot ? extends(g, man, n) : -1;
    size_t i = 0;
    struct seg s;
    int rc;

    if (kept >= 0) {
        i = (size_t)kept;
        if (i < g->nsegs) {
            /* segs[i..] were merged into man[i]: its rows past them are new */
            int64_t had = g->total;

            if ((rc = map_seg(g, &man[i], &s, err, errlen)) != FK_OK)
                goto fail;
            while (g->nsegs > i)
                fk_snapmap_close(&g->segs[--g->nsegs].m);
            if (add_seg(g, &s) != FK_OK) {
                fk_snapmap_close(&s.m);
                goto nomem;
            }
            if (index_rows(g, had, g->total) != FK_OK)
                goto nomem;
            i++;
        }
    } else {
        unmap_all(g);
        if (alloc_table(g, table_for(n ? man[n - 1].base + man[n - 1].rows : 0)) != FK_OK)
            goto nomem;
        g->dirty = 0;
    }
    for (; i < n; i++) {
        if (man[i].base != g->total || man[i].rows <= 0) {
            snprintf(err, errlen, "the samples manifest is not contiguous at segment %lld",
                     (long long)man[i].seq);
            rc = FK_EIO;
            goto fail;
        }
        if ((rc = map_seg(g, &man[i], &s, err, errlen)) != FK_OK)
            goto fail;
        if (add_seg(g, &s) != FK_OK) {
            fk_snapmap_close(&s.m);
            goto nomem;
        }
        if (index_rows(g, s.v.base, g->total) != FK_OK)
            goto nomem;
    }
    g->keys_begin = g->keys;
    return FK_OK;
nomem:
    snprintf(err, errlen, "out of memory indexing the samples");
    rc = FK_ENOMEM;
fail:
    forget(g);
    return rc;
}

/* ---- the open batch ---- */

static int batch_push(struct sg_samples *g, const struct fk_sample_row *r)
{
    struct batch *b = &g->b;
    size_t cap = b->cap, n = b->n;

    if (n + 1 > cap || !b->tube_off) {
        cap = b->cap;
        if (fk_vec_grow((void **)&b->person, &cap, n + 1, sizeof *b->person) != FK_OK)
            return FK_ENOMEM;
        cap = b->cap;
        if (fk_vec_grow((void **)&b->time, &cap, n + 1, sizeof *b->time) != FK_OK)
            return FK_ENOMEM;
        cap = b->cap;
        if (fk_vec_grow((void **)&b->shipped, &cap, n + 1, sizeof *b->shipped) != FK_OK)
            return FK_ENOMEM;
        {
            uint32_t *t = realloc(b->tube_off, (cap + 1) * sizeof *t), *s;

            if (!t)
                return FK_ENOMEM;
            b->tube_off = t;
            s = realloc(b->site_off, (cap + 1) * sizeof *s);
            if (!s)
                return FK_ENOMEM;
            b->site_off = s;
        }
        b->cap = cap;
        if (n == 0)
            b->tube_off[0] = b->site_off[0] = 0;
    }
    if (fk_buf_append(&b->tube, r->tube, strlen(r->tube) + 1) != FK_OK ||
        fk_buf_append(&b->site, r->site ? r->site : "", strlen(r->site ? r->site : "") + 1) !=
            FK_OK ||
        b->tube.len > UINT32_MAX || b->site.len > UINT32_MAX)
        return FK_ENOMEM;
    b->person[n] = r->person;
    b->time[n] = r->time;
    b->shipped[n] = r->shipped;
    b->tube_off[n + 1] = (uint32_t)b->tube.len;
    b->site_off[n + 1] = (uint32_t)b->site.len;
    b->n = n + 1;
    return FK_OK;
}

static int note_undo(struct sg_samples *g, size_t pos)
{
    if (g->grew)
        return FK_OK;
    if (fk_vec_grow((void **)&g->undo, &g->capundo, g->nundo + 1, sizeof *g->undo) != FK_OK)
        return FK_ENOMEM;
    g->undo[g->nundo].pos = pos;
    g->undo[g->nundo++].old = g->slot[pos];
    return FK_OK;
}

int sg_add(struct sg_samples *g, const struct fk_sample_row *r, enum fk_put *did)
{
    uint64_t h = tube_hash(r->tube);
    struct fk_sample_row had, row = *r;
    int found, rc;
    size_t i;

    /* rows are numbered in 32 bits: 4 G samples, 400 rounds of a city of 10 M */
    if (!g->slot || g->total + (int64_t)g->b.n + 2 >= (int64_t)ROWNO_MASK || room(g) != FK_OK)
        return FK_ENOMEM;
    i = probe(g, r->tube, h, r->person, &found);
    if (found) {
        row_at(g, slot_row(g->slot[i]), &had);
        if (r->shipped == 0 || r->shipped == had.shipped) {
            *did = FK_PUT_SAME;
            return FK_OK;
        }
        /* The stored row with the new shipped time. Its site may lie in the batch's buffer,
         * which the push may move: copied first. */
        row.time = had.time;
        row.site = strdup(had.site);
        if (!row.site)
            return FK_ENOMEM;
        rc = note_undo(g, i) != FK_OK || batch_push(g, &row) != FK_OK ? FK_ENOMEM : FK_OK;
        free((char *)row.site);
        if (rc != FK_OK)
            return rc;
        g->slot[i] = slot_of(h, r->person, g->total + (int64_t)g->b.n - 1);
        *did = FK_PUT_UPDATED;
        return FK_OK;
    }
    if (note_undo(g, i) != FK_OK || batch_push(g, r) != FK_OK)
        return FK_ENOMEM;
    g->slot[i] = slot_of(h, r->person, g->total + (int64_t)g->b.n - 1);
    g->keys++;
    *did = FK_PUT_NEW;
    return FK_OK;
}

size_t sg_pending(const struct sg_samples *g)
{
    return g->b.n;
}

static void batch_clear(struct sg_samples *g)
{
    g->b.n = 0;
    fk_buf_reset(&g->b.tube);
    fk_buf_reset(&g->b.site);
    g->nundo = 0;
    g->grew = 0;
    g->keys_begin = g->keys;
}

/* ---- writing ---- */

/* The column of the n views v at offset col (a pointer to an int64_t column), one after another. */
static void put_ints(struct fk_snapwriter *w, struct fk_snap_sect *sect, int64_t *buf,
                     const struct view *const *v, size_t n, size_t col)
{
    int64_t at = 0;
    size_t k;

    for (k = 0; k < n; k++) {
        const int64_t *c = *(const int64_t *const *)((const char *)v[k] + col);

        if (v[k]->rows)
            memcpy(buf + at, c, (size_t)v[k]->rows * sizeof *buf);
        at += v[k]->rows;
    }
    fk_snapwriter_put(w, sect, buf, (uint64_t)at * sizeof *buf);
}

/* One text column of the n views (offsets at offcol, bytes at txtcol): offsets, then the bytes. */
static int put_texts(struct fk_snapwriter *w, struct fk_snap_sect *so, struct fk_snap_sect *st,
                     uint32_t *off, const struct view *const *v, size_t n, size_t offcol,
                     size_t txtcol)
{
    uint64_t len = 0, at = 0;
    int64_t i, row = 0;
    char *txt;
    size_t k;

    for (k = 0; k < n; k++)
        if (v[k]->rows)
            len += (*(const uint32_t *const *)((const char *)v[k] + offcol))[v[k]->rows];
    if (len > UINT32_MAX || !(txt = malloc(len + 1)))
        return FK_ENOMEM;
    off[0] = 0;
    for (k = 0; k < n; k++) {
        const uint32_t *o = *(const uint32_t *const *)((const char *)v[k] + offcol);
        const char *t = *(const char *const *)((const char *)v[k] + txtcol);

        if (!v[k]->rows)
            continue;
        for (i = 0; i < v[k]->rows; i++)
            off[row + i + 1] = (uint32_t)(at + o[i + 1]);
        memcpy(txt + at, t, o[v[k]->rows]);
        at += o[v[k]->rows];
        row += v[k]->rows;
    }
    fk_snapwriter_put(w, so, off, (uint64_t)(row + 1) * sizeof *off);
    fk_snapwriter_put(w, st, txt, len);
    free(txt);
    return FK_OK;
}

/* The rows of the n views, one after another, as one segment's columns. */
static int put_cols(struct fk_snapwriter *w, struct sg_head *h, const struct view *const *v,
                    size_t n)
{
    int64_t rows = 0;
    int64_t *ints;
    uint32_t *off;
    int rc = FK_ENOMEM;
    size_t k;

    for (k = 0; k < n; k++)
        rows += v[k]->rows;
    ints = malloc((size_t)(rows ? rows : 1) * sizeof *ints);
    off = malloc((size_t)(rows + 1) * sizeof *off);
    if (ints && off) {
        put_ints(w, &h->sect[C_PERSON], ints, v, n, offsetof(struct view, person));
        put_ints(w, &h->sect[C_TIME], ints, v, n, offsetof(struct view, time));
        put_ints(w, &h->sect[C_SHIPPED], ints, v, n, offsetof(struct view, shipped));
        rc = put_texts(w, &h->sect[C_TUBE_OFF], &h->sect[C_TUBE], off, v, n,
                       offsetof(struct view, tube_off), offsetof(struct view, tube));
        if (rc == FK_OK)
            rc = put_texts(w, &h->sect[C_SITE_OFF], &h->sect[C_SITE], off, v, n,
                           offsetof(struct view, site_off), offsetof(struct view, site));
    }
    free(ints);
    free(off);
    return rc;
}

/* The first of the segments a batch of n rows is written with: for a small batch, the small
 * segments at the end, from the last backwards, each while it holds at most MERGE_RATIO times the
 * rows after it (the batch's included). The small segments then grow geometrically, and a row is
 * written again about log2(SMALL_SEGMENT / n) times, where rewriting the last small segment for
 * each small batch wrote it again up to SMALL_SEGMENT / n times (the sampling tables' groups of a
 * few rows: issue 21). g->nsegs: none. */
static size_t merge_from(const struct sg_samples *g, size_t n)
{
    size_t k = g->nsegs;
    int64_t after = (int64_t)n;

    if (n >= SMALL_BATCH)
        return k;
    while (k > 0 && g->segs[k - 1].v.rows < SMALL_SEGMENT &&
           g->segs[k - 1].v.rows <= MERGE_RATIO * after) {
        after += g->segs[k - 1].v.rows;
        k--;
    }
    return k;
}

int sg_write(struct sg_samples *g, int64_t seq, struct sg_entry *out, int64_t *replaced, char *err,
             size_t errlen)
{
    struct view batch = batch_view(g);
    const struct view **v;
    size_t from = merge_from(g, g->b.n), n = g->nsegs - from + 1, k;
    struct fk_snapwriter w;
    struct sg_head h;
    int rc;

    *replaced = -1;
    memset(&h, 0, sizeof h);
    if (!(v = malloc(n * sizeof *v))) {
        snprintf(err, errlen, "out of memory writing the samples");
        return FK_ENOMEM;
    }
    for (k = from; k < g->nsegs; k++)
        v[k - from] = &g->segs[k].v;
    v[n - 1] = &batch;
    sg_file(g->wfile, sizeof g->wfile, g->path, seq);
    rc = fk_snapwriter_open(&w, g->wfile, sizeof h, err, errlen);
    if (rc != FK_OK) {
        free(v);
        return rc;
    }
    w.sync = 1;
    rc = put_cols(&w, &h, v, n);
    free(v);
    if (rc != FK_OK) {
        fk_snapwriter_abort(&w);
        snprintf(err, errlen, "out of memory writing %s", g->wfile);
        return rc;
    }
    memcpy(h.pre.magic, SG_MAGIC, 8);
    h.pre.version = SG_VERSION;
    h.pre.endian = FK_SNAP_ENDIAN;
    h.pre.generation = seq;
    h.base = from < g->nsegs ? g->segs[from].v.base : batch.base;
    h.rows = g->total + batch.rows - h.base;
    if (from < g->nsegs)
        *replaced = h.base;
    rc = fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, errlen);
    if (rc != FK_OK)
        return rc;
    out->seq = seq;
    out->base = h.base;
    out->rows = h.rows;
    out->keys = g->keys;
    g->went = *out;
    g->wfrom = from;
    g->written = 1;
    rows_written += (uint64_t)h.rows;
    return FK_OK;
}

uint64_t fk__sg_rows_written(void)
{
    return rows_written;
}

void sg_committed(struct sg_samples *g)
{
    char err[512], old[4200];
    struct seg s;

    if (!g->written) {
        batch_clear(g);
        return;
    }
    g->written = 0;
    if (map_seg(g, &g->went, &s, err, sizeof err) != FK_OK) {
        /* The file was synced a moment ago: reading it failing is a disk fault; the next use
         * maps everything again from the manifest, and says what fails. */
        forget(g);
        batch_clear(g);
        return;
    }
    /* The segments the file holds again: their files go, the one file takes their place. */
    while (g->nsegs > g->wfrom) {
        g->nsegs--;
        sg_file(old, sizeof old, g->path, g->segs[g->nsegs].seq);
        fk_snapmap_close(&g->segs[g->nsegs].m);
        unlink(old);
    }
    if (add_seg(g, &s) != FK_OK) {
        fk_snapmap_close(&s.m);
        forget(g);
    }
    batch_clear(g);
}

void sg_rollback(struct sg_samples *g)
{
    if (g->written)
        unlink(g->wfile);
    g->written = 0;
    if (g->grew) {
        g->dirty = 1;
    } else {
        while (g->nundo > 0) {
            g->nundo--;
            g->slot[g->undo[g->nundo].pos] = g->undo[g->nundo].old;
        }
        g->keys = g->keys_begin;
    }
    batch_clear(g);
}

/* ---- reading ---- */

/* The next row of tube (of hash h) on its run from slot *i, which moves past it; -1 at the run's
 * end. */
static int64_t next_member(const struct sg_samples *g, const char *tube, uint64_t h, size_t *i)
{
    for (; g->slot[*i]; *i = (*i + 1) & g->mask) {
        uint64_t s = g->slot[*i];
        int64_t p;

        if (same_tag(s, h) && strcmp(tube_at(g, slot_row(s), &p), tube) == 0) {
            *i = (*i + 1) & g->mask;
            return slot_row(s);
        }
    }
    return -1;
}

int sg_tube_exists(struct sg_samples *g, const char *tube)
{
    uint64_t h = tube_hash(tube);
    size_t i;

    if (!g->slot)
        return FK_ENOENT;
    i = home(g, h);
    return next_member(g, tube, h, &i) >= 0 ? FK_OK : FK_ENOENT;
}

int sg_each_tube_member(struct sg_samples *g, const char *tube, fk_sample_cb cb, void *ud)
{
    struct fk_sample_row m[64], *all = m;
    size_t n = 0, cap = 64, i, j;
    uint64_t h = tube_hash(tube);
    int64_t row;
    int rc = FK_OK;

    if (!g->slot)
        return FK_OK;
    for (i = home(g, h); (row = next_member(g, tube, h, &i)) >= 0;) {
        struct fk_sample_row r;

        row_at(g, row, &r);
        if (n == cap) {
            struct fk_sample_row *more = malloc(cap * 2 * sizeof *more);

            if (!more) {
                rc = FK_ENOMEM;
                goto out;
            }
            memcpy(more, all, n * sizeof *more);
            if (all != m)
                free(all);
            all = more;
            cap *= 2;
        }
        /* insertion by person */
        for (j = n; j > 0 && all[j - 1].person > r.person; j--)
            all[j] = all[j - 1];
        all[j] = r;
        n++;
    }
    for (i = 0; i < n && rc == FK_OK; i++)
        rc = cb(ud, &all[i]);
out:
    if (all != m)
        free(all);
    return rc;
}

/* A row, for sorting: the first 8 bytes of its tube big-endian (zeros past its end), whether
 * the tube is longer than that, and the person, so most comparisons read no text. */
struct sortkey {
    uint64_t prefix;
    int64_t person;
    int64_t row; /* bit 62: the tube is longer than 8 bytes */
};

#define LONG_TUBE (INT64_C(1) << 62)

static struct sortkey sortkey_of(const struct sg_samples *g, int64_t r)
{
    struct sortkey k = {0, 0, r};
    const char *t = tube_at(g, r, &k.person);
    int i;

    for (i = 0; i < 8; i++) {
        k.prefix = k.prefix << 8 | (unsigned char)*t;
        if (*t)
            t++;
    }
    if (*t)
        k.row |= LONG_TUBE;
    return k;
}

static int before(const struct sg_samples *g, const struct sortkey *a, const struct sortkey *b)
{
    int64_t p;
    int c;

    if (a->prefix != b->prefix)
        return a->prefix < b->prefix;
    if ((a->row & LONG_TUBE) && (b->row & LONG_TUBE)) {
        c = strcmp(tube_at(g, a->row & ~LONG_TUBE, &p), tube_at(g, b->row & ~LONG_TUBE, &p));
        if (c)
            return c < 0;
    } else if ((a->row ^ b->row) & LONG_TUBE) {
        return !(a->row & LONG_TUBE); /* the 8-byte tube is a prefix of the other */
    }
    return a->person < b->person;
}

/* Sorts k[0..n) by (tube, person): a bottom-up merge sort through tmp. */
static void sort_keys(const struct sg_samples *g, struct sortkey *k, struct sortkey *tmp, size_t n)
{
    struct sortkey *src = k, *dst = tmp;
    size_t width, i;

    for (width = 1; width < n; width *= 2) {
        for (i = 0; i < n; i += 2 * width) {
            size_t a = i, am = i + width < n ? i + width : n, b = am;
            size_t bm = i + 2 * width < n ? i + 2 * width : n, o = i;

            while (a < am && b < bm)
                dst[o++] = before(g, &src[b], &src[a]) ? src[b++] : src[a++];
            while (a < am)
                dst[o++] = src[a++];
            while (b < bm)
                dst[o++] = src[b++];
        }
        src = dst;
        dst = src == k ? tmp : k;
    }
    if (src != k)
        memcpy(k, src, n * sizeof *k);
}

int sg_each_sample(struct sg_samples *g, fk_sample_cb cb, void *ud)
{
    size_t n = (size_t)g->keys, i, k = 0;
    struct sortkey *keys = malloc((n ? n : 1) * sizeof *keys);
    struct sortkey *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int rc = FK_OK;

    if (!keys || !tmp) {
        free(keys);
        free(tmp);
        return FK_ENOMEM;
    }
    for (i = 0; g->slot && i <= g->mask && k < n; i++)
        if (g->slot[i])
            keys[k++] = sortkey_of(g, slot_row(g->slot[i]));
    sort_keys(g, keys, tmp, k);
    free(tmp);
    for (i = 0; i < k && rc == FK_OK; i++) {
        struct fk_sample_row r;

        row_at(g, keys[i].row & ~LONG_TUBE, &r);
        rc = cb(ud, &r);
    }
    free(keys);
    return rc;
}

int64_t sg_count(const struct sg_samples *g)
{
    return g->keys;
}
