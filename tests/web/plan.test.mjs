// SPDX-License-Identifier: MIT
// 筛查计划与进度 (views/Plan.vue), run by tests/e2e/92-web-plan.sh: opened from the top bar, the
// round's forecast is `fangkong pace --by round`'s, the pace table `pace --by county`, the plan
// table `plan --by county` (the lockdown zone's county first), the chart's planned and actual lines
// `pace --by round --view hours`, the labs table `pace --view labs`; the dashboard's pace card
// draws the same lines and forecast; a viewer of 榆次区 sees its county only. Screenshots: zh at
// 1280 px, en at 1920 px.
import assert from 'node:assert/strict'
import { run, signIn, shot, cli, csvRows, cells, setLang, nav, chartOption, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const whole = csvRows(cli('pace', 'R1', '--by', 'round'))[0]
const pace = csvRows(cli('pace', 'R1', '--by', 'county'))
const plan = csvRows(cli('plan', 'R1', '--by', 'county'))
const hours = csvRows(cli('pace', 'R1', '--by', 'round', '--view', 'hours'))
const labs = csvRows(cli('pace', 'R1', '--view', 'labs'))
const transport = csvRows(cli('pace', 'R1', '--view', 'transport'))
assert.ok(transport.some((r) => r.box === 'BX-YC-01') && !transport.some((r) => r.box === 'BX-YC-02'), 'the box on the road, not the one still at its site')
const num = (v) => (v === '' ? null : Number(v))
assert.equal(whole.state, 'eta', `the fixture's round is under way: ${JSON.stringify(whole)}`)
assert.equal(plan[0].zone, 'lockdown', 'the lockdown zone\'s county first')

const keys = (page, table) => page.$$eval(`[data-table="${table}"] tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key))
const rowsIs = (page, table, n) => page.waitForFunction(([t, k]) => document.querySelectorAll(`[data-table="${t}"] tbody tr[data-key]`).length === k, [table, n], { timeout: T })

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const [lang, width] of [['zh', 1280], ['en', 1920]]) {
    await setLang(page, lang)
    await page.setViewportSize({ width, height: 1000 })
    await nav(page, 'plan')
    await rowsIs(page, 'pace', pace.length)
    await page.waitForSelector(`[data-forecast] [data-state][data-value="${whole.state}"]`, { timeout: T })
    assert.equal(await page.textContent('[data-forecast] [data-value=sampled]'), Number(whole.sampled).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US'), `${lang}: the round's sampled`)
    assert.ok((await page.textContent('[data-forecast] [data-state]')).includes(whole.forecast.slice(5, 16).replace('T', ' ')), `${lang}: the forecast's time ${whole.forecast}`)
    assert.deepEqual(await keys(page, 'pace'), pace.map((r) => r.region), `${lang}: the pace's counties`)
    assert.deepEqual(await cells(page, 'pace', 'sampled'), pace.map((r) => r.sampled), `${lang}: sampled per county`)
    assert.deepEqual(await page.$$eval('[data-table=pace] [data-state]', (s) => s.map((x) => x.dataset.state)), pace.map((r) => r.state), `${lang}: each county's forecast state`)
    await rowsIs(page, 'plan', plan.length)
    assert.deepEqual(await keys(page, 'plan'), plan.map((r) => r.region), `${lang}: the plan's rows, lockdown first, then the total`)
    for (const col of ['sites', 'tables', 'samplers', 'tubes']) assert.deepEqual(await cells(page, 'plan', col), plan.map((r) => r[col]), `${lang}: the plan's ${col}`)
    assert.deepEqual(await cells(page, 'plan', 'lab_hours'), plan.map((r) => r.lab_hours), `${lang}: lab hours`)
    assert.deepEqual(await keys(page, 'labs'), labs.map((r) => r.lab), `${lang}: the labs`)
    assert.deepEqual(await cells(page, 'labs', 'queue'), labs.map((r) => r.queue), `${lang}: each lab's queue`)
    assert.deepEqual(await cells(page, 'transport', 'tubes'), transport.map((r) => r.tubes), `${lang}: the tubes on the road`)
    const opt = await chartOption(page, 'pace')
    assert.deepEqual(opt.series[0].data, hours.map((r) => num(r.planned_total)), `${lang}: the planned line`)
    assert.deepEqual(opt.series[1].data, hours.map((r) => num(r.sampled_total)), `${lang}: the actual line stops at now`)
    await shot(page, `plan-${lang}-${width}`)
  }

  /* the dashboard: the same lines and forecast */
  await nav(page, 'dashboard')
  const dash = await chartOption(page, 'pace')
  assert.deepEqual(dash.series[1].data, hours.map((r) => num(r.sampled_total)), 'the dashboard\'s actual line')
  await page.waitForSelector(`[data-card=pace] [data-state="${whole.state}"]`, { timeout: T })

  /* a viewer of 榆次区: its county only */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await nav(v, 'plan')
  await rowsIs(v, 'pace', 1)
  assert.deepEqual(await keys(v, 'pace'), ['140702'], 'the viewer\'s pace is its county\'s')
  assert.deepEqual(await keys(v, 'plan'), ['140702', '(total)'], 'and its plan')
})
