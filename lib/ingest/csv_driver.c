/* SPDX-License-Identifier: MIT */
/* The file driver of ingest (fk/ingest.h): fk_import_file reads a CSV file through the CSV
 * reader (fk/csv.h), or an XLSX workbook (named .xlsx, or a zip archive) through the XLSX reader
 * (fk/xlsx.h, xlsx.c), and feeds its header and
 * rows to fk_import_begin/_row/_end; it keeps the rejects file (FILE.rejects.csv, marked, created
 * with O_EXCL and mode 0600 only when a row is rejected, stepping aside from files it did not
 * write) and reports progress. */
#include "fk/ingest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fk/buf.h"
#include "fk/csv.h"
#include "fk/error.h"
#include "fk/str.h"
#include "fk/vec.h"
#include "fk/xlsx.h"

#include "ahead.h"

/* Files from this size on are read ahead for their person look-ups (ahead.h): below it the
 * thread would cost more than it saves. */
static uint64_t ahead_min = 1u << 20;

void fk__ingest_set_ahead_min(uint64_t bytes)
{
    ahead_min = bytes;
}

static void (*rejects_settled)(const char *path);

void fk__ingest_on_rejects_settled(void (*fn)(const char *path))
{
    rejects_settled = fn;
}

/* The rejects file of one import: created when the first row is rejected. */
struct rejects {
    char path[4096];
    const char *input; /* the file imported, when the name is fangkong's to choose, else NULL */
    int k;             /* path is the k-th candidate name (candidate()) */
    int opened;
    FILE *f;
    int err; /* errno of the first failed write, or 0 */
    int failed;
    /* The last line written: an import that goes on after a lost connection reads the batch it
     * lost again, and its rejected rows are not written twice. */
    uint64_t last_line;
};

/* The k-th name (from 1) fangkong may give the rejects of input: FILE.rejects.csv,
 * FILE.rejects-2.csv, ... */
static void candidate(const char *input, int k, char *out, size_t cap)
{
    if (k == 1)
        snprintf(out, cap, "%s.rejects.csv", input);
    else
        snprintf(out, cap, "%s.rejects-%d.csv", input, k);
}

/* The reject callback: one line "line,reason,raw" per rejected row. */
static void reject_write(void *ud, uint64_t line, const char *reason, fk_slice raw)
{
    struct rejects *rj = ud;
    fk_buf b;
    int rc;

    if (rj->failed || line <= rj->last_line)
        return;
    rj->last_line = line;
    if (!rj->f) {
        /* O_EXCL: whatever came to this path since open_rejects() looked stays untouched. When
         * the name is ours to choose, a file that came there (another import of the same file
         * that rejected a row first) is stepped aside from, never removed: it is that import's. */
        int fd = open(rj->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

        while (fd < 0 && errno == EEXIST && rj->input && rj->k < 99) {
            candidate(rj->input, ++rj->k, rj->path, sizeof rj->path);
            fd = open(rj->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        }
        if (fd < 0)
            goto fail;
        rj->f = fdopen(fd, "w");
        if (!rj->f) {
            close(fd);
            goto fail;
        }
        rj->opened = 1;
        fputs(FK_REJECTS_HEADER, rj->f);
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_printf(&b, "%llu,", (unsigned long long)line);
    if (rc == FK_OK)
        rc = fk_buf_csv_text(&b, reason, strlen(reason));
    if (rc == FK_OK)
        rc = fk_buf_putc(&b, ',');
    if (rc == FK_OK)
        rc = fk_buf_csv_text(&b, raw.p, raw.n); /* clerks open it in a spreadsheet */
    if (rc == FK_OK)
        rc = fk_buf_putc(&b, '\n');
    if (rc == FK_OK && fwrite(b.data, 1, b.len, rj->f) != b.len)
        rc = FK_EIO;
    fk_buf_fini(&b);
    if (rc == FK_OK)
        return;
fail:
    rj->err = errno;
    rj->failed = 1;
}

/* 1 when the file at path is a regular file, not a link, that starts with FK_REJECTS_HEADER:
 * one that fangkong wrote. */
static int ours(const char *path)
{
    char head[sizeof FK_REJECTS_HEADER];
    struct stat sb;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC), yes = 0;

    if (fd < 0)
        return 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        n = read(fd, head, sizeof head - 1);
        yes = n == (ssize_t)(sizeof head - 1) &&
              memcmp(head, FK_REJECTS_HEADER, sizeof head - 1) == 0;
    }
    close(fd);
    return yes;
}

/* Settles where the rejects of importing input go (fk/ingest.h, "Rejects files"), into out:
 * asked, or the first of FILE.rejects.csv, FILE.rejects-2.csv, ... that is free or fangkong's.
 * A rejects file of fangkong's found there is an earlier run's and is removed now, so no stale
 * rejects mislead; the new one is created when the first row is rejected. Never the input,
 * never a file without the mark: FK_EINVAL when asked is one of those. *k is the candidate
 * settled on (0 when asked). */
static int open_rejects(const char *input, const char *asked, char *out, size_t cap, int *kp,
                        char *err, size_t errlen)
{
    struct stat in, sb;
    int k, same;

    if (stat(input, &in) != 0) {
        snprintf(err, errlen, "%s could not be examined: %s", input, strerror(errno));
        return FK_EIO;
    }
    for (k = 1; k < 100; k++) {
        *kp = asked ? 0 : k;
        if (asked)
            fk_strlcpy(out, asked, cap);
        else
            candidate(input, k, out, cap);
        if (lstat(out, &sb) != 0) {
            if (errno == ENOENT)
                return FK_OK;
            snprintf(err, errlen, "cannot look at the rejects file %s: %s", out, strerror(errno));
            return FK_EIO;
        }
        same = sb.st_dev == in.st_dev && sb.st_ino == in.st_ino;
        if (!same && ours(out)) {
            if (unlink(out) != 0 && errno != ENOENT) {
                snprintf(err, errlen, "cannot replace %s: %s", out, strerror(errno));
                return FK_EIO;
            }
            return FK_OK;
        }
        if (asked) {
            if (same)
                snprintf(err, errlen,
                         "the rejects file %s is the input file: give another "
                         "rejects path",
                         out);
            else
                snprintf(err, errlen,
                         "the rejects file %s exists and fangkong did not write it, "
                         "so it is left alone: give another rejects path, or move that file",
                         out);
            return FK_EINVAL;
        }
    }
    snprintf(err, errlen,
             "%s.rejects.csv to .rejects-99.csv all exist and fangkong wrote none "
             "of them: give a rejects path",
             input);
    return FK_EINVAL;
}

/* The reason for a record the CSV reader failed, naming the column when it can. */
static const char *csv_reason(fk_csv *csv, const fk_import *imp, char *out, size_t cap)
{
    size_t f, b;

    if (!fk_csv_error_place(csv, &f, &b))
        return fk_csv_error(csv);
    return fk_csv_error_named(csv, fk_import_field_name(imp, f), out, cap);
}

/* 1 when the file at path looks like an XLSX workbook: named .xlsx, or a regular file that is a
 * zip archive (a pipe is never sniffed: its bytes would be gone). */
static int is_xlsx(const char *path)
{
    size_t n = strlen(path);
    unsigned char head[4];
    struct stat sb;
    int fd, yes = 0;

    if (n >= 5 && strcasecmp(path + n - 5, ".xlsx") == 0)
        return 1;
    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return 0;
    yes = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && read(fd, head, 4) == 4 &&
          memcmp(head, "PK\x03\x04", 4) == 0;
    close(fd);
    return yes;
}

/* Where the rows come from: a CSV file or a sheet of a workbook. */
struct source {
    fk_csv *csv;
    fk_xlsx *x;
    fk_buf raw; /* XLSX: the row as a CSV line, for the rejects file */
};

static int src_next(struct source *s)
{
    return s->x ? fk_xlsx_next(s->x) : fk_csv_next(s->csv);
}

static size_t src_nfields(const struct source *s)
{
    return s->x ? fk_xlsx_nfields(s->x) : fk_csv_nfields(s->csv);
}

static fk_slice src_field(const struct source *s, size_t i)
{
    return s->x ? fk_xlsx_field(s->x, i) : fk_csv_field(s->csv, i);
}

static uint64_t src_line(const struct source *s)
{
    return s->x ? fk_xlsx_line(s->x) : fk_csv_line(s->csv);
}

static const char *src_error(const struct source *s)
{
    return s->x ? fk_xlsx_error(s->x) : fk_csv_error(s->csv);
}

/* The row as the input held it: the CSV line, or the sheet row's cells as one. */
static fk_slice src_raw(struct source *s)
{
    size_t i, n;

    if (!s->x)
        return fk_csv_raw(s->csv);
    fk_buf_reset(&s->raw);
    n = fk_xlsx_nfields(s->x);
    for (i = 0; i < n; i++) {
        fk_slice f = fk_xlsx_field(s->x, i);

        if ((i && fk_buf_putc(&s->raw, ',') != FK_OK) ||
            fk_buf_csv_field(&s->raw, f.p, f.n) != FK_OK)
            break;
    }
    return (fk_slice){s->raw.data ? s->raw.data : "", s->raw.len};
}

/* The import's person look-ups (fk_import_opts.find_person): the read-ahead's answer for the line
 * being imported when it has one, else the caller's own look-up. */
struct lookups {
    int (*find)(void *ud, const char *id_number, size_t n, int64_t *person, const char **grid);
    void *ud;
    fk_ahead *ahead;
    uint64_t line; /* the line being imported */
};

static int find_person(void *ud, const char *id, size_t n, int64_t *person, const char **grid)
{
    struct lookups *l = ud;
    int rc;

    if (l->ahead && fk_ahead_take(l->ahead, l->line, id, n, &rc, person, grid))
        return rc;
    return l->find(l->ud, id, n, person, grid);
}

/* Starts the read-ahead of a CSV file that is large, on a machine with a second core, for an
 * import that looks persons up by an ID-number column. Without it the import is the same, only
 * slower: a failure to start is not one. */
static void read_ahead(const char *path, const struct fk_csv_opts *copts, struct source *src,
                       fk_import *imp, struct lookups *l)
{
    struct fk_csv_opts o = *copts;
    struct stat sb;
    int f = fk_import_id_field(imp);

    if (!l->find || src->x || f < 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (uint64_t)sb.st_size < ahead_min || sysconf(_SC_NPROCESSORS_ONLN) < 2)
        return;
    /* The encoding the import's reader settled on at open, after reading the file whole: the
     * read-ahead need not read it whole again (0.5 s at 10 M). */
    o.encoding = fk_csv_encoding(src->csv);
    if (fk_ahead_start(path, &o, (size_t)f, l->find, l->ud, &l->ahead) != FK_OK)
        l->ahead = NULL;
}

static void src_progress(const struct source *s, const struct fk_import_opts *o, uint64_t rows)
{
    if (!o->progress)
        return;
    if (s->x)
        o->progress(o->progress_ud, fk_xlsx_offset(s->x), fk_xlsx_size(s->x), rows);
    else
        o->progress(o->progress_ud, fk_csv_offset(s->csv), fk_csv_size(s->csv), rows);
}

/* The rows of a CSV file or a workbook's sheet: header, then every record after line skip (the
 * ones before are stored already). again: an import going on, whose rejects file is settled. */
static int import_rows(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                       const char *path, const struct fk_import_opts *o, struct lookups *l,
                       struct rejects *rj, uint64_t skip, int again, struct fk_import_summary *sum,
                       char *err, size_t errlen)
{
    struct fk_csv_opts copts = {o->encoding, 0, 0};
    struct source src;
    const char **header = NULL;
    fk_import *imp = NULL;
    fk_slice *fields = NULL;
    size_t nf, f, capf = 0;
    uint64_t batches = 0;
    char reason[512];
    int rc, r;

    memset(&src, 0, sizeof src);
    fk_buf_init(&src.raw, 0);
    if (is_xlsx(path)) {
        rc = fk_xlsx_open(path, o->sheet, &src.x, err, errlen);
        if (rc != FK_OK)
            goto out;
        fk_strlcpy(sum->encoding, "xlsx", sizeof sum->encoding);
    } else {
        rc = fk_csv_open_path(path, &copts, &src.csv, err, errlen);
        if (rc != FK_OK)
            goto out;
        fk_strlcpy(sum->encoding, fk_csv_encoding(src.csv), sizeof sum->encoding);
    }
    r = src_next(&src);
    if (r == 0) {
        snprintf(err, errlen, "the %s is empty: a %s file starts with a header row: %s",
                 src.x ? "sheet" : "file", fk_import_type_name(t), fk_import_type_columns(t));
        rc = FK_EINVAL;
        goto out;
    }
    if (r < 0) {
        snprintf(err, errlen, "the header row cannot be read: %s", src_error(&src));
        rc = r == FK_EIO ? FK_EIO : r == FK_ETOOBIG && src.x ? FK_ETOOBIG : FK_EINVAL;
        goto out;
    }
    nf = src_nfields(&src);
    rc = FK_ENOMEM;
    header = calloc(nf ? nf : 1, sizeof *header);
    if (!header)
        goto out;
    for (f = 0; f < nf; f++)
        header[f] = src_field(&src, f).p; /* NUL-terminated in place */
    rc = fk_import_begin(st, p, t, o, header, nf, &imp, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (!again) {
        rc = open_rejects(path, o->rejects_path, rj->path, sizeof rj->path, &rj->k, err, errlen);
        if (rc != FK_OK)
            goto out;
        rj->input = o->rejects_path ? NULL : path;
        if (rejects_settled)
            rejects_settled(rj->path);
    }
    read_ahead(path, &copts, &src, imp, l);
    for (;;) {
        r = src_next(&src);
        if (r == 0)
            break;
        if (r == FK_EIO || (r < 0 && src.x)) {
            /* A workbook's failures are final: its XML or zip is broken. */
            snprintf(err, errlen, "reading %s near %s %llu: %s", path, src.x ? "row" : "line",
                     (unsigned long long)src_line(&src), src_error(&src));
            rc = r;
            goto out;
        }
        if (src_line(&src) <= skip)
            continue;
        if (r < 0) {
            rc = fk_import_bad_row(imp, src_line(&src),
                                   csv_reason(src.csv, imp, reason, sizeof reason), src_raw(&src));
        } else {
            nf = src_nfields(&src);
            if (nf > capf && fk_vec_grow((void **)&fields, &capf, nf, sizeof *fields) != FK_OK) {
                rc = FK_ENOMEM;
                snprintf(err, errlen, "out of memory");
                goto out;
            }
            for (f = 0; f < nf; f++)
                fields[f] = src_field(&src, f);
            l->line = src_line(&src);
            rc = fk_import_row(imp, l->line, fields, nf, src_raw(&src));
        }
        if (rc != FK_OK)
            break; /* fk_import_end says what */
        if (rj->failed) {
            snprintf(err, errlen, "cannot write the rejects file %s: %s", rj->path,
                     strerror(rj->err));
            rc = FK_EIO;
            goto out;
        }
        if (fk_import_counts(imp)->batches != batches) {
            batches = fk_import_counts(imp)->batches;
            if (rj->f && fflush(rj->f) != 0) {
                snprintf(err, errlen, "cannot write the rejects file %s: %s", rj->path,
                         strerror(errno));
                rc = FK_EIO;
                goto out;
            }
        }
        if ((fk_import_counts(imp)->read & 0xFFFF) == 0)
            src_progress(&src, o, fk_import_counts(imp)->read);
    }
    fk_ahead_stop(l->ahead);
    l->ahead = NULL;
    rc = fk_import_end(imp, sum, err, errlen);
    imp = NULL;
    if (rc != FK_OK)
        goto out;
    src_progress(&src, o, sum->read);
    /* The reader may settle on GB18030 past its first look when the head is all ASCII. */
    fk_strlcpy(sum->encoding, src.x ? "xlsx" : fk_csv_encoding(src.csv), sizeof sum->encoding);
out:
    fk_ahead_stop(l->ahead);
    l->ahead = NULL;
    fk_import_abort(imp);
    free(fields);
    free(header);
    fk_buf_fini(&src.raw);
    fk_xlsx_close(src.x);
    fk_csv_close(src.csv);
    return rc;
}

/* Adds the counts of b to a. */
static void add_counts(struct fk_import_summary *a, const struct fk_import_summary *b)
{
    a->read += b->read;
    a->accepted += b->accepted;
    a->updated += b->updated;
    a->duplicate += b->duplicate;
    a->rejected += b->rejected;
    a->batches += b->batches;
    a->alerts += b->alerts;
    a->changed_name += b->changed_name;
    a->changed_phone += b->changed_phone;
    a->changed_grid += b->changed_grid;
    a->changed_household += b->changed_household;
    a->changed_tags += b->changed_tags;
    a->changed_id_type += b->changed_id_type;
    a->changed_address += b->changed_address;
    if (b->kept_line > a->kept_line)
        a->kept_line = b->kept_line;
    fk_strlcpy(a->encoding, b->encoding, sizeof a->encoding);
}

/* How many times an import goes on after its store's connection was lost. */
#define RESUME_MAX 3

/* Whether an import that failed with rc goes on: its store's server went away (a database
 * failover; the store connects again, to a promoted standby, at its next call), and the type
 * counts every row as it is read (regions wait for their parents until the end). */
static int resumable(fk_store *st, enum fk_import_type t, int rc)
{
    return (rc == FK_EDB || rc == FK_EIO) && t != FK_IMPORT_REGIONS && fk_store_lost(st);
}

int fk_import_file(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const char *path, const struct fk_import_opts *o, struct fk_import_summary *sum,
                   char *err, size_t errlen)
{
    struct fk_import_opts io;
    struct lookups l = {NULL, NULL, NULL, 0};
    struct fk_import_summary kept, part;
    struct rejects rj;
    uint64_t skip = 0;
    int rc;

    memset(sum, 0, sizeof *sum);
    memset(&rj, 0, sizeof rj);
    if ((int)t < 0 || t >= FK_IMPORT_NTYPES) {
        snprintf(err, errlen, "unknown import type");
        return FK_EINVAL;
    }
    /* Refused before the file is opened: a refusal tells nothing of the path. */
    rc = fk_import_permitted(st, t, o ? o->actor : NULL, err, errlen);
    if (rc != FK_OK)
        return rc;
    if (o)
        io = *o;
    else
        memset(&io, 0, sizeof io);
    io.reject = reject_write;
    io.reject_ud = &rj;
    if (io.find_person) {
        l.find = io.find_person;
        l.ud = io.find_person_ud;
        io.find_person = find_person;
        io.find_person_ud = &l;
    }
    /* A batch a failover cut short is lost with the connection; the batches before it are
     * stored. The import goes on from the line after them on a new connection, as the same
     * import run again by hand would, but counting every row once. */
    io.kept = &kept;
    for (;;) {
        memset(&kept, 0, sizeof kept);
        memset(&part, 0, sizeof part);
        rc =
            import_rows(st, p, t, path, &io, &l, &rj, skip, rj.path[0] != '\0', &part, err, errlen);
        if (rc == FK_OK || sum->resumed >= RESUME_MAX || !resumable(st, t, rc)) {
            add_counts(sum, &part);
            break;
        }
        add_counts(sum, &kept);
        if (kept.batches) {
            skip = kept.kept_line;
            io.first_batch = NULL; /* its writes committed with the first batch */
        }
        sum->resumed++;
        fk_strlcpy(sum->resumed_why, err, sizeof sum->resumed_why);
    }
    if (rj.f && fclose(rj.f) != 0 && rc == FK_OK) {
        snprintf(err, errlen, "cannot write the rejects file %s", rj.path);
        rc = FK_EIO;
    }
    if (rc == FK_OK && rj.failed) {
        snprintf(err, errlen, "cannot write the rejects file %s: %s", rj.path, strerror(rj.err));
        rc = FK_EIO;
    }
    /* fk_import_end filled sum anew: the driver's own fields go back on. */
    if (rj.opened)
        fk_strlcpy(sum->rejects_path, rj.path, sizeof sum->rejects_path);
    return rc;
}
