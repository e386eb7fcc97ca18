/* SPDX-License-Identifier: MIT */
/* Record types as data: one descriptor per type of record a file can import (regions, persons,
 * venues, scans, …), the single source of its name, its columns as the data contract lists them
 * (required ones first), its natural key, whose rows an actor may touch (the scope rule), who may
 * import and export it, the columns an export writes, and the store statements its generic put
 * and its export run. The importer's header check, the store's generic put, `fangkong export`, GET
 * /api/v1/export/TYPE and the contract table of docs/data.md (`fangkong contract --markdown`) all
 * read these, so a type is described once. Pure data and look-ups: no I/O, no clock; every
 * function is thread-safe and every pointer returned is static storage.
 *
 * Adding a type: docs/internals/record-types.md. */
#ifndef FK_RECORD_H
#define FK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "fk/access.h"
#include "fk/buf.h"

/* The record types, in the order the data contract lists them; the value is the index of the
 * type's descriptor. (The name is the importer's, which had it first.) */
enum fk_import_type {
    FK_IMPORT_REGIONS = 0,
    FK_IMPORT_PERSONS,
    FK_IMPORT_VENUES,
    FK_IMPORT_SCANS,
    FK_IMPORT_PINGS,
    FK_IMPORT_SAMPLES,
    FK_IMPORT_RESULTS,
    FK_IMPORT_CASES,
    FK_IMPORT_CONTROLS,
    FK_IMPORT_ARRIVALS,
    FK_IMPORT_RISK_AREAS,
    FK_IMPORT_DOOR_EVENTS,
    FK_IMPORT_SENTINELS,
    FK_IMPORT_COLDCHAIN,
    FK_IMPORT_VACCINATIONS,
    FK_IMPORT_INDICATORS,
    FK_IMPORT_SCORES,
    FK_IMPORT_ASSIGNMENTS, /* 包保 (issue 17, t17-assign) */
    FK_IMPORT_UNITS,       /* issue 17, 值班与零报告 */
    FK_IMPORT_REPORTS,
    FK_IMPORT_DUTY,
    FK_IMPORT_INSPECTIONS,
    FK_IMPORT_PROBLEMS,
    FK_IMPORT_INCIDENT_EVENTS, /* issue 17, response timers */
    FK_IMPORT_ZONES,           /* issue 18, risk zones (风险区域) */
    FK_IMPORT_TRANSFERS,       /* issue 18, closed-loop transfers */
    FK_IMPORT_CHECKINS,        /* issue 18, daily health check-ins (健康监测) */
    FK_IMPORT_LABS,            /* issue 21, testing labs and their capacity */
    FK_IMPORT_BOXES,           /* issue 21, transport boxes (送检箱) */
    FK_IMPORT_GATHERINGS,      /* issue 21, gatherings (会议活动管理) */
    FK_IMPORT_REQUESTS,        /* issue 21, citizen requests (便民服务热线) */
    FK_IMPORT_NTYPES
};
typedef enum fk_import_type fk_record_id;

#define FK_RECORD_MAXCOLS 11 /* columns of a file type, at most (transfers) */
#define FK_RECORD_MAXKEY 5  /* columns of a natural key, at most (sentinels, coldchain) */
#define FK_RECORD_MAXFIELDS 13 /* gatherings: 9 columns and the 4 fields of a sign-off */

/* What a column holds: how it is checked on import and rendered on export. */
enum fk_rcol_kind {
    FK_RCOL_TEXT = 0,  /* free text (names, sites): no control characters */
    FK_RCOL_CODE,      /* a code (region, venue, tube, cell, device): no spaces */
    FK_RCOL_ID_NUMBER, /* an identity document number (GB 11643 for residents) */
    FK_RCOL_TIME,      /* an ISO 8601 time; stored as Unix seconds, 0 for none */
    FK_RCOL_INT,       /* an integer */
    FK_RCOL_ENUM,      /* one of a list of names; stored as its index */
    FK_RCOL_DECIMAL    /* a decimal number (lon, lat); stored as its normalised text */
};

struct fk_record_col {
    const char *name;
    int required;
    enum fk_rcol_kind kind;
    int max_len;                         /* bytes; 0: none beyond the row's */
    const char *(*enum_name)(int value); /* FK_RCOL_ENUM: a stored value's name ("" unknown) */
    const char *help;                    /* one line for the contract */
};

/* Which records a row touches, so whose scope it must lie in (see fk_import_opts.actor). */
enum fk_record_scope {
    FK_SCOPE_HQ = 0,      /* no region: only the city's headquarters (admin or commander of a
                             city or province) may import or export it */
    FK_SCOPE_REGION,      /* the region row itself and its parent (regions; headquarters only) */
    FK_SCOPE_GRID,        /* the grid the row names, and the one the record lives in now */
    FK_SCOPE_PERSON,      /* the grid of the person the row names */
    FK_SCOPE_PERSON_GRID, /* the person's grid and the grid the row names (arrivals) */
    FK_SCOPE_TUBE         /* every person sampled into the row's tube (results) */
};

/* The values of one record as the store keeps it (struct fk_record_type.fields), for the
 * generic put and the export walk. A text field's s is borrowed; NULL is the empty text, or,
 * for a FK_RFIELD_KEEP field, "the input did not say: keep the stored value". An int field with
 * absent set keeps the stored value likewise (FK_RFIELD_KEEP only). */
struct fk_record_value {
    const char *s;
    int64_t i;
    int absent;
};

enum fk_rval_kind { FK_RVAL_TEXT = 0, FK_RVAL_INT };
#define FK_RFIELD_KEY 1u  /* part of the natural key: bound first, in field order */
#define FK_RFIELD_KEEP 2u /* absent on a put keeps the stored value; a new row stores "" or 0 */

/* One column of the type's store table, in the order its statements bind and return them. */
struct fk_record_field {
    const char *name;
    enum fk_rval_kind kind;
    unsigned flags;
};

/* The statements of one backend for a type. Parameters ?1.. are the fields in order (key fields
 * first); get selects by the key and returns the non-key fields in order (after the row's id when
 * the type has one); ins and upd take every field; all (export) returns the export columns in
 * order, then the region codes the scope rule checks (nscope of them; "" for none), in key order,
 * then, for a type whose rows hold fields no file has (a gathering's sign-off), those fields (the
 * export leaves them out; the type's own reader takes them). NULL: the type has no such
 * statement (a hand-written put, or no export). */
struct fk_record_sql {
    const char *get, *ins, *upd, *all;
};

/* Flags of a type. FK_RECORD_APPEND: append-only events on a hand-written fast path (INSERT OR
 * IGNORE, no read; the generic put is not used for them). FK_RECORD_HAS_ID: the store numbers the
 * rows (get returns the id first). FK_RECORD_GENERIC: the store's put of the type is the generic
 * put. */
#define FK_RECORD_APPEND 1u
#define FK_RECORD_HAS_ID 2u
#define FK_RECORD_GENERIC 4u

/* The indexes a type's rows are read into (issue 19): an import of the type must rebuild or
 * extend their snapshots, and any other import leaves them as they were. The engine reads
 * regions, persons, samples and results; the tracer persons (households), venues, scans, pings
 * and cases; arrivals add persons. The roster (fk/roster.h) reads the persons alone: an arrival
 * that registers a person does so with a put of persons, which marks it, and one of a known
 * person changes no person, so arrivals do not feed it. */
#define FK_FEEDS_ENGINE 1u
#define FK_FEEDS_TRACER 2u
#define FK_FEEDS_ROSTER 4u

struct fk_record_type {
    fk_record_id id;
    const char *name;     /* "persons": the import type, file and API name */
    const char *title_zh; /* "人口底册" */
    const char *title_en; /* "population registry" */
    struct fk_record_col cols[FK_RECORD_MAXCOLS]; /* required first; unused: name NULL */
    int ncols, nreq;
    const char *cols_note;     /* the contract's note after the columns, or NULL */
    int key[FK_RECORD_MAXKEY]; /* the natural key: indexes into cols */
    int nkey;
    const char *key_note; /* the contract's "a second row with the same key" */
    enum fk_record_scope scope;
    unsigned import_perm; /* enum fk_perm an actor's role needs to import (and export) it */
    unsigned flags;       /* FK_RECORD_* */
    unsigned feeds;       /* FK_FEEDS_*: the in-memory indexes built from its rows */
    /* The store's view: its fields and statements (sqlite now; pg is for the PostgreSQL
     * backend, all NULL until it exists). */
    struct fk_record_field fields[FK_RECORD_MAXFIELDS];
    int nfields;
    struct fk_record_sql sqlite, pg;
    /* Export: the columns written (indexes into cols, in order) and how many region codes follow
     * them in sqlite.all. nexport 0: no export. */
    int export_cols[FK_RECORD_MAXCOLS];
    int nexport, nscope;
};

/* The descriptor of type t, or NULL when t is out of range. */
const struct fk_record_type *fk_record_get(fk_record_id t);
/* The descriptor named name ("persons"), or NULL. */
const struct fk_record_type *fk_record_find(const char *name);
/* The type's columns as one line, required ones first, e.g. "id_number,name,grid (required);
 * phone,household,tags,id_type" ("" when t is out of range). Static storage. */
const char *fk_record_columns_text(fk_record_id t);
/* Every type's name, "regions, persons, … or door_events", into buf (cap bytes, NUL-terminated,
 * truncated when short); only the types with an export when exportable is set. Returns buf. */
char *fk_record_list(char *buf, size_t cap, int exportable);
/* The index in rt->cols of the column named name (ASCII case ignored), or -1. */
int fk_record_col_index(const struct fk_record_type *rt, const char *name);
/* The name of a column kind: "text", "code", "id_number", "time", "int", "enum", "decimal". */
const char *fk_rcol_kind_name(enum fk_rcol_kind k);

/* Whether an actor of role with a scope at region level scope_level (enum fk_level) may import
 * (and so export) records of type rt: FK_OK, or FK_EPERM with the reason in err ("a grid account
 * may not import regions: …", with verb, "import" or "export", for what was asked);
 * scope_label names the scope in the reason ("榆次区 (140702)"). */
int fk_record_permitted(const struct fk_record_type *rt, enum fk_role role, int scope_level,
                        const char *scope_label, const char *verb, char *err, size_t errlen);

/* Appends the data contract's table (markdown, as docs/data.md holds it between its contract
 * markers) to b: one row a type, its columns required first, the note, and the natural key.
 * FK_OK, FK_ENOMEM or FK_ETOOBIG. */
int fk_record_contract_markdown(fk_buf *b);

#endif
