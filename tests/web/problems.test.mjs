// SPDX-License-Identifier: MIT
// 督查问题清单 (views/Problems.vue), run by tests/e2e/75-web-problems.sh: opened from the top
// bar's 指挥考核 menu, the summary by county must be `fangkong problem summary` row for row, the
// list the ids of `fangkong problem list` with its overdue ones red and the status filter the
// CLI's --status; a rectifying problem closed through its card (the button waits for a note) is
// closed with that note in `fangkong problem history`; a viewer of 榆次区 sees its own county's
// problems only and no buttons. Screenshots in both languages at 1280 and 1920 px.
import assert from 'node:assert/strict'
import { run, signIn, shot, cells, cli, csvRows, setLang, nav, BASE, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const summary = csvRows(cli('problem', 'summary'))
const list = csvRows(cli('problem', 'list'))
assert.ok(list.length >= 8, `the fixture has its problems: ${list.length}`)
const overdueIds = list.filter((r) => r.overdue === '1').map((r) => r.id).sort()
assert.ok(overdueIds.length >= 2, 'the fixture has overdue problems')

const ids = (page, table) =>
  page.$$eval(`[data-table="${table}"] tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key))

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'problems')
    await page.waitForSelector('[data-table="problems-summary"] tbody tr[data-key]', { timeout: T })
    await page.waitForSelector('[data-table="problems"] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await ids(page, 'problems-summary'), summary.map((r) => r.region), 'the summary\'s regions')
    assert.deepEqual(await cells(page, 'problems-summary', 'found'), summary.map((r) => r.found), 'found per county')
    assert.deepEqual(await cells(page, 'problems-summary', 'closed_late'), summary.map((r) => r.closed_late), 'closed late per county')
    assert.deepEqual(await cells(page, 'problems-summary', 'overdue'), summary.map((r) => r.overdue), 'overdue per county')
    assert.deepEqual((await ids(page, 'problems')).sort(), list.map((r) => r.id).sort(), 'the list\'s problems')
    const red = await page.$$eval('[data-over]', (xs) => xs.map((x) => x.dataset.over))
    assert.deepEqual(red.sort(), overdueIds, 'the overdue ones red')
    for (const id of red) assert.ok(await page.$eval(`[data-over="${id}"]`, (x) => x.classList.contains('below')), `${id} in red`)
    await shot(page, `problems-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `problems-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })
  }

  /* the status filter: the CLI's --status rectifying */
  await page.selectOption('[data-status]', 'rectifying')
  const rect = csvRows(cli('problem', 'list', '--status', 'rectifying')).map((r) => r.id).sort()
  await page.waitForFunction((n) => document.querySelectorAll('[data-table="problems"] tbody tr[data-key]').length === n, rect.length, { timeout: T })
  assert.deepEqual((await ids(page, 'problems')).sort(), rect, 'the rectifying ones')

  /* close one through its card: the button waits for the note */
  const id = rect[0]
  await page.click(`[data-open="${id}"]`)
  await page.waitForSelector('[data-card] [data-to=closed]', { timeout: T })
  assert.ok(await page.isDisabled('[data-card] [data-to=closed]'), 'closing waits for a note')
  assert.ok(await page.isVisible('[data-note-hint]'), 'the note is asked for')
  await shot(page, 'problems-card-en')
  await page.fill('[data-note]', '已整改，复查合格（照片 2 张）')
  await page.click('[data-card] [data-to=closed]')
  await page.waitForSelector('[data-card] [data-table="problem-history"] tbody tr[data-key]', { timeout: T })
  const hist = csvRows(cli('problem', 'history', id))
  assert.equal(hist.length, 1, 'one history row')
  assert.equal(hist[0].from, 'rectifying')
  assert.equal(hist[0].to, 'closed')
  assert.equal(hist[0].note, '已整改，复查合格（照片 2 张）')
  assert.equal(hist[0].user, adminName, 'the change is the signed-in user\'s')
  const after = csvRows(cli('problem', 'list')).find((r) => r.id === id)
  assert.equal(after.status, 'closed', 'closed in the store')
  assert.ok(await page.isVisible('[data-card] [data-to=open]'), 'a closed problem may be reopened')
  await setLang(page, 'zh')
  await page.waitForSelector('[data-card]', { timeout: T })
  await shot(page, 'problems-card-zh')

  /* a viewer of 榆次区: its own county only, no buttons */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/problems`)
  await v.waitForSelector('[data-table="problems"] tbody tr[data-key]', { timeout: T })
  const mine = list.filter((r) => r.region.startsWith('140702')).map((r) => r.id).sort()
  assert.deepEqual((await ids(v, 'problems')).sort(), mine, 'the viewer sees 榆次区\'s problems only')
  assert.deepEqual(await ids(v, 'problems-summary'), ['140702'], 'the viewer\'s summary is 榆次区')
  await v.click(`[data-open="${mine[0]}"]`)
  await v.waitForSelector('[data-card]', { timeout: T })
  assert.equal(await v.$('[data-act]'), null, 'no buttons for a viewer')
  await shot(v, 'problems-viewer')
})
