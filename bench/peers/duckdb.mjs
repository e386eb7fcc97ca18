// SPDX-License-Identifier: MIT
// DuckDB as fangkong's peer in bench/run-peers.sh: one process a question, over a DuckDB file the
// script made from the same generated CSVs, each answer written as CSV for the script to compare
// with fangkong's. `load` (not timed) makes typed tables: persons, venues and cells get dense
// integer ids (a person's and a venue's in file order, as fangkong's store numbers them; a cell's
// in order of first appearance among the pings sorted by person and cell, as fangkong's tracer
// interns them), so that ties in the tracing rules break the way fangkong breaks them.
//
// Usage: node duckdb.mjs version                               (DuckDB's and the package's)
//        node duckdb.mjs load DB CSVDIR
//        node duckdb.mjs import DB SAMPLES.csv                  (a plain table, no key)
//        node duckdb.mjs coverage DB OUT.csv REGION START END   (grids inside REGION)
//        node duckdb.mjs missing DB OUT.csv GRID START END
//        node duckdb.mjs trace DB OUT.csv DEPTH LOOKBACK_DAYS VENUE_MINUTES SLOT_MINUTES
//                             COMPANION_DAYS
// START and END are ISO 8601 times with their offset (round.txt's); the window includes both.
import duckdb, { DuckDBInstance } from '@duckdb/node-api'
import fs from 'node:fs'
import path from 'node:path'

const [verb, db, ...args] = process.argv.slice(2)

function usage() {
  console.error('usage: node duckdb.mjs load|import|coverage|missing|trace DB ... (see the header)')
  process.exit(2)
}

// A text as an SQL string literal.
function lit(s) {
  return `'${String(s).replaceAll("'", "''")}'`
}

// A whole number argument, checked, for SQL.
function int(name, s) {
  if (!/^[0-9]+$/.test(s ?? '')) {
    console.error(`duckdb.mjs: ${name} is a whole number, not '${s}'`)
    process.exit(2)
  }
  return Number(s)
}

// Unix seconds of an ISO 8601 text as fangkong reads it: a time without an offset, or a date
// alone (midnight), is Asia/Shanghai's, the session's time zone (main sets it). NULL when empty.
const EPOCH = `CREATE OR REPLACE TEMP MACRO fk_epoch(s) AS
  epoch(CAST(nullif(s, '') AS TIMESTAMPTZ))::BIGINT`
// Unix seconds rendered as fangkong renders them (Asia/Shanghai: +08:00, no summer time since
// 1991).
const RENDER = `CREATE OR REPLACE TEMP MACRO fk_render(e) AS
  strftime(make_timestamp((e + 28800) * 1000000), '%Y-%m-%dT%H:%M:%S') || '+08:00'`

function csv(dir, name) {
  return `read_csv(${lit(path.join(dir, name + '.csv'))}, header = true, all_varchar = true)`
}

async function load(con, dir) {
  const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${csv(dir, 'cases')}`))
    .getRows()
    .map((r) => r[0])
  const has = (c) => (cols.includes(c) ? `k.${c}` : 'NULL')
  // Numbered on one thread, so that row_number() follows the file.
  const threads = (await con.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0]
  await con.run(`SET threads = 1;
    CREATE TABLE persons AS SELECT row_number() OVER ()::INTEGER - 1 AS pid, *
      FROM ${csv(dir, 'persons')};
    CREATE TABLE venues AS SELECT row_number() OVER ()::INTEGER - 1 AS vid, *
      FROM ${csv(dir, 'venues')};
    SET threads = ${Number(threads)};`)
  await checkOrder(con, path.join(dir, 'persons.csv'))
  await con.run(`
    CREATE TABLE regions AS SELECT * FROM ${csv(dir, 'regions')};
    CREATE TABLE scans AS SELECT p.pid, v.vid, fk_epoch(s.time) AS t
      FROM ${csv(dir, 'scans')} s JOIN persons p ON p.id_number = s.id_number
      JOIN venues v ON v.code = s.venue;
    CREATE TEMP TABLE pings_raw AS SELECT p.pid, q.cell, fk_epoch(q.time) AS t
      FROM ${csv(dir, 'pings')} q JOIN persons p ON p.id_number = q.id_number;
    CREATE TABLE cells AS SELECT cell, (row_number() OVER (ORDER BY min(pid), cell))::INTEGER - 1
      AS cid FROM pings_raw GROUP BY cell;
    CREATE TABLE pings AS SELECT q.pid, c.cid, q.t FROM pings_raw q JOIN cells c USING (cell);
    CREATE TABLE cases AS SELECT p.pid, fk_epoch(k.confirmed) AS confirmed,
      fk_epoch(${has('onset')}) AS onset, fk_epoch(${has('isolated')}) AS isolated
      FROM ${csv(dir, 'cases')} k JOIN persons p ON p.id_number = k.id_number;
  `)
}

// Checks the persons' numbers against the file's first and last rows: fangkong's tie-breaks rest
// on them.
async function checkOrder(con, file) {
  const fd = fs.openSync(file, 'r')
  const size = fs.fstatSync(fd).size
  const head = Buffer.alloc(Math.min(size, 65536))
  const tail = Buffer.alloc(Math.min(size, 65536))
  fs.readSync(fd, head, 0, head.length, 0)
  fs.readSync(fd, tail, 0, tail.length, size - tail.length)
  fs.closeSync(fd)
  const ids = (buf) => buf.toString('utf8').split('\n').slice(1, -1).map((l) => l.split(',')[0])
  const first = ids(head)
  const last = ids(tail).filter((id) => !first.includes(id))
  const n = Number((await con.runAndReadAll('SELECT count(*) FROM persons')).getRows()[0][0])
  const want = new Map(first.map((id, i) => [i, id]))
  last.forEach((id, i) => want.set(n - last.length + i, id))
  const got = new Map((await con.runAndReadAll(`SELECT pid, id_number FROM persons
    WHERE pid < ${first.length} OR pid >= ${n - last.length}`)).getRows())
  for (const [pid, id] of want) {
    if (got.get(pid) !== id) throw new Error(`persons are numbered out of file order at ${pid}`)
  }
}

// The samples file as a plain table, typed as fangkong reads it (text codes, times with offsets).
async function importSamples(con, file) {
  await con.run(`CREATE TABLE samples AS SELECT * FROM read_csv(${lit(file)}, header = true,
    columns = {'tube': 'VARCHAR', 'id_number': 'VARCHAR', 'time': 'TIMESTAMPTZ',
               'site': 'VARCHAR', 'shipped': 'TIMESTAMPTZ'})`)
}

// Grids inside the region (a walk down regions.parent), their residents and how many of those have
// a sample in the window, in code order: fangkong's coverage --by grid.
function coverageSql(region, start, end) {
  return `WITH RECURSIVE sub(code) AS (
      SELECT code FROM regions WHERE code = ${lit(region)}
      UNION ALL SELECT r.code FROM regions r JOIN sub ON r.parent = sub.code),
    sampled AS (SELECT DISTINCT id_number FROM samples
      WHERE time BETWEEN ${lit(start)}::TIMESTAMPTZ AND ${lit(end)}::TIMESTAMPTZ)
    SELECT g.code AS region, g.name, count(p.id_number) AS residents,
      count(s.id_number) AS sampled
    FROM sub JOIN regions g ON g.code = sub.code
    LEFT JOIN persons p ON p.grid = g.code
    LEFT JOIN sampled s ON s.id_number = p.id_number
    WHERE g.level = 'grid' GROUP BY g.code, g.name ORDER BY g.code`
}

// Residents of the grid with no sample in the window, by household then ID number.
function missingSql(grid, start, end) {
  return `SELECT p.id_number, p.name, p.phone, p.grid, p.household, p.address FROM persons p
    WHERE p.grid = ${lit(grid)} AND NOT EXISTS (SELECT 1 FROM samples s
      WHERE s.id_number = p.id_number
        AND s.time BETWEEN ${lit(start)}::TIMESTAMPTZ AND ${lit(end)}::TIMESTAMPTZ)
    ORDER BY p.grid, p.household, p.id_number`
}

// fangkong trace (lib/engine/tracer.c, fk/trace.h), every case, as SQL. A reason is (person,
// source, cat 1 close / 2 secondary / 3 companion, via 1 household / 2 venue / 3 cell, via_id,
// exposure); a person keeps the best one: the lowest category, then the earliest exposure, the
// lowest source id, via kind and via id (fk_contact_better). Cases are never listed.
// - close, household: the case's household, exposed at the start of the case's window, which
//   runs from LOOKBACK days before onset (else confirmation) to isolation (else confirmation);
// - close, venue: a scan at the venue of a case's scan inside that window, at most W seconds
//   apart, exposed at the later of the two;
// - companion: a ping in the cell and slot of a case's ping from COMPANION days before its
//   confirmation to it, exposed at the slot's start;
// - secondary (depth 2): the same household and venue rules from each close contact, from its
//   exposure on (no end), never displacing a close reason.
// Venue pairs are found by an equality join on (venue, time bucket of W seconds) over the three
// neighbouring buckets, then the exact distance, rather than every pair of scans at a venue.
async function trace(con, out, depth, lookbackDays, venueMinutes, slotMinutes, companionDays) {
  const W = venueMinutes * 60
  const BW = Math.max(W, 1)
  const L = lookbackDays * 86400
  const SLOT = slotMinutes * 60
  const CD = companionDays * 86400
  // Pairs of a source scan (vid, ts, source) with another person's scan at the venue within W.
  const venuePairs = (src, cat) => `
    SELECT s2.pid AS person, b.source, ${cat} AS cat, 2 AS via, b.vid AS via_id,
      greatest(b.ts, s2.t) AS exposure
    FROM (SELECT x.*, x.ts // ${BW} + d AS bucket FROM ${src} x,
          (VALUES (-1), (0), (1)) AS k(d)) b
    JOIN scans s2 ON s2.vid = b.vid AND s2.t // ${BW} = b.bucket
    WHERE abs(s2.t - b.ts) <= ${W} AND s2.pid <> b.source`
  await con.run(`
    CREATE TEMP TABLE c AS SELECT k.pid, k.confirmed, coalesce(k.onset, k.confirmed) - ${L} AS ws,
      coalesce(k.isolated, k.confirmed) AS we, p.household
      FROM cases k JOIN persons p USING (pid);
    CREATE TEMP TABLE cs AS SELECT s.vid, s.t AS ts, c.pid AS source
      FROM c JOIN scans s USING (pid) WHERE s.t BETWEEN c.ws AND c.we;
    CREATE TEMP TABLE cp AS SELECT q.cid, q.t // ${SLOT} AS slot, c.pid AS source
      FROM c JOIN pings q USING (pid) WHERE q.t BETWEEN c.confirmed - ${CD} AND c.confirmed;
    CREATE TEMP TABLE best AS SELECT * FROM (
      SELECT q.pid AS person, c.pid AS source, 1 AS cat, 1 AS via, 0 AS via_id, c.ws AS exposure
        FROM c JOIN persons q ON q.household = c.household AND q.pid <> c.pid
      UNION ALL ${venuePairs('cs', 1)}
      UNION ALL SELECT q.pid, cp.source, 3, 3, cp.cid, cp.slot * ${SLOT}
        FROM cp JOIN pings q ON q.cid = cp.cid AND q.t // ${SLOT} = cp.slot
        WHERE q.pid <> cp.source
    ) r WHERE person NOT IN (SELECT pid FROM c)
    QUALIFY row_number() OVER (PARTITION BY person
      ORDER BY cat, exposure, source, via, via_id) = 1;
  `)
  if (depth === 2) {
    await con.run(`
      CREATE TEMP TABLE cl AS SELECT b.person, b.exposure AS from_t, p.household
        FROM best b JOIN persons p ON p.pid = b.person WHERE b.cat = 1;
      CREATE TEMP TABLE ss AS SELECT s.vid, s.t AS ts, cl.person AS source
        FROM cl JOIN scans s ON s.pid = cl.person WHERE s.t >= cl.from_t;
      CREATE TEMP TABLE best2 AS SELECT * FROM (
        SELECT * FROM best
        UNION ALL SELECT * FROM (
          SELECT q.pid AS person, cl.person AS source, 2 AS cat, 1 AS via, 0 AS via_id,
            cl.from_t AS exposure
            FROM cl JOIN persons q ON q.household = cl.household AND q.pid <> cl.person
          UNION ALL ${venuePairs('ss', 2)}
        ) s WHERE person NOT IN (SELECT pid FROM c) AND person NOT IN (SELECT person FROM cl)
      ) r QUALIFY row_number() OVER (PARTITION BY person
        ORDER BY cat, exposure, source, via, via_id) = 1;
      DROP TABLE best; ALTER TABLE best2 RENAME TO best;
    `)
  }
  await con.run(`COPY (
    SELECT p.id_number, p.name,
      CASE b.cat WHEN 1 THEN 'close' WHEN 2 THEN 'secondary' ELSE 'companion' END AS category,
      sp.id_number AS source,
      CASE b.via WHEN 1 THEN 'household:' || sp.household WHEN 2 THEN 'venue:' || v.code
        ELSE 'cell:' || ce.cell END AS via,
      fk_render(b.exposure) AS exposure, p.phone, p.grid
    FROM best b JOIN persons p ON p.pid = b.person JOIN persons sp ON sp.pid = b.source
    LEFT JOIN venues v ON b.via = 2 AND v.vid = b.via_id
    LEFT JOIN cells ce ON b.via = 3 AND ce.cid = b.via_id
    ORDER BY b.cat, b.exposure, b.person) TO ${lit(out)} (HEADER, DELIMITER ',')`)
}

async function main() {
  if (verb === 'version') {
    const pkg = new URL('node_modules/@duckdb/node-api/package.json', import.meta.url)
    const api = JSON.parse(fs.readFileSync(pkg)).version
    console.log(`${duckdb.version()} (@duckdb/node-api ${api})`)
    return
  }
  if (!verb || !db) usage()
  const instance = await DuckDBInstance.create(db)
  const con = await instance.connect()
  await con.run(`SET TimeZone = 'Asia/Shanghai'`)
  await con.run(EPOCH)
  await con.run(RENDER)
  if (verb === 'load' && args.length === 1) {
    await load(con, args[0])
  } else if (verb === 'import' && args.length === 1) {
    await importSamples(con, args[0])
  } else if (verb === 'coverage' && args.length === 4) {
    await con.run(`COPY (${coverageSql(args[1], args[2], args[3])}) TO ${lit(args[0])}
      (HEADER, DELIMITER ',')`)
  } else if (verb === 'missing' && args.length === 4) {
    await con.run(`COPY (${missingSql(args[1], args[2], args[3])}) TO ${lit(args[0])}
      (HEADER, DELIMITER ',')`)
  } else if (verb === 'trace' && args.length === 6) {
    const depth = int('DEPTH', args[1])
    if (depth !== 1 && depth !== 2) usage()
    await trace(con, args[0], depth, int('LOOKBACK_DAYS', args[2]), int('VENUE_MINUTES', args[3]),
      int('SLOT_MINUTES', args[4]), int('COMPANION_DAYS', args[5]))
  } else {
    usage()
  }
  con.closeSync()
  instance.closeSync()
}

main().catch((e) => {
  console.error(`duckdb.mjs ${verb}: ${e.message}`)
  process.exit(1)
})
