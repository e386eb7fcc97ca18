/* SPDX-License-Identifier: MIT */
/* Array growth by doubling (see fk/vec.h). */
#include "fk/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fk/error.h"

int fk_vec_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t c = *cap ? *cap : FK_VEC_MIN;
    void *q;

    if (need <= *cap)
        return FK_OK;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return FK_ENOMEM;
        c *= 2;
    }
    if (elem == 0 || c > SIZE_MAX / elem)
        return FK_ENOMEM;
    q = realloc(*p, c * elem);
    if (!q)
        return FK_ENOMEM;
    *p = q;
    *cap = c;
    return FK_OK;
}

void fk_mem_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo, hi;

    if (!p || n < ((size_t)1 << 20) || page == 0 || (page & (page - 1)))
        return;
    /* The whole pages inside the block: the ones it shares with its neighbours fault as ever. */
    lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    hi = ((uintptr_t)p + n) & ~(page - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void fk_mem_hugepages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t lo, hi;

    if (!p || n < ((size_t)4 << 20))
        return;
    /* The huge pages wholly inside the block. */
    lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    hi = ((uintptr_t)p + n) & ~(huge - 1);
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
