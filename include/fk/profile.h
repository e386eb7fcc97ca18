/* SPDX-License-Identifier: MIT */
/* Profile parameters: every protocol number fangkong uses (turnaround limits, batch sizes,
 * tracing windows) with documented defaults, read from an INI text (docs/profile.md). A new
 * outbreak changes a file, not the code. Pure: the caller reads the file. */
#ifndef FK_PROFILE_H
#define FK_PROFILE_H

#include <stddef.h>

struct fk_profile {
    /* [screening] */
    int tat_limit_hours;    /* tat_limit_hours = 12: a tube with no result this long after
                               sampling is overdue (采送检报) */
    int coverage_target_pct; /* coverage_target_pct = 90: 应检尽检 target, for flags */
    int pool_min;           /* pool_min = 2: a tube with at least this many members is pooled */
    /* [import] */
    int batch_rows;         /* batch_rows = 50000: rows per transaction */
    /* [trace] (used by tracing) */
    int trace_lookback_days;   /* 4 */
    int venue_window_minutes;  /* 30 */
    int companion_slot_minutes; /* 10 */
    int companion_days;        /* 14 */
};

/* Fills p with the defaults. */
void fk_profile_defaults(struct fk_profile *p);
/* Applies the settings in the INI text (NUL-terminated) over p. Unknown sections or keys and
 * out-of-range values are errors, so a typo never silently keeps a default. FK_OK, or FK_EINVAL
 * with "line N: …" in err. */
int fk_profile_parse(const char *text, struct fk_profile *p, char *err, size_t errlen);

#endif
