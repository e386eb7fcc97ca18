/* SPDX-License-Identifier: MIT */
/* Vaccination rules (疫苗接种), pure: a resident's birth date from the ID number, the age in
 * whole years at a time, the age bands coverage is counted in, the doses a vaccine's full course
 * takes (the profile's [vaccine]) and when a person reached a first dose, a full course and a
 * booster. No I/O and no clock: the caller passes every time in. Every function is thread-safe. */
#ifndef FK_VACCINE_H
#define FK_VACCINE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"

#define FK_VAX_DOSE_MAX 9 /* dose numbers run 1 to 9 */
#define FK_VAX_NEVER INT64_MAX

/* The age bands of the coverage table, and 12+ (every band from 12 up) after them. Under 3 is in
 * no band. */
enum fk_vax_band {
    FK_VAX_3_11 = 0,
    FK_VAX_12_17,
    FK_VAX_18_59,
    FK_VAX_60_79,
    FK_VAX_80_UP,
    FK_VAX_12_UP,
    FK_VAX_NBANDS /* the five bands and 12+ */
};

/* The birth date of a resident ID number (18 characters, GB 11643 check digit right, a real date)
 * as yyyymmdd (20080229), or 0 for any other number: other documents carry no birth date. */
int32_t fk_vax_birth(const char *id, size_t n);
/* The local (Asia/Shanghai) calendar date of Unix time t as yyyymmdd. */
int32_t fk_vax_ymd(int64_t t);
/* The Unix time of 00:00 local on yyyymmdd. */
int64_t fk_vax_ymd_start(int32_t ymd);
/* The age in whole years on local date ymd of a person born on birth (both yyyymmdd): the
 * birthday itself counts as the new year; a person born on 29 February becomes a year older on
 * 1 March in a year without one. -1 when born after ymd. */
int fk_vax_age(int32_t birth, int32_t ymd);
/* The band of an age (FK_VAX_3_11 … FK_VAX_80_UP), or -1 under 3. */
int fk_vax_band(int age);
/* "3-11", "12-17", "18-59", "60-79", "80+", "12+"; "" out of range. */
const char *fk_vax_band_name(int band);

/* How many doses the full course of vaccine takes: the profile's doses.VACCINE, else its doses
 * (default 2). vaccine may be NULL or "". */
int fk_vax_course(const struct fk_profile *p, const char *vaccine);

/* One dose of a person. vaccine is borrowed. */
struct fk_vax_dose {
    int dose;
    int64_t time;
    const char *vaccine;
};
/* When the person with these doses reached each level. The doses are sorted in place by time
 * (then dose number). The level after a dose is the most of its dose number and how many doses
 * came by then (a dose 3 recorded alone stands for the two before it). The course is that of the
 * vaccine of the first dose (by time): a mixed schedule counts against the course it began. Sets
 * reach[0] (first dose), reach[1] (full course: level >= the course) and reach[2] (booster: level
 * above the course) to the time each was reached, FK_VAX_NEVER when not; *course to the course's
 * doses (may be NULL). */
void fk_vax_status(const struct fk_profile *p, struct fk_vax_dose *d, size_t n, int64_t reach[3],
                   int *course);
/* The level (doses so far, as fk_vax_status counts them) at time t of doses sorted as
 * fk_vax_status leaves them; *last the time of the last dose by then (0 none; may be NULL). */
int fk_vax_level_at(const struct fk_vax_dose *d, size_t n, int64_t t, int64_t *last);

#endif
