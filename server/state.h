/* SPDX-License-Identifier: MIT */
/* The server's state (state.c), for the rooms beside it: the struct they share, the builder's
 * generations the glue waits on after a write, and start and stop. Handlers reach it only
 * through the srv_* calls of server.h. */
#ifndef FK_SERVER_STATE_H
#define FK_SERVER_STATE_H

#include <pthread.h>
#include <stdint.h>

#include "fk/strmap.h"
#include "server.h"

#define CACHE_SLOTS 64
#define ROUND_SLOTS 16
#define HASH_THREADS 2 /* password hashes at once (srv_defer) */

struct blob;
struct hdr_conn;

struct cache_entry {
    char key[160];
    int64_t generation, tr_generation; /* of the engine and tracer it was computed from */
    struct blob *blob;
};

/* A small answer computed from the tracer alone, for the tracer it was computed from
 * (srv_tracer_memo_get). */
#define TR_MEMO_SLOTS 16
#define TR_MEMO_BYTES 64
struct tr_memo {
    char key[96];
    const fk_tracer *tr; /* NULL: empty */
    int64_t tr_gen;
    size_t len;
    unsigned char v[TR_MEMO_BYTES];
};

/* A round read from the store, trusted until the next read of the store's generation
 * (srv_round). */
struct round_entry {
    int valid;
    int latest;         /* the latest round (no name asked) */
    uint64_t gen_reads; /* the server's gen_reads when it was read */
    struct fk_round round;
};

struct server {
    struct server_opts o;
    pthread_mutex_t lock;
    fk_store *st;   /* the handlers' connection */
    fk_engine *eng; /* current engine; tracer (NULL until built: srv_start_tracer, srv_tracer) */
    fk_tracer *tr;
    int64_t tr_gen; /* the store generation tr reflects (at least) */
    fk_ctl *ctl;    /* control index (NULL until first asked for), over ctl_eng */
    fk_engine *ctl_eng;
    int ctl_used; /* a request has asked for it: the builder builds one with each engine */
    /* Gate checks (api_gate.c): the index over gate_eng, built at the start and, once a gate
     * check has come (gate_used), with every engine (DESIGN NOTES of state.c), the control
     * generation its orders reflect and when a request last compared it with the store's; the
     * counts not yet stored and when they last were. */
    fk_gate_index *gate;
    fk_engine *gate_eng;
    int gate_used;
    int64_t gate_cg;
    double gate_cg_at;
    fk_gate_tally *tally;
    double tally_at, tally_every; /* seconds between two writes of the counts */
    struct gate_live *live; /* per gate: checks this minute and the last (api_gate.c) */
    fk_strmap *live_ix;     /* gate -> its index in live */
    size_t nlive, caplive;
    struct fk_profile prof;
    char upload_dir[1024];
    struct cache_entry cache[CACHE_SLOTS];
    unsigned cache_next;
    struct tr_memo tr_memo[TR_MEMO_SLOTS];
    unsigned tr_memo_next;
    /* The builder thread (DESIGN NOTES); all of it under lock. */
    fk_store *bst; /* the builder's connection (DESIGN NOTES) */
    pthread_t builder;
    int builder_running;
    pthread_cond_t wake; /* to the builder: want_gen, tr_wanted, urgent or quit changed */
    int64_t want_gen;    /* the newest store generation a request has seen */
    int64_t eng_tried;   /* what the last finished engine build set out to reach */
    int64_t tr_tried;    /* likewise for the tracer */
    int tr_wanted;       /* a request used a stale tracer since the last tracer build */
    int urgent;          /* a write through the API waits: build without the pause */
    int quit;
    /* A store that announces its generations (PostgreSQL, fk_store_watch): a thread on a
     * connection of its own hears each and wakes the builder, so a write through another server
     * is built before anyone asks. */
    fk_store *wst;
    pthread_t watcher;
    int watcher_running;
    unsigned st_reconnects; /* the handlers' connection's reconnections the log has told */
    struct province *prov;  /* serve --cities (api_province.c), or NULL */
    struct sampling *smp;   /* the sampling tables' committer (api_sample.c), or NULL */
    double gen_checked_at; /* when a request last read the store's generation */
    uint64_t gen_reads;    /* how many times requests have read it (srv_round) */
    struct round_entry rounds[ROUND_SLOTS];
    unsigned rounds_next;
    double next_build;   /* monotonic seconds: no unhurried build before then */
    struct req *waiters; /* suspended answers to writes, waiting for a build */
    /* The hash threads (srv_defer): their queue under jobs_lock, taken after lock if both. */
    pthread_t hashers[HASH_THREADS];
    unsigned nhashers;
    pthread_mutex_t jobs_lock;
    pthread_cond_t jobs_wake;
    struct req *jobs, **jobs_tail;
    unsigned jobs_pending; /* queued or running */
    int jobs_quit;
    /* The header deadline (--header-timeout): every open connection, under hdr_lock (taken
     * alone), and the thread that shuts down those past their deadline (hdr_main). */
    pthread_mutex_t hdr_lock;
    pthread_cond_t hdr_wake;
    struct hdr_conn *hdr_conns;
    pthread_t hdr_watcher;
    int hdr_running, hdr_quit;
};

/* Opens the state of s (s->o and s->prof set, the mutexes and conditions initialised): the
 * handlers' store connection, the upload folder (tidied), the engine (from its snapshot when
 * there is one) and its control index, the builder's connections and thread, and the hash
 * threads. 0, or 1 after saying why on stderr (srv_state_stop and srv_state_free still run). */
int srv_state_open(struct server *s);
/* Says in the log when st (whose reconnections the log has told *seen of) connected again after
 * losing its server (fk_store_reconnects), naming the connection (who) and the server now. */
void srv_note_reconnect(fk_store *st, unsigned *seen, const char *who);
/* Builds the first tracer before the daemons listen, with progress on stderr; on failure
 * srv_tracer builds it on first use. */
void srv_start_tracer(struct server *s);
/* Stops the builder and the hash threads, each first resuming every answer it holds, as
 * MHD_stop_daemon requires. Call before the daemons stop. */
void srv_state_stop(struct server *s);
/* Frees what srv_state_open made (the tracer, index, engine, connections, cached answers). */
void srv_state_free(struct server *s);
/* Tells the builder that the store is at generation g; urgent: a write waits for it. Under the
 * lock. */
void want_generation(struct server *s, int64_t g, int urgent);
/* 1 when the answer of write w may go out: the engine, and the tracer when there is one,
 * reflect it or were tried since, or the server stops. Under the lock. */
int waiter_done(const struct server *s, const struct req *w);

#endif
