/* SPDX-License-Identifier: MIT */
/* The roster (lib/engine/roster.c, issue 19): every person's ID number, store id and grid in a
 * file beside the data file (DATA.roster), which an import maps to find the persons its rows name
 * without reading the registry: a samples file of 1 M rows asks it 1 M times at memory speed,
 * where the whole registry read into a hash map costs about 1 s and 75 bytes a resident (10 s and
 * 750 MiB at 10 M). It also holds what output shows of each person (ID number, name, phone, grid)
 * by store id, so a trace renders its contacts from it rather than with a store query each
 * (fk_tracer_use_roster). Written with the snapshot writer (fk/snapfile.h) and stamped with the
 * store generation it reflects; current while no batch after it wrote a person
 * (fk_store_index_generation of FK_FEEDS_ROSTER). A cache: deleting it loses nothing.
 *
 * Thread-safety: a roster is read-only once open; fk_roster_find and fk_roster_person may run
 * from several threads. */
#ifndef FK_ROSTER_H
#define FK_ROSTER_H

#include <stddef.h>
#include <stdint.h>

#include "fk/store.h"

typedef struct fk_roster fk_roster;

/* Reads every person of st (fk_store_each_person_shown; st borrowed for the call) and writes the
 * roster to path through a temporary file renamed into place, stamped with the store's generation
 * as the read began (a write meanwhile makes it stale, never wrongly current). FK_OK; FK_EDB,
 * FK_ENOMEM, FK_EIO, FK_ETOOBIG (the persons' texts pass 16 GiB) with err set (nothing
 * written). */
int fk_roster_write(fk_store *st, const char *path, char *err, size_t errlen);

/* Maps the roster at path when it reflects st's persons now (st borrowed for the call). Only its
 * header and its grid codes are checked here; every other block is checked when a look-up first
 * reads it (fk_roster_find, fk_roster_person). FK_OK with *out set (caller closes with
 * fk_roster_close); FK_ENOENT with err when it is missing, stale, damaged, of another version, or
 * st keeps no generation of its persons; FK_ENOMEM; FK_EDB. */
int fk_roster_open(fk_store *st, const char *path, fk_roster **out, char *err, size_t errlen);
/* Maps the roster at path whatever the store's generation, and says the generation it was built
 * at (built_at may be NULL). Returns as fk_roster_open, without FK_EDB. */
int fk_roster_map(const char *path, fk_roster **out, int64_t *built_at, char *err, size_t errlen);
void fk_roster_close(fk_roster *r); /* NULL is a no-op */

/* The person whose ID number is the n bytes of id (as the store holds it: normalised): its store
 * id in *person and its grid code in *grid (borrowed: valid until fk_roster_close). FK_OK;
 * FK_ENOENT when the roster holds no such person; FK_EIO when a block the look-up read is damaged
 * (the roster cannot answer: ask the store). On failure *person is -1 and *grid NULL. */
int fk_roster_find(fk_roster *r, const char *id, size_t n, int64_t *person, const char **grid);
/* What output shows of a person, as the store holds it (fk_store_get_person's texts): borrowed
 * from the roster, valid until fk_roster_close. */
struct fk_roster_who {
    const char *id_number, *name, *phone, *grid;
};
/* The person whose store id is person into *out: its ID number, name, phone ("" when none) and
 * grid code. FK_OK; FK_ENOENT when the roster holds no person of that id; FK_EIO when a block the
 * look-up read is damaged (the roster cannot answer: ask the store). On failure every field of
 * *out is NULL. Two cache misses a look-up while the store's ids are dense (the usual case: its
 * rowids), a bisection otherwise. */
int fk_roster_person(fk_roster *r, int64_t person, struct fk_roster_who *out);
/* Checks every block: FK_OK, or FK_EIO when one is damaged. */
int fk_roster_verify(fk_roster *r);
/* How many persons the roster holds. */
uint64_t fk_roster_count(const fk_roster *r);

/* Tests only: the rosters written from now on hash ID numbers to their top `bits` bits (1 to 64;
 * 0 restores 64), so that different ID numbers share a hash. A roster records its width: readers
 * need no hook. Not thread-safe. */
void fk__roster_set_hash_bits(unsigned bits);
/* Tests only: where the section called name ("grid_off", "grid_text", "fence", "entry",
 * "long_text", "who_id", "who_off", "who_text") lies in the roster at path. FK_OK or
 * FK_ENOENT. */
int fk__roster_section(const char *path, const char *name, uint64_t *off, uint64_t *len);

#endif
