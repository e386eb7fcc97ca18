/* SPDX-License-Identifier: MIT */
/* The answers of fangkong serve: JSON and {"code","error","hint"} errors, library return codes
 * mapped to HTTP statuses, tables as JSON with keyset paging, CSV or XLSX, and cached answers
 * shared by reference (blobs). A table answer (reply_table, JSON) is rendered after the handler
 * returns, off the server lock (render_table). */
#include "reply.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <xlsxwriter.h>

#include "fk/dynlib.h"
#include "fk/msg.h"
#include "server.h"

/* libxlsxwriter is opened with dlopen by the first XLSX answer (fk/dynlib.h), not linked: linked,
 * it brought minizip and cost every fangkong process its share of 10 ms before main(). */
static FK_DLSYM_PROTOTYPE(format_set_bold);
static FK_DLSYM_PROTOTYPE(workbook_add_format);
static FK_DLSYM_PROTOTYPE(workbook_add_worksheet);
static FK_DLSYM_PROTOTYPE(workbook_close);
static FK_DLSYM_PROTOTYPE(workbook_new);
static FK_DLSYM_PROTOTYPE(worksheet_write_number);
static FK_DLSYM_PROTOTYPE(worksheet_write_string);

static const struct fk_dynsym xlsxwriter_syms[] = {
    FK_DLSYM(format_set_bold),        FK_DLSYM(workbook_add_format),
    FK_DLSYM(workbook_add_worksheet), FK_DLSYM(workbook_close),
    FK_DLSYM(workbook_new),           FK_DLSYM(worksheet_write_number),
    FK_DLSYM(worksheet_write_string),
};

static struct fk_dynlib xlsxwriter =
    FK_DYNLIB_INIT(FK_XLSXWRITER_SONAME, FK_XLSXWRITER_PACKAGE, xlsxwriter_syms);

/* A later answer replaces a table answer not yet rendered. */
static void drop_table(struct req *r)
{
    fk_table_free(r->table);
    r->table = NULL;
}

void reply_json(struct req *r, const char *json, size_t n)
{
    drop_table(r);
    fk_buf_reset(&r->out);
    if (fk_buf_append(&r->out, json, n) != FK_OK) {
        r->status = 500;
        return;
    }
    if (!r->status)
        r->status = 200;
    r->content_type = "application/json; charset=utf-8";
}

void reply_json_value(struct req *r, struct json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

    if (text)
        reply_json(r, text, strlen(text));
    else
        reply_fk(r, FK_ENOMEM, "out of memory");
    free(text);
    json_decref(j);
}

/* Appends ,"key":{"code":…,"args":{…}} to the answer when the English text is a message of the
 * catalogue (fk/msg.h) of one of the families (tried in order), so that a client shows it in its
 * own language; nothing when none fits. */
static void coded(struct req *r, const char *key, const char *text, const char *const *families)
{
    size_t mark = r->out.len;

    for (; *families; families++) {
        fk_buf_puts(&r->out, ",\"");
        fk_buf_puts(&r->out, key);
        fk_buf_puts(&r->out, "\":");
        if (fk_msg_parse_json(text, strlen(text), *families, &r->out) == FK_OK)
            return;
        r->out.len = mark;
        if (r->out.data)
            r->out.data[mark] = '\0';
    }
}

void reply_error(struct req *r, unsigned status, const char *code, const char *hint,
                 const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    drop_table(r);
    fk_buf_reset(&r->out);
    fk_buf_puts(&r->out, "{\"code\":");
    fk_buf_json_string(&r->out, code);
    fk_buf_puts(&r->out, ",\"error\":");
    fk_buf_json_string(&r->out, msg);
    fk_buf_puts(&r->out, ",\"hint\":");
    fk_buf_json_string(&r->out, hint ? hint : "");
    coded(r, "message", msg, (const char *[]){"err.", "file.", "row.", NULL});
    if (hint)
        coded(r, "hint_message", hint, (const char *[]){"hint.", NULL});
    fk_buf_puts(&r->out, "}\n");
    r->status = status;
    r->content_type = "application/json; charset=utf-8";
}

void reply_fk(struct req *r, int rc, const char *msg)
{
    switch (rc) {
    case FK_EINVAL: reply_error(r, 400, "bad_request", NULL, "%s", msg); break;
    case FK_ENOENT: reply_error(r, 404, "not_found", NULL, "%s", msg); break;
    case FK_ECONFLICT: reply_error(r, 409, "conflict", NULL, "%s", msg); break;
    case FK_ETOOBIG: reply_error(r, 413, "too_large", NULL, "%s", msg); break;
    case FK_EPERM: reply_error(r, 403, "forbidden", NULL, "%s", msg); break;
    default:
        /* Internals (SQL, paths) go to the log, never to the client; escaped, since the URL and
         * the message may carry request text. */
        {
            char url[512], m[1024];

            fprintf(stderr, "fangkong serve: %s %s: %s: %s\n", r->method,
                    fk_str_escape(url, sizeof url, r->url), fk_strerror(rc),
                    fk_str_escape(m, sizeof m, msg));
        }
        reply_error(r, 500, "internal", "the server log has the details",
                    "the server could not answer this request");
        break;
    }
}

/* Writes t as an .xlsx file under the upload folder and makes it the answer. */
static void reply_xlsx(struct req *r, const fk_table *t, const char *name)
{
    char path[1100];
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    size_t row, col;
    struct stat sb;
    char err[600];
    int fd;

    if (fk_dynlib_open(&xlsxwriter, err, sizeof err) != FK_OK) {
        /* The operator needs the library's name, the clerk a way on. */
        fprintf(stderr, "fangkong serve: .xlsx answers: %s\n", err);
        reply_error(r, 500, "internal", "ask for format=csv; the server log says what to install",
                    "the server cannot write .xlsx files");
        return;
    }
    snprintf(path, sizeof path, "%s/export-%ld-%p.xlsx", srv_upload_dir(r), (long)getpid(),
             (void *)r);
    wb = sym_workbook_new(path);
    if (!wb) {
        reply_error(r, 500, "internal", NULL, "cannot write the spreadsheet");
        return;
    }
    ws = sym_workbook_add_worksheet(wb, NULL);
    bold = sym_workbook_add_format(wb);
    sym_format_set_bold(bold);
    for (col = 0; col < fk_table_ncols(t); col++)
        sym_worksheet_write_string(ws, 0, (lxw_col_t)col, fk_table_col(t, col)->name, bold);
    for (row = 0; row < fk_table_nrows(t) && row < 1048575; row++) {
        for (col = 0; col < fk_table_ncols(t); col++) {
            const char *v = fk_table_get(t, row, col);

            if (!v || !*v)
                continue;
            if (fk_table_col(t, col)->type == FK_COL_INT ||
                fk_table_col(t, col)->type == FK_COL_REAL)
                sym_worksheet_write_number(ws, (lxw_row_t)(row + 1), (lxw_col_t)col,
                                           strtod(v, NULL), NULL);
            else
                sym_worksheet_write_string(ws, (lxw_row_t)(row + 1), (lxw_col_t)col, v, NULL);
        }
    }
    if (sym_workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        reply_error(r, 500, "internal", NULL, "cannot write the spreadsheet");
        return;
    }
    fd = open(path, O_RDONLY);
    unlink(path); /* the open descriptor keeps it readable until sent */
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 500, "internal", NULL, "cannot read the spreadsheet back");
        return;
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->status = 200;
    r->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r->download_name = name;
}

void reply_rc_table(struct req *r, int rc, const char *err, fk_table *t, const char *download_name)
{
    if (rc != FK_OK)
        reply_fk(r, rc, err);
    else
        reply_table(r, t, download_name, REPLY_PAGE_OFFSET);
}

void reply_table(struct req *r, fk_table *t, const char *download_name, int page_col)
{
    const char *format = req_arg(r, "format"), *after = req_arg(r, "after");
    size_t from = 0, to, n = fk_table_nrows(t);
    int64_t limit, after_i = 0, offset = 0;

    /* limit, offset and a numeric after are strict: a bad one answers 400, never a quiet
     * default. */
    if (!req_int(r, "limit", 1, 10000, 500, &limit) ||
        (page_col == REPLY_PAGE_OFFSET && !req_int(r, "offset", 0, INT64_MAX, 0, &offset)) ||
        (page_col >= 0 && after && *after &&
         fk_table_col(t, (size_t)page_col)->type == FK_COL_INT &&
         !req_int(r, "after", INT64_MIN, INT64_MAX, 0, &after_i))) {
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "csv") == 0) {
        fk_buf_reset(&r->out);
        if (fk_table_render(t, FK_FORMAT_CSV, 0, n, &r->out) != FK_OK) {
            reply_error(r, 500, "internal", NULL, "cannot render the table");
        } else {
            r->status = 200;
            r->content_type = "text/csv; charset=utf-8";
            r->download_name = download_name;
        }
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "xlsx") == 0) {
        reply_xlsx(r, t, download_name);
        fk_table_free(t);
        return;
    }
    if (format && strcmp(format, "json") != 0) {
        reply_error(r, 400, "bad_request", "format is json, csv or xlsx", "unknown format '%s'",
                    format);
        fk_table_free(t);
        return;
    }
    /* Keyset paging: rows are sorted by page_col; ?after=K starts after the last row with key
     * K, so pages stay right while rows are added, which offsets cannot promise. */
    if (page_col >= 0 && after && *after) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const char *k = fk_table_get(t, mid, (size_t)page_col);
            int cmp = fk_table_col(t, (size_t)page_col)->type == FK_COL_INT
                          ? (strtoll(k ? k : "0", NULL, 10) > after_i) -
                                (strtoll(k ? k : "0", NULL, 10) < after_i)
                          : strcmp(k ? k : "", after);

            if (cmp <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        from = lo;
    }
    if (page_col == REPLY_PAGE_OFFSET) {
        from = (uint64_t)offset < n ? (size_t)offset : n;
        if (!req_arg(r, "limit"))
            limit = (int64_t)n; /* asked without a limit: every row from the offset */
    } else if (page_col < 0) {
        limit = (int64_t)n; /* an unpaged list is always whole */
    }
    to = from + (size_t)limit < n ? from + (size_t)limit : n;
    /* The rows are rendered by render_table once the server lock is released: the table is the
     * request's own (its cells are copies), and rendering a city's grids is as long as counting
     * them. */
    fk_buf_reset(&r->out);
    r->table = t;
    r->table_from = from;
    r->table_to = to;
    r->table_page_col = page_col;
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
}

/* Renders the table reply_table left as {"rows":[…],"total":N,"next":K}; outside the lock. */
void render_table(struct req *r)
{
    fk_table *t = r->table;
    size_t n = fk_table_nrows(t), to = r->table_to;
    int page_col = r->table_page_col;

    r->table = NULL;
    fk_buf_reset(&r->out);
    fk_buf_puts(&r->out, "{\"rows\":");
    fk_table_json_rows(t, r->table_from, to, &r->out);
    fk_buf_printf(&r->out, ",\"total\":%zu,\"next\":", n);
    if (page_col == REPLY_PAGE_OFFSET && to < n) {
        fk_buf_printf(&r->out, "%zu", to);
    } else if (page_col >= 0 && to < n && to > 0) {
        const char *k = fk_table_get(t, to - 1, (size_t)page_col);

        fk_buf_json_string(&r->out, k ? k : "");
    } else {
        fk_buf_puts(&r->out, "null");
    }
    fk_buf_puts(&r->out, "}\n");
    fk_table_free(t);
}

void blob_unref(void *cls)
{
    struct blob *b = cls;

    if (b && atomic_fetch_sub(&b->refs, 1) == 1)
        free(b);
}

/* Makes b the request's answer (one more reference). */
void reply_blob(struct req *r, struct blob *b)
{
    if (r->blob)
        blob_unref(r->blob);
    atomic_fetch_add(&b->refs, 1);
    r->blob = b;
    fk_buf_reset(&r->out);
    r->status = 200;
    r->content_type = "application/json; charset=utf-8";
}
