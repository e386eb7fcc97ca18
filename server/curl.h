/* SPDX-License-Identifier: MIT */
/* libcurl, opened when a province server (serve --cities) starts (fk/dynlib.h) rather than
 * linked: linked, it and what it brings (OpenSSL, nghttp2, libssh2, LDAP …) would cost every
 * fangkong process its loading before main(), as libmicrohttpd would (mhd.h). The province
 * roll-up calls its functions through these pointers, sym_curl_x for curl_x; <curl/curl.h> still
 * gives the types and constants. */
#ifndef FK_SERVER_CURL_H
#define FK_SERVER_CURL_H

#include <stddef.h>

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "fk/dynlib.h"

extern FK_DLSYM_PROTOTYPE(curl_global_init);
extern FK_DLSYM_PROTOTYPE(curl_easy_init);
extern FK_DLSYM_PROTOTYPE(curl_easy_setopt);
extern FK_DLSYM_PROTOTYPE(curl_easy_getinfo);
extern FK_DLSYM_PROTOTYPE(curl_easy_cleanup);
extern FK_DLSYM_PROTOTYPE(curl_easy_strerror);
extern FK_DLSYM_PROTOTYPE(curl_multi_init);
extern FK_DLSYM_PROTOTYPE(curl_multi_add_handle);
extern FK_DLSYM_PROTOTYPE(curl_multi_remove_handle);
extern FK_DLSYM_PROTOTYPE(curl_multi_perform);
extern FK_DLSYM_PROTOTYPE(curl_multi_poll);
extern FK_DLSYM_PROTOTYPE(curl_multi_info_read);
extern FK_DLSYM_PROTOTYPE(curl_multi_cleanup);
extern FK_DLSYM_PROTOTYPE(curl_slist_append);
extern FK_DLSYM_PROTOTYPE(curl_slist_free_all);

/* Opens libcurl (FK_CURL_SONAME), sets every pointer above and runs curl_global_init, once per
 * process: call it before any of them is used, while one thread runs (server_run does, before
 * the threads start). FK_OK, or FK_EIO with err naming the library, its package and why. */
int curl_load(char *err, size_t errlen);

#endif
