/* SPDX-License-Identifier: MIT */
/* lib/action: every write checks the actor's role and scope (where the record is and where it
 * would be), and writes its audit row in its own batch: the row is there after a commit and
 * absent after a refusal half-way or a store error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fk/action.h"
#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/secret.h"
#include "fk/time.h"

#include "testutil.h"

#define D0 INT64_C(1661961600) /* 2022-09-01T00:00:00+08:00 */
#define DAY 86400

#define G1 TEST_G1
#define H1 TEST_H1

/* The local administrator, an admin of each county, and a viewer of 榆次区. */
static const struct fk_actor LOCAL = {"cli:test", FK_ROLE_ADMIN, NULL};
static const struct fk_actor YUCI = {"yuci", FK_ROLE_ADMIN, "140702"};
static const struct fk_actor TAIGU = {"taigu", FK_ROLE_ADMIN, "140703"};
static const struct fk_actor VIEWER = {"view", FK_ROLE_VIEWER, "140702"};

static const char regions_csv[] = TWO_COUNTIES_CSV;

#define NP 4

struct fixture {
    char dir[256], db[300];
    fk_store *st;
    fk_engine *eng;
    struct fk_profile prof;
    struct fk_import_summary sum;
    char err[1024];
    char id[NP][19];
    int64_t pid[NP]; /* 0, 1 in 榆次区 (G1); 2, 3 in 太谷区 (H1) */
};

static int import(struct fixture *f, enum fk_import_type t, const char *text)
{
    return import_text(f->st, &f->prof, f->dir, t, text, &f->sum, f->err, sizeof f->err);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char buf[2048], body[18];
    size_t n;
    int i;

    if (!f)
        return -1;
    if (open_test_store(f->dir, sizeof f->dir, "action", f->db, sizeof f->db, &f->st) != 0)
        return -1;
    fk_profile_defaults(&f->prof);
    *state = f;
    if (import(f, FK_IMPORT_REGIONS, regions_csv) != FK_OK)
        return -1;
    n = (size_t)snprintf(buf, sizeof buf, "id_number,name,phone,grid\n");
    for (i = 0; i < NP; i++) {
        snprintf(body, sizeof body, "14070219900101%03d", i + 1);
        make_id(body, f->id[i]);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,人%d,1390000000%d,%s\n", f->id[i], i, i,
                              i < 2 ? G1 : H1);
    }
    if (import(f, FK_IMPORT_PERSONS, buf) != FK_OK || f->sum.accepted != NP ||
        find_persons(f->st, f->id, f->pid, NP) != 0)
        return -1;
    if (fk_engine_build(f->st, &f->prof, &f->eng, f->err, sizeof f->err) != FK_OK)
        return -1;
    fk_password_set_test_cost(1);
    return fk_secret_init() == FK_OK ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fk_engine_free(f->eng);
    fk_store_close(f->st);
    remove_dir(f->dir);
    free(f);
    return 0;
}

/* The audit rows so far; the last one's action and region into the buffers when not NULL. */
struct audit_walk {
    int n;
    char action[64], region[32], who[64];
};

static int count_audit(void *ud, const struct fk_audit_row *a)
{
    struct audit_walk *w = ud;

    w->n++;
    snprintf(w->action, sizeof w->action, "%s", a->action);
    snprintf(w->region, sizeof w->region, "%s", a->region ? a->region : "");
    snprintf(w->who, sizeof w->who, "%s", a->who);
    return 0;
}

static struct audit_walk audit_rows(struct fixture *f)
{
    struct audit_walk w;

    memset(&w, 0, sizeof w);
    assert_int_equal(fk_store_each_audit(f->st, 0, count_audit, &w), FK_OK);
    return w;
}

/* The person's orders: how many, and the last one's extension. */
struct orders {
    int n, extended;
};

static int count_order(void *ud, const struct fk_control_row *k)
{
    struct orders *o = ud;

    o->n++;
    o->extended = k->extended;
    return 0;
}

static struct orders orders_of(struct fixture *f, int64_t pid)
{
    struct orders o = {0, 0};

    assert_int_equal(fk_store_each_control(f->st, pid, count_order, &o), FK_OK);
    return o;
}

/* Puts the n persons of ids under close-contact control at home from D0 as actor a, the count
 * put into *added. fk_control_open_all's code. */
static int open_home(struct fixture *f, const struct fk_actor *a, const int64_t *ids, size_t n,
                     size_t *added)
{
    size_t already;

    return fk_control_open_all(f->st, a, ids, n, FK_CTL_CLOSE, FK_PLACE_HOME, D0, "test", added,
                               &already, f->err, sizeof f->err);
}

/* *r becomes round name over 140702 for the day from D0. */
static void day_round(struct fk_round *r, const char *name)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->region, sizeof r->region, "140702");
    r->start = D0;
    r->end = D0 + DAY;
}

/* An account and a hash for it (the test cost: quick). */
static void add_user(struct fixture *f, const char *name, const char *scope)
{
    struct fk_user_new u = {name, FK_ROLE_GRID, scope};
    char hash[FK_PWHASH_MAX];

    assert_int_equal(fk_password_hash("Lantern-test-Harbor-58", hash), FK_OK);
    assert_int_equal(fk_user_add(f->st, &LOCAL, &u, hash, D0, f->err, sizeof f->err), FK_OK);
}

static void test_action__role_refused(void **state)
{
    struct fixture *f = *state;
    struct fk_user_new u = {"grid.1", FK_ROLE_GRID, G1};
    struct fk_round r;
    size_t added;

    assert_int_equal(open_home(f, &VIEWER, f->pid, 1, &added), FK_EPERM);
    assert_string_equal(f->err, "a viewer account may not put persons under control");
    assert_int_equal(fk_control_extend(f->st, &VIEWER, f->pid[0], 2, f->err, sizeof f->err),
                     FK_EPERM);
    assert_int_equal(
        fk_alert_set(f->st, &VIEWER, f->eng, 1, FK_ALERT_CLOSED, "x", D0, f->err, sizeof f->err),
        FK_EPERM);
    assert_int_equal(fk_user_check(f->st, &VIEWER, &u, NULL, f->err, sizeof f->err), FK_EPERM);
    assert_int_equal(fk_user_add(f->st, &VIEWER, &u, "$x", D0, f->err, sizeof f->err), FK_EPERM);
    assert_int_equal(fk_user_disable(f->st, &VIEWER, "grid.1", f->err, sizeof f->err), FK_EPERM);
    day_round(&r, "R1");
    assert_int_equal(fk_round_add(f->st, &VIEWER, &r, f->err, sizeof f->err), FK_EPERM);
    assert_string_equal(f->err, "a viewer account may not create screening rounds");
    assert_int_equal(orders_of(f, f->pid[0]).n, 0);
    assert_int_equal(audit_rows(f).n, 0);
}

/* Refused where the record is now (told as unknown) and where it would be after. */
static void test_action__scope(void **state)
{
    struct fixture *f = *state;
    struct fk_user_new u = {"yuci.grid", FK_ROLE_GRID, G1};
    struct fk_round r;
    size_t added;

    assert_int_equal(open_home(f, &LOCAL, f->pid, 1, &added), FK_OK);
    /* Now: 太谷区 may not touch a person or an account of 榆次区. */
    assert_int_equal(fk_control_extend(f->st, &TAIGU, f->pid[0], 2, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_non_null(strstr(f->err, "no person with ID number"));
    assert_int_equal(fk_control_release(f->st, &TAIGU, f->eng, &f->prof, f->pid[0], D0 + DAY, 1,
                                        f->err, sizeof f->err),
                     FK_ENOENT);
    add_user(f, "yuci.grid", G1);
    assert_int_equal(fk_user_disable(f->st, &TAIGU, "yuci.grid", f->err, sizeof f->err), FK_ENOENT);
    assert_string_equal(f->err, "no user named 'yuci.grid'");
    /* After: nor make an account or a round that would act there. */
    u.name = "taigu.grid";
    assert_int_equal(fk_user_add(f->st, &TAIGU, &u, "$x", D0, f->err, sizeof f->err), FK_EPERM);
    assert_string_equal(f->err, "region " G1 " is outside your scope 140703");
    day_round(&r, "R1");
    assert_int_equal(fk_round_add(f->st, &TAIGU, &r, f->err, sizeof f->err), FK_EPERM);
    assert_int_equal(orders_of(f, f->pid[0]).extended, 0);
    assert_int_equal(audit_rows(f).n, 2); /* the local open and the account */
    /* Inside its scope, 榆次区 may; the row is about the person's grid. */
    assert_int_equal(fk_control_extend(f->st, &YUCI, f->pid[0], 2, f->err, sizeof f->err), FK_OK);
    assert_int_equal(orders_of(f, f->pid[0]).extended, 2);
    assert_string_equal(audit_rows(f).action, "control.extend");
    assert_string_equal(audit_rows(f).region, G1);
    assert_string_equal(audit_rows(f).who, "yuci");
    assert_int_equal(fk_round_add(f->st, &YUCI, &r, f->err, sizeof f->err), FK_OK);
    assert_string_equal(audit_rows(f).region, "140702");
}

/* One person outside the actor's scope refuses the whole batch: nothing written, no audit row. */
static void test_action__refused_half_way(void **state)
{
    struct fixture *f = *state;
    int64_t mixed[2] = {f->pid[1], f->pid[2]};
    size_t added = 9;

    assert_int_equal(open_home(f, &YUCI, mixed, 2, &added), FK_EPERM);
    assert_non_null(strstr(f->err, "outside your scope 140702"));
    assert_int_equal(added, 0);
    assert_int_equal(orders_of(f, f->pid[1]).n, 0);
    assert_int_equal(audit_rows(f).n, 0);
    assert_int_equal(open_home(f, &YUCI, mixed, 1, &added), FK_OK);
    assert_int_equal(added, 1);
    assert_int_equal(orders_of(f, f->pid[1]).n, 1);
    assert_int_equal(audit_rows(f).n, 1);
    assert_string_equal(audit_rows(f).action, "control.open");
}

/* A store error at the audit row (a trigger refuses it): the write goes with it. */
static void test_action__store_error_rolls_back(void **state)
{
    struct fixture *f = *state;
    struct fk_user_new u = {"desk", FK_ROLE_VIEWER, "140702"};
    struct fk_user got;
    struct fk_round r, had;
    size_t added;
    sqlite3 *db = NULL;

    if (test_pg())
        skip(); /* a SQLite trigger refuses the audit row */
    assert_int_equal(open_home(f, &LOCAL, f->pid, 1, &added), FK_OK);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER no_audit BEFORE INSERT ON audit BEGIN "
                                  "SELECT RAISE(ABORT, 'injected'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(fk_control_extend(f->st, &LOCAL, f->pid[0], 2, f->err, sizeof f->err), FK_EDB);
    assert_int_equal(orders_of(f, f->pid[0]).extended, 0);
    assert_int_equal(fk_user_add(f->st, &LOCAL, &u, "$x", D0, f->err, sizeof f->err), FK_EDB);
    assert_int_equal(fk_store_get_user(f->st, "desk", &got), FK_ENOENT);
    day_round(&r, "R9");
    assert_int_equal(fk_round_add(f->st, &LOCAL, &r, f->err, sizeof f->err), FK_EDB);
    assert_int_equal(fk_store_get_round(f->st, "R9", &had), FK_ENOENT);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fk_control_extend(f->st, &LOCAL, f->pid[0], 2, f->err, sizeof f->err), FK_OK);
    assert_int_equal(orders_of(f, f->pid[0]).extended, 2);
    assert_int_equal(audit_rows(f).n, 2);
}

/* One user-name rule and one weak-password rule; disabling and a new password end sessions. */
static void test_action__accounts(void **state)
{
    struct fixture *f = *state;
    struct fk_user_new u = {"a/b", FK_ROLE_VIEWER, "140702"};
    char hash[FK_PWHASH_MAX];
    struct fk_user got;
    int64_t user, expires;

    assert_int_equal(fk_user_check(f->st, &LOCAL, &u, NULL, f->err, sizeof f->err), FK_EINVAL);
    assert_string_equal(f->err, "a user name has 1 to 64 of a-z, 0-9, '.', '_' and '-', not 'a/b'");
    u.name = "desk";
    assert_int_equal(fk_user_check(f->st, &LOCAL, &u, "short-pw1", f->err, sizeof f->err),
                     FK_EINVAL);
    assert_non_null(strstr(f->err, "at least 10 characters"));
    u.scope = "999999";
    assert_int_equal(fk_user_check(f->st, &LOCAL, &u, NULL, f->err, sizeof f->err), FK_EINVAL);
    assert_string_equal(f->err, "unknown region 999999 (import regions first)");
    u.scope = "140702";
    add_user(f, "desk", "140702");
    assert_string_equal(audit_rows(f).action, "user.add");
    assert_int_equal(fk_user_add(f->st, &LOCAL, &u, "$x", D0, f->err, sizeof f->err), FK_ECONFLICT);
    assert_string_equal(f->err, "a user named 'desk' already exists");
    assert_int_equal(fk_store_get_user(f->st, "desk", &got), FK_OK);
    assert_int_equal(fk_store_add_token(f->st, "t1", got.id, D0, D0 + DAY), FK_OK);
    assert_int_equal(fk_user_disable(f->st, &YUCI, "desk", f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_store_get_token(f->st, "t1", &user, &expires), FK_ENOENT);
    assert_int_equal(fk_store_get_user(f->st, "desk", &got), FK_OK);
    assert_int_equal(got.disabled, 1);
    assert_int_equal(fk_user_enable(f->st, &YUCI, "desk", f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_store_add_token(f->st, "t2", got.id, D0, D0 + DAY), FK_OK);
    assert_int_equal(fk_password_hash("Lantern-new-Harbor-58", hash), FK_OK);
    assert_int_equal(fk_user_password(f->st, &YUCI, "desk", hash, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_store_get_token(f->st, "t2", &user, &expires), FK_ENOENT);
    assert_int_equal(fk_store_get_user(f->st, "desk", &got), FK_OK);
    assert_string_equal(got.pwhash, hash);
    assert_int_equal(got.disabled, 0);
    assert_string_equal(audit_rows(f).action, "user.password");
    assert_int_equal(audit_rows(f).n, 4);
}

/* 倒查 then control, inside the actor's region. */
static void test_action__backcheck(void **state)
{
    struct fixture *f = *state;
    struct fk_control_count k;
    char buf[1024];
    fk_ctl *x = NULL;

    snprintf(buf, sizeof buf,
             "id_number,arrived,origin,grid,transport,name\n"
             "%s,2022-09-06T00:00:00,110105,,,\n%s,2022-09-06T00:00:00,110105,,,\n",
             f->id[0], f->id[2]);
    assert_int_equal(import(f, FK_IMPORT_ARRIVALS, buf), FK_OK);
    assert_int_equal(
        import(f, FK_IMPORT_RISK_AREAS, "area,level,start,end\n110105,high,2022-09-10,\n"), FK_OK);
    assert_int_equal(fk_engine_sync(f->eng, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_ctl_build(f->st, f->eng, &f->prof, &x, f->err, sizeof f->err), FK_OK);
    assert_int_equal(fk_control_backcheck(f->st, &YUCI, x, &f->prof, "990000", "140702",
                                          FK_PLACE_HOME, D0 + 9 * DAY, &k, f->err, sizeof f->err),
                     FK_ENOENT);
    assert_int_equal(fk_control_backcheck(f->st, &YUCI, x, &f->prof, "110105", "140702",
                                          FK_PLACE_HOME, D0 + 9 * DAY, &k, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(k.persons, 1);
    assert_int_equal(k.added, 1);
    assert_int_equal(k.from, D0 + 2 * DAY);
    assert_int_equal(orders_of(f, f->pid[2]).n, 0);
    assert_int_equal(fk_control_backcheck(f->st, &LOCAL, x, &f->prof, "110105", NULL, FK_PLACE_HOME,
                                          D0 + 9 * DAY, &k, f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(k.persons, 2);
    assert_int_equal(k.added, 1);
    assert_int_equal(k.already, 1);
    assert_int_equal(orders_of(f, f->pid[2]).n, 1);
    fk_ctl_free(x);
}

/* JSON rows through the import action: the row saying the import began commits with the first
 * batch (it stays when the ending row cannot be written), and an import refused before any batch
 * leaves no row. */
static void test_action__import_json(void **state)
{
    struct fixture *f = *state;
    struct fk_import_record rec = {"begun: JSON rows", "import.done", "JSON rows: ", NULL, NULL};
    struct fk_import_problem *probs = NULL;
    struct fk_import_opts o;
    size_t nprobs = 0;
    sqlite3 *db = NULL;
    char json[256];

    if (test_pg())
        skip(); /* a SQLite trigger refuses the audit row */
    snprintf(json, sizeof json, "[{\"id_number\":\"%s\",\"name\":\"甲\",\"grid\":\"%s\"}]",
             f->id[0], G1);
    assert_int_equal(fk_import_run_json(f->st, &VIEWER, &f->prof, FK_IMPORT_PERSONS, json,
                                        strlen(json), NULL, 0, NULL, &rec, &f->sum, &probs, &nprobs,
                                        f->err, sizeof f->err),
                     FK_EPERM);
    fk_import_problems_free(probs, nprobs);
    probs = NULL;
    nprobs = 0;
    assert_int_equal(audit_rows(f).n, 0);
    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER no_done BEFORE INSERT ON audit "
                                  "WHEN NEW.action = 'import.done' BEGIN "
                                  "SELECT RAISE(ABORT, 'injected'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    memset(&o, 0, sizeof o);
    o.batch_rows = 1;
    assert_int_equal(fk_import_run_json(f->st, &YUCI, &f->prof, FK_IMPORT_PERSONS, json,
                                        strlen(json), NULL, 0, &o, &rec, &f->sum, &probs, &nprobs,
                                        f->err, sizeof f->err),
                     FK_EDB);
    assert_non_null(strstr(f->err, "the rows are imported"));
    assert_int_equal(f->sum.read, 1);
    assert_int_equal(audit_rows(f).n, 1);
    assert_string_equal(audit_rows(f).action, "import");
    assert_string_equal(audit_rows(f).who, "yuci");
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_done", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fk_import_run_json(f->st, &YUCI, &f->prof, FK_IMPORT_PERSONS, json,
                                        strlen(json), NULL, 0, NULL, &rec, &f->sum, &probs, &nprobs,
                                        f->err, sizeof f->err),
                     FK_OK);
    assert_int_equal(nprobs, 0);
    assert_int_equal(audit_rows(f).n, 3);
    assert_string_equal(audit_rows(f).action, "import.done");
    fk_import_problems_free(probs, nprobs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_action__role_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__scope, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__refused_half_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__store_error_rolls_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__accounts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__backcheck, setup, teardown),
        cmocka_unit_test_setup_teardown(test_action__import_json, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
