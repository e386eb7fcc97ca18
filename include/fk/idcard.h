/* SPDX-License-Identifier: MIT */
/* Identity document numbers. A resident identity card number (居民身份证号码, GB 11643-1999) is
 * 17 digits (6-digit area code, 8-digit birth date, 3-digit sequence) and an ISO 7064 MOD 11-2
 * check character (0-9 or X). Other documents get a format check only. Pure functions. */
#ifndef FK_IDCARD_H
#define FK_IDCARD_H

#include <stddef.h>
#include <stdint.h>

enum fk_id_type {
    FK_ID_RESIDENT = 0, /* 18-character resident identity card (default) */
    FK_ID_PASSPORT,     /* 5-20 letters and digits */
    FK_ID_HK_MACAO,     /* 港澳居民来往内地通行证: H or M and 8 or 10 digits */
    FK_ID_TAIWAN,       /* 台湾居民来往大陆通行证: 8 or 10 digits */
    FK_ID_OTHER         /* 1-32 printable ASCII characters, no spaces or commas */
};

/* Parses an id_type column value ("", "resident", "passport", "hk_macao", "taiwan", "other"; also
 * the Chinese 身份证, 护照, 港澳通行证, 台胞证). FK_OK and *out, or FK_EINVAL. */
int fk_id_type_parse(const char *s, size_t n, enum fk_id_type *out);
const char *fk_id_type_name(enum fk_id_type t);

/* The check character ('0'..'9' or 'X') for the first 17 characters of id, which must be
 * digits; 0 when they are not. */
char fk_id_check_char(const char *id17);

/* Checks the n bytes of id as a document of type t. A lower-case 'x' check character is
 * accepted (callers should store the upper-case form: fk_id_normalize). FK_OK, or FK_EINVAL with
 * a reason a clerk can act on written to reason (NUL-terminated, truncated to cap), such as
 * "length is 17, a resident ID has 18 characters", "birth date 19990230 does not exist",
 * "check digit should be 7, not 5". */
int fk_id_check(const char *id, size_t n, enum fk_id_type t, char *reason, size_t cap);

/* fk_id_check, and a resident ID whose birth date is after the local (Asia/Shanghai) day of
 * now (Unix seconds, passed in: this module reads no clock) fails too: "birth date 20300101 is
 * after today (2026-12-06)". */
int fk_id_check_at(const char *id, size_t n, enum fk_id_type t, int64_t now, char *reason,
                   size_t cap);

/* Writes the canonical form of id into out (cap bytes, NUL-terminated): trimmed, upper case.
 * Returns the length written. */
size_t fk_id_normalize(const char *id, size_t n, char *out, size_t cap);

#endif
