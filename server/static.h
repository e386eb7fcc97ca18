/* SPDX-License-Identifier: MIT */
/* The web UI's files (static.c). */
#ifndef FK_SERVER_STATIC_H
#define FK_SERVER_STATIC_H

struct req;

/* Answers r with the file under the server's web root its URL names, or index.html for the
 * single-page app's own paths; 404 without a web root, for a path with "..", or when the file
 * cannot be opened. Off the lock. */
void serve_static(struct req *r);

#endif
