/* SPDX-License-Identifier: MIT */
/* The gate-check benchmark (数字哨兵, issue 18): a city of N residents (default 10 M, fixed seed)
 * with one screening's pooled samples over the last three days, their results, cases and control
 * orders, written into a fangkong data file under /tmp; then the engine and the gate index built
 * (timed), Q random checks in-process through fk_gate_index_facts and fk_gate_check on one thread
 * and on two (checks/s, median of 5 runs), beside the store's path fk_gate_facts_of (three SQLite
 * queries a check), with every colour and reason of the baseline's sample compared. It also writes
 * what bench/run-gate.sh needs for the HTTP run: ids.txt (registered ID numbers) and day.csv (a
 * further day of samples to import during wrk). A benchmark, not a test: nothing runs it in ctest.
 *
 * usage: bench_gate [--people N] [--seed S] [--dir DIR] [--checks Q] [--baseline B]
 *                   [--import-rows R] [--now T] [--keep]
 *
 * DESIGN NOTES
 * - Everything goes into DIR/fk-gate-N-S/ (fangkong.db, ids.txt, day.csv, now.txt); with --keep it
 *   stays, and a later run with the same N and seed starts from it (and its moment, now.txt).
 * - ID numbers are bench_vaccine's: unique by construction (county i mod 10, a birth day that is a
 *   bijection of i / 10, a sequence), so no look-up is needed to write them. The 5 % of checks
 *   for unregistered persons use the area code 140790, which no resident has.
 * - Samples: 90 % of residents in tubes of 10 (series A, in person order), 10 % of them again
 *   (series B), each tube at a time in [now - 72 h, now - 6 h]; results 1 to 5 hours later
 *   (always known by now, so the index answers every check): 1 % positive, 3 % pending (no
 *   result row), the rest negative. The scenic gate's 48 h window makes about a third of the
 *   sampled yellow, which is the mix a gate sees on the third day of a screening. */
#include <pthread.h>
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
#include "fk/gate.h"
#include "fk/gate_check.h"
#include "fk/gate_index.h"

#define COUNTIES 10
#define TOWNSHIPS 10 /* per county */
#define GRIDS 100    /* per township (one community each) */
#define POOL 10      /* members of a pooled tube */
#define RUNS 5       /* timed runs of the Q checks */
#define IDLEN 18
#define NCASES 1000
#define NORDERS 10000
#define NIDS 200000 /* ID numbers in ids.txt */

static const char *prog = "bench_gate";

static double now_s(void)
{
    return fk_mono_seconds();
}

/* The ID number of a resident i (area 14070c), or with county 90 of no resident (unregistered,
 * i any), into id (19 bytes). */
static void id_of(uint64_t i, int unregistered, char *id)
{
    static const int64_t day0 = -14610;  /* 1930-01-01 */
    static const uint64_t ndays = 33968; /* to 2022-12-31 */
    uint64_t d = (i / COUNTIES) * 7919 % ndays, seq = (i / COUNTIES / ndays) % 1000;
    int64_t y;
    unsigned m, dd;

    fk_civil_from_days(day0 + (int64_t)d, &y, &m, &dd);
    snprintf(id, 19, "1407%02d%04d%02u%02u%03u", unregistered ? 90 : (int)(i % COUNTIES), (int)y, m,
             dd, (unsigned)seq);
    id[17] = fk_id_check_char(id);
    id[18] = '\0';
}

static void grid_of(uint64_t seed, uint64_t i, char *grid)
{
    uint64_t s = stream(seed, i);

    snprintf(grid, 32, "14070%d%03u001G%02u", (int)(i % COUNTIES), below(&s, TOWNSHIPS) + 1,
             below(&s, GRIDS));
}

/* The tubes of one series: members gathered POOL at a time, written with the tube's time and
 * result as each fills. */
struct series {
    char prefix;
    uint64_t seed, ntubes, members[POOL];
    int nm;
    sqlite3_stmt *si, *ri;
    int64_t now;
    uint64_t nsamples, npositive, npending;
};

static int flush_tube(struct series *s)
{
    uint64_t r = stream(s->seed ^ ((uint64_t)s->prefix << 56), s->ntubes);
    int64_t t = s->now - 72 * 3600 + (int64_t)below(&r, 66 * 3600), rt;
    char tube[24];
    uint32_t res = below(&r, 1000);
    int k;

    if (!s->nm)
        return 0;
    snprintf(tube, sizeof tube, "%c%09llu", s->prefix, (unsigned long long)s->ntubes);
    for (k = 0; k < s->nm; k++) {
        sqlite3_bind_text(s->si, 1, tube, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s->si, 2, (int64_t)s->members[k] + 1);
        sqlite3_bind_int64(s->si, 3, t);
        if (sqlite3_step(s->si) != SQLITE_DONE)
            return 1;
        sqlite3_reset(s->si);
    }
    s->nsamples += (uint64_t)s->nm;
    if (res >= 10 && res < 40) {
        s->npending++;
    } else {
        rt = t + 3600 + (int64_t)below(&r, 4 * 3600);
        sqlite3_bind_text(s->ri, 1, tube, -1, SQLITE_STATIC);
        sqlite3_bind_int(s->ri, 2, res < 10 ? FK_RESULT_POSITIVE : FK_RESULT_NEGATIVE);
        sqlite3_bind_int64(s->ri, 3, rt);
        if (sqlite3_step(s->ri) != SQLITE_DONE)
            return 1;
        sqlite3_reset(s->ri);
        s->npositive += res < 10;
    }
    s->ntubes++;
    s->nm = 0;
    return 0;
}

static int add_member(struct series *s, uint64_t i)
{
    s->members[s->nm++] = i;
    return s->nm == POOL ? flush_tube(s) : 0;
}

static int load_city(const char *path, uint64_t seed, uint64_t n, int64_t now)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *pi = NULL, *si = NULL, *ri = NULL, *ci = NULL, *oi = NULL;
    struct series a, b;
    char id[20], grid[32];
    uint64_t i, s, nc = 0, no = 0, ended = 0;
    int rc = 1;
    double t0 = now_s();

    if (sqlite3_open(path, &db) != SQLITE_OK ||
        exec_sql(prog, db,
                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576;"
                 "DROP INDEX persons_name; DROP INDEX persons_grid_name; DROP INDEX persons_id6;"
                 "DROP INDEX persons_phone4; DROP INDEX persons_household; BEGIN") != 0 ||
        sqlite3_prepare_v2(
            db, "INSERT INTO persons (id, id_number, name, grid) VALUES (?1, ?2, '某', ?3)", -1,
            &pi, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO samples (tube, person, time) VALUES (?1, ?2, ?3)", -1,
                           &si, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO results (tube, result, time, lab, received) VALUES (?1, "
                           "?2, ?3, '检测机构1', ?3)",
                           -1, &ri, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT OR IGNORE INTO cases (person, confirmed, onset, kind) VALUES "
                           "(?1, ?2, ?2, 0)",
                           -1, &ci, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(
            db,
            "INSERT OR IGNORE INTO controls (person, category, place, start, \"end\") "
            "VALUES (?1, ?2, ?3, ?4, ?5)",
            -1, &oi, NULL) != SQLITE_OK)
        goto out;
    for (i = 0; i < n; i++) {
        id_of(i, 0, id);
        grid_of(seed, i, grid);
        sqlite3_bind_int64(pi, 1, (int64_t)i + 1);
        sqlite3_bind_text(pi, 2, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(pi, 3, grid, -1, SQLITE_STATIC);
        if (sqlite3_step(pi) != SQLITE_DONE)
            goto out;
        sqlite3_reset(pi);
    }
    printf("written: %llu persons in %.1f s\n", (unsigned long long)n, now_s() - t0);
    fflush(stdout);
    memset(&a, 0, sizeof a);
    a.prefix = 'A';
    a.seed = seed;
    a.si = si;
    a.ri = ri;
    a.now = now;
    b = a;
    b.prefix = 'B';
    /* series A first (tubes in key order), then B: each series's tubes are written in order */
    for (i = 0; i < n; i++) {
        s = stream(seed ^ 0x5A5A5A5Aull, i);
        if (below(&s, 100) < 90 && add_member(&a, i) != 0)
            goto out;
    }
    if (flush_tube(&a) != 0)
        goto out;
    for (i = 0; i < n; i++) {
        s = stream(seed ^ 0x5A5A5A5Aull, i);
        below(&s, 100);
        if (below(&s, 100) < 10 && add_member(&b, i) != 0)
            goto out;
    }
    if (flush_tube(&b) != 0)
        goto out;
    s = stream(seed, UINT64_C(0xCA5E));
    for (i = 0; i < NCASES && n > 0; i++) {
        sqlite3_bind_int64(ci, 1, (int64_t)below(&s, n) + 1);
        sqlite3_bind_int64(ci, 2, now - 1 - (int64_t)below(&s, 72 * 3600));
        if (sqlite3_step(ci) != SQLITE_DONE)
            goto out;
        nc += (uint64_t)sqlite3_changes(db);
        sqlite3_reset(ci);
    }
    for (i = 0; i < NORDERS && n > 0; i++) {
        int64_t start = now - 1 - (int64_t)below(&s, 14 * 86400), end = 0;

        if (below(&s, 100) < 30) { /* 30 % ended before now */
            end = start + 1 + (int64_t)below(&s, (uint64_t)(now - start - 1) + 1);
            ended++;
        }
        sqlite3_bind_int64(oi, 1, (int64_t)below(&s, n) + 1);
        sqlite3_bind_int(oi, 2, (int)below(&s, FK_CTL_NCATEGORIES));
        sqlite3_bind_int(oi, 3, (int)below(&s, FK_PLACE_NPLACES));
        sqlite3_bind_int64(oi, 4, start);
        sqlite3_bind_int64(oi, 5, end);
        if (sqlite3_step(oi) != SQLITE_DONE)
            goto out;
        no += (uint64_t)sqlite3_changes(db);
        sqlite3_reset(oi);
    }
    /* the person-search indexes dropped for the load, made again as migration 0006 makes them
     * (the store's statements name one of them); the generations moved, as a batch would */
    if (exec_sql(prog, db,
                 "COMMIT; CREATE INDEX persons_name ON persons (name); "
                 "CREATE INDEX persons_grid_name ON persons (grid, name); "
                 "CREATE INDEX persons_id6 ON persons (substr(id_number, -6)); "
                 "CREATE INDEX persons_phone4 ON persons (substr(phone, -4)) WHERE phone <> ''; "
                 "CREATE INDEX persons_household ON persons (household) WHERE household <> ''; "
                 "UPDATE meta SET value = value + 1 WHERE key IN ('generation', "
                 "'control_generation'); PRAGMA wal_checkpoint(TRUNCATE)") != 0)
        goto out;
    printf("written: %llu persons, %llu samples in %llu tubes (%llu positive, %llu pending), "
           "%llu cases, %llu control orders (%llu ended) in %.1f s\n",
           (unsigned long long)n, (unsigned long long)(a.nsamples + b.nsamples),
           (unsigned long long)(a.ntubes + b.ntubes),
           (unsigned long long)(a.npositive + b.npositive),
           (unsigned long long)(a.npending + b.npending), (unsigned long long)nc,
           (unsigned long long)no, (unsigned long long)ended, now_s() - t0);
    rc = 0;
out:
    if (rc)
        fprintf(stderr, "%s: load: %s\n", prog, db ? sqlite3_errmsg(db) : "open");
    sqlite3_finalize(pi);
    sqlite3_finalize(si);
    sqlite3_finalize(ri);
    sqlite3_finalize(ci);
    sqlite3_finalize(oi);
    sqlite3_close(db);
    return rc;
}

/* ids.txt (NIDS registered ID numbers drawn at random) and day.csv (rows samples of residents
 * from a random one on, in tubes of POOL, over the day before now, for fangkong import). */
static int write_http_files(const char *dir, uint64_t seed, uint64_t n, uint64_t rows, int64_t now)
{
    char path[600], id[20], when[FK_TIME_RENDER_MAX];
    uint64_t s = stream(seed, UINT64_C(0x1D5)), i, first, tube = 0;
    int64_t t = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/ids.txt", dir);
    f = fopen(path, "w");
    if (!f)
        goto fail;
    for (i = 0; i < NIDS; i++) {
        id_of(below(&s, n), 0, id);
        fprintf(f, "%s\n", id);
    }
    if (fclose(f) != 0)
        goto fail;
    snprintf(path, sizeof path, "%s/day.csv", dir);
    f = fopen(path, "w");
    if (!f)
        goto fail;
    fputs("tube,id_number,time,site\n", f);
    first = below(&s, n);
    for (i = 0; i < rows; i++) {
        if (i % POOL == 0) {
            t = now - 3600 - (int64_t)below(&s, 20 * 3600);
            fk_time_render(t, when);
            tube++;
        }
        id_of((first + i) % n, 0, id);
        fprintf(f, "N%09llu,%s,%s,采样点%u\n", (unsigned long long)tube, id, when,
                (unsigned)(tube % 100));
    }
    if (fclose(f) != 0)
        goto fail;
    return 0;
fail:
    perror(path);
    return 1;
}

/* One thread's share of the checks. */
struct worker {
    const fk_gate_index *gi;
    const char *ids; /* IDLEN bytes each */
    size_t n;
    int64_t now, window;
    uint64_t colours[3], declined;
    double cpu; /* the thread's CPU seconds for its share */
};

static double thread_cpu_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void *run_checks(void *arg)
{
    struct worker *w = arg;
    struct fk_gate_facts f;
    enum fk_gate_reason why;
    size_t k;
    double c0 = thread_cpu_s();

    memset(w->colours, 0, sizeof w->colours);
    w->declined = 0;
    for (k = 0; k < w->n; k++) {
        if (!fk_gate_index_facts(w->gi, w->ids + k * IDLEN, IDLEN, w->now, &f))
            w->declined++; /* would go to fk_gate_facts_of: none by construction */
        w->colours[fk_gate_check(&f, w->window, w->now, &why)]++;
    }
    w->cpu = thread_cpu_s() - c0;
    return NULL;
}

/* Q checks over nthreads threads (1 or 2), RUNS times: the median rate in checks/s by the wall
 * clock, and into *per_cpu the median in checks per CPU second (each thread's own CPU time): on
 * a machine shared with other work, the wall clock counts the time the threads waited for a
 * core, which the CPU time does not. */
static double time_checks(struct worker *w, int nthreads, const char *ids, size_t q,
                          double *per_cpu)
{
    double rates[RUNS], cpus[RUNS], t0, cpu;
    struct timing tm = {rates, 0}, tc = {cpus, 0};
    pthread_t th[2];
    int r, k;

    for (r = 0; r < RUNS; r++) {
        for (k = 0; k < nthreads; k++) {
            w[k] = w[0];
            w[k].ids = ids + (size_t)k * (q / (size_t)nthreads) * IDLEN;
            w[k].n = q / (size_t)nthreads;
        }
        t0 = now_s();
        if (nthreads == 1) {
            run_checks(&w[0]);
        } else {
            for (k = 0; k < nthreads; k++)
                pthread_create(&th[k], NULL, run_checks, &w[k]);
            for (k = 0; k < nthreads; k++)
                pthread_join(th[k], NULL);
        }
        rates[tm.n++] = (double)(w[0].n * (size_t)nthreads) / (now_s() - t0);
        for (cpu = 0, k = 0; k < nthreads; k++)
            cpu += w[k].cpu;
        cpus[tc.n++] = (double)(w[0].n * (size_t)nthreads) / cpu;
    }
    *per_cpu = t_median(&tc);
    return t_median(&tm);
}

/* Removes what this benchmark writes under root, and root when that leaves it empty. */
static void remove_city(const char *root)
{
    static const char *const names[] = {
        "fangkong.db", "fangkong.db-wal", "fangkong.db-shm", "fangkong.db.engine",
        "ids.txt",     "day.csv",         "now.txt"};
    char path[600];
    size_t j;

    for (j = 0; j < sizeof names / sizeof names[0]; j++) {
        snprintf(path, sizeof path, "%s/%s", root, names[j]);
        unlink(path);
    }
    rmdir(root);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_gate [--people N] [--seed S] [--dir DIR] [--checks Q] "
                    "[--baseline B] [--import-rows R] [--now T] [--keep]\n");
}

int main(int argc, char **argv)
{
    uint64_t people = 10000000, seed = 18, q = 10000000, nbase = 100000, rows = 1000000, s, k;
    const char *dir = "/tmp";
    int keep = 0, i, rc = 1, fresh = 0;
    char root[512], path[600], nowpath[600], err[512];
    struct fk_profile prof;
    fk_store *st = NULL;
    fk_engine *e = NULL;
    fk_gate_index *gi = NULL;
    char *ids = NULL;
    struct fk_gate_facts *base = NULL; /* the store's answers of the baseline's sample */
    struct worker w[2];
    int64_t now = 0, window;
    double t0, teng, tpi, tgi, rate1, rate2, cpu1, cpu2, tb, tbc;
    uint64_t same = 0, nfound = 0;
    FILE *f;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--people") == 0 && i + 1 < argc)
            people = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--checks") == 0 && i + 1 < argc)
            q = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--baseline") == 0 && i + 1 < argc)
            nbase = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--import-rows") == 0 && i + 1 < argc)
            rows = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc)
            now = strtoll(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            usage();
            return 2;
        }
    }
    if (people < 100 || people > 100000000 || q < 2 || nbase < 1) {
        usage();
        return 2;
    }
    if (nbase > q)
        nbase = q;
    snprintf(root, sizeof root, "%s/fk-gate-%llu-%llu", dir, (unsigned long long)people,
             (unsigned long long)seed);
    snprintf(path, sizeof path, "%s/fangkong.db", root);
    snprintf(nowpath, sizeof nowpath, "%s/now.txt", root);
    print_load("before");
    if (access(nowpath, F_OK) != 0) { /* now.txt is written last: without it, start again */
        fresh = 1;
        remove_city(root);
        if (!now)
            now = (int64_t)time(NULL) / 60 * 60;
        if (mkdir(root, 0755) != 0 && access(root, F_OK) != 0) {
            perror(root);
            goto out;
        }
        if (bench_regions(prog, path, COUNTIES, TOWNSHIPS, GRIDS) != 0 ||
            load_city(path, seed, people, now) != 0 ||
            write_http_files(root, seed, people, rows, now) != 0)
            goto out;
        f = fopen(nowpath, "w");
        if (!f || fprintf(f, "%lld\n", (long long)now) < 0 || fclose(f) != 0) {
            perror(nowpath);
            goto out;
        }
    } else {
        long long t = 0;

        f = fopen(nowpath, "r");
        if (f) {
            if (fscanf(f, "%lld", &t) != 1)
                t = 0;
            fclose(f);
        }
        if (!now)
            now = t;
        printf("reusing %s (its moment %lld)\n", root, t);
    }
    if (!now) {
        fprintf(stderr, "%s: %s/now.txt is missing: give --now\n", prog, root);
        goto out;
    }
    fk_profile_defaults(&prof);
    window = fk_gate_window(&prof, FK_GATE_SCENIC);
    if (fk_store_open(path, &st, err, sizeof err) != FK_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto out;
    }
    t0 = now_s();
    if (fk_engine_build(st, &prof, &e, err, sizeof err) != FK_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto out;
    }
    teng = now_s() - t0;
    t0 = now_s();
    if (fk_engine_person_index(e) != FK_OK)
        goto out;
    tpi = now_s() - t0;
    t0 = now_s();
    if (fk_gate_index_build(st, e, &gi, err, sizeof err) != FK_OK) {
        fprintf(stderr, "%s: %s\n", prog, err);
        goto out;
    }
    tgi = now_s() - t0;
    printf("engine built in %.1f s, its per-person index in %.1f s; gate index over %zu persons "
           "in %.1f s, %.0f MiB (RSS %.0f MiB)\n",
           teng, tpi, fk_gate_index_persons(gi), tgi, (double)fk_gate_index_bytes(gi) / 1048576.0,
           mib(status_kib("VmRSS")));
    fflush(stdout);

    /* the checks' ID numbers: 95 % registered, 5 % not, drawn once (IDLEN bytes each) */
    ids = malloc(q * IDLEN);
    if (!ids)
        goto out;
    s = stream(seed, UINT64_C(0xC4EC));
    for (k = 0; k < q; k++) {
        char id[20];
        int unreg = below(&s, 100) < 5;

        id_of(below(&s, people), unreg, id);
        memcpy(ids + k * IDLEN, id, IDLEN);
    }
    memset(w, 0, sizeof w);
    w[0].gi = gi;
    w[0].now = now;
    w[0].window = window;
    rate1 = time_checks(w, 1, ids, q, &cpu1);
    printf("in-process, 1 thread: %.0f checks/s by the wall clock, %.0f per CPU second (medians "
           "of %d runs of %llu); green %llu, yellow %llu, red %llu, declined %llu\n",
           rate1, cpu1, RUNS, (unsigned long long)q, (unsigned long long)w[0].colours[0],
           (unsigned long long)w[0].colours[1], (unsigned long long)w[0].colours[2],
           (unsigned long long)w[0].declined);
    fflush(stdout);
    rate2 = time_checks(w, 2, ids, q, &cpu2);
    printf("in-process, 2 threads: %.0f checks/s by the wall clock, %.0f per CPU second (medians "
           "of %d runs of %llu)\n",
           rate2, cpu2, RUNS, (unsigned long long)q);
    fflush(stdout);

    /* the baseline: the store's path on the first nbase ID numbers, each compared */
    base = malloc(nbase * sizeof *base);
    if (!base)
        goto out;
    t0 = now_s();
    tbc = thread_cpu_s();
    for (k = 0; k < nbase; k++) {
        char id[20];

        memcpy(id, ids + k * IDLEN, IDLEN);
        id[IDLEN] = '\0';
        if (fk_gate_facts_of(st, e, id, now, &base[k]) != FK_OK) {
            fprintf(stderr, "%s: fk_gate_facts_of: %s\n", prog, fk_store_errmsg(st));
            goto out;
        }
        nfound += base[k].negative || base[k].positive || base[k].controlled;
    }
    tb = now_s() - t0;
    tbc = thread_cpu_s() - tbc;
    for (k = 0; k < nbase; k++) {
        struct fk_gate_facts fa = base[k], fb;
        enum fk_gate_reason wa, wb;
        char id[20];
        int ca, cb;

        memcpy(id, ids + k * IDLEN, IDLEN);
        id[IDLEN] = '\0';
        if (!fk_gate_index_facts(gi, id, IDLEN, now, &fb))
            fb = fa; /* the index declined: the caller asks the store, as the server does */
        ca = (int)fk_gate_check(&fa, window, now, &wa);
        cb = (int)fk_gate_check(&fb, window, now, &wb);
        if (ca == cb && wa == wb)
            same++;
        else if (k + 1 - same <= SHOW_DIFFS)
            fprintf(stderr, "%s: %s: store %s/%s, index %s/%s\n", prog, id, fk_gate_colour_name(ca),
                    fk_gate_reason_name(wa), fk_gate_colour_name(cb), fk_gate_reason_name(wb));
    }
    printf("store's path (fk_gate_facts_of), 1 thread: %.0f checks/s by the wall clock, %.0f per "
           "CPU second, over %llu (%llu with samples or orders)\n",
           (double)nbase / tb, (double)nbase / tbc, (unsigned long long)nbase,
           (unsigned long long)nfound);
    printf("answers identical: %llu of %llu\n", (unsigned long long)same,
           (unsigned long long)nbase);
    printf("ratio index / store's path, 1 thread: %.0fx by the wall clock, %.0fx per CPU second\n",
           rate1 * tb / (double)nbase, cpu1 * tbc / (double)nbase);
    printf("goal >= 2 000 000 checks/s in-process: %s by the wall clock (best %.0f); %s per CPU "
           "second on 2 threads (%.0f each, 2 cores: %.0f)\n",
           (rate1 >= 2e6 || rate2 >= 2e6) ? "met" : "NOT met", rate1 > rate2 ? rate1 : rate2,
           2 * cpu2 >= 2e6 ? "met" : "NOT met", cpu2, 2 * cpu2);
    print_load("after");
    rc = same == nbase ? 0 : 1;
out:
    free(base);
    free(ids);
    fk_gate_index_free(gi);
    fk_engine_free(e);
    fk_store_close(st);
    if (!keep && fresh)
        remove_city(root);
    return rc;
}
