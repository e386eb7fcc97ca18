/* SPDX-License-Identifier: MIT */
/* Unit tests of the record-type descriptors (include/fk/record.h) and of the store's generic put
 * that reads them (fk_store_put_record): the look-ups by id and name, the import type names,
 * list and column lines the CLI, API and web UI show (byte for byte as before the descriptors),
 * the contract table, the permission rule, and what the generic put answers (new, same, updated,
 * a second key, NULL against empty, kept fields). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fk/error.h"
#include "fk/export.h"
#include "fk/ingest.h"
#include "fk/record.h"
#include "fk/region.h"
#include "fk/store.h"

#include "testutil.h"

/* ---- descriptors ---- */

static void test_record__lookups(void **state)
{
    const struct fk_record_type *rt;
    int t;

    (void)state;
    for (t = 0; t < FK_IMPORT_NTYPES; t++) {
        rt = fk_record_get((fk_record_id)t);
        assert_non_null(rt);
        assert_int_equal(rt->id, t);
        assert_ptr_equal(fk_record_find(rt->name), rt);
        assert_true(rt->nreq >= 1 && rt->nreq <= rt->ncols && rt->ncols <= FK_RECORD_MAXCOLS);
        assert_true(rt->nkey >= 1 && rt->nkey <= FK_RECORD_MAXKEY);
        assert_non_null(rt->key_note);
        assert_non_null(rt->title_zh);
        assert_non_null(rt->title_en);
    }
    assert_null(fk_record_get(FK_IMPORT_NTYPES));
    assert_null(fk_record_get((fk_record_id)-1));
    assert_null(fk_record_find("people"));
    assert_null(fk_record_find("Persons"));
    assert_null(fk_record_find(NULL));
    rt = fk_record_get(FK_IMPORT_PERSONS);
    assert_int_equal(fk_record_col_index(rt, "GRID"), 2);
    assert_int_equal(fk_record_col_index(rt, "nope"), -1);
    assert_string_equal(fk_rcol_kind_name(rt->cols[0].kind), "id_number");
}

/* Each descriptor's columns are required first, the required ones flagged, unused slots NULL;
 * a generic type's key fields come first; a type with an export names real columns. */
static void test_record__descriptors_consistent(void **state)
{
    int t, k;

    (void)state;
    for (t = 0; t < FK_IMPORT_NTYPES; t++) {
        const struct fk_record_type *rt = fk_record_get((fk_record_id)t);

        for (k = 0; k < FK_RECORD_MAXCOLS; k++) {
            if (k < rt->ncols) {
                assert_non_null(rt->cols[k].name);
                assert_int_equal(rt->cols[k].required, k < rt->nreq);
                assert_true(rt->cols[k].kind != FK_RCOL_ENUM || rt->cols[k].enum_name);
            } else {
                assert_null(rt->cols[k].name);
            }
        }
        for (k = 0; k < rt->nkey; k++)
            assert_true(rt->key[k] >= 0 && rt->key[k] < rt->ncols);
        if (rt->flags & FK_RECORD_GENERIC) {
            int nkeyf = 0;

            assert_false(rt->flags & FK_RECORD_APPEND);
            assert_non_null(rt->sqlite.get);
            assert_non_null(rt->sqlite.ins);
            assert_non_null(rt->sqlite.upd);
            for (k = 0; k < rt->nfields; k++) {
                if (rt->fields[k].flags & FK_RFIELD_KEY) {
                    assert_int_equal(k, nkeyf); /* keys first: they are ?1.. of get */
                    nkeyf++;
                }
            }
            assert_int_equal(nkeyf, rt->nkey);
        }
        for (k = 0; k < rt->nexport; k++)
            assert_true(rt->export_cols[k] >= 0 && rt->export_cols[k] < rt->ncols);
        /* the samples' export reads the store's segment files, not SQL */
        assert_true(rt->nexport == 0 || rt->sqlite.all || rt->id == FK_IMPORT_SAMPLES);
    }
}

/* What fk_import_type_* gave before the descriptors, byte for byte (the CLI's messages, the API's
 * and the web UI's column hints read them). */
static void test_record__import_type_texts_unchanged(void **state)
{
    static const char *const help[FK_IMPORT_NTYPES] = {
        "code,name,level,parent (required); lon,lat,worker,worker_phone",
        "id_number,name,grid (required); phone,household,tags,id_type,address",
        "code,name,grid (required); type,lon,lat",
        "id_number,venue,time (required)",
        "id_number,cell,time (required)",
        "tube,id_number,time (required); site,shipped",
        "tube,result,time (required); lab,received",
        "id_number,confirmed (required); onset,kind,isolated,reported",
        "id_number,category,place,start (required); end,regime,site,device",
        "id_number,arrived,origin (required); grid,transport,name,phone",
        "area,level,start (required); end,name",
        "device,id_number,time,event (required)",
        "source,kind,time,grid (required); count,id_number",
        "batch,event,time,site (required); product,origin,id_number,result",
        "id_number,dose,time (required); vaccine,site",
        "code,name,category (required); weight,direction,veto",
        "indicator,region,period,target (required); actual,bonus",
        "cadre,phone,role,region (required); id_number",
        "code,name,region (required); kind,contact",
        "unit,date,kind (required); count,note,submitted",
        "date,region,person (required); phone,role",
        "id,date,inspector,region (required)",
        "id,found,region,description (required); unit,deadline,status,closed,inspection,note",
        "case,event,time (required); note",
        "name,level,regions,declared (required); lifted,reason",
        "task,id_number,from_kind,from,to_kind,to,vehicle,escort,planned (required); picked_up,"
        "handed_over",
        "id_number,time,temperature (required); symptoms",
        "code,name,tubes_per_hour,region (required)",
        "box,tube,shipped (required)",
        "code,organiser,region,date,expected,kind (required); online,contact,note",
        "number,received,channel,phone,region,kind,text (required); unit,assigned,resolved,note",
    };
    static const char *const names[FK_IMPORT_NTYPES] = {
        "regions", "persons", "venues",   "scans",    "pings",      "samples",
        "results", "cases",   "controls", "arrivals", "risk_areas", "door_events",
        "sentinels", "coldchain", "vaccinations", "indicators", "scores", "assignments", "units",
        "reports", "duty", "inspections", "problems",
        "incident_events", "zones", "transfers", "checkins", "labs", "boxes", "gatherings",
        "requests"};
    enum fk_import_type t;
    char buf[512];
    int i;

    (void)state;
    for (i = 0; i < FK_IMPORT_NTYPES; i++) {
        assert_string_equal(fk_import_type_columns((enum fk_import_type)i), help[i]);
        assert_string_equal(fk_import_type_name((enum fk_import_type)i), names[i]);
        assert_int_equal(fk_import_type_parse(names[i], &t), FK_OK);
        assert_int_equal(t, i);
    }
    assert_int_equal(fk_import_type_parse("people", &t), FK_EINVAL);
    assert_string_equal(fk_import_type_name(FK_IMPORT_NTYPES), "");
    assert_string_equal(fk_import_type_columns(FK_IMPORT_NTYPES), "");
    assert_string_equal(fk_import_type_list(buf, sizeof buf),
                        "regions, persons, venues, scans, pings, samples, results, cases, "
                        "controls, arrivals, risk_areas, door_events, sentinels, coldchain, "
                        "vaccinations, indicators, scores, assignments, units, reports, duty, "
                        "inspections, problems, incident_events, zones, transfers, checkins, labs, "
                        "boxes, gatherings or requests");
    assert_string_equal(fk_record_list(buf, sizeof buf, 1),
                        "regions, persons, venues, samples, cases, controls, arrivals, risk_areas, "
                        "sentinels, coldchain, vaccinations, indicators, scores, assignments, "
                        "units, reports, duty, inspections, problems, incident_events, "
                        "zones, transfers, checkins, labs, gatherings or requests");
    fk_import_type_list(buf, 12);
    assert_string_equal(buf, "regions, pe");
}

static void test_record__permitted(void **state)
{
    const struct fk_record_type *regions = fk_record_get(FK_IMPORT_REGIONS),
                                *persons = fk_record_get(FK_IMPORT_PERSONS),
                                *results = fk_record_get(FK_IMPORT_RESULTS);
    char err[512];

    (void)state;
    assert_int_equal(fk_record_permitted(regions, FK_ROLE_COMMANDER, FK_LEVEL_CITY, "x", "import",
                                         err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_record_permitted(regions, FK_ROLE_COUNTY, FK_LEVEL_COUNTY,
                                         "榆次区 (140702)", "import", err, sizeof err),
                     FK_EPERM);
    assert_non_null(strstr(err, "a county account of 榆次区 (140702) may not import regions"));
    assert_int_equal(fk_record_permitted(regions, FK_ROLE_ADMIN, FK_LEVEL_COUNTY, "x", "import",
                                         err, sizeof err),
                     FK_EPERM);
    assert_int_equal(
        fk_record_permitted(persons, FK_ROLE_GRID, FK_LEVEL_GRID, "x", "import", err, sizeof err),
        FK_OK);
    assert_int_equal(
        fk_record_permitted(persons, FK_ROLE_LAB, FK_LEVEL_CITY, "x", "import", err, sizeof err),
        FK_EPERM);
    assert_string_equal(err, "a lab account may not import persons");
    assert_int_equal(
        fk_record_permitted(results, FK_ROLE_LAB, FK_LEVEL_CITY, "x", "import", err, sizeof err),
        FK_OK);
}

static void test_record__contract_markdown(void **state)
{
    fk_buf b;

    (void)state;
    fk_buf_init(&b, 0);
    assert_int_equal(fk_record_contract_markdown(&b), FK_OK);
    assert_non_null(strstr(b.data, "| type | columns (required first) | natural key"));
    assert_non_null(strstr(b.data, "| persons | id_number, name, grid; phone, household, tags, "
                                   "id_type, address | id_number: replaces"));
    assert_non_null(strstr(b.data, "| scans | id_number, venue, time | (person, venue, time): "
                                   "duplicate |\n"));
    fk_buf_fini(&b);
}

/* ---- the generic put ---- */

static int setup(void **state)
{
    return store_fixture_open(state, "record");
}

static int teardown(void **state)
{
    return store_fixture_close(state);
}

static enum fk_put put_region(fk_store *st, const char *code, const char *name, int level,
                              const char *parent, unsigned *changed)
{
    /* lon, lat, worker, worker_phone: NULL keeps them */
    const struct fk_record_value v[] = {{code, 0, 0},   {name, 0, 0}, {NULL, level, 0},
                                        {parent, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0},
                                        {NULL, 0, 0},   {NULL, 0, 0}};
    enum fk_put did = (enum fk_put)99;

    assert_int_equal(fk_store_put_record(st, FK_IMPORT_REGIONS, v, NULL, &did, changed), FK_OK);
    return did;
}

static void test_put__new_same_updated(void **state)
{
    struct store_fixture *f = *state;
    struct fk_region_row r;
    unsigned changed = 99;
    int64_t n = 0;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, "", &changed),
                     FK_PUT_NEW);
    assert_int_equal(changed, 0);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, "", &changed),
                     FK_PUT_SAME);
    assert_int_equal(changed, 0);
    /* Another key is another record, however alike. */
    assert_int_equal(put_region(f->st, "1407", "山西省", FK_LEVEL_PROVINCE, "", NULL), FK_PUT_NEW);
    assert_int_equal(put_region(f->st, "1407", "晋中市", FK_LEVEL_CITY, "14", &changed),
                     FK_PUT_UPDATED);
    assert_int_equal(changed, (1u << 1) | (1u << 2) | (1u << 3));
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_get_region(f->st, "1407", &r), FK_OK);
    assert_string_equal(r.name, "晋中市");
    assert_int_equal(r.level, FK_LEVEL_CITY);
    assert_string_equal(r.parent, "14");
    assert_int_equal(fk_store_count(f->st, "regions", &n), FK_OK);
    assert_int_equal(n, 2);
    /* The typed put is the generic one: the same answers. */
    assert_int_equal(fk_store_begin(f->st), FK_OK);
    {
        struct fk_region_row w = {"1407", "晋中市", "14", FK_LEVEL_CITY, NULL, NULL, NULL, NULL};
        enum fk_put did;

        assert_int_equal(fk_store_put_region(f->st, &w, &did), FK_OK);
        assert_int_equal(did, FK_PUT_SAME);
        w.name = "晋中";
        assert_int_equal(fk_store_put_region(f->st, &w, &did), FK_OK);
        assert_int_equal(did, FK_PUT_UPDATED);
    }
    assert_int_equal(fk_store_commit(f->st), FK_OK);
}

/* A NULL text of an ordinary field is the empty text: stored as "", the same as "" after. */
static void test_put__null_is_empty(void **state)
{
    struct store_fixture *f = *state;
    struct fk_region_row r;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, NULL, NULL), FK_PUT_NEW);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, "", NULL), FK_PUT_SAME);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, "x", NULL),
                     FK_PUT_UPDATED);
    assert_int_equal(put_region(f->st, "14", "山西省", FK_LEVEL_PROVINCE, NULL, NULL),
                     FK_PUT_UPDATED);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_get_region(f->st, "14", &r), FK_OK);
    assert_string_equal(r.parent, "");
}

/* A kept field (FK_RFIELD_KEEP): NULL keeps the stored value and is no change; "" is a value. A
 * new record stores "" or 0 for it. The id of a numbered type comes back on every answer. */
static void test_put__keep_and_id(void **state)
{
    struct store_fixture *f = *state;
    struct fk_record_value v[6] = {{"V1", 0, 0}, {"超市", 0, 0}, {NULL, 0, 0},
                                   {"g1", 0, 0}, {NULL, 0, 0},   {NULL, 0, 0}};
    struct fk_risk_area_row ra = {"110105", 0, 1000, 0, NULL};
    enum fk_put did;
    int64_t id = 0, id2 = 0;
    unsigned changed = 0;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_VENUES, v, &id, &did, NULL), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_true(id > 0);
    v[2].s = "market";
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_VENUES, v, &id2, &did, &changed), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(changed, 1u << 2);
    assert_int_equal(id2, id);
    v[2].s = NULL; /* keeps "market" */
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_VENUES, v, &id2, &did, NULL), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(id2, id);
    v[2].s = ""; /* clears it */
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_VENUES, v, &id2, &did, NULL), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    /* Risk areas: a two-column key (area, start), the name kept when NULL. */
    assert_int_equal(fk_store_put_risk_area(f->st, &ra, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    ra.name = "朝阳区";
    assert_int_equal(fk_store_put_risk_area(f->st, &ra, &did), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    ra.name = NULL;
    assert_int_equal(fk_store_put_risk_area(f->st, &ra, &did), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    ra.start = 2000; /* same area, another start: another record */
    assert_int_equal(fk_store_put_risk_area(f->st, &ra, &did), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
}

/* Persons: the changed-fields bits come through the generic put; an absent id_type is kept. */
static void test_put__person_changes(void **state)
{
    struct store_fixture *f = *state;
    struct fk_person_row p = {
        0, "110101199003070014", "张三", "13800000000", "g1", NULL, NULL, -1, NULL};
    struct fk_person_row got;
    enum fk_put did;
    unsigned changed = 99;
    int64_t id = 0;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_person_changes(f->st, &p, &id, &did, &changed), FK_OK);
    assert_int_equal(did, FK_PUT_NEW);
    assert_int_equal(changed, 0);
    p.name = "李四";
    p.grid = "g2";
    p.id_type = 1;
    assert_int_equal(fk_store_put_person_changes(f->st, &p, &id, &did, &changed), FK_OK);
    assert_int_equal(did, FK_PUT_UPDATED);
    assert_int_equal(changed, FK_PERSON_NAME | FK_PERSON_GRID | FK_PERSON_ID_TYPE);
    p.id_type = -1;
    p.phone = NULL;
    assert_int_equal(fk_store_put_person_changes(f->st, &p, &id, &did, &changed), FK_OK);
    assert_int_equal(did, FK_PUT_SAME);
    assert_int_equal(fk_store_commit(f->st), FK_OK);
    assert_int_equal(fk_store_get_person(f->st, id, &got), FK_OK);
    assert_int_equal(got.id_type, 1);
    assert_string_equal(got.phone, "13800000000");
}

/* A type without a generic put (an append-only event, results) answers FK_EINVAL. */
static void test_put__not_generic(void **state)
{
    struct store_fixture *f = *state;
    const struct fk_record_value v[4] = {{"t", 0, 0}, {NULL, 1, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
    enum fk_put did;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_SCANS, v, NULL, &did, NULL), FK_EINVAL);
    assert_int_equal(fk_store_put_record(f->st, FK_IMPORT_RESULTS, v, NULL, &did, NULL), FK_EINVAL);
    assert_int_equal(fk_store_rollback(f->st), FK_OK);
}

/* ---- export ---- */

/* A county's export holds its county's rows only; no actor: every row; a type with no export, or
 * a role that may not import it, is refused with the reason. */
static void test_export__scope(void **state)
{
    struct store_fixture *f = *state;
    static const struct fk_region_row regions[] = {
        {"14", "山西省", "", FK_LEVEL_PROVINCE, NULL, NULL, NULL, NULL},
        {"1407", "晋中市", "14", FK_LEVEL_CITY, NULL, NULL, NULL, NULL},
        {"140702", "榆次区", "1407", FK_LEVEL_COUNTY, NULL, NULL, NULL, NULL},
        {"140703", "太谷区", "1407", FK_LEVEL_COUNTY, NULL, NULL, NULL, NULL},
        {"g1", "网格1", "140702", FK_LEVEL_GRID, NULL, NULL, NULL, NULL},
        {"g2", "网格2", "140703", FK_LEVEL_GRID, NULL, NULL, NULL, NULL},
    };
    struct fk_person_row p1 = {0, "110101199003070014", "=甲", NULL, "g1", NULL, NULL, -1, NULL},
                         p2 = {0, "110101199003070030", "乙", NULL, "g2", NULL, NULL, -1, NULL};
    struct fk_actor county = {"desk", FK_ROLE_COUNTY, "140702"},
                    viewer = {"v", FK_ROLE_VIEWER, "140702"};
    fk_table *t = NULL;
    enum fk_put did;
    char err[512];
    int64_t id;
    size_t i;

    assert_int_equal(fk_store_begin(f->st), FK_OK);
    for (i = 0; i < sizeof regions / sizeof regions[0]; i++)
        assert_int_equal(fk_store_put_region(f->st, &regions[i], &did), FK_OK);
    assert_int_equal(fk_store_put_person(f->st, &p1, &id, &did), FK_OK);
    assert_int_equal(fk_store_put_person(f->st, &p2, &id, &did), FK_OK);
    assert_int_equal(fk_store_commit(f->st), FK_OK);

    assert_int_equal(fk_export_table(f->st, FK_IMPORT_PERSONS, NULL, &t, err, sizeof err), FK_OK);
    assert_int_equal(fk_table_nrows(t), 2);
    assert_int_equal(fk_table_ncols(t), 8);
    assert_string_equal(fk_table_col(t, 6)->name, "id_type");
    assert_string_equal(fk_table_col(t, 7)->name, "address");
    assert_string_equal(fk_table_get(t, 0, 6), "resident");
    fk_table_free(t);

    assert_int_equal(fk_export_table(f->st, FK_IMPORT_PERSONS, &county, &t, err, sizeof err),
                     FK_OK);
    assert_int_equal(fk_table_nrows(t), 1);
    assert_string_equal(fk_table_get(t, 0, 0), "110101199003070014");
    {
        fk_buf b;

        fk_buf_init(&b, 0);
        assert_int_equal(fk_table_render(t, FK_FORMAT_CSV, 0, 1, &b), FK_OK);
        assert_non_null(strstr(b.data, "110101199003070014,'=甲,g1,"));
        fk_buf_fini(&b);
    }
    fk_table_free(t);

    t = (fk_table *)(void *)err; /* set to NULL on every failure */
    assert_int_equal(fk_export_table(f->st, FK_IMPORT_REGIONS, &county, &t, err, sizeof err),
                     FK_EPERM);
    assert_null(t);
    assert_non_null(strstr(err, "may not export regions"));
    assert_int_equal(fk_export_table(f->st, FK_IMPORT_PERSONS, &viewer, &t, err, sizeof err),
                     FK_EPERM);
    assert_int_equal(fk_export_table(f->st, FK_IMPORT_SCANS, NULL, &t, err, sizeof err), FK_EINVAL);
    assert_string_equal(
        err, "scans cannot be exported: export regions, persons, venues, samples, cases, "
             "controls, arrivals, risk_areas, sentinels, coldchain, vaccinations, "
             "indicators, scores, assignments, units, reports, duty, inspections, "
             "problems, incident_events, zones, transfers, checkins, labs, gatherings or requests");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record__lookups),
        cmocka_unit_test(test_record__descriptors_consistent),
        cmocka_unit_test(test_record__import_type_texts_unchanged),
        cmocka_unit_test(test_record__permitted),
        cmocka_unit_test(test_record__contract_markdown),
        T(test_put__new_same_updated),
        T(test_put__null_is_empty),
        T(test_put__keep_and_id),
        T(test_put__person_changes),
        T(test_put__not_generic),
        T(test_export__scope),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
