/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/domain/idcard.c: GB 11643 resident IDs (check character, birth date, area
 * code, length, the exact reasons a clerk reads) and the format checks of other documents. The
 * valid numbers are synthetic, with check characters computed by hand from the standard's
 * weights. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/idcard.h"

static int check(const char *id, enum fk_id_type t, char *reason, size_t cap)
{
    return fk_id_check(id, strlen(id), t, reason, cap);
}

static void expect_reason(const char *id, enum fk_id_type t, const char *want)
{
    char reason[128];

    assert_int_equal(check(id, t, reason, sizeof reason), FK_EINVAL);
    assert_string_equal(reason, want);
}

static void test_idcard__valid_ids_pass(void **state)
{
    static const char *ids[] = {
        "11010519491231002X", "140702199001011231", "440304200002294568",
        "140729198405120018", "140703195604186602", "14070219850708007X",
    };
    char reason[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        reason[0] = 'z';
        assert_int_equal(check(ids[i], FK_ID_RESIDENT, reason, sizeof reason), FK_OK);
        assert_string_equal(reason, "");
    }
}

static void test_idcard__check_char_matches_standard(void **state)
{
    (void)state;
    assert_int_equal(fk_id_check_char("11010519491231002"), 'X');
    assert_int_equal(fk_id_check_char("14070219900101123"), '1');
    assert_int_equal(fk_id_check_char("14070319560418660"), '2');
    assert_int_equal(fk_id_check_char("1407031956041866A"), 0);
    assert_int_equal(fk_id_check_char("1407"), 0); /* stops at the NUL */
}

static void test_idcard__wrong_check_digit_says_which(void **state)
{
    (void)state;
    expect_reason("140702199001011235", FK_ID_RESIDENT, "check digit should be 1, not 5");
    expect_reason("110105194912310021", FK_ID_RESIDENT, "check digit should be X, not 1");
    expect_reason("140702199001011X31", FK_ID_RESIDENT,
                  "character 16 is 'X', the first 17 characters must be digits");
}

static void test_idcard__impossible_date_rejected(void **state)
{
    (void)state;
    expect_reason("140702199902301234", FK_ID_RESIDENT, "birth date 19990230 does not exist");
    expect_reason("140702199913011234", FK_ID_RESIDENT, "birth date 19991301 does not exist");
}

static void test_idcard__leap_day_2000_valid(void **state)
{
    (void)state;
    assert_int_equal(check("440304200002294568", FK_ID_RESIDENT, NULL, 0), FK_OK);
}

static void test_idcard__leap_day_1900_invalid(void **state)
{
    (void)state;
    expect_reason("140702190002291234", FK_ID_RESIDENT, "birth date 19000229 does not exist");
}

static void test_idcard__year_out_of_range(void **state)
{
    (void)state;
    expect_reason("140702189912311234", FK_ID_RESIDENT,
                  "birth year 1899 is out of range (1900 to 2100)");
}

static void test_idcard__length_17_and_19(void **state)
{
    (void)state;
    expect_reason("14070219900101123", FK_ID_RESIDENT,
                  "length is 17, a resident ID has 18 characters");
    expect_reason("1407021990010112311", FK_ID_RESIDENT,
                  "length is 19, a resident ID has 18 characters");
    expect_reason("", FK_ID_RESIDENT, "length is 0, a resident ID has 18 characters");
    /* full-width digits: 18 characters but 3 bytes each */
    expect_reason("１４０７０２１９９００１０１１２３１", FK_ID_RESIDENT,
                  "character 1 is not an ASCII digit or X (a full-width character?); retype it "
                  "with half-width digits");
    expect_reason("14070219900101123１", FK_ID_RESIDENT,
                  "character 18 is not an ASCII digit or X (a full-width character?); retype it "
                  "with half-width digits");
    expect_reason("140702199001011231号", FK_ID_RESIDENT,
                  "length is 19, a resident ID has 18 characters");
}

static void test_idcard__letters_in_body(void **state)
{
    (void)state;
    expect_reason("1407021990O1011231", FK_ID_RESIDENT,
                  "character 11 is 'O', the first 17 characters must be digits");
    expect_reason("14070219900101 231", FK_ID_RESIDENT,
                  "character 15 is a space, the first 17 characters must be digits");
}

static void test_idcard__unknown_province(void **state)
{
    (void)state;
    expect_reason("990702199001011231", FK_ID_RESIDENT,
                  "area code 990702 does not exist: 99 is not a province code");
}

static void test_idcard__lowercase_x_accepted(void **state)
{
    static const char raw[] = " 11010519491231002x\r\n";
    char out[32];

    (void)state;
    assert_int_equal(check("11010519491231002x", FK_ID_RESIDENT, NULL, 0), FK_OK);
    assert_int_equal(fk_id_normalize(raw, strlen(raw), out, sizeof out), 18);
    assert_string_equal(out, "11010519491231002X");
}

static void test_idcard__reason_truncated_to_cap(void **state)
{
    char reason[10];

    (void)state;
    assert_int_equal(check("140702199001011235", FK_ID_RESIDENT, reason, sizeof reason), FK_EINVAL);
    assert_string_equal(reason, "check dig");
}

static void test_idcard__id_type_parsing(void **state)
{
    static const struct {
        const char *s;
        enum fk_id_type t;
    } ok[] = {
        {"", FK_ID_RESIDENT},         {"resident", FK_ID_RESIDENT},   {"身份证", FK_ID_RESIDENT},
        {"passport", FK_ID_PASSPORT}, {"Passport", FK_ID_PASSPORT},   {"护照", FK_ID_PASSPORT},
        {"hk_macao", FK_ID_HK_MACAO}, {"港澳通行证", FK_ID_HK_MACAO}, {"taiwan", FK_ID_TAIWAN},
        {"台胞证", FK_ID_TAIWAN},     {" other ", FK_ID_OTHER},
    };
    enum fk_id_type t;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        t = FK_ID_OTHER;
        assert_int_equal(fk_id_type_parse(ok[i].s, strlen(ok[i].s), &t), FK_OK);
        assert_int_equal(t, ok[i].t);
    }
    assert_int_equal(fk_id_type_parse("驾照", strlen("驾照"), &t), FK_EINVAL);
    assert_int_equal(fk_id_type_parse("hk", 2, &t), FK_EINVAL);
    assert_string_equal(fk_id_type_name(FK_ID_RESIDENT), "resident");
    assert_string_equal(fk_id_type_name(FK_ID_HK_MACAO), "hk_macao");
    assert_string_equal(fk_id_type_name(FK_ID_TAIWAN), "taiwan");
}

static void test_idcard__passport_format(void **state)
{
    (void)state;
    assert_int_equal(check("E12345678", FK_ID_PASSPORT, NULL, 0), FK_OK);
    assert_int_equal(check("G1234", FK_ID_PASSPORT, NULL, 0), FK_OK);
    expect_reason("E123", FK_ID_PASSPORT,
                  "length is 4, a passport number has 5 to 20 letters and digits");
    expect_reason("E1234-678", FK_ID_PASSPORT,
                  "character 6 is '-', a passport number has only letters and digits");
}

static void test_idcard__hk_macao_format(void **state)
{
    (void)state;
    assert_int_equal(check("H12345678", FK_ID_HK_MACAO, NULL, 0), FK_OK);
    assert_int_equal(check("M1234567890", FK_ID_HK_MACAO, NULL, 0), FK_OK);
    expect_reason("K12345678", FK_ID_HK_MACAO,
                  "first character is 'K', a Hong Kong or Macao permit number starts with H or M");
    expect_reason("H1234567", FK_ID_HK_MACAO,
                  "length is 8, a Hong Kong or Macao permit number is H or M and 8 or 10 digits");
    expect_reason("H1234A678", FK_ID_HK_MACAO,
                  "character 6 is 'A', after H or M a Hong Kong or Macao permit number has only "
                  "digits");
}

static void test_idcard__taiwan_format(void **state)
{
    (void)state;
    assert_int_equal(check("12345678", FK_ID_TAIWAN, NULL, 0), FK_OK);
    assert_int_equal(check("1234567890", FK_ID_TAIWAN, NULL, 0), FK_OK);
    expect_reason("123456789", FK_ID_TAIWAN,
                  "length is 9, a Taiwan permit number has 8 or 10 digits");
    expect_reason("1234567A", FK_ID_TAIWAN,
                  "character 8 is 'A', a Taiwan permit number has only digits");
}

static void test_idcard__other_format(void **state)
{
    (void)state;
    assert_int_equal(check("X-1/2", FK_ID_OTHER, NULL, 0), FK_OK);
    expect_reason("A B", FK_ID_OTHER,
                  "character 2 is a space, a document number has only "
                  "letters, digits and punctuation other than commas");
    expect_reason("A,B", FK_ID_OTHER,
                  "character 2 is ',', a document number has only letters, "
                  "digits and punctuation other than commas");
    expect_reason("", FK_ID_OTHER, "length is 0, a document number has 1 to 32 characters");
}

/* A resident born after today is a typo (2062 for 2002): rejected against the day of now, which
 * the caller passes in. Born today is fine; a day early or late in UTC does not matter, the
 * day is Shanghai's. */
static void test_idcard__birth_after_today_rejected(void **state)
{
    /* 2026-12-06T00:30:00+08:00, still 2026-12-05 in UTC. */
    const int64_t now = INT64_C(1796488200);
    char id[19], reason[128];

    (void)state;
    memcpy(id, "14070220261206001", 17);
    id[17] = fk_id_check_char(id);
    id[18] = '\0';
    assert_int_equal(fk_id_check_at(id, 18, FK_ID_RESIDENT, now, reason, sizeof reason), FK_OK);
    memcpy(id, "14070220261207001", 17);
    id[17] = fk_id_check_char(id);
    assert_int_equal(fk_id_check(id, 18, FK_ID_RESIDENT, reason, sizeof reason), FK_OK);
    assert_int_equal(fk_id_check_at(id, 18, FK_ID_RESIDENT, now, reason, sizeof reason),
                     FK_EINVAL);
    assert_string_equal(reason, "birth date 20261207 is after today (2026-12-06)");
    memcpy(id, "14070220620301001", 17);
    id[17] = fk_id_check_char(id);
    assert_int_equal(fk_id_check_at(id, 18, FK_ID_RESIDENT, now, reason, sizeof reason),
                     FK_EINVAL);
    assert_string_equal(reason, "birth date 20620301 is after today (2026-12-06)");
    /* Other checks come first, and other documents have no birth date. */
    assert_int_equal(fk_id_check_at("14070220620301001", 17, FK_ID_RESIDENT, now, reason,
                                    sizeof reason),
                     FK_EINVAL);
    assert_string_equal(reason, "length is 17, a resident ID has 18 characters");
    assert_int_equal(fk_id_check_at("E12345678", 9, FK_ID_PASSPORT, now, reason, sizeof reason),
                     FK_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idcard__valid_ids_pass),
        cmocka_unit_test(test_idcard__check_char_matches_standard),
        cmocka_unit_test(test_idcard__wrong_check_digit_says_which),
        cmocka_unit_test(test_idcard__impossible_date_rejected),
        cmocka_unit_test(test_idcard__leap_day_2000_valid),
        cmocka_unit_test(test_idcard__leap_day_1900_invalid),
        cmocka_unit_test(test_idcard__year_out_of_range),
        cmocka_unit_test(test_idcard__length_17_and_19),
        cmocka_unit_test(test_idcard__letters_in_body),
        cmocka_unit_test(test_idcard__unknown_province),
        cmocka_unit_test(test_idcard__lowercase_x_accepted),
        cmocka_unit_test(test_idcard__reason_truncated_to_cap),
        cmocka_unit_test(test_idcard__id_type_parsing),
        cmocka_unit_test(test_idcard__passport_format),
        cmocka_unit_test(test_idcard__hk_macao_format),
        cmocka_unit_test(test_idcard__taiwan_format),
        cmocka_unit_test(test_idcard__other_format),
        cmocka_unit_test(test_idcard__birth_after_today_rejected),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
