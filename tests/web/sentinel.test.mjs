// SPDX-License-Identifier: MIT
// The 哨点预警 page (web/src/views/Sentinel.vue), run by tests/e2e/69-web-sentinel.sh: for day
// FK_DATE, every cell of the region × kind board (count, baseline, firing) must be the CLI's
// `sentinel board` answer, by county and by grid; clicking a firing cell lists exactly the rows
// `sentinel rows` gives for it, with links to the persons; the viewer of 140702 sees its county
// only. Screenshots at 1280 and 1920 px, in Chinese and English.
import assert from 'node:assert/strict'
import { run, need, nav, signIn, shot, cells, cli, csvRows, log, storeLang, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const DATE = need('FK_DATE')
const kinds = ['fever_clinic', 'pharmacy', 'coldchain', 'station', 'school', 'other']

/* The board on the page: region -> kind -> {count, fires} */
async function pageBoard(page) {
  return page.$$eval('[data-table="sentinel-board"] td[data-cell]', (tds) =>
    tds.map((td) => ({
      cell: td.dataset.cell,
      count: td.querySelector('[data-count]').textContent.trim().replace(/[ ,]/g, ''),
      fires: td.dataset.fires || '',
      base: td.querySelector('[data-base]').textContent.trim(),
    })))
}

async function checkBoard(page, by, asUser) {
  await page.goto(`${need('FK_URL')}/sentinel?date=${DATE}&by=${by}`)
  await page.waitForSelector('[data-table="sentinel-board"] td[data-cell]', { timeout: T })
  const args = ['sentinel', 'board', '--date', DATE, '--by', by]
  if (asUser) args.push('--region', asUser)
  const want = csvRows(cli(...args))
  const got = await pageBoard(page)
  assert.equal(got.length, want.length, `${by}: one cell per region and kind`)
  const at = new Map(got.map((g) => [g.cell, g]))
  for (const w of want) {
    const g = at.get(`${w.region}:${w.kind}`)
    assert.ok(g, `${by}: cell ${w.region}:${w.kind} is drawn`)
    assert.equal(g.count, w.count, `${by}: count of ${w.region} ${w.kind}`)
    assert.equal(g.fires, w.fires, `${by}: firing of ${w.region} ${w.kind}`)
    if (w.mean) assert.equal(g.base, `${w.mean} ± ${w.sd}`, `${by}: baseline of ${w.region} ${w.kind}`)
  }
  const red = await page.$$eval('[data-table="sentinel-board"] td.fire', (tds) => tds.length)
  assert.equal(red, want.filter((w) => w.fires).length, `${by}: the firing cells are red`)
  return want
}

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  await nav(page, 'sentinel')
  await page.waitForSelector('[data-totals]', { timeout: T })

  const county = await checkBoard(page, 'county')
  assert.ok(county.some((w) => w.fires), 'some county fires on the day')
  await shot(page, 'board-county-zh-1280')
  const grid = await checkBoard(page, 'grid')
  const spike = grid.find((w) => w.kind === 'pharmacy' && w.fires === 'baseline')
  assert.ok(spike, 'the pharmacy spike fires by the baseline on the grid board')
  log(`board: ${county.length} county cells, ${grid.length} grid cells as the CLI's`)

  /* A firing cell opens its rows: the CLI's rows, each person a link. */
  await page.click(`[data-cell="${spike.region}:pharmacy"]`)
  await page.waitForSelector('[data-table="sentinel-rows"] tbody tr[data-key]', { timeout: T })
  const want = csvRows(cli('sentinel', 'rows', '--region', spike.region, '--kind', 'pharmacy', '--date', DATE))
  assert.equal(await page.getAttribute('[data-table="sentinel-rows"]', 'data-rows'), String(want.length), 'as many rows as the CLI lists')
  assert.deepEqual((await cells(page, 'sentinel-rows', 'source')).sort(), want.map((w) => w.source).sort().slice(0, 50))
  const links = await page.$$eval('[data-table="sentinel-rows"] td[data-col=id_number] a', (as) => as.length)
  assert.equal(links, want.filter((w) => w.id_number).length, 'every buyer named links to the person')
  assert.ok((await page.textContent('[data-rule]')).includes('超出基线'), 'the rule is named')
  await shot(page, 'rows-zh-1280')

  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`${need('FK_URL')}/sentinel?date=${DATE}&by=township`)
  await page.waitForSelector('[data-table="sentinel-board"] td[data-cell]', { timeout: T })
  await shot(page, 'board-township-zh-1920')
  await storeLang(page, 'en')
  await page.waitForSelector('[data-table="sentinel-board"] td[data-cell]', { timeout: T })
  assert.ok((await page.textContent('.pagehead h1')).includes('Sentinels'), 'the English title')
  assert.ok((await page.textContent('[data-table="sentinel-board"] thead')).includes('fever clinic'))
  await shot(page, 'board-township-en-1920')
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.goto(`${need('FK_URL')}/sentinel?date=${DATE}&by=grid&open=${spike.region}&kind=pharmacy`)
  await page.waitForSelector('[data-table="sentinel-rows"] tbody tr[data-key]', { timeout: T })
  assert.ok((await page.textContent('[data-rule]')).includes('above the baseline'))
  await shot(page, 'rows-en-1280')

  /* The viewer of 140702: its county's townships only. */
  const vpage = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(vpage, viewerName, viewerPass)
  await checkBoard(vpage, 'township', '140702')
  const codes = await vpage.$$eval('[data-table="sentinel-board"] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))
  assert.ok(codes.length > 0 && codes.every((c) => c.startsWith('140702')), `the viewer sees ${codes}`)
  await shot(vpage, 'board-viewer-zh-1280')
  log('viewer of 140702: its townships only')
})
