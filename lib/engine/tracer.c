/* SPDX-License-Identifier: MIT */
/* The tracer (see fk/tracer.h): indexes over scans and pings so a case touches only its own venues
 * and cells, and the tracing rules applied over them.
 *
 * DESIGN NOTES
 * - Every event is held twice, 16 bytes in all: in person order (venue or cell int32 + time
 *   uint32: "where was this person") and in place order as one uint64 key per event, (time << 32 |
 *   person) for venues and (slot << 32 | person) for cells, sorted within each place ("who else was
 *   here then"). A venue's window [t - W, t + W] is then two binary searches and a contiguous run.
 * - fk_tracer_new puts each person's scans in time order, whatever order they come in (a person's
 *   scans at one time may stay in any order: the rules never tell them apart). The store gives
 *   them by venue, a benchmark day by day: insertion sort, or quicksort when far from sorted.
 * - Place order is built from person order by a counting sort on the place, then each place's run
 *   is sorted by key (insertion sort for short runs, LSD radix over the key bytes that vary for
 *   long ones, so a Zipf-popular venue with millions of scans costs linear time).
 * - A run keeps the best reason per person in a dense array (person -> index + 1 in a record
 *   array, 0: none), cleared afterwards through the records it lists. A record (struct rec) is
 *   24 bytes, half an fk_contact: the exposure and the root are derived from it, and the answer's
 *   fk_contacts are made only by the final gather. fk_contact_better decides;
 *   reasons equal in all it compares (same category, exposure, source, venue) keep the one the
 *   rules meet first: the source's scans in order (case rows, then the person's time order: the
 *   "rank"), then the earlier contact scan. So the answer, times included, does not depend on the
 *   plan below or on the order in which cases or events are visited.
 * - Venue contacts have two plans, chosen by estimated cost (sampled pair count against scans to
 *   read). "offer": for each source scan, every key in its venue window is offered (cost: the scan
 *   pairs). "pass": each venue with source scans has a cover, the best source scan as a
 *   piecewise-constant function of the contact's scan time (at most 3 segments a source scan,
 *   found through a bucket table); then one pass over the scans, in person order, of everyone
 *   who can still gain, stopping at the first scan later than the person's best exposure (cost:
 *   about the scans, however many pairs; on the brief's Zipf city a case scan meets thousands).
 *   The pass looks a scan up only when its time is inside [first source scan - W, last + W] and
 *   its venue's 64-bit mask (a bit per 1/64 of that span) says some source scan is near.
 * - Threads: plan "pass" (first and second degree) and plan "offer" (first degree) cut the persons
 *   into parts (by scans, or by persons), one a core once the work pays for a thread. A part
 *   changes only its own persons' slots and records and puts the persons it lists first in a
 *   block of its own; the blocks are closed up afterwards. Each person meets the same offers in
 *   the same order as on one thread, and the contact array's order does not reach the answer
 *   (it is sorted by category, exposure and person), so the answer is the same on any number of
 *   threads. The passes of the final sort (counting, keys, radix, gather) are cut likewise.
 * - Depth 2 takes as targets only the persons neither close nor a case (a secondary reason never
 *   beats a close one), and as source scans only those at venues a target scanned; with no
 *   target, it is skipped.
 * - Scratch (the dense array, the record array, the sort keys, the cover's arrays up to 64 MiB
 *   each) is kept in the tracer for the next run under a mutex (trylock: a concurrent run
 *   allocates its own), since at full scale first-touch page faults cost more than the tracing.
 *   fk_tracer_run's result is a new array each run; fk_tracer_run_into writes into the caller's,
 *   kept across runs, for the same reason. Big blocks are advised to huge pages (fewer
 *   first-touch faults, fewer TLB misses).
 * - The result is ordered by a stable LSD radix sort of (category, exposure - lo) << 32 | index
 *   made in person order, when exposures span less than 2^30 s; qsort otherwise. lo and the span
 *   are bounds kept as records are stored (every exposure ever stored, a replaced one too), so
 *   that no pass over the records precedes the sort.
 * - Invariants: scan_start/ping_start are monotone with [npersons] = event count; every venue,
 *   cell and household index is < its count; keys within a place are ascending. */
#include "fk/tracer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/error.h"
#include "fk/msg.h"
#include "fk/snapfile.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

struct fk_tracer {
    struct fk_trace_input in;
    struct fk_profile prof;
    uint64_t *venue_start; /* nvenues + 1 */
    uint64_t *venue_key;   /* time << 32 | person */
    uint64_t *cell_start;  /* ncells + 1 */
    uint64_t *cell_key;    /* slot << 32 | person */
    uint32_t *hh_start;    /* nhouseholds + 1 */
    int32_t *hh_member;
    uint8_t *is_case; /* npersons */
    /* Codes, when built from a store (names are read through the caller's connection). */
    int from_store;
    fk_strmap *households, *cells;
    int32_t *venue_code; /* venue index -> index in venues */
    fk_strmap *venues;
    char **venue_name; /* index in venues -> the venue's name (owned; NULL: none) */
    size_t venue_name_cap;
    /* Loaded from a snapshot (fk_tracer_load): every array above points into its mapping
     * (map.base), the codes and names are blobs of NUL-ended texts with their offsets (a name "":
     * none; each offset bounded by len where it is read), and the string maps are NULL. */
    struct fk_snapmap map;
    struct texts {
        const char *blob;
        const uint64_t *off;
        size_t n;
        uint64_t len;
    } hh_codes, cell_codes, venue_codes, venue_names;
    double build_seconds;
    /* Rendering (fk_tracer_use_roster): the roster persons are shown from (borrowed; NULL: the
     * store alone), and how many persons it has shown from the roster [0] and the store [1]. */
    fk_roster *roster;
    _Atomic uint64_t named[2];
    int plan;    /* fk__tracer_set_plan: 0 lets fk_tracer_run choose */
    int threads; /* fk__tracer_set_threads: 0 lets fk_tracer_run choose */
    /* A run's scratch, kept for the next run (see "running"): fresh pages cost more than the
     * tracing itself at full scale. A run that finds the lock taken allocates its own. */
    pthread_mutex_t lock;
    struct spare {
        int32_t *slot; /* npersons, all 0 */
        struct rec *c;
        size_t cap;
        uint64_t *key, *tmp;
        size_t keycap;
        struct cover *cover; /* its arrays (see cover_trim), or NULL */
    } spare;
};

/* Text i of a built tracer's map m, or of a loaded one's blob x; NULL when there is none. */
static const char *text_at(const fk_strmap *m, const struct texts *x, int64_t i)
{
    if (m)
        return i >= 0 && (size_t)i < fk_strmap_size(m) ? fk_strmap_key(m, i) : NULL;
    return x->off && i >= 0 && (size_t)i < x->n && x->off[i] < x->len ? x->blob + x->off[i] : NULL;
}

struct cover;
static void cover_free(struct cover *cv);
static void run_parts(void *(*fn)(void *), void *arg, size_t size, size_t k);
static size_t nparts_for(const fk_tracer *t, uint64_t work, uint64_t per_thread);
/* A thread pays for itself from this many scans read. */
#define PASS_SCANS_A_THREAD (UINT64_C(1) << 22)

static void free_input(struct fk_trace_input *in)
{
    free(in->household);
    free(in->scan_start);
    free(in->scan_venue);
    free(in->scan_time);
    free(in->ping_start);
    free(in->ping_cell);
    free(in->ping_time);
    free(in->cases);
    memset(in, 0, sizeof *in);
}

void fk_tracer_free(fk_tracer *t)
{
    size_t v;

    if (!t)
        return;
    if (t->map.base) { /* the arrays live in the snapshot's mapping */
        fk_snapmap_close(&t->map);
        memset(&t->in, 0, sizeof t->in);
        t->venue_start = t->venue_key = t->cell_start = t->cell_key = NULL;
        t->hh_start = NULL;
        t->hh_member = NULL;
        t->is_case = NULL;
        t->venue_code = NULL;
    }
    free_input(&t->in);
    free(t->venue_start);
    free(t->venue_key);
    free(t->cell_start);
    free(t->cell_key);
    free(t->hh_start);
    free(t->hh_member);
    free(t->is_case);
    fk_strmap_free(t->households);
    fk_strmap_free(t->cells);
    for (v = 0; t->venue_name && v < t->venue_name_cap; v++)
        free(t->venue_name[v]);
    free(t->venue_name);
    fk_strmap_free(t->venues);
    free(t->venue_code);
    free(t->spare.slot);
    free(t->spare.c);
    free(t->spare.key);
    free(t->spare.tmp);
    if (t->spare.cover)
        cover_free(t->spare.cover);
    free(t->spare.cover);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* ---- building ---- */

/* Insertion sort of a[0..n) that gives up after `budget` moves: 1 when a is sorted. */
static int insertion_sort_within(uint64_t *a, size_t n, size_t budget)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        uint64_t v = a[i];

        for (j = i; j > 0 && a[j - 1] > v; j--) {
            if (budget-- == 0) {
                a[j] = v; /* a stays a permutation of what it was */
                return 0;
            }
            a[j] = a[j - 1];
        }
        a[j] = v;
    }
    return 1;
}

static void insertion_sort(uint64_t *a, size_t n)
{
    (void)insertion_sort_within(a, n, SIZE_MAX);
}

/* Sorts a[0..n) by the key bytes from `from` (0: the whole key) up, using tmp[0..n): LSD radix
 * by bytes, skipping bytes equal in all keys. Stable: keys equal in those bytes keep their
 * order. */
static void radix_sort(uint64_t *a, uint64_t *tmp, size_t n, int from)
{
    uint64_t all_or = 0, all_and = ~(uint64_t)0;
    size_t i, count[256];
    int byte;

    for (i = 0; i < n; i++) {
        all_or |= a[i];
        all_and &= a[i];
    }
    for (byte = from; byte < 8; byte++) {
        int shift = byte * 8;
        size_t sum = 0;
        uint64_t *swap;

        if ((((all_or ^ all_and) >> shift) & 0xFF) == 0)
            continue; /* this byte is the same in every key */
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(a[i] >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];

            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0xFF]++] = a[i];
        swap = a;
        memcpy(swap, tmp, n * sizeof *a);
    }
}

/* Sorts a[0..n) (tmp: room for n). Short runs, and runs nearly in order (as a day-by-day log
 * is), by insertion; others by quicksort (median of three, the smaller side first so the stack
 * stays O(log n)), or radix_sort when long, where quicksort's worst case could bite. A
 * person's scans are a few dozen. */
static void sort_keys(uint64_t *a, uint64_t *tmp, size_t n)
{
    if (insertion_sort_within(a, n, n <= 24 ? SIZE_MAX : 2 * n))
        return;
    while (n > 24) {
        uint64_t x, y, z, pivot, swap;
        size_t i = (size_t)-1, j = n;

        if (n > 512) {
            radix_sort(a, tmp, n, 0);
            return;
        }
        x = a[0];
        y = a[n / 2];
        z = a[n - 1];
        pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
        /* Hoare's partition. The pivot is the median of a[0], a[n / 2] and a[n - 1], so one of
         * the first two is >= it: i first stops at n / 2 or before, and 0 <= j < n - 1. Both
         * sides are smaller than n. */
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            swap = a[i];
            a[i] = a[j];
            a[j] = swap;
        }
        /* a[0..j] <= pivot <= a[j+1..n) */
        if (j + 1 < n - j - 1) {
            sort_keys(a, tmp, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_keys(a + j + 1, tmp, n - j - 1);
            n = j + 1;
        }
    }
    insertion_sort(a, n);
}

/* A part of the persons for order_by_time: persons [from, to), scratch for the longest run. */
struct order_part {
    const uint64_t *start;
    int32_t *place;
    uint32_t *tm;
    size_t from, to;
    uint64_t *key, *tmp;
};

static void *order_part(void *arg)
{
    struct order_part *op = arg;
    uint64_t *key = op->key;
    size_t p;

    for (p = op->from; p < op->to; p++) {
        uint64_t e, b = op->start[p], n = op->start[p + 1] - b;
        uint32_t *tm = op->tm + b;
        int32_t *place = op->place + b;

        for (e = 1; e < n && tm[e - 1] <= tm[e]; e++)
            ;
        if (e >= n)
            continue; /* already in time order (ties in any venue order: equal for the rules) */
        for (e = 0; e < n; e++)
            key[e] = (uint64_t)tm[e] << 32 | (uint32_t)place[e];
        sort_keys(key, op->tmp, n);
        for (e = 0; e < n; e++) {
            tm[e] = (uint32_t)(key[e] >> 32);
            place[e] = (int32_t)(uint32_t)key[e];
        }
    }
    return NULL;
}

/* Puts each person's scans in time order (then venue order among equal times), in place, so that
 * a pass over a person's scans can stop at the first one too late to matter; parts of the
 * persons on `nparts` threads. FK_OK or FK_ENOMEM. */
static int order_by_time(size_t npersons, const uint64_t *start, int32_t *place, uint32_t *tm,
                         size_t nparts)
{
    struct order_part part[FK__TRACE_MAX_THREADS];
    size_t p, i, maxrun = 0;
    int rc = FK_OK;

    for (p = 0; p < npersons; p++)
        if (start[p + 1] - start[p] > maxrun)
            maxrun = start[p + 1] - start[p];
    memset(part, 0, sizeof part);
    for (i = 0; i < nparts; i++) {
        part[i].start = start;
        part[i].place = place;
        part[i].tm = tm;
        part[i].from = npersons / nparts * i;
        part[i].to = i + 1 == nparts ? npersons : npersons / nparts * (i + 1);
        part[i].key = malloc((maxrun ? maxrun : 1) * sizeof *part[i].key);
        part[i].tmp = malloc((maxrun ? maxrun : 1) * sizeof *part[i].tmp);
        if (!part[i].key || !part[i].tmp)
            rc = FK_ENOMEM;
    }
    if (rc == FK_OK)
        run_parts(order_part, part, sizeof part[0], nparts);
    for (i = 0; i < nparts; i++) {
        free(part[i].key);
        free(part[i].tmp);
    }
    return rc;
}

/* From person-order events (place[], time[] by person CSR start[]) builds the place-order index:
 * *pstart (nplaces + 1) and *pkey, key = (time / div) << 32 | person. */
static int place_index(size_t npersons, const uint64_t *start, const int32_t *place,
                       const uint32_t *tm, size_t nplaces, uint32_t div, uint64_t **pstart,
                       uint64_t **pkey)
{
    size_t nev = start[npersons], p, v, maxrun = 0;
    uint64_t *ps = calloc(nplaces + 1, sizeof *ps), *key = NULL, *fill = NULL, *tmp = NULL;
    int rc = FK_ENOMEM;

    if (!ps)
        goto out;
    key = malloc((nev ? nev : 1) * sizeof *key);
    fill = malloc((nplaces + 1) * sizeof *fill);
    if (!key || !fill)
        goto out;
    for (p = 0; p < nev; p++) {
        if (place[p] < 0 || (size_t)place[p] >= nplaces) {
            rc = FK_EINVAL;
            goto out;
        }
        ps[place[p] + 1]++;
    }
    for (v = 0; v < nplaces; v++) {
        ps[v + 1] += ps[v];
        if (ps[v + 1] - ps[v] > maxrun)
            maxrun = ps[v + 1] - ps[v];
    }
    memcpy(fill, ps, (nplaces + 1) * sizeof *fill);
    for (p = 0; p < npersons; p++) {
        uint64_t e;

        for (e = start[p]; e < start[p + 1]; e++)
            key[fill[place[e]]++] = ((uint64_t)(tm[e] / div) << 32) | (uint64_t)p;
    }
    tmp = malloc((maxrun ? maxrun : 1) * sizeof *tmp);
    if (!tmp)
        goto out;
    for (v = 0; v < nplaces; v++) {
        size_t n = ps[v + 1] - ps[v];

        if (n <= 32)
            insertion_sort(key + ps[v], n);
        else
            radix_sort(key + ps[v], tmp, n, 0);
    }
    *pstart = ps;
    *pkey = key;
    ps = NULL;
    key = NULL;
    rc = FK_OK;
out:
    free(ps);
    free(key);
    free(fill);
    free(tmp);
    return rc;
}

int fk_tracer_new(struct fk_trace_input *in, const struct fk_profile *p, fk_tracer **out)
{
    fk_tracer *t = calloc(1, sizeof *t);
    double t0 = fk_mono_seconds();
    uint32_t *fill = NULL;
    size_t i;
    int rc = FK_ENOMEM;

    *out = NULL;
    if (!t) {
        free_input(in);
        return FK_ENOMEM;
    }
    pthread_mutex_init(&t->lock, NULL);
    atomic_init(&t->named[0], 0);
    atomic_init(&t->named[1], 0);
    t->in = *in;
    memset(in, 0, sizeof *in);
    t->prof = *p;
    rc = order_by_time(t->in.npersons, t->in.scan_start, t->in.scan_venue, t->in.scan_time,
                       nparts_for(t, t->in.scan_start[t->in.npersons], PASS_SCANS_A_THREAD));
    if (rc == FK_OK)
        rc = place_index(t->in.npersons, t->in.scan_start, t->in.scan_venue, t->in.scan_time,
                         t->in.nvenues, 1, &t->venue_start, &t->venue_key);
    if (rc == FK_OK)
        rc = place_index(t->in.npersons, t->in.ping_start, t->in.ping_cell, t->in.ping_time,
                         t->in.ncells, (uint32_t)p->companion_slot_minutes * 60, &t->cell_start,
                         &t->cell_key);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    t->hh_start = calloc(t->in.nhouseholds + 1, sizeof *t->hh_start);
    t->hh_member = malloc((t->in.npersons ? t->in.npersons : 1) * sizeof *t->hh_member);
    fill = malloc((t->in.nhouseholds + 1) * sizeof *fill);
    t->is_case = calloc(t->in.npersons ? t->in.npersons : 1, 1);
    if (!t->hh_start || !t->hh_member || !fill || !t->is_case)
        goto out;
    for (i = 0; i < t->in.npersons; i++) {
        int32_t h = t->in.household[i];

        if (h >= 0 && (size_t)h >= t->in.nhouseholds) {
            rc = FK_EINVAL; /* as the header promises, rather than a read past the index */
            goto out;
        }
        if (h >= 0)
            t->hh_start[h + 1]++;
    }
    for (i = 0; i < t->in.nhouseholds; i++)
        t->hh_start[i + 1] += t->hh_start[i];
    memcpy(fill, t->hh_start, (t->in.nhouseholds + 1) * sizeof *fill);
    for (i = 0; i < t->in.npersons; i++) {
        int32_t h = t->in.household[i];

        if (h >= 0 && (size_t)h < t->in.nhouseholds)
            t->hh_member[fill[h]++] = (int32_t)i;
    }
    for (i = 0; i < t->in.ncases; i++) {
        if (t->in.cases[i].person < 0 || (size_t)t->in.cases[i].person >= t->in.npersons) {
            rc = FK_EINVAL;
            goto out;
        }
        t->is_case[t->in.cases[i].person] = 1;
    }
    t->build_seconds = fk_mono_seconds() - t0;
    *out = t;
    t = NULL;
    rc = FK_OK;
out:
    free(fill);
    fk_tracer_free(t);
    return rc;
}

/* Reading the store: persons (households), venues, cells, scans, pings, cases. */
struct load {
    fk_tracer *t; /* names only */
    struct fk_trace_input *in;
    size_t cap_persons, cap_scans, cap_pings, cap_cases;
    int rc;
    /* Progress: the stage being read and its rows so far. */
    fk_build_progress_fn progress;
    void *progress_ud;
    const char *stage;
    uint64_t rows;
};

/* Rows between two progress calls: cheap beside reading them, often enough for a bar. */
#define PROGRESS_EVERY 65536

/* Counts a row of the stage being read, and reports it now and then. */
static void tick(struct load *l)
{
    if (++l->rows % PROGRESS_EVERY == 0 && l->progress)
        l->progress(l->progress_ud, l->stage, l->rows, 0);
}

/* Ends the stage being read (reported done, with its count of rows) and starts `next` (NULL:
 * none). */
static void next_stage(struct load *l, const char *next)
{
    if (l->stage && l->progress)
        l->progress(l->progress_ud, l->stage, l->rows, l->rows);
    l->stage = next;
    l->rows = 0;
}

/* Asks the kernel to back the pages of p[0..bytes) with huge pages, when that is big enough to
 * matter. A first touch of a 4 KiB page costs about 3.5 us on the VM measured (a large answer
 * writes hundreds of MB of them), a 2 MiB one about what zeroing it costs; random reads over a
 * big array also miss the TLB less. Only advice: without it (or THP disabled) nothing changes. */
#define HUGE_FROM (UINT64_C(4) << 20)

static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = (uintptr_t)p, z = a + bytes, pg = 4096;

    if (!p || bytes < HUGE_FROM)
        return;
    a = (a + pg - 1) & ~(pg - 1);
    z &= ~(pg - 1);
    if (z > a)
        (void)madvise((void *)a, z - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* malloc, with huge pages advised for a big block. */
static void *big_malloc(size_t bytes)
{
    void *p = malloc(bytes);

    advise_huge(p, bytes);
    return p;
}

/* fk_vec_grow from at least 1024 elements, with the grown block advised for huge pages. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    size_t old = *cap;

    if (fk_vec_grow(p, cap, !old && need < 1024 ? 1024 : need, size) != FK_OK)
        return FK_ENOMEM;
    if (*cap != old)
        advise_huge(*p, *cap * size);
    return FK_OK;
}

static int on_person(void *ud, const struct fk_person_row *r)
{
    struct load *l = ud;
    size_t id = (size_t)r->id, cap = l->cap_persons, k;
    int added;

    tick(l);

    if (r->id < 0 || r->id >= INT32_MAX)
        return l->rc = FK_EDB;
    if (grow((void **)&l->in->household, &l->cap_persons, id + 1, sizeof(int32_t)) != FK_OK)
        return l->rc = FK_ENOMEM;
    for (k = cap; k < l->cap_persons; k++)
        l->in->household[k] = -1;
    if (id + 1 > l->in->npersons)
        l->in->npersons = id + 1;
    if (r->household && *r->household) {
        int64_t h = fk_strmap_intern(l->t->households, r->household, strlen(r->household), &added);

        if (h < 0)
            return l->rc = FK_ENOMEM;
        l->in->household[id] = (int32_t)h;
    }
    return 0;
}

static int on_venue(void *ud, const struct fk_venue_row *v)
{
    struct load *l = ud;
    int added;
    int64_t i = fk_strmap_intern(l->t->venues, v->code, strlen(v->code), &added);
    size_t cap = l->in->nvenues, k;

    tick(l);

    if (i < 0 || v->id < 0 || v->id >= INT32_MAX)
        return l->rc = FK_ENOMEM;
    if ((size_t)v->id >= cap) {
        /* from 1024, as fk_tracer_stats counts the capacity */
        if (fk_vec_grow((void **)&l->t->venue_code, &l->in->nvenues,
                        !cap && v->id < 1024 ? 1024 : (size_t)v->id + 1,
                        sizeof *l->t->venue_code) != FK_OK)
            return l->rc = FK_ENOMEM;
        for (k = cap; k < l->in->nvenues; k++)
            l->t->venue_code[k] = -1;
    }
    l->t->venue_code[v->id] = (int32_t)i;
    /* Its name, for the chain's edges ("场所1" rather than V0001). */
    if ((size_t)i >= l->t->venue_name_cap) {
        size_t old = l->t->venue_name_cap;

        if (fk_vec_grow((void **)&l->t->venue_name, &l->t->venue_name_cap, (size_t)i + 1,
                        sizeof *l->t->venue_name) != FK_OK)
            return l->rc = FK_ENOMEM;
        for (k = old; k < l->t->venue_name_cap; k++)
            l->t->venue_name[k] = NULL;
    }
    if (v->name && *v->name && !l->t->venue_name[i]) {
        l->t->venue_name[i] = strdup(v->name);
        if (!l->t->venue_name[i])
            return l->rc = FK_ENOMEM;
    }
    return 0;
}

const char *fk_tracer_via_name(const fk_tracer *t, const struct fk_contact *c)
{
    const char *s;
    int32_t i;

    if (c->via != FK_VIA_VENUE || !t->venue_code || c->via_id < 0 ||
        (size_t)c->via_id >= t->in.nvenues)
        return NULL;
    i = t->venue_code[c->via_id];
    if (!t->map.base)
        return t->venue_name && i >= 0 && (size_t)i < t->venue_name_cap ? t->venue_name[i] : NULL;
    s = text_at(NULL, &t->venue_names, i);
    return s && *s ? s : NULL;
}

/* Appends one event of a person to a person-order CSR being filled in person order: place and
 * time grow together, and start[person + 1] counts (prefix sums come at the end). */
/* Whether an event of person at when can be traced: a known person, a time within uint32. */
static int traceable(const struct fk_trace_input *in, int64_t person, int64_t when)
{
    return person >= 0 && (size_t)person < in->npersons && when >= 0 && when <= UINT32_MAX;
}

static int add_event(struct load *l, uint64_t **start, int32_t **place, uint32_t **tm, size_t *cap,
                     size_t *nev, int64_t person, int32_t where, int64_t when)
{
    size_t tcap = *cap; /* tm has place's capacity, and grows to what place did */

    if (!traceable(l->in, person, when))
        return 0;
    if (grow((void **)place, cap, *nev + 1, sizeof **place) != FK_OK ||
        fk_vec_grow((void **)tm, &tcap, *cap, sizeof **tm) != FK_OK)
        return FK_ENOMEM;
    (*start)[person + 1]++;
    (*place)[*nev] = where;
    (*tm)[*nev] = (uint32_t)when;
    (*nev)++;
    return 0;
}

struct event_load {
    struct load *l;
    int pings;
    size_t cap, n;
};

static int on_event(void *ud, const struct fk_event_row *e)
{
    struct event_load *el = ud;
    struct load *l = el->l;
    int32_t where;
    int rc;

    tick(l);
    if (el->pings) {
        int added;
        int64_t c;

        /* a cell only for a ping kept, so that its number is where the pings first meet it
         * (fk_tracer_extend numbers them so) */
        if (!traceable(l->in, e->person, e->time))
            return 0;
        c = fk_strmap_intern(l->t->cells, e->cell, strlen(e->cell), &added);
        if (c < 0)
            return l->rc = FK_ENOMEM;
        where = (int32_t)c;
        rc = add_event(l, &l->in->ping_start, &l->in->ping_cell, &l->in->ping_time, &el->cap,
                       &el->n, e->person, where, e->time);
    } else {
        if (e->venue < 0 || (size_t)e->venue >= l->in->nvenues)
            return 0;
        where = (int32_t)e->venue;
        rc = add_event(l, &l->in->scan_start, &l->in->scan_venue, &l->in->scan_time, &el->cap,
                       &el->n, e->person, where, e->time);
    }
    return rc ? (l->rc = rc) : 0;
}

static int on_case(void *ud, const struct fk_case_row *c)
{
    struct load *l = ud;
    struct fk_case_row *k;

    tick(l);
    if (c->person < 0 || (size_t)c->person >= l->in->npersons)
        return 0;
    if (grow((void **)&l->in->cases, &l->cap_cases, l->in->ncases + 1, sizeof *l->in->cases) !=
        FK_OK)
        return l->rc = FK_ENOMEM;
    /* field by field into zeroes: the snapshot holds the rows, so their padding is written too,
     * and must not be whatever the reader's stack held (two builds' files are equal) */
    k = &l->in->cases[l->in->ncases++];
    memset(k, 0, sizeof *k);
    k->person = c->person;
    k->confirmed = c->confirmed;
    k->onset = c->onset;
    k->isolated = c->isolated;
    k->kind = c->kind;
    k->reported = c->reported;
    return 0;
}

/* The tracer of in (taken over, as fk_tracer_new takes it) with the codes and names of names
 * (taken over on success, left to names_fini otherwise), built from a store since t0. */
static int tracer_of(struct fk_trace_input *in, const struct fk_profile *p, fk_tracer *names,
                     double t0, fk_tracer **out)
{
    fk_tracer *t;
    int rc = fk_tracer_new(in, p, &t);

    if (rc != FK_OK)
        return rc;
    t->from_store = 1;
    t->households = names->households;
    t->cells = names->cells;
    t->venues = names->venues;
    t->venue_code = names->venue_code;
    t->venue_name = names->venue_name;
    t->venue_name_cap = names->venue_name_cap;
    memset(names, 0, sizeof *names);
    t->build_seconds = fk_mono_seconds() - t0;
    *out = t;
    return FK_OK;
}

/* Frees what a build or an extension gathered in names and did not hand over. */
static void names_fini(fk_tracer *names)
{
    size_t i;

    fk_strmap_free(names->households);
    fk_strmap_free(names->cells);
    fk_strmap_free(names->venues);
    free(names->venue_code);
    for (i = 0; names->venue_name && i < names->venue_name_cap; i++)
        free(names->venue_name[i]);
    free(names->venue_name);
    memset(names, 0, sizeof *names);
}

int fk_tracer_build(fk_store *st, const struct fk_profile *p, fk_tracer **out, char *err,
                    size_t errlen)
{
    return fk_tracer_build_progress(st, p, NULL, NULL, out, err, errlen);
}

int fk_tracer_build_progress(fk_store *st, const struct fk_profile *p,
                             fk_build_progress_fn progress, void *progress_ud, fk_tracer **out,
                             char *err, size_t errlen)
{
    struct fk_trace_input in;
    fk_tracer names;
    struct load l;
    struct event_load scans = {&l, 0, 0, 0}, pings = {&l, 1, 0, 0};
    double t0 = fk_mono_seconds();
    size_t i;
    int rc;

    *out = NULL;
    memset(&in, 0, sizeof in);
    memset(&names, 0, sizeof names);
    memset(&l, 0, sizeof l);
    l.t = &names;
    l.in = &in;
    l.progress = progress;
    l.progress_ud = progress_ud;
    names.households = fk_strmap_new();
    names.cells = fk_strmap_new();
    names.venues = fk_strmap_new();
    rc = FK_ENOMEM;
    if (!names.households || !names.cells || !names.venues)
        goto out;
    next_stage(&l, "persons");
    rc = fk_store_each_person_key(st, on_person, &l);
    next_stage(&l, "venues");
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_venue(st, on_venue, &l);
    if (rc == FK_OK && !l.rc) {
        in.scan_start = calloc(in.npersons + 1, sizeof *in.scan_start);
        in.ping_start = calloc(in.npersons + 1, sizeof *in.ping_start);
        if (!in.scan_start || !in.ping_start)
            rc = FK_ENOMEM;
    }
    next_stage(&l, "scans");
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_scan(st, on_event, &scans);
    next_stage(&l, "pings");
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_ping(st, on_event, &pings);
    next_stage(&l, "cases");
    if (rc == FK_OK && !l.rc)
        rc = fk_store_each_case(st, on_case, &l);
    next_stage(&l, NULL);
    if (rc == FK_OK && l.rc)
        rc = l.rc;
    if (rc != FK_OK)
        goto out;
    for (i = 0; i < in.npersons; i++) {
        in.scan_start[i + 1] += in.scan_start[i];
        in.ping_start[i + 1] += in.ping_start[i];
    }
    in.nhouseholds = fk_strmap_size(names.households);
    in.ncells = fk_strmap_size(names.cells);
    if (progress) /* ordering and indexing: seconds at 10 M persons, and no count to show */
        progress(progress_ud, "indexing", 0, 0);
    rc = tracer_of(&in, p, &names, t0, out);
out:
    if (rc != FK_OK)
        snprintf(err, errlen, "building the tracer: %s%s%s", fk_strerror(rc),
                 rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(st) : "");
    free_input(&in);
    names_fini(&names);
    return rc;
}

/* ---- extending (issue 19): a tracer and the scans and pings added since ---- */

/* An event of a delta: person, place (venue id; for pings the cell's index in cells), time. */
struct devent {
    int32_t person, place;
    uint32_t time;
};

struct fk_trace_delta {
    struct devent *scan, *ping;
    size_t nscans, scap, npings, pcap;
    fk_strmap *cells;
};

fk_trace_delta *fk_trace_delta_new(void)
{
    fk_trace_delta *d = calloc(1, sizeof *d);

    if (d && !(d->cells = fk_strmap_new())) {
        free(d);
        d = NULL;
    }
    return d;
}

void fk_trace_delta_free(fk_trace_delta *d)
{
    if (!d)
        return;
    free(d->scan);
    free(d->ping);
    fk_strmap_free(d->cells);
    free(d);
}

size_t fk_trace_delta_size(const fk_trace_delta *d)
{
    return d ? d->nscans + d->npings : 0;
}

int fk_trace_delta_add(fk_trace_delta *d, const struct fk_event_row *e, int ping)
{
    struct devent *v;
    int added;

    /* What the build would skip, the delta skips: an event out of range is not traceable. */
    if (e->person < 0 || e->person >= INT32_MAX || e->time < 0 || e->time > UINT32_MAX)
        return FK_OK;
    if (ping) {
        int64_t c = fk_strmap_intern(d->cells, e->cell, strlen(e->cell), &added);

        if (c < 0 || grow((void **)&d->ping, &d->pcap, d->npings + 1, sizeof *d->ping) != FK_OK)
            return FK_ENOMEM;
        v = &d->ping[d->npings++];
        v->place = (int32_t)c;
    } else {
        if (e->venue < 0 || e->venue >= INT32_MAX)
            return FK_OK;
        if (grow((void **)&d->scan, &d->scap, d->nscans + 1, sizeof *d->scan) != FK_OK)
            return FK_ENOMEM;
        v = &d->scan[d->nscans++];
        v->place = (int32_t)e->venue;
    }
    v->person = (int32_t)e->person;
    v->time = (uint32_t)e->time;
    return FK_OK;
}

/* The delta's events of one kind as CSR by person: (*order)[(*first)[p] .. (*first)[p + 1]) are
 * person p's, in the delta's order (counts shifted by two, so that filling leaves each entry the
 * start of its person). FK_OK, FK_EINVAL (a person >= npersons), FK_ENOMEM. */
static int delta_by_person(const struct devent *ev, size_t n, size_t npersons, uint64_t **first,
                           uint32_t **order)
{
    uint64_t *f = calloc(npersons + 2, sizeof *f);
    uint32_t *o = malloc((n ? n : 1) * sizeof *o);
    size_t i;

    if (!f || !o || n > UINT32_MAX) {
        free(f);
        free(o);
        return FK_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        if ((size_t)ev[i].person >= npersons) {
            free(f);
            free(o);
            return FK_EINVAL;
        }
        f[ev[i].person + 2]++;
    }
    for (i = 0; i < npersons; i++)
        f[i + 2] += f[i + 1];
    for (i = 0; i < n; i++)
        o[f[ev[i].person + 1]++] = (uint32_t)i;
    *first = f;
    *order = o;
    return FK_OK;
}

/* One kind of event (scans, or pings), old and new merged into the CSR the store would have
 * given: each person's in the store's order, rank of the place, then time (orank and drank map
 * an old and a delta place to its rank). The places come out as ranks; the caller numbers them. */
struct merge {
    size_t npersons;
    const uint64_t *ostart; /* the old tracer's */
    const int32_t *oplace;
    const uint32_t *otime;
    const struct devent *ev; /* the delta's, by person */
    const uint64_t *dfirst;
    const uint32_t *dorder;
    const uint32_t *orank, *drank; /* old place -> rank, delta place -> rank */
};

static int merge_events(const struct merge *m, uint64_t **start, int32_t **place, uint32_t **tm)
{
    size_t p, n = m->ostart[m->npersons] + m->dfirst[m->npersons], at = 0, maxrun = 0;
    uint64_t *key = NULL, *tmp = NULL;
    int rc = FK_ENOMEM;

    *start = calloc(m->npersons + 1, sizeof **start);
    *place = big_malloc((n ? n : 1) * sizeof **place);
    *tm = big_malloc((n ? n : 1) * sizeof **tm);
    for (p = 0; p < m->npersons; p++) {
        size_t k = (m->ostart[p + 1] - m->ostart[p]) + (m->dfirst[p + 1] - m->dfirst[p]);

        if (k > maxrun)
            maxrun = k;
    }
    key = malloc((maxrun ? maxrun : 1) * sizeof *key);
    tmp = malloc((maxrun ? maxrun : 1) * sizeof *tmp);
    if (!*start || !*place || !*tm || !key || !tmp)
        goto out;
    for (p = 0; p < m->npersons; p++) {
        size_t k = 0, i;
        uint64_t e;

        for (e = m->ostart[p]; e < m->ostart[p + 1]; e++)
            key[k++] = (uint64_t)m->orank[m->oplace[e]] << 32 | m->otime[e];
        for (e = m->dfirst[p]; e < m->dfirst[p + 1]; e++) {
            const struct devent *v = &m->ev[m->dorder[e]];

            key[k++] = (uint64_t)m->drank[v->place] << 32 | v->time;
        }
        sort_keys(key, tmp, k);
        for (i = 0; i < k; i++) {
            (*place)[at] = (int32_t)(key[i] >> 32); /* a rank, renumbered by the caller */
            (*tm)[at] = (uint32_t)key[i];
            at++;
        }
        (*start)[p + 1] = at;
    }
    rc = FK_OK;
out:
    free(key);
    free(tmp);
    return rc;
}

/* Rebuilds in names a string map of n texts, in index order, from t's (a map or a blob). */
static int copy_texts(const fk_strmap *m, const struct texts *x, size_t n, fk_strmap *to)
{
    size_t i;
    int added;

    for (i = 0; i < n; i++) {
        const char *s = text_at(m, x, (int64_t)i);

        if (!s || fk_strmap_intern(to, s, strlen(s), &added) != (int64_t)i)
            return FK_EINVAL;
    }
    return FK_OK;
}

static const char **cell_texts_sort_base;

static int cmp_cell_text(const void *a, const void *b)
{
    return strcmp(cell_texts_sort_base[*(const uint32_t *)a],
                  cell_texts_sort_base[*(const uint32_t *)b]);
}

int fk_tracer_extend(const fk_tracer *t, const fk_trace_delta *d, fk_store *st,
                     const struct fk_profile *p, fk_tracer **out, char *err, size_t errlen)
{
    const struct fk_trace_input *oi = &t->in;
    struct fk_trace_input in;
    fk_tracer names;
    struct load l;
    struct merge m;
    uint64_t *dfirst = NULL;
    uint32_t *dorder = NULL, *orank = NULL, *byrank = NULL, *renum = NULL;
    fk_strmap *oldcells = NULL;
    const char **ctext = NULL;
    size_t i, nold = oi->ncells, nnew = d ? fk_strmap_size(d->cells) : 0, ncells = 0;
    double t0 = fk_mono_seconds();
    int rc = FK_ENOMEM, added;

    *out = NULL;
    memset(&in, 0, sizeof in);
    memset(&names, 0, sizeof names);
    memset(&m, 0, sizeof m);
    if (!t->from_store) {
        snprintf(err, errlen, "only a tracer built from a store is extended");
        return FK_EINVAL;
    }
    names.households = fk_strmap_new();
    names.cells = fk_strmap_new();
    names.venues = fk_strmap_new();
    in.npersons = oi->npersons;
    in.nhouseholds = oi->nhouseholds;
    in.nvenues = oi->nvenues;
    in.household = malloc((in.npersons ? in.npersons : 1) * sizeof *in.household);
    names.venue_code = malloc((in.nvenues ? in.nvenues : 1) * sizeof *names.venue_code);
    names.venue_name_cap = t->map.base ? t->venue_names.n : t->venue_name_cap;
    names.venue_name = calloc(names.venue_name_cap ? names.venue_name_cap : 1, sizeof(char *));
    if (!names.households || !names.cells || !names.venues || !in.household || !names.venue_code ||
        !names.venue_name)
        goto out;
    /* What a scans, pings or cases import leaves as it was: households, venues. */
    memcpy(in.household, oi->household, in.npersons * sizeof *in.household);
    memcpy(names.venue_code, t->venue_code, in.nvenues * sizeof *names.venue_code);
    rc = copy_texts(t->households, &t->hh_codes, oi->nhouseholds, names.households);
    if (rc == FK_OK)
        rc = copy_texts(t->venues, &t->venue_codes,
                        t->venues ? fk_strmap_size(t->venues) : t->venue_codes.n, names.venues);
    for (i = 0; rc == FK_OK && i < names.venue_name_cap; i++) {
        const char *s = t->map.base ? text_at(NULL, &t->venue_names, (int64_t)i) : t->venue_name[i];

        if (s && *s && !(names.venue_name[i] = strdup(s)))
            rc = FK_ENOMEM;
    }
    if (rc != FK_OK)
        goto out;
    /* Scans: a venue's rank is its id (the store's order is person, venue, time). */
    for (i = 0; d && i < d->nscans; i++)
        if ((size_t)d->scan[i].place >= in.nvenues || names.venue_code[d->scan[i].place] < 0) {
            rc = FK_EINVAL; /* a venue the tracer does not know: build instead */
            goto out;
        }
    rc = FK_ENOMEM;
    orank = malloc((in.nvenues ? in.nvenues : 1) * sizeof *orank);
    if (!orank)
        goto out;
    for (i = 0; i < in.nvenues; i++)
        orank[i] = (uint32_t)i;
    rc = delta_by_person(d ? d->scan : NULL, d ? d->nscans : 0, in.npersons, &dfirst, &dorder);
    if (rc != FK_OK)
        goto out;
    m = (struct merge){
        in.npersons, oi->scan_start, oi->scan_venue, oi->scan_time, d ? d->scan : NULL,
        dfirst,      dorder,         orank,          orank};
    rc = merge_events(&m, &in.scan_start, &in.scan_venue, &in.scan_time);
    free(dfirst);
    free(dorder);
    free(orank);
    dfirst = NULL;
    dorder = NULL;
    orank = NULL;
    if (rc != FK_OK)
        goto out;
    /* Pings: a cell's rank is its code's place among all codes (the store's order is person,
     * cell, time); its number, the order in which that order first meets it, as a build's. */
    rc = FK_ENOMEM;
    ctext = malloc((nold + nnew ? nold + nnew : 1) * sizeof *ctext);
    byrank = malloc((nold + nnew ? nold + nnew : 1) * sizeof *byrank);
    orank = malloc((nold + nnew ? nold + nnew : 1) * sizeof *orank);
    renum = malloc((nold + nnew ? nold + nnew : 1) * sizeof *renum);
    if (!ctext || !byrank || !orank || !renum)
        goto out;
    for (i = 0; i < nold; i++)
        ctext[i] = text_at(t->cells, &t->cell_codes, (int64_t)i);
    if (!t->cells && nnew) { /* a mapped tracer has the codes as a blob: a map to look them up */
        oldcells = fk_strmap_new();
        if (!oldcells || copy_texts(NULL, &t->cell_codes, nold, oldcells) != FK_OK)
            goto out;
    }
    /* a new code that is an old one is that cell: its rank is the old one's */
    for (i = 0; i < nnew; i++) {
        const char *s = fk_strmap_key(d->cells, (int64_t)i);
        int64_t k = fk_strmap_find(t->cells ? t->cells : oldcells, s, strlen(s));

        ctext[nold + i] = k >= 0 ? NULL : s; /* NULL: the same text as old cell k */
        renum[nold + i] = k >= 0 ? (uint32_t)k : UINT32_MAX;
    }
    {
        size_t n = 0;

        for (i = 0; i < nold + nnew; i++)
            if (ctext[i])
                byrank[n++] = (uint32_t)i;
        cell_texts_sort_base = ctext;
        qsort(byrank, n, sizeof *byrank, cmp_cell_text);
        cell_texts_sort_base = NULL;
        for (i = 0; i < n; i++)
            orank[byrank[i]] = (uint32_t)i;
        for (i = 0; i < nnew; i++)
            if (!ctext[nold + i])
                orank[nold + i] = orank[renum[nold + i]];
    }
    rc = delta_by_person(d ? d->ping : NULL, d ? d->npings : 0, in.npersons, &dfirst, &dorder);
    if (rc != FK_OK)
        goto out;
    m = (struct merge){in.npersons,        oi->ping_start, oi->ping_cell, oi->ping_time,
                       d ? d->ping : NULL, dfirst,         dorder,        orank,
                       orank + nold};
    rc = merge_events(&m, &in.ping_start, &in.ping_cell, &in.ping_time);
    if (rc != FK_OK)
        goto out;
    /* ranks to cell numbers in first-met order, the cells' codes interned in that order */
    for (i = 0; i < nold + nnew; i++)
        renum[i] = UINT32_MAX;
    for (i = 0; i < in.ping_start[in.npersons]; i++) {
        uint32_t r = (uint32_t)in.ping_cell[i];

        if (renum[r] == UINT32_MAX) {
            const char *s = ctext[byrank[r]];

            renum[r] = (uint32_t)ncells++;
            if (fk_strmap_intern(names.cells, s, strlen(s), &added) != (int64_t)renum[r]) {
                rc = FK_ENOMEM;
                goto out;
            }
        }
        in.ping_cell[i] = (int32_t)renum[r];
    }
    in.ncells = ncells;
    /* Cases: read again (a few rows), as a build reads them. */
    memset(&l, 0, sizeof l);
    l.t = &names;
    l.in = &in;
    rc = fk_store_each_case(st, on_case, &l);
    if (rc == FK_OK && l.rc)
        rc = l.rc;
    if (rc != FK_OK)
        goto out;
    rc = tracer_of(&in, p, &names, t0, out);
out:
    if (rc != FK_OK)
        snprintf(err, errlen, "extending the tracer: %s%s%s", fk_strerror(rc),
                 rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(st) : "");
    free_input(&in);
    free(dfirst);
    free(dorder);
    free(orank);
    free(byrank);
    fk_strmap_free(oldcells);
    free(renum);
    free(ctext);
    names_fini(&names);
    return rc;
}

void fk_tracer_stats(const fk_tracer *t, struct fk_tracer_stats *out)
{
    size_t ns = t->in.scan_start[t->in.npersons], np = t->in.ping_start[t->in.npersons];

    out->persons = t->in.npersons;
    out->scans = ns;
    out->pings = np;
    out->venues = t->in.nvenues;
    out->cells = t->in.ncells;
    out->cases = t->in.ncases;
    out->build_seconds = t->build_seconds;
    out->bytes = ns * 16 + np * 16 + (t->in.npersons + 1) * (2 * 8 + 4 + 4 + 1) +
                 (t->in.nvenues + t->in.ncells + 2) * 8 + (t->in.nhouseholds + 1) * 4;
}

/* ---- running ---- */

/* A reason as a run keeps it until the answer is gathered: 24 bytes where fk_contact takes 48,
 * so that the pass writes half as much and the sort reads half as much. The exposure and the
 * root are derived, not kept: the exposure from the times (rec_exposure), the root from the
 * source (a secondary contact's root is its close contact's source; every other root is the
 * source itself, a case). */
struct rec {
    int32_t person, source, via_id;
    /* venue: the source's and the contact's scan times; cell: the source's ping time and the
     * slot's start (the exposure); household: the exposure (the source's window start, an int64),
     * its low half then its high half. */
    uint32_t ts, tc;
    uint8_t category, via;
};

static int64_t rec_exposure(const struct rec *r)
{
    if (r->via == FK_VIA_VENUE)
        return r->ts > r->tc ? r->ts : r->tc;
    if (r->via == FK_VIA_HOUSEHOLD)
        return (int64_t)((uint64_t)r->tc << 32 | r->ts);
    return r->tc;
}

/* r as a contact, with root = source (the caller sets a secondary contact's root). */
static void rec_contact(const struct rec *r, struct fk_contact *k)
{
    memset(k, 0, sizeof *k);
    k->person = r->person;
    k->source = r->source;
    k->root = r->source;
    k->via_id = r->via_id;
    k->category = r->category;
    k->via = r->via;
    k->exposure = rec_exposure(r);
    k->source_time = r->via == FK_VIA_HOUSEHOLD ? k->exposure : (int64_t)r->ts;
    k->contact_time = r->via == FK_VIA_HOUSEHOLD ? k->exposure : (int64_t)r->tc;
}

/* 1 when a should replace b: fk_contact_better, the rule, on the records as contacts. */
static int rec_better(const struct rec *a, const struct rec *b)
{
    struct fk_contact x, y;

    rec_contact(a, &x);
    rec_contact(b, &y);
    return fk_contact_better(&x, &y);
}

/* The best reason per person so far. slot is dense over persons (index + 1 into c, 0: none), so
 * an offer is one array read, and c lists the persons reached in the order they were first
 * offered (which also says which slots to clear). */
struct best {
    const fk_tracer *t;
    int32_t *slot;
    struct rec *c;
    size_t n, cap;
    /* At most and at least every exposure stored in c, even one replaced since: the sort's
     * keys are exposure - lo, without a pass over c to find them. */
    int64_t lo, hi;
    uint64_t *key, *tmp; /* sorting scratch, keycap entries each */
    size_t keycap;
    struct cover *cv; /* the run's cover, its arrays kept from the last run when spare */
    int spare;        /* 1: the buffers are the tracer's spare, and its lock is held */
};

/* The contact of record r as the answer gives it, its root included. */
static void rec_answer(const struct best *b, const struct rec *r, struct fk_contact *k)
{
    rec_contact(r, k);
    if (r->category == FK_CAT_SECONDARY)
        k->root = b->c[b->slot[r->source] - 1].source; /* the close contact's case */
}

static int best_offer(struct best *b, const struct rec *k)
{
    int32_t s = b->slot[k->person];
    int64_t e = rec_exposure(k);

    if (s) {
        if (!rec_better(k, &b->c[s - 1]))
            return FK_OK;
        b->c[s - 1] = *k;
    } else {
        if (grow((void **)&b->c, &b->cap, b->n + 1, sizeof *b->c) != FK_OK)
            return FK_ENOMEM;
        b->c[b->n] = *k;
        b->slot[k->person] = (int32_t)(++b->n);
    }
    b->lo = e < b->lo ? e : b->lo;
    b->hi = e > b->hi ? e : b->hi;
    return FK_OK;
}

/* 1 when an offer of category cat cannot change what p is listed for: p is a case (never listed,
 * never a source), or the offer is secondary and p is already close. */
static int pruned(const struct best *b, int32_t p, int cat)
{
    int32_t s;

    if (b->t->is_case[p])
        return 1;
    if (cat != FK_CAT_SECONDARY)
        return 0;
    s = b->slot[p];
    return s && b->c[s - 1].category == FK_CAT_CLOSE;
}

/* First key >= v in a[0..n). */
static size_t lower_bound(const uint64_t *a, size_t n, uint64_t v)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Offers everyone in src's household (but src) as category cat, exposed at `at`. */
static int offer_household(struct best *b, int32_t src, int cat, int64_t at)
{
    const fk_tracer *t = b->t;
    int32_t h = t->in.household[src];
    uint32_t i;
    int rc = FK_OK;

    if (h < 0)
        return FK_OK;
    for (i = t->hh_start[h]; rc == FK_OK && i < t->hh_start[h + 1]; i++) {
        struct rec k;

        if (t->hh_member[i] == src || pruned(b, t->hh_member[i], cat))
            continue;
        memset(&k, 0, sizeof k);
        k.person = t->hh_member[i];
        k.source = src;
        k.category = (uint8_t)cat;
        k.via = FK_VIA_HOUSEHOLD;
        k.via_id = h;
        k.ts = (uint32_t)(uint64_t)at;
        k.tc = (uint32_t)((uint64_t)at >> 32);
        rc = best_offer(b, &k);
    }
    return rc;
}

/* One scan by a source (a case, or a close contact at depth 2) at a venue. rank orders a
 * source's scans as the rules visit them (case rows in order, then the person's scans in time
 * order):
 * when two reasons differ in nothing that fk_contact_better looks at, the lower rank, then the
 * earlier contact scan, gives the times shown. */
struct src {
    int32_t venue;
    uint32_t ts;
    int32_t source;
    uint32_t rank;
};

/* The venue's keys within the venue window of s: [*lo, *hi) of its run. */
static void venue_range(const fk_tracer *t, int32_t venue, uint32_t ts, size_t *lo, size_t *hi)
{
    int64_t w = (int64_t)t->prof.venue_window_minutes * 60, lo_t = (int64_t)ts - w,
            hi_t = (int64_t)ts + w;
    const uint64_t *key = t->venue_key + t->venue_start[venue];
    size_t n = t->venue_start[venue + 1] - t->venue_start[venue];

    if (lo_t < 0)
        lo_t = 0;
    *lo = lower_bound(key, n, (uint64_t)lo_t << 32);
    if (hi_t < lo_t)
        *hi = *lo;
    else if (hi_t >= UINT32_MAX)
        *hi = n;
    else
        *hi = lower_bound(key, n, (uint64_t)(hi_t + 1) << 32);
}

/* Plan "offer": offers everyone who scanned s's venue within the venue window of s, one offer a
 * scan pair, as category cat. */
static int offer_scan(struct best *b, const struct src *s, int cat)
{
    const fk_tracer *t = b->t;
    const uint64_t *key = t->venue_key + t->venue_start[s->venue];
    size_t i, lo, hi;
    int rc = FK_OK;

    venue_range(t, s->venue, s->ts, &lo, &hi);
    for (i = lo; rc == FK_OK && i < hi; i++) {
        int32_t p = (int32_t)(key[i] & 0xFFFFFFFFu);
        struct rec k;

        if (p == s->source || pruned(b, p, cat))
            continue;
        memset(&k, 0, sizeof k);
        k.person = p;
        k.source = s->source;
        k.category = (uint8_t)cat;
        k.via = FK_VIA_VENUE;
        k.via_id = s->venue;
        k.ts = s->ts;
        k.tc = (uint32_t)(key[i] >> 32);
        rc = best_offer(b, &k);
    }
    return rc;
}

/* Offers everyone with a ping in the same cell and slot as a ping of the case in [from, to]. */
static int offer_companions(struct best *b, int32_t src, int64_t from, int64_t to)
{
    const fk_tracer *t = b->t;
    int64_t slot_len = (int64_t)t->prof.companion_slot_minutes * 60;
    uint64_t e;
    int rc = FK_OK;

    for (e = t->in.ping_start[src]; rc == FK_OK && e < t->in.ping_start[src + 1]; e++) {
        int64_t ts = t->in.ping_time[e];
        uint64_t slot = (uint64_t)(ts / slot_len);
        int32_t c = t->in.ping_cell[e];
        const uint64_t *key = t->cell_key + t->cell_start[c];
        size_t n = t->cell_start[c + 1] - t->cell_start[c], i;

        if (ts < from || ts > to)
            continue;
        for (i = lower_bound(key, n, slot << 32); rc == FK_OK && i < n; i++) {
            int32_t p = (int32_t)(key[i] & 0xFFFFFFFFu);
            struct rec k;

            if ((key[i] >> 32) != slot)
                break;
            if (p == src || pruned(b, p, FK_CAT_COMPANION))
                continue;
            memset(&k, 0, sizeof k);
            k.person = p;
            k.source = src;
            k.category = FK_CAT_COMPANION;
            k.via = FK_VIA_CELL;
            k.via_id = c;
            k.ts = (uint32_t)ts;                         /* a ping time: uint32 */
            k.tc = (uint32_t)((int64_t)slot * slot_len); /* at most ts */
            rc = best_offer(b, &k);
        }
    }
    return rc;
}

/* A venue's cover: for every contact scan time tc, the source scan that gives the best reason,
 * as contiguous segments [start, next start) (the last one runs on). Inside the venue window,
 * a source scan at ts <= tc gives exposure tc, so the lowest (source, rank) among those wins;
 * failing that, the earliest ts > tc wins (exposure ts), lowest (source, rank) among equals. The
 * answer changes only at ts - W, ts and ts + W + 1, so a venue with n source scans has at most
 * 3n segments. A bucket table (up to BUCKETS_A_SEGMENT buckets a segment) finds it in O(1). */
struct seg {
    uint32_t start, ts; /* no source scan within the window: ts UINT32_MAX, source -1 */
    int32_t source;
    uint32_t rank;
};

/* Buckets a segment: enough that a lookup rarely steps past its bucket's first segment (each
 * step is a hard-to-predict branch), few enough to stay in cache. */
#define BUCKETS_A_SEGMENT 8

/* A venue's segments are seg[seg .. seg + nseg): first an empty one for times before `first`,
 * then those of venue_segments. A venue with no source scan shares the cover's segment 0 (empty,
 * from time 0 on) and bucket 0, so that a lookup needs no test for it. */
struct vmeta {
    uint64_t seg, tab; /* first segment and first bucket of the venue */
    uint32_t nseg, nb; /* segments (with the leading empty one), buckets */
    uint32_t first;    /* where the buckets start: the second segment's start */
    uint8_t sh;        /* bucket b holds times first + (b << sh) on */
};

struct cover {
    struct vmeta *vm; /* nvenues */
    struct seg *seg;
    uint32_t *tab; /* per bucket: the venue's last segment starting at or before the bucket */
    /* Every non-empty segment lies in [lo, hi]: the earliest source scan - W (at least 0) to
     * the latest + W. A scan outside it is in no source scan's window. With no source scan,
     * lo > hi. */
    uint32_t lo, hi;
    /* Per venue, bit (tc - lo) >> sh is set when some source scan at the venue has tc in its
     * window: a clear bit says "empty" from a word that stays in cache, without the lookup. */
    uint64_t *mask; /* nvenues */
    uint8_t sh;
    /* Building scratch: per venue, where its source scans start, and a cursor (nvenues + 1
     * each); the source scans grouped by venue (gcap). The arrays (seg and tab: segcap and
     * tabcap entries) are kept for the next build, as the run's other scratch, unless they grew
     * past COVER_KEEP bytes: on this VM their first-touch page faults took as long as building
     * a first-degree cover (about 1 400 a run at 3 M persons). */
    uint64_t *start, *fill;
    struct src *g;
    size_t segcap, tabcap, gcap;
};

#define COVER_KEEP (UINT64_C(64) << 20)

static void cover_free(struct cover *cv)
{
    free(cv->mask);
    free(cv->vm);
    free(cv->seg);
    free(cv->tab);
    free(cv->start);
    free(cv->fill);
    free(cv->g);
    memset(cv, 0, sizeof *cv);
}

/* After a run: frees the arrays that grew past COVER_KEEP bytes and keeps the others. */
static void cover_trim(struct cover *cv)
{
    if (cv->segcap * sizeof *cv->seg > COVER_KEEP) {
        free(cv->seg);
        cv->seg = NULL;
        cv->segcap = 0;
    }
    if (cv->tabcap * sizeof *cv->tab > COVER_KEEP) {
        free(cv->tab);
        cv->tab = NULL;
        cv->tabcap = 0;
    }
    if (cv->gcap * sizeof *cv->g > COVER_KEEP) {
        free(cv->g);
        cv->g = NULL;
        cv->gcap = 0;
    }
}

/* *p with room for need entries of size bytes (*cap of them now): kept when big enough, else
 * replaced (its contents are not kept). */
static int room(void **p, size_t *cap, size_t need, size_t size)
{
    if (*p && *cap >= need)
        return FK_OK;
    free(*p);
    *cap = 0;
    *p = malloc((need ? need : 1) * size);
    if (!*p)
        return FK_ENOMEM;
    *cap = need ? need : 1;
    return FK_OK;
}

/* 1 when source scan a wins over b at the same exposure. */
static int src_before(const struct src *a, const struct src *b)
{
    return a->source != b->source ? a->source < b->source : a->rank < b->rank;
}

/* Writes the segments of one venue from its source scans r[0..n), sorted by ts, into out (room
 * for 3n); returns how many. gbest and dq: scratch for n. */
static uint32_t venue_segments(const struct src *r, uint32_t n, int64_t w, uint32_t *gbest,
                               uint32_t *dq, struct seg *out)
{
    uint32_t a = 0, m = 0, c = 0, lo = 0, hi = 0, dh = 0, dt = 0, nseg = 0, i;
    int64_t last = -2;

    /* gbest[i]: the best scan from i to the end of i's run of equal ts. */
    for (i = n; i-- > 0;)
        gbest[i] = i + 1 < n && r[i + 1].ts == r[i].ts && src_before(&r[gbest[i + 1]], &r[i])
                       ? gbest[i + 1]
                       : i;
    for (;;) {
        int64_t x = INT64_MAX, ans;

        /* The next breakpoint: the least of ts - W (at least 0), ts and ts + W + 1. */
        if (a < n)
            x = (int64_t)r[a].ts - w < 0 ? 0 : (int64_t)r[a].ts - w;
        if (m < n && (int64_t)r[m].ts < x)
            x = r[m].ts;
        if (c < n && (int64_t)r[c].ts + w + 1 < x)
            x = (int64_t)r[c].ts + w + 1;
        if (x > UINT32_MAX)
            break;
        while (a < n && ((int64_t)r[a].ts - w < 0 ? 0 : (int64_t)r[a].ts - w) <= x)
            a++;
        while (m < n && (int64_t)r[m].ts <= x)
            m++;
        while (c < n && (int64_t)r[c].ts + w + 1 <= x)
            c++;
        /* The scans at ts <= x enter the window's deque (kept best first); those before x - W
         * leave it. */
        for (; hi < n && (int64_t)r[hi].ts <= x; hi++) {
            while (dt > dh && src_before(&r[hi], &r[dq[dt - 1]]))
                dt--;
            dq[dt++] = hi;
        }
        while (lo < n && (int64_t)r[lo].ts < x - w)
            lo++;
        while (dh < dt && dq[dh] < lo)
            dh++;
        if (dh < dt)
            ans = dq[dh];
        else if (hi < n && (int64_t)r[hi].ts <= x + w)
            ans = gbest[hi];
        else
            ans = -1;
        if (ans != last) {
            out[nseg].start = (uint32_t)x;
            out[nseg].ts = ans >= 0 ? r[ans].ts : UINT32_MAX;
            out[nseg].source = ans >= 0 ? r[ans].source : -1;
            out[nseg].rank = ans >= 0 ? r[ans].rank : 0;
            nseg++;
            last = ans;
        }
    }
    return nseg;
}

/* Sorts r[0..n) by ts (ties in any order: the cover breaks them), with scratch key and tmp for n
 * and rtmp for n. */
static void sort_by_ts(struct src *r, uint32_t n, uint64_t *key, uint64_t *tmp, struct src *rtmp)
{
    uint32_t i, j;

    if (n <= 32) {
        for (i = 1; i < n; i++) {
            struct src v = r[i];

            for (j = i; j > 0 && r[j - 1].ts > v.ts; j--)
                r[j] = r[j - 1];
            r[j] = v;
        }
        return;
    }
    for (i = 0; i < n; i++)
        key[i] = (uint64_t)r[i].ts << 32 | i;
    radix_sort(key, tmp, n, 4);
    for (i = 0; i < n; i++)
        rtmp[i] = r[key[i] & 0xFFFFFFFFu];
    memcpy(r, rtmp, n * sizeof *r);
}

/* Builds the cover of every venue from the source scans s[0..n) (reordered), which are already
 * in venue order when `grouped`, into cv's arrays (reused when big enough: see cover_trim). On
 * failure cv is freed. */
static int cover_build(const fk_tracer *t, struct src *s, size_t n, int grouped, struct cover *cv)
{
    size_t nv = t->in.nvenues, v, i, maxrun = 0, nseg = 0, ntab = 0;
    /* Fewer buckets for a big cover: its pages cost more than the steps they save. */
    uint64_t per_seg = n > (1u << 20) ? 2 : BUCKETS_A_SEGMENT;
    int64_t w = (int64_t)t->prof.venue_window_minutes * 60;
    uint64_t *start, *fill, *key = NULL, *tmp = NULL;
    struct src *g, *rtmp = NULL;
    uint32_t *gbest = NULL, *dq = NULL;
    int rc = FK_ENOMEM;

    cv->sh = 0;
    if (!cv->start)
        cv->start = malloc((nv + 1) * sizeof *cv->start);
    if (!cv->fill)
        cv->fill = malloc((nv + 1) * sizeof *cv->fill);
    if (!cv->vm)
        cv->vm = malloc((nv ? nv : 1) * sizeof *cv->vm);
    if (!cv->mask)
        cv->mask = malloc((nv ? nv : 1) * sizeof *cv->mask);
    if (!cv->start || !cv->fill || !cv->vm || !cv->mask)
        goto out;
    start = cv->start;
    fill = cv->fill;
    memset(start, 0, (nv + 1) * sizeof *start);
    memset(cv->mask, 0, (nv ? nv : 1) * sizeof *cv->mask);
    cv->lo = UINT32_MAX;
    cv->hi = 0;
    for (i = 0; i < n; i++) {
        start[s[i].venue + 1]++;
        if (s[i].ts < cv->lo)
            cv->lo = s[i].ts;
        if (s[i].ts > cv->hi)
            cv->hi = s[i].ts;
    }
    if (n) {
        cv->lo = (int64_t)cv->lo - w < 0 ? 0 : (uint32_t)((int64_t)cv->lo - w);
        cv->hi = (int64_t)cv->hi + w > UINT32_MAX ? UINT32_MAX : (uint32_t)((int64_t)cv->hi + w);
    }
    for (v = 0; v < nv; v++) {
        if (start[v + 1] > maxrun)
            maxrun = start[v + 1];
        start[v + 1] += start[v];
    }
    rc = FK_ETOOBIG;
    if (maxrun > UINT32_MAX / 3)
        goto out;
    rc = FK_ENOMEM;
    if ((!grouped && room((void **)&cv->g, &cv->gcap, n, sizeof *cv->g) != FK_OK) ||
        room((void **)&cv->seg, &cv->segcap, 4 * n + 1, sizeof *cv->seg) != FK_OK ||
        room((void **)&cv->tab, &cv->tabcap, 3 * n * per_seg + 1, sizeof *cv->tab) != FK_OK)
        goto out;
    g = grouped ? s : cv->g;
    key = malloc((maxrun ? maxrun : 1) * sizeof *key);
    tmp = malloc((maxrun ? maxrun : 1) * sizeof *tmp);
    rtmp = malloc((maxrun ? maxrun : 1) * sizeof *rtmp);
    gbest = malloc((maxrun ? maxrun : 1) * sizeof *gbest);
    dq = malloc((maxrun ? maxrun : 1) * sizeof *dq);
    if (!key || !tmp || !rtmp || !gbest || !dq)
        goto out;
    while (n && ((uint64_t)(cv->hi - cv->lo) >> cv->sh) >= 64)
        cv->sh++;
    for (i = 0; i < n; i++) {
        uint32_t a = (int64_t)s[i].ts - w < (int64_t)cv->lo ? cv->lo : (uint32_t)(s[i].ts - w);
        uint32_t z = (int64_t)s[i].ts + w > (int64_t)cv->hi ? cv->hi : (uint32_t)(s[i].ts + w);
        uint32_t bit;

        for (bit = (a - cv->lo) >> cv->sh; bit <= (z - cv->lo) >> cv->sh; bit++)
            cv->mask[s[i].venue] |= UINT64_C(1) << bit;
    }
    memcpy(fill, start, (nv + 1) * sizeof *fill);
    for (i = 0; !grouped && i < n; i++)
        g[fill[s[i].venue]++] = s[i];
    /* Segment 0 and bucket 0: the empty cover of a venue with no source scan. */
    cv->seg[0].start = 0;
    cv->seg[0].ts = UINT32_MAX;
    cv->seg[0].source = -1;
    cv->seg[0].rank = 0;
    cv->tab[0] = 0;
    nseg = ntab = 1;
    for (v = 0; v < nv; v++) {
        uint32_t k = (uint32_t)(start[v + 1] - start[v]), ns, b, j;
        struct vmeta *m = &cv->vm[v];
        struct seg *sg = cv->seg + nseg;
        uint64_t range;

        memset(m, 0, sizeof *m);
        m->nseg = m->nb = 1;
        m->sh = 31;
        if (k == 0)
            continue;
        sort_by_ts(g + start[v], k, key, tmp, rtmp);
        sg[0] = cv->seg[0];
        ns = venue_segments(g + start[v], k, w, gbest, dq, sg + 1) + 1;
        range = sg[ns - 1].start - sg[1].start;
        m->seg = nseg;
        m->nseg = ns;
        m->first = sg[1].start;
        m->tab = ntab;
        m->sh = 0;
        while ((range >> m->sh) + 1 > (uint64_t)(ns - 1) * per_seg)
            m->sh++;
        m->nb = (uint32_t)(range >> m->sh) + 1;
        for (b = 0, j = 1; b < m->nb; b++) {
            uint64_t at = sg[1].start + ((uint64_t)b << m->sh);

            while (j + 1 < ns && sg[j + 1].start <= at)
                j++;
            cv->tab[ntab + b] = j;
        }
        nseg += ns;
        ntab += m->nb;
    }
    rc = FK_OK;
out:
    if (rc != FK_OK)
        cover_free(cv);
    free(key);
    free(tmp);
    free(rtmp);
    free(gbest);
    free(dq);
    return rc;
}

/* Runs fn on arg[0 .. k) (each `size` bytes): on k - 1 new threads and the calling one. A
 * thread that cannot start has its part run here afterwards, so the result never depends on it. */
static void run_parts(void *(*fn)(void *), void *arg, size_t size, size_t k)
{
    pthread_t th[FK__TRACE_MAX_THREADS];
    int started[FK__TRACE_MAX_THREADS];
    size_t i;

    for (i = 1; i < k; i++)
        started[i] = pthread_create(&th[i], NULL, fn, (char *)arg + i * size) == 0;
    fn(arg);
    for (i = 1; i < k; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            fn((char *)arg + i * size);
    }
}

/* How many parts (threads) for `work` units, at least per_thread each: t->threads when set,
 * else one a core, at most FK__TRACE_MAX_THREADS and at most `work`. */
static size_t nparts_for(const fk_tracer *t, uint64_t work, uint64_t per_thread)
{
    size_t k;

    if (t->threads > 0) {
        k = (size_t)t->threads;
    } else if (work < 2 * per_thread) {
        k = 1;
    } else {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);

        k = cores > 1 ? (size_t)cores : 1;
        if (k > work / per_thread)
            k = (size_t)(work / per_thread);
    }
    if (k > FK__TRACE_MAX_THREADS)
        k = FK__TRACE_MAX_THREADS;
    if (k > work)
        k = work ? (size_t)work : 1;
    return k;
}

/* Plan "pass": one pass over every person who can still gain (not a case; at depth 2, not
 * close), each scan looked up in the cover, the best reason kept per person and offered once.
 * A scan later than the person's best exposure so far cannot win (its exposure is at least its
 * own time), and neither can any later one: the person's scans are in time order, so the pass
 * goes on to the next person. In a dense city most scans are never read (at 3 M persons with
 * s = 1, the warm run took 0.24 s instead of 0.39 s when it only skipped them). The lookup has no
 * data-dependent branch in the common case: venues without source scans and times before a
 * venue's first segment land on empty segments, whose key never wins.
 *
 * The persons are cut into parts of about equal scans, one a thread. A part reads only its own
 * persons' slots and records (and, at depth 2, the records of close contacts, which the pass
 * never changes), updates a listed person's record in place, and writes a person it lists first
 * at b->c[base + n], where base leaves room for every person of the parts before it. The parts'
 * blocks are closed up afterwards. The order of b->c does not matter (the result is sorted by
 * category, exposure and person, which are unique a person), so the answer is the same for any
 * number of parts. */
#define PASS_AHEAD 8

struct pass_part {
    struct best *b;
    const struct cover *cv; /* plan pass */
    const struct src *s;    /* plan offer: the source scans s[0..ns) */
    size_t ns;
    int cat;
    size_t from, to; /* persons */
    size_t base, n;  /* where this part's new contacts go, and how many */
    int64_t lo, hi;  /* the exposures it stored, as best.lo and best.hi */
};

/* Offers k to its person, who is in pp's range: best_offer, with a new contact in pp's block. */
static void part_offer(struct pass_part *pp, const struct rec *k)
{
    struct best *b = pp->b;
    int32_t sl = b->slot[k->person];
    int64_t e = rec_exposure(k);

    if (sl) {
        if (!rec_better(k, &b->c[sl - 1]))
            return;
        b->c[sl - 1] = *k;
    } else {
        b->c[pp->base + pp->n] = *k;
        b->slot[k->person] = (int32_t)(pp->base + pp->n + 1);
        pp->n++;
    }
    pp->lo = e < pp->lo ? e : pp->lo;
    pp->hi = e > pp->hi ? e : pp->hi;
}

static void pass_range(struct pass_part *pp)
{
    struct best *b = pp->b;
    const fk_tracer *t = b->t;
    const struct cover *cv = pp->cv;
    const struct seg *seg = cv->seg;
    const uint64_t *start = t->in.scan_start;
    const uint32_t *time = t->in.scan_time;
    const int32_t *venue = t->in.scan_venue;
    int cat = pp->cat;
    uint32_t lo = cv->lo;
    const uint64_t *mask = cv->mask;
    unsigned sh = cv->sh;
    size_t q;

    for (q = pp->from; q < pp->to; q++) {
        uint64_t e, k1 = UINT64_MAX, k2 = UINT64_MAX;
        /* A scan can win only at lo <= tc <= hi, or once the person has a reason, at
         * tc <= its exposure (which is at most hi): one unsigned test, tc - lo <= span. */
        uint32_t btc = 0, span = cv->hi - lo;
        const struct seg *best = NULL;
        struct rec k;

        /* A person's first scans are looked up (no reason yet), the rest mostly not: the venue
         * array is read in short runs that the hardware does not prefetch. */
        if (q + PASS_AHEAD < pp->to) {
            __builtin_prefetch(&venue[start[q + PASS_AHEAD]]);
            __builtin_prefetch(&venue[start[q + PASS_AHEAD]] + 16);
        }
        if (pruned(b, (int32_t)q, cat))
            continue;
        for (e = start[q]; e < start[q + 1]; e++) {
            uint32_t tc = time[e];
            int32_t v;
            const struct vmeta *m;
            int before;
            uint64_t bk, s, end, x1, x2;
            const struct seg *sg;

            if (tc - lo > span) {
                if (tc > lo)
                    break; /* past the span or the best exposure: so is every later scan */
                continue;
            }
            v = venue[e];
            if (!(mask[v] >> ((tc - lo) >> sh) & 1))
                continue;
            m = &cv->vm[v];
            before = tc < m->first;
            bk = (uint64_t)(before ? 0 : tc - m->first) >> m->sh;
            bk = bk < m->nb ? bk : m->nb - 1;
            s = m->seg + cv->tab[m->tab + bk] - (uint64_t)before;
            end = m->seg + m->nseg;
            while (s + 1 < end && seg[s + 1].start <= tc)
                s++;
            sg = &seg[s];
            x1 = (uint64_t)(tc > sg->ts ? tc : sg->ts) << 32 | (uint32_t)sg->source;
            if (x1 > k1)
                continue;
            x2 = (uint64_t)(uint32_t)v << 32 | sg->rank;
            if (x1 < k1 || x2 < k2 || (x2 == k2 && tc < btc)) {
                k1 = x1;
                k2 = x2;
                btc = tc;
                best = sg;
                if (sg->source >= 0)
                    span = (uint32_t)(k1 >> 32) - lo;
            }
        }
        if (k1 == UINT64_MAX)
            continue; /* no scan near a source scan (empty segments only) */
        memset(&k, 0, sizeof k);
        k.person = (int32_t)q;
        k.source = best->source;
        k.category = (uint8_t)cat;
        k.via = FK_VIA_VENUE;
        k.via_id = (int32_t)(k2 >> 32);
        k.ts = best->ts;
        k.tc = btc;
        part_offer(pp, &k);
    }
}

static void *pass_thread(void *arg)
{
    pass_range(arg);
    return NULL;
}

/* Plan "offer" for close contacts over one part: every source scan's venue window is read, and
 * the keys of this part's persons offered, in the order offer_scan would offer them. */
static void *offer_thread(void *arg)
{
    struct pass_part *pp = arg;
    const fk_tracer *t = pp->b->t;
    size_t i, j, lo, hi;

    for (i = 0; i < pp->ns; i++) {
        const struct src *s = &pp->s[i];
        const uint64_t *key = t->venue_key + t->venue_start[s->venue];

        venue_range(t, s->venue, s->ts, &lo, &hi);
        for (j = lo; j < hi; j++) {
            uint32_t p = (uint32_t)(key[j] & 0xFFFFFFFFu);
            struct rec k;

            if (p < pp->from || p >= pp->to || (int32_t)p == s->source || t->is_case[p])
                continue;
            memset(&k, 0, sizeof k);
            k.person = (int32_t)p;
            k.source = s->source;
            k.category = FK_CAT_CLOSE;
            k.via = FK_VIA_VENUE;
            k.via_id = s->venue;
            k.ts = s->ts;
            k.tc = (uint32_t)(key[j] >> 32);
            part_offer(pp, &k);
        }
    }
    return NULL;
}

/* Runs fn over nparts parts of the persons, cut by scans (by_scans) or by persons, each part
 * like proto; then closes up their blocks of new contacts. */
static int by_parts(struct best *b, const struct pass_part *proto, size_t nparts, int by_scans,
                    void *(*fn)(void *))
{
    const fk_tracer *t = b->t;
    size_t np = t->in.npersons, i, dst;
    uint64_t total = by_scans ? t->in.scan_start[np] : np;
    struct pass_part part[FK__TRACE_MAX_THREADS];

    if (np == 0)
        return FK_OK;
    if (nparts > np)
        nparts = np;
    /* Room for every person of every part after the contacts already listed; slots are int32. */
    if (b->n + np >= (size_t)INT32_MAX)
        return FK_ETOOBIG;
    if (grow((void **)&b->c, &b->cap, b->n + np, sizeof *b->c) != FK_OK)
        return FK_ENOMEM;
    for (i = 0; i < nparts; i++) {
        /* Part i starts at the first person whose scans start at or after i / nparts of them
         * (or at i / nparts of the persons). */
        uint64_t want = total / nparts * i + (total % nparts) * i / nparts;
        size_t lo = 0, hi = np;

        while (by_scans && i && lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (t->in.scan_start[mid] < want)
                lo = mid + 1;
            else
                hi = mid;
        }
        part[i] = *proto;
        part[i].b = b;
        part[i].from = i == 0 ? 0 : by_scans ? lo : (size_t)want;
        part[i].n = 0;
        part[i].lo = INT64_MAX;
        part[i].hi = INT64_MIN;
        if (i)
            part[i - 1].to = part[i].from;
    }
    part[nparts - 1].to = np;
    for (i = 0; i < nparts; i++)
        part[i].base = i ? part[i - 1].base + (part[i - 1].to - part[i - 1].from) : b->n;
    run_parts(fn, part, sizeof part[0], nparts);
    /* Close up the blocks: part i's block moves down to dst, or, when the gap is smaller than
     * the block, only its last `gap` contacts move into the gap. */
    for (i = 0; i < nparts; i++) {
        b->lo = part[i].lo < b->lo ? part[i].lo : b->lo;
        b->hi = part[i].hi > b->hi ? part[i].hi : b->hi;
    }
    dst = b->n + part[0].n;
    for (i = 1; i < nparts; i++) {
        size_t gap = part[i].base - dst, move = gap < part[i].n ? gap : part[i].n, j;
        size_t from = part[i].base + part[i].n - move;

        for (j = 0; j < move; j++) {
            b->c[dst + j] = b->c[from + j];
            b->slot[b->c[dst + j].person] = (int32_t)(dst + j + 1);
        }
        dst += part[i].n;
    }
    b->n = dst;
    return FK_OK;
}

static int pass_venues(struct best *b, const struct cover *cv, int cat)
{
    const fk_tracer *t = b->t;
    struct pass_part proto;

    if (cv->lo > cv->hi)
        return FK_OK; /* no source scan: no scan is near one */
    memset(&proto, 0, sizeof proto);
    proto.cv = cv;
    proto.cat = cat;
    return by_parts(b, &proto, nparts_for(t, t->in.scan_start[t->in.npersons], PASS_SCANS_A_THREAD),
                    1, pass_thread);
}

/* A thread pays for itself in plan "offer" from this many scan pairs. */
#define OFFER_PAIRS_A_THREAD (UINT64_C(1) << 18)

/* Plan "offer" for close contacts from the source scans s[0..ns), about `pairs` scan pairs. */
static int offer_close(struct best *b, const struct src *s, size_t ns, uint64_t pairs)
{
    struct pass_part proto;

    memset(&proto, 0, sizeof proto);
    proto.s = s;
    proto.ns = ns;
    proto.cat = FK_CAT_CLOSE;
    return by_parts(b, &proto, nparts_for(b->t, pairs, OFFER_PAIRS_A_THREAD), 0, offer_thread);
}

/* Which plan finds the venue contacts of the source scans: "offer" (one offer a scan pair, best
 * when pairs are few) or "pass" (a cover, then one pass over the targets' scans; its cost does
 * not grow with the pairs). The units are rough (a sequential scan read is 1, a random offer 8);
 * pairs() counts or estimates the pairs, and may stop once past cap. */
enum { PLAN_AUTO = 0, PLAN_OFFER = 1, PLAN_PASS = 2 };

static int choose_plan(const fk_tracer *t, uint64_t nsrc, uint64_t target_scans,
                       uint64_t (*pairs)(const fk_tracer *, const void *, uint64_t), const void *ud,
                       uint64_t *npairs)
{
    uint64_t pass_cost = target_scans * 4 + nsrc * 16, cap = pass_cost / 8 + 1, np;

    *npairs = 0;
    if (t->prof.venue_window_minutes < 0)
        return PLAN_OFFER; /* no pairs at all; the cover assumes a window */
    if (t->plan == PLAN_PASS)
        return PLAN_PASS;
    np = pairs(t, ud, cap);
    *npairs = np;
    if (t->plan != PLAN_AUTO)
        return t->plan;
    return np < cap ? PLAN_OFFER : PLAN_PASS;
}

struct src_list {
    const struct src *s;
    size_t n;
};

/* Estimated from at most PAIRS_SAMPLE evenly spaced source scans: each count is two binary
 * searches through a venue's run, cache misses all the way down at full scale. */
#define PAIRS_SAMPLE 512

static uint64_t list_pairs(const fk_tracer *t, const void *ud, uint64_t cap)
{
    const struct src_list *l = ud;
    size_t step = l->n > PAIRS_SAMPLE ? l->n / PAIRS_SAMPLE : 1, i, lo, hi, k = 0;
    uint64_t sum = 0;

    (void)cap;
    for (i = 0; i < l->n; i += step, k++) {
        venue_range(t, l->s[i].venue, l->s[i].ts, &lo, &hi);
        sum += hi - lo;
    }
    return k ? (uint64_t)((double)sum * (double)l->n / (double)k) : 0;
}

/* Depth 2: every scan of a close contact (not a case) from its exposure on, at a venue in vmark,
 * is a source scan. */
struct closes {
    const struct best *b;
    const uint8_t *vmark;
};

static int close_source(const struct best *b, size_t p, int64_t *from)
{
    int32_t s = b->slot[p];

    if (!s || b->c[s - 1].category != FK_CAT_CLOSE || b->t->is_case[p])
        return 0;
    *from = rec_exposure(&b->c[s - 1]);
    return 1;
}

static uint64_t close_pairs(const fk_tracer *t, const void *ud, uint64_t cap)
{
    const struct closes *cl = ud;
    uint64_t sum = 0, e;
    size_t p, lo, hi;
    int64_t from;

    for (p = 0; p < t->in.npersons && sum < cap; p++) {
        if (!close_source(cl->b, p, &from))
            continue;
        for (e = t->in.scan_start[p]; e < t->in.scan_start[p + 1]; e++) {
            if ((int64_t)t->in.scan_time[e] < from || !cl->vmark[t->in.scan_venue[e]])
                continue;
            venue_range(t, t->in.scan_venue[e], t->in.scan_time[e], &lo, &hi);
            sum += hi - lo;
        }
    }
    return sum;
}

/* Secondary contacts by venue: sources are the close contacts (not cases), from their exposure
 * on; targets are the persons neither close nor cases. */
static int secondary_venues(struct best *b)
{
    const fk_tracer *t = b->t;
    uint8_t *vmark = calloc(t->in.nvenues ? t->in.nvenues : 1, 1);
    uint64_t target_scans = 0, nsrc = 0, e, *fill = NULL, npairs;
    struct src *s = NULL;
    struct closes cl;
    size_t p;
    int64_t from;
    int rc = FK_ENOMEM, plan;

    if (!vmark)
        goto out;
    /* Only venues that a target scanned can matter. */
    for (p = 0; p < t->in.npersons; p++) {
        if (pruned(b, (int32_t)p, FK_CAT_SECONDARY))
            continue;
        for (e = t->in.scan_start[p]; e < t->in.scan_start[p + 1]; e++)
            vmark[t->in.scan_venue[e]] = 1;
        target_scans += t->in.scan_start[p + 1] - t->in.scan_start[p];
    }
    rc = FK_OK;
    if (target_scans == 0)
        goto out;
    for (p = 0; p < t->in.npersons; p++) {
        if (!close_source(b, p, &from))
            continue;
        for (e = t->in.scan_start[p]; e < t->in.scan_start[p + 1]; e++)
            nsrc += (int64_t)t->in.scan_time[e] >= from && vmark[t->in.scan_venue[e]];
    }
    cl.b = b;
    cl.vmark = vmark;
    plan = choose_plan(t, nsrc, target_scans, close_pairs, &cl, &npairs);
    if (plan == PLAN_OFFER) {
        for (p = 0; rc == FK_OK && p < t->in.npersons; p++) {
            struct src one;

            if (!close_source(b, p, &from))
                continue;
            for (e = t->in.scan_start[p]; rc == FK_OK && e < t->in.scan_start[p + 1]; e++) {
                if ((int64_t)t->in.scan_time[e] < from || !vmark[t->in.scan_venue[e]])
                    continue;
                one.venue = t->in.scan_venue[e];
                one.ts = t->in.scan_time[e];
                one.source = (int32_t)p;
                one.rank = (uint32_t)(e - t->in.scan_start[p]);
                rc = offer_scan(b, &one, FK_CAT_SECONDARY);
            }
        }
        goto out;
    }
    /* The source scans, straight into venue order: counted a venue, then placed. */
    rc = FK_ENOMEM;
    s = malloc((nsrc ? nsrc : 1) * sizeof *s);
    fill = calloc(t->in.nvenues + 1, sizeof *fill);
    if (!s || !fill)
        goto out;
    for (p = 0; p < t->in.npersons; p++) {
        if (!close_source(b, p, &from))
            continue;
        for (e = t->in.scan_start[p]; e < t->in.scan_start[p + 1]; e++)
            if ((int64_t)t->in.scan_time[e] >= from && vmark[t->in.scan_venue[e]])
                fill[t->in.scan_venue[e] + 1]++;
    }
    for (p = 0; p < t->in.nvenues; p++)
        fill[p + 1] += fill[p];
    for (p = 0; p < t->in.npersons; p++) {
        if (!close_source(b, p, &from))
            continue;
        for (e = t->in.scan_start[p]; e < t->in.scan_start[p + 1]; e++) {
            struct src *x;

            if ((int64_t)t->in.scan_time[e] < from || !vmark[t->in.scan_venue[e]])
                continue;
            x = &s[fill[t->in.scan_venue[e]]++];
            x->venue = t->in.scan_venue[e];
            x->ts = t->in.scan_time[e];
            x->source = (int32_t)p;
            x->rank = (uint32_t)(e - t->in.scan_start[p]);
        }
    }
    rc = cover_build(t, s, nsrc, 1, b->cv);
    free(s);
    s = NULL;
    if (rc == FK_OK)
        rc = pass_venues(b, b->cv, FK_CAT_SECONDARY);
out:
    free(s);
    free(fill);
    free(vmark);
    return rc;
}

static int cmp_contact(const void *a, const void *b)
{
    const struct fk_contact *x = a, *y = b;

    if (x->category != y->category)
        return x->category < y->category ? -1 : 1;
    if (x->exposure != y->exposure)
        return x->exposure < y->exposure ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

/* One part of sorting the answer (see sorted_contacts); what it does depends on the stage. */
enum { ST_COUNT, ST_KEYS, ST_HIST, ST_SCATTER, ST_GATHER };

/* The widest radix digit: more buckets scatter to more places at once, which costs more. */
#define RADIX_BITS 8
#define RADIX_DIGITS (1u << RADIX_BITS)

struct sort_part {
    const struct best *b;
    int stage;
    size_t from, to;          /* ST_COUNT, ST_KEYS: persons; else rows of the keys */
    size_t m, at;             /* listed non-cases seen (ST_COUNT); where ST_KEYS writes */
    int64_t lo;               /* ST_KEYS subtracts it from the exposures */
    uint64_t key_or, key_and; /* of the keys ST_KEYS wrote */
    uint64_t *a, *to_key;
    int shift;
    uint64_t digit;             /* the digit's mask, after the shift */
    size_t count[RADIX_DIGITS]; /* ST_HIST: of the digit at shift; ST_SCATTER: where each goes */
    struct fk_contact *out;
};

static void *sort_stage(void *arg)
{
    struct sort_part *sp = arg;
    const struct best *b = sp->b;
    const fk_tracer *t = b->t;
    size_t i, j;

    switch (sp->stage) {
    case ST_COUNT:
        for (i = sp->from, sp->m = 0; i < sp->to; i++)
            sp->m += b->slot[i] && !t->is_case[i];
        break;
    case ST_KEYS:
        sp->key_or = 0;
        sp->key_and = ~(uint64_t)0;
        for (i = sp->from, j = sp->at; i < sp->to; i++) {
            int32_t s = b->slot[i];
            uint64_t k;

            if (!s || t->is_case[i])
                continue;
            k = (uint64_t)b->c[s - 1].category << 62 |
                ((uint64_t)rec_exposure(&b->c[s - 1]) - (uint64_t)sp->lo) << 32 | (uint64_t)(s - 1);
            sp->to_key[j++] = k;
            sp->key_or |= k;
            sp->key_and &= k;
        }
        break;
    case ST_HIST:
        memset(sp->count, 0, sizeof sp->count);
        for (i = sp->from; i < sp->to; i++)
            sp->count[(sp->a[i] >> sp->shift) & sp->digit]++;
        break;
    case ST_SCATTER:
        for (i = sp->from; i < sp->to; i++)
            sp->to_key[sp->count[(sp->a[i] >> sp->shift) & sp->digit]++] = sp->a[i];
        break;
    case ST_GATHER:
        for (i = sp->from; i < sp->to; i++) {
            if (i + 16 < sp->to)
                __builtin_prefetch(&b->c[sp->a[i + 16] & 0xFFFFFFFFu]);
            rec_answer(b, &b->c[sp->a[i] & 0xFFFFFFFFu], &sp->out[i]);
        }
        break;
    }
    return NULL;
}

/* Cuts [0, n) into k parts of stage `stage` and runs them. */
static void sort_run(struct sort_part *sp, size_t k, int stage, size_t n)
{
    size_t i;

    for (i = 0; i < k; i++) {
        sp[i].stage = stage;
        sp[i].from = n / k * i;
        sp[i].to = i + 1 < k ? n / k * (i + 1) : n;
    }
    run_parts(sort_stage, sp, sizeof *sp, k);
}

/* Stable LSD radix sort of a[0..n) on the bits of the high half that vary (as few digits of at
 * most RADIX_BITS as cover them; all_or and all_and are the OR and the AND of the keys), with tmp
 * (n), the parts counting and scattering their own slices: part i's keys of a digit value go
 * after part i - 1's, so the order of equal keys is kept. */
static void radix_sort_parts(struct sort_part *sp, size_t k, uint64_t *a, uint64_t *tmp, size_t n,
                             uint64_t all_or, uint64_t all_and)
{
    uint64_t *src = a, *dst = tmp, *swap, vary;
    size_t i, d, sum;
    int low = 32, high = 32, npass, width, pass;

    vary = (all_or ^ all_and) >> 32;
    if (vary) {
        while (!(vary >> (low - 32) & 1))
            low++;
        high = 64;
        while (!(vary >> (high - 1 - 32) & 1))
            high--;
    }
    npass = (high - low + RADIX_BITS - 1) / RADIX_BITS;
    width = npass ? (high - low + npass - 1) / npass : 0;
    for (pass = 0; pass < npass; pass++) {
        int shift = low + pass * width;

        for (i = 0; i < k; i++) {
            sp[i].a = src;
            sp[i].to_key = dst;
            sp[i].shift = shift;
            sp[i].digit = (UINT64_C(1) << width) - 1;
        }
        sort_run(sp, k, ST_HIST, n);
        for (d = 0, sum = 0; d < ((size_t)1 << width); d++) {
            for (i = 0; i < k; i++) {
                size_t c = sp[i].count[d];

                sp[i].count[d] = sum;
                sum += c;
            }
        }
        sort_run(sp, k, ST_SCATTER, n);
        swap = src;
        src = dst;
        dst = swap;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* A thread pays for itself from this many contacts sorted. */
#define SORT_ROWS_A_THREAD (1u << 18)

/* The listed contacts (cases left out) ordered by category, exposure, person, into *buf (room
 * for *cap), replaced by a new array of exactly their number when too small or NULL.
 * When the exposures stored span less than 2^30 s (b->lo to b->hi), a key (category,
 * exposure - b->lo) << 32 | index is made in person order and radix-sorted on its high half only:
 * the sort is stable, so persons stay in order within equal keys. When the list is dense, the
 * persons are walked through their slots twice (a count a part, then the keys); else the list is
 * sorted by person. The passes over many contacts are cut into parts, one a thread. */
static int sorted_contacts(struct best *b, struct fk_contact **buf, size_t *cap, size_t *nout)
{
    const fk_tracer *t = b->t;
    int64_t lo = b->lo, hi = b->hi;
    uint64_t *key = NULL, *tmp = NULL, all_or = 0, all_and = ~(uint64_t)0;
    struct fk_contact *c = NULL;
    struct sort_part sp[FK__TRACE_MAX_THREADS];
    size_t i, m = 0, p, k = nparts_for(t, b->n, SORT_ROWS_A_THREAD);
    int dense = b->n >= t->in.npersons / 16, rc = FK_ENOMEM;

    memset(sp, 0, sizeof sp);
    for (i = 0; i < k; i++)
        sp[i].b = b;
    if (dense) {
        sort_run(sp, k, ST_COUNT, t->in.npersons);
        for (i = 0; i < k; i++)
            m += sp[i].m;
    } else {
        for (i = 0; i < b->n; i++)
            m += !t->is_case[b->c[i].person];
    }
    if (!*buf || m > *cap) {
        /* A fresh array, not realloc: the old contents need no copy. */
        free(*buf);
        *cap = 0;
        *buf = big_malloc((m ? m : 1) * sizeof **buf);
        if (!*buf)
            goto out;
        *cap = m ? m : 1;
    }
    c = *buf;
    if (m > 1 && (uint64_t)hi - (uint64_t)lo < (UINT64_C(1) << 30)) {
        if (m > b->keycap) {
            free(b->key);
            free(b->tmp);
            b->key = big_malloc(m * sizeof *key);
            b->tmp = big_malloc(m * sizeof *tmp);
            b->keycap = b->key && b->tmp ? m : 0;
            if (!b->keycap)
                goto out;
        }
        key = b->key;
        tmp = b->tmp;
        /* In person order: over the slots when the list is dense, else the list sorted. */
        if (dense) {
            size_t at = 0;

            for (i = 0; i < k; i++) {
                sp[i].at = at;
                sp[i].lo = lo;
                sp[i].to_key = key;
                at += sp[i].m;
            }
            sort_run(sp, k, ST_KEYS, t->in.npersons);
            for (i = 0; i < k; i++) {
                all_or |= sp[i].key_or;
                all_and &= sp[i].key_and;
            }
        } else {
            for (i = 0, p = 0; i < b->n; i++)
                if (!t->is_case[b->c[i].person])
                    key[p++] = (uint64_t)(uint32_t)b->c[i].person << 32 | i;
            radix_sort(key, tmp, m, 4);
            for (i = 0; i < m; i++) {
                const struct rec *x = &b->c[key[i] & 0xFFFFFFFFu];

                key[i] = (uint64_t)x->category << 62 |
                         ((uint64_t)rec_exposure(x) - (uint64_t)lo) << 32 | (key[i] & 0xFFFFFFFFu);
                all_or |= key[i];
                all_and &= key[i];
            }
        }
        k = nparts_for(t, m, SORT_ROWS_A_THREAD);
        radix_sort_parts(sp, k, key, tmp, m, all_or, all_and);
        for (i = 0; i < k; i++) {
            sp[i].a = key;
            sp[i].out = c;
        }
        sort_run(sp, k, ST_GATHER, m);
    } else {
        for (i = 0, m = 0; i < b->n; i++)
            if (!t->is_case[b->c[i].person])
                rec_answer(b, &b->c[i], &c[m++]);
        if (m > 1)
            qsort(c, m, sizeof *c, cmp_contact); /* qsort(NULL, 0) is undefined */
    }
    *nout = m;
    rc = FK_OK;
out:
    return rc;
}

void fk__tracer_set_plan(fk_tracer *t, int plan)
{
    t->plan = plan == PLAN_OFFER || plan == PLAN_PASS ? plan : PLAN_AUTO;
}

void fk__tracer_set_threads(fk_tracer *t, int threads)
{
    t->threads = threads < 0                       ? 0
                 : threads > FK__TRACE_MAX_THREADS ? FK__TRACE_MAX_THREADS
                                                   : threads;
}

int fk_tracer_run(const fk_tracer *t, const struct fk_trace_opts *o, struct fk_contact **out,
                  size_t *n, char *err, size_t errlen)
{
    struct fk_contact *c = NULL;
    size_t cap = 0;
    int rc;

    *out = NULL;
    rc = fk_tracer_run_into(t, o, &c, &cap, n, err, errlen);
    if (rc != FK_OK) {
        free(c);
        return rc;
    }
    *out = c;
    return FK_OK;
}

int fk_tracer_run_into(const fk_tracer *t, const struct fk_trace_opts *o, struct fk_contact **buf,
                       size_t *cap, size_t *n, char *err, size_t errlen)
{
    struct best b;
    struct src *s = NULL;
    struct src_list sl;
    struct cover cv;
    size_t i, j, ns = 0, scap = 0;
    uint64_t npairs;
    uint32_t rank = 0;
    int rc = FK_OK;

    *n = 0;
    memset(&b, 0, sizeof b);
    memset(&cv, 0, sizeof cv);
    b.t = t;
    b.lo = INT64_MAX;
    b.hi = INT64_MIN;
    b.cv = &cv;
    if (o->depth != 1 && o->depth != 2) {
        snprintf(err, errlen, "depth is 1 (close contacts and companions) or 2 (and secondary)");
        return FK_EINVAL;
    }
    for (i = 0; i < o->ncases && o->cases; i++) {
        if (o->cases[i] < 0 || (size_t)o->cases[i] >= t->in.npersons || !t->is_case[o->cases[i]]) {
            snprintf(err, errlen, "person %d is not a case (import cases first)", o->cases[i]);
            return FK_ENOENT;
        }
    }
    if (pthread_mutex_trylock(&((fk_tracer *)t)->lock) == 0) {
        struct spare *sp = &((fk_tracer *)t)->spare;

        b.spare = 1;
        b.slot = sp->slot;
        b.c = sp->c;
        b.cap = sp->cap;
        b.key = sp->key;
        b.tmp = sp->tmp;
        b.keycap = sp->keycap;
        if (sp->cover)
            cv = *sp->cover;
        free(sp->cover);
        memset(sp, 0, sizeof *sp);
    }
    if (!b.slot) {
        b.slot = big_malloc((t->in.npersons ? t->in.npersons : 1) * sizeof *b.slot);
        if (b.slot)
            memset(b.slot, 0, (t->in.npersons ? t->in.npersons : 1) * sizeof *b.slot);
    }
    if (!b.slot)
        rc = FK_ENOMEM;
    /* Close contacts by household, and the chosen cases' scans inside their windows. */
    for (i = 0; rc == FK_OK && i < t->in.ncases; i++) {
        const struct fk_case_row *c = &t->in.cases[i];
        int32_t src = (int32_t)c->person;
        int64_t ws, we;
        uint64_t e;

        if (o->cases) {
            for (j = 0; j < o->ncases && o->cases[j] != src; j++)
                ;
            if (j == o->ncases)
                continue;
        }
        if ((o->since && c->confirmed < o->since) || (o->until && c->confirmed > o->until))
            continue;
        fk_trace_window(c, &t->prof, &ws, &we);
        rc = offer_household(&b, src, FK_CAT_CLOSE, ws);
        for (e = t->in.scan_start[src]; rc == FK_OK && e < t->in.scan_start[src + 1]; e++) {
            if (t->in.scan_time[e] < ws || t->in.scan_time[e] > we)
                continue;
            if (rank == UINT32_MAX) {
                rc = FK_ETOOBIG;
                break;
            }
            if (grow((void **)&s, &scap, ns + 1, sizeof *s) != FK_OK) {
                rc = FK_ENOMEM;
                break;
            }
            s[ns].venue = t->in.scan_venue[e];
            s[ns].ts = t->in.scan_time[e];
            s[ns].source = src;
            s[ns].rank = rank++;
            ns++;
        }
    }
    /* Close contacts by venue. */
    sl.s = s;
    sl.n = ns;
    if (rc == FK_OK && ns &&
        choose_plan(t, ns, t->in.scan_start[t->in.npersons], list_pairs, &sl, &npairs) ==
            PLAN_OFFER) {
        rc = offer_close(&b, s, ns, npairs);
    } else if (rc == FK_OK && ns) {
        rc = cover_build(t, s, ns, 0, &cv);
        if (rc == FK_OK)
            rc = pass_venues(&b, &cv, FK_CAT_CLOSE);
    }
    /* Companions. */
    for (i = 0; rc == FK_OK && i < t->in.ncases; i++) {
        const struct fk_case_row *c = &t->in.cases[i];
        int32_t src = (int32_t)c->person;

        if (o->cases) {
            for (j = 0; j < o->ncases && o->cases[j] != src; j++)
                ;
            if (j == o->ncases)
                continue;
        }
        if ((o->since && c->confirmed < o->since) || (o->until && c->confirmed > o->until))
            continue;
        rc = offer_companions(&b, src, c->confirmed - (int64_t)t->prof.companion_days * 86400,
                              c->confirmed);
    }
    /* Secondary contacts from each close contact, from its exposure on. Close contacts are
     * never displaced by a secondary offer, so the close list does not change while it is
     * walked. */
    if (rc == FK_OK && o->depth == 2) {
        size_t p;

        for (p = 0; rc == FK_OK && p < t->in.npersons; p++) {
            int64_t from;

            if (close_source(&b, p, &from))
                rc = offer_household(&b, (int32_t)p, FK_CAT_SECONDARY, from);
        }
        if (rc == FK_OK)
            rc = secondary_venues(&b);
    }
    if (rc == FK_OK)
        rc = sorted_contacts(&b, buf, cap, n);
    if (rc != FK_OK)
        snprintf(err, errlen, "tracing: %s", fk_strerror(rc));
    free(s);
    if (b.spare) {
        struct spare *sp = &((fk_tracer *)t)->spare;

        /* Only the slots of listed persons were set: clearing them is cheaper than a calloc,
         * and when they are many, clearing them all is cheaper than reading their records. */
        if (b.slot && b.n >= t->in.npersons / 8)
            memset(b.slot, 0, t->in.npersons * sizeof *b.slot);
        else
            for (i = 0; b.slot && i < b.n; i++)
                b.slot[b.c[i].person] = 0;
        sp->slot = b.slot;
        sp->c = b.c;
        sp->cap = b.cap;
        sp->key = b.key;
        sp->tmp = b.tmp;
        sp->keycap = b.keycap;
        cover_trim(&cv);
        sp->cover = malloc(sizeof *sp->cover);
        if (sp->cover)
            *sp->cover = cv;
        else
            cover_free(&cv);
        pthread_mutex_unlock(&((fk_tracer *)t)->lock);
    } else {
        free(b.slot);
        free(b.c);
        free(b.key);
        free(b.tmp);
        cover_free(&cv);
    }
    return rc;
}

/* ---- rendering ---- */

const char *fk_tracer_via(const fk_tracer *t, const struct fk_contact *c, char *buf, size_t cap)
{
    const char *kind = c->via == FK_VIA_HOUSEHOLD ? "household"
                       : c->via == FK_VIA_VENUE   ? "venue"
                       : c->via == FK_VIA_CELL    ? "cell"
                                                  : "";
    const char *code = NULL;

    if (c->via == FK_VIA_HOUSEHOLD)
        code = text_at(t->households, &t->hh_codes, c->via_id);
    else if (c->via == FK_VIA_VENUE && t->venue_code && c->via_id >= 0 &&
             (size_t)c->via_id < t->in.nvenues && t->venue_code[c->via_id] >= 0)
        code = text_at(t->venues, &t->venue_codes, t->venue_code[c->via_id]);
    else if (c->via == FK_VIA_CELL)
        code = text_at(t->cells, &t->cell_codes, c->via_id);
    if (code)
        snprintf(buf, cap, "%s:%s", kind, code);
    else
        snprintf(buf, cap, "%s:%d", kind, c->via_id);
    return buf;
}

void fk_tracer_use_roster(fk_tracer *t, fk_roster *r)
{
    t->roster = r;
}

void fk_tracer_named(const fk_tracer *t, uint64_t *from_roster, uint64_t *from_store)
{
    *from_roster = atomic_load_explicit(&t->named[0], memory_order_relaxed);
    *from_store = atomic_load_explicit(&t->named[1], memory_order_relaxed);
}

/* Adds to the counts of persons shown from the roster and from the store. The tracer is
 * read-only to rendering but for these (atomic) counters. */
static void count_named(const fk_tracer *t, uint64_t roster, uint64_t store)
{
    fk_tracer *w = (fk_tracer *)t;

    if (roster)
        atomic_fetch_add_explicit(&w->named[0], roster, memory_order_relaxed);
    if (store)
        atomic_fetch_add_explicit(&w->named[1], store, memory_order_relaxed);
}

/* What output shows of a person: texts borrowed from the roster, the store or a struct names. */
struct who_ref {
    const char *id, *name, *phone, *grid;
};

/* Person pid of a tracer built from a store, as output shows it, into *v: from t's roster when
 * it answers (*from_roster 1), else read through st (*from_roster 0; the strings live until st's
 * next call). So the roster stands in for the store read by read, and a person it cannot answer
 * (missing, damaged) is shown as before. FK_OK, or the store's failure. */
static int person_texts(const fk_tracer *t, fk_store *st, int32_t pid, struct who_ref *v,
                        int *from_roster)
{
    struct fk_roster_who w;
    struct fk_person_row p;
    int rc;

    *from_roster = t->roster && fk_roster_person(t->roster, pid, &w) == FK_OK;
    if (*from_roster) {
        *v = (struct who_ref){w.id_number, w.name, w.phone, w.grid};
        return FK_OK;
    }
    rc = fk_store_get_person(st, pid, &p);
    *v = rc == FK_OK ? (struct who_ref){p.id_number, p.name, p.phone, p.grid}
                     : (struct who_ref){NULL, NULL, NULL, NULL};
    return rc;
}

/* A person's ID number and name, copied (the store's strings live until its next call). */
struct who {
    char id[64], name[256], phone[64], grid[64];
};

static int who(const fk_tracer *t, fk_store *st, int32_t pid, struct who *w)
{
    struct who_ref v;
    int rc, from_roster;

    memset(w, 0, sizeof *w);
    if (!t->from_store || !st) {
        snprintf(w->id, sizeof w->id, "%d", pid);
        return FK_OK;
    }
    rc = person_texts(t, st, pid, &v, &from_roster);
    count_named(t, from_roster, !from_roster);
    if (rc != FK_OK)
        return rc;
    fk_strlcpy(w->id, v.id, sizeof w->id);
    fk_strlcpy(w->name, v.name, sizeof w->name);
    fk_strlcpy(w->phone, v.phone, sizeof w->phone);
    fk_strlcpy(w->grid, v.grid, sizeof w->grid);
    return FK_OK;
}

static const struct fk_col trace_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"category", FK_COL_TEXT},
    {"source", FK_COL_TEXT},    {"via", FK_COL_TEXT},  {"exposure", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},     {"grid", FK_COL_TEXT},
};

/* The persons a list of contacts names (contacts, sources, and roots when asked), each read once:
 * pid[] sorted and unique, off[k] the offsets in txt of the k-th one's ID number, name, phone and
 * grid. They are read in pid order, from the roster when one is attached (which then reads its
 * file forward), else from the store inside one read transaction, so the store walks its persons
 * forward once; rendering had made two look-ups a contact, each its own transaction at a random
 * place (7.5 s of a 22.6 s trace of 1 000 cases at 10 M, issue 19). */
struct names {
    int32_t *pid;
    uint32_t (*off)[4];
    size_t n;
    fk_buf txt;
};

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

static void names_free(struct names *nm)
{
    free(nm->pid);
    free(nm->off);
    fk_buf_fini(&nm->txt);
}

static int names_read(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                      int roots, struct names *nm)
{
    size_t i, k, m = 0;
    uint64_t named[2] = {0, 0};
    int rc = FK_OK, began = 0;

    memset(nm, 0, sizeof *nm);
    fk_buf_init(&nm->txt, 0);
    nm->pid = malloc((3 * n + 1) * sizeof *nm->pid);
    if (!nm->pid)
        return FK_ENOMEM;
    for (i = 0; i < n; i++) {
        nm->pid[m++] = c[i].person;
        nm->pid[m++] = c[i].source;
        if (roots)
            nm->pid[m++] = c[i].root;
    }
    if (m)
        qsort(nm->pid, m, sizeof *nm->pid, cmp_i32);
    for (i = k = 0; i < m; i++)
        if (!k || nm->pid[i] != nm->pid[k - 1])
            nm->pid[k++] = nm->pid[i];
    nm->n = k;
    nm->off = malloc((k + 1) * sizeof *nm->off);
    if (!nm->off)
        return FK_ENOMEM;
    if (t->from_store && st) {
        rc = fk_store_read_begin(st);
        began = rc == FK_OK;
    }
    for (i = 0; rc == FK_OK && i < k; i++) {
        struct who_ref w;
        char num[16];
        const char *v[4];
        int j, from_roster;

        if (t->from_store && st) {
            rc = person_texts(t, st, nm->pid[i], &w, &from_roster);
            named[!from_roster]++;
            v[0] = w.id;
            v[1] = w.name;
            v[2] = w.phone;
            v[3] = w.grid;
        } else {
            snprintf(num, sizeof num, "%d", nm->pid[i]);
            v[0] = num;
            v[1] = v[2] = v[3] = "";
        }
        for (j = 0; rc == FK_OK && j < 4; j++) {
            nm->off[i][j] = (uint32_t)nm->txt.len;
            rc = nm->txt.len > UINT32_MAX / 2
                     ? FK_ENOMEM
                     : fk_buf_append(&nm->txt, v[j] ? v[j] : "", strlen(v[j] ? v[j] : "") + 1);
        }
    }
    if (began)
        fk_store_read_end(st);
    count_named(t, named[0], named[1]);
    return rc;
}

/* Person pid of nm (which names it) into *w. */
static void names_get(const struct names *nm, int32_t pid, struct who_ref *w)
{
    size_t lo = 0, hi = nm->n;
    const char *b = nm->txt.data;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (nm->pid[mid] < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *w = (struct who_ref){b + nm->off[lo][0], b + nm->off[lo][1], b + nm->off[lo][2],
                          b + nm->off[lo][3]};
}

/* One contact's row as fill functions give it, with p the contact, s its source and via, when
 * the buffers the rendered texts live in. */
struct contact_row {
    const fk_tracer *t;
    const struct fk_contact *c;
    const struct who_ref *p, *s;
    char via[96], when[FK_TIME_RENDER_MAX];
};

typedef void (*contact_fill)(struct contact_row *r, const char **vals);

/* Makes *out a table of cols (8 columns), one row per contact of c as fill() gives it. FK_OK,
 * or a failure with err set to "what: reason" and *out NULL. */
static int contact_table(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                         const struct fk_col *cols, contact_fill fill, const char *what,
                         fk_table **out, char *err, size_t errlen)
{
    fk_table *tb = NULL;
    struct names nm;
    size_t i;
    int rc = names_read(t, st, c, n, 0, &nm);

    *out = NULL;
    if (rc == FK_OK)
        rc = fk_table_new(cols, 8, &tb);
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who_ref p, s;
        struct contact_row r = {t, &c[i], &p, &s, {0}, {0}};
        const char *vals[8];

        names_get(&nm, c[i].person, &p);
        names_get(&nm, c[i].source, &s);
        fill(&r, vals);
        rc = fk_table_add(tb, vals);
    }
    names_free(&nm);
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s: %s", what, fk_strerror(rc));
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

static void trace_fill(struct contact_row *r, const char **vals)
{
    vals[0] = r->p->id;
    vals[1] = r->p->name;
    vals[2] = fk_category_name(r->c->category);
    vals[3] = r->s->id;
    vals[4] = fk_tracer_via(r->t, r->c, r->via, sizeof r->via);
    vals[5] = fk_time_render(r->c->exposure, r->when);
    vals[6] = r->p->phone;
    vals[7] = r->p->grid;
}

int fk_tracer_table(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                    fk_table **out, char *err, size_t errlen)
{
    return contact_table(t, st, c, n, trace_cols, trace_fill, "rendering contacts", out, err,
                         errlen);
}

static const struct fk_col explain_cols[] = {
    {"step", FK_COL_INT}, {"role", FK_COL_TEXT}, {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},
    {"via", FK_COL_TEXT}, {"time", FK_COL_TEXT}, {"detail", FK_COL_TEXT},
    {"code", FK_COL_TEXT}, {"args", FK_COL_JSON},
};
#define EXPLAIN_COLS 9

static const struct fk_contact *find_contact(const struct fk_contact *c, size_t n, int32_t p)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (c[i].person == p)
            return &c[i];
    return NULL;
}

/* One explain row for contact k (reached from its source): its detail is one message of the
 * catalogue (fk/msg.h), in English and as code and arguments. */
static int explain_row(const fk_tracer *t, fk_store *st, fk_table *tb, int step,
                       const struct fk_contact *k)
{
    struct who p, s;
    char via[96], when[FK_TIME_RENDER_MAX], a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX],
        detail[512], num[8], mins[24], lim[16];
    const char *vals[EXPLAIN_COLS];
    enum fk_msg_id id;
    fk_buf args;
    int rc = who(t, st, k->person, &p);

    if (rc == FK_OK)
        rc = who(t, st, k->source, &s);
    if (rc != FK_OK)
        return rc;
    fk_buf_init(&args, 0);
    fk_tracer_via(t, k, via, sizeof via);
    fk_time_render(k->source_time, a);
    fk_time_render(k->contact_time, b);
    if (k->via == FK_VIA_HOUSEHOLD) {
        id = k->category == FK_CAT_CLOSE ? FK_MSG_TRACE_HOUSEHOLD_CLOSE
                                         : FK_MSG_TRACE_HOUSEHOLD_SECONDARY;
        fk_msg_render(detail, sizeof detail, id, s.id, s.name, a);
        rc = fk_msg_args_json(&args, id, s.id, s.name, a);
    } else if (k->via == FK_VIA_VENUE) {
        id = FK_MSG_TRACE_VENUE;
        snprintf(mins, sizeof mins, "%lld",
                 (long long)((k->source_time > k->contact_time ? k->source_time - k->contact_time
                                                               : k->contact_time - k->source_time) /
                             60));
        snprintf(lim, sizeof lim, "%d", t->prof.venue_window_minutes);
        fk_msg_render(detail, sizeof detail, id, s.id, via + 6, a, b, mins, lim);
        rc = fk_msg_args_json(&args, id, s.id, via + 6, a, b, mins, lim);
    } else {
        id = FK_MSG_TRACE_CELL;
        snprintf(lim, sizeof lim, "%d", t->prof.companion_slot_minutes);
        fk_msg_render(detail, sizeof detail, id, s.id, via + 5, a, lim, b);
        rc = fk_msg_args_json(&args, id, s.id, via + 5, a, lim, b);
    }
    snprintf(num, sizeof num, "%d", step);
    vals[0] = num;
    vals[1] = fk_category_name(k->category);
    vals[2] = p.id;
    vals[3] = p.name;
    vals[4] = via;
    vals[5] = fk_time_render(k->exposure, when);
    vals[6] = detail;
    vals[7] = fk_msg_code(id);
    vals[8] = args.data;
    if (rc == FK_OK)
        rc = fk_table_add(tb, vals);
    fk_buf_fini(&args);
    return rc;
}

int fk_tracer_explain(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                      int32_t person, fk_table **out, char *err, size_t errlen)
{
    const struct fk_contact *k = find_contact(c, n, person), *mid = NULL;
    fk_table *tb = NULL;
    size_t i;
    int rc, step = 1;

    *out = NULL;
    if (!k) {
        snprintf(err, errlen, "this person is not on the contact list");
        return FK_ENOENT;
    }
    if (k->category == FK_CAT_SECONDARY)
        mid = find_contact(c, n, k->source);
    rc = fk_table_new(explain_cols, EXPLAIN_COLS, &tb);
    if (rc == FK_OK) {
        struct who r;
        int64_t ws = 0, we = 0;
        char num[8], a[FK_TIME_RENDER_MAX], b[FK_TIME_RENDER_MAX], detail[256];
        const char *vals[EXPLAIN_COLS];
        fk_buf args;

        for (i = 0; i < t->in.ncases; i++)
            if (t->in.cases[i].person == k->root)
                fk_trace_window(&t->in.cases[i], &t->prof, &ws, &we);
        rc = who(t, st, k->root, &r);
        snprintf(num, sizeof num, "%d", step++);
        fk_time_render(ws, a);
        fk_time_render(we, b);
        fk_msg_render(detail, sizeof detail, FK_MSG_TRACE_CASE, a, b);
        fk_buf_init(&args, 0);
        if (rc == FK_OK)
            rc = fk_msg_args_json(&args, FK_MSG_TRACE_CASE, a, b);
        vals[0] = num;
        vals[1] = "case";
        vals[2] = r.id;
        vals[3] = r.name;
        vals[4] = NULL;
        vals[5] = NULL;
        vals[6] = detail;
        vals[7] = fk_msg_code(FK_MSG_TRACE_CASE);
        vals[8] = args.data;
        if (rc == FK_OK)
            rc = fk_table_add(tb, vals);
        fk_buf_fini(&args);
    }
    if (rc == FK_OK && mid)
        rc = explain_row(t, st, tb, step++, mid);
    if (rc == FK_OK)
        rc = explain_row(t, st, tb, step, k);
    if (rc != FK_OK) {
        snprintf(err, errlen, "explain: %s", fk_strerror(rc));
        fk_table_free(tb);
        return rc;
    }
    *out = tb;
    return FK_OK;
}

static const struct fk_col edge_cols[] = {
    {"from", FK_COL_TEXT}, {"from_name", FK_COL_TEXT}, {"from_category", FK_COL_TEXT},
    {"to", FK_COL_TEXT},   {"to_name", FK_COL_TEXT},   {"category", FK_COL_TEXT},
    {"via", FK_COL_TEXT},  {"exposure", FK_COL_TEXT},
};

static void edge_fill(struct contact_row *r, const char **vals)
{
    vals[0] = r->s->id;
    vals[1] = r->s->name;
    /* A secondary contact's source is a close contact; every other source is a case. */
    vals[2] = r->c->category == FK_CAT_SECONDARY ? fk_category_name(FK_CAT_CLOSE) : "case";
    vals[3] = r->p->id;
    vals[4] = r->p->name;
    vals[5] = fk_category_name(r->c->category);
    vals[6] = fk_tracer_via(r->t, r->c, r->via, sizeof r->via);
    vals[7] = fk_time_render(r->c->exposure, r->when);
}

int fk_tracer_edges(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                    fk_table **out, char *err, size_t errlen)
{
    return contact_table(t, st, c, n, edge_cols, edge_fill, "chain", out, err, errlen);
}

/* Appends one node {"id","name","category"}. */
static int json_node(fk_buf *b, const struct who_ref *w, const char *category, int first)
{
    int rc = fk_buf_puts(b, first ? "\n{\"id\":" : ",\n{\"id\":");

    if (rc == FK_OK)
        rc = fk_buf_json_string(b, w->id);
    if (rc == FK_OK)
        rc = fk_buf_puts(b, ",\"name\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(b, w->name);
    if (rc == FK_OK)
        rc = fk_buf_puts(b, ",\"category\":");
    if (rc == FK_OK)
        rc = fk_buf_json_string(b, category);
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '}');
    return rc;
}

int fk_tracer_graph_json(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                         fk_buf *out, char *err, size_t errlen)
{
    uint8_t *seen = calloc(t->in.npersons ? t->in.npersons : 1, 1);
    struct names nm;
    size_t i;
    int rc = names_read(t, st, c, n, 1, &nm), first = 1;

    if (rc == FK_OK)
        rc = seen ? fk_buf_puts(out, "{\"nodes\":[") : FK_ENOMEM;

    /* Cases at the roots first, then every contact. */
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who_ref w;

        if (seen[c[i].root])
            continue;
        seen[c[i].root] = 1;
        names_get(&nm, c[i].root, &w);
        rc = json_node(out, &w, "case", first);
        first = 0;
    }
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who_ref w;

        names_get(&nm, c[i].person, &w);
        rc = json_node(out, &w, fk_category_name(c[i].category), first);
        first = 0;
    }
    if (rc == FK_OK)
        rc = fk_buf_puts(out, "],\n\"edges\":[");
    for (i = 0; rc == FK_OK && i < n; i++) {
        struct who_ref p, s;
        char via[96], when[FK_TIME_RENDER_MAX];

        names_get(&nm, c[i].person, &p);
        names_get(&nm, c[i].source, &s);
        rc = fk_buf_puts(out, i ? ",\n{\"from\":" : "\n{\"from\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, s.id);
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"to\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, p.id);
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"category\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_category_name(c[i].category));
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"via\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_tracer_via(t, &c[i], via, sizeof via));
        if (rc == FK_OK && fk_tracer_via_name(t, &c[i])) {
            rc = fk_buf_puts(out, ",\"via_name\":");
            if (rc == FK_OK)
                rc = fk_buf_json_string(out, fk_tracer_via_name(t, &c[i]));
        }
        if (rc == FK_OK)
            rc = fk_buf_puts(out, ",\"exposure\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(out, fk_time_render(c[i].exposure, when));
        if (rc == FK_OK)
            rc = fk_buf_putc(out, '}');
    }
    if (rc == FK_OK)
        rc = fk_buf_puts(out, "]}\n");
    free(seen);
    names_free(&nm);
    if (rc != FK_OK)
        snprintf(err, errlen, "chain: %s", fk_strerror(rc));
    return rc;
}

/* ---- snapshots (issue 19) ----
 * One file beside the data file: a header listing each array's place, then each array as a
 * section at a 64-byte boundary, little-endian and native-sized as in memory, then the block
 * sums (fk/snapfile.h), so that fk_tracer_load maps the file and points the tracer's arrays into
 * it: no array is read, copied or rebuilt. The header holds the store generation and the
 * companion slot the arrays reflect, and the counts. The codes (households, cells, venues) and
 * the venue names are blobs of NUL-ended texts with their offsets, which is all rendering needs
 * (by index, never by text), so no string map is rebuilt either. The whole file is checked at
 * load, on two threads: a run reads arrays by indexes read from other arrays, so it may read
 * only checked bytes. */

#define TSNAP_MAGIC "FKTRCSN1"
#define TSNAP_VERSION 2u /* 2: block sums */

enum {
    TS_HOUSEHOLD,
    TS_SCAN_START,
    TS_SCAN_VENUE,
    TS_SCAN_TIME,
    TS_PING_START,
    TS_PING_CELL,
    TS_PING_TIME,
    TS_CASES,
    TS_VENUE_START,
    TS_VENUE_KEY,
    TS_CELL_START,
    TS_CELL_KEY,
    TS_HH_START,
    TS_HH_MEMBER,
    TS_IS_CASE,
    TS_VENUE_CODE,
    TS_HH_TEXT,
    TS_HH_OFF,
    TS_CELL_TEXT,
    TS_CELL_OFF,
    TS_VCODE_TEXT,
    TS_VCODE_OFF,
    TS_VNAME_TEXT,
    TS_VNAME_OFF,
    TS_N
};

struct tsnap_header {
    char magic[8];
    uint32_t version, endian;
    int64_t generation, slot_seconds;
    uint64_t npersons, nhouseholds, nvenues, ncells, ncases, nscans, npings, nvcodes, nvnames;
    struct fk_snap_sect sect[TS_N];
    struct fk_snap_blocks blocks;
    uint64_t sum; /* of the bytes above */
};

_Static_assert(offsetof(struct tsnap_header, generation) ==
                   offsetof(struct fk_snap_prefix, generation),
               "the tracer snapshot's header begins with fk_snap_prefix");
_Static_assert(offsetof(struct tsnap_header, sum) + 8 == sizeof(struct tsnap_header),
               "the header's seal is its last 8 bytes");

/* Texts 0 .. n-1 (NULL: "") as a blob section and an offsets section. */
static void ts_put_texts(struct fk_snapwriter *w, struct tsnap_header *h, int k,
                         const char *(*get)(const void *, size_t), const void *ud, size_t n)
{
    uint64_t *off = malloc((n ? n : 1) * sizeof *off);
    fk_buf b;
    size_t i;

    fk_buf_init(&b, 0);
    if (!off) {
        w->failed = 1;
        return;
    }
    for (i = 0; i < n && !w->failed; i++) {
        const char *s = get(ud, i);

        off[i] = b.len;
        if (fk_buf_append(&b, s ? s : "", strlen(s ? s : "") + 1) != FK_OK)
            w->failed = 1;
    }
    fk_snapwriter_put(w, &h->sect[k], b.data, b.len);
    fk_snapwriter_put(w, &h->sect[k + 1], off, n * sizeof *off);
    fk_buf_fini(&b);
    free(off);
}

static const char *map_text(const void *m, size_t i)
{
    return fk_strmap_key(m, (int64_t)i);
}

static const char *name_text(const void *t, size_t i)
{
    return ((const fk_tracer *)t)->venue_name[i];
}

int fk_tracer_save(const fk_tracer *t, int64_t generation, const char *path, char *err,
                   size_t errlen)
{
    const struct fk_trace_input *in = &t->in;
    uint64_t ns = in->scan_start[in->npersons], np = in->ping_start[in->npersons];
    struct tsnap_header h;
    struct fk_snapwriter w;
    struct fk_snap_sect *x = h.sect;
    int rc;

    if (!t->from_store || t->map.base) {
        snprintf(err, errlen, "only a tracer built from a store is saved");
        return FK_EINVAL;
    }
    memset(&h, 0, sizeof h);
    rc = fk_snapwriter_open(&w, path, sizeof h, err, errlen);
    if (rc != FK_OK)
        return rc;
    fk_snapwriter_put(&w, &x[TS_HOUSEHOLD], in->household, in->npersons * sizeof *in->household);
    fk_snapwriter_put(&w, &x[TS_SCAN_START], in->scan_start,
                      (in->npersons + 1) * sizeof *in->scan_start);
    fk_snapwriter_put(&w, &x[TS_SCAN_VENUE], in->scan_venue, ns * sizeof *in->scan_venue);
    fk_snapwriter_put(&w, &x[TS_SCAN_TIME], in->scan_time, ns * sizeof *in->scan_time);
    fk_snapwriter_put(&w, &x[TS_PING_START], in->ping_start,
                      (in->npersons + 1) * sizeof *in->ping_start);
    fk_snapwriter_put(&w, &x[TS_PING_CELL], in->ping_cell, np * sizeof *in->ping_cell);
    fk_snapwriter_put(&w, &x[TS_PING_TIME], in->ping_time, np * sizeof *in->ping_time);
    fk_snapwriter_put(&w, &x[TS_CASES], in->cases, in->ncases * sizeof *in->cases);
    fk_snapwriter_put(&w, &x[TS_VENUE_START], t->venue_start,
                      (in->nvenues + 1) * sizeof *t->venue_start);
    fk_snapwriter_put(&w, &x[TS_VENUE_KEY], t->venue_key, ns * sizeof *t->venue_key);
    fk_snapwriter_put(&w, &x[TS_CELL_START], t->cell_start,
                      (in->ncells + 1) * sizeof *t->cell_start);
    fk_snapwriter_put(&w, &x[TS_CELL_KEY], t->cell_key, np * sizeof *t->cell_key);
    fk_snapwriter_put(&w, &x[TS_HH_START], t->hh_start,
                      (in->nhouseholds + 1) * sizeof *t->hh_start);
    fk_snapwriter_put(&w, &x[TS_HH_MEMBER], t->hh_member,
                      t->hh_start[in->nhouseholds] * sizeof *t->hh_member);
    fk_snapwriter_put(&w, &x[TS_IS_CASE], t->is_case, in->npersons);
    fk_snapwriter_put(&w, &x[TS_VENUE_CODE], t->venue_code, in->nvenues * sizeof *t->venue_code);
    ts_put_texts(&w, &h, TS_HH_TEXT, map_text, t->households, fk_strmap_size(t->households));
    ts_put_texts(&w, &h, TS_CELL_TEXT, map_text, t->cells, fk_strmap_size(t->cells));
    ts_put_texts(&w, &h, TS_VCODE_TEXT, map_text, t->venues, fk_strmap_size(t->venues));
    ts_put_texts(&w, &h, TS_VNAME_TEXT, name_text, t, t->venue_name ? t->venue_name_cap : 0);
    memcpy(h.magic, TSNAP_MAGIC, 8);
    h.version = TSNAP_VERSION;
    h.endian = FK_SNAP_ENDIAN;
    h.generation = generation;
    h.slot_seconds = (int64_t)t->prof.companion_slot_minutes * 60;
    h.npersons = in->npersons;
    h.nhouseholds = in->nhouseholds;
    h.nvenues = in->nvenues;
    h.ncells = in->ncells;
    h.ncases = in->ncases;
    h.nscans = ns;
    h.npings = np;
    h.nvcodes = fk_strmap_size(t->venues);
    h.nvnames = t->venue_name ? t->venue_name_cap : 0;
    return fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, errlen);
}

/* Texts k (blob) and k + 1 (n offsets) into *x: the blob ends with a NUL (each offset is bounded
 * where it is read: text_at). 0 when they do not hold. */
static int ts_texts(const struct fk_snapmap *m, const struct tsnap_header *h, int k, uint64_t n,
                    struct texts *x)
{
    const char *blob = fk_snapmap_sect(m, &h->sect[k], UINT64_MAX);
    const uint64_t *off = fk_snapmap_sect(m, &h->sect[k + 1], n * sizeof *off);
    uint64_t len = h->sect[k].len;

    if (!blob || !off || (n && (!len || blob[len - 1])))
        return 0;
    *x = (struct texts){blob, n ? off : NULL, (size_t)n, len};
    return 1;
}

int fk_tracer_load(fk_store *st, const struct fk_profile *p, const char *path, fk_tracer **out,
                   char *err, size_t errlen)
{
    int64_t gen, igen, at;
    int rc;

    *out = NULL;
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK)
        rc = fk_store_index_generation(st, FK_FEEDS_TRACER, &igen);
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
        return rc;
    }
    rc = fk_tracer_map(path, p, out, &at, err, errlen);
    /* Current while nothing the tracer reads was written after its build. */
    if (rc == FK_OK && !fk_index_current(at, igen, gen)) {
        snprintf(err, errlen,
                 "the tracer snapshot was built at generation %lld; the tracer's data changed "
                 "at %lld, the store is at %lld",
                 (long long)at, (long long)igen, (long long)gen);
        fk_tracer_free(*out);
        *out = NULL;
        rc = FK_ENOENT;
    }
    return rc;
}

int fk_tracer_map(const char *path, const struct fk_profile *p, fk_tracer **out, int64_t *built_at,
                  char *err, size_t errlen)
{
    struct tsnap_header hh;
    const struct tsnap_header *h = &hh;
    struct fk_snapmap m;
    fk_tracer *t = NULL;
    double t0 = fk_mono_seconds();
    int rc;

    *out = NULL;
    rc = fk_snapmap_open(&m, path, TSNAP_MAGIC, TSNAP_VERSION, sizeof hh,
                         offsetof(struct tsnap_header, blocks), err, errlen);
    if (rc != FK_OK)
        return rc;
    memcpy(&hh, m.base, sizeof hh);
    if (h->slot_seconds != (int64_t)p->companion_slot_minutes * 60) {
        snprintf(err, errlen, "the tracer snapshot is of %lld-minute companion slots",
                 (long long)h->slot_seconds / 60);
        fk_snapmap_close(&m);
        return FK_ENOENT;
    }
    *built_at = h->generation;
    t = calloc(1, sizeof *t);
    if (!t) {
        fk_snapmap_close(&m);
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    pthread_mutex_init(&t->lock, NULL);
    atomic_init(&t->named[0], 0);
    atomic_init(&t->named[1], 0);
    t->prof = *p;
    t->from_store = 1;
    t->map = m;
    {
        const struct fk_snapmap *b = &t->map;
        const struct fk_snap_sect *x = h->sect;
        uint64_t np1 = h->npersons + 1;
        struct fk_trace_input *in = &t->in;

        in->npersons = (size_t)h->npersons;
        in->nhouseholds = (size_t)h->nhouseholds;
        in->nvenues = (size_t)h->nvenues;
        in->ncells = (size_t)h->ncells;
        in->ncases = (size_t)h->ncases;
        in->household = (int32_t *)fk_snapmap_sect(b, &x[TS_HOUSEHOLD], h->npersons * 4);
        in->scan_start = (uint64_t *)fk_snapmap_sect(b, &x[TS_SCAN_START], np1 * 8);
        in->scan_venue = (int32_t *)fk_snapmap_sect(b, &x[TS_SCAN_VENUE], h->nscans * 4);
        in->scan_time = (uint32_t *)fk_snapmap_sect(b, &x[TS_SCAN_TIME], h->nscans * 4);
        in->ping_start = (uint64_t *)fk_snapmap_sect(b, &x[TS_PING_START], np1 * 8);
        in->ping_cell = (int32_t *)fk_snapmap_sect(b, &x[TS_PING_CELL], h->npings * 4);
        in->ping_time = (uint32_t *)fk_snapmap_sect(b, &x[TS_PING_TIME], h->npings * 4);
        in->cases = (struct fk_case_row *)fk_snapmap_sect(b, &x[TS_CASES],
                                                          h->ncases * sizeof(struct fk_case_row));
        t->venue_start = (uint64_t *)fk_snapmap_sect(b, &x[TS_VENUE_START], (h->nvenues + 1) * 8);
        t->venue_key = (uint64_t *)fk_snapmap_sect(b, &x[TS_VENUE_KEY], h->nscans * 8);
        t->cell_start = (uint64_t *)fk_snapmap_sect(b, &x[TS_CELL_START], (h->ncells + 1) * 8);
        t->cell_key = (uint64_t *)fk_snapmap_sect(b, &x[TS_CELL_KEY], h->npings * 8);
        t->hh_start = (uint32_t *)fk_snapmap_sect(b, &x[TS_HH_START], (h->nhouseholds + 1) * 4);
        t->hh_member = (int32_t *)fk_snapmap_sect(b, &x[TS_HH_MEMBER], UINT64_MAX);
        t->is_case = (uint8_t *)fk_snapmap_sect(b, &x[TS_IS_CASE], h->npersons);
        t->venue_code = (int32_t *)fk_snapmap_sect(b, &x[TS_VENUE_CODE], h->nvenues * 4);
        /* Every section in its place and every block intact (on two threads), then the counts
         * the arrays repeat. */
        if (!in->household || !in->scan_start || !in->scan_venue || !in->scan_time ||
            !in->ping_start || !in->ping_cell || !in->ping_time || !in->cases || !t->venue_start ||
            !t->venue_key || !t->cell_start || !t->cell_key || !t->hh_start || !t->hh_member ||
            !t->is_case || !t->venue_code ||
            !ts_texts(b, h, TS_HH_TEXT, h->nhouseholds, &t->hh_codes) ||
            !ts_texts(b, h, TS_CELL_TEXT, h->ncells, &t->cell_codes) ||
            !ts_texts(b, h, TS_VCODE_TEXT, h->nvcodes, &t->venue_codes) ||
            !ts_texts(b, h, TS_VNAME_TEXT, h->nvnames, &t->venue_names) ||
            !fk_snapmap_need_all(&t->map) || in->scan_start[h->npersons] != h->nscans ||
            in->ping_start[h->npersons] != h->npings ||
            t->hh_start[h->nhouseholds] * 4ull != h->sect[TS_HH_MEMBER].len) {
            snprintf(err, errlen, "the tracer snapshot %s is damaged", path);
            fk_tracer_free(t);
            return FK_ENOENT;
        }
    }
    t->build_seconds = fk_mono_seconds() - t0;
    *out = t;
    return FK_OK;
}

int fk_tracer_open(fk_store *st, const struct fk_profile *p, const char *path,
                   fk_build_progress_fn progress, void *progress_ud, fk_tracer **out, int *loaded,
                   char *err, size_t errlen)
{
    char why[512];
    int64_t gen;
    int rc;

    *loaded = 0;
    rc = path ? fk_tracer_load(st, p, path, out, why, sizeof why) : FK_ENOENT;
    if (rc == FK_OK) {
        *loaded = 1;
        return FK_OK;
    }
    if (rc != FK_ENOENT) {
        snprintf(err, errlen, "%s", why);
        return rc;
    }
    /* The generation before the build: an import while it reads makes the snapshot stale, never
     * wrongly current. */
    rc = fk_store_generation(st, &gen);
    if (rc == FK_OK)
        rc = fk_tracer_build_progress(st, p, progress, progress_ud, out, err, errlen);
    else
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
    if (rc == FK_OK && path)
        fk_tracer_save(*out, gen, path, why, sizeof why); /* a cache: failing to write it is fine */
    return rc;
}
