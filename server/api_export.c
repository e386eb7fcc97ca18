/* SPDX-License-Identifier: MIT */
/* GET /api/v1/export/{type}?format=csv|xlsx: the records of a type with the columns its import
 * reads (fk_export_table), cut to the caller's scope, as a download. The caller's role must be
 * one that may import the type (the route itself asks for FK_PERM_READ_PERSONS: exports name
 * residents). Audited: who exported which type, how many rows, in which format. */
#include <string.h>

#include "server.h"

void api_export_get(struct req *r)
{
    const char *format = req_arg(r, "format");
    const struct fk_record_type *rt = fk_record_find(r->param);
    struct fk_actor a = req_actor(r);
    fk_table *t = NULL;
    char err[1024], types[512];
    fk_store *st;
    size_t n;
    int rc;

    if (!rt || !rt->nexport) {
        reply_error(r, 404, "not_found", fk_record_list(types, sizeof types, 1),
                    "%s export type '%s'", rt ? "no" : "unknown", r->param);
        return;
    }
    if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)) {
        reply_error(r, 400, "bad_request", "format=csv or format=xlsx",
                    "an export is a file: ask for format=csv or format=xlsx");
        return;
    }
    if (!(st = srv_store(r)))
        return;
    rc = fk_export_table(st, rt->id, &a, &t, err, sizeof err);
    if (rc != FK_OK) {
        reply_fk(r, rc, err);
        return;
    }
    n = fk_table_nrows(t);
    audit(r, "export", rt->name, "%zu rows as %s", n, format);
    reply_table(r, t, rt->name, -1);
}

/* The route of exports (http.c walks this table; see struct route). The role must also be one
 * that may import the type: api_export_get asks the library. */
const struct route api_export_routes[] = {
    {"GET", "/api/v1/export/{}", api_export_get, FK_PERM_READ_PERSONS, 0},
    {NULL, NULL, NULL, 0, 0},
};
