/* SPDX-License-Identifier: MIT */
/* fangkong check [--gate TYPE] [--now T]: 场所核验 (数字哨兵, issue 18) for every ID number read on
 * stdin, one a line: id_number,colour,reason (green|yellow|red; negative, no_test, positive (a
 * case, or a positive result), controlled or lockdown), never a name. A line may carry the time of
 * its check after a comma (a gate's offline log: "ID,2026-12-06T09:30:00"); else it is checked at
 * --now. A line that is no ID number (fk_gate_id: empty, too long, a stray character, a resident
 * ID whose check character does not fit) is answered with colour "" and reason "bad_id" (and
 * the line itself only when it is plain letters and digits), so the answers stay line for line; a
 * time that is none with reason "bad_time". With --as a gate account the checks are
 * counted as that gate's (per hour and colour, as the server counts them), in one batch at the end.
 *
 * fangkong gates [--date D] [--by gate|hour] [--region R]: the day's counts of the gates. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fk/action.h"
#include "fk/gate_check.h"
#include "fk/gate_index.h"
#include "fk/gate_tally.h"
#include "fk/time.h"

#define INDEX_AFTER 2000 /* lines answered from the store before the gate index is built */

/* 1 when s is 1 to 32 ASCII letters and digits. */
static int plain(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (i == 32 || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
                         (s[i] >= 'a' && s[i] <= 'z')))
            return 0;
    return i > 0;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
    const char *gate = "other";
    const struct cli_opt opts[] = {{.name = "gate", .value = &gate}, {.name = NULL}};
    const struct fk_gate_count_row *rows;
    fk_gate_index *gi = NULL;
    fk_gate_tally *tally = NULL;
    enum fk_gate_type type;
    char line[256], err[512];
    int64_t window;
    size_t counts[4] = {0, 0, 0, 0}, nrows, asked = 0;
    int ret = EXIT_ERROR, rc;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (fk_gate_type_parse((fk_slice){gate, strlen(gate)}, &type) != FK_OK) {
        cli_error(c, "--gate takes scenic, station or other, not '%s'", gate);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_GATE, "check at a gate") != EXIT_DONE ||
        cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (c->actor.scope && !(tally = fk_gate_tally_new())) {
        cli_error(c, "out of memory");
        goto out;
    }
    window = fk_gate_window(&c->profile, type);
    printf("id_number,colour,reason\n");
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n"), len;
        char id[40], *comma;
        struct fk_gate_facts f;
        enum fk_gate_reason why;
        enum fk_gate_colour col;
        int64_t at = c->now;

        line[n] = '\0';
        comma = strchr(line, ',');
        if (comma) {
            *comma = '\0';
            if (fk_time_parse(comma + 1, strlen(comma + 1), &at) != FK_OK)
                at = INT64_MIN;
        }
        len = fk_gate_id(line, strlen(line), id, sizeof id);
        if (!len || at == INT64_MIN) {
            /* echoed only when it is plain letters and digits: nothing else reaches a cell */
            printf("%s,,%s\n", plain(line) ? line : "", len ? "bad_time" : "bad_id");
            counts[FK_GATE_BAD_ID]++;
            if (tally && at != INT64_MIN)
                fk_gate_tally_add(tally, c->actor.name, c->actor.scope, type, FK_GATE_BAD_ID, at);
            continue;
        }
        /* A few lines cost three store queries each; past INDEX_AFTER the index pays for its
         * build (a pass over the registry) */
        if (!gi && ++asked > INDEX_AFTER &&
            fk_gate_index_build(c->st, c->eng, &gi, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
        rc = gi && fk_gate_index_facts(gi, id, len, at, &f)
                 ? FK_OK
                 : fk_gate_facts_of(c->st, c->eng, id, at, &f);
        if (rc != FK_OK) {
            cli_error(c, "%s: %s", id, rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(c->st));
            goto out;
        }
        col = fk_gate_check(&f, window, at, &why);
        counts[col]++;
        if (tally &&
            fk_gate_tally_add(tally, c->actor.name, c->actor.scope, type, (int)col, at) != FK_OK) {
            cli_error(c, "out of memory");
            goto out;
        }
        printf("%s,%s,%s\n", id, fk_gate_colour_name(col), fk_gate_reason_name(why));
    }
    if (tally) {
        fk_gate_tally_rows(tally, &rows, &nrows);
        rc = fk_gate_counts_add(c->st, cli_writer(c), rows, nrows, err, sizeof err);
        if (rc != FK_OK) {
            cli_error(c, "the checks were answered but not counted: %s", err);
            goto out;
        }
    }
    fprintf(stderr, "check (%s gate, %lld h): %zu green, %zu yellow, %zu red, %zu bad ID%s%s\n",
            fk_gate_type_name(type), (long long)(window / 3600), counts[0], counts[1], counts[2],
            counts[3], tally ? "; counted as gate " : "", tally ? c->actor.name : "");
    ret = fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
out:
    fk_gate_tally_free(tally);
    fk_gate_index_free(gi);
    return ret;
}

int cmd_gates(struct cli *c, int argc, char **argv)
{
    const char *date = NULL, *by = "gate", *region = NULL;
    const struct cli_opt opts[] = {{.name = "date", .value = &date},
                                   {.name = "by", .value = &by},
                                   {.name = "region", .value = &region},
                                   {.name = NULL}};
    fk_table *t = NULL;
    int64_t day;
    int rc;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (strcmp(by, "gate") != 0 && strcmp(by, "hour") != 0) {
        cli_error(c, "--by takes gate or hour, not '%s'", by);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ, "read gate counts") != EXIT_DONE ||
        cli_scope_region(c, region, &region) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    day = c->now;
    if (date && cli_time(c, "--date", date, &day) != EXIT_DONE)
        return EXIT_ERROR;
    day = fk_local_day_start(day);
    rc = fk_gate_counts_table(c->st, c->eng, region, day, day + 86400, strcmp(by, "hour") == 0,
                              NULL, 0, &t);
    if (rc != FK_OK) {
        cli_error(c, "%s", rc == FK_EDB ? fk_store_errmsg(c->st) : fk_strerror(rc));
        return EXIT_ERROR;
    }
    return cli_emit(c, t);
}
