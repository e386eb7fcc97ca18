/* SPDX-License-Identifier: MIT */
/* libFuzzer target for lib/util/csv.c: reads arbitrary bytes to the end with fk_csv_open_mem and
 * fk_csv_next, and checks what every record promises (NUL-terminated fields that fit in the raw
 * text, a line that never goes back). The first two input bytes pick the encoding, small limits,
 * and whether a filler record pushes the rest of the input across the reader's first chunk
 * boundary, where carried-over state lives. Built with the other targets by tests/fuzz/CMakeLists.txt
 * when clang is present (FK_FUZZ); run by tests/fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fk/csv.h"
#include "fk/error.h"

#define FUZZ_CHUNK (256u * 1024u) /* CHUNK in lib/util/csv.c */
#define FUZZ_SNIFF (64u * 1024u)  /* SNIFF in lib/util/csv.c */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

static void check_record(const fk_csv *c)
{
    size_t i, n = fk_csv_nfields(c), sum = 0;
    fk_slice raw = fk_csv_raw(c);

    check(n >= 1);
    for (i = 0; i < n; i++) {
        fk_slice f = fk_csv_field(c, i);

        check(f.p != NULL && f.p[f.n] == '\0');
        sum += f.n;
    }
    /* Unquoting only removes bytes: the fields and their commas fit in the raw text. */
    check(sum + n - 1 <= raw.n);
    check(fk_csv_field(c, n).n == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *encodings[] = {NULL, "utf-8", "gb18030", "auto"};
    struct fk_csv_opts o = {NULL, 0, 0};
    fk_csv *c = NULL;
    char err[256], *buf = NULL;
    const char *p;
    size_t n, pad = 0;
    uint64_t last_line = 0;
    int rc;

    if (size < 2)
        return 0;
    o.encoding = encodings[data[0] & 3];
    if (data[0] & 4) {
        o.max_record = 1 + data[1] % 64;
        o.max_fields = 1 + data[1] % 8;
    }
    p = (const char *)data + 2;
    n = size - 2;
    if (data[0] & 8) {
        /* One long unquoted record ends just before the first read boundary, minus a shift. */
        size_t boundary =
            (data[0] & 3) == 1 || (data[0] & 3) == 2 ? FUZZ_CHUNK : FUZZ_SNIFF + FUZZ_CHUNK;

        pad = boundary - 1 - data[1] % 32;
        buf = malloc(pad + n);
        if (!buf)
            return 0;
        memset(buf, 'x', pad - 1);
        buf[pad - 1] = '\n';
        memcpy(buf + pad, p, n);
        p = buf;
        n += pad;
        o.max_record = 0;
    }
    rc = fk_csv_open_mem(p, n, &o, &c, err, sizeof err);
    if (rc != FK_OK) {
        check(c == NULL);
        goto out;
    }
    for (;;) {
        rc = fk_csv_next(c);
        if (rc == 0 || rc == FK_EIO || rc == FK_ENOMEM)
            break;
        check(fk_csv_line(c) > last_line);
        last_line = fk_csv_line(c);
        if (rc == 1) {
            check(fk_csv_error(c)[0] == '\0');
            check_record(c);
        } else {
            check(rc == FK_ETOOBIG || rc == FK_EINVAL);
            check(fk_csv_error(c)[0] != '\0');
            check(fk_csv_nfields(c) == 0);
        }
    }
    check(rc == 0);
    check(fk_csv_next(c) == 0);
    check(fk_csv_offset(c) == n);
out:
    fk_csv_close(c);
    free(buf);
    return 0;
}
