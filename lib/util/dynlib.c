/* SPDX-License-Identifier: MIT */
/* fk_dynlib_open: a library and its symbols, resolved once per process (see fk/dynlib.h).
 * pthread_once runs a routine without an argument, so the library goes to it in a thread-local:
 * the routine runs on the thread that called pthread_once, which set its own copy just before. */
#include "fk/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

#include "fk/error.h"

static _Thread_local struct fk_dynlib *opening;

/* "cannot load SONAME (apt-get install PACKAGE): " into lib->err, and its length. */
static int failure(const struct fk_dynlib *lib, char *err, size_t cap)
{
    int n;

    if (lib->package && *lib->package)
        n = snprintf(err, cap, "cannot load %s (apt-get install %s): ", lib->soname, lib->package);
    else
        n = snprintf(err, cap, "cannot load %s: ", lib->soname);
    return n < 0 ? 0 : (size_t)n >= cap ? (int)cap - 1 : n;
}

static void open_once(void)
{
    struct fk_dynlib *lib = opening;
    const char *why;
    void *handle = NULL;
    size_t i;
    int n;

    lib->rc = FK_EIO;
    handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        why = dlerror();
        n = failure(lib, lib->err, sizeof lib->err);
        snprintf(lib->err + n, sizeof lib->err - (size_t)n, "%s", why ? why : "dlopen failed");
        goto out;
    }
    for (i = 0; i < lib->nsyms; i++) {
        dlerror();
        *lib->syms[i].slot = dlsym(handle, lib->syms[i].name);
        if (!*lib->syms[i].slot) {
            why = dlerror();
            n = failure(lib, lib->err, sizeof lib->err);
            snprintf(lib->err + n, sizeof lib->err - (size_t)n,
                     "it has no function %s (an older version?): %s", lib->syms[i].name,
                     why ? why : "the symbol is NULL");
            goto out;
        }
    }
    lib->handle = handle;
    handle = NULL;
    lib->rc = FK_OK;
out:
    if (handle) {
        for (i = 0; i < lib->nsyms; i++)
            *lib->syms[i].slot = NULL;
        dlclose(handle);
    }
}

int fk_dynlib_open(struct fk_dynlib *lib, char *err, size_t errlen)
{
    opening = lib;
    pthread_once(&lib->once, open_once);
    opening = NULL;
    if (lib->rc != FK_OK && err && errlen)
        snprintf(err, errlen, "%s", lib->err);
    return lib->rc;
}
