/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/str.c: the slice helpers the CSV reader and ingest build on (trim, exact
 * and case-blind equality, bounded copies), strict integer parsing (sign, overflow at both ends of
 * int64, garbage) and the UTF-8 validator (overlong forms, surrogates, range, cut-off tails). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/str.h"

static fk_slice S(const char *z)
{
    fk_slice s = {z, strlen(z)};

    return s;
}

static void expect_i64(const char *z, int64_t want)
{
    int64_t v = 99;

    if (fk_parse_i64(S(z), &v) != FK_OK)
        fail_msg("'%s' did not parse", z);
    if (v != want)
        fail_msg("'%s' parsed as %lld, want %lld", z, (long long)v, (long long)want);
}

static void expect_i64_bad(const char *z)
{
    int64_t v = 99;

    if (fk_parse_i64(S(z), &v) != FK_EINVAL)
        fail_msg("'%s' was accepted as %lld", z, (long long)v);
    if (v != 0)
        fail_msg("'%s' was rejected but left %lld", z, (long long)v);
}

static void test_str__parse_i64_values(void **state)
{
    (void)state;
    expect_i64("0", 0);
    expect_i64("7", 7);
    expect_i64("42", 42);
    expect_i64("-42", -42);
    expect_i64("+42", 42);
    expect_i64("-0", 0);
    expect_i64("000123", 123);
    expect_i64("9223372036854775807", INT64_MAX);
    expect_i64("-9223372036854775808", INT64_MIN);
    expect_i64("-9223372036854775807", -INT64_MAX);
}

static void test_str__parse_i64_overflow(void **state)
{
    (void)state;
    expect_i64_bad("9223372036854775808");
    expect_i64_bad("9223372036854775809");
    expect_i64_bad("-9223372036854775809");
    expect_i64_bad("+9223372036854775808");
    expect_i64_bad("18446744073709551616");
    expect_i64_bad("99999999999999999999");
    expect_i64_bad("-99999999999999999999999");
}

static void test_str__parse_i64_garbage(void **state)
{
    static const char *bad[] = {
        "",    "-",   "+",   "--1", "+-1",  "1-",  "12a", "a12",
        " 12", "12 ", "1 2", "1.5", "0x10", "1e3", "١٢",  "\t1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_i64_bad(bad[i]);
}

static void test_str__parse_i64_reads_only_n_bytes(void **state)
{
    fk_slice s = {"123456", 3};
    int64_t v = 0;

    (void)state;
    assert_int_equal(fk_parse_i64(s, &v), FK_OK);
    assert_int_equal(v, 123);
    s.p = "12x";
    s.n = 2;
    assert_int_equal(fk_parse_i64(s, &v), FK_OK);
    assert_int_equal(v, 12);
}

/* fk_parse_int: the bounds hold, both included; anything else is refused and leaves *out. */
static void test_str__parse_int_bounds(void **state)
{
    static const char *bad[] = {"",   " 7", "7 ", "7x", "0x10", "1e3", "7.0", "--7",
                                "+",  "1,000", "٣", "99999999999999999999"};
    int64_t v = 42;
    size_t i;

    (void)state;
    assert_int_equal(fk_parse_int(S("1"), 1, 366, &v), FK_OK);
    assert_int_equal(v, 1);
    assert_int_equal(fk_parse_int(S("366"), 1, 366, &v), FK_OK);
    assert_int_equal(v, 366);
    assert_int_equal(fk_parse_int(S("+12"), 1, 366, &v), FK_OK);
    assert_int_equal(v, 12);
    assert_int_equal(fk_parse_int(S("-5"), -10, 10, &v), FK_OK);
    assert_int_equal(v, -5);
    assert_int_equal(fk_parse_int(S("9223372036854775807"), 0, INT64_MAX, &v), FK_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(fk_parse_int(S("-9223372036854775808"), INT64_MIN, 0, &v), FK_OK);
    assert_true(v == INT64_MIN);
    v = 42;
    assert_int_equal(fk_parse_int(S("0"), 1, 366, &v), FK_EINVAL);
    assert_int_equal(fk_parse_int(S("367"), 1, 366, &v), FK_EINVAL);
    assert_int_equal(fk_parse_int(S("-1"), 0, 10, &v), FK_EINVAL);
    /* 2^32 + 5: a cast to int would make it 5. */
    assert_int_equal(fk_parse_int(S("4294967301"), 1, 366, &v), FK_EINVAL);
    assert_int_equal(fk_parse_int(S("9223372036854775808"), 0, INT64_MAX, &v), FK_EINVAL);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (fk_parse_int(S(bad[i]), INT64_MIN, INT64_MAX, &v) != FK_EINVAL)
            fail_msg("'%s' was accepted as %lld", bad[i], (long long)v);
    }
    assert_int_equal(v, 42);
}

/* Asserts that trimming z gives want. */
static void expect_trim(const char *z, const char *want)
{
    fk_slice t = fk_slice_trim(S(z));

    if (t.n != strlen(want) || memcmp(t.p, want, t.n) != 0)
        fail_msg("trim('%s') = '%.*s', want '%s'", z, (int)t.n, t.p, want);
}

static void test_str__trim(void **state)
{
    const char *z = "  a b\t";
    fk_slice t;

    (void)state;
    expect_trim("abc", "abc");
    expect_trim("  abc", "abc");
    expect_trim("abc  ", "abc");
    expect_trim(" \t\r\n a b \t\r\n", "a b");
    expect_trim("   ", "");
    expect_trim("", "");
    expect_trim("\v x", "\v x"); /* only space, tab, CR and LF are white space */
    expect_trim("　x", "　x");   /* nor is the ideographic space */
    t = fk_slice_trim(S(z));
    assert_ptr_equal(t.p, z + 2); /* a view into the same bytes */
    assert_int_equal(t.n, 3);
}

static void test_str__eq_and_eqi(void **state)
{
    (void)state;
    assert_int_equal(fk_slice_eq(S("grid"), "grid"), 1);
    assert_int_equal(fk_slice_eq(S("Grid"), "grid"), 0);
    assert_int_equal(fk_slice_eq(S("gri"), "grid"), 0);
    assert_int_equal(fk_slice_eq(S("grids"), "grid"), 0);
    assert_int_equal(fk_slice_eq(S(""), ""), 1);
    assert_int_equal(fk_slice_eqi(S("GRID"), "grid"), 1);
    assert_int_equal(fk_slice_eqi(S("gRiD"), "GrId"), 1);
    assert_int_equal(fk_slice_eqi(S("grids"), "grid"), 0);
    assert_int_equal(fk_slice_eqi(S("grid"), "grids"), 0);
    assert_int_equal(fk_slice_eqi(S("gr1d"), "grid"), 0);
    assert_int_equal(fk_slice_eqi(S("网格"), "网格"), 1);
    assert_int_equal(fk_slice_eqi(S("[d"), "{d"), 0); /* '[' is not '{' in another case */
    assert_int_equal(fk_slice_eqi(S("@"), "`"), 0);
    assert_int_equal(fk_slice_eqi(S(""), ""), 1);
    {
        fk_slice s = {"idxx", 2};

        assert_int_equal(fk_slice_eqi(s, "ID"), 1);
        assert_int_equal(fk_slice_eq(s, "id"), 1);
    }
}

static void test_str__copy_and_strlcpy(void **state)
{
    char dst[8];

    (void)state;
    memset(dst, 'z', sizeof dst);
    assert_int_equal(fk_slice_copy(dst, 4, S("abcdef")), 3);
    assert_string_equal(dst, "abc");
    assert_int_equal(dst[4], 'z');
    assert_int_equal(fk_slice_copy(dst, sizeof dst, S("abc")), 3);
    assert_string_equal(dst, "abc");
    assert_int_equal(fk_slice_copy(dst, 1, S("abc")), 0);
    assert_string_equal(dst, "");
    memset(dst, 'z', sizeof dst);
    assert_int_equal(fk_slice_copy(dst, 0, S("abc")), 0);
    assert_int_equal(dst[0], 'z'); /* cap 0 writes nothing */
    assert_int_equal(fk_strlcpy(dst, "1234567890", sizeof dst), 7);
    assert_string_equal(dst, "1234567");
    assert_int_equal(fk_strlcpy(dst, "", sizeof dst), 0);
    assert_string_equal(dst, "");
}

static void test_str__dup(void **state)
{
    fk_slice s = {"hello world", 5};
    char *d;

    (void)state;
    d = fk_slice_dup(s);
    assert_non_null(d);
    assert_string_equal(d, "hello");
    free(d);
    s.n = 0;
    d = fk_slice_dup(s);
    assert_non_null(d);
    assert_string_equal(d, "");
    free(d);
}

static int utf8(const char *p, int partial)
{
    return fk_utf8_valid(p, strlen(p), partial);
}

static void test_str__utf8_valid_text(void **state)
{
    (void)state;
    assert_int_equal(utf8("", 0), 1);
    assert_int_equal(utf8("plain ascii, 123", 0), 1);
    assert_int_equal(utf8("张三 李四", 0), 1);
    assert_int_equal(utf8("\xC2\x80", 0), 1);         /* U+0080, smallest 2-byte */
    assert_int_equal(utf8("\xDF\xBF", 0), 1);         /* U+07FF */
    assert_int_equal(utf8("\xE0\xA0\x80", 0), 1);     /* U+0800, smallest 3-byte */
    assert_int_equal(utf8("\xED\x9F\xBF", 0), 1);     /* U+D7FF, just below surrogates */
    assert_int_equal(utf8("\xEE\x80\x80", 0), 1);     /* U+E000, just above them */
    assert_int_equal(utf8("\xEF\xBF\xBF", 0), 1);     /* U+FFFF */
    assert_int_equal(utf8("\xF0\x90\x80\x80", 0), 1); /* U+10000, smallest 4-byte */
    assert_int_equal(utf8("\xF0\x9F\x98\x80", 0), 1); /* U+1F600 */
    assert_int_equal(utf8("\xF4\x8F\xBF\xBF", 0), 1); /* U+10FFFF, the last */
    assert_int_equal(utf8("\357\273\277bom", 0), 1);  /* a BOM is a valid character */
}

static void test_str__utf8_overlong_rejected(void **state)
{
    (void)state;
    assert_int_equal(utf8("\xC0\xAF", 0), 0); /* '/' in 2 bytes */
    assert_int_equal(utf8("\xC1\xBF", 0), 0);
    assert_int_equal(utf8("\xE0\x80\xAF", 0), 0);     /* '/' in 3 bytes */
    assert_int_equal(utf8("\xE0\x9F\xBF", 0), 0);     /* U+07FF in 3 bytes */
    assert_int_equal(utf8("\xF0\x80\x80\xAF", 0), 0); /* '/' in 4 bytes */
    assert_int_equal(utf8("\xF0\x8F\xBF\xBF", 0), 0); /* U+FFFF in 4 bytes */
    assert_int_equal(utf8("ok\xC0\x80", 0), 0);       /* modified-UTF-8 NUL */
}

static void test_str__utf8_surrogates_and_range_rejected(void **state)
{
    (void)state;
    assert_int_equal(utf8("\xED\xA0\x80", 0), 0);             /* U+D800 */
    assert_int_equal(utf8("\xED\xBF\xBF", 0), 0);             /* U+DFFF */
    assert_int_equal(utf8("\xED\xA0\xBD\xED\xB8\x80", 0), 0); /* CESU-8 pair */
    assert_int_equal(utf8("\xF4\x90\x80\x80", 0), 0);         /* U+110000 */
    assert_int_equal(utf8("\xF5\x80\x80\x80", 0), 0);
    assert_int_equal(utf8("\xF8\x88\x80\x80\x80", 0), 0);
    assert_int_equal(utf8("\xFF", 0), 0);
    assert_int_equal(utf8("\xFE", 0), 0);
}

static void test_str__utf8_bad_continuation_rejected(void **state)
{
    (void)state;
    assert_int_equal(utf8("\x80", 0), 0); /* a lone continuation byte */
    assert_int_equal(utf8("a\xBF"
                          "b",
                          0),
                     0);
    assert_int_equal(utf8("\xE5\xBC"
                          "a",
                          0),
                     0); /* cut short in the middle */
    assert_int_equal(utf8("\xE5\xBC"
                          "a",
                          1),
                     0); /* ... is no partial tail */
    assert_int_equal(utf8("\xC3(", 0), 0);
    /* GBK 张三 is not UTF-8. */
    assert_int_equal(utf8("\xD5\xC5\xC8\xFD", 0), 0);
    assert_int_equal(utf8("\xD5\xC5\xC8\xFD", 1), 0);
}

static void test_str__utf8_partial_tail(void **state)
{
    static const char *cut[] = {
        "abc\xE5",      /* 1 of 3 */
        "abc\xE5\xBC",  /* 2 of 3 */
        "\xF0\x9F",     /* 2 of 4 */
        "\xF0\x9F\x98", /* 3 of 4 */
        "x\xC3",        /* 1 of 2 */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        if (utf8(cut[i], 0) != 0)
            fail_msg("cut sequence %zu accepted without partial_tail", i);
        if (utf8(cut[i], 1) != 1)
            fail_msg("cut sequence %zu rejected with partial_tail", i);
    }
    /* n cuts a complete character short. */
    assert_int_equal(fk_utf8_valid("张", 2, 1), 1);
    assert_int_equal(fk_utf8_valid("张", 2, 0), 0);
    assert_int_equal(fk_utf8_valid("张", 3, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str__parse_i64_values),
        cmocka_unit_test(test_str__parse_i64_overflow),
        cmocka_unit_test(test_str__parse_i64_garbage),
        cmocka_unit_test(test_str__parse_i64_reads_only_n_bytes),
        cmocka_unit_test(test_str__parse_int_bounds),
        cmocka_unit_test(test_str__trim),
        cmocka_unit_test(test_str__eq_and_eqi),
        cmocka_unit_test(test_str__copy_and_strlcpy),
        cmocka_unit_test(test_str__dup),
        cmocka_unit_test(test_str__utf8_valid_text),
        cmocka_unit_test(test_str__utf8_overlong_rejected),
        cmocka_unit_test(test_str__utf8_surrogates_and_range_rejected),
        cmocka_unit_test(test_str__utf8_bad_continuation_rejected),
        cmocka_unit_test(test_str__utf8_partial_tail),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
