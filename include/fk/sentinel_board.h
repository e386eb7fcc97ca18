/* SPDX-License-Identifier: MIT */
/* The sentinel board (哨点预警): an in-memory index of the daily counts of sentinel signals by
 * grid, kind and local day, and the answers read from it: per region and kind, a day's count,
 * its EARS C2 baseline and whether it fires (fk/sentinel.h judges), and the rows behind one
 * cell. It only reads: the alerts a firing raises are written by fk_sentinel_alerts
 * (fk/action.h).
 *
 * Thread-safety: one thread at a time per index; it borrows the engine it was built over. */
#ifndef FK_SENTINEL_BOARD_H
#define FK_SENTINEL_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/region.h"
#include "fk/sentinel.h"
#include "fk/store.h"
#include "fk/table.h"

typedef struct fk_senb fk_senb;

/* Builds the index from every sentinel row of st, placed in e's grids (both borrowed: e must
 * outlive the index and reflect st; a row whose grid e does not know is left out), with profile
 * p (copied). FK_OK, FK_ENOMEM, FK_EDB with err. Caller frees with fk_senb_free(). */
int fk_senb_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_senb **out,
                  char *err, size_t errlen);
void fk_senb_free(fk_senb *b);
/* The store's generation and control generation the index was built at (sentinel rows come in
 * control batches: an index whose numbers differ from the store's is stale). */
void fk_senb_built_at(const fk_senb *b, int64_t *generation, int64_t *control_generation);
/* The engine the index was built over. */
const fk_engine *fk_senb_engine(const fk_senb *b);

/* One cell of the board, for a caller that acts on it (alerts): the region, its kind and day
 * (local day number), the verdict, and how many stored rows lie behind the count. */
struct fk_senb_cell {
    const char *region, *name; /* borrowed from the engine */
    int kind;                  /* enum fk_sen_kind */
    int64_t day;
    struct fk_sen_verdict v;
    int64_t rows; /* stored rows behind v.count */
};
typedef int (*fk_senb_cell_cb)(void *ud, const struct fk_senb_cell *c);
/* Calls cb for every region of level `by` inside `within` (NULL: everywhere) in code order and
 * every kind in contract order, on local day `day`. A non-zero return stops the walk and is
 * returned. FK_OK, FK_ENOENT (within unknown), FK_ENOMEM. */
int fk_senb_each(const fk_senb *b, const char *within, enum fk_level by, int64_t day,
                 fk_senb_cell_cb cb, void *ud);
/* The board as a table: region,name,kind,date,count,mean,sd,fires (mean and sd with 2 decimals,
 * empty with fewer than the baseline's days of data; fires threshold, baseline or empty), one
 * row per region of level `by` inside `within` and kind, as fk_senb_each. Caller frees *out. */
int fk_senb_board(const fk_senb *b, const char *within, enum fk_level by, int64_t day,
                  fk_table **out, char *err, size_t errlen);
/* The rows behind one cell, read through st (borrowed; a connection to the same data): the
 * sentinel rows of kind (-1: any) on local day `day` in the grids of region, by time:
 * source,kind,time,grid,count,id_number. FK_OK, FK_ENOENT (region unknown), FK_ENOMEM, FK_EDB.
 * Caller frees *out. */
int fk_senb_rows(const fk_senb *b, fk_store *st, const char *region, int kind, int64_t day,
                 fk_table **out, char *err, size_t errlen);

#endif
