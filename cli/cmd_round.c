/* SPDX-License-Identifier: MIT */
/* fangkong round create|list: screening rounds. */
#include <string.h>

#include "cli.h"

static const struct fk_col round_cols[] = {
    {"name", FK_COL_TEXT}, {"region", FK_COL_TEXT}, {"start", FK_COL_TEXT},
    {"end", FK_COL_TEXT},  {"created", FK_COL_TEXT},
};

static int add_round_row(void *ud, const struct fk_round *r)
{
    char s[FK_TIME_RENDER_MAX], e[FK_TIME_RENDER_MAX], cr[FK_TIME_RENDER_MAX];
    const char *vals[5] = {r->name, r->region, fk_time_render(r->start, s),
                           fk_time_render(r->end, e), fk_time_render(r->created, cr)};

    return fk_table_add(ud, vals);
}

int cmd_round(struct cli *c, int argc, char **argv)
{
    const char *region = NULL, *start = NULL, *end = NULL;
    const struct cli_opt opts[] = {
        {.name = "region", .value = &region},
        {.name = "start", .value = &start},
        {.name = "end", .value = &end},
        {.name = NULL},
    };
    struct fk_round r;
    struct fk_region_row reg;
    char why[256];
    fk_table *t = NULL;
    int rc;

    if (cli_parse(c, argc, argv, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (c->npos == 1 && strcmp(c->pos[0], "list") == 0) {
        if (cli_open(c) != EXIT_DONE)
            return EXIT_ERROR;
        rc = fk_table_new(round_cols, 5, &t);
        if (rc == FK_OK)
            rc = fk_store_each_round(c->st, add_round_row, t);
        if (rc != FK_OK) {
            fk_table_free(t);
            cli_error(c, "%s", fk_store_errmsg(c->st));
            return EXIT_ERROR;
        }
        return cli_emit(c, t);
    }
    if (c->npos != 2 || strcmp(c->pos[0], "create") != 0)
        return cli_usage(c);
    if (!region || !start || !end) {
        cli_error(c, "round create needs --region, --start and --end");
        return cli_usage(c);
    }
    memset(&r, 0, sizeof r);
    if (strlen(c->pos[1]) >= sizeof r.name || strlen(region) >= sizeof r.region) {
        cli_error(c, "the round name or region code is too long");
        return EXIT_ERROR;
    }
    fk_strlcpy(r.name, c->pos[1], sizeof r.name);
    fk_strlcpy(r.region, region, sizeof r.region);
    if (cli_time(c, "--start", start, &r.start) != EXIT_DONE ||
        cli_time(c, "--end", end, &r.end) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_round_check(&r, why, sizeof why) != FK_OK) {
        cli_error(c, "%s", why);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_ROUNDS, "create screening rounds") != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_round_add(c->st, cli_writer(c), &r, why, sizeof why) != FK_OK) {
        cli_error(c, "%s", why);
        return EXIT_ERROR;
    }
    if (fk_store_get_region(c->st, region, &reg) != FK_OK)
        reg.name = region;
    rc = fk_table_new(round_cols, 5, &t);
    if (rc == FK_OK)
        rc = add_round_row(t, &r);
    if (rc != FK_OK) {
        fk_table_free(t);
        return EXIT_ERROR;
    }
    fprintf(stderr, "round %s created for %s\n", r.name, reg.name);
    return cli_emit(c, t);
}
