/* SPDX-License-Identifier: MIT */
/* Profile parameters: every protocol number fangkong uses (turnaround limits, batch sizes,
 * tracing windows) with documented defaults, read from an INI text (docs/profile.md). A new
 * outbreak changes a file, not the code. Pure: the caller reads the file. */
#ifndef FK_PROFILE_H
#define FK_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#define FK_NAME_MAX 24          /* a regime's name, with the NUL */
#define FK_REGIMES_MAX 16
#define FK_DOOR_WINDOWS_MAX 8
#define FK_VACCINES_MAX 16      /* [vaccine] doses.NAME overrides */
#define FK_PROFILE_CATEGORIES 8 /* enum fk_ctl_category (fk/regime.h) */
#define FK_SEN_NKINDS 6         /* enum fk_sen_kind (fk/sentinel.h) */
#define FK_GATE_NTYPES 3        /* enum fk_gate_type (fk/gate.h) */
#define FK_ASSIGN_ROLES_MAX 8   /* [assign] roles: the 五包一 roles, at most */
#define FK_GATHERING_LEVELS 4   /* lockdown, control, precaution, normal (fk/gathering.h) */
#define FK_REQUEST_KINDS 5      /* enum fk_request_kind (fk/request.h) */

/* A test regime ([regime.NAME]): fixed test days after the start (days = 0,1,2,3: 落地核酸 +
 * 三天三检) or a test every N days (every = 1: 1日1检), how long control lasts and what release
 * needs. See fk/regime.h for how it is applied. */
struct fk_regime {
    char name[FK_NAME_MAX];
    uint64_t days;          /* bit d set: a test on day d (day 0 = the start day), d < 64 */
    int every;              /* > 0: one test in every window of this many days */
    int duration;           /* days of control before release may be considered; 0: open */
    int release_negatives;  /* that many last results must be negative to release */
    char tags[128];         /* ';'-separated occupations on this regime without an order */
};

struct fk_profile {
    /* [screening] */
    int tat_limit_hours;    /* tat_limit_hours = 12: a tube with no result this long after
                               sampling is overdue (采送检报) */
    int coverage_target_pct; /* coverage_target_pct = 90: 应检尽检 target, for flags */
    int pool_min;           /* pool_min = 2: a tube with at least this many members is pooled */
    /* [import] */
    int batch_rows;         /* batch_rows = 50000: rows per transaction */
    /* [trace] (used by tracing) */
    int trace_lookback_days;   /* 4 */
    int venue_window_minutes;  /* 30 */
    int companion_slot_minutes; /* 10 */
    int companion_days;        /* 14 */
    /* [control] */
    int door_offline_minutes;  /* 30: a door sensor offline this long raises an alert */
    int backcheck_days;        /* 7: 倒查7天, arrivals this many days before a risk period */
    int ndoor_windows;         /* door_allowed = 07:00-07:30,18:00-18:30: opening is allowed */
    int door_windows[FK_DOOR_WINDOWS_MAX][2]; /* minutes of the day, [from, to) */
    char category_regime[FK_PROFILE_CATEGORIES][FK_NAME_MAX]; /* <category>_regime = NAME */
    /* [sentinel] (fk/sentinel.h): k, s_min, threshold set every kind, <kind>_k, <kind>_s_min,
     * <kind>_threshold one kind; later lines win */
    double sen_k[FK_SEN_NKINDS];     /* k = 3: EARS C2 fires when (c - mean) / sd' > k */
    double sen_s_min[FK_SEN_NKINDS]; /* s_min = 1: sd' = max(sd, s_min) */
    int sen_threshold[FK_SEN_NKINDS]; /* a fixed count that fires by itself; 0: none */
    int pharmacy_test_hours;    /* 48: a pharmacy buyer's test is due this long after; 0: none */
    int fever_clinic_test_days; /* 0: a fever-clinic visitor is tested the same day; -1: none */
    /* [score] (目标责任考核, fk/score.h) */
    int score_cap_pct;      /* cap_pct = 100: the ceiling of one indicator's completion, % */
    int score_bonus_cap;    /* bonus_cap = 5: the most bonus points a region can add */
    int score_grade_min[3]; /* excellent = 90, good = 80, fair = 60: the lowest score of 优秀,
                               良好, 一般 (below fair: 较差) */
    /* [incident] (issue 17, response timers, fk/incident.h): from a case's reported (else
     * confirmed) time */
    int inc_onsite_minutes;    /* onsite_minutes = 30: someone on site */
    int inc_activated_minutes; /* activated_minutes = 60: headquarters and task forces active */
    int inc_lock_hours;        /* lock_hours = 24: the close contacts under control orders */
    int inc_lock_pct;          /* lock_pct = 100: the share of them that meets lock24, % */
    int inc_screen_hours;      /* screen_hours = 72: the county's first screening round begun */
    /* [transfer] (issue 18, closed-loop transfers, fk/transfer.h) */
    int transfer_slack_minutes; /* slack_minutes = 60: a hand-over later than planned + this is
                                   late; none by then is overdue */
    /* [coldchain] (issue 16) */
    int coldchain_window_hours; /* window_hours = 24: batches at a site within this of a traced
                                   batch's stay there shared it */
    int coldchain_place;        /* place = home: enum fk_ctl_place of --control's orders */
    char coldchain_regime[FK_NAME_MAX]; /* regime = land3: --control's orders' regime */
    /* [regime.NAME] */
    int nregimes;
    struct fk_regime regimes[FK_REGIMES_MAX];
    /* [vaccine] (issue 16): doses = 2 of a full course, doses.NAME = N for vaccine NAME (a
     * one-dose vaccine: doses.Ad5-nCoV = 1) */
    int vaccine_doses;
    int nvaccines;
    struct {
        char name[FK_NAME_MAX * 2];
        int doses;
    } vaccines[FK_VACCINES_MAX];
    /* [assign] (包保, issue 17): roles = grid_worker,community_cadre,doctor,police,volunteer, the
     * cadres every person under home control has (五包一); each a code of a-z, 0-9 and '_' */
    int nassign_roles;
    char assign_roles[FK_ASSIGN_ROLES_MAX][FK_NAME_MAX];
    /* [reports] (值班与零报告, issue 17): deadline = 18:00, a unit's daily report submitted after
     * this local time of the report's own day is late; one exactly at it is on time */
    int reports_deadline_min; /* minutes after local midnight: 1080 */
    /* [gate] (场所核验, issue 18, fk/gate.h): scenic_hours = 48, station_hours = 48,
     * other_hours = 72: a negative sample taken this long before a check is green */
    int gate_hours[FK_GATE_NTYPES];
    /* [zone] (风险区域, issue 18, fk/zone.h), in enum fk_zone_level order (lockdown, control,
     * precaution): <level>_days = 7, 3, 3 days since the last positive before the zone may go
     * down one level; <level>_round = 1, 1, 0: its latest full round must also be complete and
     * negative; <level>_regime = daily, daily, "" (none): the regime of its residents */
    int zone_days[3];
    int zone_round[3];
    char zone_regime[3][FK_NAME_MAX];
    /* [checkin] (健康监测, issue 18, fk/checkin.h): per_day = 2, the day (local) cut into this
     * many equal windows, each of which wants one check-in (2: 00:00-12:00 and 12:00-24:00; a
     * divisor of 24); fever = 37.3, a temperature at or above it (°C, one decimal) is a fever */
    int checkin_per_day;
    int checkin_fever10; /* the fever threshold in tenths of a degree: 373 */
    /* [plan] (issue 21, the mass-screening plan, fk/plan.h), after the national mass-testing
     * guides: site_per = 2500 residents a sampling site, table_per = 700 a sampling table,
     * sampler_per = 360 residents a sampler samples in 24 hours; pool sizes (tubes hold this
     * many persons) pool_lockdown = 1 (单采单检 in a lockdown zone), pool_controlled = 1 (a
     * person under a control order), pool_control = 5 (a control zone), pool_other = 10;
     * lockdown_hours = 24 and control_hours = 48: a zone's residents sampled within these */
    int plan_site_per, plan_table_per, plan_sampler_per;
    int plan_pool_lockdown, plan_pool_controlled, plan_pool_control, plan_pool_other;
    int plan_lockdown_hours, plan_control_hours;
    /* [gathering] (会议活动管理, issue 21, fk/gathering.h), by the place's level on the day
     * (lockdown, control, precaution, normal: in no zone): <level> = refuse | allow (refuse:
     * no gathering at all; default refuse for lockdown and control); <level>_cap = 50, 200: at
     * most this many expected persons are approved outright (precaution, normal); <level>_max =
     * 200, 0: more than this is refused, between the two needs sign-off (0: no ceiling);
     * online_kinds = meeting,training: those kinds above the cap are refused when no online
     * alternative was considered */
    int gathering_refuse[FK_GATHERING_LEVELS];
    int gathering_cap[FK_GATHERING_LEVELS];
    int gathering_max[FK_GATHERING_LEVELS];
    unsigned gathering_online_kinds; /* bit k: enum fk_gathering_kind k */
    /* [request] (便民服务热线, issue 21, fk/request.h), by kind (medicine, medical, food,
     * complaint, other): <kind>_assign_minutes = 60, 30, 120, 240, 240 from receipt to the
     * assignment to a unit; <kind>_resolve_minutes = 1440, 120, 1440, 4320, 4320 to the
     * resolution */
    int request_assign_minutes[FK_REQUEST_KINDS];
    int request_resolve_minutes[FK_REQUEST_KINDS];
};

/* Fills p with the defaults. */
void fk_profile_defaults(struct fk_profile *p);
/* Applies the settings in the INI text (NUL-terminated) over p. Unknown sections or keys and
 * out-of-range values are errors, so a typo never silently keeps a default. FK_OK, or FK_EINVAL
 * with "line N: …" in err. */
int fk_profile_parse(const char *text, struct fk_profile *p, char *err, size_t errlen);

#endif
