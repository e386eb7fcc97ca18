// SPDX-License-Identifier: MIT
// 采样台 (views/Sample.vue), run by tests/e2e/97-web-sample.sh on a phone-sized page: a sampler
// signs in and lands on /sample; three members of a 10:1 tube are checked by the server (a
// resident of the area) and sent; a wrong check digit and the same ID twice are refused on the
// phone; then the server is killed (SIGKILL) mid-tube, and sampling goes on: seven more members,
// each checked by its check digit only, counted as unsent, the tube full at ten (the ID box
// closed), a second tube begun. The server is started again and every entry arrives: unsent 0,
// sent 11. A reload with the server away opens the page from the service worker, with the
// queue and the tube as they were. The phone's queue is then marked unsent and sent again, as a phone that lost the
// server's answer would: the server takes it as duplicates (the e2e script checks the export
// holds each entry once). Screenshots in Chinese and English at 412 px.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { run, shot, need, log, BASE, T } from './lib.mjs'

const [name, password] = need('FK_SAMPLER').split(':')
const ids = fs.readFileSync(need('FK_SAMPLE_IDS'), 'utf8').trim().split('\n')
assert.equal(ids.length, 11, 'eleven unsampled residents of the grid')
let serverPid = Number(need('FK_SERVER_PID'))

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim())
const num = async (page, sel) => Number(await text(page, sel))
const waitNum = (page, sel, n) => page.waitForFunction(([s, k]) => Number(document.querySelector(s)?.textContent.trim()) === k, [sel, n], { timeout: T })

async function addId(page, id) {
  await page.fill('input[name=id]', id)
  await page.click('[data-add]')
}

/* Adds id and waits until the tube lists it. */
async function addMember(page, id) {
  await addId(page, id)
  await page.waitForSelector(`[data-member="${id}"]`, { timeout: T })
}

/* The server again, as the e2e script started it; its pid for the script's clean-up. */
async function startServer() {
  const out = fs.openSync(need('FK_SERVE_LOG'), 'a')
  const port = new URL(BASE).port
  const p = spawn(need('FANGKONG'), ['serve', '--port', port, '--web', need('FK_WEB'), '--profile', need('FK_PROFILE')], {
    env: process.env,
    stdio: ['ignore', out, out],
  })
  serverPid = p.pid
  fs.writeFileSync(need('FK_RESTARTED_PID'), String(p.pid))
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${BASE}/api/v1/me`)
      if (r.status) return
    } catch {
      /* not yet */
    }
    await new Promise((ok) => setTimeout(ok, 50))
  }
  throw new Error('the server did not come back')
}

await run(async (browser, newPage) => {
  const page = await newPage({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true })
  await page.goto(`${BASE}/`)
  await page.waitForSelector('form.login', { timeout: T })
  await page.fill('input[name=name]', name)
  await page.fill('input[name=password]', password)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('.sample-page', { timeout: T })
  assert.ok(page.url().endsWith('/sample'), `a sampler lands on the sampling page: ${page.url()}`)

  await page.fill('input[name=site]', 'SITE-T9')
  await page.selectOption('select[name=pool]', '10')
  await page.fill('input[name=tube]', 'TW0001')
  await page.click('[data-new-tube]')
  await page.waitForSelector('[data-tube][data-code=TW0001]', { timeout: T })

  /* Online: checked by the server and sent. */
  for (const id of ids.slice(0, 3)) await addMember(page, id)
  for (const id of ids.slice(0, 3)) await page.waitForSelector(`[data-member="${id}"] [data-check=ok]`, { timeout: T })
  await waitNum(page, '[data-sent]', 3)
  assert.equal(await num(page, '[data-unsent]'), 0)
  /* Refused on the phone: a wrong check digit, the same ID twice. */
  const last = ids[3][17]
  const bad = ids[3].slice(0, 17) + (last === 'X' ? '0' : last === '9' ? 'X' : String(Number(last) + 1))
  await addId(page, bad)
  await page.waitForSelector('[data-problem]', { timeout: T })
  assert.match(await text(page, '[data-problem]'), /校验位/)
  assert.equal(await page.inputValue('input[name=id]'), bad, 'a refused number stays in the box to be corrected')
  await addId(page, ids[0])
  await page.waitForFunction((id) => document.querySelector('[data-problem]')?.textContent.includes(id), ids[0], { timeout: T })
  assert.match(await text(page, '[data-problem]'), new RegExp(`${ids[0]}.*TW0001`))
  assert.equal(Number(await page.getAttribute('[data-tube]', 'data-count')), 3)

  /* the service worker holds the page before the network goes: a reload without it opens */
  assert.ok(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).active), 'a service worker')

  /* The server goes away mid-tube. */
  process.kill(serverPid, 'SIGKILL')
  log('server killed')
  /* as fast as a scanner: each number typed before the one before it is stored */
  for (const id of ids.slice(3, 10)) await addId(page, id)
  for (const id of ids.slice(3, 10)) await page.waitForSelector(`[data-member="${id}"]`, { timeout: T })
  await page.waitForSelector('[data-online][data-value="0"]', { timeout: T })
  await waitNum(page, '[data-unsent]', 7)
  for (const id of ids.slice(3, 10)) await page.waitForSelector(`[data-member="${id}"] [data-check=offline]`, { timeout: T })
  await page.waitForSelector('[data-tube][data-full="1"] [data-full-note]', { timeout: T })
  assert.ok(await page.$eval('input[name=id]', (e) => e.disabled), 'a full tube takes no more')
  await shot(page, 'sample-zh-412-offline')
  await page.fill('input[name=tube]', 'TW0002')
  await page.click('[data-new-tube]')
  await page.waitForSelector('[data-tube][data-code=TW0002]', { timeout: T })
  await addMember(page, ids[10])
  await waitNum(page, '[data-unsent]', 8)
  assert.equal(await num(page, '[data-sent]'), 3)
  /* The phone reloads the page with the server still away: the service worker opens it, as the
   * sampler who signed in, with the queue and the tube as they were. */
  await page.reload()
  await page.waitForSelector('.sample-page', { timeout: T })
  await page.waitForSelector('[data-tube][data-code=TW0002]', { timeout: T })
  await waitNum(page, '[data-unsent]', 8)
  assert.equal(await num(page, '[data-sent]'), 3)
  assert.ok(page.url().endsWith('/sample'), `still the sampling page offline: ${page.url()}`)
  await shot(page, 'sample-zh-412-reloaded-offline')

  /* The server is back: everything arrives. */
  await startServer()
  log('server started again')
  await waitNum(page, '[data-unsent]', 0)
  await waitNum(page, '[data-sent]', 11)
  await page.waitForSelector('[data-online][data-value="1"]', { timeout: T })
  assert.equal(await num(page, '[data-rejected]'), 0)
  /* checked offline, checked by the server once it answers */
  await page.waitForSelector(`[data-member="${ids[10]}"] [data-check=ok]`, { timeout: T })
  await shot(page, 'sample-zh-412')

  /* A phone that lost the answers sends everything again: duplicates, all sent. */
  await page.evaluate(async (account) => {
    const req = indexedDB.open(`fangkong-sampling-${account}`)
    const db = await new Promise((ok, no) => { req.onsuccess = () => ok(req.result); req.onerror = () => no(req.error) })
    const tx = db.transaction('entries', 'readwrite')
    const all = await new Promise((ok) => { const r = tx.objectStore('entries').getAll(); r.onsuccess = () => ok(r.result) })
    for (const e of all) tx.objectStore('entries').put({ ...e, state: 'unsent' })
    await new Promise((ok) => { tx.oncomplete = ok })
    db.close()
  }, name)
  await page.reload()
  await page.waitForSelector('.sample-page', { timeout: T })
  await waitNum(page, '[data-unsent]', 0)
  await waitNum(page, '[data-sent]', 11)
  assert.equal(await num(page, '[data-rejected]'), 0)

  await page.click('[data-lang=en]')
  await page.waitForSelector('[data-tube][data-code=TW0002]', { timeout: T })
  await shot(page, 'sample-en-412')
  log('sampling: 11 entries, 8 of them sampled while the server was away, all arrived')
})
