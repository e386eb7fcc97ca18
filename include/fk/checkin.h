/* SPDX-License-Identifier: MIT */
/* Daily health check-ins (健康监测, issue 18): the rules that judge a person's day. A person under
 * home or centralized control reports a temperature (and symptoms) once in each of the profile's
 * [checkin] per_day windows of the local day (2: 00:00-12:00 and 12:00-24:00, Asia/Shanghai);
 * a window with no report once it has ended is missed, a temperature at or above [checkin]
 * fever is a fever. Which windows a person owes is in fk_checkin_expected. Pure: no I/O, no
 * clock; every function is thread-safe. The board over the store is fk/checkins.h. */
#ifndef FK_CHECKIN_H
#define FK_CHECKIN_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

#define FK_CHECKIN_TEMP_MIN 340 /* 34.0 °C in tenths: below it a reading is a mistake */
#define FK_CHECKIN_TEMP_MAX 430 /* 43.0 °C */
#define FK_CHECKIN_TEMP_TEXT 8  /* "43.0" and its NUL, with room */

/* What a window of a person's day shows. */
enum fk_checkin_state {
    FK_CHECKIN_REPORTED = 0, /* a check-in in it, none at or above the fever threshold */
    FK_CHECKIN_MISSED,       /* none in it, and it has ended */
    FK_CHECKIN_FEVER,        /* a check-in in it at or above the fever threshold */
    FK_CHECKIN_PENDING,      /* none in it yet, and it has not ended */
    FK_CHECKIN_NSTATES
};
/* "reported", "missed", "fever", "pending"; "" out of range. Static storage. */
const char *fk_checkin_state_name(enum fk_checkin_state s);

/* Parses a temperature in °C with at most one decimal ("36.5", "37", "37.0"; trailing zeros
 * past it are allowed, "37.30") into tenths.
 * FK_OK, or FK_EINVAL (empty, not a number, two decimals or more). The range is not checked. */
int fk_checkin_temp_parse(fk_slice s, int *tenths);
/* 1 when tenths lies in 34.0 .. 43.0 °C, both ends included; else 0. */
int fk_checkin_temp_ok(int tenths);
/* The temperature as "36.5" into out (FK_CHECKIN_TEMP_TEXT bytes); returns out. */
char *fk_checkin_temp_render(int tenths, char *out);
/* 1 when tenths is a fever under profile p: at or above [checkin] fever (37.3 is one, 37.2 not). */
int fk_checkin_is_fever(const struct fk_profile *p, int tenths);

/* Checks a symptoms field: codes separated by ';' (spaces around them ignored), each one of
 * fever, cough, sore_throat, fatigue, headache, diarrhea, taste_smell (loss of taste or
 * smell), breath (short of breath) or none; empty is allowed. FK_OK, or FK_EINVAL with the first
 * unknown code in bad (cap bytes). */
int fk_checkin_symptoms_check(fk_slice s, char *bad, size_t cap);

/* 1 when an order at place (enum fk_ctl_place) asks for check-ins: home and centralized; not
 * hospital (the ward takes its own readings) nor monitoring (健康监测 after release: tests only).
 */
int fk_checkin_place_counts(int place);

/* The length of a window under p, in seconds: a day cut into [checkin] per_day. */
int64_t fk_checkin_window_len(const struct fk_profile *p);
/* The start of window k (0 .. per_day - 1) of local day `day` (fk_local_day). */
int64_t fk_checkin_window_start(const struct fk_profile *p, int64_t day, int k);
/* The window that time t falls in: its index in t's local day, the day into *day and the
 * window's start into *start (either may be NULL). A window holds [start, start + len): a
 * check-in at exactly 12:00:00 belongs to the afternoon. */
int fk_checkin_window_of(const struct fk_profile *p, int64_t t, int64_t *day, int64_t *start);

/* Whether an order [ostart, oend) (oend 0: still open) makes the window starting at wstart
 * expected: the order was open at the window's start, ostart <= wstart and (oend == 0 or
 * wstart < oend). An order that starts inside a window does not make that window expected (the
 * person had not the whole window), but a check-in made in it under the order does (the board
 * counts a window with a check-in as expected and reported). 1 or 0. */
int fk_checkin_expected(int64_t wstart, int64_t ostart, int64_t oend);
/* Whether the order [ostart, oend) covers time t: ostart <= t and (oend == 0 or t < oend): a
 * check-in at t is accepted under it. 1 or 0. */
int fk_checkin_covers(int64_t t, int64_t ostart, int64_t oend);

/* The state of an expected window starting at wstart under p, as of now: with nreports check-ins
 * in it (the highest being max10 tenths), fever when max10 is a fever, else reported; with none,
 * missed once the window has ended (now >= wstart + len), else pending. */
enum fk_checkin_state fk_checkin_judge(const struct fk_profile *p, int64_t wstart, int nreports,
                                       int max10, int64_t now);

#endif
