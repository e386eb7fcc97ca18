/* SPDX-License-Identifier: MIT */
/* Finding anyone, and everything about one person (the person page): the search by ID number (all
 * 18 characters or the last 6), name (a prefix) or phone (all 11 digits or the last 4), cut to a
 * scope and capped; and the page's blocks — the registry with the grid's, township's and county's
 * names, the household's members, every sample with its tube, pool and result per round, the
 * contact status, control orders, the regime's tests, alerts and arrivals — each from the library
 * call that answers it for everyone, cut to the person. It only reads. The search reads the
 * persons table's indexes (schema version 6) through the store; samples come from the engine,
 * orders, tests and arrivals from the control index.
 *
 * Thread-safety: as the store, engine and control index it is given (one thread at a time). */
#ifndef FK_PERSON_H
#define FK_PERSON_H

#include <stddef.h>
#include <stdint.h>

#include "fk/buf.h"
#include "fk/control.h"
#include "fk/engine.h"
#include "fk/store.h"
#include "fk/table.h"
#include "fk/trace.h"

#define FK_PERSON_QUERY_MAX 64 /* bytes of a search query */
#define FK_PERSON_FIND_MAX 200 /* the most rows a search may ask for */

/* What query q (trimmed) looks up: 18 characters of digits (the last may be X) or a document
 * number of letters and digits: the whole ID number; 6 such characters: the ID number's end; 11
 * digits beginning with 1: a phone; 4 digits: the phone's end; anything else without control
 * characters or digits only: a name prefix. The key into *key and the value to look up
 * (normalised: upper case, trimmed) into value (cap bytes). FK_OK, or FK_EINVAL with a reason a
 * clerk can act on ("5 digits: …"). Pure. */
int fk_person_query_parse(const char *q, enum fk_person_key *key, char *value, size_t cap,
                          char *err, size_t errlen);

/* Sorts the contacts of a trace (fk_tracer_run) by person, as the calls below take them. FK_OK. */
int fk_person_contacts_sort(struct fk_contact *k, size_t n);

/* A search. */
struct fk_person_find_opts {
    const char *q;     /* as fk_person_query_parse takes it */
    const char *scope; /* only persons whose grid lies inside this region; NULL: everyone */
    size_t limit;      /* at most this many rows, 1 to FK_PERSON_FIND_MAX */
    /* The contacts of a trace sorted by person (fk_person_contacts_sort; borrowed; NULL: not
     * known), for the contact column. */
    const struct fk_contact *contacts;
    size_t ncontacts;
};
/* The persons q finds inside the scope, in the order of the key's index, at most o->limit:
 * id_number,name,phone,grid,grid_name,township,township_name,county,county_name,household,tags,
 * case,contact,control — case: confirmed or asymptomatic when the person is a case; contact: the
 * trace's category (close, secondary, companion); control: the category of the open control
 * order (a name prefix: by name, then by person id, whichever index walk found them). *more is 1
 * when more persons match than the rows given. A name prefix in a scope is looked up grid by
 * grid in the (grid, name) index (merged in name order, index-only) when the scope holds few of
 * the name index's entries, so a grid worker's or a township's search reads only its grids. One
 * read transaction of st (a consistent snapshot; none inside a write batch; not to be called
 * inside the caller's own fk_store_read_begin, which its end would close, as read_names in
 * control.c). Not thread-safe for one st. FK_OK; FK_EINVAL with the reason (the query, the limit); FK_ENOENT
 * (unknown scope); FK_ENOMEM, FK_EDB. Caller frees *out with fk_table_free(). */
int fk_person_find(fk_store *st, fk_engine *e, const struct fk_person_find_opts *o, fk_table **out,
                   int *more, char *err, size_t errlen);

/* The person page's blocks, each a table (caller frees with fk_person_page_fini). */
struct fk_person_page {
    /* One row: id_number,id_type,name,phone,grid,grid_name,township,township_name,county,
     * county_name,household,tags,case,confirmed,onset,contact,control. */
    fk_table *person;
    /* The household's other members inside the scope: id_number,name,grid,grid_name,case,
     * contact,control. */
    fk_table *household;
    /* Every sample, oldest first: round,tube,time,site,members,members_outside,result,
     * result_time,received,lab — round: the latest round whose window holds the sample time and
     * whose region holds the person's grid (empty: none); members: everyone sampled into the
     * tube; members_outside: how many of them live outside the scope. */
    fk_table *samples;
    /* The tubes' other members inside the scope: tube,id_number,name,grid. */
    fk_table *pool;
    /* The trace's reason when the person is a contact (0 or 1 row): category,via,exposure,
     * source,source_name,root,root_name — source and root are empty when outside the scope. */
    fk_table *contact;
    fk_table *controls; /* fk_ctl_list's rows of the person, every status */
    fk_table *tests;    /* fk_ctl_due's rows of the person, every source and state */
    fk_table *alerts;   /* fk_alert_list's rows of the person, every status */
    fk_table *arrivals; /* fk_ctl_arrivals' rows of the person */
};
/* The page of person pid (a dense id, as fk_store_find_person gives) as seen from scope (NULL:
 * everything) as of local day today (fk_local_day), with the contacts of a trace (sorted by
 * person, borrowed, may be NULL). The controls, tests, alerts and arrivals are those fk_ctl_list, fk_ctl_due,
 * fk_alert_list and fk_ctl_arrivals give for the person's grid, kept for the person. FK_OK;
 * FK_ENOENT (unknown, or outside the scope: alike, so ID numbers cannot be probed); FK_ENOMEM,
 * FK_EDB. On failure *out holds no table. */
int fk_person_page_get(fk_store *st, fk_engine *e, fk_ctl *c, const char *scope, int64_t pid,
                       int64_t today, const struct fk_contact *contacts, size_t ncontacts,
                       struct fk_person_page *out, char *err, size_t errlen);
void fk_person_page_fini(struct fk_person_page *p);
/* Renders the page into b: JSON, one object {"person":{…},"household":[…],"samples":[…],
 * "pool":[…],"contact":[…],"controls":[…],"tests":[…],"alerts":[…],"arrivals":[…]}; or CSV, each
 * block as a line "# NAME", its CSV with the header row, and an empty line. FK_OK, FK_ENOMEM,
 * FK_ETOOBIG. */
int fk_person_page_render(const struct fk_person_page *p, enum fk_format f, fk_buf *b);

#endif
