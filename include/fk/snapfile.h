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
#include <pthread.h>
#include <stdio.h>

/* The snapshots' checksums at the widest vectors the CPU has: Debian's libxxhash chooses SSE2,
 * AVX2 or AVX-512 at run time behind these names (the same hashes; its plain entry points are
 * its SSE2 build). Hashing the whole file is most of a quick verb at 10 M residents. */
#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<xxh_x86dispatch.h>)
#include <xxh_x86dispatch.h>
#endif
#endif
#include <xxhash.h>

/* How every snapshot begins: its kind, its layout's version, the byte order it was written in
 * (FK_SNAP_ENDIAN as this machine stores it: another order reads back otherwise), and the store
 * generation it was built at. What follows is the kind's own. */
#define FK_SNAP_ENDIAN 0x01020304u

struct fk_snap_prefix {
    char magic[8];
    uint32_t version, endian;
    int64_t generation;
};

/* ---- block checksums (issue 19) ----
 * A snapshot's bytes after its header are checksummed in blocks of FK_SNAP_BLOCK bytes, each its
 * own XXH3; the list of sums follows the last section and is itself checksummed in the header,
 * whose last 8 bytes are the XXH3 of the rest of it. So a reader checks the header at once and
 * each block only when it first reads it: a verb that answers from one grid's slice of a 400 MB
 * engine hashes a block or two, not the file. */
#define FK_SNAP_BLOCK ((uint64_t)1 << 20)

/* A section's place in the file: every kind's header lists them. */
struct fk_snap_sect {
    uint64_t off, len;
};

/* Where the block sums are: in every kind's header. The checked bytes are [header, end), in
 * blocks of `block` bytes (a power of two: FK_SNAP_BLOCK, smaller in tests), the nsums sums
 * follow at end, and sum is their XXH3. */
struct fk_snap_blocks {
    uint64_t end, nsums, sum, block;
};

/* Tests only: the block size of the snapshots written from now on (a power of two from 64 to
 * FK_SNAP_BLOCK; 0 restores FK_SNAP_BLOCK), so a small test index spans many blocks. */
void fk__snap_set_block(uint64_t block);

/* Writing a snapshot: fk_snapwriter_open, a put per section, fk_snapwriter_close. */
struct fk_snapwriter {
    FILE *f;
    XXH3_state_t *h; /* the block being summed */
    uint64_t at;     /* file offset */
    uint64_t head;   /* the header's length: the checked bytes start there */
    uint64_t block;  /* the block size */
    uint64_t *sums;
    size_t nsums, cap;
    int failed;
    int sync; /* set after open: close syncs the file (data the store commits, not a cache) */
    char tmp[4200];
    const char *path;
};

/* Removes dead writers' leftovers, then opens path.tmpPID and writes headlen zero bytes for the
 * header. FK_OK, or FK_EIO / FK_ENOMEM with err set (nothing left behind). */
int fk_snapwriter_open(struct fk_snapwriter *w, const char *path, size_t headlen, char *err,
                       size_t errlen);
/* Writes n bytes of p as a section at the next 64-byte boundary and notes its place in *s. A
 * failure is remembered and reported by fk_snapwriter_close. */
void fk_snapwriter_put(struct fk_snapwriter *w, struct fk_snap_sect *s, const void *p, uint64_t n);
/* Writes the block sums, fills *b (a field of head), seals head (its last 8 bytes: the XXH3 of
 * the others), writes it at the start and renames the file into place. The writer is closed
 * whatever the outcome. FK_OK or FK_EIO / FK_ENOMEM with err set. */
int fk_snapwriter_close(struct fk_snapwriter *w, void *head, size_t headlen,
                        struct fk_snap_blocks *b, char *err, size_t errlen);
/* Closes the writer and removes its file (a build that failed midway). */
void fk_snapwriter_abort(struct fk_snapwriter *w);

/* A snapshot mapped, its blocks checked as they are first needed. Thread-safe: any number of
 * threads may call fk_snapmap_need at once (a block may then be hashed twice, never wrongly
 * passed). */
struct fk_snapmap {
    void *base; /* the mapping, private and writable (the kinds' arrays are used in place) */
    uint64_t len, head, end; /* the checked bytes are [head, end) */
    uint64_t block;
    const uint64_t *sums;
    uint64_t nsums;
    unsigned char *state; /* per block: 0 unchecked, 1 intact, 2 damaged (atomic access) */
    int damaged;          /* sticky: some block failed */
    int checking;         /* a background check runs in thread */
    pthread_t thread;
};

/* Maps path and checks what is cheap: its size, the prefix (magic, version, this byte order),
 * the header's seal, and the block sums' place and checksum. headlen is the kind's header size,
 * blocks_at the offset of its struct fk_snap_blocks. FK_OK, FK_ENOENT with err (no such file,
 * another kind or version, damaged: the caller builds instead) or FK_ENOMEM. */
int fk_snapmap_open(struct fk_snapmap *m, const char *path, const char magic[8], uint32_t version,
                    size_t headlen, size_t blocks_at, char *err, size_t errlen);
/* Section s of exactly want bytes (UINT64_MAX: any length), inside the checked bytes and
 * 64-byte aligned; NULL when not. Its bytes are not checked here: fk_snapmap_need them. */
const void *fk_snapmap_sect(const struct fk_snapmap *m, const struct fk_snap_sect *s,
                            uint64_t want);
/* 1 when the n bytes at p (inside the mapping) are intact, hashing the blocks not checked yet;
 * 0 when one is damaged. */
int fk_snapmap_need(struct fk_snapmap *m, const void *p, uint64_t n);
/* fk_snapmap_need over every checked byte. */
int fk_snapmap_need_all(struct fk_snapmap *m);
/* Starts checking every block in a thread of its own, so that the check of a large file runs
 * beside the work that reads it. FK_OK, or an error (then nothing runs: check with need_all). */
int fk_snapmap_check_start(struct fk_snapmap *m);
/* Waits for the background check (when one runs) and checks what it left; 1 when every block is
 * intact. */
int fk_snapmap_check_join(struct fk_snapmap *m);
/* Waits for a background check and unmaps. m may be all zero. */
void fk_snapmap_close(struct fk_snapmap *m);

/* Tests only: where the section called name lies in the snapshot at path, whose header (headlen
 * bytes) lists its n sections at sect_at, called names[0..n). FK_OK or FK_ENOENT. */
int fk__snap_section(const char *path, size_t headlen, size_t sect_at, const char *const *names,
                     int n, const char *name, uint64_t *off, uint64_t *len);

/* Removes the temporary files (path.tmpPID) of writers killed before their rename: those whose
 * process is gone. A snapshot is hundreds of MB to GB at 10 M residents; a killed import must
 * not leave one behind for good. Failures are ignored (a cache). */
void fk_snapfile_sweep(const char *path);
/* Writes the n bytes of head at the start of f (opened "wb" on tmp), flushes, fsyncs when sync,
 * closes f and renames tmp to path, then, when sync, fsyncs path's directory (so the new name
 * survives a crash too). On any failure f is closed, the file removed and err says what failed.
 * FK_OK or FK_EIO. */
int fk_snapfile_finish(FILE *f, const void *head, size_t n, int sync, const char *tmp,
                       const char *path, char *err, size_t errlen);

#endif
