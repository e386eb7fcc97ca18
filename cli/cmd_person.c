/* SPDX-License-Identifier: MIT */
/* fangkong person: one person's page (registry, household, samples with their tubes and pools,
 * contact status with its chain, control orders, the regime's tests, alerts, arrivals) as CSV
 * blocks or one JSON object; --find searches by ID number, name or phone. Both are one library
 * call (fk/person.h), the same the server answers GET /api/v1/persons with. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The contacts of every case at depth 2, sorted by person, unless --no-trace. */
static int contacts(struct cli *c, int no_trace, fk_tracer **tr, struct fk_contact **k,
                    size_t *n)
{
    struct cli_trace_args a;
    int64_t ncases = 0;

    *tr = NULL;
    *k = NULL;
    *n = 0;
    if (no_trace)
        return EXIT_DONE;
    if (fk_store_count(c->st, "cases", &ncases) == FK_OK && ncases == 0)
        return EXIT_DONE;
    memset(&a, 0, sizeof a);
    if (cli_trace(c, &a, 2, tr, k, n) != EXIT_DONE)
        return EXIT_ERROR;
    fk_person_contacts_sort(*k, *n);
    return EXIT_DONE;
}

static int find(struct cli *c, const char *q, const char *limit_s, const struct fk_contact *k,
                size_t n)
{
    struct fk_person_find_opts o;
    fk_table *t = NULL;
    int64_t limit = 50;
    char err[512];
    int more = 0;

    if (limit_s && cli_int(c, "limit", limit_s, 1, FK_PERSON_FIND_MAX, &limit) != EXIT_DONE)
        return EXIT_ERROR;
    memset(&o, 0, sizeof o);
    o.q = q;
    o.scope = c->actor.scope;
    o.limit = (size_t)limit;
    o.contacts = k;
    o.ncontacts = n;
    if (fk_person_find(c->st, c->eng, &o, &t, &more, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (more)
        fprintf(stderr, "more than %lld persons match: showing the first %lld\n",
                (long long)limit, (long long)limit);
    return cli_emit(c, t);
}

/* The page, and in it the chain that put the person on the contact list (fk_tracer_explain,
 * as fangkong trace --explain prints it) as a block "explain". */
static int page(struct cli *c, const char *id_s, const char *date, fk_tracer *tr,
                const struct fk_contact *k, size_t n)
{
    struct fk_person_page pg;
    fk_table *chain = NULL;
    fk_ctl *ctl = NULL;
    int64_t pid, today;
    char err[1024];
    fk_buf b;
    int rc = EXIT_ERROR;

    memset(&pg, 0, sizeof pg);
    fk_buf_init(&b, 0);
    if (cli_day(c, date, &today) != EXIT_DONE || cli_person(c, id_s, &pid) != EXIT_DONE)
        goto out;
    if (fk_ctl_build(c->st, c->eng, &c->profile, &ctl, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    if (fk_person_page_get(c->st, c->eng, ctl, c->actor.scope, pid, today, k, n, &pg, err,
                           sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    if (tr && n && fk_tracer_explain(tr, c->st, k, n, (int32_t)pid, &chain, err, sizeof err) !=
                       FK_OK)
        chain = NULL; /* not a contact: no chain */
    if (fk_person_page_render(&pg, c->format, &b) != FK_OK)
        goto fail_out;
    if (c->format == FK_FORMAT_JSON) {
        /* The page's object, with the chain as one more member. */
        if (b.len >= 2)
            b.len -= 2; /* "}\n" */
        if (fk_buf_puts(&b, ",\"explain\":") != FK_OK ||
            (chain ? fk_table_json_rows(chain, 0, fk_table_nrows(chain), &b)
                   : fk_buf_puts(&b, "[]")) != FK_OK)
            goto fail_out;
        while (b.len && b.data[b.len - 1] == '\n')
            b.len--;
        if (fk_buf_puts(&b, "}\n") != FK_OK)
            goto fail_out;
    } else if (fk_buf_puts(&b, "# explain\n") != FK_OK ||
               (chain && fk_table_render(chain, FK_FORMAT_CSV, 0, fk_table_nrows(chain), &b) !=
                             FK_OK)) {
        goto fail_out;
    }
    if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
        goto fail_out;
    rc = EXIT_DONE;
    goto out;
fail_out:
    cli_error(c, "cannot write the page");
out:
    fk_table_free(chain);
    fk_person_page_fini(&pg);
    fk_ctl_free(ctl);
    fk_buf_fini(&b);
    return rc;
}

int cmd_person(struct cli *c, int argc, char **argv)
{
    const char *q = NULL, *limit = NULL, *date = NULL;
    int no_trace = 0;
    const struct cli_opt opts[] = {
        {.name = "find", .value = &q},
        {.name = "limit", .value = &limit},
        {.name = "date", .value = &date},
        {.name = "no-trace", .flag = &no_trace},
        {.name = NULL},
    };
    fk_tracer *tr = NULL;
    struct fk_contact *k = NULL;
    size_t n = 0;
    int rc = EXIT_ERROR;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if ((q != NULL) == (c->npos == 1))
        return cli_usage(c);
    if (cli_open_engine(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_READ_PERSONS, "read persons") != EXIT_DONE ||
        contacts(c, no_trace, &tr, &k, &n) != EXIT_DONE)
        goto out;
    rc = q ? find(c, q, limit, k, n) : page(c, c->pos[0], date, tr, k, n);
out:
    free(k);
    fk_tracer_free(tr);
    return rc;
}
