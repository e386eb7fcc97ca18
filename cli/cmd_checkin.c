/* SPDX-License-Identifier: MIT */
/* fangkong checkin status [--date D] [--by LEVEL] | checkin list [--date D] [--missed] [--fever]:
 * the day's health check-ins (健康监测, issue 18) per region, and the persons window by window.
 * Each builds the check-in board (fk/checkins.h) from the store and makes one library call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_checkin(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *by = "county", *region = NULL, *date = NULL,
               *cut = NULL;
    int missed = 0, fever = 0, list;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},      {.name = "region", .value = &region},
        {.name = "date", .value = &date},  {.name = "missed", .flag = &missed},
        {.name = "fever", .flag = &fever}, {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_checkins *b = NULL;
    fk_table *t = NULL;
    unsigned states = FK_CHECKINS_ALL;
    char err[512];
    int32_t day;
    int rc, ret = EXIT_ERROR;

    list = strcmp(sub, "list") == 0;
    if (!list && strcmp(sub, "status") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (cli_level(c, by, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (!date) {
        day = fk_report_day_of(c->now);
    } else if (fk_report_date_parse((fk_slice){date, strlen(date)}, &day) != FK_OK) {
        cli_error(c, "--date takes a date like 2022-08-28, not '%s'", date);
        return EXIT_ERROR;
    }
    if ((missed || fever) && !list) {
        cli_error(c, "--missed and --fever go with checkin list");
        return EXIT_ERROR;
    }
    if (missed)
        states |= 1u << FK_CHECKIN_MISSED;
    if (fever)
        states |= 1u << FK_CHECKIN_FEVER;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_READ_PERSONS, "read check-ins") != EXIT_DONE ||
        cli_scope_region(c, region, &cut) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_checkins_build(c->st, c->eng, &c->profile, &b, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (list)
        rc = fk_checkins_list(b, cut, day, c->now, states, &t, err, sizeof err);
    else
        rc = fk_checkins_status(b, level, cut, day, c->now, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    ret = cli_emit(c, t);
out:
    fk_checkins_free(b);
    return ret;
}
