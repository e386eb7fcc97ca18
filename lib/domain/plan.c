/* SPDX-License-Identifier: MIT */
/* The mass-screening plan's arithmetic and the pace forecast (see fk/plan.h). Integer
 * arithmetic rounded up throughout: a plan that is one site short fails its round. */
#include "fk/plan.h"

#include "fk/error.h"

/* a / b rounded up, for a >= 0 and b > 0. */
static int64_t ceil_div(int64_t a, int64_t b)
{
    return a <= 0 ? 0 : (a + b - 1) / b;
}

int fk_plan_size(const struct fk_profile *p, const struct fk_plan_counts *c, int hours,
                 struct fk_plan_need *out)
{
    int64_t n;
    int h = hours;

    *out = (struct fk_plan_need){0};
    if (hours < 1 || hours > 720 || c->lockdown < 0 || c->controlled < 0 || c->control < 0 ||
        c->other < 0)
        return FK_EINVAL;
    n = c->lockdown + c->controlled + c->control + c->other;
    if (c->lockdown > 0 && p->plan_lockdown_hours < h)
        h = p->plan_lockdown_hours;
    if (c->control > 0 && p->plan_control_hours < h)
        h = p->plan_control_hours;
    out->residents = n;
    out->hours = h;
    out->sites = ceil_div(n, p->plan_site_per);
    out->tables = ceil_div(n, p->plan_table_per);
    /* residents / (sampler_per * h / 24), kept in integers */
    out->samplers = ceil_div(n * 24, (int64_t)p->plan_sampler_per * h);
    out->tubes = ceil_div(c->lockdown, p->plan_pool_lockdown) +
                 ceil_div(c->controlled, p->plan_pool_controlled) +
                 ceil_div(c->control, p->plan_pool_control) +
                 ceil_div(c->other, p->plan_pool_other);
    return FK_OK;
}

double fk_plan_lab_hours(int64_t tubes, int64_t cap)
{
    return cap > 0 ? (double)tubes / (double)cap : -1;
}

enum fk_pace_state fk_pace_forecast(int64_t residents, int target_pct, int64_t sampled_now,
                                    int64_t sampled_2h, int64_t now, int64_t *eta)
{
    int64_t want = ceil_div(residents * target_pct, 100), left = want - sampled_now,
            gained = sampled_now - sampled_2h;

    *eta = 0;
    if (left <= 0)
        return FK_PACE_REACHED;
    if (gained <= 0)
        return FK_PACE_STALLED;
    /* left / (gained / 2) hours = left * 7200 / gained seconds, rounded up */
    *eta = now + ceil_div(left * 7200, gained);
    return FK_PACE_ETA;
}

const char *fk_pace_state_name(enum fk_pace_state s)
{
    switch (s) {
    case FK_PACE_REACHED: return "reached";
    case FK_PACE_ETA: return "eta";
    case FK_PACE_STALLED: return "stalled";
    }
    return "";
}
