/* SPDX-License-Identifier: MIT */
/* Unit tests of lib/ingest/ingest.c: small data-contract CSV files written into a mkdtemp folder
 * and imported into a fresh store. Covered: regions in any order and orphans, per-row rejection
 * with line numbers and reasons in FILE.rejects.csv, missing required columns, free column order,
 * duplicates and idempotent re-import, updates, results replacing older ones, batching, GBK and
 * BOM+CRLF input, and the removal of a stale rejects file. Resident IDs get their GB 11643 check
 * character computed here, independently of lib/domain/idcard.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/access.h"
#include "fk/buf.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/region.h"
#include "fk/store.h"

#include "testutil.h"

#define G1 "140702001001001"
#define G2 "140702001001002"
#define COMMUNITY "140702001001"

/* The regions every person test stands on, parents first. */
static const char regions_csv[] = "code,name,level,parent\n"
                                  "14,山西省,province,\n"
                                  "1407,晋中市,city,14\n"
                                  "140702,榆次区,county,1407\n"
                                  "140702001,锦纶街道,township,140702\n"
                                  "140702001001,锦纶社区,community,140702001\n"
                                  "140702001001001,一网格,grid,140702001001\n"
                                  "140702001001002,二网格,grid,140702001001\n";

struct fixture {
    char dir[256];
    fk_store *st;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    fk_buf csv; /* text being composed */
    char *text; /* the last file read back; freed by teardown */
    char ids[8][19];
};

/* Two stores every test starts from, made once by group_setup and copied per test (copying a
 * closed SQLite file is cheap; creating one costs fsyncs): an empty one, and one holding the
 * regions of regions_csv. */
static char template_dir[256], template_empty[300], template_regions[300];

static int group_setup(void **state)
{
    struct fk_profile prof;
    struct fk_import_summary sum;
    fk_store *st = NULL;
    char csv[400], err[512] = "";
    FILE *fp;
    int rc = -1;

    (void)state;
    fk_profile_defaults(&prof);
    if (make_dir(template_dir, sizeof template_dir, "ingest") != 0)
        return -1;
    snprintf(template_empty, sizeof template_empty, "%s/empty.db", template_dir);
    snprintf(template_regions, sizeof template_regions, "%s/regions.db", template_dir);
    snprintf(csv, sizeof csv, "%s/regions.csv", template_dir);
    if (fk_store_open(template_empty, &st, err, sizeof err) != FK_OK)
        goto out;
    fk_store_close(st);
    st = NULL;
    fp = fopen(csv, "wb");
    if (!fp || fputs(regions_csv, fp) < 0 || fclose(fp) != 0)
        goto out;
    if (fk_store_open(template_regions, &st, err, sizeof err) != FK_OK ||
        fk_import_file(st, &prof, FK_IMPORT_REGIONS, csv, NULL, &sum, err, sizeof err) != FK_OK)
        goto out;
    if (sum.accepted != 7 || sum.rejected != 0) {
        snprintf(err, sizeof err, "the regions template took %llu of 7 regions",
                 (unsigned long long)sum.accepted);
        goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "group setup: %s\n", err);
    fk_store_close(st); /* closing checkpoints the WAL into the file */
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    if (template_dir[0])
        remove_dir(template_dir);
    return 0;
}

/* A fixture over a copy of the template store at from. */
static int setup_from(void **state, const char *from)
{
    static const char *bodies[8] = {
        "14070219900101123", "11010519491231002", "14070319560418660", "14070219850708007",
        "14070219700101001", "14070219700101002", "14070219700101003", "14070219700101004",
    };
    struct fixture *f = calloc(1, sizeof *f);
    char path[400];
    int i;

    if (!f)
        return -1;
    *state = f;
    fk_buf_init(&f->csv, 0);
    fk_profile_defaults(&f->prof);
    for (i = 0; i < 8; i++)
        make_id(bodies[i], f->ids[i]);
    if (make_dir(f->dir, sizeof f->dir, "ingest") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/fangkong.db", f->dir);
    if (copy_store(from, path) != 0 || fk_store_open(path, &f->st, f->err, sizeof f->err) != FK_OK) {
        fprintf(stderr, "setup: %s\n", f->err);
        return -1;
    }
    return 0;
}

/* An empty store. */
static int setup(void **state)
{
    return setup_from(state, template_empty);
}

/* A store holding the regions of regions_csv. */
static int setup_regions(void **state)
{
    return setup_from(state, template_regions);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk__ingest_on_rejects_settled(NULL); /* a failed test leaves no hook to the next */
    fk_store_close(f->st);
    fk_buf_fini(&f->csv);
    free(f->text);
    if (f->dir[0])
        remove_dir(f->dir);
    free(f);
    return 0;
}

/* ---- helpers ---- */

/* The path of name inside the test folder, in out (at least 400 bytes). */
static char *path_of(struct fixture *f, const char *name, char *out)
{
    snprintf(out, 400, "%s/%s", f->dir, name);
    return out;
}

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* Writes text into the test folder as name; the full path goes to path (400 bytes). */
static void write_file(struct fixture *f, const char *name, const char *text, char *path)
{
    write_bytes(path_of(f, name, path), text, strlen(text));
}

/* Turns path (400 bytes) into the path of its rejects file, FILE.rejects.csv; returns it. */
static char *rejects_of(char *path)
{
    size_t n = strlen(path);

    snprintf(path + n, 400 - n, ".rejects.csv");
    return path;
}

/* Reads the whole file at path into f->text; NULL when it does not exist. */
static const char *read_text(struct fixture *f, const char *path)
{
    FILE *fp = fopen(path, "rb");
    long n;

    free(f->text);
    f->text = NULL;
    if (!fp)
        return NULL;
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    rewind(fp);
    f->text = malloc((size_t)n + 1);
    assert_non_null(f->text);
    assert_int_equal(fread(f->text, 1, (size_t)n, fp), (size_t)n);
    f->text[n] = '\0';
    fclose(fp);
    return f->text;
}

static int import_opts(struct fixture *f, enum fk_import_type t, const char *path, int batch_rows)
{
    struct fk_import_opts o;

    memset(&o, 0, sizeof o);
    o.batch_rows = batch_rows;
    f->err[0] = '\0';
    return fk_import_file(f->st, &f->prof, t, path, &o, &f->sum, f->err, sizeof f->err);
}

/* Imports path as type t, expecting FK_OK. */
static void import_ok(struct fixture *f, enum fk_import_type t, const char *path)
{
    int rc = fk_import_file(f->st, &f->prof, t, path, NULL, &f->sum, f->err, sizeof f->err);

    if (rc != FK_OK)
        fail_msg("import %s: %d %s", path, rc, f->err);
}

static void expect_sum(const struct fk_import_summary *s, uint64_t read, uint64_t accepted,
                       uint64_t updated, uint64_t duplicate, uint64_t rejected)
{
    if (s->read != read || s->accepted != accepted || s->updated != updated ||
        s->duplicate != duplicate || s->rejected != rejected)
        fail_msg("summary read %llu accepted %llu updated %llu duplicate %llu rejected %llu; "
                 "want %llu %llu %llu %llu %llu",
                 (unsigned long long)s->read, (unsigned long long)s->accepted,
                 (unsigned long long)s->updated, (unsigned long long)s->duplicate,
                 (unsigned long long)s->rejected, (unsigned long long)read,
                 (unsigned long long)accepted, (unsigned long long)updated,
                 (unsigned long long)duplicate, (unsigned long long)rejected);
}

static int64_t count(struct fixture *f, const char *table)
{
    int64_t n = -1;

    assert_int_equal(fk_store_count(f->st, table, &n), FK_OK);
    return n;
}

/* Asserts that the rejects text has a record for input line `line` whose reason holds `why`. */
static void expect_reject(const char *rejects, unsigned line, const char *why)
{
    char key[32];
    const char *p, *eol;

    assert_non_null(rejects);
    snprintf(key, sizeof key, "\n%u,", line);
    p = strstr(rejects, key);
    if (!p)
        fail_msg("no reject for line %u in:\n%s", line, rejects);
    eol = strchr(p + 1, '\n');
    if (!eol)
        eol = p + strlen(p);
    {
        size_t n = (size_t)(eol - p);
        char rec[1024];

        snprintf(rec, sizeof rec, "%.*s", (int)n, p + 1);
        if (!strstr(rec, why))
            fail_msg("reject of line %u is '%s', which does not say '%s'", line, rec, why);
    }
}

/* Number of records in a rejects text whose raw rows hold no line breaks. */
static size_t reject_records(const char *rejects)
{
    size_t n = 0;

    for (; *rejects; rejects++)
        n += *rejects == '\n';
    return n - 1; /* the header */
}

/* Composes a file from rows in which ID<k> (k 0..7) stands for f->ids[k]. */
static const char *compose(struct fixture *f, const char *const *rows, size_t n)
{
    size_t i;

    fk_buf_reset(&f->csv);
    for (i = 0; i < n; i++) {
        const char *p = rows[i];

        while (*p) {
            if (p[0] == 'I' && p[1] == 'D' && p[2] >= '0' && p[2] <= '7') {
                assert_int_equal(fk_buf_puts(&f->csv, f->ids[p[2] - '0']), FK_OK);
                p += 3;
            } else {
                assert_int_equal(fk_buf_putc(&f->csv, *p), FK_OK);
                p++;
            }
        }
        assert_int_equal(fk_buf_putc(&f->csv, '\n'), FK_OK);
    }
    return f->csv.data;
}

/* Composes rows (see compose) and writes them into the test folder as name; path as
 * write_file. */
static void write_rows(struct fixture *f, const char *name, const char *const *rows, size_t n,
                       char *path)
{
    compose(f, rows, n);
    write_bytes(path_of(f, name, path), f->csv.data, f->csv.len);
}

/* Writes rows as persons.csv (write_rows, path likewise) and imports it, expecting FK_OK. */
static void import_person_rows(struct fixture *f, const char *const *rows, size_t n, char *path)
{
    write_rows(f, "persons.csv", rows, n, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
}

struct found {
    const char *want; /* id_number to find */
    int64_t id;
};

static int on_person_key(void *ud, const struct fk_person_row *p)
{
    struct found *fd = ud;

    if (strcmp(p->id_number, fd->want) == 0)
        fd->id = p->id;
    return 0;
}

/* Fetches the stored person with id_number idn into *p (strings borrowed from the store). */
static void get_person(struct fixture *f, const char *idn, struct fk_person_row *p)
{
    struct found fd = {idn, -1};

    assert_int_equal(fk_store_each_person_key(f->st, on_person_key, &fd), FK_OK);
    if (fd.id < 0)
        fail_msg("person %s is not in the store", idn);
    assert_int_equal(fk_store_get_person(f->st, fd.id, p), FK_OK);
}

/* ---- tests ---- */

static void test_ingest__type_names(void **state)
{
    static const char *names[] = {"regions",  "persons",  "venues",     "scans",
                                  "pings",    "samples",  "results",    "cases",
                                  "controls", "arrivals", "risk_areas", "door_events",
                                  "sentinels", "coldchain", "vaccinations", "indicators",
                                  "scores", "assignments", "units", "reports", "duty",
                                  "inspections", "problems", "incident_events", "zones",
                                  "transfers", "checkins", "labs", "boxes", "gatherings", "requests"};
    enum fk_import_type t;
    int i;

    (void)state;
    for (i = 0; i < FK_IMPORT_NTYPES; i++) {
        assert_int_equal(fk_import_type_parse(names[i], &t), FK_OK);
        assert_int_equal(t, i);
        assert_string_equal(fk_import_type_name(t), names[i]);
        assert_true(strlen(fk_import_type_columns(t)) > 0);
    }
    assert_int_equal(fk_import_type_parse("people", &t), FK_EINVAL);
    assert_int_equal(fk_import_type_parse("Persons", &t), FK_EINVAL);
    assert_non_null(strstr(fk_import_type_columns(FK_IMPORT_PERSONS), "id_number"));
    assert_non_null(strstr(fk_import_type_columns(FK_IMPORT_PERSONS), "grid"));
}

static void test_ingest__regions_child_before_parent(void **state)
{
    struct fixture *f = *state;
    struct fk_region_row r;
    char path[400];

    write_file(f, "regions.csv",
               "code,name,level,parent\n"
               "140702001001002,二网格,grid,140702001001\n"
               "140702001001001,一网格,网格,140702001001\n"
               "140702001001,锦纶社区,community,140702001\n"
               "140702001,锦纶街道,township,140702\n"
               "140702,榆次区,county,1407\n"
               "1407,晋中市,city,14\n"
               "14,山西省,province,\n",
               path);
    import_ok(f, FK_IMPORT_REGIONS, path);
    expect_sum(&f->sum, 7, 7, 0, 0, 0);
    assert_int_equal(f->sum.batches, 1);
    assert_string_equal(f->sum.rejects_path, "");
    assert_null(read_text(f, rejects_of(path)));
    assert_int_equal(count(f, "regions"), 7);
    assert_int_equal(fk_store_get_region(f->st, G1, &r), FK_OK);
    assert_int_equal(r.level, FK_LEVEL_GRID);
    assert_string_equal(r.parent, COMMUNITY);
    assert_string_equal(r.name, "一网格");
    assert_int_equal(fk_store_get_region(f->st, "14", &r), FK_OK);
    assert_int_equal(r.level, FK_LEVEL_PROVINCE);
    assert_string_equal(r.parent, "");
}

static void test_ingest__regions_unknown_parent(void **state)
{
    struct fixture *f = *state;
    struct fk_region_row r;
    char path[400];
    const char *rej;

    write_file(f, "regions.csv",
               "code,name,level,parent\n"
               "140799001,孤儿街道,township,140799\n"
               "1407,晋中市,city,\n"
               "140702,榆次区,county,1407\n",
               path);
    import_ok(f, FK_IMPORT_REGIONS, path);
    expect_sum(&f->sum, 3, 2, 0, 0, 1);
    assert_int_equal(count(f, "regions"), 2);
    assert_int_equal(fk_store_get_region(f->st, "140799001", &r), FK_ENOENT);
    rejects_of(path);
    assert_string_equal(f->sum.rejects_path, path);
    rej = read_text(f, path);
    assert_non_null(rej);
    assert_int_equal(strncmp(rej, FK_REJECTS_HEADER, strlen(FK_REJECTS_HEADER)), 0);
    expect_reject(rej, 2, "unknown parent 140799");
    assert_non_null(strstr(rej, "140799001,孤儿街道,township,140799"));
    assert_int_equal(reject_records(rej), 1);
}

static void test_ingest__regions_bad_rows(void **state)
{
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    write_file(f, "regions.csv",
               "code,name,level,parent\n"
               "14,山西省,province,\n"
               "1407,晋中市,city,14\n"
               "140702,榆次区,county,\n"       /* a county cannot be a root */
               "140703,太谷区,district,1407\n" /* not a level */
               "140704,平遥县,province,1407\n" /* a province under a city */
               "14 05,某市,city,14\n"          /* bad code */
               "140705,,county,1407\n"         /* no name */
               "140706,灵石县,county,140706\n" /* its own parent */
               "140707,介休市,县,1407\n",
               path);
    import_ok(f, FK_IMPORT_REGIONS, path);
    expect_sum(&f->sum, 9, 3, 0, 0, 6);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 4, "root");
    expect_reject(rej, 5, "district");
    expect_reject(rej, 6, "cannot sit under");
    expect_reject(rej, 7, "code");
    expect_reject(rej, 8, "name is empty");
    expect_reject(rej, 9, "own parent");
    assert_int_equal(reject_records(rej), 6);
}

static void test_ingest__persons_rejected_with_reasons(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid,phone",
        "ID0,张三,140702001001001,13800000000",     /* line 2: fine */
        "14070219900101123X,李四,140702001001001,", /* line 3: check character wrong */
        "ID7,孙八,140702001001001,",                /* line 4: birth date 1999-02-30 */
        "ID2,王五,140702001001099,",                /* line 5: unknown grid */
        "ID3,赵六,140702001001,",                   /* line 6: not a grid */
        "ID4,,140702001001001,",                    /* line 7: empty name */
        "ID5,钱七,140702001001002,139",             /* line 8: fine */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    /* A birth date that does not exist, with a correct check character. */
    make_id("14070219990230001", f->ids[7]);
    import_person_rows(f, rows, 8, path);
    expect_sum(&f->sum, 7, 2, 0, 0, 5);
    assert_int_equal(count(f, "persons"), 2);
    rej = read_text(f, rejects_of(path));
    assert_non_null(rej);
    assert_string_equal(f->sum.rejects_path, path);
    expect_reject(rej, 3, "check digit");
    expect_reject(rej, 4, "19990230");
    expect_reject(rej, 5, "unknown grid 140702001001099");
    expect_reject(rej, 6, "not a grid");
    expect_reject(rej, 7, "name is empty");
    assert_int_equal(reject_records(rej), 5);
    /* The raw row is kept, quoted since it holds commas. */
    assert_non_null(strstr(rej, "\"14070219900101123X,李四,140702001001001,\""));
}

static void test_ingest__missing_required_column(void **state)
{
    struct fixture *f = *state;
    char path[400];
    const char *rows[] = {"id_number,name,phone", "ID0,张三,138"};
    int rc;

    write_rows(f, "persons.csv", rows, 2, path);
    rc = import_opts(f, FK_IMPORT_PERSONS, path, 0);
    assert_int_equal(rc, FK_EINVAL);
    assert_non_null(strstr(f->err, "grid"));
    assert_int_equal(count(f, "persons"), 0);
    assert_int_equal(f->sum.read, 0);
    assert_int_equal(f->sum.rejected, 0);
    assert_null(read_text(f, rejects_of(path)));

    write_file(f, "regions2.csv", "code,name,parent\n99,x,\n", path);
    assert_int_equal(import_opts(f, FK_IMPORT_REGIONS, path, 0), FK_EINVAL);
    assert_non_null(strstr(f->err, "level"));
    assert_int_equal(count(f, "regions"), 7);
}

static void test_ingest__extra_columns_ignored(void **state)
{
    static const char *rows[] = {
        "id_number,note,name,grid,备注,phone",
        "ID0,whatever,张三,140702001001001,随便,13800000000",
    };
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400];

    import_person_rows(f, rows, 2, path);
    expect_sum(&f->sum, 1, 1, 0, 0, 0);
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.name, "张三");
    assert_string_equal(p.grid, G1);
    assert_string_equal(p.phone, "13800000000");
}

static void test_ingest__columns_in_any_order(void **state)
{
    static const char *rows[] = {
        "phone,grid,household,name,id_number",
        "139,140702001001002,H7,李四,ID1",
    };
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400];

    import_person_rows(f, rows, 2, path);
    expect_sum(&f->sum, 1, 1, 0, 0, 0);
    get_person(f, f->ids[1], &p);
    assert_string_equal(p.id_number, f->ids[1]);
    assert_string_equal(p.name, "李四");
    assert_string_equal(p.grid, G2);
    assert_string_equal(p.phone, "139");
    assert_string_equal(p.household, "H7");
}

static void test_ingest__exact_duplicate_row(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid",
        "ID0,张三,140702001001001",
        "ID0,张三,140702001001001",
        "ID1,李四,140702001001001",
    };
    struct fixture *f = *state;
    char path[400];

    import_person_rows(f, rows, 4, path);
    expect_sum(&f->sum, 3, 2, 0, 1, 0);
    assert_int_equal(count(f, "persons"), 2);
}

static void test_ingest__reimport_is_all_duplicate(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid",
        "ID0,张三,140702001001001",
        "ID1,李四,140702001001001",
        "ID2,王五,140702001001002",
    };
    static const char *samples[] = {
        "tube,id_number,time,site",
        "T1,ID0,2022-08-28T08:00:00+08:00,S1",
        "T1,ID1,2022-08-28T08:00:00+08:00,S1",
        "T2,ID2,2022-08-28 09:00,S2",
    };
    struct fixture *f = *state;
    char ppath[400], spath[400], rpath[400];

    write_file(f, "regions.csv", regions_csv, rpath);
    import_ok(f, FK_IMPORT_REGIONS, rpath);
    expect_sum(&f->sum, 7, 0, 0, 7, 0);
    write_rows(f, "persons.csv", rows, 4, ppath);
    write_rows(f, "samples.csv", samples, 4, spath);
    import_ok(f, FK_IMPORT_PERSONS, ppath);
    expect_sum(&f->sum, 3, 3, 0, 0, 0);
    import_ok(f, FK_IMPORT_SAMPLES, spath);
    expect_sum(&f->sum, 3, 3, 0, 0, 0);
    import_ok(f, FK_IMPORT_PERSONS, ppath);
    expect_sum(&f->sum, 3, 0, 0, 3, 0);
    import_ok(f, FK_IMPORT_SAMPLES, spath);
    expect_sum(&f->sum, 3, 0, 0, 3, 0);
    assert_int_equal(count(f, "regions"), 7);
    assert_int_equal(count(f, "persons"), 3);
    assert_int_equal(count(f, "samples"), 3);
}

/* A lower-case x check character is accepted and stored in upper case, and either spelling
 * finds the person afterwards. */
static void test_ingest__lowercase_x_normalized(void **state)
{
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400], lower[19], buf[256];
    const char *samples[3];

    assert_int_equal(f->ids[1][17], 'X');
    memcpy(lower, f->ids[1], sizeof lower);
    lower[17] = 'x';
    snprintf(buf, sizeof buf, "id_number,name,grid\n %s ,李四,%s\n", lower, G1);
    write_file(f, "persons.csv", buf, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 1, 1, 0, 0, 0);
    get_person(f, f->ids[1], &p);
    assert_string_equal(p.id_number, f->ids[1]);
    samples[0] = "tube,id_number,time";
    samples[1] = "T1,ID1,2022-08-28";
    snprintf(buf, sizeof buf, "T2,%s,2022-08-28", lower);
    samples[2] = buf;
    write_rows(f, "samples.csv", samples, 3, path);
    import_ok(f, FK_IMPORT_SAMPLES, path);
    expect_sum(&f->sum, 2, 2, 0, 0, 0);
}

static void test_ingest__person_new_grid_is_update(void **state)
{
    static const char *first[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                  "ID1,李四,140702001001001"};
    static const char *second[] = {"id_number,name,grid", "ID0,张三,140702001001002",
                                   "ID1,李四,140702001001001"};
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400];
    int64_t id_before;

    import_person_rows(f, first, 3, path);
    get_person(f, f->ids[0], &p);
    id_before = p.id;
    write_rows(f, "persons2.csv", second, 3, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 2, 1, 1, 1, 0);
    assert_int_equal(count(f, "persons"), 2);
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.grid, G2);
    assert_int_equal(p.id, id_before);
}

static void test_ingest__samples_unknown_person(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三,140702001001001"};
    static const char *samples[] = {
        "tube,id_number,time",
        "T1,ID0,2022-08-28T08:00:00+08:00",
        "T1,ID5,2022-08-28T08:00:00+08:00", /* line 3: valid ID, not registered */
        "T2,ID0,yesterday",                 /* line 4: bad time */
        "T3,,2022-08-28",                   /* line 5: no id_number */
        ",ID0,2022-08-28",                  /* line 6: no tube */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    import_person_rows(f, persons, 2, path);
    write_rows(f, "samples.csv", samples, 6, path);
    import_ok(f, FK_IMPORT_SAMPLES, path);
    expect_sum(&f->sum, 5, 1, 0, 0, 4);
    assert_int_equal(count(f, "samples"), 1);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "unknown person");
    expect_reject(rej, 3, f->ids[5]);
    expect_reject(rej, 4, "yesterday");
    expect_reject(rej, 5, "id_number is empty");
    expect_reject(rej, 6, "tube is empty");
}

struct kept {
    int n, result;
    int64_t time;
    char lab[16];
};

static int on_result(void *ud, const struct fk_result_row *r)
{
    struct kept *k = ud;

    if (strcmp(r->tube, "T1") == 0) {
        k->result = r->result;
        k->time = r->time;
        snprintf(k->lab, sizeof k->lab, "%s", r->lab);
    }
    k->n++;
    return 0;
}

static void test_ingest__results(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                    "ID1,李四,140702001001001"};
    static const char *samples[] = {
        "tube,id_number,time",
        "T1,ID0,2022-08-28T08:00:00+08:00",
        "T2,ID1,2022-08-28T08:00:00+08:00",
    };
    static const char *results1[] = {
        "tube,result,time,lab,received",
        "T1,negative,2022-08-28T12:00:00+08:00,LabA,2022-08-28T09:00",
        "T9,negative,2022-08-28T12:00:00+08:00,LabA,", /* line 3: no such tube */
        "T2,maybe,2022-08-28T12:00:00+08:00,LabA,",    /* line 4: not a result */
        "T2,阳性,2022-08-28T13:00:00+08:00,LabB,",
    };
    static const char *results2[] = {
        "tube,result,time,lab",                       /* no received column */
        "T1,positive,2022-08-28T15:00:00+08:00,LabB", /* later: replaces */
        "T1,invalid,2022-08-28T14:00:00+08:00,LabC",  /* earlier than kept: a duplicate */
        "T2,POS,2022-08-28T13:00:00+08:00,LabB",      /* identical */
    };
    struct fixture *f = *state;
    struct kept k;
    char path[400];
    const char *rej;

    import_person_rows(f, persons, 3, path);
    write_rows(f, "samples.csv", samples, 3, path);
    import_ok(f, FK_IMPORT_SAMPLES, path);

    write_rows(f, "results.csv", results1, 5, path);
    import_ok(f, FK_IMPORT_RESULTS, path);
    expect_sum(&f->sum, 4, 2, 0, 0, 2);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "no sample");
    expect_reject(rej, 3, "T9");
    expect_reject(rej, 4, "maybe");
    assert_int_equal(count(f, "results"), 2);

    write_rows(f, "results2.csv", results2, 4, path);
    import_ok(f, FK_IMPORT_RESULTS, path);
    expect_sum(&f->sum, 3, 1, 1, 2, 0);
    memset(&k, 0, sizeof k);
    assert_int_equal(fk_store_each_result(f->st, on_result, &k), FK_OK);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.result, FK_RESULT_POSITIVE);
    assert_string_equal(k.lab, "LabB");
    assert_int_equal(k.time, INT64_C(1661670000)); /* 2022-08-28T15:00:00+08:00 */
}

static void test_ingest__batches(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid",   "ID0,a,140702001001001", "ID1,b,140702001001001",
        "ID2,c,140702001001001", "ID3,d,140702001001002", "ID4,e,140702001001002",
    };
    struct fixture *f = *state;
    char path[400];
    int64_t g0, g1;

    write_rows(f, "persons.csv", rows, 6, path);
    assert_int_equal(fk_store_generation(f->st, &g0), FK_OK);
    assert_int_equal(import_opts(f, FK_IMPORT_PERSONS, path, 2), FK_OK);
    expect_sum(&f->sum, 5, 5, 0, 0, 0);
    assert_int_equal(f->sum.batches, 3);
    assert_int_equal(fk_store_generation(f->st, &g1), FK_OK);
    assert_int_equal(g1, g0 + 3);
    /* The profile's batch_rows applies when the options say 0. */
    f->prof.batch_rows = 2;
    assert_int_equal(import_opts(f, FK_IMPORT_PERSONS, path, 0), FK_OK);
    assert_int_equal(f->sum.batches, 3);
    f->prof.batch_rows = 5;
    assert_int_equal(import_opts(f, FK_IMPORT_PERSONS, path, 0), FK_OK);
    assert_int_equal(f->sum.batches, 1);
    assert_int_equal(count(f, "persons"), 5);
}

struct first_batch {
    fk_store *st;
    int calls, fail;
    int64_t persons_then;
};

/* The server's first-batch hook, in small: an audit row in the first batch's transaction. */
static int on_first_batch(void *ud)
{
    struct first_batch *fb = ud;

    fb->calls++;
    if (fk_store_count(fb->st, "persons", &fb->persons_then) != FK_OK)
        return FK_EDB;
    if (fb->fail)
        return FK_EIO;
    return fk_store_audit(fb->st, "tester", "import", "persons", "begun");
}

static int count_audit(void *ud, const struct fk_audit_row *a)
{
    (void)a;
    (*(int *)ud)++;
    return 0;
}

static int audit_rows(struct fixture *f)
{
    int n = 0;

    assert_int_equal(fk_store_each_audit(f->st, 0, count_audit, &n), FK_OK);
    return n;
}

/* first_batch runs once, before the first row and inside the first batch: what it writes is
 * there after the import; when it fails, the import stops and nothing of the batch stays. */
static void test_ingest__first_batch_hook(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid",   "ID0,a,140702001001001", "ID1,b,140702001001001",
        "ID2,c,140702001001001", "ID3,d,140702001001002", "ID4,e,140702001001002",
    };
    struct fixture *f = *state;
    struct first_batch fb = {f->st, 0, 0, -1};
    struct fk_import_opts o;
    char path[400];
    int audit0 = audit_rows(f);

    write_rows(f, "persons.csv", rows, 6, path);
    memset(&o, 0, sizeof o);
    o.batch_rows = 2;
    o.first_batch = on_first_batch;
    o.first_batch_ud = &fb;
    fb.fail = 1;
    assert_int_not_equal(
        fk_import_file(f->st, &f->prof, FK_IMPORT_PERSONS, path, &o, &f->sum, f->err,
                       sizeof f->err),
        FK_OK);
    assert_int_equal(fb.calls, 1);
    assert_int_equal(count(f, "persons"), 0);
    assert_int_equal(audit_rows(f), audit0);
    fb.fail = 0;
    fb.calls = 0;
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_PERSONS, path, &o, &f->sum,
                                    f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(f->sum.batches, 3);
    assert_int_equal(fb.calls, 1);
    assert_int_equal(fb.persons_then, 0);
    assert_int_equal(count(f, "persons"), 5);
    assert_int_equal(audit_rows(f), audit0 + 1);
}

/* Converts the UTF-8 text to GBK with iconv into out (cap bytes); returns the length. */
static size_t to_gbk(const char *text, char *out, size_t cap)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    char *in = (char *)text, *o = out;
    size_t inleft = strlen(text), outleft = cap;

    assert_true(cd != (iconv_t)-1);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    assert_int_equal(inleft, 0);
    iconv_close(cd);
    return cap - outleft;
}

static void test_ingest__gbk_file(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid,household",
        "ID0,张三,140702001001001,锦纶小区1号楼",
        "ID1,李四,140702001001002,",
    };
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400], gbk[1024];
    size_t n;

    n = to_gbk(compose(f, rows, 3), gbk, sizeof gbk);
    assert_true(n < f->csv.len);               /* two bytes a character instead of three */
    assert_true(memchr(gbk, 0xD5, n) != NULL); /* 张 is D5 C5 in GBK */
    write_bytes(path_of(f, "persons-gbk.csv", path), gbk, n);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 2, 2, 0, 0, 0);
    assert_string_equal(f->sum.encoding, "gb18030");
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.name, "张三");
    assert_string_equal(p.household, "锦纶小区1号楼");
    get_person(f, f->ids[1], &p);
    assert_string_equal(p.name, "李四");
}

static void test_ingest__bom_and_crlf(void **state)
{
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400];
    fk_buf b;

    fk_buf_init(&b, 0);
    assert_int_equal(fk_buf_printf(&b,
                                   "\xEF\xBB\xBFid_number,name,grid\r\n%s,张三,%s\r\n"
                                   "%s,李四,%s\r\n",
                                   f->ids[0], G1, f->ids[1], G2),
                     FK_OK);
    write_bytes(path_of(f, "persons-bom.csv", path), b.data, b.len);
    fk_buf_fini(&b);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 2, 2, 0, 0, 0);
    assert_string_equal(f->sum.encoding, "utf-8");
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.name, "张三");
    assert_string_equal(p.grid, G1); /* no CR left on the last field */
    get_person(f, f->ids[1], &p);
    assert_string_equal(p.grid, G2);
}

static void test_ingest__stale_rejects_removed(void **state)
{
    static const char *bad[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                "ID1,李四,nowhere"};
    static const char *good[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                 "ID1,李四,140702001001001"};
    struct fixture *f = *state;
    char path[400], rpath[420];

    import_person_rows(f, bad, 3, path);
    expect_sum(&f->sum, 2, 1, 0, 0, 1);
    snprintf(rpath, sizeof rpath, "%s.rejects.csv", path);
    assert_non_null(read_text(f, rpath));
    /* The file is fixed and imported again: the old rejects would mislead, so they go. */
    compose(f, good, 3);
    write_bytes(path, f->csv.data, f->csv.len);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 2, 1, 0, 1, 0);
    assert_string_equal(f->sum.rejects_path, "");
    assert_null(read_text(f, rpath));
    /* A file fangkong did not write (its first line is not the rejects header) stays: before,
     * it was deleted. Rejects go beside it. */
    write_bytes(rpath, "line,note,raw\n9,old,x\n", 22);
    import_ok(f, FK_IMPORT_PERSONS, path);
    assert_string_equal(read_text(f, rpath), "line,note,raw\n9,old,x\n");
    compose(f, bad, 3);
    write_bytes(path, f->csv.data, f->csv.len);
    import_ok(f, FK_IMPORT_PERSONS, path);
    assert_string_equal(read_text(f, rpath), "line,note,raw\n9,old,x\n");
    snprintf(rpath, sizeof rpath, "%s.rejects-2.csv", path);
    assert_string_equal(f->sum.rejects_path, rpath);
    expect_reject(read_text(f, rpath), 3, "unknown grid nowhere");
    /* The next run replaces its own rejects-2 file, and leaves the other alone. */
    import_ok(f, FK_IMPORT_PERSONS, path);
    assert_string_equal(f->sum.rejects_path, rpath);
    assert_int_equal(reject_records(read_text(f, rpath)), 1);
}

/* What another import of the same file writes, between this import settling on its rejects file
 * and rejecting its first row. */
static void another_import_rejects(const char *path)
{
    write_bytes(path, FK_REJECTS_HEADER "2,theirs,x\n", strlen(FK_REJECTS_HEADER) + 11);
}

/* Two imports of one file at once: the one that rejects a row second steps aside to the next
 * name, and the other's rejects stay whole. Before, the second failed on O_EXCL ("cannot write
 * the rejects file: File exists") and its whole import was lost; CI's suite, whose tests import
 * tests/data's files side by side, lost a registry that way. */
static void test_ingest__rejects_race_steps_aside(void **state)
{
    static const char *bad[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                "ID1,李四,nowhere"};
    struct fixture *f = *state;
    char path[400], rpath[420], theirs[420];

    write_rows(f, "persons.csv", bad, 3, path);
    snprintf(theirs, sizeof theirs, "%s.rejects.csv", path);
    fk__ingest_on_rejects_settled(another_import_rejects);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 2, 1, 0, 0, 1);
    snprintf(rpath, sizeof rpath, "%s.rejects-2.csv", path);
    assert_string_equal(f->sum.rejects_path, rpath);
    expect_reject(read_text(f, rpath), 3, "unknown grid nowhere");
    assert_string_equal(read_text(f, theirs), FK_REJECTS_HEADER "2,theirs,x\n");
}

static int import_rejects(struct fixture *f, enum fk_import_type t, const char *path,
                          const char *rejects)
{
    struct fk_import_opts o;

    memset(&o, 0, sizeof o);
    o.rejects_path = rejects;
    f->err[0] = '\0';
    return fk_import_file(f->st, &f->prof, t, path, &o, &f->sum, f->err, sizeof f->err);
}

/* --rejects PATH never deletes or overwrites a file fangkong did not write, nor the input:
 * before, the path was unlinked up front whatever it was. */
static void test_ingest__rejects_path_never_clobbers(void **state)
{
    static const char *bad[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                "ID1,李四,nowhere"};
    struct fixture *f = *state;
    char path[400], other[400], hard[400], input[4096];
    size_t n;

    write_rows(f, "persons.csv", bad, 3, path);
    n = f->csv.len;
    memcpy(input, f->csv.data, n);
    input[n] = '\0';
    /* The input itself, by its name and through a link. */
    assert_int_equal(import_rejects(f, FK_IMPORT_PERSONS, path, path), FK_EINVAL);
    assert_non_null(strstr(f->err, "is the input file"));
    assert_string_equal(read_text(f, path), input);
    path_of(f, "hard.csv", hard);
    assert_int_equal(link(path, hard), 0);
    assert_int_equal(import_rejects(f, FK_IMPORT_PERSONS, path, hard), FK_EINVAL);
    assert_string_equal(read_text(f, path), input);
    assert_int_equal(count(f, "persons"), 0);
    /* Someone else's file. */
    write_file(f, "notes.csv", "my,notes\n", other);
    assert_int_equal(import_rejects(f, FK_IMPORT_PERSONS, path, other), FK_EINVAL);
    assert_non_null(strstr(f->err, "fangkong did not write it"));
    assert_string_equal(read_text(f, other), "my,notes\n");
    /* A fresh path is created; the same path next time is fangkong's own and is replaced. */
    path_of(f, "out.csv", other);
    assert_int_equal(import_rejects(f, FK_IMPORT_PERSONS, path, other), FK_OK);
    expect_reject(read_text(f, other), 3, "unknown grid nowhere");
    assert_int_equal(import_rejects(f, FK_IMPORT_PERSONS, path, other), FK_OK);
    assert_int_equal(reject_records(read_text(f, other)), 1);
}

static int import_at(struct fixture *f, enum fk_import_type t, const char *path, int64_t now)
{
    struct fk_import_opts o;

    memset(&o, 0, sizeof o);
    o.now = now;
    f->err[0] = '\0';
    return fk_import_file(f->st, &f->prof, t, path, &o, &f->sum, f->err, sizeof f->err);
}

/* Text fields refuse TAB and other C0 controls, DEL, C1 controls and bidirectional overrides;
 * bytes that are not UTF-8 name the field and the byte; "ab"c is a rejected row. Before, TAB
 * went through as a control only by luck of the check, and DEL, U+202E, the stray bytes and
 * "ab"c were stored. */
static void test_ingest__text_fields_refuse_controls_and_bidi(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid,household",
        "ID0,张三,140702001001001,H1",           /* line 2: fine */
        "ID1,李\t四,140702001001001,H1",         /* line 3: TAB */
        "ID2,王五\x7f,140702001001001,H1",       /* line 4: DEL */
        "ID3,gpj\xe2\x80\xae" "exe,140702001001001,", /* line 5: U+202E */
        "ID4,a\xe2\x81\xa6" "b,140702001001001,",     /* line 6: U+2066 */
        "ID5,ab\xff,140702001001001,",           /* line 7: not UTF-8 */
        "ID6,\"ab\"c,140702001001001,",           /* line 8: "ab"c */
        "ID7,x\xc2\x85y,140702001001001,",        /* line 9: C1 control U+0085 */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    import_person_rows(f, rows, 9, path);
    expect_sum(&f->sum, 8, 1, 0, 0, 7);
    assert_string_equal(f->sum.encoding, "utf-8");
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "name holds a control character U+0009 at byte 4");
    expect_reject(rej, 4, "name holds a control character U+007F at byte 7");
    expect_reject(rej, 5, "name holds a bidirectional control U+202E at byte 4");
    expect_reject(rej, 6, "name holds a bidirectional control U+2066 at byte 2");
    expect_reject(rej, 7, "invalid UTF-8 in field name at byte 3");
    expect_reject(rej, 8, "a quote inside a field must be doubled");
    expect_reject(rej, 9, "name holds a control character U+0085 at byte 2");
    assert_non_null(strstr(rej, ",ab?,")); /* the rejects file holds text only */
    assert_int_equal(count(f, "persons"), 1);
}

static void test_ingest__duplicate_header_column(void **state)
{
    static const char *rows[] = {"id_number,name,grid,Name", "ID0,张三,140702001001001,李四"};
    struct fixture *f = *state;
    char path[400];

    write_rows(f, "persons.csv", rows, 2, path);
    assert_int_equal(import_opts(f, FK_IMPORT_PERSONS, path, 0), FK_EINVAL);
    assert_non_null(strstr(f->err, "the header names column 'name' twice (columns 2 and 4)"));
    assert_int_equal(count(f, "persons"), 0);
}

/* Event times outside 1900-01-01 .. now + 1 day are rejected, so a result typed in 2202 cannot
 * stand as the newest and hide the correction; a resident born after today is rejected. Now is
 * passed in: 2022-08-30T12:00:00+08:00. */
static void test_ingest__times_and_births_in_range(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                    "ID1,李四,140702001001001"};
    static const char *samples[] = {
        "tube,id_number,time",
        "T1,ID0,2022-08-28T08:00:00+08:00",
        "T2,ID0,2202-08-28T08:00:00+08:00", /* line 3: a mistyped year */
        "T3,ID0,1899-12-31T23:59:59+08:00", /* line 4: before 1900 */
        "T4,ID0,2022-08-31T11:59:00+08:00", /* line 5: within a day ahead: a fast clock */
        "T5,ID0,2022-08-31T12:00:01+08:00", /* line 6: more than a day ahead */
    };
    static const char *results[] = {
        "tube,result,time",
        "T1,negative,2202-08-28T12:00:00+08:00", /* line 2: the typo */
        "T1,positive,2022-08-28T12:00:00+08:00", /* line 3: the correct result stands */
    };
    const int64_t now = INT64_C(1661832000);
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    make_id("14070220220831001", f->ids[1]); /* born tomorrow */
    write_rows(f, "persons.csv", persons, 3, path);
    assert_int_equal(import_at(f, FK_IMPORT_PERSONS, path, now), FK_OK);
    expect_sum(&f->sum, 2, 1, 0, 0, 1);
    expect_reject(read_text(f, rejects_of(path)), 3,
                  "birth date 20220831 is after today (2022-08-30)");

    write_rows(f, "samples.csv", samples, 6, path);
    assert_int_equal(import_at(f, FK_IMPORT_SAMPLES, path, now), FK_OK);
    expect_sum(&f->sum, 5, 2, 0, 0, 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "time '2202-08-28T08:00:00+08:00' is after 2022-08-31T12:00:00+08:00");
    expect_reject(rej, 4, "is before 1900-01-01");
    expect_reject(rej, 6, "a mistyped year?");

    write_rows(f, "results.csv", results, 3, path);
    assert_int_equal(import_at(f, FK_IMPORT_RESULTS, path, now), FK_OK);
    expect_sum(&f->sum, 2, 1, 0, 0, 1);
    assert_int_equal(count(f, "results"), 1);
}

/* A re-import that changes residents says which fields, so a mass rename shows. */
static void test_ingest__update_counts_changed_fields(void **state)
{
    static const char *first[] = {"id_number,name,grid,phone", "ID0,张三,140702001001001,138",
                                  "ID1,李四,140702001001001,139", "ID2,王五,140702001001001,137"};
    static const char *second[] = {"id_number,name,grid,phone", "ID0,张三,140702001001001,130",
                                   "ID1,李斯,140702001001002,131", "ID2,王五,140702001001001,137"};
    struct fixture *f = *state;
    char path[400];

    import_person_rows(f, first, 4, path);
    assert_int_equal(f->sum.changed_name + f->sum.changed_phone, 0);
    write_rows(f, "persons2.csv", second, 4, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
    expect_sum(&f->sum, 3, 2, 2, 1, 0);
    assert_int_equal(f->sum.changed_phone, 2);
    assert_int_equal(f->sum.changed_name, 1);
    assert_int_equal(f->sum.changed_grid, 1);
    assert_int_equal(f->sum.changed_household, 0);
    assert_int_equal(f->sum.changed_tags, 0);
    assert_int_equal(f->sum.changed_id_type, 0);
}

static void test_ingest__updated_text(void **state)
{
    struct fk_import_summary s;
    char out[128];

    (void)state;
    memset(&s, 0, sizeof s);
    assert_string_equal(fk_import_updated_text(&s, out, sizeof out), "");
    s.updated = 1203;
    s.changed_phone = 1198;
    s.changed_name = 5;
    assert_string_equal(fk_import_updated_text(&s, out, sizeof out),
                        "1 203 updated: 1 198 phone, 5 name");
    s.updated = 1234567;
    s.changed_grid = 5;
    s.changed_phone = 0;
    assert_string_equal(fk_import_updated_text(&s, out, sizeof out),
                        "1 234 567 updated: 5 name, 5 grid");
}

static void test_ingest__line_numbers_count_physical_lines(void **state)
{
    static const char *rows[] = {
        "id_number,name,grid",
        "ID0,\"张\n三\",140702001001001", /* lines 2-3: a line break inside a quoted name */
        "",                               /* line 4: empty, skipped */
        "ID1,李四,nowhere",               /* line 5 */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    import_person_rows(f, rows, 4, path);
    expect_sum(&f->sum, 2, 0, 0, 0, 2);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 2, "control character");
    expect_reject(rej, 5, "unknown grid nowhere");
}

/* ---- scope: an actor writes only inside its region, before and after ---- */

#define TG "140703001001001" /* a grid of 太谷区, outside 榆次区 */

/* Adds 太谷区 with one grid beside 榆次区, as the local administrator. */
static void add_taigu(struct fixture *f)
{
    static const char *rows[] = {
        "code,name,level,parent",
        "140703,太谷区,county,1407",
        "140703001,明星镇,township,140703",
        "140703001001,明星村,community,140703001",
        "140703001001001,明星一网格,grid,140703001001",
    };
    char path[400];

    write_rows(f, "taigu.csv", rows, 5, path);
    import_ok(f, FK_IMPORT_REGIONS, path);
}

/* Imports path as type t acting as an account of role in scope. */
static int import_as(struct fixture *f, enum fk_import_type t, const char *path, enum fk_role role,
                     const char *scope)
{
    struct fk_actor a = {"clerk", role, scope};
    struct fk_import_opts o;

    memset(&o, 0, sizeof o);
    o.actor = &a;
    f->err[0] = '\0';
    return fk_import_file(f->st, &f->prof, t, path, &o, &f->sum, f->err, sizeof f->err);
}


/* Cold chain (issue 16): a good row of each kind, each reject reason, a result for a batch the
 * store or an earlier row knows (and not for one only a later row names), unregistered workers
 * accepted by a valid ID, and a re-import that adds nothing. */
static void test_ingest__coldchain(void **state)
{
    static const char *rows[] = {
        "batch,event,time,site,product,origin,id_number,result",
        "B1,arrive,2022-08-20T08:00:00+08:00,PORT1,带鱼,厄瓜多尔,ID5,",   /* ok: unregistered */
        "B1,入库,2022-08-21T09:00:00+08:00,CS1,,,ID1,",                  /* ok: Chinese event */
        "B1,thaw,2022-08-21T10:00:00+08:00,CS1,,,,",                      /* 4: unknown event */
        "B1,result,2022-08-22T10:00:00+08:00,CS1,,,,",                    /* 5: no result */
        "B1,result,2022-08-22T10:00:00+08:00,CS1,,,,maybe",               /* 6: bad result */
        "B9,result,2022-08-22T10:00:00+08:00,CS1,,,,positive",            /* 7: never seen */
        "B1,store,2022-08-22T10:00:00+08:00,CS1,,,,positive",             /* 8: not a result */
        "B1,sell,2022-08-23T10:00:00+08:00,MKT1,,,BADID,",                /* 9: bad id */
        "B1,sell,soon,MKT1,,,,",                                          /* 10: bad time */
        "B1,result,2022-08-22T11:00:00+08:00,CS1,,,,阳性",                /* ok */
        "B2,result,2022-08-22T11:00:00+08:00,CS1,,,,negative",            /* 12: B2 only later */
        "B2,arrive,2022-08-20T09:00:00+08:00,PORT1,,,,",                  /* ok */
        ",sell,2022-08-23T10:00:00+08:00,,,,,",                           /* 14: no batch, site */
    };
    static const char *again[] = {
        "batch,event,time,site,result",
        "B1,result,2022-08-23T11:00:00+08:00,CS1,positive", /* B1 from the store */
    };
    struct fixture *f = *state;
    char path[400], bad[19], *p, *text;
    const char *rej;

    /* A resident ID with a wrong check character stands in for BADID. */
    memcpy(bad, f->ids[0], sizeof bad);
    bad[17] = bad[17] == '1' ? '2' : '1';
    text = strdup(compose(f, rows, sizeof rows / sizeof rows[0]));
    assert_non_null(text);
    p = strstr(text, "BADID");
    assert_non_null(p);
    fk_buf_reset(&f->csv);
    assert_int_equal(fk_buf_append(&f->csv, text, (size_t)(p - text)), FK_OK);
    assert_int_equal(fk_buf_puts(&f->csv, bad), FK_OK);
    assert_int_equal(fk_buf_puts(&f->csv, p + 5), FK_OK);
    free(text);
    path_of(f, "coldchain.csv", path);
    write_bytes(path, f->csv.data, f->csv.len);
    import_ok(f, FK_IMPORT_COLDCHAIN, path);
    expect_sum(&f->sum, 13, 4, 0, 0, 9);
    assert_int_equal(count(f, "coldchain"), 4);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 4, "event 'thaw' is not arrive, store, sample, result");
    expect_reject(rej, 5, "a result event needs a result");
    expect_reject(rej, 6, "result 'maybe' is not positive or negative");
    expect_reject(rej, 7, "result for batch B9, which was never seen");
    expect_reject(rej, 8, "a store event carries no result");
    expect_reject(rej, 9, "id_number");
    expect_reject(rej, 10, "time 'soon'");
    expect_reject(rej, 12, "result for batch B2, which was never seen");
    expect_reject(rej, 14, "batch is empty");
    expect_reject(rej, 14, "site is empty");

    /* The same file again adds nothing twice; only B2's result, whose batch the store now
     * holds, is taken this time. */
    import_ok(f, FK_IMPORT_COLDCHAIN, path_of(f, "coldchain.csv", path));
    expect_sum(&f->sum, 13, 1, 0, 4, 8);
    assert_int_equal(count(f, "coldchain"), 5);
    import_ok(f, FK_IMPORT_COLDCHAIN, path_of(f, "coldchain.csv", path));
    expect_sum(&f->sum, 13, 0, 0, 5, 8);
    assert_int_equal(count(f, "coldchain"), 5);

    /* A later file's result for a batch the store holds is taken. */
    write_rows(f, "coldchain2.csv", again, 2, path);
    import_ok(f, FK_IMPORT_COLDCHAIN, path);
    expect_sum(&f->sum, 1, 1, 0, 0, 0);
    assert_int_equal(count(f, "coldchain"), 6);
}

/* The reason of the reject of input line `line`, with every ID number of f->ids written as
 * "ID", into out: so two rows about different persons can be compared. */
static void reason_of(struct fixture *f, const char *rejects, unsigned line, char *out, size_t cap)
{
    char key[32], *p;
    const char *r, *eol;
    int k;

    snprintf(key, sizeof key, "\n%u,", line);
    r = strstr(rejects, key);
    if (!r)
        fail_msg("no reject for line %u in:\n%s", line, rejects);
    r += strlen(key);
    eol = strchr(r, '\n');
    snprintf(out, cap, "%.*s", (int)(eol ? eol - r : (long)strlen(r)), r);
    /* The reason is the field before the raw row: cut at the last comma-quote or comma. */
    p = strstr(out, ",\"");
    if (!p)
        p = strrchr(out, ',');
    if (p)
        *p = '\0';
    for (k = 0; k < 8; k++) {
        while ((p = strstr(out, f->ids[k])) != NULL) {
            memcpy(p, "ID", 2);
            memmove(p + 2, p + 18, strlen(p + 18) + 1);
        }
    }
}

static void test_ingest__scope_persons_before_and_after(void **state)
{
    static const char *setup_rows[] = {"id_number,name,grid", "ID0,张三," G1, "ID2,王五," TG};
    static const char *rows[] = {
        "id_number,name,grid", "ID3,新人,140702001001002", /* new, inside: imported */
        "ID4,外人," TG,                                    /* line 3: new, outside */
        "ID2,王五," G1,                                    /* line 4: lives outside now, moved in */
        "ID0,张三," TG,                                    /* line 5: lives inside now, moved out */
        "ID0,张三丰," G1,                                  /* renamed inside: imported */
    };
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400], want[300];
    const char *rej;

    add_taigu(f);
    write_rows(f, "setup.csv", setup_rows, 3, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
    write_rows(f, "persons.csv", rows, 6, path);
    assert_int_equal(import_as(f, FK_IMPORT_PERSONS, path, FK_ROLE_COUNTY, "140702"), FK_OK);
    expect_sum(&f->sum, 5, 2, 1, 0, 3);
    rej = read_text(f, rejects_of(path));
    snprintf(want, sizeof want,
             "resident %s lives in 太谷区 (140703), outside your scope 榆次区 (140702)", f->ids[4]);
    expect_reject(rej, 3, want);
    snprintf(want, sizeof want, "resident %s is registered outside your scope", f->ids[2]);
    expect_reject(rej, 4, want);
    expect_reject(rej, 5, "lives in 太谷区 (140703), outside your scope 榆次区 (140702)");
    get_person(f, f->ids[2], &p);
    assert_string_equal(p.grid, TG);
    get_person(f, f->ids[0], &p);
    assert_string_equal(p.grid, G1);
    assert_string_equal(p.name, "张三丰");
    /* A grid account's scope is its grid: the next grid is outside. */
    write_rows(f, "persons2.csv", (const char *const[]){"id_number,name,grid", "ID0,张三," G2}, 2,
               path);
    assert_int_equal(import_as(f, FK_IMPORT_PERSONS, path, FK_ROLE_GRID, G1), FK_OK);
    expect_sum(&f->sum, 1, 0, 0, 0, 1);
    expect_reject(read_text(f, rejects_of(path)), 2, "lives in 二网格 (" G2 ")");
}

/* Sentinel signals: a good row of each shape, each reason a row is rejected for, a re-import
 * that adds nothing, a new count that replaces, and a grid account's scope. */
static void test_ingest__sentinels(void **state)
{
    static const char *rows[] = {
        "source,kind,time,grid,count,id_number",
        "FC1,fever_clinic,2022-08-28T08:00:00+08:00," G1 ",3,",
        "PH1,药店,2022-08-28T09:00:00+08:00," G1 ",,ID0",   /* count 1; a registered buyer */
        "PH1,pharmacy,2022-08-28T09:05:00+08:00," G2 ",1,ID4", /* a buyer outside the registry */
        "X1,hospital,2022-08-28T08:00:00+08:00," G1 ",1,",      /* line 5: unknown kind */
        "X2,school,2022-08-28T08:00:00+08:00,999999,1,",        /* line 6: unknown grid */
        "X3,school,2022-08-28T08:00:00+08:00,140702001001,1,",  /* line 7: not a grid */
        "X4,school,2022-08-28T08:00:00+08:00," G1 ",0,",        /* line 8: count 0 */
        "X5,school,2022-08-28T08:00:00+08:00," G1 ",100001,",   /* line 9: count too big */
        "X6,school,2022-08-28T08:00:00+08:00," G1 ",two,",      /* line 10: not a number */
        "X7,pharmacy,2022-08-28T08:00:00+08:00," G1 ",1,140702199001011230", /* line 11 */
    };
    static const char *again[] = {
        "source,kind,time,grid,count,id_number",
        "FC1,fever_clinic,2022-08-28T08:00:00+08:00," G1 ",5,", /* a new count */
        "PH1,药店,2022-08-28T09:00:00+08:00," G1 ",,ID0",       /* the same */
        "PH1,pharmacy,2022-08-28T09:05:00+08:00," G2 ",1,ID4",
    };
    static const char *outside[] = {
        "source,kind,time,grid",
        "S1,station,2022-08-28T08:00:00+08:00," G1,
        "S2,station,2022-08-28T08:00:00+08:00," G2, /* line 3: outside a grid account of G1 */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    write_rows(f, "sentinels.csv", rows, 11, path);
    import_ok(f, FK_IMPORT_SENTINELS, path);
    expect_sum(&f->sum, 10, 3, 0, 0, 7);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 5, "kind 'hospital' is not fever_clinic");
    expect_reject(rej, 6, "unknown grid 999999");
    expect_reject(rej, 7, "not a grid");
    expect_reject(rej, 8, "count '0' is not a whole number from 1 to 100000");
    expect_reject(rej, 9, "count '100001'");
    expect_reject(rej, 10, "count 'two'");
    expect_reject(rej, 11, "id_number 140702199001011230");
    assert_int_equal(count(f, "sentinels"), 3);

    write_rows(f, "sentinels2.csv", again, 4, path);
    import_ok(f, FK_IMPORT_SENTINELS, path);
    expect_sum(&f->sum, 3, 1, 1, 2, 0);
    import_ok(f, FK_IMPORT_SENTINELS, path);
    expect_sum(&f->sum, 3, 0, 0, 3, 0);
    assert_int_equal(count(f, "sentinels"), 3);

    write_rows(f, "sentinels3.csv", outside, 3, path);
    assert_int_equal(import_as(f, FK_IMPORT_SENTINELS, path, FK_ROLE_GRID, G1), FK_OK);
    expect_sum(&f->sum, 2, 1, 0, 0, 1);
    expect_reject(read_text(f, rejects_of(path)), 3, "outside your scope");
}

static void test_ingest__scope_outsider_answers_as_unknown(void **state)
{
    static const char *setup_rows[] = {"id_number,name,grid", "ID0,张三," G1, "ID2,王五," TG};
    static const struct {
        enum fk_import_type t;
        const char *header, *row; /* row: %s is the ID number's placeholder */
    } types[] = {
        {FK_IMPORT_SAMPLES, "tube,id_number,time", "T-%s,%s,2022-08-28T08:00:00+08:00"},
        {FK_IMPORT_SCANS, "id_number,venue,time", "%.0s%s,V1,2022-08-28T08:00:00+08:00"},
        {FK_IMPORT_PINGS, "id_number,cell,time", "%.0s%s,C1,2022-08-28T08:00:00+08:00"},
        {FK_IMPORT_CASES, "id_number,confirmed", "%.0s%s,2022-08-28T08:00:00+08:00"},
        {FK_IMPORT_CONTROLS, "id_number,category,place,start",
         "%.0s%s,close,home,2022-08-28T08:00:00+08:00"},
        {FK_IMPORT_DOOR_EVENTS, "device,id_number,time,event",
         "D-%s,%s,2022-08-28T08:00:00+08:00,open"},
        {FK_IMPORT_VACCINATIONS, "id_number,dose,time", "%.0s%s,1,2022-08-28T08:00:00+08:00"},
    };
    struct fixture *f = *state;
    char path[400], a[600], b[600], c[600];
    const char *ids[3];
    size_t i, k;

    add_taigu(f);
    write_rows(f, "setup.csv", setup_rows, 3, path);
    import_ok(f, FK_IMPORT_PERSONS, path);
    write_rows(f, "venues.csv", (const char *const[]){"code,name,grid", "V1,超市," G1}, 2, path);
    import_ok(f, FK_IMPORT_VENUES, path);
    ids[0] = f->ids[0]; /* inside */
    ids[1] = f->ids[2]; /* registered outside */
    ids[2] = f->ids[5]; /* unknown */
    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        fk_buf_reset(&f->csv);
        assert_int_equal(fk_buf_printf(&f->csv, "%s\n", types[i].header), FK_OK);
        for (k = 0; k < 3; k++) {
            assert_int_equal(fk_buf_printf(&f->csv, types[i].row, ids[k], ids[k]), FK_OK);
            assert_int_equal(fk_buf_putc(&f->csv, '\n'), FK_OK);
        }
        write_bytes(path_of(f, "rows.csv", path), f->csv.data, f->csv.len);
        assert_int_equal(import_as(f, types[i].t, path, FK_ROLE_COUNTY, "140702"), FK_OK);
        if (f->sum.read != 3 || f->sum.rejected < 2)
            fail_msg("%s: %llu read, %llu rejected", fk_import_type_name(types[i].t),
                     (unsigned long long)f->sum.read, (unsigned long long)f->sum.rejected);
        read_text(f, rejects_of(path));
        reason_of(f, f->text, 3, a, sizeof a);
        reason_of(f, f->text, 4, b, sizeof b);
        if (strcmp(a, b) != 0)
            fail_msg("%s: a resident outside the scope hears '%s', an unknown one '%s'",
                     fk_import_type_name(types[i].t), a, b);
        assert_non_null(strstr(a, "unknown person"));
        if (types[i].t != FK_IMPORT_DOOR_EVENTS) {
            assert_int_equal(f->sum.accepted, 1);
        } else {
            /* The inside row fails only for its unregistered sensor. */
            reason_of(f, f->text, 2, c, sizeof c);
            assert_null(strstr(c, "unknown person"));
        }
    }
}

/* Vaccinations: a good row, each reason (dose out of 1..9 or not a number, unknown person, a dose
 * before the resident ID's birth date, a bad time), a passport holder whose date is not checked,
 * a re-import that adds nothing and a row that replaces its (person, dose). */
static void test_ingest__vaccinations(void **state)
{
    static const char *persons[] = {"id_number,name,grid,id_type", "ID0,张三,140702001001001,",
                                    "E12345678,约翰,140702001001001,passport"};
    static const char *rows[] = {
        "id_number,dose,time,vaccine,site",
        "ID0,1,2021-05-01T09:00:00+08:00,CoronaVac,锦纶社区卫生服务站",
        "ID0,0,2021-06-01", /* line 3: dose 0 */
        "ID0,10,2021-06-01", /* line 4: dose 10 */
        "ID0,x,2021-06-01", /* line 5: not a number */
        "ID5,1,2021-06-01", /* line 6: not registered */
        "ID0,2,1989-12-31T23:59:59+08:00", /* line 7: the second before the birth date */
        "ID0,3,someday", /* line 8: bad time */
        "E12345678,1,1950-01-01", /* line 9: no birth date to check */
        "ID0,2,1990-01-01T00:00:00+08:00", /* line 10: on the birth day itself */
    };
    static const char *again[] = {
        "id_number,dose,time,vaccine,site",
        "ID0,1,2021-05-01T09:00:00+08:00,CoronaVac,锦纶社区卫生服务站", /* the same */
        "ID0,2,2021-06-01T09:00:00+08:00,CoronaVac,", /* replaces dose 2 */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    import_person_rows(f, persons, 3, path);
    write_rows(f, "vaccinations.csv", rows, 10, path);
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_VACCINATIONS, path, NULL, &f->sum,
                                    f->err, sizeof f->err),
                     FK_OK);
    expect_sum(&f->sum, 9, 3, 0, 0, 6);
    assert_int_equal(count(f, "vaccinations"), 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "dose '0' is not a dose number from 1 to 9");
    expect_reject(rej, 4, "dose '10' is not");
    expect_reject(rej, 5, "dose 'x' is not");
    expect_reject(rej, 6, "unknown person");
    expect_reject(rej, 7, "time 1989-12-31T23:59:59+08:00 is before the person's birth date "
                          "1990-01-01");
    expect_reject(rej, 8, "someday");
    write_rows(f, "again.csv", again, 3, path);
    import_ok(f, FK_IMPORT_VACCINATIONS, path);
    expect_sum(&f->sum, 2, 1, 1, 1, 0);
    assert_int_equal(count(f, "vaccinations"), 3);
}

/* Response events (issue 17): a case's onsite and activated events; the case must be one, the
 * event one of the two, the time not before the case's start (reported when given). A cases file
 * without the reported column keeps the stored time. */
/* Risk zones (issue 18): levels and their Chinese names, regions split on ';' (or ',') and kept
 * joined by ';', each reason, and a re-import that adds nothing. */
static void test_ingest__zones(void **state)
{
    static const char *rows[] = {
        "name,level,regions,declared,lifted,reason",
        "Z1,封控区,140702001001001 ; 140702001001002,2022-08-25T12:00:00+08:00,,病例",
        "Z2,red,140702001001,2022-08-25,,",                   /* line 3: no such level */
        "Z3,control,140702001001;140799,2022-08-25,,",        /* line 4: an unknown region */
        "Z4,control,1407,2022-08-25,,",                       /* line 5: the city */
        "Z5,control,140702001001,2022-08-25,2022-08-24,",     /* line 6: lifted before declared */
        "Z6,precaution,140702001001,2022-08-20,2022-08-27,", /* lifted */
    };
    static const char *again[] = {
        "reason,lifted,declared,regions,level,name",
        "病例,,2022-08-25T12:00:00+08:00,140702001001001;140702001001002,lockdown,Z1", /* same */
        ",2022-08-28,2022-08-20,140702001001,precaution,Z6", /* a later lift: updated */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    write_rows(f, "zones.csv", rows, 7, path);
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_ZONES, path, NULL, &f->sum, f->err,
                                    sizeof f->err),
                     FK_OK);
    expect_sum(&f->sum, 6, 2, 0, 0, 4);
    assert_int_equal(count(f, "zones"), 2);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "level 'red' is not lockdown, control or precaution");
    expect_reject(rej, 4, "unknown region 140799 (import regions first)");
    expect_reject(rej, 5, "region 1407 is a city: a zone covers regions below the city");
    expect_reject(rej, 6, "lifted 2022-08-24T00:00:00+08:00 is before declared "
                          "2022-08-25T00:00:00+08:00");
    write_rows(f, "again.csv", again, 3, path);
    import_ok(f, FK_IMPORT_ZONES, path);
    expect_sum(&f->sum, 2, 1, 1, 1, 0);
    assert_int_equal(count(f, "zones"), 2);
}

static void test_ingest__incident_events(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三,140702001001001",
                                    "ID1,李四,140702001001001"};
    static const char *cases[] = {
        "id_number,confirmed,reported",
        "ID0,2022-08-25T09:00:00+08:00,2022-08-25T08:30:00+08:00",
    };
    static const char *old_cases[] = {"id_number,confirmed", "ID0,2022-08-25T09:00:00+08:00"};
    static const char *rows[] = {
        "case,event,time,note",
        "ID0,onsite,2022-08-25T08:50:00+08:00,流调组到场", /* before confirmed, after reported */
        "ID0,arrived,2022-08-25T09:00:00+08:00",            /* line 3: no such event */
        "ID1,onsite,2022-08-25T09:00:00+08:00",             /* line 4: not a case */
        "ID0,activated,2022-08-25T08:29:59+08:00",          /* line 5: a second early */
        "ID5,onsite,2022-08-25T09:00:00+08:00",             /* line 6: not registered */
        "ID0,启动,2022-08-25T08:30:00+08:00,",              /* at the start itself */
    };
    static const char *again[] = {
        "note,time,event,case",
        "流调组到场,2022-08-25T08:50:00+08:00,onsite,ID0", /* the same */
        "改,2022-08-25T08:30:00+08:00,activated,ID0",      /* replaces the note */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    import_person_rows(f, persons, 3, path);
    write_rows(f, "cases.csv", cases, 2, path);
    import_ok(f, FK_IMPORT_CASES, path);
    write_rows(f, "incident_events.csv", rows, 7, path);
    assert_int_equal(fk_import_file(f->st, &f->prof, FK_IMPORT_INCIDENT_EVENTS, path, NULL,
                                    &f->sum, f->err, sizeof f->err),
                     FK_OK);
    expect_sum(&f->sum, 6, 2, 0, 0, 4);
    assert_int_equal(count(f, "incident_events"), 2);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "event 'arrived' is not onsite or activated");
    expect_reject(rej, 4, "is not a case (import it in a cases file first)");
    expect_reject(rej, 5, "time 2022-08-25T08:29:59+08:00 is before the case's start "
                          "2022-08-25T08:30:00+08:00");
    expect_reject(rej, 6, "unknown person");
    write_rows(f, "again.csv", again, 3, path);
    import_ok(f, FK_IMPORT_INCIDENT_EVENTS, path);
    expect_sum(&f->sum, 2, 1, 1, 1, 0);
    assert_int_equal(count(f, "incident_events"), 2);
    /* An old cases file (no reported column) imports unchanged and keeps the reported time. */
    write_rows(f, "old.csv", old_cases, 2, path);
    import_ok(f, FK_IMPORT_CASES, path);
    expect_sum(&f->sum, 1, 0, 0, 1, 0);
}

/* The same answers whether the persons are looked up in the store row by row (the default for a
 * small file), all read before the first row (0), or looked up and then read all at the second
 * look-up (1): unknown persons, residents outside the scope, and the rows kept. */
static void test_ingest__persons_read_at_once(void **state)
{
    fk__ingest_set_lazy_persons(0);
    test_ingest__samples_unknown_person(state);
    test_ingest__scope_outsider_answers_as_unknown(state);
    fk__ingest_set_lazy_persons(65536);
}

static void test_ingest__persons_read_midway(void **state)
{
    fk__ingest_set_lazy_persons(1);
    test_ingest__samples_unknown_person(state);
    test_ingest__scope_outsider_answers_as_unknown(state);
    fk__ingest_set_lazy_persons(65536);
}

static void test_ingest__scope_venues(void **state)
{
    static const char *setup_rows[] = {"code,name,grid", "V1,超市," G1, "V2,药店," TG};
    static const char *rows[] = {
        "code,name,grid", "V1,超市," TG, /* line 2: moved out */
        "V2,药店," G1,                   /* line 3: moved in */
        "V3,菜场," G2,                   /* new inside */
        "V4,饭店," TG,                   /* line 5: new outside */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    add_taigu(f);
    write_rows(f, "setup.csv", setup_rows, 3, path);
    import_ok(f, FK_IMPORT_VENUES, path);
    write_rows(f, "venues.csv", rows, 5, path);
    assert_int_equal(import_as(f, FK_IMPORT_VENUES, path, FK_ROLE_TOWNSHIP, "140702001"), FK_OK);
    expect_sum(&f->sum, 4, 1, 0, 0, 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 2,
                  "venue V1 lives in 明星镇 (140703001), outside your scope 锦纶街道 (140702001)");
    expect_reject(rej, 3, "venue V2 is registered outside your scope");
    expect_reject(rej, 5, "venue V4 lives in");
    assert_int_equal(count(f, "venues"), 3);
}

static void test_ingest__scope_results_every_member(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三," G1, "ID2,王五," TG};
    static const char *samples[] = {
        "tube,id_number,time",
        "T1,ID0,2022-08-28T08:00:00+08:00", /* inside only */
        "T2,ID2,2022-08-28T08:00:00+08:00", /* outside only */
        "T3,ID0,2022-08-28T08:00:00+08:00", /* both */
        "T3,ID2,2022-08-28T08:00:00+08:00",
    };
    static const char *results[] = {
        "tube,result,time",
        "T1,negative,2022-08-28T12:00:00+08:00",
        "T2,negative,2022-08-28T12:00:00+08:00",
        "T3,negative,2022-08-28T12:00:00+08:00",
        "T9,negative,2022-08-28T12:00:00+08:00",
    };
    struct fixture *f = *state;
    char path[400], a[600], b[600];
    const char *rej;

    add_taigu(f);
    import_person_rows(f, persons, 3, path);
    write_rows(f, "samples.csv", samples, 5, path);
    import_ok(f, FK_IMPORT_SAMPLES, path);
    write_rows(f, "results.csv", results, 5, path);
    assert_int_equal(import_as(f, FK_IMPORT_RESULTS, path, FK_ROLE_LAB, "140702"), FK_OK);
    expect_sum(&f->sum, 4, 1, 0, 0, 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 4, "tube T3 holds samples of residents outside your scope 榆次区 (140702)");
    /* A tube of outsiders only is told as a tube nobody sampled into. */
    reason_of(f, rej, 3, a, sizeof a);
    reason_of(f, rej, 5, b, sizeof b);
    assert_non_null(strstr(a, "no sample was taken in tube T2"));
    assert_non_null(strstr(b, "no sample was taken in tube T9"));
    assert_int_equal(count(f, "results"), 1);
}

static void test_ingest__scope_arrivals(void **state)
{
    static const char *persons[] = {"id_number,name,grid", "ID0,张三," G1, "ID2,王五," TG};
    static const char *rows[] = {
        "id_number,arrived,origin,grid,name",
        "ID0,2022-08-28T08:00:00+08:00,上海,,",           /* known, inside */
        "ID2,2022-08-28T08:00:00+08:00,上海,,",           /* line 3: known outside, no name/grid */
        "ID5,2022-08-28T08:00:00+08:00,上海,,",           /* line 4: unknown, no name/grid */
        "ID6,2022-08-28T08:00:00+08:00,上海," TG ",新人", /* line 5: new, to 太谷区 */
        "ID7,2022-08-28T08:00:00+08:00,上海," G2 ",来人", /* new, inside: registered */
        "ID0,2022-08-29T08:00:00+08:00,北京," TG ",",     /* line 7: known, arrives outside */
        "ID2,2022-08-29T08:00:00+08:00,北京," G1 ",王五", /* line 8: known outside, in */
    };
    struct fixture *f = *state;
    struct fk_person_row p;
    char path[400], a[600], b[600];
    const char *rej;

    add_taigu(f);
    import_person_rows(f, persons, 3, path);
    write_rows(f, "arrivals.csv", rows, 8, path);
    assert_int_equal(import_as(f, FK_IMPORT_ARRIVALS, path, FK_ROLE_COUNTY, "140702"), FK_OK);
    expect_sum(&f->sum, 7, 2, 0, 0, 5);
    rej = read_text(f, rejects_of(path));
    reason_of(f, rej, 3, a, sizeof a);
    reason_of(f, rej, 4, b, sizeof b);
    assert_string_equal(a, b);
    expect_reject(rej, 5, "lives in 太谷区 (140703), outside your scope 榆次区 (140702)");
    expect_reject(rej, 7, "lives in 太谷区 (140703)");
    expect_reject(rej, 8, "is registered outside your scope");
    get_person(f, f->ids[7], &p);
    assert_string_equal(p.grid, G2);
    assert_int_equal(count(f, "arrivals"), 2);
}

static void test_ingest__scope_types_by_role(void **state)
{
    static const char *risk[] = {"area,level,start", "上海市浦东新区,high,2022-08-20"};
    static const char *regions[] = {"code,name,level,parent",
                                    "140702001001003,三网格,grid,140702001001"};
    static const char *results[] = {"tube,result,time", "T1,negative,2022-08-28T12:00:00+08:00"};
    struct fixture *f = *state;
    char rpath[400], apath[400], tpath[400];

    write_rows(f, "risk.csv", risk, 2, apath);
    write_rows(f, "regions.csv", regions, 2, rpath);
    write_rows(f, "results.csv", results, 2, tpath);
    /* Regions and risk areas: the city's headquarters only. */
    assert_int_equal(import_as(f, FK_IMPORT_RISK_AREAS, apath, FK_ROLE_COUNTY, "1407"), FK_EPERM);
    assert_non_null(strstr(f->err, "a county account of 晋中市 (1407) may not import risk_areas"));
    assert_int_equal(import_as(f, FK_IMPORT_RISK_AREAS, apath, FK_ROLE_COMMANDER, "140702"),
                     FK_EPERM);
    assert_int_equal(import_as(f, FK_IMPORT_REGIONS, rpath, FK_ROLE_ADMIN, "140702"), FK_EPERM);
    assert_int_equal(count(f, "regions"), 7);
    assert_int_equal(import_as(f, FK_IMPORT_RISK_AREAS, apath, FK_ROLE_COMMANDER, "1407"), FK_OK);
    assert_int_equal(f->sum.accepted, 1);
    assert_int_equal(import_as(f, FK_IMPORT_REGIONS, rpath, FK_ROLE_ADMIN, "14"), FK_OK);
    assert_int_equal(f->sum.accepted, 1);
    /* Results: the roles that post them; a viewer nothing, a lab nothing else. */
    assert_int_equal(import_as(f, FK_IMPORT_RESULTS, tpath, FK_ROLE_VIEWER, "1407"), FK_EPERM);
    assert_int_equal(import_as(f, FK_IMPORT_RESULTS, tpath, FK_ROLE_LAB, "1407"), FK_OK);
    assert_int_equal(import_as(f, FK_IMPORT_RISK_AREAS, apath, FK_ROLE_LAB, "1407"), FK_EPERM);
    assert_int_equal(import_as(f, FK_IMPORT_SAMPLES, tpath, FK_ROLE_LAB, "1407"), FK_EPERM);
    assert_non_null(strstr(f->err, "a lab account may not import samples"));
    /* An account whose scope is not in the tree imports nothing. */
    assert_int_equal(import_as(f, FK_IMPORT_RESULTS, tpath, FK_ROLE_ADMIN, "9999"), FK_EPERM);
}

static void test_ingest__scope_regions_under_the_scope(void **state)
{
    static const char *rows[] = {
        "code,name,level,parent",
        "140702001002,新社区,community,140702001", /* under the scope: placed */
        "1408,阳泉市,city,14",                     /* line 3: parent outside the scope */
        "1407,晋中市,city,14",                     /* the scope itself, unchanged: fine */
        "140702,榆次区,county,14",                 /* line 5: moved above the scope: no */
        "15,内蒙古,province,",                     /* line 6: a new root */
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    write_rows(f, "regions.csv", rows, 6, path);
    assert_int_equal(import_as(f, FK_IMPORT_REGIONS, path, FK_ROLE_ADMIN, "1407"), FK_OK);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3, "region 1408: its parent 14 lies outside your scope 晋中市 (1407)");
    expect_reject(rej, 6, "would be a root");
    assert_non_null(rej);
    assert_int_equal(f->sum.rejected, 3);
    assert_int_equal(count(f, "regions"), 8);
}

static void test_ingest__file_errors(void **state)
{
    struct fixture *f = *state;
    char path[400];
    int rc;

    rc = import_opts(f, FK_IMPORT_PERSONS, path_of(f, "no-such-file.csv", path), 0);
    assert_int_equal(rc, FK_ENOENT);
    assert_true(strlen(f->err) > 0);
    write_file(f, "empty.csv", "", path);
    assert_int_equal(import_opts(f, FK_IMPORT_PERSONS, path, 0), FK_EINVAL);
    assert_non_null(strstr(f->err, "empty"));
    write_file(f, "header-only.csv", "code,name,level,parent\n", path);
    assert_int_equal(import_opts(f, FK_IMPORT_REGIONS, path, 0), FK_OK);
    expect_sum(&f->sum, 0, 0, 0, 0, 0);
    assert_int_equal(count(f, "regions"), 0);
}

/* Units, their reports and the duty roster (issue 17): each reject reason, a re-import adds
 * nothing, a changed row replaces. */
static void test_ingest__units_reports_duty(void **state)
{
    static const char *units[] = {
        "code,name,region,kind,contact", "U1,锦纶街道办,140702001,township,王五 13800000000",
        "U2,榆次医院,140702,医院,",      "U3,药店,1407029,pharmacy,", /* line 4: unknown region */
        "U4,银行,140702001,bank,",                                    /* line 5: unknown kind */
        "U5,学校,140702001001001,,", /* line 6: a grid's unit, kind other */
    };
    static const char *reports[] = {
        "unit,date,kind,count,note,submitted",
        "U1,2022-08-28,daily,0,,2022-08-28T18:00:00+08:00",
        "U2,2022-08-28,daily,3,三例,",
        "U9,2022-08-28,daily,0,,",                          /* line 4: unknown unit */
        "U1,2022/08/28,daily,0,,",                          /* line 5: bad date */
        "U1,2022-08-29,daily,-1,,",                         /* line 6: negative count */
        "U1,2022-08-30,daily,0,,2022-08-29T23:59:59+08:00", /* line 7: submitted before */
        "U1,2022-02-30,daily,0,,",                          /* line 8: no such day */
        "U5,2022-08-28,fever,,,2022-08-28T00:00:00+08:00",  /* line 9: empty count, at 00:00 */
    };
    static const char *duty[] = {
        "date,region,person,phone,role",     "2022-08-28,1407,张三,0354-1234567,leader",
        "2022-08-28,140702001001001,李四,,", /* line 3: a grid */
        "2022-08-28,140799,李四,,",          /* line 4: unknown */
        "2022-08-28,140702,赵六,abc,",       /* line 5: bad phone */
        "2022-08-28,140702001,钱七,,staff",
    };
    struct fixture *f = *state;
    char path[400];
    const char *rej;

    write_rows(f, "units.csv", units, 6, path);
    import_ok(f, FK_IMPORT_UNITS, path);
    expect_sum(&f->sum, 5, 3, 0, 0, 2);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 4, "unknown region 1407029 (import regions first)");
    expect_reject(rej, 5, "kind 'bank' is not township, hospital");

    write_rows(f, "reports.csv", reports, 9, path);
    import_ok(f, FK_IMPORT_REPORTS, path);
    expect_sum(&f->sum, 8, 3, 0, 0, 5);
    assert_int_equal(count(f, "reports"), 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 4, "unknown unit U9 (import units first)");
    expect_reject(rej, 5, "date '2022/08/28' is not a date like 2022-08-28");
    expect_reject(rej, 6, "count '-1' is not a whole number, 0 or more");
    expect_reject(rej, 7,
                  "submitted 2022-08-29T23:59:59+08:00 is before the report's date "
                  "2022-08-30");
    expect_reject(rej, 8, "date '2022-02-30' is not a date");
    import_ok(f, FK_IMPORT_REPORTS, path_of(f, "reports.csv", path));
    expect_sum(&f->sum, 8, 0, 0, 3, 5);

    write_rows(f, "duty.csv", duty, 6, path);
    import_ok(f, FK_IMPORT_DUTY, path);
    expect_sum(&f->sum, 5, 2, 0, 0, 3);
    rej = read_text(f, rejects_of(path));
    expect_reject(rej, 3,
                  "region 140702001001001 is a grid: duty is kept by a city, county or "
                  "township headquarters");
    expect_reject(rej, 4, "unknown region 140799");
    expect_reject(rej, 5, "phone");
    assert_int_equal(count(f, "duty"), 2);
    assert_int_equal(count(f, "units"), 3);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define R(name) cmocka_unit_test_setup_teardown(name, setup_regions, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ingest__type_names),
        T(test_ingest__regions_child_before_parent),
        T(test_ingest__regions_unknown_parent),
        T(test_ingest__regions_bad_rows),
        R(test_ingest__persons_rejected_with_reasons),
        R(test_ingest__missing_required_column),
        R(test_ingest__extra_columns_ignored),
        R(test_ingest__columns_in_any_order),
        R(test_ingest__exact_duplicate_row),
        R(test_ingest__reimport_is_all_duplicate),
        R(test_ingest__lowercase_x_normalized),
        R(test_ingest__person_new_grid_is_update),
        R(test_ingest__samples_unknown_person),
        R(test_ingest__vaccinations),
        R(test_ingest__units_reports_duty),
        R(test_ingest__incident_events),
        R(test_ingest__zones),
        R(test_ingest__results),
        R(test_ingest__sentinels),
        R(test_ingest__batches),
        R(test_ingest__first_batch_hook),
        R(test_ingest__gbk_file),
        R(test_ingest__bom_and_crlf),
        R(test_ingest__stale_rejects_removed),
        R(test_ingest__rejects_race_steps_aside),
        R(test_ingest__rejects_path_never_clobbers),
        R(test_ingest__text_fields_refuse_controls_and_bidi),
        R(test_ingest__duplicate_header_column),
        R(test_ingest__times_and_births_in_range),
        R(test_ingest__update_counts_changed_fields),
        cmocka_unit_test(test_ingest__updated_text),
        R(test_ingest__line_numbers_count_physical_lines),
        T(test_ingest__coldchain),
        T(test_ingest__file_errors),
        R(test_ingest__scope_persons_before_and_after),
        R(test_ingest__scope_outsider_answers_as_unknown),
        R(test_ingest__persons_read_at_once),
        R(test_ingest__persons_read_midway),
        R(test_ingest__scope_venues),
        R(test_ingest__scope_results_every_member),
        R(test_ingest__scope_arrivals),
        R(test_ingest__scope_types_by_role),
        R(test_ingest__scope_regions_under_the_scope),
    };
#undef T
#undef R

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
