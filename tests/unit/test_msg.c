/* SPDX-License-Identifier: MIT */
/* The message catalogue (fk/msg.h): rendering keeps the English of before, the codes are
 * unique, and a rendered text parses back to its code and arguments, a nested reason too; the
 * ID check's reasons are the catalogue's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* Every message, rendered with arguments of its own, parses back to its code and arguments,
 * also among the catalogue's more general templates ("{event} at {device}"). */
static void test_msg__every_message_parses_back(void **state)
{
    const char *a[FK_MSG_MAX_ARGS] = {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"};
    char text[1024], want[128];
    fk_buf b;
    int i;

    (void)state;
    fk_buf_init(&b, 0);
    for (i = 0; i < FK_MSG__COUNT; i++) {
        fk_buf_reset(&b);
        fk_msg_render(text, sizeof text, (enum fk_msg_id)i, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                      a[7]);
        assert_int_equal(fk_msg_parse_json(text, strlen(text), NULL, &b), FK_OK);
        snprintf(want, sizeof want, "{\"code\":\"%s\",\"args\":{", fk_msg_code((enum fk_msg_id)i));
        if (strncmp(b.data, want, strlen(want)) != 0)
            fail_msg("%s: %s parses as %s", fk_msg_code((enum fk_msg_id)i), text, b.data);
        if (fk_msg_nargs((enum fk_msg_id)i) > 0)
            assert_non_null(strstr(b.data, "\"v0\""));
        assert_int_equal(fk_msg_match(text, strlen(text), NULL), i);
    }
    fk_buf_fini(&b);
}

/* The reasons ingest.c, csv.c and region.c wrote as plain English are the catalogue's, byte for
 * byte, and the more specific of two templates that fit is the one a text parses as. */
static void test_msg__old_english_kept(void **state)
{
    static const struct {
        const char *text, *code;
    } old[] = {
        {"name holds a bidirectional control U+202E at byte 4", "row.bidi"},
        {"name holds a control character U+0009 at byte 1", "row.control"},
        {"level 'town' is not province, city, county, township, community or grid", "row.level"},
        {"level '' is not province, city, county, township, community or grid", "row.level"},
        {"a county cannot sit under G1, a grid", "row.level_under"},
        {"resident 140702199001010012 is registered outside your scope 140702: an account whose "
         "scope holds both places moves them",
         "row.resident_moves"},
        {"resident 140702199001010012 is registered outside your scope 140702",
         "row.resident_outside"},
        {"unknown regime x9 (the profile has no [regime.x9])", "row.regime"},
        {"invalid UTF-8 in field name at byte 3", "row.csv_utf8"},
        {"field 3 is not valid UTF-8 text", "row.utf8_n"},
        {"lon 32.1 is outside 73 to 136 (east longitude): are lon and lat the wrong way round?",
         "row.coord_swapped"},
        {"missing required column 'grid': a persons file needs id_number,name,grid; this header "
         "has: id_number,name",
         "file.missing_column"},
        {"region 140781 is outside your scope 140702", "err.scope"},
        {"a viewer account may not do this", "err.role"},
        {"limit must be a whole number from 1 to 10000, not '5x'", "err.whole_not"},
        {"ask for a region inside your scope", "hint.scope"},
        {"a county account may not manage accounts", "err.may_accounts"},
        {"the release rule of the control is not met: day 3 of 7 (--force releases anyway)",
         "err.release_rule_any"},
    };
    const char *rule = "the release rule of isolation7 is not met: 2 negative results in a row "
                       "needed, 1 so far (--force releases anyway)";
    fk_buf b;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof old / sizeof old[0]; i++) {
        int id = fk_msg_match(old[i].text, strlen(old[i].text), NULL);

        if (id < 0 || strcmp(fk_msg_code((enum fk_msg_id)id), old[i].code) != 0)
            fail_msg("%s: %s, not %s", old[i].text, id < 0 ? "none" : fk_msg_code(id), old[i].code);
    }
    /* The reason of a release refused is a message of its own. */
    fk_buf_init(&b, 0);
    assert_int_equal(fk_msg_parse_json(rule, strlen(rule), "err.", &b), FK_OK);
    assert_string_equal(b.data, "{\"code\":\"err.release_rule\",\"args\":{\"regime\":"
                                "\"isolation7\",\"reason\":{\"code\":\"release.negatives\","
                                "\"args\":{\"need\":\"2\",\"got\":\"1\"}}}}");
    fk_buf_fini(&b);
}

/* A text made to fit a template in very many ways costs bounded work, and a message as long
 * still parses. */
static void test_msg__match_bounded(void **state)
{
    char text[1100] = "no endpoint /";
    size_t len = strlen(text);
    clock_t t0;
    fk_buf b;
    int i;

    (void)state;
    for (i = 0; i < 40; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "x is outside y to z (w) ");
    snprintf(text + len, sizeof text - len, ")");
    fk_buf_init(&b, 0);
    assert_int_equal(fk_msg_parse_json(text, strlen(text), "err.", &b), FK_OK);
    assert_non_null(strstr(b.data, "\"code\":\"err.no_endpoint\""));
    fk_buf_reset(&b);
    t0 = clock();
    for (i = 0; i < 5; i++)
        (void)fk_msg_parse_json(text + 13, strlen(text + 13), NULL, &b);
    /* Unbounded, this took 0.66 s of processor time each on the build machine. */
    if ((double)(clock() - t0) / CLOCKS_PER_SEC > 0.5)
        fail_msg("5 parses of a text that fits many ways took %.2f s",
                 (double)(clock() - t0) / CLOCKS_PER_SEC);
    fk_buf_fini(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msg__render_keeps_the_english),
        cmocka_unit_test(test_msg__codes_unique),
        cmocka_unit_test(test_msg__parse_back),
        cmocka_unit_test(test_msg__idcard_reasons_are_the_catalogue),
        cmocka_unit_test(test_msg__every_message_parses_back),
        cmocka_unit_test(test_msg__old_english_kept),
        cmocka_unit_test(test_msg__match_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
