// SPDX-License-Identifier: MIT
// Browser test of the 冷链追溯 page (tests/e2e/70-web-coldchain.sh starts the server and runs this):
// the batch list is `fangkong coldchain batches` (positive first), a batch's counts, chain of
// sites, persons and shared batches are `fangkong coldchain trace P1 --format json`'s, its graph
// has a node for the batch, each site, each person and each shared batch; the 管控 button asks
// first, then adds the registered persons (as many as `control list --category coldchain` has
// afterwards) and, pressed again, finds them already under control; the viewer of 140702 sees only
// the persons registered there, a note on the others, and no button. Screenshots in Chinese and
// English at 1280 and 1920 px; no page error and no CSP refusal.
//
// Environment (tests/e2e/web-lib.sh web_node): FK_URL, FK_SHOTS, FK_ADMIN, FK_VIEWER, CHROMIUM,
// FANGKONG, FANGKONG_DB.
import assert from 'node:assert/strict'
import { run, nav, cli, csvRows as csv, signIn, shot, setLang, cells, chartOption, log, BASE, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const batches = csv(cli('coldchain', 'batches'))
const trace = JSON.parse(cli('coldchain', 'trace', 'P1', '--format', 'json'))
assert.equal(batches[0].batch, 'P1', 'the positive batch comes first')
const registered = new Set(trace.persons.filter((p) => p.grid).map((p) => p.id_number))
const yuci = trace.persons.filter((p) => (p.grid || '').startsWith('140702'))
assert.ok(registered.size >= 3 && yuci.length >= 2 && yuci.length < trace.persons.length, 'the fixture has persons in and out of 140702')
log(`CLI: ${batches.length} batches; P1: ${trace.sites.length} sites, ${trace.persons.length} touches, ${trace.shared.length} shared`)

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  await nav(page, 'coldchain')
  await page.waitForSelector('[data-batches] [data-batch=P1]', { timeout: T })
  const listed = await cells(page, 'batches', 'batch')
  assert.equal(listed[0], 'P1', 'the page lists the positive batch first')
  assert.equal(listed.length, Math.min(15, batches.length), 'one page of the batches')
  assert.ok(await page.$('[data-batches] tbody tr:first-child [data-positive]'), 'P1 is marked positive')
  await shot(page, '01-list-zh-1280')

  await page.click('[data-batch=P1]')
  await page.waitForSelector('[data-summary] [data-count=sites]', { timeout: T })
  assert.equal(new URL(page.url()).searchParams.get('batch'), 'P1', 'the batch is in the address')
  for (const k of ['sites', 'persons', 'shared'])
    assert.equal(await page.textContent(`[data-count=${k}]`), String(trace.batch[k]), `the ${k} count`)
  assert.deepEqual(await cells(page, 'sites', 'site'), trace.sites.map((s) => s.site), 'the chain of sites in order')
  assert.deepEqual(await cells(page, 'persons', 'id_number'), trace.persons.map((p) => p.id_number), 'the persons, in time order')
  assert.deepEqual(await cells(page, 'shared', 'batch'), trace.shared.map((s) => s.batch), 'the shared batches')
  const g = await chartOption(page, 'coldgraph')
  const nodes = g.series[0].data.map((n) => n.name).sort()
  const want = ['b:P1', ...new Set(trace.sites.map((s) => 's:' + s.site)), ...new Set(trace.persons.map((p) => 'p:' + p.id_number)), ...new Set(trace.shared.map((s) => 'x:' + s.batch))].sort()
  assert.deepEqual(nodes, want, 'the graph: batch, sites, persons, shared batches')
  await shot(page, '02-trace-zh-1280')
  await page.setViewportSize({ width: 1920, height: 1080 })
  await shot(page, '03-trace-zh-1920')

  // 管控: a confirmation first; dismissed, nothing happens
  let asked = ''
  page.once('dialog', (d) => ((asked = d.message()), d.dismiss()))
  await page.click('[data-control]')
  await page.waitForFunction(() => true)
  assert.ok(asked.includes('P1'), `the confirmation names the batch: ${asked}`)
  assert.equal(csv(cli('control', 'list', '--category', 'coldchain')).length, 0, 'dismissed: nobody under control')
  page.once('dialog', (d) => d.accept())
  await page.click('[data-control]')
  await page.waitForSelector('[data-done]', { timeout: T })
  const added = csv(cli('control', 'list', '--category', 'coldchain')).length
  assert.equal(added, registered.size, 'the registered persons are under control')
  const first = await page.textContent('[data-done]')
  assert.ok(first.includes(`新纳入管控 ${registered.size} 人`) && first.includes('已在管控 0 人'), first)
  await shot(page, '04-controlled-zh-1920')
  page.once('dialog', (d) => d.accept())
  await page.click('[data-control]')
  await page.waitForFunction(() => /已在管控 [1-9]/.test(document.querySelector('[data-done]')?.textContent || ''), null, { timeout: T })
  assert.ok((await page.textContent('[data-done]')).includes(`已在管控 ${registered.size} 人`), 'again: already')

  await setLang(page, 'en')
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Cold chain', null, { timeout: T })
  await shot(page, '05-trace-en-1920')
  await page.setViewportSize({ width: 1280, height: 900 })
  await shot(page, '06-trace-en-1280')
  await setLang(page, 'zh')

  // the viewer of 140702: its residents only, a note on the rest, no button
  const viewer = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(viewer, viewerName, viewerPass)
  await viewer.goto(`${BASE}/coldchain?batch=P1`)
  await viewer.waitForSelector('[data-summary] [data-hidden]', { timeout: T })
  assert.deepEqual(await cells(viewer, 'persons', 'id_number'), yuci.map((p) => p.id_number), "the viewer's persons are 140702's")
  assert.equal(await viewer.$('[data-control]'), null, 'a viewer has no 管控 button')
  const text = await viewer.textContent('body')
  for (const p of trace.persons) if (!yuci.includes(p)) assert.ok(!text.includes(p.id_number), `${p.id_number} is not shown to the viewer`)
  await shot(viewer, '07-viewer-zh-1280')
  log('cold chain page: list, trace, graph, 管控 added then already, viewer cut to its scope')
})
