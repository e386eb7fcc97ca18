/* SPDX-License-Identifier: MIT */
/* The cold-chain trace (冷链追溯), read-only: an in-memory index of the cold-chain events
 * (fk/coldevent.h) by batch and by site, and for one batch its chain of sites in time order with
 * arrival and departure, every person who touched it, and the batches that shared a site with it
 * within a window; the page that adds the registry (names, grids, phones, venue names) to it; the
 * list of batches. The engine never writes: putting the persons under control is fk_cold_control
 * (fk/action.h) on this trace.
 *
 * A batch's chain: its events in time order, cut into visits, one per run of consecutive events
 * at the same site (A, B, A is three visits). A visit's arrival is its first event; its departure
 * the next visit's arrival (the goods were there until they turned up elsewhere: the
 * conservative reading a tracer wants), or, for the last visit, its last event. Two batches
 * shared a site when a visit of one overlaps a visit of the other at that site widened by the
 * window on both sides (bounds inclusive); the overlap reported is the other batch's visit cut to
 * the widened one. */
#ifndef FK_COLDCHAIN_H
#define FK_COLDCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/store.h"
#include "fk/table.h"

typedef struct fk_cold_index fk_cold_index;

/* One event as the index takes it; strings are copied. id_number "" or NULL: no person. */
struct fk_cold_row {
    const char *batch, *site, *product, *origin, *id_number;
    int event;  /* enum fk_cold_event */
    int result; /* enum fk_cold_result */
    int64_t time;
};

/* A new empty index. Caller frees with fk_cold_index_free(). FK_OK or FK_ENOMEM. */
int fk_cold_index_new(fk_cold_index **out);
void fk_cold_index_free(fk_cold_index *ix);
/* Adds an event (any order) before fk_cold_index_build. FK_OK, FK_ENOMEM, FK_EINVAL (built). */
int fk_cold_index_add(fk_cold_index *ix, const struct fk_cold_row *r);
/* Sorts the events by batch and time and builds the visits and the per-site index: after it the
 * index is read-only and any number of threads may query it. FK_OK or FK_ENOMEM. */
int fk_cold_index_build(fk_cold_index *ix);
/* An index of every cold-chain event of the store, built. Caller frees. FK_OK, FK_ENOMEM, FK_EDB
 * (the store's message in fk_store_errmsg). */
int fk_cold_index_load(fk_store *st, fk_cold_index **out);
size_t fk_cold_index_nevents(const fk_cold_index *ix);

/* The trace of one batch. Strings are borrowed from the index (valid while it lives). */
struct fk_cold_visit {
    const char *site;
    int64_t arrival, departure;
    int events;
};
struct fk_cold_touch {
    const char *id_number, *site;
    int event; /* enum fk_cold_event */
    int64_t time;
};
struct fk_cold_shared {
    const char *batch, *site;
    int64_t from, to; /* the overlap */
};
struct fk_cold_trace {
    const char *batch, *product, *origin; /* product, origin: the first given, "" none */
    int positive;                         /* a positive result event */
    int64_t positive_time;                /* the first positive result, 0 none */
    const char *positive_site;            /* its site ("" none) */
    int64_t first, last;                  /* the batch's first and last event */
    struct fk_cold_visit *visits;
    size_t nvisits;
    struct fk_cold_touch *touches; /* by time */
    size_t ntouches;
    struct fk_cold_shared *shared; /* by visit, then batch */
    size_t nshared;
};
/* The trace of batch as of now (events after now are left out; INT64_MAX: everything), the
 * shared batches within window seconds. Caller frees with fk_cold_trace_free(). FK_OK, FK_ENOENT
 * (no event of batch by now), FK_ENOMEM. Thread-safe on a built index. */
int fk_cold_trace_get(const fk_cold_index *ix, const char *batch, int64_t window, int64_t now,
                      struct fk_cold_trace **out);
void fk_cold_trace_free(struct fk_cold_trace *t);

/* The batches as of now, positive ones first, then by last event, latest first:
 * batch,product,origin,first,last,last_event,last_site,sites,events,positive (positive 1/0,
 * sites the distinct sites). Caller frees the table. FK_OK or FK_ENOMEM. */
int fk_cold_batches(const fk_cold_index *ix, int64_t now, fk_table **out);

/* A batch's page: its trace with the registry added, as tables (caller frees with
 * fk_cold_page_fini):
 * - batch: batch,product,origin,first,last,positive,positive_time,positive_site,sites,persons,
 *   shared,hidden (one row; hidden counts persons outside the scope, left out of persons);
 * - sites: seq,site,name,grid,arrival,departure,events (name and grid of the venue whose code
 *   the site is, else empty);
 * - persons: id_number,name,grid,phone,event,time,site (one row a touch; name, grid and phone
 *   when the ID number is registered). With a scope, only persons registered inside it (and,
 *   for a scope of a city or above, the unregistered ones too);
 * - shared: batch,site,from,to,positive.
 * scope NULL or "": everything. FK_OK, FK_ENOENT (no such batch, err says so), FK_ENOMEM, FK_EDB.
 */
struct fk_cold_page {
    fk_table *batch, *sites, *persons, *shared;
    struct fk_cold_trace *trace; /* the trace it was made from */
    size_t hidden;
};
int fk_cold_page_get(fk_store *st, fk_engine *e, const fk_cold_index *ix, const char *scope,
                     const char *batch, int64_t window, int64_t now, struct fk_cold_page *out,
                     char *err, size_t errlen);
void fk_cold_page_fini(struct fk_cold_page *p);
/* The page as CSV blocks ("# batch", "# sites", …, as fangkong person) or one JSON object
 * {"batch":{…},"sites":[…],"persons":[…],"shared":[…]}. FK_OK, FK_ENOMEM, FK_ETOOBIG. */
int fk_cold_page_render(const struct fk_cold_page *p, enum fk_format f, fk_buf *b);

#endif
