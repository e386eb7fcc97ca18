# SPDX-License-Identifier: MIT
# Writes an .xlsx workbook from CSV files, for tests, with Python's zipfile: independent of
# fangkong's reader, and nothing binary is checked in.
#   python3 mkxlsx.py OUT.xlsx NAME=FILE.csv[:OPT,OPT...] ...   (one sheet per argument)
# Options: dates=COL+COL  write those columns' ISO 8601 values as Excel date serials with a date
#                         format (built-in 14 for dates, a custom one for times), as Excel does;
#          numbers=COL+COL  write those columns' values as numbers;
#          inline          inline strings instead of the shared-strings table;
#          gap             an empty row before the header and after the first data row, so sheet
#                          rows are not CSV lines.
# OUT.rows gets one line per CSV line: "CSVLINE SHEETROW" (the last sheet's).
import csv
import datetime
import sys
import zipfile
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
EPOCH = datetime.datetime(1899, 12, 30)


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(text):
    dt = datetime.datetime.fromisoformat(text)
    if dt.tzinfo is not None:
        dt = dt.astimezone(datetime.timezone(datetime.timedelta(hours=8))).replace(tzinfo=None)
    return (dt - EPOCH).total_seconds() / 86400, "T" in text or " " in text


def main():
    out = sys.argv[1]
    shared, index = [], {}
    sheets, rowmap = [], []
    for spec in sys.argv[2:]:
        name, rest = spec.split("=", 1)
        path, _, opts = rest.partition(":")
        opt = dict((o.split("=", 1) + [""])[:2] for o in opts.split(",") if o)
        dates = set(opt.get("dates", "").split("+")) - {""}
        numbers = set(opt.get("numbers", "").split("+")) - {""}
        inline, gap = "inline" in opt, "gap" in opt
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = rows[0]
        xml, rowmap = [], []
        r = 2 if gap else 1
        for n, row in enumerate(rows):
            rowmap.append((n + 1, r))
            cells = []
            for c, v in enumerate(row):
                ref = "%s%d" % (col_name(c), r)
                key = header[c] if n and c < len(header) else None
                if v == "":
                    continue
                if key in dates:
                    s, has_time = serial(v)
                    cells.append('<c r="%s" s="%d"><v>%r</v></c>' % (ref, 2 if has_time else 1, s))
                elif key in numbers:
                    cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
                elif inline:
                    cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v)))
                else:
                    if v not in index:
                        index[v] = len(shared)
                        shared.append(v)
                    cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[v]))
            xml.append('<row r="%d">%s</row>' % (r, "".join(cells)))
            r += 2 if gap and n == 1 else 1
        sheets.append((name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       '<worksheet xmlns="%s"><sheetData>%s</sheetData></worksheet>'
                       % (NS, "".join(xml))))
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("xl/workbook.xml",
               '<workbook xmlns="%s" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>%s</sheets></workbook>'
               % (NS, "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(n), i + 1, i + 1)
                              for i, (n, _) in enumerate(sheets))))
    z.writestr("xl/_rels/workbook.xml.rels",
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">%s</Relationships>'
               % "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'
                         % (i + 1, i + 1) for i in range(len(sheets))))
    z.writestr("xl/styles.xml",
               '<styleSheet xmlns="%s"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd hh:mm:ss"/></numFmts>'
               '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>' % NS)
    z.writestr("xl/sharedStrings.xml",
               '<sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
               % (NS, len(shared), len(shared), "".join("<si><t>%s</t></si>" % escape(s) for s in shared)))
    for i, (_, xml) in enumerate(sheets):
        z.writestr("xl/worksheets/sheet%d.xml" % (i + 1), xml)
    z.close()
    with open(out + ".rows", "w") as f:
        f.write("".join("%d %d\n" % m for m in rowmap))


main()
