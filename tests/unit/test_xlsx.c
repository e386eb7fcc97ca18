/* SPDX-License-Identifier: MIT */
/* Unit tests of the XLSX reader (lib/ingest/xlsx.c) and of imports of .xlsx files. Workbooks are
 * made here, never checked in: with libxlsxwriter, the way Excel writes them (shared strings,
 * date formats, a second sheet; inline strings in its constant-memory mode), and with libzip for
 * what libxlsxwriter cannot write (the 1904 date system, a zip bomb, no workbook part). Both are
 * independent of the reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "fk/error.h"
#include "fk/ingest.h"
#include "fk/profile.h"
#include "fk/store.h"
#include "fk/xlsx.h"

static char dir[256];

static int group_setup(void **state)
{
    const char *tmp = getenv("TMPDIR");

    (void)state;
    snprintf(dir, sizeof dir, "%s/fk-test-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[400];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name, char *out)
{
    snprintf(out, 400, "%s/%s", dir, name);
    return out;
}

/* Reads every row of path's sheet into out as "LINE:a|b|c\n" lines. */
static int dump(const char *path, const char *sheet, char *out, size_t cap, char *err,
                size_t errlen)
{
    fk_xlsx *x = NULL;
    size_t len = 0, i;
    int rc = fk_xlsx_open(path, sheet, &x, err, errlen);

    out[0] = '\0';
    if (rc != FK_OK)
        return rc;
    while ((rc = fk_xlsx_next(x)) == 1) {
        len += (size_t)snprintf(out + len, cap - len, "%llu:", (unsigned long long)fk_xlsx_line(x));
        for (i = 0; i < fk_xlsx_nfields(x); i++) {
            fk_slice f = fk_xlsx_field(x, i);

            len += (size_t)snprintf(out + len, cap - len, "%s%.*s", i ? "|" : "", (int)f.n, f.p);
        }
        len += (size_t)snprintf(out + len, cap - len, "\n");
    }
    if (rc < 0)
        snprintf(err, errlen, "%s", fk_xlsx_error(x));
    fk_xlsx_close(x);
    return rc;
}

/* A workbook the way Excel writes one: shared strings, numbers, date formats, gaps. */
static void write_people(const char *path, int constant_memory)
{
    lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory, .tmpdir = dir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *first = workbook_add_worksheet(wb, "名单");
    lxw_worksheet *second = workbook_add_worksheet(wb, "其他");
    lxw_format *day = workbook_add_format(wb), *stamp = workbook_add_format(wb),
               *builtin = workbook_add_format(wb), *money = workbook_add_format(wb);
    lxw_datetime d1 = {2022, 4, 1, 0, 0, 0}, d2 = {2022, 4, 1, 8, 30, 0};

    format_set_num_format(day, "yyyy\"年\"m\"月\"d\"日\"");
    format_set_num_format(stamp, "yyyy-mm-dd hh:mm");
    format_set_num_format_index(builtin, 14);
    format_set_num_format(money, "[Red]#,##0.00");
    /* Row 1 empty: the header is the first row that holds something. */
    worksheet_write_string(first, 1, 0, "id_number", NULL);
    worksheet_write_string(first, 1, 1, "name", NULL);
    worksheet_write_string(first, 1, 3, "when", NULL); /* column C left empty */
    worksheet_write_string(first, 2, 0, "140702199001011234", NULL);
    worksheet_write_string(first, 2, 1, "张三, \"老张\"", NULL);
    worksheet_write_datetime(first, 2, 3, &d1, day);
    worksheet_write_number(first, 3, 0, 13800138000.0, NULL);
    worksheet_write_number(first, 3, 1, 12.5, money);
    worksheet_write_datetime(first, 3, 3, &d2, stamp);
    worksheet_write_blank(first, 4, 0, day); /* a styled blank row: skipped */
    worksheet_write_number(first, 5, 3, 44652, builtin);
    worksheet_write_boolean(first, 5, 4, 1, NULL);
    worksheet_write_string(second, 0, 0, "only", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx__excel_workbook(void **state)
{
    static const char want[] = "2:id_number|name||when\n"
                               "3:140702199001011234|张三, \"老张\"||2022-04-01\n"
                               "4:13800138000|12.5||2022-04-01T08:30:00\n"
                               "6:|||2022-04-01|TRUE\n";
    char path[400], out[2000], err[512];
    int cm;

    (void)state;
    for (cm = 0; cm <= 1; cm++) { /* shared strings, then inline strings */
        write_people(path_of(cm ? "inline.xlsx" : "shared.xlsx", path), cm);
        assert_int_equal(dump(path, NULL, out, sizeof out, err, sizeof err), 0);
        assert_string_equal(out, want);
        assert_int_equal(dump(path, "其他", out, sizeof out, err, sizeof err), 0);
        assert_string_equal(out, "1:only\n");
        assert_int_equal(dump(path, "Sheet9", out, sizeof out, err, sizeof err), FK_EINVAL);
        assert_non_null(strstr(err, "has no sheet named 'Sheet9'; its sheets are '名单', '其他'"));
    }
}

/* Writes a zip of n entries (name, text). */
static void write_zip(const char *path, const char *const *names, const char *const *texts,
                      const size_t *lens, size_t n)
{
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    size_t i;

    assert_non_null(z);
    for (i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, texts[i], lens ? lens[i] : strlen(texts[i]), 0);

        assert_non_null(s);
        assert_true(zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static void test_xlsx__date1904_rich_text_and_prefixes(void **state)
{
    static const char *const names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                        "xl/sharedStrings.xml", "xl/styles.xml",
                                        "xl/worksheets/s.xml"};
    static const char *const texts[] = {
        "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"r\"><x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"S\" sheetId=\"1\" "
        "r:id=\"rId7\"/></x:sheets></x:workbook>",
        "<Relationships><Relationship Id=\"rId7\" Target=\"/xl/worksheets/s.xml\"/>"
        "</Relationships>",
        "<sst " NS "><si><r><t>na</t></r><r><t xml:space=\"preserve\">me</t></r>"
        "<rPh><t>ナ</t></rPh></si></sst>",
        "<styleSheet " NS "><cellStyleXfs><xf numFmtId=\"0\"/></cellStyleXfs><cellXfs>"
        "<xf numFmtId=\"0\"/><xf numFmtId=\"22\"/></cellXfs></styleSheet>",
        "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<x:sheetData><x:row r=\"3\"><x:c r=\"B3\" t=\"s\"><x:v>0</x:v></x:c>"
        "<x:c r=\"C3\" s=\"1\"><x:v>0.5</x:v></x:c><x:c s=\"1\"><x:v>1</x:v></x:c>"
        "<x:c t=\"str\"><x:v>=x</x:v></x:c></x:row></x:sheetData></x:worksheet>",
    };
    char path[400], out[1000], err[512];

    (void)state;
    write_zip(path_of("d1904.xlsx", path), names, texts, NULL, 5);
    assert_int_equal(dump(path, NULL, out, sizeof out, err, sizeof err), 0);
    /* A cell without r takes the next column. */
    assert_string_equal(out, "3:|name|1904-01-01T12:00:00|1904-01-02|=x\n");
}

static void test_xlsx__serials_and_formats(void **state)
{
    static const struct {
        double v;
        int d1904;
        const char *want;
    } cases[] = {
        {1, 0, "1900-01-01"},
        {59, 0, "1900-02-28"},
        {60, 0, "1900-02-29"},
        {61, 0, "1900-03-01"},
        {44652, 0, "2022-04-01"},
        {44652.354166666664, 0, "2022-04-01T08:30:00"},
        {44652.99999999, 0, "2022-04-02"},
        {0, 1, "1904-01-01"},
        {43190, 1, "2022-04-01"},
        {2958465, 0, "9999-12-31"},
    };
    char out[40];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(fk_xlsx_serial_text(cases[i].v, cases[i].d1904, out, sizeof out), 0);
        assert_string_equal(out, cases[i].want);
    }
    assert_int_equal(fk_xlsx_serial_text(-1, 0, out, sizeof out), -1);
    assert_true(fk_xlsx_format_is_date(14, NULL));
    assert_true(fk_xlsx_format_is_date(47, NULL));
    assert_false(fk_xlsx_format_is_date(2, NULL));
    assert_false(fk_xlsx_format_is_date(49, NULL)); /* "@": text */
    assert_true(fk_xlsx_format_is_date(164, "yyyy/m/d"));
    assert_true(fk_xlsx_format_is_date(165, "[$-804]yyyy\"年\"m\"月\"d\"日\""));
    assert_true(fk_xlsx_format_is_date(166, "h:mm:ss"));
    assert_false(fk_xlsx_format_is_date(167, "[Red]#,##0.00"));
    assert_false(fk_xlsx_format_is_date(168, "0.00\"days\""));
    assert_false(fk_xlsx_format_is_date(169, "General"));
    assert_false(fk_xlsx_format_is_date(170, "0\\d"));
}

static void test_xlsx__not_a_workbook(void **state)
{
    static const char *const names[] = {"word/document.xml"};
    static const char *const texts[] = {"<w/>"};
    char path[400], err[512];
    fk_xlsx *x = (fk_xlsx *)1;
    FILE *f;

    (void)state;
    assert_int_equal(fk_xlsx_open(path_of("none.xlsx", path), NULL, &x, err, sizeof err),
                     FK_ENOENT);
    assert_null(x);
    f = fopen(path_of("old.xls", path), "wb");
    assert_non_null(f);
    fputs("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and so on, an OLE2 file", f);
    fclose(f);
    assert_int_equal(fk_xlsx_open(path, NULL, &x, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "old Excel workbook (.xls)"));
    assert_non_null(strstr(err, "save it as .xlsx or .csv"));
    f = fopen(path_of("text.xlsx", path), "wb");
    assert_non_null(f);
    fputs("id_number,name\n", f);
    fclose(f);
    assert_int_equal(fk_xlsx_open(path, NULL, &x, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "not an .xlsx workbook"));
    write_zip(path_of("doc.xlsx", path), names, texts, NULL, 1);
    assert_int_equal(fk_xlsx_open(path, NULL, &x, err, sizeof err), FK_EINVAL);
    assert_non_null(strstr(err, "no xl/workbook.xml"));
}

static void test_xlsx__zip_bomb_refused(void **state)
{
    static const char *const names[] = {"xl/workbook.xml"};
    size_t n = (size_t)64 << 20; /* 64 MiB of spaces pack into about 64 KiB */
    char *big = malloc(n), path[400], err[512];
    const char *texts[1];
    fk_xlsx *x = (fk_xlsx *)1;

    (void)state;
    assert_non_null(big);
    memset(big, ' ', n);
    texts[0] = big;
    write_zip(path_of("bomb.xlsx", path), names, texts, &n, 1);
    free(big);
    assert_int_equal(fk_xlsx_open(path, NULL, &x, err, sizeof err), FK_ETOOBIG);
    assert_null(x);
    assert_non_null(strstr(err, "refused as a zip bomb"));
}

static void test_xlsx__import_reads_a_workbook(void **state)
{
    static const char *const regions[][4] = {
        {"code", "name", "level", "parent"},
        {"14", "山西省", "province", ""},
        {"1407", "晋中市", "city", "14"},
        {"140702", "榆次区", "county", "1407"},
        {"140702001", "街道", "township", "140702"},
        {"140702001001", "社区", "community", "140702001"},
        {"140702001001001", "网格", "grid", "140702001001"},
    };
    struct fk_profile prof;
    struct fk_import_summary sum;
    fk_store *st = NULL;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    char path[400], db[400], err[1024];
    size_t r, c;
    FILE *f;
    char line[600];
    int found = 0;

    (void)state;
    fk_profile_defaults(&prof);
    wb = workbook_new(path_of("regions.xlsx", path));
    ws = workbook_add_worksheet(wb, NULL);
    for (r = 0; r < 7; r++)
        for (c = 0; c < 4; c++)
            if (regions[r][c][0])
                worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, regions[r][c], NULL);
    worksheet_write_string(ws, 8, 0, "bad code!", NULL); /* sheet row 9 */
    worksheet_write_string(ws, 8, 1, "坏", NULL);
    worksheet_write_string(ws, 8, 2, "grid", NULL);
    worksheet_write_string(ws, 8, 3, "140702001001", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(fk_store_open(path_of("x.db", db), &st, err, sizeof err), FK_OK);
    assert_int_equal(
        fk_import_file(st, &prof, FK_IMPORT_REGIONS, path, NULL, &sum, err, sizeof err), FK_OK);
    assert_int_equal(sum.read, 7);
    assert_int_equal(sum.accepted, 6);
    assert_int_equal(sum.rejected, 1);
    snprintf(path + strlen(path), sizeof path - strlen(path), ".rejects.csv");
    assert_string_equal(sum.rejects_path, path);
    f = fopen(path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "9,\"code 'bad code!' must be", strlen("9,\"code 'bad code!'")) == 0 &&
            strstr(line, ",\"bad code!,坏,grid,140702001001\""))
            found = 1;
    fclose(f);
    assert_true(found);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsx__excel_workbook),
        cmocka_unit_test(test_xlsx__date1904_rich_text_and_prefixes),
        cmocka_unit_test(test_xlsx__serials_and_formats),
        cmocka_unit_test(test_xlsx__not_a_workbook),
        cmocka_unit_test(test_xlsx__zip_bomb_refused),
        cmocka_unit_test(test_xlsx__import_reads_a_workbook),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
