/* SPDX-License-Identifier: MIT */
/* Gate-check counts in memory (issue 18): a server counts each gate's checks per hour, gate type
 * and colour, never per person, and hands the counts to fk_gate_counts_add every minute. Pure: no
 * I/O; not thread-safe (its owner's lock guards it). */
#ifndef FK_GATE_TALLY_H
#define FK_GATE_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "fk/store.h"

/* What a check counts as: its colour (enum fk_gate_colour), or FK_GATE_BAD_ID for a request
 * that held no ID number. */
#define FK_GATE_BAD_ID 3

typedef struct fk_gate_tally fk_gate_tally;

/* NULL on out of memory. fk_gate_tally_free(NULL) is a no-op. */
fk_gate_tally *fk_gate_tally_new(void);
void fk_gate_tally_free(fk_gate_tally *t);
/* Counts one check by gate (an account's name, copied) of region scope (copied), of gate type
 * `type`, answered `what` (a colour or FK_GATE_BAD_ID) at time at. FK_OK, FK_EINVAL (what or type
 * out of range), FK_ENOMEM (the check is not counted). */
int fk_gate_tally_add(fk_gate_tally *t, const char *gate, const char *scope, int type, int what,
                      int64_t at);
/* The counts not yet handed over, one row per gate, type and hour: *rows (borrowed: valid until
 * the next add or clear) and *n. */
void fk_gate_tally_rows(const fk_gate_tally *t, const struct fk_gate_count_row **rows, size_t *n);
/* Forgets the counts (after they were added to the store). */
void fk_gate_tally_clear(fk_gate_tally *t);
/* Checks counted since the tally was made (cleared or not). */
uint64_t fk_gate_tally_total(const fk_gate_tally *t);

#endif
