/* SPDX-License-Identifier: MIT */
/* ISO 8601 parsing and rendering for the data contract (see fk/time.h). Civil-date arithmetic is
 * Howard Hinnant's days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar,
 * so no libc time zone state (TZ, localtime) is touched: the results are the same on every
 * machine and the functions are thread-safe. */
#include "fk/time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fk/error.h"

int64_t fk_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void fk_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yy;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

int fk_date_valid(int64_t y, unsigned m, unsigned d)
{
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned lim;

    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    lim = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        lim = 29;
    return d <= lim;
}

/* Reads exactly n digits at s[*i]; advances *i. */
static int digits(const char *s, size_t len, size_t *i, unsigned n, unsigned *out)
{
    unsigned v = 0, k;

    if (*i + n > len)
        return 0;
    for (k = 0; k < n; k++) {
        char c = s[*i + k];

        if (c < '0' || c > '9')
            return 0;
        v = v * 10 + (unsigned)(c - '0');
    }
    *i += n;
    *out = v;
    return 1;
}

int fk_time_parse(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    unsigned y, mo, d, h = 0, mi = 0, se = 0;
    int64_t off = FK_TZ_OFFSET, t;

    *out = 0;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (!digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &mo) ||
        i >= n || s[i++] != '-' || !digits(s, n, &i, 2, &d))
        return FK_EINVAL;
    if (!fk_date_valid(y, mo, d))
        return FK_EINVAL;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (!digits(s, n, &i, 2, &h) || i >= n || s[i++] != ':' || !digits(s, n, &i, 2, &mi))
            return FK_EINVAL;
        if (i < n && s[i] == ':') {
            i++;
            if (!digits(s, n, &i, 2, &se))
                return FK_EINVAL;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                if (i >= n || s[i] < '0' || s[i] > '9')
                    return FK_EINVAL;
                while (i < n && s[i] >= '0' && s[i] <= '9')
                    i++;
            }
        }
        if (h > 23 || mi > 59 || se > 60)
            return FK_EINVAL;
        if (se == 60)
            se = 59; /* a leap second is taken as the second before it */
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            off = 0;
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int neg = s[i] == '-';
            unsigned oh, om = 0;

            i++;
            if (!digits(s, n, &i, 2, &oh))
                return FK_EINVAL;
            if (i < n && s[i] == ':') {
                i++;
                if (!digits(s, n, &i, 2, &om))
                    return FK_EINVAL;
            } else if (i < n && !digits(s, n, &i, 2, &om)) {
                return FK_EINVAL;
            }
            if (oh > 14 || om > 59)
                return FK_EINVAL;
            off = (int64_t)(oh * 3600 + om * 60) * (neg ? -1 : 1);
        }
    }
    if (i != n)
        return FK_EINVAL;
    t = fk_days_from_civil(y, mo, d) * 86400 + (int64_t)(h * 3600 + mi * 60 + se) - off;
    /* An offset can move the instant out of the years 0001-9999 in local time, where it could not
     * be rendered and parsed back (found by tests/fuzz/fuzz_time.c). */
    if (t < fk_days_from_civil(1, 1, 1) * 86400 - FK_TZ_OFFSET ||
        t > fk_days_from_civil(9999, 12, 31) * 86400 + 86399 - FK_TZ_OFFSET)
        return FK_EINVAL;
    *out = t;
    return FK_OK;
}

/* Writes v (< 10^width) as width decimal digits, zero-padded, at p; returns the end. */
static char *put_digits(char *p, unsigned v, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* The first and last second that render with a four-digit year: 0000-01-01T00:00:00+08:00 and
 * 9999-12-31T23:59:59+08:00. */
#define RENDER_MIN INT64_C(-62167248000)
#define RENDER_MAX INT64_C(253402271999)

/* The local day of t and the seconds into it; t outside what renders is taken as the nearest
 * end, so no year is ever cut to its last four digits (10000 as 0000) and no sum overflows. */
static int64_t local_days(int64_t t, int64_t *secs)
{
    int64_t local, days;

    if (t < RENDER_MIN)
        t = RENDER_MIN;
    else if (t > RENDER_MAX)
        t = RENDER_MAX;
    local = t + FK_TZ_OFFSET;

    days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    *secs = local - days * 86400;
    return days;
}

/* "YYYY-MM-DD" of a local day at out (no NUL), by hand: lists render millions of dates, and
 * snprintf was most of their cost. local_days() keeps the year in 0..9999. */
static void put_date(char *out, int64_t days)
{
    int64_t y;
    unsigned m, d;

    fk_civil_from_days(days, &y, &m, &d);
    out = put_digits(out, (unsigned)y, 4);
    *out++ = '-';
    out = put_digits(out, m, 2);
    *out++ = '-';
    put_digits(out, d, 2);
}

char *fk_time_render(int64_t t, char *out)
{
    int64_t secs, days = local_days(t, &secs);
    char *p = out + 10;

    put_date(out, days);
    *p++ = 'T';
    p = put_digits(p, (unsigned)(secs / 3600) % 24, 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(secs % 60), 2);
    memcpy(p, "+08:00", 7);
    return out;
}

char *fk_date_render(int64_t t, char *out)
{
    int64_t secs, days = local_days(t, &secs);

    put_date(out, days);
    out[10] = '\0';
    return out;
}

int64_t fk_local_day_start(int64_t t)
{
    int64_t local = t + FK_TZ_OFFSET, days;

    days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return days * 86400 - FK_TZ_OFFSET;
}

double fk_mono_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
