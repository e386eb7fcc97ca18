/* SPDX-License-Identifier: MIT */
/* Sessions and accounts over HTTP: sign-in with a name and password (argon2id), an opaque bearer
 * token stored hashed with an expiry, failed sign-ins limited per account name (a flood of other
 * names cannot reset a name's count), and the admin's account and audit endpoints. Every handler
 * here runs under the server lock. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define TOKEN_TTL (12 * 3600)   /* a session lasts one shift */
#define FAIL_MAX 5              /* failed sign-ins before a pause */
#define FAIL_WINDOW (15 * 60)   /* … within this many seconds */
#define FAIL_SLOTS 256

/* Failed sign-ins per account name, in a fixed table: guarded by the lock. An entry is live while
 * it counts failures inside its window; only an empty or expired entry is ever reused, so failing
 * with many other names cannot push out (and so reset) a name with recent failures. While every
 * entry is live, a name without one is refused before its password is checked: otherwise it
 * could be guessed without limit. The table fills only under attack, and frees up at the latest
 * one window after the flood stops. */
static struct {
    char name[72];
    int count;
    int64_t first;
} fails[FAIL_SLOTS];

static int fail_live(int i, int64_t now)
{
    return fails[i].name[0] && fails[i].count > 0 && now - fails[i].first <= FAIL_WINDOW;
}

/* The entry of name, or -1. */
static int fail_find(const char *name)
{
    int i;

    for (i = 0; i < FAIL_SLOTS; i++) {
        if (fails[i].name[0] && strcmp(fails[i].name, name) == 0)
            return i;
    }
    return -1;
}

/* A new entry for name in an empty or expired slot; -1 when every entry is live. */
static int fail_add(const char *name, int64_t now)
{
    int i;

    for (i = 0; i < FAIL_SLOTS; i++) {
        if (!fail_live(i, now)) {
            fk_strlcpy(fails[i].name, name, sizeof fails[i].name);
            fails[i].count = 0;
            fails[i].first = now;
            return i;
        }
    }
    return -1;
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

/* Seconds until a new name can get an entry again (0: there is room now). */
static int64_t fail_full(int64_t now)
{
    int64_t until = 0;
    int i;

    for (i = 0; i < FAIL_SLOTS; i++) {
        if (!fail_live(i, now))
            return 0;
        if (!until || fails[i].first + FAIL_WINDOW < until)
            until = fails[i].first + FAIL_WINDOW;
    }
    return until - now + 1;
}

int auth_check(struct req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    char hash[FK_TOKEN_HEX];
    struct fk_user u;
    int64_t uid, expires, now = (int64_t)time(NULL);
    unsigned slot;

    if (!h || strncmp(h, "Bearer ", 7) != 0 || strlen(h + 7) != 64) {
        reply_error(r, 401, "unauthorized", "sign in at POST /api/v1/login",
                    "a bearer token is required");
        return 0;
    }
    fk_token_hash(h + 7, hash);
    slot = session_slot(hash);
    if (strcmp(sessions[slot].hash, hash) == 0 && now - sessions[slot].checked < SESSION_CACHE_TTL &&
        now <= sessions[slot].expires) {
        r->who = sessions[slot].who;
        return 1;
    }
    if (fk_store_get_token(srv_store(r), hash, &uid, &expires) != FK_OK || expires < now) {
        reply_error(r, 401, "unauthorized", "sign in again", "the session has ended");
        return 0;
    }
    if (fk_store_get_user_by_id(srv_store(r), uid, &u) != FK_OK || u.disabled ||
        fk_role_parse(u.role, &r->who.role) != FK_OK) {
        reply_error(r, 401, "unauthorized", "ask an admin", "the account is disabled");
        return 0;
    }
    r->who.id = u.id;
    fk_strlcpy(r->who.name, u.name, sizeof r->who.name);
    fk_strlcpy(r->who.scope, u.scope, sizeof r->who.scope);
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
                                         "rounds", "audit",        "users",        "control"};
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

void api_login_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *name, *pw;
    char token[FK_TOKEN_HEX], hash[FK_TOKEN_HEX], uname[72], role[32], scope[64],
        pwhash[FK_PWHASH_MAX];
    struct fk_user u;
    int64_t now = (int64_t)time(NULL), wait;
    int slot, ok;
    fk_buf b;

    if (!j)
        return;
    name = str_field(j, "name");
    pw = str_field(j, "password");
    if (!name || !pw || strlen(name) >= sizeof uname) {
        reply_error(r, 400, "bad_request", "send {\"name\":…,\"password\":…}",
                    "name and password are required");
        goto out;
    }
    slot = fail_find(name);
    if (slot >= 0 && !fail_live(slot, now))
        fails[slot].count = 0, fails[slot].first = now;
    if (slot >= 0 && fails[slot].count >= FAIL_MAX) {
        reply_error(r, 429, "too_many_attempts", "wait, or ask an admin to check the account",
                    "too many failed sign-ins for %s; try again in %lld minutes", name,
                    (long long)((fails[slot].first + FAIL_WINDOW - now) / 60 + 1));
        goto out;
    }
    wait = slot < 0 ? fail_full(now) : 0;
    if (wait > 0) {
        reply_error(r, 429, "too_many_attempts", "wait, or ask an admin to check the server log",
                    "too many failed sign-ins on this server; try again in %lld minutes",
                    (long long)(wait / 60 + 1));
        goto out;
    }
    ok = fk_store_get_user(srv_store(r), name, &u) == FK_OK;
    if (ok) {
        fk_strlcpy(uname, u.name, sizeof uname);
        fk_strlcpy(role, u.role, sizeof role);
        fk_strlcpy(scope, u.scope, sizeof scope);
        fk_strlcpy(pwhash, u.pwhash, sizeof pwhash);
        ok = !u.disabled && fk_password_verify(pwhash, pw) == FK_OK;
    } else {
        /* Spend the same work for an unknown name, so timing does not tell names apart. */
        static char dummy[FK_PWHASH_MAX];

        if (!dummy[0])
            fk_password_hash("not-a-real-password", dummy);
        fk_password_verify(dummy, pw);
    }
    if (!ok) {
        if (slot < 0)
            slot = fail_add(name, now);
        if (slot >= 0) {
            if (fails[slot].count == 0)
                fails[slot].first = now;
            fails[slot].count++;
        }
        fprintf(stderr, "fangkong serve: failed sign-in for '%s'\n", name);
        reply_error(r, 401, "unauthorized", NULL, "wrong name or password");
        goto out;
    }
    if (slot >= 0)
        fails[slot].count = 0;
    fk_token_new(token);
    fk_token_hash(token, hash);
    if (fk_store_add_token(srv_store(r), hash, u.id, now, now + TOKEN_TTL) != FK_OK) {
        reply_fk(r, FK_EDB, fk_store_errmsg(srv_store(r)));
        goto out;
    }
    fk_buf_init(&b, 0);
    fk_buf_printf(&b, "{\"token\":\"%s\",\"expires\":%lld,\"user\":", token,
                  (long long)(now + TOKEN_TTL));
    user_json(r, &b, uname, role, scope);
    fk_buf_puts(&b, "}\n");
    reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
out:
    json_decref(j);
}

void api_logout_post(struct req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    char hash[FK_TOKEN_HEX];

    fk_token_hash(h + 7, hash);
    fk_store_del_token(srv_store(r), hash);
    sessions_forget();
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

void api_users_post(struct req *r)
{
    json_t *j = req_json_object(r);
    const char *name, *role, *scope, *pw;
    char hash[FK_PWHASH_MAX];
    struct fk_user u;
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
                    "admin, commander, county, township, grid, lab or viewer",
                    "unknown role '%s'", role);
    } else if (!*name || strlen(name) > 64 || strpbrk(name, " ,\"/")) {
        reply_error(r, 400, "bad_request", NULL,
                    "a user name has 1 to 64 characters, no spaces, commas, quotes or slashes");
    } else if (strlen(pw) < 8) {
        reply_error(r, 400, "bad_request", NULL, "a password has at least 8 characters");
    } else if (fk_engine_region_level(srv_engine(r), scope) == FK_LEVEL_NONE) {
        reply_error(r, 400, "bad_request", "import regions first", "unknown region %s", scope);
    } else if (!in_scope(r, scope)) {
        reply_error(r, 403, "forbidden", NULL, "region %s is outside your scope %s", scope,
                    r->who.scope);
    } else if (fk_password_hash(pw, hash) != FK_OK) {
        reply_error(r, 500, "internal", NULL, "cannot hash the password");
    } else {
        memset(&u, 0, sizeof u);
        u.name = name;
        u.role = fk_role_name(ro);
        u.scope = scope;
        u.pwhash = hash;
        u.created = (int64_t)time(NULL);
        rc = fk_store_add_user(srv_store(r), &u);
        if (rc != FK_OK) {
            reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        } else {
            audit(r, "user.add", name, "role=%s scope=%s", u.role, scope);
            r->status = 201;
            reply_json(r, "{\"ok\":true}\n", 12);
        }
    }
    json_decref(j);
}

void api_user_disable_post(struct req *r)
{
    json_t *j = req_json_object(r), *d;
    struct fk_user u;
    char name[72], role[32], scope[64], hash[FK_PWHASH_MAX];
    int rc;

    if (!j)
        return;
    d = json_object_get(j, "disabled");
    if (!json_is_boolean(d)) {
        reply_error(r, 400, "bad_request", "send {\"disabled\": true} or false",
                    "disabled must be true or false");
        goto out;
    }
    if (fk_store_get_user(srv_store(r), r->param, &u) != FK_OK) {
        reply_error(r, 404, "not_found", NULL, "no user named '%s'", r->param);
        goto out;
    }
    fk_strlcpy(name, u.name, sizeof name);
    fk_strlcpy(role, u.role, sizeof role);
    fk_strlcpy(scope, u.scope, sizeof scope);
    fk_strlcpy(hash, u.pwhash, sizeof hash);
    if (!in_scope(r, scope)) {
        /* As an unknown account, so account names cannot be probed. */
        reply_error(r, 404, "not_found", NULL, "no user named '%s'", r->param);
        goto out;
    }
    u.name = name;
    u.role = role;
    u.scope = scope;
    u.pwhash = hash;
    u.disabled = json_is_true(d);
    rc = fk_store_update_user(srv_store(r), &u);
    sessions_forget();
    if (rc == FK_OK && u.disabled)
        rc = fk_store_del_user_tokens(srv_store(r), u.id);
    if (rc != FK_OK) {
        reply_fk(r, rc, fk_store_errmsg(srv_store(r)));
        goto out;
    }
    audit(r, u.disabled ? "user.disable" : "user.enable", name, "%s", "");
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
