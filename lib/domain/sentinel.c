/* SPDX-License-Identifier: MIT */
/* Sentinel kinds and the EARS C2 rule (see fk/sentinel.h). The engine counts, this judges.
 *
 * DESIGN NOTES
 * - The standard deviation is the sample one (divided by n - 1 = 6), as CDC's EARS C1-C3 use it;
 *   s_min keeps a flat baseline (sd 0) from firing on a single extra signal.
 * - A baseline day before the kind's data start is unknown, not zero: counting it as zero would
 *   make every region fire on the first days a new kind of sentinel reports. So the baseline rule
 *   needs all seven baseline days on or after the data start; until then only the fixed threshold
 *   fires. */
#include "fk/sentinel.h"

#include <math.h>
#include <string.h>

#include "fk/error.h"
#include "fk/time.h"

static const struct {
    const char *name, *zh, *zh2;
} kinds[FK_SEN_NKINDS] = {
    {"fever_clinic", "发热门诊", "发热哨点"}, {"pharmacy", "药店", "零售药店"},
    {"coldchain", "冷链", "进口冷链"},        {"station", "车站", "交通站点"},
    {"school", "学校", "学校哨点"},           {"other", "其他", "其它"},
};

int fk_sen_kind_parse(fk_slice s, enum fk_sen_kind *out)
{
    int i;

    s = fk_slice_trim(s);
    for (i = 0; i < FK_SEN_NKINDS; i++) {
        if (fk_slice_eqi(s, kinds[i].name) || fk_slice_eq(s, kinds[i].zh) ||
            fk_slice_eq(s, kinds[i].zh2)) {
            *out = (enum fk_sen_kind)i;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

const char *fk_sen_kind_name(int k)
{
    return k >= 0 && k < FK_SEN_NKINDS ? kinds[k].name : "";
}

const char *fk_sen_fires_name(int f)
{
    return f == FK_SEN_THRESHOLD ? "threshold" : f == FK_SEN_BASELINE ? "baseline" : "";
}

void fk_sen_eval(const struct fk_profile *p, int k, const int64_t *c, int have_days,
                 struct fk_sen_verdict *out)
{
    double sum = 0, ss = 0, s;
    int i;

    memset(out, 0, sizeof *out);
    if (k < 0 || k >= FK_SEN_NKINDS)
        return;
    out->count = c[FK_SEN_WINDOW - 1];
    if (have_days >= FK_SEN_WINDOW) {
        out->baseline = 1;
        for (i = 0; i < FK_SEN_BASE_DAYS; i++)
            sum += (double)c[i];
        out->mean = sum / FK_SEN_BASE_DAYS;
        for (i = 0; i < FK_SEN_BASE_DAYS; i++)
            ss += ((double)c[i] - out->mean) * ((double)c[i] - out->mean);
        out->sd = sqrt(ss / (FK_SEN_BASE_DAYS - 1));
    }
    if (p->sen_threshold[k] > 0 && out->count >= p->sen_threshold[k]) {
        out->fires = FK_SEN_THRESHOLD;
        return;
    }
    if (!out->baseline)
        return;
    s = out->sd > p->sen_s_min[k] ? out->sd : p->sen_s_min[k];
    if (s <= 0)
        s = 1e-9; /* s_min 0 and a flat baseline: any rise fires, no rise does not */
    if (((double)out->count - out->mean) / s > p->sen_k[k])
        out->fires = FK_SEN_BASELINE;
}

int64_t fk_sen_test_deadline(const struct fk_profile *p, int k, int64_t t)
{
    if (k == FK_SEN_PHARMACY)
        return p->pharmacy_test_hours > 0 ? t + (int64_t)p->pharmacy_test_hours * 3600 : 0;
    if (k == FK_SEN_FEVER_CLINIC && p->fever_clinic_test_days >= 0)
        return fk_local_day_start(t) + ((int64_t)p->fever_clinic_test_days + 1) * 86400 - 1;
    return 0;
}
