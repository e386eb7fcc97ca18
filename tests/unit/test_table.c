/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/table.c: CSV rendering (header, quoting, empty cells), JSON rendering
 * (numbers bare, null for empty cells, escaped strings) checked both byte for byte and by parsing
 * the output with a small JSON reader below, rendering in ranges, sorting by two columns, and
 * writing to a stream in blocks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/table.h"

static const struct fk_col cols[] = {
    {"region", FK_COL_TEXT},
    {"n", FK_COL_INT},
    {"cov", FK_COL_REAL},
};

/* ---- a small JSON reader: an array of flat objects of strings, numbers and nulls ---- */

#define JMAX_OBJ 16
#define JMAX_CELL 8

struct jcell {
    char key[32];
    char kind; /* 's' string, 'n' number, 'z' null */
    char text[128];
};

struct jdoc {
    size_t nobj; /* every object, even those past JMAX_OBJ */
    size_t ncell[JMAX_OBJ];
    struct jcell cell[JMAX_OBJ][JMAX_CELL];
};

struct jp {
    const char *p, *end;
};

static void jws(struct jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t'))
        j->p++;
}

static int jlit(struct jp *j, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

/* Appends code point cp as UTF-8. */
static int jput(char *out, size_t cap, size_t *n, unsigned cp)
{
    unsigned char b[3];
    size_t k, len;

    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        len = 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        len = 2;
    } else {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        len = 3;
    }
    if (*n + len >= cap)
        return 0;
    for (k = 0; k < len; k++)
        out[(*n)++] = (char)b[k];
    return 1;
}

static int jhex(char h)
{
    if (h >= '0' && h <= '9')
        return h - '0';
    if (h >= 'a' && h <= 'f')
        return h - 'a' + 10;
    if (h >= 'A' && h <= 'F')
        return h - 'A' + 10;
    return -1;
}

static int jstring(struct jp *j, char *out, size_t cap)
{
    size_t n = 0;

    if (!jlit(j, "\""))
        return 0;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        unsigned cp = 0;
        int k;

        if (c < 0x20)
            return 0; /* raw control characters are not allowed in JSON strings */
        if (c != '\\') {
            if (n + 1 >= cap)
                return 0;
            out[n++] = (char)c;
            continue;
        }
        if (j->p >= j->end)
            return 0;
        c = (unsigned char)*j->p++;
        switch (c) {
        case '"':
        case '\\':
        case '/': cp = c; break;
        case 'b': cp = 8; break;
        case 'f': cp = 12; break;
        case 'n': cp = 10; break;
        case 'r': cp = 13; break;
        case 't': cp = 9; break;
        case 'u':
            if (j->end - j->p < 4)
                return 0;
            for (k = 0; k < 4; k++) {
                int h = jhex(*j->p++);

                if (h < 0)
                    return 0;
                cp = cp << 4 | (unsigned)h;
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                return 0;
            break;
        default: return 0;
        }
        if (!jput(out, cap, &n, cp))
            return 0;
    }
    if (!jlit(j, "\""))
        return 0;
    out[n] = '\0';
    return 1;
}

static int jdigits(struct jp *j)
{
    const char *s = j->p;

    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
        j->p++;
    return j->p > s;
}

/* A number by the JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int jnumber(struct jp *j, char *out, size_t cap)
{
    const char *s = j->p;

    jlit(j, "-");
    if (jlit(j, "0")) {
        /* a leading zero stands alone */
    } else if (j->p < j->end && *j->p >= '1' && *j->p <= '9') {
        jdigits(j);
    } else {
        return 0;
    }
    if (jlit(j, ".") && !jdigits(j))
        return 0;
    if (jlit(j, "e") || jlit(j, "E")) {
        if (!jlit(j, "+"))
            jlit(j, "-");
        if (!jdigits(j))
            return 0;
    }
    if ((size_t)(j->p - s) >= cap)
        return 0;
    memcpy(out, s, (size_t)(j->p - s));
    out[j->p - s] = '\0';
    return 1;
}

/* 1 when text[0..len) is exactly one JSON array of flat objects; fills d. */
static int jparse(const char *text, size_t len, struct jdoc *d)
{
    struct jp j = {text, text + len};
    struct jcell scratch;

    memset(d, 0, sizeof *d);
    jws(&j);
    if (!jlit(&j, "["))
        return 0;
    jws(&j);
    if (jlit(&j, "]"))
        goto end;
    for (;;) {
        size_t o = d->nobj++, nc = 0;

        jws(&j);
        if (!jlit(&j, "{"))
            return 0;
        jws(&j);
        if (!jlit(&j, "}")) {
            for (;;) {
                struct jcell *c = (o < JMAX_OBJ && nc < JMAX_CELL) ? &d->cell[o][nc] : &scratch;

                jws(&j);
                if (!jstring(&j, c->key, sizeof c->key))
                    return 0;
                jws(&j);
                if (!jlit(&j, ":"))
                    return 0;
                jws(&j);
                if (j.p < j.end && *j.p == '"') {
                    c->kind = 's';
                    if (!jstring(&j, c->text, sizeof c->text))
                        return 0;
                } else if (jlit(&j, "null")) {
                    c->kind = 'z';
                    c->text[0] = '\0';
                } else {
                    c->kind = 'n';
                    if (!jnumber(&j, c->text, sizeof c->text))
                        return 0;
                }
                nc++;
                jws(&j);
                if (jlit(&j, ","))
                    continue;
                if (jlit(&j, "}"))
                    break;
                return 0;
            }
        }
        if (o < JMAX_OBJ)
            d->ncell[o] = nc;
        jws(&j);
        if (jlit(&j, ","))
            continue;
        if (jlit(&j, "]"))
            break;
        return 0;
    }
end:
    jws(&j);
    return j.p == j.end;
}

/* Asserts that cell c of object o of d is (key, kind, text). */
static void expect_jcell(const struct jdoc *d, size_t o, size_t c, const char *key, char kind,
                         const char *text)
{
    const struct jcell *x = &d->cell[o][c];

    assert_true(o < d->nobj && c < d->ncell[o]);
    assert_string_equal(x->key, key);
    if (x->kind != kind)
        fail_msg("object %zu cell %s is of kind %c, want %c", o, key, x->kind, kind);
    assert_string_equal(x->text, text);
}

/* ---- helpers ---- */

static fk_table *make(void)
{
    fk_table *t = NULL;

    assert_int_equal(fk_table_new(cols, 3, &t), FK_OK);
    assert_non_null(t);
    return t;
}

static void add3(fk_table *t, const char *a, const char *b, const char *c)
{
    const char *v[3] = {a, b, c};

    assert_int_equal(fk_table_add(t, v), FK_OK);
}

/* The table rendered whole in format f, into b (initialised here; caller finis). */
static void render_all(const fk_table *t, enum fk_format f, fk_buf *b)
{
    fk_buf_init(b, 0);
    assert_int_equal(fk_table_render(t, f, 0, fk_table_nrows(t), b), FK_OK);
    assert_non_null(b->data);
}

static void expect_render(const fk_table *t, enum fk_format f, const char *want)
{
    fk_buf b;

    render_all(t, f, &b);
    if (strcmp(b.data, want) != 0)
        fail_msg("rendered\n[%s]\nwant\n[%s]", b.data, want);
    fk_buf_fini(&b);
}

/* Reads the whole stream f (rewound) into a heap string; caller frees. */
static char *slurp(FILE *f, size_t *len)
{
    long n;
    char *s;

    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    *len = (size_t)n;
    return s;
}

/* ---- tests ---- */

static void test_table__accessors(void **state)
{
    fk_table *t = make();
    char mutable[8] = "abc";

    (void)state;
    assert_int_equal(fk_table_ncols(t), 3);
    assert_int_equal(fk_table_nrows(t), 0);
    assert_string_equal(fk_table_col(t, 0)->name, "region");
    assert_int_equal(fk_table_col(t, 1)->type, FK_COL_INT);
    assert_int_equal(fk_table_col(t, 2)->type, FK_COL_REAL);
    add3(t, mutable, "1", NULL);
    mutable[0] = 'X'; /* the table copied the value */
    add3(t, "", NULL, "0.5");
    assert_int_equal(fk_table_nrows(t), 2);
    assert_string_equal(fk_table_get(t, 0, 0), "abc");
    assert_string_equal(fk_table_get(t, 0, 1), "1");
    assert_null(fk_table_get(t, 0, 2));
    assert_string_equal(fk_table_get(t, 1, 0), "");
    assert_null(fk_table_get(t, 1, 1));
    assert_string_equal(fk_table_get(t, 1, 2), "0.5");
    fk_table_free(t);
    fk_table_free(NULL);
}

static void test_table__many_rows_kept(void **state)
{
    fk_table *t = make();
    char a[16], b[16];
    size_t i;

    (void)state;
    for (i = 0; i < 5000; i++) {
        snprintf(a, sizeof a, "r%zu", i);
        snprintf(b, sizeof b, "%zu", i * 7);
        add3(t, a, b, i % 3 ? "1.0" : NULL);
    }
    assert_int_equal(fk_table_nrows(t), 5000);
    for (i = 0; i < 5000; i += 499) {
        snprintf(a, sizeof a, "r%zu", i);
        snprintf(b, sizeof b, "%zu", i * 7);
        assert_string_equal(fk_table_get(t, i, 0), a);
        assert_string_equal(fk_table_get(t, i, 1), b);
        if (i % 3)
            assert_string_equal(fk_table_get(t, i, 2), "1.0");
        else
            assert_null(fk_table_get(t, i, 2));
    }
    fk_table_free(t);
}

static void test_table__csv_render(void **state)
{
    fk_table *t = make();

    (void)state;
    add3(t, "140702", "120", "0.9583");
    add3(t, "140703", "0", NULL);
    expect_render(t, FK_FORMAT_CSV, "region,n,cov\n140702,120,0.9583\n140703,0,\n");
    fk_table_free(t);
}

static void test_table__csv_quoting(void **state)
{
    fk_table *t = make();

    (void)state;
    add3(t, "a,b", "1", "2");
    add3(t, "say \"hi\"", NULL, NULL);
    add3(t, "two\nlines", "", "x");
    add3(t, "张三", "3", "4");
    expect_render(t, FK_FORMAT_CSV,
                  "region,n,cov\n"
                  "\"a,b\",1,2\n"
                  "\"say \"\"hi\"\"\",,\n"
                  "\"two\nlines\",,x\n"
                  "张三,3,4\n");
    fk_table_free(t);
}

/* Exports neutralise formulas in text cells (a resident named =HYPERLINK(…), a phone +86…),
 * while a negative number in a number column stays a number a spreadsheet can add up. */
static void test_table__csv_neutralises_formulas(void **state)
{
    fk_table *t = make();

    (void)state;
    add3(t, "=HYPERLINK(\"http://x.invalid\")", "-3", "-0.25");
    add3(t, "+8613800000000", "=1+2", "-1e-3");
    add3(t, "@cmd", "+5", "-");
    add3(t, "-", "12", "0.5");
    expect_render(t, FK_FORMAT_CSV,
                  "region,n,cov\n"
                  "\"'=HYPERLINK(\"\"http://x.invalid\"\")\",-3,-0.25\n"
                  "'+8613800000000,'=1+2,-1e-3\n"
                  "'@cmd,'+5,'-\n"
                  "'-,12,0.5\n");
    fk_table_free(t);
}

static void test_table__csv_header_quoted(void **state)
{
    static const struct fk_col odd[] = {{"a,b", FK_COL_TEXT}, {"c", FK_COL_INT}};
    fk_table *t = NULL;

    (void)state;
    assert_int_equal(fk_table_new(odd, 2, &t), FK_OK);
    expect_render(t, FK_FORMAT_CSV, "\"a,b\",c\n");
    fk_table_free(t);
}

static void test_table__json_render(void **state)
{
    fk_table *t = make();
    struct jdoc d;
    fk_buf b;

    (void)state;
    add3(t, "140702", "120", "0.9583");
    add3(t, "140703", "0", NULL);
    add3(t, NULL, "-5", "1e3");
    expect_render(t, FK_FORMAT_JSON,
                  "[\n"
                  "{\"region\":\"140702\",\"n\":120,\"cov\":0.9583},\n"
                  "{\"region\":\"140703\",\"n\":0,\"cov\":null},\n"
                  "{\"region\":null,\"n\":-5,\"cov\":1e3}\n"
                  "]\n");
    render_all(t, FK_FORMAT_JSON, &b);
    assert_true(jparse(b.data, b.len, &d));
    assert_int_equal(d.nobj, 3);
    assert_int_equal(d.ncell[0], 3);
    expect_jcell(&d, 0, 0, "region", 's', "140702");
    expect_jcell(&d, 0, 1, "n", 'n', "120");
    expect_jcell(&d, 0, 2, "cov", 'n', "0.9583");
    expect_jcell(&d, 1, 2, "cov", 'z', "");
    expect_jcell(&d, 2, 0, "region", 'z', "");
    expect_jcell(&d, 2, 1, "n", 'n', "-5");
    fk_buf_fini(&b);
    fk_table_free(t);
}

static void test_table__json_string_escaping(void **state)
{
    static const char *vals[] = {
        "say \"hi\"", "back\\slash", "tab\there", "nl\nand\rcr", "\x01\x1f", "张三", "</tag>", "",
    };
    fk_table *t = make();
    struct jdoc d;
    fk_buf b;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
        add3(t, vals[i], "1", "2.5");
    render_all(t, FK_FORMAT_JSON, &b);
    assert_non_null(strstr(b.data, "\"region\":\"say \\\"hi\\\"\""));
    assert_non_null(strstr(b.data, "\"region\":\"back\\\\slash\""));
    assert_true(jparse(b.data, b.len, &d));
    assert_int_equal(d.nobj, sizeof vals / sizeof vals[0]);
    for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        expect_jcell(&d, i, 0, "region", 's', vals[i]);
        expect_jcell(&d, i, 1, "n", 'n', "1");
        expect_jcell(&d, i, 2, "cov", 'n', "2.5");
    }
    fk_buf_fini(&b);
    fk_table_free(t);
}

static void test_table__json_keys_escaped(void **state)
{
    static const struct fk_col odd[] = {{"we\"ird", FK_COL_TEXT}};
    const char *v[1] = {"x"};
    fk_table *t = NULL;
    struct jdoc d;
    fk_buf b;

    (void)state;
    assert_int_equal(fk_table_new(odd, 1, &t), FK_OK);
    assert_int_equal(fk_table_add(t, v), FK_OK);
    render_all(t, FK_FORMAT_JSON, &b);
    assert_true(jparse(b.data, b.len, &d));
    expect_jcell(&d, 0, 0, "we\"ird", 's', "x");
    fk_buf_fini(&b);
    fk_table_free(t);
}

/* The table and buffer of the test below live in file state, so a failed assertion cannot leak
 * them. */
static fk_table *held_table;
static fk_buf held_buf;

static int held_teardown(void **state)
{
    (void)state;
    fk_table_free(held_table);
    held_table = NULL;
    fk_buf_fini(&held_buf);
    return 0;
}

/* A number column holding "" (not NULL) is still empty: it must come out as null, never as
 * nothing, which would not parse. */
static void test_table__json_empty_number_is_null(void **state)
{
    struct jdoc d;

    (void)state;
    held_table = make();
    add3(held_table, "x", "", "");
    fk_buf_init(&held_buf, 0);
    assert_int_equal(fk_table_render(held_table, FK_FORMAT_JSON, 0, 1, &held_buf), FK_OK);
    if (!jparse(held_buf.data, held_buf.len, &d))
        fail_msg("not JSON:\n%s", held_buf.data);
    expect_jcell(&d, 0, 1, "n", 'z', "");
    expect_jcell(&d, 0, 2, "cov", 'z', "");
}

static void test_table__empty_table(void **state)
{
    fk_table *t = make();
    struct jdoc d;
    FILE *f;
    char *s;
    size_t n;
    fk_buf b;

    (void)state;
    expect_render(t, FK_FORMAT_CSV, "region,n,cov\n");
    expect_render(t, FK_FORMAT_JSON, "[]\n");
    render_all(t, FK_FORMAT_JSON, &b);
    assert_true(jparse(b.data, b.len, &d));
    assert_int_equal(d.nobj, 0);
    fk_buf_fini(&b);
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fk_table_write(t, FK_FORMAT_JSON, f), FK_OK);
    s = slurp(f, &n);
    assert_string_equal(s, "[]\n");
    free(s);
    fclose(f);
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fk_table_write(t, FK_FORMAT_CSV, f), FK_OK);
    s = slurp(f, &n);
    assert_string_equal(s, "region,n,cov\n");
    free(s);
    fclose(f);
    fk_table_free(t);
}

/* Rendering [0,k) then [k,n), 0 < k < n, gives exactly the bytes of [0,n), in both formats. */
static void test_table__render_in_ranges(void **state)
{
    fk_table *t = make();
    enum fk_format f;
    size_t k;

    (void)state;
    add3(t, "a", "1", "0.1");
    add3(t, "b,c", NULL, "0.2");
    add3(t, "d", "3", NULL);
    for (f = FK_FORMAT_CSV; f <= FK_FORMAT_JSON; f++) {
        fk_buf whole;

        render_all(t, f, &whole);
        for (k = 1; k < 3; k++) {
            fk_buf parts;

            fk_buf_init(&parts, 0);
            assert_int_equal(fk_table_render(t, f, 0, k, &parts), FK_OK);
            assert_int_equal(fk_table_render(t, f, k, 3, &parts), FK_OK);
            assert_int_equal(parts.len, whole.len);
            assert_memory_equal(parts.data, whole.data, whole.len);
            fk_buf_fini(&parts);
        }
        fk_buf_fini(&whole);
    }
    fk_table_free(t);
}

static void test_table__render_ceiling(void **state)
{
    fk_table *t = make();
    fk_buf b;

    (void)state;
    add3(t, "a long region value", "1", "2");
    fk_buf_init(&b, 16);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, 1, &b), FK_ETOOBIG);
    fk_buf_fini(&b);
    fk_table_free(t);
}

static void test_table__interned_cells_shared(void **state)
{
    static const size_t by[] = {1};
    fk_table *t = make();
    size_t name, empty, none, v[3], i;
    fk_buf b;

    (void)state;
    assert_int_equal(fk_table_reserve(t, 3), FK_OK);
    assert_int_equal(fk_table_intern(t, "Li, Lei", &name), FK_OK);
    assert_int_equal(fk_table_intern(t, "", &empty), FK_OK);
    assert_int_equal(fk_table_intern(t, NULL, &none), FK_OK);
    for (i = 0; i < 3; i++) {
        char n[8];

        snprintf(n, sizeof n, "%zu", 2 - i);
        v[0] = name;
        assert_int_equal(fk_table_intern(t, n, &v[1]), FK_OK);
        v[2] = i == 1 ? empty : none;
        assert_int_equal(fk_table_add_cells(t, v), FK_OK);
    }
    /* A row added by values after handles sits beside them. */
    add3(t, "w", "3", "z");
    assert_int_equal(fk_table_nrows(t), 4);
    fk_table_sort(t, by, 1);
    assert_string_equal(fk_table_get(t, 0, 1), "0");
    assert_string_equal(fk_table_get(t, 3, 1), "3");
    for (i = 0; i < 3; i++)
        assert_string_equal(fk_table_get(t, i, 0), "Li, Lei");
    assert_string_equal(fk_table_get(t, 1, 2), "");
    assert_null(fk_table_get(t, 0, 2));
    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, 4, &b), FK_OK);
    assert_non_null(strstr(b.data, "\"Li, Lei\",1,\n"));
    fk_buf_fini(&b);
    fk_table_free(t);
}

static void test_table__sort_two_columns(void **state)
{
    static const size_t by[] = {0, 1};
    static const char *want[][2] = {
        {"a", "10"}, {"a", "9"}, {"b", "1"}, {"b", "2"}, {"c", "1"},
    };
    fk_table *t = make();
    size_t i;

    (void)state;
    add3(t, "b", "2", "x2");
    add3(t, "c", "1", "x5");
    add3(t, "a", "9", "x4");
    add3(t, "b", "1", "x1");
    add3(t, "a", "10", "x3");
    fk_table_sort(t, by, 2);
    assert_int_equal(fk_table_nrows(t), 5);
    for (i = 0; i < 5; i++) {
        assert_string_equal(fk_table_get(t, i, 0), want[i][0]);
        assert_string_equal(fk_table_get(t, i, 1), want[i][1]);
    }
    /* Whole rows moved, not just the key cells. */
    assert_string_equal(fk_table_get(t, 0, 2), "x3");
    assert_string_equal(fk_table_get(t, 3, 2), "x2");
    assert_string_equal(fk_table_get(t, 4, 2), "x5");
    fk_table_free(t);
}

static void test_table__sort_second_key_first(void **state)
{
    static const size_t by[] = {1, 0};
    fk_table *t = make();

    (void)state;
    add3(t, "b", "1", NULL);
    add3(t, "a", "2", NULL);
    add3(t, "a", "1", NULL);
    add3(t, "z", NULL, NULL);
    fk_table_sort(t, by, 2);
    /* An empty cell sorts as "", before everything. */
    assert_string_equal(fk_table_get(t, 0, 0), "z");
    assert_null(fk_table_get(t, 0, 1));
    assert_string_equal(fk_table_get(t, 1, 0), "a");
    assert_string_equal(fk_table_get(t, 1, 1), "1");
    assert_string_equal(fk_table_get(t, 2, 0), "b");
    assert_string_equal(fk_table_get(t, 3, 0), "a");
    assert_string_equal(fk_table_get(t, 3, 1), "2");
    /* Sorting an already sorted table, or a one-row one, changes nothing. */
    fk_table_sort(t, by, 2);
    assert_string_equal(fk_table_get(t, 0, 0), "z");
    assert_string_equal(fk_table_get(t, 3, 1), "2");
    fk_table_free(t);
}

/* ---- views ---- */

/* A view's source: rows of three cells; the second is made in scratch, the third is empty on odd
 * rows. made counts calls of the row function, freed counts frees. */
struct vsrc {
    const char *const *first;
    size_t made, *freed;
};

static void vrow(const void *ud, size_t row, const char **vals, char *scratch)
{
    struct vsrc *s = (struct vsrc *)ud;

    s->made++;
    snprintf(scratch, FK_TABLE_ROW_SCRATCH, "%zu", 10 - row);
    vals[0] = s->first[row];
    vals[1] = scratch;
    vals[2] = row % 2 ? NULL : "0.5";
}

static void vfree(void *ud)
{
    struct vsrc *s = ud;

    (*s->freed)++;
    free(s);
}

static fk_table *make_view(const char *const *first, size_t n, size_t *freed)
{
    struct vsrc *s = calloc(1, sizeof *s);
    fk_table *t = NULL;

    assert_non_null(s);
    s->first = first;
    s->freed = freed;
    assert_int_equal(fk_table_new_view(cols, 3, n, vrow, s, vfree, &t), FK_OK);
    return t;
}

/* A view renders, in one block or several, exactly what the same rows added as text render. */
static void test_table__view_reads_like_a_table(void **state)
{
    static const char *const first[] = {"b,c", "a", "\"q\"", ""};
    fk_table *v, *t = make();
    enum fk_format f;
    size_t freed = 0, i, k;

    (void)state;
    v = make_view(first, 4, &freed);
    for (i = 0; i < 4; i++) {
        char n[8];

        snprintf(n, sizeof n, "%zu", 10 - i);
        add3(t, first[i], n, i % 2 ? NULL : "0.5");
    }
    assert_int_equal(fk_table_nrows(v), 4);
    assert_int_equal(fk_table_ncols(v), 3);
    assert_string_equal(fk_table_col(v, 1)->name, "n");
    assert_string_equal(fk_table_get(v, 2, 0), "\"q\"");
    assert_string_equal(fk_table_get(v, 2, 1), "8");
    assert_null(fk_table_get(v, 1, 2));
    assert_string_equal(fk_table_get(v, 0, 1), "10");
    for (f = FK_FORMAT_CSV; f <= FK_FORMAT_JSON; f++) {
        fk_buf want, got;

        render_all(t, f, &want);
        render_all(v, f, &got);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        for (k = 1; k < 4; k++) {
            fk_buf_reset(&got);
            assert_int_equal(fk_table_render(v, f, 0, k, &got), FK_OK);
            assert_int_equal(fk_table_render(v, f, k, 4, &got), FK_OK);
            assert_int_equal(got.len, want.len);
            assert_memory_equal(got.data, want.data, want.len);
        }
        fk_buf_reset(&got);
        assert_int_equal(fk_table_json_rows(v, 1, 3, &got), FK_OK);
        fk_buf_reset(&want);
        assert_int_equal(fk_table_json_rows(t, 1, 3, &want), FK_OK);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len);
        fk_buf_fini(&want);
        fk_buf_fini(&got);
    }
    assert_int_equal(freed, 0);
    fk_table_free(v);
    assert_int_equal(freed, 1);
    fk_table_free(t);
}

/* A row is made once for all its cells; a view takes no rows; sorting makes it a table. */
static void test_table__view_rows_made_once_and_sorted(void **state)
{
    static const char *const first[] = {"c", "a", "b"};
    static const size_t by[] = {0};
    static const char *const v3[] = {"x", "1", NULL};
    fk_table *v;
    size_t freed = 0, cell;
    fk_buf b;

    (void)state;
    v = make_view(first, 3, &freed);
    assert_string_equal(fk_table_get(v, 1, 0), "a");
    assert_int_equal(fk_table_add(v, v3), FK_EINVAL);
    assert_int_equal(fk_table_reserve(v, 1), FK_EINVAL);
    assert_int_equal(fk_table_intern(v, "x", &cell), FK_EINVAL);
    assert_int_equal(cell, SIZE_MAX);
    assert_int_equal(fk_table_nrows(v), 3);
    fk_table_sort(v, by, 1);
    assert_int_equal(freed, 1); /* the rows are copied, the source let go */
    assert_string_equal(fk_table_get(v, 0, 0), "a");
    assert_string_equal(fk_table_get(v, 0, 1), "9");
    assert_string_equal(fk_table_get(v, 1, 0), "b");
    assert_string_equal(fk_table_get(v, 1, 1), "8");
    assert_string_equal(fk_table_get(v, 2, 1), "10");
    assert_null(fk_table_get(v, 0, 2));
    /* Now an ordinary table: it takes rows. */
    assert_int_equal(fk_table_add(v, v3), FK_OK);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(v, FK_FORMAT_CSV, 0, 4, &b), FK_OK);
    assert_string_equal(b.data, "region,n,cov\na,9,\nb,8,0.5\nc,10,0.5\nx,1,\n");
    fk_buf_fini(&b);
    fk_table_free(v);
    assert_int_equal(freed, 1);
}

/* Rows are made once per row, however many of their cells are read. */
static void test_table__view_row_cache(void **state)
{
    static const char *const first[] = {"a", "b"};
    struct vsrc *s = calloc(1, sizeof *s);
    size_t freed = 0, c;
    fk_table *v = NULL;
    fk_buf b;

    (void)state;
    assert_non_null(s);
    s->first = first;
    s->freed = &freed;
    assert_int_equal(fk_table_new_view(cols, 3, 2, vrow, s, vfree, &v), FK_OK);
    for (c = 0; c < 3; c++)
        fk_table_get(v, 1, c);
    assert_int_equal(s->made, 1);
    fk_table_get(v, 0, 0);
    fk_table_get(v, 1, 0);
    assert_int_equal(s->made, 3);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(v, FK_FORMAT_JSON, 0, 2, &b), FK_OK);
    assert_int_equal(s->made, 5); /* row 0 again, then row 1: once each */
    fk_buf_fini(&b);
    fk_table_free(v);
    assert_int_equal(freed, 1);
}

/* An empty view renders as an empty table; a NULL free function is allowed. */
static void test_table__view_empty(void **state)
{
    fk_table *v = NULL;
    fk_buf b;

    (void)state;
    assert_int_equal(fk_table_new_view(cols, 3, 0, vrow, NULL, NULL, &v), FK_OK);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(v, FK_FORMAT_JSON, 0, 0, &b), FK_OK);
    assert_string_equal(b.data, "[]\n");
    fk_buf_reset(&b);
    assert_int_equal(fk_table_render(v, FK_FORMAT_CSV, 0, 0, &b), FK_OK);
    assert_string_equal(b.data, "region,n,cov\n");
    fk_buf_fini(&b);
    fk_table_free(v);
}

/* 10 000 rows cross the writer's block size: the file holds exactly what one render gives. */
static void test_table__write_tmpfile(void **state)
{
    fk_table *t = make();
    enum fk_format f;
    char a[16], b[16];
    size_t i;

    (void)state;
    for (i = 0; i < 10000; i++) {
        snprintf(a, sizeof a, "g%05zu", i);
        snprintf(b, sizeof b, "%zu", i);
        add3(t, a, b, i % 2 ? "0.5000" : NULL);
    }
    for (f = FK_FORMAT_CSV; f <= FK_FORMAT_JSON; f++) {
        FILE *fp = tmpfile();
        fk_buf whole;
        char *s;
        size_t n;

        assert_non_null(fp);
        render_all(t, f, &whole);
        assert_int_equal(fk_table_write(t, f, fp), FK_OK);
        s = slurp(fp, &n);
        assert_int_equal(n, whole.len);
        assert_memory_equal(s, whole.data, n);
        if (f == FK_FORMAT_JSON) {
            struct jdoc d;

            assert_true(jparse(s, n, &d));
            assert_int_equal(d.nobj, 10000);
            expect_jcell(&d, 0, 0, "region", 's', "g00000");
            expect_jcell(&d, 0, 2, "cov", 'z', "");
            expect_jcell(&d, 1, 2, "cov", 'n', "0.5000");
        } else {
            assert_int_equal(strncmp(s, "region,n,cov\ng00000,0,\ng00001,1,0.5000\n", 38), 0);
        }
        free(s);
        fk_buf_fini(&whole);
        fclose(fp);
    }
    fk_table_free(t);
}

static void test_table__write_error_is_eio(void **state)
{
    fk_table *t = make();
    FILE *f = fopen("/dev/full", "w");

    (void)state;
    if (!f) {
        fk_table_free(t);
        skip();
    }
    add3(t, "a", "1", "2");
    assert_int_equal(fk_table_write(t, FK_FORMAT_CSV, f), FK_EIO);
    fclose(f);
    fk_table_free(t);
}

static void test_table__format_parse(void **state)
{
    enum fk_format f = FK_FORMAT_JSON;

    (void)state;
    assert_int_equal(fk_format_parse("csv", &f), FK_OK);
    assert_int_equal(f, FK_FORMAT_CSV);
    assert_int_equal(fk_format_parse("json", &f), FK_OK);
    assert_int_equal(f, FK_FORMAT_JSON);
    assert_int_equal(fk_format_parse("xml", &f), FK_EINVAL);
    assert_int_equal(fk_format_parse("", &f), FK_EINVAL);
    assert_int_equal(fk_format_parse("jsonl", &f), FK_EINVAL);
}

/* A page of named tables: CSV blocks, and one JSON object whose first block is an object. */
static void test_table__blocks_render(void **state)
{
    static const struct fk_col one[] = {{"id", FK_COL_TEXT}, {"n", FK_COL_INT}};
    static const struct fk_col two[] = {{"site", FK_COL_TEXT}};
    fk_table *a = NULL, *b = NULL;
    const char *ra[] = {"P1", "3"}, *rb1[] = {"S1"}, *rb2[] = {"S2"};
    struct fk_table_block blocks[3];
    fk_buf out;

    (void)state;
    assert_int_equal(fk_table_new(one, 2, &a), FK_OK);
    assert_int_equal(fk_table_new(two, 1, &b), FK_OK);
    assert_int_equal(fk_table_add(a, ra), FK_OK);
    assert_int_equal(fk_table_add(b, rb1), FK_OK);
    assert_int_equal(fk_table_add(b, rb2), FK_OK);
    blocks[0] = (struct fk_table_block){"person", a};
    blocks[1] = (struct fk_table_block){"sites", b};
    blocks[2] = (struct fk_table_block){"none", NULL};
    fk_buf_init(&out, 0);
    assert_int_equal(fk_table_blocks_render(blocks, 3, FK_FORMAT_CSV, &out), FK_OK);
    assert_string_equal(out.data, "# person\nid,n\nP1,3\n\n# sites\nsite\nS1\nS2\n\n# none\n\n");
    fk_buf_reset(&out);
    assert_int_equal(fk_table_blocks_render(blocks, 3, FK_FORMAT_JSON, &out), FK_OK);
    assert_non_null(strstr(out.data, "{\"person\":{\"id\":\"P1\",\"n\":3}"));
    assert_non_null(strstr(out.data, "\"sites\":["));
    assert_non_null(strstr(out.data, "\"none\":[]}"));
    /* a first block without rows is null */
    blocks[0].t = NULL;
    fk_buf_reset(&out);
    assert_int_equal(fk_table_blocks_render(blocks, 3, FK_FORMAT_JSON, &out), FK_OK);
    assert_non_null(strstr(out.data, "{\"person\":null,"));
    fk_buf_fini(&out);
    fk_table_free(a);
    fk_table_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table__accessors),
        cmocka_unit_test(test_table__blocks_render),
        cmocka_unit_test(test_table__many_rows_kept),
        cmocka_unit_test(test_table__csv_render),
        cmocka_unit_test(test_table__csv_quoting),
        cmocka_unit_test(test_table__csv_header_quoted),
        cmocka_unit_test(test_table__csv_neutralises_formulas),
        cmocka_unit_test(test_table__json_render),
        cmocka_unit_test(test_table__json_string_escaping),
        cmocka_unit_test(test_table__json_keys_escaped),
        cmocka_unit_test_teardown(test_table__json_empty_number_is_null, held_teardown),
        cmocka_unit_test(test_table__empty_table),
        cmocka_unit_test(test_table__render_in_ranges),
        cmocka_unit_test(test_table__render_ceiling),
        cmocka_unit_test(test_table__interned_cells_shared),
        cmocka_unit_test(test_table__sort_two_columns),
        cmocka_unit_test(test_table__sort_second_key_first),
        cmocka_unit_test(test_table__view_reads_like_a_table),
        cmocka_unit_test(test_table__view_rows_made_once_and_sorted),
        cmocka_unit_test(test_table__view_row_cache),
        cmocka_unit_test(test_table__view_empty),
        cmocka_unit_test(test_table__write_tmpfile),
        cmocka_unit_test(test_table__write_error_is_eio),
        cmocka_unit_test(test_table__format_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
