/* SPDX-License-Identifier: MIT */
/* fangkong demo: writes the synthetic demo city (fk_demo_write) and says what it wrote. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses a non-negative whole number option; prints an error on failure. */
static int number(struct cli *c, const char *name, const char *s, int64_t max, int64_t *out)
{
    return cli_int(c, name, s, 0, max, out);
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
    const char *people = NULL, *seed = NULL, *out = NULL, *regions = NULL, *scans = NULL,
               *pings = NULL, *cases = NULL;
    int finished = 0;
    const struct cli_opt opts[] = {
        {.name = "people", .value = &people},   {.name = "seed", .value = &seed},
        {.name = "out", .value = &out},         {.name = "regions", .value = &regions},
        {.name = "scans", .value = &scans},     {.name = "pings", .value = &pings},
        {.name = "cases", .value = &cases},     {.name = "finished", .flag = &finished},
        {.name = NULL},
    };
    struct fk_demo_opts o;
    struct fk_demo_summary sum;
    struct fk_progress prog;
    char err[1024], start[FK_TIME_RENDER_MAX], end[FK_TIME_RENDER_MAX], at[FK_TIME_RENDER_MAX];
    int64_t v;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    fk_demo_defaults(&o);
    if (people) {
        if (number(c, "people", people, 100000000, &v) != EXIT_DONE)
            return EXIT_ERROR;
        o.people = (uint64_t)v;
    }
    if (seed) {
        if (number(c, "seed", seed, INT64_MAX, &v) != EXIT_DONE)
            return EXIT_ERROR;
        o.seed = (uint64_t)v;
    }
    if (scans) {
        if (number(c, "scans", scans, 100, &v) != EXIT_DONE)
            return EXIT_ERROR;
        o.scans_per_person = (double)v;
    }
    if (pings) {
        if (number(c, "pings", pings, 100, &v) != EXIT_DONE)
            return EXIT_ERROR;
        o.pings_per_person = (double)v;
    }
    if (cases) {
        if (number(c, "cases", cases, 100000, &v) != EXIT_DONE)
            return EXIT_ERROR;
        o.cases = (unsigned)v;
    }
    /* The epidemic lives at the command's clock (--now or FANGKONG_NOW, read by cli_parse as for
     * every verb; default: this moment); --finished is the fixed past day. */
    if (finished && c->now_asked) {
        cli_error(c, "--finished and --now (or FANGKONG_NOW) exclude each other");
        return EXIT_ERROR;
    }
    if (!finished)
        o.now = c->now;
    if (out)
        o.out_dir = out;
    o.regions_csv = regions;
    o.progress = cli_stage_progress;
    o.progress_ud = &prog;
    fk_progress_init(&prog, "demo", stderr);
    if (fk_demo_write(&o, &sum, err, sizeof err) != FK_OK) {
        fk_progress_done(&prog);
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fk_progress_done(&prog);
    fprintf(stderr,
            "demo city in %s/ (%.1f s): %llu regions (%llu grids), %llu persons, %llu venues, "
            "%llu scans, %llu pings, %llu samples in %llu tubes, %llu results, %llu cases\n"
            "round %s over %s from %s to %s (round.txt), %s%s\n",
            o.out_dir, fk_progress_elapsed(&prog), (unsigned long long)sum.regions,
            (unsigned long long)sum.grids, (unsigned long long)sum.persons,
            (unsigned long long)sum.venues, (unsigned long long)sum.scans,
            (unsigned long long)sum.pings, (unsigned long long)sum.samples,
            (unsigned long long)sum.tubes, (unsigned long long)sum.results,
            (unsigned long long)sum.cases, sum.round_name, sum.round_region,
            fk_time_render(sum.round_start, start), fk_time_render(sum.round_end, end),
            sum.now ? "as of " : "finished", sum.now ? fk_time_render(sum.now, at) : "");
    return EXIT_DONE;
}
