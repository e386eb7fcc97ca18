/* SPDX-License-Identifier: MIT */
/* Ingest: reads a data-contract CSV file of one type, checks every row, writes each rejected row
 * with its line number and a reason to FILE.rejects.csv, and puts the rest into the store in
 * batches of one transaction each. A missing required column, or one named twice, rejects the
 * whole file before any row is read. A process killed mid-import leaves every committed batch
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
    /* Called about every 65536 rows and at the end; may be NULL. */
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
    /* The time event times are checked against (Unix seconds); 0: the clock. Event times
     * (scans, pings, samples, results, door events, arrivals, cases, control starts) must lie
     * in 1900-01-01 .. now + 1 day, planned ones (control and risk area ends, risk area starts)
     * in 1900-01-01 .. now + 366 days; resident IDs born after the day of now are rejected. */
    int64_t now;
};

/* The first line of every rejects file fangkong writes: its mark (see above). */
#define FK_REJECTS_HEADER "line,reason,raw\n"

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
        changed_id_type;
    char rejects_path[4096]; /* where rejects went; empty when none were rejected */
    char encoding[16];
};

/* Imports the file at path as type t into st, with profile p (batch size). On FK_OK the summary
 * is complete (rows may have been rejected: see sum->rejected). On error err says what and
 * nothing of the failing batch stays: FK_ENOENT / FK_EIO (the file cannot be read, or the
 * rejects file cannot be written), FK_EINVAL (a required column is missing or a column is named
 * twice, the encoding is unknown or UTF-16, or the rejects path is the input or a file fangkong
 * did not write: nothing imported), FK_EDB (the store failed: batches before the failing one are
 * committed), FK_EPERM (the actor may not import this type: nothing imported). */
int fk_import_file(fk_store *st, const struct fk_profile *p, enum fk_import_type t,
                   const char *path, const struct fk_import_opts *o,
                   struct fk_import_summary *sum, char *err, size_t errlen);

/* The updates of s in words, largest count first: "1 203 updated: 1 198 phone, 5 name" (digits
 * grouped by threes with a space); "" when nothing was updated. Writes into out (cap bytes),
 * returns out. */
const char *fk_import_updated_text(const struct fk_import_summary *s, char *out, size_t cap);

#endif
