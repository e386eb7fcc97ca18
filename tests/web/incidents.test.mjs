// SPDX-License-Identifier: MIT
// 响应时限 (views/Incidents.vue), run by tests/e2e/76-web-incidents.sh: opened from the top bar's
// 指挥考核 menu, one row per case whose four timers carry the states of the CLI's `fangkong
// incident list` (met, open, missed: every state shows in the fixture); "only open" keeps the
// cases of `--open`; a case opens its timers and the close contacts of `incident contacts`; the
// event form records an activation that turns its timer met, as the CLI then says too; a viewer
// of 榆次区 sees its county's cases only and no form. Screenshots in both languages at 1280 and
// 1920 px.
import assert from 'node:assert/strict'
import { run, signIn, shot, cli, csvRows, setLang, nav, BASE, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const DEADLINES = ['onsite', 'activated', 'lock24', 'screen72']
/* {case: {deadline: state}} of the CLI's list */
const states = (rows) => {
  const out = {}
  for (const r of rows) (out[r.case] ??= {})[r.deadline] = r.state
  return out
}
/* The same as the page shows it. */
const shown = (page) => page.$$eval('[data-table=incidents] tbody tr[data-key]', (trs) => Object.fromEntries(trs.map((tr) => [
  tr.dataset.key,
  Object.fromEntries([...tr.querySelectorAll('[data-deadline]')].map((s) => [s.dataset.deadline, s.dataset.state])),
])))

const all = csvRows(cli('incident', 'list'))
const want = states(all)
const open = states(csvRows(cli('incident', 'list', '--open')))
const used = new Set(all.map((r) => r.state))
assert.ok(used.has('met') && used.has('missed'), `the fixture shows met and missed: ${[...used]}`)
assert.ok(Object.keys(open).length < Object.keys(want).length, 'the fixture has a case with every deadline met')

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  for (const lang of ['zh', 'en']) {
    await setLang(page, lang)
    await nav(page, 'incidents')
    await page.waitForSelector('[data-table=incidents] tbody tr[data-key]', { timeout: T })
    assert.deepEqual(await shown(page), want, `${lang}: every case's timers as the CLI's`)
    const colours = await page.$$eval('[data-table=incidents] .timer.missed', (s) => s.map((x) => getComputedStyle(x).color))
    assert.ok(colours.length > 0 && colours.every((c) => c === 'rgb(183, 28, 28)'), 'missed timers are red')
    await shot(page, `incidents-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `incidents-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* only open */
    await page.click('[data-open-only]')
    await page.waitForFunction((n) => document.querySelectorAll('[data-table=incidents] tbody tr[data-key]').length === n, Object.keys(open).length, { timeout: T })
    assert.deepEqual(await shown(page), open, `${lang}: only open as --open`)
    await page.click('[data-open-only]')
    await page.waitForFunction((n) => document.querySelectorAll('[data-table=incidents] tbody tr[data-key]').length === n, Object.keys(want).length, { timeout: T })
  }

  /* a case with close contacts: its timers and contacts */
  const withContacts = Object.keys(want).find((c) => csvRows(cli('incident', 'contacts', c)).length > 0)
  assert.ok(withContacts, 'a case of the fixture has close contacts')
  const contacts = csvRows(cli('incident', 'contacts', withContacts))
  await page.click(`[data-open="${withContacts}"]`)
  await page.waitForSelector('[data-case] [data-timer]', { timeout: T })
  assert.deepEqual(await page.$$eval('[data-case] [data-timer]', (d) => d.map((x) => x.dataset.timer)), DEADLINES, 'four timers')
  await page.waitForSelector('[data-table=incident-contacts] tbody tr[data-key]', { timeout: T })
  assert.equal(Number(await page.getAttribute('[data-table=incident-contacts]', 'data-rows')), contacts.length, 'the contacts behind lock24')
  assert.deepEqual(await page.$$eval('[data-table=incident-contacts] [data-ok]', (s) => s.map((x) => x.dataset.ok)), contacts.slice(0, 20).map((r) => r.ok), 'in time or not, as the CLI')
  await shot(page, 'incident-case-en')

  /* the event form: an activation 10 minutes after the start meets its timer */
  const late = Object.keys(want).find((c) => want[c].activated !== 'met')
  assert.ok(late, 'a case whose activation is not met')
  const start = all.find((r) => r.case === late).start
  const at = new Date(Date.parse(start) + 10 * 60000 + 8 * 3600000).toISOString().slice(0, 19)
  await page.click('[data-close-case]')
  await page.click(`[data-open="${late}"]`)
  await page.waitForSelector('[data-event-form]', { timeout: T })
  await page.selectOption('[data-event]', 'activated')
  await page.fill('[data-event-at]', at)
  await page.fill('[data-event-note]', '指挥部启动')
  await page.click('[data-event-save]')
  await page.waitForSelector('[data-event-saved]', { timeout: T })
  await page.waitForSelector(`[data-case] [data-timer=activated] [data-state=met]`, { timeout: T })
  const after = states(csvRows(cli('incident', 'list')))
  assert.equal(after[late].activated, 'met', 'the CLI sees the recorded activation')
  await setLang(page, 'zh')
  await shot(page, 'incident-recorded-zh')

  /* a viewer of 榆次区: its county's cases, no form */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await nav(v, 'incidents')
  await v.waitForSelector('[data-table=incidents] tbody tr[data-key]', { timeout: T })
  const mine = states(csvRows(cli('incident', 'list', '--region', '140702')))
  assert.deepEqual(Object.keys(await shown(v)).sort(), Object.keys(mine).sort(), 'the viewer sees its county\'s cases')
  assert.ok(Object.keys(mine).length < Object.keys(after).length, 'and not the others')
  await v.click(`[data-open="${Object.keys(mine)[0]}"]`)
  await v.waitForSelector('[data-case] [data-timer]', { timeout: T })
  assert.equal(await v.$('[data-event-form]'), null, 'no event form for a viewer')
  await shot(v, 'incidents-viewer-zh')
})
