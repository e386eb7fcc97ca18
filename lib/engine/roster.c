/* SPDX-License-Identifier: MIT */
/* The roster (see fk/roster.h): the registry's ID numbers, store ids and grids in a mapped file,
 * so an import finds the persons its rows name without reading the persons table, and what output
 * shows of each person by store id, so a trace renders its contacts without a query a person.
 * Built from the store after an import that wrote persons (lib/action/snapshots.c); read by the
 * ingest through the fk_import_opts.find_person hook and by the tracer's rendering
 * (fk_tracer_use_roster). Reads the store, never writes it.
 *
 * DESIGN NOTES
 * - One entry per person, in the order of the XXH3 of its ID number (the top hash_bits bits: 64
 *   but in tests): the hash, the store id, the grid (an index into the grid codes, which are
 *   few: thousands) and the ID number itself when it has at most ID_INLINE bytes (a resident ID
 *   has 18), else where it lies in a blob of the long ones. So a person's slot is the index of
 *   its hash, and a look-up that found the hash has the answer in the same cache line: a random
 *   read into a file of tens of MB costs a cache and a TLB miss (0.4 us on this virtual
 *   machine), and the first layout, one array per field and the slots beside the hashes, cost 3
 *   to 7 of them, 1.7 us a look-up at 1 M.
 * - Fences: the hash of every FENCE-th entry, in a small section checked whole at open. A
 *   look-up bisects them (they stay in cache), which leaves fewer than FENCE entries (12 KB) to
 *   search, by interpolation between the two fences (the hashes are uniform) with a bisection
 *   whenever a guess failed to halve the range, so a skewed range costs log n, never n. Equal
 *   hashes of different ID numbers are neighbours, and the text of each is compared in turn.
 * - The grid codes are a blob of NUL-ended texts and their offsets, checked whole at open, so a
 *   look-up hands out a grid as a C string from the mapping.
 * - What output shows of a person (version 2): a record in who_text, at a 4-byte boundary, of the
 *   grid's index and the length of the texts (two uint32), then the ID number, name and phone,
 *   each NUL-ended, and zeroes to the next boundary. who_off[k] is where the k-th record starts,
 *   in units of 4 bytes (so 16 GiB of records fit), or NO_PERSON. The ids are the store's rowids,
 *   dense in practice: then k is the store id less the smallest one (id_span slots, a hole
 *   NO_PERSON), and a look-up costs two cache misses, the slot and the record (the grid codes
 *   stay in cache). When holes would outnumber the persons by more than DENSE_SLACK, who_id lists
 *   the ids in order instead (id_span 0) and a look-up bisects it. The ID number is kept again
 *   here rather than read from the person's entry, which would be a third miss. Records follow
 *   the store's order, by id, so the tracer's look-ups in id order read the file forward.
 * - Every other byte a look-up reads is checked first (fk_snapmap_need): one damaged block makes
 *   the look-ups that read it answer FK_EIO, and the caller asks the store instead. So a small
 *   import into a city of 10 M hashes a few blocks, not the file.
 * - Current while fk_store_index_generation(FK_FEEDS_ROSTER), the last batch that wrote a
 *   person, is at most the generation stamped at the build (taken before the read). */
#include "fk/roster.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/snapfile.h"
#include "fk/strmap.h"
#include "fk/vec.h"

#define RSNAP_MAGIC "FKROSTR1"
#define RSNAP_VERSION 2u /* 2: what output shows of each person, by store id */

/* One fence every FENCE entries. */
#define FENCE 256u

/* Below this many candidates the search reads them in turn. */
#define LINEAR 8

/* ID numbers of at most this many bytes are kept in their entry. */
#define ID_INLINE 24

/* who_off of a store id that no person has. */
#define NO_PERSON UINT32_MAX

/* The bytes a person's record takes, as a writer guesses them ahead: a resident's 18-character ID
 * number, a name of three Chinese characters and a phone of 11 digits take 52. */
#define WHO_GUESS 56

/* who_off is indexed by store id while the holes in the ids are at most the persons and this. */
#define DENSE_SLACK 4096u

enum {
    RS_GRID_OFF,  /* uint64 per grid: where its NUL-ended code starts in grid_text */
    RS_GRID_TEXT, /* the grid codes */
    RS_FENCE,     /* uint64: entry[k * FENCE].hash for every k */
    RS_ENTRY,     /* struct entry per person, by hash, then by the store's order */
    RS_LONG_TEXT, /* the ID numbers longer than ID_INLINE, end to end */
    RS_WHO_ID,    /* int64 per person, ascending, when id_span is 0; else empty */
    RS_WHO_OFF,   /* uint32 per slot: where its record starts in who_text / 4, or NO_PERSON */
    RS_WHO_TEXT,  /* the records: what output shows of each person */
    RS_N
};

/* A person. */
struct entry {
    uint64_t hash;
    int64_t person; /* the store id */
    int32_t grid;   /* index into the grid codes */
    uint32_t id_len;
    /* The ID number when id_len <= ID_INLINE (zeroes after it); else its first 8 bytes say where
     * it starts in the long texts. */
    char id[ID_INLINE];
};

_Static_assert(sizeof(struct entry) == 48, "an entry has no padding to leave unwritten");

struct rsnap_header {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
    uint64_t npersons, ngrids, nfences;
    uint32_t hash_bits, fence;
    int64_t id_min;   /* the smallest store id (0 when there is no person) */
    uint64_t id_span; /* who_off's slots, one per id from id_min; 0: who_id lists the ids */
    struct fk_snap_sect sect[RS_N];
    struct fk_snap_blocks blocks;
    uint64_t sum; /* of the bytes above */
};

_Static_assert(offsetof(struct rsnap_header, generation) ==
                   offsetof(struct fk_snap_prefix, generation),
               "the roster's header begins with fk_snap_prefix");
_Static_assert(offsetof(struct rsnap_header, sum) + 8 == sizeof(struct rsnap_header),
               "the header's seal is its last 8 bytes");

struct fk_roster {
    struct fk_snapmap map;
    int64_t generation;
    uint64_t n, ngrids, nfences, long_len;
    unsigned bits;
    const uint64_t *grid_off;
    const char *grid_text;
    const uint64_t *fence;
    const struct entry *entry;
    const char *long_text;
    int64_t id_min;
    uint64_t id_span, who_len;
    const int64_t *who_id;
    const uint32_t *who_off;
    const char *who_text;
};

static unsigned hash_bits = 64;

void fk__roster_set_hash_bits(unsigned bits)
{
    hash_bits = bits >= 1 && bits <= 64 ? bits : 64;
}

int fk__roster_section(const char *path, const char *name, uint64_t *off, uint64_t *len)
{
    static const char *const names[RS_N] = {
        [RS_GRID_OFF] = "grid_off", [RS_GRID_TEXT] = "grid_text", [RS_FENCE] = "fence",
        [RS_ENTRY] = "entry",       [RS_LONG_TEXT] = "long_text", [RS_WHO_ID] = "who_id",
        [RS_WHO_OFF] = "who_off",   [RS_WHO_TEXT] = "who_text",
    };
    return fk__snap_section(path, sizeof(struct rsnap_header), offsetof(struct rsnap_header, sect),
                            names, RS_N, name, off, len);
}

static uint64_t id_hash(const char *id, size_t n, unsigned bits)
{
    uint64_t h = XXH3_64bits(id, n);

    return bits >= 64 ? h : h >> (64 - bits);
}

static uint64_t hash_max(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
}

/* ---- building ---- */

/* The registry as fk_store_each_person_shown gives it: entry i, who_id[i] and who_off[i] of the
 * i-th person, whose record is at who_off[i] * 4 in who. */
struct build {
    struct entry *e;
    size_t n, cap;
    fk_buf longs; /* the long ID numbers */
    fk_strmap *grids;
    int64_t *who_id;
    uint32_t *who_off;
    size_t id_cap, off_cap;
    fk_buf who;
    int order; /* set when the store gave an id out of order */
};

/* Appends person p's record (grid index gi) to b->who and notes where it starts. FK_OK,
 * FK_ENOMEM, or FK_ETOOBIG when the records pass 16 GiB or one passes 4 GiB. */
static int add_who(struct build *b, const struct fk_person_row *p, int64_t gi)
{
    static const char zero[4] = {0, 0, 0, 0};
    const char *t[3] = {p->id_number, p->name ? p->name : "", p->phone ? p->phone : ""};
    uint64_t len = 0;
    uint32_t head[2];
    int i, rc;

    for (i = 0; i < 3; i++)
        len += strlen(t[i]) + 1;
    if (b->who.len / 4 >= NO_PERSON || len > UINT32_MAX)
        return FK_ETOOBIG;
    if (fk_vec_grow((void **)&b->who_id, &b->id_cap, b->n + 1, sizeof *b->who_id) != FK_OK ||
        fk_vec_grow((void **)&b->who_off, &b->off_cap, b->n + 1, sizeof *b->who_off) != FK_OK)
        return FK_ENOMEM;
    if (b->n && p->id <= b->who_id[b->n - 1])
        b->order = 1;
    b->who_id[b->n] = p->id;
    b->who_off[b->n] = (uint32_t)(b->who.len / 4);
    head[0] = (uint32_t)gi;
    head[1] = (uint32_t)len;
    rc = fk_buf_append(&b->who, head, sizeof head);
    for (i = 0; rc == FK_OK && i < 3; i++)
        rc = fk_buf_append(&b->who, t[i], strlen(t[i]) + 1);
    if (rc == FK_OK && b->who.len % 4)
        rc = fk_buf_append(&b->who, zero, 4 - b->who.len % 4);
    return rc;
}

static int take_person(void *ud, const struct fk_person_row *p)
{
    struct build *b = ud;
    const char *g = p->grid ? p->grid : "";
    size_t len = strlen(p->id_number);
    int added, rc;
    int64_t gi = fk_strmap_intern(b->grids, g, strlen(g), &added);
    struct entry *e;

    if (gi < 0 || gi > INT32_MAX || b->n >= UINT32_MAX - 1 || len > UINT32_MAX ||
        fk_vec_grow((void **)&b->e, &b->cap, b->n + 1, sizeof *b->e) != FK_OK)
        return FK_ENOMEM;
    rc = add_who(b, p, gi);
    if (rc != FK_OK)
        return rc;
    e = &b->e[b->n];
    memset(e, 0, sizeof *e);
    e->hash = id_hash(p->id_number, len, hash_bits);
    e->person = p->id;
    e->grid = (int32_t)gi;
    e->id_len = (uint32_t)len;
    if (len <= ID_INLINE) {
        memcpy(e->id, p->id_number, len);
    } else {
        uint64_t off = b->longs.len;

        memcpy(e->id, &off, sizeof off);
        if (fk_buf_append(&b->longs, p->id_number, len) != FK_OK)
            return FK_ENOMEM;
    }
    b->n++;
    return FK_OK;
}

/* The order of the n entries of e by hash, then by index, into slot (slot[i]: the index of the
 * i-th): a stable counting pass on the hash's top bits, about four entries a bucket, then an
 * insertion sort, which moves each only within its bucket. FK_OK or FK_ENOMEM. */
static int sort_slots(const struct entry *e, size_t n, unsigned bits, uint32_t *slot)
{
    unsigned k = 1;
    size_t i, j, nb;
    uint32_t *start;

    while (k < bits && k < 24 && ((size_t)1 << (k + 2)) < n)
        k++;
    nb = (size_t)1 << k;
    start = calloc(nb + 1, sizeof *start);
    if (!start)
        return FK_ENOMEM;
    for (i = 0; i < n; i++)
        start[(e[i].hash >> (bits - k)) + 1]++;
    for (i = 0; i < nb; i++)
        start[i + 1] += start[i];
    for (i = 0; i < n; i++)
        slot[start[e[i].hash >> (bits - k)]++] = (uint32_t)i;
    free(start);
    /* Equal hashes keep their order, as the counting pass left it. */
    for (i = 1; i < n; i++) {
        uint32_t s = slot[i];

        for (j = i; j > 0 && e[slot[j - 1]].hash > e[s].hash; j--)
            slot[j] = slot[j - 1];
        slot[j] = s;
    }
    return FK_OK;
}

/* Puts the n entries of e in the order of slot, in place (e[i] becomes the old e[slot[i]]), a
 * cycle at a time; slot is used up. */
static void permute(struct entry *e, uint32_t *slot, size_t n)
{
    size_t i, j, k;

    for (i = 0; i < n; i++) {
        struct entry first = e[i];

        if (slot[i] == UINT32_MAX)
            continue;
        for (j = i; slot[j] != i; j = k) {
            k = slot[j];
            e[j] = e[k];
            slot[j] = UINT32_MAX;
        }
        e[j] = first;
        slot[j] = UINT32_MAX;
    }
}

/* The grid codes as a blob of NUL-ended texts and their offsets into *text and *off (caller
 * frees both). FK_OK or FK_ENOMEM. */
static int grid_texts(const fk_strmap *grids, fk_buf *text, uint64_t **off)
{
    size_t i, n = fk_strmap_size(grids);

    *off = malloc((n ? n : 1) * sizeof **off);
    if (!*off)
        return FK_ENOMEM;
    for (i = 0; i < n; i++) {
        const char *g = fk_strmap_key(grids, (int64_t)i);

        (*off)[i] = text->len;
        if (fk_buf_append(text, g, strlen(g) + 1) != FK_OK)
            return FK_ENOMEM;
    }
    return FK_OK;
}

/* The slots of b's records: by store id from b->who_id[0] (*span of them, holes NO_PERSON) in
 * *slot (caller frees) when the ids are dense enough, else *slot NULL and *span 0 (b->who_off,
 * by b->who_id, is written as it is). FK_OK or FK_ENOMEM. */
static int who_slots(const struct build *b, uint32_t **slot, uint64_t *span)
{
    uint64_t i, n = b->n;

    *slot = NULL;
    *span = 0;
    if (!n)
        return FK_OK;
    /* The ids ascend (the store gives them by id): the last less the first is their range. */
    *span = (uint64_t)b->who_id[n - 1] - (uint64_t)b->who_id[0];
    if (*span > 2 * n + DENSE_SLACK - 1) {
        *span = 0;
        return FK_OK;
    }
    (*span)++;
    *slot = malloc(*span * sizeof **slot);
    if (!*slot)
        return FK_ENOMEM;
    for (i = 0; i < *span; i++)
        (*slot)[i] = NO_PERSON;
    for (i = 0; i < n; i++)
        (*slot)[(uint64_t)b->who_id[i] - (uint64_t)b->who_id[0]] = b->who_off[i];
    return FK_OK;
}

/* Writes the roster of b (its entries in hash order, every FENCE-th hash in fence[]) to path,
 * stamped with generation gen. */
static int write_file(const struct build *b, const uint64_t *fence, uint64_t nfences, int64_t gen,
                      const char *path, char *err, size_t errlen)
{
    struct rsnap_header h;
    struct fk_snapwriter w;
    struct fk_snap_sect *x = h.sect;
    uint64_t *goff = NULL, span = 0;
    uint32_t *slot = NULL;
    fk_buf gtext;
    int rc;

    memset(&h, 0, sizeof h);
    fk_buf_init(&gtext, 0);
    if (grid_texts(b->grids, &gtext, &goff) != FK_OK || who_slots(b, &slot, &span) != FK_OK) {
        snprintf(err, errlen, "out of memory");
        rc = FK_ENOMEM;
        goto out;
    }
    rc = fk_snapwriter_open(&w, path, sizeof h, err, errlen);
    if (rc != FK_OK)
        goto out;
    fk_snapwriter_put(&w, &x[RS_GRID_OFF], goff, fk_strmap_size(b->grids) * sizeof *goff);
    fk_snapwriter_put(&w, &x[RS_GRID_TEXT], gtext.data, gtext.len);
    fk_snapwriter_put(&w, &x[RS_FENCE], fence, nfences * sizeof *fence);
    fk_snapwriter_put(&w, &x[RS_ENTRY], b->e, b->n * sizeof *b->e);
    fk_snapwriter_put(&w, &x[RS_LONG_TEXT], b->longs.data, b->longs.len);
    if (slot) {
        fk_snapwriter_put(&w, &x[RS_WHO_ID], NULL, 0);
        fk_snapwriter_put(&w, &x[RS_WHO_OFF], slot, span * sizeof *slot);
    } else {
        fk_snapwriter_put(&w, &x[RS_WHO_ID], b->who_id, b->n * sizeof *b->who_id);
        fk_snapwriter_put(&w, &x[RS_WHO_OFF], b->who_off, b->n * sizeof *b->who_off);
    }
    fk_snapwriter_put(&w, &x[RS_WHO_TEXT], b->who.data, b->who.len);
    memcpy(h.magic, RSNAP_MAGIC, 8);
    h.version = RSNAP_VERSION;
    h.endian = FK_SNAP_ENDIAN;
    h.generation = gen;
    h.npersons = b->n;
    h.ngrids = fk_strmap_size(b->grids);
    h.nfences = nfences;
    h.hash_bits = hash_bits;
    h.fence = FENCE;
    h.id_min = b->n ? b->who_id[0] : 0;
    h.id_span = span;
    rc = fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, errlen);
out:
    free(slot);
    free(goff);
    fk_buf_fini(&gtext);
    return rc;
}

/* Puts the entries of b in hash order and writes the file. */
static int sort_and_write(struct build *b, int64_t gen, const char *path, char *err, size_t errlen)
{
    size_t nf = (b->n + FENCE - 1) / FENCE, i;
    uint32_t *slot = malloc((b->n ? b->n : 1) * sizeof *slot);
    uint64_t *fence = malloc((nf ? nf : 1) * sizeof *fence);
    int rc = slot && fence ? sort_slots(b->e, b->n, hash_bits, slot) : FK_ENOMEM;

    if (rc == FK_OK) {
        permute(b->e, slot, b->n);
        for (i = 0; i < nf; i++)
            fence[i] = b->e[i * FENCE].hash;
        rc = write_file(b, fence, nf, gen, path, err, errlen);
    } else {
        snprintf(err, errlen, "out of memory");
    }
    free(slot);
    free(fence);
    return rc;
}

/* Room in b for the persons st holds now, with a guess at their texts, its pages made present:
 * grown by doubling, the arrays were copied and faulted in page by page (a third of the write at
 * 1 M persons). Only a hint: a failure leaves b to grow as it goes. */
static void reserve(struct build *b, fk_store *st)
{
    int64_t n;

    if (fk_store_count(st, "persons", &n) != FK_OK || n <= 0 || (uint64_t)n >= UINT32_MAX)
        return;
    if (fk_vec_grow((void **)&b->e, &b->cap, (size_t)n, sizeof *b->e) == FK_OK)
        fk_mem_populate(b->e, b->cap * sizeof *b->e);
    if (fk_vec_grow((void **)&b->who_id, &b->id_cap, (size_t)n, sizeof *b->who_id) == FK_OK)
        fk_mem_populate(b->who_id, b->id_cap * sizeof *b->who_id);
    if (fk_vec_grow((void **)&b->who_off, &b->off_cap, (size_t)n, sizeof *b->who_off) == FK_OK)
        fk_mem_populate(b->who_off, b->off_cap * sizeof *b->who_off);
    if (fk_buf_reserve(&b->who, (size_t)n * WHO_GUESS) == FK_OK)
        fk_mem_populate(b->who.data, b->who.cap);
}

int fk_roster_write(fk_store *st, const char *path, char *err, size_t errlen)
{
    struct build b;
    int64_t gen;
    int rc;

    memset(&b, 0, sizeof b);
    fk_buf_init(&b.longs, 0);
    fk_buf_init(&b.who, 0);
    b.grids = fk_strmap_new();
    if (!b.grids) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    /* The generation before the read: a write while it reads makes the roster stale, never
     * wrongly current. */
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK)
        reserve(&b, st);
    if (rc == FK_OK)
        rc = fk_store_each_person_shown(st, take_person, &b);
    if (rc == FK_OK && b.order)
        rc = FK_EDB;
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc == FK_ETOOBIG)
        snprintf(err, errlen, "the persons' names and phones pass what a roster holds (16 GiB)");
    else if (rc == FK_EDB && b.order)
        snprintf(err, errlen, "the store gave its persons out of the order of their ids");
    else if (rc != FK_OK)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
    if (rc == FK_OK)
        rc = sort_and_write(&b, gen, path, err, errlen);
    free(b.e);
    free(b.who_id);
    free(b.who_off);
    fk_buf_fini(&b.who);
    fk_buf_fini(&b.longs);
    fk_strmap_free(b.grids);
    return rc;
}

/* ---- reading ---- */

void fk_roster_close(fk_roster *r)
{
    if (!r)
        return;
    fk_snapmap_close(&r->map);
    free(r);
}

/* 1 when the sections read at open are whole (every block of them intact): the grid codes, each
 * offset the start of a NUL-ended text inside the blob, and the fences. */
static int small_ok(fk_roster *r, uint64_t grid_len)
{
    uint64_t i;

    if (!fk_snapmap_need(&r->map, r->grid_off, r->ngrids * sizeof *r->grid_off) ||
        !fk_snapmap_need(&r->map, r->grid_text, grid_len) ||
        !fk_snapmap_need(&r->map, r->fence, r->nfences * sizeof *r->fence) ||
        (r->ngrids && (!grid_len || r->grid_text[grid_len - 1])))
        return 0;
    for (i = 0; i < r->ngrids; i++)
        if (r->grid_off[i] >= grid_len)
            return 0;
    return 1;
}

/* Points r's arrays into its mapping per header h; 0 when a section is out of place or one read
 * at open is damaged. */
static int place(fk_roster *r, const struct rsnap_header *h)
{
    const struct fk_snapmap *m = &r->map;
    const struct fk_snap_sect *x = h->sect;
    uint64_t n = h->npersons, nslots = h->id_span ? h->id_span : n;

    /* A dense who_off (id_span slots) is at most as large as the writer makes it, so no size
     * below overflows. */
    if (n >= UINT32_MAX || h->ngrids > INT32_MAX || h->hash_bits < 1 || h->hash_bits > 64 ||
        h->fence != FENCE || h->nfences != (n + FENCE - 1) / FENCE ||
        h->id_span > 2 * n + DENSE_SLACK)
        return 0;
    r->generation = h->generation;
    r->n = n;
    r->ngrids = h->ngrids;
    r->nfences = h->nfences;
    r->bits = h->hash_bits;
    r->long_len = x[RS_LONG_TEXT].len;
    r->grid_off = fk_snapmap_sect(m, &x[RS_GRID_OFF], h->ngrids * sizeof *r->grid_off);
    r->grid_text = fk_snapmap_sect(m, &x[RS_GRID_TEXT], UINT64_MAX);
    r->fence = fk_snapmap_sect(m, &x[RS_FENCE], h->nfences * sizeof *r->fence);
    r->entry = fk_snapmap_sect(m, &x[RS_ENTRY], n * sizeof *r->entry);
    r->long_text = fk_snapmap_sect(m, &x[RS_LONG_TEXT], UINT64_MAX);
    r->id_min = h->id_min;
    r->id_span = h->id_span;
    r->who_len = x[RS_WHO_TEXT].len;
    r->who_id = fk_snapmap_sect(m, &x[RS_WHO_ID], h->id_span ? 0 : n * sizeof *r->who_id);
    r->who_off = fk_snapmap_sect(m, &x[RS_WHO_OFF], nslots * sizeof *r->who_off);
    r->who_text = fk_snapmap_sect(m, &x[RS_WHO_TEXT], UINT64_MAX);
    return r->grid_off && r->grid_text && r->fence && r->entry && r->long_text && r->who_id &&
           r->who_off && r->who_text && small_ok(r, x[RS_GRID_TEXT].len);
}

int fk_roster_map(const char *path, fk_roster **out, int64_t *built_at, char *err, size_t errlen)
{
    struct rsnap_header h;
    fk_roster *r;
    int rc;

    *out = NULL;
    r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    rc = fk_snapmap_open(&r->map, path, RSNAP_MAGIC, RSNAP_VERSION, sizeof h,
                         offsetof(struct rsnap_header, blocks), err, errlen);
    if (rc != FK_OK) {
        free(r);
        return rc;
    }
    memcpy(&h, r->map.base, sizeof h);
    if (!place(r, &h)) {
        snprintf(err, errlen, "the roster %s is damaged", path);
        fk_roster_close(r);
        return FK_ENOENT;
    }
    if (built_at)
        *built_at = r->generation;
    *out = r;
    return FK_OK;
}

int fk_roster_open(fk_store *st, const char *path, fk_roster **out, char *err, size_t errlen)
{
    int64_t gen, igen;
    int rc;

    *out = NULL;
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK)
        rc = fk_store_index_generation(st, FK_FEEDS_ROSTER, &igen);
    if (rc == FK_EINVAL) {
        snprintf(err, errlen, "this store keeps no generation of its persons: no roster");
        return FK_ENOENT;
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
        return FK_EDB;
    }
    rc = fk_roster_map(path, out, NULL, err, errlen);
    /* Current while no person was written after its build. */
    if (rc == FK_OK && !fk_index_current((*out)->generation, igen, gen)) {
        snprintf(err, errlen,
                 "the roster was built at generation %lld; the persons changed at %lld, the "
                 "store is at %lld",
                 (long long)(*out)->generation, (long long)igen, (long long)gen);
        fk_roster_close(*out);
        *out = NULL;
        rc = FK_ENOENT;
    }
    return rc;
}

uint64_t fk_roster_count(const fk_roster *r)
{
    return r->n;
}

int fk_roster_verify(fk_roster *r)
{
    return fk_snapmap_need_all(&r->map) ? FK_OK : FK_EIO;
}

/* The entries [*lo, *hi) that hold the first hash at least h, or else it is at *hi, from the
 * fences: all their hashes lie in [*a, *b]. */
static void fence_range(const fk_roster *r, uint64_t h, uint64_t *lo, uint64_t *hi, uint64_t *a,
                        uint64_t *b)
{
    uint64_t l = 0, u = r->nfences;

    /* l: how many fences are below h. */
    while (l < u) {
        uint64_t mid = l + (u - l) / 2;

        if (r->fence[mid] < h)
            l = mid + 1;
        else
            u = mid;
    }
    *lo = l ? (l - 1) * FENCE + 1 : 0;
    *a = l ? r->fence[l - 1] : 0;
    *hi = l < r->nfences ? l * FENCE : r->n;
    *b = l < r->nfences ? r->fence[l] : hash_max(r->bits);
}

/* The next probe of the search for h in [lo, hi), whose hashes lie in [a, b]: where h would sit
 * were they spread evenly, or the middle. */
static uint64_t guess(uint64_t lo, uint64_t hi, uint64_t a, uint64_t b, uint64_t h, int bisect)
{
    uint64_t g;

    if (bisect || b <= a)
        return lo + (hi - lo) / 2;
    g = lo + (uint64_t)((double)(h - a) / (double)(b - a) * (double)(hi - lo - 1));
    return g < hi ? g : hi - 1;
}

/* The first index whose hash is at least h (r->n when none) into *at. 0 when a block it would
 * read is damaged. */
static int lower_bound(fk_roster *r, uint64_t h, uint64_t *at)
{
    const struct entry *e = r->entry;
    uint64_t lo, hi, a, b;
    int bisect = 0;

    fence_range(r, h, &lo, &hi, &a, &b);
    if (!fk_snapmap_need(&r->map, e + lo, (hi - lo) * sizeof *e))
        return 0;
    /* Invariant: hashes before lo are below h, those from hi on at least h, and those between
     * lie in [a, b]. */
    while (hi - lo > LINEAR) {
        uint64_t width = hi - lo, g = guess(lo, hi, a, b, h, bisect), v = e[g].hash;

        if (v < h) {
            lo = g + 1;
            a = v;
        } else {
            hi = g;
            b = v;
        }
        /* A guess that failed to halve the range is followed by a bisection. */
        bisect = !bisect && hi - lo > width / 2;
    }
    while (lo < hi && e[lo].hash < h)
        lo++;
    *at = lo;
    return 1;
}

/* Whether entry e (checked) is the person of the n bytes of id: 1 yes, 0 no, -1 damaged. */
static int entry_is(fk_roster *r, const struct entry *e, const char *id, size_t n)
{
    uint64_t off;

    if (e->grid < 0 || (uint64_t)e->grid >= r->ngrids)
        return -1;
    if (e->id_len != n)
        return 0;
    if (n <= ID_INLINE)
        return memcmp(e->id, id, n) == 0;
    memcpy(&off, e->id, sizeof off);
    if (off > r->long_len || n > r->long_len - off ||
        !fk_snapmap_need(&r->map, r->long_text + off, n))
        return -1;
    return memcmp(r->long_text + off, id, n) == 0;
}

int fk_roster_find(fk_roster *r, const char *id, size_t n, int64_t *person, const char **grid)
{
    uint64_t h = id_hash(id, n, r->bits), i;

    *person = -1;
    *grid = NULL;
    if (!lower_bound(r, h, &i))
        return FK_EIO;
    /* Every entry with this hash, in turn: different ID numbers may share one. */
    for (; i < r->n; i++) {
        const struct entry *e = &r->entry[i];
        int is;

        if (!fk_snapmap_need(&r->map, e, sizeof *e))
            return FK_EIO;
        if (e->hash != h)
            break;
        is = entry_is(r, e, id, n);
        if (is < 0)
            return FK_EIO;
        if (is) {
            *person = e->person;
            *grid = r->grid_text + r->grid_off[e->grid];
            return FK_OK;
        }
    }
    return FK_ENOENT;
}

/* The slot of store id person among the ids who_id lists (id_span 0), by bisection, into *at.
 * FK_OK, FK_ENOENT, or FK_EIO when a block it read is damaged. */
static int who_find(fk_roster *r, int64_t person, uint64_t *at)
{
    uint64_t lo = 0, hi = r->n;

    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (!fk_snapmap_need(&r->map, &r->who_id[mid], sizeof *r->who_id))
            return FK_EIO;
        if (r->who_id[mid] < person)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == r->n)
        return FK_ENOENT;
    if (!fk_snapmap_need(&r->map, &r->who_id[lo], sizeof *r->who_id))
        return FK_EIO;
    *at = lo;
    return r->who_id[lo] == person ? FK_OK : FK_ENOENT;
}

/* The record at byte off of who_text into *out: its texts must be three NUL-ended ones filling
 * its length, and its grid one of the grids, else it is damaged (FK_EIO). */
static int who_at(fk_roster *r, uint64_t off, struct fk_roster_who *out)
{
    const char *rec, *txt, *end, *id_nul, *name_nul;
    uint32_t head[2];

    if (off > r->who_len || r->who_len - off < sizeof head)
        return FK_EIO;
    rec = r->who_text + off;
    if (!fk_snapmap_need(&r->map, rec, sizeof head))
        return FK_EIO;
    memcpy(head, rec, sizeof head);
    txt = rec + sizeof head;
    if (head[0] >= r->ngrids || head[1] < 3 || head[1] > r->who_len - off - sizeof head ||
        !fk_snapmap_need(&r->map, txt, head[1]))
        return FK_EIO;
    /* The last byte ends the phone; the ID number's NUL and the name's come before it, and no
     * other. */
    end = txt + head[1] - 1;
    id_nul = memchr(txt, 0, head[1] - 1);
    name_nul = id_nul ? memchr(id_nul + 1, 0, (size_t)(end - id_nul - 1)) : NULL;
    if (*end || !name_nul || memchr(name_nul + 1, 0, (size_t)(end - name_nul - 1)))
        return FK_EIO;
    out->id_number = txt;
    out->name = id_nul + 1;
    out->phone = name_nul + 1;
    out->grid = r->grid_text + r->grid_off[head[0]];
    return FK_OK;
}

int fk_roster_person(fk_roster *r, int64_t person, struct fk_roster_who *out)
{
    uint64_t at;
    int rc;

    memset(out, 0, sizeof *out);
    if (r->id_span) {
        at = (uint64_t)person - (uint64_t)r->id_min;
        if (person < r->id_min || at >= r->id_span)
            return FK_ENOENT;
    } else {
        rc = who_find(r, person, &at);
        if (rc != FK_OK)
            return rc;
    }
    if (!fk_snapmap_need(&r->map, &r->who_off[at], sizeof *r->who_off))
        return FK_EIO;
    if (r->who_off[at] == NO_PERSON)
        return FK_ENOENT;
    rc = who_at(r, (uint64_t)r->who_off[at] * 4, out);
    if (rc != FK_OK)
        memset(out, 0, sizeof *out);
    return rc;
}
