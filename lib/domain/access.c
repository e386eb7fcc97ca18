/* SPDX-License-Identifier: MIT */
/* Roles and their permissions (see fk/access.h): one table, so a role's rights read in one line.
 * A lab may post results and read counts but never residents; a viewer reads, writes nothing; a
 * gate checks ID numbers and reads nothing else. */
#include "fk/access.h"

#include <string.h>

#include "fk/error.h"

static const struct {
    const char *name;
    unsigned perms;
} roles[FK_ROLE_COUNT] = {
    [FK_ROLE_VIEWER] = {"viewer", FK_PERM_READ | FK_PERM_READ_PERSONS},
    [FK_ROLE_LAB] = {"lab", FK_PERM_READ | FK_PERM_POST_RESULTS},
    [FK_ROLE_GRID] = {"grid", FK_PERM_READ | FK_PERM_READ_PERSONS | FK_PERM_POST_RESULTS |
                                  FK_PERM_IMPORT | FK_PERM_CONTROL | FK_PERM_SAMPLE},
    [FK_ROLE_TOWNSHIP] = {"township", FK_PERM_READ | FK_PERM_READ_PERSONS |
                                          FK_PERM_POST_RESULTS | FK_PERM_IMPORT | FK_PERM_ROUNDS |
                                          FK_PERM_CONTROL | FK_PERM_SAMPLE},
    [FK_ROLE_COUNTY] = {"county", FK_PERM_READ | FK_PERM_READ_PERSONS | FK_PERM_POST_RESULTS |
                                      FK_PERM_IMPORT | FK_PERM_ROUNDS | FK_PERM_CONTROL |
                                      FK_PERM_SAMPLE},
    [FK_ROLE_COMMANDER] = {"commander", FK_PERM_READ | FK_PERM_READ_PERSONS |
                                            FK_PERM_POST_RESULTS | FK_PERM_IMPORT |
                                            FK_PERM_ROUNDS | FK_PERM_AUDIT | FK_PERM_CONTROL |
                                            FK_PERM_GATE | FK_PERM_SAMPLE},
    [FK_ROLE_ADMIN] = {"admin", FK_PERM_READ | FK_PERM_READ_PERSONS | FK_PERM_POST_RESULTS |
                                    FK_PERM_IMPORT | FK_PERM_ROUNDS | FK_PERM_AUDIT |
                                    FK_PERM_USERS | FK_PERM_CONTROL | FK_PERM_GATE |
                                    FK_PERM_SAMPLE},
    /* a gate's device: the check and nothing else, so a stolen one reads no resident */
    [FK_ROLE_GATE] = {"gate", FK_PERM_GATE},
    /* a sampling table's phone (issue 21): the ID check and samples of its scope, nothing else;
     * every role that imports files may sample too */
    [FK_ROLE_SAMPLER] = {"sampler", FK_PERM_SAMPLE},
};

int fk_role_parse(const char *s, enum fk_role *out)
{
    int i;

    for (i = 0; i < FK_ROLE_COUNT; i++) {
        if (strcmp(s, roles[i].name) == 0) {
            *out = (enum fk_role)i;
            return FK_OK;
        }
    }
    return FK_EINVAL;
}

const char *fk_role_name(enum fk_role r)
{
    return (int)r >= 0 && r < FK_ROLE_COUNT ? roles[r].name : "";
}

unsigned fk_role_perms(enum fk_role r)
{
    return (int)r >= 0 && r < FK_ROLE_COUNT ? roles[r].perms : 0;
}

int fk_role_can(enum fk_role r, unsigned mask)
{
    return (fk_role_perms(r) & mask) == mask;
}
