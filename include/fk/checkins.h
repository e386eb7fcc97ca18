/* SPDX-License-Identifier: MIT */
/* The check-in board (健康监测, issue 18): for a local day, per region, how many check-in
 * windows the persons under home or centralized control owed, reported and missed, and who had a
 * fever; the persons window by window; and the missed windows the alert sweep raises. The
 * answers come from fk_checkins, a read-only in-memory index built from the store: the control
 * orders at places that ask for check-ins (fk_checkin_place_counts), sorted by (grid, person,
 * start) so a region's persons are one run, and the check-ins sorted by (person, time). The rules
 * (windows, expected, missed, fever) are fk/checkin.h's.
 *
 * A check-in after the time an answer is asked at (now) is not there yet. A person's window is
 * expected when one of their orders was open at its start
 * (fk_checkin_expected), or when they checked in in it under an order (the day an order starts
 * mid-window); its state is fk_checkin_judge's.
 *
 * Thread-safety: one thread at a time per fk_checkins; it borrows the store (and the engine). */
#ifndef FK_CHECKINS_H
#define FK_CHECKINS_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/region.h"
#include "fk/store.h"
#include "fk/table.h"

typedef struct fk_checkins fk_checkins;

/* Builds the index from st with profile p (copied); e (may be NULL: no region answers, for the
 * alert sweep) gives the persons' grids. st and e are borrowed and must outlive the index. FK_OK,
 * FK_ENOMEM, FK_EDB with err. Caller frees with fk_checkins_free(). */
int fk_checkins_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_checkins **out,
                      char *err, size_t errlen);
void fk_checkins_free(fk_checkins *b);

/* The day's status (local day number `day`, fk_local_day) as of now for every region of level
 * `by` inside `within` (NULL or "": everywhere), in region code order:
 * region,name,persons,expected,reported,missed,pending,fever,completeness. persons: persons
 * with an expected window that day; expected, reported (fever windows included), missed and
 * pending count windows (expected = reported + missed + pending); fever counts persons with a
 * check-in at or above the fever threshold that day; completeness = reported / (reported +
 * missed), four decimals, empty when both are 0. Only regions with persons under control are
 * listed. FK_OK, FK_ENOENT (unknown within), FK_EINVAL (no engine), FK_ENOMEM, FK_EDB. The
 * table is the caller's. */
int fk_checkins_status(fk_checkins *b, enum fk_level by, const char *within, int64_t day,
                       int64_t now, fk_table **out, char *err, size_t errlen);

/* Which windows fk_checkins_list shows: any, or only those of the given states (a mask of
 * 1 << enum fk_checkin_state). */
#define FK_CHECKINS_ALL 0u

/* Every expected window of day `day` as of now of the persons inside within (NULL: everywhere),
 * of the states in `states` (0: all), by grid code, ID number, window:
 * id_number,name,grid,place,window,time,temperature,state. window: "00:00-12:00"; time and
 * temperature: the window's highest check-in (the first of equals), empty without one; state:
 * reported, missed, fever or pending; place: the order's (home or centralized). FK_OK,
 * FK_ENOENT, FK_EINVAL, FK_ENOMEM, FK_EDB. */
int fk_checkins_list(fk_checkins *b, const char *within, int64_t day, int64_t now, unsigned states,
                     fk_table **out, char *err, size_t errlen);

/* How many days back (today included) the missed windows are walked for alerts. */
#define FK_CHECKINS_MISSED_DAYS 7

/* Calls cb for every expected window that has ended by now with no check-in (missed), on the
 * days from the first day any check-in was recorded (check-ins had not begun before it, so
 * nobody missed one), and at most FK_CHECKINS_MISSED_DAYS days back, up to now: person, window
 * start and end. (An order left open for months after its person stopped checking in is a
 * record to correct, not a thousand alerts.) A non-zero return of cb stops the
 * walk and is returned. An index without check-ins has no missed window. */
typedef int (*fk_checkins_missed_cb)(void *ud, int64_t person, int64_t wstart, int64_t wend);
int fk_checkins_each_missed(fk_checkins *b, int64_t now, fk_checkins_missed_cb cb, void *ud);

/* The fever check-ins (at or above the profile's threshold): person and time, by person then
 * time, for the same-day test on the person's regime. */
typedef int (*fk_checkins_fever_cb)(void *ud, int64_t person, int64_t time);
int fk_checkins_each_fever(fk_checkins *b, fk_checkins_fever_cb cb, void *ud);

#endif
