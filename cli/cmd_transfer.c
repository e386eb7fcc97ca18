/* SPDX-License-Identifier: MIT */
/* fangkong transfer list|status|event: closed-loop transfers (闭环转运, 点对点, issue 18). list
 * and status build the engine (regions' names and nesting) and make one library call
 * (fk/transfer_list.h); event records a task's picked_up or handed_over as an action
 * (fk/action.h), audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/transfer_list.h"

#define MAX_PERSONS 64

static int event(struct cli *c, const char *at_s, const char **named, int nnamed)
{
    int64_t pids[MAX_PERSONS], at;
    char id[64], err[512];
    size_t recorded = 0;
    int ev, i;

    if (c->npos != 2)
        return cli_usage(c);
    if (fk_transfer_event_parse((fk_slice){c->pos[1], strlen(c->pos[1])}, &ev) != FK_OK) {
        cli_error(c, "event '%s' is not picked_up or handed_over", c->pos[1]);
        return EXIT_ERROR;
    }
    if (!at_s) {
        cli_error(c, "event needs --at T");
        return EXIT_ERROR;
    }
    if (cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_CONTROL, "record transfer events") != EXIT_DONE)
        return EXIT_ERROR;
    for (i = 0; i < nnamed; i++) {
        fk_id_normalize(named[i], strlen(named[i]), id, sizeof id);
        if (cli_person(c, id, &pids[i]) != EXIT_DONE)
            return EXIT_ERROR;
    }
    if (fk_transfer_event(c->st, cli_writer(c), c->pos[0], ev, at, pids, (size_t)nnamed, &recorded,
                          err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "transfer event: task %s %s recorded for %zu person%s\n", c->pos[0],
            fk_transfer_event_name(ev), recorded, recorded == 1 ? "" : "s");
    return EXIT_DONE;
}

int cmd_transfer(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *cut = NULL, *at = NULL,
               *by = "county", *named[MAX_PERSONS];
    int open_only = 0, overdue = 0, nnamed = 0;
    const struct cli_opt opts[] = {
        {.name = "open", .flag = &open_only},
        {.name = "overdue", .flag = &overdue},
        {.name = "region", .value = &region},
        {.name = "by", .value = &by},
        {.name = "at", .value = &at},
        {.name = "person", .list = named, .nlist = &nnamed, .maxlist = MAX_PERSONS},
        {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (strcmp(sub, "list") != 0 && strcmp(sub, "status") != 0 && strcmp(sub, "event") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "event") == 0)
        return event(c, at, named, nnamed);
    if (c->npos != 0)
        return cli_usage(c);
    if (strcmp(sub, "status") == 0 && cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open_engine(c) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "status") == 0) {
        rc =
            fk_transfer_status(c->st, c->eng, &c->profile, cut, level, c->now, &t, err, sizeof err);
    } else {
        struct fk_transfer_query q = {open_only, overdue, cut};

        rc = fk_transfer_list(c->st, c->eng, &c->profile, &q, c->now, &t, err, sizeof err);
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
