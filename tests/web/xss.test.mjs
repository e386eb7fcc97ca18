// SPDX-License-Identifier: MIT
// Browser test: nothing in the data runs as script (tests/e2e/61-web-xss.sh imports a city whose
// names are markup and runs this). playwright-core drives Debian's chromium through every page of
// the UI, hovers every chart (the mouse across it, then ECharts' own showTip on every item, which
// builds the tooltip exactly as a hover does) and fails on any dialog, console error (a CSP
// violation is one), script error, request the payload makes (anything but the UI's files and the
// API of this server), or element the payload planted. It also checks that the session token is
// in an HttpOnly, SameSite=Strict cookie and nowhere page script can read it (localStorage,
// sessionStorage, document.cookie), that a cookie-signed POST without X-Fangkong-CSRF is refused
// with 403, and that signing out ends the session. Saves a screenshot of every page.
//
// Environment: FK_URL (the server), FK_SHOTS (screenshot folder), FK_ADMIN ("name:password"),
// FK_BADFILE (a persons CSV whose rejected row is made of payloads), CHROMIUM.
import { chromium } from 'playwright-core'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { nav } from './nav.mjs'

const need = (k) => {
  const v = process.env[k]
  if (!v) throw new Error(`set ${k}`)
  return v
}
const BASE = need('FK_URL').replace(/\/$/, '')
const ORIGIN = new URL(BASE).origin
const SHOTS = need('FK_SHOTS')
const [adminName, adminPass] = need('FK_ADMIN').split(':')
const BADFILE = need('FK_BADFILE')
const T = 15000 /* ms for one thing to appear */
const PAYLOAD = '<img src=x onerror=alert(1)>' /* one of the names 61-web-xss.sh imports */
const PAGES = new Set(['/', '/login', '/screen', '/round', '/cases', '/control', '/regime', '/alerts', '/arrivals', '/import', '/users'])

fs.mkdirSync(SHOTS, { recursive: true })
const t0 = Date.now()
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`)

/* What went wrong, all of it, so one run names every hole. */
const findings = []
const found = (what) => {
  findings.push(what)
  log(`FOUND ${what}`)
}
let tipsWithPayload = 0

/* Every way a payload shows that it ran, or fetched, on page p. */
function watch(p) {
  p.on('dialog', (d) => {
    found(`a ${d.type()} dialog "${d.message()}" on ${p.url()}`)
    d.dismiss().catch(() => {})
  })
  p.on('console', (m) => {
    if (m.type() === 'error') found(`console error on ${p.url()}: ${m.text()}`)
  })
  p.on('pageerror', (e) => {
    /* the first frames say where: a script error is the UI's bug or the payload running */
    const at = String(e.stack || '').split('\n').slice(1, 4).map((l) => l.trim()).join(' | ')
    found(`script error on ${p.url()}: ${e.message}${at ? ` (${at})` : ''}`)
  })
  p.on('request', (req) => {
    const u = new URL(req.url())
    const ours =
      u.origin === ORIGIN &&
      (u.pathname.startsWith('/api/v1/') ||
        u.pathname.startsWith('/assets/') ||
        u.pathname === '/favicon.svg' ||
        /* the service worker (vite-plugin-pwa's build output), its registration and its precache */
        u.pathname === '/registerSW.js' ||
        u.pathname === '/sw.js' ||
        /^\/workbox-[0-9a-f]+\.js$/.test(u.pathname) ||
        u.pathname === '/index.html' ||
        (req.resourceType() === 'document' && PAGES.has(u.pathname)))
    if (!ours && u.protocol !== 'blob:') found(`a ${req.resourceType()} request to ${req.url()} from ${p.url()}`)
  })
}

/* Elements or attributes no page of the UI has, which a payload parsed as HTML plants. */
async function nothingPlanted(p, where) {
  const planted = await p.evaluate(() =>
    [
      ...document.querySelectorAll(
        'body img, body iframe, body object, body embed, body script, body svg, ' +
          '[onerror], [onload], [onmouseover], [ontoggle], a[href^="javascript:"], a[href*="attacker"]',
      ),
    ].map((e) => e.outerHTML.slice(0, 160)),
  )
  for (const e of planted) found(`${where}: the page holds ${e}`)
}

async function shot(p, name, fullPage = true) {
  const file = path.join(SHOTS, `${name}.png`)
  await p.screenshot({ path: file, fullPage })
  log(`screenshot ${file}`)
}

/* Hovers every drawn chart on p: the mouse across its middle, then every item (up to 80 per
 * series; graph edges too) through showTip. Returns the tooltip texts shown. */
async function hoverCharts(p, where) {
  await p.waitForTimeout(0)
  const names = await p.$$eval('[data-chart][data-ready]', (els) => els.map((e) => e.dataset.chart))
  assert.ok(names.length > 0, `${where}: a chart to hover`)
  const texts = []
  for (const name of names) {
    const sel = `[data-chart="${name}"][data-ready]`
    await p.$eval(sel, (el) => el.scrollIntoView({ block: 'center' }))
    const box = await p.$eval(sel, (el) => {
      const r = el.getBoundingClientRect()
      return { x: r.x, y: r.y, w: r.width, h: r.height }
    })
    for (let k = 1; k < 16; k++) await p.mouse.move(box.x + (box.w * k) / 16, box.y + box.h * 0.55)
    const tips = await p.$eval(sel, (el) => {
      const c = el.__chart
      const o = c.getOption()
      const out = []
      const tip = () => [...el.children].slice(1).map((d) => d.textContent).join(' ')
      o.series.forEach((s, si) => {
        const n = Math.min((s.data || []).length, 80)
        for (let i = 0; i < n; i++) {
          c.dispatchAction({ type: 'showTip', seriesIndex: si, dataIndex: i })
          out.push(tip())
        }
        const m = Math.min((s.links || s.edges || []).length, 80)
        for (let i = 0; i < m; i++) {
          c.dispatchAction({ type: 'showTip', seriesIndex: si, dataIndex: i, dataType: 'edge' })
          out.push(tip())
        }
      })
      c.dispatchAction({ type: 'hideTip' })
      return out
    })
    texts.push(...tips)
    const withPayload = tips.filter((x) => x.includes(PAYLOAD)).length
    tipsWithPayload += withPayload
    log(`${where}: chart ${name}: ${tips.length} tooltips, ${withPayload} show ${PAYLOAD} as text`)
  }
  await p.mouse.move(1, 1)
  await nothingPlanted(p, where)
  return texts
}

/* Markup from the data is on the page as text: the page showed names with payloads, escaped. */
async function showsAsText(p, where) {
  const text = await p.evaluate(() => document.body.innerText)
  if (!/<(img|script|svg|iframe|a|details)[ >]/.test(text)) found(`${where}: the page shows no payload as text`)
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
let failed = false

try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  watch(page)

  // ---- sign in
  await page.goto(`${BASE}/`)
  await page.waitForSelector('form.login', { timeout: T })
  await page.fill('input[name=name]', adminName)
  await page.fill('input[name=password]', adminPass)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('[data-kpi=coverage]', { timeout: T })
  log('signed in')

  // ---- the token: in an HttpOnly, SameSite=Strict cookie, and nowhere script can read it
  const cookie = (await context.cookies(BASE)).find((c) => c.name === 'fk_session')
  if (!cookie) found('no fk_session cookie after sign-in')
  else {
    if (!cookie.httpOnly) found('the session cookie is not HttpOnly')
    if (cookie.sameSite !== 'Strict') found(`the session cookie is SameSite=${cookie.sameSite}, not Strict`)
    if (cookie.path !== '/') found(`the session cookie's path is ${cookie.path}`)
  }
  const readable = await page.evaluate(() => ({
    localStorage: JSON.stringify({ ...localStorage }),
    sessionStorage: JSON.stringify({ ...sessionStorage }),
    'document.cookie': document.cookie,
  }))
  for (const [where, text] of Object.entries(readable)) {
    if (/[0-9a-f]{64}/.test(text) || (cookie && text.includes(cookie.value))) found(`a session token in ${where}: ${text.slice(0, 200)}`)
  }
  log(`page script sees: ${JSON.stringify(readable)}`)

  // ---- dashboard
  await page.waitForSelector('[data-chart=level1][data-ready]', { timeout: T })
  await page.waitForSelector('[data-chart=level2][data-ready]', { timeout: T })
  await page.waitForSelector('[data-chart=hourly][data-ready]', { timeout: T })
  await hoverCharts(page, 'dashboard')
  await showsAsText(page, 'dashboard')
  await shot(page, 'x01-dashboard')
  /* the tooltip of a county named <img …>: its name as text */
  await page.$eval('[data-chart=level1]', (el) => {
    el.scrollIntoView({ block: 'center' })
    const c = el.__chart
    const i = c.getOption().xAxis[0].data.findIndex((n) => n.startsWith('<img'))
    c.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: Math.max(0, i) })
  })
  await shot(page, 'x01b-dashboard-tooltip', false)

  // ---- round: down from the city to a grid, every tab
  await nav(page, 'round')
  await page.waitForSelector('[data-table=children] tbody tr[data-key]', { timeout: T })
  for (let level = 0; level < 4; level++) {
    await page.waitForSelector('[data-chart=children][data-ready]', { timeout: T })
    await hoverCharts(page, `round level ${level}`)
    if (level === 1) await shot(page, 'x02-round')
    const code = await page.$eval('[data-table=children] [data-drill]', (a) => a.dataset.drill)
    await page.click(`[data-drill="${code}"]`)
    await page.waitForSelector(`[data-crumb="${code}"]`, { timeout: T })
  }
  await page.waitForSelector('[data-missing] [data-table=missing] tbody tr[data-key]', { timeout: T })
  await nothingPlanted(page, 'missing list')
  await showsAsText(page, 'missing list')
  await shot(page, 'x03-grid-missing')
  for (const [tab, rows] of [['below', '[data-table=below] tbody tr[data-key]'], ['retest', '[data-table=retest] tbody tr[data-key]'], ['overdue', '[data-table=overdue]'], ['tat', '[data-table=tat-site] tbody tr[data-key]']]) {
    await page.click(`[data-tab=${tab}]`)
    await page.waitForSelector(rows, { timeout: T })
    await nothingPlanted(page, `round tab ${tab}`)
  }
  await page.waitForSelector('[data-chart=funnel][data-ready]', { timeout: T })
  await page.waitForSelector('[data-table=tat-site] tbody tr[data-key]', { timeout: T })
  await hoverCharts(page, 'round tat')
  await showsAsText(page, 'round tat (sites)')
  await shot(page, 'x04-round-tat')

  // ---- cases: every case, its graph, its contacts and why
  await nav(page, 'cases')
  await page.waitForSelector('[data-case]', { timeout: T })
  const cases = await page.$$eval('[data-case]', (bs) => bs.map((b) => b.dataset.case))
  for (const c of cases) {
    await page.click(`[data-case="${c}"]`)
    await page.waitForSelector('[data-chart=graph][data-ready]', { timeout: T })
    await page.waitForSelector('[data-table=contacts] tbody tr[data-key]', { timeout: T })
    await hoverCharts(page, `case ${c}`)
  }
  /* The graph through a size it cannot draw into and back, as when its card is hidden, its column
   * collapses or the page is laid out anew for a full-page screenshot: no script error (ECharts
   * resized to nothing throws from the resize observer), and the chart follows the div again. */
  await page.$eval('[data-chart=graph]', async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()))
    el.style.display = 'none'
    await frame() /* the observer runs in the frame after this one's callbacks */
    await frame()
    el.style.display = ''
  })
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-chart=graph]')
      return el.clientWidth > 0 && el.__chart.getWidth() === el.clientWidth && el.__chart.getHeight() === el.clientHeight
    },
    null,
    { timeout: T },
  )
  log('cases: the graph hidden and shown again')
  await page.click('[data-table=contacts] [data-why]')
  await page.waitForSelector('[data-explain] li', { timeout: T })
  await showsAsText(page, 'cases')
  await nothingPlanted(page, 'cases')
  await shot(page, 'x05-cases')

  // ---- control: the summary and a list behind a count
  await nav(page, 'control')
  await page.waitForSelector('[data-table=summary] tbody tr[data-key]', { timeout: T })
  const key = await page.$eval('[data-table=summary] [data-count]', (e) => e.dataset.count)
  await page.click(`[data-count="${key}"]`)
  await page.waitForSelector(`[data-drill-list][data-loaded="${key}"]`, { timeout: T })
  await page.waitForSelector('[data-table=control-list] tbody tr[data-key]', { timeout: T })
  await nothingPlanted(page, 'control')
  await showsAsText(page, 'control')
  await shot(page, 'x06-control')

  // ---- regime board: the chart and a region's list
  await page.goto(`${BASE}/regime?date=2022-08-28`)
  await page.waitForSelector('[data-chart=regime][data-ready]', { timeout: T })
  await page.waitForSelector('[data-table=regime] tbody tr[data-key]', { timeout: T })
  await hoverCharts(page, 'regime')
  await page.click('[data-table=regime] [data-open]')
  await page.waitForSelector('[data-due-list] [data-table=due] tbody tr[data-key]', { timeout: T })
  await nothingPlanted(page, 'regime')
  await showsAsText(page, 'regime')
  await shot(page, 'x07-regime')

  // ---- alerts: the list and the acknowledge dialog, which names the person
  await nav(page, 'alerts')
  await page.waitForSelector('[data-table=alerts] tbody tr[data-key]', { timeout: T })
  await page.click('[data-table=alerts] [data-ack]')
  await page.waitForSelector('[data-dialog]', { timeout: T })
  await nothingPlanted(page, 'alert dialog')
  await showsAsText(page, 'alert dialog')
  await shot(page, 'x08-alerts', false)
  await page.click('[data-dialog] button[type=button]')
  await page.waitForSelector('[data-dialog]', { state: 'detached', timeout: T })

  // ---- arrivals and the back-check of a risk area
  await nav(page, 'arrivals')
  await page.waitForSelector('[data-table=arrivals] tbody tr[data-key]', { timeout: T })
  await page.fill('[data-area]', '110105')
  await page.click('[data-check]')
  await page.waitForSelector('[data-table=backcheck] tbody tr[data-key]', { timeout: T })
  await nothingPlanted(page, 'arrivals')
  await showsAsText(page, 'arrivals')
  await shot(page, 'x09-arrivals')

  // ---- import: a file whose rejected row is made of payloads
  await nav(page, 'import')
  await page.waitForSelector('[data-drop]')
  await page.selectOption('[data-import-type]', 'persons')
  const content = fs.readFileSync(BADFILE, 'utf8')
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer()
    d.items.add(new File([text], 'persons-bad.csv', { type: 'text/csv' }))
    return d
  }, content)
  await page.dispatchEvent('[data-drop]', 'drop', { dataTransfer: dt })
  await page.waitForSelector('[data-file]')
  await page.click('[data-upload]')
  await page.waitForSelector('[data-table=rejects] tbody tr[data-key]', { timeout: T })
  await nothingPlanted(page, 'import rejects')
  await shot(page, 'x10-import')

  // ---- users
  await nav(page, 'users')
  await page.waitForSelector(`[data-table=users] tr[data-key="${adminName}"]`, { timeout: T })
  await nothingPlanted(page, 'users')
  await shot(page, 'x11-users')

  // ---- the wall screen
  const wall = await context.newPage()
  watch(wall)
  await wall.setViewportSize({ width: 1920, height: 1080 })
  await wall.goto(`${BASE}/screen`)
  for (const c of ['screen-level1', 'screen-level2', 'screen-pace', 'screen-funnel'])
    await wall.waitForSelector(`[data-chart="${c}"][data-ready]`, { timeout: T })
  await hoverCharts(wall, 'wall screen')
  await shot(wall, 'x12-screen', false)
  await wall.close()

  if (tipsWithPayload === 0) found(`no tooltip showed ${PAYLOAD} as text: the charts were not hovered over the data`)

  // ---- CSRF: a cookie-signed POST without the header is refused; with it, it reaches the handler.
  // In a page of its own: the 403 it provokes is logged as a console error there.
  const probe = await context.newPage()
  await probe.goto(`${BASE}/favicon.svg`)
  const answers = await probe.evaluate(async () => {
    const post = async (headers) => {
      const res = await fetch('/api/v1/rounds', { method: 'POST', credentials: 'same-origin', headers, body: '{}' })
      return { status: res.status, body: await res.json().catch(() => null) }
    }
    return { without: await post({ 'Content-Type': 'application/json' }), with: await post({ 'Content-Type': 'application/json', 'X-Fangkong-CSRF': '1' }) }
  })
  await probe.close()
  log(`POST /api/v1/rounds by cookie: without the header ${JSON.stringify(answers.without)}; with it ${answers.with.status}`)
  if (answers.without.status !== 403 || !answers.without.body || answers.without.body.code !== 'csrf')
    found(`a cookie-signed POST without X-Fangkong-CSRF answered ${JSON.stringify(answers.without)}, not 403 csrf`)
  if (answers.with.status !== 400) found(`a cookie-signed POST with X-Fangkong-CSRF answered ${answers.with.status}, not 400 (fields missing)`)

  // ---- sign out: the cookie is gone, the session ended
  await page.click('[data-signout]')
  await page.waitForURL(/\/login/, { timeout: T })
  const left = (await context.cookies(BASE)).filter((c) => c.name === 'fk_session' && c.value)
  if (left.length) found(`the session cookie is still set after signing out: ${left[0].value}`)
  if (cookie) {
    const res = await context.request.get(`${BASE}/api/v1/me`, { headers: { Cookie: `fk_session=${cookie.value}` } })
    if (res.status() !== 401) found(`the signed-out session still answers GET /api/v1/me: ${res.status()}`)
  }
  await context.close()
} catch (e) {
  failed = true
  console.error(e)
} finally {
  await browser.close()
}
if (findings.length) {
  failed = true
  console.error(`${findings.length} finding(s):\n  ${findings.join('\n  ')}`)
}
log(failed ? 'FAILED' : 'no payload ran; the session stays out of reach of page script')
process.exit(failed ? 1 : 0)
