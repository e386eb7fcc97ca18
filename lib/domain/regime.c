/* SPDX-License-Identifier: MIT */
/* The rules of control (see fk/regime.h): names, test schedules, release and door rules. Pure. */
#include "fk/regime.h"

#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/screening.h"
#include "fk/time.h"

/* A name table: English first, then the Chinese a clerk writes. */
struct name {
    int value;
    const char *en, *zh1, *zh2;
};

static const struct name categories[] = {
    {FK_CTL_CASE, "case", "病例", "确诊"},
    {FK_CTL_CLOSE, "close", "密接", "密切接触者"},
    {FK_CTL_SECONDARY, "secondary", "次密接", "密接的密接"},
    {FK_CTL_COMPANION, "companion", "时空伴随", "时空伴随者"},
    {FK_CTL_ARRIVAL, "arrival", "入境", "来返人员"},
    {FK_CTL_RISK_AREA, "risk_area", "中高风险地区", "风险地区"},
    {FK_CTL_OTHER, "other", "其他", NULL},
    {FK_CTL_COLDCHAIN, "coldchain", "冷链", "冷链暴露"},
};
static const struct name places[] = {
    {FK_PLACE_CENTRALIZED, "centralized", "集中隔离", "集中"},
    {FK_PLACE_HOME, "home", "居家隔离", "居家"},
    {FK_PLACE_HOSPITAL, "hospital", "医院", "定点医院"},
    {FK_PLACE_MONITORING, "monitoring", "健康监测", "居家健康监测"},
};
static const struct name door_events[] = {
    {FK_DOOR_OPEN, "open", "开门", NULL},
    {FK_DOOR_CLOSE, "close", "关门", NULL},
    {FK_DOOR_OFFLINE, "offline", "离线", NULL},
    {FK_DOOR_TAMPER, "tamper", "破坏", "拆除"},
};
static const struct name levels[] = {
    {FK_RISK_HIGH, "high", "高风险", "高"},
    {FK_RISK_MEDIUM, "medium", "中风险", "中"},
    {FK_RISK_LOW, "low", "低风险", "低"},
};
static const struct name alert_kinds[] = {
    {FK_ALERT_DOOR_OPEN, "door_open", NULL, NULL},
    {FK_ALERT_DOOR_OFFLINE, "door_offline", NULL, NULL},
    {FK_ALERT_DOOR_TAMPER, "door_tamper", NULL, NULL},
    {FK_ALERT_POSITIVE, "positive", NULL, NULL},
    {FK_ALERT_SENTINEL, "sentinel", NULL, NULL},
    {FK_ALERT_COLDCHAIN, "coldchain", NULL, NULL},
    {FK_ALERT_CHECKIN_MISSED, "checkin_missed", NULL, NULL},
    {FK_ALERT_FEVER, "fever", NULL, NULL},
};
static const char *const alert_states[] = {"open", "acknowledged", "closed"};
static const char *const test_states[] = {"done", "due", "overdue", "upcoming"};

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

static const char *name_of(const struct name *t, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? t[v].en : "";
}

#define N(t) (sizeof t / sizeof t[0])

/* One parser and one namer per enumeration, over its table. */
#define NAMED_ENUM(type, table, parse, name)                                                    \
    int parse(fk_slice s, enum type *out)                                                       \
    {                                                                                           \
        int v = 0, rc = lookup(table, N(table), s, &v);                                         \
                                                                                                \
        *out = (enum type)v;                                                                    \
        return rc;                                                                              \
    }                                                                                           \
    const char *name(enum type x)                                                               \
    {                                                                                           \
        return name_of(table, N(table), (int)x);                                                \
    }

NAMED_ENUM(fk_ctl_category, categories, fk_ctl_category_parse, fk_ctl_category_name)
NAMED_ENUM(fk_ctl_place, places, fk_ctl_place_parse, fk_ctl_place_name)
NAMED_ENUM(fk_door_event, door_events, fk_door_event_parse, fk_door_event_name)
NAMED_ENUM(fk_risk_level, levels, fk_risk_level_parse, fk_risk_level_name)
NAMED_ENUM(fk_alert_kind, alert_kinds, fk_alert_kind_parse, fk_alert_kind_name)

const char *fk_alert_status_name(enum fk_alert_status s)
{
    return (int)s >= 0 && (size_t)s < N(alert_states) ? alert_states[s] : "";
}

const char *fk_test_state_name(enum fk_test_state s)
{
    return (int)s >= 0 && (size_t)s < N(test_states) ? test_states[s] : "";
}

const struct fk_regime *fk_regime_find(const struct fk_profile *p, const char *name)
{
    int i;

    if (!name || !*name)
        return NULL;
    for (i = 0; i < p->nregimes; i++)
        if (strcmp(p->regimes[i].name, name) == 0)
            return &p->regimes[i];
    return NULL;
}

const struct fk_regime *fk_regime_default(const struct fk_profile *p, enum fk_ctl_category c)
{
    if ((int)c < 0 || c >= FK_PROFILE_CATEGORIES)
        return NULL;
    return fk_regime_find(p, p->category_regime[c]);
}

/* 1 when the ';'-separated lists a and b share an item. */
static int share_tag(const char *a, const char *b)
{
    while (*a) {
        const char *end = strchr(a, ';');
        size_t n = end ? (size_t)(end - a) : strlen(a);
        fk_slice t = fk_slice_trim((fk_slice){a, n});
        const char *s = b;

        while (t.n && *s) {
            const char *e2 = strchr(s, ';');
            size_t m = e2 ? (size_t)(e2 - s) : strlen(s);
            fk_slice u = fk_slice_trim((fk_slice){s, m});

            if (u.n == t.n && memcmp(u.p, t.p, t.n) == 0)
                return 1;
            s += m + (e2 ? 1 : 0);
        }
        a += n + (end ? 1 : 0);
    }
    return 0;
}

const struct fk_regime *fk_regime_for_tags(const struct fk_profile *p, const char *tags)
{
    int i;

    if (!tags || !*tags)
        return NULL;
    for (i = 0; i < p->nregimes; i++)
        if (p->regimes[i].tags[0] && share_tag(p->regimes[i].tags, tags))
            return &p->regimes[i];
    return NULL;
}

int64_t fk_local_day(int64_t t)
{
    int64_t s = t + FK_TZ_OFFSET;

    return s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
}

/* The first sample time in days [first, last], or 0. samples is sorted. */
static int64_t sampled_in(const int64_t *samples, size_t n, int64_t first, int64_t last)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (fk_local_day(samples[mid]) < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && fk_local_day(samples[lo]) <= last ? samples[lo] : 0;
}

static void put_test(struct fk_test *out, size_t cap, size_t k, int64_t first, int64_t last,
                     int day, int64_t today, const int64_t *samples, size_t n)
{
    struct fk_test t = {first, last, day, FK_TEST_UPCOMING, 0};

    if (k >= cap)
        return;
    t.sampled = sampled_in(samples, n, first, last);
    if (t.sampled)
        t.state = FK_TEST_DONE;
    else if (last < today)
        t.state = FK_TEST_OVERDUE;
    else if (first <= today)
        t.state = FK_TEST_DUE;
    out[k] = t;
}

size_t fk_regime_tests(const struct fk_regime *r, int64_t start, int64_t end, int64_t today,
                       const int64_t *samples, size_t n, int recent, struct fk_test *out,
                       size_t cap)
{
    int64_t d0 = fk_local_day(start), stop = today, w, first;
    size_t k = 0;
    int d;

    if (end && fk_local_day(end) < stop)
        stop = fk_local_day(end);
    if (!r || stop < d0)
        return 0;
    if (r->every <= 0) {
        for (d = 0; d < 64; d++) {
            if (!(r->days >> d & 1) || d0 + d > stop)
                continue;
            put_test(out, cap, k++, d0 + d, d0 + d, d, today, samples, n);
        }
        return k;
    }
    w = (stop - d0) / r->every; /* the window holding stop */
    first = recent && w > 1 ? w - 1 : 0;
    for (; first <= w; first++) {
        int64_t a = d0 + first * r->every;

        put_test(out, cap, k++, a, a + r->every - 1, (int)(first * r->every), today, samples, n);
    }
    return k;
}

int fk_deadline_test(int64_t from, int64_t deadline, int64_t today, const int64_t *samples,
                     size_t n, struct fk_test *out)
{
    size_t i;

    if (deadline < from || fk_local_day(from) > today)
        return 0;
    *out = (struct fk_test){fk_local_day(from), fk_local_day(deadline), 0, FK_TEST_UPCOMING, 0};
    for (i = 0; i < n && !out->sampled; i++)
        if (samples[i] >= from && samples[i] <= deadline)
            out->sampled = samples[i];
    if (out->sampled)
        out->state = FK_TEST_DONE;
    else if (out->last < today)
        out->state = FK_TEST_OVERDUE;
    else
        out->state = FK_TEST_DUE;
    return 1;
}

int fk_release_ok(const struct fk_regime *r, int64_t start, int extra_days, int64_t at,
                  const int64_t *rtimes, const int *results, size_t n, char *why, size_t cap)
{
    int64_t day = fk_local_day(at) - fk_local_day(start);
    int duration = (r ? r->duration : 0) + extra_days, need = r ? r->release_negatives : 0, got = 0;
    size_t i;

    if (at < start) {
        snprintf(why, cap, "the release time is before the control started");
        return 0;
    }
    if (day < duration) {
        snprintf(why, cap, "day %lld of %d", (long long)day, duration);
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (rtimes[i] < start || rtimes[i] > at)
            continue;
        if (results[i] == FK_RESULT_POSITIVE) {
            snprintf(why, cap, "a positive result since the start");
            return 0;
        }
    }
    for (i = n; i-- > 0 && got < need;) {
        if (rtimes[i] < start || rtimes[i] > at)
            continue;
        if (results[i] != FK_RESULT_NEGATIVE)
            break;
        got++;
    }
    if (got < need) {
        snprintf(why, cap, "%d negative results in a row needed, %d so far", need, got);
        return 0;
    }
    if (cap)
        why[0] = '\0';
    return 1;
}

int fk_door_allowed(const struct fk_profile *p, int64_t t)
{
    int64_t s = (t + FK_TZ_OFFSET) % 86400;
    int m, i;

    if (s < 0)
        s += 86400;
    m = (int)(s / 60);
    for (i = 0; i < p->ndoor_windows; i++)
        if (m >= p->door_windows[i][0] && m < p->door_windows[i][1])
            return 1;
    return 0;
}

int fk_door_event_alert(const struct fk_profile *p, enum fk_door_event e, int64_t t, int home)
{
    if (e == FK_DOOR_TAMPER && home)
        return FK_ALERT_DOOR_TAMPER;
    if (e == FK_DOOR_OPEN && home == 1 && !fk_door_allowed(p, t))
        return FK_ALERT_DOOR_OPEN;
    return -1;
}

int fk_door_silent_too_long(const struct fk_profile *p, int64_t off, int64_t back)
{
    return back - off > (int64_t)p->door_offline_minutes * 60;
}

int fk_origin_in_area(const char *origin, const char *area)
{
    size_t n = strlen(area);

    return n > 0 && strncmp(origin, area, n) == 0;
}
