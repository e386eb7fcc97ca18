/* SPDX-License-Identifier: MIT */
/* Sentinels (哨点, 多点触发): the kinds of sentinel signal (fever clinics, pharmacies, cold chain,
 * stations, schools, other) and the rule that says when a region's count of one kind on one day
 * fires: a fixed threshold, else CDC's EARS C2 baseline rule (mean and sample standard deviation
 * of days D-9 .. D-3, a two-day guard band). Pure: no I/O, no clock; every function is
 * thread-safe and every pointer returned is static storage. */
#ifndef FK_SENTINEL_H
#define FK_SENTINEL_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* The kinds, in the data contract's order; stored as these values. FK_SEN_NKINDS is in
 * fk/profile.h (the profile keeps a setting per kind). */
enum fk_sen_kind {
    FK_SEN_FEVER_CLINIC = 0,
    FK_SEN_PHARMACY,
    FK_SEN_COLDCHAIN,
    FK_SEN_STATION,
    FK_SEN_SCHOOL,
    FK_SEN_OTHER
};

/* Parses a kind: the English name or the Chinese term (发热门诊, 药店, 冷链, 车站, 学校, 其他).
 * FK_OK or FK_EINVAL. */
int fk_sen_kind_parse(fk_slice s, enum fk_sen_kind *out);
/* The English name of k ("fever_clinic"), "" when out of range. */
const char *fk_sen_kind_name(int k);

/* The most a single row may count (a clinic's whole day is far below it): a larger count is a
 * typo, rejected. */
#define FK_SEN_COUNT_MAX 100000

/* Days of the EARS C2 baseline (D-9 .. D-3) and the guard band between it and D. */
#define FK_SEN_BASE_DAYS 7
#define FK_SEN_GUARD_DAYS 2
/* Days of counts the rule reads: D-9 .. D. */
#define FK_SEN_WINDOW (FK_SEN_BASE_DAYS + FK_SEN_GUARD_DAYS + 1)

enum fk_sen_fires { FK_SEN_QUIET = 0, FK_SEN_THRESHOLD, FK_SEN_BASELINE };
/* "" (quiet), "threshold", "baseline". */
const char *fk_sen_fires_name(int f);

/* The verdict on one region, kind and day. */
struct fk_sen_verdict {
    int64_t count;    /* c(D) */
    int baseline;     /* 1 when all 7 baseline days lie in the data: mean and sd are set */
    double mean, sd;  /* of c(D-9) .. c(D-3); sd is the sample standard deviation (n - 1) */
    int fires;        /* enum fk_sen_fires */
};

/* The rule on counts c[0 .. FK_SEN_WINDOW - 1] = c(D-9) .. c(D) of kind k under profile p.
 * have_days is how many of those days (counted back from D) lie on or after the data start
 * (the kind's first day with a row): a baseline day before the data start is not a zero but
 * unknown, and with fewer than the 7 baseline days known the baseline rule does not fire (the
 * threshold still does). Fires threshold when c(D) >= the kind's threshold (0: none); else
 * baseline when (c(D) - mean) / max(sd, s_min) > k, strictly. */
void fk_sen_eval(const struct fk_profile *p, int k, const int64_t *c, int have_days,
                 struct fk_sen_verdict *out);

/* The deadline of the test a sentinel row of kind k at time t puts its person on, or 0 when the
 * kind puts no one on a test (only pharmacy and fever_clinic do, and only with a positive
 * setting): pharmacy: t + pharmacy_test_hours; fever_clinic: the end (23:59:59 local) of the day
 * t + fever_clinic_test_days lies on. */
int64_t fk_sen_test_deadline(const struct fk_profile *p, int k, int64_t t);

#endif
