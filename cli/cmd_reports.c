/* SPDX-License-Identifier: MIT */
/* fangkong reports status [--missing] | duty status: the day's reports per region and unit kind,
 * the silent units, and each headquarters' duty roster (值班与零报告). Each builds the reports
 * index (fk/reports.h) from the store and makes one library call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --date D (YYYY-MM-DD) or today at --now as a day number. */
static int report_day(struct cli *c, const char *date, int32_t *day)
{
    if (!date) {
        *day = fk_report_day_of(c->now);
        return EXIT_DONE;
    }
    if (fk_report_date_parse((fk_slice){date, strlen(date)}, day) != FK_OK) {
        cli_error(c, "--date takes a date like 2022-08-28, not '%s'", date);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* Opens the store and builds the index into *r, after the verb's checks. */
static int open_reports(struct cli *c, fk_reports **r)
{
    char err[512];

    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_reports_build(c->st, &c->profile, r, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cmd_reports(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *by = "county", *region = NULL, *date = NULL,
               *kind = NULL, *cut = NULL;
    int missing = 0, k = -1;
    const struct cli_opt opts[] = {
        {.name = "by", .value = &by},          {.name = "region", .value = &region},
        {.name = "date", .value = &date},      {.name = "kind", .value = &kind},
        {.name = "missing", .flag = &missing}, {.name = NULL}};
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_reports *r = NULL;
    fk_table *t = NULL;
    char err[512];
    int32_t day;
    int rc, ret = EXIT_ERROR;

    if (strcmp(sub, "status") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (cli_level(c, by, &level) != EXIT_DONE || report_day(c, date, &day) != EXIT_DONE)
        return EXIT_ERROR;
    if (kind && fk_unit_kind_parse((fk_slice){kind, strlen(kind)}, &k) != FK_OK) {
        cli_error(c,
                  "--kind is township, hospital, clinic, pharmacy, school, enterprise or "
                  "other, not '%s'",
                  kind);
        return EXIT_ERROR;
    }
    if (cli_may(c, FK_PERM_READ, "read reports") != EXIT_DONE)
        return EXIT_ERROR;
    if (open_reports(c, &r) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        goto out;
    if (missing)
        rc = fk_reports_missing(r, cut, day, k, &t, err, sizeof err);
    else
        rc = fk_reports_status(r, level, cut, day, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    ret = cli_emit(c, t);
out:
    fk_reports_free(r);
    return ret;
}

int cmd_duty(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *date = NULL, *cut = NULL;
    const struct cli_opt opts[] = {
        {.name = "region", .value = &region}, {.name = "date", .value = &date}, {.name = NULL}};
    fk_reports *r = NULL;
    fk_table *t = NULL;
    char err[512];
    int32_t day;
    int ret = EXIT_ERROR;

    if (strcmp(sub, "status") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (report_day(c, date, &day) != EXIT_DONE ||
        cli_may(c, FK_PERM_READ, "read the duty roster") != EXIT_DONE)
        return EXIT_ERROR;
    if (open_reports(c, &r) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        goto out;
    if (fk_reports_duty(r, cut, day, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    ret = cli_emit(c, t);
out:
    fk_reports_free(r);
    return ret;
}
