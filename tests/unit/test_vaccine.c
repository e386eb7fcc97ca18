/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/vaccine.c and the profile's [vaccine]: ages on the birthday and the
 * day before, 29 February births in years without one, the band edges, a full course and a
 * booster with one vaccine, a one-dose vaccine and mixed schedules, a later dose recorded alone,
 * and the parse of doses and doses.NAME. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/profile.h"
#include "fk/time.h"
#include "fk/vaccine.h"

/* A valid resident ID number born on ymd (yyyymmdd) into out (19 bytes). */
static const char *resident(char *out, const char *ymd)
{
    snprintf(out, 19, "140702%s123", ymd);
    out[17] = fk_id_check_char(out);
    out[18] = '\0';
    return out;
}

static int64_t at(const char *iso)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(iso, strlen(iso), &t), FK_OK);
    return t;
}

static int age_at(const char *birth, const char *iso)
{
    char id[19];

    resident(id, birth);
    return fk_vax_age(fk_vax_birth(id, 18), fk_vax_ymd(at(iso)));
}

static void test_vaccine__birth_from_resident_id_only(void **state)
{
    char id[19];

    (void)state;
    assert_int_equal(fk_vax_birth(resident(id, "20080229"), 18), 20080229);
    id[17] = id[17] == '0' ? '1' : '0'; /* a wrong check digit: not a resident ID */
    assert_int_equal(fk_vax_birth(id, 18), 0);
    assert_int_equal(fk_vax_birth("E12345678", 9), 0); /* a passport carries no birth date */
}

static void test_vaccine__age_turns_on_the_birthday(void **state)
{
    (void)state;
    assert_int_equal(age_at("20141206", "2026-12-05T23:59:59+08:00"), 11);
    assert_int_equal(age_at("20141206", "2026-12-06T00:00:00+08:00"), 12);
    /* Local time decides: 16:00 UTC on the 5th is midnight of the 6th in Shanghai. */
    assert_int_equal(age_at("20141206", "2026-12-05T16:00:00Z"), 12);
    assert_int_equal(age_at("20141206", "2026-12-05T15:59:59Z"), 11);
    assert_int_equal(age_at("20261207", "2026-12-06T12:00:00+08:00"), -1);
    assert_int_equal(age_at("20261206", "2026-12-06T12:00:00+08:00"), 0);
}

static void test_vaccine__leap_day_birth_turns_on_1_march(void **state)
{
    (void)state;
    assert_int_equal(age_at("20080229", "2026-02-28T12:00:00+08:00"), 17);
    assert_int_equal(age_at("20080229", "2026-03-01T00:00:00+08:00"), 18);
    assert_int_equal(age_at("20080229", "2028-02-28T12:00:00+08:00"), 19);
    assert_int_equal(age_at("20080229", "2028-02-29T00:00:00+08:00"), 20);
}

static void test_vaccine__band_edges(void **state)
{
    (void)state;
    assert_int_equal(fk_vax_band(-1), -1);
    assert_int_equal(fk_vax_band(2), -1);
    assert_int_equal(fk_vax_band(3), FK_VAX_3_11);
    assert_int_equal(fk_vax_band(11), FK_VAX_3_11);
    assert_int_equal(fk_vax_band(12), FK_VAX_12_17);
    assert_int_equal(fk_vax_band(17), FK_VAX_12_17);
    assert_int_equal(fk_vax_band(18), FK_VAX_18_59);
    assert_int_equal(fk_vax_band(59), FK_VAX_18_59);
    assert_int_equal(fk_vax_band(60), FK_VAX_60_79);
    assert_int_equal(fk_vax_band(79), FK_VAX_60_79);
    assert_int_equal(fk_vax_band(80), FK_VAX_80_UP);
    assert_int_equal(fk_vax_band(130), FK_VAX_80_UP);
    assert_string_equal(fk_vax_band_name(FK_VAX_12_UP), "12+");
    assert_string_equal(fk_vax_band_name(FK_VAX_3_11), "3-11");
    assert_string_equal(fk_vax_band_name(FK_VAX_NBANDS), "");
    /* A birthday moves a person across an edge on the day itself. */
    assert_int_equal(fk_vax_band(age_at("20141206", "2026-12-05T23:59:59+08:00")), FK_VAX_3_11);
    assert_int_equal(fk_vax_band(age_at("20141206", "2026-12-06T00:00:00+08:00")), FK_VAX_12_17);
    assert_int_equal(fk_vax_band(age_at("19461206", "2026-12-06T00:00:00+08:00")), FK_VAX_80_UP);
    assert_int_equal(fk_vax_band(age_at("19461207", "2026-12-06T00:00:00+08:00")), FK_VAX_60_79);
}

static struct fk_profile profile(const char *ini)
{
    struct fk_profile p;
    char err[160] = "";

    fk_profile_defaults(&p);
    if (ini)
        assert_int_equal(fk_profile_parse(ini, &p, err, sizeof err), FK_OK);
    return p;
}

static void test_vaccine__full_and_booster_one_vaccine(void **state)
{
    struct fk_profile p = profile(NULL);
    /* Given out of order: the status sorts by time. */
    struct fk_vax_dose d[] = {{3, 300, "CoronaVac"}, {1, 100, "CoronaVac"}, {2, 200, "CoronaVac"}};
    int64_t r[3];
    int course = 0;

    (void)state;
    fk_vax_status(&p, d, 3, r, &course);
    assert_int_equal(course, 2);
    assert_int_equal(r[0], 100);
    assert_int_equal(r[1], 200);
    assert_int_equal(r[2], 300);
    assert_int_equal(fk_vax_level_at(d, 3, 99, NULL), 0);
    assert_int_equal(fk_vax_level_at(d, 3, 200, NULL), 2);
    fk_vax_status(&p, d, 1, r, NULL); /* one dose of two */
    assert_int_equal(r[0], 100);
    assert_true(r[1] == FK_VAX_NEVER && r[2] == FK_VAX_NEVER);
    fk_vax_status(&p, d, 0, r, NULL);
    assert_true(r[0] == FK_VAX_NEVER);
}

static void test_vaccine__mixed_vaccines_count_the_first_doses_course(void **state)
{
    struct fk_profile p = profile("[vaccine]\ndoses.Ad5-nCoV = 1\n");
    /* Began with the one-dose vaccine: full at once, the inactivated dose after it a booster. */
    struct fk_vax_dose a[] = {{2, 500, "CoronaVac"}, {1, 100, "Ad5-nCoV"}};
    /* Began with a two-dose vaccine: the one-dose vaccine second completes it, no booster. */
    struct fk_vax_dose b[] = {{1, 100, "CoronaVac"}, {2, 500, "Ad5-nCoV"}};
    int64_t r[3];
    int course = 0;

    (void)state;
    fk_vax_status(&p, a, 2, r, &course);
    assert_int_equal(course, 1);
    assert_int_equal(r[0], 100);
    assert_int_equal(r[1], 100);
    assert_int_equal(r[2], 500);
    fk_vax_status(&p, b, 2, r, &course);
    assert_int_equal(course, 2);
    assert_int_equal(r[1], 500);
    assert_true(r[2] == FK_VAX_NEVER);
}

static void test_vaccine__later_dose_alone_stands_for_those_before(void **state)
{
    struct fk_profile p = profile(NULL);
    struct fk_vax_dose d[] = {{3, 700, ""}};
    int64_t r[3], last = 0;

    (void)state;
    fk_vax_status(&p, d, 1, r, NULL);
    assert_int_equal(r[0], 700);
    assert_int_equal(r[1], 700);
    assert_int_equal(r[2], 700);
    assert_int_equal(fk_vax_level_at(d, 1, 700, &last), 3);
    assert_int_equal(last, 700);
}

static void test_vaccine__profile_parse(void **state)
{
    struct fk_profile p = profile(NULL), q;
    char err[160] = "";

    (void)state;
    assert_int_equal(p.vaccine_doses, 2);
    assert_int_equal(fk_vax_course(&p, "anything"), 2);
    assert_int_equal(fk_vax_course(&p, "Ad5-nCoV"), 1); /* the default one-dose vaccine */
    p = profile("[vaccine]\ndoses = 3\ndoses.Ad5-nCoV = 1\ndoses.ZF2001 = 3\ndoses.Ad5-nCoV = 2\n");
    assert_int_equal(p.vaccine_doses, 3);
    assert_int_equal(p.nvaccines, 2);
    assert_int_equal(fk_vax_course(&p, "Ad5-nCoV"), 2); /* the last setting wins */
    assert_int_equal(fk_vax_course(&p, "ZF2001"), 3);
    assert_int_equal(fk_vax_course(&p, ""), 3);
    assert_int_equal(fk_vax_course(&p, NULL), 3);
    q = p;
    assert_int_equal(fk_profile_parse("[vaccine]\ndoses = 0\n", &q, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "line 2"));
    assert_int_equal(fk_profile_parse("[vaccine]\ndoses.X = 10\n", &q, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "doses.X"));
    assert_int_equal(fk_profile_parse("[vaccine]\nbooster = 1\n", &q, err, sizeof err), FK_EINVAL);
    assert_int_equal(q.vaccine_doses, 3); /* a refused profile changes nothing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vaccine__birth_from_resident_id_only),
        cmocka_unit_test(test_vaccine__age_turns_on_the_birthday),
        cmocka_unit_test(test_vaccine__leap_day_birth_turns_on_1_march),
        cmocka_unit_test(test_vaccine__band_edges),
        cmocka_unit_test(test_vaccine__full_and_booster_one_vaccine),
        cmocka_unit_test(test_vaccine__mixed_vaccines_count_the_first_doses_course),
        cmocka_unit_test(test_vaccine__later_dose_alone_stands_for_those_before),
        cmocka_unit_test(test_vaccine__profile_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
