/* SPDX-License-Identifier: MIT */
/* The SQLite backend of the store (see fk/store.h). One connection, WAL journal with
 * synchronous=FULL (a committed batch survives power loss), prepared statements kept for the life
 * of the handle, every value bound as a parameter. Migrations are the numbered files of
 * sql/sqlite, compiled in, applied in order and counted in PRAGMA user_version.
 *
 * DESIGN NOTES
 * - A put first reads the row by its natural key and then inserts, updates or does nothing, so it
 *   can say what it did (new, same, updated); event tables (scans, pings) use INSERT OR IGNORE and
 *   read sqlite3_changes() instead, one statement a row.
 * - The samples are not a table (issue 19): they are segment files beside the data file
 *   (store/segments.h), their key checked in memory, and the table `segments` is their manifest.
 *   A batch's samples are written and synced as a file before its COMMIT, which inserts the row
 *   naming it: the batch and its samples commit together, and a batch killed before its commit
 *   leaves a file nothing names. Another connection's batches are seen when PRAGMA data_version
 *   moves. The old samples table is emptied into a first segment at the first open.
 * - The keyed puts (regions, persons, venues, cases, controls, arrivals, risk areas) are one
 *   routine, put_record, driven by the type's descriptor (fk/record.h): its fields say what to
 *   bind and compare, its sqlite statements are prepared once at open. Results keep their own put
 *   (an older result is ignored), the events their INSERT OR IGNORE fast paths.
 * - The generation counter is bumped inside the batch's own transaction, so it can never count a
 *   batch that did not commit.
 * - The page cache may grow to 512 MiB (only as used) so a 10 M-person registry's ID index stays
 *   in memory during imports, and reads go through mmap (up to 8 GiB), so looking up the names of
 *   a missing list copies no pages. */
#include "fk/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fk/buf.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/str.h"
#include "fk/vec.h"
#include "fk_sql_sqlite.h"
#include "store/segments.h"
#include "store/store_int.h"

enum stmt_id {
    S_BEGIN, S_COMMIT, S_ROLLBACK, S_GEN_GET, S_GEN_BUMP, S_CGEN_GET, S_CGEN_BUMP, S_IGEN_GET,
    S_IGEN_SET,
    S_REGION_GET,
    S_PERSON_GET, S_PERSON_BY_ID,
    S_SCAN_INS, S_PING_INS, S_SEG_LIST, S_SEG_NEXT, S_SEG_INS, S_SEG_KEYS, S_SEG_DEL, S_DATA_VERSION,
    S_RESULT_GET, S_RESULT_INS, S_RESULT_UPD,
    S_ROUND_INS, S_ROUND_GET,
    S_USER_INS, S_USER_UPD, S_USER_GET, S_USER_BY_ID, S_TOKEN_INS, S_TOKEN_GET, S_TOKEN_DEL,
    S_TOKEN_DEL_USER, S_AUDIT_INS,
    S_CONTROL_BY_ID,
    S_DOOR_INS, S_DOOR_BEFORE, S_DEVICE_FIND,
    S_ALERT_INS, S_ALERT_UPD, S_ALERT_GET,
    S_CASE_GET, S_CONTROL_OPEN,
    S_GRID_NAMES, S_GRID_NAMES_UPTO,
    S_COLD_BATCH, /* cold chain (issue 16) */
    S_GATE_COUNT_ADD, /* gate checks (issue 18) */
    S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_GATE_COUNT_ADD] =
        "INSERT INTO gate_counts (gate, type, hour, scope, green, yellow, red, bad, "
        "last) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (gate, "
        "type, hour) DO UPDATE SET scope = excluded.scope, green = green + "
        "excluded.green, yellow = yellow + excluded.yellow, red = red + "
        "excluded.red, bad = bad + excluded.bad, last = max(last, excluded.last)",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_GEN_GET] = "SELECT value FROM meta WHERE key = 'generation'",
    [S_GEN_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
    [S_CGEN_GET] = "SELECT value FROM meta WHERE key = 'control_generation'",
    [S_CGEN_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'control_generation'",
    [S_IGEN_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_IGEN_SET] = "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'generation') "
                   "WHERE key = ?1",
    [S_REGION_GET] =
        "SELECT name, level, parent, worker, worker_phone FROM regions WHERE code = ?1",
    [S_PERSON_GET] = "SELECT id, id_type, name, phone, grid, household, tags FROM persons "
                     "WHERE id_number = ?1",
    [S_PERSON_BY_ID] = "SELECT id, id_type, id_number, name, phone, grid, household, tags, "
                       "address FROM persons WHERE id = ?1",
    [S_SCAN_INS] = "INSERT OR IGNORE INTO scans (person, venue, time) VALUES (?1, ?2, ?3)",
    [S_PING_INS] = "INSERT OR IGNORE INTO pings (person, cell, time) VALUES (?1, ?2, ?3)",
    /* The samples' manifest (their rows are in segment files, store/segments.h). */
    [S_SEG_LIST] = "SELECT seq, base, rows FROM segments WHERE kind = 'samples' ORDER BY base",
    [S_SEG_NEXT] = "SELECT coalesce(max(seq), 0) + 1 FROM segments",
    [S_SEG_INS] = "INSERT INTO segments (seq, kind, base, rows, keys) "
                  "VALUES (?1, 'samples', ?2, ?3, ?4)",
    [S_SEG_KEYS] = "SELECT keys FROM segments WHERE kind = 'samples' ORDER BY base DESC LIMIT 1",
    [S_SEG_DEL] = "DELETE FROM segments WHERE kind = 'samples' AND base >= ?1 AND seq <> ?2",
    [S_DATA_VERSION] = "PRAGMA data_version",
    [S_RESULT_GET] = "SELECT result, time, lab, received FROM results WHERE tube = ?1",
    [S_RESULT_INS] = "INSERT INTO results (tube, result, time, lab, received) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_RESULT_UPD] = "UPDATE results SET result = ?2, time = ?3, lab = ?4, received = ?5 "
                     "WHERE tube = ?1",
    [S_ROUND_INS] = "INSERT INTO rounds (name, region, start, \"end\", created) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_ROUND_GET] = "SELECT id, name, region, start, \"end\", created FROM rounds "
                    "WHERE name = ?1",
    [S_USER_INS] = "INSERT INTO users (name, role, scope, pwhash, disabled, created) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_USER_UPD] = "UPDATE users SET role = ?2, scope = ?3, pwhash = ?4, disabled = ?5 "
                   "WHERE name = ?1",
    [S_USER_GET] = "SELECT id, name, role, scope, pwhash, disabled, created FROM users "
                   "WHERE name = ?1",
    [S_USER_BY_ID] = "SELECT id, name, role, scope, pwhash, disabled, created FROM users "
                     "WHERE id = ?1",
    [S_TOKEN_INS] = "INSERT INTO tokens (hash, user, created, expires) VALUES (?1, ?2, ?3, ?4)",
    [S_TOKEN_GET] = "SELECT user, expires FROM tokens WHERE hash = ?1",
    [S_TOKEN_DEL] = "DELETE FROM tokens WHERE hash = ?1",
    [S_TOKEN_DEL_USER] = "DELETE FROM tokens WHERE user = ?1",
    [S_AUDIT_INS] = "INSERT INTO audit (time, who, action, target, detail, region) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_CONTROL_BY_ID] = "SELECT id, person, category, place, start, \"end\", regime, site, "
                        "device, extended FROM controls WHERE id = ?1",
    [S_DOOR_INS] = "INSERT OR IGNORE INTO door_events (device, time, event, person) "
                   "VALUES (?1, ?2, ?3, ?4)",
    [S_COLD_BATCH] = "SELECT count(*) FROM (SELECT 1 FROM coldchain WHERE batch = ?1 LIMIT 1)",
    [S_DOOR_BEFORE] = "SELECT time, event, person FROM door_events WHERE device = ?1 AND time < ?2 "
                      "ORDER BY time DESC, event DESC LIMIT 1",
    [S_DEVICE_FIND] = "SELECT person FROM controls WHERE device = ?1 ORDER BY start DESC LIMIT 1",
    [S_ALERT_INS] = "INSERT OR IGNORE INTO alerts (kind, person, time, device, detail, status, "
                    "raised) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
    [S_ALERT_UPD] = "UPDATE alerts SET status = ?2, who = ?3, note = ?4, updated = ?5 "
                    "WHERE id = ?1",
    [S_ALERT_GET] = "SELECT id, kind, person, time, device, detail, status, raised, who, note, "
                    "updated FROM alerts WHERE id = ?1",
    [S_CASE_GET] = "SELECT person, confirmed, onset, kind, isolated, reported FROM cases "
                   "WHERE person = ?1",
    [S_CONTROL_OPEN] = "SELECT category FROM controls WHERE person = ?1 AND \"end\" = 0 "
                       "ORDER BY start DESC LIMIT 1",
    /* The person search's grid-by-grid walk: index-only ((grid, name) holds the id). */
    [S_GRID_NAMES] = "SELECT id, name FROM persons INDEXED BY persons_grid_name "
                     "WHERE grid = ?1 AND name >= ?2 AND name < ?3 ORDER BY name, id LIMIT ?4",
    [S_GRID_NAMES_UPTO] = "SELECT id, name FROM persons INDEXED BY persons_grid_name "
                          "WHERE grid = ?1 AND name >= ?2 AND name <= ?3 ORDER BY name, id "
                          "LIMIT ?4",
};

/* The statements of a generic put (struct fk_record_sql). */
enum { R_GET, R_INS, R_UPD, R_NSTMT };

struct sq_store {
    struct fk_store base; /* must be first */
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT];
    sqlite3_stmt *rec[FK_IMPORT_NTYPES][R_NSTMT]; /* the generic put's, of FK_RECORD_GENERIC */
    char msg[512];
    /* Output strings of get_person and get_region live here until the next call; they grow to
     * whatever the row holds, so nothing comes back cut. */
    fk_buf person_buf[7];
    fk_buf region_buf[5];
    fk_buf user_buf[4];
    fk_buf row_buf[4]; /* strings of get_control, get_alert, door_before */
    int batch_kind; /* of the open batch: 0 data, 1 control, 2 events */
    int in_read;    /* a read transaction of fk_store_read_begin is open */
    struct sg_samples *sg; /* the samples' segment files (store/segments.h) */
    int sg_fresh;          /* sg matches the manifest for the open batch */
    int sg_synced;         /* sg matched the manifest at data version sg_dv */
    int64_t sg_dv;
    char sg_tmp[64];       /* an in-memory store's segments: this prefix under /tmp */
    sqlite3_stmt *load;    /* fk_store_load's insert, of the table load_table */
    const struct fk_store_table *load_table;
};

static struct sq_store *SQ(fk_store *st)
{
    return (struct sq_store *)st;
}

static int fail(struct sq_store *s)
{
    snprintf(s->msg, sizeof s->msg, "sqlite: %s", sqlite3_errmsg(s->db));
    return FK_EDB;
}

/* Resets and returns the prepared statement id. */
static sqlite3_stmt *stmt(struct sq_store *s, enum stmt_id id)
{
    sqlite3_stmt *q = s->stmt[id];

    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return q;
}

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    sqlite3_bind_text(q, i, v ? v : "", -1, SQLITE_STATIC);
}

static const char *col_text(sqlite3_stmt *q, int i)
{
    const unsigned char *t = sqlite3_column_text(q, i);

    return t ? (const char *)t : "";
}

/* 1 when column col equals v; a NULL v (an optional column the input did not have) keeps the
 * stored value, so it always matches. */
static int same_text(sqlite3_stmt *q, int col, const char *v)
{
    return !v || strcmp(col_text(q, col), v) == 0;
}

/* Runs a statement that returns no rows. */
static int exec_stmt(struct sq_store *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);

    sqlite3_reset(q);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? FK_OK : fail(s);
}

static void sq_close(fk_store *st)
{
    struct sq_store *s = SQ(st);
    int i;

    for (i = 0; i < S_COUNT; i++)
        sqlite3_finalize(s->stmt[i]);
    for (i = 0; i < FK_IMPORT_NTYPES * R_NSTMT; i++)
        sqlite3_finalize(s->rec[i / R_NSTMT][i % R_NSTMT]);
    sqlite3_finalize(s->load);
    for (i = 0; i < 7; i++)
        fk_buf_fini(&s->person_buf[i]);
    for (i = 0; i < 5; i++)
        fk_buf_fini(&s->region_buf[i]);
    for (i = 0; i < 4; i++)
        fk_buf_fini(&s->user_buf[i]);
    for (i = 0; i < 4; i++)
        fk_buf_fini(&s->row_buf[i]);
    sqlite3_close(s->db);
    if (s->sg_tmp[0])
        sg_remove(s->sg);
    sg_close(s->sg);
    free(s);
}

static const char *sq_errmsg(fk_store *st)
{
    return SQ(st)->msg;
}

static int sq_begin(fk_store *st)
{
    struct sq_store *s = SQ(st);

    s->batch_kind = 0;
    return exec_stmt(s, stmt(s, S_BEGIN));
}

static int sq_begin_control(fk_store *st)
{
    struct sq_store *s = SQ(st);
    int rc = exec_stmt(s, stmt(s, S_BEGIN));

    s->batch_kind = rc == FK_OK ? 1 : 0;
    return rc;
}

static int sq_read_begin(fk_store *st)
{
    struct sq_store *s = SQ(st);

    if (!sqlite3_get_autocommit(s->db))
        return FK_OK; /* inside a batch or a read already */
    if (sqlite3_exec(s->db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK)
        return fail(s);
    s->in_read = 1;
    return FK_OK;
}

static int sq_read_end(fk_store *st)
{
    struct sq_store *s = SQ(st);

    if (!s->in_read)
        return FK_OK;
    s->in_read = 0;
    return sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? FK_OK : fail(s);
}

static int sq_begin_events(fk_store *st)
{
    struct sq_store *s = SQ(st);
    int rc = exec_stmt(s, stmt(s, S_BEGIN));

    s->batch_kind = rc == FK_OK ? 2 : 0;
    return rc;
}

static int set_index_generation(struct sq_store *s, const char *key)
{
    sqlite3_stmt *q = stmt(s, S_IGEN_SET);

    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    return exec_stmt(s, q);
}

static int samples_commit(struct sq_store *s);

static int sq_commit(fk_store *st)
{
    struct sq_store *s = SQ(st);
    int rc;

    if (sqlite3_get_autocommit(s->db)) {
        snprintf(s->msg, sizeof s->msg, "commit without a batch: call fk_store_begin first");
        return FK_EDB;
    }
    rc = s->batch_kind == 1 ? exec_stmt(s, stmt(s, S_CGEN_BUMP)) : FK_OK;
    /* A batch that wrote what an index reads moves the generation whatever its kind (none
     * should otherwise: a control batch writes orders), and the index's to it. */
    if (rc == FK_OK && (s->batch_kind == 0 || st->touched))
        rc = exec_stmt(s, stmt(s, S_GEN_BUMP));
    if (rc == FK_OK && (st->touched & FK_FEEDS_ENGINE))
        rc = set_index_generation(s, "engine_generation");
    if (rc == FK_OK && (st->touched & FK_FEEDS_TRACER))
        rc = set_index_generation(s, "tracer_generation");
    if (rc == FK_OK && (st->touched & FK_FEEDS_ROSTER))
        rc = set_index_generation(s, "roster_generation");
    if (rc == FK_OK)
        rc = samples_commit(s);
    if (rc == FK_OK)
        rc = exec_stmt(s, stmt(s, S_COMMIT));
    if (rc == FK_OK) {
        s->batch_kind = 0;
        s->sg_fresh = 0;
        s->sg_synced = 0; /* the next read compares with the manifest (rebuilds when it must) */
        sg_committed(s->sg);
    }
    return rc;
}

static int sq_rollback(fk_store *st)
{
    struct sq_store *s = SQ(st);

    sg_rollback(s->sg);
    s->sg_fresh = s->sg_synced = 0;
    if (sqlite3_get_autocommit(s->db))
        return FK_OK;
    return exec_stmt(s, stmt(s, S_ROLLBACK));
}

static int sq_generation(fk_store *st, int64_t *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_GEN_GET);
    int rc = sqlite3_step(q);

    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? FK_OK : fail(s);
}

static int sq_control_generation(fk_store *st, int64_t *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_CGEN_GET);
    int rc = sqlite3_step(q);

    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? FK_OK : fail(s);
}

static int sq_index_generation(fk_store *st, unsigned feeds, int64_t *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_IGEN_GET);
    const char *key;
    int rc;

    *out = 0;
    if (feeds == FK_FEEDS_ENGINE)
        key = "engine_generation";
    else if (feeds == FK_FEEDS_TRACER)
        key = "tracer_generation";
    else if (feeds == FK_FEEDS_ROSTER)
        key = "roster_generation";
    else
        return FK_EINVAL;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_reset(q);
    return rc == SQLITE_ROW ? FK_OK : fail(s);
}

/* ---- the generic put of keyed records (fk/record.h) ---- */

/* Binds v as parameter i: an absent value is SQL NULL on an update (the statement keeps the
 * stored one) and "" or 0 on an insert; a NULL text of any other field is "". */
static void bind_value(sqlite3_stmt *q, int i, const struct fk_record_field *f,
                       const struct fk_record_value *v, int insert)
{
    int keep = fk__value_absent(f, v);

    if (keep && !insert)
        sqlite3_bind_null(q, i);
    else if (f->kind == FK_RVAL_TEXT)
        bind_text(q, i, keep ? "" : v->s);
    else
        sqlite3_bind_int64(q, i, keep ? 0 : v->i);
}

/* 1 when column col of q holds v (an absent value always matches). */
static int same_value(sqlite3_stmt *q, int col, const struct fk_record_field *f,
                      const struct fk_record_value *v)
{
    if (fk__value_absent(f, v))
        return 1;
    if (f->kind == FK_RVAL_TEXT)
        return strcmp(col_text(q, col), v->s ? v->s : "") == 0;
    return sqlite3_column_int64(q, col) == v->i;
}

/* Resets and returns statement k (R_GET, R_INS, R_UPD) of type t. */
static sqlite3_stmt *rstmt(struct sq_store *s, fk_record_id t, int k)
{
    sqlite3_stmt *q = s->rec[t][k];

    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return q;
}

/* The generic put: reads the record by its natural key, compares the non-key fields, and inserts,
 * updates or does nothing. *changed (may be NULL) receives a bit (1 << field index) for each field
 * an update changes; *id (may be NULL) the row's id when the type numbers its rows. */
static int put_record(struct sq_store *s, fk_record_id t, const struct fk_record_value *v,
                      int64_t *id, enum fk_put *did, unsigned *changed)
{
    const struct fk_record_type *rt = fk_record_get(t);
    int has_id, k, col, p = 1, rc;
    unsigned diff = 0;
    sqlite3_stmt *q;

    if (id)
        *id = 0;
    if (changed)
        *changed = 0;
    if (!rt || !s->rec[t][R_GET]) {
        snprintf(s->msg, sizeof s->msg, "the store has no generic put for %s",
                 rt ? rt->name : "this type");
        return FK_EINVAL;
    }
    has_id = (rt->flags & FK_RECORD_HAS_ID) != 0;
    q = rstmt(s, t, R_GET);
    for (k = 0; k < rt->nfields; k++)
        if (rt->fields[k].flags & FK_RFIELD_KEY)
            bind_value(q, p++, &rt->fields[k], &v[k], 0);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        for (k = 0, col = has_id; k < rt->nfields; k++) {
            if (rt->fields[k].flags & FK_RFIELD_KEY)
                continue;
            if (!same_value(q, col++, &rt->fields[k], &v[k]))
                diff |= 1u << k;
        }
        if (id && has_id)
            *id = sqlite3_column_int64(q, 0);
        sqlite3_reset(q);
        if (changed)
            *changed = diff;
        if (!diff) {
            *did = FK_PUT_SAME;
            return FK_OK;
        }
        q = rstmt(s, t, R_UPD);
        *did = FK_PUT_UPDATED;
    } else if (rc == SQLITE_DONE) {
        sqlite3_reset(q);
        q = rstmt(s, t, R_INS);
        *did = FK_PUT_NEW;
    } else {
        return fail(s);
    }
    for (k = 0; k < rt->nfields; k++)
        bind_value(q, k + 1, &rt->fields[k], &v[k], *did == FK_PUT_NEW);
    rc = exec_stmt(s, q);
    if (rc == FK_OK && *did == FK_PUT_NEW && id && has_id)
        *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int sq_put_record(fk_store *st, fk_record_id t, const struct fk_record_value *v,
                         int64_t *id, enum fk_put *did, unsigned *changed)
{
    return put_record(SQ(st), t, v, id, did, changed);
}

/* Text and integer shorthands for a struct fk_record_value. */
#define RV_S(x) {(x), 0, 0}
#define RV_I(x) {NULL, (x), 0}

/* Runs an INSERT OR IGNORE and says whether it added a row. */
static int insert_ignore(struct sq_store *s, sqlite3_stmt *q, enum fk_put *did)
{
    int rc = exec_stmt(s, q);

    *did = sqlite3_changes(s->db) ? FK_PUT_NEW : FK_PUT_SAME;
    return rc;
}

static int sq_add_scan(fk_store *st, int64_t person, int64_t venue, int64_t time,
                       enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_SCAN_INS);

    sqlite3_bind_int64(q, 1, person);
    sqlite3_bind_int64(q, 2, venue);
    sqlite3_bind_int64(q, 3, time);
    return insert_ignore(s, q, did);
}

static int sq_add_ping(fk_store *st, int64_t person, const char *cell, int64_t time,
                       enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_PING_INS);

    sqlite3_bind_int64(q, 1, person);
    bind_text(q, 2, cell);
    sqlite3_bind_int64(q, 3, time);
    return insert_ignore(s, q, did);
}

/* ---- samples: segment files named by the manifest (store/segments.h) ---- */

/* 1 inside a batch (a write transaction of fk_store_begin), not a read one. */
static int in_batch(const struct sq_store *s)
{
    return !sqlite3_get_autocommit(s->db) && !s->in_read;
}

/* Makes the segments match the manifest before a sample is read or added: once a batch (it
 * holds the write lock, so nobody moves the manifest meanwhile), else when another connection
 * committed since the last look (PRAGMA data_version). */
static int samples_ready(struct sq_store *s)
{
    int batch = in_batch(s);
    struct sg_entry *man = NULL;
    size_t n = 0, cap = 0;
    sqlite3_stmt *q;
    int64_t dv;
    int rc;

    if ((batch && s->sg_fresh) || sg_pending(s->sg))
        return FK_OK;
    q = stmt(s, S_DATA_VERSION);
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail(s);
    dv = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (s->sg_synced && dv == s->sg_dv && !batch)
        return FK_OK;
    q = stmt(s, S_SEG_LIST);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        if (fk_vec_grow((void **)&man, &cap, n + 1, sizeof *man) != FK_OK) {
            sqlite3_reset(q);
            free(man);
            return FK_ENOMEM;
        }
        man[n].seq = sqlite3_column_int64(q, 0);
        man[n].base = sqlite3_column_int64(q, 1);
        man[n++].rows = sqlite3_column_int64(q, 2);
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE) {
        free(man);
        return fail(s);
    }
    rc = sg_sync(s->sg, man, n, s->msg, sizeof s->msg);
    free(man);
    s->sg_synced = rc == FK_OK;
    s->sg_dv = dv;
    if (rc == FK_OK && batch)
        s->sg_fresh = 1;
    return rc;
}

/* Before the batch commits: its samples written as a segment file and named in the manifest. */
static int samples_commit(struct sq_store *s)
{
    struct sg_entry e;
    int64_t seq, replaced;
    sqlite3_stmt *q;
    int rc;

    if (sg_pending(s->sg) == 0)
        return FK_OK;
    q = stmt(s, S_SEG_NEXT);
    if (sqlite3_step(q) != SQLITE_ROW)
        return fail(s);
    seq = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    rc = sg_write(s->sg, seq, &e, &replaced, s->msg, sizeof s->msg);
    if (rc != FK_OK)
        return rc;
    q = stmt(s, S_SEG_INS);
    sqlite3_bind_int64(q, 1, e.seq);
    sqlite3_bind_int64(q, 2, e.base);
    sqlite3_bind_int64(q, 3, e.rows);
    sqlite3_bind_int64(q, 4, e.keys);
    rc = exec_stmt(s, q);
    if (rc == FK_OK && replaced >= 0) {
        q = stmt(s, S_SEG_DEL);
        sqlite3_bind_int64(q, 1, replaced);
        sqlite3_bind_int64(q, 2, e.seq);
        rc = exec_stmt(s, q);
    }
    return rc;
}

static int sq_add_sample(fk_store *st, const struct fk_sample_row *r, enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    int rc = samples_ready(s);

    if (rc == FK_OK && sqlite3_get_autocommit(s->db)) {
        snprintf(s->msg, sizeof s->msg, "a sample added outside a batch");
        return FK_EDB;
    }
    if (rc == FK_OK && (rc = sg_add(s->sg, r, did)) == FK_ENOMEM)
        snprintf(s->msg, sizeof s->msg, "out of memory adding a sample");
    return rc;
}

static int sq_tube_exists(fk_store *st, const char *tube)
{
    struct sq_store *s = SQ(st);
    int rc = samples_ready(s);

    return rc == FK_OK ? sg_tube_exists(s->sg, tube) : rc;
}

static int sq_put_result(fk_store *st, const struct fk_result_row *r, enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_RESULT_GET);
    int rc;

    bind_text(q, 1, r->tube);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        int64_t t = sqlite3_column_int64(q, 1);
        int same = sqlite3_column_int(q, 0) == r->result && t == r->time &&
                   same_text(q, 2, r->lab) && sqlite3_column_int64(q, 3) == r->received;

        sqlite3_reset(q);
        if (same || r->time < t) {
            *did = same ? FK_PUT_SAME : FK_PUT_OLDER;
            return FK_OK;
        }
        q = stmt(s, S_RESULT_UPD);
        *did = FK_PUT_UPDATED;
    } else if (rc == SQLITE_DONE) {
        sqlite3_reset(q);
        q = stmt(s, S_RESULT_INS);
        *did = FK_PUT_NEW;
    } else {
        return fail(s);
    }
    bind_text(q, 1, r->tube);
    sqlite3_bind_int(q, 2, r->result);
    sqlite3_bind_int64(q, 3, r->time);
    bind_text(q, 4, r->lab);
    sqlite3_bind_int64(q, 5, r->received);
    return exec_stmt(s, q);
}

/* Copies column col into b (reset first); returns its text, or NULL on out of memory. */
static const char *keep_text(fk_buf *b, sqlite3_stmt *q, int col)
{
    const char *t = col_text(q, col);

    fk_buf_reset(b);
    if (fk_buf_append(b, t, strlen(t)) != FK_OK || fk_buf_reserve(b, 0) != FK_OK)
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

/* Steps q, which should give one row. FK_OK with q on that row (the caller reads it, then
 * resets q); otherwise q is reset and the result is FK_ENOENT (no row) or fail()'s code. */
static int step_row(struct sq_store *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);

    if (rc == SQLITE_ROW)
        return FK_OK;
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? FK_ENOENT : fail(s);
}

/* Binds id as ?1 of q and steps it to its one row: step_row(). */
static int row_by_id(struct sq_store *s, sqlite3_stmt *q, int64_t id)
{
    sqlite3_bind_int64(q, 1, id);
    return step_row(s, q);
}

/* Binds key as ?1 of q and sets *out to column 0 of its one row (0 when none). FK_OK, FK_ENOENT
 * when there is no row, or fail()'s code; q is reset. */
static int find_int64(struct sq_store *s, sqlite3_stmt *q, const char *key, int64_t *out)
{
    int rc;

    *out = 0;
    bind_text(q, 1, key);
    rc = step_row(s, q);
    if (rc != FK_OK)
        return rc;
    *out = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return FK_OK;
}

static int sq_get_person(fk_store *st, int64_t id, struct fk_person_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_PERSON_BY_ID);
    const char **dst[8] = {&out->id_number, &out->name, &out->phone,   &out->grid,
                           &out->household, &out->tags, &out->address, NULL};
    int rc, i;

    memset(out, 0, sizeof *out);
    rc = row_by_id(s, q, id);
    if (rc != FK_OK)
        return rc;
    out->id = sqlite3_column_int64(q, 0);
    out->id_type = sqlite3_column_int(q, 1);
    for (i = 0; dst[i]; i++) {
        *dst[i] = keep_text(&s->person_buf[i], q, i + 2);
        if (!*dst[i]) {
            sqlite3_reset(q);
            memset(out, 0, sizeof *out);
            return FK_ENOMEM;
        }
    }
    sqlite3_reset(q);
    return FK_OK;
}

/* The caller's callback and its pointer, carried through each(). */
struct walk {
    union {
        fk_region_cb region;
        fk_person_cb person;
        fk_venue_cb venue;
        fk_sample_cb sample;
        fk_result_cb result;
        fk_round_cb round;
        fk_case_cb kase;
        fk_event_cb event;
        fk_user_cb user;
        fk_audit_cb audit;
        fk_gate_count_cb gate_count;
        fk_control_cb control;
        fk_arrival_cb arrival;
        fk_risk_area_cb risk;
        fk_door_cb door;
        fk_sentinel_cb sentinel;
        fk_alert_cb alert;
        fk_record_cb record;
        fk_vax_cb vax;
        fk_vax_push_cb push;
        fk_problem_change_cb change;
        fk_zone_change_cb zone_change;
    } cb;
    void *ud;
};

static int sq_get_region(fk_store *st, const char *code, struct fk_region_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_REGION_GET);
    int rc;

    memset(out, 0, sizeof *out);
    bind_text(q, 1, code);
    rc = step_row(s, q);
    if (rc != FK_OK)
        return rc;
    fk_buf_reset(&s->region_buf[0]);
    out->code = fk_buf_puts(&s->region_buf[0], code) == FK_OK ? s->region_buf[0].data : NULL;
    out->name = keep_text(&s->region_buf[1], q, 0);
    out->parent = keep_text(&s->region_buf[2], q, 2);
    out->level = sqlite3_column_int(q, 1);
    out->worker = keep_text(&s->region_buf[3], q, 3);
    out->worker_phone = keep_text(&s->region_buf[4], q, 4);
    sqlite3_reset(q);
    if (!out->code || !out->name || !out->parent || !out->worker || !out->worker_phone) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

/* Steps the prepared q through its rows calling row() for each until one returns non-zero,
 * then finalizes q (always). Returns row()'s first non-zero, fail() on a step error, or FK_OK. */
static int walk_stmt(struct sq_store *s, sqlite3_stmt *q,
                     int (*row)(sqlite3_stmt *q, struct walk *w), struct walk *w)
{
    int rc, ret = FK_OK;

    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ret = row(q, w);
        if (ret)
            break;
    }
    if (ret == FK_OK && rc != SQLITE_DONE)
        ret = fail(s);
    sqlite3_finalize(q);
    return ret;
}

/* Prepares sql, binds *arg (when not NULL) as ?1, steps through its rows calling row() for
 * each, finalizes. */
static int each_with(struct sq_store *s, const char *sql, const int64_t *arg,
                     int (*row)(sqlite3_stmt *q, struct walk *w), struct walk *w)
{
    sqlite3_stmt *q = NULL;

    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    if (arg)
        sqlite3_bind_int64(q, 1, *arg);
    return walk_stmt(s, q, row, w);
}

static int each(struct sq_store *s, const char *sql, int (*row)(sqlite3_stmt *q, struct walk *w),
                struct walk *w)
{
    return each_with(s, sql, NULL, row, w);
}

static int row_region(sqlite3_stmt *q, struct walk *w)
{
    struct fk_region_row r = {.code = col_text(q, 0),
                              .name = col_text(q, 1),
                              .parent = col_text(q, 3),
                              .level = sqlite3_column_int(q, 2),
                              .lon = col_text(q, 4),
                              .lat = col_text(q, 5),
                              .worker = col_text(q, 6),
                              .worker_phone = col_text(q, 7)};

    return w->cb.region(w->ud, &r);
}

static int sq_each_region(fk_store *st, fk_region_cb cb, void *ud)
{
    struct walk w;

    w.cb.region = cb;
    w.ud = ud;
    return each(SQ(st),
                "SELECT code, name, level, parent, lon, lat, worker, worker_phone FROM regions "
                "ORDER BY code",
                row_region, &w);
}

static int row_person_key(sqlite3_stmt *q, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = sqlite3_column_int64(q, 0);
    p.id_number = col_text(q, 1);
    p.grid = col_text(q, 2);
    p.household = col_text(q, 3);
    return w->cb.person(w->ud, &p);
}

static int sq_each_person_key(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w;

    w.cb.person = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT id, id_number, grid, household FROM persons ORDER BY id", row_person_key, &w);
}

static int row_person_shown(sqlite3_stmt *q, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = sqlite3_column_int64(q, 0);
    p.id_number = col_text(q, 1);
    p.name = col_text(q, 2);
    p.phone = col_text(q, 3);
    p.grid = col_text(q, 4);
    return w->cb.person(w->ud, &p);
}

static int sq_each_person_shown(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w;

    w.cb.person = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT id, id_number, name, phone, grid FROM persons ORDER BY id",
                row_person_shown, &w);
}

static int row_venue(sqlite3_stmt *q, struct walk *w)
{
    struct fk_venue_row v = {sqlite3_column_int64(q, 0), col_text(q, 1), col_text(q, 2),
                             col_text(q, 3), col_text(q, 4), col_text(q, 5), col_text(q, 6)};

    return w->cb.venue(w->ud, &v);
}

static int sq_each_venue(fk_store *st, fk_venue_cb cb, void *ud)
{
    struct walk w;

    w.cb.venue = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT id, code, name, type, grid, lon, lat FROM venues ORDER BY id",
                row_venue, &w);
}

static int row_sample(sqlite3_stmt *q, struct walk *w)
{
    struct fk_sample_row r = {col_text(q, 0), col_text(q, 3), sqlite3_column_int64(q, 1),
                              sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 4)};

    return w->cb.sample(w->ud, &r);
}

static int sq_each_sample(fk_store *st, fk_sample_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    int rc = samples_ready(s);

    return rc == FK_OK ? sg_each_sample(s->sg, cb, ud) : rc;
}

static int row_result(sqlite3_stmt *q, struct walk *w)
{
    struct fk_result_row r = {col_text(q, 0), col_text(q, 3), sqlite3_column_int(q, 1),
                              sqlite3_column_int64(q, 2), sqlite3_column_int64(q, 4)};

    return w->cb.result(w->ud, &r);
}

static int sq_each_result(fk_store *st, fk_result_cb cb, void *ud)
{
    struct walk w;

    w.cb.result = cb;
    w.ud = ud;
    return each(SQ(st),
                "SELECT tube, result, time, lab, received FROM results ORDER BY tube",
                row_result, &w);
}

static int row_case(sqlite3_stmt *q, struct walk *w)
{
    struct fk_case_row c;

    c.person = sqlite3_column_int64(q, 0);
    c.confirmed = sqlite3_column_int64(q, 1);
    c.onset = sqlite3_column_int64(q, 2);
    c.kind = sqlite3_column_int(q, 3);
    c.isolated = sqlite3_column_int64(q, 4);
    c.reported = sqlite3_column_int64(q, 5);
    return w->cb.kase(w->ud, &c);
}

static int sq_each_case(fk_store *st, fk_case_cb cb, void *ud)
{
    struct walk w;

    w.cb.kase = cb;
    w.ud = ud;
    return each(SQ(st),
                "SELECT person, confirmed, onset, kind, isolated, reported FROM cases "
                "ORDER BY person",
                row_case, &w);
}

static int row_scan(sqlite3_stmt *q, struct walk *w)
{
    struct fk_event_row e = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                             sqlite3_column_int64(q, 2), NULL};

    return w->cb.event(w->ud, &e);
}

static int sq_each_scan(fk_store *st, fk_event_cb cb, void *ud)
{
    struct walk w;

    w.cb.event = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT person, venue, time FROM scans ORDER BY person, venue, time",
                row_scan, &w);
}

static int row_ping(sqlite3_stmt *q, struct walk *w)
{
    struct fk_event_row e = {sqlite3_column_int64(q, 0), 0, sqlite3_column_int64(q, 2),
                             col_text(q, 1)};

    return w->cb.event(w->ud, &e);
}

static int sq_each_ping(fk_store *st, fk_event_cb cb, void *ud)
{
    struct walk w;

    w.cb.event = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT person, cell, time FROM pings ORDER BY person, cell, time",
                row_ping, &w);
}

static int sq_find_person(fk_store *st, const char *id_number, int64_t *id)
{
    struct sq_store *s = SQ(st);

    return find_int64(s, stmt(s, S_PERSON_GET), id_number, id);
}

static int sq_count(fk_store *st, const char *table, int64_t *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    char sql[64];
    int rc;

    *out = 0;
    if (strcmp(table, "samples") == 0 && in_batch(s)) {
        /* inside a batch: with its own samples */
        rc = samples_ready(s);
        *out = rc == FK_OK ? sg_count(s->sg) : 0;
        return rc;
    }
    if (strcmp(table, "samples") == 0) {
        /* as the manifest says, without mapping a file (fangkong status at 10 M) */
        q = stmt(s, S_SEG_KEYS);
        rc = sqlite3_step(q);
        *out = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_reset(q);
        return rc == SQLITE_ROW || rc == SQLITE_DONE ? FK_OK : fail(s);
    }
    /* table is one of fk_store_count's names, never a caller's text */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? FK_OK : fail(s);
}

static int sq_add_round(fk_store *st, struct fk_round *r)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_ROUND_INS);
    int rc;

    r->created = (int64_t)time(NULL);
    bind_text(q, 1, r->name);
    bind_text(q, 2, r->region);
    sqlite3_bind_int64(q, 3, r->start);
    sqlite3_bind_int64(q, 4, r->end);
    sqlite3_bind_int64(q, 5, r->created);
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT) {
        snprintf(s->msg, sizeof s->msg, "a round named '%s' already exists", r->name);
        return FK_ECONFLICT;
    }
    if (rc != SQLITE_DONE)
        return fail(s);
    r->id = sqlite3_last_insert_rowid(s->db);
    return FK_OK;
}

static void read_round(sqlite3_stmt *q, struct fk_round *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(q, 0);
    fk_strlcpy(r->name, col_text(q, 1), sizeof r->name);
    fk_strlcpy(r->region, col_text(q, 2), sizeof r->region);
    r->start = sqlite3_column_int64(q, 3);
    r->end = sqlite3_column_int64(q, 4);
    r->created = sqlite3_column_int64(q, 5);
}

static int sq_get_round(fk_store *st, const char *name, struct fk_round *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_ROUND_GET);
    int rc;

    memset(out, 0, sizeof *out);
    bind_text(q, 1, name);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        read_round(q, out);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return FK_OK;
    return rc == SQLITE_DONE ? FK_ENOENT : fail(s);
}

static int row_round(sqlite3_stmt *q, struct walk *w)
{
    struct fk_round r;

    read_round(q, &r);
    return w->cb.round(w->ud, &r);
}

static int sq_each_round(fk_store *st, fk_round_cb cb, void *ud)
{
    struct walk w;

    w.cb.round = cb;
    w.ud = ud;
    return each(SQ(st),
                "SELECT id, name, region, start, \"end\", created FROM rounds ORDER BY id",
                row_round, &w);
}

/* ---- accounts, sessions, audit ---- */

/* Binds the account's name, role, scope, pwhash and disabled as ?1 to ?5 of q. */
static void bind_user(sqlite3_stmt *q, const struct fk_user *u)
{
    bind_text(q, 1, u->name);
    bind_text(q, 2, u->role);
    bind_text(q, 3, u->scope);
    bind_text(q, 4, u->pwhash);
    sqlite3_bind_int(q, 5, u->disabled);
}

static int sq_add_user(fk_store *st, const struct fk_user *u)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_USER_INS);
    int rc;

    bind_user(q, u);
    sqlite3_bind_int64(q, 6, u->created ? u->created : (int64_t)time(NULL));
    rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc == SQLITE_CONSTRAINT) {
        snprintf(s->msg, sizeof s->msg, "a user named '%s' already exists", u->name);
        return FK_ECONFLICT;
    }
    return rc == SQLITE_DONE ? FK_OK : fail(s);
}

static int sq_update_user(fk_store *st, const struct fk_user *u)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_USER_UPD);
    int rc;

    bind_user(q, u);
    rc = exec_stmt(s, q);
    if (rc == FK_OK && sqlite3_changes(s->db) == 0)
        return FK_ENOENT;
    return rc;
}

static void read_user(struct sq_store *s, sqlite3_stmt *q, struct fk_user *u)
{
    u->id = sqlite3_column_int64(q, 0);
    u->name = keep_text(&s->user_buf[0], q, 1);
    u->role = keep_text(&s->user_buf[1], q, 2);
    u->scope = keep_text(&s->user_buf[2], q, 3);
    u->pwhash = keep_text(&s->user_buf[3], q, 4);
    u->disabled = sqlite3_column_int(q, 5);
    u->created = sqlite3_column_int64(q, 6);
}

static int get_user(struct sq_store *s, sqlite3_stmt *q, struct fk_user *out)
{
    int rc = sqlite3_step(q);

    memset(out, 0, sizeof *out);
    if (rc == SQLITE_ROW)
        read_user(s, q, out);
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return out->name && out->role && out->scope && out->pwhash ? FK_OK : FK_ENOMEM;
    return rc == SQLITE_DONE ? FK_ENOENT : fail(s);
}

static int sq_get_user(fk_store *st, const char *name, struct fk_user *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_USER_GET);

    bind_text(q, 1, name);
    return get_user(s, q, out);
}

static int sq_get_user_by_id(fk_store *st, int64_t id, struct fk_user *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_USER_BY_ID);

    sqlite3_bind_int64(q, 1, id);
    return get_user(s, q, out);
}

static int row_user(sqlite3_stmt *q, struct walk *w)
{
    struct fk_user u;

    u.id = sqlite3_column_int64(q, 0);
    u.name = col_text(q, 1);
    u.role = col_text(q, 2);
    u.scope = col_text(q, 3);
    u.pwhash = "";
    u.disabled = sqlite3_column_int(q, 4);
    u.created = sqlite3_column_int64(q, 5);
    return w->cb.user(w->ud, &u);
}

static int sq_each_user(fk_store *st, fk_user_cb cb, void *ud)
{
    struct walk w;

    w.cb.user = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT id, name, role, scope, disabled, created FROM users ORDER BY name",
                row_user, &w);
}

static int sq_add_token(fk_store *st, const char *hash, int64_t user, int64_t created,
                        int64_t expires)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_TOKEN_INS);

    bind_text(q, 1, hash);
    sqlite3_bind_int64(q, 2, user);
    sqlite3_bind_int64(q, 3, created);
    sqlite3_bind_int64(q, 4, expires);
    return exec_stmt(s, q);
}

static int sq_get_token(fk_store *st, const char *hash, int64_t *user, int64_t *expires)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_TOKEN_GET);
    int rc;

    *user = 0;
    *expires = 0;
    bind_text(q, 1, hash);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *user = sqlite3_column_int64(q, 0);
        *expires = sqlite3_column_int64(q, 1);
    }
    sqlite3_reset(q);
    if (rc == SQLITE_ROW)
        return FK_OK;
    return rc == SQLITE_DONE ? FK_ENOENT : fail(s);
}

static int sq_del_token(fk_store *st, const char *hash)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_TOKEN_DEL);

    bind_text(q, 1, hash);
    return exec_stmt(s, q);
}

static int sq_del_user_tokens(fk_store *st, int64_t user)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_TOKEN_DEL_USER);

    sqlite3_bind_int64(q, 1, user);
    return exec_stmt(s, q);
}

static int sq_add_audit(fk_store *st, const struct fk_audit_row *a)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_AUDIT_INS);

    sqlite3_bind_int64(q, 1, a->time ? a->time : (int64_t)time(NULL));
    bind_text(q, 2, a->who);
    bind_text(q, 3, a->action);
    bind_text(q, 4, a->target);
    bind_text(q, 5, a->detail);
    bind_text(q, 6, a->region);
    return exec_stmt(s, q);
}

static int row_audit(sqlite3_stmt *q, struct walk *w)
{
    struct fk_audit_row a = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                             col_text(q, 2), col_text(q, 3), col_text(q, 4), col_text(q, 5),
                             col_text(q, 6)};

    return w->cb.audit(w->ud, &a);
}

static int sq_each_audit(fk_store *st, int64_t since, fk_audit_cb cb, void *ud)
{
    struct walk w;

    w.cb.audit = cb;
    w.ud = ud;
    return each_with(SQ(st), "SELECT id, time, who, action, target, detail, region FROM audit "
                     "WHERE time >= ?1 ORDER BY id", &since, row_audit, &w);
}

/* ---- control ---- */

static int sq_add_door_event(fk_store *st, const struct fk_door_row *d, enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_DOOR_INS);

    bind_text(q, 1, d->device);
    sqlite3_bind_int64(q, 2, d->time);
    sqlite3_bind_int(q, 3, d->event);
    sqlite3_bind_int64(q, 4, d->person);
    return insert_ignore(s, q, did);
}

static int sq_add_alert(fk_store *st, const struct fk_alert_row *a, enum fk_put *did)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_ALERT_INS);

    sqlite3_bind_int(q, 1, a->kind);
    sqlite3_bind_int64(q, 2, a->person);
    sqlite3_bind_int64(q, 3, a->time);
    bind_text(q, 4, a->device);
    bind_text(q, 5, a->detail);
    sqlite3_bind_int64(q, 6, a->raised);
    return insert_ignore(s, q, did);
}

static int sq_update_alert(fk_store *st, int64_t id, int status, const char *who,
                           const char *note, int64_t updated)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_ALERT_UPD);
    int rc;

    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int(q, 2, status);
    bind_text(q, 3, who);
    bind_text(q, 4, note);
    sqlite3_bind_int64(q, 5, updated);
    rc = exec_stmt(s, q);
    if (rc == FK_OK && sqlite3_changes(s->db) == 0)
        return FK_ENOENT;
    return rc;
}

static void read_control(sqlite3_stmt *q, struct fk_control_row *c)
{
    c->id = sqlite3_column_int64(q, 0);
    c->person = sqlite3_column_int64(q, 1);
    c->category = sqlite3_column_int(q, 2);
    c->place = sqlite3_column_int(q, 3);
    c->start = sqlite3_column_int64(q, 4);
    c->end = sqlite3_column_int64(q, 5);
    c->regime = col_text(q, 6);
    c->site = col_text(q, 7);
    c->device = col_text(q, 8);
    c->extended = sqlite3_column_int(q, 9);
}

static int sq_get_control(fk_store *st, int64_t id, struct fk_control_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_CONTROL_BY_ID);
    int rc;

    memset(out, 0, sizeof *out);
    rc = row_by_id(s, q, id);
    if (rc != FK_OK)
        return rc;
    read_control(q, out);
    out->regime = keep_text(&s->row_buf[0], q, 6);
    out->site = keep_text(&s->row_buf[1], q, 7);
    out->device = keep_text(&s->row_buf[2], q, 8);
    sqlite3_reset(q);
    if (!out->regime || !out->site || !out->device) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static void read_alert(sqlite3_stmt *q, struct fk_alert_row *a)
{
    a->id = sqlite3_column_int64(q, 0);
    a->kind = sqlite3_column_int(q, 1);
    a->person = sqlite3_column_int64(q, 2);
    a->time = sqlite3_column_int64(q, 3);
    a->device = col_text(q, 4);
    a->detail = col_text(q, 5);
    a->status = sqlite3_column_int(q, 6);
    a->raised = sqlite3_column_int64(q, 7);
    a->who = col_text(q, 8);
    a->note = col_text(q, 9);
    a->updated = sqlite3_column_int64(q, 10);
}

static int sq_get_alert(fk_store *st, int64_t id, struct fk_alert_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_ALERT_GET);
    int rc;

    memset(out, 0, sizeof *out);
    rc = row_by_id(s, q, id);
    if (rc != FK_OK)
        return rc;
    read_alert(q, out);
    out->device = keep_text(&s->row_buf[0], q, 4);
    out->detail = keep_text(&s->row_buf[1], q, 5);
    out->who = keep_text(&s->row_buf[2], q, 8);
    out->note = keep_text(&s->row_buf[3], q, 9);
    sqlite3_reset(q);
    if (!out->device || !out->detail || !out->who || !out->note) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static int sq_find_device(fk_store *st, const char *device, int64_t *person)
{
    struct sq_store *s = SQ(st);

    return find_int64(s, stmt(s, S_DEVICE_FIND), device, person);
}

static int sq_coldchain_batch_known(fk_store *st, const char *batch)
{
    struct sq_store *s = SQ(st);
    int64_t n;
    int rc = find_int64(s, stmt(s, S_COLD_BATCH), batch, &n);

    return rc != FK_OK ? rc : n ? FK_OK : FK_ENOENT;
}

static int sq_door_before(fk_store *st, const char *device, int64_t t, struct fk_door_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_DOOR_BEFORE);
    int rc;

    memset(out, 0, sizeof *out);
    bind_text(q, 1, device);
    sqlite3_bind_int64(q, 2, t);
    rc = step_row(s, q);
    if (rc != FK_OK)
        return rc;
    out->time = sqlite3_column_int64(q, 0);
    out->event = sqlite3_column_int(q, 1);
    out->person = sqlite3_column_int64(q, 2);
    sqlite3_reset(q);
    fk_buf_reset(&s->row_buf[0]);
    if (fk_buf_puts(&s->row_buf[0], device) != FK_OK)
        return FK_ENOMEM;
    out->device = s->row_buf[0].data;
    return FK_OK;
}

#define CONTROL_COLS \
    "SELECT id, person, category, place, start, \"end\", regime, site, device, extended " \
    "FROM controls "

static int row_control(sqlite3_stmt *q, struct walk *w)
{
    struct fk_control_row c;

    read_control(q, &c);
    return w->cb.control(w->ud, &c);
}

static int sq_each_control(fk_store *st, int64_t person, fk_control_cb cb, void *ud)
{
    struct walk w;

    w.cb.control = cb;
    w.ud = ud;
    if (person >= 0)
        return each_with(SQ(st), CONTROL_COLS "WHERE person = ?1 ORDER BY start", &person,
                         row_control, &w);
    return each(SQ(st), CONTROL_COLS "ORDER BY person, start", row_control, &w);
}

static int row_arrival(sqlite3_stmt *q, struct walk *w)
{
    struct fk_arrival_row a = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
                               col_text(q, 2), col_text(q, 3), col_text(q, 4)};

    return w->cb.arrival(w->ud, &a);
}

static int sq_each_arrival(fk_store *st, fk_arrival_cb cb, void *ud)
{
    struct walk w;

    w.cb.arrival = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT person, arrived, origin, grid, transport FROM arrivals "
                        "ORDER BY person, arrived", row_arrival, &w);
}

static int row_risk(sqlite3_stmt *q, struct walk *w)
{
    struct fk_risk_area_row r = {col_text(q, 0), sqlite3_column_int(q, 2),
                                 sqlite3_column_int64(q, 1), sqlite3_column_int64(q, 3),
                                 col_text(q, 4)};

    return w->cb.risk(w->ud, &r);
}

static int sq_each_risk_area(fk_store *st, fk_risk_area_cb cb, void *ud)
{
    struct walk w;

    w.cb.risk = cb;
    w.ud = ud;
    return each(SQ(st),
                "SELECT area, start, level, \"end\", name FROM risk_areas ORDER BY area, start",
                row_risk, &w);
}

static int row_alert(sqlite3_stmt *q, struct walk *w)
{
    struct fk_alert_row a;

    read_alert(q, &a);
    return w->cb.alert(w->ud, &a);
}

static int sq_each_alert(fk_store *st, int status, fk_alert_cb cb, void *ud)
{
    struct walk w;
    int64_t st64 = status;

    w.cb.alert = cb;
    w.ud = ud;
    return each_with(SQ(st), "SELECT id, kind, person, time, device, detail, status, raised, who, "
                             "note, updated FROM alerts WHERE ?1 < 0 OR status = ?1 ORDER BY id",
                     &st64, row_alert, &w);
}

static int row_door(sqlite3_stmt *q, struct walk *w)
{
    struct fk_door_row d = {col_text(q, 0), sqlite3_column_int64(q, 3), sqlite3_column_int64(q, 1),
                            sqlite3_column_int(q, 2)};

    return w->cb.door(w->ud, &d);
}

static int sq_each_silent_device(fk_store *st, int64_t before, fk_door_cb cb, void *ud)
{
    struct walk w;

    w.cb.door = cb;
    w.ud = ud;
    return each_with(SQ(st),
                     "SELECT d.device, d.time, d.event, d.person FROM door_events d "
                     "WHERE d.event = 2 AND d.time <= ?1 AND NOT EXISTS (SELECT 1 FROM "
                     "door_events e WHERE e.device = d.device AND e.time > d.time) "
                     "ORDER BY d.device",
                     &before, row_door, &w);
}

static int row_sentinel(sqlite3_stmt *q, struct walk *w)
{
    struct fk_sentinel_row r = {col_text(q, 0), col_text(q, 3), col_text(q, 4),
                                sqlite3_column_int(q, 1), sqlite3_column_int64(q, 2),
                                sqlite3_column_int64(q, 5)};

    return w->cb.sentinel(w->ud, &r);
}

static int sq_each_sentinel(fk_store *st, int64_t from, int64_t to, int kind, fk_sentinel_cb cb,
                            void *ud)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    struct walk w;
    /* Every row: in the table's order, not through the time index, which would cost a look-up
     * into the table for each row (a million rows: minutes, not seconds). */
    int all = from == INT64_MIN && to == INT64_MAX;

    w.cb.sentinel = cb;
    w.ud = ud;
    if (sqlite3_prepare_v2(s->db,
                           all ? "SELECT source, kind, time, grid, id_number, count FROM sentinels "
                                 "WHERE ?1 = ?1 AND ?2 = ?2 AND (?3 < 0 OR kind = ?3)"
                               : "SELECT source, kind, time, grid, id_number, count FROM sentinels "
                                 "WHERE time BETWEEN ?1 AND ?2 AND (?3 < 0 OR kind = ?3) "
                                 "ORDER BY time",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    sqlite3_bind_int64(q, 1, from);
    sqlite3_bind_int64(q, 2, to);
    sqlite3_bind_int(q, 3, kind);
    return walk_stmt(s, q, row_sentinel, &w);
}

static int row_person_tagged(sqlite3_stmt *q, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = sqlite3_column_int64(q, 0);
    p.id_number = col_text(q, 1);
    p.grid = col_text(q, 2);
    p.tags = col_text(q, 3);
    return w->cb.person(w->ud, &p);
}

static int sq_each_person_tagged(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w;

    w.cb.person = cb;
    w.ud = ud;
    return each(SQ(st), "SELECT id, id_number, grid, tags FROM persons WHERE tags <> '' ORDER BY id",
                row_person_tagged, &w);
}

static void sq_set_busy_wait(fk_store *st, int ms)
{
    sqlite3_busy_timeout(SQ(st)->db, ms > 0 ? ms : 0);
}

static int sq_add_gate_count(fk_store *st, const struct fk_gate_count_row *r)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_GATE_COUNT_ADD);
    int i;

    bind_text(q, 1, r->gate);
    sqlite3_bind_int(q, 2, r->type);
    sqlite3_bind_int64(q, 3, r->hour);
    bind_text(q, 4, r->scope);
    for (i = 0; i < 4; i++)
        sqlite3_bind_int64(q, 5 + i, r->n[i]);
    sqlite3_bind_int64(q, 9, r->last);
    return exec_stmt(s, q);
}

static int row_gate_count(sqlite3_stmt *q, struct walk *w)
{
    struct fk_gate_count_row r;
    int i;

    r.gate = col_text(q, 0);
    r.type = sqlite3_column_int(q, 1);
    r.hour = sqlite3_column_int64(q, 2);
    r.scope = col_text(q, 3);
    for (i = 0; i < 4; i++)
        r.n[i] = sqlite3_column_int64(q, 4 + i);
    r.last = sqlite3_column_int64(q, 8);
    return w->cb.gate_count(w->ud, &r);
}

static int sq_each_gate_count(fk_store *st, int64_t from, fk_gate_count_cb cb, void *ud)
{
    struct walk w;

    w.cb.gate_count = cb;
    w.ud = ud;
    return each_with(SQ(st),
                     "SELECT gate, type, hour, scope, green, yellow, red, bad, last FROM "
                     "gate_counts WHERE hour >= ?1 ORDER BY hour, gate, type",
                     &from, row_gate_count, &w);
}

static int sq_each_tube_member(fk_store *st, const char *tube, fk_sample_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    int rc = samples_ready(s);

    return rc == FK_OK ? sg_each_tube_member(s->sg, tube, cb, ud) : rc;
}

static int row_person_full(sqlite3_stmt *q, struct walk *w)
{
    struct fk_person_row p;

    p.id = sqlite3_column_int64(q, 0);
    p.id_type = sqlite3_column_int(q, 1);
    p.id_number = col_text(q, 2);
    p.name = col_text(q, 3);
    p.phone = col_text(q, 4);
    p.grid = col_text(q, 5);
    p.household = col_text(q, 6);
    p.tags = col_text(q, 7);
    return w->cb.person(w->ud, &p);
}

static int sq_search_persons(fk_store *st, enum fk_person_key key, const char *value,
                             const char *grid, fk_person_cb cb, void *ud)
{
#define PERSON_COLS "SELECT id, id_type, id_number, name, phone, grid, household, tags FROM persons "
    static const char *const sql[] = {
        [FK_PKEY_ID] = PERSON_COLS "WHERE id_number = ?1",
        [FK_PKEY_ID6] = PERSON_COLS "WHERE substr(id_number, -6) = ?1",
        [FK_PKEY_NAME] = PERSON_COLS "WHERE name >= ?1 AND name < ?2 ORDER BY name",
        [FK_PKEY_PHONE4] = PERSON_COLS "WHERE substr(phone, -4) = ?1 AND phone <> ''",
        /* "+phone": the planner would rather scan for phone = ?1 than use the index. */
        [FK_PKEY_PHONE] = PERSON_COLS
        "WHERE substr(phone, -4) = substr(?1, -4) AND phone <> '' AND +phone = ?1",
        [FK_PKEY_HOUSEHOLD] = PERSON_COLS "WHERE household = ?1 AND household <> ''",
    };
    static const char *const in_grid = PERSON_COLS
        "WHERE grid = ?3 AND name >= ?1 AND name < ?2 ORDER BY grid, name";
#undef PERSON_COLS
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    char end[256];
    struct walk w;

    if ((unsigned)key > FK_PKEY_HOUSEHOLD)
        return FK_EINVAL;
    if (sqlite3_prepare_v2(s->db, key == FK_PKEY_NAME && grid ? in_grid : sql[key], -1, &q,
                           NULL) != SQLITE_OK)
        return fail(s);
    bind_text(q, 1, value);
    if (key == FK_PKEY_NAME) {
        fk__prefix_end(value ? value : "", end, sizeof end);
        bind_text(q, 2, end);
        if (grid)
            bind_text(q, 3, grid);
    }
    w.cb.person = cb;
    w.ud = ud;
    return walk_stmt(s, q, row_person_full, &w);
}

static int sq_grid_names(fk_store *st, const char *grid, const char *prefix, const char *upto,
                         size_t limit, fk_person_name_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, upto ? S_GRID_NAMES_UPTO : S_GRID_NAMES);
    char end[256];
    int rc, ret = FK_OK;

    bind_text(q, 1, grid);
    bind_text(q, 2, prefix);
    if (upto) {
        bind_text(q, 3, upto);
    } else {
        fk__prefix_end(prefix ? prefix : "", end, sizeof end);
        bind_text(q, 3, end);
    }
    sqlite3_bind_int64(q, 4, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        ret = cb(ud, sqlite3_column_int64(q, 0), col_text(q, 1));
        if (ret)
            break;
    }
    if (ret == FK_OK && rc != SQLITE_DONE)
        ret = fail(s);
    sqlite3_reset(q); /* a cached statement left mid-walk would hold its read lock */
    return ret;
}

static int sq_get_case(fk_store *st, int64_t person, struct fk_case_row *out)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_CASE_GET);
    int rc;

    memset(out, 0, sizeof *out);
    rc = row_by_id(s, q, person);
    if (rc != FK_OK)
        return rc;
    out->person = sqlite3_column_int64(q, 0);
    out->confirmed = sqlite3_column_int64(q, 1);
    out->onset = sqlite3_column_int64(q, 2);
    out->kind = sqlite3_column_int(q, 3);
    out->isolated = sqlite3_column_int64(q, 4);
    out->reported = sqlite3_column_int64(q, 5);
    sqlite3_reset(q);
    return FK_OK;
}

static int sq_open_control(fk_store *st, int64_t person, int *category)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = stmt(s, S_CONTROL_OPEN);
    int rc;

    *category = -1;
    rc = row_by_id(s, q, person);
    if (rc != FK_OK)
        return rc;
    *category = sqlite3_column_int(q, 0);
    sqlite3_reset(q);
    return FK_OK;
}

static int row_record(sqlite3_stmt *q, struct walk *w)
{
    struct fk_record_value v[FK_RECORD_MAXCOLS + 4];
    int n = sqlite3_column_count(q), k;

    if (n > (int)(sizeof v / sizeof v[0]))
        n = (int)(sizeof v / sizeof v[0]);
    for (k = 0; k < n; k++) {
        int ty = sqlite3_column_type(q, k);

        v[k].absent = ty == SQLITE_NULL;
        v[k].i = ty == SQLITE_INTEGER ? sqlite3_column_int64(q, k) : 0;
        v[k].s = ty == SQLITE_INTEGER ? NULL : col_text(q, k);
    }
    return w->cb.record(w->ud, v, (size_t)n);
}

struct sample_export {
    struct sq_store *s;
    fk_record_cb cb;
    void *ud;
};

/* An exported sample: the export's columns (tube, id_number, time, site, shipped), then the
 * person's grid for the scope. */
static int export_sample(void *ud, const struct fk_sample_row *r)
{
    struct sample_export *x = ud;
    struct fk_person_row p;
    struct fk_record_value v[6];
    int rc = sq_get_person(&x->s->base, r->person, &p);

    if (rc != FK_OK)
        return rc == FK_ENOENT ? FK_EDB : rc;
    memset(v, 0, sizeof v);
    v[0].s = r->tube;
    v[1].s = p.id_number;
    v[2].i = r->time;
    v[3].s = r->site;
    v[4].i = r->shipped;
    v[5].s = p.grid;
    return x->cb(x->ud, v, 6);
}

/* The export walk of a type: its sqlite.all statement, each row as values (an integer column as
 * i, any other as text); the samples' from their segment files. */
static int sq_each_record(fk_store *st, fk_record_id t, fk_record_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    const struct fk_record_type *rt = fk_record_get(t);
    sqlite3_stmt *q = NULL;
    struct walk w;

    if (t == FK_IMPORT_SAMPLES) {
        /* In segment files: each sample's person looked up (an export is rare; a map of the
         * registry would cost more than the look-ups below a few million samples). */
        struct sample_export x = {s, cb, ud};

        return sq_each_sample(st, export_sample, &x);
    }
    if (!rt || !rt->sqlite.all) {
        snprintf(s->msg, sizeof s->msg, "the store cannot list %s", rt ? rt->name : "this type");
        return FK_EINVAL;
    }
    if (sqlite3_prepare_v2(s->db, rt->sqlite.all, -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    w.cb.record = cb;
    w.ud = ud;
    return walk_stmt(s, q, row_record, &w);
}

/* ---- closed-loop transfers (issue 18) ---- */

/* The transfers of task (NULL: all) and person (< 0: all) with each person's name, grid and id;
 * CROSS JOIN reads transfers first (far fewer than persons; see lib/domain/record.c). */
static int sq_each_transfer(fk_store *st, const char *task, int64_t person, fk_record_cb cb,
                            void *ud)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    struct walk w;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT t.task, p.id_number, t.from_kind, t.from_place, t.to_kind, "
                           "t.to_place, t.vehicle, t.escort, t.planned, t.picked_up, "
                           "t.handed_over, p.name, p.grid, t.person "
                           "FROM transfers t CROSS JOIN persons p ON p.id = t.person "
                           "WHERE (?1 IS NULL OR t.task = ?1) AND (?2 < 0 OR t.person = ?2) "
                           "ORDER BY t.task, p.id_number",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    if (task)
        bind_text(q, 1, task);
    sqlite3_bind_int64(q, 2, person);
    w.cb.record = cb;
    w.ud = ud;
    return walk_stmt(s, q, row_record, &w);
}

/* ---- vaccinations (issue 16) ---- */

static int row_vax(sqlite3_stmt *q, struct walk *w)
{
    struct fk_vax_row v = {sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 2),
                           sqlite3_column_int(q, 1), col_text(q, 3)};

    return w->cb.vax(w->ud, &v);
}

static int sq_each_vaccination(fk_store *st, int64_t person, fk_vax_cb cb, void *ud)
{
    struct walk w;

    w.cb.vax = cb;
    w.ud = ud;
    if (person >= 0)
        return each_with(SQ(st),
                         "SELECT person, dose, time, vaccine FROM vaccinations WHERE person = ?1 "
                         "ORDER BY time, dose",
                         &person, row_vax, &w);
    return each(SQ(st),
                "SELECT person, dose, time, vaccine FROM vaccinations ORDER BY person, time, dose",
                row_vax, &w);
}

static int sq_add_vax_push(fk_store *st, const char *region, int64_t time, const char *who,
                           const int64_t *members, size_t n, int64_t *id)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    int64_t push;
    size_t i;
    int rc = FK_OK;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO vaccination_pushes (region, time, who, members) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    bind_text(q, 1, region);
    sqlite3_bind_int64(q, 2, time);
    bind_text(q, 3, who);
    sqlite3_bind_int64(q, 4, (int64_t)n);
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = fail(s);
    sqlite3_finalize(q);
    if (rc != FK_OK)
        return rc;
    push = sqlite3_last_insert_rowid(s->db);
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR IGNORE INTO vaccination_push_members (push, person) "
                           "VALUES (?1, ?2)",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    for (i = 0; i < n && rc == FK_OK; i++) {
        sqlite3_bind_int64(q, 1, push);
        sqlite3_bind_int64(q, 2, members[i]);
        if (sqlite3_step(q) != SQLITE_DONE)
            rc = fail(s);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    if (rc == FK_OK && id)
        *id = push;
    return rc;
}

static int row_push(sqlite3_stmt *q, struct walk *w)
{
    struct fk_vax_push_row p = {sqlite3_column_int64(q, 0), col_text(q, 1),
                                sqlite3_column_int64(q, 2), col_text(q, 3),
                                sqlite3_column_int64(q, 4), sqlite3_column_int64(q, 5)};

    return w->cb.push(w->ud, &p);
}

static int sq_each_vax_push(fk_store *st, int64_t now, fk_vax_push_cb cb, void *ud)
{
    struct walk w;

    w.cb.push = cb;
    w.ud = ud;
    return each_with(SQ(st),
                     "SELECT p.id, p.region, p.time, p.who, p.members, "
                     "(SELECT count(*) FROM vaccination_push_members m WHERE m.push = p.id AND "
                     "EXISTS (SELECT 1 FROM vaccinations v WHERE v.person = m.person AND "
                     "v.time > p.time AND v.time <= ?1)) "
                     "FROM vaccination_pushes p WHERE p.id = (SELECT q.id FROM "
                     "vaccination_pushes q WHERE q.region = p.region AND q.time <= ?1 "
                     "ORDER BY q.time DESC, q.id DESC LIMIT 1) ORDER BY p.region",
                     &now, row_push, &w);
}

/* ---- supervision problems' history (issue 17, t17-prob) ---- */

static int sq_add_problem_change(fk_store *st, const struct fk_problem_change *h)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    int rc = FK_OK;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO problem_history (problem, time, user, \"from\", \"to\", "
                           "note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    bind_text(q, 1, h->problem);
    sqlite3_bind_int64(q, 2, h->time);
    bind_text(q, 3, h->user ? h->user : "");
    sqlite3_bind_int(q, 4, h->from);
    sqlite3_bind_int(q, 5, h->to);
    bind_text(q, 6, h->note ? h->note : "");
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = fail(s);
    sqlite3_finalize(q);
    return rc;
}

static int row_change(sqlite3_stmt *q, struct walk *w)
{
    struct fk_problem_change h = {sqlite3_column_int64(q, 0), col_text(q, 1),
                                  sqlite3_column_int64(q, 2), col_text(q, 3),
                                  sqlite3_column_int(q, 4),   sqlite3_column_int(q, 5),
                                  col_text(q, 6)};

    return w->cb.change(w->ud, &h);
}

static int sq_each_problem_change(fk_store *st, const char *problem, fk_problem_change_cb cb,
                                  void *ud)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    struct walk w;

    w.cb.change = cb;
    w.ud = ud;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, problem, time, user, \"from\", \"to\", note "
                           "FROM problem_history WHERE ?1 IS NULL OR problem = ?1 "
                           "ORDER BY problem, id",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    if (problem)
        bind_text(q, 1, problem);
    return walk_stmt(s, q, row_change, &w);
}

/* ---- risk zones' history (issue 18) ---- */

static int sq_add_zone_change(fk_store *st, const struct fk_zone_change *h)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    int rc = FK_OK;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO zone_changes (zone, at, level, actor, reason) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    bind_text(q, 1, h->zone);
    sqlite3_bind_int64(q, 2, h->at);
    sqlite3_bind_int(q, 3, h->level);
    bind_text(q, 4, h->actor ? h->actor : "");
    bind_text(q, 5, h->reason ? h->reason : "");
    if (sqlite3_step(q) != SQLITE_DONE)
        rc = fail(s);
    sqlite3_finalize(q);
    return rc;
}

static int row_zone_change(sqlite3_stmt *q, struct walk *w)
{
    struct fk_zone_change h = {sqlite3_column_int64(q, 0), col_text(q, 1),
                               sqlite3_column_int64(q, 2), sqlite3_column_int(q, 3),
                               col_text(q, 4),             col_text(q, 5)};

    return w->cb.zone_change(w->ud, &h);
}

static int sq_each_zone_change(fk_store *st, fk_zone_change_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    sqlite3_stmt *q = NULL;
    struct walk w;

    w.cb.zone_change = cb;
    w.ud = ud;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, zone, at, level, actor, reason FROM zone_changes "
                           "ORDER BY zone, at, id",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    return walk_stmt(s, q, row_zone_change, &w);
}

/* ---- whole tables, for fangkong migrate (issue 20) ---- */

/* The columns of a sample, as both stores give them. */
static const char *const sample_cols[] = {"tube", "person", "time", "site", "shipped"};

/* The most columns a table has (transfers: 11), with room. */
#define TABLE_COLS 32

struct dump_walk {
    fk_table_cb cb;
    void *ud;
};

static int dump_sample(void *ud, const struct fk_sample_row *r)
{
    struct dump_walk *d = ud;
    const struct fk_record_value v[5] = {RV_S(r->tube), RV_I(r->person), RV_I(r->time),
                                         RV_S(r->site), RV_I(r->shipped)};

    return d->cb(d->ud, sample_cols, v, 5);
}

static int sq_dump(fk_store *st, const struct fk_store_table *t, fk_table_cb cb, void *ud)
{
    struct sq_store *s = SQ(st);
    const char *names[TABLE_COLS];
    struct fk_record_value v[TABLE_COLS];
    sqlite3_stmt *q = NULL;
    char sql[256];
    int rc, ret = FK_OK, n, k;

    if (strcmp(t->name, "samples") == 0) {
        struct dump_walk d = {cb, ud};

        rc = samples_ready(s);
        return rc == FK_OK ? sg_each_sample(s->sg, dump_sample, &d) : rc;
    }
    /* The name and key come from fk_store_tables, never from the caller. */
    snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name, t->key);
    if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    n = sqlite3_column_count(q);
    if (n > TABLE_COLS) {
        sqlite3_finalize(q);
        snprintf(s->msg, sizeof s->msg, "table %s has %d columns", t->name, n);
        return FK_EDB;
    }
    for (k = 0; k < n; k++)
        names[k] = sqlite3_column_name(q, k);
    while (ret == FK_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (k = 0; k < n; k++) {
            int ty = sqlite3_column_type(q, k);

            v[k].absent = ty == SQLITE_NULL;
            v[k].i = ty == SQLITE_INTEGER ? sqlite3_column_int64(q, k) : 0;
            v[k].s = ty == SQLITE_INTEGER || ty == SQLITE_NULL ? NULL : col_text(q, k);
        }
        ret = cb(ud, names, v, (size_t)n);
    }
    if (ret == FK_OK && rc != SQLITE_DONE)
        ret = fail(s);
    sqlite3_finalize(q);
    return ret;
}

/* A loaded sample: the columns of sample_cols, in that order. */
static int load_sample(struct sq_store *s, const char *const *names,
                       const struct fk_record_value *v, size_t n)
{
    struct fk_sample_row r;
    enum fk_put did;
    size_t k;
    int rc;

    for (k = 0; k < n && k < 5; k++)
        if (strcmp(names[k], sample_cols[k]) != 0)
            break;
    if (n != 5 || k != 5) {
        snprintf(s->msg, sizeof s->msg, "a sample's columns are tube, person, time, site, shipped");
        return FK_EINVAL;
    }
    r.tube = v[0].s ? v[0].s : "";
    r.person = v[1].i;
    r.time = v[2].i;
    r.site = v[3].s ? v[3].s : "";
    r.shipped = v[4].i;
    rc = sq_add_sample(&s->base, &r, &did);
    if (rc == FK_OK && did != FK_PUT_NEW) {
        snprintf(s->msg, sizeof s->msg, "sample %s of person %lld is there already", r.tube,
                 (long long)r.person);
        rc = FK_EDB;
    }
    return rc;
}

static int sq_load(fk_store *st, const struct fk_store_table *t, const char *const *names,
                   const struct fk_record_value *v, size_t n)
{
    struct sq_store *s = SQ(st);
    size_t k;
    int rc;

    if (strcmp(t->name, "samples") == 0)
        return load_sample(s, names, v, n);
    if (s->load_table != t) {
        fk_buf sql;

        sqlite3_finalize(s->load);
        s->load = NULL;
        s->load_table = NULL;
        fk_buf_init(&sql, 0);
        /* Column names come from a store's own table, quoted all the same ("end", "user"). */
        rc = fk_buf_printf(&sql, "INSERT INTO %s (", t->name);
        for (k = 0; rc == FK_OK && k < n; k++)
            rc = fk_buf_printf(&sql, "%s\"%s\"", k ? ", " : "", names[k]);
        rc = rc == FK_OK ? fk_buf_puts(&sql, ") VALUES (") : rc;
        for (k = 0; rc == FK_OK && k < n; k++)
            rc = fk_buf_printf(&sql, "%s?%zu", k ? ", " : "", k + 1);
        rc = rc == FK_OK ? fk_buf_puts(&sql, ")") : rc;
        if (rc == FK_OK && sqlite3_prepare_v2(s->db, sql.data, -1, &s->load, NULL) != SQLITE_OK)
            rc = fail(s);
        fk_buf_fini(&sql);
        if (rc != FK_OK)
            return rc;
        s->load_table = t;
    }
    sqlite3_reset(s->load);
    for (k = 0; k < n; k++) {
        if (v[k].absent)
            sqlite3_bind_null(s->load, (int)k + 1);
        else if (v[k].s)
            bind_text(s->load, (int)k + 1, v[k].s);
        else
            sqlite3_bind_int64(s->load, (int)k + 1, v[k].i);
    }
    rc = sqlite3_step(s->load);
    sqlite3_reset(s->load);
    if (rc == SQLITE_CONSTRAINT) {
        snprintf(s->msg, sizeof s->msg, "a row of %s is there already (%s)", t->name,
                 sqlite3_errmsg(s->db));
        return FK_EDB;
    }
    return rc == SQLITE_DONE ? FK_OK : fail(s);
}

static int sq_load_end(fk_store *st, const struct fk_store_table *t)
{
    struct sq_store *s = SQ(st);

    (void)t; /* a rowid table numbers new rows after its largest id by itself */
    sqlite3_finalize(s->load);
    s->load = NULL;
    s->load_table = NULL;
    return FK_OK;
}

static const struct fk_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .errmsg = sq_errmsg,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .generation = sq_generation,
    .begin_control = sq_begin_control,
    .begin_events = sq_begin_events,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .control_generation = sq_control_generation,
    .index_generation = sq_index_generation,
    .add_scan = sq_add_scan,
    .add_ping = sq_add_ping,
    .add_sample = sq_add_sample,
    .put_result = sq_put_result,
    .get_person = sq_get_person,
    .find_person = sq_find_person,
    .get_region = sq_get_region,
    .tube_exists = sq_tube_exists,
    .each_region = sq_each_region,
    .each_person_key = sq_each_person_key,
    .each_person_shown = sq_each_person_shown,
    .each_venue = sq_each_venue,
    .each_sample = sq_each_sample,
    .each_result = sq_each_result,
    .each_case = sq_each_case,
    .each_scan = sq_each_scan,
    .each_ping = sq_each_ping,
    .count = sq_count,
    .add_round = sq_add_round,
    .get_round = sq_get_round,
    .each_round = sq_each_round,
    .add_door_event = sq_add_door_event,
    .add_alert = sq_add_alert,
    .update_alert = sq_update_alert,
    .get_control = sq_get_control,
    .get_alert = sq_get_alert,
    .find_device = sq_find_device,
    .coldchain_batch_known = sq_coldchain_batch_known,
    .door_before = sq_door_before,
    .each_control = sq_each_control,
    .each_arrival = sq_each_arrival,
    .each_risk_area = sq_each_risk_area,
    .each_alert = sq_each_alert,
    .each_silent_device = sq_each_silent_device,
    .each_sentinel = sq_each_sentinel,
    .each_person_tagged = sq_each_person_tagged,
    .each_tube_member = sq_each_tube_member,
    .add_gate_count = sq_add_gate_count,
    .each_gate_count = sq_each_gate_count,
    .set_busy_wait = sq_set_busy_wait,
    .search_persons = sq_search_persons,
    .grid_names = sq_grid_names,
    .get_case = sq_get_case,
    .open_control = sq_open_control,
    .add_user = sq_add_user,
    .update_user = sq_update_user,
    .get_user = sq_get_user,
    .get_user_by_id = sq_get_user_by_id,
    .each_user = sq_each_user,
    .add_token = sq_add_token,
    .get_token = sq_get_token,
    .del_token = sq_del_token,
    .del_user_tokens = sq_del_user_tokens,
    .add_audit = sq_add_audit,
    .each_audit = sq_each_audit,
    .put_record = sq_put_record,
    .each_record = sq_each_record,
    .each_vaccination = sq_each_vaccination,
    .add_vax_push = sq_add_vax_push,
    .each_vax_push = sq_each_vax_push,
    .add_problem_change = sq_add_problem_change,
    .each_problem_change = sq_each_problem_change,
    .add_zone_change = sq_add_zone_change,
    .each_zone_change = sq_each_zone_change,
    .each_transfer = sq_each_transfer,
    .dump = sq_dump,
    .load = sq_load,
    .load_end = sq_load_end,
};

static int add_legacy_sample(void *ud, const struct fk_sample_row *r)
{
    struct sq_store *s = ud;
    enum fk_put did;

    return sq_add_sample(&s->base, r, &did);
}

/* A data file written before the samples moved to segment files (migration 0025): its samples
 * table's rows become the first segment, and the table is emptied, in one batch. */
static int samples_from_table(struct sq_store *s)
{
    sqlite3_stmt *q = NULL;
    struct walk w;
    int any = 0, rc;

    if (sqlite3_prepare_v2(s->db, "SELECT EXISTS (SELECT 1 FROM samples)", -1, &q, NULL) !=
        SQLITE_OK)
        return fail(s);
    if (sqlite3_step(q) == SQLITE_ROW)
        any = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if (!any)
        return FK_OK;
    w.cb.sample = add_legacy_sample;
    w.ud = s;
    rc = sq_begin(&s->base);
    if (rc == FK_OK)
        rc = each(s, "SELECT tube, person, time, site, shipped FROM samples ORDER BY tube, person",
                  row_sample, &w);
    if (rc == FK_OK && sqlite3_exec(s->db, "DELETE FROM samples", NULL, NULL, NULL) != SQLITE_OK)
        rc = fail(s);
    if (rc == FK_OK)
        rc = sq_commit(&s->base);
    if (rc != FK_OK)
        sq_rollback(&s->base);
    return rc;
}

/* Applies the migrations past the database's user_version, each in its own transaction. */
static int migrate(struct sq_store *s)
{
    size_t nmig = sizeof fk_sqlite_migrations / sizeof fk_sqlite_migrations[0], i;
    sqlite3_stmt *q = NULL;
    int version = 0;
    char sql[64];

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK)
        return fail(s);
    if (sqlite3_step(q) == SQLITE_ROW)
        version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    if ((size_t)version > nmig) {
        snprintf(s->msg, sizeof s->msg,
                 "the data file has schema version %d, newer than this fangkong (%zu): upgrade "
                 "fangkong", version, nmig);
        return FK_EDB;
    }
    for (i = (size_t)version; i < nmig; i++) {
        snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", i + 1);
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, fk_sqlite_migrations[i], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            fail(s);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return FK_EDB;
        }
    }
    return FK_OK;
}

int fk__store_sqlite_open(const char *path, fk_store **out, char *err, size_t errlen)
{
    static const char pragmas[] = "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = FULL;"
                                  "PRAGMA foreign_keys = OFF;"
                                  "PRAGMA temp_store = MEMORY;"
                                  "PRAGMA cache_size = -524288;"
                                  "PRAGMA mmap_size = 8589934592;";
    struct sq_store *s = calloc(1, sizeof *s);
    int rc = FK_EDB, i;

    *out = NULL;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    s->base.ops = &sqlite_ops;
    for (i = 0; i < 7; i++)
        fk_buf_init(&s->person_buf[i], 0);
    for (i = 0; i < 5; i++)
        fk_buf_init(&s->region_buf[i], 0);
    for (i = 0; i < 4; i++)
        fk_buf_init(&s->user_buf[i], 0);
    for (i = 0; i < 4; i++)
        fk_buf_init(&s->row_buf[i], 0);
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open data file %s: %s", path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        rc = FK_EIO;
        goto out;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s is not a fangkong data file: %s", path, sqlite3_errmsg(s->db));
        goto out;
    }
    if (migrate(s) != FK_OK) {
        snprintf(err, errlen, "%s: %s", path, s->msg);
        goto out;
    }
    if (strcmp(path, ":memory:") == 0) {
        static int nmem;

        snprintf(s->sg_tmp, sizeof s->sg_tmp, "/tmp/fangkong-memory-%ld-%d", (long)getpid(),
                 __atomic_add_fetch(&nmem, 1, __ATOMIC_RELAXED));
    }
    if (sg_open(&s->sg, s->sg_tmp[0] ? s->sg_tmp : path) != FK_OK) {
        snprintf(err, errlen, "out of memory");
        rc = FK_ENOMEM;
        goto out;
    }
    for (i = 0; i < S_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
                               NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: preparing statement %d: %s", path, i,
                     sqlite3_errmsg(s->db));
            goto out;
        }
    }
    for (i = 0; i < FK_IMPORT_NTYPES * R_NSTMT; i++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)(i / R_NSTMT));
        const char *sql = i % R_NSTMT == R_GET   ? rt->sqlite.get
                          : i % R_NSTMT == R_INS ? rt->sqlite.ins
                                                 : rt->sqlite.upd;

        if (!(rt->flags & FK_RECORD_GENERIC))
            continue;
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                               &s->rec[i / R_NSTMT][i % R_NSTMT], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: preparing the %s statements: %s", path, rt->name,
                     sqlite3_errmsg(s->db));
            goto out;
        }
    }
    if (samples_from_table(s) != FK_OK) {
        snprintf(err, errlen, "%s: moving the samples into segment files: %s", path, s->msg);
        goto out;
    }
    *out = &s->base;
    return FK_OK;
out:
    sq_close(&s->base);
    return rc;
}
