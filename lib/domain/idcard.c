/* SPDX-License-Identifier: MIT */
/* Identity document checks (see fk/idcard.h). The resident ID check follows GB 11643-1999: area
 * code, birth date and the ISO 7064 MOD 11-2 check character; each failure is reported as one
 * sentence a clerk can act on, checked in the order a person reads the number (length, digits,
 * area, birth date, check character). Pure functions: no I/O, no clock, no globals. */
#include "fk/idcard.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/msg.h"
#include "fk/str.h"
#include "fk/time.h"

#define ID_LEN 18
#define ID_BODY 17

static const unsigned weights[ID_BODY] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

/* The name, and the accepted spellings, of every document type. */
static const struct {
    enum fk_id_type type;
    const char *name;
    const char *aliases[4];
} id_types[] = {
    {FK_ID_RESIDENT, "resident", {"身份证", "居民身份证", NULL, NULL}},
    {FK_ID_PASSPORT, "passport", {"护照", NULL, NULL, NULL}},
    {FK_ID_HK_MACAO, "hk_macao", {"港澳通行证", "港澳居民来往内地通行证", "回乡证", NULL}},
    {FK_ID_TAIWAN, "taiwan", {"台胞证", "台湾居民来往大陆通行证", NULL, NULL}},
    {FK_ID_OTHER, "other", {"其他", "其它", NULL, NULL}},
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Writes message id of the catalogue (fk/msg.h) with its arguments (strings) as the reason when
 * the caller gave room for one; returns FK_EINVAL. */
static int failm(char *reason, size_t cap, enum fk_msg_id id, ...)
{
    va_list ap;

    if (reason && cap) {
        va_start(ap, id);
        fk_msg_vrender(reason, cap, id, ap);
        va_end(ap);
    }
    return FK_EINVAL;
}

/* A size as text in buf. */
static const char *zu(size_t v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%zu", v);
    return buf;
}

/* Writes a reason (printf-style) when the caller gave room for one; returns FK_EINVAL. */
static int fail(char *reason, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *reason, size_t cap, const char *fmt, ...)
{
    va_list ap;

    if (reason && cap) {
        va_start(ap, fmt);
        vsnprintf(reason, cap, fmt, ap);
        va_end(ap);
    }
    return FK_EINVAL;
}

/* Describes the byte c for a reason: 'A' for printable ASCII, else a word. */
static void describe(char c, char *out, size_t cap)
{
    unsigned char u = (unsigned char)c;

    if (u > 0x20 && u < 0x7f)
        snprintf(out, cap, "'%c'", c);
    else if (u == ' ')
        fk_strlcpy(out, "a space", cap);
    else if (u >= 0x80)
        fk_strlcpy(out, "a non-ASCII character", cap);
    else
        fk_strlcpy(out, "a control character", cap);
}

static int province_ok(unsigned p)
{
    return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
           (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
           p == 81 || p == 82 || p == 83;
}

static unsigned num(const char *p, size_t n)
{
    unsigned v = 0;
    size_t i;

    for (i = 0; i < n; i++)
        v = v * 10 + (unsigned)(p[i] - '0');
    return v;
}

int fk_id_type_parse(const char *s, size_t n, enum fk_id_type *out)
{
    fk_slice v = fk_slice_trim((fk_slice){s, n});
    size_t i, k;

    *out = FK_ID_RESIDENT;
    if (v.n == 0)
        return FK_OK;
    for (i = 0; i < sizeof id_types / sizeof id_types[0]; i++) {
        if (fk_slice_eqi(v, id_types[i].name)) {
            *out = id_types[i].type;
            return FK_OK;
        }
        for (k = 0; k < 4 && id_types[i].aliases[k]; k++) {
            if (fk_slice_eq(v, id_types[i].aliases[k])) {
                *out = id_types[i].type;
                return FK_OK;
            }
        }
    }
    return FK_EINVAL;
}

const char *fk_id_type_name(enum fk_id_type t)
{
    size_t i;

    for (i = 0; i < sizeof id_types / sizeof id_types[0]; i++)
        if (id_types[i].type == t)
            return id_types[i].name;
    return "unknown";
}

char fk_id_check_char(const char *id17)
{
    unsigned sum = 0;
    size_t i;

    for (i = 0; i < ID_BODY; i++) {
        if (!is_digit(id17[i]))
            return 0;
        sum += (unsigned)(id17[i] - '0') * weights[i];
    }
    return check_chars[sum % 11];
}

static int check_resident(const char *id, size_t n, char *reason, size_t cap)
{
    char what[32], nb[24];
    unsigned year, month, day;
    char want, got;
    size_t i;

    if (n != ID_LEN) {
        /* Count characters, not bytes: a number typed with full-width digits (１４０７…) has 18
         * characters but 54 bytes, and the clerk should hear about the first odd one. */
        size_t chars = 0, first = 0;

        for (i = 0; i < n; i++) {
            if (((unsigned char)id[i] & 0xC0) != 0x80)
                chars++;
            if (!first && (unsigned char)id[i] >= 0x80)
                first = chars;
        }
        if (chars == ID_LEN && first)
            return failm(reason, cap, FK_MSG_ID_FULLWIDTH, zu(first, nb, sizeof nb));
        return failm(reason, cap, FK_MSG_ID_LENGTH, zu(chars, nb, sizeof nb));
    }
    for (i = 0; i < ID_BODY; i++) {
        if (!is_digit(id[i])) {
            describe(id[i], what, sizeof what);
            return failm(reason, cap, FK_MSG_ID_CHAR, zu(i + 1, nb, sizeof nb), what);
        }
    }
    if (!province_ok(num(id, 2))) {
        char area[7], prov[3];

        snprintf(area, sizeof area, "%.6s", id);
        snprintf(prov, sizeof prov, "%.2s", id);
        return failm(reason, cap, FK_MSG_ID_AREA, area, prov);
    }
    year = num(id + 6, 4);
    month = num(id + 10, 2);
    day = num(id + 12, 2);
    if (year < 1900 || year > 2100)
        return failm(reason, cap, FK_MSG_ID_BIRTH_YEAR, zu(year, nb, sizeof nb));
    if (!fk_date_valid(year, month, day)) {
        snprintf(nb, sizeof nb, "%.8s", id + 6);
        return failm(reason, cap, FK_MSG_ID_BIRTH_DATE, nb);
    }
    want = fk_id_check_char(id);
    got = upper(id[ID_BODY]);
    if (got != want) {
        if (got > 0x20 && got < 0x7f)
            snprintf(what, sizeof what, "%c", got);
        else
            describe(got, what, sizeof what);
        nb[0] = want;
        nb[1] = '\0';
        return failm(reason, cap, FK_MSG_ID_CHECK_DIGIT, nb, what);
    }
    return FK_OK;
}

static int check_passport(const char *id, size_t n, char *reason, size_t cap)
{
    char what[32], nb[24];
    size_t i;

    if (n < 5 || n > 20)
        return failm(reason, cap, FK_MSG_ID_PASSPORT_LENGTH, zu(n, nb, sizeof nb));
    for (i = 0; i < n; i++) {
        if (!is_alnum(id[i])) {
            describe(id[i], what, sizeof what);
            return failm(reason, cap, FK_MSG_ID_PASSPORT_CHAR, zu(i + 1, nb, sizeof nb), what);
        }
    }
    return FK_OK;
}

/* 1 when id[from..n) are all digits; else 0 and *bad is the first that is not. */
static int all_digits(const char *id, size_t from, size_t n, size_t *bad)
{
    size_t i;

    for (i = from; i < n; i++) {
        if (!is_digit(id[i])) {
            *bad = i;
            return 0;
        }
    }
    return 1;
}

static int check_hk_macao(const char *id, size_t n, char *reason, size_t cap)
{
    char what[32], nb[24];
    size_t bad = 0;

    if (n == 0 || (upper(id[0]) != 'H' && upper(id[0]) != 'M')) {
        if (n == 0)
            return failm(reason, cap, FK_MSG_ID_HKMO_EMPTY);
        describe(id[0], what, sizeof what);
        return failm(reason, cap, FK_MSG_ID_HKMO_FIRST, what);
    }
    if (n != 9 && n != 11)
        return failm(reason, cap, FK_MSG_ID_HKMO_LENGTH, zu(n, nb, sizeof nb));
    if (!all_digits(id, 1, n, &bad)) {
        describe(id[bad], what, sizeof what);
        return failm(reason, cap, FK_MSG_ID_HKMO_CHAR, zu(bad + 1, nb, sizeof nb), what);
    }
    return FK_OK;
}

static int check_taiwan(const char *id, size_t n, char *reason, size_t cap)
{
    char what[32], nb[24];
    size_t bad = 0;

    if (n != 8 && n != 10)
        return failm(reason, cap, FK_MSG_ID_TAIWAN_LENGTH, zu(n, nb, sizeof nb));
    if (!all_digits(id, 0, n, &bad)) {
        describe(id[bad], what, sizeof what);
        return failm(reason, cap, FK_MSG_ID_TAIWAN_CHAR, zu(bad + 1, nb, sizeof nb), what);
    }
    return FK_OK;
}

static int check_other(const char *id, size_t n, char *reason, size_t cap)
{
    char what[32], nb[24];
    size_t i;

    if (n < 1 || n > 32)
        return failm(reason, cap, FK_MSG_ID_OTHER_LENGTH, zu(n, nb, sizeof nb));
    for (i = 0; i < n; i++) {
        unsigned char u = (unsigned char)id[i];

        if (u <= 0x20 || u >= 0x7f || u == ',') {
            describe(id[i], what, sizeof what);
            return failm(reason, cap, FK_MSG_ID_OTHER_CHAR, zu(i + 1, nb, sizeof nb), what);
        }
    }
    return FK_OK;
}

int fk_id_check(const char *id, size_t n, enum fk_id_type t, char *reason, size_t cap)
{
    if (reason && cap)
        reason[0] = '\0';
    switch (t) {
    case FK_ID_RESIDENT: return check_resident(id, n, reason, cap);
    case FK_ID_PASSPORT: return check_passport(id, n, reason, cap);
    case FK_ID_HK_MACAO: return check_hk_macao(id, n, reason, cap);
    case FK_ID_TAIWAN: return check_taiwan(id, n, reason, cap);
    case FK_ID_OTHER: return check_other(id, n, reason, cap);
    }
    return fail(reason, cap, "unknown document type %d", (int)t);
}

int fk_id_check_at(const char *id, size_t n, enum fk_id_type t, int64_t now, char *reason,
                   size_t cap)
{
    char today[11];
    int64_t y;
    unsigned m, d, born;
    int rc = fk_id_check(id, n, t, reason, cap);

    if (rc != FK_OK || t != FK_ID_RESIDENT)
        return rc;
    fk_civil_from_days((fk_local_day_start(now) + FK_TZ_OFFSET) / 86400, &y, &m, &d);
    born = num(id + 6, 8);
    if ((int64_t)born > y * 10000 + m * 100 + d) {
        char date[9];

        snprintf(date, sizeof date, "%.8s", id + 6);
        return failm(reason, cap, FK_MSG_ID_FUTURE, date, fk_date_render(now, today));
    }
    return FK_OK;
}

size_t fk_id_normalize(const char *id, size_t n, char *out, size_t cap)
{
    fk_slice v = fk_slice_trim((fk_slice){id, n});
    size_t i, len;

    if (cap == 0)
        return 0;
    len = fk_slice_copy(out, cap, v);
    for (i = 0; i < len; i++)
        out[i] = upper(out[i]);
    return len;
}
