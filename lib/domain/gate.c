/* SPDX-License-Identifier: MIT */
/* Gate checks (fk/gate.h): the colour rule, the windows and the names. */
#include "fk/gate.h"

#include "fk/error.h"
#include "fk/idcard.h"

static const struct {
    const char *name, *zh, *zh2;
} types[FK_GATE_NTYPES] = {
    {"scenic", "景区", "旅游景区"},
    {"station", "车站", "交通站点"},
    {"other", "其他", "其它"},
};

enum fk_gate_colour fk_gate_check(const struct fk_gate_facts *f, int64_t window, int64_t now,
                                  enum fk_gate_reason *why)
{
    if (f->positive && f->positive <= now &&
        !(f->cleared && f->cleared >= f->positive && f->cleared <= now)) {
        *why = FK_GATE_POSITIVE;
        return FK_GATE_RED;
    }
    if (f->controlled) {
        *why = FK_GATE_CONTROLLED;
        return FK_GATE_RED;
    }
    if (f->lockdown) {
        *why = FK_GATE_LOCKDOWN;
        return FK_GATE_RED;
    }
    if (f->negative && f->negative <= now && now - f->negative <= window) {
        *why = FK_GATE_NEGATIVE;
        return FK_GATE_GREEN;
    }
    *why = FK_GATE_NO_TEST;
    return FK_GATE_YELLOW;
}

int64_t fk_gate_window(const struct fk_profile *p, enum fk_gate_type t)
{
    return (int64_t)p->gate_hours[(int)t >= 0 && t < FK_GATE_NTYPES ? t : FK_GATE_OTHER] * 3600;
}

int fk_gate_type_parse(fk_slice s, enum fk_gate_type *out)
{
    int i;

    s = fk_slice_trim(s);
    for (i = 0; i < FK_GATE_NTYPES; i++) {
        if (fk_slice_eqi(s, types[i].name) || fk_slice_eq(s, types[i].zh) ||
            fk_slice_eq(s, types[i].zh2)) {
            *out = (enum fk_gate_type)i;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

const char *fk_gate_type_name(int t)
{
    return t >= 0 && t < FK_GATE_NTYPES ? types[t].name : "";
}

const char *fk_gate_colour_name(int c)
{
    static const char *const names[] = {"green", "yellow", "red"};

    return c >= 0 && c < 3 ? names[c] : "";
}

const char *fk_gate_reason_name(int r)
{
    static const char *const names[FK_GATE_NREASONS] = {"negative", "no_test", "positive",
                                                        "controlled", "lockdown"};

    return r >= 0 && r < FK_GATE_NREASONS ? names[r] : "";
}

size_t fk_gate_id(const char *s, size_t n, char *out, size_t cap)
{
    size_t len, i, lead = 0; /* digits before the first letter */

    if (cap < 33 || n > 64)
        return 0;
    len = fk_id_normalize(s, n, out, cap);
    if (len == 0 || len > 32)
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];

        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
            return 0;
        if (lead == i && c >= '0' && c <= '9')
            lead++;
    }
    if (len == 18 && lead >= 17 && fk_id_check_char(out) != out[17])
        return 0;
    return len;
}
