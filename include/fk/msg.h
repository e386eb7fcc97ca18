/* SPDX-License-Identifier: MIT */
/* fk_msg: the messages a person reads in a sentence (explain steps, alert details, reject
 * reasons), one catalogue of them: each has a code ("id.check_digit") and an English template
 * with named arguments ("check digit should be {want}, not {got}"). Code that writes a message
 * renders it from here (fk_msg_render), so the English text of the CLI, the CSV rejects files
 * and the database stays what it is; a client that shows another language receives the code and
 * arguments besides it (fk_msg_parse recovers them from the English text, so texts stored before
 * a message had a code, in rejects files or alerts, get one too) and has its own template for the
 * code (web/src/i18n.js, block msg.*). A message's argument may itself be a message (the reason
 * of "id_number {id}: {reason}"). Pure: no I/O, no clock, no globals but the constant table. */
#ifndef FK_MSG_H
#define FK_MSG_H

#include <stdarg.h>
#include <stddef.h>

#include "fk/buf.h"

enum fk_msg_id {
    /* the steps of an explain chain (lib/engine/tracer.c) */
    FK_MSG_TRACE_CASE = 0,
    FK_MSG_TRACE_HOUSEHOLD_CLOSE,
    FK_MSG_TRACE_HOUSEHOLD_SECONDARY,
    FK_MSG_TRACE_VENUE,
    FK_MSG_TRACE_CELL,
    /* resident ID checks (lib/domain/idcard.c) */
    FK_MSG_ID_FULLWIDTH,
    FK_MSG_ID_LENGTH,
    FK_MSG_ID_CHAR,
    FK_MSG_ID_AREA,
    FK_MSG_ID_BIRTH_YEAR,
    FK_MSG_ID_BIRTH_DATE,
    FK_MSG_ID_CHECK_DIGIT,
    FK_MSG_ID_FUTURE,
    FK_MSG_ID_PASSPORT_LENGTH,
    FK_MSG_ID_PASSPORT_CHAR,
    FK_MSG_ID_HKMO_EMPTY,
    FK_MSG_ID_HKMO_FIRST,
    FK_MSG_ID_HKMO_LENGTH,
    FK_MSG_ID_HKMO_CHAR,
    FK_MSG_ID_TAIWAN_LENGTH,
    FK_MSG_ID_TAIWAN_CHAR,
    FK_MSG_ID_OTHER_LENGTH,
    FK_MSG_ID_OTHER_CHAR,
    /* the common reject reasons of an import (lib/ingest/ingest.c) */
    FK_MSG_ROW_EMPTY,
    FK_MSG_ROW_TOO_LONG,
    FK_MSG_ROW_BAD_TIME,
    FK_MSG_ROW_TIME_EARLY,
    FK_MSG_ROW_TIME_LATE,
    FK_MSG_ROW_ID,
    FK_MSG_ROW_UNKNOWN_PERSON,
    FK_MSG_ROW_UNKNOWN_GRID,
    FK_MSG_ROW_NOT_GRID,
    FK_MSG_ROW_UNKNOWN_PARENT,
    FK_MSG_ROW_UNKNOWN_VENUE,
    FK_MSG_ROW_NO_SAMPLE,
    FK_MSG_ROW_OUTSIDE,
    FK_MSG_ROW_REGION_OUTSIDE,
    FK_MSG_ROW_RESIDENT_OUTSIDE,
    FK_MSG_ROW_END_BEFORE_START,
    /* alert details (lib/ingest/ingest.c, lib/action/alert.c) */
    FK_MSG_ALERT_DOOR,
    FK_MSG_ALERT_POSITIVE,
    FK_MSG_ALERT_OFFLINE,
    FK_MSG_ALERT_SILENT,
    /* cold chain (issue 16): the import's reject reasons and the positive batch's alert */
    FK_MSG_COLD_EVENT,
    FK_MSG_COLD_RESULT,
    FK_MSG_COLD_RESULT_MISSING,
    FK_MSG_COLD_RESULT_NOT_RESULT,
    FK_MSG_COLD_NO_BATCH,
    FK_MSG_ALERT_COLDCHAIN,
    FK_MSG__COUNT
};

/* Most arguments a message has. */
#define FK_MSG_MAX_ARGS 6

/* The code of id ("id.check_digit"), or NULL for an id out of range. Static storage. */
const char *fk_msg_code(enum fk_msg_id id);
/* The English template of id, or NULL. Static storage. */
const char *fk_msg_english(enum fk_msg_id id);
/* How many arguments id takes, in the order they first appear in its template. */
int fk_msg_nargs(enum fk_msg_id id);

/* Writes message id in English into buf (cap bytes, always terminated when cap > 0), its
 * arguments being fk_msg_nargs(id) strings (NULL reads as "") in the order of the template.
 * Returns the length the whole text has (as snprintf). Thread-safe. */
size_t fk_msg_render(char *buf, size_t cap, enum fk_msg_id id, ...);
size_t fk_msg_vrender(char *buf, size_t cap, enum fk_msg_id id, va_list ap);

/* Appends to b the JSON object of the arguments of message id, {"name":"value",…}, given as
 * fk_msg_render takes them. FK_OK, FK_EINVAL (no such id), FK_ENOMEM or FK_ETOOBIG from b. */
int fk_msg_args_json(fk_buf *b, enum fk_msg_id id, ...);

/* The message (of family, as below) whose template the English text (len bytes) fits, or -1. */
int fk_msg_match(const char *text, size_t len, const char *family);
/* Appends to b the JSON object {"code":…,"args":{…}} of the English text (len bytes) when it is
 * one of the catalogue's messages whose code starts with family ("alert."; NULL: any), an
 * argument named "reason" that is itself one (of any family) as such an object, and returns
 * FK_OK; FK_ENOENT (nothing appended) when no template fits; FK_ENOMEM or FK_ETOOBIG from b.
 * Thread-safe. */
int fk_msg_parse_json(const char *text, size_t len, const char *family, fk_buf *b);
/* Appends to b the JSON array of the messages of a text of reasons joined by "; " (an import's
 * reasons), one object each as fk_msg_parse_json gives it, or {"code":null,"text":…} for a part
 * no template fits. FK_OK, FK_ENOMEM or FK_ETOOBIG. */
int fk_msg_list_json(const char *text, size_t len, const char *family, fk_buf *b);

#endif
