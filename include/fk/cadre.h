/* SPDX-License-Identifier: MIT */
/* 包保 (responsibility assignments), pure: the roles a cadre may hold (四级包保's `leader`, who
 * leads a county, township, community or grid, and the profile's 五包一 roles, the cadres of a
 * person under home control), a cadre's phone number, and which of the five a person lacks. No
 * I/O, no clock, no globals but constant tables; every function is thread-safe. The answers over
 * the store (gaps, load, a cadre's list) are fk/assign.h's. */
#ifndef FK_CADRE_H
#define FK_CADRE_H

#include <stddef.h>

#include "fk/profile.h"
#include "fk/region.h"
#include "fk/str.h"

/* The role of 四级包保: a leader of a region. */
#define FK_CADRE_LEADER "leader"
/* A role index: FK_CADRE_ROLE_LEADER, or 0 .. p->nassign_roles - 1 for the profile's roles. */
#define FK_CADRE_ROLE_LEADER (-1)

/* Reads role s (trimmed, ASCII case ignored) into its code in out (cap bytes) and its index into
 * *index: "leader" or a role of p's [assign] roles, or a Chinese name of one (包保领导, 网格员,
 * 社区干部, 医生, 民警, 志愿者 for the default codes grid_worker, community_cadre, doctor,
 * police, volunteer, when the profile names them). FK_OK, FK_EINVAL (out "" and *index -2). */
int fk_cadre_role_parse(const struct fk_profile *p, fk_slice s, char *out, size_t cap, int *index);
/* The index of role code `code` (exactly as stored) among p's roles, FK_CADRE_ROLE_LEADER for
 * "leader", or -2 when it is neither (a role the profile no longer names). */
int fk_cadre_role_index(const struct fk_profile *p, const char *code);
/* "leader, grid_worker, community_cadre, doctor, police or volunteer" into buf (cap bytes,
 * truncated when short). Returns buf. */
char *fk_cadre_roles_text(const struct fk_profile *p, char *buf, size_t cap);
/* 1 when s is a phone number: 7 to 20 digits, an optional leading '+', and '-' or ' ' between
 * digits; else 0. */
int fk_cadre_phone_ok(fk_slice s);
/* 1 when a leader may lead a region of level (county, township, community, grid), else 0. */
int fk_cadre_leader_level_ok(enum fk_level level);
/* The roles of p a person lacks when it has the roles whose index bits are set in have (bit i:
 * p->assign_roles[i]): their codes in profile order joined by ';' into out (cap bytes; "" when
 * none lacks). Returns how many are missing. */
int fk_cadre_missing(const struct fk_profile *p, unsigned have, char *out, size_t cap);

#endif
