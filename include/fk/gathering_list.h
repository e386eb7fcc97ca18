/* SPDX-License-Identifier: MIT */
/* Gatherings (会议活动管理, issue 21) read from the store: each gathering with the risk level of
 * its place on its day and the decision the profile's [gathering] rule makes of it
 * (fk/gathering.h), and the count per region. Read-only (the sign-off is fk_gathering_signoff,
 * fk/action.h); regions' names and nesting come from the engine, the zones from the store
 * (fk/zones.h).
 *
 * The place's level on day D: the strictest level a risk zone holds, at any moment of D (local,
 * Asia/Shanghai), over a region that overlaps the place (lies in it, or holds it); "none" when no
 * zone does. A zone declared on D counts for D, and so does one lifted on D. As of now: a zone's
 * stretch that begins after now is not known yet, and one that ends after now is still on (a
 * zone on now is on for every later day, until it is lifted); a sign-off after now is not known
 * yet. Each function may run on any thread with its own store handle; the engine is only read. */
#ifndef FK_GATHERING_LIST_H
#define FK_GATHERING_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/gathering.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/zones.h"

/* One gathering as the store holds it; the strings are its own (fk_gathering_rows_free). */
struct fk_gathering_row {
    char *code, *organiser, *region, *date, *contact, *note, *signed_by, *signoff_note;
    int64_t expected, signed_at; /* signed_at 0: no sign-off */
    int kind, online, signoff;
    int32_t day; /* the local day of date (days since 1970-01-01) */
};

/* The gatherings, all (code NULL) or the one called code, by code, into *out (n rows; caller
 * frees with fk_gathering_rows_free). FK_OK (n may be 0), FK_ENOMEM, FK_EDB. */
int fk_gathering_load(fk_store *st, const char *code, struct fk_gathering_row **out, size_t *n);
void fk_gathering_rows_free(struct fk_gathering_row *rows, size_t n);

/* The level of place `region` on local day `day` as of now, as the header says, from zones z (n
 * of them, fk_zones_load): *level 0..2 (enum fk_zone_level) or FK_GATHERING_NORMAL, *zone the
 * name of the zone that holds it (borrowed from z; "" for none). An unknown region is in no
 * zone. */
void fk_gathering_place_level(const fk_engine *e, const struct fk_zone *z, size_t n,
                              const char *region, int32_t day, int64_t now, int *level,
                              const char **zone);

/* What fk_gathering_list keeps: date NULL any day, else the gatherings of that day (YYYY-MM-DD);
 * region NULL anywhere, else the region and everything inside it; decision -1 any, else those
 * whose decision (after a sign-off) is that one; code NULL any, else that gathering only. */
struct fk_gathering_query {
    const char *date;
    const char *region;
    int decision;
    const char *code;
};

/* The gatherings q keeps, by date then code: code,date,region,region_name,organiser,kind,
 * expected,online,level,zone,decision,rule,reason,cap,max,signoff,signed_by,signed_at,contact,
 * note. level and zone: the place's on the date (fk_gathering_place_level); rule and reason:
 * fk_gathering_judge's under p (cap "" for a level that refuses all, max "" for no ceiling);
 * decision: fk_gathering_decided (a sign-off approves or refuses one the rule sends for
 * sign-off); signoff, signed_by, signed_at: the sign-off known by now. FK_OK, FK_EINVAL (a bad
 * date), FK_ENOENT (q->region unknown), FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_gathering_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                      const struct fk_gathering_query *q, int64_t now, fk_table **out, char *err,
                      size_t errlen);

/* Per region of level `by` inside `within` (NULL: everywhere), in code order, the gatherings of
 * date (NULL: every day) in it: region,name,gatherings,expected,approve,signoff,refuse (expected
 * sums their persons; the last three count the decisions as fk_gathering_list makes them); a
 * gathering of a region above `by` counts on a row of its own region, after the others (in code
 * order). FK_OK, FK_EINVAL, FK_ENOENT, FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_gathering_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                        const char *within, enum fk_level by, const char *date, int64_t now,
                        fk_table **out, char *err, size_t errlen);

#endif
