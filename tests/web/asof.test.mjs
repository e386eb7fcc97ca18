// SPDX-License-Identifier: MIT
// Browser test of "as of" (历史回看; tests/e2e/62-web-asof.sh starts the server and runs this): the
// top bar's picker sets the time, a banner says so, the dashboard and the round page then show
// the CLI's numbers with --now, the address carries ?asof= (a shared link opens as of that time,
// in either language), and "back to now" restores the present. Screenshots in both languages.
//
// Environment: FK_URL, FK_SHOTS, FK_ADMIN ("name:password"), CHROMIUM, and FK_EXPECT: JSON of the
// CLI's coverage by city and by county, now ("now") and as of FK_EXPECT.time ("asof"; written by 62-web-asof.sh).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { run, need, signIn, shot, cells, log, pct, T, BASE, adminName, adminPass } from './lib.mjs'

const expect = JSON.parse(fs.readFileSync(need('FK_EXPECT'), 'utf8'))
const ASOF = expect.time

const asofInUrl = (page) => new URL(page.url()).searchParams.get('asof')

/* The dashboard shows the numbers of w ("now" or "asof"). */
async function dashboardIs(page, w) {
  const want = expect[w]
  await page.waitForFunction(
    (p) => (document.querySelector('[data-value=coverage]') || {}).textContent?.trim() === p,
    pct(want.city.coverage),
    { timeout: T },
  )
  const people = (await page.textContent('[data-value=people]')).replace(/[,\s]/g, '')
  assert.ok(people.includes(`${want.city.sampled}/${want.city.residents}`), `people (${w}): ${people}`)
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-table=level1] tbody td[data-col=sampled]').length === n,
    want.county.length,
    { timeout: T },
  )
  assert.deepEqual(await cells(page, 'level1', 'sampled'), want.county.map((r) => String(r.sampled)), `county sampled (${w})`)
}

await run(async (browser, newPage, watch) => {
  const page = await newPage()
  await signIn(page, adminName, adminPass)
  await dashboardIs(page, 'now')
  assert.equal(await page.$('[data-asof-banner]'), null, 'no banner at now')
  assert.notEqual(expect.now.city.sampled, expect.asof.city.sampled, 'the fixture differs between the two times')
  log('dashboard at now equals the CLI')

  // Pick the time: the banner, the address and the numbers follow.
  await page.click('[data-asof-open]')
  await page.fill('[data-asof]', ASOF)
  await page.waitForSelector('[data-asof-banner]', { timeout: T })
  assert.equal(
    (await page.textContent('[data-asof-banner] span')).trim(),
    `截至 ${ASOF.replace('T', ' ')}（历史回看）`,
    'the banner names the time',
  )
  await page.waitForFunction((a) => new URL(location.href).searchParams.get('asof') === a, ASOF, { timeout: T })
  await dashboardIs(page, 'asof')
  await shot(page, '01-dashboard-asof', false)
  log(`dashboard as of ${ASOF} equals the CLI with --now`)

  // The round page keeps the time and shows the counties as of then.
  await page.click('[data-nav=round]')
  await page.waitForSelector('[data-table=children] tbody tr', { timeout: T })
  assert.equal(asofInUrl(page), ASOF, 'the address keeps ?asof= across pages')
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-table=children] tbody td[data-col=sampled]').length === n,
    expect.asof.county.length,
    { timeout: T },
  )
  assert.deepEqual(await cells(page, 'children', 'sampled'), expect.asof.county.map((r) => String(r.sampled)), 'round page as of')
  await shot(page, '02-round-asof', false)
  log('round page as of the time equals the CLI')

  // A shared link opens as of its time, here in English.
  const other = watch(await page.context().newPage())
  await other.goto(`${BASE}/?asof=${encodeURIComponent(ASOF)}`)
  await other.waitForSelector('[data-asof-banner]', { timeout: T })
  await other.click('[data-asof-open]')
  assert.equal(await other.inputValue('[data-asof]'), ASOF, 'the picker shows the linked time')
  await other.click('[data-asof-open]')
  await dashboardIs(other, 'asof')
  await other.evaluate(() => localStorage.setItem('fk.lang', 'en'))
  await other.reload()
  await other.waitForFunction(
    (s) => document.querySelector('[data-asof-banner] span')?.textContent.trim() === s,
    `As of ${ASOF.replace('T', ' ')} (review)`,
    { timeout: T },
  )
  await dashboardIs(other, 'asof')
  await shot(other, '03-dashboard-asof-en', false)
  await other.evaluate(() => localStorage.setItem('fk.lang', 'zh'))
  await other.close()
  log('a shared link opens as of its time')

  // Back to now.
  await page.click('[data-asof-now]')
  await page.waitForFunction(() => !document.querySelector('[data-asof-banner]'), null, { timeout: T })
  assert.equal(asofInUrl(page), null, 'the address drops ?asof=')
  assert.equal(await page.inputValue('[data-asof]'), '', 'the picker is empty at now')
  await page.click('[data-nav=dashboard]')
  await dashboardIs(page, 'now')
  await shot(page, '04-dashboard-now', false)
  log('back to now restores the present')
})
