/* SPDX-License-Identifier: MIT */
/* Round checks and turnaround quantiles (see fk/screening.h). */
#include "fk/screening.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

int fk_round_check(const struct fk_round *r, char *reason, size_t cap)
{
    size_t i, n = strlen(r->name);

    if (n == 0) {
        snprintf(reason, cap, "a round needs a name");
        return FK_EINVAL;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)r->name[i];

        if (c < 0x20 || c == ',' || c == '"' || c == 0x7f) {
            snprintf(reason, cap, "round name '%s' may not hold commas, quotes or control "
                     "characters", r->name);
            return FK_EINVAL;
        }
    }
    if (r->start > r->end) {
        snprintf(reason, cap, "round '%s' ends before it starts", r->name);
        return FK_EINVAL;
    }
    return FK_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

void fk_sort_doubles(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_double);
}

double fk_quantile_sorted(const double *v, size_t n, double q)
{
    double h, lo;
    size_t i;

    if (n == 0)
        return NAN;
    if (q <= 0)
        return v[0];
    if (q >= 1)
        return v[n - 1];
    h = (double)(n - 1) * q;
    lo = floor(h);
    i = (size_t)lo;
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - lo) * (v[i + 1] - v[i]);
}
