/* SPDX-License-Identifier: MIT */
/* fk_buf: a growable byte buffer with a ceiling. Everything fed from outside (a CSV field, a
 * rendered row, an HTTP body) grows through one of these, so no input can take unbounded memory:
 * past `max` bytes an append fails with FK_ETOOBIG and the buffer stays as it was. */
#ifndef FK_BUF_H
#define FK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct fk_buf {
    char *data;  /* NUL-terminated whenever len > 0 or after any append; owned */
    size_t len;
    size_t cap;
    size_t max;  /* ceiling on len; 0 means SIZE_MAX / 2 */
} fk_buf;

/* Initialises b (caller storage) as empty with ceiling max; allocates nothing. */
void fk_buf_init(fk_buf *b, size_t max);
/* Frees the storage; b is empty afterwards and may be reused. */
void fk_buf_fini(fk_buf *b);
/* Empties b, keeping its storage. */
void fk_buf_reset(fk_buf *b);
/* Makes room for n more bytes. FK_OK, FK_ENOMEM, or FK_ETOOBIG past the ceiling. */
int fk_buf_reserve(fk_buf *b, size_t n);
/* Appends n bytes of p (need not be NUL-terminated). Same codes as fk_buf_reserve. */
int fk_buf_append(fk_buf *b, const void *p, size_t n);
int fk_buf_putc(fk_buf *b, char c);
int fk_buf_puts(fk_buf *b, const char *s);
/* Appends printf-formatted text. Same codes as fk_buf_reserve. */
int fk_buf_printf(fk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap);
/* Appends the NUL-terminated s as a JSON string: quoted, with quote, backslash and control
 * characters escaped (UTF-8 passes through). */
int fk_buf_json_string(fk_buf *b, const char *s);
/* Appends s as one RFC 4180 CSV field: quoted when it holds a comma, quote, CR or LF. */
int fk_buf_csv_field(fk_buf *b, const char *s, size_t n);
/* Appends s as one CSV field of a file meant for a spreadsheet (exports, rejects files): like
 * fk_buf_csv_field, but a field that starts with '=', '+', '-', '@', TAB or CR is given a leading
 * apostrophe, so Excel, WPS or LibreOffice show it as text and never run it as a formula (OWASP
 * "CSV injection"). Files fangkong reads back use fk_buf_csv_field. Same codes as
 * fk_buf_reserve; on failure the buffer is as it was. */
int fk_buf_csv_text(fk_buf *b, const char *s, size_t n);
/* 1 when the first byte of the n bytes at s would make a spreadsheet read a formula. */
int fk_csv_formula_lead(const char *s, size_t n);

#endif
