/* SPDX-License-Identifier: MIT */
/* Unit tests of the cold-chain trace (lib/engine/coldchain.c) and its words
 * (lib/domain/coldevent.c): a batch through three sites (port, cold store, market) with its
 * workers and buyer, the batches that shared a site with it (one a long stay ending inside the
 * window, one arriving exactly at the window's end, one a second after it, one leaving a second
 * before its start), the trace as of an earlier time, and the batch list. Expected answers are
 * worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/coldchain.h"
#include "fk/coldevent.h"
#include "fk/error.h"

#define H INT64_C(3600)
#define T0 INT64_C(1661990400) /* 2022-09-01T08:00:00+08:00 */
#define W (24 * H)

static void add(fk_cold_index *ix, const char *batch, int event, int64_t t, const char *site,
                const char *id, int result)
{
    struct fk_cold_row r = {batch, site, "带鱼", "厄瓜多尔", id, event, result, t};

    assert_int_equal(fk_cold_index_add(ix, &r), FK_OK);
}

/* B1: PORT [0 h, 10 h], CS [10 h, 40 h] (departs when it arrives at MKT), MKT [40 h, 50 h]. */
static fk_cold_index *fixture(void)
{
    fk_cold_index *ix = NULL;

    assert_int_equal(fk_cold_index_new(&ix), FK_OK);
    /* Out of order on purpose: the build sorts. */
    add(ix, "B1", FK_COLD_SELL, T0 + 50 * H, "MKT", "P1", 0);
    add(ix, "B1", FK_COLD_ARRIVE, T0, "PORT", "W1", 0);
    add(ix, "B1", FK_COLD_STORE, T0 + 10 * H, "CS", "W2", 0);
    add(ix, "B1", FK_COLD_RESULT, T0 + 20 * H, "CS", "", FK_COLD_POSITIVE);
    add(ix, "B1", FK_COLD_DISPATCH, T0 + 30 * H, "CS", "W2", 0);
    add(ix, "B1", FK_COLD_ARRIVE, T0 + 40 * H, "MKT", NULL, 0);
    /* B2: at CS from -60 h until it turns up at MKT2 at -5 h: overlaps CS's widened visit
     * [10 h - 24 h, 40 h + 24 h] = [-14 h, 64 h] in [-14 h, -5 h]. */
    add(ix, "B2", FK_COLD_ARRIVE, T0 - 100 * H, "PORT2", NULL, 0);
    add(ix, "B2", FK_COLD_STORE, T0 - 60 * H, "CS", NULL, 0);
    add(ix, "B2", FK_COLD_ARRIVE, T0 - 5 * H, "MKT2", NULL, 0);
    /* B3 arrives at CS exactly at 64 h (inclusive edge); B4 a second later (out). */
    add(ix, "B3", FK_COLD_STORE, T0 + 64 * H, "CS", NULL, 0);
    add(ix, "B4", FK_COLD_STORE, T0 + 64 * H + 1, "CS", NULL, 0);
    /* B5 leaves CS a second before -14 h (its next site's arrival): out. */
    add(ix, "B5", FK_COLD_STORE, T0 - 50 * H, "CS", NULL, 0);
    add(ix, "B5", FK_COLD_ARRIVE, T0 - 14 * H - 1, "MKT3", NULL, 0);
    /* B6 at PORT at 20 h, inside PORT's widened [-24 h, 34 h]. */
    add(ix, "B6", FK_COLD_ARRIVE, T0 + 20 * H, "PORT", NULL, 0);
    assert_int_equal(fk_cold_index_build(ix), FK_OK);
    return ix;
}

static void test_coldchain__names(void **state)
{
    enum fk_cold_event e = FK_COLD_ARRIVE;
    enum fk_cold_result r = FK_COLD_NONE;

    (void)state;
    assert_int_equal(fk_cold_event_parse((fk_slice){"Dispatch", 8}, &e), FK_OK);
    assert_int_equal(e, FK_COLD_DISPATCH);
    assert_int_equal(fk_cold_event_parse((fk_slice){"销售", strlen("销售")}, &e), FK_OK);
    assert_int_equal(e, FK_COLD_SELL);
    assert_int_equal(fk_cold_event_parse((fk_slice){"thaw", 4}, &e), FK_EINVAL);
    assert_string_equal(fk_cold_event_name(FK_COLD_DISINFECT), "disinfect");
    assert_string_equal(fk_cold_event_name(FK_COLD_NEVENTS), "");
    assert_int_equal(fk_cold_result_parse((fk_slice){"阳性", strlen("阳性")}, &r), FK_OK);
    assert_int_equal(r, FK_COLD_POSITIVE);
    assert_int_equal(fk_cold_result_parse((fk_slice){"", 0}, &r), FK_EINVAL);
    assert_int_equal(fk_cold_result_parse((fk_slice){"invalid", 7}, &r), FK_EINVAL);
    assert_string_equal(fk_cold_result_name(FK_COLD_NONE), "");
}

static void test_coldchain__three_sites_and_shared(void **state)
{
    fk_cold_index *ix = fixture();
    struct fk_cold_trace *t = NULL;

    (void)state;
    assert_int_equal(fk_cold_index_nevents(ix), 14);
    assert_int_equal(fk_cold_trace_get(ix, "B1", W, INT64_MAX, &t), FK_OK);
    assert_string_equal(t->batch, "B1");
    assert_string_equal(t->product, "带鱼");
    assert_int_equal(t->positive, 1);
    assert_int_equal(t->positive_time, T0 + 20 * H);
    assert_string_equal(t->positive_site, "CS");
    assert_int_equal(t->nvisits, 3);
    assert_string_equal(t->visits[0].site, "PORT");
    assert_int_equal(t->visits[0].arrival, T0);
    assert_int_equal(t->visits[0].departure, T0 + 10 * H);
    assert_string_equal(t->visits[1].site, "CS");
    assert_int_equal(t->visits[1].arrival, T0 + 10 * H);
    assert_int_equal(t->visits[1].departure, T0 + 40 * H);
    assert_int_equal(t->visits[1].events, 3);
    assert_string_equal(t->visits[2].site, "MKT");
    assert_int_equal(t->visits[2].arrival, T0 + 40 * H);
    assert_int_equal(t->visits[2].departure, T0 + 50 * H);
    /* Touches in time order: W1 at the port, W2 twice at the cold store, P1 at the market. */
    assert_int_equal(t->ntouches, 4);
    assert_string_equal(t->touches[0].id_number, "W1");
    assert_string_equal(t->touches[1].id_number, "W2");
    assert_int_equal(t->touches[2].event, FK_COLD_DISPATCH);
    assert_string_equal(t->touches[3].id_number, "P1");
    assert_string_equal(t->touches[3].site, "MKT");
    /* Shared: B6 at PORT; B2 and B3 at CS (by arrival); not B4 nor B5. */
    assert_int_equal(t->nshared, 3);
    assert_string_equal(t->shared[0].batch, "B6");
    assert_string_equal(t->shared[0].site, "PORT");
    assert_int_equal(t->shared[0].from, T0 + 20 * H);
    assert_int_equal(t->shared[0].to, T0 + 20 * H);
    assert_string_equal(t->shared[1].batch, "B2");
    assert_string_equal(t->shared[1].site, "CS");
    assert_int_equal(t->shared[1].from, T0 - 14 * H);
    assert_int_equal(t->shared[1].to, T0 - 5 * H);
    assert_string_equal(t->shared[2].batch, "B3");
    assert_int_equal(t->shared[2].from, T0 + 64 * H);
    assert_int_equal(t->shared[2].to, T0 + 64 * H);
    fk_cold_trace_free(t);

    /* A narrower window drops B3 (64 h > 40 h + 23 h) and B2 (-5 h < 10 h - 15 h is false: B2
     * stays until -5 h, lo = -5 h with a 15 h window: still in, at the edge). */
    assert_int_equal(fk_cold_trace_get(ix, "B1", 15 * H, INT64_MAX, &t), FK_OK);
    assert_int_equal(t->nshared, 2);
    assert_string_equal(t->shared[1].batch, "B2");
    assert_int_equal(t->shared[1].from, T0 - 5 * H);
    assert_int_equal(t->shared[1].to, T0 - 5 * H);
    fk_cold_trace_free(t);

    assert_int_equal(fk_cold_trace_get(ix, "NOPE", W, INT64_MAX, &t), FK_ENOENT);
    assert_null(t);
    fk_cold_index_free(ix);
}

/* As of 25 h: B1 is still at CS (its last event by then the result at 20 h), so CS's visit is
 * [10 h, 20 h] and the market is not reached; B2's stay is over, B3 not yet there. */
static void test_coldchain__as_of(void **state)
{
    fk_cold_index *ix = fixture();
    struct fk_cold_trace *t = NULL;

    (void)state;
    assert_int_equal(fk_cold_trace_get(ix, "B1", W, T0 + 25 * H, &t), FK_OK);
    assert_int_equal(t->nvisits, 2);
    assert_int_equal(t->visits[1].departure, T0 + 20 * H);
    assert_int_equal(t->ntouches, 2);
    assert_int_equal(t->positive, 1);
    assert_int_equal(t->nshared, 2); /* B6 at PORT (20 h <= 25 h), B2 at CS */
    fk_cold_trace_free(t);
    /* Before the batch's first event: unknown. */
    assert_int_equal(fk_cold_trace_get(ix, "B1", W, T0 - 1, &t), FK_ENOENT);
    fk_cold_index_free(ix);
}

static void test_coldchain__batch_list(void **state)
{
    fk_cold_index *ix = fixture();
    fk_table *t = NULL;

    (void)state;
    assert_int_equal(fk_cold_batches(ix, INT64_MAX, &t), FK_OK);
    assert_int_equal(fk_table_nrows(t), 6);
    /* Positive first, then the latest last event first. */
    assert_string_equal(fk_table_get(t, 0, 0), "B1");
    assert_string_equal(fk_table_get(t, 0, 9), "1");
    assert_string_equal(fk_table_get(t, 0, 7), "3");
    assert_string_equal(fk_table_get(t, 0, 5), "sell");
    assert_string_equal(fk_table_get(t, 1, 0), "B4");
    assert_string_equal(fk_table_get(t, 2, 0), "B3");
    fk_table_free(t);
    fk_cold_index_free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coldchain__names),
        cmocka_unit_test(test_coldchain__three_sites_and_shared),
        cmocka_unit_test(test_coldchain__as_of),
        cmocka_unit_test(test_coldchain__batch_list),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
