/* SPDX-License-Identifier: MIT */
/* Array growth by doubling (see fk/vec.h). */
#include "fk/vec.h"

#include <stdint.h>
#include <stdlib.h>

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
