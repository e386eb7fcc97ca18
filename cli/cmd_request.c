/* SPDX-License-Identifier: MIT */
/* fangkong request list|status|assign|resolve: citizen requests (便民服务热线, issue 21). list and
 * status build the engine (regions' names and nesting) and make one library call
 * (fk/request_list.h): each request with its status and its state against its kind's deadlines
 * as of --now, and the count per region; assign and resolve move a request on (open -> assigned
 * -> resolved) as actions (fk/action.h), audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/request_list.h"

static int move_on(struct cli *c, const char *sub, const char *unit, const char *note,
                   const char *at_s)
{
    int64_t at = c->now;
    char err[600];
    int wrote = 0, rc;

    if (c->npos != 1)
        return cli_usage(c);
    if (strcmp(sub, "assign") == 0 && !unit) {
        cli_error(c, "assign needs --unit UNIT");
        return EXIT_ERROR;
    }
    if (at_s && cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "assign") == 0)
        rc = fk_request_assign(c->st, cli_writer(c), c->pos[0], unit, at, &wrote, err, sizeof err);
    else
        rc = fk_request_resolve(c->st, cli_writer(c), c->pos[0], note, at, &wrote, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "request %s: %s %s%s\n", sub, c->pos[0],
            strcmp(sub, "assign") == 0 ? "assigned" : "resolved",
            wrote ? "" : " already (nothing changed)");
    return EXIT_DONE;
}

int cmd_request(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *cut = NULL, *by = "county",
               *unit = NULL, *note = NULL, *at = NULL;
    int open_only = 0, overdue = 0;
    const struct cli_opt opts[] = {
        {.name = "open", .flag = &open_only}, {.name = "overdue", .flag = &overdue},
        {.name = "region", .value = &region}, {.name = "by", .value = &by},
        {.name = "unit", .value = &unit},     {.name = "note", .value = &note},
        {.name = "at", .value = &at},         {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    int single = strcmp(sub, "assign") == 0 || strcmp(sub, "resolve") == 0;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (!single && strcmp(sub, "list") != 0 && strcmp(sub, "status") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, single ? 1 : 0) != FK_OK)
        return EXIT_ERROR;
    if (single)
        return move_on(c, sub, unit, note, at);
    if (strcmp(sub, "status") == 0) {
        if (cli_level(c, by, &level) != EXIT_DONE)
            return EXIT_ERROR;
        if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ, "read requests") != EXIT_DONE)
            return EXIT_ERROR;
    } else if (cli_open(c) != EXIT_DONE ||
               cli_may(c, FK_PERM_READ_PERSONS, "list requests") != EXIT_DONE) {
        return EXIT_ERROR;
    }
    if (cli_open_engine(c) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "status") == 0) {
        rc = fk_request_status(c->st, c->eng, &c->profile, cut, level, c->now, &t, err, sizeof err);
    } else {
        struct fk_request_query q = {open_only, overdue, cut, NULL};

        rc = fk_request_list(c->st, c->eng, &c->profile, &q, c->now, &t, err, sizeof err);
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
