/* SPDX-License-Identifier: MIT */
/* Closed-loop transfers, the pure part (fk/transfer.h): the kinds' and events' names, the check
 * of a person's event times and the state of a transfer at a time. No clock: the caller passes
 * now. */
#include "fk/transfer.h"

#include "fk/error.h"

static const char *const froms[FK_TRANSFER_NFROM] = {"airport", "station", "school", "address",
                                                     "other"};
static const char *const tos[FK_TRANSFER_NTO] = {"isolation_site", "home", "hospital", "other"};
static const char *const events[FK_TRANSFER_NEVENTS] = {"picked_up", "handed_over"};
static const char *const states[FK_TRANSFER_NSTATES] = {"gap",     "overdue", "in_transit",
                                                        "planned", "late",    "done"};

const char *fk_transfer_from_name(int k)
{
    return k >= 0 && k < FK_TRANSFER_NFROM ? froms[k] : "";
}

/* The index of s among names (n of them, ASCII case ignored) or among the Chinese aliases zh
 * (NULL-terminated pairs: alias, index), or -1. */
static int find_name(fk_slice s, const char *const *names, int n, const char *const *zh,
                     const int *zh_idx)
{
    int i;

    for (i = 0; i < n; i++)
        if (fk_slice_eqi(s, names[i]))
            return i;
    for (i = 0; zh[i]; i++)
        if (fk_slice_eq(s, zh[i]))
            return zh_idx[i];
    return -1;
}

int fk_transfer_from_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"机场", "车站", "火车站", "学校",
                                     "地址", "住址", "其他",   NULL};
    static const int idx[] = {0, 1, 1, 2, 3, 3, 4};
    int k = find_name(s, froms, FK_TRANSFER_NFROM, zh, idx);

    if (k < 0)
        return FK_EINVAL;
    *out = k;
    return FK_OK;
}

const char *fk_transfer_to_name(int k)
{
    return k >= 0 && k < FK_TRANSFER_NTO ? tos[k] : "";
}

int fk_transfer_to_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"隔离点", "集中隔离点", "居家", "家", "医院", "其他", NULL};
    static const int idx[] = {0, 0, 1, 1, 2, 3};
    int k = find_name(s, tos, FK_TRANSFER_NTO, zh, idx);

    if (k < 0)
        return FK_EINVAL;
    *out = k;
    return FK_OK;
}

const char *fk_transfer_event_name(int e)
{
    return e >= 0 && e < FK_TRANSFER_NEVENTS ? events[e] : "";
}

int fk_transfer_event_parse(fk_slice s, int *out)
{
    static const char *const zh[] = {"接到", "接站", "交接", "移交", NULL};
    static const int idx[] = {0, 0, 1, 1};
    int k = find_name(s, events, FK_TRANSFER_NEVENTS, zh, idx);

    if (k < 0)
        return FK_EINVAL;
    *out = k;
    return FK_OK;
}

const char *fk_transfer_state_name(int s)
{
    return s >= 0 && s < FK_TRANSFER_NSTATES ? states[s] : "";
}

enum fk_transfer_problem fk_transfer_check(int64_t picked_up, int64_t handed_over)
{
    if (!handed_over)
        return FK_TRANSFER_OK;
    if (!picked_up)
        return FK_TRANSFER_NO_PICKUP;
    return handed_over < picked_up ? FK_TRANSFER_BEFORE_PICKUP : FK_TRANSFER_OK;
}

/* Whole minutes of d > 0 seconds, rounded up. */
static int64_t ceil_min(int64_t d)
{
    return d / 60 + (d % 60 != 0);
}

enum fk_transfer_state fk_transfer_state_at(int64_t planned, int slack, int64_t picked_up,
                                            int64_t handed_over, int64_t now, int64_t *late_by)
{
    int64_t deadline = planned + (int64_t)slack * 60, over = 0;
    enum fk_transfer_state s;

    if (picked_up > now)
        picked_up = 0;
    if (handed_over > now)
        handed_over = 0;
    if (handed_over) {
        s = handed_over <= deadline ? FK_TRANSFER_DONE : FK_TRANSFER_LATE;
        if (s == FK_TRANSFER_LATE)
            over = ceil_min(handed_over - deadline);
    } else if (now > deadline) {
        s = picked_up ? FK_TRANSFER_GAP : FK_TRANSFER_OVERDUE;
        over = ceil_min(now - deadline);
    } else {
        s = picked_up ? FK_TRANSFER_IN_TRANSIT : FK_TRANSFER_PLANNED;
    }
    if (late_by)
        *late_by = over;
    return s;
}
