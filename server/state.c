/* SPDX-License-Identifier: MIT */
/* The state of fangkong serve that handlers reach under the server lock (server.h): the store,
 * the engine, control index and tracer with their generations, the builder thread that rebuilds
 * them off the lock, cached answers and memos, the rounds kept between generation reads, the
 * answers to writes held until the engine reflects them, and the password hash threads.
 *
 * DESIGN NOTES
 * - The engine and tracer are never rebuilt under the server lock. Every committed import batch
 *   moves the store's generation, and rebuilding a city's indexes takes seconds (1 s at 1 M
 *   residents on an idle machine, 10 s at 10 M): rebuilt under the lock, as fk_engine_sync would,
 *   every request behind it would wait that long, again after every batch of an import. Instead a
 *   builder thread builds a complete new engine on a store connection of its own, off the lock,
 *   swaps the pointer in under the lock and frees the old one off it. Requests meanwhile are
 *   answered from the current engine: an answer reflects the generation of the last completed
 *   build, which it names in the X-Fangkong-Generation header.
 * - The control index (fk_ctl) reads the engine, so it is built by the builder with each new
 *   engine, on the same connection, and warmed (names, samples) before both are swapped in
 *   together: at 10 M residents a build takes 3 s and the first list 5 s, which no request should
 *   wait for under the lock. Requests answer from the current index until then, as from the
 *   engine. Only a control batch (orders opened, released, moved), which moves the store's
 *   control generation and not the engine's, makes srv_ctl rebuild it under the lock, so that a
 *   write through the API is seen by the next read; that rebuild reads only the orders again and
 *   takes the arrivals, occupations, names and samples from its predecessor (fk_ctl_rebuild),
 *   which a control batch cannot have changed. The first one is built at start, before the
 *   daemons listen, as the engine is opened.
 * - The gate-check index (fk_gate_index: ID numbers to persons, each one's latest negative and
 *   positive, cases, orders) is built at start, so that a gate is answered in microseconds from
 *   the first check, and, once a gate check has come, with every engine, by the builder off the
 *   lock. A server no gate asks (a mass screening's, its engine rebuilt every second or two as
 *   the sampling tables commit) does not read every person again at each build; its first check
 *   after a rebuild builds the index under the lock, once. A control batch moves
 *   only its orders, which srv_gate reads again under the lock (at most every 100 ms, at once
 *   after a write through the API), as srv_ctl does. Its memory is about 30 bytes a resident.
 * - The tracer (4 M scans and 4 M pings take longer than the engine) is rebuilt the same way, but
 *   only once a request has used it stale (the dashboard, tracing): an import of samples alone
 *   does not pay for it. Its answers may lag the engine's by a build; the dashboard's cache is
 *   keyed by both generations, and its contact counts are kept per scope for the tracer they
 *   came from (srv_tracer_memo_get). The first tracer is built at start, before the daemons
 *   listen, with progress on stderr (srv_start_tracer); srv_tracer builds it under the lock only
 *   when that failed.
 * - Issue 19: a tracer build first asks the store whether anything the tracer reads changed
 *   since the tracer it would replace (fk_store_index_generation): after samples, results or a
 *   round it is kept, its generation moved on, with no rebuild. A build that caught up with the
 *   store (no write since) writes its snapshot beside the data file, so a restart, and a verb on
 *   the same data file, maps it; during a long import only the last build writes.
 * - Two store connections: the handlers' own, which every answer reads through under the lock
 *   (names and phones too: the engine and tracer take the caller's connection for them), and
 *   the builder's, which every build reads through off it. An index the builder built is handed
 *   the handlers' connection as it is swapped in (fk_ctl_set_store), so nothing a request uses
 *   reads through the builder's while the next build runs.
 * - A request looks at the store's generation once (its first srv_engine call, one SQLite read);
 *   when it moved past the engine's, it wakes the builder. During a long import the builder
 *   starts a build at most once per max(1 s, the last build's time) after the previous one ended,
 *   so it takes at most about half a core and the engine lags the store by one or two builds.
 *   Peak memory is two engines (and two tracers): the one serving and the one being built.
 * - Read-your-writes: a write through the API (an import, a round) calls srv_invalidate, and its
 *   answer is held until the engine, and the tracer when there is one, reflect the generation
 *   the write produced: the connection is suspended (MHD_suspend_connection, so no MHD thread
 *   blocks), the builder is asked to build both at once, and it resumes the connection when they
 *   are swapped in (or an attempt failed: the answer then goes out and the log says why). Whoever
 *   reads after that answer sees the write. Writes made outside the server (fangkong import on
 *   the same data file) show up one build later. On stop the builder finishes its build and
 *   resumes every held answer before the daemon stops, as libmicrohttpd requires.
 * - The round a request names is kept from one generation read to the next (srv_round): the
 *   steady stream of dashboard and coverage requests reads nothing from SQLite between two of
 *   them, so a commit by an import in another process (which resets the connection's page cache)
 *   costs one request a few page reads, not every request, under the lock.
 * - Passwords are hashed off the lock and off the daemons' threads: a handler hands the argon2id
 *   work (0.1 s and 64 MiB each) to a small pool of hash threads (srv_defer) and its connection
 *   is suspended until a hash thread has finished the answer under the lock. The pool takes at
 *   most HASH_PENDING jobs; past that a sign-in is answered 503 with Retry-After at once, so a
 *   flood of sign-ins costs at most HASH_THREADS cores and never slows the other requests. */
#include "state.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mhd.h"
#include "reply.h"
#include "timing.h"

#define REBUILD_GAP_MIN 1.0 /* seconds between background builds, at least */
#define HASH_PENDING 8      /* hashes running or waiting; past that, 503 */

/* ---- shared state ---- */

fk_store *srv_store(struct req *r)
{
    return r->srv->st;
}

const struct fk_profile *srv_profile(struct req *r)
{
    return &r->srv->prof;
}

const char *srv_upload_dir(struct req *r)
{
    return r->srv->upload_dir;
}

const char *srv_snapshot_path(const struct server *s, const char *kind, char *buf, size_t cap)
{
    /* Never NULL for a server: srv_state_open refused a store without such a place. */
    if (!fk_store_local_path(s->o.db, s->o.state, kind, buf, cap))
        snprintf(buf, cap, "%s.%s", s->o.db, kind);
    return buf;
}

void srv_import_snapshots(struct req *r, struct fk_import_snapshots *s, char paths[3][1100])
{
    memset(s, 0, sizeof *s);
    s->engine = srv_snapshot_path(r->srv, "engine", paths[0], sizeof paths[0]);
    s->tracer = srv_snapshot_path(r->srv, "tracer", paths[1], sizeof paths[1]);
    s->roster = srv_snapshot_path(r->srv, "roster", paths[2], sizeof paths[2]);
    s->extend_only = 1;
}

/* The store generation the current engine reflects; -1 with none. Under the lock. */
static int64_t engine_generation(const struct server *s)
{
    struct fk_engine_stats es;

    if (!s->eng)
        return -1;
    fk_engine_stats(s->eng, &es);
    return es.generation;
}

/* Tells the builder that the store is at generation g; urgent: a write waits for it, so the
 * tracer (when there is one) is wanted too and there is no pause. Under the lock. */
void want_generation(struct server *s, int64_t g, int urgent)
{
    int more = g > s->want_gen;

    if (!s->builder_running)
        return;
    if (more)
        s->want_gen = g;
    if (urgent && !s->urgent) {
        s->urgent = 1;
        s->tr_wanted = 1;
        more = 1;
    }
    if (more)
        pthread_cond_signal(&s->wake);
}

fk_engine *srv_engine(struct req *r)
{
    struct server *s = r->srv;
    char err[512];
    int64_t g;
    int rc;

    if (!s->eng) {
        /* Only when the server started without one; the builder takes over from here. */
        rc = fk_engine_build(s->st, &s->prof, &s->eng, err, sizeof err);
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            return NULL;
        }
    }
    /* One SQLite read tells whether the store moved; under load, once per 100 ms is enough (an
     * import from the command line shows up that much later; writes through the API are waited
     * for by srv_invalidate regardless). */
    if (!r->gen_checked && fk_mono_seconds() - s->gen_checked_at >= 0.1) {
        double t = fk_mono_seconds();

        s->gen_checked_at = t;
        s->gen_reads++; /* the rounds srv_round keeps are read again from here on */
        rc = fk_store_generation(s->st, &g);
        r->t_gen += fk_mono_seconds() - t;
        if (rc != FK_OK) {
            reply_fk(r, rc, fk_store_errmsg(s->st));
            return NULL;
        }
        r->gen_checked = 1;
        if (timing_log_ms > 0 && g != s->want_gen && g > engine_generation(s))
            fprintf(stderr, "fangkong serve: store at generation %lld at %.3f\n", (long long)g, t);
        if (g > engine_generation(s))
            want_generation(s, g, 0);
    }
    r->generation = engine_generation(s);
    return s->eng;
}

fk_tracer *srv_tracer(struct req *r)
{
    struct server *s = r->srv;
    char err[512];
    int64_t g;
    int rc;

    if (!srv_engine(r))
        return NULL;
    if (s->tr) {
        /* Stale: answer from it, and have the builder make a new one (DESIGN NOTES). */
        if (s->tr_gen < s->want_gen && !s->tr_wanted) {
            s->tr_wanted = 1;
            pthread_cond_signal(&s->wake);
        }
        return s->tr;
    }
    /* The first one is built here, under the lock, on the handlers' connection, which the lock
     * guards: the builder may be building an engine on its own. */
    rc = fk_store_generation(s->st, &g);
    if (rc == FK_OK)
        rc = fk_tracer_build(s->st, &s->prof, &s->tr, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(s->st));
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    s->tr_gen = g;
    return s->tr;
}

fk_ctl *srv_ctl(struct req *r)
{
    struct server *s = r->srv;
    fk_engine *e = srv_engine(r);
    int64_t g, cg, store_cg = -1;
    fk_ctl *c = NULL, *old;
    char err[512];
    int rc;

    if (!e)
        return NULL;
    s->ctl_used = 1;
    /* The store's generation moves with every import: the builder brings a new engine and index
     * together. Only the control generation, which moves no engine, is checked here. */
    if (s->ctl && s->ctl_eng == e) {
        fk_ctl_built_at(s->ctl, &g, &cg);
        rc = fk_store_control_generation(s->st, &store_cg);
        if (rc != FK_OK) {
            reply_fk(r, rc, fk_store_errmsg(s->st));
            return NULL;
        }
        if (store_cg == cg)
            return s->ctl;
    }
    /* After a control batch only the orders changed: the rebuild reads them again and takes the
     * rest (arrivals, occupations, names, samples) from the current index. */
    rc = s->ctl && s->ctl_eng == e ? fk_ctl_rebuild(s->ctl, s->st, &c, err, sizeof err)
                                   : fk_ctl_build(s->st, e, &s->prof, &c, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    old = s->ctl;
    s->ctl = c;
    s->ctl_eng = e;
    fk_ctl_free(old);
    return c;
}

static int keep_last_round(void *ud, const struct fk_round *rd)
{
    *(struct fk_round *)ud = *rd;
    return 0;
}

int srv_round(struct req *r, const char *name, struct fk_round *out)
{
    struct server *s = r->srv;
    struct round_entry *e;
    double t = timing_on ? fk_mono_seconds() : 0;
    unsigned i;
    int rc;

    memset(out, 0, sizeof *out);
    /* The generation check first: when it reads the store (at most every 100 ms), the rounds
     * kept before it are stale, and this request reads its round from the store again. */
    if (!srv_engine(r))
        return FK_EDB;
    for (i = 0; i < ROUND_SLOTS; i++) {
        e = &s->rounds[i];
        if (e->valid && e->gen_reads == s->gen_reads &&
            (name ? !e->latest && strcmp(e->round.name, name) == 0 : e->latest)) {
            *out = e->round;
            return FK_OK;
        }
    }
    if (name) {
        rc = fk_store_get_round(s->st, name, out);
    } else {
        rc = fk_store_each_round(s->st, keep_last_round, out);
        if (rc == FK_OK && !out->name[0])
            rc = FK_ENOENT;
    }
    if (rc == FK_OK) {
        e = &s->rounds[s->rounds_next++ % ROUND_SLOTS];
        e->valid = 1;
        e->latest = !name;
        e->gen_reads = s->gen_reads;
        e->round = *out;
    } else if (rc != FK_ENOENT) {
        reply_fk(r, rc, fk_store_errmsg(s->st));
    }
    if (timing_on)
        r->t_round += fk_mono_seconds() - t;
    return rc;
}

/* 1 when waiter w may be answered: the engine, and the tracer when there is one, reflect its
 * write or were tried since (and failed), or the server stops. Under the lock. */
int waiter_done(const struct server *s, const struct req *w)
{
    int64_t g = w->wait_generation;

    if (s->quit)
        return 1;
    if (engine_generation(s) < g && s->eng_tried < g)
        return 0;
    return !s->tr || s->tr_gen >= g || s->tr_tried >= g;
}

/* Resumes the suspended answers that may go out now. Under the lock. */
static void resume_waiters(struct server *s)
{
    struct req **pp = &s->waiters;

    while (*pp) {
        struct req *w = *pp;

        if (waiter_done(s, w)) {
            *pp = w->next_waiter;
            w->next_waiter = NULL;
            w->suspended = 0;
            sym_MHD_resume_connection(w->conn);
        } else {
            pp = &w->next_waiter;
        }
    }
}

/* A control index over the engine e, built on e's connection st and warmed, into *out; NULL
 * (logged) when it fails, and srv_ctl then builds one under the lock. done ("built", "rebuilt")
 * names it in the log. Off the lock: on an engine not yet swapped in, or before the daemons
 * start. */
static void build_ctl(struct server *s, fk_store *st, fk_engine *e, fk_ctl **out, const char *done)
{
    double t0 = fk_mono_seconds();
    char err[512];
    int rc = fk_ctl_build(st, e, &s->prof, out, err, sizeof err);

    if (rc == FK_OK) {
        rc = fk_ctl_warm(*out);
        if (rc != FK_OK) {
            snprintf(err, sizeof err, "control: %s", fk_strerror(rc));
            fk_ctl_free(*out);
            *out = NULL;
        }
    }
    if (rc == FK_OK)
        fprintf(stderr, "fangkong serve: control index %s in %.2f s\n", done,
                fk_mono_seconds() - t0);
    else
        fprintf(stderr, "fangkong serve: the control index: %s (built on first use)\n", err);
}

/* A gate index over engine e, built on e's connection st, into *out, with the control generation
 * its orders reflect in *cg (read first, so a batch during the build is read again); NULL (logged)
 * when it fails, and srv_gate then builds one under the lock. Off the lock, as build_ctl. */
static void build_gate(fk_store *st, fk_engine *e, fk_gate_index **out, int64_t *cg)
{
    double t0 = fk_mono_seconds();
    char err[512];
    int rc = fk_store_control_generation(st, cg);

    if (rc == FK_OK)
        rc = fk_gate_index_build(st, e, out, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(st));
    if (rc == FK_OK)
        fprintf(stderr, "fangkong serve: gate index of %zu persons built in %.2f s (%zu MiB)\n",
                fk_gate_index_persons(*out), fk_mono_seconds() - t0,
                fk_gate_index_bytes(*out) >> 20);
    else
        fprintf(stderr, "fangkong serve: the gate index: %s (built on first use)\n", err);
}

/* After a build at generation g of the engine (tracer 0) or the tracer (1), when no write came
 * since: its snapshot beside the data file, so that a restart and a verb on the same data file
 * map it rather than build (issue 19). Not during a long import, whose batches keep coming: its
 * last build writes it. Called under the lock, dropped while writing; only the builder frees an
 * engine or a tracer, so the one written stays. */
static void save_snapshot(struct server *s, int tracer, int64_t g)
{
    void *x = tracer ? (void *)s->tr : (void *)s->eng;
    char path[1100], err[512];
    int64_t now;
    int rc;

    if (!x || fk_store_generation(s->bst, &now) != FK_OK || now != g)
        return;
    srv_snapshot_path(s, tracer ? "tracer" : "engine", path, sizeof path);
    pthread_mutex_unlock(&s->lock);
    rc = tracer ? fk_tracer_save(x, g, path, err, sizeof err)
                : fk_engine_save(x, path, err, sizeof err);
    pthread_mutex_lock(&s->lock);
    if (rc != FK_OK)
        fprintf(stderr, "fangkong serve: the %s snapshot: %s (the next start builds it)\n",
                tracer ? "tracer" : "engine", err);
}

/* One build attempt of the engine (tracer 0) or the tracer (1): called and returning under the
 * lock, which it drops while it builds. */
static void build_once(struct server *s, int tracer)
{
    fk_store *st = s->bst;
    int64_t target = s->want_gen, g = -1, had = s->tr ? s->tr_gen : -1, ig = -1;
    int with_ctl = !tracer && s->ctl_used, with_gate = !tracer && s->gate_used, kept = 0,
        mapped = 0;
    fk_engine *e = NULL;
    fk_tracer *t = NULL;
    fk_ctl *c = NULL, *old_ctl = NULL;
    fk_gate_index *gi = NULL, *old_gate = NULL;
    int64_t gcg = -1;
    void *old = NULL;
    double t0 = fk_mono_seconds(), took;
    char err[512], snap[1100];
    int rc;

    if (tracer)
        s->tr_wanted = 0; /* asking again from here on means after this build */
    pthread_mutex_unlock(&s->lock);
    if (!tracer) {
        /* An import through the API extended the snapshot: mapped and checked, not built. */
        rc = fk_engine_load(st, &s->prof, srv_snapshot_path(s, "engine", snap, sizeof snap), &e,
                            err, sizeof err);
        mapped = rc == FK_OK && fk_engine_verify(e, err, sizeof err) == FK_OK;
        if (!mapped) {
            fk_engine_free(e);
            e = NULL;
            rc = fk_engine_build(st, &s->prof, &e, err, sizeof err);
        }
        if (rc == FK_OK && with_ctl)
            build_ctl(s, st, e, &c, "rebuilt");
        /* Not for a server no gate has asked yet: during a mass screening it would read every
         * person again at each build (a third of a core at 200 000 residents) for no one. */
        if (rc == FK_OK && with_gate)
            build_gate(st, e, &gi, &gcg);
    } else {
        rc = fk_store_generation(st, &g);
        if (rc == FK_OK)
            rc = fk_store_index_generation(st, FK_FEEDS_TRACER, &ig);
        /* Nothing the tracer reads changed since its build (samples, results, rounds): it
         * reflects g as it is (issue 19), with no minutes-long rebuild at 700 M scans. */
        kept = rc == FK_OK && had >= 0 && ig <= had;
        /* Else its snapshot when an import extended it to the store's generation. */
        if (rc == FK_OK && !kept)
            mapped = fk_tracer_load(st, &s->prof, srv_snapshot_path(s, "tracer", snap, sizeof snap),
                                    &t, err, sizeof err) == FK_OK;
        if (rc == FK_OK && !kept && !mapped)
            rc = fk_tracer_build(st, &s->prof, &t, err, sizeof err);
        else if (rc != FK_OK)
            snprintf(err, sizeof err, "%s", fk_store_errmsg(st));
    }
    took = fk_mono_seconds() - t0;
    pthread_mutex_lock(&s->lock);
    t0 = fk_mono_seconds();
    if (rc == FK_OK && !tracer) {
        old = s->eng;
        s->eng = e;
        g = engine_generation(s);
        /* The index over the old engine goes with it; without a new one, srv_ctl builds one. The
         * new one reads through the handlers' connection from here on, not the builder's. */
        old_ctl = s->ctl;
        if (c)
            fk_ctl_set_store(c, s->st);
        s->ctl = c;
        s->ctl_eng = c ? e : NULL;
        old_gate = s->gate;
        s->gate = gi;
        s->gate_eng = gi ? e : NULL;
        s->gate_cg = gcg;
        s->gate_cg_at = 0; /* compared with the store's at the next check */
    } else if (rc == FK_OK && kept) {
        if (s->tr && s->tr_gen == had && g > s->tr_gen)
            s->tr_gen = g;
    } else if (rc == FK_OK) {
        old = s->tr;
        s->tr = t;
        s->tr_gen = g;
    }
    if (rc == FK_OK && kept) {
        fprintf(stderr,
                "fangkong serve: tracer kept at generation %lld (its data unchanged "
                "since %lld)\n",
                (long long)g, (long long)had);
    } else if (rc == FK_OK) {
        fprintf(stderr, "fangkong serve: %s %s at generation %lld in %.2f s\n",
                tracer ? "tracer" : "engine", mapped ? "mapped from its snapshot" : "rebuilt",
                (long long)g, took);
        if (timing_log_ms > 0)
            fprintf(stderr, "fangkong serve: swapped in at %.3f\n", t0);
    } else {
        fprintf(stderr, "fangkong serve: rebuilding the %s: %s (answers stay as they were)\n",
                tracer ? "tracer" : "engine", err);
    }
    if (tracer && target > s->tr_tried)
        s->tr_tried = target;
    if (!tracer && target > s->eng_tried)
        s->eng_tried = target;
    s->next_build = fk_mono_seconds() + (took > REBUILD_GAP_MIN ? took : REBUILD_GAP_MIN);
    resume_waiters(s);
    tnote(TP_SWAP, fk_mono_seconds() - t0);
    if (old) {
        /* Nobody holds it: handlers use the engine and tracer only under the lock. */
        pthread_mutex_unlock(&s->lock);
        fk_ctl_free(old_ctl); /* before the engine it reads */
        fk_gate_index_free(old_gate);
        if (tracer)
            fk_tracer_free(old);
        else
            fk_engine_free(old);
        pthread_mutex_lock(&s->lock);
    }
    if (rc == FK_OK && !kept && !mapped)
        save_snapshot(s, tracer, g);
}

static void *builder_main(void *arg)
{
    struct server *s = arg;
    unsigned seen = 0;

    /* Requests first: the builder yields the cores to the handler threads (nice 10 for this
     * thread only; Linux takes a thread id here). A build then takes longer under load, answers
     * do not wait for it. Failing to lower it changes nothing else. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    pthread_mutex_lock(&s->lock);
    while (!s->quit) {
        int eng_stale = s->want_gen > engine_generation(s);
        int tr_stale = s->tr && s->tr_wanted && s->want_gen > s->tr_gen;
        double now = fk_mono_seconds();

        if (!eng_stale && !tr_stale) {
            s->urgent = 0;
            s->tr_wanted = s->tr_wanted && s->tr && s->want_gen > s->tr_gen;
            resume_waiters(s);
            pthread_cond_wait(&s->wake, &s->lock);
        } else if (!s->urgent && now < s->next_build) {
            struct timespec until;
            double left = s->next_build - now;

            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += (time_t)left;
            until.tv_nsec += (long)((left - (double)(time_t)left) * 1e9);
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&s->wake, &s->lock, &until);
        } else {
            int urgent = s->urgent;

            /* The engine first: every screening answer needs it; the tracer only the dashboard
             * and tracing. An urgent round builds both without the pause between them. */
            build_once(s, !eng_stale);
            if (urgent && eng_stale && s->tr && s->want_gen > s->tr_gen)
                build_once(s, 1);
            srv_note_reconnect(s->bst, &seen, "builder's");
            if (urgent && !s->waiters)
                s->urgent = 0;
        }
    }
    resume_waiters(s);
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int in_scope(struct req *r, const char *code)
{
    fk_engine *e = srv_engine(r);

    return e && fk_engine_region_inside(e, code, r->who.scope);
}

int person_in_scope(struct req *r, const char *id, int64_t *pid)
{
    struct fk_person_row p;

    return fk_store_find_person(srv_store(r), id, pid) == FK_OK &&
           fk_store_get_person(srv_store(r), *pid, &p) == FK_OK && in_scope(r, p.grid);
}

int scope_within(struct req *r, const char *region, char *out, size_t cap)
{
    fk_engine *e = srv_engine(r);

    if (!e)
        return 0;
    if (fk_engine_region_inside(e, r->who.scope, region)) {
        fk_strlcpy(out, r->who.scope, cap);
        return 1;
    }
    if (fk_engine_region_inside(e, region, r->who.scope)) {
        fk_strlcpy(out, region, cap);
        return 1;
    }
    reply_error(r, 403, "forbidden", "ask for a region inside your scope",
                "region %s is outside your scope %s", region, r->who.scope);
    return 0;
}

int req_region(struct req *r, char *out, size_t cap)
{
    const char *region = req_arg(r, "region");

    if (!region || !*region) {
        fk_strlcpy(out, r->who.scope, cap);
        return 1;
    }
    return scope_within(r, region, out, cap);
}

int req_cut(struct req *r, int by, struct req_cut *c)
{
    const char *level = by ? req_arg(r, "by") : NULL;
    int asked;

    memset(c, 0, sizeof *c);
    c->by = FK_LEVEL_COUNTY;
    if (level && *level && !req_level(r, level, &c->by))
        return 0;
    if (!req_now(r, &c->now, &asked) || !req_region(r, c->within, sizeof c->within))
        return 0;
    c->region = c->within[0] ? c->within : NULL;
    c->e = srv_engine(r);
    return c->e != NULL;
}

struct fk_actor req_actor(const struct req *r)
{
    struct fk_actor a;

    a.name = r->who.name;
    a.role = r->who.role;
    a.scope = r->who.scope;
    return a;
}

void audit(struct req *r, const char *action, const char *target, const char *fmt, ...)
{
    char detail[1024], who[96];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(who, sizeof who, "%s", r->who.name[0] ? r->who.name : "anonymous");
    /* About the request's region (set in on_request). */
    fk_store_audit(r->srv->st, who, action, target, "%s", detail);
}

/* After a write: the cached answers and rounds go; the store's generation into *g. */
static int drop_cached(struct server *s, int64_t *g)
{
    unsigned i;

    for (i = 0; i < CACHE_SLOTS; i++)
        s->cache[i].key[0] = '\0';
    for (i = 0; i < ROUND_SLOTS; i++)
        s->rounds[i].valid = 0;
    s->gate_cg_at = 0; /* the gates' orders are compared with the store's at the next check */
    return fk_store_generation(s->st, g);
}

void srv_invalidate(struct req *r)
{
    int64_t g;

    /* on_request holds the answer until the engine and tracer reach g (read-your-writes). */
    if (drop_cached(r->srv, &g) == FK_OK && g > r->wait_generation)
        r->wait_generation = g;
}

void srv_changed(struct req *r)
{
    int64_t g;

    if (drop_cached(r->srv, &g) == FK_OK)
        want_generation(r->srv, g, 0);
}

int srv_cache_reply(struct req *r, const char *key)
{
    struct server *s = r->srv;
    int64_t g = engine_generation(s), tg = s->tr ? s->tr_gen : -1;
    unsigned i;

    if (!s->eng)
        return 0;
    for (i = 0; i < CACHE_SLOTS; i++) {
        if (s->cache[i].blob && strcmp(s->cache[i].key, key) == 0 && s->cache[i].generation == g &&
            s->cache[i].tr_generation == tg) {
            reply_blob(r, s->cache[i].blob);
            return 1;
        }
    }
    return 0;
}

int srv_tracer_memo_get(struct req *r, const char *key, void *out, size_t n)
{
    struct server *s = r->srv;
    unsigned i;

    for (i = 0; s->tr && i < TR_MEMO_SLOTS; i++) {
        const struct tr_memo *m = &s->tr_memo[i];

        if (m->tr == s->tr && m->tr_gen == s->tr_gen && m->len == n && strcmp(m->key, key) == 0) {
            memcpy(out, m->v, n);
            return 1;
        }
    }
    return 0;
}

void srv_tracer_memo_put(struct req *r, const char *key, const void *v, size_t n)
{
    struct server *s = r->srv;
    struct tr_memo *m = &s->tr_memo[s->tr_memo_next % TR_MEMO_SLOTS];

    if (!s->tr || n > TR_MEMO_BYTES || strlen(key) >= sizeof m->key)
        return;
    s->tr_memo_next++;
    fk_strlcpy(m->key, key, sizeof m->key);
    m->tr = s->tr;
    m->tr_gen = s->tr_gen;
    m->len = n;
    memcpy(m->v, v, n);
}

void srv_cache_put_reply(struct req *r, const char *key, const char *json, size_t n)
{
    struct server *s = r->srv;
    struct cache_entry *c = &s->cache[s->cache_next++ % CACHE_SLOTS];
    struct blob *b = malloc(sizeof *b + n);

    if (!b) {
        reply_json(r, json, n);
        return;
    }
    atomic_init(&b->refs, 1); /* the cache's */
    b->len = n;
    memcpy(b->data, json, n);
    blob_unref(c->blob);
    c->blob = b;
    fk_strlcpy(c->key, key, sizeof c->key);
    c->generation = engine_generation(s);
    c->tr_generation = s->tr ? s->tr_gen : -1;
    reply_blob(r, b);
}

/* The control index over the engine the server starts with, built and warmed before the first
 * request as the engine is opened: its first list would otherwise read every name it shows
 * under the lock (12 s at 10 M residents). Without one, srv_ctl builds it on first use. */
static void start_ctl(struct server *s)
{
    build_ctl(s, s->st, s->eng, &s->ctl, "built");
    if (!s->ctl)
        return;
    s->ctl_eng = s->eng;
    s->ctl_used = 1;
}

/* A build's progress on stderr, its stage in the label ("fangkong serve: tracer: scans"). */
struct build_progress {
    struct fk_progress p;
    char label[80];
};

static void on_build_progress(void *ud, const char *stage, uint64_t done, uint64_t total)
{
    struct build_progress *b = ud;
    char label[sizeof b->label];

    snprintf(label, sizeof label, "fangkong serve: tracer: %s", stage);
    if (strcmp(label, b->label) != 0) {
        memcpy(b->label, label, sizeof label);
        fk_progress_stage(&b->p, b->label);
    }
    fk_progress_update(&b->p, done, total, done);
}

/* The first tracer, built at start before the server listens, as the control index is. Built on
 * the first request that needs it (the dashboard), it held the lock, and so every request, for
 * as long as reading the store's scans and pings takes: 8 s for a city of 1 M persons with 20 M
 * scans, minutes for 10 M with 700 M. Progress goes to stderr. On failure srv_tracer builds it
 * on first use, as before. */
void srv_start_tracer(struct server *s)
{
    struct build_progress b;
    double t0 = fk_mono_seconds();
    fk_tracer *t = NULL;
    char err[512], snap[1100];
    int64_t g = -1;
    int rc = fk_store_generation(s->st, &g), loaded = 0;

    memset(&b, 0, sizeof b);
    fk_progress_init(&b.p, "fangkong serve: tracer", stderr);
    /* Mapped from the snapshot a trace left beside the data file when it is current (issue 19:
     * a server over 700 M scans starts in seconds), else built and written there. */
    srv_snapshot_path(s, "tracer", snap, sizeof snap);
    if (rc == FK_OK)
        rc = fk_tracer_open(s->st, &s->prof, snap, on_build_progress, &b, &t, &loaded, err,
                            sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(s->st));
    fk_progress_done(&b.p);
    if (rc != FK_OK) {
        fprintf(stderr, "fangkong serve: the tracer: %s (built on first use)\n", err);
        return;
    }
    /* The builder thread runs already (it reads these under the lock); it builds tracers only
     * once there is one, and on a connection of its own; no request runs yet, so none reads
     * through the handlers' connection, on which this one was built. */
    pthread_mutex_lock(&s->lock);
    s->tr = t;
    s->tr_gen = g;
    pthread_mutex_unlock(&s->lock);
    fprintf(stderr, "fangkong serve: tracer %s in %.2f s\n",
            loaded ? "mapped from its snapshot" : "built", fk_mono_seconds() - t0);
}

/* A hash thread: takes deferred jobs in order, runs each one's work off the lock and its finish
 * under it, and resumes its connection. On quit it finishes every queued job first, so no
 * connection stays suspended when the daemons stop. */
static void *hasher_main(void *arg)
{
    struct server *s = arg;
    struct req *r;

    for (;;) {
        pthread_mutex_lock(&s->jobs_lock);
        while (!s->jobs && !s->jobs_quit)
            pthread_cond_wait(&s->jobs_wake, &s->jobs_lock);
        r = s->jobs;
        if (r) {
            s->jobs = r->next_job;
            if (!s->jobs)
                s->jobs_tail = &s->jobs;
        }
        pthread_mutex_unlock(&s->jobs_lock);
        if (!r)
            return NULL;
        r->defer_work(r);
        pthread_mutex_lock(&s->lock);
        srv_finish_deferred(r);
        pthread_mutex_unlock(&s->lock);
        pthread_mutex_lock(&s->jobs_lock);
        s->jobs_pending--;
        pthread_mutex_unlock(&s->jobs_lock);
    }
}

void srv_finish_deferred(struct req *r)
{
    r->defer_finish(r);
    r->defer_finish = NULL;
    if (!r->status)
        reply_error(r, 500, "internal", NULL, "the server could not answer this request");
    r->suspended = 0;
    sym_MHD_resume_connection(r->conn);
}

int srv_defer(struct req *r, void (*work)(struct req *), void (*finish)(struct req *))
{
    struct server *s = r->srv;
    int queued = 0;

    pthread_mutex_lock(&s->jobs_lock);
    if (s->nhashers && !s->jobs_quit && s->jobs_pending < HASH_PENDING) {
        r->defer_work = work;
        r->defer_finish = finish;
        r->next_job = NULL;
        *s->jobs_tail = r;
        s->jobs_tail = &r->next_job;
        s->jobs_pending++;
        queued = 1;
        pthread_cond_signal(&s->jobs_wake);
    }
    pthread_mutex_unlock(&s->jobs_lock);
    if (!queued) {
        r->retry_after = 1;
        reply_error(r, 503, "busy", "try again in a second",
                    "the server is checking too many passwords at once");
    }
    return queued;
}

static void *watcher_main(void *arg);

int srv_state_open(struct server *s)
{
    const struct server_opts *o = &s->o;
    char err[1024];
    unsigned i;

    /* A PostgreSQL store has no folder of its own for the snapshots and the uploads. */
    if (!fk_store_local_path(o->db, o->state, "uploads", s->upload_dir, sizeof s->upload_dir)) {
        fprintf(stderr, "fangkong serve: %s\n",
                fk_store_is_pg(o->db)
                    ? "a server on PostgreSQL keeps its snapshots and uploads in a local folder: "
                      "set FANGKONG_STATE=DIR (made when missing)"
                    : "the data file's path is too long");
        return 1;
    }
    if (o->state && fk_store_is_pg(o->db) && mkdir(o->state, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fangkong serve: cannot make %s: %s\n", o->state, strerror(errno));
        return 1;
    }
    if (fk_store_open(o->db, &s->st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "fangkong serve: %s\n", err);
        return 1;
    }
    if (mkdir(s->upload_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fangkong serve: cannot make %s: %s\n", s->upload_dir, strerror(errno));
        return 1;
    }
    import_sweep(s->upload_dir, 1, time(NULL));
    {
        char snap[1100];
        int loaded;

        srv_snapshot_path(s, "engine", snap, sizeof snap);
        /* Checked whole before the request threads share it (fk/engine.h). */
        if (fk_engine_open(s->st, &s->prof, snap, &s->eng, &loaded, err, sizeof err) != FK_OK ||
            fk_engine_verify(s->eng, err, sizeof err) != FK_OK) {
            fprintf(stderr, "fangkong serve: %s\n", err);
            return 1;
        }
    }
    start_ctl(s);
    build_gate(s->st, s->eng, &s->gate, &s->gate_cg);
    s->gate_eng = s->gate ? s->eng : NULL;
    s->tally = fk_gate_tally_new();
    s->live_ix = fk_strmap_new();
    s->tally_every = gate_flush_seconds();
    if (!s->tally || !s->live_ix) {
        fprintf(stderr, "fangkong serve: out of memory\n");
        return 1;
    }
    if (fk_store_open(o->db, &s->bst, err, sizeof err) != FK_OK) {
        fprintf(stderr, "fangkong serve: %s\n", err);
        return 1;
    }
    if (pthread_create(&s->builder, NULL, builder_main, s) != 0) {
        fprintf(stderr, "fangkong serve: cannot start the engine builder thread\n");
        return 1;
    }
    s->builder_running = 1;
    /* Announcements, when the store makes them (PostgreSQL): another server's writes. */
    if (fk_store_is_pg(o->db)) {
        int64_t g;

        if (fk_store_open(o->db, &s->wst, err, sizeof err) != FK_OK) {
            fprintf(stderr, "fangkong serve: %s\n", err);
            return 1;
        }
        /* Listening from now on, before the first request reads the generation. */
        if (fk_store_watch(s->wst, 0, &g) == FK_EIO ||
            pthread_create(&s->watcher, NULL, watcher_main, s) != 0) {
            fprintf(stderr, "fangkong serve: cannot watch the store for other servers' writes\n");
            return 1;
        }
        s->watcher_running = 1;
    }
    for (i = 0; i < HASH_THREADS; i++) {
        if (pthread_create(&s->hashers[i], NULL, hasher_main, s) != 0) {
            fprintf(stderr, "fangkong serve: cannot start a password hash thread\n");
            return 1;
        }
        s->nhashers++;
    }
    return 0;
}

void srv_note_reconnect(fk_store *st, unsigned *seen, const char *who)
{
    char server[160];
    unsigned n = fk_store_reconnects(st, server, sizeof server);

    if (n == *seen)
        return;
    *seen = n;
    fprintf(stderr, "fangkong serve: the %s connection to the database is made again, to %s\n", who,
            server);
}

/* Hears the store's announcements of new generations (fk_store_watch) and hands each to the
 * builder, as a request that read the store would; looks at quit twice a second. A lost
 * connection is said once in the log and tried again at every watch (a multi-host URI finds a
 * promoted standby); meanwhile requests still read the generation, and the first watch on the
 * new connection announces it. */
static void *watcher_main(void *arg)
{
    struct server *s = arg;
    unsigned seen = 0;
    int64_t g;
    int rc, quit = 0, down = 0;

    while (!quit) {
        rc = fk_store_watch(s->wst, 500, &g);
        if (rc == FK_EIO && !down)
            fprintf(stderr,
                    "fangkong serve: no announcements from the database (%s); connecting again\n",
                    fk_store_errmsg(s->wst));
        down = rc == FK_EIO;
        if (rc == FK_OK)
            srv_note_reconnect(s->wst, &seen, "announcements'");
        pthread_mutex_lock(&s->lock);
        quit = s->quit;
        if (rc == FK_OK && !quit) {
            if (g > s->want_gen)
                fprintf(stderr, "fangkong serve: generation %lld announced by the store\n",
                        (long long)g);
            want_generation(s, g, 0);
        }
        pthread_mutex_unlock(&s->lock);
        if (rc != FK_OK && rc != FK_ENOENT && rc != FK_EIO) {
            fprintf(stderr,
                    "fangkong serve: no more announcements from the store (%s); requests "
                    "still read its generation\n",
                    fk_store_errmsg(s->wst));
            break;
        }
    }
    return NULL;
}

void srv_state_stop(struct server *s)
{
    unsigned i;

    if (s->watcher_running) {
        pthread_mutex_lock(&s->lock);
        s->quit = 1;
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->watcher, NULL);
        s->watcher_running = 0;
    }
    if (s->builder_running) {
        /* The builder finishes the build it is in, resumes every held answer and ends; no
         * answer is held after that (builder_running is 0), as MHD_stop_daemon requires. */
        pthread_mutex_lock(&s->lock);
        s->quit = 1;
        pthread_cond_signal(&s->wake);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->builder, NULL);
        pthread_mutex_lock(&s->lock);
        s->builder_running = 0;
        pthread_mutex_unlock(&s->lock);
    }
    /* The hash threads finish every queued sign-in and resume its connection first, as
     * MHD_stop_daemon requires. */
    pthread_mutex_lock(&s->jobs_lock);
    s->jobs_quit = 1;
    pthread_cond_broadcast(&s->jobs_wake);
    pthread_mutex_unlock(&s->jobs_lock);
    for (i = 0; i < s->nhashers; i++)
        pthread_join(s->hashers[i], NULL);
}

void srv_state_free(struct server *s)
{
    unsigned i;

    fk_tracer_free(s->tr);
    fk_ctl_free(s->ctl);
    fk_gate_index_free(s->gate);
    fk_gate_tally_free(s->tally);
    free(s->live);
    fk_strmap_free(s->live_ix);
    fk_engine_free(s->eng);
    fk_store_close(s->bst);
    fk_store_close(s->wst);
    fk_store_close(s->st);
    for (i = 0; i < CACHE_SLOTS; i++)
        blob_unref(s->cache[i].blob);
}
