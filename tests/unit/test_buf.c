/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/buf.c: appends and growth, the ceiling (FK_ETOOBIG leaves the buffer as
 * it was, for every kind of append), printf, and RFC 4180 field quoting as the CSV output and the
 * rejects files use it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/buf.h"
#include "fk/error.h"

/* Asserts that b holds exactly the NUL-terminated text want. */
static void expect_buf(const fk_buf *b, const char *want)
{
    assert_non_null(b->data);
    assert_int_equal(b->len, strlen(want));
    assert_memory_equal(b->data, want, b->len + 1);
}

static void test_buf__init_is_empty(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 100);
    fk_buf_init(&b, 0);
    assert_int_equal(b.max, SIZE_MAX / 2);
    fk_buf_fini(&b);
}

static void test_buf__append_putc_puts(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_append(&b, "abcdef", 3), FK_OK);
    expect_buf(&b, "abc");
    assert_int_equal(fk_buf_putc(&b, '-'), FK_OK);
    assert_int_equal(fk_buf_puts(&b, "xyz"), FK_OK);
    expect_buf(&b, "abc-xyz");
    fk_buf_fini(&b);
}

static void test_buf__empty_append_terminates(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_append(&b, "", 0), FK_OK);
    expect_buf(&b, "");
    fk_buf_fini(&b);
}

static void test_buf__grows_past_many_doublings(void **state)
{
    fk_buf b;
    size_t i;

    (void)state;
    fk_buf_init(&b, 0);
    for (i = 0; i < 100000; i++)
        assert_int_equal(fk_buf_putc(&b, (char)('a' + i % 26)), FK_OK);
    assert_int_equal(b.len, 100000);
    assert_true(b.cap > b.len);
    for (i = 0; i < 100000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    assert_int_equal(b.data[100000], '\0');
    fk_buf_fini(&b);
}

static void test_buf__reset_keeps_storage(void **state)
{
    fk_buf b;
    char *p;
    size_t cap;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "hello"), FK_OK);
    p = b.data;
    cap = b.cap;
    fk_buf_reset(&b);
    assert_ptr_equal(b.data, p);
    assert_int_equal(b.cap, cap);
    expect_buf(&b, "");
    assert_int_equal(fk_buf_puts(&b, "again"), FK_OK);
    expect_buf(&b, "again");
    fk_buf_fini(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* Usable again after fini. */
    assert_int_equal(fk_buf_puts(&b, "third"), FK_OK);
    expect_buf(&b, "third");
    fk_buf_fini(&b);
    fk_buf_fini(&b); /* twice is harmless */
}

static void test_buf__ceiling_exact_fit(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 8);
    assert_int_equal(fk_buf_puts(&b, "12345678"), FK_OK);
    expect_buf(&b, "12345678");
    assert_int_equal(fk_buf_putc(&b, '9'), FK_ETOOBIG);
    assert_int_equal(fk_buf_append(&b, "", 0), FK_OK);
    expect_buf(&b, "12345678");
    fk_buf_fini(&b);
}

static void test_buf__ceiling_leaves_buffer_unchanged(void **state)
{
    fk_buf b;
    char *p;
    size_t cap;

    (void)state;
    fk_buf_init(&b, 10);
    assert_int_equal(fk_buf_puts(&b, "hello"), FK_OK);
    p = b.data;
    cap = b.cap;
    assert_int_equal(fk_buf_append(&b, "worlds", 6), FK_ETOOBIG);
    expect_buf(&b, "hello");
    assert_int_equal(fk_buf_puts(&b, "abcdef"), FK_ETOOBIG);
    expect_buf(&b, "hello");
    assert_int_equal(fk_buf_printf(&b, "%d", 123456), FK_ETOOBIG);
    expect_buf(&b, "hello");
    assert_int_equal(fk_buf_reserve(&b, 6), FK_ETOOBIG);
    assert_int_equal(fk_buf_reserve(&b, SIZE_MAX), FK_ETOOBIG);
    assert_ptr_equal(b.data, p);
    assert_int_equal(b.cap, cap);
    expect_buf(&b, "hello");
    /* What still fits goes in. */
    assert_int_equal(fk_buf_puts(&b, "world"), FK_OK);
    expect_buf(&b, "helloworld");
    fk_buf_fini(&b);
}

static void test_buf__huge_reserve_refused_without_ceiling(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "x"), FK_OK);
    assert_int_equal(fk_buf_reserve(&b, SIZE_MAX), FK_ETOOBIG);
    assert_int_equal(fk_buf_reserve(&b, SIZE_MAX / 2), FK_ETOOBIG);
    expect_buf(&b, "x");
    fk_buf_fini(&b);
}

/* The buffer of the test below lives in the group state, so a failed assertion cannot leak it. */
static int buf_setup(void **state)
{
    static fk_buf b;

    fk_buf_init(&b, 10);
    *state = &b;
    return 0;
}

static int buf_teardown(void **state)
{
    fk_buf_fini(*state);
    return 0;
}

/* A quoted field that does not fit must not leave half of itself behind. */
static void test_buf__csv_field_too_big_leaves_buffer_unchanged(void **state)
{
    fk_buf *b = *state;

    assert_int_equal(fk_buf_puts(b, "ab"), FK_OK);
    assert_int_equal(fk_buf_csv_field(b, "x,yyyyyyyyyy", 12), FK_ETOOBIG);
    expect_buf(b, "ab");
    assert_int_equal(fk_buf_csv_field(b, "plainvalue", 10), FK_ETOOBIG);
    expect_buf(b, "ab");
}

static void test_buf__printf(void **state)
{
    fk_buf b;
    char big[1001];

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_printf(&b, "%d-%s-%.2f", 42, "x", 0.125), FK_OK);
    expect_buf(&b, "42-x-0.12");
    assert_int_equal(fk_buf_printf(&b, "%s", ""), FK_OK);
    expect_buf(&b, "42-x-0.12");
    assert_int_equal(fk_buf_printf(&b, "|%05u|", 7u), FK_OK);
    expect_buf(&b, "42-x-0.12|00007|");
    memset(big, 'q', 1000);
    big[1000] = '\0';
    fk_buf_reset(&b);
    assert_int_equal(fk_buf_printf(&b, "<%s>", big), FK_OK);
    assert_int_equal(b.len, 1002);
    assert_int_equal(b.data[0], '<');
    assert_int_equal(b.data[1000], 'q');
    assert_int_equal(b.data[1001], '>');
    assert_int_equal(b.data[1002], '\0');
    fk_buf_fini(&b);
}

/* Appends s as a CSV field to an empty buffer and compares with want. */
static void expect_field(const char *s, size_t n, const char *want)
{
    fk_buf b;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_csv_field(&b, s, n), FK_OK);
    if (b.len != strlen(want) || memcmp(b.data ? b.data : "", want, b.len) != 0)
        fail_msg("field '%.*s' rendered as [%.*s], want [%s]", (int)n, s, (int)b.len,
                 b.data ? b.data : "", want);
    fk_buf_fini(&b);
}

static void test_buf__csv_field_quoting(void **state)
{
    (void)state;
    expect_field("abc", 3, "abc");
    expect_field("", 0, "");
    expect_field("张三", strlen("张三"), "张三");
    expect_field("with space", 10, "with space");
    expect_field("a,b", 3, "\"a,b\"");
    expect_field("say \"hi\"", 8, "\"say \"\"hi\"\"\"");
    expect_field("\"", 1, "\"\"\"\"");
    expect_field("line1\nline2", 11, "\"line1\nline2\"");
    expect_field("cr\rhere", 7, "\"cr\rhere\"");
    expect_field("a,\"b\"\r\n", 7, "\"a,\"\"b\"\"\r\n\"");
    /* Only n bytes count: the comma after them does not force quotes. */
    expect_field("ab,c", 2, "ab");
}

static void test_buf__csv_field_appends(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_csv_field(&b, "a", 1), FK_OK);
    assert_int_equal(fk_buf_putc(&b, ','), FK_OK);
    assert_int_equal(fk_buf_csv_field(&b, "b,c", 3), FK_OK);
    assert_int_equal(fk_buf_putc(&b, ','), FK_OK);
    assert_int_equal(fk_buf_csv_field(&b, "", 0), FK_OK);
    expect_buf(&b, "a,\"b,c\",");
    fk_buf_fini(&b);
}

/* Appends s as a spreadsheet CSV field (fk_buf_csv_text) and compares with want. */
static void expect_text(const char *s, const char *want)
{
    fk_buf b;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_csv_text(&b, s, strlen(s)), FK_OK);
    if (b.len != strlen(want) || memcmp(b.data ? b.data : "", want, b.len) != 0)
        fail_msg("text '%s' rendered as [%.*s], want [%s]", s, (int)b.len, b.data ? b.data : "",
                 want);
    fk_buf_fini(&b);
}

/* OWASP CSV injection: a cell a spreadsheet would run as a formula gets a leading apostrophe,
 * inside the quotes when the cell needs quotes; other cells are as fk_buf_csv_field writes them. */
static void test_buf__csv_text_neutralises_formulas(void **state)
{
    (void)state;
    expect_text("=HYPERLINK(\"http://x.invalid\",\"点我\")",
                "\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"点我\"\")\"");
    expect_text("=1+2", "'=1+2");
    expect_text("+8613800000000", "'+8613800000000");
    expect_text("-3", "'-3");
    expect_text("@SUM(A1)", "'@SUM(A1)");
    expect_text("\tcmd", "'\tcmd");
    expect_text("\rcmd", "\"'\rcmd\"");
    expect_text("-1,2", "\"'-1,2\"");
    expect_text("张三", "张三");
    expect_text("a=b", "a=b");
    expect_text(" =x", " =x");
    expect_text("", "");
    expect_text("a,b", "\"a,b\"");
    assert_true(fk_csv_formula_lead("=", 1));
    assert_false(fk_csv_formula_lead("=", 0));
    assert_false(fk_csv_formula_lead("'=", 2));
}

static void test_buf__csv_text_too_big_leaves_buffer_unchanged(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 4);
    assert_int_equal(fk_buf_puts(&b, "ab"), FK_OK);
    assert_int_equal(fk_buf_csv_text(&b, "=12", 3), FK_ETOOBIG);
    expect_buf(&b, "ab");
    assert_int_equal(fk_buf_csv_text(&b, "=", 1), FK_OK);
    expect_buf(&b, "ab'=");
    fk_buf_fini(&b);
}

/* Appends s as a JSON string to an empty buffer and compares with want. */
static void expect_json(const char *s, const char *want)
{
    fk_buf b;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_json_string(&b, s), FK_OK);
    if (strcmp(b.data, want) != 0)
        fail_msg("'%s' rendered as [%s], want [%s]", s, b.data, want);
    fk_buf_fini(&b);
}

static void test_buf__json_string_escapes(void **state)
{
    fk_buf b;

    (void)state;
    expect_json("", "\"\"");
    expect_json("abc", "\"abc\"");
    expect_json("张三", "\"张三\"");
    expect_json("\"", "\"\\\"\"");
    expect_json("a\\b", "\"a\\\\b\"");
    expect_json("say \"hi\"\n", "\"say \\\"hi\\\"\\u000a\"");
    expect_json("\x01x\x1f", "\"\\u0001x\\u001f\"");
    expect_json("\x7f~ ", "\"\x7f~ \"");
    /* A string that does not fit leaves the buffer as it was, escapes or not. */
    fk_buf_init(&b, 8);
    assert_int_equal(fk_buf_puts(&b, "ab"), FK_OK);
    assert_int_equal(fk_buf_json_string(&b, "plainvalue"), FK_ETOOBIG);
    expect_buf(&b, "ab");
    assert_int_equal(fk_buf_json_string(&b, "q\"\"\"\""), FK_ETOOBIG);
    expect_buf(&b, "ab");
    assert_int_equal(fk_buf_json_string(&b, "x\""), FK_OK);
    expect_buf(&b, "ab\"x\\\"\"");
    fk_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__init_is_empty),
        cmocka_unit_test(test_buf__append_putc_puts),
        cmocka_unit_test(test_buf__empty_append_terminates),
        cmocka_unit_test(test_buf__grows_past_many_doublings),
        cmocka_unit_test(test_buf__reset_keeps_storage),
        cmocka_unit_test(test_buf__ceiling_exact_fit),
        cmocka_unit_test(test_buf__ceiling_leaves_buffer_unchanged),
        cmocka_unit_test(test_buf__huge_reserve_refused_without_ceiling),
        cmocka_unit_test_setup_teardown(test_buf__csv_field_too_big_leaves_buffer_unchanged,
                                        buf_setup, buf_teardown),
        cmocka_unit_test(test_buf__printf),
        cmocka_unit_test(test_buf__json_string_escapes),
        cmocka_unit_test(test_buf__csv_field_quoting),
        cmocka_unit_test(test_buf__csv_field_appends),
        cmocka_unit_test(test_buf__csv_text_neutralises_formulas),
        cmocka_unit_test(test_buf__csv_text_too_big_leaves_buffer_unchanged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
