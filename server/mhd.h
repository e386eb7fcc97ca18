/* SPDX-License-Identifier: MIT */
/* libmicrohttpd, opened when fangkong serve starts (fk/dynlib.h) rather than linked: linked, it
 * and what it brings (gnutls, p11-kit, nettle, gmp, idn2 …) cost every fangkong process 5 ms
 * before main(). The server calls its functions through these pointers, sym_MHD_x for MHD_x;
 * <microhttpd.h> still gives the types and constants. */
#ifndef FK_SERVER_MHD_H
#define FK_SERVER_MHD_H

#include <stddef.h>

#include <microhttpd.h>

#include "fk/dynlib.h"

extern FK_DLSYM_PROTOTYPE(MHD_add_response_header);
extern FK_DLSYM_PROTOTYPE(MHD_create_post_processor);
extern FK_DLSYM_PROTOTYPE(MHD_create_response_from_buffer);
extern FK_DLSYM_PROTOTYPE(MHD_create_response_from_buffer_with_free_callback_cls);
extern FK_DLSYM_PROTOTYPE(MHD_create_response_from_fd64);
extern FK_DLSYM_PROTOTYPE(MHD_destroy_post_processor);
extern FK_DLSYM_PROTOTYPE(MHD_destroy_response);
extern FK_DLSYM_PROTOTYPE(MHD_get_connection_info);
extern FK_DLSYM_PROTOTYPE(MHD_lookup_connection_value);
extern FK_DLSYM_PROTOTYPE(MHD_post_process);
extern FK_DLSYM_PROTOTYPE(MHD_queue_response);
extern FK_DLSYM_PROTOTYPE(MHD_resume_connection);
extern FK_DLSYM_PROTOTYPE(MHD_start_daemon);
extern FK_DLSYM_PROTOTYPE(MHD_stop_daemon);
extern FK_DLSYM_PROTOTYPE(MHD_suspend_connection);

/* Opens libmicrohttpd (FK_MHD_SONAME) and sets every pointer above, once per process: call it
 * before any of them is used (server_run does, first thing). FK_OK, or FK_EIO with err (errlen
 * bytes) naming the library, its package and why, for the operator. Thread-safe. */
int mhd_load(char *err, size_t errlen);

#endif
