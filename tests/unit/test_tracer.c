/* SPDX-License-Identifier: MIT */
/* Unit tests of the tracer (lib/engine/tracer.c; the rules alone are in test_trace.c), over
 * small worlds built by hand from raw arrays with fk_tracer_new: every boundary of the venue
 * window, the infectious window, the companion slot and look-back, households, secondary contacts
 * and which reason wins, each asserting the exact category, source, via and exposure. A randomized
 * world with a fixed seed is then compared with a brute-force nested loop written here, straight
 * from the rules in DESIGN.md ("Tracing rules"), with no index. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/profile.h"
#include "fk/roster.h"
#include "fk/snapfile.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/tracer.h"

#include "testutil.h"

/* 2022-08-20T00:00:00+08:00: a local midnight, and a multiple of every slot length used here. */
#define T0 INT64_C(1660924800)
#define MIN INT64_C(60)
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)

#define MAXP 512
#define MAXE 8192
#define MAXC 64

/* One scan (place: venue) or ping (place: cell) of a person. */
struct ev {
    int32_t person, place;
    int64_t time;
};

/* The world under test, filled by the helpers below and turned into a tracer by build(). */
static struct world {
    size_t npersons, nhouseholds, nvenues, ncells, nscans, npings, ncases;
    int32_t household[MAXP];
    struct ev scans[MAXE], pings[MAXE];
    struct fk_case_row cases[MAXC];
} w;

/* Freed by teardown, so that a failed assertion leaks nothing under the sanitizers. */
static fk_tracer *tr;
static struct fk_contact *got;
static size_t ngot;
static struct fk_profile prof;

static int setup(void **state)
{
    size_t i;

    (void)state;
    memset(&w, 0, sizeof w);
    for (i = 0; i < MAXP; i++)
        w.household[i] = -1;
    w.npersons = 16;
    fk_profile_defaults(&prof);
    tr = NULL;
    got = NULL;
    ngot = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(got);
    got = NULL;
    fk_tracer_free(tr);
    tr = NULL;
    return 0;
}

static void home(int32_t person, int32_t hh)
{
    w.household[person] = hh;
    if ((size_t)hh + 1 > w.nhouseholds)
        w.nhouseholds = (size_t)hh + 1;
}

static void scan(int32_t person, int32_t venue, int64_t t)
{
    assert_true(w.nscans < MAXE);
    w.scans[w.nscans++] = (struct ev){person, venue, t};
    if ((size_t)venue + 1 > w.nvenues)
        w.nvenues = (size_t)venue + 1;
}

static void ping(int32_t person, int32_t cell, int64_t t)
{
    assert_true(w.npings < MAXE);
    w.pings[w.npings++] = (struct ev){person, cell, t};
    if ((size_t)cell + 1 > w.ncells)
        w.ncells = (size_t)cell + 1;
}

/* A case; onset and isolated 0 when not given. */
static void add_case(int32_t person, int64_t confirmed, int64_t onset, int64_t isolated)
{
    struct fk_case_row *c = &w.cases[w.ncases++];

    memset(c, 0, sizeof *c);
    c->person = person;
    c->confirmed = confirmed;
    c->onset = onset;
    c->isolated = isolated;
}

/* Person-order CSR of events e[0..n), in the order given within a person. */
static void csr(const struct ev *e, size_t n, size_t np, uint64_t **start, int32_t **place,
                uint32_t **tm)
{
    uint64_t *fill = malloc((np + 1) * sizeof *fill);
    size_t i;

    *start = calloc(np + 1, sizeof **start);
    *place = malloc((n ? n : 1) * sizeof **place);
    *tm = malloc((n ? n : 1) * sizeof **tm);
    assert_non_null(fill);
    assert_non_null(*start);
    assert_non_null(*place);
    assert_non_null(*tm);
    for (i = 0; i < n; i++)
        (*start)[e[i].person + 1]++;
    for (i = 0; i < np; i++)
        (*start)[i + 1] += (*start)[i];
    memcpy(fill, *start, (np + 1) * sizeof *fill);
    for (i = 0; i < n; i++) {
        uint64_t j = fill[e[i].person]++;

        (*place)[j] = e[i].place;
        (*tm)[j] = (uint32_t)e[i].time;
    }
    free(fill);
}

/* The raw arrays of the world (malloc'd: fk_tracer_new takes them over). */
static void make_input(struct fk_trace_input *in)
{
    memset(in, 0, sizeof *in);
    in->npersons = w.npersons;
    in->household = malloc(w.npersons * sizeof *in->household);
    in->cases = malloc((w.ncases ? w.ncases : 1) * sizeof *in->cases);
    assert_non_null(in->household);
    assert_non_null(in->cases);
    memcpy(in->household, w.household, w.npersons * sizeof *in->household);
    in->nhouseholds = w.nhouseholds;
    csr(w.scans, w.nscans, w.npersons, &in->scan_start, &in->scan_venue, &in->scan_time);
    in->nvenues = w.nvenues;
    csr(w.pings, w.npings, w.npersons, &in->ping_start, &in->ping_cell, &in->ping_time);
    in->ncells = w.ncells;
    if (w.ncases)
        memcpy(in->cases, w.cases, w.ncases * sizeof *in->cases);
    in->ncases = w.ncases;
}

static void build(void)
{
    struct fk_trace_input in;

    make_input(&in);
    fk_tracer_free(tr);
    tr = NULL;
    assert_int_equal(fk_tracer_new(&in, &prof, &tr), FK_OK);
    assert_non_null(tr);
}

/* The options of a run; cases NULL for every case. */
static struct fk_trace_opts opts_of(int depth, int64_t since, const int32_t *cases, size_t ncases)
{
    struct fk_trace_opts o;

    memset(&o, 0, sizeof o);
    o.depth = depth;
    o.since = since;
    o.cases = cases;
    o.ncases = ncases;
    return o;
}

/* Runs the tracer into got/ngot; cases NULL for every case. */
static void run_opts(int depth, int64_t since, const int32_t *cases, size_t ncases)
{
    struct fk_trace_opts o = opts_of(depth, since, cases, ncases);
    char err[256] = "";
    int rc;

    free(got);
    got = NULL;
    rc = fk_tracer_run(tr, &o, &got, &ngot, err, sizeof err);
    if (rc != FK_OK)
        print_error("fk_tracer_run: %d %s\n", rc, err);
    assert_int_equal(rc, FK_OK);
}

static void run(int depth)
{
    run_opts(depth, 0, NULL, 0);
}

static const struct fk_contact *find(int32_t person)
{
    const struct fk_contact *k = NULL;
    size_t i;

    for (i = 0; i < ngot; i++) {
        if (got[i].person == person) {
            assert_null(k); /* a person is listed once */
            k = &got[i];
        }
    }
    return k;
}

/* person is listed with exactly this reason. */
static void expect(int32_t person, int category, int32_t source, int via, int32_t via_id,
                   int64_t exposure)
{
    const struct fk_contact *k = find(person);

    if (!k)
        print_error("person %d is not listed\n", person);
    assert_non_null(k);
    if (k->category != category || k->source != source || k->via != via || k->via_id != via_id ||
        k->exposure != exposure)
        print_error("person %d: got category %d source %d via %d:%d exposure %lld\n", person,
                    k->category, k->source, k->via, k->via_id, (long long)k->exposure);
    assert_int_equal(k->category, category);
    assert_int_equal(k->source, source);
    assert_int_equal(k->via, via);
    assert_int_equal(k->via_id, via_id);
    assert_int_equal(k->exposure, exposure);
}

/* The two times behind a reason (venue: the scans; cell: case ping, slot start). */
static void expect_times(int32_t person, int32_t root, int64_t source_time, int64_t contact_time)
{
    const struct fk_contact *k = find(person);

    assert_non_null(k);
    assert_int_equal(k->root, root);
    assert_int_equal(k->source_time, source_time);
    assert_int_equal(k->contact_time, contact_time);
}

static void absent(int32_t person)
{
    const struct fk_contact *k = find(person);

    if (k)
        print_error("person %d is listed (category %d source %d exposure %lld) but should not be\n",
                    person, k->category, k->source, (long long)k->exposure);
    assert_null(k);
}

/* Runs like run_opts, but through fk_tracer_run_into with the caller's buffer *buf (room for
 * *cap), then copies the answer into got. */
static void run_into(int depth, int64_t since, const int32_t *cases, size_t ncases,
                     struct fk_contact **buf, size_t *cap)
{
    struct fk_trace_opts o = opts_of(depth, since, cases, ncases);
    char err[256] = "";
    size_t n = 99;
    int rc;

    rc = fk_tracer_run_into(tr, &o, buf, cap, &n, err, sizeof err);
    if (rc != FK_OK)
        print_error("fk_tracer_run_into: %d %s\n", rc, err);
    assert_int_equal(rc, FK_OK);
    assert_non_null(*buf);
    assert_true(n <= *cap);
    free(got);
    got = malloc((n ? n : 1) * sizeof *got);
    assert_non_null(got);
    if (n)
        memcpy(got, *buf, n * sizeof *got);
    ngot = n;
}

/* a and b agree in every field; else prints both (a as `what`, b as `ref`) and fails. */
static void assert_same_contact(const struct fk_contact *a, const struct fk_contact *b,
                                const char *what, const char *ref)
{
    if (a->person != b->person || a->source != b->source || a->root != b->root ||
        a->via_id != b->via_id || a->category != b->category || a->via != b->via ||
        a->exposure != b->exposure || a->source_time != b->source_time ||
        a->contact_time != b->contact_time)
        print_error("%s: person %d source %d via %d:%d exposure %lld times %lld/%lld; %s: person "
                    "%d source %d via %d:%d exposure %lld times %lld/%lld\n",
                    what, a->person, a->source, a->via, a->via_id, (long long)a->exposure,
                    (long long)a->source_time, (long long)a->contact_time, ref, b->person,
                    b->source, b->via, b->via_id, (long long)b->exposure, (long long)b->source_time,
                    (long long)b->contact_time);
    assert_int_equal(a->person, b->person);
    assert_int_equal(a->source, b->source);
    assert_int_equal(a->root, b->root);
    assert_int_equal(a->via_id, b->via_id);
    assert_int_equal(a->category, b->category);
    assert_int_equal(a->via, b->via);
    assert_int_equal(a->exposure, b->exposure);
    assert_int_equal(a->source_time, b->source_time);
    assert_int_equal(a->contact_time, b->contact_time);
}

/* The answer does not depend on the plan fk_tracer_run picks for venue contacts, nor on how many
 * threads it uses, nor on whether the caller keeps the buffer: with each plan forced (plan
 * "offer" on 1, 2 and 3 threads, plan "pass" on 1, 2, 3 and 8), and through fk_tracer_run_into with
 * a buffer too small, then reused, then oversized, got is the same, field by field (the two times
 * behind each reason included). */
static void same_under_every_plan(int depth, int64_t since, const int32_t *cases, size_t ncases)
{
    static const int plans[9] = {1, 1, 1, 2, 2, 2, 2, 0, 0},
                     threads[9] = {0, 2, 3, 1, 2, 3, 8, 2, 1};
    struct fk_contact *want = malloc((ngot ? ngot : 1) * sizeof *want), *buf = NULL;
    size_t nwant = ngot, i, cap = 0;
    int v, plan;

    assert_non_null(want);
    if (ngot)
        memcpy(want, got, ngot * sizeof *want);
    for (v = 0; v < 9 + 3; v++) {
        plan = v < 9 ? plans[v] : 0;
        fk__tracer_set_plan(tr, plan);
        fk__tracer_set_threads(tr, v < 9 ? threads[v] : 2);
        if (v < 9) {
            run_opts(depth, since, cases, ncases);
        } else {
            /* A one-entry buffer (grown), the same one again (reused), then a bigger one. */
            if (v == 9) {
                buf = malloc(sizeof *buf);
                assert_non_null(buf);
                cap = 1;
            } else if (v == 11) {
                free(buf);
                cap = nwant + 100;
                buf = malloc(cap * sizeof *buf);
                assert_non_null(buf);
            }
            run_into(depth, since, cases, ncases, &buf, &cap);
            if (v == 9 && nwant > 1)
                assert_int_equal(cap, nwant);
            if (v == 11)
                assert_int_equal(cap, nwant + 100);
        }
        if (ngot != nwant)
            print_error("variant %d (plan %d): %zu contacts, %zu with the default plan\n", v, plan,
                        ngot, nwant);
        assert_int_equal(ngot, nwant);
        for (i = 0; i < ngot; i++) {
            char what[64];

            snprintf(what, sizeof what, "variant %d (plan %d), row %zu", v, plan, i);
            assert_same_contact(&got[i], &want[i], what, "default plan");
        }
    }
    fk__tracer_set_plan(tr, 0);
    fk__tracer_set_threads(tr, 0);
    free(buf);
    free(got);
    got = want;
    ngot = nwant;
}

/* ---- close contacts ---- */

/* 30 minutes before and after the case's scan are in, 31 minutes and 30:01 are out; the exposure
 * is the later of the two scans. */
static void test_tracer__venue_window_edges(void **state)
{
    int64_t c = T0 + 5 * DAY, t = T0 + 2 * DAY + 12 * HOUR;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, t);
    scan(1, 0, t - 30 * MIN);
    scan(2, 0, t + 30 * MIN);
    scan(3, 0, t - 31 * MIN);
    scan(4, 0, t + 31 * MIN);
    scan(5, 0, t + 30 * MIN + 1);
    scan(6, 1, t); /* the same time at another venue */
    scan(7, 0, t);
    scan(8, 0, t - 30 * MIN - 1);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, t);
    expect_times(1, 0, t, t - 30 * MIN);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, t + 30 * MIN);
    expect_times(2, 0, t, t + 30 * MIN);
    expect(7, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, t);
    absent(3);
    absent(4);
    absent(5);
    absent(6);
    absent(8);
    assert_int_equal(ngot, 3);
}

/* No onset: the window opens 4 days before confirmation and closes at confirmation, both
 * inclusive; only the case's scan must be inside, the contact's may be up to 30 minutes outside. */
static void test_tracer__window_bounds_no_onset(void **state)
{
    int64_t c = T0 + 6 * DAY + 9 * HOUR, ws = c - 4 * DAY;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, ws - 1); /* one second before the window opens */
    scan(1, 0, ws - 1);
    scan(0, 1, ws); /* the first second of the window */
    scan(2, 1, ws - 30 * MIN);
    scan(0, 2, c); /* the last second */
    scan(3, 2, c + 30 * MIN);
    scan(0, 3, c + 1); /* after the window */
    scan(4, 3, c + 1);
    build();
    run(1);
    absent(1);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, ws);
    expect_times(2, 0, ws, ws - 30 * MIN);
    expect(3, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 2, c + 30 * MIN);
    absent(4);
    assert_int_equal(ngot, 2);
}

/* Onset given: the window opens 4 days before onset (a date: 00:00 local), not confirmation. */
static void test_tracer__window_from_onset(void **state)
{
    int64_t c = T0 + 6 * DAY + 9 * HOUR, onset = T0 + 4 * DAY, ws = onset - 4 * DAY;

    (void)state;
    add_case(0, c, onset, 0);
    home(0, 0);
    home(3, 0);
    scan(0, 0, ws - 1);
    scan(1, 0, ws - 1);
    scan(0, 1, ws);
    scan(2, 1, ws);
    build();
    run(1);
    absent(1);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, ws);
    expect(3, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, ws);
    assert_int_equal(ngot, 2);
}

/* Isolated a day before confirmation: the window ends at isolation (inclusive). */
static void test_tracer__isolation_before_confirmation(void **state)
{
    int64_t c = T0 + 6 * DAY + 9 * HOUR, iso = c - DAY + 6 * HOUR;

    (void)state;
    add_case(0, c, 0, iso);
    scan(0, 0, iso);
    scan(1, 0, iso);
    scan(0, 1, iso + 1); /* a scan after isolation */
    scan(2, 1, iso + 1);
    scan(0, 2, c);
    scan(3, 2, c);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, iso);
    absent(2);
    absent(3);
    assert_int_equal(ngot, 1);
}

/* DESIGN.md: the window "ends at isolation (default: confirmation)"; isolated after confirmation,
 * it runs to isolation. */
static void test_tracer__isolation_after_confirmation(void **state)
{
    int64_t c = T0 + 6 * DAY + 9 * HOUR, iso = c + 2 * HOUR;

    (void)state;
    add_case(0, c, 0, iso);
    scan(0, 0, c + HOUR);
    scan(1, 0, c + HOUR);
    scan(0, 1, iso);
    scan(2, 1, iso);
    scan(0, 2, iso + 1);
    scan(3, 2, iso + 1);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, c + HOUR);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, iso);
    absent(3);
    assert_int_equal(ngot, 2);
}

/* Household members are close from the start of the case's window; a person with no household
 * shares none with another person with no household. */
static void test_tracer__household(void **state)
{
    int64_t c = T0 + 6 * DAY, ws = c - 4 * DAY;
    char buf[64];

    (void)state;
    add_case(0, c, 0, 0);
    add_case(5, c, 0, 0); /* a case with no household */
    home(0, 1);
    home(1, 1);
    home(2, 1);
    home(3, 0);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 1, ws);
    expect_times(1, 0, ws, ws);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 1, ws);
    absent(3);
    absent(4);
    assert_int_equal(ngot, 2);
    /* A tracer from raw arrays names places by index. */
    assert_string_equal(fk_tracer_via(tr, find(1), buf, sizeof buf), "household:1");
}

/* A close contact of case A who is also in case B's household: the earliest exposure wins; on a
 * tie, the lower source, whatever the order of the cases. */
static void test_tracer__close_and_household_of_another_case(void **state)
{
    int64_t ca = T0 + 6 * DAY, cb = T0 + 8 * DAY, wsb = cb - 4 * DAY;

    (void)state;
    add_case(1, cb, 0, 0); /* B first: the order of the cases must not matter */
    add_case(0, ca, 0, 0);
    home(1, 0);
    home(2, 0);
    home(3, 0);
    home(4, 0);
    scan(0, 0, T0 + 3 * DAY); /* A and 2 at a venue before B's household window opens */
    scan(2, 0, T0 + 3 * DAY);
    scan(0, 1, T0 + 5 * DAY); /* A and 3 after it opened */
    scan(3, 1, T0 + 5 * DAY);
    scan(0, 2, wsb); /* A and 4 at the very start of B's window */
    scan(4, 2, wsb - 10 * MIN);
    build();
    run(1);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, T0 + 3 * DAY);
    expect(3, FK_CAT_CLOSE, 1, FK_VIA_HOUSEHOLD, 0, wsb);
    expect(4, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 2, wsb);
    absent(0);
    absent(1);
    assert_int_equal(ngot, 3);
}

/* ---- companions ---- */

/* The same cell and the same 10-minute slot: a companion exposed at the slot's start. The next
 * slot, the previous one and another cell are not. */
static void test_tracer__companion_slot(void **state)
{
    int64_t c = T0 + 10 * DAY, s = T0 + 8 * DAY + 10 * HOUR;

    (void)state;
    add_case(0, c, 0, 0);
    ping(0, 0, s + 5 * MIN);
    ping(1, 0, s + 10 * MIN - 1); /* the slot's last second */
    ping(2, 0, s + 10 * MIN);     /* the next slot */
    ping(3, 0, s - 1);            /* the previous slot */
    ping(4, 1, s + 5 * MIN);      /* another cell */
    ping(5, 0, s);                /* the slot's first second */
    build();
    run(1);
    expect(1, FK_CAT_COMPANION, 0, FK_VIA_CELL, 0, s);
    expect_times(1, 0, s + 5 * MIN, s);
    expect(5, FK_CAT_COMPANION, 0, FK_VIA_CELL, 0, s);
    absent(2);
    absent(3);
    absent(4);
    assert_int_equal(ngot, 2);
}

/* Companions come from the case's pings in the 14 days before confirmation, inclusive. */
static void test_tracer__companion_lookback(void **state)
{
    int64_t c = T0 + 15 * DAY + 10 * HOUR, from = c - 14 * DAY;

    (void)state;
    add_case(0, c, 0, 0);
    ping(0, 0, from - 1); /* 14 days and 1 second before confirmation */
    ping(1, 0, from - 1);
    ping(0, 1, from); /* exactly 14 days */
    ping(2, 1, from + 599);
    ping(0, 2, c); /* at confirmation */
    ping(3, 2, c);
    ping(0, 3, c + 1); /* after it */
    ping(4, 3, c + 1);
    build();
    run(1);
    absent(1);
    expect(2, FK_CAT_COMPANION, 0, FK_VIA_CELL, 1, from);
    expect(3, FK_CAT_COMPANION, 0, FK_VIA_CELL, 2, c);
    absent(4);
    assert_int_equal(ngot, 2);
}

/* A person both companion (earlier) and close (later) is listed once, as close; at depth 2 a
 * companion who is also a secondary contact is listed as secondary. */
static void test_tracer__companion_and_close_listed_once(void **state)
{
    int64_t c = T0 + 6 * DAY;

    (void)state;
    add_case(0, c, 0, 0);
    ping(0, 0, T0 + 3 * DAY);
    ping(1, 0, T0 + 3 * DAY);
    scan(0, 0, T0 + 4 * DAY);
    scan(1, 0, T0 + 4 * DAY);
    home(1, 0);
    home(2, 0);
    ping(0, 1, T0 + 2 * DAY + HOUR);
    ping(2, 1, T0 + 2 * DAY + HOUR);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, T0 + 4 * DAY);
    expect(2, FK_CAT_COMPANION, 0, FK_VIA_CELL, 1, T0 + 2 * DAY + HOUR);
    assert_int_equal(ngot, 2);
    run(2);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, T0 + 4 * DAY);
    expect(2, FK_CAT_SECONDARY, 1, FK_VIA_HOUSEHOLD, 0, T0 + 4 * DAY);
    assert_int_equal(ngot, 2);
}

/* ---- secondary contacts ---- */

/* Reached through two close contacts: the earliest exposure wins (not the lower close contact);
 * on a tie, the lower close contact. */
static void test_tracer__secondary_through_two_close(void **state)
{
    int64_t c = T0 + 6 * DAY, x = T0 + 6 * DAY + 2 * HOUR;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, T0 + 3 * DAY + 10 * HOUR);
    scan(1, 0, T0 + 3 * DAY + 10 * HOUR);
    scan(0, 1, T0 + 4 * DAY + 10 * HOUR);
    scan(2, 1, T0 + 4 * DAY + 10 * HOUR);
    scan(1, 2, T0 + 5 * DAY + 12 * HOUR); /* 3 through 1, later */
    scan(3, 2, T0 + 5 * DAY + 12 * HOUR);
    scan(2, 3, T0 + 5 * DAY + 9 * HOUR); /* 3 through 2, earlier */
    scan(3, 3, T0 + 5 * DAY + 9 * HOUR - 5 * MIN);
    scan(1, 4, x); /* 4 through both at the same time */
    scan(4, 4, x);
    scan(2, 5, x);
    scan(4, 5, x);
    build();
    run(2);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, T0 + 3 * DAY + 10 * HOUR);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, T0 + 4 * DAY + 10 * HOUR);
    expect(3, FK_CAT_SECONDARY, 2, FK_VIA_VENUE, 3, T0 + 5 * DAY + 9 * HOUR);
    expect_times(3, 0, T0 + 5 * DAY + 9 * HOUR, T0 + 5 * DAY + 9 * HOUR - 5 * MIN);
    expect(4, FK_CAT_SECONDARY, 1, FK_VIA_VENUE, 4, x);
    assert_int_equal(ngot, 4);
}

/* A close contact passes it on from its own exposure on: its scans before that do not count, the
 * scan at its exposure does (inclusive), and so does a scan long after the case's window; the
 * other person's scan may precede the close contact's by up to the venue window. Its household is
 * secondary from its exposure. */
static void test_tracer__secondary_from_exposure_on(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY + 12 * HOUR, e = t + 10 * MIN;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, t);
    scan(1, 0, e); /* 1: close, exposed at e */
    scan(1, 1, t - 2 * HOUR);
    scan(2, 1, t - 2 * HOUR); /* with 1 before its exposure: no */
    scan(1, 2, e - 1);
    scan(3, 2, e - 1);        /* one second before: no */
    scan(5, 0, t + 35 * MIN); /* 35 min after the case (no), 25 after 1 (yes) */
    scan(1, 3, t + DAY);
    scan(4, 3, t + DAY - 20 * MIN);
    scan(1, 4, t + 20 * DAY); /* long after the case was confirmed */
    scan(7, 4, t + 20 * DAY + 30 * MIN);
    home(1, 0);
    home(6, 0);
    build();
    run(2);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, e);
    absent(2);
    absent(3);
    expect(5, FK_CAT_SECONDARY, 1, FK_VIA_VENUE, 0, t + 35 * MIN);
    expect_times(5, 0, e, t + 35 * MIN);
    expect(4, FK_CAT_SECONDARY, 1, FK_VIA_VENUE, 3, t + DAY);
    expect(6, FK_CAT_SECONDARY, 1, FK_VIA_HOUSEHOLD, 0, e);
    expect_times(6, 0, e, e);
    expect(7, FK_CAT_SECONDARY, 1, FK_VIA_VENUE, 4, t + 20 * DAY + 30 * MIN);
    assert_int_equal(ngot, 5);
}

/* Depth 1 lists close contacts and companions only. */
static void test_tracer__depth1_no_secondary(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;
    size_t i;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, t);
    scan(1, 0, t);
    scan(1, 1, t + HOUR);
    scan(2, 1, t + HOUR);
    home(1, 0);
    home(3, 0);
    ping(0, 0, t);
    ping(4, 0, t);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, t);
    expect(4, FK_CAT_COMPANION, 0, FK_VIA_CELL, 0, t);
    absent(2);
    absent(3);
    assert_int_equal(ngot, 2);
    for (i = 0; i < ngot; i++)
        assert_int_not_equal(got[i].category, FK_CAT_SECONDARY);
    run(2);
    expect(2, FK_CAT_SECONDARY, 1, FK_VIA_VENUE, 1, t + HOUR);
    expect(3, FK_CAT_SECONDARY, 1, FK_VIA_HOUSEHOLD, 0, t);
    assert_int_equal(ngot, 4);
}

/* Cases are never listed, even as someone's close, secondary or companion contact. */
static void test_tracer__case_is_not_listed(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;
    const int32_t only0[] = {0};

    (void)state;
    add_case(0, c, 0, 0);
    add_case(1, c + HOUR, 0, 0);
    home(0, 0);
    home(1, 0);
    home(2, 0);
    scan(0, 0, t);
    scan(1, 0, t);
    scan(1, 1, t + HOUR);
    scan(3, 1, t + HOUR);
    ping(0, 0, t);
    ping(1, 0, t);
    ping(4, 0, t);
    build();
    run(1);
    absent(0);
    absent(1);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, c - 4 * DAY);
    expect(3, FK_CAT_CLOSE, 1, FK_VIA_VENUE, 1, t + HOUR);
    expect(4, FK_CAT_COMPANION, 0, FK_VIA_CELL, 0, t);
    assert_int_equal(ngot, 3);
    run(2);
    absent(0);
    absent(1);
    assert_int_equal(ngot, 3);
    /* Tracing case 0 alone: case 1 is not listed, and is not a close contact that passes on
     * secondary contacts either (it is traced as a case in its own right). */
    run_opts(2, 0, only0, 1);
    absent(1);
    absent(3);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, c - 4 * DAY);
    assert_int_equal(ngot, 2);
}

/* ---- options ---- */

/* since: only cases confirmed at or after it. A list of cases: only those. */
static void test_tracer__since_and_case_filter(void **state)
{
    int64_t c1 = T0 + 5 * DAY, c2 = T0 + 7 * DAY;
    const int32_t only1[] = {1}, both[] = {1, 0};

    (void)state;
    add_case(0, c1, 0, 0);
    add_case(1, c2, 0, 0);
    home(0, 0);
    home(2, 0);
    home(1, 1);
    home(3, 1);
    build();
    run_opts(1, c2, NULL, 0);
    expect(3, FK_CAT_CLOSE, 1, FK_VIA_HOUSEHOLD, 1, c2 - 4 * DAY);
    assert_int_equal(ngot, 1);
    run_opts(1, c2 + 1, NULL, 0);
    assert_int_equal(ngot, 0);
    run_opts(1, c1, NULL, 0);
    assert_int_equal(ngot, 2);
    run_opts(1, c1 + 1, NULL, 0);
    assert_int_equal(ngot, 1);
    run_opts(1, 0, only1, 1);
    expect(3, FK_CAT_CLOSE, 1, FK_VIA_HOUSEHOLD, 1, c2 - 4 * DAY);
    assert_int_equal(ngot, 1);
    run_opts(1, 0, both, 2);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, c1 - 4 * DAY);
    assert_int_equal(ngot, 2);
    run_opts(1, c2, both, 2); /* both options: the intersection */
    assert_int_equal(ngot, 1);
    /* until (as of): only cases confirmed at or before it. */
    {
        struct fk_trace_opts o = opts_of(1, 0, NULL, 0);
        struct fk_contact *k = NULL;
        size_t n = 0;
        char err[256];

        o.until = c2 - 1;
        assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_OK);
        assert_int_equal(n, 1);
        assert_int_equal(k[0].person, 2);
        free(k);
        o.until = c1 - 1;
        assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_OK);
        assert_int_equal(n, 0);
        free(k);
        o.until = c2;
        assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_OK);
        assert_int_equal(n, 2);
        free(k);
    }
}

static void test_tracer__errors(void **state)
{
    static struct fk_contact dummy;
    struct fk_trace_opts o;
    struct fk_contact *k = &dummy; /* must come back NULL */
    size_t n = 99;
    char err[256];
    const int32_t noncase[] = {0, 2}, outside[] = {16}, negative[] = {-1};

    (void)state;
    add_case(0, T0 + 5 * DAY, 0, 0);
    home(0, 0);
    home(2, 0);
    build();
    memset(&o, 0, sizeof o);
    o.depth = 3;
    err[0] = 0;
    assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_EINVAL);
    assert_null(k);
    assert_int_equal(n, 0);
    assert_true(strlen(err) > 0);
    o.depth = 0;
    assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_EINVAL);
    o.depth = 1;
    o.cases = noncase; /* person 2 exists but is not a case */
    o.ncases = 2;
    err[0] = 0;
    n = 99;
    assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_ENOENT);
    assert_null(k);
    assert_int_equal(n, 0);
    assert_non_null(strstr(err, "2 is not a case"));
    o.cases = outside; /* no such person */
    o.ncases = 1;
    assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_ENOENT);
    o.cases = negative;
    assert_int_equal(fk_tracer_run(tr, &o, &k, &n, err, sizeof err), FK_ENOENT);
    assert_null(k);
}

/* Every number comes from the profile: look-back 1 day, venue window 5 minutes, 60-minute slots,
 * companions over 2 days. */
static void test_tracer__profile_numbers(void **state)
{
    int64_t c = T0 + 5 * DAY, ws = c - DAY;

    (void)state;
    prof.trace_lookback_days = 1;
    prof.venue_window_minutes = 5;
    prof.companion_slot_minutes = 60;
    prof.companion_days = 2;
    add_case(0, c, 0, 0);
    scan(0, 0, ws - 1);
    scan(1, 0, ws - 1);
    scan(0, 1, ws);
    scan(2, 1, ws + 5 * MIN);
    scan(0, 2, ws + 6 * HOUR);
    scan(3, 2, ws + 6 * HOUR + 5 * MIN + 1);
    ping(0, 0, c - 2 * DAY);
    ping(4, 0, c - 2 * DAY + 59 * MIN);
    ping(0, 1, c - 2 * DAY - 1);
    ping(5, 1, c - 2 * DAY - 1);
    build();
    run(1);
    absent(1);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, ws + 5 * MIN);
    absent(3);
    expect(4, FK_CAT_COMPANION, 0, FK_VIA_CELL, 0, c - 2 * DAY);
    absent(5);
    assert_int_equal(ngot, 2);
}

/* A venue window of 0 minutes: only scans in the same second. */
static void test_tracer__zero_venue_window(void **state)
{
    int64_t c = T0 + 5 * DAY, t = T0 + 3 * DAY;

    (void)state;
    prof.venue_window_minutes = 0;
    add_case(0, c, 0, 0);
    scan(0, 0, t);
    scan(1, 0, t);
    scan(2, 0, t + 1);
    scan(3, 0, t - 1);
    build();
    run(1);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 0, t);
    assert_int_equal(ngot, 1);
}

/* Output order: category, then exposure, then person. */
static void test_tracer__output_order(void **state)
{
    int64_t c = T0 + 6 * DAY, ws = c - 4 * DAY;
    static const int32_t want[] = {2, 5, 7, 1, 3, 6, 0, 8};
    size_t i;

    (void)state;
    add_case(9, c, 0, 0);
    home(9, 0);
    home(5, 0);
    home(2, 0);
    scan(9, 0, ws + 2 * HOUR);
    scan(1, 0, ws + 2 * HOUR);
    scan(9, 1, ws + HOUR);
    scan(7, 1, ws + HOUR);
    home(7, 1);
    home(3, 1);
    scan(7, 2, ws + 3 * HOUR);
    scan(6, 2, ws + 3 * HOUR);
    ping(9, 0, ws + 4 * HOUR);
    ping(8, 0, ws + 4 * HOUR);
    ping(9, 1, ws - 3 * DAY);
    ping(0, 1, ws - 3 * DAY);
    build();
    run(2);
    assert_int_equal(ngot, sizeof want / sizeof want[0]);
    for (i = 0; i < ngot; i++) {
        if (got[i].person != want[i])
            print_error("position %zu: person %d, expected %d\n", i, got[i].person, want[i]);
        assert_int_equal(got[i].person, want[i]);
    }
    expect(3, FK_CAT_SECONDARY, 7, FK_VIA_HOUSEHOLD, 1, ws + HOUR);
    expect(6, FK_CAT_SECONDARY, 7, FK_VIA_VENUE, 2, ws + 3 * HOUR);
}

/* The explanation of a secondary contact: the case, the close contact in between, the contact. */
static void test_tracer__explain(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;
    fk_table *tb = NULL;
    char err[256];
    int rc;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 0, t);
    scan(1, 0, t + 5 * MIN);
    scan(1, 1, t + HOUR);
    scan(2, 1, t + HOUR + 20 * MIN);
    build();
    run(2);
    rc = fk_tracer_explain(tr, NULL, got, ngot, 2, &tb, err, sizeof err);
    assert_int_equal(rc, FK_OK);
    assert_int_equal(fk_table_nrows(tb), 3);
    assert_string_equal(fk_table_get(tb, 0, 1), "case");
    assert_string_equal(fk_table_get(tb, 0, 2), "0");
    assert_string_equal(fk_table_get(tb, 1, 1), "close");
    assert_string_equal(fk_table_get(tb, 1, 2), "1");
    assert_string_equal(fk_table_get(tb, 1, 4), "venue:0");
    assert_string_equal(fk_table_get(tb, 1, 5), "2022-08-23T00:05:00+08:00");
    assert_string_equal(fk_table_get(tb, 2, 1), "secondary");
    assert_string_equal(fk_table_get(tb, 2, 2), "2");
    assert_string_equal(fk_table_get(tb, 2, 4), "venue:1");
    assert_string_equal(fk_table_get(tb, 2, 5), "2022-08-23T01:20:00+08:00");
    assert_non_null(strstr(fk_table_get(tb, 2, 6), "2022-08-23T01:00:00+08:00"));
    assert_non_null(strstr(fk_table_get(tb, 2, 6), "20 min apart"));
    fk_table_free(tb);
    tb = NULL;
    rc = fk_tracer_explain(tr, NULL, got, ngot, 3, &tb, err, sizeof err);
    assert_int_equal(rc, FK_ENOENT);
    assert_null(tb);
    rc = fk_tracer_explain(tr, NULL, got, ngot, 0, &tb, err, sizeof err); /* the case itself */
    assert_int_equal(rc, FK_ENOENT);
    assert_null(tb);
}

/* fk_tracer_new checks every index against its count, and frees the arrays either way. */
static void test_tracer__new_rejects_bad_index(void **state)
{
    struct fk_trace_input in;
    fk_tracer *t = NULL;
    int rc;

    (void)state;
    add_case(0, T0 + 5 * DAY, 0, 0);
    scan(0, 1, T0);
    ping(1, 1, T0);
    make_input(&in);
    in.nvenues = 1; /* venue 1 is out of range */
    rc = fk_tracer_new(&in, &prof, &t);
    fk_tracer_free(t);
    assert_int_equal(rc, FK_EINVAL);
    assert_null(t);
    make_input(&in);
    in.ncells = 1;
    rc = fk_tracer_new(&in, &prof, &t);
    fk_tracer_free(t);
    assert_int_equal(rc, FK_EINVAL);
    assert_null(t);
    make_input(&in);
    in.cases[0].person = (int64_t)w.npersons;
    rc = fk_tracer_new(&in, &prof, &t);
    fk_tracer_free(t);
    assert_int_equal(rc, FK_EINVAL);
    assert_null(t);
}

/* The header promises FK_EINVAL for any index out of range; a household index past nhouseholds
 * would otherwise be read past the end of the household index by fk_tracer_run. */
static void test_tracer__new_rejects_bad_household(void **state)
{
    struct fk_trace_input in;
    fk_tracer *t = NULL;
    int rc;

    (void)state;
    add_case(0, T0 + 5 * DAY, 0, 0);
    home(0, 0);
    home(1, 0);
    make_input(&in);
    in.household[0] = 5; /* nhouseholds is 1 */
    rc = fk_tracer_new(&in, &prof, &t);
    fk_tracer_free(t);
    assert_int_equal(rc, FK_EINVAL);
    assert_null(t);
}

static void test_tracer__no_cases(void **state)
{
    (void)state;
    scan(0, 0, T0);
    scan(1, 0, T0);
    build();
    run(2);
    assert_int_equal(ngot, 0);
}

/* ---- a randomized world against a brute force straight from the rules ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)((rng >> 11) % n);
}

static int64_t local_midnight(int64_t t)
{
    return t - (t + 8 * HOUR) % DAY;
}

#define RP 300

static void random_world(void)
{
    size_t i;

    w.npersons = RP;
    for (i = 0; i < RP; i++)
        w.household[i] = rnd(4) == 0 ? -1 : (int32_t)rnd(100);
    w.nhouseholds = 100;
    for (i = 0; i < 5000; i++) {
        int64_t t = T0 + rnd((uint32_t)(20 * DAY));

        if (i % 2) /* half on a 5-minute grid, so that the window's edges are hit exactly */
            t -= t % (5 * MIN);
        scan((int32_t)rnd(RP), (int32_t)rnd(6), t);
    }
    for (i = 0; i < 3000; i++) {
        int64_t t = T0 + rnd((uint32_t)(20 * DAY));

        if (i % 3 == 0)
            t -= t % (10 * MIN);
        else if (i % 3 == 1)
            t = t - t % (10 * MIN) + 599;
        ping((int32_t)rnd(RP), (int32_t)rnd(4), t);
    }
    while (w.ncases < 12) {
        int32_t p = (int32_t)rnd(RP);
        int64_t conf = T0 + 12 * DAY + rnd((uint32_t)(8 * DAY)), onset = 0, iso = 0, ws, we;

        for (i = 0; i < w.ncases && w.cases[i].person != p; i++)
            ;
        if (i < w.ncases)
            continue;
        conf -= conf % MIN;
        if (rnd(3))
            onset = local_midnight(conf - rnd(3) * DAY);
        if (rnd(3) == 0)
            iso = conf - rnd((uint32_t)(2 * DAY));
        else if (rnd(2) == 0)
            iso = conf + rnd((uint32_t)DAY);
        add_case(p, conf, onset, iso);
        ws = (onset ? onset : conf) - 4 * DAY;
        we = iso ? iso : conf;
        /* Events on the edges, each with a partner on an edge of its own. */
        scan(p, (int32_t)rnd(6), ws - 1);
        scan((int32_t)rnd(RP), w.scans[w.nscans - 1].place, ws - 1 + 30 * MIN);
        scan(p, (int32_t)rnd(6), ws);
        scan((int32_t)rnd(RP), w.scans[w.nscans - 1].place, ws - 30 * MIN);
        scan(p, (int32_t)rnd(6), we);
        scan((int32_t)rnd(RP), w.scans[w.nscans - 1].place, we + 30 * MIN);
        scan((int32_t)rnd(RP), w.scans[w.nscans - 2].place, we + 31 * MIN);
        scan(p, (int32_t)rnd(6), we + 1);
        scan((int32_t)rnd(RP), w.scans[w.nscans - 1].place, we + 1);
        ping(p, (int32_t)rnd(4), conf - 14 * DAY - 1);
        ping((int32_t)rnd(RP), w.pings[w.npings - 1].place, conf - 14 * DAY - 1);
        ping(p, (int32_t)rnd(4), conf - 14 * DAY);
        ping((int32_t)rnd(RP), w.pings[w.npings - 1].place, conf - 14 * DAY);
        ping(p, (int32_t)rnd(4), conf);
        ping((int32_t)rnd(RP), w.pings[w.npings - 1].place, conf - conf % (10 * MIN) + 599);
        ping(p, (int32_t)rnd(4), conf + 1);
        ping((int32_t)rnd(RP), w.pings[w.npings - 1].place, conf + 1);
    }
}

static uint8_t bcat[MAXP];
static int64_t bexp[MAXP];

static void boffer(int32_t p, int cat, int64_t at)
{
    if (!bcat[p] || cat < bcat[p] || (cat == bcat[p] && at < bexp[p])) {
        bcat[p] = (uint8_t)cat;
        bexp[p] = at;
    }
}

static int is_case(int32_t p)
{
    size_t i;

    for (i = 0; i < w.ncases; i++)
        if (w.cases[i].person == p)
            return 1;
    return 0;
}

/* Everyone within the venue window of src's scans at or after `from` and at or before `to`. */
static void bvenues(int32_t src, int cat, int64_t from, int64_t to, int64_t win)
{
    size_t a, b;

    for (a = 0; a < w.nscans; a++) {
        const struct ev *x = &w.scans[a];

        if (x->person != src || x->time < from || x->time > to)
            continue;
        for (b = 0; b < w.nscans; b++) {
            const struct ev *y = &w.scans[b];
            int64_t d = y->time - x->time;

            if (y->place == x->place && y->person != src && d <= win && -d <= win)
                boffer(y->person, cat, x->time > y->time ? x->time : y->time);
        }
    }
}

static void bhousehold(int32_t src, int cat, int64_t at)
{
    size_t p;

    for (p = 0; p < w.npersons; p++)
        if ((int32_t)p != src && w.household[src] >= 0 && w.household[p] == w.household[src])
            boffer((int32_t)p, cat, at);
}

/* The rules of DESIGN.md, literally: nested loops over every event, no index. pick: the cases to
 * trace (NULL: all). */
static void brute(int depth, int64_t since, const uint8_t *pick)
{
    int64_t win = (int64_t)prof.venue_window_minutes * 60;
    int64_t slot = (int64_t)prof.companion_slot_minutes * 60;
    uint8_t ccat[MAXP];
    int64_t cexp[MAXP];
    size_t i, a, b;

    memset(bcat, 0, sizeof bcat);
    memset(bexp, 0, sizeof bexp);
    for (i = 0; i < w.ncases; i++) {
        const struct fk_case_row *c = &w.cases[i];
        int32_t src = (int32_t)c->person;
        int64_t start = (c->onset ? c->onset : c->confirmed) - prof.trace_lookback_days * DAY;
        int64_t end = c->isolated ? c->isolated : c->confirmed;

        if ((pick && !pick[i]) || c->confirmed < since)
            continue;
        bhousehold(src, FK_CAT_CLOSE, start);
        bvenues(src, FK_CAT_CLOSE, start, end, win);
        for (a = 0; a < w.npings; a++) {
            const struct ev *x = &w.pings[a];

            if (x->person != src || x->time < c->confirmed - prof.companion_days * DAY ||
                x->time > c->confirmed)
                continue;
            for (b = 0; b < w.npings; b++) {
                const struct ev *y = &w.pings[b];

                if (y->place == x->place && y->person != src && y->time / slot == x->time / slot)
                    boffer(y->person, FK_CAT_COMPANION, x->time / slot * slot);
            }
        }
    }
    if (depth == 2) {
        memcpy(ccat, bcat, sizeof ccat);
        memcpy(cexp, bexp, sizeof cexp);
        for (i = 0; i < w.npersons; i++) {
            if (ccat[i] != FK_CAT_CLOSE || is_case((int32_t)i))
                continue;
            bhousehold((int32_t)i, FK_CAT_SECONDARY, cexp[i]);
            bvenues((int32_t)i, FK_CAT_SECONDARY, cexp[i], INT64_MAX, win);
        }
    }
    for (i = 0; i < w.ncases; i++)
        bcat[w.cases[i].person] = 0;
}

/* The reason given for k is true: the events it names exist and satisfy the rule. */
static void check_reason(const struct fk_contact *k)
{
    int64_t win = (int64_t)prof.venue_window_minutes * 60;
    int64_t slot = (int64_t)prof.companion_slot_minutes * 60;
    int src_ok = 0, dst_ok = 0;
    size_t i;

    if (k->via == FK_VIA_HOUSEHOLD) {
        assert_true(k->via_id >= 0);
        assert_int_equal(w.household[k->person], k->via_id);
        assert_int_equal(w.household[k->source], k->via_id);
        return;
    }
    if (k->via == FK_VIA_VENUE) {
        for (i = 0; i < w.nscans; i++) {
            const struct ev *e = &w.scans[i];

            src_ok |= e->person == k->source && e->place == k->via_id && e->time == k->source_time;
            dst_ok |= e->person == k->person && e->place == k->via_id && e->time == k->contact_time;
        }
        assert_true(k->source_time - k->contact_time <= win);
        assert_true(k->contact_time - k->source_time <= win);
        assert_int_equal(k->exposure,
                         k->source_time > k->contact_time ? k->source_time : k->contact_time);
    } else {
        assert_int_equal(k->via, FK_VIA_CELL);
        for (i = 0; i < w.npings; i++) {
            const struct ev *e = &w.pings[i];

            src_ok |= e->person == k->source && e->place == k->via_id && e->time == k->source_time;
            dst_ok |= e->person == k->person && e->place == k->via_id &&
                      e->time / slot == k->source_time / slot;
        }
        assert_int_equal(k->exposure, k->source_time / slot * slot);
    }
    assert_true(src_ok);
    assert_true(dst_ok);
}

static void compare(int depth, int64_t since, const uint8_t *pick, size_t *counts)
{
    int32_t cases[MAXC];
    size_t i, ncases = 0, nwant = 0, bad = 0;

    for (i = 0; pick && i < w.ncases; i++)
        if (pick[i])
            cases[ncases++] = (int32_t)w.cases[i].person;
    brute(depth, since, pick);
    run_opts(depth, since, pick ? cases : NULL, ncases);
    for (i = 0; i < w.npersons; i++)
        nwant += bcat[i] != 0;
    for (i = 0; i < ngot; i++) {
        const struct fk_contact *k = &got[i];

        if (bcat[k->person] != k->category || bexp[k->person] != k->exposure) {
            print_error("person %d: got %s at %lld, brute force %s at %lld\n", k->person,
                        fk_category_name(k->category), (long long)k->exposure,
                        fk_category_name(bcat[k->person]), (long long)bexp[k->person]);
            bad++;
        }
        check_reason(k);
        if (k->category == FK_CAT_SECONDARY) {
            const struct fk_contact *mid = find(k->source);

            assert_non_null(mid);
            assert_int_equal(mid->category, FK_CAT_CLOSE);
            assert_int_equal(mid->root, k->root);
        } else {
            assert_true(is_case(k->source));
            assert_int_equal(k->root, k->source);
        }
        if (i > 0)
            assert_true(got[i - 1].category < k->category ||
                        (got[i - 1].category == k->category &&
                         (got[i - 1].exposure < k->exposure ||
                          (got[i - 1].exposure == k->exposure && got[i - 1].person < k->person))));
        counts[k->category]++;
    }
    if (nwant != ngot)
        print_error("%zu contacts, brute force %zu\n", ngot, nwant);
    assert_int_equal(bad, 0);
    assert_int_equal(ngot, nwant);
    same_under_every_plan(depth, since, pick ? cases : NULL, ncases);
}

static void test_tracer__random_vs_brute_force(void **state)
{
    size_t c1[4] = {0}, c2[4] = {0}, c3[4] = {0}, c4[4] = {0}, i;
    uint8_t pick[MAXC];
    int64_t since;

    (void)state;
    random_world();
    build();
    compare(1, 0, NULL, c1);
    compare(2, 0, NULL, c2);
    /* The world must exercise every rule, or the comparison proves little. */
    assert_true(c1[FK_CAT_CLOSE] > 50);
    assert_true(c1[FK_CAT_COMPANION] > 10);
    assert_int_equal(c1[FK_CAT_SECONDARY], 0);
    assert_true(c2[FK_CAT_SECONDARY] > 100);
    assert_int_equal(c2[FK_CAT_CLOSE], c1[FK_CAT_CLOSE]);
    /* Half the cases, then only the later ones. */
    for (i = 0; i < w.ncases; i++)
        pick[i] = (uint8_t)(i % 2);
    compare(2, 0, pick, c3);
    since = w.cases[0].confirmed;
    compare(2, since, NULL, c4);
    /* Another profile over the same events. */
    prof.trace_lookback_days = 2;
    prof.venue_window_minutes = 7;
    prof.companion_slot_minutes = 30;
    prof.companion_days = 3;
    memset(c4, 0, sizeof c4);
    build();
    compare(2, 0, NULL, c4);
    assert_true(c4[FK_CAT_CLOSE] > 0);
    assert_true(c4[FK_CAT_COMPANION] > 0);
}

/* Crowded venues: many persons on a one-minute grid (so that equal times abound), cases
 * whose scans overlap each other's windows, a person who is a case twice with two windows, and
 * households; checked against the brute force with both plans, under three venue windows. */
static void test_tracer__crowded_venue(void **state)
{
    size_t c1[4] = {0}, c2[4] = {0}, i;
    int64_t day = T0 + 10 * DAY;
    static const int windows[] = {30, 0, 7};

    (void)state;
    w.npersons = RP;
    for (i = 0; i < RP; i++)
        w.household[i] = rnd(3) == 0 ? (int32_t)rnd(60) : -1;
    w.nhouseholds = 60;
    for (i = 0; i < 3000; i++)
        scan((int32_t)rnd(RP), (int32_t)rnd(3), day + rnd(4 * 24 * 60) * MIN);
    for (i = 0; i < 10; i++)
        add_case((int32_t)(i * 7), day + 2 * DAY + (int64_t)i * HOUR, 0,
                 i % 3 == 0 ? day + (int64_t)(i + 1) * 20 * MIN : 0);
    add_case(7, day + 2 * HOUR, day + 4 * DAY + HOUR, 0); /* person 7 again: a later window */
    for (i = 0; i < sizeof windows / sizeof windows[0]; i++) {
        prof.venue_window_minutes = windows[i];
        memset(c1, 0, sizeof c1);
        memset(c2, 0, sizeof c2);
        build();
        compare(1, 0, NULL, c1);
        compare(2, 0, NULL, c2);
        print_message("venue window %d min: %zu close, %zu secondary\n", windows[i],
                      c2[FK_CAT_CLOSE], c2[FK_CAT_SECONDARY]);
        assert_true(c1[FK_CAT_CLOSE] > 10);
        assert_true(c2[FK_CAT_SECONDARY] > 5);
    }
}

/* Both ways of ordering the output: a list much smaller than the city (sorted from the list, not
 * over every person), and exposures too far apart for the packed sort key (qsort). */
static void test_tracer__output_order_sparse_and_wide(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;
    int plan;

    (void)state;
    w.npersons = MAXP;
    add_case(400, c, 0, 0);
    scan(400, 3, t);
    scan(300, 3, t + 10 * MIN);
    scan(200, 3, t + 10 * MIN);
    scan(100, 3, t - 10 * MIN);
    scan(500, 3, t + 31 * MIN);
    for (plan = 0; plan <= 2; plan++) {
        build();
        fk__tracer_set_plan(tr, plan);
        run(1);
        assert_int_equal(ngot, 3);
        assert_int_equal(got[0].person, 100);
        assert_int_equal(got[0].exposure, t);
        assert_int_equal(got[0].contact_time, t - 10 * MIN);
        assert_int_equal(got[1].person, 200);
        assert_int_equal(got[2].person, 300);
        assert_int_equal(got[2].exposure, t + 10 * MIN);
    }
    /* An onset in 1970: the household's exposure is decades before the venue's. */
    w.cases[0].onset = 10 * DAY;
    home(400, 0);
    home(450, 0);
    for (plan = 0; plan <= 2; plan++) {
        build();
        fk__tracer_set_plan(tr, plan);
        run(1);
        assert_int_equal(ngot, 4);
        expect(450, FK_CAT_CLOSE, 400, FK_VIA_HOUSEHOLD, 0, 6 * DAY);
        assert_int_equal(got[0].person, 450);
        assert_int_equal(got[1].person, 100);
        assert_int_equal(got[3].person, 300);
    }
}

/* Plan "pass" on two threads cuts the persons in two by scans (here 0-7 and 8-15, and 0-4, 5-10
 * and 11-15 on three), plan "offer" by persons (0-7 and 8-15; 0-4, 5-9, 10-15): a contact in one
 * part whose best reason is a case in the other, both ways; a person of the second part listed
 * first by household and then displaced in place by a venue reason of equal exposure from a lower
 * source; one of the first part whose household reason stays. */
static void test_tracer__threads_split_persons(void **state)
{
    int64_t ca = T0 + 6 * DAY, cb = T0 + 7 * DAY, cc = T0 + 6 * DAY + 10 * HOUR;
    int64_t wsb = cb - 4 * DAY, wsc = cc - 4 * DAY, ta = T0 + 4 * DAY + 10 * HOUR;
    int64_t tb = T0 + 5 * DAY + 12 * HOUR;
    int32_t p;
    int threads, plan, j;

    (void)state;
    add_case(1, ca, 0, 0);  /* A, in the first part */
    add_case(14, cb, 0, 0); /* B, in the second */
    add_case(15, cc, 0, 0); /* C, in the second */
    home(12, 0);
    home(15, 0);
    home(3, 1);
    home(14, 1);
    scan(1, 0, wsc); /* inside A's window, at the start of C's */
    scan(1, 0, ta);
    scan(13, 0, ta + 5 * MIN);
    scan(12, 0, wsc - 5 * MIN);
    scan(14, 1, tb);
    scan(2, 1, tb + 10 * MIN);
    scan(3, 0, ta);
    for (p = 0; p < 16; p++)
        for (j = 0; j < 4; j++)
            scan(p, 5, T0 + 20 * DAY + p * MIN + j);
    build();
    for (threads = 1; threads <= 6; threads++) {
        plan = threads <= 3 ? 2 : 1;
        fk__tracer_set_plan(tr, plan);
        fk__tracer_set_threads(tr, threads <= 3 ? threads : threads - 3);
        run(1);
        expect(2, FK_CAT_CLOSE, 14, FK_VIA_VENUE, 1, tb + 10 * MIN);
        expect_times(2, 14, tb, tb + 10 * MIN);
        expect(3, FK_CAT_CLOSE, 14, FK_VIA_HOUSEHOLD, 1, wsb);
        expect(12, FK_CAT_CLOSE, 1, FK_VIA_VENUE, 0, wsc);
        expect_times(12, 1, wsc, wsc - 5 * MIN);
        expect(13, FK_CAT_CLOSE, 1, FK_VIA_VENUE, 0, ta + 5 * MIN);
        expect_times(13, 1, ta, ta + 5 * MIN);
        assert_int_equal(ngot, 4);
    }
    fk__tracer_set_plan(tr, 0);
    fk__tracer_set_threads(tr, 0);
    run(1);
    assert_int_equal(ngot, 4);
    same_under_every_plan(1, 0, NULL, 0);
    run(2);
    same_under_every_plan(2, 0, NULL, 0);
}

/* fk_tracer_run_into: an empty answer still leaves a buffer; a failed run (depth 3) leaves the
 * caller's buffer with the caller and no contacts. */
static void test_tracer__run_into_buffer(void **state)
{
    struct fk_trace_opts o;
    struct fk_contact *buf = NULL;
    size_t cap = 0, n = 7;
    char err[256] = "";

    (void)state;
    add_case(0, T0 + 6 * DAY, 0, 0);
    build();
    memset(&o, 0, sizeof o);
    o.depth = 1;
    assert_int_equal(fk_tracer_run_into(tr, &o, &buf, &cap, &n, err, sizeof err), FK_OK);
    assert_non_null(buf);
    assert_int_equal(cap, 1);
    assert_int_equal(n, 0);
    o.depth = 3;
    n = 7;
    assert_int_equal(fk_tracer_run_into(tr, &o, &buf, &cap, &n, err, sizeof err), FK_EINVAL);
    assert_int_equal(n, 0);
    assert_non_null(buf);
    assert_int_equal(cap, 1);
    free(buf);
}

/* The sort's keys are exposures less the least exposure ever stored, kept as reasons are stored,
 * not looked up afterwards: here the earliest exposure of all is one that replaced a later
 * reason, first in the pass (person 2: a venue reason earlier than its household's), then, with
 * two more cases, among household offers (person 7: two cases in its household, the earlier
 * window second). The list is dense (16 persons) and then sparse (512). */
static void test_tracer__order_after_earlier_replacement(void **state)
{
    int64_t ca = T0 + 8 * DAY, cb = T0 + 6 * DAY, cc = T0 + 9 * DAY, cd = T0 + 5 * DAY;
    int64_t tb = T0 + 2 * DAY + 10 * HOUR, t4 = T0 + 5 * DAY + 9 * HOUR;
    size_t np, k;
    int more;

    (void)state;
    add_case(0, ca, 0, 0); /* A: window from ca - 4 days */
    add_case(1, cb, 0, 0); /* B: from cb - 4 days */
    home(0, 0);
    home(2, 0);
    home(3, 0);
    scan(1, 0, tb);
    scan(2, 0, tb + 5 * MIN);
    scan(0, 1, t4 - 10 * MIN);
    scan(4, 1, t4);
    for (more = 0; more <= 1; more++) {
        if (more) {
            add_case(5, cc, 0, 0); /* C, then D: one household, D's window earlier */
            add_case(6, cd, 0, 0);
            home(5, 1);
            home(6, 1);
            home(7, 1);
        }
        for (np = 16; np <= MAXP; np += MAXP - 16) {
            w.npersons = np;
            build();
            run(1);
            assert_int_equal(ngot, 3 + (size_t)more);
            if (more)
                expect(7, FK_CAT_CLOSE, 6, FK_VIA_HOUSEHOLD, 1, cd - 4 * DAY);
            expect(2, FK_CAT_CLOSE, 1, FK_VIA_VENUE, 0, tb + 5 * MIN);
            expect(3, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, ca - 4 * DAY);
            expect(4, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, t4);
            k = (size_t)more;
            if (more)
                assert_int_equal(got[0].person, 7);
            assert_int_equal(got[k].person, 2);
            assert_int_equal(got[k + 1].person, 3);
            assert_int_equal(got[k + 2].person, 4);
            same_under_every_plan(1, 0, NULL, 0);
        }
    }
}

/* A household's exposure is an int64 (the window start): one before 1970 is listed as it is, and
 * so are its two times; a secondary contact reached from that close contact carries the case as
 * its root, and the close contact's scans count from that exposure on. */
static void test_tracer__household_exposure_before_1970(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;

    (void)state;
    add_case(0, c, DAY, 0); /* onset 1970-01-02: the window starts 3 days before 1970 */
    home(0, 0);
    home(2, 0);
    scan(0, 1, t);
    scan(3, 1, t + 10 * MIN);
    scan(2, 2, t + HOUR);
    scan(9, 2, t + HOUR + 5 * MIN);
    build();
    run(2);
    assert_int_equal(ngot, 3);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_HOUSEHOLD, 0, -3 * DAY);
    expect_times(2, 0, -3 * DAY, -3 * DAY);
    expect(3, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, t + 10 * MIN);
    expect(9, FK_CAT_SECONDARY, 2, FK_VIA_VENUE, 2, t + HOUR + 5 * MIN);
    expect_times(9, 0, t + HOUR, t + HOUR + 5 * MIN);
    assert_int_equal(got[0].person, 2);
    assert_int_equal(got[1].person, 3);
    assert_int_equal(got[2].person, 9);
    same_under_every_plan(2, 0, NULL, 0);
}

/* Among a source's scans that give a contact the same exposure, the earliest is shown, in
 * whatever order the scans were given; and a person whose scans come out of time order is
 * still found (the pass stops at a person's first scan past the span, so it relies on
 * fk_tracer_new's ordering). */
static void test_tracer__earliest_source_scan_among_equals(void **state)
{
    int64_t c = T0 + 6 * DAY, t = T0 + 3 * DAY;

    (void)state;
    add_case(0, c, 0, 0);
    scan(0, 1, t + 20 * MIN); /* given first, but the later of the two */
    scan(0, 1, t);
    scan(1, 1, t + 25 * MIN); /* both case scans are within 30 min, before it: exposure t + 25 */
    scan(2, 1, t + 45 * MIN); /* only the t + 20 scan is within 30 min */
    scan(3, 2, c + DAY);      /* after every window: given first */
    scan(3, 1, t + 10 * MIN);
    build();
    run(1);
    assert_int_equal(ngot, 3);
    expect(1, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, t + 25 * MIN);
    expect_times(1, 0, t, t + 25 * MIN);
    expect(2, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, t + 45 * MIN);
    expect_times(2, 0, t + 20 * MIN, t + 45 * MIN);
    expect(3, FK_CAT_CLOSE, 0, FK_VIA_VENUE, 1, t + 10 * MIN);
    expect_times(3, 0, t, t + 10 * MIN);
    same_under_every_plan(1, 0, NULL, 0);
}

/* Persons with long scan histories (600 and 100 scans, past each of fk_tracer_new's ways of
 * ordering them) given in random order, on a one-minute grid so that equal times abound: the
 * answer matches the brute force, and reversing every person's scans changes nothing, field by
 * field. */
static void test_tracer__scans_in_any_order(void **state)
{
    size_t c1[4] = {0}, c2[4] = {0}, i, j, n;
    int64_t day = T0 + 10 * DAY;
    struct fk_contact *want;
    struct ev tmp;

    (void)state;
    w.npersons = RP;
    for (i = 0; i < 2 * 600; i++)
        scan((int32_t)(i % 2), (int32_t)rnd(8), day + rnd(6 * 24 * 60) * MIN);
    for (i = 0; i < 8 * 100; i++)
        scan((int32_t)(2 + i % 8), (int32_t)rnd(8), day + rnd(6 * 24 * 60) * MIN);
    for (i = 0; i < 3000; i++)
        scan((int32_t)rnd(RP), (int32_t)rnd(100), day + rnd(6 * 24 * 60) * MIN);
    add_case(0, day + 4 * DAY, 0, 0);
    add_case(3, day + 5 * DAY, 0, 0);
    add_case(50, day + 3 * DAY, 0, 0);
    build();
    compare(1, 0, NULL, c1);
    compare(2, 0, NULL, c2);
    assert_true(c1[FK_CAT_CLOSE] > 50);
    assert_true(c2[FK_CAT_SECONDARY] > 50);
    n = ngot;
    want = malloc(n * sizeof *want);
    assert_non_null(want);
    memcpy(want, got, n * sizeof *want);
    for (i = 0, j = w.nscans - 1; i < j; i++, j--) {
        tmp = w.scans[i];
        w.scans[i] = w.scans[j];
        w.scans[j] = tmp;
    }
    build();
    run(2);
    assert_int_equal(ngot, n);
    for (i = 0; i < n; i++) {
        char what[64];

        snprintf(what, sizeof what, "scans reversed, row %zu", i);
        assert_same_contact(&got[i], &want[i], what, "as given");
    }
    free(want);
}

/* Puts persons P0 .. Pn-1 of grid G1, each named name with phone (NULL: none), into st; their
 * ids into ids. */
static void put_persons(fk_store *st, size_t n, const char *name, const char *phone, int64_t *ids)
{
    enum fk_put did;
    size_t i;

    for (i = 0; i < n; i++) {
        struct fk_person_row p;
        char idn[32];

        memset(&p, 0, sizeof p);
        snprintf(idn, sizeof idn, "P%zu", i);
        p.id_number = idn;
        p.name = name;
        p.phone = phone;
        p.grid = "G1";
        assert_int_equal(fk_store_put_person(st, &p, &ids[i], &did), FK_OK);
    }
}

/* Persons P0 (a case), P1, P2 named name in a new store *st, P0 and P1 at venue V0 together. */
static void store_of(fk_store **st, const char *name)
{
    int64_t t = T0 + 3 * DAY, ids[3], vid;
    struct fk_venue_row v;
    struct fk_case_row cs;
    enum fk_put did;
    char err[256] = "";

    assert_int_equal(fk_store_open(":memory:", st, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_begin(*st), FK_OK);
    put_persons(*st, 3, name, "13900000000", ids);
    memset(&v, 0, sizeof v);
    v.code = v.name = "V0";
    assert_int_equal(fk_store_put_venue(*st, &v, &vid, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(*st, ids[0], vid, t, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(*st, ids[1], vid, t + 20 * MIN, &did), FK_OK);
    memset(&cs, 0, sizeof cs);
    cs.person = ids[0];
    cs.confirmed = T0 + 6 * DAY;
    cs.kind = FK_CASE_CONFIRMED;
    assert_int_equal(fk_store_put_case(*st, &cs, &did), FK_OK);
    assert_int_equal(fk_store_commit(*st), FK_OK);
}

/* Names come through the caller's connection (issue 14 §4): a tracer built from one store, then
 * closed, renders its contacts with the names of the store it is given. */
static void test_tracer__names_through_callers_store(void **state)
{
    struct fk_trace_opts o = opts_of(1, 0, NULL, 0);
    fk_store *built = NULL, *caller = NULL;
    fk_table *tb = NULL;
    char err[256] = "";

    (void)state;
    store_of(&built, "old name");
    assert_int_equal(fk_tracer_build(built, &prof, &tr, err, sizeof err), FK_OK);
    fk_store_close(built);
    store_of(&caller, "new name");
    assert_int_equal(fk_tracer_run(tr, &o, &got, &ngot, err, sizeof err), FK_OK);
    assert_int_equal(ngot, 1);
    assert_int_equal(fk_tracer_table(tr, caller, got, ngot, &tb, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(tb), 1);
    assert_string_equal(fk_table_get(tb, 0, 0), "P1");
    assert_string_equal(fk_table_get(tb, 0, 1), "new name");
    fk_table_free(tb);
    fk_tracer_free(tr);
    tr = NULL;
    fk_store_close(caller);
}

/* A city of 40 persons in a data file of its own (the roster is a file beside it): P0 a case at
 * V0 with P1 .. P9 there within the venue window (close), P1 .. P4 then at V1 with P10 .. P29
 * (secondary), and P30 .. P39 elsewhere. Names and phones vary: empty, 300 bytes (past what
 * fk_tracer_explain keeps), quotes and commas. */
static void city_of(char *dir, size_t dircap, char *db, size_t dbcap, fk_store **st)
{
    int64_t t = T0 + 3 * DAY, ids[40], vid[3];
    struct fk_case_row cs;
    enum fk_put did;
    char longname[301];
    size_t i;

    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(open_test_store(dir, dircap, "trace-roster", db, dbcap, st), 0);
    assert_int_equal(fk_store_begin(*st), FK_OK);
    for (i = 0; i < 40; i++) {
        struct fk_person_row p;
        char idn[32], name[48], phone[32];

        memset(&p, 0, sizeof p);
        snprintf(idn, sizeof idn, i % 7 == 3 ? "LONG-DOCUMENT-NUMBER-%030zu" : "P%zu", i);
        snprintf(name, sizeof name, i % 5 == 2 ? "王\"五\",%zu" : "姓名%zu", i);
        snprintf(phone, sizeof phone, "139%08zu", i);
        p.id_number = idn;
        p.name = i % 6 == 1 ? "" : i % 6 == 4 ? longname : name;
        p.phone = i % 4 == 2 ? NULL : i % 4 == 3 ? "" : phone;
        p.grid = i % 3 ? "G1" : "G2";
        assert_int_equal(fk_store_put_person(*st, &p, &ids[i], &did), FK_OK);
    }
    for (i = 0; i < 3; i++) {
        struct fk_venue_row v;
        char code[8];

        memset(&v, 0, sizeof v);
        snprintf(code, sizeof code, "V%zu", i);
        v.code = v.name = code;
        assert_int_equal(fk_store_put_venue(*st, &v, &vid[i], &did), FK_OK);
    }
    assert_int_equal(fk_store_add_scan(*st, ids[0], vid[0], t, &did), FK_OK);
    for (i = 1; i < 10; i++)
        assert_int_equal(fk_store_add_scan(*st, ids[i], vid[0], t + (int64_t)i * MIN, &did), FK_OK);
    for (i = 1; i < 5; i++)
        assert_int_equal(fk_store_add_scan(*st, ids[i], vid[1], t + 2 * HOUR, &did), FK_OK);
    for (i = 10; i < 30; i++)
        assert_int_equal(
            fk_store_add_scan(*st, ids[i], vid[1], t + 2 * HOUR + (int64_t)(i - 10) * MIN, &did),
            FK_OK);
    for (i = 30; i < 40; i++)
        assert_int_equal(fk_store_add_scan(*st, ids[i], vid[2], t, &did), FK_OK);
    memset(&cs, 0, sizeof cs);
    cs.person = ids[0];
    cs.confirmed = T0 + 6 * DAY;
    cs.kind = FK_CASE_CONFIRMED;
    assert_int_equal(fk_store_put_case(*st, &cs, &did), FK_OK);
    assert_int_equal(fk_store_commit(*st), FK_OK);
}

/* Appends table tb as CSV to b and frees it. */
static void put_table(fk_buf *b, fk_table *tb)
{
    assert_int_equal(fk_table_render(tb, FK_FORMAT_CSV, 0, fk_table_nrows(tb), b), FK_OK);
    fk_table_free(tb);
}

/* Everything the tracer renders of got through st into b: the contact list, the chain of every
 * contact and of the case, the edges and the graph. */
static void render_all(fk_store *st, fk_buf *b)
{
    fk_table *tb = NULL;
    char err[256] = "";
    size_t i;

    assert_int_equal(fk_tracer_table(tr, st, got, ngot, &tb, err, sizeof err), FK_OK);
    put_table(b, tb);
    for (i = 0; i < ngot; i++) {
        assert_int_equal(fk_tracer_explain(tr, st, got, ngot, got[i].person, &tb, err, sizeof err),
                         FK_OK);
        put_table(b, tb);
    }
    assert_int_equal(fk_tracer_edges(tr, st, got, ngot, &tb, err, sizeof err), FK_OK);
    put_table(b, tb);
    assert_int_equal(fk_tracer_graph_json(tr, st, got, ngot, b, err, sizeof err), FK_OK);
}

/* Renders everything with roster r attached (NULL: none): it must equal want byte for byte.
 * *roster and *store get how many persons were shown from each meanwhile. */
static void expect_rendered(fk_store *st, fk_roster *r, const fk_buf *want, uint64_t *roster,
                            uint64_t *store)
{
    uint64_t r0, s0;
    fk_buf b;

    fk_buf_init(&b, 0);
    fk_tracer_named(tr, &r0, &s0);
    fk_tracer_use_roster(tr, r);
    render_all(st, &b);
    fk_tracer_use_roster(tr, NULL);
    fk_tracer_named(tr, roster, store);
    *roster -= r0;
    *store -= s0;
    assert_int_equal(b.len, want->len);
    assert_memory_equal(b.data, want->data, want->len);
    fk_buf_fini(&b);
}

/* Rendering from the roster (issue 19): the contact list, every chain, the edges and the graph are
 * the same byte for byte as from the store, and no person is read from the store; with blocks of
 * the roster's records damaged, the persons in them are read from the store and the output is
 * still the same; with a roster of another store's persons, it is not (the roster is used). */
static void test_tracer__renders_from_roster(void **state)
{
    struct fk_trace_opts o = opts_of(2, 0, NULL, 0);
    char dir[256], db[300], roster[320], err[512] = "";
    uint64_t from_roster, from_store, off, len, at;
    fk_roster *r = NULL;
    fk_store *st = NULL;
    fk_buf want;
    size_t i, ncat[4] = {0, 0, 0, 0};

    (void)state;
    city_of(dir, sizeof dir, db, sizeof db, &st);
    snprintf(roster, sizeof roster, "%s.roster", db);
    assert_int_equal(fk_tracer_build(st, &prof, &tr, err, sizeof err), FK_OK);
    assert_int_equal(fk_tracer_run(tr, &o, &got, &ngot, err, sizeof err), FK_OK);
    for (i = 0; i < ngot; i++)
        ncat[got[i].category & 3]++;
    assert_int_equal(ncat[FK_CAT_CLOSE], 9);
    assert_true(ncat[FK_CAT_SECONDARY] >= 10);
    fk_buf_init(&want, 0);
    render_all(st, &want);
    assert_non_null(strstr(want.data, "xxxxxxxxxx"));

    /* A current roster: every person from it. */
    assert_int_equal(fk_roster_write(st, roster, err, sizeof err), FK_OK);
    assert_int_equal(fk_roster_open(st, roster, &r, err, sizeof err), FK_OK);
    expect_rendered(st, r, &want, &from_roster, &from_store);
    assert_true(from_roster >= 30);
    assert_int_equal(from_store, 0);
    /* Detached: the store again. */
    expect_rendered(st, NULL, &want, &from_roster, &from_store);
    assert_int_equal(from_roster, 0);
    assert_true(from_store >= 30);
    fk_roster_close(r);

    /* In 64-byte blocks, every third block of the records damaged: some persons from the store. */
    fk__snap_set_block(64);
    assert_int_equal(fk_roster_write(st, roster, err, sizeof err), FK_OK);
    fk__snap_set_block(0);
    assert_int_equal(fk__roster_section(roster, "who_text", &off, &len), FK_OK);
    for (at = off + 64; at < off + len; at += 3 * 64)
        assert_int_equal(flip_byte(roster, (unsigned long)at), 0);
    assert_int_equal(fk_roster_open(st, roster, &r, err, sizeof err), FK_OK);
    expect_rendered(st, r, &want, &from_roster, &from_store);
    assert_true(from_roster > 0);
    assert_true(from_store > 0);
    fk_roster_close(r);

    /* The texts do come from the roster: one of a store whose persons are named otherwise (the
     * same ids) renders otherwise. */
    {
        fk_store *other = NULL;
        char odir[256], odb[300], oroster[320];
        fk_buf b;

        assert_int_equal(
            open_test_store(odir, sizeof odir, "trace-roster2", odb, sizeof odb, &other), 0);
        assert_int_equal(fk_store_begin(other), FK_OK);
        put_persons(other, 40, "另一个", "13800000000", (int64_t[40]){0});
        assert_int_equal(fk_store_commit(other), FK_OK);
        snprintf(oroster, sizeof oroster, "%s.roster", odb);
        assert_int_equal(fk_roster_write(other, oroster, err, sizeof err), FK_OK);
        assert_int_equal(fk_roster_map(oroster, &r, NULL, err, sizeof err), FK_OK);
        fk_buf_init(&b, 0);
        fk_tracer_use_roster(tr, r);
        render_all(st, &b);
        fk_tracer_use_roster(tr, NULL);
        assert_non_null(strstr(b.data, "另一个"));
        assert_null(strstr(want.data, "另一个"));
        fk_buf_fini(&b);
        fk_roster_close(r);
        fk_store_close(other);
        remove_dir(odir);
    }
    fk_buf_fini(&want);
    fk_tracer_free(tr);
    tr = NULL;
    fk_store_close(st);
    remove_dir(dir);
}

/* What fk_tracer_build_progress reported: each call, in order. */
static struct {
    char stage[16][16];
    uint64_t done[16], total[16];
    size_t n;
} heard;

static void hear(void *ud, const char *stage, uint64_t done, uint64_t total)
{
    (void)ud;
    if (heard.n < 16) {
        snprintf(heard.stage[heard.n], sizeof heard.stage[0], "%s", stage);
        heard.done[heard.n] = done;
        heard.total[heard.n] = total;
    }
    heard.n++;
}

/* Built from a store (whose scans come by venue, not by time), with progress: every stage is
 * reported in order, the scans once in passing (past 65 536 rows) and once done with their
 * count; and the tracer answers as one built from the same rows by hand. */
static void test_tracer__build_from_store_reports_progress(void **state)
{
    static const char *const want[] = {"persons", "venues", "scans",   "scans",
                                       "pings",   "cases",  "indexing"};
    int64_t t = T0 + 3 * DAY, ids[3], vid[2];
    struct fk_trace_opts o = opts_of(1, 0, NULL, 0);
    struct fk_case_row cs;
    enum fk_put did;
    fk_store *st = NULL;
    char err[256] = "";
    size_t i;

    (void)state;
    memset(&heard, 0, sizeof heard);
    assert_int_equal(fk_store_open(":memory:", &st, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_begin(st), FK_OK);
    put_persons(st, 3, "synthetic", NULL, ids);
    for (i = 0; i < 2; i++) {
        struct fk_venue_row v;

        memset(&v, 0, sizeof v);
        v.code = i ? "V1" : "V0";
        v.name = v.code;
        assert_int_equal(fk_store_put_venue(st, &v, &vid[i], &did), FK_OK);
    }
    /* 70 000 scans by person 2 at V1, one a minute; then the one that meets the case. */
    for (i = 0; i < 70000; i++)
        assert_int_equal(fk_store_add_scan(st, ids[2], vid[1], T0 + (int64_t)i * MIN, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(st, ids[0], vid[0], t, &did), FK_OK);
    assert_int_equal(fk_store_add_scan(st, ids[1], vid[0], t + 20 * MIN, &did), FK_OK);
    memset(&cs, 0, sizeof cs);
    cs.person = ids[0];
    cs.confirmed = T0 + 6 * DAY;
    cs.kind = FK_CASE_CONFIRMED;
    assert_int_equal(fk_store_put_case(st, &cs, &did), FK_OK);
    assert_int_equal(fk_store_commit(st), FK_OK);
    assert_int_equal(fk_tracer_build_progress(st, &prof, hear, NULL, &tr, err, sizeof err), FK_OK);
    assert_int_equal(heard.n, sizeof want / sizeof want[0]);
    for (i = 0; i < heard.n; i++)
        assert_string_equal(heard.stage[i], want[i]);
    assert_int_equal(heard.done[0], 3); /* persons, done */
    assert_int_equal(heard.total[0], 3);
    assert_int_equal(heard.done[2], 65536); /* scans, in passing */
    assert_int_equal(heard.total[2], 0);
    assert_int_equal(heard.done[3], 70002); /* scans, done */
    assert_int_equal(heard.total[3], 70002);
    assert_int_equal(heard.done[5], 1); /* cases */
    assert_int_equal(fk_tracer_run(tr, &o, &got, &ngot, err, sizeof err), FK_OK);
    assert_int_equal(ngot, 1);
    expect((int32_t)ids[1], FK_CAT_CLOSE, (int32_t)ids[0], FK_VIA_VENUE, (int32_t)vid[0],
           t + 20 * MIN);
    fk_tracer_free(tr);
    tr = NULL;
    fk_store_close(st);
}

/* ---- extending (issue 19) ---- */

static uint64_t ext_rng = 88172645463325252ull;

static uint32_t ext_rand(uint32_t n)
{
    ext_rng ^= ext_rng << 13;
    ext_rng ^= ext_rng >> 7;
    ext_rng ^= ext_rng << 17;
    return (uint32_t)(ext_rng % n);
}

/* One random batch into st: scans at nv venues and pings in cells whose codes sort otherwise than
 * they are first met (some new from cell `cfrom` on), a case now and then; the rows the store
 * added go to d when it is not NULL. */
static void ext_batch(fk_store *st, const int64_t *ids, size_t np, const int64_t *vids, size_t nv,
                      int cfrom, fk_trace_delta *d)
{
    enum fk_put did;
    size_t i;

    assert_int_equal(fk_store_begin(st), FK_OK);
    for (i = 0; i < 400; i++) {
        struct fk_event_row e = {ids[ext_rand((uint32_t)np)], vids[ext_rand((uint32_t)nv)],
                                 T0 + ext_rand(5) * DAY + ext_rand(48) * 30 * MIN, NULL};
        char cell[32];

        assert_int_equal(fk_store_add_scan(st, e.person, e.venue, e.time, &did), FK_OK);
        if (d && did == FK_PUT_NEW)
            assert_int_equal(fk_trace_delta_add(d, &e, 0), FK_OK);
        snprintf(cell, sizeof cell, "C%c%u", 'z' - (char)ext_rand(20), cfrom + ext_rand(30));
        e.cell = cell;
        e.venue = 0;
        assert_int_equal(fk_store_add_ping(st, e.person, cell, e.time, &did), FK_OK);
        if (d && did == FK_PUT_NEW)
            assert_int_equal(fk_trace_delta_add(d, &e, 1), FK_OK);
        if (ext_rand(60) == 0) {
            struct fk_case_row cs;

            memset(&cs, 0, sizeof cs);
            cs.person = e.person;
            cs.confirmed = T0 + 6 * DAY;
            cs.kind = FK_CASE_CONFIRMED;
            assert_int_equal(fk_store_put_case(st, &cs, &did), FK_OK);
        }
    }
    assert_int_equal(fk_store_commit(st), FK_OK);
}

/* A tracer extended with the scans and pings a store added since it was built, from the tracer
 * built or from its snapshot mapped, is the tracer a build gives now: the same snapshot, byte for
 * byte (the cells numbered as a build meets them), so the same answers. Rows already there add
 * nothing; a venue it does not know sends the caller to a build. */
static void test_tracer__extend_is_a_build(void **state)
{
    char dir[] = "/tmp/fk-test-extend-XXXXXX", a[64], b[64], c[64], err[256] = "";
    fk_tracer *t0 = NULL, *mapped = NULL, *ext = NULL, *ext2 = NULL, *fresh = NULL;
    fk_trace_delta *d = fk_trace_delta_new();
    struct fk_venue_row v;
    fk_store *st = NULL;
    int64_t ids[60], vids[12], g, at;
    size_t nb = 0, nc = 0, i;
    char *fb, *fc;
    enum fk_put did;

    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_non_null(d);
    snprintf(a, sizeof a, "%s/extended", dir);
    snprintf(b, sizeof b, "%s/built", dir);
    snprintf(c, sizeof c, "%s/before", dir);
    assert_int_equal(fk_store_open(":memory:", &st, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_begin(st), FK_OK);
    put_persons(st, 60, "某", NULL, ids);
    for (i = 0; i < 12; i++) {
        char code[16];

        memset(&v, 0, sizeof v);
        snprintf(code, sizeof code, "V%zu", 11 - i);
        v.code = v.name = code;
        assert_int_equal(fk_store_put_venue(st, &v, &vids[i], &did), FK_OK);
    }
    assert_int_equal(fk_store_commit(st), FK_OK);
    ext_batch(st, ids, 60, vids, 10, 0, NULL);
    assert_int_equal(fk_tracer_build(st, &prof, &t0, err, sizeof err), FK_OK);
    assert_int_equal(fk_store_generation(st, &g), FK_OK);
    assert_int_equal(fk_tracer_save(t0, g, c, err, sizeof err), FK_OK);
    /* More of the same venues (and two never used before), new and repeated rows, new cells. */
    ext_batch(st, ids, 60, vids, 12, 20, d);
    ext_batch(st, ids, 60, vids, 12, 0, d);
    assert_true(fk_trace_delta_size(d) > 0);
    assert_int_equal(fk_store_generation(st, &g), FK_OK);
    assert_int_equal(fk_tracer_build(st, &prof, &fresh, err, sizeof err), FK_OK);
    assert_int_equal(fk_tracer_save(fresh, g, b, err, sizeof err), FK_OK);
    fb = read_file(b, &nb);
    assert_non_null(fb);
    /* from the tracer built */
    assert_int_equal(fk_tracer_extend(t0, d, st, &prof, &ext, err, sizeof err), FK_OK);
    assert_int_equal(fk_tracer_save(ext, g, a, err, sizeof err), FK_OK);
    assert_true(file_equals(a, fb, nb));
    /* from its snapshot, mapped */
    assert_int_equal(fk_tracer_map(c, &prof, &mapped, &at, err, sizeof err), FK_OK);
    assert_int_equal(fk_tracer_extend(mapped, d, st, &prof, &ext2, err, sizeof err), FK_OK);
    assert_int_equal(fk_tracer_save(ext2, g, a, err, sizeof err), FK_OK);
    assert_true(file_equals(a, fb, nb));
    /* and the tracer before is not the tracer now */
    fc = read_file(c, &nc);
    assert_non_null(fc);
    assert_true(nc != nb || memcmp(fc, fb, nb) != 0);
    free(fb);
    free(fc);
    fk_tracer_free(ext2);
    ext2 = NULL;
    /* A scan at a venue the tracer lacks: not extended, a build is needed. */
    {
        struct fk_event_row e = {ids[0], 999, T0, NULL};

        assert_int_equal(fk_trace_delta_add(d, &e, 0), FK_OK);
        assert_int_equal(fk_tracer_extend(mapped, d, st, &prof, &ext2, err, sizeof err), FK_EINVAL);
        assert_null(ext2);
    }
    fk_tracer_free(t0);
    fk_tracer_free(mapped);
    fk_tracer_free(ext);
    fk_tracer_free(fresh);
    fk_trace_delta_free(d);
    fk_store_close(st);
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(dir);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_tracer__venue_window_edges),
        T(test_tracer__window_bounds_no_onset),
        T(test_tracer__window_from_onset),
        T(test_tracer__isolation_before_confirmation),
        T(test_tracer__isolation_after_confirmation),
        T(test_tracer__household),
        T(test_tracer__close_and_household_of_another_case),
        T(test_tracer__companion_slot),
        T(test_tracer__companion_lookback),
        T(test_tracer__companion_and_close_listed_once),
        T(test_tracer__secondary_through_two_close),
        T(test_tracer__secondary_from_exposure_on),
        T(test_tracer__depth1_no_secondary),
        T(test_tracer__case_is_not_listed),
        T(test_tracer__errors),
        T(test_tracer__profile_numbers),
        T(test_tracer__zero_venue_window),
        T(test_tracer__output_order),
        T(test_tracer__explain),
        T(test_tracer__new_rejects_bad_index),
        T(test_tracer__new_rejects_bad_household),
        T(test_tracer__random_vs_brute_force),
        T(test_tracer__since_and_case_filter),
        T(test_tracer__no_cases),
        T(test_tracer__crowded_venue),
        T(test_tracer__output_order_sparse_and_wide),
        T(test_tracer__threads_split_persons),
        T(test_tracer__run_into_buffer),
        T(test_tracer__order_after_earlier_replacement),
        T(test_tracer__household_exposure_before_1970),
        T(test_tracer__earliest_source_scan_among_equals),
        T(test_tracer__scans_in_any_order),
        T(test_tracer__build_from_store_reports_progress),
        T(test_tracer__names_through_callers_store),
        T(test_tracer__renders_from_roster),
        T(test_tracer__extend_is_a_build),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
