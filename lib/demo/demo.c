/* SPDX-License-Identifier: MIT */
/* The demo and benchmark city (see fk/demo.h): a region tree (晋中市's real counties, or any city
 * of a regions file), synthetic grids under every community, and residents, venues, scans, pings,
 * one screening round's samples and results, cases, and control (管控): control orders, arrivals,
 * risk areas and door-sensor events, written as the data contract's CSV files.
 * It is also the benchmark's generator for 10 M residents, so it writes in one pass over the grids
 * through 1 MiB buffers, with no allocation per row.
 *
 * DESIGN NOTES
 * Determinism: every kind of draw (grids, venues, persons, scans, pings, samples, results, cases,
 * control) has its own xoshiro256** stream seeded from the seed by splitmix64, so the same seed
 * gives the same bytes, persons.csv does not change when only the scan or ping options do, and
 * the control files came without changing a byte of the others.
 * One pass: residents are made grid by grid, household by household; a resident's scans and pings
 * are written as the resident is, and the grid's samples and tube results once the grid is done,
 * so memory holds one grid's sampled IDs, never the city's.
 * Unique IDs: the 3-digit sequence of a resident ID comes from a counter per (area code, birth
 * date), so no two residents can share an ID and no set of IDs is needed.
 * Now: every time derives from the round's start, which derives from opts.now (the caller's
 * clock; this file reads none), and a row dated after now is drawn but not written, so the same
 * seed and now give the same bytes and a later now only adds rows. Without a now the round is a
 * fixed finished day, the benchmark's city, byte for byte as before now existed. */
#include "fk/demo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fk/buf.h"
#include "fk/csv.h"
#include "fk/error.h"
#include "fk/idcard.h"
#include "fk/score.h"
#include "fk/str.h"
#include "fk/strmap.h"
#include "fk/time.h"
#include "fk/vec.h"

#define OUT_CAP (1u << 20) /* bytes buffered per output file */
#define ROW_MAX 1024       /* room made before writing one generated row */
#define CODE_MAX 40        /* longest region code accepted from a regions file */
#define PATH_CAP 4096
#define PEOPLE_MAX 100000000ull /* tube and household codes keep their width up to here */
#define GRID_PEOPLE 500         /* residents per grid, roughly */
#define VENUE_PEOPLE 100        /* residents per venue, roughly */
#define GRIDS_PER_SITE 3
#define POOL 10 /* 10合1 */
#define DAY 86400
#define BIRTH_FIRST_YEAR 1940
#define BIRTH_LAST_YEAR 2021
#define SEQ_PER_DAY 500             /* sequence numbers per sex, area code and birth date */
#define NOW_MIN INT64_C(946684800)  /* 2000-01-01T00:00:00Z */
#define NOW_MAX INT64_C(4102444800) /* 2100-01-01T00:00:00Z */

enum stream {
    S_GRIDS = 1,
    S_VENUES,
    S_PERSONS,
    S_SCANS,
    S_PINGS,
    S_SAMPLES,
    S_RESULTS,
    S_CASES,
    S_CONTROL,
    S_VACCINE, /* issue 16: vaccinations draw from a stream of their own */
    S_SENTINEL, /* issue 16: sentinels.csv only, so every other file keeps its bytes */
    S_COLDCHAIN, /* issue 16: its own stream, so the other files keep their bytes */
    S_ASSIGN,    /* 包保 (issue 17): assignments.csv only */
    S_REPORTS,   /* issue 17: units, reports, duty from their own stream */
    S_PROBLEM,   /* issue 17: inspections.csv and problems.csv only */
    S_INCIDENT,  /* issue 17: incident_events.csv only */
    S_ZONE,      /* issue 18: zones.csv only */
    S_TRANSFER,  /* issue 18: transfers.csv only */
    S_CHECKIN,   /* issue 18: checkins.csv only */
    S_GATHERING, /* issue 21: gatherings.csv only */
    S_REQUEST    /* issue 21: requests.csv only */
};

enum file {
    F_REGIONS,
    F_PERSONS,
    F_VENUES,
    F_SCANS,
    F_PINGS,
    F_SAMPLES,
    F_RESULTS,
    F_CASES,
    F_ROUND,
    F_CONTROLS,
    F_ARRIVALS,
    F_RISK_AREAS,
    F_DOOR_EVENTS,
    F_PROFILE,
    F_VACCINATIONS,
    F_INDICATORS,
    F_SCORES,
    F_SENTINELS,
    F_COLDCHAIN,
    F_ASSIGNMENTS, /* 包保 (issue 17) */
    F_UNITS, /* issue 17, 值班与零报告 */
    F_REPORTS,
    F_DUTY,
    F_INSPECTIONS,
    F_PROBLEMS,
    F_INCIDENT_EVENTS,
    F_ZONES, /* issue 18, risk zones */
    F_TRANSFERS, /* issue 18, 闭环转运 */
    F_CHECKINS, /* issue 18, 健康监测 */
    F_LABS,     /* issue 21, the labs of the screening plan */
    F_BOXES,    /* issue 21, transport boxes */
    F_GATHERINGS, /* issue 21, 会议活动管理 */
    F_REQUESTS,   /* issue 21, 便民服务热线 */
    F_N
};

static const struct {
    const char *name;
    const char *header;
} files[F_N] = {
    {"regions.csv", "code,name,level,parent,lon,lat,worker,worker_phone\n"},
    {"persons.csv", "id_number,name,phone,grid,household,tags,address\n"},
    {"venues.csv", "code,name,type,grid,lon,lat\n"},
    {"scans.csv", "id_number,venue,time\n"},
    {"pings.csv", "id_number,cell,time\n"},
    {"samples.csv", "tube,id_number,time,site,shipped\n"},
    {"results.csv", "tube,result,time,lab,received\n"},
    {"cases.csv", "id_number,confirmed,onset,kind\n"},
    {"round.txt", ""},
    {"controls.csv", "id_number,category,place,start,end,regime,site,device\n"},
    {"arrivals.csv", "id_number,arrived,origin,grid,transport,name,phone\n"},
    {"risk_areas.csv", "area,level,start,end,name\n"},
    {"door_events.csv", "device,id_number,time,event\n"},
    {"profile.ini", ""},
    {"vaccinations.csv", "id_number,dose,time,vaccine,site\n"},
    {"indicators.csv", "code,name,category,weight,direction,veto\n"},
    {"scores.csv", "indicator,region,period,target,actual,bonus\n"},
    {"sentinels.csv", "source,kind,time,grid,count,id_number\n"},
    {"coldchain.csv", "batch,event,time,site,product,origin,id_number,result\n"},
    {"assignments.csv", "cadre,phone,role,region,id_number\n"},
    {"units.csv", "code,name,region,kind,contact\n"},
    {"reports.csv", "unit,date,kind,count,note,submitted\n"},
    {"duty.csv", "date,region,person,phone,role\n"},
    {"inspections.csv", "id,date,inspector,region\n"},
    {"problems.csv",
     "id,found,region,description,unit,deadline,status,closed,inspection,note\n"},
    {"incident_events.csv", "case,event,time,note\n"},
    {"zones.csv", "name,level,regions,declared,lifted,reason\n"},
    {"transfers.csv", "task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned,picked_up,"
                      "handed_over\n"},
    {"checkins.csv", "id_number,time,temperature,symptoms\n"},
    {"labs.csv", "code,name,tubes_per_hour,region\n"},
    {"boxes.csv", "box,tube,shipped\n"},
    {"gatherings.csv", "code,organiser,region,date,expected,kind,online,contact,note\n"},
    {"requests.csv", "number,received,channel,phone,region,kind,text,unit,assigned,resolved,note\n"},
};

/* Where arrivals come from, a code or a name, with weights. 110105, 310115 and 440305 are the
 * demo's risk areas (see write_risk_areas); 110105005 is a township inside 110105, so the
 * back-check of 110105 finds it too. */
static const struct {
    const char *origin;
    unsigned weight;
} origins[] = {
    {"110105", 14},       {"110105005", 6}, {"310115", 8}, {"440305", 6},  {"太原市", 20},
    {"北京市海淀区", 10}, {"石家庄市", 10}, {"610113", 8}, {"郑州市", 10}, {"青岛市", 8},
};

static const char *const transports[] = {"火车", "飞机", "自驾", "大巴"};

/* Control categories and places of the orders, with weights in per cent. */
static const struct {
    const char *name;
    unsigned weight;
} ctl_categories[] = {
    {"close", 45}, {"secondary", 30}, {"companion", 10}, {"arrival", 10}, {"other", 5},
};

/* 晋中市's county-level divisions (GB/T 2260). */
static const struct {
    const char *code;
    const char *name;
} jinzhong[] = {
    {"140702", "榆次区"}, {"140703", "太谷区"}, {"140721", "榆社县"}, {"140722", "左权县"},
    {"140723", "和顺县"}, {"140724", "昔阳县"}, {"140725", "寿阳县"}, {"140727", "祁县"},
    {"140728", "平遥县"}, {"140729", "灵石县"}, {"140781", "介休市"},
};

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
    "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤",
    "尹", "黎", "易", "常", "武", "乔", "贺", "赖", "龚", "文",
};

static const char *const tags[] = {
    "coldchain", "medical", "port", "school", "scenic", "highway", "driver",
};

static const struct {
    const char *type;
    const char *name;
    unsigned weight;
} venue_types[] = {
    {"supermarket", "超市", 15}, {"restaurant", "餐馆", 35}, {"station", "车站", 5},
    {"clinic", "诊所", 10},      {"pharmacy", "药店", 10},   {"school", "学校", 10},
    {"market", "市场", 15},
};

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, enum stream stream)
{
    uint64_t x = seed ^ ((uint64_t)stream * 0xD1B54A32D192ED03ull);
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, n), n < 2^32 (Lemire's multiply-shift; the bias is below 2^-32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* A count with mean `mean`: floor(2 * mean * u + v), so persons differ in activity. (Every
 * expression here draws at most once: the order of two draws in one expression is unspecified.) */
static uint32_t rng_count(struct rng *r, double mean)
{
    double u, v;

    if (mean <= 0)
        return 0;
    u = rng_unit(r);
    v = rng_unit(r);
    return (uint32_t)(2.0 * mean * u + v);
}

/* A rank in [0, n) with probability about proportional to 1 / (rank + 1) (Zipf, s = 1): an
 * octave chosen uniformly, then a rank uniformly inside it. */
static uint32_t rng_zipf(struct rng *r, uint32_t n)
{
    unsigned octaves = 0, k;
    uint32_t lo, span, v;

    if (n <= 1)
        return 0;
    while (octaves < 31 && (1u << (octaves + 1)) - 1 < n)
        octaves++;
    for (;;) {
        k = rng_below(r, octaves + 1);
        lo = (1u << k) - 1;
        span = 1u << k;
        v = lo + rng_below(r, span);
        if (v < n)
            return v;
    }
}

/* ---- output files: 1 MiB buffers, NAME.tmp renamed when all are complete ---- */

struct out {
    FILE *f;
    char *buf;
    size_t len;
    uint64_t rows;
    int err; /* errno of the first failed write, or 0 */
    char tmp[PATH_CAP];
    char path[PATH_CAP];
};

static void out_flush(struct out *o)
{
    if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->err = errno ? errno : EIO;
    o->len = 0;
}

static inline void out_room(struct out *o, size_t n)
{
    if (o->len + n > OUT_CAP)
        out_flush(o);
}

static void out_mem(struct out *o, const void *p, size_t n)
{
    if (n > OUT_CAP - o->len)
        out_flush(o);
    if (n > OUT_CAP) {
        if (!o->err && fwrite(p, 1, n, o->f) != n)
            o->err = errno ? errno : EIO;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static inline void out_ch(struct out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void out_str(struct out *o, const char *s)
{
    out_mem(o, s, strlen(s));
}

/* v in decimal, zero-padded to width; the caller made room. */
static inline void out_u(struct out *o, uint64_t v, int width)
{
    char t[24];
    int n = 0;

    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        t[n++] = '0';
    while (n)
        o->buf[o->len++] = t[--n];
}

static inline void out_end_row(struct out *o)
{
    o->buf[o->len++] = '\n';
    o->rows++;
}

static int out_open(struct out *o, const char *dir, enum file k, char *err, size_t errlen)
{
    int n1, n2;

    n1 = snprintf(o->path, sizeof o->path, "%s/%s", dir, files[k].name);
    n2 = snprintf(o->tmp, sizeof o->tmp, "%s/%s.tmp", dir, files[k].name);
    if (n1 < 0 || n2 < 0 || (size_t)n2 >= sizeof o->tmp) {
        snprintf(err, errlen, "the output folder name is too long: %s", dir);
        return FK_EINVAL;
    }
    o->buf = malloc(OUT_CAP);
    if (!o->buf) {
        snprintf(err, errlen, "out of memory for the %s buffer", files[k].name);
        return FK_ENOMEM;
    }
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        snprintf(err, errlen, "cannot create %s: %s", o->tmp, strerror(errno));
        return FK_EIO;
    }
    out_str(o, files[k].header);
    return FK_OK;
}

/* Flushes and closes the file (not yet renamed). FK_OK or FK_EIO with a sentence in err. */
static int out_close(struct out *o, char *err, size_t errlen)
{
    int rc = FK_OK;

    out_flush(o);
    if (o->f && fclose(o->f) != 0 && !o->err)
        o->err = errno ? errno : EIO;
    o->f = NULL;
    if (o->err) {
        snprintf(err, errlen, "cannot write %s: %s", o->tmp, strerror(o->err));
        rc = FK_EIO;
    }
    return rc;
}

/* Closes (if open) and removes the temporary file, frees the buffer. */
static void out_discard(struct out *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp[0])
        remove(o->tmp);
    free(o->buf);
    o->buf = NULL;
}

/* ---- times: the contract's YYYY-MM-DDTHH:MM:SS+08:00, dates cached ---- */

#define TC_DAYS 128

struct tcache {
    int64_t base_day; /* local day number of slot 0 */
    char day[TC_DAYS][11];
    unsigned char have[TC_DAYS];
};

/* Writes t as fk_time_render does (the same bytes, without a snprintf per time). */
static void out_time(struct out *o, struct tcache *c, int64_t t)
{
    int64_t local = t + FK_TZ_OFFSET, day, k;
    unsigned secs;
    char *p;

    day = local >= 0 ? local / DAY : -((-local + DAY - 1) / DAY);
    k = day - c->base_day;
    if (k < 0 || k >= TC_DAYS) {
        char tmp[FK_TIME_RENDER_MAX];

        fk_time_render(t, tmp);
        memcpy(o->buf + o->len, tmp, 25);
        o->len += 25;
        return;
    }
    if (!c->have[k]) {
        fk_date_render(t, c->day[k]);
        c->have[k] = 1;
    }
    secs = (unsigned)(local - day * DAY);
    p = o->buf + o->len;
    memcpy(p, c->day[k], 10);
    p[10] = 'T';
    p[11] = (char)('0' + secs / 36000);
    p[12] = (char)('0' + secs / 3600 % 10);
    p[13] = ':';
    p[14] = (char)('0' + secs / 600 % 6);
    p[15] = (char)('0' + secs / 60 % 10);
    p[16] = ':';
    p[17] = (char)('0' + secs % 60 / 10);
    p[18] = (char)('0' + secs % 10);
    memcpy(p + 19, "+08:00", 6);
    o->len += 25;
}

/* ---- strings that live as long as the run: 64 KiB chunks, never moved ---- */

struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
};

struct pool {
    struct chunk *head;
};

static char *pool_dup(struct pool *p, const char *s, size_t n)
{
    struct chunk *c = p->head;
    char *d;

    if (!c || c->cap - c->used < n + 1) {
        size_t cap = n + 1 > 65536 ? n + 1 : 65536;

        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = p->head;
        c->used = 0;
        c->cap = cap;
        p->head = c;
    }
    d = c->data + c->used;
    memcpy(d, s, n);
    d[n] = '\0';
    c->used += n + 1;
    return d;
}

static void pool_free(struct pool *p)
{
    while (p->head) {
        struct chunk *next = p->head->next;

        free(p->head);
        p->head = next;
    }
}

/* ---- the region tree ---- */

struct region {
    const char *code, *name, *level, *parent; /* borrowed: pool or static */
    long up;                                  /* index of the parent in the list, or -1 */
    int leaf;                                 /* no children: grids go under it */
};

struct grid {
    const char *code;
    uint32_t county; /* index into counties */
    uint32_t weight; /* share of the residents; 0 for the empty grid */
    uint64_t people;
    uint64_t venue_lo, venue_hi;
    double cover; /* share sampled in the round */
};

struct city {
    struct region *regs;
    size_t nregs, capregs;
    struct grid *grids;
    size_t ngrids;
    fk_strmap *counties; /* distinct 6-digit area codes, indexed in order of first use */
    size_t ncounties;
    struct pool pool;
};

static int push_region(struct city *c, const char *code, const char *name, const char *level,
                       const char *parent, long up)
{
    struct region *r;

    if (fk_vec_grow((void **)&c->regs, &c->capregs, c->nregs + 1, sizeof *c->regs) != FK_OK)
        return FK_ENOMEM;
    r = &c->regs[c->nregs++];
    r->code = code;
    r->name = name;
    r->level = level;
    r->parent = parent;
    r->up = up;
    r->leaf = 0;
    return FK_OK;
}

/* A pool copy of a printf-formatted string, or NULL on out of memory. */
static char *pool_printf(struct pool *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *pool_printf(struct pool *p, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    return pool_dup(p, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The built-in tree: 山西省, 晋中市, its 11 counties, and synthetic townships and communities,
 * about one community per 4,500 residents. */
static int builtin_tree(struct city *c, uint64_t people, char *err, size_t errlen)
{
    uint64_t grids = (people + GRID_PEOPLE / 2) / GRID_PEOPLE;
    uint64_t ncomm = (grids + 8) / 9, per_county, tpc, cpt;
    size_t k, t, m;
    int rc = FK_OK;

    if (ncomm < 11)
        ncomm = 11;
    per_county = (ncomm + 10) / 11;
    tpc = (per_county + 9) / 10;
    cpt = (per_county + tpc - 1) / tpc;
    if (tpc > 999)
        tpc = 999;
    if (cpt > 999)
        cpt = 999;
    if (push_region(c, "140000", "山西省", "province", "", -1) != FK_OK ||
        push_region(c, "140700", "晋中市", "city", "140000", 0) != FK_OK)
        goto nomem;
    for (k = 0; k < sizeof jinzhong / sizeof jinzhong[0]; k++) {
        long county = (long)c->nregs;

        if (push_region(c, jinzhong[k].code, jinzhong[k].name, "county", "140700", 1) != FK_OK)
            goto nomem;
        for (t = 1; t <= tpc; t++) {
            long town = (long)c->nregs;
            char *tcode = pool_printf(&c->pool, "%s%03zu", jinzhong[k].code, t);
            char *tname = pool_printf(&c->pool, "%s第%zu街道", jinzhong[k].name, t);

            if (!tcode || !tname ||
                push_region(c, tcode, tname, "township", jinzhong[k].code, county) != FK_OK)
                goto nomem;
            for (m = 1; m <= cpt; m++) {
                char *code = pool_printf(&c->pool, "%s%03zu", tcode, m);
                char *name = pool_printf(&c->pool, "%s%zu-%zu社区", jinzhong[k].name, t, m);

                if (!code || !name || push_region(c, code, name, "community", tcode, town) != FK_OK)
                    goto nomem;
                c->regs[c->nregs - 1].leaf = 1;
            }
        }
    }
    goto out;
nomem:
    snprintf(err, errlen, "out of memory building the region tree");
    rc = FK_ENOMEM;
out:
    return rc;
}

struct frow {
    const char *code, *name, *level, *parent;
    long parent_row; /* -1 when absent */
    long first_kid, next_sib;
    signed char state; /* 0 unknown, 1 under the city, 2 not, 3 on the current path */
};

/* The fields of the regions file's current record, copied into the pool (the reader's own
 * storage lasts only until the next record); a column the record lacks is "". NULL on out of
 * memory. */
static const char *file_field(struct city *c, fk_csv *in, int col)
{
    fk_slice f = fk_csv_field(in, (size_t)col);

    return pool_dup(&c->pool, f.p ? f.p : "", f.n);
}

/* The city opts->city and everything under it from a regions-contract file (read by the CSV
 * reader: UTF-8 or GBK, quoted fields), with the province above it; grid rows of the file are
 * left out (the demo makes its own). */
static int file_tree(struct city *c, const char *path, const char *city, char *err, size_t errlen)
{
    struct frow *rows = NULL;
    fk_csv *in = NULL;
    fk_strmap *codes = NULL;
    long *stack = NULL, *at = NULL, chain[16];
    size_t nrows = 0, cap = 0, i, sp = 0, depth;
    int col[4] = {-1, -1, -1, -1}, rc = FK_OK, got;
    static const char *const names[4] = {"code", "name", "level", "parent"};
    size_t nf, k;
    long city_row = -1, r;

    rc = fk_csv_open_path(path, NULL, &in, err, errlen);
    if (rc == FK_ENOENT) {
        snprintf(err, errlen, "cannot open the regions file %s: %s", path, strerror(ENOENT));
        goto out;
    }
    if (rc != FK_OK)
        goto out;
    got = fk_csv_next(in);
    if (got < 0)
        goto bad_record;
    nf = got == 1 ? fk_csv_nfields(in) : 0;
    for (k = 0; k < nf; k++)
        for (i = 0; i < 4; i++)
            if (col[i] < 0 && fk_slice_eq(fk_slice_trim(fk_csv_field(in, k)), names[i]))
                col[i] = (int)k;
    for (i = 0; i < 4; i++) {
        if (col[i] < 0) {
            snprintf(err, errlen, "%s has no %s column; a regions file has code,name,level,parent",
                     path, names[i]);
            rc = FK_EINVAL;
            goto out;
        }
    }
    while ((got = fk_csv_next(in)) != 0) {
        const char *v[4];
        fk_slice code;

        if (got < 0)
            goto bad_record;
        if (fk_csv_nfields(in) == 1 && fk_csv_field(in, 0).n == 0)
            continue;
        code = fk_csv_field(in, (size_t)col[0]);
        if (code.n == 0 || code.n > CODE_MAX) {
            snprintf(err, errlen, "%s line %llu: a region code has 1 to %d characters", path,
                     (unsigned long long)fk_csv_line(in), CODE_MAX);
            rc = FK_EINVAL;
            goto out;
        }
        for (i = 0; i < 4; i++) {
            v[i] = file_field(c, in, col[i]);
            if (!v[i])
                goto nomem;
        }
        if (fk_vec_grow((void **)&rows, &cap, nrows + 1, sizeof *rows) != FK_OK)
            goto nomem;
        rows[nrows].code = v[0];
        rows[nrows].name = v[1];
        rows[nrows].level = v[2];
        rows[nrows].parent = v[3];
        rows[nrows].parent_row = -1;
        rows[nrows].first_kid = -1;
        rows[nrows].next_sib = -1;
        rows[nrows].state = strcmp(v[2], "grid") == 0 ? 2 : 0;
        nrows++;
    }

    /* code -> row; the first row with a code wins. */
    codes = fk_strmap_new();
    if (!codes)
        goto nomem;
    for (i = 0; i < nrows; i++) {
        int added;
        int64_t at_code = fk_strmap_intern(codes, rows[i].code, strlen(rows[i].code), &added);

        if (at_code < 0)
            goto nomem;
        if (added)
            fk_strmap_set_value(codes, at_code, (int64_t)i);
        else
            rows[i].state = 2; /* a duplicate code */
    }
    for (i = 0; i < nrows; i++) {
        int64_t p = fk_strmap_find(codes, rows[i].parent, strlen(rows[i].parent));

        rows[i].parent_row = p < 0 ? -1 : (long)fk_strmap_value(codes, p);
        if (strcmp(rows[i].code, city) == 0 && rows[i].state == 0 && city_row < 0)
            city_row = (long)i;
    }
    if (city_row < 0) {
        snprintf(err, errlen, "city %s is not in the regions file %s", city, path);
        rc = FK_EINVAL;
        goto out;
    }

    /* Which rows are under the city: walk up each row's parents, remembering the answer for
     * every row on the path (a cycle counts as outside). */
    rows[city_row].state = 1;
    stack = malloc((nrows + 1) * sizeof *stack);
    if (!stack)
        goto nomem;
    for (i = 0; i < nrows; i++) {
        signed char ans;

        sp = 0;
        r = (long)i;
        while (r >= 0 && rows[r].state == 0) {
            rows[r].state = 3;
            stack[sp++] = r;
            r = rows[r].parent_row;
        }
        ans = (r >= 0 && rows[r].state == 1) ? 1 : 2;
        while (sp)
            rows[stack[--sp]].state = ans;
    }

    /* Children lists in file order, then a depth-first walk from the city. */
    for (i = nrows; i-- > 0;) {
        if (rows[i].state != 1 || (long)i == city_row)
            continue;
        r = rows[i].parent_row;
        rows[i].next_sib = rows[r].first_kid;
        rows[r].first_kid = (long)i;
    }
    /* The city's ancestors (usually just the province), root first; the topmost is given an empty
     * parent so that the tree has a root. */
    for (depth = 0, r = rows[city_row].parent_row; r >= 0 && depth < 16; r = rows[r].parent_row)
        chain[depth++] = r;
    while (depth--) {
        if (push_region(c, rows[chain[depth]].code, rows[chain[depth]].name,
                        rows[chain[depth]].level, c->nregs ? rows[chain[depth]].parent : "",
                        (long)c->nregs - 1) != FK_OK)
            goto nomem;
    }
    at = malloc(nrows * sizeof *at);
    if (!at)
        goto nomem;
    at[city_row] = (long)c->nregs - 1;
    sp = 0;
    stack[sp++] = city_row;
    while (sp) {
        long kid, n = 0, me;

        r = stack[--sp];
        if (push_region(c, rows[r].code, rows[r].name, rows[r].level,
                        at[r] < 0 ? "" : rows[r].parent, at[r]) != FK_OK)
            goto nomem;
        me = (long)c->nregs - 1;
        c->regs[me].leaf = rows[r].first_kid < 0;
        /* the children go on the stack reversed so that they come out in file order */
        for (kid = rows[r].first_kid; kid >= 0; kid = rows[kid].next_sib)
            n++;
        sp += (size_t)n;
        for (kid = rows[r].first_kid, k = 1; kid >= 0; kid = rows[kid].next_sib, k++) {
            stack[sp - k] = kid;
            at[kid] = me;
        }
    }
    goto out;
bad_record:
    snprintf(err, errlen, "%s line %llu: %s", path, (unsigned long long)fk_csv_line(in),
             fk_csv_error(in));
    rc = got;
    goto out;
nomem:
    snprintf(err, errlen, "out of memory reading the regions file %s", path);
    rc = FK_ENOMEM;
out:
    free(at);
    free(stack);
    fk_strmap_free(codes);
    free(rows);
    fk_csv_close(in);
    return rc;
}

/* 1 when code can start a resident ID: 6 digits of a real province. */
static int area_ok(const char *code)
{
    char id[19];
    char ch;

    if (strlen(code) != 6)
        return 0;
    memcpy(id, code, 6);
    memcpy(id + 6, "19900101001", 11);
    ch = fk_id_check_char(id);
    if (!ch)
        return 0;
    id[17] = ch;
    id[18] = '\0';
    return fk_id_check(id, 18, FK_ID_RESIDENT, NULL, 0) == FK_OK;
}

/* The index of area among the city's counties, adding it when new; -1 on out of memory. */
static long county_of(struct city *c, const char *area)
{
    int added;
    int64_t k;

    if (!c->counties)
        c->counties = fk_strmap_new();
    if (!c->counties)
        return -1;
    k = fk_strmap_intern(c->counties, area, strlen(area), &added);
    c->ncounties = fk_strmap_size(c->counties);
    return (long)k;
}

/* Puts grids under every leaf of the tree (most are communities): about one per 500 residents,
 * at least one per leaf, at most 99; one grid, chosen at random, has nobody in it. */
static int make_grids(struct city *c, const char *city_code, uint64_t people, struct rng *r,
                      char *err, size_t errlen)
{
    struct region *base = c->regs, *regs = NULL;
    size_t nbase = c->nregs, nleaves = 0, i, leaf = 0, g = 0, j;
    uint64_t want, extra, empty, low, wsum = 0, pool_left, wbefore = 0, given = 0;
    int rc = FK_OK;

    for (i = 0; i < nbase; i++)
        nleaves += base[i].leaf;
    if (nleaves == 0) {
        snprintf(err, errlen, "the region tree has no community to put grids in");
        return FK_EINVAL;
    }
    want = (people + GRID_PEOPLE / 2) / GRID_PEOPLE;
    extra = want > nleaves ? want - nleaves : 0;
    if (extra > 98 * (uint64_t)nleaves)
        extra = 98 * (uint64_t)nleaves;
    c->ngrids = nleaves + (size_t)extra;
    c->grids = calloc(c->ngrids, sizeof *c->grids);
    regs = malloc((nbase + c->ngrids) * sizeof *regs);
    if (!c->grids || !regs) {
        free(regs);
        goto nomem;
    }
    c->regs = regs;
    c->nregs = 0;
    c->capregs = nbase + c->ngrids;
    for (i = 0; i < nbase; i++) {
        size_t here, up, n;
        const char *area;
        long county;

        c->regs[c->nregs++] = base[i];
        if (!base[i].leaf)
            continue;
        /* the county-level ancestor gives the residents' area code */
        area = city_code;
        for (up = i;; up = (size_t)base[up].up) {
            if (strcmp(base[up].level, "county") == 0 && area_ok(base[up].code)) {
                area = base[up].code;
                break;
            }
            if (base[up].up < 0)
                break;
        }
        county = county_of(c, area);
        if (county < 0)
            goto nomem;
        n = 1 + (size_t)(extra * (leaf + 1) / nleaves - extra * leaf / nleaves);
        here = c->nregs - 1;
        for (j = 1; j <= n; j++, g++) {
            char *code = pool_printf(&c->pool, "%sG%02zu", base[i].code, j);
            char *name = pool_printf(&c->pool, "网格%04zu", g + 1);

            if (!code || !name)
                goto nomem;
            c->regs[c->nregs].code = code;
            c->regs[c->nregs].name = name;
            c->regs[c->nregs].level = "grid";
            c->regs[c->nregs].parent = base[i].code;
            c->regs[c->nregs].up = (long)here;
            c->regs[c->nregs].leaf = 0;
            c->nregs++;
            c->grids[g].code = code;
            c->grids[g].county = (uint32_t)county;
        }
        leaf++;
    }
    free(base);
    base = NULL;

    /* Residents per grid: one each first (so only the chosen grid is empty), the rest by
     * weight; coverage mostly 92-98.5 %, a few grids (at least one) below 90 %. */
    empty = rng_below(r, (uint32_t)c->ngrids);
    low = rng_below(r, (uint32_t)c->ngrids);
    if (low == empty && c->ngrids > 1)
        low = (low + 1) % c->ngrids;
    for (g = 0; g < c->ngrids; g++) {
        c->grids[g].weight = g == empty ? 0 : 500 + rng_below(r, 1001);
        wsum += c->grids[g].weight;
        if (g == low || rng_unit(r) < 0.04)
            c->grids[g].cover = 0.78 + 0.11 * rng_unit(r);
        else
            c->grids[g].cover = 0.92 + 0.065 * rng_unit(r);
    }
    pool_left = people >= c->ngrids - 1 ? people - (c->ngrids - 1) : people;
    for (g = 0; g < c->ngrids; g++) {
        uint64_t upto;

        wbefore += c->grids[g].weight;
        upto = wsum ? pool_left * wbefore / wsum : 0;
        c->grids[g].people = upto - given;
        given = upto;
        if (people >= c->ngrids - 1 && g != empty)
            c->grids[g].people++;
    }
    goto out;
nomem:
    snprintf(err, errlen, "out of memory making grids");
    rc = FK_ENOMEM;
out:
    if (base != c->regs)
        free(base); /* the list before the grids were put in */
    return rc;
}

/* ---- the write ---- */

struct sampled {
    char id[18];
    unsigned char single;
};

#define COLD_IDS 40
#define XFER_IDS 64

struct case_info {
    uint64_t person;
    int64_t confirmed;
    int onset_days; /* onset this many days before confirmation; 0 for asymptomatic */
    char id[19];
    size_t grid; /* the grid index the case lives in (risk zones) */
};

struct gen {
    const struct fk_demo_opts *o;
    struct city city;
    struct out out[F_N];
    struct tcache tc;
    struct rng rp, rs, rq, rsamp, rres, rcase, rctl, rsen;
    struct rng rinc; /* incident events (S_INCIDENT) */
    struct rng rzone; /* risk zones (S_ZONE) */
    unsigned char *grid_pos; /* per grid: a resident in a positive pooled tube (risk zones) */
    struct rng rxfer; /* transfers (S_TRANSFER) */
    char boxed[16];   /* the last tube written to boxes.csv (issue 21) */
    /* The orders write_order wrote (no draw of its stream), for the check-ins (issue 18) */
    struct demo_order {
        char id[19];
        int64_t start, end; /* end 0: open at the cut */
        char phone[12], grid[32]; /* the person's (citizen requests, issue 21) */
    } *ords;
    size_t nords, capords;
    struct rng rvax; /* vaccinations (S_VACCINE) */
    struct rng rasg; /* 包保 assignments (S_ASSIGN) */
    double p_control, p_arrival; /* per resident */
    uint64_t devices;
    int offline_done, tamper_done; /* the one offline gap and the one tamper were written */
    int64_t start, end;
    int64_t cut; /* opts.now: nothing after it is written; INT64_MAX for the finished round */
    int live;    /* opts.now was given */
    uint64_t tubes_out; /* tubes written (G->tubes also counts those cut, so codes stay put) */
    uint64_t nvenues, vstep, ncells, persons, households, tubes, pooled, singles, sampled;
    uint16_t *births; /* counter per (county, birth day) */
    int64_t birth_day0;
    uint32_t birth_days;
    struct sampled *grid_samples;
    size_t nsamples, capsamples;
    struct case_info *cases;
    size_t ncases, next_case;
    uint64_t positives[5];
    size_t npositives;
    uint64_t invalids[8];
    size_t ninvalids;
    /* cold chain: residents who work in it or buy from it, every cold_every-th one written */
    char cold_ids[COLD_IDS][19];
    size_t ncold;
    uint64_t cold_every;
    /* transfers (issue 18): the first arrivals, the persons the transfer tasks carry */
    char xfer_ids[XFER_IDS][19];
    size_t nxfer;
    uint64_t xfer_seen, xfer_every; /* arrivals seen; one in xfer_every is kept */
    /* issue 21: the last person's phone (for the orders' callers) and the zones' places, kept by
     * write_person and write_zones without a draw */
    char last_phone[12];
    char zone_lockdown[32], zone_control[32], zone_precaution[32];
};

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static int cmp_case(const void *a, const void *b)
{
    return cmp_u64(&((const struct case_info *)a)->person, &((const struct case_info *)b)->person);
}

static int in_set(const uint64_t *set, size_t n, uint64_t v)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (set[i] == v)
            return 1;
    return 0;
}

static void progress(struct gen *G, const char *stage, uint64_t done, uint64_t total)
{
    if (G->o->progress)
        G->o->progress(G->o->progress_ud, stage, done, total);
}

/* Plausible coordinates inside 晋中市 for the map (the lon,lat of grids and venues): near the seat
 * of the code's county (as the map's shapes give it; the city's centre for a code of another
 * county or city), moved by up to ±radius degrees by a hash of the code and salt, so no draw of
 * the generator changes. "lon,lat" into out. */
static void demo_point(const char *code, uint64_t salt, double radius, char *out, size_t cap)
{
    static const struct {
        const char *county;
        double lon, lat;
    } seats[] = {
        {"140702", 112.7082, 37.6978}, {"140703", 112.5513, 37.4213}, {"140721", 112.9752, 37.0709},
        {"140722", 113.3794, 37.0829}, {"140723", 113.5704, 37.3296}, {"140724", 113.7070, 37.6125},
        {"140725", 113.1764, 37.8952}, {"140727", 112.3355, 37.3579}, {"140728", 112.1761, 37.1894},
        {"140729", 111.7786, 36.8479}, {"140781", 111.9167, 37.0269},
    };
    double lon = 112.7523, lat = 37.6870;
    uint64_t h = 1469598103934665603ull ^ salt;
    size_t i;

    for (i = 0; code[i]; i++)
        h = (h ^ (unsigned char)code[i]) * 1099511628211ull;
    h ^= h >> 33; /* FNV-1a mixes its last byte into the low bits poorly: a finaliser */
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    for (i = 0; i < sizeof seats / sizeof seats[0]; i++)
        if (strncmp(code, seats[i].county, 6) == 0) {
            lon = seats[i].lon;
            lat = seats[i].lat;
        }
    lon += radius * ((double)(h & 0xFFFF) / 32767.5 - 1);
    lat += radius * 0.8 * ((double)((h >> 16) & 0xFFFF) / 32767.5 - 1);
    snprintf(out, cap, "%.4f,%.4f", lon, lat);
}

/* regions.csv: fields quoted when they must be (region names from a file may hold commas). Each
 * grid has a synthetic worker (网格员) and phone, drawn from its row number, not from the random
 * streams, so every other file is what it was before grids had workers. */
static int write_regions(struct gen *G, char *err, size_t errlen)
{
    struct out *w = &G->out[F_REGIONS];
    fk_buf row;
    size_t i;
    int rc = FK_OK;

    fk_buf_init(&row, 0);
    for (i = 0; i < G->city.nregs && rc == FK_OK; i++) {
        const struct region *r = &G->city.regs[i];
        int grid = strcmp(r->level, "grid") == 0;
        char worker[32] = "", phone[16] = "";
        const char *f[4] = {r->code, r->name, r->level, r->parent};
        char xy[48] = ",";
        size_t k;

        if (grid) {
            snprintf(worker, sizeof worker, "%s网格员%zu",
                     surnames[i % (sizeof surnames / sizeof surnames[0])], i);
            snprintf(phone, sizeof phone, "137%08zu", i % 100000000);
        }
        fk_buf_reset(&row);
        for (k = 0; k < 4 && rc == FK_OK; k++) {
            rc = fk_buf_csv_field(&row, f[k], strlen(f[k]));
            if (rc == FK_OK)
                rc = fk_buf_putc(&row, ',');
        }
        if (grid)
            demo_point(r->code, 0, 0.06, xy, sizeof xy);
        if (rc == FK_OK)
            rc = fk_buf_printf(&row, "%s,%s,%s\n", xy, worker, phone);
        if (rc == FK_OK) {
            out_mem(w, row.data, row.len);
            w->rows++;
        }
    }
    fk_buf_fini(&row);
    if (rc != FK_OK) {
        snprintf(err, errlen, "out of memory writing regions.csv");
        return rc;
    }
    progress(G, "regions", G->city.nregs, G->city.nregs);
    return FK_OK;
}

static void write_venues(struct gen *G, struct rng *r)
{
    struct out *w = &G->out[F_VENUES];
    uint64_t before = 0, v = 0, total_w = 0;
    char xy[48];
    size_t g, k;

    for (k = 0; k < sizeof venue_types / sizeof venue_types[0]; k++)
        total_w += venue_types[k].weight;
    for (g = 0; g < G->city.ngrids; g++) {
        struct grid *gr = &G->city.grids[g];
        uint64_t hi;

        before += gr->people;
        hi = G->nvenues * before / G->o->people;
        gr->venue_lo = v;
        gr->venue_hi = hi;
        for (; v < hi; v++) {
            uint32_t pick = rng_below(r, (uint32_t)total_w);

            for (k = 0; pick >= venue_types[k].weight; k++)
                pick -= venue_types[k].weight;
            out_room(w, ROW_MAX);
            out_ch(w, 'V');
            out_u(w, v + 1, 7);
            out_ch(w, ',');
            out_str(w, venue_types[k].name);
            out_u(w, v + 1, 4);
            out_ch(w, ',');
            out_str(w, venue_types[k].type);
            out_ch(w, ',');
            out_str(w, gr->code);
            demo_point(gr->code, v + 1, 0.08, xy, sizeof xy);
            out_ch(w, ',');
            out_str(w, xy);
            out_end_row(w);
        }
    }
    progress(G, "venues", G->nvenues, G->nvenues);
}

/* A scan of a venue near home (this grid and the next ones on either side) most of the time,
 * else anywhere in the city; popularity is Zipf-like either way. */
static void write_scan(struct gen *G, size_t g, const char *id, int64_t from, int64_t span)
{
    struct out *w = &G->out[F_SCANS];
    struct rng *r = &G->rs;
    size_t a = g > 0 ? g - 1 : 0, b = g + 1 < G->city.ngrids ? g + 1 : g;
    uint64_t lo = G->city.grids[a].venue_lo, hi = G->city.grids[b].venue_hi, v;
    int64_t t;

    if (hi > lo && rng_unit(r) < 0.75)
        v = lo + rng_zipf(r, (uint32_t)(hi - lo));
    else
        v = (uint64_t)rng_zipf(r, (uint32_t)G->nvenues) * G->vstep % G->nvenues;
    t = from + (int64_t)rng_below(r, (uint32_t)(span / DAY)) * DAY;
    t = fk_local_day_start(t);
    if (rng_unit(r) < 0.9)
        t += (7 * 60 + (int64_t)rng_below(r, 15 * 60)) * 60;
    else
        t += (int64_t)rng_below(r, 24 * 60) * 60;
    if (t < from)
        t = from;
    if (t >= from + span)
        t = from + span - 60;
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_ch(w, 'V');
    out_u(w, v + 1, 7);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_end_row(w);
}

/* A ping in the home cell, a nearby one, or now and then anywhere. */
static void write_ping(struct gen *G, size_t g, const char *id, int64_t from, int64_t span)
{
    struct out *w = &G->out[F_PINGS];
    struct rng *r = &G->rq;
    uint64_t home = (uint64_t)g * G->ncells / G->city.ngrids, cell;
    double u = rng_unit(r);
    int64_t t;

    if (u < 0.7) {
        cell = home;
    } else if (u < 0.9) {
        int64_t d = (int64_t)rng_below(r, 7) - 3, c = (int64_t)home + d;

        cell = c < 0 ? 0 : (uint64_t)c >= G->ncells ? G->ncells - 1 : (uint64_t)c;
    } else {
        cell = rng_below(r, (uint32_t)G->ncells);
    }
    t = from + (int64_t)rng_below(r, (uint32_t)(span / 60)) * 60;
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_ch(w, 'C');
    out_u(w, cell, 4);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_end_row(w);
}

/* A resident ID for a person born in county k: a random real date 1940..2021 and the next free
 * sequence number of that (area, date), with the sex in its last digit. */
static int make_id(struct gen *G, uint32_t k, char *id)
{
    struct rng *r = &G->rp;
    uint32_t d = rng_below(r, G->birth_days), tries;
    unsigned sex = (unsigned)(rng_next(r) >> 63), seq, m, day;
    uint16_t *cnt = NULL;
    int64_t y;
    const char *area = fk_strmap_key(G->city.counties, k);
    uint64_t mix;

    for (tries = 0; tries < G->birth_days; tries++) {
        cnt = &G->births[(size_t)k * G->birth_days + d];
        if (*cnt < SEQ_PER_DAY)
            break;
        d = (d + 1) % G->birth_days;
    }
    if (tries == G->birth_days)
        return FK_EINVAL;
    mix = ((uint64_t)k << 32 | d) * 0x9E3779B97F4A7C15ull;
    seq = (unsigned)((*cnt + (mix >> 40) % SEQ_PER_DAY) % SEQ_PER_DAY) * 2 + sex;
    (*cnt)++;
    fk_civil_from_days(G->birth_day0 + d, &y, &m, &day);
    memcpy(id, area, 6);
    id[6] = (char)('0' + y / 1000);
    id[7] = (char)('0' + y / 100 % 10);
    id[8] = (char)('0' + y / 10 % 10);
    id[9] = (char)('0' + y % 10);
    id[10] = (char)('0' + m / 10);
    id[11] = (char)('0' + m % 10);
    id[12] = (char)('0' + day / 10);
    id[13] = (char)('0' + day % 10);
    id[14] = (char)('0' + seq / 100);
    id[15] = (char)('0' + seq / 10 % 10);
    id[16] = (char)('0' + seq % 10);
    id[17] = fk_id_check_char(id);
    id[18] = '\0';
    return FK_OK;
}

/* A sampling time in the round's window: a morning peak around 08:45, a daytime plateau, and a
 * few through the night; at least 10 minutes before the end so that a tube's members fit. */
static int64_t sample_time(struct gen *G)
{
    struct rng *r = &G->rsamp;
    double u = rng_unit(r), off;
    int64_t t, span = G->end - G->start;

    if (u < 0.55) {
        off = rng_unit(r);
        off = (off + rng_unit(r)) * 2.5 * 3600 + 0.25 * 3600;
    } else if (u < 0.9) {
        off = rng_unit(r) * 16 * 3600;
    } else {
        off = rng_unit(r) * (double)span;
    }
    t = G->start + (int64_t)off / 60 * 60;
    if (t > G->end - 600)
        t = G->end - 600;
    return t;
}

static void write_result(struct gen *G, const char *tube, int64_t closed, unsigned lab,
                         int positive, int invalid)
{
    struct out *w = &G->out[F_RESULTS];
    struct rng *r = &G->rres;
    double u = rng_unit(r);
    int64_t received, at;

    if (!positive && u < 0.01)
        return; /* no result yet */
    received = closed + 3600 + (int64_t)rng_below(r, 120) * 60;
    if (!positive && u < 0.04)
        at = closed + 12 * 3600 + 60 + (int64_t)rng_below(r, 18 * 60) * 60;
    else
        at = closed + 3 * 3600 + (int64_t)rng_below(r, 8 * 60) * 60;
    if (at > G->cut)
        return; /* not resulted yet (received is before at: not known either) */
    out_room(w, ROW_MAX);
    out_str(w, tube);
    out_ch(w, ',');
    out_str(w, positive ? "positive" : invalid ? "invalid" : "negative");
    out_ch(w, ',');
    out_time(w, &G->tc, at);
    out_mem(w, ",LAB0", 5);
    out_u(w, lab, 1);
    out_ch(w, ',');
    out_time(w, &G->tc, received);
    out_end_row(w);
}

/* shipped: when the tube left the site (送检), half an hour after its first member was sampled
 * (no draw: the other files keep their bytes), before any receipt of write_result. */
static void write_sample(struct gen *G, const char *tube, const char *id, int64_t t, uint64_t site,
                         int64_t shipped)
{
    struct out *w = &G->out[F_SAMPLES];

    out_room(w, ROW_MAX);
    out_str(w, tube);
    out_ch(w, ',');
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_mem(w, ",SITE", 5);
    out_u(w, site, 4);
    out_ch(w, ',');
    if (shipped <= G->cut) /* a tube still at its site at now has no shipped time yet */
        out_time(w, &G->tc, shipped);
    out_end_row(w);
    /* boxes.csv (issue 21): a site's tubes shipped in one hour go in one box, which leaves at the
     * next full hour (no draw) */
    if (shipped <= G->cut && strcmp(tube, G->boxed) != 0) {
        int64_t leaves = shipped - ((shipped % 3600) + 3600) % 3600 + 3600;
        char when[FK_TIME_RENDER_MAX];

        fk_time_render(leaves, when);
        w = &G->out[F_BOXES];
        out_room(w, ROW_MAX);
        out_mem(w, "BX", 2);
        out_u(w, site, 4);
        out_ch(w, '-');
        out_mem(w, when + 5, 2);
        out_mem(w, when + 8, 2);
        out_mem(w, when + 11, 2);
        out_ch(w, ',');
        out_str(w, tube);
        out_ch(w, ',');
        out_time(w, &G->tc, leaves);
        out_end_row(w);
        snprintf(G->boxed, sizeof G->boxed, "%s", tube);
    }
}

/* The grid's sampled residents, in household order, as 10合1 tubes (the last may hold fewer)
 * and single tubes, with their results. A sample after G->cut is not written (that resident is
 * not sampled yet); a tube with none before it is not either, but keeps its code and draws, so a
 * later now only adds rows. */
static void write_grid_samples(struct gen *G, size_t g)
{
    uint64_t site = g / GRIDS_PER_SITE + 1;
    unsigned lab = (unsigned)(site % 5) + 1;
    char tube[16];
    size_t i, j;

    for (i = 0; i < G->nsamples; i++) {
        int64_t t;

        if (!G->grid_samples[i].single)
            continue;
        snprintf(tube, sizeof tube, "S%07llu", (unsigned long long)++G->singles);
        t = sample_time(G);
        if (t <= G->cut) {
            write_sample(G, tube, G->grid_samples[i].id, t, site, t + 1800);
            G->tubes_out++;
        }
        /* drawn even when cut (its time is after the cut then), so the draws stay in step */
        write_result(G, tube, t, lab, 0, in_set(G->invalids, G->ninvalids, G->tubes));
        G->tubes++;
    }
    for (i = 0; i < G->nsamples;) {
        int64_t t0 = sample_time(G), t = t0, closed = t0;
        int positive = in_set(G->positives, G->npositives, G->pooled);
        size_t kept = 0;

        snprintf(tube, sizeof tube, "T%07llu", (unsigned long long)++G->pooled);
        if (positive && G->grid_pos)
            G->grid_pos[g] = 1;
        for (j = 0; j < POOL && i < G->nsamples; i++) {
            if (G->grid_samples[i].single)
                continue;
            t = t0 + (int64_t)j * 30;
            if (t <= G->cut) {
                write_sample(G, tube, G->grid_samples[i].id, t, site, t0 + 1800);
                closed = t;
                kept++;
            }
            j++;
        }
        if (j == 0) {
            G->pooled--; /* only singles were left */
            break;
        }
        /* closed is within 30 s before the cut when a member was left out, so the result of a
         * tube that was cut comes after the cut: drawn, not written */
        write_result(G, tube, kept ? closed : t, lab, positive,
                     !positive && in_set(G->invalids, G->ninvalids, G->tubes));
        G->tubes_out += kept != 0;
        G->tubes++;
    }
}

static int add_sample(struct gen *G, const char *id, int single)
{
    if (fk_vec_grow((void **)&G->grid_samples, &G->capsamples, G->nsamples + 1,
                    sizeof *G->grid_samples) != FK_OK)
        return FK_ENOMEM;
    memcpy(G->grid_samples[G->nsamples].id, id, 18);
    G->grid_samples[G->nsamples].single = (unsigned char)single;
    G->nsamples++;
    return FK_OK;
}

/* ---- control: orders, arrivals, door events (stream S_CONTROL only) ---- */

/* The local midnight `days` days before the round's start day. */
static int64_t day_before(const struct gen *G, int days)
{
    return fk_local_day_start(G->start) - (int64_t)days * DAY;
}

/* A door event row. */
static void write_door(struct gen *G, const char *device, const char *id, int64_t t,
                       const char *event)
{
    struct out *w = &G->out[F_DOOR_EVENTS];

    if (t > G->cut)
        return;
    out_room(w, ROW_MAX);
    out_str(w, device);
    out_ch(w, ',');
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, event);
    out_end_row(w);
}

/* The door sensor of an open home order from `start`: on each of the three days up to the round's
 * start day that follow the order's start, the door opens at the meal deliveries (07:0x and
 * 18:0x, inside the demo profile's door_allowed windows) and now and then at night. On the day
 * before the round's, the first sensor there goes offline for two and a half hours in the
 * afternoon, and the next one is tampered with in the evening (with a now: 37 minutes before it,
 * so that the alert is fresh). Nothing after G->cut is written. */
static void write_door_days(struct gen *G, const char *device, const char *id, int64_t start)
{
    struct rng *r = &G->rctl;
    int d, offline = 0;

    for (d = 2; d >= 0; d--) {
        int64_t day = day_before(G, d), t;

        if (day <= start)
            continue;
        t = day + 7 * 3600 + (int64_t)rng_below(r, 20) * 60;
        write_door(G, device, id, t, "open");
        write_door(G, device, id, t + (int64_t)(1 + rng_below(r, 4)) * 60, "close");
        if (d == 1 && !G->offline_done) {
            write_door(G, device, id, day + 13 * 3600, "offline");
            write_door(G, device, id, day + 15 * 3600 + 30 * 60, "close");
            G->offline_done = offline = 1;
        }
        t = day + 18 * 3600 + (int64_t)rng_below(r, 20) * 60;
        write_door(G, device, id, t, "open");
        write_door(G, device, id, t + (int64_t)(1 + rng_below(r, 4)) * 60, "close");
        if (d == 1 && !offline && !G->tamper_done && !G->live) {
            write_door(G, device, id, day + 20 * 3600 + 12 * 60, "tamper");
            G->tamper_done = 1;
        }
        t = G->cut - 37 * 60;
        if (d == 0 && !offline && !G->tamper_done && G->live && t > day && t > start) {
            write_door(G, device, id, t / 60 * 60, "tamper");
            G->tamper_done = 1;
        }
        if (rng_unit(r) < 0.03) {
            /* 22:00 to 04:59 */
            t = day + 22 * 3600 + (int64_t)rng_below(r, 7 * 60) * 60;
            write_door(G, device, id, t, "open");
            write_door(G, device, id, t + (int64_t)(1 + rng_below(r, 10)) * 60, "close");
        }
    }
}

/* ---- 包保 (issue 17), from the stream S_ASSIGN only, so every other file keeps its bytes ---- */

static const char *const given_names[] = {"建国", "秀英", "志强", "丽华", "海涛", "玉兰",
                                          "俊杰", "晓东", "红梅", "文斌", "国庆", "桂芳"};

/* One row of assignments.csv. With a grid (pool >= 0), the cadre is one of two of the role in the
 * grid, named from the grid code, the role and pool, so each looks after several residents; else
 * named from the stream. */
static void write_cadre_row(struct gen *G, const char *pre, const char *role, const char *region,
                            const char *id, int pool)
{
    struct out *w = &G->out[F_ASSIGNMENTS];
    struct rng *r = &G->rasg;
    uint64_t h = 1469598103934665603ull;
    const char *c;

    if (pool >= 0) {
        for (c = region; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ull;
        for (c = role; *c; c++)
            h = (h ^ (unsigned char)*c) * 1099511628211ull;
        h = (h ^ (uint64_t)pool) * 1099511628211ull;
        h ^= h >> 29;
    } else {
        h = rng_next(r);
    }
    out_room(w, ROW_MAX);
    out_str(w, surnames[h % (sizeof surnames / sizeof surnames[0])]);
    out_str(w, given_names[(h >> 8) % (sizeof given_names / sizeof given_names[0])]);
    out_ch(w, ',');
    out_str(w, pre);
    out_u(w, (h >> 16) % 100000000, 8);
    out_ch(w, ',');
    out_str(w, role);
    out_ch(w, ',');
    out_str(w, region);
    out_ch(w, ',');
    if (id)
        out_mem(w, id, 18);
    out_end_row(w);
}

/* 五包一 of a resident at home now: the five cadres of the resident's grid, but now and then a
 * doctor (12 %) or a volunteer (15 %) is not yet assigned, and rarely another (2 %). */
static void write_cadres(struct gen *G, const char *grid, const char *id)
{
    static const struct {
        const char *role, *pre;
        double missing;
    } five[] = {{"grid_worker", "137", 0.02},
                {"community_cadre", "138", 0.02},
                {"doctor", "135", 0.12},
                {"police", "136", 0.02},
                {"volunteer", "133", 0.15}};
    size_t k;

    for (k = 0; k < sizeof five / sizeof five[0]; k++) {
        int pool = (int)rng_below(&G->rasg, 2);

        if (rng_unit(&G->rasg) >= five[k].missing)
            write_cadre_row(G, five[k].pre, five[k].role, grid, id, pool);
    }
}

/* 四级包保: a leader for every county, township, community and grid, but one township and about
 * 6 % of the grids (never the only one) have none yet. */
static void write_leaders(struct gen *G)
{
    size_t i, ntown = 0, skip_town;

    for (i = 0; i < G->city.nregs; i++)
        ntown += strcmp(G->city.regs[i].level, "township") == 0;
    skip_town = ntown > 1 ? 1 + rng_below(&G->rasg, (uint32_t)(ntown - 1)) : ntown;
    ntown = 0;
    for (i = 0; i < G->city.nregs; i++) {
        const struct region *r = &G->city.regs[i];
        int town = strcmp(r->level, "township") == 0;

        if (strcmp(r->level, "county") != 0 && !town && strcmp(r->level, "community") != 0 &&
            strcmp(r->level, "grid") != 0)
            continue;
        if (town && ntown++ == skip_town)
            continue;
        if (strcmp(r->level, "grid") == 0 && G->city.ngrids > 1 && rng_unit(&G->rasg) < 0.06)
            continue;
        write_cadre_row(G, "139", "leader", r->code, NULL, -1);
    }
}

/* A control order of resident id, begun in the 10 days before the round: close, secondary,
 * companion, arrival or other; at home with a door sensor, or centralized at one of 8 sites;
 * those begun 7 days or more before the round mostly released after 7 days. */
static void write_cadres(struct gen *G, const char *grid, const char *id);

static void write_order(struct gen *G, const char *grid, const char *id)
{
    struct out *w = &G->out[F_CONTROLS];
    struct rng *r = &G->rctl;
    uint32_t pick = rng_below(r, 100), k;
    int64_t start = G->start - 10 * DAY + (int64_t)rng_below(r, 10 * 24 * 60 - 60) * 60, end = 0;
    int released;
    int home = rng_unit(r) < 0.6;
    char device[16] = "";

    for (k = 0; pick >= ctl_categories[k].weight; k++)
        pick -= ctl_categories[k].weight;
    if (start + 7 * DAY < G->start && rng_unit(r) < 0.6)
        end = start + 7 * DAY + (int64_t)(1 + rng_below(r, 12)) * 3600;
    released = end && end <= G->cut; /* else open, to be released later today */
    if (home)
        snprintf(device, sizeof device, "DM%06llu", (unsigned long long)++G->devices);
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_str(w, ctl_categories[k].name);
    out_str(w, home ? ",home," : ",centralized,");
    out_time(w, &G->tc, start);
    out_ch(w, ',');
    if (released)
        out_time(w, &G->tc, end);
    out_mem(w, ",,", 2);
    if (!home) {
        out_str(w, "集中隔离点");
        out_u(w, 1 + rng_below(r, 8), 2);
    }
    out_ch(w, ',');
    out_str(w, device);
    out_end_row(w);
    if (fk_vec_grow((void **)&G->ords, &G->capords, G->nords + 1, sizeof *G->ords) == FK_OK) {
        struct demo_order *o = &G->ords[G->nords++];

        memcpy(o->id, id, 18);
        o->id[18] = '\0';
        o->start = start;
        o->end = released ? end : 0;
        fk_strlcpy(o->phone, G->last_phone, sizeof o->phone);
        fk_strlcpy(o->grid, grid, sizeof o->grid);
    }
    if (home && !end)
        write_door_days(G, device, id, start);
    if (home && !released)
        write_cadres(G, grid, id);
}

/* A resident's return from elsewhere in the 10 days before the round (7 with a now: the last
 * week). (Arrivals only of residents: a newcomer registered by an arrival row would change the
 * round's residents.) */
static void write_arrival(struct gen *G, const char *id)
{
    struct out *w = &G->out[F_ARRIVALS];
    struct rng *r = &G->rctl;
    uint32_t total = 0, pick, k;
    int days = G->live ? 7 : 10;
    int64_t t = G->start - days * DAY + (int64_t)rng_below(r, (uint32_t)days * 24 * 60) * 60;

    for (k = 0; k < sizeof origins / sizeof origins[0]; k++)
        total += origins[k].weight;
    pick = rng_below(r, total);
    for (k = 0; pick >= origins[k].weight; k++)
        pick -= origins[k].weight;
    /* Every xfer_every-th arrival, so the transfers spread over the counties; no draw: the other
     * files keep their bytes. */
    if (G->nxfer < XFER_IDS && G->xfer_seen++ % G->xfer_every == 0) {
        memcpy(G->xfer_ids[G->nxfer], id, 18);
        G->xfer_ids[G->nxfer++][18] = '\0';
    }
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, origins[k].origin);
    out_mem(w, ",,", 2);
    out_str(w, transports[rng_below(r, sizeof transports / sizeof transports[0])]);
    out_mem(w, ",,", 2);
    out_end_row(w);
}

/* A resident's control draws: now and then a control order or a return from elsewhere. */
static void write_control(struct gen *G, const char *grid, const char *id)
{
    double u = rng_unit(&G->rctl);

    if (u < G->p_control)
        write_order(G, grid, id);
    else if (u < G->p_control + G->p_arrival)
        write_arrival(G, id);
}

/* The demo's risk areas, by the round's start day D: 110105 high from D-3 (open), so the
 * back-check of the days before it finds arrivals; 310115 medium from D-18 to D-7; 440305 low
 * from D-1. And profile.ini: the door windows the door events assume. */
static void write_risk_areas(struct gen *G)
{
    static const struct {
        const char *area, *level;
        int from, to; /* days before the start day; to < 0: still open */
        const char *name;
    } areas[] = {{"110105", "high", 3, -1, "北京市朝阳区"},
                 {"310115", "medium", 18, 7, "上海市浦东新区"},
                 {"440305", "low", 1, -1, "深圳市南山区"}};
    struct out *w = &G->out[F_RISK_AREAS];
    size_t i;

    for (i = 0; i < sizeof areas / sizeof areas[0]; i++) {
        out_room(w, ROW_MAX);
        out_str(w, areas[i].area);
        out_ch(w, ',');
        out_str(w, areas[i].level);
        out_ch(w, ',');
        out_time(w, &G->tc, day_before(G, areas[i].from));
        out_ch(w, ',');
        if (areas[i].to >= 0)
            out_time(w, &G->tc, day_before(G, areas[i].to));
        out_ch(w, ',');
        out_str(w, areas[i].name);
        out_end_row(w);
    }
    out_str(&G->out[F_PROFILE],
            "; the demo's profile: door sensors may open at the meal deliveries\n"
            "[control]\n"
            "door_allowed = 07:00-07:30,18:00-18:30\n");
}

/* 目标责任考核: a year's indicators and, for every county, its target and actual of each, in the
 * year of the round. The actuals come from a hash of the county and the indicator, not from the
 * random stream, so the other files stay byte for byte what they were: most counties near their
 * targets, the fourth county below its veto indicator (安全生产), bonus points for two. The
 * indicators fangkong computes (coverage of the round, its P90 hours, 12+ vaccination, close
 * contacts locked in 24 h, reports on time, problems rectified on time) are written with their
 * target only. */
static void write_assessment(struct gen *G)
{
    static const struct {
        const char *code, *name, *category, *weight, *direction;
        int veto, target; /* target × 10 */
    } ind[] = {
        {"party", "基层党组织建设", "党建", "15", "higher", 0, 1000},
        {"gdp", "地区生产总值增速", "高质量发展", "15", "higher", 0, 55},
        {"invest", "固定资产投资增速", "高质量发展", "10", "higher", 0, 80},
        {"business", "营商环境评价", "营商环境", "10", "higher", 0, 900},
        {"safety", "安全生产", "专项工作", "5", "higher", 1, 1000},
        {"tat_p90", "核酸检测报告时长P90(小时)", "专项工作", "10", "lower", 0, 120},
        {"screen_coverage", "核酸应检尽检率(%)", "专项工作", "10", "higher", 0, 950},
        {"vax12_full", "12岁以上全程接种率(%)", "专项工作", "5", "higher", 0, 900},
        {"lock24", "密接24小时管控率(%)", "专项工作", "5", "higher", 0, 1000},
        {"report_complete", "零报告按时率(%)", "专项工作", "5", "higher", 0, 950},
        {"problems_on_time", "督查问题按期整改率(%)", "专项工作", "5", "higher", 0, 900},
        {"special", "特色工作", "差异化", "5", "higher", 0, 1000},
    };
    struct out *wi = &G->out[F_INDICATORS], *ws = &G->out[F_SCORES];
    int64_t y;
    unsigned mo, d;
    size_t i, k, nth = 0;
    char year[16];

    fk_civil_from_days((G->start + 8 * 3600) / 86400, &y, &mo, &d);
    snprintf(year, sizeof year, "%lld", (long long)y);
    for (i = 0; i < sizeof ind / sizeof ind[0]; i++) {
        out_room(wi, ROW_MAX);
        out_str(wi, ind[i].code);
        out_ch(wi, ',');
        out_str(wi, ind[i].name);
        out_ch(wi, ',');
        out_str(wi, ind[i].category);
        out_ch(wi, ',');
        out_str(wi, ind[i].weight);
        out_ch(wi, ',');
        out_str(wi, ind[i].direction);
        out_ch(wi, ',');
        out_ch(wi, ind[i].veto ? '1' : '0');
        out_end_row(wi);
    }
    for (k = 0; k < G->city.nregs; k++) {
        const struct region *r = &G->city.regs[k];

        if (strcmp(r->level, "county") != 0)
            continue;
        nth++;
        for (i = 0; i < sizeof ind / sizeof ind[0]; i++) {
            uint64_t h = 1469598103934665603u;
            const char *p;
            long t = ind[i].target, a;
            char num[32];

            for (p = r->code; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211u;
            for (p = ind[i].code; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211u;
            /* the actual: 65 % to 112 % of the target (lower is better: the reverse) */
            a = t * (long)(65 + h % 48) / 100;
            if (ind[i].direction[0] == 'l')
                a = t * 100 / (long)(65 + h % 48);
            if (ind[i].veto)
                a = nth == 4 ? t * 98 / 100 : t;
            out_room(ws, ROW_MAX);
            out_str(ws, ind[i].code);
            out_ch(ws, ',');
            out_str(ws, r->code);
            out_ch(ws, ',');
            out_str(ws, year);
            /* an indicator fangkong computes has its target only */
            if (fk_score_computed(ind[i].code))
                snprintf(num, sizeof num, ",%ld.%ld,,", t / 10, t % 10);
            else
                snprintf(num, sizeof num, ",%ld.%ld,%ld.%ld,", t / 10, t % 10, a / 10, a % 10);
            out_str(ws, num);
            if (i == 0 && (nth == 2 || nth == 7))
                out_str(ws, nth == 2 ? "3" : "1.5");
            out_end_row(ws);
        }
    }
}

static const char *const streets[] = {"平安街", "顺城街", "迎宾路", "新华街",
                                      "锦纶路", "文苑街", "汇通路", "龙湖大街"};

/* ---- vaccinations (stream S_VACCINE only, so the other files keep their bytes) ---- */

static const char *const vaccine_sites[] = {"社区卫生服务中心接种点", "人民医院接种门诊",
                                            "临时接种点（体育馆）"};

static void write_dose(struct gen *G, const char *id, int dose, int64_t t, const char *vaccine,
                       unsigned site)
{
    struct out *w = &G->out[F_VACCINATIONS];

    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_u(w, (uint64_t)dose, 1);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, vaccine);
    out_ch(w, ',');
    out_str(w, vaccine_sites[site % (sizeof vaccine_sites / sizeof vaccine_sites[0])]);
    out_end_row(w);
}

/* The doses of one resident, relative to the moment the demo lives at (the finished day's
 * round start without --now): about 90 % of those 3 and older had a first dose 200 to 600 days
 * before, most a second 3 to 8 weeks later, boosters mostly for those 60 and older; the
 * communities whose code hashes to 0 mod 7 lag far behind. Never before the third birthday. */
static void write_vaccinations(struct gen *G, size_t g, const char *id)
{
    struct rng *r = &G->rvax;
    int64_t ref = G->live ? G->cut : G->start, birth, t1, t2, t3;
    int32_t ymd = 0;
    const char *code = G->city.grids[g].code, *vaccine;
    uint64_t h = 1469598103934665603ull;
    int age, behind, i;
    unsigned site;

    for (i = 0; code[i] && i < 12; i++)
        h = (h ^ (unsigned char)code[i]) * 1099511628211ull;
    behind = h % 7 == 0;
    for (i = 6; i < 14; i++)
        ymd = ymd * 10 + (id[i] - '0');
    birth = fk_days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100)) *
                DAY -
            FK_TZ_OFFSET;
    age = (int)((ref - birth) / (365 * DAY + DAY / 4));
    if (age < 3 || rng_unit(r) > (behind ? 0.55 : age < 12 ? 0.8 : 0.93))
        return;
    t1 = ref - 200 * DAY - (int64_t)rng_below(r, 400) * DAY - (int64_t)rng_below(r, 9 * 3600) -
         8 * 3600;
    if (t1 < birth + 3 * 366 * DAY)
        t1 = birth + 3 * 366 * DAY + (int64_t)rng_below(r, 30) * DAY;
    if (t1 >= ref)
        return;
    vaccine = rng_unit(r) < 0.08 ? "Ad5-nCoV" : rng_unit(r) < 0.7 ? "CoronaVac" : "BBIBP-CorV";
    site = rng_below(r, 3);
    write_dose(G, id, 1, t1, vaccine, site);
    if (strcmp(vaccine, "Ad5-nCoV") == 0) {
        t2 = t1; /* a one-dose course ([vaccine] doses.Ad5-nCoV = 1 in the demo's profile) */
    } else {
        t2 = t1 + (21 + (int64_t)rng_below(r, 35)) * DAY;
        if (t2 >= ref || rng_unit(r) > (behind ? 0.6 : 0.9))
            return;
        write_dose(G, id, 2, t2, vaccine, site);
    }
    if (rng_unit(r) > (age >= 60 ? 0.75 : age >= 18 ? 0.35 : 0.05))
        return;
    t3 = t2 + (180 + (int64_t)rng_below(r, 120)) * DAY;
    if (t3 < ref)
        write_dose(G, id, strcmp(vaccine, "Ad5-nCoV") == 0 ? 2 : 3, t3, "CoronaVac", site + 1);
}
static void write_buyer(struct gen *G, size_t g, const char *id);

/* One resident: the persons row, their scans and pings, and whether they were sampled. */
static int write_person(struct gen *G, size_t g, uint64_t household, char *err, size_t errlen)
{
    struct out *w = &G->out[F_PERSONS];
    struct rng *r = &G->rp;
    const struct grid *gr = &G->city.grids[g];
    uint32_t county = gr->county, n, i;
    char id[19];
    int64_t from = G->start - 14 * DAY, span = 14 * DAY;
    struct case_info *cs = NULL;

    if (G->city.ncounties > 1 && rng_unit(r) < 0.15)
        county = rng_below(r, (uint32_t)G->city.ncounties);
    if (make_id(G, county, id) != FK_OK) {
        snprintf(err, errlen,
                 "too many residents for the region's area codes: no free sequence "
                 "number for a birth date");
        return FK_EINVAL;
    }
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_str(w, surnames[rng_below(r, sizeof surnames / sizeof surnames[0])]);
    out_str(w, "某");
    out_u(w, G->persons + 1, 1);
    {
        uint32_t phone = rng_below(r, 100000000);

        out_mem(w, ",139", 4);
        out_u(w, phone, 8);
        snprintf(G->last_phone, sizeof G->last_phone, "139%08u", (unsigned)phone);
    }
    out_ch(w, ',');
    out_str(w, gr->code);
    out_mem(w, ",H", 2);
    out_u(w, household, 8);
    out_ch(w, ',');
    if (rng_unit(r) < 0.04) {
        uint32_t a = rng_below(r, sizeof tags / sizeof tags[0]), b;

        out_str(w, tags[a]);
        if (rng_unit(r) < 0.15) {
            b = (a + 1 + rng_below(r, sizeof tags / sizeof tags[0] - 1)) %
                (uint32_t)(sizeof tags / sizeof tags[0]);
            out_ch(w, ';');
            out_str(w, tags[b]);
        }
    }
    /* A synthetic address, a function of the household alone (no draw: the other files keep
     * their bytes), so a household's members share it. */
    out_ch(w, ',');
    out_str(w, streets[household % (sizeof streets / sizeof streets[0])]);
    out_u(w, household / 8 % 300 + 1, 1);
    out_str(w, "号");
    out_u(w, household % 6 + 1, 1);
    out_str(w, "单元");
    out_u(w, household % 5 + 1, 1);
    out_u(w, household % 4 + 1, 2);
    out_str(w, "室");
    out_end_row(w);

    if (G->next_case < G->ncases && G->cases[G->next_case].person == G->persons) {
        cs = &G->cases[G->next_case++];
        memcpy(cs->id, id, 19);
        cs->grid = g;
    }
    /* Cold-chain workers and buyers: a function of the count alone (no draw). */
    if (G->ncold < COLD_IDS && G->persons % G->cold_every == 7 % G->cold_every)
        memcpy(G->cold_ids[G->ncold++], id, 19);
    n = rng_count(&G->rs, G->o->scans_per_person);
    for (i = 0; i < n; i++)
        write_scan(G, g, id, from, span);
    n = rng_count(&G->rq, G->o->pings_per_person);
    for (i = 0; i < n; i++)
        write_ping(G, g, id, from, span);
    if (cs) {
        /* a case moved about in the days before confirmation, so tracing finds contacts */
        int64_t cfrom = fk_local_day_start(cs->confirmed) - 4 * DAY;

        for (i = 0; G->o->scans_per_person > 0 && i < 6; i++)
            write_scan(G, g, id, cfrom, 4 * DAY);
        for (i = 0; G->o->pings_per_person > 0 && i < 12; i++)
            write_ping(G, g, id, cfrom, 4 * DAY);
    }
    if (rng_unit(&G->rsamp) < gr->cover) {
        if (add_sample(G, id, rng_unit(&G->rsamp) < 0.02) != FK_OK) {
            snprintf(err, errlen, "out of memory holding a grid's samples");
            return FK_ENOMEM;
        }
        G->sampled++;
    }
    write_control(G, gr->code, id);
    write_vaccinations(G, g, id);
    write_buyer(G, g, id);
    G->persons++;
    if (G->persons % 100000 == 0)
        progress(G, "persons", G->persons, G->o->people);
    return FK_OK;
}

/* ---- sentinels (issue 16), from their own stream ---- */

/* A sentinel row: source, kind, time, grid, count (empty: 1) and ID number (NULL: none). */
static void write_sentinel(struct gen *G, const char *source, const char *kind, int64_t t,
                           const char *grid, uint32_t count, const char *id)
{
    struct out *w = &G->out[F_SENTINELS];

    out_room(w, ROW_MAX);
    out_str(w, source);
    out_ch(w, ',');
    out_str(w, kind);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, grid);
    out_ch(w, ',');
    if (count != 1)
        out_u(w, count, 1);
    out_ch(w, ',');
    if (id)
        out_mem(w, id, 18);
    out_end_row(w);
}

/* About 60 residents in all bought fever, cough, antiviral or antibiotic drugs (四类药品) at their
 * grid's pharmacy, or visited its fever clinic, in the two days up to now: the pharmacy and
 * fever-clinic rows that name a person (some are tested in the round, some not). */
static void write_buyer(struct gen *G, size_t g, const char *id)
{
    struct rng *r = &G->rsen;
    const char *grid = G->city.grids[g].code;
    double p = G->o->people ? 60.0 / (double)G->o->people : 0;
    int64_t t;
    char source[48];
    int clinic;

    if (rng_unit(r) >= p)
        return;
    clinic = rng_unit(r) < 0.25;
    t = fk_local_day_start(G->start) - DAY + 8 * 3600 + (int64_t)rng_below(r, 36 * 60) * 60;
    if (t > G->cut)
        t = G->cut - (int64_t)rng_below(r, 120) * 60;
    snprintf(source, sizeof source, "%s-%s", clinic ? "FC" : "PH", grid);
    write_sentinel(G, source, clinic ? "fever_clinic" : "pharmacy", t / 60 * 60, grid, 1, id);
}

/* 30 days of signals up to now: every grid's fever clinic and pharmacy report a day's count now
 * and then (a few a day at most), every seventh grid has a station and a school; on the last day
 * one grid's pharmacy sells to a crowd (a clear spike, so the board fires there). Times are
 * between 08:00 and 20:00 and never after now. */
static void write_sentinels(struct gen *G)
{
    static const struct {
        const char *kind, *prefix;
        double mean;
        unsigned every; /* grids that have one: every n-th */
    } srcs[] = {
        {"fever_clinic", "FC", 0.7, 1}, {"pharmacy", "PH", 1.0, 1},
        {"station", "ST", 1.5, 7},      {"school", "SC", 0.8, 7},
    };
    struct rng *r = &G->rsen;
    size_t g, k, spike = G->city.ngrids;
    int d;
    char source[48];

    for (g = 0; g < G->city.ngrids && G->city.ngrids; g++) {
        size_t at = (g + rng_below(r, (uint32_t)G->city.ngrids)) % G->city.ngrids;

        if (G->city.grids[at].weight) {
            spike = at;
            break;
        }
    }
    for (g = 0; g < G->city.ngrids; g++) {
        const char *grid = G->city.grids[g].code;

        for (k = 0; k < sizeof srcs / sizeof srcs[0]; k++) {
            if (g % srcs[k].every)
                continue;
            snprintf(source, sizeof source, "%s-%s", srcs[k].prefix, grid);
            for (d = 29; d >= 0; d--) {
                uint32_t n = rng_count(r, srcs[k].mean);
                int64_t t = day_before(G, d) + 8 * 3600 + (int64_t)rng_below(r, 12 * 60) * 60;

                if (n && t <= G->cut)
                    write_sentinel(G, source, srcs[k].kind, t, grid, n, NULL);
            }
        }
        if (g == spike) {
            uint32_t i;

            snprintf(source, sizeof source, "PH-%s", grid);
            for (i = 0; i < 14; i++) {
                int64_t t = day_before(G, 0) + 8 * 3600 + (int64_t)i * 25 * 60 +
                            (int64_t)rng_below(r, 20) * 60;

                if (t <= G->cut)
                    write_sentinel(G, source, "pharmacy", t, grid, 1, NULL);
            }
        }
    }
}

static int write_people(struct gen *G, char *err, size_t errlen)
{
    static const unsigned hh_cum[5] = {20, 50, 75, 90, 100}; /* sizes 1..5, percent */
    size_t g, k;
    int rc;

    for (g = 0; g < G->city.ngrids; g++) {
        uint64_t left = G->city.grids[g].people;

        G->nsamples = 0;
        while (left) {
            uint32_t pick = rng_below(&G->rp, 100), size = 1;

            for (k = 0; pick >= hh_cum[k]; k++)
                ;
            size = (uint32_t)k + 1;
            if (size > left)
                size = (uint32_t)left;
            G->households++;
            for (k = 0; k < size; k++) {
                rc = write_person(G, g, G->households, err, errlen);
                if (rc != FK_OK)
                    return rc;
            }
            left -= size;
        }
        write_grid_samples(G, g);
        for (k = 0; k < F_N; k++) {
            if (G->out[k].err) {
                snprintf(err, errlen, "cannot write %s: %s", G->out[k].tmp,
                         strerror(G->out[k].err));
                return FK_EIO;
            }
        }
    }
    progress(G, "persons", G->persons, G->o->people);
    return FK_OK;
}

static void write_cases(struct gen *G)
{
    struct out *w = &G->out[F_CASES];
    char date[11];
    size_t i;

    for (i = 0; i < G->ncases; i++) {
        const struct case_info *c = &G->cases[i];

        out_room(w, ROW_MAX);
        out_mem(w, c->id, 18);
        out_ch(w, ',');
        out_time(w, &G->tc, c->confirmed);
        out_ch(w, ',');
        if (c->onset_days) {
            fk_date_render(c->confirmed - (int64_t)c->onset_days * DAY, date);
            out_mem(w, date, 10);
        }
        out_str(w, c->onset_days ? ",confirmed" : ",asymptomatic");
        out_end_row(w);
    }
    progress(G, "cases", G->ncases, G->ncases);
}

/* One response event of a case, unless it is after the cut. */
static void write_incident(struct gen *G, const char *id, const char *event, int64_t t,
                           const char *note)
{
    struct out *w = &G->out[F_INCIDENT_EVENTS];

    if (t > G->cut)
        return;
    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_str(w, event);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, note);
    out_end_row(w);
}

/* The response events of the cases (issue 17, stream S_INCIDENT only): on site 5 to 25 minutes
 * and activated 20 to 55 minutes after the confirmation, so most timers are met; the second case's
 * team arrived 47 minutes after (missed), and the last case has no event yet. */
static void write_incidents(struct gen *G)
{
    struct rng *r = &G->rinc;
    size_t i;

    for (i = 0; i + 1 < G->ncases; i++) {
        const struct case_info *c = &G->cases[i];
        int64_t onsite = i == 1 ? 47 * 60 : (5 + (int64_t)rng_below(r, 21)) * 60;
        int64_t active = (20 + (int64_t)rng_below(r, 36)) * 60;

        write_incident(G, c->id, "onsite", c->confirmed + onsite, "流调队伍到达现场");
        write_incident(G, c->id, "activated", c->confirmed + active, "指挥部和专班启动");
    }
}

/* ---- risk zones (issue 18, stream S_ZONE only) ---- */

/* One zones row over the regions of codes (n of them), unless declared after the cut. */
static void write_zone(struct gen *G, const char *name, const char *level, const char **codes,
                       size_t n, int64_t declared, const char *reason)
{
    struct out *w = &G->out[F_ZONES];
    size_t i;

    if (declared > G->cut || n == 0)
        return;
    out_room(w, ROW_MAX + n * 40);
    out_str(w, name);
    out_ch(w, ',');
    out_str(w, level);
    out_ch(w, ',');
    for (i = 0; i < n; i++) {
        if (i)
            out_ch(w, ';');
        out_str(w, codes[i]);
    }
    out_ch(w, ',');
    out_time(w, &G->tc, declared);
    out_str(w, ",,");
    out_str(w, reason);
    out_end_row(w);
}

/* The community (the grid's parent) of each grid, by grid index, from the region list (grids
 * are listed in index order). NULL on out of memory; caller frees. */
static const char **grid_parents(const struct gen *G)
{
    const char **up = calloc(G->city.ngrids + 1, sizeof *up);
    size_t i, g = 0;

    for (i = 0; up && i < G->city.nregs && g < G->city.ngrids; i++)
        if (strcmp(G->city.regs[i].level, "grid") == 0)
            up[g++] = G->city.regs[i].parent;
    return up;
}

/* A lockdown zone over the grids of the cases (declared an hour after the first case's
 * confirmation), a control zone over the other grids of the first case's community (or the
 * whole community when it has one grid; the stricter level applies to the case's grid), and an
 * older precaution zone (declared 12 days before the round) over a community picked with no case
 * and no positive tube among its residents, which may be lifted today. */
static void write_zones(struct gen *G)
{
    const char **up = grid_parents(G), *codes[64], *comm, *pick = NULL;
    int64_t first = INT64_MAX;
    size_t i, j, n = 0, seen = 0;
    char name[64];

    if (!up || G->ncases == 0) {
        free(up);
        return;
    }
    for (i = 0; i < G->ncases && n < 64; i++) {
        const char *code = G->city.grids[G->cases[i].grid].code;

        for (j = 0; j < n && strcmp(codes[j], code) != 0; j++)
            ;
        if (j == n)
            codes[n++] = code;
        if (G->cases[i].confirmed < first)
            first = G->cases[i].confirmed;
    }
    write_zone(G, "封控区-1", "lockdown", codes, n, first + 3600, "病例居住网格");
    fk_strlcpy(G->zone_lockdown, codes[0], sizeof G->zone_lockdown);
    comm = up[G->cases[0].grid];
    for (i = n = 0; i < G->city.ngrids && n < 64; i++) {
        if (!up[i] || strcmp(up[i], comm) != 0 || i == G->cases[0].grid)
            continue;
        codes[n++] = G->city.grids[i].code;
    }
    if (n == 0)
        codes[n++] = comm;
    snprintf(name, sizeof name, "管控区-1");
    write_zone(G, name, "control", codes, n, first + 3600, "病例所在社区周边网格");
    fk_strlcpy(G->zone_control, codes[0], sizeof G->zone_control);
    /* The precaution zone: a community drawn among those with no case and no positive, by
     * reservoir sampling over the grids' communities in order. */
    for (i = 0; i < G->city.ngrids; i++) {
        int clean = up[i] != NULL;

        if (!clean || (i && up[i - 1] && strcmp(up[i - 1], up[i]) == 0))
            continue; /* each community once, at its first grid */
        for (j = i; clean && j < G->city.ngrids && up[j] && strcmp(up[j], up[i]) == 0; j++)
            clean = !G->grid_pos[j];
        for (j = 0; clean && j < G->ncases; j++)
            clean = strcmp(up[G->cases[j].grid], up[i]) != 0;
        if (clean && rng_below(&G->rzone, (uint32_t)++seen) == 0)
            pick = up[i];
    }
    if (pick) {
        write_zone(G, "防范区-1", "precaution", &pick, 1, day_before(G, 12) + 10 * 3600,
                   "周边防范");
        fk_strlcpy(G->zone_precaution, pick, sizeof G->zone_precaution);
    }
    free(up);
}

/* One person of a transfer task (issue 18): the events after the cut are left out (0: none). */
static void write_transfer(struct gen *G, const char *task, const char *id, const char *from,
                           const char *to, const char *vehicle, const char *escort,
                           int64_t planned, int64_t picked, int64_t handed)
{
    struct out *w = &G->out[F_TRANSFERS];

    out_room(w, ROW_MAX);
    out_str(w, task);
    out_ch(w, ',');
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_str(w, from);
    out_ch(w, ',');
    out_str(w, to);
    out_ch(w, ',');
    out_str(w, vehicle);
    out_ch(w, ',');
    out_str(w, escort);
    out_ch(w, ',');
    out_time(w, &G->tc, planned);
    out_ch(w, ',');
    if (picked && picked <= G->cut)
        out_time(w, &G->tc, picked);
    out_ch(w, ',');
    if (handed && handed <= G->cut)
        out_time(w, &G->tc, handed);
    out_end_row(w);
}

/* The closed-loop transfers (闭环转运, issue 18, stream S_TRANSFER only), relative to now (the
 * round's end without one), of arrivals taken evenly over the city (a task reuses them when there
 * are few): most
 * handed over on time (one person of the station's task 12 minutes late), the students of a
 * school, one task in transit, ONE person overdue (never picked up, planned + the default 60
 * minutes' slack passed), one gap (picked up, never handed over) and one task still to come.
 * The school's task carries the pupils among the arrivals (born 2004 to 2016) when there are. */
static void write_transfers(struct gen *G)
{
    static const struct {
        const char *task, *from, *to;
        int persons;
        int planned;      /* minutes from now */
        int picked, late; /* pick-up, minutes before planned (-1: none); hand-over, minutes after
                             planned (-1: none; -2: 0 to 40 minutes before it) */
    } tasks[] = {
        {"ZY-0801", "airport,太原武宿国际机场 T2", "isolation_site,榆次区集中隔离点 A 栋", 4, -300,
         70, -2},
        {"ZY-0802", "station,太原南站", "home,居家隔离（社区上门接收）", 3, -200, 45, -2},
        {"XS-0803", "school,晋中市第一中学", "home,居家（家长接收）", 4, -150, 40, -2},
        {"ZY-0804", "airport,太原武宿国际机场 T2", "isolation_site,太谷区隔离酒店", 2, 20, 40, -1},
        {"ZY-0805", "station,榆次站", "isolation_site,榆次区集中隔离点 B 栋", 1, -130, -1, -1},
        {"ZY-0806", "address,晋中市榆次区迎宾街 1 号", "hospital,晋中市第一人民医院", 1, -210, 30,
         -1},
        {"ZY-0807", "airport,太原武宿国际机场 T1", "isolation_site,榆次区集中隔离点 A 栋", 2, 180,
         -1, -1},
    };
    static const char *const escorts[] = {"王磊", "李娜", "张伟", "刘洋", "陈静", "赵强"};
    struct rng *r = &G->rxfer;
    int64_t ref = G->live ? G->cut : G->end;
    const char *pool[2][XFER_IDS]; /* adults, then pupils (born 2004 to 2016) */
    size_t n[2] = {0, 0}, next[2] = {0, 0}, k, i;
    int j;

    for (i = 0; i < G->nxfer; i++) {
        int pupil = memcmp(G->xfer_ids[i] + 6, "2004", 4) >= 0 &&
                    memcmp(G->xfer_ids[i] + 6, "2016", 4) <= 0;

        pool[pupil][n[pupil]++] = G->xfer_ids[i];
    }
    if (!n[0] && !n[1])
        return;
    for (k = 0; k < sizeof tasks / sizeof tasks[0]; k++) {
        char vehicle[32], escort[64];
        int64_t planned = ref + (int64_t)tasks[k].planned * 60;

        snprintf(vehicle, sizeof vehicle, "晋K%05u", (unsigned)rng_below(r, 100000));
        snprintf(escort, sizeof escort, "%s 139%08u",
                 escorts[rng_below(r, sizeof escorts / sizeof escorts[0])],
                 (unsigned)rng_below(r, 100000000));
        for (j = 0; j < tasks[k].persons; j++) {
            int p = tasks[k].task[0] == 'X'; /* the school's task carries its pupils */
            const char *id;

            if (!n[p])
                p = !p;
            id = pool[p][next[p]++ % n[p]];
            int64_t picked = 0, handed = 0;

            if (tasks[k].picked >= 0)
                picked = planned - (int64_t)tasks[k].picked * 60;
            if (tasks[k].late == -2)
                handed = planned - (int64_t)rng_below(r, 41) * 60;
            if (k == 1 && j == 2)
                handed = planned + 72 * 60; /* 12 minutes past the hour's slack: late */
            write_transfer(G, tasks[k].task, id, tasks[k].from, tasks[k].to, vehicle, escort,
                           planned, picked, handed);
        }
    }
}

/* One check-in row. */
static void write_checkin(struct gen *G, const char *id, int64_t t, int temp10, const char *sym)
{
    struct out *w = &G->out[F_CHECKINS];

    out_room(w, ROW_MAX);
    out_mem(w, id, 18);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_u(w, (uint64_t)(temp10 / 10), 2);
    out_ch(w, '.');
    out_u(w, (uint64_t)(temp10 % 10), 1);
    out_ch(w, ',');
    out_str(w, sym);
    out_end_row(w);
}

/* The testing labs (issue 21): the five the results name (LAB01 .. LAB05), each serving the city
 * at a declared capacity, so the plan has lab hours and the pace a queue per lab. Fixed rows: no
 * draw, so every other file keeps its bytes. */
static void write_labs(struct gen *G, const char *city)
{
    static const struct {
        const char *name;
        unsigned cap;
    } labs[] = {{"市疾控中心实验室", 300},
                {"市第一人民医院检验科", 200},
                {"第三方医学检验实验室", 500},
                {"气膜方舱实验室", 800},
                {"县人民医院检验科", 150}};
    struct out *w = &G->out[F_LABS];
    size_t i;

    for (i = 0; i < sizeof labs / sizeof labs[0]; i++) {
        out_room(w, ROW_MAX);
        out_mem(w, "LAB0", 4);
        out_u(w, (unsigned)i + 1, 1);
        out_ch(w, ',');
        out_str(w, labs[i].name);
        out_ch(w, ',');
        out_u(w, labs[i].cap, 1);
        out_ch(w, ',');
        out_str(w, city);
        out_end_row(w);
    }
}

/* 健康监测 (issue 18, stream S_CHECKIN only): every person under an order (home or centralized)
 * checks in once in each half-day window from the order's start up to now (the finished round:
 * its end), at a time the order covers, 36.0 to 37.0 °C; nothing after the cut. Exactly one
 * fever (37.8) in today's morning window, of the first person with a check-in there, and exactly
 * one missed window, the last one ended by now (today's morning after noon, else yesterday's
 * afternoon), of the first other person whose order covers all of it. */
static void write_checkins(struct gen *G)
{
    static const char *const sym[] = {"none", "none", "none", "", "cough", "fatigue"};
    int64_t ref = G->live ? G->cut : G->end, today = fk_local_day_start(ref);
    /* the missed window: the last one ended by now (today's morning after noon) */
    int64_t miss_from = ref >= today + DAY / 2 ? today : today - DAY / 2;
    size_t i, fever = (size_t)-1, missed = (size_t)-1;
    struct rng r;
    int d, k;

    rng_seed(&r, G->o->seed, S_CHECKIN);
    for (i = 0; i < G->nords; i++) {
        const struct demo_order *o = &G->ords[i];

        if (fever == (size_t)-1 && o->start < ref && o->start < today + DAY / 2 &&
            (!o->end || o->end > today))
            fever = i;
        else if (missed == (size_t)-1 && o->start <= miss_from &&
                 (!o->end || o->end >= miss_from + DAY / 2))
            missed = i;
    }
    for (i = 0; i < G->nords; i++) {
        const struct demo_order *o = &G->ords[i];

        for (d = 11; d >= 0; d--) { /* an order begins at most 10 days before the round */
            for (k = 0; k < 2; k++) {
                int64_t ws = today - d * DAY + k * (DAY / 2), lo = ws, hi = ws + DAY / 2, t;
                int temp = 360 + (int)rng_below(&r, 11);

                if (lo < o->start)
                    lo = o->start;
                if (o->end && hi > o->end)
                    hi = o->end;
                if (hi > ref + 1)
                    hi = ref + 1;
                t = lo + (int64_t)rng_below(&r, 12 * 60) * 60 % (hi > lo ? hi - lo : 1);
                if (hi <= lo || (i == missed && ws == miss_from))
                    continue;
                if (i == fever && d == 0 && k == 0)
                    temp = 378;
                write_checkin(G, o->id, t, temp, i == fever && d == 0 && k == 0 ? "fever;cough"
                                                                              : sym[temp % 6]);
            }
        }
    }
}

/* ---- gatherings and citizen requests (issue 21, streams S_GATHERING and S_REQUEST only) ---- */

/* One gatherings row; day is a local day's start. */
static void write_gathering(struct gen *G, const char *code, const char *organiser,
                            const char *region, int64_t day, unsigned expected, const char *kind,
                            const char *online, const char *contact, const char *note)
{
    struct out *w = &G->out[F_GATHERINGS];
    char date[16];

    out_room(w, ROW_MAX);
    out_str(w, code);
    out_ch(w, ',');
    out_str(w, organiser);
    out_ch(w, ',');
    out_str(w, region);
    out_ch(w, ',');
    out_str(w, fk_date_render(day + 12 * 3600, date));
    out_ch(w, ',');
    out_u(w, expected, 1);
    out_ch(w, ',');
    out_str(w, kind);
    out_ch(w, ',');
    out_str(w, online);
    out_ch(w, ',');
    out_str(w, contact);
    out_ch(w, ',');
    out_str(w, note);
    out_end_row(w);
}

/* The register of gatherings around today (the day of now, or of the round's end): in the
 * lockdown and control zones of the cases (refused), in the precaution zone (one within its cap
 * of 50, one to sign off, one above its max of 200), and elsewhere (within the cap of 200; above
 * it, to sign off; a meeting above it with no online alternative, refused). Places elsewhere are
 * grids drawn among those of the communities with no case and no zone. scripts/demo.sh signs
 * two off (HD-02 approved, HD-12 refused). */
static void write_gatherings(struct gen *G)
{
    static const struct {
        const char *code, *organiser;
        int place; /* 0 elsewhere, 1 lockdown, 2 control, 3 precaution */
        int day;   /* days from today */
        unsigned expected;
        const char *kind, *online, *note;
    } gs[] = {
        {"HD-01", "晋中市某科技公司", 0, 0, 80, "meeting", "no", "年中工作会议"},
        {"HD-02", "王某某家庭", 0, 1, 260, "wedding", "no", "婚宴（酒店宴会厅）"},
        {"HD-03", "李某某家庭", 0, 2, 350, "funeral", "no", "丧事（殡仪馆）"},
        {"HD-04", "晋中国际会展中心", 0, 3, 150, "exhibition", "no", "汽车展销会"},
        {"HD-05", "区教育局", 0, 1, 300, "training", "no", "教师暑期培训"},
        {"HD-06", "社区卫生服务中心", 3, 0, 30, "training", "yes", "健康讲座"},
        {"HD-07", "张某某家庭", 3, 1, 120, "wedding", "no", "婚礼"},
        {"HD-08", "某商场", 3, 1, 400, "exhibition", "no", "促销活动"},
        {"HD-09", "小区业主委员会", 1, 0, 40, "meeting", "no", "业主大会"},
        {"HD-10", "赵某某家庭", 2, 1, 60, "wedding", "no", "订婚宴"},
        {"HD-11", "某企业", 0, -1, 90, "training", "no", "安全生产培训"},
        {"HD-12", "某村村委会", 0, 4, 210, "meeting", "yes", "村民议事会（已备线上）"},
    };
    const char **up = grid_parents(G), *elsewhere[16];
    struct rng r;
    int64_t ref = G->live ? G->cut : G->end, today = fk_local_day_start(ref);
    size_t i, j, n = 0, seen = 0, k;

    rng_seed(&r, G->o->seed, S_GATHERING);
    if (!up)
        return;
    /* Grids of a community with no case and no zone, by reservoir sampling. */
    for (i = 0; i < G->city.ngrids; i++) {
        int clean = up[i] != NULL && strcmp(up[i], G->zone_precaution) != 0;

        for (j = 0; clean && j < G->ncases; j++)
            clean = strcmp(up[G->cases[j].grid], up[i]) != 0;
        if (!clean)
            continue;
        seen++;
        if (n < sizeof elsewhere / sizeof elsewhere[0])
            elsewhere[n++] = G->city.grids[i].code;
        else if ((k = rng_below(&r, (uint32_t)seen)) < n)
            elsewhere[k] = G->city.grids[i].code;
    }
    for (i = 0; i < sizeof gs / sizeof gs[0]; i++) {
        const char *place = gs[i].place == 1   ? G->zone_lockdown
                            : gs[i].place == 2 ? G->zone_control
                            : gs[i].place == 3 ? G->zone_precaution
                            : n                ? elsewhere[i % n]
                                               : "";
        char contact[32];

        if (!*place)
            continue;
        snprintf(contact, sizeof contact, "137%08u", (unsigned)rng_below(&r, 100000000));
        write_gathering(G, gs[i].code, gs[i].organiser, place, today + gs[i].day * DAY,
                        gs[i].expected, gs[i].kind, gs[i].online, contact, gs[i].note);
    }
    free(up);
}

/* One requests row: the times after the cut are left out (0: none), and the unit with them. */
static void write_request(struct gen *G, unsigned no, int64_t received, const char *channel,
                          const char *phone, const char *region, const char *kind,
                          const char *text, const char *unit, int64_t assigned, int64_t resolved,
                          const char *note)
{
    struct out *w = &G->out[F_REQUESTS];

    if (assigned > G->cut)
        assigned = resolved = 0;
    if (resolved > G->cut)
        resolved = 0;
    out_room(w, ROW_MAX);
    out_str(w, "RX");
    out_u(w, no, 4);
    out_ch(w, ',');
    out_time(w, &G->tc, received);
    out_ch(w, ',');
    out_str(w, channel);
    out_ch(w, ',');
    out_str(w, phone);
    out_ch(w, ',');
    out_str(w, region);
    out_ch(w, ',');
    out_str(w, kind);
    out_ch(w, ',');
    out_str(w, text);
    out_ch(w, ',');
    if (assigned)
        out_str(w, unit);
    out_ch(w, ',');
    if (assigned)
        out_time(w, &G->tc, assigned);
    out_ch(w, ',');
    if (resolved)
        out_time(w, &G->tc, resolved);
    out_ch(w, ',');
    if (resolved)
        out_str(w, note);
    out_end_row(w);
}

/* A day and a half of calls to the hotline up to now (the round's end without one), by kind
 * against the profile's default deadlines (medicine 60 min / 1 day, medical 30 min / 2 h, food
 * 2 h / 1 day, complaint and other 4 h / 3 days), in six states taken in turn: resolved on time,
 * resolved late, assigned in time, open in time, overdue and never assigned, overdue assigned
 * and not resolved. One caller in five, in each state in turn, is a person under an open order
 * (their phone and grid), so their requests link to their person page. */
static void write_requests(struct gen *G)
{
    static const struct {
        const char *kind;
        int assign, resolve; /* minutes */
        const char *text[2], *unit;
    } ks[] = {
        {"medicine", 60, 1440, {"需要购买降压药", "孩子退烧药用完了"}, "社区卫生服务中心"},
        {"medical", 30, 120, {"老人胸闷需要就医", "透析患者需按时就医"}, "120急救中心"},
        {"food", 120, 1440, {"家中缺少米面蔬菜", "独居老人需要生活物资"}, "街道保供专班"},
        {"complaint", 240, 4320, {"小区核酸点排队过长", "物资配送不及时"}, "区12345热线办"},
        {"other", 240, 4320, {"咨询居家隔离解除时间", "询问出行政策"}, "社区居委会"},
    };
    static const char *const channels[] = {"hotline", "wechat", "hotline", "online", "walk_in"};
    struct rng r;
    int64_t ref = G->live ? G->cut : G->end;
    size_t open_orders = 0, next = 0, i;
    unsigned no;

    rng_seed(&r, G->o->seed, S_REQUEST);
    for (i = 0; i < G->nords; i++)
        open_orders += G->ords[i].end == 0;
    for (no = 1; no <= 36; no++) {
        unsigned k = (no / 6 + no) % 5, st = no % 6;
        int64_t a = (int64_t)ks[k].assign * 60, rs = (int64_t)ks[k].resolve * 60, rec = 0,
                as = 0, res = 0;
        char phone[16], region[32];

        switch (st) {
        case 0: /* resolved on time */
            rec = ref - rs - (int64_t)rng_below(&r, 6 * 60) * 60;
            as = rec + a / 3;
            res = rec + rs / 2;
            break;
        case 1: /* resolved after its deadline */
            rec = ref - rs - (3 + (int64_t)rng_below(&r, 8)) * 3600;
            as = rec + a / 2;
            res = rec + rs + (10 + (int64_t)rng_below(&r, 110)) * 60;
            break;
        case 2: /* assigned in time, not resolved, its deadline still ahead */
            rec = ref - a - (int64_t)rng_below(&r, (uint32_t)((rs - a) / 120 + 1)) * 60;
            as = rec + a / 2;
            break;
        case 3: /* open, its assignment deadline still ahead */
            rec = ref - (1 + (int64_t)rng_below(&r, (uint32_t)(a / 60 - 1))) * 60;
            break;
        case 4: /* never assigned, past its deadline */
            rec = ref - a - (10 + (int64_t)rng_below(&r, 300)) * 60;
            break;
        default: /* assigned, not resolved by its deadline */
            rec = ref - rs - (30 + (int64_t)rng_below(&r, 600)) * 60;
            as = rec + a / 3;
            break;
        }
        if (no % 5 == 4 && open_orders) { /* in every state, in turn */
            const struct demo_order *o;

            do
                o = &G->ords[next++ % G->nords];
            while (o->end != 0);
            snprintf(phone, sizeof phone, "%s", o->phone);
            snprintf(region, sizeof region, "%s", o->grid);
            /* a caller under control calls after the order began: the times move with it */
            if (rec < o->start) {
                int64_t shift = o->start + 600 - rec;

                rec += shift;
                as += as ? shift : 0;
                res += res ? shift : 0;
            }
        } else {
            snprintf(phone, sizeof phone, "138%08u", (unsigned)rng_below(&r, 100000000));
            snprintf(region, sizeof region, "%s",
                     G->city.grids[rng_below(&r, (uint32_t)G->city.ngrids)].code);
        }
        write_request(G, no, rec, channels[no % 5], phone, region, ks[k].kind,
                      ks[k].text[no % 2], ks[k].unit, as, res, "已办结，回访满意");
    }
}

/* Picks the case residents (distinct, sorted by generation order) and their times. */
static int pick_cases(struct gen *G)
{
    struct rng *r = &G->rcase;
    size_t i, n = G->o->cases, have = 0;
    int64_t day0 = fk_local_day_start(G->start);

    if (n == 0)
        return FK_OK;
    G->cases = calloc(n, sizeof *G->cases);
    if (!G->cases)
        return FK_ENOMEM;
    while (have < n) {
        for (i = have; i < n; i++)
            G->cases[i].person = rng_next(r) % G->o->people;
        qsort(G->cases, n, sizeof *G->cases, cmp_case);
        for (have = 0, i = 0; i < n; i++)
            if (i == 0 || G->cases[i].person != G->cases[have - 1].person)
                G->cases[have++].person = G->cases[i].person;
    }
    for (i = 0; i < n; i++) {
        struct case_info *c = &G->cases[i];

        c->confirmed = day0 - (int64_t)(1 + rng_below(r, 4)) * DAY;
        c->confirmed += (int64_t)(8 + rng_below(r, 14)) * 3600;
        c->confirmed += (int64_t)rng_below(r, 60) * 60;
        c->onset_days = rng_unit(r) < 0.7 ? 1 + (int)rng_below(r, 2) : 0;
    }
    G->ncases = n;
    return FK_OK;
}

/* ---- cold chain (issue 16) ---- */

/* A coldchain row at t unless t is after the cut. */
static void write_cold(struct gen *G, const char *batch, const char *event, int64_t t,
                       const char *site, const char *product, const char *origin, const char *id,
                       const char *result)
{
    struct out *w = &G->out[F_COLDCHAIN];

    if (t > G->cut)
        return;
    out_room(w, ROW_MAX);
    out_str(w, batch);
    out_ch(w, ',');
    out_str(w, event);
    out_ch(w, ',');
    out_time(w, &G->tc, t);
    out_ch(w, ',');
    out_str(w, site);
    out_ch(w, ',');
    out_str(w, product);
    out_ch(w, ',');
    out_str(w, origin);
    out_ch(w, ',');
    out_str(w, id);
    out_ch(w, ',');
    out_str(w, result);
    out_end_row(w);
}

/* Imported cold-chain goods of the last two weeks: 36 batches landed at one of two ports, stored
 * in one of three cold stores, sampled there (negative), dispatched to a market (one of the
 * city's first venues) and sold to residents. Batch LL2208-001's environment sample at the cold
 * store comes back positive two days before the round's start day, while the batches stored
 * there around it share the site. Everything from the cold chain's own stream. */
static void write_coldchain(struct gen *G)
{
    static const char *const ports[] = {"PORT-TJ", "PORT-QD"};
    static const char *const stores[] = {"CS-JZ01", "CS-JZ02", "CS-JZ03"};
    static const struct {
        const char *product, *origin;
    } goods[] = {{"冻带鱼", "厄瓜多尔"}, {"冻虾仁", "印度"},   {"冻牛肉", "巴西"},
                 {"冻猪肉", "西班牙"},   {"冻鸡翅", "阿根廷"}, {"冻三文鱼", "挪威"}};
    struct rng r;
    char batch[32], market[16];
    int b;

    rng_seed(&r, G->o->seed, S_COLDCHAIN);
    for (b = 0; b < 36 && G->ncold >= 8; b++) {
        /* The positive batch lands 6 days before the start day at the first store; a third of
         * the others at the same store within days of it. */
        int pos = b == 0, near = b % 3 == 1;
        int64_t land =
            pos ? day_before(G, 6) + 9 * 3600
                : day_before(G, near ? 5 + (int)rng_below(&r, 3) : 3 + (int)rng_below(&r, 12)) +
                      (int64_t)(6 + rng_below(&r, 12)) * 3600;
        const char *port = ports[rng_below(&r, 2)];
        const char *store = pos || near ? stores[0] : stores[1 + rng_below(&r, 2)];
        uint32_t k = rng_below(&r, sizeof goods / sizeof goods[0]);
        const char *w1 = G->cold_ids[rng_below(&r, 4)], *w2 = G->cold_ids[4 + rng_below(&r, 4)];
        int64_t stored = land + (int64_t)(20 + rng_below(&r, 10)) * 3600;
        int64_t out = stored + (int64_t)(2 + rng_below(&r, 3)) * DAY;
        int i, sold = 1 + (int)rng_below(&r, 3);

        snprintf(batch, sizeof batch, "LL2208-%03d", b + 1);
        snprintf(market, sizeof market, "V%07d",
                 1 + (int)rng_below(&r, G->nvenues < 20 ? (uint32_t)G->nvenues : 20));
        write_cold(G, batch, "arrive", land, port, goods[k].product, goods[k].origin, w1, "");
        write_cold(G, batch, "store", stored, store, "", "", w2, "");
        write_cold(G, batch, "sample", stored + 3 * 3600, store, "", "", "", "");
        write_cold(G, batch, "result", stored + 27 * 3600, store, "", "", "",
                   pos ? "positive" : "negative");
        write_cold(G, batch, "disinfect", stored + 28 * 3600, store, "", "", "", "");
        write_cold(G, batch, "dispatch", out, store, "", "", w2, "");
        write_cold(G, batch, "arrive", out + 3 * 3600, market, "", "", "", "");
        for (i = 0; i < sold; i++)
            write_cold(G, batch, "sell", out + (int64_t)(5 + i * 3 + rng_below(&r, 3)) * 3600,
                       market, "", "", G->cold_ids[8 + rng_below(&r, (uint32_t)(G->ncold - 8))],
                       "");
    }
}

/* ---- duty and zero reports (issue 17), from their own stream ---- */

/* A contact or a person on duty: a surname, a given name, and a mobile phone. */
static void person_name(struct rng *r, char *name, size_t cap, char *phone, size_t pcap)
{
    static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "洋",
                                        "艳", "勇", "军", "杰", "娟", "涛", "明", "超"};

    snprintf(name, cap, "%s%s", surnames[rng_below(r, sizeof surnames / sizeof surnames[0])],
             given[rng_below(r, sizeof given / sizeof given[0])]);
    snprintf(phone, pcap, "139%08u", (unsigned)rng_below(r, 100000000));
}

/* Units of every township (its office, a health centre, clinics, pharmacies, schools, an
 * enterprise) and of every county (its hospital); their daily reports of the week up to the
 * round's day (most on time and zero, some late, some with cases; a few units silent on a day,
 * every 23rd silent the last two days and the third unit of all the last three), only those
 * submitted by now; and the duty roster of the week at the city, each county and each township,
 * but the first township has nobody on the round's day. */
static void write_reports(struct gen *G)
{
    static const struct {
        const char *kind, *suffix;
        int n;
    } per_town[] = {{"township", "办事处", 1}, {"hospital", "卫生院", 1},
                    {"clinic", "卫生室", 2},   {"pharmacy", "药店", 2},
                    {"school", "学校", 2},     {"enterprise", "企业", 1}};
    struct out *wu = &G->out[F_UNITS], *wr = &G->out[F_REPORTS], *wd = &G->out[F_DUTY];
    int64_t today = fk_local_day_start(G->start), t;
    struct rng r;
    char name[64], phone[16], code[64], date[16], num[16];
    size_t k, i, nu = 0, ntown = 0;
    int j, d, n;

    rng_seed(&r, G->o->seed, S_REPORTS);
    for (k = 0; k < G->city.nregs; k++) {
        const struct region *rg = &G->city.regs[k];
        int town = strcmp(rg->level, "township") == 0, county = strcmp(rg->level, "county") == 0;

        if (!town && !county)
            continue;
        for (i = 0; i < (town ? sizeof per_town / sizeof per_town[0] : 1); i++) {
            for (j = 0; j < (town ? per_town[i].n : 1); j++) {
                int silent3 = nu == 2, silent2 = nu % 23 == 22;

                snprintf(code, sizeof code, "U%s%02d", rg->code, (int)(i * 2 + (size_t)j + 1));
                person_name(&r, name, sizeof name, phone, sizeof phone);
                out_room(wu, ROW_MAX);
                out_str(wu, code);
                out_ch(wu, ',');
                out_str(wu, rg->name);
                if (town)
                    out_str(wu, per_town[i].suffix);
                else
                    out_str(wu, "人民医院");
                if (town && per_town[i].n > 1)
                    out_ch(wu, (char)('1' + j));
                out_ch(wu, ',');
                out_str(wu, rg->code);
                out_ch(wu, ',');
                out_str(wu, town ? per_town[i].kind : "hospital");
                out_ch(wu, ',');
                out_str(wu, name);
                out_ch(wu, ' ');
                out_str(wu, phone);
                out_end_row(wu);
                nu++;
                for (d = 6; d >= 0; d--) {
                    int64_t day = today - (int64_t)d * DAY;
                    uint32_t roll = rng_below(&r, 100), late = rng_below(&r, 100) < 8;

                    t = day + (late ? 18 * 3600 + 300 + (int64_t)rng_below(&r, 3 * 3600)
                                    : 8 * 3600 + (int64_t)rng_below(&r, 9 * 3600));
                    n = rng_below(&r, 100) < 80 ? 0 : 1 + (int)rng_below(&r, 4);
                    if (roll < 4 || (silent3 && d <= 2) || (silent2 && d <= 1) || t > G->cut)
                        continue;
                    fk_date_render(day, date);
                    snprintf(num, sizeof num, ",%d,", n);
                    out_room(wr, ROW_MAX);
                    out_str(wr, code);
                    out_ch(wr, ',');
                    out_str(wr, date);
                    out_str(wr, ",daily");
                    out_str(wr, num);
                    if (n)
                        out_str(wr, "发热病例");
                    out_ch(wr, ',');
                    out_time(wr, &G->tc, t);
                    out_end_row(wr);
                }
            }
        }
    }
    for (k = 0; k < G->city.nregs; k++) {
        const struct region *rg = &G->city.regs[k];
        int town = strcmp(rg->level, "township") == 0;

        if (!town && strcmp(rg->level, "county") != 0 && strcmp(rg->level, "city") != 0)
            continue;
        ntown += town;
        for (d = 6; d >= 0; d--) {
            fk_date_render(today - (int64_t)d * DAY, date);
            for (j = 0; j < 2; j++) {
                person_name(&r, name, sizeof name, phone, sizeof phone);
                if (town && ntown == 1 && d == 0)
                    continue; /* nobody on duty today */
                out_room(wd, ROW_MAX);
                out_str(wd, date);
                out_ch(wd, ',');
                out_str(wd, rg->code);
                out_ch(wd, ',');
                out_str(wd, name);
                out_ch(wd, ',');
                out_str(wd, phone);
                out_str(wd, j ? ",值班员" : ",带班领导");
                out_end_row(wd);
            }
        }
    }
}

/* ---- supervision problems (issue 17, stream S_PROBLEM only, so the other files keep their
 * bytes) ---- */

/* A problems row; closed 0 writes no closed time. */
static void write_problem(struct gen *G, int i, int64_t found, const struct region *county,
                          const char *what, const char *unit, int64_t deadline, const char *status,
                          int64_t closed, int insp, const char *note)
{
    struct out *w = &G->out[F_PROBLEMS];
    char id[32];

    snprintf(id, sizeof id, "DC-%02d", i + 1);
    out_room(w, ROW_MAX);
    out_str(w, id);
    out_ch(w, ',');
    out_time(w, &G->tc, found);
    out_ch(w, ',');
    out_str(w, county->code);
    out_ch(w, ',');
    out_str(w, what);
    out_ch(w, ',');
    out_str(w, county->name);
    out_str(w, unit);
    out_ch(w, ',');
    out_time(w, &G->tc, deadline);
    out_ch(w, ',');
    out_str(w, status);
    out_ch(w, ',');
    if (closed)
        out_time(w, &G->tc, closed);
    snprintf(id, sizeof id, ",DC%d,", insp + 1);
    out_str(w, id);
    out_str(w, note);
    out_end_row(w);
}

/* 督查问题清单: three inspections in the fortnight before the start day (the city's team, then
 * two county rounds) and fifteen problems across the counties: five closed on time, one closed a
 * day late, three being rectified, three open past their deadline, three open with time left.
 * Nothing after the demo's now is written; a closing after it leaves the problem rectifying. */
static void write_problems(struct gen *G)
{
    static const char *const what[] = {
        "核酸采样点未设置一米线",   "集中隔离点台账登记不全",   "发热门诊预检分诊不规范",
        "冷链仓库消杀记录缺失",     "场所码张贴不全",           "重点人员排查底数不清",
        "值班值守人员脱岗",         "密接转运不及时",           "防疫物资储备不足",
        "社区卡口登记不全",         "核酸检测结果回传超时",     "居家隔离门磁未安装",
        "应急预案未按要求演练",     "零报告未按时报送",         "农贸市场测温扫码流于形式"};
    static const char *const units[] = {"卫健局", "疾控中心", "商务局", "公安局", "应急管理局"};
    static const char *const notes[] = {"已整改，现场照片3张", "已补齐台账并复核",
                                        "已整改，复查合格", "已完成培训并签到"};
    static const char *const teams[] = {"市疫情防控督查组", "市纪委监委督查组", "市卫健委督查组"};
    static const int days_before[3] = {13, 8, 4};
    const struct region *counties[64], *city = NULL;
    struct out *wi = &G->out[F_INSPECTIONS];
    size_t nc = 0, k;
    int64_t when[3];
    struct rng r;
    int i;

    for (k = 0; k < G->city.nregs && nc < 64; k++) {
        if (strcmp(G->city.regs[k].level, "county") == 0)
            counties[nc++] = &G->city.regs[k];
        else if (!city && strcmp(G->city.regs[k].level, "city") == 0)
            city = &G->city.regs[k];
    }
    if (nc == 0)
        return;
    rng_seed(&r, G->o->seed, S_PROBLEM);
    for (i = 0; i < 3; i++) {
        const struct region *at = i == 0 && city ? city : counties[rng_below(&r, (uint32_t)nc)];
        char id[16];

        when[i] = day_before(G, days_before[i]) + (int64_t)(9 + rng_below(&r, 3)) * 3600;
        if (when[i] > G->cut)
            continue;
        snprintf(id, sizeof id, "DC%d,", i + 1);
        out_room(wi, ROW_MAX);
        out_str(wi, id);
        out_time(wi, &G->tc, when[i]);
        out_ch(wi, ',');
        out_str(wi, teams[i]);
        out_ch(wi, ',');
        out_str(wi, at->code);
        out_end_row(wi);
    }
    for (i = 0; i < 15; i++) {
        /* The closed and overdue ones come from the first two inspections, the ones with time
         * left from the last. */
        int insp = i < 12 ? i % 2 : 2;
        int64_t found = when[insp] + (int64_t)(1 + rng_below(&r, 5)) * 3600;
        int64_t deadline = fk_local_day_start(found) + (int64_t)(3 + rng_below(&r, 3)) * DAY +
                           (DAY - 1);
        const struct region *c = counties[(size_t)i % nc];
        const char *status = "open", *note = "";
        int64_t closed = 0;

        if (insp == 2)
            deadline = day_before(G, -3 - (int)rng_below(&r, 4)) + DAY - 1;
        if (i < 5) {
            closed = fk_local_day_start(deadline) - (int64_t)rng_below(&r, 2) * DAY +
                     (int64_t)(9 + rng_below(&r, 9)) * 3600;
            status = "closed";
            note = notes[rng_below(&r, 4)];
        } else if (i == 5) {
            closed = fk_local_day_start(deadline) + DAY + (int64_t)(9 + rng_below(&r, 8)) * 3600;
            status = "closed";
            note = notes[0];
        } else if (i < 9) {
            status = "rectifying";
            deadline = day_before(G, -2 - (int)rng_below(&r, 5)) + DAY - 1;
        }
        if (found > G->cut)
            continue;
        if (closed > G->cut) {
            closed = 0;
            status = "rectifying";
            note = "";
        }
        write_problem(G, i, found, c, what[i], units[rng_below(&r, 5)], deadline, status, closed,
                      insp, note);
    }
}

static int mkdir_p(const char *dir, char *err, size_t errlen)
{
    char path[PATH_CAP];
    size_t i, n = fk_strlcpy(path, dir, sizeof path);

    if (n >= sizeof path - 1) {
        snprintf(err, errlen, "the output folder name is too long: %s", dir);
        return FK_EINVAL;
    }
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create the folder %s: %s", path, strerror(errno));
            return FK_EIO;
        }
        path[i] = dir[i];
    }
    return FK_OK;
}

/* 1 when a and b have no common factor. */
static int coprime(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;

        a = b;
        b = t;
    }
    return a == 1;
}

void fk_demo_defaults(struct fk_demo_opts *o)
{
    memset(o, 0, sizeof *o);
    o->people = 200000;
    o->seed = 1;
    o->out_dir = "demo";
    o->regions_csv = NULL;
    o->city = "140700";
    o->scans_per_person = 4;
    o->pings_per_person = 4;
    o->cases = 5;
}

int fk_demo_write(const struct fk_demo_opts *o, struct fk_demo_summary *sum, char *err,
                  size_t errlen)
{
    struct gen *G = NULL;
    struct rng rg, rv;
    const char *city, *dir;
    size_t k, i;
    int rc = FK_OK, renamed = 0;

    if (sum)
        memset(sum, 0, sizeof *sum);
    if (err && errlen)
        err[0] = '\0';
    city = o->city && o->city[0] ? o->city : "140700";
    dir = o->out_dir && o->out_dir[0] ? o->out_dir : "demo";
    if (o->people == 0 || o->people > PEOPLE_MAX) {
        snprintf(err, errlen, "people must be 1 to %llu, not %llu", PEOPLE_MAX,
                 (unsigned long long)o->people);
        return FK_EINVAL;
    }
    if (!(o->scans_per_person >= 0 && o->scans_per_person <= 1000) ||
        !(o->pings_per_person >= 0 && o->pings_per_person <= 1000)) {
        snprintf(err, errlen, "scans and pings per person must be 0 to 1000");
        return FK_EINVAL;
    }
    if (o->cases > o->people) {
        snprintf(err, errlen, "%u cases cannot come from %llu residents", o->cases,
                 (unsigned long long)o->people);
        return FK_EINVAL;
    }
    if (o->now && (o->now < NOW_MIN || o->now > NOW_MAX)) {
        snprintf(err, errlen, "now must lie between 2000 and 2100");
        return FK_EINVAL;
    }
    if (!area_ok(city)) {
        snprintf(err, errlen, "city %s is not a 6-digit region code of a real province", city);
        return FK_EINVAL;
    }
    if (!o->regions_csv && strcmp(city, "140700") != 0) {
        snprintf(err, errlen,
                 "the built-in regions cover only 晋中市 (140700); give a regions "
                 "file (scripts/regions) for city %s",
                 city);
        return FK_EINVAL;
    }
    G = calloc(1, sizeof *G);
    if (!G) {
        snprintf(err, errlen, "out of memory");
        return FK_ENOMEM;
    }
    G->o = o;
    if (o->now) {
        /* the round of now: from 06:00 of its local day, or of the day before before 06:00 */
        G->live = 1;
        G->cut = o->now;
        G->start = fk_local_day_start(o->now) + 6 * 3600;
        if (G->start > o->now)
            G->start -= DAY;
    } else {
        G->cut = INT64_MAX;
        G->start = fk_days_from_civil(2022, 8, 28) * DAY + 6 * 3600 - FK_TZ_OFFSET;
    }
    G->end = G->start + DAY;
    G->tc.base_day = (G->start + FK_TZ_OFFSET) / DAY - TC_DAYS / 2;
    rng_seed(&rg, o->seed, S_GRIDS);
    rng_seed(&rv, o->seed, S_VENUES);
    rng_seed(&G->rp, o->seed, S_PERSONS);
    rng_seed(&G->rs, o->seed, S_SCANS);
    rng_seed(&G->rq, o->seed, S_PINGS);
    rng_seed(&G->rsamp, o->seed, S_SAMPLES);
    rng_seed(&G->rres, o->seed, S_RESULTS);
    rng_seed(&G->rcase, o->seed, S_CASES);
    rng_seed(&G->rctl, o->seed, S_CONTROL);
    rng_seed(&G->rvax, o->seed, S_VACCINE);
    rng_seed(&G->rsen, o->seed, S_SENTINEL);
    rng_seed(&G->rasg, o->seed, S_ASSIGN);
    rng_seed(&G->rinc, o->seed, S_INCIDENT);
    rng_seed(&G->rzone, o->seed, S_ZONE);
    rng_seed(&G->rxfer, o->seed, S_TRANSFER);
    G->cold_every = o->people / COLD_IDS > 1 ? o->people / COLD_IDS : 1;
    /* 20 to 400 control orders, and arrivals of 1.5 % of the residents */
    {
        double orders = (double)o->people / 500;

        orders = orders < 20 ? 20 : orders > 400 ? 400 : orders;
        G->p_control = orders / (double)o->people;
        G->p_arrival = 0.015;
    }
    /* Transfers (issue 18) carry about XFER_IDS arrivals taken evenly over all of them. */
    G->xfer_every = (uint64_t)((double)o->people * G->p_arrival / XFER_IDS);
    if (G->xfer_every < 1)
        G->xfer_every = 1;

    if (o->regions_csv)
        rc = file_tree(&G->city, o->regions_csv, city, err, errlen);
    else
        rc = builtin_tree(&G->city, o->people, err, errlen);
    if (rc != FK_OK)
        goto out;
    rc = make_grids(&G->city, city, o->people, &rg, err, errlen);
    if (rc != FK_OK)
        goto out;

    G->nvenues = o->people / VENUE_PEOPLE ? o->people / VENUE_PEOPLE : 1;
    for (G->vstep = 2654435761u % G->nvenues + 1; !coprime(G->vstep, G->nvenues); G->vstep++)
        ;
    G->ncells = G->city.ngrids;
    G->birth_day0 = fk_days_from_civil(BIRTH_FIRST_YEAR, 1, 1);
    G->birth_days = (uint32_t)(fk_days_from_civil(BIRTH_LAST_YEAR, 12, 31) - G->birth_day0 + 1);
    G->births = calloc(G->city.ncounties * G->birth_days, sizeof *G->births);
    G->grid_pos = calloc(G->city.ngrids + 1, 1);
    if (!G->births || !G->grid_pos) {
        snprintf(err, errlen, "out of memory");
        rc = FK_ENOMEM;
        goto out;
    }
    /* 3 to 5 positive pooled tubes and a handful of invalid tubes, among the first three
     * quarters of the tubes the round is expected to have. */
    {
        uint64_t est = o->people * 93 / 100 / POOL * 3 / 4;

        G->npositives = est ? 3 + rng_below(&G->rres, 3) : 0;
        for (i = 0; i < G->npositives; i++)
            G->positives[i] = rng_next(&G->rres) % est;
        G->ninvalids = est ? 3 + rng_below(&G->rres, 6) : 0;
        for (i = 0; i < G->ninvalids; i++)
            G->invalids[i] = rng_next(&G->rres) % est;
    }
    rc = pick_cases(G);
    if (rc != FK_OK) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }

    rc = mkdir_p(dir, err, errlen);
    if (rc != FK_OK)
        goto out;
    for (k = 0; k < F_N; k++) {
        rc = out_open(&G->out[k], dir, (enum file)k, err, errlen);
        if (rc != FK_OK)
            goto out;
    }
    rc = write_regions(G, err, errlen);
    if (rc != FK_OK)
        goto out;
    write_venues(G, &rv);
    rc = write_people(G, err, errlen);
    if (rc != FK_OK)
        goto out;
    write_cases(G);
    write_risk_areas(G);
    write_assessment(G);
    write_sentinels(G);
    write_coldchain(G);
    write_leaders(G);
    write_reports(G);
    write_problems(G);
    write_incidents(G);
    write_zones(G);
    write_transfers(G);
    write_checkins(G);
    write_labs(G, city);
    write_gatherings(G);
    write_requests(G);
    {
        struct out *w = &G->out[F_ROUND];

        out_str(w, "R1,");
        out_str(w, city);
        out_room(w, 64);
        out_ch(w, ',');
        out_time(w, &G->tc, G->start);
        out_ch(w, ',');
        out_time(w, &G->tc, G->end);
        out_ch(w, '\n');
    }
    for (k = 0; k < F_N; k++) {
        rc = out_close(&G->out[k], err, errlen);
        if (rc != FK_OK)
            goto out;
    }
    for (k = 0; k < F_N; k++) {
        if (rename(G->out[k].tmp, G->out[k].path) != 0) {
            snprintf(err, errlen, "cannot rename %s to %s: %s", G->out[k].tmp, G->out[k].path,
                     strerror(errno));
            rc = FK_EIO;
            goto out;
        }
        G->out[k].tmp[0] = '\0';
    }
    renamed = 1;
    if (sum) {
        sum->regions = G->out[F_REGIONS].rows;
        sum->grids = G->city.ngrids;
        sum->persons = G->out[F_PERSONS].rows;
        sum->venues = G->out[F_VENUES].rows;
        sum->scans = G->out[F_SCANS].rows;
        sum->pings = G->out[F_PINGS].rows;
        sum->samples = G->out[F_SAMPLES].rows;
        sum->tubes = G->tubes_out;
        sum->results = G->out[F_RESULTS].rows;
        sum->cases = G->out[F_CASES].rows;
        sum->controls = G->out[F_CONTROLS].rows;
        sum->arrivals = G->out[F_ARRIVALS].rows;
        sum->risk_areas = G->out[F_RISK_AREAS].rows;
        sum->door_events = G->out[F_DOOR_EVENTS].rows;
        sum->vaccinations = G->out[F_VACCINATIONS].rows;
        sum->sentinels = G->out[F_SENTINELS].rows;
        sum->coldchain = G->out[F_COLDCHAIN].rows;
        sum->assignments = G->out[F_ASSIGNMENTS].rows;
        sum->incident_events = G->out[F_INCIDENT_EVENTS].rows;
        sum->zones = G->out[F_ZONES].rows;
        sum->transfers = G->out[F_TRANSFERS].rows;
        sum->checkins = G->out[F_CHECKINS].rows;
        sum->gatherings = G->out[F_GATHERINGS].rows;
        sum->requests = G->out[F_REQUESTS].rows;
        fk_strlcpy(sum->round_name, "R1", sizeof sum->round_name);
        fk_strlcpy(sum->round_region, city, sizeof sum->round_region);
        sum->round_start = G->start;
        sum->round_end = G->end;
        sum->now = o->now;
    }
out:
    if (G) {
        for (k = 0; k < F_N; k++) {
            if (renamed)
                free(G->out[k].buf);
            else
                out_discard(&G->out[k]);
        }
        free(G->cases);
        free(G->grid_pos);
        free(G->ords);
        free(G->grid_samples);
        free(G->births);
        free(G->city.regs);
        free(G->city.grids);
        fk_strmap_free(G->city.counties);
        pool_free(&G->city.pool);
        free(G);
    }
    if (rc != FK_OK && sum)
        memset(sum, 0, sizeof *sum);
    return rc;
}
