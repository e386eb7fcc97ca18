/* SPDX-License-Identifier: MIT */
/* Risk zones over the data (风险区域, issue 18): the zones of the store with their stretches of
 * level, the residents a zone covers (persons whose grid lies in one of its regions, from the
 * engine), `fangkong zone list` and `zone review` (the lowering rule of fk/zone.h applied to the
 * last positive among the residents and the latest full round over the zone), and the grids
 * under lockdown at a moment (for gate checks and the server's own index). Read-only: the
 * writes are the actions of fk/action.h.
 *
 * A zone's stretches of level come from its history (zone_changes, written by the actions), or,
 * for an imported zone with none, from its row: its level from declared to lifted. A zone is
 * active at t when a stretch holds t: start <= t < end (end 0: still on).
 *
 * Thread-safety: one thread at a time per store handle; the engine is only read. */
#ifndef FK_ZONES_H
#define FK_ZONES_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/zone.h"

/* One stretch of a zone at one level: [start, end), end 0 while it lasts. */
struct fk_zone_seg {
    int64_t start, end;
    int level; /* enum fk_zone_level, never FK_ZONE_LIFTED */
};

/* A zone as the store holds it. */
struct fk_zone {
    char name[64];
    int level; /* the row's present level */
    char regions[1001];
    int64_t declared, lifted; /* lifted 0: not lifted */
    char reason[256];
    size_t nregions;
    char codes[FK_ZONE_REGIONS_MAX][FK_ZONE_CODE_MAX];
    int history; /* 1 when its stretches come from zone_changes */
    struct fk_zone_seg *segs;
    size_t nsegs;
};

/* Every zone of the store, by name, with its stretches, into *out (*n of them; caller frees with
 * fk_zones_free). FK_OK, FK_ENOMEM, FK_EDB. */
int fk_zones_load(fk_store *st, struct fk_zone **out, size_t *n);
void fk_zones_free(struct fk_zone *z, size_t n);
/* The stretch of z holding t into *seg: 1, or 0 when z is not active at t. */
int fk_zone_at(const struct fk_zone *z, int64_t t, struct fk_zone_seg *seg);
/* The grid ranges of z's regions known to e, sorted and merged (nested or repeated regions count
 * once), into out (cap ranges [lo, hi)); returns how many. */
size_t fk_zone_ranges(const fk_engine *e, const struct fk_zone *z, int32_t (*out)[2], size_t cap);
/* 1 when a region of z overlaps region scope (lies in it or holds it); always for a NULL scope. */
int fk_zone_touches(const fk_engine *e, const struct fk_zone *z, const char *scope);

/* The strictest level (enum fk_zone_level) of the zones active at now over each grid, -1 for none:
 * (*out)[g] for grid index g (0 .. *ngrids - 1), caller frees with free(). FK_OK, FK_ENOMEM,
 * FK_EDB. */
int fk_zone_grid_levels(fk_store *st, const fk_engine *e, int64_t now, int8_t **out,
                        size_t *ngrids);
/* The strictest level of the zones active at now over grid index g into *level (-1: none).
 * FK_OK, FK_ENOMEM, FK_EDB. */
int fk_zone_grid_level(fk_store *st, const fk_engine *e, int32_t g, int64_t now, int *level);
/* The grids under a lockdown zone active at now, as a bitset over grid indexes (bit g of
 * (*bits)[g / 64]; *ngrids grids), caller frees with free(): for a server that keeps its own
 * per-person index for gate checks. FK_OK, FK_ENOMEM, FK_EDB. */
int fk_zone_lockdown_grids(fk_store *st, const fk_engine *e, int64_t now, uint64_t **bits,
                           size_t *ngrids);

/* `fangkong zone list`: the zones declared by now that touch scope (NULL: all), by name:
 * name,level,regions,declared,since,lifted,residents,reason. level is the one at now ("lifted"
 * once lifted); since: when that level began (the lift's time once lifted); residents: persons
 * whose grid lies in the zone's regions. FK_OK, FK_ENOENT (unknown scope), FK_ENOMEM, FK_EDB,
 * with err. The table is the caller's (fk_table_free). */
int fk_zone_list(fk_store *st, const fk_engine *e, const char *scope, int64_t now, fk_table **out,
                 char *err, size_t errlen);
/* `fangkong zone review`: each zone active at now that touches scope, by name:
 * name,level,since,residents,days_since_positive,last_positive_id,last_positive_time,
 * last_positive_row,latest_round,round_start,round_end,round_complete,round_negative,
 * round_missing,round_positive,round_no_result,may_lower,to,reason,why,need_days.
 * last_positive: the residents' last positive at or before now (a positive tube's result time,
 * or a case's confirmation), the person's ID number, its time and the row ("tube T" or "case");
 * the latest round: the round of the latest end at or before now whose region holds every
 * region of the zone; complete: every resident sampled in its window; negative: no tube of
 * theirs in it positive (known by now) and every one of them with a result (round_missing,
 * round_positive and round_no_result count the residents behind a no); may_lower, to and reason
 * from fk_zone_judge under p; why names its enum fk_zone_why (ok, days, no_round, incomplete,
 * positive, no_result) and need_days the level's *_days, so a client may word the reason. FK_OK,
 * FK_ENOENT, FK_ENOMEM, FK_EDB, with err. */
int fk_zone_review(fk_store *st, fk_engine *e, const struct fk_profile *p, const char *scope,
                   int64_t now, fk_table **out, char *err, size_t errlen);

#endif
