/* SPDX-License-Identifier: MIT */
/* The JSON driver of ingest (fk/ingest.h): fk_import_json feeds a JSON array of objects (or one
 * object) to fk_import_begin/_row/_end, one object a row, its keys the columns, and keeps the
 * rejected rows as a list of (row, reason) for an HTTP answer: no file is written. Used by
 * POST /api/v1/door_events and POST /api/v1/rows/{type}. */
#include "fk/ingest.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/str.h"
#include "fk/vec.h"

/* The rejects of one import, collected for the answer. */
struct problems {
    struct fk_import_problem *v;
    size_t n, cap;
    int nomem;
};

static void collect(void *ud, uint64_t line, const char *reason, fk_slice raw)
{
    struct problems *ps = ud;
    char *copy;

    (void)raw;
    if (ps->nomem)
        return;
    copy = fk_slice_dup((fk_slice){reason, strlen(reason)});
    if (!copy || fk_vec_grow((void **)&ps->v, &ps->cap, ps->n + 1, sizeof *ps->v) != FK_OK) {
        free(copy);
        ps->nomem = 1;
        return;
    }
    ps->v[ps->n].row = line;
    ps->v[ps->n].reason = copy;
    ps->n++;
}

void fk_import_problems_free(struct fk_import_problem *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(p[i].reason);
    free(p);
}

/* The shortest text of the double d that reads back as d: 0.1 as "0.1", not 0.10000000000000001. */
static void real_text(double d, char *out, size_t cap)
{
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, d);
        if (strtod(out, NULL) == d)
            return;
    }
}

static const char *kind_name(const json_t *v)
{
    if (json_is_boolean(v))
        return "true or false";
    if (json_is_array(v))
        return "an array";
    return "an object";
}

/* The header when the caller gives none: every key an object names, in the order first met.
 * The names are borrowed from j. FK_OK or FK_ENOMEM. */
static int keys_of(json_t *j, const char ***out, size_t *nout)
{
    const char **keys = NULL;
    size_t n = 0, cap = 0, i, k, rows = json_is_array(j) ? json_array_size(j) : 1;

    for (i = 0; i < rows; i++) {
        json_t *e = json_is_array(j) ? json_array_get(j, i) : j, *v;
        const char *key;

        if (!json_is_object(e))
            continue;
        json_object_foreach(e, key, v) {
            for (k = 0; k < n && strcmp(keys[k], key) != 0; k++)
                ;
            if (k < n)
                continue;
            if (fk_vec_grow((void **)&keys, &cap, n + 1, sizeof *keys) != FK_OK) {
                free(keys);
                return FK_ENOMEM;
            }
            keys[n++] = key;
        }
    }
    *out = keys;
    *nout = n;
    return FK_OK;
}

int fk_import_json(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const char *json, size_t n, const char *const *header, size_t ncols,
                   const struct fk_import_opts *o, struct fk_import_summary *sum,
                   struct fk_import_problem **problems, size_t *nproblems, char *err, size_t errlen)
{
    static const char *const none[1] = {""};
    struct fk_import_opts io;
    struct problems ps = {NULL, 0, 0, 0};
    json_error_t je;
    json_t *j = json_loadb(n ? json : "", n, 0, &je);
    const char **keys = NULL;
    fk_slice *fields = NULL;
    char(*nums)[32] = NULL;
    fk_import *imp = NULL;
    char reason[512];
    size_t rows, i, k;
    int rc;

    memset(sum, 0, sizeof *sum);
    *problems = NULL;
    *nproblems = 0;
    rc = fk_import_permitted(st, t, o ? o->actor : NULL, err, errlen);
    if (rc != FK_OK)
        goto out;
    if (!j || (!json_is_array(j) && !json_is_object(j))) {
        snprintf(err, errlen, "the body is not JSON%s%s", j ? "" : ": ", j ? "" : je.text);
        rc = FK_EINVAL;
        goto out;
    }
    rows = json_is_array(j) ? json_array_size(j) : 1;
    if (!header) {
        rc = keys_of(j, &keys, &ncols);
        if (rc != FK_OK) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        header = keys;
    }
    if (o)
        io = *o;
    else
        memset(&io, 0, sizeof io);
    io.reject = collect;
    io.reject_ud = &ps;
    /* No rows and no names: only the permission is checked. Rows without a key still need
     * their required columns. */
    if (!rows && !ncols)
        header = NULL;
    else if (!header)
        header = none;
    rc = fk_import_begin(st, p, t, &io, header, ncols, &imp, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = FK_ENOMEM;
    fields = calloc(ncols ? ncols : 1, sizeof *fields);
    nums = calloc(ncols ? ncols : 1, sizeof *nums);
    if (!fields || !nums) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = FK_OK;
    for (i = 0; i < rows && rc == FK_OK; i++) {
        json_t *e = json_is_array(j) ? json_array_get(j, i) : j;
        size_t len = 0;

        if (!json_is_object(e)) {
            rc = fk_import_bad_row(imp, i,
                                   "not a JSON object: each row is an object of column "
                                   "names and values",
                                   (fk_slice){"", 0});
            continue;
        }
        reason[0] = '\0';
        for (k = 0; k < ncols; k++) {
            json_t *v = json_object_get(e, header[k]);

            fields[k] = (fk_slice){"", 0};
            if (!v || json_is_null(v))
                continue;
            if (json_is_string(v)) {
                fields[k] = (fk_slice){json_string_value(v), json_string_length(v)};
            } else if (json_is_integer(v)) {
                snprintf(nums[k], sizeof nums[k], "%lld", (long long)json_integer_value(v));
                fields[k] = (fk_slice){nums[k], strlen(nums[k])};
            } else if (json_is_real(v)) {
                real_text(json_real_value(v), nums[k], sizeof nums[k]);
                fields[k] = (fk_slice){nums[k], strlen(nums[k])};
            } else {
                len += (size_t)snprintf(reason + len, len < sizeof reason ? sizeof reason - len : 0,
                                        "%s%s is %s: give text or a number", len ? "; " : "",
                                        header[k], kind_name(v));
                if (len >= sizeof reason)
                    len = sizeof reason - 1;
            }
        }
        if (reason[0])
            rc = fk_import_bad_row(imp, i, reason, (fk_slice){"", 0});
        else
            rc = fk_import_row(imp, i, fields, ncols, (fk_slice){"", 0});
    }
    rc = fk_import_end(imp, sum, err, errlen);
    imp = NULL;
    if (rc == FK_OK && ps.nomem) {
        snprintf(err, errlen, "out of memory");
        rc = FK_ENOMEM;
    }
    if (rc == FK_OK) {
        *problems = ps.v;
        *nproblems = ps.n;
        ps.v = NULL;
        ps.n = 0;
    }
out:
    fk_import_abort(imp);
    fk_import_problems_free(ps.v, ps.n);
    free(nums);
    free(fields);
    free(keys);
    json_decref(j);
    return rc;
}
