/* SPDX-License-Identifier: MIT */
/* The read-ahead of a file import (ahead.c): a second thread reads the same CSV file ahead of
 * the import and finds the person of each row's ID number, so the import's own thread, which
 * stores the rows, takes the answers ready instead of waiting on the look-ups' memory reads.
 * Internal to lib/ingest (csv_driver.c). */
#ifndef FK_INGEST_AHEAD_H
#define FK_INGEST_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include "fk/csv.h"

typedef struct fk_ahead fk_ahead;

/* The person look-up the read-ahead runs: fk_import_opts.find_person, which must be safe to call
 * from another thread while the import runs. */
typedef int (*fk_ahead_find)(void *ud, const char *id_number, size_t n, int64_t *person,
                             const char **grid);

/* Starts reading the CSV file at path (a regular file; opts as the import's own reader) from its
 * second record on, and looking up field `field` of each record, normalised as an ID number,
 * with find(ud, ...). FK_OK with *out set (stop it with fk_ahead_stop); FK_ENOMEM, or FK_EIO
 * when the file or the thread cannot be opened: the import goes on without it. */
int fk_ahead_start(const char *path, const struct fk_csv_opts *opts, size_t field,
                   fk_ahead_find find, void *ud, fk_ahead **out);

/* The answer the read-ahead found for ID number id (n bytes, normalised) on line `line` of the
 * file: 1 with *rc, *person and *grid as find gave them; 0 when it has none (it is behind, the
 * line held another ID number): the caller looks it up itself. Lines must be asked in
 * increasing order (a line again is fine); answers for the lines before are dropped. Call from
 * one thread only (the import's). */
int fk_ahead_take(fk_ahead *a, uint64_t line, const char *id, size_t n, int *rc, int64_t *person,
                  const char **grid);

/* Tests only: from now on, fk_ahead_take waits for the read-ahead to answer the line asked (or
 * to pass it, or to end) rather than answer 0 when it is behind, so that which look-ups it
 * answers does not depend on the threads' pace. Not thread-safe. */
void fk__ahead_set_wait(int on);
/* Tests only: how many answers the read-ahead stopped last gave, and how many it was asked for
 * (0 and 0 before any). */
void fk__ahead_last_counts(uint64_t *taken, uint64_t *asked);

/* Stops the thread and frees a. NULL is a no-op. */
void fk_ahead_stop(fk_ahead *a);

#endif
