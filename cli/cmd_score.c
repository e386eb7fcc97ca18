/* SPDX-License-Identifier: MIT */
/* fangkong score [--period P] [--by LEVEL] [--detail | --table | --explain REGION]: the ranking
 * of the assessment (目标责任考核) for a period, each region's indicators with their ratio, the
 * meeting's table (indicators across; the API serves it as a spreadsheet), or why one region
 * scores what it does (its ranking row, its items, then the rows behind each computed actual). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "fk/assess.h"
#include "fk/buf.h"

static int explain(struct cli *c, const struct fk_assess_ask *a, const char *region)
{
    struct fk_assess_explain x;
    struct fk_table_block blocks[2 + FK_ASSESS_EXPLAIN_MAX];
    fk_buf b;
    char err[512];
    size_t i;
    int rc = EXIT_ERROR;

    if (fk_assess_explain(c->st, c->eng, &c->profile, a, region, &x, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fk_buf_init(&b, 0);
    blocks[0] = (struct fk_table_block){"score", x.rank};
    blocks[1] = (struct fk_table_block){"items", x.items};
    for (i = 0; i < x.n; i++)
        blocks[2 + i] = (struct fk_table_block){x.name[i], x.rows[i]};
    if (fk_table_blocks_render(blocks, 2 + x.n, c->format, &b) != FK_OK) {
        cli_error(c, "out of memory");
        goto out;
    }
    fwrite(b.data, 1, b.len, stdout);
    rc = fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
out:
    fk_buf_fini(&b);
    fk_assess_explain_fini(&x);
    return rc;
}

int cmd_score(struct cli *c, int argc, char **argv)
{
    const char *by = "county", *period = NULL, *why = NULL;
    int detail = 0, table = 0;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},        {.name = "period", .value = &period},
        {.name = "detail", .flag = &detail}, {.name = "table", .flag = &table},
        {.name = "explain", .value = &why},  {.name = NULL}};
    struct fk_assess_ask a;
    fk_table *t = NULL;
    char err[512], scored[64];

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 0)
        return cli_usage(c);
    if (detail + table + (why != NULL) > 1) {
        cli_error(c, "--detail, --table and --explain are three answers: ask for one");
        return EXIT_ERROR;
    }
    a = (struct fk_assess_ask){.period = period, .detail = table ? 3 : detail, .now = c->now};
    if (cli_level(c, by, &a.by) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (why)
        return explain(c, &a, why);
    if (fk_assess_score(c->st, c->eng, &c->profile, &a, scored, sizeof scored, &t, err,
                        sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
