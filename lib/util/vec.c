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

#if defined(MADV_POPULATE_WRITE) || defined(MADV_HUGEPAGE)
/* Gives advice to the whole units of `unit` bytes (a power of two) inside the n bytes at p: the
 * units it shares with its neighbours are left as they are. */
static void advise_inside(void *p, size_t n, uintptr_t unit, int advice)
{
    uintptr_t lo = ((uintptr_t)p + unit - 1) & ~(unit - 1), hi = ((uintptr_t)p + n) & ~(unit - 1);

    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, advice);
}
#endif

void fk_mem_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

    if (!p || n < ((size_t)1 << 20) || page == 0 || (page & (page - 1)))
        return;
    advise_inside(p, n, page, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void fk_mem_hugepages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    if (!p || n < ((size_t)4 << 20))
        return;
    advise_inside(p, n, (uintptr_t)2 << 20, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
