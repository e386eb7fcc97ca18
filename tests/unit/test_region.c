/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/region.c: the level words of the regions file (English in any case,
 * the Chinese names), the parent/child rule over every pair of levels, region codes, and the
 * lon,lat coordinates of grids and venues. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/region.h"

static fk_slice S(const char *z)
{
    fk_slice s = {z, strlen(z)};

    return s;
}

static void expect_level(const char *word, enum fk_level want)
{
    enum fk_level l = FK_LEVEL_NONE;

    if (fk_level_parse(S(word), &l) != FK_OK)
        fail_msg("level '%s' was not accepted", word);
    if (l != want)
        fail_msg("level '%s' parsed as %d, want %d", word, (int)l, (int)want);
}

static void test_region__level_parse_english_any_case(void **state)
{
    (void)state;
    expect_level("province", FK_LEVEL_PROVINCE);
    expect_level("city", FK_LEVEL_CITY);
    expect_level("county", FK_LEVEL_COUNTY);
    expect_level("township", FK_LEVEL_TOWNSHIP);
    expect_level("community", FK_LEVEL_COMMUNITY);
    expect_level("grid", FK_LEVEL_GRID);
    expect_level("PROVINCE", FK_LEVEL_PROVINCE);
    expect_level("City", FK_LEVEL_CITY);
    expect_level("cOuNtY", FK_LEVEL_COUNTY);
    expect_level("TownShip", FK_LEVEL_TOWNSHIP);
    expect_level("COMMUNITY", FK_LEVEL_COMMUNITY);
    expect_level("Grid", FK_LEVEL_GRID);
}

static void test_region__level_parse_chinese(void **state)
{
    (void)state;
    expect_level("省", FK_LEVEL_PROVINCE);
    expect_level("市", FK_LEVEL_CITY);
    expect_level("区县", FK_LEVEL_COUNTY);
    expect_level("县", FK_LEVEL_COUNTY);
    expect_level("区", FK_LEVEL_COUNTY);
    expect_level("乡镇", FK_LEVEL_TOWNSHIP);
    expect_level("街道", FK_LEVEL_TOWNSHIP);
    expect_level("社区", FK_LEVEL_COMMUNITY);
    expect_level("村", FK_LEVEL_COMMUNITY);
    expect_level("网格", FK_LEVEL_GRID);
}

static void test_region__level_parse_rejects(void **state)
{
    static const char *bad[] = {
        "",        "state", "grids", "gri", "province1", "district",
        "village", "省份",  "网",    "6",   "grid,",     "\xE7\xBD\x91",
    };
    enum fk_level l;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (fk_level_parse(S(bad[i]), &l) != FK_EINVAL)
            fail_msg("level '%s' was accepted", bad[i]);
    }
}

static void test_region__level_parse_slice_bounds(void **state)
{
    fk_slice s = {"gridlock", 4};
    enum fk_level l = FK_LEVEL_NONE;

    (void)state;
    assert_int_equal(fk_level_parse(s, &l), FK_OK);
    assert_int_equal(l, FK_LEVEL_GRID);
    s.n = 5;
    assert_int_equal(fk_level_parse(s, &l), FK_EINVAL);
}

static void test_region__level_name(void **state)
{
    enum fk_level l;

    (void)state;
    assert_string_equal(fk_level_name(FK_LEVEL_NONE), "");
    assert_string_equal(fk_level_name(FK_LEVEL_PROVINCE), "province");
    assert_string_equal(fk_level_name(FK_LEVEL_CITY), "city");
    assert_string_equal(fk_level_name(FK_LEVEL_COUNTY), "county");
    assert_string_equal(fk_level_name(FK_LEVEL_TOWNSHIP), "township");
    assert_string_equal(fk_level_name(FK_LEVEL_COMMUNITY), "community");
    assert_string_equal(fk_level_name(FK_LEVEL_GRID), "grid");
    /* name and parse are inverses */
    for (l = FK_LEVEL_PROVINCE; l <= FK_LEVEL_GRID; l++)
        expect_level(fk_level_name(l), l);
}

static void test_region__child_ok_named_cases(void **state)
{
    (void)state;
    assert_int_equal(fk_level_child_ok(FK_LEVEL_NONE, FK_LEVEL_PROVINCE), FK_OK);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_NONE, FK_LEVEL_CITY), FK_OK);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_NONE, FK_LEVEL_COUNTY), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_NONE, FK_LEVEL_GRID), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_PROVINCE, FK_LEVEL_CITY), FK_OK);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_PROVINCE, FK_LEVEL_COUNTY), FK_OK); /* 直辖 */
    assert_int_equal(fk_level_child_ok(FK_LEVEL_COMMUNITY, FK_LEVEL_GRID), FK_OK);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_CITY, FK_LEVEL_CITY), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_GRID, FK_LEVEL_GRID), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_COUNTY, FK_LEVEL_CITY), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_CITY, FK_LEVEL_NONE), FK_EINVAL);
    assert_int_equal(fk_level_child_ok(FK_LEVEL_NONE, FK_LEVEL_NONE), FK_EINVAL);
}

/* Every pair: a child must be a real level, strictly deeper than its parent; a root must be a
 * province or a city. */
static void test_region__child_ok_all_pairs(void **state)
{
    int p, c;

    (void)state;
    for (p = FK_LEVEL_NONE; p <= FK_LEVEL_GRID; p++) {
        for (c = FK_LEVEL_NONE; c <= FK_LEVEL_GRID; c++) {
            int ok = c >= FK_LEVEL_PROVINCE && (p == FK_LEVEL_NONE ? c <= FK_LEVEL_CITY : c > p);
            int rc = fk_level_child_ok((enum fk_level)p, (enum fk_level)c);

            if (rc != (ok ? FK_OK : FK_EINVAL))
                fail_msg("child_ok(%d, %d) = %d", p, c, rc);
        }
    }
}

static void test_region__code_ok(void **state)
{
    static const char *good[] = {
        "140700",     "1",    "a",        "Z",
        "140702-001", "g_01", "14.07.02", "0123456789012345678901234567890",
    };
    static const char *bad[] = {
        "",         "14 07", "1407,02",
        "14/07",    "张",    "1407\n",
        "\"1407\"", "a+b",   "01234567890123456789012345678901",
    };
    size_t i;

    (void)state;
    assert_int_equal(strlen(good[7]), 31);
    assert_int_equal(strlen(bad[8]), 32);
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (fk_region_code_ok(S(good[i])) != FK_OK)
            fail_msg("code '%s' rejected", good[i]);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (fk_region_code_ok(S(bad[i])) != FK_EINVAL)
            fail_msg("code '%s' accepted", bad[i]);
    }
}

/* lon,lat: both or neither, decimal degrees inside China's extent, normalised to at most 6
 * decimals; a swapped pair is named as such; the reason says which column and why. */
static void test_region__coord_parse(void **state)
{
    static const struct {
        const char *lon, *lat, *want_lon, *want_lat;
    } good[] = {
        {"", "", "", ""},
        {"112.7523", "37.6970", "112.7523", "37.697"},
        {"113", "37.5", "113", "37.5"},
        {"+112.1234567", "37.00000049", "112.123457", "37"},
        {"73", "54", "73", "54"},
        {"136.0", "3.0", "136", "3"},
    };
    static const struct {
        const char *lon, *lat, *why;
    } bad[] = {
        {"112.75", "", "lat is empty but lon is 112.75: give both or neither"},
        {"", "37.6", "lon is empty but lat is 37.6: give both or neither"},
        {"37.69", "112.75",
         "lon 37.69 is outside 73 to 136 (east longitude): are lon and lat the wrong way round?"},
        {"200", "37", "lon 200 is outside 73 to 136 (east longitude)"},
        {"112", "-37", "lat -37 is outside 3 to 54 (north latitude)"},
        {"112,5", "37", "lon '112,5' is not a number of degrees (like 112.7523)"},
        {"1e2", "37", "lon '1e2' is not a number of degrees (like 112.7523)"},
        {"112", "inf", "lat 'inf' is not a number of degrees (like 112.7523)"},
        {"112.5.1", "37", "lon '112.5.1' is not a number of degrees (like 112.7523)"},
        {"-", "37", "lon '-' is not a number of degrees (like 112.7523)"},
        {"0x70", "37", "lon '0x70' is not a number of degrees (like 112.7523)"},
    };
    char lon[FK_COORD_MAX], lat[FK_COORD_MAX], why[200];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        why[0] = '\0';
        if (fk_coord_parse(S(good[i].lon), S(good[i].lat), lon, lat, why, sizeof why) != FK_OK)
            fail_msg("%s,%s rejected: %s", good[i].lon, good[i].lat, why);
        assert_string_equal(lon, good[i].want_lon);
        assert_string_equal(lat, good[i].want_lat);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (fk_coord_parse(S(bad[i].lon), S(bad[i].lat), lon, lat, why, sizeof why) != FK_EINVAL)
            fail_msg("%s,%s accepted", bad[i].lon, bad[i].lat);
        assert_string_equal(why, bad[i].why);
        assert_string_equal(lon, "");
        assert_string_equal(lat, "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region__level_parse_english_any_case),
        cmocka_unit_test(test_region__level_parse_chinese),
        cmocka_unit_test(test_region__level_parse_rejects),
        cmocka_unit_test(test_region__level_parse_slice_bounds),
        cmocka_unit_test(test_region__level_name),
        cmocka_unit_test(test_region__child_ok_named_cases),
        cmocka_unit_test(test_region__child_ok_all_pairs),
        cmocka_unit_test(test_region__code_ok),
        cmocka_unit_test(test_region__coord_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
