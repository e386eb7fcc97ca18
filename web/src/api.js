// SPDX-License-Identifier: MIT
// The client of the fangkong HTTP API (docs/api.md): the session, JSON requests, downloads saved
// as blobs and uploads with progress. The session token lives in an HttpOnly cookie the server
// sets at sign-in: no script of the page, nor one smuggled into it, can read it, and nothing here
// stores it. Every request carries the header X-Fangkong-CSRF, without which the server refuses a
// cookie-signed request that changes anything; a page of another site cannot add it.
import { reactive } from 'vue'
import { asOfParam } from './asof.js'

const BASE = '/api/v1'
const CSRF = { 'X-Fangkong-CSRF': '1' }

/* The signed-in user (name, role, scope, permissions) or null; known once restore() settled. */
export const session = reactive({ user: null, offline: false })
/* Whether this browser signed in and has not signed out since: no secret, it only spares a
 * browser that never signed in the question to the server (and its 401). */
const HINT = 'fk.signedIn'
/* Who signed in on this browser (name, role, scope, permissions: what GET /me says, no secret),
 * for a reload without a network: the page opens as that user, offline (session.offline), and
 * every request still needs the cookie the server checks. */
const LAST = 'fk.lastUser'

export function setSession(user) {
  session.user = user
  session.offline = false
  localStorage.setItem(HINT, '1')
  localStorage.setItem(LAST, JSON.stringify(user))
}

export function clearSession() {
  session.user = null
  session.offline = false
  localStorage.removeItem(HINT)
  localStorage.removeItem(LAST)
}

function lastUser() {
  try {
    const u = JSON.parse(localStorage.getItem(LAST) || 'null')
    return u && typeof u.name === 'string' && Array.isArray(u.permissions) ? u : null
  } catch {
    return null
  }
}

/* Earlier versions kept the token itself in localStorage: it goes. */
localStorage.removeItem('fk.token')
localStorage.removeItem('fk.user')

let restoring = null
/* Asks the server once whether the cookie holds a session (GET /me), so a reload stays signed in;
 * resolves when session.user says. */
export function restore() {
  if (restoring) return restoring
  if (!localStorage.getItem(HINT)) {
    restoring = Promise.resolve()
    return restoring
  }
  restoring = askMe(navigator.onLine === false ? 1 : 3).then((user) => {
    if (user && !session.user) setSession(user)
    /* only the server's "no session" signs out; a busy server or a lost connection does not */
    if (user === null && !session.user) clearSession()
    /* no answer at all: the last user, offline, until a request answers */
    if (user === undefined && !session.user && lastUser()) {
      session.user = lastUser()
      session.offline = true
    }
  })
  return restoring
}

/* GET /me: the user, null when the server answers 401 (no session), or undefined when it could
 * not say (a network error, a 5xx, a 429) after `tries` attempts half a second, one and two
 * seconds apart. */
async function askMe(tries) {
  for (let i = 0; i < tries; i++) {
    if (i) await new Promise((ok) => setTimeout(ok, 500 * 2 ** (i - 1)))
    try {
      const res = await fetch(`${BASE}/me`, { credentials: 'same-origin', headers: CSRF })
      if (res.ok) return await res.json()
      if (res.status === 401 || res.status === 403) return null
    } catch (e) {
      /* the connection failed: ask again */
    }
  }
  return undefined
}

export function can(perm) {
  return !!session.user && (session.user.permissions || []).includes(perm)
}

/* An answer other than 2xx: the status and the API's {"code","error","hint"}, with the
 * catalogue's code and arguments of the error and the hint when the server sent them ("message",
 * "hint_message": i18n.js errText and errHint show them in the UI's language). */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`)
    this.status = status
    this.code = (body && body.code) || ''
    this.hint = (body && body.hint) || ''
    this.msg = (body && body.message) || null
    this.hintMsg = (body && body.hint_message) || null
  }
}

let unauthorized = () => {}
/* fn runs when the API answers 401 to a signed-in request (the session expired or was ended). */
export function onUnauthorized(fn) {
  unauthorized = fn
}

/* A query string from an object, leaving out empty values. */
export function qs(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v)
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

/* params with now= of the "as of" time (asof.js) when one is set: every read goes through here. */
function asOfParams(params) {
  const now = asOfParam()
  return now ? { ...(params || {}), now } : params
}

async function failure(res, path) {
  let body = null
  try {
    body = await res.json()
  } catch {
    body = null
  }
  const err = new ApiError(res.status, body)
  if (res.status === 401 && path !== '/login') {
    clearSession()
    unauthorized()
  }
  return err
}

/* fetch against the API; path is relative to /api/v1 or absolute (/api/v1/...). */
async function send(path, opts = {}) {
  const url = path.startsWith(BASE) ? path : BASE + path
  const headers = { ...(opts.headers || {}), ...CSRF }
  let res
  try {
    res = await fetch(url, { ...opts, headers, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, { code: 'network', error: String(e.message || e) })
  }
  if (!res.ok) throw await failure(res, path)
  return res
}

export async function get(path, params) {
  const res = await send(path + qs(asOfParams(params)))
  return res.json()
}

export async function post(path, body) {
  const res = await send(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  return res.json()
}

export async function getText(path) {
  const res = await send(path)
  return res.text()
}

/* Downloads path and saves it as filename through a blob URL, so a failure shows as an error on
 * the page rather than as a JSON file saved. */
export async function download(path, params, filename) {
  const res = await send(path + qs(asOfParams(params)))
  const blob = await res.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

/* Uploads a file as the raw body of POST path; onProgress(fraction) follows the upload.
 * XMLHttpRequest rather than fetch: only it reports upload progress. */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', BASE + path)
    xhr.setRequestHeader('X-Fangkong-CSRF', '1')
    xhr.setRequestHeader('Content-Type', 'text/csv')
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      let body = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        body = null
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(1)
        resolve(body)
        return
      }
      if (xhr.status === 401) {
        clearSession()
        unauthorized()
      }
      reject(new ApiError(xhr.status, body))
    }
    xhr.onerror = () => reject(new ApiError(0, { code: 'network', error: 'network error' }))
    xhr.send(file)
  })
}

/* RFC 4180 CSV text to an array of objects keyed by the header row. */
export function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  if (!rows.length) return []
  const head = rows[0].map((h) => h.replace(/^\uFEFF/, ''))
  return rows.slice(1).map((r) => Object.fromEntries(head.map((h, k) => [h, r[k] ?? ''])))
}
