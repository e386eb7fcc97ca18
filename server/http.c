/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd glue of fangkong serve (see server.h): the daemon, the route table, request
 * bodies with ceilings (JSON in memory; imports streamed to a file, raw or multipart), responses,
 * the web UI's static files, and the shared state handlers reach under the server lock.
 *
 * DESIGN NOTES
 * - A request is resolved on its first callback: route, and for routes that need a session the
 *   caller, so a request that will be refused never has its body written to disk.
 * - Every handler runs under one mutex: the store's SQLite connection, the engine and the tracer
 *   are single-threaded. The answers are in-memory index walks (milliseconds), so one lock costs
 *   little; the dashboard, asked by every open screen, is cached per engine generation and scope.
 * - The engine and tracer are never rebuilt under that mutex. Every committed import batch moves
 *   the store's generation, and rebuilding a city's indexes takes seconds (1 s at 1 M residents
 *   on an idle machine, 10 s at 10 M): rebuilt under the lock, as fk_engine_sync would, every
 *   request behind it would wait that long, again after every batch of an import. Instead a
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
 * - The tracer (4 M scans and 4 M pings take longer than the engine) is rebuilt the same way, but
 *   only once a request has used it stale (the dashboard, tracing): an import of samples alone
 *   does not pay for it. Its answers may lag the engine's by a build; the dashboard's cache is
 *   keyed by both generations, and its contact counts are kept per scope for the tracer they
 *   came from (srv_tracer_memo_get). The first tracer is built at start, before the daemons
 *   listen, with progress on stderr (start_tracer); srv_tracer builds it under the lock only
 *   when that failed.
 * - The engine and the tracer keep the connection they were built on, for names (missing, trace),
 *   and are used only under the lock; the builder must never read through a connection they use.
 *   So there are five connections: the handlers' own, and two each for the engine and the
 *   tracer, between which the builder alternates, building on the one not in use.
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
 * - --threads N starts N daemons of one thread each, listening on sockets of their own bound to
 *   the same address (SO_REUSEPORT): the kernel hashes each new connection to one of them, so
 *   they get even shares. libmicrohttpd's thread pool lets the first thread to wake accept,
 *   and under load one thread took three connections in four, whose requests then waited three
 *   times as long. A second server on the same port is still refused (port_free).
 * - FK_HTTP_TIMING=1 times every request's phases (lock waits and holds, store reads, queueing,
 *   the whole life) and prints the percentiles and the answers per thread on SIGUSR1 (then starts
 *   again) and at exit; FK_HTTP_TIMING=N also logs each request that lived N ms or more.
 * - A table answer (reply_table, JSON) is rendered after the handler returns, off the lock.
 * - Request memory is the request's own (body, answer) and is freed in the completed callback.
 * - Passwords are hashed off the lock and off the daemons' threads: a handler hands the argon2id
 *   work (0.1 s and 64 MiB each) to a small pool of hash threads (srv_defer) and its connection
 *   is suspended until a hash thread has finished the answer under the lock. The pool takes at
 *   most HASH_PENDING jobs; past that a sign-in is answered 503 with Retry-After at once, so a
 *   flood of sign-ins costs at most HASH_THREADS cores and never slows the other requests.
 * - Slow clients: an address holds at most --max-per-address connections per thread, and a
 *   connection that sends nothing for --idle-timeout seconds (a half-sent header, an idle
 *   kept-alive connection) is closed. The idle timeout does not stop a slowloris that sends a
 *   header byte every few seconds, so a connection must also send its whole request header
 *   within --header-timeout seconds of opening (or of its last answer): a thread (hdr_main)
 *   shuts down the socket of one past that deadline, and libmicrohttpd closes it. A request
 *   body is not under this deadline, only under the idle timeout. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define CACHE_SLOTS 64
#define ROUND_SLOTS 16
#define MAX_DAEMONS 256      /* as many as --threads takes; each is one thread */
#define CONNECTIONS_MAX 1000 /* open connections, shared out between the daemons */
/* The memory of a connection (libmicrohttpd's pool: request line and headers, read and write
 * buffers). libmicrohttpd zeroes all of it after every request of a kept-alive connection, so
 * it is as small as the requests need: 64 KiB takes headers of 30 KiB and reads uploads in
 * 32 KiB steps. (256 KiB cost a 256 KiB memset per request, a tenth of a core at 10 k req/s.) */
#define CONNECTION_MEMORY ((size_t)64 * 1024)
#define REBUILD_GAP_MIN 1.0 /* seconds between background builds, at least */
/* The built UI needs its own scripts, styles, images and API and nothing else: no inline script
 * or style (ECharts styles its tooltips through the CSSOM, which CSP leaves alone), no plugin,
 * no frame, no <base>, no form sent elsewhere. */
#define SECURITY_POLICY                                                                            \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "                    \
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
#define HASH_THREADS 2      /* password hashes at once (srv_defer) */
#define HASH_PENDING 8      /* hashes running or waiting; past that, 503 */

/* A cached answer, shared by the cache and every response sending it: reference-counted, so an
 * answer goes out without being copied (a city's coverage is hundreds of kilobytes) and a cache
 * slot can be reused while responses still send the old one. */
struct blob {
    atomic_int refs;
    size_t len;
    char data[];
};

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
    fk_engine *eng; /* current engine; tracer (NULL until built: start_tracer, srv_tracer) */
    fk_tracer *tr;
    fk_store *eng_st; /* the connection eng was built on: st or one of eng_spare */
    fk_store *tr_st;  /* the connection tr was built on: one of tr_spare */
    int64_t tr_gen;   /* the store generation tr reflects (at least) */
    fk_ctl *ctl;      /* control index (NULL until first asked for), over ctl_eng */
    fk_engine *ctl_eng;
    int ctl_used; /* a request has asked for it: the builder builds one with each engine */
    struct fk_profile prof;
    char upload_dir[1024];
    struct cache_entry cache[CACHE_SLOTS];
    unsigned cache_next;
    struct tr_memo tr_memo[TR_MEMO_SLOTS];
    unsigned tr_memo_next;
    /* The builder thread (DESIGN NOTES); all of it under lock. */
    fk_store *eng_spare[2], *tr_spare[2];
    pthread_t builder;
    int builder_running;
    pthread_cond_t wake; /* to the builder: want_gen, tr_wanted, urgent or quit changed */
    int64_t want_gen;    /* the newest store generation a request has seen */
    int64_t eng_tried;   /* what the last finished engine build set out to reach */
    int64_t tr_tried;    /* likewise for the tracer */
    int tr_wanted;       /* a request used a stale tracer since the last tracer build */
    int urgent;          /* a write through the API waits: build without the pause */
    int quit;
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
static const char *const tphase_name[TP_N] = {
    "auth lock wait",    "auth lock hold", "lock wait",    "lock hold",
    "  generation read", "  round read",   "render+queue", "server (to queued)",
    "life (to sent)",    "builder swap",   "trace run",
};
#define TBUCKETS 20000 /* of 10 µs: up to 200 ms, then one overflow bucket */
static int timing_on;
static double timing_log_ms;
static atomic_ulong thist[TP_N][TBUCKETS + 1];
static _Atomic double tmax[TP_N];

static void tnote(enum tphase p, double secs)
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

/* Prints the timers so far, and with reset starts them again (SIGUSR1: one phase of a
 * benchmark at a time). */
/* Requests answered per daemon thread: whether the connections are shared out evenly. */
#define TTHREADS 16
static atomic_long tthread_id[TTHREADS];
static atomic_ulong tthread_n[TTHREADS];

static void tnote_thread(void)
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

static void timing_report(int reset)
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

/* What a route needs: a session (any role) or a permission of the caller's role. */
#define NEEDS_NOTHING 0u
#define NEEDS_SESSION (1u << 31)

struct route {
    const char *method;
    const char *path; /* a trailing "{}" takes one path segment as the parameter */
    api_fn fn;
    unsigned needs; /* NEEDS_SESSION, or a mask of enum fk_perm (which implies a session) */
    int upload;     /* the body is a file to import */
};

static const struct route routes[] = {
    {"POST", "/api/v1/login", api_login_post, NEEDS_NOTHING, 0},
    {"POST", "/api/v1/logout", api_logout_post, NEEDS_SESSION, 0},
    {"GET", "/api/v1/me", api_me_get, NEEDS_SESSION, 0},
    {"GET", "/api/v1/regions", api_regions_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/dashboard", api_dashboard_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/rounds", api_rounds_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/rounds", api_rounds_post, FK_PERM_ROUNDS, 0},
    {"GET", "/api/v1/coverage", api_coverage_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/tat", api_tat_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/missing", api_missing_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/retest", api_retest_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/trace", api_trace_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/explain", api_explain_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/chain", api_chain_get, FK_PERM_READ_PERSONS, 0},
    /* import/{type}: the library checks the type against the role (fk_import_opts.actor). */
    {"POST", "/api/v1/import/{}", api_import_post, FK_PERM_POST_RESULTS, 1},
    {"GET", "/api/v1/imports/{}", api_rejects_get, FK_PERM_POST_RESULTS, 0},
    {"GET", "/api/v1/export/{}", api_export_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/control/summary", api_control_summary_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/control/list", api_control_list_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/control/{}", api_control_post, FK_PERM_CONTROL, 0},
    /* regime/due: the handler checks FK_PERM_READ_PERSONS for the list (?by gives counts). */
    {"GET", "/api/v1/regime/due", api_regime_due_get, FK_PERM_READ, 0},
    {"GET", "/api/v1/alerts", api_alerts_get, FK_PERM_READ_PERSONS, 0},
    {"POST", "/api/v1/alerts/{}", api_alert_post, FK_PERM_CONTROL, 0},
    {"GET", "/api/v1/arrivals", api_arrivals_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/backcheck", api_backcheck_get, FK_PERM_READ_PERSONS, 0},
    {"GET", "/api/v1/risk_areas", api_risk_areas_get, FK_PERM_READ, 0},
    {"POST", "/api/v1/backcheck", api_backcheck_post, FK_PERM_CONTROL, 0},
    {"POST", "/api/v1/door_events", api_door_events_post, FK_PERM_CONTROL, 0},
    {"GET", "/api/v1/users", api_users_get, FK_PERM_USERS, 0},
    {"POST", "/api/v1/users", api_users_post, FK_PERM_USERS, 0},
    {"POST", "/api/v1/users/{}", api_user_disable_post, FK_PERM_USERS, 0},
    {"GET", "/api/v1/audit", api_audit_get, FK_PERM_AUDIT, 0},
};

static volatile sig_atomic_t stopping, timing_dump;

static void on_signal(int sig)
{
    if (sig == SIGUSR1)
        timing_dump = 1;
    else
        stopping = 1;
}

/* ---- answers ---- */

const char *req_arg(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A later answer replaces a table answer not yet rendered. */
static void drop_table(struct req *r)
{
    fk_table_free(r->table);
    r->table = NULL;
}

json_t *req_json_object(struct req *r)
{
    char why[256];
    json_t *j;

    if (body_json_object(r->body.data, r->body.len, &j, why, sizeof why) != FK_OK) {
        reply_error(r, 400, "bad_request", "send a JSON object", "%s", why);
        return NULL;
    }
    return j;
}

int req_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out)
{
    char why[256];

    if (arg_int(name, req_arg(r, name), min, max, def, out, why, sizeof why) != FK_OK) {
        reply_error(r, 400, "bad_request", NULL, "%s", why);
        return 0;
    }
    return 1;
}

int req_json_int(struct req *r, const json_t *j, const char *key, int64_t min, int64_t max,
                 int64_t def, int64_t *out)
{
    char why[256];

    if (body_int(j, key, min, max, def, out, why, sizeof why) != FK_OK) {
        reply_error(r, 400, "bad_request", NULL, "%s", why);
        return 0;
    }
    return 1;
}

void reply_json(struct req *r, const char *json, size_t n)
{
    drop_table(r);
    fk_buf_reset(&r->out);
    if (fk_buf_append(&r->out, json, n) != FK_OK) {
        r->status = 500;
        return;
    }
    if (!r->status)
        r->status = 200;
    r->content_type = "application/json; charset=utf-8";
}

void reply_error(struct req *r, unsigned status, const char *code, const char *hint,
                 const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    drop_table(r);
    fk_buf_reset(&r->out);
    fk_buf_puts(&r->out, "{\"code\":");
    fk_buf_json_string(&r->out, code);
    fk_buf_puts(&r->out, ",\"error\":");
    fk_buf_json_string(&r->out, msg);
    fk_buf_puts(&r->out, ",\"hint\":");
    fk_buf_json_string(&r->out, hint ? hint : "");
    fk_buf_puts(&r->out, "}\n");
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
}

void reply_fk(struct req *r, int rc, const char *msg)
{
    switch (rc) {
    case FK_EINVAL: reply_error(r, 400, "bad_request", NULL, "%s", msg); break;
    case FK_ENOENT: reply_error(r, 404, "not_found", NULL, "%s", msg); break;
    case FK_ECONFLICT: reply_error(r, 409, "conflict", NULL, "%s", msg); break;
    case FK_ETOOBIG: reply_error(r, 413, "too_large", NULL, "%s", msg); break;
    case FK_EPERM: reply_error(r, 403, "forbidden", NULL, "%s", msg); break;
    default:
        /* Internals (SQL, paths) go to the log, never to the client; escaped, since the URL and
         * the message may carry request text. */
        {
            char url[512], m[1024];

            fprintf(stderr, "fangkong serve: %s %s: %s: %s\n", r->method,
                    fk_str_escape(url, sizeof url, r->url), fk_strerror(rc),
                    fk_str_escape(m, sizeof m, msg));
        }
        reply_error(r, 500, "internal", "the server log has the details",
                    "the server could not answer this request");
        break;
    }
}

/* Writes t as an .xlsx file under the upload folder and makes it the answer. */
static void reply_xlsx(struct req *r, const fk_table *t, const char *name)
{
    char path[1100];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    size_t row, col;
    struct stat sb;
    int fd;

    snprintf(path, sizeof path, "%s/export-%ld-%p.xlsx", srv_upload_dir(r), (long)getpid(),
             (void *)r);
    wb = workbook_new(path);
    if (!wb) {
        reply_error(r, 500, "internal", NULL, "cannot write the spreadsheet");
        return;
    }
    ws = workbook_add_worksheet(wb, NULL);
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (col = 0; col < fk_table_ncols(t); col++)
        worksheet_write_string(ws, 0, (lxw_col_t)col, fk_table_col(t, col)->name, bold);
    for (row = 0; row < fk_table_nrows(t) && row < 1048575; row++) {
        for (col = 0; col < fk_table_ncols(t); col++) {
            const char *v = fk_table_get(t, row, col);

            if (!v || !*v)
                continue;
            if (fk_table_col(t, col)->type != FK_COL_TEXT)
                worksheet_write_number(ws, (lxw_row_t)(row + 1), (lxw_col_t)col, strtod(v, NULL),
                                       NULL);
            else
                worksheet_write_string(ws, (lxw_row_t)(row + 1), (lxw_col_t)col, v, NULL);
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        reply_error(r, 500, "internal", NULL, "cannot write the spreadsheet");
        return;
    }
    fd = open(path, O_RDONLY);
    unlink(path); /* the open descriptor keeps it readable until sent */
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 500, "internal", NULL, "cannot read the spreadsheet back");
        return;
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->status = 200;
    r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r->download_name = name;
}

void reply_table(struct req *r, fk_table *t, const char *download_name, int page_col)
{
    const char *format = req_arg(r, "format"), *after = req_arg(r, "after");
    size_t from = 0, to, n = fk_table_nrows(t);
    int64_t limit, after_i = 0;

    /* limit and a numeric after are strict: a bad one answers 400, never a quiet default. */
    if (!req_int(r, "limit", 1, 10000, 500, &limit) ||
        (page_col >= 0 && after && *after &&
         fk_table_col(t, (size_t)page_col)->type == FK_COL_INT &&
         !req_int(r, "after", INT64_MIN, INT64_MAX, 0, &after_i))) {
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "csv") == 0) {
        fk_buf_reset(&r->out);
        if (fk_table_render(t, FK_FORMAT_CSV, 0, n, &r->out) != FK_OK) {
            reply_error(r, 500, "internal", NULL, "cannot render the table");
        } else {
            r->status = 200;
            r->content_type = "text/csv; charset=utf-8";
            r->download_name = download_name;
        }
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "xlsx") == 0) {
        reply_xlsx(r, t, download_name);
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "json") != 0) {
        reply_error(r, 400, "bad_request", "format is json, csv or xlsx", "unknown format '%s'",
                    format);
        fk_table_free(t);
        return;
    }
    /* Keyset paging: rows are sorted by page_col; ?after=K starts after the last row with key
     * K, so pages stay right while rows are added, which offsets cannot promise. */
    if (page_col >= 0 && after && *after) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const char *k = fk_table_get(t, mid, (size_t)page_col);
            int cmp = fk_table_col(t, (size_t)page_col)->type == FK_COL_INT
                          ? (strtoll(k ? k : "0", NULL, 10) > after_i) -
                                (strtoll(k ? k : "0", NULL, 10) < after_i)
                          : strcmp(k ? k : "", after);

            if (cmp <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        from = lo;
    }
    if (page_col < 0)
        limit = (int64_t)n; /* an unpaged list is always whole */
    to = from + (size_t)limit < n ? from + (size_t)limit : n;
    /* The rows are rendered by render_table once the server lock is released: the table is the
     * request's own (its cells are copies), and rendering a city's grids is as long as counting
     * them. */
    fk_buf_reset(&r->out);
    r->table = t;
    r->table_from = from;
    r->table_to = to;
    r->table_page_col = page_col;
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
}

/* Renders the table reply_table left as {"rows":[…],"total":N,"next":K}; outside the lock. */
static void render_table(struct req *r)
{
    fk_table *t = r->table;
    size_t n = fk_table_nrows(t), to = r->table_to;
    int page_col = r->table_page_col;

    r->table = NULL;
    fk_buf_reset(&r->out);
    fk_buf_puts(&r->out, "{\"rows\":");
    fk_table_json_rows(t, r->table_from, to, &r->out);
    fk_buf_printf(&r->out, ",\"total\":%zu,\"next\":", n);
    if (page_col >= 0 && to < n && to > 0) {
        const char *k = fk_table_get(t, to - 1, (size_t)page_col);

        fk_buf_json_string(&r->out, k ? k : "");
    } else {
        fk_buf_puts(&r->out, "null");
    }
    fk_buf_puts(&r->out, "}\n");
    fk_table_free(t);
}

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
static void want_generation(struct server *s, int64_t g, int urgent)
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
        s->eng_st = s->st;
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
    /* The first one is built here, under the lock, on the tracer's first connection: the builder
     * builds tracers only once there is one, so it is not using that connection. */
    rc = fk_store_generation(s->tr_spare[0], &g);
    if (rc == FK_OK)
        rc = fk_tracer_build(s->tr_spare[0], &s->prof, &s->tr, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(s->tr_spare[0]));
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return NULL;
    }
    s->tr_st = s->tr_spare[0];
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
static int waiter_done(const struct server *s, const struct req *w)
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
            MHD_resume_connection(w->conn);
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

/* One build attempt of the engine (tracer 0) or the tracer (1): called and returning under the
 * lock, which it drops while it builds. */
static void build_once(struct server *s, int tracer)
{
    fk_store **pair = tracer ? s->tr_spare : s->eng_spare;
    fk_store *cur = tracer ? s->tr_st : s->eng_st;
    fk_store *st = cur == pair[0] ? pair[1] : pair[0];
    int64_t target = s->want_gen, g = -1;
    int with_ctl = !tracer && s->ctl_used;
    fk_engine *e = NULL;
    fk_tracer *t = NULL;
    fk_ctl *c = NULL, *old_ctl = NULL;
    void *old = NULL;
    double t0 = fk_mono_seconds(), took;
    char err[512];
    int rc;

    if (tracer)
        s->tr_wanted = 0; /* asking again from here on means after this build */
    pthread_mutex_unlock(&s->lock);
    if (!tracer) {
        rc = fk_engine_build(st, &s->prof, &e, err, sizeof err);
        if (rc == FK_OK && with_ctl)
            build_ctl(s, st, e, &c, "rebuilt");
    } else {
        rc = fk_store_generation(st, &g);
        if (rc == FK_OK)
            rc = fk_tracer_build(st, &s->prof, &t, err, sizeof err);
        else
            snprintf(err, sizeof err, "%s", fk_store_errmsg(st));
    }
    took = fk_mono_seconds() - t0;
    pthread_mutex_lock(&s->lock);
    t0 = fk_mono_seconds();
    if (rc == FK_OK && !tracer) {
        old = s->eng;
        s->eng = e;
        s->eng_st = st;
        g = engine_generation(s);
        /* The index over the old engine goes with it; without a new one, srv_ctl builds one. */
        old_ctl = s->ctl;
        s->ctl = c;
        s->ctl_eng = c ? e : NULL;
    } else if (rc == FK_OK) {
        old = s->tr;
        s->tr = t;
        s->tr_st = st;
        s->tr_gen = g;
    }
    if (rc == FK_OK) {
        fprintf(stderr, "fangkong serve: %s rebuilt at generation %lld in %.2f s\n",
                tracer ? "tracer" : "engine", (long long)g, took);
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
        if (tracer)
            fk_tracer_free(old);
        else
            fk_engine_free(old);
        pthread_mutex_lock(&s->lock);
    }
}

static void *builder_main(void *arg)
{
    struct server *s = arg;

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

void conn_addr(struct MHD_Connection *conn, char *out, size_t cap, const char *fallback)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa || !((sa->sa_family == AF_INET &&
                  inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                            (socklen_t)cap)) ||
                 (sa->sa_family == AF_INET6 &&
                  inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                            (socklen_t)cap))))
        fk_strlcpy(out, fallback, cap);
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

void audit(struct req *r, const char *action, const char *target, const char *fmt, ...)
{
    char detail[1024], who[96];
    struct fk_audit_row a;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(who, sizeof who, "%s", r->who.name[0] ? r->who.name : "anonymous");
    a.id = 0;
    a.time = 0;
    a.who = who;
    a.action = action;
    a.target = target;
    a.detail = detail;
    a.region = NULL; /* the request's: see on_request */
    fk_store_add_audit(r->srv->st, &a);
}

void srv_invalidate(struct req *r)
{
    struct server *s = r->srv;
    unsigned i;
    int64_t g;

    for (i = 0; i < CACHE_SLOTS; i++)
        s->cache[i].key[0] = '\0';
    for (i = 0; i < ROUND_SLOTS; i++)
        s->rounds[i].valid = 0;
    /* on_request holds the answer until the engine and tracer reach g (read-your-writes). */
    if (fk_store_generation(s->st, &g) == FK_OK && g > r->wait_generation)
        r->wait_generation = g;
}

static void blob_unref(void *cls)
{
    struct blob *b = cls;

    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

/* Makes b the request's answer (one more reference). */
static void reply_blob(struct req *r, struct blob *b)
{
    if (r->blob)
        blob_unref(r->blob);
    atomic_fetch_add(&b->refs, 1);
    r->blob = b;
    fk_buf_reset(&r->out);
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
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

void srv_note_trace(double started)
{
    tnote(TP_TRACE, fk_mono_seconds() - started);
}

double srv_clock(void)
{
    return fk_mono_seconds();
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

/* ---- requests ---- */

static const struct route *find_route(const char *method, const char *url, char *param, size_t cap,
                                      int *path_known)
{
    size_t i;

    *path_known = 0;
    for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const char *p = routes[i].path, *brace = strstr(p, "{}");
        int match;

        if (brace) {
            size_t pre = (size_t)(brace - p);
            const char *rest = url + pre;

            match = strncmp(url, p, pre) == 0 && *rest && !strchr(rest, '/') && strlen(rest) < cap;
            if (match)
                fk_strlcpy(param, rest, cap);
        } else {
            match = strcmp(url, p) == 0;
        }
        if (!match)
            continue;
        *path_known = 1;
        if (strcmp(method, routes[i].method) == 0)
            return &routes[i];
    }
    return NULL;
}

static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *filename, const char *content_type,
                                    const char *transfer_encoding, const char *data, uint64_t off,
                                    size_t size)
{
    struct req *r = cls;

    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    (void)off;
    if (!filename || strcmp(key, "file") != 0)
        return MHD_YES; /* other form fields are ignored */
    r->multipart_seen_file = 1;
    if (size && !r->too_big) {
        if (r->upload_bytes + size > API_UPLOAD_MAX) {
            r->too_big = 1;
        } else if (write(r->upload_fd, data, size) != (ssize_t)size) {
            r->too_big = 2; /* the disk refused */
        } else {
            r->upload_bytes += size;
        }
    }
    return MHD_YES;
}

static void free_req(struct req *r)
{
    if (!r)
        return;
    free(r->job); /* a deferred job's finish frees it; this is for one never queued */
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    if (r->upload_fd >= 0)
        close(r->upload_fd);
    if (r->upload_path[0])
        unlink(r->upload_path);
    if (r->out_fd >= 0)
        close(r->out_fd);
    blob_unref(r->blob);
    fk_table_free(r->table);
    fk_buf_fini(&r->body);
    fk_buf_fini(&r->out);
    free(r);
}

/* One open connection for the header deadline: its socket, its peer's address, and when it
 * must have sent a whole request header (monotonic seconds; 0 while a request is in hand). */
struct hdr_conn {
    struct hdr_conn *prev, *next;
    int fd;
    double deadline;
    char addr[INET6_ADDRSTRLEN];
};

/* MHD_OPTION_NOTIFY_CONNECTION, on a daemon's thread: a new connection is listed with its
 * deadline --header-timeout from now; a closed one (its socket still open) is unlisted. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct server *s = cls;
    struct hdr_conn *h = *socket_context;
    const union MHD_ConnectionInfo *fd;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        fd = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        h = fd ? calloc(1, sizeof *h) : NULL;
        if (!h)
            return; /* no deadline for it; the idle timeout still holds */
        h->fd = fd->connect_fd;
        h->deadline = fk_mono_seconds() + s->o.header_secs;
        conn_addr(conn, h->addr, sizeof h->addr, "?");
        pthread_mutex_lock(&s->hdr_lock);
        h->next = s->hdr_conns;
        if (h->next)
            h->next->prev = h;
        s->hdr_conns = h;
        pthread_mutex_unlock(&s->hdr_lock);
        *socket_context = h;
    } else if (h) {
        pthread_mutex_lock(&s->hdr_lock);
        if (h->prev)
            h->prev->next = h->next;
        else
            s->hdr_conns = h->next;
        if (h->next)
            h->next->prev = h->prev;
        pthread_mutex_unlock(&s->hdr_lock);
        free(h);
        *socket_context = NULL;
    }
}

/* Clears a connection's header deadline (its request header is in: the idle timeout covers
 * the body), or with arm sets it --header-timeout from now (its answer is sent: the next
 * request's header is due). */
static void hdr_deadline(struct server *s, struct MHD_Connection *conn, int arm)
{
    const union MHD_ConnectionInfo *ci =
        conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
    struct hdr_conn *h = ci ? ci->socket_context : NULL;

    if (!h)
        return;
    pthread_mutex_lock(&s->hdr_lock);
    h->deadline = arm ? fk_mono_seconds() + s->o.header_secs : 0;
    pthread_mutex_unlock(&s->hdr_lock);
}

/* The header deadline's thread: four times a second, shuts down the socket of every connection
 * past its deadline, under hdr_lock so the socket is still the connection's (on_connection
 * unlists it before libmicrohttpd closes it). libmicrohttpd then sees the peer gone and closes
 * the connection itself; the socket is never closed here. Ends when hdr_quit is set. */
static void *hdr_main(void *arg)
{
    struct server *s = arg;
    struct hdr_conn *h;
    struct timespec until;
    double now;

    pthread_mutex_lock(&s->hdr_lock);
    while (!s->hdr_quit) {
        now = fk_mono_seconds();
        for (h = s->hdr_conns; h; h = h->next) {
            if (h->deadline > 0 && now >= h->deadline) {
                h->deadline = 0;
                shutdown(h->fd, SHUT_RDWR);
                fprintf(stderr,
                        "fangkong serve: closed a connection from %s: no complete request "
                        "header within %u s\n",
                        h->addr, s->o.header_secs);
            }
        }
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->hdr_wake, &s->hdr_lock, &until);
    }
    pthread_mutex_unlock(&s->hdr_lock);
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    hdr_deadline(cls, conn, 1);
    if (timing_on && *con_cls) {
        struct req *r = *con_cls;
        double life = fk_mono_seconds() - r->t0;
        char url[512];

        tnote(TP_LIFE, life);
        if (timing_log_ms > 0 && life * 1e3 >= timing_log_ms)
            fprintf(stderr,
                    "fangkong serve: slow %.3f %s %s: life %.1f ms: auth wait %.1f hold %.1f, "
                    "wait %.1f, hold %.1f (generation %.1f, round %.1f), queue %.1f\n",
                    r->t0, r->method, fk_str_escape(url, sizeof url, r->url), life * 1e3,
                    r->t_auth_wait * 1e3, r->t_auth_hold * 1e3, r->t_wait * 1e3, r->t_hold * 1e3,
                    r->t_gen * 1e3, r->t_round * 1e3, r->t_queue * 1e3);
    }
    free_req(*con_cls);
    *con_cls = NULL;
}

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    size_t i;

    for (i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* The web UI: a file under web_root, or index.html for the single-page app's own paths. */
static void serve_static(struct req *r)
{
    const char *root = r->srv->o.web_root;
    char path[2048];
    struct stat sb;
    int fd;

    if (!root || strstr(r->url, "..")) {
        reply_error(r, 404, "not_found", root ? NULL : "build the web UI with make",
                    "no such page");
        return;
    }
    snprintf(path, sizeof path, "%s%s", root, r->url);
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        snprintf(path, sizeof path, "%s/index.html", root);
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 404, "not_found", "build the web UI with make", "no such page");
        return;
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->status = 200;
    r->content_type = mime_of(path);
}

static enum MHD_Result send_answer(struct req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (!r->status) {
        reply_error(r, 500, "internal", NULL, "the handler gave no answer");
    }
    if (r->table)
        render_table(r);
    if (r->out_fd >= 0) {
        resp = MHD_create_response_from_fd64(r->out_fd_size, r->out_fd);
        r->out_fd = -1; /* the response owns it now */
    } else if (r->blob) {
        resp = MHD_create_response_from_buffer_with_free_callback_cls(r->blob->len, r->blob->data,
                                                                      blob_unref, r->blob);
        if (resp)
            r->blob = NULL; /* its reference is the response's now */
    } else if (r->out.data && r->out.len) {
        /* The answer's buffer goes to libmicrohttpd as it is (freed with free() when sent): a
         * coverage answer of a city is hundreds of kilobytes, not worth a second copy. */
        resp = MHD_create_response_from_buffer(r->out.len, r->out.data, MHD_RESPMEM_MUST_FREE);
        if (resp)
            fk_buf_init(&r->out, 0);
    } else {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->content_type ? r->content_type : "text/plain");
    /* Every answer, the UI's files and 404s as much as the API's JSON and downloads: nothing a
     * browser gets from here runs script or loads anything from elsewhere, nor sits in a frame. */
    MHD_add_response_header(resp, "Content-Security-Policy", SECURITY_POLICY);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->set_cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
    if (strncmp(r->url, "/api/", 5) == 0)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->download_name) {
        char cd[256];
        const char *fmt = req_arg(r, "format");

        snprintf(cd, sizeof cd, "attachment; filename=\"%s.%s\"", r->download_name,
                 fmt ? fmt : "json");
        MHD_add_response_header(resp, "Content-Disposition", cd);
    }
    if (r->status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    if (r->retry_after) {
        char ra[24];

        snprintf(ra, sizeof ra, "%u", r->retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (r->generation >= 0) {
        char gen[32];

        snprintf(gen, sizeof gen, "%lld", (long long)r->generation);
        MHD_add_response_header(resp, "X-Fangkong-Generation", gen);
    }
    ret = MHD_queue_response(r->conn, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *s = cls;
    struct req *r = *con_cls;
    const struct route *rt;
    int known;

    (void)version;
    if (!r) {
        hdr_deadline(s, conn, 0);
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->srv = s;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->upload_fd = -1;
        r->out_fd = -1;
        r->generation = -1;
        r->t0 = timing_on ? fk_mono_seconds() : 0;
        fk_buf_init(&r->body, API_BODY_MAX);
        fk_buf_init(&r->out, 0);
        *con_cls = r;
        rt = find_route(method, url, r->param_buf, sizeof r->param_buf, &known);
        r->param = r->param_buf;
        if (rt && rt->needs != NEEDS_NOTHING) {
            double t1;

            pthread_mutex_lock(&s->lock);
            t1 = timing_on ? fk_mono_seconds() : 0;
            if (auth_check(r) && rt->needs != NEEDS_SESSION && !fk_role_can(r->who.role, rt->needs))
                reply_error(r, 403, "forbidden", "ask an admin for an account with this right",
                            "a %s account may not do this", fk_role_name(r->who.role));
            if (timing_on) {
                r->t_auth_wait = t1 - r->t0;
                r->t_auth_hold = fk_mono_seconds() - t1;
                tnote(TP_AUTH_WAIT, r->t_auth_wait);
                tnote(TP_AUTH_HOLD, r->t_auth_hold);
            }
            pthread_mutex_unlock(&s->lock);
        }
        if (rt && rt->upload && !r->status) {
            const char *ct =
                MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);

            snprintf(r->upload_path, sizeof r->upload_path, "%s/upload-XXXXXX", s->upload_dir);
            r->upload_fd = mkstemp(r->upload_path);
            if (r->upload_fd < 0) {
                r->upload_path[0] = '\0';
                reply_error(r, 500, "internal", NULL, "cannot store the upload");
            } else if (ct && strncmp(ct, "multipart/form-data", 19) == 0) {
                r->pp = MHD_create_post_processor(conn, 64 * 1024, on_post_data, r);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;

        *upload_data_size = 0;
        if (r->status)
            return MHD_YES; /* already refused: drain and drop */
        if (r->pp) {
            if (MHD_post_process(r->pp, upload_data, n) != MHD_YES)
                r->too_big = 3;
        } else if (r->upload_fd >= 0) {
            if (r->upload_bytes + n > API_UPLOAD_MAX)
                r->too_big = 1;
            else if (!r->too_big && write(r->upload_fd, upload_data, n) != (ssize_t)n)
                r->too_big = 2;
            else
                r->upload_bytes += n;
        } else if (!r->too_big && fk_buf_append(&r->body, upload_data, n) != FK_OK) {
            r->too_big = 1;
        }
        return MHD_YES;
    }
    /* The whole request is in: answer it. */
    if (!r->status) {
        rt = find_route(method, url, r->param_buf, sizeof r->param_buf, &known);
        if (r->too_big == 1) {
            reply_error(r, 413, "too_large", "split the file or send it as a file upload",
                        "the request body is larger than the server takes (%zu bytes for JSON)",
                        (size_t)API_BODY_MAX);
        } else if (r->too_big) {
            reply_error(r, 400, "bad_request", NULL, "the upload could not be read or stored");
        } else if (rt) {
            double t1 = timing_on ? fk_mono_seconds() : 0, t2;

            pthread_mutex_lock(&s->lock);
            t2 = timing_on ? fk_mono_seconds() : 0;
            /* Audit rows of this request are about the caller's scope unless a handler names
             * the record's region. */
            fk_store_set_audit_region(s->st, r->who.scope);
            rt->fn(r);
            fk_store_set_audit_region(s->st, NULL);
            if (r->defer_finish) {
                /* Handed to a hash thread (srv_defer), which answers; it cannot before this
                 * unlocks, so the connection is suspended first. */
                r->suspended = 1;
                MHD_suspend_connection(conn);
                pthread_mutex_unlock(&s->lock);
                return MHD_YES;
            }
            if (timing_on) {
                r->t_wait = t2 - t1;
                r->t_hold = fk_mono_seconds() - t2;
                tnote(TP_WAIT, r->t_wait);
                tnote(TP_HOLD, r->t_hold);
                tnote(TP_GEN, r->t_gen);
                tnote(TP_ROUND, r->t_round);
            }
            if (r->wait_generation && s->builder_running && !waiter_done(s, r)) {
                /* A write: answer once the engine reflects it (DESIGN NOTES). Suspended under
                 * the lock, so the builder cannot resume it before it is suspended. */
                want_generation(s, r->wait_generation, 1);
                r->suspended = 1;
                r->next_waiter = s->waiters;
                s->waiters = r;
                MHD_suspend_connection(conn);
                pthread_mutex_unlock(&s->lock);
                return MHD_YES;
            }
            pthread_mutex_unlock(&s->lock);
        } else if (known) {
            reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed on %s", method, url);
        } else if (strncmp(url, "/api/", 5) == 0) {
            reply_error(r, 404, "not_found", "docs/api.md lists the endpoints", "no endpoint %s",
                        url);
        } else if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
            serve_static(r);
        } else {
            reply_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", method);
        }
    }
    if (timing_on) {
        double t1 = fk_mono_seconds();
        enum MHD_Result ret = send_answer(r);

        r->t_queue = fk_mono_seconds() - t1;
        tnote(TP_QUEUE, r->t_queue);
        tnote_thread();
        tnote(TP_SERVER, fk_mono_seconds() - r->t0);
        return ret;
    }
    return send_answer(r);
}

/* 1 when nothing listens on addr yet. The daemons' sockets share their address with each other
 * (SO_REUSEPORT), and so would with a second fangkong serve started on the same port by the same
 * user; a plain socket (SO_REUSEADDR only, as every listener has) cannot bind where anything
 * listens, so this refuses that second server instead. */
static int port_free(const struct sockaddr_in *addr)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1, ok;

    if (fd < 0)
        return 1; /* let the daemons say what is wrong */
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    ok = bind(fd, (const struct sockaddr *)addr, sizeof *addr) == 0 || errno != EADDRINUSE;
    close(fd);
    return ok;
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
static void start_tracer(struct server *s)
{
    struct build_progress b;
    double t0 = fk_mono_seconds();
    fk_tracer *t = NULL;
    char err[512];
    int64_t g = -1;
    int rc = fk_store_generation(s->tr_spare[0], &g);

    memset(&b, 0, sizeof b);
    fk_progress_init(&b.p, "fangkong serve: tracer", stderr);
    if (rc == FK_OK)
        rc = fk_tracer_build_progress(s->tr_spare[0], &s->prof, on_build_progress, &b, &t, err,
                                      sizeof err);
    else
        snprintf(err, sizeof err, "%s", fk_store_errmsg(s->tr_spare[0]));
    fk_progress_done(&b.p);
    if (rc != FK_OK) {
        fprintf(stderr, "fangkong serve: the tracer: %s (built on first use)\n", err);
        return;
    }
    /* The builder thread runs already (it reads these under the lock); it builds tracers only
     * once there is one, so it has not touched tr_spare[0]. */
    pthread_mutex_lock(&s->lock);
    s->tr = t;
    s->tr_st = s->tr_spare[0];
    s->tr_gen = g;
    pthread_mutex_unlock(&s->lock);
    fprintf(stderr, "fangkong serve: tracer built in %.2f s\n", fk_mono_seconds() - t0);
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
        r->defer_finish(r);
        r->defer_finish = NULL;
        if (!r->status)
            reply_error(r, 500, "internal", NULL, "the server could not answer this request");
        r->suspended = 0;
        MHD_resume_connection(r->conn);
        pthread_mutex_unlock(&s->lock);
        pthread_mutex_lock(&s->jobs_lock);
        s->jobs_pending--;
        pthread_mutex_unlock(&s->jobs_lock);
    }
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

int server_run(const struct server_opts *o)
{
    struct server *s = calloc(1, sizeof *s);
    struct MHD_Daemon *d[MAX_DAEMONS] = {NULL};
    unsigned ndaemons = 0;
    struct sockaddr_in addr;
    struct sigaction sa;
    char err[1024];
    unsigned i;
    int rc = 1;

    if (!s)
        return 1;
    s->o = *o;
    s->prof = *o->profile;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->wake, NULL);
    pthread_mutex_init(&s->jobs_lock, NULL);
    pthread_cond_init(&s->jobs_wake, NULL);
    pthread_mutex_init(&s->hdr_lock, NULL);
    pthread_cond_init(&s->hdr_wake, NULL);
    s->jobs_tail = &s->jobs;
    {
        const char *t = getenv("FK_HTTP_TIMING");

        timing_on = t && *t && strcmp(t, "0") != 0;
        timing_log_ms = timing_on ? strtod(t, NULL) : 0;
        if (timing_log_ms <= 1)
            timing_log_ms = 0;
    }
    if (fk_secret_init() != FK_OK) {
        fprintf(stderr, "fangkong serve: libsodium failed to start\n");
        goto out;
    }
    if (fk_store_open(o->db, &s->st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "fangkong serve: %s\n", err);
        goto out;
    }
    snprintf(s->upload_dir, sizeof s->upload_dir, "%s.uploads", o->db);
    if (mkdir(s->upload_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "fangkong serve: cannot make %s: %s\n", s->upload_dir, strerror(errno));
        goto out;
    }
    import_sweep(s->upload_dir, 1, time(NULL));
    {
        char snap[1100];
        int loaded;

        snprintf(snap, sizeof snap, "%s.engine", o->db);
        if (fk_engine_open(s->st, &s->prof, snap, &s->eng, &loaded, err, sizeof err) != FK_OK) {
            fprintf(stderr, "fangkong serve: %s\n", err);
            goto out;
        }
    }
    s->eng_st = s->st;
    start_ctl(s);
    for (i = 0; i < 2; i++) {
        if (fk_store_open(o->db, &s->eng_spare[i], err, sizeof err) != FK_OK ||
            fk_store_open(o->db, &s->tr_spare[i], err, sizeof err) != FK_OK) {
            fprintf(stderr, "fangkong serve: %s\n", err);
            goto out;
        }
    }
    if (pthread_create(&s->builder, NULL, builder_main, s) != 0) {
        fprintf(stderr, "fangkong serve: cannot start the engine builder thread\n");
        goto out;
    }
    s->builder_running = 1;
    for (i = 0; i < HASH_THREADS; i++) {
        if (pthread_create(&s->hashers[i], NULL, hasher_main, s) != 0) {
            fprintf(stderr, "fangkong serve: cannot start a password hash thread\n");
            goto out;
        }
        s->nhashers++;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)o->port);
    if (inet_pton(AF_INET, o->listen, &addr.sin_addr) != 1) {
        fprintf(stderr, "fangkong serve: --listen takes an IPv4 address, not '%s'\n", o->listen);
        goto out;
    }
    if (!port_free(&addr)) {
        fprintf(stderr, "fangkong serve: cannot listen on %s:%u (in use?)\n", o->listen, o->port);
        goto out;
    }
    start_tracer(s);
    if (pthread_create(&s->hdr_watcher, NULL, hdr_main, s) != 0) {
        fprintf(stderr, "fangkong serve: cannot start the header deadline thread\n");
        goto out;
    }
    s->hdr_running = 1;
    /* One daemon (one thread, one epoll) per thread asked for, each on its own listening socket
     * of the same address (SO_REUSEPORT), so the kernel shares the connections out evenly
     * (DESIGN NOTES). */
    ndaemons = o->threads < 1 ? 1 : o->threads > MAX_DAEMONS ? MAX_DAEMONS : o->threads;
    for (i = 0; i < ndaemons; i++) {
        d[i] = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                MHD_ALLOW_SUSPEND_RESUME,
            (uint16_t)o->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
            (struct sockaddr *)&addr, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)(ndaemons > 1),
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
            on_connection, s, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)((CONNECTIONS_MAX + ndaemons - 1) / ndaemons), MHD_OPTION_CONNECTION_TIMEOUT,
            o->idle_secs, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_addr,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY, MHD_OPTION_END);
        if (!d[i]) {
            fprintf(stderr, "fangkong serve: cannot listen on %s:%u (in use?)\n", o->listen,
                    o->port);
            goto out;
        }
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "fangkong serve: http://%s:%u/ (data %s, web UI %s)\n", o->listen, o->port,
            o->db, o->web_root ? o->web_root : "not built");
    fflush(stderr);
    if (timing_on)
        sigaction(SIGUSR1, &sa, NULL);
    while (!stopping) {
        pause();
        if (timing_dump) {
            timing_dump = 0;
            timing_report(1);
        }
    }
    fprintf(stderr, "fangkong serve: stopping\n");
    rc = 0;
out:
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
    for (i = 0; i < ndaemons; i++) {
        if (d[i])
            MHD_stop_daemon(d[i]);
    }
    /* The daemons have closed (and unlisted) every connection: the list is empty. */
    if (s->hdr_running) {
        pthread_mutex_lock(&s->hdr_lock);
        s->hdr_quit = 1;
        pthread_cond_signal(&s->hdr_wake);
        pthread_mutex_unlock(&s->hdr_lock);
        pthread_join(s->hdr_watcher, NULL);
    }
    timing_report(0);
    fk_tracer_free(s->tr);
    fk_ctl_free(s->ctl);
    fk_engine_free(s->eng);
    for (i = 0; i < 2; i++) {
        fk_store_close(s->eng_spare[i]);
        fk_store_close(s->tr_spare[i]);
    }
    fk_store_close(s->st);
    for (i = 0; i < CACHE_SLOTS; i++)
        blob_unref(s->cache[i].blob);
    pthread_cond_destroy(&s->jobs_wake);
    pthread_mutex_destroy(&s->jobs_lock);
    pthread_cond_destroy(&s->hdr_wake);
    pthread_mutex_destroy(&s->hdr_lock);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return rc;
}
