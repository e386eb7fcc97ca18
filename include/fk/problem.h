/* SPDX-License-Identifier: MIT */
/* Supervision problems (督查问题清单, issue 17), pure: a problem's states and the changes a clerk
 * may make between them (open → rectifying → closed with a note of the evidence, closed → open
 * to reopen with a note, rectifying → open), and when a problem counts as overdue: not closed by
 * its deadline (an open one past it, or one closed after it; closed at the deadline's very second
 * is on time). No I/O, no clock (now is passed in), no globals but constant tables; every function
 * is thread-safe. The list, the summary and the indicator over the store are fk/problem_list.h;
 * the state change, audited, is fk_problem_set_status (fk/action.h). */
#ifndef FK_PROBLEM_H
#define FK_PROBLEM_H

#include <stdint.h>

#include "fk/msg.h"
#include "fk/str.h"

enum fk_problem_status {
    FK_PROBLEM_OPEN = 0,   /* found, nothing done yet (待整改) */
    FK_PROBLEM_RECTIFYING, /* being put right (整改中) */
    FK_PROBLEM_CLOSED,     /* put right, with the evidence in the note (已销号) */
    FK_PROBLEM_NSTATUS
};

/* "open", "rectifying", "closed"; "" for a value out of range. Static storage. */
const char *fk_problem_status_name(int status);
/* Parses a status: open, rectifying, closed (ASCII case ignored) or 待整改, 整改中, 已整改 / 已销号.
 * FK_OK with *out set, or FK_EINVAL. */
int fk_problem_status_parse(fk_slice s, enum fk_problem_status *out);

/* Whether a problem in state from may change to state to with a note of note_len bytes: 0 when
 * it may, else the catalogue's message of the refusal, a clerk's words (FK_MSG_PROBLEM_SAME,
 * FK_MSG_PROBLEM_TRANSITION, FK_MSG_PROBLEM_NOTE_CLOSE, FK_MSG_PROBLEM_NOTE_REOPEN); its
 * arguments are the two states' names (fk_problem_status_name). */
int fk_problem_transition(enum fk_problem_status from, enum fk_problem_status to, size_t note_len,
                          enum fk_msg_id *why);

/* Whether a problem with deadline (0: none) in state status, closed at closed (when status is
 * closed), is overdue as of now: 1 when a deadline is set and the problem was closed after it, or
 * is not closed and now is past it; else 0. *days_over (may be NULL) receives the whole days, any
 * part counting as one, from the deadline to the closing (closed) or to now (not closed); 0 when
 * not overdue. */
int fk_problem_overdue(int64_t deadline, enum fk_problem_status status, int64_t closed,
                       int64_t now, int64_t *days_over);

#endif
