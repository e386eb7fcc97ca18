/* SPDX-License-Identifier: MIT */
/* Gate-check counts in memory (fk/gate_tally.h): a short array of rows, one per gate, type and
 * hour seen since the last hand-over; a server with a thousand gates adds a thousand rows a
 * minute at most, so a linear look-up from the last row used is enough. */
#include "fk/gate_tally.h"

#include <stdlib.h>
#include <string.h>

#include "fk/error.h"
#include "fk/gate.h"
#include "fk/str.h"

struct slot {
    char gate[72], scope[32];
};

struct fk_gate_tally {
    struct fk_gate_count_row *rows;
    struct slot *names;
    size_t n, cap, last;
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
    free(t);
}

static int same(const fk_gate_tally *t, size_t i, const char *gate, int type, int64_t hour)
{
    return t->rows[i].type == type && t->rows[i].hour == hour &&
           strcmp(t->names[i].gate, gate) == 0;
}

int fk_gate_tally_add(fk_gate_tally *t, const char *gate, const char *scope, int type, int what,
                      int64_t at)
{
    int64_t hour = at - ((at % 3600) + 3600) % 3600;
    size_t i;

    if (what < 0 || what > FK_GATE_BAD_ID || type < 0 || type >= FK_GATE_NTYPES)
        return FK_EINVAL;
    if (t->last < t->n && same(t, t->last, gate, type, hour)) {
        i = t->last;
    } else {
        for (i = 0; i < t->n && !same(t, i, gate, type, hour); i++)
            ;
    }
    if (i == t->n) {
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
        t->n++;
    }
    t->rows[i].n[what]++;
    if (at > t->rows[i].last)
        t->rows[i].last = at;
    t->last = i;
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
    t->n = 0;
    t->last = 0;
}

uint64_t fk_gate_tally_total(const fk_gate_tally *t)
{
    return t->total;
}
