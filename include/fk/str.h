/* SPDX-License-Identifier: MIT */
/* Small string helpers over (pointer, length) slices, since CSV fields are not NUL-terminated. */
#ifndef FK_STR_H
#define FK_STR_H

#include <stddef.h>
#include <stdint.h>

/* A borrowed slice of bytes; valid as long as whatever it points into. */
typedef struct fk_slice {
    const char *p;
    size_t n;
} fk_slice;

/* Trims ASCII white space (space, tab, CR, LF) from both ends. */
fk_slice fk_slice_trim(fk_slice s);
/* 1 when s equals the NUL-terminated string z, exactly. */
int fk_slice_eq(fk_slice s, const char *z);
/* 1 when s equals z ignoring ASCII case. */
int fk_slice_eqi(fk_slice s, const char *z);
/* Parses a decimal integer (optional sign, no spaces) into *out. FK_OK or FK_EINVAL. */
int fk_parse_i64(fk_slice s, int64_t *out);
/* Parses s strictly as a decimal integer from min to max, both included: an optional sign and
 * digits, nothing else (no spaces, no trailing text, not empty, no overflow). FK_OK with *out
 * set, or FK_EINVAL with *out untouched. Every integer a caller sends (query parameters, JSON
 * fields, command-line options) goes through it, so none is silently clamped or cut. */
int fk_parse_int(fk_slice s, int64_t min, int64_t max, int64_t *out);
/* Copies at most cap-1 bytes of s into dst and NUL-terminates; returns the bytes copied. */
size_t fk_slice_copy(char *dst, size_t cap, fk_slice s);
/* Copies a NUL-terminated string like fk_slice_copy, never past cap. */
size_t fk_strlcpy(char *dst, const char *src, size_t cap);
/* A NUL-terminated heap copy of s; NULL on out of memory. Caller frees with free(). */
char *fk_slice_dup(fk_slice s);
/* 1 when the n bytes at p are valid UTF-8. When `partial_tail` is 1, a multi-byte sequence cut
 * off by the end of the buffer still counts as valid (for sniffing the head of a file). */
int fk_utf8_valid(const char *p, size_t n, int partial_tail);
/* Copies src into dst (cap bytes, NUL-terminated, cut short rather than overflow) with control
 * characters (C0, DEL) and backslashes written as \xNN, so text from a request cannot forge or
 * split a log line or an audit row. Returns dst. src NULL: "". */
const char *fk_str_escape(char *dst, size_t cap, const char *src);

#endif
