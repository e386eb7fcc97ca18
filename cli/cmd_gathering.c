/* SPDX-License-Identifier: MIT */
/* fangkong gathering list|status|signoff: gatherings (会议活动管理, issue 21). list and status
 * build the engine (regions' names and nesting) and make one library call
 * (fk/gathering_list.h): each gathering with the risk level of its place on its day and the
 * decision of the profile's [gathering] rule, and the count per region; signoff records an
 * official's approval or refusal of one the rule sends for sign-off, as an action (fk/action.h),
 * audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/gathering_list.h"

static int signoff(struct cli *c, const char *note, const char *at_s)
{
    int64_t at = c->now;
    char err[600];
    int s;

    if (c->npos != 2)
        return cli_usage(c);
    if (strcmp(c->pos[1], "approve") == 0) {
        s = FK_GATHERING_SIGNOFF_APPROVED;
    } else if (strcmp(c->pos[1], "refuse") == 0) {
        s = FK_GATHERING_SIGNOFF_REFUSED;
    } else {
        cli_error(c, "a sign-off is approve or refuse, not '%s'", c->pos[1]);
        return EXIT_ERROR;
    }
    if (at_s && cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_gathering_signoff(c->st, cli_writer(c), c->eng, &c->profile, c->pos[0], s, note, at, err,
                             sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "gathering signoff: %s %s\n", c->pos[0], fk_gathering_signoff_name(s));
    return EXIT_DONE;
}

int cmd_gathering(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *cut = NULL, *date = NULL,
               *decision = NULL, *by = "county", *note = NULL, *at = NULL;
    const struct cli_opt opts[] = {{.name = "date", .value = &date},
                                   {.name = "decision", .value = &decision},
                                   {.name = "region", .value = &region},
                                   {.name = "by", .value = &by},
                                   {.name = "note", .value = &note},
                                   {.name = "at", .value = &at},
                                   {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_table *t = NULL;
    char err[512];
    int rc, i;

    if (strcmp(sub, "list") != 0 && strcmp(sub, "status") != 0 && strcmp(sub, "signoff") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "signoff") == 0)
        return signoff(c, note, at);
    if (c->npos != 0)
        return cli_usage(c);
    if (strcmp(sub, "status") == 0) {
        if (cli_level(c, by, &level) != EXIT_DONE)
            return EXIT_ERROR;
        if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ, "read gatherings") != EXIT_DONE)
            return EXIT_ERROR;
    } else if (cli_open(c) != EXIT_DONE ||
               cli_may(c, FK_PERM_READ_PERSONS, "list gatherings") != EXIT_DONE) {
        return EXIT_ERROR;
    }
    if (cli_open_engine(c) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "status") == 0) {
        rc = fk_gathering_status(c->st, c->eng, &c->profile, cut, level, date, c->now, &t, err,
                                 sizeof err);
    } else {
        struct fk_gathering_query q = {date, cut, -1, NULL};

        for (i = 0; decision && i < FK_GATHERING_NDECISIONS; i++)
            if (strcmp(decision, fk_gathering_decision_name(i)) == 0)
                q.decision = i;
        if (decision && q.decision < 0) {
            cli_error(c, "--decision takes approve, signoff or refuse, not '%s'", decision);
            return EXIT_ERROR;
        }
        rc = fk_gathering_list(c->st, c->eng, &c->profile, &q, c->now, &t, err, sizeof err);
    }
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
