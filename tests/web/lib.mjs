// SPDX-License-Identifier: MIT
// Shared tools of the browser tests (run by tests/e2e/6N-web-*.sh through web-lib.sh's web_node):
// the environment, chromium, sign-in, screenshots, table cells, chart contents, the CLI's own
// answers, and one run() that collects page errors (a CSP violation is one) and exits 0 or 1.
import { chromium } from 'playwright-core'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
export { nav } from './nav.mjs'

export const need = (k) => {
  const v = process.env[k]
  if (!v) throw new Error(`set ${k}`)
  return v
}
export const BASE = need('FK_URL').replace(/\/$/, '')
export const SHOTS = need('FK_SHOTS')
export const [adminName, adminPass] = need('FK_ADMIN').split(':')
export const [viewerName, viewerPass] = need('FK_VIEWER').split(':')
export const T = 15000 /* ms for one thing to appear */

const t0 = Date.now()
export const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`)
export const pct = (c) => (c === null ? '—' : `${(c * 100).toFixed(2)} %`)

/* The CLI's answer (stdout) for args, on the same database the server reads. */
export function cli(...args) {
  return execFileSync(need('FANGKONG'), args, { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'ignore'] })
}

/* Rows of a CSV the CLI wrote, as objects keyed by its header (RFC 4180: quoted fields may hold
 * commas, quotes and newlines; a missing field is ''; blank lines are skipped). */
export function csvRows(text) {
  const rows = []
  let row = []
  let f = ''
  let q = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (q) {
      if (ch === '"' && text[i + 1] === '"') (f += '"'), i++
      else if (ch === '"') q = false
      else f += ch
    } else if (ch === '"') q = true
    else if (ch === ',') row.push(f), (f = '')
    else if (ch === '\n') row.push(f), rows.push(row), (row = []), (f = '')
    else if (ch !== '\r') f += ch
  }
  if (f || row.length) row.push(f), rows.push(row)
  const [head = [], ...body] = rows.filter((r) => r.length > 1 || r[0] !== '')
  return body.map((v) => Object.fromEntries(head.map((h, i) => [h, v[i] ?? ''])))
}

export async function shot(page, name, fullPage = true) {
  fs.mkdirSync(SHOTS, { recursive: true })
  const file = path.join(SHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage })
  log(`screenshot ${file}`)
}

export const cells = (page, table, col) =>
  page.$$eval(`[data-table="${table}"] tbody td[data-col="${col}"]`, (tds) => tds.map((td) => td.textContent.trim()))

/* Waits for an ECharts instance on [data-chart=name] to be drawn and returns its option. */
export async function chartOption(page, name) {
  const sel = `[data-chart="${name}"][data-ready]`
  await page.waitForSelector(sel, { timeout: T })
  return page.$eval(sel, (el) => JSON.parse(JSON.stringify(el.__chart.getOption())))
}

/* Switches the UI's language ('zh' or 'en') with the top bar's button. */
export const setLang = (page, l) => page.click(`.topbar [data-lang=${l}]`)

/* Stores the UI's language ('zh' or 'en') in the page's localStorage and reloads the page. */
export async function storeLang(page, l) {
  await page.evaluate((x) => localStorage.setItem('fk.lang', x), l)
  await page.reload()
}

export async function signIn(page, name, password) {
  await page.goto(`${BASE}/`)
  await page.waitForSelector('form.login', { timeout: T })
  await page.fill('input[name=name]', name)
  await page.fill('input[name=password]', password)
  await page.click('form.login button[type=submit]')
  await page.waitForSelector('[data-kpi=coverage]', { timeout: T })
}

/* Runs body(browser, newPage, watch) in Debian's chromium; newPage(opts) opens a page in a fresh
 * context (default 1440×900, zh-CN) whose script errors and CSP violations fail the run; watch(page)
 * does the same for a page the body opens itself. Exits the process with 0 or 1; on a failure, the
 * pages still open are shot as 99-failed.png, and each page's address, its service worker, and
 * its last console lines and failed requests are printed (a CI run once found a blank page after
 * a sign-out, and the shot alone could not say why). */
export async function run(body) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const pageErrors = []
  const trail = new Map() /* page -> its last console lines and failed requests */
  let failed = false
  /* The server's Content-Security-Policy refusing something the UI does (an inline style in a
   * tooltip, say) is a page error too: the UI must work within it. */
  const note = (page, line) => {
    const t = trail.get(page) || []
    t.push(line)
    if (t.length > 30) t.shift()
    trail.set(page, t)
  }
  const watch = (page) => {
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.stack || e}`))
    page.on('console', (m) => {
      note(page, `console ${m.type()}: ${m.text()}`)
      if (m.type() === 'error' && m.text().includes('Content Security Policy')) pageErrors.push(`${page.url()}: ${m.text()}`)
    })
    page.on('requestfailed', (r) => note(page, `request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`))
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) note(page, `navigated: ${f.url()}`) })
    return page
  }
  const newPage = async (opts = {}) => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true, locale: 'zh-CN', ...opts })
    return watch(await context.newPage())
  }
  try {
    await body(browser, newPage, watch)
    if (pageErrors.length) throw new Error(`script errors in the pages:\n${pageErrors.join('\n')}`)
  } catch (e) {
    failed = true
    console.error(e)
    for (const c of browser.contexts())
      for (const p of c.pages()) {
        await shot(p, '99-failed').catch(() => {})
        const sw = await p.evaluate(async () => {
          const r = navigator.serviceWorker && (await navigator.serviceWorker.getRegistration())
          return r ? `service worker: ${r.active ? r.active.state : 'none active'}${navigator.serviceWorker.controller ? ', controlling' : ''}` : 'no service worker'
        }).catch((x) => `service worker: ${x}`)
        console.error(`page ${p.url()} (${sw}; body ${(await p.textContent('body').catch(() => '')).length} characters)`)
        for (const line of trail.get(p) || []) console.error(`  ${line}`)
      }
  } finally {
    await browser.close()
  }
  log(failed ? 'FAILED' : 'all checks passed')
  process.exit(failed ? 1 : 0)
}
