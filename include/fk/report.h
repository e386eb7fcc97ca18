/* SPDX-License-Identifier: MIT */
/* Duty and zero reports (值班与零报告, issue 17), pure: the kinds of reporting unit, the report's
 * date, and whether a unit's day counts as reported on time, late or missing. A unit files one
 * or more reports a day (one per report kind); count 0 is a zero report (零报告). The day is on
 * time when its first report was submitted no later than the profile's deadline ([reports]
 * deadline = 18:00 local) of the report's own date, exactly at the deadline included; a report
 * without a submitted time counts as on time. No I/O, no clock; every function thread-safe. */
#ifndef FK_REPORT_H
#define FK_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "fk/str.h"

enum fk_unit_kind {
    FK_UNIT_TOWNSHIP = 0, /* a township or street office (乡镇街道) */
    FK_UNIT_HOSPITAL,     /* 医院 */
    FK_UNIT_CLINIC,       /* 诊所, 卫生室 */
    FK_UNIT_PHARMACY,     /* 药店 */
    FK_UNIT_SCHOOL,       /* 学校 */
    FK_UNIT_ENTERPRISE,   /* 企业 */
    FK_UNIT_OTHER,        /* 其他 */
    FK_UNIT_NKINDS
};

/* "township" … "other"; "" out of range. Static storage. */
const char *fk_unit_kind_name(int k);
/* Parses a kind by its English name (any case) or its Chinese one (乡镇, 街道, 医院, 诊所, 卫生室,
 * 药店, 学校, 企业, 其他); an empty slice is "other". FK_OK or FK_EINVAL. */
int fk_unit_kind_parse(fk_slice s, int *out);

/* A unit's day: what the reports say about it. */
enum fk_report_state { FK_REPORT_ON_TIME = 0, FK_REPORT_LATE, FK_REPORT_MISSING };
/* "on_time", "late", "missing". Static storage. */
const char *fk_report_state_name(enum fk_report_state s);

/* Parses a date "YYYY-MM-DD" (exactly that form, a real calendar date) into days since
 * 1970-01-01. FK_OK or FK_EINVAL (*out 0). */
int fk_report_date_parse(fk_slice s, int32_t *out);
/* Unix seconds of 00:00 local (Asia/Shanghai) of day d. */
int64_t fk_report_day_start(int32_t d);
/* The local day (days since 1970-01-01) that holds time t. */
int32_t fk_report_day_of(int64_t t);
/* The deadline of day d: its 00:00 local plus deadline_min minutes. */
int64_t fk_report_deadline(int32_t d, int deadline_min);
/* The state of a unit's day d whose first report was submitted at `submitted` (Unix seconds; 0:
 * no time given, on time), or FK_REPORT_MISSING when reported is 0. */
enum fk_report_state fk_report_state_of(int reported, int32_t d, int64_t submitted,
                                        int deadline_min);
/* Consecutive days without a report up to and including day d: 0 when the unit reported on d;
 * d - last when its latest report on or before d was on day last (last >= 0); with no report on
 * or before d at all (last < 0), the days since reporting started (day start, the first day
 * any unit reported): d - start + 1, at least 1. */
int32_t fk_report_days_silent(int32_t d, int32_t last, int32_t start);

#endif
