/* SPDX-License-Identifier: MIT */
/* fk_table: a query's answer as rows of typed columns, rendered the same way everywhere: CSV with
 * a header row (the data contract's output), or JSON (an array of objects, numbers unquoted,
 * empty cells null). The CLI writes it to stdout; the server will write it as a response body. */
#ifndef FK_TABLE_H
#define FK_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "fk/buf.h"

/* FK_COL_JSON: a JSON value, written as it is in JSON and as text in CSV and XLSX. */
enum fk_col_type { FK_COL_TEXT = 0, FK_COL_INT, FK_COL_REAL, FK_COL_JSON };

struct fk_col {
    const char *name; /* borrowed: static storage in practice */
    enum fk_col_type type;
};

enum fk_format { FK_FORMAT_CSV = 0, FK_FORMAT_JSON };

typedef struct fk_table fk_table;

/* A new empty table with the given columns (borrowed: must outlive the table). Caller frees with
 * fk_table_free(). FK_OK or FK_ENOMEM. */
int fk_table_new(const struct fk_col *cols, size_t ncols, fk_table **out);

/* Room a row function may use for the text of one row's cells. */
#define FK_TABLE_ROW_SCRATCH 512
/* Makes row `row` of a view: sets vals[0..ncols) (NULL: an empty cell) to text that lives in ud
 * or in scratch (FK_TABLE_ROW_SCRATCH bytes), valid until the next call. Must not fail. */
typedef void (*fk_table_row_fn)(const void *ud, size_t row, const char **vals, char *scratch);
/* A table of nrows rows that are made when read, by row(ud, …): an answer of millions of rows
 * is then one compact record a row, not a dozen cells of text. ud becomes the table's, freed by
 * free_ud (may be NULL) with the table, or at once when the table cannot be made. A view reads
 * like any table, with two differences: fk_table_get's text is valid only until the next
 * fk_table_get or render on the same table, and one thread at a time may read it. It takes no
 * rows (fk_table_add and its kin give FK_EINVAL); fk_table_sort first makes it an ordinary
 * table. FK_OK or FK_ENOMEM. */
int fk_table_new_view(const struct fk_col *cols, size_t ncols, size_t nrows, fk_table_row_fn row,
                      void *ud, void (*free_ud)(void *), fk_table **out);
void fk_table_free(fk_table *t);
/* Appends a row of ncols NUL-terminated values (copied); a NULL value is an empty cell. */
int fk_table_add(fk_table *t, const char *const *values);
/* Makes room for n more rows, so a table whose size is known is filled without regrowing. */
int fk_table_reserve(fk_table *t, size_t n);
/* Pools a value for fk_table_add_cells and gives its handle in *cell (NULL: the empty cell). A
 * value repeated over many rows (a person's name on each of their tests, a date, a code) is then
 * stored once: intern it once and reuse the handle. Handles are valid for this table only. */
int fk_table_intern(fk_table *t, const char *value, size_t *cell);
/* Appends a row of ncols handles from fk_table_intern. */
int fk_table_add_cells(fk_table *t, const size_t *cells);
size_t fk_table_nrows(const fk_table *t);
size_t fk_table_ncols(const fk_table *t);
const struct fk_col *fk_table_col(const fk_table *t, size_t c);
/* Cell text (borrowed: valid until the table changes, and for a view until the next read of it);
 * NULL for an empty cell. */
const char *fk_table_get(const fk_table *t, size_t row, size_t col);
/* Sorts rows by the text of the given columns, in order, byte-wise ascending; stable (rows equal
 * on those columns keep their order); an empty cell sorts as "". A view is first made an ordinary
 * table. Without memory the table is left as it was. Thread-safe per table. */
void fk_table_sort(fk_table *t, const size_t *cols, size_t ncols);
/* Renders rows [from, to) into b; CSV includes the header row when from is 0, JSON the opening
 * bracket when from is 0 and the closing one when to is the row count, so a long table is written
 * in consecutive blocks 0..k, k..m, … m..n. A NULL cell, and an empty INT or REAL cell, is empty
 * in CSV and null in JSON. */
int fk_table_render(const fk_table *t, enum fk_format f, size_t from, size_t to, fk_buf *b);
/* Renders rows [from, to) as one complete JSON array of objects (for pages of a list). */
int fk_table_json_rows(const fk_table *t, size_t from, size_t to, fk_buf *b);
/* A page of several named tables (a person's, a cold-chain batch's). */
struct fk_table_block {
    const char *name;
    const fk_table *t; /* NULL: no rows */
};
/* Renders the n blocks into b: CSV as "# NAME" lines each followed by its table and a blank
 * line; JSON as one object {"NAME": rows, …} whose first block is one object (its first row, or
 * null), not an array. FK_OK, FK_ENOMEM or FK_ETOOBIG (b's ceiling). */
int fk_table_blocks_render(const struct fk_table_block *blocks, size_t n, enum fk_format f,
                           fk_buf *b);
/* Writes the whole table to f in blocks. FK_OK or FK_EIO. */
int fk_table_write(const fk_table *t, enum fk_format f, FILE *out);
/* Parses "csv" or "json". FK_OK or FK_EINVAL. */
int fk_format_parse(const char *s, enum fk_format *out);

#endif
