/* SPDX-License-Identifier: MIT */
/* fangkong control | regime | alerts | arrivals | backcheck: risk persons under control (管控):
 * orders from a trace, release, transfer, extension, 四个查清 counts and lists, the tests each
 * regime requires, door-sensor and positive-result alerts, arrivals and 倒查7天. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_open_ctl(struct cli *c, fk_ctl **out)
{
    char err[1024];

    if (cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_ctl_build(c->st, c->eng, &c->profile, out, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

int cli_day(struct cli *c, const char *d, int64_t *day)
{
    int64_t t = c->now;

    if (d && cli_time(c, "--date", d, &t) != EXIT_DONE)
        return EXIT_ERROR;
    *day = fk_local_day(t);
    return EXIT_DONE;
}

int cli_person(struct cli *c, const char *s, int64_t *pid)
{
    char id[64];

    struct fk_person_row p;

    fk_id_normalize(s, strlen(s), id, sizeof id);
    /* Outside the --as scope is told as unknown, so ID numbers cannot be probed. */
    if (fk_store_find_person(c->st, id, pid) != FK_OK ||
        (c->actor.scope &&
         (fk_store_get_person(c->st, *pid, &p) != FK_OK || !cli_in_scope(c, p.grid)))) {
        cli_error(c, "no person with ID number %s in the registry", id);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* --at T, or now (--now, FANGKONG_NOW or the clock). */
static int at_time(struct cli *c, const char *at, int64_t *t)
{
    *t = c->now;
    return at ? cli_time(c, "--at", at, t) : EXIT_DONE;
}

static int parse_place(struct cli *c, const char *s, int *place)
{
    enum fk_ctl_place p;

    if (fk_ctl_place_parse((fk_slice){s, strlen(s)}, &p) != FK_OK) {
        cli_error(c, "--place takes centralized, home, hospital or monitoring, not '%s'", s);
        return EXIT_ERROR;
    }
    *place = (int)p;
    return EXIT_DONE;
}

/* The --category, --place and --status filters. */
static int parse_filter(struct cli *c, const char *cat, const char *place, const char *status,
                        const char *end, struct fk_ctl_filter *f)
{
    enum fk_ctl_category k;

    if (cat) {
        if (fk_ctl_category_parse((fk_slice){cat, strlen(cat)}, &k) != FK_OK) {
            cli_error(c,
                      "--category takes case, close, secondary, companion, arrival, risk_area, "
                      "other or coldchain, not '%s'",
                      cat);
            return EXIT_ERROR;
        }
        f->category = (int)k;
    }
    if (place && parse_place(c, place, &f->place) != EXIT_DONE)
        return EXIT_ERROR;
    if (status && strcmp(status, "all") != 0 &&
        fk_ctl_status_parse((fk_slice){status, strlen(status)}, &f->status) != FK_OK) {
        cli_error(c, "--status takes open, released or all, not '%s'", status);
        return EXIT_ERROR;
    }
    if (end && fk_ctl_end_parse((fk_slice){end, strlen(end)}, &f->end) != FK_OK) {
        cli_error(c, "--end takes any, today (release due) or past (past its end), not '%s'",
                  end);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

static int control_from_trace(struct cli *c, int argc, char **argv)
{
    struct cli_trace_args a;
    const char *place_s = "home", *at_s = NULL;
    const struct cli_opt opts[] = {
        {.name = "case", .list = a.cases, .nlist = &a.ncases, .maxlist = CLI_MAX_CASES},
        {.name = "depth", .value = &a.depth},
        {.name = "since", .value = &a.since},
        {.name = "place", .value = &place_s},
        {.name = "at", .value = &at_s},
        {.name = NULL},
    };
    fk_tracer *tr = NULL;
    struct fk_contact *k = NULL;
    size_t n = 0, added = 0, already = 0;
    char err[512];
    int64_t at;
    int place, rc = EXIT_ERROR;

    memset(&a, 0, sizeof a);
    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if (parse_place(c, place_s, &place) != EXIT_DONE || at_time(c, at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_CONTROL, "put persons under control") != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_trace(c, &a, 2, &tr, &k, &n) != EXIT_DONE ||
        cli_contacts_in_scope(c, k, &n) != EXIT_DONE)
        goto out;
    if (fk_control_from_trace(c->st, cli_writer(c), k, n, place, at, &added, &already, err,
                              sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    fprintf(stderr, "%zu contacts: %zu put under %s control, %zu already under control\n", n, added,
            fk_ctl_place_name((enum fk_ctl_place)place), already);
    rc = EXIT_DONE;
out:
    free(k);
    fk_tracer_free(tr);
    return rc;
}

/* release | transfer | extend: one person's open order. */
static int control_change(struct cli *c, const char *what, int argc, char **argv)
{
    const char *at_s = NULL, *place_s = NULL, *site = NULL, *days_s = NULL;
    int force = 0;
    const struct cli_opt opts[] = {
        {.name = "at", .value = &at_s},    {.name = "place", .value = &place_s},
        {.name = "site", .value = &site},  {.name = "days", .value = &days_s},
        {.name = "force", .flag = &force}, {.name = NULL},
    };
    char err[512];
    int64_t pid, at, days = 0;
    int place = 0, rc;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos != 1)
        return cli_usage(c);
    if (at_time(c, at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(what, "transfer") == 0 &&
        (!place_s || parse_place(c, place_s, &place) != EXIT_DONE)) {
        if (!place_s)
            cli_error(c, "transfer needs --place centralized|home|hospital|monitoring");
        return EXIT_ERROR;
    }
    if (strcmp(what, "extend") == 0 && !days_s) {
        cli_error(c, "extend needs --days N, a whole number of days from 1 to 366");
        return EXIT_ERROR;
    }
    if (strcmp(what, "extend") == 0 && cli_int(c, "days", days_s, 1, 366, &days) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE ||
        cli_may(c, FK_PERM_CONTROL, "change control orders") != EXIT_DONE ||
        cli_person(c, c->pos[0], &pid) != EXIT_DONE)
        return EXIT_ERROR;
    if (strcmp(what, "release") == 0) {
        if (cli_open_engine(c) != EXIT_DONE)
            return EXIT_ERROR;
        rc = fk_control_release(c->st, cli_writer(c), c->eng, &c->profile, pid, at, force, err,
                                sizeof err);
    } else if (strcmp(what, "transfer") == 0) {
        rc = fk_control_transfer(c->st, cli_writer(c), pid, place, site, at, err, sizeof err);
    } else {
        rc = fk_control_extend(c->st, cli_writer(c), pid, (int)days, err, sizeof err);
    }
    if (rc != FK_OK) {
        cli_error(c, "%s: %s", c->pos[0], err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "%s: %s done\n", c->pos[0], what);
    return EXIT_DONE;
}

/* Opens the store and the control index (into *x) for a read that needs perm, *region narrowed
 * to the account's scope. EXIT_DONE, or EXIT_ERROR with the error said. */
static int open_read(struct cli *c, unsigned perm, const char **region, fk_ctl **x)
{
    if (cli_open(c) != EXIT_DONE || cli_may(c, perm, "list persons") != EXIT_DONE ||
        cli_scope_region(c, *region, region) != EXIT_DONE)
        return EXIT_ERROR;
    return cli_open_ctl(c, x);
}

/* Says err when rc failed; otherwise says "N what" on stderr (what NULL: nothing) and prints
 * the table t. EXIT_DONE or EXIT_ERROR. */
static int answer(struct cli *c, int rc, fk_table *t, const char *err, const char *what)
{
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (what)
        fprintf(stderr, "%zu %s\n", fk_table_nrows(t), what);
    return cli_emit(c, t);
}

static int control_answer(struct cli *c, int list, int argc, char **argv)
{
    const char *region = NULL, *cat = NULL, *place = NULL, *status = NULL, *by = "county",
               *date = NULL, *end = NULL, *pivot = NULL;
    const struct cli_opt opts[] = {
        {.name = "end", .value = &end},
        {.name = "pivot", .value = &pivot},
        {.name = "region", .value = &region},
        {.name = "category", .value = &cat},
        {.name = "place", .value = &place},
        {.name = "status", .value = &status},
        {.name = "by", .value = &by},
        {.name = "date", .value = &date},
        {.name = NULL},
    };
    struct fk_ctl_filter f = FK_CTL_FILTER_ALL;
    enum fk_level level = FK_LEVEL_COUNTY;
    fk_ctl *x = NULL;
    fk_table *t = NULL;
    char err[512];
    int64_t today;
    int rc;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    /* Lists show the persons under control now unless --status says otherwise. */
    if (!status && list)
        status = "open";
    if (parse_filter(c, cat, place, status, end, &f) != EXIT_DONE ||
        cli_level(c, by, &level) != EXIT_DONE || cli_day(c, date, &today) != EXIT_DONE)
        return EXIT_ERROR;
    if (pivot && (list || strcmp(pivot, "category") != 0)) {
        cli_error(c, "--pivot category is for control summary (regions down, categories across)");
        return EXIT_ERROR;
    }
    if (open_read(c, list ? FK_PERM_READ_PERSONS : FK_PERM_READ, &region, &x) != EXIT_DONE)
        return EXIT_ERROR;
    f.region = region;
    rc = list    ? fk_ctl_list(x, &f, today, &t, err, sizeof err)
         : pivot ? fk_ctl_grid(x, &f, level, today, &t, err, sizeof err)
                 : fk_ctl_summary(x, &f, level, today, &t, err, sizeof err);
    fk_ctl_free(x);
    return answer(c, rc, t, err, list ? "control orders" : NULL);
}

int cmd_control(struct cli *c, int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";

    if (strcmp(sub, "from-trace") == 0)
        return control_from_trace(c, argc - 1, argv + 1);
    if (strcmp(sub, "release") == 0 || strcmp(sub, "transfer") == 0 || strcmp(sub, "extend") == 0)
        return control_change(c, sub, argc - 1, argv + 1);
    if (strcmp(sub, "summary") == 0)
        return control_answer(c, 0, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0)
        return control_answer(c, 1, argc - 1, argv + 1);
    return cli_usage(c);
}

static int parse_states(struct cli *c, const char *s, unsigned *states)
{
    enum fk_test_state k;

    *states = 0;
    if (!s)
        return EXIT_DONE;
    for (k = FK_TEST_DONE; k <= FK_TEST_OVERDUE; k++)
        if (strcmp(s, fk_test_state_name(k)) == 0)
            *states = 1u << k;
    if (!*states) {
        cli_error(c, "--state takes done, due or overdue, not '%s'", s);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* arrivals check: the arrivals from a current risk area, and with --control puts them under
 * risk_area control (the profile's risk_area_regime), as backcheck --control does; *x is rebuilt
 * after. EXIT_DONE or EXIT_ERROR after printing why. */
static int risk_arrivals(struct cli *c, fk_ctl **x, const char *region, int64_t today,
                         int control, const char *place_s, const char *at_s)
{
    struct fk_control_count k;
    char err[512];
    int64_t *ids = NULL, at;
    int place;
    size_t n = 0;

    if (parse_place(c, place_s, &place) != EXIT_DONE || at_time(c, at_s, &at) != EXIT_DONE)
        return EXIT_ERROR;
    if (!control) {
        if (fk_ctl_risk_arrivals(*x, region, today, &ids, &n, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        free(ids);
        if (n)
            fprintf(stderr, "%zu arrivals from a current risk area not under control (--control "
                    "puts them under risk_area control)\n", n);
        return EXIT_DONE;
    }
    if (fk_control_from_arrivals(c->st, cli_writer(c), *x, region, today, place, at, &k, err,
                                 sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "%zu arrivals from a current risk area: %zu put under %s control, %zu already "
            "under control\n", k.persons, k.added, fk_ctl_place_name((enum fk_ctl_place)place),
            k.already);
    /* A control batch: the engine stands, the index is built again over it. */
    fk_ctl_free(*x);
    *x = NULL;
    if (fk_ctl_build(c->st, c->eng, &c->profile, x, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    return EXIT_DONE;
}

/* regime due and arrivals check: the tests due of some sources, listed or counted --by. */
static int due(struct cli *c, unsigned sources, int argc, char **argv)
{
    const char *region = NULL, *date = NULL, *state = NULL, *by = NULL, *place = "home",
               *at = NULL;
    int control = 0;
    const struct cli_opt opts[] = {
        {.name = "region", .value = &region},
        {.name = "date", .value = &date},
        {.name = "state", .value = &state},
        {.name = "by", .value = &by},
        {.name = "control", .flag = &control},
        {.name = "place", .value = &place},
        {.name = "at", .value = &at},
        {.name = NULL},
    };
    enum fk_level level = FK_LEVEL_GRID;
    unsigned states;
    fk_ctl *x = NULL;
    fk_table *t = NULL;
    char err[512];
    int64_t today;
    int rc;

    if (cli_parse(c, argc, argv, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if ((control || at || strcmp(place, "home") != 0) && sources != FK_DUE_ARRIVALS) {
        cli_error(c, "--control, --place and --at are for arrivals check");
        return EXIT_ERROR;
    }
    if (cli_day(c, date, &today) != EXIT_DONE || parse_states(c, state, &states) != EXIT_DONE ||
        (by && cli_level(c, by, &level) != EXIT_DONE))
        return EXIT_ERROR;
    if (open_read(c, by ? FK_PERM_READ : FK_PERM_READ_PERSONS, &region, &x) != EXIT_DONE)
        return EXIT_ERROR;
    if (sources == FK_DUE_ARRIVALS &&
        risk_arrivals(c, &x, region, today, control, place, at) != EXIT_DONE) {
        fk_ctl_free(x);
        return EXIT_ERROR;
    }
    rc = by ? fk_ctl_due_by(x, region, level, sources, states, today, &t, err, sizeof err)
            : fk_ctl_due(x, region, sources, states, today, &t, err, sizeof err);
    fk_ctl_free(x);
    return answer(c, rc, t, err, by ? NULL : "tests");
}

int cmd_regime(struct cli *c, int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "due") == 0)
        return due(c, FK_DUE_ALL, argc - 1, argv + 1);
    return cli_usage(c);
}

int cmd_arrivals(struct cli *c, int argc, char **argv)
{
    const char *region = NULL, *since = NULL, *until = NULL;
    const struct cli_opt opts[] = {{.name = "region", .value = &region},
                                   {.name = "since", .value = &since},
                                   {.name = "until", .value = &until},
                                   {.name = NULL}};
    fk_ctl *x = NULL;
    fk_table *t = NULL;
    char err[512];
    int64_t from = 0, to = 0;
    int rc;

    if (argc > 0 && strcmp(argv[0], "check") == 0)
        return due(c, FK_DUE_ARRIVALS, argc - 1, argv + 1);
    if (argc == 0 || strcmp(argv[0], "list") != 0)
        return cli_usage(c);
    if (cli_parse(c, argc - 1, argv + 1, opts, 0) != FK_OK)
        return EXIT_ERROR;
    if ((since && cli_time(c, "--since", since, &from) != EXIT_DONE) ||
        (until && cli_time(c, "--until", until, &to) != EXIT_DONE))
        return EXIT_ERROR;
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        cli_scope_region(c, region, &region) != EXIT_DONE)
        return EXIT_ERROR;
    if (cli_open_ctl(c, &x) != EXIT_DONE)
        return EXIT_ERROR;
    if (c->now_asked && (!to || to > c->now))
        to = c->now; /* as of --now: later arrivals have not arrived */
    rc = fk_ctl_arrivals(x, region, NULL, from, to, &t, err, sizeof err);
    fk_ctl_free(x);
    if (rc != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    fprintf(stderr, "%zu arrivals\n", fk_table_nrows(t));
    return cli_emit(c, t);
}

int cmd_backcheck(struct cli *c, int argc, char **argv)
{
    const char *region = NULL, *place_s = "home", *at_s = NULL;
    int control = 0;
    const struct cli_opt opts[] = {
        {.name = "region", .value = &region},
        {.name = "control", .flag = &control},
        {.name = "place", .value = &place_s},
        {.name = "at", .value = &at_s},
        {.name = NULL},
    };
    char err[512], d1[16], d2[16];
    struct fk_control_count k;
    fk_ctl *x = NULL;
    fk_table *t = NULL;
    int64_t from, to, at;
    int place, rc = EXIT_ERROR;

    if (cli_parse(c, argc, argv, opts, 1) != FK_OK)
        return EXIT_ERROR;
    if (c->npos == 0 && !control) {
        /* No area: the risk areas and their windows. */
        if (cli_open(c) != EXIT_DONE)
            return EXIT_ERROR;
        if (fk_risk_area_list(c->st, &c->profile, &t, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        return cli_emit(c, t);
    }
    if (c->npos != 1)
        return cli_usage(c);
    if (parse_place(c, place_s, &place) != EXIT_DONE || at_time(c, at_s, &at) != EXIT_DONE ||
        cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        cli_scope_region(c, region, &region) != EXIT_DONE ||
        (control && cli_may(c, FK_PERM_CONTROL, "put persons under control") != EXIT_DONE))
        return EXIT_ERROR;
    if (fk_risk_backcheck_window(c->st, &c->profile, c->pos[0], &from, &to, err, sizeof err) !=
        FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (cli_open_ctl(c, &x) != EXIT_DONE)
        return EXIT_ERROR;
    if (control) {
        if (fk_control_backcheck(c->st, cli_writer(c), x, &c->profile, c->pos[0], region, place,
                                 at, &k, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
        /* A control batch: the engine stands (opening it again leaked the first). */
        fk_ctl_free(x);
        x = NULL;
        if (fk_ctl_build(c->st, c->eng, &c->profile, &x, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            goto out;
        }
    }
    if (c->now_asked && to > c->now)
        to = c->now; /* as of --now: later arrivals have not arrived */
    if (fk_ctl_arrivals(x, region, c->pos[0], from, to, &t, err, sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        goto out;
    }
    fprintf(stderr, "%zu arrivals from %s between %s and %s (倒查%d天)", fk_table_nrows(t),
            c->pos[0], fk_date_render(from, d1), fk_date_render(to, d2), c->profile.backcheck_days);
    if (control)
        fprintf(stderr, "; %zu put under %s control, %zu already under control", k.added,
                fk_ctl_place_name((enum fk_ctl_place)place), k.already);
    fprintf(stderr, "\n");
    rc = cli_emit(c, t);
out:
    fk_ctl_free(x);
    return rc;
}

int cmd_alerts(struct cli *c, int argc, char **argv)
{
    const char *note = NULL, *region = NULL;
    int open = 0;
    const struct cli_opt opts[] = {
        {.name = "open", .flag = &open},
        {.name = "note", .value = &note},
        {.name = "region", .value = &region},
        {.name = NULL},
    };
    const char *sub = argc > 0 && argv[0][0] != '-' ? argv[0] : "list";
    int skip = argc > 0 && argv[0][0] != '-';
    char err[512];
    fk_table *t = NULL;
    size_t raised = 0;
    int64_t now;

    if (cli_parse(c, argc - skip, argv + skip, opts, 1) != FK_OK)
        return EXIT_ERROR;
    now = c->now;
    if (strcmp(sub, "ack") == 0 || strcmp(sub, "close") == 0) {
        int64_t id;

        if (c->npos != 1)
            return cli_usage(c);
        if (fk_parse_int((fk_slice){c->pos[0], strlen(c->pos[0])}, 1, INT64_MAX, &id) != FK_OK) {
            cli_error(c, "'%s' is not an alert number (fangkong alerts lists them)", c->pos[0]);
            return EXIT_ERROR;
        }
        if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_CONTROL, "handle alerts") != EXIT_DONE ||
            cli_open_engine(c) != EXIT_DONE)
            return EXIT_ERROR;
        if (fk_alert_set(c->st, cli_writer(c), c->eng, id,
                         strcmp(sub, "ack") == 0 ? FK_ALERT_ACKNOWLEDGED : FK_ALERT_CLOSED, note,
                         now, err, sizeof err) != FK_OK) {
            cli_error(c, "%s", err);
            return EXIT_ERROR;
        }
        fprintf(stderr, "alert %s %s\n", c->pos[0],
                strcmp(sub, "ack") == 0 ? "acknowledged" : "closed");
        return EXIT_DONE;
    }
    if (strcmp(sub, "list") != 0 || c->npos)
        return cli_usage(c);
    if (cli_open(c) != EXIT_DONE || cli_may(c, FK_PERM_READ_PERSONS, "list persons") != EXIT_DONE ||
        cli_scope_region(c, region, &region) != EXIT_DONE || cli_open_engine(c) != EXIT_DONE)
        return EXIT_ERROR;
    if (fk_alert_sweep(c->st, &c->profile, now, &raised, err, sizeof err) != FK_OK ||
        fk_alert_list_at(c->st, c->eng, region, open ? FK_ALERT_OPEN : -1, now, &t, err,
                         sizeof err) != FK_OK) {
        cli_error(c, "%s", err);
        return EXIT_ERROR;
    }
    if (raised)
        fprintf(stderr, "%zu alerts raised (sensors offline too long, missed check-ins)\n", raised);
    fprintf(stderr, "%zu alerts\n", fk_table_nrows(t));
    return cli_emit(c, t);
}
