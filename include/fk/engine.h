/* SPDX-License-Identifier: MIT */
/* The engine: in-memory indexes over the store for the hot questions of a screening round
 * (coverage, missing, retest, turnaround). Built from the store at start; fk_engine_sync() brings
 * it up to date after imports. Answers come back as fk_table, ready to render.
 *
 * Thread-safety: one thread at a time per engine. */
#ifndef FK_ENGINE_H
#define FK_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/region.h"
#include "fk/screening.h"
#include "fk/store.h"
#include "fk/strmap.h"
#include "fk/table.h"

typedef struct fk_engine fk_engine;

struct fk_engine_stats {
    size_t regions, grids, persons, samples, tubes, results;
    size_t bytes;        /* memory held by the indexes */
    double build_seconds; /* wall time of the last build */
    int64_t generation;  /* store generation the engine reflects */
};

/* Builds the engine from st (borrowed: must outlive the engine, which fk_engine_sync rebuilds
 * through it; answers read through the connection their caller passes) with profile p (copied). On
 * failure *out is NULL and err says why. FK_OK, FK_ENOMEM, FK_EDB. Caller frees with
 * fk_engine_free(). */
int fk_engine_build(fk_store *st, const struct fk_profile *p, fk_engine **out, char *err,
                    size_t errlen);
void fk_engine_free(fk_engine *e);
/* Rebuilds when the store's generation moved since the build. FK_OK or as fk_engine_build; on
 * failure the engine keeps answering from its previous state. */
int fk_engine_sync(fk_engine *e, char *err, size_t errlen);
void fk_engine_stats(const fk_engine *e, struct fk_engine_stats *out);

/* Engine snapshots: a CLI verb is a fresh process, and rebuilding the engine from SQLite costs
 * seconds for a city of millions, so the indexes are kept in a file beside the data file:
 * versioned, native little-endian, with xxHash checksums per 1 MiB block and the store
 * generation they reflect. The snapshot is a cache: deleting it loses nothing.
 * A mapped engine checks its large arrays as they are read: coverage, below-target and missing
 * check the parts they read, the other functions the whole file at their first call. A damaged
 * block makes the engine build itself again from the store, in place, before it answers. The
 * functions that take a const engine (person_grid, grid_residents, each_region, ...) do not
 * check: call fk_engine_verify first (a server, before it shares the engine between threads). */
/* Checks every block of a mapped engine now (a built one: nothing to do), rebuilding it from the
 * store when one is damaged. FK_OK, or the build's error. Not thread-safe: call it before the
 * engine is shared. */
int fk_engine_verify(fk_engine *e, char *err, size_t errlen);
/* Writes e to path (through a temporary file renamed into place). FK_OK or FK_EIO. */
int fk_engine_save(const fk_engine *e, const char *path, char *err, size_t errlen);
/* Maps the snapshot at path when it reflects st's current generation: the person and sample
 * columns and the tubes are used in place, the small region, site and lab maps built again. FK_OK; FK_ENOENT when it
 * is missing, stale, damaged or of another version (err says which); FK_ENOMEM. */
int fk_engine_load(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                   char *err, size_t errlen);
/* The engine for st: from the snapshot at path when current, else built from the store and
 * saved there (a failure to save is not an error; path NULL: none). *loaded says which
 * happened. */
int fk_engine_open(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                   int *loaded, char *err, size_t errlen);

/* Samples added to a store since an engine of it was built (issue 19): an import of samples
 * collects the rows it added, and fk_engine_extend makes the engine of the store after it from
 * the one before, without reading the persons and samples again. */
typedef struct fk_engine_delta fk_engine_delta;
fk_engine_delta *fk_engine_delta_new(void); /* NULL: out of memory */
void fk_engine_delta_free(fk_engine_delta *d);
/* A samples row the store took: added (FK_PUT_NEW) it is kept; changed in place (FK_PUT_UPDATED,
 * a shipped time) it marks the delta as one to build from instead; anything else is nothing.
 * FK_OK or FK_ENOMEM. */
int fk_engine_delta_add(fk_engine_delta *d, const struct fk_sample_row *s, enum fk_put did);
size_t fk_engine_delta_size(const fk_engine_delta *d); /* samples held */
/* The engine fk_engine_build would give for st now, from e (built from st, or mapped from its
 * snapshot) and d (NULL: none), the samples st added since e: its columns, tubes and numbering
 * as a build's, so its answers and its snapshot are a build's byte for byte. Only samples and
 * results may have changed since e (the results are read again from st). FK_OK; FK_EINVAL (a
 * sample changed in place, or of a person e lacks: build instead; err says which); FK_ENOMEM;
 * FK_EDB. */
int fk_engine_extend(const fk_engine *e, const fk_engine_delta *d, fk_store *st, fk_engine **out,
                     char *err, size_t errlen);
/* Maps the snapshot at path whatever the store's generation (fk_engine_extend's starting point),
 * and says the generation it was built at. FK_OK; FK_ENOENT when missing, damaged or of another
 * version; FK_ENOMEM. */
int fk_engine_map(fk_store *st, const struct fk_profile *p, const char *path, fk_engine **out,
                  int64_t *built_at, char *err, size_t errlen);

/* Region look-ups: level of code, or FK_LEVEL_NONE when unknown; 1 when inner lies inside (or
 * is) outer. */
enum fk_level fk_engine_region_level(const fk_engine *e, const char *code);
int fk_engine_region_inside(const fk_engine *e, const char *inner, const char *outer);

/* Coverage of round r: one row per region of level `by` inside the round's region, ordered by
 * code: region,name,residents,sampled,coverage (4 decimals; empty with no residents). */
int fk_engine_coverage(fk_engine *e, const struct fk_round *r, enum fk_level by, fk_table **out,
                       char *err, size_t errlen);
/* The regions of level `by` inside the round's region whose coverage is below pct %, lowest
 * first (then by code), with the names of the county and township they lie in, so a list can be
 * acted on without a code book: county,county_name,township,township_name,region,name,residents,
 * sampled,missing,coverage (4 decimals). A region with no residents is never below. FK_OK,
 * FK_ENOENT (the round's region is unknown), FK_ENOMEM. Caller frees *out. */
int fk_engine_below(fk_engine *e, const struct fk_round *r, enum fk_level by, int pct,
                    fk_table **out, char *err, size_t errlen);
/* Residents of region (inside the round's region) with no sample in the round:
 * id_number,name,phone,grid,household,address, ordered by grid, household then id_number, so a
 * door-to-door visit covers a household at once. The ID numbers, names and phones are
 * read through st, the caller's connection (borrowed), never one the engine was built on: an
 * answer shares no connection with a build, and shows the names as they are now. */
int fk_engine_missing(fk_engine *e, fk_store *st, const struct fk_round *r, const char *region,
                      fk_table **out, char *err, size_t errlen);
/* Every member of every pooled tube (profile pool_min members or more) of the round whose result
 * is positive: tube,id_number,name,phone,grid; names through st as fk_engine_missing. Then who
 * has been re-tested alone since: retest_state,retest_tube,retest_sampled,retest_result, from the
 * member's latest sample after the pooled one in a tube of their own (one member): state
 * "retested" (result negative, positive or invalid), "waiting" (no result yet) or "not_sampled"
 * (the other three empty). */
int fk_engine_retest(fk_engine *e, fk_store *st, const struct fk_round *r, fk_table **out,
                     char *err, size_t errlen);
/* The same as of `now`: a positive result recorded after now is not known yet (cut the round
 * with fk_round_cut for the samples). fk_engine_retest is this with now = INT64_MAX. */
int fk_engine_retest_at(fk_engine *e, fk_store *st, const struct fk_round *r, int64_t now,
                        fk_table **out, char *err, size_t errlen);

/* The children of region code (or the roots when code is NULL), ordered by code:
 * region,name,level,residents. FK_ENOENT for an unknown code. */
int fk_engine_children(fk_engine *e, const char *code, fk_table **out, char *err, size_t errlen);
/* Samples per hour of the round from residents of its region: hour,samples (the hour's start),
 * every hour of the window listed. */
int fk_engine_hourly(fk_engine *e, const struct fk_round *r, fk_table **out, char *err,
                     size_t errlen);

enum fk_tat_by { FK_TAT_SITE = 0, FK_TAT_LAB };
/* The 采送检报 chain of the round's tubes, grouped by sampling site or lab:
 * site|lab,tubes,received,resulted,pending,overdue,late,median_hours,p90_hours,shipped — shipped
 * (送检): tubes with a shipped time by `now`, or received or resulted; empty (not recorded, not 0)
 * when no tube of the group has a shipped time at all; pending: no
 * result yet; overdue: pending longer than tat_limit_hours at `now`; late: resulted after more
 * than tat_limit_hours; the hours are sampling to result over resulted tubes. Rows run worst
 * first (most overdue, then most pending, then most late, then by name), the total last. All as
 * of `now`:
 * tubes sampled later are left out, results and receipts recorded later are not known yet. */
int fk_engine_tat(fk_engine *e, const struct fk_round *r, enum fk_tat_by by, int64_t now,
                  fk_table **out, char *err, size_t errlen);
/* The hours from sampling to result per region of level `by` inside the round's region, in one
 * pass over the tubes: region,resulted,p90_hours for each region with a resulted tube, by region
 * code. A region's tubes are those fk_engine_tat counts for the round narrowed to it (a member of
 * the region sampled in the round's window; a pooled tube with members in two regions counts in
 * both), as of now likewise, and its p90_hours is the p90_hours of that answer's total row: the
 * same number for every region at once. FK_ENOENT (the round's region is unknown), FK_ENOMEM. */
int fk_engine_tat_by(fk_engine *e, const struct fk_round *r, enum fk_level by, int64_t now,
                     fk_table **out, char *err, size_t errlen);
/* The overdue tubes themselves (as of `now`, likewise): tube,site,sampled,members,hours_waiting,
 * oldest first. */
int fk_engine_tat_overdue(fk_engine *e, const struct fk_round *r, int64_t now, fk_table **out,
                          char *err, size_t errlen);

/* The pace of a round (issue 21, fk/pace.h), per grid and hour of the round as of `now`: hour k
 * is [start + 3600 k, start + 3600 (k + 1)), nh hours cover the window. Counts are of the
 * round's region's grids [glo, ghi), at [(g - glo) * nh + k]: sampled, the residents of grid g
 * whose first sample in the window (by now) fell in hour k (so the sum over hours is coverage's
 * sampled as of now); tubes, the tubes whose first member sample in the window (by now) fell in
 * hour k, counted in the grid of that member. before[g - glo]: residents of g sampled by now -
 * 2 h (the forecast's pace). The arrays are the caller's: fk_engine_pace_fini. */
struct fk_engine_pace {
    int64_t start;
    int nh;
    int32_t glo, ghi;
    uint32_t *sampled, *tubes, *before;
};
/* FK_OK; FK_ENOENT (the round's region is unknown); FK_EINVAL (a window over 31 days); FK_ENOMEM;
 * err says why. */
int fk_engine_pace(fk_engine *e, const struct fk_round *r, int64_t now, struct fk_engine_pace *out,
                   char *err, size_t errlen);
void fk_engine_pace_fini(struct fk_engine_pace *p);
/* The round's tubes at each lab as of now: received (a receipt or a result by now) and resulted
 * (a result by now), by lab code (borrowed from the engine, valid until its rebuild); a tube
 * counts at the lab its result names, so one received with no result recorded at all is not at
 * any lab yet. *out (n rows, by code) is the caller's: free(). FK_OK, FK_ENOENT, FK_ENOMEM. */
struct fk_engine_lab_load {
    const char *lab;
    int64_t received, resulted;
};
int fk_engine_lab_load(fk_engine *e, const struct fk_round *r, int64_t now,
                       struct fk_engine_lab_load **out, size_t *n, char *err, size_t errlen);
/* The round's tubes shipped by now and not received by now (no receipt, no result by then), as
 * shipments: the tubes of one site shipped in one clock hour (hour: its start), shipped the
 * oldest one's time; oldest first (then by site). A tube whose code is in skip (may be NULL: the
 * tubes in boxes) is left out. *out is the caller's: free(). FK_OK, FK_ENOENT, FK_ENOMEM. */
struct fk_engine_transit {
    const char *site; /* borrowed, as above */
    int64_t hour, shipped, tubes;
};
int fk_engine_transit(fk_engine *e, const struct fk_round *r, int64_t now, const fk_strmap *skip,
                      struct fk_engine_transit **out, size_t *n, char *err, size_t errlen);
/* Tube code of round r as of now (the transport's boxes): FK_OK with its site (borrowed, as
 * above), *in_round (a member sampled in the window who lives in the round's region; 0 also when
 * it was sampled after now) and *arrived (a receipt or a result by now); FK_ENOENT when the engine
 * has no such tube or the round's region is unknown. */
int fk_engine_tube_at(fk_engine *e, const struct fk_round *r, const char *tube, int64_t now,
                      const char **site, int *in_round, int *arrived);

/* ---- for the other in-memory modules (control) ---- */

/* The grid index (0 .. grids - 1, in the depth-first order that makes every region a range) of
 * person pid's grid; -1 when the person is unknown. */
int32_t fk_engine_person_grid(const fk_engine *e, int64_t pid);
/* The code of grid index g (borrowed, valid for the engine's life or its next rebuild). */
const char *fk_engine_grid_code(const fk_engine *e, int32_t g);
/* The region called code: its grid index range [*glo, *ghi), level and name (borrowed).
 * FK_OK or FK_ENOENT. */
int fk_engine_region_info(const fk_engine *e, const char *code, int32_t *glo, int32_t *ghi,
                          enum fk_level *level, const char **name);
/* Calls cb for every region of `level` inside region `within` (NULL: everywhere), in code order,
 * with its code, name and grid range; a non-zero return stops the walk and is returned. */
typedef int (*fk_engine_region_cb)(void *ud, const char *code, const char *name, int32_t glo,
                                   int32_t ghi);
int fk_engine_each_region(const fk_engine *e, const char *within, enum fk_level level,
                          fk_engine_region_cb cb, void *ud);
/* The residents of grids [glo, ghi) (grid indexes, as fk_engine_region_info gives them): their
 * dense person ids, grid by grid, at *pids (borrowed: valid until the engine's next rebuild);
 * returns how many. An empty or bad range gives 0. */
size_t fk_engine_grid_residents(const fk_engine *e, int32_t glo, int32_t ghi,
                                const int32_t **pids);
/* One sample of a person, with its tube's result. */
struct fk_person_sample {
    int64_t time;
    int result;    /* enum fk_result, or -1 with no result yet */
    int64_t rtime; /* the result's time, 0 without one */
};
/* Builds the per-person index over the samples (one counting sort) unless built: FK_OK or
 * FK_ENOMEM. Call it before fk_engine_person_samples to tell "no samples" from "no memory". */
int fk_engine_person_index(fk_engine *e);
/* Person pid's samples, oldest first: writes at most cap into out and returns how many there
 * are (0 also when the index could not be built). */
size_t fk_engine_person_samples(fk_engine *e, int64_t pid, struct fk_person_sample *out,
                                size_t cap);
/* One sample of a person with its tube (fk_engine_each_person_tube). Strings are borrowed from
 * the engine (valid until its next rebuild); members are the dense person ids of everyone sampled
 * into the tube, the person too. */
struct fk_person_tube {
    const char *tube, *site, *lab; /* lab "" with no result */
    int64_t time;                  /* this person's sample */
    int result;                    /* enum fk_result, or -1 with no result yet */
    int64_t rtime, received;       /* 0 when unknown */
    const int32_t *members;
    size_t nmembers;
};
/* Calls cb for each sample of person pid, oldest first (the per-person index is built first, as
 * fk_engine_person_index); a non-zero return stops the walk and is returned. FK_OK, FK_ENOMEM. */
int fk_engine_each_person_tube(fk_engine *e, int64_t pid,
                               int (*cb)(void *ud, const struct fk_person_tube *t), void *ud);

/* Tests only: where the section called name ("reg", "s_pid", "o_time": the names in
 * engine.c) lies in the engine snapshot at path. FK_OK or FK_ENOENT. */
int fk__engine_snap_section(const char *path, const char *name, uint64_t *off, uint64_t *len);

#endif
