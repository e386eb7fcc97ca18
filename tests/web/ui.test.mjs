// SPDX-License-Identifier: MIT
// Browser test of the web UI (tests/e2e/60-web.sh starts the server and runs this): playwright-core
// drives Debian's chromium through sign-in, the dashboard (its numbers equal the CLI's), the round
// drill-down to a grid's missing list (the same IDs as `fangkong missing`), the case page, the
// control pages (四个查清 counts equal to the lists behind them, contacts put under control from the
// trace, the regime board, an alert acknowledged with a note, the back-check of a risk area and its
// arrivals put under control), an import with a bad row (its line and reason shown), user
// administration, the wall screen, and a county viewer who must not see another county nor act on
// controls. Saves a screenshot of every page.
//
// Environment: FK_URL (the server), FK_SHOTS (screenshot folder), FK_EXPECT (JSON of the CLI's
// answers, written by 60-web.sh), FK_ADMIN and FK_VIEWER ("name:password"), FK_BADFILE (a persons
// CSV with one bad row), CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { need, BASE, SHOTS, T, log, pct, shot, cells, chartOption, signIn, nav, run, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const expect = JSON.parse(fs.readFileSync(need('FK_EXPECT'), 'utf8'))
const BADFILE = need('FK_BADFILE')
const BADXLSX = need('FK_BADXLSX')

fs.mkdirSync(SHOTS, { recursive: true })

/* Waits for an ECharts instance on [data-chart=name] to be drawn and returns what it shows. */
async function chart(page, name) {
  const o = await chartOption(page, name)
  return {
    categories: o.xAxis && o.xAxis[0] ? o.xAxis[0].data : [],
    values: o.series.map((s) => (s.data || []).map((d) => (d && typeof d === 'object' && 'value' in d ? d.value : d))),
    nodes: o.series[0] && o.series[0].type === 'graph' ? o.series[0].data.length : 0,
  }
}

/* Whether a bar chart's category labels can be read: slanted, or each upright label (as wide as
 * the browser measures it, up to the axis' cut-off width) narrower than its bar's slot. */
async function labelsReadable(page, name) {
  await page.waitForSelector(`[data-chart="${name}"][data-ready]`, { timeout: T })
  return page.$eval(`[data-chart="${name}"]`, (el) => {
    const ch = el.__chart
    const ax = ch.getOption().xAxis[0]
    const xs = ax.data.map((_, i) => ch.convertToPixel({ xAxisIndex: 0 }, i))
    const slot = xs.length > 1 ? Math.abs(xs[1] - xs[0]) : Infinity
    const c = document.createElement('canvas').getContext('2d')
    c.font = `${ax.axisLabel.fontSize || 12}px sans-serif`
    const widest = Math.max(...ax.data.map((s) => Math.min(ax.axisLabel.width || 1e9, c.measureText(s).width)))
    const slanted = (ax.axisLabel.rotate || 0) !== 0
    return { slanted, slot, widest, ok: slanted || widest + 8 <= slot }
  })
}

await run(async (_browser, newPage, watch) => {
  const page = await newPage()
  const context = page.context()

  // ---- sign-in
  await page.goto(`${BASE}/`)
  await page.waitForURL(/\/login/, { timeout: T })
  await page.waitForSelector('form.login')
  await shot(page, '01-signin', false)
  await page.fill('input[name=name]', adminName)
  await page.fill('input[name=password]', 'wrong-password')
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('.errorbox[data-status="401"]', { timeout: T })
  await signIn(page, adminName, adminPass)
  log('signed in as admin')

  // ---- dashboard: the numbers are the CLI's
  const city = expect.city
  assert.equal((await page.textContent('[data-value=coverage]')).trim(), pct(city.coverage), 'coverage of the city')
  const people = (await page.textContent('[data-value=people]')).replace(/[,\s]/g, '')
  assert.ok(people.includes(`${city.sampled}/${city.residents}`), `people: ${people}`)
  const regions = await page.$$eval('[data-table=level1] tbody tr', (trs) => trs.map((tr) => tr.dataset.region))
  assert.deepEqual(regions, expect.county.map((r) => r.region), 'counties in the table')
  assert.deepEqual(await cells(page, 'level1', 'residents'), expect.county.map((r) => String(r.residents)))
  assert.deepEqual(await cells(page, 'level1', 'sampled'), expect.county.map((r) => String(r.sampled)))
  assert.deepEqual(await cells(page, 'level1', 'coverage'), expect.county.map((r) => pct(r.coverage)))
  const bars = await chart(page, 'level1')
  assert.deepEqual(bars.categories, expect.county.map((r) => r.name), 'county bars')
  assert.deepEqual(bars.values[0], expect.county.map((r) => Math.round(r.coverage * 10000) / 100), 'county bar heights')
  const bars2 = await chart(page, 'level2')
  assert.equal(bars2.categories.length, expect.townships, 'one bar per township')
  // The bars' labels readable on a 1280 px screen (the tour's) as on this one.
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 })
    await page.waitForFunction(() => [...document.querySelectorAll('[data-chart^=level]')].every((el) => el.__chart && el.__chart.getWidth() === el.clientWidth), null, { timeout: T })
    for (const name of ['level1', 'level2']) {
      const fit = await labelsReadable(page, name)
      assert.ok(fit.ok, `${name} at ${width} px: upright labels ${fit.widest.toFixed(0)} px wide in slots of ${fit.slot.toFixed(0)} px`)
    }
  }
  const hourly = await chart(page, 'hourly')
  assert.ok(hourly.values[0].reduce((a, b) => a + b, 0) > 0, 'samples per hour drawn')
  assert.equal((await page.textContent('[data-value=grids_below_target]')).trim(), String(expect.grids_below_target))
  await shot(page, '02-dashboard')
  log('dashboard numbers equal the CLI')

  // ---- the wall screen at 1920×1080
  const wall = watch(await context.newPage())
  await wall.setViewportSize({ width: 1920, height: 1080 })
  await wall.goto(`${BASE}/screen`)
  await chart(wall, 'screen-level1')
  await chart(wall, 'screen-level2')
  /* planned against actual by hour, with the forecast (issue 21), where samples per hour were */
  const paced = await chart(wall, 'screen-pace')
  assert.ok(paced.values[1].some((v) => v > 0) && paced.values[0].length === paced.values[1].length, 'the wall screen draws planned and actual')
  await wall.waitForSelector('[data-panel=pace] [data-state]', { timeout: T })
  await chart(wall, 'screen-funnel')
  assert.equal((await wall.textContent('[data-value=coverage]')).trim(), pct(city.coverage))
  assert.equal(await wall.$('.topbar'), null, 'no navigation on the wall screen')
  const size = await wall.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight])
  assert.deepEqual(size, [1920, 1080], 'the wall screen fits 1920×1080 without scrolling')
  await wall.waitForTimeout(300)
  await shot(wall, '08-screen', false)
  await wall.close()
  log('wall screen fits 1920×1080')

  // ---- English, remembered across a reload, then back to Chinese
  await page.click('.topbar [data-lang=en]')
  await page.waitForFunction(() => document.querySelector('[data-nav=dashboard]').textContent.trim() === 'Overview')
  await page.reload()
  await page.waitForSelector('[data-chart=level1][data-ready]', { timeout: T })
  assert.equal((await page.textContent('[data-nav=dashboard]')).trim(), 'Overview', 'English is remembered')
  await shot(page, '02b-dashboard-en')
  await page.click('.topbar [data-lang=zh]')
  await page.waitForFunction(() => document.querySelector('[data-nav=dashboard]').textContent.trim() === '总览')

  // ---- round: drill down from the city to the grid
  await nav(page, 'round')
  await page.waitForSelector('[data-table=children]', { timeout: T })
  const steps = expect.drill /* county, township, community, grid */
  for (let i = 0; i < steps.length; i++) {
    await page.click(`[data-drill="${steps[i]}"]`)
    await page.waitForSelector(`[data-crumb="${steps[i]}"]`, { timeout: T })
    if (i < steps.length - 1) {
      await page.waitForSelector(`[data-drill="${steps[i + 1]}"]`, { timeout: T })
      await chart(page, 'children')
      if (i === 0) await shot(page, '03-round-drilldown')
    }
  }
  await page.waitForSelector('[data-missing] [data-table=missing] tbody tr[data-key]', { timeout: T })
  while (await page.$('[data-missing] [data-more]')) {
    const n = (await page.$$('[data-table=missing] tbody tr[data-key]')).length
    await page.click('[data-missing] [data-more]')
    await page.waitForFunction((k) => document.querySelectorAll('[data-table=missing] tbody tr[data-key]').length > k, n)
  }
  const ids = await cells(page, 'missing', 'id_number')
  assert.deepEqual(ids, expect.missing, `missing of ${expect.grid}`)
  const phones = await cells(page, 'missing', 'phone')
  assert.ok(phones.every((p) => /^\d{11}$/.test(p)), 'phone numbers shown')
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-missing] [data-download=csv]')])
  const csv = fs.readFileSync(await dl.path(), 'utf8')
  assert.deepEqual(
    csv.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]),
    expect.missing,
    'the CSV download holds the same IDs',
  )
  assert.equal(dl.suggestedFilename(), `missing-${expect.grid}.csv`)
  await shot(page, '04-grid-missing')
  log(`grid ${expect.grid}: ${ids.length} missing, as the CLI says; CSV download matches`)

  await page.click('[data-tab=tat]')
  await chart(page, 'funnel')
  await page.waitForSelector('[data-table=tat-lab] tbody tr[data-key]', { timeout: T })
  await shot(page, '03b-round-tat')
  await page.click('[data-tab=below]')
  /* data rows, not the table: while loading it holds one row saying so */
  assert.ok(expect.grids_below_target > 0, 'the fixture has grids below target')
  await page.waitForSelector('[data-table=below] tbody tr[data-key]', { timeout: T })
  assert.equal((await page.$$('[data-table=below] tbody tr[data-key]')).length, expect.grids_below_target, 'grids below target')

  // ---- case page: contacts, why, the graph
  await nav(page, 'cases')
  await page.waitForSelector('[data-case]', { timeout: T })
  assert.equal((await page.$$('[data-case]')).length, expect.cases, 'one entry per case')
  const graph = await chart(page, 'graph')
  assert.ok(graph.nodes > 1, 'the graph has the case and its contacts')
  await page.waitForSelector('[data-table=contacts] [data-why]', { timeout: T })
  await page.click('[data-table=contacts] [data-why]')
  await page.waitForSelector('[data-explain] li:nth-child(2)', { timeout: T })
  await page.waitForTimeout(300)
  await shot(page, '05-cases')
  log(`case page: ${graph.nodes} nodes, explain shown`)

  // ---- 四个查清: the total is the CLI's; every count of the grid opens a list of that many persons
  // (region|category; the list pages by 50: its total is the count)
  const ctl = expect.control
  const summaryTotal = async () => Number((await page.textContent('[data-value=total]')).replace(/\D/g, ''))
  const countsShown = () =>
    page.$$eval('[data-table=summary] [data-count]', (els) => els.map((e) => ({ key: e.dataset.count, n: Number(e.textContent.replace(/\D/g, '')) })))
  async function drillEach(limit) {
    const counts = await countsShown()
    assert.ok(counts.length > 0, 'the summary has counts')
    /* the biggest count, the first and the last */
    const picks = [...new Set([counts.reduce((a, b) => (b.n > a.n ? b : a)), counts[0], counts[counts.length - 1]])].slice(0, limit)
    for (const c of picks) {
      await page.click(`[data-count="${c.key}"]`)
      await page.waitForSelector(`[data-drill-list][data-loaded="${c.key}"]`, { timeout: T })
      assert.equal(Number(await page.getAttribute('[data-list=control-list]', 'data-total')), c.n, `the list of ${c.key}`)
      assert.equal((await page.$$('[data-table=control-list] tbody tr[data-key]')).length, Math.min(c.n, 50), `the first page of ${c.key}`)
      const [region, category] = c.key.split('|')
      const grids = await cells(page, 'control-list', 'grid')
      assert.ok(region === '*' || grids.every((g) => g.startsWith(region)), `list of ${c.key} lies in ${region}`)
      log(`四个查清 ${region} ${category}: ${c.n} = the list's total, ${grids.length} on its first page`)
    }
  }
  await nav(page, 'control')
  await page.waitForSelector('[data-table=summary] tbody tr[data-key]', { timeout: T })
  assert.equal(await summaryTotal(), ctl.open, 'persons under control, as the CLI counts them')
  await drillEach(3)
  await shot(page, '11-control')
  await page.selectOption('[data-by]', 'grid')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-table=summary] tbody [data-count]')].every((e) => e.dataset.count.includes('G')), null, { timeout: T })
  assert.equal(await summaryTotal(), ctl.open, 'the same total by grid')
  await drillEach(1)

  // from the trace: contacts not yet under control are added, the total grows by that many
  const perms = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()).then((u) => u.permissions))
  assert.ok(perms.includes('control'), `GET /api/v1/me lists no "control" permission (server/auth.c), so the control actions are hidden: ${perms}`)
  await page.click('[data-from-trace]')
  await page.click('[data-trace-run]')
  await page.waitForSelector('[data-trace-done]', { timeout: T })
  const traced = (await page.textContent('[data-trace-done]')).match(/\d+/g).map(Number)
  assert.equal(traced[1] + traced[2], traced[0], `added + already = contacts: ${traced}`)
  assert.ok(traced[1] > 0, 'the trace put contacts under control')
  await page.waitForFunction((n) => Number(document.querySelector('[data-value=total]').textContent.replace(/\D/g, '')) === n, ctl.open + traced[1], { timeout: T })
  await page.selectOption('[data-by]', 'county')
  await page.waitForFunction(() => [...document.querySelectorAll('[data-table=summary] tbody [data-count]')].every((e) => !e.dataset.count.includes('G')), null, { timeout: T })
  await drillEach(2)
  await shot(page, '11b-control-from-trace')
  log(`from trace: ${traced[0]} contacts, ${traced[1]} added, ${traced[2]} already under control`)

  // ---- regime board: stacked bars equal the table; a region's overdue tests are its list
  await page.goto(`${BASE}/regime?date=${ctl.date}`)
  const rb = await chart(page, 'regime')
  const boardOverdue = (await cells(page, 'regime', 'overdue')).map(Number)
  assert.equal(rb.values[2].reduce((a, b) => a + b, 0), boardOverdue.reduce((a, b) => a + b, 0), 'overdue bars equal the table')
  const boardRegions = await page.$$eval('[data-table=regime] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))
  const k = boardOverdue.findIndex((n) => n > 0)
  assert.ok(k >= 0, 'some tests are overdue on the day')
  await page.click(`[data-open="${boardRegions[k]}"]`)
  await page.waitForFunction((n) => document.querySelectorAll('[data-due-list] [data-table=due] tbody tr[data-key]').length === n, boardOverdue[k], { timeout: T })
  await page.click('[data-state=due]')
  await page.waitForSelector('[data-due-list] [data-state=due].on', { timeout: T })
  await page.waitForTimeout(300)
  await shot(page, '12-regime')
  log(`regime board: ${boardRegions[k]} has ${boardOverdue[k]} overdue tests, all listed`)

  // ---- alerts: acknowledge one with a note; it leaves the open tab and shows who and the note
  await nav(page, 'alerts')
  await page.waitForSelector('[data-table=alerts] tbody tr[data-key]', { timeout: T })
  assert.equal((await page.$$('[data-table=alerts] tbody tr[data-key]')).length, ctl.alerts, 'open alerts, as the CLI lists them')
  await shot(page, '13-alerts')
  const alertId = await page.$eval('[data-table=alerts] [data-ack]', (b) => b.dataset.ack)
  await page.click(`[data-ack="${alertId}"]`)
  await page.waitForSelector('[data-dialog]')
  assert.ok(await page.$eval('[data-dialog] [data-submit]', (b) => b.disabled), 'no acknowledging without a note')
  const note = '已电话核实，网格员上门查看'
  await page.fill('[data-dialog] [data-note]', note)
  await shot(page, '13b-alert-dialog', false)
  await page.click('[data-dialog] [data-submit]')
  await page.waitForSelector('[data-dialog]', { state: 'detached', timeout: T })
  await page.waitForSelector(`[data-table=alerts] tr[data-key="${alertId}"]`, { state: 'detached', timeout: T })
  assert.equal((await page.$$('[data-table=alerts] tbody tr[data-key]')).length, ctl.alerts - 1, 'one open alert fewer')
  await page.click('[data-status-tab=acknowledged]')
  const row = `[data-table=alerts] tr[data-key="${alertId}"]`
  await page.waitForSelector(row, { timeout: T })
  assert.equal((await page.textContent(`${row} [data-alert-status]`)).trim(), '已确认')
  const handled = await page.textContent(`${row} [data-handled]`)
  assert.ok(handled.includes(adminName) && handled.includes(note), `who and note shown: ${handled}`)
  await shot(page, '13c-alert-acknowledged')
  log(`alert ${alertId} acknowledged with a note`)

  // ---- arrivals: the back-check of a risk area lists the CLI's arrivals; put them under control
  await nav(page, 'arrivals')
  await page.waitForSelector('[data-table=arrivals] tbody tr[data-key]', { timeout: T })
  await page.fill('[data-area]', ctl.area)
  await page.click('[data-check]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-table=backcheck] tbody tr[data-key]').length === n, ctl.backcheck.length, { timeout: T })
  assert.deepEqual((await cells(page, 'backcheck', 'id_number')).sort(), [...ctl.backcheck].sort(), 'back-checked arrivals are the CLI\'s')
  await page.click('[data-bc-control]')
  await page.waitForSelector('[data-bc-done]', { timeout: T })
  const bcDone = (await page.textContent('[data-bc-done]')).match(/\d+/g).map(Number)
  assert.equal(bcDone[0], ctl.backcheck.length, 'every back-checked arrival handled')
  assert.equal(bcDone[1] + bcDone[2], bcDone[0], `added + already = arrivals: ${bcDone}`)
  await page.waitForFunction(() => [...document.querySelectorAll('[data-table=backcheck] td[data-col=control]')].every((td) => td.querySelector('.tag')), null, { timeout: T })
  await shot(page, '14-arrivals-backcheck')
  log(`back-check ${ctl.area}: ${bcDone[0]} arrivals, ${bcDone[1]} put under control`)
  await nav(page, 'control')
  /* the grid's risk-area column: its total is the persons the back-check put under control */
  await page.waitForFunction((n) => {
    const td = document.querySelector('[data-table=summary] tfoot [data-total-col=risk_area]')
    return td && Number(td.textContent.replace(/\D/g, '')) === n
  }, bcDone[1], { timeout: T })

  // ---- import: a persons file with one bad row, dropped on the page
  await nav(page, 'import')
  await page.waitForSelector('[data-drop]')
  await page.selectOption('[data-import-type]', 'persons')
  const content = fs.readFileSync(BADFILE, 'utf8')
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer()
    d.items.add(new File([text], 'persons-bad.csv', { type: 'text/csv' }))
    return d
  }, content)
  await page.dispatchEvent('[data-drop]', 'drop', { dataTransfer: dt })
  await page.waitForSelector('[data-file]')
  await page.click('[data-upload]')
  await page.waitForSelector('[data-summary]', { timeout: T })
  assert.equal((await page.textContent('[data-summary] [data-value=rejected]')).trim(), '1')
  assert.equal((await page.textContent('[data-summary] [data-value=read]')).trim(), String(expect.reject.read))
  await page.waitForSelector('[data-table=rejects] tbody tr[data-key]', { timeout: T })
  assert.deepEqual(await cells(page, 'rejects', 'line'), [String(expect.reject.line)])
  const reason = (await cells(page, 'rejects', 'reason'))[0]
  assert.ok(reason.includes(expect.reject.reason), `reason: ${reason}`)
  // The raw row as the file had it, so the clerk sees what to fix.
  const rawLine = content.split(/\r?\n/)[expect.reject.line - 1]
  assert.deepEqual(await cells(page, 'rejects', 'raw'), [rawLine])
  await shot(page, '06-import')
  log(`import: line ${expect.reject.line} rejected: ${reason}`)

  // The same rows as an Excel workbook, from its second sheet (人员): the good row is now a
  // duplicate, the bad one is rejected at the same sheet row with the same reason.
  const xlsx = fs.readFileSync(BADXLSX).toString('base64')
  const dx = await page.evaluateHandle((b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
    const d = new DataTransfer()
    d.items.add(new File([bytes], 'persons-bad.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }))
    return d
  }, xlsx)
  await page.dispatchEvent('[data-drop]', 'drop', { dataTransfer: dx })
  await page.waitForSelector('[data-sheet]')
  await page.fill('[data-sheet]', '人员')
  await page.click('[data-upload]')
  await page.waitForFunction(() => (document.querySelector('[data-summary] h2') || {}).textContent?.includes('xlsx'), null, { timeout: T })
  assert.equal((await page.textContent('[data-summary] [data-value=read]')).trim(), String(expect.reject.read))
  assert.equal((await page.textContent('[data-summary] [data-value=duplicate]')).trim(), '1')
  assert.equal((await page.textContent('[data-summary] [data-value=rejected]')).trim(), '1')
  await page.waitForSelector('[data-table=rejects] tbody tr[data-key]', { timeout: T })
  assert.deepEqual(await cells(page, 'rejects', 'line'), [String(expect.reject.line)])
  assert.ok((await cells(page, 'rejects', 'reason'))[0].includes(expect.reject.reason))
  await shot(page, '06b-import-xlsx')
  log('import: the workbook\'s sheet 人员 gives the same counts and the same rejected row')

  // Export: the persons, in the columns an import reads, with the resident the page imported.
  await page.selectOption('[data-export-type]', 'persons')
  const [edl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-export=csv]')])
  assert.equal(edl.suggestedFilename(), 'persons.csv')
  const exported = fs.readFileSync(await edl.path(), 'utf8').split(/\r?\n/)
  assert.equal(exported[0], 'id_number,name,grid,phone,household,tags,id_type,address')
  const good = content.split(/\r?\n/)[1].split(',')
  assert.ok(exported.some((l) => l.startsWith(`${good[0]},${good[1]},`)), 'the imported resident is exported')
  assert.ok(!exported.some((l) => l.startsWith(content.split(/\r?\n/)[2].split(',')[0])), 'the rejected one is not')
  log(`export: ${exported.filter((l) => l).length - 1} persons as CSV`)

  // ---- users: list, add, disable
  await nav(page, 'users')
  await page.waitForSelector(`[data-table=users] tr[data-key="${viewerName}"]`, { timeout: T })
  await page.fill('input[name=new-name]', 'gridworker')
  await page.selectOption('select[name=new-role]', 'grid')
  await page.fill('input[name=new-scope]', expect.grid)
  await page.fill('input[name=new-password]', 'grid-password-1')
  await page.click('[data-add]')
  await page.waitForSelector('[data-table=users] tr[data-key=gridworker]', { timeout: T })
  await page.click('[data-toggle=gridworker]')
  await page.waitForSelector('[data-table=users] tr[data-key=gridworker] .pill.off', { timeout: T })
  await shot(page, '07-users')
  log('users: added and disabled gridworker')

  // ---- a county viewer sees no other county
  await page.click('[data-signout]')
  await page.waitForURL(/\/login/, { timeout: T })
  await signIn(page, viewerName, viewerPass)
  assert.equal(await page.$('[data-nav=users]'), null, 'no user page for a viewer')
  const vb1 = await chart(page, 'level1')
  const vb2 = await chart(page, 'level2')
  const seen = JSON.stringify([vb1.categories, vb2.categories, await page.textContent('main')])
  assert.ok(!seen.includes(expect.other.name), `${expect.other.name} is visible to the viewer`)
  assert.ok(!seen.includes(expect.other.region), `${expect.other.region} is visible to the viewer`)
  await shot(page, '09-viewer-dashboard')
  await nav(page, 'control')
  await page.waitForSelector('[data-table=summary] tbody tr[data-key]', { timeout: T })
  assert.equal(await page.$('[data-from-trace]'), null, 'no control actions for a viewer')
  const vregions = await page.$$eval('[data-table=summary] td[data-col=region]', (tds) => tds.map((td) => td.textContent.trim()))
  assert.ok(vregions.length > 0 && vregions.every((r) => r.startsWith('140702')), `the viewer's counts stay in 140702: ${vregions}`)
  await nav(page, 'alerts')
  await page.waitForSelector('[data-table=alerts] tbody tr[data-key]', { timeout: T })
  assert.equal(await page.$('[data-ack], [data-close]'), null, 'no alert handling for a viewer')
  await page.goto(`${BASE}/round?region=${expect.grid}`)
  await page.waitForSelector('.errorbox[data-status="403"]', { timeout: T })
  const msg = await page.textContent('.errorbox')
  assert.ok(msg.includes('超出您的管辖范围'), `out-of-scope message: ${msg}`)
  assert.equal(await page.$('[data-table=missing]'), null, 'no missing list for another county')
  await shot(page, '10-viewer-out-of-scope')
  await page.goto(`${BASE}/round?region=${expect.other.region}`)
  await page.waitForSelector('.errorbox[data-status="403"]', { timeout: T })
  assert.equal(await page.$('[data-table=children]'), null, 'no sub-regions of another county')
  log(`viewer: ${expect.other.region} ${expect.other.name} is out of sight and out of scope`)

  // ---- a session the server no longer knows (401) goes back to sign-in, and returns after it
  await context.addCookies([{ name: 'fk_session', value: '0'.repeat(64), url: BASE, httpOnly: true, sameSite: 'Strict' }])
  await page.goto(`${BASE}/round?tab=retest`)
  await page.waitForURL(/\/login\?next=/, { timeout: T })
  await page.fill('input[name=name]', viewerName)
  await page.fill('input[name=password]', viewerPass)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('[data-table=retest]', { timeout: T })
  log('401: back to sign-in, then on to the page asked for')

  await context.close()
})
