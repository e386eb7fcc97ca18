/* SPDX-License-Identifier: MIT */
/* The record-type descriptors (see fk/record.h): one entry a type, in the data contract's order.
 * The import, the store's generic put, the export and the contract table all read them.
 *
 * DESIGN NOTES
 * - Statements are SQLite text kept beside the fields they bind, so a type's columns, key and SQL
 *   are read together; the PostgreSQL backend will fill .pg.
 * - scans, pings, samples and door events are append-only events with hand-written INSERT OR
 *   IGNORE fast paths (FK_RECORD_APPEND); results keep their own put (a later time replaces, an
 *   earlier one is ignored: FK_PUT_OLDER), which no generic compare says.
 * - The walks of a type keyed by person that is far smaller than the registry (cases, controls,
 *   arrivals, incident events) join persons with CROSS JOIN, which makes SQLite read the type's
 *   table first and sort: with a plain JOIN and no ANALYZE statistics (fangkong never runs one)
 *   it walks all of persons by ID number to skip the sort, one look-up a resident: 10 M look-ups
 *   for 8 incident events, a second each time the scoring read them per county. */
#include "fk/record.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fk/coldevent.h"
#include "fk/error.h"
#include "fk/gathering.h"
#include "fk/idcard.h"
#include "fk/problem.h"
#include "fk/incident.h"
#include "fk/region.h"
#include "fk/regime.h"
#include "fk/report.h"
#include "fk/request.h"
#include "fk/score.h"
#include "fk/zone.h"
#include "fk/screening.h"
#include "fk/sentinel.h"
#include "fk/transfer.h"

static const char *level_name(int v)
{
    return fk_level_name((enum fk_level)v);
}

static const char *id_type_name(int v)
{
    return fk_id_type_name((enum fk_id_type)v);
}

static const char *category_name(int v)
{
    return fk_ctl_category_name((enum fk_ctl_category)v);
}

static const char *place_name(int v)
{
    return fk_ctl_place_name((enum fk_ctl_place)v);
}

static const char *risk_level_name(int v)
{
    return fk_risk_level_name((enum fk_risk_level)v);
}

static const char *door_event_name(int v)
{
    return fk_door_event_name((enum fk_door_event)v);
}

static const char *sen_kind_name(int v)
{
    return fk_sen_kind_name(v);
}

static const char *indicator_category_name(int v)
{
    return fk_indicator_category_name(v);
}

static const char *direction_name(int v)
{
    return v == 0 || v == 1 ? fk_score_direction_name(v) : "";
}

static const char *unit_kind_name(int v)
{
    return fk_unit_kind_name(v);
}

static const char *cold_event_name(int v)
{
    return fk_cold_event_name((enum fk_cold_event)v);
}

static const char *cold_result_name(int v)
{
    return fk_cold_result_name((enum fk_cold_result)v);
}

static const char *problem_status_name(int v)
{
    return fk_problem_status_name(v);
}

static const char *inc_event_name(int v)
{
    return fk_inc_event_name(v);
}

static const char *zone_level_name(int v)
{
    return fk_zone_level_name(v < FK_ZONE_NLEVELS ? v : -1);
}

static const char *transfer_from_name(int v)
{
    return fk_transfer_from_name(v);
}

static const char *transfer_to_name(int v)
{
    return fk_transfer_to_name(v);
}

static const char *gathering_kind_name(int v)
{
    return fk_gathering_kind_name(v);
}

static const char *yes_no_name(int v)
{
    return v == 0 ? "no" : v == 1 ? "yes" : "";
}

static const char *request_kind_name(int v)
{
    return fk_request_kind_name(v);
}

static const char *request_channel_name(int v)
{
    return fk_request_channel_name(v);
}

static const char *case_kind_name(int v)
{
    return v == 0 ? "confirmed" : v == 1 ? "asymptomatic" : "";
}

static const char *result_name(int v)
{
    return v == FK_RESULT_NEGATIVE   ? "negative"
           : v == FK_RESULT_POSITIVE ? "positive"
           : v == FK_RESULT_INVALID  ? "invalid"
                                     : "";
}

/* Column shorthands: required or optional, of a kind, with a length ceiling (bytes). */
#define REQ(n, k, len, h)                                                                          \
    {                                                                                              \
        n, 1, k, len, NULL, h                                                                      \
    }
#define OPT(n, k, len, h)                                                                          \
    {                                                                                              \
        n, 0, k, len, NULL, h                                                                      \
    }
#define REQ_ENUM(n, f, h)                                                                          \
    {                                                                                              \
        n, 1, FK_RCOL_ENUM, 0, f, h                                                                \
    }
#define OPT_ENUM(n, f, h)                                                                          \
    {                                                                                              \
        n, 0, FK_RCOL_ENUM, 0, f, h                                                                \
    }
#define ID_NUMBER REQ("id_number", FK_RCOL_ID_NUMBER, 63, "the person's identity document number")
#define TEXT 255
#define CODE 31
/* The optional coordinates of a grid or a venue (fk_coord_parse checks them). */
#define LON OPT("lon", FK_RCOL_DECIMAL, 15, "longitude, decimal degrees east (73 to 136)")
#define LAT OPT("lat", FK_RCOL_DECIMAL, 15, "latitude, decimal degrees north (3 to 54)")
#define LONLAT_NOTE "both or neither; the map draws grids and venues that have them"

static const struct fk_record_type types[FK_IMPORT_NTYPES] = {
    [FK_IMPORT_REGIONS] =
        {
            .id = FK_IMPORT_REGIONS,
            .name = "regions",
            .title_zh = "行政区划与网格",
            .title_en = "regions and grids",
            .cols = {REQ("code", FK_RCOL_CODE, CODE, "the region code"),
                     REQ("name", FK_RCOL_TEXT, TEXT, "the region's name"),
                     REQ_ENUM("level", level_name, "province … grid"),
                     REQ("parent", FK_RCOL_CODE, CODE, "the region above it"), LON, LAT,
                     OPT("worker", FK_RCOL_TEXT, TEXT, "a grid's worker (网格员)"),
                     OPT("worker_phone", FK_RCOL_TEXT, 63, "the grid worker's phone")},
            .ncols = 8,
            .nreq = 4,
            .cols_note =
                "level province city county township community grid (or 省 市 区县 乡镇街道 "
                "社区村 网格); lon,lat: " LONLAT_NOTE,
            .key = {0},
            .nkey = 1,
            .key_note = "code: replaces; a worker column the file lacks keeps the stored value",
            .scope = FK_SCOPE_REGION,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .feeds = FK_FEEDS_ENGINE,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"name", FK_RVAL_TEXT, 0},
                       {"level", FK_RVAL_INT, 0},
                       {"parent", FK_RVAL_TEXT, 0},
                       {"lon", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"lat", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"worker", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"worker_phone", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 8,
            .sqlite = {"SELECT name, level, parent, lon, lat, worker, worker_phone FROM regions "
                       "WHERE code = ?1",
                       "INSERT INTO regions (code, name, level, parent, lon, lat, worker, "
                       "worker_phone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       "UPDATE regions SET name = ?2, level = ?3, parent = ?4, "
                       "lon = coalesce(?5, lon), lat = coalesce(?6, lat), "
                       "worker = coalesce(?7, worker), worker_phone = coalesce(?8, worker_phone) "
                       "WHERE code = ?1",
                       "SELECT code, name, level, parent, lon, lat, worker, worker_phone, code "
                       "FROM regions "
                       "ORDER BY code"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7},
            .nexport = 8,
            .nscope = 1,
        },
    [FK_IMPORT_PERSONS] =
        {
            .id = FK_IMPORT_PERSONS,
            .name = "persons",
            .title_zh = "人口底册",
            .title_en = "population registry",
            .cols = {ID_NUMBER, REQ("name", FK_RCOL_TEXT, TEXT, "the resident's name"),
                     REQ("grid", FK_RCOL_CODE, CODE, "the grid the resident lives in"),
                     OPT("phone", FK_RCOL_TEXT, 63, "phone number"),
                     OPT("household", FK_RCOL_TEXT, TEXT, "household (户) code"),
                     OPT("tags", FK_RCOL_TEXT, TEXT, "tags, separated by ;"),
                     OPT_ENUM("id_type", id_type_name, "resident passport hk_macao taiwan other"),
                     OPT("address", FK_RCOL_TEXT, TEXT, "home address, for door-to-door visits")},
            .ncols = 8,
            .nreq = 3,
            .key = {0},
            .nkey = 1,
            .key_note =
                "id_number: replaces (a person who moved has the new grid); a column the file "
                "lacks keeps the stored value",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC | FK_RECORD_HAS_ID,
            .feeds = FK_FEEDS_ENGINE | FK_FEEDS_TRACER | FK_FEEDS_ROSTER,
            .fields = {{"id_number", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"id_type", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"name", FK_RVAL_TEXT, 0},
                       {"phone", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"grid", FK_RVAL_TEXT, 0},
                       {"household", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"tags", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"address", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 8,
            .sqlite =
                {"SELECT id, id_type, name, phone, grid, household, tags, address FROM persons "
                 "WHERE id_number = ?1",
                 "INSERT INTO persons (id_number, id_type, name, phone, grid, household, tags, "
                 "address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                 "UPDATE persons SET id_type = coalesce(?2, id_type), name = ?3, "
                 "phone = coalesce(?4, phone), grid = ?5, "
                 "household = coalesce(?6, household), tags = coalesce(?7, tags), "
                 "address = coalesce(?8, address) WHERE id_number = ?1",
                 "SELECT id_number, name, grid, phone, household, tags, id_type, address, grid "
                 "FROM persons ORDER BY id_number"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7},
            .nexport = 8,
            .nscope = 1,
        },
    [FK_IMPORT_VENUES] =
        {
            .id = FK_IMPORT_VENUES,
            .name = "venues",
            .title_zh = "场所码",
            .title_en = "venues",
            .cols = {REQ("code", FK_RCOL_CODE, TEXT, "the venue's code (场所码)"),
                     REQ("name", FK_RCOL_TEXT, TEXT, "the venue's name"),
                     REQ("grid", FK_RCOL_CODE, CODE, "the grid it lies in"),
                     OPT("type", FK_RCOL_TEXT, TEXT, "kind of venue"), LON, LAT},
            .ncols = 6,
            .nreq = 3,
            .cols_note = "lon,lat: " LONLAT_NOTE,
            .key = {0},
            .nkey = 1,
            .key_note = "code: replaces",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC | FK_RECORD_HAS_ID,
            .feeds = FK_FEEDS_TRACER,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"name", FK_RVAL_TEXT, 0},
                       {"type", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"grid", FK_RVAL_TEXT, 0},
                       {"lon", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"lat", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 6,
            .sqlite = {"SELECT id, name, type, grid, lon, lat FROM venues WHERE code = ?1",
                       "INSERT INTO venues (code, name, type, grid, lon, lat) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       "UPDATE venues SET name = ?2, type = coalesce(?3, type), grid = ?4, "
                       "lon = coalesce(?5, lon), lat = coalesce(?6, lat) WHERE code = ?1",
                       "SELECT code, name, grid, type, lon, lat, grid FROM venues ORDER BY code"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 1,
        },
    [FK_IMPORT_SCANS] =
        {
            .id = FK_IMPORT_SCANS,
            .name = "scans",
            .title_zh = "场所码扫码",
            .title_en = "venue code scans",
            .cols = {ID_NUMBER, REQ("venue", FK_RCOL_CODE, TEXT, "the venue's code"),
                     REQ("time", FK_RCOL_TIME, 0, "when")},
            .ncols = 3,
            .nreq = 3,
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(person, venue, time): duplicate",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_APPEND,
            .feeds = FK_FEEDS_TRACER,
        },
    [FK_IMPORT_PINGS] =
        {
            .id = FK_IMPORT_PINGS,
            .name = "pings",
            .title_zh = "基站信令",
            .title_en = "cell tower pings",
            .cols = {ID_NUMBER, REQ("cell", FK_RCOL_CODE, TEXT, "the cell's code"),
                     REQ("time", FK_RCOL_TIME, 0, "when")},
            .ncols = 3,
            .nreq = 3,
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(person, cell, time): duplicate",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_APPEND,
            .feeds = FK_FEEDS_TRACER,
        },
    [FK_IMPORT_SAMPLES] =
        {
            .id = FK_IMPORT_SAMPLES,
            .name = "samples",
            .title_zh = "核酸采样",
            .title_en = "swab samples",
            .cols = {REQ("tube", FK_RCOL_CODE, TEXT, "the tube's code (pooled: many persons)"),
                     ID_NUMBER, REQ("time", FK_RCOL_TIME, 0, "when sampled"),
                     OPT("site", FK_RCOL_TEXT, TEXT, "the sampling site"),
                     OPT("shipped", FK_RCOL_TIME, 0, "when the tube left for the lab (送检)")},
            .ncols = 5,
            .nreq = 3,
            .key = {0, 1},
            .nkey = 2,
            .key_note = "(tube, person): duplicate; a row that brings a shipped time sets it "
                        "(updated)",
            .scope = FK_SCOPE_PERSON,
            /* every role that imports files has it, and a sampling table's phone (issue 21) */
            .import_perm = FK_PERM_SAMPLE,
            .flags = FK_RECORD_APPEND,
            .feeds = FK_FEEDS_ENGINE,
            /* The store's segment files, not SQL, answer the export (lib/store/segments.c). */
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 1,
        },
    [FK_IMPORT_RESULTS] =
        {
            .id = FK_IMPORT_RESULTS,
            .name = "results",
            .title_zh = "检测结果",
            .title_en = "lab results",
            .cols = {REQ("tube", FK_RCOL_CODE, TEXT, "the tube's code"),
                     REQ_ENUM("result", result_name, "negative positive invalid (阴性 阳性 无效)"),
                     REQ("time", FK_RCOL_TIME, 0, "when reported"),
                     OPT("lab", FK_RCOL_TEXT, TEXT, "the lab"),
                     OPT("received", FK_RCOL_TIME, 0, "when the lab received the tube")},
            .ncols = 5,
            .nreq = 3,
            .key = {0},
            .nkey = 1,
            .key_note = "tube: a later time replaces, an earlier one is ignored",
            .scope = FK_SCOPE_TUBE,
            .import_perm = FK_PERM_POST_RESULTS,
            .feeds = FK_FEEDS_ENGINE,
        },
    [FK_IMPORT_CASES] =
        {
            .id = FK_IMPORT_CASES,
            .name = "cases",
            .title_zh = "病例",
            .title_en = "cases",
            .cols = {ID_NUMBER, REQ("confirmed", FK_RCOL_TIME, 0, "when confirmed"),
                     OPT("onset", FK_RCOL_TIME, 0, "symptom onset"),
                     OPT_ENUM("kind", case_kind_name, "confirmed asymptomatic"),
                     OPT("isolated", FK_RCOL_TIME, 0, "when isolated"),
                     OPT("reported", FK_RCOL_TIME, 0,
                         "when reported: the response timers start here (else at confirmed)")},
            .ncols = 6,
            .nreq = 2,
            .key = {0},
            .nkey = 1,
            .key_note = "person: replaces; a file without reported keeps the stored one",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .feeds = FK_FEEDS_TRACER,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"confirmed", FK_RVAL_INT, 0},
                       {"onset", FK_RVAL_INT, 0},
                       {"kind", FK_RVAL_INT, 0},
                       {"isolated", FK_RVAL_INT, 0},
                       {"reported", FK_RVAL_INT, FK_RFIELD_KEEP}},
            .nfields = 6,
            .sqlite = {"SELECT confirmed, onset, kind, isolated, reported FROM cases "
                       "WHERE person = ?1",
                       "INSERT INTO cases (person, confirmed, onset, kind, isolated, reported) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 0))",
                       "UPDATE cases SET confirmed = ?2, onset = ?3, kind = ?4, isolated = ?5, "
                       "reported = coalesce(?6, reported) WHERE person = ?1",
                       "SELECT p.id_number, c.confirmed, c.onset, c.kind, c.isolated, c.reported, "
                       "p.grid FROM cases c CROSS JOIN persons p ON p.id = c.person "
                       "ORDER BY p.id_number"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 1,
        },
    [FK_IMPORT_CONTROLS] =
        {
            .id = FK_IMPORT_CONTROLS,
            .name = "controls",
            .title_zh = "管控",
            .title_en = "control orders",
            .cols = {ID_NUMBER,
                     REQ_ENUM("category", category_name, "case close secondary companion …"),
                     REQ_ENUM("place", place_name, "centralized home hospital monitoring"),
                     REQ("start", FK_RCOL_TIME, 0, "when control began"),
                     OPT("end", FK_RCOL_TIME, 0, "when released; empty while open"),
                     OPT("regime", FK_RCOL_CODE, 63, "the profile's test regime"),
                     OPT("site", FK_RCOL_TEXT, TEXT, "where (hotel, hospital)"),
                     OPT("device", FK_RCOL_CODE, 63, "the door sensor of a home order")},
            .ncols = 8,
            .nreq = 4,
            .key = {0, 3},
            .nkey = 2,
            .key_note =
                "(person, start): replaces; category case close secondary companion arrival "
                "risk_area other coldchain (or 密接 次密接 时空伴随 …); place centralized home hospital "
                "monitoring (集中隔离 居家隔离 …); open while end is empty; regime empty: the "
                "category's default; device: the door sensor of a home order",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC | FK_RECORD_HAS_ID,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"start", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"category", FK_RVAL_INT, 0},
                       {"place", FK_RVAL_INT, 0},
                       {"end", FK_RVAL_INT, 0},
                       {"regime", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"site", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"device", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"extended", FK_RVAL_INT, FK_RFIELD_KEEP}},
            .nfields = 9,
            .sqlite = {"SELECT id, category, place, \"end\", regime, site, device, extended "
                       "FROM controls WHERE person = ?1 AND start = ?2",
                       "INSERT INTO controls (person, start, category, place, \"end\", regime, "
                       "site, device, extended) VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ''), "
                       "coalesce(?7, ''), coalesce(?8, ''), coalesce(?9, 0))",
                       "UPDATE controls SET category = ?3, place = ?4, \"end\" = ?5, "
                       "regime = coalesce(?6, regime), site = coalesce(?7, site), "
                       "device = coalesce(?8, device), extended = coalesce(?9, extended) "
                       "WHERE person = ?1 AND start = ?2",
                       "SELECT p.id_number, c.category, c.place, c.start, c.\"end\", c.regime, "
                       "c.site, c.device, p.grid FROM controls c "
                       "CROSS JOIN persons p ON p.id = c.person ORDER BY p.id_number, c.start"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7},
            .nexport = 8,
            .nscope = 1,
        },
    [FK_IMPORT_ARRIVALS] =
        {
            .id = FK_IMPORT_ARRIVALS,
            .name = "arrivals",
            .title_zh = "来返人员",
            .title_en = "arrivals",
            .cols = {ID_NUMBER, REQ("arrived", FK_RCOL_TIME, 0, "when they arrived"),
                     REQ("origin", FK_RCOL_CODE, TEXT, "the area they came from"),
                     OPT("grid", FK_RCOL_CODE, CODE, "the grid they stay in"),
                     OPT("transport", FK_RCOL_TEXT, TEXT, "train, flight, car …"),
                     OPT("name", FK_RCOL_TEXT, TEXT, "registers an unknown person"),
                     OPT("phone", FK_RCOL_TEXT, 63, "registers an unknown person")},
            .ncols = 7,
            .nreq = 3,
            .key = {0, 1},
            .nkey = 2,
            .key_note = "(person, arrived): replaces; an unknown person with name and grid is "
                        "registered",
            .scope = FK_SCOPE_PERSON_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .feeds = FK_FEEDS_ENGINE | FK_FEEDS_TRACER,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"arrived", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"origin", FK_RVAL_TEXT, 0},
                       {"grid", FK_RVAL_TEXT, 0},
                       {"transport", FK_RVAL_TEXT, 0}},
            .nfields = 5,
            .sqlite = {"SELECT origin, grid, transport FROM arrivals "
                       "WHERE person = ?1 AND arrived = ?2",
                       "INSERT INTO arrivals (person, arrived, origin, grid, transport) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
                       "UPDATE arrivals SET origin = ?3, grid = ?4, transport = ?5 "
                       "WHERE person = ?1 AND arrived = ?2",
                       "SELECT p.id_number, a.arrived, a.origin, a.grid, a.transport, p.grid, "
                       "a.grid FROM arrivals a CROSS JOIN persons p ON p.id = a.person "
                       "ORDER BY p.id_number, a.arrived"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 2,
        },
    [FK_IMPORT_RISK_AREAS] =
        {
            .id = FK_IMPORT_RISK_AREAS,
            .name = "risk_areas",
            .title_zh = "风险区",
            .title_en = "risk areas",
            .cols = {REQ("area", FK_RCOL_CODE, TEXT, "the area's region code"),
                     REQ_ENUM("level", risk_level_name, "high medium low"),
                     REQ("start", FK_RCOL_TIME, 0, "when it became one"),
                     OPT("end", FK_RCOL_TIME, 0, "when it stopped; empty: still one"),
                     OPT("name", FK_RCOL_TEXT, TEXT, "the area's name")},
            .ncols = 5,
            .nreq = 3,
            .key = {0, 2},
            .nkey = 2,
            .key_note = "(area, start): replaces; level high medium low (高风险 中风险 低风险)",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"area", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"start", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"level", FK_RVAL_INT, 0},
                       {"end", FK_RVAL_INT, 0},
                       {"name", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 5,
            .sqlite = {"SELECT level, \"end\", name FROM risk_areas WHERE area = ?1 AND start = ?2",
                       "INSERT INTO risk_areas (area, start, level, \"end\", name) "
                       "VALUES (?1, ?2, ?3, ?4, COALESCE(?5, ''))",
                       "UPDATE risk_areas SET level = ?3, \"end\" = ?4, name = COALESCE(?5, name) "
                       "WHERE area = ?1 AND start = ?2",
                       "SELECT area, level, start, \"end\", name FROM risk_areas "
                       "ORDER BY area, start"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 0,
        },
    [FK_IMPORT_DOOR_EVENTS] =
        {
            .id = FK_IMPORT_DOOR_EVENTS,
            .name = "door_events",
            .title_zh = "门磁",
            .title_en = "door sensor events",
            .cols = {REQ("device", FK_RCOL_CODE, 63, "the door sensor"), ID_NUMBER,
                     REQ("time", FK_RCOL_TIME, 0, "when"),
                     REQ_ENUM("event", door_event_name, "open close offline tamper")},
            .ncols = 4,
            .nreq = 4,
            .key = {0, 2, 3},
            .nkey = 3,
            .key_note = "(device, time, event): duplicate; event open close offline tamper",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_APPEND,
        },
    [FK_IMPORT_SENTINELS] =
        {
            .id = FK_IMPORT_SENTINELS,
            .name = "sentinels",
            .title_zh = "哨点信号",
            .title_en = "sentinel signals",
            .cols = {REQ("source", FK_RCOL_CODE, 63, "the sentinel (clinic, pharmacy, site code)"),
                     REQ_ENUM("kind", sen_kind_name,
                              "fever_clinic pharmacy coldchain station school other"),
                     REQ("time", FK_RCOL_TIME, 0, "when"),
                     REQ("grid", FK_RCOL_CODE, CODE, "the grid the sentinel lies in"),
                     OPT("count", FK_RCOL_INT, 0, "signals the row stands for (default 1)"),
                     OPT("id_number", FK_RCOL_ID_NUMBER, 63,
                         "the visitor or buyer (resident ID), if known")},
            .ncols = 6,
            .nreq = 4,
            .cols_note = "kind fever_clinic pharmacy coldchain station school other (or 发热门诊 "
                         "药店 冷链 车站 学校 其他); count 1 to 100000; a pharmacy or "
                         "fever_clinic row with id_number puts the person on a test",
            .key = {0, 1, 2, 3, 5},
            .nkey = 5,
            .key_note = "(source, kind, time, grid, id_number): a new count replaces",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"source", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"kind", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"time", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"grid", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"id_number", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"count", FK_RVAL_INT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT count FROM sentinels WHERE source = ?1 AND kind = ?2 AND time = ?3 "
                       "AND grid = ?4 AND id_number = ?5",
                       "INSERT INTO sentinels (source, kind, time, grid, id_number, count) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       "UPDATE sentinels SET count = ?6 WHERE source = ?1 AND kind = ?2 AND "
                       "time = ?3 AND grid = ?4 AND id_number = ?5",
                       "SELECT source, kind, time, grid, count, id_number, grid FROM sentinels "
                       "ORDER BY source, kind, time, grid, id_number"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 1,
        },
    [FK_IMPORT_COLDCHAIN] =
        {
            .id = FK_IMPORT_COLDCHAIN,
            .name = "coldchain",
            .title_zh = "冷链追溯",
            .title_en = "cold-chain events",
            .cols = {REQ("batch", FK_RCOL_CODE, 63, "the batch of imported goods"),
                     REQ_ENUM("event", cold_event_name,
                              "arrive store sample result disinfect dispatch sell"),
                     REQ("time", FK_RCOL_TIME, 0, "when"),
                     REQ("site", FK_RCOL_CODE, 63, "where: a port, cold store or market code"),
                     OPT("product", FK_RCOL_TEXT, TEXT, "the goods"),
                     OPT("origin", FK_RCOL_TEXT, TEXT, "the country or port of origin"),
                     OPT("id_number", FK_RCOL_ID_NUMBER, 63, "the worker or buyer who touched it"),
                     OPT_ENUM("result", cold_result_name, "positive negative, on result events")},
            .ncols = 8,
            .nreq = 4,
            .cols_note = "event arrive store sample result disinfect dispatch sell (or 到港 入库 "
                         "采样 结果 消杀 出库 销售); result positive or negative, required on result "
                         "events, for a batch seen before",
            .key = {0, 1, 2, 3, 6},
            .nkey = 5,
            .key_note = "(batch, event, time, site, id_number): duplicate; product, origin and "
                        "result replace",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"batch", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"event", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"time", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"site", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"id_number", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"product", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"origin", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"result", FK_RVAL_INT, 0}},
            .nfields = 8,
            .sqlite = {"SELECT product, origin, result FROM coldchain WHERE batch = ?1 AND "
                       "event = ?2 AND time = ?3 AND site = ?4 AND id_number = ?5",
                       "INSERT INTO coldchain (batch, event, time, site, id_number, product, "
                       "origin, result) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       "UPDATE coldchain SET product = coalesce(?6, product), "
                       "origin = coalesce(?7, origin), result = ?8 WHERE batch = ?1 AND "
                       "event = ?2 AND time = ?3 AND site = ?4 AND id_number = ?5",
                       "SELECT batch, event, time, site, product, origin, id_number, result "
                       "FROM coldchain ORDER BY batch, time, event, site, id_number"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7},
            .nexport = 8,
            .nscope = 0,
        },
    [FK_IMPORT_VACCINATIONS] =
        {
            .id = FK_IMPORT_VACCINATIONS,
            .name = "vaccinations",
            .title_zh = "疫苗接种",
            .title_en = "vaccinations",
            .cols = {ID_NUMBER, REQ("dose", FK_RCOL_INT, 1, "the dose's number, 1 to 9"),
                     REQ("time", FK_RCOL_TIME, 0, "when given"),
                     OPT("vaccine", FK_RCOL_CODE, 63, "the vaccine (the profile's [vaccine] "
                                                      "doses per vaccine)"),
                     OPT("site", FK_RCOL_TEXT, TEXT, "the vaccination site")},
            .ncols = 5,
            .nreq = 3,
            .cols_note = "dose 1 to 9, never dated before the resident ID's birth date",
            .key = {0, 1},
            .nkey = 2,
            .key_note = "(person, dose): replaces",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"dose", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"time", FK_RVAL_INT, 0},
                       {"vaccine", FK_RVAL_TEXT, 0},
                       {"site", FK_RVAL_TEXT, 0}},
            .nfields = 5,
            .sqlite = {"SELECT time, vaccine, site FROM vaccinations WHERE person = ?1 AND "
                       "dose = ?2",
                       "INSERT INTO vaccinations (person, dose, time, vaccine, site) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
                       "UPDATE vaccinations SET time = ?3, vaccine = ?4, site = ?5 "
                       "WHERE person = ?1 AND dose = ?2",
                       "SELECT p.id_number, v.dose, v.time, v.vaccine, v.site, p.grid "
                       "FROM vaccinations v JOIN persons p ON p.id = v.person "
                       "ORDER BY p.id_number, v.dose"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 1,
        },
    [FK_IMPORT_INDICATORS] =
        {
            .id = FK_IMPORT_INDICATORS,
            .name = "indicators",
            .title_zh = "考核指标",
            .title_en = "assessment indicators",
            .cols = {REQ("code", FK_RCOL_CODE, CODE, "the indicator's code"),
                     REQ("name", FK_RCOL_TEXT, TEXT, "its name"),
                     REQ_ENUM("category", indicator_category_name,
                              "党建 高质量发展 营商环境 专项工作 差异化"),
                     OPT("weight", FK_RCOL_DECIMAL, 15, "its weight, above 0; empty: 1"),
                     OPT_ENUM("direction", direction_name,
                              "higher (more is better) or lower; empty: higher"),
                     OPT("veto", FK_RCOL_INT, 1, "1: 一票否决 (below target forces 较差)")},
            .ncols = 6,
            .nreq = 3,
            .cols_note = "the codes screen_coverage, lock24, tat_p90, vax12_full, "
                         "report_complete and problems_on_time are computed by fangkong",
            .key = {0},
            .nkey = 1,
            .key_note = "(code): replaces; category 党建 高质量发展 营商环境 专项工作 差异化 (or party "
                        "development business special differentiated); direction higher lower",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"name", FK_RVAL_TEXT, 0},
                       {"category", FK_RVAL_INT, 0},
                       {"weight", FK_RVAL_TEXT, 0},
                       {"direction", FK_RVAL_INT, 0},
                       {"veto", FK_RVAL_INT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT name, category, weight, direction, veto FROM indicators "
                       "WHERE code = ?1",
                       "INSERT INTO indicators (code, name, category, weight, direction, veto) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       "UPDATE indicators SET name = ?2, category = ?3, weight = ?4, "
                       "direction = ?5, veto = ?6 WHERE code = ?1",
                       "SELECT code, name, category, weight, direction, veto FROM indicators "
                       "ORDER BY code"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 0,
        },
    [FK_IMPORT_SCORES] =
        {
            .id = FK_IMPORT_SCORES,
            .name = "scores",
            .title_zh = "考核目标与完成",
            .title_en = "assessment targets and actuals",
            .cols = {REQ("indicator", FK_RCOL_CODE, CODE, "the indicator's code"),
                     REQ("region", FK_RCOL_CODE, CODE, "the region assessed (a county)"),
                     REQ("period", FK_RCOL_CODE, 15, "the period: 2022, 2022-H1, 2022-Q3, 2022-08"),
                     REQ("target", FK_RCOL_DECIMAL, 15, "the target"),
                     OPT("actual", FK_RCOL_DECIMAL, 15,
                         "what was achieved; empty only for a computed indicator"),
                     OPT("bonus", FK_RCOL_DECIMAL, 15, "bonus points (加分); negative deducts")},
            .ncols = 6,
            .nreq = 4,
            .cols_note = "actual is required but for the indicators fangkong computes",
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(indicator, region, period): replaces",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"indicator", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"region", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"period", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"target", FK_RVAL_TEXT, 0},
                       {"actual", FK_RVAL_TEXT, 0},
                       {"bonus", FK_RVAL_TEXT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT target, actual, bonus FROM scores "
                       "WHERE indicator = ?1 AND region = ?2 AND period = ?3",
                       "INSERT INTO scores (indicator, region, period, target, actual, bonus) "
                       "VALUES (?1, ?2, ?3, ?4, COALESCE(?5, ''), COALESCE(?6, ''))",
                       "UPDATE scores SET target = ?4, actual = COALESCE(?5, ''), "
                       "bonus = COALESCE(?6, '') WHERE indicator = ?1 AND region = ?2 AND "
                       "period = ?3",
                       "SELECT indicator, region, period, target, actual, bonus FROM scores "
                       "ORDER BY indicator, region, period"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 0,
        },
    /* 包保 (issue 17): a leader row has person 0 and lead = its region; a person's row has the
     * person and lead "". The export's scope code is the region led, or the person's grid. */
    [FK_IMPORT_ASSIGNMENTS] =
        {
            .id = FK_IMPORT_ASSIGNMENTS,
            .name = "assignments",
            .title_zh = "包保责任",
            .title_en = "responsibility assignments",
            .cols = {REQ("cadre", FK_RCOL_TEXT, TEXT, "the cadre's name"),
                     REQ("phone", FK_RCOL_TEXT, 63, "the cadre's phone"),
                     REQ("role", FK_RCOL_CODE, CODE,
                         "leader (四级包保) or a 五包一 role of the profile's [assign] roles"),
                     REQ("region", FK_RCOL_CODE, CODE,
                         "the region led, or the cadre's own unit for a person's cadre"),
                     OPT("id_number", FK_RCOL_ID_NUMBER, 63,
                         "the person under home control (五包一 roles only)")},
            .ncols = 5,
            .nreq = 4,
            .cols_note = "role leader leads a county, township, community or grid (no "
                         "id_number); the roles of [assign] roles (default grid_worker "
                         "community_cadre doctor police volunteer, or 网格员 社区干部 医生 民警 "
                         "志愿者) look after the person id_number",
            .key = {2, 3, 4},
            .nkey = 3,
            .key_note = "(role, region) of a leader, (role, person) of a person's cadre: "
                        "replaces",
            .scope = FK_SCOPE_PERSON_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"role", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"lead", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"cadre", FK_RVAL_TEXT, 0},
                       {"phone", FK_RVAL_TEXT, 0},
                       {"region", FK_RVAL_TEXT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT cadre, phone, region FROM assignments "
                       "WHERE role = ?1 AND person = ?2 AND lead = ?3",
                       "INSERT INTO assignments (role, person, lead, cadre, phone, region) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       "UPDATE assignments SET cadre = ?4, phone = ?5, region = ?6 "
                       "WHERE role = ?1 AND person = ?2 AND lead = ?3",
                       "SELECT a.cadre, a.phone, a.role, a.region, p.id_number, "
                       "CASE WHEN a.person = 0 THEN a.lead ELSE p.grid END "
                       "FROM assignments a LEFT JOIN persons p ON p.id = a.person "
                       "ORDER BY a.role, a.lead, p.id_number"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 1,
        },
    /* issue 17, 值班与零报告: units, their daily reports, the duty roster */
    [FK_IMPORT_UNITS] =
        {
            .id = FK_IMPORT_UNITS,
            .name = "units",
            .title_zh = "报告单位",
            .title_en = "reporting units",
            .cols = {REQ("code", FK_RCOL_CODE, CODE, "the unit's code"),
                     REQ("name", FK_RCOL_TEXT, TEXT, "its name"),
                     REQ("region", FK_RCOL_CODE, CODE, "the region it lies in (any level)"),
                     OPT_ENUM("kind", unit_kind_name,
                              "township hospital clinic pharmacy school enterprise other; "
                              "empty: other"),
                     OPT("contact", FK_RCOL_TEXT, TEXT, "who to call when it is silent, and a phone")},
            .ncols = 5,
            .nreq = 3,
            .cols_note = "kind township, hospital, clinic, pharmacy, school, enterprise or other",
            .key = {0},
            .nkey = 1,
            .key_note = "(code): replaces",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"name", FK_RVAL_TEXT, 0},
                       {"region", FK_RVAL_TEXT, 0},
                       {"kind", FK_RVAL_INT, 0},
                       {"contact", FK_RVAL_TEXT, 0}},
            .nfields = 5,
            .sqlite = {"SELECT name, region, kind, contact FROM units WHERE code = ?1",
                       "INSERT INTO units (code, name, region, kind, contact) "
                       "VALUES (?1, ?2, ?3, ?4, COALESCE(?5, ''))",
                       "UPDATE units SET name = ?2, region = ?3, kind = ?4, "
                       "contact = COALESCE(?5, '') WHERE code = ?1",
                       "SELECT code, name, region, kind, contact FROM units ORDER BY code"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 0,
        },
    [FK_IMPORT_REPORTS] =
        {
            .id = FK_IMPORT_REPORTS,
            .name = "reports",
            .title_zh = "每日报告",
            .title_en = "daily reports",
            .cols = {REQ("unit", FK_RCOL_CODE, CODE, "the reporting unit's code"),
                     REQ("date", FK_RCOL_CODE, 10, "the day reported on, YYYY-MM-DD"),
                     REQ("kind", FK_RCOL_CODE, CODE, "the report's kind (daily, fever, ...)"),
                     OPT("count", FK_RCOL_INT, 0, "cases reported, 0 or more; 0 or empty: 零报告"),
                     OPT("note", FK_RCOL_TEXT, TEXT, "a note"),
                     OPT("submitted", FK_RCOL_TIME, 0, "when it was submitted; not before date")},
            .ncols = 6,
            .nreq = 3,
            .cols_note = "count 0 is a zero report; submitted after the profile's deadline (18:00) "
                         "of date is late",
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(unit, date, kind): replaces",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"unit", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"date", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"kind", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"count", FK_RVAL_INT, 0},
                       {"note", FK_RVAL_TEXT, 0},
                       {"submitted", FK_RVAL_INT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT count, note, submitted FROM reports "
                       "WHERE unit = ?1 AND date = ?2 AND kind = ?3",
                       "INSERT INTO reports (unit, date, kind, count, note, submitted) "
                       "VALUES (?1, ?2, ?3, ?4, COALESCE(?5, ''), ?6)",
                       "UPDATE reports SET count = ?4, note = COALESCE(?5, ''), submitted = ?6 "
                       "WHERE unit = ?1 AND date = ?2 AND kind = ?3",
                       "SELECT unit, date, kind, count, note, submitted FROM reports "
                       "ORDER BY unit, date, kind"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 0,
        },
    [FK_IMPORT_DUTY] =
        {
            .id = FK_IMPORT_DUTY,
            .name = "duty",
            .title_zh = "值班表",
            .title_en = "duty roster",
            .cols = {REQ("date", FK_RCOL_CODE, 10, "the day on duty, YYYY-MM-DD"),
                     REQ("region", FK_RCOL_CODE, CODE,
                         "the headquarters: a city, county or township region"),
                     REQ("person", FK_RCOL_TEXT, TEXT, "who is on duty"),
                     OPT("phone", FK_RCOL_TEXT, 32, "the duty phone"),
                     OPT("role", FK_RCOL_TEXT, TEXT, "leader, staff, ...")},
            .ncols = 5,
            .nreq = 3,
            .cols_note = NULL,
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(date, region, person): replaces",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"date", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"region", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"person", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"phone", FK_RVAL_TEXT, 0},
                       {"role", FK_RVAL_TEXT, 0}},
            .nfields = 5,
            .sqlite = {"SELECT phone, role FROM duty WHERE date = ?1 AND region = ?2 AND "
                       "person = ?3",
                       "INSERT INTO duty (date, region, person, phone, role) "
                       "VALUES (?1, ?2, ?3, COALESCE(?4, ''), COALESCE(?5, ''))",
                       "UPDATE duty SET phone = COALESCE(?4, ''), role = COALESCE(?5, '') "
                       "WHERE date = ?1 AND region = ?2 AND person = ?3",
                       "SELECT date, region, person, phone, role FROM duty "
                       "ORDER BY date, region, person"},
            .export_cols = {0, 1, 2, 3, 4},
            .nexport = 5,
            .nscope = 0,
        },
    [FK_IMPORT_INSPECTIONS] =
        {
            .id = FK_IMPORT_INSPECTIONS,
            .name = "inspections",
            .title_zh = "督查检查",
            .title_en = "inspections",
            .cols = {REQ("id", FK_RCOL_CODE, 63, "the inspection's code"),
                     REQ("date", FK_RCOL_TIME, 0, "when it took place"),
                     REQ("inspector", FK_RCOL_TEXT, TEXT, "who inspected (a person or a team)"),
                     REQ("region", FK_RCOL_CODE, CODE, "the region inspected (any level)")},
            .ncols = 4,
            .nreq = 4,
            .cols_note = NULL,
            .key = {0},
            .nkey = 1,
            .key_note = "(id): replaces",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"id", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"date", FK_RVAL_INT, 0},
                       {"inspector", FK_RVAL_TEXT, 0},
                       {"region", FK_RVAL_TEXT, 0}},
            .nfields = 4,
            .sqlite = {"SELECT date, inspector, region FROM inspections WHERE id = ?1",
                       "INSERT INTO inspections (id, date, inspector, region) "
                       "VALUES (?1, ?2, ?3, ?4)",
                       "UPDATE inspections SET date = ?2, inspector = ?3, region = ?4 "
                       "WHERE id = ?1",
                       "SELECT id, date, inspector, region, region FROM inspections ORDER BY id"},
            .export_cols = {0, 1, 2, 3},
            .nexport = 4,
            .nscope = 1,
        },
    [FK_IMPORT_PROBLEMS] =
        {
            .id = FK_IMPORT_PROBLEMS,
            .name = "problems",
            .title_zh = "督查问题清单",
            .title_en = "supervision problems",
            .cols = {REQ("id", FK_RCOL_CODE, 63, "the problem's code"),
                     REQ("found", FK_RCOL_TIME, 0, "when it was found"),
                     REQ("region", FK_RCOL_CODE, CODE, "where (any level)"),
                     REQ("description", FK_RCOL_TEXT, 1000, "what is wrong"),
                     OPT("unit", FK_RCOL_TEXT, TEXT, "the unit that must put it right"),
                     OPT("deadline", FK_RCOL_TIME, 0,
                         "rectify by (a date alone: the end of that day)"),
                     OPT_ENUM("status", problem_status_name,
                              "open rectifying closed; empty: open"),
                     OPT("closed", FK_RCOL_TIME, 0, "when closed (a closed problem only)"),
                     OPT("inspection", FK_RCOL_CODE, 63, "the inspection that found it"),
                     OPT("note", FK_RCOL_TEXT, 1000, "what was done: the evidence of closing")},
            .ncols = 10,
            .nreq = 4,
            .cols_note = "status open rectifying closed (or 待整改 整改中 已整改); a closed problem "
                         "needs closed and a note; deadline not before found; inspection one "
                         "imported before",
            .key = {0},
            .nkey = 1,
            .key_note = "(id): replaces",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"id", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"found", FK_RVAL_INT, 0},
                       {"region", FK_RVAL_TEXT, 0},
                       {"description", FK_RVAL_TEXT, 0},
                       {"unit", FK_RVAL_TEXT, 0},
                       {"deadline", FK_RVAL_INT, 0},
                       {"status", FK_RVAL_INT, 0},
                       {"closed", FK_RVAL_INT, 0},
                       {"inspection", FK_RVAL_TEXT, 0},
                       {"note", FK_RVAL_TEXT, 0}},
            .nfields = 10,
            .sqlite = {"SELECT found, region, description, unit, deadline, status, closed, "
                       "inspection, note FROM problems WHERE id = ?1",
                       "INSERT INTO problems (id, found, region, description, unit, deadline, "
                       "status, closed, inspection, note) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                       "UPDATE problems SET found = ?2, region = ?3, description = ?4, "
                       "unit = ?5, deadline = ?6, status = ?7, closed = ?8, inspection = ?9, "
                       "note = ?10 WHERE id = ?1",
                       "SELECT id, found, region, description, unit, deadline, status, closed, "
                       "inspection, note, region FROM problems ORDER BY id"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
            .nexport = 10,
            .nscope = 1,
        },
    [FK_IMPORT_INCIDENT_EVENTS] =
        {
            .id = FK_IMPORT_INCIDENT_EVENTS,
            .name = "incident_events",
            .title_zh = "响应事件",
            .title_en = "incident events",
            .cols = {REQ("case", FK_RCOL_ID_NUMBER, 63, "the case's identity document number"),
                     REQ_ENUM("event", inc_event_name,
                              "onsite (someone on site) or activated (headquarters and task "
                              "forces active)"),
                     REQ("time", FK_RCOL_TIME, 0, "when; not before the case's start"),
                     OPT("note", FK_RCOL_TEXT, TEXT, "who, what")},
            .ncols = 4,
            .nreq = 3,
            .cols_note = "the case must be in the cases file; its start is its reported time when "
                         "given, else its confirmation",
            .key = {0, 1, 2},
            .nkey = 3,
            .key_note = "(case, event, time): replaces; event onsite activated (or 到场 启动); the "
                        "earliest of each event meets its deadline",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"event", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"time", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"note", FK_RVAL_TEXT, 0}},
            .nfields = 4,
            .sqlite = {"SELECT note FROM incident_events WHERE person = ?1 AND event = ?2 AND "
                       "time = ?3",
                       "INSERT INTO incident_events (person, event, time, note) "
                       "VALUES (?1, ?2, ?3, ?4)",
                       "UPDATE incident_events SET note = ?4 WHERE person = ?1 AND event = ?2 AND "
                       "time = ?3",
                       "SELECT p.id_number, e.event, e.time, e.note, p.grid FROM incident_events e "
                       "CROSS JOIN persons p ON p.id = e.person "
                       "ORDER BY p.id_number, e.event, e.time"},
            .export_cols = {0, 1, 2, 3},
            .nexport = 4,
            .nscope = 1,
        },    /* issue 18, daily health check-ins (健康监测): the temperature in tenths, exported as "36.5" */
    [FK_IMPORT_CHECKINS] =
        {
            .id = FK_IMPORT_CHECKINS,
            .name = "checkins",
            .title_zh = "健康监测打卡",
            .title_en = "health check-ins",
            .cols = {ID_NUMBER, REQ("time", FK_RCOL_TIME, 0, "when the person reported"),
                     REQ("temperature", FK_RCOL_DECIMAL, 7,
                         "body temperature, °C with at most one decimal, 34.0 to 43.0"),
                     OPT("symptoms", FK_RCOL_TEXT, TEXT,
                         "';'-separated: fever cough sore_throat fatigue headache diarrhea "
                         "taste_smell breath none")},
            .ncols = 4,
            .nreq = 3,
            .cols_note = "the person must be under a home or centralized control order at time; "
                         "a temperature at or above [checkin] fever (37.3) is a fever",
            .key = {0, 1},
            .nkey = 2,
            .key_note = "(person, time): replaces",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"time", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"temp", FK_RVAL_INT, 0},
                       {"symptoms", FK_RVAL_TEXT, 0}},
            .nfields = 4,
            .sqlite = {"SELECT temp, symptoms FROM checkins WHERE person = ?1 AND time = ?2",
                       "INSERT INTO checkins (person, time, temp, symptoms) "
                       "VALUES (?1, ?2, ?3, COALESCE(?4, ''))",
                       "UPDATE checkins SET temp = ?3, symptoms = COALESCE(?4, '') "
                       "WHERE person = ?1 AND time = ?2",
                       "SELECT p.id_number, c.time, printf('%.1f', c.temp / 10.0), c.symptoms, "
                       "p.grid FROM checkins c JOIN persons p ON p.id = c.person "
                       "ORDER BY p.id_number, c.time"},
            /* PostgreSQL has no printf: the temperature as a numeric of one decimal. */
            .pg = {NULL, NULL, NULL,
                   "SELECT p.id_number, c.time, round(c.temp / 10.0, 1)::text, c.symptoms, "
                   "p.grid FROM checkins c JOIN persons p ON p.id = c.person "
                   "ORDER BY p.id_number, c.time"},
            .export_cols = {0, 1, 2, 3},
            .nexport = 4,
            .nscope = 1,
        },
    [FK_IMPORT_ZONES] =
        {
            .id = FK_IMPORT_ZONES,
            .name = "zones",
            .title_zh = "风险区域",
            .title_en = "risk zones",
            .cols = {REQ("name", FK_RCOL_TEXT, 63, "the zone's name"),
                     REQ_ENUM("level", zone_level_name, "lockdown control precaution"),
                     REQ("regions", FK_RCOL_TEXT, 1000,
                         "';'-separated region codes below the city (grids, communities, ...)"),
                     REQ("declared", FK_RCOL_TIME, 0, "when it was declared"),
                     OPT("lifted", FK_RCOL_TIME, 0, "when it was lifted; empty: still on"),
                     OPT("reason", FK_RCOL_TEXT, TEXT, "why")},
            .ncols = 6,
            .nreq = 4,
            .cols_note = "level lockdown control precaution (or 封控区 管控区 防范区); every region "
                         "known and below the city; lifted not before declared",
            .key = {0},
            .nkey = 1,
            .key_note = "(name): replaces; a region in zones of two levels takes the stricter",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"name", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"level", FK_RVAL_INT, 0},
                       {"regions", FK_RVAL_TEXT, 0},
                       {"declared", FK_RVAL_INT, 0},
                       {"lifted", FK_RVAL_INT, 0},
                       {"reason", FK_RVAL_TEXT, 0}},
            .nfields = 6,
            .sqlite = {"SELECT level, regions, declared, lifted, reason FROM zones WHERE name = ?1",
                       "INSERT INTO zones (name, level, regions, declared, lifted, reason) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       "UPDATE zones SET level = ?2, regions = ?3, declared = ?4, lifted = ?5, "
                       "reason = ?6 WHERE name = ?1",
                       "SELECT name, level, regions, declared, lifted, reason FROM zones "
                       "ORDER BY name"},
            .export_cols = {0, 1, 2, 3, 4, 5},
            .nexport = 6,
            .nscope = 0,
        },
    [FK_IMPORT_TRANSFERS] =
        {
            .id = FK_IMPORT_TRANSFERS,
            .name = "transfers",
            .title_zh = "闭环转运",
            .title_en = "closed-loop transfers",
            .cols = {REQ("task", FK_RCOL_CODE, 63, "the transfer task's code"),
                     ID_NUMBER,
                     REQ_ENUM("from_kind", transfer_from_name,
                              "airport station school address other"),
                     REQ("from", FK_RCOL_TEXT, TEXT, "where picked up (the airport, the school)"),
                     REQ_ENUM("to_kind", transfer_to_name, "isolation_site home hospital other"),
                     REQ("to", FK_RCOL_TEXT, TEXT, "where handed over (the site, the address)"),
                     REQ("vehicle", FK_RCOL_TEXT, 63, "the vehicle (plate)"),
                     REQ("escort", FK_RCOL_TEXT, TEXT, "who escorts, with a phone"),
                     REQ("planned", FK_RCOL_TIME, 0, "when the hand-over is planned"),
                     OPT("picked_up", FK_RCOL_TIME, 0, "when picked up"),
                     OPT("handed_over", FK_RCOL_TIME, 0,
                         "when handed over; not before picked_up")},
            .ncols = 11,
            .nreq = 9,
            .cols_note = "from_kind airport station school address other (or 机场 车站 学校 地址 "
                         "其他); to_kind isolation_site home hospital other (or 隔离点 居家 医院 "
                         "其他); a handed_over needs a picked_up at or before it",
            .key = {0, 1},
            .nkey = 2,
            .key_note = "(task, id_number): replaces; a file without picked_up or handed_over "
                        "keeps the stored time",
            .scope = FK_SCOPE_PERSON,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"task", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"person", FK_RVAL_INT, FK_RFIELD_KEY},
                       {"from_kind", FK_RVAL_INT, 0},
                       {"from_place", FK_RVAL_TEXT, 0},
                       {"to_kind", FK_RVAL_INT, 0},
                       {"to_place", FK_RVAL_TEXT, 0},
                       {"vehicle", FK_RVAL_TEXT, 0},
                       {"escort", FK_RVAL_TEXT, 0},
                       {"planned", FK_RVAL_INT, 0},
                       {"picked_up", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"handed_over", FK_RVAL_INT, FK_RFIELD_KEEP}},
            .nfields = 11,
            .sqlite = {"SELECT from_kind, from_place, to_kind, to_place, vehicle, escort, planned, "
                       "picked_up, handed_over FROM transfers WHERE task = ?1 AND person = ?2",
                       "INSERT INTO transfers (task, person, from_kind, from_place, to_kind, "
                       "to_place, vehicle, escort, planned, picked_up, handed_over) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, 0), "
                       "coalesce(?11, 0))",
                       "UPDATE transfers SET from_kind = ?3, from_place = ?4, to_kind = ?5, "
                       "to_place = ?6, vehicle = ?7, escort = ?8, planned = ?9, "
                       "picked_up = coalesce(?10, picked_up), "
                       "handed_over = coalesce(?11, handed_over) WHERE task = ?1 AND person = ?2",
                       "SELECT t.task, p.id_number, t.from_kind, t.from_place, t.to_kind, "
                       "t.to_place, t.vehicle, t.escort, t.planned, t.picked_up, t.handed_over, "
                       "p.grid FROM transfers t CROSS JOIN persons p ON p.id = t.person "
                       "ORDER BY t.task, p.id_number"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
            .nexport = 11,
            .nscope = 1,
        },
    /* issue 21, the mass-screening plan: the labs and their declared capacity */
    [FK_IMPORT_LABS] =
        {
            .id = FK_IMPORT_LABS,
            .name = "labs",
            .title_zh = "检测机构",
            .title_en = "testing labs",
            .cols = {REQ("code", FK_RCOL_CODE, CODE, "the lab's code, as results name it"),
                     REQ("name", FK_RCOL_TEXT, TEXT, "its name"),
                     REQ("tubes_per_hour", FK_RCOL_INT, 0,
                         "tubes it can test an hour (its declared capacity), 1 or more"),
                     REQ("region", FK_RCOL_CODE, CODE, "the region it serves (any level)")},
            .ncols = 4,
            .nreq = 4,
            .cols_note = "tubes_per_hour a whole number, 1 or more",
            .key = {0},
            .nkey = 1,
            .key_note = "(code): replaces",
            .scope = FK_SCOPE_HQ,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"name", FK_RVAL_TEXT, 0},
                       {"tubes_per_hour", FK_RVAL_INT, 0},
                       {"region", FK_RVAL_TEXT, 0}},
            .nfields = 4,
            .sqlite = {"SELECT name, tubes_per_hour, region FROM labs WHERE code = ?1",
                       "INSERT INTO labs (code, name, tubes_per_hour, region) "
                       "VALUES (?1, ?2, ?3, ?4)",
                       "UPDATE labs SET name = ?2, tubes_per_hour = ?3, region = ?4 "
                       "WHERE code = ?1",
                       "SELECT code, name, tubes_per_hour, region FROM labs ORDER BY code"},
            .export_cols = {0, 1, 2, 3},
            .nexport = 4,
            .nscope = 0,
        },
    /* issue 21, the transport stage (送检): the box each tube is shipped in */
    [FK_IMPORT_BOXES] =
        {
            .id = FK_IMPORT_BOXES,
            .name = "boxes",
            .title_zh = "送检箱",
            .title_en = "transport boxes",
            .cols = {REQ("box", FK_RCOL_CODE, CODE, "the box's code"),
                     REQ("tube", FK_RCOL_CODE, CODE, "a tube in it (sampled already)"),
                     REQ("shipped", FK_RCOL_TIME, 0, "when the box left its site")},
            .ncols = 3,
            .nreq = 3,
            .cols_note = "one row a tube; the tube must have been sampled",
            .key = {1},
            .nkey = 1,
            .key_note = "(tube): replaces (a tube travels in one box)",
            .scope = FK_SCOPE_TUBE,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"tube", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"box", FK_RVAL_TEXT, 0},
                       {"shipped", FK_RVAL_INT, 0}},
            .nfields = 3,
            .sqlite = {"SELECT box, shipped FROM boxes WHERE tube = ?1",
                       "INSERT INTO boxes (tube, box, shipped) VALUES (?1, ?2, ?3)",
                       "UPDATE boxes SET box = ?2, shipped = ?3 WHERE tube = ?1",
                       "SELECT box, tube, shipped FROM boxes ORDER BY box, tube"},
            .nexport = 0, /* as results: the scope of a row is its tube's members */
        },
    /* issue 21, gatherings (会议活动管理): the decision is not stored but judged as of now from
     * the zones over the place on the day (fk/gathering.h); a sign-off (recorded by the action
     * only) is kept by every import, and follows the region code in the export walk. */
    [FK_IMPORT_GATHERINGS] =
        {
            .id = FK_IMPORT_GATHERINGS,
            .name = "gatherings",
            .title_zh = "会议活动登记",
            .title_en = "gatherings",
            .cols = {REQ("code", FK_RCOL_CODE, 63, "the gathering's registration code"),
                     REQ("organiser", FK_RCOL_TEXT, TEXT, "who organises it"),
                     REQ("region", FK_RCOL_CODE, CODE, "where: a known region of any level"),
                     REQ("date", FK_RCOL_CODE, 10, "the day it is held, YYYY-MM-DD"),
                     REQ("expected", FK_RCOL_INT, 0, "the persons expected, 1 to 1000000"),
                     REQ_ENUM("kind", gathering_kind_name,
                              "meeting wedding funeral exhibition training"),
                     {"online", 0, FK_RCOL_ENUM, 0, yes_no_name,
                      "an online alternative was considered: yes or no (empty: no)"},
                     OPT("contact", FK_RCOL_TEXT, TEXT, "the organiser's contact (a phone)"),
                     OPT("note", FK_RCOL_TEXT, 1000, "what it is")},
            .ncols = 9,
            .nreq = 6,
            .cols_note = "kind meeting wedding funeral exhibition training (or 会议 婚礼 葬礼 展会 "
                         "培训); online yes or no (是 否); the decision by the place's risk zone on "
                         "the date and the profile's [gathering] rule",
            .key = {0},
            .nkey = 1,
            .key_note = "(code): replaces; a sign-off recorded by gathering signoff is kept",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"code", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"organiser", FK_RVAL_TEXT, 0},
                       {"region", FK_RVAL_TEXT, 0},
                       {"date", FK_RVAL_TEXT, 0},
                       {"expected", FK_RVAL_INT, 0},
                       {"kind", FK_RVAL_INT, 0},
                       {"online", FK_RVAL_INT, 0},
                       {"contact", FK_RVAL_TEXT, 0},
                       {"note", FK_RVAL_TEXT, 0},
                       {"signoff", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"signed_at", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"signed_by", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"signoff_note", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 13,
            .sqlite = {"SELECT organiser, region, date, expected, kind, online, contact, note, "
                       "signoff, signed_at, signed_by, signoff_note FROM gatherings "
                       "WHERE code = ?1",
                       "INSERT INTO gatherings (code, organiser, region, date, expected, kind, "
                       "online, contact, note, signoff, signed_at, signed_by, signoff_note) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, 0), "
                       "coalesce(?11, 0), coalesce(?12, ''), coalesce(?13, ''))",
                       "UPDATE gatherings SET organiser = ?2, region = ?3, date = ?4, "
                       "expected = ?5, kind = ?6, online = ?7, contact = ?8, note = ?9, "
                       "signoff = coalesce(?10, signoff), signed_at = coalesce(?11, signed_at), "
                       "signed_by = coalesce(?12, signed_by), "
                       "signoff_note = coalesce(?13, signoff_note) WHERE code = ?1",
                       "SELECT code, organiser, region, date, expected, kind, online, contact, "
                       "note, region, signoff, signed_at, signed_by, signoff_note "
                       "FROM gatherings ORDER BY code"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7, 8},
            .nexport = 9,
            .nscope = 1,
        },
    /* issue 21, citizen requests (便民服务热线): the status follows the times (assigned,
     * resolved), which the actions request assign and resolve set; a file without those columns
     * keeps them. */
    [FK_IMPORT_REQUESTS] =
        {
            .id = FK_IMPORT_REQUESTS,
            .name = "requests",
            .title_zh = "便民服务热线诉求",
            .title_en = "citizen requests",
            .cols = {REQ("number", FK_RCOL_CODE, 63, "the request's number (工单号)"),
                     REQ("received", FK_RCOL_TIME, 0, "when it was received"),
                     REQ_ENUM("channel", request_channel_name,
                              "hotline wechat online walk_in other"),
                     REQ("phone", FK_RCOL_TEXT, 31, "the caller's phone"),
                     REQ("region", FK_RCOL_CODE, CODE, "where the caller is: a known region"),
                     REQ_ENUM("kind", request_kind_name, "medicine medical food complaint other"),
                     REQ("text", FK_RCOL_TEXT, 1000, "what the caller asks"),
                     OPT("unit", FK_RCOL_TEXT, TEXT, "the unit it is assigned to"),
                     OPT("assigned", FK_RCOL_TIME, 0, "when assigned; not before received"),
                     OPT("resolved", FK_RCOL_TIME, 0, "when resolved; not before assigned"),
                     OPT("note", FK_RCOL_TEXT, 1000, "what was done")},
            .ncols = 11,
            .nreq = 7,
            .cols_note = "channel hotline wechat online walk_in other (or 热线 微信 网络 来访 其他); "
                         "kind medicine medical food complaint other (or 购药 就医 生活物资 投诉 "
                         "其他); assigned needs a unit; resolved needs an assigned at or before "
                         "it; deadlines by kind from the profile's [request]",
            .key = {0},
            .nkey = 1,
            .key_note = "(number): replaces; a file without unit, assigned, resolved or note "
                        "keeps the stored value",
            .scope = FK_SCOPE_GRID,
            .import_perm = FK_PERM_IMPORT,
            .flags = FK_RECORD_GENERIC,
            .fields = {{"number", FK_RVAL_TEXT, FK_RFIELD_KEY},
                       {"received", FK_RVAL_INT, 0},
                       {"channel", FK_RVAL_INT, 0},
                       {"phone", FK_RVAL_TEXT, 0},
                       {"region", FK_RVAL_TEXT, 0},
                       {"kind", FK_RVAL_INT, 0},
                       {"text", FK_RVAL_TEXT, 0},
                       {"unit", FK_RVAL_TEXT, FK_RFIELD_KEEP},
                       {"assigned", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"resolved", FK_RVAL_INT, FK_RFIELD_KEEP},
                       {"note", FK_RVAL_TEXT, FK_RFIELD_KEEP}},
            .nfields = 11,
            .sqlite = {"SELECT received, channel, phone, region, kind, text, unit, assigned, "
                       "resolved, note FROM requests WHERE number = ?1",
                       "INSERT INTO requests (number, received, channel, phone, region, kind, "
                       "text, unit, assigned, resolved, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                       "?7, coalesce(?8, ''), coalesce(?9, 0), coalesce(?10, 0), "
                       "coalesce(?11, ''))",
                       "UPDATE requests SET received = ?2, channel = ?3, phone = ?4, "
                       "region = ?5, kind = ?6, text = ?7, unit = coalesce(?8, unit), "
                       "assigned = coalesce(?9, assigned), resolved = coalesce(?10, resolved), "
                       "note = coalesce(?11, note) WHERE number = ?1",
                       "SELECT number, received, channel, phone, region, kind, text, unit, "
                       "assigned, resolved, note, region FROM requests ORDER BY number"},
            .export_cols = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
            .nexport = 11,
            .nscope = 1,
        },
};

const struct fk_record_type *fk_record_get(fk_record_id t)
{
    return (int)t >= 0 && t < FK_IMPORT_NTYPES ? &types[t] : NULL;
}

const struct fk_record_type *fk_record_find(const char *name)
{
    int i;

    for (i = 0; name && i < FK_IMPORT_NTYPES; i++)
        if (strcmp(name, types[i].name) == 0)
            return &types[i];
    return NULL;
}

/* "a,b,c (required); d,e": made once, on first use. */
static char columns_text[FK_IMPORT_NTYPES][160];
static pthread_once_t columns_once = PTHREAD_ONCE_INIT;

static void columns_init(void)
{
    int t, k;

    for (t = 0; t < FK_IMPORT_NTYPES; t++) {
        const struct fk_record_type *rt = &types[t];
        char *out = columns_text[t];
        size_t cap = sizeof columns_text[t], len = 0;

        for (k = 0; k < rt->ncols && len < cap; k++) {
            int n = snprintf(out + len, cap - len, "%s%s%s",
                             k == rt->nreq ? "; "
                             : k           ? ","
                                           : "",
                             rt->cols[k].name, k == rt->nreq - 1 ? " (required)" : "");

            if (n < 0)
                break;
            len += (size_t)n;
        }
    }
}

const char *fk_record_columns_text(fk_record_id t)
{
    if ((int)t < 0 || t >= FK_IMPORT_NTYPES)
        return "";
    pthread_once(&columns_once, columns_init);
    return columns_text[t];
}

char *fk_record_list(char *buf, size_t cap, int exportable)
{
    int ids[FK_IMPORT_NTYPES], n = 0, i, w;
    size_t len = 0;

    for (i = 0; i < FK_IMPORT_NTYPES; i++)
        if (!exportable || types[i].nexport)
            ids[n++] = i;
    if (cap)
        buf[0] = '\0';
    for (i = 0; i < n && len < cap; i++) {
        w = snprintf(buf + len, cap - len, "%s%s",
                     i == 0       ? ""
                     : i == n - 1 ? " or "
                                  : ", ",
                     types[ids[i]].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

int fk_record_col_index(const struct fk_record_type *rt, const char *name)
{
    int k;

    for (k = 0; k < rt->ncols; k++)
        if (strcasecmp(rt->cols[k].name, name) == 0)
            return k;
    return -1;
}

const char *fk_rcol_kind_name(enum fk_rcol_kind k)
{
    switch (k) {
    case FK_RCOL_TEXT: return "text";
    case FK_RCOL_CODE: return "code";
    case FK_RCOL_ID_NUMBER: return "id_number";
    case FK_RCOL_TIME: return "time";
    case FK_RCOL_INT: return "int";
    case FK_RCOL_ENUM: return "enum";
    case FK_RCOL_DECIMAL: return "decimal";
    }
    return "";
}

int fk_record_permitted(const struct fk_record_type *rt, enum fk_role role, int scope_level,
                        const char *scope_label, const char *verb, char *err, size_t errlen)
{
    const char *rn = fk_role_name(role);

    if (rt->scope == FK_SCOPE_HQ || rt->scope == FK_SCOPE_REGION) {
        if ((role == FK_ROLE_ADMIN || role == FK_ROLE_COMMANDER) && scope_level <= FK_LEVEL_CITY)
            return FK_OK;
        snprintf(err, errlen,
                 "a %s account of %s may not %s %s: only the city's headquarters may (an "
                 "admin or commander whose scope is a city or a province)",
                 rn, scope_label, verb, rt->name);
        return FK_EPERM;
    }
    if (fk_role_can(role, rt->import_perm))
        return FK_OK;
    snprintf(err, errlen, "a %s account may not %s %s", rn, verb, rt->name);
    return FK_EPERM;
}

int fk_record_contract_markdown(fk_buf *b)
{
    int t, k,
        rc = fk_buf_puts(b, "| type | columns (required first) | natural key: a second row "
                            "with the same key |\n| --- | --- | --- |\n");

    for (t = 0; rc == FK_OK && t < FK_IMPORT_NTYPES; t++) {
        const struct fk_record_type *rt = &types[t];

        rc = fk_buf_printf(b, "| %s | ", rt->name);
        for (k = 0; rc == FK_OK && k < rt->ncols; k++)
            rc = fk_buf_printf(b, "%s%s", k == rt->nreq ? "; " : k ? ", " : "", rt->cols[k].name);
        if (rc == FK_OK && rt->cols_note)
            rc = fk_buf_printf(b, "; %s", rt->cols_note);
        if (rc == FK_OK)
            rc = fk_buf_printf(b, " | %s |\n", rt->key_note);
    }
    return rc;
}
