/* SPDX-License-Identifier: MIT */
/* 包保 roles, phones and the missing roles of a person (see fk/cadre.h). */
#include "fk/cadre.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fk/error.h"

/* The Chinese names a clerk writes for the default roles (and leader). */
static const struct {
    const char *zh, *code;
} aliases[] = {
    {"包保领导", "leader"},
    {"领导", "leader"},
    {"网格员", "grid_worker"},
    {"社区干部", "community_cadre"},
    {"村干部", "community_cadre"},
    {"医生", "doctor"},
    {"家庭医生", "doctor"},
    {"医务人员", "doctor"},
    {"民警", "police"},
    {"警察", "police"},
    {"志愿者", "volunteer"},
};

int fk_cadre_role_index(const struct fk_profile *p, const char *code)
{
    int i;

    if (strcmp(code, FK_CADRE_LEADER) == 0)
        return FK_CADRE_ROLE_LEADER;
    for (i = 0; i < p->nassign_roles; i++)
        if (strcmp(code, p->assign_roles[i]) == 0)
            return i;
    return -2;
}

int fk_cadre_role_parse(const struct fk_profile *p, fk_slice s, char *out, size_t cap, int *index)
{
    char code[FK_NAME_MAX];
    size_t i, k;

    if (cap)
        out[0] = '\0';
    *index = -2;
    s = fk_slice_trim(s);
    if (s.n == 0 || s.n >= sizeof code)
        return FK_EINVAL;
    for (i = 0; i < s.n; i++)
        code[i] = (s.p[i] >= 'A' && s.p[i] <= 'Z') ? (char)(s.p[i] - 'A' + 'a') : s.p[i];
    code[s.n] = '\0';
    for (k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcmp(code, aliases[k].zh) == 0)
            fk_strlcpy(code, aliases[k].code, sizeof code);
    *index = fk_cadre_role_index(p, code);
    if (*index == -2)
        return FK_EINVAL;
    fk_strlcpy(out, code, cap);
    return FK_OK;
}

char *fk_cadre_roles_text(const struct fk_profile *p, char *buf, size_t cap)
{
    size_t len = 0;
    int i, n;

    if (!cap)
        return buf;
    n = snprintf(buf, cap, "%s", FK_CADRE_LEADER);
    len = n > 0 ? (size_t)n : 0;
    for (i = 0; i < p->nassign_roles && len < cap; i++) {
        n = snprintf(buf + len, cap - len, "%s%s", i == p->nassign_roles - 1 ? " or " : ", ",
                     p->assign_roles[i]);
        if (n < 0)
            break;
        len += (size_t)n;
    }
    return buf;
}

int fk_cadre_phone_ok(fk_slice s)
{
    size_t i, digits = 0;
    int prev_digit = 0;

    s = fk_slice_trim(s);
    for (i = 0; i < s.n; i++) {
        char ch = s.p[i];

        if (ch >= '0' && ch <= '9') {
            digits++;
            prev_digit = 1;
        } else if (ch == '+' && i == 0) {
            prev_digit = 0;
        } else if ((ch == '-' || ch == ' ') && prev_digit && i + 1 < s.n) {
            prev_digit = 0;
        } else {
            return 0;
        }
    }
    return digits >= 7 && digits <= 20;
}

int fk_cadre_leader_level_ok(enum fk_level level)
{
    return level == FK_LEVEL_COUNTY || level == FK_LEVEL_TOWNSHIP || level == FK_LEVEL_COMMUNITY ||
           level == FK_LEVEL_GRID;
}

int fk_cadre_missing(const struct fk_profile *p, unsigned have, char *out, size_t cap)
{
    size_t len = 0;
    int i, n, missing = 0;

    if (cap)
        out[0] = '\0';
    for (i = 0; i < p->nassign_roles; i++) {
        if (have & (1u << i))
            continue;
        missing++;
        if (len >= cap)
            continue;
        n = snprintf(out + len, cap - len, "%s%s", len ? ";" : "", p->assign_roles[i]);
        if (n > 0)
            len += (size_t)n;
    }
    return missing;
}
