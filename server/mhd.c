/* SPDX-License-Identifier: MIT */
/* The functions of libmicrohttpd that fangkong serve calls, resolved with dlopen (mhd.h). A
 * function used anywhere in server/ must be listed here and in mhd.h: called directly, it would
 * fail to link, since the program is not linked with libmicrohttpd. */
#include "mhd.h"

FK_DLSYM_PROTOTYPE(MHD_add_response_header);
FK_DLSYM_PROTOTYPE(MHD_create_post_processor);
FK_DLSYM_PROTOTYPE(MHD_create_response_from_buffer);
FK_DLSYM_PROTOTYPE(MHD_create_response_from_buffer_with_free_callback_cls);
FK_DLSYM_PROTOTYPE(MHD_create_response_from_fd64);
FK_DLSYM_PROTOTYPE(MHD_destroy_post_processor);
FK_DLSYM_PROTOTYPE(MHD_destroy_response);
FK_DLSYM_PROTOTYPE(MHD_get_connection_info);
FK_DLSYM_PROTOTYPE(MHD_lookup_connection_value);
FK_DLSYM_PROTOTYPE(MHD_post_process);
FK_DLSYM_PROTOTYPE(MHD_queue_response);
FK_DLSYM_PROTOTYPE(MHD_resume_connection);
FK_DLSYM_PROTOTYPE(MHD_start_daemon);
FK_DLSYM_PROTOTYPE(MHD_stop_daemon);
FK_DLSYM_PROTOTYPE(MHD_suspend_connection);

static const struct fk_dynsym syms[] = {
    FK_DLSYM(MHD_add_response_header),
    FK_DLSYM(MHD_create_post_processor),
    FK_DLSYM(MHD_create_response_from_buffer),
    FK_DLSYM(MHD_create_response_from_buffer_with_free_callback_cls),
    FK_DLSYM(MHD_create_response_from_fd64),
    FK_DLSYM(MHD_destroy_post_processor),
    FK_DLSYM(MHD_destroy_response),
    FK_DLSYM(MHD_get_connection_info),
    FK_DLSYM(MHD_lookup_connection_value),
    FK_DLSYM(MHD_post_process),
    FK_DLSYM(MHD_queue_response),
    FK_DLSYM(MHD_resume_connection),
    FK_DLSYM(MHD_start_daemon),
    FK_DLSYM(MHD_stop_daemon),
    FK_DLSYM(MHD_suspend_connection),
};

static struct fk_dynlib lib = FK_DYNLIB_INIT(FK_MHD_SONAME, FK_MHD_PACKAGE, syms);

int mhd_load(char *err, size_t errlen)
{
    return fk_dynlib_open(&lib, err, errlen);
}
