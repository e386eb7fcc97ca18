/* SPDX-License-Identifier: MIT */
/* fangkong plan ROUND [--hours H] [--by LEVEL] [--labs] | pace ROUND [--by LEVEL] [--view V]
 * [--now T] | lab list: the mass-screening plan sized by the profile's rules, the round's pace
 * hour by hour with a forecast, and the labs (issue 21). */
#include <string.h>

#include "cli.h"

int cmd_plan(struct cli *c, int argc, char **argv)
{
    const char *by = "grid", *hours_s = "24";
    int labs = 0;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},
        {.name = "hours", .value = &hours_s},
        {.name = "labs", .flag = &labs},
        {.name = NULL},
    };
    enum fk_level level;
    struct fk_round r;
    fk_table *t = NULL;
    int64_t hours, at;
    char err[512];
    int rc;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (strcmp(by, "round") == 0)
        level = FK_LEVEL_NONE; /* the round's region itself */
    else if (cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_int(c, "hours", hours_s, 1, 720, &hours) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    /* the zones and orders in force at the round's start, or now once it has begun */
    at = c->now < r.start ? r.start : c->now > r.end ? r.end : c->now;
    if (labs)
        rc = fk_plan_labs(c->eng, c->st, &c->profile, &r, level, (int)hours, at, &t, err,
                          sizeof err);
    else
        rc = fk_plan_regions(c->eng, c->st, &c->profile, &r, level, (int)hours, at, &t, err,
                             sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}

int cmd_pace(struct cli *c, int argc, char **argv)
{
    const char *by = "grid", *view_s = "regions";
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},
        {.name = "view", .value = &view_s},
        {.name = NULL},
    };
    enum fk_pace_view view;
    enum fk_level level;
    struct fk_round r;
    fk_table *t = NULL;
    char err[512];

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (strcmp(by, "round") == 0)
        level = FK_LEVEL_NONE; /* the round's region itself */
    else if (cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_pace_view_parse(view_s, &view) != FK_OK) {
        cli_error(c, "--view takes regions, hours, labs or transport, not '%s'", view_s);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE || cli_round(c, c->pos[0], &r) != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_pace(c->eng, c->st, &c->profile, &r, level, view, c->now, &t, err, sizeof err) !=
        FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}

int cmd_lab(struct cli *c, int argc, char **argv)
{
    const struct cli_opt opts[] = {{.name = NULL}};
    fk_table *t = NULL;
    char err[512];

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1 || strcmp(c->pos[0], "list") != 0)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_lab_list(c->st, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
