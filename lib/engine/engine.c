/* SPDX-License-Identifier: MIT */
/* The engine (see fk/engine.h): dense in-memory indexes over regions, residents, samples and
 * tubes, so a round's questions are answered with array walks and bit counts, never table scans.
 *
 * DESIGN NOTES
 * - Regions are interned in code order (fk_strmap index = region index). A depth-first walk from
 *   the roots, children in code order, numbers every region (pre, post) and every grid-level
 *   region (grid index 0..ngrids-1), so each region covers the contiguous grid range [glo, ghi)
 *   and "inside" is pre[outer] <= pre[inner] && post[inner] <= post[outer].
 * - Persons keep the store's dense id (pid). Residents are laid out grouped by grid in grid-index
 *   order: members[gstart[g] .. gstart[g+1]) are grid g's pids, and ord[pid] is a pid's position
 *   (its ordinal). So the residents of any region are one ordinal range, and "sampled in round R"
 *   is one bitset over ordinals: a region's sampled count is a popcount over its range. A person
 *   whose grid is not a grid region (none should be: ingest rejects them) has no ordinal.
 * - Samples are columns (pid, time, tube) in (tube, person) order, so a tube's members are the
 *   contiguous run tube[t].first .. first+count. Results hang on tubes.
 * - The round bitset is cached for the last round asked (by id and window) and dropped on rebuild.
 *   Each sample keeps its resident's ordinal (s_ord) beside its person id, so building a bitset
 *   reads the sample columns in order and writes only the bitset (1.25 MB for 10 M residents,
 *   cache-resident), with no look-up in the 40 MB ord[] array per sample.
 * - The engine reflects the store generation it was built at; fk_engine_sync() rebuilds when the
 *   store has moved on. Invariant: every pid < npid; every ordinal < nres; members and ord are
 *   inverse permutations over the residents. */
#include "fk/engine.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk/error.h"
#include "fk/snapfile.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

#define NO_ORD UINT32_MAX

struct region {
    size_t name_off;
    int32_t parent;
    int32_t level;
    int32_t glo, ghi;   /* grid index range */
    uint32_t pre, post; /* depth-first numbers */
};

struct tube {
    uint32_t first, count; /* run in the sample columns */
    int64_t sampled;       /* earliest member sample time */
    int32_t site;          /* index in sites */
    int32_t lab;           /* index in labs, -1 with no result */
    int32_t result;        /* enum fk_result, -1 with no result */
    int64_t rtime, received;
    int64_t shipped; /* when it left for the lab (送检), 0: not recorded; -1 in an "as of" copy:
                        recorded, but later */
};

/* Codes as a snapshot keeps them: NUL-ended texts in index order, the last byte a NUL, and each
 * one's offset (bounded where it is read). */
struct codes {
    const char *text;
    const uint64_t *off;
    size_t n;
    uint64_t len;
};

struct fk_engine {
    fk_store *st; /* read by builds (fk_engine_sync) only; answers read through the caller's */
    struct fk_profile prof;
    int64_t generation;
    double build_seconds;

    fk_strmap *rmap;     /* region code -> region index; NULL when mapped (rcodes) */
    struct codes rcodes; /* mapped: region codes, in code order (region_index searches them) */
    struct codes scodes, lcodes; /* mapped: site and lab codes (sites, labs NULL) */
    struct region *reg;
    size_t nreg;
    fk_buf names;          /* region names, NUL-separated */
    int32_t *grid_region;  /* grid index -> region index */
    size_t ngrids;

    size_t npid;     /* max person id + 1 */
    int32_t *pgrid;  /* pid -> grid index, -1 */
    uint32_t *ord;   /* pid -> ordinal, NO_ORD */
    uint32_t *gstart; /* ngrids + 1 */
    int32_t *members; /* ordinal -> pid */
    size_t nres;

    size_t nsamples, capsamples;
    int32_t *s_pid;
    uint32_t *s_ord; /* the sample's resident ordinal (NO_ORD: not a resident), so a round's
                        bitset is built without a random look-up per sample */
    int64_t *s_time;
    int32_t *s_tube;
    fk_strmap *tubes; /* tube code -> tube index; NULL when loaded (tcodes instead) */
    struct tube *tube;
    size_t captubes;
    fk_strmap *sites, *labs; /* NULL when mapped: scodes, lcodes */
    size_t nresults;

    int64_t cache_id, cache_start, cache_end;
    uint64_t *cache_bits;

    /* The pace of the last round asked (issue 21), over its whole window and every grid: the
     * first sample's offset from the start (seconds) of each sampled resident, bucketed by (grid,
     * hour): pt[pb[g * nh + k] .. pb[g * nh + k + 1]); and the first member sample of each tube
     * likewise (tb, tt). A cut (as of now) reads whole buckets before its hour and scans the one
     * holding it. Built on first use, dropped with the engine. */
    struct {
        int64_t id, start, end;
        int nh;
        uint32_t *pb, *tb;
        int32_t *pt, *tt;
    } pace;

    /* Samples by person, built on first use: person pid's samples are by_person[pfirst[pid] ..
     * pfirst[pid + 1]), sample indexes sorted by time. */
    uint32_t *pfirst;
    uint32_t *by_person;

    /* Loaded from a snapshot (fk_engine_load): the person and sample columns, the tubes and their
     * codes (tcodes) point into its mapping, checked as they are read; each resident's sample times
     * are o_time[o_first[o] .. o_first[o + 1]) (o_len of them). path: where it was, to write again
     * when it is damaged. */
    struct fk_snapmap snap;
    char *path;
    int whole; /* every block of the mapping checked */
    const uint32_t *o_first;
    const int64_t *o_time;
    size_t o_len;
    struct codes tcodes;
};

/* Code i of c, "" when there is no such code. */
static const char *code_at(const struct codes *c, int64_t i)
{
    if (i < 0 || (size_t)i >= c->n || c->off[i] >= c->len)
        return "";
    return c->text + c->off[i];
}

/* The number of tubes, and the code of tube i. */
static size_t ntubes_of(const fk_engine *e)
{
    return e->tubes ? fk_strmap_size(e->tubes) : e->captubes;
}

static const char *tube_code(const fk_engine *e, int64_t i)
{
    if (e->tubes)
        return fk_strmap_key(e->tubes, i);
    return code_at(&e->tcodes, i);
}

static const char *region_code(const fk_engine *e, int64_t i)
{
    return e->rmap ? fk_strmap_key(e->rmap, i) : code_at(&e->rcodes, i);
}

static const char *site_code(const fk_engine *e, int64_t i)
{
    return e->sites ? fk_strmap_key(e->sites, i) : code_at(&e->scodes, i);
}

static const char *lab_code(const fk_engine *e, int64_t i)
{
    return e->labs ? fk_strmap_key(e->labs, i) : code_at(&e->lcodes, i);
}

static size_t nsites_of(const fk_engine *e)
{
    return e->sites ? fk_strmap_size(e->sites) : e->scodes.n;
}

static size_t nlabs_of(const fk_engine *e)
{
    return e->labs ? fk_strmap_size(e->labs) : e->lcodes.n;
}

static void clear(fk_engine *e)
{
    if (e->snap.base) { /* these live in the snapshot's mapping */
        fk_snapmap_close(&e->snap);
        e->reg = NULL;
        e->names.data = NULL;
        e->names.len = e->names.cap = 0;
        e->grid_region = NULL;
        e->gstart = NULL;
        e->pgrid = NULL;
        e->ord = NULL;
        e->members = NULL;
        e->s_pid = NULL;
        e->s_ord = NULL;
        e->s_time = NULL;
        e->s_tube = NULL;
        e->tube = NULL;
    }
    fk_strmap_free(e->rmap);
    free(e->reg);
    fk_buf_fini(&e->names);
    free(e->grid_region);
    free(e->pgrid);
    free(e->ord);
    free(e->gstart);
    free(e->members);
    free(e->s_pid);
    free(e->s_ord);
    free(e->s_time);
    free(e->s_tube);
    fk_strmap_free(e->tubes);
    free(e->tube);
    fk_strmap_free(e->sites);
    fk_strmap_free(e->labs);
    free(e->cache_bits);
    free(e->pace.pb);
    free(e->pace.pt);
    free(e->pace.tb);
    free(e->pace.tt);
    free(e->pfirst);
    free(e->by_person);
    {
        fk_store *st = e->st;
        struct fk_profile p = e->prof;
        char *path = e->path;

        memset(e, 0, sizeof *e);
        e->st = st;
        e->prof = p;
        e->path = path;
    }
    e->cache_id = -1;
}

void fk_engine_free(fk_engine *e)
{
    if (!e)
        return;
    clear(e);
    free(e->path);
    free(e);
}

/* ---- building ---- */

struct build {
    fk_engine *e;
    fk_buf parents; /* parent codes, NUL-separated, offsets in parent_off */
    size_t *parent_off;
    size_t cap;
    int rc;
};

static int on_region(void *ud, const struct fk_region_row *r)
{
    struct build *b = ud;
    fk_engine *e = b->e;
    int added;
    int64_t i = fk_strmap_intern(e->rmap, r->code, strlen(r->code), &added);

    if (i < 0)
        return b->rc = FK_ENOMEM;
    if ((size_t)i >= b->cap) {
        /* two columns of one capacity: the second grows to what the first did */
        size_t cap = b->cap, pcap = b->cap;

        if (fk_vec_grow((void **)&e->reg, &cap, !cap && i < 1024 ? 1024 : (size_t)i + 1,
                        sizeof *e->reg) != FK_OK ||
            fk_vec_grow((void **)&b->parent_off, &pcap, cap, sizeof *b->parent_off) != FK_OK)
            return b->rc = FK_ENOMEM;
        b->cap = cap;
    }
    memset(&e->reg[i], 0, sizeof e->reg[i]);
    e->reg[i].name_off = e->names.len;
    e->reg[i].level = r->level;
    e->reg[i].parent = -1;
    b->parent_off[i] = b->parents.len;
    if (fk_buf_append(&e->names, r->name, strlen(r->name) + 1) != FK_OK ||
        fk_buf_append(&b->parents, r->parent, strlen(r->parent) + 1) != FK_OK)
        return b->rc = FK_ENOMEM;
    e->nreg = (size_t)i + 1;
    return 0;
}

/* Links parents, then numbers regions and grids depth first. */
static int number_regions(fk_engine *e, struct build *b)
{
    size_t n = e->nreg, i, top = 0;
    uint32_t *cstart = NULL, *child = NULL, *fill = NULL, counter = 0;
    struct frame {
        uint32_t r, next;
    } *stack = NULL;
    int32_t grid = 0;
    int rc = FK_ENOMEM;

    for (i = 0; i < n; i++) {
        const char *pc = b->parents.data + b->parent_off[i];
        int64_t p = *pc ? fk_strmap_find(e->rmap, pc, strlen(pc)) : -1;

        /* A parent that is not above the child would make a cycle; treat it as a root. */
        e->reg[i].parent = (p >= 0 && e->reg[p].level < e->reg[i].level) ? (int32_t)p : -1;
    }
    cstart = calloc(n + 1, sizeof *cstart);
    child = malloc((n ? n : 1) * sizeof *child);
    fill = malloc((n ? n : 1) * sizeof *fill);
    stack = malloc((n ? n : 1) * sizeof *stack);
    e->grid_region = malloc((n ? n : 1) * sizeof *e->grid_region);
    if (!cstart || !child || !fill || !stack || !e->grid_region)
        goto out;
    for (i = 0; i < n; i++)
        if (e->reg[i].parent >= 0)
            cstart[e->reg[i].parent + 1]++;
    for (i = 0; i < n; i++)
        cstart[i + 1] += cstart[i];
    memcpy(fill, cstart, n * sizeof *fill);
    for (i = 0; i < n; i++) /* code order, so children come out in code order */
        if (e->reg[i].parent >= 0)
            child[fill[e->reg[i].parent]++] = (uint32_t)i;
    for (i = 0; i < n; i++) {
        if (e->reg[i].parent >= 0)
            continue;
        stack[top].r = (uint32_t)i;
        stack[top].next = cstart[i];
        top++;
        e->reg[i].pre = counter++;
        e->reg[i].glo = grid;
        while (top) {
            struct frame *f = &stack[top - 1];

            if (f->next < cstart[f->r + 1]) {
                uint32_t c = child[f->next++];

                e->reg[c].pre = counter++;
                e->reg[c].glo = grid;
                stack[top].r = c;
                stack[top].next = cstart[c];
                top++;
                continue;
            }
            if (e->reg[f->r].level == FK_LEVEL_GRID)
                e->grid_region[grid++] = (int32_t)f->r;
            e->reg[f->r].ghi = grid;
            e->reg[f->r].post = counter++;
            top--;
        }
    }
    e->ngrids = (size_t)grid;
    rc = FK_OK;
out:
    free(cstart);
    free(child);
    free(fill);
    free(stack);
    return rc;
}

struct person_build {
    fk_engine *e;
    size_t cap;
    int rc;
};

static int on_person(void *ud, const struct fk_person_row *p)
{
    struct person_build *b = ud;
    fk_engine *e = b->e;
    int64_t r = fk_strmap_find(e->rmap, p->grid, strlen(p->grid));
    size_t id = (size_t)p->id;

    if (p->id < 0 || p->id > INT32_MAX)
        return b->rc = FK_EDB;
    if (id >= b->cap) {
        size_t k = b->cap;

        if (fk_vec_grow((void **)&e->pgrid, &b->cap, id + 1, sizeof *e->pgrid) != FK_OK)
            return b->rc = FK_ENOMEM;
        for (; k < b->cap; k++)
            e->pgrid[k] = -1;
    }
    if (r >= 0 && e->reg[r].level == FK_LEVEL_GRID)
        e->pgrid[id] = e->reg[r].glo;
    if (id + 1 > e->npid)
        e->npid = id + 1;
    return 0;
}

/* Lays residents out grid by grid (a counting sort by grid index). */
static int order_residents(fk_engine *e)
{
    size_t p;
    uint32_t *fill = NULL;

    e->gstart = calloc(e->ngrids + 1, sizeof *e->gstart);
    e->ord = malloc((e->npid ? e->npid : 1) * sizeof *e->ord);
    fill = malloc((e->ngrids + 1) * sizeof *fill);
    if (!e->gstart || !e->ord || !fill) {
        free(fill);
        return FK_ENOMEM;
    }
    for (p = 0; p < e->npid; p++)
        if (e->pgrid[p] >= 0)
            e->gstart[e->pgrid[p] + 1]++;
    for (p = 0; p < e->ngrids; p++)
        e->gstart[p + 1] += e->gstart[p];
    e->nres = e->gstart[e->ngrids];
    e->members = malloc((e->nres ? e->nres : 1) * sizeof *e->members);
    if (!e->members) {
        free(fill);
        return FK_ENOMEM;
    }
    memcpy(fill, e->gstart, (e->ngrids + 1) * sizeof *fill);
    for (p = 0; p < e->npid; p++) {
        if (e->pgrid[p] < 0) {
            e->ord[p] = NO_ORD;
            continue;
        }
        e->ord[p] = fill[e->pgrid[p]]++;
        e->members[e->ord[p]] = (int32_t)p;
    }
    free(fill);
    return FK_OK;
}

struct sample_build {
    fk_engine *e;
    int rc;
};

static int on_sample(void *ud, const struct fk_sample_row *s)
{
    struct sample_build *b = ud;
    fk_engine *e = b->e;
    int added;
    int64_t t = fk_strmap_intern(e->tubes, s->tube, strlen(s->tube), &added);

    if (t < 0)
        return b->rc = FK_ENOMEM;
    if (e->nsamples == e->capsamples) {
        /* three columns of one capacity, from 4096: the others grow to what s_pid did */
        size_t cap = e->capsamples, c2 = cap, c3 = cap, need = cap ? cap + 1 : 4096;

        if (fk_vec_grow((void **)&e->s_pid, &cap, need, sizeof *e->s_pid) != FK_OK ||
            fk_vec_grow((void **)&e->s_time, &c2, cap, sizeof *e->s_time) != FK_OK ||
            fk_vec_grow((void **)&e->s_tube, &c3, cap, sizeof *e->s_tube) != FK_OK)
            return b->rc = FK_ENOMEM;
        e->capsamples = cap;
    }
    if (added) {
        struct tube *tb;
        int sadded;
        int64_t site = fk_strmap_intern(e->sites, s->site, strlen(s->site), &sadded);

        if (site < 0)
            return b->rc = FK_ENOMEM;
        /* from 1024, as fk_engine_stats counts the capacity in its bytes */
        if (fk_vec_grow((void **)&e->tube, &e->captubes,
                        !e->captubes && t < 1024 ? 1024 : (size_t)t + 1, sizeof *e->tube) != FK_OK)
            return b->rc = FK_ENOMEM;
        tb = &e->tube[t];
        memset(tb, 0, sizeof *tb);
        tb->first = (uint32_t)e->nsamples;
        tb->sampled = s->time;
        tb->site = (int32_t)site;
        tb->lab = -1;
        tb->result = -1;
    }
    /* Rows come in (tube, person) order, so a tube's members are contiguous. */
    e->tube[t].count++;
    if (s->time < e->tube[t].sampled)
        e->tube[t].sampled = s->time;
    if (s->shipped > e->tube[t].shipped)
        e->tube[t].shipped = s->shipped;
    e->s_pid[e->nsamples] = (s->person >= 0 && (size_t)s->person < e->npid) ? (int32_t)s->person
                                                                            : -1;
    e->s_time[e->nsamples] = s->time;
    e->s_tube[e->nsamples] = (int32_t)t;
    e->nsamples++;
    return 0;
}

/* Trims the sample columns to their length (they grew by doubling) and fills s_ord. */
static int finish_samples(fk_engine *e)
{
    size_t n = e->nsamples ? e->nsamples : 1, i;
    int32_t *sp = realloc(e->s_pid, n * sizeof *sp);
    int64_t *stm;
    int32_t *stb;

    if (sp)
        e->s_pid = sp;
    stm = realloc(e->s_time, n * sizeof *stm);
    if (stm)
        e->s_time = stm;
    stb = realloc(e->s_tube, n * sizeof *stb);
    if (stb)
        e->s_tube = stb;
    if (e->s_pid && e->s_time && e->s_tube)
        e->capsamples = e->nsamples;
    e->s_ord = malloc(n * sizeof *e->s_ord);
    if (!e->s_ord)
        return FK_ENOMEM;
    for (i = 0; i < e->nsamples; i++)
        e->s_ord[i] = e->s_pid[i] >= 0 ? e->ord[e->s_pid[i]] : NO_ORD;
    return FK_OK;
}

static int on_result(void *ud, const struct fk_result_row *r)
{
    struct sample_build *b = ud;
    fk_engine *e = b->e;
    int64_t t = fk_strmap_find(e->tubes, r->tube, strlen(r->tube));
    int added;
    int64_t lab;

    if (t < 0)
        return 0;
    lab = fk_strmap_intern(e->labs, r->lab, strlen(r->lab), &added);
    if (lab < 0)
        return b->rc = FK_ENOMEM;
    e->tube[t].result = r->result;
    e->tube[t].rtime = r->time;
    e->tube[t].lab = (int32_t)lab;
    e->tube[t].received = r->received;
    e->nresults++;
    return 0;
}

static int build(fk_engine *e, char *err, size_t errlen)
{
    struct build b;
    struct person_build pb = {e, 0, FK_OK};
    struct sample_build sb = {e, FK_OK};
    double t0 = fk_mono_seconds();
    int rc;

    memset(&b, 0, sizeof b);
    b.e = e;
    fk_buf_init(&b.parents, 0);
    fk_buf_init(&e->names, 0);
    e->cache_id = -1;
    e->rmap = fk_strmap_new();
    e->tubes = fk_strmap_new();
    e->sites = fk_strmap_new();
    e->labs = fk_strmap_new();
    rc = FK_ENOMEM;
    if (!e->rmap || !e->tubes || !e->sites || !e->labs)
        goto out;
    rc = fk_store_generation(e->st, &e->generation);
    if (rc == FK_OK)
        rc = fk_store_each_region(e->st, on_region, &b);
    if (rc == FK_OK && b.rc)
        rc = b.rc;
    if (rc == FK_OK)
        rc = number_regions(e, &b);
    if (rc == FK_OK)
        rc = fk_store_each_person_key(e->st, on_person, &pb);
    if (rc == FK_OK && pb.rc)
        rc = pb.rc;
    if (rc == FK_OK)
        rc = order_residents(e);
    if (rc == FK_OK)
        rc = fk_store_each_sample(e->st, on_sample, &sb);
    if (rc == FK_OK)
        rc = finish_samples(e);
    if (rc == FK_OK)
        rc = fk_store_each_result(e->st, on_result, &sb);
    if (rc == FK_OK && sb.rc)
        rc = sb.rc;
out:
    fk_buf_fini(&b.parents);
    free(b.parent_off);
    if (rc != FK_OK) {
        snprintf(err, errlen, "building the engine: %s%s%s", fk_strerror(rc),
                 rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(e->st) : "");
        clear(e);
        return rc;
    }
    e->build_seconds = fk_mono_seconds() - t0;
    return FK_OK;
}

int fk_engine_build(fk_store *st, const struct fk_profile *p, fk_engine **out, char *err,
                    size_t errlen)
{
    fk_engine *e = calloc(1, sizeof *e);
    int rc;

    *out = NULL;
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    e->st = st;
    e->prof = *p;
    rc = build(e, err, errlen);
    if (rc != FK_OK) {
        free(e);
        return rc;
    }
    *out = e;
    return FK_OK;
}

/* e built again from its store, aside, and swapped in only when complete: a failed rebuild
 * leaves the engine answering from what it had. When save_to, the new engine's snapshot is
 * written there first (a cache: failing to write it is fine). */
static int rebuild(fk_engine *e, const char *save_to, char *err, size_t errlen)
{
    fk_engine *tmp = calloc(1, sizeof *tmp);
    char why[512];
    int rc;

    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    tmp->st = e->st;
    tmp->prof = e->prof;
    rc = build(tmp, err, errlen);
    if (rc != FK_OK) {
        free(tmp);
        return rc;
    }
    if (save_to)
        fk_engine_save(tmp, save_to, why, sizeof why);
    clear(e);
    tmp->path = e->path;
    *e = *tmp;
    free(tmp);
    return FK_OK;
}

int fk_engine_sync(fk_engine *e, char *err, size_t errlen)
{
    int64_t g;
    int rc = fk_store_generation(e->st, &g);

    if (rc != FK_OK) {
        snprintf(err, errlen, "%s", fk_store_errmsg(e->st));
        return rc;
    }
    if (g == e->generation)
        return FK_OK;
    return rebuild(e, NULL, err, errlen);
}

/* 1 when every array of e can be read: built, or mapped and every block checked now. For the
 * functions that read a whole engine and cannot repair it (a const one). */
static int intact(const fk_engine *e)
{
    /* The block states live outside e: checking them is not a change of the engine. */
    return !e->snap.base || e->whole || fk_snapmap_need_all((struct fk_snapmap *)&e->snap);
}

/* ---- extending (issue 19): an engine and the samples added since ---- */

/* A sample added: its tube (where its NUL-ended code starts in the delta's text), person, time,
 * site (an index in sites), shipped.
 * The codes are kept as the rows give them and grouped only when the engine is extended, by
 * sorting: interning each row's code into a map as it came cost a map look-up a row that missed
 * the caches (12 % of a 1 M samples import), and the extension sorts the rows anyway. */
struct dsample {
    uint64_t tube;
    int32_t person, site;
    int64_t time, shipped;
};

struct fk_engine_delta {
    struct dsample *s;
    size_t n, cap;
    fk_buf text;    /* the tube codes, NUL-ended, in the rows' order */
    size_t longest; /* bytes of the longest of them */
    fk_strmap *sites;
    int updated; /* a row changed in place (a shipped time): build instead */
};

fk_engine_delta *fk_engine_delta_new(void)
{
    fk_engine_delta *d = calloc(1, sizeof *d);

    if (d)
        fk_buf_init(&d->text, 0);
    if (d && !(d->sites = fk_strmap_new())) {
        fk_engine_delta_free(d);
        d = NULL;
    }
    return d;
}

void fk_engine_delta_free(fk_engine_delta *d)
{
    if (!d)
        return;
    free(d->s);
    fk_buf_fini(&d->text);
    fk_strmap_free(d->sites);
    free(d);
}

size_t fk_engine_delta_size(const fk_engine_delta *d)
{
    return d ? d->n : 0;
}

int fk_engine_delta_add(fk_engine_delta *d, const struct fk_sample_row *s, enum fk_put did)
{
    struct dsample *x;
    int added;
    int64_t site;
    uint64_t t = d->text.len;
    size_t len;

    if (did == FK_PUT_UPDATED) {
        d->updated = 1;
        return FK_OK;
    }
    if (did != FK_PUT_NEW)
        return FK_OK;
    len = strlen(s->tube);
    site = fk_strmap_intern(d->sites, s->site, strlen(s->site), &added);
    if (site < 0 || s->person < 0 || s->person > INT32_MAX ||
        fk_buf_append(&d->text, s->tube, len + 1) != FK_OK ||
        fk_vec_grow((void **)&d->s, &d->cap, d->n + 1, sizeof *d->s) != FK_OK)
        return FK_ENOMEM;
    if (len > d->longest)
        d->longest = len;
    x = &d->s[d->n++];
    x->tube = t;
    x->person = (int32_t)s->person;
    x->time = s->time;
    x->shipped = s->shipped;
    x->site = (int32_t)site;
    return FK_OK;
}

/* A copy of n elements of size bytes (NULL with n 0 is a 1-byte block). */
static void *dup_of(const void *p, size_t n, size_t size)
{
    void *c = malloc(n ? n * size : 1);

    if (c && n)
        memcpy(c, p, n * size);
    return c;
}

/* The n codes code(e, 0 .. n-1) interned in order into a new map; NULL: no memory, or a code
 * repeated (not codes this engine wrote). */
static fk_strmap *map_of(const fk_engine *e, const char *(*code)(const fk_engine *, int64_t),
                         size_t n)
{
    fk_strmap *m = fk_strmap_new();
    size_t i;
    int added;

    for (i = 0; m && i < n; i++) {
        const char *k = code(e, (int64_t)i);

        if (fk_strmap_intern(m, k, strlen(k), &added) != (int64_t)i) {
            fk_strmap_free(m);
            return NULL;
        }
    }
    return m;
}

/* The code of delta row x. */
static const char *dcode_of(const fk_engine_delta *d, const struct dsample *x)
{
    return d->text.data + x->tube;
}

/* A delta row's place: the first 16 bytes of its tube code as two big-endian numbers (zeroes
 * past the code's end, so they order as the texts' starts do, bytewise), then its person. */
struct drow {
    uint64_t hi, lo;
    uint32_t person, row;
};

static int cmp_drow(const void *a, const void *b)
{
    const struct drow *x = a, *y = b;

    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

/* The delta whose rows cmp_dtext orders (qsort passes no context). */
static const fk_engine_delta *sort_delta;

static int cmp_dtext(const void *a, const void *b)
{
    const struct drow *x = a, *y = b;
    int c = strcmp(dcode_of(sort_delta, &sort_delta->s[x->row]),
                   dcode_of(sort_delta, &sort_delta->s[y->row]));

    return c ? c : cmp_drow(a, b);
}

static void prefix_of(const char *code, struct drow *k)
{
    size_t i;

    k->hi = k->lo = 0;
    for (i = 0; i < 8 && code[i]; i++)
        k->hi |= (uint64_t)(unsigned char)code[i] << (56 - 8 * i);
    for (; i >= 8 && i < 16 && code[i]; i++)
        k->lo |= (uint64_t)(unsigned char)code[i] << (56 - 8 * (i - 8));
}

static int same_prefix(const struct drow *a, const struct drow *b)
{
    return a->hi == b->hi && a->lo == b->lo;
}

/* The byte-th byte (0: the lowest) of k's sort key (hi, lo, person), as a number of 20 bytes. */
static unsigned key_byte(const struct drow *k, int byte)
{
    if (byte < 4)
        return (k->person >> (8 * byte)) & 0xFF;
    if (byte < 12)
        return (unsigned)(k->lo >> (8 * (byte - 4))) & 0xFF;
    return (unsigned)(k->hi >> (8 * (byte - 12))) & 0xFF;
}

/* Sorts k[0..n) by (hi, lo, person): LSD radix by bytes, skipping the bytes equal in every row
 * (tube codes share most of theirs; persons of a city fit 3 bytes), through tmp[0..n). The
 * library's qsort took 2.5 s for the 9.5 M rows of a 10 M city's round, this a few passes over
 * them. *k may come back as tmp, the sorted rows. */
static void radix_drows(struct drow **k, struct drow **tmp, size_t n)
{
    struct drow *a = *k, *b = *tmp, *swap;
    uint64_t hi_or = 0, hi_and = ~(uint64_t)0, lo_or = 0, lo_and = ~(uint64_t)0;
    uint32_t p_or = 0, p_and = ~(uint32_t)0;
    size_t i, count[256];
    struct drow varies = {0, 0, 0, 0}; /* the key bits that differ between rows */
    int byte;

    for (i = 0; i < n; i++) {
        hi_or |= a[i].hi;
        hi_and &= a[i].hi;
        lo_or |= a[i].lo;
        lo_and &= a[i].lo;
        p_or |= a[i].person;
        p_and &= a[i].person;
    }
    varies.hi = hi_or ^ hi_and;
    varies.lo = lo_or ^ lo_and;
    varies.person = p_or ^ p_and;
    for (byte = 0; byte < 20; byte++) {
        size_t sum = 0;

        if (key_byte(&varies, byte) == 0)
            continue; /* this byte is the same in every row */
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[key_byte(&a[i], byte)]++;
        for (i = 0; i < 256; i++) {
            size_t c = count[i];

            count[i] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            b[count[key_byte(&a[i], byte)]++] = a[i];
        swap = a;
        a = b;
        b = swap;
    }
    *k = a;
    *tmp = b;
}

/* rows[0..n) := the delta's rows in (tube code, person) order, the store's; starts[k] := 1 when
 * rows[k] is the first of its code; *ncodes := how many codes. The rows sort by integers (a
 * code's first 16 bytes, then the person): codes of at most 16 bytes (tube barcodes) are equal
 * when those are. Only when longer codes came does a run that shares its first 16 bytes and
 * holds different codes sort again, by text. FK_OK or FK_ENOMEM. */
static int sort_rows(const fk_engine_delta *d, uint32_t *rows, uint8_t *starts, size_t *ncodes)
{
    struct drow *k = malloc((d->n ? d->n : 1) * sizeof *k),
                *tmp = malloc((d->n ? d->n : 1) * sizeof *tmp);
    size_t i, j, m, nc = 0;

    if (!k || !tmp) {
        free(k);
        free(tmp);
        return FK_ENOMEM;
    }
    fk_mem_populate(k, d->n * sizeof *k);
    fk_mem_populate(tmp, d->n * sizeof *tmp);
    for (i = 0; i < d->n; i++) {
        prefix_of(dcode_of(d, &d->s[i]), &k[i]);
        k[i].person = (uint32_t)d->s[i].person;
        k[i].row = (uint32_t)i;
    }
    radix_drows(&k, &tmp, d->n);
    free(tmp);
    for (i = 0; i < d->n; i = j) {
        int mixed = 0;

        for (j = i + 1; j < d->n && same_prefix(&k[j], &k[i]); j++)
            mixed |= d->longest > 16 &&
                     strcmp(dcode_of(d, &d->s[k[j].row]), dcode_of(d, &d->s[k[i].row])) != 0;
        if (mixed) {
            sort_delta = d;
            qsort(k + i, j - i, sizeof *k, cmp_dtext);
            sort_delta = NULL;
        }
        for (m = i; m < j; m++) {
            starts[m] = m == i || (mixed && strcmp(dcode_of(d, &d->s[k[m].row]),
                                                   dcode_of(d, &d->s[k[m - 1].row])) != 0);
            nc += starts[m];
        }
    }
    for (i = 0; i < d->n; i++)
        rows[i] = k[i].row;
    *ncodes = nc;
    free(k);
    return FK_OK;
}

/* Appends one tube of the merged stream to n: its code, its rows (already in n's columns from
 * `first`, count of them), its earliest time, latest shipped time and first row's site, as
 * on_sample would have made it. FK_OK or FK_ENOMEM. */
static int add_tube(fk_engine *n, const char *code, uint32_t first, uint32_t count, int64_t sampled,
                    int64_t shipped, const char *site)
{
    int added;
    int64_t t = fk_strmap_intern(n->tubes, code, strlen(code), &added);
    int64_t s = fk_strmap_intern(n->sites, site, strlen(site), &added);
    struct tube *tb;
    uint32_t i;

    if (t < 0 || s < 0 || (size_t)t >= n->captubes)
        return FK_ENOMEM;
    tb = &n->tube[t];
    memset(tb, 0, sizeof *tb);
    tb->first = first;
    tb->count = count;
    tb->sampled = sampled;
    tb->shipped = shipped;
    tb->site = (int32_t)s;
    tb->lab = -1;
    tb->result = -1;
    for (i = 0; i < count; i++)
        n->s_tube[first + i] = (int32_t)t;
    return FK_OK;
}

int fk_engine_extend(const fk_engine *e, const fk_engine_delta *d, fk_store *st, fk_engine **out,
                     char *err, size_t errlen)
{
    size_t nold = ntubes_of(e), ndr = d ? d->n : 0, ntot = e->nsamples + ndr, i, r = 0;
    uint32_t *rows = NULL, at = 0;
    uint8_t *starts = NULL;
    size_t ncodes = 0;
    struct sample_build sb;
    double t0 = fk_mono_seconds();
    fk_engine *n = NULL;
    int rc = FK_ENOMEM;

    *out = NULL;
    err[0] = 0;
    if (!intact(e)) {
        snprintf(err, errlen, "the snapshot is damaged: build instead");
        return FK_EINVAL;
    }
    if (d && d->updated) {
        snprintf(err, errlen, "a sample changed in place: build instead");
        return FK_EINVAL;
    }
    for (i = 0; i < e->nsamples; i++)
        if (e->s_pid[i] < 0) {
            snprintf(err, errlen, "a sample of an unknown person: build instead");
            return FK_EINVAL;
        }
    for (i = 0; i < ndr; i++)
        if ((size_t)d->s[i].person >= e->npid) {
            snprintf(err, errlen, "a sample of a person the engine lacks: build instead");
            return FK_EINVAL;
        }
    if (ntot > UINT32_MAX)
        return FK_EINVAL;
    n = calloc(1, sizeof *n);
    if (!n)
        goto out;
    n->st = st;
    n->prof = e->prof;
    n->cache_id = -1;
    fk_buf_init(&n->names, 0);
    rc = fk_store_generation(st, &n->generation);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    /* What a samples or results import leaves as it was: the regions and the residents. */
    n->nreg = e->nreg;
    n->ngrids = e->ngrids;
    n->npid = e->npid;
    n->nres = e->nres;
    n->rmap = map_of(e, region_code, e->nreg);
    n->reg = dup_of(e->reg, e->nreg, sizeof *e->reg);
    n->grid_region = dup_of(e->grid_region, e->ngrids, sizeof *e->grid_region);
    n->pgrid = dup_of(e->pgrid, e->npid, sizeof *e->pgrid);
    n->ord = dup_of(e->ord, e->npid, sizeof *e->ord);
    n->gstart = dup_of(e->gstart, e->ngrids + 1, sizeof *e->gstart);
    n->members = dup_of(e->members, e->nres, sizeof *e->members);
    if (!n->rmap || !n->reg || !n->grid_region || !n->pgrid || !n->ord || !n->gstart ||
        !n->members || fk_buf_append(&n->names, e->names.data, e->names.len) != FK_OK)
        goto out;
    /* The samples: old tubes and new ones merged in code order, each tube's rows in person
     * order, as the store streams them to a build. */
    rows = malloc((ndr ? ndr : 1) * sizeof *rows);
    starts = malloc(ndr ? ndr : 1);
    if (!rows || !starts || (ndr && sort_rows(d, rows, starts, &ncodes) != FK_OK))
        goto out;
    n->captubes = nold + ncodes;
    n->tubes = fk_strmap_new();
    n->sites = fk_strmap_new();
    n->labs = fk_strmap_new();
    n->tube = calloc(n->captubes ? n->captubes : 1, sizeof *n->tube);
    n->s_pid = malloc((ntot ? ntot : 1) * sizeof *n->s_pid);
    n->s_time = malloc((ntot ? ntot : 1) * sizeof *n->s_time);
    n->s_tube = malloc((ntot ? ntot : 1) * sizeof *n->s_tube);
    if (!n->tubes || !n->sites || !n->labs || !n->tube || !n->s_pid || !n->s_time || !n->s_tube)
        goto out;
    fk_mem_populate(n->tube, n->captubes * sizeof *n->tube);
    fk_mem_populate(n->s_pid, ntot * sizeof *n->s_pid);
    fk_mem_populate(n->s_time, ntot * sizeof *n->s_time);
    fk_mem_populate(n->s_tube, ntot * sizeof *n->s_tube);
    for (i = 0; i < nold || r < ndr;) {
        const struct dsample *x = r < ndr ? &d->s[rows[r]] : NULL;
        const char *dcode = x ? dcode_of(d, x) : NULL;
        int c = i >= nold ? 1 : !x ? -1 : strcmp(tube_code(e, (int64_t)i), dcode);
        /* the end of the delta's rows this tube takes: none for an old tube alone */
        size_t rend = r;
        uint32_t first = at, o, oend;
        int64_t sampled = INT64_MAX, shipped = 0;
        const char *site = NULL, *code = c <= 0 ? tube_code(e, (int64_t)i) : dcode;

        /* the old tube's rows (when c <= 0) and the delta's of the same code (c >= 0), merged
         * by person */
        o = c <= 0 ? e->tube[i].first : 0;
        oend = c <= 0 ? o + e->tube[i].count : 0;
        if (c <= 0) {
            sampled = e->tube[i].sampled;
            shipped = e->tube[i].shipped;
        }
        if (c >= 0) /* x's code's rows */
            for (rend = r + 1; rend < ndr && !starts[rend]; rend++)
                ;
        while (o < oend || r < rend) {
            const struct dsample *y = r < rend ? &d->s[rows[r]] : NULL;

            if (o < oend && (!y || e->s_pid[o] < y->person)) {
                if (!site)
                    site = site_code(e, e->tube[i].site);
                n->s_pid[at] = e->s_pid[o];
                n->s_time[at++] = e->s_time[o++];
            } else {
                if (!site)
                    site = fk_strmap_key(d->sites, y->site);
                if (y->time < sampled)
                    sampled = y->time;
                if (y->shipped > shipped)
                    shipped = y->shipped;
                n->s_pid[at] = y->person;
                n->s_time[at++] = y->time;
                r++;
            }
        }
        if (add_tube(n, code, first, at - first, sampled, shipped, site ? site : "") != FK_OK)
            goto out;
        if (c <= 0)
            i++;
    }
    n->nsamples = n->capsamples = at;
    rc = finish_samples(n);
    /* The results: read again, as a build reads them (one row a tube). */
    sb.e = n;
    sb.rc = FK_OK;
    if (rc == FK_OK)
        rc = fk_store_each_result(st, on_result, &sb);
    if (rc == FK_OK && sb.rc)
        rc = sb.rc;
    if (rc == FK_OK)
        n->build_seconds = fk_mono_seconds() - t0;
out:
    free(rows);
    free(starts);
    if (rc != FK_OK) {
        if (!err[0])
            snprintf(err, errlen, "extending the engine: %s%s%s", fk_strerror(rc),
                     rc == FK_EDB ? ": " : "", rc == FK_EDB ? fk_store_errmsg(st) : "");
        if (n) {
            clear(n);
            free(n);
        }
        return rc;
    }
    *out = n;
    return FK_OK;
}

void fk_engine_stats(const fk_engine *e, struct fk_engine_stats *out)
{
    out->regions = e->nreg;
    out->grids = e->ngrids;
    out->persons = e->nres;
    out->samples = e->nsamples;
    out->tubes = ntubes_of(e);
    out->results = e->nresults;
    out->generation = e->generation;
    out->build_seconds = e->build_seconds;
    out->bytes = e->nreg * (sizeof(struct region) + 40) + e->names.len +
                 e->npid * (sizeof *e->pgrid + sizeof *e->ord) +
                 e->nres * sizeof *e->members + (e->ngrids + 1) * sizeof *e->gstart +
                 e->capsamples * (sizeof *e->s_pid + sizeof *e->s_ord + sizeof *e->s_time +
                                  sizeof *e->s_tube) +
                 e->captubes * (sizeof(struct tube) + 32);
}

/* ---- snapshots ----
 * Version 4 (issue 19): a header listing every section's place, then the sections at 64-byte
 * boundaries, then the block sums (fk/snapfile.h). fk_engine_load maps the file and points the
 * person and sample columns, the tubes and their codes into it; the small region, site and lab
 * maps are built again at once, so their sections are checked at load. The large sections are
 * checked as they are first read: a function that reads part of them says which part (ready,
 * need), every other one checks the whole file first (whole). A damaged block found then makes
 * the engine build itself again from the store, in place, before it answers.
 * Two sections only a snapshot has: each resident's sample times, by ordinal (o_first, o_time),
 * so `missing` for one grid reads that grid's slice, not every sample of the city. */

#define SNAP_MAGIC "FKENGSN1"
#define SNAP_VERSION 4u /* 2: tubes carry their shipped time; 3: mapped; 4: block sums */

enum {
    ES_REG_TEXT,
    ES_REG_OFF,
    ES_REG,
    ES_NAMES,
    ES_GRID_REGION,
    ES_GSTART,
    ES_SITE_TEXT,
    ES_SITE_OFF,
    ES_LAB_TEXT,
    ES_LAB_OFF,
    ES_EAGER, /* the sections above are read at load; those below when asked */
    ES_PGRID = ES_EAGER,
    ES_ORD,
    ES_MEMBERS,
    ES_S_PID,
    ES_S_ORD,
    ES_S_TIME,
    ES_S_TUBE,
    ES_TUBE_TEXT,
    ES_TUBE_OFF,
    ES_TUBE,
    ES_O_FIRST,
    ES_O_TIME,
    ES_N
};

struct snap_header {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
    uint64_t nreg, ngrids, npid, nres, nsamples, ntubes, nresults, nsites, nlabs;
    struct fk_snap_sect sect[ES_N];
    struct fk_snap_blocks blocks;
    uint64_t sum; /* of the bytes above */
};

/* It begins as every snapshot does (fk/snapfile.h). */
_Static_assert(offsetof(struct snap_header, generation) ==
                   offsetof(struct fk_snap_prefix, generation),
               "the engine snapshot's header begins with fk_snap_prefix");
_Static_assert(offsetof(struct snap_header, sum) + 8 == sizeof(struct snap_header),
               "the header's seal is its last 8 bytes");

/* Codes code(e, 0 .. n-1) as two sections: NUL-ended in index order, then their offsets. */
static void put_codes(struct fk_snapwriter *w, struct snap_header *h, int k, const fk_engine *e,
                      const char *(*code)(const fk_engine *, int64_t), size_t n)
{
    uint64_t *off = malloc((n ? n : 1) * sizeof *off);
    fk_buf text;
    size_t i;

    fk_buf_init(&text, 0);
    if (!off) {
        w->failed = 1;
        return;
    }
    for (i = 0; i < n; i++) {
        const char *c = code(e, (int64_t)i);

        off[i] = text.len;
        if (fk_buf_append(&text, c, strlen(c) + 1) != FK_OK)
            w->failed = 1;
    }
    fk_snapwriter_put(w, &h->sect[k], text.data, text.len);
    fk_snapwriter_put(w, &h->sect[k + 1], off, n * sizeof *off);
    fk_buf_fini(&text);
    free(off);
}

/* Each resident's sample times, by ordinal: ordinal o's are o_time[o_first[o] .. o_first[o + 1])
 * in the sample columns' order. Derived from s_ord and s_time alone, so an extended engine
 * writes what a built one does. */
static int put_by_ordinal(struct fk_snapwriter *w, struct snap_header *h, const fk_engine *e)
{
    uint32_t *first = calloc(e->nres + 1, sizeof *first), *at = NULL;
    int64_t *time = NULL;
    size_t i, n = 0;

    if (first)
        for (i = 0; i < e->nsamples; i++)
            if (e->s_ord[i] != NO_ORD) {
                first[e->s_ord[i] + 1]++;
                n++;
            }
    time = malloc((n ? n : 1) * sizeof *time);
    at = malloc((e->nres ? e->nres : 1) * sizeof *at);
    if (!first || !time || !at) {
        free(first);
        free(time);
        free(at);
        return FK_ENOMEM;
    }
    for (i = 0; i < e->nres; i++) {
        first[i + 1] += first[i];
        at[i] = first[i];
    }
    for (i = 0; i < e->nsamples; i++)
        if (e->s_ord[i] != NO_ORD)
            time[at[e->s_ord[i]]++] = e->s_time[i];
    fk_snapwriter_put(w, &h->sect[ES_O_FIRST], first, (e->nres + 1) * sizeof *first);
    fk_snapwriter_put(w, &h->sect[ES_O_TIME], time, n * sizeof *time);
    free(first);
    free(time);
    free(at);
    return FK_OK;
}

int fk_engine_save(const fk_engine *e, const char *path, char *err, size_t errlen)
{
    struct snap_header h;
    struct fk_snapwriter w;
    size_t ntubes = ntubes_of(e);
    int rc;

    if (!intact(e)) {
        snprintf(err, errlen, "the engine's snapshot is damaged: not written again");
        return FK_EINVAL;
    }
    memset(&h, 0, sizeof h);
    rc = fk_snapwriter_open(&w, path, sizeof h, err, errlen);
    if (rc != FK_OK)
        return rc;
    put_codes(&w, &h, ES_REG_TEXT, e, region_code, e->nreg);
    fk_snapwriter_put(&w, &h.sect[ES_REG], e->reg, e->nreg * sizeof *e->reg);
    fk_snapwriter_put(&w, &h.sect[ES_NAMES], e->names.data, e->names.len);
    fk_snapwriter_put(&w, &h.sect[ES_GRID_REGION], e->grid_region,
                      e->ngrids * sizeof *e->grid_region);
    fk_snapwriter_put(&w, &h.sect[ES_GSTART], e->gstart, (e->ngrids + 1) * sizeof *e->gstart);
    put_codes(&w, &h, ES_SITE_TEXT, e, site_code, nsites_of(e));
    put_codes(&w, &h, ES_LAB_TEXT, e, lab_code, nlabs_of(e));
    fk_snapwriter_put(&w, &h.sect[ES_PGRID], e->pgrid, e->npid * sizeof *e->pgrid);
    fk_snapwriter_put(&w, &h.sect[ES_ORD], e->ord, e->npid * sizeof *e->ord);
    fk_snapwriter_put(&w, &h.sect[ES_MEMBERS], e->members, e->nres * sizeof *e->members);
    fk_snapwriter_put(&w, &h.sect[ES_S_PID], e->s_pid, e->nsamples * sizeof *e->s_pid);
    fk_snapwriter_put(&w, &h.sect[ES_S_ORD], e->s_ord, e->nsamples * sizeof *e->s_ord);
    fk_snapwriter_put(&w, &h.sect[ES_S_TIME], e->s_time, e->nsamples * sizeof *e->s_time);
    fk_snapwriter_put(&w, &h.sect[ES_S_TUBE], e->s_tube, e->nsamples * sizeof *e->s_tube);
    put_codes(&w, &h, ES_TUBE_TEXT, e, tube_code, ntubes);
    fk_snapwriter_put(&w, &h.sect[ES_TUBE], e->tube, ntubes * sizeof *e->tube);
    if (put_by_ordinal(&w, &h, e) != FK_OK)
        w.failed = 1;
    memcpy(h.magic, SNAP_MAGIC, 8);
    h.version = SNAP_VERSION;
    h.endian = FK_SNAP_ENDIAN;
    h.generation = e->generation;
    h.nreg = e->nreg;
    h.ngrids = e->ngrids;
    h.npid = e->npid;
    h.nres = e->nres;
    h.nsamples = e->nsamples;
    h.ntubes = ntubes;
    h.nresults = e->nresults;
    h.nsites = nsites_of(e);
    h.nlabs = nlabs_of(e);
    return fk_snapwriter_close(&w, &h, sizeof h, &h.blocks, err, errlen);
}

int fk__engine_snap_section(const char *path, const char *name, uint64_t *off, uint64_t *len)
{
    static const char *const names[ES_N] = {
        [ES_REG_TEXT] = "reg_text",
        [ES_REG_OFF] = "reg_off",
        [ES_REG] = "reg",
        [ES_NAMES] = "names",
        [ES_GRID_REGION] = "grid_region",
        [ES_GSTART] = "gstart",
        [ES_SITE_TEXT] = "site_text",
        [ES_SITE_OFF] = "site_off",
        [ES_LAB_TEXT] = "lab_text",
        [ES_LAB_OFF] = "lab_off",
        [ES_PGRID] = "pgrid",
        [ES_ORD] = "ord",
        [ES_MEMBERS] = "members",
        [ES_S_PID] = "s_pid",
        [ES_S_ORD] = "s_ord",
        [ES_S_TIME] = "s_time",
        [ES_S_TUBE] = "s_tube",
        [ES_TUBE_TEXT] = "tube_text",
        [ES_TUBE_OFF] = "tube_off",
        [ES_TUBE] = "tube",
        [ES_O_FIRST] = "o_first",
        [ES_O_TIME] = "o_time",
    };
    return fk__snap_section(path, sizeof(struct snap_header), offsetof(struct snap_header, sect),
                            names, ES_N, name, off, len);
}

/* Section k of the snapshot being loaded, of exactly want bytes (UINT64_MAX: any); when eager,
 * checked now. NULL when not so. */
static const void *sect(fk_engine *e, const struct snap_header *h, int k, uint64_t want)
{
    const void *p = fk_snapmap_sect(&e->snap, &h->sect[k], want);

    if (p && k < ES_EAGER && !fk_snapmap_need(&e->snap, p, h->sect[k].len))
        return NULL;
    return p;
}

/* n codes: section k (texts) and k + 1 (offsets), into *c. 0 when they are not there, or the
 * texts do not end with a NUL (each offset is bounded where it is read: code_at). */
static int sect_codes(fk_engine *e, const struct snap_header *h, int k, uint64_t n, struct codes *c)
{
    c->text = sect(e, h, k, UINT64_MAX);
    c->len = h->sect[k].len;
    c->off = sect(e, h, k + 1, n * sizeof *c->off);
    c->n = (size_t)n;
    return c->text && c->off && (!n || (c->len && !c->text[c->len - 1]));
}

/* 1 when the mapped region codes are in strcmp order, as region_index's search needs. */
static int codes_sorted(const struct codes *c)
{
    size_t i;

    for (i = 1; i < c->n; i++)
        if (strcmp(code_at(c, (int64_t)i - 1), code_at(c, (int64_t)i)) >= 0)
            return 0;
    return 1;
}

/* The snapshot at path mapped; when check, only if current for st (else FK_ENOENT). The
 * generation it was built at in *at. The large sections are not checked yet. */
static int engine_map(fk_store *st, const struct fk_profile *p, const char *path, int check,
                      fk_engine **out, int64_t *at, char *err, size_t errlen)
{
    struct snap_header h;
    fk_engine *e = NULL;
    int64_t gen, igen;
    double t0 = fk_mono_seconds();
    int rc, ok;

    *out = NULL;
    if (check && (fk_store_generation(st, &gen) != FK_OK ||
                  fk_store_index_generation(st, FK_FEEDS_ENGINE, &igen) != FK_OK)) {
        snprintf(err, errlen, "%s", fk_store_errmsg(st));
        return FK_EDB;
    }
    e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    e->st = st;
    e->prof = *p;
    e->cache_id = -1;
    rc = fk_snapmap_open(&e->snap, path, SNAP_MAGIC, SNAP_VERSION, sizeof h,
                         offsetof(struct snap_header, blocks), err, errlen);
    if (rc != FK_OK)
        goto out;
    memcpy(&h, e->snap.base, sizeof h);
    /* Current while nothing the engine reads was written after its build. */
    *at = h.generation;
    if (!check)
        gen = h.generation;
    else if (!fk_index_current(h.generation, igen, gen)) {
        snprintf(err, errlen,
                 "the snapshot was built at generation %lld; the engine's data changed at %lld, "
                 "the store is at %lld",
                 (long long)h.generation, (long long)igen, (long long)gen);
        rc = FK_ENOENT;
        goto out;
    }
    e->path = strdup(path);
    e->generation = gen;
    e->nreg = h.nreg;
    e->ngrids = h.ngrids;
    e->npid = h.npid;
    e->nres = h.nres;
    e->nsamples = e->capsamples = h.nsamples;
    e->captubes = h.ntubes;
    e->nresults = h.nresults;
    /* The small arrays too are used in place: nothing is copied or interned at load. */
    ok = e->path && sect_codes(e, &h, ES_REG_TEXT, h.nreg, &e->rcodes) &&
         sect_codes(e, &h, ES_SITE_TEXT, h.nsites, &e->scodes) &&
         sect_codes(e, &h, ES_LAB_TEXT, h.nlabs, &e->lcodes) &&
         sect_codes(e, &h, ES_TUBE_TEXT, h.ntubes, &e->tcodes) && codes_sorted(&e->rcodes);
    e->reg = (struct region *)sect(e, &h, ES_REG, h.nreg * sizeof *e->reg);
    e->names.data = (char *)sect(e, &h, ES_NAMES, UINT64_MAX);
    e->names.len = e->names.cap = h.sect[ES_NAMES].len;
    e->grid_region = (int32_t *)sect(e, &h, ES_GRID_REGION, h.ngrids * sizeof *e->grid_region);
    e->gstart = (uint32_t *)sect(e, &h, ES_GSTART, (h.ngrids + 1) * sizeof *e->gstart);
    e->pgrid = (int32_t *)sect(e, &h, ES_PGRID, h.npid * sizeof *e->pgrid);
    e->ord = (uint32_t *)sect(e, &h, ES_ORD, h.npid * sizeof *e->ord);
    e->members = (int32_t *)sect(e, &h, ES_MEMBERS, h.nres * sizeof *e->members);
    e->s_pid = (int32_t *)sect(e, &h, ES_S_PID, h.nsamples * sizeof *e->s_pid);
    e->s_ord = (uint32_t *)sect(e, &h, ES_S_ORD, h.nsamples * sizeof *e->s_ord);
    e->s_time = (int64_t *)sect(e, &h, ES_S_TIME, h.nsamples * sizeof *e->s_time);
    e->s_tube = (int32_t *)sect(e, &h, ES_S_TUBE, h.nsamples * sizeof *e->s_tube);
    e->tube = (struct tube *)sect(e, &h, ES_TUBE, h.ntubes * sizeof *e->tube);
    e->o_first = sect(e, &h, ES_O_FIRST, (h.nres + 1) * sizeof *e->o_first);
    e->o_time = sect(e, &h, ES_O_TIME, UINT64_MAX);
    e->o_len = h.sect[ES_O_TIME].len / sizeof *e->o_time;
    /* Every section in its place; the small ones checked and whole. A resident's sample times
     * are bounded by o_len where they are read. */
    if (!ok || !e->reg || !e->names.data || !e->grid_region || !e->gstart || !e->pgrid || !e->ord ||
        !e->members || !e->s_pid || !e->s_ord || !e->s_time || !e->s_tube || !e->tube ||
        !e->o_first || !e->o_time || e->gstart[h.ngrids] != h.nres) {
        snprintf(err, errlen, "the snapshot %s is damaged", path);
        rc = FK_ENOENT;
        goto out;
    }
    e->build_seconds = fk_mono_seconds() - t0;
    *out = e;
    e = NULL;
    rc = FK_OK;
out:
    fk_engine_free(e);
    return rc;
}

/* ---- checking a mapped engine as it is read ---- */

/* A damaged block was found: the engine is built again from the store, in place, and written
 * back over the damaged file. The caller re-reads every array afterwards. */
static int repair(fk_engine *e, char *err, size_t errlen)
{
    return rebuild(e, e->path, err, errlen);
}

/* Every block checked (a built engine: at once). FK_OK, after a repair when one was damaged. */
static int whole(fk_engine *e, char *err, size_t errlen)
{
    if (!e->snap.base || e->whole)
        return FK_OK;
    if (fk_snapmap_need_all(&e->snap)) {
        e->whole = 1;
        return FK_OK;
    }
    return repair(e, err, errlen);
}

/* The n bytes at p of the mapping checked; else the engine repaired (FK_OK all the same: the
 * caller reads its arrays again) or an error. */
static int need(fk_engine *e, const void *p, size_t n, char *err, size_t errlen)
{
    if (!e->snap.base || e->whole || fk_snapmap_need(&e->snap, p, n))
        return FK_OK;
    return repair(e, err, errlen);
}

int fk_engine_verify(fk_engine *e, char *err, size_t errlen)
{
    return whole(e, err, errlen);
}

int fk_engine_load(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                   char *err, size_t errlen)
{
    int64_t at;

    return engine_map(st, p, path, 1, out, &at, err, errlen);
}

int fk_engine_map(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                  int64_t *built_at, char *err, size_t errlen)
{
    return engine_map(st, p, path, 0, out, built_at, err, errlen);
}

int fk_engine_open(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                   int *loaded, char *err, size_t errlen)
{
    char why[512];
    int rc;

    *loaded = 0;
    rc = path ? fk_engine_load(st, p, path, out, why, sizeof why) : FK_ENOENT;
    if (rc == FK_OK) {
        *loaded = 1;
        return FK_OK;
    }
    if (rc != FK_ENOENT) {
        snprintf(err, errlen, "%s", why);
        return rc;
    }
    rc = fk_engine_build(st, p, out, err, errlen);
    if (rc == FK_OK && path)
        fk_engine_save(*out, path, why, sizeof why); /* a cache: failing to write it is fine */
    return rc;
}

/* ---- look-ups ---- */

static int64_t region_index(const fk_engine *e, const char *code)
{
    size_t lo = 0, hi = e->rcodes.n;

    if (e->rmap)
        return fk_strmap_find(e->rmap, code, strlen(code));
    while (lo < hi) { /* the codes are in strcmp order: checked at load */
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code_at(&e->rcodes, (int64_t)mid), code);

        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static int inside(const fk_engine *e, int64_t inner, int64_t outer)
{
    return e->reg[outer].pre <= e->reg[inner].pre && e->reg[inner].post <= e->reg[outer].post;
}

enum fk_level fk_engine_region_level(const fk_engine *e, const char *code)
{
    int64_t i = region_index(e, code);

    return i < 0 ? FK_LEVEL_NONE : (enum fk_level)e->reg[i].level;
}

int fk_engine_region_inside(const fk_engine *e, const char *inner, const char *outer)
{
    int64_t i = region_index(e, inner), o = region_index(e, outer);

    return i >= 0 && o >= 0 && inside(e, i, o);
}

static const char *region_name(const fk_engine *e, int64_t i)
{
    return e->names.data + e->reg[i].name_off;
}

/* The round's region index, or -1 with err set. */
static int64_t round_region(const fk_engine *e, const struct fk_round *r, char *err,
                            size_t errlen)
{
    int64_t i = region_index(e, r->region);

    if (i < 0)
        snprintf(err, errlen, "round %s is for region %s, which is not in the region tree: "
                 "import regions first", r->name, r->region);
    return i;
}

/* The bitset over ordinals of residents with a sample inside the round's window. Borrowed: valid
 * until the next call or a rebuild. */
static const uint64_t *round_bits(fk_engine *e, const struct fk_round *r)
{
    size_t words = e->nres / 64 + 1, i;
    uint64_t *bits;

    if (e->cache_bits && e->cache_id == r->id && e->cache_start == r->start &&
        e->cache_end == r->end)
        return e->cache_bits;
    free(e->cache_bits);
    e->cache_bits = NULL;
    bits = calloc(words, sizeof *bits);
    if (!bits)
        return NULL;
    for (i = 0; i < e->nsamples; i++) {
        uint32_t o = e->s_ord[i];

        if (o != NO_ORD && e->s_time[i] >= r->start && e->s_time[i] <= r->end)
            bits[o >> 6] |= (uint64_t)1 << (o & 63);
    }
    e->cache_bits = bits;
    e->cache_id = r->id;
    e->cache_start = r->start;
    e->cache_end = r->end;
    return bits;
}

/* What round_bits reads, checked (a mapped engine). */
static int rounds_ready(fk_engine *e, char *err, size_t errlen)
{
    int rc = need(e, e->s_ord, e->nsamples * sizeof *e->s_ord, err, errlen);

    return rc != FK_OK ? rc : need(e, e->s_time, e->nsamples * sizeof *e->s_time, err, errlen);
}

/* Set bits in [lo, hi). */
static size_t popcount_range(const uint64_t *bits, size_t lo, size_t hi)
{
    size_t n = 0, w, wlo = lo >> 6, whi = hi >> 6;

    if (lo >= hi)
        return 0;
    if (wlo == whi)
        return (size_t)__builtin_popcountll(bits[wlo] & (~(uint64_t)0 << (lo & 63)) &
                                            (((uint64_t)1 << (hi & 63)) - 1));
    n += (size_t)__builtin_popcountll(bits[wlo] & (~(uint64_t)0 << (lo & 63)));
    for (w = wlo + 1; w < whi; w++)
        n += (size_t)__builtin_popcountll(bits[w]);
    if (hi & 63)
        n += (size_t)__builtin_popcountll(bits[whi] & (((uint64_t)1 << (hi & 63)) - 1));
    return n;
}

static int bit_set(const uint64_t *bits, size_t o)
{
    return (int)((bits[o >> 6] >> (o & 63)) & 1);
}

/* ---- coverage, missing, retest ---- */

static const struct fk_col coverage_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT},  {"residents", FK_COL_INT},
    {"sampled", FK_COL_INT}, {"coverage", FK_COL_REAL},
};

int fk_engine_coverage(fk_engine *e, const struct fk_round *r, enum fk_level by, fk_table **out,
                       char *err, size_t errlen)
{
    int checked = rounds_ready(e, err, errlen);
    fk_table *t = NULL;
    const uint64_t *bits;
    int64_t R = round_region(e, r, err, errlen);
    size_t i;
    int rc;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    bits = round_bits(e, r);
    rc = bits ? fk_table_new(coverage_cols, 5, &t) : FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < e->nreg; i++) {
        const struct region *g = &e->reg[i];
        size_t lo, hi, res, smp;
        char sres[24], ssmp[24], scov[24];
        const char *vals[5];

        if (g->level != (int)by || !inside(e, (int64_t)i, R))
            continue;
        lo = e->gstart[g->glo];
        hi = e->gstart[g->ghi];
        res = hi - lo;
        smp = popcount_range(bits, lo, hi);
        snprintf(sres, sizeof sres, "%zu", res);
        snprintf(ssmp, sizeof ssmp, "%zu", smp);
        snprintf(scov, sizeof scov, "%.4f", res ? (double)smp / (double)res : 0.0);
        vals[0] = region_code(e, (int64_t)i);
        vals[1] = region_name(e, (int64_t)i);
        vals[2] = sres;
        vals[3] = ssmp;
        vals[4] = res ? scov : NULL;
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "coverage: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col below_cols[] = {
    {"county", FK_COL_TEXT},    {"county_name", FK_COL_TEXT}, {"township", FK_COL_TEXT},
    {"township_name", FK_COL_TEXT}, {"region", FK_COL_TEXT},  {"name", FK_COL_TEXT},
    {"residents", FK_COL_INT},  {"sampled", FK_COL_INT},      {"missing", FK_COL_INT},
    {"coverage", FK_COL_REAL},
};

struct below_row {
    int64_t reg;
    size_t res, smp;
};

/* Lowest coverage first (a cross-multiplied compare, exact), then by code. */
static int below_worse(const void *a, const void *b)
{
    const struct below_row *x = a, *y = b;
    unsigned long long l = (unsigned long long)x->smp * y->res,
                       r = (unsigned long long)y->smp * x->res;

    if (l != r)
        return l < r ? -1 : 1;
    return x->reg < y->reg ? -1 : x->reg > y->reg;
}

/* The ancestor of region i at level lv (i itself when it is of that level), or -1. */
static int64_t ancestor_at(const fk_engine *e, int64_t i, enum fk_level lv)
{
    while (i >= 0 && e->reg[i].level != (int)lv)
        i = e->reg[i].parent;
    return i;
}

int fk_engine_below(fk_engine *e, const struct fk_round *r, enum fk_level by, int pct,
                    fk_table **out, char *err, size_t errlen)
{
    int checked = rounds_ready(e, err, errlen);
    fk_table *t = NULL;
    const uint64_t *bits;
    struct below_row *rows = NULL;
    int64_t R = round_region(e, r, err, errlen);
    size_t i, n = 0;
    int rc = FK_ENOMEM;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    bits = round_bits(e, r);
    rows = malloc((e->nreg ? e->nreg : 1) * sizeof *rows);
    if (!bits || !rows)
        goto out;
    for (i = 0; i < e->nreg; i++) {
        const struct region *g = &e->reg[i];
        size_t lo, hi;

        if (g->level != (int)by || !inside(e, (int64_t)i, R))
            continue;
        lo = e->gstart[g->glo];
        hi = e->gstart[g->ghi];
        /* below pct % when sampled / residents < pct / 100; a region with nobody is not */
        if (hi == lo || popcount_range(bits, lo, hi) * 100 >= (size_t)pct * (hi - lo))
            continue;
        rows[n].reg = (int64_t)i;
        rows[n].res = hi - lo;
        rows[n++].smp = popcount_range(bits, lo, hi);
    }
    qsort(rows, n, sizeof *rows, below_worse);
    rc = fk_table_new(below_cols, 10, &t);
    for (i = 0; rc == FK_OK && i < n; i++) {
        int64_t c = ancestor_at(e, rows[i].reg, FK_LEVEL_COUNTY),
                tw = ancestor_at(e, rows[i].reg, FK_LEVEL_TOWNSHIP);
        char sres[24], ssmp[24], smis[24], scov[24];
        const char *vals[10];

        snprintf(sres, sizeof sres, "%zu", rows[i].res);
        snprintf(ssmp, sizeof ssmp, "%zu", rows[i].smp);
        snprintf(smis, sizeof smis, "%zu", rows[i].res - rows[i].smp);
        snprintf(scov, sizeof scov, "%.4f", (double)rows[i].smp / (double)rows[i].res);
        vals[0] = c >= 0 ? region_code(e, c) : NULL;
        vals[1] = c >= 0 ? region_name(e, c) : NULL;
        vals[2] = tw >= 0 ? region_code(e, tw) : NULL;
        vals[3] = tw >= 0 ? region_name(e, tw) : NULL;
        vals[4] = region_code(e, rows[i].reg);
        vals[5] = region_name(e, rows[i].reg);
        vals[6] = sres;
        vals[7] = ssmp;
        vals[8] = smis;
        vals[9] = scov;
        rc = fk_table_add(t, vals);
    }
out:
    free(rows);
    if (rc != FK_OK) {
        snprintf(err, errlen, "below target: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col missing_cols[] = {
    {"id_number", FK_COL_TEXT}, {"name", FK_COL_TEXT},      {"phone", FK_COL_TEXT},
    {"grid", FK_COL_TEXT},      {"household", FK_COL_TEXT}, {"address", FK_COL_TEXT},
};

/* Adds the person's id_number, name, phone, grid, read through the caller's connection st, to
 * vals[first..first+3]. */
static int person_cells(fk_store *st, int32_t pid, const char **vals, struct fk_person_row *p)
{
    int rc = fk_store_get_person(st, pid, p);

    if (rc != FK_OK)
        return rc;
    vals[0] = p->id_number;
    vals[1] = p->name;
    vals[2] = p->phone;
    vals[3] = p->grid;
    return FK_OK;
}

/* Region code inside round r's region, as an index in *g. FK_OK, or FK_ENOENT / FK_EINVAL with
 * err set. */
static int missing_region(const fk_engine *e, const struct fk_round *r, const char *region,
                          int64_t *g, char *err, size_t errlen)
{
    int64_t R = round_region(e, r, err, errlen);

    if (R < 0)
        return FK_ENOENT;
    *g = region_index(e, region);
    if (*g < 0) {
        snprintf(err, errlen, "unknown region %s", region);
        return FK_ENOENT;
    }
    if (!inside(e, *g, R)) {
        snprintf(err, errlen, "region %s is not inside round %s's region %s", region, r->name,
                 r->region);
        return FK_EINVAL;
    }
    return FK_OK;
}

/* Region g's residents and their sample times checked in the mapping (o_first, o_time), or the
 * engine repaired. */
static int slice_ready(fk_engine *e, int64_t g, char *err, size_t errlen)
{
    struct fk_snapmap *m = &e->snap;
    size_t lo = e->gstart[e->reg[g].glo], hi = e->gstart[e->reg[g].ghi];

    if (fk_snapmap_need(m, e->members + lo, (hi - lo) * sizeof *e->members) &&
        fk_snapmap_need(m, e->o_first + lo, (hi - lo + 1) * sizeof *e->o_first) &&
        e->o_first[lo] <= e->o_first[hi] && e->o_first[hi] <= e->o_len &&
        fk_snapmap_need(m, e->o_time + e->o_first[lo],
                        (e->o_first[hi] - e->o_first[lo]) * sizeof *e->o_time))
        return FK_OK;
    return repair(e, err, errlen);
}

/* 1 when resident o has a sample in round r's window (a mapped engine's o_time). */
static int sampled_in(const fk_engine *e, size_t o, const struct fk_round *r)
{
    uint32_t j;

    for (j = e->o_first[o]; j < e->o_first[o + 1]; j++)
        if (e->o_time[j] >= r->start && e->o_time[j] <= r->end)
            return 1;
    return 0;
}

int fk_engine_missing(fk_engine *e, fk_store *st, const struct fk_round *r, const char *region,
                      fk_table **out, char *err, size_t errlen)
{
    static const size_t order[] = {3, 4, 0}; /* a visit covers a household at once */
    fk_table *t = NULL;
    const uint64_t *bits = NULL;
    int64_t g;
    size_t o, lo, hi;
    int rc = missing_region(e, r, region, &g, err, errlen), began;

    *out = NULL;
    /* A mapped engine answers from the region's slice of the residents' sample times, checking
     * only that slice; after a repair the engine is another, so the region is found again. */
    if (rc == FK_OK && e->snap.base && !e->whole) {
        rc = slice_ready(e, g, err, errlen);
        if (rc == FK_OK)
            rc = missing_region(e, r, region, &g, err, errlen);
    }
    if (rc != FK_OK)
        return rc;
    if (!e->o_first)
        bits = round_bits(e, r);
    rc = bits || e->o_first ? fk_table_new(missing_cols, 6, &t) : FK_ENOMEM;
    lo = e->gstart[e->reg[g].glo];
    hi = e->gstart[e->reg[g].ghi];
    /* One read transaction for the rows' look-ups, not one a row (issue 19). */
    began = rc == FK_OK && fk_store_read_begin(st) == FK_OK;
    for (o = lo; rc == FK_OK && o < hi; o++) {
        struct fk_person_row p;
        const char *vals[6];

        if (bits ? bit_set(bits, o) : sampled_in(e, o, r))
            continue;
        rc = person_cells(st, e->members[o], vals, &p);
        vals[4] = p.household;
        vals[5] = p.address;
        if (rc == FK_OK)
            rc = fk_table_add(t, vals);
    }
    if (began)
        fk_store_read_end(st);
    if (rc != FK_OK) {
        snprintf(err, errlen, "missing: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    fk_table_sort(t, order, 3);
    *out = t;
    return FK_OK;
}

/* 1 when tube t belongs to round r: a member sampled in the window who lives in region R. */
static int tube_in_round(const fk_engine *e, const struct tube *tb, const struct fk_round *r,
                         int64_t R)
{
    uint32_t k;
    int32_t glo = e->reg[R].glo, ghi = e->reg[R].ghi;

    for (k = tb->first; k < tb->first + tb->count; k++) {
        int32_t p = e->s_pid[k];

        if (p >= 0 && fk_round_contains(r, e->s_time[k]) && e->pgrid[p] >= glo &&
            e->pgrid[p] < ghi)
            return 1;
    }
    return 0;
}

static const struct fk_col retest_cols[] = {
    {"tube", FK_COL_TEXT},         {"id_number", FK_COL_TEXT},      {"name", FK_COL_TEXT},
    {"phone", FK_COL_TEXT},        {"grid", FK_COL_TEXT},           {"retest_state", FK_COL_TEXT},
    {"retest_tube", FK_COL_TEXT},  {"retest_sampled", FK_COL_TEXT}, {"retest_result", FK_COL_TEXT},
};

/* Sample k's member, re-tested alone since: the latest sample of that person after sample k in a
 * tube of their own (one member), into vals[5..8]: state "retested" (with its result),
 * "waiting" (no result yet) or "not_sampled", then its tube, time and result. when is the
 * caller's buffer for the time. */
static void retest_alone(const fk_engine *e, uint32_t k, const char **vals, char *when)
{
    int32_t pid = e->s_pid[k];
    uint32_t a = e->pfirst[pid], b = e->pfirst[pid + 1], j;

    vals[5] = "not_sampled";
    vals[6] = vals[7] = vals[8] = NULL;
    for (j = b; j > a; j--) {
        uint32_t i = e->by_person[j - 1];
        const struct tube *tb = &e->tube[e->s_tube[i]];

        if (e->s_time[i] <= e->s_time[k])
            break; /* runs are by time: nothing later remains */
        if (tb->count != 1)
            continue;
        vals[5] = tb->result >= 0 ? "retested" : "waiting";
        vals[6] = tube_code(e, e->s_tube[i]);
        vals[7] = fk_time_render(e->s_time[i], when);
        vals[8] = tb->result == FK_RESULT_NEGATIVE   ? "negative"
                  : tb->result == FK_RESULT_POSITIVE ? "positive"
                  : tb->result == FK_RESULT_INVALID  ? "invalid"
                                                     : NULL;
        return;
    }
}

int fk_engine_retest(fk_engine *e, fk_store *st, const struct fk_round *r, fk_table **out,
                     char *err, size_t errlen)
{
    return fk_engine_retest_at(e, st, r, INT64_MAX, out, err, errlen);
}

int fk_engine_retest_at(fk_engine *e, fk_store *st, const struct fk_round *r, int64_t now,
                        fk_table **out, char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    static const size_t order[] = {0, 1};
    fk_table *t = NULL;
    int64_t R = round_region(e, r, err, errlen);
    size_t ti, ntubes;
    int rc;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    rc = fk_engine_person_index(e);
    if (rc == FK_OK)
        rc = fk_table_new(retest_cols, 9, &t);
    ntubes = ntubes_of(e);
    for (ti = 0; rc == FK_OK && ti < ntubes; ti++) {
        const struct tube *tb = &e->tube[ti];
        uint32_t k;

        if (tb->result != FK_RESULT_POSITIVE || tb->rtime > now ||
            tb->count < (uint32_t)e->prof.pool_min || !tube_in_round(e, tb, r, R))
            continue;
        for (k = tb->first; rc == FK_OK && k < tb->first + tb->count; k++) {
            struct fk_person_row p;
            const char *vals[9];
            char when[FK_TIME_RENDER_MAX];

            if (e->s_pid[k] < 0)
                continue;
            vals[0] = tube_code(e, (int64_t)ti);
            retest_alone(e, k, vals, when);
            rc = person_cells(st, e->s_pid[k], vals + 1, &p);
            if (rc == FK_OK)
                rc = fk_table_add(t, vals);
        }
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "retest: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    fk_table_sort(t, order, 2);
    *out = t;
    return FK_OK;
}

static const struct fk_col children_cols[] = {
    {"region", FK_COL_TEXT}, {"name", FK_COL_TEXT}, {"level", FK_COL_TEXT},
    {"residents", FK_COL_INT},
};

int fk_engine_children(fk_engine *e, const char *code, fk_table **out, char *err, size_t errlen)
{
    int64_t parent = code ? region_index(e, code) : -1;
    fk_table *t = NULL;
    size_t i;
    int rc;

    *out = NULL;
    if (code && parent < 0) {
        snprintf(err, errlen, "unknown region %s", code);
        return FK_ENOENT;
    }
    rc = fk_table_new(children_cols, 4, &t);
    for (i = 0; rc == FK_OK && i < e->nreg; i++) {
        char res[24];
        const char *vals[4];

        if (e->reg[i].parent != parent)
            continue;
        snprintf(res, sizeof res, "%u", e->gstart[e->reg[i].ghi] - e->gstart[e->reg[i].glo]);
        vals[0] = region_code(e, (int64_t)i);
        vals[1] = region_name(e, (int64_t)i);
        vals[2] = fk_level_name((enum fk_level)e->reg[i].level);
        vals[3] = res;
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "regions: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col hourly_cols[] = {{"hour", FK_COL_TEXT}, {"samples", FK_COL_INT}};

int fk_engine_hourly(fk_engine *e, const struct fk_round *r, fk_table **out, char *err,
                     size_t errlen)
{
    int checked = whole(e, err, errlen);
    int64_t R = round_region(e, r, err, errlen), first, nh, h;
    uint64_t *count = NULL;
    fk_table *t = NULL;
    size_t i;
    int rc = FK_ENOMEM;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    first = r->start - ((r->start % 3600) + 3600) % 3600;
    nh = (r->end - first) / 3600 + 1;
    if (nh < 1 || nh > 24 * 366) {
        snprintf(err, errlen, "round %s spans more than a year: no hourly view", r->name);
        return FK_EINVAL;
    }
    count = calloc((size_t)nh, sizeof *count);
    if (!count)
        goto out;
    for (i = 0; i < e->nsamples; i++) {
        int32_t p = e->s_pid[i];

        if (p < 0 || !fk_round_contains(r, e->s_time[i]) || e->pgrid[p] < e->reg[R].glo ||
            e->pgrid[p] >= e->reg[R].ghi)
            continue;
        count[(e->s_time[i] - first) / 3600]++;
    }
    rc = fk_table_new(hourly_cols, 2, &t);
    for (h = 0; rc == FK_OK && h < nh; h++) {
        char when[FK_TIME_RENDER_MAX], n[24];
        const char *vals[2] = {fk_time_render(first + h * 3600, when), n};

        snprintf(n, sizeof n, "%llu", (unsigned long long)count[h]);
        rc = fk_table_add(t, vals);
    }
out:
    free(count);
    if (rc != FK_OK) {
        snprintf(err, errlen, "hourly: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

/* ---- turnaround (采送检报) ---- */

struct tat_group {
    size_t tubes, received, resulted, pending, overdue, late;
    size_t shipped;     /* shipped by now, received or resulted */
    int shipped_known;  /* a tube of the group has a shipped time recorded */
    double *hours;
    size_t nhours;
};

static const struct fk_col tat_site_cols[] = {
    {"site", FK_COL_TEXT},      {"tubes", FK_COL_INT},         {"received", FK_COL_INT},
    {"resulted", FK_COL_INT},   {"pending", FK_COL_INT},       {"overdue", FK_COL_INT},
    {"late", FK_COL_INT},       {"median_hours", FK_COL_REAL}, {"p90_hours", FK_COL_REAL},
    {"shipped", FK_COL_INT},
};
static const struct fk_col tat_lab_cols[] = {
    {"lab", FK_COL_TEXT},       {"tubes", FK_COL_INT},         {"received", FK_COL_INT},
    {"resulted", FK_COL_INT},   {"pending", FK_COL_INT},       {"overdue", FK_COL_INT},
    {"late", FK_COL_INT},       {"median_hours", FK_COL_REAL}, {"p90_hours", FK_COL_REAL},
    {"shipped", FK_COL_INT},
};

/* Tube tb as it stood at `now`, into *v: 0 when it was not sampled yet (it does not exist then);
 * a result or a receipt recorded after now is not known yet (the tube is pending, with no lab).
 * So an answer "as of" a past time is the one that was given then. */
static int tube_as_of(const struct tube *tb, int64_t now, struct tube *v)
{
    if (tb->sampled > now)
        return 0;
    *v = *tb;
    if (v->result >= 0 && v->rtime > now) {
        v->result = -1;
        v->lab = -1;
        v->rtime = 0;
    }
    if (v->received > now)
        v->received = 0;
    if (v->shipped > now)
        v->shipped = -1;
    return 1;
}

/* Counts tube tb into g. A tube is received when the lab recorded its receipt time, or when it
 * has a result at all: a lab cannot report on a tube it never received, and many labs send results
 * without a receipt time. */
static void tat_count(struct tat_group *g, const struct tube *tb, int64_t now, int64_t limit)
{
    g->tubes++;
    if (tb->shipped != 0)
        g->shipped_known = 1;
    /* shipped: a recorded time, or the lab has it (a tube received was shipped) */
    if (tb->shipped > 0 || tb->received > 0 || tb->result >= 0)
        g->shipped++;
    if (tb->received > 0 || tb->result >= 0)
        g->received++;
    if (tb->result >= 0) {
        double h = (double)(tb->rtime - tb->sampled) / 3600.0;

        g->resulted++;
        if (tb->rtime - tb->sampled > limit)
            g->late++;
        if (g->hours)
            g->hours[g->nhours++] = h;
    } else {
        g->pending++;
        if (now - tb->sampled > limit)
            g->overdue++;
    }
}

static int tat_row(fk_table *t, const char *name, struct tat_group *g)
{
    char c[6][24], med[24], p90[24], shipped[24];
    const char *vals[10];
    size_t v[6] = {g->tubes, g->received, g->resulted, g->pending, g->overdue, g->late}, i;

    fk_sort_doubles(g->hours, g->nhours);
    for (i = 0; i < 6; i++) {
        snprintf(c[i], sizeof c[i], "%zu", v[i]);
        vals[i + 1] = c[i];
    }
    snprintf(med, sizeof med, "%.2f", fk_quantile_sorted(g->hours, g->nhours, 0.5));
    snprintf(p90, sizeof p90, "%.2f", fk_quantile_sorted(g->hours, g->nhours, 0.9));
    vals[0] = name;
    vals[7] = g->nhours ? med : NULL;
    vals[8] = g->nhours ? p90 : NULL;
    snprintf(shipped, sizeof shipped, "%zu", g->shipped);
    vals[9] = g->shipped_known ? shipped : NULL; /* empty: not recorded, which is not 0 */
    return fk_table_add(t, vals);
}

/* One group's place in the worst-first order of fk_engine_tat. */
struct tat_rank {
    const struct tat_group *g;
    const char *name;
};

/* Worst first: most overdue, then most pending, then most late, then by name. */
static int tat_worse(const void *a, const void *b)
{
    const struct tat_rank *x = a, *y = b;
    size_t kx[3] = {x->g->overdue, x->g->pending, x->g->late};
    size_t ky[3] = {y->g->overdue, y->g->pending, y->g->late};
    int i;

    for (i = 0; i < 3; i++)
        if (kx[i] != ky[i])
            return kx[i] > ky[i] ? -1 : 1;
    return strcmp(x->name, y->name);
}

int fk_engine_tat(fk_engine *e, const struct fk_round *r, enum fk_tat_by by, int64_t now,
                  fk_table **out, char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    struct tat_rank *rank = NULL;
    size_t nrank = 0, ri;
    int64_t R = round_region(e, r, err, errlen), limit = (int64_t)e->prof.tat_limit_hours * 3600;
    const char *(*code)(const fk_engine *, int64_t) = by == FK_TAT_SITE ? site_code : lab_code;
    size_t ngroups = (by == FK_TAT_SITE ? nsites_of(e) : nlabs_of(e)) + 1, ntubes, ti,
           gi; /* + 1: no lab yet */
    struct tat_group *groups = NULL, total;
    double *hours = NULL, *hp;
    fk_table *t = NULL;
    int rc = FK_ENOMEM;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    memset(&total, 0, sizeof total);
    if (R < 0)
        return FK_ENOENT;
    ntubes = ntubes_of(e);
    groups = calloc(ngroups, sizeof *groups);
    hours = malloc((2 * ntubes + 1) * sizeof *hours);
    if (!groups || !hours)
        goto out;
    /* First pass counts resulted tubes per group to carve the hours array. */
    for (ti = 0; ti < ntubes; ti++) {
        struct tube v;
        size_t k;

        if (!tube_as_of(&e->tube[ti], now, &v))
            continue;
        k = by == FK_TAT_SITE ? (size_t)v.site : (size_t)(v.lab + 1);
        if (v.result >= 0 && tube_in_round(e, &v, r, R))
            groups[k].nhours++;
    }
    hp = hours;
    for (gi = 0; gi < ngroups; gi++) {
        groups[gi].hours = hp;
        hp += groups[gi].nhours;
        groups[gi].nhours = 0;
    }
    total.hours = hp;
    for (ti = 0; ti < ntubes; ti++) {
        struct tube v;
        size_t k;

        if (!tube_as_of(&e->tube[ti], now, &v) || !tube_in_round(e, &v, r, R))
            continue;
        k = by == FK_TAT_SITE ? (size_t)v.site : (size_t)(v.lab + 1);
        tat_count(&groups[k], &v, now, limit);
        tat_count(&total, &v, now, limit);
    }
    rank = malloc(ngroups * sizeof *rank);
    rc = rank ? fk_table_new(by == FK_TAT_SITE ? tat_site_cols : tat_lab_cols, 10, &t) : FK_ENOMEM;
    for (gi = 0; rc == FK_OK && gi < ngroups; gi++) {
        const char *name;

        if (!groups[gi].tubes)
            continue;
        if (by == FK_TAT_SITE)
            name = code(e, (int64_t)gi);
        else
            name = gi == 0 ? "(no result yet)" : code(e, (int64_t)gi - 1);
        rank[nrank].g = &groups[gi];
        rank[nrank++].name = *name ? name : "(none)";
    }
    if (rc == FK_OK)
        qsort(rank, nrank, sizeof *rank, tat_worse);
    for (ri = 0; rc == FK_OK && ri < nrank; ri++)
        rc = tat_row(t, rank[ri].name, (struct tat_group *)rank[ri].g);
    if (rc == FK_OK && total.tubes)
        rc = tat_row(t, "(total)", &total);
out:
    free(rank);
    free(groups);
    free(hours);
    if (rc != FK_OK) {
        snprintf(err, errlen, "tat: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col tat_by_cols[] = {
    {"region", FK_COL_TEXT}, {"resulted", FK_COL_INT}, {"p90_hours", FK_COL_REAL}};

int fk_engine_tat_by(fk_engine *e, const struct fk_round *r, enum fk_level by, int64_t now,
                     fk_table **out, char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    int64_t R = round_region(e, r, err, errlen);
    int32_t *slot_of = NULL; /* per grid: the slot of its region of level by, or -1 */
    size_t *nh = NULL, *at = NULL, *last = NULL, nslots = 0, i, ti,
           ntubes = ntubes_of(e);
    int64_t *reg = NULL;
    double *hours = NULL;
    fk_table *t = NULL;
    int pass, rc = FK_ENOMEM;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    slot_of = malloc((e->ngrids + 1) * sizeof *slot_of);
    reg = malloc((e->nreg + 1) * sizeof *reg);
    if (!slot_of || !reg)
        goto out;
    for (i = 0; i < e->ngrids; i++)
        slot_of[i] = -1;
    for (i = 0; i < e->nreg; i++) {
        const struct region *g = &e->reg[i];
        int32_t k;

        if (g->level != (int)by || !inside(e, (int64_t)i, R))
            continue;
        for (k = g->glo; k < g->ghi; k++)
            slot_of[k] = (int32_t)nslots;
        reg[nslots++] = (int64_t)i;
    }
    nh = calloc(nslots + 1, sizeof *nh);
    at = calloc(nslots + 1, sizeof *at);
    last = malloc((nslots + 1) * sizeof *last);
    if (!nh || !at || !last)
        goto out;
    /* Two passes: count each slot's resulted tubes, then place their hours. A tube is counted
     * once per slot: last[slot] is the tube the slot counted last (members run tube by tube). */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < nslots; i++)
            last[i] = SIZE_MAX;
        for (ti = 0; ti < ntubes; ti++) {
            struct tube v;
            uint32_t k;

            if (!tube_as_of(&e->tube[ti], now, &v) || v.result < 0)
                continue;
            for (k = v.first; k < v.first + v.count; k++) {
                int32_t p = e->s_pid[k], sl;

                if (p < 0 || !fk_round_contains(r, e->s_time[k]) || e->pgrid[p] < 0 ||
                    (sl = slot_of[e->pgrid[p]]) < 0 || last[sl] == ti)
                    continue;
                last[sl] = ti;
                if (pass == 0)
                    nh[sl]++;
                else
                    hours[at[sl]++] = (double)(v.rtime - v.sampled) / 3600.0;
            }
        }
        if (pass == 0) {
            size_t total = 0;

            for (i = 0; i < nslots; i++) {
                at[i] = total;
                total += nh[i];
            }
            hours = malloc((total + 1) * sizeof *hours);
            if (!hours)
                goto out;
        }
    }
    rc = fk_table_new(tat_by_cols, 3, &t);
    /* each slot's hours now lie in [at - nh, at) */
    for (i = 0; rc == FK_OK && i < nslots; i++) {
        char n[24], p90[24];
        const char *vals[3];

        if (!nh[i])
            continue;
        snprintf(n, sizeof n, "%zu", nh[i]);
        snprintf(p90, sizeof p90, "%.2f", fk_quantile_select(hours + at[i] - nh[i], nh[i], 0.9));
        vals[0] = region_code(e, reg[i]);
        vals[1] = n;
        vals[2] = p90;
        rc = fk_table_add(t, vals);
    }
    if (rc == FK_OK)
        fk_table_sort(t, (const size_t[]){0}, 1);
out:
    free(slot_of);
    free(reg);
    free(nh);
    free(at);
    free(last);
    free(hours);
    if (rc != FK_OK) {
        snprintf(err, errlen, "tat: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    *out = t;
    return FK_OK;
}

static const struct fk_col overdue_cols[] = {
    {"tube", FK_COL_TEXT},   {"site", FK_COL_TEXT},          {"sampled", FK_COL_TEXT},
    {"members", FK_COL_INT}, {"hours_waiting", FK_COL_REAL},
};

int fk_engine_tat_overdue(fk_engine *e, const struct fk_round *r, int64_t now, fk_table **out,
                          char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    static const size_t order[] = {2, 0};
    int64_t R = round_region(e, r, err, errlen), limit = (int64_t)e->prof.tat_limit_hours * 3600;
    size_t ti, ntubes;
    fk_table *t = NULL;
    int rc;

    *out = NULL;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    ntubes = ntubes_of(e);
    rc = fk_table_new(overdue_cols, 5, &t);
    for (ti = 0; rc == FK_OK && ti < ntubes; ti++) {
        struct tube v, *tb = &v;
        char when[FK_TIME_RENDER_MAX], members[16], hours[24];
        const char *vals[5];

        if (!tube_as_of(&e->tube[ti], now, &v) || tb->result >= 0 || now - tb->sampled <= limit ||
            !tube_in_round(e, tb, r, R))
            continue;
        snprintf(members, sizeof members, "%u", tb->count);
        snprintf(hours, sizeof hours, "%.1f", (double)(now - tb->sampled) / 3600.0);
        vals[0] = tube_code(e, (int64_t)ti);
        vals[1] = site_code(e, tb->site);
        vals[2] = fk_time_render(tb->sampled, when);
        vals[3] = members;
        vals[4] = hours;
        rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK) {
        snprintf(err, errlen, "tat: %s", fk_strerror(rc));
        fk_table_free(t);
        return rc;
    }
    fk_table_sort(t, order, 2);
    *out = t;
    return FK_OK;
}

/* ---- for the other in-memory modules ---- */

int32_t fk_engine_person_grid(const fk_engine *e, int64_t pid)
{
    assert(!e->snap.base || e->whole);
    return pid >= 0 && (size_t)pid < e->npid ? e->pgrid[pid] : -1;
}

size_t fk_engine_grid_residents(const fk_engine *e, int32_t glo, int32_t ghi,
                                const int32_t **pids)
{
    assert(!e->snap.base || e->whole);
    *pids = e->members;
    if (glo < 0 || ghi <= glo || (size_t)ghi > e->ngrids || !e->gstart)
        return 0;
    *pids = e->members + e->gstart[glo];
    return e->gstart[ghi] - e->gstart[glo];
}

const char *fk_engine_grid_code(const fk_engine *e, int32_t g)
{
    return g >= 0 && (size_t)g < e->ngrids ? region_code(e, e->grid_region[g]) : "";
}

int fk_engine_region_info(const fk_engine *e, const char *code, int32_t *glo, int32_t *ghi,
                          enum fk_level *level, const char **name)
{
    int64_t i = region_index(e, code);

    if (i < 0)
        return FK_ENOENT;
    *glo = e->reg[i].glo;
    *ghi = e->reg[i].ghi;
    *level = (enum fk_level)e->reg[i].level;
    *name = region_name(e, i);
    return FK_OK;
}

int fk_engine_each_region(const fk_engine *e, const char *within, enum fk_level level,
                          fk_engine_region_cb cb, void *ud)
{
    int64_t w = within ? region_index(e, within) : -1;
    size_t i;
    int rc;

    if (within && w < 0)
        return FK_ENOENT;
    for (i = 0; i < e->nreg; i++) {
        const struct region *r = &e->reg[i];

        if (r->level != (int32_t)level)
            continue;
        if (w >= 0 && !(e->reg[w].pre <= r->pre && r->post <= e->reg[w].post))
            continue;
        rc = cb(ud, region_code(e, (int64_t)i), region_name(e, (int64_t)i), r->glo, r->ghi);
        if (rc)
            return rc;
    }
    return FK_OK;
}

static int by_person_build(fk_engine *e)
{
    size_t i;
    uint32_t *first = calloc(e->npid + 2, sizeof *first), *idx = NULL;

    if (!first || !(idx = malloc((e->nsamples ? e->nsamples : 1) * sizeof *idx))) {
        free(first);
        return FK_ENOMEM;
    }
    for (i = 0; i < e->nsamples; i++)
        if (e->s_pid[i] >= 0 && (size_t)e->s_pid[i] < e->npid)
            first[e->s_pid[i] + 2]++;
    for (i = 2; i < e->npid + 2; i++)
        first[i] += first[i - 1];
    for (i = 0; i < e->nsamples; i++)
        if (e->s_pid[i] >= 0 && (size_t)e->s_pid[i] < e->npid)
            idx[first[e->s_pid[i] + 1]++] = (uint32_t)i;
    /* Each person's run, by time: runs are short (a few tests), so insertion sort. */
    for (i = 0; i < e->npid; i++) {
        uint32_t a = first[i], b = first[i + 1], j, k;

        for (j = a + 1; j < b; j++) {
            uint32_t v = idx[j];

            for (k = j; k > a && e->s_time[idx[k - 1]] > e->s_time[v]; k--)
                idx[k] = idx[k - 1];
            idx[k] = v;
        }
    }
    e->pfirst = first;
    e->by_person = idx;
    return FK_OK;
}

int fk_engine_person_index(fk_engine *e)
{
    char err[512];
    int rc = whole(e, err, sizeof err);

    return rc != FK_OK || e->pfirst ? rc : by_person_build(e);
}

size_t fk_engine_person_samples(fk_engine *e, int64_t pid, struct fk_person_sample *out,
                                size_t cap)
{
    uint32_t a, b, j;

    if (fk_engine_person_index(e) != FK_OK)
        return 0;
    if (pid < 0 || (size_t)pid >= e->npid)
        return 0;
    a = e->pfirst[pid];
    b = e->pfirst[pid + 1];
    for (j = a; j < b && j - a < cap; j++) {
        const struct tube *tb = &e->tube[e->s_tube[e->by_person[j]]];

        out[j - a].time = e->s_time[e->by_person[j]];
        out[j - a].result = tb->result;
        out[j - a].rtime = tb->result >= 0 ? tb->rtime : 0;
    }
    return b - a;
}

int fk_engine_each_person_tube(fk_engine *e, int64_t pid,
                               int (*cb)(void *ud, const struct fk_person_tube *t), void *ud)
{
    uint32_t j;
    int rc;

    if (fk_engine_person_index(e) != FK_OK)
        return FK_ENOMEM;
    if (pid < 0 || (size_t)pid >= e->npid)
        return FK_OK;
    for (j = e->pfirst[pid]; j < e->pfirst[pid + 1]; j++) {
        uint32_t s = e->by_person[j];
        const struct tube *tb = &e->tube[e->s_tube[s]];
        struct fk_person_tube t;

        t.tube = tube_code(e, e->s_tube[s]);
        t.site = tb->site >= 0 ? site_code(e, tb->site) : "";
        t.lab = tb->lab >= 0 ? lab_code(e, tb->lab) : "";
        t.time = e->s_time[s];
        t.result = tb->result;
        t.rtime = tb->result >= 0 ? tb->rtime : 0;
        t.received = tb->received;
        t.members = &e->s_pid[tb->first];
        t.nmembers = tb->count;
        rc = cb(ud, &t);
        if (rc)
            return rc;
    }
    return FK_OK;
}

/* ---- the pace of a round (issue 21) ---- */

void fk_engine_pace_fini(struct fk_engine_pace *p)
{
    free(p->sampled);
    free(p->tubes);
    free(p->before);
    memset(p, 0, sizeof *p);
}

/* Counting sort of n values (offsets, seconds from the start) into nb buckets by key: *starts
 * (nb + 1) and *vals (n), the caller's to free. keys[i] < 0: left out. */
static int bucket(const int32_t *key, const int32_t *val, size_t n, size_t nb, uint32_t **starts,
                  int32_t **vals)
{
    uint32_t *b = calloc(nb + 1, sizeof *b), *at = NULL;
    int32_t *v = NULL;
    size_t i;

    *starts = NULL;
    *vals = NULL;
    if (!b)
        return FK_ENOMEM;
    for (i = 0; i < n; i++)
        if (key[i] >= 0)
            b[key[i] + 1]++;
    for (i = 0; i < nb; i++)
        b[i + 1] += b[i];
    v = malloc(((size_t)b[nb] + 1) * sizeof *v);
    at = malloc((nb + 1) * sizeof *at);
    if (!v || !at) {
        free(b);
        free(v);
        free(at);
        return FK_ENOMEM;
    }
    memcpy(at, b, (nb + 1) * sizeof *at);
    for (i = 0; i < n; i++)
        if (key[i] >= 0)
            v[at[key[i]]++] = val[i];
    free(at);
    *starts = b;
    *vals = v;
    return FK_OK;
}

/* Builds e->pace for round r's whole window (nh hours): one pass over the samples for each
 * resident's first sample, one over the tubes' runs for each tube's first member sample, then
 * two counting sorts by (grid, hour). */
static int pace_build(fk_engine *e, const struct fk_round *r, int nh)
{
    size_t nres = e->nres, ntubes = ntubes_of(e), nb = e->ngrids * (size_t)nh, i, ti;
    int32_t *first = malloc((nres + 1) * sizeof *first), *okey = NULL, *tkey = NULL, *toff = NULL;
    int32_t g;
    int rc = FK_ENOMEM;

    free(e->pace.pb);
    free(e->pace.pt);
    free(e->pace.tb);
    free(e->pace.tt);
    memset(&e->pace, 0, sizeof e->pace);
    okey = malloc((nres + 1) * sizeof *okey);
    tkey = malloc((ntubes + 1) * sizeof *tkey);
    toff = malloc((ntubes + 1) * sizeof *toff);
    if (!first || !okey || !tkey || !toff)
        goto out;
    memset(first, 0xff, (nres + 1) * sizeof *first); /* -1: no sample in the window */
    for (i = 0; i < e->nsamples; i++) {
        uint32_t o = e->s_ord[i];
        int64_t t = e->s_time[i];

        if (o != NO_ORD && t >= r->start && t <= r->end &&
            (first[o] < 0 || t - r->start < first[o]))
            first[o] = (int32_t)(t - r->start);
    }
    for (g = 0; (size_t)g < e->ngrids; g++)
        for (i = e->gstart[g]; i < e->gstart[g + 1]; i++)
            okey[i] = first[i] < 0 ? -1 : g * nh + first[i] / 3600;
    for (ti = 0; ti < ntubes; ti++) {
        const struct tube *tb = &e->tube[ti];
        int64_t tmin = INT64_MAX;
        int32_t tg = -1;
        uint32_t k;

        for (k = tb->first; k < tb->first + tb->count; k++) {
            int64_t t = e->s_time[k];

            if (e->s_ord[k] == NO_ORD || t < r->start || t > r->end || t >= tmin)
                continue;
            tmin = t;
            tg = e->pgrid[e->s_pid[k]];
        }
        tkey[ti] = tg < 0 ? -1 : tg * nh + (int32_t)((tmin - r->start) / 3600);
        toff[ti] = tg < 0 ? 0 : (int32_t)(tmin - r->start);
    }
    rc = bucket(okey, first, nres, nb, &e->pace.pb, &e->pace.pt);
    if (rc == FK_OK)
        rc = bucket(tkey, toff, ntubes, nb, &e->pace.tb, &e->pace.tt);
    if (rc == FK_OK) {
        e->pace.id = r->id;
        e->pace.start = r->start;
        e->pace.end = r->end;
        e->pace.nh = nh;
    }
out:
    free(first);
    free(okey);
    free(tkey);
    free(toff);
    return rc;
}

/* The values of bucket b (starts, vals) at or before offset `upto`, with the bucket's hour k and
 * the hour ku holding upto: all of them before it, none after, those <= upto in it. */
static uint32_t upto_in(const uint32_t *starts, const int32_t *vals, size_t b, int k, int ku,
                        int64_t upto)
{
    uint32_t n = 0, j;

    if (k < ku)
        return starts[b + 1] - starts[b];
    if (k > ku || upto < 0)
        return 0;
    for (j = starts[b]; j < starts[b + 1]; j++)
        n += vals[j] <= upto;
    return n;
}

int fk_engine_pace(fk_engine *e, const struct fk_round *r, int64_t now, struct fk_engine_pace *out,
                   char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    int64_t R = round_region(e, r, err, errlen), cut = now < r->end ? now : r->end, nh, uc, ue;
    int32_t g, ng;
    int rc = FK_ENOMEM, k, kc, ke;

    memset(out, 0, sizeof *out);
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    nh = (r->end - r->start) / 3600 + 1;
    if (nh < 1 || nh > 24 * 31) {
        snprintf(err, errlen, "round %s spans more than 31 days: no hourly pace", r->name);
        return FK_EINVAL;
    }
    if (!e->pace.pb || e->pace.id != r->id || e->pace.start != r->start || e->pace.end != r->end) {
        rc = pace_build(e, r, (int)nh);
        if (rc != FK_OK)
            goto out;
    }
    out->start = r->start;
    out->nh = (int)nh;
    out->glo = e->reg[R].glo;
    out->ghi = e->reg[R].ghi;
    ng = out->ghi - out->glo;
    out->sampled = calloc((size_t)ng * (size_t)nh + 1, sizeof *out->sampled);
    out->tubes = calloc((size_t)ng * (size_t)nh + 1, sizeof *out->tubes);
    out->before = calloc((size_t)ng + 1, sizeof *out->before);
    rc = FK_ENOMEM;
    if (!out->sampled || !out->tubes || !out->before)
        goto out;
    /* offsets from the start of now and of now - 2 h, and the hours holding them (-1: before
     * the start: nothing counts) */
    uc = cut - r->start;
    ue = cut - 7200 - r->start;
    kc = uc < 0 ? -1 : (int)(uc / 3600);
    ke = ue < 0 ? -1 : (int)(ue / 3600);
    for (g = 0; g < ng; g++) {
        size_t b0 = (size_t)(out->glo + g) * (size_t)nh;
        uint32_t *sr = out->sampled + (size_t)g * (size_t)nh,
                 *tr = out->tubes + (size_t)g * (size_t)nh;

        for (k = 0; k <= kc && k < nh; k++) {
            sr[k] = upto_in(e->pace.pb, e->pace.pt, b0 + (size_t)k, k, kc, uc);
            tr[k] = upto_in(e->pace.tb, e->pace.tt, b0 + (size_t)k, k, kc, uc);
        }
        for (k = 0; k <= ke && k < nh; k++)
            out->before[g] += upto_in(e->pace.pb, e->pace.pt, b0 + (size_t)k, k, ke, ue);
    }
    rc = FK_OK;
out:
    if (rc != FK_OK) {
        fk_engine_pace_fini(out);
        snprintf(err, errlen, "pace: %s", fk_strerror(rc));
    }
    return rc;
}

static int cmp_lab_load(const void *a, const void *b)
{
    return strcmp(((const struct fk_engine_lab_load *)a)->lab,
                  ((const struct fk_engine_lab_load *)b)->lab);
}

int fk_engine_lab_load(fk_engine *e, const struct fk_round *r, int64_t now,
                       struct fk_engine_lab_load **out, size_t *n, char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    int64_t R = round_region(e, r, err, errlen);
    size_t nl, ti, ntubes, k, m = 0;
    struct fk_engine_lab_load *v = NULL;

    *out = NULL;
    *n = 0;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    nl = nlabs_of(e);
    v = calloc(nl + 1, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "pace: %s", fk_strerror(FK_ENOMEM));
        return FK_ENOMEM;
    }
    ntubes = ntubes_of(e);
    for (ti = 0; ti < ntubes; ti++) {
        const struct tube *tb = &e->tube[ti];
        int resulted, received;

        if (tb->lab < 0 || tb->sampled > now || !tube_in_round(e, tb, r, R))
            continue;
        resulted = tb->result >= 0 && tb->rtime <= now;
        received = resulted || (tb->received > 0 && tb->received <= now);
        v[tb->lab].received += received;
        v[tb->lab].resulted += resulted;
    }
    for (k = 0; k < nl; k++)
        if (v[k].received) {
            v[m].received = v[k].received;
            v[m].resulted = v[k].resulted;
            v[m++].lab = lab_code(e, (int64_t)k);
        }
    qsort(v, m, sizeof *v, cmp_lab_load);
    *out = v;
    *n = m;
    return FK_OK;
}

/* By the hour shipped, then site, then time: a site's tubes of one hour side by side. */
static int cmp_transit_hour(const void *a, const void *b)
{
    const struct fk_engine_transit *x = a, *y = b;
    int c;

    if (x->hour != y->hour)
        return x->hour < y->hour ? -1 : 1;
    c = strcmp(x->site, y->site);
    if (c)
        return c;
    return x->shipped < y->shipped ? -1 : x->shipped > y->shipped;
}

/* Oldest first, then by site. */
static int cmp_transit(const void *a, const void *b)
{
    const struct fk_engine_transit *x = a, *y = b;

    if (x->shipped != y->shipped)
        return x->shipped < y->shipped ? -1 : 1;
    return strcmp(x->site, y->site);
}

int fk_engine_transit(fk_engine *e, const struct fk_round *r, int64_t now, const fk_strmap *skip,
                      struct fk_engine_transit **out, size_t *n, char *err, size_t errlen)
{
    int checked = whole(e, err, errlen);
    int64_t R = round_region(e, r, err, errlen);
    size_t ti, ntubes, m = 0, cap = 0, k, w;
    struct fk_engine_transit *v = NULL, *nv;

    *out = NULL;
    *n = 0;
    if (checked != FK_OK)
        return checked;
    if (R < 0)
        return FK_ENOENT;
    ntubes = ntubes_of(e);
    for (ti = 0; ti < ntubes; ti++) {
        const struct tube *tb = &e->tube[ti];

        if (tb->shipped <= 0 || tb->shipped > now || (tb->received > 0 && tb->received <= now) ||
            (tb->result >= 0 && tb->rtime <= now) || !tube_in_round(e, tb, r, R))
            continue;
        if (skip) {
            const char *code = tube_code(e, (int64_t)ti);

            if (fk_strmap_find(skip, code, strlen(code)) >= 0)
                continue;
        }
        if (m == cap) {
            cap = cap ? 2 * cap : 64;
            nv = realloc(v, cap * sizeof *v);
            if (!nv) {
                free(v);
                snprintf(err, errlen, "pace: %s", fk_strerror(FK_ENOMEM));
                return FK_ENOMEM;
            }
            v = nv;
        }
        v[m].site = site_code(e, tb->site);
        v[m].shipped = tb->shipped;
        v[m].hour = tb->shipped - ((tb->shipped % 3600) + 3600) % 3600;
        v[m++].tubes = 1;
    }
    if (m)
        qsort(v, m, sizeof *v, cmp_transit_hour);
    for (k = 0, w = 0; k < m; k++) { /* one row: a site's tubes shipped in one clock hour */
        if (w && v[w - 1].hour == v[k].hour && strcmp(v[w - 1].site, v[k].site) == 0)
            v[w - 1].tubes++; /* v[w - 1] keeps the oldest: sorted by time within */
        else
            v[w++] = v[k];
    }
    if (w)
        qsort(v, w, sizeof *v, cmp_transit);
    *out = v;
    *n = w;
    return FK_OK;
}

/* The index of tube code, or -1: the built engine's map, or a binary search of a mapped one's
 * codes (tubes are numbered in code order: the samples are read by tube). */
static int64_t tube_index(const fk_engine *e, const char *code)
{
    size_t lo = 0, hi = e->tcodes.n;

    if (e->tubes)
        return fk_strmap_find(e->tubes, code, strlen(code));
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(code_at(&e->tcodes, (int64_t)mid), code);

        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (lo = 0; lo < e->tcodes.n; lo++) /* should the order ever be another: slow, not wrong */
        if (strcmp(code_at(&e->tcodes, (int64_t)lo), code) == 0)
            return (int64_t)lo;
    return -1;
}

int fk_engine_tube_at(fk_engine *e, const struct fk_round *r, const char *tube, int64_t now,
                      const char **site, int *in_round, int *arrived)
{
    char err[256];
    int64_t R, t;
    const struct tube *tb;

    *site = "";
    *in_round = *arrived = 0;
    if (whole(e, err, sizeof err) != FK_OK)
        return FK_ENOENT;
    R = region_index(e, r->region);
    t = tube_index(e, tube);
    if (R < 0 || t < 0)
        return FK_ENOENT;
    tb = &e->tube[t];
    *site = site_code(e, tb->site);
    *in_round = tb->sampled <= now && tube_in_round(e, tb, r, R);
    *arrived = (tb->received > 0 && tb->received <= now) || (tb->result >= 0 && tb->rtime <= now);
    return FK_OK;
}
