/* SPDX-License-Identifier: MIT */
/* fangkong score [--period P] [--by LEVEL] [--detail]: the ranking of the assessment
 * (目标责任考核) for a period, or each region's indicators with their ratio. */
#include <stdlib.h>

#include "cli.h"
#include "fk/assess.h"

int cmd_score(struct cli *c, int argc, char **argv)
{
    const char *by = "county", *period = NULL;
    int detail = 0;
    const struct cli_opt opts[] = {{.name = "by", .value = &by},
                                   {.name = "period", .value = &period},
                                   {.name = "detail", .flag = &detail},
                                   {.name = NULL}};
    enum fk_level level;
    fk_table *t = NULL;
    char err[512], scored[64];

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 0)
        return cli_usage(c);
    if (cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_assess_score(c->st, c->eng, &c->profile, period, level, detail, scored, sizeof scored,
                        &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
