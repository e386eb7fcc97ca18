/* SPDX-License-Identifier: MIT */
/* fangkong coldchain: the cold-chain trace (冷链追溯). `trace BATCH` prints the batch's page as CSV
 * blocks (batch, sites, persons, shared) or one JSON object, as of --now; --control puts the
 * persons who touched it under coldchain control first (fk_cold_control). `batches` lists the
 * batches, positive ones first. The same library calls answer GET /api/v1/coldchain/…. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/coldchain.h"

static int trace(struct cli *c, int control, const char *at_s)
{
    struct fk_cold_control_count k;
    struct fk_cold_page pg;
    fk_cold_index *ix = NULL;
    fk_engine *e = NULL;
    char err[1024];
    int64_t at = c->now, window = (int64_t)c->profile.coldchain_window_hours * 3600;
    fk_buf b;
    int rc = EXIT_ERROR;

    memset(&pg, 0, sizeof pg);
    fk_buf_init(&b, 0);
    if (at_s && cli_time(c, "--at", at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        (control && cli_may(c, FK_PERM_CONTROL, "put persons under control") != EXIT_DONE))
        return EXIT_ERROR;
    if (c->actor.scope && *c->actor.scope) {
        if (cli_open_engine(c) != EXIT_DONE)
            return EXIT_ERROR;
        e = c->eng;
    }
    if (fk_cold_index_load(c->st, &ix) != FK_OK) {
        cli_error(c, "cold chain: %s", fk_store_errmsg(c->st));
        goto out;
    }
    if (control) {
        struct fk_cold_trace *t = NULL;

        if (fk_cold_trace_get(ix, c->pos[1], window, c->now, &t) != FK_OK) {
            cli_error(c, "no cold-chain batch %s", c->pos[1]);
            goto out;
        }
        if (fk_cold_control(c->st, cli_writer(c), &c->profile, t, at, &k, err, sizeof err) !=
            FK_OK) {
            fk_cold_trace_free(t);
            cli_error(c, "%s", err);
            goto out;
        }
        fk_cold_trace_free(t);
        fprintf(stderr,
                "batch %s: %zu persons touched it; %zu put under %s control, %zu already under "
                "control, %zu outside your scope, %zu not registered\n",
                c->pos[1], k.persons, k.added,
                fk_ctl_place_name((enum fk_ctl_place)c->profile.coldchain_place), k.already,
                k.outside, k.unregistered);
    }
    if (fk_cold_page_get(c->st, e, ix, c->actor.scope, c->pos[1], window, c->now, &pg, err,
                         sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    if (fk_cold_page_render(&pg, c->format, &b) != FK_OK) {
        cli_error(c, "out of memory");
        goto out;
    }
    fwrite(b.data, 1, b.len, stdout);
    rc = fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
out:
    fk_cold_page_fini(&pg);
    fk_cold_index_free(ix);
    fk_buf_fini(&b);
    return rc;
}

static int batches(struct cli *c)
{
    fk_cold_index *ix = NULL;
    fk_table *t = NULL;
    int rc;

    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_cold_index_load(c->st, &ix) != FK_OK) {
        cli_error(c, "cold chain: %s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    rc = fk_cold_batches(ix, c->now, &t);
    fk_cold_index_free(ix);
    if (rc != FK_OK) {
        cli_error(c, "out of memory");
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}

int cmd_coldchain(struct cli *c, int argc, char **argv)
{
    const char *at_s = NULL;
    int control = 0;
    const struct cli_opt opts[] = {
        {.name = "control", .flag = &control},
        {.name = "at", .value = &at_s},
        {.name = NULL},
    };

    if (cli_parse(c, argc, argv, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (c->npos == 2 && strcmp(c->pos[0], "trace") == 0)
        return trace(c, control, at_s);
    if (c->npos == 1 && strcmp(c->pos[0], "batches") == 0 && !control && !at_s)
        return batches(c);
    return cli_usage(c);
}
