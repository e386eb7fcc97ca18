/* SPDX-License-Identifier: MIT */
/* County scores (目标责任考核), pure: the completion ratio of one indicator, the weighted score of
 * a region with its bonus, 一票否决 (a veto indicator below its target forces the lowest grade),
 * the grade from the profile's thresholds, and the ranking. The numbers (cap, bonus cap, grade
 * thresholds) come from the caller (the profile's [score] section); no I/O, no clock, no
 * globals but constant tables, every function thread-safe.
 *
 * score = 100 × Σ wᵢ·rᵢ / Σ wᵢ + min(Σ bonus, bonus_cap), where rᵢ = min(actual/target, cap) for an
 * indicator where higher is better and min(target/actual, cap) for one where lower is better. */
#ifndef FK_SCORE_H
#define FK_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "fk/profile.h"
#include "fk/str.h"

enum fk_grade { FK_GRADE_EXCELLENT = 0, FK_GRADE_GOOD, FK_GRADE_FAIR, FK_GRADE_POOR, FK_NGRADES };

/* The numbers of the rule. grade_min[g] is the lowest score of grade g for the first three
 * grades (descending); below grade_min[FK_GRADE_FAIR] is FK_GRADE_POOR. */
struct fk_score_rule {
    double cap;                       /* ceiling of one ratio; default 1.0 */
    double bonus_cap;                 /* ceiling of the bonus points; default 5 */
    double grade_min[FK_NGRADES - 1]; /* default 90 (优秀), 80 (良好), 60 (一般) */
};

/* One indicator of one region for a period. */
struct fk_score_item {
    double weight; /* > 0 */
    int lower;     /* 1: lower is better (hours, counts of problems) */
    int veto;      /* 1: 一票否决 */
    double target, actual;
};

struct fk_score_result {
    double score;  /* unrounded */
    int64_t cents; /* the score rounded to 2 decimals, × 100: what is shown and ranked */
    enum fk_grade grade;
    int veto;         /* 1 when a veto indicator is below its target (the grade is then POOR) */
    size_t veto_item; /* the first such item's index when veto */
};

/* The default rule: cap 1.0, bonus cap 5, grades 90 / 80 / 60. */
void fk_score_rule_defaults(struct fk_score_rule *r);
/* The rule of the profile's [score] section. */
void fk_score_rule_of(const struct fk_profile *p, struct fk_score_rule *r);

/* The ratio r of one item under cap: min(actual/target, cap) when higher is better (a target of
 * 0 or less is met by any actual: cap), min(target/actual, cap) when lower is better (an actual
 * of 0 or less is the best there is: cap; a target of 0 with a positive actual: 0). A negative
 * ratio is 0. */
double fk_score_ratio(const struct fk_score_item *it, double cap);

/* Scores a region from its n items and its bonus points (the sum of its bonus column; negative
 * is a deduction and is not capped). FK_OK, or FK_EINVAL (n 0, a weight ≤ 0 or not finite, a
 * target or actual not finite) with *out zeroed. */
int fk_score_region(const struct fk_score_item *items, size_t n, double bonus,
                    const struct fk_score_rule *rule, struct fk_score_result *out);

/* The grade of a score in cents (the rounded score) under rule. */
enum fk_grade fk_score_grade(int64_t cents, const struct fk_score_rule *rule);

/* The grade's name: "excellent", "good", "fair", "poor" (English, the CSV's); _zh: 优秀, 良好,
 * 一般, 较差. "" when out of range. */
const char *fk_grade_name(enum fk_grade g);
const char *fk_grade_name_zh(enum fk_grade g);

/* A region to rank: its code and result in; rank out (1-based). */
struct fk_score_rank {
    const char *region; /* borrowed */
    struct fk_score_result res;
    int rank;
};

/* Ranks rows in place, reordering them: regions not vetoed first, then by rounded score
 * descending, ties by region code ascending (byte order); rank is the position, 1 .. n, so no
 * two regions share a rank. A vetoed region ranks after every other whatever its score: its
 * grade is the lowest, and the ranking agrees with the grades. */
void fk_score_rank_sort(struct fk_score_rank *rows, size_t n);

/* ---- the indicators file (indicators, scores: DESIGN.md part 2) ---- */

/* The category of an indicator, in the contract's order: 党建, 高质量发展, 营商环境, 专项工作,
 * 差异化. */
enum fk_indicator_category {
    FK_IND_PARTY = 0,
    FK_IND_DEVELOPMENT,
    FK_IND_BUSINESS,
    FK_IND_SPECIAL,
    FK_IND_DIFFERENTIATED,
    FK_IND_NCATEGORIES
};

/* The category's name as the contract writes it (党建 …), "" out of range; _en: party,
 * development, business, special, differentiated. */
const char *fk_indicator_category_name(int c);
const char *fk_indicator_category_name_en(int c);
/* A category by either name. FK_OK or FK_EINVAL. */
int fk_indicator_category_parse(fk_slice s, int *out);
/* "higher" (0) or "lower" (1); parse takes those or 越高越好 / 越低越好. FK_OK or FK_EINVAL. */
const char *fk_score_direction_name(int lower);
int fk_score_direction_parse(fk_slice s, int *lower);

/* A plain decimal number of the files (weight, target, actual, bonus): an optional '-', digits,
 * an optional '.' and digits, at most 15 characters, no exponent. *out its value and norm (cap
 * bytes, at least 17) its normalised text (no '+', no leading zeros, no trailing zeros after
 * the point, "-0" as "0"). FK_OK or FK_EINVAL. */
int fk_score_number_parse(fk_slice s, double *out, char *norm, size_t cap);

/* The indicators fangkong computes itself from its own data for a period (their code in the
 * indicators file names them; their scores rows give the target, and an actual there is
 * ignored): screen_coverage, lock24, tat_p90, vax12_full, report_complete, problems_on_time.
 * 1 when code is one of them. */
int fk_score_computed(const char *code);

/* The local-time (+08:00) window [*from, *to) a period's text stands for, so the computed
 * indicators know which data are the period's: YYYY (the year), YYYY-Hn (a half), YYYY-Qn (a
 * quarter), YYYY-MM (a month). FK_OK or FK_EINVAL (any other text: its computed indicators are
 * left out). */
int fk_period_window(const char *period, int64_t *from, int64_t *to);

#endif
