/* SPDX-License-Identifier: MIT */
/* The read-ahead of a file import (see ahead.h).
 *
 * DESIGN NOTES
 * - Why: a samples import of 1 M rows spent a quarter of its time in roster look-ups, each a
 *   few dependent reads into a mapping of tens of MB that miss every cache (0.4 us alone, 1 us
 *   amid the import's own work). Prefetching them from the same thread gained nothing measurable
 *   (the search's later reads depend on its first), so the look-ups move to the machine's other
 *   core: this thread parses the file a second time (3 % of the import) and looks up each row's
 *   ID number, and the import's thread finds the answers in a ring, in file order.
 * - Exactness: an answer is used only for the same line and the same normalised ID number, and
 *   the look-up is a read of an index that does not change during the import, so the import's
 *   rows, rejects and counts are the same with or without it. Whatever the read-ahead cannot
 *   answer (it is behind, a record it read differently, a line it skipped) the import looks up
 *   itself, as before.
 * - The ring: one producer, one consumer, head and tail as C11 atomics. A full ring makes the
 *   producer wait on a condition variable until the consumer has drained half of it; the
 *   consumer never waits. Each side keeps its own reading of the other's count and publishes
 *   its own PUBLISH answers at a time, and an answer is one cache line: at 10 M, taking answers
 *   one shared count at a time cost 0.25 us a row, as the counts' lines moved between cores.
 * - Stopping: the consumer sets `stop` and wakes the producer, which ends at its next record. */
#include "ahead.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/idcard.h"

/* Answers in the ring: 16 K rows, 1.5 MB. */
#define RING 16384u

/* Longer ID numbers are not looked up ahead (a resident's has 18 bytes), so an answer fills one
 * cache line: the consumer reads each as the producer's core wrote it. */
#define ID_MAX 32

/* The producer publishes its answers this many at a time: the consumer, whose cached count
 * runs out, reads the shared one again, and each of those reads moves its cache line. */
#define PUBLISH 16

struct answer {
    uint64_t line;
    int64_t person;
    const char *grid;
    int rc;
    uint32_t n;
    char id[ID_MAX];
};

_Static_assert(sizeof(struct answer) == 64, "an answer is one cache line");

struct fk_ahead {
    fk_csv *csv;
    size_t field;
    fk_ahead_find find;
    void *ud;
    struct answer *ring;
    _Atomic uint64_t head; /* answers published; only the producer stores it */
    uint64_t seen;         /* the consumer's last reading of head */
    uint64_t tail_seen;    /* the producer's last reading of tail */
    _Atomic uint64_t tail; /* answers consumed; only the consumer stores it */
    _Atomic int stop;
    _Atomic int waiting; /* the producer waits for room */
    _Atomic int done;    /* the producer has read the whole file */
    int wait;            /* fk__ahead_set_wait: the consumer waits for answers */
    pthread_mutex_t mu;
    pthread_cond_t room;
    pthread_t thread;
    uint64_t taken, asked;
};

static int wait_for_answers;

void fk__ahead_set_wait(int on)
{
    wait_for_answers = on;
}

/* Waits until the ring has room for one more answer, the answers up to head published; 0 when
 * told to stop. */
static int wait_room(fk_ahead *a, uint64_t head)
{
    int go = 1;

    if (head - a->tail_seen < RING)
        return !atomic_load_explicit(&a->stop, memory_order_relaxed);
    a->tail_seen = atomic_load(&a->tail);
    if (head - a->tail_seen < RING)
        return !atomic_load(&a->stop);
    atomic_store(&a->head, head);
    pthread_mutex_lock(&a->mu);
    atomic_store(&a->waiting, 1);
    /* Checked again after `waiting` is set: a consumer that advanced the tail before seeing it
     * left room this sees; one that advanced it after signals under the mutex. */
    while (head - atomic_load(&a->tail) >= RING / 2 && !atomic_load(&a->stop))
        pthread_cond_wait(&a->room, &a->mu);
    atomic_store(&a->waiting, 0);
    a->tail_seen = atomic_load(&a->tail);
    go = !atomic_load(&a->stop);
    pthread_mutex_unlock(&a->mu);
    return go;
}

static void *produce(void *ud)
{
    fk_ahead *a = ud;
    uint64_t head = 0;
    int r;

    while ((r = fk_csv_next(a->csv)) != 0) {
        struct answer *e;
        fk_slice s;
        char id[ID_MAX];
        size_t n;

        if (r == FK_EIO)
            break;
        if (r < 0 || a->field >= fk_csv_nfields(a->csv))
            continue; /* a record the import rejects, or one without the column */
        s = fk_slice_trim(fk_csv_field(a->csv, a->field));
        if (s.n == 0 || s.n >= ID_MAX)
            continue;
        n = fk_id_normalize(s.p, s.n, id, sizeof id);
        if (n == 0 || n >= ID_MAX)
            continue;
        if (!wait_room(a, head))
            break;
        e = &a->ring[head % RING];
        e->line = fk_csv_line(a->csv);
        e->rc = a->find(a->ud, id, n, &e->person, &e->grid);
        e->n = (uint32_t)n;
        memcpy(e->id, id, n);
        if (++head % PUBLISH == 0)
            atomic_store(&a->head, head);
    }
    atomic_store(&a->head, head);
    atomic_store(&a->done, 1);
    return NULL;
}

/* Frees a, whose thread is not running (never started, or joined). */
static void release(fk_ahead *a)
{
    fk_csv_close(a->csv);
    pthread_cond_destroy(&a->room);
    pthread_mutex_destroy(&a->mu);
    free(a->ring);
    free(a);
}

int fk_ahead_start(const char *path, const struct fk_csv_opts *opts, size_t field,
                   fk_ahead_find find, void *ud, fk_ahead **out)
{
    fk_ahead *a;
    char err[256];

    *out = NULL;
    a = calloc(1, sizeof *a);
    if (!a)
        return FK_ENOMEM;
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->room, NULL);
    a->ring = aligned_alloc(64, RING * sizeof *a->ring);
    if (!a->ring) {
        release(a);
        return FK_ENOMEM;
    }
    a->field = field;
    a->find = find;
    a->ud = ud;
    atomic_init(&a->head, 0);
    atomic_init(&a->tail, 0);
    atomic_init(&a->stop, 0);
    atomic_init(&a->waiting, 0);
    atomic_init(&a->done, 0);
    a->wait = wait_for_answers;
    /* The header is the import's: the answers start at the second record. */
    if (fk_csv_open_path(path, opts, &a->csv, err, sizeof err) != FK_OK ||
        fk_csv_next(a->csv) <= 0 || pthread_create(&a->thread, NULL, produce, a) != 0) {
        release(a);
        return FK_EIO;
    }
    *out = a;
    return FK_OK;
}

/* The consumer moved the tail to t: wakes a producer waiting for room once half is free. */
static void consumed(fk_ahead *a, uint64_t t)
{
    atomic_store(&a->tail, t);
    if (atomic_load(&a->waiting) && atomic_load(&a->head) - t < RING / 2) {
        pthread_mutex_lock(&a->mu);
        pthread_cond_signal(&a->room);
        pthread_mutex_unlock(&a->mu);
    }
}

int fk_ahead_take(fk_ahead *a, uint64_t line, const char *id, size_t n, int *rc, int64_t *person,
                  const char **grid)
{
    uint64_t t = atomic_load_explicit(&a->tail, memory_order_relaxed), h = a->seen;
    int found = 0, done;

    a->asked++;
    for (;;) {
        uint64_t now;

        /* The answers of earlier lines are of rows the import has passed. */
        while (t < h && a->ring[t % RING].line < line)
            t++;
        if (t < h)
            break;
        done = atomic_load(&a->done); /* before head: once done, head is final */
        now = atomic_load_explicit(&a->head, memory_order_acquire);
        if (now != h) {
            h = a->seen = now;
            continue;
        }
        if (!a->wait || done)
            break;
        /* Tests: waits for the producer, which may be waiting for the room this frees. */
        consumed(a, t);
        sched_yield();
    }
    if (t < h && a->ring[t % RING].line == line) {
        const struct answer *e = &a->ring[t % RING];

        if (e->n == n && memcmp(e->id, id, n) == 0) {
            *rc = e->rc;
            *person = e->person;
            *grid = e->grid;
            found = 1;
            a->taken++;
        }
        /* Kept: a row may ask again (arrivals do). */
    }
    /* The tail is shared with the producer's core: moved PUBLISH answers at a time. */
    if (t - atomic_load_explicit(&a->tail, memory_order_relaxed) >= PUBLISH)
        consumed(a, t);
    return found;
}

/* The counts of the read-ahead stopped last (tests). */
static uint64_t last_taken, last_asked;

void fk__ahead_last_counts(uint64_t *taken, uint64_t *asked)
{
    *taken = last_taken;
    *asked = last_asked;
}

void fk_ahead_stop(fk_ahead *a)
{
    if (!a)
        return;
    atomic_store(&a->stop, 1);
    pthread_mutex_lock(&a->mu);
    pthread_cond_signal(&a->room);
    pthread_mutex_unlock(&a->mu);
    pthread_join(a->thread, NULL);
    last_taken = a->taken;
    last_asked = a->asked;
    release(a);
}
