/* SPDX-License-Identifier: MIT */
/* fangkong tat ROUND [--by site|lab] [--overdue] [--now T]: the 采送检报 chain. */
#include <string.h>

#include "cli.h"

int cmd_tat(struct cli *c, int argc, char **argv)
{
    const char *by = "site";
    int overdue = 0;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},
        {.name = "overdue", .flag = &overdue},
        {.name = NULL},
    };
    enum fk_tat_by tb;
    struct fk_round r;
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (strcmp(by, "site") == 0) {
        tb = FK_TAT_SITE;
    } else if (strcmp(by, "lab") == 0) {
        tb = FK_TAT_LAB;
    } else {
        cli_error(c, "--by takes site or lab, not '%s'", by);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    cli_round_cut(c, &r);
    if (overdue)
        rc = fk_engine_tat_overdue(c->eng, &r, c->now, &t, err, sizeof err);
    else
        rc = fk_engine_tat(c->eng, &r, tb, c->now, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (overdue)
        fprintf(stderr, "%zu tubes of round %s with no result after %d hours\n",
                fk_table_nrows(t), r.name, c->profile.tat_limit_hours);
    return cli_emit(c, t);
}
