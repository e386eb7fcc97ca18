/* SPDX-License-Identifier: MIT */
/* fk_strmap (see fk/strmap.h). Slots hold index+1 (0 = empty) and the load factor stays under
 * 1/2, so a probe is short; the stored hash per entry makes growth a rehash without touching the
 * keys' bytes. */
#include "fk/strmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/vec.h"

struct entry {
    uint64_t hash;
    size_t off; /* key offset in pool */
    size_t len;
    int64_t value;
};

struct fk_strmap {
    uint32_t *slots; /* index + 1, 0 = empty; a power of two of them */
    size_t nslots;
    struct entry *entries;
    size_t n, cap;
    fk_buf pool;
};

fk_strmap *fk_strmap_new(void)
{
    fk_strmap *m = calloc(1, sizeof *m);

    if (!m)
        return NULL;
    m->nslots = 1024;
    m->slots = calloc(m->nslots, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    fk_buf_init(&m->pool, 0);
    return m;
}

void fk_strmap_free(fk_strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->entries);
    fk_buf_fini(&m->pool);
    free(m);
}

static int64_t lookup(const fk_strmap *m, const char *key, size_t n, uint64_t h, size_t *slot)
{
    size_t mask = m->nslots - 1, i = (size_t)h & mask;

    for (;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        const struct entry *e;

        if (s == 0) {
            *slot = i;
            return -1;
        }
        e = &m->entries[s - 1];
        if (e->hash == h && e->len == n && memcmp(m->pool.data + e->off, key, n) == 0)
            return (int64_t)s - 1;
    }
}

int64_t fk_strmap_find(const fk_strmap *m, const char *key, size_t n)
{
    size_t slot;

    return lookup(m, key, n, XXH3_64bits(key, n), &slot);
}

static int grow(fk_strmap *m)
{
    size_t nslots = m->nslots * 2, i;
    uint32_t *slots = calloc(nslots, sizeof *slots);

    if (!slots)
        return FK_ENOMEM;
    for (i = 0; i < m->n; i++) {
        size_t j = (size_t)m->entries[i].hash & (nslots - 1);

        while (slots[j])
            j = (j + 1) & (nslots - 1);
        slots[j] = (uint32_t)(i + 1);
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return FK_OK;
}

int64_t fk_strmap_intern(fk_strmap *m, const char *key, size_t n, int *added)
{
    uint64_t h = XXH3_64bits(key, n);
    size_t slot;
    int64_t i = lookup(m, key, n, h, &slot);
    struct entry *e;

    *added = 0;
    if (i >= 0)
        return i;
    if (m->n >= UINT32_MAX - 1)
        return -1;
    if (fk_vec_grow((void **)&m->entries, &m->cap, m->n + 1, sizeof *m->entries) != FK_OK)
        return -1;
    e = &m->entries[m->n];
    e->hash = h;
    e->off = m->pool.len;
    e->len = n;
    e->value = 0;
    if (fk_buf_append(&m->pool, key, n) != FK_OK || fk_buf_putc(&m->pool, '\0') != FK_OK)
        return -1;
    m->slots[slot] = (uint32_t)(m->n + 1);
    m->n++;
    *added = 1;
    if (m->n * 2 > m->nslots && grow(m) != FK_OK)
        return -1;
    return (int64_t)m->n - 1;
}

size_t fk_strmap_size(const fk_strmap *m)
{
    return m->n;
}

const char *fk_strmap_key(const fk_strmap *m, int64_t i)
{
    return m->pool.data + m->entries[i].off;
}

int64_t fk_strmap_value(const fk_strmap *m, int64_t i)
{
    return m->entries[i].value;
}

void fk_strmap_set_value(fk_strmap *m, int64_t i, int64_t v)
{
    m->entries[i].value = v;
}
