// SPDX-License-Identifier: MIT
// 值班与零报告 (views/Reports.vue), run by tests/e2e/74-web-reports.sh: opened from the top bar's
// 指挥考核 menu, the status of 2022-08-28 must be the CLI's `fangkong reports status` row for row
// (region, kind, units, reported, zero, late, missing; missing in red), a click on a row's missing
// count must list the CLI's `--missing --region R --kind K` units with their contact and days
// silent, and its CSV download must equal the CLI's; the duty roster must be `fangkong duty
// status`, the headquarters without anybody first and marked; a viewer of 榆次区 sees its county
// only. Screenshots in Chinese and English at 1280 and 1920 px.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, signIn, shot, cells, cli, csvRows, setLang, nav, log, BASE, SHOTS, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const DAY = '2022-08-28'
const status = csvRows(cli('reports', 'status', '--date', DAY))
const duty = csvRows(cli('duty', 'status', '--date', DAY))
assert.ok(status.some((r) => Number(r.missing) > 0), 'the fixture has silent units')
assert.ok(status.some((r) => Number(r.late) > 0), 'the fixture has late reports')
assert.ok(duty.some((r) => !r.person), 'the fixture has a duty gap')

const keys = (page, table) => page.$$eval(`[data-table="${table}"] tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key))
const num = (s) => Number(String(s).replace(/\D/g, ''))

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  /* The page opens on today, then the date is asked: today's duty answer is held back until the
   * asked day's has been shown, so that it arrives last and must not overwrite it. */
  let release = null
  const held = new Promise((r) => { release = r })
  await page.route(/\/api\/v1\/duty(\?|$)/, async (route) => {
    if (!route.request().url().includes(`date=${DAY}`)) await held
    await route.continue()
  })
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'reports')
    await page.waitForSelector('[data-table="reports-status"]', { timeout: T })
    await page.fill('[data-date]', DAY)
    await page.dispatchEvent('[data-date]', 'change')
    await page.waitForFunction((d) => new URLSearchParams(location.search).get('date') === d, DAY, { timeout: T })
    await page.waitForSelector('[data-table="reports-status"] tbody tr[data-key]', { timeout: T })
    await page.waitForFunction((n) => Number(document.querySelector('[data-table="reports-status"]').dataset.rows) === n, status.length, { timeout: T })

    /* the status, row for row (first page of 30), as the CLI's */
    const want = status.slice(0, 30)
    assert.deepEqual(await keys(page, 'reports-status'), want.map((r) => `${r.region}:${r.kind}`), `${lang}: rows in the CLI's order`)
    for (const col of ['units', 'reported', 'zero', 'late', 'missing'])
      assert.deepEqual((await cells(page, 'reports-status', col)).map(num), want.map((r) => Number(r[col])), `${lang}: ${col} as the CLI`)
    const reds = await page.$$eval('[data-table="reports-status"] td[data-col=missing] a.below', (as) => as.length)
    assert.equal(reds, want.filter((r) => Number(r.missing) > 0).length, 'every missing count is red and opens its units')
    const tot = status.reduce((s, r) => s + Number(r.missing), 0)
    assert.equal(num(await page.textContent('[data-total-missing]')), tot, 'the missing total')
    await shot(page, `reports-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `reports-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* a row's silent units, as the CLI's --missing for that region and kind */
    const open = want.find((r) => Number(r.missing) > 0)
    await page.click(`[data-open="${open.region}:${open.kind}"]`)
    await page.waitForFunction((r) => new URLSearchParams(location.search).get('region') === r, open.region, { timeout: T })
    const silent = csvRows(cli('reports', 'status', '--missing', '--date', DAY, '--region', open.region, '--kind', open.kind))
    await page.waitForFunction((n) => Number(document.querySelector('[data-table="reports-missing"]').dataset.rows) === n, silent.length, { timeout: T })
    assert.equal(silent.length, Number(open.missing), 'the silent units are the row\'s missing count')
    assert.deepEqual(await keys(page, 'reports-missing'), silent.map((r) => r.unit), 'the silent units')
    assert.deepEqual((await cells(page, 'reports-missing', 'days_silent')).map(num), silent.map((r) => Number(r.days_silent)), 'days silent')
    assert.deepEqual(await cells(page, 'reports-missing', 'contact'), silent.map((r) => r.contact || '—'), 'contacts')
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-missing] [data-download=csv]')])
    const file = path.join(SHOTS, `missing-${lang}.csv`)
    await dl.saveAs(file)
    assert.equal(fs.readFileSync(file, 'utf8'), cli('reports', 'status', '--missing', '--date', DAY, '--region', open.region, '--kind', open.kind), 'the download equals the CLI list')
    await shot(page, `reports-missing-${lang}`)
    await page.click('[data-show-all]')
    const all = csvRows(cli('reports', 'status', '--missing', '--date', DAY))
    await page.waitForFunction((n) => Number(document.querySelector('[data-table="reports-missing"]').dataset.rows) === n, all.length, { timeout: T })

    /* the duty roster: the CLI's rows, the gaps first and marked */
    await page.waitForSelector('[data-table=duty] tbody tr[data-key]', { timeout: T })
    const gaps = duty.filter((r) => !r.person).length
    /* the roster of the page's first day (today: nobody on duty anywhere) shows until the asked
     * day's answer arrives: wait for that answer, not for any rows */
    await page.waitForFunction((n) => Number(document.querySelector('[data-gaps]').textContent.replace(/\D/g, '')) === n, gaps, { timeout: T })
    assert.equal(num(await page.textContent('[data-gaps]')), gaps, 'the number of gaps')
    if (lang === 'zh') { /* now today's answer comes, late: the asked day's stays */
      const late = page.waitForResponse((r) => /\/api\/v1\/duty(\?|$)/.test(r.url()) && !r.url().includes(`date=${DAY}`), { timeout: T })
      release()
      await (await late).finished()
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))))
      assert.equal(num(await page.textContent('[data-gaps]')), gaps, 'a late answer for another day does not replace the roster')
    }
    assert.deepEqual(await cells(page, 'duty', 'person'), duty.slice(0, 30).map((r) => r.person || (lang === 'zh' ? '无人值班' : 'Nobody on duty')), 'duty as the CLI, gaps first')
    assert.equal((await page.$$('[data-table=duty] [data-gap]')).length, gaps, 'each gap marked')
    await page.$eval('[data-duty]', (el) => el.scrollIntoView())
    await shot(page, `reports-duty-${lang}`, false)
  }

  /* a viewer of 榆次区: its county's rows and headquarters only */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/reports?date=${DAY}&by=township`)
  await v.waitForSelector('[data-table="reports-status"] tbody tr[data-key]', { timeout: T })
  const vk = await keys(v, 'reports-status')
  assert.ok(vk.length > 0 && vk.every((k) => k.startsWith('140702')), `the viewer's rows: ${vk}`)
  await v.waitForSelector('[data-table=duty] tbody tr[data-key]', { timeout: T })
  const vd = await keys(v, 'duty')
  assert.ok(vd.length > 0 && vd.every((k) => k.startsWith('140702')), `the viewer's headquarters: ${vd}`)
  await shot(v, 'reports-viewer-zh')
  log('reports: all checks passed')
})
