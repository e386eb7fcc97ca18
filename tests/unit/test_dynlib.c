/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/util/dynlib.c against zlib, whose SONAME CMake read from the library it found
 * (FK_ZLIB_SONAME): a library and its symbols are resolved, and only once even when threads ask
 * together; a library that is not there and a symbol it lacks are FK_EIO, with a message naming
 * them and the package to install, and leave no pointer set. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>
#include <zlib.h>

#include "fk/dynlib.h"
#include "fk/error.h"

#define THREADS 8

static FK_DLSYM_PROTOTYPE(zlibVersion);
static FK_DLSYM_PROTOTYPE(crc32);

static const struct fk_dynsym zlib_syms[] = {FK_DLSYM(zlibVersion)};
static struct fk_dynlib zlib = FK_DYNLIB_INIT(FK_ZLIB_SONAME, FK_ZLIB_PACKAGE, zlib_syms);

static const struct fk_dynsym crc_syms[] = {FK_DLSYM(crc32)};
static struct fk_dynlib crc = FK_DYNLIB_INIT(FK_ZLIB_SONAME, FK_ZLIB_PACKAGE, crc_syms);

static void test_dynlib__opens_and_resolves(void **state)
{
    char err[600] = "";

    (void)state;
    assert_int_equal(fk_dynlib_open(&zlib, err, sizeof err), FK_OK);
    assert_string_equal(err, ""); /* untouched on success */
    assert_non_null(sym_zlibVersion);
    assert_string_equal(sym_zlibVersion(), ZLIB_VERSION);
}

static void test_dynlib__resolves_once(void **state)
{
    __typeof__(sym_zlibVersion) first;

    (void)state;
    assert_int_equal(fk_dynlib_open(&zlib, NULL, 0), FK_OK);
    first = sym_zlibVersion;
    assert_non_null(first);
    /* A second call must not look the symbol up again: what it finds in the slot stays. */
    sym_zlibVersion = NULL;
    assert_int_equal(fk_dynlib_open(&zlib, NULL, 0), FK_OK);
    assert_null(sym_zlibVersion);
    sym_zlibVersion = first;
}

static void *open_crc(void *arg)
{
    int *rc = arg;

    *rc = fk_dynlib_open(&crc, NULL, 0);
    return NULL;
}

static void test_dynlib__threads_open_together(void **state)
{
    pthread_t t[THREADS];
    int rc[THREADS], i;

    (void)state;
    for (i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, open_crc, &rc[i]), 0);
    for (i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(rc[i], FK_OK);
    }
    assert_non_null(sym_crc32);
    /* The check value of CRC-32 (the nine digits 1 to 9). */
    assert_int_equal(sym_crc32(0, (const Bytef *)"123456789", 9), 0xCBF43926UL);
}

static void test_dynlib__missing_library(void **state)
{
    static void (*slot)(void);
    static const struct fk_dynsym syms[] = {{"fk_nothing", (void **)&slot}};
    static struct fk_dynlib lib = FK_DYNLIB_INIT("libfangkong-no-such.so.9", "fk-no-such9", syms);
    char err[600] = "";

    (void)state;
    assert_int_equal(fk_dynlib_open(&lib, err, sizeof err), FK_EIO);
    assert_non_null(strstr(err, "cannot load libfangkong-no-such.so.9 (apt-get install "
                                "fk-no-such9): "));
    assert_non_null(strstr(err + 40, "libfangkong-no-such.so.9")); /* dlerror() names it too */
    assert_null(slot);
    /* Every later call fails alike, with the same words. */
    err[0] = '\0';
    assert_int_equal(fk_dynlib_open(&lib, err, sizeof err), FK_EIO);
    assert_non_null(strstr(err, "cannot load libfangkong-no-such.so.9"));
    assert_int_equal(fk_dynlib_open(&lib, NULL, 0), FK_EIO);
}

static void test_dynlib__missing_symbol(void **state)
{
    static void *version, *nothing;
    static const struct fk_dynsym syms[] = {{"zlibVersion", &version},
                                            {"fk_no_such_function", &nothing}};
    static struct fk_dynlib lib = FK_DYNLIB_INIT(FK_ZLIB_SONAME, "", syms);
    char err[600] = "", want[100];

    (void)state;
    assert_int_equal(fk_dynlib_open(&lib, err, sizeof err), FK_EIO);
    snprintf(want, sizeof want, "cannot load %s: it has no function fk_no_such_function",
             FK_ZLIB_SONAME);
    assert_non_null(strstr(err, want));
    /* The symbol found before the missing one is not left set. */
    assert_null(version);
    assert_null(nothing);
}

static void test_dynlib__message_is_truncated_safely(void **state)
{
    static void (*slot)(void);
    static const struct fk_dynsym syms[] = {{"fk_nothing", (void **)&slot}};
    static struct fk_dynlib lib = FK_DYNLIB_INIT("libfangkong-gone.so.1", "fk-gone1", syms);
    char err[12];

    (void)state;
    assert_int_equal(fk_dynlib_open(&lib, err, sizeof err), FK_EIO);
    assert_string_equal(err, "cannot load");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynlib__opens_and_resolves),
        cmocka_unit_test(test_dynlib__resolves_once),
        cmocka_unit_test(test_dynlib__threads_open_together),
        cmocka_unit_test(test_dynlib__missing_library),
        cmocka_unit_test(test_dynlib__missing_symbol),
        cmocka_unit_test(test_dynlib__message_is_truncated_safely),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
