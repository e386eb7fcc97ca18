/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/csv.c: RFC 4180 quoting, line ends and line numbers, the per-record
 * errors (oversize, too many fields, unclosed quote, undecodable bytes) and that the reader goes
 * on after them, GBK/GB18030 detection and decoding, including characters cut by a read, and
 * reading from a file. Large inputs are generated so that they cross the reader's 256 KiB chunks;
 * GBK bytes are made from UTF-8 with iconv, so the expectations stay readable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <iconv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fk/buf.h"
#include "fk/csv.h"
#include "fk/error.h"

#define READ_CHUNK (256u * 1024u) /* the reader's chunk size, for sizing inputs that cross it */

static fk_csv *open_n(const char *p, size_t n, const struct fk_csv_opts *o)
{
    fk_csv *c = NULL;
    char err[256];

    assert_int_equal(fk_csv_open_mem(p, n, o, &c, err, sizeof err), FK_OK);
    assert_non_null(c);
    assert_string_equal(err, "");
    return c;
}

static fk_csv *open_str(const char *s, const struct fk_csv_opts *o)
{
    return open_n(s, strlen(s), o);
}

static void expect_field(const fk_csv *c, size_t i, const char *want)
{
    fk_slice f = fk_csv_field(c, i);

    assert_int_equal(f.n, strlen(want));
    assert_memory_equal(f.p, want, f.n);
    assert_int_equal(f.p[f.n], '\0');
}

/* Reads the next record and checks its line and fields: n strings follow. */
static void expect_record(fk_csv *c, uint64_t line, size_t n, ...)
{
    va_list ap;
    size_t i;

    assert_int_equal(fk_csv_next(c), 1);
    assert_string_equal(fk_csv_error(c), "");
    assert_int_equal(fk_csv_line(c), line);
    assert_int_equal(fk_csv_nfields(c), n);
    va_start(ap, n);
    for (i = 0; i < n; i++)
        expect_field(c, i, va_arg(ap, const char *));
    va_end(ap);
}

static void expect_raw(const fk_csv *c, const char *want)
{
    fk_slice r = fk_csv_raw(c);

    assert_int_equal(r.n, strlen(want));
    assert_memory_equal(r.p, want, r.n);
}

static void expect_end(fk_csv *c)
{
    assert_int_equal(fk_csv_next(c), 0);
    assert_int_equal(fk_csv_next(c), 0);
}

/* Converts NUL-terminated UTF-8 to GBK into a heap buffer of *n bytes. */
static char *to_gbk(const char *utf8, size_t *n)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    size_t il = strlen(utf8), ol = il * 2 + 1, r;
    char *out = malloc(ol), *ip = (char *)utf8, *op = out;

    assert_true(cd != (iconv_t)-1);
    assert_non_null(out);
    r = iconv(cd, &ip, &il, &op, &ol);
    assert_true(r != (size_t)-1);
    assert_int_equal(il, 0);
    iconv_close(cd);
    *n = (size_t)(op - out);
    return out;
}

static void test_csv__plain_fields_and_lines(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("id,name,phone\nT1,a,139\nT2,b,138\n", NULL);
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_record(c, 1, 3, "id", "name", "phone");
    expect_record(c, 2, 3, "T1", "a", "139");
    expect_record(c, 3, 3, "T2", "b", "138");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__quoted_field_with_comma(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("name,addr\n\"Wang, Li\",\"No. 5, Yingze St\"\n", NULL);
    expect_record(c, 1, 2, "name", "addr");
    expect_record(c, 2, 2, "Wang, Li", "No. 5, Yingze St");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__doubled_quotes(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("\"say \"\"hi\"\"\",\"\"\"\",\"\"\n", NULL);
    expect_record(c, 1, 3, "say \"hi\"", "\"", "");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__newline_inside_quotes_keeps_line_numbers(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,b\n\"line one\nline two\r\nline three\",x\nc,d\n", NULL);
    expect_record(c, 1, 2, "a", "b");
    expect_record(c, 2, 2, "line one\nline two\r\nline three", "x");
    expect_record(c, 5, 2, "c", "d");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__crlf_line_ends(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,b\r\n1,2\r\n\"q\",3\r\n", NULL);
    expect_record(c, 1, 2, "a", "b");
    expect_raw(c, "a,b");
    expect_record(c, 2, 2, "1", "2");
    expect_record(c, 3, 2, "q", "3");
    expect_raw(c, "\"q\",3");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__bom_skipped(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("\xEF\xBB\xBFid,name\nT1,\xE5\xB1\x85\xE6\xB0\x91\n", NULL);
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_record(c, 1, 2, "id", "name");
    expect_raw(c, "id,name");
    expect_record(c, 2, 2, "T1", "居民");
    expect_end(c);
    fk_csv_close(c);

    c = open_str("\xEF\xBB\xBF", NULL);
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__empty_lines_skipped_and_counted(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("\n\na,b\n\r\n\n1,2\n\n", NULL);
    expect_record(c, 3, 2, "a", "b");
    expect_record(c, 6, 2, "1", "2");
    expect_end(c);
    fk_csv_close(c);

    c = open_str("\n\r\n\n", NULL);
    expect_end(c);
    fk_csv_close(c);

    c = open_str("", NULL);
    expect_end(c);
    assert_int_equal(fk_csv_size(c), 0);
    fk_csv_close(c);
}

static void test_csv__last_line_without_newline(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,b\n1,2", NULL);
    expect_record(c, 1, 2, "a", "b");
    expect_record(c, 2, 2, "1", "2");
    expect_raw(c, "1,2");
    expect_end(c);
    fk_csv_close(c);

    c = open_str("a,\"b\"\r", NULL);
    expect_record(c, 1, 2, "a", "b");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__empty_and_trailing_empty_fields(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,b,\n,,\n,x\n\"\"\n", NULL);
    expect_record(c, 1, 3, "a", "b", "");
    expect_record(c, 2, 3, "", "", "");
    expect_record(c, 3, 2, "", "x");
    expect_record(c, 4, 1, "");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__literal_quote_inside_unquoted_field(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("5\" screen,ab\"\"c,\"z\"\n", NULL);
    expect_record(c, 1, 3, "5\" screen", "ab\"\"c", "z");
    expect_end(c);
    fk_csv_close(c);
}

/* "ab"c is not abc: a lone quote inside a quoted field fails the record, which names the field
 * and the byte, and the reader goes on after it. */
static void test_csv__lone_quote_in_quoted_field_rejected(void **state)
{
    char named[160];
    size_t field = 9, byte = 9;
    fk_csv *c;

    (void)state;
    c = open_str("id,name\n1,\"ab\"c\n2,\"a\"\"b\"\n", NULL);
    expect_record(c, 1, 2, "id", "name");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_line(c), 2);
    assert_non_null(strstr(fk_csv_error(c), "a quote inside a field must be doubled"));
    assert_int_equal(fk_csv_error_place(c, &field, &byte), 1);
    assert_int_equal(field, 1);
    assert_int_equal(byte, 3);
    fk_csv_error_named(c, "name", named, sizeof named);
    assert_non_null(strstr(named, "field name, byte 3"));
    expect_raw(c, "1,\"ab\"c");
    expect_record(c, 3, 2, "2", "a\"b");
    assert_int_equal(fk_csv_error_place(c, &field, &byte), 0);
    expect_end(c);
    fk_csv_close(c);

    /* Spaces after the closing quote are dropped; a second quoted part is no continuation. */
    c = open_str("\"ab\"  ,x\n\"ab\" \"c\",x\n\"ab\" c\n", NULL);
    expect_record(c, 1, 2, "ab", "x");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__raw_text_of_record(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("\"a,1\",\"b\"\"c\"\r\nplain,2\n", NULL);
    expect_record(c, 1, 2, "a,1", "b\"c");
    expect_raw(c, "\"a,1\",\"b\"\"c\"");
    expect_record(c, 2, 2, "plain", "2");
    expect_raw(c, "plain,2");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__oversize_record_skipped(void **state)
{
    struct fk_csv_opts o = {NULL, 16, 0};
    fk_csv *c;

    (void)state;
    c = open_str("short,1\nthis record is much longer than sixteen bytes\nok,2\n", &o);
    expect_record(c, 1, 2, "short", "1");
    assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "record is longer than 16 bytes");
    assert_int_equal(fk_csv_nfields(c), 0);
    expect_raw(c, "this record is m");
    expect_record(c, 3, 2, "ok", "2");
    expect_end(c);
    fk_csv_close(c);
}

/* A quoted record of several megabytes, with newlines, commas and doubled quotes inside, is
 * skipped across many reads; quotes still decide where it ends, and lines stay right. */
static void test_csv__oversize_record_across_chunks(void **state)
{
    fk_buf b;
    fk_csv *c;
    size_t i, inner_lines = 0;
    fk_slice raw;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "a,b\n1,\""), FK_OK);
    for (i = 0; b.len < 3 * 1024 * 1024; i++) {
        assert_int_equal(fk_buf_puts(&b, "text, \"\"quoted\"\" ,\n"), FK_OK);
        inner_lines++;
    }
    assert_int_equal(fk_buf_puts(&b, "end\",z\r\nc,d\n"), FK_OK);
    c = open_n(b.data, b.len, NULL);
    expect_record(c, 1, 2, "a", "b");
    assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "record is longer than 1048576 bytes");
    raw = fk_csv_raw(c);
    assert_int_equal(raw.n, 1024 * 1024);
    assert_memory_equal(raw.p, "1,\"text, \"\"quoted", 17);
    expect_record(c, 3 + inner_lines, 2, "c", "d");
    expect_end(c);
    assert_int_equal(fk_csv_offset(c), b.len);
    fk_csv_close(c);
    fk_buf_fini(&b);
}

static void test_csv__too_many_fields(void **state)
{
    struct fk_csv_opts o = {NULL, 0, 3};
    fk_buf b;
    fk_csv *c;
    size_t i;

    (void)state;
    c = open_str("a,b,c\na,b,c,d\n\"x\",\"y\",\"z\",\"w\"\n1,2,3\n", &o);
    expect_record(c, 1, 3, "a", "b", "c");
    assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "record has more than 3 fields");
    expect_raw(c, "a,b,c,d");
    assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
    assert_int_equal(fk_csv_line(c), 3);
    expect_record(c, 4, 3, "1", "2", "3");
    expect_end(c);
    fk_csv_close(c);

    /* The default ceiling is 256 fields. */
    fk_buf_init(&b, 0);
    for (i = 0; i < 257; i++)
        assert_int_equal(fk_buf_puts(&b, i ? ",f" : "f"), FK_OK);
    assert_int_equal(fk_buf_puts(&b, "\nok\n"), FK_OK);
    c = open_n(b.data, b.len, NULL);
    assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
    assert_string_equal(fk_csv_error(c), "record has more than 256 fields");
    expect_record(c, 2, 1, "ok");
    fk_csv_close(c);
    fk_buf_fini(&b);
}

static void test_csv__unterminated_quote(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,b\nc,\"open\nmore,stuff\nlast\n", NULL);
    expect_record(c, 1, 2, "a", "b");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "quoted field opened on line 2 is never closed");
    expect_raw(c, "c,\"open\nmore,stuff\nlast\n");
    expect_end(c);
    fk_csv_close(c);

    /* The message names the line where the unclosed quote opened, not where the record did. */
    c = open_str("h\nx,\"ok\nstill\",\"bad\nz", NULL);
    expect_record(c, 1, 1, "h");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "quoted field opened on line 3 is never closed");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__gbk_auto_detected(void **state)
{
    static const char gbk[] = "\xBE\xD3\xC3\xF1,13900000000\r\n"; /* 居民 in GBK */
    fk_csv *c;
    char *p;
    size_t n;

    (void)state;
    c = open_str(gbk, NULL);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_record(c, 1, 2, "居民", "13900000000");
    expect_raw(c, "居民,13900000000");
    expect_end(c);
    fk_csv_close(c);

    p = to_gbk("姓名,电话\n\"张三, 李四\",13900000000\n王五,13800000000", &n);
    c = open_n(p, n, NULL);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_record(c, 1, 2, "姓名", "电话");
    expect_record(c, 2, 2, "张三, 李四", "13900000000");
    expect_record(c, 3, 2, "王五", "13800000000");
    expect_end(c);
    fk_csv_close(c);
    free(p);

    /* GB18030's own byte order mark decodes to U+FEFF and is skipped like UTF-8's. */
    c = open_str("\x84\x31\x95\x33\xBE\xD3,1\n", NULL);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_record(c, 1, 2, "居", "1");
    expect_end(c);
    fk_csv_close(c);
}

static void test_csv__encoding_override(void **state)
{
    static const char gbk[] = "\xBE\xD3\xC3\xF1,1\n";
    struct fk_csv_opts o = {"GBK", 0, 0};
    fk_csv *c;

    (void)state;
    c = open_str(gbk, &o);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_record(c, 1, 2, "居民", "1");
    fk_csv_close(c);

    o.encoding = "gb2312";
    c = open_str(gbk, &o);
    expect_record(c, 1, 2, "居民", "1");
    fk_csv_close(c);

    /* Declared UTF-8 wins over the sniff, but bytes that are not UTF-8 never pass: the record
     * fails, naming the field and the byte. */
    o.encoding = "UTF-8";
    c = open_str(gbk, &o);
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_string_equal(fk_csv_error(c), "invalid UTF-8 in field 1 at byte 1");
    expect_raw(c, "????,1"); /* the raw text for a rejects file is text too */
    expect_end(c);
    fk_csv_close(c);

    o.encoding = "auto";
    c = open_str("plain,ascii\n", &o);
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_record(c, 1, 2, "plain", "ascii");
    fk_csv_close(c);
}

static void test_csv__unknown_encoding_rejected(void **state)
{
    struct fk_csv_opts o = {"latin1", 0, 0};
    fk_csv *c = (fk_csv *)&o;
    char err[256];

    (void)state;
    assert_int_equal(fk_csv_open_mem("a\n", 2, &o, &c, err, sizeof err), FK_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err, "\"latin1\""));
    assert_non_null(strstr(err, "gb18030"));
}

/* Each line is 256 bytes, the GBK text in it starts on an odd offset, and the header is 5 bytes,
 * so every offset that is a multiple of 256 (every possible chunk or sniff boundary) falls
 * between the two bytes of a GBK character. */
static char *make_gbk_lines(size_t lines, char **want_utf8, size_t *n)
{
    static const char *cjk[] = {"居", "民", "测", "试", "张", "三", "晋", "中"};
    fk_buf u, b;
    char *g;
    size_t i, gn;

    fk_buf_init(&u, 0);
    for (i = 0; i < 121; i++)
        assert_int_equal(fk_buf_puts(&u, cjk[i % 8]), FK_OK);
    g = to_gbk(u.data, &gn);
    assert_int_equal(gn, 242);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "n,x\r\n"), FK_OK);
    for (i = 0; i < lines; i++) {
        assert_int_equal(fk_buf_printf(&b, "139%08zu,", i), FK_OK);
        assert_int_equal(fk_buf_append(&b, g, gn), FK_OK);
        assert_int_equal(fk_buf_puts(&b, "\r\n"), FK_OK);
    }
    assert_int_equal(b.len, 5 + lines * 256);
    for (i = 65536; i < b.len; i += 65536)
        assert_true(((unsigned char)b.data[i - 1] & 0x80) && (i - 5) % 256 == 251);
    free(g);
    *want_utf8 = u.data;
    *n = b.len;
    return b.data;
}

static void check_gbk_lines(fk_csv *c, size_t lines, const char *want)
{
    char phone[32];
    size_t i;

    expect_record(c, 1, 2, "n", "x");
    for (i = 0; i < lines; i++) {
        snprintf(phone, sizeof phone, "139%08zu", i);
        expect_record(c, i + 2, 2, phone, want);
    }
    expect_end(c);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    assert_int_equal(fk_csv_offset(c), fk_csv_size(c));
}

static void test_csv__gbk_char_split_across_chunks(void **state)
{
    size_t lines = 8 * READ_CHUNK / 256, n;
    char *want, *p;
    fk_csv *c;

    (void)state;
    p = make_gbk_lines(lines, &want, &n);
    c = open_n(p, n, NULL);
    check_gbk_lines(c, lines, want);
    fk_csv_close(c);
    free(p);
    free(want);
}

/* A file whose first 64 KiB are ASCII is still recognised as GBK, from the start: the whole
 * input is looked at. */
static void test_csv__gbk_after_ascii_head(void **state)
{
    fk_buf b;
    fk_csv *c;
    size_t i, n;
    char *g;

    (void)state;
    fk_buf_init(&b, 0);
    for (i = 0; i < 5000; i++)
        assert_int_equal(fk_buf_printf(&b, "T%06zu,ascii only\n", i), FK_OK);
    g = to_gbk("居民,晋中\n", &n);
    assert_int_equal(fk_buf_append(&b, g, n), FK_OK);
    c = open_n(b.data, b.len, NULL);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    for (i = 0; i < 5000; i++)
        assert_int_equal(fk_csv_next(c), 1);
    expect_record(c, 5001, 2, "居民", "晋中");
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_end(c);
    fk_csv_close(c);
    free(g);
    fk_buf_fini(&b);
}

static void test_csv__invalid_gb18030_bytes(void **state)
{
    struct fk_csv_opts o = {"gb18030", 0, 0};
    fk_csv *c;

    (void)state;
    c = open_str("a,b\nx,\x81\x20y\n\xBE\xD3,d\n", &o);
    expect_record(c, 1, 2, "a", "b");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "bytes that are not valid GB18030 near byte offset 6");
    expect_raw(c, "x,? y");
    expect_record(c, 3, 2, "居", "d");
    expect_end(c);
    fk_csv_close(c);

    /* A character cut off by the end of the file. */
    c = open_str("a,b\nc,\xBE", &o);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_record(c, 1, 2, "a", "b");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_string_equal(fk_csv_error(c), "bytes that are not valid GB18030 near byte offset 6");
    expect_end(c);
    fk_csv_close(c);
}

/* Many records with quoted multi-line fields, so that records and quotes straddle reads. */
static void read_many_records(const char *encoding)
{
    struct fk_csv_opts o = {encoding, 0, 0};
    char want[64], num[24];
    fk_buf b;
    fk_csv *c;
    size_t i, rows = 200000;
    uint64_t line = 1;

    fk_buf_init(&b, 0);
    for (i = 0; i < rows; i++) {
        if (i % 7 == 3)
            assert_int_equal(fk_buf_printf(&b, "\"q\"\"%zu\nnext\",%zu\r\n", i, i), FK_OK);
        else
            assert_int_equal(fk_buf_printf(&b, "plain %zu,%zu\n", i, i), FK_OK);
    }
    assert_true(b.len > 8 * READ_CHUNK);
    c = open_n(b.data, b.len, &o);
    for (i = 0; i < rows; i++) {
        snprintf(num, sizeof num, "%zu", i);
        if (i % 7 == 3) {
            snprintf(want, sizeof want, "q\"%zu\nnext", i);
            expect_record(c, line, 2, want, num);
            line += 2;
        } else {
            snprintf(want, sizeof want, "plain %zu", i);
            expect_record(c, line, 2, want, num);
            line += 1;
        }
    }
    expect_end(c);
    assert_int_equal(fk_csv_offset(c), b.len);
    assert_int_equal(fk_csv_size(c), b.len);
    fk_csv_close(c);
    fk_buf_fini(&b);
}

static void test_csv__many_records_across_chunks(void **state)
{
    (void)state;
    read_many_records(NULL);
    read_many_records("utf-8");
}

/* A UTF-8 character in the last bytes of the input is judged once the input is known to end. */
static void test_csv__utf8_char_at_end_of_input(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("a,\xE5\xB1\x85", NULL);
    expect_record(c, 1, 2, "a", "居");
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_end(c);
    fk_csv_close(c);
}

/* The first non-ASCII byte settles the encoding even when it is cut by the end of the 64 KiB
 * head or of a later read; text after an all-ASCII head may be UTF-8 as well as GBK. */
static void test_csv__encoding_settled_across_reads(void **state)
{
    fk_buf b;
    fk_csv *c;
    size_t i;

    (void)state;
    fk_buf_init(&b, 0);
    for (i = 0; i < 65533; i++)
        assert_int_equal(fk_buf_putc(&b, 'a'), FK_OK);
    assert_int_equal(fk_buf_puts(&b, ",\xE5\xB1\x85\n"), FK_OK); /* 居 across offset 65536 */
    c = open_n(b.data, b.len, NULL);
    assert_int_equal(fk_csv_next(c), 1);
    assert_int_equal(fk_csv_field(c, 0).n, 65533);
    expect_field(c, 1, "居");
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_end(c);
    fk_csv_close(c);

    b.len = 65534;
    assert_int_equal(fk_buf_puts(&b, "\xBE\xD3\n"), FK_OK); /* 居 in GBK across 65536 */
    c = open_n(b.data, b.len, NULL);
    assert_int_equal(fk_csv_next(c), 1);
    assert_int_equal(fk_csv_field(c, 0).n, 65533);
    expect_field(c, 1, "居");
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    expect_end(c);
    fk_csv_close(c);

    fk_buf_reset(&b);
    for (i = 0; i < 5000; i++)
        assert_int_equal(fk_buf_printf(&b, "T%06zu,ascii only\n", i), FK_OK);
    for (i = 0; i < 5000; i++)
        assert_int_equal(fk_buf_printf(&b, "T%06zu,居民\n", i), FK_OK);
    c = open_n(b.data, b.len, NULL);
    for (i = 0; i < 5000; i++)
        assert_int_equal(fk_csv_next(c), 1);
    expect_record(c, 5001, 2, "T000000", "居民");
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    for (i = 1; i < 5000; i++)
        assert_int_equal(fk_csv_next(c), 1);
    expect_end(c);
    fk_csv_close(c);
    fk_buf_fini(&b);
}

/* Evidence over the whole input: a UTF-8 file of two-character names (whose bytes happen to
 * be well-formed GB18030 too) with one stray Latin-1 byte deep inside is UTF-8, and only that
 * record fails; a GBK file with one bad byte is GB18030. The first non-ASCII bytes decided it
 * before, so the stray byte, in the first record, made the whole file GB18030. */
static void test_csv__encoding_from_whole_input(void **state)
{
    fk_buf b;
    fk_csv *c;
    size_t i, n;
    char *g;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "id,name\n0,caf\xE9s\n"), FK_OK);
    for (i = 1; i < 3000; i++)
        assert_int_equal(fk_buf_printf(&b, "%zu,居民\n", i), FK_OK);
    c = open_n(b.data, b.len, NULL);
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    expect_record(c, 1, 2, "id", "name");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_int_equal(fk_csv_line(c), 2);
    assert_string_equal(fk_csv_error(c), "invalid UTF-8 in field 2 at byte 4");
    for (i = 1; i < 3000; i++)
        assert_int_equal(fk_csv_next(c), 1);
    expect_field(c, 1, "居民");
    expect_end(c);
    fk_csv_close(c);

    fk_buf_reset(&b);
    g = to_gbk("居民,晋中市榆次区\n", &n);
    for (i = 0; i < 200; i++)
        assert_int_equal(fk_buf_append(&b, g, n), FK_OK);
    assert_int_equal(fk_buf_puts(&b, "x,\x80\n"), FK_OK);
    c = open_n(b.data, b.len, NULL);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    for (i = 0; i < 200; i++)
        expect_record(c, i + 1, 2, "居民", "晋中市榆次区");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    expect_end(c);
    fk_csv_close(c);
    free(g);
    fk_buf_fini(&b);
}

/* Opens a reader on a pipe that a child process fills with the n bytes at p: input that cannot
 * be looked at whole before it is read. *pid is the child, for waitpid. */
static fk_csv *open_pipe(const char *p, size_t n, pid_t *pid)
{
    char path[64], err[256];
    fk_csv *c = NULL;
    int fd[2];

    assert_int_equal(pipe(fd), 0);
    *pid = fork();
    assert_true(*pid >= 0);
    if (*pid == 0) {
        size_t done = 0;

        close(fd[0]);
        while (done < n) {
            ssize_t w = write(fd[1], p + done, n - done);

            if (w <= 0)
                _exit(1);
            done += (size_t)w;
        }
        _exit(0);
    }
    close(fd[1]);
    snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
    assert_int_equal(fk_csv_open_path(path, NULL, &c, err, sizeof err), FK_OK);
    close(fd[0]); /* the reader opened its own descriptor */
    return c;
}

static void close_pipe(fk_csv *c, pid_t pid)
{
    int status;

    fk_csv_close(c);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* From a pipe only the head can be judged before reading, by the same evidence: a stray byte
 * at the first non-ASCII place no longer makes a UTF-8 stream GB18030, GBK is still GBK, and
 * the stray byte's record fails. */
static void test_csv__encoding_of_a_pipe(void **state)
{
    fk_buf b;
    fk_csv *c;
    pid_t pid;
    size_t i, n, lines = 2 * READ_CHUNK / 256;
    char *g, *want, num[24];

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_puts(&b, "id,name\n0,caf\xE9s\n"), FK_OK);
    for (i = 1; i < 3000; i++)
        assert_int_equal(fk_buf_printf(&b, "%zu,居民\n", i), FK_OK);
    c = open_pipe(b.data, b.len, &pid);
    expect_record(c, 1, 2, "id", "name");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_string_equal(fk_csv_error(c), "invalid UTF-8 in field 2 at byte 4");
    assert_string_equal(fk_csv_encoding(c), "utf-8");
    for (i = 1; i < 3000; i++) {
        snprintf(num, sizeof num, "%zu", i);
        expect_record(c, i + 2, 2, num, "居民");
    }
    expect_end(c);
    assert_int_equal(fk_csv_size(c), 0);
    close_pipe(c, pid);
    fk_buf_fini(&b);

    g = make_gbk_lines(lines, &want, &n);
    c = open_pipe(g, n, &pid);
    expect_record(c, 1, 2, "n", "x");
    for (i = 0; i < lines; i++) {
        snprintf(num, sizeof num, "139%08zu", i);
        expect_record(c, i + 2, 2, num, want);
    }
    expect_end(c);
    assert_string_equal(fk_csv_encoding(c), "gb18030");
    close_pipe(c, pid);
    free(g);
    free(want);
}

static void expect_refused(const char *p, size_t n, const char *want)
{
    fk_csv *c = NULL;
    char err[256];

    assert_int_equal(fk_csv_open_mem(p, n, NULL, &c, err, sizeof err), FK_EINVAL);
    assert_null(c);
    assert_string_equal(err, want);
}

static void test_csv__utf16_refused(void **state)
{
    static const char want[] = "UTF-16 is not supported: save as UTF-8 or GBK";
    static const char le[] = "\xFF\xFEi\0d\0,\0n\0\n\0";
    static const char be[] = "\xFE\xFF\0i\0d\0,\0n\0\n";
    static const char nobom[] = "i\0d\0,\0n\0a\0m\0e\0\n\0";
    struct fk_csv_opts o = {"utf-8", 0, 0};
    fk_csv *c = NULL;
    char err[256];

    (void)state;
    expect_refused(le, sizeof le - 1, want);
    expect_refused(be, sizeof be - 1, want);
    expect_refused(nobom, sizeof nobom - 1, want);
    /* Whatever the caller says the encoding is. */
    assert_int_equal(fk_csv_open_mem(le, sizeof le - 1, &o, &c, err, sizeof err), FK_EINVAL);
    assert_string_equal(err, want);
}

/* A NUL byte would cut a field short wherever it is used as a C string. */
static void test_csv__nul_byte_rejected(void **state)
{
    static const char text[] = "a,b\nAB123\0xyz,1\nc,d\n";
    fk_csv *c;

    (void)state;
    c = open_n(text, sizeof text - 1, NULL);
    expect_record(c, 1, 2, "a", "b");
    assert_int_equal(fk_csv_next(c), FK_EINVAL);
    assert_string_equal(fk_csv_error(c), "a NUL byte in field 1 at byte 6");
    expect_raw(c, "AB123?xyz,1");
    expect_record(c, 3, 2, "c", "d");
    expect_end(c);
    fk_csv_close(c);
}

/* Old Excel for Mac ends lines with CR alone: each is a line end, also inside quotes for line
 * numbers, and the fields hold no CR. Before, the whole file was one record. */
static void test_csv__cr_only_line_ends(void **state)
{
    fk_csv *c;

    (void)state;
    c = open_str("id,name\r1,\"Li\rNa\"\r2,Wang\r\r3,Zhao", NULL);
    expect_record(c, 1, 2, "id", "name");
    expect_record(c, 2, 2, "1", "Li\rNa");
    expect_record(c, 4, 2, "2", "Wang");
    expect_record(c, 6, 2, "3", "Zhao");
    expect_end(c);
    fk_csv_close(c);

    /* Looking for the first line end never reads past what a record may hold: a first record
     * over max_record with no line end is skipped as oversize, not "out of memory". */
    {
        struct fk_csv_opts o = {NULL, 16, 0};

        c = open_str("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &o);
        assert_int_equal(fk_csv_next(c), FK_ETOOBIG);
        expect_end(c);
        fk_csv_close(c);
    }

    /* CRLF files keep LF as the line end, and lose the CR. */
    c = open_str("id,name\r\n1,a\r\n", NULL);
    expect_record(c, 1, 2, "id", "name");
    expect_record(c, 2, 2, "1", "a");
    expect_end(c);
    fk_csv_close(c);
}

static char *write_temp(const char *p, size_t n)
{
    char *path = malloc(32);
    int fd;

    assert_non_null(path);
    memcpy(path, "/tmp/fk_csv_XXXXXX", 19);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_csv__open_path_reads_file(void **state)
{
    static const char text[] = "id,name\r\nT1,\"Li, Na\"\r\n";
    char err[256], *path, *want, *p;
    fk_csv *c = NULL;
    size_t lines = 4 * READ_CHUNK / 256, n;

    (void)state;
    path = write_temp(text, sizeof text - 1);
    assert_int_equal(fk_csv_open_path(path, NULL, &c, err, sizeof err), FK_OK);
    assert_non_null(c);
    assert_int_equal(fk_csv_size(c), sizeof text - 1);
    expect_record(c, 1, 2, "id", "name");
    expect_record(c, 2, 2, "T1", "Li, Na");
    expect_end(c);
    assert_int_equal(fk_csv_offset(c), sizeof text - 1);
    fk_csv_close(c);
    unlink(path);
    free(path);

    /* A GBK file larger than a chunk, read through read(2). */
    p = make_gbk_lines(lines, &want, &n);
    path = write_temp(p, n);
    assert_int_equal(fk_csv_open_path(path, NULL, &c, err, sizeof err), FK_OK);
    check_gbk_lines(c, lines, want);
    fk_csv_close(c);
    unlink(path);
    free(path);
    free(p);
    free(want);
}

static void test_csv__missing_file_is_enoent(void **state)
{
    char err[256];
    fk_csv *c = (fk_csv *)err;

    (void)state;
    assert_int_equal(fk_csv_open_path("/nonexistent/fk/people.csv", NULL, &c, err, sizeof err),
                     FK_ENOENT);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/fk/people.csv"));

    assert_int_equal(fk_csv_open_path("/tmp", NULL, &c, err, sizeof err), FK_EIO);
    assert_null(c);
    assert_non_null(strstr(err, "folder"));
}

/* Reading /proc/self/mem at offset 0 fails with EIO on Linux: a read error is final. */
static void test_csv__read_error_is_final(void **state)
{
    struct fk_csv_opts o = {"utf-8", 0, 0};
    char err[256];
    fk_csv *c = NULL;

    (void)state;
    assert_int_equal(fk_csv_open_path("/proc/self/mem", &o, &c, err, sizeof err), FK_OK);
    assert_int_equal(fk_csv_next(c), FK_EIO);
    assert_non_null(strstr(fk_csv_error(c), "could not be read"));
    assert_int_equal(fk_csv_next(c), FK_EIO);
    assert_int_equal(fk_csv_nfields(c), 0);
    fk_csv_close(c);

    /* With "auto" the head is read at open, so the open fails. */
    c = (fk_csv *)err;
    assert_int_equal(fk_csv_open_path("/proc/self/mem", NULL, &c, err, sizeof err), FK_EIO);
    assert_null(c);
    assert_non_null(strstr(err, "could not be read"));
}

static void test_csv__field_out_of_range_is_empty(void **state)
{
    fk_csv *c;
    fk_slice f;

    (void)state;
    c = open_str("a,b\n", NULL);
    expect_record(c, 1, 2, "a", "b");
    f = fk_csv_field(c, 2);
    assert_int_equal(f.n, 0);
    assert_non_null(f.p);
    assert_string_equal(f.p, "");
    fk_csv_close(c);
    fk_csv_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__plain_fields_and_lines),
        cmocka_unit_test(test_csv__quoted_field_with_comma),
        cmocka_unit_test(test_csv__doubled_quotes),
        cmocka_unit_test(test_csv__newline_inside_quotes_keeps_line_numbers),
        cmocka_unit_test(test_csv__crlf_line_ends),
        cmocka_unit_test(test_csv__bom_skipped),
        cmocka_unit_test(test_csv__empty_lines_skipped_and_counted),
        cmocka_unit_test(test_csv__last_line_without_newline),
        cmocka_unit_test(test_csv__empty_and_trailing_empty_fields),
        cmocka_unit_test(test_csv__literal_quote_inside_unquoted_field),
        cmocka_unit_test(test_csv__lone_quote_in_quoted_field_rejected),
        cmocka_unit_test(test_csv__raw_text_of_record),
        cmocka_unit_test(test_csv__oversize_record_skipped),
        cmocka_unit_test(test_csv__oversize_record_across_chunks),
        cmocka_unit_test(test_csv__too_many_fields),
        cmocka_unit_test(test_csv__unterminated_quote),
        cmocka_unit_test(test_csv__gbk_auto_detected),
        cmocka_unit_test(test_csv__encoding_override),
        cmocka_unit_test(test_csv__unknown_encoding_rejected),
        cmocka_unit_test(test_csv__gbk_char_split_across_chunks),
        cmocka_unit_test(test_csv__gbk_after_ascii_head),
        cmocka_unit_test(test_csv__invalid_gb18030_bytes),
        cmocka_unit_test(test_csv__many_records_across_chunks),
        cmocka_unit_test(test_csv__utf8_char_at_end_of_input),
        cmocka_unit_test(test_csv__encoding_settled_across_reads),
        cmocka_unit_test(test_csv__encoding_from_whole_input),
        cmocka_unit_test(test_csv__encoding_of_a_pipe),
        cmocka_unit_test(test_csv__utf16_refused),
        cmocka_unit_test(test_csv__nul_byte_rejected),
        cmocka_unit_test(test_csv__cr_only_line_ends),
        cmocka_unit_test(test_csv__open_path_reads_file),
        cmocka_unit_test(test_csv__missing_file_is_enoent),
        cmocka_unit_test(test_csv__read_error_is_final),
        cmocka_unit_test(test_csv__field_out_of_range_is_empty),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
