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
    /* issue 16, vaccinations */
    [FK_MSG_ROW_BAD_DOSE] = {"row.bad_dose", "dose '{value}' is not a dose number from 1 to 9"},
    [FK_MSG_ROW_BEFORE_BIRTH] = {"row.before_birth",
                                 "{field} {value} is before the person's birth date {birth}"},
    [FK_MSG_ROW_IND_CATEGORY] = {"row.ind_category", "category '{value}' is not 党建, 高质量发展, "
                                                     "营商环境, 专项工作 or 差异化"},
    [FK_MSG_ROW_IND_DIRECTION] = {"row.ind_direction",
                                  "direction '{value}' is not higher or lower"},
    [FK_MSG_ROW_NUMBER] = {"row.number", "{field} '{value}' is not a number like 92.5"},
    [FK_MSG_ROW_WEIGHT] = {"row.weight", "weight {value} is not above 0"},
    [FK_MSG_ROW_VETO_FLAG] = {"row.veto_flag", "veto '{value}' is not 0 or 1"},
    [FK_MSG_ROW_UNKNOWN_INDICATOR] = {"row.unknown_indicator",
                                      "unknown indicator {code} (import indicators first)"},
    [FK_MSG_ROW_VETO_TARGET] = {"row.veto_target", "indicator {code} is a veto (一票否决) one: its "
                                                   "target must be above 0"},
    [FK_MSG_ROW_NO_ACTUAL] = {"row.no_actual", "actual is empty: only an indicator fangkong "
                                               "computes ({code} is not one) may leave it empty"},

    /* t15-msg: the rest of the reject reasons (the English as ingest.c, csv.c, json.c and
     * region.c wrote it before) */
    [FK_MSG_ROW_BIDI] = {"row.bidi", "{field} holds a bidirectional control U+{cp} at byte {byte}"},
    [FK_MSG_ROW_CONTROL] = {"row.control",
                            "{field} holds a control character U+{cp} at byte {byte}"},
    [FK_MSG_ROW_REGION_IS_SCOPE] = {"row.region_is_scope", "region {region} is your scope: only an "
                                                           "account above it may move it"},
    [FK_MSG_ROW_REGION_ROOT] = {"row.region_root", "region {region} would be a root of the region "
                                                   "tree: only the local administrator adds one"},
    [FK_MSG_ROW_PARENT_OUTSIDE] = {"row.parent_outside",
                                   "region {region}: its parent {parent} lies outside your scope "
                                   "{scope}"},
    [FK_MSG_ROW_TUBE_OUTSIDE] = {"row.tube_outside", "tube {tube} holds samples of residents "
                                                     "outside your scope {scope}"},
    [FK_MSG_ROW_PHONE] = {"row.phone", "{field} '{value}' may hold only digits, '+', '-'"},
    [FK_MSG_ROW_OWN_PARENT] = {"row.own_parent", "region {region} is its own parent"},
    [FK_MSG_ROW_LEVEL_UNDER] = {"row.level_under",
                                "a {level} cannot sit under {parent}, a {parent_level}"},
    [FK_MSG_ROW_NO_PARENT] = {"row.no_parent",
                              "parent is empty: only a province or a city may be a root"},
    [FK_MSG_ROW_REGION_CODE] = {"row.region_code",
                                "code '{code}' must be 1 to 31 letters, digits, '-', '_' or '.'"},
    [FK_MSG_ROW_LEVEL] = {"row.level", "level '{value}' is not province, city, county, township, "
                                       "community or grid"},
    [FK_MSG_ROW_ID_TYPE] = {"row.id_type",
                            "id_type '{value}' is not resident, passport, hk_macao, taiwan or "
                            "other"},
    [FK_MSG_ROW_RESIDENT_MOVES] = {"row.resident_moves",
                                   "resident {id} is registered outside your scope {scope}: an "
                                   "account whose scope holds both places moves them"},
    [FK_MSG_ROW_VENUE_MOVES] = {"row.venue_moves",
                                "venue {venue} is registered outside your scope {scope}: an "
                                "account whose scope holds both places moves it"},
    [FK_MSG_ROW_CATEGORY] = {"row.category", "category '{value}' is not case, close, secondary, "
                                             "companion, arrival, risk_area, other or coldchain"},
    [FK_MSG_ROW_PLACE] = {"row.place",
                          "place '{value}' is not centralized, home, hospital or monitoring"},
    [FK_MSG_ROW_REGIME] = {"row.regime",
                           "unknown regime {regime} (the profile has no [regime.{regime}])"},
    [FK_MSG_ROW_SENSOR_TAKEN] = {"row.sensor_taken",
                                 "door sensor {device} is registered to another person"},
    [FK_MSG_ROW_SENSOR_UNKNOWN] = {"row.sensor_unknown",
                                   "unregistered door sensor {device} (name it in the person's "
                                   "control order, column device)"},
    [FK_MSG_ROW_ARRIVAL_UNKNOWN] = {"row.arrival_unknown",
                                    "unknown person {id}: give name and grid to register the "
                                    "arrival"},
    [FK_MSG_ROW_RISK_LEVEL] = {"row.risk_level", "level '{value}' is not high, medium or low"},
    [FK_MSG_ROW_EVENT] = {"row.event", "event '{value}' is not open, close, offline or tamper"},
    [FK_MSG_ROW_RESULT] = {"row.result", "result '{value}' is not negative, positive or invalid"},
    [FK_MSG_ROW_KIND] = {"row.kind", "kind '{value}' is not confirmed or asymptomatic"},
    [FK_MSG_ROW_ONSET_AFTER] = {"row.onset_after", "onset is after confirmed"},
    [FK_MSG_ROW_UTF8_N] = {"row.utf8_n", "field {n} is not valid UTF-8 text"},
    [FK_MSG_ROW_UTF8] = {"row.utf8", "{field} is not valid UTF-8 text"},
    [FK_MSG_ROW_COORD_HALF] = {"row.coord_half",
                               "{field} is empty but {other} is {value}: give both or neither"},
    [FK_MSG_ROW_COORD_LONG] = {"row.coord_long", "{field} '{value}…' is not a number of degrees"},
    [FK_MSG_ROW_COORD_NAN] = {"row.coord_nan",
                              "{field} '{value}' is not a number of degrees (like 112.7523)"},
    [FK_MSG_ROW_COORD_SWAPPED] = {"row.coord_swapped",
                                  "{field} {value} is outside {lo} to {hi} ({axis}): are lon and "
                                  "lat the wrong way round?"},
    [FK_MSG_ROW_COORD_RANGE] = {"row.coord_range", "{field} {value} is outside {lo} to {hi} "
                                                   "({axis})"},
    [FK_MSG_ROW_CSV_UTF8] = {"row.csv_utf8", "invalid UTF-8 in field {field} at byte {byte}"},
    [FK_MSG_ROW_CSV_NUL] = {"row.csv_nul", "a NUL byte in field {field} at byte {byte}"},
    [FK_MSG_ROW_CSV_QUOTE] = {"row.csv_quote", "a quote inside a field must be doubled (field "
                                               "{field}, byte {byte}: write \"\" for \")"},
    [FK_MSG_ROW_CSV_FIELDS] = {"row.csv_fields", "record has more than {n} fields"},
    [FK_MSG_ROW_CSV_LONG] = {"row.csv_long", "record is longer than {n} bytes"},
    [FK_MSG_ROW_JSON_OBJECT] = {"row.json_object", "not a JSON object: each row is an object of "
                                                   "column names and values"},
    [FK_MSG_ROW_JSON_KIND] = {"row.json_kind", "{field} is {kind}: give text or a number"},
    [FK_MSG_FILE_EMPTY] = {"file.empty", "the file is empty: a {type} file starts with a header "
                                         "row: {columns}"},
    [FK_MSG_FILE_EMPTY_SHEET] = {"file.empty_sheet", "the sheet is empty: a {type} file starts "
                                                     "with a header row: {columns}"},
    [FK_MSG_FILE_HEADER] = {"file.header", "the header row cannot be read: {reason}"},
    [FK_MSG_FILE_COLUMN_TWICE] = {"file.column_twice",
                                  "the header names column '{column}' twice (columns {first} and "
                                  "{second}): which one holds the data is unclear; remove or "
                                  "rename one"},
    [FK_MSG_FILE_MISSING_COLUMN] = {"file.missing_column",
                                    "missing required column '{column}': a {type} file needs "
                                    "{columns}; this header has: {have}"},
    [FK_MSG_FILE_XLS] = {"file.xls", "{path} is an old Excel workbook (.xls), which fangkong does "
                                     "not read: save it as .xlsx or .csv"},
    [FK_MSG_FILE_NOT_ZIP] = {"file.not_zip", "{path} is not an .xlsx workbook (not a zip "
                                             "archive): save it as .xlsx or .csv"},
    [FK_MSG_FILE_NO_WORKBOOK] = {"file.no_workbook",
                                 "{path} is a zip archive but not an .xlsx workbook (it has no "
                                 "xl/workbook.xml): save it as .xlsx or .csv"},
    [FK_MSG_FILE_PART_BIG] = {"file.part_big", "{part} would unpack to more than 1 GiB: refused "
                                               "(split the workbook)"},
    [FK_MSG_FILE_ZIP_BOMB] = {"file.zip_bomb", "{part} would unpack to {ratio} times its packed "
                                               "size: refused as a zip bomb"},
    [FK_MSG_FILE_PART_OVER] = {"file.part_over", "{part} is over {mib} MiB: refused"},
    [FK_MSG_FILE_XML] = {"file.xml", "{part} is not well-formed XML (line {line}: {detail})"},
    [FK_MSG_FILE_NO_SHEETS] = {"file.no_sheets", "{path} has no sheet"},
    [FK_MSG_FILE_NO_SHEET] = {"file.no_sheet",
                              "{path} has no sheet named '{sheet}'; its sheets are {sheets}"},
    [FK_MSG_FILE_ENCODING] = {"file.encoding", "unknown encoding \"{encoding}\": use auto, utf-8, "
                                               "gb18030, gbk or gb2312"},
    [FK_MSG_FILE_GB18030] = {"file.gb18030",
                             "bytes that are not valid GB18030 near byte offset {offset}"},
    [FK_MSG_FILE_QUOTE_OPEN] = {"file.quote_open",
                                "quoted field opened on line {line} is never closed"},
    [FK_MSG_FILE_NOT_JSON] = {"file.not_json", "the body is not JSON: {detail}"},
    [FK_MSG_FILE_NOT_JSON_BARE] = {"file.not_json_bare", "the body is not JSON"},
    [FK_MSG_FILE_READING_ROW] = {"file.reading_row", "reading {path} near row {n}: {reason}"},
    [FK_MSG_FILE_READING_LINE] = {"file.reading_line", "reading {path} near line {n}: {reason}"},
    /* t15-msg: the error answers of fangkong serve and their hints */
    [FK_MSG_ERR_SCOPE] = {"err.scope", "region {region} is outside your scope {scope}"},
    [FK_MSG_ERR_ROLE] = {"err.role", "a {role} account may not do this"},
    [FK_MSG_ERR_ROLE_LIST] = {"err.role_list", "a {role} account may not list persons"},
    [FK_MSG_ERR_BODY_TOO_LARGE] = {"err.body_too_large", "the request body is larger than the "
                                                         "server takes ({max} bytes for JSON)"},
    [FK_MSG_ERR_UPLOAD] = {"err.upload", "the upload could not be read or stored"},
    [FK_MSG_ERR_METHOD_ON] = {"err.method_on", "{method} is not allowed on {url}"},
    [FK_MSG_ERR_METHOD] = {"err.method", "{method} is not allowed here"},
    [FK_MSG_ERR_NO_ENDPOINT] = {"err.no_endpoint", "no endpoint {url}"},
    [FK_MSG_ERR_NO_PAGE] = {"err.no_page", "no such page"},
    [FK_MSG_ERR_INTERNAL] = {"err.internal", "the server could not answer this request"},
    [FK_MSG_ERR_NO_BODY] = {"err.no_body", "the request has no body"},
    [FK_MSG_ERR_NOT_OBJECT] = {"err.not_object", "the body is not a JSON object: {detail}"},
    [FK_MSG_ERR_WHOLE_NOT] = {"err.whole_not",
                              "{name} must be a whole number from {min} to {max}, not '{value}'"},
    [FK_MSG_ERR_WHOLE] = {"err.whole", "{name} must be a whole number from {min} to {max}"},
    [FK_MSG_ERR_NOT_TIME_ISO] = {"err.not_time_iso", "{param} '{value}' is not an ISO 8601 time"},
    [FK_MSG_ERR_NOT_TIME] = {"err.not_time", "{param} '{value}' is not a time"},
    [FK_MSG_ERR_NOT_DATE] = {"err.not_date", "{param} '{value}' is not a date"},
    [FK_MSG_ERR_NOT_LEVEL] = {"err.not_level", "by '{value}' is not a region level"},
    [FK_MSG_ERR_NOT_MAP_LEVEL] = {"err.not_map_level", "by '{value}' is not a level for the map"},
    [FK_MSG_ERR_UNKNOWN_VALUE] = {"err.unknown_value", "{param} '{value}' is unknown"},
    [FK_MSG_ERR_UNKNOWN_LEVEL] = {"err.unknown_level", "unknown level '{value}'"},
    [FK_MSG_ERR_UNKNOWN_GROUPING] = {"err.unknown_grouping", "unknown grouping '{value}'"},
    [FK_MSG_ERR_UNKNOWN_ROLE] = {"err.unknown_role", "unknown role '{value}'"},
    [FK_MSG_ERR_UNKNOWN_FORMAT] = {"err.unknown_format", "unknown format '{value}'"},
    [FK_MSG_ERR_UNKNOWN_IMPORT] = {"err.unknown_import", "unknown import type '{type}'"},
    [FK_MSG_ERR_UNKNOWN_EXPORT] = {"err.unknown_export", "unknown export type '{type}'"},
    [FK_MSG_ERR_NO_EXPORT] = {"err.no_export", "no export type '{type}'"},
    [FK_MSG_ERR_EXPORT_FILE] = {"err.export_file",
                                "an export is a file: ask for format=csv or format=xlsx"},
    [FK_MSG_ERR_UPLOAD_EMPTY] = {"err.upload_empty", "the upload is empty"},
    [FK_MSG_ERR_NO_IMPORT] = {"err.no_import", "no such import"},
    [FK_MSG_ERR_NO_REJECTS] = {"err.no_rejects", "no rejects for import {id}"},
    [FK_MSG_ERR_NOT_YOURS] = {"err.not_yours", "the rejects of import {id} are not yours"},
    [FK_MSG_ERR_NO_PERSON] = {"err.no_person", "no person with ID number {id}"},
    [FK_MSG_ERR_NOT_CONTACT] = {"err.not_contact", "{id} is not on the contact list"},
    [FK_MSG_ERR_NO_ALERT] = {"err.no_alert", "no alert '{id}'"},
    [FK_MSG_ERR_ALERT_ACTION] = {"err.alert_action", "say what to do with the alert"},
    [FK_MSG_ERR_ID_MISSING] = {"err.id_missing", "id_number is missing"},
    [FK_MSG_ERR_NO_ACTION] = {"err.no_action", "no control action '{action}'"},
    [FK_MSG_ERR_CASES_MAX] = {"err.cases_max", "at most {n} cases at once"},
    [FK_MSG_ERR_SINCE_UNTIL] = {"err.since_until", "since or until is not a time"},
    [FK_MSG_ERR_WHICH_AREA] = {"err.which_area", "which risk area?"},
    [FK_MSG_ERR_NO_ROUND] = {"err.no_round", "no round named '{name}'"},
    [FK_MSG_ERR_NO_ROUNDS] = {"err.no_rounds", "no screening round yet"},
    [FK_MSG_ERR_FIND_Q] = {"err.find_q", "whom to find? q is required"},
    [FK_MSG_ERR_CHAIN_ID] = {"err.chain_id", "whose chain? id is required"},
    [FK_MSG_ERR_DEPTH] = {"err.depth", "depth is 1 or 2, not '{value}'"},
    [FK_MSG_ERR_FIELD_MISSING] = {"err.field_missing", "a field is missing"},
    [FK_MSG_ERR_NAME_LONG] = {"err.name_long", "the name or region is too long"},
    [FK_MSG_ERR_START_END] = {"err.start_end", "start and end must be ISO 8601 times"},
    [FK_MSG_ERR_TOKEN] = {"err.token", "a bearer token is required"},
    [FK_MSG_ERR_CSRF] = {"err.csrf", "a request signed in by the session cookie must carry the "
                                     "header X-Fangkong-CSRF: 1"},
    [FK_MSG_ERR_SESSION_ENDED] = {"err.session_ended", "the session has ended"},
    [FK_MSG_ERR_DISABLED] = {"err.disabled", "the account is disabled"},
    [FK_MSG_ERR_WRONG_PASSWORD] = {"err.wrong_password", "wrong name or password"},
    [FK_MSG_ERR_NAME_PASSWORD] = {"err.name_password", "name and password are required"},
    [FK_MSG_ERR_PASSWORD_LONG] = {"err.password_long", "a password has at most {n} bytes"},
    [FK_MSG_ERR_TOO_MANY_FROM] = {"err.too_many_from", "too many failed sign-ins from {addr}; try "
                                                       "again in {minutes} minutes"},
    [FK_MSG_ERR_TOO_MANY_FOR] = {"err.too_many_for", "too many failed sign-ins for {name}; try "
                                                     "again in {minutes} minutes"},
    [FK_MSG_ERR_TOO_MANY] = {"err.too_many", "too many failed sign-ins on this server; try again "
                                             "in {minutes} minutes"},
    [FK_MSG_ERR_DISABLED_BOOL] = {"err.disabled_bool", "disabled must be true or false"},
    [FK_MSG_ERR_BUSY] = {"err.busy", "the server is checking too many passwords at once"},
    [FK_MSG_ERR_MAY_CONTROL] = {"err.may_control",
                                "a {role} account may not put persons under control"},
    [FK_MSG_ERR_MAY_CHANGE] = {"err.may_change", "a {role} account may not change control orders"},
    [FK_MSG_ERR_MAY_ROUNDS] = {"err.may_rounds",
                               "a {role} account may not create screening rounds"},
    [FK_MSG_ERR_MAY_ALERTS] = {"err.may_alerts", "a {role} account may not handle alerts"},
    [FK_MSG_ERR_MAY_ACCOUNTS] = {"err.may_accounts", "a {role} account may not manage accounts"},
    [FK_MSG_ERR_NOTE_REQUIRED] = {"err.note_required", "say what was done: a note is required"},
    [FK_MSG_ERR_ALERT_ACK_CLOSE] = {"err.alert_ack_close",
                                    "an alert can be acknowledged or closed"},
    [FK_MSG_ERR_NO_ALERT_N] = {"err.no_alert_n", "no alert {id}"},
    [FK_MSG_ERR_ALERT_CLOSED] = {"err.alert_closed", "alert {id} is closed already"},
    [FK_MSG_ERR_NOT_CONTROLLED] = {"err.not_controlled", "the person is not under control"},
    [FK_MSG_ERR_TIME_BEFORE] = {"err.time_before",
                                "the {what} time is before the control started ({start})"},
    [FK_MSG_ERR_PERSON_OUTSIDE] = {"err.person_outside",
                                   "the person {id} lives outside your scope {scope}"},
    [FK_MSG_ERR_RELEASE_RULE] = {"err.release_rule", "the release rule of {regime} is not met: "
                                                     "{reason} (--force releases anyway)"},
    [FK_MSG_ERR_RELEASE_RULE_ANY] = {"err.release_rule_any",
                                     "the release rule of the control is not met: {reason} "
                                     "(--force releases anyway)"},
    [FK_MSG_ERR_EXTEND_DAYS] = {"err.extend_days", "extend by 1 to 366 days"},
    [FK_MSG_ERR_UNKNOWN_REGION_FIRST] = {"err.unknown_region_first",
                                         "unknown region {region} (import regions first)"},
    [FK_MSG_ERR_UNKNOWN_REGION] = {"err.unknown_region", "unknown region {region}"},
    [FK_MSG_ERR_USER_NAME] = {"err.user_name", "a user name has 1 to 64 of a-z, 0-9, '.', '_' and "
                                               "'-', not '{name}'"},
    [FK_MSG_ERR_USER_EXISTS] = {"err.user_exists", "a user named '{name}' already exists"},
    [FK_MSG_ERR_NO_USER] = {"err.no_user", "no user named '{name}'"},
    [FK_MSG_ERR_NO_RISK_PERIOD] = {"err.no_risk_period",
                                   "no risk period of area {area} (import risk_areas first)"},
    [FK_MSG_RELEASE_BEFORE] = {"release.before", "the release time is before the control started"},
    [FK_MSG_RELEASE_DAY] = {"release.day", "day {day} of {days}"},
    [FK_MSG_RELEASE_POSITIVE] = {"release.positive", "a positive result since the start"},
    [FK_MSG_RELEASE_NEGATIVES] = {"release.negatives",
                                  "{need} negative results in a row needed, {got} so far"},
    [FK_MSG_HINT_SCOPE] = {"hint.scope", "ask for a region inside your scope"},
    [FK_MSG_HINT_RIGHT] = {"hint.right", "ask an admin for an account with this right"},
    [FK_MSG_HINT_BY_LEVEL] = {"hint.by_level", "ask with ?by=LEVEL for the counts"},
    [FK_MSG_HINT_SPLIT] = {"hint.split", "split the file or send it as a file upload"},
    [FK_MSG_HINT_DOCS] = {"hint.docs", "docs/api.md lists the endpoints"},
    [FK_MSG_HINT_BUILD_UI] = {"hint.build_ui", "build the web UI with make"},
    [FK_MSG_HINT_LOG] = {"hint.log", "the server log has the details"},
    [FK_MSG_HINT_JSON_OBJECT] = {"hint.json_object", "send a JSON object"},
    [FK_MSG_HINT_LIKE] = {"hint.like", "like {example}"},
    [FK_MSG_HINT_SIGN_IN_AT] = {"hint.sign_in_at", "sign in at POST /api/v1/login"},
    [FK_MSG_HINT_SIGN_IN_AGAIN] = {"hint.sign_in_again", "sign in again"},
    [FK_MSG_HINT_ASK_ADMIN] = {"hint.ask_admin", "ask an admin"},
    [FK_MSG_HINT_CSRF] = {"hint.csrf", "the web UI sends it; API clients send Authorization: "
                                       "Bearer TOKEN"},
    [FK_MSG_HINT_WAIT_LOG] = {"hint.wait_log", "wait, or ask an admin to check the server log"},
    [FK_MSG_HINT_WAIT_ACCOUNT] = {"hint.wait_account",
                                  "wait, or ask an admin to check the account"},
    [FK_MSG_HINT_RETRY] = {"hint.retry", "try again in a second"},
    [FK_MSG_HINT_REJECTS_KEPT] = {"hint.rejects_kept", "rejects are kept for 24 hours"},
    [FK_MSG_HINT_REJECTS_OWNER] = {"hint.rejects_owner",
                                   "ask the account that ran the import, or an admin"},
    [FK_MSG_HINT_SEND_FILE] = {"hint.send_file",
                               "send the CSV as the body, or as a form field 'file'"},
    [FK_MSG_HINT_ROUNDS_LIST] = {"hint.rounds_list", "GET /api/v1/rounds lists them"},
    [FK_MSG_HINT_ROUND_CREATE] = {"hint.round_create", "create one with POST /api/v1/rounds"},
    [FK_MSG_HINT_ROWS] = {"hint.rows", "an object of column: value, or an array of them"},
    [FK_MSG_HINT_EVENTS] = {"hint.events", "an event object or an array of them"},
    [FK_MSG_HINT_FIND] = {"hint.find", "an ID number (18 characters or the last 6), a name or its "
                                       "beginning, or a phone (11 digits or the last 4)"},
    /* issue 16, sentinels */
    [FK_MSG_ROW_SEN_KIND] = {"row.sen_kind", "kind '{kind}' is not fever_clinic, pharmacy, "
                                             "coldchain, station, school or other"},
    [FK_MSG_ROW_SEN_COUNT] = {"row.sen_count",
                              "count '{count}' is not a whole number from 1 to {max}"},
    [FK_MSG_ALERT_SENTINEL] = {"alert.sentinel",
                               "{kind} signals in {region} on {date}: {count} ({rule}; mean "
                               "{mean}, sd {sd}; rows {rows})"},
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
    [FK_MSG_ALERT_COLDCHAIN] =
        {"alert.coldchain", "batch {batch} positive at {site}: {sites} sites, {persons} persons, "
                            "{shared} shared batches"},
    /* 包保 (issue 17, t17-assign) */
    [FK_MSG_ROW_ASSIGN_ROLE] =
        {"row.assign_role",
         "role '{cadre_role}' is not leader or one of the profile's roles: {roles}"},
    [FK_MSG_ROW_ASSIGN_NEEDS_PERSON] = {"row.assign_needs_person",
                                        "role {cadre_role} looks after a person under home control "
                                        "(五包一): id_number is required"},
    [FK_MSG_ROW_ASSIGN_LEADER_PERSON] = {"row.assign_leader_person",
                                         "a leader (四级包保) leads a region: id_number must be "
                                         "empty"},
    [FK_MSG_ROW_ASSIGN_LEVEL] = {"row.assign_level", "a leader leads a county, township, community "
                                                     "or grid; {region} is a {level}"},
    [FK_MSG_ROW_ASSIGN_PHONE] = {"row.assign_phone",
                                 "phone '{value}' is not a phone number: 7 to 20 digits, with '+', "
                                 "'-' or spaces between"},
    /* issue 17, duty and zero reports */
    [FK_MSG_ROW_UNKNOWN_UNIT] = {"row.unknown_unit", "unknown unit {unit} (import units first)"},
    [FK_MSG_ROW_UNIT_KIND] = {"row.unit_kind", "kind '{value}' is not township, hospital, clinic, "
                                               "pharmacy, school, enterprise or other"},
    [FK_MSG_ROW_BAD_DATE] = {"row.bad_date", "{field} '{value}' is not a date like 2022-08-28"},
    [FK_MSG_ROW_BAD_COUNT] = {"row.bad_count", "count '{value}' is not a whole number, 0 or more"},
    [FK_MSG_ROW_SUBMITTED_BEFORE] = {"row.submitted_before",
                                     "submitted {value} is before the report's date {date}"},
    [FK_MSG_ROW_DUTY_LEVEL] = {"row.duty_level", "region {region} is a {level}: duty is kept by a "
                                                 "city, county or township headquarters"},
    /* issue 17, supervision problems (t17-prob) */
    [FK_MSG_PROBLEM_STATUS] = {"row.problem_status",
                               "status '{value}' is not open, rectifying or closed"},
    [FK_MSG_PROBLEM_DEADLINE] = {"row.problem_deadline",
                                 "deadline {deadline} is before found {found}"},
    [FK_MSG_PROBLEM_NO_NOTE] = {"row.problem_no_note",
                                "a problem closed without a note: the note says what was done "
                                "(the evidence)"},
    [FK_MSG_PROBLEM_NO_CLOSED] = {"row.problem_no_closed",
                                  "a closed problem needs its closed time"},
    [FK_MSG_PROBLEM_CLOSED_NOT] = {"row.problem_closed_not",
                                   "closed time given but the status is {pstate}: only a closed "
                                   "problem has one"},
    [FK_MSG_PROBLEM_CLOSED_EARLY] = {"row.problem_closed_early",
                                     "closed {closed} is before found {found}"},
    [FK_MSG_PROBLEM_NO_INSPECTION] = {"row.problem_no_inspection",
                                      "unknown inspection {inspection} (import inspections first)"},
    [FK_MSG_PROBLEM_SAME] = {"problem.same", "the problem is already {pstate}"},
    [FK_MSG_PROBLEM_TRANSITION] = {"problem.transition",
                                   "a problem that is {pstate} cannot become {pnext}: open goes to "
                                   "rectifying, rectifying to closed or back to open, closed to "
                                   "open (reopen)"},
    [FK_MSG_PROBLEM_NOTE_CLOSE] = {"problem.note_close",
                                   "closing a problem needs a note saying what was done (the "
                                   "evidence)"},
    [FK_MSG_PROBLEM_NOTE_REOPEN] = {"problem.note_reopen",
                                    "reopening a closed problem needs a note saying why"},
    /* issue 17, response timers */
    [FK_MSG_INC_EVENT] = {"row.inc_event", "event '{value}' is not onsite or activated"},
    [FK_MSG_INC_NOT_CASE] = {"row.inc_not_case",
                             "{id} is not a case (import it in a cases file first)"},
    [FK_MSG_INC_BEFORE_START] = {"row.inc_before_start",
                                 "time {time} is before the case's start {start}"},
    /* issue 18, risk zones */
    [FK_MSG_ZONE_LEVEL] = {"row.zone_level",
                           "level '{value}' is not lockdown, control or precaution"},
    [FK_MSG_ZONE_REGION_LEVEL] = {"row.zone_region_level",
                                  "region {region} is a {level}: a zone covers regions below the "
                                  "city"},
    [FK_MSG_ZONE_NO_REGIONS] = {"row.zone_no_regions", "a zone needs at least one region"},
    [FK_MSG_ZONE_LIFTED_EARLY] = {"row.zone_lifted_early",
                                  "lifted {time} is before declared {declared}"},
    [FK_MSG_ZONE_OVERLAP] = {"zone.overlap",
                             "region {region} is also in {level} zone {zone}; the stricter level "
                             "applies"},
    /* issue 18, closed-loop transfers */
    [FK_MSG_TRANSFER_FROM_KIND] = {"row.transfer_from_kind",
                                   "from_kind '{value}' is not airport, station, school, address "
                                   "or other"},
    [FK_MSG_TRANSFER_TO_KIND] = {"row.transfer_to_kind",
                                 "to_kind '{value}' is not isolation_site, home, hospital or "
                                 "other"},
    [FK_MSG_TRANSFER_NO_PICKUP] = {"row.transfer_no_pickup",
                                   "handed over at {handed} but never picked up"},
    [FK_MSG_TRANSFER_BEFORE_PICKUP] = {"row.transfer_before_pickup",
                                       "handed over at {handed}, before the pick-up at {picked}"},
    /* issue 18, daily health check-ins */
    [FK_MSG_CHECKIN_TEMP] = {"row.checkin_temp",
                             "temperature '{value}' is not a number of degrees Celsius with at "
                             "most one decimal, like 36.5"},
    [FK_MSG_CHECKIN_RANGE] = {"row.checkin_range",
                              "temperature {temp} °C is outside 34.0 to 43.0 °C: a misreading "
                              "(check the thermometer and the decimal point)"},
    [FK_MSG_CHECKIN_NOT_CONTROLLED] = {"row.checkin_not_controlled",
                                       "{id} is not under home or centralized control at {time} "
                                       "(import the control order first)"},
    [FK_MSG_CHECKIN_SYMPTOM] = {"row.checkin_symptom",
                                "symptom '{value}' is not one of fever, cough, sore_throat, "
                                "fatigue, headache, diarrhea, taste_smell, breath, none"},
    [FK_MSG_ALERT_FEVER] = {"alert.fever", "temperature {temp} °C at the check-in of {time}"},
    [FK_MSG_ALERT_CHECKIN_MISSED] = {"alert.checkin_missed", "no check-in from {from} to {to}"},
    /* issue 21, the mass-screening plan */
    [FK_MSG_LAB_CAPACITY] = {"row.lab_capacity",
                             "tubes_per_hour '{value}' is not a whole number of tubes, 1 or more: "
                             "a lab that tests nothing cannot be planned with"},
    /* issue 21, gatherings */
    [FK_MSG_GATHERING_KIND] = {"row.gathering_kind",
                               "kind '{value}' is not meeting, wedding, funeral, exhibition or "
                               "training"},
    [FK_MSG_GATHERING_ONLINE] = {"row.gathering_online", "online '{value}' is not yes or no"},
    [FK_MSG_GATHERING_EXPECTED] = {"row.gathering_expected",
                                   "expected '{value}' is not a number of persons from 1 to "
                                   "1000000"},
    [FK_MSG_GATHERING_DATE_LATE] = {"row.gathering_date_late",
                                    "date {date} is more than a year after now"},
    /* issue 21, citizen requests */
    [FK_MSG_REQUEST_KIND] = {"row.request_kind",
                             "kind '{value}' is not medicine, medical, food, complaint or other"},
    [FK_MSG_REQUEST_CHANNEL] = {"row.request_channel",
                                "channel '{value}' is not hotline, wechat, online, walk_in or "
                                "other"},
    [FK_MSG_REQUEST_ASSIGNED_EARLY] = {"row.request_assigned_early",
                                       "assigned {time} is before received {received}"},
    [FK_MSG_REQUEST_NO_ASSIGNMENT] = {"row.request_no_assignment",
                                      "resolved at {resolved} but never assigned"},
    [FK_MSG_REQUEST_RESOLVED_EARLY] = {"row.request_resolved_early",
                                       "resolved at {resolved}, before it was assigned at "
                                       "{assigned}"},
    [FK_MSG_REQUEST_NO_UNIT] = {"row.request_no_unit",
                                "assigned at {time} to no unit: name the unit"},
    [FK_MSG_REQUEST_UNIT_ALONE] = {"row.request_unit_alone",
                                   "unit {unit} is named but the request has no assigned time"},
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
    const char *tmpl; /* the template matched, for what stands before a placeholder */
    const char *names[FK_MSG_MAX_ARGS];
    size_t lens[FK_MSG_MAX_ARGS];
    const char *val[FK_MSG_MAX_ARGS];
    size_t vlen[FK_MSG_MAX_ARGS];
    int n;
    unsigned long steps; /* the placeholder lengths tried so far: a bound on the work */
};

/* Most placeholder lengths one template tries on one text. A legitimate text needs a few per
 * byte; a text made to fit many ways at once (a URL of "; " and " at " repeated, answered as
 * "no endpoint {url}") would otherwise cost the product of its lengths. */
#define MATCH_STEPS 20000UL

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
 * the shortest text that lets the rest match, at least one byte (none when it is quoted, '{x}':
 * a value a row left empty) and no "; "; one seen before must read the same again. */
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
            take = t > c->tmpl && (t[-1] == '\'' || t[-1] == '"') && e[1] == t[-1] ? 0 : 1;
            for (; take <= n; take++) {
                if (++c->steps > MATCH_STEPS)
                    return 0;
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

/* How many bytes of template t are its own text, not placeholders. */
static size_t literal_len(const char *t)
{
    size_t n = 0;

    while (*t) {
        const char *e = *t == '{' ? strchr(t, '}') : NULL;

        if (e) {
            t = e + 1;
        } else {
            n++;
            t++;
        }
    }
    return n;
}

/* The message of family (NULL: any) whose template fits text[0..len), its captures in *c, or -1.
 * When several fit ("resident {id} is registered outside your scope {scope}" and the same with
 * more words after it), the one with the most text of its own is the one written. */
static int best(const char *text, size_t len, const char *family, struct capture *c)
{
    size_t fl = family ? strlen(family) : 0, most = 0;
    int id, found = -1;

    for (id = 0; id < FK_MSG__COUNT; id++) {
        struct capture k;
        size_t lit;

        if (fl && strncmp(defs[id].code, family, fl) != 0)
            continue;
        lit = literal_len(defs[id].english);
        if (found >= 0 && lit <= most)
            continue;
        memset(&k, 0, sizeof k);
        k.tmpl = defs[id].english;
        if (!match(defs[id].english, text, len, &k))
            continue;
        found = id;
        most = lit;
        *c = k;
    }
    return found;
}

static int parse_json(const char *text, size_t len, const char *family, fk_buf *b, int depth)
{
    size_t mark = b->len;
    int id, i, rc = FK_OK;
    struct capture c;

    id = best(text, len, family, &c);
    if (id >= 0) {
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
    struct capture c;

    return best(text, len, family, &c);
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
