// SPDX-License-Identifier: MIT
// Browser test of one language at a time for reject reasons and errors (tests/e2e/72-web-rejects.sh
// writes the files and starts the server): the import page uploads one file per type it takes, each
// row rejected for a reason of its own; in Chinese each reason reads as its Chinese template
// (the piece expect.json names) and the rejects table holds no Latin word; in English it is the
// importer's English, as the CLI and the rejects file keep it. The error box reads in Chinese for
// a 400 (an empty file; an old .xls workbook, whose header is not text) and a 403 (a viewer asking
// for another county's grid), its hint too. Screenshots in Chinese and English, 1280 and 1920 px.
//
// Environment: as every browser test (web-lib.sh's web_node), and FK_EXPECT (the files and their
// reasons), FK_EMPTY (an empty CSV), FK_OLD (an .xls workbook named .xlsx), FK_OTHER_GRID (a grid
// outside the viewer's 140702).
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { run, need, nav, signIn, shot, setLang, log, T, BASE, adminName, adminPass, viewerName, viewerPass } from './lib.mjs'

const expect = JSON.parse(fs.readFileSync(need('FK_EXPECT'), 'utf8'))
const dir = path.dirname(need('FK_EXPECT'))

/* Latin words a Chinese page may show (tests/web/tour.test.mjs keeps the same list): file formats
 * and names; a word holding a digit is a code of the data. */
const ALLOWED = new Set(['CSV', 'Excel', 'xlsx', 'XLSX', 'GBK', 'API', 'fangkong', 'h', 'X', 'P90', 'ISO', 'English', adminName, viewerName])
const latin = (text) => [...new Set((text.match(/[A-Za-z][A-Za-z0-9_.\-]*/g) || []).map((w) => w.replace(/[.\-]+$/, '')).filter((w) => w && !/\d/.test(w) && !ALLOWED.has(w)))]

async function drop(page, name, bytes) {
  const dt = await page.evaluateHandle(
    ([n, b64]) => {
      const d = new DataTransfer()
      d.items.add(new File([Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))], n))
      return d
    },
    [name, bytes.toString('base64')],
  )
  await page.dispatchEvent('[data-drop]', 'drop', { dataTransfer: dt })
  await page.waitForFunction((n) => document.querySelector('[data-file]')?.textContent === n, name, { timeout: T })
}

const reasons = (page) =>
  page.$$eval('[data-table=rejects] tbody tr[data-key]', (trs) =>
    trs.map((tr) => [Number(tr.querySelector('td[data-col=line]').textContent.trim()), tr.querySelector('td[data-col=reason]').textContent.trim()]),
  )

/* The error box's text once it shows status. */
async function errorBox(page, status) {
  await page.waitForSelector(`.errorbox[data-status="${status}"]`, { timeout: T })
  return (await page.textContent('.errorbox')).trim()
}

await run(async (_browser, newPage) => {
  const page = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(page, adminName, adminPass)
  await nav(page, 'import')
  await page.waitForSelector('[data-drop]')

  for (const f of expect.filter((x) => x.page)) {
    await page.selectOption('[data-import-type]', f.type)
    await drop(page, f.file, fs.readFileSync(path.join(dir, f.file)))
    await page.click('[data-upload]')
    await page.waitForSelector('[data-summary]', { timeout: T })
    assert.equal((await page.textContent('[data-summary] [data-value=rejected]')).trim(), String(f.rows.length), `${f.type}: every row rejected`)
    await page.waitForFunction((n) => document.querySelectorAll('[data-table=rejects] tbody tr[data-key]').length === n, f.rows.length, { timeout: T })
    const zh = new Map(await reasons(page))
    for (const r of f.rows) {
      const got = zh.get(r.line)
      assert.ok(got && got.includes(r.zh), `${f.type} line ${r.line}: "${got}" does not read "${r.zh}"`)
    }
    const bad = latin(await page.textContent('[data-table=rejects]'))
    assert.deepEqual(bad, [], `${f.type}: Latin words in the Chinese rejects: ${bad.join(', ')}\n${[...zh.values()].join('\n')}`)
    if (f.type === 'regions' || f.type === 'persons') await shot(page, `${f.type}-zh-1280`)
    await setLang(page, 'en')
    await page.waitForFunction(
      (want) => {
        const td = [...document.querySelectorAll('[data-table=rejects] tbody td[data-col=reason]')]
        return td.length && want.every((w) => td.some((x) => x.textContent.includes(w)))
      },
      f.rows.map((r) => r.en),
      { timeout: T },
    )
    const en = new Map(await reasons(page))
    for (const r of f.rows) assert.ok(en.get(r.line).includes(r.en), `${f.type} line ${r.line} in English: "${en.get(r.line)}", not "${r.en}"`)
    if (f.type === 'regions') {
      await shot(page, `${f.type}-en-1280`)
      await page.setViewportSize({ width: 1920, height: 1000 })
      await shot(page, `${f.type}-en-1920`)
    }
    await setLang(page, 'zh')
    await page.waitForFunction((w) => document.querySelector('[data-table=rejects] tbody td[data-col=reason]')?.textContent.includes(w), f.rows[0].zh, { timeout: T })
    if (f.type === 'regions') {
      await shot(page, `${f.type}-zh-1920`)
      await page.setViewportSize({ width: 1280, height: 900 })
    }
    log(`${f.type}: ${f.rows.length} rejects read in Chinese and English`)
  }

  // ---- a 400: an empty file, then an old Excel workbook
  await page.selectOption('[data-import-type]', 'persons')
  await drop(page, 'empty.csv', fs.readFileSync(need('FK_EMPTY')))
  await page.click('[data-upload]')
  let box = await errorBox(page, 400)
  assert.ok(box.includes('上传的文件为空') && box.includes('请上传文件'), `empty upload: ${box}`)
  assert.deepEqual(latin(box), [], `Latin words in the error box: ${box}`)
  await shot(page, 'error-400-zh', false)
  await setLang(page, 'en')
  await page.waitForFunction(() => document.querySelector('.errorbox')?.textContent.includes('the upload is empty'), null, { timeout: T })
  await shot(page, 'error-400-en', false)
  await setLang(page, 'zh')
  await drop(page, 'old.xlsx', fs.readFileSync(need('FK_OLD')))
  await page.click('[data-upload]')
  box = await errorBox(page, 400)
  /* Uploaded without its name, an old workbook is read as text: its header is not UTF-8 (a
   * message whose reason is a message of its own, both in Chinese). */
  assert.ok(box.includes('无法读取表头：字段 1 第 1 字节起不是有效的 UTF-8 文本'), `old workbook: ${box}`)
  assert.deepEqual(latin(box), [], `Latin words in the error box: ${box}`)
  log(`400 in Chinese: ${box}`)

  // ---- a 403: a viewer of 140702 asks for a grid of 140703
  const v = await newPage({ viewport: { width: 1280, height: 900 } })
  await signIn(v, viewerName, viewerPass)
  const other = need('FK_OTHER_GRID')
  await v.goto(`${BASE}/round?region=${other}`)
  box = await errorBox(v, 403)
  assert.ok(box.includes(`区划 ${other} 超出您的管辖范围 140702`) && box.includes('请选择您管辖范围内的区划'), `403: ${box}`)
  assert.deepEqual(latin(box), [], `Latin words in the error box: ${box}`)
  await shot(v, 'error-403-zh', false)
  await setLang(v, 'en')
  await v.waitForFunction((g) => document.querySelector('.errorbox')?.textContent.includes(`region ${g} is outside your scope 140702`), other, { timeout: T })
  await shot(v, 'error-403-en', false)
  log(`403 in Chinese: ${box}`)
})
