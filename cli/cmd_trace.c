/* SPDX-License-Identifier: MIT */
/* fangkong trace and fangkong chain: contact tracing from cases, the reasons, and the graph. The
 * persons they show come from the roster beside the data file when it is current (one mapped
 * file instead of a store query a person), else from the store. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Has tr show its persons from the roster beside the data file, when it is current: an import
 * that wrote persons writes it. One missing, stale, of another version or with a damaged header
 * is not used, and a person in a damaged block of it is read from the store. */
static void use_roster(struct cli *c, fk_tracer *tr)
{
    char path[4200], why[512];

    if (!c->roster && cli_snapshot_path(c, "roster", path, sizeof path))
        fk_roster_open(c->st, path, &c->roster, why, sizeof why); /* none: the store answers */
    fk_tracer_use_roster(tr, c->roster);
}

/* Says on stderr where the persons shown came from, the roster or the store. */
static void say_named(const fk_tracer *tr)
{
    uint64_t roster, store;

    fk_tracer_named(tr, &roster, &store);
    fprintf(stderr, "persons shown: %llu from the roster, %llu read from the store\n",
            (unsigned long long)roster, (unsigned long long)store);
}

int cli_trace(struct cli *c, struct cli_trace_args *a, int default_depth, fk_tracer **tr,
              struct fk_contact **out, size_t *n)
{
    struct fk_trace_opts o;
    int32_t ids[CLI_MAX_CASES];
    char err[1024];
    int i;

    memset(&o, 0, sizeof o);
    o.depth = default_depth;
    if (a->depth) {
        if (strcmp(a->depth, "1") != 0 && strcmp(a->depth, "2") != 0) {
            cli_error(c, "--depth takes 1 or 2, not '%s'", a->depth);
            return EXIT_ERROR;
        }
        o.depth = a->depth[0] - '0';
    }
    if (a->since && cli_time(c, "--since", a->since, &o.since) != EXIT_DONE)
        return EXIT_ERROR;
    o.until = c->now_asked ? c->now : 0; /* as of --now: later cases are not cases yet */
    if (cli_open(c) != EXIT_DONE)
        return EXIT_ERROR;
    for (i = 0; i < a->ncases; i++) {
        char id[64];
        int64_t pid;

        fk_id_normalize(a->cases[i], strlen(a->cases[i]), id, sizeof id);
        if (cli_person(c, id, &pid) != EXIT_DONE)
            return EXIT_ERROR;
        ids[i] = (int32_t)pid;
    }
    if (a->ncases) {
        o.cases = ids;
        o.ncases = (size_t)a->ncases;
    }
    if (cli_open_tracer(c, tr) != EXIT_DONE)
        return EXIT_ERROR;
    use_roster(c, *tr);
    if (fk_tracer_run(*tr, &o, out, n, err, sizeof err) != FK_OK) {
        /* Name the case by its ID number rather than its internal id. */
        for (i = 0; i < a->ncases; i++) {
            char want[64];

            snprintf(want, sizeof want, "person %d is not a case", ids[i]);
            if (strstr(err, want)) {
                snprintf(err, sizeof err, "%s is not a case (import it in a cases file first)",
                         a->cases[i]);
                break;
            }
        }
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_contacts_in_scope(struct cli *c, struct fk_contact *k, size_t *n)
{
    struct fk_roster_who w;
    struct fk_person_row p;
    size_t i, kept = 0;

    if (!c->actor.scope)
        return EXIT_DONE;
    for (i = 0; i < *n; i++) {
        const char *grid = NULL;

        if (c->roster && fk_roster_person(c->roster, k[i].person, &w) == FK_OK)
            grid = w.grid;
        else if (fk_store_get_person(c->st, k[i].person, &p) == FK_OK)
            grid = p.grid;
        if (grid && cli_in_scope(c, grid))
            k[kept++] = k[i];
    }
    *n = kept;
    return EXIT_DONE;
}

/* Summary line on stderr: how many of each category. */
static void summarize(const struct fk_contact *k, size_t n)
{
    size_t count[4] = {0, 0, 0, 0}, i;

    for (i = 0; i < n; i++)
        count[k[i].category & 3]++;
    fprintf(stderr, "%zu contacts: %zu close, %zu secondary, %zu companions\n", n,
            count[FK_CAT_CLOSE], count[FK_CAT_SECONDARY], count[FK_CAT_COMPANION]);
}

int cmd_trace(struct cli *c, int argc, char **argv)
{
    struct cli_trace_args a;
    const struct cli_opt opts[] = {
        {.name = "case", .list = a.cases, .nlist = &a.ncases, .maxlist = CLI_MAX_CASES},
        {.name = "depth", .value = &a.depth},
        {.name = "since", .value = &a.since},
        {.name = "explain", .value = &a.explain},
        {.name = NULL},
    };
    fk_tracer *tr = NULL;
    struct fk_contact *k = NULL;
    fk_table *t = NULL;
    size_t n = 0;
    char err[512];
    int rc = EXIT_ERROR;

    memset(&a, 0, sizeof a);
    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        cli_trace(c, &a, a.explain ? 2 : 1, &tr, &k, &n) != EXIT_DONE)
        goto out;
    if (a.explain) {
        char id[64];
        int64_t pid;

        fk_id_normalize(a.explain, strlen(a.explain), id, sizeof id);
        if (cli_person(c, id, &pid) != EXIT_DONE)
            goto out;
        if (fk_tracer_explain(tr, c->st, k, n, (int32_t)pid, &t, err, sizeof err) != FK_OK) {
            cli_error(c, "%s is not on the contact list of %s at depth %s", id,
                      a.ncases ? "these cases" : "any case", a.depth ? a.depth : "2");
            goto out;
        }
    } else {
        cli_contacts_in_scope(c, k, &n);
        summarize(k, n);
        if (fk_tracer_table(tr, c->st, k, n, &t, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
    }
    rc = cli_emit(c, t);
    say_named(tr);
out:
    free(k);
    fk_tracer_free(tr);
    return rc;
}

/* Graphviz: cases red, close orange, secondary yellow, companions blue. */
static int write_dot(const fk_table *t)
{
    size_t i;

    printf("digraph chain {\n  rankdir=LR;\n  node [shape=box, style=filled];\n");
    for (i = 0; i < fk_table_nrows(t); i++) {
        const char *from = fk_table_get(t, i, 0), *from_name = fk_table_get(t, i, 1);
        const char *from_cat = fk_table_get(t, i, 2), *to = fk_table_get(t, i, 3);
        const char *to_name = fk_table_get(t, i, 4), *cat = fk_table_get(t, i, 5);
        const char *via = fk_table_get(t, i, 6), *when = fk_table_get(t, i, 7);

        if (strcmp(from_cat, "case") == 0)
            printf("  \"%s\" [label=\"%s\\n%s\", fillcolor=\"#e74c3c\"];\n", from, from_name,
                   from);
        printf("  \"%s\" [label=\"%s\\n%s\", fillcolor=\"%s\"];\n", to, to_name, to,
               strcmp(cat, "close") == 0       ? "#f39c12"
               : strcmp(cat, "secondary") == 0 ? "#f7dc6f"
                                               : "#85c1e9");
        printf("  \"%s\" -> \"%s\" [label=\"%s\\n%s\"];\n", from, to, via, when);
    }
    printf("}\n");
    return fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
}

int cmd_chain(struct cli *c, int argc, char **argv)
{
    struct cli_trace_args a;
    int dot = 0;
    const struct cli_opt opts[] = {
        {.name = "case", .list = a.cases, .nlist = &a.ncases, .maxlist = CLI_MAX_CASES},
        {.name = "depth", .value = &a.depth},
        {.name = "since", .value = &a.since},
        {.name = NULL},
    };
    fk_tracer *tr = NULL;
    struct fk_contact *k = NULL;
    fk_table *t = NULL;
    size_t n = 0, i;
    char err[512];
    int rc = EXIT_ERROR;

    memset(&a, 0, sizeof a);
    /* --format dot is this verb's own; take it out before the common parser sees it. */
    for (i = 0; i + 1 < (size_t)argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && strcmp(argv[i + 1], "dot") == 0) {
            dot = 1;
            memmove(&argv[i], &argv[i + 2], (size_t)(argc - (int)i - 2) * sizeof *argv);
            argc -= 2;
            break;
        }
    }
    for (i = 0; i < (size_t)argc; i++) {
        if (strcmp(argv[i], "--format=dot") == 0) {
            dot = 1;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - (int)i - 1) * sizeof *argv);
            argc--;
            break;
        }
    }
    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (cli_trace(c, &a, 2, &tr, &k, &n) != EXIT_DONE)
        goto out;
    summarize(k, n);
    if (fk_tracer_edges(tr, c->st, k, n, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    if (dot) {
        rc = write_dot(t);
        fk_table_free(t);
    } else if (c->format == FK_FORMAT_JSON) {
        fk_buf b;

        fk_table_free(t);
        fk_buf_init(&b, 0);
        if (fk_tracer_graph_json(tr, c->st, k, n, &b, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
        } else {
            rc = fwrite(b.data, 1, b.len, stdout) == b.len && fflush(stdout) == 0 ? EXIT_DONE
                                                                                  : EXIT_ERROR;
        }
        fk_buf_fini(&b);
    } else {
        rc = cli_emit(c, t);
    }
    if (rc == EXIT_DONE)
        say_named(tr);
out:
    free(k);
    fk_tracer_free(tr);
    return rc;
}
