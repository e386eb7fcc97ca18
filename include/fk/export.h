/* SPDX-License-Identifier: MIT */
/* Export: the records of one type as a table with the type's export columns (fk/record.h), the
 * columns the import reads, so exporting and importing the result adds nothing. Times are
 * rendered as YYYY-MM-DDTHH:MM:SS+08:00, enumerations by their English names, an empty time as an
 * empty cell. Rendered as CSV, every text cell that could start a spreadsheet formula is given a
 * leading apostrophe (fk_buf_csv_text, through fk_table). */
#ifndef FK_EXPORT_H
#define FK_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "fk/access.h"
#include "fk/record.h"
#include "fk/store.h"
#include "fk/table.h"

/* Makes *out, a table of the records of type t that actor a may see, in key order. With an actor
 * (NULL: the local administrator, every row), the actor must be one that may import t
 * (fk_record_permitted), and rows are cut to its scope by the type's scope rule: a record is
 * exported when every region it lives in (a person's or venue's grid, an arrival's person's grid
 * and its grid, a region itself) lies inside the scope; risk areas, which live in no region of
 * the tree, go to the headquarters whole. On FK_OK the caller frees *out with fk_table_free. On
 * error *out is NULL and err says why: FK_EINVAL (t has no export: err names those that have),
 * FK_EPERM (the actor may not export t, or its scope is not in the region tree), FK_EDB,
 * FK_ENOMEM. Uses st for the call (one thread at a time, as every store call). */
int fk_export_table(fk_store *st, enum fk_import_type t, const struct fk_actor *a, fk_table **out,
                    char *err, size_t errlen);

#endif
