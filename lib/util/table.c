/* SPDX-License-Identifier: MIT */
/* fk_table (see fk/table.h). Cells live in one string pool; each row keeps ncols offsets into it
 * (SIZE_MAX for an empty cell), so a table of a million rows is two allocations that grow by
 * doubling, not millions of small ones. Rows may share a cell's offset (fk_table_intern), so the
 * pool is never changed in place. A view has no pool: its rows are made one at a time by its row
 * function into the view's one-row cache, which every read goes through. */
#include "fk/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

/* A view's row function and the row it made last. */
struct view {
    fk_table_row_fn row;
    void *ud;
    void (*free_ud)(void *);
    size_t cached; /* SIZE_MAX: none yet */
    const char **vals;
    char scratch[FK_TABLE_ROW_SCRATCH];
};

struct fk_table {
    const struct fk_col *cols;
    size_t ncols;
    fk_buf pool;
    size_t *cells; /* nrows * ncols offsets into pool */
    size_t nrows, cap_rows;
    struct view *view; /* a view: no pool, no cells */
};

/* What the sort compares by: the table and its sort columns. */
struct sort_ctx {
    const fk_table *t;
    const size_t *cols;
    size_t ncols;
};

int fk_table_new(const struct fk_col *cols, size_t ncols, fk_table **out)
{
    fk_table *t = calloc(1, sizeof *t);

    *out = NULL;
    if (!t)
        return FK_ENOMEM;
    t->cols = cols;
    t->ncols = ncols;
    fk_buf_init(&t->pool, 0);
    *out = t;
    return FK_OK;
}

static void view_free(struct view *v)
{
    if (!v)
        return;
    if (v->free_ud)
        v->free_ud(v->ud);
    free(v->vals);
    free(v);
}

int fk_table_new_view(const struct fk_col *cols, size_t ncols, size_t nrows, fk_table_row_fn row,
                      void *ud, void (*free_ud)(void *), fk_table **out)
{
    struct view *v = calloc(1, sizeof *v);
    int rc = FK_ENOMEM;

    *out = NULL;
    if (v) {
        v->ud = ud;
        v->free_ud = free_ud;
        v->row = row;
        v->cached = SIZE_MAX;
        v->vals = calloc(ncols ? ncols : 1, sizeof *v->vals);
        if (v->vals)
            rc = fk_table_new(cols, ncols, out);
    } else if (free_ud) {
        free_ud(ud);
    }
    if (rc != FK_OK) {
        view_free(v);
        return rc;
    }
    (*out)->view = v;
    (*out)->nrows = (*out)->cap_rows = nrows;
    return FK_OK;
}

/* The view's cell values of row r, made when another row was made last. */
static const char **view_row(const fk_table *t, size_t r)
{
    struct view *v = t->view;

    if (v->cached != r) {
        v->row(v->ud, r, v->vals, v->scratch);
        v->cached = r;
    }
    return v->vals;
}

void fk_table_free(fk_table *t)
{
    if (!t)
        return;
    view_free(t->view);
    fk_buf_fini(&t->pool);
    free(t->cells);
    free(t);
}

int fk_table_reserve(fk_table *t, size_t n)
{
    size_t *p;

    if (t->view)
        return FK_EINVAL;
    if (t->cap_rows - t->nrows >= n)
        return FK_OK;
    if (!t->ncols) {
        t->cap_rows = t->nrows + n;
        return FK_OK;
    }
    if (n > (SIZE_MAX / sizeof *p) / (t->ncols ? t->ncols : 1) - t->nrows)
        return FK_ENOMEM;
    p = realloc(t->cells, (t->nrows + n) * t->ncols * sizeof *p);
    if (!p)
        return FK_ENOMEM;
    t->cells = p;
    t->cap_rows = t->nrows + n;
    return FK_OK;
}

/* Room for one more row, doubling. */
static int room(fk_table *t)
{
    if (t->nrows < t->cap_rows)
        return FK_OK;
    return fk_table_reserve(t, t->cap_rows ? t->cap_rows : 64);
}

int fk_table_intern(fk_table *t, const char *value, size_t *cell)
{
    size_t off = t->pool.len;
    int rc;

    *cell = SIZE_MAX;
    if (t->view)
        return FK_EINVAL;
    if (!value)
        return FK_OK;
    rc = fk_buf_append(&t->pool, value, strlen(value) + 1);
    if (rc == FK_OK)
        *cell = off;
    return rc;
}

int fk_table_add(fk_table *t, const char *const *values)
{
    size_t c;
    int rc = room(t);

    if (rc != FK_OK)
        return rc;
    for (c = 0; c < t->ncols; c++) {
        rc = fk_table_intern(t, values[c], &t->cells[t->nrows * t->ncols + c]);
        if (rc != FK_OK)
            return rc;
    }
    t->nrows++;
    return FK_OK;
}

int fk_table_add_cells(fk_table *t, const size_t *cells)
{
    int rc = room(t);

    if (rc != FK_OK)
        return rc;
    memcpy(&t->cells[t->nrows * t->ncols], cells, t->ncols * sizeof *cells);
    t->nrows++;
    return FK_OK;
}

size_t fk_table_nrows(const fk_table *t)
{
    return t->nrows;
}

size_t fk_table_ncols(const fk_table *t)
{
    return t->ncols;
}

const struct fk_col *fk_table_col(const fk_table *t, size_t c)
{
    return &t->cols[c];
}

const char *fk_table_get(const fk_table *t, size_t row, size_t col)
{
    size_t off;

    if (t->view)
        return view_row(t, row)[col];
    off = t->cells[row * t->ncols + col];
    return off == SIZE_MAX ? NULL : t->pool.data + off;
}

static int cmp_rows(const struct sort_ctx *sc, size_t ra, size_t rb)
{
    size_t i;

    for (i = 0; i < sc->ncols; i++) {
        const char *x = fk_table_get(sc->t, ra, sc->cols[i]);
        const char *y = fk_table_get(sc->t, rb, sc->cols[i]);
        int r = strcmp(x ? x : "", y ? y : "");

        if (r)
            return r;
    }
    return 0;
}

/* Sorts idx[0..n) stably by cmp_rows, using tmp[0..n) as scratch. A merge sort, not qsort: it
 * takes the context as an argument (no global, so two threads may sort at once) and it is stable,
 * so rows equal on the sort columns keep their order. */
static void merge_sort(const struct sort_ctx *sc, size_t *idx, size_t *tmp, size_t n)
{
    size_t mid = n / 2, i = 0, j = mid, k = 0;

    if (n < 2)
        return;
    merge_sort(sc, idx, tmp, mid);
    merge_sort(sc, idx + mid, tmp, n - mid);
    while (i < mid && j < n)
        tmp[k++] = cmp_rows(sc, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < mid)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Makes a view an ordinary table of the same rows; a table as it was without memory. */
static int materialize(fk_table *t)
{
    struct view *v = t->view;
    size_t n = t->nrows, r;
    int rc;

    if (!v)
        return FK_OK;
    t->view = NULL;
    t->nrows = t->cap_rows = 0;
    rc = fk_table_reserve(t, n);
    for (r = 0; rc == FK_OK && r < n; r++) {
        v->row(v->ud, r, v->vals, v->scratch);
        rc = fk_table_add(t, (const char *const *)v->vals);
    }
    if (rc != FK_OK) {
        free(t->cells);
        t->cells = NULL;
        fk_buf_fini(&t->pool);
        fk_buf_init(&t->pool, 0);
        t->view = v;
        t->nrows = t->cap_rows = n;
        v->cached = SIZE_MAX;
        return rc;
    }
    view_free(v);
    return FK_OK;
}

void fk_table_sort(fk_table *t, const size_t *cols, size_t ncols)
{
    struct sort_ctx sc = {t, cols, ncols};
    size_t *idx, *tmp, *cells = NULL, r;

    if (t->nrows < 2 || materialize(t) != FK_OK)
        return;
    idx = malloc(t->nrows * sizeof *idx);
    tmp = malloc(t->nrows * sizeof *tmp);
    if (!idx || !tmp)
        goto out;
    cells = malloc(t->nrows * t->ncols * sizeof *cells);
    if (!cells)
        goto out;
    for (r = 0; r < t->nrows; r++)
        idx[r] = r;
    merge_sort(&sc, idx, tmp, t->nrows);
    for (r = 0; r < t->nrows; r++)
        memcpy(&cells[r * t->ncols], &t->cells[idx[r] * t->ncols], t->ncols * sizeof *cells);
    free(t->cells);
    t->cells = cells;
    t->cap_rows = t->nrows;
    cells = NULL;
out:
    free(cells);
    free(tmp);
    free(idx);
}

/* One row as a JSON object. */
static int json_row(const fk_table *t, size_t r, fk_buf *b)
{
    size_t c;
    int rc = fk_buf_putc(b, '{');

    for (c = 0; rc == FK_OK && c < t->ncols; c++) {
        const char *v = fk_table_get(t, r, c);

        if (c)
            rc = fk_buf_putc(b, ',');
        if (rc == FK_OK)
            rc = fk_buf_json_string(b, t->cols[c].name);
        if (rc == FK_OK)
            rc = fk_buf_putc(b, ':');
        if (rc != FK_OK)
            break;
        if (!v || (t->cols[c].type != FK_COL_TEXT && !*v))
            rc = fk_buf_puts(b, "null");
        else if (t->cols[c].type == FK_COL_TEXT)
            rc = fk_buf_json_string(b, v);
        else
            rc = fk_buf_puts(b, v);
    }
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '}');
    return rc;
}

int fk_table_json_rows(const fk_table *t, size_t from, size_t to, fk_buf *b)
{
    size_t r;
    int rc = fk_buf_putc(b, '[');

    if (to > t->nrows)
        to = t->nrows;
    for (r = from; rc == FK_OK && r < to; r++) {
        rc = fk_buf_puts(b, r > from ? ",\n" : "\n");
        if (rc == FK_OK)
            rc = json_row(t, r, b);
    }
    if (rc == FK_OK)
        rc = fk_buf_puts(b, to > from ? "\n]" : "]");
    return rc;
}

/* 1 when v is a whole plain number: an optional minus, digits, an optional fraction and
 * exponent. A spreadsheet reads such a cell as that number, never as a formula. */
static int plain_number(const char *v)
{
    const char *p = v;

    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* A CSV cell of an export: text that a spreadsheet would run as a formula is neutralised
 * (fk_buf_csv_text); a number in a number column, -3 or -0.25, stays a number. */
static int csv_cell(fk_buf *b, enum fk_col_type type, const char *v)
{
    if (type != FK_COL_TEXT && plain_number(v))
        return fk_buf_csv_field(b, v, strlen(v));
    return fk_buf_csv_text(b, v, strlen(v));
}

int fk_table_render(const fk_table *t, enum fk_format f, size_t from, size_t to, fk_buf *b)
{
    size_t r, c;
    int rc = FK_OK;

    if (to > t->nrows)
        to = t->nrows;
    if (f == FK_FORMAT_CSV) {
        if (from == 0) {
            for (c = 0; rc == FK_OK && c < t->ncols; c++) {
                if (c)
                    rc = fk_buf_putc(b, ',');
                if (rc == FK_OK)
                    rc = fk_buf_csv_field(b, t->cols[c].name, strlen(t->cols[c].name));
            }
            if (rc == FK_OK)
                rc = fk_buf_putc(b, '\n');
        }
        for (r = from; rc == FK_OK && r < to; r++) {
            for (c = 0; rc == FK_OK && c < t->ncols; c++) {
                const char *v = fk_table_get(t, r, c);

                if (c)
                    rc = fk_buf_putc(b, ',');
                if (rc == FK_OK && v)
                    rc = csv_cell(b, t->cols[c].type, v);
            }
            if (rc == FK_OK)
                rc = fk_buf_putc(b, '\n');
        }
        return rc;
    }
    if (from == 0)
        rc = fk_buf_putc(b, '[');
    for (r = from; rc == FK_OK && r < to; r++) {
        rc = fk_buf_puts(b, r ? ",\n" : "\n");
        if (rc == FK_OK)
            rc = json_row(t, r, b);
    }
    if (rc == FK_OK && to == t->nrows)
        rc = fk_buf_puts(b, t->nrows ? "\n]\n" : "]\n");
    return rc;
}

int fk_table_write(const fk_table *t, enum fk_format f, FILE *out)
{
    fk_buf b;
    size_t from = 0, step = 4096;
    int rc = FK_OK;

    fk_buf_init(&b, 0);
    do {
        size_t to = from + step < t->nrows ? from + step : t->nrows;

        fk_buf_reset(&b);
        rc = fk_table_render(t, f, from, to, &b);
        if (rc != FK_OK)
            break;
        if (b.len && fwrite(b.data, 1, b.len, out) != b.len) {
            rc = FK_EIO;
            break;
        }
        from = to;
    } while (from < t->nrows);
    if (rc == FK_OK && fflush(out) != 0)
        rc = FK_EIO;
    fk_buf_fini(&b);
    return rc;
}

int fk_format_parse(const char *s, enum fk_format *out)
{
    if (strcmp(s, "csv") == 0) {
        *out = FK_FORMAT_CSV;
        return FK_OK;
    }
    if (strcmp(s, "json") == 0) {
        *out = FK_FORMAT_JSON;
        return FK_OK;
    }
    return FK_EINVAL;
}

int fk_table_blocks_render(const struct fk_table_block *blocks, size_t n, enum fk_format f,
                           fk_buf *b)
{
    size_t i;
    int rc = FK_OK;

    if (f == FK_FORMAT_JSON)
        rc = fk_buf_putc(b, '{');
    for (i = 0; rc == FK_OK && i < n; i++) {
        const fk_table *t = blocks[i].t;
        size_t rows = t ? fk_table_nrows(t) : 0;

        if (f == FK_FORMAT_JSON) {
            rc = fk_buf_printf(b, "%s\"%s\":", i ? "," : "", blocks[i].name);
            if (rc != FK_OK)
                break;
            if (i == 0) {
                /* The first block is one object, not an array of one. */
                fk_buf one;

                fk_buf_init(&one, 0);
                rc = t && rows ? fk_table_json_rows(t, 0, 1, &one) : FK_OK;
                if (rc == FK_OK && one.len) {
                    /* "[\n{…}\n]": the object between the brackets. */
                    const char *lo = strchr(one.data, '{'), *hi = strrchr(one.data, '}');

                    rc = lo && hi ? fk_buf_append(b, lo, (size_t)(hi - lo) + 1) : FK_EINVAL;
                } else if (rc == FK_OK) {
                    rc = fk_buf_puts(b, "null");
                }
                fk_buf_fini(&one);
            } else if (t) {
                rc = fk_table_json_rows(t, 0, rows, b);
                if (rc == FK_OK && b->len && b->data[b->len - 1] == '\n')
                    b->data[--b->len] = '\0';
            } else {
                rc = fk_buf_puts(b, "[]");
            }
        } else {
            rc = fk_buf_printf(b, "# %s\n", blocks[i].name);
            if (rc == FK_OK && t)
                rc = fk_table_render(t, FK_FORMAT_CSV, 0, rows, b);
            if (rc == FK_OK)
                rc = fk_buf_putc(b, '\n');
        }
    }
    if (rc == FK_OK && f == FK_FORMAT_JSON)
        rc = fk_buf_puts(b, "}\n");
    return rc;
}
