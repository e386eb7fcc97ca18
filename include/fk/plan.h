/* SPDX-License-Identifier: MIT */
/* The mass-screening plan and its pace (issue 21, 提升大规模核酸检测能力): the arithmetic that
 * sizes a round from a region's residents by the profile's [plan] rules (sites, sampling tables,
 * samplers, tubes by pool size, lab hours), and the forecast of when a region reaches the
 * coverage target at its recent pace. Pure: no I/O, no clock; the counts come from the engine
 * (fk/pace.h). */
#ifndef FK_PLAN_H
#define FK_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"

/* A region's residents by how their tubes are pooled. Each person counts once, in the first
 * class that holds them: lockdown (in a lockdown zone), controlled (under an open control order
 * outside a lockdown zone), control (in a control zone), other. */
struct fk_plan_counts {
    int64_t lockdown, controlled, control, other;
};

/* What a region needs for its round. */
struct fk_plan_need {
    int64_t residents;
    int64_t sites, tables, samplers, tubes;
    int hours; /* the hours it is planned in: the round's, or less for a zone's residents */
};

/* Sizes a region of counts c for a round of `hours` hours under the rules of p into *out, all
 * rounded up (a region of 2 501 residents needs 2 sites at 2 500 a site): sites = residents /
 * site_per, tables = residents / table_per, samplers = residents / (sampler_per * h / 24), with h
 * the region's hours; tubes = the sum over the classes of the class's persons / its pool size.
 * h is `hours`, or lockdown_hours when the region has lockdown residents and control_hours when it
 * has control-zone residents, when those are shorter. A region with no residents needs nothing.
 * FK_OK, or FK_EINVAL when hours is not 1..720 or a count is negative. */
int fk_plan_size(const struct fk_profile *p, const struct fk_plan_counts *c, int hours,
                 struct fk_plan_need *out);

/* The hours a lab capacity of cap tubes an hour takes for `tubes` tubes, 2 decimals' worth of
 * precision is the caller's; -1 when cap is not positive. */
double fk_plan_lab_hours(int64_t tubes, int64_t cap);

/* The forecast of a region's pace (进度预测). */
enum fk_pace_state {
    FK_PACE_REACHED = 0, /* the target is reached already */
    FK_PACE_ETA,         /* reached at *eta at the pace of the last two hours */
    FK_PACE_STALLED      /* nobody sampled in the last two hours: "not at this pace" */
};

/* When a region of `residents` reaches target_pct % coverage, at `now`, with sampled_now of them
 * sampled by now and sampled_2h of them by now - 2 h: the rate is (sampled_now - sampled_2h) / 2
 * an hour, and the hours still needed (ceil(target_pct * residents / 100) - sampled_now) / rate,
 * so *eta = now + that, rounded up to the second. A region with no residents has reached it. An
 * ETA after the round's end is still an ETA (the caller compares it with the end and says how
 * late); only a rate of 0 is "not at this pace". *eta is 0 unless FK_PACE_ETA. */
enum fk_pace_state fk_pace_forecast(int64_t residents, int target_pct, int64_t sampled_now,
                                    int64_t sampled_2h, int64_t now, int64_t *eta);
/* "reached", "eta", "stalled". Static storage. */
const char *fk_pace_state_name(enum fk_pace_state s);

#endif
