// SPDX-License-Identifier: MIT
// Browser test of 疫苗接种 (tests/e2e/71-web-vaccination.sh starts the server): the coverage grid
// of county × age band holds the CLI's counts (`fangkong vaccination coverage`) with the 12+
// column highlighted; the catch-up per community holds the CLI's (`vaccination communities`);
// a community's list and its CSV download equal `vaccination catchup --region`; the push button
// records a push the table then shows with 0 vaccinated since; a county viewer sees its county
// only and no push button. Screenshots in Chinese and English at 1280 and 1920 px.
//
// Environment: as every browser test (tests/e2e/web-lib.sh), and FK_COMMUNITY.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, need, cli, csvRows, cells, signIn, shot, setLang, log, T, BASE, SHOTS, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const COMMUNITY = need('FK_COMMUNITY')

/* The grid's cells as {region: {band: [residents, full]}} */
async function grid(page) {
  return page.$$eval('[data-table=coverage] tbody tr[data-region]', (trs) => Object.fromEntries(trs.map((tr) => [
    tr.dataset.region,
    Object.fromEntries([...tr.querySelectorAll('td[data-band]')].map((td) => [td.dataset.band, [Number(td.dataset.residents), Number(td.dataset.full)]])),
  ])))
}

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)

  const cov = csvRows(cli('vaccination', 'coverage', '--by', 'county'))
  const want = {}
  for (const r of cov) (want[r.region] ??= {})[r.band] = [Number(r.residents), Number(r.full)]
  const coms = csvRows(cli('vaccination', 'communities'))
  const list = cli('vaccination', 'catchup', '--region', COMMUNITY)

  for (const lang of ['zh', 'en']) {
    await page.goto(`${BASE}/vaccination`)
    await setLang(page, lang)
    await page.waitForSelector('[data-table=coverage] tbody tr[data-region]', { timeout: T })
    assert.deepEqual(await grid(page), want, `${lang}: the coverage grid holds the CLI's counts`)
    const hl = await page.$$eval('[data-table=coverage] td.hl', (tds) => [...new Set(tds.map((td) => td.dataset.band))])
    assert.deepEqual(hl, ['12+'], 'only the 12+ column is highlighted')
    await page.waitForSelector('[data-table=communities] tbody tr[data-key]', { timeout: T })
    assert.equal(Number(await page.getAttribute('[data-table=communities]', 'data-rows')), coms.length, 'every community')
    await page.click('[data-table=communities] [data-sort-col=community]')
    const shown = await cells(page, 'communities', 'community')
    const onList = (await cells(page, 'communities', 'on_list')).map((s) => Number(s.replace(/\D/g, '')))
    const byCode = Object.fromEntries(coms.map((r) => [r.community, Number(r.on_list)]))
    shown.forEach((c, i) => assert.equal(onList[i], byCode[c], `on the list of ${c}`))
    await shot(page, `vaccination-${lang}-1280`)
    await page.setViewportSize({ width: 1920, height: 1000 })
    await shot(page, `vaccination-${lang}-1920`)
    await page.setViewportSize({ width: 1280, height: 900 })

    /* one community's list, as the CLI's, and its download */
    await page.goto(`${BASE}/vaccination?community=${COMMUNITY}`)
    await page.waitForSelector('[data-table=catchup] tbody tr[data-key]', { timeout: T })
    const rows = csvRows(list)
    assert.equal(Number(await page.getAttribute('[data-table=catchup]', 'data-rows')), rows.length, 'the whole list')
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.click('[data-list] [data-download=csv]')])
    const file = path.join(SHOTS, `catchup-${lang}.csv`)
    await dl.saveAs(file)
    assert.equal(fs.readFileSync(file, 'utf8'), list, 'the download equals the CLI list')
    const first = await cells(page, 'catchup', 'id_number')
    assert.deepEqual(first, rows.slice(0, 50).map((r) => r.id_number), 'the first page in the CLI order')
    await shot(page, `catchup-${lang}`)
  }

  /* the push: the table shows when and how many */
  await page.click(`[data-push="${COMMUNITY}"]`)
  await page.waitForSelector('[data-pushed]', { timeout: T })
  await page.waitForFunction((c) => {
    const td = document.querySelector(`[data-table=communities] tr[data-key="${c}"] td[data-col=since]`)
    return td && /^0 \//.test(td.textContent.trim())
  }, COMMUNITY, { timeout: T })
  const after = csvRows(cli('vaccination', 'communities')).find((r) => r.community === COMMUNITY)
  assert.equal(after.pushed_by, adminName, 'the push is the admin\'s')
  assert.equal(Number(after.pushed_members), csvRows(list).length, 'the push holds the list')
  await shot(page, 'pushed-en')

  /* a county viewer: its county only, no push */
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  await v.goto(`${BASE}/vaccination`)
  await v.waitForSelector('[data-table=coverage] tbody tr[data-region]', { timeout: T })
  assert.deepEqual(Object.keys(await grid(v)), ['140702'], 'the viewer sees its county only')
  await v.waitForSelector('[data-table=communities] tbody tr[data-key]', { timeout: T })
  assert.equal(await v.$('[data-push]'), null, 'no push button for a viewer')
  const vc = await cells(v, 'communities', 'community')
  assert.ok(vc.length > 0 && vc.every((c) => c.startsWith('140702')), 'the viewer\'s communities')
  await shot(v, 'viewer-zh')
  log('vaccination: all checks passed')
})
