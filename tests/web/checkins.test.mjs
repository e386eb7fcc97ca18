// SPDX-License-Identifier: MIT
// 健康监测 (views/Checkins.vue), run by tests/e2e/80-web-checkins.sh: opened from the top bar's
// 区域与闭环 menu, the day 2022-08-27 asked through the date picker; the status must be the CLI's
// `fangkong checkin status` row for row (persons, expected, reported, missed, fever; missed and
// fever in red, the completeness in per cent); a click on a region's missed count lists the CLI's
// `checkin list --missed --region R`, its fever count `--fever`, each ID number a link to the
// person's page; the CSV download equals the CLI's list; a viewer of 榆次区 sees its county only.
// Screenshots in Chinese and English at 1280 and 1920 px.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, signIn, shot, cells, cli, csvRows, setLang, nav, log, BASE, SHOTS, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const DAY = '2022-08-27'
const status = csvRows(cli('checkin', 'status', '--date', DAY))
const missedRow = status.find((r) => Number(r.missed) > 0)
const feverRow = status.find((r) => Number(r.fever) > 0)
assert.ok(missedRow && feverRow, 'the fixture has a missed window and a fever')
assert.equal(status.reduce((s, r) => s + Number(r.missed), 0), 1, 'one missed window')
assert.equal(status.reduce((s, r) => s + Number(r.fever), 0), 1, 'one fever')

const keys = (page, table) => page.$$eval(`[data-table="${table}"] tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key))
const rowsOf = (page, table) => page.$eval(`[data-table="${table}"]`, (t) => Number(t.dataset.rows))
const num = (s) => Number(String(s).replace(/\D/g, ''))
const listKeys = (rows) => rows.map((r) => `${r.id_number}:${r.window}`)

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'checkins')
    await page.waitForSelector('[data-table="checkins-status"]', { timeout: T })
    await page.fill('[data-date]', DAY)
    await page.dispatchEvent('[data-date]', 'change')
    await page.waitForFunction((d) => new URLSearchParams(location.search).get('date') === d, DAY, { timeout: T })
    await page.waitForFunction((n) => Number(document.querySelector('[data-table="checkins-status"]').dataset.rows) === n &&
      document.querySelector('[data-table="checkins-status"] tbody tr[data-key]'), status.length, { timeout: T })

    /* the status, row for row, as the CLI's */
    assert.deepEqual(await keys(page, 'checkins-status'), status.map((r) => r.region), `${lang}: regions in the CLI's order`)
    for (const col of ['persons', 'expected', 'reported', 'missed', 'pending', 'fever'])
      assert.deepEqual((await cells(page, 'checkins-status', col)).map(num), status.map((r) => Number(r[col])), `${lang}: ${col} as the CLI`)
    assert.deepEqual(await cells(page, 'checkins-status', 'completeness'),
      status.map((r) => (r.completeness === '' ? '—' : `${(Math.floor(Number(r.completeness) * 1000 + 1e-9) / 10).toFixed(1)} %`)),
      `${lang}: completeness in per cent`)
    const red = await page.$$eval('[data-table="checkins-status"] td[data-col=missed] a.below, [data-table="checkins-status"] td[data-col=fever] a.below',
      (as) => as.map((a) => getComputedStyle(a).color))
    assert.equal(red.length, 2, `${lang}: the missed and the fever count are links`)
    assert.ok(red.every((c) => c === 'rgb(211, 47, 47)'), `${lang}: and red: ${red}`)
    assert.equal(num(await page.textContent('[data-total=missed]')), 1, 'the missed total')
    const totals = await page.$$eval('[data-total=missed], [data-total=fever]', (bs) => bs.map((b) => getComputedStyle(b).color))
    assert.deepEqual(totals, ['rgb(211, 47, 47)', 'rgb(211, 47, 47)'], `${lang}: the missed and fever totals in red`)
    await shot(page, `checkins-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `checkins-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* a region's missed windows, then its fevers, as the CLI's lists */
    for (const [which, row] of [['missed', missedRow], ['fever', feverRow]]) {
      await page.click(`[data-open-${which}="${row.region}"]`)
      await page.waitForFunction(([r, s]) => {
        const q = new URLSearchParams(location.search)
        return q.get('region') === r && q.get('show') === s
      }, [row.region, which], { timeout: T })
      const want = csvRows(cli('checkin', 'list', '--date', DAY, '--region', row.region, `--${which}`))
      await page.waitForFunction((n) => Number(document.querySelector('[data-table="checkins"]').dataset.rows) === n &&
        document.querySelector('[data-table="checkins"] tbody tr[data-key]'), want.length, { timeout: T })
      assert.deepEqual(await keys(page, 'checkins'), listKeys(want), `${lang}: the ${which} windows of ${row.region}`)
      const states = await page.$$eval('[data-table="checkins"] [data-state]', (s) => s.map((x) => [x.dataset.state, getComputedStyle(x).color]))
      assert.ok(states.length === want.length && states.every(([s, c]) => s === which && c === 'rgb(211, 47, 47)'), `${lang}: ${which} in red`)
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-persons] [data-download=csv]')])
      const file = path.join(SHOTS, `checkins-${which}-${lang}.csv`)
      await dl.saveAs(file)
      assert.equal(fs.readFileSync(file, 'utf8'), cli('checkin', 'list', '--date', DAY, '--region', row.region, `--${which}`), 'the download equals the CLI list')
      await shot(page, `checkins-${which}-${lang}`)
    }
    /* every person, everywhere */
    await page.selectOption('[data-show]', '')
    await page.click('[data-show-everywhere]')
    const all = csvRows(cli('checkin', 'list', '--date', DAY))
    await page.waitForFunction((n) => Number(document.querySelector('[data-table="checkins"]').dataset.rows) === n, all.length, { timeout: T })
    assert.equal(await rowsOf(page, 'checkins'), all.length, `${lang}: every window of the day`)
  }

  /* an ID number opens the person's page */
  await page.goto(`${BASE}/checkins?date=${DAY}&show=fever`)
  const fever = csvRows(cli('checkin', 'list', '--date', DAY, '--fever'))[0]
  await page.waitForSelector(`[data-person-link="${fever.id_number}"]`, { timeout: T })
  await page.click(`[data-person-link="${fever.id_number}"]`)
  await page.waitForFunction((id) => location.pathname === `/person/${id}`, fever.id_number, { timeout: T })

  /* a viewer of 榆次区: its county's rows and persons only */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/checkins?date=${DAY}&by=township`)
  await v.waitForSelector('[data-table="checkins-status"] tbody tr[data-key]', { timeout: T })
  const vk = await keys(v, 'checkins-status')
  assert.ok(vk.length > 0 && vk.every((k) => k.startsWith('140702')), `the viewer's rows: ${vk}`)
  await v.waitForSelector('[data-table="checkins"] tbody tr[data-key]', { timeout: T })
  const grids = await cells(v, 'checkins', 'grid')
  assert.ok(grids.length > 0 && grids.every((g) => g.startsWith('140702')), `the viewer's persons: ${grids}`)
  await shot(v, 'checkins-viewer-zh')
  log('checkins: all checks passed')
})
