/* SPDX-License-Identifier: MIT */
/* The backend vtable behind fk/store.h. Each backend fills a struct fk_store_ops and embeds
 * struct fk_store at the start of its own handle; store.c forwards every public call to it. */
#ifndef FK_STORE_INT_H
#define FK_STORE_INT_H

#include "fk/store.h"

struct fk_store_ops {
    const char *name;
    void (*close)(fk_store *st);
    const char *(*errmsg)(fk_store *st);
    int (*begin)(fk_store *st);
    int (*commit)(fk_store *st);
    int (*rollback)(fk_store *st);
    int (*generation)(fk_store *st, int64_t *out);
    int (*begin_control)(fk_store *st);
    int (*begin_events)(fk_store *st);
    int (*read_begin)(fk_store *st);
    int (*read_end)(fk_store *st);
    int (*control_generation)(fk_store *st, int64_t *out);
    int (*index_generation)(fk_store *st, unsigned feeds, int64_t *out);
    int (*add_scan)(fk_store *st, int64_t person, int64_t venue, int64_t time, enum fk_put *did);
    int (*add_ping)(fk_store *st, int64_t person, const char *cell, int64_t time,
                    enum fk_put *did);
    int (*add_sample)(fk_store *st, const struct fk_sample_row *s, enum fk_put *did);
    int (*put_result)(fk_store *st, const struct fk_result_row *r, enum fk_put *did);
    int (*get_person)(fk_store *st, int64_t id, struct fk_person_row *out);
    int (*find_person)(fk_store *st, const char *id_number, int64_t *id);
    int (*get_region)(fk_store *st, const char *code, struct fk_region_row *out);
    int (*tube_exists)(fk_store *st, const char *tube);
    int (*each_region)(fk_store *st, fk_region_cb cb, void *ud);
    int (*each_person_key)(fk_store *st, fk_person_cb cb, void *ud);
    int (*each_person_shown)(fk_store *st, fk_person_cb cb, void *ud);
    int (*each_venue)(fk_store *st, fk_venue_cb cb, void *ud);
    int (*each_sample)(fk_store *st, fk_sample_cb cb, void *ud);
    int (*each_result)(fk_store *st, fk_result_cb cb, void *ud);
    int (*each_case)(fk_store *st, fk_case_cb cb, void *ud);
    int (*each_scan)(fk_store *st, fk_event_cb cb, void *ud);
    int (*each_ping)(fk_store *st, fk_event_cb cb, void *ud);
    /* table: one of the names fk_store_count allows (static storage), safe to put in SQL */
    int (*count)(fk_store *st, const char *table, int64_t *out);
    int (*add_round)(fk_store *st, struct fk_round *r);
    int (*get_round)(fk_store *st, const char *name, struct fk_round *out);
    int (*each_round)(fk_store *st, fk_round_cb cb, void *ud);
    int (*add_door_event)(fk_store *st, const struct fk_door_row *d, enum fk_put *did);
    int (*add_alert)(fk_store *st, const struct fk_alert_row *a, enum fk_put *did);
    int (*update_alert)(fk_store *st, int64_t id, int status, const char *who, const char *note,
                        int64_t updated);
    int (*get_control)(fk_store *st, int64_t id, struct fk_control_row *out);
    int (*get_alert)(fk_store *st, int64_t id, struct fk_alert_row *out);
    int (*find_device)(fk_store *st, const char *device, int64_t *person);
    int (*door_before)(fk_store *st, const char *device, int64_t t, struct fk_door_row *out);
    int (*coldchain_batch_known)(fk_store *st, const char *batch);
    int (*each_control)(fk_store *st, int64_t person, fk_control_cb cb, void *ud);
    int (*each_arrival)(fk_store *st, fk_arrival_cb cb, void *ud);
    int (*each_risk_area)(fk_store *st, fk_risk_area_cb cb, void *ud);
    int (*each_alert)(fk_store *st, int status, fk_alert_cb cb, void *ud);
    int (*each_silent_device)(fk_store *st, int64_t before, fk_door_cb cb, void *ud);
    int (*each_sentinel)(fk_store *st, int64_t from, int64_t to, int kind, fk_sentinel_cb cb,
                         void *ud);
    int (*each_person_tagged)(fk_store *st, fk_person_cb cb, void *ud);
    int (*each_tube_member)(fk_store *st, const char *tube, fk_sample_cb cb, void *ud);
    int (*add_gate_count)(fk_store *st, const struct fk_gate_count_row *r);
    int (*each_gate_count)(fk_store *st, int64_t from, fk_gate_count_cb cb, void *ud);
    void (*set_busy_wait)(fk_store *st, int ms);
    int (*search_persons)(fk_store *st, enum fk_person_key key, const char *value,
                          const char *grid, fk_person_cb cb, void *ud);
    int (*grid_names)(fk_store *st, const char *grid, const char *prefix, const char *upto,
                      size_t limit, fk_person_name_cb cb, void *ud);
    int (*get_case)(fk_store *st, int64_t person, struct fk_case_row *out);
    int (*open_control)(fk_store *st, int64_t person, int *category);
    int (*add_user)(fk_store *st, const struct fk_user *u);
    int (*update_user)(fk_store *st, const struct fk_user *u);
    int (*get_user)(fk_store *st, const char *name, struct fk_user *out);
    int (*get_user_by_id)(fk_store *st, int64_t id, struct fk_user *out);
    int (*each_user)(fk_store *st, fk_user_cb cb, void *ud);
    int (*add_token)(fk_store *st, const char *hash, int64_t user, int64_t created,
                     int64_t expires);
    int (*get_token)(fk_store *st, const char *hash, int64_t *user, int64_t *expires);
    int (*del_token)(fk_store *st, const char *hash);
    int (*del_user_tokens)(fk_store *st, int64_t user);
    int (*add_audit)(fk_store *st, const struct fk_audit_row *a);
    int (*each_audit)(fk_store *st, int64_t since, fk_audit_cb cb, void *ud);
    int (*put_record)(fk_store *st, fk_record_id t, const struct fk_record_value *v, int64_t *id,
                      enum fk_put *did, unsigned *changed);
    int (*each_record)(fk_store *st, fk_record_id t, fk_record_cb cb, void *ud);
    int (*each_vaccination)(fk_store *st, int64_t person, fk_vax_cb cb, void *ud);
    int (*add_vax_push)(fk_store *st, const char *region, int64_t time, const char *who,
                        const int64_t *members, size_t n, int64_t *id);
    int (*each_vax_push)(fk_store *st, int64_t now, fk_vax_push_cb cb, void *ud);
    int (*add_problem_change)(fk_store *st, const struct fk_problem_change *h);
    int (*each_problem_change)(fk_store *st, const char *problem, fk_problem_change_cb cb,
                               void *ud);
    int (*add_zone_change)(fk_store *st, const struct fk_zone_change *h);
    int (*each_zone_change)(fk_store *st, fk_zone_change_cb cb, void *ud);
    int (*each_transfer)(fk_store *st, const char *task, int64_t person, fk_record_cb cb,
                         void *ud);
    int (*dump)(fk_store *st, const struct fk_store_table *t, fk_table_cb cb, void *ud);
    int (*load)(fk_store *st, const struct fk_store_table *t, const char *const *names,
                const struct fk_record_value *v, size_t n);
    int (*load_end)(fk_store *st, const struct fk_store_table *t);
    int (*watch)(fk_store *st, int ms, int64_t *generation); /* NULL: announces nothing */
    /* NULL: fk_store_add_events makes the calls one by one. */
    int (*add_events)(fk_store *st, fk_record_id type, const struct fk_event_row *e,
                      const struct fk_sample_row *s, size_t n, enum fk_put *did);
    int (*lost)(const fk_store *st); /* NULL: never (an embedded store) */
    /* NULL: fk_store_put_records makes the calls one by one. ids and changed may be NULL. */
    int (*put_records)(fk_store *st, fk_record_id t, const struct fk_record_value *v, size_t n,
                       int64_t *ids, enum fk_put *did, unsigned *changed);
};

struct fk_store {
    const struct fk_store_ops *ops;
    char audit_region[32]; /* fk_store_set_audit_region */
    unsigned touched;      /* FK_FEEDS_* the open batch wrote (store.c); the backend's commit
                              moves those indexes' generations (fk_store_index_generation) */
    unsigned reconnects;   /* times the backend connected again after losing its server */
    char server[160];      /* the server it connected to last time (host:port) */
};

/* Whether value v of field f is "keep the stored value" (a FK_RFIELD_KEEP field the input did
 * not give): the backends' generic puts then keep the column as stored. */
static inline int fk__value_absent(const struct fk_record_field *f, const struct fk_record_value *v)
{
    return (f->flags & FK_RFIELD_KEEP) && (f->kind == FK_RVAL_TEXT ? !v->s : v->absent);
}

/* The first string after every string that begins with prefix, byte-wise (the prefix with its
 * last byte below 0xff raised by one, and the bytes after it dropped), into out (cap bytes);
 * "\xff" when there is none (UTF-8 text never holds the byte 0xff). Both backends compare these
 * columns byte by byte (PostgreSQL: COLLATE "C"), so a prefix search is a range. */
void fk__prefix_end(const char *prefix, char *out, size_t cap);

/* SQLite backend: opens path. */
int fk__store_sqlite_open(const char *path, fk_store **out, char *err, size_t errlen);
/* PostgreSQL backend (lib/store/pg, built with FK_WITH_POSTGRES): connects to uri. */
int fk__store_pg_open(const char *uri, fk_store **out, char *err, size_t errlen);

#endif
