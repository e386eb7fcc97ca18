// SPDX-License-Identifier: MIT
// 目标考核 (views/Score.vue), run by tests/e2e/73-web-score.sh: opened from the top bar's
// 指挥考核 menu, the ranking must be the CLI's `fangkong score` row for row (rank, region, score,
// grade, veto), a county's indicators the CLI's `--detail` rows for it, the chart one bar a
// county; a viewer of 榆次区 sees its own row only. Screenshots in both languages.
import assert from 'node:assert/strict'
import { run, signIn, shot, cells, chartOption, cli, csvRows, setLang, nav, BASE, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const rank = csvRows(cli('score'))
const detail = csvRows(cli('score', '--detail'))
assert.ok(rank.length === 3, `the fixture scores three counties: ${rank.length}`)
assert.ok(rank.some((r) => r.veto), 'the fixture has a vetoed county')

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'score')
    await page.waitForSelector('[data-table=score] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await cells(page, 'score', 'rank'), rank.map((r) => r.rank), 'ranks')
    assert.deepEqual(await page.$$eval('[data-table=score] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key)), rank.map((r) => r.region), 'order')
    assert.deepEqual(await cells(page, 'score', 'score'), rank.map((r) => r.score), 'scores as the CLI')
    assert.deepEqual(await page.$$eval('[data-grade]', (g) => g.map((x) => x.dataset.grade)), rank.map((r) => r.grade), 'grades')
    assert.equal((await page.$$('[data-veto]')).length, rank.filter((r) => r.veto).length, 'the veto shows')
    const bars = (await chartOption(page, 'score')).series[0].data.length
    assert.equal(bars, rank.length, 'a bar a county')
    await shot(page, `score-${lang}`)

    /* a county's indicators: the CLI's detail rows, completion as a percentage */
    const open = rank[rank.length - 1].region
    await page.click(`[data-open="${open}"]`)
    await page.waitForSelector('[data-table=score-detail] tbody tr[data-key]', { timeout: T })
    const want = detail.filter((d) => d.region === open)
    assert.deepEqual((await page.$$eval('[data-table=score-detail] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key))).sort(), want.map((d) => d.indicator).sort(), 'the county\'s indicators')
    const pct = await cells(page, 'score-detail', 'r')
    assert.deepEqual(pct.sort(), want.map((d) => `${(Number(d.r) * 100).toFixed(2)} %`).sort(), 'completion as the CLI')
    await shot(page, `score-detail-${lang}`)
    await page.click('[data-close-detail]')
  }

  /* a viewer of 榆次区: its own row only */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/score`)
  await v.waitForSelector('[data-table=score] tbody tr[data-key]', { timeout: T })
  assert.deepEqual(await v.$$eval('[data-table=score] tbody tr[data-key]', (trs) => trs.map((tr) => tr.dataset.key)), ['140702'], 'the viewer sees 榆次区 only')
  await shot(v, 'score-viewer')
})
