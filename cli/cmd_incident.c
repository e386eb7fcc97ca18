/* SPDX-License-Identifier: MIT */
/* fangkong incident list|contacts|event: the response timers (响应时限, issue 17). list and
 * contacts build the engine and the tracer and make one library call (fk/response.h); event
 * records an onsite or activated event as an action (fk/action.h), audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/incident.h"
#include "fk/response.h"

/* Opens the store, the engine and a tracer (with progress: minutes at 10 M residents). */
static int open_all(struct cli *c, fk_tracer **tr)
{
    if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    return cli_open_tracer(c, tr);
}

static int event(struct cli *c, const char *at_s, const char *note)
{
    char id[64], err[512];
    int64_t pid, at;
    enum fk_put did;
    int ev;

    if (c->npos != 2)
        return cli_usage(c);
    if (fk_inc_event_parse((fk_slice){c->pos[1], strlen(c->pos[1])}, &ev) != FK_OK) {
        cli_error(c, "event '%s' is not onsite or activated", c->pos[1]);
        return EXIT_ERROR;
    }
    if (!at_s) {
        cli_error(c, "event needs --at T");
        return EXIT_ERROR;
    }
    if (cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_CONTROL, "record response events") != EXIT_DONE)
        return EXIT_ERROR;
    fk_id_normalize(c->pos[0], strlen(c->pos[0]), id, sizeof id);
    if (cli_person(c, id, &pid) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_incident_event_add(c->st, cli_writer(c), pid, ev, at, note, &did, err, sizeof err) !=
        FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "incident event: %s %s %s\n", id, fk_inc_event_name(ev),
            did == FK_PUT_NEW       ? "recorded"
            : did == FK_PUT_UPDATED ? "note updated"
                                    : "already recorded");
    return EXIT_DONE;
}

int cmd_incident(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *cut = NULL, *at = NULL,
               *note = NULL;
    int open_only = 0;
    const struct cli_opt opts[] = {{.name = "open", .flag = &open_only},
                                   {.name = "region", .value = &region},
                                   {.name = "at", .value = &at},
                                   {.name = "note", .value = &note},
                                   {.name = NULL}};
    fk_tracer *tr = NULL;
    fk_table *t = NULL;
    char err[512], id[64];
    int64_t pid;
    int rc, ret = EXIT_ERROR;

    if (strcmp(sub, "list") != 0 && strcmp(sub, "contacts") != 0 && strcmp(sub, "event") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "event") == 0)
        return event(c, at, note);
    if ((strcmp(sub, "list") == 0 && c->npos != 0) ||
        (strcmp(sub, "contacts") == 0 && c->npos != 1))
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_scope_region(c, region, &cut) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "contacts") == 0) {
        fk_id_normalize(c->pos[0], strlen(c->pos[0]), id, sizeof id);
        if (cli_person(c, id, &pid) != EXIT_DONE)
            return EXIT_ERROR;
    }
    if (open_all(c, &tr) != EXIT_DONE)
        goto out;
    if (strcmp(sub, "list") == 0)
        rc = fk_response_list(c->st, c->eng, tr, &c->profile, cut, c->now, open_only, &t, err,
                              sizeof err);
    else
        rc = fk_response_contacts(c->st, c->eng, tr, &c->profile, pid, c->now, &t, err, sizeof err);
    if (rc == FK_ENOENT && strcmp(sub, "contacts") == 0)
        snprintf(err, sizeof err, "%s is not a case", id);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    ret = cli_emit(c, t);
out:
    fk_tracer_free(tr);
    return ret;
}
