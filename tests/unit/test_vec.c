/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/vec.c: growth by doubling keeps the contents, a need already met changes
 * nothing, and an overflowing size or capacity is FK_ENOMEM with the array left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/vec.h"

static void test_vec__first_growth_is_the_minimum(void **state)
{
    int *a = NULL;
    size_t cap = 0;

    (void)state;
    assert_int_equal(fk_vec_grow((void **)&a, &cap, 1, sizeof *a), FK_OK);
    assert_non_null(a);
    assert_int_equal(cap, FK_VEC_MIN);
    free(a);
}

static void test_vec__growth_keeps_contents(void **state)
{
    int *a = NULL;
    size_t cap = 0, i, n;

    (void)state;
    for (n = 0; n < 10000; n++) {
        assert_int_equal(fk_vec_grow((void **)&a, &cap, n + 1, sizeof *a), FK_OK);
        assert_true(cap >= n + 1);
        a[n] = (int)n * 7;
    }
    for (i = 0; i < n; i++)
        assert_int_equal(a[i], (int)i * 7);
    assert_int_equal(cap, 16384); /* doubled from 16 */
    free(a);
}

static void test_vec__need_met_changes_nothing(void **state)
{
    int *a = NULL, *was;
    size_t cap = 0;

    (void)state;
    assert_int_equal(fk_vec_grow((void **)&a, &cap, 40, sizeof *a), FK_OK);
    assert_int_equal(cap, 64);
    was = a;
    assert_int_equal(fk_vec_grow((void **)&a, &cap, 64, sizeof *a), FK_OK);
    assert_ptr_equal(a, was);
    assert_int_equal(cap, 64);
    assert_int_equal(fk_vec_grow((void **)&a, &cap, 0, sizeof *a), FK_OK);
    assert_int_equal(cap, 64);
    free(a);
}

static void test_vec__overflow_is_enomem_and_unchanged(void **state)
{
    int *a = NULL, *was;
    size_t cap = 0;

    (void)state;
    assert_int_equal(fk_vec_grow((void **)&a, &cap, 3, sizeof *a), FK_OK);
    a[0] = 1;
    a[1] = 2;
    a[2] = 3;
    was = a;
    /* cap * elem overflows size_t although cap itself does not */
    assert_int_equal(fk_vec_grow((void **)&a, &cap, SIZE_MAX / 2, sizeof *a), FK_ENOMEM);
    assert_ptr_equal(a, was);
    assert_int_equal(cap, FK_VEC_MIN);
    /* doubling the capacity itself would overflow */
    assert_int_equal(fk_vec_grow((void **)&a, &cap, SIZE_MAX, 1), FK_ENOMEM);
    assert_int_equal(fk_vec_grow((void **)&a, &cap, SIZE_MAX / 2 + 2, 1), FK_ENOMEM);
    assert_ptr_equal(a, was);
    assert_int_equal(cap, FK_VEC_MIN);
    assert_int_equal(a[0] + a[1] + a[2], 6);
    free(a);
}

static void test_vec__empty_overflow_allocates_nothing(void **state)
{
    void *a = NULL;
    size_t cap = 0;

    (void)state;
    assert_int_equal(fk_vec_grow(&a, &cap, SIZE_MAX / 4 + 1, 8), FK_ENOMEM);
    assert_null(a);
    assert_int_equal(cap, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vec__first_growth_is_the_minimum),
        cmocka_unit_test(test_vec__growth_keeps_contents),
        cmocka_unit_test(test_vec__need_met_changes_nothing),
        cmocka_unit_test(test_vec__overflow_is_enomem_and_unchanged),
        cmocka_unit_test(test_vec__empty_overflow_allocates_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
