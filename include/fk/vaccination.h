/* SPDX-License-Identifier: MIT */
/* Vaccination answers (疫苗接种, issue 16): coverage per region and age band at any time, the
 * catch-up list of residents 12 and over without a full course (the list each community
 * receives), and per community how many are on it and what became of the last list pushed. The
 * answers come from fk_vax, a read-only in-memory index over the store's residents and doses,
 * joined to the engine's regions: per resident (by grid) the birth date and the times at which
 * the resident reached a first dose, a full course and a booster (fk/vaccine.h), so coverage at
 * any time is one pass over the residents of the regions asked for. The push that writes is
 * fk_vax_push in fk/action.h.
 *
 * Thread-safety: one thread at a time per fk_vax; it borrows the engine. */
#ifndef FK_VACCINATION_H
#define FK_VACCINATION_H

#include <stddef.h>
#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/table.h"

typedef struct fk_vax fk_vax;

/* Builds the index from st and e (e borrowed: it must outlive the index and reflect st) with
 * profile p (copied): residents are the persons whose ID number is a resident ID (it carries the
 * birth date) and whose grid the engine knows. FK_OK, FK_ENOMEM, FK_EDB with err. Caller frees
 * with fk_vax_free(). */
int fk_vax_build(fk_store *st, fk_engine *e, const struct fk_profile *p, fk_vax **out, char *err,
                 size_t errlen);
void fk_vax_free(fk_vax *v);
/* The engine the index was built over and the store generation it reflects. */
const fk_engine *fk_vax_engine(const fk_vax *v);
int64_t fk_vax_generation(const fk_vax *v);
/* Residents in the index. */
size_t fk_vax_residents(const fk_vax *v);

/* Coverage at now: for every region of level `by` inside within (NULL: everywhere), in code
 * order, six rows, the bands 3-11, 12-17, 18-59, 60-79, 80+ and 12+:
 * region,name,band,residents,dose1,full,booster — residents of the band by their age at now's
 * local date, and of them those who had reached a first dose, a full course and a booster by
 * now. FK_OK, FK_ENOENT (unknown within), FK_ENOMEM. Caller frees *out. */
int fk_vax_coverage(fk_vax *v, enum fk_level by, const char *within, int64_t now, fk_table **out,
                    char *err, size_t errlen);
/* The catch-up list of region (NULL: everywhere) at now: residents aged 12 or more without a full
 * course by now, grid,grid_name,id_number,name,phone,age,doses,last_dose — doses so far and the
 * last one's time (empty without one) — by grid, then ID number. Names, phones and doses are read
 * through st (the caller's connection, borrowed). FK_OK, FK_ENOENT (unknown region), FK_ENOMEM,
 * FK_EDB. */
int fk_vax_catchup(fk_vax *v, fk_store *st, const char *region, int64_t now, fk_table **out,
                   char *err, size_t errlen);
/* The dense person ids on region's catch-up list at now, in the list's grid order, into *pids
 * (caller frees with free()) and *n. FK_OK, FK_ENOENT, FK_ENOMEM. */
int fk_vax_catchup_members(fk_vax *v, const char *region, int64_t now, int64_t **pids, size_t *n,
                           char *err, size_t errlen);
/* Per community inside within (NULL: everywhere), in code order, at now:
 * community,name,residents12,on_list,pushed,pushed_by,pushed_members,since — residents aged 12 or
 * more, those on the catch-up list, and of the last list pushed at or before now its time, who
 * pushed it, how many it held and how many of them had a dose after it (all empty when never
 * pushed). Pushes are read through st. FK_OK, FK_ENOENT, FK_ENOMEM, FK_EDB. */
int fk_vax_communities(fk_vax *v, fk_store *st, const char *within, int64_t now, fk_table **out,
                       char *err, size_t errlen);

#endif
