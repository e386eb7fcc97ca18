// SPDX-License-Identifier: MIT
// Browser test of 四个查清 as a grid (tests/e2e/65-web-control.sh starts the server on city-3 and the
// control fixture and runs this): the grid's rows and cells are the CLI's `control summary --pivot
// category`, every cell opens a list of exactly that many persons (the list's total, its first
// page), the grid and the lists page, the "release due today" and "past end, still open" lists hold
// the CLI's persons (`control list --end today|past`), alerts show each person's phone and grid
// worker (the CLI's `alerts`, after 65-web-control.sh imported the grids' workers), and the county viewer's grid stays in 140702. Screenshots in Chinese
// and English.
//
// Environment (tests/e2e/web-lib.sh): FK_URL, FK_SHOTS, FK_ADMIN, FK_VIEWER, CHROMIUM, FANGKONG,
// FANGKONG_DB, FK_PROFILE.
import assert from 'node:assert/strict'
import { run, need, cli as ask, csvRows, signIn, shot, setLang, log, T, BASE, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const DATE = '2022-09-01' /* the fixture's orders start 2022-08-24..26: some end on this day, some before */
const LIST_PAGE = 50
const END_PAGE = 10
const GRID_PAGE = 25

/* The CLI's answer as rows of objects. */
const cli = (...args) => csvRows(ask(...args, '--profile', need('FK_PROFILE')))

const num = (s) => Number(String(s).replace(/\D/g, ''))

/* The grid on the page: [{region, cells: {category|total: n}}], the total row as region '*'. */
const gridShown = (page) =>
  page.$$eval('[data-table=summary] [data-count], [data-table=summary] td .zero', (els) =>
    els.map((e) => {
      const td = e.closest('td')
      const tr = e.closest('tr')
      return { row: tr.dataset.key, col: td.dataset.col || td.dataset.totalCol, n: Number(e.textContent.replace(/\D/g, '')), key: e.dataset.count || '' }
    }),
  )

async function waitGrid(page) {
  await page.waitForFunction(() => document.querySelector('[data-table=summary] tfoot tr[data-key=total]'), null, { timeout: T })
  await page.waitForTimeout(50)
}

/* The IDs of every page of the paged list NAME, walking its pager. */
async function allPages(page, name, size) {
  const list = `[data-list="${name}"]`
  await page.waitForSelector(`${list}[data-loaded-page="0"]`, { timeout: T })
  const total = Number(await page.getAttribute(list, 'data-total'))
  const ids = []
  for (let p = 0; ; p++) {
    await page.waitForSelector(`${list}[data-loaded-page="${p}"]`, { timeout: T })
    const shown = await page.$$eval(`[data-table="${name}"] tbody td[data-col=id_number]`, (tds) => tds.map((td) => td.textContent.trim()))
    assert.equal(shown.length, Math.min(size, total - p * size), `${name} page ${p + 1} has a full page or the rest`)
    ids.push(...shown)
    if ((p + 1) * size >= total) break
    await page.click(`${list} [data-page-next]`)
  }
  return { total, ids }
}

await run(async (browser, newPage) => {
  const page = await newPage()
  await signIn(page, adminName, adminPass)
  log('signed in as admin')

  // ---- the dashboard says where its 密接 number comes from: the trace beside the orders, the gap,
  // and a link to the orders of close contacts (as many as it says are under control)
  await page.waitForSelector('[data-close-source][data-ready]', { timeout: T })
  const traced = num(await page.textContent('[data-value=close-traced]'))
  assert.equal(traced, num(await page.textContent('[data-value=close]')), 'the traced number is the dashboard\'s 密接')
  const controlled = Number(cli('control', 'summary', '--pivot', 'category', '--by', 'county', '--status', 'open').find((r) => !r.region).close)
  assert.equal(num(await page.textContent('[data-value=close-controlled]')), controlled, 'under control, as the CLI counts')
  const gapEl = await page.$('[data-value=close-gap]')
  assert.equal(gapEl ? num(await gapEl.textContent()) : 0, Math.max(0, traced - controlled), 'the gap')
  await shot(page, '00-dashboard-close-source-zh', false)
  await page.click('[data-link=close-orders]')
  await page.waitForSelector('[data-drill-list][data-loaded="*|close"]', { timeout: T })
  assert.equal(Number(await page.getAttribute('[data-list=control-list]', 'data-total')), controlled, 'the link opens the close contacts under control')
  log(`dashboard: ${traced} close contacts traced, ${controlled} under control`)

  // ---- the grid by county: the CLI's rows and counts, every cell a list of that many persons
  const want = cli('control', 'summary', '--pivot', 'category', '--by', 'county', '--date', DATE, '--status', 'open')
  await page.goto(`${BASE}/control?date=${DATE}`)
  await waitGrid(page)
  const rowsShown = await page.$$eval('[data-table=summary] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))
  assert.deepEqual(rowsShown, want.filter((r) => r.region).map((r) => r.region), 'the grid has the CLI\'s regions')
  const totalWant = want.find((r) => !r.region)
  assert.equal(num(await page.textContent('[data-value=total]')), Number(totalWant.total), 'the total is the CLI\'s')
  const shown = await gridShown(page)
  for (const c of shown) {
    const r = c.row === 'total' ? totalWant : want.find((x) => x.region === c.row)
    assert.equal(c.n, Number(r[c.col]), `cell ${c.row}/${c.col} is the CLI's`)
  }
  const links = shown.filter((c) => c.key)
  assert.ok(links.length >= 6, `the grid has counts to open: ${links.length}`)
  assert.ok(links.some((c) => c.key === '140702|risk_area'), 'the lockdown zone\'s residents count in 榆次区\'s risk_area cell')
  for (const c of links) {
    await page.click(`[data-count="${c.key}"]`)
    await page.waitForSelector(`[data-drill-list][data-loaded="${c.key}"]`, { timeout: T })
    await page.waitForSelector('[data-list=control-list][data-loaded-page="0"]', { timeout: T })
    assert.equal(Number(await page.getAttribute('[data-list=control-list]', 'data-total')), c.n, `the list of ${c.key} has as many as its cell`)
    const grids = await page.$$eval('[data-table=control-list] tbody td[data-col=grid]', (tds) => tds.map((td) => td.textContent.trim()))
    assert.equal(grids.length, Math.min(c.n, LIST_PAGE), `the first page of ${c.key}`)
    const [region] = c.key.split('|')
    if (region !== '*') assert.ok(grids.every((g) => g.startsWith(region)), `the list of ${c.key} lies in ${region}`)
  }
  log(`grid by county: ${rowsShown.length} regions, ${links.length} cells equal to their lists`)
  await page.click(`[data-count="${links[0].key}"]`)
  await page.waitForSelector(`[data-drill-list][data-loaded="${links[0].key}"]`, { timeout: T })
  await shot(page, '01-control-grid-zh')

  // ---- place and status as filters: the grid is the CLI's with them. The answer to the first
  // change (place=home, status still open) is held back until the second's (status=all) has
  // come: it arrives last and must not overwrite it (a CI run showed the stale total).
  let release = null
  const held = new Promise((r) => { release = r })
  await page.route(/\/api\/v1\/control\/summary\?/, async (route) => {
    const u = route.request().url()
    if (u.includes('place=home') && !u.includes('status=all')) await held
    await route.continue()
  })
  const isSummary = (u, all) => u.includes('/api/v1/control/summary') && u.includes('place=home') && u.includes('status=all') === all
  const firstAsked = page.waitForRequest((r) => isSummary(r.url(), false), { timeout: T })
  await page.selectOption('[data-place]', 'home')
  await firstAsked
  const secondAnswered = page.waitForResponse((r) => isSummary(r.url(), true), { timeout: T })
  const firstAnswered = page.waitForResponse((r) => isSummary(r.url(), false), { timeout: T })
  await page.selectOption('[data-status]', 'all')
  await page.waitForFunction(() => location.search.includes('place=home') && location.search.includes('status=all'))
  await secondAnswered
  release()
  await firstAnswered
  await page.unroute(/\/api\/v1\/control\/summary\?/)
  const wantHome = cli('control', 'summary', '--pivot', 'category', '--by', 'county', '--date', DATE, '--status', 'all', '--place', 'home')
  await page.waitForFunction((n) => Number(document.querySelector('[data-value=total]').textContent.replace(/\D/g, '')) === n, Number(wantHome.find((r) => !r.region).total), { timeout: T })
  log(`place=home, status=all: ${wantHome.find((r) => !r.region).total} persons, as the CLI counts`)

  // ---- by grid: the regions page (25 a page), and a grid's cell is its list
  await page.goto(`${BASE}/control?date=${DATE}&by=grid`)
  await waitGrid(page)
  const wantGrid = cli('control', 'summary', '--pivot', 'category', '--by', 'grid', '--date', DATE, '--status', 'open').filter((r) => r.region)
  assert.ok(wantGrid.length > GRID_PAGE, `city-3 has more grids than a page: ${wantGrid.length}`)
  const gridRows = []
  for (let p = 0; ; p++) {
    const keys = await page.$$eval('[data-table=summary] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))
    assert.equal(keys.length, Math.min(GRID_PAGE, wantGrid.length - p * GRID_PAGE), `grid page ${p + 1}`)
    gridRows.push(...keys)
    if ((p + 1) * GRID_PAGE >= wantGrid.length) break
    await page.click('[data-grid-next]')
    await page.waitForFunction((k) => document.querySelector('[data-table=summary] tbody tr[data-key]').dataset.key !== k, keys[0], { timeout: T })
  }
  assert.deepEqual(gridRows, wantGrid.map((r) => r.region), 'the pages of the grid are the CLI\'s grids')
  const gcell = (await gridShown(page)).find((c) => c.key && c.row !== 'total')
  await page.click(`[data-count="${gcell.key}"]`)
  await page.waitForSelector(`[data-drill-list][data-loaded="${gcell.key}"]`, { timeout: T })
  assert.equal(Number(await page.getAttribute('[data-list=control-list]', 'data-total')), gcell.n, `the list of grid cell ${gcell.key}`)
  await shot(page, '02-control-by-grid-zh')
  log(`grid by grid: ${gridRows.length} grids in ${Math.ceil(gridRows.length / GRID_PAGE)} pages`)

  // ---- the list behind the whole total pages by 50 and holds the CLI's orders
  await page.goto(`${BASE}/control?date=${DATE}&status=all&dr=*&dc=total`)
  const whole = await allPages(page, 'control-list', LIST_PAGE)
  const wantAll = cli('control', 'list', '--status', 'all', '--date', DATE)
  assert.equal(whole.total, wantAll.length, 'the whole list is the CLI\'s')
  assert.deepEqual(whole.ids, wantAll.map((r) => r.id_number), 'in the CLI\'s order')

  // ---- release due today and past their end, still open: the CLI's persons, paged by 10
  await page.goto(`${BASE}/control?date=${DATE}`)
  for (const e of ['today', 'past']) {
    const w = cli('control', 'list', '--end', e, '--date', DATE)
    const got = await allPages(page, `control-end-${e}`, END_PAGE)
    assert.ok(w.length > 0, `the fixture has orders with end=${e}`)
    assert.deepEqual(got.ids, w.map((r) => r.id_number), `${e}: the CLI's persons in its order`)
    const kpi = e === 'today' ? 'due-today' : 'past-end'
    assert.equal(num(await page.textContent(`[data-value=${kpi}]`)), w.length, `the ${kpi} count is its list's length`)
    log(`end=${e}: ${w.length} persons, ${Math.ceil(w.length / END_PAGE)} pages`)
  }
  assert.ok((await cliCount('past')) > END_PAGE, 'the past list has more than a page')
  await shot(page, '03-control-end-lists-zh')

  // ---- English
  await setLang(page, 'en')
  await page.goto(`${BASE}/control?date=${DATE}&dr=*&dc=close`)
  await waitGrid(page)
  await page.waitForSelector('[data-drill-list][data-loaded="*|close"]', { timeout: T })
  await shot(page, '04-control-grid-en')
  await setLang(page, 'zh')

  // ---- alerts: each row has the person's phone and grid worker, as the CLI lists them
  const wantAlerts = cli('alerts')
  assert.ok(wantAlerts.length > 0 && wantAlerts.every((a) => a.phone && a.worker && a.worker_phone), 'the CLI lists alerts with phone and grid worker')
  await page.goto(`${BASE}/alerts?status=all`)
  await page.waitForSelector('[data-table=alerts] tbody tr[data-key]', { timeout: T })
  const alertRows = await page.$$eval('[data-table=alerts] tbody tr[data-key]', (trs) =>
    trs.map((tr) => ({
      id: tr.dataset.key,
      phone: tr.querySelector('td[data-col=phone]').textContent.trim(),
      worker: (tr.querySelector('td[data-col=worker] [data-worker]') || { childNodes: [] }).childNodes[0]?.textContent.trim() || '',
      workerPhone: (tr.querySelector('td[data-col=worker] [data-worker-phone]') || { textContent: '' }).textContent.trim(),
    })),
  )
  assert.equal(alertRows.length, wantAlerts.length, 'as many alerts as the CLI lists')
  for (const a of alertRows) {
    const w = wantAlerts.find((x) => x.id === a.id)
    assert.ok(w, `alert ${a.id} is the CLI's`)
    assert.deepEqual([a.phone, a.worker, a.workerPhone], [w.phone, w.worker, w.worker_phone], `alert ${a.id}: phone and grid worker`)
  }
  await shot(page, '06-alerts-phone-worker-zh')
  await setLang(page, 'en')
  await page.waitForSelector('[data-table=alerts] tbody tr[data-key]', { timeout: T })
  await shot(page, '07-alerts-phone-worker-en')
  await setLang(page, 'zh')
  log(`alerts: ${alertRows.length} with phone and grid worker, as the CLI lists them`)

  // ---- the viewer of 140702: the grid stays in its county; another county's list is refused
  const vpage = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(vpage, viewerName, viewerPass)
  await vpage.goto(`${BASE}/control?date=${DATE}&by=township`)
  await waitGrid(vpage)
  const vrows = await vpage.$$eval('[data-table=summary] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))
  assert.ok(vrows.length > 0 && vrows.every((r) => r.startsWith('140702')), `the viewer's grid stays in 140702: ${vrows}`)
  assert.equal(await vpage.$('[data-from-trace]'), null, 'no control actions for a viewer')
  const refused = await vpage.evaluate(() => fetch('/api/v1/control/list?region=140703', { headers: { 'X-Fangkong-CSRF': '1' } }).then((r) => r.status))
  assert.equal(refused, 403, 'the viewer may not list 140703')
  await shot(vpage, '05-control-viewer-zh')
  await vpage.context().close()

})

function cliCount(e) {
  return cli('control', 'list', '--end', e, '--date', DATE).length
}
