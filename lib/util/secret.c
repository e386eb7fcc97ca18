/* SPDX-License-Identifier: MIT */
/* Passwords and tokens over libsodium, and the account rules over cracklib (see fk/secret.h). */
#include "fk/secret.h"

#include <crack.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"

static int test_cost;

int fk_secret_init(void)
{
    return sodium_init() < 0 ? FK_EIO : FK_OK;
}

void fk_password_set_test_cost(int min)
{
    test_cost = min;
}

int fk_password_test_cost(void)
{
    return test_cost;
}

int fk_password_hash(const char *password, char *out)
{
    size_t n = strlen(password);
    unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
    size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

    out[0] = '\0';
    if (n == 0 || n > FK_PASSWORD_MAX)
        return FK_EINVAL;
    if (test_cost) {
        ops = crypto_pwhash_OPSLIMIT_MIN;
        mem = crypto_pwhash_MEMLIMIT_MIN;
    }
    if (crypto_pwhash_str(out, password, n, ops, mem) != 0)
        return FK_ENOMEM;
    return FK_OK;
}

int fk_password_verify(const char *hash, const char *password)
{
    size_t n = strlen(password);

    if (!hash || !*hash || n > FK_PASSWORD_MAX)
        return FK_EPERM;
    return crypto_pwhash_str_verify(hash, password, n) == 0 ? FK_OK : FK_EPERM;
}

int fk_user_name_valid(const char *name)
{
    size_t i, n = strlen(name);

    if (n < 1 || n > FK_USER_NAME_MAX)
        return 0;
    for (i = 0; i < n; i++) {
        char ch = name[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
              ch == '-'))
            return 0;
    }
    return 1;
}

int fk_password_weak(const char *name, const char *password, char *why, size_t cap)
{
    /* cracklib keeps no promise about threads: one check at a time. */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    const char *msg;
    size_t n = strlen(password);

    if (n < FK_PASSWORD_MIN) {
        snprintf(why, cap, "a password has at least %d characters", FK_PASSWORD_MIN);
        return 1;
    }
    if (n > FK_PASSWORD_MAX) {
        snprintf(why, cap, "a password has at most %d bytes", FK_PASSWORD_MAX);
        return 1;
    }
    pthread_mutex_lock(&lock);
    msg = FascistCheckUser(password, GetDefaultCracklibDict(), name, NULL);
    if (msg)
        snprintf(why, cap, "the password is too easy to guess: %s", msg);
    pthread_mutex_unlock(&lock);
    return msg != NULL;
}

void fk_token_new(char *out)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, FK_TOKEN_HEX, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
}

void fk_token_hash(const char *token, char *out)
{
    unsigned char h[32];

    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, FK_TOKEN_HEX, h, sizeof h);
}
