/* SPDX-License-Identifier: MIT */
/* fangkong export TYPE and fangkong contract: the record types' descriptors (fk/record.h) used
 * the other way round, to write records out and to print the data contract. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Opens path for the export: a new file (O_EXCL: an export never writes over a file), mode 0600
 * (it holds personal data). NULL after printing why. */
static FILE *open_out(struct cli *c, const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f;

    if (fd < 0) {
        if (errno == EEXIST)
            cli_error(c, "%s exists: an export never writes over a file; give another --out", path);
        else
            cli_error(c, "cannot create %s: %s", path, strerror(errno));
        return NULL;
    }
    f = fdopen(fd, "w");
    if (!f) {
        cli_error(c, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
    }
    return f;
}

int cmd_export(struct cli *c, int argc, char **argv)
{
    const char *out = NULL;
    const struct cli_opt opts[] = {
        {.name = "out", .value = &out},
        {.name = NULL},
    };
    const struct fk_record_type *rt;
    char err[1024], who[128];
    fk_table *t = NULL;
    FILE *f = NULL;
    size_t n;
    int rc;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    rt = fk_record_find(c->pos[0]);
    if (!rt || !rt->nexport) {
        char types[512];

        cli_error(c, "%s type '%s': one of %s", rt ? "cannot export" : "unknown", c->pos[0],
                  fk_record_list(types, sizeof types, 1));
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    rc = fk_export_table(c->st, rt->id, c->actor.scope ? &c->actor : NULL, &t, err, sizeof err);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    n = fk_table_nrows(t);
    if (out) {
        f = open_out(c, out);
        if (!f) {
            fk_table_free(t);
            return EXIT_ERROR;
        }
        rc = fk_table_write(t, c->format, f);
        if (fclose(f) != 0)
            rc = FK_EIO;
        fk_table_free(t);
        if (rc != FK_OK) {
            cli_error(c, "cannot write %s", out);
            unlink(out);
            return EXIT_ERROR;
        }
    } else if (cli_emit(c, t) != EXIT_DONE) {
        return EXIT_ERROR;
    }
    fprintf(stderr, "%s: %zu exported%s%s\n", rt->name, n, out ? " to " : "", out ? out : "");
    fk_store_audit(c->st, cli_actor(who, sizeof who), "export", rt->name, "%zu rows%s%s", n,
                   out ? " to " : "", out ? out : "");
    return EXIT_DONE;
}

static const struct fk_col contract_cols[] = {
    {"type", FK_COL_TEXT}, {"column", FK_COL_TEXT},   {"required", FK_COL_INT},
    {"kind", FK_COL_TEXT}, {"max_bytes", FK_COL_INT}, {"key", FK_COL_INT},
    {"help", FK_COL_TEXT},
};

int cmd_contract(struct cli *c, int argc, char **argv)
{
    int markdown = 0, t, k, j, rc;
    const struct cli_opt opts[] = {
        {.name = "markdown", .flag = &markdown},
        {.name = NULL},
    };
    fk_table *tab = NULL;
    fk_buf b;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (markdown) {
        fk_buf_init(&b, 0);
        rc = fk_record_contract_markdown(&b);
        if (rc == FK_OK && fwrite(b.data, 1, b.len, stdout) != b.len)
            rc = FK_EIO;
        fk_buf_fini(&b);
        return rc == FK_OK && fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
    }
    rc = fk_table_new(contract_cols, sizeof contract_cols / sizeof contract_cols[0], &tab);
    for (t = 0; rc == FK_OK && t < FK_IMPORT_NTYPES; t++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)t);

        for (k = 0; rc == FK_OK && k < rt->ncols; k++) {
            char req[4], max[16], key[4];
            const char *vals[7] = {rt->name,
                                   rt->cols[k].name,
                                   req,
                                   fk_rcol_kind_name(rt->cols[k].kind),
                                   rt->cols[k].max_len ? max : NULL,
                                   key,
                                   rt->cols[k].help};
            int in_key = 0;

            for (j = 0; j < rt->nkey; j++)
                in_key |= rt->key[j] == k;
            snprintf(req, sizeof req, "%d", rt->cols[k].required);
            snprintf(max, sizeof max, "%d", rt->cols[k].max_len);
            snprintf(key, sizeof key, "%d", in_key);
            rc = fk_table_add(tab, vals);
        }
    }
    if (rc != FK_OK) {
        fk_table_free(tab);
        cli_error(c, "out of memory");
        return EXIT_ERROR;
    }
    return cli_emit(c, tab);
}
