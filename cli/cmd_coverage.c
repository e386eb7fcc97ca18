/* SPDX-License-Identifier: MIT */
/* fangkong coverage ROUND [--by LEVEL] [--below PCT]: 应检尽检 per region, or only the regions
 * below PCT %, lowest first, with their county's and township's names. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_coverage(struct cli *c, int argc, char **argv)
{
    const char *by = "grid", *below = NULL;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by}, {.name = "below", .value = &below}, {.name = NULL}};
    long pct = 0;
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
    if (below) {
        char *end = NULL;

        pct = strtol(below, &end, 10);
        if (!*below || *end || pct < 1 || pct > 100) {
            cli_error(c, "--below takes a percentage from 1 to 100, not '%s'", below);
            return EXIT_ERROR;
        }
    }
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine_lazy(c) != EXIT_DONE)
        return EXIT_ERROR;
    cli_round_cut(c, &r);
    if ((below ? fk_engine_below(c->eng, &r, level, (int)pct, &t, err, sizeof err)
               : fk_engine_coverage(c->eng, &r, level, &t, err, sizeof err)) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
