/* SPDX-License-Identifier: MIT */
/* Response timers, the pure part (fk/incident.h): event and deadline names, the profile's limits
 * and the judgment of one deadline at a time. No clock: the caller passes now. */
#include "fk/incident.h"

#include <string.h>

#include "fk/error.h"

static const char *const events[FK_INC_NEVENTS] = {"onsite", "activated"};
static const char *const deadlines[FK_INC_ND] = {"onsite", "activated", "lock24", "screen72"};
static const char *const states[] = {"met", "open", "missed"};

const char *fk_inc_event_name(int e)
{
    return e >= 0 && e < FK_INC_NEVENTS ? events[e] : "";
}

int fk_inc_event_parse(fk_slice s, int *out)
{
    if (fk_slice_eqi(s, "onsite") || fk_slice_eq(s, "到场") || fk_slice_eq(s, "现场")) {
        *out = FK_INC_ONSITE;
        return FK_OK;
    }
    if (fk_slice_eqi(s, "activated") || fk_slice_eq(s, "启动") || fk_slice_eq(s, "激活")) {
        *out = FK_INC_ACTIVATED;
        return FK_OK;
    }
    return FK_EINVAL;
}

const char *fk_inc_deadline_name(int d)
{
    return d >= 0 && d < FK_INC_ND ? deadlines[d] : "";
}

int64_t fk_inc_limit(const struct fk_profile *p, int d)
{
    switch (d) {
    case FK_INC_D_ONSITE: return (int64_t)p->inc_onsite_minutes * 60;
    case FK_INC_D_ACTIVATED: return (int64_t)p->inc_activated_minutes * 60;
    case FK_INC_D_LOCK24: return (int64_t)p->inc_lock_hours * 3600;
    case FK_INC_D_SCREEN72: return (int64_t)p->inc_screen_hours * 3600;
    default: return 0;
    }
}

const char *fk_inc_state_name(int s)
{
    return s >= 0 && s <= FK_INC_MISSED ? states[s] : "";
}

int64_t fk_inc_start(int64_t confirmed, int64_t reported)
{
    return reported ? reported : confirmed;
}

/* Whole minutes of d seconds, rounded toward minus infinity (so -1 s is -1 min). */
static int64_t floor_min(int64_t d)
{
    return d >= 0 ? d / 60 : -((-d + 59) / 60);
}

void fk_inc_judge(int64_t start, int64_t limit, int64_t at, int64_t now, struct fk_inc_timer *out)
{
    memset(out, 0, sizeof *out);
    out->deadline = start + limit;
    if (at && at > now)
        at = 0; /* not known yet as of now */
    out->at = at;
    if (at && at <= out->deadline) {
        out->state = FK_INC_MET;
        out->margin = floor_min(out->deadline - at);
    } else if (!at && now <= out->deadline) {
        out->state = FK_INC_OPEN;
        out->margin = floor_min(out->deadline - now);
    } else {
        out->state = FK_INC_MISSED;
        out->margin = floor_min(out->deadline - (at ? at : now));
    }
}

int64_t fk_inc_share_at(const int64_t *locked, size_t n, int pct, int64_t none)
{
    size_t k;

    if (n == 0)
        return none;
    k = (n * (size_t)pct + 99) / 100;
    if (k == 0)
        k = 1;
    if (k > n)
        k = n;
    return locked[k - 1];
}
