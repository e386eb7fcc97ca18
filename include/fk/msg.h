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
    /* issue 16, vaccinations (lib/ingest/ingest.c) */
    FK_MSG_ROW_BAD_DOSE,
    FK_MSG_ROW_BEFORE_BIRTH,
    /* the assessment's files: indicators, scores (issue 17, lib/ingest/ingest.c) */
    FK_MSG_ROW_IND_CATEGORY,
    FK_MSG_ROW_IND_DIRECTION,
    FK_MSG_ROW_NUMBER,
    FK_MSG_ROW_WEIGHT,
    FK_MSG_ROW_VETO_FLAG,
    FK_MSG_ROW_UNKNOWN_INDICATOR,
    FK_MSG_ROW_VETO_TARGET,
    FK_MSG_ROW_NO_ACTUAL,
    /* issue 15 "one language at a time", the rest (t15-msg): the reject reasons of an import
     * still written as plain English (lib/ingest/ingest.c, the CSV reader lib/util/csv.c, the
     * JSON rows lib/ingest/json.c, coordinates lib/domain/region.c) */
    FK_MSG_ROW_BIDI,
    FK_MSG_ROW_CONTROL,
    FK_MSG_ROW_REGION_IS_SCOPE,
    FK_MSG_ROW_REGION_ROOT,
    FK_MSG_ROW_PARENT_OUTSIDE,
    FK_MSG_ROW_TUBE_OUTSIDE,
    FK_MSG_ROW_PHONE,
    FK_MSG_ROW_OWN_PARENT,
    FK_MSG_ROW_LEVEL_UNDER,
    FK_MSG_ROW_NO_PARENT,
    FK_MSG_ROW_REGION_CODE,
    FK_MSG_ROW_LEVEL,
    FK_MSG_ROW_ID_TYPE,
    FK_MSG_ROW_RESIDENT_MOVES,
    FK_MSG_ROW_VENUE_MOVES,
    FK_MSG_ROW_CATEGORY,
    FK_MSG_ROW_PLACE,
    FK_MSG_ROW_REGIME,
    FK_MSG_ROW_SENSOR_TAKEN,
    FK_MSG_ROW_SENSOR_UNKNOWN,
    FK_MSG_ROW_ARRIVAL_UNKNOWN,
    FK_MSG_ROW_RISK_LEVEL,
    FK_MSG_ROW_EVENT,
    FK_MSG_ROW_RESULT,
    FK_MSG_ROW_KIND,
    FK_MSG_ROW_ONSET_AFTER,
    FK_MSG_ROW_UTF8_N,
    FK_MSG_ROW_UTF8,
    FK_MSG_ROW_COORD_HALF,
    FK_MSG_ROW_COORD_LONG,
    FK_MSG_ROW_COORD_NAN,
    FK_MSG_ROW_COORD_SWAPPED,
    FK_MSG_ROW_COORD_RANGE,
    FK_MSG_ROW_CSV_UTF8,
    FK_MSG_ROW_CSV_NUL,
    FK_MSG_ROW_CSV_QUOTE,
    FK_MSG_ROW_CSV_FIELDS,
    FK_MSG_ROW_CSV_LONG,
    FK_MSG_ROW_JSON_OBJECT,
    FK_MSG_ROW_JSON_KIND,
    /* a whole file refused (lib/ingest, lib/util/csv.c): the error of the import */
    FK_MSG_FILE_EMPTY,
    FK_MSG_FILE_EMPTY_SHEET,
    FK_MSG_FILE_HEADER,
    FK_MSG_FILE_COLUMN_TWICE,
    FK_MSG_FILE_MISSING_COLUMN,
    FK_MSG_FILE_XLS,
    FK_MSG_FILE_NOT_ZIP,
    FK_MSG_FILE_NO_WORKBOOK,
    FK_MSG_FILE_PART_BIG,
    FK_MSG_FILE_ZIP_BOMB,
    FK_MSG_FILE_PART_OVER,
    FK_MSG_FILE_XML,
    FK_MSG_FILE_NO_SHEETS,
    FK_MSG_FILE_NO_SHEET,
    FK_MSG_FILE_ENCODING,
    FK_MSG_FILE_GB18030,
    FK_MSG_FILE_QUOTE_OPEN,
    FK_MSG_FILE_NOT_JSON,
    FK_MSG_FILE_NOT_JSON_BARE,
    FK_MSG_FILE_READING_ROW,
    FK_MSG_FILE_READING_LINE,
    /* the error answers of fangkong serve (server/), {"error": …} and {"hint": …} */
    FK_MSG_ERR_SCOPE,
    FK_MSG_ERR_ROLE,
    FK_MSG_ERR_ROLE_LIST,
    FK_MSG_ERR_BODY_TOO_LARGE,
    FK_MSG_ERR_UPLOAD,
    FK_MSG_ERR_METHOD_ON,
    FK_MSG_ERR_METHOD,
    FK_MSG_ERR_NO_ENDPOINT,
    FK_MSG_ERR_NO_PAGE,
    FK_MSG_ERR_INTERNAL,
    FK_MSG_ERR_NO_BODY,
    FK_MSG_ERR_NOT_OBJECT,
    FK_MSG_ERR_WHOLE_NOT,
    FK_MSG_ERR_WHOLE,
    FK_MSG_ERR_NOT_TIME_ISO,
    FK_MSG_ERR_NOT_TIME,
    FK_MSG_ERR_NOT_DATE,
    FK_MSG_ERR_NOT_LEVEL,
    FK_MSG_ERR_NOT_MAP_LEVEL,
    FK_MSG_ERR_UNKNOWN_VALUE,
    FK_MSG_ERR_UNKNOWN_LEVEL,
    FK_MSG_ERR_UNKNOWN_GROUPING,
    FK_MSG_ERR_UNKNOWN_ROLE,
    FK_MSG_ERR_UNKNOWN_FORMAT,
    FK_MSG_ERR_UNKNOWN_IMPORT,
    FK_MSG_ERR_UNKNOWN_EXPORT,
    FK_MSG_ERR_NO_EXPORT,
    FK_MSG_ERR_EXPORT_FILE,
    FK_MSG_ERR_UPLOAD_EMPTY,
    FK_MSG_ERR_NO_IMPORT,
    FK_MSG_ERR_NO_REJECTS,
    FK_MSG_ERR_NOT_YOURS,
    FK_MSG_ERR_NO_PERSON,
    FK_MSG_ERR_NOT_CONTACT,
    FK_MSG_ERR_NO_ALERT,
    FK_MSG_ERR_ALERT_ACTION,
    FK_MSG_ERR_ID_MISSING,
    FK_MSG_ERR_NO_ACTION,
    FK_MSG_ERR_CASES_MAX,
    FK_MSG_ERR_SINCE_UNTIL,
    FK_MSG_ERR_WHICH_AREA,
    FK_MSG_ERR_NO_ROUND,
    FK_MSG_ERR_NO_ROUNDS,
    FK_MSG_ERR_FIND_Q,
    FK_MSG_ERR_CHAIN_ID,
    FK_MSG_ERR_DEPTH,
    FK_MSG_ERR_FIELD_MISSING,
    FK_MSG_ERR_NAME_LONG,
    FK_MSG_ERR_START_END,
    FK_MSG_ERR_TOKEN,
    FK_MSG_ERR_CSRF,
    FK_MSG_ERR_SESSION_ENDED,
    FK_MSG_ERR_DISABLED,
    FK_MSG_ERR_WRONG_PASSWORD,
    FK_MSG_ERR_NAME_PASSWORD,
    FK_MSG_ERR_PASSWORD_LONG,
    FK_MSG_ERR_TOO_MANY_FROM,
    FK_MSG_ERR_TOO_MANY_FOR,
    FK_MSG_ERR_TOO_MANY,
    FK_MSG_ERR_DISABLED_BOOL,
    FK_MSG_ERR_BUSY,
    FK_MSG_ERR_MAY_CONTROL,
    FK_MSG_ERR_MAY_CHANGE,
    FK_MSG_ERR_MAY_ROUNDS,
    FK_MSG_ERR_MAY_ALERTS,
    FK_MSG_ERR_MAY_ACCOUNTS,
    FK_MSG_ERR_NOTE_REQUIRED,
    FK_MSG_ERR_ALERT_ACK_CLOSE,
    FK_MSG_ERR_NO_ALERT_N,
    FK_MSG_ERR_ALERT_CLOSED,
    FK_MSG_ERR_NOT_CONTROLLED,
    FK_MSG_ERR_TIME_BEFORE,
    FK_MSG_ERR_PERSON_OUTSIDE,
    FK_MSG_ERR_RELEASE_RULE,
    FK_MSG_ERR_RELEASE_RULE_ANY,
    FK_MSG_ERR_EXTEND_DAYS,
    FK_MSG_ERR_UNKNOWN_REGION_FIRST,
    FK_MSG_ERR_UNKNOWN_REGION,
    FK_MSG_ERR_USER_NAME,
    FK_MSG_ERR_USER_EXISTS,
    FK_MSG_ERR_NO_USER,
    FK_MSG_ERR_NO_RISK_PERIOD,
    /* why a release rule is not met (lib/domain/regime.c), the reason of err.release_rule */
    FK_MSG_RELEASE_BEFORE,
    FK_MSG_RELEASE_DAY,
    FK_MSG_RELEASE_POSITIVE,
    FK_MSG_RELEASE_NEGATIVES,
    FK_MSG_HINT_SCOPE,
    FK_MSG_HINT_RIGHT,
    FK_MSG_HINT_BY_LEVEL,
    FK_MSG_HINT_SPLIT,
    FK_MSG_HINT_DOCS,
    FK_MSG_HINT_BUILD_UI,
    FK_MSG_HINT_LOG,
    FK_MSG_HINT_JSON_OBJECT,
    FK_MSG_HINT_LIKE,
    FK_MSG_HINT_SIGN_IN_AT,
    FK_MSG_HINT_SIGN_IN_AGAIN,
    FK_MSG_HINT_ASK_ADMIN,
    FK_MSG_HINT_CSRF,
    FK_MSG_HINT_WAIT_LOG,
    FK_MSG_HINT_WAIT_ACCOUNT,
    FK_MSG_HINT_RETRY,
    FK_MSG_HINT_REJECTS_KEPT,
    FK_MSG_HINT_REJECTS_OWNER,
    FK_MSG_HINT_SEND_FILE,
    FK_MSG_HINT_ROUNDS_LIST,
    FK_MSG_HINT_ROUND_CREATE,
    FK_MSG_HINT_ROWS,
    FK_MSG_HINT_EVENTS,
    FK_MSG_HINT_FIND,
    /* issue 16, sentinels (lib/ingest/ingest.c, lib/action/sentinel.c) */
    FK_MSG_ROW_SEN_KIND,
    FK_MSG_ROW_SEN_COUNT,
    FK_MSG_ALERT_SENTINEL,
    /* cold chain (issue 16): the import's reject reasons and the positive batch's alert */
    FK_MSG_COLD_EVENT,
    FK_MSG_COLD_RESULT,
    FK_MSG_COLD_RESULT_MISSING,
    FK_MSG_COLD_RESULT_NOT_RESULT,
    FK_MSG_COLD_NO_BATCH,
    FK_MSG_ALERT_COLDCHAIN,
    /* 包保 (issue 17, t17-assign): the assignments import's reject reasons */
    FK_MSG_ROW_ASSIGN_ROLE,
    FK_MSG_ROW_ASSIGN_NEEDS_PERSON,
    FK_MSG_ROW_ASSIGN_LEADER_PERSON,
    FK_MSG_ROW_ASSIGN_LEVEL,
    FK_MSG_ROW_ASSIGN_PHONE,
    /* issue 17, duty and zero reports (值班与零报告, lib/ingest/ingest.c) */
    FK_MSG_ROW_UNKNOWN_UNIT,
    FK_MSG_ROW_UNIT_KIND,
    FK_MSG_ROW_BAD_DATE,
    FK_MSG_ROW_BAD_COUNT,
    FK_MSG_ROW_SUBMITTED_BEFORE,
    FK_MSG_ROW_DUTY_LEVEL,
    /* issue 17, supervision problems (t17-prob): the import's reject reasons
     * (lib/ingest/ingest.c) and the refused state changes (lib/domain/problem.c) */
    FK_MSG_PROBLEM_STATUS,
    FK_MSG_PROBLEM_DEADLINE,
    FK_MSG_PROBLEM_NO_NOTE,
    FK_MSG_PROBLEM_NO_CLOSED,
    FK_MSG_PROBLEM_CLOSED_NOT,
    FK_MSG_PROBLEM_CLOSED_EARLY,
    FK_MSG_PROBLEM_NO_INSPECTION,
    FK_MSG_PROBLEM_SAME,
    FK_MSG_PROBLEM_TRANSITION,
    FK_MSG_PROBLEM_NOTE_CLOSE,
    FK_MSG_PROBLEM_NOTE_REOPEN,
    /* issue 17, response timers: incident_events rejects (lib/ingest/ingest.c) and the action */
    FK_MSG_INC_EVENT,
    FK_MSG_INC_NOT_CASE,
    FK_MSG_INC_BEFORE_START,
    /* issue 18, risk zones: zones rejects (lib/ingest/ingest.c) and the actions */
    FK_MSG_ZONE_LEVEL,
    FK_MSG_ZONE_REGION_LEVEL,
    FK_MSG_ZONE_NO_REGIONS,
    FK_MSG_ZONE_LIFTED_EARLY,
    FK_MSG_ZONE_OVERLAP,
    /* issue 18, closed-loop transfers: transfers rejects (lib/ingest/ingest.c) */
    FK_MSG_TRANSFER_FROM_KIND,
    FK_MSG_TRANSFER_TO_KIND,
    FK_MSG_TRANSFER_NO_PICKUP,
    FK_MSG_TRANSFER_BEFORE_PICKUP,
    /* issue 18, daily health check-ins: checkins rejects and alerts */
    FK_MSG_CHECKIN_TEMP,
    FK_MSG_CHECKIN_RANGE,
    FK_MSG_CHECKIN_NOT_CONTROLLED,
    FK_MSG_CHECKIN_SYMPTOM,
    FK_MSG_ALERT_FEVER,
    FK_MSG_ALERT_CHECKIN_MISSED,
    /* issue 21, the mass-screening plan: labs rejects */
    FK_MSG_LAB_CAPACITY,
    /* issue 21, gatherings and citizen requests: their rejects (lib/ingest/ingest.c) */
    FK_MSG_GATHERING_KIND,
    FK_MSG_GATHERING_ONLINE,
    FK_MSG_GATHERING_EXPECTED,
    FK_MSG_GATHERING_DATE_LATE,
    FK_MSG_REQUEST_KIND,
    FK_MSG_REQUEST_CHANNEL,
    FK_MSG_REQUEST_ASSIGNED_EARLY,
    FK_MSG_REQUEST_NO_ASSIGNMENT,
    FK_MSG_REQUEST_RESOLVED_EARLY,
    FK_MSG_REQUEST_NO_UNIT,
    FK_MSG_REQUEST_UNIT_ALONE,
    FK_MSG__COUNT
};

/* Most arguments a message has. */
#define FK_MSG_MAX_ARGS 8

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
