/* SPDX-License-Identifier: MIT */
/* The one error model of libfangkong: every fallible function returns FK_OK (0) or a negative
 * FK_E* code, and puts what a person needs to act on into a message buffer where it has one.
 * The server maps these codes to HTTP statuses; the CLI maps them to exit statuses. */
#ifndef FK_ERROR_H
#define FK_ERROR_H

enum fk_error {
    FK_OK = 0,
    FK_EINVAL = -1,    /* bad input: a value, a row, an argument */
    FK_ENOENT = -2,    /* no such thing: round, region, person, file */
    FK_ENOMEM = -3,    /* out of memory */
    FK_ECONFLICT = -4, /* already exists, or a state change that is not allowed */
    FK_ETOOBIG = -5,   /* a ceiling was reached (buffer, field, body) */
    FK_EIO = -6,       /* the operating system refused a read or write */
    FK_EDB = -7,       /* the store failed */
    FK_EPERM = -8      /* outside the caller's role or scope */
};

/* A short English description of code, for messages. Never NULL; static storage. */
const char *fk_strerror(int code);

#endif
