/* SPDX-License-Identifier: MIT */
/* The store: fangkong's system of record. One interface (this file) over backends (SQLite always;
 * PostgreSQL later, behind FK_WITH_POSTGRES). Writes happen inside a batch (begin … commit): one
 * transaction, durable when commit returns (SQLite: WAL, synchronous=FULL). Every commit bumps the
 * store's generation, which the engine and its caches compare against.
 *
 * Natural keys make every put idempotent: a person by id_number, a venue by code, a scan by
 * (person, venue, time), a ping by (person, cell, time), a sample by (tube, person), a result by
 * tube (a later result time replaces an earlier one), a case by person. Each put reports what it
 * did as an enum fk_put.
 *
 * Thread-safety: a store handle is used by one thread at a time. */
#ifndef FK_STORE_H
#define FK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/record.h"
#include "fk/screening.h"

typedef struct fk_store fk_store;

enum fk_put {
    FK_PUT_NEW = 0,     /* added */
    FK_PUT_SAME = 1,    /* already there, identical: nothing changed */
    FK_PUT_UPDATED = 2, /* already there, replaced by the new values */
    FK_PUT_OLDER = 3    /* a result older than the one kept: ignored */
};

enum fk_case_kind { FK_CASE_CONFIRMED = 0, FK_CASE_ASYMPTOMATIC = 1 };

/* Rows as the store takes and gives them. Strings are borrowed: on input for the call, on output
 * until the next call on the same store. On a put, a NULL optional string (person phone,
 * household, tags; venue type) and a person id_type of -1 mean "the input did not say": a new row
 * stores empty (resident), an existing row keeps what it has. */
struct fk_region_row {
    const char *code, *name, *parent;
    int level;             /* enum fk_level */
    const char *lon, *lat; /* decimal degrees, "" none (fk_coord_parse); NULL on a put: keep */
    /* A grid's worker (网格员) and phone ("" when none); on a put NULL keeps the stored value. */
    const char *worker, *worker_phone;
};
struct fk_person_row {
    int64_t id; /* dense person id, assigned by the store (output only) */
    const char *id_number, *name, *phone, *grid, *household, *tags;
    int id_type;         /* enum fk_id_type */
    const char *address; /* home address; NULL on a put: keep the stored one */
};
struct fk_venue_row {
    int64_t id;
    const char *code, *name, *type, *grid;
    const char *lon, *lat; /* decimal degrees, "" none (fk_coord_parse); NULL on a put: keep */
};
struct fk_sample_row {
    const char *tube, *site;
    int64_t person, time;
    int64_t shipped; /* when the tube left for the lab (送检); 0: not recorded */
};
struct fk_result_row {
    const char *tube, *lab;
    int result; /* enum fk_result */
    int64_t time;
    int64_t received; /* 0 when not given */
};
struct fk_case_row {
    int64_t person, confirmed;
    int64_t onset, isolated; /* 0 when not given */
    int kind;                /* enum fk_case_kind */
    int64_t reported;        /* when reported (the response timers start there); 0 when not
                                given; on a put, < 0 keeps the stored time (the file had no
                                such column) */
};

/* Opens (creating and migrating when new) the store at uri: a file path for SQLite, or a
 * postgresql:// (postgres://) connection URI for PostgreSQL, as libpq reads it, when the build
 * has it (FK_WITH_POSTGRES). On failure *out is NULL and err says why. FK_OK, FK_EDB, FK_EIO,
 * FK_EINVAL (a PostgreSQL URI and a build without it). Caller closes with fk_store_close(). */
int fk_store_open(const char *uri, fk_store **out, char *err, size_t errlen);
/* 1 when uri names a PostgreSQL database (postgresql:// or postgres://), else 0. */
int fk_store_is_pg(const char *uri);
/* uri as it may be shown in a message or a log: a PostgreSQL URI's password (user:PASSWORD@, or
 * a password= parameter) replaced by "***"; a file path as it is. Into buf (cap bytes, cut
 * short rather than overflow); returns buf. */
const char *fk_store_shown(const char *uri, char *buf, size_t cap);
/* The stores this build opens: "sqlite" or "sqlite, postgresql". Static storage. */
const char *fk_store_backends(void);
/* Where a process keeps the file of kind ("engine", "tracer", "roster", "uploads") that goes
 * with the store at uri: beside a data file (DATA.engine), or, for a PostgreSQL store, which has
 * no folder of its own, in the local folder state (STATE/fangkong.engine; FANGKONG_STATE to the
 * command line). Into buf (cap bytes); returns buf, or NULL when there is no such place: an
 * in-memory store, PostgreSQL without state, or a path longer than cap. */
const char *fk_store_local_path(const char *uri, const char *state, const char *kind, char *buf,
                                size_t cap);
/* Tests only (FK_WITH_POSTGRES builds): empties the PostgreSQL database at uri (drops and makes
 * again its schema public), so the next fk_store_open migrates it anew. FK_OK, FK_EIO (cannot
 * connect), FK_EDB, with err. */
int fk__store_pg_reset(const char *uri, char *err, size_t errlen);
/* Tests only: ends every other session on the PostgreSQL database at uri, as a server restart
 * would (pg_terminate_backend). FK_OK, FK_EIO, FK_EDB, with err. */
int fk__store_pg_cut(const char *uri, char *err, size_t errlen);
void fk_store_close(fk_store *st);
/* The last error message of the backend (borrowed). */
const char *fk_store_errmsg(fk_store *st);

/* A batch: begin, puts, commit (durable, generation + 1) or rollback (nothing of it stays). */
int fk_store_begin(fk_store *st);
int fk_store_commit(fk_store *st);
int fk_store_rollback(fk_store *st);
/* Generation: how many batches have ever committed. */
int fk_store_generation(fk_store *st, int64_t *out);
/* A control batch: a batch that writes only control data (orders, risk areas, door events,
 * alerts). Its commit moves the control generation instead of the generation, so the engine,
 * which holds none of it, is not rebuilt for it. */
int fk_store_begin_control(fk_store *st);
int fk_store_control_generation(fk_store *st, int64_t *out);
/* The generation of the last batch that wrote what the index `feeds` (FK_FEEDS_ENGINE,
 * FK_FEEDS_TRACER or FK_FEEDS_ROSTER, fk/record.h) reads (issue 19): the puts of regions, persons,
 * samples and results mark the engine's, of persons, venues, scans, pings and cases the
 * tracer's, of persons the roster's, when they change something. An index built at generation
 * G (read from the store as of G) still holds everything while this is at most G: a snapshot of
 * the tracer outlives an import of samples, and both outlive a round, a user or an audit row.
 * FK_OK, FK_EINVAL (another feeds), FK_EDB. */
int fk_store_index_generation(fk_store *st, unsigned feeds, int64_t *out);
/* Whether an index built at generation `built` holds everything a store does whose index
 * generation is `index` and whose generation is `now`: nothing it reads was written after it,
 * and the store is not behind it (a data file put back from before). */
static inline int fk_index_current(int64_t built, int64_t index, int64_t now)
{
    return built >= index && built <= now;
}
/* An event batch: a batch that writes only rows no in-memory index holds (door events, risk
 * areas, alerts); its commit moves neither generation, so devices reporting every minute never
 * make the engine or the control index rebuild. */
int fk_store_begin_events(fk_store *st);

/* Puts; *did says what happened. FK_OK or FK_EDB. Must be inside a batch. */
int fk_store_put_region(fk_store *st, const struct fk_region_row *r, enum fk_put *did);
int fk_store_put_person(fk_store *st, const struct fk_person_row *p, int64_t *id,
                        enum fk_put *did);
/* What an update of a person changed: bits of *changed in fk_store_put_person_changes(). */
enum fk_person_field {
    FK_PERSON_NAME = 1u << 0,
    FK_PERSON_PHONE = 1u << 1,
    FK_PERSON_GRID = 1u << 2,
    FK_PERSON_HOUSEHOLD = 1u << 3,
    FK_PERSON_TAGS = 1u << 4,
    FK_PERSON_ID_TYPE = 1u << 5,
    FK_PERSON_ADDRESS = 1u << 6
};
/* fk_store_put_person, and when *did is FK_PUT_UPDATED, *changed says which fields the put
 * changed (fk_person_field bits; 0 otherwise), so an import can say "5 name" before a mass
 * rename surprises anyone. */
int fk_store_put_person_changes(fk_store *st, const struct fk_person_row *p, int64_t *id,
                                enum fk_put *did, unsigned *changed);
int fk_store_put_venue(fk_store *st, const struct fk_venue_row *v, int64_t *id, enum fk_put *did);
int fk_store_add_scan(fk_store *st, int64_t person, int64_t venue, int64_t time, enum fk_put *did);
int fk_store_add_ping(fk_store *st, int64_t person, const char *cell, int64_t time,
                      enum fk_put *did);
int fk_store_add_sample(fk_store *st, const struct fk_sample_row *s, enum fk_put *did);
struct fk_event_row;
/* Many events at once (issue 20): inside a batch, the n scans (type FK_IMPORT_SCANS: e[i].person,
 * venue, time), pings (FK_IMPORT_PINGS: person, cell, time) or samples (FK_IMPORT_SAMPLES: s[i])
 * of an import's batch, with did[i] what the i-th did: what n calls of fk_store_add_scan, _ping
 * or _sample in that order would store and report. A store that would pay a round trip a row
 * (PostgreSQL) streams them (COPY) and merges them on their key; the others make the n calls.
 * FK_OK, or the first failure (roll the batch back). */
int fk_store_add_events(fk_store *st, fk_record_id type, const struct fk_event_row *e,
                        const struct fk_sample_row *s, size_t n, enum fk_put *did);
/* Many keyed records of one type at once (issue 20), inside a batch: record i's fields are
 * v[i * nfields ..) of the type's descriptor (fk/record.h), and ids[i], did[i] and changed[i]
 * (ids and changed may be NULL) what n calls of fk_store_put_record in that order would give,
 * with the same rows stored and the same ids numbered. A store that pays a round trip a row
 * (PostgreSQL) sends them by COPY and merges them on their key in a few statements; the others
 * make the n calls. FK_OK, or the first failure (roll the batch back). */
int fk_store_put_records(fk_store *st, fk_record_id t, const struct fk_record_value *v, size_t n,
                         int64_t *ids, enum fk_put *did, unsigned *changed);
/* The same for n persons: what n calls of fk_store_put_person_changes would give (changed[i]:
 * fk_person_field bits). FK_OK, FK_ENOMEM, or the first failure. */
int fk_store_put_persons(fk_store *st, const struct fk_person_row *p, size_t n, int64_t *ids,
                         enum fk_put *did, unsigned *changed);
/* 1 when fk_store_add_events and fk_store_put_records are much faster than the calls one by one,
 * so an import should gather a batch's rows first (PostgreSQL); 0 when it is the same (SQLite). */
int fk_store_prefers_bulk(const fk_store *st);
int fk_store_put_result(fk_store *st, const struct fk_result_row *r, enum fk_put *did);
int fk_store_put_case(fk_store *st, const struct fk_case_row *c, enum fk_put *did);

/* A read transaction around many look-ups (one snapshot, one lock instead of one per call).
 * Outside a batch only; inside a transaction both are no-ops. FK_OK or FK_EDB. */
int fk_store_read_begin(fk_store *st);
int fk_store_read_end(fk_store *st);

/* Look-ups. FK_OK, FK_ENOENT, FK_EDB. */
int fk_store_get_person(fk_store *st, int64_t id, struct fk_person_row *out);
/* The dense id of the person with this ID number. FK_OK, FK_ENOENT, FK_EDB. */
int fk_store_find_person(fk_store *st, const char *id_number, int64_t *id);
int fk_store_get_region(fk_store *st, const char *code, struct fk_region_row *out);
int fk_store_tube_exists(fk_store *st, const char *tube);

/* Iteration: calls cb for every row, in key order; a non-zero return from cb stops the walk and
 * is returned. Rows are borrowed for the call. */
typedef int (*fk_region_cb)(void *ud, const struct fk_region_row *r);
typedef int (*fk_person_cb)(void *ud, const struct fk_person_row *p);
typedef int (*fk_venue_cb)(void *ud, const struct fk_venue_row *v);
typedef int (*fk_sample_cb)(void *ud, const struct fk_sample_row *s);
typedef int (*fk_result_cb)(void *ud, const struct fk_result_row *r);
typedef int (*fk_case_cb)(void *ud, const struct fk_case_row *c);
/* An event of a person: a scan (venue id, time) or a ping (cell code, time). */
struct fk_event_row {
    int64_t person, venue, time;
    const char *cell;
};
typedef int (*fk_event_cb)(void *ud, const struct fk_event_row *e);
int fk_store_each_region(fk_store *st, fk_region_cb cb, void *ud);
/* Persons with only id, id_number, grid and household filled (the engine's needs; cheaper). */
int fk_store_each_person_key(fk_store *st, fk_person_cb cb, void *ud);
/* Persons by id with only id, id_number, name, phone and grid filled: what output shows of a
 * person, for the roster (fk/roster.h), which renders them without a query a person. */
int fk_store_each_person_shown(fk_store *st, fk_person_cb cb, void *ud);
int fk_store_each_case(fk_store *st, fk_case_cb cb, void *ud);
/* Scans and pings in person order (then venue or cell, then time). */
int fk_store_each_scan(fk_store *st, fk_event_cb cb, void *ud);
int fk_store_each_ping(fk_store *st, fk_event_cb cb, void *ud);
int fk_store_each_venue(fk_store *st, fk_venue_cb cb, void *ud);
int fk_store_each_sample(fk_store *st, fk_sample_cb cb, void *ud);
int fk_store_each_result(fk_store *st, fk_result_cb cb, void *ud);
/* Row counts of a table by name ("persons", "samples", …), for summaries and tests. */
int fk_store_count(fk_store *st, const char *table, int64_t *out);

/* Screening rounds. add: FK_ECONFLICT when the name is taken; r->id and r->created are set. */
int fk_store_add_round(fk_store *st, struct fk_round *r);
int fk_store_get_round(fk_store *st, const char *name, struct fk_round *out);
typedef int (*fk_round_cb)(void *ud, const struct fk_round *r);
int fk_store_each_round(fk_store *st, fk_round_cb cb, void *ud);

/* Control (管控): orders, arrivals, risk areas, door-sensor events and alerts. Enumerations are
 * those of fk/regime.h. Natural keys: a control by (person, start), an arrival by (person,
 * arrived), a risk area by (area, start), a door event by (device, time, event), an alert by
 * (kind, person, time, device). */
struct fk_control_row {
    int64_t id; /* assigned by the store (output only) */
    int64_t person;
    int category, place;
    int64_t start, end; /* end 0: open */
    const char *regime, *site, *device; /* on a put, NULL keeps the stored value */
    int extended;       /* days added to the regime's duration; -1 on a put keeps it */
};
struct fk_arrival_row {
    int64_t person, arrived;
    const char *origin, *grid, *transport;
};
struct fk_risk_area_row {
    const char *area;
    int level;
    int64_t start, end; /* end 0: still a risk area */
    const char *name;   /* the area's name ("北京市朝阳区"); on a put NULL keeps the stored one */
};
struct fk_door_row {
    const char *device;
    int64_t person, time;
    int event;
};
struct fk_alert_row {
    int64_t id, person, time;
    int kind, status;
    const char *device, *detail, *who, *note;
    int64_t raised, updated;
};
typedef int (*fk_control_cb)(void *ud, const struct fk_control_row *c);
typedef int (*fk_arrival_cb)(void *ud, const struct fk_arrival_row *a);
typedef int (*fk_risk_area_cb)(void *ud, const struct fk_risk_area_row *r);
typedef int (*fk_door_cb)(void *ud, const struct fk_door_row *d);
typedef int (*fk_alert_cb)(void *ud, const struct fk_alert_row *a);
/* Puts inside a batch, as above. */
int fk_store_put_control(fk_store *st, const struct fk_control_row *c, int64_t *id,
                         enum fk_put *did);
int fk_store_put_arrival(fk_store *st, const struct fk_arrival_row *a, enum fk_put *did);
int fk_store_put_risk_area(fk_store *st, const struct fk_risk_area_row *r, enum fk_put *did);
int fk_store_add_door_event(fk_store *st, const struct fk_door_row *d, enum fk_put *did);
/* Adds an alert unless the same one (kind, person, time, device) was raised before: then *did
 * is FK_PUT_SAME and the stored one (and its status) stays. */
int fk_store_add_alert(fk_store *st, const struct fk_alert_row *a, enum fk_put *did);
/* Sets an alert's status, who, note and updated time. FK_ENOENT. */
int fk_store_update_alert(fk_store *st, int64_t id, int status, const char *who,
                          const char *note, int64_t updated);
/* Look-ups; rows are borrowed until the next call on the store. FK_OK, FK_ENOENT, FK_EDB. */
int fk_store_get_control(fk_store *st, int64_t id, struct fk_control_row *out);
int fk_store_get_alert(fk_store *st, int64_t id, struct fk_alert_row *out);
/* The person a door sensor is registered to: the latest control order naming it. */
int fk_store_find_device(fk_store *st, const char *device, int64_t *person);
/* Whether the cold-chain table holds any event of batch: FK_OK, FK_ENOENT, FK_EDB. */
int fk_store_coldchain_batch_known(fk_store *st, const char *batch);
/* The device's last event before time t. */
int fk_store_door_before(fk_store *st, const char *device, int64_t t, struct fk_door_row *out);
/* Walks: controls of one person (person >= 0) or all (-1), by person then start; arrivals by
 * person then arrival time (key order: no index look-up a row); risk areas by area then start; alerts by id (status >= 0: only that status);
 * devices whose last event is "offline" at or before `before`, with that event. */
int fk_store_each_control(fk_store *st, int64_t person, fk_control_cb cb, void *ud);
int fk_store_each_arrival(fk_store *st, fk_arrival_cb cb, void *ud);
int fk_store_each_risk_area(fk_store *st, fk_risk_area_cb cb, void *ud);
int fk_store_each_alert(fk_store *st, int status, fk_alert_cb cb, void *ud);
int fk_store_each_silent_device(fk_store *st, int64_t before, fk_door_cb cb, void *ud);
/* Sentinel signals (issue 16) with time in [from, to], by time: every row of kind (-1: any).
 * With from INT64_MIN and to INT64_MAX, every row in the store's own order (a whole read, not
 * a walk of the time index). Strings are borrowed for the call. */
struct fk_sentinel_row {
    const char *source, *grid, *id_number; /* id_number "" for none */
    int kind;                              /* enum fk_sen_kind */
    int64_t time, count;
};
typedef int (*fk_sentinel_cb)(void *ud, const struct fk_sentinel_row *r);
int fk_store_each_sentinel(fk_store *st, int64_t from, int64_t to, int kind, fk_sentinel_cb cb,
                           void *ud);
/* Persons whose tags are not empty, by id, with id, id_number, grid and tags filled. */
int fk_store_each_person_tagged(fk_store *st, fk_person_cb cb, void *ud);
/* Members of a tube (the persons sampled into it). */
int fk_store_each_tube_member(fk_store *st, const char *tube, fk_sample_cb cb, void *ud);

/* Gate-check counts (issue 18): a gate's checks in one hour by colour (n: green, yellow, red, bad
 * ID), never a person. add, inside an events batch (no generation moves), adds n to the hour's
 * row and keeps the later of last; each walks the rows of hours from `from` on, by hour, gate
 * and type. Strings are borrowed for the call. */
struct fk_gate_count_row {
    const char *gate, *scope;
    int type; /* enum fk_gate_type */
    int64_t hour, last;
    int64_t n[4];
};
typedef int (*fk_gate_count_cb)(void *ud, const struct fk_gate_count_row *r);
int fk_store_add_gate_count(fk_store *st, const struct fk_gate_count_row *r);
int fk_store_each_gate_count(fk_store *st, int64_t from, fk_gate_count_cb cb, void *ud);

/* Finding persons (the person search, fk/person.h): which key a search looks up. */
enum fk_person_key {
    FK_PKEY_ID = 0,    /* the whole ID number */
    FK_PKEY_ID6,       /* the last 6 characters of the ID number */
    FK_PKEY_NAME,      /* a prefix of the name (byte-wise: a prefix of UTF-8 characters) */
    FK_PKEY_PHONE4,    /* the last 4 digits of the phone */
    FK_PKEY_PHONE,     /* the whole phone number */
    FK_PKEY_HOUSEHOLD  /* the household code (not empty) */
};
/* Calls cb with every person (every field filled) whose key matches value, in the order of the
 * key's index (name, ID number's end, phone's end, household; ties by id); with key FK_PKEY_NAME
 * and grid not NULL, only persons of that grid. Each look-up reads an index of the persons table
 * (schema version 6), never the whole table. A non-zero return of cb stops the walk and is
 * returned. FK_OK, FK_EINVAL (unknown key), FK_EDB. Rows are borrowed for the call. */
int fk_store_search_persons(fk_store *st, enum fk_person_key key, const char *value,
                            const char *grid, fk_person_cb cb, void *ud);
/* The persons of grid whose name begins with prefix, by name then id, at most limit, and with
 * upto not NULL only those named upto or before it (the bound of a merge that already holds
 * enough rows): cb receives each one's id and name (borrowed for the call). Reads only the
 * (grid, name) index, no table row, so a search can visit many grids cheaply and read the few
 * rows it keeps afterwards. A non-zero return of cb stops the walk and is returned. FK_OK,
 * FK_EDB. Not thread-safe (the store's connection). */
typedef int (*fk_person_name_cb)(void *ud, int64_t id, const char *name);
int fk_store_grid_names(fk_store *st, const char *grid, const char *prefix, const char *upto,
                        size_t limit, fk_person_name_cb cb, void *ud);
/* The case of person (confirmed or asymptomatic) into *out. FK_OK, FK_ENOENT, FK_EDB. */
int fk_store_get_case(fk_store *st, int64_t person, struct fk_case_row *out);
/* The category (enum fk_ctl_category) of person's latest open control order into *category.
 * FK_OK, FK_ENOENT (none open), FK_EDB. One prepared statement: cheap enough for every row of a
 * search. */
int fk_store_open_control(fk_store *st, int64_t person, int *category);

/* Records by descriptor (fk/record.h). The generic put of a type whose descriptor has
 * FK_RECORD_GENERIC: v holds its store fields in order (rt->fields); it reads the record by its
 * natural key and inserts, updates or does nothing, as the typed puts above (which are it). *id
 * (may be NULL) receives the row's id when the type has FK_RECORD_HAS_ID; *changed (may be NULL) a
 * bit 1 << k for each field k an update changed. FK_OK, FK_EDB, FK_EINVAL (no generic put for t).
 * Inside a batch. */
int fk_store_put_record(fk_store *st, fk_record_id t, const struct fk_record_value *v,
                        int64_t *id, enum fk_put *did, unsigned *changed);
/* Walks every record of type t for an export: n values a row, the descriptor's export columns
 * then its nscope region codes (an integer column as i, text as s; a SQL NULL has absent set), in
 * key order. Values are borrowed for the call; a non-zero return of cb stops the walk and is
 * returned. FK_EINVAL when t has no export. */
typedef int (*fk_record_cb)(void *ud, const struct fk_record_value *v, size_t n);
int fk_store_each_record(fk_store *st, fk_record_id t, fk_record_cb cb, void *ud);

/* Closed-loop transfers (issue 18, fk/transfer.h): the rows of task (NULL: every task) and of
 * person (a dense id; < 0: everyone), by task then ID number, each as FK_TRANSFER_NVALUES values:
 * the export's columns (task, id_number, from_kind, from, to_kind, to, vehicle, escort, planned,
 * picked_up, handed_over), then the person's name, grid and dense id (FK_TRANSFER_V_*). One walk
 * that joins the persons, so a list renders names without a query a row. Values borrowed for the
 * call; a non-zero return of cb stops the walk and is returned. FK_OK, FK_EDB. */
enum {
    FK_TRANSFER_V_TASK = 0,
    FK_TRANSFER_V_ID_NUMBER,
    FK_TRANSFER_V_FROM_KIND,
    FK_TRANSFER_V_FROM,
    FK_TRANSFER_V_TO_KIND,
    FK_TRANSFER_V_TO,
    FK_TRANSFER_V_VEHICLE,
    FK_TRANSFER_V_ESCORT,
    FK_TRANSFER_V_PLANNED,
    FK_TRANSFER_V_PICKED_UP,
    FK_TRANSFER_V_HANDED_OVER,
    FK_TRANSFER_V_NAME,
    FK_TRANSFER_V_GRID,
    FK_TRANSFER_V_PERSON,
    FK_TRANSFER_NVALUES
};
int fk_store_each_transfer(fk_store *st, const char *task, int64_t person, fk_record_cb cb,
                           void *ud);

/* Vaccinations (issue 16; fk/vaccination.h answers from them). A dose of a person; vaccine is
 * borrowed for the call. */
struct fk_vax_row {
    int64_t person, time;
    int dose;
    const char *vaccine;
};
typedef int (*fk_vax_cb)(void *ud, const struct fk_vax_row *v);
/* The doses of person (>= 0), or everyone's (-1), by person, then time, then dose. A non-zero
 * return of cb stops the walk and is returned. FK_OK, FK_EDB. */
int fk_store_each_vaccination(fk_store *st, int64_t person, fk_vax_cb cb, void *ud);
/* A catch-up list pushed to a community (点对点推送): the region, when, by whom, how many members
 * it held, and (fk_store_each_vax_push) how many of them had a dose after it. Strings borrowed
 * for the call. */
struct fk_vax_push_row {
    int64_t id;
    const char *region;
    int64_t time;
    const char *who;
    int64_t members, since;
};
typedef int (*fk_vax_push_cb)(void *ud, const struct fk_vax_push_row *p);
/* Records a push of region's list at time by who with its n members (dense person ids); *id (may
 * be NULL) its id. Inside a batch (an event batch: it moves no generation). FK_OK, FK_EDB. */
int fk_store_add_vax_push(fk_store *st, const char *region, int64_t time, const char *who,
                          const int64_t *members, size_t n, int64_t *id);
/* The latest push at or before now of each region, by region code, with since: its members with
 * a dose after the push and at or before now. FK_OK, FK_EDB, or cb's non-zero return. */
int fk_store_each_vax_push(fk_store *st, int64_t now, fk_vax_push_cb cb, void *ud);

/* A supervision problem's change of state (issue 17, fk/problem.h): when, by whom, from and to
 * (enum fk_problem_status), and the note. Strings borrowed for the call. */
struct fk_problem_change {
    int64_t id;
    const char *problem;
    int64_t time;
    const char *user;
    int from, to;
    const char *note;
};
typedef int (*fk_problem_change_cb)(void *ud, const struct fk_problem_change *h);
/* Appends h (h->id is ignored) to the problem's history, inside a batch the caller has begun.
 * FK_OK, FK_EDB. */
int fk_store_add_problem_change(fk_store *st, const struct fk_problem_change *h);
/* The history of problem (NULL: every problem's), by problem then in the order written. A
 * non-zero return of cb stops the walk and is returned. FK_OK, FK_EDB. */
int fk_store_each_problem_change(fk_store *st, const char *problem, fk_problem_change_cb cb,
                                 void *ud);

/* A risk zone's change of level (issue 18, fk/zone.h): when, to which level (enum fk_zone_level,
 * FK_ZONE_LIFTED when lifted), by whom and why. Strings borrowed for the call. */
struct fk_zone_change {
    int64_t id;
    const char *zone;
    int64_t at;
    int level;
    const char *actor, *reason;
};
typedef int (*fk_zone_change_cb)(void *ud, const struct fk_zone_change *h);
/* Appends h (h->id is ignored) to the zone's history, inside a batch the caller has begun.
 * FK_OK, FK_EDB. */
int fk_store_add_zone_change(fk_store *st, const struct fk_zone_change *h);
/* Every zone's history, by zone, then time, then the order written. A non-zero return of cb
 * stops the walk and is returned. FK_OK, FK_EDB. */
int fk_store_each_zone_change(fk_store *st, fk_zone_change_cb cb, void *ud);

/* Accounts, sessions and the audit trail. These work inside or outside a batch and do not move
 * the generation. */
struct fk_user {
    int64_t id;
    const char *name, *role, *scope, *pwhash; /* borrowed as for rows above */
    int disabled;
    int64_t created;
};
struct fk_audit_row {
    int64_t id, time;
    const char *who, *action, *target, *detail;
    /* The region code the row is about ("" none: the local administrator's, or from before
     * schema version 4). On an add, NULL takes the handle's fk_store_set_audit_region. */
    const char *region;
};
typedef int (*fk_user_cb)(void *ud, const struct fk_user *u);
typedef int (*fk_audit_cb)(void *ud, const struct fk_audit_row *a);
/* FK_ECONFLICT when the name is taken; u->id is not used (assigned). */
int fk_store_add_user(fk_store *st, const struct fk_user *u);
/* Replaces role, scope, pwhash and disabled of the user named u->name. FK_ENOENT. */
int fk_store_update_user(fk_store *st, const struct fk_user *u);
int fk_store_get_user(fk_store *st, const char *name, struct fk_user *out);
int fk_store_get_user_by_id(fk_store *st, int64_t id, struct fk_user *out);
int fk_store_each_user(fk_store *st, fk_user_cb cb, void *ud);
int fk_store_add_token(fk_store *st, const char *hash, int64_t user, int64_t created,
                       int64_t expires);
/* FK_ENOENT when there is no such token. */
int fk_store_get_token(fk_store *st, const char *hash, int64_t *user, int64_t *expires);
int fk_store_del_token(fk_store *st, const char *hash);
/* Deletes every token of a user (disabling a user ends its sessions). */
int fk_store_del_user_tokens(fk_store *st, int64_t user);
int fk_store_add_audit(fk_store *st, const struct fk_audit_row *a);
/* Records an audit row now: who did action to target, with a printf-formatted detail. */
int fk_store_audit(fk_store *st, const char *who, const char *action, const char *target,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Audit rows with time >= since, oldest first. */
int fk_store_each_audit(fk_store *st, int64_t since, fk_audit_cb cb, void *ud);
/* The region the audit rows written through this handle from now on are about, when the row does
 * not say (fk_store_audit, and the rows the control actions write): the record's region or the
 * acting account's scope. NULL or "": none. The code is copied (at most FK_REGION_CODE_MAX - 1
 * bytes). */
void fk_store_set_audit_region(fk_store *st, const char *region);
/* How long a write through this handle waits for another writer (another process importing)
 * before it fails with FK_EDB: ms milliseconds (the default 10 000; 0: not at all, for a write
 * that may as well be tried again later, such as a server's gate counts under its lock). */
void fk_store_set_busy_wait(fk_store *st, int ms);
/* Audit rows with time >= since that a reader of scope may see, oldest first: rows about a region
 * inside scope, and rows written by the account named who (NULL: none). A row about no region (the
 * local administrator's, and rows from before schema version 4) is seen by a scope that is a city
 * or above: the headquarters'. scope NULL: every row. */
int fk_store_each_audit_in(fk_store *st, int64_t since, const char *scope, const char *who,
                           fk_audit_cb cb, void *ud);

/* Waits up to ms milliseconds for a batch committed through another handle to announce the
 * store's new generation (PostgreSQL: NOTIFY on the channel fangkong, sent inside the batch, so
 * only a committed one is heard): FK_OK with the newest announced into *generation, FK_ENOENT
 * when none came in time, FK_EINVAL when the store announces nothing (SQLite: a reader checks
 * the generation, one cheap read), FK_EIO when the connection was lost. The first call starts
 * listening, and only announcements after it are heard. Give the watch a handle of its own: it
 * waits on the connection. */
int fk_store_watch(fk_store *st, int ms, int64_t *generation);
/* How many times st connected again after losing its server (PostgreSQL; SQLite: 0), and the
 * server of the last time ("host:port") into server (cap bytes; may be NULL). A handle that
 * finds its server gone connects again before its next call outside a batch, for up to 30 s,
 * with libpq trying each host of a multi-host URI in turn (with target_session_attrs=read-write
 * a promoted standby); a batch the loss cut short fails, and its caller rolls it back. */
unsigned fk_store_reconnects(const fk_store *st, char *server, size_t cap);
/* 1 when st's connection to its server is gone (PostgreSQL: the server died, was shut down or
 * the network cut; its next call outside a batch connects again); 0 otherwise, and always with
 * SQLite. After a failure, it tells a lost server, which may come back (a promoted standby),
 * from a refusal of the rows. */
int fk_store_lost(const fk_store *st);

/* ---- whole tables, for moving a city between stores (fangkong migrate, issue 20) ---- */

/* The tables a store keeps, in an order that loads each after what it names, each with its key
 * (the columns a walk orders by): every table but the bookkeeping ones (meta, the schema's
 * version, sessions, SQLite's segment manifest). NULL-terminated; static storage. */
struct fk_store_table {
    const char *name, *key;
};
extern const struct fk_store_table fk_store_tables[];

/* Every row of table (a name of fk_store_tables) in key order, bytewise as both stores compare:
 * n values a row, named by names (borrowed for the call, the same every row; the samples as
 * tube, person, time, site, shipped whatever the store keeps them in). An integer as i, text as
 * s, SQL NULL absent. A non-zero return of cb stops the walk and is returned. FK_OK, FK_EINVAL
 * (no such table), FK_EDB. */
typedef int (*fk_table_cb)(void *ud, const char *const *names, const struct fk_record_value *v,
                           size_t n);
int fk_store_dump(fk_store *st, const char *table, fk_table_cb cb, void *ud);
/* Inside a batch: adds one row to table as fk_store_dump gave it (names and values), ids
 * included; a row whose key is there already is an error (FK_EDB), never a silent skip. Marks
 * every index stale. fk_store_load_end after a table's last row lets the store number new rows
 * after the loaded ids. A store may gather the rows and send many at once (PostgreSQL: a COPY
 * of up to 8 MiB): its error then comes from a later fk_store_load, fk_store_load_end or
 * fk_store_commit, naming the table and the key, and the batch must be rolled back. */
int fk_store_load(fk_store *st, const char *table, const char *const *names,
                  const struct fk_record_value *v, size_t n);
int fk_store_load_end(fk_store *st, const char *table);

/* 1 when region inner is outer or lies under it in the store's region tree, 0 when not (or when
 * either is unknown), or a negative FK_E* code when the store fails. Walks parents: a few
 * look-ups. */
int fk_store_region_inside(fk_store *st, const char *inner, const char *outer);

#endif
