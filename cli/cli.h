/* SPDX-License-Identifier: MIT */
/* Shared pieces of the fangkong command line: option parsing, opening the data file, the
 * profile, the engine, rendering tables, and the exit statuses (0 done, 1 error, 3 done with
 * rejected rows). Verbs are thin: parse, one library call, render. */
#ifndef FK_CLI_H
#define FK_CLI_H

#include <stdio.h>

#include "fk/fk.h"

enum { EXIT_DONE = 0, EXIT_ERROR = 1, EXIT_REJECTED = 3 };

/* One verb option: --name VALUE (value != NULL), --name (flag != NULL), or a repeatable
 * --name VALUE collected into list[0 .. *nlist) (at most maxlist). */
struct cli_opt {
    const char *name;
    const char **value;
    int *flag;
    const char **list;
    int *nlist;
    int maxlist;
};

struct cli {
    const char *verb;
    const char *db;           /* --db, FANGKONG_DB, or ./fangkong.db */
    const char *profile_path; /* --profile */
    enum fk_format format;    /* --format */
    struct fk_profile profile;
    const char *pos[8];       /* positional arguments after the verb */
    int npos;
    fk_store *st;
    fk_engine *eng;
    int engine_loaded; /* 1 when the engine came from its snapshot */
    /* The roster beside the data file, when cli_trace found it current: the tracer shows its
     * contacts from it (fk_tracer_use_roster), so it is closed after the tracer, by cli_close. */
    fk_roster *roster;
    int may_create;    /* cli_open may create a missing data file (import, user add) */
    /* --as USER: the account the command line acts as (cli_open resolves it into actor; without
     * --as, actor.scope is NULL: the local administrator, no scope). */
    const char *as;
    struct fk_actor actor;
    char as_name[72], as_scope[FK_REGION_CODE_MAX];
    /* Who the actions (fk/action.h) write as: actor with --as, else the local administrator named
     * as cli_actor names it (cli_writer fills it). */
    struct fk_actor writer;
    char writer_name[128];
    /* The clock (as of, 历史回看): --now T, else FANGKONG_NOW, else the time cli_parse ran;
     * now_asked is 1 when one of the first two set it. Every clock-dependent verb answers as of
     * now (docs/api.md, "As of"). */
    int64_t now;
    int now_asked;
};

struct verb {
    const char *name;
    int (*run)(struct cli *c, int argc, char **argv);
    const char *usage;
    const char *help;
};

/* Parses argv (after the verb) against opts (terminated by a zero entry) and the common options
 * (--db, --format, --profile, --as, --now); collects positional arguments and sets c->now. Prints
 * the problem and returns FK_EINVAL on a bad option, a bad --now or FANGKONG_NOW, or more than
 * maxpos positionals. */
int cli_parse(struct cli *c, int argc, char **argv, const struct cli_opt *opts, int maxpos);
/* Prints "fangkong VERB: message" to stderr. */
void cli_error(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the verb's usage line to stderr and returns EXIT_ERROR. */
int cli_usage(const struct cli *c);
/* Opens the store (c->st). A data file that does not exist is created only when c->may_create
 * is set; otherwise "no data file at PATH". With --as, resolves the account into c->actor (an
 * unknown or disabled account is an error) and makes the audit rows about its scope. EXIT_DONE
 * or EXIT_ERROR after printing why. */
int cli_open(struct cli *c);
/* EXIT_DONE when the data file c->db exists (or c->may_create is set); else prints "no data file
 * at PATH" and returns EXIT_ERROR. For verbs that hand the path on, like serve. */
int cli_need_db(struct cli *c);
/* With --as: EXIT_DONE when the account's role holds every permission in perm (enum fk_perm),
 * else EXIT_ERROR after printing "a ROLE account may not WHAT". Without --as: EXIT_DONE. */
int cli_may(struct cli *c, unsigned perm, const char *what);
/* The region a read or write of --region region (NULL: none) is cut to: without --as, region;
 * with it, the deeper of region and the account's scope (the scope when region is NULL), or
 * EXIT_ERROR after printing when they are disjoint. After cli_open. */
int cli_scope_region(struct cli *c, const char *region, const char **out);
/* With --as: 1 when region code lies inside the account's scope. Without: 1. After cli_open. */
int cli_in_scope(struct cli *c, const char *code);
/* The path of the store's snapshot of kind ("engine", "tracer", "roster") in buf, or NULL when
 * it has none: in memory, or PostgreSQL without FANGKONG_STATE (fk_store_local_path). */
const char *cli_snapshot_path(const struct cli *c, const char *kind, char *buf, size_t cap);
/* FANGKONG_STATE: the local folder of a PostgreSQL store's snapshots and uploads; NULL unset. */
const char *cli_state_dir(void);
/* Opens the store and the engine (c->eng): mapped from its snapshot when current, which is then
 * checked whole (fk_engine_verify), else built. */
int cli_open_engine(struct cli *c);
/* The same, the snapshot left to be checked as it is read: only for a verb whose engine calls
 * check what they read (coverage, below target, missing; fk/engine.h). */
int cli_open_engine_lazy(struct cli *c);
/* The tracer in *tr: mapped from its snapshot beside the data file when current, else read from
 * the store with progress on stderr and saved for the next verb; says on stderr which. */
int cli_open_tracer(struct cli *c, fk_tracer **tr);
/* Parses --by LEVEL (grid … city); prints the choices when it is not one. */
int cli_level(struct cli *c, const char *by, enum fk_level *level);
/* Finds round name in the store. */
int cli_round(struct cli *c, const char *name, struct fk_round *r);
/* Writes t to stdout in c->format and frees it. */
int cli_emit(struct cli *c, fk_table *t);
/* Round r cut to c->now when the clock was asked for (--now, FANGKONG_NOW): samples after it do
 * not exist yet (fk_round_cut). */
void cli_round_cut(const struct cli *c, struct fk_round *r);
/* Parses a time argument; prints an error naming what when it is not ISO 8601. */
int cli_time(struct cli *c, const char *what, const char *s, int64_t *out);
/* Parses the value s of option --name strictly as a whole number from min to max (fk_parse_int);
 * prints "--name takes a whole number from MIN to MAX, not 'S'" otherwise. EXIT_DONE or
 * EXIT_ERROR. */
int cli_int(struct cli *c, const char *name, const char *s, int64_t min, int64_t max,
            int64_t *out);
/* Closes what cli_open opened. */
void cli_close(struct cli *c);
/* A library's staged progress callback (stage, done of total) onto the fk_progress at ud: the
 * stage becomes the label. */
void cli_stage_progress(void *ud, const char *stage, uint64_t done, uint64_t total);

/* Tracing arguments shared by trace, chain and control from-trace. */
#define CLI_MAX_CASES 1000
struct cli_trace_args {
    const char *cases[CLI_MAX_CASES];
    int ncases;
    const char *depth, *since, *explain;
};
/* Opens the store, builds the tracer and runs it with a; on success the contacts are in *out
 * (caller frees with free()) and *tr (fk_tracer_free). The tracer shows persons from the roster
 * beside the data file (c->roster) when it is current, else from the store. EXIT_DONE or
 * EXIT_ERROR after printing. */
int cli_trace(struct cli *c, struct cli_trace_args *a, int default_depth, fk_tracer **tr,
              struct fk_contact **out, size_t *n);
/* Opens the store and the engine and builds the control index (*out, fk_ctl_free). */
int cli_open_ctl(struct cli *c, fk_ctl **out);
/* The local day of --date D, or of today when d is NULL. */
int cli_day(struct cli *c, const char *d, int64_t *day);
/* Finds the person with ID number s; prints an error naming it when unknown, or with --as when
 * the person lives outside the account's scope (the same error: ID numbers cannot be probed). */
int cli_person(struct cli *c, const char *s, int64_t *pid);
/* With --as: keeps the contacts k[0 .. *n) who live inside the account's scope, in order (each
 * one's grid from c->roster when it answers, else from the store). */
int cli_contacts_in_scope(struct cli *c, struct fk_contact *k, size_t *n);

const struct verb *cli_verb(const char *name);
extern const struct verb cli_verbs[];

int cmd_import(struct cli *c, int argc, char **argv);
int cmd_round(struct cli *c, int argc, char **argv);
int cmd_coverage(struct cli *c, int argc, char **argv);
int cmd_missing(struct cli *c, int argc, char **argv);
int cmd_retest(struct cli *c, int argc, char **argv);
int cmd_tat(struct cli *c, int argc, char **argv);
int cmd_trace(struct cli *c, int argc, char **argv);
int cmd_chain(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_audit(struct cli *c, int argc, char **argv);
/* "cli:$USER", or the account of --as: who the command line acts as, in the audit trail. */
const char *cli_actor(char *buf, size_t cap);
/* The actor the library's write actions take: the --as account, or the local administrator
 * (admin, no scope) named "cli:USER". Borrowed from c, valid while c is. */
const struct fk_actor *cli_writer(struct cli *c);
/* FOR TESTS ONLY: with FANGKONG_TEST_HASH_COST=min in the environment, new password hashes get
 * the minimum argon2 cost (fk_password_set_test_cost), with a loud warning on stderr; any other
 * value or none: the normal cost. fangkong serve and user add call it. */
void cli_test_hash_cost(void);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_migrate(struct cli *c, int argc, char **argv);
int cmd_contract(struct cli *c, int argc, char **argv);
int cmd_control(struct cli *c, int argc, char **argv);
int cmd_regime(struct cli *c, int argc, char **argv);
int cmd_alerts(struct cli *c, int argc, char **argv);
int cmd_sentinel(struct cli *c, int argc, char **argv);
int cmd_arrivals(struct cli *c, int argc, char **argv);
int cmd_backcheck(struct cli *c, int argc, char **argv);
int cmd_coldchain(struct cli *c, int argc, char **argv);
int cmd_person(struct cli *c, int argc, char **argv);
int cmd_vaccination(struct cli *c, int argc, char **argv);
int cmd_assign(struct cli *c, int argc, char **argv); /* 包保 (issue 17) */
int cmd_score(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_gates(struct cli *c, int argc, char **argv);
int cmd_reports(struct cli *c, int argc, char **argv);
int cmd_duty(struct cli *c, int argc, char **argv);
int cmd_problem(struct cli *c, int argc, char **argv);
int cmd_incident(struct cli *c, int argc, char **argv);
int cmd_transfer(struct cli *c, int argc, char **argv);
int cmd_plan(struct cli *c, int argc, char **argv);
int cmd_pace(struct cli *c, int argc, char **argv);
int cmd_lab(struct cli *c, int argc, char **argv);
int cmd_zone(struct cli *c, int argc, char **argv);
int cmd_checkin(struct cli *c, int argc, char **argv); /* 健康监测 (issue 18) */
int cmd_gathering(struct cli *c, int argc, char **argv); /* 会议活动管理 (issue 21) */
int cmd_request(struct cli *c, int argc, char **argv);   /* 便民服务热线 (issue 21) */
int cmd_version(struct cli *c, int argc, char **argv);
int cmd_help(struct cli *c, int argc, char **argv);

#endif
