/* SPDX-License-Identifier: MIT */
/* Risk zones, the pure part (fk/zone.h): level names, which is stricter, and the lowering rule of
 * a zone review. No clock: the caller passes now. */
#include "fk/zone.h"

#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/regime.h"

static const char *const names[] = {"lockdown", "control", "precaution", "lifted"};
static const char *const names_zh[] = {"封控区", "管控区", "防范区", "解封"};

const char *fk_zone_level_name(int level)
{
    return level >= 0 && level <= FK_ZONE_LIFTED ? names[level] : "";
}

const char *fk_zone_level_zh(int level)
{
    return level >= 0 && level <= FK_ZONE_LIFTED ? names_zh[level] : "";
}

int fk_zone_level_parse(fk_slice s, int *out)
{
    static const char *const short_zh[] = {"封控", "管控", "防范"};
    int i;

    s = fk_slice_trim(s);
    for (i = 0; i < FK_ZONE_NLEVELS; i++) {
        if (fk_slice_eqi(s, names[i]) || fk_slice_eq(s, names_zh[i]) ||
            fk_slice_eq(s, short_zh[i])) {
            *out = i;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

int fk_zone_stricter(int a, int b)
{
    return a >= 0 && a < FK_ZONE_NLEVELS && (b < 0 || b >= FK_ZONE_NLEVELS || a < b);
}

int fk_zone_next(int level)
{
    return level >= 0 && level < FK_ZONE_NLEVELS ? level + 1 : -1;
}

int fk_zone_regions_split(fk_slice s, char (*out)[FK_ZONE_CODE_MAX], size_t cap, size_t *n)
{
    size_t i = 0, k;

    *n = 0;
    while (i < s.n) {
        fk_slice c;
        size_t j = i, d;
        int dup = 0;

        while (j < s.n && s.p[j] != ';' && s.p[j] != ',')
            j++;
        c = fk_slice_trim((fk_slice){s.p + i, j - i});
        i = j + 1;
        if (c.n == 0)
            continue;
        for (d = 0; d < c.n; d++)
            if (c.p[d] == ' ' || c.p[d] == '\t')
                break;
        if (*n >= cap)
            return FK_ETOOBIG;
        fk_slice_copy(out[*n], FK_ZONE_CODE_MAX, c);
        if (c.n >= FK_ZONE_CODE_MAX || d < c.n)
            return FK_EINVAL;
        for (k = 0; k < *n; k++)
            dup |= strcmp(out[k], out[*n]) == 0;
        if (!dup)
            (*n)++;
    }
    return FK_OK;
}

int64_t fk_zone_days_since(int64_t since, int64_t last_positive, int64_t now)
{
    int64_t from = fk_local_day(since), today = fk_local_day(now);

    if (last_positive && last_positive <= now && fk_local_day(last_positive) > from)
        from = fk_local_day(last_positive);
    return today > from ? today - from : 0;
}

void fk_zone_judge(const struct fk_profile *p, const struct fk_zone_facts *f,
                   struct fk_zone_verdict *out)
{
    int lv = f->level >= 0 && f->level < FK_ZONE_NLEVELS ? f->level : FK_ZONE_LOCKDOWN;

    memset(out, 0, sizeof *out);
    out->days = fk_zone_days_since(f->since, f->last_positive, f->now);
    out->to = fk_zone_next(lv);
    out->need = p->zone_days[lv];
    out->why = FK_ZONE_WHY_OK;
    if (out->days < out->need)
        out->why = FK_ZONE_WHY_DAYS;
    else if (p->zone_round[lv] && f->residents > 0) {
        if (!f->has_round)
            out->why = FK_ZONE_WHY_NO_ROUND;
        else if (!f->complete)
            out->why = FK_ZONE_WHY_INCOMPLETE;
        else if (!f->negative)
            out->why = FK_ZONE_WHY_POSITIVE;
        else if (f->unresulted)
            out->why = FK_ZONE_WHY_NO_RESULT;
    }
    out->may_lower = out->why == FK_ZONE_WHY_OK;
}

char *fk_zone_reason(const struct fk_zone_facts *f, const struct fk_zone_verdict *v,
                     const char *round, char *buf, size_t cap)
{
    char days[96];
    const char *rn = round && *round ? round : "";

    if (f->last_positive && fk_local_day(f->last_positive) >= fk_local_day(f->since))
        snprintf(days, sizeof days, "positive %lld days ago (need %lld without one)",
                 (long long)v->days, (long long)v->need);
    else
        snprintf(days, sizeof days, "%lld days at %s with no positive (need %lld)",
                 (long long)v->days, fk_zone_level_name(f->level), (long long)v->need);
    switch (v->why) {
    case FK_ZONE_WHY_OK:
        if (v->to == FK_ZONE_LIFTED || !rn[0] || f->residents == 0)
            snprintf(buf, cap, "%s: may be %s today", days,
                     v->to == FK_ZONE_LIFTED ? "lifted" : "lowered");
        else
            snprintf(buf, cap, "%s; round %s complete and negative: may go down to %s today", days,
                     rn, fk_zone_level_name(v->to));
        break;
    case FK_ZONE_WHY_DAYS: snprintf(buf, cap, "not yet: %s", days); break;
    case FK_ZONE_WHY_NO_ROUND:
        snprintf(buf, cap, "not yet: %s, but no screening round over the zone has ended", days);
        break;
    case FK_ZONE_WHY_INCOMPLETE:
        snprintf(buf, cap, "not yet: round %s missed %lld of the zone's %lld residents", rn,
                 (long long)f->missing, (long long)f->residents);
        break;
    case FK_ZONE_WHY_POSITIVE:
        snprintf(buf, cap, "not yet: round %s found %lld positive among the zone's residents", rn,
                 (long long)f->positives);
        break;
    default:
        snprintf(buf, cap, "not yet: %d residents sampled in round %s have no result yet",
                 f->unresulted, rn);
        break;
    }
    return buf;
}
