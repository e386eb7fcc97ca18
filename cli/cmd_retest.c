/* SPDX-License-Identifier: MIT */
/* fangkong retest ROUND: members of positive pooled tubes, to be re-tested alone (单采单检). */
#include "cli.h"

int cmd_retest(struct cli *c, int argc, char **argv)
{
    struct fk_round r;
    fk_table *t = NULL;
    char err[512];

    if (cli_parse(c, argc, argv, NULL, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    cli_round_cut(c, &r);
    if (fk_engine_retest_at(c->eng, c->st, &r, c->now, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "%zu persons in positive pooled tubes of round %s\n", fk_table_nrows(t),
            r.name);
    return cli_emit(c, t);
}
