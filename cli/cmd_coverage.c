/* SPDX-License-Identifier: MIT */
/* fangkong coverage ROUND [--by LEVEL]: 应检尽检 per region. */
#include <string.h>

#include "cli.h"

int cmd_coverage(struct cli *c, int argc, char **argv)
{
    const char *by = "grid";
    const struct cli_opt opts[] = {{.name = "by", .value = &by}, {.name = NULL}};
    enum fk_level level;
    struct fk_round r;
    fk_table *t = NULL;
    char err[512];

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    cli_round_cut(c, &r);
    if (fk_engine_coverage(c->eng, &r, level, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
