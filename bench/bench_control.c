/* SPDX-License-Identifier: MIT */
/* The control benchmark (issue 6, "speed"): 四个查清 counts (fk_ctl_summary) and the tests each
 * regime requires (fk_ctl_due_by, fk_ctl_due) for a whole city, timed warm in process, with the
 * same questions asked of SQLite over the same data file in the same run and the answers
 * compared. It makes its own city with a fixed seed and loads it through the store API into a
 * fangkong data file under /tmp. bench/run-control.sh runs it; it is a benchmark, not a test, and
 * nothing runs it under ctest.
 *
 * usage: bench_control [--people N] [--controls N] [--arrivals N] [--seed N] [--dir DIR]
 *        [--reuse] [--runs N] [--due-runs N] [--sql-runs N] [--no-sql] [--summary FILE]
 * Exit status: 0; 3 when fangkong and SQLite disagree; 1 on a failure; 2 on a usage error.
 *
 * DESIGN NOTES
 * - The city: 1 city, 10 counties, 200 townships, 2 000 communities and 20 000 grids, with codes
 *   of fixed width. Residents (--people, default 10 M) live in a grid drawn uniformly; 5 % carry
 *   occupation tags, four in five of them a tag of the profile's daily regime (coldchain,
 *   medical …). "Today" is 2026-11-23 and "now" 12:00 that day (Asia/Shanghai).
 * - Samples: 93 % of residents give one sample in a pooled tube (10 a tube) between 2026-11-19
 *   and now. The followed persons then give single-tube samples in their regime's test windows
 *   (open controls 75 %, arrivals 70 %, occupations 80 % of windows), and in 5 % of windows a
 *   sample the day before as well. The windows come from fk_regime_tests; the SQL baseline
 *   computes its own from regime tables, so a mistake on either side shows as a difference.
 * - Controls: --controls orders (default 3 % of residents) on distinct persons, started in the
 *   last 14 days; category and place drawn (close 30 %, secondary 25 %, arrival 15 %, companion
 *   12 %, other 10 %, risk area 6 %, case 2 % in hospital; home 50 %, centralized 40 %,
 *   monitoring 10 %); 5 % name a regime, the rest take the category's default. 5 % are
 *   released and 5 % transferred (a released centralized order and an open home one of the same
 *   person), so about 10 % of orders are released. Arrivals: --arrivals (default 10 % of
 *   residents) over the last 10 days, persons drawn with repeats, one in ten with no grid of
 *   arrival (the person's grid counts then).
 * - Loading goes through fk_store_put_* in batches of 100 000 rows, as an import would. With
 *   --reuse the data file is kept when gen.txt beside it records the same sizes and seed.
 * - SQLite opens the same data file read-only (URI mode=ro) and attaches a scratch database
 *   (aux.db) for what a SQL user would add: the grid → ancestor map (one recursive CTE over
 *   regions.parent), the profile's categories, places, regimes and occupation tags as small
 *   tables, and, since an index cannot live in another file than its table, two copies standing
 *   for indexes: aux.sp(person, time, tube), which is what CREATE INDEX ON samples(person, time)
 *   would hold, and aux.tagged(id, tags), the partial index persons(id, tags) WHERE tags <> ''.
 *   That setup is timed on its own and charged to no query.
 * - Each query runs once cold ("first") and then --runs times (fangkong summaries and due
 *   counts), --due-runs times (fangkong's due list) or --sql-runs times (SQLite); the median
 *   and the maximum of the repeats are reported. fangkong's first due call also builds the
 *   engine's per-person sample index.
 * - Answers are compared cell by cell: summaries and due counts in their order; the due list
 *   after sorting both sides by every column, because rows equal on (grid, ID number, window)
 *   keep the order each side made them in, which differs. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

#define DAY 86400
#define HOUR 3600
#define COUNTIES 10
#define TOWNSHIPS 20   /* per county */
#define COMMUNITIES 10 /* per township */
#define GRIDS 10       /* per community */
#define NGRIDS (COUNTIES * TOWNSHIPS * COMMUNITIES * GRIDS)
#define BATCH 100000         /* rows per store batch */
#define POOL 10              /* residents per screening tube */
#define BIRTH_DAYS 25000     /* birth dates: 1950-01-01 and this many days on */
#define PEOPLE_MAX 24000000u /* birth day and 3-digit sequence keep ID numbers unique */
#define TESTS_CAP 128
#define MAX_RUNS 1000
#define PATH_CAP 4096

enum stream { S_PERSONS = 1, S_CONTROLS, S_ARRIVALS, S_SCREEN, S_EXTRA, S_TAGS };

enum query { Q_SUM_COUNTY, Q_SUM_GRID, Q_DUE_BY, Q_DUE, NQ };

static const struct {
    const char *label, *key;
    double goal_ms;
    int sort_all; /* compare after sorting both answers by every column */
} qinfo[NQ] = {
    {"control summary, city by county", "sum_county", 50, 0},
    {"control summary, city by grid", "sum_grid", 50, 0},
    {"regime due --by grid, city", "due_by_grid", 1000, 0},
    {"regime due, city, full list", "due_list", 1000, 1},
};

struct opts {
    uint64_t people, controls, arrivals, seed;
    const char *dir, *summary;
    int reuse, sql, runs, due_runs, sql_runs;
};

struct result {
    struct timing fk, sq;
    double fk_first, sq_first;
    fk_table *fkt, *sqt;
    size_t diffs;
};

/* ---- small tools ---- */

static int chance(uint64_t *s, unsigned permille)
{
    return below(s, 1000) < permille;
}

/* A draw that depends only on (seed, which, i), for attributes read twice. */
static uint64_t hash3(uint64_t seed, uint64_t which, uint64_t i)
{
    uint64_t s = stream(seed, which) ^ (i * 0xD6E8FEB86659FD93ull);

    return next64(&s);
}

static int64_t day_start(int64_t day)
{
    return day * DAY - FK_TZ_OFFSET;
}

static double t_max(const struct timing *t)
{
    double m = 0.0;
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->v[i] > m)
            m = t->v[i];
    return m;
}

/* ---- arguments ---- */

static int usage(void)
{
    fprintf(stderr, "usage: bench_control [--people N] [--controls N] [--arrivals N] [--seed N] "
                    "[--dir DIR] [--reuse] [--runs N] [--due-runs N] [--sql-runs N] [--no-sql] "
                    "[--summary FILE]\n");
    return 2;
}

static int parse_u64(const char *name, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    int64_t v;

    if (fk_parse_i64((fk_slice){s, strlen(s)}, &v) != FK_OK || v < 0 || (uint64_t)v < lo ||
        (uint64_t)v > hi) {
        fprintf(stderr, "bench_control: %s takes a whole number from %llu to %llu, not '%s'\n",
                name, (unsigned long long)lo, (unsigned long long)hi, s);
        return 2;
    }
    *out = (uint64_t)v;
    return 0;
}

static int parse_runs(const char *name, const char *s, int *out)
{
    uint64_t v;
    int rc = parse_u64(name, s, 1, MAX_RUNS, &v);

    if (rc == 0)
        *out = (int)v;
    return rc;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    int i, have_controls = 0, have_arrivals = 0;

    memset(o, 0, sizeof *o);
    o->people = 10000000;
    o->seed = 1;
    o->sql = 1;
    o->runs = 21;
    o->due_runs = 5;
    o->sql_runs = 3;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc = 0;

        if (strcmp(a, "--reuse") == 0) {
            o->reuse = 1;
            continue;
        }
        if (strcmp(a, "--no-sql") == 0) {
            o->sql = 0;
            continue;
        }
        if (i + 1 >= argc)
            return usage();
        if (strcmp(a, "--people") == 0)
            rc = parse_u64(a, argv[++i], 1000, PEOPLE_MAX, &o->people);
        else if (strcmp(a, "--controls") == 0) {
            rc = parse_u64(a, argv[++i], 0, UINT32_MAX, &o->controls);
            have_controls = 1;
        } else if (strcmp(a, "--arrivals") == 0) {
            rc = parse_u64(a, argv[++i], 0, UINT32_MAX, &o->arrivals);
            have_arrivals = 1;
        } else if (strcmp(a, "--seed") == 0)
            rc = parse_u64(a, argv[++i], 0, UINT32_MAX, &o->seed);
        else if (strcmp(a, "--runs") == 0)
            rc = parse_runs(a, argv[++i], &o->runs);
        else if (strcmp(a, "--due-runs") == 0)
            rc = parse_runs(a, argv[++i], &o->due_runs);
        else if (strcmp(a, "--sql-runs") == 0)
            rc = parse_runs(a, argv[++i], &o->sql_runs);
        else if (strcmp(a, "--dir") == 0)
            o->dir = argv[++i];
        else if (strcmp(a, "--summary") == 0)
            o->summary = argv[++i];
        else
            return usage();
        if (rc)
            return rc;
    }
    if (!have_controls)
        o->controls = o->people * 3 / 100;
    if (!have_arrivals)
        o->arrivals = o->people / 10;
    if (o->controls > o->people / 2) {
        fprintf(stderr, "bench_control: at most half the residents can be under control\n");
        return 2;
    }
    return 0;
}

/* ---- the city ---- */

static const char *const county_names[COUNTIES] = {
    "榆次区", "太谷区", "祁县",   "平遥县", "灵石县",
    "寿阳县", "昔阳县", "和顺县", "左权县", "榆社县",
};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊",
                                    "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
                                    "超", "秀", "霞", "平", "刚", "桂", "英", "华"};
/* Occupation tags: the first 16 sets share a tag with the default daily regime's list. */
static const char *const tag_sets[20] = {"coldchain",
                                         "medical",
                                         "port",
                                         "driver",
                                         "scenic",
                                         "highway",
                                         "coldchain",
                                         "medical",
                                         "port",
                                         "driver",
                                         "coldchain",
                                         "medical",
                                         "teacher;medical",
                                         "retail;driver",
                                         "volunteer;coldchain",
                                         "teacher;port",
                                         "teacher",
                                         "retail",
                                         "student;volunteer",
                                         "delivery"};
static const char *const origins[] = {
    "北京市朝阳区",           "上海市浦东新区",     "广东省广州市白云区",
    "广东省深圳市南山区",     "天津市滨海新区",     "河北省石家庄市",
    "内蒙古自治区呼和浩特市", "陕西省西安市雁塔区", "河南省郑州市金水区",
    "四川省成都市武侯区",     "重庆市渝中区",       "湖北省武汉市洪山区",
    "浙江省杭州市西湖区",     "江苏省南京市鼓楼区", "新疆维吾尔自治区乌鲁木齐市",
    "黑龙江省哈尔滨市南岗区",
};
static const char *const transports[] = {"火车", "飞机", "自驾", "大巴"};

#define N_ORIGINS (sizeof origins / sizeof origins[0])
#define N_TRANSPORTS (sizeof transports / sizeof transports[0])

/* The code of grid index g: county, township, community and grid numbers at fixed widths. */
static void grid_code(int32_t g, char *out, size_t cap)
{
    int32_t m = g / GRIDS, t = m / COMMUNITIES, c = t / TOWNSHIPS;

    snprintf(out, cap, "1407%02d%03d%03d%02d", (int)(c % 100) + 1, (int)(t % TOWNSHIPS) + 1,
             (int)(m % COMMUNITIES) + 1, (int)(g % GRIDS) + 1);
}

/* A resident's occupation tags, or NULL (95 %). Depends only on the seed and the person. */
static const char *person_tags(uint64_t seed, int64_t pid)
{
    uint64_t h = hash3(seed, S_TAGS, (uint64_t)pid);

    if (h % 1000 >= 50)
        return NULL;
    return tag_sets[(h >> 20) % 20];
}

/* One control order as generated. */
struct gctl {
    int64_t person, start, end;
    uint8_t category, place;
    int8_t regime; /* index in the profile's regimes; -1: the category's default */
};

struct garr {
    int64_t person, arrived;
    uint8_t origin, transport, nogrid;
};

struct gen {
    const struct opts *o;
    const struct fk_profile *prof;
    int64_t today, now;
    fk_store *st;
    int in_batch, control_batch;
    size_t batch_rows;
    int32_t *pgrid; /* person id -> grid index */
    struct gctl *ctl;
    size_t nctl;
    struct garr *arr;
    size_t narr;
    uint64_t tubes; /* single tubes made so far */
    /* what was made, for the report */
    size_t regions, persons, screen_samples, extra_samples, controls_put, arrivals_put;
    size_t open, released, tagged, daily, arrivals_new;
};

static int batch_begin(struct gen *g, int control)
{
    int rc = control ? fk_store_begin_control(g->st) : fk_store_begin(g->st);

    g->in_batch = rc == FK_OK;
    g->control_batch = control;
    g->batch_rows = 0;
    return rc;
}

static int batch_end(struct gen *g)
{
    int rc = FK_OK;

    if (g->in_batch)
        rc = fk_store_commit(g->st);
    g->in_batch = 0;
    return rc;
}

/* Counts one row; commits and begins a new batch every BATCH rows. */
static int batch_row(struct gen *g)
{
    int rc;

    if (++g->batch_rows < BATCH)
        return FK_OK;
    rc = batch_end(g);
    return rc == FK_OK ? batch_begin(g, g->control_batch) : rc;
}

static int put_region(struct gen *g, const char *code, const char *name, const char *parent,
                      enum fk_level level)
{
    struct fk_region_row r = {code, name, parent, (int)level, NULL, NULL, NULL, NULL};
    enum fk_put did;
    int rc = fk_store_put_region(g->st, &r, &did);

    g->regions++;
    return rc == FK_OK ? batch_row(g) : rc;
}

static int load_regions(struct gen *g)
{
    char county[32], town[32], comm[32], grid[32], name[128];
    int c, t, m, k, rc;

    rc = put_region(g, "140700", "晋中市", "", FK_LEVEL_CITY);
    for (c = 0; rc == FK_OK && c < COUNTIES; c++) {
        snprintf(county, sizeof county, "1407%02d", c % 100 + 1);
        rc = put_region(g, county, county_names[c], "140700", FK_LEVEL_COUNTY);
        for (t = 0; rc == FK_OK && t < TOWNSHIPS; t++) {
            snprintf(town, sizeof town, "1407%02d%03d", c % 100 + 1, t % 1000 + 1);
            snprintf(name, sizeof name, "%s第%d街道", county_names[c], t + 1);
            rc = put_region(g, town, name, county, FK_LEVEL_TOWNSHIP);
            for (m = 0; rc == FK_OK && m < COMMUNITIES; m++) {
                int32_t gi = ((c * TOWNSHIPS + t) * COMMUNITIES + m) * GRIDS;

                snprintf(comm, sizeof comm, "1407%02d%03d%03d", c % 100 + 1, t % 1000 + 1,
                         m % 1000 + 1);
                snprintf(name, sizeof name, "第%d社区", m + 1);
                rc = put_region(g, comm, name, town, FK_LEVEL_COMMUNITY);
                for (k = 0; rc == FK_OK && k < GRIDS; k++) {
                    grid_code(gi + k, grid, sizeof grid);
                    snprintf(name, sizeof name, "第%d网格", k + 1);
                    rc = put_region(g, grid, name, comm, FK_LEVEL_GRID);
                }
            }
        }
    }
    return rc;
}

/* A valid 18-character resident ID: the county's area code, a birth date and a sequence number
 * that together encode the person's index (so no two are equal), and the check character. */
static void id_number(uint64_t i, int32_t grid, int64_t birth0, char *out, size_t cap)
{
    char date[16], id17[64];
    int32_t county = grid / (TOWNSHIPS * COMMUNITIES * GRIDS);

    fk_date_render(day_start(birth0 + (int64_t)(i % BIRTH_DAYS)), date);
    snprintf(id17, sizeof id17, "1407%02d%.4s%.2s%.2s%03u", (int)(county % 100) + 1, date, date + 5,
             date + 8, (unsigned)(i / BIRTH_DAYS % 1000));
    snprintf(out, cap, "%.17s%c", id17, fk_id_check_char(id17));
}

static int load_persons(struct gen *g)
{
    uint64_t rs = stream(g->o->seed, S_PERSONS), i;
    int64_t birth0 = fk_days_from_civil(1950, 1, 1);
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i < g->o->people; i++) {
        char idn[32], name[32], phone[32], grid[32];
        struct fk_person_row p;
        int64_t pid = (int64_t)i + 1, id = 0;
        int32_t gi = (int32_t)below(&rs, NGRIDS);
        enum fk_put did;

        g->pgrid[pid] = gi;
        grid_code(gi, grid, sizeof grid);
        id_number(i, gi, birth0, idn, sizeof idn);
        snprintf(name, sizeof name, "%s%s%s", surnames[below(&rs, 20)], given[below(&rs, 24)],
                 chance(&rs, 600) ? given[below(&rs, 24)] : "");
        snprintf(phone, sizeof phone, "1%u%09u", 3 + below(&rs, 7), below(&rs, 1000000000));
        memset(&p, 0, sizeof p);
        p.id_number = idn;
        p.name = name;
        p.phone = phone;
        p.grid = grid;
        p.tags = person_tags(g->o->seed, pid);
        p.id_type = FK_ID_RESIDENT;
        rc = fk_store_put_person(g->st, &p, &id, &did);
        if (rc == FK_OK && (id != pid || did != FK_PUT_NEW)) {
            fprintf(stderr,
                    "bench_control: the store gave person %s id %lld, expected a new "
                    "row with id %lld (is the data file fresh?)\n",
                    idn, (long long)id, (long long)pid);
            return FK_ECONFLICT;
        }
        g->persons++;
        if (rc == FK_OK)
            rc = batch_row(g);
    }
    return rc;
}

static int put_sample(struct gen *g, const char *tube, int64_t pid, int64_t t, const char *site)
{
    struct fk_sample_row s = {tube, site, pid, t, 0};
    enum fk_put did;
    int rc = fk_store_add_sample(g->st, &s, &did);

    return rc == FK_OK ? batch_row(g) : rc;
}

/* The screening: 93 % of residents, pooled 10 to a tube, from 4 days ago until an hour ago. */
static int load_screening(struct gen *g)
{
    uint64_t rs = stream(g->o->seed, S_SCREEN), pid, tube = 0;
    int64_t lo = day_start(g->today - 4), span = g->now - HOUR - lo, members[POOL];
    size_t n = 0, j;
    int rc = FK_OK;

    for (pid = 1; rc == FK_OK && pid <= g->o->people; pid++) {
        char code[32], site[32];
        int64_t t0;

        if (chance(&rs, 930))
            members[n++] = (int64_t)pid;
        if (n < POOL && !(pid == g->o->people && n))
            continue;
        tube++;
        snprintf(code, sizeof code, "P%09llu", (unsigned long long)tube);
        snprintf(site, sizeof site, "采样点%04u", (unsigned)(tube % 3000));
        t0 = lo + below(&rs, (uint64_t)span);
        for (j = 0; rc == FK_OK && j < n; j++)
            rc = put_sample(g, code, members[j], t0 + 30 * (int64_t)j, site);
        g->screen_samples += n;
        n = 0;
    }
    return rc;
}

/* One sample of a followed person in a tube of its own. */
static int extra_sample(struct gen *g, int64_t pid, int64_t t)
{
    char code[32], site[32];

    g->tubes++;
    g->extra_samples++;
    snprintf(code, sizeof code, "D%09llu", (unsigned long long)g->tubes);
    snprintf(site, sizeof site, "核酸亭%03u", (unsigned)(g->tubes % 500));
    return put_sample(g, code, pid, t, site);
}

/* Samples of person pid for the test windows of regime r from `start` up to today: one in a
 * window with probability permille/1000, and in 5 % of windows one the day before. */
static int window_samples(struct gen *g, uint64_t *rs, const struct fk_regime *r, int64_t pid,
                          int64_t start, int recent, unsigned permille)
{
    struct fk_test tests[TESTS_CAP];
    size_t n = fk_regime_tests(r, start, 0, g->today, NULL, 0, recent, tests, TESTS_CAP), k;
    int rc = FK_OK;

    if (n > TESTS_CAP)
        n = TESTS_CAP;
    for (k = 0; rc == FK_OK && k < n; k++) {
        int64_t a = day_start(tests[k].first), b = day_start(tests[k].last + 1);

        if (b > g->now)
            b = g->now;
        if (chance(rs, 50))
            rc = extra_sample(g, pid, a - DAY + below(rs, DAY));
        if (rc == FK_OK && a < b && chance(rs, permille))
            rc = extra_sample(g, pid, a + below(rs, (uint64_t)(b - a)));
    }
    return rc;
}

static const struct fk_regime *ctl_regime(const struct gen *g, const struct gctl *k)
{
    return k->regime >= 0 ? &g->prof->regimes[k->regime]
                          : fk_regime_default(g->prof, (enum fk_ctl_category)k->category);
}

static int load_followed_samples(struct gen *g)
{
    uint64_t rs = stream(g->o->seed, S_EXTRA), pid;
    const struct fk_regime *ar = fk_regime_default(g->prof, FK_CTL_ARRIVAL);
    size_t i;
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i < g->nctl; i++) {
        const struct gctl *k = &g->ctl[i];
        const struct fk_regime *r = ctl_regime(g, k);

        if (!k->end && r)
            rc = window_samples(g, &rs, r, k->person, k->start, 0, 750);
    }
    for (i = 0; rc == FK_OK && ar && i < g->narr; i++)
        rc = window_samples(g, &rs, ar, g->arr[i].person, g->arr[i].arrived, 0, 700);
    for (pid = 1; rc == FK_OK && pid <= g->o->people; pid++) {
        const char *tags = person_tags(g->o->seed, (int64_t)pid);
        const struct fk_regime *r;

        if (!tags)
            continue;
        g->tagged++;
        r = fk_regime_for_tags(g->prof, tags);
        if (!r)
            continue;
        g->daily++;
        /* Occupation windows are aligned on local day 0, as the control index aligns them. */
        rc = window_samples(g, &rs, r, (int64_t)pid, -FK_TZ_OFFSET, 1, 800);
    }
    return rc;
}

static int gen_controls(struct gen *g)
{
    static const unsigned cat_pm[FK_CTL_NCATEGORIES] = {20, 300, 250, 120, 150, 60, 100};
    uint64_t rs = stream(g->o->seed, S_CONTROLS);
    uint64_t *taken = calloc(g->o->people / 64 + 2, sizeof *taken);
    int64_t lo = day_start(g->today - 13), hi = g->now - 2 * HOUR;
    size_t cap = (size_t)g->o->controls;

    g->ctl = malloc((cap ? cap : 1) * sizeof *g->ctl);
    if (!taken || !g->ctl) {
        free(taken);
        return FK_ENOMEM;
    }
    while (g->nctl < cap) {
        uint64_t pid = 1 + below(&rs, g->o->people);
        unsigned r, c = 0, acc = cat_pm[0];
        struct gctl k;

        if (taken[pid / 64] >> (pid % 64) & 1)
            continue;
        taken[pid / 64] |= (uint64_t)1 << (pid % 64);
        memset(&k, 0, sizeof k);
        k.person = (int64_t)pid;
        r = below(&rs, 1000);
        while (r >= acc && c + 1 < FK_CTL_NCATEGORIES)
            acc += cat_pm[++c];
        k.category = (uint8_t)c;
        r = below(&rs, 1000);
        k.place = c == FK_CTL_CASE ? FK_PLACE_HOSPITAL
                  : r < 500        ? FK_PLACE_HOME
                  : r < 900        ? FK_PLACE_CENTRALIZED
                                   : FK_PLACE_MONITORING;
        k.start = lo + below(&rs, (uint64_t)(hi - lo));
        k.regime = chance(&rs, 50) ? (int8_t)below(&rs, (uint64_t)g->prof->nregimes) : -1;
        r = below(&rs, 1000);
        if (r < 50) {
            /* Released after its week, or before now when it started lately. */
            k.end = k.start + 7 * DAY + below(&rs, 2 * DAY);
            if (k.end >= g->now)
                k.end = k.start + HOUR + below(&rs, (uint64_t)(g->now - k.start - HOUR));
            g->released++;
        } else if (r < 100 && g->nctl + 2 <= cap) {
            /* Transferred from a centralized site to home: one released, one open order. */
            struct gctl k2 = k;

            k.place = FK_PLACE_CENTRALIZED;
            k.end = k.start + HOUR + below(&rs, (uint64_t)(g->now - k.start - HOUR));
            k2.place = FK_PLACE_HOME;
            k2.start = k.end;
            g->ctl[g->nctl++] = k;
            g->released++;
            k = k2;
        }
        if (!k.end)
            g->open++;
        g->ctl[g->nctl++] = k;
    }
    free(taken);
    return FK_OK;
}

static int gen_arrivals(struct gen *g)
{
    uint64_t rs = stream(g->o->seed, S_ARRIVALS);
    int64_t lo = day_start(g->today - 9);
    size_t i, n = (size_t)g->o->arrivals;

    g->arr = malloc((n ? n : 1) * sizeof *g->arr);
    if (!g->arr)
        return FK_ENOMEM;
    for (i = 0; i < n; i++) {
        struct garr *a = &g->arr[i];

        a->person = 1 + (int64_t)below(&rs, g->o->people);
        a->arrived = lo + below(&rs, (uint64_t)(g->now - lo));
        a->origin = (uint8_t)below(&rs, N_ORIGINS);
        a->transport = (uint8_t)below(&rs, N_TRANSPORTS);
        a->nogrid = (uint8_t)chance(&rs, 100);
    }
    g->narr = n;
    return FK_OK;
}

static int load_controls(struct gen *g)
{
    size_t i;
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i < g->nctl; i++) {
        const struct gctl *k = &g->ctl[i];
        struct fk_control_row row;
        char site[48] = "", device[32] = "";
        enum fk_put did;
        int64_t id;

        if (k->place == FK_PLACE_CENTRALIZED)
            snprintf(site, sizeof site, "隔离酒店%03u", (unsigned)(i % 120) + 1);
        else if (k->place == FK_PLACE_HOSPITAL)
            snprintf(site, sizeof site, "定点医院%u", (unsigned)(i % 3) + 1);
        else if (k->place == FK_PLACE_HOME)
            snprintf(device, sizeof device, "DS%08zu", i + 1);
        memset(&row, 0, sizeof row);
        row.person = k->person;
        row.category = k->category;
        row.place = k->place;
        row.start = k->start;
        row.end = k->end;
        row.regime = k->regime >= 0 ? g->prof->regimes[k->regime].name : "";
        row.site = site;
        row.device = device;
        row.extended = 0;
        rc = fk_store_put_control(g->st, &row, &id, &did);
        g->controls_put++;
        if (rc == FK_OK)
            rc = batch_row(g);
    }
    return rc;
}

static int load_arrivals(struct gen *g)
{
    size_t i;
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i < g->narr; i++) {
        const struct garr *a = &g->arr[i];
        struct fk_arrival_row row;
        char grid[32] = "";
        enum fk_put did;

        if (!a->nogrid)
            grid_code(g->pgrid[a->person], grid, sizeof grid);
        row.person = a->person;
        row.arrived = a->arrived;
        row.origin = origins[a->origin];
        row.grid = grid;
        row.transport = transports[a->transport];
        rc = fk_store_put_arrival(g->st, &row, &did);
        g->arrivals_new += rc == FK_OK && did == FK_PUT_NEW;
        g->arrivals_put++;
        if (rc == FK_OK)
            rc = batch_row(g);
    }
    return rc;
}

static void join_path(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* The parameters the data was made with, as gen.txt records them. */
static void gen_key(const struct opts *o, char *out, size_t cap)
{
    snprintf(out, cap, "people %llu\ncontrols %llu\narrivals %llu\nseed %llu\nformat 1\n",
             (unsigned long long)o->people, (unsigned long long)o->controls,
             (unsigned long long)o->arrivals, (unsigned long long)o->seed);
}

/* 1 when dir holds a data file made with the same parameters. */
static int gen_matches(const struct opts *o)
{
    char path[PATH_CAP], want[256], have[512];
    FILE *f;
    size_t n;

    join_path(path, sizeof path, o->dir, "gen.txt");
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(have, 1, sizeof have - 1, f);
    fclose(f);
    have[n] = '\0';
    gen_key(o, want, sizeof want);
    join_path(path, sizeof path, o->dir, "fangkong.db");
    return strncmp(have, want, strlen(want)) == 0 && access(path, R_OK) == 0;
}

typedef int (*load_fn)(struct gen *g);

/* Runs one loading step in batches, timed, and prints what it did: *count is the counter the
 * step advances. */
static int step(struct gen *g, const char *what, load_fn fn, int control, const size_t *count,
                double *total)
{
    double t0 = fk_mono_seconds(), dt;
    size_t before = *count;
    int rc = batch_begin(g, control);

    if (rc == FK_OK)
        rc = fn(g);
    if (rc == FK_OK)
        rc = batch_end(g);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: loading %s: %s (%s)\n", what, fk_strerror(rc),
                fk_store_errmsg(g->st));
        if (g->in_batch)
            fk_store_rollback(g->st);
        g->in_batch = 0;
        return rc;
    }
    dt = fk_mono_seconds() - t0;
    *total += dt;
    printf("  %-34s %10zu rows %8.1f s %10.0f rows/s\n", what, *count - before, dt,
           dt > 0 ? (double)(*count - before) / dt : 0.0);
    fflush(stdout);
    return FK_OK;
}

/* Makes the city and loads it into a fresh data file at dir/fangkong.db. */
static int generate(const struct opts *o, const struct fk_profile *prof, int64_t today, int64_t now)
{
    char path[PATH_CAP], side[PATH_CAP + 16], err[1024], key[256];
    static const char *const sides[] = {"", "-wal", "-shm", ".engine"};
    struct gen g;
    size_t i;
    double total = 0.0;
    FILE *f;
    int rc;

    memset(&g, 0, sizeof g);
    g.o = o;
    g.prof = prof;
    g.today = today;
    g.now = now;
    join_path(path, sizeof path, o->dir, "gen.txt");
    unlink(path);
    join_path(path, sizeof path, o->dir, "fangkong.db");
    for (i = 0; i < sizeof sides / sizeof sides[0]; i++) {
        snprintf(side, sizeof side, "%s%s", path, sides[i]);
        unlink(side);
    }
    printf("making the city: %llu residents, %llu control orders, %llu arrivals, seed %llu, "
           "into %s\n",
           (unsigned long long)o->people, (unsigned long long)o->controls,
           (unsigned long long)o->arrivals, (unsigned long long)o->seed, path);
    g.pgrid = calloc(o->people + 2, sizeof *g.pgrid);
    rc = g.pgrid ? gen_controls(&g) : FK_ENOMEM;
    if (rc == FK_OK)
        rc = gen_arrivals(&g);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: out of memory making the city\n");
        goto out;
    }
    rc = fk_store_open(path, &g.st, err, sizeof err);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: %s: %s\n", path, err);
        goto out;
    }
    rc = step(&g, "regions", load_regions, 0, &g.regions, &total);
    if (rc == FK_OK)
        rc = step(&g, "persons", load_persons, 0, &g.persons, &total);
    if (rc == FK_OK)
        rc = step(&g, "samples, screening (pooled)", load_screening, 0, &g.screen_samples, &total);
    if (rc == FK_OK)
        rc = step(&g, "samples, followed (single tubes)", load_followed_samples, 0,
                  &g.extra_samples, &total);
    if (rc == FK_OK)
        rc =
            step(&g, "control orders (control batches)", load_controls, 1, &g.controls_put, &total);
    if (rc == FK_OK)
        rc = step(&g, "arrivals (control batches)", load_arrivals, 1, &g.arrivals_put, &total);
    if (rc != FK_OK)
        goto out;
    printf("  loaded in %.1f s: %zu control orders (%zu open, %zu released), %zu arrivals (%zu "
           "new keys), %zu tagged persons (%zu on an occupation regime)\n",
           total, g.nctl, g.open, g.released, g.narr, g.arrivals_new, g.tagged, g.daily);
    join_path(path, sizeof path, o->dir, "gen.txt");
    f = fopen(path, "w");
    gen_key(o, key, sizeof key);
    if (!f || fputs(key, f) == EOF || fclose(f) != 0) {
        fprintf(stderr, "bench_control: %s: %s\n", path, strerror(errno));
        rc = FK_EIO;
        f = NULL;
    }
out:
    fk_store_close(g.st);
    free(g.pgrid);
    free(g.ctl);
    free(g.arr);
    return rc;
}

/* ---- the fangkong half ---- */

struct bench {
    fk_store *st;
    fk_engine *e;
    fk_ctl *ctl;
    int64_t today;
};

static int fk_query(struct bench *b, enum query q, fk_table **out, char *err, size_t errlen)
{
    struct fk_ctl_filter all = FK_CTL_FILTER_ALL;

    switch (q) {
    /* Summaries as the orders stand in the end (INT32_MAX: a day after every start and end). */
    case Q_SUM_COUNTY:
        return fk_ctl_summary(b->ctl, &all, FK_LEVEL_COUNTY, INT32_MAX, out, err, errlen);
    case Q_SUM_GRID:
        return fk_ctl_summary(b->ctl, &all, FK_LEVEL_GRID, INT32_MAX, out, err, errlen);
    case Q_DUE_BY:
        return fk_ctl_due_by(b->ctl, NULL, FK_LEVEL_GRID, FK_DUE_ALL, 0, b->today, out, err,
                             errlen);
    case Q_DUE:
    default: return fk_ctl_due(b->ctl, NULL, FK_DUE_ALL, 0, b->today, out, err, errlen);
    }
}

/* Runs q once (first) and then r->fk.n times, keeping the last answer. */
static int time_fk(struct bench *b, enum query q, struct result *r)
{
    char err[1024];
    size_t i;

    for (i = 0; i <= r->fk.n; i++) {
        double t0, dt;
        int rc;

        fk_table_free(r->fkt);
        r->fkt = NULL;
        t0 = fk_mono_seconds();
        rc = fk_query(b, q, &r->fkt, err, sizeof err);
        dt = fk_mono_seconds() - t0;
        if (rc != FK_OK) {
            fprintf(stderr, "bench_control: %s: %s\n", qinfo[q].label, err);
            return rc;
        }
        if (i == 0)
            r->fk_first = dt;
        else
            r->fk.v[i - 1] = dt;
    }
    return FK_OK;
}

/* What a user waits for beyond the answer itself: the whole due list written as CSV (in the
 * blocks fk_table_write uses, into a buffer reused per block, as the CLI does into a pipe), and
 * one 500-row JSON page from the middle of the list (what the web UI asks the server for). */
struct diag {
    double csv_med, csv_max, page_med;
    size_t csv_bytes;
};

static int diagnose(int runs, const fk_table *due, struct diag *d)
{
    struct timing csv = {NULL, (size_t)runs}, page = {NULL, (size_t)runs};
    size_t i, n = fk_table_nrows(due), mid = n / 2;
    fk_buf b;
    int rc = FK_OK;

    memset(d, 0, sizeof *d);
    fk_buf_init(&b, 0);
    csv.v = calloc(csv.n, sizeof *csv.v);
    page.v = calloc(page.n, sizeof *page.v);
    if (!csv.v || !page.v)
        rc = FK_ENOMEM;
    for (i = 0; rc == FK_OK && i < csv.n; i++) {
        double t0 = fk_mono_seconds();
        size_t from = 0, bytes = 0;

        do {
            size_t to = from + 4096 < n ? from + 4096 : n;

            fk_buf_reset(&b);
            rc = fk_table_render(due, FK_FORMAT_CSV, from, to, &b);
            bytes += b.len;
            from = to;
        } while (rc == FK_OK && from < n);
        csv.v[i] = fk_mono_seconds() - t0;
        d->csv_bytes = bytes;
        t0 = fk_mono_seconds();
        fk_buf_reset(&b);
        if (rc == FK_OK)
            rc = fk_table_json_rows(due, mid, mid + 500 < n ? mid + 500 : n, &b);
        page.v[i] = fk_mono_seconds() - t0;
    }
    if (rc == FK_OK) {
        d->csv_med = t_median(&csv);
        d->csv_max = t_max(&csv);
        d->page_med = t_median(&page);
    }
    fk_buf_fini(&b);
    free(csv.v);
    free(page.v);
    if (rc != FK_OK)
        fprintf(stderr, "bench_control: diagnostics: %s\n", fk_strerror(rc));
    return rc;
}

/* ---- the SQLite half ---- */

/* The scratch database's small tables; the profile's contents go in from C below. */
static const char *const setup_sql[] = {
    "PRAGMA temp_store = MEMORY",
    "PRAGMA main.cache_size = -1048576",
    "PRAGMA aux.cache_size = -1048576",
    "PRAGMA main.mmap_size = 8589934592",
    "PRAGMA aux.journal_mode = OFF",
    "PRAGMA aux.synchronous = OFF",
    "CREATE TABLE aux.anc (grid TEXT NOT NULL, level INTEGER NOT NULL, region TEXT NOT NULL,"
    " PRIMARY KEY (grid, level)) WITHOUT ROWID",
    "INSERT INTO aux.anc WITH RECURSIVE up(grid, region, level, parent) AS ("
    " SELECT code, code, level, parent FROM regions WHERE level = 6"
    " UNION ALL SELECT up.grid, r.code, r.level, r.parent FROM up JOIN regions r"
    " ON r.code = up.parent) SELECT grid, level, region FROM up",
    "CREATE TABLE aux.cat (category INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " regime TEXT NOT NULL)",
    "CREATE TABLE aux.place (place INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    "CREATE TABLE aux.regime (name TEXT PRIMARY KEY, every INTEGER NOT NULL,"
    " last INTEGER NOT NULL)",
    "CREATE TABLE aux.regime_day (regime TEXT NOT NULL, day INTEGER NOT NULL,"
    " PRIMARY KEY (regime, day)) WITHOUT ROWID",
    "CREATE TABLE aux.occ_tag (tag TEXT PRIMARY KEY, regime TEXT NOT NULL,"
    " rank INTEGER NOT NULL)",
    "CREATE TABLE aux.nums (k INTEGER PRIMARY KEY)",
    "INSERT INTO aux.nums WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n"
    " WHERE k < 99999) SELECT k FROM n",
};

/* What stands for the two indexes a SQL user would add to the data file. */
static const char *const index_sql[] = {
    "CREATE TABLE aux.sp (person INTEGER NOT NULL, time INTEGER NOT NULL, tube TEXT NOT NULL,"
    " PRIMARY KEY (person, time, tube)) WITHOUT ROWID",
    "INSERT INTO aux.sp SELECT person, time, tube FROM main.samples ORDER BY person, time, tube",
    "CREATE TABLE aux.tagged (id INTEGER PRIMARY KEY, tags TEXT NOT NULL)",
    "INSERT INTO aux.tagged SELECT id, tags FROM main.persons WHERE tags <> ''",
    "ANALYZE aux",
};

/* 四个查清 by the level ?1, through the grid → ancestor map. */
static const char summary_sql[] =
    "SELECT a.region, r.name, k.name, pl.name,"
    "       CASE WHEN c.\"end\" = 0 THEN 'open' ELSE 'released' END, count(*)"
    "  FROM controls c JOIN persons p ON p.id = c.person"
    "  JOIN aux.anc a ON a.grid = p.grid AND a.level = ?1"
    "  JOIN regions r ON r.code = a.region"
    "  JOIN aux.cat k ON k.category = c.category JOIN aux.place pl ON pl.place = c.place"
    " GROUP BY a.region, c.category, c.place, c.\"end\" <> 0"
    " ORDER BY a.region, c.category, c.place, c.\"end\" <> 0";

/* The same by county through three parent joins (grid → community → township → county). */
static const char summary_parent_sql[] =
    "SELECT cty.code, cty.name, k.name, pl.name,"
    "       CASE WHEN c.\"end\" = 0 THEN 'open' ELSE 'released' END, count(*)"
    "  FROM controls c JOIN persons p ON p.id = c.person"
    "  JOIN regions g ON g.code = p.grid JOIN regions m ON m.code = g.parent"
    "  JOIN regions t ON t.code = m.parent JOIN regions cty ON cty.code = t.parent"
    "  JOIN aux.cat k ON k.category = c.category JOIN aux.place pl ON pl.place = c.place"
    " WHERE cty.level = 3"
    " GROUP BY cty.code, c.category, c.place, c.\"end\" <> 0"
    " ORDER BY cty.code, c.category, c.place, c.\"end\" <> 0";

/* Who is followed on ?1 (today, a local day number) and every test window up to today with the
 * first sample in it (s.sampled, NULL when none). Local day of t: (t + 28800) / 86400; start of
 * local day d: d * 86400 - 28800. f0: open orders on their regime or their category's; arrivals
 * of the last (arrival regime's last day + 1) days not under an open order; tagged persons on
 * the first regime sharing a tag, not under an open order. t: fixed test days (every = 0) up to
 * today, or every-N-day windows from the start (occupations: only the last two). */
#define FOLLOWED_SQL                                                                               \
    "WITH f0(person, d0, grid, source, category, regime, recent) AS ("                             \
    "  SELECT c.person, (c.start + 28800) / 86400, p.grid, 'control', c.category,"                 \
    "         CASE WHEN c.regime <> '' THEN c.regime ELSE k.regime END, 0"                         \
    "    FROM controls c JOIN persons p ON p.id = c.person"                                        \
    "    JOIN aux.cat k ON k.category = c.category"                                                \
    "   WHERE c.\"end\" = 0"                                                                       \
    "  UNION ALL"                                                                                  \
    "  SELECT a.person, (a.arrived + 28800) / 86400,"                                              \
    "         CASE WHEN a.grid <> '' THEN a.grid ELSE p.grid END, 'arrival', k.category,"          \
    "         k.regime, 0"                                                                         \
    "    FROM aux.cat k JOIN aux.regime r ON r.name = k.regime"                                    \
    "    JOIN arrivals a ON a.arrived >= (?1 - r.last - 1) * 86400 - 28800"                        \
    "                   AND a.arrived < (?1 + 1) * 86400 - 28800"                                  \
    "    JOIN persons p ON p.id = a.person"                                                        \
    "   WHERE k.name = 'arrival'"                                                                  \
    "     AND NOT EXISTS (SELECT 1 FROM controls o WHERE o.person = a.person AND o.\"end\" = 0)"   \
    "  UNION ALL"                                                                                  \
    "  SELECT t.id, 0, p.grid, 'occupation', NULL,"                                                \
    "         (SELECT o.regime FROM aux.occ_tag o"                                                 \
    "           WHERE instr(';' || t.tags || ';', ';' || o.tag || ';') > 0"                        \
    "           ORDER BY o.rank LIMIT 1), 1"                                                       \
    "    FROM aux.tagged t JOIN persons p ON p.id = t.id"                                          \
    "   WHERE NOT EXISTS (SELECT 1 FROM controls o WHERE o.person = t.id AND o.\"end\" = 0)),"     \
    " f AS MATERIALIZED (SELECT f0.*, r.every FROM f0 JOIN aux.regime r ON r.name = f0.regime),"   \
    " t(person, grid, source, category, regime, recent, day, first, last) AS ("                    \
    "  SELECT f.person, f.grid, f.source, f.category, f.regime, f.recent, d.day,"                  \
    "         f.d0 + d.day, f.d0 + d.day"                                                          \
    "    FROM f JOIN aux.regime_day d ON d.regime = f.regime"                                      \
    "   WHERE f.every = 0 AND f.d0 + d.day <= ?1"                                                  \
    "  UNION ALL"                                                                                  \
    "  SELECT f.person, f.grid, f.source, f.category, f.regime, f.recent, n.k * f.every,"          \
    "         f.d0 + n.k * f.every, f.d0 + n.k * f.every + f.every - 1"                            \
    "    FROM f JOIN aux.nums n"                                                                   \
    "      ON n.k BETWEEN (CASE WHEN f.recent AND (?1 - f.d0) / f.every > 1"                       \
    "                           THEN (?1 - f.d0) / f.every - 1 ELSE 0 END)"                        \
    "                 AND (?1 - f.d0) / f.every"                                                   \
    "   WHERE f.every > 0 AND f.d0 <= ?1),"                                                        \
    " s AS MATERIALIZED (SELECT t.*, (SELECT min(x.time) FROM aux.sp x WHERE x.person = t.person"  \
    "         AND x.time >= t.first * 86400 - 28800 AND x.time < (t.last + 1) * 86400 - 28800)"    \
    "         AS sampled FROM t)"

/* Every test, as fk_ctl_due lists them. */
static const char due_sql[] = FOLLOWED_SQL
    " SELECT p.id_number, p.name, p.phone, s.grid, s.source, coalesce(k.name, ''), s.regime,"
    "        CASE WHEN s.recent THEN NULL ELSE s.day END,"
    "        date(s.first * 86400, 'unixepoch'), date(s.last * 86400, 'unixepoch'),"
    "        CASE WHEN s.sampled IS NOT NULL THEN 'done' WHEN s.last < ?1 THEN 'overdue'"
    "             ELSE 'due' END,"
    "        strftime('%Y-%m-%dT%H:%M:%S+08:00', s.sampled + 28800, 'unixepoch')"
    "   FROM s JOIN persons p ON p.id = s.person LEFT JOIN aux.cat k ON k.category = s.category"
    "  ORDER BY s.grid, p.id_number, s.first";

/* Followed persons and tests done, due and overdue per region of level ?2. */
static const char due_by_sql[] = FOLLOWED_SQL
    ","
    " pg(grid, persons, done, due, overdue) AS ("
    "  SELECT grid, count(*), 0, 0, 0 FROM f GROUP BY grid"
    "  UNION ALL"
    "  SELECT grid, 0, count(sampled), sum(sampled IS NULL AND last >= ?1),"
    "         sum(sampled IS NULL AND last < ?1) FROM s GROUP BY grid),"
    " agg AS (SELECT a.region, sum(pg.persons) AS persons, sum(pg.done) AS done,"
    "         sum(pg.due) AS due, sum(pg.overdue) AS overdue"
    "    FROM pg JOIN aux.anc a ON a.grid = pg.grid AND a.level = ?2 GROUP BY a.region)"
    " SELECT r.code, r.name, coalesce(agg.persons, 0), coalesce(agg.done, 0),"
    "        coalesce(agg.due, 0), coalesce(agg.overdue, 0)"
    "   FROM regions r LEFT JOIN agg ON agg.region = r.code WHERE r.level = ?2 ORDER BY r.code";

static const struct fk_col sql_cols[] = {
    {"c1", FK_COL_TEXT}, {"c2", FK_COL_TEXT},  {"c3", FK_COL_TEXT},  {"c4", FK_COL_TEXT},
    {"c5", FK_COL_TEXT}, {"c6", FK_COL_TEXT},  {"c7", FK_COL_TEXT},  {"c8", FK_COL_TEXT},
    {"c9", FK_COL_TEXT}, {"c10", FK_COL_TEXT}, {"c11", FK_COL_TEXT}, {"c12", FK_COL_TEXT},
};

/* Runs a one-off statement with up to three text or integer parameters. */
static int exec_bind(sqlite3 *db, const char *sql, const char *a, const char *b, int64_t i3,
                     int64_t i4)
{
    sqlite3_stmt *st = NULL;
    int rc = FK_EDB;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, i3);
    sqlite3_bind_int64(st, 4, i4);
    if (sqlite3_step(st) == SQLITE_DONE)
        rc = FK_OK;
out:
    if (rc != FK_OK)
        fprintf(stderr, "bench_control: baseline: %s: %s\n", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}

/* The profile's categories, places, regimes and occupation tags as tables. */
static int fill_profile(sqlite3 *db, const struct fk_profile *p)
{
    int i, d, rc = FK_OK;

    for (i = 0; rc == FK_OK && i < FK_CTL_NCATEGORIES; i++) {
        rc = exec_bind(db, "INSERT INTO aux.cat VALUES (?4, ?1, ?2)",
                       fk_ctl_category_name((enum fk_ctl_category)i), p->category_regime[i], 0, i);
    }
    for (i = 0; rc == FK_OK && i < FK_PLACE_NPLACES; i++)
        rc = exec_bind(db, "INSERT INTO aux.place VALUES (?4, ?1)",
                       fk_ctl_place_name((enum fk_ctl_place)i), NULL, 0, i);
    for (i = 0; rc == FK_OK && i < p->nregimes; i++) {
        const struct fk_regime *r = &p->regimes[i];
        const char *s = r->tags;
        int last = 0;

        for (d = 0; d < 64; d++)
            if (r->days >> d & 1)
                last = d;
        if (r->duration > last)
            last = r->duration;
        rc = exec_bind(db, "INSERT INTO aux.regime VALUES (?1, ?3, ?4)", r->name, NULL, r->every,
                       last);
        for (d = 0; rc == FK_OK && d < 64; d++)
            if (r->days >> d & 1)
                rc = exec_bind(db, "INSERT INTO aux.regime_day VALUES (?1, ?4)", r->name, NULL, 0,
                               d);
        while (rc == FK_OK && *s) {
            const char *end = strchr(s, ';');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            fk_slice tag = fk_slice_trim((fk_slice){s, n});
            char t[128];

            if (tag.n && tag.n < sizeof t) {
                memcpy(t, tag.p, tag.n);
                t[tag.n] = '\0';
                /* The first regime naming a tag wins, as fk_regime_for_tags decides. */
                rc = exec_bind(db, "INSERT OR IGNORE INTO aux.occ_tag VALUES (?1, ?2, ?4)", t,
                               r->name, 0, i);
            }
            s += n + (end ? 1 : 0);
        }
    }
    return rc;
}

/* Runs st once (first) and then tm->n times; *last keeps the last answer. */
static int time_sql(sqlite3 *db, sqlite3_stmt *st, double *first, struct timing *tm,
                    fk_table **last)
{
    size_t i;
    int rc = FK_OK;

    for (i = 0; rc == FK_OK && i <= tm->n; i++) {
        double t0 = fk_mono_seconds(), dt;

        fk_table_free(*last);
        *last = NULL;
        rc = run_query("bench_control", db, st, sql_cols, (size_t)sqlite3_column_count(st), last);
        dt = fk_mono_seconds() - t0;
        if (i == 0)
            *first = dt;
        else
            tm->v[i - 1] = dt;
    }
    return rc;
}

/* Prints the plan of st, indented, so the report shows what SQLite did. */
static void print_plan(sqlite3 *db, const char *sql, int64_t p1, int64_t p2)
{
    sqlite3_stmt *st = NULL;
    char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);

    if (q && sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, p1);
        sqlite3_bind_int64(st, 2, p2);
        while (sqlite3_step(st) == SQLITE_ROW)
            printf("    %s\n", (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    sqlite3_free(q);
}

/* ---- comparing answers ---- */

/* compare_rows over the common columns, after sorting both by every column when sort_all is
 * set. */
static size_t compare(const char *what, fk_table *a, fk_table *b, int sort_all)
{
    size_t ncols = fk_table_ncols(a) < fk_table_ncols(b) ? fk_table_ncols(a) : fk_table_ncols(b);

    if (sort_all) {
        size_t cols[12], c;

        for (c = 0; c < ncols && c < 12; c++)
            cols[c] = c;
        fk_table_sort(a, cols, c);
        fk_table_sort(b, cols, c);
    }
    return compare_rows("bench_control", what, a, b, ncols);
}

/* Sums column col of t (counts). */
static unsigned long long col_sum(const fk_table *t, size_t col)
{
    unsigned long long s = 0;
    size_t i;

    for (i = 0; i < fk_table_nrows(t); i++) {
        const char *v = fk_table_get(t, i, col);

        s += v ? strtoull(v, NULL, 10) : 0;
    }
    return s;
}

/* Rows of the due list per state (column 10). */
static void count_states(const fk_table *t, size_t n[3])
{
    size_t i;

    n[0] = n[1] = n[2] = 0;
    for (i = 0; i < fk_table_nrows(t); i++) {
        const char *s = fk_table_get(t, i, 10);

        if (!s)
            continue;
        n[0] += strcmp(s, "done") == 0;
        n[1] += strcmp(s, "due") == 0;
        n[2] += strcmp(s, "overdue") == 0;
    }
}

/* ---- the run ---- */

int main(int argc, char **argv)
{
    struct opts o;
    struct fk_profile prof;
    struct fk_engine_stats es;
    struct result res[NQ], par;
    struct bench b;
    struct diag dg;
    sqlite3 *db = NULL;
    sqlite3_stmt *qs[NQ], *q_par = NULL;
    fk_buf sum;
    char dir[PATH_CAP], path[PATH_CAP + 64], uri[PATH_CAP + 128], err[1024];
    double t0, engine_s, ctl_s, setup_s = -1, index_s = -1;
    long anon0, anon1, anon2, anon3, anon4 = -1;
    int64_t n_persons = 0, n_samples = 0, n_controls = 0, n_arrivals = 0;
    size_t i, total_diffs = 0, st_fk[3], st_sq[3];
    int rc, q, status = 1;

    memset(res, 0, sizeof res);
    memset(&par, 0, sizeof par);
    memset(&b, 0, sizeof b);
    memset(qs, 0, sizeof qs);
    fk_buf_init(&sum, 0);
    rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (!o.dir) {
        snprintf(dir, sizeof dir, "/tmp/fk-bench-control-%llu", (unsigned long long)o.people);
        o.dir = dir;
    }
    if (mkdir(o.dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench_control: %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    for (q = 0; q < NQ; q++) {
        res[q].fk.n = (size_t)(q == Q_DUE ? o.due_runs : o.runs);
        res[q].sq.n = (size_t)o.sql_runs;
        res[q].fk.v = calloc(res[q].fk.n, sizeof(double));
        res[q].sq.v = calloc(res[q].sq.n, sizeof(double));
        if (!res[q].fk.v || !res[q].sq.v)
            goto oom;
    }
    par.sq.n = (size_t)o.sql_runs;
    par.sq.v = calloc(par.sq.n, sizeof(double));
    if (!par.sq.v)
        goto oom;
    fk_profile_defaults(&prof);
    b.today = fk_days_from_civil(2026, 11, 23);
    print_load("at the start");

    if (o.reuse && gen_matches(&o)) {
        printf("reusing the data file in %s (gen.txt matches)\n", o.dir);
    } else {
        rc = generate(&o, &prof, b.today, day_start(b.today) + 12 * HOUR);
        if (rc != FK_OK)
            goto out;
    }
    print_load("after loading");

    /* fangkong: open, build the engine and the control index, ask. */
    join_path(path, sizeof path, o.dir, "fangkong.db");
    rc = fk_store_open(path, &b.st, err, sizeof err);
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: %s: %s\n", path, err);
        goto out;
    }
    if (fk_store_count(b.st, "persons", &n_persons) != FK_OK ||
        fk_store_count(b.st, "samples", &n_samples) != FK_OK ||
        fk_store_count(b.st, "controls", &n_controls) != FK_OK ||
        fk_store_count(b.st, "arrivals", &n_arrivals) != FK_OK) {
        fprintf(stderr, "bench_control: counting: %s\n", fk_store_errmsg(b.st));
        goto out;
    }
    anon0 = status_kib("RssAnon");
    t0 = fk_mono_seconds();
    rc = fk_engine_build(b.st, &prof, &b.e, err, sizeof err);
    engine_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: %s\n", err);
        goto out;
    }
    fk_engine_stats(b.e, &es);
    anon1 = status_kib("RssAnon");
    t0 = fk_mono_seconds();
    rc = fk_ctl_build(b.st, b.e, &prof, &b.ctl, err, sizeof err);
    ctl_s = fk_mono_seconds() - t0;
    if (rc != FK_OK) {
        fprintf(stderr, "bench_control: %s\n", err);
        goto out;
    }
    anon2 = status_kib("RssAnon");
    printf("data: %lld persons, %lld samples, %lld control orders, %lld arrivals; %zu regions, "
           "%zu grids\n",
           (long long)n_persons, (long long)n_samples, (long long)n_controls, (long long)n_arrivals,
           es.regions, es.grids);
    printf("engine build: %.2f s, indexes %.1f MiB (fk_engine_stats), anonymous RSS +%.1f MiB\n",
           engine_s, (double)es.bytes / 1048576.0, mib(anon1 - anon0));
    printf("control index build (fk_ctl_build): %.2f s, anonymous RSS +%.1f MiB\n", ctl_s,
           mib(anon2 - anon1));
    fflush(stdout);
    for (q = 0; q < NQ; q++) {
        rc = time_fk(&b, (enum query)q, &res[q]);
        if (rc != FK_OK)
            goto out;
        printf("fangkong %-34s first %9.3f ms, median %9.3f ms (%zu rows)\n", qinfo[q].label,
               res[q].fk_first * 1e3, t_median(&res[q].fk) * 1e3, fk_table_nrows(res[q].fkt));
        fflush(stdout);
    }
    rc = diagnose(o.due_runs, res[Q_DUE].fkt, &dg);
    if (rc != FK_OK)
        goto out;
    printf("rendering the due list: all %zu rows as CSV (%.1f MB) median %.1f ms (max %.1f); a "
           "500-row JSON page from its middle %.2f ms\n",
           fk_table_nrows(res[Q_DUE].fkt), (double)dg.csv_bytes / 1e6, dg.csv_med * 1e3,
           dg.csv_max * 1e3, dg.page_med * 1e3);
    anon3 = status_kib("RssAnon");
    print_load("after the fangkong half");

    if (o.sql) {
        char aux[PATH_CAP + 64];
        char *sql;

        join_path(aux, sizeof aux, o.dir, "aux.db");
        unlink(aux);
        snprintf(uri, sizeof uri, "file:%s?mode=ro", path);
        if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                            NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_control: %s: %s\n", uri, db ? sqlite3_errmsg(db) : "?");
            goto out;
        }
        sql = sqlite3_mprintf("ATTACH %Q AS aux", aux);
        rc = sql ? exec_sql("bench_control", db, sql) : FK_ENOMEM;
        sqlite3_free(sql);
        if (rc != FK_OK)
            goto out;
        t0 = fk_mono_seconds();
        for (i = 0; rc == FK_OK && i < sizeof setup_sql / sizeof setup_sql[0]; i++)
            rc = exec_sql("bench_control", db, setup_sql[i]);
        if (rc == FK_OK)
            rc = fill_profile(db, &prof);
        setup_s = fk_mono_seconds() - t0;
        t0 = fk_mono_seconds();
        for (i = 0; rc == FK_OK && i < sizeof index_sql / sizeof index_sql[0]; i++)
            rc = exec_sql("bench_control", db, index_sql[i]);
        index_s = fk_mono_seconds() - t0;
        if (rc != FK_OK)
            goto out;
        printf("SQLite baseline: small tables and grid → ancestor map %.2f s; index stand-ins "
               "aux.sp and aux.tagged + ANALYZE aux %.2f s (neither counted below)\n",
               setup_s, index_s);
        if (sqlite3_prepare_v2(db, summary_sql, -1, &qs[Q_SUM_COUNTY], NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, summary_sql, -1, &qs[Q_SUM_GRID], NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, due_by_sql, -1, &qs[Q_DUE_BY], NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, due_sql, -1, &qs[Q_DUE], NULL) != SQLITE_OK ||
            sqlite3_prepare_v2(db, summary_parent_sql, -1, &q_par, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_control: baseline: %s\n", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_bind_int(qs[Q_SUM_COUNTY], 1, FK_LEVEL_COUNTY);
        sqlite3_bind_int(qs[Q_SUM_GRID], 1, FK_LEVEL_GRID);
        sqlite3_bind_int64(qs[Q_DUE_BY], 1, b.today);
        sqlite3_bind_int(qs[Q_DUE_BY], 2, FK_LEVEL_GRID);
        sqlite3_bind_int64(qs[Q_DUE], 1, b.today);
        printf("SQLite plan, summary:\n");
        print_plan(db, summary_sql, FK_LEVEL_COUNTY, 0);
        printf("SQLite plan, due list:\n");
        print_plan(db, due_sql, b.today, 0);
        fflush(stdout);
        for (q = 0; q < NQ; q++) {
            rc = time_sql(db, qs[q], &res[q].sq_first, &res[q].sq, &res[q].sqt);
            if (rc != FK_OK)
                goto out;
            printf("SQLite   %-34s first %9.1f ms, median %9.1f ms (%zu rows)\n", qinfo[q].label,
                   res[q].sq_first * 1e3, t_median(&res[q].sq) * 1e3, fk_table_nrows(res[q].sqt));
            fflush(stdout);
        }
        rc = time_sql(db, q_par, &par.sq_first, &par.sq, &par.sqt);
        if (rc != FK_OK)
            goto out;
        anon4 = status_kib("RssAnon");
        print_load("after the SQLite half");

        for (q = 0; q < NQ; q++) {
            res[q].diffs = compare(qinfo[q].label, res[q].fkt, res[q].sqt, qinfo[q].sort_all);
            total_diffs += res[q].diffs;
        }
        par.diffs = compare("summary by county, parent joins", res[Q_SUM_COUNTY].fkt, par.sqt, 0);
        total_diffs += par.diffs;
    }

    /* The report. */
    printf("\n== control benchmark: %lld residents, %zu grids, %lld samples, %lld control orders, "
           "%lld arrivals, today 2026-11-23, seed %llu\n",
           (long long)n_persons, es.grids, (long long)n_samples, (long long)n_controls,
           (long long)n_arrivals, (unsigned long long)o.seed);
    printf("%-36s %21s %21s %9s %9s %s\n", "query (whole city, warm)", "fangkong med / max ms",
           "SQLite med / max ms", "SQL/fk", "goal", "met");
    for (q = 0; q < NQ; q++) {
        double fm = t_median(&res[q].fk), fx = t_max(&res[q].fk);
        double sm = o.sql ? t_median(&res[q].sq) : 0, sx = o.sql ? t_max(&res[q].sq) : 0;
        char fk_s[48], sq_s[48], ratio[24] = "-";

        snprintf(fk_s, sizeof fk_s, "%.2f / %.2f", fm * 1e3, fx * 1e3);
        snprintf(sq_s, sizeof sq_s, "-");
        if (o.sql)
            snprintf(sq_s, sizeof sq_s, "%.0f / %.0f", sm * 1e3, sx * 1e3);
        if (o.sql && fm > 0)
            snprintf(ratio, sizeof ratio, "%.0fx", sm / fm);
        printf("%-36s %21s %21s %9s %6.0f ms %s\n", qinfo[q].label, fk_s, sq_s, ratio,
               qinfo[q].goal_ms, fm * 1e3 <= qinfo[q].goal_ms ? "yes" : "NO");
        rc = fk_buf_printf(&sum,
                           "%s_rows %zu\n%s_fk_first_ms %.3f\n%s_fk_med_ms %.3f\n"
                           "%s_fk_max_ms %.3f\n%s_sq_first_ms %.1f\n%s_sq_med_ms %.1f\n"
                           "%s_sq_max_ms %.1f\n%s_diffs %zu\n",
                           qinfo[q].key, fk_table_nrows(res[q].fkt), qinfo[q].key,
                           res[q].fk_first * 1e3, qinfo[q].key, fm * 1e3, qinfo[q].key, fx * 1e3,
                           qinfo[q].key, res[q].sq_first * 1e3, qinfo[q].key, sm * 1e3,
                           qinfo[q].key, sx * 1e3, qinfo[q].key, res[q].diffs);
        if (rc != FK_OK)
            goto oom;
    }
    if (o.sql)
        printf("%-36s %21s %10.0f / %.0f\n", "(SQLite: summary by county, parent joins)", "-",
               t_median(&par.sq) * 1e3, t_max(&par.sq) * 1e3);
    printf("first calls (cold, not in the medians), fangkong / SQLite ms:");
    for (q = 0; q < NQ; q++)
        printf(" %s %.2f / %.0f;", qinfo[q].key, res[q].fk_first * 1e3, res[q].sq_first * 1e3);
    printf("\nruns: fangkong %d (due list %d), SQLite %d, after one first call each\n", o.runs,
           o.due_runs, o.sql_runs);
    count_states(res[Q_DUE].fkt, st_fk);
    printf("due list: %zu tests (%zu done, %zu due, %zu overdue); due --by grid: %llu followed, "
           "%llu done, %llu due, %llu overdue\n",
           fk_table_nrows(res[Q_DUE].fkt), st_fk[0], st_fk[1], st_fk[2],
           col_sum(res[Q_DUE_BY].fkt, 2), col_sum(res[Q_DUE_BY].fkt, 3),
           col_sum(res[Q_DUE_BY].fkt, 4), col_sum(res[Q_DUE_BY].fkt, 5));
    printf("builds: engine %.2f s (%.1f MiB of indexes), control index %.2f s (+%.1f MiB "
           "anonymous RSS)\n",
           engine_s, (double)es.bytes / 1048576.0, ctl_s, mib(anon2 - anon1));
    printf("memory: anonymous RSS %.1f MiB after the builds, %.1f MiB after the fangkong queries, "
           "%.1f MiB at the end; peak RSS (VmHWM) %.1f MiB\n",
           mib(anon2), mib(anon3), mib(anon4 > 0 ? anon4 : anon3), mib(status_kib("VmHWM")));
    if (o.sql) {
        count_states(res[Q_DUE].sqt, st_sq);
        if (total_diffs == 0)
            printf("answers: IDENTICAL in fangkong and SQLite: summary rows by county (%zu) and "
                   "by grid (%zu), due counts of all %zu grids, all %zu due-list rows cell by "
                   "cell (states %zu/%zu/%zu), and the parent-join county summary\n",
                   fk_table_nrows(res[Q_SUM_COUNTY].fkt), fk_table_nrows(res[Q_SUM_GRID].fkt),
                   fk_table_nrows(res[Q_DUE_BY].fkt), fk_table_nrows(res[Q_DUE].fkt), st_sq[0],
                   st_sq[1], st_sq[2]);
        else
            printf("answers: DIFFER: %zu rows disagree (see stderr); SQLite due-list states "
                   "%zu/%zu/%zu\n",
                   total_diffs, st_sq[0], st_sq[1], st_sq[2]);
    }
    print_load("at the end");
    rc = fk_buf_printf(&sum,
                       "persons %lld\nsamples %lld\ncontrols %lld\narrivals %lld\ngrids %zu\n"
                       "engine_s %.3f\nengine_mib %.1f\nctl_s %.3f\nctl_mib %.1f\n"
                       "sql_setup_s %.2f\nsql_index_s %.2f\ndue_csv_ms %.1f\n"
                       "due_page_ms %.2f\nidentical %s\n",
                       (long long)n_persons, (long long)n_samples, (long long)n_controls,
                       (long long)n_arrivals, es.grids, engine_s, (double)es.bytes / 1048576.0,
                       ctl_s, mib(anon2 - anon1), setup_s, index_s, dg.csv_med * 1e3,
                       dg.page_med * 1e3,
                       !o.sql        ? "not-compared"
                       : total_diffs ? "no"
                                     : "yes");
    if (rc != FK_OK)
        goto oom;
    if (o.summary && write_summary("bench_control", o.summary, sum.data) != FK_OK)
        goto out;
    status = o.sql && total_diffs ? 3 : 0;
    goto out;
oom:
    fprintf(stderr, "bench_control: out of memory\n");
out:
    for (q = 0; q < NQ; q++) {
        sqlite3_finalize(qs[q]);
        fk_table_free(res[q].fkt);
        fk_table_free(res[q].sqt);
        free(res[q].fk.v);
        free(res[q].sq.v);
    }
    sqlite3_finalize(q_par);
    fk_table_free(par.sqt);
    free(par.sq.v);
    sqlite3_close(db);
    fk_ctl_free(b.ctl);
    fk_engine_free(b.e);
    fk_store_close(b.st);
    fk_buf_fini(&sum);
    return status;
}
