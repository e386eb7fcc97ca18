/* SPDX-License-Identifier: MIT */
/* Response timers (响应时限, issue 17), the read side (lib/engine/response.c): for each case, its
 * four deadlines from its start (fk/incident.h) judged at a time `now`: onsite and activated from
 * the incident_events rows, lock24 from the case's close contacts (the tracer's depth-1 run of
 * that one case) and the control orders they are under, screen72 from the rounds over the case's
 * county. Read-only; region names and grids from the engine. */
#ifndef FK_RESPONSE_H
#define FK_RESPONSE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/tracer.h"

/* The timers of every case whose grid lies in region (NULL: everywhere) and whose start is at or
 * before now, one row per case and deadline, by start then case:
 * case,region,region_name,start,deadline,limit_min,due,state,at,margin_min
 * (region: the case's county; deadline onsite|activated|lock24|screen72; due = start + limit;
 * state met|open|missed; at when met, also late, empty while not; margin_min whole minutes, to
 * spare (met) or left (open), negative when missed). With open_only, only the cases with a
 * deadline not met. What happened after now (events, orders, rounds) is not known yet.
 *
 * lock24: the case's close contacts (tr, borrowed: a tracer built from st; a case it does not
 * know has no contacts) each locked at the start of its earliest control order begun by now and
 * not ended before the case's start; met when lock_pct % of them are, at the time the last needed
 * one was (the case's start at the earliest); a case without close contacts meets it at its
 * start. screen72: the earliest round begun at or after the start, by now, over a region that
 * holds the case's county. FK_OK, FK_ENOENT (region unknown), FK_ENOMEM, FK_EDB. Caller frees
 * *out with fk_table_free. Not thread-safe with writes on the same store connection. */
int fk_response_list(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                     const struct fk_profile *p, const char *region, int64_t now, int open_only,
                     fk_table **out, char *err, size_t errlen);

/* The four rows of fk_response_list for the one case person (its dense id), whatever its region.
 * FK_OK, FK_ENOENT (not a case, or not one yet at now), FK_ENOMEM, FK_EDB. Caller frees *out. */
int fk_response_case(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                     const struct fk_profile *p, int64_t person, int64_t now, fk_table **out,
                     char *err, size_t errlen);

/* The close contacts behind one case's lock24 (person: the case's dense id), as of now:
 * case,id_number,name,grid,locked_at,hours,ok (hours from the case's start to the lock, one
 * decimal, 0 when locked before it; ok 1 when locked by the deadline). FK_OK, FK_ENOENT (not a
 * case), FK_ENOMEM, FK_EDB. Caller frees *out. */
int fk_response_contacts(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                         const struct fk_profile *p, int64_t person, int64_t now, fk_table **out,
                         char *err, size_t errlen);

/* The computed indicator lock24 of the assessment (fangkong score): for the subtree of region
 * `region` (any level) and the cases confirmed in [from, to) (unix seconds), *num the close
 * contacts (one a case and contact) locked within the profile's lock_hours of their case's start
 * and *den all of them: actual = 100 * num / den (percent). *den == 0 means "no data". When rows
 * is not NULL it receives the rows behind the number: case,id_number,name,grid,locked_at,hours,ok
 * (ok 1 when it counted). Builds a tracer from st for the call (reading the store: minutes at
 * 10 M residents; fk_lock24_indicator_tr takes one already built). FK_OK, FK_ENOENT (region
 * unknown), FK_ENOMEM, FK_EDB; read-only. Caller frees *rows. */
int fk_lock24_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                        const char *region, int64_t from, int64_t to, int64_t *num, int64_t *den,
                        fk_table **rows, char *err, size_t errlen);
/* The same with the tracer tr (borrowed). */
int fk_lock24_indicator_tr(fk_store *st, const fk_engine *eng, const fk_tracer *tr,
                           const struct fk_profile *p, const char *region, int64_t from, int64_t to,
                           int64_t *num, int64_t *den, fk_table **rows, char *err, size_t errlen);

#endif
