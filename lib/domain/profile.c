/* SPDX-License-Identifier: MIT */
/* Profile parameters from INI text, parsed with inih's ini_parse_string (see fk/profile.h). The
 * table below is the single list of settings: name, place in the struct, bounds. */
#include "fk/profile.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/str.h"

static const struct setting {
    const char *section, *key;
    size_t offset;
    int min, max, def;
} settings[] = {
    {"screening", "tat_limit_hours", offsetof(struct fk_profile, tat_limit_hours), 1, 720, 12},
    {"screening", "coverage_target_pct", offsetof(struct fk_profile, coverage_target_pct), 1, 100,
     90},
    {"screening", "pool_min", offsetof(struct fk_profile, pool_min), 2, 1000, 2},
    {"import", "batch_rows", offsetof(struct fk_profile, batch_rows), 1, 10000000, 50000},
    {"trace", "lookback_days", offsetof(struct fk_profile, trace_lookback_days), 0, 60, 4},
    {"trace", "venue_window_minutes", offsetof(struct fk_profile, venue_window_minutes), 0, 1440,
     30},
    {"trace", "companion_slot_minutes", offsetof(struct fk_profile, companion_slot_minutes), 1,
     1440, 10},
    {"trace", "companion_days", offsetof(struct fk_profile, companion_days), 0, 60, 14},
};

void fk_profile_defaults(struct fk_profile *p)
{
    size_t i;

    memset(p, 0, sizeof *p);
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
        *(int *)((char *)p + settings[i].offset) = settings[i].def;
}

struct parse_state {
    struct fk_profile *p;
    char *err;
    size_t errlen;
    int failed;
};

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *ps = user;
    size_t i;
    int64_t v;
    fk_slice s = {value, strlen(value)};

    for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        if (strcmp(settings[i].section, section) != 0 || strcmp(settings[i].key, name) != 0)
            continue;
        if (fk_parse_i64(fk_slice_trim(s), &v) != FK_OK || v < settings[i].min ||
            v > settings[i].max) {
            if (!ps->failed)
                snprintf(ps->err, ps->errlen, "[%s] %s = '%s' is not a whole number from %d to %d",
                         section, name, value, settings[i].min, settings[i].max);
            ps->failed = 1;
            return 0;
        }
        *(int *)((char *)ps->p + settings[i].offset) = (int)v;
        return 1;
    }
    if (!ps->failed)
        snprintf(ps->err, ps->errlen, "[%s] %s is not a profile setting", section, name);
    ps->failed = 1;
    return 0;
}

/* inih reports keys, not sections, so a section with no keys under it would pass unseen: look
 * at every "[name]" line first. Returns the line of the first unknown section, or 0. */
static int unknown_section(const char *text, char *name, size_t cap)
{
    int line = 1;
    const char *s = text;

    while (*s) {
        const char *eol = strchr(s, '\n'), *close;
        size_t n, i;
        int known = 0;

        if (!eol)
            eol = s + strlen(s);
        while (s < eol && (*s == ' ' || *s == '\t'))
            s++;
        close = *s == '[' ? memchr(s, ']', (size_t)(eol - s)) : NULL;
        if (close) {
            n = (size_t)(close - s - 1);
            for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
                if (strlen(settings[i].section) == n && strncmp(settings[i].section, s + 1, n) == 0)
                    known = 1;
            if (!known) {
                fk_slice_copy(name, cap, (fk_slice){s + 1, n});
                return line;
            }
        }
        if (!*eol)
            break;
        s = eol + 1;
        line++;
    }
    return 0;
}

int fk_profile_parse(const char *text, struct fk_profile *p, char *err, size_t errlen)
{
    struct fk_profile tmp = *p;
    char msg[200] = "", section[64];
    struct parse_state ps = {&tmp, msg, sizeof msg, 0};
    int line = unknown_section(text, section, sizeof section);

    if (line) {
        snprintf(err, errlen, "line %d: [%s] is not a profile section (screening, import, trace)",
                 line, section);
        return FK_EINVAL;
    }
    line = ini_parse_string(text, on_value, &ps);
    if (line != 0) {
        if (ps.failed)
            snprintf(err, errlen, "line %d: %s", line, msg);
        else
            snprintf(err, errlen, "line %d: not an INI line", line);
        return FK_EINVAL;
    }
    *p = tmp;
    return FK_OK;
}
