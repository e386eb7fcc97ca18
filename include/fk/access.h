/* SPDX-License-Identifier: MIT */
/* Who may do what: roles (admin, commander, county, township, grid, lab, viewer, gate) and the
 * permissions each carries. Where a user may act is its scope, a region code; inside-ness is the
 * engine's (fk_engine_region_inside). Pure. */
#ifndef FK_ACCESS_H
#define FK_ACCESS_H

enum fk_role {
    FK_ROLE_VIEWER = 0,
    FK_ROLE_LAB,
    FK_ROLE_GRID,
    FK_ROLE_TOWNSHIP,
    FK_ROLE_COUNTY,
    FK_ROLE_COMMANDER,
    FK_ROLE_ADMIN,
    FK_ROLE_GATE,    /* a gate's device (数字哨兵): gate checks only */
    FK_ROLE_SAMPLER, /* a sampling table's phone (/sample): samples of its scope only */
    FK_ROLE_COUNT
};

enum fk_perm {
    FK_PERM_READ = 1 << 0,         /* counts: coverage, turnaround, dashboard */
    FK_PERM_READ_PERSONS = 1 << 1, /* named persons: missing, retest, trace, explain, chain */
    FK_PERM_POST_RESULTS = 1 << 2, /* import lab results */
    FK_PERM_IMPORT = 1 << 3,       /* import any file type */
    FK_PERM_ROUNDS = 1 << 4,       /* create screening rounds */
    FK_PERM_AUDIT = 1 << 5,        /* read the audit trail */
    FK_PERM_USERS = 1 << 6,        /* manage accounts */
    FK_PERM_CONTROL = 1 << 7,      /* control orders, alerts, door-sensor events */
    FK_PERM_GATE = 1 << 8,         /* gate checks (GET /api/v1/check/ID): a colour, never a name */
    FK_PERM_SAMPLE = 1 << 9        /* swabs at a sampling table: check an ID, add samples */
};

/* Who acts: an account's name, role and scope (a region code). A write by an actor touches only
 * records that live inside its scope, before and after the write; NULL for an actor means the
 * local administrator at the machine (the command line without --as), who has no scope. Strings
 * are borrowed from the caller for as long as the actor is used. */
struct fk_actor {
    const char *name;
    enum fk_role role;
    const char *scope;
};

/* FK_OK and *out, or FK_EINVAL. */
int fk_role_parse(const char *s, enum fk_role *out);
const char *fk_role_name(enum fk_role r);
/* The permissions of role r (a mask of enum fk_perm). */
unsigned fk_role_perms(enum fk_role r);
/* 1 when role r holds every permission in mask. */
int fk_role_can(enum fk_role r, unsigned mask);

#endif
