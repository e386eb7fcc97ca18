/* SPDX-License-Identifier: MIT */
/* libFuzzer target for lib/util/time.c: the parse -> render -> parse round trip. Any text that
 * fk_time_parse accepts names an instant; fk_time_render writes it in fewer than
 * FK_TIME_RENDER_MAX bytes, and parsing that again gives the same instant and renders the same
 * text. Inputs of 9 bytes starting with '#' instead name an instant directly (any second of the
 * years 0001 to 9999, local time, the years fk_time_parse takes), which must survive render ->
 * parse. A broken property traps,
 * which fails the run. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fk/error.h"
#include "fk/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

/* Render t, parse it back: the same instant, and the same text again. */
static void round_trip(int64_t t)
{
    char r1[FK_TIME_RENDER_MAX + 8], r2[FK_TIME_RENDER_MAX + 8], d[16];
    int64_t t2 = -1;
    size_t n;

    memset(r1, 0x55, sizeof r1);
    fk_time_render(t, r1);
    n = strnlen(r1, sizeof r1);
    check(n < FK_TIME_RENDER_MAX);
    check(fk_time_parse(r1, n, &t2) == FK_OK);
    check(t2 == t);
    fk_time_render(t2, r2);
    check(strcmp(r1, r2) == 0);
    /* The date is the first ten characters of the time. */
    fk_date_render(t, d);
    check(strlen(d) == 10 && memcmp(d, r1, 10) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t t = 0;

    if (size == 9 && data[0] == '#') {
        /* 0001-01-01T00:00:00 to 9999-12-31T23:59:59, local time. */
        int64_t lo = fk_days_from_civil(1, 1, 1) * 86400 - FK_TZ_OFFSET;
        int64_t hi = fk_days_from_civil(9999, 12, 31) * 86400 + 86399 - FK_TZ_OFFSET;
        uint64_t v = 0;
        size_t i;

        for (i = 1; i < 9; i++)
            v = v << 8 | data[i];
        round_trip(lo + (int64_t)(v % (uint64_t)(hi - lo + 1)));
        return 0;
    }
    if (fk_time_parse((const char *)data, size, &t) != FK_OK) {
        check(t == 0);
        return 0;
    }
    round_trip(t);
    return 0;
}
