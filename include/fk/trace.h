/* SPDX-License-Identifier: MIT */
/* The tracing rules (流调, lib/domain/trace.c), pure: from cases, their close contacts (密接:
 * household, or the same venue within the profile's venue window inside the case's infectious
 * window), secondary contacts (次密接: the same rules from each close contact, from its own
 * exposure on) and time-space companions (时空伴随: a ping in the same cell and slot as the
 * case's, in the look-back before confirmation). Each contact carries the one reason that put it
 * on the list: the source, what they shared, and the two times. Here are the contact record, its
 * kinds and the rules that need no data (fk_trace_window, fk_contact_better); the tracer
 * (fk/tracer.h, lib/engine/tracer.c) holds the indexes that apply them fast.
 *
 * Thread-safety: no state; every function may run from any thread. */
#ifndef FK_TRACE_H
#define FK_TRACE_H

#include <stdint.h>

#include "fk/profile.h"

struct fk_case_row; /* a case as the store keeps it (fk/store.h) */

/* Ordered by rank: a person is listed once, in the lowest-numbered category that reaches them. */
enum fk_category { FK_CAT_NONE = 0, FK_CAT_CLOSE = 1, FK_CAT_SECONDARY = 2, FK_CAT_COMPANION = 3 };
enum fk_via { FK_VIA_NONE = 0, FK_VIA_HOUSEHOLD = 1, FK_VIA_VENUE = 2, FK_VIA_CELL = 3 };

struct fk_contact {
    int32_t person;       /* the contact (dense person id) */
    int32_t source;       /* the case, or for a secondary contact the close contact */
    int32_t root;         /* the case at the start of the chain */
    int32_t via_id;       /* household, venue or cell index of the tracer */
    uint8_t category;     /* enum fk_category */
    uint8_t via;          /* enum fk_via */
    int64_t exposure;     /* the earliest qualifying contact time */
    int64_t source_time;  /* the source's scan or ping time; household: the window start */
    int64_t contact_time; /* the contact's scan time; cell: the slot start; household: = exposure */
};

/* A case's infectious window under profile p: from lookback_days before onset (or, with no onset,
 * before confirmation) to isolation, or to confirmation when not isolated. Inclusive. */
void fk_trace_window(const struct fk_case_row *c, const struct fk_profile *p, int64_t *start,
                     int64_t *end);
/* 1 when a should replace b as a person's reason: a higher category (lower rank), else an earlier
 * exposure, else (for a stable answer) a lower source id, then via kind, then via id. */
int fk_contact_better(const struct fk_contact *a, const struct fk_contact *b);
/* "close", "secondary", "companion"; "" otherwise. Static storage. */
const char *fk_category_name(int category);

#endif
