/* SPDX-License-Identifier: MIT */
/* The request timers of fangkong serve (timing.h): FK_HTTP_TIMING=1 times every request's phases
 * (lock waits and holds, store reads, queueing, the whole life) and prints the percentiles and
 * the answers per thread on SIGUSR1 (then starts again) and at exit; FK_HTTP_TIMING=N also logs
 * each request that lived N ms or more. Histograms are atomics: any thread notes, none locks. */
#include "timing.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server.h"

void timing_init(void)
{
    const char *t = getenv("FK_HTTP_TIMING");

    timing_on = t && *t && strcmp(t, "0") != 0;
    timing_log_ms = timing_on ? strtod(t, NULL) : 0;
    if (timing_log_ms <= 1)
        timing_log_ms = 0;
}

static const char *const tphase_name[TP_N] = {
    "auth lock wait",    "auth lock hold", "lock wait",    "lock hold",
    "  generation read", "  round read",   "render+queue", "server (to queued)",
    "life (to sent)",    "builder swap",   "trace run",
};
#define TBUCKETS 20000 /* of 10 µs: up to 200 ms, then one overflow bucket */
int timing_on;
double timing_log_ms;
static atomic_ulong thist[TP_N][TBUCKETS + 1];
static _Atomic double tmax[TP_N];

void tnote(enum tphase p, double secs)
{
    double us = secs * 1e6, m;
    size_t b;

    if (!timing_on)
        return;
    b = us < 0 ? 0 : (size_t)(us / 10.0);
    if (b > TBUCKETS)
        b = TBUCKETS;
    atomic_fetch_add(&thist[p][b], 1);
    m = atomic_load(&tmax[p]);
    while (secs > m && !atomic_compare_exchange_weak(&tmax[p], &m, secs))
        ;
}

#define TTHREADS 16
static atomic_long tthread_id[TTHREADS];
static atomic_ulong tthread_n[TTHREADS];

void tnote_thread(void)
{
    static _Thread_local int slot = -1;
    long tid, zero;
    int i;

    if (!timing_on)
        return;
    if (slot < 0) {
        tid = (long)syscall(SYS_gettid);
        for (i = 0; i < TTHREADS && slot < 0; i++) {
            zero = 0;
            if (atomic_load(&tthread_id[i]) == tid ||
                atomic_compare_exchange_strong(&tthread_id[i], &zero, tid))
                slot = i;
        }
        if (slot < 0)
            return;
    }
    atomic_fetch_add(&tthread_n[slot], 1);
}

void timing_report(int reset)
{
    static const double qs[] = {0.5, 0.9, 0.99, 0.999};
    size_t p, b, q;

    if (!timing_on)
        return;
    fprintf(stderr, "fangkong serve: timing (ms)%*s %9s %8s %8s %8s %8s %8s\n", 8, "", "count",
            "p50", "p90", "p99", "p99.9", "max");
    for (p = 0; p < TP_N; p++) {
        unsigned long n = 0, acc = 0;
        double v[4] = {0, 0, 0, 0};

        for (b = 0; b <= TBUCKETS; b++)
            n += atomic_load(&thist[p][b]);
        if (!n)
            continue;
        for (b = 0, q = 0; b <= TBUCKETS && q < 4; b++) {
            acc += atomic_load(&thist[p][b]);
            while (q < 4 && (double)acc >= qs[q] * (double)n)
                v[q++] = (double)(b + 1) * 0.01;
        }
        fprintf(stderr, "fangkong serve: timing %-22s %9lu %8.2f %8.2f %8.2f %8.2f %8.2f\n",
                tphase_name[p], n, v[0], v[1], v[2], v[3], atomic_load(&tmax[p]) * 1e3);
    }
    for (p = 0; p < TTHREADS; p++) {
        if (atomic_load(&tthread_n[p]))
            fprintf(stderr, "fangkong serve: timing thread %ld answered %lu\n",
                    (long)atomic_load(&tthread_id[p]), (unsigned long)atomic_load(&tthread_n[p]));
        if (reset)
            atomic_store(&tthread_n[p], 0);
    }
    for (p = 0; reset && p < TP_N; p++) {
        for (b = 0; b <= TBUCKETS; b++)
            atomic_store(&thist[p][b], 0);
        atomic_store(&tmax[p], 0.0);
    }
    /* The last line, after any reset: a test waits for it instead of sleeping. */
    fprintf(stderr, "fangkong serve: timing end%s\n", reset ? " (reset)" : "");
    fflush(stderr);
}

void srv_note_trace(double started)
{
    tnote(TP_TRACE, fk_mono_seconds() - started);
}

double srv_clock(void)
{
    return fk_mono_seconds();
}
