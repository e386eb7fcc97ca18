/* SPDX-License-Identifier: MIT */
/* Imports over HTTP: the body (raw CSV or .xlsx, or a multipart form with a "file" field and, for
 * a workbook, an optional "sheet" field) has been
 * streamed to a file by http.c; this runs the same fk_import_file as the command line, with the
 * caller's scope as a row filter, and keeps the rejects file for GET /api/v1/imports/{id}. The
 * rejects hold raw rows, so only the account that ran the import, or an admin, may fetch them: the
 * owner is written beside the file (ID.owner), so it holds across a restart. The import's audit
 * row is written with its first batch, so an import killed mid-way is on record; uploads are
 * deleted when done and swept at start, rejects expire after REJECTS_TTL (import_sweep). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

/* How long a rejects file (raw rows of residents) is kept for the clerk to fetch. */
#define REJECTS_TTL (24 * 3600)

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int has_suffix(const char *s, const char *x)
{
    size_t n = strlen(s), m = strlen(x);

    return n >= m && strcmp(s + n - m, x) == 0;
}

void import_sweep(const char *dir, int at_start, time_t now)
{
    char path[1400];
    struct dirent *d;
    struct stat sb;
    unsigned spool = 0, expired = 0;
    DIR *dp = opendir(dir);

    if (!dp)
        return;
    while ((d = readdir(dp)) != NULL) {
        const char *n = d->d_name;
        int is_spool = has_prefix(n, "upload-") || has_prefix(n, "door-") ||
                       (has_prefix(n, "export-") && has_suffix(n, ".xlsx"));
        int is_rejects = has_suffix(n, ".rejects.csv") || has_suffix(n, ".owner");

        if ((!is_spool || !at_start) && !is_rejects)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, n);
        if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        /* A door-events spool's own rejects file is a spool file too: it is read at once. */
        if (is_spool && at_start) {
            if (unlink(path) == 0)
                spool++;
        } else if (!is_spool && now - sb.st_mtime > REJECTS_TTL) {
            if (unlink(path) == 0)
                expired++;
        }
    }
    closedir(dp);
    if (spool)
        fprintf(stderr, "fangkong serve: removed %u upload file%s a stopped server left in %s\n",
                spool, spool == 1 ? "" : "s", dir);
    if (expired)
        fprintf(stderr, "fangkong serve: removed %u rejects file%s older than 24 h\n", expired,
                expired == 1 ? "" : "s");
}

/* Records the caller as the owner of the rejects of import id. FK_OK or FK_EIO. */
static int owner_put(struct req *r, const char *id)
{
    char path[1200];
    FILE *f;
    int rc = FK_OK;

    snprintf(path, sizeof path, "%s/%s.owner", srv_upload_dir(r), id);
    f = fopen(path, "wx");
    if (!f)
        return FK_EIO;
    if (fprintf(f, "%lld\n", (long long)r->who.id) < 0)
        rc = FK_EIO;
    if (fclose(f) != 0)
        rc = FK_EIO;
    if (rc != FK_OK)
        remove(path);
    return rc;
}

/* 1 when the caller may read the rejects of import id: an admin, or the account that ran it. An
 * import with no readable owner is an admin's only. */
static int owner_is_caller(struct req *r, const char *id)
{
    char path[1200], line[32];
    FILE *f;
    int mine = 0;

    if (r->who.role == FK_ROLE_ADMIN)
        return 1;
    snprintf(path, sizeof path, "%s/%s.owner", srv_upload_dir(r), id);
    f = fopen(path, "r");
    if (!f)
        return 0;
    if (fgets(line, sizeof line, f)) {
        char *end;
        long long v = strtoll(line, &end, 10);

        mine = end != line && (*end == '\n' || *end == '\0') && v == (long long)r->who.id;
    }
    fclose(f);
    return mine;
}

void api_import_post(struct req *r)
{
    enum fk_import_type type;
    struct fk_import_opts io;
    struct fk_actor actor = req_actor(r);
    struct fk_import_record rec;
    struct fk_import_snapshots snaps;
    struct fk_import_summary sum;
    char id[FK_TOKEN_HEX], rej[1200], err[1024], begun[160], rejects[96], paths[3][1100];
    fk_buf b;
    int rc;

    if (fk_import_type_parse(r->param, &type) != FK_OK) {
        char types[512];

        reply_error(r, 404, "not_found", fk_import_type_list(types, sizeof types),
                    "unknown import type '%s'", r->param);
        return;
    }
    if (r->upload_bytes == 0) {
        reply_error(r, 400, "bad_request", "send the CSV as the body, or as a form field 'file'",
                    "the upload is empty");
        return;
    }
    if (!srv_engine(r))
        return;
    import_sweep(srv_upload_dir(r), 0, time(NULL));
    fk_token_new(id);
    id[16] = '\0';
    snprintf(rej, sizeof rej, "%s/%s.rejects.csv", srv_upload_dir(r), id);
    memset(&io, 0, sizeof io);
    io.encoding = req_arg(r, "encoding");
    io.sheet = r->upload_sheet[0] ? r->upload_sheet : req_arg(r, "sheet"); /* .xlsx uploads */
    io.rejects_path = rej;
    /* The library checks the type and every row against the scope. The row of the first batch
     * says it began (an import killed mid-way is on record); the last says how it ended. */
    snprintf(begun, sizeof begun, "begun: %llu bytes uploaded as import %s",
             (unsigned long long)r->upload_bytes, id);
    snprintf(rejects, sizeof rejects, "; rejects %s", id);
    memset(&rec, 0, sizeof rec);
    rec.begun = begun;
    rec.done_action = "import.done";
    rec.done_suffix = rejects;
    /* Samples, results, scans, pings and cases extend the snapshots before the answer, so the
     * builder maps them rather than reading the store again (issue 19). */
    srv_import_snapshots(r, &snaps, paths);
    rec.snapshots = &snaps;
    rc = fk_import_run(srv_store(r), &actor, srv_profile(r), type, r->upload_path, &io, &rec, &sum,
                       err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    if (sum.rejected && owner_put(r, id) != FK_OK)
        fprintf(stderr, "fangkong serve: cannot record the owner of import %s: only admins "
                        "will read its rejects\n",
                id);
    srv_invalidate(r);
    fk_buf_init(&b, 0);
    fk_buf_printf(&b, "{\"type\":\"%s\",\"read\":%llu,\"accepted\":%llu,\"updated\":%llu,"
                  "\"duplicate\":%llu,\"rejected\":%llu,\"encoding\":\"%s\",",
                  fk_import_type_name(type), (unsigned long long)sum.read,
                  (unsigned long long)sum.accepted, (unsigned long long)sum.updated,
                  (unsigned long long)sum.duplicate, (unsigned long long)sum.rejected,
                  sum.encoding);
    /* Which fields the updates changed (persons), so a mass rename shows. */
    fk_buf_printf(&b,
                  "\"changed\":{\"name\":%llu,\"phone\":%llu,\"grid\":%llu,\"household\":%llu,"
                  "\"tags\":%llu,\"id_type\":%llu},\"rejects\":",
                  (unsigned long long)sum.changed_name, (unsigned long long)sum.changed_phone,
                  (unsigned long long)sum.changed_grid, (unsigned long long)sum.changed_household,
                  (unsigned long long)sum.changed_tags, (unsigned long long)sum.changed_id_type);
    if (sum.rejected)
        fk_buf_printf(&b, "\"/api/v1/imports/%s\"}\n", id);
    else
        fk_buf_puts(&b, "null}\n");
    reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
}

/* The first rejects shown as JSON, as many as the Import page lists. */
#define REJECTS_JSON_MAX 1000

/* The rejects file at path as {"rows":[{"line","reason","raw","messages"}…],"total":N} with at
 * most REJECTS_JSON_MAX rows (total counts them all): the reasons as codes with arguments too
 * (fk/msg.h), for a client in another language. */
static void rejects_json(struct req *r, const char *path)
{
    struct fk_csv_opts o = {"utf-8", 0, 0};
    fk_csv *c = NULL;
    fk_buf b;
    size_t n = 0;
    char err[256];
    int rc = fk_csv_open_path(path, &o, &c, err, sizeof err), got, first = 1;

    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    fk_buf_init(&b, 0);
    rc = fk_buf_puts(&b, "{\"rows\":[");
    while (rc == FK_OK && (got = fk_csv_next(c)) != 0) {
        fk_slice reason = fk_csv_field(c, 1);

        if (got < 0 || fk_csv_line(c) == 1 || fk_csv_nfields(c) < 3)
            continue; /* the header, or a line fangkong did not write */
        if (n++ >= REJECTS_JSON_MAX)
            continue;
        rc = fk_buf_puts(&b, first ? "\n{\"line\":" : ",\n{\"line\":");
        first = 0;
        if (rc == FK_OK)
            rc = fk_buf_printf(&b, "%llu", strtoull(fk_csv_field(c, 0).p, NULL, 10));
        if (rc == FK_OK)
            rc = fk_buf_puts(&b, ",\"reason\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(&b, reason.p);
        if (rc == FK_OK)
            rc = fk_buf_puts(&b, ",\"raw\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(&b, fk_csv_field(c, 2).p);
        if (rc == FK_OK)
            rc = fk_buf_puts(&b, ",\"messages\":");
        if (rc == FK_OK)
            rc = fk_msg_list_json(reason.p, reason.n, NULL, &b);
        if (rc == FK_OK)
            rc = fk_buf_putc(&b, '}');
    }
    if (rc == FK_OK)
        rc = fk_buf_printf(&b, "\n],\"total\":%zu}\n", n);
    fk_csv_close(c);
    if (rc != FK_OK)
        reply_fk(r, rc, "rejects: out of memory");
    else
        reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
}

void api_rejects_get(struct req *r)
{
    const char *fmt;
    char path[1200];
    struct stat sb;
    size_t i, n = strlen(r->param);
    int fd;

    for (i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)r->param[i]))
            break;
    }
    if (n != 16 || i != n) {
        reply_error(r, 404, "not_found", NULL, "no such import");
        return;
    }
    snprintf(path, sizeof path, "%s/%s.rejects.csv", srv_upload_dir(r), r->param);
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0 || time(NULL) - sb.st_mtime > REJECTS_TTL) {
        if (fd >= 0)
            close(fd);
        reply_error(r, 404, "not_found", "rejects are kept for 24 hours",
                    "no rejects for import %s", r->param);
        return;
    }
    if (!owner_is_caller(r, r->param)) {
        close(fd);
        reply_error(r, 403, "forbidden", "ask the account that ran the import, or an admin",
                    "the rejects of import %s are not yours", r->param);
        return;
    }
    fmt = req_arg(r, "format");
    if (fmt && strcmp(fmt, "json") == 0) {
        close(fd);
        rejects_json(r, path);
        return;
    }
    r->out_fd = fd;
    r->out_fd_size = (uint64_t)sb.st_size;
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
}

void reply_rows(struct req *r, const struct fk_import_summary *sum,
                const struct fk_import_problem *probs, size_t nprobs, int full)
{
    fk_buf b;
    size_t i;

    fk_buf_init(&b, 0);
    fk_buf_putc(&b, '{');
    if (full)
        fk_buf_printf(&b, "\"read\":%llu,", (unsigned long long)sum->read);
    fk_buf_printf(&b, "\"accepted\":%llu,", (unsigned long long)sum->accepted);
    if (full)
        fk_buf_printf(&b, "\"updated\":%llu,", (unsigned long long)sum->updated);
    fk_buf_printf(&b, "\"duplicate\":%llu,\"rejected\":%llu,\"alerts\":%llu,\"problems\":[",
                  (unsigned long long)sum->duplicate, (unsigned long long)sum->rejected,
                  (unsigned long long)sum->alerts);
    for (i = 0; i < nprobs; i++) {
        fk_buf_printf(&b, "%s{\"row\":%llu,\"reason\":", i ? "," : "",
                      (unsigned long long)probs[i].row);
        fk_buf_json_string(&b, probs[i].reason);
        /* The reasons as codes with arguments too (fk/msg.h), for a client in another
         * language: a reason no message fits comes as {"code":null,"text":…}. */
        fk_buf_puts(&b, ",\"messages\":");
        fk_msg_list_json(probs[i].reason, strlen(probs[i].reason), NULL, &b);
        fk_buf_putc(&b, '}');
    }
    fk_buf_puts(&b, "]}\n");
    reply_json(r, b.data, b.len);
    fk_buf_fini(&b);
}

/* POST /api/v1/rows/{type}: the rows of an import as JSON (an array of objects, or one object,
 * keys = the type's columns), through the same checks, permissions and scope as an import of
 * that type. The rejected rows come back in the answer (row = the object's index), no file is
 * kept. */
void api_rows_post(struct req *r)
{
    enum fk_import_type type;
    struct fk_import_problem *probs = NULL;
    struct fk_import_summary sum;
    struct fk_actor actor = req_actor(r);
    struct fk_import_record rec;
    struct fk_import_snapshots snaps;
    char err[1024], begun[96], paths[3][1100];
    size_t nprobs = 0;
    int rc;

    if (fk_import_type_parse(r->param, &type) != FK_OK) {
        char types[512];

        reply_error(r, 404, "not_found", fk_import_type_list(types, sizeof types),
                    "unknown import type '%s'", r->param);
        goto out;
    }
    if (!srv_engine(r))
        goto out;
    /* The library checks the type and every row against the scope; the row saying the import
     * began commits with its first batch, as for an import. */
    snprintf(begun, sizeof begun, "begun: %zu bytes of JSON rows", r->body.len);
    memset(&rec, 0, sizeof rec);
    rec.begun = begun;
    rec.done_action = "import.done";
    rec.done_prefix = "JSON rows: ";
    srv_import_snapshots(r, &snaps, paths);
    rec.snapshots = &snaps;
    rc = fk_import_run_json(srv_store(r), &actor, srv_profile(r), type, r->body.data, r->body.len,
                            NULL, 0, NULL, &rec, &sum, &probs, &nprobs, err, sizeof err);
    if (rc == FK_EINVAL) {
        reply_error(r, 400, "bad_request", "an object of column: value, or an array of them", "%s",
                    err);
        goto out;
    }
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        goto out;
    }
    srv_invalidate(r);
    reply_rows(r, &sum, probs, nprobs, 1);
out:
    fk_import_problems_free(probs, nprobs);
}

/* The routes of imports and their rejects (http.c walks this table; see struct route). */
static const struct fk_col type_cols[] = {
    {"type", FK_COL_TEXT},  {"title_zh", FK_COL_TEXT}, {"title_en", FK_COL_TEXT},
    {"import", FK_COL_INT}, {"export", FK_COL_INT},
};

/* GET /api/v1/types: every record type with its titles, whether the caller may import it (the
 * library's rule for its role and scope, fk_import_permitted) and export it (the same rule, a
 * type with an export, and the right to read persons), so the import page offers what the
 * server takes. */
static void api_types_get(struct req *r)
{
    struct fk_actor a = req_actor(r);
    fk_table *t = NULL;
    fk_store *st;
    char err[512];
    int rc, i;

    if (!(st = srv_store(r)))
        return;
    rc = fk_table_new(type_cols, 5, &t);
    for (i = 0; rc == FK_OK && i < FK_IMPORT_NTYPES; i++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)i);
        int may = fk_import_permitted(st, (enum fk_import_type)i, &a, err, sizeof err) == FK_OK;
        const char *v[5] = {rt->name, rt->title_zh, rt->title_en, may ? "1" : "0",
                            may && rt->nexport &&
                                    fk_role_can(r->who.role, FK_PERM_READ_PERSONS)
                                ? "1"
                                : "0"};

        rc = fk_table_add(t, v);
    }
    if (rc != FK_OK) {
        fk_table_free(t);
        reply_fk(r, rc, "out of memory");
        return;
    }
    reply_table(r, t, "types", -1);
}

const struct route api_import_routes[] = {
    {"GET", "/api/v1/types", api_types_get, FK_PERM_READ, 0},
    /* import/{type}: the library checks the type against the role (fk_import_opts.actor). */
    {"POST", "/api/v1/import/{}", api_import_post, FK_PERM_POST_RESULTS, 1},
    {"GET", "/api/v1/imports/{}", api_rejects_get, FK_PERM_POST_RESULTS, 0},
    {"POST", "/api/v1/rows/{}", api_rows_post, FK_PERM_POST_RESULTS, 0},
    {NULL, NULL, NULL, 0, 0},
};
