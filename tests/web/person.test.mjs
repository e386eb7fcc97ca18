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
import { chromium } from 'playwright-core'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const need = (k) => {
  const v = process.env[k]
  if (!v) throw new Error(`set ${k}`)
  return v
}
const BASE = need('FK_URL').replace(/\/$/, '')
const SHOTS = need('FK_SHOTS')
const [adminName, adminPass] = need('FK_ADMIN').split(':')
const [viewerName, viewerPass] = need('FK_VIEWER').split(':')
const PICK = need('FK_PICK')
const OTHER = need('FK_OTHER')
const keys = [
  ['id', PICK],
  ['last6', PICK.slice(-6)],
  ['name', need('FK_PICK_NAME')],
  ['phone', need('FK_PICK_PHONE')],
  ['last4', need('FK_PICK_PHONE').slice(-4)],
]
const T = 15000

/* The CLI's page of the person: the independent answer the page must show. */
const cli = JSON.parse(
  execFileSync(need('FANGKONG'), ['person', PICK, '--format', 'json', '--profile', need('FK_PROFILE')], {
    env: { ...process.env, FANGKONG_DB: need('FANGKONG_DB') },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString(),
)

fs.mkdirSync(SHOTS, { recursive: true })
const t0 = Date.now()
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
})
const pageErrors = []
let failed = false

async function shot(page, name, fullPage = true) {
  const file = path.join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage })
  log(`screenshot ${file}`)
}

async function signIn(page, name, password) {
  await page.goto(`${BASE}/login`)
  await page.waitForSelector('form.login', { timeout: T })
  await page.fill('input[name=name]', name)
  await page.fill('input[name=password]', password)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('[data-kpi=coverage]', { timeout: T })
}

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
  assert.deepEqual(tubes.sort(), cli.samples.map((s) => s.tube).sort(), 'the samples are the CLI\'s')
  const orders = await page.$$('[data-table="person-controls"] tbody tr[data-key]')
  assert.equal(orders.length, cli.controls.length, 'the control orders are the CLI\'s')
  assert.ok(cli.controls.length > 0, 'the pick is under control')
  const tests = await page.$$('[data-table="person-tests"] tbody tr[data-key]')
  assert.equal(tests.length, cli.tests.length, 'the regime\'s tests are the CLI\'s')
}

try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.stack || e}`))
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
  if (cli.contact.length) await page.waitForSelector('[data-explain] li', { timeout: T })
  await shot(page, '02-person-zh')
  /* A half-typed number asks nothing and says what to type. */
  await page.fill('[data-search]', '14070')
  await page.waitForSelector('[data-search-results] .msg', { timeout: T })
  await page.setViewportSize({ width: 1920, height: 1000 })
  await page.click('.topbar [data-lang=en]')
  await search(page, keys[2][1])
  await shot(page, '03-search-en', false)
  await page.click(`[data-hit="${PICK}"]`)
  await checkPage(page)
  assert.ok((await page.textContent('[data-block=registry] h2')).includes('Registry'), 'English page')
  await shot(page, '04-person-en')
  await page.click('.topbar [data-lang=zh]')
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

  assert.deepEqual(pageErrors, [], 'no script errors in the pages')
  await context.close()
} catch (e) {
  failed = true
  console.error(e)
  for (const c of browser.contexts()) for (const p of c.pages()) await shot(p, '99-failed').catch(() => {})
  if (pageErrors.length) console.error('page errors:', pageErrors)
} finally {
  await browser.close()
}
log(failed ? 'FAILED' : 'all person checks passed')
process.exit(failed ? 1 : 0)
