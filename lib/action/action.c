/* SPDX-License-Identifier: MIT */
/* What every action shares (see action_int.h): the actor's role and scope, the audit row inside
 * the batch, and the wording of a store failure. */
#include "action_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fk/error.h"
#include "fk/region.h"
#include "fk/str.h"

int fk__may(const struct fk_actor *a, unsigned perm, const char *what, char *err, size_t errlen)
{
    if (!a->scope || fk_role_can(a->role, perm))
        return FK_OK;
    snprintf(err, errlen, "a %s account may not %s", fk_role_name(a->role), what);
    return FK_EPERM;
}

int fk__inside(fk_store *st, const struct fk_actor *a, const char *region)
{
    if (!a->scope)
        return 1;
    if (!region || !*region)
        return 0;
    return fk_store_region_inside(st, region, a->scope);
}

int fk__audit(fk_store *st, const struct fk_actor *a, const char *region, const char *action,
              const char *target, const char *fmt, ...)
{
    struct fk_audit_row row;
    char detail[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    memset(&row, 0, sizeof row);
    row.who = a->name && *a->name ? a->name : "anonymous";
    row.action = action;
    row.target = target ? target : "";
    row.detail = detail;
    row.region = region;
    return fk_store_add_audit(st, &row);
}

int fk__text_ok(const char *s, size_t max, int need)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    if (n > max || (need && n == 0))
        return 0;
    for (; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

int fk__fail(fk_store *st, int in_batch, int rc, char *err, size_t errlen)
{
    if (rc == FK_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != FK_EINVAL && rc != FK_ENOENT && rc != FK_ECONFLICT && rc != FK_EPERM)
        snprintf(err, errlen, "store: %s", fk_store_errmsg(st));
    if (in_batch)
        fk_store_rollback(st);
    return rc;
}

int fk__person_names(fk_store *st, int64_t person, char *out, size_t cap, char *grid)
{
    struct fk_person_row p;
    int rc = fk_store_get_person(st, person, &p);

    if (grid)
        grid[0] = '\0';
    if (rc == FK_ENOENT) {
        snprintf(out, cap, "#%lld", (long long)person);
        return FK_OK;
    }
    if (rc != FK_OK)
        return rc;
    fk_strlcpy(out, p.id_number, cap);
    if (grid)
        fk_strlcpy(grid, p.grid ? p.grid : "", FK_REGION_CODE_MAX);
    return FK_OK;
}
