/* SPDX-License-Identifier: MIT */
/* fangkong import TYPE FILE: one call to fk_import_run (the import as the actor, on record; a CSV
 * file, or an .xlsx workbook's first sheet or --sheet NAME) with a progress bar, then the
 * summary. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void on_progress(void *ud, uint64_t done, uint64_t total, uint64_t rows)
{
    fk_progress_update(ud, done, total, rows);
}

/* What the next verb will find: a snapshot to map, or a build of its own ("snapshots: engine
 * extended, roster built in 1.20 s"). */
static void print_snapshots(const struct fk_import_snapshots *s)
{
    static const char *const name[] = {"engine", "tracer", "roster"};
    const enum fk_snap_did did[] = {s->engine_did, s->tracer_did, s->roster_did};
    const char *sep = " ";
    int k;

    if (!s->engine_did && !s->tracer_did && !s->roster_did)
        return;
    fputs("snapshots:", stderr);
    for (k = 0; k < 3; k++) {
        if (!did[k])
            continue;
        fprintf(stderr, "%s%s %s", sep, name[k], fk_snap_did_name(did[k]));
        sep = ", ";
    }
    fprintf(stderr, " in %.2f s%s%s\n", s->seconds, s->why[0] ? ": " : "", s->why);
}

int cmd_import(struct cli *c, int argc, char **argv)
{
    const char *encoding = NULL, *rejects = NULL, *batch = NULL, *sheet = NULL;
    const struct cli_opt opts[] = {
        {.name = "encoding", .value = &encoding},
        {.name = "rejects", .value = &rejects},
        {.name = "batch", .value = &batch},
        {.name = "sheet", .value = &sheet},
        {.name = NULL},
    };
    struct fk_import_opts io;
    struct fk_import_record rec;
    struct fk_import_snapshots snaps;
    char engine_snap[4200], tracer_snap[4200], roster_snap[4200];
    struct fk_import_summary sum;
    struct fk_progress prog;
    enum fk_import_type type;
    char err[1024], label[64], begun[4200], prefix[4200];
    double secs;
    int64_t nbatch = 0;
    int rc;

    if (cli_parse(c, argc, argv, opts, 2) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 2)
        return cli_usage(c);
    if (fk_import_type_parse(c->pos[0], &type) != FK_OK) {
        char types[512];

        cli_error(c, "unknown type '%s': one of %s", c->pos[0],
                  fk_import_type_list(types, sizeof types));
        return EXIT_ERROR;
    }
    if (batch && cli_int(c, "batch", batch, 1, 10000000, &nbatch) != EXIT_DONE)
        return EXIT_ERROR;
    c->may_create = 1;
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    memset(&io, 0, sizeof io);
    io.encoding = encoding;
    io.rejects_path = rejects;
    io.batch_rows = (int)nbatch;
    io.sheet = sheet;
    io.progress = on_progress;
    io.progress_ud = &prog;
    snprintf(label, sizeof label, "import %s", fk_import_type_name(type));
    fk_progress_init(&prog, label, stderr);
    /* As the --as account (its role and scope) or the local administrator; on record from the
     * first batch, so an import killed mid-way is too. */
    snprintf(begun, sizeof begun, "begun: %s", c->pos[1]);
    snprintf(prefix, sizeof prefix, "%s: ", c->pos[1]);
    memset(&rec, 0, sizeof rec);
    rec.begun = begun;
    rec.done_prefix = prefix;
    /* The snapshots beside the data file are kept current, so the next verb maps them; the
     * roster is the import's own look-up of persons, and the next import's. */
    memset(&snaps, 0, sizeof snaps);
    snaps.engine = cli_snapshot_path(c, "engine", engine_snap, sizeof engine_snap);
    snaps.tracer = cli_snapshot_path(c, "tracer", tracer_snap, sizeof tracer_snap);
    snaps.roster = cli_snapshot_path(c, "roster", roster_snap, sizeof roster_snap);
    snaps.progress = cli_stage_progress;
    snaps.progress_ud = &prog;
    rec.snapshots = &snaps;
    rc = fk_import_run(c->st, cli_writer(c), &c->profile, type, c->pos[1], &io, &rec, &sum, err,
                       sizeof err);
    fk_progress_done(&prog);
    secs = fk_progress_elapsed(&prog) - snaps.seconds; /* the rows' own pace */
    if (rc != FK_OK) {
        cli_error(c, "%s: %s", c->pos[1], err);
        /* A clerk asks what to do next: what is stored, and that running it again is safe. */
        if (sum.kept_line && (rc == FK_EDB || rc == FK_EIO))
            fprintf(stderr,
                    "%s: the rows up to line %llu are stored (%llu batches); the same import "
                    "again adds the rest, counting the stored rows as duplicates\n",
                    c->pos[1], (unsigned long long)sum.kept_line, (unsigned long long)sum.batches);
        return EXIT_ERROR;
    }
    fprintf(stderr,
            "%s %s: %llu read, %llu accepted (%llu updated), %llu duplicate, %llu rejected; "
            "%s, %llu batches, %.2f s (%.0f rows/s)\n",
            fk_import_type_name(type), c->pos[1], (unsigned long long)sum.read,
            (unsigned long long)sum.accepted, (unsigned long long)sum.updated,
            (unsigned long long)sum.duplicate, (unsigned long long)sum.rejected, sum.encoding,
            (unsigned long long)sum.batches, secs, secs > 0 ? (double)sum.read / secs : 0.0);
    if (sum.changed_name + sum.changed_phone + sum.changed_grid + sum.changed_household +
        sum.changed_tags + sum.changed_id_type) {
        char upd[256];

        /* A re-import that renames or moves residents says so before a meeting finds out. */
        fprintf(stderr, "%s %s: %s\n", fk_import_type_name(type), c->pos[1],
                fk_import_updated_text(&sum, upd, sizeof upd));
    }
    if (sum.resumed) {
        char server[160];

        fk_store_reconnects(c->st, server, sizeof server);
        fprintf(stderr,
                "%s %s: the connection to the database was lost %u time%s and the import went on "
                "from the batches stored, on a new connection to %s; the last loss: %s\n",
                fk_import_type_name(type), c->pos[1], sum.resumed, sum.resumed > 1 ? "s" : "",
                server[0] ? server : "the database", sum.resumed_why);
    }
    print_snapshots(&snaps);
    if (sum.alerts)
        fprintf(stderr, "%llu alerts raised: fangkong alerts --open lists them\n",
                (unsigned long long)sum.alerts);
    if (sum.rejected) {
        fprintf(stderr, "rejected rows, with line and reason: %s\n", sum.rejects_path);
        return EXIT_REJECTED;
    }
    return EXIT_DONE;
}
