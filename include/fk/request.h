/* SPDX-License-Identifier: MIT */
/* Citizen requests (便民服务热线, issue 21), the pure part: the kinds and channels of a request,
 * the checks of its times (assigned not before received, resolved only after an assignment and
 * not before it), its status (open, assigned, resolved: from the times) and its state at a time
 * `now` against the deadlines the profile's [request] gives its kind. lib/engine/requests.c
 * lists them; lib/action/request.c records an assignment or a resolution. No I/O, no clock.
 *
 * The deadlines of a request received at r, of kind k: assigned by r + <k>_assign_minutes, and
 * resolved by r + <k>_resolve_minutes (medical: 30 min and 2 h by default). A time exactly at a
 * deadline meets it; a second later misses it. As of now (a time after now is not known yet):
 * resolved with both deadlines met is on_time, resolved with one missed is late; not resolved
 * with a deadline missed (not assigned by the first, or not resolved by the second, whichever
 * passed unmet first) is overdue; else open (not assigned) or assigned. */
#ifndef FK_REQUEST_H
#define FK_REQUEST_H

#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* The kinds, in their stored order (FK_REQUEST_KINDS of fk/profile.h). */
enum fk_request_kind {
    FK_REQUEST_MEDICINE = 0, /* 购药 */
    FK_REQUEST_MEDICAL,      /* 就医 */
    FK_REQUEST_FOOD,         /* 生活物资 */
    FK_REQUEST_COMPLAINT,    /* 投诉 */
    FK_REQUEST_OTHER,
    FK_REQUEST_NKINDS
};

/* The channels a request came in by, in their stored order. */
enum fk_request_channel {
    FK_REQUEST_HOTLINE = 0, /* 热线 (12345, the headquarters' number) */
    FK_REQUEST_WECHAT,
    FK_REQUEST_ONLINE, /* a web form, an app */
    FK_REQUEST_WALK_IN,
    FK_REQUEST_CHANNEL_OTHER,
    FK_REQUEST_NCHANNELS
};

/* The status, from the times. */
enum fk_request_status {
    FK_REQUEST_OPEN = 0,
    FK_REQUEST_ASSIGNED,
    FK_REQUEST_RESOLVED,
    FK_REQUEST_NSTATUS
};

/* The state at a time, in the order a list puts them (the most urgent first). */
enum fk_request_state {
    FK_REQUEST_S_OVERDUE = 0, /* not resolved, a deadline missed */
    FK_REQUEST_S_OPEN,        /* not assigned, no deadline missed yet */
    FK_REQUEST_S_ASSIGNED,    /* assigned in time, not resolved, no deadline missed yet */
    FK_REQUEST_S_LATE,        /* resolved, a deadline missed */
    FK_REQUEST_S_ON_TIME,     /* resolved, both deadlines met */
    FK_REQUEST_NSTATES
};

/* Which deadline was missed first (FK_REQUEST_MISSED_NONE: none). */
enum fk_request_missed {
    FK_REQUEST_MISSED_NONE = 0,
    FK_REQUEST_MISSED_ASSIGN,
    FK_REQUEST_MISSED_RESOLVE
};

/* "medicine", "medical", "food", "complaint", "other"; "" out of range. Static storage. */
const char *fk_request_kind_name(int k);
/* A kind by its name or a Chinese one (购药 / 买药 / 药品, 就医 / 就诊 / 医疗, 生活物资 / 食品 /
 * 物资, 投诉, 其他). FK_OK or FK_EINVAL. */
int fk_request_kind_parse(fk_slice s, int *out);
/* "hotline", "wechat", "online", "walk_in", "other"; "" out of range. Static storage. */
const char *fk_request_channel_name(int c);
/* A channel by its name or a Chinese one (热线 / 电话 / 12345, 微信, 网络 / 网上 / 小程序,
 * 来访 / 现场, 其他). FK_OK or FK_EINVAL. */
int fk_request_channel_parse(fk_slice s, int *out);
/* "open", "assigned", "resolved"; "" out of range. */
const char *fk_request_status_name(int s);
/* "overdue", "open", "assigned", "late", "on_time"; "" out of range. */
const char *fk_request_state_name(int s);
/* "", "assign", "resolve"; "" out of range. */
const char *fk_request_missed_name(int m);

/* What is wrong with a request's times (0 for none), in the order checked. */
enum fk_request_problem {
    FK_REQUEST_OK = 0,
    FK_REQUEST_ASSIGNED_EARLY, /* assigned before received */
    FK_REQUEST_NO_ASSIGNMENT,  /* resolved, never assigned */
    FK_REQUEST_RESOLVED_EARLY  /* resolved before it was assigned */
};
/* Checks received, assigned, resolved (0: not yet). Resolved at the very second of the
 * assignment is allowed. Pure. */
enum fk_request_problem fk_request_check(int64_t received, int64_t assigned, int64_t resolved);

/* The status of a request assigned and resolved at these times (0: not yet). Pure. */
enum fk_request_status fk_request_status_of(int64_t assigned, int64_t resolved);

/* The deadlines of a request of kind k received at `received` under p into *assign_by and
 * *resolve_by. Pure. */
void fk_request_deadlines(const struct fk_profile *p, int kind, int64_t received,
                          int64_t *assign_by, int64_t *resolve_by);

/* The state of a request of kind k received at `received`, assigned and resolved at these times
 * (0: not yet; a time after now counts as not yet), as of now, under p (the header's rule).
 * *missed (may be NULL) receives the deadline missed first (enum fk_request_missed), *late_by
 * (may be NULL) the whole minutes past it, rounded up (one second is 1): to the event that came
 * after it (late, or an assignment made late), else to now (overdue); 0 when none was missed.
 * Pure. */
enum fk_request_state fk_request_state_at(const struct fk_profile *p, int kind, int64_t received,
                                          int64_t assigned, int64_t resolved, int64_t now,
                                          int *missed, int64_t *late_by);

#endif
