/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/time.c: ISO 8601 parsing as the data contract has it (offsets, local
 * time as Asia/Shanghai, date-only values, fractions), rejection of impossible dates and garbage,
 * rendering and its round trip over the whole supported range, and local day boundaries. The
 * expected Unix seconds were computed independently with GNU date. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/time.h"

/* 2022-08-28T06:00:00+08:00, the instant most tests below spell in different ways. */
#define T0 INT64_C(1661637600)

static int parse(const char *s, int64_t *out)
{
    return fk_time_parse(s, strlen(s), out);
}

/* Asserts that s parses to want. */
static void expect_time(const char *s, int64_t want)
{
    int64_t t = -12345;

    if (parse(s, &t) != FK_OK)
        fail_msg("'%s' did not parse", s);
    if (t != want)
        fail_msg("'%s' parsed to %lld, want %lld", s, (long long)t, (long long)want);
}

/* Asserts that s is rejected and *out is 0 afterwards. */
static void expect_invalid(const char *s)
{
    int64_t t = -12345;

    if (parse(s, &t) != FK_EINVAL)
        fail_msg("'%s' was accepted (as %lld)", s, (long long)t);
    if (t != 0)
        fail_msg("'%s' was rejected but left *out = %lld", s, (long long)t);
}

static void test_time__parse_with_offset(void **state)
{
    (void)state;
    expect_time("2022-08-28T06:00:00+08:00", T0);
    expect_time("2022-08-28T14:18:30+08:00", T0 + 8 * 3600 + 18 * 60 + 30);
}

static void test_time__no_offset_is_shanghai(void **state)
{
    (void)state;
    expect_time("2022-08-28T06:00:00", T0);
    expect_time("2022-08-28T06:00", T0);
    expect_time("2022-08-28T06:00:01", T0 + 1);
}

static void test_time__zulu(void **state)
{
    (void)state;
    expect_time("2022-08-27T22:00:00Z", T0);
    expect_time("2022-08-27T22:00Z", T0);
    expect_time("1970-01-01T00:00:00Z", 0);
}

static void test_time__offset_spellings(void **state)
{
    (void)state;
    expect_time("2022-08-28T06:00:00+0800", T0);
    expect_time("2022-08-28T06:00:00+08", T0);
    expect_time("2022-08-28T06:00+08:00", T0);
    expect_time("2022-08-27T17:00:00-05:00", T0);
    expect_time("2022-08-27T17:00:00-0500", T0);
    expect_time("2022-08-27T22:00:00+00:00", T0);
    expect_time("2022-08-28T03:30:00+05:30", T0);
}

static void test_time__date_only_is_local_midnight(void **state)
{
    (void)state;
    expect_time("2022-08-28", T0 - 6 * 3600);
    expect_time("1970-01-01", -8 * 3600);
    expect_time("2000-02-29", INT64_C(951753600));
}

static void test_time__space_separator(void **state)
{
    (void)state;
    expect_time("2022-08-28 06:00", T0);
    expect_time("2022-08-28 06:00:00", T0);
    expect_time("2022-08-28 06:00:00+08:00", T0);
}

static void test_time__fraction_dropped(void **state)
{
    (void)state;
    expect_time("2022-08-28T06:00:00.123", T0);
    expect_time("2022-08-28T06:00:00.999999+08:00", T0);
    expect_time("2022-08-27T22:00:00.5Z", T0);
}

static void test_time__invalid(void **state)
{
    static const char *bad[] = {
        "not-a-time",
        "2022-02-30",
        "2022-13-01",
        "2022-00-10",
        "2022-08-00",
        "2022-08-32",
        "2022-08-28T24:00",
        "2022-08-28T23:60",
        "2022-08-28T06:00:61",
        "2022-08-28T06",
        "2022-08-28T",
        "2022-8-28",
        "22-08-28",
        "2022/08/28",
        "2022-08-28x",
        "2022-08-28T06:00:00junk",
        "2022-08-28T06:00:00+08:00junk",
        "2022-08-28T06:00:00ZZ",
        "2022-08-28T06:00:00.",
        "2022-08-28T06:00:00+8",
        "2022-08-28T06:00:00+08:0",
        "2022-08-28T06:00:00+25:00",
        "2022-08-28T06:00:00+08:60",
        "0000-01-01",
        "",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_invalid(bad[i]);
}

/* An offset with a colon and no minutes is trailing garbage, not "+08:00". */
/* An offset that moves the instant out of 0001-9999 in local time is refused: such a time
 * could not be rendered and parsed back (found by tests/fuzz/fuzz_time.c). */
static void test_time__offset_keeps_years_in_range(void **state)
{
    char buf[FK_TIME_RENDER_MAX];
    int64_t t = 0, t2 = 0;

    (void)state;
    expect_invalid("0001-01-01T00:00:00+08:05");
    expect_invalid("0001-01-01T05:00:00+14:00");
    expect_time("0001-01-01T07:59:59Z", fk_days_from_civil(1, 1, 1) * 86400 + 7 * 3600 + 3599);
    expect_invalid("9999-12-31T16:00:00Z");
    expect_invalid("9999-12-31T23:59:59-01:00");
    assert_int_equal(parse("0001-01-01T08:00:00Z", &t), FK_OK);
    fk_time_render(t, buf);
    assert_string_equal(buf, "0001-01-01T16:00:00+08:00");
    assert_int_equal(parse(buf, &t2), FK_OK);
    assert_true(t2 == t);
    assert_int_equal(parse("9999-12-31T15:59:59Z", &t), FK_OK);
    fk_time_render(t, buf);
    assert_string_equal(buf, "9999-12-31T23:59:59+08:00");
    assert_int_equal(parse("0001-01-01", &t), FK_OK);
}

static void test_time__offset_dangling_colon_invalid(void **state)
{
    (void)state;
    expect_invalid("2022-08-28T06:00:00+08:");
}

static void test_time__only_n_bytes_read(void **state)
{
    const char *s = "2022-08-28T06:00:00+08:00 and more";
    int64_t t = 0;

    (void)state;
    assert_int_equal(fk_time_parse(s, 10, &t), FK_OK);
    assert_int_equal(t, T0 - 6 * 3600);
    assert_int_equal(fk_time_parse(s, 16, &t), FK_OK);
    assert_int_equal(t, T0);
    assert_int_equal(fk_time_parse(s, 0, &t), FK_EINVAL);
    assert_int_equal(t, 0);
}

static void test_time__render(void **state)
{
    char buf[FK_TIME_RENDER_MAX];

    (void)state;
    assert_string_equal(fk_time_render(T0, buf), "2022-08-28T06:00:00+08:00");
    assert_string_equal(fk_time_render(0, buf), "1970-01-01T08:00:00+08:00");
    assert_string_equal(fk_time_render(-1, buf), "1970-01-01T07:59:59+08:00");
    assert_string_equal(fk_time_render(-28801, buf), "1969-12-31T23:59:59+08:00");
    assert_string_equal(fk_time_render(INT64_C(1709181296), buf), "2024-02-29T12:34:56+08:00");
    assert_string_equal(fk_time_render(INT64_C(-2077776000), buf), "1904-02-29T00:00:00+08:00");
    assert_string_equal(fk_time_render(INT64_C(-62135625600), buf), "0001-01-01T00:00:00+08:00");
    assert_string_equal(fk_time_render(INT64_C(253402271999), buf), "9999-12-31T23:59:59+08:00");
    assert_ptr_equal(fk_time_render(T0, buf), buf);
}

/* Every year from 0000 to 9999 renders with its four digits; a time past either end renders as
 * that end, where it wrapped before (10000 as 0000, -1 as 4294967295) or overflowed. */
static void test_time__render_years_0000_to_9999(void **state)
{
    char buf[FK_TIME_RENDER_MAX], want[FK_TIME_RENDER_MAX], day[11];
    int64_t y;

    (void)state;
    for (y = 0; y <= 9999; y++) {
        int64_t t = fk_days_from_civil(y, 6, 30) * 86400 + 12 * 3600 - FK_TZ_OFFSET;

        snprintf(want, sizeof want, "%04d-06-30T12:00:00+08:00", (int)y);
        assert_string_equal(fk_time_render(t, buf), want);
        assert_memory_equal(fk_date_render(t, day), want, 10);
    }
    assert_string_equal(fk_time_render(INT64_C(-62167248000), buf), "0000-01-01T00:00:00+08:00");
    assert_string_equal(fk_time_render(INT64_C(-62167248001), buf), "0000-01-01T00:00:00+08:00");
    assert_string_equal(fk_time_render(INT64_MIN, buf), "0000-01-01T00:00:00+08:00");
    assert_string_equal(fk_time_render(INT64_C(253402272000), buf), "9999-12-31T23:59:59+08:00");
    assert_string_equal(fk_time_render(INT64_MAX, buf), "9999-12-31T23:59:59+08:00");
    assert_string_equal(fk_date_render(INT64_MAX, day), "9999-12-31");
    assert_string_equal(fk_date_render(INT64_MIN, day), "0000-01-01");
}

static void test_time__date_render(void **state)
{
    char buf[11];

    (void)state;
    assert_string_equal(fk_date_render(T0, buf), "2022-08-28");
    assert_string_equal(fk_date_render(T0 - 6 * 3600, buf), "2022-08-28");
    assert_string_equal(fk_date_render(T0 - 6 * 3600 - 1, buf), "2022-08-27");
    assert_string_equal(fk_date_render(-28801, buf), "1969-12-31");
    assert_string_equal(fk_date_render(-28800, buf), "1970-01-01");
}

/* parse(render(t)) == t across years 1 to 9999, with an odd stride so every second of the day
 * and every day of the month comes up; plus the leap days and the epoch's neighbours. */
static void test_time__render_round_trips(void **state)
{
    static const int64_t fixed[] = {
        0,
        1,
        -1,
        -28800,
        -28801,
        T0,
        INT64_C(951753600),
        INT64_C(951753600) + 86399,
        INT64_C(1709181296),
        INT64_C(-2077776000),
        INT64_C(-2203920000),
        INT64_C(-2203920001),
        INT64_C(-62135625600),
        INT64_C(253402271999),
    };
    const int64_t lo = INT64_C(-62135625600), hi = INT64_C(253402271999);
    char buf[FK_TIME_RENDER_MAX];
    int64_t t, back;
    size_t i, n = 0;

    (void)state;
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        fk_time_render(fixed[i], buf);
        assert_int_equal(fk_time_parse(buf, strlen(buf), &back), FK_OK);
        if (back != fixed[i])
            fail_msg("%lld rendered as %s parsed back as %lld", (long long)fixed[i], buf,
                     (long long)back);
    }
    for (t = lo; t <= hi; t += INT64_C(7777777) + 13) {
        fk_time_render(t, buf);
        assert_int_equal(strlen(buf), 25);
        if (fk_time_parse(buf, strlen(buf), &back) != FK_OK || back != t)
            fail_msg("%lld rendered as %s parsed back as %lld", (long long)t, buf, (long long)back);
        n++;
    }
    assert_true(n > 40000);
}

/* The renderers write by hand what this printf form writes, for every year, odd ones too; a
 * time outside 0000-9999 renders as the nearest end of that range. */
static void printf_render(int64_t t, char *time, char *date)
{
    int64_t local, days, y, secs;
    unsigned m, d;

    if (t < INT64_C(-62167248000))
        t = INT64_C(-62167248000);
    if (t > INT64_C(253402271999))
        t = INT64_C(253402271999);
    local = t + FK_TZ_OFFSET;

    days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    secs = local - days * 86400;
    fk_civil_from_days(days, &y, &m, &d);
    snprintf(time, FK_TIME_RENDER_MAX, "%04u-%02u-%02uT%02u:%02u:%02u+08:00", (unsigned)(y % 10000),
             m % 13, d % 32, (unsigned)(secs / 3600) % 24, (unsigned)(secs / 60 % 60),
             (unsigned)(secs % 60));
    snprintf(date, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), m % 13, d % 32);
}

static void test_time__render_matches_printf(void **state)
{
    const int64_t lo = INT64_C(-62135625600) - 40 * INT64_C(31556952),
                  hi = INT64_C(253402271999) + 40 * INT64_C(31556952);
    char want[FK_TIME_RENDER_MAX], wdate[11], got[FK_TIME_RENDER_MAX], gdate[11];
    int64_t t;

    (void)state;
    for (t = lo; t <= hi; t += INT64_C(3333331) + 17) {
        printf_render(t, want, wdate);
        memset(got, 'x', sizeof got);
        memset(gdate, 'x', sizeof gdate);
        if (strcmp(fk_time_render(t, got), want) != 0 || strcmp(fk_date_render(t, gdate), wdate))
            fail_msg("%lld: %s / %s, printf %s / %s", (long long)t, got, gdate, want, wdate);
    }
}

static void test_time__local_day_start(void **state)
{
    const int64_t day = T0 - 6 * 3600; /* 2022-08-28T00:00:00+08:00 */

    (void)state;
    assert_int_equal(fk_local_day_start(T0), day);
    assert_int_equal(fk_local_day_start(day), day);
    assert_int_equal(fk_local_day_start(day + 86399), day);
    assert_int_equal(fk_local_day_start(day - 1), day - 86400);
    /* 2022-08-28T20:00:00Z is still the 28th in UTC but already the 29th in Shanghai. */
    assert_int_equal(fk_local_day_start(day + 86400 + 4 * 3600), day + 86400);
    assert_int_equal(fk_local_day_start(0), -28800);
    assert_int_equal(fk_local_day_start(-1), -28800);
    assert_int_equal(fk_local_day_start(-28800), -28800);
    assert_int_equal(fk_local_day_start(-28801), -28800 - 86400);
    assert_int_equal(fk_local_day_start(INT64_C(-2077776000) + 5), INT64_C(-2077776000));
}

static void test_time__leap_days(void **state)
{
    int64_t t;

    (void)state;
    assert_int_equal(fk_date_valid(2000, 2, 29), 1);
    assert_int_equal(fk_date_valid(1900, 2, 29), 0);
    assert_int_equal(fk_date_valid(2024, 2, 29), 1);
    assert_int_equal(fk_date_valid(2023, 2, 29), 0);
    assert_int_equal(fk_date_valid(2100, 2, 29), 0);
    assert_int_equal(fk_date_valid(2023, 2, 28), 1);
    assert_int_equal(fk_date_valid(2023, 4, 31), 0);
    assert_int_equal(fk_date_valid(2023, 12, 31), 1);
    assert_int_equal(fk_date_valid(2023, 13, 1), 0);
    assert_int_equal(fk_date_valid(2023, 0, 1), 0);
    assert_int_equal(fk_date_valid(2023, 1, 0), 0);
    assert_int_equal(parse("2000-02-29", &t), FK_OK);
    assert_int_equal(t, INT64_C(951753600));
    expect_invalid("1900-02-29");
    expect_invalid("2023-02-29T12:00:00+08:00");
    expect_time("1904-02-29", INT64_C(-2077776000));
}

static void test_time__civil_days(void **state)
{
    int64_t y, z;
    unsigned m, d;

    (void)state;
    assert_int_equal(fk_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(fk_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(fk_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(fk_days_from_civil(2022, 8, 28), 19232);
    fk_civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
    fk_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    for (z = -719162; z <= 2932896; z += 37) { /* 0001-01-01 to 9999-12-31 */
        fk_civil_from_days(z, &y, &m, &d);
        if (fk_days_from_civil(y, m, d) != z || !fk_date_valid(y, m, d))
            fail_msg("day %lld -> %lld-%u-%u does not round-trip", (long long)z, (long long)y, m,
                     d);
    }
}

/* The monotonic clock is positive and never goes backwards from one call to the next. */
static void test_time__mono_seconds_never_backwards(void **state)
{
    double prev = fk_mono_seconds();
    int i;

    (void)state;
    assert_true(prev > 0);
    for (i = 0; i < 1000; i++) {
        double t = fk_mono_seconds();

        assert_true(t >= prev);
        prev = t;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time__parse_with_offset),
        cmocka_unit_test(test_time__no_offset_is_shanghai),
        cmocka_unit_test(test_time__zulu),
        cmocka_unit_test(test_time__offset_spellings),
        cmocka_unit_test(test_time__date_only_is_local_midnight),
        cmocka_unit_test(test_time__space_separator),
        cmocka_unit_test(test_time__fraction_dropped),
        cmocka_unit_test(test_time__invalid),
        cmocka_unit_test(test_time__offset_dangling_colon_invalid),
        cmocka_unit_test(test_time__offset_keeps_years_in_range),
        cmocka_unit_test(test_time__only_n_bytes_read),
        cmocka_unit_test(test_time__render),
        cmocka_unit_test(test_time__render_years_0000_to_9999),
        cmocka_unit_test(test_time__date_render),
        cmocka_unit_test(test_time__render_round_trips),
        cmocka_unit_test(test_time__render_matches_printf),
        cmocka_unit_test(test_time__local_day_start),
        cmocka_unit_test(test_time__leap_days),
        cmocka_unit_test(test_time__civil_days),
        cmocka_unit_test(test_time__mono_seconds_never_backwards),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
