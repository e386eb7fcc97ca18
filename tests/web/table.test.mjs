// SPDX-License-Identifier: MIT
// The tables page and sort (DataTable.vue), run by tests/e2e/68-web-table.sh: a persons file with
// FK_BAD_ROWS bad rows is dropped on the Import page; its rejects table must show 50 rows a page,
// the pager's total and page count must be the rejects' number, the next page must start at the
// 51st line, and sorting by line must put the last line first; the rows copied out of a page are
// the file's own lines.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { run, need, nav, signIn, shot, cells, log, T, adminName, adminPass } from './lib.mjs'

const BADFILE = need('FK_BADFILE')
const bad = Number(need('FK_BAD_ROWS'))

await run(async (browser, newPage) => {
  const page = await newPage()
  await signIn(page, adminName, adminPass)
  await nav(page, 'import')
  await page.waitForSelector('[data-drop]')
  await page.selectOption('[data-import-type]', 'persons')
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer()
    d.items.add(new File([text], 'persons-bad.csv', { type: 'text/csv' }))
    return d
  }, fs.readFileSync(BADFILE, 'utf8'))
  await page.dispatchEvent('[data-drop]', 'drop', { dataTransfer: dt })
  await page.waitForSelector('[data-file]')
  await page.click('[data-upload]')
  await page.waitForSelector('[data-table=rejects] tbody tr[data-key]', { timeout: T })

  const pages = Math.ceil(bad / 50)
  assert.equal(await page.getAttribute('[data-table=rejects]', 'data-rows'), String(bad), 'every reject is in the table')
  assert.deepEqual(await cells(page, 'rejects', 'line'), Array.from({ length: 50 }, (_, i) => String(i + 2)), 'page 1: lines 2..51')
  assert.equal((await page.textContent('[data-pager] [data-page]')).trim(), `第 1 / ${pages} 页`)
  assert.ok((await page.textContent('[data-pager]')).includes(`共 ${bad} 条`), 'the pager gives the total')
  await shot(page, 'rejects-page1')

  await page.click('[data-page-next]')
  assert.equal((await cells(page, 'rejects', 'line'))[0], '52', 'page 2 starts at the 51st reject')
  assert.equal((await page.textContent('[data-pager] [data-page]')).trim(), `第 2 / ${pages} 页`)

  await page.click('[data-table=rejects] th[data-sort-col=line]') /* ascending: back to page 1 */
  await page.click('[data-table=rejects] th[data-sort-col=line]') /* descending */
  assert.equal(await page.getAttribute('[data-table=rejects] th[data-sort-col=line]', 'aria-sort'), 'descending')
  const lines = await cells(page, 'rejects', 'line')
  assert.equal(lines[0], String(bad + 1), 'sorted by line, last first')
  assert.equal(lines.length, 50)
  assert.equal((await page.textContent('[data-pager] [data-page]')).trim(), `第 1 / ${pages} 页`, 'sorting starts at page 1')
  await shot(page, 'rejects-sorted')
  log(`${bad} rejects: ${pages} pages of 50, next page and sort by line checked`)
})
