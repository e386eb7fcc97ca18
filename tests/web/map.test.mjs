// SPDX-License-Identifier: MIT
// Browser test of the map and the wall screen (tests/e2e/64-web-map.sh starts the server and runs
// this): the dashboard's map has every county of the city filled (the counties of `fangkong
// coverage R --by county`), its colours by coverage, cases and persons under control equal the
// CLI's answers (cases counted from `fangkong export cases` and `export persons`, controls from
// `fangkong control summary --by county --status open`), a click on a county's shape opens the
// round page at that county; a county viewer's map has only its county; the wall screen shows the
// 四个查清 totals of `fangkong control summary` and the open alerts of `fangkong alerts --open`, and
// its clock reads Beijing time in a browser whose time zone is America/New_York. Screenshots in
// Chinese and English at 1280 and 1920 px; no page error and no CSP refusal anywhere.
//
// Environment (tests/e2e/web-lib.sh web_node): FK_URL, FK_SHOTS, FK_ADMIN, FK_VIEWER, CHROMIUM,
// FANGKONG, FANGKONG_DB, FK_PROFILE, FK_ROUND.
import assert from 'node:assert/strict'
import { run, need, cli, csvRows as csv, signIn, shot, storeLang, log, BASE, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const PROFILE = need('FK_PROFILE')
const ROUND = need('FK_ROUND')
const T = 20000 /* ms for one thing to appear */

const counties = csv(cli('coverage', ROUND, '--by', 'county'))
const gridOf = new Map(csv(cli('export', 'persons')).map((p) => [p.id_number, p.grid]))
const casesBy = {}
for (const c of csv(cli('export', 'cases'))) {
  const g = gridOf.get(c.id_number)
  if (g) casesBy[g.slice(0, 6)] = (casesBy[g.slice(0, 6)] || 0) + 1
}
const controlRows = csv(cli('control', 'summary', '--by', 'county', '--status', 'open'))
const controlledBy = {}
const controlCats = {}
let controlTotal = 0
for (const r of controlRows) {
  const n = Number(r.persons)
  controlledBy[r.region] = (controlledBy[r.region] || 0) + n
  controlCats[r.category] = (controlCats[r.category] || 0) + n
  controlTotal += n
}
const openAlerts = csv(cli('alerts', '--open', '--profile', PROFILE))
/* the grids and venues with coordinates, as the export gives them: "kind code grid lon lat" */
const pointKey = (kind, code, grid, lon, lat) => `${kind} ${code} ${grid} ${Number(lon)} ${Number(lat)}`
const points = [
  ...csv(cli('export', 'regions')).filter((r) => r.lon).map((r) => pointKey('grid', r.code, r.code, r.lon, r.lat)),
  ...csv(cli('export', 'venues')).filter((r) => r.lon).map((r) => pointKey('venue', r.code, r.grid, r.lon, r.lat)),
].sort()
assert.ok(points.length > 10, 'the test put coordinates in')
assert.ok(counties.length >= 2, 'the fixture has counties')
assert.ok(controlTotal > 0 && openAlerts.length > 0, 'the fixture has open orders and alerts')
log(`CLI: ${counties.length} counties, cases ${JSON.stringify(casesBy)}, ${controlTotal} under control, ${openAlerts.length} open alerts`)

/* What the map chart [data-chart=name] draws: the map series' items (shape name, region code,
 * value, centre), the points ("kind code grid lon lat") and the shapes filled, once drawn with
 * the given metric. */
async function mapData(page, name, metric) {
  const sel = `[data-chart="${name}"][data-ready]`
  await page.waitForSelector(sel, { timeout: T })
  if (metric) {
    await page.click(`.region-map:has([data-chart="${name}"]) [data-metric-pick="${metric}"]`)
    await page.waitForSelector(`.region-map[data-metric="${metric}"]:has([data-chart="${name}"])`, { timeout: T })
  }
  return page.$eval(sel, (el) => {
    const s = el.__chart.getOption().series.find((x) => x.type === 'map')
    const sc = el.__chart.getOption().series.find((x) => x.id === 'points')
    return {
      points: sc ? sc.data.map((d) => [d.point.kind, d.point.code, d.point.grid, d.point.lon, d.point.lat].join(' ')) : [],
      /* ECharts adds an item for each shape without data; those have no region */
      items: s.data.filter((d) => d && d.region).map((d) => ({ name: d.name, region: d.region, value: d.value, cp: d.cp })),
      filled: Number(el.closest('.region-map').dataset.filled),
    }
  })
}

/* Clicks the shape of region code on the map chart name, at its centre. */
async function clickRegion(page, name, code) {
  const sel = `[data-chart="${name}"][data-ready]`
  const xy = await page.$eval(
    sel,
    (el, c) => {
      const ch = el.__chart
      const d = ch.getOption().series.find((x) => x.type === 'map').data.find((x) => x.region === c)
      const [x, y] = ch.convertToPixel({ seriesIndex: 0 }, d.cp)
      const r = el.getBoundingClientRect()
      return [r.left + x, r.top + y]
    },
    code,
  )
  await page.mouse.click(xy[0], xy[1])
}

const byRegion = (items) => Object.fromEntries(items.map((i) => [i.region, i.value]))

await run(async (browser, openPage) => {
  /* every request goes to fangkong: no tiles or shapes from elsewhere */
  const outside = []
  const newPage = async (opts) => {
    const page = await openPage(opts)
    page.on('request', (r) => {
      if (!r.url().startsWith(BASE) && !r.url().startsWith('data:')) outside.push(`request outside fangkong: ${r.url()}`)
    })
    return page
  }

  // ---- the dashboard's map, as the city's admin, in Chinese at 1280 px
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  const cov = await mapData(page, 'map')
  assert.deepEqual(cov.items.map((i) => i.region).sort(), counties.map((c) => c.region).sort(), 'one shape a county of the CLI')
  assert.equal(cov.filled, counties.length, 'every county filled')
  assert.deepEqual(
    byRegion(cov.items),
    Object.fromEntries(counties.map((c) => [c.region, Math.round(Number(c.coverage) * 10000) / 100])),
    'coverage of each county as the CLI says',
  )
  for (const i of cov.items) assert.ok(i.value !== null && i.value !== undefined, `${i.name} has a value`)
  log(`dashboard map: ${cov.filled} counties filled with coverage`)
  const drawn = cov.points.map((p) => p.split(' ')).map(([k, c, g, x, y]) => pointKey(k, c, g, x, y)).sort()
  assert.deepEqual(drawn, points, 'the grids and venues with coordinates are the points drawn')
  log(`${drawn.length} points drawn`)
  await page.waitForSelector('[data-map-unshaped]', { timeout: T })
  await shot(page, '01-dashboard-zh-1280')

  const cases = await mapData(page, 'map', 'cases')
  assert.deepEqual(byRegion(cases.items), Object.fromEntries(counties.map((c) => [c.region, casesBy[c.region] || 0])), 'cases by county')
  const ctl = await mapData(page, 'map', 'controlled')
  assert.deepEqual(byRegion(ctl.items), Object.fromEntries(counties.map((c) => [c.region, controlledBy[c.region] || 0])), 'persons under control by county')
  log('map colours by cases and persons under control equal the CLI')
  await shot(page, '02-dashboard-controlled-zh-1280')

  // a click on a grid's point opens the round page at the grid; with the points hidden, a click
  // on a county opens it at the county
  /* a point clear of the others (venues may sit near grids), and the grid it drills into */
  const [gx, gy, grid] = await page.$eval('[data-chart="map"][data-ready]', (el) => {
    const ch = el.__chart
    const sc = ch.getOption().series.findIndex((x) => x.id === 'points')
    const r = el.getBoundingClientRect()
    const px = ch.getOption().series[sc].data.map((d) => [...ch.convertToPixel({ seriesIndex: sc }, d.value), d.point.grid])
    const free = px.find((a) => px.every((b) => a === b || Math.hypot(a[0] - b[0], a[1] - b[1]) > 8))
    return [r.left + free[0], r.top + free[1], free[2]]
  })
  const gxy = [gx, gy]
  await page.mouse.click(gxy[0], gxy[1])
  await page.waitForURL((u) => new URL(u).pathname === '/round' && new URL(u).searchParams.get('region') === grid, { timeout: T })
  log(`click on a point of grid ${grid} drilled down to ${page.url()}`)
  await page.goBack()
  await mapData(page, 'map')
  await page.click('[data-points-toggle]')
  await page.waitForFunction(() => !document.querySelector('[data-chart="map"]').__chart.getOption().series.some((x) => x.id === 'points'), null, { timeout: T })
  const county = counties[0].region
  await clickRegion(page, 'map', county)
  await page.waitForURL((u) => new URL(u).pathname === '/round' && new URL(u).searchParams.get('region') === county, { timeout: T })
  log(`click on ${county} drilled down to ${page.url()}`)

  // English at 1920
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`${BASE}/`)
  await storeLang(page, 'en')
  const en = await mapData(page, 'map')
  assert.equal(en.filled, counties.length)
  await page.waitForSelector('[data-map-unshaped]', { timeout: T })
  await shot(page, '03-dashboard-en-1920')
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.reload()
  await mapData(page, 'map')
  await shot(page, '04-dashboard-en-1280')
  await storeLang(page, 'zh')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.reload()
  await mapData(page, 'map')
  await shot(page, '05-dashboard-zh-1920')

  // ---- the wall screen, in a browser set to New York
  const wall = await newPage({ viewport: { width: 1920, height: 1080 }, timezoneId: 'America/New_York' })
  await signIn(wall, adminName, adminPass)
  await wall.goto(`${BASE}/screen`)
  const wmap = await mapData(wall, 'screen-map')
  assert.equal(wmap.filled, counties.length, 'every county filled on the wall screen')
  await wall.waitForSelector('[data-value=control-total]', { timeout: T })
  await wall.waitForFunction((n) => document.querySelector('[data-value=control-total]').textContent.replace(/\D/g, '') === String(n), controlTotal, { timeout: T })
  for (const [cat, n] of Object.entries(controlCats).sort((a, b) => b[1] - a[1]).slice(0, 6)) {
    const shown = (await wall.textContent(`[data-panel=control] [data-cat="${cat}"] b`)).replace(/\D/g, '')
    assert.equal(shown, String(n), `under control, ${cat}`)
  }
  await wall.waitForSelector('[data-value=alerts-open]', { timeout: T })
  assert.equal((await wall.textContent('[data-value=alerts-open]')).replace(/\D/g, ''), String(openAlerts.length), 'open alerts')
  const listed = await wall.$$eval('[data-panel=alerts] [data-alert]', (li) => li.map((x) => x.dataset.alert))
  assert.deepEqual(listed, openAlerts.slice(0, 5).map((a) => a.id), 'the latest open alerts, newest first')
  log(`wall screen: ${controlTotal} under control and ${openAlerts.length} open alerts as the CLI says`)

  /* the clock: Beijing time (UTC+8, no DST), not New York's */
  const shown = (await wall.textContent('[data-clock]')).trim()
  const browserTz = await wall.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)
  assert.equal(browserTz, 'America/New_York', 'the browser runs in New York time')
  const beijing = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 16).replace('T', ' ')
  const clockAt = new Date(`${shown.replace(' ', 'T')}+08:00`).getTime()
  assert.ok(Number.isFinite(clockAt), `clock reads a time: ${shown}`)
  assert.ok(Math.abs(clockAt - Date.now()) < 120000, `clock ${shown} is Beijing time (${beijing} now)`)
  log(`clock ${shown} in a New York browser (Beijing ${beijing})`)
  const size = await wall.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])
  assert.deepEqual(size, [1920, 1080], 'the wall screen fits 1920×1080 without scrolling')
  await shot(wall, '06-screen-zh-1920', false)
  await storeLang(wall, 'en')
  await mapData(wall, 'screen-map')
  await wall.waitForSelector('[data-value=control-total]', { timeout: T })
  await shot(wall, '07-screen-en-1920', false)
  await wall.setViewportSize({ width: 1280, height: 720 })
  await shot(wall, '08-screen-en-1280', false)
  await storeLang(wall, 'zh')
  await mapData(wall, 'screen-map')
  await shot(wall, '09-screen-zh-1280', false)
  // a click on the wall screen's map drills down too
  await wall.setViewportSize({ width: 1920, height: 1080 })
  await wall.reload()
  await mapData(wall, 'screen-map')
  await wall.click('[data-points-toggle]')
  await wall.waitForFunction(() => !document.querySelector('[data-chart="screen-map"]').__chart.getOption().series.some((x) => x.id === 'points'), null, { timeout: T })
  const last = counties[counties.length - 1].region
  await clickRegion(wall, 'screen-map', last)
  await wall.waitForURL((u) => new URL(u).pathname === '/round' && new URL(u).searchParams.get('region') === last, { timeout: T })

  // ---- a county viewer: the map has its county only
  const viewer = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(viewer, viewerName, viewerPass)
  const vm = await mapData(viewer, 'map')
  assert.deepEqual(vm.items.map((i) => i.region), ['140702'], 'the viewer of 140702 sees its county only')
  const vdrawn = vm.points.map((p) => p.split(' ')).map(([k, c, g, x, y]) => pointKey(k, c, g, x, y)).sort()
  assert.deepEqual(vdrawn, points.filter((p) => p.split(' ')[2].startsWith('140702')), "the viewer's points are its county's")
  await shot(viewer, '10-dashboard-viewer-zh-1280')
  log('county viewer: one county on the map')

  assert.deepEqual(outside, [], 'no request outside fangkong')
})
