/* SPDX-License-Identifier: MIT */
/* The mass-screening plan and the live pace of a round over the data (issue 21): `fangkong plan`
 * sizes the round region by region from the engine's residents, the risk zones and the open
 * control orders by the profile's [plan] rules (fk/plan.h), and the labs' declared capacity;
 * `fangkong pace` sets the plan against what the engine counts, hour by hour, with a forecast, the
 * labs' queues and the shipments on the road. Read-only: the store's labs, zones and orders are
 * read through the caller's connection, the engine is only read.
 *
 * Thread-safety: one thread at a time per engine and store handle. */
#ifndef FK_PACE_H
#define FK_PACE_H

#include <stdint.h>

#include "fk/engine.h"
#include "fk/profile.h"
#include "fk/screening.h"
#include "fk/store.h"
#include "fk/table.h"

/* The labs that serve a round: those whose region lies inside the round's region or holds it.
 * A level `by` of FK_LEVEL_NONE is the round's region itself (one row: `--by round`). */

/* `fangkong plan ROUND --hours H --by LEVEL`: one row per region of level `by` inside the round's
 * region, the higher-risk zones first (regions with lockdown-zone residents, then control-zone
 * ones, then the rest), then by code, and a "(total)" row:
 * region,name,zone,hours,residents,lockdown,controlled,control,other,sites,tables,samplers,tubes,
 * lab_hours. zone: the strictest zone level over the region's grids at `at` ("" none); hours: the
 * hours the region is planned in (H, or the zone's lockdown_hours / control_hours when shorter);
 * lockdown..other: its residents by pool class (fk_plan_counts; controlled: under a control
 * order open at `at`); sites..tubes from fk_plan_size; lab_hours: tubes / the summed capacity of
 * the round's labs, 2 decimals (empty with no lab). The total row sums the regions. FK_OK;
 * FK_ENOENT (the round's region is not in the tree); FK_EINVAL (H not 1..720, or no region of
 * that level inside the round's region); FK_ENOMEM; FK_EDB; err says why. Caller frees *out. */
int fk_plan_regions(fk_engine *e, fk_store *st, const struct fk_profile *p,
                    const struct fk_round *r, enum fk_level by, int hours, int64_t at,
                    fk_table **out, char *err, size_t errlen);
/* The round's labs and their share of its tubes (the total of fk_plan_regions at level by,
 * shared in proportion to capacity so that all finish together, rounded so that the shares add
 * up): lab,name,region,tubes_per_hour,tubes,hours, by code, then "(total)". As
 * fk_plan_regions; FK_OK with no row but the total when no lab serves the round. */
int fk_plan_labs(fk_engine *e, fk_store *st, const struct fk_profile *p, const struct fk_round *r,
                 enum fk_level by, int hours, int64_t at, fk_table **out, char *err, size_t errlen);

/* The views of `fangkong pace`. */
enum fk_pace_view { FK_PACE_REGIONS = 0, FK_PACE_HOURS, FK_PACE_LABS, FK_PACE_TRANSPORT };
/* "regions", "hours", "labs", "transport" into *out: FK_OK or FK_EINVAL. */
int fk_pace_view_parse(const char *s, enum fk_pace_view *out);

/* `fangkong pace ROUND --by LEVEL --now T`, as of now (a sample after now does not exist yet):
 * - regions: region,name,residents,planned,sampled,tubes,done,rate,state,forecast,late_hours per
 *   region of level `by` inside the round's region, by code: planned, the residents planned by the
 *   end of the hour holding now (the plan spreads every resident evenly over the round's hours:
 *   floor(residents * (k + 1) / hours) by the end of hour k); sampled and tubes by now (as
 *   fk_engine_pace counts them); done = sampled / residents (4 decimals); rate, the residents
 *   sampled in the last two hours / 2 (1 decimal); state, forecast and late_hours from
 *   fk_pace_forecast at the profile's coverage target: "reached", "eta" with the time, and the
 *   hours after the round's end it falls (1 decimal; empty when on time), or "stalled" (not at
 *   this pace).
 * - hours: region,name,hour,planned,sampled,tubes,planned_total,sampled_total,done, one row per
 *   region and hour of the round; the actual columns are empty for an hour not begun by now.
 * - labs: lab,name,tubes_per_hour,received,resulted,queue,queue_hours: every declared lab of the
 *   round and every lab the round's results name, by code: queue = received - resulted,
 *   queue_hours = queue / tubes_per_hour (2 decimals; empty for a lab not declared).
 * - transport: box,site,shipped,tubes,hours: what is on the road at now, oldest first (then by
 *   site and box): each box (boxes rows) shipped by now with the round's tubes in it neither
 *   received nor resulted by now (tubes: those; site: the first one's; shipped: the box's), and
 *   (box empty) the round's tubes in no box shipped by now (the samples' shipped time) and not
 *   arrived, one row a site and clock hour, shipped the earliest of them; hours since shipped
 *   (1 decimal).
 * FK_OK; FK_ENOENT; FK_EINVAL; FK_ENOMEM; FK_EDB; err says why. Caller frees *out. */
int fk_pace(fk_engine *e, fk_store *st, const struct fk_profile *p, const struct fk_round *r,
            enum fk_level by, enum fk_pace_view view, int64_t now, fk_table **out, char *err,
            size_t errlen);

/* `fangkong lab list`: every lab of the store, by code: code,name,tubes_per_hour,region. FK_OK,
 * FK_ENOMEM, FK_EDB with err. Caller frees *out. */
int fk_lab_list(fk_store *st, fk_table **out, char *err, size_t errlen);

#endif
