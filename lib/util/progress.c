/* SPDX-License-Identifier: MIT */
/* Progress reports (see fk/progress.h). Redraws at most ten times a second on a terminal and
 * writes a plain line at most every five seconds elsewhere. */
#include "fk/progress.h"

#include <unistd.h>

#include "fk/time.h"

void fk_progress_init(struct fk_progress *p, const char *label, FILE *out)
{
    p->out = out;
    p->label = label;
    p->tty = isatty(fileno(out));
    p->started = fk_mono_seconds();
    p->last = p->started;
    p->since = p->started;
    p->drawn = 0;
}

void fk_progress_stage(struct fk_progress *p, const char *label)
{
    p->label = label;
    p->since = fk_mono_seconds();
}

void fk_progress_update(struct fk_progress *p, uint64_t done, uint64_t total, uint64_t rows)
{
    double t = fk_mono_seconds(), el = t - p->started, frac = total ? (double)done / (double)total : 0;
    double rate = t > p->since ? (double)rows / (t - p->since) : 0.0;
    char bar[31];
    int i, fill;

    if (t - p->last < (p->tty ? 0.1 : 5.0))
        return;
    p->last = t;
    if (frac > 1)
        frac = 1;
    if (!p->tty) {
        if (total)
            fprintf(p->out, "%s: %3.0f%%, %llu rows, %.0f s\n", p->label, frac * 100,
                    (unsigned long long)rows, el);
        else
            fprintf(p->out, "%s: %llu rows, %.0f s\n", p->label, (unsigned long long)rows, el);
        fflush(p->out);
        return;
    }
    if (!total) { /* no bar for an unknown total: the rows and the rate, if any */
        if (rows)
            fprintf(p->out, "\r%s %llu rows %.0f rows/s\033[K", p->label, (unsigned long long)rows,
                    rate);
        else
            fprintf(p->out, "\r%s\033[K", p->label);
        fflush(p->out);
        p->drawn = 1;
        return;
    }
    fill = (int)(frac * 30);
    for (i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(p->out, "\r%s [%s] %3.0f%% %llu rows %.0f rows/s ", p->label, bar, frac * 100,
            (unsigned long long)rows, rate);
    fflush(p->out);
    p->drawn = 1;
}

void fk_progress_done(struct fk_progress *p)
{
    if (p->tty && p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->drawn = 0;
}

double fk_progress_elapsed(const struct fk_progress *p)
{
    return fk_mono_seconds() - p->started;
}
