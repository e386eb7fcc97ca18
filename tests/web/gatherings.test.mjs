// SPDX-License-Identifier: MIT
// 会议活动管理 (views/Gatherings.vue), run by tests/e2e/90-web-gatherings-requests.sh: opened from
// the top bar's 区域与闭环 menu, one row per gathering whose decision and rule are the CLI's
// `fangkong gathering list` (approved, sent for sign-off and refused all show), in its order; the
// rule in words (管控区内不举办, 超过上限需审批); refusals red, sign-offs amber; a date and a decision
// keep the rows of --date and --decision; the summary is `gathering status`; the CSV download is
// the CLI's list; a sign-off made on the page is what the CLI then lists; a viewer of 榆次区 sees its
// county's gatherings only, and no sign-off. Screenshots in both languages at 1280 and 1920 px.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, signIn, shot, cli, csvRows, cells, setLang, nav, SHOTS, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

/* [code, decision, rule] of the CLI's rows, in its order */
const want = (rows) => rows.map((r) => [r.code, r.decision, r.rule])
const shown = (page) => page.$$eval('[data-table=gatherings] tbody tr[data-key]', (trs) => trs.map((tr) => {
  const d = tr.querySelector('[data-decision]')
  return [tr.dataset.key, d.dataset.decision, d.dataset.rule]
}))
const rowsIs = (page, n) => page.waitForFunction((k) => Number(document.querySelector('[data-table=gatherings]')?.dataset.rows) === k && document.querySelectorAll('[data-table=gatherings] tbody tr[data-key]').length === k, n, { timeout: T })
const reasonOf = (page, code) => page.$eval(`[data-table=gatherings] tr[data-key="${code}"] [data-reason]`, (e) => e.textContent.trim())

const all = csvRows(cli('gathering', 'list'))
const refused = csvRows(cli('gathering', 'list', '--decision', 'refuse'))
const day = csvRows(cli('gathering', 'list', '--date', '2022-08-29'))
const status = csvRows(cli('gathering', 'status')).filter((r) => Number(r.gatherings) > 0)
const decisions = new Set(all.map((r) => r.decision))
for (const d of ['approve', 'signoff', 'refuse']) assert.ok(decisions.has(d), `the fixture shows ${d}: ${[...decisions]}`)
const lockdown = all.find((r) => r.code === 'HD-01')
assert.equal(lockdown.decision, 'refuse', 'the gathering on the day its grid was locked down is refused')

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'gatherings')
    await rowsIs(page, all.length)
    assert.deepEqual(await shown(page), want(all), `${lang}: every gathering's decision and rule as the CLI's, in its order`)
    const colours = await page.$$eval('[data-table=gatherings] [data-decision]', (s) => s.map((x) => [x.dataset.decision, getComputedStyle(x).color]))
    assert.ok(colours.every(([d, c]) => d !== 'refuse' || c === 'rgb(183, 28, 28)'), `${lang}: refusals red: ${JSON.stringify(colours)}`)
    assert.ok(colours.every(([d, c]) => d !== 'signoff' || c === 'rgb(138, 75, 0)'), `${lang}: sign-offs amber`)
    if (lang === 'zh') {
      assert.equal(await reasonOf(page, 'HD-01'), '封控区内不举办（封控区-1）', 'the lockdown rule in words')
      assert.match(await reasonOf(page, 'HD-02'), /超过上限 200 人：需审批/, 'the cap in words')
    } else {
      assert.equal(await reasonOf(page, 'HD-02'), all.find((r) => r.code === 'HD-02').reason, 'the English reason is the server\'s')
    }
    /* the summary */
    await page.waitForSelector('[data-table="gatherings-status"] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await page.$$eval('[data-table="gatherings-status"] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key)), status.map((r) => r.region), `${lang}: the summary's regions`)
    for (const c of ['gatherings', 'expected', 'approve', 'signoff', 'refuse'])
      assert.deepEqual(await cells(page, 'gatherings-status', c), status.map((r) => r[c]), `${lang}: ${c} per county`)
    await shot(page, `gatherings-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `gatherings-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* the filters */
    await page.selectOption('[data-decision]', 'refuse')
    await rowsIs(page, refused.length)
    assert.deepEqual(await shown(page), want(refused), `${lang}: refused as --decision refuse`)
    if (lang === 'zh') {
      const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('.pagehead [data-download=csv]')])
      const file = path.join(SHOTS, 'gatherings-refused.csv')
      fs.mkdirSync(SHOTS, { recursive: true })
      await dl.saveAs(file)
      assert.equal(fs.readFileSync(file, 'utf8'), cli('gathering', 'list', '--decision', 'refuse'), 'the CSV download equals the CLI list')
    }
    await page.selectOption('[data-decision]', '')
    await rowsIs(page, all.length)
    await page.fill('[data-date]', '2022-08-29')
    await page.dispatchEvent('[data-date]', 'change')
    await rowsIs(page, day.length)
    assert.deepEqual(await shown(page), want(day), `${lang}: one day as --date`)
    await page.fill('[data-date]', '')
    await page.dispatchEvent('[data-date]', 'change')
    await rowsIs(page, all.length)
  }

  /* a sign-off on the page: HD-02 approved, with a note */
  await setLang(page, 'zh')
  await page.click('[data-sign="HD-02"]')
  await page.fill('[data-signoff-note]', '压减至 200 人以内')
  await page.click('[data-approve]')
  await page.waitForSelector('[data-saved]', { timeout: T })
  await page.waitForSelector('[data-table=gatherings] tr[data-key="HD-02"] [data-signed=approved]', { timeout: T })
  const after = csvRows(cli('gathering', 'list')).find((r) => r.code === 'HD-02')
  assert.deepEqual([after.decision, after.signoff, after.signed_by], ['approve', 'approved', adminName], 'the CLI lists the page\'s sign-off')
  await shot(page, 'gatherings-signed-zh')

  /* a viewer of 榆次区: its county's gatherings only, and no sign-off */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  const mine = csvRows(cli('gathering', 'list', '--region', '140702'))
  assert.ok(mine.length > 0 && mine.length < all.length, 'the viewer\'s county holds some of the gatherings')
  await nav(v, 'gatherings')
  await rowsIs(v, mine.length)
  assert.deepEqual(await shown(v), want(mine), 'the viewer sees its county\'s gatherings')
  assert.equal(await v.$$eval('[data-sign]', (b) => b.length), 0, 'and may not sign off')
  await shot(v, 'gatherings-viewer-zh')
})
