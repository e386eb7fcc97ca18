/* SPDX-License-Identifier: MIT */
/* The request timers of fangkong serve (FK_HTTP_TIMING in the environment), kept apart from the
 * glue they measure: the phases a request's time goes to, histograms of them, and the report
 * printed on SIGUSR1 and at exit. Off (the default), each note costs one branch. */
#ifndef FK_SERVER_TIMING_H
#define FK_SERVER_TIMING_H

/* Per-request timers (FK_HTTP_TIMING=1 in the environment): where a request's time goes, as
 * histograms of 10 µs buckets printed to stderr when the server stops; FK_HTTP_TIMING=N (N > 1)
 * also logs every request that lived N ms or more, with its phases. Off, they cost one branch. */
enum tphase {
    TP_AUTH_WAIT, /* waiting for the lock on the first callback (the session check) */
    TP_AUTH_HOLD, /* holding it there */
    TP_WAIT,      /* waiting for the lock to answer */
    TP_HOLD,      /* holding it while the handler answers */
    TP_GEN,       /* of which: reading the store's generation */
    TP_ROUND,     /* of which: reading the round */
    TP_QUEUE,     /* rendering and queueing the answer (off the lock) */
    TP_SERVER,    /* first callback to the answer queued */
    TP_LIFE,      /* first callback to the answer sent (the completed callback) */
    TP_SWAP,      /* the builder holding the lock to swap an engine or tracer in */
    TP_TRACE,     /* one run of the tracer (srv_note_trace) */
    TP_N
};

/* Whether the timers run (FK_HTTP_TIMING set and not 0), and the life in ms past which a request
 * is logged (FK_HTTP_TIMING=N, N > 1; 0: none). Set once by timing_init, read-only after. */
extern int timing_on;
extern double timing_log_ms;

/* Reads FK_HTTP_TIMING from the environment. Call once at start, before any thread runs. */
void timing_init(void);
/* Counts secs in the histogram of phase p; nothing when the timers are off. Thread-safe. */
void tnote(enum tphase p, double secs);
/* Counts one answer for the calling daemon thread (the first 16 threads). Thread-safe. */
void tnote_thread(void);
/* Prints the timers so far to stderr, and with reset starts them again (SIGUSR1: one phase of a
 * benchmark at a time); the last line is "timing end". Nothing when the timers are off. */
void timing_report(int reset);

#endif
