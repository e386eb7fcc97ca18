/* SPDX-License-Identifier: MIT */
/* A province server (serve --region PROVINCE --cities URL,URL,…; issue 20): the province's
 * roll-ups, answered by asking every city's server through its own API, at once, as the service
 * account, and merging the rows. A city that does not answer in time (or answers an error) is
 * named in the reply, which is then marked partial: never silently incomplete.
 *
 *   GET /api/v1/province/coverage?round=R&by=LEVEL   each city's GET /api/v1/coverage
 *   GET /api/v1/province/control?by=LEVEL            each city's GET /api/v1/control/summary
 *   GET /api/v1/province/cities                      each city's GET /api/v1/me: who answers
 *
 * The asking runs on a worker thread (srv_defer), never under the server's lock, with libcurl's
 * multi interface: the cities are asked in parallel and the answer takes the slowest city's
 * time, at most CITY_SECONDS. The service account's session on each city is kept and renewed
 * when a city answers 401. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "curl.h"
#include "fk/buf.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/str.h"
#include "fk/time.h"
#include "server.h"
#include "state.h"

/* How long a city has to answer, sign-in included. */
#define CITY_SECONDS 5
/* The most cities a province server asks, and the longest answer it takes from one. */
#define MAX_CITIES 64
#define CITY_BODY_MAX (64u << 20)

struct city {
    char url[256]; /* base URL, without a trailing slash */
    char token[128];
};

struct province {
    struct city city[MAX_CITIES];
    size_t n;
    pthread_mutex_t lock; /* the tokens */
    char service[72];
    char password[256];
};

/* One request to one city. */
struct call {
    struct city *city;
    CURL *h;
    struct curl_slist *hdr;
    fk_buf body;
    long status;
    double ms;
    char err[CURL_ERROR_SIZE];
    int failed; /* transport failure (err says why) */
};

/* The request the worker thread answers. */
struct job {
    char path[600]; /* of the cities' endpoint, with its query */
    int coverage;   /* sum residents and sampled */
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct call *c = ud;

    if (c->body.len + size * n > CITY_BODY_MAX || fk_buf_append(&c->body, p, size * n) != FK_OK)
        return 0; /* libcurl stops with a write error */
    return size * n;
}

/* Sets c up to ask url (path appended to the city's base); body (JSON) makes it a POST. */
static int call_init(struct call *c, struct city *city, const char *path, const char *body,
                     const char *token)
{
    char url[1024], auth[200];

    memset(c, 0, sizeof *c);
    c->city = city;
    fk_buf_init(&c->body, 0);
    if (!(c->h = sym_curl_easy_init()))
        return FK_ENOMEM;
    snprintf(url, sizeof url, "%s%s", city->url, path);
    sym_curl_easy_setopt(c->h, CURLOPT_URL, url);
    sym_curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
    sym_curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
    sym_curl_easy_setopt(c->h, CURLOPT_ERRORBUFFER, c->err);
    sym_curl_easy_setopt(c->h, CURLOPT_TIMEOUT_MS, (long)CITY_SECONDS * 1000);
    sym_curl_easy_setopt(c->h, CURLOPT_NOSIGNAL, 1L);
    sym_curl_easy_setopt(c->h, CURLOPT_PROTOCOLS_STR, "http,https");
    c->hdr = sym_curl_slist_append(c->hdr, "Accept: application/json");
    if (token && token[0]) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        c->hdr = sym_curl_slist_append(c->hdr, auth);
    }
    if (body) {
        c->hdr = sym_curl_slist_append(c->hdr, "Content-Type: application/json");
        sym_curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
    }
    sym_curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdr);
    return FK_OK;
}

static void call_done(struct call *c, CURLcode cc)
{
    double secs = 0;

    sym_curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->status);
    sym_curl_easy_getinfo(c->h, CURLINFO_TOTAL_TIME, &secs);
    c->ms = secs * 1e3;
    if (cc != CURLE_OK) {
        c->failed = 1;
        if (!c->err[0])
            fk_strlcpy(c->err, sym_curl_easy_strerror(cc), sizeof c->err);
    }
}

static void call_free(struct call *c)
{
    if (c->h)
        sym_curl_easy_cleanup(c->h);
    sym_curl_slist_free_all(c->hdr);
    fk_buf_fini(&c->body);
}

/* Runs calls[0..n) at once; each ends answered, failed or timed out. */
static void run_all(struct call *calls, size_t n)
{
    CURLM *m = sym_curl_multi_init();
    CURLMsg *msg;
    int running = 0, left;
    size_t i;

    if (!m) {
        for (i = 0; i < n; i++) {
            calls[i].failed = 1;
            fk_strlcpy(calls[i].err, "out of memory", sizeof calls[i].err);
        }
        return;
    }
    for (i = 0; i < n; i++)
        if (calls[i].h)
            sym_curl_multi_add_handle(m, calls[i].h);
    do {
        if (sym_curl_multi_perform(m, &running) != CURLM_OK)
            break;
        if (running)
            sym_curl_multi_poll(m, NULL, 0, 200, NULL);
    } while (running);
    while ((msg = sym_curl_multi_info_read(m, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        for (i = 0; i < n; i++)
            if (calls[i].h == msg->easy_handle)
                call_done(&calls[i], msg->data.result);
    }
    for (i = 0; i < n; i++)
        if (calls[i].h)
            sym_curl_multi_remove_handle(m, calls[i].h);
    sym_curl_multi_cleanup(m);
}

/* Signs the service account in at city; its token into city->token (under p->lock). FK_OK, or
 * FK_EIO with why (cap bytes). */
static int sign_in(struct province *p, struct city *city, char *why, size_t cap)
{
    json_t *j = json_pack("{ssss}", "name", p->service, "password", p->password), *a = NULL;
    char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    const char *tok;
    struct call c;
    int rc = FK_EIO;

    json_decref(j);
    if (!body || call_init(&c, city, "/api/v1/login", body, NULL) != FK_OK) {
        snprintf(why, cap, "out of memory");
        free(body);
        return FK_ENOMEM;
    }
    run_all(&c, 1);
    if (c.failed) {
        snprintf(why, cap, "no answer: %s", c.err);
    } else if (c.status != 200) {
        snprintf(why, cap, "the service account %s could not sign in (HTTP %ld)", p->service,
                 c.status);
    } else if (!(a = json_loadb(c.body.data ? c.body.data : "", c.body.len, 0, NULL)) ||
               !(tok = json_string_value(json_object_get(a, "token")))) {
        snprintf(why, cap, "the sign-in answer holds no token");
    } else {
        pthread_mutex_lock(&p->lock);
        fk_strlcpy(city->token, tok, sizeof city->token);
        pthread_mutex_unlock(&p->lock);
        rc = FK_OK;
    }
    json_decref(a);
    call_free(&c);
    free(body);
    return rc;
}

/* What one city said: its rows (a new reference) or why not. */
struct answer {
    json_t *rows;
    char why[CURL_ERROR_SIZE + 64];
    long status;
    double ms;
};

/* Asks every city for path at once (signing in first where there is no session, and once more
 * where a city says the session ended), into ans[i]. */
static void ask_all(struct province *p, const char *path, struct answer *ans)
{
    struct call *c = calloc(p->n, sizeof *c);
    char token[128];
    size_t i;
    int round;

    if (!c) {
        for (i = 0; i < p->n; i++)
            snprintf(ans[i].why, sizeof ans[i].why, "out of memory");
        return;
    }
    for (round = 0; round < 2; round++) {
        size_t asked = 0;

        for (i = 0; i < p->n; i++) {
            if (round == 1 && !(ans[i].status == 401 && !ans[i].rows))
                continue;
            pthread_mutex_lock(&p->lock);
            fk_strlcpy(token, p->city[i].token, sizeof token);
            pthread_mutex_unlock(&p->lock);
            if ((!token[0] || round == 1) &&
                sign_in(p, &p->city[i], ans[i].why, sizeof ans[i].why) != FK_OK) {
                ans[i].status = 0;
                continue;
            }
            pthread_mutex_lock(&p->lock);
            fk_strlcpy(token, p->city[i].token, sizeof token);
            pthread_mutex_unlock(&p->lock);
            if (call_init(&c[i], &p->city[i], path, NULL, token) != FK_OK) {
                snprintf(ans[i].why, sizeof ans[i].why, "out of memory");
                continue;
            }
            asked++;
        }
        if (asked)
            run_all(c, p->n);
        for (i = 0; i < p->n; i++) {
            json_t *a;

            if (!c[i].h)
                continue;
            ans[i].status = c[i].status;
            ans[i].ms = c[i].ms;
            ans[i].why[0] = '\0';
            if (c[i].failed) {
                snprintf(ans[i].why, sizeof ans[i].why, "no answer: %s", c[i].err);
            } else if (c[i].status != 200) {
                a = json_loadb(c[i].body.data ? c[i].body.data : "", c[i].body.len, 0, NULL);
                snprintf(ans[i].why, sizeof ans[i].why, "HTTP %ld: %s", c[i].status,
                         a && json_is_string(json_object_get(a, "error"))
                             ? json_string_value(json_object_get(a, "error"))
                             : "no reason given");
                json_decref(a);
            } else if (!(a = json_loadb(c[i].body.data ? c[i].body.data : "", c[i].body.len, 0,
                                        NULL)) ||
                       !json_is_array(json_object_get(a, "rows"))) {
                snprintf(ans[i].why, sizeof ans[i].why, "the answer is not a table of rows");
                json_decref(a);
            } else {
                ans[i].rows = json_incref(json_object_get(a, "rows"));
                json_decref(a);
            }
            call_free(&c[i]);
            memset(&c[i], 0, sizeof c[i]);
        }
    }
    free(c);
}

/* Orders merged rows by their region code, then as they came. */
static int by_region(const void *a, const void *b)
{
    json_t *const *x = a, *const *y = b;
    const char *u = json_string_value(json_object_get(*x, "region"));
    const char *v = json_string_value(json_object_get(*y, "region"));

    return strcmp(u ? u : "", v ? v : "");
}

static void province_work(struct req *r)
{
    struct province *p = r->srv->prov;
    struct job *jb = r->job;
    struct answer *ans = calloc(p->n, sizeof *ans);
    json_t *out = json_object(), *rows = json_array(), *cities = json_array(),
           *missing = json_array();
    json_t **all = NULL;
    size_t i, k, nall = 0, cap = 0;
    double t0 = fk_mono_seconds();
    int64_t residents = 0, sampled = 0;
    char *text;

    if (!ans || !out || !rows || !cities || !missing) {
        reply_fk(r, FK_ENOMEM, "out of memory");
        goto out;
    }
    ask_all(p, jb->path, ans);
    for (i = 0; i < p->n; i++) {
        json_t *c = json_pack("{sssbsIsf}", "url", p->city[i].url, "ok", ans[i].rows != NULL,
                              "status", (json_int_t)ans[i].status, "ms", ans[i].ms);

        if (ans[i].rows) {
            json_t *row;

            json_object_set_new(c, "rows", json_integer((json_int_t)json_array_size(ans[i].rows)));
            json_array_foreach(ans[i].rows, k, row) {
                if (nall == cap) {
                    json_t **bigger = realloc(all, (cap = cap ? cap * 2 : 64) * sizeof *all);

                    if (!bigger) {
                        json_decref(c);
                        reply_fk(r, FK_ENOMEM, "out of memory");
                        goto out;
                    }
                    all = bigger;
                }
                all[nall++] = row;
                residents += json_integer_value(json_object_get(row, "residents"));
                sampled += json_integer_value(json_object_get(row, "sampled"));
            }
        } else {
            json_object_set_new(c, "error", json_string(ans[i].why));
            json_array_append_new(missing, json_string(p->city[i].url));
        }
        json_array_append_new(cities, c);
    }
    qsort(all, nall, sizeof *all, by_region);
    for (i = 0; i < nall; i++)
        json_array_append(rows, all[i]);
    json_object_set(out, "rows", rows);
    json_object_set_new(out, "total", json_integer((json_int_t)nall));
    if (jb->coverage)
        json_object_set_new(
            out, "province",
            json_pack("{sIsIso}", "residents", (json_int_t)residents, "sampled",
                      (json_int_t)sampled, "coverage",
                      residents ? json_real((double)sampled / (double)residents) : json_null()));
    json_object_set_new(out, "partial", json_boolean(json_array_size(missing) > 0));
    json_object_set(out, "missing", missing);
    json_object_set(out, "cities", cities);
    json_object_set_new(out, "ms", json_real((fk_mono_seconds() - t0) * 1e3));
    text = json_dumps(out, JSON_COMPACT);
    if (text) {
        reply_json(r, text, strlen(text));
        free(text);
    } else {
        reply_fk(r, FK_ENOMEM, "out of memory");
    }
out:
    for (i = 0; ans && i < p->n; i++)
        json_decref(ans[i].rows);
    free(ans);
    free(all);
    json_decref(out);
    json_decref(rows);
    json_decref(cities);
    json_decref(missing);
}

static void province_finish(struct req *r)
{
    free(r->job);
    r->job = NULL;
}

/* The checks every roll-up makes, then the cities' endpoint path (with its query) handed to the
 * worker thread. */
static void province_get(struct req *r, const char *path, int coverage)
{
    struct server *s = r->srv;
    fk_engine *e;
    struct job *jb;

    if (!s->prov) {
        reply_error(r, 404, "not_found", "start the server with --cities URL,URL,…",
                    "this server is not a province server");
        return;
    }
    if (!(e = srv_engine(r)))
        return;
    if (!fk_engine_region_inside(e, s->o.region, r->who.scope)) {
        reply_error(r, 403, "forbidden", "ask your own city's server",
                    "the province roll-up is for accounts whose scope is the province %s",
                    s->o.region);
        return;
    }
    if (!(jb = calloc(1, sizeof *jb))) {
        reply_fk(r, FK_ENOMEM, "out of memory");
        return;
    }
    fk_strlcpy(jb->path, path, sizeof jb->path);
    jb->coverage = coverage;
    r->job = jb;
    if (!srv_defer(r, province_work, province_finish)) {
        free(jb);
        r->job = NULL;
    }
}

/* A query value as the cities are asked for it: letters, digits and -_. only (round names and
 * levels), so nothing the caller sends reaches the cities' URLs unchecked. */
static int plain_arg(struct req *r, const char *name, const char *v)
{
    const char *c;

    for (c = v; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            break;
    if (!*v || *c || strlen(v) > 64) {
        reply_error(r, 400, "bad_request", "letters, digits, '-', '_' and '.'",
                    "?%s= takes a name of letters and digits", name);
        return 0;
    }
    return 1;
}

static void api_province_coverage(struct req *r)
{
    const char *round = req_arg(r, "round"), *by = req_arg(r, "by");
    char path[300];

    if (!round || !plain_arg(r, "round", round) || (by && !plain_arg(r, "by", by))) {
        if (!round)
            reply_error(r, 400, "bad_request", "?round=NAME&by=LEVEL", "?round= is required");
        return;
    }
    snprintf(path, sizeof path, "/api/v1/coverage?round=%s&by=%s", round, by ? by : "city");
    province_get(r, path, 1);
}

static void api_province_control(struct req *r)
{
    const char *by = req_arg(r, "by");
    char path[200];

    if (by && !plain_arg(r, "by", by))
        return;
    snprintf(path, sizeof path, "/api/v1/control/summary?by=%s", by ? by : "city");
    province_get(r, path, 0);
}

const struct route api_province_routes[] = {
    {"GET", "/api/v1/province/coverage", api_province_coverage, FK_PERM_READ, 0},
    {"GET", "/api/v1/province/control", api_province_control, FK_PERM_READ, 0},
    {NULL, NULL, NULL, 0, 0},
};

int province_open(struct server *s, char *err, size_t errlen)
{
    const struct server_opts *o = &s->o;
    struct province *p;
    const char *at = o->cities, *comma;
    int rc;

    if (!o->cities)
        return FK_OK;
    if ((rc = curl_load(err, errlen)) != FK_OK)
        return rc;
    if (!(p = calloc(1, sizeof *p))) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    pthread_mutex_init(&p->lock, NULL);
    fk_strlcpy(p->service, o->service, sizeof p->service);
    fk_strlcpy(p->password, o->service_password, sizeof p->password);
    for (; *at; at = *comma ? comma + 1 : comma) {
        size_t n;

        comma = strchr(at, ',');
        if (!comma)
            comma = at + strlen(at);
        n = (size_t)(comma - at);
        while (n && at[n - 1] == '/')
            n--;
        if (n == 0)
            continue;
        if (p->n == MAX_CITIES || n >= sizeof p->city[0].url ||
            (strncmp(at, "http://", 7) != 0 && strncmp(at, "https://", 8) != 0)) {
            snprintf(err, errlen,
                     "--cities takes up to %d http:// or https:// addresses, comma-separated; "
                     "'%.*s' is not one",
                     MAX_CITIES, (int)(n > 200 ? 200 : n), at);
            free(p);
            return FK_EINVAL;
        }
        memcpy(p->city[p->n].url, at, n);
        p->city[p->n++].url[n] = '\0';
    }
    if (!p->n) {
        snprintf(err, errlen, "--cities names no city");
        free(p);
        return FK_EINVAL;
    }
    s->prov = p;
    fprintf(stderr, "fangkong serve: a province server for %s over %zu cities\n", o->region, p->n);
    return FK_OK;
}

void province_free(struct server *s)
{
    if (!s->prov)
        return;
    sodium_memzero(s->prov->password, sizeof s->prov->password);
    pthread_mutex_destroy(&s->prov->lock);
    free(s->prov);
    s->prov = NULL;
}
