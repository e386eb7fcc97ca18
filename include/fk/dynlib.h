/* SPDX-License-Identifier: MIT */
/* fk_dynlib: a shared library opened with dlopen the first time it is needed, not by the loader
 * at start. libmicrohttpd, libzip and libxlsxwriter bring gnutls, libcrypto, minizip and a dozen
 * more; linked, they cost every fangkong process 10 ms before main(), quick verbs included. Their
 * users keep the library's own header for types and macros and call through pointers declared
 * with FK_DLSYM_PROTOTYPE, which fk_dynlib_open points at the library's functions (systemd's
 * dlfcn-util.h does the same for its optional libraries). */
#ifndef FK_DYNLIB_H
#define FK_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

/* The pointer through which fn is called: `static FK_DLSYM_PROTOTYPE(zip_open);` declares
 * `sym_zip_open`, of the type of &zip_open, so a call through it is checked like a direct one. */
#define FK_DLSYM_PROTOTYPE(fn) __typeof__(&fn) sym_##fn
/* An entry of a symbol table for the pointer FK_DLSYM_PROTOTYPE(fn) declared. */
#define FK_DLSYM(fn)                                                                               \
    {                                                                                              \
        .name = #fn, .slot = (void **)&sym_##fn                                                    \
    }

struct fk_dynsym {
    const char *name; /* the symbol, as dlsym looks it up */
    void **slot;      /* the function pointer it goes into (FK_DLSYM) */
};

/* One library: what to open and resolve (set by FK_DYNLIB_INIT), and what came of it (set by
 * fk_dynlib_open; read it through fk_dynlib_open only). Static storage, one per library. */
struct fk_dynlib {
    const char *soname;  /* versioned, "libzip.so.4": read from the library at configure time */
    const char *package; /* the Debian package that ships it, for the message; "" if unknown */
    const struct fk_dynsym *syms;
    size_t nsyms;
    pthread_once_t once;
    void *handle;
    int rc;
    char err[512];
};

#define FK_DYNLIB_INIT(soname_, package_, syms_)                                                   \
    {                                                                                              \
        .soname = (soname_), .package = (package_), .syms = (syms_),                               \
        .nsyms = sizeof(syms_) / sizeof(syms_)[0], .once = PTHREAD_ONCE_INIT                       \
    }

/* Opens lib->soname (dlopen, RTLD_NOW) and points every slot of lib->syms at its symbol, the
 * first time any thread calls it for lib; every later call returns that first result at once, so
 * a user calls it before each use rather than keeping a flag. FK_OK; or FK_EIO with err (errlen
 * bytes; may be NULL) saying which library, the package to install and dlerror(), such as
 * "cannot load libzip.so.4 (apt-get install libzip4): libzip.so.4: cannot open shared object
 * file: No such file or directory", or which symbol it lacks: then every slot is NULL and the
 * library is closed again, and later calls fail alike (the process does not try again).
 * Thread-safe. The library stays open until the process ends. */
int fk_dynlib_open(struct fk_dynlib *lib, char *err, size_t errlen);

#endif
