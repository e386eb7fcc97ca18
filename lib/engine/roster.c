/* SPDX-License-Identifier: MIT */
/* The roster (see fk/roster.h): the registry's ID numbers, store ids and grids in a mapped file,
 * so an import finds the persons its rows name without reading the persons table. Built from the
 * store after an import that wrote persons (lib/action/snapshots.c); read by the ingest through
 * the fk_import_opts.find_person hook. Reads the store, never writes it.
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
#define RSNAP_VERSION 1u

/* One fence every FENCE entries. */
#define FENCE 256u

/* Below this many candidates the search reads them in turn. */
#define LINEAR 8

/* ID numbers of at most this many bytes are kept in their entry. */
#define ID_INLINE 24

enum {
    RS_GRID_OFF,  /* uint64 per grid: where its NUL-ended code starts in grid_text */
    RS_GRID_TEXT, /* the grid codes */
    RS_FENCE,     /* uint64: entry[k * FENCE].hash for every k */
    RS_ENTRY,     /* struct entry per person, by hash, then by the store's order */
    RS_LONG_TEXT, /* the ID numbers longer than ID_INLINE, end to end */
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
        [RS_ENTRY] = "entry",       [RS_LONG_TEXT] = "long_text",
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

/* The registry as fk_store_each_person_key gives it: entry i of the i-th person. */
struct build {
    struct entry *e;
    size_t n, cap;
    fk_buf longs; /* the long ID numbers */
    fk_strmap *grids;
};

static int take_person(void *ud, const struct fk_person_row *p)
{
    struct build *b = ud;
    const char *g = p->grid ? p->grid : "";
    size_t len = strlen(p->id_number);
    int added;
    int64_t gi = fk_strmap_intern(b->grids, g, strlen(g), &added);
    struct entry *e;

    if (gi < 0 || gi > INT32_MAX || b->n >= UINT32_MAX - 1 || len > UINT32_MAX ||
        fk_vec_grow((void **)&b->e, &b->cap, b->n + 1, sizeof *b->e) != FK_OK)
        return FK_ENOMEM;
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

/* Writes the roster of b (its entries in hash order, every FENCE-th hash in fence[]) to path,
 * stamped with generation gen. */
static int write_file(const struct build *b, const uint64_t *fence, uint64_t nfences, int64_t gen,
                      const char *path, char *err, size_t errlen)
{
    struct rsnap_header h;
    struct fk_snapwriter w;
    struct fk_snap_sect *x = h.sect;
    uint64_t *goff = NULL;
    fk_buf gtext;
    int rc;

    memset(&h, 0, sizeof h);
    fk_buf_init(&gtext, 0);
    if (grid_texts(b->grids, &gtext, &goff) != FK_OK) {
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
    memcpy(h.magic, RSNAP_MAGIC, 8);
    h.version = RSNAP_VERSION;
    h.endian = FK_SNAP_ENDIAN;
    h.generation = gen;
    h.npersons = b->n;
    h.ngrids = fk_strmap_size(b->grids);
    h.nfences = nfences;
    h.hash_bits = hash_bits;
    h.fence = FENCE;
    rc = fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, errlen);
out:
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

int fk_roster_write(fk_store *st, const char *path, char *err, size_t errlen)
{
    struct build b;
    int64_t gen;
    int rc;

    memset(&b, 0, sizeof b);
    fk_buf_init(&b.longs, 0);
    b.grids = fk_strmap_new();
    if (!b.grids) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    /* The generation before the read: a write while it reads makes the roster stale, never
     * wrongly current. */
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK)
        rc = fk_store_each_person_key(st, take_person, &b);
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_OK)
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
    if (rc == FK_OK)
        rc = sort_and_write(&b, gen, path, err, errlen);
    free(b.e);
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
    uint64_t n = h->npersons;

    if (n >= UINT32_MAX || h->ngrids > INT32_MAX || h->hash_bits < 1 || h->hash_bits > 64 ||
        h->fence != FENCE || h->nfences != (n + FENCE - 1) / FENCE)
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
    return r->grid_off && r->grid_text && r->fence && r->entry && r->long_text &&
           small_ok(r, x[RS_GRID_TEXT].len);
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
