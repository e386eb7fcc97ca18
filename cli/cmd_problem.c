/* SPDX-License-Identifier: MIT */
/* fangkong problem list|summary|history|update: the supervision problem list (督查问题清单) with
 * what is overdue, the summary per region, a problem's history of changes, and a change of its
 * state (the rectification loop: open -> rectifying -> closed, reopen). Each makes one library
 * call (fk/problem_list.h, fk_problem_set_status) and renders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/problem_list.h"

/* The problem called id when it exists and lies inside the --as account's scope: EXIT_DONE, else
 * "no problem ID" (the same for both, so codes cannot be probed). */
static int problem_visible(struct cli *c, const char *id)
{
    struct fk_problem_row *rows = NULL;
    size_t n = 0;
    int ok;

    if (fk_problem_load(c->st, id, &rows, &n) != FK_OK) {
        cli_error(c, "reading the problems: %s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    ok = n == 1 && cli_in_scope(c, rows[0].region);
    fk_problem_rows_free(rows, n);
    if (!ok) {
        cli_error(c, "no problem %s", id);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

static int update(struct cli *c, const char *id, const char *status, const char *note,
                  const char *at_s)
{
    enum fk_problem_status to;
    int64_t at = c->now;
    char err[512];

    if (!status || fk_problem_status_parse((fk_slice){status, strlen(status)}, &to) != FK_OK) {
        cli_error(c, "--status takes open, rectifying or closed");
        return EXIT_ERROR;
    }
    if (at_s && cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_problem_set_status(c->st, cli_writer(c), id, (int)to, note ? note : "", at, err,
                              sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "problem update: %s is %s\n", id, fk_problem_status_name(to));
    return EXIT_DONE;
}

int cmd_problem(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *status = NULL, *region = NULL, *by = "county",
               *note = NULL, *at = NULL, *cut = NULL;
    int overdue = 0;
    const struct cli_opt opts[] = {{.name = "status", .value = &status},
                                   {.name = "overdue", .flag = &overdue},
                                   {.name = "region", .value = &region},
                                   {.name = "by", .value = &by},
                                   {.name = "note", .value = &note},
                                   {.name = "at", .value = &at},
                                   {.name = NULL}};
    int single = strcmp(sub, "history") == 0 || strcmp(sub, "update") == 0;
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!single && strcmp(sub, "list") != 0 && strcmp(sub, "summary") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, single ? 1 : 0) != FK_OK)
        return EXIT_ERROR;
    if (single && c->npos != 1)
        return cli_usage(c);
    if (strcmp(sub, "update") == 0)
        return update(c, c->pos[0], status, note, at);
    if (strcmp(sub, "summary") == 0 && cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_may(c, FK_PERM_READ, "read supervision problems") != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "history") == 0) {
        if (cli_open(c) != EXIT_DONE || problem_visible(c, c->pos[0]) != EXIT_DONE)
            return EXIT_ERROR;
        rc = fk_problem_history(c->st, c->pos[0], &t, err, sizeof err);
    } else {
        if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
            return EXIT_ERROR;
        if (cli_scope_region(c, region, &cut) != EXIT_DONE)
            return EXIT_ERROR;
        if (strcmp(sub, "summary") == 0) {
            rc = fk_problem_summary(c->st, c->eng, cut, level, c->now, &t, err, sizeof err);
        } else {
            struct fk_problem_query q = {-1, overdue, cut, NULL};
            enum fk_problem_status s;

            if (status) {
                if (fk_problem_status_parse((fk_slice){status, strlen(status)}, &s) != FK_OK) {
                    cli_error(c, "--status takes open, rectifying or closed");
                    return EXIT_ERROR;
                }
                q.status = (int)s;
            }
            rc = fk_problem_list(c->st, c->eng, &q, c->now, &t, err, sizeof err);
        }
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
