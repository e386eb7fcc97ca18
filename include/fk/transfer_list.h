/* SPDX-License-Identifier: MIT */
/* Closed-loop transfers (闭环转运, issue 18) read from the store: the list of each person's
 * transfer with its state as of now, and the summary per region. Read-only (the events are
 * fk_transfer_event, fk/action.h); regions' names and nesting come from the engine; the rule
 * (states, late_by) is fk/transfer.h with the profile's [transfer] slack. Each function may run on
 * any thread that has its own store handle; the engine is only read. */
#ifndef FK_TRANSFER_LIST_H
#define FK_TRANSFER_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/transfer.h"

/* What fk_transfer_list keeps. open 1: only the persons not handed over as of now; overdue 1:
 * only the overdue ones and the gaps; region NULL: anywhere, else the persons whose grid lies in
 * it. */
struct fk_transfer_query {
    int open;
    int overdue;
    const char *region;
};

/* One row a person of a task: task,id_number,name,from,to,vehicle,escort,planned,picked_up,
 * handed_over,state,late_by,from_kind,to_kind,grid, the most urgent first (state in the order of
 * enum fk_transfer_state: gap, overdue, in_transit, planned, late, done), then by planned time,
 * task and ID number. Events after now are not known yet and are left out; state and late_by
 * (whole minutes, rounded up) are fk_transfer_state_at's with p's slack. FK_OK, FK_ENOENT
 * (q->region unknown), FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_transfer_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                     const struct fk_transfer_query *q, int64_t now, fk_table **out, char *err,
                     size_t errlen);

/* Per region of level `by` inside `within` (NULL: everywhere), in code order, the transfers of
 * the persons whose grid lies in it as of now: region,name,tasks,persons,done,in_transit,overdue,
 * gap,late,planned, tasks counting the tasks with a person there, and the last six the persons in
 * each state (persons is their sum). FK_OK, FK_ENOENT (within unknown), FK_ENOMEM, FK_EDB, with
 * err. Caller frees *out. */
int fk_transfer_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                       const char *within, enum fk_level by, int64_t now, fk_table **out, char *err,
                       size_t errlen);

#endif
