/* SPDX-License-Identifier: MIT */
/* Response timers (响应时限, issue 17), the pure part: the events a headquarters records for a
 * case (on site, activated), the four deadlines counted from the case's start (its reported time
 * when given, else its confirmation) and how one deadline is judged at a time `now`: met (with
 * the minutes to spare), open (with the minutes left) or missed (by how much). The deadlines'
 * limits come from the profile's [incident] section; lib/engine/incident.c gathers the times. */
#ifndef FK_INCIDENT_H
#define FK_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* The events of the incident_events file, in their stored order. */
enum fk_inc_event { FK_INC_ONSITE = 0, FK_INC_ACTIVATED, FK_INC_NEVENTS };

/* "onsite", "activated"; "" out of range. Static storage. */
const char *fk_inc_event_name(int e);
/* An event by its name or its Chinese one (到场 / 现场, 启动 / 激活). FK_OK or FK_EINVAL. */
int fk_inc_event_parse(fk_slice s, int *out);

/* The deadlines, in the order `fangkong incident list` writes them. */
enum fk_inc_deadline {
    FK_INC_D_ONSITE = 0, /* an onsite event */
    FK_INC_D_ACTIVATED,  /* an activated event */
    FK_INC_D_LOCK24,     /* the close contacts under control orders (share lock_pct) */
    FK_INC_D_SCREEN72,   /* the county's first screening round after the start */
    FK_INC_ND
};
/* "onsite", "activated", "lock24", "screen72"; "" out of range. Static storage. */
const char *fk_inc_deadline_name(int d);
/* The deadline's limit under profile p, in seconds. 0 for an unknown d. */
int64_t fk_inc_limit(const struct fk_profile *p, int d);

enum fk_inc_state { FK_INC_MET = 0, FK_INC_OPEN, FK_INC_MISSED };
/* "met", "open", "missed"; "" out of range. Static storage. */
const char *fk_inc_state_name(int s);

/* The start of a case's timers: reported when given (non-zero), else confirmed. */
int64_t fk_inc_start(int64_t confirmed, int64_t reported);

/* One judged deadline. */
struct fk_inc_timer {
    int64_t deadline; /* start + limit */
    int state;        /* enum fk_inc_state */
    int64_t at;       /* when it was met (also a late meeting: missed with at); 0 when not yet */
    int64_t margin;   /* minutes: to spare (met), left (open), negative overrun (missed); whole
                         minutes, never more spare than there is: 29 min 59 s to spare is 29, and
                         1 s over is -1 */
};

/* Judges a deadline of limit seconds from start, met at `at` (0: not yet) as of now: met when
 * at <= start + limit (exactly at the limit is met; one second later is missed), open when not
 * met and now <= the deadline, else missed (by at or now past the deadline). An `at` later than
 * now is not known yet as of now and counts as not met. Pure. */
void fk_inc_judge(int64_t start, int64_t limit, int64_t at, int64_t now, struct fk_inc_timer *out);

/* The time a share of pct % of n contacts was first reached, given each contact's locked time in
 * locked (sorted ascending; INT64_MAX for one never locked): the k-th time with
 * k = ceil(n * pct / 100), at least 1. n == 0 returns `none` (nothing to lock); INT64_MAX when the
 * share is never reached. Pure. */
int64_t fk_inc_share_at(const int64_t *locked, size_t n, int pct, int64_t none);

#endif
