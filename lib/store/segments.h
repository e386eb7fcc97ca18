/* SPDX-License-Identifier: MIT */
/* The samples as append-only columnar segment files beside the data file (issue 19, item 4; the
 * data contract allows the event streams so). For the store's backends only: the backend keeps
 * the manifest (which segments are committed) in its own transaction, this module the files, the
 * rows added by the open batch and an index of every sample by its natural key (tube, person).
 *
 * A segment file is <data file>.samples.<seq>: a snapshot file (fk/snapfile.h) whose sections
 * are the columns person, time, shipped (int64), and the texts tube and site (uint32 offsets, then
 * the bytes). Rows are numbered across the segments in manifest order: a segment holds the rows
 * [base, base + rows). A row that updates a sample (its shipped time) is appended like a new one;
 * the index points at the latest, and the older stays in its file, read by nobody. */
#ifndef FK_STORE_SEGMENTS_H
#define FK_STORE_SEGMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "fk/store.h"

/* A manifest row: segment file seq holds the rows [base, base + rows); there were keys samples
 * once it committed. */
struct sg_entry {
    int64_t seq, base, rows, keys;
};

struct sg_samples;

/* A handle for the segments of the data file at path; maps nothing yet. FK_OK or FK_ENOMEM. */
int sg_open(struct sg_samples **out, const char *path);
void sg_close(struct sg_samples *g);
/* Removes the segment files mapped (an in-memory store's, at its close). */
void sg_remove(struct sg_samples *g);

/* Makes the mapped files and the index match the manifest man[0..n) (ordered by base): maps the
 * segments not mapped yet and indexes their rows, or, when the manifest changed other than by
 * appending (another process replaced segments), maps and indexes all of them again. Any rows of
 * an open batch must have been written or rolled back. FK_OK, or FK_EIO / FK_ENOMEM with err. */
int sg_sync(struct sg_samples *g, const struct sg_entry *man, size_t n, char *err, size_t errlen);

/* Adds a sample to the open batch, or notes what it changes: FK_PUT_NEW for a key not stored,
 * FK_PUT_UPDATED when it brings another (non-zero) shipped time, else FK_PUT_SAME. As the
 * SQLite table did: a second row with the same key changes nothing but the shipped time. */
int sg_add(struct sg_samples *g, const struct fk_sample_row *r, enum fk_put *did);
/* The rows the open batch added (and updated). */
size_t sg_pending(const struct sg_samples *g);

/* Writes the open batch's rows as segment file seq, synced, before the backend commits the
 * manifest row *out. When the batch is small, the file may hold the rows of the small segments
 * at the end too (the same row numbers; each merged while it holds at most twice the rows after
 * it, so that they grow geometrically), and replaces them: *replaced is then the base of the
 * first, and the manifest's rows of base >= *replaced but *out are deleted in the same
 * transaction (-1 when none). FK_OK, or FK_EIO / FK_ENOMEM with err (nothing left behind). */
int sg_write(struct sg_samples *g, int64_t seq, struct sg_entry *out, int64_t *replaced, char *err,
             size_t errlen);
/* The backend committed: the written file is now part of the set, the replaced one removed. */
void sg_committed(struct sg_samples *g);
/* The backend rolled back: the batch's rows are forgotten, a written file removed. */
void sg_rollback(struct sg_samples *g);

/* FK_OK when some sample has tube, else FK_ENOENT. */
int sg_tube_exists(struct sg_samples *g, const char *tube);
/* The samples of tube, by person. The callback's rc, else FK_OK. */
int sg_each_tube_member(struct sg_samples *g, const char *tube, fk_sample_cb cb, void *ud);
/* Every sample, by tube (bytewise) and person, as SQLite ordered them. */
int sg_each_sample(struct sg_samples *g, fk_sample_cb cb, void *ud);
/* How many samples (keys) there are. */
int64_t sg_count(const struct sg_samples *g);

/* Tests only: tube hashes of 4 bits and person tags of 1 from now on (1), or whole (0), so that
 * different keys share their slots' tags and runs, and every comparison past them is exercised. */
void fk__sg_weak_hash(int on);

/* Tests only: how many rows sg_write has written into files in this process, every handle's, the
 * rows merged again included. */
uint64_t fk__sg_rows_written(void);

/* The file name of segment seq of the data file path. */
void sg_file(char *out, size_t cap, const char *path, int64_t seq);

#endif
