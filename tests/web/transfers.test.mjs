// SPDX-License-Identifier: MIT
// 闭环转运 (views/Transfers.vue), run by tests/e2e/79-web-transfers.sh: opened from the top bar's
// 区域与闭环 menu, one row per person of a task whose state is the CLI's `fangkong transfer list`
// (every state shows in the fixture), in its order (the gaps and the overdue first), overdue and
// gaps red with the minutes past planned + slack; "not handed over" and "overdue and gaps" keep
// the rows of --open and --overdue; the summary is `transfer status`; the CSV download is the
// CLI's list; a name opens the person's page; a viewer of 榆次区 sees its county's persons only.
// Screenshots in both languages at 1280 and 1920 px.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, signIn, shot, cli, csvRows, cells, setLang, nav, BASE, SHOTS, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const key = (r) => `${r.task}/${r.id_number}`
/* [key, state, late_by] of the CLI's rows, in its order */
const want = (rows) => rows.map((r) => [key(r), r.state, Number(r.late_by)])
/* the same as the page shows it */
const shown = (page) => page.$$eval('[data-table=transfers] tbody tr[data-key]', (trs) => trs.map((tr) => {
  const s = tr.querySelector('[data-state]')
  return [tr.dataset.key, s.dataset.state, Number(s.dataset.lateBy)]
}))
const rowsIs = (page, n) => page.waitForFunction((k) => Number(document.querySelector('[data-table=transfers]')?.dataset.rows) === k && document.querySelectorAll('[data-table=transfers] tbody tr[data-key]').length === k, n, { timeout: T })

const all = csvRows(cli('transfer', 'list'))
const open = csvRows(cli('transfer', 'list', '--open'))
const overdue = csvRows(cli('transfer', 'list', '--overdue'))
/* the summary shows the counties with a transfer */
const status = csvRows(cli('transfer', 'status')).filter((r) => Number(r.persons) > 0)
const states = new Set(all.map((r) => r.state))
for (const s of ['done', 'late', 'in_transit', 'planned', 'overdue', 'gap']) assert.ok(states.has(s), `the fixture shows ${s}: ${[...states]}`)
assert.ok(open.length < all.length && overdue.length < open.length, 'the filters keep fewer rows')

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'transfers')
    await rowsIs(page, all.length)
    assert.deepEqual(await shown(page), want(all), `${lang}: every person's state as the CLI's, in its order`)
    const firstTwo = (await shown(page)).slice(0, 2).map((r) => r[1])
    assert.ok(firstTwo.every((s) => s === 'gap' || s === 'overdue'), `${lang}: the gaps and the overdue first: ${firstTwo}`)
    const red = await page.$$eval('[data-table=transfers] [data-state=overdue], [data-table=transfers] [data-state=gap]', (s) => s.map((x) => [getComputedStyle(x).color, x.textContent]))
    assert.ok(red.length === overdue.length && red.every(([c, text]) => c === 'rgb(183, 28, 28)' && /\d/.test(text)), `${lang}: overdue and gaps red with the minutes past: ${JSON.stringify(red)}`)
    /* the summary */
    await page.waitForSelector('[data-table="transfers-status"] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await page.$$eval('[data-table="transfers-status"] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key)), status.map((r) => r.region), `${lang}: the summary's regions`)
    assert.deepEqual(await cells(page, 'transfers-status', 'overdue'), status.map((r) => r.overdue), `${lang}: overdue per county`)
    assert.deepEqual(await cells(page, 'transfers-status', 'gap'), status.map((r) => r.gap), `${lang}: gaps per county`)
    assert.deepEqual(await cells(page, 'transfers-status', 'persons'), status.map((r) => r.persons), `${lang}: persons per county`)
    await shot(page, `transfers-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `transfers-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* the filters */
    await page.click('[data-open-only]')
    await rowsIs(page, open.length)
    assert.deepEqual(await shown(page), want(open), `${lang}: not handed over as --open`)
    await page.click('[data-open-only]')
    await page.click('[data-overdue-only]')
    await rowsIs(page, overdue.length)
    assert.deepEqual(await shown(page), want(overdue), `${lang}: overdue and gaps as --overdue`)
    if (lang === 'zh') {
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('.pagehead [data-download=csv]')])
      const file = path.join(SHOTS, 'transfers-overdue.csv')
      fs.mkdirSync(SHOTS, { recursive: true })
      await dl.saveAs(file)
      assert.equal(fs.readFileSync(file, 'utf8'), cli('transfer', 'list', '--overdue'), 'the CSV download equals the CLI list')
      await shot(page, 'transfers-overdue-zh')
    }
    await page.click('[data-overdue-only]')
    await rowsIs(page, all.length)
  }

  /* a name opens the person's page */
  const first = all[0]
  await page.click(`[data-person-name="${first.id_number}"]`)
  await page.waitForURL(`**/person/${first.id_number}`, { timeout: T })

  /* a viewer of 榆次区: its county's persons only */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  const mine = csvRows(cli('transfer', 'list', '--region', '140702'))
  assert.ok(mine.length > 0 && mine.length < all.length, 'the viewer\'s county holds some of the persons')
  await nav(v, 'transfers')
  await rowsIs(v, mine.length)
  assert.deepEqual(await shown(v), want(mine), 'the viewer sees its county\'s persons')
  assert.deepEqual(await v.$$eval('[data-table="transfers-status"] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key)), ['140702'], 'and its county in the summary')
  await shot(v, 'transfers-viewer-zh')
})
