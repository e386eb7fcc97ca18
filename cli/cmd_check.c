/* SPDX-License-Identifier: MIT */
/* fangkong check [--gate TYPE] [--now T]: 场所核验 (数字哨兵, issue 18) for every ID number read on
 * stdin, one a line: id_number,colour,reason (green|yellow|red; negative, no_test, positive (a
 * case, or a positive result), controlled or lockdown), never a name. A line that is no ID number
 * (empty, longer than an ID can be, or holding a comma or quote) is answered with colour "" and
 * reason "bad_id", so the answers stay line for line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fk/gate_check.h"

int cmd_check(struct cli *c, int argc, char **argv)
{
    const char *gate = "other";
    const struct cli_opt opts[] = {{.name = "gate", .value = &gate}, {.name = NULL}};
    enum fk_gate_type type;
    char line[256];
    int64_t window;
    size_t counts[3] = {0, 0, 0};

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (fk_gate_type_parse((fk_slice){gate, strlen(gate)}, &type) != FK_OK) {
        cli_error(c, "--gate takes scenic, station or other, not '%s'", gate);
        return EXIT_ERROR;
    }
    if (cli_open(c) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    window = fk_gate_window(&c->profile, type);
    printf("id_number,colour,reason\n");
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n");
        struct fk_gate_facts f;
        enum fk_gate_reason why;
        enum fk_gate_colour col;
        int rc;

        line[n] = '\0';
        if (n == 0 || n > 32 || strpbrk(line, ",\"")) {
            printf("%.32s,,bad_id\n", strpbrk(line, ",\"") ? "" : line);
            continue;
        }
        rc = fk_gate_facts_of(c->st, c->eng, line, c->now, &f);
        if (rc != FK_OK) {
            cli_error(c, "%s: %s", line,
                      rc == FK_ENOMEM ? "out of memory" : fk_store_errmsg(c->st));
            return EXIT_ERROR;
        }
        col = fk_gate_check(&f, window, c->now, &why);
        counts[col]++;
        printf("%s,%s,%s\n", line, fk_gate_colour_name(col), fk_gate_reason_name(why));
    }
    fprintf(stderr, "check (%s gate, %lld h): %zu green, %zu yellow, %zu red\n",
            fk_gate_type_name(type), (long long)(window / 3600), counts[0], counts[1], counts[2]);
    return fflush(stdout) == 0 ? EXIT_DONE : EXIT_ERROR;
}
