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

/* Moves the k-th smallest of v[0..n) to v[k], the smaller before it and the others after it
 * (selection with a three-way partition around a median of three; k < n). */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the k-th lies in [lo, hi) */

    while (hi - lo > 1) {
        double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1], pivot, t;
        size_t lt = lo, i = lo, gt = hi; /* [lo, lt) < pivot, [lt, i) == pivot, [gt, hi) > */

        pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        while (i < gt) {
            if (v[i] < pivot) {
                t = v[lt], v[lt] = v[i], v[i] = t;
                lt++, i++;
            } else if (v[i] > pivot) {
                gt--;
                t = v[gt], v[gt] = v[i], v[i] = t;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
}

double fk_quantile_select(double *v, size_t n, double q)
{
    double h, lo, next;
    size_t i, k;

    if (n == 0)
        return NAN;
    h = q <= 0 ? 0 : q >= 1 ? (double)(n - 1) : (double)(n - 1) * q;
    lo = floor(h);
    i = (size_t)lo; /* h lies in [0, n - 1] */
    select_kth(v, n, i);
    if (i + 1 >= n || h == lo)
        return v[i];
    /* the next smallest is the least of those after v[i] */
    for (next = v[i + 1], k = i + 2; k < n; k++)
        if (v[k] < next)
            next = v[k];
    return v[i] + (h - lo) * (next - v[i]);
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
