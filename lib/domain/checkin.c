/* SPDX-License-Identifier: MIT */
/* The rules of daily health check-ins (see fk/checkin.h): temperatures, symptom codes, the day's
 * windows and a window's state. Pure. */
#include "fk/checkin.h"

#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/regime.h"
#include "fk/time.h"

static const char *const state_names[FK_CHECKIN_NSTATES] = {"reported", "missed", "fever",
                                                            "pending"};
static const char *const symptoms[] = {"fever",       "cough",    "sore_throat",
                                       "fatigue",     "headache", "diarrhea",
                                       "taste_smell", "breath",   "none"};

const char *fk_checkin_state_name(enum fk_checkin_state s)
{
    return (int)s >= 0 && s < FK_CHECKIN_NSTATES ? state_names[s] : "";
}

int fk_checkin_temp_parse(fk_slice s, int *tenths)
{
    size_t i = 0;
    int v = 0, digits = 0;

    *tenths = 0;
    s = fk_slice_trim(s);
    while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9' && digits < 4) {
        v = v * 10 + (s.p[i++] - '0');
        digits++;
    }
    if (!digits)
        return FK_EINVAL;
    v *= 10;
    if (i < s.n && s.p[i] == '.') {
        i++;
        if (i < s.n && s.p[i] >= '0' && s.p[i] <= '9')
            v += s.p[i++] - '0';
        while (i < s.n && s.p[i] == '0') /* 37.30 is 37.3; 37.35 has two decimals */
            i++;
    }
    if (i != s.n)
        return FK_EINVAL;
    *tenths = v;
    return FK_OK;
}

int fk_checkin_temp_ok(int tenths)
{
    return tenths >= FK_CHECKIN_TEMP_MIN && tenths <= FK_CHECKIN_TEMP_MAX;
}

char *fk_checkin_temp_render(int tenths, char *out)
{
    if (tenths < 0 || tenths > 9999)
        tenths = 0;
    snprintf(out, FK_CHECKIN_TEMP_TEXT, "%d.%d", tenths / 10, tenths % 10);
    return out;
}

int fk_checkin_is_fever(const struct fk_profile *p, int tenths)
{
    return tenths >= p->checkin_fever10;
}

int fk_checkin_symptoms_check(fk_slice s, char *bad, size_t cap)
{
    size_t i, k;

    if (cap)
        bad[0] = '\0';
    while (s.n) {
        const char *semi = memchr(s.p, ';', s.n);
        size_t n = semi ? (size_t)(semi - s.p) : s.n;
        fk_slice one = fk_slice_trim((fk_slice){s.p, n});
        int known = one.n == 0;

        for (k = 0; !known && k < sizeof symptoms / sizeof symptoms[0]; k++)
            known = fk_slice_eqi(one, symptoms[k]);
        if (!known) {
            if (cap) {
                i = one.n < cap - 1 ? one.n : cap - 1;
                memcpy(bad, one.p, i);
                bad[i] = '\0';
            }
            return FK_EINVAL;
        }
        if (!semi)
            break;
        s.p = semi + 1;
        s.n -= n + 1;
    }
    return FK_OK;
}

int fk_checkin_place_counts(int place)
{
    return place == FK_PLACE_HOME || place == FK_PLACE_CENTRALIZED;
}

int64_t fk_checkin_window_len(const struct fk_profile *p)
{
    int n = p->checkin_per_day >= 1 && p->checkin_per_day <= 24 ? p->checkin_per_day : 2;

    return 86400 / n;
}

int64_t fk_checkin_window_start(const struct fk_profile *p, int64_t day, int k)
{
    return day * 86400 - FK_TZ_OFFSET + k * fk_checkin_window_len(p);
}

int fk_checkin_window_of(const struct fk_profile *p, int64_t t, int64_t *day, int64_t *start)
{
    int64_t d = fk_local_day(t), len = fk_checkin_window_len(p);
    int k = (int)((t - fk_checkin_window_start(p, d, 0)) / len);

    if (day)
        *day = d;
    if (start)
        *start = fk_checkin_window_start(p, d, k);
    return k;
}

int fk_checkin_expected(int64_t wstart, int64_t ostart, int64_t oend)
{
    return ostart <= wstart && (oend == 0 || wstart < oend);
}

int fk_checkin_covers(int64_t t, int64_t ostart, int64_t oend)
{
    return ostart <= t && (oend == 0 || t < oend);
}

enum fk_checkin_state fk_checkin_judge(const struct fk_profile *p, int64_t wstart, int nreports,
                                       int max10, int64_t now)
{
    if (nreports > 0)
        return fk_checkin_is_fever(p, max10) ? FK_CHECKIN_FEVER : FK_CHECKIN_REPORTED;
    return now >= wstart + fk_checkin_window_len(p) ? FK_CHECKIN_MISSED : FK_CHECKIN_PENDING;
}
