/* SPDX-License-Identifier: MIT */
/* What a request sends, checked before any handler acts on it: a JSON body parsed into an object,
 * and integers (JSON fields, query parameters) parsed strictly within their bounds. Kept apart
 * from libmicrohttpd so the fuzz target tests/fuzz/fuzz_json.c runs it on its own. */
#ifndef FK_SERVER_BODY_H
#define FK_SERVER_BODY_H

#include <stddef.h>
#include <stdint.h>

struct json_t;

/* Parses the len bytes at data as one JSON object. FK_OK with *out set (caller json_decref()s
 * it); FK_EINVAL with *out NULL and why saying what is wrong (empty, not JSON, not an object). */
int body_json_object(const char *data, size_t len, struct json_t **out, char *why, size_t cap);
/* The integer field key of the object j in *out: def when the field is absent or null; otherwise
 * it must be a JSON integer from min to max. FK_OK, or FK_EINVAL with why naming the field and
 * the range (a string, a fraction or 2^32 + 5 is never cut into something else). */
int body_int(const struct json_t *j, const char *key, int64_t min, int64_t max, int64_t def,
             int64_t *out, char *why, size_t cap);
/* The query parameter name with value s (NULL: absent, giving def) in *out, parsed by
 * fk_parse_int from min to max. FK_OK, or FK_EINVAL with why naming the parameter and range. */
int arg_int(const char *name, const char *s, int64_t min, int64_t max, int64_t def, int64_t *out,
            char *why, size_t cap);

#endif
