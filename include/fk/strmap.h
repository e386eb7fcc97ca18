/* SPDX-License-Identifier: MIT */
/* fk_strmap: interns strings and maps each to a dense index 0, 1, 2, … in order of first
 * insertion, with an int64 value beside it. Open addressing over xxHash3 hashes; keys live in one
 * pool. Built for millions of short keys (ID numbers, tube codes, venue codes): about 24 bytes a
 * key plus the key's bytes. */
#ifndef FK_STRMAP_H
#define FK_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct fk_strmap fk_strmap;

/* Caller frees with fk_strmap_free(). NULL on out of memory. */
fk_strmap *fk_strmap_new(void);
void fk_strmap_free(fk_strmap *m);
/* Index of key (n bytes), or -1. */
int64_t fk_strmap_find(const fk_strmap *m, const char *key, size_t n);
/* Index of key, adding it (with value 0) when absent; *added says which. -1 on out of memory. */
int64_t fk_strmap_intern(fk_strmap *m, const char *key, size_t n, int *added);
size_t fk_strmap_size(const fk_strmap *m);
/* The key of index i (NUL-terminated, borrowed: valid until the next intern). */
const char *fk_strmap_key(const fk_strmap *m, int64_t i);
int64_t fk_strmap_value(const fk_strmap *m, int64_t i);
void fk_strmap_set_value(fk_strmap *m, int64_t i, int64_t v);

#endif
