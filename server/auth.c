/* SPDX-License-Identifier: MIT */
/* Sessions and accounts over HTTP: sign-in with a name and password (argon2id), an opaque bearer
 * token stored hashed with an expiry, failed sign-ins limited per account name and per source
 * address, every checked sign-in audited, and the admin's account and audit endpoints. Every
 * handler here runs under the server lock; password hashes do not: they run on the server's hash
 * threads (srv_defer), between a handler and its finish.
 *
 * The web UI holds its session in an HttpOnly, SameSite=Strict cookie that page script cannot
 * read, so a script smuggled into a page cannot carry the token away; API clients send the token
 * as Authorization: Bearer. A request signed in by the cookie that changes anything must carry
 * the header X-Fangkong-CSRF, which a page of another site cannot add without a CORS preflight
 * this server never grants. */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mhd.h"
#include "server.h"
#include "state.h"

#define TOKEN_TTL (12 * 3600)   /* a session lasts one shift */
#define FAIL_MAX 5              /* failed sign-ins before a pause */
#define FAIL_WINDOW (15 * 60)   /* … within this many seconds */
#define FAIL_SLOTS 256
#define COOKIE_NAME "fk_session"
#define CSRF_HEADER "X-Fangkong-CSRF"
#define ADDR_FAIL_MAX 30 /* failed sign-ins from one address before a pause */
#define ADDR_SLOTS 1024

/* Failed sign-ins per account name and per source address, in two fixed tables: guarded by the
 * lock. An entry is live while it counts failures inside its window; only an empty or expired
 * entry is ever reused, so failing with many other names (or from many other addresses) cannot
 * push out, and so reset, one with recent failures. While every entry of a table is live, a name
 * (an address) without one is refused before its password is checked: otherwise it could be
 * guessed without limit. A table fills only under attack, and frees up at the latest one window
 * after the flood stops. One address is allowed ADDR_FAIL_MAX failures, so a flood of wrong names
 * from it is cut short long before it could fill the names' table and lock every account out;
 * one name is allowed FAIL_MAX, from however many addresses. A success resets its name's count,
 * never its address's (else one good account would reset a guesser's count). */
struct fail {
    char key[72];
    int count;
    int64_t first;
};

static struct fail fails[FAIL_SLOTS];
static struct fail addr_fails[ADDR_SLOTS];

static int fail_live(const struct fail *f, int64_t now)
{
    return f->key[0] && f->count > 0 && now - f->first <= FAIL_WINDOW;
}

/* The entry of key in t (n entries), or NULL. */
static struct fail *fail_find(struct fail *t, int n, const char *key)
{
    int i;

    for (i = 0; i < n; i++) {
        if (t[i].key[0] && strcmp(t[i].key, key) == 0)
            return &t[i];
    }
    return NULL;
}

/* A new entry for key in an empty or expired slot; NULL when every entry is live. */
static struct fail *fail_add(struct fail *t, int n, const char *key, int64_t now)
{
    int i;

    for (i = 0; i < n; i++) {
        if (!fail_live(&t[i], now)) {
            fk_strlcpy(t[i].key, key, sizeof t[i].key);
            t[i].count = 0;
            t[i].first = now;
            return &t[i];
        }
    }
    return NULL;
}

/* Seconds until a new key can get an entry in t again (0: there is room now). */
static int64_t fail_full(const struct fail *t, int n, int64_t now)
{
    int64_t until = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (!fail_live(&t[i], now))
            return 0;
        if (!until || t[i].first + FAIL_WINDOW < until)
            until = t[i].first + FAIL_WINDOW;
    }
    return until - now + 1;
}

/* Seconds the key must wait before its password is checked (0: none): it has max live failures,
 * or it has no entry and the table is full. */
static int64_t fail_wait(struct fail *t, int n, int max, const char *key, int64_t now)
{
    struct fail *f = fail_find(t, n, key);

    if (!f)
        return fail_full(t, n, now);
    if (!fail_live(f, now))
        return 0;
    return f->count >= max ? f->first + FAIL_WINDOW - now + 1 : 0;
}

/* Counts one failure for key in t. A sign-in is counted as failed when its password is handed to
 * be checked, so that the sign-ins in flight at once cannot pass the limit together; a success
 * takes it back (fail_uncount). */
static void fail_count(struct fail *t, int n, const char *key, int64_t now)
{
    struct fail *f = fail_find(t, n, key);

    if (f && !fail_live(f, now))
        f->count = 0;
    if (!f)
        f = fail_add(t, n, key, now);
    if (!f)
        return;
    if (f->count == 0)
        f->first = now;
    f->count++;
}

/* Takes back one failure counted for key in t (a sign-in that succeeded). */
static void fail_uncount(struct fail *t, int n, const char *key, int64_t now)
{
    struct fail *f = fail_find(t, n, key);

    if (f && fail_live(f, now))
        f->count--;
}

/* Recently checked sessions, so a request does not read the tokens and users tables each time
 * (two SQLite reads per request under the lock, the largest share of a cached dashboard answer).
 * An entry is trusted for SESSION_CACHE_TTL seconds; signing out, disabling or changing an
 * account through the API drops it at once, and a change made with the command line
 * (fangkong user disable) takes effect within that time. Guarded by the lock. */
#define SESSION_SLOTS 256
#define SESSION_CACHE_TTL 10

static struct {
    char hash[FK_TOKEN_HEX];
    struct caller who;
    int64_t expires, checked;
} sessions[SESSION_SLOTS];

static unsigned session_slot(const char *hash)
{
    unsigned h = 2166136261u;

    for (; *hash; hash++)
        h = (h ^ (unsigned char)*hash) * 16777619u;
    return h % SESSION_SLOTS;
}

/* Forgets every cached session (after an account changed). */
static void sessions_forget(void)
{
    memset(sessions, 0, sizeof sessions);
}

/* The session token a request presents, or NULL: the bearer token when there is an Authorization
 * header (a wrong one is not made good by a cookie), else the UI's cookie (*by_cookie = 1).
 * Borrowed from libmicrohttpd: valid for the request. */
static const char *request_token(struct req *r, int *by_cookie)
{
    const char *h = sym_MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");

    *by_cookie = 0;
    if (h)
        return strncmp(h, "Bearer ", 7) == 0 && strlen(h + 7) == 64 ? h + 7 : NULL;
    h = sym_MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE_NAME);
    if (!h || strlen(h) != 64)
        return NULL;
    *by_cookie = 1;
    return h;
}

/* Sets the UI's session cookie to token for max_age seconds ("" and 0: deletes it). Secure when
 * the request came over HTTPS: fangkong serve speaks plain HTTP, so that is a TLS proxy in front
 * of it saying X-Forwarded-Proto: https (docs/api.md). */
static void set_session_cookie(struct req *r, const char *token, long long max_age)
{
    const char *proto =
        sym_MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");

    snprintf(r->set_cookie, sizeof r->set_cookie,
             COOKIE_NAME "=%s; Max-Age=%lld; Path=/; HttpOnly; SameSite=Strict%s", token, max_age,
             proto && strcasecmp(proto, "https") == 0 ? "; Secure" : "");
}

/* serve --region: the caller's scope cut to the server's region (a province account on a
 * city's server sees the city); 0 after answering 403 when the two do not meet. */
static int cut_to_region(struct req *r)
{
    const char *region = r->srv->o.region;
    fk_engine *e;

    if (!region)
        return 1;
    if (!(e = srv_engine(r)))
        return 0;
    if (fk_engine_region_inside(e, region, r->who.scope)) {
        fk_strlcpy(r->who.scope, region, sizeof r->who.scope);
        return 1;
    }
    if (fk_engine_region_inside(e, r->who.scope, region))
        return 1;
    reply_error(r, 403, "forbidden", "sign in at the server of your own region",
                "this server serves region %s only, and the account's scope %s lies outside it",
                region, r->who.scope);
    return 0;
}

int auth_check(struct req *r)
{
    char hash[FK_TOKEN_HEX];
    struct fk_user u;
    int64_t uid, expires, now = (int64_t)time(NULL);
    unsigned slot;
    int by_cookie;
    const char *token = request_token(r, &by_cookie);

    if (!token) {
        reply_error(r, 401, "unauthorized", "sign in at POST /api/v1/login",
                    "a bearer token is required");
        return 0;
    }
    /* Checked before the session, so a forged request learns nothing about it. */
    if (by_cookie && strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0 &&
        !sym_MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, CSRF_HEADER)) {
        reply_error(
            r, 403, "csrf", "the web UI sends it; API clients send Authorization: Bearer TOKEN",
            "a request signed in by the session cookie must carry the header " CSRF_HEADER ": 1");
        return 0;
    }
    fk_token_hash(token, hash);
    slot = session_slot(hash);
    if (strcmp(sessions[slot].hash, hash) == 0 && now - sessions[slot].checked < SESSION_CACHE_TTL &&
        now <= sessions[slot].expires) {
        r->who = sessions[slot].who;
        return 1;
    }
    if (fk_store_get_token(srv_store(r), hash, &uid, &expires) != FK_OK || expires < now) {
        reply_error(r, 401, "unauthorized", "sign in again", "the session has ended");
        if (by_cookie)
            set_session_cookie(r, "", 0);
        return 0;
    }
    if (fk_store_get_user_by_id(srv_store(r), uid, &u) != FK_OK || u.disabled ||
        fk_role_parse(u.role, &r->who.role) != FK_OK) {
        reply_error(r, 401, "unauthorized", "ask an admin", "the account is disabled");
        if (by_cookie)
            set_session_cookie(r, "", 0);
        return 0;
    }
    r->who.id = u.id;
    fk_strlcpy(r->who.name, u.name, sizeof r->who.name);
    fk_strlcpy(r->who.scope, u.scope, sizeof r->who.scope);
    if (!cut_to_region(r))
        return 0;
    fk_strlcpy(sessions[slot].hash, hash, sizeof sessions[slot].hash);
    sessions[slot].who = r->who;
    sessions[slot].expires = expires;
    sessions[slot].checked = now;
    return 1;
}

static const char *str_field(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The caller as JSON: name, role, scope and its name, permissions. */
static void user_json(struct req *r, fk_buf *b, const char *name, const char *role,
                      const char *scope)
{
    struct fk_region_row reg;
    enum fk_role ro = FK_ROLE_VIEWER;
    unsigned perms;
    static const char *const pnames[] = {"read",   "read_persons", "post_results", "import",
                                         "rounds", "audit",        "users",        "control",
                                         "gate",   "sample"};
    int i, first = 1;

    fk_role_parse(role, &ro);
    perms = fk_role_perms(ro);
    fk_buf_puts(b, "{\"name\":");
    fk_buf_json_string(b, name);
    fk_buf_puts(b, ",\"role\":");
    fk_buf_json_string(b, role);
    fk_buf_puts(b, ",\"scope\":");
    fk_buf_json_string(b, scope);
    fk_buf_puts(b, ",\"scope_name\":");
    if (fk_store_get_region(srv_store(r), scope, &reg) == FK_OK)
        fk_buf_json_string(b, reg.name);
    else
        fk_buf_puts(b, "null");
    fk_buf_puts(b, ",\"permissions\":[");
    for (i = 0; i < (int)(sizeof pnames / sizeof pnames[0]); i++) {
        if (!(perms & (1u << i)))
            continue;
        if (!first)
            fk_buf_putc(b, ',');
        fk_buf_json_string(b, pnames[i]);
        first = 0;
    }
    fk_buf_puts(b, "]}");
}

/* A sign-in between its handler (under the lock) and its finish (under the lock again), while a
 * hash thread checks the password off the lock. */
struct login_job {
    char name[72], addr[64];
    char pw[FK_PASSWORD_MAX + 1];
    char pwhash[FK_PWHASH_MAX];
    int known; /* an enabled account of that name */
    int ok;    /* the password matched (set by login_work) */
    int ui;    /* the web UI asked (the CSRF header): the token goes into the cookie */
    int64_t uid;
    char uname[72], role[32], scope[64];
};

/* The hash of a password no one has, verified for an unknown name so that timing does not tell
 * names apart: made once, by the first hash thread that needs it. */
static char dummy_hash[FK_PWHASH_MAX];

static void dummy_init(void)
{
    fk_password_hash("not-a-real-password", dummy_hash);
}

/* Off the lock: touches only the job. */
static void login_work(struct req *r)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct login_job *jb = r->job;

    if (jb->known) {
        jb->ok = fk_password_verify(jb->pwhash, jb->pw) == FK_OK;
    } else {
        pthread_once(&once, dummy_init);
        fk_password_verify(dummy_hash, jb->pw);
    }
    sodium_memzero(jb->pw, sizeof jb->pw);
}

/* Under the lock: counts the failure or starts the session, audits it, answers. */
static void login_finish(struct req *r)
{
    struct login_job *jb = r->job;
    char token[FK_TOKEN_HEX], hash[FK_TOKEN_HEX], ename[300];
    int64_t now = (int64_t)time(NULL);
    struct fail *f;
    fk_buf b;

    fk_str_escape(ename, sizeof ename, jb->name);
    if (!jb->ok) {
        /* Counted already, when it was handed to be checked. */
        fprintf(stderr, "fangkong serve: failed sign-in for '%s' from %s\n", ename, jb->addr);
        audit(r, "signin.fail", ename, "from %s", jb->addr);
        reply_error(r, 401, "unauthorized", NULL, "wrong name or password");
        goto out;
    }
    f = fail_find(fails, FAIL_SLOTS, jb->name);
    if (f)
        f->count = 0;
    fail_uncount(addr_fails, ADDR_SLOTS, jb->addr, now);
    fk_token_new(token);
    fk_token_hash(token, hash);
    if (fk_store_add_token(srv_store(r), hash, jb->uid, now, now + TOKEN_TTL) != FK_OK) {
        reply_fk(r, FK_EDB, fk_store_errmsg(srv_store(r)));
        goto out;
    }
    fk_strlcpy(r->who.name, jb->uname, sizeof r->who.name);
    audit(r, "signin", ename, "from %s", jb->addr);
    fk_buf_init(&b, 0);
    if (jb->ui) {
        /* The web UI: the token goes into the cookie only, never to page script. */
        set_session_cookie(r, token, TOKEN_TTL);
        fk_buf_printf(&b, "{\"expires\":%lld,\"user\":", (long long)(now + TOKEN_TTL));
    } else {
        fk_buf_printf(&b, "{\"token\":\"%s\",\"expires\":%lld,\"user\":", token,
                      (long long)(now + TOKEN_TTL));
    }
    user_json(r, &b, jb->uname, jb->role, jb->scope);
    fk_buf_puts(&b, "}\n");
    reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
out:
    sodium_memzero(jb, sizeof *jb);
    free(jb);
    r->job = NULL;
}

void api_login_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *name, *pw;
    char addr[64];
    struct login_job *jb = NULL;
    struct fk_user u;
    int64_t now = (int64_t)time(NULL), wait;

    if (!j)
        return;
    name = str_field(j, "name");
    pw = str_field(j, "password");
    if (!name || !pw || strlen(name) >= sizeof jb->name) {
        reply_error(r, 400, "bad_request", "send {\"name\":…,\"password\":…}",
                    "name and password are required");
        goto out;
    }
    if (strlen(pw) > FK_PASSWORD_MAX) {
        reply_error(r, 400, "bad_request", NULL, "a password has at most %d bytes",
                    FK_PASSWORD_MAX);
        goto out;
    }
    conn_addr(r->conn, addr, sizeof addr, "unknown");
    wait = fail_wait(addr_fails, ADDR_SLOTS, ADDR_FAIL_MAX, addr, now);
    if (wait > 0) {
        r->retry_after = (unsigned)wait;
        reply_error(r, 429, "too_many_attempts", "wait, or ask an admin to check the server log",
                    "too many failed sign-ins from %s; try again in %lld minutes", addr,
                    (long long)(wait / 60 + 1));
        goto out;
    }
    wait = fail_wait(fails, FAIL_SLOTS, FAIL_MAX, name, now);
    if (wait > 0) {
        r->retry_after = (unsigned)wait;
        if (fail_find(fails, FAIL_SLOTS, name))
            reply_error(r, 429, "too_many_attempts", "wait, or ask an admin to check the account",
                        "too many failed sign-ins for %s; try again in %lld minutes", name,
                        (long long)(wait / 60 + 1));
        else
            reply_error(r, 429, "too_many_attempts",
                        "wait, or ask an admin to check the server log",
                        "too many failed sign-ins on this server; try again in %lld minutes",
                        (long long)(wait / 60 + 1));
        goto out;
    }
    jb = calloc(1, sizeof *jb);
    if (!jb) {
        reply_fk(r, FK_ENOMEM, "out of memory");
        goto out;
    }
    fk_strlcpy(jb->name, name, sizeof jb->name);
    fk_strlcpy(jb->addr, addr, sizeof jb->addr);
    fk_strlcpy(jb->pw, pw, sizeof jb->pw);
    jb->ui = sym_MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, CSRF_HEADER) != NULL;
    if (fk_store_get_user(srv_store(r), name, &u) == FK_OK && !u.disabled) {
        jb->known = 1;
        jb->uid = u.id;
        fk_strlcpy(jb->uname, u.name, sizeof jb->uname);
        fk_strlcpy(jb->role, u.role, sizeof jb->role);
        fk_strlcpy(jb->scope, u.scope, sizeof jb->scope);
        fk_strlcpy(jb->pwhash, u.pwhash, sizeof jb->pwhash);
    }
    r->job = jb;
    if (!srv_defer(r, login_work, login_finish)) {
        sodium_memzero(jb, sizeof *jb);
        free(jb);
        r->job = NULL;
        goto out;
    }
    fail_count(fails, FAIL_SLOTS, name, now);
    fail_count(addr_fails, ADDR_SLOTS, addr, now);
out:
    json_decref(j);
}

void api_logout_post(struct req *r)
{
    int by_cookie;
    const char *token = request_token(r, &by_cookie); /* auth_check found it */
    char hash[FK_TOKEN_HEX];

    fk_token_hash(token, hash);
    fk_store_del_token(srv_store(r), hash);
    sessions_forget();
    set_session_cookie(r, "", 0);
    reply_json(r, "{\"ok\":true}\n", 12);
}

void api_me_get(struct req *r)
{
    fk_buf b;

    fk_buf_init(&b, 0);
    user_json(r, &b, r->who.name, fk_role_name(r->who.role), r->who.scope);
    fk_buf_putc(&b, '\n');
    reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
}

static const struct fk_col user_cols[] = {
    {"name", FK_COL_TEXT}, {"role", FK_COL_TEXT}, {"scope", FK_COL_TEXT},
    {"disabled", FK_COL_INT}, {"created", FK_COL_TEXT},
};

struct user_walk {
    struct req *r;
    fk_table *t;
};

static int add_user(void *ud, const struct fk_user *u)
{
    struct user_walk *w = ud;
    char created[FK_TIME_RENDER_MAX];
    const char *vals[5] = {u->name, u->role, u->scope, u->disabled ? "1" : "0",
                           fk_time_render(u->created, created)};

    /* An admin sees the accounts inside its own scope. */
    if (!in_scope(w->r, u->scope))
        return 0;
    return fk_table_add(w->t, vals);
}

void api_users_get(struct req *r)
{
    struct user_walk w = {r, NULL};
    int rc = fk_table_new(user_cols, 5, &w.t);

    if (rc == FK_OK)
        rc = fk_store_each_user(srv_store(r), add_user, &w);
    if (rc != FK_OK) {
        fk_table_free(w.t);
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        return;
    }
    reply_table(r, w.t, "users", -1);
}

/* An account being added, while a hash thread hashes its password off the lock. */
struct user_job {
    char name[FK_USER_NAME_MAX + 1], scope[FK_REGION_CODE_MAX];
    enum fk_role role;
    char pw[FK_PASSWORD_MAX + 1];
    char hash[FK_PWHASH_MAX];
    int rc;
};

static void user_work(struct req *r)
{
    struct user_job *jb = r->job;

    jb->rc = fk_password_hash(jb->pw, jb->hash);
    sodium_memzero(jb->pw, sizeof jb->pw);
}

static void user_finish(struct req *r)
{
    struct user_job *jb = r->job;
    struct fk_actor a = req_actor(r);
    struct fk_user_new nu;
    char err[512];
    int rc = jb->rc;

    if (rc != FK_OK) {
        reply_error(r, 500, "internal", NULL, "cannot hash the password");
        goto out;
    }
    nu.name = jb->name;
    nu.role = jb->role;
    nu.scope = jb->scope;
    rc = fk_user_add(srv_store(r), &a, &nu, jb->hash, (int64_t)time(NULL), err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    r->status = 201;
    reply_json(r, "{\"ok\":true}\n", 12);
out:
    sodium_memzero(jb, sizeof *jb);
    free(jb);
    r->job = NULL;
}

void api_users_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *name, *role, *scope, *pw;
    struct fk_actor a = req_actor(r);
    struct fk_user_new nu;
    char err[512];
    struct user_job *jb;
    enum fk_role ro;
    int rc;

    if (!j)
        return;
    name = str_field(j, "name");
    role = str_field(j, "role");
    scope = str_field(j, "scope");
    pw = str_field(j, "password");
    if (!name || !role || !scope || !pw) {
        reply_error(r, 400, "bad_request", "send name, role, scope and password",
                    "a field is missing");
    } else if (fk_role_parse(role, &ro) != FK_OK) {
        reply_error(r, 400, "bad_request",
                    "admin, commander, county, township, grid, lab, viewer or gate",
                    "unknown role '%s'", role);
    } else {
        /* The account's rules (name, password, scope) before the slow hash. */
        nu.name = name;
        nu.role = ro;
        nu.scope = scope;
        rc = fk_user_check(srv_store(r), &a, &nu, pw, err, sizeof err);
        if (rc != FK_OK) {
            reply_fk(r, rc, err);
            goto out;
        }
        jb = calloc(1, sizeof *jb);
        if (!jb) {
            reply_fk(r, FK_ENOMEM, "out of memory");
            goto out;
        }
        fk_strlcpy(jb->name, name, sizeof jb->name);
        fk_strlcpy(jb->scope, scope, sizeof jb->scope);
        fk_strlcpy(jb->pw, pw, sizeof jb->pw);
        jb->role = ro;
        r->job = jb;
        if (!srv_defer(r, user_work, user_finish)) {
            sodium_memzero(jb, sizeof *jb);
            free(jb);
            r->job = NULL;
        }
    }
out:
    json_decref(j);
}

void api_user_disable_post(struct req *r)
{
    json_t *j = req_json_object(r), *d;
    struct fk_actor a = req_actor(r);
    char err[512];
    int rc;

    if (!j)
        return;
    d = json_object_get(j, "disabled");
    if (!json_is_boolean(d)) {
        reply_error(r, 400, "bad_request", "send {\"disabled\": true} or false",
                    "disabled must be true or false");
        goto out;
    }
    /* An account outside the caller's scope is told as unknown, so names cannot be probed. */
    rc = json_is_true(d) ? fk_user_disable(srv_store(r), &a, r->param, err, sizeof err)
                         : fk_user_enable(srv_store(r), &a, r->param, err, sizeof err);
    sessions_forget();
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    reply_json(r, "{\"ok\":true}\n", 12);
out:
    json_decref(j);
}

static const struct fk_col audit_cols[] = {
    {"id", FK_COL_INT},      {"time", FK_COL_TEXT},   {"who", FK_COL_TEXT},
    {"action", FK_COL_TEXT}, {"target", FK_COL_TEXT}, {"detail", FK_COL_TEXT},
    {"region", FK_COL_TEXT},
};

static int add_audit(void *ud, const struct fk_audit_row *a)
{
    char id[24], when[FK_TIME_RENDER_MAX];
    const char *vals[7] = {id, fk_time_render(a->time, when), a->who, a->action, a->target,
                           a->detail, a->region ? a->region : ""};

    snprintf(id, sizeof id, "%lld", (long long)a->id);
    return fk_table_add(ud, vals);
}

/* The audit trail cut to the caller: rows about regions inside its scope, and its own rows. */
void api_audit_get(struct req *r)
{
    const char *since_s = req_arg(r, "since");
    int64_t since = 0;
    fk_table *t = NULL;
    int rc;

    if (since_s && fk_time_parse(since_s, strlen(since_s), &since) != FK_OK) {
        reply_error(r, 400, "bad_request", "like 2022-08-28T06:00:00+08:00",
                    "since '%s' is not an ISO 8601 time", since_s);
        return;
    }
    rc = fk_table_new(audit_cols, 7, &t);
    if (rc == FK_OK)
        rc = fk_store_each_audit_in(srv_store(r), since, r->who.scope, r->who.name, add_audit,
                                    t);
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        return;
    }
    reply_table(r, t, "audit", 0);
}

/* The routes of sign-in, the session, accounts and the audit log (http.c walks this table; see
 * struct route). */
const struct route api_auth_routes[] = {
    {"POST", "/api/v1/login", api_login_post, NEEDS_NOTHING, 0},
    {"POST", "/api/v1/logout", api_logout_post, NEEDS_SESSION, 0},
    {"GET", "/api/v1/me", api_me_get, NEEDS_SESSION, 0},
    {"GET", "/api/v1/users", api_users_get, FK_PERM_USERS, 0},
    {"POST", "/api/v1/users", api_users_post, FK_PERM_USERS, 0},
    {"POST", "/api/v1/users/{}", api_user_disable_post, FK_PERM_USERS, 0},
    {"GET", "/api/v1/audit", api_audit_get, FK_PERM_AUDIT, 0},
    {NULL, NULL, NULL, 0, 0},
};
