/* SPDX-License-Identifier: MIT */
/* The gate-check index (数字哨兵 at health-code scale, issue 18): what fk_gate_facts_of reads from
 * the store with three queries a check, kept in memory for every resident, so that a server
 * answers tens of thousands of gate checks a second and a process millions. Built over one engine
 * (it reads the engine's per-person samples and grids) and freed before it; read-only once built,
 * except for the orders and the lockdown grids, which a caller reloads when they change.
 *
 * DESIGN NOTES
 * - ID numbers map to persons through an open-addressing table of 64-bit keys: a resident ID (17
 *   digits and a check character) packs into one integer, and its 32-byte slot (two to a cache
 *   line) holds the person's grid and sample times too, so a check is one cache miss and no
 *   string compare (at 10 M residents the table is 512 MiB; with the times in arrays beside it, a
 *   check was three dependent misses and 1.4 M/s on a core). The few other documents (passports)
 *   go through a string map.
 * - A person's samples are kept as three times: the sampling time of the latest negative, the
 *   result time of the latest positive, and the latest time any of them knows (sampled or
 *   resulted). A check at a moment at or after that last time is exact from them; a check of the
 *   past (as-of), before it, answers 0 and the caller asks fk_gate_facts_of, which walks
 *   the samples. A time that does not fit 32 bits marks the person for that path too.
 * - Cases (by person) and control orders (by person, then start) are sorted arrays searched by
 *   bisection, exact at any moment. Lockdown is a list of grid ranges with their periods. */
#ifndef FK_GATE_INDEX_H
#define FK_GATE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/gate.h"
#include "fk/store.h"

typedef struct fk_gate_index fk_gate_index;

/* A period of lockdown over the grids [glo, ghi) of an engine: from `from` until `until` (0:
 * still). */
struct fk_gate_lockdown {
    int32_t glo, ghi;
    int64_t from, until;
};

/* Builds the index over engine e from the store st (persons, cases, control orders) into *out.
 * e must outlive the index. FK_OK, FK_ENOMEM, FK_EDB (the store's message in err). Not
 * thread-safe with other calls on st. */
int fk_gate_index_build(fk_store *st, fk_engine *e, fk_gate_index **out, char *err, size_t errlen);
/* fk_gate_index_free(NULL) is a no-op. */
void fk_gate_index_free(fk_gate_index *g);
/* Reads the control orders again (after a control batch). FK_OK, FK_ENOMEM, FK_EDB; on failure
 * the index keeps its orders. Not thread-safe with look-ups on g: call it under the lock that
 * guards them. */
int fk_gate_index_load_orders(fk_gate_index *g, fk_store *st);
/* Reads the lockdown zones again (fk/zones.h: every stretch of a zone at level lockdown, over the
 * grid ranges of its regions) into the lockdown periods; fk_gate_index_build does it too. Zone
 * writes are control batches: call it with fk_gate_index_load_orders. FK_OK, FK_ENOMEM, FK_EDB;
 * on failure the index keeps its periods. Not thread-safe with look-ups on g. */
int fk_gate_index_load_lockdown(fk_gate_index *g, fk_store *st);
/* Replaces the lockdown periods by the n in ld (copied). FK_OK or FK_ENOMEM (the old kept). Not
 * thread-safe with look-ups on g. */
int fk_gate_index_set_lockdown(fk_gate_index *g, const struct fk_gate_lockdown *ld, size_t n);

/* The facts of the person with ID number id (n bytes, as given: upper-case it first) at now
 * into *out: 1 (an ID number not in the registry has empty facts); 0 when the index cannot
 * answer at that moment exactly (a moment before the person's latest sample or result is known),
 * *out then empty: ask fk_gate_facts_of. Thread-safe with other look-ups. */
int fk_gate_index_facts(const fk_gate_index *g, const char *id, size_t n, int64_t now,
                        struct fk_gate_facts *out);
/* Persons indexed, and bytes held (for the log). */
size_t fk_gate_index_persons(const fk_gate_index *g);
size_t fk_gate_index_bytes(const fk_gate_index *g);

#endif
