/* SPDX-License-Identifier: MIT */
/* fangkong serve: the HTTP JSON API under /api/v1/ and the built web UI at /, on GNU
 * libmicrohttpd. http.c owns the daemon, request bodies with ceilings and dispatch; reply.c the
 * answers; state.c the store, engine, tracer, their builder thread and the caches; static.c the
 * UI's files; timing.c FK_HTTP_TIMING; auth.c sessions and accounts. Each api_<resource>.c answers
 * one resource through the library and lists its routes, each naming the permission it needs. */
#ifndef FK_SERVER_H
#define FK_SERVER_H

#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "body.h"
#include "fk/fk.h"

#define API_BODY_MAX ((size_t)1 << 20)     /* JSON request bodies */
#define API_UPLOAD_MAX ((uint64_t)4 << 30) /* imported files */

struct server_opts {
    const char *db;
    const char *state;    /* a PostgreSQL store's local folder (FANGKONG_STATE); NULL for a file */
    const char *listen;   /* address, default 127.0.0.1 */
    unsigned port;        /* default 8080 */
    const char *web_root; /* built web UI; NULL or missing: API only */
    unsigned threads;     /* default: number of cores */
    unsigned per_addr;    /* connections one address may hold per thread (--max-per-address) */
    unsigned idle_secs;   /* seconds a connection may send nothing (--idle-timeout) */
    unsigned header_secs; /* seconds a connection has to send a whole request header */
    const struct fk_profile *profile;
    int64_t now; /* the default clock of the answers (FANGKONG_NOW, serve --now); 0: the real one */
    /* serve --region CODE: this server serves CODE and what lies under it only; every caller's
     * scope is cut to it, and a caller whose scope lies outside it is refused (issue 20). */
    const char *region;
    /* serve --cities URL,URL,…: a province server, which answers the province's roll-ups by
     * asking each city's server as the service account (--service NAME, its password from
     * FANGKONG_SERVICE_PASSWORD); api_province.c. NULL: none. */
    const char *cities;
    const char *service;
    const char *service_password;
};

/* The signed-in caller of a request. */
struct caller {
    int64_t id;
    char name[72];
    enum fk_role role;
    char scope[FK_REGION_CODE_MAX];
};

struct server;

/* One request in flight: its body (JSON, in memory with a ceiling; imports, streamed to a file),
 * its caller, and what the handler answers. */
struct req {
    struct server *srv;
    struct MHD_Connection *conn;
    const char *method, *url;
    fk_buf body;
    int too_big;
    int upload_fd; /* imports: the body goes here; -1 otherwise */
    char upload_path[1100];
    uint64_t upload_bytes;
    struct MHD_PostProcessor *pp; /* multipart uploads */
    struct blob *blob;            /* a shared cached answer (srv_cache_reply), or NULL */
    int multipart_seen_file;
    char upload_sheet[128]; /* a multipart upload's "sheet" field (XLSX), or "" */
    struct caller who;
    const char *param; /* the {name} part of a route like /api/v1/import/{type} */
    char param_buf[128];
    /* The response. */
    unsigned status;
    fk_buf out;
    const char *content_type;
    const char *download_name; /* Content-Disposition: attachment */
    char set_cookie[192];      /* a Set-Cookie header (auth.c: the UI's session), or "" */
    int out_fd;                /* a file answer; -1 otherwise */
    uint64_t out_fd_size;
    fk_table *table; /* a JSON table answer, rendered after the lock (reply_table) */
    size_t table_from, table_to;
    int table_page_col;
    /* Freshness (state.c): whether this request has compared the store's generation with the
     * engine's; the engine generation its answer reflects (X-Fangkong-Generation; -1: none);
     * after a write through the API, the generation the answer waits for the engine to reach,
     * with the connection suspended meanwhile, on the server's list of waiters. */
    int gen_checked;
    int64_t generation;
    int64_t wait_generation;
    int suspended;
    struct req *next_waiter;
    /* Work handed to a hash thread (srv_defer): its data (the handler's, freed by finish or
     * with the request), and the queue link. Retry-After seconds of the answer (0: none). */
    void *job;
    void (*defer_work)(struct req *r);
    void (*defer_finish)(struct req *r);
    struct req *next_job;
    unsigned retry_after;
    /* Timers (timing.c, FK_HTTP_TIMING): monotonic start, and seconds spent per phase. */
    double t0, t_auth_wait, t_auth_hold, t_wait, t_hold, t_gen, t_round, t_queue;
};

typedef void (*api_fn)(struct req *r);

/* What a route needs: a session (any role) or a permission of the caller's role. */
#define NEEDS_NOTHING 0u
#define NEEDS_SESSION (1u << 31)

/* One route. Each api_<resource>.c (and auth.c) lists its own in api_<resource>_routes, ended by
 * an entry with method NULL; http.c walks the tables and checks needs before the handler runs. */
struct route {
    const char *method;
    const char *path; /* a trailing "{}" takes one path segment as the parameter */
    api_fn fn;
    unsigned needs; /* NEEDS_SESSION, or a mask of enum fk_perm (which implies a session) */
    int upload;     /* the body is a file to import */
};

extern const struct route api_auth_routes[];      /* auth.c */
extern const struct route api_screening_routes[]; /* api_screening.c */
extern const struct route api_trace_routes[];     /* api_trace.c */
extern const struct route api_import_routes[];    /* api_import.c */
extern const struct route api_control_routes[];   /* api_control.c */
extern const struct route api_export_routes[];    /* api_export.c */
/* *t, an alert list (fk_alert_list), with the columns code and args of its column detail added:
 * the detail as a message of the catalogue (fk/msg.h); *t is replaced (the old table freed) on
 * success. A detail no message fits has both empty. FK_OK or FK_ENOMEM. Thread-safe. */
int api_alert_messages(fk_table **t);
extern const struct route api_person_routes[];    /* api_person.c */
extern const struct route api_assess_routes[];    /* api_assess.c */
extern const struct route api_map_routes[];       /* api_map.c */
extern const struct route api_sentinel_routes[];  /* api_sentinel.c (issue 16) */
extern const struct route api_vaccination_routes[]; /* api_vaccination.c (issue 16) */
extern const struct route api_problem_routes[];     /* api_problem.c (issue 17) */
extern const struct route api_coldchain_routes[]; /* api_coldchain.c (issue 16) */
extern const struct route api_assign_routes[];    /* api_assign.c (issue 17, 包保) */
extern const struct route api_checkin_routes[]; /* api_checkin.c (issue 18, 健康监测) */
extern const struct route api_reports_routes[]; /* api_reports.c (issue 17, 值班与零报告) */
extern const struct route api_incident_routes[];  /* api_incident.c (issue 17) */
extern const struct route api_gate_routes[];      /* api_gate.c (issue 18) */
extern const struct route api_province_routes[];  /* api_province.c (issue 20) */
extern const struct route api_sample_routes[];    /* api_sample.c (issue 21, 采样台) */
/* serve --cities: sets up the province roll-up (s->prov: the cities, the service account) and
 * opens libcurl; FK_OK (nothing to do without --cities), or an error with err. */
int province_open(struct server *s, char *err, size_t errlen);
void province_free(struct server *s);
/* The sampling tables' committer (api_sample.c): a thread with a store connection of its own that
 * commits the batches queued by POST /api/v1/sample/entries as one group. sample_open: FK_OK, or
 * an error with err (the entries are then committed by the requests themselves). sample_stop
 * commits and answers what is queued and ends the thread (before the daemons stop); sample_free
 * also closes its connection. */
int sample_open(struct server *s, char *err, size_t errlen);
void sample_stop(struct server *s);
void sample_free(struct server *s);
/* Adds the gate checks counted since the last time to the store, when force or a minute has
 * passed (api_gate.c). Under the lock. */
void gate_flush(struct server *s, int force);
/* Seconds between two writes of the gate counts: 60, or FANGKONG_GATE_FLUSH (for tests); read
 * once, at start. */
double gate_flush_seconds(void);
extern const struct route api_transfer_routes[];  /* api_transfer.c (issue 18, 闭环转运) */
extern const struct route api_zone_routes[];      /* api_zone.c (issue 18) */
extern const struct route api_plan_routes[]; /* api_plan.c (issue 21, 筛查计划与进度) */
extern const struct route api_gathering_routes[]; /* api_gathering.c (issue 21, 会议活动管理) */
extern const struct route api_request_routes[];   /* api_request.c (issue 21, 便民服务热线) */

/* Runs the server until SIGINT or SIGTERM. EXIT-style: 0 clean stop, 1 could not start. */
int server_run(const struct server_opts *o);

/* ---- for handlers (http.c: requests; reply.c: answers; state.c: shared state) ---- */

/* A query-string value, or NULL. */
const char *req_arg(struct req *r, const char *name);
/* A 0|1 query flag into *out (absent or empty: 0): 1, or 0 with a 400 answer set for another
 * value. */
int req_flag(struct req *r, const char *name, int *out);
/* ?by= as a level of an answer by region (grid up to city) into *level, which keeps its default
 * when by is NULL; 0 with a 400 answered for another word (api_screening.c). */
int req_level(struct req *r, const char *by, enum fk_level *level);
/* The clock of the answer (as of, 历史回看): ?now=T, else the server's default (FANGKONG_NOW),
 * else the real clock, in *now; *asked is 1 unless it is the real clock. 1, or 0 with a 400
 * answer set when ?now= is not ISO 8601. The one place a handler reads its clock. */
int req_now(struct req *r, int64_t *now, int *asked);
/* The day of the answer: ?date=YYYY-MM-DD (days since 1970-01-01, Asia/Shanghai, as
 * fk_report_date_parse and fk_local_day count them), else (absent or empty) the day of req_now's
 * clock, which goes
 * into *now (NULL: not wanted). 1, or 0 with a 400 answer set for another ?date= or ?now=. The
 * one place a handler reads ?date=. */
int req_day(struct req *r, int32_t *day, int64_t *now);
/* The request body parsed as a JSON object (caller json_decref()s), or NULL with a 400 answer
 * set saying what is wrong. */
struct json_t *req_json_object(struct req *r);
/* The integer query parameter name (def when absent) in *out, strictly from min to max: 1, or 0
 * with a 400 answer set naming the parameter and the range. req_json_int: the same for the
 * integer field key of the JSON object j (server/body.h). */
int req_int(struct req *r, const char *name, int64_t min, int64_t max, int64_t def, int64_t *out);
int req_json_int(struct req *r, const struct json_t *j, const char *key, int64_t min, int64_t max,
                 int64_t def, int64_t *out);
/* Sets an error answer {"code","error","hint"} with the HTTP status. */
void reply_error(struct req *r, unsigned status, const char *code, const char *hint,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets an answer from a library return code and message (400 bad input, 404, 409, 413, 500). */
void reply_fk(struct req *r, int rc, const char *msg);
/* Sets a JSON answer (status 200 unless set): the bytes in b are copied. */
void reply_json(struct req *r, const char *json, size_t n);
/* Answers j as compact JSON (or 500 "out of memory" when j is NULL or will not print), and
 * releases j. */
void reply_json_value(struct req *r, struct json_t *j);
/* Answers a table in the format the query asks (?format=json|csv|xlsx; default json, wrapped as
 * {"rows":[…],"total":N,"next":K} with keyset paging when page_col >= 0: ?after=K&limit=N over
 * rows sorted by that column). Frees t. */
void reply_table(struct req *r, fk_table *t, const char *download_name, int page_col);
/* A library call's answer: reply_fk(rc, err) when rc is not FK_OK (t is then NULL), else
 * reply_table with offset paging (REPLY_PAGE_OFFSET). */
void reply_rc_table(struct req *r, int rc, const char *err, fk_table *t, const char *download_name);
/* page_col for reply_table: offset paging over the table's own (stable) order, for lists whose
 * order is not one column's: ?offset=N&limit=M (default: from 0, every row); "next" is the
 * offset of the next page, or null on the last. */
#define REPLY_PAGE_OFFSET (-2)
/* The store, engine, tracer of the server (call under the lock, which handlers hold; the pointers
 * are valid until the handler returns, not across requests). The engine and tracer answer from
 * the last completed build: when the store has moved on, srv_engine asks the builder thread for a
 * new one and returns the current one at once, so an answer may lag a write made outside the
 * server (the command line) by one rebuild; a write through the API (srv_invalidate) is answered
 * only once the engine reflects it. NULL with an error answer set on failure. */
fk_store *srv_store(struct req *r);
fk_engine *srv_engine(struct req *r);
fk_tracer *srv_tracer(struct req *r);
/* The control index over the current engine, or NULL with an answer set (DESIGN NOTES in
 * state.c). Under the lock. */
fk_ctl *srv_ctl(struct req *r);
/* The vaccination index over the current engine (api_vaccination.c keeps it), or NULL with an
 * answer set. Under the lock. */
fk_vax *srv_vax(struct req *r);
/* The reports index (值班与零报告) as of the store's generation (api_reports.c keeps it), or NULL
 * with an answer set. Under the lock. */
fk_reports *srv_reports(struct req *r);
const struct fk_profile *srv_profile(struct req *r);
/* The round named name (NULL: the latest one) into *out: FK_OK; FK_ENOENT, no answer set; or
 * another code with an error answer set. Under the lock. A round once read is kept until a request
 * next reads the store's generation (srv_engine: at most every 100 ms under load, at once when a
 * request comes after a quiet 100 ms) or a write through the API (srv_invalidate): a round
 * changed or a store damaged behind the server's back shows up that much later, like an import
 * from the command line does, and the steady stream of requests reads no round from SQLite. */
int srv_round(struct req *r, const char *name, struct fk_round *out);
/* 1 when region code lies inside the caller's scope. */
int in_scope(struct req *r, const char *code);
/* 1 and *pid when the person with (normalised) ID number id lives inside the caller's scope; 0
 * when unknown or outside, which callers answer alike (404 "no person with ID number …"), so ID
 * numbers cannot be probed. No answer is set. */
int person_in_scope(struct req *r, const char *id, int64_t *pid);
/* The client address of conn (IPv4 or IPv6) as text into out (cap bytes); fallback when
 * libmicrohttpd gives none or another family. */
void conn_addr(struct MHD_Connection *conn, char *out, size_t cap, const char *fallback);
/* The deeper of the caller's scope and region when one holds the other, into out; 0 and a 403
 * answer when they are disjoint. */
int scope_within(struct req *r, const char *region, char *out, size_t cap);
/* ?region= narrowed to the caller's scope (scope_within; no region or an empty one: the scope)
 * into out; 0 and a 403 answer when it lies outside. */
int req_region(struct req *r, char *out, size_t cap);
/* What an answer about regions reads before its library call (a list or a summary cut to the
 * caller's scope): the clock (req_now), ?region= narrowed to the scope (req_region; region NULL
 * for none), with by set ?by= (default county), and the engine. */
struct req_cut {
    int64_t now;
    enum fk_level by;
    char within[FK_REGION_CODE_MAX];
    const char *region; /* within, or NULL */
    fk_engine *e;
};
/* Fills *c: 1, or 0 with an answer set (400 for a bad ?by= or ?now=, 403 for a region outside the
 * scope, the engine's failure). */
int req_cut(struct req *r, int by, struct req_cut *c);
/* The caller as the library's write actions (fk/action.h) take it: borrowed from r. */
struct fk_actor req_actor(const struct req *r);
/* Records an audit row as the caller, for what is no store write of an action (sign-in). */
void audit(struct req *r, const char *action, const char *target, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* After a write: drops cached answers, and holds this request's answer until the engine and
 * tracer reflect the store's generation as it is now (read-your-writes). */
void srv_invalidate(struct req *r);
/* After a write whose answer need not wait for the indexes (a sampling table's entries: the phone
 * needs them stored, not counted): drops cached answers and tells the builder, which rebuilds in
 * the background; the answer goes out at once. */
void srv_changed(struct req *r);
/* Cached JSON answers (dashboard, coverage), per engine and tracer generation. Under the lock.
 * srv_cache_reply answers with the one cached for key and returns 1, or returns 0;
 * srv_cache_put_reply caches json for key and answers with it. The answer is shared, not
 * copied. */
int srv_cache_reply(struct req *r, const char *key);
/* Small answers that depend on the tracer alone (not on the engine, a round or the clock), such
 * as the dashboard's contact counts in a scope: kept per key for the tracer they were computed
 * from, so that they are computed again only once it is rebuilt. srv_tracer_memo_get copies the
 * n bytes kept for key into out and returns 1, or returns 0; srv_tracer_memo_put keeps n bytes
 * (at most 64; the oldest of 16 goes). Under the lock, after srv_tracer. */
int srv_tracer_memo_get(struct req *r, const char *key, void *out, size_t n);
void srv_tracer_memo_put(struct req *r, const char *key, const void *v, size_t n);
/* Monotonic seconds. */
double srv_clock(void);
/* Counts one run of the tracer, started at srv_clock() `started`, in the request timers
 * (FK_HTTP_TIMING). */
void srv_note_trace(double started);
void srv_cache_put_reply(struct req *r, const char *key, const char *json, size_t n);
/* Hands slow work (a password hash) to the server's hash threads: work(r) runs there off the
 * lock (it may touch only r->job), then finish(r) under the lock sets the answer, and only then
 * does the answer go out. Call from a handler, which then returns without an answer: 1 queued;
 * 0 when HASH_PENDING hashes already run or wait, with a 503 answer (Retry-After: 1) set. */
int srv_defer(struct req *r, void (*work)(struct req *r), void (*finish)(struct req *r));
/* For a thread that answers a suspended request (a hash thread, the sampling tables' committer):
 * runs its finish (r->defer_finish), answers 500 when that set no answer, and resumes its
 * connection. Under the lock. */
void srv_finish_deferred(struct req *r);
/* Where uploads and rejects files live (beside the data file). */
const char *srv_upload_dir(struct req *r);
/* The path of the data file's snapshot of kind ("engine", "tracer", "roster") in buf. */
const char *srv_snapshot_path(const struct server *s, const char *kind, char *buf, size_t cap);
/* The snapshots an import through r keeps current: extended in the import, else left for the
 * builder (fk_import_snapshots.extend_only); the roster is read by the import when current, and
 * left stale by one that writes persons. paths: room for the three paths. */
void srv_import_snapshots(struct req *r, struct fk_import_snapshots *s, char paths[3][1100]);
/* Tidies the upload folder dir: at start (at_start 1) removes the upload files a killed server
 * left (upload-*, door-*, export-*.xlsx); always removes rejects files (and their owners) older
 * than 24 h at now. Says what it removed on stderr. (api_import.c) */
void import_sweep(const char *dir, int at_start, time_t now);

/* ---- auth.c ---- */
/* Resolves the Bearer token, or the web UI's session cookie, into r->who. 1 signed in; 0 with a
 * 401 answer set, or 403 for a cookie-signed request that changes state without the header
 * X-Fangkong-CSRF. */
int auth_check(struct req *r);
void api_login_post(struct req *r);
void api_logout_post(struct req *r);
void api_me_get(struct req *r);
void api_users_get(struct req *r);
void api_users_post(struct req *r);
void api_user_disable_post(struct req *r);
void api_audit_get(struct req *r);

/* ---- api_screening.c ---- */
void api_regions_get(struct req *r);
void api_rounds_get(struct req *r);
void api_rounds_post(struct req *r);
void api_coverage_get(struct req *r);
void api_below_get(struct req *r);
void api_missing_get(struct req *r);
void api_retest_get(struct req *r);
void api_tat_get(struct req *r);
void api_dashboard_get(struct req *r);

/* ---- api_trace.c ---- */
/* Runs the tracer with o and keeps the contacts living inside the caller's scope: *out (caller
 * frees) holds *n of them. 0 with an answer set on failure. */
int trace_in_scope(struct req *r, const struct fk_trace_opts *o, fk_tracer **tr,
                   struct fk_contact **out, size_t *n);
void api_trace_get(struct req *r);
void api_explain_get(struct req *r);
void api_chain_get(struct req *r);

/* ---- api_control.c ---- */
void api_control_summary_get(struct req *r);
void api_control_list_get(struct req *r);
void api_control_post(struct req *r);
void api_regime_due_get(struct req *r);
void api_alerts_get(struct req *r);
void api_alert_post(struct req *r);
void api_arrivals_get(struct req *r);
void api_backcheck_get(struct req *r);
void api_risk_areas_get(struct req *r);
void api_backcheck_post(struct req *r);
void api_door_events_post(struct req *r);

/* ---- api_person.c ---- */
void api_persons_get(struct req *r);
void api_person_get(struct req *r);

/* ---- api_import.c ---- */
void api_import_post(struct req *r);
void api_rows_post(struct req *r);
/* The answer of rows taken from a JSON body: {"read","accepted","updated","duplicate",
 * "rejected","alerts","problems":[{"row","reason"}]}, without read and updated when full is 0
 * (POST /api/v1/door_events keeps its shape). Borrows sum and probs for the call. */
void reply_rows(struct req *r, const struct fk_import_summary *sum,
                const struct fk_import_problem *probs, size_t nprobs, int full);
void api_rejects_get(struct req *r);
void api_export_get(struct req *r);

#endif
