/* SPDX-License-Identifier: MIT */
/* Cold-chain event and result names (see fk/coldevent.h). Pure. */
#include "fk/coldevent.h"

#include <stddef.h>

#include "fk/error.h"

struct name {
    int value;
    const char *en, *zh1, *zh2;
};

static const struct name events[] = {
    {FK_COLD_ARRIVE, "arrive", "到港", "入境"},
    {FK_COLD_STORE, "store", "入库", "储存"},
    {FK_COLD_SAMPLE, "sample", "采样", NULL},
    {FK_COLD_RESULT, "result", "结果", "检测结果"},
    {FK_COLD_DISINFECT, "disinfect", "消杀", "消毒"},
    {FK_COLD_DISPATCH, "dispatch", "出库", "发货"},
    {FK_COLD_SELL, "sell", "销售", "售出"},
};
static const struct name results[] = {
    {FK_COLD_NEGATIVE, "negative", "阴性", NULL},
    {FK_COLD_POSITIVE, "positive", "阳性", NULL},
};

#define N(t) (sizeof t / sizeof t[0])

static int lookup(const struct name *t, size_t n, fk_slice s, int *out)
{
    size_t i;

    s = fk_slice_trim(s);
    for (i = 0; i < n; i++) {
        if (fk_slice_eqi(s, t[i].en) || (t[i].zh1 && fk_slice_eq(s, t[i].zh1)) ||
            (t[i].zh2 && fk_slice_eq(s, t[i].zh2))) {
            *out = t[i].value;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

int fk_cold_event_parse(fk_slice s, enum fk_cold_event *out)
{
    int v;

    if (lookup(events, N(events), s, &v) != FK_OK)
        return FK_EINVAL;
    *out = (enum fk_cold_event)v;
    return FK_OK;
}

const char *fk_cold_event_name(enum fk_cold_event e)
{
    return (int)e >= 0 && (size_t)e < N(events) ? events[e].en : "";
}

int fk_cold_result_parse(fk_slice s, enum fk_cold_result *out)
{
    int v;

    if (lookup(results, N(results), s, &v) != FK_OK)
        return FK_EINVAL;
    *out = (enum fk_cold_result)v;
    return FK_OK;
}

const char *fk_cold_result_name(enum fk_cold_result r)
{
    return r == FK_COLD_NEGATIVE ? "negative" : r == FK_COLD_POSITIVE ? "positive" : "";
}
