/* SPDX-License-Identifier: MIT */
/* Citizen requests, the pure part (fk/request.h): the kinds' and channels' names, the check of a
 * request's times, its status and its state at a time against its kind's deadlines. No clock:
 * the caller passes now. */
#include "fk/request.h"

#include "fk/error.h"

static const char *const kinds[FK_REQUEST_NKINDS] = {"medicine", "medical", "food", "complaint",
                                                     "other"};
static const char *const channels[FK_REQUEST_NCHANNELS] = {"hotline", "wechat", "online", "walk_in",
                                                           "other"};
static const char *const statuses[FK_REQUEST_NSTATUS] = {"open", "assigned", "resolved"};
static const char *const states[FK_REQUEST_NSTATES] = {"overdue", "open", "assigned", "late",
                                                       "on_time"};
static const char *const misses[3] = {"", "assign", "resolve"};

/* The index of s among names (n of them, ASCII case ignored) or among the aliases zh
 * (NULL-terminated, each with its index in zh_idx), or -1. */
static int find_name(fk_slice s, const char *const *names, int n, const char *const *zh,
                     const int *zh_idx)
{
    int i;

    s = fk_slice_trim(s);
    for (i = 0; i < n; i++)
        if (fk_slice_eqi(s, names[i]))
            return i;
    for (i = 0; zh[i]; i++)
        if (fk_slice_eqi(s, zh[i]))
            return zh_idx[i];
    return -1;
}

const char *fk_request_kind_name(int k)
{
    return k >= 0 && k < FK_REQUEST_NKINDS ? kinds[k] : "";
}

int fk_request_kind_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"购药",     "买药", "药品", "就医", "就诊", "医疗",
                                     "生活物资", "食品", "物资", "投诉", "其他", NULL};
    static const int idx[] = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 4};
    int k = find_name(s, kinds, FK_REQUEST_NKINDS, zh, idx);

    if (k < 0)
        return FK_EINVAL;
    *out = k;
    return FK_OK;
}

const char *fk_request_channel_name(int c)
{
    return c >= 0 && c < FK_REQUEST_NCHANNELS ? channels[c] : "";
}

int fk_request_channel_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"热线",   "电话", "12345", "微信", "网络", "网上",
                                     "小程序", "app",  "来访",  "现场", "其他", NULL};
    static const int idx[] = {0, 0, 0, 1, 2, 2, 2, 2, 3, 3, 4};
    int k = find_name(s, channels, FK_REQUEST_NCHANNELS, zh, idx);

    if (k < 0)
        return FK_EINVAL;
    *out = k;
    return FK_OK;
}

const char *fk_request_status_name(int s)
{
    return s >= 0 && s < FK_REQUEST_NSTATUS ? statuses[s] : "";
}

const char *fk_request_state_name(int s)
{
    return s >= 0 && s < FK_REQUEST_NSTATES ? states[s] : "";
}

const char *fk_request_missed_name(int m)
{
    return m >= 0 && m < 3 ? misses[m] : "";
}

enum fk_request_problem fk_request_check(int64_t received, int64_t assigned, int64_t resolved)
{
    if (assigned && assigned < received)
        return FK_REQUEST_ASSIGNED_EARLY;
    if (resolved && !assigned)
        return FK_REQUEST_NO_ASSIGNMENT;
    if (resolved && resolved < assigned)
        return FK_REQUEST_RESOLVED_EARLY;
    return FK_REQUEST_OK;
}

enum fk_request_status fk_request_status_of(int64_t assigned, int64_t resolved)
{
    return resolved ? FK_REQUEST_RESOLVED : assigned ? FK_REQUEST_ASSIGNED : FK_REQUEST_OPEN;
}

void fk_request_deadlines(const struct fk_profile *p, int kind, int64_t received,
                          int64_t *assign_by, int64_t *resolve_by)
{
    if (kind < 0 || kind >= FK_REQUEST_NKINDS)
        kind = FK_REQUEST_OTHER;
    *assign_by = received + (int64_t)p->request_assign_minutes[kind] * 60;
    *resolve_by = received + (int64_t)p->request_resolve_minutes[kind] * 60;
}

/* Whole minutes of d > 0 seconds, rounded up. */
static int64_t ceil_min(int64_t d)
{
    return d / 60 + (d % 60 != 0);
}

enum fk_request_state fk_request_state_at(const struct fk_profile *p, int kind, int64_t received,
                                          int64_t assigned, int64_t resolved, int64_t now,
                                          int *missed, int64_t *late_by)
{
    int64_t ab, rb, over = 0;
    int miss = FK_REQUEST_MISSED_NONE;
    enum fk_request_state s;

    fk_request_deadlines(p, kind, received, &ab, &rb);
    if (assigned > now)
        assigned = 0;
    if (resolved > now || !assigned)
        resolved = 0;
    /* The assignment deadline: met by an assignment at or before it; missed by a later one, or,
     * with none, once now is past it. */
    if (assigned ? assigned > ab : now > ab) {
        miss = FK_REQUEST_MISSED_ASSIGN;
        over = ceil_min((assigned ? assigned : now) - ab);
    } else if (resolved ? resolved > rb : now > rb) {
        miss = FK_REQUEST_MISSED_RESOLVE;
        over = ceil_min((resolved ? resolved : now) - rb);
    }
    if (resolved)
        s = miss ? FK_REQUEST_S_LATE : FK_REQUEST_S_ON_TIME;
    else if (miss)
        s = FK_REQUEST_S_OVERDUE;
    else
        s = assigned ? FK_REQUEST_S_ASSIGNED : FK_REQUEST_S_OPEN;
    if (missed)
        *missed = miss;
    if (late_by)
        *late_by = over;
    return s;
}
