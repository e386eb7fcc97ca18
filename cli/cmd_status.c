/* SPDX-License-Identifier: MIT */
/* fangkong status: what the data file holds, and what the engine costs to build. */
#include <stdint.h>

#include "cli.h"

static const struct fk_col status_cols[] = {{"what", FK_COL_TEXT}, {"count", FK_COL_INT}};

int cmd_status(struct cli *c, int argc, char **argv)
{
    static const char *const tables[] = {"regions",  "persons",    "venues",      "scans",
                                         "pings",    "samples",    "results",     "cases",
                                         "rounds",   "controls",   "arrivals",    "risk_areas",
                                         "door_events", "alerts", "sentinels", "coldchain",
                                         "vaccinations", "indicators", "scores",
                                         "assignments", "units", "reports", "duty",
                                         "inspections", "problems", "incident_events",
                                         "zones", "transfers", "checkins", "labs", "boxes",
                                         "gatherings", "requests"};
    char shown[512];
    struct fk_engine_stats es;
    fk_table *t = NULL;
    char num[32];
    int64_t n, gen;
    size_t i;
    int rc;

    if (cli_parse(c, argc, argv, NULL, 0) != FK_OK)
        return EXIT_ERROR;
    if (cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    rc = fk_table_new(status_cols, 2, &t);
    for (i = 0; rc == FK_OK && i < sizeof tables / sizeof tables[0]; i++) {
        const char *vals[2] = {tables[i], num};

        rc = fk_store_count(c->st, tables[i], &n);
        snprintf(num, sizeof num, "%lld", (long long)n);
        if (rc == FK_OK)
            rc = fk_table_add(t, vals);
    }
    if (rc == FK_OK) {
        const char *vals[2] = {"generation", num};

        rc = fk_store_generation(c->st, &gen);
        snprintf(num, sizeof num, "%lld", (long long)gen);
        if (rc == FK_OK)
            rc = fk_table_add(t, vals);
    }
    if (rc != FK_OK) {
        fk_table_free(t);
        cli_error(c, "%s", fk_store_errmsg(c->st));
        return EXIT_ERROR;
    }
    fk_engine_stats(c->eng, &es);
    fprintf(stderr,
            "data file %s; engine: %zu regions, %zu grids, %zu residents, %zu samples, "
            "%zu tubes, %.1f MB, %s in %.3f s\n",
            fk_store_shown(c->db, shown, sizeof shown), es.regions, es.grids, es.persons,
            es.samples, es.tubes, (double)es.bytes / 1e6,
            c->engine_loaded ? "loaded from its snapshot" : "built from the store",
            es.build_seconds);
    return cli_emit(c, t);
}
