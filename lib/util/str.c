/* SPDX-License-Identifier: MIT */
/* Slice helpers (see fk/str.h). */
#include "fk/str.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

fk_slice fk_slice_trim(fk_slice s)
{
    while (s.n && is_space(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n && is_space(s.p[s.n - 1]))
        s.n--;
    return s;
}

int fk_slice_eq(fk_slice s, const char *z)
{
    size_t n = strlen(z);

    return n == s.n && memcmp(s.p, z, n) == 0;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int fk_slice_eqi(fk_slice s, const char *z)
{
    size_t i, n = strlen(z);

    if (n != s.n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower(s.p[i]) != lower(z[i]))
            return 0;
    return 1;
}

int fk_parse_i64(fk_slice s, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0, lim;

    *out = 0;
    if (s.n == 0)
        return FK_EINVAL;
    if (s.p[0] == '-' || s.p[0] == '+') {
        neg = s.p[0] == '-';
        i = 1;
    }
    if (i == s.n)
        return FK_EINVAL;
    lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < s.n; i++) {
        unsigned d;

        if (s.p[i] < '0' || s.p[i] > '9')
            return FK_EINVAL;
        d = (unsigned)(s.p[i] - '0');
        if (v > (lim - d) / 10)
            return FK_EINVAL;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return FK_OK;
}

int fk_parse_int(fk_slice s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v;

    if (fk_parse_i64(s, &v) != FK_OK || v < min || v > max)
        return FK_EINVAL;
    *out = v;
    return FK_OK;
}

size_t fk_slice_copy(char *dst, size_t cap, fk_slice s)
{
    size_t n;

    if (cap == 0)
        return 0;
    n = s.n < cap - 1 ? s.n : cap - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
    return n;
}

size_t fk_strlcpy(char *dst, const char *src, size_t cap)
{
    fk_slice s = {src, strlen(src)};

    return fk_slice_copy(dst, cap, s);
}

char *fk_slice_dup(fk_slice s)
{
    char *p = malloc(s.n + 1);

    if (!p)
        return NULL;
    if (s.n)
        memcpy(p, s.p, s.n);
    p[s.n] = '\0';
    return p;
}

int fk_utf8_valid(const char *p, size_t n, int partial_tail)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t k, need;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (k = 1; k <= need; k++) {
            if (i + k >= n)
                return partial_tail ? 1 : 0;
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        i += need + 1;
    }
    return 1;
}

const char *fk_str_escape(char *dst, size_t cap, const char *src)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    if (!cap)
        return dst;
    for (; src && *src; src++) {
        unsigned char c = (unsigned char)*src;
        int plain = c >= 0x20 && c != 0x7f && c != '\\';

        if (o + (plain ? 1 : 4) >= cap)
            break;
        if (plain) {
            dst[o++] = (char)c;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
        }
    }
    dst[o] = '\0';
    return dst;
}
