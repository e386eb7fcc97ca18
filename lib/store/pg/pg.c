/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend of the store (see fk/store.h; issue 20): the same interface as the SQLite
 * backend, through libpq, opened for a postgresql:// URI. One connection; statements prepared on
 * the server the first time they run and kept for the life of the handle; every value sent as a
 * parameter. Migrations are the numbered files of sql/pg, compiled in, applied in order and
 * counted in the table schema_version.
 *
 * DESIGN NOTES
 * - libpq is opened with dlopen (fk/dynlib.h) when the first postgresql:// store opens, so a
 *   process on SQLite never maps it and what it brings (libssl, GSSAPI, LDAP).
 * - The keyed puts are the generic put of the record descriptors (fk/record.h), as in the SQLite
 *   backend: the descriptor's .pg statements when a type has them, else its .sqlite text in
 *   PostgreSQL's dialect (translate(): ?N as $N, INSERT OR IGNORE as ON CONFLICT DO NOTHING, CROSS
 *   JOIN ... ON as JOIN ... ON), prepared once at open, so a statement that does not parse fails
 *   the open, not a clerk's import.
 * - A batch is a transaction that first takes one transaction-level advisory lock: batches run
 *   one at a time, as SQLite's BEGIN IMMEDIATE makes them, so a put's read-then-write sees no
 *   other batch's row appear in between. The generations are bumped inside the batch, as SQLite
 *   does, so they never count a batch that did not commit.
 * - Walks read through a server-side cursor, FETCH by FETCH, inside the caller's transaction or a
 *   read-only REPEATABLE READ one of their own: a walk of 10 M persons holds one fetch in memory,
 *   and its callback may run other statements meanwhile (each cursor has its own name).
 * - Samples are a table here (PostgreSQL keeps the event streams itself); a put reports new,
 *   updated (another shipped time) or same in one statement (RETURNING xmax = 0).
 * - An import's scans, pings and samples come a batch at a time (fk_store_add_events): COPY into
 *   a temporary table, then one statement merges them on their key and says which rows were new
 *   (the first of their key in the batch, not in the table). Samples that repeat a key or find it
 *   stored with another shipped time, rare, then go one by one, in order, so every answer is what
 *   the calls one by one would give.
 * - Texts compare byte by byte (COLLATE "C" in the schema), so every walk comes out in SQLite's
 *   order and answers from either store are the same. */
#include "fk/store.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fk/buf.h"
#include "fk/dynlib.h"
#include "fk/error.h"
#include "fk/record.h"
#include "fk/str.h"
#include "fk/time.h"
#include "fk_sql_pg.h"
#include "store/store_int.h"

static FK_DLSYM_PROTOTYPE(PQclear);
static FK_DLSYM_PROTOTYPE(PQcmdStatus);
static FK_DLSYM_PROTOTYPE(PQcmdTuples);
static FK_DLSYM_PROTOTYPE(PQconnectdb);
static FK_DLSYM_PROTOTYPE(PQerrorMessage);
static FK_DLSYM_PROTOTYPE(PQexec);
static FK_DLSYM_PROTOTYPE(PQexecParams);
static FK_DLSYM_PROTOTYPE(PQexecPrepared);
static FK_DLSYM_PROTOTYPE(PQconsumeInput);
static FK_DLSYM_PROTOTYPE(PQgetResult);
static FK_DLSYM_PROTOTYPE(PQputCopyData);
static FK_DLSYM_PROTOTYPE(PQputCopyEnd);
static FK_DLSYM_PROTOTYPE(PQfinish);
static FK_DLSYM_PROTOTYPE(PQfreemem);
static FK_DLSYM_PROTOTYPE(PQhost);
static FK_DLSYM_PROTOTYPE(PQport);
static FK_DLSYM_PROTOTYPE(PQreset);
static FK_DLSYM_PROTOTYPE(PQnotifies);
static FK_DLSYM_PROTOTYPE(PQsocket);
static FK_DLSYM_PROTOTYPE(PQfname);
static FK_DLSYM_PROTOTYPE(PQftype);
static FK_DLSYM_PROTOTYPE(PQgetisnull);
static FK_DLSYM_PROTOTYPE(PQgetvalue);
static FK_DLSYM_PROTOTYPE(PQnfields);
static FK_DLSYM_PROTOTYPE(PQntuples);
static FK_DLSYM_PROTOTYPE(PQprepare);
static FK_DLSYM_PROTOTYPE(PQresultErrorField);
static FK_DLSYM_PROTOTYPE(PQresultStatus);
static FK_DLSYM_PROTOTYPE(PQsetNoticeProcessor);
static FK_DLSYM_PROTOTYPE(PQstatus);
static FK_DLSYM_PROTOTYPE(PQtransactionStatus);

static const struct fk_dynsym libpq_syms[] = {
    FK_DLSYM(PQclear),        FK_DLSYM(PQcmdStatus),
    FK_DLSYM(PQcmdTuples),    FK_DLSYM(PQconnectdb),
    FK_DLSYM(PQerrorMessage), FK_DLSYM(PQexec),
    FK_DLSYM(PQfname),        FK_DLSYM(PQconsumeInput),
    FK_DLSYM(PQgetResult),    FK_DLSYM(PQputCopyData),
    FK_DLSYM(PQputCopyEnd),   FK_DLSYM(PQfreemem),
    FK_DLSYM(PQnotifies),     FK_DLSYM(PQsocket),
    FK_DLSYM(PQexecParams),   FK_DLSYM(PQexecPrepared),
    FK_DLSYM(PQfinish),       FK_DLSYM(PQftype),
    FK_DLSYM(PQgetisnull),    FK_DLSYM(PQgetvalue),
    FK_DLSYM(PQnfields),      FK_DLSYM(PQntuples),
    FK_DLSYM(PQprepare),      FK_DLSYM(PQresultErrorField),
    FK_DLSYM(PQresultStatus), FK_DLSYM(PQsetNoticeProcessor),
    FK_DLSYM(PQstatus),       FK_DLSYM(PQtransactionStatus),
    FK_DLSYM(PQhost),         FK_DLSYM(PQport),
    FK_DLSYM(PQreset),
};

static struct fk_dynlib libpq = FK_DYNLIB_INIT(FK_LIBPQ_SONAME, FK_LIBPQ_PACKAGE, libpq_syms);

/* The type ids (pg_type.oid, fixed since PostgreSQL 7) of the integer columns. */
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23

/* Rows a walk's cursor fetches at a time. */
#define FETCH_ROWS 4096

/* How long a handle that lost its server tries to connect again (to the same server, or with a
 * multi-host URI and target_session_attrs=read-write to a promoted standby) before the call
 * fails; between tries it waits 50 ms, doubling up to 1 s. */
#define RECONNECT_SECONDS 30

/* The advisory lock every batch takes (any constant: "fk" "batch" in ASCII). */
#define BATCH_LOCK "SELECT pg_advisory_xact_lock(7370802223707427688)"

enum stmt_id {
    S_GEN_GET,
    S_GEN_BUMP,
    S_CGEN_BUMP,
    S_IGEN_GET,
    S_IGEN_SET,
    S_REGION_GET,
    S_PERSON_GET,
    S_PERSON_BY_ID,
    S_SCAN_INS,
    S_PING_INS,
    S_SAMPLE_PUT,
    S_TUBE_EXISTS,
    S_RESULT_GET,
    S_RESULT_INS,
    S_RESULT_UPD,
    S_ROUND_INS,
    S_ROUND_GET,
    S_USER_INS,
    S_USER_UPD,
    S_USER_GET,
    S_USER_BY_ID,
    S_TOKEN_INS,
    S_TOKEN_GET,
    S_TOKEN_DEL,
    S_TOKEN_DEL_USER,
    S_AUDIT_INS,
    S_CONTROL_BY_ID,
    S_DOOR_INS,
    S_DOOR_BEFORE,
    S_DEVICE_FIND,
    S_ALERT_INS,
    S_ALERT_UPD,
    S_ALERT_GET,
    S_CASE_GET,
    S_CONTROL_OPEN,
    S_GRID_NAMES,
    S_GRID_NAMES_UPTO,
    S_COLD_BATCH,
    S_GATE_COUNT_ADD,
    S_PUSH_INS,
    S_PUSH_MEMBER_INS,
    S_PROBLEM_CHANGE_INS,
    S_ZONE_CHANGE_INS,
    S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
    [S_GEN_GET] = "SELECT value, (SELECT value FROM meta WHERE key = 'control_generation') "
                  "FROM meta WHERE key = 'generation'",
    /* The new generation announced to the servers watching (fk_store_watch): NOTIFY inside the
     * batch is delivered when it commits, and never when it rolls back. */
    [S_GEN_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'generation' "
                   "RETURNING pg_notify('fangkong', value::text)",
    [S_CGEN_BUMP] = "UPDATE meta SET value = value + 1 WHERE key = 'control_generation'",
    [S_IGEN_GET] = "SELECT value FROM meta WHERE key = $1",
    [S_IGEN_SET] = "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'generation') "
                   "WHERE key = $1",
    [S_REGION_GET] =
        "SELECT name, level, parent, worker, worker_phone FROM regions WHERE code = $1",
    [S_PERSON_GET] = "SELECT id FROM persons WHERE id_number = $1",
    [S_PERSON_BY_ID] = "SELECT id, id_type, id_number, name, phone, grid, household, tags, "
                       "address FROM persons WHERE id = $1",
    [S_SCAN_INS] = "INSERT INTO scans (person, venue, time) VALUES ($1, $2, $3) "
                   "ON CONFLICT DO NOTHING",
    [S_PING_INS] = "INSERT INTO pings (person, cell, time) VALUES ($1, $2, $3) "
                   "ON CONFLICT DO NOTHING",
    /* As the segment files answer (store/segments.h): a second row with the key changes only a
     * shipped time it brings; no row back is "same", xmax = 0 a new row, else an update. */
    [S_SAMPLE_PUT] = "INSERT INTO samples AS s (tube, person, time, site, shipped) "
                     "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tube, person) DO UPDATE SET "
                     "shipped = excluded.shipped WHERE excluded.shipped <> 0 AND "
                     "s.shipped <> excluded.shipped RETURNING (s.xmax = 0)::int",
    [S_TUBE_EXISTS] = "SELECT 1 FROM samples WHERE tube = $1 LIMIT 1",
    [S_RESULT_GET] = "SELECT result, time, lab, received FROM results WHERE tube = $1",
    [S_RESULT_INS] = "INSERT INTO results (tube, result, time, lab, received) "
                     "VALUES ($1, $2, $3, $4, $5)",
    [S_RESULT_UPD] = "UPDATE results SET result = $2, time = $3, lab = $4, received = $5 "
                     "WHERE tube = $1",
    [S_ROUND_INS] = "INSERT INTO rounds (name, region, start, \"end\", created) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING id",
    [S_ROUND_GET] = "SELECT id, name, region, start, \"end\", created FROM rounds "
                    "WHERE name = $1",
    [S_USER_INS] = "INSERT INTO users (name, role, scope, pwhash, disabled, created) "
                   "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id",
    [S_USER_UPD] = "UPDATE users SET role = $2, scope = $3, pwhash = $4, disabled = $5 "
                   "WHERE name = $1",
    [S_USER_GET] = "SELECT id, name, role, scope, pwhash, disabled, created FROM users "
                   "WHERE name = $1",
    [S_USER_BY_ID] = "SELECT id, name, role, scope, pwhash, disabled, created FROM users "
                     "WHERE id = $1",
    [S_TOKEN_INS] = "INSERT INTO tokens (hash, \"user\", created, expires) VALUES ($1, $2, $3, $4)",
    [S_TOKEN_GET] = "SELECT \"user\", expires FROM tokens WHERE hash = $1",
    [S_TOKEN_DEL] = "DELETE FROM tokens WHERE hash = $1",
    [S_TOKEN_DEL_USER] = "DELETE FROM tokens WHERE \"user\" = $1",
    [S_AUDIT_INS] = "INSERT INTO audit (time, who, action, target, detail, region) "
                    "VALUES ($1, $2, $3, $4, $5, $6)",
    [S_CONTROL_BY_ID] = "SELECT id, person, category, place, start, \"end\", regime, site, "
                        "device, extended FROM controls WHERE id = $1",
    [S_DOOR_INS] = "INSERT INTO door_events (device, time, event, person) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [S_DOOR_BEFORE] = "SELECT time, event, person FROM door_events WHERE device = $1 AND time < $2 "
                      "ORDER BY time DESC, event DESC LIMIT 1",
    [S_DEVICE_FIND] = "SELECT person FROM controls WHERE device = $1 ORDER BY start DESC LIMIT 1",
    [S_ALERT_INS] = "INSERT INTO alerts (kind, person, time, device, detail, status, raised) "
                    "VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT DO NOTHING",
    [S_ALERT_UPD] = "UPDATE alerts SET status = $2, who = $3, note = $4, updated = $5 "
                    "WHERE id = $1",
    [S_ALERT_GET] = "SELECT id, kind, person, time, device, detail, status, raised, who, note, "
                    "updated FROM alerts WHERE id = $1",
    [S_CASE_GET] = "SELECT person, confirmed, onset, kind, isolated, reported FROM cases "
                   "WHERE person = $1",
    [S_CONTROL_OPEN] = "SELECT category FROM controls WHERE person = $1 AND \"end\" = 0 "
                       "ORDER BY start DESC LIMIT 1",
    [S_GRID_NAMES] = "SELECT id, name FROM persons WHERE grid = $1 AND name >= $2 AND name < $3 "
                     "ORDER BY name, id LIMIT $4",
    [S_GRID_NAMES_UPTO] = "SELECT id, name FROM persons WHERE grid = $1 AND name >= $2 AND "
                          "name <= $3 ORDER BY name, id LIMIT $4",
    [S_COLD_BATCH] = "SELECT count(*) FROM (SELECT 1 FROM coldchain WHERE batch = $1 LIMIT 1) b",
    [S_GATE_COUNT_ADD] =
        "INSERT INTO gate_counts AS g (gate, type, hour, scope, green, yellow, red, bad, last) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (gate, type, hour) DO UPDATE "
        "SET scope = excluded.scope, green = g.green + excluded.green, yellow = g.yellow + "
        "excluded.yellow, red = g.red + excluded.red, bad = g.bad + excluded.bad, "
        "last = greatest(g.last, excluded.last)",
    [S_PUSH_INS] = "INSERT INTO vaccination_pushes (region, time, who, members) "
                   "VALUES ($1, $2, $3, $4) RETURNING id",
    [S_PUSH_MEMBER_INS] = "INSERT INTO vaccination_push_members (push, person) VALUES ($1, $2) "
                          "ON CONFLICT DO NOTHING",
    [S_PROBLEM_CHANGE_INS] = "INSERT INTO problem_history (problem, time, \"user\", \"from\", "
                             "\"to\", note) VALUES ($1, $2, $3, $4, $5, $6)",
    [S_ZONE_CHANGE_INS] = "INSERT INTO zone_changes (zone, at, level, actor, reason) "
                          "VALUES ($1, $2, $3, $4, $5)",
};

/* The statements of a generic put (struct fk_record_sql). */
enum { R_GET, R_INS, R_UPD, R_NSTMT };

struct pg_store {
    struct fk_store base; /* must be first */
    PGconn *conn;
    unsigned char prepared[S_COUNT];
    unsigned char rec[FK_IMPORT_NTYPES]; /* the type's generic put statements are prepared */
    char msg[512];
    /* Output strings of the get_* calls live here until the next call. */
    fk_buf person_buf[7];
    fk_buf region_buf[5];
    fk_buf user_buf[4];
    fk_buf row_buf[4];
    /* fk_store_load's rows of one table, gathered as COPY text rows and sent by flush_load(). */
    struct {
        const struct fk_store_table *t; /* the table they are for (NULL: none gathered) */
        fk_buf sql;                     /* COPY t (its columns) FROM STDIN */
        fk_buf rows;
    } load;
    int listening;           /* fk_store_watch said LISTEN */
    int staging;             /* the temporary tables of add_events exist (made in this session) */
    uint64_t staged;         /* bit t: put_records' temporary table of type t exists, likewise */
    int batch_kind; /* of the open batch: 0 data, 1 control, 2 events */
    int in_read;    /* a read transaction of fk_store_read_begin is open */
    int cursors;    /* cursors open, to name the next one */
    int busy_ms;    /* of fk_store_set_busy_wait, set again on a new connection */
    int txn;        /* a batch, or a read of fk_store_read_begin, is open: a lost connection
                       fails every call until the caller ends it, never reconnects under it */
};

/* The parameters of one statement, as texts (libpq's text format). */
struct args {
    const char *v[FK_RECORD_MAXFIELDS + 4];
    char num[FK_RECORD_MAXFIELDS + 4][24];
    int n;
};

static void a_text(struct args *a, const char *s)
{
    a->v[a->n++] = s ? s : "";
}

static void a_null(struct args *a)
{
    a->v[a->n++] = NULL;
}

static void a_int(struct args *a, int64_t i)
{
    snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", (long long)i);
    a->v[a->n] = a->num[a->n];
    a->n++;
}

static struct pg_store *PG(fk_store *st)
{
    return (struct pg_store *)st;
}

static void one_line(char *m, size_t cap);

/* Sets the message from libpq's last error (res, when given, says more) and returns FK_EDB. */
static int fail(struct pg_store *s, const PGresult *res)
{
    const char *m = res ? sym_PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    snprintf(s->msg, sizeof s->msg, "postgresql: %s", m ? m : sym_PQerrorMessage(s->conn));
    one_line(s->msg, sizeof s->msg);
    return FK_EDB;
}

/* Checks res (NULL: libpq ran out of memory or lost the server): FK_OK when it succeeded, else
 * the error (res cleared). */
static int check(struct pg_store *s, PGresult *res)
{
    ExecStatusType t = res ? sym_PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
        return FK_OK;
    fail(s, res);
    sym_PQclear(res);
    return FK_EDB;
}

/* check(), and the result dropped when it succeeded: for a statement whose answer is not read. */
static int check_done(struct pg_store *s, PGresult *res)
{
    int rc = check(s, res);

    if (rc == FK_OK)
        sym_PQclear(res);
    return rc;
}

static int reconnect(struct pg_store *s, double seconds);

/* 1 when the connection is gone: the server closed it, died or was shut down. */
static int lost(const struct pg_store *s)
{
    return sym_PQstatus(s->conn) == CONNECTION_BAD;
}

static int pg_lost(const fk_store *st)
{
    const struct pg_store *s = (const struct pg_store *)st;

    return s->conn == NULL || lost(s);
}

/* Before a call: a handle whose server went away connects again, unless a batch or a read was
 * open on the old connection; that one is gone, with whatever the batch wrote, and the caller
 * must end it (fk_store_rollback) first. */
static int ready(struct pg_store *s)
{
    if (!lost(s))
        return FK_OK;
    if (s->txn) {
        snprintf(s->msg, sizeof s->msg,
                 "postgresql: the connection to the database was lost inside a batch; the "
                 "batch is not stored");
        return FK_EIO;
    }
    return reconnect(s, RECONNECT_SECONDS);
}

/* After a call failed outside a transaction: 1 when it failed because the server went away and
 * a new connection is made, so the call may run once more (nothing of it was done: a statement
 * outside a transaction that did not answer is rolled back by the server). */
static int again(struct pg_store *s, int rc, int *tries)
{
    if (rc == FK_OK || s->txn || !lost(s) || (*tries)++ > 0)
        return 0;
    return reconnect(s, RECONNECT_SECONDS) == FK_OK;
}

/* Runs sql (no parameters; may hold several statements), its result (caller clears) into *out;
 * outside a transaction, once more on a new connection when the server went away. exec() drops
 * the result. */
static int query(struct pg_store *s, const char *sql, PGresult **out)
{
    int rc, tries = 0;

    *out = NULL;
    if ((rc = ready(s)) != FK_OK)
        return rc;
    do
        rc = check(s, *out = sym_PQexec(s->conn, sql));
    while (again(s, rc, &tries));
    if (rc != FK_OK)
        *out = NULL;
    return rc;
}

static int exec(struct pg_store *s, const char *sql)
{
    PGresult *res;
    int rc = query(s, sql, &res);

    if (rc == FK_OK)
        sym_PQclear(res);
    return rc;
}

/* Runs statement id with a's parameters, preparing it on the server the first time. The result
 * (caller clears) into *out, or NULL and an error. */
static int run(struct pg_store *s, enum stmt_id id, const struct args *a, PGresult **out)
{
    char name[16];
    PGresult *res = NULL;
    int rc, tries = 0;

    *out = NULL;
    snprintf(name, sizeof name, "s%d", (int)id);
    if ((rc = ready(s)) != FK_OK)
        return rc;
    do {
        if (!s->prepared[id]) {
            rc = check_done(s, sym_PQprepare(s->conn, name, stmt_sql[id], 0, NULL));
            if (rc != FK_OK)
                continue;
            s->prepared[id] = 1;
        }
        res = sym_PQexecPrepared(s->conn, name, a ? a->n : 0, a ? a->v : NULL, NULL, NULL, 0);
        rc = check(s, res);
    } while (again(s, rc, &tries));
    if (rc == FK_OK)
        *out = res;
    return rc;
}

/* Runs statement id and drops the result; *changed (may be NULL) is set to the rows it changed. */
static int run_done(struct pg_store *s, enum stmt_id id, const struct args *a, int64_t *changed)
{
    PGresult *res;
    int rc = run(s, id, a, &res);

    if (changed)
        *changed = rc == FK_OK ? strtoll(sym_PQcmdTuples(res), NULL, 10) : 0;
    sym_PQclear(res);
    return rc;
}

/* Text of row i, column c ("" for NULL, as SQLite's column text). */
static const char *col(const PGresult *r, int i, int c)
{
    return sym_PQgetvalue(r, i, c);
}

static int64_t coli(const PGresult *r, int i, int c)
{
    return strtoll(sym_PQgetvalue(r, i, c), NULL, 10);
}

/* Copies text t into b; returns it, or NULL on out of memory. */
static const char *keep(fk_buf *b, const char *t)
{
    fk_buf_reset(b);
    if (fk_buf_append(b, t, strlen(t)) != FK_OK || fk_buf_reserve(b, 0) != FK_OK)
        return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

/* Runs statement id, which gives at most one row: FK_OK with *out (caller clears), FK_ENOENT
 * when it gave none, or the error. */
static int run_row(struct pg_store *s, enum stmt_id id, const struct args *a, PGresult **out)
{
    int rc = run(s, id, a, out);

    if (rc == FK_OK && sym_PQntuples(*out) == 0) {
        sym_PQclear(*out);
        *out = NULL;
        return FK_ENOENT;
    }
    return rc;
}

/* Column 0 of statement id's one row, with key as $1, into *out (0 when none). */
static int find_int64(struct pg_store *s, enum stmt_id id, const char *key, int64_t *out)
{
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    *out = 0;
    a_text(&a, key);
    rc = run_row(s, id, &a, &res);
    if (rc == FK_OK) {
        *out = coli(res, 0, 0);
        sym_PQclear(res);
    }
    return rc;
}

/* ---- SQL in PostgreSQL's dialect ---- */

/* The SQLite statement sql in PostgreSQL's dialect, as the record descriptors hold it: ?N as $N,
 * INSERT OR IGNORE as INSERT ... ON CONFLICT DO NOTHING, CROSS JOIN (with an ON, which SQLite
 * allows) as JOIN; with " RETURNING id" added when returning is set. Quoted texts and names are
 * copied as they are. Caller frees; NULL on out of memory. */
static char *translate(const char *sql, int returning)
{
    fk_buf b;
    const char *p = sql;
    int ignore = 0;
    char quote = 0;

    fk_buf_init(&b, 0);
    while (*p) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            if (fk_buf_append(&b, p++, 1) != FK_OK)
                goto oom;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            if (fk_buf_append(&b, p++, 1) != FK_OK)
                goto oom;
        } else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
            if (fk_buf_append(&b, "$", 1) != FK_OK)
                goto oom;
            p++;
        } else if (strncmp(p, "INSERT OR IGNORE ", 17) == 0) {
            ignore = 1;
            if (fk_buf_append(&b, "INSERT ", 7) != FK_OK)
                goto oom;
            p += 17;
        } else if (strncmp(p, "CROSS JOIN ", 11) == 0) {
            if (fk_buf_append(&b, "JOIN ", 5) != FK_OK)
                goto oom;
            p += 11;
        } else if (fk_buf_append(&b, p++, 1) != FK_OK) {
            goto oom;
        }
    }
    if ((ignore && fk_buf_puts(&b, " ON CONFLICT DO NOTHING") != FK_OK) ||
        (returning && fk_buf_puts(&b, " RETURNING id") != FK_OK) || fk_buf_reserve(&b, 1) != FK_OK)
        goto oom;
    b.data[b.len] = '\0';
    return b.data;
oom:
    fk_buf_fini(&b);
    return NULL;
}

/* ---- walks ---- */

/* The caller's callback and its pointer, carried through walk(). */
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
        fk_table_cb table;
    } cb;
    void *ud;
};

typedef int (*row_fn)(const PGresult *r, int i, struct walk *w);

/* Runs sql with a's parameters through a cursor, calling row() for each row until one returns
 * non-zero, inside the open transaction or a read-only one of its own. Returns row()'s first
 * non-zero, the error, or FK_OK. */
static int walk(struct pg_store *s, const char *sql, const struct args *a, row_fn row,
                struct walk *w)
{
    char name[32], cmd[96];
    PGresult *res = NULL;
    int own = !s->txn, rc, ret = FK_OK, i, n;
    fk_buf decl;

    if (!own && (rc = ready(s)) != FK_OK)
        return rc; /* a lost batch's: exec() below connects again for a walk of its own */

    if (own && (rc = exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) != FK_OK)
        return rc;
    s->txn = 1; /* a walk inside this one's row() reads in this transaction */
    snprintf(name, sizeof name, "fk_walk_%d", ++s->cursors);
    fk_buf_init(&decl, 0);
    rc = fk_buf_printf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", name, sql);
    if (rc == FK_OK)
        rc = check(s, res = sym_PQexecParams(s->conn, decl.data, a ? a->n : 0, NULL,
                                             a ? a->v : NULL, NULL, NULL, 0));
    fk_buf_fini(&decl);
    if (rc != FK_OK)
        goto out;
    sym_PQclear(res);
    snprintf(cmd, sizeof cmd, "FETCH %d FROM %s", FETCH_ROWS, name);
    do {
        rc = check(s, res = sym_PQexec(s->conn, cmd));
        if (rc != FK_OK)
            goto out;
        n = sym_PQntuples(res);
        for (i = 0; i < n && ret == FK_OK; i++)
            ret = row(res, i, w);
        sym_PQclear(res);
    } while (n == FETCH_ROWS && ret == FK_OK);
    snprintf(cmd, sizeof cmd, "CLOSE %s", name);
    rc = exec(s, cmd);
out:
    s->cursors--;
    if (own) {
        s->txn = 0;
        if (rc == FK_OK)
            rc = check_done(s, sym_PQexec(s->conn, "COMMIT"));
        else if (!lost(s))
            sym_PQclear(sym_PQexec(s->conn, "ROLLBACK"));
    }
    return ret != FK_OK ? ret : rc;
}

/* walk() with no parameters, or one integer. */
static int each(struct pg_store *s, const char *sql, row_fn row, struct walk *w)
{
    return walk(s, sql, NULL, row, w);
}

static int each_with(struct pg_store *s, const char *sql, int64_t arg, row_fn row, struct walk *w)
{
    struct args a = {.n = 0};

    a_int(&a, arg);
    return walk(s, sql, &a, row, w);
}

/* ---- handle, batches, generations ---- */

static void pg_close(fk_store *st)
{
    struct pg_store *s = PG(st);
    int i;

    if (s->conn)
        sym_PQfinish(s->conn);
    for (i = 0; i < 7; i++)
        fk_buf_fini(&s->person_buf[i]);
    for (i = 0; i < 5; i++)
        fk_buf_fini(&s->region_buf[i]);
    for (i = 0; i < 4; i++)
        fk_buf_fini(&s->user_buf[i]);
    for (i = 0; i < 4; i++)
        fk_buf_fini(&s->row_buf[i]);
    fk_buf_fini(&s->load.sql);
    fk_buf_fini(&s->load.rows);
    free(s);
}

static const char *pg_errmsg(fk_store *st)
{
    return PG(st)->msg;
}

/* 1 inside a transaction of fk_store_read_begin or a batch. */
static int in_txn(const struct pg_store *s)
{
    return s->txn;
}

static int begin_kind(fk_store *st, int kind)
{
    struct pg_store *s = PG(st);
    int rc;

    if (in_txn(s)) {
        snprintf(s->msg, sizeof s->msg, "a batch begun inside another transaction");
        return FK_EDB;
    }
    rc = exec(s, "BEGIN; " BATCH_LOCK);
    if (rc != FK_OK && sym_PQtransactionStatus(s->conn) != PQTRANS_IDLE)
        sym_PQclear(sym_PQexec(s->conn, "ROLLBACK"));
    s->batch_kind = rc == FK_OK ? kind : 0;
    s->txn = rc == FK_OK;
    return rc;
}

static int pg_begin(fk_store *st)
{
    return begin_kind(st, 0);
}

static int pg_begin_control(fk_store *st)
{
    return begin_kind(st, 1);
}

static int pg_begin_events(fk_store *st)
{
    return begin_kind(st, 2);
}

static int pg_read_begin(fk_store *st)
{
    struct pg_store *s = PG(st);
    int rc;

    if (in_txn(s))
        return FK_OK; /* inside a batch or a read already */
    rc = exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    s->in_read = s->txn = rc == FK_OK;
    return rc;
}

static int pg_read_end(fk_store *st)
{
    struct pg_store *s = PG(st);

    if (!s->in_read)
        return FK_OK;
    s->in_read = s->txn = 0;
    return exec(s, "COMMIT");
}

static int set_index_generation(struct pg_store *s, const char *key)
{
    struct args a = {.n = 0};

    a_text(&a, key);
    return run_done(s, S_IGEN_SET, &a, NULL);
}

static int flush_load(struct pg_store *s);

static int pg_commit(fk_store *st)
{
    struct pg_store *s = PG(st);
    PGresult *res;
    int rc;

    if (!in_txn(s) || s->in_read) {
        snprintf(s->msg, sizeof s->msg, "commit without a batch: call fk_store_begin first");
        return FK_EDB;
    }
    rc = flush_load(s);
    if (rc == FK_OK && s->batch_kind == 1)
        rc = run_done(s, S_CGEN_BUMP, NULL, NULL);
    /* As the SQLite backend: a batch that wrote what an index reads moves the generation
     * whatever its kind, and the index's to it. */
    if (rc == FK_OK && (s->batch_kind == 0 || st->touched))
        rc = run_done(s, S_GEN_BUMP, NULL, NULL);
    if (rc == FK_OK && (st->touched & FK_FEEDS_ENGINE))
        rc = set_index_generation(s, "engine_generation");
    if (rc == FK_OK && (st->touched & FK_FEEDS_TRACER))
        rc = set_index_generation(s, "tracer_generation");
    if (rc == FK_OK && (st->touched & FK_FEEDS_ROSTER))
        rc = set_index_generation(s, "roster_generation");
    if (rc != FK_OK)
        return rc;
    /* A transaction that failed answers COMMIT with ROLLBACK: nothing was stored. */
    res = sym_PQexec(s->conn, "COMMIT");
    if ((rc = check(s, res)) != FK_OK) {
        if (lost(s))
            snprintf(s->msg, sizeof s->msg,
                     "postgresql: the connection to the database was lost while the batch "
                     "committed: it may or may not be stored");
        return rc;
    }
    if (strcmp(sym_PQcmdStatus(res), "COMMIT") != 0) {
        snprintf(s->msg, sizeof s->msg, "postgresql: the batch failed and was rolled back");
        s->staging = 0;
        s->staged = 0;
        rc = FK_EDB;
    }
    sym_PQclear(res);
    if (rc == FK_OK)
        s->batch_kind = s->txn = 0;
    return rc;
}

static int pg_rollback(fk_store *st)
{
    struct pg_store *s = PG(st);
    int was = s->txn;

    s->in_read = s->txn = 0;
    s->batch_kind = 0;
    s->staging = 0; /* made in a transaction that is rolled back: gone with it */
    s->staged = 0;
    s->load.t = NULL;
    fk_buf_reset(&s->load.rows);
    /* A lost connection took the transaction with it; the next call connects again. */
    if (!was || lost(s))
        return FK_OK;
    return check_done(s, sym_PQexec(s->conn, "ROLLBACK"));
}

static int pg_generation(fk_store *st, int64_t *out)
{
    struct pg_store *s = PG(st);
    PGresult *res;
    int rc = run_row(s, S_GEN_GET, NULL, &res);

    *out = rc == FK_OK ? coli(res, 0, 0) : 0;
    sym_PQclear(res);
    return rc == FK_ENOENT ? FK_EDB : rc;
}

static int pg_control_generation(fk_store *st, int64_t *out)
{
    struct pg_store *s = PG(st);
    PGresult *res;
    int rc = run_row(s, S_GEN_GET, NULL, &res);

    *out = rc == FK_OK ? coli(res, 0, 1) : 0;
    sym_PQclear(res);
    return rc == FK_ENOENT ? FK_EDB : rc;
}

static int pg_index_generation(fk_store *st, unsigned feeds, int64_t *out)
{
    struct pg_store *s = PG(st);
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
    rc = find_int64(s, S_IGEN_GET, key, out);
    return rc == FK_ENOENT ? FK_EDB : rc;
}

static void pg_set_busy_wait(fk_store *st, int ms)
{
    struct pg_store *s = PG(st);
    char sql[64];

    /* How long a batch waits for another's lock before it fails (0: for ever, as libpq's
     * default; SQLite's busy wait, likewise). */
    s->busy_ms = ms > 0 ? ms : 0;
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", s->busy_ms);
    exec(s, sql);
}

/* ---- the generic put of keyed records (fk/record.h) ---- */

/* Adds v as the next parameter: an absent value is NULL on an update (the statement keeps the
 * stored one) and "" or 0 on an insert; a NULL text of any other field is "". */
static void arg_value(struct args *a, const struct fk_record_field *f,
                      const struct fk_record_value *v, int insert)
{
    int keep = fk__value_absent(f, v);

    if (keep && !insert)
        a_null(a);
    else if (f->kind == FK_RVAL_TEXT)
        a_text(a, keep ? "" : v->s);
    else
        a_int(a, keep ? 0 : v->i);
}

/* 1 when column c of row i holds v (an absent value always matches). */
static int same_value(const PGresult *r, int i, int c, const struct fk_record_field *f,
                      const struct fk_record_value *v)
{
    if (fk__value_absent(f, v))
        return 1;
    if (f->kind == FK_RVAL_TEXT)
        return strcmp(col(r, i, c), v->s ? v->s : "") == 0;
    return coli(r, i, c) == v->i;
}

/* Runs statement k (R_GET, R_INS, R_UPD) of type t with a's parameters. */
static int run_rec(struct pg_store *s, fk_record_id t, int k, const struct args *a, PGresult **out)
{
    char name[16];
    int rc, tries = 0;

    *out = NULL;
    snprintf(name, sizeof name, "r%d_%d", (int)t, k);
    if ((rc = ready(s)) != FK_OK)
        return rc;
    do
        rc = check(s, *out = sym_PQexecPrepared(s->conn, name, a->n, a->v, NULL, NULL, 0));
    while (again(s, rc, &tries));
    if (rc != FK_OK)
        *out = NULL;
    return rc;
}

/* The generic put, as the SQLite backend's: reads the record by its natural key, compares the
 * non-key fields, and inserts, updates or does nothing. */
static int put_record(struct pg_store *s, fk_record_id t, const struct fk_record_value *v,
                      int64_t *id, enum fk_put *did, unsigned *changed)
{
    const struct fk_record_type *rt = fk_record_get(t);
    struct args a = {.n = 0};
    int has_id, k, c, rc;
    unsigned diff = 0;
    PGresult *res;

    if (id)
        *id = 0;
    if (changed)
        *changed = 0;
    if (!rt || !s->rec[t]) {
        snprintf(s->msg, sizeof s->msg, "the store has no generic put for %s",
                 rt ? rt->name : "this type");
        return FK_EINVAL;
    }
    has_id = (rt->flags & FK_RECORD_HAS_ID) != 0;
    for (k = 0; k < rt->nfields; k++)
        if (rt->fields[k].flags & FK_RFIELD_KEY)
            arg_value(&a, &rt->fields[k], &v[k], 0);
    if ((rc = run_rec(s, t, R_GET, &a, &res)) != FK_OK)
        return rc;
    if (sym_PQntuples(res) > 0) {
        for (k = 0, c = has_id; k < rt->nfields; k++) {
            if (rt->fields[k].flags & FK_RFIELD_KEY)
                continue;
            if (!same_value(res, 0, c++, &rt->fields[k], &v[k]))
                diff |= 1u << k;
        }
        if (id && has_id)
            *id = coli(res, 0, 0);
        sym_PQclear(res);
        if (changed)
            *changed = diff;
        if (!diff) {
            *did = FK_PUT_SAME;
            return FK_OK;
        }
        *did = FK_PUT_UPDATED;
    } else {
        sym_PQclear(res);
        *did = FK_PUT_NEW;
    }
    a.n = 0;
    for (k = 0; k < rt->nfields; k++)
        arg_value(&a, &rt->fields[k], &v[k], *did == FK_PUT_NEW);
    rc = run_rec(s, t, *did == FK_PUT_NEW ? R_INS : R_UPD, &a, &res);
    if (rc == FK_OK && *did == FK_PUT_NEW && id && has_id && sym_PQntuples(res) > 0)
        *id = coli(res, 0, 0);
    sym_PQclear(res);
    return rc;
}

static int pg_put_record(fk_store *st, fk_record_id t, const struct fk_record_value *v, int64_t *id,
                         enum fk_put *did, unsigned *changed)
{
    return put_record(PG(st), t, v, id, did, changed);
}

/* ---- events ---- */

/* Runs an INSERT ... ON CONFLICT DO NOTHING and says whether it added a row. */
static int insert_ignore(struct pg_store *s, enum stmt_id id, const struct args *a,
                         enum fk_put *did)
{
    int64_t n = 0;
    int rc = run_done(s, id, a, &n);

    *did = n ? FK_PUT_NEW : FK_PUT_SAME;
    return rc;
}

static int pg_add_scan(fk_store *st, int64_t person, int64_t venue, int64_t time, enum fk_put *did)
{
    struct args a = {.n = 0};

    a_int(&a, person);
    a_int(&a, venue);
    a_int(&a, time);
    return insert_ignore(PG(st), S_SCAN_INS, &a, did);
}

static int pg_add_ping(fk_store *st, int64_t person, const char *cell, int64_t time,
                       enum fk_put *did)
{
    struct args a = {.n = 0};

    a_int(&a, person);
    a_text(&a, cell);
    a_int(&a, time);
    return insert_ignore(PG(st), S_PING_INS, &a, did);
}

static int pg_add_sample(fk_store *st, const struct fk_sample_row *r, enum fk_put *did)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    if (!in_txn(s) || s->in_read) {
        snprintf(s->msg, sizeof s->msg, "a sample added outside a batch");
        return FK_EDB;
    }
    a_text(&a, r->tube);
    a_int(&a, r->person);
    a_int(&a, r->time);
    a_text(&a, r->site);
    a_int(&a, r->shipped);
    rc = run(s, S_SAMPLE_PUT, &a, &res);
    if (rc != FK_OK)
        return rc;
    *did = sym_PQntuples(res) == 0 ? FK_PUT_SAME : coli(res, 0, 0) ? FK_PUT_NEW : FK_PUT_UPDATED;
    sym_PQclear(res);
    return FK_OK;
}

static int pg_tube_exists(fk_store *st, const char *tube)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    a_text(&a, tube);
    rc = run_row(s, S_TUBE_EXISTS, &a, &res);
    sym_PQclear(res);
    return rc;
}

static int pg_put_result(fk_store *st, const struct fk_result_row *r, enum fk_put *did)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    a_text(&a, r->tube);
    rc = run_row(s, S_RESULT_GET, &a, &res);
    if (rc == FK_OK) {
        int64_t t = coli(res, 0, 1);
        int same = coli(res, 0, 0) == r->result && t == r->time &&
                   (!r->lab || strcmp(col(res, 0, 2), r->lab) == 0) &&
                   coli(res, 0, 3) == r->received;

        sym_PQclear(res);
        if (same || r->time < t) {
            *did = same ? FK_PUT_SAME : FK_PUT_OLDER;
            return FK_OK;
        }
        *did = FK_PUT_UPDATED;
    } else if (rc == FK_ENOENT) {
        *did = FK_PUT_NEW;
    } else {
        return rc;
    }
    a.n = 0;
    a_text(&a, r->tube);
    a_int(&a, r->result);
    a_int(&a, r->time);
    a_text(&a, r->lab);
    a_int(&a, r->received);
    return run_done(s, *did == FK_PUT_NEW ? S_RESULT_INS : S_RESULT_UPD, &a, NULL);
}

/* ---- reads of one row ---- */

static int pg_get_person(fk_store *st, int64_t id, struct fk_person_row *out)
{
    struct pg_store *s = PG(st);
    const char **dst[8] = {&out->id_number, &out->name, &out->phone,   &out->grid,
                           &out->household, &out->tags, &out->address, NULL};
    struct args a = {.n = 0};
    PGresult *res;
    int rc, i;

    memset(out, 0, sizeof *out);
    a_int(&a, id);
    rc = run_row(s, S_PERSON_BY_ID, &a, &res);
    if (rc != FK_OK)
        return rc;
    out->id = coli(res, 0, 0);
    out->id_type = (int)coli(res, 0, 1);
    for (i = 0; dst[i]; i++) {
        *dst[i] = keep(&s->person_buf[i], col(res, 0, i + 2));
        if (!*dst[i]) {
            sym_PQclear(res);
            memset(out, 0, sizeof *out);
            return FK_ENOMEM;
        }
    }
    sym_PQclear(res);
    return FK_OK;
}

static int pg_find_person(fk_store *st, const char *id_number, int64_t *id)
{
    return find_int64(PG(st), S_PERSON_GET, id_number, id);
}

static int pg_get_region(fk_store *st, const char *code, struct fk_region_row *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_text(&a, code);
    rc = run_row(s, S_REGION_GET, &a, &res);
    if (rc != FK_OK)
        return rc;
    out->code = keep(&s->region_buf[0], code);
    out->name = keep(&s->region_buf[1], col(res, 0, 0));
    out->level = (int)coli(res, 0, 1);
    out->parent = keep(&s->region_buf[2], col(res, 0, 2));
    out->worker = keep(&s->region_buf[3], col(res, 0, 3));
    out->worker_phone = keep(&s->region_buf[4], col(res, 0, 4));
    sym_PQclear(res);
    if (!out->code || !out->name || !out->parent || !out->worker || !out->worker_phone) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static int pg_get_case(fk_store *st, int64_t person, struct fk_case_row *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_int(&a, person);
    rc = run_row(s, S_CASE_GET, &a, &res);
    if (rc != FK_OK)
        return rc;
    out->person = coli(res, 0, 0);
    out->confirmed = coli(res, 0, 1);
    out->onset = coli(res, 0, 2);
    out->kind = (int)coli(res, 0, 3);
    out->isolated = coli(res, 0, 4);
    out->reported = coli(res, 0, 5);
    sym_PQclear(res);
    return FK_OK;
}

static int pg_open_control(fk_store *st, int64_t person, int *category)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    *category = -1;
    a_int(&a, person);
    rc = run_row(s, S_CONTROL_OPEN, &a, &res);
    if (rc != FK_OK)
        return rc;
    *category = (int)coli(res, 0, 0);
    sym_PQclear(res);
    return FK_OK;
}

/* ---- walks of the indexes' inputs ---- */

static int row_region(const PGresult *r, int i, struct walk *w)
{
    struct fk_region_row g = {.code = col(r, i, 0),
                              .name = col(r, i, 1),
                              .parent = col(r, i, 3),
                              .level = (int)coli(r, i, 2),
                              .lon = col(r, i, 4),
                              .lat = col(r, i, 5),
                              .worker = col(r, i, 6),
                              .worker_phone = col(r, i, 7)};

    return w->cb.region(w->ud, &g);
}

static int pg_each_region(fk_store *st, fk_region_cb cb, void *ud)
{
    struct walk w = {.cb.region = cb, .ud = ud};

    return each(PG(st),
                "SELECT code, name, level, parent, lon, lat, worker, worker_phone FROM regions "
                "ORDER BY code",
                row_region, &w);
}

static int row_person_key(const PGresult *r, int i, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = coli(r, i, 0);
    p.id_number = col(r, i, 1);
    p.grid = col(r, i, 2);
    p.household = col(r, i, 3);
    return w->cb.person(w->ud, &p);
}

static int pg_each_person_key(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w = {.cb.person = cb, .ud = ud};

    return each(PG(st), "SELECT id, id_number, grid, household FROM persons ORDER BY id",
                row_person_key, &w);
}

static int row_person_shown(const PGresult *r, int i, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = coli(r, i, 0);
    p.id_number = col(r, i, 1);
    p.name = col(r, i, 2);
    p.phone = col(r, i, 3);
    p.grid = col(r, i, 4);
    return w->cb.person(w->ud, &p);
}

static int pg_each_person_shown(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w = {.cb.person = cb, .ud = ud};

    return each(PG(st), "SELECT id, id_number, name, phone, grid FROM persons ORDER BY id",
                row_person_shown, &w);
}

static int row_person_tagged(const PGresult *r, int i, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = coli(r, i, 0);
    p.id_number = col(r, i, 1);
    p.grid = col(r, i, 2);
    p.tags = col(r, i, 3);
    return w->cb.person(w->ud, &p);
}

static int pg_each_person_tagged(fk_store *st, fk_person_cb cb, void *ud)
{
    struct walk w = {.cb.person = cb, .ud = ud};

    return each(PG(st),
                "SELECT id, id_number, grid, tags FROM persons WHERE tags <> '' ORDER BY id",
                row_person_tagged, &w);
}

static int row_venue(const PGresult *r, int i, struct walk *w)
{
    struct fk_venue_row v = {coli(r, i, 0), col(r, i, 1), col(r, i, 2), col(r, i, 3),
                             col(r, i, 4),  col(r, i, 5), col(r, i, 6)};

    return w->cb.venue(w->ud, &v);
}

static int pg_each_venue(fk_store *st, fk_venue_cb cb, void *ud)
{
    struct walk w = {.cb.venue = cb, .ud = ud};

    return each(PG(st), "SELECT id, code, name, type, grid, lon, lat FROM venues ORDER BY id",
                row_venue, &w);
}

static int row_sample(const PGresult *r, int i, struct walk *w)
{
    struct fk_sample_row m = {col(r, i, 0), col(r, i, 3), coli(r, i, 1), coli(r, i, 2),
                              coli(r, i, 4)};

    return w->cb.sample(w->ud, &m);
}

static int pg_each_sample(fk_store *st, fk_sample_cb cb, void *ud)
{
    struct walk w = {.cb.sample = cb, .ud = ud};

    return each(PG(st),
                "SELECT tube, person, time, site, shipped FROM samples ORDER BY tube, person",
                row_sample, &w);
}

static int pg_each_tube_member(fk_store *st, const char *tube, fk_sample_cb cb, void *ud)
{
    struct walk w = {.cb.sample = cb, .ud = ud};
    struct args a = {.n = 0};

    a_text(&a, tube);
    return walk(PG(st),
                "SELECT tube, person, time, site, shipped FROM samples WHERE tube = $1 "
                "ORDER BY person",
                &a, row_sample, &w);
}

static int row_result(const PGresult *r, int i, struct walk *w)
{
    struct fk_result_row x = {col(r, i, 0), col(r, i, 3), (int)coli(r, i, 1), coli(r, i, 2),
                              coli(r, i, 4)};

    return w->cb.result(w->ud, &x);
}

static int pg_each_result(fk_store *st, fk_result_cb cb, void *ud)
{
    struct walk w = {.cb.result = cb, .ud = ud};

    return each(PG(st), "SELECT tube, result, time, lab, received FROM results ORDER BY tube",
                row_result, &w);
}

static int row_case(const PGresult *r, int i, struct walk *w)
{
    struct fk_case_row c;

    c.person = coli(r, i, 0);
    c.confirmed = coli(r, i, 1);
    c.onset = coli(r, i, 2);
    c.kind = (int)coli(r, i, 3);
    c.isolated = coli(r, i, 4);
    c.reported = coli(r, i, 5);
    return w->cb.kase(w->ud, &c);
}

static int pg_each_case(fk_store *st, fk_case_cb cb, void *ud)
{
    struct walk w = {.cb.kase = cb, .ud = ud};

    return each(PG(st),
                "SELECT person, confirmed, onset, kind, isolated, reported FROM cases "
                "ORDER BY person",
                row_case, &w);
}

static int row_scan(const PGresult *r, int i, struct walk *w)
{
    struct fk_event_row e = {coli(r, i, 0), coli(r, i, 1), coli(r, i, 2), NULL};

    return w->cb.event(w->ud, &e);
}

static int pg_each_scan(fk_store *st, fk_event_cb cb, void *ud)
{
    struct walk w = {.cb.event = cb, .ud = ud};

    return each(PG(st), "SELECT person, venue, time FROM scans ORDER BY person, venue, time",
                row_scan, &w);
}

static int row_ping(const PGresult *r, int i, struct walk *w)
{
    struct fk_event_row e = {coli(r, i, 0), 0, coli(r, i, 2), col(r, i, 1)};

    return w->cb.event(w->ud, &e);
}

static int pg_each_ping(fk_store *st, fk_event_cb cb, void *ud)
{
    struct walk w = {.cb.event = cb, .ud = ud};

    return each(PG(st), "SELECT person, cell, time FROM pings ORDER BY person, cell, time",
                row_ping, &w);
}

static int pg_count(fk_store *st, const char *table, int64_t *out)
{
    struct pg_store *s = PG(st);
    PGresult *res;
    char sql[64];
    int rc;

    *out = 0;
    /* table is one of fk_store_count's names, never a caller's text */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    rc = query(s, sql, &res);
    if (rc == FK_OK) {
        *out = coli(res, 0, 0);
        sym_PQclear(res);
    }
    return rc;
}

/* ---- rounds ---- */

static int pg_add_round(fk_store *st, struct fk_round *r)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    r->created = (int64_t)time(NULL);
    a_text(&a, r->name);
    a_text(&a, r->region);
    a_int(&a, r->start);
    a_int(&a, r->end);
    a_int(&a, r->created);
    rc = run_row(s, S_ROUND_INS, &a, &res);
    if (rc == FK_ENOENT) {
        snprintf(s->msg, sizeof s->msg, "a round named '%s' already exists", r->name);
        return FK_ECONFLICT;
    }
    if (rc != FK_OK)
        return rc;
    r->id = coli(res, 0, 0);
    sym_PQclear(res);
    return FK_OK;
}

static void read_round(const PGresult *q, int i, struct fk_round *r)
{
    memset(r, 0, sizeof *r);
    r->id = coli(q, i, 0);
    fk_strlcpy(r->name, col(q, i, 1), sizeof r->name);
    fk_strlcpy(r->region, col(q, i, 2), sizeof r->region);
    r->start = coli(q, i, 3);
    r->end = coli(q, i, 4);
    r->created = coli(q, i, 5);
}

static int pg_get_round(fk_store *st, const char *name, struct fk_round *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_text(&a, name);
    rc = run_row(s, S_ROUND_GET, &a, &res);
    if (rc != FK_OK)
        return rc;
    read_round(res, 0, out);
    sym_PQclear(res);
    return FK_OK;
}

static int row_round(const PGresult *r, int i, struct walk *w)
{
    struct fk_round x;

    read_round(r, i, &x);
    return w->cb.round(w->ud, &x);
}

static int pg_each_round(fk_store *st, fk_round_cb cb, void *ud)
{
    struct walk w = {.cb.round = cb, .ud = ud};

    return each(PG(st), "SELECT id, name, region, start, \"end\", created FROM rounds ORDER BY id",
                row_round, &w);
}

/* ---- accounts, sessions, audit ---- */

/* The account's name, role, scope, pwhash and disabled as $1 to $5. */
static void args_user(struct args *a, const struct fk_user *u)
{
    a_text(a, u->name);
    a_text(a, u->role);
    a_text(a, u->scope);
    a_text(a, u->pwhash);
    a_int(a, u->disabled);
}

static int pg_add_user(fk_store *st, const struct fk_user *u)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    args_user(&a, u);
    a_int(&a, u->created ? u->created : (int64_t)time(NULL));
    rc = run_row(s, S_USER_INS, &a, &res);
    if (rc == FK_ENOENT) {
        snprintf(s->msg, sizeof s->msg, "a user named '%s' already exists", u->name);
        return FK_ECONFLICT;
    }
    sym_PQclear(res);
    return rc;
}

static int pg_update_user(fk_store *st, const struct fk_user *u)
{
    struct args a = {.n = 0};
    int64_t n = 0;
    int rc;

    args_user(&a, u);
    rc = run_done(PG(st), S_USER_UPD, &a, &n);
    return rc == FK_OK && n == 0 ? FK_ENOENT : rc;
}

static int get_user(struct pg_store *s, enum stmt_id id, const struct args *a, struct fk_user *out)
{
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    rc = run_row(s, id, a, &res);
    if (rc != FK_OK)
        return rc;
    out->id = coli(res, 0, 0);
    out->name = keep(&s->user_buf[0], col(res, 0, 1));
    out->role = keep(&s->user_buf[1], col(res, 0, 2));
    out->scope = keep(&s->user_buf[2], col(res, 0, 3));
    out->pwhash = keep(&s->user_buf[3], col(res, 0, 4));
    out->disabled = (int)coli(res, 0, 5);
    out->created = coli(res, 0, 6);
    sym_PQclear(res);
    return out->name && out->role && out->scope && out->pwhash ? FK_OK : FK_ENOMEM;
}

static int pg_get_user(fk_store *st, const char *name, struct fk_user *out)
{
    struct args a = {.n = 0};

    a_text(&a, name);
    return get_user(PG(st), S_USER_GET, &a, out);
}

static int pg_get_user_by_id(fk_store *st, int64_t id, struct fk_user *out)
{
    struct args a = {.n = 0};

    a_int(&a, id);
    return get_user(PG(st), S_USER_BY_ID, &a, out);
}

static int row_user(const PGresult *r, int i, struct walk *w)
{
    struct fk_user u;

    memset(&u, 0, sizeof u);
    u.id = coli(r, i, 0);
    u.name = col(r, i, 1);
    u.role = col(r, i, 2);
    u.scope = col(r, i, 3);
    u.pwhash = "";
    u.disabled = (int)coli(r, i, 4);
    u.created = coli(r, i, 5);
    return w->cb.user(w->ud, &u);
}

static int pg_each_user(fk_store *st, fk_user_cb cb, void *ud)
{
    struct walk w = {.cb.user = cb, .ud = ud};

    return each(PG(st), "SELECT id, name, role, scope, disabled, created FROM users ORDER BY name",
                row_user, &w);
}

static int pg_add_token(fk_store *st, const char *hash, int64_t user, int64_t created,
                        int64_t expires)
{
    struct args a = {.n = 0};

    a_text(&a, hash);
    a_int(&a, user);
    a_int(&a, created);
    a_int(&a, expires);
    return run_done(PG(st), S_TOKEN_INS, &a, NULL);
}

static int pg_get_token(fk_store *st, const char *hash, int64_t *user, int64_t *expires)
{
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    *user = 0;
    *expires = 0;
    a_text(&a, hash);
    rc = run_row(PG(st), S_TOKEN_GET, &a, &res);
    if (rc != FK_OK)
        return rc;
    *user = coli(res, 0, 0);
    *expires = coli(res, 0, 1);
    sym_PQclear(res);
    return FK_OK;
}

static int pg_del_token(fk_store *st, const char *hash)
{
    struct args a = {.n = 0};

    a_text(&a, hash);
    return run_done(PG(st), S_TOKEN_DEL, &a, NULL);
}

static int pg_del_user_tokens(fk_store *st, int64_t user)
{
    struct args a = {.n = 0};

    a_int(&a, user);
    return run_done(PG(st), S_TOKEN_DEL_USER, &a, NULL);
}

static int pg_add_audit(fk_store *st, const struct fk_audit_row *x)
{
    struct args a = {.n = 0};

    a_int(&a, x->time ? x->time : (int64_t)time(NULL));
    a_text(&a, x->who);
    a_text(&a, x->action);
    a_text(&a, x->target);
    a_text(&a, x->detail);
    a_text(&a, x->region);
    return run_done(PG(st), S_AUDIT_INS, &a, NULL);
}

static int row_audit(const PGresult *r, int i, struct walk *w)
{
    struct fk_audit_row x = {coli(r, i, 0), coli(r, i, 1), col(r, i, 2), col(r, i, 3),
                             col(r, i, 4),  col(r, i, 5),  col(r, i, 6)};

    return w->cb.audit(w->ud, &x);
}

static int pg_each_audit(fk_store *st, int64_t since, fk_audit_cb cb, void *ud)
{
    struct walk w = {.cb.audit = cb, .ud = ud};

    return each_with(PG(st),
                     "SELECT id, time, who, action, target, detail, region FROM audit "
                     "WHERE time >= $1 ORDER BY id",
                     since, row_audit, &w);
}

/* ---- control ---- */

static int pg_add_door_event(fk_store *st, const struct fk_door_row *d, enum fk_put *did)
{
    struct args a = {.n = 0};

    a_text(&a, d->device);
    a_int(&a, d->time);
    a_int(&a, d->event);
    a_int(&a, d->person);
    return insert_ignore(PG(st), S_DOOR_INS, &a, did);
}

static int pg_add_alert(fk_store *st, const struct fk_alert_row *x, enum fk_put *did)
{
    struct args a = {.n = 0};

    a_int(&a, x->kind);
    a_int(&a, x->person);
    a_int(&a, x->time);
    a_text(&a, x->device);
    a_text(&a, x->detail);
    a_int(&a, x->raised);
    return insert_ignore(PG(st), S_ALERT_INS, &a, did);
}

static int pg_update_alert(fk_store *st, int64_t id, int status, const char *who, const char *note,
                           int64_t updated)
{
    struct args a = {.n = 0};
    int64_t n = 0;
    int rc;

    a_int(&a, id);
    a_int(&a, status);
    a_text(&a, who);
    a_text(&a, note);
    a_int(&a, updated);
    rc = run_done(PG(st), S_ALERT_UPD, &a, &n);
    return rc == FK_OK && n == 0 ? FK_ENOENT : rc;
}

static void read_control(const PGresult *r, int i, struct fk_control_row *c)
{
    c->id = coli(r, i, 0);
    c->person = coli(r, i, 1);
    c->category = (int)coli(r, i, 2);
    c->place = (int)coli(r, i, 3);
    c->start = coli(r, i, 4);
    c->end = coli(r, i, 5);
    c->regime = col(r, i, 6);
    c->site = col(r, i, 7);
    c->device = col(r, i, 8);
    c->extended = (int)coli(r, i, 9);
}

static int pg_get_control(fk_store *st, int64_t id, struct fk_control_row *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_int(&a, id);
    rc = run_row(s, S_CONTROL_BY_ID, &a, &res);
    if (rc != FK_OK)
        return rc;
    read_control(res, 0, out);
    out->regime = keep(&s->row_buf[0], col(res, 0, 6));
    out->site = keep(&s->row_buf[1], col(res, 0, 7));
    out->device = keep(&s->row_buf[2], col(res, 0, 8));
    sym_PQclear(res);
    if (!out->regime || !out->site || !out->device) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static void read_alert(const PGresult *r, int i, struct fk_alert_row *x)
{
    x->id = coli(r, i, 0);
    x->kind = (int)coli(r, i, 1);
    x->person = coli(r, i, 2);
    x->time = coli(r, i, 3);
    x->device = col(r, i, 4);
    x->detail = col(r, i, 5);
    x->status = (int)coli(r, i, 6);
    x->raised = coli(r, i, 7);
    x->who = col(r, i, 8);
    x->note = col(r, i, 9);
    x->updated = coli(r, i, 10);
}

static int pg_get_alert(fk_store *st, int64_t id, struct fk_alert_row *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_int(&a, id);
    rc = run_row(s, S_ALERT_GET, &a, &res);
    if (rc != FK_OK)
        return rc;
    read_alert(res, 0, out);
    out->device = keep(&s->row_buf[0], col(res, 0, 4));
    out->detail = keep(&s->row_buf[1], col(res, 0, 5));
    out->who = keep(&s->row_buf[2], col(res, 0, 8));
    out->note = keep(&s->row_buf[3], col(res, 0, 9));
    sym_PQclear(res);
    if (!out->device || !out->detail || !out->who || !out->note) {
        memset(out, 0, sizeof *out);
        return FK_ENOMEM;
    }
    return FK_OK;
}

static int pg_find_device(fk_store *st, const char *device, int64_t *person)
{
    return find_int64(PG(st), S_DEVICE_FIND, device, person);
}

static int pg_coldchain_batch_known(fk_store *st, const char *batch)
{
    int64_t n;
    int rc = find_int64(PG(st), S_COLD_BATCH, batch, &n);

    return rc != FK_OK ? rc : n ? FK_OK : FK_ENOENT;
}

static int pg_door_before(fk_store *st, const char *device, int64_t t, struct fk_door_row *out)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int rc;

    memset(out, 0, sizeof *out);
    a_text(&a, device);
    a_int(&a, t);
    rc = run_row(s, S_DOOR_BEFORE, &a, &res);
    if (rc != FK_OK)
        return rc;
    out->time = coli(res, 0, 0);
    out->event = (int)coli(res, 0, 1);
    out->person = coli(res, 0, 2);
    sym_PQclear(res);
    out->device = keep(&s->row_buf[0], device);
    return out->device ? FK_OK : FK_ENOMEM;
}

#define CONTROL_COLS                                                                               \
    "SELECT id, person, category, place, start, \"end\", regime, site, device, extended "          \
    "FROM controls "

static int row_control(const PGresult *r, int i, struct walk *w)
{
    struct fk_control_row c;

    read_control(r, i, &c);
    return w->cb.control(w->ud, &c);
}

static int pg_each_control(fk_store *st, int64_t person, fk_control_cb cb, void *ud)
{
    struct walk w = {.cb.control = cb, .ud = ud};

    if (person >= 0)
        return each_with(PG(st), CONTROL_COLS "WHERE person = $1 ORDER BY start", person,
                         row_control, &w);
    return each(PG(st), CONTROL_COLS "ORDER BY person, start", row_control, &w);
}

static int row_arrival(const PGresult *r, int i, struct walk *w)
{
    struct fk_arrival_row x = {coli(r, i, 0), coli(r, i, 1), col(r, i, 2), col(r, i, 3),
                               col(r, i, 4)};

    return w->cb.arrival(w->ud, &x);
}

static int pg_each_arrival(fk_store *st, fk_arrival_cb cb, void *ud)
{
    struct walk w = {.cb.arrival = cb, .ud = ud};

    return each(PG(st),
                "SELECT person, arrived, origin, grid, transport FROM arrivals "
                "ORDER BY person, arrived",
                row_arrival, &w);
}

static int row_risk(const PGresult *r, int i, struct walk *w)
{
    struct fk_risk_area_row x = {col(r, i, 0), (int)coli(r, i, 2), coli(r, i, 1), coli(r, i, 3),
                                 col(r, i, 4)};

    return w->cb.risk(w->ud, &x);
}

static int pg_each_risk_area(fk_store *st, fk_risk_area_cb cb, void *ud)
{
    struct walk w = {.cb.risk = cb, .ud = ud};

    return each(PG(st),
                "SELECT area, start, level, \"end\", name FROM risk_areas ORDER BY area, start",
                row_risk, &w);
}

static int row_alert(const PGresult *r, int i, struct walk *w)
{
    struct fk_alert_row x;

    read_alert(r, i, &x);
    return w->cb.alert(w->ud, &x);
}

static int pg_each_alert(fk_store *st, int status, fk_alert_cb cb, void *ud)
{
    struct walk w = {.cb.alert = cb, .ud = ud};

    return each_with(PG(st),
                     "SELECT id, kind, person, time, device, detail, status, raised, who, note, "
                     "updated FROM alerts WHERE $1::bigint < 0 OR status = $1 ORDER BY id",
                     status, row_alert, &w);
}

static int row_door(const PGresult *r, int i, struct walk *w)
{
    struct fk_door_row d = {col(r, i, 0), coli(r, i, 3), coli(r, i, 1), (int)coli(r, i, 2)};

    return w->cb.door(w->ud, &d);
}

static int pg_each_silent_device(fk_store *st, int64_t before, fk_door_cb cb, void *ud)
{
    struct walk w = {.cb.door = cb, .ud = ud};

    return each_with(PG(st),
                     "SELECT d.device, d.time, d.event, d.person FROM door_events d "
                     "WHERE d.event = 2 AND d.time <= $1 AND NOT EXISTS (SELECT 1 FROM "
                     "door_events e WHERE e.device = d.device AND e.time > d.time) "
                     "ORDER BY d.device",
                     before, row_door, &w);
}

static int row_sentinel(const PGresult *r, int i, struct walk *w)
{
    struct fk_sentinel_row x = {col(r, i, 0),       col(r, i, 3),  col(r, i, 4),
                                (int)coli(r, i, 1), coli(r, i, 2), coli(r, i, 5)};

    return w->cb.sentinel(w->ud, &x);
}

static int pg_each_sentinel(fk_store *st, int64_t from, int64_t to, int kind, fk_sentinel_cb cb,
                            void *ud)
{
    struct walk w = {.cb.sentinel = cb, .ud = ud};
    struct args a = {.n = 0};

    a_int(&a, from);
    a_int(&a, to);
    a_int(&a, kind);
    /* In the SQLite backend's order: the table's (its key) for every row, else by time. */
    return walk(PG(st),
                from == INT64_MIN && to == INT64_MAX
                    ? "SELECT source, kind, time, grid, id_number, count FROM sentinels "
                      "WHERE $1::bigint = $1 AND $2::bigint = $2 AND ($3::bigint < 0 OR "
                      "kind = $3) ORDER BY source, kind, time, grid, id_number"
                    : "SELECT source, kind, time, grid, id_number, count FROM sentinels "
                      "WHERE time BETWEEN $1 AND $2 AND ($3::bigint < 0 OR kind = $3) "
                      "ORDER BY time",
                &a, row_sentinel, &w);
}

static int pg_add_gate_count(fk_store *st, const struct fk_gate_count_row *r)
{
    struct args a = {.n = 0};
    int i;

    a_text(&a, r->gate);
    a_int(&a, r->type);
    a_int(&a, r->hour);
    a_text(&a, r->scope);
    for (i = 0; i < 4; i++)
        a_int(&a, r->n[i]);
    a_int(&a, r->last);
    return run_done(PG(st), S_GATE_COUNT_ADD, &a, NULL);
}

static int row_gate_count(const PGresult *r, int i, struct walk *w)
{
    struct fk_gate_count_row x;
    int k;

    x.gate = col(r, i, 0);
    x.type = (int)coli(r, i, 1);
    x.hour = coli(r, i, 2);
    x.scope = col(r, i, 3);
    for (k = 0; k < 4; k++)
        x.n[k] = coli(r, i, 4 + k);
    x.last = coli(r, i, 8);
    return w->cb.gate_count(w->ud, &x);
}

static int pg_each_gate_count(fk_store *st, int64_t from, fk_gate_count_cb cb, void *ud)
{
    struct walk w = {.cb.gate_count = cb, .ud = ud};

    return each_with(PG(st),
                     "SELECT gate, type, hour, scope, green, yellow, red, bad, last FROM "
                     "gate_counts WHERE hour >= $1 ORDER BY hour, gate, type",
                     from, row_gate_count, &w);
}

/* ---- the person search ---- */

static int row_person_full(const PGresult *r, int i, struct walk *w)
{
    struct fk_person_row p;

    memset(&p, 0, sizeof p);
    p.id = coli(r, i, 0);
    p.id_type = (int)coli(r, i, 1);
    p.id_number = col(r, i, 2);
    p.name = col(r, i, 3);
    p.phone = col(r, i, 4);
    p.grid = col(r, i, 5);
    p.household = col(r, i, 6);
    p.tags = col(r, i, 7);
    return w->cb.person(w->ud, &p);
}

static int pg_search_persons(fk_store *st, enum fk_person_key key, const char *value,
                             const char *grid, fk_person_cb cb, void *ud)
{
#define PERSON_COLS                                                                                \
    "SELECT id, id_type, id_number, name, phone, grid, household, tags FROM persons "
    static const char *const sql[] = {
        [FK_PKEY_ID] = PERSON_COLS "WHERE id_number = $1",
        [FK_PKEY_ID6] = PERSON_COLS "WHERE right(id_number, 6) = $1 ORDER BY id",
        [FK_PKEY_NAME] = PERSON_COLS "WHERE name >= $1 AND name < $2 ORDER BY name, id",
        [FK_PKEY_PHONE4] = PERSON_COLS "WHERE right(phone, 4) = $1 AND phone <> '' ORDER BY id",
        [FK_PKEY_PHONE] = PERSON_COLS "WHERE right(phone, 4) = right($1, 4) AND phone <> '' AND "
                                      "phone = $1 ORDER BY id",
        [FK_PKEY_HOUSEHOLD] = PERSON_COLS "WHERE household = $1 AND household <> '' ORDER BY id",
    };
    static const char *const in_grid =
        PERSON_COLS "WHERE grid = $3 AND name >= $1 AND name < $2 ORDER BY grid, name, id";
#undef PERSON_COLS
    struct walk w = {.cb.person = cb, .ud = ud};
    struct args a = {.n = 0};
    char end[256];

    if ((unsigned)key > FK_PKEY_HOUSEHOLD)
        return FK_EINVAL;
    a_text(&a, value);
    if (key == FK_PKEY_NAME) {
        fk__prefix_end(value ? value : "", end, sizeof end);
        a_text(&a, end);
        if (grid)
            a_text(&a, grid);
    }
    return walk(PG(st), key == FK_PKEY_NAME && grid ? in_grid : sql[key], &a, row_person_full, &w);
}

static int pg_grid_names(fk_store *st, const char *grid, const char *prefix, const char *upto,
                         size_t limit, fk_person_name_cb cb, void *ud)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    char end[256];
    int rc, ret = FK_OK, i, n;

    a_text(&a, grid);
    a_text(&a, prefix);
    if (upto) {
        a_text(&a, upto);
    } else {
        fk__prefix_end(prefix ? prefix : "", end, sizeof end);
        a_text(&a, end);
    }
    a_int(&a, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
    rc = run(s, upto ? S_GRID_NAMES_UPTO : S_GRID_NAMES, &a, &res);
    if (rc != FK_OK)
        return rc;
    n = sym_PQntuples(res);
    for (i = 0; i < n && ret == FK_OK; i++)
        ret = cb(ud, coli(res, i, 0), col(res, i, 1));
    sym_PQclear(res);
    return ret;
}

/* ---- the export walk and the generic records ---- */

/* A row as values: an integer column as i, any other as text; SQL NULL as absent. */
static int row_record(const PGresult *r, int i, struct walk *w)
{
    struct fk_record_value v[FK_RECORD_MAXCOLS + 4];
    int n = sym_PQnfields(r), k;

    if (n > (int)(sizeof v / sizeof v[0]))
        n = (int)(sizeof v / sizeof v[0]);
    for (k = 0; k < n; k++) {
        Oid ty = sym_PQftype(r, k);
        int isint = ty == OID_INT8 || ty == OID_INT4 || ty == OID_INT2;

        v[k].absent = sym_PQgetisnull(r, i, k);
        v[k].i = isint && !v[k].absent ? coli(r, i, k) : 0;
        v[k].s = isint ? NULL : col(r, i, k);
    }
    return w->cb.record(w->ud, v, (size_t)n);
}

static int pg_each_record(fk_store *st, fk_record_id t, fk_record_cb cb, void *ud)
{
    struct pg_store *s = PG(st);
    const struct fk_record_type *rt = fk_record_get(t);
    struct walk w = {.cb.record = cb, .ud = ud};
    char *sql;
    int rc;

    if (t == FK_IMPORT_SAMPLES)
        /* The export's columns (tube, id_number, time, site, shipped), then the person's grid
         * for the scope, in the segment files' order (tube, person). */
        return each(s,
                    "SELECT s.tube, p.id_number, s.time, s.site, s.shipped, p.grid FROM samples s "
                    "JOIN persons p ON p.id = s.person ORDER BY s.tube, s.person",
                    row_record, &w);
    if (!rt || !(rt->pg.all || rt->sqlite.all)) {
        snprintf(s->msg, sizeof s->msg, "the store cannot list %s", rt ? rt->name : "this type");
        return FK_EINVAL;
    }
    sql = rt->pg.all ? NULL : translate(rt->sqlite.all, 0);
    if (!rt->pg.all && !sql)
        return FK_ENOMEM;
    rc = each(s, rt->pg.all ? rt->pg.all : sql, row_record, &w);
    free(sql);
    return rc;
}

static int pg_each_transfer(fk_store *st, const char *task, int64_t person, fk_record_cb cb,
                            void *ud)
{
    struct walk w = {.cb.record = cb, .ud = ud};
    struct args a = {.n = 0};

    if (task)
        a_text(&a, task);
    else
        a_null(&a);
    a_int(&a, person);
    return walk(PG(st),
                "SELECT t.task, p.id_number, t.from_kind, t.from_place, t.to_kind, "
                "t.to_place, t.vehicle, t.escort, t.planned, t.picked_up, "
                "t.handed_over, p.name, p.grid, t.person "
                "FROM transfers t JOIN persons p ON p.id = t.person "
                "WHERE ($1::text IS NULL OR t.task = $1) AND ($2::bigint < 0 OR t.person = $2) "
                "ORDER BY t.task, p.id_number",
                &a, row_record, &w);
}

/* ---- vaccinations, problems' and zones' history ---- */

static int row_vax(const PGresult *r, int i, struct walk *w)
{
    struct fk_vax_row v = {coli(r, i, 0), coli(r, i, 2), (int)coli(r, i, 1), col(r, i, 3)};

    return w->cb.vax(w->ud, &v);
}

static int pg_each_vaccination(fk_store *st, int64_t person, fk_vax_cb cb, void *ud)
{
    struct walk w = {.cb.vax = cb, .ud = ud};

    if (person >= 0)
        return each_with(PG(st),
                         "SELECT person, dose, time, vaccine FROM vaccinations WHERE person = $1 "
                         "ORDER BY time, dose",
                         person, row_vax, &w);
    return each(PG(st),
                "SELECT person, dose, time, vaccine FROM vaccinations ORDER BY person, time, dose",
                row_vax, &w);
}

static int pg_add_vax_push(fk_store *st, const char *region, int64_t time, const char *who,
                           const int64_t *members, size_t n, int64_t *id)
{
    struct pg_store *s = PG(st);
    struct args a = {.n = 0};
    PGresult *res;
    int64_t push;
    size_t i;
    int rc;

    a_text(&a, region);
    a_int(&a, time);
    a_text(&a, who);
    a_int(&a, (int64_t)n);
    rc = run_row(s, S_PUSH_INS, &a, &res);
    if (rc != FK_OK)
        return rc == FK_ENOENT ? FK_EDB : rc;
    push = coli(res, 0, 0);
    sym_PQclear(res);
    for (i = 0; i < n && rc == FK_OK; i++) {
        a.n = 0;
        a_int(&a, push);
        a_int(&a, members[i]);
        rc = run_done(s, S_PUSH_MEMBER_INS, &a, NULL);
    }
    if (rc == FK_OK && id)
        *id = push;
    return rc;
}

static int row_push(const PGresult *r, int i, struct walk *w)
{
    struct fk_vax_push_row p = {coli(r, i, 0), col(r, i, 1),  coli(r, i, 2),
                                col(r, i, 3),  coli(r, i, 4), coli(r, i, 5)};

    return w->cb.push(w->ud, &p);
}

static int pg_each_vax_push(fk_store *st, int64_t now, fk_vax_push_cb cb, void *ud)
{
    struct walk w = {.cb.push = cb, .ud = ud};

    return each_with(PG(st),
                     "SELECT p.id, p.region, p.time, p.who, p.members, "
                     "(SELECT count(*) FROM vaccination_push_members m WHERE m.push = p.id AND "
                     "EXISTS (SELECT 1 FROM vaccinations v WHERE v.person = m.person AND "
                     "v.time > p.time AND v.time <= $1)) "
                     "FROM vaccination_pushes p WHERE p.id = (SELECT q.id FROM "
                     "vaccination_pushes q WHERE q.region = p.region AND q.time <= $1 "
                     "ORDER BY q.time DESC, q.id DESC LIMIT 1) ORDER BY p.region",
                     now, row_push, &w);
}

static int pg_add_problem_change(fk_store *st, const struct fk_problem_change *h)
{
    struct args a = {.n = 0};

    a_text(&a, h->problem);
    a_int(&a, h->time);
    a_text(&a, h->user);
    a_int(&a, h->from);
    a_int(&a, h->to);
    a_text(&a, h->note);
    return run_done(PG(st), S_PROBLEM_CHANGE_INS, &a, NULL);
}

static int row_change(const PGresult *r, int i, struct walk *w)
{
    struct fk_problem_change h = {coli(r, i, 0), col(r, i, 1),       coli(r, i, 2),
                                  col(r, i, 3),  (int)coli(r, i, 4), (int)coli(r, i, 5),
                                  col(r, i, 6)};

    return w->cb.change(w->ud, &h);
}

static int pg_each_problem_change(fk_store *st, const char *problem, fk_problem_change_cb cb,
                                  void *ud)
{
    struct walk w = {.cb.change = cb, .ud = ud};
    struct args a = {.n = 0};

    if (problem)
        a_text(&a, problem);
    else
        a_null(&a);
    return walk(PG(st),
                "SELECT id, problem, time, \"user\", \"from\", \"to\", note FROM problem_history "
                "WHERE $1::text IS NULL OR problem = $1 ORDER BY problem, id",
                &a, row_change, &w);
}

static int pg_add_zone_change(fk_store *st, const struct fk_zone_change *h)
{
    struct args a = {.n = 0};

    a_text(&a, h->zone);
    a_int(&a, h->at);
    a_int(&a, h->level);
    a_text(&a, h->actor);
    a_text(&a, h->reason);
    return run_done(PG(st), S_ZONE_CHANGE_INS, &a, NULL);
}

static int row_zone_change(const PGresult *r, int i, struct walk *w)
{
    struct fk_zone_change h = {coli(r, i, 0),      col(r, i, 1), coli(r, i, 2),
                               (int)coli(r, i, 3), col(r, i, 4), col(r, i, 5)};

    return w->cb.zone_change(w->ud, &h);
}

static int pg_each_zone_change(fk_store *st, fk_zone_change_cb cb, void *ud)
{
    struct walk w = {.cb.zone_change = cb, .ud = ud};

    return each(PG(st),
                "SELECT id, zone, at, level, actor, reason FROM zone_changes ORDER BY zone, at, id",
                row_zone_change, &w);
}

/* ---- an import's events a batch at a time ---- */

/* Appends s to b as a field of COPY's text format: backslash, tab and line ends escaped. */
static int copy_text(fk_buf *b, const char *s)
{
    const char *p;
    int rc = FK_OK;

    for (p = s ? s : ""; rc == FK_OK && *p; p++) {
        const char *esc = *p == '\\'   ? "\\\\"
                          : *p == '\t' ? "\\t"
                          : *p == '\n' ? "\\n"
                          : *p == '\r' ? "\\r"
                                       : NULL;

        rc = esc ? fk_buf_append(b, esc, 2) : fk_buf_append(b, p, 1);
    }
    return rc;
}

/* Appends one field of a COPY text row: NULL (\N) when absent, else the text (escaped) or the
 * number. */
static int copy_field(fk_buf *b, int absent, int text, const struct fk_record_value *x)
{
    if (absent)
        return fk_buf_append(b, "\\N", 2);
    if (text)
        return copy_text(b, x->s);
    return fk_buf_printf(b, "%lld", (long long)x->i);
}

/* Runs sql, a COPY ... FROM STDIN, with the COPY text rows in b. A failure's message says which
 * row and why, as PostgreSQL does ("Key (id)=(5) already exists."). */
static int copy_rows(struct pg_store *s, const char *sql, const fk_buf *b)
{
    PGresult *res;
    int rc;

    res = sym_PQexec(s->conn, sql);
    if (!res || sym_PQresultStatus(res) != PGRES_COPY_IN) {
        rc = check(s, res);
        if (rc == FK_OK)
            sym_PQclear(res);
        return FK_EDB;
    }
    sym_PQclear(res);
    rc = sym_PQputCopyData(s->conn, b->data ? b->data : "", (int)b->len) == 1 &&
                 sym_PQputCopyEnd(s->conn, NULL) == 1
             ? FK_OK
             : fail(s, NULL);
    /* The COPY's own result, then NULL. */
    while ((res = sym_PQgetResult(s->conn)) != NULL) {
        if (rc == FK_OK && sym_PQresultStatus(res) != PGRES_COMMAND_OK) {
            const char *d = sym_PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
            size_t len;

            rc = fail(s, res);
            len = strlen(s->msg);
            if (d && len + 2 < sizeof s->msg) {
                snprintf(s->msg + len, sizeof s->msg - len, ": %s", d);
                one_line(s->msg, sizeof s->msg);
            }
        }
        sym_PQclear(res);
    }
    return rc;
}

/* Empties table (a temporary one) and fills it with the COPY text rows in b. */
static int copy_in(struct pg_store *s, const char *table, const fk_buf *b)
{
    char sql[96];
    int rc;

    snprintf(sql, sizeof sql, "TRUNCATE %s", table);
    if ((rc = exec(s, sql)) != FK_OK)
        return rc;
    snprintf(sql, sizeof sql, "COPY %s FROM STDIN", table);
    return copy_rows(s, sql, b);
}

/* The temporary tables the batches go through, once a session (dropped with it). */
static int staging(struct pg_store *s)
{
    int rc;

    if (s->staging)
        return FK_OK;
    rc = exec(s, "CREATE TEMP TABLE IF NOT EXISTS fk_in_scans (n bigint, person bigint, "
                 "venue bigint, time bigint); "
                 "CREATE TEMP TABLE IF NOT EXISTS fk_in_pings (n bigint, person bigint, "
                 "cell text COLLATE \"C\", time bigint); "
                 "CREATE TEMP TABLE IF NOT EXISTS fk_in_samples (n bigint, tube text COLLATE "
                 "\"C\", person bigint, time bigint, site text COLLATE \"C\", shipped bigint)");
    s->staging = rc == FK_OK;
    return rc;
}

/* Scans or pings: every row is new when it is the first of its key in the batch and not in the
 * table, else the same (INSERT OR IGNORE, a row at a time). */
static int add_moves(struct pg_store *s, int pings, const struct fk_event_row *e, size_t n,
                     enum fk_put *did)
{
    PGresult *res = NULL;
    fk_buf b;
    size_t i;
    int rc = FK_OK, k;

    fk_buf_init(&b, 0);
    for (i = 0; rc == FK_OK && i < n; i++) {
        did[i] = FK_PUT_SAME;
        if (pings) {
            rc = fk_buf_printf(&b, "%zu\t%lld\t", i, (long long)e[i].person);
            rc = rc == FK_OK ? copy_text(&b, e[i].cell) : rc;
            rc = rc == FK_OK ? fk_buf_printf(&b, "\t%lld\n", (long long)e[i].time) : rc;
        } else {
            rc = fk_buf_printf(&b, "%zu\t%lld\t%lld\t%lld\n", i, (long long)e[i].person,
                               (long long)e[i].venue, (long long)e[i].time);
        }
    }
    if (rc == FK_OK)
        rc = copy_in(s, pings ? "fk_in_pings" : "fk_in_scans", &b);
    fk_buf_fini(&b);
    if (rc == FK_OK)
        rc = check(s, res = sym_PQexec(
                          s->conn,
                          pings ? "WITH ins AS (INSERT INTO pings (person, cell, time) SELECT "
                                  "DISTINCT person, cell, time FROM fk_in_pings ON CONFLICT DO "
                                  "NOTHING RETURNING person, cell, time) SELECT min(i.n) FROM ins "
                                  "JOIN fk_in_pings i USING (person, cell, time) GROUP BY "
                                  "i.person, i.cell, i.time"
                                : "WITH ins AS (INSERT INTO scans (person, venue, time) SELECT "
                                  "DISTINCT person, venue, time FROM fk_in_scans ON CONFLICT DO "
                                  "NOTHING RETURNING person, venue, time) SELECT min(i.n) FROM ins "
                                  "JOIN fk_in_scans i USING (person, venue, time) GROUP BY "
                                  "i.person, i.venue, i.time"));
    if (rc != FK_OK)
        return rc;
    for (k = 0; k < sym_PQntuples(res); k++) {
        int64_t at = coli(res, k, 0);

        if (at >= 0 && (size_t)at < n)
            did[at] = FK_PUT_NEW;
    }
    sym_PQclear(res);
    return FK_OK;
}

/* Samples: the first of a key neither stored nor repeated in the batch is new, inserted with
 * the rest of its kind in one statement; one stored with no other shipped time is the same; the
 * others (a key again in the batch, a shipped time to fill in) go one by one in order after
 * them, as pg_add_sample, so each has the answer the calls in order would give. */
static int add_samples(struct pg_store *s, const struct fk_sample_row *r, size_t n,
                       enum fk_put *did)
{
    unsigned char *slow = NULL;
    PGresult *res = NULL;
    fk_buf b;
    size_t i;
    int rc = FK_OK, k;

    fk_buf_init(&b, 0);
    for (i = 0; rc == FK_OK && i < n; i++) {
        did[i] = FK_PUT_NEW;
        rc = fk_buf_printf(&b, "%zu\t", i);
        rc = rc == FK_OK ? copy_text(&b, r[i].tube) : rc;
        rc = rc == FK_OK
                 ? fk_buf_printf(&b, "\t%lld\t%lld\t", (long long)r[i].person, (long long)r[i].time)
                 : rc;
        rc = rc == FK_OK ? copy_text(&b, r[i].site) : rc;
        rc = rc == FK_OK ? fk_buf_printf(&b, "\t%lld\n", (long long)r[i].shipped) : rc;
    }
    if (rc == FK_OK)
        rc = copy_in(s, "fk_in_samples", &b);
    fk_buf_fini(&b);
    /* The rows that are not simply new: 1 the same, 2 one by one. */
    if (rc == FK_OK)
        rc = check(s, res = sym_PQexec(
                          s->conn,
                          "SELECT i.n, CASE WHEN i.r = 1 AND (i.shipped = 0 OR i.shipped = "
                          "st.shipped) THEN 1 ELSE 2 END FROM (SELECT n, tube, person, shipped, "
                          "row_number() OVER (PARTITION BY tube, person ORDER BY n) AS r FROM "
                          "fk_in_samples) i LEFT JOIN samples st USING (tube, person) WHERE "
                          "st.tube IS NOT NULL OR i.r > 1"));
    if (rc != FK_OK)
        return rc;
    slow = calloc(n ? n : 1, 1);
    if (!slow) {
        sym_PQclear(res);
        return FK_ENOMEM;
    }
    for (k = 0; k < sym_PQntuples(res); k++) {
        int64_t at = coli(res, k, 0);

        if (at >= 0 && (size_t)at < n) {
            slow[at] = (unsigned char)coli(res, k, 1);
            did[at] = FK_PUT_SAME;
        }
    }
    sym_PQclear(res);
    rc = exec(s, "INSERT INTO samples (tube, person, time, site, shipped) SELECT tube, person, "
                 "time, site, shipped FROM (SELECT *, row_number() OVER (PARTITION BY tube, "
                 "person ORDER BY n) AS r FROM fk_in_samples) i WHERE i.r = 1 AND NOT EXISTS "
                 "(SELECT 1 FROM samples st WHERE st.tube = i.tube AND st.person = i.person)");
    for (i = 0; rc == FK_OK && i < n; i++)
        if (slow[i] == 2)
            rc = pg_add_sample(&s->base, &r[i], &did[i]);
    free(slow);
    return rc;
}

static int pg_add_events(fk_store *st, fk_record_id type, const struct fk_event_row *e,
                         const struct fk_sample_row *r, size_t n, enum fk_put *did)
{
    struct pg_store *s = PG(st);
    int rc;

    if (!in_txn(s) || s->in_read) {
        snprintf(s->msg, sizeof s->msg, "events added outside a batch");
        return FK_EDB;
    }
    if ((rc = ready(s)) != FK_OK)
        return rc;
    if (n == 0)
        return FK_OK;
    if ((rc = staging(s)) != FK_OK)
        return rc;
    if (type == FK_IMPORT_SAMPLES)
        return add_samples(s, r, n, did);
    return add_moves(s, type == FK_IMPORT_PINGS, e, n, did);
}

/* ---- keyed records a batch at a time ---- */

/* The types put_records merges in a few statements: the table is named as the type, its columns
 * as the fields, and the descriptor's update sets each field to the value given, or keeps the
 * stored one when the value is absent (coalesce), as merge_update does. The others go one by
 * one. */
static int merges(fk_record_id t)
{
    return t == FK_IMPORT_PERSONS || t == FK_IMPORT_VACCINATIONS || t == FK_IMPORT_SENTINELS;
}

/* Appends the key columns' equality of aliases a and b ("a.code = b.code AND ..."). */
static int key_join(fk_buf *b, const struct fk_record_type *rt, const char *x, const char *y)
{
    int k, first = 1, rc = FK_OK;

    for (k = 0; rc == FK_OK && k < rt->nfields; k++)
        if (rt->fields[k].flags & FK_RFIELD_KEY) {
            rc = fk_buf_printf(b, "%s%s.\"%s\" = %s.\"%s\"", first ? "" : " AND ", x,
                               rt->fields[k].name, y, rt->fields[k].name);
            first = 0;
        }
    return rc;
}

/* The temporary table type t's rows go through (n, then the fields), once a session. */
static int staging_rec(struct pg_store *s, const struct fk_record_type *rt)
{
    fk_buf sql;
    int k, rc;

    if (s->staged & (UINT64_C(1) << rt->id))
        return FK_OK;
    fk_buf_init(&sql, 0);
    rc = fk_buf_printf(&sql, "CREATE TEMP TABLE IF NOT EXISTS fk_in_%s (n bigint", rt->name);
    for (k = 0; rc == FK_OK && k < rt->nfields; k++)
        rc = fk_buf_printf(&sql, ", \"%s\" %s", rt->fields[k].name,
                           rt->fields[k].kind == FK_RVAL_TEXT ? "text COLLATE \"C\"" : "bigint");
    rc = rc == FK_OK ? fk_buf_puts(&sql, ")") : rc;
    rc = rc == FK_OK ? exec(s, sql.data) : rc;
    fk_buf_fini(&sql);
    if (rc == FK_OK)
        s->staged |= UINT64_C(1) << rt->id;
    return rc;
}

/* Runs sql with one parameter, the array of row numbers in list ("{3,5}"). */
static int with_rows(struct pg_store *s, const char *sql, const fk_buf *list, PGresult **out)
{
    const char *p[1] = {list->data};

    return check(s, *out = sym_PQexecParams(s->conn, sql, 1, NULL, p, NULL, NULL, 0));
}

/* The first of a key in the batch that is stored: each field compared as put_record does; the
 * others (a key again) are left to go one by one. Fills did, ids and changed of those rows,
 * lists the new rows in ins and the changed ones in upd, and marks the repeats in slow. */
static int merge_read(struct pg_store *s, const struct fk_record_type *rt,
                      const struct fk_record_value *v, size_t n, int64_t *ids, enum fk_put *did,
                      unsigned *changed, unsigned char *slow, fk_buf *ins, fk_buf *upd)
{
    int has_id = (rt->flags & FK_RECORD_HAS_ID) != 0, k, c, i, rc;
    size_t nf = (size_t)rt->nfields;
    PGresult *res = NULL;
    fk_buf sql;

    fk_buf_init(&sql, 0);
    rc = fk_buf_printf(&sql, "SELECT i.n, i.r, st.\"%s\" IS NOT NULL%s", rt->fields[0].name,
                       has_id ? ", st.id" : "");
    for (k = 0; rc == FK_OK && k < rt->nfields; k++)
        if (!(rt->fields[k].flags & FK_RFIELD_KEY))
            rc = fk_buf_printf(&sql, ", st.\"%s\"", rt->fields[k].name);
    rc = rc == FK_OK ? fk_buf_puts(&sql, " FROM (SELECT *, row_number() OVER (PARTITION BY ") : rc;
    for (k = 0, c = 0; rc == FK_OK && k < rt->nfields; k++)
        if (rt->fields[k].flags & FK_RFIELD_KEY)
            rc = fk_buf_printf(&sql, "%s\"%s\"", c++ ? ", " : "", rt->fields[k].name);
    rc = rc == FK_OK ? fk_buf_printf(&sql, " ORDER BY n) AS r FROM fk_in_%s) i LEFT JOIN %s st ON ",
                                     rt->name, rt->name)
                     : rc;
    rc = rc == FK_OK ? key_join(&sql, rt, "st", "i") : rc;
    rc = rc == FK_OK ? check(s, res = sym_PQexec(s->conn, sql.data)) : rc;
    fk_buf_fini(&sql);
    if (rc != FK_OK)
        return rc;
    for (i = 0; rc == FK_OK && i < sym_PQntuples(res); i++) {
        int64_t at = coli(res, i, 0);
        const struct fk_record_value *x;
        unsigned diff = 0;

        if (at < 0 || (size_t)at >= n)
            continue;
        x = &v[(size_t)at * nf];
        if (coli(res, i, 1) > 1) {
            slow[at] = 1;
            continue;
        }
        if (strcmp(col(res, i, 2), "t") != 0) {
            did[at] = FK_PUT_NEW;
            rc = fk_buf_printf(ins, "%s%lld", ins->len ? "," : "{", (long long)at);
            continue;
        }
        for (k = 0, c = 3 + has_id; k < rt->nfields; k++) {
            if (rt->fields[k].flags & FK_RFIELD_KEY)
                continue;
            if (!same_value(res, i, c++, &rt->fields[k], &x[k]))
                diff |= 1u << k;
        }
        if (ids && has_id)
            ids[at] = coli(res, i, 3);
        if (changed)
            changed[at] = diff;
        did[at] = diff ? FK_PUT_UPDATED : FK_PUT_SAME;
        if (diff)
            rc = fk_buf_printf(upd, "%s%lld", upd->len ? "," : "{", (long long)at);
    }
    sym_PQclear(res);
    rc = rc == FK_OK && ins->len ? fk_buf_puts(ins, "}") : rc;
    rc = rc == FK_OK && upd->len ? fk_buf_puts(upd, "}") : rc;
    return rc;
}

/* Inserts the rows listed in ins in their order (so the store numbers them as the calls in
 * order would), an absent value as put_record's insert gives it ("" or 0), and reads their ids. */
static int merge_insert(struct pg_store *s, const struct fk_record_type *rt, size_t n,
                        const fk_buf *ins, int64_t *ids)
{
    int has_id = (rt->flags & FK_RECORD_HAS_ID) != 0, k, i, rc;
    PGresult *res = NULL;
    fk_buf sql;

    fk_buf_init(&sql, 0);
    rc = fk_buf_printf(&sql, "%sINSERT INTO %s (", has_id ? "WITH ins AS (" : "", rt->name);
    for (k = 0; rc == FK_OK && k < rt->nfields; k++)
        rc = fk_buf_printf(&sql, "%s\"%s\"", k ? ", " : "", rt->fields[k].name);
    rc = rc == FK_OK ? fk_buf_puts(&sql, ") SELECT ") : rc;
    for (k = 0; rc == FK_OK && k < rt->nfields; k++)
        rc = fk_buf_printf(&sql, "%scoalesce(\"%s\", %s)", k ? ", " : "", rt->fields[k].name,
                           rt->fields[k].kind == FK_RVAL_TEXT ? "''" : "0");
    rc = rc == FK_OK ? fk_buf_printf(&sql,
                                     " FROM fk_in_%s WHERE n = ANY($1::bigint[]) ORDER BY n",
                                     rt->name)
                     : rc;
    if (rc == FK_OK && has_id) {
        rc = fk_buf_puts(&sql, " RETURNING *) SELECT i.n, ins.id FROM ins JOIN fk_in_");
        rc = rc == FK_OK ? fk_buf_printf(&sql, "%s i ON ", rt->name) : rc;
        rc = rc == FK_OK ? key_join(&sql, rt, "i", "ins") : rc;
        rc = rc == FK_OK ? fk_buf_puts(&sql, " WHERE i.n = ANY($1::bigint[])") : rc;
    }
    rc = rc == FK_OK ? with_rows(s, sql.data, ins, &res) : rc;
    fk_buf_fini(&sql);
    if (rc != FK_OK)
        return rc;
    for (i = 0; has_id && ids && i < sym_PQntuples(res); i++) {
        int64_t at = coli(res, i, 0);

        if (at >= 0 && (size_t)at < n)
            ids[at] = coli(res, i, 1);
    }
    sym_PQclear(res);
    return FK_OK;
}

/* Updates the stored rows of the batch's rows listed in upd: each field to the value given, an
 * absent one kept. */
static int merge_update(struct pg_store *s, const struct fk_record_type *rt, const fk_buf *upd)
{
    PGresult *res = NULL;
    int k, c, rc;
    fk_buf sql;

    fk_buf_init(&sql, 0);
    rc = fk_buf_printf(&sql, "UPDATE %s st SET ", rt->name);
    for (k = 0, c = 0; rc == FK_OK && k < rt->nfields; k++)
        if (!(rt->fields[k].flags & FK_RFIELD_KEY))
            rc = fk_buf_printf(&sql, "%s\"%s\" = coalesce(i.\"%s\", st.\"%s\")", c++ ? ", " : "",
                               rt->fields[k].name, rt->fields[k].name, rt->fields[k].name);
    rc = rc == FK_OK ? fk_buf_printf(&sql, " FROM fk_in_%s i WHERE ", rt->name) : rc;
    rc = rc == FK_OK ? key_join(&sql, rt, "st", "i") : rc;
    rc = rc == FK_OK ? fk_buf_puts(&sql, " AND i.n = ANY($1::bigint[])") : rc;
    rc = rc == FK_OK ? with_rows(s, sql.data, upd, &res) : rc;
    fk_buf_fini(&sql);
    if (rc == FK_OK)
        sym_PQclear(res);
    return rc;
}

/* Keyed records a batch at a time (issue 20): the rows COPYed into a temporary table, read
 * against the stored ones in one statement, then the new ones inserted and the changed ones
 * updated in one statement each; a key that comes again in the batch goes one by one after them,
 * in order, so every row has the answer the calls in order would give. */
static int pg_put_records(fk_store *st, fk_record_id t, const struct fk_record_value *v, size_t n,
                          int64_t *ids, enum fk_put *did, unsigned *changed)
{
    struct pg_store *s = PG(st);
    const struct fk_record_type *rt = fk_record_get(t);
    unsigned char *slow = NULL;
    size_t nf, i;
    fk_buf b, ins, upd;
    char table[64];
    int rc = FK_OK, k;

    if (!rt || !(rt->flags & FK_RECORD_GENERIC))
        return FK_EINVAL;
    nf = (size_t)rt->nfields;
    if (!merges(t) || n < 2) {
        for (i = 0; rc == FK_OK && i < n; i++)
            rc = put_record(s, t, &v[i * nf], ids ? &ids[i] : NULL, &did[i],
                            changed ? &changed[i] : NULL);
        return rc;
    }
    if (!in_txn(s) || s->in_read) {
        snprintf(s->msg, sizeof s->msg, "records put outside a batch");
        return FK_EDB;
    }
    if ((rc = ready(s)) != FK_OK || (rc = staging_rec(s, rt)) != FK_OK)
        return rc;
    if (!(slow = calloc(n, 1)))
        return FK_ENOMEM;
    for (i = 0; i < n; i++) {
        did[i] = FK_PUT_SAME;
        if (ids)
            ids[i] = 0;
        if (changed)
            changed[i] = 0;
    }
    fk_buf_init(&b, 0);
    fk_buf_init(&ins, 0);
    fk_buf_init(&upd, 0);
    for (i = 0; rc == FK_OK && i < n; i++) {
        rc = fk_buf_printf(&b, "%zu", i);
        for (k = 0; rc == FK_OK && k < rt->nfields; k++) {
            const struct fk_record_value *x = &v[i * nf + (size_t)k];

            rc = fk_buf_append(&b, "\t", 1);
            if (rc == FK_OK)
                rc = copy_field(&b, fk__value_absent(&rt->fields[k], x),
                                rt->fields[k].kind == FK_RVAL_TEXT, x);
        }
        rc = rc == FK_OK ? fk_buf_append(&b, "\n", 1) : rc;
    }
    snprintf(table, sizeof table, "fk_in_%s", rt->name);
    rc = rc == FK_OK ? copy_in(s, table, &b) : rc;
    fk_buf_fini(&b);
    rc = rc == FK_OK ? merge_read(s, rt, v, n, ids, did, changed, slow, &ins, &upd) : rc;
    rc = rc == FK_OK && ins.len ? merge_insert(s, rt, n, &ins, ids) : rc;
    rc = rc == FK_OK && upd.len ? merge_update(s, rt, &upd) : rc;
    for (i = 0; rc == FK_OK && i < n; i++)
        if (slow[i])
            rc = put_record(s, t, &v[i * nf], ids ? &ids[i] : NULL, &did[i],
                            changed ? &changed[i] : NULL);
    fk_buf_fini(&ins);
    fk_buf_fini(&upd);
    free(slow);
    return rc;
}

/* ---- announcements of new generations ---- */

/* The newest generation announced on the channel since the last look into *g (left as it is when
 * none); 1 when one was, else 0. */
static int take_notices(struct pg_store *s, int64_t *g)
{
    PGnotify *n;
    int any = 0;

    while ((n = sym_PQnotifies(s->conn)) != NULL) {
        int64_t v = strtoll(n->extra, NULL, 10);

        if (strcmp(n->relname, "fangkong") == 0 && v > *g) {
            *g = v;
            any = 1;
        }
        sym_PQfreemem(n);
    }
    return any;
}

static int pg_watch(fk_store *st, int ms, int64_t *generation)
{
    struct pg_store *s = PG(st);
    double until = fk_mono_seconds() + ms / 1000.0;
    struct pollfd p;
    int rc;

    /* A lost server: one try a call (the watcher calls again); on a new connection the
     * announcements missed meanwhile are lost, so the generation is read and announced. */
    if (lost(s) && !s->txn) {
        if (reconnect(s, ms / 1000.0) != FK_OK)
            return FK_EIO;
        return pg_generation(st, generation);
    }
    if (!s->listening) {
        if ((rc = exec(s, "LISTEN fangkong")) != FK_OK)
            return rc;
        s->listening = 1;
    }
    for (;;) {
        if (take_notices(s, generation))
            return FK_OK;
        p.fd = sym_PQsocket(s->conn);
        p.events = POLLIN;
        p.revents = 0;
        if (p.fd < 0) {
            snprintf(s->msg, sizeof s->msg, "postgresql: the connection is lost");
            return FK_EIO;
        }
        rc = poll(&p, 1, ms);
        if (rc == 0)
            return FK_ENOENT;
        if (rc > 0 && !sym_PQconsumeInput(s->conn)) {
            fail(s, NULL);
            return FK_EIO;
        }
        /* Woken by other traffic, or a signal: wait out the rest. */
        ms = (int)((until - fk_mono_seconds()) * 1000);
        if (ms <= 0 && !take_notices(s, generation))
            return FK_ENOENT;
        if (ms <= 0)
            return FK_OK;
    }
}

/* ---- whole tables, for fangkong migrate ---- */

/* The most columns a table has (transfers: 11), with room. */
#define TABLE_COLS 32

static int row_table(const PGresult *r, int i, struct walk *w)
{
    struct fk_record_value v[TABLE_COLS];
    const char *names[TABLE_COLS];
    int n = sym_PQnfields(r), k;

    if (n > TABLE_COLS)
        return FK_EDB;
    for (k = 0; k < n; k++) {
        Oid ty = sym_PQftype(r, k);
        int isint = ty == OID_INT8 || ty == OID_INT4 || ty == OID_INT2;

        names[k] = sym_PQfname(r, k);
        v[k].absent = sym_PQgetisnull(r, i, k);
        v[k].i = isint && !v[k].absent ? coli(r, i, k) : 0;
        v[k].s = isint || v[k].absent ? NULL : col(r, i, k);
    }
    return w->cb.table(w->ud, names, v, (size_t)n);
}

static int pg_dump(fk_store *st, const struct fk_store_table *t, fk_table_cb cb, void *ud)
{
    struct walk w = {.cb.table = cb, .ud = ud};
    char sql[256];

    /* The name and key come from fk_store_tables, never from the caller; the samples' columns
     * in the order the SQLite backend gives them. */
    if (strcmp(t->name, "samples") == 0)
        snprintf(sql, sizeof sql,
                 "SELECT tube, person, time, site, shipped FROM samples ORDER BY tube, person");
    else
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name, t->key);
    return each(PG(st), sql, row_table, &w);
}

/* How many bytes of COPY text fk_store_load gathers before it sends them. */
#define LOAD_FLUSH_BYTES ((size_t)8 << 20)

/* Sends the rows fk_store_load gathered (COPY into their table). */
static int flush_load(struct pg_store *s)
{
    int rc;

    if (!s->load.t || s->load.rows.len == 0)
        return FK_OK;
    rc = copy_rows(s, s->load.sql.data, &s->load.rows);
    fk_buf_reset(&s->load.rows);
    if (rc != FK_OK) {
        char was[sizeof s->msg];

        memcpy(was, s->msg, sizeof was);
        snprintf(s->msg, sizeof s->msg, "table %s: %.440s", s->load.t->name, was);
    }
    return rc;
}

/* Rows as dumped go into their table a COPY at a time (issue 20: 7.6 k rows a second an INSERT
 * each), ids kept; a key already there fails the COPY, and with it the batch. The COPY is sent
 * when the rows reach LOAD_FLUSH_BYTES, at another table, at fk_store_load_end and at the
 * commit. The columns are those of the table's first row: a dump gives every row the same. */
static int pg_load(fk_store *st, const struct fk_store_table *t, const char *const *names,
                   const struct fk_record_value *v, size_t n)
{
    struct pg_store *s = PG(st);
    fk_buf *b = &s->load.rows;
    size_t k;
    int rc = FK_OK;

    if (n == 0 || n > TABLE_COLS) {
        snprintf(s->msg, sizeof s->msg, "table %s: %zu columns", t->name, n);
        return FK_EINVAL;
    }
    if (!in_txn(s) || s->in_read) {
        snprintf(s->msg, sizeof s->msg, "rows loaded outside a batch");
        return FK_EDB;
    }
    if (s->load.t != t) {
        if ((rc = flush_load(s)) != FK_OK)
            return rc;
        /* Column names come from a store's own table, quoted all the same ("end", "user"). */
        fk_buf_reset(&s->load.sql);
        rc = fk_buf_printf(&s->load.sql, "COPY %s (", t->name);
        for (k = 0; rc == FK_OK && k < n; k++)
            rc = fk_buf_printf(&s->load.sql, "%s\"%s\"", k ? ", " : "", names[k]);
        rc = rc == FK_OK ? fk_buf_puts(&s->load.sql, ") FROM STDIN") : rc;
        if (rc != FK_OK)
            return rc;
        s->load.t = t;
    }
    for (k = 0; rc == FK_OK && k < n; k++) {
        if (k)
            rc = fk_buf_append(b, "\t", 1);
        if (rc == FK_OK)
            rc = copy_field(b, v[k].absent, v[k].s != NULL, &v[k]);
    }
    rc = rc == FK_OK ? fk_buf_append(b, "\n", 1) : rc;
    if (rc == FK_OK && b->len >= LOAD_FLUSH_BYTES)
        rc = flush_load(s);
    return rc;
}

static int pg_load_end(fk_store *st, const struct fk_store_table *t)
{
    struct pg_store *s = PG(st);
    char sql[384];
    PGresult *res;
    int rc, numbered;

    if ((rc = flush_load(s)) != FK_OK)
        return rc;
    if (strcmp(t->key, "id") != 0)
        return FK_OK;
    /* A table numbered by an identity column: its next number after the loaded ids. A text id,
     * as problems have, has no sequence. */
    snprintf(sql, sizeof sql, "SELECT pg_get_serial_sequence('%s', 'id') IS NOT NULL", t->name);
    if ((rc = query(s, sql, &res)) != FK_OK)
        return rc;
    numbered = strcmp(col(res, 0, 0), "t") == 0;
    sym_PQclear(res);
    if (!numbered)
        return FK_OK;
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT coalesce(max(id), 0) + 1 "
             "FROM %s), false)",
             t->name, t->name);
    return exec(s, sql);
}

static const struct fk_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .errmsg = pg_errmsg,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .generation = pg_generation,
    .begin_control = pg_begin_control,
    .begin_events = pg_begin_events,
    .read_begin = pg_read_begin,
    .read_end = pg_read_end,
    .control_generation = pg_control_generation,
    .index_generation = pg_index_generation,
    .add_scan = pg_add_scan,
    .add_ping = pg_add_ping,
    .add_sample = pg_add_sample,
    .put_result = pg_put_result,
    .get_person = pg_get_person,
    .find_person = pg_find_person,
    .get_region = pg_get_region,
    .tube_exists = pg_tube_exists,
    .each_region = pg_each_region,
    .each_person_key = pg_each_person_key,
    .each_person_shown = pg_each_person_shown,
    .each_venue = pg_each_venue,
    .each_sample = pg_each_sample,
    .each_result = pg_each_result,
    .each_case = pg_each_case,
    .each_scan = pg_each_scan,
    .each_ping = pg_each_ping,
    .count = pg_count,
    .add_round = pg_add_round,
    .get_round = pg_get_round,
    .each_round = pg_each_round,
    .add_door_event = pg_add_door_event,
    .add_alert = pg_add_alert,
    .update_alert = pg_update_alert,
    .get_control = pg_get_control,
    .get_alert = pg_get_alert,
    .find_device = pg_find_device,
    .coldchain_batch_known = pg_coldchain_batch_known,
    .door_before = pg_door_before,
    .each_control = pg_each_control,
    .each_arrival = pg_each_arrival,
    .each_risk_area = pg_each_risk_area,
    .each_alert = pg_each_alert,
    .each_silent_device = pg_each_silent_device,
    .each_sentinel = pg_each_sentinel,
    .each_person_tagged = pg_each_person_tagged,
    .each_tube_member = pg_each_tube_member,
    .add_gate_count = pg_add_gate_count,
    .each_gate_count = pg_each_gate_count,
    .set_busy_wait = pg_set_busy_wait,
    .search_persons = pg_search_persons,
    .grid_names = pg_grid_names,
    .get_case = pg_get_case,
    .open_control = pg_open_control,
    .add_user = pg_add_user,
    .update_user = pg_update_user,
    .get_user = pg_get_user,
    .get_user_by_id = pg_get_user_by_id,
    .each_user = pg_each_user,
    .add_token = pg_add_token,
    .get_token = pg_get_token,
    .del_token = pg_del_token,
    .del_user_tokens = pg_del_user_tokens,
    .add_audit = pg_add_audit,
    .each_audit = pg_each_audit,
    .put_record = pg_put_record,
    .each_record = pg_each_record,
    .each_vaccination = pg_each_vaccination,
    .add_vax_push = pg_add_vax_push,
    .each_vax_push = pg_each_vax_push,
    .add_problem_change = pg_add_problem_change,
    .each_problem_change = pg_each_problem_change,
    .add_zone_change = pg_add_zone_change,
    .each_zone_change = pg_each_zone_change,
    .each_transfer = pg_each_transfer,
    .dump = pg_dump,
    .load = pg_load,
    .load_end = pg_load_end,
    .watch = pg_watch,
    .add_events = pg_add_events,
    .put_records = pg_put_records,
    .lost = pg_lost,
};

/* ---- open ---- */

/* PostgreSQL's notices ("relation ... already exists, skipping") are not for a clerk's terminal. */
static void quiet(void *ud, const char *message)
{
    (void)ud;
    (void)message;
}

static int prepare_records(struct pg_store *s);
static void quiet(void *ud, const char *message);

/* A new connection's settings: UTF-8, no notices, the busy wait. */
static int session(struct pg_store *s)
{
    char sql[128];

    sym_PQsetNoticeProcessor(s->conn, quiet, NULL);
    snprintf(sql, sizeof sql,
             "SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
             "SET lock_timeout = %d",
             s->busy_ms);
    return check_done(s, sym_PQexec(s->conn, sql));
}

/* libpq's message (several lines when a multi-host URI tried each host) as one line, in m (cap
 * bytes): lines joined by "; ", tabs and runs of spaces as one space. */
static void one_line(char *m, size_t cap)
{
    char *src = strdup(m), *r, *w = m, c;
    size_t n;

    if (!src)
        return;
    for (r = src; *r && (size_t)(w - m) + 2 < cap; r++) {
        c = *r == '\t' ? ' ' : *r;
        if (c == '\n') {
            while (w > m && w[-1] == ' ')
                w--;
            if (w > m && w[-1] != ';')
                *w++ = ';';
            c = ' ';
        }
        if (c == ' ' && (w == m || w[-1] == ' '))
            continue;
        *w++ = c;
    }
    *w = '\0';
    free(src);
    n = strlen(m);
    while (n && (m[n - 1] == ';' || m[n - 1] == ' '))
        m[--n] = '\0';
}

/* Connects again with the handle's URI (libpq tries every host of a multi-host URI in turn, and
 * with target_session_attrs=read-write takes only a primary, so a promoted standby is found),
 * trying for seconds (one try at least); then sets the session up as at open: settings, the
 * statements, LISTEN. Whatever lived in the old session (prepared statements, the staging tables,
 * cursors) is made again when next needed. */
static int reconnect(struct pg_store *s, double seconds)
{
    double until = fk_mono_seconds() + seconds;
    char why[256];
    long wait_ms = 50;
    int rc;

    fk_strlcpy(why, sym_PQerrorMessage(s->conn), sizeof why);
    one_line(why, sizeof why);
    for (;;) {
        struct timespec ts;

        sym_PQreset(s->conn);
        if (sym_PQstatus(s->conn) == CONNECTION_OK)
            break;
        if (fk_mono_seconds() + wait_ms / 1000.0 > until) {
            char now[256];

            fk_strlcpy(now, sym_PQerrorMessage(s->conn), sizeof now);
            one_line(now, sizeof now);
            snprintf(s->msg, sizeof s->msg,
                     "postgresql: the connection to the database was lost (%.160s) and none "
                     "came back within %.0f s: %.200s",
                     why[0] ? why : "closed", seconds, now);
            return FK_EIO;
        }
        ts.tv_sec = wait_ms / 1000;
        ts.tv_nsec = (wait_ms % 1000) * 1000000L;
        nanosleep(&ts, NULL);
        wait_ms = wait_ms * 2 > 1000 ? 1000 : wait_ms * 2;
    }
    memset(s->prepared, 0, sizeof s->prepared);
    s->load.t = NULL; /* rows gathered for a transaction that is gone */
    fk_buf_reset(&s->load.rows);
    s->staging = s->cursors = s->batch_kind = s->in_read = s->txn = 0;
    s->staged = 0;
    rc = session(s);
    if (rc == FK_OK)
        rc = prepare_records(s);
    if (rc == FK_OK && s->listening)
        rc = check_done(s, sym_PQexec(s->conn, "LISTEN fangkong"));
    if (rc == FK_OK) {
        s->base.reconnects++;
        snprintf(s->base.server, sizeof s->base.server, "%s:%s", sym_PQhost(s->conn),
                 sym_PQport(s->conn));
    }
    return rc;
}

/* Applies the migrations past the database's schema_version, each with its version in one
 * transaction, under a lock so that two processes opening a new database migrate it once. */
static int migrate(struct pg_store *s)
{
    size_t nmig = sizeof fk_pg_migrations / sizeof fk_pg_migrations[0], i;
    PGresult *res = NULL;
    int64_t version = 0;
    char sql[96];
    int rc;

    rc = exec(s, "BEGIN; SELECT pg_advisory_xact_lock(7370802223707427689); "
                 "CREATE TABLE IF NOT EXISTS schema_version (version bigint NOT NULL)");
    if (rc == FK_OK)
        rc = check(s, res = sym_PQexec(s->conn, "SELECT coalesce(max(version), 0) FROM "
                                                "schema_version"));
    if (rc == FK_OK) {
        version = coli(res, 0, 0);
        sym_PQclear(res);
    }
    if (rc == FK_OK && (size_t)version > nmig) {
        snprintf(s->msg, sizeof s->msg,
                 "the database has schema version %lld, newer than this fangkong (%zu): upgrade "
                 "fangkong",
                 (long long)version, nmig);
        rc = FK_EDB;
    }
    for (i = (size_t)version; rc == FK_OK && i < nmig; i++) {
        rc = exec(s, fk_pg_migrations[i]);
        snprintf(sql, sizeof sql,
                 "DELETE FROM schema_version; INSERT INTO schema_version "
                 "VALUES (%zu)",
                 i + 1);
        if (rc == FK_OK)
            rc = exec(s, sql);
    }
    if (rc == FK_OK)
        rc = exec(s, "COMMIT");
    if (rc != FK_OK && in_txn(s))
        sym_PQclear(sym_PQexec(s->conn, "ROLLBACK"));
    return rc;
}

/* Prepares the generic put's statements of every type that has one. */
static int prepare_records(struct pg_store *s)
{
    int t, k, rc = FK_OK;

    for (t = 0; t < FK_IMPORT_NTYPES && rc == FK_OK; t++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)t);

        if (!(rt->flags & FK_RECORD_GENERIC))
            continue;
        for (k = 0; k < R_NSTMT && rc == FK_OK; k++) {
            const char *own = k == R_GET ? rt->pg.get : k == R_INS ? rt->pg.ins : rt->pg.upd;
            const char *lite = k == R_GET   ? rt->sqlite.get
                               : k == R_INS ? rt->sqlite.ins
                                            : rt->sqlite.upd;
            char *sql = own ? NULL : translate(lite, k == R_INS && (rt->flags & FK_RECORD_HAS_ID));
            char name[16];

            if (!own && !sql)
                return FK_ENOMEM;
            snprintf(name, sizeof name, "r%d_%d", t, k);
            rc = check_done(s, sym_PQprepare(s->conn, name, own ? own : sql, 0, NULL));
            if (rc != FK_OK) {
                char why[400];

                fk_strlcpy(why, s->msg, sizeof why);
                snprintf(s->msg, sizeof s->msg, "preparing the %s statements: %s", rt->name, why);
            }
            free(sql);
        }
        s->rec[t] = rc == FK_OK;
    }
    return rc;
}

int fk__store_pg_open(const char *uri, fk_store **out, char *err, size_t errlen)
{
    char shown[512];
    struct pg_store *s;
    int rc, i;

    *out = NULL;
    if ((rc = fk_dynlib_open(&libpq, err, errlen)) != FK_OK)
        return rc;
    s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    s->base.ops = &pg_ops;
    for (i = 0; i < 7; i++)
        fk_buf_init(&s->person_buf[i], 0);
    for (i = 0; i < 5; i++)
        fk_buf_init(&s->region_buf[i], 0);
    for (i = 0; i < 4; i++)
        fk_buf_init(&s->user_buf[i], 0);
    for (i = 0; i < 4; i++)
        fk_buf_init(&s->row_buf[i], 0);
    fk_buf_init(&s->load.sql, 0);
    fk_buf_init(&s->load.rows, 0);
    s->conn = sym_PQconnectdb(uri);
    if (!s->conn || sym_PQstatus(s->conn) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to %s: %s", fk_store_shown(uri, shown, sizeof shown),
                 s->conn ? sym_PQerrorMessage(s->conn) : "out of memory");
        /* libpq's message ends in a newline. */
        if (strlen(err) && err[strlen(err) - 1] == '\n')
            err[strlen(err) - 1] = '\0';
        rc = FK_EIO;
        goto out;
    }
    rc = session(s);
    if (rc == FK_OK)
        rc = migrate(s);
    if (rc == FK_OK)
        rc = prepare_records(s);
    if (rc != FK_OK) {
        snprintf(err, errlen, "%s: %s", fk_store_shown(uri, shown, sizeof shown), s->msg);
        goto out;
    }
    *out = &s->base;
    return FK_OK;
out:
    pg_close(&s->base);
    return rc;
}

/* Runs sql (tests only) on a connection of its own to uri. */
static int admin(const char *uri, const char *sql, char *err, size_t errlen)
{
    char shown[512];
    PGconn *conn;
    PGresult *res;
    int rc = FK_OK;

    if ((rc = fk_dynlib_open(&libpq, err, errlen)) != FK_OK)
        return rc;
    conn = sym_PQconnectdb(uri);
    if (!conn || sym_PQstatus(conn) != CONNECTION_OK) {
        snprintf(err, errlen, "cannot connect to %s: %s", fk_store_shown(uri, shown, sizeof shown),
                 conn ? sym_PQerrorMessage(conn) : "out of memory");
        rc = FK_EIO;
    } else {
        sym_PQsetNoticeProcessor(conn, quiet, NULL);
        res = sym_PQexec(conn, sql);
        if (!res || (sym_PQresultStatus(res) != PGRES_COMMAND_OK &&
                     sym_PQresultStatus(res) != PGRES_TUPLES_OK)) {
            snprintf(err, errlen, "%s", sym_PQerrorMessage(conn));
            rc = FK_EDB;
        }
        sym_PQclear(res);
    }
    if (conn)
        sym_PQfinish(conn);
    return rc;
}

int fk__store_pg_reset(const char *uri, char *err, size_t errlen)
{
    return admin(uri, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", err, errlen);
}

int fk__store_pg_cut(const char *uri, char *err, size_t errlen)
{
    return admin(uri,
                 "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                 "current_database() AND pid <> pg_backend_pid() AND backend_type = 'client "
                 "backend'",
                 err, errlen);
}
