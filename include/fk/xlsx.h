/* SPDX-License-Identifier: MIT */
/* A streaming reader of the rows of one sheet of an Excel .xlsx workbook (libzip + expat), for
 * imports: shared and inline strings, numbers as written, cells with a date format turned into
 * ISO 8601 ("2022-04-01", or "2022-04-01T08:30:00" with a time; the 1900 date system with its
 * 1900-02-29, and date1904), empty cells keeping their column. Rows that hold nothing are
 * skipped; row numbers are the sheet's. Every zip entry it reads is checked against a ceiling on
 * its unpacked size (1 GiB) and, past 16 MiB, on its packing ratio (500: sheets pack 5 to 50
 * times), so a zip bomb is refused before it is unpacked, and each row against a ceiling on its
 * size. */
#ifndef FK_XLSX_H
#define FK_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "fk/str.h"

typedef struct fk_xlsx fk_xlsx;

/* The ceiling on one zip entry's unpacked size, and on its unpacked/packed ratio. */
#define FK_XLSX_ENTRY_MAX (UINT64_C(1) << 30)
#define FK_XLSX_RATIO_MAX 500

/* Opens the workbook at path and the sheet called sheet (NULL: the first), reading its shared
 * strings and styles. On failure *out is NULL and err says why: FK_ENOENT (no such file),
 * FK_EINVAL (not an .xlsx workbook: an old .xls is told to be saved as .xlsx or .csv; or no sheet
 * of that name: err lists the sheets), FK_ETOOBIG (an entry over the ceilings), FK_EIO (also when
 * libzip, opened on the first call, cannot be loaded: err names it and its package), FK_ENOMEM.
 * Caller frees with fk_xlsx_close(). Thread-safe for different readers. */
int fk_xlsx_open(const char *path, const char *sheet, fk_xlsx **out, char *err, size_t errlen);
/* Closes the workbook and frees the reader. NULL is a no-op. */
void fk_xlsx_close(fk_xlsx *x);

/* Reads the next row that holds a value. 1 when one is ready, 0 at the end of the sheet, or a
 * negative code, final, with fk_xlsx_error() saying why: FK_EINVAL (broken XML, a shared string
 * that does not exist), FK_ETOOBIG (a row over 1 MiB of text or 16 384 columns, or an entry
 * unpacking past its ceiling), FK_EIO. */
int fk_xlsx_next(fk_xlsx *x);
/* The current row's cells, column A first (borrowed: valid until the next fk_xlsx_next);
 * valid UTF-8, NUL-terminated. Out of range: an empty slice. */
size_t fk_xlsx_nfields(const fk_xlsx *x);
fk_slice fk_xlsx_field(const fk_xlsx *x, size_t i);
/* The current row's number in the sheet (from 1). */
uint64_t fk_xlsx_line(const fk_xlsx *x);
/* A sentence about the last failure; "" when none. Borrowed. */
const char *fk_xlsx_error(const fk_xlsx *x);
/* Bytes of the sheet's XML unpacked so far, and its unpacked size: for progress. */
uint64_t fk_xlsx_offset(const fk_xlsx *x);
uint64_t fk_xlsx_size(const fk_xlsx *x);
/* The name of the sheet being read. Borrowed. */
const char *fk_xlsx_sheet(const fk_xlsx *x);

/* The text of Excel date serial v: "2022-04-01" for a whole day, "2022-04-01T08:30:00" with a
 * time (rounded to the second), in the 1900 date system (serial 60 is Excel's 1900-02-29) or,
 * with date1904, the 1904 one. 0 with out set, or -1 for a serial no date has (negative, past
 * 9999). out holds at least 20 bytes. */
int fk_xlsx_serial_text(double v, int date1904, char *out, size_t cap);
/* 1 when number format id (with formatCode code for custom ones, may be NULL) shows a date or
 * a time: ids 14-22 and 45-47, or a code with y, m, d, h or s outside quotes and brackets. */
int fk_xlsx_format_is_date(int id, const char *code);

#endif
