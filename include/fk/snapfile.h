/* SPDX-License-Identifier: MIT */
/* The end of writing a snapshot (the engine's, the tracer's): a file written under a temporary
 * name with a placeholder header, then the real header written at its start, flushed (and, when
 * asked, synced), closed and renamed into place, so a reader sees the old file or the whole new
 * one. I/O only, for the engine's caches. A snapshot built at generation G is current while the
 * store's generation for its index (fk_store_index_generation) is at most G. */
#ifndef FK_SNAPFILE_H
#define FK_SNAPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The snapshots' checksums at the widest vectors the CPU has: Debian's libxxhash chooses SSE2,
 * AVX2 or AVX-512 at run time behind these names (the same hashes; its plain entry points are
 * its SSE2 build). Hashing the whole file is most of a quick verb at 10 M residents. */
#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h>
#endif
#endif

/* How every snapshot begins: its kind, its layout's version, the byte order it was written in
 * (FK_SNAP_ENDIAN as this machine stores it: another order reads back otherwise), and the store
 * generation it was built at. What follows is the kind's own. */
#define FK_SNAP_ENDIAN 0x01020304u

struct fk_snap_prefix {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
};

/* Removes the temporary files (path.tmpPID) of writers killed before their rename: those whose
 * process is gone. A snapshot is hundreds of MB to GB at 10 M residents; a killed import must
 * not leave one behind for good. Failures are ignored (a cache). */
void fk_snapfile_sweep(const char *path);
/* Writes the n bytes of head at the start of f (opened "wb" on tmp), flushes, fsyncs when sync,
 * closes f and renames tmp to path. On any failure f is closed, tmp removed and err says what
 * failed. FK_OK or FK_EIO. */
int fk_snapfile_finish(FILE *f, const void *head, size_t n, int sync, const char *tmp,
                       const char *path, char *err, size_t errlen);

#endif
