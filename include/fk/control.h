/* SPDX-License-Identifier: MIT */
/* Control (管控) answers: 四个查清 (how many, who, where, under what control), the
 * tests each regime requires and their state, arrivals and the 倒查7天 back-check, and alerts. The
 * answers come from fk_ctl, an in-memory index over the store's control orders, arrivals and
 * occupation-tagged persons, joined to the engine's regions and samples. It only reads: the
 * control actions that write are in fk/action.h.
 *
 * Thread-safety: one thread at a time per fk_ctl; it borrows the store and the engine. */
#ifndef FK_CONTROL_H
#define FK_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/regime.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/trace.h"

typedef struct fk_ctl fk_ctl;

/* Builds the index from st and e (both borrowed: they must outlive it and e must reflect st)
 * with profile p (copied). FK_OK, FK_ENOMEM, FK_EDB with err. Caller frees with fk_ctl_free(). */
int fk_ctl_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_ctl **out, char *err,
                 size_t errlen);
void fk_ctl_free(fk_ctl *c);
/* Reads once what lists read on first use (the persons' ID numbers, names and phones; each
 * followed person's samples), so the first list is as fast as the next: for a server that
 * builds an index on a thread of its own before it answers from it. FK_OK, FK_ENOMEM, FK_EDB. */
int fk_ctl_warm(fk_ctl *c);
/* A new index over prev's engine and profile after a control batch: the orders are read again
 * from st; the arrivals, occupation records, names and sample times are taken from prev when
 * the store's generation is still prev's (only control batches came since), else read as
 * fk_ctl_build reads them. prev is not changed. Returns as fk_ctl_build. */
int fk_ctl_rebuild(const fk_ctl *prev, fk_store *st, fk_ctl **out, char *err, size_t errlen);
/* Takes over from prev what it read once (names, sample times) for the persons both indexes
 * name, when prev was built over the same engine at the same store generation (only control
 * batches came between: no person and no sample changed); else does nothing. The rest is read
 * when first needed, as without it. For a server that rebuilds its index after a control batch:
 * the next list then reads only the persons new to it. FK_OK, FK_ENOMEM, FK_EDB. */
int fk_ctl_adopt(fk_ctl *c, const fk_ctl *prev);
/* 1 when the store has moved on since the build (its generation or control generation), so
 * the index must be rebuilt (with an engine synced first). */
int fk_ctl_stale(const fk_ctl *c);
/* The store's generation and control generation the index was built at. */
void fk_ctl_built_at(const fk_ctl *c, int64_t *generation, int64_t *control_generation);
/* Makes st (borrowed: must outlive the index; a connection to the same data) the one the index
 * reads through from now on (names on first use, risk areas, stale checks) in place of the one
 * it was built on: a server builds an index on its builder's connection and answers from it
 * through the handlers'. Not thread-safe against any other use of c. */
void fk_ctl_set_store(fk_ctl *c, fk_store *st);

enum fk_ctl_status { FK_CTL_STATUS_OPEN = 0, FK_CTL_STATUS_RELEASED };
const char *fk_ctl_status_name(int s);
int fk_ctl_status_parse(fk_slice s, int *out);

/* Which controls an answer covers by their planned end: the local day of the chain's first
 * start plus the regime's duration and the days added (the first day a release may be
 * considered; orders whose regime has no duration have none). TODAY: open on `today` and
 * planned to end on it (release due today); PAST: open on `today` and planned to end before it
 * (past their end, still open: a red flag). */
enum fk_ctl_end { FK_CTL_END_ANY = 0, FK_CTL_END_TODAY, FK_CTL_END_PAST };
const char *fk_ctl_end_name(int e);
int fk_ctl_end_parse(fk_slice s, int *out);

/* Which controls an answer covers: inside region (NULL: all), and each of category, place and
 * status equal to the value, or -1 for any; end (enum fk_ctl_end) narrows by the planned end. */
struct fk_ctl_filter {
    const char *region;
    int category, place, status;
    int end;
};
#define FK_CTL_FILTER_ALL                                                                          \
    {                                                                                              \
        NULL, -1, -1, -1, FK_CTL_END_ANY                                                           \
    }

/* 四个查清 counts as of local day `today` (fk_local_day): one row per region of level `by` inside
 * f->region (or the whole city) and per (category, place, status) present, ordered by region
 * code: region,name,category,place,status,persons. An order that starts after `today` is left
 * out; one released after it counts as open. Every count is the length of fk_ctl_list with the
 * same region, category, place, status and day, but for the residents of risk zones (issue 18)
 * not under an order: they count as risk_area, home, open while their zone's level has a regime
 * (fk_ctl_due lists them, source zone; fk_ctl_list, which lists orders, does not). FK_ENOENT for
 * an unknown region. */
int fk_ctl_summary(fk_ctl *c, const struct fk_ctl_filter *f, enum fk_level by, int64_t today,
                   fk_table **out, char *err, size_t errlen);
/* The same counts as a grid (region × category): one row per region of level `by` inside
 * f->region (or the whole city), in region code order, then a total row (region "", name
 * "total"): region,name,case,close,secondary,companion,arrival,risk_area,other,coldchain,total. f's
 * category is ignored (every category is a column); place, status and end filter. Every cell is
 * the length of fk_ctl_list with that region (the total row: f->region) and category, the total
 * column with any category. FK_ENOENT for an unknown region, FK_ENOMEM. The table is the
 * caller's (fk_table_free). */
int fk_ctl_grid(fk_ctl *c, const struct fk_ctl_filter *f, enum fk_level by, int64_t today,
                fk_table **out, char *err, size_t errlen);
/* The controls as of local day `today` (as fk_ctl_summary counts them), by grid, then ID number,
 * then start:
 * id,id_number,name,phone,grid,category,place,site,start,end,regime,day,next_test,test_state,
 * device,planned_end. day: days since the start on `today` (a local day number, fk_local_day);
 * next_test: the date of the earliest test not yet done; test_state: overdue, due, upcoming or
 * none; planned_end: the date of the planned end (see enum fk_ctl_end), empty when the regime
 * has no duration. */
int fk_ctl_list(fk_ctl *c, const struct fk_ctl_filter *f, int64_t today, fk_table **out, char *err,
                size_t errlen);

/* Who must be tested: the sources of a regime's tests. */
enum {
    FK_DUE_CONTROLS = 1,    /* open control orders, each on its regime */
    FK_DUE_ARRIVALS = 2,    /* arrivals not under an order, on arrival_regime, while it lasts */
    FK_DUE_OCCUPATIONS = 4, /* persons whose tags put them on an occupation regime (1日1检) */
    FK_DUE_BUYERS = 8,      /* pharmacy buyers and fever-clinic visitors of the sentinel rows,
                               not under an order: one test by the profile's deadline */
    FK_DUE_ZONES = 16,      /* residents of risk zones (issue 18) not under an order, on their
                               strictest zone's regime ([zone] <level>_regime) while it lasts */
    FK_DUE_FEVERS = 32,     /* issue 18: a fever at a check-in, one test the same day (beside
                               the person's order) */
    FK_DUE_ALL = 63
};
/* Every required test up to `today` of the sources, inside region (NULL: all), whose state is in
 * `states` (a mask of 1 << enum fk_test_state; 0: done, due and overdue):
 * id_number,name,phone,grid,source,category,regime,day,window_start,window_end,state,sampled,
 * risk_area, ordered by grid, ID number, window. source is control, arrival, occupation,
 * pharmacy, fever_clinic, zone (a risk zone's resident: category risk_area, the zone level's
 * regime) or fever (a check-in's fever: a test due that day; issue 18) (a buyer's or a fever's
 * row has no category or regime; a buyer outside the registry shows only the ID number).
 * risk_area: for an arrival from a risk area while
 * it was one, "from a current risk area: CODE NAME (LEVEL since DATE)"; else empty. */
int fk_ctl_due(fk_ctl *c, const char *region, unsigned sources, unsigned states, int64_t today,
               fk_table **out, char *err, size_t errlen);
/* The arrivals fk_ctl_due follows on `today` (FK_DUE_ARRIVALS: not under an order, inside region)
 * that came from a risk area while it was one: their due rows say "from a current risk area" in
 * column risk_area. Their persons into *out (caller frees with free()), for putting them under
 * control as fk_control_open_many does. FK_OK, FK_ENOENT (unknown region), FK_ENOMEM, FK_EDB. */
int fk_ctl_risk_arrivals(fk_ctl *c, const char *region, int64_t today, int64_t **out, size_t *n,
                         char *err, size_t errlen);
/* The same tests counted per region of level `by`: region,name,persons,done,due,overdue. With
 * states (as fk_ctl_due; 0: all), only tests in them are counted, and persons with one. */
int fk_ctl_due_by(fk_ctl *c, const char *region, enum fk_level by, unsigned sources,
                  unsigned states, int64_t today, fk_table **out, char *err, size_t errlen);

/* Arrivals inside region (NULL: all) that arrived from `from` to `to` (inclusive; 0 for open
 * ends) and, when area is not NULL, whose origin lies in it (area is a code or a name: the
 * origin may give the code or the name of a risk area so named):
 * id_number,name,phone,grid,arrived,origin,transport,control (the open control as
 * "category/place since DATE", or empty), ordered by arrival time. */
int fk_ctl_arrivals(fk_ctl *c, const char *region, const char *area, int64_t from, int64_t to,
                    fk_table **out, char *err, size_t errlen);
/* 倒查7天: the latest risk period of area, by its code or its name (FK_ENOENT when the area has
 * none), and its window:
 * arrivals from backcheck_days before its start up to its start. */
int fk_risk_backcheck_window(fk_store *st, const struct fk_profile *p, const char *area,
                             int64_t *from, int64_t *to, char *err, size_t errlen);
/* Every risk period with its 倒查 window: area,level,start,end,backcheck_from,backcheck_to,name,
 * by area then start. */
int fk_risk_area_list(fk_store *st, const struct fk_profile *p, fk_table **out, char *err,
                      size_t errlen);
/* The persons fk_ctl_arrivals would list, for putting them under control (ids in *out, caller
 * frees with free()). */
int fk_ctl_arrival_persons(fk_ctl *c, const char *region, const char *area, int64_t from,
                           int64_t to, int64_t **out, size_t *n);

/* The actions that write (open, release, transfer, extend; alert sweep and handling) are in
 * fk/action.h. */

/* Alerts (status >= 0: only that status) of persons inside region (NULL: all), newest first:
 * id,kind,id_number,name,grid,time,device,detail,status,who,note,updated,phone,worker,
 * worker_phone: phone is the person's, worker and worker_phone their grid's (regions contract;
 * empty when it names none). */
int fk_alert_list(fk_store *st, fk_engine *e, const char *region, int status, fk_table **out,
                  char *err, size_t errlen);
/* The same as of `now`: alerts about events after now are left out, and one acknowledged or closed
 * after now is open (without who, note and updated). fk_alert_list is this with now = INT64_MAX. */
int fk_alert_list_at(fk_store *st, fk_engine *e, const char *region, int status, int64_t now,
                     fk_table **out, char *err, size_t errlen);
/* 1 when alert a lies inside the region of grid range [glo, ghi) (glo < 0: everywhere), as the
 * lists and the handling of alerts both decide it: a person's alert by the person's grid; a
 * sentinel alert (device "REGION/KIND") when every grid of its region is inside; another alert of
 * no person (a cold-chain batch) only when hq (the region is a city or above). */
int fk_alert_inside(const fk_engine *e, const struct fk_alert_row *a, int32_t glo, int32_t ghi,
                    int hq);
#endif
