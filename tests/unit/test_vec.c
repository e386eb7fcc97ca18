/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/vec.c: growth by doubling keeps the contents, a need already met changes
 * nothing, and an overflowing size or capacity is FK_ENOMEM with the array left as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* A large block's whole pages are made present, its contents kept; a small block, NULL and a
 * size of 0 are left alone. Skipped on a kernel without MADV_POPULATE_WRITE (before 5.14). */
static void test_vec__populate_makes_pages_present(void **state)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), n = 8u << 20, i, absent = 0;
    unsigned char *p = malloc(n), *v;
    uintptr_t lo, hi;

    (void)state;
    assert_non_null(p);
    lo = ((uintptr_t)p + page - 1) & ~(uintptr_t)(page - 1);
    hi = ((uintptr_t)p + n) & ~(uintptr_t)(page - 1);
#ifdef MADV_POPULATE_WRITE
    if (madvise((void *)lo, page, MADV_POPULATE_WRITE) != 0) {
        free(p);
        skip();
    }
#else
    free(p);
    skip();
#endif
    memset(p, 0xA5, 100);
    v = malloc((hi - lo) / page);
    assert_non_null(v);
    assert_int_equal(mincore((void *)lo, hi - lo, v), 0);
    for (i = 0; i < (hi - lo) / page; i++)
        absent += !(v[i] & 1);
    assert_true(absent > 0); /* a fresh block of 8 MiB is mostly not there yet */
    fk_mem_populate(p, n);
    assert_int_equal(mincore((void *)lo, hi - lo, v), 0);
    for (i = 0; i < (hi - lo) / page; i++)
        assert_true(v[i] & 1);
    for (i = 0; i < 100; i++)
        assert_int_equal(p[i], 0xA5);
    fk_mem_populate(NULL, n);
    fk_mem_populate(p, 0);
    fk_mem_populate(p, 4096);
    free(v);
    free(p);
}

/* The VmFlags line of the mapping of /proc/self/smaps that holds address a, into out. */
static int vm_flags(uintptr_t a, char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0, found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;

        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            in = a >= lo && a < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(out, cap, "%s", line + 8);
            found = 1;
        }
    }
    fclose(f);
    return found;
}

/* A large block's huge pages inside it are marked for transparent huge pages (the mapping's
 * "hg" flag). Skipped where the kernel has no transparent huge pages or no /proc. */
static void test_vec__hugepages_marks_the_block(void **state)
{
    size_t n = 16u << 20;
    unsigned char *p = malloc(n);
    uintptr_t mid;
    char flags[512];

    (void)state;
    assert_non_null(p);
#ifndef MADV_HUGEPAGE
    free(p);
    skip();
#endif
    mid = (((uintptr_t)p + ((uintptr_t)2 << 20) - 1) & ~(((uintptr_t)2 << 20) - 1)) + 4096;
    if (!vm_flags(mid, flags, sizeof flags)) {
        free(p);
        skip(); /* no /proc */
    }
    assert_null(strstr(flags, " hg"));
    fk_mem_hugepages(p, n);
    assert_true(vm_flags(mid, flags, sizeof flags));
    /* A kernel built without transparent huge pages refuses the advice. */
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0) {
        free(p);
        skip();
    }
    assert_non_null(strstr(flags, " hg"));
    p[mid - (uintptr_t)p] = 1;
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vec__first_growth_is_the_minimum),
        cmocka_unit_test(test_vec__growth_keeps_contents),
        cmocka_unit_test(test_vec__need_met_changes_nothing),
        cmocka_unit_test(test_vec__overflow_is_enomem_and_unchanged),
        cmocka_unit_test(test_vec__empty_overflow_allocates_nothing),
        cmocka_unit_test(test_vec__populate_makes_pages_present),
        cmocka_unit_test(test_vec__hugepages_marks_the_block),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
