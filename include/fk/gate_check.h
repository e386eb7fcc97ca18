/* SPDX-License-Identifier: MIT */
/* Gate checks over the data (场所核验, issue 18): what the store and the engine know of a person at
 * a moment, as the pure rule of fk/gate.h takes it. Read-only. */
#ifndef FK_GATE_CHECK_H
#define FK_GATE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/gate.h"
#include "fk/store.h"
#include "fk/table.h"

/* The facts of the person with this ID number at now: the latest negative sample (its sampling
 * time) and positive result (its result time) whose results are known by now, from the engine's
 * samples, or the person's case when confirmed by now (positive from its confirmation); an order
 * of the store open at now (started at or before it, not ended by it). An ID number not in the
 * registry has empty facts (yellow: a gate learns nothing more of it). lockdown: the person's grid
 * lies in a lockdown zone active at now (fk/zones.h; a server keeps its own index of them with
 * fk_zone_lockdown_grids). cleared stays 0 until clearances exist. FK_OK, FK_ENOMEM, FK_EDB. */
int fk_gate_facts_of(fk_store *st, fk_engine *e, const char *id_number, int64_t now,
                     struct fk_gate_facts *out);

/* The gate-check counts of the hours in [from, to) of the gates whose region lies inside scope
 * (NULL or "": every gate), the store's and the n extra rows not yet stored (a server's tally),
 * into *out (caller frees): by gate (by_hour 0) "gate,region,name,type,green,yellow,red,bad,
 * total,last", busiest first; or by hour (by_hour 1, at most 31 days) "hour,green,yellow,red,
 * bad,total", every hour of the span. FK_OK, FK_EINVAL (a span of more than 31 days by hour),
 * FK_ENOMEM, FK_EDB. */
int fk_gate_counts_table(fk_store *st, fk_engine *e, const char *scope, int64_t from, int64_t to,
                         int by_hour, const struct fk_gate_count_row *extra, size_t n,
                         fk_table **out);

#endif
