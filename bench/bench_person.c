/* SPDX-License-Identifier: MIT */
/* The person-search benchmark: a city of N residents (default 10 M, fixed seed) written into a
 * fangkong data file under /tmp, then fk_person_find timed by each key (whole ID number, its last
 * 6, a surname, a whole name, a phone and its last 4) and scope (the city, a county, a township,
 * a grid), each beside the same query run as plain SQL through SQLite's own index on the same
 * file (the baseline), with the ratio. It also measures what the choice of where the index lives
 * costs: the five indexes of schema version 6 built on the loaded table (what the migration costs
 * an existing data file) and the file's growth, against an engine-side sorted array for the ID
 * number's last 6 (its build time, memory and look-up). A benchmark, not a test: nothing runs it
 * under ctest.
 *
 * usage: bench_person [--people N] [--seed S] [--dir DIR] [--queries Q] [--sql-queries QS]
 *                     [--keep] [--only TEXT]
 * (--only: the query kinds whose label holds TEXT, e.g. "surname"; --sql-queries: the baseline
 * runs on the first QS picks only, as a grid's surname through the name index takes seconds at
 * 10 M; default all Q)
 *
 * DESIGN NOTES
 * - Persons are written with plain INSERTs into the schema fangkong made (fk_store_open), the
 *   search indexes dropped first and built after, timed: a bulk load, not an import, which the
 *   screening benchmark measures.
 * - Names: a surname from 100 (the first ten 40 % of people, as in China) and one or two given
 *   characters from 300, so a surname matches hundreds of thousands and a whole name dozens.
 * - Each timed query is a fresh pick (its own person), median and 99th percentile over Q picks;
 *   fangkong's median also in CPU time of the process (the machine is shared: wall time counts
 *   other processes' time slices, CPU time only this one's work, page faults' I/O not included);
 *   fangkong's answer includes the region names and flags of every row, the baseline only the
 *   persons' rows (the same rows: checked by count). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench.h"
#include "fk/fk.h"

#define COUNTIES 10
#define TOWNSHIPS 10 /* per county */
#define GRIDS 100    /* per township (one community each) */
#define LIMIT 50

static const char *const SURNAMES[100] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
    "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤"};
/* Given-name characters: the UTF-8 of U+4E00 + k * 37 for k < 300 (CJK ideographs). */
static void given_char(unsigned k, char out[4])
{
    unsigned cp = 0x4E00 + k * 37;

    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    out[3] = '\0';
}

struct person {
    char id[19], name[16], phone[12];
    int32_t grid; /* 0 .. COUNTIES*TOWNSHIPS*GRIDS */
};

static void grid_code(int32_t g, char *out, size_t cap)
{
    int c = g / (TOWNSHIPS * GRIDS), t = g / GRIDS % TOWNSHIPS, k = g % GRIDS;

    snprintf(out, cap, "14070%d%03d001G%02d", c, t + 1, k);
}

/* Person i of the city made by seed: deterministic, so a query can pick one again. */
static void make_person(uint64_t seed, uint64_t i, uint64_t n, struct person *p)
{
    uint64_t s = stream(seed, i);
    unsigned sur = below(&s, 100) < 40 ? below(&s, 10) : below(&s, 100);
    char body[40], g1[4], g2[4];
    /* A birth date and sequence number from i itself: every ID number differs. */
    uint64_t day = i / 1000;
    int y = 1940 + (int)(day / 336), m = 1 + (int)(day / 28 % 12), d = 1 + (int)(day % 28);

    p->grid = (int32_t)((i * (uint64_t)(COUNTIES * TOWNSHIPS * GRIDS)) / n);
    snprintf(body, sizeof body, "14070%d%04d%02d%02d%03u", p->grid / (TOWNSHIPS * GRIDS), y, m, d,
             (unsigned)(i % 1000));
    memcpy(p->id, body, 17);
    p->id[17] = fk_id_check_char(body);
    p->id[18] = '\0';
    given_char(below(&s, 300), g1);
    given_char(below(&s, 300), g2);
    snprintf(p->name, sizeof p->name, "%s%s%s", SURNAMES[sur], g1, below(&s, 2) ? g2 : "");
    snprintf(p->phone, sizeof p->phone, "1%u%09u", 3 + below(&s, 6),
             (unsigned)below(&s, 1000000000));
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const INDEXES[] = {
    "CREATE INDEX persons_name ON persons (name)",
    "CREATE INDEX persons_grid_name ON persons (grid, name)",
    "CREATE INDEX persons_id6 ON persons (substr(id_number, -6))",
    "CREATE INDEX persons_phone4 ON persons (substr(phone, -4)) WHERE phone <> ''",
    "CREATE INDEX persons_household ON persons (household) WHERE household <> ''",
};

static long file_kib(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 ? (long)(sb.st_size / 1024) : -1;
}

/* Writes the city into the data file at path: regions through the store, persons by bulk
 * INSERT with the search indexes dropped and then built, timed. */
static int load(const char *path, uint64_t seed, uint64_t n)
{
    fk_store *st = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    char err[512], code[64], parent[64], name[64];
    double t0;
    uint64_t i;
    int c, t, g, rc = 1;
    size_t k;

    if (fk_store_open(path, &st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_person: %s\n", err);
        return 1;
    }
    fk_store_begin(st);
    {
        struct fk_region_row r = {
            .code = "14", .name = "山西省", .parent = "", .level = FK_LEVEL_PROVINCE};
        enum fk_put did;

        fk_store_put_region(st, &r, &did);
        r = (struct fk_region_row){
            .code = "1407", .name = "晋中市", .parent = "14", .level = FK_LEVEL_CITY};
        fk_store_put_region(st, &r, &did);
        for (c = 0; c < COUNTIES; c++) {
            snprintf(code, sizeof code, "14070%d", c);
            snprintf(name, sizeof name, "第%d区", c);
            r = (struct fk_region_row){
                .code = code, .name = name, .parent = "1407", .level = FK_LEVEL_COUNTY};
            fk_store_put_region(st, &r, &did);
            for (t = 0; t < TOWNSHIPS; t++) {
                snprintf(parent, sizeof parent, "14070%d", c);
                snprintf(code, sizeof code, "14070%d%03d", c, t + 1);
                snprintf(name, sizeof name, "第%d区第%d街道", c, t + 1);
                r = (struct fk_region_row){
                    .code = code, .name = name, .parent = parent, .level = FK_LEVEL_TOWNSHIP};
                fk_store_put_region(st, &r, &did);
                snprintf(parent, sizeof parent, "%.40s", code);
                snprintf(code, sizeof code, "%.40s001", parent);
                r = (struct fk_region_row){
                    .code = code, .name = "社区", .parent = parent, .level = FK_LEVEL_COMMUNITY};
                fk_store_put_region(st, &r, &did);
                snprintf(parent, sizeof parent, "%.40s", code);
                for (g = 0; g < GRIDS; g++) {
                    snprintf(code, sizeof code, "%.40sG%02d", parent, g);
                    snprintf(name, sizeof name, "网格%d-%d-%d", c, t + 1, g);
                    r = (struct fk_region_row){
                        .code = code, .name = name, .parent = parent, .level = FK_LEVEL_GRID};
                    fk_store_put_region(st, &r, &did);
                }
            }
        }
    }
    if (fk_store_commit(st) != FK_OK)
        goto out;
    fk_store_close(st);
    st = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        exec_sql("bench_person", db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
                 "DROP INDEX persons_name; DROP INDEX persons_grid_name; DROP INDEX persons_id6;"
                 "DROP INDEX persons_phone4; DROP INDEX persons_household; BEGIN") != 0 ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO persons (id_number, name, phone, grid, household) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &ins, NULL) != SQLITE_OK)
        goto out;
    t0 = now_s();
    for (i = 0; i < n; i++) {
        struct person p;
        char hh[24];

        make_person(seed, i, n, &p);
        grid_code(p.grid, code, sizeof code);
        snprintf(hh, sizeof hh, "H%08llu", (unsigned long long)(i / 3));
        sqlite3_bind_text(ins, 1, p.id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, p.name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, p.phone, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, code, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, hh, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "bench_person: insert: %s\n", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_reset(ins);
    }
    if (exec_sql("bench_person", db, "COMMIT") != 0)
        goto out;
    printf("persons written: %llu in %.1f s; data file %.0f MiB without the search indexes\n",
           (unsigned long long)n, now_s() - t0, mib(file_kib(path)));
    for (k = 0; k < sizeof INDEXES / sizeof INDEXES[0]; k++) {
        t0 = now_s();
        if (exec_sql("bench_person", db, INDEXES[k]) != 0)
            goto out;
        printf("  %-70s %6.1f s\n", INDEXES[k], now_s() - t0);
    }
    exec_sql("bench_person", db, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE");
    printf("data file with the search indexes: %.0f MiB\n", mib(file_kib(path)));
    rc = 0;
out:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    fk_store_close(st);
    return rc;
}

/* One kind of query: how to make its text from a person, its scope, and the baseline's SQL
 * (?1 the query, ?2 the scope's lower and ?3 upper grid code bound). */
struct kind {
    const char *label;
    int key;   /* 0 id, 1 last 6, 2 surname, 3 name, 4 phone, 5 last 4 */
    int scope; /* 0 city, 1 county, 2 township, 3 grid */
    const char *sql;
};

#define COLS "SELECT id_number, name, phone, grid, household, tags FROM persons "
#define IN_SCOPE " AND grid >= ?2 AND grid < ?3 "
static const struct kind KINDS[] = {
    {"whole ID number, city", 0, 0, COLS "WHERE id_number = ?1" IN_SCOPE "LIMIT 51"},
    {"ID number's last 6, city", 1, 0, COLS "WHERE substr(id_number, -6) = ?1" IN_SCOPE "LIMIT 51"},
    {"ID number's last 6, county", 1, 1,
     COLS "WHERE substr(id_number, -6) = ?1" IN_SCOPE "LIMIT 51"},
    {"surname, city", 2, 0,
     COLS "WHERE name >= ?1 AND name < ?4" IN_SCOPE "ORDER BY name LIMIT 51"},
    {"surname, county", 2, 1,
     COLS "WHERE name >= ?1 AND name < ?4" IN_SCOPE "ORDER BY name LIMIT 51"},
    {"surname, township", 2, 2,
     COLS "WHERE name >= ?1 AND name < ?4" IN_SCOPE "ORDER BY name LIMIT 51"},
    {"surname, grid", 2, 3,
     COLS "WHERE name >= ?1 AND name < ?4" IN_SCOPE "ORDER BY name LIMIT 51"},
    {"whole name, city", 3, 0,
     COLS "WHERE name >= ?1 AND name < ?4" IN_SCOPE "ORDER BY name LIMIT 51"},
    {"phone, city", 4, 0,
     COLS "WHERE substr(phone, -4) = substr(?1, -4) AND phone <> '' AND +phone = ?1" IN_SCOPE
          "LIMIT 51"},
    {"phone's last 4, city", 5, 0,
     COLS "WHERE substr(phone, -4) = ?1 AND phone <> ''" IN_SCOPE "LIMIT 51"},
    {"phone's last 4, county", 5, 1,
     COLS "WHERE substr(phone, -4) = ?1 AND phone <> ''" IN_SCOPE "LIMIT 51"},
};

/* The text after every text beginning with s (its last byte raised by one). */
static void after(const char *s, char *out, size_t cap)
{
    size_t n = strlen(s);

    snprintf(out, cap, "%s", s);
    if (n && n < cap)
        out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
}

static int by_u32(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    uint64_t n = 10000000, seed = 1, nq = 200, nsq = UINT64_MAX, i;
    const char *dir = "/tmp/fk-bench-person", *only = NULL;
    char path[1100], err[512], scope[32], lo[32], hi[40], q[64], end[64];
    fk_store *st = NULL;
    fk_engine *e = NULL;
    sqlite3 *db = NULL;
    struct fk_profile prof;
    int a, keep = 0, k;
    double t0;

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--people") == 0 && a + 1 < argc)
            n = strtoull(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
            seed = strtoull(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--dir") == 0 && a + 1 < argc)
            dir = argv[++a];
        else if (strcmp(argv[a], "--queries") == 0 && a + 1 < argc)
            nq = strtoull(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--sql-queries") == 0 && a + 1 < argc)
            nsq = strtoull(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--keep") == 0)
            keep = 1;
        else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc)
            only = argv[++a];
        else {
            fprintf(stderr, "usage: bench_person [--people N] [--seed S] [--dir DIR] "
                            "[--queries Q] [--sql-queries QS] [--keep] [--only TEXT]\n");
            return 2;
        }
    }
    if (n < 1000 || nq < 1 || nsq < 1)
        return 2;
    if (nsq > nq)
        nsq = nq;
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress as it comes, also into a file */
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/fangkong.db", dir);
    print_load("before");
    if (access(path, F_OK) != 0 && load(path, seed, n) != 0)
        return 1;
    fk_profile_defaults(&prof);
    if (fk_store_open(path, &st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_person: %s\n", err);
        return 1;
    }
    t0 = now_s();
    if (fk_engine_build(st, &prof, &e, err, sizeof err) != FK_OK) {
        fprintf(stderr, "bench_person: %s\n", err);
        return 1;
    }
    printf("engine built in %.1f s (the scope's region tree)\n", now_s() - t0);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    exec_sql("bench_person", db, "PRAGMA cache_size=-262144");

    printf("\n%-30s %12s %12s %12s %12s %12s %7s %6s\n", "query (limit 50)", "fk median", "fk p99",
           "fk cpu med", "sql median", "sql p99", "ratio", "rows");
    for (k = 0; k < (int)(sizeof KINDS / sizeof KINDS[0]); k++) {
        const struct kind *kd = &KINDS[k];
        struct timing tf = {calloc(nq, sizeof(double)), nq},
                      ts = {calloc(nsq, sizeof(double)), nsq},
                      tc = {calloc(nq, sizeof(double)), nq};
        sqlite3_stmt *qs = NULL;
        double fmed, fp99, cmed, smed, sp99, c0;
        size_t rows = 0;

        if (only && !strstr(kd->label, only)) {
            free(tf.v);
            free(ts.v);
            free(tc.v);
            continue;
        }
        if (sqlite3_prepare_v2(db, kd->sql, -1, &qs, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_person: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        for (i = 0; i < nq; i++) {
            uint64_t s = stream(seed + 1000 + (uint64_t)k, i), pick = s % n;
            struct person p;
            struct fk_person_find_opts o;
            fk_table *t = NULL;
            int more = 0;
            size_t nsql = 0;
            char gc[32];

            make_person(seed, pick, n, &p);
            grid_code(p.grid, gc, sizeof gc);
            /* The scope: the pick's county, township or grid (so it is found), or the city. */
            if (kd->scope == 0)
                snprintf(scope, sizeof scope, "1407");
            else if (kd->scope == 1)
                snprintf(scope, sizeof scope, "%.6s", gc);
            else if (kd->scope == 2)
                snprintf(scope, sizeof scope, "%.9s", gc);
            else
                snprintf(scope, sizeof scope, "%s", gc);
            snprintf(lo, sizeof lo, "%s", scope);
            snprintf(hi, sizeof hi, "%s~", scope);
            if (kd->key == 0)
                snprintf(q, sizeof q, "%s", p.id);
            else if (kd->key == 1)
                snprintf(q, sizeof q, "%s", p.id + 12);
            else if (kd->key == 2)
                snprintf(q, sizeof q, "%.3s", p.name);
            else if (kd->key == 3)
                snprintf(q, sizeof q, "%s", p.name);
            else if (kd->key == 4)
                snprintf(q, sizeof q, "%s", p.phone);
            else
                snprintf(q, sizeof q, "%s", p.phone + 7);
            after(q, end, sizeof end);
            memset(&o, 0, sizeof o);
            o.q = q;
            o.scope = kd->scope ? scope : NULL;
            o.limit = LIMIT;
            c0 = cpu_s();
            t0 = now_s();
            if (fk_person_find(st, e, &o, &t, &more, err, sizeof err) != FK_OK) {
                fprintf(stderr, "bench_person: %s: %s\n", q, err);
                return 1;
            }
            tf.v[i] = now_s() - t0;
            tc.v[i] = cpu_s() - c0;
            rows += fk_table_nrows(t);
            if (i >= nsq) {
                fk_table_free(t);
                continue;
            }
            t0 = now_s();
            sqlite3_reset(qs);
            sqlite3_bind_text(qs, 1, q, -1, SQLITE_STATIC);
            sqlite3_bind_text(qs, 2, lo, -1, SQLITE_STATIC);
            sqlite3_bind_text(qs, 3, hi, -1, SQLITE_STATIC);
            if (sqlite3_bind_parameter_count(qs) >= 4)
                sqlite3_bind_text(qs, 4, end, -1, SQLITE_STATIC);
            while (sqlite3_step(qs) == SQLITE_ROW)
                nsql++;
            ts.v[i] = now_s() - t0;
            if (nsql > LIMIT)
                nsql = LIMIT;
            if (nsql != fk_table_nrows(t)) {
                fprintf(stderr, "bench_person: %s in %s: fangkong %zu rows, SQL %zu\n", q, scope,
                        fk_table_nrows(t), nsql);
                return 1;
            }
            fk_table_free(t);
        }
        sqlite3_finalize(qs);
        fmed = t_median(&tf) * 1e3;
        fp99 = fk_quantile_sorted(tf.v, tf.n, 0.99) * 1e3;
        cmed = t_median(&tc) * 1e3;
        smed = t_median(&ts) * 1e3;
        sp99 = fk_quantile_sorted(ts.v, ts.n, 0.99) * 1e3;
        printf("%-30s %9.3f ms %9.3f ms %9.3f ms %9.3f ms %9.3f ms %6.1fx %6.1f\n", kd->label, fmed,
               fp99, cmed, smed, sp99, smed > 0 ? fmed / smed : 0.0, (double)rows / (double)nq);
        free(tf.v);
        free(ts.v);
        free(tc.v);
    }

    /* The alternative: an engine-side sorted array for the ID number's last 6 (key << 32 | id). */
    {
        sqlite3_stmt *all = NULL;
        uint64_t *arr = malloc(n * sizeof *arr), m = 0;
        struct timing tb = {calloc(nq, sizeof(double)), nq};

        t0 = now_s();
        sqlite3_prepare_v2(db, "SELECT id, id_number FROM persons", -1, &all, NULL);
        while (arr && sqlite3_step(all) == SQLITE_ROW && m < n) {
            const char *id = (const char *)sqlite3_column_text(all, 1);
            uint64_t key = strtoull(id + 12, NULL, 10) * 11 + (id[17] == 'X' ? 10 : 0);

            arr[m++] = key << 32 | (uint64_t)sqlite3_column_int64(all, 0);
        }
        sqlite3_finalize(all);
        qsort(arr, m, sizeof *arr, by_u32);
        printf("\nengine-side alternative (ID number's last 6): built in %.1f s (read + sort), "
               "%.0f MiB",
               now_s() - t0, (double)(m * sizeof *arr) / 1048576.0);
        for (i = 0; i < nq; i++) {
            struct person p;
            uint64_t key, lo64 = 0, hi64 = m;

            make_person(seed, stream(seed + 7, i) % n, n, &p);
            key = strtoull(p.id + 12, NULL, 10) * 11 + (p.id[17] == 'X' ? 10 : 0);
            t0 = now_s();
            while (lo64 < hi64) {
                uint64_t mid = (lo64 + hi64) / 2;

                if (arr[mid] >> 32 < key)
                    lo64 = mid + 1;
                else
                    hi64 = mid;
            }
            tb.v[i] = now_s() - t0;
        }
        printf("; look-up of the ids %.4f ms median (then each row is read from SQLite as above)\n",
               t_median(&tb) * 1e3);
        free(tb.v);
        free(arr);
    }
    print_load("after");
    sqlite3_close(db);
    fk_engine_free(e);
    fk_store_close(st);
    if (!keep) {
        char wal[1200], shm[1200];

        snprintf(wal, sizeof wal, "%s-wal", path);
        snprintf(shm, sizeof shm, "%s-shm", path);
        unlink(path);
        unlink(wal);
        unlink(shm);
        rmdir(dir);
    }
    return 0;
}
