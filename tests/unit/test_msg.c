/* SPDX-License-Identifier: MIT */
/* The message catalogue (fk/msg.h): rendering keeps the English of before, the codes are
 * unique, and a rendered text parses back to its code and arguments, a nested reason too; the
 * ID check's reasons are the catalogue's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/msg.h"

static void test_msg__render_keeps_the_english(void **state)
{
    char b[256];

    (void)state;
    fk_msg_render(b, sizeof b, FK_MSG_ID_CHECK_DIGIT, "X", "0");
    assert_string_equal(b, "check digit should be X, not 0");
    fk_msg_render(b, sizeof b, FK_MSG_TRACE_HOUSEHOLD_CLOSE, "1101", "张三", "T0");
    assert_string_equal(b, "same household as 1101 张三; exposed from T0, the start of 1101's "
                           "infectious window");
    assert_int_equal(fk_msg_render(b, 8, FK_MSG_ALERT_POSITIVE, "T1"), strlen("tube T1 positive"));
    assert_string_equal(b, "tube T1");
    assert_int_equal(fk_msg_nargs(FK_MSG_TRACE_VENUE), 6);
}

static void test_msg__codes_unique(void **state)
{
    int i, j;

    (void)state;
    for (i = 0; i < FK_MSG__COUNT; i++) {
        assert_non_null(fk_msg_code((enum fk_msg_id)i));
        for (j = 0; j < i; j++)
            assert_string_not_equal(fk_msg_code((enum fk_msg_id)i), fk_msg_code((enum fk_msg_id)j));
    }
    assert_null(fk_msg_code(FK_MSG__COUNT));
}

static void test_msg__parse_back(void **state)
{
    fk_buf b;
    const char *t = "id_number 140729199403074850: check digit should be 0, not X; unknown grid "
                    "G9 (import regions first); a reason of no message";

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_msg_parse_json("tube T1 positive", 16, "alert.", &b), FK_OK);
    assert_string_equal(b.data, "{\"code\":\"alert.positive\",\"args\":{\"tube\":\"T1\"}}");
    fk_buf_reset(&b);
    assert_int_equal(fk_msg_parse_json("tube T1 positive", 16, "row.", &b), FK_ENOENT);
    assert_int_equal(fk_msg_list_json(t, strlen(t), NULL, &b), FK_OK);
    assert_string_equal(b.data,
                        "[{\"code\":\"row.id\",\"args\":{\"id\":\"140729199403074850\",\"reason\":"
                        "{\"code\":\"id.check_digit\",\"args\":{\"want\":\"0\",\"got\":\"X\"}}}},"
                        "{\"code\":\"row.unknown_grid\",\"args\":{\"grid\":\"G9\"}},"
                        "{\"code\":null,\"text\":\"a reason of no message\"}]");
    fk_buf_reset(&b);
    /* A message that holds "; " itself stays one. */
    t = "id_number X: character 3 is not an ASCII digit or X (a full-width character?); retype it "
        "with half-width digits";
    assert_int_equal(fk_msg_list_json(t, strlen(t), NULL, &b), FK_OK);
    assert_non_null(strstr(b.data, "\"code\":\"id.fullwidth\",\"args\":{\"pos\":\"3\"}"));
    fk_buf_fini(&b);
}

static void test_msg__idcard_reasons_are_the_catalogue(void **state)
{
    char why[256];
    fk_buf b;

    (void)state;
    assert_int_equal(fk_id_check("140729199403074850", 18, FK_ID_RESIDENT, why, sizeof why),
                     FK_EINVAL);
    fk_buf_init(&b, 0);
    assert_int_equal(fk_msg_parse_json(why, strlen(why), "id.", &b), FK_OK);
    assert_non_null(strstr(b.data, "\"code\":\"id.check_digit\""));
    fk_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg__render_keeps_the_english),
        cmocka_unit_test(test_msg__codes_unique),
        cmocka_unit_test(test_msg__parse_back),
        cmocka_unit_test(test_msg__idcard_reasons_are_the_catalogue),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
