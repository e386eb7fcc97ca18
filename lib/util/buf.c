/* SPDX-License-Identifier: MIT */
/* fk_buf: growable byte buffer with a ceiling (see fk/buf.h). Growth doubles, so appends are
 * amortised O(1); the ceiling is checked before any allocation. */
#include "fk/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

void fk_buf_init(fk_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : SIZE_MAX / 2;
}

void fk_buf_fini(fk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void fk_buf_reset(fk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int fk_buf_reserve(fk_buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n)
        return FK_ETOOBIG;
    need = b->len + n + 1;
    if (need <= b->cap)
        return FK_OK;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (!p)
        return FK_ENOMEM;
    b->data = p;
    b->cap = cap;
    return FK_OK;
}

int fk_buf_append(fk_buf *b, const void *p, size_t n)
{
    int rc = fk_buf_reserve(b, n);

    if (rc != FK_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return FK_OK;
}

int fk_buf_putc(fk_buf *b, char c)
{
    return fk_buf_append(b, &c, 1);
}

int fk_buf_puts(fk_buf *b, const char *s)
{
    return fk_buf_append(b, s, strlen(s));
}

int fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n, rc;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return FK_EINVAL;
    rc = fk_buf_reserve(b, (size_t)n);
    if (rc != FK_OK)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return FK_OK;
}

int fk_buf_printf(fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = fk_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int fk_buf_json_string(fk_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t len0 = b->len;
    int rc = fk_buf_putc(b, '"');

    while (rc == FK_OK && *s) {
        const char *run = s;
        unsigned char c;

        /* A run of bytes that need no escape goes in with one copy. */
        while ((c = (unsigned char)*s) >= 0x20 && c != '"' && c != '\\')
            s++;
        if (s > run)
            rc = fk_buf_append(b, run, (size_t)(s - run));
        if (rc != FK_OK || !c)
            break;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};

            rc = fk_buf_append(b, esc, 2);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

            rc = fk_buf_append(b, esc, 6);
        }
        s++;
    }
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '"');
    if (rc != FK_OK && b->data) {
        b->len = len0;
        b->data[len0] = '\0';
    }
    return rc;
}

int fk_csv_formula_lead(const char *s, size_t n)
{
    return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                     s[0] == '\r');
}

/* One CSV field, quoted when it needs to be, with `lead` (when not NUL) before its text. */
static int csv_field(fk_buf *b, const char *s, size_t n, char lead)
{
    size_t i, len0 = b->len;
    int rc = FK_OK;

    for (i = 0; i < n; i++) /* one pass: most fields are short and need no quotes */
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
            break;
    if (i == n) {
        if (lead)
            rc = fk_buf_putc(b, lead);
        if (rc == FK_OK)
            rc = fk_buf_append(b, s, n);
        goto out;
    }
    rc = fk_buf_putc(b, '"');
    if (rc == FK_OK && lead)
        rc = fk_buf_putc(b, lead);
    for (i = 0; rc == FK_OK && i < n; i++) {
        if (s[i] == '"')
            rc = fk_buf_putc(b, '"');
        if (rc == FK_OK)
            rc = fk_buf_putc(b, s[i]);
    }
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '"');
out:
    if (rc != FK_OK && b->data) {
        b->len = len0; /* no half field: the buffer stays as it was */
        b->data[len0] = '\0';
    }
    return rc;
}

int fk_buf_csv_field(fk_buf *b, const char *s, size_t n)
{
    return csv_field(b, s, n, '\0');
}

int fk_buf_csv_text(fk_buf *b, const char *s, size_t n)
{
    return csv_field(b, s, n, fk_csv_formula_lead(s, n) ? '\'' : '\0');
}
