// SPDX-License-Identifier: MIT
// Browser test of finding anyone (tests/e2e/63-web-person.sh starts the server and runs this): the
// top bar's search finds the person the script picked from persons.csv by each key (the whole ID
// number, its last 6, the name, the phone and its last 4) and opens their page, whose samples,
// control orders and tests are those of `fangkong person --format json` (asked here through the
// CLI); a viewer of 140702 finds nobody of another county, and their page is "not found".
// Screenshots of the dropdown and the page in Chinese and English.
//
// Environment: as every browser test (web-lib.sh's web_node), and FK_PICK, FK_PICK_NAME,
// FK_PICK_PHONE (the person), FK_OTHER (a person of 140703).
import assert from 'node:assert/strict'
import { run, need, cli, signIn, shot, setLang, log, T, BASE, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const PICK = need('FK_PICK')
const OTHER = need('FK_OTHER')
const keys = [
  ['id', PICK],
  ['last6', PICK.slice(-6)],
  ['name', need('FK_PICK_NAME')],
  ['phone', need('FK_PICK_PHONE')],
  ['last4', need('FK_PICK_PHONE').slice(-4)],
]

/* The CLI's page of the person: the independent answer the page must show. */
const want = JSON.parse(cli('person', PICK, '--format', 'json', '--profile', need('FK_PROFILE')))

/* Types q into the top bar's search and waits for its answer in the dropdown. */
async function search(page, q) {
  await page.fill('[data-search]', '')
  await page.fill('[data-search]', q)
  await page.waitForFunction(
    (want) => {
      const d = document.querySelector('[data-search-results]')
      return d && (d.querySelector(`[data-hit="${want}"]`) || /没有找到|Nobody/.test(d.textContent))
    },
    PICK,
    { timeout: T },
  )
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()))

async function checkPage(page) {
  await page.waitForSelector(`[data-person-id]`, { timeout: T })
  assert.equal((await page.textContent('[data-person-id]')).trim(), PICK, 'the page is the pick')
  const tubes = await texts(page, '[data-table="person-samples"] tbody td[data-col=tube]')
  assert.deepEqual(tubes.sort(), want.samples.map((s) => s.tube).sort(), 'the samples are the CLI\'s')
  const orders = await page.$$('[data-table="person-controls"] tbody tr[data-key]')
  assert.equal(orders.length, want.controls.length, 'the control orders are the CLI\'s')
  assert.ok(want.controls.length > 0, 'the pick is under control')
  const tests = await page.$$('[data-table="person-tests"] tbody tr[data-key]')
  assert.equal(tests.length, want.tests.length, 'the regime\'s tests are the CLI\'s')
}

await run(async (browser, newPage) => {
  const page = await newPage()
  await signIn(page, adminName, adminPass)
  log('signed in as admin')

  for (const [key, q] of keys) {
    await search(page, q)
    assert.ok(await page.$(`[data-hit="${PICK}"]`), `search by ${key} (${q}) finds ${PICK}`)
    if (key === 'name') await shot(page, '01-search-zh', false)
    if (key === 'id') await page.press('[data-search]', 'Enter')
    else await page.click(`[data-hit="${PICK}"]`)
    await page.waitForURL(new RegExp(`/person/${PICK}$`), { timeout: T })
    await checkPage(page)
    log(`found by ${key}: ${q}`)
  }
  if (want.contact.length) await page.waitForSelector('[data-explain] li', { timeout: T })
  await shot(page, '02-person-zh')
  /* A half-typed number asks nothing and says what to type. */
  await page.fill('[data-search]', '14070')
  await page.waitForSelector('[data-search-results] .msg', { timeout: T })
  await page.setViewportSize({ width: 1920, height: 1000 })
  await setLang(page, 'en')
  await search(page, keys[2][1])
  await shot(page, '03-search-en', false)
  await page.click(`[data-hit="${PICK}"]`)
  await checkPage(page)
  assert.ok((await page.textContent('[data-block=registry] h2')).includes('Registry'), 'English page')
  await shot(page, '04-person-en')
  await setLang(page, 'zh')
  await page.setViewportSize({ width: 1280, height: 900 })

  // ---- the ID numbers of the lists link to the person page (the alerts list here)
  await page.goto(`${BASE}/alerts`)
  await page.waitForSelector('[data-table=alerts] [data-person-link]', { timeout: T })
  const linked = await page.getAttribute('[data-table=alerts] [data-person-link]', 'data-person-link')
  await page.click('[data-table=alerts] [data-person-link]')
  await page.waitForURL(new RegExp(`/person/${linked}$`), { timeout: T })
  await page.waitForSelector('[data-person-id]', { timeout: T })
  assert.equal((await page.textContent('[data-person-id]')).trim(), linked, 'the alert\'s person')
  log(`alerts link to ${linked}`)

  // ---- a viewer of 140702: nobody of 140703 is found, and their page is not found
  await page.goto(`${BASE}/`)
  await page.click('[data-signout]')
  await page.waitForURL(/\/login/, { timeout: T })
  await signIn(page, viewerName, viewerPass)
  await page.fill('[data-search]', OTHER)
  await page.waitForFunction(() => /没有找到/.test(document.querySelector('[data-search-results]')?.textContent || ''), null, { timeout: T })
  assert.equal(await page.$(`[data-hit="${OTHER}"]`), null, 'the viewer does not find a person of 140703')
  await page.goto(`${BASE}/person/${OTHER}`)
  await page.waitForSelector('.errorbox[data-status="404"]', { timeout: T })
  await shot(page, '05-viewer-not-found-zh')
  await search(page, PICK)
  assert.ok(await page.$(`[data-hit="${PICK}"]`), 'the viewer finds a person of 140702')
  log('viewer: 140703 out of sight')

})
