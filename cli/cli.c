/* SPDX-License-Identifier: MIT */
/* Shared command-line plumbing (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void cli_error(const struct cli *c, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "fangkong %s: ", c->verb ? c->verb : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage(const struct cli *c)
{
    const struct verb *v = cli_verb(c->verb);

    fprintf(stderr, "usage: fangkong %s\n", v ? v->usage : c->verb);
    fprintf(stderr, "(fangkong help %s tells more)\n", c->verb);
    return EXIT_ERROR;
}

/* Reads a whole small file (a profile) into a NUL-terminated heap string. */
static char *read_small_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    fk_buf b;
    char chunk[4096];
    size_t n;

    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    fk_buf_init(&b, 1 << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (fk_buf_append(&b, chunk, n) != FK_OK) {
            snprintf(err, errlen, "%s is larger than 1 MiB: not a profile", path);
            fk_buf_fini(&b);
            fclose(f);
            return NULL;
        }
    }
    fclose(f);
    if (fk_buf_reserve(&b, 0) != FK_OK) {
        fk_buf_fini(&b);
        return NULL;
    }
    b.data[b.len] = '\0';
    return b.data;
}

/* The value of the option at argv[*i]: what follows its '=' (at eq), else the next argument,
 * which is then consumed; NULL when there is none. */
static const char *opt_value(const char *eq, int argc, char **argv, int *i)
{
    if (eq)
        return eq + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

/* The entry of opts (ending with a NULL name; opts may be NULL) named by the n bytes at name, or
 * NULL. */
static const struct cli_opt *find_opt(const struct cli_opt *opts, const char *name, size_t n)
{
    for (; opts && opts->name; opts++)
        if (strlen(opts->name) == n && strncmp(name, opts->name, n) == 0)
            return opts;
    return NULL;
}

/* Takes option o, given as argv[*i] (a, its '=' at eq or NULL): sets its flag, value or next list
 * entry. FK_OK, or FK_EINVAL after saying why. */
static int take_opt(struct cli *c, const struct cli_opt *o, const char *a, const char *eq, int argc,
                    char **argv, int *i)
{
    const char *val;

    if (o->flag) {
        if (eq) {
            cli_error(c, "--%s takes no value", o->name);
            return FK_EINVAL;
        }
        *o->flag = 1;
        return FK_OK;
    }
    val = opt_value(eq, argc, argv, i);
    if (!val) {
        cli_error(c, "%s needs a value", a);
        return FK_EINVAL;
    }
    if (!o->list) {
        *o->value = val;
        return FK_OK;
    }
    if (*o->nlist >= o->maxlist) {
        cli_error(c, "--%s may be given at most %d times", o->name, o->maxlist);
        return FK_EINVAL;
    }
    o->list[(*o->nlist)++] = val;
    return FK_OK;
}

/* Sets c->now from --now (now), else FANGKONG_NOW, else the clock: the one place the command
 * line reads its clock. */
static int cli_clock(struct cli *c, const char *now)
{
    const char *env = getenv("FANGKONG_NOW");

    c->now_asked = 1;
    if (now)
        return cli_time(c, "--now", now, &c->now);
    if (env && *env)
        return cli_time(c, "FANGKONG_NOW", env, &c->now);
    c->now_asked = 0;
    c->now = (int64_t)time(NULL);
    return EXIT_DONE;
}

void cli_round_cut(const struct cli *c, struct fk_round *r)
{
    if (c->now_asked)
        fk_round_cut(r, c->now);
}

int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts, int maxpos)
{
    const char *format = NULL, *now = NULL;
    const struct cli_opt common[] = {
        {.name = "now", .value = &now},
        {.name = "db", .value = &c->db},
        {.name = "as", .value = &c->as},
        {.name = "profile", .value = &c->profile_path},
        {.name = "format", .value = &format},
        {.name = NULL},
    };
    int i;

    for (i = 0; i < argc; i++) {
        const char *a = argv[i], *eq;
        const struct cli_opt *o;
        size_t nlen;

        if (strncmp(a, "--", 2) != 0 || strcmp(a, "--") == 0 || a[2] == '\0') {
            if (c->npos >= maxpos || c->npos >= (int)(sizeof c->pos / sizeof c->pos[0])) {
                cli_error(c, "unexpected argument '%s'", a);
                return FK_EINVAL;
            }
            c->pos[c->npos++] = a;
            continue;
        }
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        /* Common options first. */
        o = find_opt(common, a + 2, nlen);
        if (!o)
            o = find_opt(opts, a + 2, nlen);
        if (!o) {
            cli_error(c, "unknown option %.*s", (int)(nlen + 2), a);
            cli_usage(c);
            return FK_EINVAL;
        }
        if (take_opt(c, o, a, eq, argc, argv, &i) != FK_OK)
            return FK_EINVAL;
        if (format) {
            if (fk_format_parse(format, &c->format) != FK_OK) {
                cli_error(c, "--format takes csv or json, not '%s'", format);
                return FK_EINVAL;
            }
            format = NULL;
        }
    }
    if (cli_clock(c, now) != EXIT_DONE)
        return FK_EINVAL;
    if (c->profile_path) {
        char err[512];
        char *text = read_small_file(c->profile_path, err, sizeof err);

        if (!text) {
            cli_error(c, "%s", err);
            return FK_EINVAL;
        }
        if (fk_profile_parse(text, &c->profile, err, sizeof err) != FK_OK) {
            cli_error(c, "profile %s, %s", c->profile_path, err);
            free(text);
            return FK_EINVAL;
        }
        free(text);
    }
    return FK_OK;
}

int cli_need_db(struct cli *c)
{
    struct stat sb;

    /* A typo in --db must not leave an empty data file behind that later verbs read as an
     * empty city; only the verbs that fill one create it. */
    if (c->may_create || strcmp(c->db, ":memory:") == 0 || strstr(c->db, "://") ||
        stat(c->db, &sb) == 0 || errno != ENOENT)
        return EXIT_DONE;
    cli_error(c, "no data file at %s (fangkong import creates one; --db or FANGKONG_DB names "
              "another)", c->db);
    return EXIT_ERROR;
}

/* The account of --as, for cli_actor's audit rows. */
static const char *as_account;

/* Resolves --as into c->actor. */
static int resolve_as(struct cli *c)
{
    struct fk_user u;
    enum fk_role role;
    int rc = fk_store_get_user(c->st, c->as, &u);

    if (rc == FK_ENOENT) {
        cli_error(c, "--as %s: no such account (fangkong user list shows them)", c->as);
        return EXIT_ERROR;
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    if (u.disabled) {
        cli_error(c, "--as %s: the account is disabled", c->as);
        return EXIT_ERROR;
    }
    if (fk_role_parse(u.role, &role) != FK_OK || strlen(u.scope) >= sizeof c->as_scope) {
        cli_error(c, "--as %s: the account's role or scope is damaged", c->as);
        return EXIT_ERROR;
    }
    fk_strlcpy(c->as_name, u.name, sizeof c->as_name);
    fk_strlcpy(c->as_scope, u.scope, sizeof c->as_scope);
    c->actor.name = c->as_name;
    c->actor.role = role;
    c->actor.scope = c->as_scope;
    as_account = c->as_name;
    fk_store_set_audit_region(c->st, c->as_scope);
    return EXIT_DONE;
}

int cli_open(struct cli *c)
{
    char err[1024];

    if (c->st)
        return EXIT_DONE;
    if (cli_need_db(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_store_open(c->db, &c->st, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    /* A PostgreSQL store's snapshots go to FANGKONG_STATE, made here when missing. */
    if (fk_store_is_pg(c->db) && cli_state_dir() && mkdir(cli_state_dir(), 0700) != 0 &&
        errno != EEXIST) {
        cli_error(c, "FANGKONG_STATE: cannot make %s: %s", cli_state_dir(), strerror(errno));
        return EXIT_ERROR;
    }
    return c->as ? resolve_as(c) : EXIT_DONE;
}

int cli_may(struct cli *c, unsigned perm, const char *what)
{
    if (!c->actor.scope || fk_role_can(c->actor.role, perm))
        return EXIT_DONE;
    cli_error(c, "a %s account may not %s", fk_role_name(c->actor.role), what);
    return EXIT_ERROR;
}

int cli_in_scope(struct cli *c, const char *code)
{
    return !c->actor.scope || fk_store_region_inside(c->st, code, c->actor.scope) == 1;
}

int cli_scope_region(struct cli *c, const char *region, const char **out)
{
    const char *scope = c->actor.scope;

    *out = region;
    if (!scope)
        return EXIT_DONE;
    if (!region || !*region || fk_store_region_inside(c->st, scope, region) == 1) {
        *out = scope;
        return EXIT_DONE;
    }
    if (fk_store_region_inside(c->st, region, scope) == 1)
        return EXIT_DONE;
    cli_error(c, "region %s is outside your scope %s", region, scope);
    return EXIT_ERROR;
}

void cli_stage_progress(void *ud, const char *stage, uint64_t done, uint64_t total)
{
    struct fk_progress *p = ud;

    if (strcmp(p->label, stage) != 0)
        fk_progress_stage(p, stage);
    fk_progress_update(p, done, total, done);
}

const char *cli_snapshot_path(const struct cli *c, const char *kind, char *buf, size_t cap)
{
    return fk_store_local_path(c->db, cli_state_dir(), kind, buf, cap);
}

const char *cli_state_dir(void)
{
    const char *s = getenv("FANGKONG_STATE");

    return s && *s ? s : NULL;
}

/* The engine, its snapshot checked whole unless lazy. */
static int open_engine(struct cli *c, int lazy)
{
    char err[1024], snap[4200];

    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    /* The engine's snapshot beside the data file: mapped when current (an import keeps it so),
     * built and written when something else moved the store on. */
    if (fk_engine_open(c->st, &c->profile, cli_snapshot_path(c, "engine", snap, sizeof snap),
                       &c->eng, &c->engine_loaded, err, sizeof err) != FK_OK ||
        (!lazy && fk_engine_verify(c->eng, err, sizeof err) != FK_OK)) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_open_engine(struct cli *c)
{
    return open_engine(c, 0);
}

int cli_open_engine_lazy(struct cli *c)
{
    return open_engine(c, 1);
}

int cli_open_tracer(struct cli *c, fk_tracer **tr)
{
    struct fk_progress prog;
    char snap[4200], err[1024];
    double t0 = fk_mono_seconds();
    int loaded, rc;

    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    /* Reading the store is most of a command-line trace (minutes for a city of 10 M); the
     * snapshot is mapped in a moment, kept current by imports, and written by the first trace
     * after any other write. */
    fk_progress_init(&prog, "reading", stderr);
    rc = fk_tracer_open(c->st, &c->profile, cli_snapshot_path(c, "tracer", snap, sizeof snap),
                        cli_stage_progress, &prog, tr, &loaded, err, sizeof err);
    fk_progress_done(&prog);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "tracer %s in %.2f s\n",
            loaded ? "mapped from its snapshot" : "built from the store", fk_mono_seconds() - t0);
    return EXIT_DONE;
}

int cli_level(struct cli *c, const char *by, enum fk_level *level)
{
    if (fk_level_parse((fk_slice){by, strlen(by)}, level) != FK_OK ||
        *level == FK_LEVEL_PROVINCE) {
        cli_error(c, "--by takes grid, community, township, county or city, not '%s'", by);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_round(struct cli *c, const char *name, struct fk_round *r)
{
    int rc = fk_store_get_round(c->st, name, r);

    if (rc == FK_ENOENT) {
        cli_error(c, "no round named '%s' (fangkong round list shows them; fangkong round "
                  "create makes one)", name);
        return EXIT_ERROR;
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_emit(struct cli *c, fk_table *t)
{
    int rc = fk_table_write(t, c->format, stdout);

    fk_table_free(t);
    if (rc != FK_OK) {
        cli_error(c, "cannot write the output: %s", strerror(errno));
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_time(struct cli *c, const char *what, const char *s, int64_t *out)
{
    if (fk_time_parse(s, strlen(s), out) != FK_OK) {
        cli_error(c, "%s '%s' is not an ISO 8601 time (like 2022-08-28T06:00:00+08:00)", what,
                  s);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_int(struct cli *c, const char *name, const char *s, int64_t min, int64_t max,
            int64_t *out)
{
    if (fk_parse_int((fk_slice){s, strlen(s)}, min, max, out) != FK_OK) {
        cli_error(c, "--%s takes a whole number from %lld to %lld, not '%s'", name,
                  (long long)min, (long long)max, s);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

void cli_close(struct cli *c)
{
    fk_roster_close(c->roster);
    c->roster = NULL;
    fk_engine_free(c->eng);
    c->eng = NULL;
    fk_store_close(c->st);
    c->st = NULL;
}

const char *cli_actor(char *buf, size_t cap)
{
    const char *u = getenv("USER");
    struct passwd *pw;

    if (as_account) {
        snprintf(buf, cap, "%s", as_account);
        return buf;
    }
    if (!u || !*u) {
        pw = getpwuid(getuid());
        u = pw ? pw->pw_name : NULL;
    }
    snprintf(buf, cap, "cli:%s", u && *u ? u : "unknown");
    return buf;
}

const struct fk_actor *cli_writer(struct cli *c)
{
    if (c->actor.scope)
        return &c->actor;
    c->writer.name = cli_actor(c->writer_name, sizeof c->writer_name);
    c->writer.role = FK_ROLE_ADMIN;
    c->writer.scope = NULL;
    return &c->writer;
}

void cli_test_hash_cost(void)
{
    const char *v = getenv("FANGKONG_TEST_HASH_COST");

    if (!v || strcmp(v, "min") != 0)
        return;
    fk_password_set_test_cost(1);
    fprintf(stderr, "fangkong: WARNING: FANGKONG_TEST_HASH_COST=min: passwords are hashed at the "
                    "minimum argon2 cost, which is cheap to guess; for tests only, never use it "
                    "on real accounts\n");
}
