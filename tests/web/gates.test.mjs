// SPDX-License-Identifier: MIT
// 场所核验 (views/Gates.vue), run by tests/e2e/81-web-gates.sh: opened from the top bar's 区域与闭环
// menu on the fixture's day of gate checks, the totals, the rows per gate and the chart by hour equal
// `fangkong gates` (by gate and by hour); red counts show red; checks a gate makes now through the
// API show on today's page with their last-minute rate; a viewer of 榆次区 sees its county's gate
// only. Screenshots in both languages at 1280 px and at 1920 px.
import assert from 'node:assert/strict'
import { run, signIn, shot, cli, csvRows, setLang, nav, chartOption, BASE, T, adminName, adminPass, viewerName, viewerPass, need } from './lib.mjs'

const DAY = need('FK_GATE_DAY')
const [gateName, gatePass] = need('FK_GATE').split(':')
const byGate = csvRows(cli('gates', '--date', DAY))
const byHour = csvRows(cli('gates', '--date', DAY, '--by', 'hour'))
assert.ok(byGate.length >= 2, `the fixture has two gates at least: ${byGate.length}`)
const key = (r) => `${r.gate}/${r.type}`
const want = Object.fromEntries(byGate.map((r) => [key(r), ['total', 'green', 'yellow', 'red', 'bad'].map((k) => Number(r[k]))]))
const sum = (k) => byGate.reduce((s, r) => s + Number(r[k]), 0)
const num = (s) => Number(String(s).replace(/[,\s]/g, ''))

/* The rows the page shows: {gate/type: [total, green, yellow, red, bad]} */
const shown = (page) => page.$$eval('[data-table=gates] tbody tr[data-key]', (trs) => Object.fromEntries(trs.map((tr) => [
  tr.dataset.key,
  ['total', 'green', 'yellow', 'red', 'bad'].map((c) => Number(tr.querySelector(`td[data-col=${c}]`).textContent.replace(/[,\s]/g, ''))),
])))

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'gates')
    await page.waitForSelector('[data-gate-date]', { timeout: T })
    await page.fill('[data-gate-date]', DAY)
    await page.dispatchEvent('[data-gate-date]', 'change')
    await page.waitForFunction((n) => document.querySelectorAll('[data-table=gates] tbody tr[data-key]').length === n, byGate.length, { timeout: T })
    assert.deepEqual(await shown(page), want, `${lang}: every gate as fangkong gates`)
    assert.equal(num(await page.textContent('[data-total]')), sum('total'), `${lang}: the day's total`)
    assert.equal(num(await page.textContent('[data-red]')), sum('red'), `${lang}: the day's red`)
    const o = await chartOption(page, 'gate-hours')
    assert.equal(o.xAxis[0].data.length, 24, 'a bar a hour')
    for (const [i, k] of ['green', 'yellow', 'red', 'bad'].entries())
      assert.deepEqual(o.series[i].data.map(Number), byHour.map((r) => Number(r[k])), `${lang}: the chart's ${k} by hour`)
    const reds = await page.$$eval('[data-table=gates] td[data-col=red] span.red', (s) => s.map((x) => getComputedStyle(x).color))
    assert.ok(reds.length > 0 && reds.every((c) => c === 'rgb(183, 28, 28)'), 'red counts are red')
    await shot(page, `gates-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `gates-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })
  }

  /* a gate checks now through the API: today's page counts it, with its last-minute rate */
  const login = await fetch(`${BASE}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: gateName, password: gatePass }) })
  const token = (await login.json()).token
  const ids = csvRows(cli('export', 'persons')).slice(0, 30).map((r) => r.id_number)
  for (const id of ids) {
    const res = await fetch(`${BASE}/api/v1/check/${id}?gate=station`, { headers: { Authorization: `Bearer ${token}` } })
    assert.equal(res.status, 200, `check ${id}`)
    const j = await res.json()
    assert.deepEqual(Object.keys(j).sort(), ['colour', 'gate', 'hours', 'reason'], 'a colour and a reason, never a name')
  }
  await page.goto(`${BASE}/gates`)
  await page.waitForSelector(`[data-table=gates] tbody tr[data-key="${gateName}/station"]`, { timeout: T })
  const today = await shown(page)
  assert.equal(today[`${gateName}/station`][0], ids.length, 'today: the checks just made')
  /* the rate counts the last whole minute: the checks show there once their minute has passed */
  const rate = await page.textContent(`[data-table=gates] tr[data-key="${gateName}/station"] td[data-col=per_minute]`)
  assert.ok(num(rate) === 0 || num(rate) === ids.length, `the last minute's rate: ${rate}`)
  await shot(page, 'gates-today')

  /* a viewer of 榆次区 sees its county's gate only */
  const vpage = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(vpage, viewerName, viewerPass)
  await vpage.goto(`${BASE}/gates?date=${DAY}`)
  await vpage.waitForSelector('[data-table=gates] tbody tr[data-key]', { timeout: T })
  const vs = Object.keys(await shown(vpage))
  const inCounty = byGate.filter((r) => r.region.startsWith('140702')).map(key)
  assert.deepEqual(vs.sort(), inCounty.sort(), 'the viewer sees the gates of its county')
})
