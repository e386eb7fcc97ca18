/* SPDX-License-Identifier: MIT */
/* fangkong migrate --from STORE --to STORE (issue 20): a city moved between SQLite and
 * PostgreSQL (either way) by fk_store_migrate, which verifies every table it moved; this prints
 * what it moved, a table a row with its rows and checksum, to paste into the change record. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_migrate(struct cli *c, int argc, char **argv)
{
    static const struct fk_col cols[] = {
        {"table", FK_COL_TEXT}, {"rows", FK_COL_INT}, {"checksum", FK_COL_TEXT}};
    const char *from = NULL, *to = NULL;
    const struct cli_opt opts[] = {
        {.name = "from", .value = &from},
        {.name = "to", .value = &to},
        {.name = NULL},
    };
    struct fk_migrate_table moved[64];
    struct fk_progress prog;
    fk_store *src = NULL, *dst = NULL;
    fk_table *t = NULL;
    char err[1024], rows[24], sum[24];
    size_t n = 0, i;
    int rc, ret = EXIT_ERROR;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (!from || !to) {
        cli_error(c, "give both stores: --from fangkong.db --to postgresql://… (or the other way)");
        return EXIT_ERROR;
    }
    if (strcmp(from, to) == 0) {
        cli_error(c, "--from and --to name the same store");
        return EXIT_ERROR;
    }
    /* The source is the store --db would be: it must exist (a typo makes no empty file). */
    c->db = from;
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    src = c->st;
    if (fk_store_open(to, &dst, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fk_progress_init(&prog, "migrate", stderr);
    rc = fk_store_migrate(src, dst, cli_writer(c), &prog, moved, sizeof moved / sizeof moved[0], &n,
                          err, sizeof err);
    fk_progress_done(&prog);
    if (fk_table_new(cols, 3, &t) != FK_OK)
        goto out;
    for (i = 0; i < n; i++) {
        const char *v[3] = {moved[i].name, rows, sum};

        snprintf(rows, sizeof rows, "%lld", (long long)moved[i].rows);
        snprintf(sum, sizeof sum, "%016llx", (unsigned long long)moved[i].sum);
        if (fk_table_add(t, v) != FK_OK)
            goto out;
    }
    if (fk_table_write(t, c->format, stdout) != FK_OK)
        goto out;
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    {
        int64_t total = 0;

        for (i = 0; i < n; i++)
            total += moved[i].rows;
        fprintf(stderr, "migrate: %lld rows in %zu tables moved and verified (%.1f s)\n",
                (long long)total, n, fk_progress_elapsed(&prog));
    }
    ret = EXIT_DONE;
out:
    fk_table_free(t);
    fk_store_close(dst);
    return ret;
}
