/* SPDX-License-Identifier: MIT */
/* fangkong user add|list|disable|enable|password and fangkong audit: accounts for the server,
 * and the trail of every write. The first admin is made here, on the machine, before the server
 * is exposed. */
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Reads the password of account name: from the terminal without echo (asked twice), or one line
 * of stdin; refuses one that fk_password_weak refuses. */
static int read_password(struct cli *c, const char *name, char *out, size_t cap)
{
    int tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    char again[1100], why[256];
    size_t n;

    if (tty) {
        fprintf(stderr, "password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    if (!fgets(out, (int)cap, stdin))
        out[0] = '\0';
    if (tty) {
        fprintf(stderr, "\nagain: ");
        if (!fgets(again, sizeof again, stdin))
            again[0] = '\0';
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    if (tty) {
        size_t m = strlen(again);

        while (m && (again[m - 1] == '\n' || again[m - 1] == '\r'))
            again[--m] = '\0';
        if (strcmp(out, again) != 0) {
            cli_error(c, "the two passwords differ");
            return EXIT_ERROR;
        }
    }
    /* A line longer than out is cut to cap - 1 > FK_PASSWORD_MAX bytes: refused as too long. */
    if (fk_password_weak(name, out, why, sizeof why)) {
        cli_error(c, "%s", why);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* Reads the new password of account name (read_password) and puts its hash in hash (of
 * FK_PWHASH_MAX bytes); the clear text is wiped. EXIT_DONE, or EXIT_ERROR with the error said. */
static int ask_hash(struct cli *c, const char *name, char *hash)
{
    char pw[1100];
    int rc = EXIT_DONE;

    cli_test_hash_cost();
    if (read_password(c, name, pw, sizeof pw) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_secret_init() != FK_OK || fk_password_hash(pw, hash) != FK_OK) {
        cli_error(c, "cannot hash the password");
        rc = EXIT_ERROR;
    }
    memset(pw, 0, sizeof pw);
    return rc;
}

static const struct fk_col user_cols[] = {
    {"name", FK_COL_TEXT}, {"role", FK_COL_TEXT}, {"scope", FK_COL_TEXT},
    {"disabled", FK_COL_INT}, {"created", FK_COL_TEXT},
};

struct user_walk {
    struct cli *c;
    fk_table *t;
};

static int add_user_row(void *ud, const struct fk_user *u)
{
    struct user_walk *w = ud;
    char created[FK_TIME_RENDER_MAX];
    const char *vals[5] = {u->name, u->role, u->scope, u->disabled ? "1" : "0",
                           fk_time_render(u->created, created)};

    /* With --as, the accounts inside its scope, as the API lists them. */
    if (w->c->actor.scope && fk_store_region_inside(w->c->st, vals[2], w->c->actor.scope) != 1)
        return 0;
    return fk_table_add(w->t, vals);
}

int cmd_user(struct cli *c, int argc, char **argv)
{
    const char *role = NULL, *scope = NULL;
    const struct cli_opt opts[] = {
        {.name = "role", .value = &role},
        {.name = "scope", .value = &scope},
        {.name = NULL},
    };
    char hash[FK_PWHASH_MAX], err[512];
    enum fk_role r;
    fk_table *t = NULL;
    int rc;

    if (cli_parse(c, argc, argv, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (c->npos < 1)
        return cli_usage(c);
    c->may_create = strcmp(c->pos[0], "add") == 0; /* the first account may come first */
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_USERS, "manage accounts") != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(c->pos[0], "list") == 0 && c->npos == 1) {
        struct user_walk w = {c, NULL};

        rc = fk_table_new(user_cols, 5, &t);
        w.t = t;
        if (rc == FK_OK)
            rc = fk_store_each_user(c->st, add_user_row, &w);
        if (rc != FK_OK) {
            fk_table_free(t);
            cli_error(c, "%s", fk_store_errmsg(c->st));
            return EXIT_ERROR;
        }
        return cli_emit(c, t);
    }
    if (c->npos != 2)
        return cli_usage(c);
    if (strcmp(c->pos[0], "add") == 0) {
        struct fk_region_row reg;
        struct fk_user_new nu;

        if (!role || !scope) {
            cli_error(c, "user add needs --role and --scope");
            return cli_usage(c);
        }
        if (fk_role_parse(role, &r) != FK_OK) {
            cli_error(c, "--role is admin, commander, county, township, grid, lab, viewer, gate or "
                      "sampler, "
                      "not '%s'", role);
            return EXIT_ERROR;
        }
        nu.name = c->pos[1];
        nu.role = r;
        nu.scope = scope;
        /* The rules first, so a refused account asks for no password. */
        if (fk_user_check(c->st, cli_writer(c), &nu, NULL, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        if (ask_hash(c, c->pos[1], hash) != EXIT_DONE)
            return EXIT_ERROR;
        if (fk_user_add(c->st, cli_writer(c), &nu, hash, (int64_t)time(NULL), err, sizeof err) !=
            FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        if (fk_store_get_region(c->st, scope, &reg) != FK_OK)
            reg.name = scope;
        fprintf(stderr, "user %s added: %s of %s\n", nu.name, fk_role_name(r), reg.name);
        return EXIT_DONE;
    }
    if (strcmp(c->pos[0], "disable") == 0 || strcmp(c->pos[0], "enable") == 0) {
        int off = strcmp(c->pos[0], "disable") == 0;

        rc = off ? fk_user_disable(c->st, cli_writer(c), c->pos[1], err, sizeof err)
                 : fk_user_enable(c->st, cli_writer(c), c->pos[1], err, sizeof err);
        if (rc != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        fprintf(stderr, "user %s %s\n", c->pos[1], off ? "disabled; its sessions are ended"
                                                        : "enabled");
        return EXIT_DONE;
    }
    if (strcmp(c->pos[0], "password") == 0) {
        struct fk_user u;

        /* An unknown account asks for no password. */
        if (fk_store_get_user(c->st, c->pos[1], &u) != FK_OK || !cli_in_scope(c, u.scope)) {
            cli_error(c, "no user named '%s'", c->pos[1]);
            return EXIT_ERROR;
        }
        if (ask_hash(c, c->pos[1], hash) != EXIT_DONE)
            return EXIT_ERROR;
        if (fk_user_password(c->st, cli_writer(c), c->pos[1], hash, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        fprintf(stderr, "user %s: password set; its sessions are ended\n", c->pos[1]);
        return EXIT_DONE;
    }
    return cli_usage(c);
}

static const struct fk_col audit_cols[] = {
    {"time", FK_COL_TEXT},   {"who", FK_COL_TEXT},    {"action", FK_COL_TEXT},
    {"target", FK_COL_TEXT}, {"detail", FK_COL_TEXT}, {"region", FK_COL_TEXT},
};

static int add_audit_row(void *ud, const struct fk_audit_row *a)
{
    char when[FK_TIME_RENDER_MAX];
    const char *vals[6] = {fk_time_render(a->time, when), a->who, a->action, a->target,
                           a->detail, a->region ? a->region : ""};

    return fk_table_add(ud, vals);
}

int cmd_audit(struct cli *c, int argc, char **argv)
{
    const char *since_s = NULL;
    const struct cli_opt opts[] = {{.name = "since", .value = &since_s}, {.name = NULL}};
    int64_t since = 0;
    fk_table *t = NULL;
    int rc;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (since_s && cli_time(c, "--since", since_s, &since) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_AUDIT, "read the audit trail") != EXIT_DONE)
        return EXIT_ERROR;
    rc = fk_table_new(audit_cols, 6, &t);
    /* With --as, cut to the account's scope and its own rows, as the API's. */
    if (rc == FK_OK)
        rc = fk_store_each_audit_in(c->st, since, c->actor.scope, c->actor.name, add_audit_row,
                                    t);
    if (rc != FK_OK) {
        fk_table_free(t);
        cli_error(c, "%s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
