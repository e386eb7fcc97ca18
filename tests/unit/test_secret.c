/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/secret.c and the log escape of lib/util/str.c: the account rules that
 * fangkong user add and POST /api/v1/users share (names, password length, cracklib), hashing at
 * the test-only cost, passwords over 1 024 bytes, and control characters escaped for the log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/secret.h"
#include "fk/str.h"

static void test_secret__user_names(void **state)
{
    char name[80];

    (void)state;
    assert_true(fk_user_name_valid("chief"));
    assert_true(fk_user_name_valid("grid.140702-01_a"));
    assert_true(fk_user_name_valid("0"));
    assert_false(fk_user_name_valid(""));
    assert_false(fk_user_name_valid("a/b"));
    assert_false(fk_user_name_valid("Chief"));
    assert_false(fk_user_name_valid("a b"));
    assert_false(fk_user_name_valid("a,b"));
    assert_false(fk_user_name_valid("a\"b"));
    assert_false(fk_user_name_valid("a\nb"));
    assert_false(fk_user_name_valid("\xe5\xbc\xa0"));
    memset(name, 'n', 64);
    name[64] = '\0';
    assert_true(fk_user_name_valid(name));
    name[64] = 'n';
    name[65] = '\0';
    assert_false(fk_user_name_valid(name));
}

static void test_secret__password_rules(void **state)
{
    char why[256], big[1100];

    (void)state;
    assert_int_equal(fk_password_weak("chief", "Lantern-Harbor-58", why, sizeof why), 0);
    assert_int_equal(fk_password_weak("chief", "short-pw1", why, sizeof why), 1);
    assert_non_null(strstr(why, "at least 10"));
    assert_int_equal(fk_password_weak("chief", "abcdefghijkl", why, sizeof why), 1);
    assert_non_null(strstr(why, "too easy to guess"));
    assert_int_equal(fk_password_weak("chief", "aaaaaaaaaaaa", why, sizeof why), 1);
    memset(big, 'k', 1025);
    big[1025] = '\0';
    assert_int_equal(fk_password_weak("chief", big, why, sizeof why), 1);
    assert_non_null(strstr(why, "at most 1024"));
}

static void test_secret__hash_limits_and_test_cost(void **state)
{
    char hash[FK_PWHASH_MAX], big[1100];

    (void)state;
    assert_int_equal(fk_secret_init(), FK_OK);
    fk_password_set_test_cost(1);
    assert_int_equal(fk_password_test_cost(), 1);
    assert_int_equal(fk_password_hash("Lantern-Harbor-58", hash), FK_OK);
    assert_non_null(strstr(hash, "$argon2id$"));
    assert_non_null(strstr(hash, "m=8,t=1"));
    assert_int_equal(fk_password_verify(hash, "Lantern-Harbor-58"), FK_OK);
    assert_int_equal(fk_password_verify(hash, "Lantern-Harbor-59"), FK_EPERM);
    memset(big, 'k', 1025);
    big[1025] = '\0';
    assert_int_equal(fk_password_hash(big, hash), FK_EINVAL);
    assert_int_equal(fk_password_verify(hash, big), FK_EPERM);
    fk_password_set_test_cost(0);
}

static void test_secret__log_escape(void **state)
{
    char out[64];

    (void)state;
    assert_string_equal(fk_str_escape(out, sizeof out, "plain 名字"), "plain 名字");
    assert_string_equal(fk_str_escape(out, sizeof out, "a\nb\r\x1b[1m\x7f\\"),
                        "a\\x0ab\\x0d\\x1b[1m\\x7f\\x5c");
    assert_string_equal(fk_str_escape(out, sizeof out, NULL), "");
    /* Cut short, never overflowing, never half an escape. */
    assert_string_equal(fk_str_escape(out, 6, "ab\ncd"), "ab");
    assert_string_equal(fk_str_escape(out, 4, "abcdef"), "abc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret__user_names),
        cmocka_unit_test(test_secret__password_rules),
        cmocka_unit_test(test_secret__hash_limits_and_test_cost),
        cmocka_unit_test(test_secret__log_escape),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
