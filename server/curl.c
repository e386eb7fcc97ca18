/* SPDX-License-Identifier: MIT */
/* The functions of libcurl that the province roll-up calls, resolved with dlopen (curl.h). A
 * function used anywhere in server/ must be listed here and in curl.h: called directly, it would
 * fail to link, since the program is not linked with libcurl. */
#include "curl.h"

#include <stdio.h>

#include "fk/error.h"

FK_DLSYM_PROTOTYPE(curl_global_init);
FK_DLSYM_PROTOTYPE(curl_easy_init);
FK_DLSYM_PROTOTYPE(curl_easy_setopt);
FK_DLSYM_PROTOTYPE(curl_easy_getinfo);
FK_DLSYM_PROTOTYPE(curl_easy_cleanup);
FK_DLSYM_PROTOTYPE(curl_easy_strerror);
FK_DLSYM_PROTOTYPE(curl_multi_init);
FK_DLSYM_PROTOTYPE(curl_multi_add_handle);
FK_DLSYM_PROTOTYPE(curl_multi_remove_handle);
FK_DLSYM_PROTOTYPE(curl_multi_perform);
FK_DLSYM_PROTOTYPE(curl_multi_poll);
FK_DLSYM_PROTOTYPE(curl_multi_info_read);
FK_DLSYM_PROTOTYPE(curl_multi_cleanup);
FK_DLSYM_PROTOTYPE(curl_slist_append);
FK_DLSYM_PROTOTYPE(curl_slist_free_all);

static const struct fk_dynsym syms[] = {
    FK_DLSYM(curl_global_init),         FK_DLSYM(curl_easy_init),
    FK_DLSYM(curl_easy_setopt),         FK_DLSYM(curl_easy_getinfo),
    FK_DLSYM(curl_easy_cleanup),        FK_DLSYM(curl_easy_strerror),
    FK_DLSYM(curl_multi_init),          FK_DLSYM(curl_multi_add_handle),
    FK_DLSYM(curl_multi_remove_handle), FK_DLSYM(curl_multi_perform),
    FK_DLSYM(curl_multi_poll),          FK_DLSYM(curl_multi_info_read),
    FK_DLSYM(curl_multi_cleanup),       FK_DLSYM(curl_slist_append),
    FK_DLSYM(curl_slist_free_all),
};

static struct fk_dynlib lib = FK_DYNLIB_INIT(FK_CURL_SONAME, FK_CURL_PACKAGE, syms);

int curl_load(char *err, size_t errlen)
{
    int rc = fk_dynlib_open(&lib, err, errlen);

    if (rc != FK_OK)
        return rc;
    if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "libcurl failed to start (curl_global_init)");
        return FK_EIO;
    }
    return FK_OK;
}
