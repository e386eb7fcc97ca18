// SPDX-License-Identifier: MIT
// 包保责任 (views/Assign.vue), run by tests/e2e/77-web-assign.sh: opened from the top bar's 指挥考核
// menu, the page shows the gaps first — the persons at home lacking cadres and the regions
// without a leader, row for row the CLI's `fangkong assign gaps` — then the load per cadre as
// `fangkong assign load`; a cadre's name opens the cadre's list as `fangkong assign list PHONE`.
// Missing roles read as names in the language (医生, Doctor). A viewer of 榆次区 sees its county
// only. Screenshots at 1 280 and 1 920 px, Chinese and English.
import assert from 'node:assert/strict'
import { run, signIn, shot, cells, cli, csvRows, setLang, nav, BASE, T, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

/* The CLI's two-block answer ("# persons" … "# regions" …) as {persons, regions} of rows. */
function blocks(text, a, b) {
  const [first, second] = text.split(`\n# ${b}\n`)
  return { [a]: csvRows(first.replace(`# ${a}\n`, '')), [b]: csvRows(second || '') }
}

const gaps = blocks(cli('assign', 'gaps'), 'persons', 'regions')
const load = csvRows(cli('assign', 'load'))
assert.ok(gaps.persons.length >= 3, `the fixture has persons lacking cadres: ${gaps.persons.length}`)
assert.ok(gaps.persons.length <= 20 && gaps.regions.length <= 20, 'one page of each')
assert.ok(gaps.regions.some((r) => r.level === 'township') && gaps.regions.some((r) => r.level === 'grid'), 'a township and grids without a leader')
assert.ok(gaps.persons.some((p) => p.missing.includes('doctor')), 'someone lacks a doctor')
const keys = (page, table) => page.$$eval(`[data-table="${table}"] tbody tr[data-key]`, (trs) => trs.map((tr) => tr.dataset.key))

await run(async (browser, newPage) => {
  for (const width of [1280, 1920]) {
    const page = await newPage({ viewport: { width, height: 900 } })
    await signIn(page, adminName, adminPass)
    for (const lang of ['zh', 'en']) {
      await setLang(page, lang)
      await nav(page, 'assign')
      await page.waitForSelector('[data-table="assign-load"] tbody tr[data-key]', { timeout: T })
      await page.waitForSelector('[data-table="assign-gaps"] tbody tr[data-key]', { timeout: T })
      /* the gaps come first on the page, then the load */
      const [gy, ly] = await Promise.all([
        page.$eval('[data-gaps]', (e) => e.getBoundingClientRect().top),
        page.$eval('[data-load]', (e) => e.getBoundingClientRect().top),
      ])
      assert.ok(gy < ly, 'the gaps are above the load')
      assert.deepEqual(await keys(page, 'assign-gaps'), gaps.persons.map((p) => p.id_number), 'persons lacking cadres, in the CLI\'s order')
      const missing = await page.$$eval('[data-missing]', (s) => s.map((x) => [x.dataset.missing, x.textContent.trim()]))
      assert.deepEqual(missing.map((m) => m[0]), gaps.persons.map((p) => p.missing), 'missing roles as the CLI')
      const doctor = lang === 'zh' ? '医生' : 'Doctor'
      for (const [codes, text] of missing) assert.equal(text.includes(doctor), codes.includes('doctor'), `roles by name: ${text}`)
      assert.deepEqual(await keys(page, 'assign-regions'), gaps.regions.map((r) => r.region), 'regions without a leader')
      assert.equal(await page.$eval('[data-count=persons]', (e) => e.textContent.trim()), String(gaps.persons.length))
      assert.deepEqual(await keys(page, 'assign-load'), load.slice(0, 20).map((c) => `${c.phone}|${c.cadre}`), 'the load in the CLI\'s order')
      assert.deepEqual(await cells(page, 'assign-load', 'persons'), load.slice(0, 20).map((c) => c.persons), 'persons per cadre')
      await shot(page, `assign-${lang}-${width}`)

      /* a cadre's list: the first cadre who looks after someone */
      const c = load.find((x) => Number(x.persons) > 0)
      const list = blocks(cli('assign', 'list', c.phone), 'regions', 'persons')
      await page.click(`[data-open="${c.phone}"]`)
      await page.waitForSelector('[data-table="assign-cadre-persons"] tbody tr[data-key]', { timeout: T })
      assert.deepEqual(await keys(page, 'assign-cadre-persons'), list.persons.map((p) => `${p.role}|${p.id_number}`), 'the cadre\'s persons')
      assert.deepEqual(await page.$$eval('[data-control]', (s) => s.map((x) => x.dataset.control)), list.persons.map((p) => p.control), 'their control now')
      assert.ok(page.url().includes(`cadre=${c.phone}`), 'the open cadre is in the address')
      await shot(page, `assign-cadre-${lang}-${width}`)
      await page.click('[data-close-cadre]')
      await page.waitForSelector('[data-cadre]', { state: 'detached', timeout: T })
    }
    await page.close()
  }

  /* a viewer of 榆次区: persons and regions of 140702 only, as the CLI says for the account */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/assign`)
  await v.waitForSelector('[data-table="assign-load"] tbody tr[data-key]', { timeout: T })
  const mine = blocks(cli('assign', 'gaps', '--as', viewerName), 'persons', 'regions')
  assert.deepEqual(await keys(v, 'assign-gaps'), mine.persons.map((p) => p.id_number), 'the viewer\'s gaps')
  assert.deepEqual(await keys(v, 'assign-regions'), mine.regions.map((r) => r.region), 'the viewer\'s regions')
  assert.ok(mine.regions.every((r) => r.region.startsWith('140702')), 'the county only')
  await shot(v, 'assign-viewer')
})
