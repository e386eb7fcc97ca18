/* SPDX-License-Identifier: MIT */
/* fangkong missing ROUND --region CODE: who in a region has not been sampled in the round. */
#include "cli.h"

int cmd_missing(struct cli *c, int argc, char **argv)
{
    const char *region = NULL;
    const struct cli_opt opts[] = {{.name = "region", .value = &region}, {.name = NULL}};
    struct fk_round r;
    fk_table *t = NULL;
    char err[512];

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1 || !region)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        cli_scope_region(c, region, &region) != EXIT_DONE ||
        cli_round(c, c->pos[0], &r) != EXIT_DONE || cli_open_engine_lazy(c) != EXIT_DONE)
        return EXIT_ERROR;
    cli_round_cut(c, &r);
    if (fk_engine_missing(c->eng, c->st, &r, region, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "%zu residents of %s not sampled in round %s\n", fk_table_nrows(t), region,
            r.name);
    return cli_emit(c, t);
}
