/* SPDX-License-Identifier: MIT */
/* fangkong zone declare|change|lift|list|review: risk zones (风险区域, issue 18). The writes are
 * the actions of fk/action.h (audited); list and review build the engine and make one library
 * call (fk/zones.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/zone.h"
#include "fk/zones.h"

struct zone_args {
    const char *level, *regions, *at, *reason, *region;
};

static int parse_level(struct cli *c, const char *s, int *level)
{
    if (!s) {
        cli_error(c, "needs --level lockdown|control|precaution");
        return EXIT_ERROR;
    }
    if (fk_zone_level_parse((fk_slice){s, strlen(s)}, level) != FK_OK) {
        cli_error(c, "level '%s' is not lockdown, control or precaution", s);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* Prints the action's notes (one a line) to stderr, each as "note: …". */
static void print_notes(const char *notes)
{
    const char *p = notes;

    while (p && *p) {
        const char *eol = strchr(p, '\n');
        int n = eol ? (int)(eol - p) : (int)strlen(p);

        fprintf(stderr, "note: %.*s\n", n, p);
        p = eol ? eol + 1 : p + n;
    }
}

static int write_verb(struct cli *c, const char *sub, const struct zone_args *a)
{
    char err[512], notes[4096] = "", when[FK_TIME_RENDER_MAX];
    int64_t at = c->now;
    int level = 0, rc;

    if (c->npos != 1)
        return cli_usage(c);
    if (strcmp(sub, "lift") != 0 && parse_level(c, a->level, &level) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "declare") == 0 && (!a->regions || !a->at)) {
        cli_error(c, "declare needs --regions R1,R2 and --at T");
        return EXIT_ERROR;
    }
    if (a->at && cli_time(c, "--at", a->at, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_CONTROL, "change risk zones") != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "declare") == 0)
        rc = fk_zone_declare(c->st, cli_writer(c), c->pos[0], level, a->regions, at, a->reason,
                             notes, sizeof notes, err, sizeof err);
    else if (strcmp(sub, "change") == 0)
        rc = fk_zone_change(c->st, cli_writer(c), c->pos[0], level, at, a->reason, notes,
                            sizeof notes, err, sizeof err);
    else
        rc = fk_zone_lift(c->st, cli_writer(c), c->pos[0], at, a->reason, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    print_notes(notes);
    fprintf(stderr, "zone %s: %s %s at %s\n", sub, c->pos[0],
            strcmp(sub, "lift") == 0 ? "lifted" : fk_zone_level_name(level),
            fk_time_render(at, when));
    return EXIT_DONE;
}

int cmd_zone(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *cut = NULL;
    struct zone_args a = {NULL, NULL, NULL, NULL, NULL};
    const struct cli_opt opts[] = {
        {.name = "level", .value = &a.level},   {.name = "regions", .value = &a.regions},
        {.name = "at", .value = &a.at},         {.name = "reason", .value = &a.reason},
        {.name = "region", .value = &a.region}, {.name = NULL}};
    fk_table *t = NULL;
    char err[512];
    int rc;

    if (strcmp(sub, "declare") != 0 && strcmp(sub, "change") != 0 && strcmp(sub, "lift") != 0 &&
        strcmp(sub, "list") != 0 && strcmp(sub, "review") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "list") != 0 && strcmp(sub, "review") != 0)
        return write_verb(c, sub, &a);
    if (c->npos != 0)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ, "read risk zones") != EXIT_DONE ||
        cli_scope_region(c, a.region, &cut) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "list") == 0)
        rc = fk_zone_list(c->st, c->eng, cut, c->now, &t, err, sizeof err);
    else
        rc = fk_zone_review(c->st, c->eng, &c->profile, cut, c->now, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
