/* SPDX-License-Identifier: MIT */
/* Gatherings (会议活动管理, issue 21), the pure part: the kinds of gathering, the rule the
 * profile's [gathering] section gives by the risk level of the place on the gathering's day
 * (approve, needs sign-off, refuse), the sign-off an official may record for one that needs it, and
 * the decision the two make together. lib/engine/gatherings.c finds the place's level (the
 * strictest risk zone over the place on that day) and lists; lib/action/gathering.c records the
 * sign-off. No I/O, no clock.
 *
 * The rule, for a gathering of `expected` persons at a place whose strictest zone on its day is
 * `level` (FK_GATHERING_NORMAL when none): a level whose [gathering] <level> is refuse refuses
 * every gathering ("管控区内不举办"); else, with the level's cap and max (max 0: no ceiling):
 * expected <= cap is approved; expected > max is refused; above the cap, a gathering of a kind
 * in online_kinds that has not considered an online alternative is refused; any other above the
 * cap needs sign-off. The defaults: lockdown and control refuse, precaution cap 50 max 200,
 * elsewhere (normal) cap 200 and no max, online_kinds meeting and training. */
#ifndef FK_GATHERING_H
#define FK_GATHERING_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

/* The kinds, in their stored order. */
enum fk_gathering_kind {
    FK_GATHERING_MEETING = 0,
    FK_GATHERING_WEDDING,
    FK_GATHERING_FUNERAL,
    FK_GATHERING_EXHIBITION,
    FK_GATHERING_TRAINING,
    FK_GATHERING_NKINDS
};

/* The place's risk level on the day: the zone levels of fk/zone.h (lockdown 0, control 1,
 * precaution 2), then none. Indexes the profile's [gathering] arrays. */
#define FK_GATHERING_NORMAL 3
#define FK_GATHERING_NLEVELS 4

/* What the rule (and a sign-off) decides. */
enum fk_gathering_decision {
    FK_GATHERING_APPROVE = 0,
    FK_GATHERING_SIGNOFF, /* needs an official's sign-off */
    FK_GATHERING_REFUSE,
    FK_GATHERING_NDECISIONS
};

/* Which part of the rule decided, for the reason. */
enum fk_gathering_rule {
    FK_GATHERING_RULE_LEVEL = 0, /* the level refuses every gathering */
    FK_GATHERING_RULE_WITHIN,    /* expected <= cap: approved */
    FK_GATHERING_RULE_OVER_MAX,  /* expected > max: refused */
    FK_GATHERING_RULE_NO_ONLINE, /* above the cap, no online alternative considered: refused */
    FK_GATHERING_RULE_OVER_CAP,  /* above the cap: needs sign-off */
    FK_GATHERING_NRULES
};

/* A recorded sign-off, in its stored order (0: none). */
enum fk_gathering_signoff {
    FK_GATHERING_SIGNOFF_NONE = 0,
    FK_GATHERING_SIGNOFF_APPROVED,
    FK_GATHERING_SIGNOFF_REFUSED,
    FK_GATHERING_NSIGNOFFS
};

/* "meeting", "wedding", "funeral", "exhibition", "training"; "" out of range. Static storage. */
const char *fk_gathering_kind_name(int k);
/* A kind by its name (any case) or a Chinese one (会议, 婚礼 / 婚宴, 葬礼 / 丧事 / 丧葬, 展会 /
 * 展览, 培训). FK_OK or FK_EINVAL. */
int fk_gathering_kind_parse(fk_slice s, int *out);
/* "lockdown", "control", "precaution", "none" (FK_GATHERING_NORMAL); "" out of range. */
const char *fk_gathering_level_name(int level);
/* "approve", "signoff", "refuse"; "" out of range. Static storage. */
const char *fk_gathering_decision_name(int d);
/* "level", "within_cap", "over_max", "no_online", "over_cap"; "" out of range. */
const char *fk_gathering_rule_name(int r);
/* "", "approved", "refused"; "" out of range. Static storage. */
const char *fk_gathering_signoff_name(int s);
/* "yes" / "no" (and 是 / 否, y / n, 1 / 0, true / false, any case) into *out as 1 / 0; an empty
 * value is no. FK_OK or FK_EINVAL. */
int fk_gathering_online_parse(fk_slice s, int *out);

/* The rule's answer for one gathering. */
struct fk_gathering_verdict {
    int decision; /* enum fk_gathering_decision, by the rule alone */
    int rule;     /* enum fk_gathering_rule */
    int64_t cap;  /* the level's cap; -1 when the level refuses every gathering */
    int64_t max;  /* the level's max; 0: no ceiling */
};

/* Judges a gathering of `expected` persons of kind `kind` (online: an online alternative was
 * considered) at a place of level `level` (0..FK_GATHERING_NORMAL) under profile p (the
 * header's rule). Pure. */
void fk_gathering_judge(const struct fk_profile *p, int level, int kind, int64_t expected,
                        int online, struct fk_gathering_verdict *out);
/* The decision that stands: the rule's, except that a gathering the rule sends for sign-off is
 * approved or refused by a recorded sign-off (signoff FK_GATHERING_SIGNOFF_APPROVED or
 * _REFUSED); a sign-off never overrides a rule that approves or refuses by itself. Pure. */
int fk_gathering_decided(const struct fk_gathering_verdict *v, int signoff);
/* The rule behind verdict v, in English, into buf (cap bytes, NUL-terminated): "no gatherings in
 * a control zone (管控区-1)", "expected 300 > cap 200: needs sign-off", "expected 80 <= cap 200",
 * "expected 900 > max 500", "expected 300 > cap 200 and no online alternative considered for a
 * meeting"; zone names the zone whose level applied ("" none). Returns buf. */
char *fk_gathering_reason(const struct fk_gathering_verdict *v, int level, int kind,
                          int64_t expected, const char *zone, char *buf, size_t cap);

#endif
