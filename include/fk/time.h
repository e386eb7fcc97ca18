/* SPDX-License-Identifier: MIT */
/* Times as the data contract has them: ISO 8601 in, Unix seconds inside, and
 * YYYY-MM-DDTHH:MM:SS+08:00 out. A value without an offset is Asia/Shanghai local time, which has
 * been UTC+08:00 with no daylight saving since 1991, so no time zone database is needed. */
#ifndef FK_TIME_H
#define FK_TIME_H

#include <stddef.h>
#include <stdint.h>

#define FK_TZ_OFFSET (8 * 3600)   /* Asia/Shanghai */
#define FK_TIME_RENDER_MAX 32     /* bytes needed by fk_time_render, with the NUL */

/* Parses an ISO 8601 date or date-time: "2022-08-28", "2022-08-28T06:00", "2022-08-28 06:00:00",
 * "2022-08-28T06:00:00.123", with an optional "Z" or "+08:00"/"+0800"/"+08" offset. A date alone
 * means 00:00 local. Fractions of a second are dropped. Checks that the date exists (no 02-30)
 * and fields are in range. FK_OK and *out set, or FK_EINVAL (then *out is 0). */
int fk_time_parse(const char *s, size_t n, int64_t *out);
/* Writes t as "YYYY-MM-DDTHH:MM:SS+08:00" into out (at least FK_TIME_RENDER_MAX bytes).
 * Returns out. Years 0000 to 9999 render as they are; a t before or after them renders as the
 * first or last second of that range (never a wrapped year). Likewise fk_date_render. */
char *fk_time_render(int64_t t, char *out);
/* Writes the local calendar date of t as "YYYY-MM-DD" into out (at least 11 bytes). */
char *fk_date_render(int64_t t, char *out);
/* Days since 1970-01-01 of a proleptic Gregorian date; and its inverse. */
int64_t fk_days_from_civil(int64_t y, unsigned m, unsigned d);
void fk_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* 1 when y-m-d is a real calendar date. */
int fk_date_valid(int64_t y, unsigned m, unsigned d);
/* Start (00:00 local) of the local day that contains t. */
int64_t fk_local_day_start(int64_t t);
/* Seconds on the monotonic clock (CLOCK_MONOTONIC) from an unspecified start: for measuring how
 * long something took, never for a date. Never goes backwards; thread-safe. */
double fk_mono_seconds(void);

#endif
