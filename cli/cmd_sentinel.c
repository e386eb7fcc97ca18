/* SPDX-License-Identifier: MIT */
/* fangkong sentinel board | rows | alerts: the sentinel board (哨点预警) per region and kind for
 * one day, the rows behind one cell, and the alerts its firing cells raise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/sentinel_board.h"

/* Opens the store and the engine and builds the sentinel index (*out, fk_senb_free). */
static int open_board(struct cli *c, fk_senb **out)
{
    char err[1024];

    if (cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_senb_build(c->st, c->eng, &c->profile, out, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cmd_sentinel(struct cli *c, int argc, char **argv)
{
    const char *date = NULL, *by = "county", *region = NULL, *kind_s = NULL;
    const struct cli_opt opts[] = {
        {.name = "date", .value = &date}, {.name = "by", .value = &by},
        {.name = "region", .value = &region}, {.name = "kind", .value = &kind_s},
        {.name = NULL}};
    const char *sub = argc > 0 && argv[0][0] != '-' ? argv[0] : "";
    int skip = argc > 0 && argv[0][0] != '-';
    enum fk_level level;
    enum fk_sen_kind kind;
    fk_senb *b = NULL;
    fk_table *t = NULL;
    size_t raised = 0;
    int64_t day;
    char err[512];
    int rc = EXIT_ERROR;

    if (cli_parse(c, argc - skip, argv + skip, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "board") != 0 && strcmp(sub, "rows") != 0 && strcmp(sub, "alerts") != 0)
        return cli_usage(c);
    if (cli_level(c, by, &level) != EXIT_DONE || cli_day(c, date, &day) != EXIT_DONE)
        return EXIT_ERROR;
    if (kind_s && fk_sen_kind_parse((fk_slice){kind_s, strlen(kind_s)}, &kind) != FK_OK) {
        cli_error(c, "--kind takes fever_clinic, pharmacy, coldchain, station, school or other, "
                     "not '%s'", kind_s);
        return EXIT_ERROR;
    }
    if (strcmp(sub, "rows") == 0 && (!region || !*region)) {
        cli_error(c, "sentinel rows needs --region CODE");
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "alerts") == 0 &&
        cli_may(c, FK_PERM_CONTROL, "raise sentinel alerts") != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "rows") == 0 &&
        cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_scope_region(c, region, &region) != EXIT_DONE || open_board(c, &b) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "alerts") == 0) {
        if (fk_sentinel_alerts(c->st, b, level, day, c->now, &raised, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
        fprintf(stderr, "sentinel alerts: %zu raised\n", raised);
        rc = EXIT_DONE;
        goto out;
    }
    if (strcmp(sub, "rows") == 0
            ? fk_senb_rows(b, c->st, region, kind_s ? (int)kind : -1, day, &t, err, sizeof err)
            : fk_senb_board(b, region, level, day, &t, err, sizeof err)) {
        cli_error(c, "%s", err);
        goto out;
    }
    rc = cli_emit(c, t);
out:
    fk_senb_free(b);
    return rc;
}
