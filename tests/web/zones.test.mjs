// SPDX-License-Identifier: MIT
// 风险区域 (views/Zones.vue), run by tests/e2e/78-web-zones.sh: opened from the top bar's 区域与闭环
// menu, one row per zone whose "may be lowered today" equals `fangkong zone review` (yes in green
// with the next level; no in red with the reason), the map draws the zone grids in their level's
// colour, a zone opens the rows behind its review (the last positive's ID number, the round), the
// declare form says the stricter level applies to a grid also in the lockdown zone, and change and
// lift reach the CLI's `zone list`; a viewer of 榆次区 sees the zones touching it and no form.
// Screenshots in both languages at 1280 and 1920 px.
import assert from 'node:assert/strict'
import { run, signIn, shot, cli, csvRows, setLang, nav, chartOption, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const G = process.env.ZONE_GRID
const review = () => Object.fromEntries(csvRows(cli('zone', 'review')).map((r) => [r.name, r]))
const listed = () => Object.fromEntries(csvRows(cli('zone', 'list')).map((r) => [r.name, r]))
/* {zone: may} as the page shows it */
const shown = (page) => page.$$eval('[data-table=zones] tbody tr[data-key]', (trs) => Object.fromEntries(trs.map((tr) => [
  tr.dataset.key, tr.querySelector('[data-may]')?.dataset.may ?? '',
])))

const want = review()
const mays = Object.fromEntries(Object.entries(want).map(([k, r]) => [k, r.may_lower]))
assert.ok(Object.values(mays).includes('yes') && Object.values(mays).includes('no'), `the fixture has a zone that may be lowered and one that may not: ${JSON.stringify(mays)}`)

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'zones')
    await page.waitForSelector('[data-table=zones] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await shown(page), mays, `${lang}: may be lowered as the CLI's review`)
    const yes = await page.$$eval('[data-may=yes]', (s) => s.map((x) => getComputedStyle(x).color))
    assert.ok(yes.length && yes.every((c) => c === 'rgb(27, 94, 32)'), `${lang}: yes is green`)
    const no = await page.$$eval('[data-may=no]', (s) => s.map((x) => getComputedStyle(x).color))
    assert.ok(no.length && no.every((c) => c === 'rgb(183, 28, 28)'), `${lang}: no is red`)
    const opt = await chartOption(page, 'zones-map')
    const pts = opt.series.find((s) => s.id === 'points')
    const colours = Object.fromEntries(pts.data.map((d) => [d.point.code, d.itemStyle.color]))
    assert.equal(colours[G], '#d32f2f', `${lang}: the lockdown grid is red on the map`)
    await shot(page, `zones-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `zones-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })
  }

  /* the rows behind the lockdown zone's review */
  const lock = Object.values(want).find((r) => r.level === 'lockdown')
  await page.click(`[data-open-zone="${lock.name}"]`)
  await page.waitForSelector('[data-zone] [data-behind]', { timeout: T })
  assert.ok((await page.textContent('[data-behind] [data-round]')).includes(lock.latest_round), 'the round behind')
  if (lock.last_positive_id) assert.ok((await page.textContent('[data-behind] [data-last-positive]')).includes(lock.last_positive_id), 'the last positive behind')
  await shot(page, 'zone-detail-en')

  /* declare a precaution zone over the lockdown grid: the answer says the stricter level applies */
  await setLang(page, 'zh')
  await page.fill('[data-declare-name]', 'W-1')
  await page.selectOption('[data-declare-level]', 'precaution')
  await page.fill('[data-declare-regions]', G)
  await page.fill('[data-declare-reason]', '外围防范')
  await page.click('[data-declare-save]')
  await page.waitForSelector('[data-saved] [data-note]', { timeout: T })
  assert.ok((await page.textContent('[data-saved] [data-note]')).includes(`region ${G} is also in lockdown zone`), 'the overlap note')
  await page.waitForSelector('[data-table=zones] tr[data-key="W-1"]', { timeout: T })
  assert.equal(listed()['W-1'].level, 'precaution', 'the CLI sees the declared zone')
  await shot(page, 'zone-declared-zh')
  /* change it to control, then lift it */
  await page.click('[data-open-zone="W-1"]')
  await page.waitForSelector('[data-change-form]', { timeout: T })
  await page.selectOption('[data-change-level]', 'control')
  await page.click('[data-change-save]')
  await page.waitForSelector('[data-table=zones] tr[data-key="W-1"] [data-level=control]', { timeout: T })
  assert.equal(listed()['W-1'].level, 'control', 'the CLI sees the change')
  await page.click('[data-lift]')
  await page.waitForSelector('[data-table=zones] tr[data-key="W-1"] [data-level=lifted]', { timeout: T })
  assert.equal(listed()['W-1'].level, 'lifted', 'the CLI sees the lift')

  /* a viewer of 榆次区: the zones touching it, no forms */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await nav(v, 'zones')
  await v.waitForSelector('[data-table=zones] tbody tr[data-key]', { timeout: T })
  const mine = csvRows(cli('zone', 'list', '--region', '140702')).map((r) => r.name).sort()
  assert.deepEqual(Object.keys(await shown(v)).sort(), mine, 'the viewer sees the zones touching its county')
  assert.ok(mine.length < Object.keys(listed()).length, 'and not the others')
  assert.equal(await v.$('[data-declare]'), null, 'no declare form for a viewer')
  await shot(v, 'zones-viewer-zh')
})
