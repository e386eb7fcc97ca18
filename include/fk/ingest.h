/* SPDX-License-Identifier: MIT */
/* Ingest: takes the rows of one data-contract type from any reader (fk_import_begin, _row, _end:
 * a header, then rows of fields), checks every row, hands each rejected row with its line number
 * and a reason to a callback, and puts the rest into the store in batches of one transaction
 * each. Drivers over it read a CSV file (fk_import_file, rejects to FILE.rejects.csv), an XLSX
 * file (the same function, by extension or content) and a JSON array of objects
 * (fk_import_json, rejects as a list). A missing required column, or one named twice, rejects
 * the whole input before any row is read. A process killed mid-import leaves every committed batch
 * whole and no partial batch; since every put is idempotent, re-running the same import
 * finishes the job.
 *
 * Rejects files. The rejects file's first line is FK_REJECTS_HEADER ("line,reason,raw", the
 * data contract's columns, which the web UI and API clients read by name), and a file whose first
 * line is exactly that is taken as fangkong's own (rejects files of earlier versions among them). An import never writes over or deletes a file
 * without that mark, nor the input: an explicit rejects_path that holds such a file fails the
 * import before any row is read; the default FILE.rejects.csv steps aside to
 * FILE.rejects-2.csv, -3 and so on. A marked file at the chosen path is an earlier run's
 * rejects and is removed (it would mislead); the new one is created with O_EXCL, mode 0600 (it
 * holds personal data), only when a row is rejected. */
#ifndef FK_INGEST_H
#define FK_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "fk/access.h"
#include "fk/profile.h"
#include "fk/record.h"
#include "fk/store.h"
#include "fk/str.h"

/* The types are those of fk/record.h (enum fk_import_type), whose descriptors these read. */
/* "regions" … "cases", "controls", "arrivals", "risk_areas", "door_events". FK_OK or FK_EINVAL. */
int fk_import_type_parse(const char *s, enum fk_import_type *out);
const char *fk_import_type_name(enum fk_import_type t);
/* Every type's name, "regions, persons, … or door_events", into buf (cap bytes, NUL-terminated,
 * truncated when short; 160 bytes hold them all) for a message naming the choices. Returns buf. */
char *fk_import_type_list(char *buf, size_t cap);
/* The type's columns as the data contract lists them, required ones first, e.g.
 * "id_number,name,grid (required); phone,household,tags,id_type". Static storage. */
const char *fk_import_type_columns(enum fk_import_type t);

struct fk_import_opts {
    const char *encoding;     /* NULL or "auto": sniff; "utf-8", "gb18030", "gbk" */
    const char *rejects_path; /* NULL: FILE.rejects.csv beside the input (see above) */
    int batch_rows;           /* rows per transaction; 0: the profile's */
    /* Called about every 65536 rows and at the end by fk_import_file (bytes of the CSV file, or
     * of the sheet's XML); may be NULL. */
    void (*progress)(void *ud, uint64_t bytes_done, uint64_t bytes_total, uint64_t rows);
    void *progress_ud;
    /* Who imports (NULL: the local administrator, no scope). With an actor, the file must be
     * one its role may import (FK_EPERM before any row: regions and risk areas only an admin or
     * commander whose scope is a city or a province; results the roles that post results; the
     * rest the roles that import), and every row must touch only records that live inside the
     * actor's scope, where they live now and where the row would put them: a persons or venues
     * row's grid and the registry's, every person sampled into a results row's tube, the
     * person of a scan, ping, sample, case, control or door event, an arrival's person and grid,
     * a regions row's region and its parent. A row outside is rejected with a reason; a record
     * that exists outside the scope is reported as an unknown one would be, where the row does
     * not itself name the place. Borrowed for the call. */
    const struct fk_actor *actor;
    /* When set, called once, right after the first batch's transaction begins: what it writes to
     * the store (the server's audit row of the import) commits with the first batch, so an
     * import killed mid-way leaves it. FK_OK goes on; any other code stops the import with
     * nothing of that batch kept. */
    int (*first_batch)(void *ud);
    void *first_batch_ud;
    /* Called for every rejected row, with its line (or row) number, the reasons, and the row as
     * the input held it (all borrowed for the call). May be NULL. fk_import_file and
     * fk_import_json do not call it: they keep the rejects themselves. */
    void (*reject)(void *ud, uint64_t line, const char *reason, fk_slice raw);
    void *reject_ud;
    /* When set, called for every scan and ping the store added (not for a row already there),
     * with the stored ids (cell: the ping's code; venue 0), so the caller can extend an index
     * with them rather than read them all again (issue 19). The rows are committed when the
     * import returns FK_OK. */
    void (*added)(void *ud, enum fk_import_type t, const struct fk_event_row *e);
    void *added_ud;
    /* The same for samples: every samples row the store took, added (FK_PUT_NEW) or filled in
     * with a shipped time (FK_PUT_UPDATED). */
    void (*sampled)(void *ud, const struct fk_sample_row *r, enum fk_put did);
    void *sampled_ud;
    /* When set, called for every row counted as accepted or duplicate (did FK_PUT_NEW,
     * FK_PUT_UPDATED or FK_PUT_SAME) with its line, in the rows' order, once the store said which:
     * a caller that feeds the rows of several requests into one import tells each its counts. */
    void (*counted)(void *ud, uint64_t line, enum fk_put did);
    void *counted_ud;
    /* When set, called inside every batch's transaction after its rows, right before it
     * commits: what it writes (audit rows that carry the counts) commits with the rows or not at
     * all. FK_OK goes on; any other code ends the import with that batch rolled back. */
    int (*committing)(void *ud);
    void *committing_ud;
    /* When set, where persons are found before the store is asked (issue 19): the roster of the
     * registry (fk/roster.h), current with the store as the import begins, which the caller
     * opened. Called with an ID number (normalised; n bytes); FK_OK with the person's store id
     * and grid code (borrowed for the call), FK_ENOENT when the registry holds no such person,
     * any other code when it cannot say (a damaged block): the import then goes on as one
     * without it, and answers the same either way. Persons the import itself registers are
     * found without it. Used by the types whose rows name persons by ID number, but results. */
    int (*find_person)(void *ud, const char *id_number, size_t n, int64_t *person,
                       const char **grid);
    void *find_person_ud;
    /* XLSX input: the sheet to read (NULL: the first). */
    const char *sheet;
    /* The time event times are checked against (Unix seconds); 0: the clock. Event times
     * (scans, pings, samples, results, door events, arrivals, cases, control starts) must lie
     * in 1900-01-01 .. now + 1 day, planned ones (control and risk area ends, risk area starts)
     * in 1900-01-01 .. now + 366 days; resident IDs born after the day of now are rejected. */
    int64_t now;
    /* When set, receives at every commit the summary of what the committed batches hold (its
     * kept_line the last line in them): after a failure, what is stored. */
    struct fk_import_summary *kept;
};

/* The first line of every rejects file fangkong writes: its mark (see above). */
#define FK_REJECTS_HEADER "line,reason,raw\n"

/* What an import did (csv_driver.c's add_counts sums the counts of the parts of an import that
 * went on after a lost connection: a new count goes there too). */
struct fk_import_summary {
    uint64_t read;      /* data rows read */
    uint64_t accepted;  /* rows that added or changed something */
    uint64_t updated;   /* of accepted: rows that replaced an existing record */
    uint64_t duplicate; /* rows already in the store, or results older than the one kept */
    uint64_t rejected;  /* rows written to the rejects file */
    uint64_t batches;   /* transactions committed */
    uint64_t alerts;    /* alerts raised by the rows (door events, positive results of persons
                           under control), in the same transactions as the rows */
    /* Of the updated persons, how many rows changed each field (a row may change several): a
     * re-import that renames residents says so ("1 203 updated: 1 198 phone, 5 name"). */
    uint64_t changed_name, changed_phone, changed_grid, changed_household, changed_tags,
        changed_id_type, changed_address;
    /* The last line (row of a sheet) of the batches committed; 0: none. After a failure the rows
     * up to it are stored and the same import again adds the rest. */
    uint64_t kept_line;
    /* Times a file import went on after its store's connection was lost (a database failover,
     * issue 20), from the line after the batches committed, and the loss the last time. */
    unsigned resumed;
    char resumed_why[512];
    char rejects_path[4096]; /* where rejects went; empty when none were rejected */
    /* The CSV file's encoding ("utf-8", "gb18030"), or "xlsx" for a workbook (its text is
     * UTF-8). */
    char encoding[16];
};

/* Whether actor (NULL: the local administrator, who may) may import type t at all, by the type's
 * rule (fk_record_permitted) and the actor's scope in st's region tree: FK_OK, FK_EPERM with the
 * reason in err, FK_EINVAL for an unknown type, FK_EDB. The drivers ask it before they read
 * their input, so a refused account learns nothing of it (whether a path exists, what it holds).
 * Reads only; thread-safety as the store's. */
int fk_import_permitted(fk_store *st, enum fk_import_type t, const struct fk_actor *actor,
                        char *err, size_t errlen);
/* The same rule asked for another use of the records (verb: "export"), in err's words. */
int fk_import_may(fk_store *st, enum fk_import_type t, const struct fk_actor *actor,
                  const char *verb, char *err, size_t errlen);

/* Imports the file at path as type t into st, with profile p (batch size): a CSV file, or an
 * .xlsx workbook (named so, or a zip archive: its first sheet, or o->sheet; fk/xlsx.h), whose
 * row numbers are the sheet's. On FK_OK the summary is complete (rows may have been rejected: see
 * sum->rejected). On error err says what and nothing of the failing batch stays: FK_ENOENT /
 * FK_EIO (the file cannot be read, or the rejects file cannot be written), FK_EINVAL (a
 * required column is missing or a column is named twice, the encoding is unknown or UTF-16, the
 * rejects path is the input or a file fangkong did not write, the file is not a workbook, or it
 * has no sheet of that name: nothing imported), FK_ETOOBIG (a workbook over the reader's ceilings), FK_EDB (the
 * store failed: batches before the failing one are committed), FK_EPERM (the actor may not
 * import this type: nothing imported). o->reject is not called: the rejects go to the file. Not
 * thread-safe: one import per store at a time. */
int fk_import_file(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const char *path, const struct fk_import_opts *o,
                   struct fk_import_summary *sum, char *err, size_t errlen);

/* ---- rows from any reader ---- */

typedef struct fk_import fk_import;

/* Starts an import of type t into st, whose first row (the header) names ncols columns (header:
 * ncols NUL-terminated names, matched trimmed and ignoring case; columns the type does not know
 * are ignored; NULL when the input has no rows at all, which matches nothing and checks only the
 * permission). o is borrowed until fk_import_end or fk_import_abort; its progress callback is
 * the driver's to call. Loads the look-ups the rows need from the store. FK_OK with *out set;
 * otherwise *out is NULL, err says why and nothing was written: FK_EPERM (the actor may not
 * import this type), FK_EINVAL (a required column is missing or a column is named twice, or t
 * is unknown), FK_EDB, FK_ENOMEM. Not thread-safe: one import per store at a time, from one
 * thread. */
int fk_import_begin(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                    const struct fk_import_opts *o, const char *const *header, size_t ncols,
                    fk_import **out, char *err, size_t errlen);
/* Checks the row at line (a line or row number for the reasons) and writes it, or rejects it
 * (o->reject) with all its reasons. fields[i] is the value of header column i (nfields may be
 * fewer or more than ncols: a missing value is empty), valid UTF-8 without NUL bytes (a row with
 * any other is rejected); raw is the row as the input held it, for the reject callback. All
 * borrowed for the call. Commits a batch every batch_rows rows (read and rejected alike). FK_OK,
 * or the store error that ended the import (the batch in flight is rolled back; every later
 * call returns it, and fk_import_end says what it was). */
int fk_import_row(fk_import *imp, uint64_t line, const fk_slice *fields, size_t nfields,
                  fk_slice raw);
/* Counts a row the reader could not read (ill-formed, too long) as read and rejected with
 * reason. Returns as fk_import_row. */
int fk_import_bad_row(fk_import *imp, uint64_t line, const char *reason, fk_slice raw);

/* For tests: how many persons an import looks up in the store, one by one, before it reads the
 * whole registry instead (0: read it at once). Not thread-safe. */
void fk__ingest_set_lazy_persons(uint64_t n);
/* Tests only: files from `bytes` on are read ahead for their person look-ups (1 MiB by
 * default; 0: every file). Not thread-safe. */
void fk__ingest_set_ahead_min(uint64_t bytes);
/* Tests only: fn (or NULL) is called with the rejects path an import of a file settled on, before
 * its first row is read: where a test puts what another import running at once would. Not
 * thread-safe. */
void fk__ingest_on_rejects_settled(void (*fn)(const char *path));
/* The type's column that input field f holds (from 0), or NULL: for a reader's reason about a
 * field. Static storage. */
const char *fk_import_field_name(const fk_import *imp, size_t f);
/* Goes on as actor a (its role and scope; borrowed until the next call or the end) for the rows
 * fed from now on: the rows of several callers in one transaction (a group commit), each row
 * checked against its own caller. Only for an import begun with an actor, and a's role must be
 * permitted the type (fk_import_may): FK_EINVAL, or FK_EPERM / FK_EDB with err, otherwise. */
int fk_import_set_actor(fk_import *imp, const struct fk_actor *a, char *err, size_t errlen);
/* The input field (from 0) of the type's first ID-number column when the import finds persons
 * through o->find_person, else -1: what a reader may look up ahead of the import. */
int fk_import_id_field(const fk_import *imp);
/* The counts so far (borrowed: valid until end or abort), for progress. */
const struct fk_import_summary *fk_import_counts(const fk_import *imp);
/* Places regions rows that waited for their parent, commits the last batch, fills sum (may be
 * NULL; its rejects_path and encoding are the driver's to set) and frees imp. FK_OK, or the
 * error that ended the import (from a row, or now) with err: batches before the failing one
 * are committed. */
int fk_import_end(fk_import *imp, struct fk_import_summary *sum, char *err, size_t errlen);
/* Drops the batch in flight and frees imp (a reader failed). NULL is a no-op. */
void fk_import_abort(fk_import *imp);

/* A rejected row of fk_import_json: its index in the input (from 0) and the reasons. */
struct fk_import_problem {
    uint64_t row;
    char *reason;
};

/* Imports n bytes of JSON: an array of objects, or one object, each a row whose keys are column
 * names (the header is every key any object names, in the order first met; header, when not
 * NULL, is used instead, ncols names) and whose values are strings or numbers (turned into their
 * text; null is empty). Row numbers are the objects' indexes from 0. A value of another kind, or
 * an element that is not an object, rejects its row. The rejected rows go to *problems (caller
 * frees with fk_import_problems_free; NULL when none) in row order. Returns as fk_import_file;
 * FK_EINVAL also for a body that is not such JSON. */
int fk_import_json(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const char *json, size_t n, const char *const *header, size_t ncols,
                   const struct fk_import_opts *o, struct fk_import_summary *sum,
                   struct fk_import_problem **problems, size_t *nproblems, char *err,
                   size_t errlen);
void fk_import_problems_free(struct fk_import_problem *p, size_t n);

/* The updates of s in words, largest count first: "1 203 updated: 1 198 phone, 5 name" (digits
 * grouped by threes with a space); "" when nothing was updated. Writes into out (cap bytes),
 * returns out. */
const char *fk_import_updated_text(const struct fk_import_summary *s, char *out, size_t cap);

#endif
