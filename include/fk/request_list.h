/* SPDX-License-Identifier: MIT */
/* Citizen requests (便民服务热线, issue 21) read from the store: each request with its status and
 * its state as of now against its kind's deadlines (fk/request.h), the caller matched to a person
 * under control, and the count per region. Read-only (the assignment and the resolution are
 * fk_request_assign and fk_request_resolve, fk/action.h); regions' names and nesting come from
 * the engine. As of now: a request received after now is not listed, and an assignment or a
 * resolution after now is not known yet. Each function may run on any thread that has its own
 * store handle; the engine is only read. */
#ifndef FK_REQUEST_LIST_H
#define FK_REQUEST_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/request.h"
#include "fk/store.h"
#include "fk/table.h"

/* One request as the store holds it; the strings are its own (fk_request_rows_free). */
struct fk_request_row {
    char *number, *phone, *region, *text, *unit, *note;
    int64_t received, assigned, resolved; /* 0: not yet */
    int channel, kind;
};

/* The requests, all (number NULL) or the one called number, by number, into *out (n rows; caller
 * frees with fk_request_rows_free). FK_OK (n may be 0), FK_ENOMEM, FK_EDB. */
int fk_request_load(fk_store *st, const char *number, struct fk_request_row **out, size_t *n);
void fk_request_rows_free(struct fk_request_row *rows, size_t n);

/* The person under control who called: a person of the registry whose phone is the caller's
 * (digits only, a leading +86 or 86 of a mobile number dropped), under a control order at
 * `received` (the order began by then and had not ended; an end after now is not known yet), and
 * living inside region (NULL: anywhere), the first by ID number. FK_OK with *found 1 and the ID
 * number, name (NUL-terminated, cut to their caps) and the order's category (enum
 * fk_ctl_category) filled, or *found 0; FK_EDB. */
struct fk_request_caller {
    int found;
    char id_number[64], name[128];
    int category;
};
int fk_request_caller(fk_store *st, const fk_engine *e, const char *phone, int64_t received,
                      int64_t now, const char *region, struct fk_request_caller *out);

/* What fk_request_list keeps: open 1, only those not resolved as of now; overdue 1, only the
 * overdue ones; region NULL anywhere, else the requests of that region and every region inside
 * it (a caller is named only when living inside it too); number NULL any, else that one. */
struct fk_request_query {
    int open;
    int overdue;
    const char *region;
    const char *number;
};

/* The requests received by now that q keeps, the most urgent first (state in the order of enum
 * fk_request_state: overdue, open, assigned, late, on_time), then by received and number:
 * number,received,channel,phone,region,region_name,kind,text,unit,assigned,resolved,status,
 * state,missed,late_by,assign_by,resolve_by,person,name,control,note. status: open, assigned,
 * resolved as of now; state, missed and late_by (whole minutes): fk_request_state_at's under p;
 * assign_by and resolve_by the deadlines; person, name and control: the caller under control
 * (fk_request_caller), else empty. FK_OK, FK_ENOENT (q->region unknown), FK_ENOMEM, FK_EDB,
 * with err. Caller frees *out. */
int fk_request_list(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                    const struct fk_request_query *q, int64_t now, fk_table **out, char *err,
                    size_t errlen);

/* Per region of level `by` inside `within` (NULL: everywhere), in code order, the requests
 * received by now in it: region,name,received,open,assigned,resolved,on_time,late,overdue
 * (open, assigned, resolved: the status as of now; on_time and late split the resolved ones,
 * overdue counts those not resolved with a deadline missed); a request of a region above `by`
 * counts on a row of its own region, after the others (in code order). FK_OK, FK_ENOENT,
 * FK_ENOMEM, FK_EDB, with err. Caller frees *out. */
int fk_request_status(fk_store *st, const fk_engine *e, const struct fk_profile *p,
                      const char *within, enum fk_level by, int64_t now, fk_table **out, char *err,
                      size_t errlen);

#endif
