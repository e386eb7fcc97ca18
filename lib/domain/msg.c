/* SPDX-License-Identifier: MIT */
/* The message catalogue (see fk/msg.h): one row a message, its code and English template, and
 * the two directions between a message and its English text: render (code + arguments to text)
 * and parse (text back to code + arguments, by matching the templates). Pure. */
#include "fk/msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fk/error.h"

struct def {
    const char *code, *english;
};

/* The English must stay as it was before the catalogue: the CLI, the rejects files and the
 * tests read it. */
static const struct def defs[FK_MSG__COUNT] = {
    [FK_MSG_TRACE_CASE] = {"trace.case", "case; infectious window {from} to {to}"},
    [FK_MSG_TRACE_HOUSEHOLD_CLOSE] = {"trace.household_close",
                                      "same household as {source} {name}; exposed from {from}, "
                                      "the start of {source}'s infectious window"},
    [FK_MSG_TRACE_HOUSEHOLD_SECONDARY] = {"trace.household_secondary",
                                          "same household as {source} {name}; exposed from "
                                          "{from}, the start of {source}'s exposure"},
    [FK_MSG_TRACE_VENUE] = {"trace.venue", "{source} scanned {venue} at {at}, this person at "
                                           "{seen}: {minutes} min apart (limit {limit})"},
    [FK_MSG_TRACE_CELL] = {"trace.cell", "{source}'s phone was in cell {cell} at {at}; this "
                                         "person's in the same {slot}-minute slot from {seen}"},
    [FK_MSG_ID_FULLWIDTH] = {"id.fullwidth", "character {pos} is not an ASCII digit or X (a "
                                             "full-width character?); retype it with half-width "
                                             "digits"},
    [FK_MSG_ID_LENGTH] = {"id.length", "length is {n}, a resident ID has 18 characters"},
    [FK_MSG_ID_CHAR] = {"id.char",
                        "character {pos} is {char}, the first 17 characters must be digits"},
    [FK_MSG_ID_AREA] = {"id.area",
                        "area code {area} does not exist: {province} is not a province code"},
    [FK_MSG_ID_BIRTH_YEAR] = {"id.birth_year", "birth year {year} is out of range (1900 to 2100)"},
    [FK_MSG_ID_BIRTH_DATE] = {"id.birth_date", "birth date {date} does not exist"},
    [FK_MSG_ID_CHECK_DIGIT] = {"id.check_digit", "check digit should be {want}, not {got}"},
    [FK_MSG_ID_FUTURE] = {"id.future", "birth date {date} is after today ({today})"},
    [FK_MSG_ID_PASSPORT_LENGTH] = {"id.passport_length",
                                   "length is {n}, a passport number has 5 to 20 letters and "
                                   "digits"},
    [FK_MSG_ID_PASSPORT_CHAR] = {"id.passport_char", "character {pos} is {char}, a passport "
                                                     "number has only letters and digits"},
    [FK_MSG_ID_HKMO_EMPTY] = {"id.hkmo_empty", "the number is empty, a Hong Kong or Macao permit "
                                               "number is H or M and 8 or 10 digits"},
    [FK_MSG_ID_HKMO_FIRST] = {"id.hkmo_first", "first character is {char}, a Hong Kong or Macao "
                                               "permit number starts with H or M"},
    [FK_MSG_ID_HKMO_LENGTH] = {"id.hkmo_length", "length is {n}, a Hong Kong or Macao permit "
                                                 "number is H or M and 8 or 10 digits"},
    [FK_MSG_ID_HKMO_CHAR] = {"id.hkmo_char", "character {pos} is {char}, after H or M a Hong Kong "
                                             "or Macao permit number has only digits"},
    [FK_MSG_ID_TAIWAN_LENGTH] = {"id.taiwan_length",
                                 "length is {n}, a Taiwan permit number has 8 or 10 digits"},
    [FK_MSG_ID_TAIWAN_CHAR] = {"id.taiwan_char",
                               "character {pos} is {char}, a Taiwan permit number has only digits"},
    [FK_MSG_ID_OTHER_LENGTH] = {"id.other_length",
                                "length is {n}, a document number has 1 to 32 characters"},
    [FK_MSG_ID_OTHER_CHAR] = {"id.other_char", "character {pos} is {char}, a document number has "
                                               "only letters, digits and punctuation other than "
                                               "commas"},
    [FK_MSG_ROW_EMPTY] = {"row.empty", "{field} is empty"},
    [FK_MSG_ROW_TOO_LONG] = {"row.too_long", "{field} is longer than {max} bytes"},
    [FK_MSG_ROW_BAD_TIME] = {"row.bad_time", "{field} '{value}' is not an ISO 8601 time (like "
                                             "2022-08-28T14:18:00+08:00 or 2022-08-28)"},
    [FK_MSG_ROW_TIME_EARLY] = {"row.time_early",
                               "{field} '{value}' is before 1900-01-01: a mistyped year?"},
    [FK_MSG_ROW_TIME_LATE] = {"row.time_late",
                              "{field} '{value}' is after {limit} ({rule}): a mistyped year?"},
    [FK_MSG_ROW_ID] = {"row.id", "id_number {id}: {reason}"},
    [FK_MSG_ROW_UNKNOWN_PERSON] = {"row.unknown_person", "unknown person {id}: not in the "
                                                         "population registry (import persons "
                                                         "first)"},
    [FK_MSG_ROW_UNKNOWN_GRID] = {"row.unknown_grid", "unknown grid {grid} (import regions first)"},
    [FK_MSG_ROW_NOT_GRID] = {"row.not_grid", "region {region} is a {level}, not a grid"},
    [FK_MSG_ROW_UNKNOWN_PARENT] = {"row.unknown_parent", "unknown parent {parent}"},
    [FK_MSG_ROW_UNKNOWN_VENUE] = {"row.unknown_venue",
                                  "unknown venue {venue} (import venues first)"},
    [FK_MSG_ROW_NO_SAMPLE] = {"row.no_sample",
                              "no sample was taken in tube {tube} (import samples first)"},
    [FK_MSG_ROW_OUTSIDE] = {"row.outside", "{what} lives in {where}, outside your scope {scope}"},
    [FK_MSG_ROW_REGION_OUTSIDE] = {"row.region_outside",
                                   "region {region} lies outside your scope {scope}"},
    [FK_MSG_ROW_RESIDENT_OUTSIDE] = {"row.resident_outside",
                                     "resident {id} is registered outside your scope {scope}"},
    [FK_MSG_ROW_END_BEFORE_START] = {"row.end_before_start", "end is before start"},
    [FK_MSG_ALERT_DOOR] = {"alert.door", "{event} at {device}"},
    [FK_MSG_ALERT_POSITIVE] = {"alert.positive", "tube {tube} positive"},
    [FK_MSG_ALERT_OFFLINE] = {"alert.offline", "sensor {device} offline for {minutes} minutes"},
    [FK_MSG_ALERT_SILENT] = {"alert.silent",
                             "sensor {device} offline for {minutes} minutes and still silent"},
    /* cold chain (issue 16) */
    [FK_MSG_COLD_EVENT] = {"row.cold_event", "event '{event}' is not arrive, store, sample, "
                                             "result, disinfect, dispatch or sell"},
    [FK_MSG_COLD_RESULT] = {"row.cold_result", "result '{result}' is not positive or negative"},
    [FK_MSG_COLD_RESULT_MISSING] = {"row.cold_result_missing",
                                    "a result event needs a result: positive or negative"},
    [FK_MSG_COLD_RESULT_NOT_RESULT] = {"row.cold_result_not_result",
                                       "a {event} event carries no result: only result events do"},
    [FK_MSG_COLD_NO_BATCH] = {"row.cold_no_batch",
                              "result for batch {batch}, which was never seen (no earlier event)"},
    [FK_MSG_ALERT_COLDCHAIN] = {"alert.coldchain",
                                "batch {batch} positive at {site}: {sites} sites, {persons} persons, "
                                "{shared} shared batches"},
};

const char *fk_msg_code(enum fk_msg_id id)
{
    return (unsigned)id < FK_MSG__COUNT ? defs[id].code : NULL;
}

const char *fk_msg_english(enum fk_msg_id id)
{
    return (unsigned)id < FK_MSG__COUNT ? defs[id].english : NULL;
}

/* The names of the placeholders of template s in order of first appearance: names[i] starts at
 * the name's first byte, lens[i] its length. Returns how many (at most FK_MSG_MAX_ARGS). */
static int arg_names(const char *s, const char **names, size_t *lens)
{
    int n = 0, i;

    while ((s = strchr(s, '{')) != NULL) {
        const char *e = strchr(s, '}');
        int seen = 0;

        if (!e)
            break;
        for (i = 0; i < n; i++)
            seen |= lens[i] == (size_t)(e - s - 1) && strncmp(names[i], s + 1, lens[i]) == 0;
        if (!seen && n < FK_MSG_MAX_ARGS) {
            names[n] = s + 1;
            lens[n++] = (size_t)(e - s - 1);
        }
        s = e + 1;
    }
    return n;
}

int fk_msg_nargs(enum fk_msg_id id)
{
    const char *names[FK_MSG_MAX_ARGS];
    size_t lens[FK_MSG_MAX_ARGS];

    return (unsigned)id < FK_MSG__COUNT ? arg_names(defs[id].english, names, lens) : 0;
}

size_t fk_msg_vrender(char *buf, size_t cap, enum fk_msg_id id, va_list ap)
{
    const char *names[FK_MSG_MAX_ARGS], *vals[FK_MSG_MAX_ARGS], *s;
    size_t lens[FK_MSG_MAX_ARGS], len = 0;
    int n, i;

    if (cap)
        buf[0] = '\0';
    if ((unsigned)id >= FK_MSG__COUNT)
        return 0;
    s = defs[id].english;
    n = arg_names(s, names, lens);
    for (i = 0; i < n; i++) {
        vals[i] = va_arg(ap, const char *);
        if (!vals[i])
            vals[i] = "";
    }
    while (*s) {
        const char *piece = s, *e = NULL;
        size_t plen = 1;

        if (*s == '{' && (e = strchr(s, '}')) != NULL) {
            for (i = 0; i < n; i++) {
                if (names[i] == s + 1) {
                    piece = vals[i];
                    break;
                }
                if (lens[i] == (size_t)(e - s - 1) && strncmp(names[i], s + 1, lens[i]) == 0) {
                    piece = vals[i];
                    break;
                }
            }
            plen = strlen(piece);
            s = e + 1;
        } else {
            s++;
        }
        if (len + 1 < cap) {
            size_t k = plen < cap - 1 - len ? plen : cap - 1 - len;

            memcpy(buf + len, piece, k);
            buf[len + k] = '\0';
        }
        len += plen;
    }
    return len;
}

size_t fk_msg_render(char *buf, size_t cap, enum fk_msg_id id, ...)
{
    va_list ap;
    size_t n;

    va_start(ap, id);
    n = fk_msg_vrender(buf, cap, id, ap);
    va_end(ap);
    return n;
}

int fk_msg_args_json(fk_buf *b, enum fk_msg_id id, ...)
{
    const char *names[FK_MSG_MAX_ARGS];
    size_t lens[FK_MSG_MAX_ARGS];
    int n, i, rc;
    va_list ap;

    if ((unsigned)id >= FK_MSG__COUNT)
        return FK_EINVAL;
    n = arg_names(defs[id].english, names, lens);
    rc = fk_buf_putc(b, '{');
    va_start(ap, id);
    for (i = 0; rc == FK_OK && i < n; i++) {
        const char *v = va_arg(ap, const char *);
        char name[64];

        snprintf(name, sizeof name, "%.*s", (int)lens[i], names[i]);
        if (i)
            rc = fk_buf_putc(b, ',');
        if (rc == FK_OK)
            rc = fk_buf_json_string(b, name);
        if (rc == FK_OK)
            rc = fk_buf_putc(b, ':');
        if (rc == FK_OK)
            rc = fk_buf_json_string(b, v ? v : "");
    }
    va_end(ap);
    if (rc == FK_OK)
        rc = fk_buf_putc(b, '}');
    return rc;
}

/* ---- parsing: the text back to code and arguments ---- */

struct capture {
    const char *names[FK_MSG_MAX_ARGS];
    size_t lens[FK_MSG_MAX_ARGS];
    const char *val[FK_MSG_MAX_ARGS];
    size_t vlen[FK_MSG_MAX_ARGS];
    int n;
};

/* The index of the placeholder named at s (len bytes) in c, adding it when new; -1 when full. */
static int slot(struct capture *c, const char *s, size_t len)
{
    int i;

    for (i = 0; i < c->n; i++)
        if (c->lens[i] == len && strncmp(c->names[i], s, len) == 0)
            return i;
    if (c->n == FK_MSG_MAX_ARGS)
        return -1;
    c->names[c->n] = s;
    c->lens[c->n] = len;
    c->val[c->n] = NULL;
    c->vlen[c->n] = 0;
    return c->n++;
}

/* 1 when template t matches text x[0..n) entirely, with the captures in c: a placeholder takes
 * the shortest text that lets the rest match, at least one byte and no "; "; one seen before
 * must read the same again. */
static int match(const char *t, const char *x, size_t n, struct capture *c)
{
    while (*t) {
        if (*t == '{') {
            const char *e = strchr(t, '}');
            int k, saved = c->n, semi = 0;
            size_t take;

            if (!e)
                return 0;
            k = slot(c, t + 1, (size_t)(e - t - 1));
            if (k < 0)
                return 0;
            if (c->val[k]) {
                if (c->vlen[k] > n || memcmp(x, c->val[k], c->vlen[k]) != 0)
                    return 0;
                x += c->vlen[k];
                n -= c->vlen[k];
                t = e + 1;
                continue;
            }
            for (take = 1; take <= n; take++) {
                /* An argument holds no "; ", which joins the reasons of a row, but for a reason
                 * that is a message of its own (of which some hold one). */
                if (take >= 2 && x[take - 2] == ';' && x[take - 1] == ' ')
                    semi = 1;
                if (semi && !(c->lens[k] == 6 && strncmp(c->names[k], "reason", 6) == 0))
                    break;
                if (semi && fk_msg_match(x, take, NULL) < 0)
                    continue;
                c->val[k] = x;
                c->vlen[k] = take;
                if (match(e + 1, x + take, n - take, c))
                    return 1;
            }
            c->val[k] = NULL;
            c->n = saved;
            return 0;
        }
        if (!n || *t != *x)
            return 0;
        t++;
        x++;
        n--;
    }
    return n == 0;
}

/* fk_buf_json_string of x[0..n). */
static int json_slice(fk_buf *b, const char *x, size_t n)
{
    char *s = malloc(n + 1);
    int rc;

    if (!s)
        return FK_ENOMEM;
    memcpy(s, x, n);
    s[n] = '\0';
    rc = fk_buf_json_string(b, s);
    free(s);
    return rc;
}

static int parse_json(const char *text, size_t len, const char *family, fk_buf *b, int depth)
{
    size_t fl = family ? strlen(family) : 0, mark = b->len;
    int id, i, rc = FK_OK;

    for (id = 0; id < FK_MSG__COUNT; id++) {
        struct capture c;

        if (fl && strncmp(defs[id].code, family, fl) != 0)
            continue;
        memset(&c, 0, sizeof c);
        if (!match(defs[id].english, text, len, &c))
            continue;
        rc = fk_buf_puts(b, "{\"code\":");
        if (rc == FK_OK)
            rc = fk_buf_json_string(b, defs[id].code);
        if (rc == FK_OK)
            rc = fk_buf_puts(b, ",\"args\":{");
        for (i = 0; rc == FK_OK && i < c.n; i++) {
            if (i)
                rc = fk_buf_putc(b, ',');
            if (rc == FK_OK)
                rc = json_slice(b, c.names[i], c.lens[i]);
            if (rc == FK_OK)
                rc = fk_buf_putc(b, ':');
            if (rc != FK_OK)
                break;
            if (depth == 0 && c.lens[i] == 6 && strncmp(c.names[i], "reason", 6) == 0) {
                rc = parse_json(c.val[i], c.vlen[i], NULL, b, 1);
                if (rc != FK_ENOENT)
                    continue;
            }
            rc = json_slice(b, c.val[i], c.vlen[i]);
        }
        if (rc == FK_OK)
            rc = fk_buf_puts(b, "}}");
        if (rc != FK_OK)
            b->len = mark;
        return rc;
    }
    return FK_ENOENT;
}

int fk_msg_match(const char *text, size_t len, const char *family)
{
    size_t fl = family ? strlen(family) : 0;
    int id;

    for (id = 0; id < FK_MSG__COUNT; id++) {
        struct capture c;

        memset(&c, 0, sizeof c);
        if ((!fl || strncmp(defs[id].code, family, fl) == 0) &&
            match(defs[id].english, text, len, &c))
            return id;
    }
    return -1;
}

int fk_msg_parse_json(const char *text, size_t len, const char *family, fk_buf *b)
{
    return parse_json(text, len, family, b, 0);
}

/* The end of the part of a list of reasons that starts at p: the longest run up to a "; " (or
 * the end) that is one message of family, since a message may hold "; " itself; else the first
 * "; ". */
static const char *part_end(const char *p, const char *end, const char *family)
{
    const char *q, *first = NULL;

    for (q = end; q > p; q--) {
        if (q < end && !(q[0] == ';' && q + 1 < end && q[1] == ' '))
            continue;
        first = q;
        if (fk_msg_match(p, (size_t)(q - p), family) >= 0)
            return q;
    }
    return first ? first : end;
}

int fk_msg_list_json(const char *text, size_t len, const char *family, fk_buf *b)
{
    const char *p = text, *end = text + len;
    int rc = fk_buf_putc(b, '['), first = 1;

    while (rc == FK_OK && p < end) {
        const char *q = part_end(p, end, family);
        size_t n = (size_t)(q - p);

        if (!first)
            rc = fk_buf_putc(b, ',');
        first = 0;
        if (rc == FK_OK)
            rc = parse_json(p, n, family, b, 0);
        if (rc == FK_ENOENT) {
            rc = fk_buf_puts(b, "{\"code\":null,\"text\":");
            if (rc == FK_OK)
                rc = json_slice(b, p, n);
            if (rc == FK_OK)
                rc = fk_buf_putc(b, '}');
        }
        p = q < end ? q + 2 : end;
    }
    if (rc == FK_OK)
        rc = fk_buf_putc(b, ']');
    return rc;
}
