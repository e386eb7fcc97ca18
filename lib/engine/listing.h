/* SPDX-License-Identifier: MIT */
/* What the engine's lists of few rows read from the store share (gatherings and citizen
 * requests, issue 21): a string copied or made empty, a time rendered or left empty, a region's
 * name, and the summary per region of a level, where a row of a region above the level counts on
 * a row of its own after the others. Internal to lib/engine. */
#ifndef FK_ENGINE_LISTING_H
#define FK_ENGINE_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/region.h"
#include "fk/table.h"
#include "fk/time.h"

/* A copy of s (NULL: ""), or NULL out of memory; caller frees. */
char *fk__dup(const char *s);
/* t rendered into buf (FK_TIME_RENDER_MAX bytes), or "" for 0. Returns buf. */
char *fk__time_or_empty(int64_t t, char *buf);
/* The name of region code, "" when unknown. Borrowed from the engine. */
const char *fk__region_name(const fk_engine *e, const char *code);

#define FK__SUM_MAX 10 /* counts a summary row holds, at most */

/* A summary's row: a region and its counts. */
struct fk__sum_row {
    char code[FK_REGION_CODE_MAX], name[256];
    int32_t lo, hi;
    int64_t n[FK__SUM_MAX];
};

struct fk__sum {
    struct fk__sum_row *r;
    size_t n, cap, nlevel; /* rows; the first nlevel are the regions of the level */
    enum fk_level by;
};

/* The rows of the regions of level by inside within (NULL: everywhere), in code order, all counts
 * 0. FK_OK, FK_ENOENT (within unknown, with err "unknown region W"), FK_ENOMEM. */
int fk__sum_init(struct fk__sum *s, const fk_engine *e, const char *within, enum fk_level by,
                 char *err, size_t errlen);
/* The row that counts something of region code (any level): the row of the level's region that
 * holds it, or, for a region above the level, a row of its own (added at the end); NULL when
 * there is none (an unknown region, one outside within) or out of memory (*rc FK_ENOMEM). */
struct fk__sum_row *fk__sum_row(struct fk__sum *s, const fk_engine *e, const char *code, int *rc);
/* The summary as a table: region, name, then the first ncols - 2 counts, with cols naming them;
 * the rows of the level's regions in code order, then those of regions above it, in code order
 * too (they are sorted so). FK_OK or FK_ENOMEM; caller frees *out. */
int fk__sum_table(struct fk__sum *s, const struct fk_col *cols, size_t ncols, fk_table **out);
void fk__sum_fini(struct fk__sum *s);

#endif
