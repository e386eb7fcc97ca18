/* SPDX-License-Identifier: MIT */
/* Supervision problems (fk/problem.h): the states, the legal changes between them and the
 * overdue rule. A deadline is an instant: a file's date alone is made the end of that day by the
 * import (lib/ingest/ingest.c), so "by 2022-08-28" means up to 23:59:59 that day. */
#include "fk/problem.h"

#include "fk/error.h"

static const char *const names[FK_PROBLEM_NSTATUS] = {"open", "rectifying", "closed"};
static const char *const names_zh[FK_PROBLEM_NSTATUS][2] = {
    {"待整改", "未整改"}, {"整改中", "整改中"}, {"已整改", "已销号"}};

const char *fk_problem_status_name(int status)
{
    return status >= 0 && status < FK_PROBLEM_NSTATUS ? names[status] : "";
}

int fk_problem_status_parse(fk_slice s, enum fk_problem_status *out)
{
    int k;

    s = fk_slice_trim(s);
    for (k = 0; k < FK_PROBLEM_NSTATUS; k++) {
        if (fk_slice_eqi(s, names[k]) || fk_slice_eq(s, names_zh[k][0]) ||
            fk_slice_eq(s, names_zh[k][1])) {
            *out = (enum fk_problem_status)k;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

int fk_problem_transition(enum fk_problem_status from, enum fk_problem_status to, size_t note_len,
                          enum fk_msg_id *why)
{
    int legal;

    if (from == to) {
        *why = FK_MSG_PROBLEM_SAME;
        return 1;
    }
    /* open -> rectifying, rectifying -> closed, rectifying -> open, closed -> open. An open
     * problem is not closed in one step: the rectification is what the list follows. */
    legal = (from == FK_PROBLEM_OPEN && to == FK_PROBLEM_RECTIFYING) ||
            (from == FK_PROBLEM_RECTIFYING && to == FK_PROBLEM_CLOSED) ||
            (from == FK_PROBLEM_RECTIFYING && to == FK_PROBLEM_OPEN) ||
            (from == FK_PROBLEM_CLOSED && to == FK_PROBLEM_OPEN);
    if (!legal) {
        *why = FK_MSG_PROBLEM_TRANSITION;
        return 1;
    }
    if (to == FK_PROBLEM_CLOSED && note_len == 0) {
        *why = FK_MSG_PROBLEM_NOTE_CLOSE;
        return 1;
    }
    if (from == FK_PROBLEM_CLOSED && note_len == 0) {
        *why = FK_MSG_PROBLEM_NOTE_REOPEN;
        return 1;
    }
    return 0;
}

int fk_problem_overdue(int64_t deadline, enum fk_problem_status status, int64_t closed,
                       int64_t now, int64_t *days_over)
{
    int64_t end = status == FK_PROBLEM_CLOSED ? closed : now, late;

    if (days_over)
        *days_over = 0;
    if (deadline == 0 || end <= deadline)
        return 0;
    late = end - deadline;
    if (days_over)
        *days_over = (late + 86399) / 86400;
    return 1;
}
