/* SPDX-License-Identifier: MIT */
/* Request bodies and integer parameters, checked strictly (body.h). No libmicrohttpd here: the
 * server's handlers reach these through req_json_object and req_int in http.c, and the fuzz
 * target calls them directly. */
#include "body.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/str.h"

int body_json_object(const char *data, size_t len, json_t **out, char *why, size_t cap)
{
    json_error_t je;
    json_t *j;

    *out = NULL;
    if (!len) {
        snprintf(why, cap, "the request has no body");
        return FK_EINVAL;
    }
    j = json_loadb(data, len, 0, &je);
    if (!j || !json_is_object(j)) {
        snprintf(why, cap, "the body is not a JSON object: %s", j ? "an array or a value" : je.text);
        json_decref(j);
        return FK_EINVAL;
    }
    *out = j;
    return FK_OK;
}

int body_int(const json_t *j, const char *key, int64_t min, int64_t max, int64_t def,
             int64_t *out, char *why, size_t cap)
{
    const json_t *v = json_object_get(j, key);
    json_int_t n;

    if (!v || json_is_null(v)) {
        *out = def;
        return FK_OK;
    }
    n = json_is_integer(v) ? json_integer_value(v) : 0;
    if (!json_is_integer(v) || n < min || n > max) {
        snprintf(why, cap, "%s must be a whole number from %lld to %lld", key, (long long)min,
                 (long long)max);
        return FK_EINVAL;
    }
    *out = (int64_t)n;
    return FK_OK;
}

int arg_int(const char *name, const char *s, int64_t min, int64_t max, int64_t def, int64_t *out,
            char *why, size_t cap)
{
    if (!s) {
        *out = def;
        return FK_OK;
    }
    if (fk_parse_int((fk_slice){s, strlen(s)}, min, max, out) != FK_OK) {
        snprintf(why, cap, "%s must be a whole number from %lld to %lld, not '%.40s'", name,
                 (long long)min, (long long)max, s);
        return FK_EINVAL;
    }
    return FK_OK;
}
