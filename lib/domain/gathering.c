/* SPDX-License-Identifier: MIT */
/* Gatherings, the pure part (fk/gathering.h): the kinds' names, the rule by the place's level on
 * the day, the decision a sign-off makes of one that needs it, and the reason in words. */
#include "fk/gathering.h"

#include <stdio.h>

#include "fk/error.h"
#include "fk/zone.h"

static const char *const kinds[FK_GATHERING_NKINDS] = {"meeting", "wedding", "funeral",
                                                       "exhibition", "training"};
static const char *const levels[FK_GATHERING_NLEVELS] = {"lockdown", "control", "precaution",
                                                         "none"};
static const char *const decisions[FK_GATHERING_NDECISIONS] = {"approve", "signoff", "refuse"};
static const char *const rules[FK_GATHERING_NRULES] = {"level", "within_cap", "over_max",
                                                       "no_online", "over_cap"};
static const char *const signoffs[FK_GATHERING_NSIGNOFFS] = {"", "approved", "refused"};

const char *fk_gathering_kind_name(int k)
{
    return k >= 0 && k < FK_GATHERING_NKINDS ? kinds[k] : "";
}

int fk_gathering_kind_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"会议", "婚礼", "婚宴", "葬礼", "丧事",
                                     "丧葬", "展会", "展览", "培训", NULL};
    static const int idx[] = {0, 1, 1, 2, 2, 2, 3, 3, 4};
    int i;

    s = fk_slice_trim(s);
    for (i = 0; i < FK_GATHERING_NKINDS; i++)
        if (fk_slice_eqi(s, kinds[i])) {
            *out = i;
            return FK_OK;
        }
    for (i = 0; zh[i]; i++)
        if (fk_slice_eq(s, zh[i])) {
            *out = idx[i];
            return FK_OK;
        }
    return FK_EINVAL;
}

const char *fk_gathering_level_name(int level)
{
    return level >= 0 && level < FK_GATHERING_NLEVELS ? levels[level] : "";
}

const char *fk_gathering_decision_name(int d)
{
    return d >= 0 && d < FK_GATHERING_NDECISIONS ? decisions[d] : "";
}

const char *fk_gathering_rule_name(int r)
{
    return r >= 0 && r < FK_GATHERING_NRULES ? rules[r] : "";
}

const char *fk_gathering_signoff_name(int s)
{
    return s >= 0 && s < FK_GATHERING_NSIGNOFFS ? signoffs[s] : "";
}

int fk_gathering_online_parse(fk_slice s, int *out)
{
    static const char *const yes[] = {"yes", "y", "1", "true", NULL};
    static const char *const no[] = {"no", "n", "0", "false", NULL};
    int i;

    s = fk_slice_trim(s);
    if (s.n == 0 || fk_slice_eq(s, "否")) {
        *out = 0;
        return FK_OK;
    }
    if (fk_slice_eq(s, "是")) {
        *out = 1;
        return FK_OK;
    }
    for (i = 0; yes[i]; i++)
        if (fk_slice_eqi(s, yes[i])) {
            *out = 1;
            return FK_OK;
        }
    for (i = 0; no[i]; i++)
        if (fk_slice_eqi(s, no[i])) {
            *out = 0;
            return FK_OK;
        }
    return FK_EINVAL;
}

void fk_gathering_judge(const struct fk_profile *p, int level, int kind, int64_t expected,
                        int online, struct fk_gathering_verdict *out)
{
    if (level < 0 || level >= FK_GATHERING_NLEVELS)
        level = FK_GATHERING_NORMAL;
    out->cap = p->gathering_cap[level];
    out->max = p->gathering_max[level];
    if (p->gathering_refuse[level]) {
        out->cap = -1;
        out->decision = FK_GATHERING_REFUSE;
        out->rule = FK_GATHERING_RULE_LEVEL;
    } else if (expected <= out->cap) {
        out->decision = FK_GATHERING_APPROVE;
        out->rule = FK_GATHERING_RULE_WITHIN;
    } else if (out->max && expected > out->max) {
        out->decision = FK_GATHERING_REFUSE;
        out->rule = FK_GATHERING_RULE_OVER_MAX;
    } else if (!online && kind >= 0 && kind < FK_GATHERING_NKINDS &&
               (p->gathering_online_kinds & (1u << kind))) {
        out->decision = FK_GATHERING_REFUSE;
        out->rule = FK_GATHERING_RULE_NO_ONLINE;
    } else {
        out->decision = FK_GATHERING_SIGNOFF;
        out->rule = FK_GATHERING_RULE_OVER_CAP;
    }
}

int fk_gathering_decided(const struct fk_gathering_verdict *v, int signoff)
{
    if (v->decision != FK_GATHERING_SIGNOFF)
        return v->decision;
    if (signoff == FK_GATHERING_SIGNOFF_APPROVED)
        return FK_GATHERING_APPROVE;
    if (signoff == FK_GATHERING_SIGNOFF_REFUSED)
        return FK_GATHERING_REFUSE;
    return FK_GATHERING_SIGNOFF;
}

char *fk_gathering_reason(const struct fk_gathering_verdict *v, int level, int kind,
                          int64_t expected, const char *zone, char *buf, size_t cap)
{
    const char *ln = level >= 0 && level < FK_ZONE_NLEVELS ? fk_zone_level_name(level) : "";

    if (!cap)
        return buf;
    switch (v->rule) {
    case FK_GATHERING_RULE_LEVEL:
        if (*ln)
            snprintf(buf, cap, "no gatherings in a %s zone%s%s%s", ln, zone && *zone ? " (" : "",
                     zone && *zone ? zone : "", zone && *zone ? ")" : "");
        else
            snprintf(buf, cap, "no gatherings outside the risk zones either");
        break;
    case FK_GATHERING_RULE_WITHIN:
        snprintf(buf, cap, "expected %lld <= cap %lld", (long long)expected, (long long)v->cap);
        break;
    case FK_GATHERING_RULE_OVER_MAX:
        snprintf(buf, cap, "expected %lld > max %lld", (long long)expected, (long long)v->max);
        break;
    case FK_GATHERING_RULE_NO_ONLINE:
        snprintf(buf, cap, "expected %lld > cap %lld and no online alternative considered for a %s",
                 (long long)expected, (long long)v->cap, fk_gathering_kind_name(kind));
        break;
    default:
        snprintf(buf, cap, "expected %lld > cap %lld: needs sign-off", (long long)expected,
                 (long long)v->cap);
        break;
    }
    return buf;
}
