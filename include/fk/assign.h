/* SPDX-License-Identifier: MIT */
/* 包保 answers (issue 17), read only: the gaps (persons under an open home control lacking one of
 * the profile's 五包一 roles; counties, townships, communities and grids without a leader), the
 * load of each cadre, and one cadre's own list. The assignments, controls and persons are read
 * from the store (the tables are small: one row per cadre and region or person), the regions
 * and each person's grid from the engine. Each answer is cut to a region (`within`; NULL: the
 * whole tree), which callers set to the reader's scope.
 *
 * "Under an open home control at now": a control order of place home whose start is at or
 * before now and whose end is empty or after now.
 *
 * Thread-safety: one thread at a time per store connection; the engine is only read. */
#ifndef FK_ASSIGN_H
#define FK_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"

/* The gaps inside within at now. *persons: id_number,name,grid,grid_name,control_start,missing,
 * one row per person under an open home control (its earliest open one's start) lacking at
 * least one of p's [assign] roles, the missing codes ';'-joined in profile order; by grid, then
 * ID number. *regions: region,name,level, the regions of level county, township, community and
 * grid inside within with no leader, by level (county first), then code. FK_OK, FK_ENOENT
 * (within is not a region the engine knows), FK_ENOMEM, FK_EDB, with err. Caller frees both
 * with fk_table_free (both NULL on failure). */
int fk_assign_gaps(fk_store *st, const fk_engine *e, const struct fk_profile *p, const char *within,
                   int64_t now, fk_table **persons, fk_table **regions, char *err, size_t errlen);
/* The load of each cadre (a name and phone) with an assignment inside within:
 * cadre,phone,roles,persons,regions — the roles held (leader, then p's roles in profile order,
 * ';'-joined), the persons looked after who are under an open home control at now (an
 * assignment to a person released since counts no more) and the regions led; by persons, then
 * regions, most first, then phone and name. Returns as fk_assign_gaps. */
int fk_assign_load(fk_store *st, const fk_engine *e, const struct fk_profile *p, const char *within,
                   int64_t now, fk_table **out, char *err, size_t errlen);
/* One cadre's own list inside within: the assignments whose phone or cadre name is who (trimmed,
 * exact). *regions: cadre,phone,region,name,level of the regions led, by code. *persons:
 * cadre,phone,role,id_number,name,grid,grid_name,control,since — control the person's state at
 * now: the place of an open order (home, centralized, hospital, monitoring) and since its start,
 * or "released" and since the last order's end, or "none"; by role (profile order), then ID
 * number. FK_OK, FK_ENOENT (no assignment of who inside within: err says so), FK_EINVAL (who
 * empty), FK_ENOMEM, FK_EDB. Caller frees both. */
int fk_assign_cadre(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                    const char *within, const char *who, int64_t now, fk_table **regions,
                    fk_table **persons, char *err, size_t errlen);

#endif
