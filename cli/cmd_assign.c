/* SPDX-License-Identifier: MIT */
/* fangkong assign import|gaps|load|list: 包保 (issue 17). `import FILE` is `import assignments
 * FILE`; gaps, load and list make one call of fk/assign.h each, cut to --region and the --as
 * account's scope, as of --now. Two-table answers (gaps, list) print as CSV blocks ("# NAME",
 * the table, a blank line) or one JSON object {"NAME": rows, …}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fk/assign.h"

/* Prints the two tables as blocks named a and b; frees them. */
static int emit2(struct cli *c, const char *a, fk_table *ta, const char *b, fk_table *tb)
{
    fk_buf out;
    int rc;

    fk_buf_init(&out, 0);
    if (c->format == FK_FORMAT_JSON) {
        rc = fk_buf_printf(&out, "{\"%s\":", a);
        if (rc == FK_OK)
            rc = fk_table_render(ta, FK_FORMAT_JSON, 0, fk_table_nrows(ta), &out);
        if (rc == FK_OK)
            rc = fk_buf_printf(&out, ",\"%s\":", b);
        if (rc == FK_OK)
            rc = fk_table_render(tb, FK_FORMAT_JSON, 0, fk_table_nrows(tb), &out);
        if (rc == FK_OK)
            rc = fk_buf_puts(&out, "}\n");
    } else {
        rc = fk_buf_printf(&out, "# %s\n", a);
        if (rc == FK_OK)
            rc = fk_table_render(ta, FK_FORMAT_CSV, 0, fk_table_nrows(ta), &out);
        if (rc == FK_OK)
            rc = fk_buf_printf(&out, "\n# %s\n", b);
        if (rc == FK_OK)
            rc = fk_table_render(tb, FK_FORMAT_CSV, 0, fk_table_nrows(tb), &out);
    }
    fk_table_free(ta);
    fk_table_free(tb);
    if (rc != FK_OK) {
        fk_buf_fini(&out);
        cli_error(c, "out of memory");
        return EXIT_ERROR;
    }
    if (out.len)
        fwrite(out.data, 1, out.len, stdout);
    fk_buf_fini(&out);
    return fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
}

int cmd_assign(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "", *region = NULL, *cut = NULL;
    const struct cli_opt opts[] = {{.name = "region", .value = &region}, {.name = NULL}};
    fk_table *a = NULL, *b = NULL;
    char err[512];
    int rc;

    if (strcmp(sub, "import") == 0) {
        /* assign import FILE [options] is import assignments FILE [options] */
        char *args[64];
        int i;

        if (argc > 63)
            return cli_usage(c);
        args[0] = "assignments";
        for (i = 1; i < argc; i++)
            args[i] = argv[i];
        return cmd_import(c, argc, args);
    }
    if (strcmp(sub, "gaps") != 0 && strcmp(sub, "load") != 0 && strcmp(sub, "list") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, strcmp(sub, "list") == 0 ? 1 : 0) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(sub, "list") == 0 && c->npos != 1)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "load") != 0 && cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open_engine(c) != EXIT_DONE || cli_scope_region(c, region, &cut) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(sub, "gaps") == 0)
        rc = fk_assign_gaps(c->st, c->eng, &c->profile, cut, c->now, &a, &b, err, sizeof err);
    else if (strcmp(sub, "load") == 0)
        rc = fk_assign_load(c->st, c->eng, &c->profile, cut, c->now, &a, err, sizeof err);
    else
        rc = fk_assign_cadre(c->st, c->eng, &c->profile, cut, c->pos[0], c->now, &a, &b, err,
                             sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (strcmp(sub, "load") == 0)
        return cli_emit(c, a);
    return strcmp(sub, "gaps") == 0 ? emit2(c, "persons", a, "regions", b)
                                    : emit2(c, "regions", a, "persons", b);
}
