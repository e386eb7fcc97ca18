/* SPDX-License-Identifier: MIT */
/* Unit tests of control (lib/engine/control.c with the control rows of lib/ingest/ingest.c and
 * the store): a small city built from CSV text through fk_import_file, then 四个查清 counts
 * against the lists behind them, rejected rows and their reasons, door-sensor and positive-result
 * alerts (raised once, at import or by the sweep), the regimes' tests, release, transfer,
 * extension, the 倒查 back-check and alert handling. Times are 2022-09 in +08:00. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fk/action.h"
#include "fk/control.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/time.h"

#include "testutil.h"

/* The actors of the actions: local administrators "u" and "v", and admins of two counties. */
static const struct fk_actor U = {"u", FK_ROLE_ADMIN, NULL};
static const struct fk_actor V = {"v", FK_ROLE_ADMIN, NULL};
static const struct fk_actor U_140703 = {"u", FK_ROLE_ADMIN, "140703"};
static const struct fk_actor U_140702 = {"u", FK_ROLE_ADMIN, "140702"};

#define D0 INT64_C(1661961600) /* 2022-09-01T00:00:00+08:00 */
#define DAY 86400

#define G1 TEST_G1
#define G2 TEST_G2
#define H1 TEST_H1

static const char regions_csv[] = TWO_COUNTIES_CSV;

#define NP 8

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    fk_ctl *ctl;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NP][19];
    int64_t pid[NP];
    fk_table *t;
};

/* Imports text as type t; returns fk_import_file's code, summary in f->sum. */
static int import(struct fixture *f, enum fk_import_type t, const char *text)
{
    return import_text(f->st, &f->prof, f->dir, t, text, &f->sum, f->err, sizeof f->err);
}

/* The reasons in the last import's rejects file, as one string. */
static char *rejects(struct fixture *f)
{
    static char buf[8192];
    FILE *fp = fopen(f->sum.rejects_path, "rb");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;

    if (fp)
        fclose(fp);
    buf[n] = '\0';
    return buf;
}

/* Rebuilds the engine (when the store moved) and the control index. */
static void refresh(struct fixture *f)
{
    fk_ctl_free(f->ctl);
    f->ctl = NULL;
    assert_int_equal(fk_engine_sync(f->eng, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_build(f->st, f->eng, &f->prof, &f->ctl, f->err, sizeof f->err), FK_OK);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char buf[4096], body[18];
    const char *grid[NP] = {G1, G1, G1, G2, G2, H1, H1, G1};
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "control", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import(f, FK_IMPORT_REGIONS, regions_csv) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,phone,grid,tags\n");
    for (i = 0; i < NP; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,人%d,1390000000%d,%s,%s\n", f->id[i], i,
                              i, grid[i], i == 7 ? "coldchain" : "");
    }
    if (import(f, FK_IMPORT_PERSONS, buf) != FK_OK || f->sum.accepted != NP ||
        find_persons(f->st, f->id, f->pid, NP) != 0)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[400];

    fk_table_free(f->t);
    fk_ctl_free(f->ctl);
    fk_engine_free(f->eng);
    fk_store_close(f->st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Writes a controls file: "i,category,place,start,end,regime,device" lines with person index. */
static int import_controls(struct fixture *f, const char *const *lines, size_t n)
{
    char buf[4096];
    size_t k = (size_t)snprintf(buf, sizeof buf,
                                "id_number,category,place,start,end,regime,"
                                "device\n"),
           i;

    for (i = 0; i < n; i++) {
        int who = lines[i][0] - '0';

        k += (size_t)snprintf(buf + k, sizeof buf - k, "%s%s\n",
                              who >= 0 && who < NP ? f->id[who] : "bad", lines[i] + 1);
    }
    return import(f, FK_IMPORT_CONTROLS, buf);
}

/* Frees the last table, so the next call can make one. */
static void drop_table(struct fixture *f)
{
    fk_table_free(f->t);
    f->t = NULL;
}

static const char *cell(const fk_table *t, size_t row, const char *col)
{
    size_t c;

    for (c = 0; c < fk_table_ncols(t); c++)
        if (strcmp(fk_table_col(t, c)->name, col) == 0)
            return fk_table_get(t, row, c);
    fail_msg("no column %s", col);
    return NULL;
}

static const char *const orders[] = {
    "0,close,home,2022-09-01T10:00:00,,,D0",
    "1,close,centralized,2022-09-01T10:00:00,,,",
    "2,secondary,home,2022-09-01T12:00:00,2022-09-05,,",
    "3,companion,home,2022-09-02,,land3,",
    "4,close,home,2022-09-02,,,",
    "5,close,home,2022-09-02,,,",
    "6,arrival,monitoring,2022-09-02,,,",
};

/* A list and a summary as of a day: orders that start later are not there yet (no negative day),
 * and one released later is still open on that day. */
static void test_control__as_of_a_day(void **state)
{
    struct fixture *f = *state;
    struct fk_ctl_filter open = FK_CTL_FILTER_ALL, all = FK_CTL_FILTER_ALL;
    size_t row;

    assert_int_equal(import_controls(f, orders, 7), FK_OK);
    refresh(f);
    open.status = FK_CTL_STATUS_OPEN;
    /* 09-01: orders 0, 1 and 2 have started, on day 0. */
    assert_int_equal(fk_ctl_list(f->ctl, &open, fk_local_day(D0), &f->t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3);
    for (row = 0; row < 3; row++)
        assert_string_equal(cell(f->t, row, "day"), "0");
    drop_table(f);
    assert_int_equal(fk_ctl_summary(f->ctl, &all, FK_LEVEL_CITY, fk_local_day(D0), &f->t, f->err,
                                    sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3); /* close/home, close/centralized, secondary/home */
    drop_table(f);
    /* 09-04: all seven, order 2 (released on 09-05) still open. */
    assert_int_equal(
        fk_ctl_list(f->ctl, &open, fk_local_day(D0 + 3 * DAY), &f->t, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 7);
    drop_table(f);
    /* 09-05: order 2 released. */
    assert_int_equal(
        fk_ctl_list(f->ctl, &open, fk_local_day(D0 + 4 * DAY), &f->t, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 6);
}

/* Every 四个查清 count is the length of the list behind it, at every level. */
static void test_control__summary_counts_are_lists(void **state)
{
    struct fixture *f = *state;
    enum fk_level levels[] = {FK_LEVEL_CITY, FK_LEVEL_COUNTY, FK_LEVEL_COMMUNITY, FK_LEVEL_GRID};
    size_t li, row, total;

    assert_int_equal(import_controls(f, orders, 7), FK_OK);
    assert_int_equal(f->sum.accepted, 7);
    refresh(f);
    for (li = 0; li < 4; li++) {
        struct fk_ctl_filter all = FK_CTL_FILTER_ALL;

        assert_int_equal(fk_ctl_summary(f->ctl, &all, levels[li], fk_local_day(D0 + 3 * DAY), &f->t,
                                        f->err, sizeof f->err),
                         FK_OK);
        total = 0;
        for (row = 0; row < fk_table_nrows(f->t); row++) {
            struct fk_ctl_filter g = FK_CTL_FILTER_ALL;
            fk_table *l = NULL;
            enum fk_ctl_category k;
            enum fk_ctl_place p;
            const char *cat = cell(f->t, row, "category"), *pl = cell(f->t, row, "place"),
                       *stat = cell(f->t, row, "status");

            assert_int_equal(fk_ctl_category_parse((fk_slice){cat, strlen(cat)}, &k), FK_OK);
            assert_int_equal(fk_ctl_place_parse((fk_slice){pl, strlen(pl)}, &p), FK_OK);
            assert_int_equal(fk_ctl_status_parse((fk_slice){stat, strlen(stat)}, &g.status), FK_OK);
            g.region = cell(f->t, row, "region");
            g.category = (int)k;
            g.place = (int)p;
            assert_int_equal(
                fk_ctl_list(f->ctl, &g, fk_local_day(D0 + 3 * DAY), &l, f->err, sizeof f->err),
                FK_OK);
            assert_int_equal((size_t)strtol(cell(f->t, row, "persons"), NULL, 10),
                             fk_table_nrows(l));
            total += fk_table_nrows(l);
            fk_table_free(l);
        }
        assert_int_equal(total, 7);
        fk_table_free(f->t);
        f->t = NULL;
    }
    /* By county: 榆次区 has 5 orders (one released on 09-05), 太谷区 2. */
    {
        struct fk_ctl_filter open = FK_CTL_FILTER_ALL;

        open.status = FK_CTL_STATUS_OPEN;
        open.region = "140702";
        assert_int_equal(
            fk_ctl_list(f->ctl, &open, fk_local_day(D0 + 5 * DAY), &f->t, f->err, sizeof f->err),
            FK_OK);
        assert_int_equal(fk_table_nrows(f->t), 4);
        assert_string_equal(cell(f->t, 0, "regime"), "isolation7");
        assert_string_equal(cell(f->t, 0, "device"), "D0");
        fk_table_free(f->t);
        f->t = NULL;
        open.region = "nowhere";
        assert_int_equal(fk_ctl_list(f->ctl, &open, 0, &f->t, f->err, sizeof f->err), FK_ENOENT);
    }
}

/* The length of the list with filter g (region, category …) on day today. */
static size_t list_len(struct fixture *f, const struct fk_ctl_filter *g, int64_t today)
{
    fk_table *l = NULL;
    size_t n;

    assert_int_equal(fk_ctl_list(f->ctl, g, today, &l, f->err, sizeof f->err), FK_OK);
    n = fk_table_nrows(l);
    fk_table_free(l);
    return n;
}

/* Every cell of the grid is the length of its list (the total row: the region's list, the total
 * column: any category), with and without the planned-end filters, at every level. */
static void grid_cells_are_lists(struct fixture *f, const char *region, int end, int64_t today)
{
    enum fk_level levels[] = {FK_LEVEL_CITY, FK_LEVEL_COUNTY, FK_LEVEL_COMMUNITY, FK_LEVEL_GRID};
    size_t li, row, a;

    for (li = 0; li < 4; li++) {
        struct fk_ctl_filter g = FK_CTL_FILTER_ALL;

        g.region = region;
        g.end = end;
        g.category = FK_CTL_CLOSE; /* ignored: every category is a column */
        assert_int_equal(fk_ctl_grid(f->ctl, &g, levels[li], today, &f->t, f->err, sizeof f->err),
                         FK_OK);
        assert_int_equal(fk_table_ncols(f->t), FK_CTL_NCATEGORIES + 3);
        assert_true(fk_table_nrows(f->t) >= 1);
        row = fk_table_nrows(f->t) - 1;
        assert_string_equal(cell(f->t, row, "region"), "");
        assert_string_equal(cell(f->t, row, "name"), "total");
        for (row = 0; row < fk_table_nrows(f->t); row++) {
            const char *code = cell(f->t, row, "region");

            g.region = *code ? code : region;
            for (a = 0; a <= FK_CTL_NCATEGORIES; a++) {
                const char *col = a < FK_CTL_NCATEGORIES
                                      ? fk_ctl_category_name((enum fk_ctl_category)a)
                                      : "total";

                g.category = a < FK_CTL_NCATEGORIES ? (int)a : -1;
                assert_int_equal((size_t)strtol(cell(f->t, row, col), NULL, 10),
                                 list_len(f, &g, today));
            }
        }
        drop_table(f);
    }
}

/* 四个查清 as a grid, and the orders due for release today and past their planned end (the first
 * start day plus the regime's duration and the days added) that are still open. */
static void test_control__grid_and_planned_end(void **state)
{
    struct fixture *f = *state;
    struct fk_ctl_filter g = FK_CTL_FILTER_ALL;
    int64_t d05 = fk_local_day(D0 + 4 * DAY), d08 = fk_local_day(D0 + 7 * DAY),
            d09 = fk_local_day(D0 + 8 * DAY);
    int e;

    assert_int_equal(import_controls(f, orders, 7), FK_OK);
    refresh(f);
    assert_string_equal(fk_ctl_end_name(FK_CTL_END_PAST), "past");
    assert_int_equal(fk_ctl_end_parse((fk_slice){"today", 5}, &e), FK_OK);
    assert_int_equal(e, FK_CTL_END_TODAY);
    assert_int_equal(fk_ctl_end_parse((fk_slice){"soon", 4}, &e), FK_EINVAL);
    /* isolation7 (close, secondary) from 09-01 ends 09-08, from 09-02 on 09-09; land3
     * (companion, arrival) from 09-02 ends on 09-05; order 2 was released on 09-05. */
    g.end = FK_CTL_END_TODAY;
    assert_int_equal(list_len(f, &g, d05), 2);
    assert_int_equal(list_len(f, &g, d08), 2);
    assert_int_equal(list_len(f, &g, d09), 2);
    g.end = FK_CTL_END_PAST;
    assert_int_equal(list_len(f, &g, d05), 0);
    assert_int_equal(list_len(f, &g, d08), 2);
    assert_int_equal(list_len(f, &g, d09), 4);
    g.region = "140703"; /* person 5 (close, 09-02) and 6 (arrival, land3) */
    assert_int_equal(list_len(f, &g, fk_local_day(D0 + 9 * DAY)), 2);
    g.region = NULL;
    assert_int_equal(fk_ctl_list(f->ctl, &g, d09, &f->t, f->err, sizeof f->err), FK_OK);
    assert_string_equal(cell(f->t, 0, "planned_end"), "2022-09-08");
    drop_table(f);
    /* Two days added: person 0 ends on 09-10, so on 09-09 it is not past its end. */
    assert_int_equal(fk_control_extend(f->st, &U, f->pid[0], 2, f->err, sizeof f->err), FK_OK);
    refresh(f);
    assert_int_equal(list_len(f, &g, d09), 3);
    g.end = FK_CTL_END_TODAY;
    assert_int_equal(list_len(f, &g, fk_local_day(D0 + 9 * DAY)), 1);
    for (e = FK_CTL_END_ANY; e <= FK_CTL_END_PAST; e++) {
        grid_cells_are_lists(f, NULL, e, d08);
        grid_cells_are_lists(f, "140702", e, d09);
    }
    g.region = "nowhere";
    assert_int_equal(fk_ctl_grid(f->ctl, &g, FK_LEVEL_GRID, d09, &f->t, f->err, sizeof f->err),
                     FK_ENOENT);
}

static void test_control__bad_rows(void **state)
{
    struct fixture *f = *state;
    static const char *const bad[] = {
        "0,close,home,2022-09-01,,,DEV",        /* fine: registers DEV to person 0 */
        "1,close,home,2022-09-01,,,DEV",        /* DEV belongs to person 0 */
        "2,closer,home,2022-09-01,,,",          /* category */
        "3,close,garden,2022-09-01,,,",         /* place */
        "4,close,home,2022-09-05,2022-09-01,,", /* end before start */
        "5,close,home,2022-09-01,,weekly,",     /* regime */
        "9,close,home,2022-09-01,,,",           /* unknown person */
        "6,close,home,yesterday,,,",            /* start */
    };
    const char *r;
    int64_t g0, g1, c0, c1;

    assert_int_equal(fk_store_generation(f->st, &g0), FK_OK);
    assert_int_equal(fk_store_control_generation(f->st, &c0), FK_OK);
    assert_int_equal(import_controls(f, bad, 8), FK_OK);
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(f->sum.rejected, 7);
    r = rejects(f);
    assert_non_null(strstr(r, "door sensor DEV is registered to another person"));
    assert_non_null(strstr(r, "category 'closer'"));
    assert_non_null(strstr(r, "place 'garden'"));
    assert_non_null(strstr(r, "end is before start"));
    assert_non_null(strstr(r, "unknown regime weekly"));
    assert_non_null(strstr(r, "unknown person BAD"));
    assert_non_null(strstr(r, "start 'yesterday'"));
    /* A control import moves the control generation, not the engine's. */
    assert_int_equal(fk_store_generation(f->st, &g1), FK_OK);
    assert_int_equal(fk_store_control_generation(f->st, &c1), FK_OK);
    assert_int_equal(g1, g0);
    assert_int_equal(c1, c0 + 1);
    refresh(f);
    assert_int_equal(fk_ctl_stale(f->ctl), 0);
    assert_int_equal(import_controls(f, bad + 4, 1), FK_OK);
    assert_int_equal(fk_ctl_stale(f->ctl), 1);
}

static void test_control__door_alerts(void **state)
{
    struct fixture *f = *state;
    static const char *const devs[] = {
        "0,close,home,2022-09-01T10:00:00,,,D0",
        "1,close,centralized,2022-09-01T10:00:00,,,D1",
        "2,close,home,2022-09-01T10:00:00,2022-09-02T00:00:00,,D2",
    };
    char buf[2048];
    size_t alerts;

    assert_int_equal(import_controls(f, devs, 3), FK_OK);
    snprintf(buf, sizeof buf,
             "device,id_number,time,event\n"
             "D0,%s,2022-09-01T09:00:00,open\n" /* before the control: nothing */
             "D0,%s,2022-09-01T22:00:00,open\n" /* home, no allowed window: alert */
             "D1,%s,2022-09-01T22:00:00,open\n" /* centralized: nothing */
             "D2,%s,2022-09-02T22:00:00,open\n" /* released: nothing */
             "D0,%s,2022-09-01T23:00:00,offline\n"
             "D0,%s,2022-09-01T23:30:00,close\n" /* 30 minutes: not too long */
             "D0,%s,2022-09-02T01:00:00,offline\n"
             "D0,%s,2022-09-02T01:31:00,close\n"  /* 31 minutes: alert */
             "D1,%s,2022-09-02T02:00:00,tamper\n" /* under (centralized) control: alert */
             "D9,%s,2022-09-02T02:00:00,open\n"   /* unregistered */
             "D0,%s,2022-09-02T02:00:00,wave\n"   /* bad event */
             "D0,%s,2022-09-02T03:00:00,offline\n",
             f->id[0], f->id[0], f->id[1], f->id[2], f->id[0], f->id[0], f->id[0], f->id[0],
             f->id[1], f->id[0], f->id[0], f->id[0]);
    refresh(f);
    assert_int_equal(import(f, FK_IMPORT_DOOR_EVENTS, buf), FK_OK);
    /* Door events and their alerts are in no index: neither generation moves. */
    assert_int_equal(fk_ctl_stale(f->ctl), 0);
    assert_int_equal(f->sum.rejected, 2);
    assert_non_null(strstr(rejects(f), "unregistered door sensor D9"));
    assert_non_null(strstr(rejects(f), "event 'wave'"));
    assert_int_equal(f->sum.alerts, 3);
    /* The same file again raises nothing new. */
    assert_int_equal(import(f, FK_IMPORT_DOOR_EVENTS, buf), FK_OK);
    assert_int_equal(f->sum.alerts, 0);
    /* D0 went offline at 03:00 and is silent: at 03:30 fine, at 03:31 an alert, once. */
    assert_int_equal(
        fk_alert_sweep(f->st, &f->prof, D0 + DAY + 3 * 3600 + 1800, &alerts, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(alerts, 0);
    assert_int_equal(
        fk_alert_sweep(f->st, &f->prof, D0 + DAY + 3 * 3600 + 1860, &alerts, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(alerts, 1);
    assert_int_equal(fk_alert_sweep(f->st, &f->prof, D0 + 2 * DAY, &alerts, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(alerts, 0);
    assert_int_equal(
        fk_alert_list(f->st, f->eng, NULL, FK_ALERT_OPEN, &f->t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 4);
    /* Newest first. */
    assert_string_equal(cell(f->t, 0, "kind"), "door_offline");
    assert_string_equal(cell(f->t, 0, "time"), "2022-09-02T03:00:00+08:00");
    assert_string_equal(cell(f->t, 1, "kind"), "door_tamper");
    assert_string_equal(cell(f->t, 2, "kind"), "door_offline");
    assert_string_equal(cell(f->t, 2, "time"), "2022-09-02T01:00:00+08:00");
    assert_string_equal(cell(f->t, 3, "kind"), "door_open");
    assert_string_equal(cell(f->t, 3, "id_number"), f->id[0]);
    assert_string_equal(cell(f->t, 3, "grid"), G1);
    drop_table(f);
    /* Scope: 太谷区 sees none of them. */
    assert_int_equal(fk_alert_list(f->st, f->eng, "140703", -1, &f->t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 0);
}

static void test_control__alert_handling(void **state)
{
    struct fixture *f = *state;
    static const char *const devs[] = {"0,close,home,2022-09-01T10:00:00,,,D0"};
    char buf[512];
    fk_table *t = NULL;

    assert_int_equal(import_controls(f, devs, 1), FK_OK);
    snprintf(buf, sizeof buf, "device,id_number,time,event\nD0,%s,2022-09-01T22:00:00,open\n",
             f->id[0]);
    assert_int_equal(import(f, FK_IMPORT_DOOR_EVENTS, buf), FK_OK);
    assert_int_equal(f->sum.alerts, 1);
    assert_int_equal(fk_alert_set(f->st, &U, f->eng, 1, FK_ALERT_ACKNOWLEDGED, "", D0,
                                  f->err, sizeof f->err),
                     FK_EINVAL);
    /* Outside the region: told as an unknown alert, so alert numbers cannot be probed. */
    assert_int_equal(fk_alert_set(f->st, &U_140703, f->eng, 1, FK_ALERT_ACKNOWLEDGED, "seen",
                                  D0, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_string_equal(f->err, "no alert 1");
    assert_int_equal(fk_alert_set(f->st, &U_140702, f->eng, 1, FK_ALERT_ACKNOWLEDGED,
                                  "called, at home", D0 + DAY, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_alert_set(f->st, &V, f->eng, 1, FK_ALERT_CLOSED, "door fixed",
                                  D0 + DAY, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_alert_set(f->st, &V, f->eng, 1, FK_ALERT_CLOSED, "again", D0 + DAY,
                                  f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(
        fk_alert_set(f->st, &V, f->eng, 7, FK_ALERT_CLOSED, "x", D0, f->err, sizeof f->err),
        FK_ENOENT);
    assert_int_equal(fk_alert_list(f->st, f->eng, NULL, -1, &f->t, f->err, sizeof f->err), FK_OK);
    assert_string_equal(cell(f->t, 0, "status"), "closed");
    assert_string_equal(cell(f->t, 0, "who"), "v");
    assert_string_equal(cell(f->t, 0, "note"), "door fixed");
    assert_int_equal(fk_alert_list(f->st, f->eng, NULL, FK_ALERT_OPEN, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    /* As of before its handling (D0 + DAY) it was open, without who or note; as of before the
     * door opened (22:00) there was none; closed ones as of then: none. */
    t = NULL;
    assert_int_equal(fk_alert_list_at(f->st, f->eng, NULL, FK_ALERT_OPEN, D0 + DAY - 1, &t,
                                      f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(cell(t, 0, "status"), "open");
    assert_string_equal(cell(t, 0, "who"), "");
    assert_string_equal(cell(t, 0, "note"), "");
    fk_table_free(t);
    t = NULL;
    assert_int_equal(fk_alert_list_at(f->st, f->eng, NULL, FK_ALERT_CLOSED, D0 + DAY - 1, &t,
                                      f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    t = NULL;
    assert_int_equal(fk_alert_list_at(f->st, f->eng, NULL, -1, D0 + 21 * 3600, &t, f->err,
                                      sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
}

/* Samples and results: tube T1 pools persons 0 and 1 (positive on 09-04); T2 person 0 alone. */
static void samples_and_results(struct fixture *f, const char *r1)
{
    char buf[1024];

    snprintf(buf, sizeof buf,
             "tube,id_number,time\nT1,%s,2022-09-02T08:00:00\nT1,%s,2022-09-02T08:00:00\n"
             "T2,%s,2022-09-05T08:00:00\nT3,%s,2022-09-08T08:00:00\n",
             f->id[0], f->id[3], f->id[0], f->id[0]);
    assert_int_equal(import(f, FK_IMPORT_SAMPLES, buf), FK_OK);
    snprintf(buf, sizeof buf,
             "tube,result,time\nT1,%s,2022-09-02T20:00:00\nT2,negative,2022-09-05T20:00:00\n"
             "T3,negative,2022-09-08T20:00:00\n",
             r1);
    assert_int_equal(import(f, FK_IMPORT_RESULTS, buf), FK_OK);
}

static void test_control__positive_alert(void **state)
{
    struct fixture *f = *state;
    static const char *const o[] = {"0,close,home,2022-09-01T10:00:00,,,"};

    assert_int_equal(import_controls(f, o, 1), FK_OK);
    samples_and_results(f, "positive");
    /* Person 0 is under control, person 3 (same tube) is not. */
    assert_int_equal(f->sum.alerts, 1);
    assert_int_equal(fk_alert_list(f->st, f->eng, NULL, -1, &f->t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 1);
    assert_string_equal(cell(f->t, 0, "kind"), "positive");
    assert_string_equal(cell(f->t, 0, "id_number"), f->id[0]);
    assert_non_null(strstr(cell(f->t, 0, "detail"), "T1"));
    /* Whom to call: the person's phone; the regions file names no grid worker yet. */
    assert_string_equal(cell(f->t, 0, "phone"), "13900000000");
    assert_string_equal(cell(f->t, 0, "worker"), "");
    assert_string_equal(cell(f->t, 0, "worker_phone"), "");
    drop_table(f);
    /* A regions file with the grid's worker; a bad worker phone is rejected with its reason. */
    assert_int_equal(import(f, FK_IMPORT_REGIONS,
                            "code,name,level,parent,worker,worker_phone\n" G1
                            ",一网格,grid,140702001001,王网格员,137-0000 0001\n" G2
                            ",二网格,grid,140702001001,李网格员,call 137\n"),
                     FK_OK);
    assert_int_equal(f->sum.rejected, 1);
    assert_non_null(strstr(rejects(f), "worker_phone 'call 137' may hold only digits"));
    /* A regions file of the old shape keeps the worker. */
    assert_int_equal(import(f, FK_IMPORT_REGIONS, regions_csv), FK_OK);
    assert_int_equal(f->sum.rejected, 0);
    assert_int_equal(fk_alert_list(f->st, f->eng, NULL, -1, &f->t, f->err, sizeof f->err), FK_OK);
    assert_string_equal(cell(f->t, 0, "worker"), "王网格员");
    assert_string_equal(cell(f->t, 0, "worker_phone"), "137-0000 0001");
}

static void test_control__release_transfer_extend(void **state)
{
    struct fixture *f = *state;
    static const char *const o[] = {"0,close,home,2022-09-01T10:00:00,,,",
                                    "1,close,home,2022-09-01T10:00:00,,,"};
    struct fk_ctl_filter all = FK_CTL_FILTER_ALL;

    assert_int_equal(import_controls(f, o, 2), FK_OK);
    samples_and_results(f, "negative");
    assert_int_equal(fk_engine_sync(f->eng, f->err, sizeof f->err), FK_OK);
    /* Day 6: too early. */
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[0], D0 + 6 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_non_null(strstr(f->err, "day 6 of 7"));
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[0], D0 - DAY, 0,
                                        f->err, sizeof f->err),
                     FK_EINVAL);
    /* Extended by 2: day 8 is still too early; day 9 with two negatives (T2, T3) is fine. */
    assert_int_equal(fk_control_extend(f->st, &U, f->pid[0], 2, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[0], D0 + 8 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[0], D0 + 9 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[0], D0 + 9 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_ENOENT);
    /* Person 1 has no results: only --force releases. */
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[1], D0 + 9 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_non_null(strstr(f->err, "negative"));
    /* Transfer person 1 to centralized on 09-03: two orders, the first ended. */
    assert_int_equal(fk_control_transfer(f->st, &U, f->pid[1], FK_PLACE_CENTRALIZED, "H-1",
                                         D0 + 2 * DAY, f->err, sizeof f->err),
                     FK_OK);
    refresh(f);
    all.region = G1;
    assert_int_equal(
        fk_ctl_list(f->ctl, &all, fk_local_day(D0 + 3 * DAY), &f->t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 3);
    /* By person, then start: person 0's released order, then person 1's two. */
    assert_string_equal(cell(f->t, 0, "end"), "2022-09-10T00:00:00+08:00");
    assert_string_equal(cell(f->t, 1, "end"), "2022-09-03T00:00:00+08:00");
    assert_string_equal(cell(f->t, 1, "place"), "home");
    assert_string_equal(cell(f->t, 2, "place"), "centralized");
    assert_string_equal(cell(f->t, 2, "site"), "H-1");
    assert_string_equal(cell(f->t, 2, "category"), "close");
    assert_string_equal(cell(f->t, 2, "end"), "");
    /* A transfer carries on the control: day 3 on 09-04, counted from 09-01, not from 09-03. */
    assert_string_equal(cell(f->t, 2, "day"), "3");
    drop_table(f);
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[1], D0 + 6 * DAY, 0,
                                        f->err, sizeof f->err),
                     FK_ECONFLICT);
    assert_non_null(strstr(f->err, "day 6 of 7"));
    /* --force releases despite the rule. */
    assert_int_equal(fk_control_release(f->st, &U, f->eng, &f->prof, f->pid[1], D0 + 9 * DAY, 1,
                                        f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_control_extend(f->st, &U, f->pid[1], 2, f->err, sizeof f->err), FK_ENOENT);
}

/* The tests due on 09-05 (day 4 of isolation7 for orders of 09-01, day 3 of land3 for arrivals of
 * 09-02) and their states. */
/* The due list of the city as CSV, into b (initialised here; caller finis). */
static void due_csv(struct fixture *f, const char *region, int64_t today, fk_buf *b)
{
    fk_table *t = NULL;

    fk_buf_init(b, 0);
    assert_int_equal(fk_ctl_due(f->ctl, region, FK_DUE_ALL, 0, today, &t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), b), FK_OK);
    fk_table_free(t);
}

/* A due list is the same when asked again, after a smaller one, and when read after its index
 * and engine are gone (the server renders after an import may have replaced both). */
static void due_lists_stand_alone(struct fixture *f, int64_t today)
{
    fk_buf first, small, again, late;
    fk_table *t = NULL;

    due_csv(f, NULL, today, &first);
    assert_non_null(strstr(first.data, ",overdue,"));
    due_csv(f, G2, today, &small);
    assert_true(small.len < first.len);
    due_csv(f, NULL, today, &again);
    assert_int_equal(again.len, first.len);
    assert_memory_equal(again.data, first.data, first.len);
    assert_int_equal(fk_ctl_due(f->ctl, NULL, FK_DUE_ALL, 0, today, &t, f->err, sizeof f->err),
                     FK_OK);
    fk_ctl_free(f->ctl);
    f->ctl = NULL;
    fk_engine_free(f->eng);
    f->eng = NULL;
    fk_buf_init(&late, 0);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), &late), FK_OK);
    fk_table_free(t);
    assert_int_equal(late.len, first.len);
    assert_memory_equal(late.data, first.data, first.len);
    fk_buf_fini(&first);
    fk_buf_fini(&small);
    fk_buf_fini(&again);
    fk_buf_fini(&late);
}

static void test_control__regime_due(void **state)
{
    struct fixture *f = *state;
    static const char *const o[] = {"0,close,home,2022-09-01T10:00:00,,,"};
    char buf[1024];
    int64_t today = fk_local_day(D0 + 4 * DAY);
    size_t i, done = 0, due = 0, overdue = 0;

    assert_int_equal(import_controls(f, o, 1), FK_OK);
    samples_and_results(f, "negative");
    /* Arrivals: person 5 (no order) on 09-02 with a sample on arrival day only; person 0 (under
     * an order: the order's regime applies) and person 6 long ago (no longer followed). */
    snprintf(buf, sizeof buf,
             "id_number,arrived,origin,grid\n%s,2022-09-02T15:00:00,110105,\n"
             "%s,2022-09-02T15:00:00,110105,\n%s,2022-08-01,110105,\n",
             f->id[5], f->id[0], f->id[6]);
    assert_int_equal(import(f, FK_IMPORT_ARRIVALS, buf), FK_OK);
    assert_int_equal(f->sum.accepted, 3);
    snprintf(buf, sizeof buf, "tube,id_number,time\nA5,%s,2022-09-02T16:00:00\n", f->id[5]);
    assert_int_equal(import(f, FK_IMPORT_SAMPLES, buf), FK_OK);
    refresh(f);
    assert_int_equal(fk_ctl_due(f->ctl, NULL, FK_DUE_ALL, 0, today, &f->t, f->err, sizeof f->err),
                     FK_OK);
    for (i = 0; i < fk_table_nrows(f->t); i++) {
        const char *st = cell(f->t, i, "state"), *src = cell(f->t, i, "source");

        done += strcmp(st, "done") == 0;
        due += strcmp(st, "due") == 0;
        overdue += strcmp(st, "overdue") == 0;
        if (strcmp(cell(f->t, i, "id_number"), f->id[0]) == 0)
            assert_string_equal(src, "control");
        if (strcmp(cell(f->t, i, "id_number"), f->id[6]) == 0)
            fail_msg("an arrival of 08-01 is no longer followed");
    }
    /* Person 0 (isolation7 from 09-01): day 1 (09-02, T1) done, day 4 (09-05, T2) done.
     * Person 5 (land3 from 09-02): day 0 done, days 1 and 2 overdue, day 3 (today) due.
     * Person 7 (coldchain, daily): 09-04 overdue, 09-05 due. */
    assert_int_equal(done, 3);
    assert_int_equal(overdue, 3);
    assert_int_equal(due, 2);
    drop_table(f);
    /* Only overdue, only arrivals. */
    assert_int_equal(fk_ctl_due(f->ctl, NULL, FK_DUE_ARRIVALS, 1u << FK_TEST_OVERDUE, today, &f->t,
                                f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(cell(f->t, 0, "window_start"), "2022-09-03");
    assert_string_equal(cell(f->t, 0, "grid"), H1);
    drop_table(f);
    /* The board by county adds up the same tests. */
    assert_int_equal(fk_ctl_due_by(f->ctl, NULL, FK_LEVEL_COUNTY, FK_DUE_ALL, 0, today, &f->t,
                                   f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(cell(f->t, 0, "region"), "140702");
    assert_string_equal(cell(f->t, 0, "persons"), "2");
    assert_string_equal(cell(f->t, 0, "done"), "2");
    assert_string_equal(cell(f->t, 0, "due"), "1");
    assert_string_equal(cell(f->t, 0, "overdue"), "1");
    assert_string_equal(cell(f->t, 1, "persons"), "1");
    assert_string_equal(cell(f->t, 1, "overdue"), "2");
    drop_table(f);
    /* Only the overdue tests, and the persons with one. */
    assert_int_equal(fk_ctl_due_by(f->ctl, NULL, FK_LEVEL_COUNTY, FK_DUE_ALL,
                                   1u << FK_TEST_OVERDUE, today, &f->t, f->err, sizeof f->err),
                     FK_OK);
    assert_string_equal(cell(f->t, 0, "persons"), "1");
    assert_string_equal(cell(f->t, 0, "done"), "0");
    assert_string_equal(cell(f->t, 0, "due"), "0");
    assert_string_equal(cell(f->t, 0, "overdue"), "1");
    assert_string_equal(cell(f->t, 1, "overdue"), "2");
    drop_table(f);
    due_lists_stand_alone(f, today);
}

static void test_control__arrivals_and_backcheck(void **state)
{
    struct fixture *f = *state;
    char buf[2048], idn[19];
    int64_t from, to, *ids = NULL;
    int cats[8];
    size_t n = 0, added, already, i;

    /* An unknown arrival is registered when name and grid are given, else rejected. */
    make_id("11010519950505123", idn);
    snprintf(buf, sizeof buf,
             "id_number,arrived,origin,grid,transport,name\n"
             "%s,2022-09-03T00:00:00,110105003,,G1234,\n" /* in: the window start */
             "%s,2022-09-02T23:59:59,110105,,,\n"         /* out: one second early */
             "%s,2022-09-10T00:00:00,北京市朝阳区,,,\n"   /* another area's name */
             "%s,2022-09-10T00:00:01,110105,,,\n"         /* out: after the start */
             "%s,2022-09-05,110106,,,\n"                  /* another area */
             "%s,2022-09-06,110105,%s,flight,新来者\n"    /* registered, in */
             "110105199505051246,2022-09-06,110105,,,\n", /* unknown, no grid */
             f->id[0], f->id[1], f->id[2], f->id[3], f->id[4], idn, G2);
    assert_int_equal(import(f, FK_IMPORT_ARRIVALS, buf), FK_OK);
    assert_int_equal(f->sum.accepted, 6);
    assert_int_equal(f->sum.rejected, 1);
    assert_non_null(strstr(rejects(f), "give name and grid"));
    assert_int_equal(import(f, FK_IMPORT_RISK_AREAS,
                            "area,level,start,end\n110105,high,2022-08-01,2022-08-20\n"
                            "110105,中风险,2022-09-10,\n北京市朝阳区,high,2022-09-10,\n"
                            "110199,extreme,2022-09-10,\n"),
                     FK_OK);
    assert_int_equal(f->sum.accepted, 3);
    assert_non_null(strstr(rejects(f), "level 'extreme'"));
    /* The latest period of 110105 starts 09-10: the window is 09-03 .. 09-10. */
    assert_int_equal(
        fk_risk_backcheck_window(f->st, &f->prof, "110105", &from, &to, f->err, sizeof f->err),
        FK_OK);
    assert_int_equal(to, D0 + 9 * DAY);
    assert_int_equal(from, D0 + 2 * DAY);
    assert_int_equal(
        fk_risk_backcheck_window(f->st, &f->prof, "990000", &from, &to, f->err, sizeof f->err),
        FK_ENOENT);
    assert_int_equal(
        fk_risk_backcheck_window(f->st, &f->prof, "110105", &from, &to, f->err, sizeof f->err),
        FK_OK);
    refresh(f);
    assert_int_equal(
        fk_ctl_arrivals(f->ctl, NULL, "110105", from, to, &f->t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(cell(f->t, 0, "id_number"), f->id[0]);
    assert_string_equal(cell(f->t, 0, "transport"), "G1234");
    assert_string_equal(cell(f->t, 0, "control"), "");
    assert_string_equal(cell(f->t, 1, "id_number"), idn);
    assert_string_equal(cell(f->t, 1, "grid"), G2);
    drop_table(f);
    /* Put them under control, twice: the second adds nothing. */
    assert_int_equal(fk_ctl_arrival_persons(f->ctl, NULL, "110105", from, to, &ids, &n), FK_OK);
    assert_int_equal(n, 2);
    for (i = 0; i < n; i++)
        cats[i] = FK_CTL_RISK_AREA;
    assert_int_equal(fk_control_open_many(f->st, &U, ids, cats, n, FK_PLACE_HOME, D0 + 9 * DAY,
                                          "110105", &added, &already, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(added, 2);
    assert_int_equal(fk_control_open_many(f->st, &U, ids, cats, n, FK_PLACE_HOME, D0 + 10 * DAY,
                                          "110105", &added, &already, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(added, 0);
    assert_int_equal(already, 2);
    free(ids);
    refresh(f);
    assert_int_equal(
        fk_ctl_arrivals(f->ctl, "140702", "110105", from, to, &f->t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(cell(f->t, 0, "control"), "risk_area/home since 2022-09-10");
}

/* Lists are by grid code, then ID number, whatever order the persons were registered in: a
 * person registered last with the smallest ID number comes first, in the control list and in
 * the due list. */
static void test_control__lists_by_id_number(void **state)
{
    struct fixture *f = *state;
    char buf[512], body[18], late[24];
    int64_t pids[2], pl;
    int cats[2] = {FK_CTL_CLOSE, FK_CTL_CLOSE};
    struct fk_ctl_filter g2 = FK_CTL_FILTER_ALL;
    size_t added, already, i;

    snprintf(body, sizeof body, "14070219800101%03d", 1);
    make_id(body, late);
    snprintf(buf, sizeof buf, "id_number,name,phone,grid,tags\n%s,后来,13900000099,%s,\n", late,
             G2);
    assert_int_equal(import(f, FK_IMPORT_PERSONS, buf), FK_OK);
    assert_int_equal(fk_store_find_person(f->st, late, &pl), FK_OK);
    assert_true(pl > f->pid[3]);
    pids[0] = f->pid[3];
    pids[1] = pl;
    assert_int_equal(fk_control_open_many(f->st, &U, pids, cats, 2, FK_PLACE_HOME, D0, "test",
                                          &added, &already, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(added, 2);
    refresh(f);
    g2.region = G2;
    assert_int_equal(fk_ctl_list(f->ctl, &g2, fk_local_day(D0 + DAY), &f->t, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(f->t), 2);
    assert_string_equal(cell(f->t, 0, "id_number"), late);
    assert_string_equal(cell(f->t, 0, "name"), "后来");
    assert_string_equal(cell(f->t, 1, "id_number"), f->id[3]);
    drop_table(f);
    assert_int_equal(fk_ctl_due(f->ctl, G2, FK_DUE_CONTROLS, 0, fk_local_day(D0 + 3 * DAY), &f->t,
                                f->err, sizeof f->err),
                     FK_OK);
    assert_true(fk_table_nrows(f->t) >= 2);
    for (i = 1; i < fk_table_nrows(f->t); i++) {
        char idn[24], start[16]; /* a list's cells are valid until another row is read */
        int by_id;

        snprintf(idn, sizeof idn, "%s", cell(f->t, i - 1, "id_number"));
        snprintf(start, sizeof start, "%s", cell(f->t, i - 1, "window_start"));
        by_id = strcmp(idn, cell(f->t, i, "id_number"));
        assert_true(by_id < 0 || (by_id == 0 && strcmp(start, cell(f->t, i, "window_start")) < 0));
    }
    assert_string_equal(cell(f->t, 0, "id_number"), late);
    assert_string_equal(cell(f->t, 0, "phone"), "13900000099");
}

/* Renames person i in the data file behind the store's back: no generation moves. */
static void rename_quietly(struct fixture *f, int i, const char *name)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;

    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "UPDATE persons SET name = ? WHERE id = ?", -1, &q, NULL),
        SQLITE_OK);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, f->pid[i]);
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* The due list of ctl as CSV, into b (initialised here; caller finis). */
static void due_of(struct fixture *f, fk_ctl *c, int64_t today, fk_buf *b)
{
    fk_table *t = NULL;

    fk_buf_init(b, 0);
    assert_int_equal(fk_ctl_due(c, NULL, FK_DUE_ALL, 0, today, &t, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), b), FK_OK);
    fk_table_free(t);
}

/* After a control batch a rebuilt index reads only the orders and takes the arrivals, names and
 * samples its predecessor read; after any other batch it reads everything again. A rename the
 * store's generation does not see tells which. */
static void test_control__adopt_after_control_batch(void **state)
{
    struct fixture *f = *state;
    static const char *const o[] = {"0,close,home,2022-09-01T10:00:00,,,",
                                    "3,companion,home,2022-09-02,,land3,"};
    int64_t today = fk_local_day(D0 + 4 * DAY), pids[1];
    int cats[1] = {FK_CTL_CLOSE};
    fk_ctl *a = NULL, *b = NULL, *fresh = NULL;
    fk_buf la, lb, lf;
    size_t added, already;
    char buf[256];

    if (test_pg())
        skip(); /* renames a person in the SQLite file behind the store */
    assert_int_equal(import_controls(f, o, 2), FK_OK);
    samples_and_results(f, "negative");
    snprintf(buf, sizeof buf,
             "id_number,arrived,origin,transport\n%s,2022-09-02T15:00:00,110105,G123\n", f->id[5]);
    assert_int_equal(import(f, FK_IMPORT_ARRIVALS, buf), FK_OK);
    refresh(f);
    a = f->ctl;
    f->ctl = NULL;
    due_of(f, a, today, &la);
    assert_non_null(strstr(la.data, "人0,"));
    /* A control batch: person 4 comes under control; nobody else changes. */
    pids[0] = f->pid[4];
    assert_int_equal(fk_control_open_many(f->st, &U, pids, cats, 1, FK_PLACE_HOME, D0 + DAY,
                                          "test", &added, &already, f->err, sizeof f->err),
                     FK_OK);
    rename_quietly(f, 0, "改名");
    /* The rebuild reads the orders again and takes the rest from a. */
    assert_int_equal(fk_ctl_rebuild(a, f->st, &b, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_adopt(b, a), FK_OK); /* once named, nothing more to take */
    assert_int_equal(fk_ctl_build(f->st, f->eng, &f->prof, &fresh, f->err, sizeof f->err), FK_OK);
    {
        fk_table *ta = NULL, *tf = NULL;
        fk_buf ba, bf;

        fk_buf_init(&ba, 0);
        fk_buf_init(&bf, 0);
        assert_int_equal(fk_ctl_arrivals(b, NULL, NULL, 0, 0, &ta, f->err, sizeof f->err), FK_OK);
        assert_int_equal(fk_ctl_arrivals(fresh, NULL, NULL, 0, 0, &tf, f->err, sizeof f->err),
                         FK_OK);
        assert_int_equal(fk_table_render(ta, FK_FORMAT_CSV, 0, fk_table_nrows(ta), &ba), FK_OK);
        assert_int_equal(fk_table_render(tf, FK_FORMAT_CSV, 0, fk_table_nrows(tf), &bf), FK_OK);
        assert_non_null(strstr(ba.data, ",110105,G123,"));
        assert_int_equal(ba.len, bf.len);
        assert_memory_equal(ba.data, bf.data, bf.len);
        fk_table_free(ta);
        fk_table_free(tf);
        fk_buf_fini(&ba);
        fk_buf_fini(&bf);
    }
    due_of(f, b, today, &lb);
    due_of(f, fresh, today, &lf);
    /* The adopted index shows person 0 as its predecessor read them, the fresh one as renamed;
     * person 4, new to both, is read from the store; otherwise they agree. */
    assert_non_null(strstr(lb.data, "人0,"));
    assert_null(strstr(lb.data, "改名"));
    assert_non_null(strstr(lf.data, "改名"));
    assert_non_null(strstr(lb.data, "人4,"));
    {
        fk_buf undo; /* the fresh list with the old name back: the adopted one, byte for byte */
        const char *p = lf.data, *q;

        fk_buf_init(&undo, 0);
        while ((q = strstr(p, "改名")) != NULL) {
            assert_int_equal(fk_buf_append(&undo, p, (size_t)(q - p)), FK_OK);
            assert_int_equal(fk_buf_puts(&undo, "人0"), FK_OK);
            p = q + strlen("改名");
        }
        assert_int_equal(fk_buf_puts(&undo, p), FK_OK);
        assert_true(undo.len < lf.len);
        assert_int_equal(undo.len, lb.len);
        assert_memory_equal(undo.data, lb.data, lb.len);
        fk_buf_fini(&undo);
    }
    fk_buf_fini(&lb);
    fk_buf_fini(&lf);
    fk_ctl_free(fresh);
    fresh = NULL;
    /* Freeing the predecessor leaves the adopted index whole (ASan would say). */
    fk_ctl_free(a);
    a = b;
    b = NULL;
    due_of(f, a, today, &lb);
    assert_non_null(strstr(lb.data, "人0,"));
    fk_buf_fini(&lb);
    /* Any other batch moves the generation: nothing is taken, the rename shows. */
    snprintf(buf, sizeof buf, "tube,id_number,time\nX9,%s,2022-09-03T09:00:00\n", f->id[4]);
    assert_int_equal(import(f, FK_IMPORT_SAMPLES, buf), FK_OK);
    snprintf(buf, sizeof buf,
             "id_number,arrived,origin,transport\n%s,2022-09-03T15:00:00,310101,\n", f->id[6]);
    assert_int_equal(import(f, FK_IMPORT_ARRIVALS, buf), FK_OK);
    assert_int_equal(fk_engine_sync(f->eng, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_rebuild(a, f->st, &b, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_adopt(b, a), FK_OK);
    {
        fk_table *ta = NULL;

        assert_int_equal(fk_ctl_arrivals(b, NULL, NULL, 0, 0, &ta, f->err, sizeof f->err), FK_OK);
        assert_int_equal(fk_table_nrows(ta), 2); /* the new arrival is read, not copied over */
        fk_table_free(ta);
    }
    due_of(f, b, today, &lb);
    assert_non_null(strstr(lb.data, "改名"));
    assert_non_null(strstr(lb.data, "2022-09-03T09:00:00+08:00"));
    fk_buf_fini(&lb);
    fk_buf_fini(&la);
    fk_ctl_free(b);
    fk_ctl_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_control__summary_counts_are_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__as_of_a_day, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__grid_and_planned_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__door_alerts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__alert_handling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__positive_alert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__release_transfer_extend, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__regime_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__arrivals_and_backcheck, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__lists_by_id_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control__adopt_after_control_batch, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
