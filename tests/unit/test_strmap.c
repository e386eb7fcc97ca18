/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/strmap.c: interning gives dense indexes in order of first insertion,
 * look-ups by (pointer, length) so keys need not be NUL-terminated, keys that are prefixes of
 * one another stay apart, values ride along, and a million keys survive every growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fk/strmap.h"

static int setup(void **state)
{
    *state = fk_strmap_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    fk_strmap_free(*state);
    return 0;
}

static int64_t intern(fk_strmap *m, const char *k, int *added)
{
    return fk_strmap_intern(m, k, strlen(k), added);
}

static int64_t find(const fk_strmap *m, const char *k)
{
    return fk_strmap_find(m, k, strlen(k));
}

/* Writes "K" and i as 7 digits into key (at least 9 bytes); cheaper than snprintf a million
 * times under the sanitizers. */
static size_t make_key(char *key, int64_t i)
{
    int d;

    key[0] = 'K';
    for (d = 7; d >= 1; d--) {
        key[d] = (char)('0' + i % 10);
        i /= 10;
    }
    key[8] = '\0';
    return 8;
}

static void test_strmap__empty(void **state)
{
    fk_strmap *m = *state;

    assert_int_equal(fk_strmap_size(m), 0);
    assert_int_equal(find(m, "x"), -1);
    assert_int_equal(find(m, ""), -1);
    fk_strmap_free(NULL); /* a no-op */
}

static void test_strmap__intern_and_find(void **state)
{
    fk_strmap *m = *state;
    int added = -1;

    assert_int_equal(intern(m, "alpha", &added), 0);
    assert_int_equal(added, 1);
    assert_int_equal(intern(m, "beta", &added), 1);
    assert_int_equal(added, 1);
    assert_int_equal(intern(m, "gamma", &added), 2);
    assert_int_equal(added, 1);
    assert_int_equal(intern(m, "alpha", &added), 0);
    assert_int_equal(added, 0);
    assert_int_equal(intern(m, "gamma", &added), 2);
    assert_int_equal(added, 0);
    assert_int_equal(fk_strmap_size(m), 3);
    assert_int_equal(find(m, "alpha"), 0);
    assert_int_equal(find(m, "beta"), 1);
    assert_int_equal(find(m, "gamma"), 2);
    assert_int_equal(find(m, "delta"), -1);
    assert_int_equal(find(m, "Alpha"), -1);
    assert_string_equal(fk_strmap_key(m, 0), "alpha");
    assert_string_equal(fk_strmap_key(m, 1), "beta");
    assert_string_equal(fk_strmap_key(m, 2), "gamma");
}

static void test_strmap__keys_are_slices(void **state)
{
    fk_strmap *m = *state;
    const char *line = "140702199001011231,张三";
    int added;

    /* The key is the first 18 bytes of a longer line; the stored key is NUL-terminated. */
    assert_int_equal(fk_strmap_intern(m, line, 18, &added), 0);
    assert_int_equal(added, 1);
    assert_string_equal(fk_strmap_key(m, 0), "140702199001011231");
    assert_int_equal(find(m, "140702199001011231"), 0);
    assert_int_equal(find(m, line), -1);
    assert_int_equal(fk_strmap_find(m, line, 17), -1);
}

static void test_strmap__prefix_keys_distinct(void **state)
{
    static const char *keys[] = {"T1", "T10", "T", "T100", "T1000", "", "T01", "T2"};
    fk_strmap *m = *state;
    const char *buf = "T1000";
    size_t i;
    int added;

    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_int_equal(intern(m, keys[i], &added), (int64_t)i);
        assert_int_equal(added, 1);
    }
    assert_int_equal(fk_strmap_size(m), sizeof keys / sizeof keys[0]);
    for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_int_equal(find(m, keys[i]), (int64_t)i);
        assert_string_equal(fk_strmap_key(m, (int64_t)i), keys[i]);
    }
    /* Prefixes of one buffer find their own entries. */
    assert_int_equal(fk_strmap_find(m, buf, 0), 5);
    assert_int_equal(fk_strmap_find(m, buf, 1), 2);
    assert_int_equal(fk_strmap_find(m, buf, 2), 0);
    assert_int_equal(fk_strmap_find(m, buf, 3), 1);
    assert_int_equal(fk_strmap_find(m, buf, 4), 3);
    assert_int_equal(fk_strmap_find(m, buf, 5), 4);
    assert_int_equal(find(m, "T10000"), -1);
    assert_int_equal(find(m, "T3"), -1);
}

static void test_strmap__values(void **state)
{
    fk_strmap *m = *state;
    int added;
    int64_t a = intern(m, "a", &added), b = intern(m, "b", &added);

    assert_int_equal(fk_strmap_value(m, a), 0);
    assert_int_equal(fk_strmap_value(m, b), 0);
    fk_strmap_set_value(m, a, INT64_C(-5));
    fk_strmap_set_value(m, b, INT64_MAX);
    assert_int_equal(fk_strmap_value(m, a), INT64_C(-5));
    assert_int_equal(fk_strmap_value(m, b), INT64_MAX);
    /* Re-interning does not reset the value. */
    assert_int_equal(intern(m, "a", &added), a);
    assert_int_equal(added, 0);
    assert_int_equal(fk_strmap_value(m, a), INT64_C(-5));
}

/* A million keys: every intern is new and gets the next index, every value and key survives the
 * growth of slots, entries and the key pool, and absent keys stay absent. */
static void test_strmap__million_keys(void **state)
{
    enum { N = 1000000 };
    fk_strmap *m = *state;
    char key[32];
    int64_t i;
    int added;

    for (i = 0; i < N; i++) {
        size_t n = make_key(key, i);
        int64_t got = fk_strmap_intern(m, key, n, &added);

        if (got != i || added != 1)
            fail_msg("intern %s gave %lld (added %d)", key, (long long)got, added);
        fk_strmap_set_value(m, got, i * 3 + 1);
    }
    assert_int_equal(fk_strmap_size(m), N);
    for (i = 0; i < N; i++) {
        size_t n = make_key(key, i);
        int64_t got = fk_strmap_find(m, key, n);

        if (got != i)
            fail_msg("find %s gave %lld", key, (long long)got);
        if (fk_strmap_value(m, i) != i * 3 + 1)
            fail_msg("value of %s is %lld", key, (long long)fk_strmap_value(m, i));
        if (strcmp(fk_strmap_key(m, i), key) != 0)
            fail_msg("key %lld is %s, want %s", (long long)i, fk_strmap_key(m, i), key);
    }
    assert_int_equal(find(m, "K1000000"), -1);
    assert_int_equal(find(m, "K000000"), -1);
    assert_int_equal(find(m, "k0000000"), -1);
    /* Interning an existing key after all that growth still finds it. */
    assert_int_equal(intern(m, "K0999999", &added), 999999);
    assert_int_equal(added, 0);
    assert_int_equal(fk_strmap_size(m), N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_strmap__empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strmap__intern_and_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strmap__keys_are_slices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strmap__prefix_keys_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strmap__values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strmap__million_keys, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
