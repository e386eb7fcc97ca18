/* SPDX-License-Identifier: MIT */
/* Duty and zero reports, pure (see fk/report.h): unit kinds, report dates and a unit-day's
 * state. */
#include "fk/report.h"

#include <string.h>
#include <strings.h>

#include "fk/error.h"
#include "fk/time.h"

static const char *const kind_names[FK_UNIT_NKINDS] = {
    "township", "hospital", "clinic", "pharmacy", "school", "enterprise", "other",
};

/* Chinese names a file may use, with the kind each means. */
static const struct {
    const char *zh;
    int kind;
} kind_zh[] = {
    {"乡镇", FK_UNIT_TOWNSHIP}, {"街道", FK_UNIT_TOWNSHIP}, {"乡镇街道", FK_UNIT_TOWNSHIP},
    {"医院", FK_UNIT_HOSPITAL}, {"诊所", FK_UNIT_CLINIC},   {"卫生室", FK_UNIT_CLINIC},
    {"药店", FK_UNIT_PHARMACY}, {"学校", FK_UNIT_SCHOOL},   {"企业", FK_UNIT_ENTERPRISE},
    {"其他", FK_UNIT_OTHER},
};

const char *fk_unit_kind_name(int k)
{
    return k >= 0 && k < FK_UNIT_NKINDS ? kind_names[k] : "";
}

int fk_unit_kind_parse(fk_slice s, int *out)
{
    size_t i;

    s = fk_slice_trim(s);
    if (s.n == 0) {
        *out = FK_UNIT_OTHER;
        return FK_OK;
    }
    for (i = 0; i < FK_UNIT_NKINDS; i++)
        if (strlen(kind_names[i]) == s.n && strncasecmp(kind_names[i], s.p, s.n) == 0) {
            *out = (int)i;
            return FK_OK;
        }
    for (i = 0; i < sizeof kind_zh / sizeof kind_zh[0]; i++)
        if (strlen(kind_zh[i].zh) == s.n && memcmp(kind_zh[i].zh, s.p, s.n) == 0) {
            *out = kind_zh[i].kind;
            return FK_OK;
        }
    return FK_EINVAL;
}

const char *fk_report_state_name(enum fk_report_state s)
{
    switch (s) {
    case FK_REPORT_ON_TIME: return "on_time";
    case FK_REPORT_LATE: return "late";
    default: return "missing";
    }
}

int fk_report_date_parse(fk_slice s, int32_t *out)
{
    int64_t y = 0;
    unsigned m, d;
    size_t i;

    *out = 0;
    if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-')
        return FK_EINVAL;
    for (i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s.p[i] < '0' || s.p[i] > '9'))
            return FK_EINVAL;
    for (i = 0; i < 4; i++)
        y = y * 10 + (s.p[i] - '0');
    m = (unsigned)((s.p[5] - '0') * 10 + (s.p[6] - '0'));
    d = (unsigned)((s.p[8] - '0') * 10 + (s.p[9] - '0'));
    if (y < 1970 || !fk_date_valid(y, m, d))
        return FK_EINVAL;
    *out = (int32_t)fk_days_from_civil(y, m, d);
    return FK_OK;
}

int64_t fk_report_day_start(int32_t d)
{
    return (int64_t)d * 86400 - FK_TZ_OFFSET;
}

int32_t fk_report_day_of(int64_t t)
{
    int64_t l = t + FK_TZ_OFFSET;

    return (int32_t)(l >= 0 ? l / 86400 : (l - 86399) / 86400);
}

int64_t fk_report_deadline(int32_t d, int deadline_min)
{
    return fk_report_day_start(d) + (int64_t)deadline_min * 60;
}

enum fk_report_state fk_report_state_of(int reported, int32_t d, int64_t submitted,
                                        int deadline_min)
{
    if (!reported)
        return FK_REPORT_MISSING;
    if (submitted && submitted > fk_report_deadline(d, deadline_min))
        return FK_REPORT_LATE;
    return FK_REPORT_ON_TIME;
}

int32_t fk_report_days_silent(int32_t d, int32_t last, int32_t start)
{
    int32_t n;

    if (last >= 0 && last <= d)
        return d - last;
    n = d - start + 1;
    return n > 1 ? n : 1;
}
