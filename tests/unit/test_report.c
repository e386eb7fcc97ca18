/* SPDX-License-Identifier: MIT */
/* Unit tests of duty and zero reports: lib/domain/report.c (kinds, dates, a report exactly at the
 * deadline and one second after, days silent), the profile's [reports] deadline, and the index of
 * lib/engine/reports.c on a small store: the day's status, the silent units, the duty gaps and
 * the report_complete indicator, each against an answer worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/report.h"
#include "fk/reports.h"
#include "fk/time.h"

#include "testutil.h"

static int32_t day(const char *s)
{
    int32_t d = 0;

    assert_int_equal(fk_report_date_parse((fk_slice){s, strlen(s)}, &d), FK_OK);
    return d;
}

static int64_t at(const char *s)
{
    int64_t t = 0;

    assert_int_equal(fk_time_parse(s, strlen(s), &t), FK_OK);
    return t;
}

static void test_report__kinds_and_dates(void **state)
{
    int k = -1;
    int32_t d;

    (void)state;
    assert_int_equal(fk_unit_kind_parse((fk_slice){"Pharmacy", 8}, &k), FK_OK);
    assert_int_equal(k, FK_UNIT_PHARMACY);
    assert_int_equal(fk_unit_kind_parse((fk_slice){"卫生室", strlen("卫生室")}, &k), FK_OK);
    assert_int_equal(k, FK_UNIT_CLINIC);
    assert_int_equal(fk_unit_kind_parse((fk_slice){"", 0}, &k), FK_OK);
    assert_int_equal(k, FK_UNIT_OTHER);
    assert_int_equal(fk_unit_kind_parse((fk_slice){"bank", 4}, &k), FK_EINVAL);
    assert_string_equal(fk_unit_kind_name(FK_UNIT_ENTERPRISE), "enterprise");
    assert_string_equal(fk_unit_kind_name(FK_UNIT_NKINDS), "");
    assert_int_equal(day("1970-01-02"), 1);
    assert_int_equal(fk_report_date_parse((fk_slice){"2022-02-29", 10}, &d), FK_EINVAL);
    assert_int_equal(fk_report_date_parse((fk_slice){"2022-8-28", 9}, &d), FK_EINVAL);
    assert_int_equal(fk_report_date_parse((fk_slice){"2022/08/28", 10}, &d), FK_EINVAL);
    assert_int_equal(fk_report_day_start(day("2022-08-28")), at("2022-08-28T00:00:00+08:00"));
    assert_int_equal(fk_report_day_of(at("2022-08-28T23:59:59+08:00")), day("2022-08-28"));
    assert_int_equal(fk_report_day_of(at("2022-08-28T00:00:00+08:00")), day("2022-08-28"));
    assert_int_equal(fk_report_day_of(at("2022-08-27T23:59:59+08:00")), day("2022-08-27"));
}

static void test_report__deadline_edges(void **state)
{
    int32_t d = day("2022-08-28");

    (void)state;
    assert_int_equal(fk_report_deadline(d, 18 * 60), at("2022-08-28T18:00:00+08:00"));
    /* Exactly at the deadline is on time; one second after is late. */
    assert_int_equal(fk_report_state_of(1, d, at("2022-08-28T18:00:00+08:00"), 18 * 60),
                     FK_REPORT_ON_TIME);
    assert_int_equal(fk_report_state_of(1, d, at("2022-08-28T18:00:01+08:00"), 18 * 60),
                     FK_REPORT_LATE);
    assert_int_equal(fk_report_state_of(1, d, 0, 18 * 60), FK_REPORT_ON_TIME);
    assert_int_equal(fk_report_state_of(0, d, 0, 18 * 60), FK_REPORT_MISSING);
    assert_string_equal(fk_report_state_name(FK_REPORT_LATE), "late");
}

static void test_report__days_silent(void **state)
{
    (void)state;
    assert_int_equal(fk_report_days_silent(100, 100, 90), 0); /* reported that day */
    assert_int_equal(fk_report_days_silent(100, 99, 90), 1);
    assert_int_equal(fk_report_days_silent(100, 97, 90), 3);
    assert_int_equal(fk_report_days_silent(100, -1, 90), 11); /* never: since day 90 */
    assert_int_equal(fk_report_days_silent(100, -1, 100), 1);
    assert_int_equal(fk_report_days_silent(100, -1, 120), 1);
}

static void test_report__profile_deadline(void **state)
{
    struct fk_profile p;
    char err[200];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(p.reports_deadline_min, 18 * 60);
    assert_int_equal(fk_profile_parse("[reports]\ndeadline = 17:30\n", &p, err, sizeof err), FK_OK);
    assert_int_equal(p.reports_deadline_min, 17 * 60 + 30);
    assert_int_equal(fk_profile_parse("[reports]\ndeadline = 25:00\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "[reports] deadline"));
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[reports]\n", &p, err, sizeof err), FK_OK);
    assert_int_equal(p.reports_deadline_min, 18 * 60);
}

/* ---- the index on a small store ---- */

static const char regions[] = "code,name,level,parent\n"
                              "14,山西省,province,\n"
                              "1407,晋中市,city,14\n"
                              "140702,榆次区,county,1407\n"
                              "140703,太谷区,county,1407\n"
                              "140702001,锦纶街道,township,140702\n"
                              "140702002,北关街道,township,140702\n"
                              "140703001,明星镇,township,140703\n";
static const char units[] = "code,name,region,kind,contact\n"
                            "U1,锦纶街道办,140702001,township,王五 13800000000\n"
                            "U2,榆次医院,140702,hospital,\n"
                            "U3,药店一,140702001,pharmacy,李四 13900000000\n"
                            "U4,药店二,140702002,pharmacy,\n"
                            "U5,明星学校,140703001,school,\n";
/* Reporting starts 08-26. On 08-28: U1 zero exactly at 18:00 (on time), U2 one second after
 * (late, count 3), U5 zero with no time (on time); U3 last reported 08-26, U4 never. */
static const char reports[] = "unit,date,kind,count,note,submitted\n"
                              "U1,2022-08-27,daily,0,,2022-08-27T17:00:00+08:00\n"
                              "U1,2022-08-28,daily,0,,2022-08-28T18:00:00+08:00\n"
                              "U2,2022-08-28,daily,3,,2022-08-28T18:00:01+08:00\n"
                              "U2,2022-08-28,fever,0,,2022-08-28T19:00:00+08:00\n"
                              "U3,2022-08-26,daily,0,,\n"
                              "U5,2022-08-28,daily,0,,\n";
static const char duty[] = "date,region,person,phone,role\n"
                           "2022-08-28,1407,张三,13800000000,leader\n"
                           "2022-08-28,140702001,钱七,,staff\n"
                           "2022-08-27,140702002,赵六,,staff\n";

struct fix {
    char dir[256], path[300];
    fk_store *st;
    struct fk_profile p;
    fk_reports *r;
};

static int setup(void **state)
{
    static const struct {
        enum fk_import_type t;
        const char *text;
    } files[] = {{FK_IMPORT_REGIONS, regions},
                 {FK_IMPORT_UNITS, units},
                 {FK_IMPORT_REPORTS, reports},
                 {FK_IMPORT_DUTY, duty}};
    struct fix *f = calloc(1, sizeof *f);
    struct fk_import_summary sum;
    char err[512] = "";
    size_t i;

    if (!f || open_test_store(f->dir, sizeof f->dir, "report", f->path, sizeof f->path, &f->st))
        return -1;
    *state = f;
    fk_profile_defaults(&f->p);
    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        if (import_text(f->st, &f->p, f->dir, files[i].t, files[i].text, &sum, err, sizeof err) !=
                FK_OK ||
            sum.rejected) {
            fprintf(stderr, "setup: %s (%llu rejected)\n", err, (unsigned long long)sum.rejected);
            return -1;
        }
    return fk_reports_build(f->st, &f->p, &f->r, err, sizeof err) == FK_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct fix *f = *state;

    fk_reports_free(f->r);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* The table as CSV text, freed. */
static char *csv_of(fk_table *t)
{
    fk_buf b;
    char *s;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, fk_table_nrows(t), &b), FK_OK);
    assert_int_equal(fk_buf_putc(&b, '\0'), FK_OK);
    s = strdup(b.data);
    fk_buf_fini(&b);
    fk_table_free(t);
    return s;
}

static void test_report__status(void **state)
{
    struct fix *f = *state;
    fk_table *t = NULL;
    char err[200], *s;

    assert_int_equal(
        fk_reports_status(f->r, FK_LEVEL_COUNTY, NULL, day("2022-08-28"), &t, err, sizeof err),
        FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "region,name,kind,units,reported,zero,late,missing\n"
                           "140702,榆次区,township,1,1,1,0,0\n"
                           "140702,榆次区,hospital,1,1,0,1,0\n"
                           "140702,榆次区,pharmacy,2,0,0,0,2\n"
                           "140703,太谷区,school,1,1,1,0,0\n");
    free(s);
    /* By township the county hospital stays under its county; inside 140702 only. */
    assert_int_equal(fk_reports_status(f->r, FK_LEVEL_TOWNSHIP, "140702", day("2022-08-28"), &t,
                                       err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "region,name,kind,units,reported,zero,late,missing\n"
                           "140702,榆次区,hospital,1,1,0,1,0\n"
                           "140702001,锦纶街道,township,1,1,1,0,0\n"
                           "140702001,锦纶街道,pharmacy,1,0,0,0,1\n"
                           "140702002,北关街道,pharmacy,1,0,0,0,1\n");
    free(s);
    /* A later deadline makes U2 on time. */
    fk_reports_free(f->r);
    f->p.reports_deadline_min = 18 * 60 + 1;
    assert_int_equal(fk_reports_build(f->st, &f->p, &f->r, err, sizeof err), FK_OK);
    assert_int_equal(
        fk_reports_status(f->r, FK_LEVEL_CITY, NULL, day("2022-08-28"), &t, err, sizeof err),
        FK_OK);
    s = csv_of(t);
    assert_non_null(strstr(s, "1407,晋中市,hospital,1,1,0,0,0\n"));
    free(s);
    assert_int_equal(
        fk_reports_status(f->r, FK_LEVEL_CITY, "9999", day("2022-08-28"), &t, err, sizeof err),
        FK_ENOENT);
}

static void test_report__missing_and_duty(void **state)
{
    struct fix *f = *state;
    fk_table *t = NULL;
    char err[200], *s;

    assert_int_equal(fk_reports_missing(f->r, NULL, day("2022-08-28"), -1, &t, err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    /* U4 never reported since reporting started 08-26: 3 days; U3 last on 08-26: 2. */
    assert_string_equal(s, "unit,name,kind,region,region_name,contact,days_silent\n"
                           "U4,药店二,pharmacy,140702002,北关街道,,3\n"
                           "U3,药店一,pharmacy,140702001,锦纶街道,李四 13900000000,2\n");
    free(s);
    assert_int_equal(fk_reports_missing(f->r, "140703", day("2022-08-28"), -1, &t, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 0);
    fk_table_free(t);
    /* A day after the data: everybody silent, U1 for one day. */
    assert_int_equal(
        fk_reports_missing(f->r, NULL, day("2022-08-29"), FK_UNIT_TOWNSHIP, &t, err, sizeof err),
        FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "unit,name,kind,region,region_name,contact,days_silent\n"
                           "U1,锦纶街道办,township,140702001,锦纶街道,王五 13800000000,1\n");
    free(s);
    assert_int_equal(fk_reports_duty(f->r, "140702", day("2022-08-28"), &t, err, sizeof err),
                     FK_OK);
    s = csv_of(t);
    assert_string_equal(s, "region,name,level,person,phone,role\n"
                           "140702,榆次区,county,,,\n"
                           "140702002,北关街道,township,,,\n"
                           "140702001,锦纶街道,township,钱七,,staff\n");
    free(s);
}

static void test_report__complete_indicator(void **state)
{
    struct fix *f = *state;
    fk_table *rows = NULL;
    int64_t num, den;
    char err[200];
    size_t i, late = 0, missing = 0;

    /* City, 08-01 .. 08-29 00:00: reporting started 08-26, so 08-26, 27, 28 x 5 units = 15.
     * On time: U3 08-26; U1 08-27; U1, U5 08-28 = 4 (U2 08-28 is late). */
    assert_int_equal(fk_report_complete_indicator(
                         f->st, NULL, &f->p, "1407", at("2022-08-01T00:00:00+08:00"),
                         at("2022-08-29T00:00:00+08:00"), &num, &den, &rows, err, sizeof err),
                     FK_OK);
    assert_int_equal(den, 15);
    assert_int_equal(num, 4);
    assert_int_equal(fk_table_nrows(rows), 15);
    for (i = 0; i < fk_table_nrows(rows); i++) {
        late += strcmp(fk_table_get(rows, i, 4), "late") == 0;
        missing += strcmp(fk_table_get(rows, i, 4), "missing") == 0;
    }
    assert_int_equal(late, 1);
    assert_int_equal(missing, 10);
    fk_table_free(rows);
    /* 140703 until 08-28 17:59:59: 08-28's deadline has not come, so 08-26 and 08-27 of U5,
     * neither reported. */
    assert_int_equal(fk_reports_complete(f->r, "140703", at("2022-08-01T00:00:00+08:00"),
                                         at("2022-08-28T17:59:59+08:00"), &num, &den, NULL, err,
                                         sizeof err),
                     FK_OK);
    assert_int_equal(den, 2);
    assert_int_equal(num, 0);
    /* A window from the start of time counts from the first report. */
    assert_int_equal(fk_reports_complete(f->r, "1407", INT64_MIN, at("2022-08-29T00:00:00+08:00"),
                                         &num, &den, NULL, err, sizeof err),
                     FK_OK);
    assert_int_equal(den, 15);
    assert_int_equal(num, 4);
    /* Before reporting started: no data. */
    assert_int_equal(fk_reports_complete(f->r, "1407", at("2022-07-01T00:00:00+08:00"),
                                         at("2022-08-01T00:00:00+08:00"), &num, &den, NULL, err,
                                         sizeof err),
                     FK_OK);
    assert_int_equal(den, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__kinds_and_dates),
        cmocka_unit_test(test_report__deadline_edges),
        cmocka_unit_test(test_report__days_silent),
        cmocka_unit_test(test_report__profile_deadline),
        cmocka_unit_test_setup_teardown(test_report__status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__missing_and_duty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report__complete_indicator, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
