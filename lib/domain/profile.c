/* SPDX-License-Identifier: MIT */
/* Profile parameters from INI text, parsed with inih's ini_parse_string (see fk/profile.h). The
 * table below is the single list of settings: name, place in the struct, bounds. */
#include "fk/profile.h"

#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/checkin.h"
#include "fk/gathering.h"
#include "fk/error.h"
#include "fk/regime.h"
#include "fk/request.h"
#include "fk/str.h"

static const struct setting {
    const char *section, *key;
    size_t offset;
    int min, max, def;
} settings[] = {
    {"screening", "tat_limit_hours", offsetof(struct fk_profile, tat_limit_hours), 1, 720, 12},
    {"screening", "coverage_target_pct", offsetof(struct fk_profile, coverage_target_pct), 1, 100,
     90},
    {"screening", "pool_min", offsetof(struct fk_profile, pool_min), 2, 1000, 2},
    {"import", "batch_rows", offsetof(struct fk_profile, batch_rows), 1, 10000000, 50000},
    {"trace", "lookback_days", offsetof(struct fk_profile, trace_lookback_days), 0, 60, 4},
    {"trace", "venue_window_minutes", offsetof(struct fk_profile, venue_window_minutes), 0, 1440,
     30},
    {"trace", "companion_slot_minutes", offsetof(struct fk_profile, companion_slot_minutes), 1,
     1440, 10},
    {"trace", "companion_days", offsetof(struct fk_profile, companion_days), 0, 60, 14},
    {"control", "door_offline_minutes", offsetof(struct fk_profile, door_offline_minutes), 1, 10080,
     30},
    {"control", "backcheck_days", offsetof(struct fk_profile, backcheck_days), 0, 60, 7},
    {"vaccine", "doses", offsetof(struct fk_profile, vaccine_doses), 1, 9, 2},
    {"score", "cap_pct", offsetof(struct fk_profile, score_cap_pct), 100, 1000, 100},
    {"score", "bonus_cap", offsetof(struct fk_profile, score_bonus_cap), 0, 100, 5},
    {"score", "excellent", offsetof(struct fk_profile, score_grade_min[0]), 1, 1000, 90},
    {"score", "good", offsetof(struct fk_profile, score_grade_min[1]), 1, 1000, 80},
    {"score", "fair", offsetof(struct fk_profile, score_grade_min[2]), 1, 1000, 60},
    /* issue 17, response timers (fk/incident.h) */
    {"incident", "onsite_minutes", offsetof(struct fk_profile, inc_onsite_minutes), 1, 10080, 30},
    {"incident", "activated_minutes", offsetof(struct fk_profile, inc_activated_minutes), 1, 10080,
     60},
    {"incident", "lock_hours", offsetof(struct fk_profile, inc_lock_hours), 1, 720, 24},
    {"incident", "lock_pct", offsetof(struct fk_profile, inc_lock_pct), 1, 100, 100},
    {"incident", "screen_hours", offsetof(struct fk_profile, inc_screen_hours), 1, 720, 72},
    /* issue 18, closed-loop transfers (fk/transfer.h) */
    {"transfer", "slack_minutes", offsetof(struct fk_profile, transfer_slack_minutes), 0, 10080,
     60},
    {"sentinel", "pharmacy_test_hours", offsetof(struct fk_profile, pharmacy_test_hours), 0, 720,
     48},
    {"sentinel", "fever_clinic_test_days", offsetof(struct fk_profile, fever_clinic_test_days), -1,
     30, 0},
    {"coldchain", "window_hours", offsetof(struct fk_profile, coldchain_window_hours), 0, 8760, 24},
    /* issue 18, gate checks (fk/gate.h), in enum fk_gate_type order */
    {"gate", "scenic_hours", offsetof(struct fk_profile, gate_hours[0]), 1, 720, 48},
    {"gate", "station_hours", offsetof(struct fk_profile, gate_hours[1]), 1, 720, 48},
    {"gate", "other_hours", offsetof(struct fk_profile, gate_hours[2]), 1, 720, 72},
    /* issue 18, risk zones (fk/zone.h), in enum fk_zone_level order */
    {"zone", "lockdown_days", offsetof(struct fk_profile, zone_days[0]), 1, 60, 7},
    {"zone", "control_days", offsetof(struct fk_profile, zone_days[1]), 1, 60, 3},
    {"zone", "precaution_days", offsetof(struct fk_profile, zone_days[2]), 1, 60, 3},
    {"zone", "lockdown_round", offsetof(struct fk_profile, zone_round[0]), 0, 1, 1},
    {"zone", "control_round", offsetof(struct fk_profile, zone_round[1]), 0, 1, 1},
    {"zone", "precaution_round", offsetof(struct fk_profile, zone_round[2]), 0, 1, 0},
    /* issue 18, daily health check-ins (fk/checkin.h); fever is read by checkin_value */
    {"checkin", "per_day", offsetof(struct fk_profile, checkin_per_day), 1, 24, 2},
    /* issue 21, the mass-screening plan (fk/plan.h) */
    {"plan", "site_per", offsetof(struct fk_profile, plan_site_per), 1, 10000000, 2500},
    {"plan", "table_per", offsetof(struct fk_profile, plan_table_per), 1, 10000000, 700},
    {"plan", "sampler_per", offsetof(struct fk_profile, plan_sampler_per), 1, 100000, 360},
    {"plan", "pool_lockdown", offsetof(struct fk_profile, plan_pool_lockdown), 1, 100, 1},
    {"plan", "pool_controlled", offsetof(struct fk_profile, plan_pool_controlled), 1, 100, 1},
    {"plan", "pool_control", offsetof(struct fk_profile, plan_pool_control), 1, 100, 5},
    {"plan", "pool_other", offsetof(struct fk_profile, plan_pool_other), 1, 100, 10},
    {"plan", "lockdown_hours", offsetof(struct fk_profile, plan_lockdown_hours), 1, 720, 24},
    {"plan", "control_hours", offsetof(struct fk_profile, plan_control_hours), 1, 720, 48},
    /* issue 21, gatherings (fk/gathering.h); <level> = refuse|allow and online_kinds are read by
     * gathering_value */
    {"gathering", "lockdown_cap", offsetof(struct fk_profile, gathering_cap[0]), 0, 1000000, 0},
    {"gathering", "lockdown_max", offsetof(struct fk_profile, gathering_max[0]), 0, 1000000, 0},
    {"gathering", "control_cap", offsetof(struct fk_profile, gathering_cap[1]), 0, 1000000, 0},
    {"gathering", "control_max", offsetof(struct fk_profile, gathering_max[1]), 0, 1000000, 0},
    {"gathering", "precaution_cap", offsetof(struct fk_profile, gathering_cap[2]), 0, 1000000,
     50},
    {"gathering", "precaution_max", offsetof(struct fk_profile, gathering_max[2]), 0, 1000000,
     200},
    {"gathering", "normal_cap", offsetof(struct fk_profile, gathering_cap[3]), 0, 1000000, 200},
    {"gathering", "normal_max", offsetof(struct fk_profile, gathering_max[3]), 0, 1000000, 0},
    /* issue 21, citizen requests (fk/request.h), in enum fk_request_kind order */
    {"request", "medicine_assign_minutes", offsetof(struct fk_profile, request_assign_minutes[0]),
     1, 43200, 60},
    {"request", "medical_assign_minutes", offsetof(struct fk_profile, request_assign_minutes[1]),
     1, 43200, 30},
    {"request", "food_assign_minutes", offsetof(struct fk_profile, request_assign_minutes[2]), 1,
     43200, 120},
    {"request", "complaint_assign_minutes",
     offsetof(struct fk_profile, request_assign_minutes[3]), 1, 43200, 240},
    {"request", "other_assign_minutes", offsetof(struct fk_profile, request_assign_minutes[4]), 1,
     43200, 240},
    {"request", "medicine_resolve_minutes",
     offsetof(struct fk_profile, request_resolve_minutes[0]), 1, 43200, 1440},
    {"request", "medical_resolve_minutes", offsetof(struct fk_profile, request_resolve_minutes[1]),
     1, 43200, 120},
    {"request", "food_resolve_minutes", offsetof(struct fk_profile, request_resolve_minutes[2]),
     1, 43200, 1440},
    {"request", "complaint_resolve_minutes",
     offsetof(struct fk_profile, request_resolve_minutes[3]), 1, 43200, 4320},
    {"request", "other_resolve_minutes", offsetof(struct fk_profile, request_resolve_minutes[4]),
     1, 43200, 4320},
};

/* [gathering] <level> keys (refuse|allow), in the order of the profile's gathering arrays, and
 * their defaults: no gathering in a lockdown or control zone. */
static const char *const gathering_level_keys[FK_GATHERING_LEVELS] = {"lockdown", "control",
                                                                      "precaution", "normal"};
static const int gathering_refuse_defaults[FK_GATHERING_LEVELS] = {1, 1, 0, 0};

/* [zone] <level>_regime keys, in enum fk_zone_level order, and their defaults (1日1检 in
 * lockdown and control zones; none in a precaution zone). */
static const char *const zone_regime_keys[3] = {"lockdown_regime", "control_regime",
                                                "precaution_regime"};
static const char *const zone_regime_defaults[3] = {"daily", "daily", ""};

/* [sentinel]: the kinds (enum fk_sen_kind order) as per-kind keys name them, and the default
 * fixed thresholds: a day's count that fires by itself whatever the baseline (one cold-chain
 * signal is a positive sample; "other" has none). */
static const char *const sen_kinds[FK_SEN_NKINDS] = {
    "fever_clinic", "pharmacy", "coldchain", "station", "school", "other",
};
static const int sen_threshold_defaults[FK_SEN_NKINDS] = {20, 30, 1, 5, 10, 0};

/* [control] <category>_regime keys, in enum fk_ctl_category order, and their defaults. */
static const char *const category_keys[FK_PROFILE_CATEGORIES] = {
    "case_regime", "close_regime", "secondary_regime", "companion_regime",
    "arrival_regime", "risk_area_regime", "other_regime", "coldchain_regime",
};
static const char *const category_defaults[FK_PROFILE_CATEGORIES] = {
    "", "isolation7", "isolation7", "land3", "land3", "land3", "every3", "land3",
};

/* The default regimes: 落地核酸+三天三检, 1日1检 for listed occupations, 3日1检, and 7 days of
 * isolation with tests on days 1, 4 and 7 and release after two negatives. */
static const struct fk_regime default_regimes[] = {
    {"land3", 0xF, 0, 3, 0, ""},
    {"daily", 0, 1, 0, 0, "coldchain;medical;port;driver;scenic;highway"},
    {"every3", 0, 3, 0, 0, ""},
    {"isolation7", (1u << 1) | (1u << 4) | (1u << 7), 0, 7, 2, ""},
};

/* [assign] roles: the 五包一 of the meeting reports, a person under home control looked after by
 * a grid worker, a community cadre, a doctor, a police officer and a volunteer. */
static const char *const assign_default_roles[] = {"grid_worker", "community_cadre", "doctor",
                                                   "police", "volunteer"};

void fk_profile_defaults(struct fk_profile *p)
{
    size_t i;

    memset(p, 0, sizeof *p);
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
        *(int *)((char *)p + settings[i].offset) = settings[i].def;
    /* [vaccine]: Ad5-nCoV (CanSino) is a one-dose vaccine. */
    fk_strlcpy(p->vaccines[0].name, "Ad5-nCoV", sizeof p->vaccines[0].name);
    p->vaccines[0].doses = 1;
    p->nvaccines = 1;
    for (i = 0; i < FK_SEN_NKINDS; i++) {
        p->sen_k[i] = 3;
        p->sen_s_min[i] = 1;
        p->sen_threshold[i] = sen_threshold_defaults[i];
    }
    for (i = 0; i < FK_PROFILE_CATEGORIES; i++)
        fk_strlcpy(p->category_regime[i], category_defaults[i], FK_NAME_MAX);
    p->coldchain_place = FK_PLACE_HOME;
    fk_strlcpy(p->coldchain_regime, "land3", FK_NAME_MAX);
    p->nregimes = (int)(sizeof default_regimes / sizeof default_regimes[0]);
    memcpy(p->regimes, default_regimes, sizeof default_regimes);
    for (i = 0; i < sizeof assign_default_roles / sizeof assign_default_roles[0]; i++)
        fk_strlcpy(p->assign_roles[i], assign_default_roles[i], FK_NAME_MAX);
    p->nassign_roles = (int)i;
    p->reports_deadline_min = 18 * 60;
    for (i = 0; i < 3; i++)
        fk_strlcpy(p->zone_regime[i], zone_regime_defaults[i], FK_NAME_MAX);
    p->checkin_fever10 = 373;
    for (i = 0; i < FK_GATHERING_LEVELS; i++)
        p->gathering_refuse[i] = gathering_refuse_defaults[i];
    p->gathering_online_kinds = (1u << FK_GATHERING_MEETING) | (1u << FK_GATHERING_TRAINING);
}

struct parse_state {
    struct fk_profile *p;
    char *err;
    size_t errlen;
    int failed;
};

/* Sets ps->err (first failure only) and fails the parse. */
static int bad(struct parse_state *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct parse_state *ps, const char *fmt, ...)
{
    va_list ap;

    if (!ps->failed) {
        va_start(ap, fmt);
        vsnprintf(ps->err, ps->errlen, fmt, ap);
        va_end(ap);
    }
    ps->failed = 1;
    return 0;
}

/* A whole number from min to max in s, or -1. */
static int small_number(fk_slice s, int min, int max)
{
    int64_t v;

    if (fk_parse_i64(fk_slice_trim(s), &v) != FK_OK || v < min || v > max)
        return -1;
    return (int)v;
}

/* "HH:MM" at s into minutes of the day, or -1. */
static int clock_minutes(fk_slice s)
{
    int h, m;

    s = fk_slice_trim(s);
    if (s.n != 5 || s.p[2] != ':')
        return -1;
    h = small_number((fk_slice){s.p, 2}, 0, 24);
    m = small_number((fk_slice){s.p + 3, 2}, 0, 59);
    if (h < 0 || m < 0 || (h == 24 && m != 0))
        return -1;
    return h * 60 + m;
}

/* door_allowed = 07:00-07:30,18:00-18:30 (or empty: never). */
static int door_windows(struct parse_state *ps, const char *value)
{
    const char *s = value;
    int n = 0;

    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        const char *dash = memchr(s, '-', len);
        int from, to;

        if (fk_slice_trim((fk_slice){s, len}).n == 0 && !comma)
            break;
        from = dash ? clock_minutes((fk_slice){s, (size_t)(dash - s)}) : -1;
        to = dash ? clock_minutes((fk_slice){dash + 1, len - (size_t)(dash - s) - 1}) : -1;
        if (from < 0 || to <= from)
            return bad(ps, "[control] door_allowed: '%.*s' is not a window like 07:00-07:30",
                       (int)len, s);
        if (n == FK_DOOR_WINDOWS_MAX)
            return bad(ps, "[control] door_allowed: more than %d windows", FK_DOOR_WINDOWS_MAX);
        ps->p->door_windows[n][0] = from;
        ps->p->door_windows[n][1] = to;
        n++;
        s = comma ? comma + 1 : s + len;
    }
    ps->p->ndoor_windows = n;
    return 1;
}

/* The regime called name, added (empty) when new; NULL when the table is full. */
static struct fk_regime *regime_slot(struct fk_profile *p, const char *name)
{
    int i;

    for (i = 0; i < p->nregimes; i++)
        if (strcmp(p->regimes[i].name, name) == 0)
            return &p->regimes[i];
    if (p->nregimes == FK_REGIMES_MAX)
        return NULL;
    memset(&p->regimes[p->nregimes], 0, sizeof p->regimes[0]);
    fk_strlcpy(p->regimes[p->nregimes].name, name, FK_NAME_MAX);
    return &p->regimes[p->nregimes++];
}

static int regime_value(struct parse_state *ps, const char *section, const char *name,
                        const char *value)
{
    const char *rname = section + 7;
    struct fk_regime *r;
    fk_slice v = fk_slice_trim((fk_slice){value, strlen(value)});
    int n;

    if (!*rname || strlen(rname) >= FK_NAME_MAX)
        return bad(ps, "[%s]: a regime name is 1 to %d bytes", section, FK_NAME_MAX - 1);
    r = regime_slot(ps->p, rname);
    if (!r)
        return bad(ps, "[%s]: more than %d regimes", section, FK_REGIMES_MAX);
    if (strcmp(name, "days") == 0) {
        const char *s = v.p, *end = v.p + v.n;

        r->days = 0;
        while (s < end) {
            const char *comma = memchr(s, ',', (size_t)(end - s));
            size_t len = comma ? (size_t)(comma - s) : (size_t)(end - s);

            n = small_number((fk_slice){s, len}, 0, 63);
            if (n < 0)
                return bad(ps, "[%s] days: '%.*s' is not a day from 0 to 63", section, (int)len,
                           s);
            r->days |= (uint64_t)1 << n;
            s += len + (comma ? 1 : 0);
        }
        return 1;
    }
    if (strcmp(name, "tags") == 0) {
        if (v.n >= sizeof r->tags)
            return bad(ps, "[%s] tags is longer than %zu bytes", section, sizeof r->tags - 1);
        fk_slice_copy(r->tags, sizeof r->tags, v);
        return 1;
    }
    n = small_number(v, 0, 366);
    if (n < 0)
        return bad(ps, "[%s] %s = '%s' is not a whole number from 0 to 366", section, name, value);
    if (strcmp(name, "every") == 0)
        r->every = n;
    else if (strcmp(name, "duration") == 0)
        r->duration = n;
    else if (strcmp(name, "release_negatives") == 0)
        r->release_negatives = n;
    else
        return bad(ps, "[%s] %s is not a regime setting (days, every, duration, "
                       "release_negatives, tags)", section, name);
    return 1;
}

/* A [sentinel] key of the rule: k, s_min, threshold (every kind) or <kind>_k, <kind>_s_min,
 * <kind>_threshold (one kind). 1 taken, 0 failed (ps says why), -1 not such a key. */
static int sentinel_value(struct parse_state *ps, const char *name, const char *value)
{
    static const char *const what[3] = {"k", "s_min", "threshold"};
    const char *w = name;
    int lo = 0, hi = FK_SEN_NKINDS, i, j;
    double d;
    char *end;

    for (i = 0; i < FK_SEN_NKINDS; i++) {
        size_t n = strlen(sen_kinds[i]);

        if (strncmp(name, sen_kinds[i], n) == 0 && name[n] == '_') {
            lo = i;
            hi = i + 1;
            w = name + n + 1;
            break;
        }
    }
    for (j = 0; j < 3 && strcmp(w, what[j]) != 0; j++)
        ;
    if (j == 3)
        return -1;
    d = strtod(value, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (end == value || *end || d != d || (j == 0 && (d <= 0 || d > 100)) ||
        (j == 1 && (d < 0 || d > 1e6)) || (j == 2 && (d < 0 || d > 1e9 || d != (double)(int)d)))
        return bad(ps, "[sentinel] %s = '%s' is not %s", name, value,
                   j == 0   ? "a number above 0, at most 100"
                   : j == 1 ? "a number from 0 to 1000000"
                            : "a whole number from 0 to 1000000000");
    for (i = lo; i < hi; i++) {
        if (j == 0)
            ps->p->sen_k[i] = d;
        else if (j == 1)
            ps->p->sen_s_min[i] = d;
        else
            ps->p->sen_threshold[i] = (int)d;
    }
    return 1;
}

/* [vaccine] doses.NAME = N: the full course of vaccine NAME takes N doses (1 to 9). */
static int vaccine_value(struct parse_state *ps, const char *vname, const char *value)
{
    struct fk_profile *p = ps->p;
    int64_t v;
    int i;

    if (!*vname || strlen(vname) >= sizeof p->vaccines[0].name)
        return bad(ps, "[vaccine] doses.NAME: a vaccine name is 1 to %zu bytes",
                   sizeof p->vaccines[0].name - 1);
    if (fk_parse_i64(fk_slice_trim((fk_slice){value, strlen(value)}), &v) != FK_OK || v < 1 ||
        v > 9)
        return bad(ps, "[vaccine] doses.%s = '%s' is not a whole number from 1 to 9", vname,
                   value);
    for (i = 0; i < p->nvaccines && strcmp(p->vaccines[i].name, vname) != 0; i++)
        ;
    if (i == FK_VACCINES_MAX)
        return bad(ps, "[vaccine]: more than %d doses.NAME settings", FK_VACCINES_MAX);
    if (i == p->nvaccines)
        p->nvaccines++;
    fk_strlcpy(p->vaccines[i].name, vname, sizeof p->vaccines[i].name);
    p->vaccines[i].doses = (int)v;
    return 1;
}

/* [assign] roles = a,b,c: 1 to FK_ASSIGN_ROLES_MAX codes of a-z, 0-9 and '_', none twice and
 * none "leader" (四级包保's role, which every profile has). */
static int assign_roles(struct parse_state *ps, const char *value)
{
    const char *s = value;
    int n = 0, i;

    for (;;) {
        const char *comma = strchr(s, ',');
        fk_slice r = fk_slice_trim((fk_slice){s, comma ? (size_t)(comma - s) : strlen(s)});
        size_t k;

        if (r.n == 0 || r.n >= FK_NAME_MAX)
            return bad(ps, "[assign] roles: a role is a code of 1 to %d bytes, as in "
                           "roles = grid_worker,community_cadre,doctor,police,volunteer",
                       FK_NAME_MAX - 1);
        for (k = 0; k < r.n; k++)
            if (!((r.p[k] >= 'a' && r.p[k] <= 'z') || (r.p[k] >= '0' && r.p[k] <= '9') ||
                  r.p[k] == '_'))
                return bad(ps, "[assign] roles: '%.*s' holds other than a-z, 0-9 and '_'",
                           (int)r.n, r.p);
        if (r.n == 6 && strncmp(r.p, "leader", 6) == 0)
            return bad(ps, "[assign] roles: leader is the role of 四级包保, not one of 五包一");
        if (n == FK_ASSIGN_ROLES_MAX)
            return bad(ps, "[assign] roles: more than %d roles", FK_ASSIGN_ROLES_MAX);
        fk_slice_copy(ps->p->assign_roles[n], FK_NAME_MAX, r);
        for (i = 0; i < n; i++)
            if (strcmp(ps->p->assign_roles[i], ps->p->assign_roles[n]) == 0)
                return bad(ps, "[assign] roles: %s is named twice", ps->p->assign_roles[n]);
        n++;
        if (!comma)
            break;
        s = comma + 1;
    }
    ps->p->nassign_roles = n;
    return 1;
}

/* [checkin]: fever = 37.3 (a temperature of 34.0 to 43.0 with at most one decimal, kept in
 * tenths), per_day = 2 (a divisor of 24, so the windows are whole hours). */
static int checkin_value(struct parse_state *ps, const char *name, const char *value)
{
    fk_slice s = fk_slice_trim((fk_slice){value, strlen(value)});
    int64_t v;

    if (strcmp(name, "fever") == 0) {
        int t;

        if (fk_checkin_temp_parse(s, &t) != FK_OK || !fk_checkin_temp_ok(t))
            return bad(ps, "[checkin] fever = '%s' is not a temperature from 34.0 to 43.0 (°C, "
                           "one decimal)", value);
        ps->p->checkin_fever10 = t;
        return 1;
    }
    if (strcmp(name, "per_day") == 0) {
        if (fk_parse_i64(s, &v) != FK_OK || v < 1 || v > 24 || 24 % v != 0)
            return bad(ps, "[checkin] per_day = '%s' is not a divisor of 24 (1, 2, 3, 4, 6, 8, "
                           "12 or 24)", value);
        ps->p->checkin_per_day = (int)v;
        return 1;
    }
    return bad(ps, "[checkin] %s is not a profile setting", name);
}

/* [gathering]: <level> = refuse | allow, and online_kinds = a ','-separated list of kinds (an
 * empty one: none): 1 taken, 0 refused (bad() said why); -1 for another key (the caps are plain
 * settings). */
static int gathering_value(struct parse_state *ps, const char *name, const char *value)
{
    fk_slice s = fk_slice_trim((fk_slice){value, strlen(value)});
    int i;

    for (i = 0; i < FK_GATHERING_LEVELS; i++) {
        if (strcmp(name, gathering_level_keys[i]) != 0)
            continue;
        if (fk_slice_eqi(s, "refuse"))
            ps->p->gathering_refuse[i] = 1;
        else if (fk_slice_eqi(s, "allow"))
            ps->p->gathering_refuse[i] = 0;
        else
            return bad(ps, "[gathering] %s = '%s' is not refuse or allow", name, value);
        return 1;
    }
    if (strcmp(name, "online_kinds") == 0) {
        unsigned bits = 0;

        while (s.n) {
            size_t k = 0;
            fk_slice one;
            int kind;

            while (k < s.n && s.p[k] != ',' && s.p[k] != ';')
                k++;
            one = fk_slice_trim((fk_slice){s.p, k});
            if (one.n) {
                if (fk_gathering_kind_parse(one, &kind) != FK_OK)
                    return bad(ps,
                               "[gathering] online_kinds: '%.*s' is not meeting, wedding, "
                               "funeral, exhibition or training",
                               (int)one.n, one.p);
                bits |= 1u << kind;
            }
            s.p += k < s.n ? k + 1 : k;
            s.n -= k < s.n ? k + 1 : k;
        }
        ps->p->gathering_online_kinds = bits;
        return 1;
    }
    return -1;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *ps = user;
    size_t i;
    int64_t v;
    fk_slice s = {value, strlen(value)};

    if (strncmp(section, "regime.", 7) == 0)
        return regime_value(ps, section, name, value);
    if (strcmp(section, "vaccine") == 0 && strncmp(name, "doses.", 6) == 0)
        return vaccine_value(ps, name + 6, value);
    if (strcmp(section, "assign") == 0 && strcmp(name, "roles") == 0)
        return assign_roles(ps, value);
    if (strcmp(section, "sentinel") == 0) {
        int r = sentinel_value(ps, name, value);

        if (r >= 0)
            return r;
    }
    if (strcmp(section, "reports") == 0 && strcmp(name, "deadline") == 0) {
        int m = clock_minutes(fk_slice_trim(s));

        if (m < 0)
            return bad(ps, "[reports] deadline = '%s' is not a time of day like 18:00", value);
        ps->p->reports_deadline_min = m;
        return 1;
    }
    if (strcmp(section, "checkin") == 0)
        return checkin_value(ps, name, value);
    if (strcmp(section, "gathering") == 0) {
        int r = gathering_value(ps, name, value);

        if (r >= 0)
            return r;
    }
    if (strcmp(section, "coldchain") == 0 && strcmp(name, "place") == 0) {
        enum fk_ctl_place pl;

        if (fk_ctl_place_parse(fk_slice_trim(s), &pl) != FK_OK)
            return bad(ps, "[coldchain] place = '%s' is not centralized, home, hospital or "
                           "monitoring", value);
        ps->p->coldchain_place = (int)pl;
        return 1;
    }
    if (strcmp(section, "coldchain") == 0 && strcmp(name, "regime") == 0) {
        s = fk_slice_trim(s);
        if (s.n == 0 || s.n >= FK_NAME_MAX)
            return bad(ps, "[coldchain] regime: a regime name of 1 to %d bytes", FK_NAME_MAX - 1);
        fk_slice_copy(ps->p->coldchain_regime, FK_NAME_MAX, s);
        return 1;
    }
    if (strcmp(section, "zone") == 0) {
        for (i = 0; i < 3; i++) {
            if (strcmp(name, zone_regime_keys[i]) != 0)
                continue;
            s = fk_slice_trim(s);
            if (s.n >= FK_NAME_MAX)
                return bad(ps, "[zone] %s: a regime name is at most %d bytes", name,
                           FK_NAME_MAX - 1);
            fk_slice_copy(ps->p->zone_regime[i], FK_NAME_MAX, s);
            return 1;
        }
    }
    if (strcmp(section, "control") == 0) {
        if (strcmp(name, "door_allowed") == 0)
            return door_windows(ps, value);
        for (i = 0; i < FK_PROFILE_CATEGORIES; i++) {
            if (strcmp(name, category_keys[i]) != 0)
                continue;
            s = fk_slice_trim(s);
            if (s.n >= FK_NAME_MAX)
                return bad(ps, "[control] %s: a regime name is at most %d bytes", name,
                           FK_NAME_MAX - 1);
            fk_slice_copy(ps->p->category_regime[i], FK_NAME_MAX, s);
            return 1;
        }
    }
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (strcmp(settings[i].section, section) != 0 || strcmp(settings[i].key, name) != 0)
            continue;
        if (fk_parse_i64(fk_slice_trim(s), &v) != FK_OK || v < settings[i].min ||
            v > settings[i].max)
            return bad(ps, "[%s] %s = '%s' is not a whole number from %d to %d", section, name,
                       value, settings[i].min, settings[i].max);
        *(int *)((char *)ps->p + settings[i].offset) = (int)v;
        return 1;
    }
    return bad(ps, "[%s] %s is not a profile setting", section, name);
}

/* inih reports keys, not sections, so a section with no keys under it would pass unseen: look
 * at every "[name]" line first. Returns the line of the first unknown section, or 0. */
static int unknown_section(const char *text, char *name, size_t cap)
{
    int line = 1;
    const char *s = text;

    while (*s) {
        const char *eol = strchr(s, '\n'), *close;
        size_t n, i;
        int known = 0;

        if (!eol)
            eol = s + strlen(s);
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        close = *s == '[' ? memchr(s, ']', (size_t)(eol - s)) : NULL;
        if (close) {
            n = (size_t)(close - s - 1);
            for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
                if (strlen(settings[i].section) == n && strncmp(settings[i].section, s + 1, n) == 0)
                    known = 1;
            if (n > 7 && strncmp(s + 1, "regime.", 7) == 0)
                known = 1;
            if ((n == 6 && strncmp(s + 1, "assign", 6) == 0) ||
                (n == 7 && strncmp(s + 1, "reports", 7) == 0))
                known = 1;
            if (!known) {
                fk_slice_copy(name, cap, (fk_slice){s + 1, n});
                return line;
            }
        }
        if (!*eol)
            break;
        s = eol + 1;
        line++;
    }
    return 0;
}

/* What only the whole profile can say: every regime tests somehow, and every category's regime
 * exists. On FK_OK *p = *tmp. */
static int check(const struct fk_profile *tmp, struct fk_profile *p, char *err, size_t errlen)
{
    int i, j, found;

    for (i = 0; i < tmp->nregimes; i++) {
        const struct fk_regime *r = &tmp->regimes[i];

        if ((r->days != 0) == (r->every > 0)) {
            snprintf(err, errlen, "[regime.%s] needs either days (e.g. days = 0,1,2,3) or every "
                     "(e.g. every = 3), not %s", r->name, r->days ? "both" : "neither");
            return FK_EINVAL;
        }
    }
    if (!(tmp->score_grade_min[0] > tmp->score_grade_min[1] &&
          tmp->score_grade_min[1] > tmp->score_grade_min[2])) {
        snprintf(err, errlen, "[score] needs excellent > good > fair, not %d, %d, %d",
                 tmp->score_grade_min[0], tmp->score_grade_min[1], tmp->score_grade_min[2]);
        return FK_EINVAL;
    }
    for (i = 0; i < FK_PROFILE_CATEGORIES; i++) {
        if (!tmp->category_regime[i][0])
            continue;
        for (found = 0, j = 0; j < tmp->nregimes; j++)
            found |= strcmp(tmp->regimes[j].name, tmp->category_regime[i]) == 0;
        if (!found) {
            snprintf(err, errlen, "[control] %s = %s: there is no [regime.%s]", category_keys[i],
                     tmp->category_regime[i], tmp->category_regime[i]);
            return FK_EINVAL;
        }
    }
    for (i = 0; i < 3; i++) {
        if (!tmp->zone_regime[i][0])
            continue;
        for (found = 0, j = 0; j < tmp->nregimes; j++)
            found |= strcmp(tmp->regimes[j].name, tmp->zone_regime[i]) == 0;
        if (!found) {
            snprintf(err, errlen, "[zone] %s = %s: there is no [regime.%s]", zone_regime_keys[i],
                     tmp->zone_regime[i], tmp->zone_regime[i]);
            return FK_EINVAL;
        }
    }
    for (i = 0; i < FK_GATHERING_LEVELS; i++) {
        if (tmp->gathering_max[i] && tmp->gathering_max[i] < tmp->gathering_cap[i]) {
            snprintf(err, errlen, "[gathering] %s_max = %d is below %s_cap = %d (0: no ceiling)",
                     gathering_level_keys[i], tmp->gathering_max[i], gathering_level_keys[i],
                     tmp->gathering_cap[i]);
            return FK_EINVAL;
        }
    }
    for (i = 0; i < FK_REQUEST_KINDS; i++) {
        if (tmp->request_resolve_minutes[i] < tmp->request_assign_minutes[i]) {
            snprintf(err, errlen,
                     "[request] %s_resolve_minutes = %d is below %s_assign_minutes = %d",
                     fk_request_kind_name(i), tmp->request_resolve_minutes[i],
                     fk_request_kind_name(i), tmp->request_assign_minutes[i]);
            return FK_EINVAL;
        }
    }
    for (found = 0, j = 0; j < tmp->nregimes; j++)
        found |= strcmp(tmp->regimes[j].name, tmp->coldchain_regime) == 0;
    if (!found) {
        snprintf(err, errlen, "[coldchain] regime = %s: there is no [regime.%s]",
                 tmp->coldchain_regime, tmp->coldchain_regime);
        return FK_EINVAL;
    }
    *p = *tmp;
    return FK_OK;
}

int fk_profile_parse(const char *text, struct fk_profile *p, char *err, size_t errlen)
{
    struct fk_profile tmp = *p;
    char msg[200] = "", section[64];
    struct parse_state ps = {&tmp, msg, sizeof msg, 0};
    int line = unknown_section(text, section, sizeof section);

    if (line) {
        snprintf(err, errlen,
                 "line %d: [%s] is not a profile section (screening, import, trace, control, "
                 "sentinel, coldchain, regime.NAME, vaccine, assign, reports, incident, "
                 "score, gate, zone, transfer, checkin, plan, gathering, request)",
                 line, section);
        return FK_EINVAL;
    }
    line = ini_parse_string(text, on_value, &ps);
    if (line != 0) {
        if (ps.failed)
            snprintf(err, errlen, "line %d: %s", line, msg);
        else
            snprintf(err, errlen, "line %d: not an INI line", line);
        return FK_EINVAL;
    }
    return check(&tmp, p, err, errlen);
}
