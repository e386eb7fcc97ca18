/* SPDX-License-Identifier: MIT */
/* The libmicrohttpd glue of fangkong serve (see server.h): the daemons, request parsing (bodies
 * with ceilings: JSON in memory; imports streamed to a file), the header deadline, dispatch
 * through the route tables each api_<resource>.c keeps (the permission check from the table),
 * and answers sent with the security headers. Beside it: reply.c (answers), state.c (engine,
 * builder, caches), static.c (the web UI's files), timing.c (FK_HTTP_TIMING), mhd.c (the library
 * itself, opened with dlopen when the server starts, not linked).
 *
 * DESIGN NOTES
 * - A request is resolved on its first callback: route, and for routes that need a session the
 *   caller, so a request that will be refused never has its body written to disk.
 * - Every handler runs under one mutex: the store's SQLite connection, the engine and the tracer
 *   are single-threaded. The answers are in-memory index walks (milliseconds), so one lock costs
 *   little; the dashboard, asked by every open screen, is cached per engine generation and scope.
 * - The state handlers reach under that mutex, and the builder thread that keeps it fresh off
 *   it, are state.c's (its DESIGN NOTES); an answer to a write is held here, suspended, until
 *   the builder has caught up (read-your-writes).
 * - --threads N starts N daemons of one thread each, listening on sockets of their own bound to
 *   the same address (SO_REUSEPORT): the kernel hashes each new connection to one of them, so
 *   they get even shares. libmicrohttpd's thread pool lets the first thread to wake accept,
 *   and under load one thread took three connections in four, whose requests then waited three
 *   times as long. A second server on the same port is still refused (port_free).
 * - Request memory is the request's own (body, answer) and is freed in the completed callback.
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
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mhd.h"
#include "reply.h"
#include "state.h"
#include "static.h"
#include "timing.h"

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

/* Every route, one table per resource, each beside its handlers. */
static const struct route *const route_tables[] = {
    api_auth_routes,   api_screening_routes, api_trace_routes,
    api_import_routes, api_control_routes,   api_export_routes, api_person_routes, api_map_routes,
    api_sentinel_routes, api_coldchain_routes, api_vaccination_routes, api_assess_routes,
    api_assign_routes, /* 包保 (issue 17) */
    api_reports_routes,
    api_problem_routes,
    api_incident_routes,
    api_zone_routes,     /* 风险区域 (issue 18) */
    api_gate_routes,     /* 场所核验 (issue 18) */
    api_transfer_routes, /* 闭环转运 (issue 18) */
    api_checkin_routes, /* 健康监测 (issue 18) */
    api_province_routes, /* a province server's roll-ups (issue 20) */
    api_sample_routes,   /* the sampling table's phone (issue 21) */
    api_plan_routes,    /* 筛查计划与进度 (issue 21) */
    api_gathering_routes, /* 会议活动管理 (issue 21) */
    api_request_routes,   /* 便民服务热线 (issue 21) */
    NULL,
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
    return sym_MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int req_flag(struct req *r, const char *name, int *out)
{
    const char *v = req_arg(r, name);

    *out = 0;
    if (!v || !*v || strcmp(v, "0") == 0)
        return 1;
    if (strcmp(v, "1") == 0) {
        *out = 1;
        return 1;
    }
    reply_error(r, 400, "bad_request", "1 or 0", "%s '%s' is not 0 or 1", name, v);
    return 0;
}

int req_now(struct req *r, int64_t *now, int *asked)
{
    const char *s = req_arg(r, "now");

    *asked = 1;
    if (s && *s) {
        if (fk_time_parse(s, strlen(s), now) == FK_OK)
            return 1;
        reply_error(r, 400, "bad_request", "like 2022-08-28T12:00:00+08:00",
                    "now '%s' is not an ISO 8601 time", s);
        return 0;
    }
    if (r->srv->o.now) {
        *now = r->srv->o.now;
        return 1;
    }
    *asked = 0;
    *now = (int64_t)time(NULL);
    return 1;
}

int req_day(struct req *r, int32_t *day, int64_t *now)
{
    const char *date = req_arg(r, "date");
    int64_t t;
    int asked;

    if (!req_now(r, &t, &asked))
        return 0;
    if (now)
        *now = t;
    if (!date || !*date) { /* a form's empty field: the default */
        *day = fk_report_day_of(t);
        return 1;
    }
    if (fk_report_date_parse((fk_slice){date, strlen(date)}, day) == FK_OK)
        return 1;
    reply_error(r, 400, "bad_request", "a date like 2022-08-28", "date '%.20s' is not a date", date);
    return 0;
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

void conn_addr(struct MHD_Connection *conn, char *out, size_t cap, const char *fallback)
{
    const union MHD_ConnectionInfo *ci =
        sym_MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    if (!sa || !((sa->sa_family == AF_INET &&
                  inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                            (socklen_t)cap)) ||
                 (sa->sa_family == AF_INET6 &&
                  inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                            (socklen_t)cap))))
        fk_strlcpy(out, fallback, cap);
}

/* ---- requests ---- */

static const struct route *find_route(const char *method, const char *url, char *param, size_t cap,
                                      int *path_known)
{
    const struct route *rt;
    size_t t;

    *path_known = 0;
    for (t = 0; route_tables[t]; t++) {
        for (rt = route_tables[t]; rt->method; rt++) {
            const char *p = rt->path, *brace = strstr(p, "{}");
            int match;

            if (brace) {
                /* "{}" takes one segment; a suffix after it ("/…/{}/control") must follow. */
                size_t pre = (size_t)(brace - p), nsuf = strlen(brace + 2), nurl = strlen(url);
                const char *rest = url + pre;
                size_t nmid = nurl > pre + nsuf ? nurl - pre - nsuf : 0;

                match = strncmp(url, p, pre) == 0 && nmid > 0 &&
                        strcmp(url + nurl - nsuf, brace + 2) == 0 && !memchr(rest, '/', nmid) &&
                        nmid < cap;
                if (match) {
                    memcpy(param, rest, nmid);
                    param[nmid] = '\0';
                }
            } else {
                match = strcmp(url, p) == 0;
            }
            if (!match)
                continue;
            *path_known = 1;
            if (strcmp(method, rt->method) == 0)
                return rt;
        }
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
    if (!filename && strcmp(key, "sheet") == 0) {
        size_t have = strlen(r->upload_sheet);

        if (off == have && have + size < sizeof r->upload_sheet) {
            memcpy(r->upload_sheet + have, data, size);
            r->upload_sheet[have + size] = '\0';
        }
        return MHD_YES;
    }
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
        sym_MHD_destroy_post_processor(r->pp);
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
        fd = sym_MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
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
        conn ? sym_MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;
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
        /* a gate check's path holds the ID number checked, which no log keeps */
        if (strncmp(r->url, "/api/v1/check/", 14) == 0)
            r->url = "/api/v1/check/…";
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
        resp = sym_MHD_create_response_from_fd64(r->out_fd_size, r->out_fd);
        r->out_fd = -1; /* the response owns it now */
    } else if (r->blob) {
        resp = sym_MHD_create_response_from_buffer_with_free_callback_cls(
            r->blob->len, r->blob->data, blob_unref, r->blob);
        if (resp)
            r->blob = NULL; /* its reference is the response's now */
    } else if (r->out.data && r->out.len) {
        /* The answer's buffer goes to libmicrohttpd as it is (freed with free() when sent): a
         * coverage answer of a city is hundreds of kilobytes, not worth a second copy. */
        resp = sym_MHD_create_response_from_buffer(r->out.len, r->out.data, MHD_RESPMEM_MUST_FREE);
        if (resp)
            fk_buf_init(&r->out, 0);
    } else {
        resp = sym_MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    sym_MHD_add_response_header(resp, "Content-Type",
                                r->content_type ? r->content_type : "text/plain");
    /* Every answer, the UI's files and 404s as much as the API's JSON and downloads: nothing a
     * browser receives from here runs script or loads anything from elsewhere, nor sits in a frame.
     */
    sym_MHD_add_response_header(resp, "Content-Security-Policy", SECURITY_POLICY);
    sym_MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    sym_MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    sym_MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->set_cookie[0])
        sym_MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
    if (strncmp(r->url, "/api/", 5) == 0)
        sym_MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->download_name) {
        char cd[256];
        const char *fmt = req_arg(r, "format");

        snprintf(cd, sizeof cd, "attachment; filename=\"%s.%s\"", r->download_name,
                 fmt ? fmt : "json");
        sym_MHD_add_response_header(resp, "Content-Disposition", cd);
    }
    if (r->status == 401)
        sym_MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
    if (r->retry_after) {
        char ra[24];

        snprintf(ra, sizeof ra, "%u", r->retry_after);
        sym_MHD_add_response_header(resp, "Retry-After", ra);
    }
    if (r->generation >= 0) {
        char gen[32];

        snprintf(gen, sizeof gen, "%lld", (long long)r->generation);
        sym_MHD_add_response_header(resp, "X-Fangkong-Generation", gen);
    }
    ret = sym_MHD_queue_response(r->conn, r->status, resp);
    sym_MHD_destroy_response(resp);
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
            const char *ct = sym_MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                             MHD_HTTP_HEADER_CONTENT_TYPE);

            snprintf(r->upload_path, sizeof r->upload_path, "%s/upload-XXXXXX", s->upload_dir);
            r->upload_fd = mkstemp(r->upload_path);
            if (r->upload_fd < 0) {
                r->upload_path[0] = '\0';
                reply_error(r, 500, "internal", NULL, "cannot store the upload");
            } else if (ct && strncmp(ct, "multipart/form-data", 19) == 0) {
                r->pp = sym_MHD_create_post_processor(conn, 64 * 1024, on_post_data, r);
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
            if (sym_MHD_post_process(r->pp, upload_data, n) != MHD_YES)
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
            srv_note_reconnect(s->st, &s->st_reconnects, "requests'");
            if (r->defer_finish) {
                /* Handed to a hash thread (srv_defer), which answers; it cannot before this
                 * unlocks, so the connection is suspended first. */
                r->suspended = 1;
                sym_MHD_suspend_connection(conn);
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
                sym_MHD_suspend_connection(conn);
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

int server_run(const struct server_opts *o)
{
    struct server *s = calloc(1, sizeof *s);
    struct MHD_Daemon *d[MAX_DAEMONS] = {NULL};
    unsigned ndaemons = 0;
    struct sockaddr_in addr;
    char shown[512];
    struct sigaction sa;
    char err[600];
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
    timing_init();
    /* First, before the store is opened and the engine built: a server without its HTTP library
     * says so at once. */
    if (mhd_load(err, sizeof err) != FK_OK) {
        fprintf(stderr, "fangkong serve: %s\n", err);
        goto out;
    }
    if (fk_secret_init() != FK_OK) {
        fprintf(stderr, "fangkong serve: libsodium failed to start\n");
        goto out;
    }
    if (srv_state_open(s) != 0)
        goto out;
    if (o->region && (!s->eng || fk_engine_region_level(s->eng, o->region) == FK_LEVEL_NONE)) {
        fprintf(stderr, "fangkong serve: --region %s: the store has no such region\n", o->region);
        goto out;
    }
    if (province_open(s, err, sizeof err) != FK_OK) {
        fprintf(stderr, "fangkong serve: %s\n", err);
        goto out;
    }
    if (sample_open(s, err, sizeof err) != FK_OK)
        fprintf(stderr,
                "fangkong serve: the sampling tables' committer: %s; their entries are "
                "committed one request at a time\n",
                err);
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
    srv_start_tracer(s);
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
        d[i] = sym_MHD_start_daemon(
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
            fk_store_shown(o->db, shown, sizeof shown), o->web_root ? o->web_root : "not built");
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
    sample_stop(s);
    srv_state_stop(s);
    for (i = 0; i < ndaemons; i++) {
        if (d[i])
            sym_MHD_stop_daemon(d[i]);
    }
    if (s->st) { /* the gates' last counts, once no check can come */
        pthread_mutex_lock(&s->lock);
        gate_flush(s, 1);
        pthread_mutex_unlock(&s->lock);
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
    province_free(s);
    sample_free(s);
    srv_state_free(s);
    pthread_cond_destroy(&s->jobs_wake);
    pthread_mutex_destroy(&s->jobs_lock);
    pthread_cond_destroy(&s->hdr_wake);
    pthread_mutex_destroy(&s->hdr_lock);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->lock);
    free(s);
    return rc;
}
