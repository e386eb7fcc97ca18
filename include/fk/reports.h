/* SPDX-License-Identifier: MIT */
/* Duty and zero reports (值班与零报告, issue 17): per region and unit kind, the units that
 * reported on a day, zero-reported, reported late and did not report; the silent units with
 * their contact and how many days they have been silent; each headquarters' duty roster for a
 * day with the gaps first; and the report_complete indicator of the county score. The answers
 * come from fk_reports, a read-only in-memory index built from the store: the region tree, the
 * units with their ancestors at every level, and a unit × day grid (day-major, one cell a
 * unit-day: reported, any count above 0, the first submission's offset in the day) over the days
 * the reports span, so a day's status is one pass over the units. The rules (deadline, days
 * silent) are fk/report.h's.
 *
 * Thread-safety: one thread at a time per fk_reports (the answers use scratch in the index). */
#ifndef FK_REPORTS_H
#define FK_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/region.h"
#include "fk/store.h"
#include "fk/table.h"

typedef struct fk_reports fk_reports;

/* Builds the index from st (read once; the index keeps no reference) with profile p's deadline.
 * FK_OK, FK_ENOMEM, FK_EDB with err. Caller frees with fk_reports_free(). */
int fk_reports_build(fk_store *st, const struct fk_profile *p, fk_reports **out, char *err,
                     size_t errlen);
void fk_reports_free(fk_reports *r);
/* The store generation the index reflects, and how many units and report days it holds. */
int64_t fk_reports_generation(const fk_reports *r);
size_t fk_reports_units(const fk_reports *r);

/* Status of day `date` (days since 1970-01-01, fk_report_date_parse) for every region of level
 * `by` inside `within` (NULL: everywhere) and unit kind, in region code then kind order:
 * region,name,kind,units,reported,zero,late,missing — units of the kind in the region; reported:
 * with a report that day (zero and late included); zero: reported with every count 0 (零报告);
 * late: the day's first report submitted after the deadline; missing: units - reported. A unit
 * whose region lies above level `by` (a county hospital when by is township) is counted under its
 * own region. Only (region, kind) pairs with units appear. FK_OK, FK_ENOENT (unknown within),
 * FK_ENOMEM. Caller frees *out. */
int fk_reports_status(fk_reports *r, enum fk_level by, const char *within, int32_t date,
                      fk_table **out, char *err, size_t errlen);
/* The silent units of region `within` (NULL: everywhere) on day date, of kind `kind` (-1: any):
 * unit,name,kind,region,region_name,contact,days_silent — consecutive days without a report up
 * to date (fk_report_days_silent, reporting started on the first day any unit reported); most
 * silent first, then by region and unit code. FK_OK, FK_ENOENT, FK_ENOMEM. */
int fk_reports_missing(fk_reports *r, const char *within, int32_t date, int kind, fk_table **out,
                       char *err, size_t errlen);
/* Each headquarters (the city, county and township regions inside within, NULL: everywhere) with
 * who is on duty on day date: region,name,level,person,phone,role, one row a person, one row with
 * person empty for a headquarters with nobody; the nobody rows first, then by level and code.
 * FK_OK, FK_ENOENT, FK_ENOMEM. */
int fk_reports_duty(fk_reports *r, const char *within, int32_t date, fk_table **out, char *err,
                    size_t errlen);

/* The computed indicator report_complete (目标责任考核) for the subtree of `region` (any level)
 * and the local-time window [from, to) (Unix seconds): *num unit-days reported by the deadline,
 * *den unit-days expected — every unit of the subtree, every day d whose 00:00 is at or after
 * from's day start and whose deadline is at or before `to` (a day still before its deadline is
 * not yet expected) and not before the first day any unit reported (reporting had not started);
 * the caller ends the window at now at the latest (every day up to `to` is expected).
 * actual = 100 * num / den; *den == 0 means no data. When rows is not NULL it receives the rows
 * behind the number: unit,name,region,date,state,submitted with state on_time|late|missing, by
 * date then unit. The index is built from st here (read-only). FK_OK, FK_ENOENT (unknown region),
 * FK_ENOMEM, FK_EDB. eng is not read (the region tree is the store's); it keeps the shape every
 * computed indicator shares. */
int fk_report_complete_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                                 const char *region, int64_t from, int64_t to, int64_t *num,
                                 int64_t *den, fk_table **rows, char *err, size_t errlen);
/* The same over a built index. */
int fk_reports_complete(fk_reports *r, const char *region, int64_t from, int64_t to, int64_t *num,
                        int64_t *den, fk_table **rows, char *err, size_t errlen);

#endif
