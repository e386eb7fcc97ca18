/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/sentinel.c and the [sentinel] profile section: the kinds, the EARS C2
 * rule at its edges (a count exactly k deviations up does not fire, one above does; a flat
 * baseline uses s_min; fewer than the 7 baseline days known: only the threshold fires; the
 * threshold reached exactly fires), the sample standard deviation, and the test deadlines a
 * pharmacy or fever-clinic row sets. The expected numbers are worked out by hand here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/profile.h"
#include "fk/sentinel.h"
#include "fk/time.h"

static struct fk_profile defaults(void)
{
    struct fk_profile p;

    fk_profile_defaults(&p);
    return p;
}

static void test_sentinel__kinds(void **state)
{
    enum fk_sen_kind k;

    (void)state;
    assert_int_equal(fk_sen_kind_parse((fk_slice){"pharmacy", 8}, &k), FK_OK);
    assert_int_equal(k, FK_SEN_PHARMACY);
    assert_int_equal(fk_sen_kind_parse((fk_slice){"发热门诊", strlen("发热门诊")}, &k), FK_OK);
    assert_int_equal(k, FK_SEN_FEVER_CLINIC);
    assert_int_equal(fk_sen_kind_parse((fk_slice){"Station", 7}, &k), FK_OK);
    assert_int_equal(k, FK_SEN_STATION);
    assert_int_equal(fk_sen_kind_parse((fk_slice){"hospital", 8}, &k), FK_EINVAL);
    assert_int_equal(fk_sen_kind_parse((fk_slice){"", 0}, &k), FK_EINVAL);
    assert_string_equal(fk_sen_kind_name(FK_SEN_COLDCHAIN), "coldchain");
    assert_string_equal(fk_sen_kind_name(FK_SEN_NKINDS), "");
    assert_string_equal(fk_sen_fires_name(FK_SEN_BASELINE), "baseline");
    assert_string_equal(fk_sen_fires_name(FK_SEN_QUIET), "");
}

/* Baseline 2,4,4,4,5,5,7 (mean 31/7, sample sd sqrt(Σ(x-m)²/6)), guard days 100 (ignored). */
static void test_sentinel__sample_sd(void **state)
{
    struct fk_profile p = defaults();
    int64_t c[FK_SEN_WINDOW] = {2, 4, 4, 4, 5, 5, 7, 100, 100, 6};
    struct fk_sen_verdict v;
    double m = 31.0 / 7, ss = 0;
    int i;

    (void)state;
    p.sen_threshold[FK_SEN_SCHOOL] = 0;
    for (i = 0; i < 7; i++)
        ss += ((double)c[i] - m) * ((double)c[i] - m);
    fk_sen_eval(&p, FK_SEN_SCHOOL, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.count, 6);
    assert_int_equal(v.baseline, 1);
    assert_true(fabs(v.mean - m) < 1e-12);
    assert_true(fabs(v.sd - sqrt(ss / 6)) < 1e-12);
    assert_true(fabs(v.sd - 1.51185789) < 1e-6); /* Python statistics.stdev; pstdev is 1.3997 */
    assert_int_equal(v.fires, FK_SEN_QUIET);
}

/* A flat baseline of 2 (sd 0): s_min = 1 stands in, so c = 2 + 3 = 5 is exactly k = 3 up and does
 * not fire (strictly greater), c = 6 does. */
static void test_sentinel__exactly_k_and_flat(void **state)
{
    struct fk_profile p = defaults();
    int64_t c[FK_SEN_WINDOW] = {2, 2, 2, 2, 2, 2, 2, 0, 0, 5};
    struct fk_sen_verdict v;

    (void)state;
    p.sen_threshold[FK_SEN_OTHER] = 0;
    fk_sen_eval(&p, FK_SEN_OTHER, c, FK_SEN_WINDOW, &v);
    assert_true(v.baseline && v.mean == 2 && v.sd == 0);
    assert_int_equal(v.fires, FK_SEN_QUIET);
    c[9] = 6;
    fk_sen_eval(&p, FK_SEN_OTHER, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_BASELINE);
    /* s_min 2: 6 is (6 - 2) / 2 = 2 deviations up, quiet. */
    p.sen_s_min[FK_SEN_OTHER] = 2;
    fk_sen_eval(&p, FK_SEN_OTHER, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_QUIET);
    /* k 1.5: now it fires. */
    p.sen_k[FK_SEN_OTHER] = 1.5;
    fk_sen_eval(&p, FK_SEN_OTHER, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_BASELINE);
}

/* Exactly k with a real sd: baseline 0,0,0,0,0,0,7 has mean 1 and sd sqrt(42/6) = sqrt 7;
 * c = 1 + 3 sqrt 7 is not a whole number, so use k = (6 - 1) / sqrt 7 and c = 6. */
static void test_sentinel__exactly_k_real_sd(void **state)
{
    struct fk_profile p = defaults();
    int64_t c[FK_SEN_WINDOW] = {0, 0, 0, 0, 0, 0, 7, 0, 0, 6};
    struct fk_sen_verdict v;

    (void)state;
    p.sen_threshold[FK_SEN_STATION] = 0;
    p.sen_k[FK_SEN_STATION] = 5 / sqrt(7.0) + 1e-9;
    fk_sen_eval(&p, FK_SEN_STATION, c, FK_SEN_WINDOW, &v);
    assert_true(fabs(v.sd - sqrt(7.0)) < 1e-12);
    assert_int_equal(v.fires, FK_SEN_QUIET);
    p.sen_k[FK_SEN_STATION] = 5 / sqrt(7.0) - 1e-9;
    fk_sen_eval(&p, FK_SEN_STATION, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_BASELINE);
}

/* Fewer than 7 baseline days since the data start: no mean, no sd, no baseline firing however
 * high the count; the threshold still fires, at exactly its value. */
static void test_sentinel__short_history_and_threshold(void **state)
{
    struct fk_profile p = defaults();
    int64_t c[FK_SEN_WINDOW] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 19};
    struct fk_sen_verdict v;

    (void)state;
    assert_int_equal(p.sen_threshold[FK_SEN_FEVER_CLINIC], 20);
    fk_sen_eval(&p, FK_SEN_FEVER_CLINIC, c, FK_SEN_WINDOW - 1, &v);
    assert_int_equal(v.baseline, 0);
    assert_int_equal(v.fires, FK_SEN_QUIET);
    fk_sen_eval(&p, FK_SEN_FEVER_CLINIC, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_BASELINE);
    c[9] = 20;
    fk_sen_eval(&p, FK_SEN_FEVER_CLINIC, c, 1, &v);
    assert_int_equal(v.fires, FK_SEN_THRESHOLD);
    /* The threshold wins over the baseline when both hold. */
    fk_sen_eval(&p, FK_SEN_FEVER_CLINIC, c, FK_SEN_WINDOW, &v);
    assert_int_equal(v.fires, FK_SEN_THRESHOLD);
}

static void test_sentinel__profile(void **state)
{
    struct fk_profile p = defaults(), q;
    char err[200] = "";

    (void)state;
    assert_true(p.sen_k[FK_SEN_PHARMACY] == 3 && p.sen_s_min[FK_SEN_SCHOOL] == 1);
    assert_int_equal(p.pharmacy_test_hours, 48);
    assert_int_equal(p.fever_clinic_test_days, 0);
    assert_int_equal(p.sen_threshold[FK_SEN_COLDCHAIN], 1);
    assert_int_equal(p.sen_threshold[FK_SEN_OTHER], 0);
    assert_int_equal(fk_profile_parse("[sentinel]\nk = 2.5\npharmacy_k = 4\ns_min = 0.5\n"
                                      "threshold = 7\nschool_threshold = 0\n"
                                      "pharmacy_test_hours = 24\nfever_clinic_test_days = -1\n",
                                      &p, err, sizeof err),
                     FK_OK);
    assert_true(p.sen_k[FK_SEN_STATION] == 2.5 && p.sen_k[FK_SEN_PHARMACY] == 4);
    assert_true(p.sen_s_min[FK_SEN_FEVER_CLINIC] == 0.5);
    assert_int_equal(p.sen_threshold[FK_SEN_STATION], 7);
    assert_int_equal(p.sen_threshold[FK_SEN_SCHOOL], 0);
    assert_int_equal(p.pharmacy_test_hours, 24);
    assert_int_equal(p.fever_clinic_test_days, -1);
    q = p;
    assert_int_equal(fk_profile_parse("[sentinel]\nk = 0\n", &p, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "line 2: [sentinel] k = '0' is not a number above 0"));
    assert_int_equal(fk_profile_parse("[sentinel]\nschool_threshold = 1.5\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[sentinel]\nhospital_k = 1\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "hospital_k is not a profile setting"));
    assert_int_equal(fk_profile_parse("[sentinel]\ns_min = x\n", &p, err, sizeof err), FK_EINVAL);
    assert_memory_equal(&p, &q, sizeof p);
}

static void test_sentinel__deadlines(void **state)
{
    struct fk_profile p = defaults();
    int64_t t, day_end;

    (void)state;
    assert_int_equal(fk_time_parse("2022-08-28T09:30:00+08:00", 25, &t), FK_OK);
    assert_int_equal(fk_time_parse("2022-08-28T23:59:59+08:00", 25, &day_end), FK_OK);
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_PHARMACY, t), t + 48 * 3600);
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_FEVER_CLINIC, t), day_end);
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_STATION, t), 0);
    p.fever_clinic_test_days = 1;
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_FEVER_CLINIC, t), day_end + 86400);
    p.fever_clinic_test_days = -1;
    p.pharmacy_test_hours = 0;
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_FEVER_CLINIC, t), 0);
    assert_int_equal(fk_sen_test_deadline(&p, FK_SEN_PHARMACY, t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentinel__kinds),
        cmocka_unit_test(test_sentinel__sample_sd),
        cmocka_unit_test(test_sentinel__exactly_k_and_flat),
        cmocka_unit_test(test_sentinel__exactly_k_real_sd),
        cmocka_unit_test(test_sentinel__short_history_and_threshold),
        cmocka_unit_test(test_sentinel__profile),
        cmocka_unit_test(test_sentinel__deadlines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
