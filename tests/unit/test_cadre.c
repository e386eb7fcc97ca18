/* SPDX-License-Identifier: MIT */
/* Unit tests of 包保 (issue 17): lib/domain/cadre.c (roles and their Chinese names, phones, the
 * leader's levels, the missing roles of a person), the profile's [assign] roles, and the gap
 * computation of lib/engine/assign.c over a small store: a person at home lacking roles, one with
 * all five, one released, one centralized and one whose order starts later; a region with a
 * leader and regions without. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/assign.h"
#include "fk/cadre.h"
#include "fk/engine.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/time.h"
#include "testutil.h"

static fk_slice sl(const char *s)
{
    return (fk_slice){s, strlen(s)};
}

static void test_cadre__roles(void **state)
{
    struct fk_profile p;
    char code[32], text[200];
    int idx;

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(p.nassign_roles, 5);
    assert_int_equal(fk_cadre_role_parse(&p, sl(" Leader "), code, sizeof code, &idx), FK_OK);
    assert_string_equal(code, "leader");
    assert_int_equal(idx, FK_CADRE_ROLE_LEADER);
    assert_int_equal(fk_cadre_role_parse(&p, sl("医生"), code, sizeof code, &idx), FK_OK);
    assert_string_equal(code, "doctor");
    assert_int_equal(idx, 2);
    assert_int_equal(fk_cadre_role_parse(&p, sl("社区干部"), code, sizeof code, &idx), FK_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(fk_cadre_role_parse(&p, sl("volunteer"), code, sizeof code, &idx), FK_OK);
    assert_int_equal(idx, 4);
    assert_int_equal(fk_cadre_role_parse(&p, sl("mayor"), code, sizeof code, &idx), FK_EINVAL);
    assert_string_equal(code, "");
    assert_int_equal(fk_cadre_role_parse(&p, sl(""), code, sizeof code, &idx), FK_EINVAL);
    assert_string_equal(fk_cadre_roles_text(&p, text, sizeof text),
                        "leader, grid_worker, community_cadre, doctor, police or volunteer");
    assert_int_equal(fk_cadre_role_index(&p, "police"), 3);
    assert_int_equal(fk_cadre_role_index(&p, "Police"), -2);
    assert_true(fk_cadre_leader_level_ok(FK_LEVEL_COUNTY));
    assert_true(fk_cadre_leader_level_ok(FK_LEVEL_GRID));
    assert_false(fk_cadre_leader_level_ok(FK_LEVEL_CITY));
    assert_false(fk_cadre_leader_level_ok(FK_LEVEL_PROVINCE));
}

static void test_cadre__phone(void **state)
{
    static const char *const good[] = {"13800000001", "+86 138-0000-0001", "0354-1234567",
                                       "1234567", "12345678901234567890"};
    static const char *const bad[] = {"",
                                      "123456",
                                      "12ab",
                                      "138 ",
                                      "-1380000000",
                                      "138--0000000",
                                      "123456789012345678901",
                                      "1380000000+1",
                                      "１３８００００００"};
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(fk_cadre_phone_ok(sl(good[i])));
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(fk_cadre_phone_ok(sl(bad[i])));
}

static void test_cadre__missing(void **state)
{
    struct fk_profile p;
    char out[200], tiny[8];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(fk_cadre_missing(&p, 0x1F, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(fk_cadre_missing(&p, 0, out, sizeof out), 5);
    assert_string_equal(out, "grid_worker;community_cadre;doctor;police;volunteer");
    assert_int_equal(fk_cadre_missing(&p, (1u << 0) | (1u << 1) | (1u << 3), out, sizeof out), 2);
    assert_string_equal(out, "doctor;volunteer");
    /* a short buffer is cut, the count is still whole */
    assert_int_equal(fk_cadre_missing(&p, 0, tiny, sizeof tiny), 5);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

static void test_cadre__profile(void **state)
{
    struct fk_profile p;
    char err[200];

    (void)state;
    fk_profile_defaults(&p);
    assert_int_equal(
        fk_profile_parse("[assign]\nroles = doctor, police,grid_worker\n", &p, err, sizeof err),
        FK_OK);
    assert_int_equal(p.nassign_roles, 3);
    assert_string_equal(p.assign_roles[1], "police");
    fk_profile_defaults(&p);
    assert_int_equal(fk_profile_parse("[assign]\nroles = doctor,leader\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_non_null(strstr(err, "leader is the role of"));
    assert_int_equal(fk_profile_parse("[assign]\nroles = doctor,doctor\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[assign]\nroles = Doctor\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[assign]\nroles = a,,b\n", &p, err, sizeof err), FK_EINVAL);
    assert_int_equal(fk_profile_parse("[assign]\nroles = a,b,c,d,e,f,g,h,i\n", &p, err, sizeof err),
                     FK_EINVAL);
    assert_int_equal(fk_profile_parse("[assign]\nleaders = x\n", &p, err, sizeof err), FK_EINVAL);
    /* untouched by the failures */
    assert_int_equal(p.nassign_roles, 5);
}

/* The cell of t in row and the column named col, or "" (NULL cells too). */
static const char *cell(const fk_table *t, size_t row, const char *col)
{
    size_t c;

    for (c = 0; c < fk_table_ncols(t); c++)
        if (strcmp(fk_table_col(t, c)->name, col) == 0)
            return fk_table_get(t, row, c) ? fk_table_get(t, row, c) : "";
    return "";
}

static void test_assign__gaps(void **state)
{
    struct store_fixture *f = *state;
    struct fk_profile p;
    struct fk_import_summary sum;
    char id[5][19], text[4096], err[256];
    fk_engine *e = NULL;
    fk_table *persons = NULL, *regions = NULL, *load = NULL;
    int64_t now;
    int i;

    fk_profile_defaults(&p);
    for (i = 0; i < 5; i++) {
        char body[18];

        snprintf(body, sizeof body, "14070219800101%03d", 100 + i);
        make_id(body, id[i]);
    }
    assert_int_equal(
        import_text(f->st, &p, f->dir, FK_IMPORT_REGIONS, TWO_COUNTIES_CSV, &sum, err, sizeof err),
        FK_OK);
    snprintf(text, sizeof text,
             "id_number,name,grid\n%s,甲,%s\n%s,乙,%s\n%s,丙,%s\n%s,丁,%s\n%s,戊,%s\n", id[0],
             TEST_G1, id[1], TEST_G2, id[2], TEST_G1, id[3], TEST_H1, id[4], TEST_G1);
    assert_int_equal(import_text(f->st, &p, f->dir, FK_IMPORT_PERSONS, text, &sum, err, sizeof err),
                     FK_OK);
    /* 甲 and 乙 at home now; 丙 released; 丁 at home in 太谷区; 戊 centralized */
    snprintf(text, sizeof text,
             "id_number,category,place,start,end\n"
             "%s,close,home,2022-08-28T10:00:00+08:00,\n"
             "%s,close,home,2022-08-29T10:00:00+08:00,\n"
             "%s,close,home,2022-08-20T10:00:00+08:00,2022-08-27T10:00:00+08:00\n"
             "%s,close,home,2022-08-28T10:00:00+08:00,\n"
             "%s,close,centralized,2022-08-28T10:00:00+08:00,\n",
             id[0], id[1], id[2], id[3], id[4]);
    assert_int_equal(
        import_text(f->st, &p, f->dir, FK_IMPORT_CONTROLS, text, &sum, err, sizeof err), FK_OK);
    /* 甲 has all five; 乙 a grid worker and a doctor; 丙 (released) none; leaders for 榆次区 and
     * its grid G1 */
    snprintf(text, sizeof text,
             "cadre,phone,role,region,id_number\n"
             "王,13800000001,grid_worker,%s,%s\n"
             "李,13800000002,community_cadre,140702001001,%s\n"
             "赵,13800000003,doctor,140702,%s\n"
             "钱,13800000004,police,140702001,%s\n"
             "孙,13800000005,volunteer,140702,%s\n"
             "王,13800000001,grid_worker,%s,%s\n"
             "赵,13800000003,医生,140702,%s\n"
             "周,13800000009,leader,140702,\n"
             "周,13800000009,leader,%s,\n",
             TEST_G1, id[0], id[0], id[0], id[0], id[0], TEST_G2, id[1], id[1], TEST_G1);
    assert_int_equal(
        import_text(f->st, &p, f->dir, FK_IMPORT_ASSIGNMENTS, text, &sum, err, sizeof err), FK_OK);
    assert_int_equal(sum.accepted, 9);
    assert_int_equal(sum.rejected, 0);
    assert_int_equal(fk_engine_build(f->st, &p, &e, err, sizeof err), FK_OK);
    assert_int_equal(fk_time_parse("2022-09-01T12:00:00+08:00", 25, &now), FK_OK);

    /* the city: 乙 lacks three roles, 丁 all five; 甲 is complete, 丙 released, 戊 not at home */
    assert_int_equal(fk_assign_gaps(f->st, e, &p, NULL, now, &persons, &regions, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(persons), 2);
    assert_string_equal(cell(persons, 0, "id_number"), id[1]);
    assert_string_equal(cell(persons, 0, "missing"), "community_cadre;police;volunteer");
    assert_string_equal(cell(persons, 0, "control_start"), "2022-08-29T10:00:00+08:00");
    assert_string_equal(cell(persons, 0, "grid_name"), "二网格");
    assert_string_equal(cell(persons, 1, "id_number"), id[3]);
    assert_string_equal(cell(persons, 1, "missing"),
                        "grid_worker;community_cadre;doctor;police;volunteer");
    /* regions without a leader: 太谷区, both townships, both communities, G2 and H1 */
    assert_int_equal(fk_table_nrows(regions), 7);
    assert_string_equal(cell(regions, 0, "region"), "140703");
    assert_string_equal(cell(regions, 0, "level"), "county");
    assert_string_equal(cell(regions, 6, "region"), TEST_H1);
    fk_table_free(persons);
    fk_table_free(regions);

    /* 榆次区 only: 丁 and 太谷区's regions are gone */
    assert_int_equal(
        fk_assign_gaps(f->st, e, &p, "140702", now, &persons, &regions, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(persons), 1);
    assert_int_equal(fk_table_nrows(regions), 3);
    fk_table_free(persons);
    fk_table_free(regions);

    /* before 乙's order started, only 丁 lacks anyone */
    assert_int_equal(fk_time_parse("2022-08-28T12:00:00+08:00", 25, &now), FK_OK);
    assert_int_equal(fk_assign_gaps(f->st, e, &p, NULL, now, &persons, &regions, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(persons), 1);
    assert_string_equal(cell(persons, 0, "id_number"), id[3]);
    fk_table_free(persons);
    fk_table_free(regions);

    /* the load: 王 and 赵 look after two at home, 李, 钱 and 孙 one, and last the leader 周, who
     * leads two regions and looks after nobody */
    assert_int_equal(fk_time_parse("2022-09-01T12:00:00+08:00", 25, &now), FK_OK);
    assert_int_equal(fk_assign_load(f->st, e, &p, NULL, now, &load, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(load), 6);
    assert_string_equal(cell(load, 0, "cadre"), "王");
    assert_string_equal(cell(load, 0, "persons"), "2");
    assert_string_equal(cell(load, 1, "cadre"), "赵");
    assert_string_equal(cell(load, 2, "cadre"), "李");
    assert_string_equal(cell(load, 5, "cadre"), "周");
    assert_string_equal(cell(load, 5, "roles"), "leader");
    assert_string_equal(cell(load, 5, "regions"), "2");
    assert_string_equal(cell(load, 5, "persons"), "0");
    fk_table_free(load);

    /* an unknown region */
    assert_int_equal(fk_assign_gaps(f->st, e, &p, "999", now, &persons, &regions, err, sizeof err),
                     FK_ENOENT);
    assert_null(persons);
    assert_null(regions);
    fk_engine_free(e);
}

static int setup(void **state)
{
    return store_fixture_open(state, "cadre");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cadre__roles),
        cmocka_unit_test(test_cadre__phone),
        cmocka_unit_test(test_cadre__missing),
        cmocka_unit_test(test_cadre__profile),
        cmocka_unit_test_setup_teardown(test_assign__gaps, setup, store_fixture_close),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
