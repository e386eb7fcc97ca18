/* SPDX-License-Identifier: MIT */
/* A streaming RFC 4180 CSV reader: quoted fields, doubled quotes, embedded CR/LF, CRLF, LF or
 * CR-only line ends, a UTF-8 byte order mark, and files exported by Chinese Excel in
 * GBK/GB18030, which it tells from UTF-8 by looking at the whole file and decodes to UTF-8 with
 * glibc iconv. It never hands out text that is not valid UTF-8: a record with bytes invalid in
 * the file's encoding, or a NUL byte, is an error. UTF-16 input is refused. It reads in fixed
 * chunks, so a 1 GB file costs a few hundred kilobytes of memory; every record has a size
 * ceiling, so no input can take more. */
#ifndef FK_CSV_H
#define FK_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "fk/str.h"

typedef struct fk_csv fk_csv;

struct fk_csv_opts {
    const char *encoding; /* NULL or "auto": sniff; "utf-8"; "gb18030" (also "gbk", "gb2312") */
    size_t max_record;    /* ceiling on one record's bytes; 0 means 1 MiB */
    size_t max_fields;    /* ceiling on fields per record; 0 means 256 */
};

/* Opens the file at path for reading. On failure *out is NULL and err (may be NULL) holds a
 * sentence for a person. FK_OK, FK_ENOENT (no such file), FK_EIO, FK_EINVAL (unknown encoding
 * name, or UTF-16 input: "UTF-16 is not supported: save as UTF-8 or GBK"), FK_ENOMEM. With
 * "auto", a regular file is read once through mmap before it is parsed, to settle the encoding
 * from all its bytes (about 0.1 s per 100 MB); a pipe is settled by its first non-ASCII bytes.
 * Caller frees with fk_csv_close(). */
int fk_csv_open_path(const char *path, const struct fk_csv_opts *opts, fk_csv **out, char *err,
                     size_t errlen);
/* Same over n bytes in memory (borrowed: must outlive the reader). For tests, fuzzing and
 * request bodies. */
int fk_csv_open_mem(const char *p, size_t n, const struct fk_csv_opts *opts, fk_csv **out,
                    char *err, size_t errlen);
/* Closes the file and frees the reader. NULL is a no-op. */
void fk_csv_close(fk_csv *c);

/* Reads the next record, skipping lines that are entirely empty.
 * Returns 1 when a record is ready, 0 at end of input, or a negative code for a record that
 * could not be read whole; that record is skipped, fk_csv_line() and fk_csv_error() describe it,
 * and the next call goes on after it:
 *   FK_ETOOBIG  the record is longer than max_record bytes or has more than max_fields fields;
 *   FK_EINVAL   a quoted field never closes (the rest of the input is that record), a lone
 *               quote inside a quoted field ("ab"c), bytes that are not valid in the file's
 *               encoding, or a NUL byte;
 *   FK_EIO      the read failed (final: further calls return FK_EIO). */
int fk_csv_next(fk_csv *c);

/* The current record's fields (borrowed: valid until the next fk_csv_next()). Fields are
 * unquoted and NUL-terminated in place, so f.p may be used as a C string. */
size_t fk_csv_nfields(const fk_csv *c);
fk_slice fk_csv_field(const fk_csv *c, size_t i); /* out of range: an empty slice */
/* The current record as it stood in the input (after decoding), without its line end. For
 * rejects files. Borrowed like the fields; truncated to max_record for oversize records. */
fk_slice fk_csv_raw(const fk_csv *c);
/* The 1-based line of the input on which the current (or failed) record starts. */
uint64_t fk_csv_line(const fk_csv *c);
/* A sentence about the last failed record; "" when none. Borrowed. */
const char *fk_csv_error(const fk_csv *c);
/* Where the last failed record went wrong, when that is one place in one field (ill-formed
 * UTF-8, a NUL byte, a lone quote): 1 with *field (from 0) and *byte (from 1, within the field's
 * unquoted text) set; 0 otherwise. */
int fk_csv_error_place(const fk_csv *c, size_t *field, size_t *byte);
/* fk_csv_error() with the field called name (NULL: its number from 1), e.g. "invalid UTF-8 in
 * field name at byte 3", written into out (cap bytes). Returns out. */
const char *fk_csv_error_named(const fk_csv *c, const char *name, char *out, size_t cap);
/* Bytes of input consumed so far, and the input's total size (0 when unknown): for progress. */
uint64_t fk_csv_offset(const fk_csv *c);
uint64_t fk_csv_size(const fk_csv *c);
/* "utf-8" or "gb18030": what the reader decided the input is. Static storage. */
const char *fk_csv_encoding(const fk_csv *c);

#endif
