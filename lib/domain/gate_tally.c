/* SPDX-License-Identifier: MIT */
/* Gate-check counts in memory (fk/gate_tally.h): an array of rows, one per gate, type and hour
 * seen since the last hand-over, found through a hash map of (gate, type, hour) whose dense
 * index is the row's (both grow in the same order), so a check costs the same with ten gates or
 * ten thousand (a linear look-up cost a strcmp per gate on every check). */
#include "fk/gate_tally.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/gate.h"
#include "fk/str.h"
#include "fk/strmap.h"

struct slot {
    char gate[72], scope[32];
};

struct fk_gate_tally {
    struct fk_gate_count_row *rows;
    struct slot *names;
    fk_strmap *index; /* (gate, type, hour) -> row; NULL while empty */
    size_t n, cap;
    uint64_t total;
};

fk_gate_tally *fk_gate_tally_new(void)
{
    return calloc(1, sizeof(struct fk_gate_tally));
}

void fk_gate_tally_free(fk_gate_tally *t)
{
    if (!t)
        return;
    free(t->rows);
    free(t->names);
    fk_strmap_free(t->index);
    free(t);
}

/* The map's key of (gate, type, hour): the name as it is kept (cut to the slot), a NUL, the type
 * and the hour's bytes; its length. */
static size_t row_key(const char *gate, int type, int64_t hour, char *k)
{
    size_t n = strnlen(gate, sizeof((struct slot *)0)->gate - 1);

    memcpy(k, gate, n);
    k[n++] = 0;
    k[n++] = (char)type;
    memcpy(k + n, &hour, sizeof hour);
    return n + sizeof hour;
}

int fk_gate_tally_add(fk_gate_tally *t, const char *gate, const char *scope, int type, int what,
                      int64_t at)
{
    int64_t hour = at - ((at % 3600) + 3600) % 3600, at_i;
    char key[sizeof((struct slot *)0)->gate + 16];
    size_t i, kn;
    int added;

    if (what < 0 || what > FK_GATE_BAD_ID || type < 0 || type >= FK_GATE_NTYPES)
        return FK_EINVAL;
    if (!t->index && !(t->index = fk_strmap_new()))
        return FK_ENOMEM;
    kn = row_key(gate, type, hour, key);
    if ((at_i = fk_strmap_find(t->index, key, kn)) >= 0) {
        i = (size_t)at_i;
    } else {
        i = t->n;
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 16, k;
            struct fk_gate_count_row *r = realloc(t->rows, cap * sizeof *r);
            struct slot *s;

            if (!r)
                return FK_ENOMEM;
            t->rows = r;
            s = realloc(t->names, cap * sizeof *s);
            if (!s)
                return FK_ENOMEM;
            t->names = s;
            t->cap = cap;
            for (k = 0; k < t->n; k++) { /* the names moved */
                t->rows[k].gate = t->names[k].gate;
                t->rows[k].scope = t->names[k].scope;
            }
        }
        memset(&t->rows[i], 0, sizeof t->rows[i]);
        fk_strlcpy(t->names[i].gate, gate, sizeof t->names[i].gate);
        fk_strlcpy(t->names[i].scope, scope ? scope : "", sizeof t->names[i].scope);
        t->rows[i].gate = t->names[i].gate;
        t->rows[i].scope = t->names[i].scope;
        t->rows[i].type = type;
        t->rows[i].hour = hour;
        if (fk_strmap_intern(t->index, key, kn, &added) != (int64_t)i)
            return FK_ENOMEM; /* the row is not kept: the map and the rows stay in step */
        t->n++;
    }
    t->rows[i].n[what]++;
    if (at > t->rows[i].last)
        t->rows[i].last = at;
    t->total++;
    return FK_OK;
}

void fk_gate_tally_rows(const fk_gate_tally *t, const struct fk_gate_count_row **rows, size_t *n)
{
    *rows = t->rows;
    *n = t->n;
}

void fk_gate_tally_clear(fk_gate_tally *t)
{
    fk_strmap_free(t->index);
    t->index = NULL; /* made again by the next add */
    t->n = 0;
}

uint64_t fk_gate_tally_total(const fk_gate_tally *t)
{
    return t->total;
}
