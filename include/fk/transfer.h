/* SPDX-License-Identifier: MIT */
/* Closed-loop transfers (闭环转运, 点对点, issue 18), the pure part: where a person is taken from
 * and to, the two events of the chain (picked up, handed over), the checks of a person's event
 * times and the state of one person's transfer at a time `now`, judged against the planned time
 * plus the profile's [transfer] slack. lib/engine/transfer.c gathers the rows from the store;
 * lib/action/transfer.c records the events. No I/O, no clock: the caller passes now. */
#ifndef FK_TRANSFER_H
#define FK_TRANSFER_H

#include <stdint.h>

#include "fk/str.h"

/* Where a transfer starts, in its stored order. */
enum fk_transfer_from {
    FK_TRANSFER_FROM_AIRPORT = 0,
    FK_TRANSFER_FROM_STATION,
    FK_TRANSFER_FROM_SCHOOL,
    FK_TRANSFER_FROM_ADDRESS,
    FK_TRANSFER_FROM_OTHER,
    FK_TRANSFER_NFROM
};
/* Where it ends, in its stored order. */
enum fk_transfer_to {
    FK_TRANSFER_TO_ISOLATION_SITE = 0,
    FK_TRANSFER_TO_HOME,
    FK_TRANSFER_TO_HOSPITAL,
    FK_TRANSFER_TO_OTHER,
    FK_TRANSFER_NTO
};
/* The chain's events. */
enum fk_transfer_event { FK_TRANSFER_PICKED_UP = 0, FK_TRANSFER_HANDED_OVER, FK_TRANSFER_NEVENTS };

/* A person's transfer at a time, in the order a list puts them (the most urgent first). */
enum fk_transfer_state {
    FK_TRANSFER_GAP = 0,    /* picked up, not handed over by planned + slack: the chain's gap */
    FK_TRANSFER_OVERDUE,    /* not picked up, not handed over by planned + slack */
    FK_TRANSFER_IN_TRANSIT, /* picked up, not handed over, not yet past planned + slack */
    FK_TRANSFER_PLANNED,    /* not picked up, not yet past planned + slack */
    FK_TRANSFER_LATE,       /* handed over after planned + slack */
    FK_TRANSFER_DONE,       /* handed over by planned + slack */
    FK_TRANSFER_NSTATES
};

/* "airport", "station", "school", "address", "other"; "" out of range. Static storage. */
const char *fk_transfer_from_name(int k);
/* A from kind by its name or its Chinese one (机场, 车站 / 火车站, 学校, 地址 / 住址, 其他).
 * FK_OK or FK_EINVAL. */
int fk_transfer_from_parse(fk_slice s, int *out);
/* "isolation_site", "home", "hospital", "other"; "" out of range. Static storage. */
const char *fk_transfer_to_name(int k);
/* A to kind by its name or its Chinese one (隔离点 / 集中隔离点, 居家 / 家, 医院, 其他). FK_OK or
 * FK_EINVAL. */
int fk_transfer_to_parse(fk_slice s, int *out);
/* "picked_up", "handed_over"; "" out of range. Static storage. */
const char *fk_transfer_event_name(int e);
/* An event by its name or its Chinese one (接到 / 接站, 交接 / 移交). FK_OK or FK_EINVAL. */
int fk_transfer_event_parse(fk_slice s, int *out);
/* "gap", "overdue", "in_transit", "planned", "late", "done"; "" out of range. Static storage. */
const char *fk_transfer_state_name(int s);

/* What is wrong with a person's event times (0 for none): a hand-over with no pick-up, or one
 * before the pick-up. A hand-over at the very second of the pick-up is allowed. */
enum fk_transfer_problem {
    FK_TRANSFER_OK = 0,
    FK_TRANSFER_NO_PICKUP,     /* handed_over given, picked_up not */
    FK_TRANSFER_BEFORE_PICKUP, /* handed_over < picked_up */
};
/* Checks the pair picked_up, handed_over (0: not yet). Pure. */
enum fk_transfer_problem fk_transfer_check(int64_t picked_up, int64_t handed_over);

/* The state of a person's transfer planned at `planned` with slack minutes of slack, picked up
 * at picked_up and handed over at handed_over (0: not yet; a time after now is not known yet as of
 * now and counts as not yet), as of now. The deadline is planned + slack * 60: a hand-over at the
 * deadline exactly is done, one second later is late; not handed over, the transfer is overdue
 * (or a gap, when picked up) from the second after the deadline. *late_by (may be NULL) receives
 * the whole minutes past the deadline, rounded up (one second is 1): of the hand-over (late), of
 * now (overdue, gap), else 0. Pure. */
enum fk_transfer_state fk_transfer_state_at(int64_t planned, int slack, int64_t picked_up,
                                            int64_t handed_over, int64_t now, int64_t *late_by);

#endif
