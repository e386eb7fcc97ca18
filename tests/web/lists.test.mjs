// SPDX-License-Identifier: MIT
// Browser test of the lists people can act on (tests/e2e/66-web-lists.sh starts the server): a
// grid's missing list with household and address in the CLI's door-to-door order; the
// below-target list with county and township names, whose CSV download has the CLI's rows
// (`fangkong coverage R --by grid --below 90`); the 采送检报 tables worst first, the lab table on
// top. Screenshots in Chinese and English.
//
// Environment: as every browser test (tests/e2e/web-lib.sh), and FK_GRID.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, need, cli, csvRows, cells, chartOption, signIn, shot, setLang, log, T, BASE, SHOTS, adminName, adminPass } from './lib.mjs'

const ROUND = need('FK_ROUND')
const GRID = need('FK_GRID')
const SHIPPED = need('FK_SHIPPED')

await run(async (browser, newPage) => {
  const page = await newPage()
  await signIn(page, adminName, adminPass)

  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    /* the missing list: household and address, in the CLI's order */
    const want = csvRows(cli('missing', ROUND, '--region', GRID))
    await page.goto(`${BASE}/round?round=${ROUND}&region=${GRID}`)
    await page.waitForSelector('[data-table=missing] tbody td[data-col=household]', { timeout: T })
    assert.deepEqual(await cells(page, 'missing', 'id_number'), want.map((r) => r.id_number), 'missing: the CLI order')
    assert.deepEqual(await cells(page, 'missing', 'household'), want.map((r) => r.household || '—'), 'missing: households')
    assert.deepEqual(await cells(page, 'missing', 'address'), want.map((r) => r.address || '—'), 'missing: addresses')
    assert.ok(want.some((r) => r.address), 'the grid has addresses to show')
    await shot(page, `missing-${lang}`)

    /* below target: names, and a download with the CLI's rows */
    const below = cli('coverage', ROUND, '--by', 'grid', '--below', '90')
    await page.goto(`${BASE}/round?round=${ROUND}&tab=below`)
    await page.waitForSelector('[data-table=below] tbody td[data-col=county_name]', { timeout: T })
    assert.deepEqual(await cells(page, 'below', 'region'), csvRows(below).map((r) => r.region), 'below: the CLI rows, lowest first')
    assert.deepEqual(await cells(page, 'below', 'township_name'), csvRows(below).map((r) => r.township_name), 'below: township names')
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-download=csv]')])
    const file = path.join(SHOTS, `below-${lang}.csv`)
    await dl.saveAs(file)
    assert.equal(fs.readFileSync(file, 'utf8'), below, 'below: the download equals the CLI')
    await page.selectOption('[data-below-sort]', 'missing')
    const miss = (await cells(page, 'below', 'missing')).map(Number)
    assert.deepEqual(miss, miss.slice().sort((a, b) => b - a), 'below: sorted by missing')
    await shot(page, `below-${lang}`)

    /* 采送检报: the lab table on top, both worst first as the CLI */
    await page.goto(`${BASE}/round?round=${ROUND}&tab=tat`)
    await page.waitForSelector('[data-table=tat-site] tbody tr', { timeout: T })
    const order = await page.$$eval('[data-table^=tat-]', (ts) => ts.map((t) => t.dataset.table))
    assert.deepEqual(order, ['tat-lab', 'tat-site'], 'the lab table on top')
    const overdue = (await cells(page, 'tat-site', 'overdue')).map((s) => Number(s.replace(/\D/g, '')))
    assert.deepEqual(overdue, overdue.slice().sort((a, b) => b - a), 'sites: most overdue first')
    /* every site of the CLI is a row (paged, not cut), and the total is the foot, not a row */
    const bySite = csvRows(cli('tat', ROUND, '--by', 'site'))
    assert.equal(Number(await page.getAttribute('[data-table=tat-site]', 'data-rows')), bySite.length - 1, 'sites: every group, the total apart')
    const foot = await page.$$eval('[data-table=tat-site] tfoot [data-col]', (c) => Object.fromEntries(c.map((x) => [x.dataset.col, x.textContent.trim()])))
    assert.equal(foot.tubes.replace(/\D/g, ''), bySite.at(-1).tubes, 'the foot is the CLI total')
    /* sorting by a column keeps the total as the foot */
    await page.click('[data-table=tat-site] th[data-sort-col=tubes]')
    const tubes = (await cells(page, 'tat-site', 'tubes')).map((s) => Number(s.replace(/\D/g, '')))
    assert.deepEqual(tubes, tubes.slice().sort((a, b) => a - b), 'sites: sorted by tubes')
    assert.equal((await page.$$('[data-table=tat-site] tfoot [data-foot]')).length, 1, 'the total stays the foot')
    /* the funnel: without shipped times the stage is "not recorded", not 0 */
    assert.equal(await page.textContent('[data-shipped] b'), lang === 'zh' ? '未记录' : 'not recorded', 'shipped not recorded')
    await page.waitForSelector('[data-shipped-note]', { timeout: T })
    await shot(page, `tat-${lang}`)

    /* 复检: each member's state as the CLI says, rendered in words */
    const retest = csvRows(cli('retest', ROUND))
    await page.goto(`${BASE}/round?round=${ROUND}&tab=retest`)
    await page.waitForSelector('[data-table=retest] [data-state]', { timeout: T })
    assert.deepEqual(await page.$$eval('[data-table=retest] [data-state]', (s) => s.map((x) => x.dataset.state)), retest.map((r) => r.retest_state), 'retest states')
    const states = new Set(retest.map((r) => r.retest_state))
    assert.ok(states.has('retested') && states.has('waiting') && states.has('not_sampled'), 'every retest state shows')
    const words = await cells(page, 'retest', 'retest_state')
    assert.ok(words.some((w) => w.includes(lang === 'zh' ? '阴性' : 'negative')), 'the single result in words')
    await shot(page, `retest-${lang}`)
  }

  /* shipped times arrive (the CLI imports them while the server runs): the funnel gains the stage */
  cli('import', 'samples', SHIPPED)
  const total = csvRows(cli('tat', ROUND, '--by', 'site')).find((r) => r.site === '(total)')
  assert.ok(Number(total.shipped) > 0, 'the CLI counts shipped tubes')
  await setLang(page, 'zh')
  /* the server rebuilds its indexes off the lock after the first request that sees the import,
   * answering from the old ones meanwhile: reload until the page shows the new state */
  const until = Date.now() + 4 * T
  for (;;) {
    await page.goto(`${BASE}/round?round=${ROUND}&tab=tat`)
    await page.waitForSelector('[data-shipped] b', { timeout: T })
    if ((await page.textContent('[data-shipped] b')).replace(/\D/g, '') === total.shipped) break
    assert.ok(Date.now() < until, 'the page never showed the shipped tubes')
    await page.waitForTimeout(500)
  }
  const stages = (await chartOption(page, 'funnel')).series[0].data.map((d) => d.name)
  assert.ok(stages.includes('已送检'), `the funnel has the shipped stage: ${stages}`)
  await shot(page, 'tat-shipped-zh')
  await page.context().close()
  log('all list checks passed')
})
