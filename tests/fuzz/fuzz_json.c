/* SPDX-License-Identifier: MIT */
/* libFuzzer target for server/body.c, the step from a request body to checked input: the bytes
 * parsed as a JSON object (body_json_object), its integer fields read within bounds (body_int,
 * as depth and days are), and the same bytes as a query parameter (arg_int, as limit is). An
 * accepted body is an object that survives a dump and reload; a refused one says why; an
 * accepted integer is within its bounds, and the text of a query integer it accepts is the
 * number it gives. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "fk/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const char *key;
        int64_t min, max, def;
    } ints[] = {{"depth", 1, 2, 2}, {"days", 1, 366, 0}, {"limit", 1, 10000, 500},
                {"id", INT64_MIN, INT64_MAX, 0}};
    char why[256], *text = NULL, *dump = NULL;
    json_t *j = NULL, *again = NULL;
    int64_t v;
    size_t i;
    int rc;

    why[0] = '\0';
    rc = body_json_object((const char *)data, size, &j, why, sizeof why);
    if (rc != FK_OK) {
        check(rc == FK_EINVAL && j == NULL && why[0] != '\0');
    } else {
        check(j != NULL && json_is_object(j));
        for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            v = INT64_MIN + 7;
            why[0] = '\0';
            rc = body_int(j, ints[i].key, ints[i].min, ints[i].max, ints[i].def, &v, why,
                          sizeof why);
            if (rc == FK_OK)
                check(v == ints[i].def || (v >= ints[i].min && v <= ints[i].max));
            else
                check(rc == FK_EINVAL && strstr(why, ints[i].key) != NULL);
        }
        dump = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        if (dump) {
            again = json_loads(dump, 0, NULL);
            check(again != NULL && json_equal(j, again));
        }
    }
    /* The same bytes as a query value. */
    text = malloc(size + 1);
    if (!text)
        goto out;
    memcpy(text, data, size);
    text[size] = '\0';
    for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        v = INT64_MIN + 7;
        rc = arg_int(ints[i].key, text, ints[i].min, ints[i].max, ints[i].def, &v, why,
                     sizeof why);
        if (rc == FK_OK) {
            char back[32];
            const char *p = text;

            check(v >= ints[i].min && v <= ints[i].max);
            /* Digits only, after one optional sign and leading zeros: the text is the number. */
            snprintf(back, sizeof back, "%lld", (long long)v);
            check(v >= 0 || *p == '-');
            if (*p == '+' || *p == '-')
                p++;
            while (*p == '0' && p[1])
                p++;
            check(strcmp(p, back[0] == '-' ? back + 1 : back) == 0);
        } else {
            check(rc == FK_EINVAL && strstr(why, ints[i].key) != NULL);
        }
    }
out:
    free(text);
    free(dump);
    json_decref(again);
    json_decref(j);
    return 0;
}
