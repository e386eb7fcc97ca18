/* SPDX-License-Identifier: MIT */
/* What the reply room (reply.c) gives the glue beside the handlers' reply_* of server.h: shared
 * cached answers (blobs) and the table answer rendered after the server lock is released. */
#ifndef FK_SERVER_REPLY_H
#define FK_SERVER_REPLY_H

#include <stdatomic.h>
#include <stddef.h>

struct req;

/* A cached answer, shared by the cache and every response sending it: reference-counted, so an
 * answer goes out without being copied (a city's coverage is hundreds of kilobytes) and a cache
 * slot can be reused while responses still send the old one. */
struct blob {
    atomic_int refs;
    size_t len;
    char data[];
};

/* Drops one reference to the blob cls (a struct blob; NULL is a no-op), freeing it with the last
 * one; libmicrohttpd's free callback of a blob answer. Thread-safe. */
void blob_unref(void *cls);
/* Makes b the request's answer (one more reference). */
void reply_blob(struct req *r, struct blob *b);
/* Renders the table reply_table left in r as {"rows":[…],"total":N,"next":K} into r->out and
 * frees it; outside the lock. */
void render_table(struct req *r);

#endif
