/* SPDX-License-Identifier: MIT */
/* libFuzzer target for lib/domain/idcard.c: checks arbitrary bytes as each document type and holds
 * the check to what it promises. The first input byte picks the type and the room given for the
 * reason. A refused ID always says why, in a NUL-terminated reason that fits; an accepted
 * resident ID is 18 characters, 17 digits and the check character fk_id_check_char computes;
 * normalising an ID that fits is idempotent and never changes whether a trimmed upper-case ID is accepted. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fk/error.h"
#include "fk/idcard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = {0, 1, 8, 256};
    enum fk_id_type t;
    const char *id;
    char reason[256 + 1], norm[64], norm2[64];
    size_t n, cap, ln, ln2;
    int rc;

    if (size < 1)
        return 0;
    t = (enum fk_id_type)(data[0] % 5);
    cap = caps[(data[0] >> 3) & 3];
    id = (const char *)data + 1;
    n = size - 1;
    memset(reason, 0x55, sizeof reason);
    rc = fk_id_check(id, n, t, cap ? reason : NULL, cap);
    check(rc == FK_OK || rc == FK_EINVAL);
    check(reason[cap] == 0x55); /* never past the room it was given */
    if (cap) {
        check(memchr(reason, '\0', cap) != NULL);
        check(rc == FK_OK ? reason[0] == '\0' : cap == 1 || reason[0] != '\0');
    }
    if (rc == FK_OK && t == FK_ID_RESIDENT) {
        char c;
        size_t i;

        check(n == 18);
        for (i = 0; i < 17; i++)
            check(id[i] >= '0' && id[i] <= '9');
        c = fk_id_check_char(id);
        check(c == id[17] || (c == 'X' && id[17] == 'x'));
    }
    ln = fk_id_normalize(id, n, norm, sizeof norm);
    check(ln < sizeof norm && norm[ln] == '\0');
    if (ln + 1 < sizeof norm) { /* not cut short (a cut may end in a space) */
        ln2 = fk_id_normalize(norm, ln, norm2, sizeof norm2);
        check(ln2 == ln && memcmp(norm, norm2, ln) == 0);
    }
    if (n < sizeof norm && rc == FK_OK)
        check(fk_id_check(norm, ln, t, NULL, 0) == FK_OK);
    return 0;
}
