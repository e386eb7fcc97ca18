/* SPDX-License-Identifier: MIT */
/* A progress report on a stream (stderr): a bar redrawn in place when the stream is a terminal,
 * otherwise a plain line every few seconds, so logs of batch jobs stay readable. */
#ifndef FK_PROGRESS_H
#define FK_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

struct fk_progress {
    FILE *out;
    const char *label; /* borrowed */
    int tty;
    double started, last;
    double since; /* where the rate counts from: the start, or the last fk_progress_stage */
    int drawn;
};

/* Starts a report labelled label on out. */
void fk_progress_init(struct fk_progress *p, const char *label, FILE *out);
/* Reports done of total units (total 0: unknown, shown as rows and a rate, with no percentage)
 * and a count of rows. Cheap when called often. */
void fk_progress_update(struct fk_progress *p, uint64_t done, uint64_t total, uint64_t rows);
/* Starts a new stage of the same report: label (borrowed) and a rate counted from now. */
void fk_progress_stage(struct fk_progress *p, const char *label);
/* Clears the bar (terminal) so a summary can follow. */
void fk_progress_done(struct fk_progress *p);
/* Seconds since fk_progress_init. */
double fk_progress_elapsed(const struct fk_progress *p);

#endif
