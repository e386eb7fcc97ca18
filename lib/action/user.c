/* SPDX-License-Identifier: MIT */
/* Account actions (see fk/action.h): add, enable, disable, set a password. One user-name rule
 * (fk_user_name_valid) and one weak-password rule (fk_password_weak) for the command line and the
 * API alike. Accounts are in no in-memory index: each write is an event batch
 * (fk_store_begin_events), which moves no generation, so the engine is not rebuilt for it. */
#include "fk/action.h"

#include <stdio.h>
#include <string.h>

#include "action_int.h"
#include "fk/error.h"
#include "fk/region.h"
#include "fk/secret.h"
#include "fk/str.h"

int fk_user_check(fk_store *st, const struct fk_actor *actor, const struct fk_user_new *u,
                  const char *password, char *err, size_t errlen)
{
    struct fk_region_row reg;
    int rc = fk__may(actor, FK_PERM_USERS, "manage accounts", err, errlen);

    if (rc != FK_OK)
        return rc;
    if (!fk_user_name_valid(u->name)) {
        snprintf(err, errlen, "a user name has 1 to 64 of a-z, 0-9, '.', '_' and '-', not '%s'",
                 u->name);
        return FK_EINVAL;
    }
    if (password && fk_password_weak(u->name, password, err, errlen))
        return FK_EINVAL;
    if (strlen(u->scope) >= FK_REGION_CODE_MAX) {
        snprintf(err, errlen, "unknown region %s (import regions first)", u->scope);
        return FK_EINVAL;
    }
    rc = fk_store_get_region(st, u->scope, &reg);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "unknown region %s (import regions first)", u->scope);
        return FK_EINVAL;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    /* Where the account would act must lie inside where the actor may. */
    if (fk__inside(st, actor, u->scope) != 1) {
        snprintf(err, errlen, "region %s is outside your scope %s", u->scope, actor->scope);
        return FK_EPERM;
    }
    return FK_OK;
}

int fk_user_add(fk_store *st, const struct fk_actor *actor, const struct fk_user_new *u,
                const char *pwhash, int64_t now, char *err, size_t errlen)
{
    struct fk_user row;
    int rc = fk_user_check(st, actor, u, NULL, err, errlen);

    if (rc != FK_OK)
        return rc;
    memset(&row, 0, sizeof row);
    row.name = u->name;
    row.role = fk_role_name(u->role);
    row.scope = u->scope;
    row.pwhash = pwhash;
    row.created = now;
    rc = fk_store_begin_events(st);
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    rc = fk_store_add_user(st, &row);
    if (rc == FK_ECONFLICT) {
        snprintf(err, errlen, "a user named '%s' already exists", u->name);
        return fk__fail(st, 1, rc, err, errlen);
    }
    if (rc == FK_OK)
        rc =
            fk__audit(st, actor, NULL, "user.add", u->name, "role=%s scope=%s", row.role, u->scope);
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

/* The account named name as the actor may change it: FK_OK with *u (its strings copied into the
 * caller's buffers), FK_EPERM, FK_ENOENT when unknown or outside the actor's scope (told alike, so
 * account names cannot be probed), FK_EDB. */
static int user_for(fk_store *st, const struct fk_actor *actor, const char *name, struct fk_user *u,
                    char *uname, char *urole, char *uscope, char *uhash, char *err, size_t errlen)
{
    int rc = fk__may(actor, FK_PERM_USERS, "manage accounts", err, errlen);

    if (rc != FK_OK)
        return rc;
    rc = fk_store_get_user(st, name, u);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "no user named '%s'", name);
        return rc;
    }
    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    /* The store's strings live until its next call: keep copies. */
    fk_strlcpy(uname, u->name, FK_USER_NAME_MAX + 8);
    fk_strlcpy(urole, u->role, 32);
    fk_strlcpy(uscope, u->scope, FK_REGION_CODE_MAX);
    fk_strlcpy(uhash, u->pwhash, FK_PWHASH_MAX);
    u->name = uname;
    u->role = urole;
    u->scope = uscope;
    u->pwhash = uhash;
    if (fk__inside(st, actor, uscope) != 1) {
        snprintf(err, errlen, "no user named '%s'", name);
        return FK_ENOENT;
    }
    return FK_OK;
}

/* Writes u back with its sessions ended when end_sessions, audited as action. */
static int user_put(fk_store *st, const struct fk_actor *actor, const struct fk_user *u,
                    int end_sessions, const char *action, char *err, size_t errlen)
{
    int rc = fk_store_begin_events(st);

    if (rc != FK_OK)
        return fk__fail(st, 0, rc, err, errlen);
    rc = fk_store_update_user(st, u);
    if (rc == FK_OK && end_sessions)
        rc = fk_store_del_user_tokens(st, u->id);
    if (rc == FK_OK)
        rc = fk__audit(st, actor, NULL, action, u->name, "%s", "");
    if (rc == FK_OK)
        rc = fk_store_commit(st);
    return rc == FK_OK ? FK_OK : fk__fail(st, 1, rc, err, errlen);
}

static int set_disabled(fk_store *st, const struct fk_actor *actor, const char *name, int off,
                        char *err, size_t errlen)
{
    char uname[FK_USER_NAME_MAX + 8], urole[32], uscope[FK_REGION_CODE_MAX], uhash[FK_PWHASH_MAX];
    struct fk_user u;
    int rc = user_for(st, actor, name, &u, uname, urole, uscope, uhash, err, errlen);

    if (rc != FK_OK)
        return rc;
    u.disabled = off;
    return user_put(st, actor, &u, off, off ? "user.disable" : "user.enable", err, errlen);
}

int fk_user_disable(fk_store *st, const struct fk_actor *actor, const char *name, char *err,
                    size_t errlen)
{
    return set_disabled(st, actor, name, 1, err, errlen);
}

int fk_user_enable(fk_store *st, const struct fk_actor *actor, const char *name, char *err,
                   size_t errlen)
{
    return set_disabled(st, actor, name, 0, err, errlen);
}

int fk_user_password(fk_store *st, const struct fk_actor *actor, const char *name,
                     const char *pwhash, char *err, size_t errlen)
{
    char uname[FK_USER_NAME_MAX + 8], urole[32], uscope[FK_REGION_CODE_MAX], uhash[FK_PWHASH_MAX];
    struct fk_user u;
    int rc = user_for(st, actor, name, &u, uname, urole, uscope, uhash, err, errlen);

    if (rc != FK_OK)
        return rc;
    if (!pwhash || !*pwhash || strlen(pwhash) >= FK_PWHASH_MAX) {
        snprintf(err, errlen, "no password hash");
        return FK_EINVAL;
    }
    u.pwhash = pwhash;
    /* A new password ends the sessions the old one opened. */
    return user_put(st, actor, &u, 1, "user.password", err, errlen);
}
