/* SPDX-License-Identifier: MIT */
/* Risk zones (风险区域, issue 18), the pure part: the three levels (封控区 lockdown, 管控区
 * control, 防范区 precaution), which is stricter, and the lowering rule a zone review applies at a
 * time `now`: may the zone go down one level today, and why (not). The rule's numbers come from the
 * profile's [zone] section; lib/engine/zones.c gathers the facts (the level's start, the last
 * positive among the zone's residents, the latest full round over the zone).
 *
 * Days since the last positive (days_since_positive), precisely: local days (Asia/Shanghai,
 * fk_local_day) from the LATER of the day the zone's present level began and the day of its
 * residents' last positive (a positive result's time, or a case's confirmation, at or before
 * now), to the day of now: today - max(day(since), day(last positive)). A level begun on day D
 * with no positive since is at 7 on day D + 7, whatever the hours; a positive on day D + 6 puts
 * it back to 1 on day D + 7. A zone may go down one level on the day this count reaches the
 * level's *_days (lockdown_days = 7, control_days = 3, precaution_days = 3), when also, for a
 * level whose *_round is 1 (lockdown and control by default), its latest full round is complete
 * (every resident sampled) and negative (no positive tube among them, and every one of them with
 * a result). Precaution goes down to "lifted". */
#ifndef FK_ZONE_H
#define FK_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* The levels, strictest first (the stored value). FK_ZONE_LIFTED is what a zone becomes after
 * precaution; it is kept in a zone's history (zone_changes), never as a zone's level. */
enum fk_zone_level {
    FK_ZONE_LOCKDOWN = 0,
    FK_ZONE_CONTROL,
    FK_ZONE_PRECAUTION,
    FK_ZONE_NLEVELS,
    FK_ZONE_LIFTED = FK_ZONE_NLEVELS
};

/* "lockdown", "control", "precaution", "lifted"; "" out of range. Static storage. */
const char *fk_zone_level_name(int level);
/* 封控区, 管控区, 防范区, 解封; "" out of range. Static storage. */
const char *fk_zone_level_zh(int level);
/* A level by its name (any case) or its Chinese one (封控区 / 封控, 管控区 / 管控, 防范区 /
 * 防范). FK_OK or FK_EINVAL (lifted is not a level one declares). */
int fk_zone_level_parse(fk_slice s, int *out);
/* 1 when level a is stricter than b (lockdown > control > precaution). */
int fk_zone_stricter(int a, int b);
/* The level a zone at `level` goes down to: control, precaution, lifted (FK_ZONE_LIFTED); -1 for
 * an unknown level. */
int fk_zone_next(int level);

#define FK_ZONE_REGIONS_MAX 64 /* regions of one zone, at most */
#define FK_ZONE_CODE_MAX 32    /* a region code's bytes, with the NUL (FK_REGION_CODE_MAX) */

/* Splits a zone's regions text ("R1;R2", ',' also separates; blanks around codes ignored; a code
 * named twice kept once) into out (cap codes, in the order given), *n how many. FK_OK; FK_EINVAL
 * when a code is longer than FK_ZONE_CODE_MAX - 1 bytes or holds a blank (*n: the codes before
 * it; out[*n] the bad one, cut); FK_ETOOBIG past cap. Pure. */
int fk_zone_regions_split(fk_slice s, char (*out)[FK_ZONE_CODE_MAX], size_t cap, size_t *n);

/* The days since the last positive, as the header's note defines it: local days from the later
 * of since's day and last_positive's day (0: none) to now's day; never negative. Pure. */
int64_t fk_zone_days_since(int64_t since, int64_t last_positive, int64_t now);

/* What the review knows of one zone at now. */
struct fk_zone_facts {
    int64_t now;
    int level;             /* enum fk_zone_level */
    int64_t since;         /* when the present level began (declared, or the last change) */
    int64_t last_positive; /* the residents' last positive at or before now; 0: none */
    int has_round;         /* a screening round covers the zone and has ended by now */
    int complete;          /* every resident sampled in it (with has_round) */
    int negative;          /* no positive tube among them (with has_round) */
    int unresulted;        /* residents sampled in it whose tube has no result yet */
    int64_t missing;       /* residents not sampled in it */
    int64_t positives;     /* residents with a positive tube in it */
    int64_t residents;     /* the zone's residents (0: an empty zone needs no round) */
};

/* Why a zone may (not) go down, in the order the review checks. */
enum fk_zone_why {
    FK_ZONE_WHY_OK = 0,     /* may go down */
    FK_ZONE_WHY_DAYS,       /* not enough days since the level began or the last positive */
    FK_ZONE_WHY_NO_ROUND,   /* no full round over the zone has ended yet */
    FK_ZONE_WHY_INCOMPLETE, /* the latest round missed residents */
    FK_ZONE_WHY_POSITIVE,   /* the latest round has a positive among the residents */
    FK_ZONE_WHY_NO_RESULT   /* residents sampled in it still without a result */
};

/* The review's answer for one zone. */
struct fk_zone_verdict {
    int64_t days;  /* days since the last positive (fk_zone_days_since) */
    int64_t need;  /* the level's *_days */
    int may_lower; /* 1 when it may go down today */
    int to;        /* the level it would go down to (fk_zone_next) */
    int why;       /* enum fk_zone_why: the first reason it may not, or OK */
};

/* Judges facts f under profile p (the header's rule). Pure. */
void fk_zone_judge(const struct fk_profile *p, const struct fk_zone_facts *f,
                   struct fk_zone_verdict *out);
/* A clerk-readable why (not) of verdict v for facts f into buf (cap bytes, NUL-terminated), e.g.
 * "7 days at lockdown with no positive (need 7); round R1 complete and negative: may go down to
 * control today" or "not yet: positive 2 days ago (need 7 without one)"; round names the latest
 * round ("" none). Returns buf. */
char *fk_zone_reason(const struct fk_zone_facts *f, const struct fk_zone_verdict *v,
                     const char *round, char *buf, size_t cap);

#endif
