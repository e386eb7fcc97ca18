/* SPDX-License-Identifier: MIT */
/* The rules of control (管控), pure: control categories and places, test regimes and the tests
 * they require, release rules, door-sensor rules and risk-area matching. Regimes and numbers come
 * from the profile ([control], [regime.NAME]); this module only applies them. No I/O, no clock:
 * callers pass "now" and the day in question. */
#ifndef FK_REGIME_H
#define FK_REGIME_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

enum fk_ctl_category {
    FK_CTL_CASE = 0,
    FK_CTL_CLOSE,
    FK_CTL_SECONDARY,
    FK_CTL_COMPANION,
    FK_CTL_ARRIVAL,
    FK_CTL_RISK_AREA,
    FK_CTL_OTHER,
    FK_CTL_COLDCHAIN, /* touched a cold-chain batch that tested positive (冷链暴露) */
    FK_CTL_NCATEGORIES
};
enum fk_ctl_place {
    FK_PLACE_CENTRALIZED = 0,
    FK_PLACE_HOME,
    FK_PLACE_HOSPITAL,
    FK_PLACE_MONITORING,
    FK_PLACE_NPLACES
};
enum fk_door_event { FK_DOOR_OPEN = 0, FK_DOOR_CLOSE, FK_DOOR_OFFLINE, FK_DOOR_TAMPER };
enum fk_risk_level { FK_RISK_HIGH = 0, FK_RISK_MEDIUM, FK_RISK_LOW };
enum fk_alert_kind {
    FK_ALERT_DOOR_OPEN = 0,  /* a home-controlled person's door opened outside the allowed times */
    FK_ALERT_DOOR_OFFLINE,   /* a sensor offline longer than door_offline_minutes */
    FK_ALERT_DOOR_TAMPER,    /* a sensor reported tampering */
    FK_ALERT_POSITIVE,       /* a positive result of a person under control */
    FK_ALERT_SENTINEL,       /* a region's sentinel signals fired (issue 16): no person; the
                                device is "REGION/KIND", the time the day's start */
    FK_ALERT_COLDCHAIN,      /* a cold-chain batch tested positive (person 0, device the batch) */
    FK_ALERT_CHECKIN_MISSED, /* issue 18: a check-in window of a person under home or centralized
                                control ended with no check-in (time: the window's start) */
    FK_ALERT_FEVER,          /* issue 18: a check-in at or above [checkin] fever (time: its time) */
    FK_ALERT_NKINDS
};
enum fk_alert_status { FK_ALERT_OPEN = 0, FK_ALERT_ACKNOWLEDGED, FK_ALERT_CLOSED };

/* Parsers take English names and the Chinese terms clerks write (密接, 集中隔离, 开门, 高风险 …);
 * FK_OK or FK_EINVAL. Names are static storage; "" for an out-of-range value. */
int fk_ctl_category_parse(fk_slice s, enum fk_ctl_category *out);
const char *fk_ctl_category_name(enum fk_ctl_category c);
int fk_ctl_place_parse(fk_slice s, enum fk_ctl_place *out);
const char *fk_ctl_place_name(enum fk_ctl_place p);
int fk_door_event_parse(fk_slice s, enum fk_door_event *out);
const char *fk_door_event_name(enum fk_door_event e);
int fk_risk_level_parse(fk_slice s, enum fk_risk_level *out);
const char *fk_risk_level_name(enum fk_risk_level l);
const char *fk_alert_kind_name(enum fk_alert_kind k);
int fk_alert_kind_parse(fk_slice s, enum fk_alert_kind *out);
const char *fk_alert_status_name(enum fk_alert_status s);

/* The profile's regime called name, or NULL. Borrowed from p. */
const struct fk_regime *fk_regime_find(const struct fk_profile *p, const char *name);
/* The regime a new control of category c is given when none is named: the profile's
 * [control] <category>_regime; NULL when that is empty (e.g. a case in hospital). */
const struct fk_regime *fk_regime_default(const struct fk_profile *p, enum fk_ctl_category c);
/* The first regime whose tags (';'-separated) share a tag with tags (';'-separated), or NULL:
 * the occupation regime (1日1检 for cold chain, medical, port … workers). */
const struct fk_regime *fk_regime_for_tags(const struct fk_profile *p, const char *tags);

/* Local day number (days since 1970-01-01, Asia/Shanghai) of time t. */
int64_t fk_local_day(int64_t t);

/* One required test: the window of days [first, last] (local day numbers, inclusive) in which a
 * sample counts, and its state on day `today`. */
enum fk_test_state { FK_TEST_DONE = 0, FK_TEST_DUE, FK_TEST_OVERDUE, FK_TEST_UPCOMING };
struct fk_test {
    int64_t first, last;
    int day;              /* the regime's day number of first (0 = the start day) */
    enum fk_test_state state;
    int64_t sampled;      /* the first sample time in the window, 0 when none */
};
const char *fk_test_state_name(enum fk_test_state s);

/* The tests regime r requires of a control that starts at `start` and ends at `end` (0: open),
 * on day `today`, given the person's sample times (sorted ascending, n of them). Writes at most
 * cap tests (window order) into out and returns how many there are (which may exceed cap).
 * Tests whose window starts after today or after the end are left out; a periodic regime lists
 * its windows from the start day, or with `recent` set only the last two windows up to today
 * (the occupation regimes, which have no start). */
size_t fk_regime_tests(const struct fk_regime *r, int64_t start, int64_t end, int64_t today,
                       const int64_t *samples, size_t n, int recent, struct fk_test *out,
                       size_t cap);

/* The one test a deadline requires (a pharmacy buyer within 48 h of the purchase, a fever-clinic
 * visitor the same day): a sample at a time in [from, deadline] counts (exact times, not days);
 * its window is the local days of from and deadline, and its state on day `today` is done (the
 * first such sample), due up to the deadline's day, overdue after. samples as fk_regime_tests.
 * 1 with *out filled, 0 when the test is not yet required on `today` (from's day is later) or
 * the deadline is before from. */
int fk_deadline_test(int64_t from, int64_t deadline, int64_t today, const int64_t *samples,
                     size_t n, struct fk_test *out);
/* Whether a control may be released at `at`: 1 when the regime's duration has passed since the
 * start day (plus extra_days) and the person's last release_negatives results (times and
 * enum fk_result values, ascending by time, taken since the start) are negative with no
 * positive; else 0 with why filled ("day 5 of 7", "2 negative results needed, 1 so far"). */
int fk_release_ok(const struct fk_regime *r, int64_t start, int extra_days, int64_t at,
                  const int64_t *rtimes, const int *results, size_t n, char *why, size_t cap);

/* 1 when a door may open at t without an alert: t's local time of day lies in one of the
 * profile's door_allowed windows. */
int fk_door_allowed(const struct fk_profile *p, int64_t t);

/* The alert a door event raises by itself, or -1: a tamper report while under control; an open
 * outside the allowed windows while under home control (home: 1 when the person is then under an
 * open home control, 2 under another open control, 0 not under control). */
int fk_door_event_alert(const struct fk_profile *p, enum fk_door_event e, int64_t t, int home);
/* 1 when a sensor that went offline at `off` and was next heard of at `back` (or still silent at
 * that time) was silent longer than the profile's door_offline_minutes. */
int fk_door_silent_too_long(const struct fk_profile *p, int64_t off, int64_t back);

/* 1 when an arrival origin falls inside a risk area: the same code or name, or the origin starts
 * with the area (a county code covers its towns; "北京市朝阳区" covers "北京市朝阳区望京街道"). */
int fk_origin_in_area(const char *origin, const char *area);

#endif
