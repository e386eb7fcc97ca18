/* SPDX-License-Identifier: MIT */
/* fangkong vaccination coverage|catchup|communities|push: coverage per region and age band, the
 * catch-up list of residents 12 and over without a full course, the communities' lists and
 * their pushes, and a push (点对点推送). Each builds the vaccination index (fk/vaccination.h)
 * over the engine and makes one library call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int open_vax(struct cli *c, fk_vax **v)
{
    char err[512];

    if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_vax_build(c->st, c->eng, &c->profile, v, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cmd_vaccination(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *by = "county", *region = NULL, *cut = NULL;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by}, {.name = "region", .value = &region}, {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_table *t = NULL;
    fk_vax *v = NULL;
    char err[512];
    int rc, ret = EXIT_ERROR;

    if (strcmp(sub, "coverage") != 0 && strcmp(sub, "catchup") != 0 &&
        strcmp(sub, "communities") != 0 && strcmp(sub, "push") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "coverage") == 0 && cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "push") == 0 && !region) {
        cli_error(c, "push needs --region COMMUNITY");
        return EXIT_ERROR;
    }
    if (strcmp(sub, "push") == 0 && cli_may(c, FK_PERM_CONTROL, "push catch-up lists") != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "coverage") != 0 && strcmp(sub, "push") != 0 &&
        cli_may(c, FK_PERM_READ_PERSONS, "read catch-up lists") != EXIT_DONE)
        return EXIT_ERROR;
    if (open_vax(c, &v) != EXIT_DONE)
        goto out;
    if (cli_scope_region(c, region, &cut) != EXIT_DONE)
        goto out;
    if (strcmp(sub, "push") == 0) {
        size_t n = 0;

        rc = fk_vax_push(c->st, cli_writer(c), v, region, c->now, &n, NULL, err, sizeof err);
        if (rc != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
        fprintf(stderr, "vaccination push: the catch-up list of %s with %zu residents pushed\n",
                region, n);
        ret = EXIT_DONE;
        goto out;
    }
    if (strcmp(sub, "coverage") == 0)
        rc = fk_vax_coverage(v, level, cut, c->now, &t, err, sizeof err);
    else if (strcmp(sub, "catchup") == 0)
        rc = fk_vax_catchup(v, c->st, cut, c->now, &t, err, sizeof err);
    else
        rc = fk_vax_communities(v, c->st, cut, c->now, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    ret = cli_emit(c, t);
out:
    fk_vax_free(v);
    return ret;
}
