/* SPDX-License-Identifier: MIT */
/* Passwords and session tokens, with libsodium: argon2id password strings (crypto_pwhash_str,
 * interactive limits), 256-bit random tokens shown once to the client, and the BLAKE2b hash of a
 * token, which is all the store keeps. Also the account rules shared by the command line and the
 * server: what a user name may be, and what a password must be (cracklib's FascistCheck). */
#ifndef FK_SECRET_H
#define FK_SECRET_H

#include <stddef.h>

#define FK_PWHASH_MAX 128    /* bytes of an argon2id string, with the NUL */
#define FK_TOKEN_HEX 65      /* 64 hex digits and the NUL */
#define FK_PASSWORD_MIN 10   /* characters (bytes) of a new password, at least */
#define FK_PASSWORD_MAX 1024 /* bytes of any password, at most (sign-in too) */
#define FK_USER_NAME_MAX 64  /* bytes of a user name, at most */

/* Initialises libsodium; call once before the others. FK_OK or FK_EIO. Thread-safe. */
int fk_secret_init(void);
/* Hashes password into out (FK_PWHASH_MAX bytes). FK_OK, FK_ENOMEM, FK_EINVAL (empty or longer
 * than FK_PASSWORD_MAX bytes). Thread-safe; takes about 0.1 s and 64 MiB at the normal cost. */
int fk_password_hash(const char *password, char *out);
/* FK_OK when password matches the argon2id string hash, else FK_EPERM (also for a password
 * longer than FK_PASSWORD_MAX bytes, which no hash was made of). Constant-time compare.
 * Thread-safe. */
int fk_password_verify(const char *hash, const char *password);
/* FOR TESTS ONLY: with min 1, fk_password_hash uses libsodium's minimum argon2id cost (one pass,
 * 8 KiB) instead of the interactive one, so a test suite that signs in hundreds of times runs in
 * seconds. Never in production: such hashes are cheap to guess. Hashes made either way verify
 * either way (the cost is written in the string). Call before any thread hashes. */
void fk_password_set_test_cost(int min);
/* 1 when fk_password_set_test_cost(1) was called. */
int fk_password_test_cost(void);
/* Whether password may be set for the account name: 0 when it may, else 1 with a sentence saying
 * why not in why (cap bytes): shorter than FK_PASSWORD_MIN, longer than FK_PASSWORD_MAX bytes, or
 * refused by cracklib (a dictionary word, too simple, derived from the name; its dictionary is
 * cracklib-runtime's). Thread-safe (one cracklib check at a time). */
int fk_password_weak(const char *name, const char *password, char *why, size_t cap);
/* 1 when name is a valid user name: 1 to FK_USER_NAME_MAX of a-z 0-9 . _ - */
int fk_user_name_valid(const char *name);
/* A new random token, 64 hex digits. */
void fk_token_new(char *out);
/* The hex BLAKE2b-256 of token, for storage and look-up. */
void fk_token_hash(const char *token, char *out);

#endif
