/* SPDX-License-Identifier: MIT */
/* The tracing rules that need no data (see fk/trace.h): a case's infectious window and which of
 * two reasons wins. */
#include "fk/trace.h"

#include "fk/store.h" /* struct fk_case_row, the case record the window is read from */

void fk_trace_window(const struct fk_case_row *c, const struct fk_profile *p, int64_t *start,
                     int64_t *end)
{
    int64_t from = c->onset ? c->onset : c->confirmed;

    *start = from - (int64_t)p->trace_lookback_days * 86400;
    *end = c->isolated ? c->isolated : c->confirmed;
}

int fk_contact_better(const struct fk_contact *a, const struct fk_contact *b)
{
    if (a->category != b->category)
        return a->category < b->category;
    if (a->exposure != b->exposure)
        return a->exposure < b->exposure;
    if (a->source != b->source)
        return a->source < b->source;
    if (a->via != b->via)
        return a->via < b->via;
    return a->via_id < b->via_id;
}

const char *fk_category_name(int category)
{
    switch (category) {
    case FK_CAT_CLOSE: return "close";
    case FK_CAT_SECONDARY: return "secondary";
    case FK_CAT_COMPANION: return "companion";
    default: return "";
    }
}
