/* SPDX-License-Identifier: MIT */
/* fk_vec_grow: the one way a plain C array grows. Doubling, with the size_t overflow of
 * capacity times element size checked, so no caller open-codes `cap * 2` and realloc. */
#ifndef FK_VEC_H
#define FK_VEC_H

#include <stddef.h>

#define FK_VEC_MIN 16 /* capacity of a first allocation, in elements, at least */

/* Makes the array *p (of *cap elements of elem bytes each; NULL with *cap 0 when empty) hold at
 * least need elements: when need > *cap, reallocates it to the first of *cap (FK_VEC_MIN when
 * *cap is 0) doubled that reaches need. Elements past the old *cap are uninitialised. FK_OK (also
 * when need <= *cap, then nothing changes), or FK_ENOMEM when realloc fails or the capacity or
 * its size in bytes would overflow size_t; then *p and *cap are unchanged and *p is still owned
 * by the caller (an elem of 0 is FK_ENOMEM too). Thread-safe as realloc is. */
int fk_vec_grow(void **p, size_t *cap, size_t need, size_t elem);

/* Makes the pages of the n bytes at p (from malloc or the like, to be written soon) present now,
 * in one system call, rather than one page fault at a time as they are first written: on a
 * virtual machine each fault is a trip through the hypervisor (2.5 s of a 10 M engine's 7 s
 * extension went to them). Only for large blocks (from 1 MiB); a kernel without
 * MADV_POPULATE_WRITE (Linux < 5.14) leaves them to fault as before. Thread-safe. */
void fk_mem_populate(void *p, size_t n);

/* Asks that the n bytes at p (from malloc or the like) be backed by huge pages where the kernel
 * allows them (transparent huge pages in "madvise" mode, as Debian's): for a large table read
 * at random, whose every look-up would otherwise also miss the TLB. Only for blocks from 4 MiB;
 * a no-op where unsupported. Thread-safe. */
void fk_mem_hugepages(void *p, size_t n);

#endif
