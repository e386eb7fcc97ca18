/* SPDX-License-Identifier: MIT */
/* The XLSX reader (see fk/xlsx.h): libzip opens the workbook, expat reads its parts. At open,
 * xl/workbook.xml names the sheets (and the date system), xl/_rels/workbook.xml.rels says which
 * part each is, xl/sharedStrings.xml and xl/styles.xml are read whole into a string table and a
 * per-style "is a date" table. The sheet itself is streamed: fk_xlsx_next feeds it to expat in
 * 64 KiB chunks and stops the parser (XML_StopParser, resumable) at the end of every row that
 * holds a value, so a sheet of a million rows costs one row of memory.
 *
 * DESIGN NOTES
 * - Every entry is checked before a byte is unpacked (zip_stat: size over FK_XLSX_ENTRY_MAX, or
 *   size over FK_XLSX_RATIO_MAX times the packed size past 16 MiB) and counted while it is read,
 *   since the sizes in a zip directory are the writer's word.
 * - A DOCTYPE is refused: workbooks have none, and it is where entity bombs live.
 * - libzip is opened with dlopen by the first fk_xlsx_open (fk/dynlib.h), not linked: linked, it
 *   and what it brings (libcrypto, bz2) cost every fangkong process 3 ms before main(), and most
 *   never read a workbook. Its functions are called through the sym_zip_* pointers below. */
#include "fk/xlsx.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "fk/buf.h"
#include "fk/dynlib.h"
#include "fk/error.h"
#include "fk/str.h"
#include "fk/time.h"
#include "fk/vec.h"

#define CHUNK 65536
#define ROW_MAX (1u << 20)      /* bytes of text in one row */
#define COLS_MAX 16384          /* Excel's last column, XFD */
#define PART_MAX (64u << 20)    /* workbook, rels and styles parts: read whole */
#define RATIO_FLOOR (16u << 20) /* entries smaller than this are not held to the ratio */
#define SST_MAX (1u << 25)      /* shared strings: how many, and bytes of their text (x 16) */

static FK_DLSYM_PROTOTYPE(zip_discard);
static FK_DLSYM_PROTOTYPE(zip_fclose);
static FK_DLSYM_PROTOTYPE(zip_file_strerror);
static FK_DLSYM_PROTOTYPE(zip_fopen);
static FK_DLSYM_PROTOTYPE(zip_fread);
static FK_DLSYM_PROTOTYPE(zip_open);
static FK_DLSYM_PROTOTYPE(zip_stat);
static FK_DLSYM_PROTOTYPE(zip_stat_init);
static FK_DLSYM_PROTOTYPE(zip_strerror);

static const struct fk_dynsym libzip_syms[] = {
    FK_DLSYM(zip_discard), FK_DLSYM(zip_fclose),    FK_DLSYM(zip_file_strerror),
    FK_DLSYM(zip_fopen),   FK_DLSYM(zip_fread),     FK_DLSYM(zip_open),
    FK_DLSYM(zip_stat),    FK_DLSYM(zip_stat_init), FK_DLSYM(zip_strerror),
};

static struct fk_dynlib libzip = FK_DYNLIB_INIT(FK_LIBZIP_SONAME, FK_LIBZIP_PACKAGE, libzip_syms);

struct sheet_ref {
    char *name, *rid, *part;
};

struct cell {
    size_t col, off, len;
};

struct fk_xlsx {
    zip_t *zip;
    char err[512];
    int date1904;
    /* Sheets in the workbook's order, and the one read. */
    struct sheet_ref *sheets;
    size_t nsheets, capsheets;
    const struct sheet_ref *sheet;
    /* Shared strings: offsets into sst_text (each NUL-terminated). */
    fk_buf sst_text;
    size_t *sst;
    size_t nsst, capsst;
    /* Styles: per cellXfs index, 1 when its number format shows a date. */
    unsigned char *xf_date;
    size_t nxf, capxf;
    /* Custom number formats met in styles.xml: id -> is a date. */
    int *fmt_ids;
    unsigned char *fmt_date;
    size_t nfmt, capfmt, capfmt2;
    /* The sheet being streamed. */
    zip_file_t *zf;
    uint64_t zf_read, zf_size;
    XML_Parser xp;
    char *chunk;
    int suspended, eof, failed, row_ready;
    /* Parse state of the sheet: inside <c>, <v>, <is>, <t>, <rPh>; the cell's type and style;
     * row and column numbers. */
    int in_v, in_is, in_t, in_rph, in_cell;
    char ctype[16], cref[16];
    long cstyle;
    uint64_t rownum, nextrow;
    size_t col, nextcol;
    fk_buf val;  /* the cell's text as read */
    fk_buf text; /* the row's cells' texts, each NUL-terminated */
    struct cell *cells;
    size_t ncells, capcells;
    fk_slice *fields;
    size_t nfields, capfields;
    uint64_t line;
};

/* ---- small things ---- */

/* The local part of an element name: "x:row" -> "row". */
static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');

    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    size_t i;

    for (i = 0; atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0)
            return atts[i + 1];
    return NULL;
}

static void set_err(struct fk_xlsx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(struct fk_xlsx *x, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(x->err, sizeof x->err, fmt, ap);
    va_end(ap);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal)
{
    struct fk_xlsx *x = ud;

    (void)name;
    (void)sysid;
    (void)pubid;
    (void)internal;
    set_err(x, "the workbook holds a DOCTYPE, which no .xlsx has");
    x->failed = FK_EINVAL;
}

/* Opens zip entry name after checking its sizes against the ceilings. FK_OK, FK_ENOENT (no such
 * entry), FK_ETOOBIG, FK_EIO. */
static int open_entry(struct fk_xlsx *x, const char *name, zip_file_t **zf, uint64_t *size)
{
    zip_stat_t sb;

    sym_zip_stat_init(&sb);
    if (sym_zip_stat(x->zip, name, 0, &sb) != 0)
        return FK_ENOENT;
    if (!(sb.valid & ZIP_STAT_SIZE) || sb.size > FK_XLSX_ENTRY_MAX) {
        set_err(x, "%s would unpack to more than 1 GiB: refused (split the workbook)", name);
        return FK_ETOOBIG;
    }
    if ((sb.valid & ZIP_STAT_COMP_SIZE) && sb.size > RATIO_FLOOR &&
        sb.size / (sb.comp_size ? sb.comp_size : 1) > FK_XLSX_RATIO_MAX) {
        set_err(x, "%s would unpack to %llu times its packed size: refused as a zip bomb", name,
                (unsigned long long)(sb.size / (sb.comp_size ? sb.comp_size : 1)));
        return FK_ETOOBIG;
    }
    *zf = sym_zip_fopen(x->zip, name, 0);
    if (!*zf) {
        set_err(x, "%s cannot be read: %s", name, sym_zip_strerror(x->zip));
        return FK_EIO;
    }
    *size = sb.size;
    return FK_OK;
}

/* Reads up to cap bytes of zf, counting them against size (the entry's declared size): a zip
 * whose entry unpacks past what its directory says is refused. Bytes read, or a negative code. */
static int64_t read_entry(struct fk_xlsx *x, zip_file_t *zf, uint64_t *done, uint64_t size,
                          char *buf, size_t cap)
{
    zip_int64_t n = sym_zip_fread(zf, buf, cap);

    if (n < 0) {
        set_err(x, "the workbook cannot be unpacked: %s", sym_zip_file_strerror(zf));
        return FK_EIO;
    }
    *done += (uint64_t)n;
    if (*done > size) {
        set_err(x, "an entry unpacks past its declared size: refused");
        return FK_ETOOBIG;
    }
    return n;
}

/* Streams entry name through expat with the handlers given. FK_OK, FK_ENOENT when the entry is
 * missing (no message), or an error with x->err. */
static int parse_entry(struct fk_xlsx *x, const char *name, XML_StartElementHandler start,
                       XML_EndElementHandler end, XML_CharacterDataHandler text)
{
    zip_file_t *zf = NULL;
    XML_Parser xp = NULL;
    uint64_t size = 0, done = 0;
    char *buf = NULL;
    int64_t n;
    int rc;

    rc = open_entry(x, name, &zf, &size);
    if (rc != FK_OK)
        return rc;
    rc = FK_ETOOBIG;
    if (size > PART_MAX && strcmp(name, "xl/sharedStrings.xml") != 0) {
        set_err(x, "%s is over %u MiB: refused", name, PART_MAX >> 20);
        goto out;
    }
    rc = FK_ENOMEM;
    buf = malloc(CHUNK);
    xp = XML_ParserCreate("UTF-8");
    if (!buf || !xp) {
        set_err(x, "out of memory");
        goto out;
    }
    XML_SetUserData(xp, x);
    XML_SetElementHandler(xp, start, end);
    XML_SetCharacterDataHandler(xp, text);
    XML_SetStartDoctypeDeclHandler(xp, no_doctype);
    x->failed = 0;
    do {
        n = read_entry(x, zf, &done, size, buf, CHUNK);
        if (n < 0) {
            rc = (int)n;
            goto out;
        }
        if (XML_Parse(xp, buf, (int)n, n == 0) != XML_STATUS_OK) {
            if (!x->failed)
                set_err(x, "%s is not well-formed XML (line %lu: %s)", name,
                        (unsigned long)XML_GetCurrentLineNumber(xp),
                        XML_ErrorString(XML_GetErrorCode(xp)));
            rc = x->failed ? x->failed : FK_EINVAL;
            goto out;
        }
        if (x->failed) {
            rc = x->failed;
            goto out;
        }
    } while (n > 0);
    rc = FK_OK;
out:
    if (xp)
        XML_ParserFree(xp);
    free(buf);
    if (zf)
        sym_zip_fclose(zf);
    return rc;
}

/* Stops the parser of a part with error rc (handlers cannot return one). */
static void fail(struct fk_xlsx *x, XML_Parser xp, int rc)
{
    if (!x->failed)
        x->failed = rc;
    if (xp)
        XML_StopParser(xp, XML_FALSE);
}

/* ---- dates ---- */

int fk_xlsx_serial_text(double v, int date1904, char *out, size_t cap)
{
    double day = floor(v);
    int64_t days, secs, y;
    unsigned m, d;

    if (!(v >= 0) || v > 2958466.0) /* 9999-12-31 */
        return -1;
    secs = (int64_t)llround((v - day) * 86400.0);
    days = (int64_t)day;
    if (secs >= 86400) {
        secs -= 86400;
        days++;
    }
    if (date1904) {
        days += fk_days_from_civil(1904, 1, 1);
    } else if (days == 60) {
        /* Lotus 1-2-3's leap day, which Excel keeps so its serials match. */
        y = 1900, m = 2, d = 29;
        goto render;
    } else if (days == 0) {
        /* Excel shows serial 0 as 1900-01-00; the day before 1900-01-01 is the honest answer. */
        days = fk_days_from_civil(1899, 12, 31);
    } else {
        days += fk_days_from_civil(1899, 12, days < 60 ? 31 : 30);
    }
    fk_civil_from_days(days, &y, &m, &d);
render:
    if (secs)
        snprintf(out, cap, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", (long long)y, m, d,
                 (long long)(secs / 3600), (long long)(secs / 60 % 60), (long long)(secs % 60));
    else
        snprintf(out, cap, "%04lld-%02u-%02u", (long long)y, m, d);
    return 0;
}

int fk_xlsx_format_is_date(int id, const char *code)
{
    const char *p;

    if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47))
        return 1;
    if (!code)
        return 0;
    for (p = code; *p; p++) {
        switch (*p) {
        case '"': /* literal text */
            for (p++; *p && *p != '"'; p++)
                ;
            if (!*p)
                return 0;
            break;
        case '[': /* colour, condition, locale: [Red], [<=100], [$-804] */
            for (p++; *p && *p != ']'; p++)
                ;
            if (!*p)
                return 0;
            break;
        case '\\':
        case '_':
        case '*':
            if (p[1])
                p++;
            break;
        case 'y':
        case 'Y':
        case 'm':
        case 'M':
        case 'd':
        case 'D':
        case 'h':
        case 'H':
        case 's':
        case 'S': return 1;
        default: break;
        }
    }
    return 0;
}

/* ---- workbook.xml and its relationships ---- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name), *v;
    struct sheet_ref *s;

    if (strcmp(n, "workbookPr") == 0) {
        v = attr(atts, "date1904");
        x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
    } else if (strcmp(n, "sheet") == 0) {
        if (fk_vec_grow((void **)&x->sheets, &x->capsheets, x->nsheets + 1, sizeof *x->sheets) !=
            FK_OK) {
            fail(x, NULL, FK_ENOMEM);
            return;
        }
        s = &x->sheets[x->nsheets++];
        v = attr(atts, "name");
        s->name = strdup(v ? v : "");
        v = attr(atts, "id"); /* r:id */
        s->rid = strdup(v ? v : "");
        s->part = NULL;
        if (!s->name || !s->rid)
            fail(x, NULL, FK_ENOMEM);
    }
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct fk_xlsx *x = ud;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    char part[1024];
    size_t i;

    if (strcmp(local(name), "Relationship") != 0 || !id || !target)
        return;
    if (target[0] == '/')
        snprintf(part, sizeof part, "%s", target + 1);
    else
        snprintf(part, sizeof part, "xl/%s", target);
    for (i = 0; i < x->nsheets; i++) {
        if (strcmp(x->sheets[i].rid, id) == 0 && !x->sheets[i].part) {
            x->sheets[i].part = strdup(part);
            if (!x->sheets[i].part)
                fail(x, NULL, FK_ENOMEM);
        }
    }
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    (void)ud;
    (void)name;
}

static void XMLCALL no_text(void *ud, const XML_Char *s, int len)
{
    (void)ud;
    (void)s;
    (void)len;
}

/* ---- sharedStrings.xml: <si> holds <t>, or runs <r><t>; <rPh> is phonetic, left out ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name);

    (void)atts;
    if (strcmp(n, "si") == 0) {
        if (x->nsst >= SST_MAX) {
            set_err(x, "the workbook holds more than %u shared strings: refused", SST_MAX);
            fail(x, NULL, FK_ETOOBIG);
            return;
        }
        if (fk_vec_grow((void **)&x->sst, &x->capsst, x->nsst + 1, sizeof *x->sst) != FK_OK) {
            fail(x, NULL, FK_ENOMEM);
            return;
        }
        x->sst[x->nsst++] = x->sst_text.len;
        x->in_is = 1;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 1;
    } else if (strcmp(n, "t") == 0) {
        x->in_t = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name);

    if (strcmp(n, "si") == 0) {
        x->in_is = 0;
        if (fk_buf_putc(&x->sst_text, '\0') != FK_OK)
            fail(x, NULL, FK_ENOMEM);
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(n, "t") == 0) {
        x->in_t = 0;
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
    struct fk_xlsx *x = ud;

    if (x->in_is && x->in_t && !x->in_rph && fk_buf_append(&x->sst_text, s, (size_t)len) != FK_OK) {
        set_err(x, "the workbook's shared strings hold more than %u MiB: refused",
                (SST_MAX * 16u) >> 20);
        fail(x, NULL, FK_ETOOBIG);
    }
}

/* ---- styles.xml: <numFmts><numFmt numFmtId formatCode/>, <cellXfs><xf numFmtId/> ---- */

static int fmt_is_date(const struct fk_xlsx *x, int id)
{
    size_t i;

    for (i = 0; i < x->nfmt; i++)
        if (x->fmt_ids[i] == id)
            return x->fmt_date[i];
    return fk_xlsx_format_is_date(id, NULL);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name), *id = attr(atts, "numFmtId");

    if (strcmp(n, "cellXfs") == 0) {
        x->in_cell = 1;
    } else if (strcmp(n, "numFmt") == 0 && id) {
        if (fk_vec_grow((void **)&x->fmt_ids, &x->capfmt, x->nfmt + 1, sizeof *x->fmt_ids) !=
                FK_OK ||
            fk_vec_grow((void **)&x->fmt_date, &x->capfmt2, x->nfmt + 1, 1) != FK_OK) {
            fail(x, NULL, FK_ENOMEM);
            return;
        }
        x->fmt_ids[x->nfmt] = (int)strtol(id, NULL, 10);
        x->fmt_date[x->nfmt] =
            (unsigned char)fk_xlsx_format_is_date(x->fmt_ids[x->nfmt], attr(atts, "formatCode"));
        x->nfmt++;
    } else if (strcmp(n, "xf") == 0 && x->in_cell) {
        if (fk_vec_grow((void **)&x->xf_date, &x->capxf, x->nxf + 1, 1) != FK_OK) {
            fail(x, NULL, FK_ENOMEM);
            return;
        }
        x->xf_date[x->nxf++] = (unsigned char)(id && fmt_is_date(x, (int)strtol(id, NULL, 10)));
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
    struct fk_xlsx *x = ud;

    if (strcmp(local(name), "cellXfs") == 0)
        x->in_cell = 0;
}

/* ---- the sheet ---- */

/* The column (from 0) of cell reference ref ("C5" -> 2), or -1. */
static long ref_col(const char *ref)
{
    long c = 0;
    int n = 0;

    for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++)
        c = c * 26 + (*ref - 'A' + 1);
    return n == 0 || n > 3 ? -1 : c - 1;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name), *v;

    if (strcmp(n, "row") == 0) {
        v = attr(atts, "r");
        x->rownum = v ? strtoull(v, NULL, 10) : x->nextrow;
        x->nextrow = x->rownum + 1;
        x->nextcol = 0;
        x->ncells = 0;
        fk_buf_reset(&x->text);
    } else if (strcmp(n, "c") == 0) {
        long c = -1;

        v = attr(atts, "r");
        if (v)
            c = ref_col(v);
        snprintf(x->cref, sizeof x->cref, "%s", v ? v : "");
        x->col = c >= 0 ? (size_t)c : x->nextcol;
        x->nextcol = x->col + 1;
        v = attr(atts, "t");
        snprintf(x->ctype, sizeof x->ctype, "%s", v ? v : "n");
        v = attr(atts, "s");
        x->cstyle = v ? strtol(v, NULL, 10) : 0;
        x->in_cell = 1;
        fk_buf_reset(&x->val);
    } else if (strcmp(n, "v") == 0 && x->in_cell) {
        x->in_v = 1;
    } else if (strcmp(n, "is") == 0 && x->in_cell) {
        x->in_is = 1;
    } else if (strcmp(n, "t") == 0 && x->in_is) {
        x->in_t = 1;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 1;
    }
}

/* The text of the cell just read, into out (borrowed pointer into x or static). */
static int cell_value(struct fk_xlsx *x, const char **out, size_t *len, char *tmp, size_t cap)
{
    const char *v = x->val.data ? x->val.data : "";
    size_t n = x->val.len;
    char *end;

    *out = v;
    *len = n;
    if (strcmp(x->ctype, "s") == 0) {
        unsigned long long i = strtoull(v, &end, 10);

        if (n == 0 || *end || i >= x->nsst) {
            set_err(x,
                    "cell %s of row %llu names shared string '%.*s', which the workbook does "
                    "not have",
                    x->cref, (unsigned long long)x->rownum, (int)(n > 20 ? 20 : n), v);
            return FK_EINVAL;
        }
        *out = x->sst_text.data + x->sst[i];
        *len = strlen(*out);
    } else if (strcmp(x->ctype, "b") == 0) {
        *out = n == 1 && v[0] == '1' ? "TRUE" : "FALSE";
        *len = strlen(*out);
    } else if (strcmp(x->ctype, "n") == 0 && n && x->cstyle >= 0 && (size_t)x->cstyle < x->nxf &&
               x->xf_date[x->cstyle]) {
        double d = strtod(v, &end);

        if (!*end && fk_xlsx_serial_text(d, x->date1904, tmp, cap) == 0) {
            *out = tmp;
            *len = strlen(tmp);
        }
    }
    return FK_OK;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
    struct fk_xlsx *x = ud;
    const char *n = local(name), *v;
    char tmp[40];
    size_t len, i;
    int rc;

    if (strcmp(n, "c") == 0 && x->in_cell) {
        x->in_cell = 0;
        if (x->col >= COLS_MAX) {
            set_err(x, "row %llu has a cell past column XFD", (unsigned long long)x->rownum);
            fail(x, x->xp, FK_ETOOBIG);
            return;
        }
        rc = cell_value(x, &v, &len, tmp, sizeof tmp);
        if (rc != FK_OK) {
            fail(x, x->xp, rc);
            return;
        }
        if (len == 0)
            return;
        if (fk_vec_grow((void **)&x->cells, &x->capcells, x->ncells + 1, sizeof *x->cells) !=
            FK_OK) {
            fail(x, x->xp, FK_ENOMEM);
            return;
        }
        x->cells[x->ncells].col = x->col;
        x->cells[x->ncells].off = x->text.len;
        x->cells[x->ncells].len = len;
        rc = fk_buf_append(&x->text, v, len);
        if (rc == FK_OK)
            rc = fk_buf_putc(&x->text, '\0');
        if (rc != FK_OK) {
            set_err(x, "row %llu holds more than 1 MiB of text", (unsigned long long)x->rownum);
            fail(x, x->xp, rc);
            return;
        }
        x->ncells++;
    } else if (strcmp(n, "v") == 0) {
        x->in_v = 0;
    } else if (strcmp(n, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(n, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(n, "rPh") == 0) {
        x->in_rph = 0;
    } else if (strcmp(n, "row") == 0 && x->ncells) {
        size_t ncols = 0;

        for (i = 0; i < x->ncells; i++)
            if (x->cells[i].col + 1 > ncols)
                ncols = x->cells[i].col + 1;
        if (fk_vec_grow((void **)&x->fields, &x->capfields, ncols, sizeof *x->fields) != FK_OK) {
            fail(x, x->xp, FK_ENOMEM);
            return;
        }
        for (i = 0; i < ncols; i++)
            x->fields[i] = (fk_slice){"", 0};
        for (i = 0; i < x->ncells; i++)
            x->fields[x->cells[i].col] =
                (fk_slice){x->text.data + x->cells[i].off, x->cells[i].len};
        x->nfields = ncols;
        x->line = x->rownum;
        x->row_ready = 1;
        XML_StopParser(x->xp, XML_TRUE);
    }
}

static void XMLCALL sheet_text(void *ud, const XML_Char *s, int len)
{
    struct fk_xlsx *x = ud;

    if (!(x->in_v || (x->in_is && x->in_t && !x->in_rph)))
        return;
    if (fk_buf_append(&x->val, s, (size_t)len) != FK_OK) {
        set_err(x, "row %llu has a cell of more than 1 MiB", (unsigned long long)x->rownum);
        fail(x, x->xp, FK_ETOOBIG);
    }
}

/* ---- open, next, close ---- */

static int sheet_list(const struct fk_xlsx *x, char *out, size_t cap)
{
    size_t i, len = 0;

    out[0] = '\0';
    for (i = 0; i < x->nsheets && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s'%s'", i ? ", " : "", x->sheets[i].name);
    return 0;
}

/* Says what a file that libzip cannot open is. */
static int not_a_workbook(const char *path, char *err, size_t errlen)
{
    unsigned char head[8];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, head, sizeof head) : -1;

    if (fd >= 0)
        close(fd);
    if (n == 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        snprintf(err, errlen,
                 "%s is an old Excel workbook (.xls), which fangkong does not read: "
                 "save it as .xlsx or .csv",
                 path);
    else
        snprintf(err, errlen,
                 "%s is not an .xlsx workbook (not a zip archive): save it as .xlsx "
                 "or .csv",
                 path);
    return FK_EINVAL;
}

int fk_xlsx_open(const char *path, const char *sheet, fk_xlsx **out, char *err, size_t errlen)
{
    struct fk_xlsx *x = NULL;
    struct stat sb;
    char names[300];
    size_t i;
    int zerr = 0, rc;

    *out = NULL;
    if (stat(path, &sb) != 0) {
        snprintf(err, errlen, "%s cannot be opened: %s", path, strerror(errno));
        return errno == ENOENT ? FK_ENOENT : FK_EIO;
    }
    rc = fk_dynlib_open(&libzip, err, errlen);
    if (rc != FK_OK)
        return rc;
    x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    fk_buf_init(&x->sst_text, (size_t)SST_MAX * 16);
    fk_buf_init(&x->val, ROW_MAX);
    fk_buf_init(&x->text, ROW_MAX);
    x->zip = sym_zip_open(path, ZIP_RDONLY, &zerr);
    if (!x->zip) {
        rc = zerr == ZIP_ER_NOZIP || zerr == ZIP_ER_INCONS ? not_a_workbook(path, err, errlen)
                                                           : FK_EIO;
        if (rc == FK_EIO)
            snprintf(err, errlen, "%s cannot be opened as an .xlsx workbook (zip error %d)", path,
                     zerr);
        goto out;
    }
    rc = parse_entry(x, "xl/workbook.xml", wb_start, no_end, no_text);
    if (rc == FK_ENOENT)
        set_err(x,
                "%s is a zip archive but not an .xlsx workbook (it has no xl/workbook.xml): "
                "save it as .xlsx or .csv",
                path);
    if (rc == FK_ENOENT)
        rc = FK_EINVAL;
    if (rc == FK_OK)
        rc = parse_entry(x, "xl/_rels/workbook.xml.rels", rels_start, no_end, no_text);
    if (rc != FK_OK)
        goto fail;
    if (x->nsheets == 0) {
        set_err(x, "%s has no sheet", path);
        rc = FK_EINVAL;
        goto fail;
    }
    for (i = 0; i < x->nsheets && sheet; i++)
        if (strcmp(x->sheets[i].name, sheet) == 0)
            break;
    if (sheet && i == x->nsheets) {
        sheet_list(x, names, sizeof names);
        set_err(x, "%s has no sheet named '%s'; its sheets are %s", path, sheet, names);
        rc = FK_EINVAL;
        goto fail;
    }
    x->sheet = &x->sheets[sheet ? i : 0];
    if (!x->sheet->part) {
        set_err(x, "%s: sheet '%s' has no part in the workbook's relationships", path,
                x->sheet->name);
        rc = FK_EINVAL;
        goto fail;
    }
    rc = parse_entry(x, "xl/sharedStrings.xml", sst_start, sst_end, sst_text);
    if (rc == FK_OK || rc == FK_ENOENT) {
        x->in_is = x->in_t = x->in_rph = x->in_cell = 0;
        rc = parse_entry(x, "xl/styles.xml", styles_start, styles_end, no_text);
    }
    x->in_cell = 0;
    if (rc != FK_OK && rc != FK_ENOENT)
        goto fail;
    rc = open_entry(x, x->sheet->part, &x->zf, &x->zf_size);
    if (rc == FK_ENOENT)
        set_err(x, "%s: the part of sheet '%s' (%s) is missing", path, x->sheet->name,
                x->sheet->part);
    if (rc == FK_ENOENT)
        rc = FK_EINVAL;
    if (rc != FK_OK)
        goto fail;
    rc = FK_ENOMEM;
    x->chunk = malloc(CHUNK);
    x->xp = XML_ParserCreate("UTF-8");
    if (!x->chunk || !x->xp) {
        set_err(x, "out of memory");
        goto fail;
    }
    XML_SetUserData(x->xp, x);
    XML_SetElementHandler(x->xp, sheet_start, sheet_end);
    XML_SetCharacterDataHandler(x->xp, sheet_text);
    XML_SetStartDoctypeDeclHandler(x->xp, no_doctype);
    x->nextrow = 1;
    x->failed = 0;
    *out = x;
    return FK_OK;
fail:
    snprintf(err, errlen, "%s", x->err[0] ? x->err : "out of memory");
out:
    fk_xlsx_close(x);
    return rc;
}

int fk_xlsx_next(fk_xlsx *x)
{
    enum XML_Status st;
    int64_t n;

    if (x->failed)
        return x->failed;
    for (;;) {
        if (x->suspended) {
            st = XML_ResumeParser(x->xp);
        } else if (x->eof) {
            return 0;
        } else {
            n = read_entry(x, x->zf, &x->zf_read, x->zf_size, x->chunk, CHUNK);
            if (n < 0)
                return x->failed = (int)n;
            x->eof = n == 0;
            st = XML_Parse(x->xp, x->chunk, (int)n, x->eof);
        }
        if (st == XML_STATUS_ERROR) {
            if (x->failed)
                return x->failed;
            set_err(x, "sheet '%s' is not well-formed XML (line %lu: %s)", x->sheet->name,
                    (unsigned long)XML_GetCurrentLineNumber(x->xp),
                    XML_ErrorString(XML_GetErrorCode(x->xp)));
            return x->failed = FK_EINVAL;
        }
        x->suspended = st == XML_STATUS_SUSPENDED;
        if (x->row_ready) {
            x->row_ready = 0;
            return 1;
        }
        if (x->failed)
            return x->failed;
    }
}

size_t fk_xlsx_nfields(const fk_xlsx *x)
{
    return x->nfields;
}

fk_slice fk_xlsx_field(const fk_xlsx *x, size_t i)
{
    return i < x->nfields ? x->fields[i] : (fk_slice){"", 0};
}

uint64_t fk_xlsx_line(const fk_xlsx *x)
{
    return x->line;
}

const char *fk_xlsx_error(const fk_xlsx *x)
{
    return x->err;
}

uint64_t fk_xlsx_offset(const fk_xlsx *x)
{
    return x->zf_read;
}

uint64_t fk_xlsx_size(const fk_xlsx *x)
{
    return x->zf_size;
}

const char *fk_xlsx_sheet(const fk_xlsx *x)
{
    return x->sheet ? x->sheet->name : "";
}

void fk_xlsx_close(fk_xlsx *x)
{
    size_t i;

    if (!x)
        return;
    if (x->xp)
        XML_ParserFree(x->xp);
    if (x->zf)
        sym_zip_fclose(x->zf);
    if (x->zip)
        sym_zip_discard(x->zip);
    for (i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].rid);
        free(x->sheets[i].part);
    }
    free(x->sheets);
    fk_buf_fini(&x->sst_text);
    free(x->sst);
    free(x->xf_date);
    free(x->fmt_ids);
    free(x->fmt_date);
    free(x->chunk);
    fk_buf_fini(&x->val);
    fk_buf_fini(&x->text);
    free(x->cells);
    free(x->fields);
    free(x);
}
