/* SPDX-License-Identifier: MIT */
/* Supervision problems (督查问题清单, issue 17) read from the store: the list with what is overdue,
 * the summary per region, a problem's history, and the computed indicator problems_on_time the
 * county score uses. Read-only (the state change is fk_problem_set_status, fk/action.h); regions'
 * names and nesting come from the engine. The rules (states, overdue) are fk/problem.h. Each
 * function may run on any thread that has its own store handle; the engine is only read. */
#ifndef FK_PROBLEM_LIST_H
#define FK_PROBLEM_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/problem.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"

/* One problem as the store holds it; the strings are the row's own (fk_problem_rows_free). */
struct fk_problem_row {
    char *id, *region, *description, *unit, *inspection, *note;
    int64_t found, deadline, closed; /* Unix seconds; 0: none */
    enum fk_problem_status status;
};

/* The problems, all (id NULL) or the one called id, by id, into *out (n rows; caller frees with
 * fk_problem_rows_free). FK_OK (n may be 0), FK_ENOMEM, FK_EDB. */
int fk_problem_load(fk_store *st, const char *id, struct fk_problem_row **out, size_t *n);
void fk_problem_rows_free(struct fk_problem_row *rows, size_t n);

/* What fk_problem_list keeps. status -1: any; overdue 1: only the overdue ones; region NULL:
 * anywhere, else the region and everything inside it; id NULL: any, else that problem only. */
struct fk_problem_query {
    int status;
    int overdue;
    const char *region;
    const char *id;
};

/* The problems found by now that q keeps, by id: id,found,region,region_name,unit,description,
 * deadline,status,closed,overdue,days_over (overdue and days_over as of now, fk_problem_overdue).
 * FK_OK, FK_ENOENT (q->region unknown), FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_problem_list(fk_store *st, const fk_engine *e, const struct fk_problem_query *q,
                    int64_t now, fk_table **out, char *err, size_t errlen);

/* Per region of level `by` inside `within` (NULL: everywhere), in code order, the problems found
 * by now in it: region,name,found,closed_on_time,closed_late,open,overdue, where open counts the
 * ones not closed (open or rectifying) and overdue those of them past their deadline; a problem
 * of a region above `by` counts on a row of its own region, after the others. FK_OK, FK_ENOENT
 * (within unknown), FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_problem_summary(fk_store *st, const fk_engine *e, const char *within, enum fk_level by,
                       int64_t now, fk_table **out, char *err, size_t errlen);

/* Problem id's history of changes, oldest first: time,user,from,to,note. FK_OK (no rows when it
 * has none), FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_problem_history(fk_store *st, const char *id, fk_table **out, char *err, size_t errlen);

/* The computed indicator problems_on_time of the county score. For the subtree of region
 * `region` (any level) and the local-time window [from, to) (Unix seconds): *den the problems
 * whose deadline lies in the window, *num those of them closed by their deadline (closed at or
 * before it); actual = 100 * num / den (percent). *den == 0 means "no data" (the score leaves the
 * indicator out). When rows is not NULL it receives the rows behind the number, by deadline then
 * id: id,region,name,deadline,status,closed,counted, counted being on_time, late (closed after
 * its deadline) or open (not closed). p is unused for now (the rule has no parameter). FK_OK,
 * FK_ENOMEM, FK_EDB, with err; read-only. Caller frees *rows. */
int fk_problems_on_time_indicator(fk_store *st, const fk_engine *eng, const struct fk_profile *p,
                                  const char *region, int64_t from, int64_t to, int64_t *num,
                                  int64_t *den, fk_table **rows, char *err, size_t errlen);

#endif
