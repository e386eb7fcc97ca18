/* SPDX-License-Identifier: MIT */
/* Vaccination rules (fk/vaccine.h): birth dates, ages, bands, courses and the levels a person
 * reached. Pure. */
#include "fk/vaccine.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/time.h"

int32_t fk_vax_birth(const char *id, size_t n)
{
    char why[8];
    int32_t v = 0;
    size_t i;

    if (n != 18 || fk_id_check(id, n, FK_ID_RESIDENT, why, sizeof why) != FK_OK)
        return 0;
    for (i = 6; i < 14; i++)
        v = v * 10 + (id[i] - '0');
    return v;
}

int32_t fk_vax_ymd(int64_t t)
{
    int64_t y;
    unsigned m, d;

    fk_civil_from_days((fk_local_day_start(t) + FK_TZ_OFFSET) / 86400, &y, &m, &d);
    return (int32_t)(y * 10000 + m * 100 + d);
}

int64_t fk_vax_ymd_start(int32_t ymd)
{
    return fk_days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100)) *
               86400 -
           FK_TZ_OFFSET;
}

/* Written as yyyymmdd numbers, the difference of two dates divided by 10 000 is the whole years
 * between them: the month and day decide whether this year's birthday has come, and 0229 sorts
 * after 0228 and before 0301, so a 29 February birth turns a year older on 1 March. */
int fk_vax_age(int32_t birth, int32_t ymd)
{
    return ymd < birth ? -1 : (int)((ymd - birth) / 10000);
}

int fk_vax_band(int age)
{
    if (age < 3)
        return -1;
    if (age <= 11)
        return FK_VAX_3_11;
    if (age <= 17)
        return FK_VAX_12_17;
    if (age <= 59)
        return FK_VAX_18_59;
    if (age <= 79)
        return FK_VAX_60_79;
    return FK_VAX_80_UP;
}

const char *fk_vax_band_name(int band)
{
    static const char *const names[FK_VAX_NBANDS] = {"3-11",  "12-17", "18-59",
                                                     "60-79", "80+",   "12+"};

    return band >= 0 && band < FK_VAX_NBANDS ? names[band] : "";
}

int fk_vax_course(const struct fk_profile *p, const char *vaccine)
{
    int i;

    for (i = 0; vaccine && *vaccine && i < p->nvaccines; i++)
        if (strcmp(p->vaccines[i].name, vaccine) == 0)
            return p->vaccines[i].doses;
    return p->vaccine_doses;
}

static int by_time(const void *a, const void *b)
{
    const struct fk_vax_dose *x = a, *y = b;

    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->dose > y->dose) - (x->dose < y->dose);
}

void fk_vax_status(const struct fk_profile *p, struct fk_vax_dose *d, size_t n, int64_t reach[3],
                   int *course)
{
    int need, level = 0;
    size_t i;

    reach[0] = reach[1] = reach[2] = FK_VAX_NEVER;
    if (n > 1)
        qsort(d, n, sizeof *d, by_time);
    need = fk_vax_course(p, n ? d[0].vaccine : NULL);
    if (course)
        *course = need;
    for (i = 0; i < n; i++) {
        if (d[i].dose > level)
            level = d[i].dose;
        if ((int)i + 1 > level)
            level = (int)i + 1;
        if (reach[0] == FK_VAX_NEVER)
            reach[0] = d[i].time;
        if (level >= need && reach[1] == FK_VAX_NEVER)
            reach[1] = d[i].time;
        if (level > need && reach[2] == FK_VAX_NEVER)
            reach[2] = d[i].time;
    }
}

int fk_vax_level_at(const struct fk_vax_dose *d, size_t n, int64_t t, int64_t *last)
{
    int level = 0;
    size_t i;

    if (last)
        *last = 0;
    for (i = 0; i < n && d[i].time <= t; i++) {
        if (d[i].dose > level)
            level = d[i].dose;
        if ((int)i + 1 > level)
            level = (int)i + 1;
        if (last)
            *last = d[i].time;
    }
    return level;
}
