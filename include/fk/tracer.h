/* SPDX-License-Identifier: MIT */
/* The tracer (流调 at scale, lib/engine/tracer.c): indexes over households, scans and pings, built
 * once from the store (or from raw arrays), so a case touches only its own venues, cells and
 * household. A run applies the tracing rules of fk/trace.h (close contacts, secondary contacts,
 * time-space companions, each with the one reason that put it on the list) to every case at once.
 *
 * Thread-safety: a tracer is read-only once built; fk_tracer_run may run from several threads.
 * A big run uses threads of its own too (one a core), and returns only when they have ended. */
#ifndef FK_TRACER_H
#define FK_TRACER_H

#include <stddef.h>
#include <stdint.h>

#include "fk/buf.h"
#include "fk/profile.h"
#include "fk/roster.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/trace.h"

typedef struct fk_tracer fk_tracer;

/* The indexes' raw material, for fk_tracer_new. Arrays are taken over: the tracer frees them
 * (with free()) whether or not the call succeeds. Scans and pings are given in person order as
 * CSR: person p's scans are scan_venue/scan_time[scan_start[p] .. scan_start[p + 1]), in any
 * order (fk_tracer_new puts each person's scans in time order). Times are Unix seconds as uint32
 * (valid to 2106). */
struct fk_trace_input {
    size_t npersons;
    int32_t *household; /* npersons entries: household index, or -1 */
    size_t nhouseholds;
    uint64_t *scan_start; /* npersons + 1 */
    int32_t *scan_venue;
    uint32_t *scan_time;
    size_t nvenues;
    uint64_t *ping_start; /* npersons + 1 */
    int32_t *ping_cell;
    uint32_t *ping_time;
    size_t ncells;
    struct fk_case_row *cases; /* person = dense id */
    size_t ncases;
};

/* Builds a tracer from raw arrays (benchmarks; fk_tracer_build uses it). FK_OK, FK_ENOMEM,
 * FK_EINVAL (an index out of range). Caller frees with fk_tracer_free(). */
int fk_tracer_new(struct fk_trace_input *in, const struct fk_profile *p, fk_tracer **out);
/* Builds a tracer from the store st (borrowed: read during the build only; the tracer keeps no
 * connection). */
int fk_tracer_build(fk_store *st, const struct fk_profile *p, fk_tracer **out, char *err,
                    size_t errlen);
/* Progress of a long build: the stage ("persons", "venues", "scans", "pings", "cases", then
 * "indexing") and the rows read in it so far, every 65 536 rows with total 0 (unknown), and once
 * when the stage ends with done = total = its rows ("indexing": once, with 0 and 0). */
typedef void (*fk_build_progress_fn)(void *ud, const char *stage, uint64_t done, uint64_t total);
/* fk_tracer_build, calling progress (when not NULL) as it goes. At 10 M persons with 70 scans
 * each, reading the store takes minutes. */
int fk_tracer_build_progress(fk_store *st, const struct fk_profile *p,
                             fk_build_progress_fn progress, void *progress_ud, fk_tracer **out,
                             char *err, size_t errlen);
void fk_tracer_free(fk_tracer *t);

/* Tracer snapshots (issue 19): a command-line trace is a fresh process, and reading every scan
 * and ping from SQLite costs seconds to minutes, so a tracer built from a store is kept in a file
 * beside the data file, which the next process maps and uses in place (no array is read or
 * copied). It holds the store generation it reflects (taken before the build) and its checksums;
 * deleting it loses nothing. */
/* Writes t (built from a store at store generation `generation`) to path, through a temporary
 * file renamed into place. FK_OK, FK_EIO, FK_EINVAL (t was not built from a store). */
int fk_tracer_save(const fk_tracer *t, int64_t generation, const char *path, char *err,
                   size_t errlen);
/* Maps the snapshot at path when it reflects st's current generation and p's companion slot.
 * FK_OK; FK_ENOENT when it is missing, stale, damaged or of another version (err says which);
 * FK_ENOMEM, FK_EDB. */
int fk_tracer_load(fk_store *st, const struct fk_profile *p, const char *path, fk_tracer **out,
                   char *err, size_t errlen);
/* Maps the snapshot at path whatever the store's generation (fk_tracer_extend's starting point),
 * and says the generation it was built at. FK_OK; FK_ENOENT when missing, damaged, of another
 * version or companion slot; FK_ENOMEM. */
int fk_tracer_map(const char *path, const struct fk_profile *p, fk_tracer **out, int64_t *built_at,
                  char *err, size_t errlen);
/* The tracer for st: mapped from the snapshot at path when current, else built from the store
 * (reporting progress as fk_tracer_build_progress) and saved there (a failure to save is not an
 * error; path NULL: none). *loaded says which happened. */
int fk_tracer_open(fk_store *st, const struct fk_profile *p, const char *path,
                   fk_build_progress_fn progress, void *progress_ud, fk_tracer **out,
                   int *loaded, char *err, size_t errlen);

/* Scans and pings added to a store since a tracer of it was built (issue 19): an import of scans
 * or pings collects the rows it added, and fk_tracer_extend makes the tracer of the store after
 * it from the one before, without reading the store's scans and pings again. */
typedef struct fk_trace_delta fk_trace_delta;
fk_trace_delta *fk_trace_delta_new(void); /* NULL: out of memory */
void fk_trace_delta_free(fk_trace_delta *d);
/* Adds a scan (ping 0: e->person, venue, time) or a ping (1: person, cell, time) the store
 * added; one a build would skip (time outside uint32) is skipped. FK_OK or FK_ENOMEM. */
int fk_trace_delta_add(fk_trace_delta *d, const struct fk_event_row *e, int ping);
size_t fk_trace_delta_size(const fk_trace_delta *d); /* events held */
/* The tracer fk_tracer_build would give for st now, from t (built from st, or mapped from its
 * snapshot) and d (NULL: none), the scans and pings st added since t: its arrays and the cells'
 * numbers as a build's, so its answers and its snapshot are a build's byte for byte. Only scans,
 * pings and cases may have changed since t (the cases are read again from st). FK_OK;
 * FK_EINVAL (t is not from a store, or d names a person or venue t lacks: build instead);
 * FK_ENOMEM; FK_EDB. */
int fk_tracer_extend(const fk_tracer *t, const fk_trace_delta *d, fk_store *st,
                     const struct fk_profile *p, fk_tracer **out, char *err, size_t errlen);

struct fk_tracer_stats {
    size_t persons, scans, pings, venues, cells, cases;
    size_t bytes;         /* memory held by the indexes */
    double build_seconds;
};
void fk_tracer_stats(const fk_tracer *t, struct fk_tracer_stats *out);

struct fk_trace_opts {
    const int32_t *cases; /* dense ids of the cases to trace; NULL: every case */
    size_t ncases;
    int depth;            /* 1: close and companions; 2: also secondary */
    int64_t since;        /* trace only cases confirmed at or after this time; 0: all */
    int64_t until;        /* and at or before this one (as of, --now); 0: all */
};

/* Traces; *out is an array of *n contacts, one per person, cases excluded, ordered by category,
 * exposure, person. Caller frees *out with free(). FK_OK, FK_ENOMEM, FK_ENOENT (a given id is not
 * a case: err names it), FK_EINVAL (depth not 1 or 2), FK_ETOOBIG (about 2^30 persons or more).
 * A run's scratch (about 4 bytes a person, 40 a contact found and 56 a venue, resident; its
 * address space is up to 48 bytes a person) is kept in the tracer for the next run, until
 * fk_tracer_free; runs in other threads meanwhile use their own. */
int fk_tracer_run(const fk_tracer *t, const struct fk_trace_opts *o, struct fk_contact **out,
                  size_t *n, char *err, size_t errlen);
/* The same run, into a buffer the caller keeps across runs: *buf holds room for *cap contacts
 * (NULL and 0 the first time). It is reused when the answer fits, else freed and replaced by a
 * new array of exactly the answer's size, and *buf and *cap say so. On FK_OK the first *n
 * entries are the answer, as fk_tracer_run gives it. On failure *n is 0 and *buf (possibly
 * replaced, possibly NULL) still belongs to the caller, who frees it with free() when done.
 * At full scale the answer is hundreds of MB, and writing into pages already touched by the
 * previous run is several times faster than into fresh ones. fk_tracer_run is this with a fresh
 * buffer. Thread-safety as fk_tracer_run; a buffer must not be shared by concurrent runs. */
int fk_tracer_run_into(const fk_tracer *t, const struct fk_trace_opts *o, struct fk_contact **buf,
                       size_t *cap, size_t *n, char *err, size_t errlen);

/* Internal, for tests and benchmarks: how fk_tracer_run finds venue contacts. 0 (the default):
 * chosen by estimated cost; 1: one offer a scan pair; 2: a per-venue cover of the sources' scans,
 * then one pass over the persons who can still gain. The answers are the same. Not thread-safe
 * against a concurrent fk_tracer_run. */
void fk__tracer_set_plan(fk_tracer *t, int plan);

/* Internal, for tests and benchmarks: how many threads a run uses for plan "pass", plan "offer"
 * (first degree) and the final sort, each over a part of the persons or contacts (at most
 * FK__TRACE_MAX_THREADS). 0 (the default): one a core once the work pays for a thread; 1: the
 * calling thread alone. The answers are the same. Not thread-safe against a concurrent
 * fk_tracer_run. */
#define FK__TRACE_MAX_THREADS 8
void fk__tracer_set_threads(fk_tracer *t, int threads);

/* Writes "household:H", "venue:V" or "cell:C" for c into buf (cap bytes). Needs a tracer built
 * from a store (codes); a tracer from raw arrays writes the indexes. Returns buf. */
const char *fk_tracer_via(const fk_tracer *t, const struct fk_contact *c, char *buf, size_t cap);
/* The name of the venue contact c was met at, when it was met at a venue whose name the store
 * holds; else NULL. Borrowed: valid while t lives. Thread-safe. */
const char *fk_tracer_via_name(const fk_tracer *t, const struct fk_contact *c);

/* Renders with roster r (borrowed: it must stay open until t's last rendering, or until it is
 * detached with NULL): the four functions below then take each person they show from r
 * (fk_roster_person), and read through st only a person r cannot answer (missing, or in a
 * damaged block), so their output is the same byte for byte, without a store query a person. r
 * must reflect the persons of the store those functions are given now (fk_roster_open against
 * it). Used only when t was built from a store and st is not NULL, as st would be. Not
 * thread-safe against a rendering in another thread: attach before t is shared. */
void fk_tracer_use_roster(fk_tracer *t, fk_roster *r);
/* How many persons the four functions below have shown from the roster and from the store since
 * t was made (each distinct person once a call; fk_tracer_explain one a row), for tests and the
 * command line's summary. Thread-safe. */
void fk_tracer_named(const fk_tracer *t, uint64_t *from_roster, uint64_t *from_store);

/* Renders contacts as id_number,name,category,source,via,exposure,phone,grid. The ID numbers,
 * names and phones here and in the three below are read through st, the caller's connection
 * (borrowed; NULL, or a tracer from raw arrays: the dense ids stand in), never the one the tracer
 * was built on, which it does not keep; or from the roster attached (fk_tracer_use_roster). */
int fk_tracer_table(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                    fk_table **out, char *err, size_t errlen);
/* The chain that put the person with this dense id on the list, one row a step from the case:
 * step,role,id_number,name,via,time,detail. FK_ENOENT when the person is not listed. */
int fk_tracer_explain(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                      int32_t person, fk_table **out, char *err, size_t errlen);
/* The transmission graph: one row an edge, from,from_name,from_category,to,to_name,category,via,
 * exposure; cases are nodes with category "case". */
int fk_tracer_edges(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                    fk_table **out, char *err, size_t errlen);

/* The same graph as JSON for the web UI: {"nodes":[{"id","name","category"}…],
 * "edges":[{"from","to","category","via","exposure"[,"via_name"]}…]}, cases with category
 * "case"; via_name is the venue's name for a contact met at a venue with one. */
int fk_tracer_graph_json(const fk_tracer *t, fk_store *st, const struct fk_contact *c, size_t n,
                         fk_buf *out, char *err, size_t errlen);

#endif
