/* SPDX-License-Identifier: MIT */
/* Passwords and session tokens, with libsodium: argon2id password strings (crypto_pwhash_str,
 * interactive limits), 256-bit random tokens shown once to the client, and the BLAKE2b hash of a
 * token, which is all the store keeps. */
#ifndef FK_SECRET_H
#define FK_SECRET_H

#include <stddef.h>

#define FK_PWHASH_MAX 128 /* bytes of an argon2id string, with the NUL */
#define FK_TOKEN_HEX 65   /* 64 hex digits and the NUL */

/* Initialises libsodium; call once before the others. FK_OK or FK_EIO. Thread-safe. */
int fk_secret_init(void);
/* Hashes password into out (FK_PWHASH_MAX bytes). FK_OK, FK_ENOMEM, FK_EINVAL (empty or longer
 * than 1024 bytes). */
int fk_password_hash(const char *password, char *out);
/* FK_OK when password matches the argon2id string hash, else FK_EPERM. Constant-time compare. */
int fk_password_verify(const char *hash, const char *password);
/* A new random token, 64 hex digits. */
void fk_token_new(char *out);
/* The hex BLAKE2b-256 of token, for storage and look-up. */
void fk_token_hash(const char *token, char *out);

#endif
