/* SPDX-License-Identifier: MIT */
/* The end of writing a snapshot (the engine's, the tracer's): a file written under a temporary
 * name with a placeholder header, then the real header written at its start, flushed (and, when
 * asked, synced), closed and renamed into place, so a reader sees the old file or the whole new
 * one. I/O only, for the engine's caches. */
#ifndef FK_SNAPFILE_H
#define FK_SNAPFILE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the n bytes of head at the start of f (opened "wb" on tmp), flushes, fsyncs when sync,
 * closes f and renames tmp to path. On any failure f is closed, tmp removed and err says what
 * failed. FK_OK or FK_EIO. */
int fk_snapfile_finish(FILE *f, const void *head, size_t n, int sync, const char *tmp,
                       const char *path, char *err, size_t errlen);

#endif
