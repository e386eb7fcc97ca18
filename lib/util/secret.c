/* SPDX-License-Identifier: MIT */
/* Passwords and tokens over libsodium (see fk/secret.h). */
#include "fk/secret.h"

#include <sodium.h>
#include <string.h>

#include "fk/error.h"

int fk_secret_init(void)
{
    return sodium_init() < 0 ? FK_EIO : FK_OK;
}

int fk_password_hash(const char *password, char *out)
{
    size_t n = strlen(password);

    out[0] = '\0';
    if (n == 0 || n > 1024)
        return FK_EINVAL;
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return FK_ENOMEM;
    return FK_OK;
}

int fk_password_verify(const char *hash, const char *password)
{
    if (!hash || !*hash)
        return FK_EPERM;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? FK_OK : FK_EPERM;
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
